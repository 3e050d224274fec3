import { expect } from "chai";
import { slippageCurve } from "../../calibrator/backtest/depth.js";
import { baseGwei, DEFAULT_GAS, gasCostUsd, gasSurge } from "../../calibrator/backtest/gas.js";
import {
  averageDailyVolumeUsd,
  eraPoolScale,
  ExecutionVenues,
  poolCost,
  REFERENCE_DAILY_VOLUME_USD,
  relax,
  sqrtLawCost,
  sqrtLawMarginal,
  trailingMarket,
  type AssetMarket,
} from "../../calibrator/backtest/impact.js";
import { drawLiquidators, edgePerUsdSeized, riskPremium } from "../../calibrator/backtest/liquidators.js";
import { calibrationSchedule } from "../../calibrator/backtest/calibrations.js";
import { loadBacktestConfig } from "../../calibrator/backtest/config.js";
import { prepareSimInput, stressScenarios, warmedUpState } from "../../calibrator/backtest/run.js";
import { summarizeSeeds } from "../../calibrator/backtest/seeds.js";
import { oraclePath } from "../../calibrator/backtest/oracle.js";
import type { Position } from "../../calibrator/backtest/population.js";
import { simulate, type SimInput } from "../../calibrator/backtest/simulator.js";
import { loadCandles } from "../../calibrator/data/candles.js";
import { loadPoolSnapshot } from "../../calibrator/data/uniswapPool.js";
import { planStep } from "../../calibrator/keeper/plan.js";
import { loadDeploymentSpec } from "../../calibrator/ops/deploymentSpec.js";
import type { RiskParams } from "../../calibrator/rules/types.js";
import { expectClose } from "../helpers/approx.js";

const curve = slippageCurve(loadPoolSnapshot("data/uniswap_v3_usdc_weth_005_ticks"));
const spec = loadDeploymentSpec("deploy/local.json");
const HOUR = 3_600;
const T0 = 1_700_000_000;
const filled = (n: number, x: number) => new Float64Array(n).fill(x);
/** Relative closeness. */
const near = (actual: number, expected: number, relative: number, message?: string) => expectClose(actual, expected, relative * Math.abs(expected), message);

