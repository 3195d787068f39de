#!/usr/bin/env bash
# Instructions of each case's loop alone, Manouche and raw, under callgrind
# (exact where wall clocks are noisy; on PostgreSQL the client's side only):
# a run with the case minus a run without its loop (BENCH_REPS=0 for the
# averaged cases, no case for get_pk).
#   bench/orm/instr.sh [BUILD_DIR] [--pg] [case ...]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=build
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ] && [ -d "$1" ]; then build=$1; shift; fi
build=$(cd "$build" && pwd)
pg=0
if [ "${1:-}" = --pg ]; then pg=1; shift; fi
ops="${*:-filter_iterate select_related get_pk aggregate update_f}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
target="$tmp/db.sqlite3"
if [ $pg = 1 ]; then
  cd "$root"
  . tests/pg.sh
  trap 'mn_pg_stop; rm -rf "$tmp"' EXIT
  target=$MN_TEST_DATABASE_URL
fi
# 10,000 products keep callgrind quick; the ratios are per row.
export BENCH_N=${BENCH_N:-10000}
ir() { # side reps case
  rm -f "$tmp"/db*
  env "BENCH_$1_ONLY=1" BENCH_REPS="$2" BENCH_NO_1COL=1 valgrind --tool=callgrind \
    --callgrind-out-file="$tmp/cg.out" "$build/bench/bench_orm" "$target" "$3" >/dev/null 2>&1
  awk '/^totals:/ {print $2}' "$tmp/cg.out"
}
for op in $ops; do
  for side in ORM RAW; do
    if [ "$op" = get_pk ]; then
      a=$(ir $side 1 get_pk); b=$(ir $side 1 nothing)
    else
      a=$(ir $side 10 "$op"); b=$(ir $side 0 "$op")
    fi
    eval "$side=$((a - b))"
  done
  awk -v op="$op" -v o="$ORM" -v r="$RAW" \
    'BEGIN { printf "%-15s %8.1fM / %8.1fM = %.2fx\n", op, o / 1e6, r / 1e6, o / r }'
done
