/* mn_value: constructors, lists, maps, Python semantics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>
#include "manouche/value.h"

/* ---- constructors ---- */

static mn_value make(mn_vtype t)
{
    mn_value v;
    memset(&v, 0, sizeof v);
    v.type = (uint8_t)t;
    return v;
}

mn_value mn_value_null(void) { return make(MN_VALUE_NULL); }

mn_value mn_value_bool(bool b)
{
    mn_value v = make(MN_VALUE_BOOL);
    v.u.b = b;
    return v;
}

mn_value mn_value_int(int64_t i)
{
    mn_value v = make(MN_VALUE_INT);
    v.u.i = i;
    return v;
}

mn_value mn_value_float(double f)
{
    mn_value v = make(MN_VALUE_FLOAT);
    v.u.f = f;
    return v;
}

mn_value mn_value_decimal(mn_decimal d)
{
    mn_value v = make(MN_VALUE_DECIMAL);
    v.u.d = d;
    return v;
}

mn_value mn_value_str(mn_str s)
{
    mn_value v = make(MN_VALUE_STR);
    v.u.s = s.ptr ? s : MN_STR_EMPTY;
    return v;
}

mn_value mn_value_cstr(const char *s) { return mn_value_str(mn_str_from(s)); }

mn_value mn_value_safe(mn_str s)
{
    mn_value v = mn_value_str(s);
    v.flags |= MN_VALUE_SAFE;
    return v;
}

mn_value mn_value_date(mn_date d)
{
    mn_value v = make(MN_VALUE_DATE);
    v.u.date = d;
    return v;
}

mn_value mn_value_time(mn_time t)
{
    mn_value v = make(MN_VALUE_TIME);
    v.u.time = t;
    return v;
}

mn_value mn_value_datetime(mn_datetime dt)
{
    mn_value v = make(MN_VALUE_DATETIME);
    v.u.dt = dt;
    return v;
}

mn_value mn_value_duration(mn_duration d)
{
    mn_value v = make(MN_VALUE_DURATION);
    v.u.dur = d;
    return v;
}

mn_value mn_value_list(mn_list *l)
{
    if (!l)
        return mn_value_null();
    mn_value v = make(MN_VALUE_LIST);
    v.u.list = l;
    return v;
}

mn_value mn_value_map(mn_map *m)
{
    if (!m)
        return mn_value_null();
    mn_value v = make(MN_VALUE_MAP);
    v.u.map = m;
    return v;
}

mn_value mn_value_object(const mn_type *type, void *ptr)
{
    mn_value v = make(MN_VALUE_OBJECT);
    v.u.obj.type = type;
    v.u.obj.ptr = ptr;
    return v;
}

mn_value mn_value_callable(mn_value_fn fn, void *ctx)
{
    mn_value v = make(MN_VALUE_CALLABLE);
    v.u.call.fn = fn;
    v.u.call.ctx = ctx;
    return v;
}

bool mn_value_is_number(mn_value v)
{
    return v.type == MN_VALUE_BOOL || v.type == MN_VALUE_INT || v.type == MN_VALUE_FLOAT ||
           v.type == MN_VALUE_DECIMAL;
}

const char *mn_value_type_name(mn_value v)
{
    switch ((mn_vtype)v.type) {
    case MN_VALUE_NULL: return "NoneType";
    case MN_VALUE_BOOL: return "bool";
    case MN_VALUE_INT: return "int";
    case MN_VALUE_FLOAT: return "float";
    case MN_VALUE_DECIMAL: return "Decimal";
    case MN_VALUE_STR: return v.flags & MN_VALUE_SAFE ? "SafeString" : "str";
    case MN_VALUE_DATE: return "date";
    case MN_VALUE_TIME: return "time";
    case MN_VALUE_DATETIME: return "datetime";
    case MN_VALUE_DURATION: return "timedelta";
    case MN_VALUE_LIST: return "list";
    case MN_VALUE_MAP: return "dict";
    case MN_VALUE_OBJECT: return v.u.obj.type && v.u.obj.type->name ? v.u.obj.type->name : "object";
    case MN_VALUE_CALLABLE: return "function";
    }
    return "object";
}

/* ---- lists ---- */

struct mn_list {
    mn_arena *arena;
    mn_value *items;
    size_t len;
    size_t cap;
};

mn_list *mn_list_new(mn_arena *arena, size_t hint)
{
    mn_list *l = mn_arena_alloc(arena, sizeof *l);
    if (!l)
        return NULL;
    l->arena = arena;
    l->len = 0;
    l->cap = hint;
    l->items = NULL;
    if (hint) {
        if (hint > SIZE_MAX / sizeof(mn_value))
            return NULL;
        l->items = mn_arena_alloc(arena, hint * sizeof(mn_value));
        if (!l->items)
            return NULL;
    }
    return l;
}

