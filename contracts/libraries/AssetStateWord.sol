// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title AssetStateWord
/// @notice The per-asset bookkeeping word shared by the registry module (ramp start and duration) and
///         the report path (nonce, clocks, cooldowns): one slot, read and written once per report.
/// @dev Layout (bit offsets): nonce 0..47, lastUpdateAt 48..87, lastObservedAt 88..127,
///      rampStart 128..167, rampDuration 168..191, riskIncreasingCooldown 192..215,
///      riskReducingCooldown 216..239, configured 240. Durations are 24-bit (< 194 days): the
///      contracts cap them well below (ramps 60 days, cooldowns 90 days).
library AssetStateWord {
    uint256 private constant U24 = (1 << 24) - 1;
    uint256 private constant U40 = (1 << 40) - 1;
    uint256 private constant U48 = (1 << 48) - 1;

    uint256 private constant LAST_UPDATE_SHIFT = 48;
    uint256 private constant LAST_OBSERVED_SHIFT = 88;
    uint256 private constant RAMP_START_SHIFT = 128;
    uint256 private constant RAMP_DURATION_SHIFT = 168;
    uint256 private constant INCREASING_COOLDOWN_SHIFT = 192;
    uint256 private constant REDUCING_COOLDOWN_SHIFT = 216;
    uint256 private constant CONFIGURED_BIT = 1 << 240;

    function nonce(uint256 w) internal pure returns (uint64) {
        return uint64(w & U48);
    }

    function lastUpdateAt(uint256 w) internal pure returns (uint40) {
        return uint40(w >> LAST_UPDATE_SHIFT);
    }

    function lastObservedAt(uint256 w) internal pure returns (uint40) {
        return uint40(w >> LAST_OBSERVED_SHIFT);
    }

    function rampStart(uint256 w) internal pure returns (uint40) {
        return uint40(w >> RAMP_START_SHIFT);
    }

    function rampDuration(uint256 w) internal pure returns (uint32) {
        return uint32((w >> RAMP_DURATION_SHIFT) & U24);
    }

    function riskIncreasingCooldown(uint256 w) internal pure returns (uint32) {
        return uint32((w >> INCREASING_COOLDOWN_SHIFT) & U24);
    }

    function riskReducingCooldown(uint256 w) internal pure returns (uint32) {
        return uint32((w >> REDUCING_COOLDOWN_SHIFT) & U24);
    }

    function configured(uint256 w) internal pure returns (bool) {
        return w & CONFIGURED_BIT != 0;
    }

    /// @notice The word after an accepted report: nonce + 1 and both clocks set.
    /// @param w The current word.
    /// @param observedAt The report's observation time.
    /// @return The new word.
    function afterReport(uint256 w, uint256 observedAt) internal view returns (uint256) {
        uint256 cleared = w & ~(U48 | (U40 << LAST_UPDATE_SHIFT) | (U40 << LAST_OBSERVED_SHIFT));
        return cleared | ((w & U48) + 1) | (block.timestamp << LAST_UPDATE_SHIFT)
            | (observedAt << LAST_OBSERVED_SHIFT);
    }

    /// @notice The word with the update clock set to now (governance and guardian writes).
    /// @param w The current word.
    /// @return The new word.
    function withLastUpdateNow(uint256 w) internal view returns (uint256) {
        return (w & ~(U40 << LAST_UPDATE_SHIFT)) | (block.timestamp << LAST_UPDATE_SHIFT);
    }

    function withRampStartNow(uint256 w) internal view returns (uint256) {
        return (w & ~(U40 << RAMP_START_SHIFT)) | (block.timestamp << RAMP_START_SHIFT);
    }

    function withRampDuration(uint256 w, uint32 duration) internal pure returns (uint256) {
        return (w & ~(U24 << RAMP_DURATION_SHIFT)) | (uint256(duration) << RAMP_DURATION_SHIFT);
    }

    /// @notice The word with new cooldowns and the configured flag set.
    /// @param w The current word.
    /// @param increasing The risk-increasing cooldown (seconds).
    /// @param reducing The risk-reducing cooldown (seconds).
    /// @return The new word.
    function withCooldowns(uint256 w, uint32 increasing, uint32 reducing) internal pure returns (uint256) {
        uint256 cleared = w & ~((U24 << INCREASING_COOLDOWN_SHIFT) | (U24 << REDUCING_COOLDOWN_SHIFT));
        return cleared | (uint256(increasing) << INCREASING_COOLDOWN_SHIFT)
            | (uint256(reducing) << REDUCING_COOLDOWN_SHIFT) | CONFIGURED_BIT;
    }
}
