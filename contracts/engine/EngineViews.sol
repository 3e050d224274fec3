// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccountSnapshot, IMarginEngine, LiquidationConfig} from "../interfaces/IMarginEngine.sol";
import {WAD} from "../libraries/ConstantsLib.sol";
import {InterestRateModel, RateModel} from "../libraries/InterestRateModel.sol";
import {LiquidationRateLimit} from "../libraries/LiquidationRateLimit.sol";
import {PackedRiskParams} from "../types/PackedRiskParams.sol";
import {AccountWord} from "../types/AccountWord.sol";
import {CollateralConfig} from "../types/CollateralConfig.sol";
import {EngineConfig} from "../types/EngineConfig.sol";
import {EngineLending} from "./EngineLending.sol";

/// @title EngineViews
/// @notice MarginEngine's read-only interface: accounts at current prices, the pool with interest to
///         this block, and the stored configuration decoded.
abstract contract EngineViews is EngineLending {

    /// @inheritdoc IMarginEngine
    function healthFactor(address account) external view returns (uint256) {
        AccountWord header = _accounts[account];
        uint256 scaled = header.scaledDebt();
        if (scaled == 0) return type(uint256).max;
        uint256 index = _currentIndex();
        Scan memory s = _scan(account, header, 0, false);
        return (s.liquidationValue * WAD) / (_debtOf(scaled, index) * _debtScale);
    }

    /// @inheritdoc IMarginEngine
    function accountSnapshot(address account) external view returns (AccountSnapshot memory snapshot) {
        AccountWord header = _accounts[account];
        uint256 index = _currentIndex();
        Scan memory s = _scan(account, header, 0, false);
        snapshot.collateralValue = s.collateralValue;
        snapshot.borrowLimit = s.borrowLimit;
        snapshot.liquidationValue = s.liquidationValue;
        snapshot.debt = _debtOf(header.scaledDebt(), index);
        snapshot.debtValue = snapshot.debt * _debtScale;
        snapshot.healthFactor = snapshot.debt == 0
            ? type(uint256).max
            : (s.liquidationValue * WAD) / snapshot.debtValue;
    }

    /// @inheritdoc IMarginEngine
    function debtOf(address account) external view returns (uint256) {
        uint256 index = _currentIndex();
        return _debtOf(_accounts[account].scaledDebt(), index);
    }

    /// @inheritdoc IMarginEngine
    function collateralBalance(address account, address asset) external view returns (uint256) {
        AccountWord header = _accounts[account];
        uint256 position = header.positionOf(_collateralByToken[asset].id()); // ids start at 1
        if (position == header.count()) return 0;
        return _positions[account][position].balance();
    }

    /// @inheritdoc IMarginEngine
    function collateralAssetsOf(address account) external view returns (address[] memory assets) {
        AccountWord header = _accounts[account];
        assets = new address[](header.count());
        for (uint256 p = 0; p < assets.length; ++p) {
            assets[p] = _positions[account][p].token();
        }
    }

    /// @inheritdoc IMarginEngine
    function poolState()
        external
        view
        returns (uint256 cash, uint256 totalBorrows, uint256 reserve, uint256 badDebtWrittenOff, uint256 borrowIndex)
    {
        (cash, totalBorrows, reserve, borrowIndex) = _currentPool();
        badDebtWrittenOff = _badDebtWrittenOff;
    }

    /// @inheritdoc IMarginEngine
    function borrowRate() external view returns (uint256) {
        (uint256 cash, uint256 borrows,,) = _currentPool();
        return _configWord.annualBorrowRate(InterestRateModel.utilization(cash, borrows));
    }

    /// @inheritdoc IMarginEngine
    function rateModel() external view returns (RateModel memory) {
        return InterestRateModel.unpack(_configWord.rateModelBits());
    }

    /// @inheritdoc IMarginEngine
    function liquidationConfig() external view returns (LiquidationConfig memory config) {
        config = _configWord.liquidationConfig();
    }

    /// @inheritdoc IMarginEngine
    function collateralConfig(address asset)
        external
        view
        returns (uint8 id, uint8 decimals_, uint256 supplyCap, uint256 totalDeposited)
    {
        CollateralConfig config = _collateralByToken[asset];
        return (uint8(config.id()), uint8(config.decimals()), config.supplyCap(), config.totalDeposited());
    }

    /// @inheritdoc IMarginEngine
    function isDelisted(address asset) external view returns (bool) {
        return _collateralByToken[asset].isDelisted();
    }

    /// @inheritdoc IMarginEngine
    function liquidationCapacity(address asset) external view returns (uint256 used, uint256 available) {
        CollateralConfig config = _listedCollateral(asset);
        PackedRiskParams params = PackedRiskParams.wrap(registry.effectiveParamsPacked(asset));
        uint256 cap = params.liquidationCapPerWindow();
        used = LiquidationRateLimit.usedAt(_rateLimits[config.id()], cap, params.liquidationWindow(), block.timestamp);
        available = used >= cap ? 0 : cap - used;
    }

    /// @inheritdoc IMarginEngine
    function paused() external view returns (bool borrowingPaused, bool withdrawalsPaused) {
        EngineConfig configWord = _configWord;
        return (configWord.borrowPaused(), configWord.withdrawalsPaused());
    }
}
