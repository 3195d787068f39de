#include <criterion/criterion.h>
#include "manouche/http.h"
#include "../../src/http/http_internal.h"

static mn_str dec(mn_arena *a, const char *s, bool plus, bool strict, int *rc)
{
    return mn__url_decode(a, mn_str_from(s), plus, strict, rc);
}

Test(urlencoded, percent_decode)
{
    mn_arena *a = mn_arena_new("t", 0);
    int rc;
    cr_assert(mn_str_eq_cstr(dec(a, "a%20b+c", false, true, &rc), "a b+c"));
    cr_assert(mn_str_eq_cstr(dec(a, "a%20b+c", true, false, &rc), "a b c"));
    cr_assert(mn_str_eq_cstr(dec(a, "%", false, true, &rc), "%"));
    cr_assert(mn_str_eq_cstr(dec(a, "%4", false, true, &rc), "%4"));
    cr_assert(mn_str_eq_cstr(dec(a, "%4g%41", false, true, &rc), "%4gA"));
    mn_str s = MN_STR("plain");
    cr_assert_eq(mn__url_decode(a, s, true, false, &rc).ptr, s.ptr, "nothing to decode: no copy");
    /* Strict (paths): invalid UTF-8 after decoding is an error. */
    cr_assert_null(dec(a, "/caf%E9", false, true, &rc).ptr);
    cr_assert_eq(rc, MN_EPARSE);
    cr_assert_null(dec(a, "/caf\xe9", false, true, &rc).ptr);
    cr_assert_eq(rc, MN_EPARSE);
    /* Form fields: repaired with U+FFFD as Python does. */
    cr_assert(mn_str_eq_cstr(dec(a, "caf%E9", true, false, &rc), "caf\xef\xbf\xbd"));
    cr_assert_eq(rc, MN_OK);
    mn_arena_free(a);
}

Test(urlencoded, utf8)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_str ok = MN_STR("caf\xc3\xa9 \xf0\x9f\x8e\xb8");
    cr_assert_eq(mn__utf8_repair(a, ok).ptr, ok.ptr, "valid text is not copied");
    cr_assert(mn_str_eq_cstr(mn__utf8_repair(a, MN_STR("a\xffz")), "a\xef\xbf\xbdz"));
    cr_assert(mn_str_eq_cstr(mn__utf8_repair(a, MN_STR("a\xe2\x82z")), "a\xef\xbf\xbdz"));
    mn_arena_free(a);
}
