#!/usr/bin/env bash
# Builds and runs the decimal benchmark against a build directory's static
# library: bench/decimal/run.sh [BUILD_DIR] [ITERATIONS]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -std=c11 -O2 -D_GNU_SOURCE -I"$root/include" "$root/bench/decimal/bench_decimal.c" \
  "$build/libmanouche.a" $(pkg-config --libs openssl jansson zlib) -lunistring -lm -lpthread \
  -o "$out/bench_decimal"
"$out/bench_decimal" "${2:-2000000}"