describe("backtest: market impact (square-root law and the pool)", function () {
  it("the square-root law's cost is the integral of its marginal impact, in closed form", function () {
    const [y, sigma, v] = [0.7, 0.05, 2e8];
    // From zero: (2/3)·Y·σ·Q·√(Q/V).
    near(sqrtLawCost(y, sigma, v, 0, 1e7), (2 / 3) * y * sigma * 1e7 * Math.sqrt(1e7 / v), 1e-12);
    // A Riemann sum of the marginal over [B, B + x] converges to the cost.
    const [b, x, n] = [3e6, 5e6, 20_000];
    let sum = 0;
    for (let k = 0; k < n; k++) sum += sqrtLawMarginal(y, sigma, v, b + ((k + 0.5) * x) / n) * (x / n);
    near(sqrtLawCost(y, sigma, v, b, x), sum, 1e-7);
    // Additivity: selling in two parts costs the same as at once.
    near(sqrtLawCost(y, sigma, v, 0, 2e6) + sqrtLawCost(y, sigma, v, 2e6, 3e6), sqrtLawCost(y, sigma, v, 0, 5e6), 1e-12);
    // Impact at Q = V is Y·σ; no volume means no market.
    expectClose(sqrtLawMarginal(y, sigma, v, v), y * sigma, 1e-15);
    expect(sqrtLawCost(y, sigma, 0, 0, 1)).to.equal(Number.POSITIVE_INFINITY);
  });

  it("relaxation halves a displacement every half-life", function () {
    expectClose(relax(1_000, 2 * HOUR, 2), 500, 1e-12);
    expectClose(relax(1_000, 6 * HOUR, 2), 125, 1e-12);
    expect(relax(1_000, 0, 2)).to.equal(1_000);
  });

  it("one venue alone: the router's cost equals that venue's closed form", function () {
    const n = 3;
    const marketOnly: AssetMarket = { slippage: curve, poolScale: 0, dailyVolumeUsd: filled(n, 5e8), dailySigma: filled(n, 0.08) };
    const m = new ExecutionVenues(marketOnly, { sqrtLawY: 0.7, marketHalfLifeHours: 6, poolHalfLifeHours: 1 }, T0);
    m.advance(0, T0 + HOUR);
    near(m.quote(2e7).costUsd, sqrtLawCost(0.7, 0.08, 5e8, 0, 2e7), 1e-9);
    const poolOnly: AssetMarket = { slippage: curve, poolScale: 0.5, dailyVolumeUsd: filled(n, 0), dailySigma: filled(n, 0.08) };
    const p = new ExecutionVenues(poolOnly, { sqrtLawY: 0.7, marketHalfLifeHours: 6, poolHalfLifeHours: 1 }, T0);
    p.advance(0, T0 + HOUR);
    const q = p.quote(4e6);
    expect(q.marketUsd).to.equal(0);
    near(q.costUsd, poolCost(curve, 0.5, 0, 4e6), 1e-9);
    // Half the liquidity slips like twice the size: the average slippage matches the snapshot's at 2×.
    expectClose(q.costUsd / 4e6, curve.averageSlippage(8e6), 1e-9);
  });

  it("two venues: the router leaves no cheaper slice in either venue, and costs less than either alone", function () {
    const n = 2;
    const market: AssetMarket = { slippage: curve, poolScale: 1, dailyVolumeUsd: filled(n, 3e8), dailySigma: filled(n, 0.1) };
    const v = new ExecutionVenues(market, { sqrtLawY: 0.7, marketHalfLifeHours: 6, poolHalfLifeHours: 1 }, T0);
    v.advance(0, T0 + HOUR);
    const usd = 3e7;
    const q = v.quote(usd);
    expect(q.poolUsd).to.be.above(0);
    expect(q.marketUsd).to.be.above(0);
    const slice = usd / 16;
    const poolMarginal = poolCost(curve, 1, q.poolUsd, slice) / slice;
    const marketMarginal = sqrtLawCost(0.7, 0.1, 3e8, q.marketUsd, slice) / slice;
    const lastCost = q.marginal;
    // Greedy equal-marginal routing: no slice left in either venue is cheaper than the last one taken.
    expect(Math.min(poolMarginal, marketMarginal)).to.be.at.least(lastCost * 0.999);
    expect(q.costUsd).to.be.below(sqrtLawCost(0.7, 0.1, 3e8, 0, usd));
    expect(q.costUsd).to.be.below(poolCost(curve, 1, 0, usd));
  });

  it("sales persist: the pool recovers at its half-life into the wider market, which relaxes at its own", function () {
    const n = 4;
    const market: AssetMarket = { slippage: curve, poolScale: 0.2, dailyVolumeUsd: filled(n, 3e8), dailySigma: filled(n, 0.1) };
    const v = new ExecutionVenues(market, { sqrtLawY: 0.7, marketHalfLifeHours: 6, poolHalfLifeHours: 1 }, T0);
    v.advance(0, T0 + HOUR);
    const fresh = v.quote(1e7).costUsd;
    const sale = v.quote(2e7);
    v.commit(sale);
    expect(v.quote(1e7).costUsd).to.be.above(fresh); // the same hour: the book has not refilled
    v.advance(1, T0 + 2 * HOUR);
    const { poolUsd, marketUsd } = v.backlogs();
    near(poolUsd, sale.poolUsd / 2, 1e-12);
    near(marketUsd, (sale.marketUsd + sale.poolUsd / 2) * 2 ** (-1 / 6), 1e-12);
    expect(v.quote(1e7).costUsd).to.be.above(fresh); // an hour later it is still not reset
  });

  it("sizeAtMarginal stops where the marginal impact meets the threshold", function () {
    const market: AssetMarket = { slippage: curve, poolScale: 0, dailyVolumeUsd: filled(1, 1e9), dailySigma: filled(1, 0.1) };
    const v = new ExecutionVenues(market, { sqrtLawY: 0.5, marketHalfLifeHours: 6, poolHalfLifeHours: 1 }, T0);
    v.advance(0, T0 + HOUR);
    // Marginal Y·σ·√(q/V) = 0.02 at q = V·(0.02/(Y·σ))² = $160M (the router's last slice is 1/16 of the size).
    const size = v.sizeAtMarginal(0.02, 1e10);
    const exact = 1e9 * (0.02 / 0.05) ** 2;
    expect(size).to.be.within(exact * 0.95, exact * 1.15);
    expect(v.sizeAtMarginal(0.02, 1e6)).to.equal(1e6);
    expect(v.sizeAtMarginal(0, 1e6)).to.equal(0);
  });

  it("trailing volume and volatility read only candles closed by each step", function () {
    const close = Float64Array.from([100, 110, 99, 99, 108.9]);
    const volume = Float64Array.from([1, 2, 3, 4, 5]);
    const t = trailingMarket(close, volume, 2, 3);
    // Step 0 is row 2: rows 0–2 seen, scaled from 3 hours to 24.
    expectClose(t.dailyVolumeUsd[0]!, (100 + 220 + 297) * 8, 1e-12);
    const r1 = Math.log(1.1);
    const r2 = Math.log(0.9);
    expectClose(t.dailySigma[0]!, Math.sqrt(((r1 * r1 + r2 * r2) / 2) * 24), 1e-12);
    expect(trailingMarket(close, undefined, 2, 3).dailyVolumeUsd[1]).to.equal(0);
  });

  it("era scaling: the reference volumes are the files' own, and the 2020 pool is a fraction of the snapshot's", function () {
    for (const [key, file] of [
      ["ETH", "data/binance_spot_eth_btc_2022_2025/ETHUSDT_1h_2022_2025.csv"],
      ["BTC", "data/binance_spot_eth_btc_2022_2025/BTCUSDT_1h_2022_2025.csv"],
    ] as const) {
      const c = loadCandles(file);
      near(averageDailyVolumeUsd(c.close, c.volume, c.close.length - 1), REFERENCE_DAILY_VOLUME_USD[key], 1e-3);
    }
    const y2020 = loadCandles("data/binance_spot_eth_btc_2017_2021/ETHUSDT_1h_2020-01_2020-03.csv");
    const row = y2020.time.indexOf(Date.parse("2020-03-11T23:00:00Z") / 1000);
    const scale = eraPoolScale(averageDailyVolumeUsd(y2020.close, y2020.volume, row), REFERENCE_DAILY_VOLUME_USD.ETH);
    expect(scale).to.be.within(0.02, 0.3);
    expect(eraPoolScale(5e9, 2e9)).to.equal(1);
  });
});

