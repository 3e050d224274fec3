/**
 * Differential test: the TypeScript copy of the parameter rules (calibrator/rules/riskRules.ts, used by
 * the keeper to plan and validate updates) must accept exactly what the contract accepts and reject
 * with the same custom error and arguments. Random governance rules, live parameters, ramps, clocks
 * and proposals from a seeded PRNG (BULWARK_SEED overrides the seed).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { packReport } from "../../calibrator/rules/packing.js";
import {
  type AssetChainState,
  checkBounds,
  checkSteps,
  clocksAfterReport,
  checkInvariants,
  checkRegistryWrite,
  describeViolation,
  effectiveThresholdBps,
  rampAfterWrite,
  type RuleViolation,
  validateReport,
} from "../../calibrator/rules/riskRules.js";
import { BPS, type Address, type AssetRules, type RiskParams, type RiskReport } from "../../calibrator/rules/types.js";
import { signReport } from "../fixtures/signing.js";
import { DEFAULT_PARAMS, DEFAULT_RULES, deploySystem, type System } from "../fixtures/system.js";
import { readAssetChainState, readGlobals } from "../fixtures/chainState.js";
import { Rng, testSeed } from "../helpers/random.js";

const { ethers, ignition, networkHelpers } = await network.create();
const { time } = networkHelpers;

const CONFIGS = 40;
const PREVIEWS_PER_CONFIG = 75;
const SUBMISSIONS_PER_CONFIG = 6;
const GOVERNANCE_WRITES_PER_CONFIG = 5;
const E18 = 10n ** 18n;

type Verdict = { error: string; args: string[] } | undefined;

function normalise(v: RuleViolation | undefined): Verdict {
  if (!v) return undefined;
  return { error: v.error, args: v.args.map((a) => (typeof a === "string" ? a.toLowerCase() : BigInt(a).toString())) };
}

function decodeRevert(system: System, error: unknown): Verdict {
  const data = (error as { data?: string }).data;
  if (typeof data !== "string") throw error;
  const parsed = system.updater.interface.parseError(data) ?? system.oracle.interface.parseError(data);
  if (!parsed) throw new Error(`undecodable revert data ${data}`);
  return {
    error: parsed.name,
    args: [...parsed.args].map((a) => (typeof a === "string" ? a.toLowerCase() : BigInt(a as bigint).toString())),
  };
}

function randomRules(rng: Rng): AssetRules {
  const bpsRule = (lo: number, hi: number) => {
    const a = rng.int(lo, hi);
    const b = rng.int(lo, hi);
    const inc = rng.int(0, 300);
    return { min: Math.min(a, b), max: Math.max(a, b), maxRiskIncreasingStep: inc, maxRiskReducingStep: inc + rng.int(0, 700) };
  };
  const capA = rng.big(10n ** 4n, 10n ** 7n) * E18;
  const capB = rng.big(10n ** 4n, 10n ** 7n) * E18;
  const winA = BigInt(rng.int(60, 86_400));
  const winB = BigInt(rng.int(60, 86_400));
  const increasing = rng.int(0, 3 * 86_400);
  return {
    ltv: bpsRule(1_000, 9_500),
    liquidationThreshold: bpsRule(2_000, 9_900),
    liquidationBonus: bpsRule(0, 2_500),
    closeFactor: bpsRule(1, 10_000),
    liquidationCap: { min: capA < capB ? capA : capB, max: capA < capB ? capB : capA, maxStepBps: rng.int(0, 5_000) },
    liquidationWindow: { min: winA < winB ? winA : winB, max: winA < winB ? winB : winA, maxStepBps: rng.int(0, 10_000) },
    riskIncreasingCooldown: increasing,
    riskReducingCooldown: rng.int(0, increasing),
  };
}

/** Parameters inside `rules` that satisfy the invariants, or undefined if rejection sampling fails. */
function randomParamsWithin(rng: Rng, rules: AssetRules): RiskParams | undefined {
  for (let i = 0; i < 200; i++) {
    const p: RiskParams = {
      ltvBps: rng.int(rules.ltv.min, rules.ltv.max),
      liquidationThresholdBps: rng.int(rules.liquidationThreshold.min, rules.liquidationThreshold.max),
      liquidationBonusBps: rng.int(rules.liquidationBonus.min, rules.liquidationBonus.max),
      closeFactorBps: rng.int(Math.max(1, rules.closeFactor.min), rules.closeFactor.max),
      liquidationCapPerWindow: rng.big(rules.liquidationCap.min, rules.liquidationCap.max),
      liquidationWindow: Number(rng.big(rules.liquidationWindow.min, rules.liquidationWindow.max)),
    };
    if (checkInvariants(p, p.liquidationThresholdBps) === undefined) return p;
  }
  return undefined;
}

