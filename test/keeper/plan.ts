/**
 * The keeper's pure parts: step planning and glide paths over the rule copy, the impact check, feed
 * history → candles, the config schema, batch signature files and the retry policy.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpRequestError } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { candlesFromRounds } from "../../calibrator/data/feedHistory.js";
import { DataError } from "../../calibrator/data/errors.js";
import { parseKeeperConfig, keyFromEnv } from "../../calibrator/keeper/config.js";
import { liquidationImpact } from "../../calibrator/keeper/impact.js";
import { applyStep, glidePath, planStep, reachableTarget, spiralSafeBonusBps } from "../../calibrator/keeper/plan.js";
import { withRetry } from "../../calibrator/keeper/retry.js";
import {
  fromBatchFile,
  selectSignatures,
  signaturesFromDirectory,
  signBatchWith,
  toBatchFile,
  writeBatchFile,
  writeSignatureFile,
} from "../../calibrator/keeper/signatures.js";
import { updaterDomain } from "../../calibrator/rules/eip712.js";
import { type AssetChainState, checkInvariants, effectiveThresholdBps, rampAfterWrite, validateReport } from "../../calibrator/rules/riskRules.js";
import type { Address, RiskParams } from "../../calibrator/rules/types.js";
import { DEFAULT_PARAMS, DEFAULT_RULES } from "../fixtures/system.js";
import { Rng, testSeed } from "../helpers/random.js";

const ASSET = "0x00000000000000000000000000000000000000aa" as Address;
const E18 = 10n ** 18n;
const DAY = 86_400n;
const T0 = 1_700_000_000n;
const globals = { paused: false, maxReportAge: 3_600 };

function stateWith(stored: RiskParams, overrides: Partial<AssetChainState> = {}): AssetChainState {
  return {
    stored,
    ramp: { fromBps: 0, start: 0n, end: 0n },
    rampDuration: 7 * 86_400,
    configured: true,
    rules: DEFAULT_RULES,
    nonce: 3n,
    lastUpdateAt: T0 - 10n * DAY,
    lastObservedAt: T0 - 10n * DAY,
    // One write unless a test says otherwise: the last one was risk-increasing.
    lastRiskIncreasingAt: overrides.lastUpdateAt ?? T0 - 10n * DAY,
    ...overrides,
  };
}

const FIELDS = ["ltvBps", "liquidationThresholdBps", "liquidationBonusBps", "closeFactorBps"] as const;

describe("keeper: step planning", function () {
  it("takes the largest step the rules allow toward a looser target, and the rule copy accepts it", function () {
    const target: RiskParams = { ...DEFAULT_PARAMS, ltvBps: 8_300, liquidationThresholdBps: 8_800, liquidationBonusBps: 300, liquidationCapPerWindow: 2_500_000n * E18 };
    const state = stateWith(DEFAULT_PARAMS);
    const outcome = planStep(ASSET, target, state, globals, T0, T0);
    expect(outcome.kind).to.equal("step");
    if (outcome.kind !== "step") return;
    // Risk-increasing steps: 50 bps for LTV and threshold, 25 for the bonus; the cap moves 25%.
    expect(outcome.step.params).to.deep.equal({ ...DEFAULT_PARAMS, ltvBps: 8_100, liquidationThresholdBps: 8_350, liquidationBonusBps: 475, liquidationCapPerWindow: 3_750_000n * E18 });
    expect(outcome.step.reachesTarget).to.equal(false);
    expect(validateReport({ ...outcome.step.report, reportHash: `0x${"11".repeat(32)}` }, state, globals, T0)).to.equal(undefined);
    expect(outcome.step.report.nonce).to.equal(3n);
    expect(outcome.step.report.expectedCurrentParams).to.deep.equal(DEFAULT_PARAMS);
  });

  it("sends only the risk-reducing part while the risk-increasing cooldown runs", function () {
    // Last update 2 hours ago: the 1-hour risk-reducing cooldown is over, the 3-day one is not.
    const state = stateWith(DEFAULT_PARAMS, { lastUpdateAt: T0 - 7_200n, lastObservedAt: T0 - 7_200n });
    const target: RiskParams = { ...DEFAULT_PARAMS, ltvBps: 7_500, liquidationBonusBps: 300 };
    const outcome = planStep(ASSET, target, state, globals, T0, T0);
    expect(outcome.kind).to.equal("step");
    if (outcome.kind !== "step") return;
    expect(outcome.step.filter).to.equal("riskReducingOnly");
    expect(outcome.step.params).to.deep.equal({ ...DEFAULT_PARAMS, ltvBps: 7_850 });
  });

  it("reports the cooldown when nothing may move, and `atTarget` at the target", function () {
    const state = stateWith(DEFAULT_PARAMS, { lastUpdateAt: T0 - 60n, lastObservedAt: T0 - 60n });
    const blocked = planStep(ASSET, { ...DEFAULT_PARAMS, ltvBps: 8_200 }, state, globals, T0, T0);
    expect(blocked.kind).to.equal("blocked");
    if (blocked.kind === "blocked") expect(blocked.violation.error).to.equal("CooldownActive");
    expect(planStep(ASSET, DEFAULT_PARAMS, state, globals, T0, T0).kind).to.equal("atTarget");
  });

  it("holds a bonus raise that would make a toxic liquidation spiral with the ramping threshold", function () {
    // Threshold 9,000 and bonus 1,000: 0.90 x 1.10 = 0.99 < 1. A raise to 1,100 gives 0.999 < 1, to 1,200 gives 1.008.
    const stored: RiskParams = { ...DEFAULT_PARAMS, ltvBps: 8_500, liquidationThresholdBps: 9_000, liquidationBonusBps: 1_050 };
    const state = stateWith(stored);
    const target: RiskParams = { ...stored, liquidationBonusBps: 1_500, closeFactorBps: 7_000 };
    const outcome = planStep(ASSET, target, state, globals, T0, T0);
    expect(outcome.kind).to.equal("step");
    if (outcome.kind !== "step") return;
    expect(9_000 * (10_000 + outcome.step.params.liquidationBonusBps)).to.be.lessThan(10_000 * 10_000);
    expect(outcome.step.params.closeFactorBps).to.equal(7_000);
  });

  it("clamps a target outside the governance bounds to them", function () {
    const target: RiskParams = { ...DEFAULT_PARAMS, ltvBps: 9_500, liquidationThresholdBps: 9_700, liquidationBonusBps: 50 };
    expect(reachableTarget(target, DEFAULT_RULES)).to.deep.include({ ltvBps: 8_500, liquidationThresholdBps: 9_000, liquidationBonusBps: 200 });
  });

  it("glide path: every step passes the rules at its time and the last lands on the target", function () {
    const target: RiskParams = { ...DEFAULT_PARAMS, ltvBps: 8_349, liquidationThresholdBps: 8_901, liquidationBonusBps: 265, liquidationCapPerWindow: 2_511_113n * E18 };
    let state = stateWith(DEFAULT_PARAMS);
    const path = glidePath(ASSET, target, state, globals, T0);
    // The threshold is the long pole: +601 bps at 50 per 3-day cooldown = 13 steps.
    expect(path.steps).to.have.length(13);
    expect(path.reachedAt).to.equal(T0 + 12n * 3n * DAY);
    for (const s of path.steps) {
      const report = { asset: ASSET, newParams: s.params, expectedCurrentParams: state.stored!, nonce: state.nonce, observedAt: s.at, reportHash: `0x${"22".repeat(32)}` as const };
      expect(validateReport(report, state, globals, s.at), `step at ${s.at}`).to.equal(undefined);
      state = applyStep(state, s.params, s.at);
    }
    expect(state.stored).to.deep.equal(target);
  });

  it("a threshold cut ramps: the glide path waits only the risk-reducing cooldown and never breaks the spiral rule", function () {
    const target: RiskParams = { ...DEFAULT_PARAMS, ltvBps: 7_000, liquidationThresholdBps: 7_500, liquidationBonusBps: 800 };
    const path = glidePath(ASSET, target, stateWith(DEFAULT_PARAMS), globals, T0);
    expect(path.reachedAt !== undefined, "target reached").to.equal(true);
    // Risk-reducing moves of 200 (LTV, threshold) and 100 (bonus) per hour: 5 steps for the threshold.
    expect(path.steps).to.have.length(6);
    expect(path.steps.every((s) => !s.riskIncreasing)).to.equal(true);
    expect(path.steps.at(-1)!.at - path.steps[0]!.at).to.equal(5n * 3_600n);
  });

  it(`random states (seed ${testSeed(20261121)}): a planned step is accepted by the rules and never moves a field away from its target`, function () {
    const rng = new Rng(testSeed(20261121));
    let steps = 0;
    for (let i = 0; i < 400; i++) {
      const threshold = rng.int(6_500, 8_900);
      const stored: RiskParams = {
        ltvBps: rng.int(5_000, threshold - 1 > 8_500 ? 8_500 : threshold - 1),
        liquidationThresholdBps: threshold,
        liquidationBonusBps: rng.int(200, Math.min(1_500, Math.floor(1e8 / threshold) - 10_001)),
        closeFactorBps: rng.int(2_000, 10_000),
        liquidationCapPerWindow: rng.big(100_000n, 50_000_000n) * E18,
        liquidationWindow: rng.int(600, 86_400),
      };
      const tThreshold = rng.int(6_000, 9_000);
      const target: RiskParams = {
        ltvBps: rng.int(5_000, Math.min(8_500, tThreshold - 1)),
        liquidationThresholdBps: tThreshold,
        liquidationBonusBps: rng.int(200, Math.min(1_500, Math.floor(1e8 / tThreshold) - 10_001)),
        closeFactorBps: rng.int(2_000, 10_000),
        liquidationCapPerWindow: rng.big(100_000n, 50_000_000n) * E18,
        liquidationWindow: rng.int(600, 86_400),
      };
      const since = BigInt(rng.int(0, 5 * 86_400));
      const state = stateWith(stored, { lastUpdateAt: T0 - since, lastObservedAt: T0 - since });
      const outcome = planStep(ASSET, target, state, globals, T0, T0);
      if (outcome.kind !== "step") continue;
      steps++;
      const p = outcome.step.params;
      expect(validateReport({ ...outcome.step.report, reportHash: `0x${"33".repeat(32)}` }, state, globals, T0)).to.equal(undefined);
      for (const f of FIELDS) {
        const before = Math.abs(stored[f] - outcome.target[f]);
        expect(Math.abs(p[f] - outcome.target[f]), f).to.be.at.most(before);
      }
      const d = (a: bigint, b: bigint) => (a > b ? a - b : b - a);
      expect(d(p.liquidationCapPerWindow, outcome.target.liquidationCapPerWindow) <= d(stored.liquidationCapPerWindow, outcome.target.liquidationCapPerWindow)).to.equal(true);
    }
    expect(steps).to.be.greaterThan(100);
  });
});

describe("keeper: the spiral guard on effective values and the crisis rule", function () {
  const MARGIN = 200;
  /** A random stored state, often mid-ramp (a threshold cut made 0–7 days ago). */
  function randomState(rng: Rng): AssetChainState {
    const threshold = rng.int(6_500, 8_900);
    const stored: RiskParams = {
      ltvBps: rng.int(5_000, Math.min(8_500, threshold - 1)),
      liquidationThresholdBps: threshold,
      liquidationBonusBps: rng.int(200, Math.min(1_500, spiralSafeBonusBps(threshold, MARGIN))),
      closeFactorBps: rng.int(2_000, 10_000),
      liquidationCapPerWindow: rng.big(100_000n, 50_000_000n) * E18,
      liquidationWindow: rng.int(600, 86_400),
    };
    const ramping = rng.next() < 0.7;
    const from = Math.min(9_000, threshold + rng.int(1, 2_000));
    const started = T0 - BigInt(rng.int(0, 7 * 86_400 - 1));
    const ramp = ramping ? { fromBps: from, start: started, end: started + 7n * DAY } : { fromBps: 0, start: 0n, end: 0n };
    const since = BigInt(rng.int(3_600, 5 * 86_400));
    return stateWith(stored, { ramp, lastUpdateAt: T0 - since, lastObservedAt: T0 - since });
  }

  /** A random target from `stored`: threshold 60–90%, LTV below it, a spiral-safe bonus, optionally a close factor. */
  function randomTarget(rng: Rng, stored: RiskParams, o: { ltvFrom: number; bonusFrom: number; closeFactor?: boolean }): RiskParams {
    const tThreshold = rng.int(6_000, 9_000);
    const target: RiskParams = {
      ...stored,
      ltvBps: rng.int(o.ltvFrom, Math.min(8_500, tThreshold - 1)),
      liquidationThresholdBps: tThreshold,
      liquidationBonusBps: rng.int(o.bonusFrom, Math.min(1_500, spiralSafeBonusBps(tThreshold, MARGIN))),
    };
    return o.closeFactor ? { ...target, closeFactorBps: rng.int(2_000, 10_000) } : target;
  }

  it("spiralSafeBonusBps is the largest bonus with threshold × (1 + bonus) ≤ 1 − margin", function () {
    for (const t of [6_000, 7_777, 8_300, 8_999]) {
      const b = spiralSafeBonusBps(t, MARGIN);
      expect(t * (10_000 + b)).to.be.at.most((10_000 - MARGIN) * 10_000);
      expect(t * (10_000 + b + 1)).to.be.greaterThan((10_000 - MARGIN) * 10_000);
      // The guard is stricter than the chain's rule (checkInvariants, held to the contract by the differential test).
      expect(checkInvariants({ ...DEFAULT_PARAMS, ltvBps: t - 1, liquidationThresholdBps: t, liquidationBonusBps: b }, t)).to.equal(undefined);
    }
  });

  it(`property (seed ${testSeed(20261202)}): no planned step raises the bonus so that the largest effective threshold over the rest of the ramp × (1 + bonus) exceeds 1 − margin`, function () {
    const rng = new Rng(testSeed(20261202));
    let raises = 0;
    let guarded = 0;
    for (let i = 0; i < 600; i++) {
      const state = randomState(rng);
      const stored = state.stored!;
      // Often a bonus raise that only the target's own threshold allows: the lagging ramp must hold it back.
      const target = randomTarget(rng, stored, { ltvFrom: 5_000, bonusFrom: stored.liquidationBonusBps });
      const outcome = planStep(ASSET, target, state, globals, T0, T0, { spiralMarginBps: MARGIN });
      const unguarded = planStep(ASSET, target, state, globals, T0, T0);
      if (outcome.kind !== "step") continue;
      const p = outcome.step.params;
      expect(validateReport({ ...outcome.step.report, reportHash: `0x${"33".repeat(32)}` }, state, globals, T0)).to.equal(undefined);
      if (p.liquidationBonusBps > stored.liquidationBonusBps) {
        raises++;
        const { maxEffectiveThresholdBps } = rampAfterWrite(stored, state.ramp, state.rampDuration, p, T0);
        expect(maxEffectiveThresholdBps * (10_000 + p.liquidationBonusBps), `case ${i}`).to.be.at.most((10_000 - MARGIN) * 10_000);
      }
      if (unguarded.kind === "step" && unguarded.step.params.liquidationBonusBps > p.liquidationBonusBps) guarded++;
    }
    expect(raises, "steps that raise the bonus").to.be.greaterThan(30);
    expect(guarded, "steps the guard cut").to.be.greaterThan(10);
  });

  it("mid-ramp, a bonus raise that the target threshold allows waits for the effective threshold to come down", function () {
    // A cut from 8,800 to 8,000 started an hour ago: the effective threshold is still about 8,795.
    const stored: RiskParams = { ...DEFAULT_PARAMS, ltvBps: 7_500, liquidationThresholdBps: 8_000, liquidationBonusBps: 1_100 };
    const state = stateWith(stored, { ramp: { fromBps: 8_800, start: T0 - 3_600n, end: T0 - 3_600n + 7n * DAY } });
    const effective = effectiveThresholdBps(8_000, state.ramp, T0);
    const target = { ...stored, liquidationBonusBps: 1_200 }; // 8,000 × 1.12 = 0.896: fine for the target
    // Without the guard the full 100-bps raise lands (the chain only refuses ≥ 1: 8,795 × 1.12 = 0.985).
    const unguarded = planStep(ASSET, target, state, globals, T0, T0);
    expect(unguarded.kind === "step" && unguarded.step.params.liquidationBonusBps).to.equal(1_200);
    const outcome = planStep(ASSET, target, state, globals, T0, T0, { spiralMarginBps: MARGIN });
    expect(outcome.kind).to.equal("step");
    if (outcome.kind !== "step") return;
    expect(spiralSafeBonusBps(effective, MARGIN)).to.be.within(1_101, 1_199);
    expect(outcome.step.params.liquidationBonusBps).to.equal(spiralSafeBonusBps(effective, MARGIN));
    expect(effective * (10_000 + outcome.step.params.liquidationBonusBps)).to.be.at.most(9_800 * 10_000);
  });

  it(`crisis (seed ${testSeed(20261203)}): the threshold holds, the bonus and the LTV never rise, the close factor never falls, and an LTV cut still lands`, function () {
    const rng = new Rng(testSeed(20261203));
    let ltvCuts = 0;
    for (let i = 0; i < 400; i++) {
      const state = randomState(rng);
      const stored = state.stored!;
      const target = randomTarget(rng, stored, { ltvFrom: 4_000, bonusFrom: 200, closeFactor: true });
      const outcome = planStep(ASSET, target, state, globals, T0, T0, { spiralMarginBps: MARGIN, crisis: true });
      if (outcome.kind !== "step") continue;
      const p = outcome.step.params;
      expect(p.liquidationThresholdBps, `case ${i}`).to.equal(stored.liquidationThresholdBps);
      expect(p.liquidationBonusBps).to.be.at.most(stored.liquidationBonusBps);
      expect(p.ltvBps).to.be.at.most(stored.ltvBps);
      expect(p.closeFactorBps).to.be.at.least(stored.closeFactorBps);
      if (p.ltvBps < stored.ltvBps) ltvCuts++;
    }
    expect(ltvCuts).to.be.greaterThan(50);
  });
});

