/**
 * Replays a real hourly price path through the mock Chainlink feeds against a MarginEngine holding a
 * seeded population of borrowers, with a liquidator bot that liquidates whatever is liquidatable
 * within the rate limits, and records the pool's books after every hour. Shared by the crash-replay
 * test and the demo.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { type BaseContract, Wallet } from "ethers";
import { loadCandles } from "../../calibrator/data/candles.js";
import { drawPopulation } from "../../calibrator/backtest/population.js";
import { collateralValue } from "../../calibrator/rules/engineMath.js";
import type { RiskParams } from "../../calibrator/rules/types.js";
import type { BoundedRiskUpdater, MarginEngine, MockAggregator, MockERC20 } from "../../types/ethers-contracts/index.js";
import { deployEngine, E18, type EngineSystem, fund } from "./engine.js";
import type { AssetSpec } from "./system.js";

export interface ReplayOptions {
  /** Hourly candle CSVs (open_time_utc/timestamp, close) for the collateral assets, in asset order. */
  files: readonly string[];
  symbols: readonly string[];
  decimals: readonly number[];
  /** First and last candle open time replayed, "YYYY-MM-DD HH:MM:SS" UTC. */
  from: string;
  to: string;
  borrowers: number;
  seed: number;
  params: RiskParams;
  /** Lenders' deposit in USDC (whole units). */
  liquidity: bigint;
}

export interface ReplayStep {
  time: string;
  prices: number[];
  liquidations: number;
  blockedByRateLimit: number;
  liquidatableAccounts: number;
  cash: bigint;
  engineUsdcBalance: bigint;
  totalBorrows: bigint;
  totalAssets: bigint;
  reserve: bigint;
  badDebt: bigint;
  sumOfDebts: bigint;
}

export interface ReplayResult {
  steps: ReplayStep[];
  liquidations: number;
  blockedByRateLimit: number;
  /** Collateral value seized (18 decimals) at the oracle price of the hour. */
  liquidatedValue: bigint;
  repaid: bigint;
  protocolFees: bigint;
  badDebt: bigint;
  reserve: bigint;
  initialDebt: bigint;
  initialCollateralValue: bigint;
  system: EngineSystem;
}

const USDC = 10n ** 6n;
const BPS = 10_000n;

function revertName(engine: BaseContract, error: unknown): { name: string; args: readonly unknown[] } {
  const data = (error as { data?: string }).data;
  if (typeof data === "string") {
    const parsed = engine.interface.parseError(data);
    if (parsed) return { name: parsed.name, args: parsed.args };
  }
  const message = error instanceof Error ? error.message : String(error);
  const match = /custom error '(\w+)\(/.exec(message);
  return { name: match?.[1] ?? message, args: [] };
}

export interface ReplayHour {
  time: string;
  /** 8-decimal USD prices, in asset order. */
  prices: bigint[];
}

/** The hourly closes of aligned candle files from the hour before `from` (the opening) to `to`. */
export function loadHours(files: readonly string[], from: string, to: string): { opening: bigint[]; hours: ReplayHour[] } {
  const series = files.map((file) => loadCandles(file));
  const startMs = Date.parse(`${from.replace(" ", "T")}Z`);
  const endMs = Date.parse(`${to.replace(" ", "T")}Z`);
  const hours: ReplayHour[] = [];
  const first = series[0]!;
  for (let i = 0; i < first.time.length; i++) {
    const t = first.time[i]! * 1000;
    if (t < startMs - 3_600_000 || t > endMs) continue;
    const prices = series.map((s) => {
      if (s.time[i] !== first.time[i]) throw new Error(`price files are not aligned at row ${i + 2}`);
      return BigInt(Math.round(s.close[i]! * 1e8));
    });
    hours.push({ time: new Date(t).toISOString().slice(0, 16).replace("T", " "), prices });
  }
  if (hours.length < 2) throw new Error(`no candles between ${from} and ${to}`);
  // The hour before the window sets the opening prices; the window is replayed hour by hour.
  const opening = hours.shift()!;
  return { opening: opening.prices, hours };
}

/** What the population and the replay act on: an engine, its debt token and its mock-fed collaterals. */
export interface ReplayMarket {
  engine: MarginEngine;
  usdc: MockERC20;
  registry: BoundedRiskUpdater;
  assets: { spec: AssetSpec; token: MockERC20; address: string; feed: MockAggregator }[];
}

export interface Population {
  accounts: Wallet[];
  initialDebt: bigint;
  initialCollateralValue: bigint;
}

