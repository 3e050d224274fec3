// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A listed collateral, by token: id 0..7, decimals 8..15, supplyCap 16..111,
///         totalDeposited 112..207, delisted flag 208. Zero means not listed (ids start at 1).
type CollateralConfig is uint256;

using CollateralConfigLib for CollateralConfig global;

/// @title CollateralConfigLib
/// @notice Reads and writes of a `CollateralConfig`.
library CollateralConfigLib {
    /// @dev The largest supply cap and total deposit (96 bits).
    uint256 internal constant MAX_AMOUNT = (1 << 96) - 1;
    uint256 private constant CAP_SHIFT = 16;
    uint256 private constant TOTAL_SHIFT = 112;
    uint256 private constant DELISTED = 1 << 208;

    /// @dev The caller checks `supplyCap_ <= MAX_AMOUNT`, an 8-bit id and 8-bit decimals.
    function pack(uint256 id_, uint256 decimals_, uint256 supplyCap_) internal pure returns (CollateralConfig) {
        return CollateralConfig.wrap(id_ | (decimals_ << 8) | (supplyCap_ << CAP_SHIFT));
    }

    function isListed(CollateralConfig w) internal pure returns (bool) {
        return CollateralConfig.unwrap(w) != 0;
    }

    function id(CollateralConfig w) internal pure returns (uint256) {
        return CollateralConfig.unwrap(w) & 0xFF;
    }

    function decimals(CollateralConfig w) internal pure returns (uint256) {
        return (CollateralConfig.unwrap(w) >> 8) & 0xFF;
    }

    function supplyCap(CollateralConfig w) internal pure returns (uint256) {
        return (CollateralConfig.unwrap(w) >> CAP_SHIFT) & MAX_AMOUNT;
    }

    function totalDeposited(CollateralConfig w) internal pure returns (uint256) {
        return (CollateralConfig.unwrap(w) >> TOTAL_SHIFT) & MAX_AMOUNT;
    }

    function isDelisted(CollateralConfig w) internal pure returns (bool) {
        return CollateralConfig.unwrap(w) & DELISTED != 0;
    }

    /// @dev The caller checks `total <= supplyCap <= MAX_AMOUNT`.
    function withTotalDeposited(CollateralConfig w, uint256 total) internal pure returns (CollateralConfig) {
        return CollateralConfig.wrap((CollateralConfig.unwrap(w) & ~(MAX_AMOUNT << TOTAL_SHIFT)) | (total << TOTAL_SHIFT));
    }

    /// @dev `amount` never exceeds the total (it came out of a balance counted in it).
    function lessDeposited(CollateralConfig w, uint256 amount) internal pure returns (CollateralConfig) {
        return CollateralConfig.wrap(CollateralConfig.unwrap(w) - (amount << TOTAL_SHIFT));
    }

    /// @dev The caller checks `supplyCap_ <= MAX_AMOUNT`.
    function withSupplyCap(CollateralConfig w, uint256 supplyCap_) internal pure returns (CollateralConfig) {
        return CollateralConfig.wrap((CollateralConfig.unwrap(w) & ~(MAX_AMOUNT << CAP_SHIFT)) | (supplyCap_ << CAP_SHIFT));
    }

    function delisted(CollateralConfig w) internal pure returns (CollateralConfig) {
        return CollateralConfig.wrap(CollateralConfig.unwrap(w) | DELISTED);
    }
}
