"""Differential test of the ORM against Django 3.2.

    orm_django_diff.py HELPER DJANGO_URL C_URL

Django (Debian's python3-django) creates the same schema and rows in two
databases: it runs every case below on the first; the C helper (tests/
orm_diff.c, the same models declared with Manouche) runs them on the second.
Each case runs in a transaction that is rolled back. Results are compared
value by value, types included (a Decimal is not a float), and so are error
messages; an IntegrityError only has to be one on both sides (the database
words it).

A case: {"n": name, "m": model, "q": [operations], "do": action, "dump":
[model, [fields]]}. Operations: ["filter", Q], ["exclude", Q], ["order_by",
[names]], ["reverse"], ["distinct"], ["none"], ["slice", start, stop],
["values", [names]], ["values_list", [names], "flat"|"named"|null],
["only", [names]], ["defer", [names]], ["annotate", {name: expr}],
["dates"|"datetimes", field, kind, order?],
["select_for_update", {options}], ["select_related", [names]]. Q: {lookup: value, ...} (their AND), ["and"|"or",
Q, ...], ["not", Q]. Values: JSON, or {"$dec": "1.5"}, {"$date": iso},
{"$dt": iso}, {"$dur": microseconds}, {"$json": data}, {"$F": name},
{"$add"|"$sub"|"$mul"|"$div": [a, b]}, {"$agg": "Sum", "of": name or expr,
"distinct": bool, "filter": Q}, {"$qs": {"m":..., "q": [...]}}.
Actions: see run_action below.
"""
import datetime
import decimal
import json
import math
import os
import subprocess
import sys
import types
import uuid

HELPER, DJ_URL, C_URL = sys.argv[1:4]
ENGINE = "postgresql" if DJ_URL.startswith("postgres") else "sqlite3"

# an installed app "diff" without files, so reverse relations and the
# deletion collector see the models
pkg = types.ModuleType("diff")
pkg.__path__ = [os.path.dirname(os.path.abspath(__file__))]
sys.modules["diff"] = pkg


def db_settings(url):
    if url.startswith("sqlite"):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": url[len("sqlite:///"):]}
    # postgres://mn@/NAME?host=DIR&port=N
    from urllib.parse import urlparse, parse_qs
    u = urlparse(url)
    q = parse_qs(u.query)
    return {"ENGINE": "django.db.backends.postgresql", "NAME": u.path.lstrip("/"), "USER": u.username,
            "HOST": q["host"][0], "PORT": q["port"][0]}


import warnings
import django
from django.conf import settings

settings.configure(DATABASES={"default": db_settings(DJ_URL), "cdb": db_settings(C_URL)},
                   INSTALLED_APPS=["diff"], USE_TZ=True, TIME_ZONE="America/Chicago",
                   DEFAULT_AUTO_FIELD="django.db.models.BigAutoField")
django.setup()
warnings.filterwarnings("ignore", category=RuntimeWarning)  # naive datetimes on purpose

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, transaction
from django.db.models import Avg, Count, F, Max, Min, Q, Sum


def no_nine(v):
    if v == 9:
        raise ValidationError("Nine is not allowed.")


class Category(models.Model):
    name = models.CharField(max_length=50, unique=True)
    meta = models.JSONField(null=True, blank=True)

    class Meta:
        app_label = "diff"
        ordering = ["name"]
        verbose_name_plural = "categories"


class Product(models.Model):
    STATUS = [("draft", "Draft"), ("published", "Published"), ("archived", "Archived")]
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    stock = models.IntegerField(default=0, validators=[no_nine])
    rating = models.FloatField(null=True, blank=True)
    available = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=STATUS, default="draft")
    category = models.ForeignKey(Category, models.CASCADE, null=True, blank=True, related_name="products")
    created = models.DateTimeField()
    released = models.DateField(null=True, blank=True)
    tags = models.JSONField(null=True, blank=True)
    took = models.DurationField(null=True, blank=True)
    code = models.UUIDField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        app_label = "diff"
        unique_together = [("name", "category")]

    def clean(self):
        if self.status == "published" and self.released is None:
            raise ValidationError("A published product needs a release date.")


