#!/usr/bin/env bash
# Writing and parsing a 1,000-item list of maps as JSON: Manouche against
# DRF's JSONRenderer and json.loads (Python), same data, same run.
set -eu
build=${1:-build}
m=$("$build"/bench/bench_json 2000)
d=$(/usr/bin/python3 "$(dirname "$0")/drf_json.py" 100)
echo "$m"; echo "$d"
for op in write parse; do
  mr=$(awk -v op=$op '$2 == op {print $3}' <<<"$m"); dr=$(awk -v op=$op '$2 == op {print $3}' <<<"$d")
  awk -v a="$mr" -v b="$dr" -v op=$op 'BEGIN { printf "%s ratio manouche/django: %.1fx\n", op, a / b }'
done