describe("keeper: impact check", function () {
  const WETH = "0x00000000000000000000000000000000000000e1" as Address;
  const WBTC = "0x00000000000000000000000000000000000000b1" as Address;
  const market = { price18: new Map([[WETH, 2_000n * E18], [WBTC, 60_000n * E18]]), decimals: new Map([[WETH, 18], [WBTC, 8]]), debtScale: 10n ** 12n };
  const thresholds = (weth: number, wbtc: number) => new Map([[WETH, weth], [WBTC, wbtc]]);
  // 10 WETH ($20,000) + 0.5 WBTC ($30,000): liquidation value at 83% = $41,500.
  const account = (debtUsd: bigint) => ({ account: WETH, debt: debtUsd * 10n ** 6n, positions: [{ asset: WETH, balance: 10n * E18 }, { asset: WBTC, balance: 50_000_000n }] });

  it("counts the debt of accounts healthy now and liquidatable after the cut, with the engine's rounding", function () {
    const accounts = [account(41_000n), account(40_000n), account(42_000n), { ...account(0n) }];
    // A WETH cut to 78%: liquidation value 15,600 + 24,900 = 40,500.
    const r = liquidationImpact(accounts, market, thresholds(8_300, 8_300), thresholds(7_800, 8_300));
    expect(r.newlyLiquidatableDebt).to.equal(41_000n * 10n ** 6n);
    expect(r.newlyLiquidatableAccounts).to.equal(1);
    expect(r.alreadyLiquidatableDebt).to.equal(42_000n * 10n ** 6n);
    expect(r.accountsChecked).to.equal(3);
    // At exactly the liquidation value the account is healthy (health factor 1).
    expect(liquidationImpact([account(40_500n)], market, thresholds(8_300, 8_300), thresholds(7_800, 8_300)).newlyLiquidatableDebt).to.equal(0n);
    expect(liquidationImpact([account(40_501n)], market, thresholds(8_300, 8_300), thresholds(7_800, 8_300)).newlyLiquidatableDebt).to.equal(40_501n * 10n ** 6n);
  });

  it("refuses to guess a missing price", function () {
    expect(() => liquidationImpact([account(1n)], { ...market, price18: new Map([[WETH, 1n]]) }, thresholds(1, 1), thresholds(1, 1))).to.throw(/no price/);
  });
});