export async function replayCrash(ethers: HardhatEthers, helpers: NetworkHelpers, options: ReplayOptions): Promise<ReplayResult> {
  const { opening, hours } = loadHours(options.files, options.from, options.to);
  const assets: AssetSpec[] = options.symbols.map((symbol, i) => ({ symbol, decimals: options.decimals[i]!, price8: opening[i]! }));
  const system = await deployEngine(ethers, { assets, params: options.params, stalenessAllowance: 4_200 });
  const [deployer] = await ethers.getSigners();
  await fund(system.usdc, system.engine, deployer!, options.liquidity * USDC);
  await system.engine.connect(deployer!).deposit(options.liquidity * USDC, deployer!.address);
  const population = await openPopulation(ethers, helpers, system, options);
  return { ...(await replayHours(ethers, helpers, system, population, hours)), system };
}

/**
 * Borrowers drawn by the backtest's population model (calibrator/backtest/population.ts): collateral
 * $20k-$2M (log-uniform), first asset only, second only or both; initial health 1.04-1.8 at the current
 * effective parameters, borrowing no more than the LTV allows. Seeded.
 */
export async function openPopulation(
  ethers: HardhatEthers,
  helpers: NetworkHelpers,
  market: ReplayMarket,
  options: { borrowers: number; seed: number },
): Promise<Population> {
  const { engine } = market;
  const params = await Promise.all(market.assets.map((a) => market.registry.effectiveParams(a.address)));
  const opening = await Promise.all(
    market.assets.map(async (a, i) => ({
      decimals: a.spec.decimals,
      price18: (await a.feed.latestRoundData())[1] * 10n ** 10n,
      ltvBps: Number(params[i]!.ltvBps),
      liquidationThresholdBps: Number(params[i]!.liquidationThresholdBps),
    })),
  );
  const positions = drawPopulation(
    { count: options.borrowers, seed: options.seed, minUsd: 20_000, maxUsd: 2_000_000, minLimitUse: 0.5, maxLimitUse: 0.98 },
    opening,
    6,
  );
  const accounts: Wallet[] = [];
  let initialDebt = 0n;
  let initialCollateralValue = 0n;
  for (const [b, position] of positions.entries()) {
    const wallet = new Wallet(ethers.keccak256(ethers.toUtf8Bytes(`bulwark-replay-${options.seed}-${b}`)), ethers.provider);
    await helpers.setBalance(wallet.address, 10n ** 20n);
    for (const [i, amount] of position.collateral.entries()) {
      if (amount === 0n) continue;
      const a = market.assets[i]!;
      await fund(a.token, engine, wallet, amount);
      await engine.connect(wallet).depositCollateral(a.address, amount, wallet.address);
      initialCollateralValue += collateralValue(amount, opening[i]!.price18, a.spec.decimals);
    }
    await engine.connect(wallet).borrow(position.debt, wallet.address);
    initialDebt += position.debt;
    accounts.push(wallet);
  }
  return { accounts, initialDebt, initialCollateralValue };
}

/**
 * Replays `hours` through the feeds; after each hour a liquidator bot liquidates whatever is
 * liquidatable within the rate limits, and the pool's books are recorded. `onHour` sees each step.
 */
