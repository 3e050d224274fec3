// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {EngineGovernance} from "./engine/EngineGovernance.sol";
import {EngineState} from "./engine/EngineState.sol";
import {EngineViews} from "./engine/EngineViews.sol";
import {IMarginEngine, LiquidationConfig} from "./interfaces/IMarginEngine.sol";
import {IPriceOracle} from "./interfaces/IPriceOracle.sol";
import {IRiskParameterRegistry} from "./interfaces/IRiskParameterRegistry.sol";
import {BPS, BPS_TO_WAD, WAD} from "./libraries/ConstantsLib.sol";
import {ZeroAddress} from "./libraries/Errors.sol";
import {RateModel} from "./libraries/InterestRateModel.sol";
import {LiquidationRateLimit} from "./libraries/LiquidationRateLimit.sol";
import {PackedRiskParams} from "./types/PackedRiskParams.sol";
import {AccountWord, AccountWordLib} from "./types/AccountWord.sol";
import {CollateralConfig} from "./types/CollateralConfig.sol";
import {EngineConfig} from "./types/EngineConfig.sol";
import {PoolBalances, PoolBalancesLib} from "./types/PoolBalances.sol";
import {PoolWord} from "./types/PoolWord.sol";
import {Position, PositionLib} from "./types/Position.sol";

