#!/usr/bin/env python3
"""Conformance harness: renders template cases with Debian's python3-django
and with `manouche template render`, and reports the match rate.

  tests/template/conformance.py [--manouche build/manouche] [-v] [-k SUBSTR] [--min PCT]

A case is (name, templates, context, options): templates is a string (the
template "t") or a dict of name -> source (the first one is rendered);
context is JSON-able ({"__safe__": "x"} is a safe string); options may set
autoescape=False or string_if_invalid. A case matches when both produce the
same bytes, or both fail with the same exception class.
"""
import datetime, decimal, json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conformance_cases import CASES  # noqa: E402

import django
from django.conf import settings
import types  # noqa: E402
_urls = types.ModuleType("mn_conformance_urls")
_urls.urlpatterns = []
sys.modules["mn_conformance_urls"] = _urls
settings.configure(ROOT_URLCONF="mn_conformance_urls", STATIC_URL="/static/")
django.setup()
from django.template import Context, Engine  # noqa: E402
from django.utils.safestring import mark_safe  # noqa: E402


def to_py(v):
    if isinstance(v, dict):
        if set(v) == {"__safe__"}:
            return mark_safe(v["__safe__"])
        if set(v) == {"__date__"}:
            return datetime.date.fromisoformat(v["__date__"])
        if set(v) == {"__time__"}:
            return datetime.time.fromisoformat(v["__time__"])
        if set(v) == {"__datetime__"}:
            return datetime.datetime.fromisoformat(v["__datetime__"])
        if set(v) == {"__decimal__"}:
            return decimal.Decimal(v["__decimal__"])
        return {k: to_py(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_py(x) for x in v]
    return v


def django_render(d, name, ctx, opts):
    eng = Engine(dirs=[d], autoescape=opts.get("autoescape", True),
                 string_if_invalid=opts.get("string_if_invalid", ""),
                 libraries={"humanize": "django.contrib.humanize.templatetags.humanize",
                            "cache": "django.templatetags.cache",
                            "static": "django.templatetags.static",
                            "i18n": "django.templatetags.i18n"})
    try:
        t = eng.get_template(name)
        return True, t.render(Context(to_py(ctx), autoescape=opts.get("autoescape", True)))
    except Exception as e:  # noqa: BLE001 - any exception is a result here
        return False, "%s: %s" % (type(e).__name__, e)


def manouche_render(exe, d, name, ctx, opts):
    cf = os.path.join(d, "__ctx.json")
    with open(cf, "w") as f:
        json.dump(ctx, f)
    cmd = [exe, "template", "render", "--dir", d, "--context", cf]
    if not opts.get("autoescape", True):
        cmd.append("--no-autoescape")
    if opts.get("string_if_invalid"):
        cmd += ["--string-if-invalid", opts["string_if_invalid"]]
    cmd.append(name)
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=10)
    except subprocess.TimeoutExpired:
        return False, "Timeout: manouche did not finish"
    if p.returncode == 0:
        return True, p.stdout.decode("utf-8", "replace")
    return False, p.stderr.decode("utf-8", "replace").split("\n")[0]


def main():
    exe = "build/manouche"
    verbose = "-v" in sys.argv
    only = None
    if "--manouche" in sys.argv:
        exe = sys.argv[sys.argv.index("--manouche") + 1]
    if "-k" in sys.argv:
        only = sys.argv[sys.argv.index("-k") + 1]
    exe = os.path.abspath(exe)
    total = match = msg_match = errors = 0
    failures = []
    for case in CASES:
        name, templates, ctx = case[0], case[1], case[2]
        opts = case[3] if len(case) > 3 else {}
        if only and only not in name:
            continue
        if isinstance(templates, str):
            templates = {"t": templates}
        with tempfile.TemporaryDirectory() as d:
            for tn, src in templates.items():
                p = os.path.join(d, tn)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w") as f:
                    f.write(src)
            first = next(iter(templates))
            dj = django_render(d, first, ctx, opts)
            mn = manouche_render(exe, d, first, ctx, opts)
        total += 1
        if not dj[0]:
            errors += 1
        ok = dj[0] == mn[0] and (dj[1] == mn[1] if dj[0] else dj[1].split(":")[0] == mn[1].split(":")[0])
        if ok:
            match += 1
            if not dj[0] and dj[1].split("\n")[0] == mn[1]:
                msg_match += 1
            elif not dj[0] and verbose:
                print("MESSAGE %s\n  django:   %r\n  manouche: %r" % (name, dj[1], mn[1]))
        else:
            failures.append((name, dj, mn))
    for name, dj, mn in failures:
        if verbose:
            print("FAIL %s\n  django:   %r\n  manouche: %r" % (name, dj, mn))
        else:
            print("FAIL %s" % name)
    print("conformance: %d/%d cases match (%.1f%%); %d error cases, %d with the same message"
          % (match, total, 100.0 * match / max(total, 1), errors, msg_match))
    if "--min" in sys.argv:
        return 0 if 100.0 * match / max(total, 1) >= float(sys.argv[sys.argv.index("--min") + 1]) else 1
    return 0 if match == total else 1


if __name__ == "__main__":
    sys.exit(main())