size_t mn_list_len(const mn_list *l) { return l ? l->len : 0; }

mn_value mn_list_get(const mn_list *l, size_t i)
{
    if (!l || i >= l->len)
        return mn_value_null();
    return l->items[i];
}

mn_value *mn_list_at(mn_list *l, size_t i)
{
    if (!l || i >= l->len)
        return NULL;
    return &l->items[i];
}

int mn_list_push(mn_list *l, mn_value v)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        if (cap > SIZE_MAX / sizeof(mn_value))
            return MN_ENOMEM;
        mn_value *items = mn_arena_realloc(l->arena, l->items, l->cap * sizeof(mn_value),
                                           cap * sizeof(mn_value));
        if (!items)
            return MN_ENOMEM;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->len++] = v;
    return MN_OK;
}

int mn_list_set(mn_list *l, size_t i, mn_value v)
{
    if (i >= l->len)
        return MN_ERANGE;
    l->items[i] = v;
    return MN_OK;
}

mn_value *mn_list_items(mn_list *l) { return l ? l->items : NULL; }

/* ---- maps ---- */

typedef struct entry {
    mn_str key;
    mn_value val;
} entry;

/* Maps up to this size are searched linearly; larger ones get a hash index. */
#define MAP_LINEAR_MAX 8

struct mn_map {
    mn_arena *arena;
    entry *entries;
    size_t len;
    size_t cap;
    uint32_t *index; /* slot -> entry index + 1; 0 is empty */
    size_t index_cap; /* power of two, or 0 */
};

mn_map *mn_map_new(mn_arena *arena, size_t hint)
{
    mn_map *m = mn_arena_calloc(arena, 1, sizeof *m);
    if (!m)
        return NULL;
    m->arena = arena;
    if (hint) {
        if (hint > SIZE_MAX / sizeof(entry))
            return NULL;
        m->entries = mn_arena_alloc(arena, hint * sizeof(entry));
        if (!m->entries)
            return NULL;
        m->cap = hint;
    }
    return m;
}

size_t mn_map_len(const mn_map *m) { return m ? m->len : 0; }

static int rebuild_index(mn_map *m, size_t want)
{
    size_t cap = 16;
    while (cap < want * 2)
        cap *= 2;
    if (cap > UINT32_MAX)
        return MN_ENOMEM;
    uint32_t *idx = mn_arena_calloc(m->arena, cap, sizeof *idx);
    if (!idx)
        return MN_ENOMEM;
    for (size_t i = 0; i < m->len; i++) {
        size_t slot = (size_t)mn_str_hash_keyed(m->entries[i].key) & (cap - 1);
        while (idx[slot])
            slot = (slot + 1) & (cap - 1);
        idx[slot] = (uint32_t)(i + 1);
    }
    m->index = idx;
    m->index_cap = cap;
    return MN_OK;
}

/* mn_str_eq without the call (lookups are the hot path of templates). */
static inline bool key_eq(mn_str a, mn_str b)
{
    if (a.len != b.len)
        return false;
    /* keys up to 16 bytes (most) are compared without a call */
    size_t n = a.len;
    if (n < 4) {
        if (!n)
            return true;
        /* 1 to 3 bytes: the first, middle and last cover them all */
        const unsigned char *x = (const unsigned char *)a.ptr, *y = (const unsigned char *)b.ptr;
        return ((x[0] ^ y[0]) | (x[n / 2] ^ y[n / 2]) | (x[n - 1] ^ y[n - 1])) == 0;
    }
    if (n < 8) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a.ptr, 4);
        memcpy(&y0, b.ptr, 4);
        memcpy(&x1, a.ptr + n - 4, 4);
        memcpy(&y1, b.ptr + n - 4, 4);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (n <= 16) {
        uint64_t x0, y0, x1, y1;
        memcpy(&x0, a.ptr, 8);
        memcpy(&y0, b.ptr, 8);
        memcpy(&x1, a.ptr + n - 8, 8);
        memcpy(&y1, b.ptr + n - 8, 8);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    return a.ptr[0] == b.ptr[0] && memcmp(a.ptr, b.ptr, n) == 0;
}

static ptrdiff_t map_lookup(const mn_map *m, mn_str key)
{
    if (!m)
        return -1;
    if (!m->index) {
        for (size_t i = 0; i < m->len; i++)
            if (key_eq(m->entries[i].key, key))
                return (ptrdiff_t)i;
        return -1;
    }
    size_t mask = m->index_cap - 1;
    size_t slot = (size_t)mn_str_hash_keyed(key) & mask;
    while (m->index[slot]) {
        size_t i = m->index[slot] - 1;
        if (key_eq(m->entries[i].key, key))
            return (ptrdiff_t)i;
        slot = (slot + 1) & mask;
    }
    return -1;
}

