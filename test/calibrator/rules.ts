/** Pure unit tests of calibrator/rules (no chain). The differential test pins them to the contract. */
import { expect } from "chai";
import { toRiskParams } from "../../calibrator/rules/chainState.js";
import { packParams, packReport, unpackParams } from "../../calibrator/rules/packing.js";
import {
  type AssetChainState,
  checkInvariants,
  describeViolation,
  effectiveThresholdBps,
  rampAfterWrite,
  validateReport,
} from "../../calibrator/rules/riskRules.js";
import type { RiskParams, RiskReport } from "../../calibrator/rules/types.js";
import { DEFAULT_PARAMS, DEFAULT_RULES } from "../fixtures/system.js";

const ASSET = "0x00000000000000000000000000000000000000aa" as const;
const NOW = 1_800_000_000n;

function state(overrides: Partial<AssetChainState> = {}): AssetChainState {
  return {
    stored: DEFAULT_PARAMS,
    ramp: { fromBps: 0, start: 0n, end: 0n },
    rampDuration: 7 * 86_400,
    configured: true,
    rules: DEFAULT_RULES,
    nonce: 3n,
    lastUpdateAt: NOW - 4n * 86_400n,
    lastObservedAt: NOW - 4n * 86_400n,
    // One write unless a test says otherwise: the last one was risk-increasing.
    lastRiskIncreasingAt: overrides.lastUpdateAt ?? NOW - 4n * 86_400n,
    ...overrides,
  };
}

function report(next: Partial<RiskParams>, overrides: Partial<RiskReport> = {}): RiskReport {
  return {
    asset: ASSET,
    newParams: { ...DEFAULT_PARAMS, ...next },
    expectedCurrentParams: DEFAULT_PARAMS,
    nonce: 3n,
    observedAt: NOW - 10n,
    reportHash: `0x${"11".repeat(32)}`,
    ...overrides,
  };
}

const globals = { paused: false, maxReportAge: 3_600 };
const RISKY: RiskParams = { ...DEFAULT_PARAMS, ltvBps: 8_000, liquidationThresholdBps: 9_000, liquidationBonusBps: 1_100 };

describe("rules: packing", function () {
  it("round-trips every field at its extremes", function () {
    for (const p of [
      DEFAULT_PARAMS,
      { ltvBps: 0, liquidationThresholdBps: 0, liquidationBonusBps: 0, closeFactorBps: 0, liquidationCapPerWindow: 0n, liquidationWindow: 0 },
      { ltvBps: 65_535, liquidationThresholdBps: 65_535, liquidationBonusBps: 65_535, closeFactorBps: 65_535, liquidationCapPerWindow: 2n ** 96n - 1n, liquidationWindow: 2 ** 32 - 1 },
    ]) {
      expect(unpackParams(packParams(p))).to.deep.equal(p);
      expect(packParams(p) >> 192n).to.equal(0n);
    }
  });

  it("rejects out-of-range and fractional fields, naming the field", function () {
    expect(() => packParams({ ...DEFAULT_PARAMS, ltvBps: 65_536 })).to.throw(RangeError, /ltvBps = 65536/);
    expect(() => packParams({ ...DEFAULT_PARAMS, liquidationCapPerWindow: 2n ** 96n })).to.throw(RangeError, /liquidationCapPerWindow/);
    expect(() => packParams({ ...DEFAULT_PARAMS, closeFactorBps: -1 })).to.throw(RangeError, /closeFactorBps/);
    expect(() => packParams({ ...DEFAULT_PARAMS, liquidationBonusBps: 1.5 })).to.throw(RangeError, /must be an integer/);
  });

  it("packs a report's two parameter sets", function () {
    const r = report({ ltvBps: 8_100 });
    const packed = packReport(r);
    expect(unpackParams(packed.newParams)).to.deep.equal(r.newParams);
    expect(unpackParams(packed.expectedCurrentParams)).to.deep.equal(DEFAULT_PARAMS);
  });
});