export async function replayHours(
  ethers: HardhatEthers,
  helpers: NetworkHelpers,
  market: ReplayMarket,
  population: Population,
  hours: readonly ReplayHour[],
  onHour: (step: ReplayStep, index: number) => void = () => {},
): Promise<Omit<ReplayResult, "system">> {
  const { engine, usdc } = market;
  const { accounts, initialDebt, initialCollateralValue } = population;

  const liquidatorSigner = (await ethers.getSigners())[9]!;
  await usdc.mint(liquidatorSigner.address, 10n ** 15n * USDC);
  await usdc.connect(liquidatorSigner).approve(await engine.getAddress(), ethers.MaxUint256);
  const liquidator = engine.connect(liquidatorSigner);

  const result: Omit<ReplayResult, "system"> = {
    steps: [],
    liquidations: 0,
    blockedByRateLimit: 0,
    liquidatedValue: 0n,
    repaid: 0n,
    protocolFees: 0n,
    badDebt: 0n,
    reserve: 0n,
    initialDebt,
    initialCollateralValue,
  };

  const assetIndex = new Map(market.assets.map((a, i) => [a.address as string, i]));
  for (const hour of hours) {
    // 18-decimal value of `amount` of the asset at `token` at this hour's price.
    const valueAt = (token: string, amount: bigint): bigint => {
      const i = assetIndex.get(token)!;
      return collateralValue(amount, hour.prices[i]! * 10n ** 10n, market.assets[i]!.spec.decimals);
    };
    await helpers.time.increase(3_600);
    for (let i = 0; i < market.assets.length; i++) await market.assets[i]!.feed.updateAnswer(hour.prices[i]!);
    let liquidations = 0;
    let blocked = 0;
    let liquidatable = 0;
    for (const account of accounts) {
      // A bot liquidates an account until it is healthy, the rate limit binds or nothing is left.
      for (let attempt = 0; attempt < 4; attempt++) {
        if ((await engine.healthFactor(account.address)) >= E18) break;
        if (attempt === 0) liquidatable++;
        const held = await engine.collateralAssetsOf(account.address);
        if (held.length === 0) break;
        // Seize the collateral worth most.
        let best = held[0]!;
        let bestValue = -1n;
        for (const token of held) {
          const value = valueAt(token, await engine.collateralBalance(account.address, token));
          if (value > bestValue) [best, bestValue] = [token, value];
        }
        let maxRepay = ethers.MaxUint256;
        let outcome: "done" | "blocked" | "skip" = "skip";
        for (let retry = 0; retry < 2; retry++) {
          try {
            const receipt = await (await liquidator.liquidate(account.address, best, maxRepay, 0n)).wait();
            for (const log of receipt!.logs) {
              const event = engine.interface.parseLog(log);
              if (event?.name !== "Liquidated") continue;
              result.liquidatedValue += valueAt(event.args[2] as string, event.args[4] as bigint);
              result.repaid += event.args[3] as bigint;
              result.protocolFees += event.args[5] as bigint;
            }
            liquidations++;
            outcome = "done";
            break;
          } catch (error) {
            const { name, args } = revertName(engine, error);
            if (name === "LiquidationRateLimited") {
              // Take what the bucket allows now: value / (1 + bonus) in USDC units, less 0.1% for rounding.
              const available = args[2] as bigint;
              const bonusBps = (await market.registry.effectiveParams(best)).liquidationBonusBps;
              const repay = (available * BPS) / (BPS + bonusBps) / 10n ** 12n;
              if (retry === 0 && repay > USDC) {
                maxRepay = (repay * 999n) / 1_000n;
                continue;
              }
              outcome = "blocked";
              break;
            }
            // A slice that would leave dust, or an account healthy again: the bot moves on.
            if (name === "LiquidationLeavesDust" || name === "AccountHealthy") break;
            throw error;
          }
        }
        if (outcome === "blocked") blocked++;
        if (outcome !== "done") break;
      }
    }
    result.liquidations += liquidations;
    result.blockedByRateLimit += blocked;
    const [cash, totalBorrows, reserve, badDebt] = await engine.poolState();
    let sumOfDebts = 0n;
    for (const account of accounts) sumOfDebts += await engine.debtOf(account.address);
    const step: ReplayStep = {
      time: hour.time,
      prices: hour.prices.map((p) => Number(p) / 1e8),
      liquidations,
      blockedByRateLimit: blocked,
      liquidatableAccounts: liquidatable,
      cash,
      engineUsdcBalance: await usdc.balanceOf(await engine.getAddress()),
      totalBorrows,
      totalAssets: await engine.totalAssets(),
      reserve,
      badDebt,
      sumOfDebts,
    };
    result.steps.push(step);
    onHour(step, result.steps.length - 1);
  }
  const last = result.steps.at(-1)!;
  result.badDebt = last.badDebt;
  result.reserve = last.reserve;
  return result;
}

/**
 * The pool's books at one step, or what breaks them: cash is the token balance; lenders' assets +
 * reserve = cash + borrows; account debts (each rounded up) cover the pool's borrows (rounded down)
 * within one unit per account.
 */
export function booksViolation(step: ReplayStep, accounts: number): string | undefined {
  if (step.cash !== step.engineUsdcBalance) return `cash ${step.cash} != token balance ${step.engineUsdcBalance}`;
  if (step.totalAssets + step.reserve !== step.cash + step.totalBorrows) {
    return `assets ${step.totalAssets} + reserve ${step.reserve} != cash ${step.cash} + borrows ${step.totalBorrows}`;
  }
  if (step.sumOfDebts < step.totalBorrows || step.sumOfDebts > step.totalBorrows + BigInt(accounts)) {
    return `account debts ${step.sumOfDebts} do not cover borrows ${step.totalBorrows} within ${accounts} units`;
  }
  return undefined;
}
