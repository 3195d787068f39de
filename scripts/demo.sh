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
# A fresh SQLite database: migrate applies the shop's migrations
# (examples/shop/products/migrations), loaddata the sample catalogue
# (examples/shop/products/fixtures/sample.json: 6 categories, 200 products,
# tags, reviews and orders).
db="$(cd "$build" && pwd)/shop-demo.sqlite3"
rm -f "$db" "$db-wal" "$db-shm"
export DATABASE_URL="sqlite:///$db"
"$manage" migrate
"$manage" loaddata sample
cat <<BANNER

  ==============================================================
   Manouche demo: the shop example
     http://$addr/                 the shop (leads to /products/)
     http://$addr/products/        product list: search, categories, pages
     http://$addr/api/products/    JSON API (values())
   Database: $db
   Sources: examples/shop (saving a .c file rebuilds and reloads)
   Stop with CONTROL-C.
  ==============================================================

BANNER
cd "$root"
exec "$manage" runserver "$addr"
