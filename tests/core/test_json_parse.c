/* JSON parsing: values, numbers beyond 64 bits, strings and escapes, limits,
 * and the messages and positions of errors. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

static mn_arena *A;
static void setup(void) { A = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(A); }
TestSuite(json_parse, .init = setup, .fini = teardown);

static mn_value parse_lim(const char *text, size_t len, const mn_json_limits *lim)
{
    mn_value v;
    mn_err err = { 0 };
    int rc = mn_json_parse(A, mn_str_make(text, len), lim, &v, NULL, &err);
    cr_assert_eq(rc, MN_OK, "%s: %s", text, err.msg);
    cr_assert_eq(err.code, 0);
    return v;
}

static mn_value parse(const char *text) { return parse_lim(text, strlen(text), NULL); }

static const char *repr(mn_value v)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    cr_assert_eq(mn_value_repr(v, &b), MN_OK);
    return mn_buf_cstr(&b);
}

/* Parses text expecting an error; checks code, message and position. */
static void fails_lim(const char *text, size_t len, const mn_json_limits *lim, int code,
                      const char *msg, size_t line, size_t column, size_t offset)
{
    mn_value v = mn_value_int(5);
    mn_err err = { 0 };
    mn_json_pos pos;
    int rc = mn_json_parse(A, mn_str_make(text, len), lim, &v, &pos, &err);
    cr_assert_eq(rc, code, "%s: rc %d, %s", text, rc, err.msg);
    cr_assert_eq(err.code, code);
    cr_assert_str_eq(err.msg, msg, "for input %s", text);
    cr_assert_eq(pos.line, line, "%s: line %zu", text, pos.line);
    cr_assert_eq(pos.column, column, "%s: column %zu", text, pos.column);
    cr_assert_eq(pos.offset, offset, "%s: offset %zu", text, pos.offset);
    cr_assert(mn_value_is_null(v));
}

static void fails(const char *text, int code, const char *msg, size_t line, size_t column,
                  size_t offset)
{
    fails_lim(text, strlen(text), NULL, code, msg, line, column, offset);
}

Test(json_parse, scalars_at_the_top_level)
{
    cr_assert_eq(mn_value_type(parse("null")), MN_VALUE_NULL);
    mn_value t = parse(" true ");
    cr_assert_eq(mn_value_type(t), MN_VALUE_BOOL);
    cr_assert(t.u.b);
    cr_assert_not(parse("\n\tfalse\r\n").u.b);
    cr_assert_eq(parse("42").u.i, 42);
    cr_assert_eq(parse("-0").u.i, 0);
    cr_assert_eq(mn_value_type(parse("-0")), MN_VALUE_INT);
    mn_value f = parse("1.5");
    cr_assert_eq(mn_value_type(f), MN_VALUE_FLOAT);
    cr_assert_eq(f.u.f, 1.5);
    cr_assert_eq(mn_value_type(parse("1e2")), MN_VALUE_FLOAT);
    cr_assert_eq(parse("1E+2").u.f, 100.0);
    cr_assert(signbit(parse("-0.0").u.f));
    cr_assert_eq(parse("1e-400").u.f, 0.0); /* underflow rounds to zero, as Python */
    mn_value s = parse("\"h\\u00e9\"");
    cr_assert_eq(mn_value_type(s), MN_VALUE_STR);
    cr_assert_str_eq(s.u.s.ptr, "h\u00e9");
}

Test(json_parse, containers_keep_document_order)
{
    mn_value v = parse("{\"b\": [1, 2.5, \"x\", null, true, {}], \"a\": {\"z\": [], \"y\": false}}");
    cr_assert_str_eq(repr(v), "{'b': [1, 2.5, 'x', None, True, {}], 'a': {'z': [], 'y': False}}");
    cr_assert_eq(mn_map_len(v.u.map), 2);
    cr_assert(mn_str_eq_cstr(mn_map_key_at(v.u.map, 0), "b"));
}

Test(json_parse, duplicate_keys_last_wins_like_python)
{
    /* json.loads('{"a":1,"b":2,"a":3}') == {'a': 3, 'b': 2} */
    mn_value v = parse("{\"a\":1,\"b\":2,\"a\":3}");
    cr_assert_str_eq(repr(v), "{'a': 3, 'b': 2}");
}

