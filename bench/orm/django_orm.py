"""Django 3.2's ORM on the same SQLite file: bulk_create 10,000 rows,
filter + iterate, get by pk 10,000 times. Prints "name seconds" lines."""
import sys
import time

import django
from django.conf import settings

path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench_orm.sqlite3"
settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path}},
    INSTALLED_APPS=[], USE_TZ=True, DEBUG=False)
django.setup()

from decimal import Decimal  # noqa: E402
from django.db import connection, models  # noqa: E402


class Product(models.Model):
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.IntegerField(default=0)
    available = models.BooleanField(default=True)

    class Meta:
        app_label = "bench"


N = 10000
with connection.cursor() as c:
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("DROP TABLE IF EXISTS bench_product")
with connection.schema_editor() as se:
    se.create_model(Product)

t0 = time.perf_counter()
Product.objects.bulk_create(
    [Product(name="Product %d" % i, price=Decimal(100 + i % 50000) / 100, stock=i % 100) for i in range(N)])
print("django_bulk_create %.6f" % (time.perf_counter() - t0))

t0 = time.perf_counter()
total = 0
for _ in range(10):
    for p in Product.objects.filter(stock__gte=50):
        total += p.stock
print("django_filter_iterate %.6f" % ((time.perf_counter() - t0) / 10))
assert total == 10 * 100 * (50 + 99) * 50 // 2

t0 = time.perf_counter()
for i in range(N):
    p = Product.objects.get(pk=1 + i)
    assert p.stock == i % 100
print("django_get_pk %.6f" % (time.perf_counter() - t0))
