#!/usr/bin/env bash
# HTTP server over real sockets: keep-alive, pipelining, bodies, limits,
# responses, forms, concurrency, slow clients (tests/integration/http_server_test.py).
set -eu
export MN_BUILD=${MN_BUILD:-build}
ulimit -n 8192 2>/dev/null || true
# A private temporary directory, so checks for leftover upload files see only
# this server's (other test runs may share /tmp).
TMPDIR=$(mktemp -d /tmp/mn-http-test.XXXXXX)
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
timeout 180 /usr/bin/python3 "$(dirname "$0")/http_server_test.py"
