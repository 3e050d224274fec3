// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice One storage word per borrower: scaled debt and, per collateral position, the collateral's
///         id and decimals, so a health check finds everything but balances and prices in one SLOAD.
/// @dev Layout: scaledDebt 0..111, count 112..119, then 16 bits per position p from bit 120 + 16p:
///      id (8 bits) and decimals (8 bits). Positions are dense (0..count-1); removing one moves the
///      last into its place, and the position slots (token and balance) move with it.
type AccountWord is uint256;

using AccountWordLib for AccountWord global;

/// @title AccountWordLib
/// @notice Reads and writes of an `AccountWord`.
library AccountWordLib {
    uint256 internal constant MAX_COLLATERALS = 8;
    uint256 internal constant MAX_SCALED_DEBT = (1 << 112) - 1;
    uint256 private constant COUNT_SHIFT = 112;
    uint256 private constant POSITIONS_SHIFT = 120;

    function scaledDebt(AccountWord w) internal pure returns (uint256) {
        return AccountWord.unwrap(w) & MAX_SCALED_DEBT;
    }

    /// @dev The caller checks `scaled <= MAX_SCALED_DEBT`.
    function withScaledDebt(AccountWord w, uint256 scaled) internal pure returns (AccountWord) {
        return AccountWord.wrap((AccountWord.unwrap(w) & ~MAX_SCALED_DEBT) | scaled);
    }

    function count(AccountWord w) internal pure returns (uint256) {
        return (AccountWord.unwrap(w) >> COUNT_SHIFT) & 0xFF;
    }

    function idAt(AccountWord w, uint256 position) internal pure returns (uint256) {
        return (AccountWord.unwrap(w) >> (POSITIONS_SHIFT + 16 * position)) & 0xFF;
    }

    function decimalsAt(AccountWord w, uint256 position) internal pure returns (uint256) {
        return (AccountWord.unwrap(w) >> (POSITIONS_SHIFT + 16 * position + 8)) & 0xFF;
    }

    /// @notice The position of collateral `id`, or `count` when the account does not hold it.
    /// @param w The account word.
    /// @param id The collateral id.
    /// @return position Its position.
    function positionOf(AccountWord w, uint256 id) internal pure returns (uint256 position) {
        uint256 n = count(w);
        for (position = 0; position < n; ++position) {
            if (idAt(w, position) == id) return position;
        }
    }

    /// @notice Appends a position (the caller checks `count < MAX_COLLATERALS`).
    /// @param w The account word.
    /// @param id The collateral id.
    /// @param decimals The collateral's decimals.
    /// @return The new word.
    function push(AccountWord w, uint256 id, uint256 decimals) internal pure returns (AccountWord) {
        uint256 n = count(w);
        return AccountWord.wrap(
            (AccountWord.unwrap(w) & ~(uint256(0xFF) << COUNT_SHIFT)) | ((n + 1) << COUNT_SHIFT)
                | ((id | (decimals << 8)) << (POSITIONS_SHIFT + 16 * n))
        );
    }

    /// @notice Removes position `position` by moving the last one into it.
    /// @param w The account word.
    /// @param position The position to remove.
    /// @return The new word.
    function removeAt(AccountWord w, uint256 position) internal pure returns (AccountWord) {
        uint256 word = AccountWord.unwrap(w);
        uint256 last = count(w) - 1;
        uint256 lastShift = POSITIONS_SHIFT + 16 * last;
        uint256 lastEntry = (word >> lastShift) & 0xFFFF;
        word &= ~(uint256(0xFFFF) << lastShift);
        if (position != last) {
            uint256 shift = POSITIONS_SHIFT + 16 * position;
            word = (word & ~(uint256(0xFFFF) << shift)) | (lastEntry << shift);
        }
        return AccountWord.wrap((word & ~(uint256(0xFF) << COUNT_SHIFT)) | (last << COUNT_SHIFT));
    }
}
