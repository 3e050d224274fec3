#!/usr/bin/env bash
# Source this file: `phase LABEL EXPECTED CMD...` runs CMD as one named phase of a first run (install,
# compile) and says what is happening and how long it takes. On a terminal the line counts the
# seconds while CMD runs; in a log (CI) it prints the start and, every 30 s, that it is still running.
# CMD's output is kept and shown only if it fails, or through PHASE_FILTER (a command reading it on
# stdin) when it succeeds, so the tools' chatter does not bury the phase lines.
phase() {
  local label="$1" expected="$2"
  shift 2
  local log start now pid status
  log="$(mktemp)"
  start=$(date +%s)
  "$@" >"$log" 2>&1 &
  pid=$!
  if [ -t 2 ]; then
    while kill -0 "$pid" 2>/dev/null; do
      now=$(date +%s)
      printf '\rbulwark: %s (%s) ... %ds ' "$label" "$expected" "$((now - start))" >&2
      sleep 1
    done
    printf '\r\033[K' >&2
  else
    echo "bulwark: $label ($expected) ..." >&2
    local ticks=0
    while kill -0 "$pid" 2>/dev/null; do
      sleep 1
      ticks=$((ticks + 1))
      if [ $((ticks % 30)) -eq 0 ]; then echo "bulwark: $label: still running, ${ticks}s" >&2; fi
    done
  fi
  status=0
  wait "$pid" || status=$?
  now=$(date +%s)
  if [ "$status" -ne 0 ]; then
    cat "$log" >&2
    echo "bulwark: $label failed after $((now - start))s (exit $status)" >&2
    rm -f "$log"
    return "$status"
  fi
  if [ -n "${PHASE_FILTER:-}" ]; then $PHASE_FILTER <"$log" >&2; else cat "$log" >&2; fi
  echo "bulwark: $label done in $((now - start))s" >&2
  rm -f "$log"
}

# A PHASE_FILTER for the compiler's output: solc prints one paragraph per warning, located by a
# "--> path:line:col" line; the paragraphs located in node_modules are dropped, the rest kept.
drop_dependency_warnings() { awk -v RS= -v ORS='\n\n' '!/--> (\.\/)?node_modules\//'; }
