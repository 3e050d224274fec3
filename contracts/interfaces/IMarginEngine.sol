// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RateModel} from "../libraries/InterestRateModel.sol";

/// @notice Liquidation settings set by governance within the bounds in docs/engine.md.
struct LiquidationConfig {
    /// @dev Below this health factor (bps of 1.0) one liquidation may repay the whole debt.
    uint16 fullCloseHealthBps;
    /// @dev Below this health factor the per-window rate limit does not apply (waiting risks bad debt).
    uint16 rateLimitBypassHealthBps;
    /// @dev Share of the liquidation bonus paid to the reserve, in bps of the bonus.
    uint16 protocolFeeBps;
    /// @dev Smallest debt or collateral value (18 decimals, debt-asset units) a partial liquidation may leave,
    ///      and the smallest debt a borrow or a partial repayment may leave (zero is always allowed).
    uint96 minLeftoverValue;
}

/// @notice A borrower's position at current prices and effective parameters (18-decimal debt-asset values).
struct AccountSnapshot {
    uint256 collateralValue;
    uint256 borrowLimit;
    uint256 liquidationValue;
    uint256 debt;
    uint256 debtValue;
    uint256 healthFactor;
}

/// @title IMarginEngine
/// @notice A lending pool of one debt asset (ERC-4626 shares for lenders) with cross-margin borrowers,
///         whose risk parameters come only from the RiskParameterRegistry and prices only from the PriceOracle.
interface IMarginEngine {
    /// @notice A zero amount where a positive one is required.
    error ZeroAmount();
    /// @notice An amount that does not fit the engine's 128-bit bookkeeping.
    error AmountTooLarge(uint256 amount);
    /// @notice The asset is not a collateral of this engine.
    error CollateralNotListed(address asset);
    /// @notice The asset is already a collateral of this engine.
    error CollateralAlreadyListed(address asset);
    /// @notice The debt asset cannot also be a collateral.
    error DebtAssetAsCollateral();
    /// @notice Listing needs the asset in the registry first.
    error NotInRegistry(address asset);
    /// @notice Listing needs a price feed in the oracle first.
    error NoPriceFeed(address asset);
    /// @notice A token whose decimals exceed 36, or a debt asset above 18.
    error UnsupportedDecimals(uint8 decimals);
    /// @notice All 255 collateral ids are taken.
    error TooManyListedCollaterals();
    /// @notice The account already holds the maximum number of collateral assets.
    error TooManyCollateralAssets(uint256 max);
    /// @notice The deposit would take the asset's total above its supply cap.
    error SupplyCapExceeded(address asset, uint256 totalAfter, uint256 supplyCap);
    /// @notice A withdrawal or seizure larger than the account's balance of the asset.
    error InsufficientCollateral(address asset, uint256 requested, uint256 balance);
    /// @notice The account would owe more than its borrow limit (both 18-decimal values).
    error BorrowLimitExceeded(uint256 debtValue, uint256 borrowLimit);
    /// @notice The pool lacks idle cash for the borrow or withdrawal.
    error InsufficientCash(uint256 requested, uint256 available);
    /// @notice Someone other than the account tried to open a new collateral position in it (top-ups of
    ///         an existing position are open to anyone).
    error NewPositionByThirdParty(address account, address asset);
    /// @notice A borrow or a partial repayment would leave a debt (18-decimal value) below the minimum
    ///         (`minLeftoverValue`): a dust debt no liquidator would pay gas to clear.
    error DebtBelowMinimum(uint256 debtValue, uint256 minimumValue);
    /// @notice The collateral was delisted: it takes no deposits and its supply cap is final.
    error AssetDelisted(address asset);
    /// @notice Repaying an account without debt.
    error NoDebt(address account);
    /// @notice The account's health factor (WAD) is at or above 1: it cannot be liquidated.
    error AccountHealthy(uint256 healthFactor);
    /// @notice A write-off of an account whose collateral (market value, 18 decimals) still backs its
    ///         debt (18 decimals), or backs it with more than the minimum leftover value.
    error AccountNotInsolvent(uint256 collateralValue, uint256 debtValue);
    /// @notice The borrower holds none of the asset the liquidator asked for.
    error CollateralNotHeld(address account, address asset);
    /// @notice A borrower cannot liquidate itself.
    error SelfLiquidation();
    /// @notice The asset's liquidation rate limit lacks capacity (values 18 decimals, debt-asset units).
    error LiquidationRateLimited(address asset, uint256 requestedValue, uint256 availableValue);
    /// @notice A partial liquidation would leave debt or collateral worth less than the minimum leftover.
    error LiquidationLeavesDust(uint256 leftoverDebtValue, uint256 leftoverCollateralValue);
    /// @notice The liquidator would receive less collateral than it asked for.
    error SeizedBelowMinimum(uint256 seized, uint256 minSeized);
    /// @notice Borrowing is paused by the guardian.
    error BorrowingPaused();
    /// @notice Withdrawals (collateral and lender) are paused by the guardian.
    error WithdrawalsPaused();
    /// @notice A rate model outside the governance bounds.
    error InvalidRateModel();
    /// @notice A liquidation configuration outside the governance bounds.
    error InvalidLiquidationConfig();
    /// @notice Withdrawing more reserve than the pool holds.
    error ReserveExceeded(uint256 requested, uint256 reserve);

