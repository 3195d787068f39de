"""Django 3.2 on the file bench_nplus1 filled: the guide's N+1 example,
lazily and with select_related/prefetch_related. Prints
"name seconds_per_pass queries_per_pass" lines."""
import os
import sys
import time
import types

import django
from django.conf import settings

# An installed app "bench" (reverse relations need the app registry).
app = types.ModuleType("bench")
app.__path__ = [os.path.dirname(os.path.abspath(__file__))]
sys.modules["bench"] = app

path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench_nplus1.sqlite3"
settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path}},
    INSTALLED_APPS=["bench"], USE_TZ=True, DEBUG=False)
django.setup()

from django.db import connection, models  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


class Category(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        app_label = "bench"


class Tag(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        app_label = "bench"


class Product(models.Model):
    name = models.CharField(max_length=200)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="products")
    tags = models.ManyToManyField(Tag, related_name="products")

    class Meta:
        app_label = "bench"


PASSES = 50


def one_pass(optimized):
    qs = Product.objects.order_by("id")
    if optimized:
        qs = qs.select_related("category").prefetch_related("tags")
    total = 0
    for p in qs:
        total += len(p.category.name)
        total += len(p.tags.all())
    return total


for optimized in (False, True):
    check = one_pass(optimized)
    with CaptureQueriesContext(connection) as ctx:
        one_pass(optimized)
    queries = len(ctx.captured_queries)
    t0 = time.perf_counter()
    for _ in range(PASSES):
        assert one_pass(optimized) == check
    dt = (time.perf_counter() - t0) / PASSES
    print("django_%s %.6f %d" % ("optimized" if optimized else "naive", dt, queries))
