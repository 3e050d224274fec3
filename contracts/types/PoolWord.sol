// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMarginEngine} from "../interfaces/IMarginEngine.sol";

/// @notice The pool word, written by every accrual: borrowIndex (WAD) 0..111, lastAccrual 112..151,
///         reserve 152..255.
/// @dev The reserve shares the word so that an accrual is one SSTORE, never a zero-to-nonzero one.
type PoolWord is uint256;

using PoolWordLib for PoolWord global;

/// @title PoolWordLib
/// @notice Reads and writes of a `PoolWord`.
library PoolWordLib {
    /// @dev The largest borrow index (112 bits): accrual saturates there.
    uint256 internal constant MAX_INDEX = (1 << 112) - 1;
    uint256 private constant MAX_RESERVE = (1 << 104) - 1;
    uint256 private constant U40 = (1 << 40) - 1;
    uint256 private constant TIME_SHIFT = 112;
    uint256 private constant RESERVE_SHIFT = 152;

    /// @dev The caller keeps `index <= MAX_INDEX` and a 40-bit timestamp; a reserve past 104 bits reverts.
    function pack(uint256 index, uint256 timestamp, uint256 reserve_) internal pure returns (PoolWord) {
        return PoolWord.wrap(index | (timestamp << TIME_SHIFT) | (_fit104(reserve_) << RESERVE_SHIFT));
    }

    function borrowIndex(PoolWord w) internal pure returns (uint256) {
        return PoolWord.unwrap(w) & MAX_INDEX;
    }

    function lastAccrual(PoolWord w) internal pure returns (uint256) {
        return (PoolWord.unwrap(w) >> TIME_SHIFT) & U40;
    }

    function reserve(PoolWord w) internal pure returns (uint256) {
        return PoolWord.unwrap(w) >> RESERVE_SHIFT;
    }

    function withReserve(PoolWord w, uint256 reserve_) internal pure returns (PoolWord) {
        return PoolWord.wrap((PoolWord.unwrap(w) & ((1 << RESERVE_SHIFT) - 1)) | (_fit104(reserve_) << RESERVE_SHIFT));
    }

    function _fit104(uint256 amount) private pure returns (uint256) {
        if (amount > MAX_RESERVE) revert IMarginEngine.AmountTooLarge(amount);
        return amount;
    }
}