int mn_map_set(mn_map *m, mn_str key, mn_value v)
{
    if (!key.ptr)
        key = MN_STR_EMPTY;
    ptrdiff_t i = map_lookup(m, key);
    if (i >= 0) {
        m->entries[i].val = v;
        return MN_OK;
    }
    if (m->len == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 4;
        if (cap > SIZE_MAX / sizeof(entry) || cap >= UINT32_MAX)
            return MN_ENOMEM;
        entry *e = mn_arena_realloc(m->arena, m->entries, m->cap * sizeof(entry), cap * sizeof(entry));
        if (!e)
            return MN_ENOMEM;
        m->entries = e;
        m->cap = cap;
    }
    m->entries[m->len].key = key;
    m->entries[m->len].val = v;
    m->len++;
    /* Once built, the index stays (removals may take len back under the
     * linear size): every new key must go into it. */
    if (m->index || m->len > MAP_LINEAR_MAX) {
        if (!m->index || m->len * 2 > m->index_cap) {
            if (rebuild_index(m, m->len)) {
                m->len--;
                return MN_ENOMEM;
            }
        } else {
            size_t mask = m->index_cap - 1;
            size_t slot = (size_t)mn_str_hash_keyed(key) & mask;
            while (m->index[slot])
                slot = (slot + 1) & mask;
            m->index[slot] = (uint32_t)m->len;
        }
    }
    return MN_OK;
}

int mn_map_set_cstr(mn_map *m, const char *key, mn_value v)
{
    return mn_map_set(m, mn_str_from(key), v);
}

mn_value *mn_map_find(const mn_map *m, mn_str key)
{
    ptrdiff_t i = map_lookup(m, key);
    return i < 0 ? NULL : &m->entries[i].val;
}

mn_value *mn_map_find_hinted(const mn_map *m, mn_str key, uint32_t *hint)
{
    if (!m)
        return NULL;
    size_t h = *hint;
    if (h < m->len && key_eq(m->entries[h].key, key))
        return &m->entries[h].val;
    ptrdiff_t i = map_lookup(m, key);
    if (i < 0)
        return NULL;
    *hint = (uint32_t)i;
    return &m->entries[i].val;
}

mn_value mn_map_get(const mn_map *m, mn_str key)
{
    mn_value *v = mn_map_find(m, key);
    return v ? *v : mn_value_null();
}

mn_value mn_map_get_cstr(const mn_map *m, const char *key)
{
    return mn_map_get(m, mn_str_from(key));
}

bool mn_map_has(const mn_map *m, mn_str key) { return map_lookup(m, key) >= 0; }

bool mn_map_remove(mn_map *m, mn_str key)
{
    ptrdiff_t i = map_lookup(m, key);
    if (i < 0)
        return false;
    memmove(&m->entries[i], &m->entries[i + 1], (m->len - (size_t)i - 1) * sizeof(entry));
    m->len--;
    if (m->index) {
        /* Indices shift after a removal: rebuild in place. */
        memset(m->index, 0, m->index_cap * sizeof *m->index);
        size_t mask = m->index_cap - 1;
        for (size_t j = 0; j < m->len; j++) {
            size_t slot = (size_t)mn_str_hash_keyed(m->entries[j].key) & mask;
            while (m->index[slot])
                slot = (slot + 1) & mask;
            m->index[slot] = (uint32_t)(j + 1);
        }
    }
    return true;
}

mn_str mn_map_key_at(const mn_map *m, size_t i)
{
    if (!m || i >= m->len)
        return MN_STR_EMPTY;
    return m->entries[i].key;
}

mn_value mn_map_value_at(const mn_map *m, size_t i)
{
    if (!m || i >= m->len)
        return mn_value_null();
    return m->entries[i].val;
}

/* ---- Python semantics ---- */

bool mn_value_truthy(mn_value v)
{
    switch ((mn_vtype)v.type) {
    case MN_VALUE_NULL: return false;
    case MN_VALUE_BOOL: return v.u.b;
    case MN_VALUE_INT: return v.u.i != 0;
    case MN_VALUE_FLOAT: return v.u.f != 0.0;
    case MN_VALUE_DECIMAL: return !mn_decimal_is_zero(v.u.d);
    case MN_VALUE_STR: return v.u.s.len != 0;
    case MN_VALUE_DURATION: return v.u.dur.us != 0;
    case MN_VALUE_LIST: return mn_list_len(v.u.list) != 0;
    case MN_VALUE_MAP: return mn_map_len(v.u.map) != 0;
    case MN_VALUE_OBJECT:
        if (v.u.obj.type && v.u.obj.type->truthy)
            return v.u.obj.type->truthy(v.u.obj.ptr);
        return true;
    case MN_VALUE_DATE:
    case MN_VALUE_TIME:
    case MN_VALUE_DATETIME:
    case MN_VALUE_CALLABLE: return true;
    }
    return true;
}

