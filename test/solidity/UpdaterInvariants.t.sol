// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";
import {BoundedRiskUpdater} from "../../contracts/BoundedRiskUpdater.sol";
import {BPS} from "../../contracts/libraries/ConstantsLib.sol";
import {AssetRules, BpsRule, PackedRiskReport, RiskParams, Signature} from "../../contracts/libraries/RiskTypes.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {BulwarkTestBase, reportFor, signedBy} from "./BulwarkTestBase.sol";

/// @notice Drives random sequences of signed reports, governance writes, guardian actions and time
///         jumps, and keeps ghost records the invariants compare against.
contract UpdaterHandler is Test {
    BoundedRiskUpdater internal immutable updater;
    MockAggregator internal immutable feed;
    address internal immutable asset;
    address internal immutable governance;
    address internal immutable guardian;
    uint256[3] internal keys;
    AssetRules internal rules;

    uint256 public acceptedReports;
    uint256 public stepViolations;
    uint256 public cooldownViolations;
    uint256 public lastWriteAt;
    /// @dev The ghost of the updater's second clock: the last risk-increasing report or any governance
    ///      or guardian write.
    uint256 public lastRiskIncreasingWriteAt;
    uint256 public calls;
    uint256 public rulesChanges;

    constructor(
        BoundedRiskUpdater updater_,
        MockAggregator feed_,
        address asset_,
        address governance_,
        address guardian_,
        uint256[3] memory keys_,
        AssetRules memory rules_
    ) {
        updater = updater_;
        feed = feed_;
        asset = asset_;
        governance = governance_;
        guardian = guardian_;
        keys = keys_;
        rules = rules_;
        (,, uint40 listedAt,,) = updater_.assetState(asset_);
        lastWriteAt = listedAt;
        lastRiskIncreasingWriteAt = listedAt;
    }

    function submitReport(int16 dLtv, int16 dLt, int16 dLb, int16 dCf, int32 dCap, uint8 signer) external {
        ++calls;
        RiskParams memory cur = updater.storedParams(asset);
        RiskParams memory next = updater.storedParams(asset);
        next.ltvBps = _shift(cur.ltvBps, dLtv, 260);
        next.liquidationThresholdBps = _shift(cur.liquidationThresholdBps, dLt, 260);
        next.liquidationBonusBps = _shift(cur.liquidationBonusBps, dLb, 130);
        next.closeFactorBps = _shift(cur.closeFactorBps, dCf, 3_250);
        if (dCap % 4 == 0) {
            int256 pct = int256(dCap) % 35; // up to +-34%: the rule allows 25%
            next.liquidationCapPerWindow = uint96(uint256(int256(uint256(cur.liquidationCapPerWindow)) * (100 + pct) / 100));
        }
        PackedRiskReport memory r = reportFor(updater, asset, next);
        Signature[] memory sigs = signedBy(vm, updater, r, keys[signer % 3]);
        try updater.submitReport(r, sigs) {
            ++acceptedReports;
            // Independent re-check of what just landed against the rules this handler was given.
            // Every field is checked (no short-circuit), each counting its own violations.
            bool ltvUp = _checkBps(cur.ltvBps, next.ltvBps, rules.ltv.maxRiskIncreasingStep, rules.ltv.maxRiskReducingStep, true);
            bool ltUp = _checkBps(
                cur.liquidationThresholdBps,
                next.liquidationThresholdBps,
                rules.liquidationThreshold.maxRiskIncreasingStep,
                rules.liquidationThreshold.maxRiskReducingStep,
                true
            );
            bool lbDown = _checkBps(
                cur.liquidationBonusBps,
                next.liquidationBonusBps,
                rules.liquidationBonus.maxRiskIncreasingStep,
                rules.liquidationBonus.maxRiskReducingStep,
                false
            );
            bool cfDown = _checkBps(
                cur.closeFactorBps, next.closeFactorBps, rules.closeFactor.maxRiskIncreasingStep, rules.closeFactor.maxRiskReducingStep, false
            );
            bool increasing = ltvUp || ltUp || lbDown || cfDown;
            if (next.liquidationCapPerWindow != cur.liquidationCapPerWindow) {
                increasing = true;
                uint256 a = cur.liquidationCapPerWindow;
                uint256 b = next.liquidationCapPerWindow;
                if ((a > b ? a - b : b - a) * BPS > a * rules.liquidationCap.maxStepBps) ++stepViolations;
            }
            // Every report waits the risk-reducing cooldown after any write; a risk-increasing one also
            // waits the risk-increasing cooldown after the last risk-increasing write.
            if (block.timestamp < lastWriteAt + rules.riskReducingCooldown) ++cooldownViolations;
            if (increasing && block.timestamp < lastRiskIncreasingWriteAt + rules.riskIncreasingCooldown) {
                ++cooldownViolations;
            }
            lastWriteAt = block.timestamp;
            if (increasing) lastRiskIncreasingWriteAt = block.timestamp;
        } catch {}
    }

    function governanceWrite(int16 dLtv, int16 dLt, int16 dLb) external {
        ++calls;
        RiskParams memory next = updater.storedParams(asset);
        next.ltvBps = _shift(next.ltvBps, dLtv, 1_500);
        next.liquidationThresholdBps = _shift(next.liquidationThresholdBps, dLt, 1_500);
        next.liquidationBonusBps = _shift(next.liquidationBonusBps, dLb, 600);
        vm.prank(governance);
        try updater.governanceSetParams(asset, next) {
            lastWriteAt = block.timestamp;
            lastRiskIncreasingWriteAt = block.timestamp;
        } catch {}
    }

    /// Governance re-sets the rules: random bounds around the live values, random steps and cooldowns.
    function governanceSetRules(uint16 slack, uint16 incStep, uint16 extraStep, uint32 cooldown, uint32 reducing) external {
        ++calls;
        RiskParams memory p = updater.storedParams(asset);
        AssetRules memory next = rules;
        uint16 pad = uint16(_bound(slack, 0, 1_000));
        uint16 inc = uint16(_bound(incStep, 0, 300));
        uint16 red = inc + uint16(_bound(extraStep, 0, 700));
        next.ltv = BpsRule(_sub(p.ltvBps, pad), _add(p.ltvBps, pad), inc, red);
        next.liquidationThreshold = BpsRule(_sub(p.liquidationThresholdBps, pad), _add(p.liquidationThresholdBps, pad), inc, red);
        next.liquidationBonus = BpsRule(_sub(p.liquidationBonusBps, pad / 4), _add(p.liquidationBonusBps, pad / 4), inc / 2, red / 2);
        next.closeFactor = BpsRule(_sub(p.closeFactorBps, pad * 2), _add(p.closeFactorBps, pad * 2), inc * 4, red * 4);
        next.riskIncreasingCooldown = uint32(_bound(cooldown, 0, 4 days));
        next.riskReducingCooldown = uint32(_bound(reducing, 0, next.riskIncreasingCooldown));
        vm.prank(governance);
        try updater.setAssetRules(asset, next) {
            rules = next; // later reports are checked against the rules in force
            ++rulesChanges;
        } catch {}
    }

    function _sub(uint16 v, uint16 d) private pure returns (uint16) {
        return v > d ? v - d : 0;
    }

    function _add(uint16 v, uint16 d) private pure returns (uint16) {
        uint256 x = uint256(v) + d;
        return x > 10_000 ? 10_000 : uint16(x);
    }

    function guardianTighten(uint16 ltvCut, uint16 bonusRaise) external {
        ++calls;
        RiskParams memory next = updater.storedParams(asset);
        next.ltvBps -= uint16(_bound(ltvCut, 0, next.ltvBps));
        next.liquidationBonusBps += uint16(_bound(bonusRaise, 0, 300));
        vm.prank(guardian);
        try updater.guardianTighten(asset, next) {
            lastWriteAt = block.timestamp;
            lastRiskIncreasingWriteAt = block.timestamp;
        } catch {}
    }

    function toggleFreeze() external {
        ++calls;
        if (updater.isFrozen(asset)) {
            vm.prank(governance);
            updater.unfreeze(asset);
        } else {
            vm.prank(guardian);
            updater.freeze(asset);
        }
    }

    function togglePause() external {
        ++calls;
        if (updater.paused()) {
            vm.prank(governance);
            updater.unpause();
        } else {
            vm.prank(guardian);
            updater.pause();
        }
    }

    function warp(uint32 seconds_) external {
        ++calls;
        vm.warp(block.timestamp + _bound(seconds_, 1, 2 days));
        feed.updateAnswer(2_000e8);
    }

    function _checkBps(uint256 from, uint256 to, uint256 incStep, uint256 redStep, bool upIsIncreasing)
        private
        returns (bool increasing)
    {
        if (from == to) return false;
        increasing = (to > from) == upIsIncreasing;
        if ((to > from ? to - from : from - to) > (increasing ? incStep : redStep)) ++stepViolations;
    }

    function _shift(uint16 v, int16 d, int256 range) private pure returns (uint16) {
        int256 x = int256(uint256(v)) + int256(d) % range;
        if (x < 0) x = 0;
        if (x > 10_500) x = 10_500;
        return uint16(uint256(x));
    }
}