describe("backtest: gas", function () {
  it("gas follows the era's base price, surges with the hour's volume, and is priced in ETH", function () {
    expect(baseGwei(DEFAULT_GAS, Date.parse("2020-03-12T00:00:00Z") / 1000)).to.equal(10);
    expect(baseGwei(DEFAULT_GAS, Date.parse("2019-06-01T00:00:00Z") / 1000)).to.equal(10); // nearest year listed
    expect(gasSurge(DEFAULT_GAS, 50, 100)).to.equal(1);
    expectClose(gasSurge(DEFAULT_GAS, 400, 100), 4 ** 1.5, 1e-12);
    expectClose(gasSurge(DEFAULT_GAS, 1e9, 1), DEFAULT_GAS.maxSurge ** 1.5, 1e-12);
    const eth = loadCandles("data/binance_spot_eth_btc_2017_2021/ETHUSDT_1h_2020-01_2020-03.csv");
    const from = eth.time.indexOf(Date.parse("2020-03-12T00:00:00Z") / 1000);
    const times = Float64Array.from({ length: 48 }, (_, k) => eth.time[from + k]! + HOUR);
    const gas = gasCostUsd(DEFAULT_GAS, times, eth.close, eth.volume, from);
    const calm = gasCostUsd(DEFAULT_GAS, Float64Array.from([eth.time[from - 600]! + HOUR]), eth.close, eth.volume, from - 600)[0]!;
    // Black Thursday: the busiest hours cost several times a calm hour's gas.
    expect(Math.max(...gas)).to.be.above(4 * calm);
    near(gas[0]!, DEFAULT_GAS.gasUnits * 10 * gasSurge(DEFAULT_GAS, eth.volume![from]!, mean(eth.volume!.subarray(from - 720, from))) * 1e-9 * eth.close[from]!, 1e-9);
  });
});

const mean = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;

