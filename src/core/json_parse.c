/* JSON parsing: a guard pass of our own, then jansson, then conversion of
 * jansson's tree into arena-backed mn_values.
 *
 * Why the guard pass: jansson stops at 2048 levels, reports invalid UTF-8
 * one byte off, accepts "\u0000" only globally and rejects integers beyond
 * 64 bits outright. The guard walks the bytes once (strings, escapes,
 * numbers, brackets) and
 *   - enforces max_depth and the NUL rule, and validates UTF-8, reporting
 *     the exact offset of the offending byte;
 *   - finds integers beyond int64 in value positions and, in a private copy
 *     of the input, overwrites each with a string token of the same length
 *     ("\u0000" + marker + index) that jansson parses as a string; the
 *     conversion turns those strings back into exact decimals. Positions are
 *     unchanged, so jansson's error positions stay true. User strings cannot
 *     collide with the placeholders: without allow_nul no user string holds
 *     NUL; with it, the marker byte is chosen among those no user string
 *     starting with NUL has as its second byte.
 * When the guard finds an error, jansson still parses the text before it, so
 * that an earlier syntax error is reported first, in document order. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/json.h"

typedef unsigned __int128 u128;

/* One integer beyond int64: its token in the input. */
typedef struct big_int {
    size_t off;
    size_t len;
} big_int;

typedef struct guard {
    const unsigned char *p;
    size_t n;
    unsigned max_depth;
    bool allow_nul;
    /* First error found (has_err), at byte offset err_off. */
    bool has_err;
    int err_code;
    size_t err_off;
    char err_msg[160];
    /* Integers beyond int64 in value positions (heap, freed by the caller). */
    big_int *bigs;
    size_t nbig;
    size_t capbig;
    /* Second bytes of the user strings that start with NUL (allow_nul). */
    uint8_t second[32];
} guard;

/* Where the previous significant token leaves the grammar, as far as the
 * guard cares: can the next token be a value? */
