#!/usr/bin/env bash
# Entry point of every npm script: make sure Node >= 22.13 and the dependencies are there, then run
# the given command. The first run installs (a local Node if needed, then `npm install`); later runs
# skip the install while package.json and package-lock.json are unchanged, so they start in seconds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/node-env.sh
source "$root/scripts/node-env.sh"

stamp_file="$root/node_modules/.bulwark-install-stamp"
want_stamp="$(node -v) $(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp_file" ] || [ "$(cat "$stamp_file")" != "$want_stamp" ]; then
  echo "bulwark: installing dependencies (npm install) ..." >&2
  lock_before="$(sha256sum package-lock.json 2>/dev/null || true)"
  npm install --no-audit --no-fund --loglevel=error >&2
  if [ -n "$lock_before" ] && [ "$lock_before" != "$(sha256sum package-lock.json)" ] && [ "${CI:-}" = "true" ]; then
    echo "bulwark: npm install changed package-lock.json on CI; commit the updated lockfile" >&2
    git --no-pager diff --stat -- package-lock.json >&2 || true
    exit 1
  fi
  # Recompute: npm install may have rewritten the lockfile.
  echo "$(node -v) $(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)" > "$stamp_file"
fi
exec "$@"
