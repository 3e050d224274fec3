/** RiskParams to and from their JSON form (the 18-decimal cap as a decimal string): one conversion for every file and report. */
import type { RiskParams, RiskParamsJson } from "./types.js";

export const riskParamsFromJson = (p: RiskParamsJson): RiskParams => ({ ...p, liquidationCapPerWindow: BigInt(p.liquidationCapPerWindow) });

export const riskParamsToJson = (p: RiskParams): RiskParamsJson => ({ ...p, liquidationCapPerWindow: p.liquidationCapPerWindow.toString() });