const aave: RiskParams = { ltvBps: 8050, liquidationThresholdBps: 8300, liquidationBonusBps: 500, closeFactorBps: 5000, liquidationCapPerWindow: 10n ** 27n, liquidationWindow: 3600 };
const position = (eth: number, usd: number): Position => ({ collateral: [BigInt(Math.round(eth * 1e6)) * 10n ** 12n], debt: BigInt(Math.round(usd * 1e6)) });

/** A crash on one asset with a wider market of `volume` USD a day at daily σ, and the given bots. */
function crash(params: RiskParams, options: { volume?: number; sigma?: number; bots?: SimInput["liquidators"]; gas?: number; population?: Position[] } = {}): SimInput {
  const closes = [2_000, 1_800, 1_620, 1_500, 1_450, 1_450, 1_450, 1_450];
  const n = closes.length;
  const times = Float64Array.from(closes.map((_, k) => T0 + (k + 1) * HOUR));
  const market = Float64Array.from(closes);
  return {
    times,
    openingTime: T0,
    assets: [
      {
        symbol: "WETH",
        address: "0x0000000000000000000000000000000000000001",
        decimals: 18,
        market,
        oracle: oraclePath(times, market, 2_000, T0, { heartbeatSeconds: HOUR, deviationBps: 50 }),
        stalenessAllowance: 4_200,
        chain: { stored: params, ramp: { fromBps: 0, start: 0n, end: 0n }, rampDuration: 0, configured: true, rules: spec.assets[0]!.rules, nonce: 0n, lastUpdateAt: 0n, lastObservedAt: 0n, lastRiskIncreasingAt: 0n },
        venue: { slippage: curve, poolScale: 0.01, dailyVolumeUsd: filled(n, options.volume ?? 1e8), dailySigma: filled(n, options.sigma ?? 0.1) },
      },
    ],
    debtDecimals: 6,
    rateModel: spec.engine.rateModel,
    liquidation: spec.engine.liquidationConfig,
    lenderDeposits: 10n ** 9n * 10n ** 6n,
    population: options.population ?? Array.from({ length: 40 }, (_, i) => position(200 + 10 * i, (200 + 10 * i) * 2_000 * 0.78)),
    liquidators: options.bots ?? [{ delaySeconds: 0, capitalUsd: 1e9, riskAversion: 0.5 }],
    gasCostUsd: filled(n, options.gas ?? 20),
    maxCallsPerAccountPerStep: 8,
    schedule: [],
    updater: { paused: false, maxReportAge: 3_600 },
  };
}

/** USD value seized in the first `hours` steps. */
const seizedBy = (result: ReturnType<typeof simulate>, hours: number) => result.series.liquidatedValue.subarray(0, hours).reduce((a, b) => a + b, 0);

