// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LiquidationConfig} from "../interfaces/IMarginEngine.sol";
import {InterestRateModel} from "../libraries/InterestRateModel.sol";

/// @notice The engine's configuration, read by every accrual and liquidation, written only by
///         governance and the guardian: rate model 0..87 (InterestRateModel's layout), pause flags 88
///         (borrowing) and 89 (withdrawals), fullCloseHealthBps 96..111, rateLimitBypassHealthBps
///         112..127, protocolFeeBps 128..143, minLeftoverValue 144..239, listed collaterals 240..247.
type EngineConfig is uint256;

using EngineConfigLib for EngineConfig global;

/// @title EngineConfigLib
/// @notice Reads and writes of an `EngineConfig`.
library EngineConfigLib {
    uint256 private constant MODEL_MASK = (1 << 88) - 1;
    uint256 private constant BORROW_PAUSED = 1 << 88;
    uint256 private constant WITHDRAW_PAUSED = 1 << 89;
    uint256 private constant FULL_CLOSE_SHIFT = 96;
    uint256 private constant BYPASS_SHIFT = 112;
    uint256 private constant FEE_SHIFT = 128;
    uint256 private constant MIN_LEFTOVER_SHIFT = 144;
    uint256 private constant LISTED_SHIFT = 240;
    uint256 private constant LIQUIDATION_CONFIG_MASK = ((1 << 144) - 1) << FULL_CLOSE_SHIFT;
    uint256 private constant U96 = (1 << 96) - 1;

    function rateModelBits(EngineConfig w) internal pure returns (uint256) {
        return EngineConfig.unwrap(w) & MODEL_MASK;
    }

    /// @dev `bits` is `InterestRateModel.pack`'s output (88 bits).
    function withRateModelBits(EngineConfig w, uint256 bits) internal pure returns (EngineConfig) {
        return EngineConfig.wrap((EngineConfig.unwrap(w) & ~MODEL_MASK) | bits);
    }

    function annualBorrowRate(EngineConfig w, uint256 utilizationWad) internal pure returns (uint256) {
        return InterestRateModel.annualBorrowRate(EngineConfig.unwrap(w), utilizationWad);
    }

    function reserveFactorBps(EngineConfig w) internal pure returns (uint256) {
        return InterestRateModel.reserveFactorBps(EngineConfig.unwrap(w));
    }

    function borrowPaused(EngineConfig w) internal pure returns (bool) {
        return EngineConfig.unwrap(w) & BORROW_PAUSED != 0;
    }

    function withdrawalsPaused(EngineConfig w) internal pure returns (bool) {
        return EngineConfig.unwrap(w) & WITHDRAW_PAUSED != 0;
    }

    function withPaused(EngineConfig w, bool borrowing, bool withdrawals) internal pure returns (EngineConfig) {
        uint256 word = EngineConfig.unwrap(w);
        if (borrowing) word |= BORROW_PAUSED;
        if (withdrawals) word |= WITHDRAW_PAUSED;
        return EngineConfig.wrap(word);
    }

    function withUnpaused(EngineConfig w, bool borrowing, bool withdrawals) internal pure returns (EngineConfig) {
        uint256 word = EngineConfig.unwrap(w);
        if (borrowing) word &= ~BORROW_PAUSED;
        if (withdrawals) word &= ~WITHDRAW_PAUSED;
        return EngineConfig.wrap(word);
    }

    function fullCloseHealthBps(EngineConfig w) internal pure returns (uint256) {
        return (EngineConfig.unwrap(w) >> FULL_CLOSE_SHIFT) & 0xFFFF;
    }

    function rateLimitBypassHealthBps(EngineConfig w) internal pure returns (uint256) {
        return (EngineConfig.unwrap(w) >> BYPASS_SHIFT) & 0xFFFF;
    }

    function protocolFeeBps(EngineConfig w) internal pure returns (uint256) {
        return (EngineConfig.unwrap(w) >> FEE_SHIFT) & 0xFFFF;
    }

    function minLeftoverValue(EngineConfig w) internal pure returns (uint256) {
        return (EngineConfig.unwrap(w) >> MIN_LEFTOVER_SHIFT) & U96;
    }

    function liquidationConfig(EngineConfig w) internal pure returns (LiquidationConfig memory config) {
        config.fullCloseHealthBps = uint16(fullCloseHealthBps(w));
        config.rateLimitBypassHealthBps = uint16(rateLimitBypassHealthBps(w));
        config.protocolFeeBps = uint16(protocolFeeBps(w));
        config.minLeftoverValue = uint96(minLeftoverValue(w));
    }

    /// @dev The struct's field types bound every field to its slot.
    function withLiquidationConfig(EngineConfig w, LiquidationConfig memory config)
        internal
        pure
        returns (EngineConfig)
    {
        return EngineConfig.wrap(
            (EngineConfig.unwrap(w) & ~LIQUIDATION_CONFIG_MASK) | (uint256(config.fullCloseHealthBps) << FULL_CLOSE_SHIFT)
                | (uint256(config.rateLimitBypassHealthBps) << BYPASS_SHIFT)
                | (uint256(config.protocolFeeBps) << FEE_SHIFT) | (uint256(config.minLeftoverValue) << MIN_LEFTOVER_SHIFT)
        );
    }

    function listedCount(EngineConfig w) internal pure returns (uint256) {
        return (EngineConfig.unwrap(w) >> LISTED_SHIFT) & 0xFF;
    }

    /// @dev The caller checks `n <= 255`.
    function withListedCount(EngineConfig w, uint256 n) internal pure returns (EngineConfig) {
        return EngineConfig.wrap((EngineConfig.unwrap(w) & ~(uint256(0xFF) << LISTED_SHIFT)) | (n << LISTED_SHIFT));
    }
}
