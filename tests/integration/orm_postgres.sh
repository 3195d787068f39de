#!/usr/bin/env bash
# The ORM's test suites against a real PostgreSQL server (each test process
# works in its own schema, so they run in parallel).
set -eu
build=${MN_BUILD:-build}
. tests/pg.sh
status=0
for t in test_orm_field test_orm_model test_orm_query test_orm_collector test_orm_related test_orm_related_template; do
  out=$("$build"/tests/$t --jobs=2 2>&1) || status=1
  grep -a -E '\[(FAIL|----)\]|Synthesis' <<<"$out" | grep -v NOTICE || true
  grep -q 'Failing: 0 | Crashing: 0' <<<"$out" || status=1
done
exit $status
