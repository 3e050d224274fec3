import { expect } from "chai";
import { constantGrid, DOCUMENTED_GRID, dominates, paretoFrontier, totals, type WindowOutcome } from "../../calibrator/backtest/dominance.js";
import { checkInvariants } from "../../calibrator/rules/riskRules.js";

const outcomes = (rows: [string, number, number][]): WindowOutcome[] => rows.map(([window, badDebtUsd, solventDebtUsd]) => ({ window, badDebtUsd, solventDebtUsd }));

describe("backtest/dominance: the constant grid and the dominance test of issue 14", function () {
  it("the documented grid holds 105 distinct sets, each valid on chain and clear of the spiral margin", function () {
    const grid = constantGrid({ ...DOCUMENTED_GRID, liquidationCapPerWindow: 10n ** 24n, liquidationWindow: 3_600 });
    expect(grid).to.have.length(105);
    expect(new Set(grid.map((p) => `${p.ltvBps}/${p.liquidationThresholdBps}/${p.liquidationBonusBps}`)).size).to.equal(105);
    for (const p of grid) {
      expect(checkInvariants(p, p.liquidationThresholdBps), JSON.stringify(p, (_, v) => (typeof v === "bigint" ? v.toString() : v))).to.equal(undefined);
      expect((p.liquidationThresholdBps / 1e4) * (1 + p.liquidationBonusBps / 1e4)).to.be.below(0.98);
    }
    // Aave's WBTC 73/78/5 is a point of the grid.
    expect(grid.some((p) => p.ltvBps === 7_300 && p.liquidationThresholdBps === 7_800 && p.liquidationBonusBps === 500)).to.equal(true);
    expect(() => constantGrid({ ...DOCUMENTED_GRID, ltvGapsBps: [0], liquidationCapPerWindow: 1n, liquidationWindow: 3_600 })).to.throw(RangeError, /gap of 0 bps/);
  });

  it("a set dominates only with no more bad debt in every window and more solvent debt in total", function () {
    const reference = outcomes([["a", 100, 50], ["b", 0, 50]]);
    expect(dominates(outcomes([["a", 100, 50], ["b", 0, 51]]), reference)).to.equal(true); // ties in loss, more lending
    expect(dominates(outcomes([["a", 50, 60], ["b", 0, 40]]), reference)).to.equal(false); // less lending in total
    expect(dominates(outcomes([["a", 0, 500], ["b", 2, 500]]), reference)).to.equal(false); // loses more in one window
    expect(dominates(outcomes([["a", 0, 50], ["b", 0.5, 50.5]]), reference)).to.equal(true); // a cent of float noise is no loss
    expect(dominates(reference, reference)).to.equal(false);
    expect(() => dominates(outcomes([["a", 0, 1]]), reference)).to.throw(RangeError, /same windows/);
    expect(() => dominates(outcomes([["b", 0, 1], ["a", 0, 1]]), reference)).to.throw(RangeError, /same windows/);
    expect(() => dominates([], [])).to.throw(RangeError, /no windows/);
  });

  it("the frontier keeps the points no other point beats on both totals, by total bad debt", function () {
    const point = (name: string, bad: number, solvent: number) => ({ name, outcome: outcomes([["a", bad / 2, solvent / 2], ["b", bad / 2, solvent / 2]]) });
    const safe = point("safe", 0, 90);
    const middle = point("middle", 10, 100);
    const beaten = point("beaten", 20, 95); // middle loses less and lends more
    const loose = point("loose", 30, 120);
    const tiedLoss = point("tied loss, less lending", 10, 99);
    expect(totals(middle.outcome)).to.deep.equal({ badDebtUsd: 10, solventDebtUsd: 100 });
    expect(paretoFrontier([loose, beaten, middle, safe, tiedLoss]).map((p) => p.name)).to.deep.equal(["safe", "middle", "loose"]);
  });
});
