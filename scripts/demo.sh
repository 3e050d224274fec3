#!/usr/bin/env bash
# `npm run demo [-- flags]`: compile (cached after the first run), then run the demo with its flags.
set -euo pipefail
hardhat build --quiet
exec tsx scripts/demo.ts "$@"