    /// @notice Interest accrued since the last accrual.
    /// @param borrowIndex The new borrow index (WAD).
    /// @param interest Interest added to the borrows (debt-asset units).
    /// @param toReserve The reserve's share of it.
    event InterestAccrued(uint256 borrowIndex, uint256 interest, uint256 toReserve);
    /// @notice Collateral deposited.
    /// @param caller Who paid.
    /// @param account Whose collateral grew.
    /// @param asset The collateral token.
    /// @param amount Token units.
    event CollateralDeposited(address indexed caller, address indexed account, address indexed asset, uint256 amount);
    /// @notice Collateral withdrawn.
    /// @param account Whose collateral fell.
    /// @param asset The collateral token.
    /// @param amount Token units.
    /// @param to The recipient.
    event CollateralWithdrawn(address indexed account, address indexed asset, uint256 amount, address to);
    /// @notice Debt asset borrowed.
    /// @param account The borrower.
    /// @param amount Debt-asset units.
    /// @param to The recipient.
    /// @param debtAfter The account's debt afterwards.
    event Borrowed(address indexed account, uint256 amount, address to, uint256 debtAfter);
    /// @notice Debt repaid.
    /// @param caller Who paid.
    /// @param account Whose debt fell.
    /// @param amount Debt-asset units.
    /// @param debtAfter The account's debt afterwards.
    event Repaid(address indexed caller, address indexed account, uint256 amount, uint256 debtAfter);
    /// @notice A liquidation.
    /// @param liquidator Who repaid and received the collateral.
    /// @param borrower The liquidated account.
    /// @param asset The seized collateral.
    /// @param repaid Debt repaid (debt-asset units).
    /// @param seized Collateral paid to the liquidator (token units).
    /// @param protocolFee Debt asset paid to the reserve on top of `repaid`.
    /// @param healthFactorBefore The account's health factor before (WAD).
    event Liquidated(
        address indexed liquidator,
        address indexed borrower,
        address indexed asset,
        uint256 repaid,
        uint256 seized,
        uint256 protocolFee,
        uint256 healthFactorBefore
    );
    /// @notice Debt that an account's collateral no longer backs was written off.
    /// @param account The account.
    /// @param debt The debt cancelled (debt-asset units): all of it when the collateral left is worth less
    ///        than the minimum leftover value, else the part above the collateral's market value.
    /// @param coveredByReserve The part absorbed by the reserve.
    /// @param socialised The part lenders lost through the share price.
    event BadDebtWrittenOff(address indexed account, uint256 debt, uint256 coveredByReserve, uint256 socialised);
    /// @notice A collateral was listed.
    /// @param asset The token.
    /// @param id Its compact id.
    /// @param decimals Its decimals.
    /// @param supplyCap Max total deposits (token units).
    event CollateralListed(address indexed asset, uint8 id, uint8 decimals, uint256 supplyCap);
    /// @notice Governance delisted a collateral: deposits closed for good; positions wind down (docs/engine.md).
    /// @param asset The token.
    /// @param totalDeposited What accounts still held of it at the delisting (token units).
    event CollateralDelisted(address indexed asset, uint256 totalDeposited);
    /// @notice A supply cap changed.
    /// @param asset The token.
    /// @param supplyCap The new cap (token units).
    event SupplyCapSet(address indexed asset, uint256 supplyCap);
    /// @notice The interest rate model changed.
    /// @param model The new model.
    event RateModelSet(RateModel model);
    /// @notice The liquidation configuration changed.
    /// @param config The new configuration.
    event LiquidationConfigSet(LiquidationConfig config);
    /// @notice The pause flags changed.
    /// @param borrowingPaused Whether borrowing is paused.
    /// @param withdrawalsPaused Whether withdrawals are paused.
    event PauseSet(bool borrowingPaused, bool withdrawalsPaused);
    /// @notice Governance took debt asset out of the reserve.
    /// @param to The recipient.
    /// @param amount Debt-asset units.
    event ReserveWithdrawn(address indexed to, uint256 amount);

