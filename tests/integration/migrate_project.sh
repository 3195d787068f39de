#!/usr/bin/env bash
# Migrations end to end with the test project $MN_BUILD/tests/mig_manage
# (tests/migrate/mig_manage.c), on SQLite and then on a real PostgreSQL:
# makemigrations (initial, a NOT NULL field with a one-off default, a
# rename with an index, a check constraint and unique_together, a removal,
# --check, --dry-run, --empty, --name, --noinput), migrate (forwards,
# backwards to a target and to zero, --fake, --plan), a data migration
# (RunC) and RunSQL, showmigrations, sqlmigrate, and a migration failing
# halfway that must leave schema and django_migrations as they were.
set -euo pipefail
build=$(cd "${MN_BUILD:-build}" && pwd)
M=$build/tests/mig_manage
[ -x "$M" ] || { echo "migrate_project: $M is not built" >&2; exit 1; }
root=$(pwd)
fails=0
check() { # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then :; else echo "FAIL [$label]: $what" >&2; fails=$((fails + 1)); fi
}
contains() { grep -qF -- "$2" <<<"$1"; }
lacks() { ! grep -qF -- "$2" <<<"$1"; }

suite() {
  label=$1
  local dir
  dir=$(mktemp -d)
  cd "$dir"
  local out rc

  export MN_MIG_VARIANT=1
  out=$("$M" makemigrations 2>&1)
  check "initial migrations" contains "$out" "products/migrations/0001_initial.json"
  check "orders initial" contains "$out" "orders/migrations/0001_initial.json"
  check "create model listed" contains "$out" "    - Create model Product"
  check "orders depends on products" grep -q '\["products", "0001_initial"\]' orders/migrations/0001_initial.json
  out=$("$M" makemigrations --check 2>&1); rc=$?
  check "--check without changes exits 0" test "$rc" = 0
  check "no changes" test "$out" = "No changes detected"
  out=$("$M" makemigrations products 2>&1)
  check "no changes in app" test "$out" = "No changes detected in app 'products'"
  out=$("$M" migrate --plan 2>&1)
  check "plan lists migrations" contains "$out" "products.0001_initial"
  out=$("$M" migrate 2>&1)
  check "applies products first" test "$(grep -n Applying <<<"$out" | head -1)" = "4:  Applying products.0001_initial... OK"
  check "applies orders" contains "$out" "  Applying orders.0001_initial... OK"
  out=$("$M" migrate 2>&1)
  check "nothing more to apply" contains "$out" "  No migrations to apply."
  sql "INSERT INTO products_category (name) VALUES ('Books')"
  sql "INSERT INTO products_product (name, price, category_id, available, created) VALUES ('A', 1.50, 1, true, '2024-01-01 00:00:00'), ('B', 2.00, 1, false, '2024-01-01 00:00:00')"
  sql "INSERT INTO orders_order (product_id, qty) VALUES (2, 3)"

  # A NOT NULL field without a default.
  export MN_MIG_VARIANT=2
  out=$("$M" migrate 2>&1)
  check "hint about unmigrated changes" contains "$out" "Your models in app(s): 'products' have changes that are not yet reflected in a migration"
  set +e
  out=$("$M" makemigrations --noinput 2>&1); rc=$?
  set -e
  check "--noinput without a default exits 3" test "$rc" = 3
  check "Django's explanation" contains "$out" "Field 'slug' on model 'product' not migrated: it is impossible to add a non-nullable field without specifying a default."
  check "nothing written" test ! -e products/migrations/0002_product_slug.json
  out=$(printf '1\nx\n' | "$M" makemigrations 2>&1)
  check "asks for a one-off default" contains "$out" "You are trying to add a non-nullable field 'slug' to product without a default"
  check "named like Django" test -f products/migrations/0002_product_slug.json
  check "one-off default kept out of the state" grep -q '"preserve_default": false' products/migrations/0002_product_slug.json
  out=$("$M" migrate 2>&1)
  check "0002 applied" contains "$out" "  Applying products.0002_product_slug... OK"
  check "existing rows got the default" test "$(sql "SELECT slug FROM products_product ORDER BY id")" = $'x\nx'
  check "order kept its product" test "$(sql "SELECT product_id FROM orders_order")" = "2"

  # An empty migration holding a data migration and raw SQL.
  out=$("$M" makemigrations products --empty --name fill_slugs 2>&1)
  check "--empty --name" test -f products/migrations/0003_fill_slugs.json
  python3 - products/migrations/0003_fill_slugs.json <<'PY'
import json, sys
p = sys.argv[1]
m = json.load(open(p))
m["operations"] = [
    {"op": "RunC", "code": "products.fill_slugs", "reverse_code": "products.unfill_slugs"},
    {"op": "RunSQL", "sql": "CREATE TABLE products_note (id integer PRIMARY KEY, body varchar(20))",
     "reverse_sql": "DROP TABLE products_note"},
]
json.dump(m, open(p, "w"), indent=2)
PY
  out=$("$M" migrate 2>&1)
  check "data migration applied" contains "$out" "  Applying products.0003_fill_slugs... OK"
  check "RunC ran" test "$(sql "SELECT slug FROM products_product ORDER BY id")" = $'p1\np2'
  check "RunSQL ran" test "$(sql "SELECT count(*) FROM products_note")" = "0"

  # A rename (asked), an index, a check constraint, unique_together.
  export MN_MIG_VARIANT=3
  out=$(printf 'y\n' | "$M" makemigrations 2>&1)
  check "rename question" contains "$out" "Was product.name renamed to product.title (a CharField)? [y/N]"
  check "rename operation" contains "$out" "    - Rename field name on product to title"
  check "mixed changes get an auto name" ls products/migrations/0004_auto_20[0-9][0-9][0-9][0-9][0-9][0-9]_[0-9][0-9][0-9][0-9].json >/dev/null
  out=$("$M" migrate 2>&1)
  check "0004 applied" contains "$out" "  Applying products.0004_auto_"
  check "renamed column kept its data" test "$(sql "SELECT title FROM products_product ORDER BY id")" = $'A\nB'
  set +e
  sql "UPDATE products_product SET price = -1 WHERE id = 1" 2>/dev/null; rc=$?
  set -e
  check "check constraint enforced" test "$rc" != 0

  # A removal; --check fails (for CI) and writes nothing.
  export MN_MIG_VARIANT=4
  set +e
  out=$("$M" makemigrations --check --noinput 2>&1); rc=$?
  set -e
  check "--check exits 1 when a migration is missing" test "$rc" = 1
  check "--check names it" contains "$out" "0005_remove_product_available.json"
  check "--check writes nothing" test ! -e products/migrations/0005_remove_product_available.json
  out=$("$M" makemigrations --dry-run -v 3 2>&1)
  check "--dry-run -v 3 shows the file" contains "$out" '"op": "RemoveField"'
  check "--dry-run writes nothing" test ! -e products/migrations/0005_remove_product_available.json
  "$M" makemigrations >/dev/null
  check "removal named like Django" test -f products/migrations/0005_remove_product_available.json
  "$M" migrate >/dev/null
  check "column removed" test "$(sql "SELECT count(*) FROM products_product")" = "2"

  out=$("$M" sqlmigrate products 0002 2>&1)
  check "sqlmigrate BEGIN" test "$(head -1 <<<"$out")" = "BEGIN;"
  check "sqlmigrate COMMIT" test "$(tail -1 <<<"$out")" = "COMMIT;"
  check "sqlmigrate comment" contains "$out" "-- Add field slug to product"
  if [ "$label" = sqlite ]; then
    check "SQLite rebuild" contains "$out" 'INSERT INTO "new__products_product"'
  else
    check "PostgreSQL ADD COLUMN" contains "$out" 'ALTER TABLE "products_product" ADD COLUMN "slug" varchar(50) DEFAULT '"'x'"' NOT NULL'
  fi

  out=$("$M" showmigrations 2>&1)
  check "showmigrations" test "$(head -3 <<<"$out")" = $'products\n [X] 0001_initial\n [X] 0002_product_slug'
  check "showmigrations orders" contains "$out" $'orders\n [X] 0001_initial'

  # A migration failing halfway leaves everything as it was.
  local before_tables before_rows
  before_rows=$(sql "SELECT count(*) FROM django_migrations")
  cat >products/migrations/0006_broken.json <<'JSON'
{
  "dependencies": [["products", "0005_remove_product_available"]],
  "operations": [
    {"op": "CreateModel", "name": "Tag", "fields": [{"name": "id", "type": "BigAutoField", "primary_key": true}]},
    {"op": "AddField", "model_name": "product", "name": "note", "field": {"type": "CharField", "max_length": 10, "null": true}},
    {"op": "RemoveField", "model_name": "product", "name": "slug"},
    {"op": "RunSQL", "sql": "INSERT INTO no_such_table VALUES (1)"}
  ]
}
JSON
  set +e
  out=$("$M" migrate 2>&1); rc=$?
  set -e
  check "failing migration exits 1" test "$rc" = 1
  check "failing migration reported" contains "$out" "  Applying products.0006_broken... FAILED"
  check "error names the operation" contains "$out" "products.0006_broken: operation 4 (RunSQL)"
  check "no table left behind" test "$(table_exists products_tag)" = 0
  check "no column left behind" test "$(sql "SELECT count(*) FROM products_product WHERE slug IN ('p1', 'p2')")" = "2"
  check "not recorded" test "$(sql "SELECT count(*) FROM django_migrations")" = "$before_rows"
  out=$("$M" showmigrations products 2>&1)
  check "shown unapplied" contains "$out" " [ ] 0006_broken"
  rm products/migrations/0006_broken.json

  # Two branches from one parent: a conflict, resolved by makemigrations --merge.
  for side in left right; do
    cat >products/migrations/0006_$side.json <<JSON
{
  "dependencies": [["products", "0005_remove_product_available"]],
  "operations": [
    {"op": "RunSQL", "sql": "CREATE TABLE merge_$side (id integer)", "reverse_sql": "DROP TABLE merge_$side"}
  ]
}
JSON
  done
  set +e
  out=$("$M" makemigrations 2>&1); rc=$?
  set -e
  check "conflict stops makemigrations" test "$rc" = 1
  check "conflict named" contains "$out" "CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: (0006_left, 0006_right in products)."
  check "conflict advice" contains "$out" "To fix them run './manage makemigrations --merge'"
  set +e
  out=$("$M" migrate 2>&1); rc=$?
  set -e
  check "conflict stops migrate" test "$rc" = 1
  out=$("$M" makemigrations orders 2>&1)
  check "another app's conflict does not matter" test "$out" = "No changes detected in app 'orders'"
  out=$(echo n | "$M" makemigrations --merge 2>&1)
  check "merge asks" contains "$out" "Do you want to merge these migration branches? [y/N]"
  check "no means no" test ! -e products/migrations/0007_merge_0006_left_0006_right.json
  out=$("$M" makemigrations --merge --dry-run --noinput -v 3 2>&1)
  check "--dry-run -v 3 shows the file" contains "$out" "Full merge migrations file '0007_merge_0006_left_0006_right.json':"
  check "--dry-run writes nothing" test ! -e products/migrations/0007_merge_0006_left_0006_right.json
  out=$("$M" makemigrations --merge --noinput 2>&1)
  check "merge heading" contains "$out" "Merging products"
  check "branch listed" contains "$out" $'  Branch 0006_left\n    - Raw SQL operation\n  Branch 0006_right\n    - Raw SQL operation'
  check "merge written" contains "$out" $'\nCreated new merge migration products/migrations/0007_merge_0006_left_0006_right.json'
  check "merge depends on both" test "$(tr -d ' \n' <products/migrations/0007_merge_0006_left_0006_right.json)" = '{"dependencies":[["products","0006_left"],["products","0006_right"]],"operations":[]}'
  out=$("$M" makemigrations --merge 2>&1)
  check "nothing left to merge" test "$out" = "No conflicts detected to merge."
  out=$("$M" migrate 2>&1)
  check "both branches applied" contains "$out" "  Applying products.0006_right... OK"
  check "merge applied" contains "$out" "  Applying products.0007_merge_0006_left_0006_right... OK"
  check "branch tables made" test "$(table_exists merge_left)$(table_exists merge_right)" = 11
  out=$("$M" migrate products 0005 2>&1)
  check "merge unapplied first" test "$(grep Unapplying <<<"$out" | head -1)" = "  Unapplying products.0007_merge_0006_left_0006_right... OK"
  check "branch tables dropped" test "$(table_exists merge_left)$(table_exists merge_right)" = 00
  rm products/migrations/0006_left.json products/migrations/0006_right.json products/migrations/0007_merge_*.json

  # Backwards.
  out=$("$M" migrate products 0002 2>&1)
  check "target header" contains "$out" "  Target specific migration: 0002_product_slug, from products"
  check "unapplies newest first" test "$(grep Unapplying <<<"$out" | head -1)" = "  Unapplying products.0005_remove_product_available... OK"
  check "reverse data migration ran" test "$(sql "SELECT slug FROM products_product ORDER BY id")" = $'x\nx'
  check "column renamed back" test "$(sql "SELECT name FROM products_product ORDER BY id")" = $'A\nB'
  check "RunSQL reversed" test "$(table_exists products_note)" = 0
  out=$("$M" migrate products zero 2>&1)
  check "zero header" contains "$out" "  Unapply all migrations: products"
  check "dependants first" test "$(grep Unapplying <<<"$out" | head -1)" = "  Unapplying orders.0001_initial... OK"
  check "tables dropped" test "$(table_exists products_product)" = 0
  check "records removed" test "$(sql "SELECT count(*) FROM django_migrations")" = 0

  # --fake
  out=$("$M" migrate --fake 2>&1)
  check "--fake" contains "$out" "  Applying products.0001_initial... FAKED"
  check "--fake creates nothing" test "$(table_exists products_product)" = 0
  "$M" migrate products zero --fake >/dev/null
  out=$("$M" migrate 2>&1)
  check "real run after fake zero" contains "$out" "  Applying orders.0001_initial... OK"
  check "tables back" test "$(table_exists orders_order)" = 1
  out=$("$M" makemigrations --check --noinput 2>&1)
  check "in sync at the end" test "$out" = "No changes detected"

  # Relations: a ManyToManyField (automatic through table) and a OneToOneField.
  export MN_MIG_VARIANT=5
  out=$("$M" makemigrations 2>&1)
  check "relations detected" contains "$out" "    - Create model Tag"
  check "m2m field added" contains "$out" "    - Add field tags to product"
  "$M" migrate >/dev/null
  check "through table made" test "$(table_exists products_product_tags)" = 1
  sql "INSERT INTO products_category (id, name) VALUES (1, 'Toys')"
  sql "INSERT INTO products_product (id, title, slug, price, category_id, created) VALUES (1, 'Top', 'top', 3, 1, '2024-01-01 00:00:00')"
  sql "INSERT INTO products_tag (name, product_id) VALUES ('new', 1)"
  sql "INSERT INTO products_product_tags (product_id, tag_id) VALUES (1, 1)"
  set +e
  sql "INSERT INTO products_product_tags (product_id, tag_id) VALUES (1, 1)" 2>/dev/null; rc=$?
  sql "INSERT INTO products_tag (name, product_id) VALUES ('dup', 1)" 2>/dev/null; rc2=$?
  set -e
  check "through pairs are unique" test "$rc" != 0
  check "one-to-one is unique" test "$rc2" != 0
  out=$("$M" makemigrations --check --noinput 2>&1)
  check "relations in sync" test "$out" = "No changes detected"

  # Conditions as Q trees: a check constraint with OR/NOT and a partial index.
  export MN_MIG_VARIANT=6
  out=$("$M" makemigrations 2>&1)
  check "tree constraint detected" contains "$out" "free_not_paid"
  check "tree written as a Q object" grep -q '"connector": "OR"' products/migrations/0007_*.json
  check "negation written" grep -q '"negated": true' products/migrations/0007_*.json
  out=$("$M" sqlmigrate products 0007 2>&1)
  check "sqlmigrate shows the ORM's condition" contains "$out" "CHECK ((\"price\" > '0.00' OR NOT (\"slug\" = 'paid')))"
  check "partial index with NOT" contains "$out" "ON \"products_product\" (\"slug\") WHERE NOT (\"price\" = '0.00')"
  "$M" migrate >/dev/null
  sql "INSERT INTO products_product (id, title, slug, price, category_id, created) VALUES (2, 'Gift', 'gift', 0, 1, '2024-01-01 00:00:00')"
  set +e
  sql "INSERT INTO products_product (id, title, slug, price, category_id, created) VALUES (3, 'Paid', 'paid', 0, 1, '2024-01-01 00:00:00')" 2>/dev/null; rc=$?
  set -e
  check "the tree constraint is enforced" test "$rc" != 0
  out=$("$M" makemigrations --check --noinput 2>&1)
  check "trees in sync" test "$out" = "No changes detected"
  sql "DELETE FROM products_product WHERE id = 2"
  "$M" migrate products 0005 >/dev/null
  check "through table dropped backwards" test "$(table_exists products_product_tags)" = 0
  check "tag table dropped backwards" test "$(table_exists products_tag)" = 0
  cd "$root"
  rm -rf "$dir"
}

