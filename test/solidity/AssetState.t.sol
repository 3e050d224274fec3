// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AssetState} from "../../contracts/types/AssetState.sol";

/// @notice Fuzz tests of the updater's bookkeeping word: the two cooldown clocks (the risk-increasing
///         one stored as a saturating age), the wrapping nonce, and the fields a report must not touch.
contract AssetStateFuzzTest is Test {
    uint256 private constant AGE_MAX = (1 << 24) - 1;

    /// @notice After any sequence of reports (risk-increasing or not) and governance writes at any gaps,
    ///         the update clock is the last write, the risk-increasing clock is the last risk-increasing
    ///         write or at most 2^24 - 1 s behind the update clock, the nonce counts the reports, and
    ///         the ramp and cooldown fields keep their values.
    function testFuzz_clocksFollowTheirWrites(
        uint32 rampDuration,
        uint32 increasing,
        uint32 reducing,
        uint40 rampStartAt,
        uint8[12] memory kinds,
        uint32[12] memory gaps
    ) public {
        rampDuration = uint32(bound(rampDuration, 0, 60 days));
        increasing = uint32(bound(increasing, 0, 90 days));
        reducing = uint32(bound(reducing, 0, increasing));
        // The clock is kept in a local: the optimizer may reuse one TIMESTAMP read across vm.warp calls.
        uint256 t = bound(rampStartAt, 1, 2_000_000_000);
        vm.warp(t);
        AssetState w = AssetState.wrap(0).withRampDuration(rampDuration).withCooldowns(increasing, reducing).withRampStartNow();
        w = w.withLastUpdateNow();
        uint256 ghostRisk = t;
        uint64 reports;
        for (uint256 k = 0; k < kinds.length; ++k) {
            t += bound(gaps[k], 0, 120 days);
            vm.warp(t);
            uint8 kind = kinds[k] % 3;
            if (kind == 2) {
                w = w.withLastUpdateNow();
                ghostRisk = t;
            } else {
                w = w.afterReport(t - 1, kind == 1);
                ++reports;
                if (kind == 1) ghostRisk = t;
                assertEq(w.lastObservedAt(), t - 1, "observed");
            }
            uint256 oldest = t > AGE_MAX ? t - AGE_MAX : 0;
            assertEq(w.lastUpdateAt(), t, "update clock");
            assertEq(w.lastRiskIncreasingAt(), ghostRisk > oldest ? ghostRisk : oldest, "risk-increasing clock");
            assertEq(w.nonce(), reports, "nonce");
            assertEq(w.rampStart(), bound(rampStartAt, 1, 2_000_000_000), "ramp start");
            assertEq(w.rampDuration(), rampDuration, "ramp duration");
            assertEq(w.riskIncreasingCooldown(), increasing, "increasing cooldown");
            assertEq(w.riskReducingCooldown(), reducing, "reducing cooldown");
            assertTrue(w.configured(), "configured");
        }
    }

    /// @notice A saturated clock is older than any allowed cooldown: it never holds a report back.
    function testFuzz_saturatedClockIsOlderThanAnyCooldown(uint32 gap) public {
        vm.warp(1_700_000_000);
        AssetState w = AssetState.wrap(0).withCooldowns(90 days, 1 hours).withLastUpdateNow();
        uint256 t = 1_700_000_000 + bound(gap, AGE_MAX, 400 days);
        vm.warp(t);
        w = w.afterReport(t, false);
        assertEq(w.lastRiskIncreasingAt(), t - AGE_MAX);
        assertLe(uint256(w.lastRiskIncreasingAt()) + w.riskIncreasingCooldown(), t);
    }

    /// @notice The 32-bit nonce wraps to 0 without spilling into the update clock.
    function test_nonceWrapsWithinItsBits() public {
        vm.warp(1_700_000_000);
        AssetState w = AssetState.wrap(type(uint32).max).withCooldowns(3 days, 1 hours);
        w = w.afterReport(block.timestamp, true);
        assertEq(w.nonce(), 0);
        assertEq(w.lastUpdateAt(), block.timestamp);
        assertEq(w.lastRiskIncreasingAt(), block.timestamp);
    }
}
