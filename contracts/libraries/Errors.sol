// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev Errors more than one contract raises, declared once (each contract's own errors stay in its
///      interface). A custom error declared at file level still appears in the ABI of every contract
///      that can raise it.

/// @notice A required address argument was zero.
error ZeroAddress();
