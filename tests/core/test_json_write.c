/* The JSON writer: exact bytes against Python's json.dumps, DRF's renderer
 * and Django's json_script (expected outputs produced by Python 3.11,
 * Django 3.2 and DRF 3.14), escaping, errors and misuse. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"
#include "json_internal.h"

static mn_arena *A;
static void setup(void) { A = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(A); }
TestSuite(json_write, .init = setup, .fini = teardown);

static mn_value parse(const char *text)
{
    mn_value v;
    mn_err err = { 0 };
    int rc = mn_json_loads(A, mn_str_from(text), NULL, &v, &err);
    cr_assert_eq(rc, MN_OK, "%s", err.msg);
    return v;
}

static const char *dumps(mn_value v, unsigned flags)
{
    mn_err err = { 0 };
    mn_str s = mn_json_dumps(A, v, flags, &err);
    cr_assert_not_null(s.ptr, "dumps failed: %s", err.msg);
    cr_assert_eq(strlen(s.ptr), s.len);
    return s.ptr;
}

static int dumps_err(mn_value v, unsigned flags, mn_err *err)
{
    mn_str s = mn_json_dumps(A, v, flags, err);
    cr_assert_null(s.ptr);
    cr_assert_eq(s.len, 0);
    return err->code;
}

static const char *str_json(const char *s, unsigned flags)
{
    return dumps(mn_value_cstr(s), flags);
}

/* Python: json.dumps(doc, ensure_ascii=False, separators=(',', ':')) */
static const char *DOC =
    "{\"name\":\"Caf\u00e9 \u20ac\",\"emoji\":\"\U0001F600\",\"del\":\"\x7f\","
    "\"ls\":\"\u2028\u2029\",\"html\":\"<a href='x'>&</a>\","
    "\"n\":[1,-2,3.5,1e+16,0.1,true,false,null],"
    "\"nested\":{\"z\":[],\"y\":{},\"x\":[{\"k\":\"v\"}]}}";

Test(json_write, python_compact_utf8_is_the_default)
{
    cr_assert_str_eq(dumps(parse(DOC), 0), DOC);
    cr_assert_str_eq(dumps(parse(DOC), MN_JSON_COMPACT), DOC);
}

Test(json_write, python_ensure_ascii)
{
    cr_assert_str_eq(dumps(parse(DOC), MN_JSON_ENSURE_ASCII),
                     "{\"name\":\"Caf\\u00e9 \\u20ac\",\"emoji\":\"\\ud83d\\ude00\",\"del\":\"\\u007f\","
                     "\"ls\":\"\\u2028\\u2029\",\"html\":\"<a href='x'>&</a>\","
                     "\"n\":[1,-2,3.5,1e+16,0.1,true,false,null],"
                     "\"nested\":{\"z\":[],\"y\":{},\"x\":[{\"k\":\"v\"}]}}");
}

Test(json_write, python_default_separators)
{
    cr_assert_str_eq(dumps(parse(DOC), MN_JSON_SPACED),
                     "{\"name\": \"Caf\u00e9 \u20ac\", \"emoji\": \"\U0001F600\", \"del\": \"\x7f\", "
                     "\"ls\": \"\u2028\u2029\", \"html\": \"<a href='x'>&</a>\", "
                     "\"n\": [1, -2, 3.5, 1e+16, 0.1, true, false, null], "
                     "\"nested\": {\"z\": [], \"y\": {}, \"x\": [{\"k\": \"v\"}]}}");
}

Test(json_write, python_indent)
{
    cr_assert_str_eq(dumps(parse(DOC), MN_JSON_INDENT(2)),
                     "{\n  \"name\": \"Caf\u00e9 \u20ac\",\n  \"emoji\": \"\U0001F600\",\n"
                     "  \"del\": \"\x7f\",\n  \"ls\": \"\u2028\u2029\",\n"
                     "  \"html\": \"<a href='x'>&</a>\",\n"
                     "  \"n\": [\n    1,\n    -2,\n    3.5,\n    1e+16,\n    0.1,\n    true,\n"
                     "    false,\n    null\n  ],\n"
                     "  \"nested\": {\n    \"z\": [],\n    \"y\": {},\n    \"x\": [\n      {\n"
                     "        \"k\": \"v\"\n      }\n    ]\n  }\n}");
}

