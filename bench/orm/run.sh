#!/usr/bin/env bash
# ORM: Manouche against Django 3.2's ORM and a raw libsqlite3 loop, on the
# same SQLite file, same run. Prints each timing and the ratios.
set -eu
build=${1:-build}
db=$(mktemp -d)/bench_orm.sqlite3
trap 'rm -rf "$(dirname "$db")"' EXIT
c=$("$build"/bench/bench_orm "$db")
d=$(/usr/bin/python3 "$(dirname "$0")/django_orm.py" "$db")
echo "$c"; echo "$d"
for op in bulk_create filter_iterate get_pk; do
  o=$(awk -v k="orm_$op" '$1 == k {print $2}' <<<"$c")
  r=$(awk -v k="raw_$op" '$1 == k {print $2}' <<<"$c")
  j=$(awk -v k="django_$op" '$1 == k {print $2}' <<<"$d")
  awk -v op="$op" -v o="$o" -v r="$r" -v j="$j" \
    'BEGIN { printf "%-15s manouche is %.1fx faster than django, %.2fx the time of raw sqlite3\n", op, j / o, o / r }'
done
