// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IRiskParameterRegistry} from "./interfaces/IRiskParameterRegistry.sol";
import {AssetStateWord} from "./libraries/AssetStateWord.sol";
import {GUARDIAN_ROLE as GUARDIAN} from "./libraries/ConstantsLib.sol";
import {ZeroAddress} from "./libraries/Errors.sol";
import {PackedRiskParams} from "./libraries/PackedRiskParams.sol";
import {RiskParams} from "./libraries/RiskTypes.sol";
import {RiskParamsLib} from "./libraries/RiskParamsLib.sol";

/// @title RiskParameterRegistry
/// @notice Holds each collateral asset's risk parameters in one storage slot, enforces the static
///         invariants on every write and ramps cuts of the liquidation threshold linearly, so a
///         parameter change never liquidates existing borrowers in a single block.
/// @dev An abstract module: its only writer is `_writeParams`, reachable solely from the bounded
///      update path (BoundedRiskUpdater, which inherits this and is the deployed contract). "Only the
///      updater and governance write" therefore holds by construction, and a report costs one cold
///      account instead of two plus a role check (docs/contracts.md, "One contract, two modules").
///      Roles: DEFAULT_ADMIN_ROLE is governance (a TimelockController), GUARDIAN_ROLE may freeze.
///      Params slot layout: PackedRiskParams in bits 0..191 (targets), the ramp's starting threshold
///      in 192..207, the ramp end in 208..247 (40-bit time), the frozen flag at bit 248. The ramp start
///      lives in the asset's state word and is read only while a ramp runs: a steady-state read is one SLOAD.
abstract contract RiskParameterRegistry is IRiskParameterRegistry, AccessControl {
    using PackedRiskParams for uint256;
    using AssetStateWord for uint256;

    /// @notice Role allowed to freeze an asset, pause reports and tighten parameters at once.
    bytes32 public constant GUARDIAN_ROLE = GUARDIAN;
    /// @notice Longest ramp governance may set.
    uint32 public constant MAX_RAMP_DURATION = 60 days;

    uint256 private constant RAMP_FROM_SHIFT = 192;
    uint256 private constant RAMP_END_SHIFT = 208;
    uint256 private constant RAMP_MASK = ((1 << 56) - 1) << RAMP_FROM_SHIFT; // rampFrom (16) and rampEnd (40)
    uint256 internal constant FROZEN_BIT = 1 << 248;

    mapping(address asset => uint256) internal _paramSlots;
    /// @dev AssetStateWord layout; shared with the report path.
    mapping(address asset => uint256) internal _stateWords;

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
        uint256 word = _stateWords[asset];
        _stateWords[asset] = word.withRampDuration(newRampDuration);
        emit RampDurationSet(asset, word.rampDuration(), newRampDuration);
    }

    /// @inheritdoc IRiskParameterRegistry
    function freeze(address asset) external onlyRole(GUARDIAN_ROLE) {
        uint256 slot = _listedSlot(asset);
        if (slot & FROZEN_BIT != 0) revert AssetAlreadyFrozen(asset);
        _paramSlots[asset] = slot | FROZEN_BIT;
        emit AssetFrozen(asset, slot.ltvBps());
    }

    /// @inheritdoc IRiskParameterRegistry
    function unfreeze(address asset) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 slot = _listedSlot(asset);
        if (slot & FROZEN_BIT == 0) revert AssetNotFrozen(asset);
        _paramSlots[asset] = slot & ~FROZEN_BIT;
        emit AssetUnfrozen(asset, slot.ltvBps());
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IRiskParameterRegistry
    function effectiveParams(address asset) external view returns (RiskParams memory p) {
        uint256 slot = _listedSlot(asset);
        p = slot.unpack();
        p.liquidationThresholdBps = _effectiveThreshold(asset, slot);
        if (slot & FROZEN_BIT != 0) p.ltvBps = 0;
    }

    /// @inheritdoc IRiskParameterRegistry
    function effectiveParamsPacked(address asset) external view returns (uint256 packed) {
        uint256 slot = _listedSlot(asset);
        // Replace the threshold field by its effective value; a frozen asset lends nothing (LTV 0).
        packed = (slot & PackedRiskParams.PARAMS_MASK & ~uint256(0xFFFF_FFFF))
            | (uint256(_effectiveThreshold(asset, slot)) << 16);
        if (slot & FROZEN_BIT == 0) packed |= slot & 0xFFFF;
    }

    /// @inheritdoc IRiskParameterRegistry
    function storedParams(address asset) external view returns (RiskParams memory) {
        return _listedSlot(asset).unpack();
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
        uint256 slot = _paramSlots[asset];
        return (_rampFrom(slot), slot.liquidationThresholdBps(), _stateWords[asset].rampStart(), _rampEnd(slot));
    }

    /// @inheritdoc IRiskParameterRegistry
    function rampDuration(address asset) external view returns (uint32) {
        return _stateWords[asset].rampDuration();
    }

    /// @inheritdoc IRiskParameterRegistry
    function isListed(address asset) external view returns (bool) {
        return _paramSlots[asset] != 0;
    }

    /// @inheritdoc IRiskParameterRegistry
    function isFrozen(address asset) external view returns (bool) {
        return _paramSlots[asset] & FROZEN_BIT != 0;
    }

    /// @inheritdoc IRiskParameterRegistry
    function unpackParams(uint256 packed) external pure returns (RiskParams memory) {
        return packed.unpack();
    }

    // ------------------------------------------------------------------ the single write path

    /// @dev Writes `newParams` (PackedRiskParams layout) over the asset's stored parameters, listing
    ///      the asset on its first write. Checks the static invariants; starts a ramp for a threshold
    ///      cut. Takes and returns the asset's state word so that the caller writes it once.
    function _writeParams(address asset, uint256 currentSlot, uint256 newParams, uint256 stateWord)
        internal
        returns (uint256 newStateWord)
    {
        (uint256 next, bool startsRamp) = _nextSlot(asset, currentSlot, newParams, stateWord);
        _paramSlots[asset] = next;
        newStateWord = stateWord;
        if (startsRamp) {
            newStateWord = stateWord.withRampStartNow();
            emit ThresholdRampStarted(
                asset, _rampFrom(next), next.liquidationThresholdBps(), uint40(block.timestamp), _rampEnd(next)
            );
        }
    }

    /// @dev The slot after writing `newParams` over `current`, with the invariants checked. A threshold
    ///      cut below the effective value starts a ramp from the effective value (even mid-ramp, as in
    ///      Euler v2, but never slower than the running ramp); an unchanged target keeps the running
    ///      ramp; a raise applies at once.
    function _nextSlot(address asset, uint256 current, uint256 newParams, uint256 stateWord)
        internal
        view
        returns (uint256 next, bool startsRamp)
    {
        newParams &= PackedRiskParams.PARAMS_MASK;
        uint16 newThreshold = newParams.liquidationThresholdBps();
        uint16 maxEffective = newThreshold;
        uint256 rampBits; // a raise (or a cut with no ramp duration) ends any running ramp
        if (current != 0) {
            uint16 effective = _effectiveThreshold(asset, current);
            if (newThreshold == current.liquidationThresholdBps()) {
                maxEffective = effective;
                rampBits = current & RAMP_MASK; // the running ramp (if any) continues unchanged
            } else if (newThreshold < effective) {
                uint256 duration = stateWord.rampDuration();
                // A further cut never slows a running ramp (a run of 1-bps cuts must not stall a large
                // one): the new ramp falls at least at the running ramp's pace from the effective value,
                // (effective - oldTarget) / (oldEnd - now), so its line stays at or below the running
                // schedule, and ends within the ramp duration, so it is never slower than a fresh ramp.
                uint256 oldEnd = _rampEnd(current);
                uint256 oldTarget = current.liquidationThresholdBps();
                if (duration != 0 && block.timestamp < oldEnd && effective > oldTarget) {
                    uint256 atRunningPace = ((oldEnd - block.timestamp) * (effective - newThreshold)) / (effective - oldTarget);
                    if (atRunningPace < duration) duration = atRunningPace;
                }
                if (duration != 0) {
                    startsRamp = true;
                    maxEffective = effective;
                    rampBits = (uint256(effective) << RAMP_FROM_SHIFT) | ((block.timestamp + duration) << RAMP_END_SHIFT);
                }
            }
        }
        RiskParamsLib.checkInvariants(newParams, maxEffective);
        next = newParams | rampBits | (current & FROZEN_BIT);
    }

    /// @dev Linear interpolation from the ramp's start value to the target; the decrease is rounded
    ///      up, so the effective threshold is the straight line rounded down. A ramp started from it
    ///      mid-ramp then starts at or below the running line, and a schedule at or below another in
    ///      real numbers stays at or below it in integers (floor is monotone).
    function _effectiveThreshold(address asset, uint256 slot) internal view returns (uint16) {
        uint256 end = _rampEnd(slot);
        uint16 target = slot.liquidationThresholdBps();
        if (block.timestamp >= end) return target;
        uint256 start = _stateWords[asset].rampStart();
        uint256 from = _rampFrom(slot);
        uint256 span = end - start;
        uint256 drop = ((from - target) * (block.timestamp - start) + span - 1) / span;
        return uint16(from - drop);
    }

    function _listedSlot(address asset) internal view returns (uint256 slot) {
        slot = _paramSlots[asset];
        if (slot == 0) revert AssetNotListed(asset);
    }

    function _rampFrom(uint256 slot) private pure returns (uint16) {
        return uint16(slot >> RAMP_FROM_SHIFT);
    }

    function _rampEnd(uint256 slot) private pure returns (uint40) {
        return uint40(slot >> RAMP_END_SHIFT);
    }
}
