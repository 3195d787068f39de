"""Django 3.2 counterpart of examples/tfb: /plaintext and /json, no
middleware, no database, DEBUG off (a fair, tuned baseline)."""
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    SECRET_KEY="bench-only-not-secret",
    USE_TZ=True,
)


def plaintext(request):
    return HttpResponse(b"Hello, World!", content_type="text/plain")


def json_view(request):
    return JsonResponse({"message": "Hello, World!"})


urlpatterns = [path("plaintext", plaintext), path("json", json_view)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
