// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMarginEngine} from "../interfaces/IMarginEngine.sol";
import {IRiskParameterRegistry} from "../interfaces/IRiskParameterRegistry.sol";
import {RiskParams} from "../libraries/RiskTypes.sol";

/// @title GasProbe
/// @notice Benchmark helper: measures the gas a consumer contract pays for one cold registry read.
contract GasProbe {
    /// @notice The registry returned an empty parameter set.
    error EmptyParams();

    /// @notice Gas of the last measured call, readable after the transaction.
    uint256 public lastGas;

    /// @notice Gas of the second, warm call in `measureHealthFactor`.
    uint256 public lastWarmGas;

    /// @notice Calls `engine.healthFactor(account)` twice and records the gas of each call: the first
    ///         pays for cold accounts and slots, the second is what a contract pays once they are warm.
    /// @param engine The margin engine.
    /// @param account A borrower.
    function measureHealthFactor(IMarginEngine engine, address account) external {
        uint256 before = gasleft();
        uint256 cold = engine.healthFactor(account);
        uint256 middle = gasleft();
        uint256 warm = engine.healthFactor(account);
        uint256 afterwards = gasleft();
        if (cold != warm || cold == 0) revert EmptyParams();
        lastGas = before - middle;
        lastWarmGas = middle - afterwards;
    }

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
