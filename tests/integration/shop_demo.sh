#!/usr/bin/env bash
# The shop example over real sockets: starts build/examples/shop/manage on a
# free loopback port (development settings with the autoreloader, then the
# production variant), fetches pages, a static file, the JSON API and 404s,
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

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
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

# ---- development: DEBUG, autoreloader parent + serving child ----
port=$(free_port)
base="http://127.0.0.1:$port"
start "$port"
grep -q "Watching for file changes" "$tmp/server.log" || fail "autoreloader not running"

fetch /
expect_status 200 "home"
expect_body 'href="/products/"' "home links to the products"
expect_body '<p>5 products, served by' "home rendered from its template"
expect_body '<link rel="stylesheet" href="/static/products/style.css">' "{% static %} in the base template"
expect_header '^X-Custom-Header: My Value' "custom header middleware"
expect_header '^X-Request-ID: [0-9a-f]\{16\}' "request id header"
expect_header '^X-Frame-Options: DENY' "xframe middleware"
expect_header '^X-Content-Type-Options: nosniff' "security middleware"

fetch /products/
expect_status 200 "product list"
expect_body '<td class="price">\$34.99</td>' "decimal prices"
expect_body 'Coffee Beans &lt;Single Origin&gt;' "names are escaped"
expect_body '&quot;washed&quot;' "descriptions are escaped"
expect_body 'href="/products/2/"' "links reversed"

fetch /products/2/
expect_status 200 "product detail"
expect_body '<h1>Moka Pot</h1>' "detail title"

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
assert d["count"] == 5, d
p = d["results"][1]
assert p == {"id": 2, "name": "Moka Pot", "slug": "moka-pot", "price": "34.99", "in_stock": True}, p
assert d["results"][3]["in_stock"] is False
' "$tmp/b" || fail "JSON body"
fetch /api/products/42/
expect_status 404 "JSON 404"
expect_body '"detail": "Not found."' "JSON 404 body"

fetch /products/ -H 'Accept-Encoding: gzip'
expect_status 200 "gzip"
expect_header '^Content-Encoding: gzip' "gzip encoding"
gzip -dc <"$tmp/b" | grep -q 'Moka Pot' || fail "gzip body"

fetch /no/such/page/
expect_status 404 "404"
expect_body 'Page not found at /no/such/page/' "DEBUG 404 page"
expect_body 'products/ &lt;int:pk&gt;/' "DEBUG 404 lists the patterns"
fetch /products/99/
expect_status 404 "missing product"
expect_body 'No product matches the given query.' "DEBUG 404 message"
grep -q 'request_id=' "$tmp/server.log" || fail "404 not logged with the request id"
grep -q 'Response 200 - ' "$tmp/server.log" || fail "request logging middleware"
stop

# ---- production variant: plain error pages, no static serving ----
port=$(free_port)
base="http://127.0.0.1:$port"
MANOUCHE_SETTINGS=production SECRET_KEY=test-secret-key-for-the-integration-test-0123456789abcdef \
  ALLOWED_HOSTS=127.0.0.1 start "$port"
fetch /
expect_status 200 "production home"
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
