# Django 3.2 on a database given on the command line:
#   dj.py DB create          migrate (syncdb) and create the sample rows
#   dj.py DB migrate         only create the tables
#   dj.py DB dumpdata ARGS   manage.py dumpdata
#   dj.py DB loaddata ARGS   manage.py loaddata
import datetime
import decimal
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import django  # noqa: E402
from django.conf import settings  # noqa: E402

db = sys.argv[1]
if db.startswith('postgres'):
    from urllib.parse import urlparse, parse_qs
    u = urlparse(db)
    q = parse_qs(u.query)
    database = {'ENGINE': 'django.db.backends.postgresql', 'NAME': u.path.lstrip('/'), 'USER': u.username,
                'HOST': q['host'][0], 'PORT': q['port'][0]}
else:
    database = {'ENGINE': 'django.db.backends.sqlite3', 'NAME': db}
settings.configure(INSTALLED_APPS=['django_catalog.apps.CatalogConfig'], DATABASES={'default': database},
                   USE_TZ=True, TIME_ZONE='UTC', DEFAULT_AUTO_FIELD='django.db.models.AutoField')
django.setup()
from django.core.management import call_command  # noqa: E402

cmd = sys.argv[2]
if cmd in ('create', 'migrate'):
    call_command('migrate', run_syncdb=True, verbosity=0)
if cmd == 'create':
    from django_catalog.models import Category, Product, Tag
    c = Category.objects.create(name='Chairs é', slug='chairs')
    Category.objects.create(name='Tables "oak"\n', slug='tables')
    t1 = Tag.objects.create(name='new')
    t2 = Tag.objects.create(name='sale')
    Tag.objects.create(name='unused')
    p = Product.objects.create(
        category=c, name='Chair "x" <b>', price=decimal.Decimal('12.50'), stock=3, weight=1.5,
        created=datetime.datetime(2024, 1, 5, 10, 30, 15, 123456, tzinfo=datetime.timezone.utc),
        released=datetime.date(2024, 1, 5), opens=datetime.time(9, 30, 0, 500000),
        took=datetime.timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=5),
        data={'a': [1, 2.5, None, True], 'b': 'ü'}, uid=uuid.UUID('12345678-1234-5678-1234-567812345678'),
        notes='line1\nline2\ttab')
    p.tags.set([t1, t2])
    Product.objects.create(name='Bare', price=decimal.Decimal('1'),
                           created=datetime.datetime(2024, 1, 5, 10, 30, 15, tzinfo=datetime.timezone.utc),
                           took=datetime.timedelta(seconds=-1))
elif cmd in ('dumpdata', 'loaddata'):
    call_command(cmd, *sys.argv[3:])
