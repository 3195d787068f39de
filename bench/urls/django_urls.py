# Django's resolve() over the same 1,000 patterns as bench_urls.c.
import sys, time
import django
from django.conf import settings
settings.configure(ROOT_URLCONF=__name__)
django.setup()
from django.urls import path, resolve

def view(request, **kwargs):
    pass

urlpatterns = [path('section%d/<int:pk>/<slug:s>/' % i, view, name='s%d' % i) for i in range(1000)]
paths = ['/section%d/%d/item-%d/' % ((i * 997) % 1000, i, i) for i in range(64)]
iters = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
resolve(paths[0])
t0 = time.perf_counter()
for i in range(iters):
    resolve(paths[i & 63])
dt = time.perf_counter() - t0
print("django %.0f resolves/s (%.0f ns each)" % (iters / dt, dt / iters * 1e9))
