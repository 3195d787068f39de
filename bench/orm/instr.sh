#!/usr/bin/env bash
# Instructions of each case's loop alone, Manouche and raw, under callgrind
# (exact where wall clocks are noisy): a run with the case minus a run
# without its loop (BENCH_REPS=0 for the averaged cases, no case for get_pk).
#   bench/orm/instr.sh [BUILD_DIR] [case ...]   (SQLite only)
set -eu
build=build
if [ $# -gt 0 ] && [ -d "$1" ]; then build=$1; shift; fi
ops="${*:-filter_iterate select_related get_pk aggregate update_f}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ir() { # side reps case
  rm -f "$tmp"/db*
  env "BENCH_$1_ONLY=1" BENCH_REPS="$2" BENCH_NO_1COL=1 valgrind --tool=callgrind \
    --callgrind-out-file="$tmp/cg.out" "$build/bench/bench_orm" "$tmp/db.sqlite3" "$3" >/dev/null 2>&1
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
