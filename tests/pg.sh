# Sourced by test scripts that need PostgreSQL: starts a private server from
# Debian's postgresql package on a unix socket in a temporary directory,
# creates a database, exports MN_TEST_DATABASE_URL, and stops and removes
# everything when the script exits.
#   . tests/pg.sh   (then use $MN_TEST_DATABASE_URL)
mn_pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$mn_pg_bin" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
mn_pg_dir=$(mktemp -d /tmp/mn-pg.XXXXXX)
mn_pg_port=$((20000 + RANDOM % 20000))
mn_pg_run() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$mn_pg_dir"
mn_pg_stop() {
  mn_pg_run "$mn_pg_bin/pg_ctl" -D "$mn_pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$mn_pg_dir"
}
trap mn_pg_stop EXIT
mn_pg_run "$mn_pg_bin/initdb" -D "$mn_pg_dir/data" -U mn --auth=trust -E UTF8 --locale=C.UTF-8 >"$mn_pg_dir/initdb.log" 2>&1 ||
  { cat "$mn_pg_dir/initdb.log" >&2; exit 1; }
mn_pg_run "$mn_pg_bin/pg_ctl" -D "$mn_pg_dir/data" -l "$mn_pg_dir/server.log" -w -t 60 \
  -o "-k $mn_pg_dir -p $mn_pg_port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$mn_pg_dir/server.log" >&2; exit 1; }
mn_pg_run "$mn_pg_bin/createdb" -h "$mn_pg_dir" -p "$mn_pg_port" -U mn mn_test || exit 1
export MN_TEST_DATABASE_URL="postgres://mn@/mn_test?host=$mn_pg_dir&port=$mn_pg_port"
