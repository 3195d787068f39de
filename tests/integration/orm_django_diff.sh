#!/usr/bin/env bash
# The ORM against Django 3.2, case by case (tests/integration/
# orm_django_diff_cases.py): the same models, rows and QuerySet calls run
# through Django and through Manouche (the helper $MN_BUILD/tests/orm_diff),
# on SQLite and on PostgreSQL; results, types, errors and table contents
# must match.
set -euo pipefail
build=$(cd "${MN_BUILD:-build}" && pwd)
helper=$build/tests/orm_diff
[ -x "$helper" ] || { echo "orm_django_diff: $helper is not built" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
status=0
PYTHONPATH=$here /usr/bin/python3 "$here/orm_django_diff.py" "$helper" "sqlite:///$dir/django.sqlite3" \
  "sqlite:///$dir/c.sqlite3" || status=1
rm -rf "$dir"
if [ "${MN_DIFF_SQLITE_ONLY:-}" = "" ]; then
  . "$here/../pg.sh"
  base=${MN_TEST_DATABASE_URL%%\?*}
  query=${MN_TEST_DATABASE_URL#*\?}
  mn_pg_run "$mn_pg_bin/createdb" -h "$mn_pg_dir" -p "$mn_pg_port" -U mn mn_diff_c
  PYTHONPATH=$here /usr/bin/python3 "$here/orm_django_diff.py" "$helper" "$MN_TEST_DATABASE_URL" \
    "${base%/*}/mn_diff_c?$query" || status=1
fi
exit $status
