/**
 * Step planning: the largest update toward a calibrated target that the on-chain rules accept now,
 * and the glide path of such steps until the target is reached. Every candidate is checked with
 * calibrator/rules/riskRules.ts (the code the differential test holds equal to the contracts), so a
 * planned step is one the chain would accept. Pure: no I/O, the caller passes `now`.
 */
import {
  type AssetChainState,
  BPS_FIELDS,
  checkSteps,
  clocksAfterReport,
  isRiskIncreasingMove,
  paramsEqual,
  rampAfterWrite,
  type RuleViolation,
  type UpdaterGlobals,
  validateReport,
} from "../rules/riskRules.js";
import { type Address, type AmountRule, BPS, type BpsRule, type ParamName, type RiskParams, type RiskReport } from "../rules/types.js";

type BpsField = (typeof BPS_FIELDS)[number][1];

const clamp = <T extends number | bigint>(v: T, lo: T, hi: T): T => (v < lo ? lo : v > hi ? hi : v);

/** The target inside the governance bounds (what the keeper can ever reach). */
export function reachableTarget(target: RiskParams, rules: AssetChainState["rules"]): RiskParams {
  return {
    ltvBps: clamp(target.ltvBps, rules.ltv.min, rules.ltv.max),
    liquidationThresholdBps: clamp(target.liquidationThresholdBps, rules.liquidationThreshold.min, rules.liquidationThreshold.max),
    liquidationBonusBps: clamp(target.liquidationBonusBps, rules.liquidationBonus.min, rules.liquidationBonus.max),
    closeFactorBps: clamp(target.closeFactorBps, rules.closeFactor.min, rules.closeFactor.max),
    liquidationCapPerWindow: clamp(target.liquidationCapPerWindow, rules.liquidationCap.min, rules.liquidationCap.max),
    liquidationWindow: Number(clamp(BigInt(target.liquidationWindow), rules.liquidationWindow.min, rules.liquidationWindow.max)),
  };
}

function bpsStep(param: ParamName, rule: BpsRule, from: number, goal: number, scale: number): number {
  if (goal === from) return from;
  const maxStep = isRiskIncreasingMove(param, from, goal) ? rule.maxRiskIncreasingStep : rule.maxRiskReducingStep;
  // Truncate toward `from`: a scaled step never overshoots and never breaks the step limit.
  const delta = Math.trunc(Math.min(Math.abs(goal - from), maxStep) * scale);
  const next = from + Math.sign(goal - from) * delta;
  // A value still outside the bounds (governance narrowed them) cannot be written: hold the field.
  return next < rule.min || next > rule.max ? from : next;
}

function amountStep(rule: AmountRule, from: bigint, goal: bigint, scale: number): bigint {
  if (goal === from) return from;
  const maxStep = (from * BigInt(rule.maxStepBps)) / BigInt(BPS);
  const full = goal > from ? goal - from : from - goal;
  const delta = ((full < maxStep ? full : maxStep) * BigInt(Math.round(scale * 1_000_000))) / 1_000_000n;
  const next = goal > from ? from + delta : from - delta;
  return next < rule.min || next > rule.max ? from : next;
}

/** Which fields a candidate may move. */
type FieldFilter = "all" | "riskReducingOnly" | "withoutBonusRaise";

function candidate(current: RiskParams, goal: RiskParams, rules: AssetChainState["rules"], scale: number, filter: FieldFilter): RiskParams {
  const next: RiskParams = { ...current };
  for (const [param, field, ruleKey] of BPS_FIELDS) {
    const value = bpsStep(param, rules[ruleKey], current[field], goal[field], scale);
    const increasing = value !== current[field] && isRiskIncreasingMove(param, current[field], value);
    if (filter === "riskReducingOnly" && increasing) continue;
    if (filter === "withoutBonusRaise" && field === "liquidationBonusBps" && value > current[field]) continue;
    (next as Record<BpsField, number>)[field] = value;
  }
  // Any cap or window change counts as risk-increasing on-chain (BoundedRiskUpdater._validate).
  if (filter !== "riskReducingOnly") {
    next.liquidationCapPerWindow = amountStep(rules.liquidationCap, current.liquidationCapPerWindow, goal.liquidationCapPerWindow, scale);
    next.liquidationWindow = Number(
      amountStep(rules.liquidationWindow, BigInt(current.liquidationWindow), BigInt(goal.liquidationWindow), scale),
    );
  }
  return next;
}

