// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBoundedRiskUpdater} from "../../contracts/interfaces/IBoundedRiskUpdater.sol";
import {PackedRiskParams, PackedRiskParamsLib} from "../../contracts/types/PackedRiskParams.sol";
import {RiskParamsLib} from "../../contracts/libraries/RiskParamsLib.sol";
import {
    BPS,
    RISK_PARAMS_TYPE,
    RISK_PARAMS_TYPEHASH,
    RISK_REPORT_BATCH_PRIMARY_TYPE,
    RISK_REPORT_BATCH_TYPEHASH,
    RISK_REPORT_TYPE,
    RISK_REPORT_TYPEHASH
} from "../../contracts/libraries/ConstantsLib.sol";
import {PackedRiskReport, Param, RiskParams, Signature} from "../../contracts/libraries/RiskTypes.sol";
import {BulwarkTestBase} from "./BulwarkTestBase.sol";

/// @notice Exposes the internal invariant check so a fuzzer can call it and catch its reverts.
contract InvariantChecker {
    function check(PackedRiskParams packed, uint16 maxEffective) external pure {
        RiskParamsLib.checkInvariants(packed, maxEffective);
    }
}

/// @notice Fuzz tests of the packing, the static invariants, steps, bounds and ramps.
contract RiskRulesFuzzTest is BulwarkTestBase {
    InvariantChecker internal checker;

    function setUp() public {
        _deploy();
        checker = new InvariantChecker();
    }

    function testFuzz_packUnpackRoundTrip(uint16 ltv, uint16 lt, uint16 lb, uint16 cf, uint96 cap, uint32 window) public view {
        RiskParams memory p = RiskParams(ltv, lt, lb, cf, cap, window);
        uint256 word = updater.packParams(p);
        assertLe(word, PackedRiskParamsLib.PARAMS_MASK, "packed word uses bits above 191");
        RiskParams memory q = PackedRiskParams.wrap(word).unpack();
        assertEq(abi.encode(q), abi.encode(p));
    }

    /// @dev The library accepts exactly the parameter sets a plain reading of the invariants accepts.
    function testFuzz_invariantsMatchReference(uint16 ltv, uint16 lt, uint16 lb, uint16 cf, uint96 cap, uint32 window, uint16 rampExtra)
        public
        view
    {
        RiskParams memory p = RiskParams(ltv, lt, lb, cf, cap, window);
        uint16 maxEffective = uint16(_bound(uint256(lt) + (rampExtra % 500), 0, type(uint16).max));
        bool expectedOk = ltv > 0 && ltv < lt && lt < 10_000 && uint256(maxEffective) * (10_000 + uint256(lb)) < 1e8 && cf > 0
            && cf <= 10_000 && cap > 0 && window > 0;
        bool ok;
        try checker.check(PackedRiskParamsLib.packMemory(p), maxEffective) {
            ok = true;
        } catch {
            ok = false;
        }
        assertEq(ok, expectedOk);
    }

    /// @dev The EIP-712 type hashes are literals (no report hashes the strings at run time): each must
    ///      be the hash of its type strings, written once in ConstantsLib.
    function test_typeHashesAreTheTypeStrings() public pure {
        assertEq(RISK_PARAMS_TYPEHASH, keccak256(bytes(RISK_PARAMS_TYPE)));
        assertEq(RISK_REPORT_TYPEHASH, keccak256(abi.encodePacked(RISK_REPORT_TYPE, RISK_PARAMS_TYPE)));
        assertEq(
            RISK_REPORT_BATCH_TYPEHASH,
            keccak256(abi.encodePacked(RISK_REPORT_BATCH_PRIMARY_TYPE, RISK_PARAMS_TYPE, RISK_REPORT_TYPE))
        );
    }

    /// @dev The zero-value invariants, which bounds with positive minimums keep out of any write's reach,
    ///      each with its own custom error on the library itself.
    function test_zeroValuesRevertWithTheirOwnErrors() public {
        RiskParams memory p = _initialParams();
        p.ltvBps = 0;
        vm.expectRevert(RiskParamsLib.ZeroLtv.selector);
        checker.check(PackedRiskParamsLib.packMemory(p), p.liquidationThresholdBps);
        p = _initialParams();
        p.closeFactorBps = 0;
        vm.expectRevert(abi.encodeWithSelector(RiskParamsLib.InvalidCloseFactor.selector, 0));
        checker.check(PackedRiskParamsLib.packMemory(p), p.liquidationThresholdBps);
        p = _initialParams();
        p.liquidationCapPerWindow = 0;
        vm.expectRevert(RiskParamsLib.ZeroLiquidationCap.selector);
        checker.check(PackedRiskParamsLib.packMemory(p), p.liquidationThresholdBps);
        p = _initialParams();
        p.liquidationWindow = 0;
        vm.expectRevert(RiskParamsLib.ZeroLiquidationWindow.selector);
        checker.check(PackedRiskParamsLib.packMemory(p), p.liquidationThresholdBps);
    }

    /// @dev Any accepted report stays within bounds and steps; any rejected one leaves the state unchanged.
    ///      One or two fields move per run, by up to 1.3x their risk-reducing step, so both outcomes occur.
    function testFuzz_reportRespectsBoundsAndSteps(uint8 field, int16 delta, bool two, int16 delta2, uint32 wait) public {
        vm.warp(block.timestamp + _bound(wait, 0, 4 days));
        feed.updateAnswer(2_000e8);
        RiskParams memory cur = updater.storedParams(asset);
        RiskParams memory next = updater.storedParams(asset); // a separate copy, not an alias of `cur`
        _move(next, field % 4, delta);
        if (two) _move(next, (uint256(field) + 1) % 4, delta2);
        PackedRiskReport memory r = _report(next);
        (, uint64 nonceBefore,,,) = updater.assetState(asset);
        try updater.submitReport(r, _sign(r, signerKeys[0])) {
            assertEq(abi.encode(updater.storedParams(asset)), abi.encode(next));
            _assertStep(cur.ltvBps, next.ltvBps, 50, 200, true);
            _assertStep(cur.liquidationThresholdBps, next.liquidationThresholdBps, 50, 200, true);
            _assertStep(cur.liquidationBonusBps, next.liquidationBonusBps, 25, 100, false);
            _assertStep(cur.closeFactorBps, next.closeFactorBps, 500, 2_500, false);
            assertGe(next.ltvBps, 5_000);
            assertLe(next.ltvBps, 8_500);
            assertGe(next.liquidationBonusBps, 200);
            assertGe(next.closeFactorBps, 2_000);
            assertLt(uint256(updater.effectiveLiquidationThresholdBps(asset)) * (BPS + next.liquidationBonusBps), BPS * BPS);
        } catch {
            assertEq(abi.encode(updater.storedParams(asset)), abi.encode(cur));
            (, uint64 nonceAfter,,,) = updater.assetState(asset);
            assertEq(nonceAfter, nonceBefore);
        }
    }

    function _move(RiskParams memory p, uint256 which, int16 delta) private pure {
        if (which == 0) p.ltvBps = _shift(p.ltvBps, delta, 260);
        else if (which == 1) p.liquidationThresholdBps = _shift(p.liquidationThresholdBps, delta, 260);
        else if (which == 2) p.liquidationBonusBps = _shift(p.liquidationBonusBps, delta, 130);
        else p.closeFactorBps = _shift(p.closeFactorBps, delta, 3_250);
    }

    /// @dev A step one bps beyond the risk-increasing limit is always refused with StepTooLarge.
    function testFuzz_oneBpsBeyondStepReverts(uint8 which) public {
        vm.warp(block.timestamp + 3 days);
        feed.updateAnswer(2_000e8);
        RiskParams memory next = updater.storedParams(asset);
        Param param;
        uint256 from;
        uint256 to;
        uint256 maxStep;
        if (which % 4 == 0) {
            (param, from, to, maxStep) = (Param.Ltv, next.ltvBps, next.ltvBps + 51, 50);
            next.ltvBps += 51;
        } else if (which % 4 == 1) {
            (param, from, to, maxStep) = (Param.LiquidationThreshold, next.liquidationThresholdBps, next.liquidationThresholdBps + 51, 50);
            next.liquidationThresholdBps += 51;
        } else if (which % 4 == 2) {
            (param, from, to, maxStep) = (Param.LiquidationBonus, next.liquidationBonusBps, next.liquidationBonusBps - 26, 25);
            next.liquidationBonusBps -= 26;
        } else {
            (param, from, to, maxStep) = (Param.CloseFactor, next.closeFactorBps, next.closeFactorBps - 501, 500);
            next.closeFactorBps -= 501;
        }
        PackedRiskReport memory r = _report(next);
        Signature[] memory sigs = _sign(r, signerKeys[0]);
        vm.expectRevert(abi.encodeWithSelector(IBoundedRiskUpdater.StepTooLarge.selector, asset, param, from, to, maxStep));
        updater.submitReport(r, sigs);
    }

    /// @dev During a ramp the effective threshold never rises and stays between target and start.
    function testFuzz_rampIsMonotone(uint16 cut, uint32 t1, uint32 t2) public {
        RiskParams memory p = updater.storedParams(asset);
        uint16 from = p.liquidationThresholdBps;
        p.liquidationThresholdBps = uint16(_bound(cut, 6_000, from - 1));
        p.ltvBps = uint16(_bound(p.ltvBps, 5_000, p.liquidationThresholdBps - 1));
        vm.prank(governance);
        updater.governanceSetParams(asset, p);
        uint256 a = _bound(t1, 0, RAMP + 1 days);
        uint256 b = _bound(t2, a, RAMP + 2 days);
        // From the chain: a local copy of block.timestamp may be re-read after vm.warp under via-IR.
        (,, uint256 start,) = updater.thresholdRamp(asset);
        vm.warp(start + a);
        uint16 ea = updater.effectiveLiquidationThresholdBps(asset);
        vm.warp(start + b);
        uint16 eb = updater.effectiveLiquidationThresholdBps(asset);
        assertLe(eb, ea, "effective threshold rose during a ramp");
        assertLe(ea, from);
        assertGe(eb, p.liquidationThresholdBps);
        if (b >= RAMP) assertEq(eb, p.liquidationThresholdBps);
    }

    /// @dev Issue 16 finding 3 (a ramp restart stalls a cut): with any sequence of further cuts, at any
    ///      times, the effective threshold is never above what the first cut's schedule gives then, and
    ///      it reaches at least the first cut's target by the first ramp's end.
    function testFuzz_furtherCutsNeverSlowTheFirstRamp(uint16 firstCut, uint16[6] calldata cuts, uint32[6] calldata gaps) public {
        RiskParams memory p = updater.storedParams(asset);
        uint256 from = p.liquidationThresholdBps;
        p.liquidationThresholdBps = uint16(_bound(firstCut, 6_100, from - 1));
        p.ltvBps = 5_000;
        vm.prank(governance);
        updater.governanceSetParams(asset, p);
        // The start comes from the chain, and time is tracked here: under via-IR a local copy of
        // block.timestamp may be re-read after vm.warp (the optimiser treats it as constant in a call).
        (,, uint256 start,) = updater.thresholdRamp(asset);
        uint256 t = start;
        uint256 target = p.liquidationThresholdBps;
        for (uint256 i = 0; i < cuts.length; ++i) {
            t += _bound(gaps[i], 1, RAMP / 3);
            vm.warp(t);
            _assertUnderFirstSchedule(from, target, t - start);
            // A further cut: anywhere from 1 bps to the bound below the current target.
            uint16 current = updater.storedParams(asset).liquidationThresholdBps;
            if (current <= 6_001) break;
            p.liquidationThresholdBps = uint16(_bound(cuts[i], 6_000, current - 1));
            vm.prank(governance);
            updater.governanceSetParams(asset, p);
            _assertUnderFirstSchedule(from, target, t - start);
        }
        if (t < start + RAMP) vm.warp(start + RAMP); // never back in time
        assertLe(updater.effectiveLiquidationThresholdBps(asset), target, "the first cut's target not reached by its end");
    }

    /// @dev The finding's own pattern, fixed: 1-bps cuts every 6 hours through a 7-day ramp of 8300 → 7000.
    function test_oneBpsCutsEverySixHoursDoNotStallARamp() public {
        RiskParams memory p = updater.storedParams(asset);
        p.liquidationThresholdBps = 7_000;
        p.ltvBps = 5_000;
        vm.prank(governance);
        updater.governanceSetParams(asset, p);
        (,, uint256 start,) = updater.thresholdRamp(asset);
        for (uint256 i = 1; i < 28; ++i) {
            vm.warp(start + i * 6 hours);
            _assertUnderFirstSchedule(8_300, 7_000, i * 6 hours);
            --p.liquidationThresholdBps;
            vm.prank(governance);
            updater.governanceSetParams(asset, p);
        }
        vm.warp(start + RAMP);
        assertLe(updater.effectiveLiquidationThresholdBps(asset), 7_000);
    }

    /// @dev The first cut's schedule `elapsed` seconds in: the straight line from `from` to `target` over RAMP, rounded down.
    function _assertUnderFirstSchedule(uint256 from, uint256 target, uint256 elapsed) private view {
        uint256 schedule = elapsed >= RAMP ? target : from - ((from - target) * elapsed + RAMP - 1) / RAMP;
        assertLe(updater.effectiveLiquidationThresholdBps(asset), schedule, "a further cut slowed the first ramp");
    }

    function _shift(uint16 v, int16 d, int256 range) private pure returns (uint16) {
        int256 x = int256(uint256(v)) + int256(d) % range;
        if (x < 0) x = 0;
        if (x > 10_500) x = 10_500;
        return uint16(uint256(x));
    }

    function _assertStep(uint256 from, uint256 to, uint256 incStep, uint256 redStep, bool upIsIncreasing) private pure {
        if (to == from) return;
        bool increasing = (to > from) == upIsIncreasing;
        uint256 step = to > from ? to - from : from - to;
        assertLe(step, increasing ? incStep : redStep, "step larger than allowed");
    }
}