function mutate(rng: Rng, current: RiskParams, rules: AssetRules): RiskParams {
  const next = { ...current };
  const bpsDelta = (r: { maxRiskReducingStep: number }) => rng.int(-Math.ceil(r.maxRiskReducingStep * 1.3) - 2, Math.ceil(r.maxRiskReducingStep * 1.3) + 2);
  const clampBps = (v: number) => Math.min(Math.max(v, 0), 11_000);
  if (rng.chance(0.5)) next.ltvBps = clampBps(current.ltvBps + bpsDelta(rules.ltv));
  if (rng.chance(0.5)) next.liquidationThresholdBps = clampBps(current.liquidationThresholdBps + bpsDelta(rules.liquidationThreshold));
  if (rng.chance(0.4)) next.liquidationBonusBps = clampBps(current.liquidationBonusBps + bpsDelta(rules.liquidationBonus));
  if (rng.chance(0.4)) next.closeFactorBps = clampBps(current.closeFactorBps + bpsDelta(rules.closeFactor));
  if (rng.chance(0.25)) {
    const maxStep = (current.liquidationCapPerWindow * BigInt(rules.liquidationCap.maxStepBps)) / BigInt(BPS);
    const delta = rng.big(0n, (maxStep * 13n) / 10n + 2n);
    next.liquidationCapPerWindow = rng.chance(0.5) ? current.liquidationCapPerWindow + delta : current.liquidationCapPerWindow > delta ? current.liquidationCapPerWindow - delta : 0n;
  }
  if (rng.chance(0.25)) {
    const maxStep = Math.floor((current.liquidationWindow * rules.liquidationWindow.maxStepBps) / BPS);
    const delta = rng.int(0, Math.ceil(maxStep * 1.3) + 2);
    next.liquidationWindow = Math.max(0, current.liquidationWindow + (rng.chance(0.5) ? delta : -delta));
  }
  return next;
}

function randomReport(rng: Rng, asset: Address, state: AssetChainState, maxReportAge: number, now: bigint): RiskReport {
  const current = state.stored!;
  let observedAt = now - BigInt(rng.int(0, Math.min(maxReportAge, 600)));
  let nonce = state.nonce;
  let expected = current;
  let next = mutate(rng, current, state.rules);
  const mode = rng.next();
  if (mode < 0.05) nonce = nonce + (rng.chance(0.5) ? 1n : 0n) + (nonce > 0n && rng.chance(0.5) ? -1n : 0n) + 1n;
  else if (mode < 0.08) observedAt = now + BigInt(rng.int(1, 100));
  else if (mode < 0.11) observedAt = now - BigInt(maxReportAge) - BigInt(rng.int(1, 100));
  else if (mode < 0.14 && state.lastObservedAt > 0n) observedAt = state.lastObservedAt - BigInt(rng.int(0, 1));
  else if (mode < 0.18) expected = { ...current, closeFactorBps: current.closeFactorBps === 1 ? 2 : current.closeFactorBps - 1 };
  else if (mode < 0.22) next = { ...current };
  return { asset, newParams: next, expectedCurrentParams: expected, nonce, observedAt, reportHash: `0x${"ab".repeat(32)}` };
}