enum { AT_VALUE_POS, AT_OTHER };

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Reads 4 hex digits at p (n bytes available). Returns the code unit or -1. */
static long hex4(const unsigned char *p, size_t n)
{
    if (n < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = mn_hex_value(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Length of the valid UTF-8 sequence starting at p (lead byte >= 0x80), or 0
 * when it is invalid: overlong forms, surrogates and code points beyond
 * U+10FFFF are rejected, as RFC 3629 requires. */
static size_t utf8_seq_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && p[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && p[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90)
            return 0; /* overlong */
        if (c == 0xF4 && p[1] >= 0x90)
            return 0; /* beyond U+10FFFF */
        return 4;
    }
    return 0;
}

static void guard_fail(guard *g, size_t off, int code, const char *msg)
{
    g->has_err = true;
    g->err_off = off;
    g->err_code = code;
    snprintf(g->err_msg, sizeof g->err_msg, "%s", msg);
}

/* The first byte of the decoded character at p (inside a string), or -1 at
 * the end of the string. */
static int first_decoded_byte(const unsigned char *p, size_t n)
{
    if (n == 0 || p[0] == '"')
        return -1;
    if (p[0] != '\\')
        return p[0];
    if (n < 2)
        return -1;
    switch (p[1]) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'u': {
        long cu = hex4(p + 2, n - 2);
        if (cu < 0)
            return -1;
        if (cu < 0x80)
            return (int)cu;
        if (cu < 0x800)
            return (int)(0xC0 | (cu >> 6));
        if (cu >= 0xD800 && cu <= 0xDBFF)
            return 0xF0; /* a pair: a 4-byte sequence */
        return (int)(0xE0 | (cu >> 12));
    }
    default: return p[1];
    }
}

/* Scans the string token starting at the quote at offset i. Returns the
 * offset after it (n when unterminated: jansson reports that). */
static size_t guard_string(guard *g, size_t i)
{
    const unsigned char *p = g->p;
    size_t n = g->n;
    size_t j = i + 1;
    while (j < n) {
        unsigned char c = p[j];
        if (c == '"')
            return j + 1;
        if (c == '\\') {
            if (j + 1 >= n)
                return n;
            if (p[j + 1] == 'u' && hex4(p + j + 2, n - j - 2) == 0) {
                if (!g->allow_nul) {
                    guard_fail(g, j, MN_EPARSE,
                               "NUL character (\\u0000) in a string is not allowed");
                    return n;
                }
                if (j == i + 1) {
                    int b = first_decoded_byte(p + j + 6, n - j - 6);
                    if (b >= 0)
                        g->second[b >> 3] |= (uint8_t)(1u << (b & 7));
                }
                j += 6;
                continue;
            }
            j += 2;
            continue;
        }
        if (c >= 0x80) {
            size_t k = utf8_seq_len(p + j, n - j);
            if (!k) {
                char msg[64];
                snprintf(msg, sizeof msg, "invalid UTF-8 byte 0x%02X in a string", c);
                guard_fail(g, j, MN_EPARSE, msg);
                return n;
            }
            j += k;
            continue;
        }
        j++;
    }
    return n;
}

/* True when the decimal digits d[0..nd) (no leading zeros) exceed int64:
 * above 9223372036854775807, or above ...808 when negative. */
static bool beyond_int64(const unsigned char *d, size_t nd, bool neg)
{
    if (nd != 19)
        return nd > 19;
    const char *lim = neg ? "9223372036854775808" : "9223372036854775807";
    return memcmp(d, lim, 19) > 0;
}

static int guard_add_big(guard *g, size_t off, size_t len)
{
    /* Placeholders hold the index in at most 10 digits. */
    if (g->nbig >= 1000000000)
        return MN_ELIMIT;
    if (g->nbig == g->capbig) {
        size_t cap = g->capbig ? g->capbig * 2 : 8;
        big_int *nb = realloc(g->bigs, cap * sizeof *nb);
        if (!nb)
            return MN_ENOMEM;
        g->bigs = nb;
        g->capbig = cap;
    }
    g->bigs[g->nbig].off = off;
    g->bigs[g->nbig].len = len;
    g->nbig++;
    return MN_OK;
}

/* Scans the number token at offset i; returns the offset after it. */
static size_t guard_number(guard *g, size_t i, bool value_pos)
{
    const unsigned char *p = g->p;
    size_t n = g->n;
    size_t j = i;
    bool neg = p[j] == '-';
    if (neg)
        j++;
    size_t ds = j;
    while (j < n && is_digit(p[j]))
        j++;
    size_t nd = j - ds;
    bool integral = !(j < n && (p[j] == '.' || p[j] == 'e' || p[j] == 'E'));
    size_t end = j;
    while (end < n && (is_digit(p[end]) || p[end] == '.' || p[end] == 'e' || p[end] == 'E' ||
                       p[end] == '+' || p[end] == '-'))
        end++;
    /* Malformed numbers (leading zeros, "-", "1.") are left to jansson. */
    if (!value_pos || !integral || nd == 0 || (p[ds] == '0' && nd > 1) || end != j)
        return end;
    if (!beyond_int64(p + ds, nd, neg))
        return end;
    if (nd > MN_DECIMAL_MAX_DIGITS) {
        char msg[96];
        snprintf(msg, sizeof msg, "integer of %zu digits is too large (at most %d)", nd,
                 MN_DECIMAL_MAX_DIGITS);
        guard_fail(g, i, MN_ERANGE, msg);
        return n;
    }
    int rc = guard_add_big(g, i, j - i);
    if (rc) {
        guard_fail(g, i, rc, rc == MN_ENOMEM ? "out of memory" : "too many integers beyond 64 bits");
        return n;
    }
    return end;
}

static void guard_run(guard *g)
{
    const unsigned char *p = g->p;
    size_t n = g->n;
    size_t i = 0;
    unsigned depth = 0;
    uint8_t objects[MN_JSON_MAX_DEPTH / 8] = { 0 };
    int state = AT_VALUE_POS;
    while (i < n && !g->has_err) {
        unsigned char c = p[i];
        switch (c) {
        case ' ': case '\t': case '\n': case '\r':
            i++;
            break;
        case '"':
            i = guard_string(g, i);
            state = AT_OTHER;
            break;
        case '[': case '{':
            if (depth >= g->max_depth) {
                char msg[64];
                snprintf(msg, sizeof msg, "nesting deeper than %u levels", g->max_depth);
                guard_fail(g, i, MN_ELIMIT, msg);
                break;
            }
            if (c == '{')
                objects[depth >> 3] |= (uint8_t)(1u << (depth & 7));
            else
                objects[depth >> 3] &= (uint8_t)~(1u << (depth & 7));
            depth++;
            state = c == '[' ? AT_VALUE_POS : AT_OTHER;
            i++;
            break;
        case ']': case '}':
            if (depth)
                depth--;
            state = AT_OTHER;
            i++;
            break;
        case ',': {
            bool in_array = depth && !(objects[(depth - 1) >> 3] & (1u << ((depth - 1) & 7)));
            state = in_array ? AT_VALUE_POS : AT_OTHER;
            i++;
            break;
        }
        case ':':
            state = AT_VALUE_POS;
            i++;
            break;
        default:
            if (c == '-' || is_digit(c)) {
                i = guard_number(g, i, state == AT_VALUE_POS);
            } else if (c >= 0x80) {
                size_t k = utf8_seq_len(p + i, n - i);
                if (!k) {
                    char msg[48];
                    snprintf(msg, sizeof msg, "invalid UTF-8 byte 0x%02X", c);
                    guard_fail(g, i, MN_EPARSE, msg);
                    break;
                }
                i += k;
            } else {
                i++;
            }
            state = AT_OTHER;
            break;
        }
    }
}

/* Line and character column of byte offset off, as jansson counts them. */
static mn_json_pos pos_of(const unsigned char *p, size_t off)
{
    mn_json_pos pos = { 1, 1, off };
    size_t col = 1;
    for (size_t i = 0; i < off; i++) {
        if (p[i] == '\n') {
            pos.line++;
            col = 1;
        } else if ((p[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    pos.column = col;
    return pos;
}

/* Writes the placeholders for the big integers into text (a copy). The
 * marker byte follows the NUL; returns MN_OK or MN_ELIMIT when no marker is
 * free. */
static int write_placeholders(guard *g, unsigned char *text, unsigned char *marker)
{
    int m = -1;
    for (int c = '!'; c <= '~'; c++) {
        if (c == '"' || c == '\\')
            continue;
        if (!(g->second[c >> 3] & (1u << (c & 7)))) {
            m = c;
            break;
        }
    }
    if (m < 0)
        return MN_ELIMIT;
    *marker = (unsigned char)m;
    for (size_t k = 0; k < g->nbig; k++) {
        unsigned char *t = text + g->bigs[k].off;
        size_t len = g->bigs[k].len; /* >= 19 */
        char idx[24];
        int il = snprintf(idx, sizeof idx, "%zu", k);
        memset(t, ' ', len);
        memcpy(t, "\"\\u0000", 7);
        t[7] = (unsigned char)m;
        memcpy(t + 8, idx, (size_t)il); /* 8 + il < len - 1 for k < 10^10 */
        t[len - 1] = '"';
    }
    return MN_OK;
}

typedef struct conv {
    mn_arena *arena;
    const guard *g;
    const unsigned char *orig;
    unsigned char marker;
} conv;

/* The exact decimal for the integer token tok (sign and up to 38 digits). */
static mn_decimal decimal_from_digits(const unsigned char *tok, size_t len)
{
    bool neg = tok[0] == '-';
    u128 c = 0;
    for (size_t i = neg ? 1 : 0; i < len; i++)
        c = c * 10 + (u128)(tok[i] - '0');
    if (neg)
        c = (u128)0 - c;
    mn_decimal d;
    d.lo = (uint64_t)c;
    d.hi = (int64_t)(uint64_t)(c >> 64);
    d.scale = 0;
    return d;
}

/* If s (a decoded jansson string) is one of our placeholders, stores its
 * big-integer index in *k. */
static bool is_placeholder(const conv *c, const char *s, size_t len, size_t *k)
{
    if (!c->g->nbig || len < 3 || s[0] != '\0' || (unsigned char)s[1] != c->marker)
        return false;
    size_t v = 0, i = 2;
    if (!is_digit((unsigned char)s[i]))
        return false;
    for (; i < len && is_digit((unsigned char)s[i]); i++)
        v = v * 10 + (size_t)(s[i] - '0');
    for (; i < len; i++)
        if (s[i] != ' ')
            return false;
    if (v >= c->g->nbig)
        return false;
    *k = v;
    return true;
}

static int convert(const conv *c, json_t *j, mn_value *out)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        mn_map *m = mn_map_new(c->arena, json_object_size(j));
        if (!m)
            return MN_ENOMEM;
        for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it)) {
            mn_str key = mn_str_clone(c->arena, mn_str_make(json_object_iter_key(it),
                                                            json_object_iter_key_len(it)));
            if (!key.ptr)
                return MN_ENOMEM;
            mn_value v;
            int rc = convert(c, json_object_iter_value(it), &v);
            if (rc)
                return rc;
            if (mn_map_set(m, key, v))
                return MN_ENOMEM;
        }
        *out = mn_value_map(m);
        return MN_OK;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        mn_list *l = mn_list_new(c->arena, n);
        if (!l)
            return MN_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            mn_value v;
            int rc = convert(c, json_array_get(j, i), &v);
            if (rc)
                return rc;
            if (mn_list_push(l, v))
                return MN_ENOMEM;
        }
        *out = mn_value_list(l);
        return MN_OK;
    }
    case JSON_STRING: {
        const char *s = json_string_value(j);
        size_t len = json_string_length(j);
        size_t k;
        if (is_placeholder(c, s, len, &k)) {
            const big_int *b = &c->g->bigs[k];
            *out = mn_value_decimal(decimal_from_digits(c->orig + b->off, b->len));
            return MN_OK;
        }
        mn_str copy = mn_str_clone(c->arena, mn_str_make(s, len));
        if (!copy.ptr)
            return MN_ENOMEM;
        *out = mn_value_str(copy);
        return MN_OK;
    }
    case JSON_INTEGER:
        *out = mn_value_int((int64_t)json_integer_value(j));
        return MN_OK;
    case JSON_REAL:
        *out = mn_value_float(json_real_value(j));
        return MN_OK;
    case JSON_TRUE:
        *out = mn_value_bool(true);
        return MN_OK;
    case JSON_FALSE:
        *out = mn_value_bool(false);
        return MN_OK;
    case JSON_NULL:
    default:
        *out = mn_value_null();
        return MN_OK;
    }
}

