import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { backtestConfigSchema, loadBacktestConfig, staticParams } from "../../calibrator/backtest/config.js";
import { slippageCurve } from "../../calibrator/backtest/depth.js";
import { applyShock, cutWindow } from "../../calibrator/backtest/market.js";
import { oraclePath, toAnswer8 } from "../../calibrator/backtest/oracle.js";
import { drawPopulation, loadPopulation, type Position } from "../../calibrator/backtest/population.js";
import { type LiquidationAction, simulate, type SimAsset, type SimInput } from "../../calibrator/backtest/simulator.js";
import { CheckCalendar } from "../../calibrator/backtest/checkCalendar.js";
import { TriggerHeap } from "../../calibrator/backtest/triggerHeap.js";
import { AccountStore } from "../../calibrator/backtest/sim/accounts.js";
import { profitBound } from "../../calibrator/backtest/sim/liquidation.js";
import { PoolLedger } from "../../calibrator/backtest/sim/ledger.js";
import { SimState } from "../../calibrator/backtest/sim/state.js";
import { backtestVar } from "../../calibrator/backtest/varBacktest.js";
import { loadCandles } from "../../calibrator/data/candles.js";
import { DataError } from "../../calibrator/data/errors.js";
import { loadPoolSnapshot } from "../../calibrator/data/uniswapPool.js";
import { Rng } from "../../calibrator/models/random.js";
import { loadDeploymentSpec } from "../../calibrator/ops/deploymentSpec.js";
import { collateralValue, WAD } from "../../calibrator/rules/engineMath.js";
import type { RiskParams } from "../../calibrator/rules/types.js";
import { expectClose } from "../helpers/approx.js";

const spec = loadDeploymentSpec("deploy/local.json");
const pool = loadPoolSnapshot("data/uniswap_v3_usdc_weth_005_ticks");
const curve = slippageCurve(pool);
const dir = mkdtempSync(join(tmpdir(), "bulwark-backtest-"));
const HOUR = 3_600;
const T0 = 1_700_000_000;

const aave: RiskParams = {
  ltvBps: 8050,
  liquidationThresholdBps: 8300,
  liquidationBonusBps: 500,
  closeFactorBps: 5000,
  liquidationCapPerWindow: 5_000_000n * 10n ** 18n,
  liquidationWindow: 3600,
};

/** One WETH-like asset over an hourly path of closes (USD), Aave parameters unless given. */
function scenario(closes: number[], options: Partial<SimInput> & { params?: RiskParams; opening?: number; depthDivisor?: number; frozen?: { from: number; to: number }[] } = {}): SimInput {
  const times = Float64Array.from(closes.map((_, k) => T0 + (k + 1) * HOUR));
  const market = Float64Array.from(closes);
  const opening = options.opening ?? 2_000;
  const asset: SimAsset = {
    symbol: "WETH",
    address: "0x0000000000000000000000000000000000000001",
    decimals: 18,
    market,
    oracle: oraclePath(times, market, opening, T0, { heartbeatSeconds: HOUR, deviationBps: 50 }, options.frozen ?? []),
    stalenessAllowance: 4_200,
    chain: {
      stored: options.params ?? aave,
      ramp: { fromBps: 0, start: 0n, end: 0n },
      rampDuration: spec.assets[0]!.rampDuration,
      configured: true,
      rules: spec.assets[0]!.rules,
      nonce: 0n,
      lastUpdateAt: 0n,
      lastObservedAt: 0n,
      lastRiskIncreasingAt: 0n,
    },
    // Pool only (no wider-market volume), the snapshot's liquidity divided by the depth stress.
    venue: { slippage: curve, poolScale: 1 / (options.depthDivisor ?? 1), dailyVolumeUsd: new Float64Array(closes.length), dailySigma: new Float64Array(closes.length) },
  };
  return {
    times,
    openingTime: T0,
    assets: [asset],
    debtDecimals: 6,
    rateModel: spec.engine.rateModel,
    liquidation: spec.engine.liquidationConfig,
    lenderDeposits: 100_000_000n * 10n ** 6n,
    population: [],
    liquidators: [{ delaySeconds: 0, capitalUsd: 1e12, riskAversion: 0 }],
    gasCostUsd: new Float64Array(closes.length).fill(20),
    maxCallsPerAccountPerStep: 8,
    schedule: [],
    updater: { paused: false, maxReportAge: 3_600 },
    ...options,
  };
}