/// @title MarginEngine
/// @notice The lending pool of one debt asset and the cross-margin accounts that borrow from it.
///         Lenders hold ERC-4626 shares; borrowers post several collateral tokens; liquidations obey
///         the registry's close factor, bonus and per-window rate limit; bad debt is written off
///         against the reserve first and then against lenders.
/// @dev Values are 18-decimal amounts of the debt asset: the oracle prices each collateral in the debt
///      asset's unit of account (docs/engine.md). Rounding: collateral values and seizures round down,
///      debts and fees round up, the pool's total borrows round down, so every rounding favours the pool.
///      This file holds the borrowers' operations, liquidations and write-offs; the storage and shared
///      internals are in engine/EngineState.sol, the lenders' ERC-4626 side in engine/EngineLending.sol,
///      governance in engine/EngineGovernance.sol and the views in engine/EngineViews.sol.
contract MarginEngine is EngineGovernance, EngineViews {
    using SafeERC20 for IERC20;

    /// @notice Deploys the pool for `debtAsset`.
    /// @param debtAsset The borrowed asset (at most 18 decimals).
    /// @param name_ Lender share name.
    /// @param symbol_ Lender share symbol.
    /// @param registry_ The RiskParameterRegistry (the BoundedRiskUpdater's address).
    /// @param oracle_ The PriceOracle.
    /// @param governance The timelock (DEFAULT_ADMIN_ROLE).
    /// @param guardian May pause (zero: grant later).
    /// @param model The initial interest rate model.
    /// @param config The initial liquidation configuration.
    constructor(
        IERC20Metadata debtAsset,
        string memory name_,
        string memory symbol_,
        IRiskParameterRegistry registry_,
        IPriceOracle oracle_,
        address governance,
        address guardian,
        RateModel memory model,
        LiquidationConfig memory config
    ) EngineState(debtAsset, name_, symbol_, registry_, oracle_, governance, guardian, model, config) {}

    // ------------------------------------------------------------------ borrowers

    /// @inheritdoc IMarginEngine
    function depositCollateral(address asset, uint256 amount, address account) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (account == address(0)) revert ZeroAddress();
        CollateralConfig config = _listedCollateral(asset);
        if (config.isDelisted()) revert AssetDelisted(asset);
        uint256 totalAfter = config.totalDeposited() + amount;
        uint256 supplyCap = config.supplyCap();
        if (totalAfter > supplyCap) revert SupplyCapExceeded(asset, totalAfter, supplyCap);
        _collateralByToken[asset] = config.withTotalDeposited(totalAfter);

        uint256 id = config.id();
        AccountWord header = _accounts[account];
        uint256 position = header.positionOf(id);
        // Balances never exceed the asset's total, which the cap keeps below 2^96.
        if (position == header.count()) {
            // Only the owner opens a position: a stranger's dust in a collateral whose feed later fails
            // must not be able to touch the account (issue 16, finding 1). Top-ups stay open to anyone.
            if (msg.sender != account) revert NewPositionByThirdParty(account, asset);
            if (position == AccountWordLib.MAX_COLLATERALS) {
                revert TooManyCollateralAssets(AccountWordLib.MAX_COLLATERALS);
            }
            _accounts[account] = header.push(id, config.decimals());
            _positions[account][position] = PositionLib.pack(asset, amount);
        } else {
            Position[8] storage positions = _positions[account];
            positions[position] = positions[position].plusBalance(amount);
        }
        IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
        emit CollateralDeposited(msg.sender, account, asset, amount);
    }

    /// @inheritdoc IMarginEngine
    function withdrawCollateral(address asset, uint256 amount, address to)
        external
        nonReentrant
        returns (uint256 withdrawn)
    {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        if (_configWord.withdrawalsPaused()) revert WithdrawalsPaused();
        CollateralConfig config = _listedCollateral(asset);
        AccountWord header = _accounts[msg.sender];
        uint256 position = header.positionOf(config.id());
        uint256 balance = position < header.count() ? _positions[msg.sender][position].balance() : 0;
        withdrawn = amount == type(uint256).max ? balance : amount;
        if (withdrawn > balance || withdrawn == 0) revert InsufficientCollateral(asset, withdrawn, balance);

        header = _setBalance(msg.sender, header, position, asset, balance - withdrawn);
        _collateralByToken[asset] = config.lessDeposited(withdrawn);
        uint256 scaled = header.scaledDebt();
        if (scaled != 0) {
            // The check reads the balances just written: the account must stay within its borrow limit.
            (PoolWord poolWord,,) = _accrue();
            uint256 debtValue = _debtOf(scaled, poolWord.borrowIndex()) * _debtScale;
            Scan memory s = _scan(msg.sender, header, 0, false);
            if (debtValue > s.borrowLimit) revert BorrowLimitExceeded(debtValue, s.borrowLimit);
        }
        IERC20(asset).safeTransfer(to, withdrawn);
        emit CollateralWithdrawn(msg.sender, asset, withdrawn, to);
    }

    /// @inheritdoc IMarginEngine
    function borrow(uint256 amount, address to) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        (PoolWord poolWord, EngineConfig configWord, PoolBalances balancesWord) = _accrue();
        if (configWord.borrowPaused()) revert BorrowingPaused();
        uint256 cash = balancesWord.cash();
        if (amount > cash) revert InsufficientCash(amount, cash);

        uint256 index = poolWord.borrowIndex();
        AccountWord header = _accounts[msg.sender];
        uint256 scaledAdded = Math.mulDiv(amount, WAD, index, Math.Rounding.Ceil);
        uint256 scaledAfter = header.scaledDebt() + scaledAdded;
        uint256 debtAfter = _debtOf(scaledAfter, index);
        Scan memory s = _scan(msg.sender, header, 0, false);
        if (debtAfter * _debtScale > s.borrowLimit) revert BorrowLimitExceeded(debtAfter * _debtScale, s.borrowLimit);
        // No dust debts: an account owing less than a liquidation is worth would never be liquidated
        // (issue 16, item 8). The debt asset is the unit of account, so the check reads no price.
        uint256 minimum = configWord.minLeftoverValue();
        if (debtAfter * _debtScale < minimum) revert DebtBelowMinimum(debtAfter * _debtScale, minimum);

        if (scaledAfter > AccountWordLib.MAX_SCALED_DEBT) revert AmountTooLarge(scaledAfter);
        _accounts[msg.sender] = header.withScaledDebt(scaledAfter);
        _balancesWord = PoolBalancesLib.pack(cash - amount, balancesWord.totalScaled() + scaledAdded);
        _debtToken.safeTransfer(to, amount);
        emit Borrowed(msg.sender, amount, to, debtAfter);
    }

    /// @inheritdoc IMarginEngine
    function repay(uint256 amount, address account) external nonReentrant returns (uint256 repaid) {
        if (amount == 0) revert ZeroAmount();
        (PoolWord poolWord, EngineConfig configWord, PoolBalances balancesWord) = _accrue();
        AccountWord header = _accounts[account];
        uint256 scaled = header.scaledDebt();
        if (scaled == 0) revert NoDebt(account);
        uint256 index = poolWord.borrowIndex();
        uint256 debt = _debtOf(scaled, index);
        uint256 scaledRemoved;
        if (amount >= debt) {
            (repaid, scaledRemoved) = (debt, scaled);
        } else {
            // Rounded down: a partial repayment never cancels more debt than it pays.
            (repaid, scaledRemoved) = (amount, (amount * WAD) / index);
        }
        uint256 scaledAfter = scaled - scaledRemoved;
        if (scaledAfter != 0) {
            // A partial repayment never creates a dust debt; one that is already dust may only shrink.
            uint256 minimum = configWord.minLeftoverValue();
            uint256 valueAfter = _debtOf(scaledAfter, index) * _debtScale;
            if (valueAfter < minimum && debt * _debtScale >= minimum) revert DebtBelowMinimum(valueAfter, minimum);
        }
        _accounts[account] = header.withScaledDebt(scaledAfter);
        _balancesWord = PoolBalancesLib.pack(balancesWord.cash() + repaid, balancesWord.totalScaled() - scaledRemoved);
        _debtToken.safeTransferFrom(msg.sender, address(this), repaid);
        emit Repaid(msg.sender, account, repaid, _debtOf(scaledAfter, index));
    }

    // ------------------------------------------------------------------ liquidation

    /// @dev Everything a liquidation computes before it writes, kept in memory to stay off the stack.
    struct Liquidation {
        AccountWord header;
        uint256 index;
        uint256 debt;
        uint256 healthFactor;
        uint256 repaid;
        uint256 seized;
        uint256 seizedValue;
        uint256 fee;
        PoolBalances balancesWord;
        uint256 targetValue;
    }

    /// @inheritdoc IMarginEngine
    function liquidate(address borrower, address asset, uint256 maxRepay, uint256 minSeized)
        external
        nonReentrant
        returns (uint256 repaid, uint256 seized)
    {
        if (borrower == msg.sender) revert SelfLiquidation();
        if (maxRepay == 0) revert ZeroAmount();
        CollateralConfig config = _listedCollateral(asset);
        Liquidation memory job;
        (PoolWord poolWord, EngineConfig configWord, PoolBalances balancesWord) = _accrue();
        job.balancesWord = balancesWord;
        job.index = poolWord.borrowIndex();
        job.header = _accounts[borrower];
        job.debt = _debtOf(job.header.scaledDebt(), job.index);
        if (job.debt == 0) revert AccountHealthy(type(uint256).max);
        Scan memory s = _scan(borrower, job.header, config.id(), true);
        job.healthFactor = (s.liquidationValue * WAD) / (job.debt * _debtScale);
        if (job.healthFactor >= WAD) revert AccountHealthy(job.healthFactor);
        if (s.targetPosition == NOT_HELD) revert CollateralNotHeld(borrower, asset);

        _sizeLiquidation(job, s, configWord, maxRepay);
        if (job.seized < minSeized || job.seized == 0) revert SeizedBelowMinimum(job.seized, minSeized);
        _enforceRateLimit(config.id(), asset, s.targetParams, job, configWord);

        // Effects.
        uint256 scaled = job.header.scaledDebt();
        uint256 scaledRemoved = job.repaid == job.debt ? scaled : (job.repaid * WAD) / job.index;
        job.header = _setBalance(borrower, job.header, s.targetPosition, asset, s.targetBalance - job.seized);
        _collateralByToken[asset] = config.lessDeposited(job.seized);
        uint256 totalScaled = job.balancesWord.totalScaled() - scaledRemoved;
        uint256 reserve = poolWord.reserve() + job.fee;
        scaled -= scaledRemoved;
        // Never on a collateral valued at 0 for a failing feed: that would write off debt it may back.
        if (scaled != 0 && !s.unpriced) {
            (scaled, totalScaled, reserve) = _settleShortfall(borrower, job, s, scaled, totalScaled, reserve, configWord);
        }
        _accounts[borrower] = job.header.withScaledDebt(scaled);
        _balancesWord = PoolBalancesLib.pack(job.balancesWord.cash() + job.repaid + job.fee, totalScaled);
        _poolWord = poolWord.withReserve(reserve);
        emit Liquidated(msg.sender, borrower, asset, job.repaid, job.seized, job.fee, job.healthFactor);

        // Interactions.
        _debtToken.safeTransferFrom(msg.sender, address(this), job.repaid + job.fee);
        IERC20(asset).safeTransfer(msg.sender, job.seized);
        return (job.repaid, job.seized);
    }

    /// @dev Close factor (full below the full-close health or for small positions), bonus, balance
    ///      cap, dust rule and protocol fee. Seizure rounds down; a repayment recomputed from a capped
    ///      seizure rounds up, so seized <= repaid × (1 + bonus) / price always holds.
    function _sizeLiquidation(Liquidation memory job, Scan memory s, EngineConfig configWord, uint256 maxRepay)
        private
        view
    {
        uint256 minLeftover = configWord.minLeftoverValue();
        uint256 debtValue = job.debt * _debtScale;
        uint256 targetValue = (s.targetBalance * s.targetPrice) / s.targetUnit;
        job.targetValue = targetValue;
        uint256 allowed = job.debt;
        if (
            job.healthFactor >= configWord.fullCloseHealthBps() * BPS_TO_WAD && debtValue >= 2 * minLeftover
                && targetValue >= 2 * minLeftover
        ) {
            allowed = (job.debt * s.targetParams.closeFactorBps()) / BPS;
        }
        job.repaid = maxRepay < allowed ? maxRepay : allowed;
        uint256 bonusFactor = BPS + s.targetParams.liquidationBonusBps();
        job.seized = Math.mulDiv(job.repaid * _debtScale * bonusFactor, s.targetUnit, BPS * s.targetPrice);
        bool equityCapped = job.seized >= s.targetBalance && job.header.count() == 1 && targetValue >= debtValue;
        if (equityCapped) {
            // All of the only collateral would go, yet it covers the debt: the bonus is capped at the equity
            // (issue 16, finding 7). Keeping collateral/debt, the whole debt buys the whole balance.
            job.seized = Math.mulDiv(job.repaid, s.targetBalance, job.debt);
        } else if (job.seized > s.targetBalance) {
            job.seized = s.targetBalance;
            job.repaid = Math.mulDiv(
                s.targetBalance * s.targetPrice, BPS, bonusFactor * s.targetUnit * _debtScale, Math.Rounding.Ceil
            ); // never above the first repayment: the balance is worth less than its seizure
        }
        job.seizedValue = (job.seized * s.targetPrice) / s.targetUnit;

        uint256 leftoverDebt = job.debt - job.repaid;
        uint256 leftoverCollateral = s.targetBalance - job.seized;
        if (leftoverDebt != 0 && leftoverCollateral != 0) {
            uint256 leftoverDebtValue = leftoverDebt * _debtScale;
            uint256 leftoverCollateralValue = (leftoverCollateral * s.targetPrice) / s.targetUnit;
            if (leftoverDebtValue < minLeftover || leftoverCollateralValue < minLeftover) {
                revert LiquidationLeavesDust(leftoverDebtValue, leftoverCollateralValue);
            }
        }
        uint256 feeBps = configWord.protocolFeeBps();
        if (equityCapped) {
            // The fee is the protocol's share of the bonus actually paid, not of the nominal one.
            uint256 repaidValue = job.repaid * _debtScale;
            uint256 bonusValue = job.seizedValue > repaidValue ? job.seizedValue - repaidValue : 0;
            job.fee = Math.mulDiv(bonusValue, feeBps, BPS * _debtScale, Math.Rounding.Ceil);
        } else {
            job.fee =
                Math.mulDiv(job.repaid, s.targetParams.liquidationBonusBps() * feeBps, BPS * BPS, Math.Rounding.Ceil);
        }
    }

    /// @dev Charges the seized value to the asset's bucket; deeply underwater accounts bypass the cap
    ///      but still count, so the bucket always reflects what was really sold into the market.
    function _enforceRateLimit(
        uint256 id,
        address asset,
        PackedRiskParams params,
        Liquidation memory job,
        EngineConfig configWord
    ) private {
        uint256 cap = params.liquidationCapPerWindow();
        uint256 used = LiquidationRateLimit.usedAt(_rateLimits[id], cap, params.liquidationWindow(), block.timestamp);
        if (job.healthFactor >= configWord.rateLimitBypassHealthBps() * BPS_TO_WAD) {
            uint256 available = used >= cap ? 0 : cap - used;
            if (job.seizedValue > available) revert LiquidationRateLimited(asset, job.seizedValue, available);
        }
        _rateLimits[id] = LiquidationRateLimit.pack(used + job.seizedValue, block.timestamp);
    }

    /// @inheritdoc IMarginEngine
    function writeOffBadDebt(address account) external nonReentrant returns (uint256 loss) {
        (PoolWord poolWord, EngineConfig configWord, PoolBalances balancesWord) = _accrue();
        AccountWord header = _accounts[account];
        uint256 scaled = header.scaledDebt();
        if (scaled == 0) revert NoDebt(account);
        uint256 index = poolWord.borrowIndex();
        // No target: id 256 matches no collateral. A failing feed reverts here, so an account is never
        // written down on a price the oracle would not give.
        Scan memory s = _scan(account, header, NO_TARGET, false);
        uint256 keptScaled = _backedScaledDebt(scaled, index, s.collateralValue, configWord);
        if (keptScaled == scaled) revert AccountNotInsolvent(s.collateralValue, _debtOf(scaled, index) * _debtScale);
        uint256 totalScaled = balancesWord.totalScaled();
        uint256 reserve = poolWord.reserve();
        (totalScaled, reserve, loss) = _writeOffBadDebt(account, scaled - keptScaled, totalScaled, reserve, index);
        _accounts[account] = header.withScaledDebt(keptScaled);
        _balancesWord = PoolBalancesLib.pack(balancesWord.cash(), totalScaled);
        _poolWord = poolWord.withReserve(reserve);
    }

    /// @dev The write-off right after a liquidation, on the collateral left at the prices it used.
    function _settleShortfall(
        address borrower,
        Liquidation memory job,
        Scan memory s,
        uint256 scaled,
        uint256 totalScaled,
        uint256 reserve,
        EngineConfig configWord
    ) private returns (uint256, uint256, uint256) {
        // Cheap bound first: the debt left is at most debt − repaid + ⌈index⌉ (rounding), the collateral
        // left worth at least its value before less the seizure's and 1 wei.
        unchecked {
            if (s.collateralValue - job.seizedValue > (job.debt - job.repaid + 1 + job.index / WAD) * _debtScale) {
                return (scaled, totalScaled, reserve);
            }
        }
        uint256 valueAfter =
            s.collateralValue - job.targetValue + ((s.targetBalance - job.seized) * s.targetPrice) / s.targetUnit;
        uint256 keptScaled = _backedScaledDebt(scaled, job.index, valueAfter, configWord);
        if (keptScaled != scaled) {
            (totalScaled, reserve,) = _writeOffBadDebt(borrower, scaled - keptScaled, totalScaled, reserve, job.index);
        }
        return (keptScaled, totalScaled, reserve);
    }

    /// @dev The scaled debt an account keeps when its collateral is worth `value` (18 decimals, at
    ///      market prices, no threshold): all of it while the collateral covers the debt; else the part
    ///      the collateral backs, rounded down so the debt kept never exceeds it; nothing once the
    ///      collateral is worth less than the minimum leftover, which no liquidator would pay gas to take
    ///      (finding 2 of issue 16: a dust position must not keep unbacked debt in totalAssets).
    function _backedScaledDebt(uint256 scaled, uint256 index, uint256 value, EngineConfig configWord)
        private
        view
        returns (uint256)
    {
        if (_debtOf(scaled, index) * _debtScale <= value) return scaled;
        if (value < configWord.minLeftoverValue()) return 0;
        return ((value / _debtScale) * WAD) / index;
    }

    /// @dev Cancels `scaled` of an account's debt that its collateral no longer backs: the reserve
    ///      absorbs it first, lenders the rest (total borrows fall, so the share price does).
    function _writeOffBadDebt(address account, uint256 scaled, uint256 totalScaled, uint256 reserve, uint256 index)
        private
        returns (uint256 totalScaledAfter, uint256 reserveAfter, uint256 loss)
    {
        totalScaledAfter = totalScaled - scaled;
        loss = (totalScaled * index) / WAD - (totalScaledAfter * index) / WAD;
        uint256 coveredByReserve = loss < reserve ? loss : reserve;
        reserveAfter = reserve - coveredByReserve;
        _badDebtWrittenOff += loss;
        emit BadDebtWrittenOff(account, loss, coveredByReserve, loss - coveredByReserve);
    }
}
