// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title LiquidationRateLimit
/// @notice A leaky bucket bounding the collateral value seized per asset: `used` drains linearly at
///         `cap / window` per second, so capacity frees gradually instead of all at once at a window's end.
/// @dev Why a bucket and not a fixed window or a ring buffer (Synthetix v3 PRs #1675, #1788, #1814):
///      a fixed window lets a full cap through twice around its boundary, and any scheme that restarts
///      its clock on a liquidation can be reset by dust. Here every liquidation first drains the bucket
///      for the time elapsed and then adds its own value, so the order and size of liquidations never
///      buys extra capacity: a dust liquidation consumes exactly its own value. Drain rounds down,
///      against the liquidator. Word layout: used 0..127, lastUpdate 128..167.
library LiquidationRateLimit {
    uint256 private constant U128 = (1 << 128) - 1;

    /// @notice The bucket's content after draining until `nowTs`.
    /// @param word The stored bucket.
    /// @param cap Value that drains per `window` (the registry's `liquidationCapPerWindow`).
    /// @param window The window length in seconds (0: nothing is remembered).
    /// @param nowTs The current time.
    /// @return The value still counted against the cap.
    function usedAt(uint256 word, uint256 cap, uint256 window, uint256 nowTs) internal pure returns (uint256) {
        uint256 used = word & U128;
        if (used == 0 || window == 0) return 0;
        // No reset at the window's end: a bucket overfilled by bypass liquidations drains at the same rate.
        uint256 drained = (cap * (nowTs - (word >> 128))) / window;
        return drained >= used ? 0 : used - drained;
    }

    /// @notice Packs a bucket.
    /// @param used Value counted against the cap (saturates at 2^128 - 1).
    /// @param nowTs The time of this state.
    /// @return The word.
    function pack(uint256 used, uint256 nowTs) internal pure returns (uint256) {
        if (used > U128) used = U128;
        return used | (nowTs << 128);
    }
}
