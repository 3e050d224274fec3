// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PackedRiskParams, PackedRiskParamsLib} from "./PackedRiskParams.sol";

/// @notice The registry's per-asset storage slot: the target parameters, the running threshold ramp
///         and the frozen flag, so that a steady-state read of an asset is one SLOAD.
/// @dev Layout (bit offsets): PackedRiskParams 0..191 (the targets), the ramp's starting threshold
///      192..207, the ramp end 208..247 (40-bit unix time), the frozen flag 248. The ramp start lives in
///      the asset's `AssetState` and is read only while a ramp runs. A zero slot is an unlisted asset:
///      every listed slot has a positive LTV (RiskParamsLib.checkInvariants).
type ParamsSlot is uint256;

using ParamsSlotLib for ParamsSlot global;

/// @title ParamsSlotLib
/// @notice Field reads and the writes of `ParamsSlot`.
library ParamsSlotLib {
    uint256 private constant RAMP_FROM_SHIFT = 192;
    uint256 private constant RAMP_END_SHIFT = 208;
    /// @dev rampFrom (16 bits) and rampEnd (40 bits).
    uint256 private constant RAMP_MASK = ((1 << 56) - 1) << RAMP_FROM_SHIFT;
    uint256 private constant FROZEN_BIT = 1 << 248;
    uint256 private constant LTV_MASK = 0xFFFF;
    uint256 private constant LTV_AND_THRESHOLD_MASK = 0xFFFF_FFFF;

    /// @notice The target parameters (bits 0..191).
    /// @param slot The slot.
    /// @return The field.
    function targets(ParamsSlot slot) internal pure returns (PackedRiskParams) {
        return PackedRiskParams.wrap(ParamsSlot.unwrap(slot) & PackedRiskParamsLib.PARAMS_MASK);
    }

    /// @notice The target LTV (bps); the effective one is 0 while frozen.
    /// @param slot The slot.
    /// @return The field.
    function ltvBps(ParamsSlot slot) internal pure returns (uint16) {
        return uint16(ParamsSlot.unwrap(slot));
    }

    /// @notice The target liquidation threshold (bps); the effective one follows the ramp.
    /// @param slot The slot.
    /// @return The field.
    function liquidationThresholdBps(ParamsSlot slot) internal pure returns (uint16) {
        return uint16(ParamsSlot.unwrap(slot) >> 16);
    }

    /// @notice The threshold the running (or last) ramp started from (bps).
    /// @param slot The slot.
    /// @return The field.
    function rampFrom(ParamsSlot slot) internal pure returns (uint16) {
        return uint16(ParamsSlot.unwrap(slot) >> RAMP_FROM_SHIFT);
    }

    /// @notice When the running (or last) ramp ends (unix seconds); 0 if none ever ran.
    /// @param slot The slot.
    /// @return The field.
    function rampEnd(ParamsSlot slot) internal pure returns (uint40) {
        return uint40(ParamsSlot.unwrap(slot) >> RAMP_END_SHIFT);
    }

    /// @notice The parameters in force: the targets with the effective threshold, and LTV 0 while
    ///         frozen (a frozen asset lends nothing).
    /// @param slot The slot.
    /// @param effectiveThresholdBps The threshold on the ramp now (bps).
    /// @return The packed parameters.
    function effective(ParamsSlot slot, uint16 effectiveThresholdBps) internal pure returns (PackedRiskParams) {
        uint256 raw = ParamsSlot.unwrap(slot);
        uint256 packed =
            (raw & PackedRiskParamsLib.PARAMS_MASK & ~LTV_AND_THRESHOLD_MASK) | (uint256(effectiveThresholdBps) << 16);
        if (raw & FROZEN_BIT == 0) packed |= raw & LTV_MASK;
        return PackedRiskParams.wrap(packed);
    }

    function isListed(ParamsSlot slot) internal pure returns (bool) {
        return ParamsSlot.unwrap(slot) != 0;
    }

    function isFrozen(ParamsSlot slot) internal pure returns (bool) {
        return ParamsSlot.unwrap(slot) & FROZEN_BIT != 0;
    }

    function frozen(ParamsSlot slot) internal pure returns (ParamsSlot) {
        return ParamsSlot.wrap(ParamsSlot.unwrap(slot) | FROZEN_BIT);
    }

    function unfrozen(ParamsSlot slot) internal pure returns (ParamsSlot) {
        return ParamsSlot.wrap(ParamsSlot.unwrap(slot) & ~FROZEN_BIT);
    }

    /// @notice The slot after a write of new targets: the targets, no ramp, and `current`'s frozen flag
    ///         (only governance's unfreeze clears it).
    /// @param newTargets The new target parameters.
    /// @param current The slot before the write.
    /// @return The new slot.
    function afterWrite(PackedRiskParams newTargets, ParamsSlot current) internal pure returns (ParamsSlot) {
        return ParamsSlot.wrap(PackedRiskParams.unwrap(newTargets) | (ParamsSlot.unwrap(current) & FROZEN_BIT));
    }

    /// @notice The slot with `from`'s ramp fields (the running ramp continues unchanged).
    /// @param slot A slot with no ramp fields set (from `afterWrite`).
    /// @param from The slot whose ramp is kept.
    /// @return The new slot.
    function withRampOf(ParamsSlot slot, ParamsSlot from) internal pure returns (ParamsSlot) {
        return ParamsSlot.wrap(ParamsSlot.unwrap(slot) | (ParamsSlot.unwrap(from) & RAMP_MASK));
    }

    /// @notice The slot with a new ramp from `fromBps` ending at `end`.
    /// @param slot A slot with no ramp fields set (from `afterWrite`).
    /// @param fromBps The threshold the ramp starts from (bps).
    /// @param end The ramp's end (unix seconds, below 2^40).
    /// @return The new slot.
    function withRamp(ParamsSlot slot, uint16 fromBps, uint256 end) internal pure returns (ParamsSlot) {
        return ParamsSlot.wrap(
            ParamsSlot.unwrap(slot) | (uint256(fromBps) << RAMP_FROM_SHIFT) | (end << RAMP_END_SHIFT)
        );
    }
}
