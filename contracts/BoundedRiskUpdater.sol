// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IBoundedRiskUpdater} from "./interfaces/IBoundedRiskUpdater.sol";
import {IPriceOracle} from "./interfaces/IPriceOracle.sol";
import {
    BPS, RISK_PARAMS_TYPEHASH, RISK_REPORT_BATCH_TYPEHASH, RISK_REPORT_TYPEHASH
} from "./libraries/ConstantsLib.sol";
import {ZeroAddress} from "./libraries/Errors.sol";
import {
    AmountRule, AssetRules, BpsRule, PackedRiskReport, Param, RiskParams, Signature
} from "./libraries/RiskTypes.sol";
import {RiskParameterRegistry} from "./RiskParameterRegistry.sol";
import {AssetState} from "./types/AssetState.sol";
import {BpsRules, BpsRulesLib} from "./types/BpsRules.sol";
import {PackedRiskParams, PackedRiskParamsLib} from "./types/PackedRiskParams.sol";
import {ParamsSlot} from "./types/ParamsSlot.sol";

/// @title BoundedRiskUpdater
/// @notice Lets calibrated risk parameters into the registry only within governance-set bounds:
///         per-parameter min/max, asymmetric max steps (risk-reducing moves may be larger), cooldowns
///         (shorter for risk-reducing reports), report freshness and ordering, a per-asset nonce,
///         compare-and-swap on the live values, a fresh price feed, and a quorum of EIP-712 signers.
///         Governance (a TimelockController) sets the rules and may write parameters within bounds;
///         a guardian may pause reports, freeze an asset and tighten at once.
/// @dev The deployed contract: the report path plus the RiskParameterRegistry module it writes.
///      The rule order in `_validate` is mirrored by calibrator/rules/riskRules.ts (differential test).
contract BoundedRiskUpdater is RiskParameterRegistry, IBoundedRiskUpdater, EIP712 {
    /// @notice Most calibrator signers (and signatures per submission).
    uint256 public constant MAX_SIGNERS = 32;
    /// @notice Most reports in one batch.
    uint256 public constant MAX_BATCH = 64;
    /// @notice Longest cooldown governance may set.
    uint32 public constant MAX_COOLDOWN = 90 days;
    /// @notice Largest `maxReportAge` governance may set.
    uint32 public constant MAX_REPORT_AGE_LIMIT = 7 days;

    /// @notice The oracle whose feed health gates every report.
    IPriceOracle public immutable oracle;

    struct Config {
        uint8 quorum;
        bool paused;
        uint32 maxReportAge;
        uint8 signerCount;
        /// @dev Bit i set when index i (1..32) holds a signer.
        uint64 signerIndexSet;
    }

    /// @dev The four bps rules of an asset, one slot (BpsRules layout).
    mapping(address asset => BpsRules) private _bpsRules;
    /// @dev Cap and window rules are only read when a report changes those fields.
    mapping(address asset => AmountRule) private _capRules;
    mapping(address asset => AmountRule) private _windowRules;
    Config private _config;
    /// @dev Stable indices 1..MAX_SIGNERS, so an event's signer bitmap can be read against the logs.
    mapping(uint256 index => address) private _signerAt;
    mapping(address signer => uint256) private _signerIndex; // 0 = not a signer

    /// @notice Deploys the registry and the bounded update path as one contract.
    /// @param governance The timelock (DEFAULT_ADMIN_ROLE).
    /// @param guardian The guardian (may be zero and granted later).
    /// @param oracle_ The price oracle gating reports on feed health.
    /// @param initialSigners Calibrator signers to register.
    /// @param quorum_ Distinct signers a report needs (1 ..= initialSigners.length).
    /// @param maxReportAge_ Max seconds between a report's observation and its landing.
    constructor(
        address governance,
        address guardian,
        IPriceOracle oracle_,
        address[] memory initialSigners,
        uint8 quorum_,
        uint32 maxReportAge_
    ) RiskParameterRegistry(governance, guardian) EIP712("Bulwark BoundedRiskUpdater", "1") {
        if (address(oracle_) == address(0)) revert ZeroAddress();
        oracle = oracle_;
        for (uint256 i = 0; i < initialSigners.length; ++i) {
            _addSigner(initialSigners[i]);
        }
        _setQuorum(quorum_);
        _setMaxReportAge(maxReportAge_);
    }

    // ================================================================ report path

    /// @inheritdoc IBoundedRiskUpdater
    function submitReport(PackedRiskReport calldata report, Signature[] calldata signatures) external {
        Config memory config = _config;
        if (config.paused) revert UpdaterPaused();
        uint256 signerBitmap = _verifySignatures(_hashTypedDataV4(_reportStructHash(report)), signatures, config.quorum);
        _apply(report, signerBitmap, config.maxReportAge);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function submitReports(PackedRiskReport[] calldata reports, Signature[] calldata signatures) external {
        Config memory config = _config;
        if (config.paused) revert UpdaterPaused();
        uint256 signerBitmap = _verifySignatures(_batchDigest(reports), signatures, config.quorum);
        for (uint256 i = 0; i < reports.length; ++i) {
            _apply(reports[i], signerBitmap, config.maxReportAge);
        }
    }

    /// @inheritdoc IBoundedRiskUpdater
    function previewReport(PackedRiskReport calldata report) external view {
        Config memory config = _config;
        if (config.paused) revert UpdaterPaused();
        address asset = report.asset;
        AssetState state = _assetStates[asset];
        (ParamsSlot currentSlot, PackedRiskParams proposed,) = _validate(report, state, config.maxReportAge);
        _nextSlot(asset, currentSlot, proposed, state);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function packParams(RiskParams calldata params) external pure returns (uint256) {
        return PackedRiskParams.unwrap(PackedRiskParamsLib.pack(params));
    }

    /// @inheritdoc IBoundedRiskUpdater
    function reportDigest(PackedRiskReport calldata report) external view returns (bytes32) {
        return _hashTypedDataV4(_reportStructHash(report));
    }

    /// @inheritdoc IBoundedRiskUpdater
    function batchDigest(PackedRiskReport[] calldata reports) external view returns (bytes32) {
        return _batchDigest(reports);
    }

    /// @dev Checks (all of `_validate`), then the writes: parameters (with the static invariants and
    ///      ramp), then the bookkeeping word once, then the event. No external calls after the checks.
    function _apply(PackedRiskReport calldata reportData, uint256 signerBitmap, uint32 reportAgeLimit)
        private
    {
        PackedRiskReport memory report = reportData; // one calldata copy instead of checked field reads
        address asset = report.asset;
        AssetState state = _assetStates[asset];
        (ParamsSlot currentSlot, PackedRiskParams proposed, bool riskIncreasing) =
            _validate(report, state, reportAgeLimit);
        state = _writeParams(asset, currentSlot, proposed, state);
        _assetStates[asset] = state.afterReport(report.observedAt, riskIncreasing);
        emit ReportAccepted(
            asset,
            report.nonce,
            report.reportHash,
            PackedRiskParams.unwrap(currentSlot.targets()),
            PackedRiskParams.unwrap(proposed),
            signerBitmap
        );
    }

    /// @notice Every report rule except signatures and the static invariants.
    /// @dev In a fixed order:
    ///      configured, nonce, freshness, listed, compare-and-swap, change, per-field bounds and
    ///      steps (Param order), cooldown, feed health.
    ///      Two clocks: every report waits the risk-reducing cooldown after the last write of any kind,
    ///      and a report with a risk-increasing move also waits the risk-increasing cooldown after the
    ///      last risk-increasing write. With one clock, frequent risk-reducing reports (LTV cuts and bonus
    ///      raises through a crash) would restart the slow cooldown each time and starve every
    ///      risk-increasing move, the liquidation cap's included, for as long as they went on.
    /// @param report The report (copied to memory).
    /// @param state The asset's bookkeeping word.
    /// @param reportAgeLimit The max report age in force.
    /// @return currentSlot The asset's full params slot (targets and ramp state).
    /// @return proposed The report's new parameters, packed.
    /// @return riskIncreasing Whether the report has a risk-increasing move (it restarts that clock).
    function _validate(PackedRiskReport memory report, AssetState state, uint32 reportAgeLimit)
        private
        view
        returns (ParamsSlot currentSlot, PackedRiskParams proposed, bool riskIncreasing)
    {
        address asset = report.asset;
        if (!state.configured()) revert AssetNotConfigured(asset);
        uint64 nonce = state.nonce();
        if (report.nonce != nonce) revert InvalidNonce(asset, nonce, report.nonce);
        uint64 observedAt = report.observedAt;
        if (observedAt > block.timestamp) revert ReportFromFuture(asset, observedAt);
        if (block.timestamp - observedAt > reportAgeLimit) revert ReportTooOld(asset, observedAt, reportAgeLimit);
        uint64 lastObservedAt = state.lastObservedAt();
        if (observedAt <= lastObservedAt) revert ReportNotNewer(asset, observedAt, lastObservedAt);

        currentSlot = _listedSlot(asset);
        PackedRiskParams current = currentSlot.targets();
        if (report.newParams > PackedRiskParamsLib.PARAMS_MASK) revert MalformedPackedParams(asset);
        proposed = PackedRiskParams.wrap(report.newParams);
        if (current != PackedRiskParams.wrap(report.expectedCurrentParams)) revert StaleCurrentParams(asset);
        if (proposed == current) revert NoChange(asset);

        riskIncreasing = _checkBpsSteps(asset, _bpsRules[asset], current, proposed);
        // Cap and window rules live in their own slots, read only when the field changes.
        if (current.liquidationCapPerWindow() != proposed.liquidationCapPerWindow()) {
            _checkAmountStep(
                asset,
                Param.LiquidationCap,
                _capRules[asset],
                current.liquidationCapPerWindow(),
                proposed.liquidationCapPerWindow()
            );
            riskIncreasing = true;
        }
        if (current.liquidationWindow() != proposed.liquidationWindow()) {
            _checkAmountStep(
                asset,
                Param.LiquidationWindow,
                _windowRules[asset],
                current.liquidationWindow(),
                proposed.liquidationWindow()
            );
            riskIncreasing = true;
        }
        if (riskIncreasing && currentSlot.isFrozen()) revert AssetFrozenRiskIncreasing(asset);

        uint256 readyAt = state.readyAt(riskIncreasing);
        if (block.timestamp < readyAt) revert CooldownActive(asset, readyAt);

        _requireHealthyFeed(asset);
    }

    /// @dev `oracle.getPrice(asset)` for its revert only: the price itself is not used, so the call is
    ///      made directly and the oracle's own error (StalePrice, FeedCallFailed, ...) is bubbled as is.
    function _requireHealthyFeed(address asset) private view {
        address target = address(oracle);
        bytes4 selector = IPriceOracle.getPrice.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), asset)
            if iszero(staticcall(gas(), target, ptr, 0x24, 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
        }
    }

    /// @dev Bounds and steps of the four bps fields (Param order, 16 bits each at offsets 0..48 of
    ///      both words); returns whether any move is risk-increasing (up for LTV and threshold, down
    ///      for bonus and close factor). Unchanged fields pass.
    function _checkBpsSteps(address asset, BpsRules rules, PackedRiskParams current, PackedRiskParams proposed)
        private
        pure
        returns (bool riskIncreasing)
    {
        if (current.sameBpsFields(proposed)) return false;
        for (uint256 i = 0; i < 4; ++i) {
            uint256 from = current.bpsField(i);
            uint256 to = proposed.bpsField(i);
            if (from == to) continue;
            uint256 min = rules.min(i);
            uint256 max = rules.max(i);
            if (to < min || to > max) revert ParamOutOfBounds(asset, Param(i), to, min, max);
            bool up = to > from;
            bool increasing = up == (i < 2); // i 0, 1: LTV and threshold
            uint256 maxStep = rules.maxStep(i, increasing);
            uint256 step;
            unchecked {
                step = up ? to - from : from - to; // the subtraction's order makes it non-negative
            }
            if (step > maxStep) revert StepTooLarge(asset, Param(i), from, to, maxStep);
            if (increasing) riskIncreasing = true;
        }
    }

    /// @dev Bounds and relative step of a changed cap or window. These are symmetric: any change
    ///      counts as risk-increasing for the cooldown (the slower clock).
    function _checkAmountStep(address asset, Param param, AmountRule memory rule, uint256 from, uint256 to)
        private
        pure
    {
        if (to < rule.min || to > rule.max) revert ParamOutOfBounds(asset, param, to, rule.min, rule.max);
        uint256 step = to > from ? to - from : from - to;
        if (step * BPS > from * rule.maxStepBps) {
            revert StepTooLarge(asset, param, from, to, (from * rule.maxStepBps) / BPS);
        }
    }

    /// @dev Returns the bitmap of the signers' indices; duplicates are found without sorting.
    function _verifySignatures(bytes32 digest, Signature[] calldata signatures, uint256 quorum_)
        private
        view
        returns (uint256 seen)
    {
        uint256 count = signatures.length;
        if (count < quorum_) revert InsufficientSignatures(count, quorum_);
        if (count > MAX_SIGNERS) revert TooManySignatures(count, MAX_SIGNERS);
        for (uint256 i = 0; i < count; ++i) {
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signatures[i].r, signatures[i].vs);
            if (err != ECDSA.RecoverError.NoError) revert InvalidSignature(i);
            uint256 index = _signerIndex[signer];
            if (index == 0) revert UnknownSigner(signer);
            uint256 bit = 1 << index;
            if (seen & bit != 0) revert DuplicateSigner(signer);
            seen |= bit;
        }
    }

    function _batchDigest(PackedRiskReport[] calldata reports) private view returns (bytes32) {
        uint256 n = reports.length;
        if (n == 0) revert EmptyBatch();
        if (n > MAX_BATCH) revert BatchTooLarge(n, MAX_BATCH);
        bytes32[] memory hashes = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            hashes[i] = _reportStructHash(reports[i]);
        }
        return _hashTypedDataV4(keccak256(abi.encode(RISK_REPORT_BATCH_TYPEHASH, keccak256(abi.encodePacked(hashes)))));
    }

    /// @dev hashStruct(RiskReport) with both RiskParams rebuilt from their packed words. Written in
    ///      assembly over scratch memory (the free pointer is not moved) because it runs per report.
    function _reportStructHash(PackedRiskReport calldata r) private pure returns (bytes32 digest) {
        bytes32 newParamsHash = _paramsStructHash(r.newParams);
        bytes32 expectedParamsHash = _paramsStructHash(r.expectedCurrentParams);
        bytes32 typeHash = RISK_REPORT_TYPEHASH;
        address asset = r.asset;
        uint64 nonce = r.nonce;
        uint64 observedAt = r.observedAt;
        bytes32 reportHash = r.reportHash;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            mstore(add(ptr, 0x20), asset)
            mstore(add(ptr, 0x40), newParamsHash)
            mstore(add(ptr, 0x60), expectedParamsHash)
            mstore(add(ptr, 0x80), nonce)
            mstore(add(ptr, 0xa0), observedAt)
            mstore(add(ptr, 0xc0), reportHash)
            digest := keccak256(ptr, 0xe0)
        }
    }

    /// @dev hashStruct(RiskParams) from a packed word: the typehash and the six fields as ABI words.
    ///      Bits above 191 are ignored here; `_validate` rejects them.
    function _paramsStructHash(uint256 p) private pure returns (bytes32 digest) {
        bytes32 typeHash = RISK_PARAMS_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            mstore(add(ptr, 0x20), and(p, 0xffff))
            mstore(add(ptr, 0x40), and(shr(16, p), 0xffff))
            mstore(add(ptr, 0x60), and(shr(32, p), 0xffff))
            mstore(add(ptr, 0x80), and(shr(48, p), 0xffff))
            mstore(add(ptr, 0xa0), and(shr(64, p), 0xffffffffffffffffffffffff))
            mstore(add(ptr, 0xc0), and(shr(160, p), 0xffffffff))
            digest := keccak256(ptr, 0xe0)
        }
    }

    // ================================================================ governance and guardian

    /// @inheritdoc IBoundedRiskUpdater
    function setAssetRules(address asset, AssetRules calldata rules) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (asset == address(0)) revert ZeroAddress();
        _checkBpsRule(Param.Ltv, rules.ltv);
        _checkBpsRule(Param.LiquidationThreshold, rules.liquidationThreshold);
        _checkBpsRule(Param.LiquidationBonus, rules.liquidationBonus);
        _checkBpsRule(Param.CloseFactor, rules.closeFactor);
        if (rules.liquidationCap.min == 0 || rules.liquidationCap.min > rules.liquidationCap.max) {
            revert InvalidBounds(Param.LiquidationCap);
        }
        if (
            rules.liquidationWindow.min == 0 || rules.liquidationWindow.min > rules.liquidationWindow.max
                || rules.liquidationWindow.max > type(uint32).max
        ) revert InvalidBounds(Param.LiquidationWindow);
        if (rules.riskIncreasingCooldown > MAX_COOLDOWN) {
            revert CooldownTooLong(rules.riskIncreasingCooldown, MAX_COOLDOWN);
        }
        if (rules.riskReducingCooldown > rules.riskIncreasingCooldown) {
            revert RiskReducingCooldownTooLong(rules.riskReducingCooldown, rules.riskIncreasingCooldown);
        }

        _bpsRules[asset] = BpsRulesLib.pack(rules);
        _capRules[asset] = rules.liquidationCap;
        _windowRules[asset] = rules.liquidationWindow;
        _assetStates[asset] =
            _assetStates[asset].withCooldowns(rules.riskIncreasingCooldown, rules.riskReducingCooldown);
        emit AssetRulesSet(asset, rules);

        // Bounds may only tighten around the live values: set the parameters first, then the bounds.
        ParamsSlot slot = _paramSlots[asset];
        if (slot.isListed()) _checkAllBounds(asset, slot.targets().unpack());
    }

    /// @inheritdoc IBoundedRiskUpdater
    function governanceSetParams(address asset, RiskParams calldata newParams) external onlyRole(DEFAULT_ADMIN_ROLE) {
        AssetState state = _assetStates[asset];
        if (!state.configured()) revert AssetNotConfigured(asset);
        ParamsSlot currentSlot = _paramSlots[asset];
        _checkAllBounds(asset, newParams);
        state = _writeParams(asset, currentSlot, PackedRiskParamsLib.pack(newParams), state);
        _assetStates[asset] = state.withLastUpdateNow();
        emit GovernanceParamsSet(asset, currentSlot.targets().unpack(), newParams);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function guardianTighten(address asset, RiskParams calldata newParams) external onlyRole(GUARDIAN_ROLE) {
        ParamsSlot currentSlot = _listedSlot(asset);
        RiskParams memory current = currentSlot.targets().unpack();
        PackedRiskParams proposed = PackedRiskParamsLib.pack(newParams);
        if (proposed == currentSlot.targets()) revert NoChange(asset);
        if (newParams.ltvBps > current.ltvBps) revert NotTightening(asset, Param.Ltv);
        if (newParams.liquidationThresholdBps > current.liquidationThresholdBps) {
            revert NotTightening(asset, Param.LiquidationThreshold);
        }
        if (newParams.liquidationBonusBps < current.liquidationBonusBps) {
            revert NotTightening(asset, Param.LiquidationBonus);
        }
        if (newParams.closeFactorBps < current.closeFactorBps) revert NotTightening(asset, Param.CloseFactor);
        if (newParams.liquidationCapPerWindow != current.liquidationCapPerWindow) {
            revert NotTightening(asset, Param.LiquidationCap);
        }
        if (newParams.liquidationWindow != current.liquidationWindow) {
            revert NotTightening(asset, Param.LiquidationWindow);
        }
        _checkAllBounds(asset, newParams);
        AssetState state = _writeParams(asset, currentSlot, proposed, _assetStates[asset]);
        _assetStates[asset] = state.withLastUpdateNow();
        emit GuardianTightened(asset, current, newParams);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function addSigner(address signer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _addSigner(signer);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function removeSigner(address signer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 index = _signerIndex[signer];
        if (index == 0) revert SignerNotRegistered(signer);
        Config memory config = _config;
        uint256 remaining = config.signerCount - 1;
        if (remaining < config.quorum) revert InvalidQuorum(config.quorum, remaining);
        _config.signerCount = uint8(remaining);
        _config.signerIndexSet = uint64(config.signerIndexSet & ~(uint256(1) << index));
        delete _signerAt[index];
        delete _signerIndex[signer];
        emit SignerRemoved(signer, index, remaining);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function setQuorum(uint8 quorum_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setQuorum(quorum_);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function setMaxReportAge(uint32 maxReportAge_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxReportAge(maxReportAge_);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function pause() external onlyRole(GUARDIAN_ROLE) {
        if (_config.paused) revert PauseStateUnchanged(true);
        _config.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_config.paused) revert PauseStateUnchanged(false);
        _config.paused = false;
        emit Unpaused(msg.sender);
    }

    // ================================================================ views

    /// @inheritdoc IBoundedRiskUpdater
    function assetRules(address asset) external view returns (AssetRules memory rules) {
        BpsRules bps = _bpsRules[asset];
        rules.ltv = bps.rule(uint256(Param.Ltv));
        rules.liquidationThreshold = bps.rule(uint256(Param.LiquidationThreshold));
        rules.liquidationBonus = bps.rule(uint256(Param.LiquidationBonus));
        rules.closeFactor = bps.rule(uint256(Param.CloseFactor));
        rules.liquidationCap = _capRules[asset];
        rules.liquidationWindow = _windowRules[asset];
        AssetState state = _assetStates[asset];
        rules.riskIncreasingCooldown = state.riskIncreasingCooldown();
        rules.riskReducingCooldown = state.riskReducingCooldown();
    }

    /// @inheritdoc IBoundedRiskUpdater
    function assetState(address asset)
        external
        view
        returns (bool configured, uint64 nonce, uint40 lastUpdateAt, uint40 lastObservedAt, uint40 lastRiskIncreasingAt)
    {
        AssetState state = _assetStates[asset];
        return (
            state.configured(), state.nonce(), state.lastUpdateAt(), state.lastObservedAt(), state.lastRiskIncreasingAt()
        );
    }

    /// @inheritdoc IBoundedRiskUpdater
    function signers() external view returns (address[] memory list) {
        Config memory config = _config;
        list = new address[](config.signerCount);
        uint256 n;
        for (uint256 index = 1; index <= MAX_SIGNERS; ++index) {
            if (config.signerIndexSet & (uint256(1) << index) != 0) {
                list[n] = _signerAt[index];
                ++n;
            }
        }
    }

    /// @inheritdoc IBoundedRiskUpdater
    function signerAt(uint256 index) external view returns (address) {
        return _signerAt[index];
    }

    /// @inheritdoc IBoundedRiskUpdater
    function signerIndex(address signer) external view returns (uint256) {
        return _signerIndex[signer];
    }

    /// @inheritdoc IBoundedRiskUpdater
    function isSigner(address account) external view returns (bool) {
        return _signerIndex[account] != 0;
    }

    /// @inheritdoc IBoundedRiskUpdater
    function quorum() external view returns (uint8) {
        return _config.quorum;
    }

    /// @inheritdoc IBoundedRiskUpdater
    function maxReportAge() external view returns (uint32) {
        return _config.maxReportAge;
    }

    /// @inheritdoc IBoundedRiskUpdater
    function paused() external view returns (bool) {
        return _config.paused;
    }

    // ================================================================ internals

    /// @dev Gives the signer the lowest free index (a bounded scan of at most MAX_SIGNERS bits).
    function _addSigner(address signer) private {
        if (signer == address(0)) revert ZeroAddress();
        if (_signerIndex[signer] != 0) revert SignerAlreadyRegistered(signer);
        Config memory config = _config;
        if (config.signerCount >= MAX_SIGNERS) revert TooManySigners(MAX_SIGNERS);
        uint256 index = 1;
        while (config.signerIndexSet & (uint256(1) << index) != 0) ++index;
        _signerAt[index] = signer;
        _signerIndex[signer] = index;
        _config.signerCount = config.signerCount + 1;
        _config.signerIndexSet = uint64(config.signerIndexSet | (uint256(1) << index));
        emit SignerAdded(signer, index, config.signerCount + 1);
    }

    function _setQuorum(uint8 quorum_) private {
        uint256 count = _config.signerCount;
        if (quorum_ == 0 || quorum_ > count) revert InvalidQuorum(quorum_, count);
        emit QuorumSet(_config.quorum, quorum_);
        _config.quorum = quorum_;
    }

    function _setMaxReportAge(uint32 maxReportAge_) private {
        if (maxReportAge_ == 0 || maxReportAge_ > MAX_REPORT_AGE_LIMIT) revert InvalidMaxReportAge(maxReportAge_);
        emit MaxReportAgeSet(_config.maxReportAge, maxReportAge_);
        _config.maxReportAge = maxReportAge_;
    }

    function _checkBpsRule(Param param, BpsRule calldata rule) private pure {
        // A zero lower bound is refused (IBoundedRiskUpdater.InvalidBounds): every parameter's static
        // invariant needs it positive, so the bounds, not only the invariant, keep a report off zero.
        if (rule.min == 0 || rule.min > rule.max || rule.max > BPS) revert InvalidBounds(param);
        if (rule.maxRiskReducingStep < rule.maxRiskIncreasingStep) revert RiskReducingStepTooSmall(param);
    }

    /// @dev Every field within its bounds (governance and guardian writes; rules changes).
    function _checkAllBounds(address asset, RiskParams memory p) private view {
        BpsRules bps = _bpsRules[asset];
        _checkBpsBounds(asset, Param.Ltv, bps, p.ltvBps);
        _checkBpsBounds(asset, Param.LiquidationThreshold, bps, p.liquidationThresholdBps);
        _checkBpsBounds(asset, Param.LiquidationBonus, bps, p.liquidationBonusBps);
        _checkBpsBounds(asset, Param.CloseFactor, bps, p.closeFactorBps);
        AmountRule memory cap = _capRules[asset];
        if (p.liquidationCapPerWindow < cap.min || p.liquidationCapPerWindow > cap.max) {
            revert ParamOutOfBounds(asset, Param.LiquidationCap, p.liquidationCapPerWindow, cap.min, cap.max);
        }
        AmountRule memory window = _windowRules[asset];
        if (p.liquidationWindow < window.min || p.liquidationWindow > window.max) {
            revert ParamOutOfBounds(asset, Param.LiquidationWindow, p.liquidationWindow, window.min, window.max);
        }
    }

    function _checkBpsBounds(address asset, Param param, BpsRules bps, uint256 value) private pure {
        uint256 min = bps.min(uint256(param));
        uint256 max = bps.max(uint256(param));
        if (value < min || value > max) revert ParamOutOfBounds(asset, param, value, min, max);
    }
}
