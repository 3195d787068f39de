#!/usr/bin/env bash
# runserver's autoreloader: a source change runs the build command; a
# failing build keeps the old server running and prints the errors; a
# successful one re-executes the binary, which serves again.
# The shop binary watches a private BASE_DIR (set from the environment); the
# JSON endpoint, which needs no template or static file, tells it is up.
set -eu
build=${MN_BUILD:-build}
manage="$(cd "$build" && pwd)/examples/shop/manage"
tmp=$(mktemp -d /tmp/mn-reload-test.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; cat "$tmp/log" >&2; exit 1; }
wait_for() { # wait_for PATTERN
  for _ in $(seq 1 100); do grep -q -- "$1" "$tmp/log" && return 0; sleep 0.1; done
  fail "no '$1' in the log"
}
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
up() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/products/" 2>/dev/null || true; }

cat >"$tmp/build.sh" <<'SH'
echo "views.c:12:5: error: expected ';' before 'return'"
exit 1
SH
cd "$tmp"
# The JSON endpoint reads the (empty) product table; the migrations are found
# whatever BASE_DIR is.
BASE_DIR="$tmp" "$manage" migrate >/dev/null
BASE_DIR="$tmp" MANOUCHE_BUILD_COMMAND="sh $tmp/build.sh" "$manage" runserver "127.0.0.1:$port" >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ "$(up)" = 200 ] && break; sleep 0.1; done
[ "$(up)" = 200 ] || fail "server did not start"
wait_for "Watching for file changes"

echo 'int x;' >"$tmp/views.c"
wait_for "Build failed (status 1); still serving the previous binary."
wait_for "views.c:12:5: error: expected ';' before 'return'"
[ "$(up)" = 200 ] || fail "the old server must keep serving"

echo 'exit 0' >"$tmp/build.sh"
echo 'int y;' >>"$tmp/views.c"
wait_for "Build succeeded; restarting."
for _ in $(seq 1 100); do
  [ "$(grep -c 'Watching for file changes' "$tmp/log")" -ge 2 ] && [ "$(up)" = 200 ] && break
  sleep 0.1
done
[ "$(grep -c 'Watching for file changes' "$tmp/log")" -ge 2 ] || fail "not re-executed"
[ "$(up)" = 200 ] || fail "the new server does not answer"

echo 'not a source' >"$tmp/notes.txt"
sleep 0.6
[ "$(grep -c 'changed, rebuilding' "$tmp/log")" = 2 ] || fail "a non-source file triggered a build"
echo "runserver autoreload: all checks passed"