/// @notice Invariants of the bounded parameter path after any sequence of handler calls.
contract UpdaterInvariantTest is StdInvariant, BulwarkTestBase {
    UpdaterHandler internal handler;

    function setUp() public {
        _deploy();
        handler = new UpdaterHandler(updater, feed, asset, governance, guardian, signerKeys, _rules());
        targetContract(address(handler));
    }

    function invariant_paramsWithinBounds() public view {
        RiskParams memory p = updater.storedParams(asset);
        AssetRules memory r = updater.assetRules(asset);
        assertGe(p.ltvBps, r.ltv.min);
        assertLe(p.ltvBps, r.ltv.max);
        assertGe(p.liquidationThresholdBps, r.liquidationThreshold.min);
        assertLe(p.liquidationThresholdBps, r.liquidationThreshold.max);
        assertGe(p.liquidationBonusBps, r.liquidationBonus.min);
        assertLe(p.liquidationBonusBps, r.liquidationBonus.max);
        assertGe(p.closeFactorBps, r.closeFactor.min);
        assertLe(p.closeFactorBps, r.closeFactor.max);
        assertGe(p.liquidationCapPerWindow, r.liquidationCap.min);
        assertLe(p.liquidationCapPerWindow, r.liquidationCap.max);
        assertGe(p.liquidationWindow, r.liquidationWindow.min);
        assertLe(p.liquidationWindow, r.liquidationWindow.max);
    }

    function invariant_noReportExceededStepOrCooldown() public view {
        assertEq(handler.stepViolations(), 0, "a report moved a parameter further than its step");
        assertEq(handler.cooldownViolations(), 0, "a report landed before its cooldown");
    }

    function invariant_noToxicSpiralAndOrdered() public view {
        RiskParams memory stored = updater.storedParams(asset);
        RiskParams memory eff = updater.effectiveParams(asset);
        assertLt(uint256(eff.liquidationThresholdBps) * (BPS + eff.liquidationBonusBps), BPS * BPS, "threshold x (1 + bonus) >= 1");
        assertGt(stored.ltvBps, 0);
        assertLt(stored.ltvBps, stored.liquidationThresholdBps);
        assertLe(stored.liquidationThresholdBps, eff.liquidationThresholdBps, "effective below target");
        assertLt(eff.liquidationThresholdBps, BPS);
        assertEq(eff.ltvBps, updater.isFrozen(asset) ? 0 : stored.ltvBps);
    }

    /// The two clocks the updater keeps in one word match the handler's ghosts (the risk-increasing one
    /// is stored as a saturating 24-bit age behind the update clock).
    function invariant_clocksMatchGhosts() public view {
        (,, uint40 lastUpdateAt,, uint40 lastRiskIncreasingAt) = updater.assetState(asset);
        assertEq(lastUpdateAt, handler.lastWriteAt(), "update clock");
        uint256 oldest = lastUpdateAt > type(uint24).max ? lastUpdateAt - type(uint24).max : 0;
        uint256 ghost = handler.lastRiskIncreasingWriteAt();
        assertEq(lastRiskIncreasingAt, ghost > oldest ? ghost : oldest, "risk-increasing clock");
        assertLe(lastRiskIncreasingAt, lastUpdateAt);
    }

    function invariant_nonceCountsAcceptedReports() public view {
        (, uint64 nonce,,,) = updater.assetState(asset);
        assertEq(nonce, handler.acceptedReports());
    }
}

