// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RiskParams} from "../libraries/RiskTypes.sol";

/// @notice One-word encoding of `RiskParams`, identical to the low 192 bits of the registry's params
///         slot (`ParamsSlot`), so parameters travel between updater, registry, engine and events
///         without ABI overhead.
/// @dev Layout (bit offsets): ltvBps 0..15, liquidationThresholdBps 16..31, liquidationBonusBps 32..47,
///      closeFactorBps 48..63, liquidationCapPerWindow 64..159, liquidationWindow 160..191; bits above 191
///      are zero in every word this library builds. TypeScript copy: calibrator/rules/packing.ts.
///      External signatures keep `uint256` (the ABI is unchanged); contracts wrap at the boundary.
type PackedRiskParams is uint256;

using PackedRiskParamsLib for PackedRiskParams global;
using {equals as ==, notEquals as !=} for PackedRiskParams global;

function equals(PackedRiskParams a, PackedRiskParams b) pure returns (bool) {
    return PackedRiskParams.unwrap(a) == PackedRiskParams.unwrap(b);
}

function notEquals(PackedRiskParams a, PackedRiskParams b) pure returns (bool) {
    return PackedRiskParams.unwrap(a) != PackedRiskParams.unwrap(b);
}

/// @title PackedRiskParamsLib
/// @notice Packing, unpacking and field reads of `PackedRiskParams`.
library PackedRiskParamsLib {
    /// @notice The bits a packed word may use (0..191).
    uint256 internal constant PARAMS_MASK = (1 << 192) - 1;

    /// @notice Packs calldata parameters (the ABI decoder has already range-checked every field).
    /// @param p The parameters.
    /// @return The packed word.
    function pack(RiskParams calldata p) internal pure returns (PackedRiskParams) {
        return packFields(
            p.ltvBps, p.liquidationThresholdBps, p.liquidationBonusBps, p.closeFactorBps, p.liquidationCapPerWindow,
            p.liquidationWindow
        );
    }

    /// @notice Packs memory parameters: `pack` for a struct already in memory (Solidity has no function
    ///         generic over the data location, and a calldata-to-memory copy would cost every report).
    ///         Both are one line over `packFields`, where the layout is written once.
    /// @param p The parameters.
    /// @return The packed word.
    function packMemory(RiskParams memory p) internal pure returns (PackedRiskParams) {
        return packFields(
            p.ltvBps, p.liquidationThresholdBps, p.liquidationBonusBps, p.closeFactorBps, p.liquidationCapPerWindow,
            p.liquidationWindow
        );
    }

    /// @dev The layout itself, written once.
    function packFields(
        uint16 ltv,
        uint16 threshold,
        uint16 bonus,
        uint16 closeFactor,
        uint96 cap,
        uint32 window
    ) private pure returns (PackedRiskParams) {
        return PackedRiskParams.wrap(
            uint256(ltv) | (uint256(threshold) << 16) | (uint256(bonus) << 32) | (uint256(closeFactor) << 48)
                | (uint256(cap) << 64) | (uint256(window) << 160)
        );
    }

    /// @notice Unpacks a word.
    /// @param word The packed word.
    /// @return The parameters.
    function unpack(PackedRiskParams word) internal pure returns (RiskParams memory) {
        return RiskParams({
            ltvBps: ltvBps(word),
            liquidationThresholdBps: liquidationThresholdBps(word),
            liquidationBonusBps: liquidationBonusBps(word),
            closeFactorBps: closeFactorBps(word),
            liquidationCapPerWindow: liquidationCapPerWindow(word),
            liquidationWindow: liquidationWindow(word)
        });
    }

    function ltvBps(PackedRiskParams word) internal pure returns (uint16) {
        return uint16(PackedRiskParams.unwrap(word));
    }

    function liquidationThresholdBps(PackedRiskParams word) internal pure returns (uint16) {
        return uint16(PackedRiskParams.unwrap(word) >> 16);
    }

    function liquidationBonusBps(PackedRiskParams word) internal pure returns (uint16) {
        return uint16(PackedRiskParams.unwrap(word) >> 32);
    }

    function closeFactorBps(PackedRiskParams word) internal pure returns (uint16) {
        return uint16(PackedRiskParams.unwrap(word) >> 48);
    }

    function liquidationCapPerWindow(PackedRiskParams word) internal pure returns (uint96) {
        return uint96(PackedRiskParams.unwrap(word) >> 64);
    }

    function liquidationWindow(PackedRiskParams word) internal pure returns (uint32) {
        return uint32(PackedRiskParams.unwrap(word) >> 160);
    }

    /// @notice The i-th bps field in `Param` order (0 LTV, 1 threshold, 2 bonus, 3 close factor).
    /// @param word The packed word.
    /// @param i The field index, below 4 (so the offset is unchecked).
    /// @return The field (bps).
    function bpsField(PackedRiskParams word, uint256 i) internal pure returns (uint256) {
        unchecked {
            return uint16(PackedRiskParams.unwrap(word) >> (16 * i));
        }
    }

    /// @notice Whether the four bps fields (the low 64 bits) are equal in both words.
    /// @param a One word.
    /// @param b The other.
    /// @return Whether no bps field differs.
    function sameBpsFields(PackedRiskParams a, PackedRiskParams b) internal pure returns (bool) {
        return uint64(PackedRiskParams.unwrap(a) ^ PackedRiskParams.unwrap(b)) == 0;
    }
}
