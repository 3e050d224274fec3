// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BPS, RiskParams} from "./RiskTypes.sol";

/// @title RiskParamsLib
/// @notice The static invariants every stored parameter set must satisfy, whatever path writes it.
/// @dev The TypeScript copy lives in calibrator/rules/riskRules.ts; test/differential.ts keeps them equal.
library RiskParamsLib {
    /// @notice LTV is zero: a listed asset always has a positive borrow limit (freezing is separate).
    error ZeroLtv();
    /// @notice LTV must stay strictly below the liquidation threshold.
    error LtvNotBelowThreshold(uint16 ltvBps, uint16 liquidationThresholdBps);
    /// @notice The liquidation threshold must stay strictly below 100%.
    error ThresholdNotBelowOne(uint16 liquidationThresholdBps);
    /// @notice threshold x (1 + bonus) must stay below 1, else a liquidation lowers the health factor.
    error ToxicLiquidationSpiral(uint256 liquidationThresholdBps, uint16 liquidationBonusBps);
    /// @notice The close factor must lie in (0, 10000] bps.
    error InvalidCloseFactor(uint16 closeFactorBps);
    /// @notice A zero liquidation cap would block every liquidation of the asset.
    error ZeroLiquidationCap();
    /// @notice The rate-limit window must be positive.
    error ZeroLiquidationWindow();

    /// @notice Reverts unless `p` satisfies the invariants, given the highest liquidation threshold the
    ///         asset will have from now on (the effective value at the start of a ramp).
    /// @param p The new target parameters.
    /// @param maxEffectiveThresholdBps max(effective threshold right after the write, target threshold).
    function checkInvariants(RiskParams memory p, uint256 maxEffectiveThresholdBps) internal pure {
        if (p.ltvBps == 0) revert ZeroLtv();
        if (p.ltvBps >= p.liquidationThresholdBps) revert LtvNotBelowThreshold(p.ltvBps, p.liquidationThresholdBps);
        if (p.liquidationThresholdBps >= BPS) revert ThresholdNotBelowOne(p.liquidationThresholdBps);
        // During a ramp the effective threshold only falls, so checking its starting value covers the ramp.
        if (maxEffectiveThresholdBps * (BPS + p.liquidationBonusBps) >= BPS * BPS) {
            revert ToxicLiquidationSpiral(maxEffectiveThresholdBps, p.liquidationBonusBps);
        }
        if (p.closeFactorBps == 0 || p.closeFactorBps > BPS) revert InvalidCloseFactor(p.closeFactorBps);
        if (p.liquidationCapPerWindow == 0) revert ZeroLiquidationCap();
        if (p.liquidationWindow == 0) revert ZeroLiquidationWindow();
    }

    /// @notice True when every field of `a` equals the same field of `b`.
    function equals(RiskParams memory a, RiskParams memory b) internal pure returns (bool) {
        return a.ltvBps == b.ltvBps && a.liquidationThresholdBps == b.liquidationThresholdBps
            && a.liquidationBonusBps == b.liquidationBonusBps && a.closeFactorBps == b.closeFactorBps
            && a.liquidationCapPerWindow == b.liquidationCapPerWindow && a.liquidationWindow == b.liquidationWindow;
    }
}
