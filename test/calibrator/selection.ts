import { expect } from "chai";
import type { CandleSeries } from "../../calibrator/data/candles.js";
import { fitGarch } from "../../calibrator/models/garch.js";
import { Rng } from "../../calibrator/models/random.js";
import { candidateGrid } from "../../calibrator/select/candidates.js";
import { type Candidate, EvaluationScratch, evaluateCandidate, type SelectionBook, type SelectionMarket } from "../../calibrator/select/evaluate.js";
import { chooseCandidate, efficientFrontier, lossEs, scoreCandidate } from "../../calibrator/select/frontier.js";
import { chunk, runScoreTasks } from "../../calibrator/select/pool.js";
import { closedDays, dayPath, DEFAULT_SCENARIO_SPEC, drawScenarios, type ScenarioSet } from "../../calibrator/select/scenarios.js";

/** |actual − expected| ≤ tolerance (Hardhat's chai matchers take closeTo's arguments as integers). */
function expectNear(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected), `${actual} against ${expected}`).to.be.at.most(tolerance);
}

const DEEP_MARKET: SelectionMarket = {
  slippageGrid: Float64Array.of(0.001, 0.01, 0.1),
  poolDepthUsd: Float64Array.of(1e9, 1e10, 1e11),
  dailyVolumeUsd: 1e12,
  sqrtLawY: 0.7,
  marketHalfLifeHours: 6,
  poolHalfLifeHours: 1,
  gasCostUsd: 0,
  calmDailySigma: 0.01,
  riskAversion: 0,
  protocolFeeShare: 0.1,
  fullCloseHealth: 0.95,
  rateLimitBypassHealth: 0.95,
};

/** One scenario of `hours` hours with the given returns and delay, no freeze, depth ÷ 1. */
function oneScenario(returns: number[], delay: number, hours = 48): ScenarioSet {
  const r = new Float64Array(hours);
  returns.forEach((x, i) => (r[i] = x));
  return { hours, count: 1, returns: r, dailySigma: new Float64Array(hours).fill(0.02), depthDivisor: Float64Array.of(1), freezeStart: Int32Array.of(0), freezeHours: Int32Array.of(0), liquidatorDelayHours: Int32Array.of(delay), kind: Uint8Array.of(0) };
}

const candidate: Candidate = { ltv: 0.8, liquidationThreshold: 0.85, liquidationBonus: 0.05, closeFactor: 0.5, capPerHourUsd: 1e12 };

function dailySeries(file: string, startDay: number, rows: [number, number, number, number][]): CandleSeries {
  const n = rows.length;
  return {
    file,
    time: Float64Array.from(rows.map((_, i) => (startDay + i) * 86_400)),
    open: Float64Array.from(rows.map((r) => r[0])),
    high: Float64Array.from(rows.map((r) => r[1])),
    low: Float64Array.from(rows.map((r) => r[2])),
    close: Float64Array.from(rows.map((r) => r[3])),
    intervalSeconds: 86_400,
    gaps: [],
    ...(n < 0 ? {} : {}),
  };
}