Test(json_parse, strings_are_copied_into_the_arena)
{
    char text[] = "[\"abc\", {\"key\": \"val\"}]";
    mn_value v = parse(text);
    memset(text, 'x', sizeof text - 1);
    cr_assert_str_eq(repr(v), "['abc', {'key': 'val'}]");
}

Test(json_parse, escapes)
{
    mn_value v = parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\u20AC \\ud83d\\ude00\"");
    cr_assert_str_eq(v.u.s.ptr, "\" \\ / \b \f \n \r \t A \u00e9 \u20ac \U0001F600");
    cr_assert_str_eq(parse("\"\\u2028\"").u.s.ptr, "\u2028");
}

Test(json_parse, integers_at_the_int64_boundaries)
{
    mn_value v = parse("[9223372036854775807, -9223372036854775808, 9223372036854775808,"
                       " -9223372036854775809]");
    mn_list *l = v.u.list;
    cr_assert_eq(mn_value_type(mn_list_get(l, 0)), MN_VALUE_INT);
    cr_assert_eq(mn_list_get(l, 0).u.i, INT64_MAX);
    cr_assert_eq(mn_value_type(mn_list_get(l, 1)), MN_VALUE_INT);
    cr_assert_eq(mn_list_get(l, 1).u.i, INT64_MIN);
    cr_assert_eq(mn_value_type(mn_list_get(l, 2)), MN_VALUE_DECIMAL);
    cr_assert_eq(mn_value_type(mn_list_get(l, 3)), MN_VALUE_DECIMAL);
    cr_assert_str_eq(repr(v), "[9223372036854775807, -9223372036854775808, "
                              "Decimal('9223372036854775808'), Decimal('-9223372036854775809')]");
}

Test(json_parse, huge_integers_up_to_38_digits)
{
    const char *max38 = "99999999999999999999999999999999999999";
    mn_value v = parse(max38);
    cr_assert_eq(mn_value_type(v), MN_VALUE_DECIMAL);
    cr_assert_eq(v.u.d.scale, 0);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_decimal_write(&b, v.u.d);
    cr_assert_str_eq(mn_buf_cstr(&b), max38);

    v = parse("{\"n\": -12345678901234567890123456789012345678, \"m\": [1, 100000000000000000000]}");
    cr_assert_str_eq(repr(v), "{'n': Decimal('-12345678901234567890123456789012345678'), "
                              "'m': [1, Decimal('100000000000000000000')]}");
    /* Written back, they are the same JSON numbers. */
    mn_str s = mn_json_dumps(A, v, 0, NULL);
    cr_assert_str_eq(s.ptr, "{\"n\":-12345678901234567890123456789012345678,"
                            "\"m\":[1,100000000000000000000]}");
}

Test(json_parse, integers_beyond_38_digits_are_errors)
{
    fails("123456789012345678901234567890123456789", MN_ERANGE,
          "JSON parse error at line 1, column 1: integer of 39 digits is too large (at most 38)", 1, 1,
          0);
    fails("[1,\n  -1234567890123456789012345678901234567890]", MN_ERANGE,
          "JSON parse error at line 2, column 3: integer of 40 digits is too large (at most 38)", 2, 3,
          6);
    /* Large numbers with a fraction or exponent are floats, as in Python. */
    cr_assert_eq(mn_value_type(parse("123456789012345678901234567890123456789.0")), MN_VALUE_FLOAT);
    cr_assert_eq(parse("1e300").u.f, 1e300);
}

Test(json_parse, float_overflow_is_an_error)
{
    fails("[1e400]", MN_ERANGE, "JSON parse error at line 1, column 6: real number overflow near '1e400'",
          1, 6, 5);
    fails("-1e309", MN_ERANGE,
          "JSON parse error at line 1, column 6: real number overflow near '-1e309'", 1, 6, 5);
}

