#!/usr/bin/env bash
# ORM: Manouche against Django 3.2's ORM and a raw C loop (libsqlite3, libpq)
# on the same database, same run. Prints each timing and the ratios.
#   bench/orm/run.sh [BUILD_DIR] [--pg] [case ...]
# --pg runs the cases on a private PostgreSQL server too (tests/pg.sh).
# Cases: bulk_create filter_iterate select_related get_pk aggregate update_f (default: all).
# BENCH_N sets the number of rows (10000). The shared machine is noisy: the C
# program runs ROUNDS times (3) and each timing is the best of them.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=build
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ] && [ -d "$1" ]; then build=$1; shift; fi
build=$(cd "$build" && pwd)
pg=0
if [ "${1:-}" = --pg ]; then pg=1; shift; fi
ops="${*:-bulk_create filter_iterate select_related get_pk aggregate update_f}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

compare() { # label target
  local c d o r j
  c=$(for _ in $(seq "${ROUNDS:-3}"); do "$build"/bench/bench_orm "$2" $ops; done |
      awk '!($1 in best) || $2 < best[$1] { if (!($1 in best)) order[n++] = $1; best[$1] = $2 }
           END { for (i = 0; i < n; i++) print order[i], best[order[i]] }')
  d=$(/usr/bin/python3 "$root/bench/orm/django_orm.py" "$2" $ops)
  echo "== $1"
  echo "$c"; echo "$d"
  for op in $ops; do
    o=$(awk -v k="orm_$op" '$1 == k {print $2}' <<<"$c")
    r=$(awk -v k="raw_$op" '$1 == k {print $2}' <<<"$c")
    j=$(awk -v k="django_$op" '$1 == k {print $2}' <<<"$d")
    awk -v op="$op" -v o="$o" -v r="$r" -v j="$j" -v l="$1" \
      'BEGIN { printf "%-8s %-15s manouche is %5.1fx faster than django, %.2fx the time of the raw loop\n", l, op, j / o, o / r }'
  done
}

compare sqlite "$tmp/bench_orm.sqlite3"
if [ $pg = 1 ]; then
  cd "$root"
  . tests/pg.sh
  trap 'mn_pg_stop; rm -rf "$tmp"' EXIT
  compare postgres "$MN_TEST_DATABASE_URL"
fi