static int report(mn_err *err, mn_json_pos *where, int code, mn_json_pos pos, const char *msg)
{
    if (where)
        *where = pos;
    return mn_err_set(err, code, "JSON parse error at line %zu, column %zu: %s", pos.line,
                      pos.column, msg);
}

static int jansson_code(const json_error_t *e)
{
    switch (json_error_code(e)) {
    case json_error_out_of_memory: return MN_ENOMEM;
    case json_error_numeric_overflow: return MN_ERANGE;
    case json_error_stack_overflow: return MN_ELIMIT;
    default: return MN_EPARSE;
    }
}

static int report_jansson(mn_err *err, mn_json_pos *where, const json_error_t *e)
{
    /* jansson counts the bytes read up to and including the offending one. */
    mn_json_pos pos;
    pos.line = e->line > 0 ? (size_t)e->line : 1;
    pos.column = e->column > 0 ? (size_t)e->column : 1;
    pos.offset = e->position > 0 ? (size_t)e->position - 1 : 0;
    /* jansson quotes the offending token: keep control bytes out of logs. */
    char text[4 * JSON_ERROR_TEXT_LENGTH];
    size_t n = 0;
    for (const char *p = e->text; *p && n + 5 < sizeof text; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            n += (size_t)snprintf(text + n, sizeof text - n, "\\x%02X", c);
        else
            text[n++] = (char)c;
    }
    text[n] = '\0';
    return report(err, where, jansson_code(e), pos, text);
}