static int cmp_i64_double(int64_t i, double f)
{
    /* Exact for |i| < 2^53; long double covers the rest on x86-64. */
    long double a = (long double)i, b = (long double)f;
    return a < b ? -1 : a > b;
}

/* Numeric comparison; returns MN_ETYPE when either side is not a number or
 * a NaN is involved (then nothing is ordered, and nothing is equal). */
static int num_cmp(mn_value a, mn_value b, int *r)
{
    if (a.type == MN_VALUE_BOOL)
        a = mn_value_int(a.u.b);
    if (b.type == MN_VALUE_BOOL)
        b = mn_value_int(b.u.b);
    if ((a.type == MN_VALUE_FLOAT && a.u.f != a.u.f) || (b.type == MN_VALUE_FLOAT && b.u.f != b.u.f))
        return MN_ERANGE;
    switch (a.type * 16 + b.type) {
    case MN_VALUE_INT * 16 + MN_VALUE_INT:
        *r = a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
        return MN_OK;
    case MN_VALUE_INT * 16 + MN_VALUE_FLOAT:
        *r = cmp_i64_double(a.u.i, b.u.f);
        return MN_OK;
    case MN_VALUE_FLOAT * 16 + MN_VALUE_INT:
        *r = -cmp_i64_double(b.u.i, a.u.f);
        return MN_OK;
    case MN_VALUE_FLOAT * 16 + MN_VALUE_FLOAT:
        *r = a.u.f < b.u.f ? -1 : a.u.f > b.u.f;
        return MN_OK;
    case MN_VALUE_DECIMAL * 16 + MN_VALUE_DECIMAL:
        *r = mn_decimal_cmp(a.u.d, b.u.d);
        return MN_OK;
    case MN_VALUE_DECIMAL * 16 + MN_VALUE_INT:
        *r = mn_decimal_cmp(a.u.d, mn_decimal_from_i64(b.u.i));
        return MN_OK;
    case MN_VALUE_INT * 16 + MN_VALUE_DECIMAL:
        *r = mn_decimal_cmp(mn_decimal_from_i64(a.u.i), b.u.d);
        return MN_OK;
    case MN_VALUE_DECIMAL * 16 + MN_VALUE_FLOAT: /* exact, as Python: Decimal('0.1') != 0.1 */
        *r = mn_decimal_cmp_double(a.u.d, b.u.f);
        return MN_OK;
    case MN_VALUE_FLOAT * 16 + MN_VALUE_DECIMAL:
        *r = -mn_decimal_cmp_double(b.u.d, a.u.f);
        return MN_OK;
    }
    return MN_ETYPE;
}

/* Containers nested deeper than this compare unequal: two distinct
 * self-referencing structures would otherwise recurse forever (Python raises
 * RecursionError there). */
#define MN__EQ_MAX_DEPTH 512

static bool value_eq(mn_value a, mn_value b, int depth);

bool mn_value_eq(mn_value a, mn_value b) { return value_eq(a, b, 0); }

static bool value_eq(mn_value a, mn_value b, int depth)
{
    int r;
    if (mn_value_is_number(a) && mn_value_is_number(b))
        return num_cmp(a, b, &r) == MN_OK && r == 0;
    if (a.type != b.type)
        return false;
    switch ((mn_vtype)a.type) {
    case MN_VALUE_NULL: return true;
    case MN_VALUE_STR: return mn_str_eq(a.u.s, b.u.s);
    case MN_VALUE_DATE: return mn_date_cmp(a.u.date, b.u.date) == 0;
    case MN_VALUE_TIME: return mn_time_cmp(a.u.time, b.u.time) == 0;
    case MN_VALUE_DATETIME: return mn_datetime_cmp(a.u.dt, b.u.dt, &r) == MN_OK && r == 0;
    case MN_VALUE_DURATION: return a.u.dur.us == b.u.dur.us;
    case MN_VALUE_LIST: {
        if (a.u.list == b.u.list)
            return true; /* Python compares items by identity first */
        if (depth >= MN__EQ_MAX_DEPTH)
            return false;
        size_t n = mn_list_len(a.u.list);
        if (n != mn_list_len(b.u.list))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!value_eq(mn_list_get(a.u.list, i), mn_list_get(b.u.list, i), depth + 1))
                return false;
        return true;
    }
    case MN_VALUE_MAP: {
        if (a.u.map == b.u.map)
            return true;
        if (depth >= MN__EQ_MAX_DEPTH)
            return false;
        size_t n = mn_map_len(a.u.map);
        if (n != mn_map_len(b.u.map))
            return false;
        for (size_t i = 0; i < n; i++) {
            mn_value *other = mn_map_find(b.u.map, mn_map_key_at(a.u.map, i));
            if (!other || !value_eq(mn_map_value_at(a.u.map, i), *other, depth + 1))
                return false;
        }
        return true;
    }
    case MN_VALUE_OBJECT: return a.u.obj.type == b.u.obj.type && a.u.obj.ptr == b.u.obj.ptr;
    case MN_VALUE_CALLABLE: return a.u.call.fn == b.u.call.fn && a.u.call.ctx == b.u.call.ctx;
    default: return false;
    }
}

