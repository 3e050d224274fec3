/**
 * The one deploy path (calibrator/ops/deploy.ts, Ignition's BulwarkSystem): who administers the system
 * after deployment, and the admin choices it refuses before anything is sent.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { deployBulwark } from "../../calibrator/ops/deploy.js";
import { type DeploymentSpec, loadDeploymentSpec } from "../../calibrator/ops/deploymentSpec.js";
import { InputError } from "../../calibrator/data/errors.js";
import { deploySystem } from "../fixtures/system.js";

const LOCAL = loadDeploymentSpec("deploy/local.json");
const DEFAULT_ADMIN_ROLE = `0x${"0".repeat(64)}`;

function withAdmin(admin: string): DeploymentSpec {
  return { ...LOCAL, governance: { ...LOCAL.governance, admin } };
}

describe("deployBulwark: the admin after deployment", function () {
  it("hands every admin role to the timelock by default and keeps none for the deployer", async function () {
    const { ethers, ignition } = await network.create();
    const [deployer] = await ethers.getSigners();
    const { addresses } = await deployBulwark(ignition, ethers, LOCAL);
    const governed = {
      oracle: await ethers.getContractAt("PriceOracle", addresses.oracle),
      updater: await ethers.getContractAt("BoundedRiskUpdater", addresses.updater),
      engine: await ethers.getContractAt("MarginEngine", addresses.engine),
    };
    for (const [name, c] of Object.entries(governed)) {
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, addresses.timelock), name).to.equal(true);
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, deployer!.address), name).to.equal(false);
    }
  });

  it("lists the collaterals in the file's order, so collateral ids follow it (six assets)", async function () {
    const connection = await network.create();
    // Symbols out of alphabetical order: Ignition orders independent futures of one batch by their ids.
    const symbols = ["ZRX", "WETH", "LINK", "AAVE", "WBTC", "EURC"];
    const assets = symbols.map((symbol, i) => ({ symbol, decimals: 18 - i, price8: BigInt(10 + i) * 10n ** 8n }));
    const system = await deploySystem(connection, { assets });
    for (const [i, a] of system.assets.entries()) {
      expect((await system.engine.collateralConfig(a.address)).id, a.spec.symbol).to.equal(BigInt(i + 1));
      expect(await a.token.symbol()).to.equal(a.spec.symbol);
    }
  });

  it("gives a local test system's named account the admin role", async function () {
    const { ethers, ignition } = await network.create();
    const [deployer, governance] = await ethers.getSigners();
    const { addresses } = await deployBulwark(ignition, ethers, withAdmin(governance!.address));
    const updater = await ethers.getContractAt("BoundedRiskUpdater", addresses.updater);
    expect(await updater.hasRole(DEFAULT_ADMIN_ROLE, governance!.address)).to.equal(true);
    expect(await updater.hasRole(DEFAULT_ADMIN_ROLE, deployer!.address)).to.equal(false);
  });

  it("refuses an account as admin off the local chain, and the deployer as admin anywhere, sending nothing", async function () {
    const mainnetLike = await network.create({ override: { chainId: 1 } });
    const [, governance] = await mainnetLike.ethers.getSigners();
    const before = await mainnetLike.ethers.provider.getBlockNumber();
    let refused: unknown;
    try {
      await deployBulwark(mainnetLike.ignition, mainnetLike.ethers, withAdmin(governance!.address));
    } catch (e) {
      refused = e;
    }
    expect(refused).to.be.instanceOf(InputError);
    expect((refused as Error).message).to.match(/governance\.admin must be "timelock" on chain 1/);
    expect(await mainnetLike.ethers.provider.getBlockNumber()).to.equal(before);

    const local = await network.create();
    const [deployer] = await local.ethers.getSigners();
    const start = await local.ethers.provider.getBlockNumber();
    refused = undefined;
    try {
      await deployBulwark(local.ignition, local.ethers, withAdmin(deployer!.address));
    } catch (e) {
      refused = e;
    }
    expect(refused).to.be.instanceOf(InputError);
    expect((refused as Error).message).to.match(/must not be the deployer/);
    expect(await local.ethers.provider.getBlockNumber()).to.equal(start);
  });
});
