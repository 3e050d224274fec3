// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMarginEngine} from "../interfaces/IMarginEngine.sol";

/// @notice The pool's balances: cash 0..127, total scaled debt 128..255.
type PoolBalances is uint256;

using PoolBalancesLib for PoolBalances global;

/// @title PoolBalancesLib
/// @notice Reads and writes of `PoolBalances`.
library PoolBalancesLib {
    uint256 private constant U128 = (1 << 128) - 1;

    /// @dev Either amount past 128 bits reverts with `AmountTooLarge`.
    function pack(uint256 cash_, uint256 totalScaled_) internal pure returns (PoolBalances) {
        return PoolBalances.wrap(_fit128(cash_) | (_fit128(totalScaled_) << 128));
    }

    function cash(PoolBalances w) internal pure returns (uint256) {
        return PoolBalances.unwrap(w) & U128;
    }

    function totalScaled(PoolBalances w) internal pure returns (uint256) {
        return PoolBalances.unwrap(w) >> 128;
    }

    /// @dev The caller checks `amount <= cash`, so the subtraction never borrows from the debt half.
    function withoutCash(PoolBalances w, uint256 amount) internal pure returns (PoolBalances) {
        return PoolBalances.wrap(PoolBalances.unwrap(w) - amount);
    }

    function _fit128(uint256 amount) private pure returns (uint256) {
        if (amount > U128) revert IMarginEngine.AmountTooLarge(amount);
        return amount;
    }
}