int mn_json_parse(mn_arena *arena, mn_str text, const mn_json_limits *limits, mn_value *out,
                  mn_json_pos *where, mn_err *err)
{
    *out = mn_value_null();
    if (where)
        *where = (mn_json_pos){ 0, 0, 0 };
    if (!arena)
        return mn_err_set(err, MN_EINVAL, "JSON parse error: no arena given");
    size_t max_bytes = limits && limits->max_bytes ? limits->max_bytes : MN_JSON_DEFAULT_MAX_BYTES;
    unsigned max_depth = limits && limits->max_depth ? limits->max_depth : MN_JSON_DEFAULT_MAX_DEPTH;
    if (max_depth > MN_JSON_MAX_DEPTH)
        max_depth = MN_JSON_MAX_DEPTH;
    if (text.len > max_bytes)
        return mn_err_set(err, MN_ELIMIT,
                          "JSON parse error: the document is %zu bytes, more than the limit of %zu",
                          text.len, max_bytes);
    if (!text.ptr)
        text = MN_STR_EMPTY;

    guard g;
    memset(&g, 0, sizeof g);
    g.p = (const unsigned char *)text.ptr;
    g.n = text.len;
    g.max_depth = max_depth;
    g.allow_nul = limits && limits->allow_nul;
    guard_run(&g);

    int rc = MN_OK;
    const char *input = text.ptr;
    unsigned char *copy = NULL;
    conv c = { arena, &g, g.p, 0 };
    if (g.nbig) {
        copy = malloc(text.len ? text.len : 1);
        if (!copy) {
            free(g.bigs);
            return mn_err_set(err, MN_ENOMEM, "JSON parse error: out of memory");
        }
        memcpy(copy, text.ptr, text.len);
        if (write_placeholders(&g, copy, &c.marker)) {
            rc = report(err, where, MN_ELIMIT, pos_of(g.p, g.bigs[0].off),
                        "too many strings starting with \\u0000 next to integers beyond 64 bits");
            goto done;
        }
        input = (const char *)copy;
    }

    size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
    json_error_t je;
    if (g.has_err) {
        /* Report a syntax error before the guard's error first. */
        json_t *j = json_loadb(input, g.err_off, flags, &je);
        if (j)
            json_decref(j);
        else if (json_error_code(&je) != json_error_premature_end_of_input) {
            rc = report_jansson(err, where, &je);
            goto done;
        }
        rc = report(err, where, g.err_code, pos_of(g.p, g.err_off), g.err_msg);
        goto done;
    }

    json_t *root = json_loadb(input, text.len, flags, &je);
    if (!root) {
        rc = report_jansson(err, where, &je);
        goto done;
    }
    mn_arena_mark mark = mn_arena_mark_get(arena);
    rc = convert(&c, root, out);
    json_decref(root);
    if (rc) {
        mn_arena_rewind(arena, mark);
        *out = mn_value_null();
        rc = mn_err_set(err, rc, "JSON parse error: out of memory in arena '%s'",
                        mn_arena_name(arena));
    }
done:
    free(copy);
    free(g.bigs);
    return rc;
}

int mn_json_loads(mn_arena *arena, mn_str text, const mn_json_limits *limits, mn_value *out,
                  mn_err *err)
{
    return mn_json_parse(arena, text, limits, out, NULL, err);
}
