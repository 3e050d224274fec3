// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RiskParams} from "./RiskTypes.sol";

/// @title PackedRiskParams
/// @notice One-word encoding of `RiskParams`, identical to the low 192 bits of the registry's storage
///         slot, so parameters travel between updater, registry and events without ABI overhead.
/// @dev Layout (bit offsets): ltvBps 0..15, liquidationThresholdBps 16..31, liquidationBonusBps 32..47,
///      closeFactorBps 48..63, liquidationCapPerWindow 64..159, liquidationWindow 160..191.
///      The registry keeps ramp state above bit 191 of the same slot. TypeScript: calibrator/rules/packing.ts.
library PackedRiskParams {
    uint256 internal constant PARAMS_MASK = (1 << 192) - 1;

    /// @notice Packs calldata parameters (the ABI decoder has already range-checked every field).
    /// @param p The parameters.
    /// @return The packed word.
    function pack(RiskParams calldata p) internal pure returns (uint256) {
        return packFields(
            p.ltvBps, p.liquidationThresholdBps, p.liquidationBonusBps, p.closeFactorBps, p.liquidationCapPerWindow,
            p.liquidationWindow
        );
    }

    /// @notice Packs memory parameters: `pack` for a struct already in memory (Solidity has no function
    ///         generic over the data location, and a calldata-to-memory copy would cost every report).
    /// @param p The parameters.
    /// @return The packed word.
    function packMemory(RiskParams memory p) internal pure returns (uint256) {
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
    ) private pure returns (uint256) {
        return uint256(ltv) | (uint256(threshold) << 16) | (uint256(bonus) << 32) | (uint256(closeFactor) << 48)
            | (uint256(cap) << 64) | (uint256(window) << 160);
    }

    /// @notice Unpacks a word (bits above 191 are ignored).
    /// @param word The packed word.
    /// @return The parameters.
    function unpack(uint256 word) internal pure returns (RiskParams memory) {
        return RiskParams({
            ltvBps: ltvBps(word),
            liquidationThresholdBps: liquidationThresholdBps(word),
            liquidationBonusBps: liquidationBonusBps(word),
            closeFactorBps: closeFactorBps(word),
            liquidationCapPerWindow: liquidationCapPerWindow(word),
            liquidationWindow: liquidationWindow(word)
        });
    }

    function ltvBps(uint256 word) internal pure returns (uint16) {
        return uint16(word);
    }

    function liquidationThresholdBps(uint256 word) internal pure returns (uint16) {
        return uint16(word >> 16);
    }

    function liquidationBonusBps(uint256 word) internal pure returns (uint16) {
        return uint16(word >> 32);
    }

    function closeFactorBps(uint256 word) internal pure returns (uint16) {
        return uint16(word >> 48);
    }

    function liquidationCapPerWindow(uint256 word) internal pure returns (uint96) {
        return uint96(word >> 64);
    }

    function liquidationWindow(uint256 word) internal pure returns (uint32) {
        return uint32(word >> 160);
    }
}
