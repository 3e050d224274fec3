/**
 * The contracts' governance limits in one place, so the deployment-file schema refuses exactly what the
 * contracts refuse: a file that validates deploys. Each constant is read back from the deployed
 * contracts and compared ("deployment schema limits = contract limits" in test/contracts/engine.ts and
 * test/contracts/updater.ts), and the schema is tried at each limit and one past it against the chain.
 */

const DAY = 86_400;

/** The margin engine's limits (InterestRateModel.sol and MarginEngine.sol). */
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

/** The updater's and the registry's limits (BoundedRiskUpdater.sol, RiskParameterRegistry.sol). */
export const UPDATER_LIMITS = {
  maxSigners: 32,
  maxBatch: 64,
  /** Seconds (MAX_COOLDOWN). */
  maxCooldown: 90 * DAY,
  /** Seconds (MAX_REPORT_AGE_LIMIT). */
  maxReportAge: 7 * DAY,
  /** Seconds (MAX_RAMP_DURATION). */
  maxRampDuration: 60 * DAY,
  /** A liquidation window is a uint32 of seconds. */
  maxLiquidationWindow: 2 ** 32 - 1,
  /** Bps bounds lie in (0, BPS]. */
  maxBps: 10_000,
} as const;

/** The oracle's limits (PriceOracle.sol). */
export const ORACLE_LIMITS = {
  /** Seconds (MAX_STALENESS_ALLOWANCE). */
  maxStalenessAllowance: 72 * 3_600,
} as const;
