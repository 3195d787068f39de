#!/usr/bin/env bash
# ./manage's project commands on SQLite, through a project with models
# (tests/manage_fixtures.c): dumpdata, loaddata (errors, atomicity), flush,
# dbshell and inspectdb (whose code is compiled and reads the database).
set -eu
build=${MN_BUILD:-build}
bdir=$(cd "$build" && pwd)
manage=$bdir/tests/manage_fixtures
work=$(mktemp -d /tmp/mn-projcmd.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
export DATABASE_URL="sqlite:///$work/db.sqlite3"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$manage" create_tables >/dev/null
"$manage" seed >/dev/null

# ---- dumpdata ----
"$manage" dumpdata catalog.category >out.json
[ "$(cat out.json)" = '[{"model": "catalog.category", "pk": 1, "fields": {"name": "Chairs é", "slug": "chairs"}}]' ] ||
  fail "dumpdata catalog.category: $(cat out.json)"
"$manage" dumpdata --indent 2 -o indented.json catalog
head -c 20 indented.json | grep -q '^\[$' || fail "indent"
tail -c 3 indented.json | od -c | grep -q '\]  \\n' || fail "indent end"
"$manage" dumpdata -e catalog.product | grep -q '"catalog.product"' && fail "--exclude"
"$manage" dumpdata -e catalog.product --exclude catalog.category catalog >two.json
[ "$(cat two.json)" = '[]' ] || fail "repeated --exclude: $(cat two.json)"
"$manage" dumpdata catalog.nope 2>err.txt && fail "unknown model accepted"
grep -q "CommandError: Unknown model: catalog.nope" err.txt
"$manage" dumpdata nope 2>err.txt && fail "unknown app accepted"
grep -q "No installed app with label 'nope'." err.txt
"$manage" dumpdata --format xml 2>err.txt && fail "xml accepted"
"$manage" dumpdata catalog --pks 1 2>err.txt && fail "--pks with an app"
grep -q "You can only use --pks option with one model" err.txt
[ "$("$manage" dumpdata catalog.category --pks 1,99)" = "$(cat out.json)" ] || fail "--pks"
[ "$("$manage" dumpdata catalog.category --pks 99)" = "[]" ] || fail "--pks none"

# ---- loaddata ----
cp indented.json all.json
"$manage" flush --noinput
[ "$("$manage" dumpdata)" = "[]" ] || fail "flush left rows"
"$manage" loaddata all.json >out.txt
grep -qx "Installed 2 object(s) from 1 fixture(s)" out.txt || fail "loaddata: $(cat out.txt)"
"$manage" dumpdata --indent 2 catalog | cmp - indented.json || fail "round trip"
# The fixture is found without its extension and in an app's fixtures/.
mkdir -p catalog/fixtures && cp all.json catalog/fixtures/initial.json
"$manage" loaddata all >/dev/null
(cd /tmp && DATABASE_URL=$DATABASE_URL "$manage" loaddata nothere 2>"$work/err.txt") && fail "missing fixture"
grep -q "No fixture named 'nothere' found." err.txt
# Errors name the fixture and the object; nothing of a failed load stays.
cat >bad.json <<'JSON'
[{"model": "catalog.category", "pk": 7, "fields": {"name": "Seven", "slug": "seven"}},
 {"model": "catalog.product", "pk": 9, "fields": {"name": "x", "price": "abc", "created": "2024-01-01T00:00:00Z"}}]
JSON
"$manage" loaddata bad.json 2>err.txt && fail "bad decimal accepted"
grep -q "Problem installing fixture '$(pwd -P)/bad.json': object 2 (catalog.product:pk=9): field 'price': " err.txt ||
  fail "message: $(cat err.txt)"
"$manage" dumpdata catalog.category | grep -q '"pk": 7' && fail "a failed fixture left rows"
echo '[{"model": "catalog.nope", "pk": 1, "fields": {}}]' >bad2.json
"$manage" loaddata bad2.json 2>err.txt && fail "unknown model accepted"
grep -q "object 1: Invalid model identifier: 'catalog.nope'" err.txt
echo '[{"model": "catalog.category", "pk": 5, "fields": {"nam": "x"}}]' >bad3.json
"$manage" loaddata bad3.json 2>err.txt && fail "unknown field accepted"
grep -q "Category has no field named 'nam'" err.txt
echo '{"model": "catalog.category"}' >bad4.json
"$manage" loaddata bad4.json 2>err.txt && fail "object accepted"
grep -q "a fixture is a JSON list of objects" err.txt
echo '[{"model": "catalog.category", "pk": 5, ' >bad5.json
"$manage" loaddata bad5.json 2>err.txt && fail "truncated JSON accepted"
grep -q "Problem installing fixture '$(pwd -P)/bad5.json': JSON parse error" err.txt
# A foreign key to nothing fails at the commit, and the other fixture rolls back too.
echo '[{"model": "catalog.category", "pk": 20, "fields": {"name": "Twenty", "slug": "twenty"}}]' >good.json
echo '[{"model": "catalog.product", "pk": 30, "fields": {"category": 999, "name": "x", "price": "1", "created": "2024-01-01T00:00:00Z"}}]' >dangling.json
"$manage" loaddata good.json dangling.json 2>err.txt && fail "dangling foreign key accepted"
grep -q "Problem installing fixtures: " err.txt
"$manage" dumpdata catalog.category | grep -q '"pk": 20' && fail "not atomic"
# Objects without a key get new ones; two fixtures count as two.
echo '[{"model": "catalog.category", "fields": {"name": "New", "slug": "new"}}]' >nopk.json
"$manage" loaddata good.json nopk.json | grep -qx "Installed 2 object(s) from 2 fixture(s)"
"$manage" dumpdata catalog.category | grep -q '"pk": 21, "fields": {"name": "New"' || fail "automatic key"

# Django's search: a name is loaded from every fixture directory holding it
# (the app's fixtures/, FIXTURE_DIRS, the current directory), .json.gz too.
mkdir -p extra sub
echo '[{"model": "catalog.category", "pk": 50, "fields": {"name": "Fifty", "slug": "fifty"}}]' >catalog/fixtures/multi.json
echo '[{"model": "catalog.category", "pk": 51, "fields": {"name": "Fifty-one", "slug": "fifty-one"}}]' | gzip >extra/multi.json.gz
echo '[{"model": "catalog.category", "pk": 52, "fields": {"name": "Fifty-two", "slug": "fifty-two"}}]' >multi.json
FIXTURE_DIRS="$work/extra" "$manage" loaddata multi | grep -qx "Installed 3 object(s) from 3 fixture(s)" ||
  fail "one name in three directories"
"$manage" loaddata multi | grep -qx "Installed 2 object(s) from 2 fixture(s)" || fail "without FIXTURE_DIRS"
FIXTURE_DIRS="$work/extra" "$manage" loaddata multi.json.gz | grep -qx "Installed 1 object(s) from 1 fixture(s)" ||
  fail "explicit .json.gz"
FIXTURE_DIRS="$work/extra" "$manage" loaddata --app catalog multi -v 2 >out.txt
grep -qx "Loading 'multi' fixtures..." out.txt || fail "verbosity 2: $(cat out.txt)"
grep -qx "Checking '$(pwd -P)/catalog/fixtures' for fixtures..." out.txt || fail "verbosity 2 app dir: $(cat out.txt)"
grep -qx "Installing json fixture 'multi' from '$(pwd -P)/extra'." out.txt || fail "verbosity 2 install: $(cat out.txt)"
grep -qx "No fixture 'multi' in '$(pwd -P)/sub'." out.txt && fail "searched a directory not listed"
echo '[{"model": "catalog.category", "pk": 53, "fields": {"name": "In sub", "slug": "in-sub"}}]' >sub/deep.json
"$manage" loaddata sub/deep | grep -qx "Installed 1 object(s) from 1 fixture(s)" || fail "relative directory label"
"$manage" loaddata "$work/sub/deep.json" | grep -qx "Installed 1 object(s) from 1 fixture(s)" || fail "absolute label"
cp multi.json sub/twice.json && gzip -c multi.json >sub/twice.json.gz
"$manage" loaddata sub/twice 2>err.txt && fail "two formats in one directory accepted"
grep -q "CommandError: Multiple fixtures named 'twice' in '$(pwd -P)/sub'. Aborting." err.txt || fail "$(cat err.txt)"
"$manage" loaddata multi.txt 2>err.txt && fail "unknown format accepted"
grep -q "CommandError: Problem installing fixture 'multi': txt is not a known serialization format." err.txt
FIXTURE_DIRS="$work/extra,$work/extra" "$manage" loaddata multi 2>err.txt && fail "duplicate FIXTURE_DIRS accepted"
grep -q "settings.FIXTURE_DIRS contains duplicates." err.txt
FIXTURE_DIRS="$work/catalog/fixtures" "$manage" loaddata multi 2>err.txt && fail "an app's directory in FIXTURE_DIRS"
grep -q "'$work/catalog/fixtures' is a default fixture directory for the 'catalog' app and cannot be listed in settings.FIXTURE_DIRS." err.txt
echo 'not gzip' >extra/broken.json.gz
FIXTURE_DIRS="$work/extra" "$manage" loaddata broken 2>err.txt && fail "broken gzip accepted"
grep -q "Problem installing fixture '$(pwd -P)/extra/broken.json.gz': " err.txt || fail "broken gzip: $(cat err.txt)"

# Standard input with --format, -e and -i.
"$manage" loaddata - <nopk.json 2>err.txt && fail "stdin without --format"
grep -q -- "--format must be specified when reading from stdin." err.txt
"$manage" loaddata --format json - <good.json | grep -qx "Installed 1 object(s) from 1 fixture(s)"
"$manage" loaddata -e catalog.category all.json | grep -qx "Installed 1 object(s) (of 2) from 1 fixture(s)"
"$manage" loaddata -e catalog.category -e catalog.product all.json | grep -qx "Installed 0 object(s) (of 2) from 1 fixture(s)" ||
  fail "repeated -e"
echo '[{"model": "catalog.gone", "pk": 1, "fields": {}}, {"model": "catalog.category", "pk": 40, "fields": {"name": "Forty", "slug": "forty", "old": 1}}]' >old.json
"$manage" loaddata old.json 2>/dev/null && fail "unknown model accepted without -i"
"$manage" loaddata -i old.json | grep -qx "Installed 1 object(s) from 1 fixture(s)"
"$manage" dumpdata catalog.category | grep -q '"pk": 40, "fields": {"name": "Forty"' || fail "-i"

# ---- flush ----
echo no | "$manage" flush >out.txt
grep -q 'This will IRREVERSIBLY DESTROY all data currently in the ".*db.sqlite3" database,' out.txt
grep -q "Flush cancelled." out.txt
[ "$("$manage" dumpdata catalog.category)" != "[]" ] || fail "cancelled flush deleted rows"
echo yes | "$manage" flush >/dev/null
[ "$("$manage" dumpdata)" = "[]" ] || fail "flush"
# Keys start again from 1, as Django's flush resets sequences.
"$manage" loaddata nopk.json >/dev/null
"$manage" dumpdata catalog.category | grep -q '"pk": 1,' || fail "sequence not reset"

# ---- dbshell ----
echo 'SELECT count(*) FROM catalog_category;' | "$manage" dbshell >out.txt
[ "$(cat out.txt)" = 1 ] || fail "dbshell: $(cat out.txt)"
[ "$("$manage" dbshell -- 'SELECT name FROM catalog_category;')" = New ] || fail "dbshell parameters"
PATH=/nonexistent "$manage" dbshell 2>err.txt </dev/null && fail "dbshell without sqlite3"
grep -q "You appear not to have the 'sqlite3' program installed or on your path." err.txt

# ---- inspectdb: the code compiles and reads the rows ----
"$manage" seed >/dev/null
"$manage" inspectdb --app-label legacy >models.c
grep -q 'mn_model catalog_product_model = MN_MODEL(catalog_product, "legacy", "CatalogProduct"' models.c
grep -q 'MN_FIELD_FOREIGNKEY(catalog_product, category, catalog_category_model' models.c
grep -q 'MN_FIELD_CHAR(catalog_category, slug, .max_length = 50, .unique = true)' models.c
"$manage" inspectdb nope 2>err.txt && fail "inspectdb of a missing table"
grep -q "Unable to inspect table 'nope'" err.txt
cat >main.c <<'C'
#include <stdio.h>
#include <string.h>
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
    mn_qs *qs = mn_qs_all(&catalog_product_model, a);
    int64_t n = mn_qs_count(qs, &err);
    mn_value name;
    void *first = mn_qs_first(qs, &err);
    if (!first || mn_obj_get(first, &catalog_product_model, "name", &name)) { fprintf(stderr, "%s\n", err.msg); return 1; }
    printf("%lld %.*s\n", (long long)n, MN_STR_FMT(name.u.s));
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
C
export PKG_CONFIG_PATH="$bdir/meson-uninstalled"
san=$(meson introspect --buildoptions "$bdir" | /usr/bin/python3 -c \
  'import json,sys; print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"), "none"))')
cc=cc; flags=""
if [ "$san" != none ]; then cc=clang; flags="-fsanitize=$san"; fi
$cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $flags -o inspected main.c models.c \
  $(pkg-config --cflags --libs manouche) -Wl,-rpath,"$bdir"
[ "$(./inspected "$DATABASE_URL")" = '1 Chair "x"' ] || fail "inspected models: $(./inspected "$DATABASE_URL")"
# ---- diffsettings: Django's hash and unified outputs ----
"$manage" diffsettings >out.txt
grep -qx "DEBUG = True" out.txt && grep -qx "TIME_ZONE = 'UTC'" out.txt
grep -q "^###" out.txt && fail "diffsettings without --all shows defaults"
"$manage" diffsettings --all | grep -qx "### APPEND_SLASH = True"
"$manage" diffsettings --output unified >out.txt
grep -A1 -x "\- DEBUG = False" out.txt | grep -qx "+ DEBUG = True" || fail "unified: $(cat out.txt)"
"$manage" diffsettings --output unified --all | grep -qx "  APPEND_SLASH = True"
echo "dumpdata, loaddata, flush, dbshell, inspectdb, diffsettings: ok"
