// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title MockAggregator
/// @notice Test feed with Chainlink's `AggregatorV3Interface`. The round lives in one storage slot,
///         like a real OCR aggregator's packed transmission, so gas figures stay realistic.
/// @dev Test-only: anyone may push answers.
contract MockAggregator is AggregatorV3Interface {
    struct Round {
        int128 answer;
        uint40 startedAt;
        uint40 updatedAt;
        uint40 roundId;
        bool failing;
    }

    /// @notice Thrown by every read while `failing` is set (simulates a broken feed).
    error MockFeedFailure();

    /// @notice Decimals of the answers.
    uint8 public immutable override decimals;
    /// @notice Human-readable pair, e.g. "ETH / USD".
    string public override description;
    Round private _round;
    /// @dev Past rounds, as a real aggregator keeps them for `getRoundData` (the keeper reads history).
    mapping(uint256 roundId => Round) private _history;

    /// @notice Emitted on every pushed answer.
    /// @param current The answer.
    /// @param roundId The new round.
    /// @param updatedAt The round's update time.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    constructor(uint8 decimals_, int256 initialAnswer, string memory description_) {
        decimals = decimals_;
        description = description_;
        _push(initialAnswer, block.timestamp, block.timestamp);
    }

    /// @notice Pushes a new answer stamped with the current block time.
    /// @param answer The answer.
    function updateAnswer(int256 answer) external {
        _push(answer, block.timestamp, block.timestamp);
    }

    /// @notice Pushes a new answer with explicit timestamps (to simulate stale or odd rounds).
    /// @param answer The answer.
    /// @param startedAt The round's start time.
    /// @param updatedAt The round's update time.
    function updateRoundData(int256 answer, uint256 startedAt, uint256 updatedAt) external {
        _push(answer, startedAt, updatedAt);
    }

    /// @notice Makes every read revert (true) or work again (false).
    /// @param failing_ Whether reads revert.
    function setFailing(bool failing_) external {
        _round.failing = failing_;
    }

    /// @notice Whether reads currently revert.
    function failing() external view returns (bool) {
        return _round.failing;
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure override returns (uint256) {
        return 4;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80 roundId) external view override returns (uint80, int256, uint256, uint256, uint80) {
        if (_round.failing) revert MockFeedFailure();
        Round memory r = _history[roundId];
        if (r.roundId == 0) revert MockFeedFailure();
        return (roundId, r.answer, r.startedAt, r.updatedAt, roundId);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() external view override returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = _round;
        if (r.failing) revert MockFeedFailure();
        return (r.roundId, r.answer, r.startedAt, r.updatedAt, r.roundId);
    }

    function _push(int256 answer, uint256 startedAt, uint256 updatedAt) private {
        Round memory r = _round;
        uint40 next = r.roundId + 1;
        _round = Round(int128(answer), uint40(startedAt), uint40(updatedAt), next, r.failing);
        _history[next] = _round;
        emit AnswerUpdated(answer, next, updatedAt);
    }
}
