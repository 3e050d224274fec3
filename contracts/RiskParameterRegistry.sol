// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IRiskParameterRegistry} from "./interfaces/IRiskParameterRegistry.sol";
import {RiskParams} from "./libraries/RiskTypes.sol";
import {RiskParamsLib} from "./libraries/RiskParamsLib.sol";

/// @title RiskParameterRegistry
/// @notice Holds each collateral asset's risk parameters in one storage slot, enforces the static
///         invariants on every write and ramps cuts of the liquidation threshold linearly so that a
///         parameter change never liquidates existing borrowers in a single block.
/// @dev Roles: DEFAULT_ADMIN_ROLE is governance (a TimelockController); UPDATER_ROLE is the
///      BoundedRiskUpdater, the only writer of parameters (governance writes through it so that its
///      bounds apply); GUARDIAN_ROLE may freeze.
contract RiskParameterRegistry is IRiskParameterRegistry, AccessControl {
    using RiskParamsLib for RiskParams;

    /// @notice Role of the contract allowed to write parameters (the bounded updater).
    bytes32 public constant UPDATER_ROLE = keccak256("UPDATER_ROLE");
    /// @notice Role allowed to freeze an asset.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Longest ramp governance may set.
    uint32 public constant MAX_RAMP_DURATION = 60 days;

    /// @dev Everything a reader needs in one slot (248 bits). The ramp start lives in `_ramps` and is
    ///      only read while a ramp runs (block.timestamp < rampEnd).
    struct AssetSlot {
        uint16 ltvBps;
        uint16 liquidationThresholdBps; // target
        uint16 liquidationBonusBps;
        uint16 closeFactorBps;
        uint96 liquidationCapPerWindow;
        uint32 liquidationWindow;
        uint16 rampFromThresholdBps;
        uint32 rampEnd;
        bool frozen;
    }

    struct RampSlot {
        uint32 rampStart;
        uint32 rampDuration;
    }

    mapping(address asset => AssetSlot) private _assets;
    mapping(address asset => RampSlot) private _ramps;

    /// @param governance The timelock that administers roles and ramp durations.
    /// @param guardian The account allowed to freeze assets (may be zero to grant later).
    constructor(address governance, address guardian) {
        if (governance == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
    }

    // ------------------------------------------------------------------ writes

    /// @inheritdoc IRiskParameterRegistry
    function setParams(address asset, RiskParams calldata newParams, WriteSource source)
        external
        onlyRole(UPDATER_ROLE)
    {
        if (asset == address(0)) revert ZeroAddress();
        AssetSlot memory current = _assets[asset];
        (AssetSlot memory next, bool startsRamp) = _nextSlot(asset, current, newParams);
        _assets[asset] = next;
        if (startsRamp) _ramps[asset].rampStart = uint32(block.timestamp);
        emit ParametersSet(
            asset,
            _paramsOf(current),
            newParams,
            startsRamp ? next.rampFromThresholdBps : 0,
            startsRamp ? next.rampEnd : 0,
            source
        );
    }

    /// @inheritdoc IRiskParameterRegistry
    function setRampDuration(address asset, uint32 newRampDuration) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (asset == address(0)) revert ZeroAddress();
        if (newRampDuration > MAX_RAMP_DURATION) revert RampDurationTooLong(newRampDuration, MAX_RAMP_DURATION);
        RampSlot storage ramp = _ramps[asset];
        uint32 old = ramp.rampDuration;
        ramp.rampDuration = newRampDuration;
        emit RampDurationSet(asset, old, newRampDuration);
    }

    /// @inheritdoc IRiskParameterRegistry
    function freeze(address asset) external onlyRole(GUARDIAN_ROLE) {
        AssetSlot storage slot = _listedSlot(asset);
        if (slot.frozen) revert AssetAlreadyFrozen(asset);
        slot.frozen = true;
        emit AssetFrozen(asset, slot.ltvBps);
    }

    /// @inheritdoc IRiskParameterRegistry
    function unfreeze(address asset) external onlyRole(DEFAULT_ADMIN_ROLE) {
        AssetSlot storage slot = _listedSlot(asset);
        if (!slot.frozen) revert AssetNotFrozen(asset);
        slot.frozen = false;
        emit AssetUnfrozen(asset, slot.ltvBps);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IRiskParameterRegistry
    function effectiveParams(address asset) external view returns (RiskParams memory p) {
        AssetSlot memory slot = _assets[asset];
        if (slot.liquidationThresholdBps == 0) revert AssetNotListed(asset);
        p = _paramsOf(slot);
        p.liquidationThresholdBps = _effectiveThreshold(asset, slot);
        if (slot.frozen) p.ltvBps = 0;
    }

    /// @inheritdoc IRiskParameterRegistry
    function storedParams(address asset) external view returns (RiskParams memory) {
        AssetSlot memory slot = _assets[asset];
        if (slot.liquidationThresholdBps == 0) revert AssetNotListed(asset);
        return _paramsOf(slot);
    }

    /// @inheritdoc IRiskParameterRegistry
    function effectiveLiquidationThresholdBps(address asset) external view returns (uint16) {
        AssetSlot memory slot = _assets[asset];
        if (slot.liquidationThresholdBps == 0) revert AssetNotListed(asset);
        return _effectiveThreshold(asset, slot);
    }

    /// @inheritdoc IRiskParameterRegistry
    function thresholdRamp(address asset)
        external
        view
        returns (uint16 fromBps, uint16 toBps, uint32 start, uint32 end)
    {
        AssetSlot memory slot = _assets[asset];
        return (slot.rampFromThresholdBps, slot.liquidationThresholdBps, _ramps[asset].rampStart, slot.rampEnd);
    }

    /// @inheritdoc IRiskParameterRegistry
    function rampDuration(address asset) external view returns (uint32) {
        return _ramps[asset].rampDuration;
    }

    /// @inheritdoc IRiskParameterRegistry
    function isListed(address asset) external view returns (bool) {
        return _assets[asset].liquidationThresholdBps != 0;
    }

    /// @inheritdoc IRiskParameterRegistry
    function isFrozen(address asset) external view returns (bool) {
        return _assets[asset].frozen;
    }

    /// @inheritdoc IRiskParameterRegistry
    function checkParams(address asset, RiskParams calldata newParams) external view {
        _nextSlot(asset, _assets[asset], newParams);
    }

    // ------------------------------------------------------------------ internals

    /// @dev The slot after writing `p` over `current`, with the invariants checked. A threshold cut
    ///      below the effective value starts a ramp from the effective value (even mid-ramp, as in
    ///      Euler v2); an unchanged target keeps the running ramp; a raise applies at once.
    function _nextSlot(address asset, AssetSlot memory current, RiskParams calldata p)
        private
        view
        returns (AssetSlot memory next, bool startsRamp)
    {
        next = AssetSlot({
            ltvBps: p.ltvBps,
            liquidationThresholdBps: p.liquidationThresholdBps,
            liquidationBonusBps: p.liquidationBonusBps,
            closeFactorBps: p.closeFactorBps,
            liquidationCapPerWindow: p.liquidationCapPerWindow,
            liquidationWindow: p.liquidationWindow,
            rampFromThresholdBps: current.rampFromThresholdBps,
            rampEnd: current.rampEnd,
            frozen: current.frozen
        });
        uint256 maxEffective = p.liquidationThresholdBps;
        if (current.liquidationThresholdBps != 0) {
            uint16 effective = _effectiveThreshold(asset, current);
            if (p.liquidationThresholdBps == current.liquidationThresholdBps) {
                maxEffective = effective; // running ramp (if any) continues unchanged
            } else if (p.liquidationThresholdBps < effective && _ramps[asset].rampDuration != 0) {
                startsRamp = true;
                maxEffective = effective;
                next.rampFromThresholdBps = effective;
                next.rampEnd = uint32(block.timestamp) + _ramps[asset].rampDuration;
            } else {
                next.rampFromThresholdBps = 0;
                next.rampEnd = 0;
            }
        }
        RiskParams memory target = p;
        target.checkInvariants(maxEffective);
    }

    /// @dev Linear interpolation from the ramp's start value to the target; the decrease is rounded
    ///      down, so the effective threshold never undershoots the straight line.
    function _effectiveThreshold(address asset, AssetSlot memory slot) private view returns (uint16) {
        uint256 end = slot.rampEnd;
        if (block.timestamp >= end) return slot.liquidationThresholdBps;
        uint256 start = _ramps[asset].rampStart;
        uint256 from = slot.rampFromThresholdBps;
        uint256 drop = ((from - slot.liquidationThresholdBps) * (block.timestamp - start)) / (end - start);
        return uint16(from - drop);
    }

    function _listedSlot(address asset) private view returns (AssetSlot storage slot) {
        slot = _assets[asset];
        if (slot.liquidationThresholdBps == 0) revert AssetNotListed(asset);
    }

    function _paramsOf(AssetSlot memory slot) private pure returns (RiskParams memory) {
        return RiskParams({
            ltvBps: slot.ltvBps,
            liquidationThresholdBps: slot.liquidationThresholdBps,
            liquidationBonusBps: slot.liquidationBonusBps,
            closeFactorBps: slot.closeFactorBps,
            liquidationCapPerWindow: slot.liquidationCapPerWindow,
            liquidationWindow: slot.liquidationWindow
        });
    }
}
