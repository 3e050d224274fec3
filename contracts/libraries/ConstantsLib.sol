// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev The constants more than one contract uses, in one place (file-level, as Morpho Blue's
///      ConstantsLib): the compiler inlines them, so sharing them costs no gas.

/// @dev 1.0 in 18-decimal fixed point (health factors, the borrow index, prices).
uint256 constant WAD = 1e18;
/// @dev Basis-point denominator: 10_000 bps = 100%.
uint256 constant BPS = 10_000;
/// @dev One basis point in WAD: a bps figure times this is the same figure in WAD. A literal, because
///      `WAD / BPS` here made the optimizer emit a costlier liquidation (+33 gas, measured).
uint256 constant BPS_TO_WAD = 1e14;

/// @dev The role that may pause, freeze and tighten (AccessControl), the same hash in every contract.
bytes32 constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

/// @dev EIP-712 type strings of the signed reports. Field order is part of the signatures: never
///      reorder. The TypeScript copy is calibrator/rules/eip712.ts, tied by the signature tests.
string constant RISK_PARAMS_TYPE = "RiskParams(uint16 ltvBps,uint16 liquidationThresholdBps,uint16 liquidationBonusBps,"
    "uint16 closeFactorBps,uint96 liquidationCapPerWindow,uint32 liquidationWindow)";
string constant RISK_REPORT_TYPE = "RiskReport(address asset,RiskParams newParams,RiskParams expectedCurrentParams,"
    "uint64 nonce,uint64 observedAt,bytes32 reportHash)";
/// @dev EIP-712 type hashes: the referenced types follow the primary one in alphabetical order.
///      Written as literals so that no report pays to hash the strings at run time (about 1,600 gas
///      each); `test_typeHashesAreTheTypeStrings` (RiskRules.t.sol) holds them equal to the strings.
/// @dev keccak256(RISK_PARAMS_TYPE)
bytes32 constant RISK_PARAMS_TYPEHASH = 0x0506aee7211db6e9767df676e56d4d96c1fb0fad36c844eadf76da48736839f5;
/// @dev keccak256(RISK_REPORT_TYPE ‖ RISK_PARAMS_TYPE)
bytes32 constant RISK_REPORT_TYPEHASH = 0xadc09050ec90c4a9f7b4c2954b6d08ba3d3302f151067fa7d68a55dec1f3e7ba;
/// @dev keccak256("RiskReportBatch(RiskReport[] reports)" ‖ RISK_PARAMS_TYPE ‖ RISK_REPORT_TYPE)
bytes32 constant RISK_REPORT_BATCH_TYPEHASH = 0x63456a5898dda7a2f3413d73563a9a000354d3ce183d7a2227aaa33f640be107;
/// @dev The primary type of a batch (it references both types above).
string constant RISK_REPORT_BATCH_PRIMARY_TYPE = "RiskReportBatch(RiskReport[] reports)";
