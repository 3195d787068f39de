#!/usr/bin/env bash
# squashmigrations end to end with the test project $MN_BUILD/tests/mig_manage
# (tests/migrate/mig_manage.c), on SQLite and on a real PostgreSQL:
#  - the command: its messages and errors as Django's, the squashed file
#    (replaces, dependencies, RunSQL kept, elidable RunSQL dropped);
#  - migrating with the squash: a fresh database (the squash runs, every
#    replaced name and the squash recorded), a database that had all the old
#    migrations (nothing runs, the squash gets its row), one that had some
#    (the old ones run), then the old files deleted, and backwards;
#  - the models in sync after the squash (makemigrations --check);
#  - Django 3.2 on the same kind of migrations (Python files beside our JSON
#    ones) writes the same django_migrations rows in each situation;
#  - the optimizer against Django's MigrationOptimizer on many operation
#    lists (squash_optimizer_cases.py).
set -euo pipefail
build=$(cd "${MN_BUILD:-build}" && pwd)
M=$build/tests/mig_manage
[ -x "$M" ] || { echo "squash: $M is not built" >&2; exit 1; }
root=$(pwd)
here=$root/tests/integration
fails=0
label=setup
check() { # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then :; else echo "FAIL [$label]: $what" >&2; fails=$((fails + 1)); fi
}
contains() { grep -qF -- "$2" <<<"$1"; }
lacks() { ! grep -qF -- "$2" <<<"$1"; }

# The rows of django_migrations as "app name" lines, in id order.
rows() { DATABASE_URL=$1 sql "SELECT app || ' ' || name FROM django_migrations ORDER BY id"; }

