#!/usr/bin/env bash
# Renders the template conformance cases with python3-django and with
# `manouche template render`; fails below a 99% match rate. Also checks the
# command's --static-url and --media-url options.
set -eu
build=${MN_BUILD:-build}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
printf '%s' '{% load static %}{% get_media_prefix %}|{% static "a b.css" %}|{% get_static_prefix %}' >"$d/t.html"
out=$("$build/manouche" template render --dir "$d" --static-url /s/ --media-url /m/ t.html)
[ "$out" = "/m/|/s/a%20b.css|/s/" ] || { echo "static options: got [$out]"; exit 1; }
out=$("$build/manouche" template render --dir "$d" t.html)
[ "$out" = "/|/static/a%20b.css|/static/" ] || { echo "static defaults: got [$out]"; exit 1; }
if "$build/manouche" template render --dir "$d" --media-url 2>/dev/null; then
  echo "--media-url without a value was accepted"; exit 1
fi
/usr/bin/python3 tests/template/conformance.py --manouche "$build/manouche" --min 99
