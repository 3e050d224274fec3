import { expect } from "chai";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import {
  christoffersen,
  historicalVarEs,
  kupiec,
  normalVarEs,
  overlappingSums,
  quantile,
  studentTVarEs,
} from "../../calibrator/models/tails.js";
import { expectClose } from "../helpers/approx.js";

/** ES as the average of VaR over the tail, ES_α = (1/(1−α)) ∫_α^1 VaR_u du (midpoint rule). */
function esByIntegration(varAt: (u: number) => number, alpha: number, steps = 200_000): number {
  let sum = 0;
  const width = (1 - alpha) / steps;
  for (let i = 0; i < steps; i++) sum += varAt(alpha + (i + 0.5) * width);
  return (sum * width) / (1 - alpha);
}

describe("calibrator/models: VaR and ES", function () {
  it("normal: 99% VaR is 2.326 sigma and 97.5% ES is 2.338 sigma (methods.md), ES = tail average of VaR", function () {
    expectClose(normalVarEs(0, 1, 0.99).var, 2.3263478740408408, 1e-12);
    expectClose(normalVarEs(0, 1, 0.975).es, 2.3378027922013453, 1e-9);
    const { var: v, es } = normalVarEs(0.001, 0.02, 0.99);
    expectClose(v, -0.001 + 0.02 * 2.3263478740408408, 1e-12);
    expectClose(es, esByIntegration((u) => -0.001 + 0.02 * normalQuantile(u, 0, 1), 0.99), 1e-6);
  });

  it("Student-t: nu = 4 gives a 99% VaR of 2.65 sigma (methods.md), and its closed-form ES is the tail average", function () {
    expectClose(studentTVarEs(0, 1, 4, 0.99).var, 2.65, 0.005);
    const scale = Math.sqrt(3 / 5);
    const { es } = studentTVarEs(0, 0.03, 5, 0.975);
    expectClose(es, esByIntegration((u) => 0.03 * scale * tQuantile(u, 5), 0.975), 2e-6);
    // Fatter tails than the normal at the same variance.
    expect(studentTVarEs(0, 1, 4, 0.99).es).to.be.greaterThan(normalVarEs(0, 1, 0.99).es);
    expect(() => studentTVarEs(0, 1, 2, 0.99)).to.throw(RangeError, /nu > 2/);
  });

  it("historical: interpolated quantile and the mean of the tail, over one or several periods", function () {
    const r = [-0.05, -0.04, -0.03, -0.02, -0.01, 0, 0.01, 0.02, 0.03, 0.04];
    expectClose(quantile([1, 2, 3, 4], 0.5), 2.5, 1e-15);
    // 90%: the 10% quantile of 10 sorted values sits at position 0.9 → −0.05 + 0.9 × 0.01 = −0.041.
    const h = historicalVarEs(r, 0.9);
    expectClose(h.var, 0.041, 1e-15);
    expectClose(h.es, 0.05, 1e-15);
    expect(Array.from(overlappingSums([1, 2, 3, 4], 2))).to.deep.equal([3, 5, 7]);
    const two = historicalVarEs(r, 0.9, 2);
    expect(two.var).to.be.greaterThan(h.var);
    expect(() => historicalVarEs(r, 1)).to.throw(RangeError, /confidence/);
  });
});

describe("calibrator/models: VaR backtests", function () {
  it("Kupiec: zero exceptions in 250 days at 99% gives LR = -500 ln 0.99; the expected count gives 0", function () {
    const none = kupiec(0, 250, 0.99);
    expectClose(none.lr, -500 * Math.log(0.99), 1e-9);
    expect(none.pass).to.equal(false); // 5.03 > 3.84
    expectClose(kupiec(5, 100, 0.95).lr, 0, 1e-12);
    expect(kupiec(5, 100, 0.95).pass).to.equal(true);
    // Basel red zone (10 exceptions in 250 at 99%) is rejected.
    expect(kupiec(10, 250, 0.99).pass).to.equal(false);
    expect(() => kupiec(3, 2, 0.99)).to.throw(RangeError);
  });

  it("Christoffersen: matches the transition counts computed by hand and flags clustering", function () {
    // Transitions: n00 = 4, n01 = 2, n10 = 1, n11 = 2.
    const seq = [0, 0, 1, 1, 0, 0, 0, 0, 1, 1];
    const restricted = 5 * Math.log(5 / 9) + 4 * Math.log(4 / 9);
    const unrestricted = 6 * Math.log(2 / 3) + 3 * Math.log(1 / 3);
    expectClose(christoffersen(seq).lr, -2 * (restricted - unrestricted), 1e-12);
    const clustered = [...Array(200).fill(0), ...Array(10).fill(1), ...Array(200).fill(0)];
    expect(christoffersen(clustered).pass).to.equal(false);
    const spread = Array.from({ length: 400 }, (_, i) => (i % 40 === 0 ? 1 : 0));
    expect(christoffersen(spread).pass).to.equal(true);
  });
});

describe("calibrator/models: filtered historical simulation", function () {
  it("on i.i.d. normal returns agrees with the normal VaR over 1 and 10 periods, reproducibly", async function () {
    const { Rng } = await import("../../calibrator/models/random.js");
    const { fitGarch } = await import("../../calibrator/models/garch.js");
    const { filteredHistoricalSimulation } = await import("../../calibrator/models/fhs.js");
    const rng = new Rng(11);
    const sigma = 0.02;
    const r = new Float64Array(4_000);
    for (let i = 0; i < r.length; i += 2) {
      const u = Math.max(rng.next(), 1e-300);
      const v = rng.next();
      const m = Math.sqrt(-2 * Math.log(u));
      r[i] = sigma * m * Math.cos(2 * Math.PI * v);
      r[i + 1] = sigma * m * Math.sin(2 * Math.PI * v);
    }
    const fit = fitGarch(r);
    for (const horizon of [1, 10]) {
      const sim = filteredHistoricalSimulation(r, fit, { horizon, confidence: 0.99, paths: 20_000, seed: 5 });
      const reference = normalVarEs(0, sigma * Math.sqrt(horizon), 0.99);
      expectClose(sim.var, reference.var, reference.var * 0.08, `horizon ${horizon}`);
      expectClose(sim.es, reference.es, reference.es * 0.08, `horizon ${horizon}`);
      expect(filteredHistoricalSimulation(r, fit, { horizon, confidence: 0.99, paths: 20_000, seed: 5 })).to.deep.equal(sim);
    }
  });
});
