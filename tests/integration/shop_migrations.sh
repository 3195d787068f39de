#!/usr/bin/env bash
# The shop's schema and sample data stay in step with its code:
# makemigrations --check finds no model change without a migration in
# examples/shop/products/migrations, migrate and loaddata sample work from any
# directory, and the seed command, on a freshly migrated database, dumps
# exactly the committed fixture examples/shop/products/fixtures/sample.json.
set -eu
build=${MN_BUILD:-build}
root=$(pwd)
manage="$(cd "$build" && pwd)/examples/shop/manage"
fixture="$root/examples/shop/products/fixtures/sample.json"
tmp=$(mktemp -d /tmp/mn-shopmig.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$tmp"
export DATABASE_URL="sqlite:///$tmp/db.sqlite3"

# Models and migrations have not drifted (Django's exit status 1 otherwise).
"$manage" makemigrations --check --dry-run >out.txt 2>&1 ||
  fail "makemigrations --check: a model change has no migration; run ./manage makemigrations: $(cat out.txt)"
grep -qx "No changes detected" out.txt || fail "makemigrations --check output: $(cat out.txt)"
ls "$root/examples/shop/products/migrations/"*.json >/dev/null 2>&1 || fail "no migration committed"

# migrate from a directory that is neither the sources nor the build.
"$manage" migrate >out.txt 2>&1 || fail "migrate: $(cat out.txt)"
grep -q "Applying products.0001_initial... OK" out.txt || fail "migrate output: $(cat out.txt)"
"$manage" showmigrations products >out.txt 2>&1 || fail "showmigrations"
grep -q "\[X\] 0001_initial" out.txt || fail "showmigrations output: $(cat out.txt)"
"$manage" migrate >out.txt 2>&1 || fail "migrate again"
grep -q "No migrations to apply." out.txt || fail "second migrate: $(cat out.txt)"

# The fixture loads by name (products/fixtures/) and dumps back byte for byte.
"$manage" loaddata sample >out.txt 2>&1 || fail "loaddata sample: $(cat out.txt)"
grep -qx "Installed 295 object(s) from 1 fixture(s)" out.txt || fail "loaddata output: $(cat out.txt)"
"$manage" dumpdata products --indent 2 | cmp - "$fixture" || fail "dumpdata after loaddata differs from the fixture"

# seed is deterministic and is what the fixture holds (no clock, no randomness).
export DATABASE_URL="sqlite:///$tmp/seeded.sqlite3"
"$manage" migrate >/dev/null
"$manage" seed >out.txt 2>&1 || fail "seed: $(cat out.txt)"
grep -q "Loaded 6 categories, 200 products, 8 tags, 67 reviews, 5 orders" out.txt || fail "seed output: $(cat out.txt)"
"$manage" dumpdata products --indent 2 | cmp - "$fixture" ||
  fail "seed and sample.json differ: regenerate the fixture (docs/project.md, make demo)"
echo "shop migrations and fixture: all checks passed"
