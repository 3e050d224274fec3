/**
 * The TypeScript copy of the on-chain parameter rules: the registry's static invariants and ramp, and
 * the BoundedRiskUpdater's report checks, in the contract's order. The keeper validates every update
 * with this module before it signs; test/differential/riskRules.ts asserts it accepts exactly what the
 * contracts accept. Pure: no I/O, no clock (the caller passes `now`).
 */
import {
  type AmountRule,
  type AssetRules,
  BPS,
  type BpsRule,
  Param,
  type ParamName,
  PARAM_NAMES,
  type RiskParams,
  type RiskReport,
} from "./types.js";
import type { UpdaterErrorName } from "./errorNames.js";

/** A rule violation, named like the contract's custom error (a name the ABI has), with the same arguments. */
export interface RuleViolation {
  error: UpdaterErrorName;
  args: readonly (bigint | number | string | boolean)[];
}

/** The linear ramp of a liquidation-threshold cut, as the registry stores it. */
export interface ThresholdRamp {
  fromBps: number;
  /** Unix seconds. */
  start: bigint;
  /** Unix seconds; the target applies from then on. 0 when no ramp ran. */
  end: bigint;
}

/** Everything the rules read from the chain for one asset. */
export interface AssetChainState {
  /** `undefined` when the asset is not listed in the registry. */
  stored: RiskParams | undefined;
  ramp: ThresholdRamp;
  rampDuration: number;
  configured: boolean;
  /** The guardian froze the asset (registry isFrozen): only risk-reducing reports land. Absent: not frozen. */
  frozen?: boolean;
  rules: AssetRules;
  nonce: bigint;
  /** The last write of any kind (report, governance, guardian): the risk-reducing cooldown runs from it. */
  lastUpdateAt: bigint;
  lastObservedAt: bigint;
  /**
   * The last risk-increasing write (a report with a risk-increasing move, or any governance or guardian
   * write): the risk-increasing cooldown runs from it. At most RISK_INCREASING_AGE_MAX before
   * `lastUpdateAt` (the contract stores it as a saturating age).
   */
  lastRiskIncreasingAt: bigint;
}

/** The largest age (s) of the risk-increasing clock behind the update clock (AssetState: 24 bits). */
export const RISK_INCREASING_AGE_MAX = (1n << 24n) - 1n;

/**
 * When a report may land (BoundedRiskUpdater._validate): the risk-reducing cooldown after the last
 * write, and for a risk-increasing report also the risk-increasing cooldown after the last
 * risk-increasing write.
 */
export function reportReadyAt(state: AssetChainState, riskIncreasing: boolean): bigint {
  const reducing = state.lastUpdateAt + BigInt(state.rules.riskReducingCooldown);
  if (!riskIncreasing) return reducing;
  const increasing = state.lastRiskIncreasingAt + BigInt(state.rules.riskIncreasingCooldown);
  return increasing > reducing ? increasing : reducing;
}

/** The clocks after a report lands at `at` (AssetStateLib.afterReport). */
export function clocksAfterReport(
  state: AssetChainState,
  riskIncreasing: boolean,
  at: bigint,
  observedAt: bigint,
): Pick<AssetChainState, "nonce" | "lastUpdateAt" | "lastObservedAt" | "lastRiskIncreasingAt"> {
  const oldest = at - RISK_INCREASING_AGE_MAX;
  const kept = state.lastRiskIncreasingAt > oldest ? state.lastRiskIncreasingAt : oldest;
  return {
    nonce: (state.nonce + 1n) % (1n << 32n),
    lastUpdateAt: at,
    lastObservedAt: observedAt,
    lastRiskIncreasingAt: riskIncreasing ? at : kept,
  };
}

export interface UpdaterGlobals {
  paused: boolean;
  maxReportAge: number;
}

const violation = (error: UpdaterErrorName, ...args: RuleViolation["args"]): RuleViolation => ({ error, args });

