#!/usr/bin/env bash
# Template rendering: the product list page (1,000 rows with an include per
# row) and the fortunes page, Manouche against Django 3.2 and Jinja2 in the
# same run. Checks first that Manouche's output is byte for byte Django's.
#   bench/template/run.sh [BUILD_DIR]
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
exe="$build"/bench/bench_template
for page in products fortunes; do
  if ! cmp -s <("$exe" "$here/templates" $page 1 --print) <(python3 "$here/django_template.py" $page 1 --print); then
    echo "$page: output differs from Django's" >&2
    exit 1
  fi
done
echo "outputs identical to Django's"
# The machine is shared: each engine measures its own CPU time (not the
# wall clock, which mostly measures the wait for a core under load), runs
# three times, interleaved, and the best rate of each counts.
best() { sort -k2 -g -r | head -1; }
run() {
  local page=$1 nm=$2 nd=$3 nj=$4 ms="" ds="" js=""
  for _ in 1 2 3; do
    ms+=$("$exe" "$here/templates" $page "$nm")$'\n'
    ds+=$(python3 "$here/django_template.py" $page "$nd")$'\n'
    js+=$(python3 "$here/jinja2_template.py" $page "$nj")$'\n'
  done
  m=$(printf '%s' "$ms" | best); d=$(printf '%s' "$ds" | best); j=$(printf '%s' "$js" | best)
  echo "== $page"; echo "$m"; echo "$d"; echo "$j"
  mr=$(awk '{print $2}' <<<"$m"); dr=$(awk '{print $2}' <<<"$d"); jr=$(awk '{print $2}' <<<"$j")
  awk -v a="$mr" -v b="$dr" -v c="$jr" 'BEGIN { printf "ratio manouche/django: %.1fx, manouche/jinja2: %.1fx\n", a / b, a / c }'
}
run products 200 5 20
run fortunes 200000 2000 20000