Test(json_write, python_indent_sort_keys)
{
    cr_assert_str_eq(dumps(parse(DOC), MN_JSON_INDENT(4) | MN_JSON_SORT_KEYS),
                     "{\n    \"del\": \"\x7f\",\n    \"emoji\": \"\U0001F600\",\n"
                     "    \"html\": \"<a href='x'>&</a>\",\n    \"ls\": \"\u2028\u2029\",\n"
                     "    \"n\": [\n        1,\n        -2,\n        3.5,\n        1e+16,\n"
                     "        0.1,\n        true,\n        false,\n        null\n    ],\n"
                     "    \"name\": \"Caf\u00e9 \u20ac\",\n"
                     "    \"nested\": {\n        \"x\": [\n            {\n"
                     "                \"k\": \"v\"\n            }\n        ],\n"
                     "        \"y\": {},\n        \"z\": []\n    }\n}");
}

Test(json_write, python_sort_keys_compact)
{
    cr_assert_str_eq(dumps(parse(DOC), MN_JSON_SORT_KEYS),
                     "{\"del\":\"\x7f\",\"emoji\":\"\U0001F600\",\"html\":\"<a href='x'>&</a>\","
                     "\"ls\":\"\u2028\u2029\",\"n\":[1,-2,3.5,1e+16,0.1,true,false,null],"
                     "\"name\":\"Caf\u00e9 \u20ac\",\"nested\":{\"x\":[{\"k\":\"v\"}],\"y\":{},\"z\":[]}}");
}

Test(json_write, sort_keys_by_code_point)
{
    /* sorted(["b", "a", "\u00e9", "Z", "aa", ""]) */
    mn_map *m = mn_map_new(A, 0);
    const char *keys[] = { "b", "a", "\u00e9", "Z", "aa", "" };
    for (int i = 0; i < 6; i++)
        mn_map_set_cstr(m, keys[i], mn_value_int(i));
    cr_assert_str_eq(dumps(mn_value_map(m), MN_JSON_SORT_KEYS),
                     "{\"\":5,\"Z\":3,\"a\":1,\"aa\":4,\"b\":0,\"\u00e9\":2}");
}

Test(json_write, every_control_character)
{
    char all[33];
    for (int i = 0; i < 32; i++)
        all[i] = (char)i;
    mn_value v = mn_value_str(mn_str_make(all, 32));
    const char *want =
        "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e"
        "\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a"
        "\\u001b\\u001c\\u001d\\u001e\\u001f\"";
    cr_assert_str_eq(dumps(v, 0), want);
    cr_assert_str_eq(dumps(v, MN_JSON_ENSURE_ASCII), want);
}

Test(json_write, quotes_backslashes_and_slashes)
{
    cr_assert_str_eq(str_json("a\"b\\c/d", 0), "\"a\\\"b\\\\c/d\"");
    cr_assert_str_eq(str_json("", 0), "\"\"");
    cr_assert_str_eq(str_json("\"", 0), "\"\\\"\"");
    cr_assert_str_eq(str_json("plain ascii text", 0), "\"plain ascii text\"");
}

Test(json_write, non_ascii_and_ensure_ascii)
{
    const char *s = "\u00e9\u07ff\u0800\uffff\U00010000\U0010FFFF\x7f";
    cr_assert_str_eq(str_json(s, 0), "\"\u00e9\u07ff\u0800\uffff\U00010000\U0010FFFF\x7f\"");
    /* json.dumps("\xe9\u07ff\u0800\uffff\U00010000\U0010ffff\x7f") */
    cr_assert_str_eq(str_json(s, MN_JSON_ENSURE_ASCII),
                     "\"\\u00e9\\u07ff\\u0800\\uffff\\ud800\\udc00\\udbff\\udfff\\u007f\"");
}

Test(json_write, line_separators)
{
    /* Python leaves U+2028/9 alone unless ensure_ascii; DRF escapes them. */
    cr_assert_str_eq(str_json("a\u2028b\u2029c", 0), "\"a\u2028b\u2029c\"");
    cr_assert_str_eq(str_json("a\u2028b\u2029c", MN_JSON_ENSURE_ASCII), "\"a\\u2028b\\u2029c\"");
    cr_assert_str_eq(str_json("a\u2028b\u2029c\u2027", MN_JSON_DRF),
                     "\"a\\u2028b\\u2029c\u2027\"");
}

