/* The streaming JSON writer: our own, for speed and for exact control of the
 * output bytes (Python's json.dumps, DRF's renderer, Django's json_script).
 *
 * Strings are the hot path: a 256-entry table classifies each byte, runs of
 * bytes that need nothing are copied with one memcpy, and UTF-8 is validated
 * in the same pass without breaking the run. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/json.h"
#include "json_internal.h"

/* Byte classes. */
enum {
    C_ESC = 1,  /* always escaped: controls, '"', '\\' */
    C_HTML = 2, /* '<', '>', '&': escaped with MN_JSON_SCRIPT_SAFE */
    C_HI = 4,   /* bytes >= 0x80: validated, escaped with MN_JSON_ENSURE_ASCII */
    C_DEL = 8,  /* 0x7F: escaped with MN_JSON_ENSURE_ASCII, as Python does */
};

#define E C_ESC
#define H C_HI
static const uint8_t byte_class[256] = {
    E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, /* 0x00 */
    E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, /* 0x10 */
    0, 0, E, 0, 0, 0, C_HTML, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' '&' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, C_HTML, 0, C_HTML, 0, /* 0x30: '<' '>' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, E, 0, 0, 0, /* 0x50: '\\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, C_DEL, /* 0x70 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, /* 0x80 */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
};
#undef E
#undef H

static const char hex_lower[] = "0123456789abcdef";

/* ---- errors ---- */

static int werr(mn_json_writer *w, int code, const char *fmt, ...) MN_PRINTF(3, 4);
static int werr(mn_json_writer *w, int code, const char *fmt, ...)
{
    if (!w->err.code) {
        va_list ap;
        va_start(ap, fmt);
        mn_err_setv(&w->err, code, fmt, ap);
        va_end(ap);
    }
    return w->err.code;
}

/* The sticky error, the writer's own or the buffer's. */
static int status(mn_json_writer *w)
{
    if (w->err.code)
        return w->err.code;
    int rc = mn_buf_error(w->out);
    if (rc)
        werr(w, rc, "JSON writer: %s", rc == MN_ELIMIT ? "output exceeds the buffer's size limit"
                                                       : "out of memory");
    return rc;
}

/* ---- layout ---- */

static bool level_is_object(const mn_json_writer *w, unsigned level)
{
    return (w->objects[level >> 3] >> (level & 7)) & 1u;
}

static void newline_indent(mn_json_writer *w, unsigned depth)
{
    if (!w->indent)
        return;
    size_t n = 1 + (size_t)w->indent * depth;
    char *p = mn_buf_reserve(w->out, n);
    if (!p)
        return;
    p[0] = '\n';
    memset(p + 1, ' ', n - 1);
    mn_buf_commit(w->out, n);
}

static void item_separator(mn_json_writer *w)
{
    if ((w->flags & MN_JSON_SPACED) && !w->indent)
        mn_buf_append(w->out, ", ", 2);
    else
        mn_buf_putc(w->out, ',');
}

/* Places the separator and indentation before a value and checks that a
 * value may come here. */
static int before_value(mn_json_writer *w)
{
    if (w->err.code)
        return w->err.code;
    if (w->depth == 0) {
        if (w->done)
            return werr(w, MN_EINVAL, "JSON writer: a second value at the top level");
        return MN_OK;
    }
    if (level_is_object(w, w->depth - 1)) {
        if (!w->after_key)
            return werr(w, MN_EINVAL, "JSON writer: a value inside an object needs a key first");
        w->after_key = false;
        return MN_OK;
    }
    if (w->has_items)
        item_separator(w);
    w->has_items = true;
    newline_indent(w, w->depth);
    return MN_OK;
}

static int after_value(mn_json_writer *w)
{
    if (w->depth == 0)
        w->done = true;
    return status(w);
}

void mn_json_writer_init(mn_json_writer *w, mn_buf *out, unsigned flags)
{
    /* Everything but the error's message buffer, which is only read once
     * a code is set. */
    memset(w, 0, offsetof(mn_json_writer, err));
    mn_err_clear(&w->err);
    w->out = out;
    w->flags = flags;
    w->indent = (flags >> 24) & 0xffu;
    w->escape_mask = C_ESC | C_HI;
    if (flags & MN_JSON_SCRIPT_SAFE)
        w->escape_mask |= C_HTML;
    if (flags & MN_JSON_ENSURE_ASCII)
        w->escape_mask |= C_DEL;
}

