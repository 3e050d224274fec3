// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BoundedRiskUpdater} from "../../contracts/BoundedRiskUpdater.sol";
import {MarginEngine} from "../../contracts/MarginEngine.sol";
import {PriceOracle} from "../../contracts/PriceOracle.sol";
import {LiquidationConfig} from "../../contracts/interfaces/IMarginEngine.sol";
import {IPriceOracle} from "../../contracts/interfaces/IPriceOracle.sol";
import {IRiskParameterRegistry} from "../../contracts/interfaces/IRiskParameterRegistry.sol";
import {RateModel} from "../../contracts/libraries/InterestRateModel.sol";
import {AssetRules, RiskParams} from "../../contracts/libraries/RiskTypes.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {BulwarkTestBase} from "./BulwarkTestBase.sol";

/// @notice The system under test: USDC pool, WETH (18 decimals) and WBTC (8 decimals) collateral.
abstract contract EngineSetup is BulwarkTestBase {
    MarginEngine internal engine;
    MockERC20 internal usdc;
    MockERC20[2] internal tokens;
    MockAggregator[2] internal feeds;
    uint256 internal signerKey;

    /// @dev The updater's default rules with a one-day risk-increasing cooldown, so random runs see reports land.
    function _engineRules() internal pure returns (AssetRules memory r) {
        r = _rules();
        r.riskIncreasingCooldown = 1 days;
    }

    function _deploySystem() internal {
        vm.warp(1_700_000_000);
        address signer;
        (signer, signerKey) = makeAddrAndKey("calibrator");
        address[] memory signers = new address[](1);
        signers[0] = signer;
        oracle = new PriceOracle(governance, address(0), 0);
        updater = new BoundedRiskUpdater(governance, guardian, IPriceOracle(address(oracle)), signers, 1, 1 hours);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        tokens[0] = new MockERC20("Wrapped Ether", "WETH", 18);
        tokens[1] = new MockERC20("Wrapped BTC", "WBTC", 8);
        feeds[0] = new MockAggregator(8, 2_000e8, "ETH / USD");
        feeds[1] = new MockAggregator(8, 60_000e8, "BTC / USD");
        engine = new MarginEngine(
            usdc,
            "Bulwark USDC",
            "bwUSDC",
            IRiskParameterRegistry(address(updater)),
            IPriceOracle(address(oracle)),
            governance,
            guardian,
            RateModel(0, 400, 7_500, 8_000, 1_000),
            // Low minimum leftover and a 100,000 cap so that dust and rate-limit paths are exercised.
            LiquidationConfig(9_500, 9_000, 1_000, 10e18)
        );
        vm.startPrank(governance);
        for (uint256 i = 0; i < 2; ++i) {
            oracle.setFeed(address(tokens[i]), address(feeds[i]), 4_200);
            updater.setAssetRules(address(tokens[i]), _engineRules());
            updater.setRampDuration(address(tokens[i]), 2 days);
            updater.governanceSetParams(address(tokens[i]), RiskParams(8_050, 8_300, 500, 5_000, 100_000e18, 3_600));
            engine.listCollateral(address(tokens[i]), type(uint96).max);
        }
        vm.stopPrank();
    }
}