/** Fractions of the full step tried in turn when the full one breaks an invariant or a budget. */
export const STEP_FRACTIONS = [1, 0.5, 0.25, 0.125, 0.0625] as const;
const FILTERS: readonly FieldFilter[] = ["all", "withoutBonusRaise", "riskReducingOnly"];

export interface PlannedStep {
  params: RiskParams;
  /** The report that carries the step (reportHash left to the caller). */
  report: Omit<RiskReport, "reportHash">;
  /** True when the step lands exactly on the reachable target. */
  reachesTarget: boolean;
  scale: number;
  filter: FieldFilter;
}

/**
 * Why no step can be sent: the first on-chain rule a candidate breaks (named as the contract's error),
 * or the planner's own NoProgress when every candidate equals the stored values.
 */
export type PlanBlock = RuleViolation | { error: "NoProgress"; args: RuleViolation["args"] };

export type PlanOutcome =
  | { kind: "atTarget"; target: RiskParams }
  | { kind: "step"; step: PlannedStep; target: RiskParams }
  /** Nothing can be sent now; `violation` is the rule the full step breaks (often a cooldown). */
  | { kind: "blocked"; violation: PlanBlock; target: RiskParams };

export interface PlanOptions {
  /** Upper bound on the fraction of the full step (the impact check lowers it). */
  maxScale?: number;
  /** Do not move the liquidation threshold down (the impact budget holds it). */
  holdThresholdCut?: boolean;
  /**
   * The policy's toxic-spiral margin (bps): a step never raises the bonus above what keeps the largest
   * effective threshold over the rest of any running ramp × (1 + bonus) at or below 1 − margin. The
   * chain only refuses ≥ 1; the policy's target respects the margin, but the effective threshold lags
   * a cut by the whole ramp, so the guard must hold on effective values, step by step. Default 0.
   */
  spiralMarginBps?: number;
  /**
   * The market is in a crisis (calibrator/policy/crisis.ts): the threshold holds (no ramp starts and no
   * raise), the bonus and the LTV do not rise, the close factor does not fall; the LTV still cuts at once.
   */
  crisis?: boolean;
}

/**
 * The largest bonus (bps) that keeps `maxEffectiveThresholdBps` × (1 + bonus) ≤ 1 − margin, rounded
 * down; negative when no bonus does.
 */
export function spiralSafeBonusBps(maxEffectiveThresholdBps: number, spiralMarginBps: number): number {
  if (maxEffectiveThresholdBps <= 0) return Number.MAX_SAFE_INTEGER;
  return Math.floor(((BPS - spiralMarginBps) * BPS) / maxEffectiveThresholdBps) - BPS;
}

/** A candidate whose bonus raise would break the spiral guard on effective values gets the raise cut to fit (or none). */
function guardBonus(candidateParams: RiskParams, state: AssetChainState, now: bigint, spiralMarginBps: number): RiskParams {
  const current = state.stored!;
  if (candidateParams.liquidationBonusBps <= current.liquidationBonusBps) return candidateParams;
  const { maxEffectiveThresholdBps } = rampAfterWrite(current, state.ramp, state.rampDuration, candidateParams, now);
  const cap = spiralSafeBonusBps(maxEffectiveThresholdBps, spiralMarginBps);
  if (candidateParams.liquidationBonusBps <= cap) return candidateParams;
  return { ...candidateParams, liquidationBonusBps: Math.max(current.liquidationBonusBps, cap) };
}

/**
 * The largest step toward `target` that `validateReport` accepts at `now`: at decreasing fractions of
 * the full step, all fields, then without a bonus raise (toxic-spiral rule), then the risk-reducing
 * fields only (their cooldown is shorter). `observedAt` is the report's observation time (≤ now).
 */