Test(json_write, drf_renderer_output)
{
    /* JSONRenderer().render({"a": "\xe9\u2028<", "b": [1, 2]}) */
    cr_assert_str_eq(dumps(parse("{\"a\":\"\u00e9\u2028<\",\"b\":[1,2]}"), MN_JSON_DRF),
                     "{\"a\":\"\u00e9\\u2028<\",\"b\":[1,2]}");
}

Test(json_write, django_json_script)
{
    /* json_script({"a": "</script><b>&amp;", "\xe9": "\u2028"}, "x") */
    mn_value v = parse("{\"a\":\"</script><b>&amp;\",\"\u00e9\":\"\u2028\"}");
    cr_assert_str_eq(dumps(v, MN_JSON_DJANGO_SCRIPT),
                     "{\"a\": \"\\u003C/script\\u003E\\u003Cb\\u003E\\u0026amp;\", "
                     "\"\\u00e9\": \"\\u2028\"}");
    /* Script-safe alone keeps UTF-8 and compact separators. */
    cr_assert_str_eq(str_json("<\u00e9>&", MN_JSON_SCRIPT_SAFE), "\"\\u003C\u00e9\\u003E\\u0026\"");
}

Test(json_write, long_strings_mix_runs_and_escapes)
{
    mn_buf in, want;
    mn_buf_init(&in, A, 0);
    mn_buf_init(&want, A, 0);
    mn_buf_putc(&want, '"');
    for (int i = 0; i < 1000; i++) {
        mn_buf_puts(&in, "abc\u00e9\n\"x\\");
        mn_buf_puts(&want, "abc\u00e9\\n\\\"x\\\\");
    }
    mn_buf_putc(&want, '"');
    cr_assert_str_eq(dumps(mn_value_str(mn_buf_str(&in)), 0), mn_buf_cstr(&want));
}

Test(json_write, invalid_utf8_is_an_error)
{
    const char *bad[] = {
        "\x80", "a\xc3", "\xc3\x28", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80",
        "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff",
        "\xe2\x82", "ok\xf0\x9f\x98",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mn_err err = { 0 };
        cr_assert_eq(dumps_err(mn_value_cstr(bad[i]), 0, &err), MN_EPARSE, "case %zu", i);
        cr_assert(strstr(err.msg, "invalid UTF-8 byte"), "%s", err.msg);
        err = (mn_err){ 0 };
        cr_assert_eq(dumps_err(mn_value_cstr(bad[i]), MN_JSON_ENSURE_ASCII, &err), MN_EPARSE);
    }
    mn_err err = { 0 };
    dumps_err(mn_value_cstr("ab\xc3\x28"), 0, &err);
    cr_assert_str_eq(err.msg, "JSON writer: invalid UTF-8 byte 0xC3 at offset 2 of a string");
}

Test(json_write, numbers)
{
    cr_assert_str_eq(dumps(mn_value_int(INT64_MIN), 0), "-9223372036854775808");
    cr_assert_str_eq(dumps(mn_value_int(INT64_MAX), 0), "9223372036854775807");
    cr_assert_str_eq(dumps(mn_value_int(0), 0), "0");
    /* json.dumps([1e16, 1e-05, 0.1, 1.0, -0.0, 123456789012345678.0, 1e22, 5e-324,
     *             1.7976931348623157e308]) with compact separators */
    double f[] = { 1e16, 1e-5, 0.1, 1.0, -0.0, 123456789012345678.0, 1e22, 5e-324,
                   1.7976931348623157e308 };
    mn_list *l = mn_list_new(A, 0);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        mn_list_push(l, mn_value_float(f[i]));
    cr_assert_str_eq(dumps(mn_value_list(l), 0),
                     "[1e+16,1e-05,0.1,1.0,-0.0,1.2345678901234568e+17,1e+22,5e-324,"
                     "1.7976931348623157e+308]");

    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, 0);
    mn_json_write_begin_array(&w);
    mn_json_write_uint(&w, UINT64_MAX);
    mn_json_write_int(&w, -1);
    mn_json_write_double(&w, 2.5);
    mn_json_write_end_array(&w);
    cr_assert_eq(mn_json_writer_finish(&w, NULL), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "[18446744073709551615,-1,2.5]");
}

