#!/usr/bin/env bash
# The model field macros refuse, at compile time, a struct member whose C
# type does not match the field (and a member that does not exist), and
# accept the right ones. Runs the C compiler on small programs.
set -u
cc=${CC:-cc}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0

program() { # $1: struct members, $2: field table entries
  cat <<C
#include "manouche.h"
typedef struct thing { mn_obj mn; int64_t id; $1 } thing;
static const mn_field thing_fields[] = { MN_FIELD_BIGAUTO(thing, id), $2 MN_FIELD_END };
mn_model thing_model = MN_MODEL(thing, "lab", "Thing", thing_fields);
C
}

compiles() { # $1: name, $2: members, $3: fields
  program "$2" "$3" >"$dir/$1.c"
  "$cc" -std=c11 -D_GNU_SOURCE -Werror -Wall -Wextra -Wno-unused-parameter -Iinclude -c "$dir/$1.c" -o "$dir/$1.o" \
    2>"$dir/$1.err"
}

expect_ok() {
  if ! compiles "$@"; then
    echo "FAIL: $1 should compile:"; cat "$dir/$1.err"; status=1
  fi
}

expect_error() {
  if compiles "$@"; then
    echo "FAIL: $1 compiled but must be refused"; status=1
  elif ! grep -q -E "_Generic|no member|has no member|not compatible" "$dir/$1.err"; then
    echo "FAIL: $1 failed for another reason:"; cat "$dir/$1.err"; status=1
  fi
}

expect_ok char_is_str "mn_str name;" "MN_FIELD_CHAR(thing, name, .max_length = 10),"
expect_ok decimal_is_decimal "mn_decimal price;" "MN_FIELD_DECIMAL(thing, price, .max_digits = 5, .decimal_places = 2),"
expect_ok int_is_int32 "int32_t stock;" "MN_FIELD_INT(thing, stock),"
expect_ok json_is_value "mn_value data;" "MN_FIELD_JSON(thing, data),"
expect_ok datetime "mn_datetime at;" "MN_FIELD_DATETIME(thing, at, .auto_now = true),"
expect_error money_as_double "double price;" "MN_FIELD_DECIMAL(thing, price, .max_digits = 5, .decimal_places = 2),"
expect_error char_as_pointer "const char *name;" "MN_FIELD_CHAR(thing, name, .max_length = 10),"
expect_error int_as_int64 "int64_t stock;" "MN_FIELD_INT(thing, stock),"
expect_error bigint_as_int "int big;" "MN_FIELD_BIGINT(thing, big),"
expect_error bool_as_int "int flag;" "MN_FIELD_BOOL(thing, flag),"
expect_error date_as_datetime "mn_datetime day;" "MN_FIELD_DATE(thing, day),"
expect_error missing_member "mn_str name;" "MN_FIELD_CHAR(thing, title, .max_length = 10),"
expect_error fk_as_pointer "void *category;" "MN_FIELD_FOREIGNKEY(thing, category, thing_model),"

# A model struct without its mn_obj header is refused too.
cat >"$dir/noheader.c" <<'C'
#include "manouche.h"
typedef struct bare { int64_t id; } bare;
static const mn_field bare_fields[] = { MN_FIELD_BIGAUTO(bare, id), MN_FIELD_END };
mn_model bare_model = MN_MODEL(bare, "lab", "Bare", bare_fields);
C
if "$cc" -std=c11 -D_GNU_SOURCE -Iinclude -c "$dir/noheader.c" -o "$dir/noheader.o" 2>/dev/null; then
  echo "FAIL: a model without mn_obj compiled"; status=1
fi

[ $status = 0 ] && echo "field type checks: ok"
exit $status
