// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BPS} from "./ConstantsLib.sol";
import {PackedRiskParams} from "../types/PackedRiskParams.sol";

/// @title RiskParamsLib
/// @notice The static invariants every stored parameter set must satisfy, whatever path writes it.
/// @dev The TypeScript copy lives in calibrator/rules/riskRules.ts; test/differential/riskRules.ts keeps them equal.
library RiskParamsLib {
    /// @notice LTV is zero: a listed asset always has a positive borrow limit (freezing is separate).
    error ZeroLtv();
    /// @notice LTV must stay strictly below the liquidation threshold.
    error LtvNotBelowThreshold(uint16 ltvBps, uint16 liquidationThresholdBps);
    /// @notice The liquidation threshold must stay strictly below 100%.
    error ThresholdNotBelowOne(uint16 liquidationThresholdBps);
    /// @notice threshold x (1 + bonus) must stay below 1, else a liquidation lowers the health factor.
    error ToxicLiquidationSpiral(uint16 liquidationThresholdBps, uint16 liquidationBonusBps);
    /// @notice The close factor must lie in (0, 10000] bps.
    error InvalidCloseFactor(uint16 closeFactorBps);
    /// @notice A zero liquidation cap would block every liquidation of the asset.
    error ZeroLiquidationCap();
    /// @notice The rate-limit window must be positive.
    error ZeroLiquidationWindow();

    /// @notice Reverts unless the packed parameters `p` satisfy the invariants, given the highest
    ///         liquidation threshold the asset will have from now on (the effective value at the start of a ramp).
    /// @param p The new target parameters, packed.
    /// @param maxEffectiveThresholdBps max(effective threshold right after the write, target threshold).
    function checkInvariants(PackedRiskParams p, uint16 maxEffectiveThresholdBps) internal pure {
        uint16 ltv = p.ltvBps();
        uint16 threshold = p.liquidationThresholdBps();
        uint16 bonus = p.liquidationBonusBps();
        uint16 closeFactor = p.closeFactorBps();
        if (ltv == 0) revert ZeroLtv();
        if (ltv >= threshold) revert LtvNotBelowThreshold(ltv, threshold);
        if (threshold >= BPS) revert ThresholdNotBelowOne(threshold);
        // During a ramp the effective threshold only falls, so checking its starting value covers the ramp.
        // Both factors are below 2^17 (16-bit inputs): the product cannot overflow.
        uint256 spiral;
        unchecked {
            spiral = uint256(maxEffectiveThresholdBps) * (BPS + bonus);
        }
        if (spiral >= BPS * BPS) {
            revert ToxicLiquidationSpiral(maxEffectiveThresholdBps, bonus);
        }
        if (closeFactor == 0 || closeFactor > BPS) revert InvalidCloseFactor(closeFactor);
        if (p.liquidationCapPerWindow() == 0) revert ZeroLiquidationCap();
        if (p.liquidationWindow() == 0) revert ZeroLiquidationWindow();
    }
}
