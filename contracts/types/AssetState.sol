// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The per-asset bookkeeping word shared by the registry module (ramp start and duration) and
///         the report path (nonce, clocks, cooldowns): one slot, read and written once per report.
/// @dev Layout (bit offsets): nonce 0..31, lastUpdateAt 32..71, lastObservedAt 72..111,
///      rampStart 112..151, rampDuration 152..175, riskIncreasingCooldown 176..199,
///      riskReducingCooldown 200..223, riskIncreasingAge 224..247, configured 248.
///      - Durations are 24-bit (< 194 days): the contracts cap them well below (ramps 60 days,
///        cooldowns 90 days).
///      - The risk-increasing clock is kept as an age, `lastUpdateAt - lastRiskIncreasingAt`, so that
///        the two clocks fit the one slot a report already reads. The age saturates at 2^24 - 1 s
///        (194 days): a saturated clock is older than any cooldown, so saturation never lets a report
///        in early, and it never holds one back.
///      - The nonce is 32-bit and wraps to 0 after 2^32 reports. A wrap cannot replay a report: every
///        report must also be observed after the last one and within the max report age.
type AssetState is uint256;

using AssetStateLib for AssetState global;

/// @title AssetStateLib
/// @notice Field reads and the writes of `AssetState`.
library AssetStateLib {
    uint256 private constant U24 = (1 << 24) - 1;
    uint256 private constant U32 = (1 << 32) - 1;
    uint256 private constant U40 = (1 << 40) - 1;

    uint256 private constant LAST_UPDATE_SHIFT = 32;
    uint256 private constant LAST_OBSERVED_SHIFT = 72;
    uint256 private constant RAMP_START_SHIFT = 112;
    uint256 private constant RAMP_DURATION_SHIFT = 152;
    uint256 private constant INCREASING_COOLDOWN_SHIFT = 176;
    uint256 private constant REDUCING_COOLDOWN_SHIFT = 200;
    uint256 private constant INCREASING_AGE_SHIFT = 224;
    uint256 private constant CONFIGURED_BIT = 1 << 248;


    function nonce(AssetState state) internal pure returns (uint64) {
        return uint64(AssetState.unwrap(state) & U32);
    }

    function lastUpdateAt(AssetState state) internal pure returns (uint40) {
        return uint40(AssetState.unwrap(state) >> LAST_UPDATE_SHIFT);
    }

    function lastObservedAt(AssetState state) internal pure returns (uint40) {
        return uint40(AssetState.unwrap(state) >> LAST_OBSERVED_SHIFT);
    }

    function rampStart(AssetState state) internal pure returns (uint40) {
        return uint40(AssetState.unwrap(state) >> RAMP_START_SHIFT);
    }

    function rampDuration(AssetState state) internal pure returns (uint32) {
        return uint32((AssetState.unwrap(state) >> RAMP_DURATION_SHIFT) & U24);
    }

    function riskIncreasingCooldown(AssetState state) internal pure returns (uint32) {
        return uint32((AssetState.unwrap(state) >> INCREASING_COOLDOWN_SHIFT) & U24);
    }

    function riskReducingCooldown(AssetState state) internal pure returns (uint32) {
        return uint32((AssetState.unwrap(state) >> REDUCING_COOLDOWN_SHIFT) & U24);
    }

    /// @notice When a risk-increasing change last landed (report, governance or guardian write), or at
    ///         most 2^24 - 1 s before `lastUpdateAt` (the saturated age).
    /// @param state The word.
    /// @return The time (unix seconds).
    function lastRiskIncreasingAt(AssetState state) internal pure returns (uint40) {
        uint256 w = AssetState.unwrap(state);
        unchecked {
            // The age never exceeds lastUpdateAt: it starts at 0 and grows only as lastUpdateAt does.
            return uint40(uint40(w >> LAST_UPDATE_SHIFT) - ((w >> INCREASING_AGE_SHIFT) & U24));
        }
    }

    /// @notice When a report may land: the risk-reducing cooldown after the last write, and for a
    ///         report with a risk-increasing move also the risk-increasing cooldown after the last
    ///         risk-increasing write.
    /// @param state The word.
    /// @param riskIncreasing Whether the report has a risk-increasing move.
    /// @return ready The earliest block time (unix seconds).
    function readyAt(AssetState state, bool riskIncreasing) internal pure returns (uint256 ready) {
        unchecked {
            // 40-bit times plus 24-bit cooldowns: no overflow.
            ready = uint256(lastUpdateAt(state)) + riskReducingCooldown(state);
            if (riskIncreasing) {
                uint256 increasingReady = uint256(lastRiskIncreasingAt(state)) + riskIncreasingCooldown(state);
                if (increasingReady > ready) ready = increasingReady;
            }
        }
    }

    function configured(AssetState state) internal pure returns (bool) {
        return AssetState.unwrap(state) & CONFIGURED_BIT != 0;
    }

    /// @notice The word after an accepted report: nonce + 1, the update and observation clocks set, and
    ///         the risk-increasing clock set too when the report moves a parameter the risky way (else
    ///         it keeps its time: its age grows by the time since the last update, saturating).
    /// @param state The current word.
    /// @param observedAt The report's observation time.
    /// @param riskIncreasing Whether the report has a risk-increasing move.
    /// @return The new word.
    function afterReport(AssetState state, uint256 observedAt, bool riskIncreasing)
        internal
        view
        returns (AssetState)
    {
        uint256 w = AssetState.unwrap(state);
        unchecked {
            uint256 age;
            if (!riskIncreasing) {
                // block.timestamp >= lastUpdateAt (both are block times), and age + elapsed < 2^41.
                age = ((w >> INCREASING_AGE_SHIFT) & U24) + (block.timestamp - uint40(w >> LAST_UPDATE_SHIFT));
                if (age > U24) age = U24;
            }
            uint256 cleared = w
                & ~(U32 | (U40 << LAST_UPDATE_SHIFT) | (U40 << LAST_OBSERVED_SHIFT) | (U24 << INCREASING_AGE_SHIFT));
            // The nonce wraps within its 32 bits (see the layout note).
            return AssetState.wrap(
                cleared | (((w & U32) + 1) & U32) | (block.timestamp << LAST_UPDATE_SHIFT)
                    | (observedAt << LAST_OBSERVED_SHIFT) | (age << INCREASING_AGE_SHIFT)
            );
        }
    }

    /// @notice The word with both clocks set to now (governance and guardian writes restart every
    ///         cooldown).
    /// @param state The current word.
    /// @return The new word.
    function withLastUpdateNow(AssetState state) internal view returns (AssetState) {
        return AssetState.wrap(
            (AssetState.unwrap(state) & ~((U40 << LAST_UPDATE_SHIFT) | (U24 << INCREASING_AGE_SHIFT)))
                | (block.timestamp << LAST_UPDATE_SHIFT)
        );
    }

    function withRampStartNow(AssetState state) internal view returns (AssetState) {
        return AssetState.wrap(
            (AssetState.unwrap(state) & ~(U40 << RAMP_START_SHIFT)) | (block.timestamp << RAMP_START_SHIFT)
        );
    }

    function withRampDuration(AssetState state, uint32 duration) internal pure returns (AssetState) {
        return AssetState.wrap(
            (AssetState.unwrap(state) & ~(U24 << RAMP_DURATION_SHIFT)) | (uint256(duration) << RAMP_DURATION_SHIFT)
        );
    }

    /// @notice The word with new cooldowns and the configured flag set.
    /// @param state The current word.
    /// @param increasing The risk-increasing cooldown (seconds).
    /// @param reducing The risk-reducing cooldown (seconds).
    /// @return The new word.
    function withCooldowns(AssetState state, uint32 increasing, uint32 reducing) internal pure returns (AssetState) {
        uint256 cleared =
            AssetState.unwrap(state) & ~((U24 << INCREASING_COOLDOWN_SHIFT) | (U24 << REDUCING_COOLDOWN_SHIFT));
        return AssetState.wrap(
            cleared | (uint256(increasing) << INCREASING_COOLDOWN_SHIFT) | (uint256(reducing) << REDUCING_COOLDOWN_SHIFT)
                | CONFIGURED_BIT
        );
    }
}
