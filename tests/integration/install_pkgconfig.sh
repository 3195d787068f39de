#!/usr/bin/env bash
# `make install` gives a usable library: install into a staging directory,
# then build and run a guide example against it with pkg-config only.
set -eu
build=${MN_BUILD:-build}
stage=$(mktemp -d /tmp/mn-install.XXXXXX)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build" --destdir "$stage" --quiet >/dev/null
pc=$(find "$stage" -name manouche.pc | head -1)
[ -n "$pc" ] || { echo "manouche.pc was not installed" >&2; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$stage"
[ -x "$(find "$stage" -path '*/bin/manouche' | head -1)" ] || { echo "the manouche command was not installed" >&2; exit 1; }
# A sanitizer build's library needs the same runtime in the program.
san=$(meson introspect --buildoptions "$build" | /usr/bin/python3 -c \
  'import json,sys; print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"), "none"))')
cc=cc; flags=""
if [ "$san" != none ]; then cc=clang; flags="-fsanitize=$san"; fi
$cc -std=c11 -Wall -Wextra -Werror $flags -o "$stage/example" docs/examples/core_values.c $(pkg-config --cflags --libs manouche)
libdir=$(dirname "$(find "$stage" -name 'libmanouche.so' | head -1)")
LD_LIBRARY_PATH="$libdir" "$stage/example" >/dev/null
echo "installed library, headers, pkg-config file and command work"