Test(json_write, nan_and_infinity_are_errors)
{
    double bad[] = { NAN, HUGE_VAL, -HUGE_VAL };
    const char *names[] = { "nan", "inf", "-inf" };
    for (int i = 0; i < 3; i++) {
        mn_err err = { 0 };
        cr_assert_eq(dumps_err(mn_value_float(bad[i]), 0, &err), MN_ERANGE);
        char want[128];
        snprintf(want, sizeof want,
                 "JSON writer: out of range float values are not JSON compliant: %s", names[i]);
        cr_assert_str_eq(err.msg, want);
    }
}

static mn_decimal dec(int64_t c, int32_t scale)
{
    mn_decimal d = mn_decimal_from_i64(c);
    d.scale = scale;
    return d;
}

Test(json_write, decimals_as_numbers_or_strings)
{
    mn_list *l = mn_list_new(A, 0);
    mn_list_push(l, mn_value_decimal(dec(150, 2)));
    mn_list_push(l, mn_value_decimal(dec(-1, 2)));
    mn_list_push(l, mn_value_decimal(dec(100, 0)));
    cr_assert_str_eq(dumps(mn_value_list(l), 0), "[1.50,-0.01,100]");
    /* DRF's DecimalField with COERCE_DECIMAL_TO_STRING. */
    cr_assert_str_eq(dumps(mn_value_list(l), MN_JSON_DECIMAL_AS_STRING), "[\"1.50\",\"-0.01\",\"100\"]");
}

Test(json_write, dates_times_like_drf)
{
    mn_date d = { 2024, 1, 5 };
    cr_assert_str_eq(dumps(mn_value_date(d), 0), "\"2024-01-05\"");
    cr_assert_str_eq(dumps(mn_value_time((mn_time){ 10, 30, 0, 0 }), 0), "\"10:30:00\"");
    cr_assert_str_eq(dumps(mn_value_time((mn_time){ 10, 30, 0, 250 }), 0), "\"10:30:00.000250\"");

    mn_datetime dt = mn_datetime_naive(d, (mn_time){ 10, 30, 0, 0 });
    cr_assert_str_eq(dumps(mn_value_datetime(dt), 0), "\"2024-01-05T10:30:00\"");
    dt.tz = mn_tz_utc();
    cr_assert_str_eq(dumps(mn_value_datetime(dt), 0), "\"2024-01-05T10:30:00Z\"");
    dt.us += 250;
    cr_assert_str_eq(dumps(mn_value_datetime(dt), 0), "\"2024-01-05T10:30:00.000250Z\"");
    dt.us -= 250;
    dt.tz = mn_tz_fixed(5 * 3600 + 30 * 60);
    cr_assert_str_eq(dumps(mn_value_datetime(dt), 0), "\"2024-01-05T16:00:00+05:30\"");
    /* A zone at offset zero that is not UTC is still shown with Z, as DRF
     * replaces any "+00:00". */
    dt.tz = mn_tz_fixed(0);
    cr_assert_str_eq(dumps(mn_value_datetime(dt), 0), "\"2024-01-05T10:30:00Z\"");
    dt.tz = mn_tz_fixed(-4 * 3600);
    cr_assert_str_eq(dumps(mn_value_datetime(dt), 0), "\"2024-01-05T06:30:00-04:00\"");
}