static int value_cmp(mn_value a, mn_value b, int *result, int depth);

int mn_value_cmp(mn_value a, mn_value b, int *result) { return value_cmp(a, b, result, 0); }

static int value_cmp(mn_value a, mn_value b, int *result, int depth)
{
    if (mn_value_is_number(a) && mn_value_is_number(b)) {
        int rc = num_cmp(a, b, result);
        if (rc == MN_ERANGE) { /* NaN: every ordering is false */
            *result = 0;
            return MN_ETYPE;
        }
        return rc;
    }
    if (a.type != b.type)
        return MN_ETYPE;
    switch ((mn_vtype)a.type) {
    case MN_VALUE_STR:
        *result = mn_str_cmp(a.u.s, b.u.s);
        *result = *result < 0 ? -1 : *result > 0;
        return MN_OK;
    case MN_VALUE_DATE: *result = mn_date_cmp(a.u.date, b.u.date); return MN_OK;
    case MN_VALUE_TIME: *result = mn_time_cmp(a.u.time, b.u.time); return MN_OK;
    case MN_VALUE_DATETIME: return mn_datetime_cmp(a.u.dt, b.u.dt, result);
    case MN_VALUE_DURATION:
        *result = a.u.dur.us < b.u.dur.us ? -1 : a.u.dur.us > b.u.dur.us;
        return MN_OK;
    case MN_VALUE_LIST: {
        if (depth >= MN__EQ_MAX_DEPTH)
            return MN_ETYPE; /* Python: RecursionError */
        size_t na = mn_list_len(a.u.list), nb = mn_list_len(b.u.list);
        for (size_t i = 0; i < na && i < nb; i++) {
            mn_value x = mn_list_get(a.u.list, i), y = mn_list_get(b.u.list, i);
            if (mn_value_eq(x, y))
                continue;
            return value_cmp(x, y, result, depth + 1);
        }
        *result = na < nb ? -1 : na > nb;
        return MN_OK;
    }
    default: return MN_ETYPE;
    }
}

int mn_buf_put_double_repr(mn_buf *b, double f)
{
    if (f != f)
        return mn_buf_puts(b, "nan");
    if (f == HUGE_VAL)
        return mn_buf_puts(b, "inf");
    if (f == -HUGE_VAL)
        return mn_buf_puts(b, "-inf");
    /* Shortest digits that round-trip, as Python's repr does. printf gives
     * the nearest decimal of each length; for a power of two the rounding
     * interval is narrower below than above, so when the nearest one (below)
     * falls outside it, the next decimal up may still round-trip and is the
     * shortest repr. */
    bool neg = signbit(f) != 0;
    double x = neg ? -f : f;
    char tmp[48];
    char digits[24];
    size_t nd = 0;
    int exp = 0;
    int mexp;
    double mant = frexp(x, &mexp);
    bool pow2 = x == 0 || mant == 0.5;
    if (!pow2) {
        /* Not a power of two: the rounding interval is symmetric, so the
         * nearest decimal of p digits round-trips exactly when any does, and
         * round-tripping is monotone in p: search p by bisection. */
        int lo = 1, hi = 17;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            snprintf(tmp, sizeof tmp, "%.*e", mid - 1, x);
            if (strtod(tmp, NULL) == x)
                hi = mid;
            else
                lo = mid + 1;
        }
        snprintf(tmp, sizeof tmp, "%.*e", lo - 1, x);
        const char *p = tmp;
        for (; *p && *p != 'e'; p++)
            if (*p != '.')
                digits[nd++] = *p;
        exp = atoi(p + 1);
    }
    for (int prec = 1; pow2 && prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
        /* tmp is d[.ddd]e[+-]XX: split into digits and exponent. */
        const char *p = tmp;
        nd = 0;
        for (; *p && *p != 'e'; p++)
            if (*p != '.')
                digits[nd++] = *p;
        exp = atoi(p + 1);
        if (strtod(tmp, NULL) == x)
            break;
        if (prec == 17)
            break;
        char up[24];
        memcpy(up, digits, nd);
        size_t k = nd;
        while (k > 0 && up[k - 1] == '9')
            up[--k] = '0';
        int uexp = exp;
        if (k == 0) {
            up[0] = '1';
            uexp++;
        } else {
            up[k - 1]++;
        }
        snprintf(tmp, sizeof tmp, "%c.%.*se%d", up[0], (int)nd - 1, up + 1, uexp);
        if (strtod(tmp, NULL) == x) {
            memcpy(digits, up, nd);
            exp = uexp;
            break;
        }
    }
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (neg)
        mn_buf_putc(b, '-');
    if (exp < -4 || exp >= 16) {
        mn_buf_putc(b, digits[0]);
        if (nd > 1) {
            mn_buf_putc(b, '.');
            mn_buf_append(b, digits + 1, nd - 1);
        }
        return mn_buf_printf(b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    }
    if (exp < 0) {
        mn_buf_puts(b, "0.");
        for (int i = -1; i > exp; i--)
            mn_buf_putc(b, '0');
        return mn_buf_append(b, digits, nd);
    }
    /* exp >= 0: integer part is digits[0..exp]. */
    for (int i = 0; i <= exp; i++)
        mn_buf_putc(b, (size_t)i < nd ? digits[i] : '0');
    mn_buf_putc(b, '.');
    if ((size_t)exp + 1 < nd)
        return mn_buf_append(b, digits + exp + 1, nd - (size_t)exp - 1);
    return mn_buf_putc(b, '0');
}

