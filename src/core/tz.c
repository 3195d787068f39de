/* Time zones from the system tz database: a strict TZif reader (RFC 8536,
 * versions 1 to 4), POSIX TZ footer rules, the process-wide zone cache, the
 * default (TIME_ZONE) and per-thread current zones, and conversions between
 * wall-clock readings and instants. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "manouche/datetime.h"
#include "manouche/str.h"
#include "datetime_internal.h"
#include "fiber.h"

#define US_PER_SEC INT64_C(1000000)
#define DAY_S INT64_C(86400)
/* Transition times outside +-2^60 s cannot come from zic and are refused so
 * that adding offsets never overflows. */
#define TRANS_LIMIT (INT64_C(1) << 60)
/* Offsets allowed by RFC 8536: -25:59:59 .. +25:59:59. */
#define OFF_MIN (-89999)
#define OFF_MAX 93599

/* ---- POSIX TZ rules ---- */

typedef struct cursor {
    const char *p, *end;
} cursor;

static int cur_peek(const cursor *c) { return c->p < c->end ? (unsigned char)*c->p : -1; }

static int is_alpha(int ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'); }
static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }

/* A number of at most maxdigits digits. */
static int read_num(cursor *c, int maxdigits, int *out)
{
    int n = 0, v = 0;
    while (is_digit(cur_peek(c)) && n < maxdigits) {
        v = v * 10 + (*c->p - '0');
        c->p++;
        n++;
    }
    if (n == 0 || is_digit(cur_peek(c)))
        return -1;
    *out = v;
    return 0;
}

static int read_name(cursor *c, char *dst)
{
    const char *start;
    size_t n;
    if (cur_peek(c) == '<') {
        c->p++;
        start = c->p;
        while (c->p < c->end && *c->p != '>') {
            int ch = (unsigned char)*c->p;
            if (!is_alpha(ch) && !is_digit(ch) && ch != '+' && ch != '-')
                return -1;
            c->p++;
        }
        if (c->p >= c->end)
            return -1;
        n = (size_t)(c->p - start);
        c->p++;
    } else {
        start = c->p;
        while (is_alpha(cur_peek(c)))
            c->p++;
        n = (size_t)(c->p - start);
    }
    if (n < 3 || n > 15)
        return -1;
    memcpy(dst, start, n);
    dst[n] = '\0';
    return 0;
}

