/**
 * The policy's parameters reaching the simulated chain: the schedule's targets (recalibrations) are
 * walked there through the keeper's bounded steps (keeper/plan.ts), under the updater's bounds, steps
 * and cooldowns, and the registry's effective values (the ramped threshold) are read back each step.
 */
import { applyStep, planStep } from "../../keeper/plan.js";
import { type AssetChainState, checkSteps, effectiveThresholdBps, type UpdaterGlobals } from "../../rules/riskRules.js";
import type { Address, RiskParams } from "../../rules/types.js";

export interface ScheduledTarget {
  step: number;
  /** One per asset, in asset order; undefined keeps the asset's current target. */
  targets: (RiskParams | undefined)[];
  /** Per asset: the calibration called a crisis (the planner holds the threshold and the bonus). */
  crisis?: (boolean | undefined)[];
}

export interface ParameterChange {
  step: number;
  asset: number;
  params: RiskParams;
  riskIncreasing: boolean;
}

export class ParameterFeed {
  readonly changes: ParameterChange[] = [];
  /** Registry and updater state per asset (replaced, never mutated, on each accepted step). */
  private readonly chain: AssetChainState[];
  private readonly targets: (RiskParams | undefined)[];
  private readonly nextTryAt: number[];
  private readonly crisisNow: boolean[];
  private cursor = 0;

  constructor(
    private readonly addresses: readonly Address[],
    chain: readonly AssetChainState[],
    private readonly schedule: readonly ScheduledTarget[],
    private readonly updater: UpdaterGlobals,
    private readonly spiralMarginBps: number,
  ) {
    this.chain = chain.slice();
    this.targets = chain.map(() => undefined);
    this.nextTryAt = chain.map(() => Number.POSITIVE_INFINITY);
    this.crisisNow = chain.map(() => false);
  }

  /** The registry's effective parameters of asset `i` at `now` (the threshold along its ramp). */
  effective(i: number, now: number): RiskParams {
    const c = this.chain[i]!;
    const stored = c.stored!;
    return { ...stored, liquidationThresholdBps: effectiveThresholdBps(stored.liquidationThresholdBps, c.ramp, BigInt(now)) };
  }

  /**
   * New targets from the schedule, then the keeper's bounded step for each asset where one is due.
   * The updater refuses reports while an asset's feed is stale, so that asset waits.
   */
  advance(step: number, now: number, staleAsset: Uint8Array): void {
    while (this.cursor < this.schedule.length && this.schedule[this.cursor]!.step <= step) {
      const entry = this.schedule[this.cursor]!;
      entry.targets.forEach((t, i) => {
        if (t === undefined) return;
        this.targets[i] = t;
        this.crisisNow[i] = entry.crisis?.[i] ?? false;
        this.nextTryAt[i] = now;
      });
      this.cursor++;
    }
    for (let i = 0; i < this.chain.length; i++) {
      const target = this.targets[i];
      if (target === undefined || now < this.nextTryAt[i]! || staleAsset[i]) continue;
      const address = this.addresses[i]!;
      const outcome = planStep(address, target, this.chain[i]!, this.updater, BigInt(now), BigInt(now), { spiralMarginBps: this.spiralMarginBps, crisis: this.crisisNow[i]! });
      if (outcome.kind === "atTarget") this.nextTryAt[i] = Number.POSITIVE_INFINITY;
      else if (outcome.kind === "blocked") {
        const readyAt = outcome.violation.error === "CooldownActive" ? Number(outcome.violation.args[1]) : Number.POSITIVE_INFINITY;
        this.nextTryAt[i] = readyAt > now ? readyAt : Number.POSITIVE_INFINITY;
      } else {
        const { riskIncreasing } = checkSteps(address, this.chain[i]!.rules, this.chain[i]!.stored!, outcome.step.params);
        this.chain[i] = applyStep(this.chain[i]!, outcome.step.params, BigInt(now));
        this.changes.push({ step, asset: i, params: outcome.step.params, riskIncreasing });
        this.nextTryAt[i] = now + Math.min(this.chain[i]!.rules.riskReducingCooldown, this.chain[i]!.rules.riskIncreasingCooldown);
      }
    }
  }
}
