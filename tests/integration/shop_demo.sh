#!/usr/bin/env bash
# The shop example over real sockets: starts build/examples/shop/manage on a
# free loopback port over a fresh SQLite database made as make demo makes it
# (migrate, loaddata sample), then changed by its cleanup_products and
# import_products commands (development settings
# with the autoreloader, then the production variant), fetches pages, a static file, the JSON API and 404s,
# checks status codes, headers and bodies, and always stops the servers.
set -eu
build=${MN_BUILD:-build}
manage="$build/examples/shop/manage"
tmp=$(mktemp -d /tmp/mn-shop-test.XXXXXX)
pid=""
stop() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
}
trap 'stop; rm -rf "$tmp"' EXIT

. tests/ports.sh
fail() { echo "FAIL: $*" >&2; echo "--- server log:" >&2; cat "$tmp/server.log" >&2; exit 1; }

start() { # start PORT ARGS... (environment passed through)
  local port=$1; shift
  "$manage" runserver "127.0.0.1:$port" "$@" >"$tmp/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || fail "server exited"
    sleep 0.1
  done
  fail "server did not start"
}

# fetch PATH [curl options]: status in $status, headers in $tmp/h, body in $tmp/b
fetch() {
  local path=$1; shift
  status=$(curl -s -o "$tmp/b" -D "$tmp/h" -w '%{http_code}' "$@" "$base$path")
}
expect_status() { [ "$status" = "$1" ] || fail "$2: status $status, expected $1"; }
expect_body() { grep -q -- "$1" "$tmp/b" || fail "$2: body lacks '$1'"; }
expect_header() { grep -qi -- "$1" "$tmp/h" || fail "$2: no header '$1'"; }

# ---- the database: migrations and the sample catalogue, as make demo does ----
export DATABASE_URL="sqlite:///$tmp/shop.sqlite3"
"$manage" migrate >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; fail "migrate"; }
grep -q "Applying products.0001_initial... OK" "$tmp/setup.log" || fail "migrate output: $(cat "$tmp/setup.log")"
"$manage" loaddata sample >"$tmp/load.log" 2>&1 || { cat "$tmp/load.log"; fail "loaddata sample"; }
grep -qx "Installed 295 object(s) from 1 fixture(s)" "$tmp/load.log" || fail "loaddata output: $(cat "$tmp/load.log")"
"$manage" cleanup_products 0 --dry-run >"$tmp/cleanup.log" 2>&1 || fail "cleanup_products --dry-run"
grep -q "Would delete .* products (DRY RUN)" "$tmp/cleanup.log" || fail "cleanup output: $(cat "$tmp/cleanup.log")"
printf 'name,price,stock,category\nImported Kettle,19.90,4,brewing-gear\n"Quoted, Mug",7.50,10,cups-mugs\n' >"$tmp/new.csv"
"$manage" import_products "$tmp/new.csv" >"$tmp/import.log" 2>&1 || { cat "$tmp/import.log"; fail "import_products"; }
grep -q "Imported 2 products" "$tmp/import.log" || fail "import output: $(cat "$tmp/import.log")"

# ---- development: DEBUG, autoreloader parent + serving child ----
port=$(free_port)
base="http://127.0.0.1:$port"
start "$port"
grep -q "Watching for file changes" "$tmp/server.log" || fail "autoreloader not running"

fetch /
expect_status 302 "home"
expect_header '^Location: /products/' "/ leads to the product list"
expect_header '^X-Custom-Header: My Value' "custom header middleware"
expect_header '^X-Request-ID: [0-9a-f]\{16\}' "request id header"
expect_header '^X-Frame-Options: DENY' "xframe middleware"
expect_header '^X-Content-Type-Options: nosniff' "security middleware"

fetch /products/
expect_status 200 "product list"
expect_body 'href="?page=2"' "the list links to page 2"
expect_body 'showing 1&ndash;25 of ' "25 per page"
expect_body '<link rel="stylesheet" href="/static/products/style.css">' "{% static %} in the base template"
expect_body 'class="price">\$[0-9]*\.[0-9][0-9]<' "decimal prices"
expect_body 'href="?category=coffee"' "category filter links"
expect_body 'class="card-category">[A-Z][^<]*</span>' "product.category.name in the cards"
expect_body 'class="card-tags"><a class="tag" href="?tag=[a-z]' "product.tags.all in the cards"
fetch '/products/?page=2'
expect_status 200 "page 2"
expect_body 'aria-current="page">2<' "page 2 is current"
fetch '/products/?page=9999'
expect_body 'aria-current="page">8<' "out of range: the last page"
fetch '/products/?page=abc'
expect_body 'aria-current="page">1<' "not a number: the first page"
fetch '/products/?q=single'
expect_body 'Coffee Beans &lt;Single Origin&gt;' "search; names are escaped"
fetch '/products/?category=tea&q=earl'
expect_body 'Earl Grey Loose Leaf 100 g' "category and search together"
fetch '/products/?tag=organic'
expect_body 'class="tag active">Organic<' "tag filter"
fetch '/products/?category=nothing'
expect_status 404 "unknown category"

