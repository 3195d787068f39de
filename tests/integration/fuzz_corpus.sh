#!/usr/bin/env bash
# Replays every fuzz target's regression corpus (fuzz/corpus/<name>/).
set -eu
build=${MN_BUILD:-build}
status=0
for exe in "$build"/fuzz/fuzzrun_*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=${exe##*/fuzzrun_}
  corpus=fuzz/corpus/$name
  if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    echo "fuzz target $name has no corpus in $corpus" >&2
    status=1
    continue
  fi
  "$exe" "$corpus" || status=1
done
exit $status
