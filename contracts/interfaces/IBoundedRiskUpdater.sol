// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AssetRules, PackedRiskReport, Param, RiskParams, Signature} from "../libraries/RiskTypes.sol";
import {IRiskParameterRegistry} from "./IRiskParameterRegistry.sol";

/// @title IBoundedRiskUpdater
/// @notice The oracle-style path for calibrated risk parameters: EIP-712 reports signed by a quorum
///         of calibrators, accepted only within governance bounds, steps, cooldowns and freshness rules.
///         The deployed contract is also the `IRiskParameterRegistry` the margin engine reads.
interface IBoundedRiskUpdater is IRiskParameterRegistry {
    // ---------------------------------------------------------------- report rejections
    /// @notice Reports are refused while the guardian has paused the updater.
    error UpdaterPaused();
    /// @notice Fewer valid signatures than the quorum.
    error InsufficientSignatures(uint256 provided, uint256 quorum);
    /// @notice More signatures than `MAX_SIGNERS` (bounds the verification loop).
    error TooManySignatures(uint256 provided, uint256 max);
    /// @notice The signature at `index` is malformed (bad length, s or v).
    error InvalidSignature(uint256 index);
    /// @notice A signature recovered to an address that is not a registered calibrator signer.
    error UnknownSigner(address signer);
    /// @notice Two signatures from the same signer.
    error DuplicateSigner(address signer);
    /// @notice An empty batch.
    error EmptyBatch();
    /// @notice A batch longer than `MAX_BATCH`.
    error BatchTooLarge(uint256 length, uint256 max);
    /// @notice Governance has not set rules for the asset.
    error AssetNotConfigured(address asset);
    /// @notice A risk-increasing report for a frozen asset: while frozen, only risk-reducing reports land,
    ///         so `unfreeze` cannot restore an LTV the quorum walked up during the freeze.
    error AssetFrozenRiskIncreasing(address asset);
    /// @notice The report's nonce is not the asset's next nonce.
    error InvalidNonce(address asset, uint64 expected, uint64 provided);
    /// @notice The report claims an observation time after the current block.
    error ReportFromFuture(address asset, uint64 observedAt);
    /// @notice The report's observation is older than `maxReportAge`.
    error ReportTooOld(address asset, uint64 observedAt, uint32 maxReportAge);
    /// @notice The report's observation is not newer than the last accepted report's.
    error ReportNotNewer(address asset, uint64 observedAt, uint64 lastObservedAt);
    /// @notice Compare-and-swap failed: the report was computed against other live parameters.
    error StaleCurrentParams(address asset);
    /// @notice The new parameters equal the live ones.
    error NoChange(address asset);
    /// @notice A packed parameter word with bits set above bit 191.
    error MalformedPackedParams(address asset);
    /// @notice A changed parameter lies outside its governance bounds.
    error ParamOutOfBounds(address asset, Param param, uint256 value, uint256 min, uint256 max);
    /// @notice A parameter moves further than its max step in that direction.
    error StepTooLarge(address asset, Param param, uint256 from, uint256 to, uint256 maxStep);
    /// @notice A cooldown has not passed: the risk-reducing one since the last write, or (for a report
    ///         with a risk-increasing move) the risk-increasing one since the last risk-increasing write.
    error CooldownActive(address asset, uint256 readyAt);

    // ---------------------------------------------------------------- governance / guardian rejections
    /// @notice The guardian asked for a change that is not a tightening (`param` loosens or is untouchable).
    error NotTightening(address asset, Param param);
    /// @notice A rule with min > max, a bps bound above 10000, or a zero lower bound.
    error InvalidBounds(Param param);
    /// @notice A risk-reducing step smaller than the risk-increasing one.
    error RiskReducingStepTooSmall(Param param);
    /// @notice A risk-reducing cooldown longer than the risk-increasing one.
    error RiskReducingCooldownTooLong(uint32 riskReducingCooldown, uint32 riskIncreasingCooldown);
    /// @notice A cooldown above `MAX_COOLDOWN`.
    error CooldownTooLong(uint32 cooldown, uint32 max);
    /// @notice The signer is already registered.
    error SignerAlreadyRegistered(address signer);
    /// @notice The signer is not registered.
    error SignerNotRegistered(address signer);
    /// @notice Registering would exceed `MAX_SIGNERS`.
    error TooManySigners(uint256 max);
    /// @notice A quorum of zero or above the signer count.
    error InvalidQuorum(uint256 quorum, uint256 signerCount);
    /// @notice A max report age of zero or above `MAX_REPORT_AGE_LIMIT`.
    error InvalidMaxReportAge(uint32 maxReportAge);
    /// @notice pause() while paused, or unpause() while not paused.
    error PauseStateUnchanged(bool paused);