static int put_str_repr(mn_buf *b, mn_str s)
{
    bool has_single = memchr(s.ptr, '\'', s.len) != NULL;
    bool has_double = memchr(s.ptr, '"', s.len) != NULL;
    char q = (has_single && !has_double) ? '"' : '\'';
    mn_buf_putc(b, q);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == (unsigned char)q || c == '\\') {
            mn_buf_putc(b, '\\');
            mn_buf_putc(b, (char)c);
        } else if (c == '\n') {
            mn_buf_puts(b, "\\n");
        } else if (c == '\r') {
            mn_buf_puts(b, "\\r");
        } else if (c == '\t') {
            mn_buf_puts(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            mn_buf_printf(b, "\\x%02x", c);
        } else if (c >= 0x80) {
            /* Python escapes what str.isprintable() rejects; bytes that are
             * not UTF-8 (a Python str cannot hold them) show as \xNN. */
            ucs4_t uc;
            int n = u8_mbtoucr(&uc, (const uint8_t *)s.ptr + i, s.len - i);
            if (n <= 0) {
                mn_buf_printf(b, "\\x%02x", c);
                continue;
            }
            if (uc_is_general_category_withtable(uc, UC_CATEGORY_MASK_C | UC_CATEGORY_MASK_Zs | UC_CATEGORY_MASK_Zl |
                                                         UC_CATEGORY_MASK_Zp)) {
                if (uc <= 0xff)
                    mn_buf_printf(b, "\\x%02x", (unsigned)uc);
                else if (uc <= 0xffff)
                    mn_buf_printf(b, "\\u%04x", (unsigned)uc);
                else
                    mn_buf_printf(b, "\\U%08x", (unsigned)uc);
            } else {
                mn_buf_append(b, s.ptr + i, (size_t)n);
            }
            i += (size_t)n - 1;
        } else {
            mn_buf_putc(b, (char)c);
        }
    }
    return mn_buf_putc(b, q);
}

/* The containers being written, innermost first: a list or map met again
 * inside itself is written as Python does ("[...]", "{...}"). */
typedef struct mn__seen {
    const void *ptr;
    const struct mn__seen *up;
} mn__seen;

static bool seen_has(const mn__seen *s, const void *p)
{
    for (; s; s = s->up)
        if (s->ptr == p)
            return true;
    return false;
}

static int put_value(mn_value v, mn_buf *b, bool repr, const mn__seen *up);

static int put_time_args(mn_buf *b, mn_time t)
{
    mn_buf_printf(b, "%d, %d", t.hour, t.minute);
    if (t.second || t.usec)
        mn_buf_printf(b, ", %d", t.second);
    if (t.usec)
        mn_buf_printf(b, ", %d", (int)t.usec);
    return mn_buf_error(b);
}

