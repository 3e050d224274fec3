// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice One collateral position of an account: token 0..159, balance 160..255.
/// @dev Balances never exceed the asset's total deposits, which the supply cap keeps below 2^96.
type Position is uint256;

using PositionLib for Position global;

/// @title PositionLib
/// @notice Reads and writes of a `Position`.
library PositionLib {
    uint256 private constant BALANCE_SHIFT = 160;

    function pack(address token_, uint256 balance_) internal pure returns (Position) {
        return Position.wrap(uint256(uint160(token_)) | (balance_ << BALANCE_SHIFT));
    }

    function token(Position w) internal pure returns (address) {
        return address(uint160(Position.unwrap(w)));
    }

    function balance(Position w) internal pure returns (uint256) {
        return Position.unwrap(w) >> BALANCE_SHIFT;
    }

    /// @dev Unchecked: the caller has checked that the asset's total deposits, which bound every
    ///      balance, stay within the 96-bit supply cap, so the sum never reaches bit 256.
    function plusBalance(Position w, uint256 amount) internal pure returns (Position) {
        unchecked {
            return Position.wrap(Position.unwrap(w) + (amount << BALANCE_SHIFT));
        }
    }
}
