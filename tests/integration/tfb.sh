#!/usr/bin/env bash
# The benchmark app (examples/tfb) over real sockets, on SQLite and on a
# private PostgreSQL (tests/pg.sh): ./manage tfb_seed loads the tables, then
# runserver (2 workers x 2 threads) answers every test type; tfb_check.py
# checks status, headers (Server, Date, Content-Length, Content-Type) and
# bodies: byte-exact fortunes, queries clamping, updates persisted.
set -eu
build=${MN_BUILD:-build}
manage="$build/examples/tfb/manage"
. tests/pg.sh
tmp=$(mktemp -d /tmp/mn-tfb-test.XXXXXX)
pid=""
stop() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
}
trap 'stop; rm -rf "$tmp"; mn_pg_stop' EXIT

. tests/ports.sh
fail() { echo "FAIL: $*" >&2; [ -f "$tmp/server.log" ] && { echo "--- server log:" >&2; cat "$tmp/server.log" >&2; }; exit 1; }

# Under ASan/UBSan (build-asan) a report in a worker goes to the server log.
sanitizer_clean() {
  if grep -qE 'Sanitizer|runtime error:' "$tmp/server.log" "$tmp/seed.log" 2>/dev/null; then
    fail "$1: sanitizer report"
  fi
}

suite() { # suite LABEL DATABASE_URL
  local label=$1 url=$2
  export DATABASE_URL=$url
  "$manage" tfb_seed --no-color >"$tmp/seed.log" 2>&1 || { cat "$tmp/seed.log" >&2; fail "$label: tfb_seed"; }
  grep -q "Seeded 10000 worlds and 12 fortunes" "$tmp/seed.log" || fail "$label: seed output: $(cat "$tmp/seed.log")"
  # Seeding twice starts over (fresh tables, no duplicate key).
  "$manage" tfb_seed --no-color >"$tmp/seed.log" 2>&1 || { cat "$tmp/seed.log" >&2; fail "$label: second tfb_seed"; }
  local port
  port=$(free_port)
  "$manage" runserver "127.0.0.1:$port" --workers 2 --threads 2 >"$tmp/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/plaintext" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || fail "$label: server exited"
    sleep 0.1
  done
  /usr/bin/python3 tests/integration/tfb_check.py "http://127.0.0.1:$port" "$url" "$mn_pg_bin" ||
    fail "$label: checks failed"
  # The access log is on by default and names each request.
  grep -q '"GET /plaintext HTTP/1.1" 200 13' "$tmp/server.log" || fail "$label: no access log line"
  stop
  sanitizer_clean "$label"
  echo "$label: ok"
}

suite sqlite "sqlite:///$tmp/tfb.sqlite3"
suite postgres "$MN_TEST_DATABASE_URL"

# --no-access-log silences the per-request log.
port=$(free_port)
DATABASE_URL="sqlite:///$tmp/tfb.sqlite3" "$manage" runserver "127.0.0.1:$port" --no-access-log >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/plaintext" 2>/dev/null && break
  sleep 0.1
done
[ "$(curl -s "http://127.0.0.1:$port/plaintext")" = "Hello, World!" ] || fail "--no-access-log: plaintext"
if grep -q 'GET /plaintext' "$tmp/server.log"; then fail "--no-access-log still logs"; fi
stop
sanitizer_clean "--no-access-log"
echo "ok"
