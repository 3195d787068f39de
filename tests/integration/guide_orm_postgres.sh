#!/usr/bin/env bash
# The guide's ORM examples (docs/examples/guide_*.c) against a real
# PostgreSQL server: the same programs, the same asserted results, each in a
# database of its own. They run on SQLite in memory in the doc examples.
set -eu
build=${MN_BUILD:-build}
. tests/pg.sh
status=0
for e in guide_models guide_querysets guide_orm_patterns; do
  mn_pg_run "$mn_pg_bin/createdb" -h "$mn_pg_dir" -p "$mn_pg_port" -U mn "$e" || exit 1
  if ! out=$(MN_EXAMPLE_DATABASE_URL="postgres://mn@/$e?host=$mn_pg_dir&port=$mn_pg_port" \
             "$build/docs/example_$e" 2>&1); then
    echo "FAIL: example_$e on PostgreSQL" >&2
    echo "$out" | tail -20 >&2
    status=1
  fi
done
exit $status