describe("selection by simulation: one candidate on one path", function () {
  it("a flat path leaves no bad debt and liquidates nothing", function () {
    const book: SelectionBook = { valueUsd: Float64Array.of(100_000, 50_000), use: Float64Array.of(1, 0.9) };
    const e = evaluateCandidate(candidate, book, DEEP_MARKET, oneScenario([], 0), 0, new EvaluationScratch(2));
    expect(e).to.deep.equal({ badDebtUsd: 0, liquidatedUsd: 0 });
  });

  it("a gap through the account's solvency, liquidated after the delay: the collateral buys debt at the bonus, the rest is written off", function () {
    const book: SelectionBook = { valueUsd: Float64Array.of(100_000), use: Float64Array.of(1) };
    // −50% in the first hour, flat after; debt 80,000 against 50,000 of collateral when the bots arrive.
    const e = evaluateCandidate(candidate, book, DEEP_MARKET, oneScenario([Math.log(0.5)], 3), 0, new EvaluationScratch(1));
    expectNear(e.liquidatedUsd, 50_000, 1e-6);
    expectNear(e.badDebtUsd, 80_000 - 50_000 / 1.05, 1e-6);
  });

  it("a fall that liquidators follow in time leaves no bad debt, and one they cannot reach (no market) leaves the shortfall", function () {
    const book: SelectionBook = { valueUsd: Float64Array.of(100_000), use: Float64Array.of(0.99) };
    const slide = Array.from({ length: 20 }, () => Math.log(0.98)); // −2% an hour for 20 hours
    const followed = evaluateCandidate(candidate, book, DEEP_MARKET, oneScenario(slide, 0), 0, new EvaluationScratch(1));
    expect(followed.liquidatedUsd).to.be.greaterThan(0);
    expect(followed.badDebtUsd).to.equal(0);
    const noMarket: SelectionMarket = { ...DEEP_MARKET, poolDepthUsd: Float64Array.of(0, 0, 0), dailyVolumeUsd: 0 };
    const stuck = evaluateCandidate(candidate, book, noMarket, oneScenario(slide, 0), 0, new EvaluationScratch(1));
    const price = 0.98 ** 20;
    expect(stuck.liquidatedUsd).to.equal(0);
    expectNear(stuck.badDebtUsd, 0.99 * 0.8 * 100_000 - price * 100_000, 1e-6);
  });

  it("gas above the call's edge stops the call", function () {
    const book: SelectionBook = { valueUsd: Float64Array.of(1_000), use: Float64Array.of(1) };
    const path = [Math.log(0.5)];
    const cheap = evaluateCandidate(candidate, book, DEEP_MARKET, oneScenario(path, 0), 0, new EvaluationScratch(1));
    const dear = evaluateCandidate(candidate, book, { ...DEEP_MARKET, gasCostUsd: 1_000 }, oneScenario(path, 0), 0, new EvaluationScratch(1));
    expect(cheap.liquidatedUsd).to.be.greaterThan(0);
    expect(dear.liquidatedUsd).to.equal(0);
    expectNear(dear.badDebtUsd, 800 - 500, 1e-9);
  });
});

describe("selection by simulation: frontier and choice", function () {
  it("the ES of losses is the mean of the worst tail", function () {
    const losses = Float64Array.from({ length: 200 }, (_, i) => i);
    expect(lossEs(losses, 0.99)).to.equal((199 + 198) / 2);
    expect(() => lossEs(new Float64Array(0), 0.99)).to.throw(RangeError);
  });

  it("the frontier keeps the undominated scores; the choice is the most lending within budget, else the least ES", function () {
    const s = (index: number, lendingUsd: number, esBadDebtUsd: number, budgetUsd: number) => ({ index, lendingUsd, meanBadDebtUsd: 0, esBadDebtUsd, budgetUsd, withinBudget: esBadDebtUsd <= budgetUsd });
    const scores = [s(0, 100, 5, 4), s(1, 90, 2, 4), s(2, 80, 3, 4), s(3, 110, 9, 4)];
    expect(efficientFrontier(scores).map((x) => x.index)).to.deep.equal([1, 0, 3]);
    expect(chooseCandidate(scores)).to.deep.equal({ chosen: scores[1], withinBudget: true });
    const over = scores.map((x) => ({ ...x, budgetUsd: 1, withinBudget: false }));
    expect(chooseCandidate(over).chosen.index).to.equal(1);
    expect(chooseCandidate(over).withinBudget).to.equal(false);
    const scored = scoreCandidate(7, 1_000, Float64Array.of(0, 0, 10), 0.5, 0.01);
    expect(scored).to.include({ index: 7, lendingUsd: 1_000, esBadDebtUsd: 5, budgetUsd: 10, withinBudget: true });
  });

  it("every grid candidate is inside the bounds, below its threshold and within the spiral margin; the formula's point comes first", function () {
    const limits = { ltvBps: [5_000, 8_500], liquidationThresholdBps: [6_000, 9_000], liquidationBonusBps: [200, 1_500], closeFactorBps: [2_000, 10_000], spiralMarginBps: 200 } as const;
    const point = { ltvBps: 7_852, liquidationThresholdBps: 8_371, liquidationBonusBps: 386, closeFactorBps: 5_000 };
    const grid = candidateGrid(point, limits);
    expect(grid[0]).to.deep.equal(point);
    expect(grid.length).to.be.greaterThanOrEqual(50);
    for (const c of grid) {
      expect(c.ltvBps).to.be.within(5_000, 8_500);
      expect(c.liquidationThresholdBps).to.be.within(6_000, 9_000);
      expect(c.ltvBps).to.be.lessThan(c.liquidationThresholdBps);
      expect(c.liquidationThresholdBps * (10_000 + c.liquidationBonusBps)).to.be.at.most(9_800 * 10_000);
    }
    expect(new Set(grid.map((c) => JSON.stringify(c))).size).to.equal(grid.length);
  });
});