describe("rules: the one RiskParams normaliser (issue 15)", function () {
  it("gives the same RiskParams for viem's numbers and for an ethers Result of bigints with positional copies", function () {
    const viem = { ...DEFAULT_PARAMS };
    const ethersResult = Object.assign(
      [8_050n, 8_300n, 500n, 5_000n, DEFAULT_PARAMS.liquidationCapPerWindow, 3_600n],
      { ltvBps: 8_050n, liquidationThresholdBps: 8_300n, liquidationBonusBps: 500n, closeFactorBps: 5_000n, liquidationCapPerWindow: DEFAULT_PARAMS.liquidationCapPerWindow, liquidationWindow: 3_600n },
    );
    for (const raw of [viem, ethersResult]) {
      const params = toRiskParams(raw);
      expect(params).to.deep.equal(DEFAULT_PARAMS);
      expect(Object.keys(params)).to.have.length(6); // no positional copies carried along
      expect(typeof params.ltvBps).to.equal("number");
      expect(typeof params.liquidationCapPerWindow).to.equal("bigint");
    }
  });
});

describe("rules: ramps and invariants", function () {
  it("interpolates the effective threshold, rounding the decrease up (the line rounded down)", function () {
    const ramp = { fromBps: 8_300, start: 1_000n, end: 1_700n };
    expect(effectiveThresholdBps(7_900, ramp, 1_000n)).to.equal(8_300);
    expect(effectiveThresholdBps(7_900, ramp, 1_350n)).to.equal(8_100);
    expect(effectiveThresholdBps(7_900, ramp, 1_001n)).to.equal(8_299); // 0.57 bps: rounded up to 1
    expect(effectiveThresholdBps(7_900, ramp, 1_700n)).to.equal(7_900);
  });

  it("rampAfterWrite: a further cut keeps at least the running pace, and at most the ramp duration", function () {
    const stored = { ltvBps: 7_000, liquidationThresholdBps: 7_900, liquidationBonusBps: 500, closeFactorBps: 5_000, liquidationCapPerWindow: 1n, liquidationWindow: 3_600 };
    const ramp = { fromBps: 8_300, start: 0n, end: 700n };
    const cut = (lt: number, now: bigint, duration = 700) => rampAfterWrite(stored, ramp, duration, { ...stored, liquidationThresholdBps: lt }, now).ramp;
    // Half-way (effective 8100, 350 s left at 200 bps / 350 s): to 7800 takes 300 bps at that pace = 525 s.
    expect(cut(7_800, 350n)).to.deep.equal({ fromBps: 8_100, start: 350n, end: 875n });
    // A big cut at that pace would take 2,100 s: the 700-s duration is shorter, so it ends within it.
    expect(cut(6_900, 350n)).to.deep.equal({ fromBps: 8_100, start: 350n, end: 1_050n });
    // After the running ramp ended: a fresh ramp of the full duration.
    expect(cut(7_800, 800n)).to.deep.equal({ fromBps: 7_900, start: 800n, end: 1_500n });
    // A raise of the target above a still-falling effective value stops the ramp there at the same pace.
    expect(cut(8_000, 350n)).to.deep.equal({ fromBps: 8_100, start: 350n, end: 525n });
  });

  it("starts, keeps and ends ramps like the registry", function () {
    const cut = rampAfterWrite(DEFAULT_PARAMS, { fromBps: 0, start: 0n, end: 0n }, 100, { ...DEFAULT_PARAMS, liquidationThresholdBps: 8_000 }, NOW);
    expect(cut.startsRamp).to.equal(true);
    expect(cut.ramp).to.deep.equal({ fromBps: 8_300, start: NOW, end: NOW + 100n });
    const keep = rampAfterWrite({ ...DEFAULT_PARAMS, liquidationThresholdBps: 8_000 }, cut.ramp, 100, { ...DEFAULT_PARAMS, liquidationThresholdBps: 8_000, ltvBps: 7_000 }, NOW + 50n);
    expect(keep.startsRamp).to.equal(false);
    expect(keep.maxEffectiveThresholdBps).to.equal(8_150);
    const raise = rampAfterWrite({ ...DEFAULT_PARAMS, liquidationThresholdBps: 8_000 }, cut.ramp, 100, { ...DEFAULT_PARAMS, liquidationThresholdBps: 8_200 }, NOW + 50n);
    expect(raise.ramp.end).to.equal(0n);
    expect(raise.maxEffectiveThresholdBps).to.equal(8_200);
  });

  it("names the first broken invariant", function () {
    expect(checkInvariants(DEFAULT_PARAMS, 8_300)).to.equal(undefined);
    expect(checkInvariants({ ...DEFAULT_PARAMS, liquidationBonusBps: 2_100 }, 8_300)?.error).to.equal("ToxicLiquidationSpiral");
    expect(checkInvariants(DEFAULT_PARAMS, 9_600)?.error).to.equal("ToxicLiquidationSpiral");
    expect(checkInvariants({ ...DEFAULT_PARAMS, ltvBps: 0 }, 8_300)?.error).to.equal("ZeroLtv");
  });
});

