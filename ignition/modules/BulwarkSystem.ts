/**
 * The whole Bulwark system from one deployment file (deploy/*.json, calibrator/ops/deploymentSpec.ts):
 * TimelockController, PriceOracle, BoundedRiskUpdater (the registry), MarginEngine, and per collateral
 * its feed, governance bounds, ramp, starting parameters and listing. Mock tokens and feeds are
 * deployed where the file says "mock" (local networks).
 *
 * Bootstrap: the deployer holds the admin role only during this module, configures every asset,
 * grants the role to the timelock and renounces it, so after deployment only the timelock governs
 * (a local test system may name an account as `governance.admin` instead; deployBulwark refuses that
 * off a local chain).
 * The asset list is read from the file when the module is built (Ignition modules are static).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ContractCallFuture, NamedArtifactContractDeploymentFuture } from "@nomicfoundation/ignition-core";
import type { DeploymentSpec } from "../../calibrator/ops/deploymentSpec.js";

const ZERO = "0x0000000000000000000000000000000000000000";
const DEFAULT_ADMIN_ROLE = `0x${"0".repeat(64)}`;

/** USD price string with ≤ 8 decimals → the 8-decimal integer a Chainlink USD feed reports. */
export function price8(price: string): bigint {
  const [whole, fraction = ""] = price.split(".");
  return BigInt(whole!) * 10n ** 8n + BigInt(fraction.padEnd(8, "0"));
}

/** price8's inverse: an 8-decimal feed answer as the file's decimal string ("2000", "0.00000001"). */
export function priceString(answer8: bigint): string {
  const whole = answer8 / 10n ** 8n;
  const fraction = (answer8 % 10n ** 8n).toString().padStart(8, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

export function bulwarkSystemModule(spec: DeploymentSpec) {
  return buildModule("BulwarkSystem", (m) => {
    const deployer = m.getAccount(0);
    const who = (a: string) => (a === "deployer" ? deployer : a);
    const guardian = who(spec.governance.guardian);

    const timelock = m.contract("TimelockController", [
      spec.governance.timelockMinDelay,
      spec.governance.proposers.map(who),
      spec.governance.executors,
      ZERO, // no admin: the timelock administers itself
    ]);
    const oracle = m.contract("PriceOracle", [deployer, spec.oracle.sequencerFeed ?? ZERO, spec.oracle.sequencerGracePeriod]);
    const updater = m.contract("BoundedRiskUpdater", [
      deployer,
      guardian,
      oracle,
      spec.calibrators.signers,
      spec.calibrators.quorum,
      spec.calibrators.maxReportAge,
    ]);
    const debtAsset =
      spec.engine.debtAsset === "mock"
        ? m.contract("MockERC20", [spec.engine.debtSymbol, spec.engine.debtSymbol, spec.engine.debtDecimals], { id: `token_${spec.engine.debtSymbol}` })
        : spec.engine.debtAsset;
    const engine = m.contract("MarginEngine", [
      debtAsset,
      spec.engine.shareName,
      spec.engine.shareSymbol,
      updater,
      oracle,
      deployer,
      guardian,
      spec.engine.rateModel,
      spec.engine.liquidationConfig,
    ]);

    const mocks: Record<string, NamedArtifactContractDeploymentFuture<string>> = {};
    if (typeof debtAsset !== "string") mocks[`token_${spec.engine.debtSymbol}`] = debtAsset;
    const configured: ContractCallFuture<string, string>[] = [];
    for (const a of spec.assets) {
      const token = a.token === "mock" ? m.contract("MockERC20", [a.symbol, a.symbol, a.decimals], { id: `token_${a.symbol}` }) : a.token;
      const feed = typeof a.feed === "string" ? a.feed : m.contract("MockAggregator", [8, price8(a.feed.mockPrice), `${a.symbol} / USD`], { id: `feed_${a.symbol}` });
      if (typeof token !== "string") mocks[`token_${a.symbol}`] = token;
      if (typeof feed !== "string") mocks[`feed_${a.symbol}`] = feed;
      const setFeed = m.call(oracle, "setFeed", [token, feed, a.stalenessAllowance], { id: `${a.symbol}_setFeed` });
      const rules = m.call(updater, "setAssetRules", [token, a.rules], { id: `${a.symbol}_setAssetRules` });
      const ramp = m.call(updater, "setRampDuration", [token, a.rampDuration], { id: `${a.symbol}_setRampDuration` });
      const params = m.call(updater, "governanceSetParams", [token, a.params], { id: `${a.symbol}_governanceSetParams`, after: [rules, setFeed, ramp] });
      // Each listing waits for the previous one: Ignition runs the independent futures of a batch in the
      // order of their ids (alphabetical), and a collateral's id (its listing order) must follow the
      // file's asset order (test/contracts/deploy.ts).
      const previous = configured.at(-1);
      configured.push(
        m.call(engine, "listCollateral", [token, a.supplyCap * 10n ** BigInt(a.decimals)], {
          id: `${a.symbol}_listCollateral`,
          after: previous === undefined ? [params] : [params, previous],
        }),
      );
    }
    // Hand every admin role to the timelock (or the spec's admin account, local tests only), then give
    // up the deployer's.
    const admin = spec.governance.admin === "timelock" ? timelock : spec.governance.admin;
    for (const [name, contract] of [["oracle", oracle], ["updater", updater], ["engine", engine]] as const) {
      const grant = m.call(contract, "grantRole", [DEFAULT_ADMIN_ROLE, admin], { id: `${name}_grantAdmin`, after: configured });
      m.call(contract, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], { id: `${name}_renounceDeployerAdmin`, after: [grant] });
    }
    return { timelock, oracle, updater, engine, ...mocks };
  });
}
