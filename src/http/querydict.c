/* QueryDict: an ordered multi-valued string mapping in an arena. Pairs are
 * stored in insertion order; keys are found by a linear scan, which beats
 * hashing for the dozen fields a form usually has, and the field count is
 * bounded by DATA_UPLOAD_MAX_NUMBER_FIELDS. */
#include <string.h>
#include "http_internal.h"
#include "manouche/text.h"

typedef struct qd_pair {
    mn_str key;
    mn_str value;
} qd_pair;

struct mn_querydict {
    mn_arena *arena;
    qd_pair *pairs;
    size_t n, cap;
};

mn_querydict *mn_querydict_new(mn_arena *arena)
{
    mn_querydict *qd = mn_arena_calloc(arena, 1, sizeof *qd);
    if (qd)
        qd->arena = arena;
    return qd;
}

int mn_querydict_append(mn_querydict *qd, mn_str key, mn_str value)
{
    if (qd->n == qd->cap) {
        size_t ncap = qd->cap ? qd->cap * 2 : 8;
        qd_pair *np = mn_arena_realloc(qd->arena, qd->pairs, qd->cap * sizeof *np, ncap * sizeof *np);
        if (!np)
            return MN_ENOMEM;
        qd->pairs = np;
        qd->cap = ncap;
    }
    qd->pairs[qd->n++] = (qd_pair){ key, value };
    return MN_OK;
}

int mn_querydict_set(mn_querydict *qd, mn_str key, mn_str value)
{
    size_t w = 0;
    bool placed = false;
    for (size_t i = 0; i < qd->n; i++) {
        if (mn_str_eq(qd->pairs[i].key, key)) {
            if (placed)
                continue;
            qd->pairs[i].value = value;
            placed = true;
        }
        qd->pairs[w++] = qd->pairs[i];
    }
    qd->n = w;
    return placed ? MN_OK : mn_querydict_append(qd, key, value);
}

int mn_querydict_parse(mn_querydict *qd, mn_str text, size_t max_fields, mn_err *err)
{
    size_t pos = 0, fields = 0;
    if (!text.len)
        return MN_OK;
    mn_str part;
    while (mn_str_next_field(text, '&', &pos, &part)) {
        if (!part.len)
            continue;
        if (max_fields && ++fields > max_fields)
            return mn_err_set(err, MN_ELIMIT,
                              "The number of GET/POST parameters exceeded "
                              "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.");
        mn_str k, v;
        if (!mn_str_split_once(part, '=', &k, &v))
            v = MN_STR_EMPTY;
        int drc;
        k = mn__url_decode(qd->arena, k, true, false, &drc);
        if (v.len)
            v = mn__url_decode(qd->arena, v, true, false, &drc);
        if (!k.ptr || !v.ptr)
            return mn_err_set(err, MN_ENOMEM, "out of memory decoding form data");
        if (mn_querydict_append(qd, k, v))
            return mn_err_set(err, MN_ENOMEM, "out of memory decoding form data");
    }
    return MN_OK;
}

static ptrdiff_t last_index(const mn_querydict *qd, const char *key)
{
    mn_str k = mn_str_from(key);
    for (size_t i = qd->n; i-- > 0;)
        if (mn_str_eq(qd->pairs[i].key, k))
            return (ptrdiff_t)i;
    return -1;
}

bool mn_querydict_get(const mn_querydict *qd, const char *key, mn_str *out)
{
    ptrdiff_t i = last_index(qd, key);
    if (i < 0)
        return false;
    *out = qd->pairs[i].value;
    return true;
}

mn_str mn_querydict_get_or(const mn_querydict *qd, const char *key, mn_str def)
{
    mn_str v;
    return mn_querydict_get(qd, key, &v) ? v : def;
}

bool mn_querydict_has(const mn_querydict *qd, const char *key)
{
    return last_index(qd, key) >= 0;
}

size_t mn_querydict_count(const mn_querydict *qd, const char *key)
{
    mn_str k = mn_str_from(key);
    size_t c = 0;
    for (size_t i = 0; i < qd->n; i++)
        c += mn_str_eq(qd->pairs[i].key, k);
    return c;
}

mn_str mn_querydict_getlist_at(const mn_querydict *qd, const char *key, size_t idx)
{
    mn_str k = mn_str_from(key);
    for (size_t i = 0; i < qd->n; i++)
        if (mn_str_eq(qd->pairs[i].key, k) && idx-- == 0)
            return qd->pairs[i].value;
    return MN_STR_EMPTY;
}

mn_list *mn_querydict_getlist(const mn_querydict *qd, const char *key)
{
    mn_str k = mn_str_from(key);
    mn_list *l = mn_list_new(qd->arena, 2);
    if (!l)
        return NULL;
    for (size_t i = 0; i < qd->n; i++)
        if (mn_str_eq(qd->pairs[i].key, k) && mn_list_push(l, mn_value_str(qd->pairs[i].value)))
            return NULL;
    return l;
}

/* A key is listed at its first appearance. */
static bool first_of_key(const mn_querydict *qd, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (mn_str_eq(qd->pairs[j].key, qd->pairs[i].key))
            return false;
    return true;
}

size_t mn_querydict_len(const mn_querydict *qd)
{
    size_t c = 0;
    for (size_t i = 0; i < qd->n; i++)
        c += first_of_key(qd, i);
    return c;
}

mn_str mn_querydict_key_at(const mn_querydict *qd, size_t idx)
{
    for (size_t i = 0; i < qd->n; i++)
        if (first_of_key(qd, i) && idx-- == 0)
            return qd->pairs[i].key;
    return MN_STR_EMPTY;
}

size_t mn_querydict_pairs(const mn_querydict *qd)
{
    return qd->n;
}

void mn_querydict_pair_at(const mn_querydict *qd, size_t i, mn_str *key, mn_str *value)
{
    if (i >= qd->n) {
        *key = *value = MN_STR_EMPTY;
        return;
    }
    *key = qd->pairs[i].key;
    *value = qd->pairs[i].value;
}

/* Django's urlencode() lists keys in order with all their values. */
int mn_querydict_urlencode(const mn_querydict *qd, mn_buf *out)
{
    bool first = true;
    for (size_t i = 0; i < qd->n; i++) {
        if (!first_of_key(qd, i))
            continue;
        for (size_t j = i; j < qd->n; j++) {
            if (!mn_str_eq(qd->pairs[j].key, qd->pairs[i].key))
                continue;
            if (!first)
                mn_buf_putc(out, '&');
            first = false;
            mn_url_quote_plus(out, qd->pairs[j].key, "");
            mn_buf_putc(out, '=');
            mn_url_quote_plus(out, qd->pairs[j].value, "");
        }
    }
    return mn_buf_error(out);
}
