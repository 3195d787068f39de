#!/usr/bin/env bash
# Installs the Debian packages that building, testing and running the demo
# need, when they are missing. Idempotent: prints what it installs, or nothing.
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config clang
  libssl-dev libjansson-dev libunistring-dev zlib1g-dev
  libsqlite3-dev libpq-dev libhiredis-dev libpcre2-dev
  libcriterion-dev
  sqlite3 tzdata curl redis-server
  postgresql
  postgresql-client
)
# The compatibility tests compare with Django itself.
if [ "${MN_DEPS_TESTS:-1}" = 1 ]; then
  packages+=(python3-django python3-djangorestframework libclang-rt-14-dev)
  packages+=(python3-psycopg2)
fi

# The benchmarks (bench/) compare with nginx and Django under gunicorn.
if [ "${MN_DEPS_BENCH:-0}" = 1 ]; then
  packages+=(wrk nginx-light gunicorn python3-django python3-psycopg2 gnuplot-nox)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "install-deps: not root and no sudo; install these packages: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists once if they are missing or more than a day old.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mtime -1 2>/dev/null | head -1)" ]; then
  $SUDO apt-get update -q >/dev/null
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
