#!/usr/bin/env bash
# A new user's first minute, from an installed Manouche: startproject, make,
# ./manage startapp, registering the app, make, runserver; GET / shows the
# welcome page, GET /blog/ the app's page, and the app's own tests pass.
set -eu
build=${MN_BUILD:-build}
root=$(pwd)
. tests/ports.sh
work=$(mktemp -d /tmp/mn-startproject.XXXXXX)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

stage=$work/stage
meson install -C "$build" --destdir "$stage" --quiet --no-rebuild >/dev/null
pc=$(dirname "$(find "$stage" -name manouche.pc | head -1)")
libdir=$(dirname "$(find "$stage" -name 'libmanouche.so' | head -1)")
bin=$(dirname "$(find "$stage" -path '*/bin/manouche' | head -1)")
[ -d "$(find "$stage" -path '*/share/manouche/skel/project' | head -1)" ] || { echo "skeletons not installed" >&2; exit 1; }
export PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$stage LD_LIBRARY_PATH=$libdir
# The installed command finds its skeletons beside itself, not in the sources.
unset MANOUCHE_SKEL_DIR
# A sanitizer build's library needs the same runtime in the program.
san=$(meson introspect --buildoptions "$build" | /usr/bin/python3 -c \
  'import json,sys; print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"), "none"))')
makeflags=(CFLAGS="-std=c11 -O1 -g -Wall -Wextra -Werror")
if [ "$san" != none ]; then
  makeflags=(CC=clang CFLAGS="-std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=$san" LDFLAGS="-fsanitize=$san")
  export ASAN_OPTIONS=detect_leaks=1
fi

cd "$work"
# The new user's minute starts here.
start=$(date +%s)
# Bad names are refused with Django's message, nothing written.
if "$bin/manouche" startproject my-site 2>err.txt; then echo "accepted my-site" >&2; exit 1; fi
grep -q "'my-site' is not a valid project name. Please make sure the name is a valid identifier." err.txt
[ ! -e my-site ]

"$bin/manouche" startproject mysite >out.txt
grep -q "Created project 'mysite'" out.txt
for f in manage.c mysite/settings.c mysite/urls.c mysite/mysite.h Makefile .gitignore .env.example README.md; do
  [ -f "mysite/$f" ] || { echo "missing $f" >&2; exit 1; }
done
grep -q 'django-insecure-' mysite/mysite/settings.c
! grep -rq '{{ *project_name *}}' mysite
# An existing directory is refused.
if "$bin/manouche" startproject mysite 2>err.txt; then echo "overwrote mysite" >&2; exit 1; fi
grep -q "already exists" err.txt

cd mysite
make -s "${makeflags[@]}" >make.log 2>&1 || { cat make.log; exit 1; }
[ -x manage ]
./manage check | grep -q "System check identified no issues"

./manage startapp blog >startapp.txt
grep -q '&blog_app,' startapp.txt
grep -q 'MN_INCLUDE("blog/", &blog_urls, NULL),' startapp.txt
for f in blog.h apps.c models.h models.c views.c urls.c tests.c templates/blog/index.html; do
  [ -f "blog/$f" ] || { echo "missing blog/$f" >&2; exit 1; }
done
[ -d blog/migrations ]
if ./manage startapp blog 2>err.txt; then echo "startapp overwrote blog" >&2; exit 1; fi
grep -q "already exists" err.txt

# Register the app exactly as startapp said.
sed -i 's|#include "mysite/mysite.h"|#include "mysite/mysite.h"\n#include "blog/blog.h"|' mysite/settings.c mysite/urls.c
sed -i 's|^    NULL,\n};|&|; /installed_apps\[\] = {/a\    \&blog_app,' mysite/settings.c
sed -i '/urlpatterns\[\] = {/a\    MN_INCLUDE("blog/", \&blog_urls, NULL),' mysite/urls.c
# A first model, its migration and its table: what the user writes into
# the app's models.h and models.c.
sed -i 's|^extern mn_model \*const blog_models\[\];|typedef struct post {\n    mn_obj mn;\n    int64_t id;\n    mn_str title;\n    mn_datetime published;\n} post;\nextern mn_model post_model;\n&|' blog/models.h
grep -q "typedef struct post" blog/models.h
cat >blog/models.c <<'C'
#include "blog/models.h"
static const mn_field post_fields[] = {
    MN_FIELD_BIGAUTO(post, id),
    MN_FIELD_CHAR(post, title, .max_length = 200),
    MN_FIELD_DATETIME(post, published),
    MN_FIELD_END
};
mn_model post_model = MN_MODEL(post, "blog", "Post", post_fields);
mn_model *const blog_models[] = { &post_model, NULL };
C
make -s "${makeflags[@]}" >make.log 2>&1 || { cat make.log; exit 1; }
./manage makemigrations >mig.txt || { cat mig.txt; exit 1; }
grep -q "blog/migrations/0001_initial.json" mig.txt || { cat mig.txt; exit 1; }
./manage migrate >migrate.txt || { cat migrate.txt; exit 1; }
./manage showmigrations blog | grep -q "\[X\] 0001_initial"
echo '[{"model": "blog.post", "pk": 1, "fields": {"title": "Hello", "published": "2024-01-05T10:30:00Z"}}]' >post.json
./manage loaddata post.json | grep -qx "Installed 1 object(s) from 1 fixture(s)"
[ "$(./manage dumpdata blog)" = "$(cat post.json)" ] || { ./manage dumpdata blog; exit 1; }
make -s "${makeflags[@]}" test >test.log 2>&1 || { cat test.log; exit 1; }
grep -q "blog: all tests passed" test.log

port=$(free_port)
# As a new user runs it: DEBUG, with the autoreloader.
./manage runserver "127.0.0.1:$port" >server.log 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/blog/" && break
  sleep 0.1
done
# With the blog included, "/" is a technical 404; /blog/ is the app's page.
curl -s "http://127.0.0.1:$port/blog/" | grep -q "The blog app works." || { cat server.log; exit 1; }
grep -q "Watching for file changes" server.log
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
[ "$code" = 404 ] || { echo "GET / with routes: $code" >&2; exit 1; }
kill "$server"; wait "$server" 2>/dev/null || true; server=

# A project whose root URLconf is empty answers GET / with the welcome page.
sed -i '/MN_INCLUDE("blog\/", &blog_urls, NULL),/d' mysite/urls.c
make -s "${makeflags[@]}" >make.log 2>&1 || { cat make.log; exit 1; }
port=$(free_port)
./manage runserver "127.0.0.1:$port" --noreload >server.log 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done
curl -s -D headers.txt "http://127.0.0.1:$port/" >page.html
grep -q "HTTP/1.1 200" headers.txt
grep -q "The install worked successfully! Congratulations!" page.html
# Not in production: DEBUG off gives the plain 404.
kill "$server"; wait "$server" 2>/dev/null || true; server=
port=$(free_port)
DEBUG=false ALLOWED_HOSTS=127.0.0.1 ./manage runserver "127.0.0.1:$port" --noreload >server.log 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
[ "$code" = 404 ] || { echo "GET / without DEBUG: $code" >&2; exit 1; }
kill "$server"; wait "$server" 2>/dev/null || true; server=

elapsed=$(( $(date +%s) - start ))
echo "startproject, make, startapp, makemigrations, migrate, make test, runserver: ${elapsed}s"
# The issue's "within a minute" is reported, not asserted: a test never
# depends on the machine's speed (sanitizer builds and busy CI machines).
[ "$elapsed" -lt 60 ] || echo "note: slower than a minute on this machine (${elapsed}s)"
