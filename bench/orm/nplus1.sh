#!/usr/bin/env bash
# The guide's N+1 example (100 products with a category and three tags):
# Manouche and Django 3.2 on the same SQLite file, same run, lazily and with
# select_related/prefetch_related. Prints each timing and the ratios.
#   bench/orm/nplus1.sh [BUILD_DIR]
set -eu
build=${1:-build}
db=$(mktemp -d)/bench_nplus1.sqlite3
trap 'rm -rf "$(dirname "$db")"' EXIT
c=$("$build"/bench/bench_nplus1 "$db")
d=$(/usr/bin/python3 "$(dirname "$0")/django_nplus1.py" "$db")
echo "name seconds_per_pass queries_per_pass"
echo "$c"; echo "$d"
for mode in naive optimized; do
  m=$(awk -v k="manouche_$mode" '$1 == k {print $2}' <<<"$c")
  j=$(awk -v k="django_$mode" '$1 == k {print $2}' <<<"$d")
  awk -v mode="$mode" -v m="$m" -v j="$j" \
    'BEGIN { printf "%-10s manouche %.3f ms, django %.3f ms: manouche is %.1fx faster\n", mode, m * 1000, j * 1000, j / m }'
done