/* [+-]hh[:mm[:ss]] with hh <= maxh; the value in seconds. */
static int read_hms(cursor *c, int maxh, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;
    if (cur_peek(c) == '+' || cur_peek(c) == '-') {
        sign = *c->p == '-' ? -1 : 1;
        c->p++;
    }
    if (read_num(c, 3, &h) || h > maxh)
        return -1;
    if (cur_peek(c) == ':') {
        c->p++;
        if (read_num(c, 2, &m) || m > 59)
            return -1;
        if (cur_peek(c) == ':') {
            c->p++;
            if (read_num(c, 2, &s) || s > 59)
                return -1;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return 0;
}

static int read_rule_day(cursor *c, mn__tz_rule_day *d)
{
    memset(d, 0, sizeof *d);
    int ch = cur_peek(c);
    if (ch == 'J') {
        c->p++;
        d->kind = 'J';
        if (read_num(c, 3, &d->yday) || d->yday < 1 || d->yday > 365)
            return -1;
    } else if (ch == 'M') {
        c->p++;
        d->kind = 'M';
        if (read_num(c, 2, &d->month) || d->month < 1 || d->month > 12 || cur_peek(c) != '.')
            return -1;
        c->p++;
        if (read_num(c, 1, &d->week) || d->week < 1 || d->week > 5 || cur_peek(c) != '.')
            return -1;
        c->p++;
        if (read_num(c, 1, &d->wday) || d->wday > 6)
            return -1;
    } else if (is_digit(ch)) {
        d->kind = 'N';
        if (read_num(c, 3, &d->yday) || d->yday > 365)
            return -1;
    } else {
        return -1;
    }
    d->time = 7200;
    if (cur_peek(c) == '/') {
        c->p++;
        /* Version 3 allows -167..167 hours. */
        if (read_hms(c, 167, &d->time))
            return -1;
    }
    return 0;
}

int mn__tz_rule_parse(const char *s, size_t len, mn__tz_rule *rule, mn_err *err)
{
    cursor c = { s, s + len };
    int32_t off;
    memset(rule, 0, sizeof *rule);
    if (len == 0)
        return MN_OK; /* no rule */
    if (read_name(&c, rule->std.abbrev) || read_hms(&c, 24, &off))
        goto bad;
    rule->std.offset = -off; /* POSIX counts west of Greenwich */
    rule->present = 1;
    if (c.p == c.end)
        return MN_OK;
    if (read_name(&c, rule->dst.abbrev))
        goto bad;
    rule->has_dst = 1;
    rule->dst.isdst = 1;
    rule->dst.offset = rule->std.offset + 3600;
    if (cur_peek(&c) != ',' && c.p < c.end) {
        if (read_hms(&c, 24, &off))
            goto bad;
        rule->dst.offset = -off;
    }
    if (c.p == c.end) {
        /* POSIX leaves the default rule to the implementation; tz uses the
         * US rules. */
        rule->start = (mn__tz_rule_day){ 'M', 3, 2, 0, 0, 7200 };
        rule->end = (mn__tz_rule_day){ 'M', 11, 1, 0, 0, 7200 };
        return MN_OK;
    }
    if (cur_peek(&c) != ',')
        goto bad;
    c.p++;
    if (read_rule_day(&c, &rule->start) || cur_peek(&c) != ',')
        goto bad;
    c.p++;
    if (read_rule_day(&c, &rule->end) || c.p != c.end)
        goto bad;
    return MN_OK;
bad:
    memset(rule, 0, sizeof *rule);
    return mn_err_set(err, MN_EPARSE, "bad POSIX TZ string '%.*s' near offset %d", (int)(len > 64 ? 64 : len), s,
                      (int)(c.p - s));
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Local second (in the offset in force before the change) at which a rule
 * day starts in year y. */
static int64_t rule_local(const mn__tz_rule_day *d, int32_t y)
{
    int64_t jan1 = mn_date_to_days((mn_date){ y, 1, 1 });
    int64_t day;
    if (d->kind == 'J')
        day = jan1 + d->yday - 1 + (is_leap(y) && d->yday >= 60);
    else if (d->kind == 'N')
        day = jan1 + d->yday;
    else {
        int64_t first = mn_date_to_days((mn_date){ y, (int8_t)d->month, 1 });
        int wd_first = (int)((first % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday (4, Sunday 0) */
        int64_t dom = 1 + (d->wday - wd_first + 7) % 7 + 7 * (d->week - 1);
        static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        int mlen = dim[d->month - 1] + (d->month == 2 && is_leap(y));
        while (dom > mlen)
            dom -= 7;
        day = first + dom - 1;
    }
    return day * DAY_S + d->time;
}

static int32_t year_of(int64_t t)
{
    return mn_date_from_days(mn__floordiv(t, DAY_S)).year;
}

/* The rule's transitions in years y (start, then end), in UTC seconds. */
static void rule_year(const mn__tz_rule *r, int32_t y, int64_t out[2])
{
    out[0] = rule_local(&r->start, y) - r->std.offset;
    out[1] = rule_local(&r->end, y) - r->dst.offset;
}

static const mn__tz_type *rule_type_at(const mn__tz_rule *r, int64_t t)
{
    if (!r->has_dst)
        return &r->std;
    int32_t y = year_of(t);
    int64_t best = INT64_MIN;
    const mn__tz_type *ty = &r->std;
    for (int32_t yy = y - 1; yy <= y + 1; yy++) {
        int64_t tr[2];
        rule_year(r, yy, tr);
        /* On a tie (DST all year long) the start wins. */
        if (tr[1] <= t && tr[1] > best) {
            best = tr[1];
            ty = &r->std;
        }
        if (tr[0] <= t && tr[0] >= best) {
            best = tr[0];
            ty = &r->dst;
        }
    }
    return ty;
}

const mn__tz_type *mn__tz_lookup(const mn_tz *tz, int64_t t)
{
    if (tz->ntrans == 0) {
        if (tz->rule.present)
            return rule_type_at(&tz->rule, t);
        return &tz->types[tz->default_type];
    }
    if (t < tz->trans[0])
        return &tz->types[tz->default_type];
    if (t >= tz->trans[tz->ntrans - 1] && tz->rule.present)
        return rule_type_at(&tz->rule, t);
    size_t lo = 0, hi = tz->ntrans; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return &tz->types[tz->trans_type[lo]];
}

/* ---- wall clock -> instant ---- */

#define MAX_WINDOW_TRANS 64

/* Transition instants in (lo, hi], ascending (at most MAX_WINDOW_TRANS). */
static size_t window_transitions(const mn_tz *tz, int64_t lo, int64_t hi, int64_t *out)
{
    size_t n = 0;
    /* Table part: first index with trans > lo. */
    size_t a = 0, b = tz->ntrans;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (tz->trans[mid] <= lo)
            a = mid + 1;
        else
            b = mid;
    }
    for (size_t i = a; i < tz->ntrans && tz->trans[i] <= hi && n < MAX_WINDOW_TRANS; i++)
        out[n++] = tz->trans[i];
    if (!tz->rule.present || !tz->rule.has_dst)
        return n;
    int64_t last = tz->ntrans ? tz->trans[tz->ntrans - 1] : INT64_MIN;
    int32_t y0 = year_of(lo), y1 = year_of(hi);
    for (int32_t y = y0 - 1; y <= y1 + 1; y++) {
        int64_t tr[2];
        rule_year(&tz->rule, y, tr);
        for (int k = 0; k < 2; k++) {
            if (tr[k] > lo && tr[k] <= hi && tr[k] > last && n < MAX_WINDOW_TRANS) {
                /* Insert sorted, skipping duplicates. */
                size_t j = n;
                while (j > 0 && out[j - 1] > tr[k])
                    j--;
                if (j > 0 && out[j - 1] == tr[k])
                    continue;
                memmove(out + j + 1, out + j, (n - j) * sizeof *out);
                out[j] = tr[k];
                n++;
            }
        }
    }
    return n;
}

void mn__tz_resolve(const mn_tz *tz, int64_t local_s, mn__tz_resolved *r)
{
    memset(r, 0, sizeof *r);
    if (tz->kind == MN__TZ_FIXED) {
        r->n = 1;
        r->off[0] = tz->offset;
        return;
    }
    /* Any instant whose reading is local_s lies within 26 hours of it, so
     * walking the intervals between transitions of a +-2 day window finds
     * every solution. */
    int64_t lo = local_s - 2 * DAY_S, hi = local_s + 2 * DAY_S;
    int64_t tr[MAX_WINDOW_TRANS];
    size_t nt = window_transitions(tz, lo, hi, tr);
    const mn__tz_type *cur = mn__tz_lookup(tz, lo);
    int64_t start = lo;
    for (size_t i = 0; i <= nt; i++) {
        int64_t end = i < nt ? tr[i] : hi + 1;
        /* Instants [start, end) read as [start + off, end + off). */
        if (local_s >= start + cur->offset && local_s < end + cur->offset) {
            if (r->n < 2) {
                r->off[r->n] = cur->offset;
                r->isdst[r->n] = cur->isdst;
                r->n++;
            } else {
                r->off[1] = cur->offset;
                r->isdst[1] = cur->isdst;
            }
        }
        if (i == nt)
            break;
        const mn__tz_type *next = mn__tz_lookup(tz, tr[i]);
        if (r->n == 0 && local_s >= end + cur->offset && local_s < end + next->offset) {
            /* In the gap of this transition (kept unless a solution is found
             * later on). */
            r->off[0] = cur->offset;
            r->isdst[0] = cur->isdst;
            r->off[1] = next->offset;
            r->isdst[1] = next->isdst;
        }
        cur = next;
        start = end;
    }
    if (r->n == 1) {
        r->off[1] = r->off[0];
        r->isdst[1] = r->isdst[0];
    }
}

/* ---- TZif reader ---- */

typedef struct reader {
    const uint8_t *p;
    size_t left;
} reader;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);
    return (int64_t)v;
}

typedef struct tzif_header {
    int version;
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_header;

static int read_header(reader *r, tzif_header *h, mn_err *err)
{
    if (r->left < 44)
        return mn_err_set(err, MN_EPARSE, "TZif: truncated header (%zu bytes)", r->left);
    if (memcmp(r->p, "TZif", 4) != 0)
        return mn_err_set(err, MN_EPARSE, "TZif: bad magic (not a TZif file)");
    uint8_t v = r->p[4];
    if (v == 0)
        h->version = 1;
    else if (v >= '2' && v <= '4')
        h->version = v - '0';
    else
        return mn_err_set(err, MN_EPARSE, "TZif: unsupported version byte 0x%02x", v);
    const uint8_t *c = r->p + 20;
    h->isutcnt = be32(c);
    h->isstdcnt = be32(c + 4);
    h->leapcnt = be32(c + 8);
    h->timecnt = be32(c + 12);
    h->typecnt = be32(c + 16);
    h->charcnt = be32(c + 20);
    r->p += 44;
    r->left -= 44;
    if (h->typecnt == 0 || h->typecnt > 256)
        return mn_err_set(err, MN_EPARSE, "TZif: bad type count %u (1..256)", (unsigned)h->typecnt);
    if (h->charcnt == 0)
        return mn_err_set(err, MN_EPARSE, "TZif: abbreviation table is empty");
    if (h->isutcnt != 0 && h->isutcnt != h->typecnt)
        return mn_err_set(err, MN_EPARSE, "TZif: UT/local indicator count %u differs from type count %u",
                          (unsigned)h->isutcnt, (unsigned)h->typecnt);
    if (h->isstdcnt != 0 && h->isstdcnt != h->typecnt)
        return mn_err_set(err, MN_EPARSE, "TZif: standard/wall indicator count %u differs from type count %u",
                          (unsigned)h->isstdcnt, (unsigned)h->typecnt);
    if (h->leapcnt != 0)
        return mn_err_set(err, MN_EPARSE, "TZif: leap-second zones (the right/ tree) are not supported");
    return MN_OK;
}

static size_t block_size(const tzif_header *h, size_t timesize)
{
    return (size_t)h->timecnt * timesize + h->timecnt + (size_t)h->typecnt * 6 + h->charcnt +
           (size_t)h->leapcnt * (timesize + 4) + h->isstdcnt + h->isutcnt;
}

void mn__tz_free(mn_tz *tz) { free(tz); }

int mn__tzif_parse(const uint8_t *data, size_t len, const char *name, mn_tz **out, mn_err *err)
{
    *out = NULL;
    if (len > MN__TZIF_MAX_BYTES)
        return mn_err_set(err, MN_EPARSE, "TZif: file too large (%zu bytes, limit %d)", len, MN__TZIF_MAX_BYTES);
    reader r = { data, len };
    tzif_header h;
    int rc = read_header(&r, &h, err);
    if (rc)
        return rc;
    size_t timesize = 4;
    size_t need = block_size(&h, 4);
    if (r.left < need)
        return mn_err_set(err, MN_EPARSE, "TZif: truncated data block (need %zu bytes, have %zu)", need, r.left);
    if (h.version >= 2) {
        /* Skip the 32-bit block: the 64-bit one follows its own header. */
        r.p += need;
        r.left -= need;
        tzif_header h1 = h;
        rc = read_header(&r, &h, err);
        if (rc)
            return rc;
        if (h.version != h1.version)
            return mn_err_set(err, MN_EPARSE, "TZif: second header has a different version");
        timesize = 8;
        need = block_size(&h, 8);
        if (r.left < need)
            return mn_err_set(err, MN_EPARSE, "TZif: truncated 64-bit data block (need %zu bytes, have %zu)",
                              need, r.left);
    }
    const uint8_t *times = r.p;
    const uint8_t *idx = times + (size_t)h.timecnt * timesize;
    const uint8_t *ttinfo = idx + h.timecnt;
    const uint8_t *chars = ttinfo + (size_t)h.typecnt * 6;
    r.p += need;
    r.left -= need;

    mn__tz_rule rule;
    memset(&rule, 0, sizeof rule);
    if (h.version >= 2) {
        if (r.left < 2 || r.p[0] != '\n')
            return mn_err_set(err, MN_EPARSE, "TZif: missing footer");
        const uint8_t *nl = memchr(r.p + 1, '\n', r.left - 1);
        if (!nl)
            return mn_err_set(err, MN_EPARSE, "TZif: unterminated footer");
        size_t flen = (size_t)(nl - (r.p + 1));
        rc = mn__tz_rule_parse((const char *)r.p + 1, flen, &rule, err);
        if (rc)
            return mn_err_prefix(err, "TZif footer: ");
    }

    /* One allocation holds the zone and its tables. */
    size_t sz = sizeof(mn_tz);
    size_t off_trans = (sz + 7) & ~(size_t)7;
    size_t off_types = off_trans + (size_t)h.timecnt * 8;
    size_t off_idx = off_types + (size_t)h.typecnt * sizeof(mn__tz_type);
    size_t total = off_idx + h.timecnt + 1;
    unsigned char *mem = calloc(1, total);
    if (!mem)
        return mn_err_set(err, MN_ENOMEM, "TZif: out of memory");
    mn_tz *tz = (mn_tz *)mem;
    tz->kind = MN__TZ_TZIF;
    size_t nlen = strlen(name);
    if (nlen >= sizeof tz->name)
        nlen = sizeof tz->name - 1;
    memcpy(tz->name, name, nlen);
    tz->trans = (int64_t *)(mem + off_trans);
    tz->types = (mn__tz_type *)(mem + off_types);
    tz->trans_type = mem + off_idx;
    tz->ntrans = h.timecnt;
    tz->ntypes = h.typecnt;
    tz->rule = rule;

    for (uint32_t i = 0; i < h.typecnt; i++) {
        const uint8_t *ti = ttinfo + (size_t)i * 6;
        int32_t utoff = (int32_t)be32(ti);
        uint8_t isdst = ti[4], desig = ti[5];
        if (utoff < OFF_MIN || utoff > OFF_MAX) {
            rc = mn_err_set(err, MN_EPARSE, "TZif: type %u has offset %ld out of range", (unsigned)i, (long)utoff);
            goto fail;
        }
        if (isdst > 1) {
            rc = mn_err_set(err, MN_EPARSE, "TZif: type %u has DST flag %u (0 or 1)", (unsigned)i, isdst);
            goto fail;
        }
        if (desig >= h.charcnt) {
            rc = mn_err_set(err, MN_EPARSE, "TZif: type %u abbreviation index %u past the table", (unsigned)i, desig);
            goto fail;
        }
        const uint8_t *ab = chars + desig;
        const uint8_t *nul = memchr(ab, '\0', h.charcnt - desig);
        if (!nul) {
            rc = mn_err_set(err, MN_EPARSE, "TZif: type %u abbreviation is not terminated", (unsigned)i);
            goto fail;
        }
        size_t alen = (size_t)(nul - ab);
        if (alen >= sizeof tz->types[i].abbrev) {
            rc = mn_err_set(err, MN_EPARSE, "TZif: type %u abbreviation longer than 15 bytes", (unsigned)i);
            goto fail;
        }
        for (size_t k = 0; k < alen; k++) {
            if (ab[k] < 0x20 || ab[k] > 0x7e) {
                rc = mn_err_set(err, MN_EPARSE, "TZif: type %u abbreviation has a control or non-ASCII byte",
                                (unsigned)i);
                goto fail;
            }
        }
        tz->types[i].offset = utoff;
        tz->types[i].isdst = isdst;
        memcpy(tz->types[i].abbrev, ab, alen);
    }
    for (uint32_t i = 0; i < h.timecnt; i++) {
        int64_t t = timesize == 8 ? be64(times + (size_t)i * 8) : (int64_t)(int32_t)be32(times + (size_t)i * 4);
        if (t < -TRANS_LIMIT || t > TRANS_LIMIT) {
            rc = mn_err_set(err, MN_EPARSE, "TZif: transition %u time out of range", (unsigned)i);
            goto fail;
        }
        if (i > 0 && t <= tz->trans[i - 1]) {
            rc = mn_err_set(err, MN_EPARSE, "TZif: transition %u is not after the previous one", (unsigned)i);
            goto fail;
        }
        if (idx[i] >= h.typecnt) {
            rc = mn_err_set(err, MN_EPARSE, "TZif: transition %u uses type %u of %u", (unsigned)i, idx[i],
                            (unsigned)h.typecnt);
            goto fail;
        }
        tz->trans[i] = t;
        tz->trans_type[i] = idx[i];
    }
    /* RFC 8536: time type 0 applies before the first transition. */
    tz->default_type = 0;
    *out = tz;
    return MN_OK;
fail:
    free(mem);
    return rc;
}

/* ---- the zone cache ---- */

/* Readers walk the list without a lock: nodes are complete and immutable
 * before they are published at the head (release/acquire); writers take
 * the mutex so a zone is read from disk once. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(mn_tz *) cache;

static mn_tz *cache_find(const char *name)
{
    mn_tz *z = atomic_load_explicit(&cache, memory_order_acquire);
    while (z && strcmp(z->name, name) != 0)
        z = z->next;
    return z;
}

static int check_name(const char *name, mn_err *err)
{
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof(((mn_tz *)0)->name))
        return mn_err_set(err, MN_EINVAL, "invalid time zone name '%.80s': empty or longer than 63 bytes", name);
    if (name[0] == '/')
        return mn_err_set(err, MN_EINVAL, "invalid time zone name '%s': absolute paths are not allowed", name);
    const char *comp = name;
    for (size_t i = 0; i <= n; i++) {
        char ch = name[i];
        if (ch == '/' || ch == '\0') {
            if (name + i == comp)
                return mn_err_set(err, MN_EINVAL, "invalid time zone name '%s': empty path component", name);
            if (*comp == '.')
                return mn_err_set(err, MN_EINVAL, "invalid time zone name '%s': components may not start with '.'",
                                  name);
            comp = name + i + 1;
            continue;
        }
        if (!is_alpha((unsigned char)ch) && !is_digit((unsigned char)ch) && ch != '_' && ch != '-' && ch != '+' &&
            ch != '.')
            return mn_err_set(err, MN_EINVAL, "invalid time zone name '%s': bad character 0x%02x", name,
                              (unsigned char)ch);
    }
    return MN_OK;
}

static int load_zone(const char *name, mn_tz **out, mn_err *err)
{
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    char path[4096];
    int pn = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (pn < 0 || (size_t)pn >= sizeof path)
        return mn_err_set(err, MN_EINVAL, "time zone path too long for '%s'", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return mn_err_set(err, MN_ENOTFOUND, "unknown time zone '%s' (no file %s; is tzdata installed?)", name,
                              path);
        return mn_err_set(err, MN_EIO, "time zone '%s': cannot open %s: %s", name, path, strerror(e));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return mn_err_set(err, MN_ENOTFOUND, "unknown time zone '%s' (%s is not a regular file)", name, path);
    }
    if (st.st_size > MN__TZIF_MAX_BYTES) {
        close(fd);
        return mn_err_set(err, MN_EPARSE, "time zone '%s': %s is too large (%lld bytes)", name, path,
                          (long long)st.st_size);
    }
    size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) {
        close(fd);
        return mn_err_set(err, MN_ENOMEM, "time zone '%s': out of memory", name);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t k = read(fd, buf + got, size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    int rc;
    if (got != size)
        rc = mn_err_set(err, MN_EIO, "time zone '%s': short read of %s", name, path);
    else {
        rc = mn__tzif_parse(buf, size, name, out, err);
        if (rc)
            mn_err_prefix(err, "time zone '%s' (%s): ", name, path);
    }
    free(buf);
    return rc;
}

const mn_tz *mn_tz_get(const char *name, mn_err *err)
{
    if (!name) {
        mn_err_set(err, MN_EINVAL, "time zone name is NULL");
        return NULL;
    }
    if (strcmp(name, "UTC") == 0)
        return mn_tz_utc();
    if (check_name(name, err))
        return NULL;
    mn_tz *z = cache_find(name);
    if (z)
        return z;
    pthread_mutex_lock(&cache_lock);
    z = cache_find(name);
    if (!z && load_zone(name, &z, err) == MN_OK) {
        z->next = atomic_load_explicit(&cache, memory_order_relaxed);
        atomic_store_explicit(&cache, z, memory_order_release);
    }
    pthread_mutex_unlock(&cache_lock);
    return z;
}

/* ---- default and current zones ---- */

static _Atomic(const mn_tz *) default_zone;
/* Per request: follows the request's fiber across switches (fiber.h). */
#define current_zone (mn__fl.tz)

#define DJANGO_DEFAULT_ZONE "America/Chicago"

int mn_tz_set_default(const char *name, mn_err *err)
{
    const mn_tz *z = mn_tz_get(name ? name : DJANGO_DEFAULT_ZONE, err);
    if (!z)
        return err ? err->code : MN_ENOTFOUND;
    atomic_store(&default_zone, z);
    return MN_OK;
}

const mn_tz *mn_tz_default(void)
{
    const mn_tz *z = atomic_load(&default_zone);
    if (z)
        return z;
    z = mn_tz_get(DJANGO_DEFAULT_ZONE, NULL);
    if (!z)
        z = mn_tz_utc();
    const mn_tz *expected = NULL;
    if (!atomic_compare_exchange_strong(&default_zone, &expected, z))
        z = expected;
    return z;
}

void mn_tz_activate(const mn_tz *tz) { current_zone = tz; }

const mn_tz *mn_tz_current(void) { return current_zone ? current_zone : mn_tz_default(); }

/* ---- conversions ---- */

static int write_reading(char *buf, size_t n, int64_t us)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_datetime_write(&b, (mn_datetime){ us, NULL }, ' ');
    int k = snprintf(buf, n, "%s", mn_buf_cstr(&b));
    mn_buf_free(&b);
    return k;
}

int mn_datetime_make_aware(mn_datetime naive, const mn_tz *tz, mn_is_dst is_dst, mn_datetime *out, mn_err *err)
{
    if (naive.tz)
        return mn_err_set(err, MN_EINVAL, "make_aware expects a naive datetime, got an aware one");
    if (!tz)
        tz = mn_tz_current();
    int64_t local_s = mn__floordiv(naive.us, US_PER_SEC);
    mn__tz_resolved r;
    mn__tz_resolve(tz, local_s, &r);
    int32_t off;
    char when[40];
    if (r.n == 1) {
        off = r.off[0];
    } else if (r.n == 2) {
        if (is_dst == MN_IS_DST_NONE) {
            write_reading(when, sizeof when, naive.us);
            return mn_err_set(err, MN_EMULTIPLE, "%s is ambiguous in %s (AmbiguousTimeError): pass is_dst", when,
                              tz->name);
        }
        bool want = is_dst == MN_IS_DST_TRUE;
        /* Prefer the instant whose DST flag matches; otherwise, like pytz,
         * the earlier instant for is_dst true and the later one for false. */
        if ((bool)r.isdst[0] == want && (bool)r.isdst[1] != want)
            off = r.off[0];
        else if ((bool)r.isdst[1] == want && (bool)r.isdst[0] != want)
            off = r.off[1];
        else
            off = want ? r.off[0] : r.off[1];
    } else {
        if (is_dst == MN_IS_DST_NONE) {
            write_reading(when, sizeof when, naive.us);
            return mn_err_set(err, MN_ENOTFOUND, "%s does not exist in %s (NonExistentTimeError): pass is_dst",
                              when, tz->name);
        }
        /* pytz: is_dst true reads it with the offset after the gap, false
         * with the offset before it. */
        off = is_dst == MN_IS_DST_TRUE ? r.off[1] : r.off[0];
    }
    if (__builtin_sub_overflow(naive.us, (int64_t)off * US_PER_SEC, &out->us))
        return mn_err_set(err, MN_ERANGE, "make_aware: datetime out of range");
    out->tz = tz;
    return MN_OK;
}

int mn_datetime_localtime(mn_datetime dt, const mn_tz *tz, mn_datetime *out, mn_err *err)
{
    if (!dt.tz)
        return mn_err_set(err, MN_EINVAL, "localtime() cannot be applied to a naive datetime");
    out->us = dt.us;
    out->tz = tz ? tz : mn_tz_current();
    return MN_OK;
}

int mn_datetime_make_naive(mn_datetime dt, const mn_tz *tz, mn_datetime *out, mn_err *err)
{
    if (!dt.tz)
        return mn_err_set(err, MN_EINVAL, "make_naive() cannot be applied to a naive datetime");
    if (!tz)
        tz = mn_tz_current();
    if (__builtin_add_overflow(dt.us, (int64_t)mn_tz_offset_at(tz, dt.us) * US_PER_SEC, &out->us))
        return mn_err_set(err, MN_ERANGE, "make_naive: datetime out of range");
    out->tz = NULL;
    return MN_OK;
}

mn_date mn_date_today(const mn_tz *tz)
{
    mn_datetime now = mn_datetime_now();
    now.tz = tz ? tz : mn_tz_current();
    mn_date d;
    mn_datetime_fields(now, &d, NULL);
    return d;
}

int mn_tz_check(mn_err *err)
{
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return mn_err_set(err, MN_ENOTFOUND,
                          "the tz database is missing: %s is not a directory (install Debian's tzdata package or "
                          "set TZDIR)",
                          dir);
    mn_err e = { 0 };
    if (!mn_tz_get("Etc/UTC", &e))
        return mn_err_set(err, e.code, "the tz database in %s is unusable (install Debian's tzdata package): %s",
                          dir, e.msg);
    const mn_tz *def = atomic_load(&default_zone);
    const char *name = def ? def->name : DJANGO_DEFAULT_ZONE;
    if (!mn_tz_get(name, &e))
        return mn_err_set(err, e.code, "the default time zone (TIME_ZONE) cannot be loaded: %s", e.msg);
    return MN_OK;
}
