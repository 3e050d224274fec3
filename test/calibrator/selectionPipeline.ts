import { expect } from "chai";
import { resolve } from "node:path";
import { slippageCurve } from "../../calibrator/backtest/depth.js";
import { configSchema, loadConfig } from "../../calibrator/calibrate/config.js";
import { calibrateConfig, calibrateConfigOnPool } from "../../calibrator/calibrate/pipeline.js";
import { poolSnapshot } from "../../calibrator/calibrate/inputs.js";
import { reportHash } from "../../calibrator/report/reportHash.js";
import { bookFromPopulation, sortedBook } from "../../calibrator/select/book.js";
import type { CandidateBps } from "../../calibrator/select/candidates.js";
import { depthTable, depthWithinSlippage, SLIPPAGE_GRID } from "../../calibrator/select/market.js";
import { DEFAULT_SELECTION_SETTINGS, type SelectionProblem, selectNow } from "../../calibrator/select/select.js";
import { scoreChunk } from "../../calibrator/select/score.js";

const CONFIG_FILE = resolve("config/calibrate.sample.json");
const BOOK = { count: 2_000, seed: 7, minUsd: 5_000, maxUsd: 500_000, minLimitUse: 0.5, maxLimitUse: 0.98 };
const SELECTION = {
  budgetFractionOfDebt: 0.004,
  confidence: 0.99,
  scenarios: { count: 120, seed: 3 },
  riskAversion: 1,
  book: { ...BOOK, sample: 300 },
  engine: { protocolFeeBps: 1_000, fullCloseHealthBps: 9_500, rateLimitBypassHealthBps: 9_500 },
  workers: 2,
};

describe("selection by simulation: the book and the market", function () {
  it("a book is sorted by use, most leveraged first, and drops accounts with no collateral or no debt", function () {
    const book = sortedBook([10, 0, 30, 20], [0.5, 0.9, 0.7, 0]);
    expect([...book.use]).to.deep.equal([0.7, 0.5]);
    expect([...book.valueUsd]).to.deep.equal([30, 10]);
    expect(() => sortedBook([Number.NaN], [0.5])).to.throw(RangeError, /account 0/);
    expect(() => sortedBook([1, 2], [0.5])).to.throw(RangeError, /2 values but 1 uses/);
  });

  it("a sampled population book stands for the whole population: its value is near the full draw's, each asset takes its share", function () {
    const full = bookFromPopulation(BOOK, 0, 1);
    const sampled = bookFromPopulation(BOOK, 0, 1, 500);
    const total = (b: { valueUsd: Float64Array }) => b.valueUsd.reduce((s, v) => s + v, 0);
    expect(full.use.length).to.equal(2_000);
    expect(sampled.use.length).to.equal(500);
    expect(Math.abs(total(sampled) / total(full) - 1)).to.be.below(0.15);
    // Two assets: each account holds one alone or half of each, so the two books together hold the same total.
    const first = bookFromPopulation(BOOK, 0, 2);
    const second = bookFromPopulation(BOOK, 1, 2);
    expect(Math.abs((total(first) + total(second)) / total(full) - 1)).to.be.below(1e-6);
    expect(first.use.length).to.be.below(2_000);
  });

  it("the depth table inverts the pool's slippage curve: the depth within x fills at ≤ x, a little more does not", function () {
    const curve = slippageCurve(poolSnapshot(resolve("data/uniswap_v3_usdc_weth_005_ticks")));
    for (const x of [0.002, 0.01, 0.05]) {
      const d = depthWithinSlippage(curve, x);
      expect(d).to.be.greaterThan(0);
      expect(curve.averageSlippage(d)).to.be.at.most(x);
      expect(curve.averageSlippage(d * 1.01)).to.be.greaterThan(x);
    }
    const table = depthTable(curve, 0.5);
    expect(table.length).to.equal(SLIPPAGE_GRID.length);
    for (let i = 1; i < table.length; i++) expect(table[i]!).to.be.at.least(table[i - 1]!);
    expect(table[3]!).to.equal(depthWithinSlippage(curve, SLIPPAGE_GRID[3]!) * 0.5);
  });
});

