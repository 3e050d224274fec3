import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../calibrator/calibrate/config.js";
import { calibrate } from "../../calibrator/calibrate/pipeline.js";
import { DataError } from "../../calibrator/data/errors.js";
import { DEFAULT_POLICY, liquidationHorizonSeconds, riskParameters, type RiskEstimates } from "../../calibrator/policy/riskPolicy.js";
import { canonicalJson, reportHash } from "../../calibrator/report/reportHash.js";
import { checkInvariants } from "../../calibrator/rules/riskRules.js";
import { expectClose } from "../helpers/approx.js";

const physics = { oracleHeartbeatSeconds: 3_600, keeperDelaySeconds: 600, executionSeconds: 600 };
const estimates: RiskEstimates = {
  horizonEs: 0.05,
  hourlyVol: 0.008,
  stressedSlippage: 0.01,
  stressedSizeUsd: 1_000_000,
  gasCostUsd: 50,
  depthWithin: (s) => s * 100_000_000,
};

describe("calibrator/policy: risk estimates to parameters", function () {
  it("follows the documented formulas step by step", function () {
    const r = riskParameters(estimates, physics);
    const kappa = 2.3263478740408408; // z at 99%
    const bonusRaw = (0.01 + 50 / 1e6 + kappa * 0.008 * Math.sqrt(600 / 3600)) / (1 - 0.01);
    const bonus = Math.max(bonusRaw, 0.02); // the 200 bps floor binds here (raw 1.78%)
    const threshold = (Math.exp(-0.05 * 1.25) * 0.99) / (1 + bonus); // the 25% stress buffer on the ES
    expectClose(r.intermediates.bonusRaw!, bonusRaw, 1e-15);
    expectClose(r.intermediates.bonus!, bonus, 1e-15);
    expectClose(r.intermediates.threshold!, threshold, 1e-15);
    expect(r.liquidationBonusBps).to.equal(Math.ceil(bonus * 10_000));
    expect(r.liquidationThresholdBps).to.equal(Math.floor(threshold * 10_000));
    expect(r.ltvBps).to.equal(Math.floor(threshold * Math.exp(-1.6448536269514722 * 0.008 * Math.sqrt(24)) * 10_000));
    expectClose(r.liquidationCapPerWindowUsd, bonus * 1e8, 1e-6);
    expect(liquidationHorizonSeconds(physics)).to.equal(4_800);
  });

  it("always satisfies the on-chain invariants, with the toxic-spiral margin", function () {
    for (const horizonEs of [0.001, 0.05, 0.3, 0.9]) {
      for (const stressedSlippage of [0, 0.02, 0.2]) {
        const r = riskParameters({ ...estimates, horizonEs, stressedSlippage }, physics);
        const p = { ...r, liquidationCapPerWindow: 1n };
        expect(checkInvariants(p, r.liquidationThresholdBps), `ES ${horizonEs} s ${stressedSlippage}`).to.equal(undefined);
        expect((r.liquidationThresholdBps / 1e4) * (1 + r.liquidationBonusBps / 1e4)).to.be.at.most(1 - DEFAULT_POLICY.toxicSpiralMargin + 1e-4);
      }
    }
  });

  it("the stress buffer scales the ES the threshold covers, and only the threshold: buffer b on ES equals no buffer on (1 + b)·ES", function () {
    const none = { ...DEFAULT_POLICY, stressBuffer: 0 };
    for (const stressBuffer of [0, 0.25, 0.6]) {
      const buffered = riskParameters(estimates, physics, { ...DEFAULT_POLICY, stressBuffer });
      const scaled = riskParameters({ ...estimates, horizonEs: estimates.horizonEs * (1 + stressBuffer) }, physics, none);
      expect(buffered.intermediates.threshold).to.equal(scaled.intermediates.threshold);
      expect(buffered.intermediates.bonus).to.equal(scaled.intermediates.bonus);
    }
    const thin = riskParameters(estimates, physics, none);
    const thick = riskParameters(estimates, physics, { ...DEFAULT_POLICY, stressBuffer: 0.25 });
    expect(thick.liquidationThresholdBps).to.be.below(thin.liquidationThresholdBps);
    expect(thick.ltvBps).to.be.below(thin.ltvBps);
    expect(thick.liquidationBonusBps).to.equal(thin.liquidationBonusBps);
  });

  it("is monotone: more tail risk or more slippage never loosens the parameters", function () {
    const calm = riskParameters(estimates, physics);
    const wild = riskParameters({ ...estimates, horizonEs: 0.15, hourlyVol: 0.02 }, physics);
    const thin = riskParameters({ ...estimates, stressedSlippage: 0.05 }, physics);
    expect(wild.liquidationThresholdBps).to.be.below(calm.liquidationThresholdBps);
    expect(wild.ltvBps).to.be.below(calm.ltvBps);
    expect(thin.liquidationBonusBps).to.be.above(calm.liquidationBonusBps);
    expect(thin.liquidationThresholdBps).to.be.below(calm.liquidationThresholdBps);
  });
});