suite() {
  label=$1
  local dir out rc
  dir=$(mktemp -d)
  cd "$dir"
  db_main=$(dburl main) db_all=$(dburl all) db_some=$(dburl some) db_fresh=$(dburl fresh)

  # Four migrations of products (a NOT NULL field, RunSQL, a rename with
  # an index, a constraint and unique_together) and one of orders.
  export MN_MIG_VARIANT=1 DATABASE_URL=$db_main
  out=$("$M" squashmigrations products 0001 --noinput 2>&1) || true
  check "no migrations yet" test "$out" = "CommandError: App 'products' does not have migrations (so squashmigrations on it makes no sense)"
  "$M" makemigrations >/dev/null
  export MN_MIG_VARIANT=2
  printf '1\nx\n' | "$M" makemigrations >/dev/null
  "$M" makemigrations products --empty --name notes >/dev/null
  python3 - products/migrations/0003_notes.json <<'PY'
import json, sys
p = sys.argv[1]
m = json.load(open(p))
m["operations"] = [
    {"op": "RunSQL", "sql": "CREATE TABLE products_note (id integer PRIMARY KEY)", "reverse_sql": "DROP TABLE products_note"},
    {"op": "RunSQL", "sql": "UPDATE products_product SET slug = slug", "reverse_sql": [], "elidable": True},
]
json.dump(m, open(p, "w"), indent=2)
PY
  export MN_MIG_VARIANT=3
  printf 'y\n' | "$M" makemigrations >/dev/null
  local m4
  m4=$(basename products/migrations/0004_auto_*.json .json)
  check "four migrations" test -f "products/migrations/$m4.json"

  # Databases in each situation, made before the squash exists.
  DATABASE_URL=$db_all "$M" migrate >/dev/null
  DATABASE_URL=$db_some "$M" migrate products 0002 >/dev/null
  check "some applied" test "$(rows "$db_some" | wc -l)" = 2

  # The command's errors.
  set +e
  out=$("$M" squashmigrations nope 0004 --noinput 2>&1); rc=$?
  check "unknown app" test "$out" = "CommandError: No installed app with label 'nope'."
  check "unknown app exits 1" test "$rc" = 1
  out=$("$M" squashmigrations products 0009 --noinput 2>&1)
  check "unknown migration" test "$out" = "CommandError: Cannot find a migration matching '0009' from app 'products'."
  out=$("$M" squashmigrations products 000 --noinput 2>&1)
  check "ambiguous prefix" test "$out" = "CommandError: More than one migration matches '000' in app 'products'. Please be more specific."
  out=$("$M" squashmigrations products 0003 0002 --noinput 2>&1)
  check "start after end" test "$out" = $'CommandError: The migration \'products.0003_notes\' cannot be found. Maybe it comes after the migration \'products.0002_product_slug\'?\nHave a look at:\n  ./manage showmigrations products\nto debug this issue.'
  out=$("$M" squashmigrations products 2>&1); rc=$?
  check "a migration name is required" contains "$out" "the following arguments are required: migration_name"
  check "usage error exits 2" test "$rc" = 2
  set -e

  # Asked, answered no: nothing written.
  out=$(echo n | "$M" squashmigrations products 0004 2>&1)
  check "lists what it squashes" contains "$out" $'Will squash the following migrations:\n - 0001_initial\n - 0002_product_slug\n - 0003_notes\n - '"$m4"
  check "asks" contains "$out" "Do you wish to proceed? [yN] "
  check "no means no" test -z "$(ls products/migrations | grep squashed || true)"
  out=$(printf 'maybe\n\n' | "$M" squashmigrations products 0004 2>&1)
  check "an empty answer is no" test -z "$(ls products/migrations | grep squashed || true)"

  # The squash.
  out=$(echo y | "$M" squashmigrations products 0004 2>&1)
  local sq=0001_squashed_$m4
  check "Django's name" test -f "products/migrations/$sq.json"
  check "optimizing" contains "$out" "Optimizing..."
  check "optimized" grep -qE '^  Optimized from 9 operations to 7 operations\.$' <<<"$out"
  check "created" contains "$out" "Created new squashed migration products/migrations/$sq.json"
  check "advice" contains "$out" $'  You should commit this migration but leave the old ones in place;\n  the new migration will be used for new installs. Once you are sure\n  all instances of the codebase have applied the migrations you squashed,\n  you can delete them.'
  python3 - "products/migrations/$sq.json" "$m4" <<'PY' || { echo "FAIL [$label]: squashed file" >&2; fails=$((fails + 1)); }
import json, sys
m = json.load(open(sys.argv[1]))
assert m["replaces"] == [["products", "0001_initial"], ["products", "0002_product_slug"],
                         ["products", "0003_notes"], ["products", sys.argv[2]]], m["replaces"]
assert m["initial"] is True
assert m["dependencies"] == [], m["dependencies"]
ops = [o["op"] for o in m["operations"]]
assert ops[:3] == ["CreateModel", "CreateModel", "RunSQL"], ops
assert "slug" in [f["name"] for f in m["operations"][1]["fields"]], "AddField folded into CreateModel"
assert all(not o.get("elidable") for o in m["operations"]), "the elidable RunSQL is dropped"
assert sum(o["op"] == "RunSQL" for o in m["operations"]) == 1
PY
  out=$("$M" squashmigrations products 0004 --noinput 2>&1) || true
  check "no overwrite" contains "$out" "CommandError: Migration $sq already exists. Use a different name."
  out=$("$M" squashmigrations products 0002 0003 --noinput --no-optimize --squashed-name middle -v 0 2>&1)
  check "-v 0 is silent" test -z "$out"
  check "--squashed-name with a start" test -f products/migrations/0002_middle.json
  check "a start keeps its dependency" grep -q '\["products", "0001_initial"\]' products/migrations/0002_middle.json
  check "not initial" test "$(grep -c '"initial"' products/migrations/0002_middle.json)" = 0
  rm products/migrations/0002_middle.json
  out=$("$M" squashmigrations products 0001 0002 --noinput 2>&1) || true
  check "0001 is ambiguous beside the squash" contains "$out" "More than one migration matches '0001' in app 'products'."
  out=$("$M" squashmigrations products 0001_i 0002 --noinput --no-optimize 2>&1)
  check "--no-optimize" contains "$out" "(Skipping optimization.)"
  check "start_squashed_end" test -f products/migrations/0001_initial_squashed_0002_product_slug.json
  rm products/migrations/0001_initial_squashed_0002_product_slug.json
  set +e
  out=$("$M" squashmigrations products "$sq" --noinput 2>&1)
  set -e
  check "no squash of a squash" contains "$out" "CommandError: You cannot squash squashed migrations! Please transition it to a normal migration first"

  out=$("$M" showmigrations products 2>&1)
  check "showmigrations names the squash" contains "$out" " [ ] $sq (4 squashed migrations)"
  check "the old ones are not listed" lacks "$out" "0002_product_slug"
  out=$("$M" sqlmigrate products "$sq" 2>&1)
  check "sqlmigrate of the squash" contains "$out" "-- Create model Product"
  out=$("$M" sqlmigrate products 0002 2>&1)
  check "sqlmigrate of a replaced one" contains "$out" "-- Add field slug to product"

  # A fresh database: the squash runs and records everything.
  export DATABASE_URL=$db_fresh
  out=$("$M" migrate 2>&1)
  check "squash applied" contains "$out" "  Applying products.$sq... OK"
  check "old ones not applied" lacks "$out" "Applying products.0001_initial"
  check "orders after the squash" contains "$out" "  Applying orders.0001_initial... OK"
  check "fresh rows" test "$(rows "$db_fresh")" = "products 0001_initial
products 0002_product_slug
products 0003_notes
products $m4
orders 0001_initial
products $sq"
  check "RunSQL of the squash ran" test "$(table_exists products_note)" = 1
  out=$("$M" showmigrations 2>&1)
  check "shown applied" contains "$out" " [X] $sq (4 squashed migrations)"
  out=$("$M" makemigrations --check --noinput 2>&1)
  check "the squash gives the same models" test "$out" = "No changes detected"
  out=$("$M" migrate 2>&1)
  check "nothing more" contains "$out" "  No migrations to apply."
  check "no second row" test "$(rows "$db_fresh" | wc -l)" = 6

  # A database that had all the old ones: nothing runs, the squash is marked.
  export DATABASE_URL=$db_all
  out=$("$M" showmigrations products 2>&1)
  check "counts as applied" contains "$out" " [X] $sq (4 squashed migrations)"
  out=$("$M" migrate 2>&1)
  check "nothing re-run" contains "$out" "  No migrations to apply."
  check "squash recorded" test "$(rows "$db_all" | tail -1)" = "products $sq"
  check "all rows" test "$(rows "$db_all" | wc -l)" = 6

  # Some applied: the old path.
  export DATABASE_URL=$db_some
  out=$("$M" showmigrations products 2>&1)
  check "old ones listed" contains "$out" $' [X] 0001_initial\n [X] 0002_product_slug\n [ ] 0003_notes'
  out=$("$M" migrate 2>&1)
  check "old path" contains "$out" "  Applying products.0003_notes... OK"
  check "no squash run" lacks "$out" "Applying products.$sq"
  check "squash recorded at the end" test "$(rows "$db_some" | tail -1)" = "products $sq"
  check "same rows as fresh" test "$(rows "$db_some" | sort)" = "$(rows "$db_fresh" | sort)"

  # The old files deleted: the squash stands alone (orders depended on a
  # deleted name: it now depends on the squash).
  rm products/migrations/0001_initial.json products/migrations/0002_product_slug.json \
     products/migrations/0003_notes.json "products/migrations/$m4.json"
  for db in "$db_fresh" "$db_all" "$db_some"; do
    out=$(DATABASE_URL=$db "$M" migrate 2>&1)
    check "nothing to do after deleting" contains "$out" "  No migrations to apply."
  done
  export DATABASE_URL=$(dburl late)
  out=$("$M" migrate 2>&1)
  check "a new install uses the squash" contains "$out" "  Applying products.$sq... OK"
  check "and records the replaced names" test "$(rows "$DATABASE_URL" | sort)" = "$(rows "$db_fresh" | sort)"
  export MN_MIG_VARIANT=4
  out=$("$M" makemigrations 2>&1)
  check "numbering goes on after the squash" contains "$out" "products/migrations/0005_remove_product_available.json"
  check "depends on the squash" grep -q "\"products\", \"$sq\"" products/migrations/0005_remove_product_available.json
  "$M" migrate >/dev/null
  # Backwards: every replaced name and the squash are unrecorded.
  out=$("$M" migrate products zero 2>&1)
  check "squash unapplied" contains "$out" "  Unapplying products.$sq... OK"
  check "rows gone" test "$(rows "$DATABASE_URL" | wc -l)" = 0
  check "tables gone" test "$(table_exists products_product)$(table_exists products_note)" = 00
  cd "$root"
  rm -rf "$dir"
}