describe("selection by simulation: in the calibration", function () {
  this.timeout(120_000);
  const base = loadConfig(CONFIG_FILE);
  const dir = resolve("config");

  it("the config's selection block is strict and checks its book", function () {
    const raw = { ...base, selection: { ...SELECTION, book: { ...BOOK, minUsd: 600_000 } } };
    const bad = configSchema.safeParse(raw);
    expect(bad.success).to.equal(false);
    expect(bad.error!.issues.map((i) => i.path.join("."))).to.include("selection.book.minUsd");
    expect(configSchema.safeParse({ ...base, selection: { budgetFraction: 0.01 } }).success).to.equal(false);
    expect(configSchema.parse({ ...base, selection: {} }).selection!.budgetFractionOfDebt).to.equal(0.004);
  });

  it("publishes the chosen candidate with the frontier in the re-hashed report, the same on a worker pool as in this thread", async function () {
    const config = configSchema.parse({ ...base, selection: SELECTION });
    const now = calibrateConfig(config, dir, { symbols: ["WETH"] });
    const pooled = await calibrateConfigOnPool(config, dir, { symbols: ["WETH"] });
    const [c] = now;
    expect(pooled[0]!.params).to.deep.equal(c!.params);
    expect(pooled[0]!.report.reportHash).to.equal(c!.report.reportHash);
    const s = c!.selection!;
    expect(s.candidates).to.be.at.least(50);
    expect(s.scenarios.count).to.equal(120);
    expect(c!.params.ltvBps).to.equal(s.chosen.ltvBps);
    expect(c!.params.liquidationThresholdBps).to.equal(s.chosen.liquidationThresholdBps);
    // The chosen point is on the frontier, and no frontier point within budget lends more.
    expect(s.frontier.some((f) => f.ltvBps === s.chosen.ltvBps && f.liquidationThresholdBps === s.chosen.liquidationThresholdBps && f.liquidationBonusBps === s.chosen.liquidationBonusBps)).to.equal(true);
    if (s.withinBudget) for (const f of s.frontier) if (f.esBadDebtUsd <= f.budgetUsd) expect(f.lendingUsd).to.be.at.most(s.chosen.lendingUsd);
    const { reportHash: hash, ...body } = c!.report;
    expect(hash).to.equal(reportHash(body));
    // Without the block the formula's point is published, and it is the report's formulaParams.
    const [plain] = calibrateConfig(base, dir, { symbols: ["WETH"] });
    expect(plain!.selection).to.equal(undefined);
    expect(c!.report["formulaParams"]).to.deep.equal(plain!.params);
  });

  it("a tighter budget never lends more", function () {
    const lending = [0.02, 0.004, 0.0005].map((budget) => {
      const config = configSchema.parse({ ...base, selection: { ...SELECTION, budgetFractionOfDebt: budget } });
      return calibrateConfig(config, dir, { symbols: ["WBTC"] })[0]!.selection!.chosen.lendingUsd;
    });
    expect(lending[1]!).to.be.at.most(lending[0]!);
    expect(lending[2]!).to.be.at.most(lending[1]!);
    expect(lending[2]!).to.be.below(lending[0]!);
  });
});