int mn_json_writer_error(const mn_json_writer *w, mn_err *err)
{
    int rc = w->err.code ? w->err.code : mn_buf_error(w->out);
    if (err) {
        if (w->err.code)
            *err = w->err;
        else if (rc)
            mn_err_set(err, rc, "JSON writer: %s", mn_strerror(rc));
        else
            mn_err_clear(err);
    }
    return rc;
}

int mn_json_writer_finish(mn_json_writer *w, mn_err *err)
{
    if (!status(w)) {
        if (w->depth)
            werr(w, MN_EINVAL, "JSON writer: %u unclosed %s at the end", w->depth,
                 w->depth == 1 ? "container" : "containers");
        else if (!w->done)
            werr(w, MN_EINVAL, "JSON writer: nothing was written");
    }
    return mn_json_writer_error(w, err);
}

/* ---- containers ---- */

static int begin(mn_json_writer *w, bool object)
{
    if (before_value(w))
        return w->err.code;
    if (w->depth >= MN_JSON_MAX_DEPTH)
        return werr(w, MN_ELIMIT, "JSON writer: nesting deeper than %d levels", MN_JSON_MAX_DEPTH);
    unsigned d = w->depth;
    if (object)
        w->objects[d >> 3] |= (uint8_t)(1u << (d & 7));
    else
        w->objects[d >> 3] &= (uint8_t)~(1u << (d & 7));
    w->depth++;
    w->has_items = false;
    w->after_key = false;
    mn_buf_putc(w->out, object ? '{' : '[');
    return status(w);
}

static int end(mn_json_writer *w, bool object)
{
    if (w->err.code)
        return w->err.code;
    const char *what = object ? "object" : "array";
    if (w->depth == 0 || level_is_object(w, w->depth - 1) != object)
        return werr(w, MN_EINVAL, "JSON writer: end of %s without a matching begin", what);
    if (w->after_key)
        return werr(w, MN_EINVAL, "JSON writer: a key without a value at the end of an object");
    w->depth--;
    if (w->has_items)
        newline_indent(w, w->depth);
    mn_buf_putc(w->out, object ? '}' : ']');
    /* The parent level holds this container as an item now. */
    w->has_items = true;
    w->after_key = false;
    return after_value(w);
}

int mn_json_write_begin_object(mn_json_writer *w) { return begin(w, true); }
int mn_json_write_end_object(mn_json_writer *w) { return end(w, true); }
int mn_json_write_begin_array(mn_json_writer *w) { return begin(w, false); }
int mn_json_write_end_array(mn_json_writer *w) { return end(w, false); }

/* ---- strings ---- */

