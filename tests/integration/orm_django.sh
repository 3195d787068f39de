#!/usr/bin/env bash
# The ORM against Django 3.2 on the same SQLite file, both ways: Django
# creates the table and writes rows (decimal, datetime with USE_TZ, date,
# duration, UUID, JSON), Manouche reads and filters them and writes a row,
# Django reads it back. The C side is $MN_BUILD/tests/interop_orm.
set -euo pipefail
build=${MN_BUILD:-build}
helper=$build/tests/interop_orm
[ -x "$helper" ] || { echo "orm_django: $helper is not built" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
HELPER=$helper DB="$dir/db.sqlite3" /usr/bin/python3 - <<'PY'
import datetime, decimal, os, subprocess, sys, uuid
import django
from django.conf import settings
settings.configure(DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DB"]}},
                   INSTALLED_APPS=[], USE_TZ=True, TIME_ZONE="UTC")
django.setup()
from django.db import connection, models
from django.utils import timezone

class Item(models.Model):
    name = models.CharField(max_length=50)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    qty = models.IntegerField()
    active = models.BooleanField()
    born = models.DateField()
    at = models.DateTimeField()
    took = models.DurationField()
    key = models.UUIDField()
    data = models.JSONField()
    class Meta:
        app_label = "interop"

with connection.schema_editor() as se:
    se.create_model(Item)
utc = datetime.timezone.utc
Item.objects.create(name="Lamp", price=decimal.Decimal("19.99"), qty=3, active=True, born=datetime.date(2020, 2, 29),
                    at=datetime.datetime(2024, 1, 5, 10, 30, 0, 250000, tzinfo=utc),
                    took=datetime.timedelta(hours=2, microseconds=5),
                    key=uuid.UUID("12345678-1234-5678-1234-567812345678"), data={"color": "red", "n": [1, 2]})
Item.objects.create(name="Caf\u00e9 'quoted'", price=decimal.Decimal("5.00"), qty=0, active=False,
                    born=datetime.date(1970, 1, 1), at=datetime.datetime(2023, 12, 31, 23, 59, 59, tzinfo=utc),
                    took=datetime.timedelta(0), key=uuid.UUID("a0000000-0000-4000-8000-000000000001"),
                    data=[1, "two", None])
out = subprocess.run([os.environ["HELPER"], os.environ["DB"]], check=True, capture_output=True, text=True).stdout
lines = out.splitlines()
expect = [
    "row|1|Lamp|19.99|3|True|2020-02-29|2024-01-05 10:30:00.250000+00:00|7200000005|"
    "12345678-1234-5678-1234-567812345678|{\"color\":\"red\",\"n\":[1,2]}",
    "row|2|Caf\u00e9 'quoted'|5.00|0|False|1970-01-01|2023-12-31 23:59:59+00:00|0|"
    "a0000000-0000-4000-8000-000000000001|[1,\"two\",null]",
    "count_year_2024|1", "count_price_gte_10|1", "count_json_color_red|1", "count_took_gt_1h|1", "count_active|1",
    "created|3",
]
failed = 0
for got, want in zip(lines, expect):
    if got != want:
        print("C read:   %r\nexpected: %r" % (got, want)); failed += 1
if len(lines) != len(expect):
    print("C printed %d lines, expected %d:\n%s" % (len(lines), len(expect), out)); failed += 1
n = Item.objects.get(pk=3)
checks = [
    (n.name, "from C \u00e9"), (n.price, decimal.Decimal("1234.50")), (n.qty, -3), (n.active, False),
    (n.born, datetime.date(1999, 12, 31)), (n.at, datetime.datetime(2024, 6, 1, 10, 34, 56, 789000, tzinfo=utc)),
    (n.took, datetime.timedelta(days=1, seconds=1, microseconds=500000)),
    (n.key, uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e")), (n.data, {"color": "blue", "sizes": [1, 2.5], "ok": None}),
]
for got, want in checks:
    if got != want:
        print("Django read %r, expected %r" % (got, want)); failed += 1
if Item.objects.filter(data__color="blue").count() != 1 or Item.objects.filter(at__year=2024).count() != 2:
    print("Django's lookups do not see the C row"); failed += 1
print("orm_django: %s" % ("ok" if not failed else "%d failures" % failed))
sys.exit(1 if failed else 0)
PY
