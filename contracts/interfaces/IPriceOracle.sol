// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IPriceOracle
/// @notice Chainlink-backed prices normalised to 18 decimals; every failure is a distinct revert.
interface IPriceOracle {
    /// @notice No feed is configured for the asset.
    error FeedNotConfigured(address asset);
    /// @notice The feed's `latestRoundData` call reverted or returned malformed data.
    error FeedCallFailed(address asset);
    /// @notice The feed answered zero or a negative price.
    error NonPositivePrice(address asset, int256 answer);
    /// @notice The feed's last update is older than its staleness allowance.
    error StalePrice(address asset, uint256 updatedAt, uint256 stalenessAllowance);
    /// @notice The feed reports an update time after the current block.
    error PriceFromFuture(address asset, uint256 updatedAt);
    /// @notice The L2 sequencer is reported down.
    error SequencerDown();
    /// @notice The sequencer came back up less than the grace period ago.
    error SequencerGracePeriodNotOver(uint256 upSince, uint256 gracePeriod);
    /// @notice The sequencer-uptime feed returned an invalid round (startedAt == 0) or failed.
    error SequencerStatusInvalid();
    /// @notice A positive answer of a feed with more than 18 decimals that normalises to 0.
    error PriceRoundsToZero(address asset, int256 answer, uint8 decimals);
    /// @notice A staleness allowance of zero or above `MAX_STALENESS_ALLOWANCE`.
    error InvalidStalenessAllowance(uint32 stalenessAllowance);
    /// @notice A feed whose decimals exceed 36 (normalisation would overflow).
    error InvalidFeedDecimals(uint8 decimals);

    /// @notice Emitted when governance sets or replaces an asset's feed.
    /// @param asset The priced asset.
    /// @param feed The Chainlink aggregator.
    /// @param stalenessAllowance Max seconds since the feed's last update.
    /// @param decimals The feed's decimals, read at configuration.
    event FeedSet(address indexed asset, address indexed feed, uint32 stalenessAllowance, uint8 decimals);
    /// @notice Emitted when governance removes an asset's feed.
    /// @param asset The asset whose feed was removed.
    event FeedRemoved(address indexed asset);
    /// @notice Emitted at deployment with the L2 sequencer-uptime feed (zero address: no check, as on L1).
    /// @param feed The sequencer-uptime feed.
    /// @param gracePeriod Seconds after recovery before prices are trusted.
    event SequencerFeedSet(address indexed feed, uint32 gracePeriod);

    /// @notice Sets the asset's Chainlink feed and how old its answer may be.
    /// @param asset The asset priced by the feed (in the debt asset's unit of account).
    /// @param feed An `AggregatorV3Interface`.
    /// @param stalenessAllowance Max seconds since `updatedAt`: the feed's heartbeat plus a margin.
    function setFeed(address asset, address feed, uint32 stalenessAllowance) external;

    /// @notice Removes the asset's feed; prices of the asset revert afterwards.
    /// @param asset An asset with a feed.
    function removeFeed(address asset) external;

    /// @notice The asset's price with 18 decimals; reverts if the feed or the sequencer is unhealthy.
    /// @param asset An asset with a feed.
    /// @return price18 The price in the unit of account, 18 decimals.
    function getPrice(address asset) external view returns (uint256 price18);

    /// @notice The asset's price, its raw round data's update time, without reverting on staleness.
    /// @dev For monitoring only; never use the result to move funds.
    /// @param asset An asset with a feed.
    /// @return price18 The last answer normalised to 18 decimals (0 if not positive).
    /// @return updatedAt The feed's last update time.
    /// @return healthy Whether `getPrice` would accept the answer (sequencer status aside).
    function peekPrice(address asset) external view returns (uint256 price18, uint256 updatedAt, bool healthy);

    /// @notice The feed configuration of an asset.
    /// @param asset The asset.
    /// @return feed The aggregator (zero when none).
    /// @return stalenessAllowance Max seconds since the last update.
    /// @return decimals The feed's decimals.
    function feedOf(address asset) external view returns (address feed, uint32 stalenessAllowance, uint8 decimals);
}