/* Length of the valid UTF-8 sequence at p (lead >= 0x80) and its code point,
 * or 0 when invalid (overlong, surrogate, beyond U+10FFFF, truncated). */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char c = p[0];
    if (c >= 0xC2 && c <= 0xDF) {
        if (n < 2 || (p[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        uint32_t v = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        uint32_t v = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                     ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        if (v < 0x10000 || v > 0x10FFFF)
            return 0;
        *cp = v;
        return 4;
    }
    return 0;
}

/* "\uXXXX" with lowercase hex, as Python writes it. */
static void put_u_escape(char *p, uint32_t u)
{
    p[0] = '\\';
    p[1] = 'u';
    p[2] = hex_lower[(u >> 12) & 0xF];
    p[3] = hex_lower[(u >> 8) & 0xF];
    p[4] = hex_lower[(u >> 4) & 0xF];
    p[5] = hex_lower[u & 0xF];
}

/* The escape of one ASCII byte of class C_ESC, C_HTML or C_DEL. */
static void put_ascii_escape(mn_buf *b, unsigned char c)
{
    const char *s = NULL;
    switch (c) {
    case '"': s = "\\\""; break;
    case '\\': s = "\\\\"; break;
    case '\b': s = "\\b"; break;
    case '\f': s = "\\f"; break;
    case '\n': s = "\\n"; break;
    case '\r': s = "\\r"; break;
    case '\t': s = "\\t"; break;
    /* Django's json_script writes these with uppercase hex. */
    case '<': s = "\\u003C"; break;
    case '>': s = "\\u003E"; break;
    case '&': s = "\\u0026"; break;
    default: break;
    }
    if (s) {
        mn_buf_append(b, s, 2 + (s[1] == 'u' ? 4 : 0));
        return;
    }
    char tmp[6];
    put_u_escape(tmp, c);
    mn_buf_append(b, tmp, 6);
}

static int put_string(mn_json_writer *w, mn_str str)
{
    const unsigned char *s = (const unsigned char *)str.ptr;
    size_t n = str.len;
    mn_buf *b = w->out;
    const uint8_t mask = w->escape_mask;
    const bool ascii = w->flags & MN_JSON_ENSURE_ASCII;
    const bool line_seps = w->flags & MN_JSON_ESCAPE_LINE_SEPARATORS;
    size_t i = 0, run = 0;
    while (i < n && !(byte_class[s[i]] & mask))
        i++;
    if (i == n) {
        /* Nothing to escape or check: quote, one copy, quote. */
        char *p = mn_buf_reserve(b, n + 2);
        if (!p)
            return status(w);
        p[0] = '"';
        if (n)
            memcpy(p + 1, s, n);
        p[n + 1] = '"';
        mn_buf_commit(b, n + 2);
        return MN_OK;
    }
    mn_buf_putc(b, '"');
    while (i < n) {
        /* The copy loop: most bytes of most strings stop here. */
        while (i < n && !(byte_class[s[i]] & mask))
            i++;
        if (i >= n)
            break;
        uint8_t cls = byte_class[s[i]];
        if (cls & C_HI) {
            uint32_t cp;
            size_t k = utf8_decode(s + i, n - i, &cp);
            if (!k)
                return werr(w, MN_EPARSE,
                            "JSON writer: invalid UTF-8 byte 0x%02X at offset %zu of a string",
                            s[i], i);
            bool esc = ascii || (line_seps && (cp == 0x2028 || cp == 0x2029));
            if (!esc) {
                i += k;
                continue;
            }
            mn_buf_append(b, s + run, i - run);
            char tmp[12];
            if (cp >= 0x10000) {
                uint32_t v = cp - 0x10000;
                put_u_escape(tmp, 0xD800 | (v >> 10));
                put_u_escape(tmp + 6, 0xDC00 | (v & 0x3FF));
                mn_buf_append(b, tmp, 12);
            } else {
                put_u_escape(tmp, cp);
                mn_buf_append(b, tmp, 6);
            }
            i += k;
        } else {
            mn_buf_append(b, s + run, i - run);
            put_ascii_escape(b, s[i]);
            i++;
        }
        run = i;
    }
    mn_buf_append(b, s + run, n - run);
    mn_buf_putc(b, '"');
    return status(w);
}

int mn_json_write_key(mn_json_writer *w, mn_str key)
{
    if (w->err.code)
        return w->err.code;
    if (w->depth == 0 || !level_is_object(w, w->depth - 1))
        return werr(w, MN_EINVAL, "JSON writer: a key outside an object");
    if (w->after_key)
        return werr(w, MN_EINVAL, "JSON writer: a key right after another key");
    if (w->has_items)
        item_separator(w);
    w->has_items = true;
    newline_indent(w, w->depth);
    if (put_string(w, key))
        return w->err.code;
    if (w->flags & MN_JSON_SPACED || w->indent)
        mn_buf_append(w->out, ": ", 2);
    else
        mn_buf_putc(w->out, ':');
    w->after_key = true;
    return status(w);
}

int mn_json_write_key_cstr(mn_json_writer *w, const char *key)
{
    return mn_json_write_key(w, mn_str_from(key));
}

int mn_json_write_string(mn_json_writer *w, mn_str s)
{
    if (before_value(w))
        return w->err.code;
    if (put_string(w, s))
        return w->err.code;
    return after_value(w);
}

int mn_json_write_cstr(mn_json_writer *w, const char *s)
{
    return mn_json_write_string(w, mn_str_from(s));
}

/* ---- scalars ---- */

static void put_u64(mn_buf *b, uint64_t v, bool neg)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg)
        tmp[--i] = '-';
    mn_buf_append(b, tmp + i, sizeof tmp - i);
}

int mn_json_write_int(mn_json_writer *w, int64_t v)
{
    if (before_value(w))
        return w->err.code;
    if (v < 0)
        put_u64(w->out, (uint64_t)0 - (uint64_t)v, true);
    else
        put_u64(w->out, (uint64_t)v, false);
    return after_value(w);
}

int mn_json_write_uint(mn_json_writer *w, uint64_t v)
{
    if (before_value(w))
        return w->err.code;
    put_u64(w->out, v, false);
    return after_value(w);
}

