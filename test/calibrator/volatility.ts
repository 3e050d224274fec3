import { expect } from "chai";
import { expectClose } from "../helpers/approx.js";
import { candleLogReturns, loadCandles } from "../../calibrator/data/candles.js";
import {
  fitGarch,
  forecastVariance,
  garchLogLikelihood,
  type GarchParams,
  horizonVariance,
  unconditionalVariance,
} from "../../calibrator/models/garch.js";
import { garmanKlassVariance, parkinsonVariance, rogersSatchellVariance, yangZhangVariance } from "../../calibrator/models/rangeVolatility.js";
import { annualize, backcast, ewma, historicalVolatility, sampleMoments } from "../../calibrator/models/volatility.js";
import { Rng } from "../helpers/random.js";

const ethHourly = candleLogReturns(loadCandles("data/binance_spot_eth_btc_2022_2025/ETHUSDT_1h_2022_2025.csv"));
const ethDaily = loadCandles("data/binance_spot_eth_btc_2022_2025/ETHUSDT_1d_2022_2025.csv");

/** Standard normal draws by Box–Muller from the seeded generator. */
function normals(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(rng.next(), 1e-300);
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** A direct, naive log-likelihood (the reference the recursion is checked against). */
function naiveLogLikelihood(x: number[], p: GarchParams, bc: number): number {
  const h: number[] = [];
  const e = x.map((v) => v - p.mu);
  let ll = 0;
  for (let t = 0; t < x.length; t++) {
    h[t] = t === 0 ? p.omega + p.alpha * bc + p.beta * bc : p.omega + p.alpha * e[t - 1]! ** 2 + p.beta * h[t - 1]!;
    ll += -0.5 * Math.log(2 * Math.PI) - 0.5 * Math.log(h[t]!) - (0.5 * e[t]! ** 2) / h[t]!;
  }
  return ll;
}

describe("calibrator/models: historical and EWMA volatility", function () {
  it("computes the unbiased sample standard deviation and annualises by sqrt(N)", function () {
    const r = [0.01, -0.02, 0.03];
    // mean 0.00667; squared deviations 1.111e-5, 7.111e-4, 5.444e-4; sum 1.2667e-3 / 2.
    expectClose(sampleMoments(r).variance, 0.0012666666666666666 / 2, 1e-15);
    expectClose(historicalVolatility(r), Math.sqrt(0.00063333333333333), 1e-12);
    // methods.md: 70% annual = 3.66% daily = 0.75% hourly.
    expectClose(annualize(0.7 / Math.sqrt(365), 365), 0.7, 1e-12);
    expectClose(0.7 / Math.sqrt(8_760), 0.0075, 5e-5);
    expect(() => sampleMoments([1])).to.throw(RangeError);
  });

  it("EWMA follows the RiskMetrics recursion from the arch backcast", function () {
    const r = [0.01, -0.02, 0.03, 0.0];
    const w = [1, 0.94, 0.94 ** 2, 0.94 ** 3];
    const bc = (w[0]! * 1e-4 + w[1]! * 4e-4 + w[2]! * 9e-4 + 0) / (w[0]! + w[1]! + w[2]! + w[3]!);
    expectClose(backcast(r), bc, 1e-18);
    const out = ewma(r, 0.94);
    let s2 = bc;
    for (let t = 0; t < r.length; t++) {
      expectClose(out.variances[t], s2, 1e-18);
      s2 = 0.94 * s2 + 0.06 * r[t]! ** 2;
    }
    expectClose(out.sigma2Next, s2, 1e-18);
    expect(() => ewma(r, 1)).to.throw(RangeError, /lambda/);
  });

  it("EWMA with lambda 0.94 has the RiskMetrics half-life of 11.2 periods", function () {
    // Impulse response: one squared shock decays by lambda each period.
    expectClose(Math.log(0.5) / Math.log(0.94), 11.2, 0.05);
  });
});

describe("calibrator/models: range estimators", function () {
  const c = { open: [100, 102], high: [105, 110], low: [95, 100], close: [102, 108] };
  it("match hand-computed values on two candles", function () {
    const hl = [Math.log(105 / 95), Math.log(110 / 100)];
    expectClose(parkinsonVariance(c), (hl[0]! ** 2 + hl[1]! ** 2) / (4 * 2 * Math.LN2), 1e-15);
    const co = [Math.log(102 / 100), Math.log(108 / 102)];
    const gk = (0.5 * hl[0]! ** 2 - (2 * Math.LN2 - 1) * co[0]! ** 2 + 0.5 * hl[1]! ** 2 - (2 * Math.LN2 - 1) * co[1]! ** 2) / 2;
    expectClose(garmanKlassVariance(c), gk, 1e-15);
    const rs0 = Math.log(105 / 102) * Math.log(105 / 100) + Math.log(95 / 102) * Math.log(95 / 100);
    const rs1 = Math.log(110 / 108) * Math.log(110 / 102) + Math.log(100 / 108) * Math.log(100 / 102);
    expectClose(rogersSatchellVariance(c), (rs0 + rs1) / 2, 1e-15);
  });

  it("agree with each other and with close-to-close volatility on ETH daily candles", function () {
    const closeToClose = sampleMoments(candleLogReturns(ethDaily)).variance;
    for (const v of [parkinsonVariance(ethDaily), garmanKlassVariance(ethDaily), rogersSatchellVariance(ethDaily), yangZhangVariance(ethDaily)]) {
      // Range estimators on a 24/7 market land within a factor of 2 of close-to-close (wicks and jumps differ).
      expect(v / closeToClose).to.be.within(0.5, 2);
    }
    // With no overnight gap (open = previous close on a 24/7 venue), Yang–Zhang is close to its RS/oc parts.
    expectClose(yangZhangVariance(ethDaily), closeToClose, closeToClose * 0.5);
  });
});

describe("calibrator/models: GARCH(1,1)", function () {
  it("the likelihood recursion equals a naive direct computation", function () {
    const x = [0.5, -1.2, 2.0, 0.1, -0.3];
    const p = { mu: 0.1, omega: 0.2, alpha: 0.1, beta: 0.8 };
    const bc = 1.3;
    expectClose(garchLogLikelihood(x, p, bc).value, naiveLogLikelihood(x, p, bc), 1e-12);
  });

  it("the analytic gradient matches central finite differences", function () {
    const x = Array.from(normals(new Rng(7), 500));
    const p = { mu: 0.05, omega: 0.1, alpha: 0.12, beta: 0.8 };
    const { gradient } = garchLogLikelihood(x, p, 1);
    const keys = ["mu", "omega", "alpha", "beta"] as const;
    keys.forEach((k, i) => {
      const h = 1e-6;
      const up = garchLogLikelihood(x, { ...p, [k]: p[k] + h }, 1).value;
      const down = garchLogLikelihood(x, { ...p, [k]: p[k] - h }, 1).value;
      expectClose(gradient[i], (up - down) / (2 * h), 1e-4 * Math.max(1, Math.abs(gradient[i]!)));
    });
  });

  it("recovers the parameters of a simulated GARCH(1,1) path", function () {
    const truth = { mu: 0.0002, omega: 2e-6, alpha: 0.08, beta: 0.9 };
    const z = normals(new Rng(20261121), 30_000);
    const r = new Float64Array(z.length);
    let h = unconditionalVariance(truth);
    let e = 0;
    for (let t = 0; t < z.length; t++) {
      h = truth.omega + truth.alpha * e * e + truth.beta * h;
      e = Math.sqrt(h) * z[t]!;
      r[t] = truth.mu + e;
    }
    const fit = fitGarch(r);
    expect(fit.converged).to.equal(true);
    expectClose(fit.params.alpha, truth.alpha, 0.015);
    expectClose(fit.params.beta, truth.beta, 0.02);
    expectClose(fit.persistence, 0.98, 0.01);
    expectClose(fit.params.mu, truth.mu, 3e-4);
    // The MLE beats the truth in-sample (it maximises the same likelihood).
    const bc = backcast(Float64Array.from(r, (v) => v - sampleMoments(r).mean));
    expect(fit.logLikelihood).to.be.at.least(garchLogLikelihood(r, truth, bc).value - 1e-6);
  });

  it("on ETHUSDT hourly 2022-2025 converges to a local maximum above every starting point", function () {
    const fit = fitGarch(ethHourly);
    expect(ethHourly.length).to.equal(34_348);
    expect(fit.converged).to.equal(true);
    expect(fit.persistence).to.be.below(1);
    const mean = sampleMoments(ethHourly).mean;
    const bc = backcast(Float64Array.from(ethHourly, (v) => v - mean));
    const ll = (p: GarchParams) => garchLogLikelihood(ethHourly, p, bc).value;
    expectClose(ll(fit.params), fit.logLikelihood, 1e-6);
    for (const k of ["mu", "omega", "alpha", "beta"] as const) {
      for (const f of [0.99, 1.01]) expect(ll({ ...fit.params, [k]: fit.params[k] * f })).to.be.below(fit.logLikelihood);
    }
    const variance = sampleMoments(ethHourly).variance;
    for (const alpha of [0.01, 0.05, 0.1, 0.2]) {
      for (const persistence of [0.5, 0.7, 0.9, 0.98]) {
        expect(ll({ mu: mean, omega: variance * (1 - persistence), alpha, beta: persistence - alpha })).to.be.below(fit.logLikelihood);
      }
    }
  });

  it("variance targeting pins omega to s^2 (1 - alpha - beta) and costs likelihood", function () {
    const free = fitGarch(ethHourly);
    const vt = fitGarch(ethHourly, { varianceTargeting: true });
    const s2 = sampleMoments(ethHourly).variance;
    expectClose(vt.params.omega, s2 * (1 - vt.persistence), 1e-15);
    expect(vt.logLikelihood).to.be.at.most(free.logLikelihood);
  });

  it("horizon variance is the sum of the forecasts, and H times the level at the unconditional variance", function () {
    const p = { mu: 0, omega: 1e-6, alpha: 0.1, beta: 0.85 };
    const next = 5e-5;
    let sum = 0;
    for (let h = 1; h <= 24; h++) sum += forecastVariance(p, next, h);
    expectClose(horizonVariance(p, next, 24), sum, 1e-15);
    const bar = unconditionalVariance(p);
    expectClose(horizonVariance(p, bar, 24), 24 * bar, 1e-15);
    // Above the long-run level, the GARCH horizon variance is below sqrt(h) scaling of today's variance.
    expect(horizonVariance(p, next, 24)).to.be.below(24 * next);
    expect(() => horizonVariance(p, next, 0)).to.throw(RangeError);
  });

  it("Student-t: the likelihood equals a direct computation and its gradient matches finite differences", async function () {
    const garchStudentTLogLikelihood = garchLogLikelihood; // Student-t when nu is set
    const x = [0.5, -1.2, 2.0, 0.1, -0.3];
    const p = { mu: 0.1, omega: 0.2, alpha: 0.1, beta: 0.8, nu: 5 };
    // lnΓ(3) = ln 2, lnΓ(2.5) = ln(1.5 · 0.5 · √π).
    const constant = Math.log(2) - Math.log(1.5 * 0.5 * Math.sqrt(Math.PI)) - 0.5 * Math.log(Math.PI * 3);
    let h = p.omega + (p.alpha + p.beta) * 1.3;
    let naive = 0;
    for (let t = 0; t < x.length; t++) {
      const e = x[t]! - p.mu;
      naive += constant - 0.5 * Math.log(h) - 3 * Math.log(1 + (e * e) / (h * 3));
      h = p.omega + p.alpha * e * e + p.beta * h;
    }
    expectClose(garchStudentTLogLikelihood(x, p, 1.3).value, naive, 1e-12);
    const { gradient } = garchStudentTLogLikelihood(x, p, 1.3);
    (["mu", "omega", "alpha", "beta"] as const).forEach((k, i) => {
      const step = 1e-6;
      const up = garchStudentTLogLikelihood(x, { ...p, [k]: p[k] + step }, 1.3).value;
      const down = garchStudentTLogLikelihood(x, { ...p, [k]: p[k] - step }, 1.3).value;
      expectClose(gradient[i]!, (up - down) / (2 * step), 1e-5 * Math.max(1, Math.abs(gradient[i]!)), k);
    });
  });

  it("Student-t fits ETH's fat tails: a higher likelihood than Gaussian, few degrees of freedom", function () {
    const returns = candleLogReturns(ethDaily);
    const normal = fitGarch(returns);
    const t = fitGarch(returns, { distribution: "student-t" });
    expect(t.converged).to.equal(true);
    expect(t.distribution).to.equal("student-t");
    expect(t.logLikelihood).to.be.greaterThan(normal.logLikelihood + 50);
    expect(t.params.nu).to.be.within(2.5, 8);
    expect(normal.params.nu).to.equal(undefined);
  });

  it("rejects too few or non-finite returns", function () {
    expect(() => fitGarch([0.1, 0.2])).to.throw(RangeError, /at least 10/);
    expect(() => fitGarch([...Array(20).fill(0.01), NaN])).to.throw(RangeError, /not finite/);
  });
});
