// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";
import {BoundedRiskUpdater} from "../../contracts/BoundedRiskUpdater.sol";
import {MarginEngine} from "../../contracts/MarginEngine.sol";
import {AccountSnapshot} from "../../contracts/interfaces/IMarginEngine.sol";
import {IPriceOracle} from "../../contracts/interfaces/IPriceOracle.sol";
import {PackedRiskReport, RiskParams, Signature} from "../../contracts/libraries/RiskTypes.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {reportFor, signedBy} from "./BulwarkTestBase.sol";
import {EngineSetup} from "./EngineTestBase.sol";

/// @notice Random lenders, borrowers, liquidators, price moves, time jumps and signed parameter
///         reports; records every flow of the debt asset and every property violation it observes.
contract EngineHandler is Test {
    MarginEngine internal immutable engine;
    BoundedRiskUpdater internal immutable updater;
    MockERC20 internal immutable usdc;
    MockERC20[2] internal tokens;
    MockAggregator[2] internal feeds;
    uint256 internal immutable signerKey;

    address[3] public lenders;
    address[4] public borrowers;
    address[2] internal liquidators;

    // Ghost flows of the debt asset into and out of the engine.
    uint256 public lent;
    uint256 public lenderWithdrawn;
    uint256 public borrowed;
    uint256 public repaid;
    uint256 public liquidationPaid;
    // Ghost sums from the engine's own events.
    uint256 public interestAccrued;
    uint256 public protocolFees;
    uint256 public badDebt;
    uint256 public operations;

    // Property violations (each must stay zero).
    uint256 public healthyLiquidated;
    uint256 public overSeized;
    uint256 public solventHealthFell;
    uint256 public sharePriceFellWithoutBadDebt;
    uint256 public borrowedBeyondLimit;
    uint256 public insolventAfterLiquidation;
    uint256 public strangerOpenedPosition;
    uint256 public dustDebtCreated;

    // Coverage counters.
    uint256 public liquidations;
    uint256 public badDebtEvents;
    uint256 public acceptedReports;
    uint256 public writeOffs;
    uint256 public dustDeposits;

    uint256 internal lastSharePrice;

    bytes32 internal constant INTEREST_ACCRUED = keccak256("InterestAccrued(uint256,uint256,uint256)");
    bytes32 internal constant LIQUIDATED =
        keccak256("Liquidated(address,address,address,uint256,uint256,uint256,uint256)");
    bytes32 internal constant BAD_DEBT = keccak256("BadDebtWrittenOff(address,uint256,uint256,uint256)");

    constructor(
        MarginEngine engine_,
        BoundedRiskUpdater updater_,
        MockERC20 usdc_,
        MockERC20[2] memory tokens_,
        MockAggregator[2] memory feeds_,
        uint256 signerKey_
    ) {
        engine = engine_;
        updater = updater_;
        usdc = usdc_;
        tokens = tokens_;
        feeds = feeds_;
        signerKey = signerKey_;
        for (uint256 i = 0; i < 3; ++i) lenders[i] = makeAddr(string.concat("lender", vm.toString(i)));
        for (uint256 i = 0; i < 4; ++i) borrowers[i] = makeAddr(string.concat("borrower", vm.toString(i)));
        for (uint256 i = 0; i < 2; ++i) liquidators[i] = makeAddr(string.concat("liquidator", vm.toString(i)));
        lastSharePrice = engine_.convertToAssets(1e24);
    }

    // ------------------------------------------------------------------ actors

    function lend(uint8 who, uint64 amount) external {
        address lender = lenders[who % 3];
        uint256 assets = bound(amount, 1e6, 5_000_000e6);
        usdc.mint(lender, assets);
        _begin();
        vm.startPrank(lender);
        usdc.approve(address(engine), assets);
        engine.deposit(assets, lender);
        vm.stopPrank();
        lent += assets;
        _end();
    }

    function withdrawLent(uint8 who, uint16 fractionBps) external {
        address lender = lenders[who % 3];
        uint256 assets = (engine.maxWithdraw(lender) * bound(fractionBps, 1, 10_000)) / 10_000;
        if (assets == 0) return;
        _begin();
        vm.prank(lender);
        engine.withdraw(assets, lender, lender);
        lenderWithdrawn += assets;
        _end();
    }

    function depositCollateral(uint8 who, uint8 which, uint96 amount) external {
        address borrower = borrowers[who % 4];
        uint256 i = which % 2;
        uint256 units = i == 0 ? bound(amount, 1e15, 200e18) : bound(amount, 1e4, 5e8);
        tokens[i].mint(borrower, units);
        _begin();
        vm.startPrank(borrower);
        tokens[i].approve(address(engine), units);
        engine.depositCollateral(address(tokens[i]), units, borrower);
        vm.stopPrank();
        _end();
    }

    function withdrawCollateral(uint8 who, uint8 which, uint16 fractionBps) external {
        address borrower = borrowers[who % 4];
        address token = address(tokens[which % 2]);
        uint256 amount = (engine.collateralBalance(borrower, token) * bound(fractionBps, 1, 10_000)) / 10_000;
        if (amount == 0) return;
        _begin();
        vm.prank(borrower);
        try engine.withdrawCollateral(token, amount, borrower) {} catch {}
        _end();
    }

    function borrow(uint8 who, uint16 fractionBps) external {
        address borrower = borrowers[who % 4];
        AccountSnapshot memory s;
        try engine.accountSnapshot(borrower) returns (AccountSnapshot memory snapshot) {
            s = snapshot;
        } catch {
            return;
        }
        if (s.borrowLimit <= s.debtValue) return;
        // Up to 105% of the headroom, so the limit check itself is exercised.
        uint256 amount = ((s.borrowLimit - s.debtValue) / 1e12) * bound(fractionBps, 1, 10_500) / 10_000;
        (uint256 cash,,,,) = engine.poolState();
        if (amount == 0 || amount > cash) return;
        _begin();
        vm.prank(borrower);
        try engine.borrow(amount, borrower) {
            borrowed += amount;
            AccountSnapshot memory afterwards = engine.accountSnapshot(borrower);
            if (afterwards.debtValue > afterwards.borrowLimit) ++borrowedBeyondLimit;
            if (afterwards.debtValue < engine.liquidationConfig().minLeftoverValue) ++dustDebtCreated;
        } catch {}
        _end();
    }

    function repay(uint8 who, uint16 fractionBps) external {
        address borrower = borrowers[who % 4];
        uint256 debt = engine.debtOf(borrower);
        if (debt == 0) return;
        uint256 amount = fractionBps % 5 == 0 ? type(uint256).max : (debt * bound(fractionBps, 1, 10_000)) / 10_000;
        if (amount == 0) return;
        usdc.mint(borrower, debt);
        _begin();
        vm.startPrank(borrower);
        usdc.approve(address(engine), debt);
        // A partial repayment that would leave a dust debt reverts (DebtBelowMinimum, issue 16 item 8).
        try engine.repay(amount, borrower) returns (uint256 paid) {
            repaid += paid;
            uint256 minimum = engine.liquidationConfig().minLeftoverValue;
            uint256 left = engine.debtOf(borrower) * 1e12;
            if (left != 0 && left < minimum && debt * 1e12 >= minimum) ++dustDebtCreated;
        } catch {}
        vm.stopPrank();
        _end();
    }

    struct Before {
        uint256 healthFactor;
        uint256 price;
        uint256 bonusBps;
        uint256 thresholdBps;
        uint256 unit;
        uint256 debt;
    }

    function liquidate(uint8 by, uint8 who, uint8 which, uint16 fractionBps) external {
        address liquidator = liquidators[by % 2];
        address borrower = borrowers[who % 4];
        uint256 i = which % 2;
        address token = address(tokens[i]);
        Before memory b;
        try engine.healthFactor(borrower) returns (uint256 hf) {
            b.healthFactor = hf;
        } catch {
            return;
        }
        b.debt = engine.debtOf(borrower);
        if (b.debt == 0 || engine.collateralBalance(borrower, token) == 0) return;
        b.price = IPriceOracle(address(engine.oracle())).getPrice(token);
        RiskParams memory p = updater.effectiveParams(token);
        (b.bonusBps, b.thresholdBps, b.unit) = (p.liquidationBonusBps, p.liquidationThresholdBps, 10 ** uint256(tokens[i].decimals()));
        uint256 maxRepay = fractionBps % 4 == 0 ? type(uint256).max : (b.debt * bound(fractionBps, 1, 10_000)) / 10_000 + 1;
        usdc.mint(liquidator, 2 * b.debt + 1e6);
        vm.prank(liquidator);
        usdc.approve(address(engine), type(uint256).max);
        uint256 balanceBefore = usdc.balanceOf(liquidator);
        _begin();
        vm.prank(liquidator);
        try engine.liquidate(borrower, token, maxRepay, 0) returns (uint256 debtRepaid, uint256 seized) {
            ++liquidations;
            liquidationPaid += balanceBefore - usdc.balanceOf(liquidator);
            if (b.healthFactor >= 1e18) ++healthyLiquidated;
            // seized <= repaid × (1 + bonus) / price, in token units.
            if (seized * 10_000 * b.price > debtRepaid * 1e12 * (10_000 + b.bonusBps) * b.unit) ++overSeized;
            _checkHealthRose(borrower, b, debtRepaid);
            _checkBacked(borrower);
        } catch {}
        _end();
    }

    /// @notice Anyone writes off what an account's collateral no longer backs.
    function writeOff(uint8 who) external {
        address borrower = borrowers[who % 4];
        _begin();
        try engine.writeOffBadDebt(borrower) {
            ++writeOffs;
            _checkBacked(borrower);
        } catch {}
        _end();
    }

    /// @notice A dust amount of collateral lands in an account: a stranger's top-up of a position it
    ///         holds, or else the owner's own (finding 2 of issue 16: dust must not keep unbacked debt
    ///         alive). A stranger's attempt to open a position must fail (finding 1).
    function dustDeposit(uint8 who, uint8 which, uint16 amount) external {
        address borrower = borrowers[who % 4];
        uint256 i = which % 2;
        uint256 units = bound(amount, 1, 1_000);
        address stranger = liquidators[0];
        bool held = engine.collateralBalance(borrower, address(tokens[i])) != 0;
        address depositor = held ? stranger : borrower;
        tokens[i].mint(stranger, units);
        tokens[i].mint(borrower, units);
        _begin();
        vm.startPrank(stranger);
        tokens[i].approve(address(engine), units);
        if (!held) {
            try engine.depositCollateral(address(tokens[i]), units, borrower) {
                ++strangerOpenedPosition;
            } catch {}
        }
        vm.stopPrank();
        vm.startPrank(depositor);
        tokens[i].approve(address(engine), units);
        try engine.depositCollateral(address(tokens[i]), units, borrower) {
            ++dustDeposits;
        } catch {}
        vm.stopPrank();
        _end();
    }

    /// @dev After a liquidation or a write-off the account's debt is covered by its collateral at market
    ///      value, or gone: no unbacked debt stays in totalAssets.
    function _checkBacked(address borrower) private {
        AccountSnapshot memory s = engine.accountSnapshot(borrower);
        if (s.debt != 0 && s.debtValue > s.collateralValue) ++insolventAfterLiquidation;
    }

    /// @dev HF' > HF iff HF > (1 + bonus) × threshold of the seized asset (docs/engine.md); with a
    ///      0.1% margin above that line, the health factor must not fall by more than rounding (1 ppb).
    function _checkHealthRose(address borrower, Before memory b, uint256 debtRepaid) private {
        if (debtRepaid == b.debt || engine.debtOf(borrower) == 0) return;
        uint256 line = ((10_000 + b.bonusBps) * b.thresholdBps * 1e10) + 1e15;
        if (b.healthFactor <= line) return;
        uint256 afterwards = engine.healthFactor(borrower);
        if (afterwards + b.healthFactor / 1e9 < b.healthFactor) ++solventHealthFell;
    }

    function movePrice(uint8 which, int16 moveBps) external {
        uint256 i = which % 2;
        (, int256 answer,,,) = feeds[i].latestRoundData();
        int256 next = answer + (answer * int256(bound(moveBps, -3_000, 2_000))) / 10_000;
        int256 floor = i == 0 ? int256(100e8) : int256(3_000e8);
        if (next < floor) next = floor;
        _begin();
        feeds[i].updateAnswer(next);
        _end();
    }

    /// @dev Time passes, the feeds heartbeat, and a zero deposit accrues interest, so the ledger's
    ///      interest (summed from events) is current whenever the invariants are checked.
    function warp(uint32 seconds_) external {
        _begin();
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
        for (uint256 i = 0; i < 2; ++i) {
            (, int256 answer,,,) = feeds[i].latestRoundData();
            feeds[i].updateAnswer(answer);
        }
        engine.deposit(0, address(this));
        _end();
    }

    /// @notice A signed report through the bounded updater: threshold and LTV move one step.
    function report(uint8 which, bool cut) external {
        address token = address(tokens[which % 2]);
        RiskParams memory next = updater.storedParams(token);
        if (cut) {
            next.ltvBps -= 200;
            next.liquidationThresholdBps -= 200;
            next.liquidationBonusBps += 50;
        } else {
            next.ltvBps += 50;
            next.liquidationThresholdBps += 50;
        }
        PackedRiskReport memory r = reportFor(updater, token, next);
        Signature[] memory sigs = signedBy(vm, updater, r, signerKey);
        _begin();
        try updater.submitReport(r, sigs) {
            ++acceptedReports;
        } catch {}
        _end();
    }

    // ------------------------------------------------------------------ bookkeeping

    function _begin() private {
        vm.recordLogs();
    }

    /// @dev Adds the engine's interest, fee and bad-debt events to the ghosts and checks the share price.
    function _end() private {
        ++operations;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bool lossEvent;
        for (uint256 k = 0; k < logs.length; ++k) {
            if (logs[k].emitter != address(engine)) continue;
            bytes32 topic = logs[k].topics[0];
            if (topic == INTEREST_ACCRUED) {
                (, uint256 interest,) = abi.decode(logs[k].data, (uint256, uint256, uint256));
                interestAccrued += interest;
            } else if (topic == LIQUIDATED) {
                (,, uint256 fee,) = abi.decode(logs[k].data, (uint256, uint256, uint256, uint256));
                protocolFees += fee;
            } else if (topic == BAD_DEBT) {
                (uint256 loss,, uint256 socialised) = abi.decode(logs[k].data, (uint256, uint256, uint256));
                badDebt += loss;
                ++badDebtEvents;
                if (socialised != 0) lossEvent = true;
            }
        }
        uint256 sharePrice = engine.convertToAssets(1e24);
        if (sharePrice < lastSharePrice && !lossEvent) ++sharePriceFellWithoutBadDebt;
        lastSharePrice = sharePrice;
    }

    /// @notice The sum of all borrowers' debts (each rounded up).
    function sumOfDebts() external view returns (uint256 total) {
        for (uint256 i = 0; i < 4; ++i) total += engine.debtOf(borrowers[i]);
    }
}

