#!/usr/bin/env bash
# Side-by-side benchmark: Manouche (examples/tfb) vs Debian's nginx returning
# the same bytes vs Django 3.2 under gunicorn (gthread), in one run.
#   bench/run.sh [BUILD_DIR]     (env: DURATION=10 CONNS=256 THREADS=2 IDLE=10000)
# Needs wrk, nginx-light, gunicorn, python3-django (MN_DEPS_BENCH=1 scripts/install-deps.sh).
# Prints a Markdown table and writes it to bench/results/http-<date>.md.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
DURATION=${DURATION:-10}
CONNS=${CONNS:-256}
THREADS=${THREADS:-2}
IDLE=${IDLE:-10000}
CORES=$(nproc)
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$1/plaintext" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2; return 1
}
rps() { # url [extra wrk args]
  local url=$1; shift
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$url" "$@" 2>&1 | tee -a "$tmp/wrk.log" |
    awk '/Requests\/sec/ {print int($2)}'
}

start_manouche() {
  local port=$1
  setsid "$build/examples/tfb/manage" runserver "127.0.0.1:$port" --workers "$CORES" --threads 1 \
    --no-access-log >/dev/null 2>"$tmp/manouche.log" &
  echo $!
}
start_nginx() {
  local port=$1
  mkdir -p "$tmp/nginx"
  sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$tmp/nginx|g" -e "s|@WORKERS@|$CORES|g" \
    "$root/bench/nginx.conf.in" >"$tmp/nginx/nginx.conf"
  setsid nginx -c "$tmp/nginx/nginx.conf" -g 'daemon off;' >/dev/null 2>"$tmp/nginx.log" &
  echo $!
}
start_django() {
  local port=$1
  setsid gunicorn --chdir "$root/bench/django_tfb" app:application --bind "127.0.0.1:$port" \
    --worker-class gthread --workers $((CORES * 2)) --threads 4 --worker-connections 20000 \
    --keep-alive 65 --log-level warning >/dev/null 2>"$tmp/django.log" &
  echo $!
}

declare -A R
for server in manouche nginx django; do
  port=$(free_port)
  pid=$(start_$server "$port")
  pids+=("$pid")
  wait_port "$port"
  base="http://127.0.0.1:$port"
  R[$server,plaintext]=$(rps "$base/plaintext")
  R[$server,pipelined]=$(rps "$base/plaintext" -s "$root/bench/pipeline.lua" -- 16)
  R[$server,json]=$(rps "$base/json")
  if [ "$server" != django ]; then
    R[$server,idle]=$(python3 "$root/bench/idle_conns.py" "$port" "$IDLE" "$pid" /plaintext)
  else
    R[$server,idle]="not measured"
  fi
  kill -TERM -- "-$pid" 2>/dev/null || true
  sleep 1
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
out="$root/bench/results/http-$(date -u +%Y%m%d-%H%M).md"
mkdir -p "$root/bench/results"
{
  echo "# HTTP benchmark $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), wrk -t$THREADS -c$CONNS -d${DURATION}s on the same machine."
  echo "Manouche: $CORES workers x 1 thread. nginx: $CORES workers, access_log off."
  echo "Django $(python3 -c 'import django; print(django.get_version())'): gunicorn gthread, $((CORES * 2)) workers x 4 threads, no middleware."
  echo
  echo "| test | Manouche req/s | nginx req/s | Django req/s | Manouche/nginx | Manouche/Django |"
  echo "|---|---:|---:|---:|---:|---:|"
  for t in plaintext pipelined json; do
    label=$t; [ "$t" = pipelined ] && label="plaintext, pipelined 16"
    echo "| $label | ${R[manouche,$t]} | ${R[nginx,$t]} | ${R[django,$t]} | $(ratio "${R[manouche,$t]}" "${R[nginx,$t]}") | $(ratio "${R[manouche,$t]}" "${R[django,$t]}") |"
  done
  echo
  echo "Idle keep-alive connections (resident memory of all server processes):"
  echo
  echo "- Manouche: ${R[manouche,idle]}"
  echo "- nginx: ${R[nginx,idle]}"
} | tee "$out"