fetch /products/moka-pot-3-cup/
expect_status 200 "product detail"
expect_body '<h1>Moka Pot 3-Cup</h1>' "detail title"
expect_body '<dt>Category</dt><dd>Brewing Gear</dd>' "product.category.name on the detail page"
expect_body 'action="/products/3/delete/"' "delete form reversed"
fetch /products/3/delete/
expect_status 405 "delete requires POST"
fetch /products/3/delete/ -X POST
expect_status 302 "delete"
fetch /products/moka-pot-3-cup/
expect_status 404 "deleted"

fetch /products -o /dev/null
expect_status 301 "APPEND_SLASH"
expect_header '^Location: /products/' "APPEND_SLASH location"

fetch /static/products/style.css
expect_status 200 "stylesheet"
expect_header '^Content-Type: text/css' "stylesheet type"
expect_body 'font-variant-numeric' "stylesheet content"
etag=$(grep -i '^ETag:' "$tmp/h" | sed 's/^[^:]*: *//; s/\r$//')
[ -n "$etag" ] || fail "static file without ETag"
fetch /static/products/style.css -H "If-None-Match: $etag"
expect_status 304 "conditional static GET"
fetch /static/products/style.css -H 'Range: bytes=0-9'
expect_status 206 "static range"
[ "$(wc -c <"$tmp/b")" = 10 ] || fail "range length"
fetch '/static/products/%2e%2e/%2e%2e/shop/settings.c'
expect_status 404 "encoded traversal"
fetch '/static/../shop/settings.c' --path-as-is
expect_status 404 "traversal"

fetch /api/products/
expect_status 200 "JSON list"
expect_header '^Content-Type: application/json' "JSON type"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) > 150, len(d)
p = d[0]
assert sorted(p) == ["id", "name", "price", "slug", "stock"], p
assert isinstance(p["price"], str) and "." in p["price"], p
' "$tmp/b" || fail "JSON body"
fetch /api/products/1/
expect_status 200 "JSON detail"
expect_body '"slug": "ethiopia-yirgacheffe-whole-bean-250-g"' "JSON detail body"
fetch /api/products/424242/
expect_status 404 "JSON 404"
expect_body '"detail": "Not found."' "JSON 404 body"

fetch /products/ -H 'Accept-Encoding: gzip'
expect_status 200 "gzip"
expect_header '^Content-Encoding: gzip' "gzip encoding"
gzip -dc <"$tmp/b" | grep -q 'All products' || fail "gzip body"

fetch /no/such/page/
expect_status 404 "404"
expect_body 'Page not found at /no/such/page/' "DEBUG 404 page"
expect_body 'products/ &lt;slug:slug&gt;/' "DEBUG 404 lists the patterns"
fetch /products/no-such-product/
expect_status 404 "missing product"
expect_body 'matches the given query.' "DEBUG 404 message"
grep -q 'request_id=' "$tmp/server.log" || fail "404 not logged with the request id"
grep -q 'Response 200 - ' "$tmp/server.log" || fail "request logging middleware"
stop

# ---- production variant: plain error pages, no static serving ----
port=$(free_port)
base="http://127.0.0.1:$port"
MANOUCHE_SETTINGS=production SECRET_KEY=test-secret-key-for-the-integration-test-0123456789abcdef \
  ALLOWED_HOSTS=127.0.0.1 start "$port"
fetch /products/
expect_status 200 "production list"
fetch /no/such/page/
expect_status 404 "production 404"
expect_body '<h1>Not Found</h1>' "production 404 page"
grep -q 'Page not found at' "$tmp/b" && fail "technical 404 page in production"
fetch /static/products/style.css
expect_status 404 "no static files in production"
fetch / -H 'Host: evil.example'
expect_status 400 "ALLOWED_HOSTS"
stop
echo "shop demo: all checks passed"