export function planStep(
  asset: Address,
  target: RiskParams,
  state: AssetChainState,
  globals: UpdaterGlobals,
  now: bigint,
  observedAt: bigint,
  options: PlanOptions = {},
): PlanOutcome {
  const current = state.stored;
  if (current === undefined) throw new Error(`asset ${asset} is not listed in the registry`);
  const goal = reachableTarget(target, state.rules);
  if (options.holdThresholdCut && goal.liquidationThresholdBps < current.liquidationThresholdBps) {
    goal.liquidationThresholdBps = current.liquidationThresholdBps;
  }
  if (options.crisis) {
    goal.liquidationThresholdBps = current.liquidationThresholdBps;
    goal.liquidationBonusBps = Math.min(goal.liquidationBonusBps, current.liquidationBonusBps);
    goal.closeFactorBps = Math.max(goal.closeFactorBps, current.closeFactorBps);
    goal.ltvBps = Math.min(goal.ltvBps, current.ltvBps);
  }
  const spiralMarginBps = options.spiralMarginBps ?? 0;
  if (paramsEqual(current, goal)) return { kind: "atTarget", target: goal };
  const maxScale = options.maxScale ?? 1;
  let first: RuleViolation | undefined;
  const tried: RiskParams[] = [];
  // Larger fractions first; at each, the full set of fields before the narrower filters.
  for (const fraction of STEP_FRACTIONS) {
    for (const filter of FILTERS) {
      const scale = fraction * maxScale;
      const params = guardBonus(candidate(current, goal, state.rules, scale, filter), state, now, spiralMarginBps);
      if (paramsEqual(params, current) || tried.some((t) => paramsEqual(t, params))) continue;
      tried.push(params);
      const report = { asset, newParams: params, expectedCurrentParams: current, nonce: state.nonce, observedAt };
      const violation = validateReport({ ...report, reportHash: `0x${"0".repeat(64)}` }, state, globals, now);
      if (!violation) return { kind: "step", step: { params, report, reachesTarget: paramsEqual(params, goal), scale, filter }, target: goal };
      first ??= violation;
    }
  }
  return { kind: "blocked", violation: first ?? { error: "NoProgress", args: [asset] }, target: goal };
}

/** The chain state after a step lands at `at`, observed then (what the registry and the updater write). */
export function applyStep(state: AssetChainState, params: RiskParams, at: bigint): AssetChainState {
  const { ramp } = rampAfterWrite(state.stored, state.ramp, state.rampDuration, params, at);
  // The asset argument only names violations, and a step that landed has none.
  const { riskIncreasing } = checkSteps("", state.rules, state.stored!, params);
  return { ...state, stored: params, ramp, ...clocksAfterReport(state, riskIncreasing, at, at) };
}

export interface GlidePoint {
  at: bigint;
  params: RiskParams;
  riskIncreasing: boolean;
}

export interface GlidePath {
  target: RiskParams;
  steps: GlidePoint[];
  /** When the last step lands on the target; undefined if it cannot be reached in `maxSteps`. */
  reachedAt: bigint | undefined;
  /** Why the path stops short of the target, if it does. */
  stuck?: PlanBlock;
}

/**
 * Every step the keeper will take from the current state if the target stays put and each step lands
 * as soon as its cooldown allows (reports observed at the landing time).
 */
export function glidePath(
  asset: Address,
  target: RiskParams,
  state: AssetChainState,
  globals: UpdaterGlobals,
  now: bigint,
  maxSteps = 200,
): GlidePath {
  const steps: GlidePoint[] = [];
  let s = state;
  let t = now;
  for (let i = 0; i < maxSteps; i++) {
    const outcome = planStep(asset, target, s, globals, t, t);
    if (outcome.kind === "atTarget") return { target: outcome.target, steps, reachedAt: steps.at(-1)?.at ?? now };
    if (outcome.kind === "blocked") {
      // Wait for the cooldown the violation names, then try again; anything else is a dead end.
      if (outcome.violation.error !== "CooldownActive") return { target: outcome.target, steps, reachedAt: undefined, stuck: outcome.violation };
      const readyAt = outcome.violation.args[1] as bigint;
      if (readyAt <= t) return { target: outcome.target, steps, reachedAt: undefined, stuck: outcome.violation };
      t = readyAt;
      continue;
    }
    const { riskIncreasing } = checkSteps(asset, s.rules, s.stored!, outcome.step.params);
    steps.push({ at: t, params: outcome.step.params, riskIncreasing });
    s = applyStep(s, outcome.step.params, t);
    // The earliest next landing: the shorter cooldown; planStep says if the longer one binds.
    t += BigInt(Math.min(s.rules.riskReducingCooldown, s.rules.riskIncreasingCooldown));
  }
  return { target: reachableTarget(target, state.rules), steps, reachedAt: undefined };
}