# Django 3.2 and Manouche on the same migrations (RunSQL only, so the two
# formats hold the same thing): the rows of django_migrations must match.
django_rows() {
  label="$1 django"
  local dir
  dir=$(mktemp -d)
  cd "$dir"
  mkdir -p products/migrations orders/migrations
  : >products/__init__.py; : >products/migrations/__init__.py
  : >orders/__init__.py; : >orders/migrations/__init__.py
  python3 - <<'PY'
import json
def mig(app, name, deps, ops, replaces=None):
    py = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
    if replaces:
        py += "    replaces = %r\n" % [tuple(r) for r in replaces]
    py += "    dependencies = %r\n    operations = [\n" % [tuple(d) for d in deps]
    for t in ops:
        py += "        migrations.RunSQL('CREATE TABLE %s (id integer)', 'DROP TABLE %s'),\n" % (t, t)
    py += "    ]\n"
    js = {"dependencies": deps, "operations": [{"op": "RunSQL", "sql": "CREATE TABLE %s (id integer)" % t,
                                                 "reverse_sql": "DROP TABLE %s" % t} for t in ops]}
    if replaces:
        js["replaces"] = replaces
    target = "squash/" if replaces else ""
    open("%s/migrations/%s%s.py" % (app, target, name), "w").write(py)
    open("%s/migrations/%s%s.json" % (app, target, name), "w").write(json.dumps(js))
import os
os.makedirs("products/migrations/squash"); os.makedirs("orders/migrations/squash")
mig("products", "0001_initial", [], ["p1"])
mig("products", "0002_second", [["products", "0001_initial"]], ["p2"])
mig("products", "0003_third", [["products", "0002_second"]], ["p3"])
mig("orders", "0001_initial", [["products", "0002_second"]], ["o1"])
mig("products", "0001_squashed_0003_third", [], ["p1", "p2", "p3"],
    [["products", "0001_initial"], ["products", "0002_second"], ["products", "0003_third"]])
PY
  cat >dj.py <<'PY'
import os, sys
sys.path.insert(0, os.getcwd())
import django
from django.conf import settings
url = os.environ["DJ_URL"]
if url.startswith("sqlite"):
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(os.getcwd(), url[len("sqlite:///"):])}
else:
    db = {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["DJ_DB"], "USER": "mn",
          "HOST": os.environ["PGHOST_DIR"], "PORT": os.environ["PGPORT_NUM"]}