describe("backtest: liquidators respond to the bonus, their costs and their capital", function () {
  it("the drawn bots are reproducible, fastest first, and within their ranges", function () {
    const s = { count: 8, seed: 4, delayHours: [0, 3] as const, capitalUsd: [1e5, 1e7] as const, riskAversion: [0.5, 1.5] as const };
    const a = drawLiquidators(s);
    expect(drawLiquidators(s)).to.deep.equal(a);
    expect(a.map((b) => b.delaySeconds)).to.deep.equal([...a.map((b) => b.delaySeconds)].sort((x, y) => x - y));
    for (const b of a) {
      expect(b.delaySeconds).to.be.within(0, 3 * HOUR);
      expect(b.capitalUsd).to.be.within(1e5, 1e7);
      expect(b.riskAversion).to.be.within(0.5, 1.5);
    }
    expect(() => drawLiquidators({ ...s, delayHours: [2, 1] })).to.throw(RangeError, /delayHours/);
    expectClose(edgePerUsdSeized(500, 1_000), (0.05 * 0.9) / 1.05, 1e-15);
    expectClose(riskPremium({ delaySeconds: 4 * HOUR, capitalUsd: 1, riskAversion: 1 }, 0.24), (0.24 / Math.sqrt(24)) * 2, 1e-15);
  });

  it("a thinner bonus means smaller, slower liquidations in a crash", function () {
    const thin = simulate(crash({ ...aave, liquidationBonusBps: 200 }));
    const fat = simulate(crash({ ...aave, liquidationBonusBps: 800 }));
    expect(seizedBy(thin, 3)).to.be.below(seizedBy(fat, 3));
    expect(thin.metrics.liquidationDelayHours.median).to.be.at.least(fat.metrics.liquidationDelayHours.median);
    expect(thin.details.unprofitableSkips).to.be.above(fat.details.unprofitableSkips);
  });

  it("deeper markets, calmer prices, more capital and less risk aversion all liquidate more", function () {
    const base = seizedBy(simulate(crash(aave)), 3);
    expect(seizedBy(simulate(crash(aave, { volume: 1e10 })), 3)).to.be.above(base);
    expect(seizedBy(simulate(crash(aave, { sigma: 0.3 })), 3)).to.be.below(base);
    expect(seizedBy(simulate(crash(aave, { bots: [{ delaySeconds: 0, capitalUsd: 2e5, riskAversion: 0.5 }] })), 3)).to.be.below(base);
    expect(seizedBy(simulate(crash(aave, { bots: [{ delaySeconds: 0, capitalUsd: 1e9, riskAversion: 3 }] })), 3)).to.be.below(base);
  });

  it("a bot waits its own delay; gas that exceeds the profit leaves small accounts alone", function () {
    const slow = simulate(crash(aave, { bots: [{ delaySeconds: 3 * HOUR, capitalUsd: 1e9, riskAversion: 0.5 }] }));
    expect(slow.actions.length).to.be.above(0);
    expect(Math.min(...slow.actions.map((a) => a.step))).to.be.at.least(4);
    expect(slow.metrics.liquidationDelayHours.median).to.be.at.least(3);
    const small = [position(2, 2 * 2_000 * 0.8)];
    expect(simulate(crash(aave, { population: small, gas: 5 })).actions.length).to.be.above(0);
    expect(simulate(crash(aave, { population: small, gas: 500 })).actions.length).to.equal(0);
  });
});

describe("backtest: honest metrics", function () {
  it("insolvent accounts leave the capital-efficiency figures; bonus on accounts that end insolvent is counted; the spiral product is LT × (1 + bonus)", function () {
    // One account that the crash makes insolvent while no bot can sell (no market, a dry pool), one healthy.
    const input = crash(aave, { population: [position(100, 160_000 * 0.995), position(100, 60_000)] });
    input.assets[0]!.venue = { ...input.assets[0]!.venue, poolScale: 1e-6, dailyVolumeUsd: filled(8, 0) };
    const r = simulate(input);
    expect(r.actions).to.have.length(0);
    // From the 1,500 hour on, the first account is insolvent: only the healthy one's debt counts.
    near(r.series.borrowingPowerUsed[7]!, 60_000 / (100 * 1_450), 1e-3);
    expect(r.metrics.solventDebtUsdAvg).to.be.below(60_000 + 160_000);
    expect(r.metrics.solventDebtUsdAvg).to.be.above(60_000);
    expectClose(r.metrics.peakSpiralProduct, 0.83 * 1.05, 1e-12);
    // A written-off account: all the bonus it paid is bonus paid on an insolvent account.
    const w = crash(aave, { population: [position(10, 15_000)] });
    const closes = Float64Array.from([2_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000]);
    w.assets[0]!.market = closes;
    w.assets[0]!.oracle = oraclePath(w.times, closes, 2_000, T0, { heartbeatSeconds: HOUR, deviationBps: 50 });
    const off = simulate(w);
    expect(off.details.writtenOff).to.be.above(0);
    near(off.metrics.bonusPaidInsolventUsd, off.metrics.bonusPaid, 1e-9);
  });

  it("seeds: the mean and the protocol's worst of each figure", function () {
    const r = simulate(crash(aave));
    const s = summarizeSeeds([r.metrics, { ...r.metrics, badDebt: r.metrics.badDebt + 10, solventDebtUsdAvg: r.metrics.solventDebtUsdAvg - 10 }]);
    expect(s.count).to.equal(2);
    expectClose(s.mean.badDebt, r.metrics.badDebt + 5, 1e-6);
    expect(s.worst.badDebt).to.equal(r.metrics.badDebt + 10);
    expect(s.worst.solventDebtUsdAvg).to.equal(r.metrics.solventDebtUsdAvg - 10);
  });
});

