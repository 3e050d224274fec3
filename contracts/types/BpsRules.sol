// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AssetRules, BpsRule, Param} from "../libraries/RiskTypes.sol";

/// @notice The four basis-point rules of an asset (LTV, threshold, bonus, close factor) in one slot,
///         so that a report reads every bps bound and step with one SLOAD.
/// @dev Layout: rule i (`Param` order, i < 4) at bits [64i, 64i + 64) as
///      min | max << 16 | maxRiskIncreasingStep << 32 | maxRiskReducingStep << 48.
type BpsRules is uint256;

using BpsRulesLib for BpsRules global;

/// @title BpsRulesLib
/// @notice Packing and field reads of `BpsRules`.
library BpsRulesLib {
    /// @notice Packs the four bps rules of `rules` (validated by the caller).
    /// @param rules The asset's rules.
    /// @return The packed word.
    function pack(AssetRules calldata rules) internal pure returns (BpsRules) {
        return BpsRules.wrap(
            packRule(rules.ltv, Param.Ltv) | packRule(rules.liquidationThreshold, Param.LiquidationThreshold)
                | packRule(rules.liquidationBonus, Param.LiquidationBonus)
                | packRule(rules.closeFactor, Param.CloseFactor)
        );
    }

    /// @notice The rule of bps field `i` (`Param` order, below 4).
    /// @param rules The packed word.
    /// @param i The field index.
    /// @return The rule.
    function rule(BpsRules rules, uint256 i) internal pure returns (BpsRule memory) {
        return BpsRule(min(rules, i), max(rules, i), maxStep(rules, i, true), maxStep(rules, i, false));
    }

    /// @dev Unchecked offsets here and below: `i` is a field index below 4.
    function min(BpsRules rules, uint256 i) internal pure returns (uint16) {
        unchecked {
            return uint16(BpsRules.unwrap(rules) >> (64 * i));
        }
    }

    function max(BpsRules rules, uint256 i) internal pure returns (uint16) {
        unchecked {
            return uint16(BpsRules.unwrap(rules) >> (64 * i + 16));
        }
    }

    /// @notice The largest step of field `i` in one direction.
    /// @param rules The packed word.
    /// @param i The field index.
    /// @param riskIncreasing The risk-increasing step (else the risk-reducing one).
    /// @return The step (bps).
    function maxStep(BpsRules rules, uint256 i, bool riskIncreasing) internal pure returns (uint16) {
        unchecked {
            return uint16(BpsRules.unwrap(rules) >> (64 * i + (riskIncreasing ? 32 : 48)));
        }
    }

    function packRule(BpsRule calldata r, Param param) private pure returns (uint256) {
        uint256 word = uint256(r.min) | (uint256(r.max) << 16) | (uint256(r.maxRiskIncreasingStep) << 32)
            | (uint256(r.maxRiskReducingStep) << 48);
        return word << (64 * uint256(param));
    }
}
