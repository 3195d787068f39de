#include <criterion/criterion.h>
#include "manouche/http.h"

static mn_arena *a;
static void setup(void) { a = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(a); }
TestSuite(querydict, .init = setup, .fini = teardown);

Test(querydict, multi_valued_ordered_like_django)
{
    mn_querydict *q = mn_querydict_new(a);
    cr_assert_eq(mn_querydict_parse(q, MN_STR("a=1&a=2&b=&c&=d&e=%ZZ&f=%ff+x&g=a%2Bb;h=1"), 0, NULL), MN_OK);
    mn_str v;
    cr_assert(mn_querydict_get(q, "a", &v) && mn_str_eq_cstr(v, "2"), "get returns the last value");
    cr_assert_eq(mn_querydict_count(q, "a"), 2);
    cr_assert(mn_str_eq_cstr(mn_querydict_getlist_at(q, "a", 0), "1"));
    cr_assert(mn_querydict_get(q, "b", &v) && v.len == 0);
    cr_assert(mn_querydict_get(q, "c", &v) && v.len == 0);
    cr_assert(mn_querydict_get(q, "", &v) && mn_str_eq_cstr(v, "d"));
    cr_assert(mn_querydict_get(q, "e", &v) && mn_str_eq_cstr(v, "%ZZ"), "bad escapes kept");
    cr_assert(mn_querydict_get(q, "f", &v) && mn_str_eq_cstr(v, "\xef\xbf\xbd x"), "invalid UTF-8 replaced");
    cr_assert(mn_querydict_get(q, "g", &v) && mn_str_eq_cstr(v, "a+b;h=1"), "';' is not a separator");
    cr_assert_eq(mn_querydict_len(q), 7);
    cr_assert(mn_str_eq_cstr(mn_querydict_key_at(q, 1), "b"));
    cr_assert(!mn_querydict_has(q, "zz"));
    cr_assert(mn_str_eq_cstr(mn_querydict_get_or(q, "zz", MN_STR("def")), "def"));
    mn_list *l = mn_querydict_getlist(q, "a");
    cr_assert_eq(mn_list_len(l), 2);
    cr_assert_eq(mn_list_len(mn_querydict_getlist(q, "missing")), 0);
}

Test(querydict, field_limit)
{
    mn_querydict *q = mn_querydict_new(a);
    mn_err err = { 0 };
    cr_assert_eq(mn_querydict_parse(q, MN_STR("a=1&b=2&c=3"), 2, &err), MN_ELIMIT);
    cr_assert_str_eq(err.msg, "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.");
    mn_querydict *q2 = mn_querydict_new(a);
    cr_assert_eq(mn_querydict_parse(q2, MN_STR("a=1&&&b=2"), 2, &err), MN_OK, "empty parts do not count");
}

Test(querydict, set_and_urlencode)
{
    mn_querydict *q = mn_querydict_new(a);
    mn_querydict_append(q, MN_STR("x"), MN_STR("1"));
    mn_querydict_append(q, MN_STR("y"), MN_STR("a b&c"));
    mn_querydict_append(q, MN_STR("x"), MN_STR("2"));
    mn_buf b;
    mn_buf_init(&b, a, 0);
    cr_assert_eq(mn_querydict_urlencode(q, &b), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "x=1&x=2&y=a+b%26c");
    mn_querydict_set(q, MN_STR("x"), MN_STR("3"));
    cr_assert_eq(mn_querydict_count(q, "x"), 1);
    mn_str v, k;
    cr_assert(mn_querydict_get(q, "x", &v) && mn_str_eq_cstr(v, "3"));
    cr_assert_eq(mn_querydict_pairs(q), 2);
    mn_querydict_pair_at(q, 0, &k, &v);
    cr_assert(mn_str_eq_cstr(k, "x"), "set keeps the first position");
    mn_querydict_set(q, MN_STR("new"), MN_STR("n"));
    cr_assert_eq(mn_querydict_pairs(q), 3);
}