Test(json_parse, syntax_errors_with_positions)
{
    fails("[1,]", MN_EPARSE, "JSON parse error at line 1, column 4: unexpected token near ']'", 1, 4, 3);
    fails("[1 2]", MN_EPARSE, "JSON parse error at line 1, column 4: ']' expected near '2'", 1, 4, 3);
    fails("", MN_EPARSE, "JSON parse error at line 1, column 1: unexpected token near end of file", 1,
          1, 0);
    fails("   ", MN_EPARSE, "JSON parse error at line 1, column 3: unexpected token near end of file", 1,
          3, 2);
    fails("\n\n  [x]", MN_EPARSE, "JSON parse error at line 3, column 4: invalid token near 'x'", 3, 4,
          5);
    fails("{\"a\" 1}", MN_EPARSE, "JSON parse error at line 1, column 6: ':' expected near '1'", 1, 6, 5);
    fails("{1:2}", MN_EPARSE, "JSON parse error at line 1, column 2: string or '}' expected near '1'", 1,
          2, 1);
    fails("[1] x", MN_EPARSE, "JSON parse error at line 1, column 5: end of file expected near 'x'", 1,
          5, 4);
    fails("[1,2", MN_EPARSE, "JSON parse error at line 1, column 4: ']' expected near end of file", 1,
          4, 3);
    fails("\"abc", MN_EPARSE, "JSON parse error at line 1, column 4: premature end of input near '\"abc'",
          1, 4, 3);
    fails("tru", MN_EPARSE, "JSON parse error at line 1, column 3: invalid token near 'tru'", 1, 3, 2);
    fails("NaN", MN_EPARSE, "JSON parse error at line 1, column 3: invalid token near 'NaN'", 1, 3, 2);
    fails("01", MN_EPARSE, "JSON parse error at line 1, column 1: invalid token near '0'", 1, 1, 0);
    fails("\"\\x\"", MN_EPARSE, "JSON parse error at line 1, column 3: invalid escape near '\"\\x'", 1, 3,
          2);
    fails("[\"\t\"]", MN_EPARSE, "JSON parse error at line 1, column 2: control character 0x9 near '\"'",
          1, 2, 1);
    /* Control bytes quoted from the input are escaped in the message. */
    fails("[1, \x1b[31mred]", MN_EPARSE,
          "JSON parse error at line 1, column 5: invalid token near '\\x1B'", 1, 5, 4);
    fails("{\"a\":1}\x7f", MN_EPARSE,
          "JSON parse error at line 1, column 8: end of file expected near '\\x7F'", 1, 8, 7);
    /* Columns count characters, offsets count bytes. */
    fails("[\"\u00e9\u00e9\", x]", MN_EPARSE,
          "JSON parse error at line 1, column 8: invalid token near 'x'", 1, 8, 9);
}

Test(json_parse, lone_surrogates_are_errors)
{
    fails("\"\\ud800\"", MN_EPARSE,
          "JSON parse error at line 1, column 8: invalid Unicode '\\uD800' near '\"\\ud800\"'", 1, 8, 7);
    fails("\"\\udc00x\"", MN_EPARSE,
          "JSON parse error at line 1, column 9: invalid Unicode '\\uDC00' near '\"\\udc00x\"'", 1, 9, 8);
    mn_err err = { 0 };
    mn_value v;
    cr_assert_eq(mn_json_loads(A, MN_STR("\"\\ud83d\\u0041\""), NULL, &v, &err), MN_EPARSE);
}

