#!/usr/bin/env bash
# make demo: serves the shop example at http://127.0.0.1:8000/ in the
# foreground (DEBUG, autoreload: edit examples/shop/*.c and it rebuilds).
#   scripts/demo.sh [BUILD_DIR]
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
manage="$build/examples/shop/manage"
if [ ! -x "$manage" ]; then
  echo "demo: $manage is missing; run 'make' first" >&2
  exit 1
fi
addr=${DEMO_ADDR:-127.0.0.1:8000}
cat <<BANNER

  ==============================================================
   Manouche demo: the shop example
     http://$addr/                 home page
     http://$addr/products/        product list (HTML)
     http://$addr/api/products/    JSON API
   Sources: examples/shop (saving a .c file rebuilds and reloads)
   Stop with CONTROL-C.
  ==============================================================

BANNER
cd "$root"
exec "$manage" runserver "$addr"
