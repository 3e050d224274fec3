/**
 * Deploys the whole system with Ignition (ignition/modules/BulwarkSystem.ts) on any Hardhat network
 * connection and returns the addresses an operator and the keeper need (also written to
 * deployments/<chainId>.json by scripts/deploy.ts).
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { BaseContract } from "ethers";
import { bulwarkSystemModule } from "../../ignition/modules/BulwarkSystem.js";
import type { Address } from "../rules/types.js";
import type { DeploymentSpec } from "./deploymentSpec.js";
import { InputError } from "../data/errors.js";

/** Hardhat's and anvil's chain id: the only chain where an account may administer the system. */
export const LOCAL_CHAIN_ID = 31_337;

export interface DeployedAddresses {
  chainId: number;
  /** First block that can hold engine events (the block before deployment started). */
  fromBlock: number;
  timelock: Address;
  oracle: Address;
  updater: Address;
  engine: Address;
  debtAsset: Address;
  assets: { symbol: string; token: Address; feed: Address; decimals: number; mock: boolean }[];
}

interface IgnitionLike {
  deploy(module: ReturnType<typeof bulwarkSystemModule>, options?: { displayUi?: boolean; deploymentId?: string }): Promise<Record<string, BaseContract>>;
}

export async function deployBulwark(
  ignition: IgnitionLike,
  ethers: HardhatEthers,
  spec: DeploymentSpec,
  deploymentId?: string,
): Promise<{ addresses: DeployedAddresses; contracts: Record<string, BaseContract> }> {
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  if (spec.governance.admin !== "timelock" && chainId !== LOCAL_CHAIN_ID) {
    throw new InputError(`governance.admin must be "timelock" on chain ${chainId}: an account as admin is for local test systems (chain ${LOCAL_CHAIN_ID}) only`);
  }
  // The module renounces the deployer's admin role last, so a deployer named as admin would leave the
  // contracts with no admin at all.
  const [deployer] = await ethers.getSigners();
  if (deployer && spec.governance.admin.toLowerCase() === deployer.address.toLowerCase()) {
    throw new InputError(`governance.admin must not be the deployer (${deployer.address}): the deployment renounces the deployer's admin role`);
  }
  const fromBlock = await ethers.provider.getBlockNumber();
  const contracts = await ignition.deploy(bulwarkSystemModule(spec), { displayUi: false, deploymentId });
  const at = async (name: string) => (await contracts[name]!.getAddress()) as Address;
  const assets = [];
  for (const a of spec.assets) {
    assets.push({
      symbol: a.symbol,
      token: a.token === "mock" ? await at(`token_${a.symbol}`) : (a.token as Address),
      feed: typeof a.feed === "string" ? (a.feed as Address) : await at(`feed_${a.symbol}`),
      decimals: a.decimals,
      mock: a.token === "mock",
    });
  }
  const addresses: DeployedAddresses = {
    chainId,
    fromBlock,
    timelock: await at("timelock"),
    oracle: await at("oracle"),
    updater: await at("updater"),
    engine: await at("engine"),
    debtAsset: spec.engine.debtAsset === "mock" ? await at(`token_${spec.engine.debtSymbol}`) : (spec.engine.debtAsset as Address),
    assets,
  };
  return { addresses, contracts };
}
