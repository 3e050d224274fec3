// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRiskParameterRegistry} from "../interfaces/IRiskParameterRegistry.sol";
import {RiskParams} from "../libraries/RiskTypes.sol";

/// @title GasProbe
/// @notice Benchmark helper: measures the gas a consumer contract pays for one cold registry read.
contract GasProbe {
    /// @notice The registry returned an empty parameter set.
    error EmptyParams();

    /// @notice Gas of the last measured call, readable after the transaction.
    uint256 public lastGas;

    /// @notice Calls `registry.effectiveParams(asset)` and records the gas it used (cold account and slots).
    /// @param registry The registry to read.
    /// @param asset A listed asset.
    function measureEffectiveParams(IRiskParameterRegistry registry, address asset) external {
        uint256 before = gasleft();
        RiskParams memory p = registry.effectiveParams(asset);
        uint256 used = before - gasleft();
        // Use the result so the call cannot be optimised away.
        if (p.liquidationThresholdBps == 0) revert EmptyParams();
        lastGas = used;
    }
}
