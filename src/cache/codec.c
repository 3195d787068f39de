/* The stored form of cached values (docs/caching.md, "Stored format").
 *
 * A top-level integer is its decimal text, so that a Redis INCRBY works on
 * it. Anything else is 0xC1 followed by one encoded value:
 *   'N' null   'F' false   'T' true
 *   'i' int: 8 bytes      'f' float: 8 bytes IEEE 754
 *   'd' decimal: lo 8, hi 8, scale 4
 *   's' string, 'S' safe string: varint length, bytes
 *   'D' date: year 4, month 1, day 1
 *   't' time: hour 1, minute 1, second 1, microsecond 4
 *   'z' datetime: microseconds 8, then 'n' (naive) or 'a' + offset 4 +
 *       varint length + zone name (the zone is looked up again on decode,
 *       a fixed offset when the name is unknown)
 *   'r' duration: microseconds 8
 *   'l' list: varint count, values
 *   'm' map: varint count, then (varint length, key bytes, value) pairs
 * Integers are little-endian two's complement; varints are LEB128 (at most
 * 10 bytes). Containers nest at most 512 deep. */
#include <string.h>
#include "cache_internal.h"

#define MAGIC 0xC1
#define MAX_DEPTH 512

static int put_u64le(mn_buf *b, uint64_t v)
{
    unsigned char x[8];
    for (int i = 0; i < 8; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    return mn_buf_append(b, x, 8);
}

static int put_u32le(mn_buf *b, uint32_t v)
{
    unsigned char x[4];
    for (int i = 0; i < 4; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    return mn_buf_append(b, x, 4);
}

static int put_varint(mn_buf *b, uint64_t v)
{
    unsigned char x[10];
    size_t n = 0;
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        x[n++] = (unsigned char)(c | (v ? 0x80 : 0));
    } while (v);
    return mn_buf_append(b, x, n);
}

static int put_bytes(mn_buf *b, mn_str s)
{
    put_varint(b, s.len);
    return mn_buf_put_str(b, s);
}

static int encode(mn_value v, mn_buf *b, int depth, mn_err *err)
{
    if (depth > MAX_DEPTH)
        return mn_err_set(err, MN_EINVAL, "cannot cache a value nested more than %d deep (or inside itself)",
                          MAX_DEPTH);
    switch ((mn_vtype)v.type) {
    case MN_VALUE_NULL:
        return mn_buf_putc(b, 'N');
    case MN_VALUE_BOOL:
        return mn_buf_putc(b, v.u.b ? 'T' : 'F');
    case MN_VALUE_INT:
        mn_buf_putc(b, 'i');
        return put_u64le(b, (uint64_t)v.u.i);
    case MN_VALUE_FLOAT: {
        uint64_t bits;
        memcpy(&bits, &v.u.f, 8);
        mn_buf_putc(b, 'f');
        return put_u64le(b, bits);
    }
    case MN_VALUE_DECIMAL:
        mn_buf_putc(b, 'd');
        put_u64le(b, v.u.d.lo);
        put_u64le(b, (uint64_t)v.u.d.hi);
        return put_u32le(b, (uint32_t)v.u.d.scale);
    case MN_VALUE_STR:
        mn_buf_putc(b, (v.flags & MN_VALUE_SAFE) ? 'S' : 's');
        return put_bytes(b, v.u.s);
    case MN_VALUE_DATE: {
        unsigned char x[2] = { (unsigned char)v.u.date.month, (unsigned char)v.u.date.day };
        mn_buf_putc(b, 'D');
        put_u32le(b, (uint32_t)v.u.date.year);
        return mn_buf_append(b, x, 2);
    }
    case MN_VALUE_TIME: {
        unsigned char x[3] = { (unsigned char)v.u.time.hour, (unsigned char)v.u.time.minute,
                               (unsigned char)v.u.time.second };
        mn_buf_putc(b, 't');
        mn_buf_append(b, x, 3);
        return put_u32le(b, (uint32_t)v.u.time.usec);
    }
    case MN_VALUE_DATETIME:
        mn_buf_putc(b, 'z');
        put_u64le(b, (uint64_t)v.u.dt.us);
        if (!v.u.dt.tz)
            return mn_buf_putc(b, 'n');
        mn_buf_putc(b, 'a');
        put_u32le(b, (uint32_t)mn_tz_offset_at(v.u.dt.tz, v.u.dt.us));
        return put_bytes(b, mn_str_from(mn_tz_name(v.u.dt.tz)));
    case MN_VALUE_DURATION:
        mn_buf_putc(b, 'r');
        return put_u64le(b, (uint64_t)v.u.dur.us);
    case MN_VALUE_LIST: {
        size_t n = mn_list_len(v.u.list);
        mn_buf_putc(b, 'l');
        put_varint(b, n);
        for (size_t i = 0; i < n; i++) {
            int rc = encode(mn_list_get(v.u.list, i), b, depth + 1, err);
            if (rc)
                return rc;
        }
        return mn_buf_error(b);
    }
    case MN_VALUE_MAP: {
        size_t n = mn_map_len(v.u.map);
        mn_buf_putc(b, 'm');
        put_varint(b, n);
        for (size_t i = 0; i < n; i++) {
            put_bytes(b, mn_map_key_at(v.u.map, i));
            int rc = encode(mn_map_value_at(v.u.map, i), b, depth + 1, err);
            if (rc)
                return rc;
        }
        return mn_buf_error(b);
    }
    case MN_VALUE_OBJECT:
        return mn_err_set(err, MN_ETYPE,
                          "cannot cache a %s object: convert it to a value first (mn_cache_obj_to_value)",
                          v.u.obj.type && v.u.obj.type->name ? v.u.obj.type->name : "C");
    case MN_VALUE_CALLABLE:
        return mn_err_set(err, MN_ETYPE, "cannot cache a callable: cache its result");
    }
    return mn_err_set(err, MN_ETYPE, "cannot cache a value of unknown type %u", v.type);
}

int mn_cache_value_encode(mn_value v, mn_buf *out, mn_err *err)
{
    if (v.type == MN_VALUE_INT)
        return mn_buf_put_i64(out, v.u.i);
    size_t start = out->len;
    mn_buf_putc(out, (char)MAGIC);
    int rc = encode(v, out, 0, err);
    if (!rc)
        rc = mn_buf_error(out);
    if (rc) {
        if (out->len >= start && !mn_buf_error(out))
            mn_buf_truncate(out, start);
        if (rc == MN_ENOMEM || rc == MN_ELIMIT)
            mn_err_set(err, rc, "cannot cache the value: %s", mn_strerror(rc));
    }
    return rc;
}

/* ---- decoding ---- */

typedef struct reader {
    const unsigned char *p, *end;
    mn_arena *arena;
    mn_err *err;
} reader;

static int bad(reader *r, const char *what)
{
    mn_err_set(r->err, MN_EPARSE, "cached value: %s", what);
    return MN_EPARSE;
}

static int get_n(reader *r, size_t n, const unsigned char **out)
{
    *out = r->p;
    if ((size_t)(r->end - r->p) < n)
        return bad(r, "truncated data");
    r->p += n;
    return MN_OK;
}

static int get_u64(reader *r, uint64_t *v)
{
    const unsigned char *x;
    if (get_n(r, 8, &x))
        return MN_EPARSE;
    *v = 0;
    for (int i = 0; i < 8; i++)
        *v |= (uint64_t)x[i] << (8 * i);
    return MN_OK;
}

static int get_u32(reader *r, uint32_t *v)
{
    const unsigned char *x;
    if (get_n(r, 4, &x))
        return MN_EPARSE;
    *v = (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
    return MN_OK;
}

static int get_varint(reader *r, uint64_t *v)
{
    *v = 0;
    for (int i = 0; i < 10; i++) {
        if (r->p >= r->end)
            return bad(r, "truncated data");
        unsigned char c = *r->p++;
        if (i == 9 && c > 1)
            return bad(r, "length out of range");
        *v |= (uint64_t)(c & 0x7f) << (7 * i);
        if (!(c & 0x80))
            return MN_OK;
    }
    return bad(r, "length out of range");
}

/* A length-prefixed string, copied into the arena. */
static int get_str(reader *r, mn_str *out)
{
    uint64_t n;
    const unsigned char *x;
    if (get_varint(r, &n))
        return MN_EPARSE;
    if (n > (uint64_t)(r->end - r->p))
        return bad(r, "truncated data");
    if (get_n(r, (size_t)n, &x))
        return MN_EPARSE;
    *out = mn_str_clone(r->arena, mn_str_make((const char *)x, (size_t)n));
    if (n && !out->ptr)
        return mn_err_set(r->err, MN_ENOMEM, "cached value: out of memory");
    return MN_OK;
}

static int decode(reader *r, int depth, mn_value *out)
{
    if (depth > MAX_DEPTH)
        return bad(r, "nested too deep");
    if (r->p >= r->end)
        return bad(r, "truncated data");
    unsigned char tag = *r->p++;
    uint64_t u;
    uint32_t w;
    switch (tag) {
    case 'N':
        *out = mn_value_null();
        return MN_OK;
    case 'F':
    case 'T':
        *out = mn_value_bool(tag == 'T');
        return MN_OK;
    case 'i':
        if (get_u64(r, &u))
            return MN_EPARSE;
        *out = mn_value_int((int64_t)u);
        return MN_OK;
    case 'f': {
        double f;
        if (get_u64(r, &u))
            return MN_EPARSE;
        memcpy(&f, &u, 8);
        *out = mn_value_float(f);
        return MN_OK;
    }
    case 'd': {
        mn_decimal d;
        uint64_t hi;
        if (get_u64(r, &d.lo) || get_u64(r, &hi) || get_u32(r, &w))
            return MN_EPARSE;
        d.hi = (int64_t)hi;
        d.scale = (int32_t)w;
        if (d.scale > MN_DECIMAL_MAX_EXP + 37 || d.scale < -(MN_DECIMAL_MAX_EXP + 37) ||
            mn_decimal_digits(d) > 38)
            return bad(r, "decimal out of range");
        *out = mn_value_decimal(d);
        return MN_OK;
    }
    case 's':
    case 'S': {
        mn_str s;
        int rc = get_str(r, &s);
        if (rc)
            return rc;
        *out = tag == 'S' ? mn_value_safe(s) : mn_value_str(s);
        return MN_OK;
    }
    case 'D': {
        const unsigned char *x;
        if (get_u32(r, &w) || get_n(r, 2, &x))
            return MN_EPARSE;
        if (!mn_date_valid((int32_t)w, x[0], x[1]))
            return bad(r, "invalid date");
        *out = mn_value_date((mn_date){ .year = (int32_t)w, .month = (int8_t)x[0], .day = (int8_t)x[1] });
        return MN_OK;
    }
    case 't': {
        const unsigned char *x;
        if (get_n(r, 3, &x) || get_u32(r, &w))
            return MN_EPARSE;
        if (x[0] > 23 || x[1] > 59 || x[2] > 59 || w > 999999)
            return bad(r, "invalid time");
        *out = mn_value_time((mn_time){ .hour = (int8_t)x[0], .minute = (int8_t)x[1], .second = (int8_t)x[2],
                                        .usec = (int32_t)w });
        return MN_OK;
    }
    case 'z': {
        const unsigned char *x;
        if (get_u64(r, &u) || get_n(r, 1, &x))
            return MN_EPARSE;
        mn_datetime dt = { .us = (int64_t)u, .tz = NULL };
        if (x[0] == 'a') {
            mn_str name;
            if (get_u32(r, &w))
                return MN_EPARSE;
            int rc = get_str(r, &name);
            if (rc)
                return rc;
            int32_t off = (int32_t)w;
            if (off <= -86400 || off >= 86400)
                return bad(r, "time zone offset out of range");
            char zone[128];
            if (name.len && name.len < sizeof zone && !memchr(name.ptr, 0, name.len)) {
                memcpy(zone, name.ptr, name.len);
                zone[name.len] = 0;
                dt.tz = mn_tz_get(zone, NULL);
            }
            if (!dt.tz)
                dt.tz = off ? mn_tz_fixed(off) : mn_tz_utc();
            if (!dt.tz)
                return bad(r, "invalid time zone");
        } else if (x[0] != 'n') {
            return bad(r, "invalid datetime zone marker");
        }
        *out = mn_value_datetime(dt);
        return MN_OK;
    }
    case 'r':
        if (get_u64(r, &u))
            return MN_EPARSE;
        *out = mn_value_duration((mn_duration){ .us = (int64_t)u });
        return MN_OK;
    case 'l': {
        if (get_varint(r, &u))
            return MN_EPARSE;
        /* every item takes at least one byte */
        if (u > (uint64_t)(r->end - r->p))
            return bad(r, "truncated data");
        mn_list *l = mn_list_new(r->arena, (size_t)u);
        if (!l)
            return mn_err_set(r->err, MN_ENOMEM, "cached value: out of memory");
        for (uint64_t i = 0; i < u; i++) {
            mn_value item;
            int rc = decode(r, depth + 1, &item);
            if (rc)
                return rc;
            if (mn_list_push(l, item))
                return mn_err_set(r->err, MN_ENOMEM, "cached value: out of memory");
        }
        *out = mn_value_list(l);
        return MN_OK;
    }
    case 'm': {
        if (get_varint(r, &u))
            return MN_EPARSE;
        if (u > (uint64_t)(r->end - r->p) / 2)
            return bad(r, "truncated data");
        mn_map *m = mn_map_new(r->arena, (size_t)u);
        if (!m)
            return mn_err_set(r->err, MN_ENOMEM, "cached value: out of memory");
        for (uint64_t i = 0; i < u; i++) {
            mn_str key;
            mn_value item;
            int rc = get_str(r, &key);
            if (rc)
                return rc;
            if ((rc = decode(r, depth + 1, &item)))
                return rc;
            if (mn_map_set(m, key, item))
                return mn_err_set(r->err, MN_ENOMEM, "cached value: out of memory");
        }
        *out = mn_value_map(m);
        return MN_OK;
    }
    default:
        return mn_err_set(r->err, MN_EPARSE, "cached value: unknown type byte 0x%02x", tag);
    }
}

int mn_cache_value_decode(mn_str data, mn_arena *arena, mn_value *out, mn_err *err)
{
    mn_err local = { 0 };
    if (!err)
        err = &local;
    if (!data.len)
        return mn_err_set(err, MN_EPARSE, "cached value: empty data");
    if ((unsigned char)data.ptr[0] != MAGIC) {
        int64_t i;
        if (mn_str_to_i64(data, &i) != MN_OK || data.ptr[0] == '+')
            return mn_err_set(err, MN_EPARSE, "cached value: neither an integer nor the 0xC1 format");
        *out = mn_value_int(i);
        return MN_OK;
    }
    reader r = { (const unsigned char *)data.ptr + 1, (const unsigned char *)data.ptr + data.len, arena, err };
    int rc = decode(&r, 0, out);
    if (rc)
        return rc;
    if (r.p != r.end)
        return bad(&r, "trailing bytes");
    return MN_OK;
}
