#!/usr/bin/env bash
# Runs every test of a build directory and ends with "N passed, N failed".
#   tests/run.sh [BUILD_DIR] [--label NAME]
# Unit tests are Criterion executables (tests/test_*); doc examples
# (docs/example_*) and integration scripts (tests/integration/*.sh) count one
# test each: passing means exit status 0.
set -u
build=${1:-build}
label=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
passed=0
failed=0
failures=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_criterion() {
  local exe=$1 name
  name=$(basename "$exe")
  if timeout 600 "$exe" --jobs=2 >"$log" 2>&1; then :; fi
  local line
  line=$(grep -a 'Synthesis:' "$log" | tail -1)
  if [ -z "$line" ]; then
    failed=$((failed + 1)); failures+=("$name (did not finish)")
    tail -30 "$log"
    return
  fi
  local tested passing
  tested=$(sed -E 's/.*Tested: ([0-9]+).*/\1/' <<<"$line")
  passing=$(sed -E 's/.*Passing: ([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + passing))
  if [ "$tested" != "$passing" ]; then
    failed=$((failed + tested - passing)); failures+=("$name")
    grep -a -E '\[(FAIL|----)\]|ERROR|runtime error|Sanitizer' "$log" | head -40
  fi
  printf '  %-32s %s/%s\n' "$name" "$passing" "$tested"
}

run_one() {
  local name=$1; shift
  if (cd "$root" && timeout 600 "$@") >"$log" 2>&1; then
    passed=$((passed + 1))
    printf '  %-32s ok\n' "$name"
  else
    failed=$((failed + 1)); failures+=("$name")
    printf '  %-32s FAILED\n' "$name"
    tail -30 "$log"
  fi
}

echo "== unit tests${label:+ ($label)}"
for exe in "$build"/tests/test_*; do
  [ -x "$exe" ] && [ -f "$exe" ] && run_criterion "$exe"
done
echo "== documentation examples${label:+ ($label)}"
for exe in "$build"/docs/example_*; do
  [ -x "$exe" ] && [ -f "$exe" ] && run_one "$(basename "$exe")" "$exe"
done
echo "== integration tests${label:+ ($label)}"
for script in "$root"/tests/integration/*.sh; do
  [ -f "$script" ] && run_one "$(basename "$script")" env MN_BUILD="$build" bash "$script"
done

if [ ${#failures[@]} -gt 0 ]; then
  echo "failed: ${failures[*]}"
fi
echo "${label:+$label: }$passed passed, $failed failed"
[ "$failed" = 0 ]