# SQLite
sql() { sqlite3 -batch db.sqlite3 "$1"; }
table_exists() { sql "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='$1'"; }
export DATABASE_URL=sqlite:///db.sqlite3
suite sqlite

# PostgreSQL
. "$root/tests/pg.sh"
export DATABASE_URL=$MN_TEST_DATABASE_URL
sql() { (cd / && mn_pg_run "$mn_pg_bin/psql" -h "$mn_pg_dir" -p "$mn_pg_port" -U mn -d mn_test -v ON_ERROR_STOP=1 -qAtc "$1"); }
table_exists() { sql "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '$1'"; }
suite postgres
# The executor's unit tests (atomic failure, backwards, fake) on PostgreSQL.
label=postgres
out=$("$build"/tests/test_migrate_graph --jobs=2 2>&1) || true
grep -q 'Failing: 0 | Crashing: 0' <<<"$out" || grep -a -E '\[(FAIL|----)\]' <<<"$out" >&2 || true
check "executor unit tests on PostgreSQL" grep -q 'Failing: 0 | Crashing: 0' <<<"$out"

if [ "$fails" != 0 ]; then
  echo "migrate_project: $fails check(s) failed" >&2
  exit 1
fi
echo "migrate_project: all checks passed on SQLite and PostgreSQL"
