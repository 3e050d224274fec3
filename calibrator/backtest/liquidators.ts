/**
 * The liquidators of a backtest: several independent bots, seeded, each with its own reaction delay,
 * capital and risk aversion. A bot liquidates an account once it has been liquidatable for the bot's
 * delay, and sizes each call where its marginal cost meets the bonus:
 *   edge per USD seized  = b(1 − f)/(1 + b)          (bonus b, protocol fee share f of the bonus)
 *   marginal cost        = marginal impact (impact.ts) + κ·σ_h·√(max(1 h, delay))   (price risk)
 * and sends it only when the whole call's profit covers the hour's gas. So a thinner bonus means smaller
 * calls, fewer bots willing and slower liquidations in a crash. Pure.
 */
import { Rng } from "../models/random.js";

export interface LiquidatorAgent {
  /** Reaction delay: the account must have been liquidatable this long (seconds). */
  delaySeconds: number;
  /** USD the bot can put into repayments per step (its capital turns over within the hour). */
  capitalUsd: number;
  /** κ: the bot's price-risk premium in hourly standard deviations over its holding time. */
  riskAversion: number;
}

export interface LiquidatorPopulationSpec {
  count: number;
  seed: number;
  /** Delays are uniform in [min, max] hours. */
  delayHours: readonly [number, number];
  /** Capital is log-uniform in [min, max] USD per step. */
  capitalUsd: readonly [number, number];
  /** κ, uniform in [min, max]. */
  riskAversion: readonly [number, number];
}

/** The seeded bots, fastest first. */
export function drawLiquidators(spec: LiquidatorPopulationSpec): LiquidatorAgent[] {
  const [dMin, dMax] = spec.delayHours;
  const [cMin, cMax] = spec.capitalUsd;
  const [kMin, kMax] = spec.riskAversion;
  if (!(spec.count >= 1)) throw new RangeError("liquidators: count must be at least 1");
  if (!(dMin >= 0 && dMax >= dMin)) throw new RangeError("liquidators: need 0 <= delayHours[0] <= delayHours[1]");
  if (!(cMin > 0 && cMax >= cMin)) throw new RangeError("liquidators: need 0 < capitalUsd[0] <= capitalUsd[1]");
  if (!(kMin >= 0 && kMax >= kMin)) throw new RangeError("liquidators: need 0 <= riskAversion[0] <= riskAversion[1]");
  const rng = new Rng(spec.seed);
  const bots: LiquidatorAgent[] = [];
  for (let i = 0; i < spec.count; i++) {
    const delayHours = dMin + rng.next() * (dMax - dMin);
    const capitalUsd = Math.exp(Math.log(cMin) + rng.next() * (Math.log(cMax) - Math.log(cMin)));
    const riskAversion = kMin + rng.next() * (kMax - kMin);
    bots.push({ delaySeconds: Math.round(delayHours * 3_600), capitalUsd, riskAversion });
  }
  return bots.sort((a, b) => a.delaySeconds - b.delaySeconds);
}

/** The liquidator's edge per USD seized before costs: b(1 − f)/(1 + b). */
export function edgePerUsdSeized(bonusBps: number, protocolFeeBps: number): number {
  const b = bonusBps / 10_000;
  return (b * (1 - protocolFeeBps / 10_000)) / (1 + b);
}

/** Price-risk premium (fraction of the seizure) of holding it for the bot's delay, at least an hour. */
export function riskPremium(agent: LiquidatorAgent, dailySigma: number): number {
  const holdingHours = Math.max(1, agent.delaySeconds / 3_600);
  return agent.riskAversion * (dailySigma / Math.sqrt(24)) * Math.sqrt(holdingHours);
}
