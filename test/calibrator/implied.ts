import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { impliedVolSurface } from "../../calibrator/models/impliedSurface.js";
import { loadOptionSnapshot } from "../../calibrator/data/deribit.js";
import { DataError } from "../../calibrator/data/errors.js";
import { black76Price, impliedVolatility } from "../../calibrator/models/black76.js";
import { atmVolatility, butterflyDensity, checkGrid, fitSviSlice, isButterflyFree, sviTotalVariance, type SviParams } from "../../calibrator/models/svi.js";
import { expectClose } from "../helpers/approx.js";

const SNAPSHOT = "data/deribit_btc_eth_option_snapshots_2025_2026/deribit_options_snapshot_20260305T042746Z.csv";
const quotes = loadOptionSnapshot(SNAPSHOT);
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;

describe("calibrator/models: Black-76", function () {
  it("prices at the money by hand and satisfies put-call parity", function () {
    // F = K = 100, σ = 20%, T = 1: C = 100·(2N(0.1) − 1), N(0.1) = 0.539827837277029.
    expectClose(black76Price(100, 100, 1, 0.2, true), 100 * (2 * 0.539827837277029 - 1), 1e-10);
    for (const [F, K, T, s] of [[100, 80, 0.5, 0.6], [2000, 3000, 0.1, 0.9], [60000, 55000, 2, 0.4]] as const) {
      expectClose(black76Price(F, K, T, s, true) - black76Price(F, K, T, s, false), F - K, 1e-9 * F);
    }
  });

  it("inverts its own prices across moneyness, maturity and volatility, and refuses arbitrage prices", function () {
    for (const T of [2 / 365, 0.1, 1, 3]) {
      for (const sigma of [0.05, 0.3, 1, 2.5]) {
        for (const k of [-1.5, -0.4, 0, 0.4, 1.5]) {
          const F = 3000;
          const K = F * Math.exp(k);
          const isCall = K >= F;
          const price = black76Price(F, K, T, sigma, isCall);
          if (price < 1e-9 * F) continue; // below double precision of the price itself
          const r = impliedVolatility(price, F, K, T, isCall);
          expect(r.iv, `k ${k} T ${T} σ ${sigma}`).to.not.equal(undefined);
          expectClose(r.iv!, sigma, 1e-6 * Math.max(1, sigma), `k ${k} T ${T} σ ${sigma}`);
        }
      }
    }
    expect(impliedVolatility(5, 100, 90, 1, true).iv).to.equal(undefined); // below intrinsic 10
    expect(impliedVolatility(100, 100, 90, 1, true).iv).to.equal(undefined); // at the upper bound F
  });

  it("matches Deribit's own mark IVs to a median within 0.1 vol point on the default quote set", function () {
    for (const currency of ["BTC", "ETH"]) {
      const surface = impliedVolSurface(quotes, currency);
      expect(surface.quotes.length).to.be.greaterThan(300);
      const diffs = surface.quotes.map((q) => Math.abs(q.iv - q.markIv));
      expect(median(diffs)).to.be.below(0.001);
      // Out of the money by forward and at least 2 days out.
      for (const q of surface.quotes) expect(q.T * 365).to.be.at.least(2);
    }
  });
});

