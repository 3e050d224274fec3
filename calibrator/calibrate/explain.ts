/**
 * The calibration's reasoning in words: the estimates behind each parameter (σ, ES, slippage at size,
 * the bonus terms, the spiral product), and the warnings a risk team must see before it signs (a proxy
 * pool, a target the chain's bounds will clamp). Pure: `bulwark calibrate` prints what this returns.
 */
import { reachableTarget } from "../keeper/plan.js";
import { riskParamsFromJson } from "../rules/paramsJson.js";
import type { AssetRules, RiskParams } from "../rules/types.js";
import type { AssetCalibration } from "./pipeline.js";

export interface CalibrationExplanation {
  symbol: string;
  /** One line per parameter and per estimate, in the order they feed each other. */
  lines: string[];
  warnings: string[];
  /** The target inside the bounds, when bounds were given and they clamp it. */
  clamped?: RiskParams;
}

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const bps = (x: number) => `${(x / 100).toFixed(2)}%`;
const usd = (x: number) => `$${Math.round(x).toLocaleString("en-US")}`;
const hours = (seconds: number) => `${(seconds / 3_600).toFixed(seconds % 3_600 === 0 ? 0 : 2)} h`;

const CLAMPED_FIELDS = [
  ["ltvBps", "LTV"],
  ["liquidationThresholdBps", "threshold"],
  ["liquidationBonusBps", "bonus"],
  ["closeFactorBps", "close factor"],
] as const;

export function explainCalibration(calibration: AssetCalibration, rules?: AssetRules): CalibrationExplanation {
  const { symbol, params, reasoning: r } = calibration;
  const v = r.volatility;
  const t = r.tail;
  const b = r.bonus;
  const lines = [
    `σ: GARCH ${pct(v.garchSigmaNext, 3)} per ${hours(v.candleSeconds)}${v.impliedAtmVol === null ? ", no option snapshot" : `, implied ATM ${pct(v.impliedAtmVol, 1)} a year`}; over the ${hours(v.horizonSeconds)} liquidation horizon σ = ${pct(v.sigmaHorizon)} (the larger), ${pct(v.hourlyVol, 3)} an hour`,
    `ES at ${t.confidence} over the horizon: FHS ${pct(t.fhsEs)}, normal ${pct(t.normalEs)}, 10-year floor ${t.longRunHorizonEs > 0 ? pct(t.longRunHorizonEs) : "none (no long history)"} → ${pct(t.horizonEs)} (${t.binding} binds); with the ${pct(t.stressBuffer)} stress buffer, a price drop of ${pct(t.priceDrop)}`,
    `slippage selling ${usd(r.liquidity.stressedSizeUsd)} into ${r.liquidity.pool}: ${pct(r.liquidity.stressedSlippage)}${r.liquidity.poolIsProxy ? " (proxy pool)" : ""}`,
    `bonus = (slippage ${pct(b.slippage)} + gas ${pct(b.gasTerm, 3)} + price risk max(now ${pct(b.currentExecutionRisk)}, 10-year ${pct(b.longRunExecutionRisk)})) / (1 − slippage) = ${pct(b.bonusRaw)}, floor ${pct(b.minBonus)} → ${bps(params.liquidationBonusBps)}`,
    `threshold = min(tail ${pct(r.threshold.fromTail)}, spiral cap ${pct(r.threshold.spiralCap)}) → ${bps(params.liquidationThresholdBps)} (${r.threshold.binding} binds)`,
    `LTV = threshold × e^(−${r.ltv.zBuffer.toFixed(3)} σ √${r.ltv.bufferHours} h) → ${bps(params.ltvBps)}`,
    `spiral product LT × (1 + LB) = ${r.spiralProduct.toFixed(4)} ≤ ${r.spiralCeiling.toFixed(4)}; cap ${usd(Number(BigInt(params.liquidationCapPerWindow) / 10n ** 18n))} per ${hours(params.liquidationWindow)} (sellable within the bonus)`,
  ];
  const warnings: string[] = [];
  if (r.liquidity.poolIsProxy) {
    warnings.push(`${symbol}'s slippage and cap are priced off a proxy pool (${r.liquidity.pool}), not a pool of ${symbol} itself: its depth may differ`);
  }
  if (r.crisis) warnings.push(`${symbol} is in a crisis (a move over 4× the long-run hourly σ in 24 h): the keeper holds its threshold and will not raise its bonus`);
  let clamped: RiskParams | undefined;
  if (rules) {
    const target = riskParamsFromJson(params);
    const reachable = reachableTarget(target, rules);
    const moved = CLAMPED_FIELDS.filter(([field]) => reachable[field] !== target[field]);
    const capMoved = reachable.liquidationCapPerWindow !== target.liquidationCapPerWindow;
    if (moved.length > 0 || capMoved || reachable.liquidationWindow !== target.liquidationWindow) {
      clamped = reachable;
      const parts = moved.map(([field, name]) => `${name} ${bps(target[field])} → ${bps(reachable[field])}`);
      if (capMoved) parts.push(`cap ${usd(Number(target.liquidationCapPerWindow / 10n ** 18n))} → ${usd(Number(reachable.liquidationCapPerWindow / 10n ** 18n))}`);
      if (reachable.liquidationWindow !== target.liquidationWindow) parts.push(`window ${hours(target.liquidationWindow)} → ${hours(reachable.liquidationWindow)}`);
      warnings.push(`the chain's bounds clamp ${symbol}'s target: ${parts.join(", ")}`);
    }
  }
  return { symbol, lines, warnings, ...(clamped ? { clamped } : {}) };
}