settings.configure(DATABASES={"default": db}, INSTALLED_APPS=["products", "orders"], USE_TZ=True)
django.setup()
from django.core.management import call_command
call_command("migrate", *sys.argv[1:], verbosity=0)
PY
  squash_in() { mv products/migrations/squash/* products/migrations/; }
  squash_out() { mv products/migrations/0001_squashed_0003_third.* products/migrations/squash/; }
  # Each situation on a Django database and on ours.
  local sit
  for sit in fresh all some; do
    local ours dj
    ours=$(dburl "ours_$sit") dj=$(dburl "dj_$sit")
    case $sit in
      all) DATABASE_URL=$ours "$M" migrate >/dev/null; dj_migrate "$dj" ;;
      some) DATABASE_URL=$ours "$M" migrate products 0001 >/dev/null; dj_migrate "$dj" products 0001 ;;
    esac
    squash_in
    DATABASE_URL=$ours "$M" migrate >/dev/null
    dj_migrate "$dj"
    check "$sit: the same rows as Django" test "$(rows "$ours" | sort)" = "$(rows "$dj" | sort)"
    check "$sit: the squash recorded last, as Django" test "$(rows "$ours" | tail -1)" = "$(rows "$dj" | tail -1)"
    check "$sit: rows there" test "$(rows "$ours" | wc -l)" = 5
    check "$sit: tables" test "$(DATABASE_URL=$ours table_exists p3)$(DATABASE_URL=$ours table_exists o1)" = 11
    squash_out
  done
  cd "$root"
  rm -rf "$dir"
}

# SQLite
sql() { sqlite3 -batch "${DATABASE_URL#sqlite:///}" "$1"; }
table_exists() { sql "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='$1'"; }
dburl() { echo "sqlite:///$1.sqlite3"; }
dj_migrate() { local u=$1; shift; DJ_URL=$u python3 dj.py "$@"; }
suite sqlite
django_rows sqlite

# The optimizer against Django's on many operation lists.
label=optimizer
optdir=$(mktemp -d)
python3 "$here/squash_optimizer_cases.py" write "$optdir"
for case in "$optdir"/*/; do
  (cd "$case" && DATABASE_URL=sqlite:///db.sqlite3 "$M" squashmigrations products 0001 --noinput >out.txt 2>&1) ||
    { echo "FAIL [optimizer]: squashmigrations failed in $case" >&2; cat "$case/out.txt" >&2; fails=$((fails + 1)); }
done
out=$(python3 "$here/squash_optimizer_cases.py" compare "$optdir" 2>&1) || true
check "no case differs: $out" contains "$out" ", 0 differ from Django"
rm -rf "$optdir"

# Django's optimizer moves a RenameModel before a CreateModel whose foreign
# key names the model's middle name (Django 3.2 writes that broken squash):
# the squash is refused, and --no-optimize still works.
label=dangling
optdir=$(mktemp -d)
mkdir -p "$optdir/products/migrations"
cat >"$optdir/products/migrations/0001_initial.json" <<'JSON'
{"initial": true, "operations": [{"op": "CreateModel", "name": "Foo", "fields": [{"name": "id", "type": "BigAutoField", "primary_key": true}]}]}
JSON
cat >"$optdir/products/migrations/0002_renames.json" <<'JSON'
{"dependencies": [["products", "0001_initial"]], "operations": [
  {"op": "RenameModel", "old_name": "Foo", "new_name": "Bar"},
  {"op": "CreateModel", "name": "C", "fields": [{"name": "id", "type": "BigAutoField", "primary_key": true},
                                               {"name": "bar", "type": "ForeignKey", "to": "products.bar"}]},
  {"op": "RenameModel", "old_name": "Bar", "new_name": "Baz"}]}
JSON
out=$(cd "$optdir" && DATABASE_URL=sqlite:///db.sqlite3 "$M" squashmigrations products 0002 0002 --noinput 2>&1) || true
check "a squash changing the models is refused" contains "$out" "CommandError: The optimized operations do not give the models the squashed migrations give (the squash would need: Alter field bar on c). Squash with --no-optimize, or over a shorter range."
check "nothing written" test ! -e "$optdir/products/migrations/0002_renames_squashed_0002_renames.json"
out=$(cd "$optdir" && DATABASE_URL=sqlite:///db.sqlite3 "$M" squashmigrations products 0002 0002 --noinput --no-optimize 2>&1)
check "--no-optimize squashes it" test -f "$optdir/products/migrations/0002_renames_squashed_0002_renames.json"
rm -rf "$optdir"

# PostgreSQL
. "$root/tests/pg.sh"
pgsql() { (cd / && mn_pg_run "$mn_pg_bin/psql" -h "$mn_pg_dir" -p "$mn_pg_port" -U mn -d "$1" -v ON_ERROR_STOP=1 -qAtc "$2"); }
pgdb() { # the database name of a DATABASE_URL made by dburl
  local u=${1#*/mn@/}; echo "${u%%\?*}"
}
sql() { pgsql "$(pgdb "$DATABASE_URL")" "$1"; }
table_exists() { sql "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '$1'"; }
dburl() {
  local name=mn_$1
  pgsql mn_test "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1 ||
    (cd / && mn_pg_run "$mn_pg_bin/createdb" -h "$mn_pg_dir" -p "$mn_pg_port" -U mn "$name")
  echo "postgres://mn@/$name?host=$mn_pg_dir&port=$mn_pg_port"
}
dj_migrate() { local u=$1; shift; DJ_URL=$u DJ_DB=$(pgdb "$u") PGHOST_DIR=$mn_pg_dir PGPORT_NUM=$mn_pg_port python3 dj.py "$@"; }
suite postgres
django_rows postgres

if [ "$fails" != 0 ]; then
  echo "squash: $fails check(s) failed" >&2
  exit 1
fi
echo "squash: all checks passed on SQLite and PostgreSQL, and as Django"
