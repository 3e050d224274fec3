// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title AccountWord
/// @notice One storage word per borrower: scaled debt and the ordered list of collateral ids held.
/// @dev Layout: scaledDebt 0..127, count 128..135, ids from bit 136, 8 bits each (position p at
///      136 + 8p). Positions are dense (0..count-1); removing one moves the last into its place, and
///      the balances (two uint128 per word, by position) move with it.
library AccountWord {
    uint256 internal constant MAX_COLLATERALS = 8;
    uint256 private constant U128 = (1 << 128) - 1;
    uint256 private constant COUNT_SHIFT = 128;
    uint256 private constant IDS_SHIFT = 136;

    function scaledDebt(uint256 w) internal pure returns (uint256) {
        return w & U128;
    }

    function withScaledDebt(uint256 w, uint256 scaled) internal pure returns (uint256) {
        return (w & ~U128) | scaled;
    }

    function count(uint256 w) internal pure returns (uint256) {
        return (w >> COUNT_SHIFT) & 0xFF;
    }

    function idAt(uint256 w, uint256 position) internal pure returns (uint256) {
        return (w >> (IDS_SHIFT + 8 * position)) & 0xFF;
    }

    /// @notice The position of `id` in the list, or `count` when absent.
    function positionOf(uint256 w, uint256 id) internal pure returns (uint256 position) {
        uint256 n = count(w);
        for (position = 0; position < n; ++position) {
            if (idAt(w, position) == id) return position;
        }
    }

    /// @notice Appends `id` (the caller checks `count < MAX_COLLATERALS`).
    function push(uint256 w, uint256 id) internal pure returns (uint256) {
        uint256 n = count(w);
        return (w & ~(uint256(0xFF) << COUNT_SHIFT)) | ((n + 1) << COUNT_SHIFT) | (id << (IDS_SHIFT + 8 * n));
    }

    /// @notice Removes position `position` by moving the last id into it.
    function removeAt(uint256 w, uint256 position) internal pure returns (uint256) {
        uint256 last = count(w) - 1;
        uint256 lastId = idAt(w, last);
        w &= ~(uint256(0xFF) << (IDS_SHIFT + 8 * last));
        if (position != last) {
            uint256 shift = IDS_SHIFT + 8 * position;
            w = (w & ~(uint256(0xFF) << shift)) | (lastId << shift);
        }
        return (w & ~(uint256(0xFF) << COUNT_SHIFT)) | (last << COUNT_SHIFT);
    }
}