describe("calibrator/models: SVI", function () {
  it("g(k) has the sign of the density d²C/dK² (Vogt's arbitrage example has a negative region)", function () {
    const vogt: SviParams = { a: -0.041, b: 0.1331, rho: 0.306, m: 0.3586, sigma: 0.4153 };
    const grid = checkGrid(-1.5, 1.5, 301);
    expect(isButterflyFree(vogt, grid)).to.equal(false);
    // Call prices from the slice (T = 1, F = 1), second difference in strike.
    const call = (K: number) => black76Price(1, K, 1, Math.sqrt(sviTotalVariance(vogt, Math.log(K))), true);
    const h = 1e-4;
    for (const k of [-0.5, 0, 0.7, 1.0, 1.3]) {
      const K = Math.exp(k);
      const density = (call(K + h) - 2 * call(K) + call(K - h)) / (h * h);
      const g = butterflyDensity(vogt, k);
      if (Math.abs(g) > 1e-3) expect(Math.sign(density), `k ${k}`).to.equal(Math.sign(g));
    }
  });

  it("recovers the parameters of an exact SVI smile", function () {
    const truth: SviParams = { a: 0.02, b: 0.15, rho: -0.35, m: 0.05, sigma: 0.25 };
    const k = Array.from({ length: 41 }, (_, i) => -1 + i * 0.05);
    const w = k.map((x) => sviTotalVariance(truth, x));
    const fit = fitSviSlice(k, w, 0.5);
    expect(fit.rmseIv).to.be.below(1e-6);
    for (const key of ["a", "b", "rho", "m", "sigma"] as const) expectClose(fit.params[key], truth[key], 1e-4, key);
    expect(fit.butterflyFree).to.equal(true);
  });

  it("fits every slice of the snapshot without butterfly or calendar arbitrage", function () {
    for (const currency of ["BTC", "ETH"]) {
      const surface = impliedVolSurface(quotes, currency);
      expect(surface.slices).to.have.length(10);
      for (const s of surface.slices) {
        expect(s.butterflyFree, `${currency} ${s.expiry}`).to.equal(true);
        expect(s.calendarFree, `${currency} ${s.expiry}`).to.equal(true);
      }
      // Median slice error well under one vol point (the 27 Mar slice has flat far-wing marks SVI cannot follow).
      expect(median(surface.slices.map((s) => s.rmseIv))).to.be.below(0.003);
    }
  });

  it("interpolates ATM total variance linearly in T, flat volatility outside the expiries", function () {
    const flat = (vol: number, T: number): { T: number; params: SviParams } => ({ T, params: { a: vol * vol * T, b: 0, rho: 0, m: 0, sigma: 0.1 } });
    const slices = [flat(0.5, 0.1), flat(0.7, 0.3)];
    expectClose(atmVolatility(slices, 0.1), 0.5, 1e-12);
    expectClose(atmVolatility(slices, 0.05), 0.5, 1e-12);
    expectClose(atmVolatility(slices, 0.5), 0.7, 1e-12);
    const w = 0.025 + ((0.147 - 0.025) * (0.2 - 0.1)) / 0.2;
    expectClose(atmVolatility(slices, 0.2), Math.sqrt(w / 0.2), 1e-12);
  });
});

describe("calibrator/data: Deribit snapshots", function () {
  it("loads every quote with its forward, strike, expiry and mark", function () {
    expect(quotes).to.have.length(1_874);
    const q = quotes.find((x) => x.instrument === "BTC-25DEC26-100000-C")!;
    expect(q).to.include({ currency: "BTC", isCall: true, strike: 100_000, forward: 75_082.3, markPrice: 0.07949545, markIv: 0.4949 });
    expect(new Date(q.expiry * 1000).toISOString()).to.equal("2026-12-25T08:00:00.000Z");
  });

  it("rejects bad option types, expired quotes and missing marks, naming the row and field", function () {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-deribit-"));
    const header = "timestamp,instrument_name,underlying,option_type,strike,expiry_datetime,mark_price,implied_volatility,currency,index_price\n";
    const ok = "2026-03-05T04:27:46+00:00,BTC-25DEC26-80000-C,75000,call,80000,2026-12-25T08:00:00+00:00,0.05,0.5,BTC,74000\n";
    const write = (name: string, line: string) => {
      const file = join(dir, name);
      writeFileSync(file, header + ok + line);
      return file;
    };
    expect(() => loadOptionSnapshot(write("a.csv", ok.replace(",call,", ",straddle,")))).to.throw(DataError, /:3 \[option_type\]/);
    expect(() => loadOptionSnapshot(write("b.csv", ok.replace("2026-12-25", "2026-03-01")))).to.throw(DataError, /:3 \[expiry_datetime\]: expired/);
    expect(() => loadOptionSnapshot(write("c.csv", ok.replace(",0.05,", ",,")))).to.throw(DataError, /:3 \[mark_price\]/);
    expect(() => loadOptionSnapshot(write("d.csv", ok.replace(",80000,", ",-1,")))).to.throw(DataError, /:3 \[strike\]: must be positive/);
  });
});