/* Exact powers of ten as doubles (10^22 is the last one). */
static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* True when the decimal r / 10^d reads back as x: both operands are exact
 * doubles, so the IEEE division is the correctly rounded value strtod would
 * give for that decimal. */
static bool reads_back(uint64_t r, int d, double x)
{
    return (double)r / pow10_exact[d] == x;
}

/* Python's repr for the common case of a double in [1e-4, 1e16) with few
 * digits, without printf: finds the fewest fraction digits d whose nearest
 * decimal reads back as x. Returns false (nothing written) when the value
 * needs the general path (exponent form, 16+ digits, near-ties); that path,
 * mn_buf_put_double_repr, gives the same text. */
static bool put_double_fast(mn_buf *b, double x)
{
#if LDBL_MANT_DIG < 64
    /* Without extended precision the near-tie test below is not reliable. */
    return false;
#endif
    bool neg = signbit(x);
    double a = neg ? -x : x;
    if (!(a >= 1e-4 && a < 1e16))
        return false;
    for (int d = 0; d <= 22; d++) {
        /* a * 10^d to 64 bits: off by less than 2^-11 below 2^53. */
        long double scaled = (long double)a * (long double)pow10_exact[d];
        if (scaled >= 9007199254740992.0L) /* 2^53: r would not be exact */
            return false;
        uint64_t r = (uint64_t)(scaled + 0.5L); /* scaled >= 0: round half up */
        long double frac = scaled - (long double)r;
        if (frac > 0.49L || frac < -0.49L) {
            /* A near-tie: which neighbour Python picks needs exact
             * arithmetic, so leave it to the general path if one fits. */
            uint64_t lo = frac > 0 ? r : r - 1;
            if (reads_back(lo, d, a) || reads_back(lo + 1, d, a))
                return false;
            continue;
        }
        uint64_t hit = 0;
        bool found = false;
        if (reads_back(r, d, a)) {
            hit = r;
            found = true;
        } else if (reads_back(r + 1, d, a)) {
            hit = r + 1;
            found = true;
        } else if (r > 0 && reads_back(r - 1, d, a)) {
            hit = r - 1;
            found = true;
        }
        if (!found)
            continue;
        char digits[24];
        int nd = 0;
        do {
            digits[nd++] = (char)('0' + hit % 10);
            hit /= 10;
        } while (hit);
        /* digits is reversed; lay out [-]int.frac with at least one digit on
         * each side of the point. */
        char out[48];
        int n = 0;
        if (neg)
            out[n++] = '-';
        if (nd <= d) {
            out[n++] = '0';
            out[n++] = '.';
            for (int z = 0; z < d - nd; z++)
                out[n++] = '0';
            for (int k = nd - 1; k >= 0; k--)
                out[n++] = digits[k];
        } else {
            for (int k = nd - 1; k >= d; k--)
                out[n++] = digits[k];
            out[n++] = '.';
            if (d == 0)
                out[n++] = '0';
            for (int k = d - 1; k >= 0; k--)
                out[n++] = digits[k];
        }
        mn_buf_append(b, out, (size_t)n);
        return true;
    }
    return false;
}

int mn__json_put_double(mn_buf *b, double v)
{
    if (!put_double_fast(b, v))
        mn_buf_put_double_repr(b, v);
    return mn_buf_error(b);
}