    /// @notice Deposits collateral for `account`. Anyone may top up a position the account holds; only the
    ///         account itself opens a new one (NewPositionByThirdParty otherwise).
    /// @param asset A listed collateral.
    /// @param amount Token units.
    /// @param account The credited account.
    function depositCollateral(address asset, uint256 amount, address account) external;

    /// @notice Withdraws the caller's collateral; with debt, the account must stay within its borrow limit.
    /// @param asset A listed collateral.
    /// @param amount Token units (`type(uint256).max`: the whole balance).
    /// @param to The recipient.
    /// @return withdrawn The amount sent.
    function withdrawCollateral(address asset, uint256 amount, address to) external returns (uint256 withdrawn);

    /// @notice Borrows the debt asset against the caller's collateral, within its borrow limit. The
    ///         account's debt afterwards must be worth at least `minLeftoverValue`.
    /// @param amount Debt-asset units.
    /// @param to The recipient.
    function borrow(uint256 amount, address to) external;

    /// @notice Repays debt of `account` (anyone may repay for anyone; never paused; no price is read).
    ///         A partial repayment may not take a debt worth at least `minLeftoverValue` below it: repay
    ///         all of it instead. A debt already below the minimum (governance raised it) may still shrink.
    /// @param amount Debt-asset units (`type(uint256).max`: the whole debt).
    /// @param account The account whose debt falls.
    /// @return repaid The amount taken from the caller.
    function repay(uint256 amount, address account) external returns (uint256 repaid);

    /// @notice Liquidates an account with health factor below 1: repays part of its debt and receives
    ///         collateral worth repaid × (1 + bonus) at oracle prices; pays the protocol fee on top.
    ///         A collateral other than `asset` whose price cannot be read counts as worth 0 (it only lowers
    ///         the health), and then nothing is written off in this call.
    ///         When that would take all of the account's only collateral while it covers the debt, the
    ///         bonus is capped at the account's equity (the seizure keeps collateral/debt, the fee is on
    ///         the bonus paid). Debt the collateral left no longer backs is written off at once
    ///         (writeOffBadDebt's rule).
    /// @param borrower The account.
    /// @param asset The collateral to seize.
    /// @param maxRepay Most debt to repay (debt-asset units); clipped by the close factor and the balance.
    /// @param minSeized Least collateral to accept (token units), against price moves.
    /// @return repaid Debt repaid.
    /// @return seized Collateral received.
    function liquidate(address borrower, address asset, uint256 maxRepay, uint256 minSeized)
        external
        returns (uint256 repaid, uint256 seized);

    /// @notice Anyone: writes off the debt an account's collateral no longer backs, so that no unbacked
    ///         debt stays in totalAssets and earns the reserve interest. The debt falls to the collateral's
    ///         market value (the account stays liquidatable), or to zero when that value is below the
    ///         minimum leftover value. The reserve absorbs the loss first, then lenders.
    /// @dev Reverts with AccountNotInsolvent while the collateral covers the debt, with NoDebt on an
    ///      account without debt, and with the oracle's error when a held collateral cannot be priced.
    /// @param account The account.
    /// @return loss The debt cancelled (debt-asset units).
    function writeOffBadDebt(address account) external returns (uint256 loss);

    /// @notice Governance: lists a collateral already in the registry and the oracle.
    /// @param asset The token.
    /// @param supplyCap Max total deposits (token units).
    function listCollateral(address asset, uint256 supplyCap) external;

    /// @notice Governance: delists a collateral. No deposit, new position or top-up, is accepted after it;
    ///         withdrawals, liquidations and valuation go on unchanged, so the positions wind down through
    ///         the registry (the guardian's freeze sets LTV 0; a threshold cut ramps), never in one block.
    ///         Final: the asset cannot be listed again in this engine.
    /// @param asset A listed collateral.
    function delistCollateral(address asset) external;

