// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RiskParams} from "../libraries/RiskTypes.sol";

/// @title IRiskParameterRegistry
/// @notice Per-asset risk parameters read by the margin engine; written only through the bounded updater.
interface IRiskParameterRegistry {
    /// @notice Who caused a parameter write.
    enum WriteSource {
        Report,
        Governance,
        Guardian
    }

    /// @notice The asset has never been listed.
    error AssetNotListed(address asset);
    /// @notice Freeze was asked for an asset that is already frozen.
    error AssetAlreadyFrozen(address asset);
    /// @notice Unfreeze was asked for an asset that is not frozen.
    error AssetNotFrozen(address asset);
    /// @notice A ramp duration above `MAX_RAMP_DURATION`.
    error RampDurationTooLong(uint32 rampDuration, uint32 maxRampDuration);
    /// @notice A zero address where a contract or account is required.
    error ZeroAddress();

    /// @notice Emitted on every write of an asset's parameters, from any path.
    /// @param asset The collateral asset.
    /// @param oldParams The stored parameters before the write.
    /// @param newParams The stored parameters after the write (targets).
    /// @param rampFromThresholdBps Effective threshold when a new ramp starts (0 when none starts).
    /// @param rampEnd When the threshold ramp reaches the target (0 when none starts).
    /// @param source Which path wrote.
    event ParametersSet(
        address indexed asset,
        RiskParams oldParams,
        RiskParams newParams,
        uint16 rampFromThresholdBps,
        uint32 rampEnd,
        WriteSource source
    );
    /// @notice Emitted when governance changes an asset's ramp duration.
    event RampDurationSet(address indexed asset, uint32 oldRampDuration, uint32 newRampDuration);
    /// @notice Emitted when the guardian freezes an asset (its effective LTV becomes 0).
    event AssetFrozen(address indexed asset, uint16 storedLtvBps);
    /// @notice Emitted when governance unfreezes an asset (the stored LTV applies again).
    event AssetUnfrozen(address indexed asset, uint16 restoredLtvBps);

    /// @notice Writes an asset's parameters (listing it on first write), ramping threshold cuts.
    /// @dev Only the updater calls this; it has already checked bounds and, on the report path, steps.
    /// @param asset The collateral asset.
    /// @param newParams The new target parameters; must satisfy the static invariants.
    /// @param source The path that asked for the write (for the event).
    function setParams(address asset, RiskParams calldata newParams, WriteSource source) external;

    /// @notice Sets how long a cut of the asset's liquidation threshold takes to apply in full.
    /// @param asset The collateral asset (may be unlisted yet).
    /// @param rampDuration Seconds; 0 applies cuts at once.
    function setRampDuration(address asset, uint32 rampDuration) external;

    /// @notice Guardian: sets the asset's effective LTV to 0 (no new borrowing against it).
    /// @param asset A listed asset that is not frozen.
    function freeze(address asset) external;

    /// @notice Governance: lifts a freeze; the stored LTV applies again.
    /// @param asset A frozen asset.
    function unfreeze(address asset) external;

    /// @notice The parameters in force at this block: LTV 0 while frozen, threshold along its ramp.
    /// @param asset A listed asset.
    function effectiveParams(address asset) external view returns (RiskParams memory);

    /// @notice The stored target parameters (what a report's `expectedCurrentParams` must equal).
    /// @param asset A listed asset.
    function storedParams(address asset) external view returns (RiskParams memory);

    /// @notice The liquidation threshold in force at this block.
    /// @param asset A listed asset.
    function effectiveLiquidationThresholdBps(address asset) external view returns (uint16);

    /// @notice The running or last ramp of the liquidation threshold.
    /// @param asset The collateral asset.
    /// @return fromBps Effective threshold when the ramp started.
    /// @return toBps The target threshold.
    /// @return start Ramp start (unix seconds).
    /// @return end Ramp end (unix seconds); the target applies from then on.
    function thresholdRamp(address asset)
        external
        view
        returns (uint16 fromBps, uint16 toBps, uint32 start, uint32 end);

    /// @notice The ramp duration governance set for the asset.
    function rampDuration(address asset) external view returns (uint32);

    /// @notice Whether the asset has been listed (has parameters).
    function isListed(address asset) external view returns (bool);

    /// @notice Whether the guardian froze the asset.
    function isFrozen(address asset) external view returns (bool);

    /// @notice Reverts with the invariant's error if `newParams` could not be written now.
    /// @dev Runs exactly the checks of `setParams`, without writing: used to preview reports.
    function checkParams(address asset, RiskParams calldata newParams) external view;
}
