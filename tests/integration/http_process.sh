#!/usr/bin/env bash
# HTTP server processes: crash recovery, SIGHUP reload, SIGTERM drain, unix
# sockets and IPv6 (tests/integration/http_process_test.py).
set -eu
export MN_BUILD=${MN_BUILD:-build}
exec timeout 120 /usr/bin/python3 "$(dirname "$0")/http_process_test.py"