describe("selection by simulation: scenarios", function () {
  it("a day's hourly path visits its high and low and ends at its close", function () {
    const out = new Float64Array(24);
    for (const day of [{ open: 100, high: 104, low: 70, close: 75 }, { open: 100, high: 130, low: 95, close: 120 }]) {
      dayPath(day, new Rng(3), out, 0);
      let level = 0;
      let max = 0;
      let min = 0;
      for (const r of out) {
        level += r;
        max = Math.max(max, level);
        min = Math.min(min, level);
      }
      expectNear(level, Math.log(day.close / day.open), 1e-12);
      expectNear(max, Math.log(day.high / day.open), 1e-12);
      expectNear(min, Math.log(day.low / day.open), 1e-12);
    }
  });

  it("crash blocks use only days closed by the data end (no look-ahead), and the set is reproducible from its seed", function () {
    const rng = new Rng(11);
    const calmRows: [number, number, number, number][] = Array.from({ length: 400 }, () => {
      const r = (rng.next() - 0.5) * 0.04;
      return [100, 100 * Math.exp(Math.max(r, 0) + 0.005), 100 * Math.exp(Math.min(r, 0) - 0.005), 100 * Math.exp(r)];
    });
    // Day 400 (after the data end) is a −70% day: it must never appear.
    const rows: [number, number, number, number][] = [...calmRows, [100, 101, 25, 30]];
    const daily = dailySeries("daily.csv", 10_000, rows);
    const asOf = (10_000 + 400) * 86_400; // day 399 closed at this instant; day 400 had not
    expect(closedDays([daily], asOf, 3_650).length).to.equal(400);
    const hourly = Float64Array.from({ length: 600 }, () => (rng.next() - 0.5) * 0.02);
    const history = { hourlyReturns: hourly, garch: fitGarch(hourly, { distribution: "student-t" }), daily: [daily], asOf, lookbackDays: 3_650 };
    const spec = { ...DEFAULT_SCENARIO_SPEC, count: 200, seed: 5 };
    const set = drawScenarios(history, spec);
    expect(set.kind.filter((k) => k === 1).length).to.equal(50);
    let worstHour = 0;
    for (let i = 0; i < set.returns.length; i++) worstHour = Math.min(worstHour, set.returns[i]!);
    expect(worstHour).to.be.greaterThan(Math.log(0.8));
    expect(drawScenarios(history, spec).returns).to.deep.equal(set.returns);
    const withCrash = drawScenarios({ ...history, asOf: asOf + 86_400 }, spec);
    let worstWith = 0;
    for (let i = 0; i < withCrash.returns.length; i++) worstWith = Math.min(worstWith, withCrash.returns[i]!);
    expect(worstWith).to.be.lessThan(Math.log(0.9));
  });

  it("scoring on 0, 1 and 2 worker threads gives the same bytes", async function () {
    this.timeout(60_000);
    const rng = new Rng(2);
    const n = 300;
    const use = Float64Array.from({ length: n }, () => 0.5 + rng.next() * 0.5).sort().reverse();
    const book: SelectionBook = { use, valueUsd: Float64Array.from({ length: n }, () => 5_000 + rng.next() * 500_000) };
    const scenarios: ScenarioSet = { ...oneScenario([], 0), count: 40, returns: Float64Array.from({ length: 40 * 48 }, (_, i) => (i % 48 === 0 ? Math.log(0.6) : (rng.next() - 0.6) * 0.05)), dailySigma: new Float64Array(40 * 48).fill(0.05), depthDivisor: new Float64Array(40).fill(2), freezeStart: new Int32Array(40), freezeHours: new Int32Array(40).fill(1), liquidatorDelayHours: new Int32Array(40).fill(1), kind: new Uint8Array(40) };
    const candidates: Candidate[] = [0.7, 0.75, 0.8, 0.85].map((lt) => ({ ...candidate, ltv: lt - 0.05, liquidationThreshold: lt }));
    const market = { ...DEEP_MARKET, dailyVolumeUsd: 5e7, poolDepthUsd: Float64Array.of(1e5, 1e6, 1e7) };
    const tasks = chunk(candidates, 3).map((c) => ({ candidates: c, book, market, scenarios }));
    const here = await runScoreTasks(tasks, 0);
    const total = here.reduce((a, x) => a + x.reduce((p, q) => p + q, 0), 0);
    expect(total).to.be.greaterThan(0);
    for (const workers of [1, 2]) expect(await runScoreTasks(tasks, workers)).to.deep.equal(here);
    await runScoreTasks([], 2);
    try {
      await runScoreTasks(tasks, -1);
      expect.fail("a negative worker count was accepted");
    } catch (e) {
      expect(e).to.be.instanceOf(RangeError);
    }
  });
});
