#include <criterion/criterion.h>
#include "manouche/http.h"
#include "../../src/http/http_internal.h"

Test(urlencoded, percent_decode)
{
    mn_arena *a = mn_arena_new("t", 0);
    cr_assert(mn_str_eq_cstr(mn__percent_decode(a, MN_STR("a%20b+c"), false), "a b+c"));
    cr_assert(mn_str_eq_cstr(mn__percent_decode(a, MN_STR("a%20b+c"), true), "a b c"));
    cr_assert(mn_str_eq_cstr(mn__percent_decode(a, MN_STR("%"), false), "%"));
    cr_assert(mn_str_eq_cstr(mn__percent_decode(a, MN_STR("%4"), false), "%4"));
    cr_assert(mn_str_eq_cstr(mn__percent_decode(a, MN_STR("%4g%41"), false), "%4gA"));
    mn_str s = MN_STR("plain");
    cr_assert_eq(mn__percent_decode(a, s, true).ptr, s.ptr, "nothing to decode: no copy");
    mn_arena_free(a);
}

Test(urlencoded, utf8)
{
    mn_arena *a = mn_arena_new("t", 0);
    cr_assert(mn__utf8_valid(MN_STR("caf\xc3\xa9 \xf0\x9f\x8e\xb8")));
    cr_assert(!mn__utf8_valid(MN_STR("\xc0\xaf")), "overlong");
    cr_assert(!mn__utf8_valid(MN_STR("\xed\xa0\x80")), "surrogate");
    cr_assert(!mn__utf8_valid(MN_STR("\xf4\x90\x80\x80")), "beyond U+10FFFF");
    cr_assert(!mn__utf8_valid(MN_STR("\xe2\x82")), "truncated");
    cr_assert(mn_str_eq_cstr(mn__utf8_repair(a, MN_STR("a\xffz")), "a\xef\xbf\xbdz"));
    cr_assert(mn_str_eq_cstr(mn__utf8_repair(a, MN_STR("a\xe2\x82z")), "a\xef\xbf\xbdz"));
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn__urlencode_component(&b, MN_STR("a b/\xc3\xa9~"));
    cr_assert_str_eq(mn_buf_cstr(&b), "a+b%2F%C3%A9~");
    mn_arena_free(a);
}
