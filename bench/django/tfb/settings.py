"""Settings of the Django counterpart of examples/tfb, tuned as a production
site would be: DEBUG off, one middleware (Content-Length, which the
benchmark requires), persistent database connections. DATABASE_URL selects the
database with the same syntax as Manouche's:
    sqlite:////abs/path.sqlite3
    postgres://user@/dbname?host=/socket/dir&port=5432"""
import os
from urllib.parse import parse_qs, unquote, urlsplit

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEBUG = False
SECRET_KEY = "tfb-benchmark-only-not-secret"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tfb.urls"
WSGI_APPLICATION = "tfb.wsgi.application"
INSTALLED_APPS = ["world"]
MIDDLEWARE = ["world.middleware.content_length"]
USE_TZ = False
USE_I18N = False
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }
]
LOGGING_CONFIG = None
# /cached-queries: a per-process local-memory cache large enough for every
# CachedWorld, entries kept without expiry (as examples/tfb/settings.c).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tfb-worlds",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}


def _database(url):
    u = urlsplit(url)
    if u.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(u.path[1:] if u.path.startswith("//") else u.path.lstrip("/"))}
    if u.scheme in ("postgres", "postgresql"):
        q = {k: v[-1] for k, v in parse_qs(u.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(u.path.lstrip("/")),
            "USER": unquote(u.username or ""),
            "PASSWORD": unquote(u.password or ""),
            "HOST": q.get("host", u.hostname or ""),
            "PORT": q.get("port", str(u.port or "")),
            "CONN_MAX_AGE": None,
        }
    raise ValueError(f"DATABASE_URL: unsupported scheme {u.scheme!r}")


DATABASES = {"default": _database(os.environ.get("DATABASE_URL", "sqlite:///" + os.path.join(BASE_DIR, "tfb.sqlite3")))}
DATABASES["default"].setdefault("CONN_MAX_AGE", None)
