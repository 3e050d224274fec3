// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";
import {BoundedRiskUpdater} from "../../contracts/BoundedRiskUpdater.sol";
import {PriceOracle} from "../../contracts/PriceOracle.sol";
import {IPriceOracle} from "../../contracts/interfaces/IPriceOracle.sol";
import {PackedRiskParams} from "../../contracts/types/PackedRiskParams.sol";
import {AssetRules, BpsRule, AmountRule, PackedRiskReport, RiskParams, Signature} from "../../contracts/libraries/RiskTypes.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";

/// @notice A report moving `asset` from its stored parameters to `next`, with its next nonce, observed now.
function reportFor(BoundedRiskUpdater updater, address asset, RiskParams memory next)
    view
    returns (PackedRiskReport memory r)
{
    (, uint64 nonce,,,) = updater.assetState(asset);
    r = PackedRiskReport({
        asset: asset,
        newParams: updater.packParams(next),
        expectedCurrentParams: updater.packParams(updater.storedParams(asset)),
        nonce: nonce,
        observedAt: uint64(block.timestamp),
        reportHash: keccak256(abi.encode(asset, next, nonce))
    });
}

/// @notice The report signed by `key`, as the updater takes it: one compact (r, vs) signature.
function signedBy(Vm vm, BoundedRiskUpdater updater, PackedRiskReport memory r, uint256 key)
    view
    returns (Signature[] memory sigs)
{
    (uint8 v, bytes32 rr, bytes32 s) = vm.sign(key, updater.reportDigest(r));
    sigs = new Signature[](1);
    sigs[0] = Signature(rr, bytes32(uint256(s) | (uint256(v - 27) << 255)));
}

/// @notice Shared setup for the Solidity fuzz and invariant tests: one asset, three calibrator keys.
abstract contract BulwarkTestBase is Test {
    BoundedRiskUpdater internal updater;
    PriceOracle internal oracle;
    MockAggregator internal feed;
    address internal governance = makeAddr("governance");
    address internal guardian = makeAddr("guardian");
    address internal asset = makeAddr("WETH");
    uint256[3] internal signerKeys;
    address[] internal signerAddrs;

    uint32 internal constant RAMP = 7 days;

    function _rules() internal pure returns (AssetRules memory r) {
        r.ltv = BpsRule(5_000, 8_500, 50, 200);
        r.liquidationThreshold = BpsRule(6_000, 9_000, 50, 200);
        r.liquidationBonus = BpsRule(200, 1_500, 25, 100);
        r.closeFactor = BpsRule(2_000, 10_000, 500, 2_500);
        r.liquidationCap = AmountRule(100_000e18, 50_000_000e18, 2_500);
        r.liquidationWindow = AmountRule(600, 86_400, 5_000);
        r.riskIncreasingCooldown = 3 days;
        r.riskReducingCooldown = 1 hours;
    }

    function _initialParams() internal pure returns (RiskParams memory) {
        return RiskParams(8_050, 8_300, 500, 5_000, 5_000_000e18, 3_600);
    }

    function _deploy() internal {
        vm.warp(1_700_000_000);
        for (uint256 i = 0; i < 3; ++i) {
            (address a, uint256 k) = makeAddrAndKey(string.concat("calibrator", vm.toString(i)));
            signerKeys[i] = k;
            signerAddrs.push(a);
        }
        oracle = new PriceOracle(governance, address(0), 0);
        feed = new MockAggregator(8, 2_000e8, "ETH / USD");
        updater = new BoundedRiskUpdater(governance, guardian, IPriceOracle(address(oracle)), signerAddrs, 1, 1 hours);
        vm.startPrank(governance);
        oracle.setFeed(asset, address(feed), 4_200);
        updater.setAssetRules(asset, _rules());
        updater.setRampDuration(asset, RAMP);
        updater.governanceSetParams(asset, _initialParams());
        vm.stopPrank();
    }

    function _report(RiskParams memory next) internal view returns (PackedRiskReport memory) {
        return reportFor(updater, asset, next);
    }

    function _sign(PackedRiskReport memory r, uint256 key) internal view returns (Signature[] memory) {
        return signedBy(vm, updater, r, key);
    }

    function _pack(RiskParams memory p) internal view returns (uint256) {
        return updater.packParams(p);
    }

    function _unpack(uint256 word) internal pure returns (RiskParams memory) {
        return PackedRiskParams.wrap(word).unpack();
    }
}
