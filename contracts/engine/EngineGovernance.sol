// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IMarginEngine, LiquidationConfig} from "../interfaces/IMarginEngine.sol";
import {ZeroAddress} from "../libraries/Errors.sol";
import {LiquidationRateLimit} from "../libraries/LiquidationRateLimit.sol";
import {RateModel} from "../libraries/InterestRateModel.sol";
import {CollateralConfig, CollateralConfigLib} from "../types/CollateralConfig.sol";
import {EngineConfig} from "../types/EngineConfig.sol";
import {PoolBalances} from "../types/PoolBalances.sol";
import {PoolWord} from "../types/PoolWord.sol";
import {EngineLending} from "./EngineLending.sol";

/// @title EngineGovernance
/// @notice What the timelock (DEFAULT_ADMIN_ROLE) and the guardian may change in MarginEngine:
///         listings, supply caps, the rate model, the liquidation config, pauses and the reserve.
abstract contract EngineGovernance is EngineLending {
    using SafeERC20 for IERC20;

    /// @inheritdoc IMarginEngine
    function listCollateral(address asset, uint256 supplyCap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (asset == address(0)) revert ZeroAddress();
        if (asset == address(_debtToken)) revert DebtAssetAsCollateral();
        if (_collateralByToken[asset].isListed()) revert CollateralAlreadyListed(asset);
        if (!registry.isListed(asset)) revert NotInRegistry(asset);
        (address feed,,) = oracle.feedOf(asset);
        if (feed == address(0)) revert NoPriceFeed(asset);
        uint8 decimals_ = IERC20Metadata(asset).decimals();
        if (decimals_ > 36) revert UnsupportedDecimals(decimals_);
        if (supplyCap > CollateralConfigLib.MAX_AMOUNT) revert AmountTooLarge(supplyCap);
        EngineConfig configWord = _configWord;
        uint256 id = configWord.listedCount() + 1;
        if (id > 255) revert TooManyListedCollaterals();
        _configWord = configWord.withListedCount(id);
        _collateralByToken[asset] = CollateralConfigLib.pack(id, decimals_, supplyCap);
        // A started clock keeps the bucket word nonzero, so no liquidation pays a zero-to-nonzero write.
        _rateLimits[id] = LiquidationRateLimit.pack(0, block.timestamp);
        emit CollateralListed(asset, uint8(id), decimals_, supplyCap);
    }

    /// @inheritdoc IMarginEngine
    function delistCollateral(address asset) external onlyRole(DEFAULT_ADMIN_ROLE) {
        CollateralConfig config = _listedCollateral(asset);
        if (config.isDelisted()) revert AssetDelisted(asset);
        // Only deposits close. Valuation stays with the registry (one read per collateral in every scan),
        // so the wind-down is the registry's: LTV 0 at once by the guardian's freeze, the threshold down
        // over a ramp, and liquidators and owners take the positions out meanwhile.
        _collateralByToken[asset] = config.delisted();
        emit CollateralDelisted(asset, config.totalDeposited());
    }

    /// @inheritdoc IMarginEngine
    function setSupplyCap(address asset, uint256 supplyCap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        CollateralConfig config = _listedCollateral(asset);
        if (config.isDelisted()) revert AssetDelisted(asset);
        if (supplyCap > CollateralConfigLib.MAX_AMOUNT) revert AmountTooLarge(supplyCap);
        _collateralByToken[asset] = config.withSupplyCap(supplyCap);
        emit SupplyCapSet(asset, supplyCap);
    }

    /// @inheritdoc IMarginEngine
    function setRateModel(RateModel calldata model) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _accrue(); // interest so far accrues at the old rate
        _setRateModel(model);
    }

    /// @inheritdoc IMarginEngine
    function setLiquidationConfig(LiquidationConfig calldata config) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setLiquidationConfig(config);
    }

    /// @inheritdoc IMarginEngine
    function pause(bool borrowing, bool withdrawals) external onlyRole(GUARDIAN_ROLE) {
        EngineConfig configWord = _configWord.withPaused(borrowing, withdrawals);
        _configWord = configWord;
        emit PauseSet(configWord.borrowPaused(), configWord.withdrawalsPaused());
    }

    /// @inheritdoc IMarginEngine
    function unpause(bool borrowing, bool withdrawals) external onlyRole(DEFAULT_ADMIN_ROLE) {
        EngineConfig configWord = _configWord.withUnpaused(borrowing, withdrawals);
        _configWord = configWord;
        emit PauseSet(configWord.borrowPaused(), configWord.withdrawalsPaused());
    }

    /// @inheritdoc IMarginEngine
    function withdrawReserve(address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        (PoolWord poolWord,, PoolBalances balancesWord) = _accrue();
        uint256 reserve = poolWord.reserve();
        if (amount > reserve) revert ReserveExceeded(amount, reserve);
        uint256 cash = balancesWord.cash();
        if (amount > cash) revert InsufficientCash(amount, cash);
        _poolWord = poolWord.withReserve(reserve - amount);
        _balancesWord = balancesWord.withoutCash(amount);
        _debtToken.safeTransfer(to, amount);
        emit ReserveWithdrawn(to, amount);
    }
}
