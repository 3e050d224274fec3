import { expect } from "chai";
import { calibrationSchedule } from "../../calibrator/backtest/calibrations.js";
import { loadBacktestConfig } from "../../calibrator/backtest/config.js";
import { cutWindow } from "../../calibrator/backtest/market.js";
import { backtestSelection } from "../../calibrator/backtest/selectionContext.js";
import { loadCandles } from "../../calibrator/data/candles.js";
import { type CandidateBps, type CandidateLimits, carryChoice, clampToLimits, isValidCandidate } from "../../calibrator/select/candidates.js";

const LIMITS: CandidateLimits = { ltvBps: [5_000, 8_500], liquidationThresholdBps: [6_000, 9_000], liquidationBonusBps: [200, 1_500], closeFactorBps: [1_000, 10_000], spiralMarginBps: 200 };
const point = (ltvBps: number, liquidationThresholdBps: number, liquidationBonusBps: number, closeFactorBps = 5_000): CandidateBps => ({ ltvBps, liquidationThresholdBps, liquidationBonusBps, closeFactorBps });

describe("selection by simulation: bounds and the cache's offsets", function () {
  it("a point outside the bounds is clamped to what the updater would write, and a valid one is left alone", function () {
    expect(clampToLimits(point(7_800, 8_300, 400), LIMITS)).to.deep.equal(point(7_800, 8_300, 400));
    const crash = clampToLimits(point(4_000, 5_200, 2_000, 20_000), LIMITS);
    expect(crash).to.deep.equal(point(5_000, 6_000, 1_500, 10_000));
    expect(isValidCandidate(crash, LIMITS)).to.equal(true);
    // The spiral margin lowers the threshold: 9,000 × 1.15 > 9,800, so LT = ⌊9,800 × 10,000 / 11,500⌋.
    const spiral = clampToLimits(point(8_400, 9_000, 1_500), LIMITS);
    expect(spiral.liquidationThresholdBps).to.equal(Math.floor(98_000_000 / 11_500));
    expect(spiral.ltvBps).to.equal(8_400);
    // An LTV at or above the clamped threshold comes down to just below it.
    expect(clampToLimits(point(8_500, 8_000, 1_500), LIMITS).ltvBps).to.equal(7_999);
  });

  it("a choice carries to a later formula point: threshold, bonus and close factor as chosen, the LTV lowered by the formula's fall, never raised by its rise", function () {
    const chosen = point(8_100, 8_400, 500, 10_000);
    // The formula's LTV fell 200 bps since the selection: the carried LTV falls 200 bps too.
    expect(carryChoice(chosen, point(7_900, 8_400, 400), point(7_700, 8_200, 450), LIMITS)).to.deep.equal(point(7_900, 8_400, 500, 10_000));
    // It rose 300 bps: the choice stands as it was.
    expect(carryChoice(chosen, point(7_900, 8_400, 400), point(8_200, 8_600, 450), LIMITS)).to.deep.equal(chosen);
    // A carried set the limits refuse falls back to the formula's point.
    const tight: CandidateLimits = { ...LIMITS, liquidationThresholdBps: [6_000, 8_300] };
    expect(carryChoice(chosen, point(7_900, 8_400, 400), point(7_700, 8_200, 450), tight)).to.deep.equal(point(7_700, 8_200, 450));
  });
});

describe("selection by simulation along a backtest path", function () {
  this.timeout(300_000);
  it("selects afresh every selection interval and carries the offsets between; without the config block nothing changes", function () {
    const loaded = loadBacktestConfig("test/fixtures/backtest.test.json");
    const series = loaded.config.assets.map((a) => loadCandles(loaded.at(a.candles)));
    const path = cutWindow(series, "2022-11-08 00:00:00", "2022-11-09 23:00:00");
    const symbols = loaded.config.assets.map((a) => a.symbol);
    const plan = { everyHours: 6, lookbackHours: 720, fhsPaths: 300, assets: [0] };
    const formula = calibrationSchedule(path, symbols, loaded.calibration, loaded.calibrationBase, plan);
    expect(backtestSelection(loaded, path)).to.equal(undefined);
    loaded.calibration = { ...loaded.calibration, selection: { budgetFractionOfDebt: 0.004, confidence: 0.99, budgetFloorFromReference: false, dominateReferenceInCrashBlocks: false, minLendingGain: 0.01, scenarios: { count: 100, seed: 2 }, riskAversion: 1,
      // A book of its own: between selections it must not select again (the cadence holds).
      book: { count: 300, seed: 11, minUsd: 5_000, maxUsd: 500_000, minLimitUse: 0.55, maxLimitUse: 0.98, sample: 100 }, engine: { protocolFeeBps: 1_000, fullCloseHealthBps: 9_500, rateLimitBypassHealthBps: 9_500 }, workers: 0 } };
    loaded.config.policies.calibrated.selection = { everyHours: 24, bookSample: 200 };
    const selector = backtestSelection(loaded, path)!;
    const selected = calibrationSchedule(path, symbols, loaded.calibration, loaded.calibrationBase, { ...plan, selector });
    expect(selected.map((c) => c.step)).to.deep.equal(formula.map((c) => c.step));
    const bps = (p: CandidateBps) => point(p.ltvBps, p.liquidationThresholdBps, p.liquidationBonusBps, p.closeFactorBps);
    // Steps −1 and 23 select afresh (24 h apart); the steps between carry the choice of step −1.
    const fresh = selected[0]!.params[0]!;
    for (const k of [1, 2, 3]) {
      const expected = carryChoice(bps(fresh), clampToLimits(bps(formula[0]!.params[0]!), selector.limits(0)), clampToLimits(bps(formula[k]!.params[0]!), selector.limits(0)), selector.limits(0));
      expect(bps(selected[k]!.params[0]!), `step ${selected[k]!.step}`).to.deep.equal(expected);
    }
    expect(selected.some((c, k) => JSON.stringify(bps(c.params[0]!)) !== JSON.stringify(bps(formula[k]!.params[0]!))), "the selection moved the parameters").to.equal(true);
    for (const c of selected) expect(isValidCandidate(bps(c.params[0]!), selector.limits(0))).to.equal(true);
  });
});
