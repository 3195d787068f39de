#!/usr/bin/env bash
# Renders the template conformance cases with python3-django and with
# `manouche template render`; fails below a 99% match rate.
set -eu
build=${MN_BUILD:-build}
exec /usr/bin/python3 tests/template/conformance.py --manouche "$build/manouche" --min 99