describe("Differential: TypeScript rules vs the contract", function () {
  this.timeout(600_000);
  const seed = testSeed(20261121);

  it(`agree on ${CONFIGS * PREVIEWS_PER_CONFIG} previews and ${CONFIGS * SUBMISSIONS_PER_CONFIG} submissions (seed ${seed})`, async function () {
    const rng = new Rng(seed);
    const system = await deploySystem({ ethers, ignition }, { quorum: 1, assets: [{ symbol: "FEED", decimals: 18, price8: 10n ** 8n }] });
    const feed = system.assets[0]!.feed;
    const g = system.updater.connect(system.governance);
    const counts = new Map<string, number>();
    let compared = 0;

    for (let c = 0; c < CONFIGS; c++) {
      // A fresh asset per configuration: wide rules to list it, then the random ones.
      const asset = ethers.Wallet.createRandom().address as Address;
      let rules = randomRules(rng);
      let params = randomParamsWithin(rng, rules);
      if (!params) {
        rules = DEFAULT_RULES;
        params = DEFAULT_PARAMS;
      }
      await system.oracle.connect(system.governance).setFeed(asset, await feed.getAddress(), 4_200);
      await g.setRampDuration(asset, rng.chance(0.3) ? 0 : rng.int(60, 14 * 86_400));
      await g.setAssetRules(asset, rules);
      await g.governanceSetParams(asset, params);
      if (rng.chance(0.4)) {
        // Start a ramp: a governance cut of the threshold (within bounds and invariants, if one exists).
        const cut = { ...params, liquidationThresholdBps: Math.max(params.ltvBps + 1, rules.liquidationThreshold.min, params.liquidationThresholdBps - rng.int(1, 500)) };
        if (cut.liquidationThresholdBps < params.liquidationThresholdBps) await g.governanceSetParams(asset, cut);
      }
      if (rng.chance(0.1)) await g.setMaxReportAge(rng.int(60, 7 * 86_400));
      // A frozen asset takes only risk-reducing reports (AssetFrozenRiskIncreasing in both copies).
      if (rng.chance(0.2)) await system.registry.connect(system.guardian).freeze(asset);
      await time.increase(rng.int(0, 4 * 86_400));
      await feed.updateAnswer(10n ** 8n);
      const paused = rng.chance(0.05);
      if (paused) await system.updater.connect(system.guardian).pause();

      for (let i = 0; i < PREVIEWS_PER_CONFIG; i++) {
        const now = BigInt(await time.latest());
        const state = await readAssetChainState(system.updater, asset);
        const globals = await readGlobals(system.updater);
        const report = randomReport(rng, asset, state, globals.maxReportAge, now);
        const expected = normalise(validateReport(report, state, globals, now));
        let actual: Verdict;
        try {
          await system.updater.previewReport(packReport(report));
        } catch (error) {
          actual = decodeRevert(system, error);
        }
        expect(actual, `config ${c} case ${i}: TS says ${expected ? describeViolation({ error: expected.error, args: expected.args }) : "accept"}`).to.deep.equal(expected);
        counts.set(expected?.error ?? "accepted", (counts.get(expected?.error ?? "accepted") ?? 0) + 1);
        compared++;
      }

      // Governance writes (governanceSetParams: _checkAllBounds, then the registry's invariants) against
      // checkBounds and checkRegistryWrite, the copy the deployment file's check uses.
      for (let i = 0; i < GOVERNANCE_WRITES_PER_CONFIG; i++) {
        const now = BigInt(await time.latest());
        const state = await readAssetChainState(system.updater, asset);
        const proposal = mutate(rng, state.stored!, rules);
        const expected = normalise(checkBounds(asset, rules, proposal) ?? checkRegistryWrite(state, proposal, now));
        let actual: Verdict;
        try {
          await g.governanceSetParams.staticCall(asset, proposal);
        } catch (error) {
          actual = decodeRevert(system, error);
        }
        expect(actual, `config ${c} governance write ${i}`).to.deep.equal(expected);
        counts.set(`governance:${expected?.error ?? "accepted"}`, (counts.get(`governance:${expected?.error ?? "accepted"}`) ?? 0) + 1);
        compared++;
      }

      if (paused) await g.unpause();
      for (let i = 0; i < SUBMISSIONS_PER_CONFIG; i++) {
        await time.increase(rng.int(0, 2 * 86_400));
        await feed.updateAnswer(10n ** 8n);
        const at = BigInt(await time.latest()) + 1n;
        const state = await readAssetChainState(system.updater, asset);
        const globals = await readGlobals(system.updater);
        const report = randomReport(rng, asset, state, globals.maxReportAge, at - 1n);
        const expected = normalise(validateReport(report, state, globals, at));
        const sigs = await signReport(system.calibrators.slice(0, 1), system.domain, report);
        await time.setNextBlockTimestamp(at);
        let actual: Verdict;
        try {
          await (await system.updater.submitReport(packReport(report), sigs)).wait();
        } catch (error) {
          actual = decodeRevert(system, error);
        }
        expect(actual, `config ${c} submission ${i}`).to.deep.equal(expected);
        if (expected === undefined) {
          // The ramp the write leaves (a cut mid-ramp keeps at least the running pace) agrees too:
          // the chain's ramp and effective threshold against rampAfterWrite's prediction.
          const predicted = rampAfterWrite(state.stored, state.ramp, state.rampDuration, report.newParams, at).ramp;
          const [fromBps, , start, end] = await system.updater.thresholdRamp(asset);
          if (predicted.end > at) expect([Number(fromBps), start, end], `config ${c} submission ${i}: ramp`).to.deep.equal([predicted.fromBps, predicted.start, predicted.end]);
          expect(Number(await system.updater.effectiveLiquidationThresholdBps(asset)), `config ${c} submission ${i}: effective`).to.equal(
            effectiveThresholdBps(report.newParams.liquidationThresholdBps, predicted, at),
          );
          if (predicted.end > at && predicted.start < state.ramp.end && state.ramp.end > at) counts.set("submit:cutMidRamp", (counts.get("submit:cutMidRamp") ?? 0) + 1);
          // The two cooldown clocks the write leaves (AssetStateLib.afterReport) against clocksAfterReport.
          const { riskIncreasing } = checkSteps(asset, state.rules, state.stored!, report.newParams);
          const clocks = clocksAfterReport(state, riskIncreasing, at, report.observedAt);
          const [, nonce, lastUpdateAt, lastObservedAt, lastRiskIncreasingAt] = await system.updater.assetState(asset);
          expect({ nonce, lastUpdateAt, lastObservedAt, lastRiskIncreasingAt }, `config ${c} submission ${i}: clocks`).to.deep.equal(clocks);
          // A risk-increasing report that one clock (the last write of any kind) would have held back.
          if (riskIncreasing && at < state.lastUpdateAt + BigInt(state.rules.riskIncreasingCooldown)) {
            counts.set("submit:riskIncreasingAfterARecentCut", (counts.get("submit:riskIncreasingAfterARecentCut") ?? 0) + 1);
          }
        }
        counts.set(`submit:${expected?.error ?? "accepted"}`, (counts.get(`submit:${expected?.error ?? "accepted"}`) ?? 0) + 1);
        compared++;
      }
    }
    // The random cases must reach the interesting outcomes, or the comparison proves little.
    for (const outcome of ["governance:accepted", "governance:ParamOutOfBounds", "accepted", "StepTooLarge", "ParamOutOfBounds", "CooldownActive", "InvalidNonce", "NoChange", "StaleCurrentParams", "ReportTooOld", "ReportFromFuture", "LtvNotBelowThreshold", "AssetFrozenRiskIncreasing", "submit:accepted", "submit:riskIncreasingAfterARecentCut"]) {
      expect(counts.get(outcome) ?? 0, `outcome ${outcome} never drawn`).to.be.greaterThan(0);
    }
    console.log(`      compared ${compared} cases; outcomes: ${[...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  });
});
