"""./manage.py tfb_seed: fresh world and fortune tables with 10,000 worlds
and the 12 standard fortunes (the same data as Manouche's tfb_seed)."""
from random import randint

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from world.models import Fortune, World

FORTUNES = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. \u2014 Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. \u2014 Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1\u30de\u30fc\u30af",
]


class Command(BaseCommand):
    help = "Creates the world and fortune tables and loads the benchmark's rows."

    def handle(self, *args, **options):
        with connection.cursor() as c:
            c.execute("DROP TABLE IF EXISTS world")
            c.execute("DROP TABLE IF EXISTS fortune")
        with connection.schema_editor() as editor:
            editor.create_model(World)
            editor.create_model(Fortune)
        with transaction.atomic():
            World.objects.bulk_create([World(id=i, randomnumber=randint(1, 10000)) for i in range(1, 10001)],
                                      batch_size=1000)
            Fortune.objects.bulk_create([Fortune(id=i, message=m) for i, m in enumerate(FORTUNES, 1)])
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("SELECT setval(pg_get_serial_sequence('world', 'id'), (SELECT MAX(id) FROM world))")
                c.execute("SELECT setval(pg_get_serial_sequence('fortune', 'id'), (SELECT MAX(id) FROM fortune))")
                c.execute("ANALYZE world")
                c.execute("ANALYZE fortune")
        self.stdout.write(self.style.SUCCESS("Seeded 10000 worlds and 12 fortunes"))
