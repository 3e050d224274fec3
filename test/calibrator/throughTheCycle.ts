import { expect } from "chai";
import { loadConfig } from "../../calibrator/calibrate/config.js";
import { calibrateConfig } from "../../calibrator/calibrate/pipeline.js";
import { sliceCandles } from "../../calibrator/backtest/calibrations.js";
import { loadCandles } from "../../calibrator/data/candles.js";
import { longRunTail, MIN_LONG_RUN_RETURNS, scaleDailyToHorizon } from "../../calibrator/models/longRunTail.js";
import { historicalVarEs } from "../../calibrator/models/tails.js";
import { crisisCheck } from "../../calibrator/policy/crisis.js";
import { riskParameters } from "../../calibrator/policy/riskPolicy.js";
import { expectClose } from "../helpers/approx.js";
import { Rng } from "../helpers/random.js";

const DAY = 86_400;
const T0 = 1_500_000_000 - (1_500_000_000 % DAY);

/** A daily series with the given log returns, starting at T0. */
function daily(returns: readonly number[], file = "synthetic.csv", start = T0) {
  const time = Float64Array.from({ length: returns.length + 1 }, (_, i) => start + i * DAY);
  const close = new Float64Array(returns.length + 1);
  close[0] = 100;
  returns.forEach((r, i) => (close[i + 1] = close[i]! * Math.exp(r)));
  return { file, time, close, intervalSeconds: DAY };
}

