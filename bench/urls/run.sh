#!/usr/bin/env bash
# URL resolution with 1,000 patterns: Manouche against Django 3.2, same run.
set -eu
build=${1:-build}
m=$("$build"/bench/bench_urls 2000000)
d=$(/usr/bin/python3 "$(dirname "$0")/django_urls.py" 20000)
echo "$m"; echo "$d"
mr=$(awk '{print $2}' <<<"$m"); dr=$(awk '{print $2}' <<<"$d")
awk -v a="$mr" -v b="$dr" 'BEGIN { printf "ratio manouche/django: %.1fx\n", a / b }'
