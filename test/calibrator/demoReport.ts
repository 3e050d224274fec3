import { expect } from "chai";
import { comparisonVerdict, type DemoParamsRow, type DemoReport, renderDemoHtml } from "../../calibrator/report/demoHtml.js";

const params = (asset: string, ltvBps: number, lt: number, lb: number): DemoParamsRow => ({
  asset,
  ltvBps,
  liquidationThresholdBps: lt,
  effectiveThresholdBps: lt,
  liquidationBonusBps: lb,
  closeFactorBps: 5_000,
  liquidationCapPerWindowUsd: 1e6,
  liquidationWindow: 3_600,
});

describe("the demo's static-against-calibrated comparison", function () {
  it("says which policy lost less and which lent more, with the figures", function () {
    expect(comparisonVerdict({ badDebtUsd: 442_000, borrowingPowerUsd: 10e6 }, { badDebtUsd: 12_000, borrowingPowerUsd: 10.5e6 })).to.equal(
      "calibrated lost less ($12,000 against $442,000); calibrated lent more (borrowing power $10,500,000, 5.0% above static's $10,000,000).",
    );
    expect(comparisonVerdict({ badDebtUsd: 0, borrowingPowerUsd: 10e6 }, { badDebtUsd: 5, borrowingPowerUsd: 9e6 })).to.equal(
      "static lost less ($0 against $5); static lent more (borrowing power $10,000,000, calibrated $9,000,000, -10.0%).",
    );
    expect(comparisonVerdict({ badDebtUsd: 0, borrowingPowerUsd: 1e6 }, { badDebtUsd: 0, borrowingPowerUsd: 1e6 })).to.equal("both lost the same ($0); both lent the same ($1,000,000).");
  });

  it("the HTML report carries both policies' parameters, borrowing power and bad debt, and the verdict", function () {
    const verdict = comparisonVerdict({ badDebtUsd: 100, borrowingPowerUsd: 2e6 }, { badDebtUsd: 50, borrowingPowerUsd: 2.2e6 });
    const report: DemoReport = {
      generatedAt: "2026-12-06T00:00:00Z",
      window: { name: "2020-03-12", description: "Black Thursday", from: "2020-03-12 00:00:00", to: "2020-03-13 23:00:00" },
      addresses: {},
      population: { lenders: 1, borrowers: 2, liquidityUsd: 1, initialDebtUsd: 1, initialCollateralUsd: 1 },
      targets: [],
      before: [],
      after: [],
      glide: [],
      keeper: { cycles: 1, batchesLanded: 1, reportsLanded: 1, stepsByAsset: {}, simulatedDays: 1 },
      crash: { hours: [], symbols: ["ETH", "BTC"], liquidations: 0, blockedByRateLimit: 0, liquidatedValueUsd: 0, protocolFeesUsd: 0, badDebtUsd: 50, reserveUsd: 0 },
      comparison: {
        static: { params: [params("WETH", 8_050, 8_300, 500)], borrowingPowerUsd: 2e6, badDebtUsd: 100, liquidations: 3, blockedByRateLimit: 0 },
        calibrated: { params: [params("WETH", 8_200, 8_450, 400)], borrowingPowerUsd: 2.2e6, badDebtUsd: 50, liquidations: 2, blockedByRateLimit: 1 },
        verdict,
      },
      timings: {},
    };
    const html = renderDemoHtml(report);
    expect(html).to.include("<td>static (Aave v3)</td><td>WETH 80.50%/83.00%/5.00%</td><td>$2,000,000</td><td>$100</td><td>3</td><td>0</td>");
    expect(html).to.include("<td>calibrated</td><td>WETH 82.00%/84.50%/4.00%</td><td>$2,200,000</td><td>$50</td><td>2</td><td>1</td>");
    expect(html).to.include(`<p>${verdict}</p>`);
  });
});