Test(json_write, durations_like_django_duration_string)
{
    const int64_t S = 1000000, D = 86400 * S;
    struct { int64_t us; const char *want; } cases[] = {
        { 0, "\"00:00:00\"" },
        { S, "\"00:00:01\"" },
        { D + 2 * 3600 * S + 3 * 60 * S + 4 * S + 5, "\"1 02:03:04.000005\"" },
        { -S, "\"-1 23:59:59\"" },
        { -3 * D + 1, "\"-3 00:00:00.000001\"" },
        { 400 * D, "\"400 00:00:00\"" },
        { 25 * 3600 * S, "\"1 01:00:00\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_assert_str_eq(dumps(mn_value_duration((mn_duration){ cases[i].us }), 0), cases[i].want,
                         "case %zu", i);
}

Test(json_write, safe_strings_are_plain_strings)
{
    cr_assert_str_eq(dumps(mn_value_safe(MN_STR("<b>")), 0), "\"<b>\"");
}

/* A C object seen through an mn_type. */
typedef struct point { int x, y; } point;

static int point_to_list(const void *obj, mn_arena *arena, mn_list **out)
{
    const point *p = obj;
    *out = mn_list_new(arena, 2);
    mn_list_push(*out, mn_value_int(p->x));
    mn_list_push(*out, mn_value_int(p->y));
    return MN_OK;
}

static int point_to_str(const void *obj, mn_buf *out)
{
    const point *p = obj;
    return mn_buf_printf(out, "(%d, \"%d\")", p->x, p->y);
}

static int failing_to_list(const void *obj, mn_arena *arena, mn_list **out)
{
    return MN_EDB;
}

static const mn_type point_list_type = { .name = "Point", .to_list = point_to_list };
static const mn_type point_str_type = { .name = "Point", .to_str = point_to_str };
static const mn_type opaque_type = { .name = "Opaque" };
static const mn_type failing_type = { .name = "QuerySet", .to_list = failing_to_list };

Test(json_write, objects_through_their_type)
{
    point p = { 3, 4 };
    cr_assert_str_eq(dumps(mn_value_object(&point_list_type, &p), 0), "[3,4]");
    cr_assert_str_eq(dumps(mn_value_object(&point_str_type, &p), 0), "\"(3, \\\"4\\\")\"");

    mn_err err = { 0 };
    cr_assert_eq(dumps_err(mn_value_object(&opaque_type, &p), 0, &err), MN_ETYPE);
    cr_assert_str_eq(err.msg, "JSON writer: Object of type Opaque is not JSON serializable");
    err = (mn_err){ 0 };
    cr_assert_eq(dumps_err(mn_value_object(&failing_type, &p), 0, &err), MN_EDB);
    cr_assert(strstr(err.msg, "QuerySet.to_list failed"), "%s", err.msg);
}

static int answer(void *ctx, mn_arena *arena, mn_value *out)
{
    *out = mn_value_int(42);
    return MN_OK;
}

Test(json_write, callables_are_not_serializable)
{
    mn_err err = { 0 };
    cr_assert_eq(dumps_err(mn_value_callable(answer, NULL), 0, &err), MN_ETYPE);
    cr_assert_str_eq(err.msg, "JSON writer: Object of type function is not JSON serializable");
}

Test(json_write, objects_with_a_heap_buffer)
{
    /* Without an arena the writer makes a temporary one for to_list. */
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, 0);
    point p = { -1, 7 };
    mn_json_write_value(&w, mn_value_object(&point_list_type, &p));
    cr_assert_eq(mn_json_writer_finish(&w, NULL), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "[-1,7]");
    mn_buf_free(&b);
}

Test(json_write, streaming_api)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, MN_JSON_SPACED);
    mn_json_write_begin_object(&w);
    mn_json_write_key_cstr(&w, "id");
    mn_json_write_int(&w, 7);
    mn_json_write_key(&w, MN_STR("tags"));
    mn_json_write_begin_array(&w);
    mn_json_write_cstr(&w, "a");
    mn_json_write_null(&w);
    mn_json_write_bool(&w, false);
    mn_json_write_raw(&w, MN_STR("{\"pre\":1}"));
    mn_json_write_begin_object(&w);
    mn_json_write_end_object(&w);
    mn_json_write_end_array(&w);
    mn_json_write_key_cstr(&w, "price");
    mn_json_write_decimal(&w, dec(1999, 2));
    mn_json_write_end_object(&w);
    mn_err err = { 0 };
    cr_assert_eq(mn_json_writer_finish(&w, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(mn_buf_cstr(&b),
                     "{\"id\": 7, \"tags\": [\"a\", null, false, {\"pre\":1}, {}], \"price\": 19.99}");
    cr_assert_eq(mn_json_writer_error(&w, &err), MN_OK);
}

Test(json_write, top_level_scalars)
{
    cr_assert_str_eq(dumps(mn_value_null(), 0), "null");
    cr_assert_str_eq(dumps(mn_value_bool(true), 0), "true");
    cr_assert_str_eq(dumps(mn_value_cstr("x"), 0), "\"x\"");
    cr_assert_str_eq(dumps(mn_value_list(mn_list_new(A, 0)), MN_JSON_INDENT(2)), "[]");
    cr_assert_str_eq(dumps(mn_value_map(mn_map_new(A, 0)), MN_JSON_INDENT(2)), "{}");
}

/* Runs a misuse scenario and checks the first error. */
static void misuse(void (*fn)(mn_json_writer *), int code, const char *msg)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, 0);
    fn(&w);
    mn_err err = { 0 };
    cr_assert_eq(mn_json_writer_finish(&w, &err), code, "%s", err.msg);
    cr_assert_str_eq(err.msg, msg);
    /* The error is sticky: nothing more is written. */
    size_t len = b.len;
    cr_assert_eq(mn_json_write_int(&w, 1), code);
    cr_assert_eq(mn_json_write_begin_array(&w), code);
    cr_assert_eq(b.len, len);
}

