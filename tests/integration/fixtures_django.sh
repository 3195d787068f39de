#!/usr/bin/env bash
# Fixtures between Django 3.2 and Manouche, on SQLite and PostgreSQL:
# Django's dumpdata is loaded by our loaddata, ours by Django's, and both
# dumpdata write the same bytes from the same rows.
set -eu
build=${MN_BUILD:-build}
manage=$(cd "$build" && pwd)/tests/manage_fixtures
dj="python3 $(pwd)/tests/integration/django_catalog/dj.py"
work=$(mktemp -d /tmp/mn-fixdj.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$work"

# Django makes a database and dumps it, compact and indented.
$dj "$work/django.sqlite3" create
$dj "$work/django.sqlite3" dumpdata catalog -o "$work/django.json"
$dj "$work/django.sqlite3" dumpdata catalog --indent 4 -o "$work/django4.json"
grep -qF '"tags": [1, 2]' "$work/django.json" || fail "no many-to-many in the fixture"
# Our dumpdata of Django's database is byte for byte Django's.
DATABASE_URL="sqlite:///$work/django.sqlite3" "$manage" dumpdata catalog -o ours.json
cmp ours.json django.json || fail "dumpdata of a Django database differs"
DATABASE_URL="sqlite:///$work/django.sqlite3" "$manage" dumpdata catalog --indent 4 | cmp - django4.json ||
  fail "dumpdata --indent 4 differs"

# Our loaddata of Django's fixture, then our dumpdata: the same fixture.
export DATABASE_URL="sqlite:///$work/ours.sqlite3"
"$manage" create_tables >/dev/null
"$manage" loaddata django.json | grep -qx "Installed 7 object(s) from 1 fixture(s)"
"$manage" dumpdata catalog | cmp - django.json || fail "our round trip differs"
# Loading again updates the same rows.
"$manage" loaddata django4.json >/dev/null
"$manage" dumpdata catalog | cmp - django.json || fail "reloading changed the rows"

# Django's loaddata of our fixture, then Django's dumpdata: the same fixture.
"$manage" dumpdata catalog --indent 2 -o ours2.json
$dj "$work/django2.sqlite3" migrate
$dj "$work/django2.sqlite3" loaddata "$work/ours2.json" | grep -q "Installed 7 object(s) from 1 fixture(s)"
$dj "$work/django2.sqlite3" dumpdata catalog --indent 2 -o "$work/django2.json"
cmp ours2.json django2.json || fail "Django's round trip of our fixture differs"

# ---- PostgreSQL ----
cd "$OLDPWD"
. tests/pg.sh
cd "$work"
export DATABASE_URL=$MN_TEST_DATABASE_URL
"$manage" create_tables >/dev/null
"$manage" loaddata django.json | grep -qx "Installed 7 object(s) from 1 fixture(s)"
"$manage" dumpdata catalog | cmp - django.json || fail "PostgreSQL: our round trip differs"
# The sequences were moved past the loaded keys (Django's sequence reset).
echo '[{"model": "catalog.category", "fields": {"name": "New", "slug": "new"}}]' >nopk.json
"$manage" loaddata nopk.json >/dev/null
"$manage" dumpdata catalog.category | grep -q '"pk": 3, "fields": {"name": "New"' || fail "PostgreSQL: sequence"
# Atomic on PostgreSQL too: a bad second fixture leaves nothing of the first.
echo '[{"model": "catalog.category", "pk": 50, "fields": {"name": "Fifty", "slug": "fifty"}}]' >good.json
echo '[{"model": "catalog.product", "pk": 9, "fields": {"name": "x", "price": "abc", "created": "2024-01-01T00:00:00Z"}}]' >bad.json
"$manage" loaddata good.json bad.json 2>err.txt && fail "PostgreSQL: bad fixture accepted"
grep -q "Problem installing fixture '$(pwd -P)/bad.json': object 1 (catalog.product:pk=9): field 'price'" err.txt
"$manage" dumpdata catalog.category | grep -q '"pk": 50' && fail "PostgreSQL: not atomic"
# flush empties the tables and restarts the identities.
"$manage" flush --noinput
[ "$("$manage" dumpdata)" = "[]" ] || fail "PostgreSQL: flush"
"$manage" loaddata nopk.json >/dev/null
"$manage" dumpdata catalog.category | grep -q '"pk": 1,' || fail "PostgreSQL: flush did not restart identities"
# Django on PostgreSQL loads our fixture and dumps the same bytes.
"$manage" flush --noinput
"$manage" loaddata django.json >/dev/null
"$manage" dumpdata catalog --indent 2 -o pg_ours.json
cmp pg_ours.json ours2.json || fail "PostgreSQL dump differs from SQLite's"
psql_url=$MN_TEST_DATABASE_URL
"$manage" flush --noinput
$dj "$psql_url" loaddata "$work/pg_ours.json" | grep -q "Installed 7 object(s) from 1 fixture(s)"
$dj "$psql_url" dumpdata catalog --indent 2 -o "$work/pg_django.json"
cmp pg_ours.json pg_django.json || fail "Django on PostgreSQL differs"
# dbshell runs psql with the connection.
[ "$("$manage" dbshell -- -At -c 'SELECT count(*) FROM catalog_product')" = 2 ] || fail "dbshell on PostgreSQL"
# inspectdb of PostgreSQL tables.
"$manage" inspectdb catalog_product catalog_category --app-label legacy >pg_models.c
grep -q 'MN_FIELD_DECIMAL(catalog_product, price, .max_digits = 10, .decimal_places = 2)' pg_models.c ||
  fail "PostgreSQL inspectdb: $(grep price pg_models.c)"
grep -q 'MN_FIELD_FOREIGNKEY(catalog_product, category, catalog_category_model' pg_models.c
grep -q 'MN_FIELD_JSON(catalog_product, data, .null = true, .blank = true)' pg_models.c
grep -q 'MN_FIELD_UUID(catalog_product, uid' pg_models.c
grep -q 'MN_FIELD_DURATION(catalog_product, took' pg_models.c
# The generated code compiles and reads the rows on PostgreSQL.
cat >pg_main.c <<'C'
#include <stdio.h>
#include <manouche.h>
extern mn_model *const legacy_models[];
extern mn_model catalog_product_model;
int main(int argc, char **argv)
{
    mn_err err = { 0 };
    mn_arena *a = mn_arena_new("t", 0);
    mn_db_config cfg;
    if (argc < 2 || mn_dburl_parse(mn_str_from(argv[1]), a, &cfg, &err)) return 2;
    mn_db *db = mn_db_open(&cfg, &err);
    if (!db) { fprintf(stderr, "%s\n", err.msg); return 2; }
    mn_orm_use(db);
    for (size_t i = 0; legacy_models[i]; i++)
        if (mn_model_check(legacy_models[i], &err)) { fprintf(stderr, "%s\n", err.msg); return 1; }
    mn_qs *qs = mn_qs_filter(mn_qs_all(&catalog_product_model, a), "name", mn_value_cstr("Bare"));
    void *bare = mn_qs_get(qs, &err);
    mn_value price, took;
    if (!bare || mn_obj_get(bare, &catalog_product_model, "price", &price) ||
        mn_obj_get(bare, &catalog_product_model, "took", &took)) { fprintf(stderr, "%s\n", err.msg); return 1; }
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_decimal_write(&b, price.u.d);
    printf("%lld %s %lld\n", (long long)mn_qs_count(mn_qs_all(&catalog_product_model, a), &err), mn_buf_cstr(&b),
           (long long)took.u.dur.us);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
C
bdir=$(dirname "$(dirname "$manage")")
san=$(meson introspect --buildoptions "$bdir" | /usr/bin/python3 -c \
  'import json,sys; print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"), "none"))')
cc=cc; flags=""
if [ "$san" != none ]; then cc=clang; flags="-fsanitize=$san"; fi
PKG_CONFIG_PATH="$bdir/meson-uninstalled" $cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $flags -o pg_inspected \
  pg_main.c pg_models.c $(PKG_CONFIG_PATH="$bdir/meson-uninstalled" pkg-config --cflags --libs manouche) -Wl,-rpath,"$bdir"
[ "$(./pg_inspected "$MN_TEST_DATABASE_URL")" = "2 1.00 -1000000" ] || fail "PostgreSQL inspected models: $(./pg_inspected "$MN_TEST_DATABASE_URL")"
echo "Django and Manouche fixtures agree on SQLite and PostgreSQL"
