#!/usr/bin/env bash
# A database migrated by Django 3.2 is continued by Manouche: Django makes
# and applies products/0001_initial and writes rows; our showmigrations
# reads its django_migrations ([X] products 0001_initial), our migrate
# applies what Django did not have (orders, then a new field on Django's
# table), and Django reads the result back (rows, the new column, the
# migration records). On SQLite and on PostgreSQL (psycopg2).
set -euo pipefail
build=$(cd "${MN_BUILD:-build}" && pwd)
M=$build/tests/mig_manage
[ -x "$M" ] || { echo "migrate_django: $M is not built" >&2; exit 1; }
root=$(pwd)
fails=0
check() {
  local what=$1; shift
  if "$@"; then :; else echo "FAIL [$label]: $what" >&2; fails=$((fails + 1)); fi
}
contains() { grep -qF -- "$2" <<<"$1"; }

write_django_project() {
  mkdir -p products/migrations
  : >products/__init__.py
  : >products/migrations/__init__.py
  cat >products/models.py <<'PY'
import os
from django.db import models

class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    class Meta:
        verbose_name_plural = "categories"

class Product(models.Model):
    name = models.CharField(max_length=200)
    if os.environ.get("DJ_SLUG"):
        slug = models.SlugField()
    price = models.DecimalField(max_digits=10, decimal_places=2)
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    available = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    class Meta:
        ordering = ["-created"]
PY
  cat >dj.py <<'PY'
import os, sys, decimal
sys.path.insert(0, os.getcwd())
import django
from django.conf import settings
url = os.environ["DATABASE_URL"]
if url.startswith("sqlite"):
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(os.getcwd(), "db.sqlite3")}
else:
    db = {"ENGINE": "django.db.backends.postgresql", "NAME": "mn_test", "USER": "mn",
          "HOST": os.environ["PGHOST_DIR"], "PORT": os.environ["PGPORT_NUM"]}
settings.configure(DATABASES={"default": db}, INSTALLED_APPS=["products"], USE_TZ=True,
                   DEFAULT_AUTO_FIELD="django.db.models.BigAutoField")
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from products.models import Category, Product
cmd = sys.argv[1]
if cmd == "setup":
    call_command("makemigrations", "products", verbosity=0)
    call_command("migrate", verbosity=0)
    c = Category.objects.create(name="Books")
    Product.objects.create(name="Dune", price=decimal.Decimal("9.99"), category=c)
    Product.objects.create(name="Emma", price=decimal.Decimal("5.00"), category=c, available=False)
elif cmd == "read":
    for p in Product.objects.order_by("id"):
        print("row|%s|%s|%s|%s|%s" % (p.name, p.slug, p.price, p.available, p.category.name))
    print("applied|" + ",".join(sorted("%s.%s" % k for k in MigrationRecorder(connection).applied_migrations())))
PY
}

suite() {
  label=$1
  local dir out
  dir=$(mktemp -d)
  cd "$dir"
  write_django_project
  /usr/bin/python3 dj.py setup
  check "Django wrote its migration" test -f products/migrations/0001_initial.py

  # Our 0001_initial for the same models (Django's name): products is
  # already applied in the database, orders is not.
  export MN_MIG_VARIANT=1
  out=$("$M" makemigrations 2>&1)
  check "our initial migration" test -f products/migrations/0001_initial.json
  out=$("$M" showmigrations 2>&1)
  check "Django's record read" test "$out" = $'products\n [X] 0001_initial\norders\n [ ] 0001_initial'
  out=$("$M" migrate 2>&1)
  check "only what Django did not apply" test "$(grep -c Applying <<<"$out")" = 1
  check "orders applied" contains "$out" "  Applying orders.0001_initial... OK"

  # A new field on Django's table.
  export MN_MIG_VARIANT=2
  printf '1\nunset\n' | "$M" makemigrations >/dev/null
  out=$("$M" migrate 2>&1)
  check "continued" contains "$out" "  Applying products.0002_product_slug... OK"
  out=$(DJ_SLUG=1 /usr/bin/python3 dj.py read)
  check "Django reads the rows" test "$(grep ^row <<<"$out")" = $'row|Dune|unset|9.99|True|Books\nrow|Emma|unset|5.00|False|Books'
  check "Django reads the records" test "$(grep ^applied <<<"$out")" = "applied|orders.0001_initial,products.0001_initial,products.0002_product_slug"
  out=$("$M" makemigrations --check --noinput 2>&1)
  check "in sync" test "$out" = "No changes detected"
  cd "$root"
  rm -rf "$dir"
}

export DATABASE_URL=sqlite:///db.sqlite3
suite sqlite

. "$root/tests/pg.sh"
export DATABASE_URL=$MN_TEST_DATABASE_URL PGHOST_DIR=$mn_pg_dir PGPORT_NUM=$mn_pg_port
suite postgres

if [ "$fails" != 0 ]; then
  echo "migrate_django: $fails check(s) failed" >&2
  exit 1
fi
echo "migrate_django: Django's database continued on SQLite and PostgreSQL"