    // ---------------------------------------------------------------- events
    /// @notice An accepted report: with `GovernanceParamsSet`, `GuardianTightened` and the ramp events,
    ///         everything an auditor needs to rebuild the parameter history from logs alone.
    /// @param asset The collateral asset.
    /// @param nonce The report's nonce (the asset's count of accepted reports before this one).
    /// @param reportHash Content hash of the calibrator's report (inputs, intermediates, code version).
    /// @param oldParams The stored parameters before the report, PackedRiskParams layout (decode with
    ///        `unpackParams` or calibrator/rules/packing.ts).
    /// @param newParams The stored parameters after the report, same layout.
    /// @param signerBitmap The calibrators whose signatures were verified: bit i set for the signer
    ///        registered at index i (`SignerAdded`/`SignerRemoved` give the index; `signerAt` reads it).
    event ReportAccepted(
        address indexed asset, uint64 nonce, bytes32 reportHash, uint256 oldParams, uint256 newParams, uint256 signerBitmap
    );
    /// @notice Governance set an asset's bounds, steps and cooldowns.
    /// @param asset The collateral asset.
    /// @param rules The new rules.
    event AssetRulesSet(address indexed asset, AssetRules rules);
    /// @notice Governance wrote parameters directly (bounds apply, steps and cooldowns do not).
    /// @param asset The collateral asset.
    /// @param oldParams The stored parameters before (all zero when the write listed the asset).
    /// @param newParams The stored parameters after.
    event GovernanceParamsSet(address indexed asset, RiskParams oldParams, RiskParams newParams);
    /// @notice The guardian tightened parameters at once.
    /// @param asset The collateral asset.
    /// @param oldParams The stored parameters before.
    /// @param newParams The stored parameters after.
    event GuardianTightened(address indexed asset, RiskParams oldParams, RiskParams newParams);
    /// @notice A calibrator signer was registered.
    /// @param signer The signer's address.
    /// @param index Its index (1..32): its bit in `ReportAccepted.signerBitmap`, stable until removal.
    /// @param signerCount Registered signers after the change.
    event SignerAdded(address indexed signer, uint256 index, uint256 signerCount);
    /// @notice A calibrator signer was removed; its index becomes free for a later signer.
    /// @param signer The signer's address.
    /// @param index The index it held.
    /// @param signerCount Registered signers after the change.
    event SignerRemoved(address indexed signer, uint256 index, uint256 signerCount);
    /// @notice The quorum changed.
    /// @param oldQuorum The previous quorum.
    /// @param newQuorum The new quorum.
    event QuorumSet(uint8 oldQuorum, uint8 newQuorum);
    /// @notice The max report age changed.
    /// @param oldMaxReportAge The previous limit (seconds).
    /// @param newMaxReportAge The new limit (seconds).
    event MaxReportAgeSet(uint32 oldMaxReportAge, uint32 newMaxReportAge);
    /// @notice The guardian paused report submission.
    /// @param by The guardian account.
    event Paused(address indexed by);
    /// @notice Governance resumed report submission.
    /// @param by The governance account (the timelock).
    event Unpaused(address indexed by);

    // ---------------------------------------------------------------- report path
    /// @notice Applies one report signed (EIP-712 `RiskReport`) by at least `quorum` signers. Anyone may relay.
    /// @param report The report, its parameters packed (see `PackedRiskReport`).
    /// @param signatures Compact signatures over `reportDigest(report)`, in any order.
    function submitReport(PackedRiskReport calldata report, Signature[] calldata signatures) external;

    /// @notice Applies reports for many assets atomically, signed once over the whole batch
    ///         (EIP-712 `RiskReportBatch`). Any invalid report reverts the batch with its error.
    /// @param reports One report per asset (a repeated asset fails its nonce check).
    /// @param signatures Compact signatures over `batchDigest(reports)`.
    function submitReports(PackedRiskReport[] calldata reports, Signature[] calldata signatures) external;

    /// @notice Reverts with the error `submitReport` would raise, signatures aside; returns otherwise.
    /// @dev The keeper's dry run and the differential tests use this exact code path.
    /// @param report The report to check.
    function previewReport(PackedRiskReport calldata report) external view;

    /// @notice The EIP-712 digest a signer signs for a single report.
    /// @param report The report.
    /// @return The digest.
    function reportDigest(PackedRiskReport calldata report) external view returns (bytes32);

