#!/usr/bin/env bash
# `npm run lint`: solhint on the contracts and Solidity tests, then the TypeScript type check
# (after a build, which generates the typechain types the TypeScript imports).
set -euo pipefail
solhint --noPoster --disc --max-warnings 0 'contracts/**/*.sol'
solhint --noPoster --disc --max-warnings 0 --config test/solidity/.solhint.json 'test/solidity/**/*.sol'
hardhat build --quiet
tsc --noEmit -p .
echo "lint: solhint and tsc clean"