static void key_at_top(mn_json_writer *w) { mn_json_write_key_cstr(w, "a"); }
static void key_in_array(mn_json_writer *w)
{
    mn_json_write_begin_array(w);
    mn_json_write_key_cstr(w, "a");
}
static void value_without_key(mn_json_writer *w)
{
    mn_json_write_begin_object(w);
    mn_json_write_int(w, 1);
}
static void two_keys(mn_json_writer *w)
{
    mn_json_write_begin_object(w);
    mn_json_write_key_cstr(w, "a");
    mn_json_write_key_cstr(w, "b");
}
static void key_without_value(mn_json_writer *w)
{
    mn_json_write_begin_object(w);
    mn_json_write_key_cstr(w, "a");
    mn_json_write_end_object(w);
}
static void wrong_end(mn_json_writer *w)
{
    mn_json_write_begin_array(w);
    mn_json_write_end_object(w);
}
static void end_at_top(mn_json_writer *w) { mn_json_write_end_array(w); }
static void unclosed(mn_json_writer *w)
{
    mn_json_write_begin_array(w);
    mn_json_write_begin_object(w);
}
static void two_values(mn_json_writer *w)
{
    mn_json_write_int(w, 1);
    mn_json_write_int(w, 2);
}
static void nothing(mn_json_writer *w) { (void)w; }
static void empty_raw(mn_json_writer *w) { mn_json_write_raw(w, MN_STR_EMPTY); }
static void bad_key(mn_json_writer *w)
{
    mn_json_write_begin_object(w);
    mn_json_write_key(w, mn_str_make("\xff", 1));
}

Test(json_write, misuse_is_reported)
{
    misuse(key_at_top, MN_EINVAL, "JSON writer: a key outside an object");
    misuse(key_in_array, MN_EINVAL, "JSON writer: a key outside an object");
    misuse(value_without_key, MN_EINVAL, "JSON writer: a value inside an object needs a key first");
    misuse(two_keys, MN_EINVAL, "JSON writer: a key right after another key");
    misuse(key_without_value, MN_EINVAL,
           "JSON writer: a key without a value at the end of an object");
    misuse(wrong_end, MN_EINVAL, "JSON writer: end of object without a matching begin");
    misuse(end_at_top, MN_EINVAL, "JSON writer: end of array without a matching begin");
    misuse(unclosed, MN_EINVAL, "JSON writer: 2 unclosed containers at the end");
    misuse(two_values, MN_EINVAL, "JSON writer: a second value at the top level");
    misuse(nothing, MN_EINVAL, "JSON writer: nothing was written");
    misuse(empty_raw, MN_EINVAL, "JSON writer: empty raw JSON");
    misuse(bad_key, MN_EPARSE, "JSON writer: invalid UTF-8 byte 0xFF at offset 0 of a string");
}

Test(json_write, self_containing_list_hits_the_depth_limit)
{
    mn_list *l = mn_list_new(A, 1);
    mn_list_push(l, mn_value_int(1));
    mn_list_push(l, mn_value_list(l));
    mn_err err = { 0 };
    cr_assert_eq(dumps_err(mn_value_list(l), 0, &err), MN_ELIMIT);
    cr_assert_str_eq(err.msg, "JSON writer: nesting deeper than 2048 levels");
}

Test(json_write, deep_but_legal_nesting)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, 0);
    for (int i = 0; i < MN_JSON_MAX_DEPTH; i++)
        mn_json_write_begin_array(&w);
    for (int i = 0; i < MN_JSON_MAX_DEPTH; i++)
        mn_json_write_end_array(&w);
    cr_assert_eq(mn_json_writer_finish(&w, NULL), MN_OK);
    cr_assert_eq(b.len, 2 * MN_JSON_MAX_DEPTH);
}

Test(json_write, buffer_limit)
{
    mn_buf b;
    mn_buf_init(&b, A, 16);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, 0);
    mn_json_write_begin_array(&w);
    for (int i = 0; i < 100; i++)
        mn_json_write_int(&w, 123456);
    mn_json_write_end_array(&w);
    mn_err err = { 0 };
    cr_assert_eq(mn_json_writer_finish(&w, &err), MN_ELIMIT);
    cr_assert_str_eq(err.msg, "JSON writer: output exceeds the buffer's size limit");
}