class Review(models.Model):
    product = models.ForeignKey(Product, models.CASCADE, related_name="reviews")
    score = models.SmallIntegerField()
    body = models.TextField(blank=True, default="")

    class Meta:
        app_label = "diff"


MODELS = {"Category": Category, "Product": Product, "Review": Review}
UTC = datetime.timezone.utc


def dt(s):
    return datetime.datetime.fromisoformat(s).replace(tzinfo=UTC)


def seed(alias):
    with connections[alias].schema_editor() as se:
        for m in (Category, Product, Review):
            se.create_model(m)
    C = Category.objects.using(alias)
    light = C.create(name="Lighting", meta={"color": "red", "k": 2, "dims": {"w": 10}})
    desks = C.create(name="Desks", meta={"color": "brown", "k": 1, "tags": ["oak", "pine"]})
    _empty = C.create(name="Empty")
    rows = [
        # name, slug, price, stock, rating, available, status, category, created (UTC), released, tags, took, code, ip, note
        ("Blue Lamp", "blue-lamp", "19.99", 3, 4.5, True, "published", light, "2024-01-05 10:30:00", "2024-01-01",
         {"color": "blue", "size": 3, "dims": {"h": 40}}, 3600, "12345678-1234-5678-1234-567812345678", "10.0.0.1", "bright"),
        ("Red Lamp", "red-lamp", "24.50", 0, None, False, "draft", light, "2024-01-01 03:00:00", None,
         {"color": "red", "size": 5}, None, None, None, ""),
        ("Oak Desk", "oak-desk", "250.00", 2, 3.0, True, "published", desks, "2023-12-31 23:59:59", "2023-06-15",
         ["wood", "oak"], 86400 * 2, None, "2001:db8::1", "heavy"),
        ("Pine Desk", "pine-desk", "120.00", 5, 4.0, True, "archived", desks, "2024-03-10 07:30:00", "2024-03-10",
         {"color": None}, 0, None, None, ""),
        ("Chair", "chair", "45.00", 12, 2.5, True, "draft", None, "2024-03-10 08:30:00", None, None, 90, None, None, ""),
        ("100% Cotton_Rug", "cotton-rug", "80.00", 1, None, True, "draft", None, "2024-06-30 12:00:00", None,
         {"color": "white", "size": 5}, None, None, None, ""),
        ("Back\\slash", "back-slash", "5.00", 7, 1.0, True, "draft", None, "2022-02-28 18:00:00", "2022-02-28", [], None,
         None, None, "a%b_c"),
        ("\u00c9mile Lamp", "emile-lamp", "33.33", 4, 5.0, True, "published", light, "2024-07-04 04:00:00", "2024-07-04",
         {"color": "blue", "size": 4}, None, None, None, ""),
        ("stra\u00dfe", "strasse", "0.10", 0, 0.0, False, "draft", None, "2024-12-31 23:00:00", None, None, None, None,
         None, ""),
        ("chair", "chair-lower", "45.00", 12, 2.5, True, "draft", desks, "2020-02-29 00:00:00", "2020-02-29",
         {"color": "Blue"}, 1, None, None, ""),
    ]
    P = Product.objects.using(alias)
    prods = []
    for r in rows:
        prods.append(P.create(name=r[0], slug=r[1], price=decimal.Decimal(r[2]), stock=r[3], rating=r[4],
                              available=r[5], status=r[6], category=r[7], created=dt(r[8]),
                              released=datetime.date.fromisoformat(r[9]) if r[9] else None, tags=r[10],
                              took=datetime.timedelta(seconds=r[11]) if r[11] is not None else None,
                              code=uuid.UUID(r[12]) if r[12] else None, ip=r[13], note=r[14]))
    R = Review.objects.using(alias)
    for pi, score in [(0, 5), (0, 4), (0, 4), (2, 3), (3, 1), (7, 5), (9, 2)]:
        R.create(product=prods[pi], score=score, body="review of %s" % prods[pi].name)


