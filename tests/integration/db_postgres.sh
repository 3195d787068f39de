#!/usr/bin/env bash
# The database layer's test suite against a real PostgreSQL server.
set -eu
build=${MN_BUILD:-build}
. tests/pg.sh
# One job: the tests share the database.
"$build"/tests/test_db_db --jobs=1
