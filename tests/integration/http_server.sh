#!/usr/bin/env bash
# HTTP server over real sockets: keep-alive, pipelining, bodies, limits,
# responses, forms, concurrency, slow clients (tests/integration/http_server_test.py).
set -eu
export MN_BUILD=${MN_BUILD:-build}
ulimit -n 8192 2>/dev/null || true
exec timeout 180 python3 "$(dirname "$0")/http_server_test.py"