describe("calibrator: through-the-cycle tail and the crisis rule", function () {
  it("longRunTail is the historical ES of the daily returns closed in (asOf − lookback, asOf], never later ones", function () {
    const rng = new Rng(9);
    const returns = Array.from({ length: 1_000 }, () => (rng.next() - 0.5) * 0.1);
    const series = daily(returns);
    // asOf: the close of the 600th return (its second candle opens at T0 + 600 d and closes a day later).
    const asOf = T0 + 601 * DAY;
    const tail = longRunTail([series], asOf, 10, 0.99);
    expect(tail.returns).to.equal(600);
    expectClose(tail.dailyEs, historicalVarEs(returns.slice(0, 600), 0.99).es, 1e-12);
    expect(tail.to).to.equal(asOf);
    // A crash after asOf changes nothing (no look-ahead); one before it raises the ES.
    const crashLater = daily([...returns.slice(0, 700), -0.9, ...returns.slice(701)]);
    expect(longRunTail([crashLater], asOf, 10, 0.99).dailyEs).to.equal(tail.dailyEs);
    const crashBefore = daily([...returns.slice(0, 100), -0.9, ...returns.slice(101)]);
    expect(longRunTail([crashBefore], asOf, 10, 0.99).dailyEs).to.be.greaterThan(tail.dailyEs + 0.05);
    // The lookback drops old returns: with one year only, the first 235 are out.
    expect(longRunTail([series], asOf, 1, 0.99).returns).to.equal(365);
  });

  it("longRunTail joins several files without a return across the gap between them, and refuses too little or non-daily history", function () {
    const a = daily(Array(300).fill(0.001), "a.csv");
    const b = daily(Array(300).fill(-0.001), "b.csv", T0 + 400 * DAY);
    const tail = longRunTail([a, b], T0 + 10_000 * DAY, 30, 0.99);
    expect(tail.returns).to.equal(600);
    expectClose(tail.dailyEs, 0.001, 1e-9);
    expect(() => longRunTail([daily(Array(MIN_LONG_RUN_RETURNS - 1).fill(0.01))], T0 + 10_000 * DAY, 30, 0.99)).to.throw(RangeError, /needs 250/);
    expect(() => longRunTail([{ ...a, intervalSeconds: 3_600 }], T0 + 10_000 * DAY, 30, 0.99)).to.throw(RangeError, /daily candles/);
    expectClose(scaleDailyToHorizon(0.2, DAY / 4), 0.1, 1e-12);
  });

  it("crisisCheck fires when an hourly move of the lookback exceeds the multiple of the through-the-cycle hourly σ, and only then", function () {
    const sigmaDaily = 0.048; // hourly σ 0.0098; 4σ = 3.92%
    const calm = Array(48).fill(0.005);
    expect(crisisCheck(calm, 3_600, sigmaDaily, 4, 24).crisis).to.equal(false);
    const shock = [...calm.slice(0, 40), -0.04, ...calm.slice(41)];
    const fired = crisisCheck(shock, 3_600, sigmaDaily, 4, 24);
    expect(fired.crisis).to.equal(true);
    expect(fired.largestMove).to.equal(0.04);
    expectClose(fired.trigger, 4 * sigmaDaily / Math.sqrt(24), 1e-12);
    // The same move 25 hours ago is outside the 24-hour lookback.
    const old = [...calm.slice(0, 23), -0.04, ...calm.slice(24)];
    expect(crisisCheck(old, 3_600, sigmaDaily, 4, 24).crisis).to.equal(false);
    expect(() => crisisCheck(calm, 3_600, sigmaDaily, 0, 24)).to.throw(RangeError);
  });

  it("the long-run execution risk is a floor under the bonus's price-risk term, and a larger bonus means a lower threshold", function () {
    const physics = { oracleHeartbeatSeconds: 3_600, keeperDelaySeconds: 600, executionSeconds: 600 };
    const base = { horizonEs: 0.05, hourlyVol: 0.004, stressedSlippage: 0.005, stressedSizeUsd: 2e6, gasCostUsd: 20, depthWithin: (s: number) => s * 1e8 };
    const calm = riskParameters(base, physics);
    const floored = riskParameters({ ...base, longRunExecutionRisk: 0.02 }, physics);
    expect(floored.intermediates.executionRisk).to.equal(0.02);
    expect(floored.liquidationBonusBps).to.be.greaterThan(calm.liquidationBonusBps);
    expect(floored.liquidationThresholdBps).to.be.lessThan(calm.liquidationThresholdBps);
    // A floor below the current term changes nothing.
    expect(riskParameters({ ...base, longRunExecutionRisk: 1e-6 }, physics)).to.deep.equal({ ...calm, intermediates: { ...calm.intermediates, longRunExecutionRisk: 1e-6 } });
  });

  it("on the sample config, the long history floors a calm window's threshold: WBTC before 12 March 2020 calibrates tighter with it than without", function () {
    this.timeout(60_000);
    const config = loadConfig("config/calibrate.sample.json");
    const hourly = loadCandles("data/binance_spot_eth_btc_2017_2021/BTCUSDT_1h_2020-01_2020-03.csv");
    const end = hourly.time.findIndex((t) => t === Date.UTC(2020, 2, 11, 23) / 1000);
    const calmWindow = sliceCandles(hourly, end - 1_439, end);
    const fast = { ...config, fhs: { paths: 500, seed: 1 }, assets: config.assets.map((a) => ({ ...a, options: undefined })) };
    const withHistory = calibrateConfig(fast, "config", { symbols: ["WBTC"], candlesFor: () => calmWindow })[0]!;
    const withoutHistory = calibrateConfig({ ...fast, assets: fast.assets.map((a) => ({ ...a, longRunHistory: undefined })) }, "config", { symbols: ["WBTC"], candlesFor: () => calmWindow })[0]!;
    expect(withHistory.params.liquidationThresholdBps).to.be.lessThan(withoutHistory.params.liquidationThresholdBps - 100);
    expect(withHistory.params.liquidationBonusBps).to.be.greaterThan(withoutHistory.params.liquidationBonusBps);
    expect(withHistory.crisis).to.equal(false);
    const longRun = (withHistory.report.intermediates as { longRun: { to: number; horizonEs: number } }).longRun;
    expect(longRun.to).to.be.at.most(calmWindow.time.at(-1)! + 3_600); // nothing after the window's data end
    // The crash hours themselves call a crisis.
    const crashEnd = hourly.time.findIndex((t) => t === Date.UTC(2020, 2, 12, 12) / 1000);
    const crash = calibrateConfig(fast, "config", { symbols: ["WBTC"], candlesFor: () => sliceCandles(hourly, crashEnd - 1_439, crashEnd) })[0]!;
    expect(crash.crisis).to.equal(true);
  });
});