describe("backtest: a live start", function () {
  it("the warm-up steers toward the opening target through the updater, so cooldown clocks at the opening are live", function () {
    const weth = spec.assets.find((a) => a.symbol === "WETH")!;
    const start = { stored: weth.params, ramp: { fromBps: 0, start: 0n, end: 0n }, rampDuration: weth.rampDuration, configured: true, rules: weth.rules, nonce: 0n, lastUpdateAt: 0n, lastObservedAt: 0n, lastRiskIncreasingAt: 0n };
    const target: RiskParams = { ...weth.params, ltvBps: weth.params.ltvBps + 200, liquidationThresholdBps: weth.params.liquidationThresholdBps + 200 };
    const opening = T0;
    const address = "0x0000000000000000000000000000000000000001" as const;
    const warmed = warmedUpState(start, address, target, opening, 30 * 86_400, 3_600);
    expect(warmed.stored!.ltvBps).to.be.above(weth.params.ltvBps);
    expect(Number(warmed.lastUpdateAt)).to.be.within(opening - 30 * 86_400, opening);
    // Unless the target was reached, the next risk-increasing step waits out the cooldown from the last write.
    const next = planStep(address, target, warmed, { paused: false, maxReportAge: 3_600 }, BigInt(opening), BigInt(opening));
    if (next.kind === "step") expect(Number(warmed.lastUpdateAt) + weth.rules.riskIncreasingCooldown).to.be.at.most(opening);
    else expect(next.kind === "atTarget" || (next.kind === "blocked" && next.violation.error === "CooldownActive")).to.equal(true);
    // Without a target (the static policy) nothing moves, and the clock reads the warm-up's start.
    const still = warmedUpState(start, address, undefined, opening, 30 * 86_400, 3_600);
    expect(still.stored).to.deep.equal(weth.params);
    expect(Number(still.lastUpdateAt)).to.equal(opening - 30 * 86_400);
  });

  it("the rate-limit bypass fires before insolvency at every threshold the bounds allow", function () {
    for (const asset of spec.assets) expect(spec.engine.liquidationConfig.rateLimitBypassHealthBps).to.be.above(asset.rules.liquidationThreshold.max);
  });
});

describe("backtest: the calibrated policy's spiral guard along a real crash", function () {
  this.timeout(120_000);
  it("property: at every hour of 12–13 March 2020, ramps included, each asset's effective LT × (1 + bonus) stays at or below 1 − margin, and the crisis holds the bonus", function () {
    const loaded = loadBacktestConfig("test/fixtures/backtest.test.json");
    loaded.config.policies.calibrated = { everyHours: 3, lookbackHours: 1_440, fhsPaths: 300, selection: { everyHours: 24, bookSample: 400 } };
    const scenario = stressScenarios(loaded).find((s) => s.name === "2020-03-12")!.build();
    const symbols = loaded.config.assets.map((a) => a.symbol);
    const calibrations = calibrationSchedule(scenario.path, symbols, loaded.calibration, loaded.calibrationBase, { ...loaded.config.policies.calibrated, assets: [0, 1] });
    expect(calibrations.some((c) => c.crisis.some((x) => x === true)), "the crash calls a crisis").to.equal(true);
    const result = simulate(prepareSimInput(loaded, scenario, "calibrated", calibrations));
    const margin = loaded.calibration.policy.toxicSpiralMargin!;
    let bonusRaisedInCrisis = 0;
    for (let i = 0; i < symbols.length; i++) {
      for (let t = 0; t < scenario.path.times.length; t++) {
        const product = (result.series.effectiveThresholdBps[i]![t]! / 10_000) * (1 + result.series.bonusBps[i]![t]! / 10_000);
        expect(product, `${symbols[i]} hour ${t}`).to.be.at.most(1 - margin + 1e-12);
      }
    }
    for (const change of result.parameterChanges) {
      const latest = [...calibrations].reverse().find((c) => c.step + 1 <= change.step);
      const before = result.series.bonusBps[change.asset]![Math.max(0, change.step - 1)]!;
      if (latest?.crisis[change.asset] && change.params.liquidationBonusBps > before) bonusRaisedInCrisis++;
    }
    expect(bonusRaisedInCrisis).to.equal(0);
    expect(result.metrics.peakSpiralProduct).to.be.at.most(1 - margin);
  });
});