describe("calibrator: calibrate on the sample config", function () {
  this.timeout(60_000);
  const sample = "config/calibrate.sample.json";

  it("produces valid parameters and a report whose hash is the keccak256 of its canonical content", function () {
    const [weth, wbtc] = calibrate(sample);
    for (const a of [weth!, wbtc!]) {
      const { reportHash: hash, ...body } = a.report;
      expect(hash).to.equal(reportHash(body));
      expect(hash).to.match(/^0x[0-9a-f]{64}$/);
      const p = { ...a.params, liquidationCapPerWindow: BigInt(a.params.liquidationCapPerWindow) };
      expect(checkInvariants(p, p.liquidationThresholdBps)).to.equal(undefined);
      expect((a.report.inputs as { candles: { sha256: string } }).candles.sha256).to.match(/^[0-9a-f]{64}$/);
    }
    expect(weth!.symbol).to.equal("WETH");
    // The report is reproducible: the same inputs give the same hash.
    expect(calibrate(sample)[0]!.report.reportHash).to.equal(weth!.report.reportHash);
  });

  it("canonical JSON sorts keys at every level and renders bigints as decimal strings", function () {
    expect(canonicalJson({ b: 1, a: { d: 2n, c: [3, { f: 1, e: 2 }] } })).to.equal('{"a":{"c":[3,{"e":2,"f":1}],"d":"2"},"b":1}');
  });

  it("rejects a bad config naming the field, and a changed input changes the hash", function () {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-config-"));
    const config = JSON.parse(readFileSync(sample, "utf8")) as { assets: Record<string, unknown>[] };
    const absolute = (p: string) => join(process.cwd(), "config", p);
    for (const a of config.assets) {
      a.candles = absolute(a.candles as string);
      a.pool = absolute(a.pool as string);
      (a.options as { snapshot: string }).snapshot = absolute((a.options as { snapshot: string }).snapshot);
      a.longRunHistory = (a.longRunHistory as string[]).map(absolute);
    }
    const bad = structuredClone(config);
    delete (bad.assets[0]!.physics as Record<string, unknown>).keeperDelaySeconds;
    writeFileSync(join(dir, "bad.json"), JSON.stringify(bad));
    try {
      loadConfig(join(dir, "bad.json"));
      expect.fail("expected a DataError");
    } catch (error) {
      expect(error).to.be.instanceOf(DataError);
      expect((error as DataError).field).to.equal("assets.0.physics.keeperDelaySeconds");
    }
    const cheaperGas = structuredClone(config);
    cheaperGas.assets = [cheaperGas.assets[0]!];
    writeFileSync(join(dir, "a.json"), JSON.stringify(cheaperGas));
    cheaperGas.assets[0]!.gasCostUsd = 5;
    writeFileSync(join(dir, "b.json"), JSON.stringify(cheaperGas));
    expect(calibrate(join(dir, "a.json"))[0]!.report.reportHash).to.not.equal(calibrate(join(dir, "b.json"))[0]!.report.reportHash);
  });

  it("the config is strict: a misspelt policy key, an unknown asset field, a duplicate or blank symbol and an unconvertible size are refused, naming the field", function () {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-config-"));
    const config = JSON.parse(readFileSync(sample, "utf8")) as { policy?: Record<string, unknown>; assets: Record<string, unknown>[] };
    const cases: [string, (c: typeof config) => void, string, RegExp][] = [
      ["policy typo", (c) => (c.policy = { ...c.policy, esConfidance: 0.99 }), "policy", /esConfidance/],
      ["asset typo", (c) => (c.assets[0]!.poolIsProxi = true), "assets.0", /poolIsProxi/],
      ["duplicate symbol", (c) => (c.assets[1]!.symbol = c.assets[0]!.symbol), "assets.1.symbol", /duplicate symbol WETH \(also assets\[0\]\)/],
      ["blank symbol", (c) => (c.assets[0]!.symbol = "  "), "assets.0.symbol", /blank/],
      ["huge size", (c) => (c.assets[0]!.stressedSizeUsd = 1e300), "assets.0.stressedSizeUsd", /1000000000000/],
      ["top-level typo", (c) => ((c as Record<string, unknown>).fhsPaths = 10), "(root)", /fhsPaths/],
    ];
    for (const [name, mutate, field, message] of cases) {
      const bad = structuredClone(config);
      mutate(bad);
      const file = join(dir, `${name.replace(/ /g, "-")}.json`);
      writeFileSync(file, JSON.stringify(bad));
      try {
        loadConfig(file);
        expect.fail(`${name}: expected a DataError`);
      } catch (error) {
        expect(error, name).to.be.instanceOf(DataError);
        expect((error as DataError).field, name).to.equal(field);
        expect((error as DataError).message, name).to.match(message);
        expect((error as DataError).message, name).to.contain(file);
      }
    }
  });
});
