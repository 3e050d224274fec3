// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AccountSnapshot, IMarginEngine, LiquidationConfig} from "./interfaces/IMarginEngine.sol";
import {IPriceOracle} from "./interfaces/IPriceOracle.sol";
import {IRiskParameterRegistry} from "./interfaces/IRiskParameterRegistry.sol";
import {AccountWord} from "./libraries/AccountWord.sol";
import {BPS, BPS_TO_WAD, GUARDIAN_ROLE as GUARDIAN, WAD} from "./libraries/ConstantsLib.sol";
import {ZeroAddress} from "./libraries/Errors.sol";
import {InterestRateModel, RateModel} from "./libraries/InterestRateModel.sol";
import {LiquidationRateLimit} from "./libraries/LiquidationRateLimit.sol";
import {PackedRiskParams} from "./libraries/PackedRiskParams.sol";

/// @title MarginEngine
/// @notice The lending pool of one debt asset and the cross-margin accounts that borrow from it.
///         Lenders hold ERC-4626 shares; borrowers post several collateral tokens; liquidations obey
///         the registry's close factor, bonus and per-window rate limit; bad debt is written off
///         against the reserve first and then against lenders.
/// @dev Values are 18-decimal amounts of the debt asset: the oracle prices each collateral in the debt
///      asset's unit of account (docs/engine.md). Rounding: collateral values and seizures round down,
///      debts and fees round up, the pool's total borrows round down, so every rounding favours the pool.
///      Storage is packed by hand (layouts below) because a borrow or a liquidation touches each word once.
contract MarginEngine is IMarginEngine, ERC4626, AccessControl, ReentrancyGuardTransient {
    using AccountWord for uint256;
    using PackedRiskParams for uint256;
    using SafeERC20 for IERC20;

    /// @notice Role allowed to pause borrowing and withdrawals.
    bytes32 public constant GUARDIAN_ROLE = GUARDIAN;
    /// @notice Most collateral assets one account may hold (bounds every loop over an account).
    uint256 public constant MAX_COLLATERALS_PER_ACCOUNT = AccountWord.MAX_COLLATERALS;
    /// @notice Largest minimum-leftover value governance may set (18 decimals).
    uint256 public constant MAX_MIN_LEFTOVER_VALUE = 1_000_000e18;
    /// @notice Largest share of the bonus the protocol may take.
    uint256 public constant MAX_PROTOCOL_FEE_BPS = 5_000;
    /// @notice Lowest full-close health factor governance may set (bps of 1.0).
    uint256 public constant MIN_FULL_CLOSE_HEALTH_BPS = 5_000;

    uint256 private constant U40 = (1 << 40) - 1;
    uint256 private constant U112 = (1 << 112) - 1;
    uint256 private constant U96 = (1 << 96) - 1;
    uint256 private constant U128 = (1 << 128) - 1;
    uint256 private constant NOT_HELD = type(uint256).max;
    /// @dev A target id no collateral has (ids are 8 bits): a scan that looks for none.
    uint256 private constant NO_TARGET = 256;

    uint256 private constant U104 = (1 << 104) - 1;
    // Pool word, written by every accrual: borrowIndex (WAD) 0..111, lastAccrual 112..151, reserve 152..255.
    // The reserve shares the word so that an accrual is one SSTORE, never a zero-to-nonzero one.
    uint256 private constant TIME_SHIFT = 112;
    uint256 private constant RESERVE_SHIFT = 152;
    // Config word, read by every accrual and liquidation, written only by governance and the guardian:
    // rate model 0..87, pause flags 88 and 89, fullCloseHealthBps 96..111, rateLimitBypassHealthBps 112..127,
    // protocolFeeBps 128..143, minLeftoverValue 144..239, number of listed collaterals 240..247.
    uint256 private constant MODEL_MASK = (1 << 88) - 1;
    uint256 private constant BORROW_PAUSED = 1 << 88;
    uint256 private constant WITHDRAW_PAUSED = 1 << 89;
    uint256 private constant FULL_CLOSE_SHIFT = 96;
    uint256 private constant BYPASS_SHIFT = 112;
    uint256 private constant FEE_SHIFT = 128;
    uint256 private constant MIN_LEFTOVER_SHIFT = 144;
    uint256 private constant LISTED_SHIFT = 240;
    uint256 private constant LIQUIDATION_CONFIG_MASK = ((1 << 144) - 1) << FULL_CLOSE_SHIFT;
    // Collateral-by-token word: id 0..7, decimals 8..15, supplyCap 16..111, totalDeposited 112..207,
    // delisted flag 208.
    uint256 private constant TOTAL_SHIFT = 112;
    uint256 private constant DELISTED = 1 << 208;
    // Position word: token 0..159, balance 160..255.
    uint256 private constant BALANCE_SHIFT = 160;

    /// @notice The only source of risk parameters (the BoundedRiskUpdater's address).
    IRiskParameterRegistry public immutable registry;
    /// @notice The only source of prices.
    IPriceOracle public immutable oracle;
    /// @dev 10^(18 - debt decimals): debt units to 18-decimal values.
    uint256 private immutable _debtScale;
    /// @dev The debt asset (ERC-4626 `asset()`), kept here because parameters named `asset` shadow it.
    IERC20 private immutable _debtToken;

    uint256 private _poolWord;
    uint256 private _configWord;
    /// @dev cash 0..127, totalScaledDebt 128..255.
    uint256 private _balancesWord;
    /// @dev Cumulative debt written off (debt-asset units).
    uint256 private _badDebtWrittenOff;
    mapping(address account => uint256) private _accounts;
    /// @dev Collateral positions (token and balance) in the order of the account word.
    mapping(address account => uint256[8]) private _positions;
    mapping(address token => uint256) private _collateralByToken;
    /// @dev LiquidationRateLimit buckets by collateral id.
    uint256[256] private _rateLimits;

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
    ) ERC20(name_, symbol_) ERC4626(debtAsset) {
        if (address(registry_) == address(0) || address(oracle_) == address(0) || governance == address(0)) {
            revert ZeroAddress();
        }
        uint8 debtDecimals = debtAsset.decimals();
        if (debtDecimals > 18) revert UnsupportedDecimals(debtDecimals);
        registry = registry_;
        oracle = oracle_;
        _debtScale = 10 ** (18 - debtDecimals);
        _debtToken = debtAsset;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
        _poolWord = WAD | (block.timestamp << TIME_SHIFT);
        _setRateModel(model);
        _setLiquidationConfig(config);
    }

    // ------------------------------------------------------------------ borrowers

    /// @inheritdoc IMarginEngine
    function depositCollateral(address asset, uint256 amount, address account) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (account == address(0)) revert ZeroAddress();
        uint256 config = _listedCollateral(asset);
        if (config & DELISTED != 0) revert AssetDelisted(asset);
        uint256 totalAfter = ((config >> TOTAL_SHIFT) & U96) + amount;
        uint256 supplyCap = (config >> 16) & U96;
        if (totalAfter > supplyCap) revert SupplyCapExceeded(asset, totalAfter, supplyCap);
        _collateralByToken[asset] = (config & ~(U96 << TOTAL_SHIFT)) | (totalAfter << TOTAL_SHIFT);

        uint256 id = config & 0xFF;
        uint256 header = _accounts[account];
        uint256 position = header.positionOf(id);
        // Balances never exceed the asset's total, which the cap keeps below 2^96.
        if (position == header.count()) {
            // Only the owner opens a position: a stranger's dust in a collateral whose feed later fails
            // must not be able to touch the account (issue 16, finding 1). Top-ups stay open to anyone.
            if (msg.sender != account) revert NewPositionByThirdParty(account, asset);
            if (position == AccountWord.MAX_COLLATERALS) revert TooManyCollateralAssets(AccountWord.MAX_COLLATERALS);
            _accounts[account] = header.push(id, (config >> 8) & 0xFF);
            _positions[account][position] = uint256(uint160(asset)) | (amount << BALANCE_SHIFT);
        } else {
            _positions[account][position] += amount << BALANCE_SHIFT;
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
        if (_configWord & WITHDRAW_PAUSED != 0) revert WithdrawalsPaused();
        uint256 config = _listedCollateral(asset);
        uint256 header = _accounts[msg.sender];
        uint256 position = header.positionOf(config & 0xFF);
        uint256 balance = position < header.count() ? _positions[msg.sender][position] >> BALANCE_SHIFT : 0;
        withdrawn = amount == type(uint256).max ? balance : amount;
        if (withdrawn > balance || withdrawn == 0) revert InsufficientCollateral(asset, withdrawn, balance);

        header = _setBalance(msg.sender, header, position, asset, balance - withdrawn);
        _collateralByToken[asset] = config - (withdrawn << TOTAL_SHIFT);
        uint256 scaled = header.scaledDebt();
        if (scaled != 0) {
            // The check reads the balances just written: the account must stay within its borrow limit.
            (uint256 poolWord,,) = _accrue();
            uint256 debtValue = _debtOf(scaled, poolWord & U112) * _debtScale;
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
        (uint256 poolWord, uint256 configWord, uint256 balancesWord) = _accrue();
        if (configWord & BORROW_PAUSED != 0) revert BorrowingPaused();
        uint256 cash = balancesWord & U128;
        if (amount > cash) revert InsufficientCash(amount, cash);

        uint256 index = poolWord & U112;
        uint256 header = _accounts[msg.sender];
        uint256 scaledAdded = Math.mulDiv(amount, WAD, index, Math.Rounding.Ceil);
        uint256 scaledAfter = header.scaledDebt() + scaledAdded;
        uint256 debtAfter = _debtOf(scaledAfter, index);
        Scan memory s = _scan(msg.sender, header, 0, false);
        if (debtAfter * _debtScale > s.borrowLimit) revert BorrowLimitExceeded(debtAfter * _debtScale, s.borrowLimit);
        // No dust debts: an account owing less than a liquidation is worth would never be liquidated
        // (issue 16, item 8). The debt asset is the unit of account, so the check reads no price.
        uint256 minimum = (configWord >> MIN_LEFTOVER_SHIFT) & U96;
        if (debtAfter * _debtScale < minimum) revert DebtBelowMinimum(debtAfter * _debtScale, minimum);

        if (scaledAfter > AccountWord.MAX_SCALED_DEBT) revert AmountTooLarge(scaledAfter);
        _accounts[msg.sender] = header.withScaledDebt(scaledAfter);
        _balancesWord = _packBalances(cash - amount, (balancesWord >> 128) + scaledAdded);
        _debtToken.safeTransfer(to, amount);
        emit Borrowed(msg.sender, amount, to, debtAfter);
    }

    /// @inheritdoc IMarginEngine
    function repay(uint256 amount, address account) external nonReentrant returns (uint256 repaid) {
        if (amount == 0) revert ZeroAmount();
        (uint256 poolWord, uint256 configWord, uint256 balancesWord) = _accrue();
        uint256 header = _accounts[account];
        uint256 scaled = header.scaledDebt();
        if (scaled == 0) revert NoDebt(account);
        uint256 index = poolWord & U112;
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
            uint256 minimum = (configWord >> MIN_LEFTOVER_SHIFT) & U96;
            uint256 valueAfter = _debtOf(scaledAfter, index) * _debtScale;
            if (valueAfter < minimum && debt * _debtScale >= minimum) revert DebtBelowMinimum(valueAfter, minimum);
        }
        _accounts[account] = header.withScaledDebt(scaledAfter);
        _balancesWord = _packBalances((balancesWord & U128) + repaid, (balancesWord >> 128) - scaledRemoved);
        _debtToken.safeTransferFrom(msg.sender, address(this), repaid);
        emit Repaid(msg.sender, account, repaid, _debtOf(scaledAfter, index));
    }

    // ------------------------------------------------------------------ liquidation

    /// @dev Everything a liquidation computes before it writes, kept in memory to stay off the stack.
    struct Liquidation {
        uint256 header;
        uint256 index;
        uint256 debt;
        uint256 healthFactor;
        uint256 repaid;
        uint256 seized;
        uint256 seizedValue;
        uint256 fee;
        uint256 balancesWord;
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
        uint256 config = _listedCollateral(asset);
        Liquidation memory job;
        (uint256 poolWord, uint256 configWord, uint256 balancesWord) = _accrue();
        job.balancesWord = balancesWord;
        job.index = poolWord & U112;
        job.header = _accounts[borrower];
        job.debt = _debtOf(job.header.scaledDebt(), job.index);
        if (job.debt == 0) revert AccountHealthy(type(uint256).max);
        Scan memory s = _scan(borrower, job.header, config & 0xFF, true);
        job.healthFactor = (s.liquidationValue * WAD) / (job.debt * _debtScale);
        if (job.healthFactor >= WAD) revert AccountHealthy(job.healthFactor);
        if (s.targetPosition == NOT_HELD) revert CollateralNotHeld(borrower, asset);

        _sizeLiquidation(job, s, configWord, maxRepay);
        if (job.seized < minSeized || job.seized == 0) revert SeizedBelowMinimum(job.seized, minSeized);
        _enforceRateLimit(config & 0xFF, asset, s.targetParams, job, configWord);

        // Effects.
        uint256 scaled = job.header.scaledDebt();
        uint256 scaledRemoved = job.repaid == job.debt ? scaled : (job.repaid * WAD) / job.index;
        job.header = _setBalance(borrower, job.header, s.targetPosition, asset, s.targetBalance - job.seized);
        _collateralByToken[asset] = config - (job.seized << TOTAL_SHIFT);
        uint256 totalScaled = (job.balancesWord >> 128) - scaledRemoved;
        uint256 reserve = (poolWord >> RESERVE_SHIFT) + job.fee;
        scaled -= scaledRemoved;
        // Never on a collateral valued at 0 for a failing feed: that would write off debt it may back.
        if (scaled != 0 && !s.unpriced) {
            (scaled, totalScaled, reserve) = _settleShortfall(borrower, job, s, scaled, totalScaled, reserve, configWord);
        }
        _accounts[borrower] = job.header.withScaledDebt(scaled);
        _balancesWord = _packBalances((job.balancesWord & U128) + job.repaid + job.fee, totalScaled);
        _poolWord = _withReserve(poolWord, reserve);
        emit Liquidated(msg.sender, borrower, asset, job.repaid, job.seized, job.fee, job.healthFactor);

        // Interactions.
        _debtToken.safeTransferFrom(msg.sender, address(this), job.repaid + job.fee);
        IERC20(asset).safeTransfer(msg.sender, job.seized);
        return (job.repaid, job.seized);
    }

    /// @dev Close factor (full below the full-close health or for small positions), bonus, balance
    ///      cap, dust rule and protocol fee. Seizure rounds down; a repayment recomputed from a capped
    ///      seizure rounds up, so seized <= repaid × (1 + bonus) / price always holds.
    function _sizeLiquidation(Liquidation memory job, Scan memory s, uint256 configWord, uint256 maxRepay)
        private
        view
    {
        uint256 minLeftover = (configWord >> MIN_LEFTOVER_SHIFT) & U96;
        uint256 debtValue = job.debt * _debtScale;
        uint256 targetValue = (s.targetBalance * s.targetPrice) / s.targetUnit;
        job.targetValue = targetValue;
        uint256 allowed = job.debt;
        if (
            job.healthFactor >= ((configWord >> FULL_CLOSE_SHIFT) & 0xFFFF) * BPS_TO_WAD && debtValue >= 2 * minLeftover
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
        uint256 feeBps = (configWord >> FEE_SHIFT) & 0xFFFF;
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
        uint256 params,
        Liquidation memory job,
        uint256 configWord
    ) private {
        uint256 cap = params.liquidationCapPerWindow();
        uint256 used = LiquidationRateLimit.usedAt(_rateLimits[id], cap, params.liquidationWindow(), block.timestamp);
        if (job.healthFactor >= ((configWord >> BYPASS_SHIFT) & 0xFFFF) * BPS_TO_WAD) {
            uint256 available = used >= cap ? 0 : cap - used;
            if (job.seizedValue > available) revert LiquidationRateLimited(asset, job.seizedValue, available);
        }
        _rateLimits[id] = LiquidationRateLimit.pack(used + job.seizedValue, block.timestamp);
    }

    /// @inheritdoc IMarginEngine
    function writeOffBadDebt(address account) external nonReentrant returns (uint256 loss) {
        (uint256 poolWord, uint256 configWord, uint256 balancesWord) = _accrue();
        uint256 header = _accounts[account];
        uint256 scaled = header.scaledDebt();
        if (scaled == 0) revert NoDebt(account);
        uint256 index = poolWord & U112;
        // No target: id 256 matches no collateral. A failing feed reverts here, so an account is never
        // written down on a price the oracle would not give.
        Scan memory s = _scan(account, header, NO_TARGET, false);
        uint256 keptScaled = _backedScaledDebt(scaled, index, s.collateralValue, configWord);
        if (keptScaled == scaled) revert AccountNotInsolvent(s.collateralValue, _debtOf(scaled, index) * _debtScale);
        uint256 totalScaled = balancesWord >> 128;
        uint256 reserve = poolWord >> RESERVE_SHIFT;
        (totalScaled, reserve, loss) = _writeOffBadDebt(account, scaled - keptScaled, totalScaled, reserve, index);
        _accounts[account] = header.withScaledDebt(keptScaled);
        _balancesWord = _packBalances(balancesWord & U128, totalScaled);
        _poolWord = _withReserve(poolWord, reserve);
    }

    /// @dev The write-off right after a liquidation, on the collateral left at the prices it used.
    function _settleShortfall(
        address borrower,
        Liquidation memory job,
        Scan memory s,
        uint256 scaled,
        uint256 totalScaled,
        uint256 reserve,
        uint256 configWord
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
    function _backedScaledDebt(uint256 scaled, uint256 index, uint256 value, uint256 configWord)
        private
        view
        returns (uint256)
    {
        if (_debtOf(scaled, index) * _debtScale <= value) return scaled;
        if (value < ((configWord >> MIN_LEFTOVER_SHIFT) & U96)) return 0;
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

    // ------------------------------------------------------------------ lenders (ERC-4626)

    /// @notice Lendable assets: cash plus borrows (with interest to this block) minus the reserve.
    /// @return The assets backing lender shares.
    function totalAssets() public view override returns (uint256) {
        (uint256 cash, uint256 borrows, uint256 reserve,) = _currentPool();
        return cash + borrows - reserve;
    }

    /// @notice Assets `owner` may withdraw now: its shares' worth, capped by idle cash; 0 while paused.
    /// @param owner The lender.
    /// @return Debt-asset units.
    function maxWithdraw(address owner) public view override returns (uint256) {
        if (_configWord & WITHDRAW_PAUSED != 0) return 0;
        uint256 assets = super.maxWithdraw(owner);
        uint256 cash = _balancesWord & U128;
        return assets < cash ? assets : cash;
    }

    /// @notice Shares `owner` may redeem now: capped by idle cash; 0 while paused.
    /// @param owner The lender.
    /// @return Share units.
    function maxRedeem(address owner) public view override returns (uint256) {
        if (_configWord & WITHDRAW_PAUSED != 0) return 0;
        uint256 shares = balanceOf(owner);
        uint256 cashShares = _convertToShares(_balancesWord & U128, Math.Rounding.Floor);
        return shares < cashShares ? shares : cashShares;
    }

    /// @notice ERC-4626 deposit (interest accrues first).
    /// @param assets Debt-asset units.
    /// @param receiver Who receives the shares.
    /// @return Shares minted.
    function deposit(uint256 assets, address receiver) public override nonReentrant returns (uint256) {
        return super.deposit(assets, receiver);
    }

    /// @notice ERC-4626 mint (interest accrues first).
    /// @param shares Shares to mint.
    /// @param receiver Who receives the shares.
    /// @return Assets taken.
    function mint(uint256 shares, address receiver) public override nonReentrant returns (uint256) {
        return super.mint(shares, receiver);
    }

    /// @notice ERC-4626 withdraw; reverts with `WithdrawalsPaused` while paused.
    /// @param assets Debt-asset units.
    /// @param receiver Who receives the assets.
    /// @param owner Whose shares burn.
    /// @return Shares burned.
    function withdraw(uint256 assets, address receiver, address owner)
        public
        override
        nonReentrant
        returns (uint256)
    {
        if (_configWord & WITHDRAW_PAUSED != 0) revert WithdrawalsPaused();
        return super.withdraw(assets, receiver, owner);
    }

    /// @notice ERC-4626 redeem; reverts with `WithdrawalsPaused` while paused.
    /// @param shares Shares to burn.
    /// @param receiver Who receives the assets.
    /// @param owner Whose shares burn.
    /// @return Assets sent.
    function redeem(uint256 shares, address receiver, address owner) public override nonReentrant returns (uint256) {
        if (_configWord & WITHDRAW_PAUSED != 0) revert WithdrawalsPaused();
        return super.redeem(shares, receiver, owner);
    }

    /// @dev Shares were priced on `totalAssets()`, which already includes pending interest, so
    ///      accruing here changes nothing in the conversion.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        (,, uint256 balancesWord) = _accrue();
        _balancesWord = _packBalances((balancesWord & U128) + assets, balancesWord >> 128);
        super._deposit(caller, receiver, assets, shares);
    }

    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
    {
        (,, uint256 balancesWord) = _accrue();
        _balancesWord = balancesWord - assets; // maxWithdraw/maxRedeem capped assets at cash
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    /// @dev Six extra share decimals make the first-depositor inflation attack cost 10^6 times the gain.
    function _decimalsOffset() internal pure override returns (uint8) {
        return 6;
    }

    // ------------------------------------------------------------------ governance and guardian

    /// @inheritdoc IMarginEngine
    function listCollateral(address asset, uint256 supplyCap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (asset == address(0)) revert ZeroAddress();
        if (asset == address(_debtToken)) revert DebtAssetAsCollateral();
        if (_collateralByToken[asset] != 0) revert CollateralAlreadyListed(asset);
        if (!registry.isListed(asset)) revert NotInRegistry(asset);
        (address feed,,) = oracle.feedOf(asset);
        if (feed == address(0)) revert NoPriceFeed(asset);
        uint8 decimals_ = IERC20Metadata(asset).decimals();
        if (decimals_ > 36) revert UnsupportedDecimals(decimals_);
        if (supplyCap > U96) revert AmountTooLarge(supplyCap);
        uint256 configWord = _configWord;
        uint256 id = ((configWord >> LISTED_SHIFT) & 0xFF) + 1;
        if (id > 255) revert TooManyListedCollaterals();
        _configWord = (configWord & ~(uint256(0xFF) << LISTED_SHIFT)) | (id << LISTED_SHIFT);
        _collateralByToken[asset] = id | (uint256(decimals_) << 8) | (supplyCap << 16);
        // A started clock keeps the bucket word nonzero, so no liquidation pays a zero-to-nonzero write.
        _rateLimits[id] = LiquidationRateLimit.pack(0, block.timestamp);
        emit CollateralListed(asset, uint8(id), decimals_, supplyCap);
    }

    /// @inheritdoc IMarginEngine
    function delistCollateral(address asset) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 config = _listedCollateral(asset);
        if (config & DELISTED != 0) revert AssetDelisted(asset);
        // Only deposits close. Valuation stays with the registry (one read per collateral in every scan),
        // so the wind-down is the registry's: LTV 0 at once by the guardian's freeze, the threshold down
        // over a ramp, and liquidators and owners take the positions out meanwhile.
        _collateralByToken[asset] = config | DELISTED;
        emit CollateralDelisted(asset, (config >> TOTAL_SHIFT) & U96);
    }

    /// @inheritdoc IMarginEngine
    function setSupplyCap(address asset, uint256 supplyCap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 config = _listedCollateral(asset);
        if (config & DELISTED != 0) revert AssetDelisted(asset);
        if (supplyCap > U96) revert AmountTooLarge(supplyCap);
        _collateralByToken[asset] = (config & ~(U96 << 16)) | (supplyCap << 16);
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
        uint256 configWord = _configWord;
        if (borrowing) configWord |= BORROW_PAUSED;
        if (withdrawals) configWord |= WITHDRAW_PAUSED;
        _configWord = configWord;
        emit PauseSet(configWord & BORROW_PAUSED != 0, configWord & WITHDRAW_PAUSED != 0);
    }

    /// @inheritdoc IMarginEngine
    function unpause(bool borrowing, bool withdrawals) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 configWord = _configWord;
        if (borrowing) configWord &= ~BORROW_PAUSED;
        if (withdrawals) configWord &= ~WITHDRAW_PAUSED;
        _configWord = configWord;
        emit PauseSet(configWord & BORROW_PAUSED != 0, configWord & WITHDRAW_PAUSED != 0);
    }

    /// @inheritdoc IMarginEngine
    function withdrawReserve(address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        (uint256 poolWord,, uint256 balancesWord) = _accrue();
        uint256 reserve = poolWord >> RESERVE_SHIFT;
        if (amount > reserve) revert ReserveExceeded(amount, reserve);
        uint256 cash = balancesWord & U128;
        if (amount > cash) revert InsufficientCash(amount, cash);
        _poolWord = _withReserve(poolWord, reserve - amount);
        _balancesWord = balancesWord - amount;
        _debtToken.safeTransfer(to, amount);
        emit ReserveWithdrawn(to, amount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IMarginEngine
    function healthFactor(address account) external view returns (uint256) {
        uint256 header = _accounts[account];
        uint256 scaled = header.scaledDebt();
        if (scaled == 0) return type(uint256).max;
        uint256 index = _currentIndex();
        Scan memory s = _scan(account, header, 0, false);
        return (s.liquidationValue * WAD) / (_debtOf(scaled, index) * _debtScale);
    }

    /// @inheritdoc IMarginEngine
    function accountSnapshot(address account) external view returns (AccountSnapshot memory snapshot) {
        uint256 header = _accounts[account];
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
        uint256 header = _accounts[account];
        uint256 position = header.positionOf(_collateralByToken[asset] & 0xFF); // ids start at 1
        if (position == header.count()) return 0;
        return _positions[account][position] >> BALANCE_SHIFT;
    }

    /// @inheritdoc IMarginEngine
    function collateralAssetsOf(address account) external view returns (address[] memory assets) {
        uint256 header = _accounts[account];
        assets = new address[](header.count());
        for (uint256 p = 0; p < assets.length; ++p) {
            assets[p] = address(uint160(_positions[account][p]));
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
        return InterestRateModel.annualBorrowRate(_configWord, InterestRateModel.utilization(cash, borrows));
    }

    /// @inheritdoc IMarginEngine
    function rateModel() external view returns (RateModel memory) {
        return InterestRateModel.unpack(_configWord & MODEL_MASK);
    }

    /// @inheritdoc IMarginEngine
    function liquidationConfig() external view returns (LiquidationConfig memory config) {
        uint256 word = _configWord;
        config.fullCloseHealthBps = uint16(word >> FULL_CLOSE_SHIFT);
        config.rateLimitBypassHealthBps = uint16(word >> BYPASS_SHIFT);
        config.protocolFeeBps = uint16(word >> FEE_SHIFT);
        config.minLeftoverValue = uint96(word >> MIN_LEFTOVER_SHIFT);
    }

    /// @inheritdoc IMarginEngine
    function collateralConfig(address asset)
        external
        view
        returns (uint8 id, uint8 decimals_, uint256 supplyCap, uint256 totalDeposited)
    {
        uint256 config = _collateralByToken[asset];
        return (uint8(config), uint8(config >> 8), (config >> 16) & U96, (config >> TOTAL_SHIFT) & U96);
    }

    /// @inheritdoc IMarginEngine
    function isDelisted(address asset) external view returns (bool) {
        return _collateralByToken[asset] & DELISTED != 0;
    }

    /// @inheritdoc IMarginEngine
    function liquidationCapacity(address asset) external view returns (uint256 used, uint256 available) {
        uint256 config = _listedCollateral(asset);
        uint256 params = registry.effectiveParamsPacked(asset);
        uint256 cap = params.liquidationCapPerWindow();
        used = LiquidationRateLimit.usedAt(
            _rateLimits[config & 0xFF], cap, params.liquidationWindow(), block.timestamp
        );
        available = used >= cap ? 0 : cap - used;
    }

    /// @inheritdoc IMarginEngine
    function paused() external view returns (bool borrowingPaused, bool withdrawalsPaused) {
        uint256 configWord = _configWord;
        return (configWord & BORROW_PAUSED != 0, configWord & WITHDRAW_PAUSED != 0);
    }

    // ------------------------------------------------------------------ internals

    /// @dev One pass over an account's collateral: sums of value, borrow limit (× LTV) and liquidation
    ///      value (× effective threshold), plus the price, parameters and balance of `targetId`.
    struct Scan {
        uint256 collateralValue;
        uint256 borrowLimit;
        uint256 liquidationValue;
        uint256 targetPosition;
        uint256 targetBalance;
        uint256 targetPrice;
        uint256 targetParams;
        uint256 targetUnit;
        /// @dev A collateral other than the target had no price and was valued at 0 (lenient scans only).
        bool unpriced;
    }

    /// @dev A lenient scan (liquidations) values a collateral other than the target at 0 when its price
    ///      read fails: that only lowers the account's health, so a broken feed of one asset never blocks
    ///      the liquidation of another (issue 16, finding 1). Every other scan reverts with the oracle's
    ///      error, since there a missing value could only be read in the account's favour or the lenders'
    ///      disfavour (a borrow limit, a write-off).
    function _scan(address account, uint256 header, uint256 targetId, bool lenient)
        private
        view
        returns (Scan memory s)
    {
        s.targetPosition = NOT_HELD;
        uint256 n = header.count(); // at most MAX_COLLATERALS_PER_ACCOUNT
        for (uint256 p = 0; p < n; ++p) {
            uint256 entry = _positions[account][p];
            uint256 balance = entry >> BALANCE_SHIFT;
            address token = address(uint160(entry));
            uint256 id = header.idAt(p);
            uint256 unit = 10 ** header.decimalsAt(p);
            uint256 price;
            if (lenient && id != targetId) {
                try oracle.getPrice(token) returns (uint256 p18) {
                    price = p18;
                } catch {
                    s.unpriced = true;
                }
            } else {
                price = oracle.getPrice(token);
            }
            uint256 params = registry.effectiveParamsPacked(token);
            uint256 value = (balance * price) / unit;
            s.collateralValue += value;
            s.borrowLimit += (value * params.ltvBps()) / BPS;
            s.liquidationValue += (value * params.liquidationThresholdBps()) / BPS;
            if (id == targetId) {
                (s.targetPosition, s.targetBalance, s.targetPrice, s.targetParams, s.targetUnit) =
                    (p, balance, price, params, unit);
            }
        }
    }

    /// @dev Brings the index and the reserve to this block; one SSTORE, and none within a block.
    function _accrue() private returns (uint256 poolWord, uint256 configWord, uint256 balancesWord) {
        poolWord = _poolWord;
        configWord = _configWord;
        balancesWord = _balancesWord;
        if ((poolWord >> TIME_SHIFT) & U40 == block.timestamp) return (poolWord, configWord, balancesWord);
        (uint256 newIndex, uint256 interest) = _pendingInterest(poolWord, configWord, balancesWord);
        uint256 toReserve = (interest * InterestRateModel.reserveFactorBps(configWord)) / BPS;
        poolWord = newIndex | (block.timestamp << TIME_SHIFT)
            | (_fit104((poolWord >> RESERVE_SHIFT) + toReserve) << RESERVE_SHIFT);
        _poolWord = poolWord;
        if (interest != 0) emit InterestAccrued(newIndex, interest, toReserve);
    }

    /// @dev Index growth since the last accrual (simple interest within one accrual, compounding across).
    function _pendingInterest(uint256 poolWord, uint256 configWord, uint256 balancesWord)
        private
        view
        returns (uint256 newIndex, uint256 interest)
    {
        newIndex = poolWord & U112;
        uint256 scaled = balancesWord >> 128;
        uint256 elapsed = block.timestamp - ((poolWord >> TIME_SHIFT) & U40);
        if (elapsed == 0 || scaled == 0) return (newIndex, 0);
        uint256 borrows = (scaled * newIndex) / WAD;
        uint256 annualRate = InterestRateModel.annualBorrowRate(
            configWord, InterestRateModel.utilization(balancesWord & U128, borrows)
        );
        newIndex += Math.mulDiv(newIndex, annualRate * elapsed, WAD * InterestRateModel.SECONDS_PER_YEAR);
        // Saturates instead of reverting (issue 16, finding 5): past 2^112 − 1, which the highest rate
        // model reaches in about 5.5 years, interest stops, and repay, withdraw and governance still work.
        if (newIndex > U112) newIndex = U112;
        interest = (scaled * newIndex) / WAD - borrows;
    }

    /// @dev The pool with interest to this block, without writing.
    function _currentPool()
        private
        view
        returns (uint256 cash, uint256 totalBorrows, uint256 reserve, uint256 index)
    {
        uint256 poolWord = _poolWord;
        uint256 configWord = _configWord;
        uint256 balancesWord = _balancesWord;
        uint256 interest;
        (index, interest) = _pendingInterest(poolWord, configWord, balancesWord);
        cash = balancesWord & U128;
        totalBorrows = ((balancesWord >> 128) * index) / WAD;
        reserve = (poolWord >> RESERVE_SHIFT) + (interest * InterestRateModel.reserveFactorBps(configWord)) / BPS;
    }

    /// @dev The borrow index at this block.
    function _currentIndex() private view returns (uint256 index) {
        (index,) = _pendingInterest(_poolWord, _configWord, _balancesWord);
    }

    function _withReserve(uint256 poolWord, uint256 reserve) private pure returns (uint256) {
        return (poolWord & ((1 << RESERVE_SHIFT) - 1)) | (_fit104(reserve) << RESERVE_SHIFT);
    }

    function _fit104(uint256 amount) private pure returns (uint256) {
        if (amount > U104) revert AmountTooLarge(amount);
        return amount;
    }

    /// @dev Rounded up. Scaled debts and the index both fit 112 bits, so the product cannot overflow.
    function _debtOf(uint256 scaled, uint256 index) private pure returns (uint256) {
        return (scaled * index + (WAD - 1)) / WAD;
    }

    function _listedCollateral(address asset) private view returns (uint256 config) {
        config = _collateralByToken[asset];
        if (config == 0) revert CollateralNotListed(asset);
    }

    /// @dev Writes a balance; at zero the position is removed (the last one moves into it) and the
    ///      returned header, which the caller stores, no longer lists the asset.
    function _setBalance(address account, uint256 header, uint256 position, address asset, uint256 balance)
        private
        returns (uint256)
    {
        if (balance != 0) {
            _positions[account][position] = uint256(uint160(asset)) | (balance << BALANCE_SHIFT);
            return header;
        }
        uint256 last = header.count() - 1;
        if (position != last) _positions[account][position] = _positions[account][last];
        delete _positions[account][last];
        header = header.removeAt(position);
        _accounts[account] = header;
        return header;
    }

    function _packBalances(uint256 cash, uint256 totalScaled) private pure returns (uint256) {
        return _fit128(cash) | (_fit128(totalScaled) << 128);
    }

    function _fit128(uint256 amount) private pure returns (uint256) {
        if (amount > U128) revert AmountTooLarge(amount);
        return amount;
    }

    function _setRateModel(RateModel memory model) private {
        if (!InterestRateModel.isWithinBounds(model)) revert InvalidRateModel();
        _configWord = (_configWord & ~MODEL_MASK) | InterestRateModel.pack(model);
        emit RateModelSet(model);
    }

    function _setLiquidationConfig(LiquidationConfig memory config) private {
        if (
            config.fullCloseHealthBps < MIN_FULL_CLOSE_HEALTH_BPS || config.fullCloseHealthBps > BPS
                || config.rateLimitBypassHealthBps > config.fullCloseHealthBps
                || config.protocolFeeBps > MAX_PROTOCOL_FEE_BPS || config.minLeftoverValue > MAX_MIN_LEFTOVER_VALUE
        ) revert InvalidLiquidationConfig();
        _configWord = (_configWord & ~LIQUIDATION_CONFIG_MASK) | (uint256(config.fullCloseHealthBps) << FULL_CLOSE_SHIFT)
            | (uint256(config.rateLimitBypassHealthBps) << BYPASS_SHIFT) | (uint256(config.protocolFeeBps) << FEE_SHIFT)
            | (uint256(config.minLeftoverValue) << MIN_LEFTOVER_SHIFT);
        emit LiquidationConfigSet(config);
    }
}