Test(json_write, dumps_needs_an_arena)
{
    mn_err err = { 0 };
    mn_str s = mn_json_dumps(NULL, mn_value_int(1), 0, &err);
    cr_assert_null(s.ptr);
    cr_assert_eq(err.code, MN_EINVAL);
}

Test(json_write, round_trip_of_built_values)
{
    mn_map *m = mn_map_new(A, 0);
    mn_map_set_cstr(m, "int", mn_value_int(-17));
    mn_map_set_cstr(m, "big", mn_value_int(INT64_MIN));
    mn_map_set_cstr(m, "float", mn_value_float(0.1));
    mn_map_set_cstr(m, "tiny", mn_value_float(5e-324));
    mn_map_set_cstr(m, "str", mn_value_cstr("tab\t quote\" nl\n \u00e9 \U0001F600 \u2028 <&>"));
    mn_map_set_cstr(m, "bool", mn_value_bool(true));
    mn_map_set_cstr(m, "none", mn_value_null());
    mn_map_set_cstr(m, "dec", mn_value_decimal(dec(INT64_MAX, 0)));
    mn_list *l = mn_list_new(A, 0);
    mn_list_push(l, mn_value_map(mn_map_new(A, 0)));
    mn_list_push(l, mn_value_list(mn_list_new(A, 0)));
    mn_list_push(l, mn_value_float(-2.5e300));
    mn_map_set_cstr(m, "list", mn_value_list(l));
    mn_map_set_cstr(m, "\u00e9\"key", mn_value_int(1));
    mn_value v = mn_value_map(m);
    unsigned flags[] = { 0, MN_JSON_SPACED, MN_JSON_INDENT(3), MN_JSON_ENSURE_ASCII,
                         MN_JSON_DJANGO_SCRIPT, MN_JSON_DRF, MN_JSON_SORT_KEYS };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        mn_value back;
        const char *text = dumps(v, flags[i]);
        mn_err err = { 0 };
        cr_assert_eq(mn_json_loads(A, mn_str_from(text), NULL, &back, &err), MN_OK, "%s", err.msg);
        cr_assert(mn_value_eq(v, back), "flags %u: %s", flags[i], text);
    }
}

/* The writer's printf-free path for doubles must give exactly Python's repr
 * (mn_buf_put_double_repr) for every value. */
static void same_repr(double f)
{
    char want[64], got[64];
    mn_buf a, b;
    mn_buf_init(&a, NULL, 0);
    mn_buf_init(&b, NULL, 0);
    mn_buf_put_double_repr(&a, f);
    mn__json_put_double(&b, f);
    snprintf(want, sizeof want, "%s", mn_buf_cstr(&a));
    snprintf(got, sizeof got, "%s", mn_buf_cstr(&b));
    mn_buf_free(&a);
    mn_buf_free(&b);
    cr_assert_str_eq(got, want, "for %.17g", f);
}

Test(json_write, fast_double_repr_matches_python_repr)
{
    double fixed[] = { 0.0, -0.0, 0.5, 1.5, 2.5, 0.1, 0.2, 0.3, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 100.0,
                       1e-4, 1.5e-4, 9.999e-5, 1e15, 9999999999999998.0, 1e16, 123456789.125,
                       4.35, 0.015, 1.005, 2.675, 1234.5678, 0.000123456789, 9007199254740991.0,
                       9007199254740993.0, 4503599627370496.5, 0.125, 0.0625, 1.25e-3, 19.99,
                       -19.99, 4.253, 8.0, 0.30000000000000004, 5e-324, 1.7976931348623157e308 };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        same_repr(fixed[i]);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* Prices and ratings: few decimals, the fast path's domain. */
        double cents = (double)(x % 10000000) / 100.0;
        same_repr(cents);
        same_repr((double)(x % 1000000) / 1000.0 + 4.25);
        same_repr((double)(x % 100000) * 1e-7);
        /* Any bit pattern in the fixed-notation range. */
        uint64_t bits = (x & 0x000FFFFFFFFFFFFFull) | ((uint64_t)(1009 + x % 67) << 52);
        double f;
        memcpy(&f, &bits, sizeof f);
        same_repr(f);
        same_repr(-f);
    }
}
