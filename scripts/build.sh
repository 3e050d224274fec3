#!/usr/bin/env bash
# Compiles the contracts as a named phase (`hardhat build`, cached: after the first run it takes a few
# seconds). Compiler warnings located in node_modules are not ours and nothing here can act on them
# (OpenZeppelin's notice on its own transient-storage slots), so they are dropped; ours are shown.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/phase.sh
source "$root/scripts/phase.sh"
# `build.sh --no-tests` (the demo) compiles the contracts only: about 35 s the first time, against about
# 2 min with the Solidity tests (npm test).
if [[ " $* " == *" --no-tests "* ]]; then what="the contracts" expected="about 35 s the first time, seconds after"
else what="the contracts and the Solidity tests" expected="about 2 min the first time, seconds after"; fi
PHASE_FILTER=drop_dependency_warnings phase "compiling $what [first run 3/3]" "$expected" hardhat build --quiet "$@"
