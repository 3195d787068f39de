#!/usr/bin/env bash
# Differential test of the request parser against Node's (tests/integration/http_node_diff.py).
set -eu
export MN_BUILD=${MN_BUILD:-build}
if ! command -v node >/dev/null; then
  echo "node is not installed" >&2
  exit 1
fi
exec timeout 300 /usr/bin/python3 "$(dirname "$0")/http_node_diff.py"