describe("selection by simulation: the incumbent and the reference", function () {
  this.timeout(120_000);
  const settings = { ...DEFAULT_SELECTION_SETTINGS, minLendingGain: 0.01 };
  let problem: SelectionProblem;
  before(function () {
    const config = configSchema.parse({ ...loadConfig(CONFIG_FILE), selection: SELECTION });
    problem = calibrateConfig(config, resolve("config"), { symbols: ["WBTC"], deferSelection: true })[0]!.selectionProblem!;
  });
  const shifted = (c: CandidateBps, ltvDelta: number): CandidateBps => ({ ...c, ltvBps: c.ltvBps + ltvDelta });

  it("keeps the last choice while it is within budget and the best lends less than 1% more; leaves it otherwise", function () {
    const fresh = selectNow([problem], settings)[0]!;
    expect(fresh.withinBudget).to.equal(true);
    const near = shifted(fresh.chosen, -30); // lends about 0.4% less
    const kept = selectNow([{ ...problem, incumbent: near }], settings)[0]!;
    expect(kept.chosen).to.deep.equal(near);
    expect(kept.chosenScore.index).to.equal(-2);
    const far = shifted(fresh.chosen, -1_500); // lends about 18% less
    expect(selectNow([{ ...problem, incumbent: far }], settings)[0]!.chosen).to.deep.equal(fresh.chosen);
    // An incumbent over budget is left even though it lends more than anything within it.
    const risky: CandidateBps = { ltvBps: 9_000, liquidationThresholdBps: 9_300, liquidationBonusBps: 200, closeFactorBps: 5_000 };
    const left = selectNow([{ ...problem, incumbent: risky }], settings)[0]!;
    expect(left.chosen).to.deep.equal(fresh.chosen);
    // With no gain required the best is always taken.
    expect(selectNow([{ ...problem, incumbent: near }], { ...settings, minLendingGain: 0 })[0]!.chosen).to.deep.equal(fresh.chosen);
  });

  it("under the dominance rule the choice loses no more than the reference on any historical crash block, and lends no more than without the rule", function () {
    const reference: CandidateBps = { ltvBps: 7_300, liquidationThresholdBps: 7_800, liquidationBonusBps: 500, closeFactorBps: 5_000 };
    const free = selectNow([{ ...problem, reference }], settings)[0]!;
    const ruled = selectNow([{ ...problem, reference }], { ...settings, dominateReferenceInCrashBlocks: true })[0]!;
    expect(ruled.chosenScore.lendingUsd).to.be.at.most(free.chosenScore.lendingUsd);
    const asCandidate = (c: CandidateBps) => ({ ltv: c.ltvBps / 1e4, liquidationThreshold: c.liquidationThresholdBps / 1e4, liquidationBonus: c.liquidationBonusBps / 1e4, closeFactor: c.closeFactorBps / 1e4, capPerHourUsd: problem.capPerHourUsd });
    const [mine, theirs] = [ruled.chosen, reference].map((c) => scoreChunk({ candidates: [asCandidate(c)], book: problem.book, market: problem.market, scenarios: problem.scenarios }));
    let blocks = 0;
    for (let k = 0; k < problem.scenarios.count; k++) {
      if (problem.scenarios.kind[k] !== 1) continue;
      blocks++;
      expect(mine![k]!, `crash block ${k}`).to.be.at.most(theirs![k]! + 0.01);
    }
    expect(blocks).to.be.above(0);
    // Without the rule the choice does lose more than the reference on some block (the rule binds here).
    const [unruled] = [free.chosen].map((c) => scoreChunk({ candidates: [asCandidate(c)], book: problem.book, market: problem.market, scenarios: problem.scenarios }));
    expect([...problem.scenarios.kind.keys()].some((k) => problem.scenarios.kind[k] === 1 && unruled![k]! > theirs![k]! + 0.01)).to.equal(true);
  });

  it("a reference raises the budget to its own ES per dollar lent, never lowers it", function () {
    const plain = selectNow([problem], settings)[0]!;
    expect(plain.budgetFractionOfDebt).to.equal(settings.budgetFractionOfDebt);
    const risky: CandidateBps = { ltvBps: 9_000, liquidationThresholdBps: 9_300, liquidationBonusBps: 200, closeFactorBps: 5_000 };
    const loose = selectNow([{ ...problem, reference: risky }], settings)[0]!;
    const r = loose.referenceScore!;
    expect(r.esBadDebtUsd / r.lendingUsd).to.be.greaterThan(settings.budgetFractionOfDebt);
    expect(loose.budgetFractionOfDebt).to.equal(r.esBadDebtUsd / r.lendingUsd);
    expect(loose.chosenScore.lendingUsd).to.be.at.least(plain.chosenScore.lendingUsd);
    const safe: CandidateBps = { ltvBps: 5_000, liquidationThresholdBps: 6_000, liquidationBonusBps: 500, closeFactorBps: 5_000 };
    expect(selectNow([{ ...problem, reference: safe }], settings)[0]!.budgetFractionOfDebt).to.equal(settings.budgetFractionOfDebt);
  });
});
