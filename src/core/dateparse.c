/* django.utils.dateparse: parse_date, parse_time, parse_datetime and
 * parse_duration, matched by hand with the exact semantics of Django 3.2's
 * regular expressions (greedy groups, backtracking where it matters, '$'
 * accepting one final newline). */
#include <stdio.h>
#include <string.h>
#include "manouche/datetime.h"
#include "manouche/str.h"
#include "datetime_internal.h"

#define US_PER_SEC INT64_C(1000000)

static bool isdig(const char *p, const char *end) { return p < end && *p >= '0' && *p <= '9'; }

/* Number of consecutive digits at p. */
static size_t run(const char *p, const char *end)
{
    size_t n = 0;
    while (isdig(p + n, end))
        n++;
    return n;
}

/* Python's '$' without MULTILINE: at the end, or before a final "\n". */
static bool at_end(const char *p, const char *end) { return p == end || (p + 1 == end && *p == '\n'); }

static int num(const char *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n && i < 9; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

/* Microseconds from 1..6 digits, right-padded with zeros (ljust(6, '0')). */
static int32_t micro(const char *p, size_t n)
{
    int32_t v = 0;
    for (size_t i = 0; i < 6; i++)
        v = v * 10 + (i < n ? p[i] - '0' : 0);
    return v;
}

static int check_date(int y, int m, int d, mn_err *err)
{
    if (y < 1 || y > 9999)
        return mn_err_set(err, MN_EINVAL, "year %d is out of range", y);
    if (m < 1 || m > 12)
        return mn_err_set(err, MN_EINVAL, "month must be in 1..12");
    if (d < 1 || d > mn_date_days_in_month(y, m))
        return mn_err_set(err, MN_EINVAL, "day is out of range for month");
    return MN_OK;
}

static int check_time(int h, int mi, int s, mn_err *err)
{
    if (h > 23)
        return mn_err_set(err, MN_EINVAL, "hour must be in 0..23");
    if (mi > 59)
        return mn_err_set(err, MN_EINVAL, "minute must be in 0..59");
    if (s > 59)
        return mn_err_set(err, MN_EINVAL, "second must be in 0..59");
    return MN_OK;
}

static int no_match(mn_err *err, const char *what, mn_str s)
{
    return mn_err_set(err, MN_EPARSE, "'%.*s' is not a valid %s", (int)(s.len > 64 ? 64 : s.len), s.ptr, what);
}

/* (\d{4})-(\d{1,2})-(\d{1,2}) at *pp. */
static bool match_date(const char **pp, const char *end, int *y, int *m, int *d)
{
    const char *p = *pp;
    if (run(p, end) != 4 || p + 4 >= end || p[4] != '-')
        return false;
    *y = num(p, 4);
    p += 5;
    size_t n = run(p, end);
    if (n < 1 || n > 2 || p + n >= end || p[n] != '-')
        return false;
    *m = num(p, n);
    p += n + 1;
    n = run(p, end);
    if (n < 1)
        return false;
    if (n > 2)
        n = 2; /* the caller checks what follows */
    *d = num(p, n);
    *pp = p + n;
    return true;
}

int mn_date_parse(mn_str s, mn_date *out, mn_err *err)
{
    const char *p = s.ptr, *end = s.ptr + s.len;
    int y, m, d;
    if (!match_date(&p, end, &y, &m, &d) || !at_end(p, end))
        return no_match(err, "date (YYYY-MM-DD)", s);
    int rc = check_date(y, m, d, err);
    if (rc)
        return rc;
    *out = (mn_date){ y, (int8_t)m, (int8_t)d };
    return MN_OK;
}

/* The time part shared by parse_time and parse_datetime:
 * (\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[\.,](\d{1,6})\d{0,6})?)?
 * Greedy, so each group takes all it can; the caller checks what follows. */
static bool match_time(const char **pp, const char *end, int *h, int *mi, int *sec, int32_t *us)
{
    const char *p = *pp;
    size_t n = run(p, end);
    if (n < 1 || n > 2 || p + n >= end || p[n] != ':')
        return false;
    *h = num(p, n);
    p += n + 1;
    n = run(p, end);
    if (n < 1)
        return false;
    if (n > 2)
        n = 2;
    *mi = num(p, n);
    p += n;
    *sec = 0;
    *us = 0;
    if (p < end && *p == ':' && isdig(p + 1, end)) {
        p++;
        n = run(p, end);
        if (n > 2)
            n = 2;
        *sec = num(p, n);
        p += n;
        if (p < end && (*p == '.' || *p == ',') && isdig(p + 1, end)) {
            p++;
            n = run(p, end);
            *us = micro(p, n > 6 ? 6 : n);
            p += n > 12 ? 12 : n;
        }
    }
    *pp = p;
    return true;
}

int mn_time_parse(mn_str s, mn_time *out, mn_err *err)
{
    const char *p = s.ptr, *end = s.ptr + s.len;
    int h, mi, sec;
    int32_t us;
    /* Not anchored at the end in Django 3.2: "10:20:30abc" is 10:20:30. */
    if (!match_time(&p, end, &h, &mi, &sec, &us))
        return no_match(err, "time (HH:MM[:ss[.uuuuuu]])", s);
    int rc = check_time(h, mi, sec, err);
    if (rc)
        return rc;
    *out = (mn_time){ (int8_t)h, (int8_t)mi, (int8_t)sec, us };
    return MN_OK;
}

int mn_datetime_parse(mn_str s, mn_datetime *out, mn_err *err)
{
    const char *p = s.ptr, *end = s.ptr + s.len;
    int y, m, d, h, mi, sec;
    int32_t us;
    const char *what = "datetime (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ])";
    /* The day is \d{1,2} followed by [T ]: a third digit fails. */
    if (!match_date(&p, end, &y, &m, &d) || p >= end || (*p != 'T' && *p != ' '))
        return no_match(err, what, s);
    p++;
    if (!match_time(&p, end, &h, &mi, &sec, &us))
        return no_match(err, what, s);
    bool has_tz = false;
    int off_min = 0;
    if (p < end && *p == 'Z') {
        has_tz = true;
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        int sign = *p == '-' ? -1 : 1;
        const char *q = p + 1;
        if (run(q, end) < 2)
            return no_match(err, what, s);
        int hh = num(q, 2), mm = 0;
        q += 2;
        const char *r = q + (q < end && *q == ':');
        if (run(r, end) >= 2) {
            mm = num(r, 2);
            q = r + 2;
        }
        off_min = sign * (hh * 60 + mm);
        has_tz = true;
        p = q;
    }
    if (!at_end(p, end))
        return no_match(err, what, s);
    /* Django builds the zone before the datetime, so its error comes first. */
    if (off_min <= -1440 || off_min >= 1440)
        return mn_err_set(err, MN_EINVAL,
                          "offset must be a timedelta strictly between -timedelta(hours=24) and "
                          "timedelta(hours=24), not %d minutes",
                          off_min);
    int rc = check_date(y, m, d, err);
    if (rc || (rc = check_time(h, mi, sec, err)))
        return rc;
    mn_datetime dt = mn_datetime_naive((mn_date){ y, (int8_t)m, (int8_t)d }, (mn_time){ (int8_t)h, (int8_t)mi,
                                                                                        (int8_t)sec, us });
    if (has_tz) {
        const mn_tz *tz = mn_tz_fixed(off_min * 60);
        if (!tz)
            return mn_err_set(err, MN_ENOMEM, "out of memory for a fixed-offset zone");
        dt.us -= (int64_t)off_min * 60 * US_PER_SEC;
        dt.tz = tz;
    }
    *out = dt;
    return MN_OK;
}

/* ---- durations ---- */

typedef struct span {
    const char *p;
    size_t n;
} span;

/* Exact accumulation of a duration: whole microseconds plus picoseconds
 * (fractions of up to 12 digits) and a sticky flag for dropped digits. */
typedef struct acc {
    int64_t us;
    int64_t ps;
    bool sticky;
    bool overflow;
} acc;

static void acc_add(acc *a, int64_t v)
{
    if (__builtin_add_overflow(a->us, v, &a->us))
        a->overflow = true;
}

/* Adds digits * unit_us (unit_us >= 1) exactly. */
static void acc_digits(acc *a, span d, int64_t unit_us, int sign)
{
    int64_t v = 0;
    for (size_t i = 0; i < d.n; i++) {
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d.p[i] - '0', &v)) {
            a->overflow = true;
            return;
        }
    }
    if (__builtin_mul_overflow(v, unit_us, &v)) {
        a->overflow = true;
        return;
    }
    acc_add(a, sign * v);
}