static int put_repr_special(mn_value v, mn_buf *b, const mn__seen *up)
{
    switch ((mn_vtype)v.type) {
    case MN_VALUE_STR: return put_str_repr(b, v.u.s);
    case MN_VALUE_DECIMAL:
        mn_buf_puts(b, "Decimal('");
        mn_decimal_write(b, v.u.d);
        return mn_buf_puts(b, "')");
    case MN_VALUE_DATE:
        return mn_buf_printf(b, "datetime.date(%d, %d, %d)", (int)v.u.date.year, v.u.date.month, v.u.date.day);
    case MN_VALUE_TIME:
        mn_buf_puts(b, "datetime.time(");
        put_time_args(b, v.u.time);
        return mn_buf_putc(b, ')');
    case MN_VALUE_DATETIME: {
        mn_date d;
        mn_time t;
        mn_datetime_fields(v.u.dt, &d, &t);
        mn_buf_printf(b, "datetime.datetime(%d, %d, %d, ", (int)d.year, d.month, d.day);
        put_time_args(b, t);
        if (v.u.dt.tz)
            mn_buf_printf(b, ", tzinfo=<%s>", mn_tz_name(v.u.dt.tz));
        return mn_buf_putc(b, ')');
    }
    case MN_VALUE_DURATION: {
        int64_t us = v.u.dur.us;
        int64_t days = us / 86400000000LL;
        int64_t rest = us % 86400000000LL;
        if (rest < 0) {
            rest += 86400000000LL;
            days--;
        }
        int64_t secs = rest / 1000000, micro = rest % 1000000;
        mn_buf_puts(b, "datetime.timedelta(");
        const char *sep = "";
        if (days) {
            mn_buf_printf(b, "days=%lld", (long long)days);
            sep = ", ";
        }
        if (secs) {
            mn_buf_printf(b, "%sseconds=%lld", sep, (long long)secs);
            sep = ", ";
        }
        if (micro)
            mn_buf_printf(b, "%smicroseconds=%lld", sep, (long long)micro);
        if (!days && !secs && !micro)
            mn_buf_puts(b, "0");
        return mn_buf_putc(b, ')');
    }
    default: return put_value(v, b, false, up);
    }
}

static int put_value(mn_value v, mn_buf *b, bool repr, const mn__seen *up)
{
    if (repr)
        return put_repr_special(v, b, up);
    switch ((mn_vtype)v.type) {
    case MN_VALUE_NULL: return mn_buf_puts(b, "None");
    case MN_VALUE_BOOL: return mn_buf_puts(b, v.u.b ? "True" : "False");
    case MN_VALUE_INT: return mn_buf_put_i64(b, v.u.i);
    case MN_VALUE_FLOAT: return mn_buf_put_double_repr(b, v.u.f);
    case MN_VALUE_DECIMAL: return mn_decimal_write(b, v.u.d);
    case MN_VALUE_STR: return mn_buf_put_str(b, v.u.s);
    case MN_VALUE_DATE: return mn_date_write(b, v.u.date);
    case MN_VALUE_TIME: return mn_time_write(b, v.u.time);
    case MN_VALUE_DATETIME: return mn_datetime_write(b, v.u.dt, ' ');
    case MN_VALUE_DURATION: return mn_duration_write(b, v.u.dur);
    case MN_VALUE_LIST: {
        if (seen_has(up, v.u.list))
            return mn_buf_puts(b, "[...]");
        mn__seen me = { v.u.list, up };
        mn_buf_putc(b, '[');
        for (size_t i = 0; i < mn_list_len(v.u.list); i++) {
            if (i)
                mn_buf_puts(b, ", ");
            put_value(mn_list_get(v.u.list, i), b, true, &me);
        }
        return mn_buf_putc(b, ']');
    }
    case MN_VALUE_MAP: {
        if (seen_has(up, v.u.map))
            return mn_buf_puts(b, "{...}");
        mn__seen me = { v.u.map, up };
        mn_buf_putc(b, '{');
        for (size_t i = 0; i < mn_map_len(v.u.map); i++) {
            if (i)
                mn_buf_puts(b, ", ");
            put_str_repr(b, mn_map_key_at(v.u.map, i));
            mn_buf_puts(b, ": ");
            put_value(mn_map_value_at(v.u.map, i), b, true, &me);
        }
        return mn_buf_putc(b, '}');
    }
    case MN_VALUE_OBJECT:
        if (v.u.obj.type && v.u.obj.type->to_str) {
            int rc = v.u.obj.type->to_str(v.u.obj.ptr, b);
            return rc ? rc : mn_buf_error(b);
        }
        return mn_buf_printf(b, "<%s object>", mn_value_type_name(v));
    case MN_VALUE_CALLABLE: return mn_buf_puts(b, "<function>");
    }
    return MN_ETYPE;
}

int mn_value_to_str(mn_value v, mn_buf *out) { return put_value(v, out, false, NULL); }

int mn_value_repr(mn_value v, mn_buf *out) { return put_value(v, out, true, NULL); }

