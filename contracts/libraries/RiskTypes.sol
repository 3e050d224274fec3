// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The risk parameters of one collateral asset, as stored targets.
/// @dev Field order is part of the EIP-712 type `RiskParams(...)`: never reorder.
struct RiskParams {
    /// @dev Loan-to-value (borrow limit) in bps of the collateral value.
    uint16 ltvBps;
    /// @dev Liquidation threshold (maintenance margin) in bps; for a ramping cut this is the target.
    uint16 liquidationThresholdBps;
    /// @dev Liquidation bonus in bps on top of the repaid value (500 = liquidator gets 105%).
    uint16 liquidationBonusBps;
    /// @dev Largest share of an account's debt one liquidation may repay, in bps.
    uint16 closeFactorBps;
    /// @dev Collateral value (debt-asset units, 18 decimals) that may be seized per rolling window.
    uint96 liquidationCapPerWindow;
    /// @dev Length of the liquidation rate-limit window, in seconds.
    uint32 liquidationWindow;
}

/// @notice Identifies one field of `RiskParams` in errors and events.
enum Param {
    Ltv,
    LiquidationThreshold,
    LiquidationBonus,
    CloseFactor,
    LiquidationCap,
    LiquidationWindow
}

/// @notice Governance bounds and step limits of one basis-point parameter.
/// @dev "Risk-increasing" is the direction that lets the protocol lose more: up for LTV and threshold,
///      down for bonus and close factor. Risk-reducing steps must be at least as large.
struct BpsRule {
    uint16 min;
    uint16 max;
    uint16 maxRiskIncreasingStep;
    uint16 maxRiskReducingStep;
}

/// @notice Bounds and the symmetric relative step (bps of the current value) of an amount-like parameter.
struct AmountRule {
    uint96 min;
    uint96 max;
    uint16 maxStepBps;
}

/// @notice Everything governance sets for one asset on the bounded update path.
struct AssetRules {
    BpsRule ltv;
    BpsRule liquidationThreshold;
    BpsRule liquidationBonus;
    BpsRule closeFactor;
    AmountRule liquidationCap;
    AmountRule liquidationWindow;
    /// @dev Minimum time since the asset's last accepted report before a report that moves any
    ///      parameter in its risk-increasing direction (or changes the symmetric cap/window).
    uint32 riskIncreasingCooldown;
    /// @dev Minimum time since the asset's last accepted report before a purely risk-reducing report.
    uint32 riskReducingCooldown;
}

/// @notice A compact (EIP-2098) ECDSA signature.
struct Signature {
    bytes32 r;
    bytes32 vs;
}

/// @notice A calibrated parameter update as sent on the wire. Signers sign the EIP-712 type
///         `RiskReport(address asset,RiskParams newParams,RiskParams expectedCurrentParams,uint64 nonce,
///         uint64 observedAt,bytes32 reportHash)` with structured `RiskParams`; the transaction carries
///         each `RiskParams` as one PackedRiskParams word (12 ABI words become 2, which halves the
///         report's calldata gas) and the contract rebuilds the typed hash from the unpacked fields.
struct PackedRiskReport {
    address asset;
    /// @dev The new parameters, PackedRiskParams layout (bits above 191 must be zero).
    uint256 newParams;
    /// @dev Compare-and-swap: the stored parameters the report was computed against, same layout.
    uint256 expectedCurrentParams;
    /// @dev Must equal the asset's next nonce (the count of reports accepted for it so far).
    uint64 nonce;
    /// @dev When the market data behind the report was observed (unix seconds).
    uint64 observedAt;
    /// @dev Content hash of the calibrator's full report (inputs, intermediates, code version).
    bytes32 reportHash;
}
