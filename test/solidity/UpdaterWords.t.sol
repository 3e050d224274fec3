// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AssetRules, BpsRule, RiskParams} from "../../contracts/libraries/RiskTypes.sol";
import {BpsRules, BpsRulesLib} from "../../contracts/types/BpsRules.sol";
import {PackedRiskParams, PackedRiskParamsLib} from "../../contracts/types/PackedRiskParams.sol";
import {ParamsSlot, ParamsSlotLib} from "../../contracts/types/ParamsSlot.sol";

/// @notice Exposes BpsRulesLib.pack, which reads calldata.
contract BpsRulesPacker {
    function pack(AssetRules calldata rules) external pure returns (BpsRules) {
        return BpsRulesLib.pack(rules);
    }
}

/// @notice Fuzz tests of the updater's typed words: every field reads back what was written, and no
///         write touches a field it does not name.
contract UpdaterWordsFuzzTest is Test {
    BpsRulesPacker internal packer;

    function setUp() public {
        packer = new BpsRulesPacker();
    }

    /// @notice Each of the four bps rules reads back from its own 64 bits, in both step directions.
    function testFuzz_bpsRulesRoundTrip(uint16[16] memory f) public view {
        AssetRules memory rules;
        rules.ltv = BpsRule(f[0], f[1], f[2], f[3]);
        rules.liquidationThreshold = BpsRule(f[4], f[5], f[6], f[7]);
        rules.liquidationBonus = BpsRule(f[8], f[9], f[10], f[11]);
        rules.closeFactor = BpsRule(f[12], f[13], f[14], f[15]);
        BpsRules packed = packer.pack(rules);
        for (uint256 i = 0; i < 4; ++i) {
            assertEq(packed.min(i), f[4 * i], "min");
            assertEq(packed.max(i), f[4 * i + 1], "max");
            assertEq(packed.maxStep(i, true), f[4 * i + 2], "risk-increasing step");
            assertEq(packed.maxStep(i, false), f[4 * i + 3], "risk-reducing step");
            assertEq(abi.encode(packed.rule(i)), abi.encode(BpsRule(f[4 * i], f[4 * i + 1], f[4 * i + 2], f[4 * i + 3])));
        }
    }

    /// @notice A params slot keeps targets, ramp and frozen flag apart: a write of new targets keeps the
    ///         frozen flag and drops the ramp, `withRampOf` copies exactly the ramp, and the effective
    ///         word is the targets with the given threshold and LTV 0 exactly while frozen.
    function testFuzz_paramsSlotFields(
        RiskParams memory p,
        RiskParams memory q,
        uint16 rampFrom,
        uint40 rampEnd,
        uint16 effectiveThreshold,
        bool isFrozen
    ) public pure {
        PackedRiskParams targets = PackedRiskParamsLib.packMemory(p);
        ParamsSlot slot = ParamsSlotLib.afterWrite(targets, ParamsSlot.wrap(0)).withRamp(rampFrom, rampEnd);
        if (isFrozen) slot = slot.frozen();
        assertTrue(slot.targets() == targets, "targets");
        assertEq(slot.rampFrom(), rampFrom, "ramp from");
        assertEq(slot.rampEnd(), rampEnd, "ramp end");
        assertEq(slot.isFrozen(), isFrozen, "frozen");
        assertEq(slot.ltvBps(), p.ltvBps, "ltv");
        assertEq(slot.liquidationThresholdBps(), p.liquidationThresholdBps, "threshold");

        RiskParams memory e = slot.effective(effectiveThreshold).unpack();
        RiskParams memory expected = p;
        expected.liquidationThresholdBps = effectiveThreshold;
        if (isFrozen) expected.ltvBps = 0;
        assertEq(abi.encode(e), abi.encode(expected), "effective");

        PackedRiskParams next = PackedRiskParamsLib.packMemory(q);
        ParamsSlot written = ParamsSlotLib.afterWrite(next, slot);
        assertTrue(written.targets() == next, "new targets");
        assertEq(written.isFrozen(), isFrozen, "a write keeps the frozen flag");
        assertEq(written.rampEnd(), 0, "a write drops the ramp");
        ParamsSlot kept = written.withRampOf(slot);
        assertEq(kept.rampFrom(), rampFrom, "kept ramp from");
        assertEq(kept.rampEnd(), rampEnd, "kept ramp end");
        assertTrue(kept.targets() == next, "withRampOf keeps the targets");
        assertEq(slot.unfrozen().isFrozen(), false, "unfrozen");
        assertTrue(slot.unfrozen().targets() == targets, "unfreezing keeps the targets");
    }

    /// @notice The bps-field reads match the struct, and `sameBpsFields` ignores the cap and window.
    function testFuzz_bpsFields(RiskParams memory p, uint96 cap, uint32 window) public pure {
        PackedRiskParams a = PackedRiskParamsLib.packMemory(p);
        assertEq(a.bpsField(0), p.ltvBps);
        assertEq(a.bpsField(1), p.liquidationThresholdBps);
        assertEq(a.bpsField(2), p.liquidationBonusBps);
        assertEq(a.bpsField(3), p.closeFactorBps);
        RiskParams memory q = p;
        q.liquidationCapPerWindow = cap;
        q.liquidationWindow = window;
        assertTrue(a.sameBpsFields(PackedRiskParamsLib.packMemory(q)), "cap and window are not bps fields");
        q.closeFactorBps = p.closeFactorBps ^ 1;
        assertFalse(a.sameBpsFields(PackedRiskParamsLib.packMemory(q)), "close factor is");
    }
}