describe("rules: validateReport", function () {
  it("accepts a step within bounds after the cooldown", function () {
    expect(validateReport(report({ ltvBps: 8_100 }), state(), globals, NOW)).to.equal(undefined);
  });

  it("reports each rule in the contract's order", function () {
    const cases: [RiskReport, AssetChainState, string][] = [
      [report({ ltvBps: 8_100 }), state({ configured: false }), "AssetNotConfigured"],
      [report({ ltvBps: 8_100 }, { nonce: 4n }), state(), "InvalidNonce"],
      [report({ ltvBps: 8_100 }, { observedAt: NOW + 1n }), state(), "ReportFromFuture"],
      [report({ ltvBps: 8_100 }, { observedAt: NOW - 3_601n }), state(), "ReportTooOld"],
      [report({ ltvBps: 8_100 }, { observedAt: NOW - 10n }), state({ lastObservedAt: NOW - 10n }), "ReportNotNewer"],
      [report({ ltvBps: 8_100 }), state({ stored: undefined }), "AssetNotListed"],
      [report({ ltvBps: 8_100 }, { expectedCurrentParams: { ...DEFAULT_PARAMS, ltvBps: 1 } }), state(), "StaleCurrentParams"],
      [report({}), state(), "NoChange"],
      [report({ ltvBps: 8_501 }, { expectedCurrentParams: { ...DEFAULT_PARAMS, ltvBps: 8_460 } }), state({ stored: { ...DEFAULT_PARAMS, ltvBps: 8_460 } }), "ParamOutOfBounds"],
      [report({ ltvBps: 8_101 }), state(), "StepTooLarge"],
      [report({ ltvBps: 8_100 }), state({ lastUpdateAt: NOW - 3_600n }), "CooldownActive"],
      [report({ ltvBps: 8_000 }), state({ lastUpdateAt: NOW - 3_599n }), "CooldownActive"],
      // 90% x (1 + 12%) >= 1: within bounds and a risk-reducing bonus step, but toxic.
      [
        report({ ...RISKY, liquidationBonusBps: 1_200 }, { expectedCurrentParams: RISKY }),
        state({ stored: RISKY }),
        "ToxicLiquidationSpiral",
      ],
    ];
    for (const [r, s, expected] of cases) {
      expect(validateReport(r, s, globals, NOW)?.error, expected).to.equal(expected);
    }
    expect(validateReport(report({ ltvBps: 8_100 }), state(), { ...globals, paused: true }, NOW)?.error).to.equal("UpdaterPaused");
  });

  it("treats a lower bonus or close factor as risk-increasing and describes violations readably", function () {
    const v = validateReport(report({ liquidationBonusBps: 470 }), state(), globals, NOW);
    expect(v && describeViolation(v)).to.equal(`StepTooLarge(${ASSET}, LiquidationBonus, 500, 470, 25)`);
    expect(validateReport(report({ closeFactorBps: 4_000 }), state({ lastUpdateAt: NOW - 3_600n }), globals, NOW)?.error).to.equal("StepTooLarge");
  });
});
