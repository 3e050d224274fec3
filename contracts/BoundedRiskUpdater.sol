// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IBoundedRiskUpdater} from "./interfaces/IBoundedRiskUpdater.sol";
import {IPriceOracle} from "./interfaces/IPriceOracle.sol";
import {IRiskParameterRegistry} from "./interfaces/IRiskParameterRegistry.sol";
import {RiskParamsLib} from "./libraries/RiskParamsLib.sol";
import {
    AmountRule, AssetRules, BPS, BpsRule, Param, RiskParams, RiskReport, Signature
} from "./libraries/RiskTypes.sol";

/// @title BoundedRiskUpdater
/// @notice Lets calibrated risk parameters into the registry only within governance-set bounds:
///         per-parameter min/max, asymmetric max steps (risk-reducing moves may be larger), cooldowns
///         (shorter for risk-reducing reports), report freshness and ordering, a per-asset nonce,
///         compare-and-swap on the live values, a fresh price feed, and a quorum of EIP-712 signers.
/// @dev Roles: DEFAULT_ADMIN_ROLE is governance (a TimelockController); GUARDIAN_ROLE pauses and tightens.
///      The rule order in `_validate` is mirrored by calibrator/rules/riskRules.ts (differential test).
contract BoundedRiskUpdater is IBoundedRiskUpdater, AccessControl, EIP712 {
    using RiskParamsLib for RiskParams;

    /// @notice Role allowed to pause report submission and to tighten parameters at once.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Most calibrator signers (and signatures per submission).
    uint256 public constant MAX_SIGNERS = 32;
    /// @notice Most reports in one batch.
    uint256 public constant MAX_BATCH = 64;
    /// @notice Longest cooldown governance may set.
    uint32 public constant MAX_COOLDOWN = 90 days;
    /// @notice Largest `maxReportAge` governance may set.
    uint32 public constant MAX_REPORT_AGE_LIMIT = 7 days;

    bytes32 private constant PARAMS_TYPE_STRING_HASH = keccak256(
        "RiskParams(uint16 ltvBps,uint16 liquidationThresholdBps,uint16 liquidationBonusBps,uint16 closeFactorBps,uint96 liquidationCapPerWindow,uint32 liquidationWindow)"
    );
    bytes32 private constant REPORT_TYPEHASH = keccak256(
        "RiskReport(address asset,RiskParams newParams,RiskParams expectedCurrentParams,uint64 nonce,uint64 observedAt,bytes32 reportHash)RiskParams(uint16 ltvBps,uint16 liquidationThresholdBps,uint16 liquidationBonusBps,uint16 closeFactorBps,uint96 liquidationCapPerWindow,uint32 liquidationWindow)"
    );
    bytes32 private constant BATCH_TYPEHASH = keccak256(
        "RiskReportBatch(RiskReport[] reports)RiskParams(uint16 ltvBps,uint16 liquidationThresholdBps,uint16 liquidationBonusBps,uint16 closeFactorBps,uint96 liquidationCapPerWindow,uint32 liquidationWindow)RiskReport(address asset,RiskParams newParams,RiskParams expectedCurrentParams,uint64 nonce,uint64 observedAt,bytes32 reportHash)"
    );

    /// @notice The registry this updater writes.
    IRiskParameterRegistry public immutable registry;
    /// @notice The oracle whose feed health gates every report.
    IPriceOracle public immutable oracle;

    /// @dev Report bookkeeping and cooldowns, read and written together (one slot).
    struct AssetState {
        uint64 nonce;
        uint40 lastUpdateAt;
        uint40 lastObservedAt;
        uint32 riskIncreasingCooldown;
        uint32 riskReducingCooldown;
        bool configured;
    }

    struct Config {
        uint8 quorum;
        bool paused;
        uint32 maxReportAge;
    }

    /// @dev The four bps rules packed in one slot: rule i (Param order) at bits [64i, 64i+64) as
    ///      min | max << 16 | maxRiskIncreasingStep << 32 | maxRiskReducingStep << 48.
    mapping(address asset => uint256) private _bpsRules;
    /// @dev Cap and window rules are only read when a report changes those fields.
    mapping(address asset => AmountRule) private _capRules;
    mapping(address asset => AmountRule) private _windowRules;
    mapping(address asset => AssetState) private _states;
    Config private _config;
    address[] private _signers;
    mapping(address signer => uint256) private _signerPosition; // index + 1; 0 = not a signer

    /// @param governance The timelock (DEFAULT_ADMIN_ROLE).
    /// @param guardian The guardian (may be zero and granted later).
    /// @param registry_ The registry; this contract must hold its UPDATER_ROLE.
    /// @param oracle_ The price oracle gating reports on feed health.
    /// @param initialSigners Calibrator signers to register.
    /// @param quorum_ Distinct signers a report needs (1 ..= initialSigners.length).
    /// @param maxReportAge_ Max seconds between a report's observation and its landing.
    constructor(
        address governance,
        address guardian,
        IRiskParameterRegistry registry_,
        IPriceOracle oracle_,
        address[] memory initialSigners,
        uint8 quorum_,
        uint32 maxReportAge_
    ) EIP712("Bulwark BoundedRiskUpdater", "1") {
        if (governance == address(0) || address(registry_) == address(0) || address(oracle_) == address(0)) {
            revert ZeroAddress();
        }
        registry = registry_;
        oracle = oracle_;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
        for (uint256 i = 0; i < initialSigners.length; ++i) {
            _addSigner(initialSigners[i]);
        }
        _setQuorum(quorum_);
        _setMaxReportAge(maxReportAge_);
    }

    // ================================================================ report path

    /// @inheritdoc IBoundedRiskUpdater
    function submitReport(RiskReport calldata report, Signature[] calldata signatures) external {
        Config memory config = _config;
        if (config.paused) revert UpdaterPaused();
        address[] memory reportSigners =
            _verifySignatures(_hashTypedDataV4(_reportStructHash(report)), signatures, config.quorum);
        _apply(report, reportSigners, config.maxReportAge);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function submitReports(RiskReport[] calldata reports, Signature[] calldata signatures) external {
        Config memory config = _config;
        if (config.paused) revert UpdaterPaused();
        address[] memory reportSigners =
            _verifySignatures(_batchDigest(reports), signatures, config.quorum);
        for (uint256 i = 0; i < reports.length; ++i) {
            _apply(reports[i], reportSigners, config.maxReportAge);
        }
    }

    /// @inheritdoc IBoundedRiskUpdater
    function previewReport(RiskReport calldata report) external view {
        Config memory config = _config;
        if (config.paused) revert UpdaterPaused();
        _validate(report, _states[report.asset], config.maxReportAge);
        registry.checkParams(report.asset, report.newParams);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function reportDigest(RiskReport calldata report) external view returns (bytes32) {
        return _hashTypedDataV4(_reportStructHash(report));
    }

    /// @inheritdoc IBoundedRiskUpdater
    function batchDigest(RiskReport[] calldata reports) external view returns (bytes32) {
        return _batchDigest(reports);
    }

    /// @dev Checks, then effects (bookkeeping, event), then the registry write, which enforces the
    ///      static invariants and reverts the whole transaction if they fail.
    function _apply(RiskReport calldata report, address[] memory reportSigners, uint32 reportAgeLimit) private {
        AssetState memory state = _states[report.asset];
        RiskParams memory current = _validate(report, state, reportAgeLimit);
        state.nonce += 1;
        state.lastUpdateAt = uint40(block.timestamp);
        state.lastObservedAt = uint40(report.observedAt);
        _states[report.asset] = state;
        emit ReportAccepted(
            report.asset, report.nonce, report.reportHash, report.observedAt, current, report.newParams, reportSigners
        );
        registry.setParams(report.asset, report.newParams, IRiskParameterRegistry.WriteSource.Report);
    }

    /// @dev Every report rule except signatures and the registry's static invariants, in a fixed order:
    ///      configured, nonce, freshness, compare-and-swap, change, per-field bounds and steps (Param
    ///      order), cooldown, feed health.
    function _validate(RiskReport calldata report, AssetState memory state, uint32 reportAgeLimit)
        private
        view
        returns (RiskParams memory current)
    {
        address asset = report.asset;
        if (!state.configured) revert AssetNotConfigured(asset);
        if (report.nonce != state.nonce) revert InvalidNonce(asset, state.nonce, report.nonce);
        uint64 observedAt = report.observedAt;
        if (observedAt > block.timestamp) revert ReportFromFuture(asset, observedAt);
        if (block.timestamp - observedAt > reportAgeLimit) revert ReportTooOld(asset, observedAt, reportAgeLimit);
        if (observedAt <= state.lastObservedAt) revert ReportNotNewer(asset, observedAt, state.lastObservedAt);

        current = registry.storedParams(asset);
        RiskParams memory proposed = report.newParams;
        RiskParams memory expected = report.expectedCurrentParams;
        if (!current.equals(expected)) revert StaleCurrentParams(asset);
        if (proposed.equals(current)) revert NoChange(asset);

        uint256 bpsRules = _bpsRules[asset];
        bool riskIncreasing = _checkBpsStep(asset, Param.Ltv, bpsRules, current.ltvBps, proposed.ltvBps);
        if (_checkBpsStep(
                asset,
                Param.LiquidationThreshold,
                bpsRules,
                current.liquidationThresholdBps,
                proposed.liquidationThresholdBps
            )) riskIncreasing = true;
        if (_checkBpsStep(
                asset, Param.LiquidationBonus, bpsRules, current.liquidationBonusBps, proposed.liquidationBonusBps
            )) riskIncreasing = true;
        if (_checkBpsStep(asset, Param.CloseFactor, bpsRules, current.closeFactorBps, proposed.closeFactorBps)) {
            riskIncreasing = true;
        }
        if (_checkAmountStep(
                asset,
                Param.LiquidationCap,
                _capRules[asset],
                current.liquidationCapPerWindow,
                proposed.liquidationCapPerWindow
            )) riskIncreasing = true;
        if (_checkAmountStep(
                asset,
                Param.LiquidationWindow,
                _windowRules[asset],
                current.liquidationWindow,
                proposed.liquidationWindow
            )) riskIncreasing = true;

        uint256 readyAt = uint256(state.lastUpdateAt)
            + (riskIncreasing ? state.riskIncreasingCooldown : state.riskReducingCooldown);
        if (block.timestamp < readyAt) revert CooldownActive(asset, readyAt);

        oracle.getPrice(asset); // reverts with the oracle's own error while the feed is unhealthy
    }

    /// @dev Bounds and step of one changed bps field; returns whether the move is risk-increasing
    ///      (up for LTV and threshold, down for bonus and close factor). Unchanged fields pass.
    function _checkBpsStep(address asset, Param param, uint256 packedRules, uint256 from, uint256 to)
        private
        pure
        returns (bool riskIncreasing)
    {
        if (from == to) return false;
        BpsRule memory rule = _unpackBpsRule(packedRules, param);
        if (to < rule.min || to > rule.max) revert ParamOutOfBounds(asset, param, to, rule.min, rule.max);
        bool up = to > from;
        riskIncreasing = up == (param == Param.Ltv || param == Param.LiquidationThreshold);
        uint256 step = up ? to - from : from - to;
        uint256 maxStep = riskIncreasing ? rule.maxRiskIncreasingStep : rule.maxRiskReducingStep;
        if (step > maxStep) revert StepTooLarge(asset, param, from, to, maxStep);
    }

    /// @dev Bounds and relative step of a changed cap or window. These are symmetric: any change
    ///      counts as risk-increasing for the cooldown (the slower clock).
    ///      The rule is passed by storage reference so its slot is only read for a changed field.
    function _checkAmountStep(address asset, Param param, AmountRule storage ruleRef, uint256 from, uint256 to)
        private
        pure
        returns (bool changed)
    {
        if (from == to) return false;
        AmountRule memory rule = ruleRef;
        if (to < rule.min || to > rule.max) revert ParamOutOfBounds(asset, param, to, rule.min, rule.max);
        uint256 step = to > from ? to - from : from - to;
        if (step * BPS > from * rule.maxStepBps) {
            revert StepTooLarge(asset, param, from, to, (from * rule.maxStepBps) / BPS);
        }
        return true;
    }

    function _verifySignatures(bytes32 digest, Signature[] calldata signatures, uint256 quorum_)
        private
        view
        returns (address[] memory recovered)
    {
        uint256 count = signatures.length;
        if (count < quorum_) revert InsufficientSignatures(count, quorum_);
        if (count > MAX_SIGNERS) revert TooManySignatures(count, MAX_SIGNERS);
        recovered = new address[](count);
        uint256 seen; // bitmap of signer positions: duplicates are found without sorting
        for (uint256 i = 0; i < count; ++i) {
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signatures[i].r, signatures[i].vs);
            if (err != ECDSA.RecoverError.NoError) revert InvalidSignature(i);
            uint256 position = _signerPosition[signer];
            if (position == 0) revert UnknownSigner(signer);
            uint256 bit = 1 << position;
            if (seen & bit != 0) revert DuplicateSigner(signer);
            seen |= bit;
            recovered[i] = signer;
        }
    }

    function _batchDigest(RiskReport[] calldata reports) private view returns (bytes32) {
        uint256 n = reports.length;
        if (n == 0) revert EmptyBatch();
        if (n > MAX_BATCH) revert BatchTooLarge(n, MAX_BATCH);
        bytes32[] memory hashes = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            hashes[i] = _reportStructHash(reports[i]);
        }
        return _hashTypedDataV4(keccak256(abi.encode(BATCH_TYPEHASH, keccak256(abi.encodePacked(hashes)))));
    }

    function _reportStructHash(RiskReport calldata r) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                REPORT_TYPEHASH,
                r.asset,
                _paramsStructHash(r.newParams),
                _paramsStructHash(r.expectedCurrentParams),
                r.nonce,
                r.observedAt,
                r.reportHash
            )
        );
    }

    function _paramsStructHash(RiskParams calldata p) private pure returns (bytes32) {
        return keccak256(abi.encode(PARAMS_TYPE_STRING_HASH, p));
    }

    // ================================================================ governance and guardian

    /// @inheritdoc IBoundedRiskUpdater
    function setAssetRules(address asset, AssetRules calldata rules) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (asset == address(0)) revert ZeroAddress();
        _checkBpsRule(Param.Ltv, rules.ltv);
        _checkBpsRule(Param.LiquidationThreshold, rules.liquidationThreshold);
        _checkBpsRule(Param.LiquidationBonus, rules.liquidationBonus);
        _checkBpsRule(Param.CloseFactor, rules.closeFactor);
        if (rules.liquidationCap.min > rules.liquidationCap.max) revert InvalidBounds(Param.LiquidationCap);
        if (rules.liquidationWindow.min > rules.liquidationWindow.max || rules.liquidationWindow.max > type(uint32).max)
        {
            revert InvalidBounds(Param.LiquidationWindow);
        }
        if (rules.riskIncreasingCooldown > MAX_COOLDOWN) {
            revert CooldownTooLong(rules.riskIncreasingCooldown, MAX_COOLDOWN);
        }
        if (rules.riskReducingCooldown > rules.riskIncreasingCooldown) {
            revert RiskReducingCooldownTooLong(rules.riskReducingCooldown, rules.riskIncreasingCooldown);
        }

        _bpsRules[asset] = _packBpsRule(rules.ltv, Param.Ltv)
            | _packBpsRule(rules.liquidationThreshold, Param.LiquidationThreshold)
            | _packBpsRule(rules.liquidationBonus, Param.LiquidationBonus)
            | _packBpsRule(rules.closeFactor, Param.CloseFactor);
        _capRules[asset] = rules.liquidationCap;
        _windowRules[asset] = rules.liquidationWindow;
        AssetState storage state = _states[asset];
        state.riskIncreasingCooldown = rules.riskIncreasingCooldown;
        state.riskReducingCooldown = rules.riskReducingCooldown;
        state.configured = true;
        emit AssetRulesSet(asset, rules);

        // Bounds may only tighten around the live values: set the parameters first, then the bounds.
        if (registry.isListed(asset)) _checkAllBounds(asset, registry.storedParams(asset));
    }

    /// @inheritdoc IBoundedRiskUpdater
    function governanceSetParams(address asset, RiskParams calldata newParams) external onlyRole(DEFAULT_ADMIN_ROLE) {
        AssetState storage state = _states[asset];
        if (!state.configured) revert AssetNotConfigured(asset);
        RiskParams memory old;
        if (registry.isListed(asset)) old = registry.storedParams(asset);
        _checkAllBounds(asset, newParams);
        state.lastUpdateAt = uint40(block.timestamp);
        emit GovernanceParamsSet(asset, old, newParams);
        registry.setParams(asset, newParams, IRiskParameterRegistry.WriteSource.Governance);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function guardianTighten(address asset, RiskParams calldata newParams) external onlyRole(GUARDIAN_ROLE) {
        RiskParams memory current = registry.storedParams(asset);
        RiskParams memory proposed = newParams;
        if (proposed.equals(current)) revert NoChange(asset);
        if (proposed.ltvBps > current.ltvBps) revert NotTightening(asset, Param.Ltv);
        if (proposed.liquidationThresholdBps > current.liquidationThresholdBps) {
            revert NotTightening(asset, Param.LiquidationThreshold);
        }
        if (proposed.liquidationBonusBps < current.liquidationBonusBps) {
            revert NotTightening(asset, Param.LiquidationBonus);
        }
        if (proposed.closeFactorBps < current.closeFactorBps) revert NotTightening(asset, Param.CloseFactor);
        if (proposed.liquidationCapPerWindow != current.liquidationCapPerWindow) {
            revert NotTightening(asset, Param.LiquidationCap);
        }
        if (proposed.liquidationWindow != current.liquidationWindow) {
            revert NotTightening(asset, Param.LiquidationWindow);
        }
        _checkAllBounds(asset, proposed);
        _states[asset].lastUpdateAt = uint40(block.timestamp);
        emit GuardianTightened(asset, current, proposed);
        registry.setParams(asset, newParams, IRiskParameterRegistry.WriteSource.Guardian);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function addSigner(address signer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _addSigner(signer);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function removeSigner(address signer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 position = _signerPosition[signer];
        if (position == 0) revert SignerNotRegistered(signer);
        uint256 remaining = _signers.length - 1;
        if (remaining < _config.quorum) revert InvalidQuorum(_config.quorum, remaining);
        address last = _signers[remaining];
        _signers[position - 1] = last;
        _signerPosition[last] = position;
        _signers.pop();
        delete _signerPosition[signer];
        emit SignerRemoved(signer, remaining);
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
        uint256 packed = _bpsRules[asset];
        rules.ltv = _unpackBpsRule(packed, Param.Ltv);
        rules.liquidationThreshold = _unpackBpsRule(packed, Param.LiquidationThreshold);
        rules.liquidationBonus = _unpackBpsRule(packed, Param.LiquidationBonus);
        rules.closeFactor = _unpackBpsRule(packed, Param.CloseFactor);
        rules.liquidationCap = _capRules[asset];
        rules.liquidationWindow = _windowRules[asset];
        AssetState memory state = _states[asset];
        rules.riskIncreasingCooldown = state.riskIncreasingCooldown;
        rules.riskReducingCooldown = state.riskReducingCooldown;
    }

    /// @inheritdoc IBoundedRiskUpdater
    function assetState(address asset)
        external
        view
        returns (bool configured, uint64 nonce, uint40 lastUpdateAt, uint40 lastObservedAt)
    {
        AssetState memory state = _states[asset];
        return (state.configured, state.nonce, state.lastUpdateAt, state.lastObservedAt);
    }

    /// @inheritdoc IBoundedRiskUpdater
    function signers() external view returns (address[] memory) {
        return _signers;
    }

    /// @inheritdoc IBoundedRiskUpdater
    function isSigner(address account) external view returns (bool) {
        return _signerPosition[account] != 0;
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

    function _addSigner(address signer) private {
        if (signer == address(0)) revert ZeroAddress();
        if (_signerPosition[signer] != 0) revert SignerAlreadyRegistered(signer);
        if (_signers.length >= MAX_SIGNERS) revert TooManySigners(MAX_SIGNERS);
        _signers.push(signer);
        _signerPosition[signer] = _signers.length;
        emit SignerAdded(signer, _signers.length);
    }

    function _setQuorum(uint8 quorum_) private {
        if (quorum_ == 0 || quorum_ > _signers.length) revert InvalidQuorum(quorum_, _signers.length);
        emit QuorumSet(_config.quorum, quorum_);
        _config.quorum = quorum_;
    }

    function _setMaxReportAge(uint32 maxReportAge_) private {
        if (maxReportAge_ == 0 || maxReportAge_ > MAX_REPORT_AGE_LIMIT) revert InvalidMaxReportAge(maxReportAge_);
        emit MaxReportAgeSet(_config.maxReportAge, maxReportAge_);
        _config.maxReportAge = maxReportAge_;
    }

    function _checkBpsRule(Param param, BpsRule calldata rule) private pure {
        if (rule.min > rule.max || rule.max > BPS) revert InvalidBounds(param);
        if (rule.maxRiskReducingStep < rule.maxRiskIncreasingStep) revert RiskReducingStepTooSmall(param);
    }

    /// @dev Every field within its bounds (governance and guardian writes; rules changes).
    function _checkAllBounds(address asset, RiskParams memory p) private view {
        uint256 packed = _bpsRules[asset];
        _checkBpsBounds(asset, Param.Ltv, packed, p.ltvBps);
        _checkBpsBounds(asset, Param.LiquidationThreshold, packed, p.liquidationThresholdBps);
        _checkBpsBounds(asset, Param.LiquidationBonus, packed, p.liquidationBonusBps);
        _checkBpsBounds(asset, Param.CloseFactor, packed, p.closeFactorBps);
        AmountRule memory cap = _capRules[asset];
        if (p.liquidationCapPerWindow < cap.min || p.liquidationCapPerWindow > cap.max) {
            revert ParamOutOfBounds(asset, Param.LiquidationCap, p.liquidationCapPerWindow, cap.min, cap.max);
        }
        AmountRule memory window = _windowRules[asset];
        if (p.liquidationWindow < window.min || p.liquidationWindow > window.max) {
            revert ParamOutOfBounds(asset, Param.LiquidationWindow, p.liquidationWindow, window.min, window.max);
        }
    }

    function _checkBpsBounds(address asset, Param param, uint256 packed, uint256 value) private pure {
        BpsRule memory rule = _unpackBpsRule(packed, param);
        if (value < rule.min || value > rule.max) revert ParamOutOfBounds(asset, param, value, rule.min, rule.max);
    }

    function _packBpsRule(BpsRule calldata rule, Param param) private pure returns (uint256) {
        uint256 word = uint256(rule.min) | (uint256(rule.max) << 16) | (uint256(rule.maxRiskIncreasingStep) << 32)
            | (uint256(rule.maxRiskReducingStep) << 48);
        return word << (64 * uint256(param));
    }

    function _unpackBpsRule(uint256 packed, Param param) private pure returns (BpsRule memory) {
        uint256 word = packed >> (64 * uint256(param));
        return BpsRule(uint16(word), uint16(word >> 16), uint16(word >> 32), uint16(word >> 48));
    }
}
