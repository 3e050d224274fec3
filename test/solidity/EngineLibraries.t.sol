// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {LiquidationRateLimit} from "../../contracts/libraries/LiquidationRateLimit.sol";
import {InterestRateModel, RateModel} from "../../contracts/libraries/InterestRateModel.sol";
import {AccountWord, AccountWordLib} from "../../contracts/types/AccountWord.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {RiskParams} from "../../contracts/libraries/RiskTypes.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {EngineSetup} from "./EngineTestBase.sol";

/// @notice Fuzz tests of the engine's pure building blocks: the rate-limit bucket, the rate model and
///         the account word.
contract EngineLibrariesFuzzTest is Test {
    /// @notice Splitting a liquidation into pieces never frees more capacity than seizing it at once:
    ///         the bucket after (v1 at t1, v2 at t2) holds at least what (v1 + v2 at t1) holds at t2.
    function testFuzz_splittingNeverBuysCapacity(uint96 cap, uint32 window, uint96 v1, uint96 v2, uint32 gap) public pure {
        cap = uint96(bound(cap, 1, type(uint96).max));
        window = uint32(bound(window, 1, 30 days));
        uint256 t1 = 1_700_000_000;
        uint256 t2 = t1 + bound(gap, 0, 2 * uint256(window));
        uint256 split = LiquidationRateLimit.usedAt(LiquidationRateLimit.pack(v1, t1), cap, window, t2) + v2;
        uint256 whole = LiquidationRateLimit.usedAt(LiquidationRateLimit.pack(uint256(v1) + v2, t1), cap, window, t2);
        assertGe(split, whole);
    }

    /// @notice Over any stretch of time, what passes the cap is at most cap + cap × elapsed / window:
    ///         a sequence of admitted seizures at increasing times, each checked like the engine does.
    function testFuzz_throughputBoundedByTheDrainRate(uint96 cap, uint32 window, uint64[8] memory sizes, uint32[8] memory gaps)
        public
        pure
    {
        cap = uint96(bound(cap, 1e18, type(uint96).max));
        window = uint32(bound(window, 60, 1 days));
        uint256 word = LiquidationRateLimit.pack(0, 1_700_000_000);
        uint256 t = 1_700_000_000;
        uint256 admitted;
        for (uint256 k = 0; k < 8; ++k) {
            t += bound(gaps[k], 0, window);
            uint256 used = LiquidationRateLimit.usedAt(word, cap, window, t);
            uint256 value = bound(sizes[k], 1, cap);
            if (used + value > cap) continue; // the engine reverts: LiquidationRateLimited
            admitted += value;
            word = LiquidationRateLimit.pack(used + value, t);
        }
        uint256 elapsed = t - 1_700_000_000;
        assertLe(admitted, uint256(cap) + (uint256(cap) * elapsed) / window + 8);
    }

    /// @notice The bucket drains linearly (cap per window), so one within the cap is empty after a window.
    function testFuzz_drainIsLinear(uint96 cap, uint32 window, uint96 used, uint32 elapsed) public pure {
        cap = uint96(bound(cap, 1, type(uint96).max));
        window = uint32(bound(window, 1, 30 days));
        elapsed = uint32(bound(elapsed, 0, 2 * uint256(window)));
        uint256 word = LiquidationRateLimit.pack(used, 1_700_000_000);
        uint256 left = LiquidationRateLimit.usedAt(word, cap, window, 1_700_000_000 + uint256(elapsed));
        if (elapsed >= window && used <= cap) assertEq(left, 0);
        uint256 drained = (uint256(cap) * elapsed) / window;
        assertEq(left, drained >= used ? 0 : used - drained);
    }

    /// @notice The borrow rate is continuous at the kink and never falls as utilisation rises.
    function testFuzz_rateIsMonotoneAndContinuous(uint16 base, uint16 s1, uint24 s2, uint16 optimal, uint64 u1, uint64 u2)
        public
        pure
    {
        RateModel memory m = RateModel(
            uint16(bound(base, 0, 10_000)),
            uint16(bound(s1, 0, 10_000)),
            uint24(bound(s2, 0, 50_000)),
            uint16(bound(optimal, 1_000, 9_900)),
            0
        );
        uint256 packed = InterestRateModel.pack(m);
        uint256 a = bound(u1, 0, 1e18);
        uint256 b = bound(u2, a, 1e18);
        assertLe(InterestRateModel.annualBorrowRate(packed, a), InterestRateModel.annualBorrowRate(packed, b));
        uint256 kink = uint256(m.optimalUtilizationBps) * 1e14;
        assertEq(InterestRateModel.annualBorrowRate(packed, kink), (uint256(m.baseRateBps) + m.slope1Bps) * 1e14);
        RateModel memory back = InterestRateModel.unpack(packed);
        assertEq(abi.encode(back), abi.encode(m));
    }

    /// @notice Pushing and removing positions keeps ids, decimals and the debt intact.
    function testFuzz_accountWordPushRemove(uint112 scaled, uint8[8] memory ids, uint8 removeAt) public pure {
        AccountWord w = AccountWord.wrap(0).withScaledDebt(scaled);
        for (uint256 p = 0; p < 8; ++p) w = w.push(ids[p], (uint256(ids[p]) * 7) % 37);
        assertEq(w.count(), 8);
        uint256 position = removeAt % 8;
        AccountWord removed = w.removeAt(position);
        assertEq(removed.count(), 7);
        assertEq(removed.scaledDebt(), scaled);
        for (uint256 p = 0; p < 7; ++p) {
            uint256 source = p == position ? 7 : p; // the last position moved into the hole
            assertEq(removed.idAt(p), ids[source]);
            assertEq(removed.decimalsAt(p), (uint256(ids[source]) * 7) % 37);
        }
        assertEq(removed.positionOf(ids[position == 7 ? 0 : 7]) < 7, true);
        // The largest debt stays out of the positions' bits.
        assertEq(removed.withScaledDebt(AccountWordLib.MAX_SCALED_DEBT).idAt(6), removed.idAt(6));
        assertEq(removed.withScaledDebt(AccountWordLib.MAX_SCALED_DEBT).count(), 7);
    }
}

/// @notice Listing runs out of collateral ids after 255 assets.
contract EngineListingLimitTest is EngineSetup {
    function setUp() public {
        _deploySystem();
    }

    function test_listingStopsAt255Collaterals() public {
        vm.startPrank(governance);
        // Two are listed by the setup; list 253 more, then one too many.
        for (uint256 i = 0; i < 254; ++i) {
            MockERC20 token = new MockERC20("T", "T", 18);
            MockAggregator feed = new MockAggregator(8, 1e8, "T / USD");
            oracle.setFeed(address(token), address(feed), 4_200);
            updater.setAssetRules(address(token), _engineRules());
            updater.governanceSetParams(address(token), RiskParams(8_050, 8_300, 500, 5_000, 100_000e18, 3_600));
            if (i < 253) {
                engine.listCollateral(address(token), 1e24);
            } else {
                vm.expectRevert(IMarginEngine.TooManyListedCollaterals.selector);
                engine.listCollateral(address(token), 1e24);
            }
        }
        vm.stopPrank();
        (uint8 id,,,) = engine.collateralConfig(address(tokens[1]));
        assertEq(id, 2);
    }
}