/* Rounds half to even into microseconds. */
static int64_t acc_round(acc *a)
{
    int64_t whole = a->ps / 1000000, rem = a->ps % 1000000;
    acc_add(a, whole);
    if (rem > 500000 || (rem == 500000 && (a->sticky || (a->us & 1))))
        acc_add(a, 1);
    return a->us;
}

static int range_err(mn_err *err, mn_str s)
{
    return mn_err_set(err, MN_ERANGE, "duration '%.*s' is out of range (about +-106751991 days)",
                      (int)(s.len > 64 ? 64 : s.len), s.ptr);
}

/* Length of one UTF-8 code point at p (1 for a stray byte), as Python's '.'
 * matches one character. */
static size_t cp_len(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if (p + i >= end || ((unsigned char)p[i] & 0xc0) != 0x80)
            return 1;
    return n;
}

/* ISO 8601: ^([-+]?)P(?:(N)D)?(?:T(?:(N)H)?(?:(N)M)?(?:(N)S)?)?$ where
 * N is \d+(.\d+)? and '.' is any character: a small backtracking matcher. */
typedef struct iso_m {
    const char *end;
    span part[4]; /* D, H, M, S */
} iso_m;

static const char iso_units[4] = { 'D', 'H', 'M', 'S' };

static bool iso_rest(iso_m *m, const char *p, int k, bool in_t);

