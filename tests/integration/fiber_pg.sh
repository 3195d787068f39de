#!/usr/bin/env bash
# Views on fibers sharing one pipelined PostgreSQL connection per thread
# (tests/pg.sh starts a private server). One worker with one thread, many
# concurrent clients (fiber_pg_check.py):
#  - examples/tfb: /db, /queries, /fortunes answers match the tables; every
#    /updates change is persisted;
#  - tests/db/fiber_pg_server: transactions (mn_db_atomic and raw BEGIN)
#    that commit or roll back, one left open by its view, and failing
#    queries, all interleaved: each request sees only its own transaction,
#    on_commit callbacks and errors, over one connection;
#  - the backend of the shared connection killed under load: waiting
#    requests fail with a clear error, none hangs, the connection reopens;
#  - pipelined HTTP requests whose views wait are answered in order, and a
#    SIGTERM lets a waiting view finish;
#  - the same tfb checks with DATABASE_PIPELINE=false (synchronous queries).
set -eu
build=${MN_BUILD:-build}
manage="$build/examples/tfb/manage"
server="$build/tests/fiber_pg_server"
. tests/pg.sh
. tests/ports.sh
tmp=$(mktemp -d /tmp/mn-fiber-pg.XXXXXX)
pid=""
stop() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  pid=""
}
trap 'stop; rm -rf "$tmp"; mn_pg_stop' EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$tmp/server.log" ] && { echo "--- server log:" >&2; tail -50 "$tmp/server.log" >&2; }; exit 1; }
sanitizer_clean() {
  if grep -qE 'Sanitizer|runtime error:' "$tmp/server.log" 2>/dev/null; then
    fail "$1: sanitizer report"
  fi
}
wait_up() { # wait_up PORT PATH
  for _ in $(seq 1 150); do
    curl -s -o /dev/null "http://127.0.0.1:$1$2" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || fail "server exited"
    sleep 0.1
  done
  fail "server did not start"
}

export DATABASE_URL=$MN_TEST_DATABASE_URL
"$manage" tfb_seed --no-color >"$tmp/seed.log" 2>&1 || { cat "$tmp/seed.log" >&2; fail "tfb_seed"; }

for pipeline in true false; do
  port=$(free_port)
  DATABASE_PIPELINE=$pipeline "$manage" runserver "127.0.0.1:$port" --workers 1 --threads 1 --no-access-log \
    >"$tmp/server.log" 2>&1 &
  pid=$!
  wait_up "$port" /plaintext
  /usr/bin/python3 tests/integration/fiber_pg_check.py tfb "http://127.0.0.1:$port" "$DATABASE_URL" "$mn_pg_bin" ||
    fail "tfb checks (DATABASE_PIPELINE=$pipeline)"
  stop
  sanitizer_clean "tfb (DATABASE_PIPELINE=$pipeline)"
done

port=$(free_port)
"$server" "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
pid=$!
wait_up "$port" /depth
/usr/bin/python3 tests/integration/fiber_pg_check.py txn "http://127.0.0.1:$port" "$DATABASE_URL" "$mn_pg_bin" ||
  fail "transaction checks"
/usr/bin/python3 tests/integration/fiber_pg_check.py kill "http://127.0.0.1:$port" "$DATABASE_URL" "$mn_pg_bin" ||
  fail "backend killed under load"
/usr/bin/python3 tests/integration/fiber_pg_check.py order "http://127.0.0.1:$port" "$DATABASE_URL" "$mn_pg_bin" ||
  fail "pipelined requests out of order"
/usr/bin/python3 tests/integration/fiber_pg_check.py drain "http://127.0.0.1:$port" "$DATABASE_URL" "$mn_pg_bin" "$pid" ||
  fail "SIGTERM lost a waiting request"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the server did not exit after draining"
stop
sanitizer_clean "transactions"
echo "ok"