/** A position of `eth` WETH borrowing `usd` USDC. */
const position = (eth: number, usd: number): Position => ({ collateral: [BigInt(Math.round(eth * 1e6)) * 10n ** 12n], debt: BigInt(Math.round(usd * 1e6)) });

describe("backtest: building blocks", function () {
  it("TriggerHeap pops the largest trigger first, in order, and refuses NaN", function () {
    const rng = new Rng(3);
    const heap = new TriggerHeap(4);
    const keys = Array.from({ length: 500 }, () => rng.next() * 1_000);
    keys.forEach((k, i) => heap.push(k, i, 0));
    const popped: number[] = [];
    while (heap.size > 0) popped.push(keys[heap.pop()]!);
    expect(popped).to.deep.equal([...keys].sort((a, b) => b - a));
    expect(() => heap.push(Number.NaN, 1, 0)).to.throw(RangeError, /NaN/);
  });

  it("profitBound is never below the profit of any smaller call, so the bots' skip before sizing drops no call that pays", function () {
    const rng = new Rng(29);
    for (let k = 0; k < 2_000; k++) {
      const bonus = 0.02 + rng.next() * 0.13;
      const fee = rng.next() * 0.5;
      const premium = rng.next() * 0.08;
      const marketToOracle = 0.7 + rng.next() * 0.6; // the market up to 30% under or over the oracle
      const gas = rng.next() < 0.2 ? 0 : rng.next() * 200;
      const maxUsd = 10 ** (rng.next() * 7);
      const costPerSeized = (1 + bonus * fee) / (1 + bonus);
      const bound = profitBound(maxUsd, 1 - premium - costPerSeized / marketToOracle, gas);
      for (const share of [0, 0.3, 1]) {
        const seizedUsd = maxUsd * share; // at market
        const impactCost = seizedUsd * rng.next() * 0.05;
        const outlay = (seizedUsd / marketToOracle) * costPerSeized; // repayment and fee, priced at the oracle
        const profit = seizedUsd - impactCost - premium * seizedUsd - outlay - gas;
        expect(bound, `case ${k}, share ${share}`).to.be.at.least(profit);
      }
    }
    // And it is a bound, not a blanket refusal: a call that pays keeps a positive bound.
    expectClose(profitBound(100_000, 0.02, 5), 1_995.1, 0.01);
  });

  it("AccountStore keeps every field through growth, and tokens and held follow each balance change", function () {
    const store = new AccountStore(2, [1e18, 1e8], 2);
    const ids = Array.from({ length: 40 }, (_, k) => store.add([BigInt(k + 1) * 10n ** 17n, k % 3 === 0 ? 0n : BigInt(k) * 10n ** 6n], BigInt(k), k / 100, k % 2 === 0));
    expect(ids).to.deep.equal(Array.from({ length: 40 }, (_, k) => k));
    for (const k of [0, 1, 17, 39]) {
      expect(store.balances(k)).to.deep.equal([BigInt(k + 1) * 10n ** 17n, k % 3 === 0 ? 0n : BigInt(k) * 10n ** 6n]);
      expect(store.tokens[k * 2]).to.equal((k + 1) / 10);
      expect(store.held[k]).to.equal(k % 3 === 0 ? 1 : 2);
      expect([store.scaled[k], store.limitUse[k], store.attentive[k], store.liquidatableSince[k]]).to.deep.equal([BigInt(k), k / 100, k % 2 === 0 ? 1 : 0, -1]);
    }
    store.setBalance(1, 0, 0n);
    expect([store.held[1], store.tokens[2]]).to.deep.equal([1, 0]);
    store.setBalance(3, 1, 5n * 10n ** 7n);
    expect([store.held[3], store.tokens[7]]).to.deep.equal([2, 0.5]);
    store.clear(2);
    expect([store.held[2], ...store.balances(2), store.tokens[4], store.tokens[5]]).to.deep.equal([0, 0n, 0n, 0, 0]);
  });

  it("SimState's float health stays within healthSlack of the exact health, so the simulator's float filters never decide a case the exact check would not", function () {
    const rng = new Rng(11);
    const ledger = new PoolLedger({ baseRateBps: 0, slope1Bps: 400, slope2Bps: 6_000, optimalUtilizationBps: 8_000, reserveFactorBps: 1_000 }, 10n ** 15n, T0);
    const state = new SimState({ decimals: [18, 8, 6], debtDecimals: 6, openingTime: T0, openingPrice18: [0n, 0n, 0n], capacity: 4, ledger });
    let worst = 0;
    for (let k = 0; k < 2_000; k++) {
      for (let i = 0; i < 3; i++) {
        state.price18[i] = BigInt(Math.floor((0.01 + rng.next() * 90_000) * 1e8)) * 10n ** 10n;
        state.priceF[i] = Number(state.price18[i]!) / 1e18;
        state.setParams(i, { ltvBps: 5_000, liquidationThresholdBps: rng.int(1, 9_500), liquidationBonusBps: 500, closeFactorBps: 5_000, liquidationCapPerWindow: 0n, liquidationWindow: 3_600 });
      }
      ledger.beginStep(T0 + rng.int(0, 5 * 365 * 86_400)); // a view index up to five years on
      state.refreshIndexLevels();
      const held = [rng.next() < 0.7, rng.next() < 0.5, rng.next() < 0.5];
      const collateral: bigint[] = [10n ** 15n, 10n ** 4n, 10n ** 3n].map((min, i) => (held[i] ? min + BigInt(Math.floor(rng.next() * 1e9)) * min : 0n));
      if (!held.some(Boolean)) collateral[0] = 10n ** 18n;
      const id = state.accounts.add(collateral, BigInt(rng.int(1_000, 1_000_000)) * 10n ** BigInt(rng.int(0, 6)), 0.5, false);
      const exact = Number(state.healthOf(id)) / 1e18;
      const debtF = state.debtUsdF(id);
      const float = state.liquidationValueF(id) / debtF;
      const error = Math.abs(float - exact) / exact;
      worst = Math.max(worst, error / state.healthSlack(debtF));
      expect(error, `account ${id}: float ${float}, exact ${exact}`).to.be.below(state.healthSlack(debtF));
    }
    expect(worst, "the bound is not vacuous").to.be.above(0);
  });

  it("CheckCalendar visits each step's accounts in booking order, lets a visit re-book later, grows, and refuses steps outside the run", function () {
    const calendar = new CheckCalendar(10, 2);
    const rng = new Rng(5);
    const expected: number[][] = Array.from({ length: 10 }, () => []);
    for (let id = 0; id < 40; id++) {
      const step = rng.int(0, 4);
      calendar.book(id, step);
      expected[step]!.push(id);
    }
    for (let step = 0; step < 5; step++) {
      const seen: number[] = [];
      calendar.drain(step, (id) => {
        seen.push(id);
        if (id % 2 === 0) {
          calendar.book(id, step + 5); // re-booked while its list is being drained
          expected[step + 5]!.push(id);
        }
      });
      expect(seen, `step ${step}`).to.deep.equal(expected[step]);
      const again: number[] = [];
      calendar.drain(step, (id) => again.push(id));
      expect(again, `step ${step} drained twice`).to.deep.equal([]);
    }
    for (let step = 5; step < 10; step++) {
      const seen: number[] = [];
      calendar.drain(step, (id) => seen.push(id));
      expect(seen, `step ${step}`).to.deep.equal(expected[step]);
    }
    expect(() => calendar.book(1, 10)).to.throw(RangeError, /outside 0\.\.9/);
    expect(() => calendar.book(1, -1)).to.throw(RangeError, /outside/);
  });

  it("the oracle publishes on deviation or heartbeat only, and holds its round while frozen", function () {
    const times = [1, 2, 3, 4, 5, 6].map((k) => T0 + k * 600);
    // 10-minute steps: +0.2% (no round), +0.6% (deviation), flat..., heartbeat after an hour.
    const market = [1002, 1008, 1008, 1008, 1008, 1008];
    const path = oraclePath(times, market, 1_000, T0, { heartbeatSeconds: HOUR, deviationBps: 50 });
    expect(Array.from(path.answer8)).to.deep.equal([toAnswer8(1000), toAnswer8(1008), toAnswer8(1008), toAnswer8(1008), toAnswer8(1008), toAnswer8(1008)]);
    expect(path.updatedAt[0]).to.equal(T0);
    expect(path.updatedAt[1]).to.equal(times[1]);
    expect(path.rounds).to.equal(1);
    const hourly = oraclePath([T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR], [900, 800, 700], 1_000, T0, { heartbeatSeconds: HOUR, deviationBps: 50 }, [
      { from: T0 + HOUR, to: T0 + 3 * HOUR },
    ]);
    expect(Array.from(hourly.answer8)).to.deep.equal([toAnswer8(1000), toAnswer8(1000), toAnswer8(700)]);
    expect(hourly.openingAnswer8).to.equal(toAnswer8(1000));
  });

  it("depth: slippage grows with size, and liquidity ÷ k slips like k times the size", function () {
    let previous = 0;
    for (const usd of [1e3, 1e4, 1e5, 1e6, 1e7, 1e8]) {
      const s = curve.averageSlippage(usd);
      expect(s).to.be.at.least(previous);
      previous = s;
    }
    expect(curve.averageSlippage(1e3)).to.be.below(0.001); // the 0.05% pool fee and little impact
    expectClose(curve.marginalSlippage(0, 2e5, 10), curve.averageSlippage(2e6), 1e-12);
    // Selling after others have sold costs more than selling first.
    expect(curve.marginalSlippage(5e6, 1e5)).to.be.above(curve.marginalSlippage(0, 1e5));
  });

  it("the drawn population is reproducible and opens within its band of the borrow limit, never above it", function () {
    const populationSpec = { count: 400, seed: 5, minUsd: 10_000, maxUsd: 1_000_000, minLimitUse: 0.6, maxLimitUse: 0.95 };
    const assets = [
      { decimals: 18, price18: 2_000n * WAD, ltvBps: 8050, liquidationThresholdBps: 8300 },
      { decimals: 8, price18: 60_000n * WAD, ltvBps: 7300, liquidationThresholdBps: 7800 },
    ];
    const a = drawPopulation(populationSpec, assets, 6);
    expect(drawPopulation(populationSpec, assets, 6)).to.deep.equal(a);
    expect(drawPopulation({ ...populationSpec, seed: 6 }, assets, 6)).to.not.deep.equal(a);
    let both = 0;
    for (const p of a) {
      let value = 0n;
      let limit = 0n;
      let lv = 0n;
      p.collateral.forEach((amount, i) => {
        const v = collateralValue(amount, assets[i]!.price18, assets[i]!.decimals);
        value += v;
        limit += (v * BigInt(assets[i]!.ltvBps)) / 10_000n;
        lv += (v * BigInt(assets[i]!.liquidationThresholdBps)) / 10_000n;
      });
      if (p.collateral.every((c) => c > 0n)) both++;
      const usd = Number(value) / 1e18;
      expect(usd).to.be.within(9_999, 1_000_001);
      expect(p.debt * 10n ** 12n).to.be.at.most(limit);
      const use = Number(p.debt) / 1e6 / (Number(limit) / 1e18);
      expect(use).to.be.within(0.6 - 1e-6, 0.95 + 1e-6);
      expectClose(use, p.limitUse!, 1e-5);
      // Opening within the LTV means opening above the threshold: health ≥ LT/LTV / use > 1.
      expect(Number(lv) / 1e18 / (Number(p.debt) / 1e6)).to.be.above(1);
    }
    expect(both).to.be.within(80, 190); // one mix in three
  });

  it("a population file loads in whole tokens; an unknown asset is refused with the file and the field", function () {
    const good = join(dir, "population.json");
    writeFileSync(good, JSON.stringify({ positions: [{ collateral: { WETH: "10.5" }, debt: 12_000 }] }));
    expect(loadPopulation(good, ["WETH", "WBTC"], [18, 8], 6)).to.deep.equal([{ collateral: [105n * 10n ** 17n, 0n], debt: 12_000_000_000n }]);
    const bad = join(dir, "population-bad.json");
    writeFileSync(bad, JSON.stringify({ positions: [{ collateral: { WETH: 1 }, debt: 1 }, { collateral: { DOGE: 1 }, debt: 1 }] }));
    expect(() => loadPopulation(bad, ["WETH"], [18], 6)).to.throw(DataError, /positions\[1\]\.collateral\.DOGE.*unknown asset/);
  });

  it("VaR backtest: counts exceptions on non-overlapping horizon blocks with the forecast in force", function () {
    // Blocks of 2 closes: losses ln(100/90) = 10.5% (exception at VaR 5%), 0, ln(100/80) after the
    // forecast widened to 30% (no exception).
    const closes = [100, 95, 90, 90, 90, 85, 72];
    const result = backtestVar(closes, [{ from: 0, horizonVar: 0.05, horizonPeriods: 2 }, { from: 4, horizonVar: 0.3, horizonPeriods: 2 }], 0.99);
    expect(result.observations).to.equal(3);
    expect(result.exceptions).to.equal(1);
    expect(result.kupiecLR).to.be.above(0);
    expect(backtestVar(closes, [], 0.99).observations).to.equal(0);
  });

  it("shocks: a 30% fall over 6 hours lands at 0.7× and stays; volatility ×1 changes nothing; a frozen oracle span", function () {
    const eth = loadCandles("data/binance_spot_eth_btc_2022_2025/ETHUSDT_1h_2022_2025.csv");
    const path = cutWindow([eth], "2024-03-04 00:00:00", "2024-03-05 23:00:00");
    expect(path.times.length).to.equal(48);
    const shocked = applyShock(path, { dropPercent: 30, overHours: 6, startHour: 10, oracleFrozenHours: 3 });
    const m = shocked.path.assets[0]!.market;
    expectClose(m[8]! / path.assets[0]!.market[8]!, 1, 1e-12);
    expectClose(m[15]! / path.assets[0]!.market[15]!, 0.7, 1e-12);
    expectClose(m[47]! / path.assets[0]!.market[47]!, 0.7, 1e-12);
    expect(shocked.frozen).to.deep.equal([{ from: path.openingTime + 10 * HOUR, to: path.openingTime + 13 * HOUR }]);
    expect(Array.from(applyShock(path, { volMultiplier: 1, overHours: 6, startHour: 0 }).path.assets[0]!.market)).to.deep.equal(Array.from(path.assets[0]!.market));
    // The calibration series sees the shocked closes, not the original ones.
    expect(shocked.path.assets[0]!.candles.close[shocked.path.assets[0]!.firstIndex + 20]).to.equal(m[20]);
    expect(eth.close[path.assets[0]!.firstIndex + 20]).to.equal(path.assets[0]!.market[20]);
    expect(() => cutWindow([eth], "2024-03-05 00:00:00", "2024-03-04 00:00:00")).to.throw(RangeError, /before it starts/);
  });

  it("the backtest config is strict and names the file and the field", function () {
    const file = join(dir, "backtest-bad.json");
    const raw = JSON.parse(JSON.stringify(loadBacktestConfig("test/fixtures/backtest.test.json").config)) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...raw, deployment: resolve("deploy/local.json"), calibration: resolve("config/calibrate.sample.json"), liquidators: { ...(raw.liquidators as object), delayHours: [3, 1] } }));
    expect(() => loadBacktestConfig(file)).to.throw(DataError, /liquidators\.delayHours/);
    expect(backtestConfigSchema.safeParse({ ...raw, extra: 1 }).success).to.equal(false);
  });

  it("one static baseline everywhere (issue 17 item 7): the backtest's static policy is the deployment's opening params, and docs/parameters.md states them", function () {
    const loaded = loadBacktestConfig("config/backtest.sample.json");
    const deployment = loadDeploymentSpec("deploy/local.json");
    const doc = readFileSync("docs/parameters.md", "utf8");
    for (const symbol of ["WETH", "WBTC"]) {
      const opening = deployment.assets.find((a) => a.symbol === symbol)!.params;
      expect(staticParams(loaded, symbol), symbol).to.deep.equal(opening);
      const pct = (bps: number) => `${(bps / 100).toFixed(2)}%`;
      const row = `| ${symbol} | ${pct(opening.ltvBps)} | ${pct(opening.liquidationThresholdBps)} | ${pct(opening.liquidationBonusBps)} | ${opening.closeFactorBps / 100}% |`;
      expect(doc, `docs/parameters.md states ${symbol}'s baseline`).to.include(row);
    }
    // Aave v3 Ethereum's hand-set values; the demo opened WBTC at WETH's 80.5/83 before.
    expect(staticParams(loaded, "WBTC")).to.include({ ltvBps: 7300, liquidationThresholdBps: 7800, liquidationBonusBps: 500 });
  });

  it("a static policy that sets some assets but not all is refused, naming the missing one (it used to fall back to the deployment's parameters)", function () {
    const sample = JSON.parse(readFileSync("config/backtest.sample.json", "utf8")) as { policies: Record<string, unknown> } & Record<string, unknown>;
    const weth = { ltvBps: 8050, liquidationThresholdBps: 8300, liquidationBonusBps: 500, closeFactorBps: 5000, liquidationCapPerWindow: "5000000000000000000000000", liquidationWindow: 3600 };
    const partial: Record<string, unknown> & { policies: Record<string, unknown> } = { ...sample, deployment: resolve("deploy/local.json"), calibration: resolve("config/calibrate.sample.json"), repositoryRoot: resolve("."), policies: { ...sample.policies, static: { WETH: weth } } };
    for (const a of partial.assets as { candles: string; pool: string }[]) {
      a.candles = resolve("config", a.candles);
      a.pool = resolve("config", a.pool);
    }
    const file = join(dir, "backtest-partial-static.json");
    writeFileSync(file, JSON.stringify(partial));
    expect(() => loadBacktestConfig(file)).to.throw(DataError, /policies\.static\.WBTC.*missing: the static policy sets WETH/);
    writeFileSync(file, JSON.stringify({ ...partial, policies: { ...partial.policies, static: {} } }));
    expect(loadBacktestConfig(file).config.assets).to.have.length(2);
  });
});

