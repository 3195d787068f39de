#!/usr/bin/env python3
"""Renders the product list and fortunes pages with Django 3.2; prints
renders per second. Usage: django_template.py PAGE N [--print]"""
import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import django
from django.conf import settings
settings.configure()
django.setup()
from django.template import Context, Engine
import data

page, n = sys.argv[1], int(sys.argv[2])
engine = Engine(dirs=[os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")],
                loaders=[("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])])
t = engine.get_template(page + ".html")
ctx = {"heading": "All <products>", "products": data.products()} if page == "products" else {"fortunes": data.fortunes()}
if "--print" in sys.argv:
    sys.stdout.write(t.render(Context(ctx)))
    sys.exit(0)
t.render(Context(ctx))
start = time.process_time()
for _ in range(n):
    t.render(Context(ctx))
el = time.process_time() - start
print("django %.1f renders/s" % (n / el))
