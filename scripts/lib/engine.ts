/**
 * Deploys a MarginEngine on top of a Bulwark parameter path (scripts/lib/system.ts): the debt asset,
 * the engine, its listed collaterals, and helpers to fund and approve accounts. Shared by tests,
 * benchmarks and the demo.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { Signer } from "ethers";
import type { MarginEngine, MockERC20 } from "../../types/ethers-contracts/index.js";
import type { LiquidationConfig, RateModel } from "../../calibrator/rules/engineMath.js";
import { type AssetSpec, deploySystem, type System, type SystemOptions } from "./system.js";

export const E18 = 10n ** 18n;

/** 0% base, 4% at the 80% kink, +75% more at full utilisation, 10% to the reserve. */
export const DEFAULT_RATE_MODEL: RateModel = {
  baseRateBps: 0,
  slope1Bps: 400,
  slope2Bps: 7_500,
  optimalUtilizationBps: 8_000,
  reserveFactorBps: 1_000,
};

/** Aave-like: full close below HF 0.95, 10% of the bonus to the reserve, $1,000 minimum leftover. */
export const DEFAULT_LIQUIDATION_CONFIG: LiquidationConfig = {
  fullCloseHealthBps: 9_500,
  rateLimitBypassHealthBps: 9_000,
  protocolFeeBps: 1_000,
  minLeftoverValue: 1_000n * E18,
};

/** Collaterals with 18, 8, 18 and 6 decimals (the engine must handle any). */
export const ENGINE_ASSETS: readonly AssetSpec[] = [
  { symbol: "WETH", decimals: 18, price8: 2_000n * 10n ** 8n },
  { symbol: "WBTC", decimals: 8, price8: 60_000n * 10n ** 8n },
  { symbol: "LINK", decimals: 18, price8: 15n * 10n ** 8n },
  { symbol: "EURC", decimals: 6, price8: 108_000_000n },
];

export interface EngineOptions extends SystemOptions {
  rateModel?: RateModel;
  liquidationConfig?: LiquidationConfig;
  /** Supply cap per collateral in whole tokens (default 10^9). */
  supplyCapTokens?: bigint;
}

export interface EngineSystem extends System {
  engine: MarginEngine;
  usdc: MockERC20;
}

export async function deployEngine(ethers: HardhatEthers, options: EngineOptions = {}): Promise<EngineSystem> {
  const system = await deploySystem(ethers, { assets: ENGINE_ASSETS, ...options });
  const usdc = await ethers.deployContract("MockERC20", ["USD Coin", "USDC", 6]);
  const engine = await ethers.deployContract("MarginEngine", [
    await usdc.getAddress(),
    "Bulwark USDC",
    "bwUSDC",
    await system.registry.getAddress(),
    await system.oracle.getAddress(),
    system.governance.address,
    system.guardian.address,
    options.rateModel ?? DEFAULT_RATE_MODEL,
    options.liquidationConfig ?? DEFAULT_LIQUIDATION_CONFIG,
  ]);
  const g = engine.connect(system.governance);
  for (const a of system.assets) {
    await g.listCollateral(a.address, (options.supplyCapTokens ?? 10n ** 9n) * 10n ** BigInt(a.spec.decimals));
  }
  return { ...system, engine, usdc };
}

/** Re-pushes every feed's current answer (a heartbeat), so prices stay fresh after time travel. */
export async function heartbeat(system: System): Promise<void> {
  for (const a of system.assets) await a.feed.updateAnswer((await a.feed.latestRoundData())[1]);
}

/** Mints `amount` of `token` to `who` and approves the engine for it. */
export async function fund(token: MockERC20, engine: MarginEngine, who: Signer & { address: string }, amount: bigint): Promise<void> {
  await token.mint(who.address, amount);
  await token.connect(who).approve(await engine.getAddress(), amount);
}

/** Whole tokens (an integer, or a decimal number or string such as "0.5") to token units, exactly. */
export function units(amount: number | bigint | string, decimals: number): bigint {
  if (typeof amount === "bigint") return amount * 10n ** BigInt(decimals);
  const [whole, fraction = ""] = amount.toString().split(".");
  if (fraction.length > decimals) throw new RangeError(`${amount} has more than ${decimals} decimals`);
  return BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}