export function paramsEqual(a: RiskParams, b: RiskParams): boolean {
  return (
    a.ltvBps === b.ltvBps &&
    a.liquidationThresholdBps === b.liquidationThresholdBps &&
    a.liquidationBonusBps === b.liquidationBonusBps &&
    a.closeFactorBps === b.closeFactorBps &&
    a.liquidationCapPerWindow === b.liquidationCapPerWindow &&
    a.liquidationWindow === b.liquidationWindow
  );
}

/**
 * The threshold in force at `now`: along the ramp, the decrease rounded up, i.e. the straight line
 * rounded down (as in the registry), so that a ramp restarted from it stays under the running line.
 */
export function effectiveThresholdBps(targetBps: number, ramp: ThresholdRamp, now: bigint): number {
  if (now >= ramp.end) return targetBps;
  const span = ramp.end - ramp.start;
  const drop = (BigInt(ramp.fromBps - targetBps) * (now - ramp.start) + span - 1n) / span;
  return ramp.fromBps - Number(drop);
}

/** Static invariants (RiskParamsLib.checkInvariants). */
export function checkInvariants(p: RiskParams, maxEffectiveThresholdBps: number): RuleViolation | undefined {
  if (p.ltvBps === 0) return violation("ZeroLtv");
  if (p.ltvBps >= p.liquidationThresholdBps) {
    return violation("LtvNotBelowThreshold", p.ltvBps, p.liquidationThresholdBps);
  }
  if (p.liquidationThresholdBps >= BPS) return violation("ThresholdNotBelowOne", p.liquidationThresholdBps);
  if (maxEffectiveThresholdBps * (BPS + p.liquidationBonusBps) >= BPS * BPS) {
    return violation("ToxicLiquidationSpiral", BigInt(maxEffectiveThresholdBps), p.liquidationBonusBps);
  }
  if (p.closeFactorBps === 0 || p.closeFactorBps > BPS) return violation("InvalidCloseFactor", p.closeFactorBps);
  if (p.liquidationCapPerWindow === 0n) return violation("ZeroLiquidationCap");
  if (p.liquidationWindow === 0) return violation("ZeroLiquidationWindow");
  return undefined;
}

/** What a registry write of `next` does to the threshold ramp (RiskParameterRegistry._nextSlot). */
export function rampAfterWrite(
  stored: RiskParams | undefined,
  ramp: ThresholdRamp,
  rampDuration: number,
  next: RiskParams,
  now: bigint,
): { ramp: ThresholdRamp; maxEffectiveThresholdBps: number; startsRamp: boolean } {
  if (stored === undefined) {
    return { ramp, maxEffectiveThresholdBps: next.liquidationThresholdBps, startsRamp: false };
  }
  const effective = effectiveThresholdBps(stored.liquidationThresholdBps, ramp, now);
  if (next.liquidationThresholdBps === stored.liquidationThresholdBps) {
    return { ramp, maxEffectiveThresholdBps: effective, startsRamp: false };
  }
  // A further cut never slows a running ramp: at least the running pace from the effective value,
  // and at most the ramp duration (RiskParameterRegistry._nextSlot).
  let duration = BigInt(rampDuration);
  const oldTarget = stored.liquidationThresholdBps;
  if (duration !== 0n && now < ramp.end && effective > oldTarget && next.liquidationThresholdBps < effective) {
    const atRunningPace = ((ramp.end - now) * BigInt(effective - next.liquidationThresholdBps)) / BigInt(effective - oldTarget);
    if (atRunningPace < duration) duration = atRunningPace;
  }
  if (next.liquidationThresholdBps < effective && duration !== 0n) {
    return {
      ramp: { fromBps: effective, start: now, end: now + duration },
      maxEffectiveThresholdBps: effective,
      startsRamp: true,
    };
  }
  return {
    ramp: { fromBps: 0, start: ramp.start, end: 0n },
    maxEffectiveThresholdBps: next.liquidationThresholdBps,
    startsRamp: false,
  };
}

