// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RiskParams} from "../libraries/RiskTypes.sol";

/// @title IRiskParameterRegistry
/// @notice Per-asset risk parameters as the margin engine reads them: the stored targets, the
///         effective values at the current block (threshold cuts ramp linearly; a frozen asset has LTV 0).
interface IRiskParameterRegistry {
    /// @notice The asset has never been listed.
    error AssetNotListed(address asset);
    /// @notice Freeze was asked for an asset that is already frozen.
    error AssetAlreadyFrozen(address asset);
    /// @notice Unfreeze was asked for an asset that is not frozen.
    error AssetNotFrozen(address asset);
    /// @notice A ramp duration above `MAX_RAMP_DURATION`.
    error RampDurationTooLong(uint32 rampDuration, uint32 maxRampDuration);

    /// @notice Emitted when a cut of the liquidation threshold starts ramping.
    /// @param asset The collateral asset.
    /// @param fromBps The effective threshold when the ramp starts.
    /// @param toBps The target threshold.
    /// @param start Ramp start (unix seconds).
    /// @param end When the target applies in full (unix seconds).
    event ThresholdRampStarted(address indexed asset, uint16 fromBps, uint16 toBps, uint40 start, uint40 end);
    /// @notice Emitted when governance changes an asset's ramp duration.
    /// @param asset The collateral asset.
    /// @param oldRampDuration The previous duration (seconds).
    /// @param newRampDuration The new duration (seconds).
    event RampDurationSet(address indexed asset, uint32 oldRampDuration, uint32 newRampDuration);
    /// @notice Emitted when the guardian freezes an asset (its effective LTV becomes 0).
    /// @param asset The collateral asset.
    /// @param storedLtvBps The stored LTV, kept and restored on unfreeze.
    event AssetFrozen(address indexed asset, uint16 storedLtvBps);
    /// @notice Emitted when governance unfreezes an asset (the stored LTV applies again).
    /// @param asset The collateral asset.
    /// @param restoredLtvBps The LTV in force again.
    event AssetUnfrozen(address indexed asset, uint16 restoredLtvBps);

    /// @notice Governance: sets how long a cut of the asset's liquidation threshold takes to apply in full.
    /// @param asset The collateral asset (may be unlisted yet).
    /// @param rampDuration Seconds; 0 applies cuts at once.
    function setRampDuration(address asset, uint32 rampDuration) external;

    /// @notice Guardian: sets the asset's effective LTV to 0 (no new borrowing against it); the
    ///         stored LTV is kept and applies again on unfreeze.
    /// @param asset A listed asset that is not frozen.
    function freeze(address asset) external;

    /// @notice Governance: lifts a freeze (it loosens, so it is not a guardian power).
    /// @param asset A frozen asset.
    function unfreeze(address asset) external;

    /// @notice The parameters in force at this block: LTV 0 while frozen, threshold along its ramp.
    /// @param asset A listed asset.
    /// @return The effective parameters.
    function effectiveParams(address asset) external view returns (RiskParams memory);

    /// @notice `effectiveParams` as one `PackedRiskParams` word: the cheap read for consumer contracts.
    /// @param asset A listed asset.
    /// @return packed The effective parameters, layout of `PackedRiskParams` (bits above 191 are zero).
    function effectiveParamsPacked(address asset) external view returns (uint256 packed);

    /// @notice The stored target parameters (what a report's `expectedCurrentParams` must equal).
    /// @param asset A listed asset.
    /// @return The stored parameters.
    function storedParams(address asset) external view returns (RiskParams memory);

    /// @notice The liquidation threshold in force at this block.
    /// @param asset A listed asset.
    /// @return The effective liquidation threshold in bps.
    function effectiveLiquidationThresholdBps(address asset) external view returns (uint16);

    /// @notice The running or last ramp of the liquidation threshold.
    /// @param asset The collateral asset.
    /// @return fromBps Effective threshold when the ramp started.
    /// @return toBps The target threshold.
    /// @return start Ramp start (unix seconds).
    /// @return end Ramp end (unix seconds; 0 when no ramp is set); the target applies from then on.
    function thresholdRamp(address asset)
        external
        view
        returns (uint16 fromBps, uint16 toBps, uint40 start, uint40 end);

    /// @notice The ramp duration governance set for the asset.
    /// @param asset The collateral asset.
    /// @return Seconds a threshold cut takes to apply in full.
    function rampDuration(address asset) external view returns (uint32);

    /// @notice Whether the asset has been listed (has parameters).
    /// @param asset The collateral asset.
    /// @return True once governance wrote its first parameters.
    function isListed(address asset) external view returns (bool);

    /// @notice Whether the guardian froze the asset.
    /// @param asset The collateral asset.
    /// @return True while the effective LTV is forced to 0.
    function isFrozen(address asset) external view returns (bool);

    /// @notice Decodes a word in the PackedRiskParams layout (as emitted in `ReportAccepted`).
    /// @param packed The packed word (bits above 191 are ignored).
    /// @return The parameters.
    function unpackParams(uint256 packed) external pure returns (RiskParams memory);
}
