// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IPriceOracle} from "./interfaces/IPriceOracle.sol";
import {ZeroAddress} from "./libraries/Errors.sol";

/// @title PriceOracle
/// @notice Adapter over Chainlink `AggregatorV3Interface` feeds: answer > 0, `updatedAt` within the
///         feed's own staleness allowance (one per feed: heartbeats differ), decimals normalised to 18,
///         and an optional L2 sequencer-uptime feed with a grace period. It never falls back silently.
/// @dev DEFAULT_ADMIN_ROLE is governance (the timelock).
contract PriceOracle is IPriceOracle, AccessControl {
    /// @notice Longest staleness allowance governance may set (Euler's adapter caps at 72 hours).
    uint32 public constant MAX_STALENESS_ALLOWANCE = 72 hours;

    struct FeedConfig {
        AggregatorV3Interface feed;
        uint32 stalenessAllowance;
        uint8 decimals;
    }

    mapping(address asset => FeedConfig) private _feeds;
    /// @dev Fixed per deployment (an L2 has one sequencer), so the check costs no storage read.
    AggregatorV3Interface private immutable _sequencerFeed;
    uint32 private immutable _sequencerGracePeriod;

    /// @notice Grants governance its role and fixes the sequencer check for the deployment.
    /// @param governance The timelock administering feeds.
    /// @param sequencerFeed_ The L2 sequencer-uptime feed, or the zero address on L1.
    /// @param sequencerGracePeriod_ Seconds after the sequencer comes back before prices are trusted.
    constructor(address governance, address sequencerFeed_, uint32 sequencerGracePeriod_) {
        if (governance == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
        _sequencerFeed = AggregatorV3Interface(sequencerFeed_);
        _sequencerGracePeriod = sequencerGracePeriod_;
        emit SequencerFeedSet(sequencerFeed_, sequencerGracePeriod_);
    }

    /// @inheritdoc IPriceOracle
    function setFeed(address asset, address feed, uint32 stalenessAllowance) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (asset == address(0) || feed == address(0)) revert ZeroAddress();
        if (stalenessAllowance == 0 || stalenessAllowance > MAX_STALENESS_ALLOWANCE) {
            revert InvalidStalenessAllowance(stalenessAllowance);
        }
        uint8 decimals = AggregatorV3Interface(feed).decimals();
        if (decimals > 36) revert InvalidFeedDecimals(decimals);
        _feeds[asset] = FeedConfig(AggregatorV3Interface(feed), stalenessAllowance, decimals);
        emit FeedSet(asset, feed, stalenessAllowance, decimals);
    }

    /// @inheritdoc IPriceOracle
    function removeFeed(address asset) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(_feeds[asset].feed) == address(0)) revert FeedNotConfigured(asset);
        delete _feeds[asset];
        emit FeedRemoved(asset);
    }

    /// @inheritdoc IPriceOracle
    function getPrice(address asset) external view returns (uint256 price18) {
        if (address(_sequencerFeed) != address(0)) _checkSequencer();
        FeedConfig memory config = _feeds[asset];
        (int256 answer, uint256 updatedAt) = _latest(asset, config);
        if (answer <= 0) revert NonPositivePrice(asset, answer);
        if (updatedAt > block.timestamp) revert PriceFromFuture(asset, updatedAt);
        if (block.timestamp - updatedAt > config.stalenessAllowance) {
            revert StalePrice(asset, updatedAt, config.stalenessAllowance);
        }
        price18 = _normalise(uint256(answer), config.decimals);
        // Above 18 decimals the division can round a positive answer to 0, and a zero price would make
        // the engine divide by zero when it sizes a seizure: refuse it here, naming the raw answer.
        if (price18 == 0) revert PriceRoundsToZero(asset, answer, config.decimals);
    }

    /// @inheritdoc IPriceOracle
    function peekPrice(address asset) external view returns (uint256 price18, uint256 updatedAt, bool healthy) {
        // Sequencer status is not part of `healthy`: peek is for monitoring the feed itself.
        FeedConfig memory config = _feeds[asset];
        int256 answer;
        (answer, updatedAt) = _latest(asset, config);
        if (answer > 0) price18 = _normalise(uint256(answer), config.decimals);
        healthy = price18 > 0 && updatedAt <= block.timestamp
            && block.timestamp - updatedAt <= config.stalenessAllowance;
    }

    /// @inheritdoc IPriceOracle
    function feedOf(address asset) external view returns (address, uint32, uint8) {
        FeedConfig memory config = _feeds[asset];
        return (address(config.feed), config.stalenessAllowance, config.decimals);
    }

    /// @notice The sequencer-uptime feed and its grace period (zero address when disabled).
    /// @return feed The sequencer-uptime feed.
    /// @return gracePeriod Seconds after recovery before prices are trusted.
    function sequencerFeed() external view returns (address feed, uint32 gracePeriod) {
        return (address(_sequencerFeed), _sequencerGracePeriod);
    }

    /// @dev `latestRoundData()` through one staticcall, reading only the two words used (answer at
    ///      offset 0x20, updatedAt at 0x60): the full five-value ABI decode costs more than the read.
    ///      A revert, or fewer than five words returned, is `FeedCallFailed`.
    function _latest(address asset, FeedConfig memory config) private view returns (int256 answer, uint256 updatedAt) {
        address feed = address(config.feed);
        if (feed == address(0)) revert FeedNotConfigured(asset);
        bool ok;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(224, 0xfeaf968c)) // latestRoundData()
            ok := staticcall(gas(), feed, ptr, 0x04, ptr, 0xa0)
            if lt(returndatasize(), 0xa0) { ok := 0 }
            answer := mload(add(ptr, 0x20))
            updatedAt := mload(add(ptr, 0x60))
        }
        if (!ok) revert FeedCallFailed(asset);
    }

    /// @dev Chainlink's documented pattern: answer 1 = down; startedAt is when the status last changed
    ///      (0 on an invalid round); wait a grace period after recovery so positions can be topped up.
    function _checkSequencer() private view {
        AggregatorV3Interface feed = _sequencerFeed;
        int256 status;
        uint256 startedAt;
        try feed.latestRoundData() returns (uint80, int256 answer, uint256 started, uint256, uint80) {
            (status, startedAt) = (answer, started);
        } catch {
            revert SequencerStatusInvalid();
        }
        // startedAt after the block would underflow the grace-period arithmetic below (a panic, not an
        // error): an uptime feed reporting a future start is as invalid as one reporting none.
        if (startedAt == 0 || startedAt > block.timestamp) revert SequencerStatusInvalid();
        if (status != 0) revert SequencerDown();
        if (block.timestamp - startedAt <= _sequencerGracePeriod) {
            revert SequencerGracePeriodNotOver(startedAt, _sequencerGracePeriod);
        }
    }

    function _normalise(uint256 answer, uint8 decimals) private pure returns (uint256) {
        if (decimals <= 18) return answer * 10 ** (18 - decimals);
        return answer / 10 ** (decimals - 18);
    }
}