/* Tries component k at p (present in its two shapes, then absent). */
static bool iso_comp(iso_m *m, const char *p, int k, bool in_t)
{
    const char *end = m->end;
    size_t n = run(p, end);
    if (n > 0) {
        /* \d+ then optional (.\d+): greedy, so try with the group first. */
        const char *q = p + n;
        if (q < end && *q != '\n') {
            size_t c = cp_len(q, end);
            size_t n2 = run(q + c, end);
            if (n2 > 0 && q + c + n2 < end && q[c + n2] == iso_units[k]) {
                m->part[k] = (span){ p, (size_t)(q + c + n2 - p) };
                if (iso_rest(m, q + c + n2 + 1, k + 1, in_t))
                    return true;
            }
        }
        if (q < end && *q == iso_units[k]) {
            m->part[k] = (span){ p, n };
            if (iso_rest(m, q + 1, k + 1, in_t))
                return true;
        }
    }
    m->part[k] = (span){ NULL, 0 };
    return iso_rest(m, p, k + 1, in_t);
}

static bool iso_rest(iso_m *m, const char *p, int k, bool in_t)
{
    if (k == 1 && !in_t) {
        /* (?:T ...)? : try the T group, then without it. */
        if (p < m->end && *p == 'T' && iso_comp(m, p + 1, 1, true))
            return true;
        for (int i = 1; i < 4; i++)
            m->part[i] = (span){ NULL, 0 };
        return at_end(p, m->end);
    }
    if (k == 4)
        return at_end(p, m->end);
    return iso_comp(m, p, k, in_t);
}

/* float(text) * unit for a component matched by N, exactly. */
static int iso_value(acc *a, span v, int64_t unit_s, int sign, mn_err *err, mn_str s)
{
    size_t n = run(v.p, v.p + v.n);
    span ip = { v.p, n };
    if (n == v.n) {
        acc_digits(a, ip, unit_s * US_PER_SEC, sign);
        return MN_OK;
    }
    const char *sep = v.p + n;
    size_t c = cp_len(sep, v.p + v.n);
    span fp = { sep + c, v.n - n - c };
    if (c == 1 && (*sep == '.' || *sep == ',')) {
        acc_digits(a, ip, unit_s * US_PER_SEC, sign);
        int64_t f = 0;
        for (size_t i = 0; i < 12; i++)
            f = f * 10 + (i < fp.n ? fp.p[i] - '0' : 0);
        for (size_t i = 12; i < fp.n; i++)
            if (fp.p[i] != '0')
                a->sticky = true;
        /* f / 1e12 of a unit, in picoseconds: f * unit_s. */
        a->ps += sign * f * unit_s;
        return MN_OK;
    }
    if (c == 1 && *sep == '_') {
        /* float("1_2") is 12.0. */
        acc t = { 0, 0, false, false };
        char buf[80];
        if (v.n - 1 > sizeof buf) {
            a->overflow = true;
            return MN_OK;
        }
        memcpy(buf, ip.p, ip.n);
        memcpy(buf + ip.n, fp.p, fp.n);
        acc_digits(&t, (span){ buf, ip.n + fp.n }, unit_s * US_PER_SEC, sign);
        a->overflow |= t.overflow;
        acc_add(a, t.us);
        return MN_OK;
    }
    if (c == 1 && (*sep == 'e' || *sep == 'E')) {
        /* float("1e5") is 100000.0. */
        bool zero = true;
        for (size_t i = 0; i < ip.n; i++)
            zero &= ip.p[i] == '0';
        if (zero)
            return MN_OK;
        acc t = { 0, 0, false, false };
        acc_digits(&t, ip, unit_s * US_PER_SEC, sign);
        size_t e = 0;
        for (size_t i = 0; i < fp.n && e < 100; i++)
            e = e * 10 + (size_t)(fp.p[i] - '0');
        for (size_t i = 0; i < e && !t.overflow; i++)
            if (__builtin_mul_overflow(t.us, 10, &t.us))
                t.overflow = true;
        a->overflow |= t.overflow;
        acc_add(a, t.us);
        return MN_OK;
    }
    return mn_err_set(err, MN_EINVAL, "could not convert string to float: '%.*s' (in duration '%.*s')", (int)v.n,
                      v.p, (int)(s.len > 64 ? 64 : s.len), s.ptr);
}