mn_str mn_value_as_str(mn_value v, mn_arena *arena, int *err)
{
    if (err)
        *err = MN_OK;
    if (v.type == MN_VALUE_STR)
        return v.u.s;
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    int rc = mn_value_to_str(v, &b);
    if (rc) {
        if (err)
            *err = rc;
        return MN_STR_EMPTY;
    }
    return mn_buf_str(&b);
}

int mn_value_to_i64(mn_value v, int64_t *out)
{
    switch ((mn_vtype)v.type) {
    case MN_VALUE_BOOL: *out = v.u.b; return MN_OK;
    case MN_VALUE_INT: *out = v.u.i; return MN_OK;
    case MN_VALUE_FLOAT:
        if (v.u.f != v.u.f || v.u.f >= 9223372036854775808.0 || v.u.f < -9223372036854775808.0)
            return MN_ERANGE;
        *out = (int64_t)v.u.f;
        return MN_OK;
    case MN_VALUE_DECIMAL: return mn_decimal_to_i64(v.u.d, out);
    case MN_VALUE_STR: {
        mn_str s = mn_str_trim(v.u.s);
        /* Python accepts underscores between digits; forms do not need it. */
        return mn_str_to_i64(s, out);
    }
    default: return MN_ETYPE;
    }
}

int mn_value_to_double(mn_value v, double *out)
{
    switch ((mn_vtype)v.type) {
    case MN_VALUE_BOOL: *out = v.u.b; return MN_OK;
    case MN_VALUE_INT: *out = (double)v.u.i; return MN_OK;
    case MN_VALUE_FLOAT: *out = v.u.f; return MN_OK;
    case MN_VALUE_DECIMAL: *out = mn_decimal_to_double(v.u.d); return MN_OK;
    case MN_VALUE_STR: {
        mn_str s = mn_str_trim(v.u.s);
        mn_str body = s;
        bool neg = false;
        if (body.len && (body.ptr[0] == '+' || body.ptr[0] == '-')) {
            neg = body.ptr[0] == '-';
            body = mn_str_slice(body, 1, body.len);
        }
        if (mn_str_ieq_cstr(body, "inf") || mn_str_ieq_cstr(body, "infinity")) {
            *out = neg ? -HUGE_VAL : HUGE_VAL;
            return MN_OK;
        }
        if (mn_str_ieq_cstr(body, "nan")) {
            *out = neg ? -NAN : NAN;
            return MN_OK;
        }
        int rc = mn_str_to_double(s, out);
        if (rc == MN_ERANGE) { /* Python: float('1e500') is inf */
            *out = neg ? -HUGE_VAL : HUGE_VAL;
            return MN_OK;
        }
        return rc;
    }
    default: return MN_ETYPE;
    }
}

static int value_copy(mn_arena *arena, mn_value v, mn_value *out, int depth);

int mn_value_copy(mn_arena *arena, mn_value v, mn_value *out) { return value_copy(arena, v, out, 0); }

static int value_copy(mn_arena *arena, mn_value v, mn_value *out, int depth)
{
    *out = v;
    if ((v.type == MN_VALUE_LIST || v.type == MN_VALUE_MAP) && depth >= MN__EQ_MAX_DEPTH)
        return MN_EINVAL; /* a self-referencing container, or absurd nesting */
    switch ((mn_vtype)v.type) {
    case MN_VALUE_STR: {
        mn_str s = mn_str_clone(arena, v.u.s);
        if (!s.ptr)
            return MN_ENOMEM;
        out->u.s = s;
        return MN_OK;
    }
    case MN_VALUE_LIST: {
        size_t n = mn_list_len(v.u.list);
        mn_list *l = mn_list_new(arena, n);
        if (!l)
            return MN_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            mn_value item;
            int rc = value_copy(arena, mn_list_get(v.u.list, i), &item, depth + 1);
            if (rc)
                return rc;
            if (mn_list_push(l, item))
                return MN_ENOMEM;
        }
        out->u.list = l;
        return MN_OK;
    }
    case MN_VALUE_MAP: {
        size_t n = mn_map_len(v.u.map);
        mn_map *m = mn_map_new(arena, n);
        if (!m)
            return MN_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            mn_value item;
            mn_str key = mn_str_clone(arena, mn_map_key_at(v.u.map, i));
            if (!key.ptr)
                return MN_ENOMEM;
            int rc = value_copy(arena, mn_map_value_at(v.u.map, i), &item, depth + 1);
            if (rc)
                return rc;
            if (mn_map_set(m, key, item))
                return MN_ENOMEM;
        }
        out->u.map = m;
        return MN_OK;
    }
    default: return MN_OK;
    }
}