/// @notice Guards the invariant campaign against a handler that never lands anything.
contract UpdaterHandlerSanityTest is BulwarkTestBase {
    function test_handlerLandsReportsAndTracksGhostState() public {
        _deploy();
        UpdaterHandler handler = new UpdaterHandler(updater, feed, asset, governance, guardian, signerKeys, _rules());
        handler.warp(2 days);
        handler.warp(1 days);
        handler.submitReport(40, 40, 0, 0, 1, 0); // both up by 40 bps: within the 50 bps step
        assertEq(handler.acceptedReports(), 1);
        assertEq(updater.storedParams(asset).ltvBps, 8_090);
        handler.submitReport(-10, 0, 0, 0, 1, 1); // risk-reducing, but the 1 hour cooldown has not passed
        assertEq(handler.acceptedReports(), 1);
        handler.warp(1 hours);
        handler.submitReport(-10, 0, 0, 0, 1, 2);
        assertEq(handler.acceptedReports(), 2);
        assertEq(handler.stepViolations() + handler.cooldownViolations(), 0);
        handler.governanceSetRules(200, 10, 40, 1 hours, 0);
        assertEq(handler.rulesChanges(), 1);
        assertEq(updater.assetRules(asset).ltv.maxRiskIncreasingStep, 10);
    }
}
