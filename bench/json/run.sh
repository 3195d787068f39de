#!/usr/bin/env bash
# Writing a 1,000-item list of maps as JSON: Manouche against DRF's
# JSONRenderer (Python), same data, same run.
set -eu
build=${1:-build}
m=$("$build"/bench/bench_json 2000)
d=$(/usr/bin/python3 "$(dirname "$0")/drf_json.py" 100)
echo "$m"; echo "$d"
mr=$(awk '{print $2}' <<<"$m"); dr=$(awk '{print $2}' <<<"$d")
awk -v a="$mr" -v b="$dr" 'BEGIN { printf "ratio manouche/drf: %.1fx\n", a / b }'