describe("keeper: data, config, signatures, retries", function () {
  it("turns feed rounds into hourly candles that carry the last answer forward", function () {
    const rounds = [
      { roundId: 3n, answer: 2_100n * 10n ** 8n, updatedAt: 3 * 3_600 + 600 },
      { roundId: 1n, answer: 2_000n * 10n ** 8n, updatedAt: 3_500 },
      { roundId: 2n, answer: 1_900n * 10n ** 8n, updatedAt: 3_600 + 100 },
      { roundId: 4n, answer: 2_050n * 10n ** 8n, updatedAt: 3 * 3_600 + 900 },
    ];
    const c = candlesFromRounds("feed", rounds, 8);
    expect([...c.time]).to.deep.equal([3_600, 7_200, 10_800]);
    expect([...c.close]).to.deep.equal([1_900, 1_900, 2_050]);
    expect([...c.open]).to.deep.equal([2_000, 1_900, 1_900]);
    expect([...c.high]).to.deep.equal([2_000, 1_900, 2_100]);
    expect(() => candlesFromRounds("feed", [...rounds, { roundId: 5n, answer: 0n, updatedAt: 20_000 }], 8)).to.throw(DataError, /round 5.*answer must be positive/);
    expect(() => candlesFromRounds("feed", [...rounds, { roundId: 4n, answer: 1n, updatedAt: 20_000 }], 8)).to.throw(DataError, /round 4.*repeated/);
    expect(() => candlesFromRounds("feed", [...rounds, { roundId: 5n, answer: 1n, updatedAt: 100 }], 8)).to.throw(DataError, /before the previous round/);
  });

  it("validates the keeper config and names the bad field; keys are read from the environment only", function () {
    const good = {
      rpcUrl: "http://127.0.0.1:8545",
      contracts: { updater: "0x" + "11".repeat(20) },
      calibration: "calibrate.sample.json",
      assets: [{ symbol: "WETH", address: "0x" + "22".repeat(20) }],
      relayer: { keyEnv: "RELAYER_KEY" },
    };
    const config = parseKeeperConfig(good, "/x/keeper.json");
    expect(config.calibration).to.equal("/x/calibrate.sample.json");
    expect(config.retry.attempts).to.equal(5);
    expect(() => parseKeeperConfig({ ...good, assets: [{ symbol: "WETH", address: "0x12" }] }, "k.json")).to.throw(DataError, /k\.json.*assets\.0\.address.*20-byte/);
    expect(() => parseKeeperConfig({ ...good, relayer: { keyEnv: "lower-case" } }, "k.json")).to.throw(DataError, /relayer\.keyEnv/);
    expect(() => parseKeeperConfig({ ...good, privateKey: "0x1" }, "k.json")).to.throw(DataError, /privateKey|Unrecognized/);
    expect(() => parseKeeperConfig({ ...good, assets: [good.assets[0], good.assets[0]] }, "k.json")).to.throw(DataError, /WETH appears twice/);
    expect(() => keyFromEnv("NOPE", {})).to.throw(/NOPE is not set/);
    expect(() => keyFromEnv("BAD", { BAD: "0x1234" })).to.throw(/not a 32-byte hex private key/);
  });

  it("batch files round-trip, a tampered one is refused, and only registered distinct signers count", async function () {
    const domain = updaterDomain(31_337n, ("0x" + "33".repeat(20)) as Address);
    const reports = [{ asset: ASSET, newParams: { ...DEFAULT_PARAMS, ltvBps: 8_100 }, expectedCurrentParams: DEFAULT_PARAMS, nonce: 4n, observedAt: T0, reportHash: `0x${"44".repeat(32)}` as const }];
    const dir = mkdtempSync(join(tmpdir(), "bulwark-sign-"));
    const file = writeBatchFile(dir, toBatchFile(domain, reports));
    const parsed = fromBatchFile(file, JSON.parse(readFileSync(file, "utf8")));
    expect(parsed.reports).to.deep.equal(reports);
    const tampered = JSON.parse(readFileSync(file, "utf8"));
    tampered.reports[0].newParams.ltvBps = 8_500;
    expect(() => fromBatchFile("t.json", tampered)).to.throw(/t\.json: digest .* does not match/);

    const [a, b, outsider] = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()].map((k) => privateKeyToAccount(k));
    for (const who of [a!, b!, outsider!]) writeSignatureFile(dir, parsed.digest, await signBatchWith(who, domain, reports));
    writeFileSync(join(dir, `${parsed.digest}.garbage.json`), "{not json");
    const found = signaturesFromDirectory(dir, parsed.digest);
    expect(found).to.have.length(3);
    const registered = new Set([a!.address, b!.address]);
    const forged = { signer: b!.address, signature: found.find((f) => f.signer === a!.address)!.signature };
    const { selected, rejected } = await selectSignatures(domain, reports, [found.find((f) => f.signer === a!.address)!, forged, ...found], async (x) => registered.has(x), 2);
    expect(selected.map((s) => s.signer).sort()).to.deep.equal([a!.address, b!.address].sort());
    expect(rejected.map((r) => r.reason).join(";")).to.match(/recovers to/);
  });

  it("retries transient RPC errors with capped, jittered backoff and fails fast on anything else", async function () {
    let calls = 0;
    const delays: number[] = [];
    const value = await withRetry(
      "read",
      async () => {
        if (++calls < 4) throw new HttpRequestError({ url: "http://x", status: 502, body: {} });
        return 42;
      },
      { attempts: 5, baseDelayMs: 1, maxDelayMs: 3 },
      ({ delayMs }) => delays.push(delayMs),
      undefined,
      () => 0.999,
    );
    expect(value).to.equal(42);
    expect(delays).to.deep.equal([0, 1, 2]);
    let fatal = 0;
    await withRetry("x", async () => { fatal++; throw new Error("execution reverted"); }, { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 }).catch(() => {});
    expect(fatal).to.equal(1);
    let exhausted = 0;
    const error = await withRetry("x", async () => { exhausted++; throw new HttpRequestError({ url: "http://x", status: 503 }); }, { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 }).catch((e: unknown) => e);
    expect(exhausted).to.equal(3);
    expect(error).to.be.instanceOf(HttpRequestError);
  });
});

