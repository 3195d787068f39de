"""The seven TechEmpower test types as ordinary Django views (the same shape
as examples/tfb/world/views.c)."""
from operator import attrgetter
from random import randint

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from world.models import Fortune, World


def _queries(request):
    try:
        n = int(request.GET.get("queries", 1))
    except ValueError:
        n = 1
    return min(max(n, 1), 500)


def _count(request):
    try:
        n = int(request.GET.get("count", 1))
    except ValueError:
        n = 1
    return min(max(n, 1), 500)


def _row(w):
    return {"id": w.id, "randomNumber": w.randomnumber}


def plaintext(request):
    return HttpResponse(b"Hello, World!", content_type="text/plain")


def json_view(request):
    return JsonResponse({"message": "Hello, World!"})


def db(request):
    return JsonResponse(_row(World.objects.get(id=randint(1, 10000))))


def queries(request):
    worlds = [World.objects.get(id=randint(1, 10000)) for _ in range(_queries(request))]
    return JsonResponse([_row(w) for w in worlds], safe=False)


def fortunes(request):
    items = list(Fortune.objects.all())
    items.append(Fortune(id=0, message="Additional fortune added at request time."))
    items.sort(key=attrgetter("message"))
    return render(request, "fortunes.html", {"fortunes": items})


def updates(request):
    worlds = [World.objects.get(id=randint(1, 10000)) for _ in range(_queries(request))]
    for w in worlds:
        w.randomnumber = randint(1, 10000)
    # Sorted by id so concurrent requests lock rows in the same order.
    World.objects.bulk_update(sorted(worlds, key=attrgetter("id")), ["randomnumber"])
    return JsonResponse([_row(w) for w in worlds], safe=False)


def _cached_world(i):
    """A CachedWorld entry under "CachedWorld:<id>", read from the database on a miss."""
    key = "CachedWorld:%d" % i
    row = cache.get(key)
    if row is None:
        row = _row(World.objects.get(id=i))
        cache.set(key, row, None)
    return row


def cached_queries(request):
    return JsonResponse([_cached_world(randint(1, 10000)) for _ in range(_count(request))], safe=False)