# ---- canonical encoding ----

def enc(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return {"$f": v}
    if isinstance(v, decimal.Decimal):
        return {"$dec": str(v)}
    if isinstance(v, datetime.datetime):
        return {"$dt": v.isoformat()}
    if isinstance(v, datetime.date):
        return {"$date": v.isoformat()}
    if isinstance(v, datetime.time):
        return {"$time": v.isoformat()}
    if isinstance(v, datetime.timedelta):
        return {"$dur": (v.days * 86400 + v.seconds) * 1000000 + v.microseconds}
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, models.Model):
        return {"$obj": v.pk}
    if hasattr(v, "_asdict"):
        return {k: enc(x) for k, x in v._asdict().items()}
    if isinstance(v, dict):
        return {str(k): enc(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    return "<%s>" % type(v).__name__


# ---- decoding cases ----

AGGS = {"Count": Count, "Sum": Sum, "Avg": Avg, "Max": Max, "Min": Min}


def dec(v):
    if isinstance(v, list):
        return [dec(x) for x in v]
    if not isinstance(v, dict) or not v:
        return v
    k, x = next(iter(v.items()))
    if k == "$dec":
        return decimal.Decimal(x)
    if k == "$date":
        return datetime.date.fromisoformat(x)
    if k == "$time":
        return datetime.time.fromisoformat(x)
    if k == "$dt":
        return datetime.datetime.fromisoformat(x)
    if k == "$dur":
        return datetime.timedelta(microseconds=x)
    if k == "$json":
        return x
    if k == "$F":
        return F(x)
    if k in ("$add", "$sub", "$mul", "$div"):
        a, b = dec(x[0]), dec(x[1])
        return {"$add": lambda: a + b, "$sub": lambda: a - b, "$mul": lambda: a * b, "$div": lambda: a / b}[k]()
    if k == "$agg":
        of = v["of"]
        kw = {}
        if v.get("distinct"):
            kw["distinct"] = True
        if v.get("filter") is not None:
            kw["filter"] = q_of(v["filter"])
        return AGGS[x](of if isinstance(of, str) else dec(of), **kw)
    if k == "$qs":
        return build(x)
    return v


def q_of(v):
    if isinstance(v, dict):
        return Q(**{k: dec(x) for k, x in v.items()})
    op, *args = v
    if op == "not":
        return ~q_of(args[0])
    q = q_of(args[0])
    for a in args[1:]:
        q = (q | q_of(a)) if op == "or" else (q & q_of(a))
    return q


def apply(qs, op):
    name, *a = op
    if name == "filter":
        return qs.filter(q_of(a[0]))
    if name == "exclude":
        return qs.exclude(q_of(a[0]))
    if name == "order_by":
        return qs.order_by(*a[0])
    if name == "select_for_update" and a:
        return qs.select_for_update(**a[0])
    if name == "select_related":
        return qs.select_related(*a[0])
    if name in ("reverse", "distinct", "none", "select_for_update"):
        return getattr(qs, name)()
    if name == "slice":
        return qs[a[0]:a[1]]
    if name == "values":
        return qs.values(*a[0])
    if name == "values_list":
        how = a[1] if len(a) > 1 else None
        return qs.values_list(*a[0], flat=how == "flat", named=how == "named")
    if name in ("only", "defer"):
        return getattr(qs, name)(*a[0])
    if name in ("dates", "datetimes"):
        return getattr(qs, name)(a[0], a[1], **({"order": a[2]} if len(a) > 2 else {}))
    if name == "annotate":
        for k, x in a[0].items():
            qs = qs.annotate(**{k: dec(x)})
        return qs
    raise RuntimeError("harness: unknown operation %s" % name)


def build(spec):
    qs = MODELS[spec["m"]].objects.all()
    for op in spec.get("q", []):
        qs = apply(qs, op)
    return qs


def new_obj(M, fields):
    o = M()
    for k, x in (fields or {}).items():
        setattr(o, k, dec(x))
    return o


def run_action(M, qs, act):
    name, *a = [act] if isinstance(act, str) else act
    a += [None] * 4
    if name == "pks":
        return [o.pk for o in qs]
    if name == "rows":
        return list(qs)
    if name in ("fields", "annots"):
        return [[o.pk] + [getattr(o, f) for f in a[0]] for o in qs]
    if name == "count":
        return qs.count()
    if name == "exists":
        return qs.exists()
    if name in ("first", "last"):
        o = getattr(qs, name)()
        return o.pk if o else None
    if name == "get":
        return qs.get().pk
    if name == "aggregate":
        return qs.aggregate(**{k: dec(x) for k, x in a[0].items()})
    if name == "update":
        return qs.update(**{k: dec(x) for k, x in a[0].items()})
    if name == "delete":
        return list(qs.delete())
    if name == "obj_delete":
        return list(M.objects.get(pk=a[0]).delete())
    if name == "in_bulk":
        return qs.in_bulk(a[0], field_name=a[1] or "pk")
    if name in ("get_or_create", "update_or_create"):
        o, created = getattr(qs, name)(defaults={k: dec(x) for k, x in (a[1] or {}).items()},
                                       **{k: dec(x) for k, x in (a[0] or {}).items()})
        if a[2] is not None:  # the instance's values afterwards
            return [o.pk, created, [o.pk] + [getattr(o, f) for f in a[2]]]
        return [o.pk, created]
    if name == "create":
        return qs.create(**{k: dec(x) for k, x in a[0].items()}).pk
    if name == "bulk_create":
        objs = [new_obj(M, f) for f in a[0]]
        M.objects.bulk_create(objs, batch_size=a[1], ignore_conflicts=bool(a[2]))
        return [o.pk for o in objs]
    if name == "bulk_update":
        objs = []
        for pk, changes in a[0]:
            o = M.objects.get(pk=pk)
            for k, x in changes.items():
                setattr(o, k, dec(x))
            objs.append(o)
        return M.objects.bulk_update(objs, a[1], batch_size=a[2])
    if name == "save":
        o = M.objects.get(pk=a[0]) if a[0] is not None else M()
        for k, x in (a[1] or {}).items():
            setattr(o, k, dec(x))
        o.save(update_fields=a[2])
        return o.pk
    if name == "full_clean":
        o = M.objects.get(pk=a[1]) if a[1] is not None else M()
        for k, x in (a[0] or {}).items():
            setattr(o, k, dec(x))
        try:
            o.full_clean()
        except ValidationError as e:
            return e.message_dict
        return {}
    if name == "refresh":
        o = M.objects.get(pk=a[0])
        for k, x in a[1].items():
            setattr(o, k, dec(x))
        o.refresh_from_db(fields=a[2])
        return [o.pk] + [getattr(o, k) for k in a[1]]
    if name == "deferred":
        out = []
        for o in qs:
            row = [o.pk, sorted(o.get_deferred_fields()), [o.pk] + [getattr(o, f) for f in a[0] or []]]
            if a[1] is not None:
                o.refresh_from_db(fields=None if a[1] == "all" else a[1])
            out.append(row + [sorted(o.get_deferred_fields())])
        return out
    if name == "display":
        return getattr(M.objects.get(pk=a[0]), "get_%s_display" % a[1])()
    if name == "raw":
        return [o.pk for o in M.objects.raw(a[0], dec(a[1]))]
    if name == "iterator":
        return [o.pk for o in qs.iterator(chunk_size=a[0] or 2000)]
    if name == "explain":
        return bool(qs.explain(format=a[0], **(a[1] or {})))
    if name == "sql":
        return str(qs.query)
    if name == "verbose":
        return [M._meta.db_table, str(M._meta.verbose_name), str(M._meta.verbose_name_plural)]
    raise RuntimeError("harness: unknown action %s" % name)


def run_case(c):
    out = {"n": c["n"]}
    with transaction.atomic():
        try:
            M = MODELS[c["m"]]
            out["r"] = enc(run_action(M, build(c), c["do"]))
            if c.get("dump"):
                dm, fields = c["dump"]
                out["dump"] = enc([[o.pk] + [getattr(o, f) for f in fields]
                                   for o in MODELS[dm].objects.order_by("pk")])
        except Exception as e:  # every error is a result to compare
            if isinstance(e, RuntimeError) and str(e).startswith("harness"):
                raise
            kind = ("DoesNotExist" if isinstance(e, models.ObjectDoesNotExist) else
                    "MultipleObjectsReturned" if isinstance(e, django.core.exceptions.MultipleObjectsReturned) else
                    "IntegrityError" if isinstance(e, IntegrityError) else type(e).__name__)
            msg = str(e)
            if isinstance(e, ValidationError) and len(e.messages) == 1:
                msg = e.messages[0]  # str() of it is the list's repr
            out["r"] = ["$err", kind, msg]
        transaction.set_rollback(True)
    return out


def same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) == {"$dec"} and set(b) == {"$dec"} and ENGINE == "sqlite3":
            # Django 3.2 reads decimal expressions and aggregates back from
            # SQLite through a float ("622.920000000000", "250" for 250.00):
            # the value is what counts there; PostgreSQL's are exact
            return decimal.Decimal(a["$dec"]) == decimal.Decimal(b["$dec"])
        if set(a) == {"$f"} and set(b) == {"$f"}:
            x, y = a["$f"], b["$f"]
            return x == y or (x is not None and y is not None and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12))
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) == 3 and a[:1] == ["$err"] and b[:1] == ["$err"]:
            if a[1] == "IntegrityError" or b[1] == "IntegrityError":
                return a[1] == b[1]
            if a[1] in ("DoesNotExist", "MultipleObjectsReturned") and a[1] != b[1]:
                return False
            return a[2] == b[2]
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) == type(b) and a == b


