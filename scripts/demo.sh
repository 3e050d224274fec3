#!/usr/bin/env bash
# `npm run demo [-- flags]`: compile the contracts (not the Solidity tests; cached after the first run),
# then run the demo with its flags.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/build.sh" --no-tests
exec tsx scripts/demo.ts "$@"