contract EngineInvariantsTest is EngineSetup {
    EngineHandler internal handler;

    function setUp() public {
        _deploySystem();
        handler = new EngineHandler(engine, updater, usdc, tokens, feeds, signerKey);
        targetContract(address(handler));
    }

    /// @notice The engine's cash is its token balance and equals the recorded flows of the debt asset.
    function invariant_cashIsTheTokenBalanceAndTheFlows() public view {
        (uint256 cash,,,,) = engine.poolState();
        assertEq(cash, usdc.balanceOf(address(engine)), "cash != balance");
        uint256 inflows = handler.lent() + handler.repaid() + handler.liquidationPaid();
        uint256 outflows = handler.lenderWithdrawn() + handler.borrowed();
        assertEq(cash, inflows - outflows, "cash != flows");
    }

    /// @notice Lenders' assets plus reserve = cash + borrows = deposits − withdrawals + interest + fees −
    ///         bad debt written off, up to rounding that only ever favours the pool (a few wei per operation).
    function invariant_poolAssetsMatchTheLedger() public view {
        (uint256 cash, uint256 borrows, uint256 reserve, uint256 writtenOff,) = engine.poolState();
        assertEq(engine.totalAssets() + reserve, cash + borrows, "assets + reserve != cash + borrows");
        assertEq(writtenOff, handler.badDebt(), "bad debt != events");
        uint256 ledger = handler.lent() + handler.interestAccrued() + handler.protocolFees();
        ledger -= handler.lenderWithdrawn() + handler.badDebt();
        uint256 books = cash + borrows;
        assertGe(books, ledger, "rounding went against the pool");
        assertLe(books - ledger, 2 * handler.operations(), "rounding drift above 2 wei per operation");
    }

    /// @notice Every account's debt is rounded up, the pool's total down: Σ debts ∈ [borrows, borrows + n].
    function invariant_debtsCoverBorrows() public view {
        (, uint256 borrows,,,) = engine.poolState();
        uint256 debts = handler.sumOfDebts();
        assertGe(debts, borrows, "debts below borrows");
        assertLe(debts, borrows + 4, "debts above borrows + accounts");
    }

    /// @notice The reserve never exceeds what the pool holds.
    function invariant_reserveWithinAssets() public view {
        (uint256 cash, uint256 borrows, uint256 reserve,,) = engine.poolState();
        assertLe(reserve, cash + borrows);
    }

    /// @notice No healthy account liquidated; no seizure above repaid × (1 + bonus); no borrow beyond the limit.
    function invariant_liquidationsObeyTheRules() public view {
        assertEq(handler.healthyLiquidated(), 0, "healthy account liquidated");
        assertEq(handler.overSeized(), 0, "seized more than repaid x (1 + bonus)");
        assertEq(handler.borrowedBeyondLimit(), 0, "borrowed beyond the limit");
    }

    /// @notice No account is insolvent with debt counted in totalAssets after any liquidation or
    ///         write-off (finding 2 of issue 16).
    function invariant_noUnbackedDebtAfterLiquidation() public view {
        assertEq(handler.insolventAfterLiquidation(), 0, "insolvent account kept its debt");
    }

    /// @notice Nobody opens a collateral position in someone else's account (finding 1 of issue 16).
    function invariant_noPositionOpenedByAStranger() public view {
        assertEq(handler.strangerOpenedPosition(), 0, "a stranger opened a position");
    }

    /// @notice No borrow or repayment leaves a debt below the minimum (issue 16 item 8).
    function invariant_noDustDebtFromBorrowOrRepay() public view {
        assertEq(handler.dustDebtCreated(), 0, "a borrow or repayment left a dust debt");
    }

    /// @notice A liquidation of a solvent position raises its health factor.
    function invariant_liquidationRaisesSolventHealth() public view {
        assertEq(handler.solventHealthFell(), 0);
    }

    /// @notice The share price falls only when bad debt is socialised.
    function invariant_sharePriceFallsOnlyOnBadDebt() public view {
        assertEq(handler.sharePriceFellWithoutBadDebt(), 0);
    }

    /// @notice A scripted run through the handler: lending, borrowing, a crash, liquidations and bad
    ///         debt all happen, so the invariants above are not vacuous.
    function test_handlerReachesLiquidationsAndBadDebt() public {
        handler.lend(0, 2_000_000e6);
        handler.depositCollateral(0, 0, 100e18);
        handler.depositCollateral(1, 0, 10e18);
        handler.depositCollateral(1, 1, 1e8);
        handler.depositCollateral(2, 0, 10e18);
        handler.dustDeposit(2, 1, 1); // one satoshi stays in borrower 2's account
        handler.borrow(0, 10_000);
        handler.borrow(2, 10_000);
        handler.borrow(1, 10_000);
        handler.warp(1 days);
        handler.report(0, true);
        handler.movePrice(0, -1_200);
        handler.liquidate(0, 0, 0, 4_000);
        handler.movePrice(0, -3_000);
        handler.movePrice(0, -3_000);
        handler.writeOff(0);
        handler.liquidate(1, 0, 0, 0);
        handler.liquidate(1, 1, 0, 0);
        handler.liquidate(1, 1, 1, 0);
        handler.liquidate(0, 2, 0, 0); // takes all the WETH; the satoshi backs almost nothing
        assertEq(engine.debtOf(handler.borrowers(2)), 0, "debt kept alive by dust");
        assertGt(handler.liquidations(), 1, "no liquidations");
        assertGt(handler.badDebtEvents(), 0, "no bad debt");
        assertGt(handler.acceptedReports(), 0, "no report");
        assertGt(handler.dustDeposits(), 0, "no dust deposit");
        assertGt(handler.writeOffs(), 0, "no standalone write-off");
        invariant_cashIsTheTokenBalanceAndTheFlows();
        invariant_noUnbackedDebtAfterLiquidation();
        invariant_noPositionOpenedByAStranger();
        invariant_poolAssetsMatchTheLedger();
        invariant_debtsCoverBorrows();
        invariant_liquidationsObeyTheRules();
        invariant_liquidationRaisesSolventHealth();
        invariant_sharePriceFallsOnlyOnBadDebt();
    }
}