static int parse_iso(mn_str s, mn_duration *out, mn_err *err, bool *matched)
{
    const char *p = s.ptr, *end = s.ptr + s.len;
    int sign = 1;
    if (p < end && (*p == '-' || *p == '+')) {
        sign = *p == '-' ? -1 : 1;
        p++;
    }
    *matched = false;
    if (p >= end || *p != 'P')
        return MN_EPARSE;
    iso_m m;
    memset(&m, 0, sizeof m);
    m.end = end;
    if (!iso_comp(&m, p + 1, 0, false))
        return MN_EPARSE;
    *matched = true;
    /* days = timedelta(days) * sign; then + sign * timedelta(h, m, s): two
     * separate roundings, as Python does. */
    static const int64_t unit[4] = { 86400, 3600, 60, 1 };
    acc days = { 0, 0, false, false }, rest = { 0, 0, false, false };
    int rc;
    if (m.part[0].p && (rc = iso_value(&days, m.part[0], unit[0], 1, err, s)))
        return rc;
    for (int k = 1; k < 4; k++)
        if (m.part[k].p && (rc = iso_value(&rest, m.part[k], unit[k], 1, err, s)))
            return rc;
    int64_t d = acc_round(&days), r = acc_round(&rest), total;
    if (days.overflow || rest.overflow || __builtin_add_overflow(d, r, &total))
        return range_err(err, s);
    /* total >= 0 here, so the negation below cannot overflow. */
    out->us = sign * total;
    return MN_OK;
}

/* The time part of the standard format:
 * (-?)((\d+):(?=\d+:\d+))?((\d+):)?(\d+)([.,](\d{1,6})\d{0,6})?$ */
static bool std_time(const char *p, const char *end, int *sign, span *h, span *mi, span *sec, span *us)
{
    *sign = 1;
    if (p < end && *p == '-') {
        *sign = -1;
        p++;
    }
    span g[3];
    int ng = 0;
    for (;;) {
        size_t n = run(p, end);
        if (n == 0 || ng == 3)
            return false;
        g[ng++] = (span){ p, n };
        p += n;
        if (p < end && *p == ':' && isdig(p + 1, end)) {
            p++;
            continue;
        }
        break;
    }
    *us = (span){ NULL, 0 };
    if (p < end && (*p == '.' || *p == ',') && isdig(p + 1, end)) {
        size_t n = run(p + 1, end);
        if (n > 12)
            return false;
        *us = (span){ p + 1, n > 6 ? 6 : n };
        p += 1 + n;
    }
    if (!at_end(p, end))
        return false;
    *h = ng == 3 ? g[0] : (span){ NULL, 0 };
    *mi = ng >= 2 ? g[ng - 2] : (span){ NULL, 0 };
    *sec = g[ng - 1];
    return true;
}

/* -?\d+ at p followed by a space; returns the end of the digits or NULL. */
static const char *days_num(const char *p, const char *end, span *d)
{
    const char *q = p + (p < end && *p == '-');
    size_t n = run(q, end);
    if (n == 0)
        return NULL;
    *d = (span){ p, (size_t)(q + n - p) };
    return q + n;
}

static void acc_days(acc *a, span d)
{
    int sign = 1;
    if (d.n && d.p[0] == '-') {
        sign = -1;
        d.p++;
        d.n--;
    }
    acc_digits(a, d, 86400 * US_PER_SEC, sign);
}