    /// @notice Whether governance delisted the collateral.
    /// @param asset The token.
    /// @return True once `delistCollateral(asset)` ran.
    function isDelisted(address asset) external view returns (bool);

    /// @notice Governance: sets a collateral's supply cap (lowering it blocks deposits, never withdrawals).
    /// @param asset A listed collateral.
    /// @param supplyCap Max total deposits (token units).
    function setSupplyCap(address asset, uint256 supplyCap) external;

    /// @notice Governance: sets the interest rate model within its bounds (interest accrues first).
    /// @param model The model.
    function setRateModel(RateModel calldata model) external;

    /// @notice Governance: sets the liquidation configuration within its bounds.
    /// @param config The configuration.
    function setLiquidationConfig(LiquidationConfig calldata config) external;

    /// @notice Guardian: pauses borrowing and/or withdrawals (repayments and liquidations never pause).
    /// @param borrowing Pause borrowing.
    /// @param withdrawals Pause collateral and lender withdrawals.
    function pause(bool borrowing, bool withdrawals) external;

    /// @notice Governance: lifts pauses.
    /// @param borrowing Unpause borrowing.
    /// @param withdrawals Unpause withdrawals.
    function unpause(bool borrowing, bool withdrawals) external;

    /// @notice Governance: sends reserve to `to`.
    /// @param to The recipient.
    /// @param amount Debt-asset units.
    function withdrawReserve(address to, uint256 amount) external;

    /// @notice The account's health factor (WAD; `type(uint256).max` without debt).
    /// @param account The account.
    /// @return The health factor.
    function healthFactor(address account) external view returns (uint256);

    /// @notice The account's values at current prices and effective parameters.
    /// @param account The account.
    /// @return The snapshot.
    function accountSnapshot(address account) external view returns (AccountSnapshot memory);

    /// @notice The account's debt including accrued interest.
    /// @param account The account.
    /// @return Debt-asset units (rounded up).
    function debtOf(address account) external view returns (uint256);

    /// @notice The account's balance of a collateral.
    /// @param account The account.
    /// @param asset The collateral.
    /// @return Token units.
    function collateralBalance(address account, address asset) external view returns (uint256);

    /// @notice The collateral tokens the account holds, in storage order.
    /// @param account The account.
    /// @return The tokens.
    function collateralAssetsOf(address account) external view returns (address[] memory);

    /// @notice The pool's figures with interest accrued to this block.
    /// @return cash Idle debt asset.
    /// @return totalBorrows Outstanding borrows.
    /// @return reserve Protocol reserve.
    /// @return badDebtWrittenOff Cumulative debt written off.
    /// @return borrowIndex The borrow index (WAD).
    function poolState()
        external
        view
        returns (uint256 cash, uint256 totalBorrows, uint256 reserve, uint256 badDebtWrittenOff, uint256 borrowIndex);

    /// @notice The annual borrow rate at the current utilisation.
    /// @return WAD (1e18 = 100% a year).
    function borrowRate() external view returns (uint256);

    /// @notice The interest rate model.
    /// @return The model.
    function rateModel() external view returns (RateModel memory);

    /// @notice The liquidation configuration.
    /// @return The configuration.
    function liquidationConfig() external view returns (LiquidationConfig memory);

    /// @notice A collateral's engine-side configuration.
    /// @param asset The token.
    /// @return id Its id (0: not listed).
    /// @return decimals Its decimals.
    /// @return supplyCap Max total deposits.
    /// @return totalDeposited Current total deposits.
    function collateralConfig(address asset)
        external
        view
        returns (uint8 id, uint8 decimals, uint256 supplyCap, uint256 totalDeposited);

    /// @notice The asset's liquidation rate limit now (18-decimal debt-asset values).
    /// @param asset A listed collateral.
    /// @return used Value still counted against the cap.
    /// @return available Value that may be seized now (0 when `used` exceeds the cap).
    function liquidationCapacity(address asset) external view returns (uint256 used, uint256 available);

    /// @notice The pause flags.
    /// @return borrowingPaused Whether borrowing is paused.
    /// @return withdrawalsPaused Whether withdrawals are paused.
    function paused() external view returns (bool borrowingPaused, bool withdrawalsPaused);
}