describe("backtest: simulator physics", function () {
  it("a healthy book sees no liquidation; a fall makes the account liquidatable and it is liquidated after the keeper delay", function () {
    // 10 WETH at $2,000, $15,000 debt: health 10·p·0.83/15,000 < 1 below p = $1,807.
    const flat = simulate(scenario([2_000, 1_990, 2_010, 1_995], { population: [position(10, 15_000)] }));
    expect(flat.actions).to.have.length(0);
    expect(flat.metrics.liquidatedValue).to.equal(0);
    const closes = [2_000, 1_900, 1_790, 1_780, 1_770];
    const immediate = simulate(scenario(closes, { population: [position(10, 15_000)] }));
    expect(immediate.actions[0]!.step).to.equal(2);
    const delayed = simulate(scenario(closes, { population: [position(10, 15_000)], liquidators: [{ delaySeconds: 2 * HOUR, capitalUsd: 1e12, riskAversion: 0 }] }));
    expect(delayed.actions[0]!.step).to.equal(4);
    for (const a of immediate.actions) {
      expect(a.healthBefore < WAD).to.equal(true);
      // The seizure never exceeds the repayment × (1 + bonus) at the oracle price.
      expect(a.seizedValue <= (a.repaid * 10n ** 12n * 10_500n) / 10_000n).to.equal(true);
    }
  });

  it("a stale oracle blocks every liquidation until a fresh round lands", function () {
    const closes = [2_000, 1_700, 1_650, 1_600, 1_600];
    const frozen = [{ from: T0 + HOUR, to: T0 + 4 * HOUR }];
    const result = simulate(scenario(closes, { population: [position(10, 15_000)], frozen }));
    // Rounds stop after the opening: positions see $2,000 until the feed goes stale (4,200 s), then nothing moves.
    expect(result.details.staleOracleSteps).to.equal(2);
    expect(result.actions.every((a) => a.step >= 3)).to.equal(true);
    expect(result.actions.length).to.be.above(0);
  });

  it("the rate limit blocks liquidations beyond the cap, frees capacity over the window, and deep-underwater accounts bypass it", function () {
    const capped = { ...aave, liquidationCapPerWindow: 20_000n * 10n ** 18n, liquidationWindow: 3_600 };
    const population = Array.from({ length: 6 }, () => position(10, 15_000));
    // −11%: health 0.98, above the 0.90 bypass floor, so the $20k/h cap binds.
    const result = simulate(scenario([2_000, 1_780, 1_780, 1_780, 1_780], { params: capped, population, depthDivisor: 0.01 }));
    expect(result.metrics.blockedByRateLimit).to.be.above(0);
    const byStep = new Map<number, bigint>();
    for (const a of result.actions) byStep.set(a.step, (byStep.get(a.step) ?? 0n) + a.seizedValue);
    expect(byStep.size).to.be.above(1); // capacity freed hour after hour
    for (const value of byStep.values()) expect(value <= 2n * capped.liquidationCapPerWindow).to.equal(true);
    // −30%: health 0.70, below the bypass floor; everything is liquidatable in the first hour.
    const crash = simulate(scenario([2_000, 1_400, 1_400], { params: capped, population, depthDivisor: 0.01 }));
    expect(crash.metrics.blockedByRateLimit).to.equal(0);
    expect(new Set(crash.actions.map((a) => a.account)).size).to.equal(6);
    expect(crash.actions.every((a) => a.step === 1)).to.equal(true);
  });

  it("an account left with debt and no collateral is written off: the reserve first, then lenders", function () {
    // −50% in an hour: 10 WETH worth $10,000 against $15,000 debt.
    const result = simulate(scenario([2_000, 1_000, 1_000], { population: [position(10, 15_000)], depthDivisor: 0.01 }));
    const last = result.actions.at(-1)!;
    expect(result.accounts[0]!.collateral[0]).to.equal(0n);
    expect(result.accounts[0]!.scaledDebt).to.equal(0n);
    expect(last.writtenOff > 0n).to.equal(true);
    // The loss exceeds the reserve (the fees and an hour of interest): the reserve is emptied, lenders take the rest.
    expect(last.coveredByReserve >= result.actions.reduce((s, a) => s + a.fee, 0n)).to.equal(true);
    expect(last.coveredByReserve < last.writtenOff).to.equal(true);
    expect(result.pool.reserve).to.equal(0n);
    expectClose(result.metrics.badDebt, Number(result.pool.badDebtWrittenOff) / 1e6, 1e-9);
    // 10 WETH at $1,000 repay $10,000 / 1.05 of the $15,000.
    expectClose(result.metrics.badDebt, 15_000 - 10_000 / 1.05, 1e-4);
  });

  it("liquidators stop when selling the seizure into thin DEX depth would not pay, which leaves bad debt", function () {
    const population = Array.from({ length: 20 }, () => position(100, 150_000));
    const closes = [2_000, 1_780, 1_600, 1_400, 1_200];
    const deep = simulate(scenario(closes, { population, depthDivisor: 0.01 }));
    const thin = simulate(scenario(closes, { population, depthDivisor: 5_000 }));
    expect(thin.details.unprofitableSkips).to.be.above(0);
    expect(thin.metrics.liquidatedValue).to.be.below(deep.metrics.liquidatedValue);
    expect(thin.metrics.badDebt).to.be.above(deep.metrics.badDebt);
  });

  it("pool books: cash = deposits − borrowed + repaid + fees; the reserve holds the fees and interest less covered bad debt", function () {
    const rng = new Rng(9);
    const population = Array.from({ length: 40 }, () => {
      const eth = 1 + rng.next() * 20;
      return position(eth, Math.floor(eth * 1_950 * (0.6 + rng.next() * 0.2)));
    });
    const input = scenario([1_950, 1_800, 1_600, 1_500, 1_400, 1_450, 1_300], { population });
    const result = simulate(input);
    const borrowed = population.reduce((s, p) => s + p.debt, 0n);
    const repaid = result.actions.reduce((s, a) => s + a.repaid, 0n);
    const fees = result.actions.reduce((s, a) => s + a.fee, 0n);
    expect(result.pool.cash).to.equal(input.lenderDeposits - borrowed + repaid + fees);
    expect(result.actions.length).to.be.above(5);
    // Interest accrued (the pool was borrowed from) shows up in the reserve on top of the fees.
    expect(result.pool.reserve + result.actions.reduce((s, a) => s + a.coveredByReserve, 0n) >= fees).to.equal(true);
  });

  it("property: the trigger index finds exactly the liquidations a check of every account at every step finds", function () {
    const rng = new Rng(21);
    for (let trial = 0; trial < 5; trial++) {
      const closes: number[] = [];
      let p = 2_000;
      for (let k = 0; k < 60; k++) closes.push((p *= Math.exp((rng.next() - 0.55) * 0.06)));
      const population = Array.from({ length: 60 }, () => {
        const eth = 1 + rng.next() * 30;
        return position(eth, eth * 2_000 * (0.5 + rng.next() * 0.3));
      });
      const big = { ...aave, liquidationCapPerWindow: 10n ** 27n };
      const base = { population, params: big, depthDivisor: 0.001 };
      const indexed = simulate(scenario(closes, base));
      const exhaustive = simulate(scenario(closes, { ...base, examineEveryAccount: true }));
      const key = (a: LiquidationAction) => `${a.step}:${a.account}:${a.repaid}:${a.seized}:${a.fee}`;
      expect(indexed.actions.map(key).sort()).to.deep.equal(exhaustive.actions.map(key).sort());
      expect(indexed.pool.badDebtWrittenOff).to.equal(exhaustive.pool.badDebtWrittenOff);
    }
  });
});
