#!/usr/bin/env python3
"""Renders the same pages with Jinja2 (autoescape on, the filters Django
has and Jinja2 lacks written as small Python filters); prints renders per
second. Usage: jinja2_template.py PAGE N [--print]"""
import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jinja2
import data

page, n = sys.argv[1], int(sys.argv[2])
env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(os.path.abspath(__file__)), "jinja")),
                         autoescape=True)
env.filters["date"] = lambda d, fmt: d.strftime(fmt)


def truncatewords(s, n):
    words = s.split()
    return " ".join(words[:n]) + (" \u2026" if len(words) > n else "")


env.filters["truncatewords"] = truncatewords
t = env.get_template(page + ".html")
ctx = {"heading": "All <products>", "products": data.products()} if page == "products" else {"fortunes": data.fortunes()}
if "--print" in sys.argv:
    sys.stdout.write(t.render(ctx))
    sys.exit(0)
t.render(ctx)
start = time.process_time()
for _ in range(n):
    t.render(ctx)
el = time.process_time() - start
print("jinja2 %.1f renders/s" % (n / el))
