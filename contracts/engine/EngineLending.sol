// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {PoolBalances, PoolBalancesLib} from "../types/PoolBalances.sol";
import {EngineState} from "./EngineState.sol";

/// @title EngineLending
/// @notice The lenders' side of MarginEngine: ERC-4626 shares over cash plus borrows less the reserve,
///         with interest accrued before every deposit and withdrawal and withdrawals capped by idle cash.
abstract contract EngineLending is EngineState {
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
        if (_configWord.withdrawalsPaused()) return 0;
        uint256 assets = super.maxWithdraw(owner);
        uint256 cash = _balancesWord.cash();
        return assets < cash ? assets : cash;
    }

    /// @notice Shares `owner` may redeem now: capped by idle cash; 0 while paused.
    /// @param owner The lender.
    /// @return Share units.
    function maxRedeem(address owner) public view override returns (uint256) {
        if (_configWord.withdrawalsPaused()) return 0;
        uint256 shares = balanceOf(owner);
        uint256 cashShares = _convertToShares(_balancesWord.cash(), Math.Rounding.Floor);
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
        if (_configWord.withdrawalsPaused()) revert WithdrawalsPaused();
        return super.withdraw(assets, receiver, owner);
    }

    /// @notice ERC-4626 redeem; reverts with `WithdrawalsPaused` while paused.
    /// @param shares Shares to burn.
    /// @param receiver Who receives the assets.
    /// @param owner Whose shares burn.
    /// @return Assets sent.
    function redeem(uint256 shares, address receiver, address owner) public override nonReentrant returns (uint256) {
        if (_configWord.withdrawalsPaused()) revert WithdrawalsPaused();
        return super.redeem(shares, receiver, owner);
    }

    /// @dev Shares were priced on `totalAssets()`, which already includes pending interest, so
    ///      accruing here changes nothing in the conversion.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        (,, PoolBalances balancesWord) = _accrue();
        _balancesWord = PoolBalancesLib.pack(balancesWord.cash() + assets, balancesWord.totalScaled());
        super._deposit(caller, receiver, assets, shares);
    }

    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
    {
        (,, PoolBalances balancesWord) = _accrue();
        _balancesWord = balancesWord.withoutCash(assets); // maxWithdraw/maxRedeem capped assets at cash
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    /// @dev Six extra share decimals make the first-depositor inflation attack cost 10^6 times the gain.
    function _decimalsOffset() internal pure override returns (uint8) {
        return 6;
    }
}
