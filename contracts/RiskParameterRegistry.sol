// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IRiskParameterRegistry} from "./interfaces/IRiskParameterRegistry.sol";
import {GUARDIAN_ROLE as GUARDIAN} from "./libraries/ConstantsLib.sol";
import {ZeroAddress} from "./libraries/Errors.sol";
import {RiskParams} from "./libraries/RiskTypes.sol";
import {RiskParamsLib} from "./libraries/RiskParamsLib.sol";
import {AssetState} from "./types/AssetState.sol";
import {PackedRiskParams, PackedRiskParamsLib} from "./types/PackedRiskParams.sol";
import {ParamsSlot, ParamsSlotLib} from "./types/ParamsSlot.sol";

/// @title RiskParameterRegistry
/// @notice Holds each collateral asset's risk parameters in one storage slot, enforces the static
///         invariants on every write and ramps cuts of the liquidation threshold linearly, so a
///         parameter change never liquidates existing borrowers in a single block.
/// @dev An abstract module: its only writer is `_writeParams`, reachable solely from the bounded
///      update path (BoundedRiskUpdater, which inherits this and is the deployed contract). "Only the
///      updater and governance write" therefore holds by construction, and a report costs one cold
///      account instead of two plus a role check (docs/contracts.md, "One contract, two modules").
///      Roles: DEFAULT_ADMIN_ROLE is governance (a TimelockController), GUARDIAN_ROLE may freeze.
///      Each asset has two words: its `ParamsSlot` (targets, running ramp, frozen flag; one SLOAD in
///      the steady state) and its `AssetState` (nonce, clocks, cooldowns, ramp start and duration),
///      shared with the report path.
abstract contract RiskParameterRegistry is IRiskParameterRegistry, AccessControl {
    /// @notice Role allowed to freeze an asset, pause reports and tighten parameters at once.
    bytes32 public constant GUARDIAN_ROLE = GUARDIAN;
    /// @notice Longest ramp governance may set.
    uint32 public constant MAX_RAMP_DURATION = 60 days;

    mapping(address asset => ParamsSlot) internal _paramSlots;
    /// @dev Shared with the report path.
    mapping(address asset => AssetState) internal _assetStates;

    /// @notice Grants governance and (optionally) the guardian their roles.
    /// @param governance The timelock that administers roles and ramp durations.
    /// @param guardian The account allowed to freeze assets (may be zero to grant later).
    constructor(address governance, address guardian) {
        if (governance == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
    }

    // ------------------------------------------------------------------ governance and guardian

    /// @inheritdoc IRiskParameterRegistry
    function setRampDuration(address asset, uint32 newRampDuration) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (asset == address(0)) revert ZeroAddress();
        if (newRampDuration > MAX_RAMP_DURATION) revert RampDurationTooLong(newRampDuration, MAX_RAMP_DURATION);
        AssetState state = _assetStates[asset];
        _assetStates[asset] = state.withRampDuration(newRampDuration);
        emit RampDurationSet(asset, state.rampDuration(), newRampDuration);
    }

    /// @inheritdoc IRiskParameterRegistry
    function freeze(address asset) external onlyRole(GUARDIAN_ROLE) {
        ParamsSlot slot = _listedSlot(asset);
        if (slot.isFrozen()) revert AssetAlreadyFrozen(asset);
        _paramSlots[asset] = slot.frozen();
        emit AssetFrozen(asset, slot.ltvBps());
    }

    /// @inheritdoc IRiskParameterRegistry
    function unfreeze(address asset) external onlyRole(DEFAULT_ADMIN_ROLE) {
        ParamsSlot slot = _listedSlot(asset);
        if (!slot.isFrozen()) revert AssetNotFrozen(asset);
        _paramSlots[asset] = slot.unfrozen();
        emit AssetUnfrozen(asset, slot.ltvBps());
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IRiskParameterRegistry
    function effectiveParams(address asset) external view returns (RiskParams memory p) {
        ParamsSlot slot = _listedSlot(asset);
        p = slot.targets().unpack();
        p.liquidationThresholdBps = _effectiveThreshold(asset, slot);
        if (slot.isFrozen()) p.ltvBps = 0;
    }

    /// @inheritdoc IRiskParameterRegistry
    function effectiveParamsPacked(address asset) external view returns (uint256 packed) {
        ParamsSlot slot = _listedSlot(asset);
        packed = PackedRiskParams.unwrap(slot.effective(_effectiveThreshold(asset, slot)));
    }

    /// @inheritdoc IRiskParameterRegistry
    function storedParams(address asset) external view returns (RiskParams memory) {
        return _listedSlot(asset).targets().unpack();
    }

    /// @inheritdoc IRiskParameterRegistry
    function effectiveLiquidationThresholdBps(address asset) external view returns (uint16) {
        return _effectiveThreshold(asset, _listedSlot(asset));
    }

    /// @inheritdoc IRiskParameterRegistry
    function thresholdRamp(address asset)
        external
        view
        returns (uint16 fromBps, uint16 toBps, uint40 start, uint40 end)
    {
        ParamsSlot slot = _paramSlots[asset];
        return (slot.rampFrom(), slot.liquidationThresholdBps(), _assetStates[asset].rampStart(), slot.rampEnd());
    }

    /// @inheritdoc IRiskParameterRegistry
    function rampDuration(address asset) external view returns (uint32) {
        return _assetStates[asset].rampDuration();
    }

    /// @inheritdoc IRiskParameterRegistry
    function isListed(address asset) external view returns (bool) {
        return _paramSlots[asset].isListed();
    }

    /// @inheritdoc IRiskParameterRegistry
    function isFrozen(address asset) external view returns (bool) {
        return _paramSlots[asset].isFrozen();
    }

    /// @inheritdoc IRiskParameterRegistry
    function unpackParams(uint256 packed) external pure returns (RiskParams memory) {
        return PackedRiskParams.wrap(packed & PackedRiskParamsLib.PARAMS_MASK).unpack();
    }

    // ------------------------------------------------------------------ the single write path

    /// @dev Writes `newParams` over the asset's stored parameters, listing the asset on its first write.
    ///      Checks the static invariants; starts a ramp for a threshold cut. Takes and returns the asset's
    ///      state so that the caller writes it once.
    function _writeParams(address asset, ParamsSlot currentSlot, PackedRiskParams newParams, AssetState state)
        internal
        returns (AssetState newState)
    {
        (ParamsSlot next, bool startsRamp) = _nextSlot(asset, currentSlot, newParams, state);
        _paramSlots[asset] = next;
        newState = state;
        if (startsRamp) {
            newState = state.withRampStartNow();
            emit ThresholdRampStarted(
                asset, next.rampFrom(), next.liquidationThresholdBps(), uint40(block.timestamp), next.rampEnd()
            );
        }
    }

    /// @dev The slot after writing `newParams` over `current`, with the invariants checked. A threshold
    ///      cut below the effective value starts a ramp from the effective value (even mid-ramp, as in
    ///      Euler v2, but never slower than the running ramp); an unchanged target keeps the running
    ///      ramp; a raise (or a cut with no ramp duration) applies at once and ends any running ramp.
    function _nextSlot(address asset, ParamsSlot current, PackedRiskParams newParams, AssetState state)
        internal
        view
        returns (ParamsSlot next, bool startsRamp)
    {
        uint16 newThreshold = newParams.liquidationThresholdBps();
        uint16 maxEffective = newThreshold;
        next = ParamsSlotLib.afterWrite(newParams, current);
        if (current.isListed()) {
            uint16 effective = _effectiveThreshold(asset, current);
            if (newThreshold == current.liquidationThresholdBps()) {
                maxEffective = effective;
                next = next.withRampOf(current); // the running ramp (if any) continues unchanged
            } else if (newThreshold < effective) {
                uint256 duration = state.rampDuration();
                // A further cut never slows a running ramp (a run of 1-bps cuts must not stall a large
                // one): the new ramp falls at least at the running ramp's pace from the effective value,
                // (effective - oldTarget) / (oldEnd - now), so its line stays at or below the running
                // schedule, and ends within the ramp duration, so it is never slower than a fresh ramp.
                uint256 oldEnd = current.rampEnd();
                uint256 oldTarget = current.liquidationThresholdBps();
                if (duration != 0 && block.timestamp < oldEnd && effective > oldTarget) {
                    uint256 atRunningPace = ((oldEnd - block.timestamp) * (effective - newThreshold)) / (effective - oldTarget);
                    if (atRunningPace < duration) duration = atRunningPace;
                }
                if (duration != 0) {
                    startsRamp = true;
                    maxEffective = effective;
                    next = next.withRamp(effective, block.timestamp + duration);
                }
            }
        }
        RiskParamsLib.checkInvariants(newParams, maxEffective);
    }

    /// @dev Linear interpolation from the ramp's start value to the target; the decrease is rounded
    ///      up, so the effective threshold is the straight line rounded down. A ramp started from it
    ///      mid-ramp then starts at or below the running line, and a schedule at or below another in
    ///      real numbers stays at or below it in integers (floor is monotone).
    function _effectiveThreshold(address asset, ParamsSlot slot) internal view returns (uint16) {
        uint256 end = slot.rampEnd();
        uint16 target = slot.liquidationThresholdBps();
        if (block.timestamp >= end) return target;
        uint256 start = _assetStates[asset].rampStart();
        uint256 from = slot.rampFrom();
        uint256 span = end - start;
        uint256 drop = ((from - target) * (block.timestamp - start) + span - 1) / span;
        return uint16(from - drop);
    }

    function _listedSlot(address asset) internal view returns (ParamsSlot slot) {
        slot = _paramSlots[asset];
        if (!slot.isListed()) revert AssetNotListed(asset);
    }
}