static int finish_hms(acc *days, int sign, span h, span mi, span sec, span us, mn_duration *out, mn_err *err,
                      mn_str s)
{
    acc t = { 0, 0, false, false };
    if (h.p)
        acc_digits(&t, h, 3600 * US_PER_SEC, 1);
    if (mi.p)
        acc_digits(&t, mi, 60 * US_PER_SEC, 1);
    if (sec.p)
        acc_digits(&t, sec, US_PER_SEC, 1);
    if (us.p)
        acc_add(&t, micro(us.p, us.n));
    int64_t total;
    if (days->overflow || t.overflow || __builtin_add_overflow(days->us, sign * t.us, &total) ||
        total == INT64_MIN)
        return range_err(err, s);
    out->us = total;
    return MN_OK;
}

static bool match_standard(mn_str s, acc *days, int *sign, span *h, span *mi, span *sec, span *us)
{
    const char *p = s.ptr, *end = s.ptr + s.len;
    span d;
    const char *q = days_num(p, end, &d);
    if (q && q < end && *q == ' ') {
        q++;
        /* (days?, )? greedy first, then without it. */
        static const char *suffixes[] = { "days, ", "day, " };
        for (int i = 0; i < 2; i++) {
            size_t n = strlen(suffixes[i]);
            if ((size_t)(end - q) >= n && memcmp(q, suffixes[i], n) == 0 &&
                std_time(q + n, end, sign, h, mi, sec, us)) {
                acc_days(days, d);
                return true;
            }
        }
        if (std_time(q, end, sign, h, mi, sec, us)) {
            acc_days(days, d);
            return true;
        }
    }
    return std_time(p, end, sign, h, mi, sec, us);
}

/* PostgreSQL: ^(?:(-?\d+) (days? ?))?(?:([-+])?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?)?$ */
static bool pg_time(const char *p, const char *end, int *sign, span *h, span *mi, span *sec, span *us)
{
    *sign = 1;
    *h = *mi = *sec = *us = (span){ NULL, 0 };
    if (at_end(p, end))
        return true;
    if (*p == '-' || *p == '+') {
        *sign = *p == '-' ? -1 : 1;
        p++;
    }
    size_t n = run(p, end);
    if (n == 0 || p + n >= end || p[n] != ':')
        return false;
    *h = (span){ p, n };
    p += n + 1;
    if (run(p, end) < 2 || p + 2 >= end || p[2] != ':')
        return false;
    *mi = (span){ p, 2 };
    p += 3;
    if (run(p, end) < 2)
        return false;
    *sec = (span){ p, 2 };
    p += 2;
    if (p < end && *p == '.' && isdig(p + 1, end)) {
        n = run(p + 1, end);
        if (n > 6)
            return false;
        *us = (span){ p + 1, n };
        p += 1 + n;
    }
    return at_end(p, end);
}

static bool match_postgres(mn_str s, acc *days, int *sign, span *h, span *mi, span *sec, span *us)
{
    const char *p = s.ptr, *end = s.ptr + s.len;
    span d;
    const char *q = days_num(p, end, &d);
    if (q && q < end && *q == ' ' && (size_t)(end - q) >= 4 && memcmp(q + 1, "day", 3) == 0) {
        q += 4;
        /* s? and ' ?' are greedy; backtracking them never helps since the
         * time part cannot start with 's' or ' '. */
        if (q < end && *q == 's')
            q++;
        if (q < end && *q == ' ')
            q++;
        if (pg_time(q, end, sign, h, mi, sec, us)) {
            acc_days(days, d);
            return true;
        }
    }
    return pg_time(p, end, sign, h, mi, sec, us);
}

int mn_duration_parse(mn_str s, mn_duration *out, mn_err *err)
{
    acc days = { 0, 0, false, false };
    int sign;
    span h, mi, sec, us;
    if (match_standard(s, &days, &sign, &h, &mi, &sec, &us))
        return finish_hms(&days, sign, h, mi, sec, us, out, err, s);
    bool matched;
    int rc = parse_iso(s, out, err, &matched);
    if (matched)
        return rc;
    days = (acc){ 0, 0, false, false };
    if (match_postgres(s, &days, &sign, &h, &mi, &sec, &us))
        return finish_hms(&days, sign, h, mi, sec, us, out, err, s);
    return no_match(err, "duration", s);
}