int mn_json_write_double(mn_json_writer *w, double v)
{
    if (w->err.code)
        return w->err.code;
    if (!isfinite(v))
        return werr(w, MN_ERANGE, "JSON writer: out of range float values are not JSON compliant: %s",
                    isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    if (before_value(w))
        return w->err.code;
    mn__json_put_double(w->out, v);
    return after_value(w);
}

int mn_json_write_bool(mn_json_writer *w, bool v)
{
    if (before_value(w))
        return w->err.code;
    if (v)
        mn_buf_append(w->out, "true", 4);
    else
        mn_buf_append(w->out, "false", 5);
    return after_value(w);
}

int mn_json_write_null(mn_json_writer *w)
{
    if (before_value(w))
        return w->err.code;
    mn_buf_append(w->out, "null", 4);
    return after_value(w);
}

int mn_json_write_decimal(mn_json_writer *w, mn_decimal d)
{
    if (before_value(w))
        return w->err.code;
    bool quote = w->flags & MN_JSON_DECIMAL_AS_STRING;
    if (quote)
        mn_buf_putc(w->out, '"');
    mn_decimal_write(w->out, d);
    if (quote)
        mn_buf_putc(w->out, '"');
    return after_value(w);
}

int mn_json_write_raw(mn_json_writer *w, mn_str json)
{
    if (w->err.code)
        return w->err.code;
    if (json.len == 0)
        return werr(w, MN_EINVAL, "JSON writer: empty raw JSON");
    if (before_value(w))
        return w->err.code;
    mn_buf_put_str(w->out, json);
    return after_value(w);
}

/* ---- any value ---- */

static char *put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* "YYYY-MM-DD" into p; returns the end. */
static char *fmt_date(char *p, mn_date d)
{
    int y = d.year;
    p[0] = (char)('0' + y / 1000 % 10);
    p[1] = (char)('0' + y / 100 % 10);
    p[2] = (char)('0' + y / 10 % 10);
    p[3] = (char)('0' + y % 10);
    p[4] = '-';
    p = put2(p + 5, d.month);
    *p++ = '-';
    return put2(p, d.day);
}

/* "HH:MM:SS[.ffffff]" into p, as time.isoformat(); returns the end. */
static char *fmt_time(char *p, mn_time t)
{
    p = put2(p, t.hour);
    *p++ = ':';
    p = put2(p, t.minute);
    *p++ = ':';
    p = put2(p, t.second);
    if (t.usec) {
        *p++ = '.';
        int u = t.usec;
        for (int k = 5; k >= 0; k--) {
            p[k] = (char)('0' + u % 10);
            u /= 10;
        }
        p += 6;
    }
    return p;
}

/* The same text as mn_date_write / mn_time_write / mn_datetime_write(.., 'T'),
 * formatted without printf (dates and times fill API responses). */
static int write_temporal(mn_json_writer *w, mn_value v)
{
    if (before_value(w))
        return w->err.code;
    char buf[64];
    char *p = buf;
    *p++ = '"';
    if (v.type == MN_VALUE_DATE) {
        p = fmt_date(p, v.u.date);
    } else if (v.type == MN_VALUE_TIME) {
        p = fmt_time(p, v.u.time);
    } else {
        mn_date d;
        mn_time t;
        mn_datetime_fields(v.u.dt, &d, &t);
        p = fmt_date(p, d);
        *p++ = 'T';
        p = fmt_time(p, t);
        if (v.u.dt.tz) {
            /* DRF's DateTimeField: isoformat() with "+00:00" as "Z". */
            int32_t off = mn_tz_offset_at(v.u.dt.tz, v.u.dt.us);
            if (off == 0) {
                *p++ = 'Z';
            } else {
                *p++ = off < 0 ? '-' : '+';
                int32_t a = off < 0 ? -off : off;
                p = put2(p, (int)(a / 3600));
                *p++ = ':';
                p = put2(p, (int)(a / 60 % 60));
                if (a % 60) {
                    *p++ = ':';
                    p = put2(p, (int)(a % 60));
                }
            }
        }
    }
    *p++ = '"';
    mn_buf_append(w->out, buf, (size_t)(p - buf));
    return after_value(w);
}

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Django's duration_string: "[-]D HH:MM:SS[.ffffff]", days only when not 0. */
static int write_duration(mn_json_writer *w, mn_duration d)
{
    if (before_value(w))
        return w->err.code;
    const int64_t day = 86400LL * 1000000;
    int64_t days = floordiv(d.us, day);
    int64_t rest = d.us - days * day;
    int64_t secs = rest / 1000000;
    int usec = (int)(rest % 1000000);
    mn_buf *b = w->out;
    mn_buf_putc(b, '"');
    if (days)
        mn_buf_printf(b, "%lld ", (long long)days);
    mn_buf_printf(b, "%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    if (usec)
        mn_buf_printf(b, ".%06d", usec);
    mn_buf_putc(b, '"');
    return after_value(w);
}

typedef struct key_ref {
    mn_str key;
    size_t index;
} key_ref;

static int key_ref_cmp(const void *a, const void *b)
{
    return mn_str_cmp(((const key_ref *)a)->key, ((const key_ref *)b)->key);
}

static int write_map(mn_json_writer *w, const mn_map *m)
{
    if (mn_json_write_begin_object(w))
        return w->err.code;
    size_t n = mn_map_len(m);
    if (!(w->flags & MN_JSON_SORT_KEYS) || n < 2) {
        for (size_t i = 0; i < n && !w->err.code; i++) {
            mn_json_write_key(w, mn_map_key_at(m, i));
            mn_json_write_value(w, mn_map_value_at(m, i));
        }
        return mn_json_write_end_object(w);
    }
    key_ref *refs = malloc(n * sizeof *refs);
    if (!refs)
        return werr(w, MN_ENOMEM, "JSON writer: out of memory sorting %zu keys", n);
    for (size_t i = 0; i < n; i++) {
        refs[i].key = mn_map_key_at(m, i);
        refs[i].index = i;
    }
    qsort(refs, n, sizeof *refs, key_ref_cmp);
    for (size_t i = 0; i < n && !w->err.code; i++) {
        mn_json_write_key(w, refs[i].key);
        mn_json_write_value(w, mn_map_value_at(m, refs[i].index));
    }
    free(refs);
    return mn_json_write_end_object(w);
}

static int write_list(mn_json_writer *w, mn_list *l)
{
    if (mn_json_write_begin_array(w))
        return w->err.code;
    size_t n = mn_list_len(l);
    for (size_t i = 0; i < n && !w->err.code; i++)
        mn_json_write_value(w, mn_list_get(l, i));
    return mn_json_write_end_array(w);
}

/* An object: its list form, else its text form. Scratch memory comes from
 * the output's arena, or from a temporary arena for heap buffers. */
static int write_object(mn_json_writer *w, mn_value v)
{
    const mn_type *t = v.u.obj.type;
    const char *name = mn_value_type_name(v);
    if (!t || (!t->to_list && !t->to_str))
        return werr(w, MN_ETYPE, "JSON writer: Object of type %s is not JSON serializable", name);
    mn_arena *arena = w->out->arena;
    mn_arena *tmp = NULL;
    if (!arena) {
        tmp = arena = mn_arena_new("json-object", 0);
        if (!arena)
            return werr(w, MN_ENOMEM, "JSON writer: out of memory");
    }
    if (t->to_list) {
        mn_list *l = NULL;
        int rc = t->to_list(v.u.obj.ptr, arena, &l);
        if (rc || !l)
            werr(w, rc ? rc : MN_ETYPE, "JSON writer: %s.to_list failed: %s", name,
                 mn_strerror(rc ? rc : MN_ETYPE));
        else
            write_list(w, l);
    } else {
        mn_buf text;
        mn_buf_init(&text, arena, 0);
        int rc = t->to_str(v.u.obj.ptr, &text);
        if (!rc)
            rc = mn_buf_error(&text);
        if (rc)
            werr(w, rc, "JSON writer: %s.to_str failed: %s", name, mn_strerror(rc));
        else
            mn_json_write_string(w, mn_buf_str(&text));
    }
    mn_arena_free(tmp);
    return status(w);
}

int mn_json_write_value(mn_json_writer *w, mn_value v)
{
    if (w->err.code)
        return w->err.code;
    switch ((mn_vtype)v.type) {
    case MN_VALUE_NULL: return mn_json_write_null(w);
    case MN_VALUE_BOOL: return mn_json_write_bool(w, v.u.b);
    case MN_VALUE_INT: return mn_json_write_int(w, v.u.i);
    case MN_VALUE_FLOAT: return mn_json_write_double(w, v.u.f);
    case MN_VALUE_DECIMAL: return mn_json_write_decimal(w, v.u.d);
    case MN_VALUE_STR: return mn_json_write_string(w, v.u.s);
    case MN_VALUE_DATE:
    case MN_VALUE_TIME:
    case MN_VALUE_DATETIME: return write_temporal(w, v);
    case MN_VALUE_DURATION: return write_duration(w, v.u.dur);
    case MN_VALUE_LIST: return write_list(w, v.u.list);
    case MN_VALUE_MAP: return write_map(w, v.u.map);
    case MN_VALUE_OBJECT: return write_object(w, v);
    case MN_VALUE_CALLABLE: break;
    }
    return werr(w, MN_ETYPE, "JSON writer: Object of type %s is not JSON serializable",
                mn_value_type_name(v));
}

mn_str mn_json_dumps(mn_arena *arena, mn_value v, unsigned flags, mn_err *err)
{
    if (!arena) {
        mn_err_set(err, MN_EINVAL, "JSON writer: mn_json_dumps needs an arena");
        return (mn_str){ NULL, 0 };
    }
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, flags);
    mn_json_write_value(&w, v);
    if (mn_json_writer_finish(&w, err))
        return (mn_str){ NULL, 0 };
    return mn_buf_str(&b);
}