/** Registry invariants for writing `next` now (RiskParameterRegistry.checkParams). */
export function checkRegistryWrite(state: AssetChainState, next: RiskParams, now: bigint): RuleViolation | undefined {
  const { maxEffectiveThresholdBps } = rampAfterWrite(state.stored, state.ramp, state.rampDuration, next, now);
  return checkInvariants(next, maxEffectiveThresholdBps);
}

/** The bps fields: enum name, RiskParams key, AssetRules key. */
export const BPS_FIELDS = [
  ["Ltv", "ltvBps", "ltv", true],
  ["LiquidationThreshold", "liquidationThresholdBps", "liquidationThreshold", true],
  ["LiquidationBonus", "liquidationBonusBps", "liquidationBonus", false],
  ["CloseFactor", "closeFactorBps", "closeFactor", false],
] as const satisfies readonly (readonly [ParamName, keyof RiskParams, keyof AssetRules, boolean])[];

/** Whether moving a bps field from `from` to `to` is risk-increasing (up for LTV/threshold, down otherwise). */
export function isRiskIncreasingMove(param: ParamName, from: number, to: number): boolean {
  const upIsRiskIncreasing = param === "Ltv" || param === "LiquidationThreshold";
  return to > from === upIsRiskIncreasing;
}

function checkBpsStep(
  asset: string,
  param: ParamName,
  rule: BpsRule,
  from: number,
  to: number,
): { violation?: RuleViolation; riskIncreasing: boolean } {
  if (from === to) return { riskIncreasing: false };
  if (to < rule.min || to > rule.max) {
    return { violation: violation("ParamOutOfBounds", asset, Param[param], to, rule.min, rule.max), riskIncreasing: false };
  }
  const riskIncreasing = isRiskIncreasingMove(param, from, to);
  const step = Math.abs(to - from);
  const maxStep = riskIncreasing ? rule.maxRiskIncreasingStep : rule.maxRiskReducingStep;
  if (step > maxStep) {
    return { violation: violation("StepTooLarge", asset, Param[param], from, to, maxStep), riskIncreasing };
  }
  return { riskIncreasing };
}

function checkAmountStep(
  asset: string,
  param: ParamName,
  rule: AmountRule,
  from: bigint,
  to: bigint,
): { violation?: RuleViolation; changed: boolean } {
  if (from === to) return { changed: false };
  if (to < rule.min || to > rule.max) {
    return { violation: violation("ParamOutOfBounds", asset, Param[param], to, rule.min, rule.max), changed: true };
  }
  const step = to > from ? to - from : from - to;
  if (step * BigInt(BPS) > from * BigInt(rule.maxStepBps)) {
    return {
      violation: violation("StepTooLarge", asset, Param[param], from, to, (from * BigInt(rule.maxStepBps)) / BigInt(BPS)),
      changed: true,
    };
  }
  return { changed: true };
}

/**
 * BoundedRiskUpdater._checkAllBounds: every field of `params` within the asset's bounds, in the
 * contract's field order (the check of a governance or guardian write, which takes no step rule).
 */
export function checkBounds(asset: string, rules: AssetRules, params: RiskParams): RuleViolation | undefined {
  for (const [param, field, ruleKey] of BPS_FIELDS) {
    const value = params[field] as number;
    const rule = rules[ruleKey];
    if (value < rule.min || value > rule.max) return violation("ParamOutOfBounds", asset, Param[param], value, rule.min, rule.max);
  }
  const amounts = [
    ["LiquidationCap", params.liquidationCapPerWindow, rules.liquidationCap],
    ["LiquidationWindow", BigInt(params.liquidationWindow), rules.liquidationWindow],
  ] as const;
  for (const [param, value, rule] of amounts) {
    if (value < rule.min || value > rule.max) return violation("ParamOutOfBounds", asset, Param[param], value, rule.min, rule.max);
  }
  return undefined;
}

