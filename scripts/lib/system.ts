/**
 * Deploys a complete Bulwark parameter path (registry, updater, oracle, feeds, tokens) on a Hardhat
 * network through ethers. Shared by the tests, the benchmarks and the demo so they exercise one setup.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { fileURLToPath } from "node:url";
import { keccak256, toUtf8Bytes, Wallet } from "ethers";
import { loadDeploymentSpec } from "../../calibrator/ops/deploymentSpec.js";
import { toRiskParams } from "../../calibrator/rules/chainState.js";
import { updaterDomain, type UpdaterDomain } from "../../calibrator/rules/eip712.js";
import type { Address, AssetRules, RiskParams, RiskReport } from "../../calibrator/rules/types.js";
import type {
  BoundedRiskUpdater,
  MockAggregator,
  MockERC20,
  PriceOracle,
} from "../../types/ethers-contracts/index.js";

/**
 * The default governance rules and starting parameters are deploy/local.json's WETH entry (the demo's
 * and the tests' system), read through the deployment schema, so the two cannot drift: rules for a
 * major collateral (docs/parameters.md explains each number; risk-reducing steps are 4x the
 * risk-increasing ones, risk-reducing reports wait 1 hour, risk-increasing 3 days) and Aave v3's
 * WETH 80.5/83/5 as the starting point.
 */
const LOCAL_SPEC_FILE = fileURLToPath(new URL("../../deploy/local.json", import.meta.url));
const LOCAL_WETH = loadDeploymentSpec(LOCAL_SPEC_FILE).assets.find((a) => a.symbol === "WETH");
if (!LOCAL_WETH) throw new Error(`${LOCAL_SPEC_FILE} has no WETH asset: the test fixtures take their defaults from it`);

export const DEFAULT_RULES: AssetRules = LOCAL_WETH.rules;

export const DEFAULT_PARAMS: RiskParams = LOCAL_WETH.params;

/** The ramp duration of threshold cuts (deploy/local.json's WETH entry). */
export const DEFAULT_RAMP_DURATION = LOCAL_WETH.rampDuration;

export interface AssetSpec {
  symbol: string;
  decimals: number;
  /** USD price with 8 decimals (Chainlink's USD feeds). */
  price8: bigint;
}

export const DEFAULT_ASSETS: readonly AssetSpec[] = [
  { symbol: "WETH", decimals: 18, price8: 2_000n * 10n ** 8n },
  { symbol: "WBTC", decimals: 8, price8: 60_000n * 10n ** 8n },
  { symbol: "LINK", decimals: 18, price8: 15n * 10n ** 8n },
];

export interface SystemOptions {
  assets?: readonly AssetSpec[];
  calibratorCount?: number;
  quorum?: number;
  maxReportAge?: number;
  rampDuration?: number;
  /** Feed staleness allowance in seconds (heartbeat + margin). */
  stalenessAllowance?: number;
  rules?: AssetRules;
  params?: RiskParams;
}

export interface DeployedAsset {
  spec: AssetSpec;
  token: MockERC20;
  address: Address;
  feed: MockAggregator;
}

export interface System {
  /** The registry view of the deployed contract (same address as `updater`). */
  registry: BoundedRiskUpdater;
  updater: BoundedRiskUpdater;
  oracle: PriceOracle;
  assets: DeployedAsset[];
  governance: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  calibrators: Wallet[];
  domain: UpdaterDomain;
}

/** Deterministic calibrator keys for tests (never use outside a local chain). */
export function calibratorWallets(count: number): Wallet[] {
  return Array.from({ length: count }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`bulwark-test-calibrator-${i}`))));
}

export async function deploySystem(ethers: HardhatEthers, options: SystemOptions = {}): Promise<System> {
  const [, governance, guardian, relayer, outsider] = await ethers.getSigners();
  if (!governance || !guardian || !relayer || !outsider) throw new Error("deploySystem needs 5 accounts");
  const calibrators = calibratorWallets(options.calibratorCount ?? 3);
  const quorum = options.quorum ?? 1;

  const oracle = await ethers.deployContract("PriceOracle", [governance.address, ethers.ZeroAddress, 0]);
  const updater = await ethers.deployContract("BoundedRiskUpdater", [
    governance.address,
    guardian.address,
    await oracle.getAddress(),
    calibrators.map((w) => w.address),
    quorum,
    options.maxReportAge ?? 3_600,
  ]);
  // One deployed contract: the bounded update path and the registry module it writes.
  const registry = updater;

  const assets: DeployedAsset[] = [];
  for (const spec of options.assets ?? DEFAULT_ASSETS) {
    const token = await ethers.deployContract("MockERC20", [spec.symbol, spec.symbol, spec.decimals]);
    const feed = await ethers.deployContract("MockAggregator", [8, spec.price8, `${spec.symbol} / USD`]);
    const address = (await token.getAddress()) as Address;
    await oracle.connect(governance).setFeed(address, await feed.getAddress(), options.stalenessAllowance ?? 4_200);
    await updater.connect(governance).setAssetRules(address, options.rules ?? DEFAULT_RULES);
    await updater.connect(governance).setRampDuration(address, options.rampDuration ?? DEFAULT_RAMP_DURATION);
    await updater.connect(governance).governanceSetParams(address, options.params ?? DEFAULT_PARAMS);
    assets.push({ spec, token, address, feed });
  }
  const { chainId } = await ethers.provider.getNetwork();
  const domain = updaterDomain(chainId, (await updater.getAddress()) as Address);
  return { registry, updater, oracle, assets, governance, guardian, relayer, outsider, calibrators, domain };
}

/** Reads the stored parameters as the TypeScript type. */
export async function storedParams(registry: BoundedRiskUpdater, asset: Address): Promise<RiskParams> {
  return toRiskParams(await registry.storedParams(asset));
}

/** A report for `asset` that moves its stored parameters to `newParams`, with the next nonce. */
export async function buildReport(
  updater: BoundedRiskUpdater,
  asset: Address,
  newParams: RiskParams,
  overrides: Partial<RiskReport> = {},
): Promise<RiskReport> {
  const current = await storedParams(updater, asset);
  const [, nonce] = await updater.assetState(asset);
  const block = await updater.runner!.provider!.getBlock("latest");
  return {
    asset,
    newParams,
    expectedCurrentParams: current,
    nonce,
    observedAt: BigInt(block!.timestamp),
    reportHash: keccak256(toUtf8Bytes(`report:${asset}:${nonce}`)) as `0x${string}`,
    ...overrides,
  };
}