Test(json_parse, invalid_utf8_is_an_error_at_its_byte)
{
    struct { const char *text; const char *msg; size_t col, off; } cases[] = {
        { "\"\xc3\x28\"", "invalid UTF-8 byte 0xC3 in a string", 2, 1 },
        { "\"ab\xc0\xaf\"", "invalid UTF-8 byte 0xC0 in a string", 4, 3 },
        { "\"\xe0\x80\x80\"", "invalid UTF-8 byte 0xE0 in a string", 2, 1 },
        { "\"\xed\xa0\x80\"", "invalid UTF-8 byte 0xED in a string", 2, 1 },
        { "\"\u00e9\xf4\x90\x80\x80\"", "invalid UTF-8 byte 0xF4 in a string", 3, 3 },
        { "\"\x80\"", "invalid UTF-8 byte 0x80 in a string", 2, 1 },
        { "\"\xe2\x82\"", "invalid UTF-8 byte 0xE2 in a string", 2, 1 },
        { "[1, \xff]", "invalid UTF-8 byte 0xFF", 5, 4 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[160];
        snprintf(msg, sizeof msg, "JSON parse error at line 1, column %zu: %s", cases[i].col,
                 cases[i].msg);
        fails(cases[i].text, MN_EPARSE, msg, 1, cases[i].col, cases[i].off);
    }
    fails("[\n \"ok\",\n  \"\xff\"]", MN_EPARSE,
          "JSON parse error at line 3, column 4: invalid UTF-8 byte 0xFF in a string", 3, 4, 12);
    /* Valid UTF-8 outside strings is a syntax error from the parser. */
    fails("\xef\xbb\xbf[1]", MN_EPARSE,
          "JSON parse error at line 1, column 1: invalid token near '\xef\xbb\xbf'", 1, 1, 2);
}

Test(json_parse, nul_is_rejected_by_default)
{
    fails("\"\\u0000\"", MN_EPARSE,
          "JSON parse error at line 1, column 2: NUL character (\\u0000) in a string is not allowed", 1,
          2, 1);
    fails("{\"k\": [\"ab\\u0000c\"]}", MN_EPARSE,
          "JSON parse error at line 1, column 11: NUL character (\\u0000) in a string is not allowed", 1,
          11, 10);
    /* An escaped backslash before "u0000" is not an escape. */
    cr_assert_str_eq(parse("\"\\\\u0000\"").u.s.ptr, "\\u0000");
}

Test(json_parse, nul_when_allowed)
{
    mn_json_limits lim = { .allow_nul = true };
    const char *text = "[\"ab\\u0000c\"]";
    mn_value v = parse_lim(text, strlen(text), &lim);
    mn_str s = mn_list_get(v.u.list, 0).u.s;
    cr_assert_eq(s.len, 4);
    cr_assert(memcmp(s.ptr, "ab\0c", 4) == 0);
    /* Keys never hold NUL (jansson cannot store them). */
    const char *key = "{\"a\\u0000\": 1}";
    fails_lim(key, strlen(key), &lim, MN_EPARSE,
              "JSON parse error at line 1, column 10: NUL byte in object key not supported near "
              "'\"a\\u0000\"'",
              1, 10, 9);
}

Test(json_parse, nul_led_strings_never_pass_for_big_integers)
{
    /* The guard's placeholders are "\0" + marker + index: strings that look
     * like them keep their value and the real big integers theirs. */
    mn_json_limits lim = { .allow_nul = true };
    const char *text = "[\"\\u0000!0          \", 99999999999999999999, \"\\u0000\\u00210\","
                       " \"\\u0000#0\", 88888888888888888888]";
    mn_value v = parse_lim(text, strlen(text), &lim);
    mn_list *l = v.u.list;
    cr_assert_eq(mn_value_type(mn_list_get(l, 0)), MN_VALUE_STR);
    cr_assert_eq(mn_list_get(l, 0).u.s.len, 13);
    cr_assert(memcmp(mn_list_get(l, 0).u.s.ptr, "\0!0          ", 13) == 0);
    cr_assert_eq(mn_value_type(mn_list_get(l, 1)), MN_VALUE_DECIMAL);
    cr_assert_eq(mn_value_type(mn_list_get(l, 2)), MN_VALUE_STR);
    cr_assert(memcmp(mn_list_get(l, 2).u.s.ptr, "\0!0", 3) == 0);
    cr_assert_eq(mn_value_type(mn_list_get(l, 3)), MN_VALUE_STR);
    cr_assert_eq(mn_value_type(mn_list_get(l, 4)), MN_VALUE_DECIMAL);
    mn_str s = mn_json_dumps(A, mn_list_get(l, 4), 0, NULL);
    cr_assert_str_eq(s.ptr, "88888888888888888888");
}

Test(json_parse, big_integers_in_many_places)
{
    mn_value v = parse("{\"a\": 11111111111111111111, \"b\": {\"c\": [22222222222222222222,"
                       " [-33333333333333333333]]}, \"a\": 44444444444444444444}");
    cr_assert_str_eq(repr(v), "{'a': Decimal('44444444444444444444'), 'b': {'c': "
                              "[Decimal('22222222222222222222'), [Decimal('-33333333333333333333')]]}}");
    /* Not values: keys or after a value. jansson rejects them. */
    fails("{12345678901234567890123: 1}", MN_ERANGE,
          "JSON parse error at line 1, column 24: too big integer", 1, 24, 23);
    fails("[1 12345678901234567890123]", MN_ERANGE,
          "JSON parse error at line 1, column 26: too big integer", 1, 26, 25);
    fails("[012345678901234567890123]", MN_EPARSE,
          "JSON parse error at line 1, column 2: invalid token near '0'", 1, 2, 1);
}

static char *nested(size_t depth, const char *inner)
{
    size_t n = strlen(inner);
    char *s = malloc(2 * depth + n + 1);
    memset(s, '[', depth);
    memcpy(s + depth, inner, n);
    memset(s + depth + n, ']', depth);
    s[2 * depth + n] = '\0';
    return s;
}

Test(json_parse, default_depth_limit)
{
    char *ok = nested(512, "1");
    mn_value v = parse(ok);
    for (int i = 0; i < 511; i++)
        v = mn_list_get(v.u.list, 0);
    cr_assert_eq(mn_list_get(v.u.list, 0).u.i, 1);
    free(ok);
    char *deep = nested(513, "");
    fails(deep, MN_ELIMIT, "JSON parse error at line 1, column 513: nesting deeper than 512 levels", 1,
          513, 512);
    free(deep);
}

Test(json_parse, custom_depth_limits)
{
    mn_json_limits lim = { .max_depth = 2 };
    const char *text = "{\"a\": [1, {\"b\": 2}]}";
    fails_lim(text, strlen(text), &lim, MN_ELIMIT,
              "JSON parse error at line 1, column 11: nesting deeper than 2 levels", 1, 11, 10);
    text = "{\"a\": [1, \"{[\"]}";
    parse_lim(text, strlen(text), &lim);
    /* Above MN_JSON_MAX_DEPTH the limit is clamped. */
    lim.max_depth = 100000;
    char *ok = nested(MN_JSON_MAX_DEPTH, "");
    parse_lim(ok, strlen(ok), &lim);
    free(ok);
    char *deep = nested(MN_JSON_MAX_DEPTH + 1, "");
    fails_lim(deep, strlen(deep), &lim, MN_ELIMIT,
              "JSON parse error at line 1, column 2049: nesting deeper than 2048 levels", 1, 2049, 2048);
    free(deep);
}

Test(json_parse, earlier_syntax_errors_come_first)
{
    /* The syntax error comes before the guard's error in the document. */
    fails("[x, 123456789012345678901234567890123456789]", MN_EPARSE,
          "JSON parse error at line 1, column 2: invalid token near 'x'", 1, 2, 1);
    fails("[1 2, \"\\u0000\"]", MN_EPARSE, "JSON parse error at line 1, column 4: ']' expected near '2'",
          1, 4, 3);
    fails("{\"a\":: [[[[\"", MN_EPARSE, "JSON parse error at line 1, column 6: unexpected token near ':'",
          1, 6, 5);
    /* After a complete value, the guard's error stands. */
    fails("1 \"\\u0000\"", MN_EPARSE,
          "JSON parse error at line 1, column 4: NUL character (\\u0000) in a string is not allowed", 1,
          4, 3);
    /* A big integer after a value is no value: jansson reports it. */
    fails("1 123456789012345678901234567890123456789", MN_ERANGE,
          "JSON parse error at line 1, column 41: too big integer", 1, 41, 40);
}

Test(json_parse, size_limit)
{
    mn_json_limits lim = { .max_bytes = 10 };
    mn_value v;
    mn_err err = { 0 };
    cr_assert_eq(mn_json_loads(A, MN_STR("[1,2,3,4,5,6]"), &lim, &v, &err), MN_ELIMIT);
    cr_assert_str_eq(err.msg, "JSON parse error: the document is 13 bytes, more than the limit of 10");
    cr_assert_eq(mn_json_loads(A, MN_STR("[1,2,3,4]"), &lim, &v, &err), MN_OK);
}

Test(json_parse, no_arena_is_an_error)
{
    mn_value v;
    mn_err err = { 0 };
    cr_assert_eq(mn_json_loads(NULL, MN_STR("1"), NULL, &v, &err), MN_EINVAL);
}

Test(json_parse, out_of_memory_leaves_the_arena_as_it_was)
{
    mn_arena *small = mn_arena_new("small", 8192);
    void *before = mn_arena_alloc(small, 16);
    cr_assert_not_null(before);
    size_t used = mn_arena_used(small);
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_buf_putc(&b, '[');
    for (int i = 0; i < 2000; i++)
        mn_buf_printf(&b, "%s\"string number %d\"", i ? "," : "", i);
    mn_buf_putc(&b, ']');
    mn_value v;
    mn_err err = { 0 };
    cr_assert_eq(mn_json_loads(small, mn_buf_str(&b), NULL, &v, &err), MN_ENOMEM);
    cr_assert_str_eq(err.msg, "JSON parse error: out of memory in arena 'small'");
    cr_assert_eq(mn_arena_used(small), used);
    cr_assert(mn_value_is_null(v));
    mn_buf_free(&b);
    mn_arena_free(small);
}

Test(json_parse, round_trips_byte_for_byte)
{
    const char *docs[] = {
        "{\"a\":[1,-2,3.25,1e+16,1e-05,true,false,null,\"s\"],\"b\":{\"c\":{}},\"d\":[]}",
        "[\"\\u0001\\b\\f\\n\\r\\t\\\"\\\\/\",\"\u00e9\U0001F600\u2028\"]",
        "99999999999999999999999999999999999999",
        "-0.0",
        "[1.7976931348623157e+308,5e-324,0.1,100.0]",
        "\"\"",
        "{\"\":\"\"}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        mn_value v = parse(docs[i]);
        mn_err err = { 0 };
        mn_str s = mn_json_dumps(A, v, 0, &err);
        cr_assert_not_null(s.ptr, "%s", err.msg);
        cr_assert_str_eq(s.ptr, docs[i]);
        mn_value back = parse(s.ptr);
        cr_assert(mn_value_eq(v, back), "%s", docs[i]);
    }
}

Test(json_parse, null_text_is_empty_input)
{
    mn_value v;
    mn_err err = { 0 };
    cr_assert_eq(mn_json_loads(A, (mn_str){ NULL, 0 }, NULL, &v, &err), MN_EPARSE);
}

Test(json_parse, position_is_zero_on_success)
{
    mn_value v;
    mn_json_pos pos = { 9, 9, 9 };
    cr_assert_eq(mn_json_parse(A, MN_STR("[1]"), NULL, &v, &pos, NULL), MN_OK);
    cr_assert_eq(pos.line, 0);
    cr_assert_eq(pos.column, 0);
    cr_assert_eq(pos.offset, 0);
}

Test(json_parse, placeholder_markers_can_run_out)
{
    /* 92 strings "\u0000" + each printable marker candidate, then a big
     * integer: no marker is left, which is reported rather than guessed. */
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_buf_putc(&b, '[');
    for (int c = '!'; c <= '~'; c++) {
        if (c == '"' || c == '\\')
            continue;
        mn_buf_printf(&b, "\"\\u0000%c\",", c);
    }
    size_t off = b.len;
    mn_buf_puts(&b, "12345678901234567890]");
    mn_json_limits lim = { .allow_nul = true };
    char msg[160];
    snprintf(msg, sizeof msg,
             "JSON parse error at line 1, column %zu: too many strings starting with \\u0000 next "
             "to integers beyond 64 bits",
             off + 1);
    fails_lim(b.data, b.len, &lim, MN_ELIMIT, msg, 1, off + 1, off);
    /* With one candidate left it works. */
    mn_buf_reset(&b);
    mn_buf_puts(&b, "[\"\\u0000!\", \"\\u0000#\", 12345678901234567890]");
    mn_value v = parse_lim(b.data, b.len, &lim);
    cr_assert_eq(mn_value_type(mn_list_get(v.u.list, 2)), MN_VALUE_DECIMAL);
}
