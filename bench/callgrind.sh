#!/usr/bin/env bash
# User-space instructions per request of the benchmark app, measured with
# valgrind's callgrind on one worker and one thread (PostgreSQL by default):
#   bench/callgrind.sh [BUILD_DIR]
# Environment: PATHS ("/json /db /fortunes /queries?queries=20"), N (requests
# per path, 200), WARM (requests before counting, 50), SQLITE=1 for SQLite,
# KEEP=DIR to keep each path's callgrind.out for callgrind_annotate.
# The counter is zeroed after the warm-up and dumped after the N requests, so
# start-up and the first-request caches do not count; the figure printed is
# the worker's instructions (Ir) divided by N, libpq and libc included.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
manage="$build/examples/tfb/manage"
PATHS=${PATHS:-"/json /db /fortunes /queries?queries=20"}
N=${N:-200}
WARM=${WARM:-50}
tmp=$(mktemp -d /tmp/mn-callgrind.XXXXXX)
pid=""
cd "$root"
if [ "${SQLITE:-0}" = 1 ]; then
  url="sqlite:///$tmp/tfb.sqlite3"
  mn_pg_stop() { :; }
else
  . tests/pg.sh
  url=$MN_TEST_DATABASE_URL
fi
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
  mn_pg_stop
}
trap cleanup EXIT
. tests/ports.sh
export DATABASE_URL=$url
"$manage" tfb_seed --no-color >/dev/null
port=$(free_port)
valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$tmp/cg.%p" \
  "$manage" runserver "127.0.0.1:$port" --workers 1 --threads 1 --no-access-log >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  curl -s -o /dev/null "http://127.0.0.1:$port/plaintext" 2>/dev/null && break
  sleep 0.1
done
# The worker is the child of the valgrind'ed master.
worker=$(pgrep -P "$pid" | head -1)
for _ in $(seq 1 50); do
  w=$(pgrep -P "$worker" 2>/dev/null | head -1 || true)
  [ -n "$w" ] || break
  worker=$w
done
drive() { # drive PATH COUNT: COUNT GETs on one keep-alive connection, sent as
  # wrk sends them (request line and Host only)
  python3 - "$port" "$1" "$2" <<'EOF'
import socket, sys
port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % (path, port)).encode()
buf = b""
for _ in range(n):
    s.sendall(req)
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, _, buf = buf.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200 "):
        sys.exit("%r for %s" % (head[:40], path))
    length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0])
    while len(buf) < length:
        buf += s.recv(65536)
    buf = buf[length:]
EOF
}
printf '%-24s %12s\n' "path" "Ir/request"
for p in $PATHS; do
  drive "$p" "$WARM"
  callgrind_control -z "$worker" >/dev/null 2>&1
  drive "$p" "$N"
  callgrind_control --dump="$p" "$worker" >/dev/null 2>&1
  f=$(ls -t "$tmp"/cg."$worker"* | head -1)
  total=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }')
  printf '%-24s %12d\n' "$p" $((total / N))
  if [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP"
    cp "$f" "$KEEP/callgrind.$(echo "$p" | tr -c 'a-zA-Z0-9\n' _ | sed 's/^_//')"
  fi
done
