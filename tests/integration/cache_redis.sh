#!/usr/bin/env bash
# The Redis cache backend against a real redis-server (tests/redis.sh):
# build/tests/cache_redis_check runs the cache API over TCP and a unix
# socket, several databases, connection failures and threads.
set -eu
build=${MN_BUILD:-build}
. tests/redis.sh
"$build/tests/cache_redis_check" --jobs 1 2>&1 | tail -20
test "${PIPESTATUS[0]}" = 0
echo "ok"
