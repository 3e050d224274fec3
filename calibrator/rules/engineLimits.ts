/**
 * The margin engine's governance limits (InterestRateModel.sol and MarginEngine.sol constants), so the
 * deployment-file schema refuses exactly what the contracts refuse: a file that validates deploys.
 * Tied to the contracts by the differential test "deployment schema limits = contract limits".
 */
export const ENGINE_LIMITS = {
  maxBaseRateBps: 10_000,
  maxSlope1Bps: 10_000,
  maxSlope2Bps: 50_000,
  minOptimalUtilizationBps: 1_000,
  maxOptimalUtilizationBps: 9_900,
  maxReserveFactorBps: 5_000,
  maxProtocolFeeBps: 5_000,
  minFullCloseHealthBps: 5_000,
  maxFullCloseHealthBps: 10_000,
  /** 18-decimal USD. */
  maxMinLeftoverValue: 1_000_000n * 10n ** 18n,
} as const;
