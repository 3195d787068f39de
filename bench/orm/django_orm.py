"""Django 3.2's ORM on the same database as bench_orm: bulk_create, filter +
iterate, select_related, get by pk, an aggregate, update with F(). Prints "name seconds" lines.

    django_orm.py /tmp/bench.sqlite3 [case ...]
    django_orm.py postgres://user@/db?host=/run/pg [case ...]
"""
import os
import sys
import time
from urllib.parse import parse_qs, urlparse

import django
from django.conf import settings

target = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench_orm.sqlite3"
cases = set(sys.argv[2:])
N = int(os.environ.get("BENCH_N", "100000"))  # products (the sizes, as bench_orm.c)
GN = min(N, int(os.environ.get("BENCH_GETS", "10000")))  # get() calls
RN = int(os.environ.get("BENCH_RELATED_N", "10000"))  # items of select_related
FILTER_REPS, RELATED_REPS, AGG_REPS, UPDATE_REPS = 10, 10, 20, 10
NCATEGORIES = 100

if target.startswith(("postgres://", "postgresql://")):
    u = urlparse(target)
    q = parse_qs(u.query)
    db = {"ENGINE": "django.db.backends.postgresql", "NAME": u.path.lstrip("/"), "USER": u.username or "",
          "PASSWORD": u.password or "", "HOST": q.get("host", [u.hostname or ""])[0],
          "PORT": q.get("port", [str(u.port or "")])[0]}
else:
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": target}
settings.configure(DATABASES={"default": db}, INSTALLED_APPS=[], USE_TZ=True, DEBUG=False)
django.setup()

from decimal import Decimal  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.db.models import Avg, Count, F, Sum  # noqa: E402


class Product(models.Model):
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.IntegerField(default=0)
    available = models.BooleanField(default=True)

    class Meta:
        app_label = "bench"


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.CharField(max_length=100)

    class Meta:
        app_label = "bench"


class Item(models.Model):
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.IntegerField(default=0)
    available = models.BooleanField(default=True)
    category = models.ForeignKey(Category, models.CASCADE, related_name="items")

    class Meta:
        app_label = "bench"


def wanted(name):
    return not cases or name in cases


with connection.cursor() as c:
    if connection.vendor == "sqlite":
        c.execute("PRAGMA journal_mode=WAL")
    c.execute("DROP TABLE IF EXISTS bench_product")
with connection.schema_editor() as se:
    se.create_model(Product)

t0 = time.perf_counter()
Product.objects.bulk_create(
    [Product(name="Product %d" % i, price=Decimal(100 + i % 50000) / 100, stock=i % 100) for i in range(N)])
print("django_bulk_create %.6f" % (time.perf_counter() - t0))
expected = sum(i % 100 for i in range(N) if i % 100 >= 50)

if wanted("filter_iterate"):
    t0 = time.perf_counter()
    total = 0
    for _ in range(FILTER_REPS):
        for p in Product.objects.filter(stock__gte=50):
            total += p.stock
    print("django_filter_iterate %.6f" % ((time.perf_counter() - t0) / FILTER_REPS))
    assert total == FILTER_REPS * expected

if wanted("select_related"):
    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_item")
        c.execute("DROP TABLE IF EXISTS bench_category")
    with connection.schema_editor() as se:
        se.create_model(Category)
        se.create_model(Item)
    Category.objects.bulk_create(
        [Category(name="Category %d" % i, slug="category-%d" % i) for i in range(NCATEGORIES)])
    Item.objects.bulk_create(
        [Item(name="Product %d" % i, price=Decimal(100 + i % 50000) / 100, stock=i % 100,
              category_id=1 + i % NCATEGORIES) for i in range(RN)])
    t0 = time.perf_counter()
    total = 0
    for _ in range(RELATED_REPS):
        for it in Item.objects.select_related("category"):
            total += it.stock + len(it.category.name)
    print("django_select_related %.6f" % ((time.perf_counter() - t0) / RELATED_REPS))
    assert total == RELATED_REPS * sum(i % 100 + len("Category %d" % (i % NCATEGORIES)) for i in range(RN))

if wanted("get_pk"):
    t0 = time.perf_counter()
    for i in range(GN):
        p = Product.objects.get(pk=1 + i)
        assert p.stock == i % 100
    print("django_get_pk %.6f" % (time.perf_counter() - t0))

if wanted("aggregate"):
    t0 = time.perf_counter()
    for _ in range(AGG_REPS):
        r = Product.objects.filter(stock__gte=50).aggregate(total=Sum("price"), avg=Avg("stock"), n=Count("*"))
        assert r["n"] == N // 2
    print("django_aggregate %.6f" % ((time.perf_counter() - t0) / AGG_REPS))

if wanted("update_f"):
    t0 = time.perf_counter()
    for _ in range(UPDATE_REPS):
        assert Product.objects.update(stock=F("stock") + 1) == N
    print("django_update_f %.6f" % ((time.perf_counter() - t0) / UPDATE_REPS))