/**
 * Bounds and max steps of a move from `current` to `proposed`, in the contract's field order, and
 * whether the move is risk-increasing (a bps field moving the risky way, or any cap/window change).
 */
export function checkSteps(
  asset: string,
  rules: AssetRules,
  current: RiskParams,
  proposed: RiskParams,
): { violation?: RuleViolation; riskIncreasing: boolean } {
  let riskIncreasing = false;
  for (const [param, field, ruleKey] of BPS_FIELDS) {
    const result = checkBpsStep(asset, param, rules[ruleKey], current[field] as number, proposed[field] as number);
    if (result.violation) return { violation: result.violation, riskIncreasing };
    riskIncreasing ||= result.riskIncreasing;
  }
  const cap = checkAmountStep(asset, "LiquidationCap", rules.liquidationCap, current.liquidationCapPerWindow, proposed.liquidationCapPerWindow);
  if (cap.violation) return { violation: cap.violation, riskIncreasing };
  const window = checkAmountStep(asset, "LiquidationWindow", rules.liquidationWindow, BigInt(current.liquidationWindow), BigInt(proposed.liquidationWindow));
  if (window.violation) return { violation: window.violation, riskIncreasing };
  return { riskIncreasing: riskIncreasing || cap.changed || window.changed };
}

/**
 * The first rule a report breaks, in BoundedRiskUpdater.previewReport's order (signatures aside;
 * the price feed is assumed healthy: the keeper checks it separately), or `undefined` if it would land.
 */
export function validateReport(
  report: RiskReport,
  state: AssetChainState,
  globals: UpdaterGlobals,
  now: bigint,
): RuleViolation | undefined {
  const asset = report.asset;
  if (globals.paused) return violation("UpdaterPaused");
  if (!state.configured) return violation("AssetNotConfigured", asset);
  if (report.nonce !== state.nonce) return violation("InvalidNonce", asset, state.nonce, report.nonce);
  if (report.observedAt > now) return violation("ReportFromFuture", asset, report.observedAt);
  if (now - report.observedAt > BigInt(globals.maxReportAge)) {
    return violation("ReportTooOld", asset, report.observedAt, globals.maxReportAge);
  }
  if (report.observedAt <= state.lastObservedAt) {
    return violation("ReportNotNewer", asset, report.observedAt, state.lastObservedAt);
  }
  const current = state.stored;
  if (current === undefined) return violation("AssetNotListed", asset);
  if (!paramsEqual(current, report.expectedCurrentParams)) return violation("StaleCurrentParams", asset);
  const proposed = report.newParams;
  if (paramsEqual(current, proposed)) return violation("NoChange", asset);

  const steps = checkSteps(asset, state.rules, current, proposed);
  if (steps.violation) return steps.violation;
  const riskIncreasing = steps.riskIncreasing;
  if (riskIncreasing && state.frozen === true) return violation("AssetFrozenRiskIncreasing", asset);

  const readyAt = reportReadyAt(state, riskIncreasing);
  if (now < readyAt) return violation("CooldownActive", asset, readyAt);

  return checkRegistryWrite(state, proposed, now);
}

/** A readable one-line description of a violation (for logs and CLI output). */
/** A refusal to describe: a chain rule's violation, or the planner's own (keeper/plan.ts). */
export interface Refusal {
  error: string;
  args: RuleViolation["args"];
}

export function describeViolation(v: Refusal): string {
  const args = v.args.map((a, i) =>
    // The Param enum argument sits right after the asset address in bound/step errors.
    (v.error === "ParamOutOfBounds" || v.error === "StepTooLarge") && i === 1 ? PARAM_NAMES[Number(a)] : String(a),
  );
  return `${v.error}(${args.join(", ")})`;
}