describe("keeper: sample config", function () {
  it("config/keeper.sample.json passes the schema", async function () {
    const { loadKeeperConfig } = await import("../../calibrator/keeper/config.js");
    const config = loadKeeperConfig("config/keeper.sample.json");
    expect(config.assets.map((a) => a.symbol)).to.deep.equal(["WETH", "WBTC"]);
    expect(config.metrics).to.deep.equal({ host: "127.0.0.1", port: 9464 });
  });
});

describe("deployment file", function () {
  it("deploy/local.json passes the schema; a bad field and an impossible quorum are named", async function () {
    const { loadDeploymentSpec, parseDeploymentSpec } = await import("../../calibrator/ops/deploymentSpec.js");
    const spec = loadDeploymentSpec("deploy/local.json");
    expect(spec.assets.map((a) => a.symbol)).to.deep.equal(["WETH", "WBTC"]);
    const raw = JSON.parse(readFileSync("deploy/local.json", "utf8"));
    raw.assets[1].feed = "0x123";
    expect(() => parseDeploymentSpec(raw, "d.json")).to.throw(DataError, /d\.json.*assets\.1\.feed/);
    const quorum = JSON.parse(readFileSync("deploy/local.json", "utf8"));
    quorum.calibrators.quorum = 4;
    expect(() => parseDeploymentSpec(quorum, "d.json")).to.throw(DataError, /calibrators\.quorum.*exceeds the 3 signers/);
  });
});
