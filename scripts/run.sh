#!/usr/bin/env bash
# Entry point of every npm script: make sure Node >= 22.13 and the dependencies are there, then run
# the given command. The first run installs (a local Node if needed, then `npm ci`); later runs
# skip the install while package.json and package-lock.json are unchanged, so they start in seconds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/node-env.sh
source "$root/scripts/node-env.sh"

stamp_file="$root/node_modules/.bulwark-install-stamp"
want_stamp="$(node -v) $(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp_file" ] || [ "$(cat "$stamp_file")" != "$want_stamp" ]; then
  # npm ci installs exactly the committed lockfile and refuses one that disagrees with package.json,
  # so CI and a fresh clone get the same tree; the lockfile lists every platform's optional packages.
  # shellcheck source=scripts/phase.sh
  source "$root/scripts/phase.sh"
  if [ -f package-lock.json ]; then
    phase "installing the dependencies with npm ci [first run 2/3]" "about 40 s" npm ci --no-audit --no-fund --loglevel=error
  else
    phase "installing the dependencies with npm install [first run 2/3]" "about a minute" npm install --no-audit --no-fund --loglevel=error
  fi
  # Recompute: npm install may have rewritten the lockfile.
  echo "$(node -v) $(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)" > "$stamp_file"
fi
exec "$@"
