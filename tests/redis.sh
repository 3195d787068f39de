# Sourced by test scripts that need Redis: starts a private redis-server
# (Debian's redis-server package) on a free loopback port and a unix socket
# in a temporary directory, without persistence, exports MN_TEST_REDIS_URL
# (redis://127.0.0.1:PORT/0) and MN_TEST_REDIS_SOCKET, and stops it and
# removes everything when the script exits (mn_redis_stop; a script with its
# own EXIT trap calls it there).
#   . tests/redis.sh
mn_redis_bin=$(command -v redis-server || true)
if [ -z "$mn_redis_bin" ]; then
  echo "redis-server not found (apt-get install redis-server)" >&2
  exit 1
fi
. "$(dirname "${BASH_SOURCE[0]}")/ports.sh"
mn_redis_dir=$(mktemp -d /tmp/mn-redis.XXXXXX)
mn_redis_port=$(free_port)
mn_redis_pid=""
mn_redis_stop() {
  if [ -n "$mn_redis_pid" ] && kill -0 "$mn_redis_pid" 2>/dev/null; then
    kill -TERM "$mn_redis_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$mn_redis_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$mn_redis_pid" 2>/dev/null || true
  fi
  mn_redis_pid=""
  rm -rf "$mn_redis_dir"
}
trap mn_redis_stop EXIT
"$mn_redis_bin" --port "$mn_redis_port" --bind 127.0.0.1 --unixsocket "$mn_redis_dir/redis.sock" \
  --unixsocketperm 700 --save '' --appendonly no --daemonize no --dir "$mn_redis_dir" \
  --logfile "$mn_redis_dir/redis.log" &
mn_redis_pid=$!
for _ in $(seq 1 100); do
  [ -S "$mn_redis_dir/redis.sock" ] && break
  kill -0 "$mn_redis_pid" 2>/dev/null || { cat "$mn_redis_dir/redis.log" >&2; exit 1; }
  sleep 0.05
done
[ -S "$mn_redis_dir/redis.sock" ] || { echo "redis-server did not start" >&2; cat "$mn_redis_dir/redis.log" >&2; exit 1; }
export MN_TEST_REDIS_URL="redis://127.0.0.1:$mn_redis_port/0"
export MN_TEST_REDIS_SOCKET="$mn_redis_dir/redis.sock"
