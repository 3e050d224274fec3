// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IMarginEngine, LiquidationConfig} from "../interfaces/IMarginEngine.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IRiskParameterRegistry} from "../interfaces/IRiskParameterRegistry.sol";
import {BPS, GUARDIAN_ROLE as GUARDIAN, WAD} from "../libraries/ConstantsLib.sol";
import {ZeroAddress} from "../libraries/Errors.sol";
import {InterestRateModel, RateModel} from "../libraries/InterestRateModel.sol";
import {PackedRiskParams} from "../types/PackedRiskParams.sol";
import {AccountWord, AccountWordLib} from "../types/AccountWord.sol";
import {CollateralConfig} from "../types/CollateralConfig.sol";
import {EngineConfig} from "../types/EngineConfig.sol";
import {PoolBalances} from "../types/PoolBalances.sol";
import {PoolWord, PoolWordLib} from "../types/PoolWord.sol";
import {Position, PositionLib} from "../types/Position.sol";

/// @title EngineState
/// @notice MarginEngine's storage and the internals every part of it shares: accrual, the account
///         scan, position writes and the governance setters' checks.
/// @dev Storage is packed by hand in typed words (contracts/types/) because a borrow or a liquidation
///      touches each word once. The parts that read it: EngineLending (ERC-4626), EngineGovernance,
///      EngineViews and MarginEngine itself (borrowers and liquidations).
abstract contract EngineState is IMarginEngine, ERC4626, AccessControl, ReentrancyGuardTransient {

    /// @notice Role allowed to pause borrowing and withdrawals.
    bytes32 public constant GUARDIAN_ROLE = GUARDIAN;
    /// @notice Most collateral assets one account may hold (bounds every loop over an account).
    uint256 public constant MAX_COLLATERALS_PER_ACCOUNT = AccountWordLib.MAX_COLLATERALS;
    /// @notice Largest minimum-leftover value governance may set (18 decimals).
    uint256 public constant MAX_MIN_LEFTOVER_VALUE = 1_000_000e18;
    /// @notice Largest share of the bonus the protocol may take.
    uint256 public constant MAX_PROTOCOL_FEE_BPS = 5_000;
    /// @notice Lowest full-close health factor governance may set (bps of 1.0).
    uint256 public constant MIN_FULL_CLOSE_HEALTH_BPS = 5_000;

    uint256 internal constant NOT_HELD = type(uint256).max;
    /// @dev A target id no collateral has (ids are 8 bits): a scan that looks for none.
    uint256 internal constant NO_TARGET = 256;

    /// @notice The only source of risk parameters (the BoundedRiskUpdater's address).
    IRiskParameterRegistry public immutable registry;
    /// @notice The only source of prices.
    IPriceOracle public immutable oracle;
    /// @dev 10^(18 - debt decimals): debt units to 18-decimal values.
    uint256 internal immutable _debtScale;
    /// @dev The debt asset (ERC-4626 `asset()`), kept here because parameters named `asset` shadow it.
    IERC20 internal immutable _debtToken;

    PoolWord internal _poolWord;
    EngineConfig internal _configWord;
    PoolBalances internal _balancesWord;
    /// @dev Cumulative debt written off (debt-asset units).
    uint256 internal _badDebtWrittenOff;
    mapping(address account => AccountWord) internal _accounts;
    /// @dev Collateral positions (token and balance) in the order of the account word.
    mapping(address account => Position[8]) internal _positions;
    mapping(address token => CollateralConfig) internal _collateralByToken;
    /// @dev LiquidationRateLimit buckets by collateral id.
    uint256[256] internal _rateLimits;

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
        _poolWord = PoolWordLib.pack(WAD, block.timestamp, 0);
        _setRateModel(model);
        _setLiquidationConfig(config);
    }

    /// @dev One pass over an account's collateral: sums of value, borrow limit (× LTV) and liquidation
    ///      value (× effective threshold), plus the price, parameters and balance of `targetId`.
    struct Scan {
        uint256 collateralValue;
        uint256 borrowLimit;
        uint256 liquidationValue;
        uint256 targetPosition;
        uint256 targetBalance;
        uint256 targetPrice;
        PackedRiskParams targetParams;
        uint256 targetUnit;
        /// @dev A collateral other than the target had no price and was valued at 0 (lenient scans only).
        bool unpriced;
    }

    /// @dev A lenient scan (liquidations) values a collateral other than the target at 0 when its price
    ///      read fails: that only lowers the account's health, so a broken feed of one asset never blocks
    ///      the liquidation of another (issue 16, finding 1). Every other scan reverts with the oracle's
    ///      error, since there a missing value could only be read in the account's favour or the lenders'
    ///      disfavour (a borrow limit, a write-off).
    function _scan(address account, AccountWord header, uint256 targetId, bool lenient)
        internal
        view
        returns (Scan memory s)
    {
        s.targetPosition = NOT_HELD;
        uint256 n = header.count(); // at most MAX_COLLATERALS_PER_ACCOUNT
        for (uint256 p = 0; p < n; ++p) {
            Position entry = _positions[account][p];
            uint256 balance = entry.balance();
            address token = entry.token();
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
            PackedRiskParams params = PackedRiskParams.wrap(registry.effectiveParamsPacked(token));
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
    function _accrue() internal returns (PoolWord poolWord, EngineConfig configWord, PoolBalances balancesWord) {
        poolWord = _poolWord;
        configWord = _configWord;
        balancesWord = _balancesWord;
        if (poolWord.lastAccrual() == block.timestamp) return (poolWord, configWord, balancesWord);
        (uint256 newIndex, uint256 interest) = _pendingInterest(poolWord, configWord, balancesWord);
        uint256 toReserve = (interest * configWord.reserveFactorBps()) / BPS;
        poolWord = PoolWordLib.pack(newIndex, block.timestamp, poolWord.reserve() + toReserve);
        _poolWord = poolWord;
        if (interest != 0) emit InterestAccrued(newIndex, interest, toReserve);
    }

    /// @dev Index growth since the last accrual (simple interest within one accrual, compounding across).
    function _pendingInterest(PoolWord poolWord, EngineConfig configWord, PoolBalances balancesWord)
        internal
        view
        returns (uint256 newIndex, uint256 interest)
    {
        newIndex = poolWord.borrowIndex();
        uint256 scaled = balancesWord.totalScaled();
        uint256 elapsed = block.timestamp - poolWord.lastAccrual();
        if (elapsed == 0 || scaled == 0) return (newIndex, 0);
        uint256 borrows = (scaled * newIndex) / WAD;
        uint256 annualRate = configWord.annualBorrowRate(InterestRateModel.utilization(balancesWord.cash(), borrows));
        newIndex += Math.mulDiv(newIndex, annualRate * elapsed, WAD * InterestRateModel.SECONDS_PER_YEAR);
        // Saturates instead of reverting (issue 16, finding 5): past 2^112 − 1, which the highest rate
        // model reaches in about 5.5 years, interest stops, and repay, withdraw and governance still work.
        if (newIndex > PoolWordLib.MAX_INDEX) newIndex = PoolWordLib.MAX_INDEX;
        interest = (scaled * newIndex) / WAD - borrows;
    }

    /// @dev The pool with interest to this block, without writing.
    function _currentPool()
        internal
        view
        returns (uint256 cash, uint256 totalBorrows, uint256 reserve, uint256 index)
    {
        PoolWord poolWord = _poolWord;
        EngineConfig configWord = _configWord;
        PoolBalances balancesWord = _balancesWord;
        uint256 interest;
        (index, interest) = _pendingInterest(poolWord, configWord, balancesWord);
        cash = balancesWord.cash();
        totalBorrows = (balancesWord.totalScaled() * index) / WAD;
        reserve = poolWord.reserve() + (interest * configWord.reserveFactorBps()) / BPS;
    }

    /// @dev The borrow index at this block.
    function _currentIndex() internal view returns (uint256 index) {
        (index,) = _pendingInterest(_poolWord, _configWord, _balancesWord);
    }

    /// @dev Rounded up. Scaled debts and the index both fit 112 bits, so the product cannot overflow.
    function _debtOf(uint256 scaled, uint256 index) internal pure returns (uint256) {
        return (scaled * index + (WAD - 1)) / WAD;
    }

    function _listedCollateral(address asset) internal view returns (CollateralConfig config) {
        config = _collateralByToken[asset];
        if (!config.isListed()) revert CollateralNotListed(asset);
    }

    /// @dev Writes a balance; at zero the position is removed (the last one moves into it) and the
    ///      returned header, which the caller stores, no longer lists the asset.
    function _setBalance(address account, AccountWord header, uint256 position, address asset, uint256 balance)
        internal
        returns (AccountWord)
    {
        if (balance != 0) {
            _positions[account][position] = PositionLib.pack(asset, balance);
            return header;
        }
        uint256 last = header.count() - 1;
        if (position != last) _positions[account][position] = _positions[account][last];
        _positions[account][last] = Position.wrap(0);
        header = header.removeAt(position);
        _accounts[account] = header;
        return header;
    }

    function _setRateModel(RateModel memory model) internal {
        if (!InterestRateModel.isWithinBounds(model)) revert InvalidRateModel();
        _configWord = _configWord.withRateModelBits(InterestRateModel.pack(model));
        emit RateModelSet(model);
    }

    function _setLiquidationConfig(LiquidationConfig memory config) internal {
        if (
            config.fullCloseHealthBps < MIN_FULL_CLOSE_HEALTH_BPS || config.fullCloseHealthBps > BPS
                || config.rateLimitBypassHealthBps > config.fullCloseHealthBps
                || config.protocolFeeBps > MAX_PROTOCOL_FEE_BPS || config.minLeftoverValue > MAX_MIN_LEFTOVER_VALUE
        ) revert InvalidLiquidationConfig();
        _configWord = _configWord.withLiquidationConfig(config);
        emit LiquidationConfigSet(config);
    }
}