    /// @notice Packs parameters into the PackedRiskParams word reports carry (helper for relayers).
    /// @param params The parameters.
    /// @return The packed word.
    function packParams(RiskParams calldata params) external pure returns (uint256);

    /// @notice The EIP-712 digest a signer signs for a batch.
    /// @param reports The batch, in submission order.
    /// @return The digest.
    function batchDigest(PackedRiskReport[] calldata reports) external view returns (bytes32);

    // ---------------------------------------------------------------- governance / guardian
    /// @notice Governance: sets an asset's bounds, steps and cooldowns. The live parameters, if the
    ///         asset is listed, must lie within the new bounds.
    /// @param asset The collateral asset.
    /// @param rules Bounds (bps rules <= 10000), steps (risk-reducing >= risk-increasing) and cooldowns.
    function setAssetRules(address asset, AssetRules calldata rules) external;

    /// @notice Governance: writes parameters directly (lists the asset on first write). Bounds and
    ///         invariants apply; steps and cooldowns do not. Restarts both of the asset's cooldown clocks.
    /// @param asset A configured asset.
    /// @param newParams The new parameters.
    function governanceSetParams(address asset, RiskParams calldata newParams) external;

    /// @notice Guardian: tightens at once (LTV and threshold down, bonus and close factor up; cap and
    ///         window unchanged), within bounds. Restarts both of the asset's cooldown clocks.
    /// @param asset A listed asset.
    /// @param newParams The tighter parameters.
    function guardianTighten(address asset, RiskParams calldata newParams) external;

    /// @notice Governance: registers a calibrator signer.
    /// @param signer The signer's address.
    function addSigner(address signer) external;

    /// @notice Governance: removes a calibrator signer; the quorum must stay reachable.
    /// @param signer A registered signer.
    function removeSigner(address signer) external;

    /// @notice Governance: sets how many distinct signers a report needs.
    /// @param quorum Between 1 and the number of registered signers.
    function setQuorum(uint8 quorum) external;

    /// @notice Governance: sets how old a report's observation may be when it lands.
    /// @param maxReportAge Seconds, in (0, MAX_REPORT_AGE_LIMIT].
    function setMaxReportAge(uint32 maxReportAge) external;

    /// @notice Guardian: stops report submission.
    function pause() external;

    /// @notice Governance: resumes report submission.
    function unpause() external;

    // ---------------------------------------------------------------- views
    /// @notice The asset's rules as governance set them.
    /// @param asset The collateral asset.
    /// @return The bounds, steps and cooldowns.
    function assetRules(address asset) external view returns (AssetRules memory);

    /// @notice The asset's report bookkeeping.
    /// @param asset The collateral asset.
    /// @return configured Whether governance set rules for the asset.
    /// @return nonce The nonce the next report must carry.
    /// @return lastUpdateAt When the asset's parameters were last written through this contract.
    /// @return lastObservedAt The observation time of the last accepted report.
    /// @return lastRiskIncreasingAt When a risk-increasing change was last written (a report's, or a
    ///         governance or guardian write, which restarts both clocks); at most 2^24 - 1 s before
    ///         `lastUpdateAt`. A risk-increasing report waits the risk-increasing cooldown after it.
    function assetState(address asset)
        external
        view
        returns (bool configured, uint64 nonce, uint40 lastUpdateAt, uint40 lastObservedAt, uint40 lastRiskIncreasingAt);

    /// @notice The registered calibrator signers.
    /// @return The signers, by ascending index.
    function signers() external view returns (address[] memory);

    /// @notice The signer registered at `index` (zero address if the index is free).
    /// @param index 1..32.
    /// @return The signer's address.
    function signerAt(uint256 index) external view returns (address);

    /// @notice The index of a registered signer (0 if not registered).
    /// @param signer The address.
    /// @return The index (1..32), its bit in `ReportAccepted.signerBitmap`.
    function signerIndex(address signer) external view returns (uint256);

    /// @notice Whether `account` is a registered calibrator signer.
    /// @param account The address to check.
    /// @return True when registered.
    function isSigner(address account) external view returns (bool);

    /// @notice Distinct signers a report needs.
    /// @return The quorum.
    function quorum() external view returns (uint8);

    /// @notice Max seconds between a report's observation and its landing.
    /// @return The limit in seconds.
    function maxReportAge() external view returns (uint32);

    /// @notice Whether report submission is paused.
    /// @return True while paused.
    function paused() external view returns (bool);
}