from orm_django_diff_cases import CASES, KNOWN, KNOWN_BY_ENGINE  # noqa: E402  (the cases, beside this file)
KNOWN = dict(KNOWN, **KNOWN_BY_ENGINE[ENGINE])


def main():
    for alias in ("default", "cdb"):
        seed(alias)
    connections["cdb"].close()
    only = os.environ.get("ONLY")
    cases = [c for c in CASES if c.get("engine") in (None, ENGINE) and (not only or only in c["n"])]
    names = [c["n"] for c in cases]
    assert len(set(names)) == len(names), "duplicate case names"
    want = [run_case(c) for c in cases]
    proc = subprocess.run([HELPER, C_URL], input="\n".join(json.dumps(c) for c in cases) + "\n",
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print("orm_diff helper failed (%d):\n%s" % (proc.returncode, proc.stderr[-3000:]))
        return 1
    got = {}
    for line in proc.stdout.splitlines():
        r = json.loads(line)
        got[r["n"]] = r
    diffs = 0
    known = 0
    for w in want:
        g = got.get(w["n"])
        if g is None:
            print("MISSING [%s] %s" % (ENGINE, w["n"]))
            diffs += 1
            continue
        if os.environ.get("SHOW"):
            print("[%s] %s\n  django: %s\n  C:      %s" % (ENGINE, w["n"], json.dumps(w.get("r")), json.dumps(g.get("r"))))
        ok = same(w.get("r"), g.get("r")) and same(w.get("dump"), g.get("dump"))
        if ok:
            if w["n"] in KNOWN and os.environ.get("VERBOSE"):
                print("listed as known but equal [%s]: %s" % (ENGINE, w["n"]))
            continue
        if w["n"] in KNOWN:
            known += 1
            continue
        diffs += 1
        print("DIFF [%s] %s\n  django: %s\n  C:      %s" % (ENGINE, w["n"], json.dumps({k: w[k] for k in w if k != "n"}),
                                                       json.dumps({k: g[k] for k in g if k != "n"})))
    print("orm_django_diff [%s]: %d cases, %d differences, %d known" % (ENGINE, len(want), diffs, known))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
