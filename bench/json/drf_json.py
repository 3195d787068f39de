# DRF's JSONRenderer and json.loads on the same 1,000 items as bench_json.c.
import sys, time, datetime, decimal
import django
from django.conf import settings
settings.configure()
django.setup()
from rest_framework.renderers import JSONRenderer

created = datetime.datetime(2024, 1, 5, 10, 30, tzinfo=datetime.timezone.utc)
items = [{
    "id": i,
    "name": "Product %d" % i,
    "price": str(decimal.Decimal(1999 + i) / 100),  # a DecimalField's output
    "rating": 4.25 + i / 1000.0,
    "in_stock": i % 3 != 0,
    "description": "A fine caf\u00e9 product with \"quotes\" and a line\nbreak",
    "tags": ["kitchen", "sale"],
    "created": created + datetime.timedelta(seconds=i),
} for i in range(1000)]
iters = int(sys.argv[1]) if len(sys.argv) > 1 else 100
r = JSONRenderer()
out = r.render(items)
t0 = time.perf_counter()
for i in range(iters):
    out = r.render(items)
dt = time.perf_counter() - t0
print("django write %.0f lists/s (%.1f us per 1,000-item list, %.0f MB/s)" % (iters / dt, dt / iters * 1e6, len(out) * iters / dt / 1e6))
# DRF's JSONParser is json.load on the body.
import json
piters = max(iters // 2, 1)
t0 = time.perf_counter()
for i in range(piters):
    json.loads(out)
dt = time.perf_counter() - t0
print("django parse %.0f lists/s (%.1f us per 1,000-item list, %.0f MB/s)" % (piters / dt, dt / piters * 1e6, len(out) * piters / dt / 1e6))
if len(sys.argv) > 2:
    sys.stdout.buffer.write(out)
