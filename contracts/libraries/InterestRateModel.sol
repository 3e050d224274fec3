// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BPS, WAD} from "./ConstantsLib.sol";

/// @notice A utilisation-based borrow rate with one kink (Aave/Compound "jump rate"), annual rates in bps.
/// @dev Below the kink the rate rises from `baseRateBps` by `slope1Bps` at full kink; above it, by
///      `slope2Bps` more at 100% utilisation. `reserveFactorBps` of the interest goes to the reserve.
struct RateModel {
    uint16 baseRateBps;
    uint16 slope1Bps;
    uint24 slope2Bps;
    uint16 optimalUtilizationBps;
    uint16 reserveFactorBps;
}

/// @title InterestRateModel
/// @notice Pure rate arithmetic and the 88-bit packing of `RateModel` kept in the engine's pool word.
library InterestRateModel {
    uint256 internal constant SECONDS_PER_YEAR = 365 days;

    /// @dev Governance bounds on the model (docs/engine.md explains them).
    uint256 internal constant MAX_BASE_RATE_BPS = 10_000;
    uint256 internal constant MAX_SLOPE1_BPS = 10_000;
    uint256 internal constant MAX_SLOPE2_BPS = 50_000;
    uint256 internal constant MIN_OPTIMAL_UTILIZATION_BPS = 1_000;
    uint256 internal constant MAX_OPTIMAL_UTILIZATION_BPS = 9_900;
    uint256 internal constant MAX_RESERVE_FACTOR_BPS = 5_000;

    /// @notice Whether the model lies within the governance bounds above.
    /// @param m The model.
    /// @return True when every field is within its bound.
    function isWithinBounds(RateModel memory m) internal pure returns (bool) {
        return m.baseRateBps <= MAX_BASE_RATE_BPS && m.slope1Bps <= MAX_SLOPE1_BPS && m.slope2Bps <= MAX_SLOPE2_BPS
            && m.optimalUtilizationBps >= MIN_OPTIMAL_UTILIZATION_BPS
            && m.optimalUtilizationBps <= MAX_OPTIMAL_UTILIZATION_BPS && m.reserveFactorBps <= MAX_RESERVE_FACTOR_BPS;
    }

    /// @notice Borrowed share of the pool's lendable assets, WAD.
    /// @param cash Idle debt asset held by the pool.
    /// @param borrows Outstanding borrows.
    /// @return The utilisation, 0 for an empty pool.
    function utilization(uint256 cash, uint256 borrows) internal pure returns (uint256) {
        uint256 total = cash + borrows;
        return total == 0 ? 0 : (borrows * WAD) / total;
    }

    /// @notice The annual borrow rate at a utilisation, WAD (1e18 = 100% a year).
    /// @param packed The packed model (see `pack`).
    /// @param utilizationWad Utilisation, WAD.
    /// @return The annual rate, WAD.
    function annualBorrowRate(uint256 packed, uint256 utilizationWad) internal pure returns (uint256) {
        uint256 optimal = ((packed >> 56) & 0xFFFF) * (WAD / BPS);
        uint256 base = (packed & 0xFFFF) * (WAD / BPS);
        uint256 slope1 = ((packed >> 16) & 0xFFFF) * (WAD / BPS);
        if (utilizationWad <= optimal) return base + (slope1 * utilizationWad) / optimal;
        uint256 slope2 = ((packed >> 32) & 0xFFFFFF) * (WAD / BPS);
        return base + slope1 + (slope2 * (utilizationWad - optimal)) / (WAD - optimal);
    }

    /// @notice The reserve factor of a packed model, bps.
    /// @param packed The packed model.
    /// @return The reserve factor.
    function reserveFactorBps(uint256 packed) internal pure returns (uint256) {
        return (packed >> 72) & 0xFFFF;
    }

    /// @notice Packs a model into 88 bits: base 0..15, slope1 16..31, slope2 32..55, optimal 56..71, reserve factor 72..87.
    /// @param m The model.
    /// @return The packed bits.
    function pack(RateModel memory m) internal pure returns (uint256) {
        return uint256(m.baseRateBps) | (uint256(m.slope1Bps) << 16) | (uint256(m.slope2Bps) << 32)
            | (uint256(m.optimalUtilizationBps) << 56) | (uint256(m.reserveFactorBps) << 72);
    }

    /// @notice Unpacks 88 bits produced by `pack`.
    /// @param packed The packed bits.
    /// @return m The model.
    function unpack(uint256 packed) internal pure returns (RateModel memory m) {
        m.baseRateBps = uint16(packed);
        m.slope1Bps = uint16(packed >> 16);
        m.slope2Bps = uint24(packed >> 32);
        m.optimalUtilizationBps = uint16(packed >> 56);
        m.reserveFactorBps = uint16(packed >> 72);
    }
}
