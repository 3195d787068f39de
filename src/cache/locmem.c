/* The local-memory backend (django.core.cache.backends.locmem): a
 * per-process LRU store per LOCATION, shared by the caches naming it.
 *
 * Entries sit in a hash table (keyed hashing: keys may come from users)
 * and on a recency list, most recent first, as Django's OrderedDict with
 * move_to_end(last=False): get, set, add and incr move an entry to the
 * front; touch and has_key do not. Before storing, a full store
 * (MAX_ENTRIES) drops its len / CULL_FREQUENCY least recent entries (all of
 * them for CULL_FREQUENCY 0). Expiries use a monotonic clock; an expired
 * entry is removed when met. One mutex per store. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cache_internal.h"

typedef struct entry {
    struct entry *hnext;      /* hash chain */
    struct entry *prev, *next; /* recency list */
    uint64_t hash;
    double expires;           /* INFINITY: never */
    size_t klen, vlen;
    unsigned char *val;
    char key[];
} entry;

typedef struct store {
    struct store *next_store;
    char *name;
    int refs;
    pthread_mutex_t lock;
    entry **buckets;
    size_t nbuckets;
    size_t len;
    entry head; /* sentinel: head.next is the most recent */
} store;

typedef struct locmem {
    store *st;
    size_t max_entries;
    int64_t cull_frequency; /* 0: clear everything */
} locmem;

static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;
static store *stores;

static store *store_acquire(const char *name)
{
    pthread_mutex_lock(&stores_lock);
    store *s;
    for (s = stores; s; s = s->next_store)
        if (!strcmp(s->name, name))
            break;
    if (!s && (s = calloc(1, sizeof *s))) {
        s->nbuckets = 64;
        s->buckets = calloc(s->nbuckets, sizeof *s->buckets);
        s->name = strdup(name);
        if (!s->buckets || !s->name) {
            free(s->buckets);
            free(s->name);
            free(s);
            s = NULL;
        } else {
            pthread_mutex_init(&s->lock, NULL);
            s->head.next = s->head.prev = &s->head;
            s->next_store = stores;
            stores = s;
        }
    }
    if (s)
        s->refs++;
    pthread_mutex_unlock(&stores_lock);
    return s;
}

static void entry_free(entry *e)
{
    free(e->val);
    free(e);
}

static void store_release(store *s)
{
    pthread_mutex_lock(&stores_lock);
    bool last = --s->refs == 0;
    if (last) {
        for (store **p = &stores; *p; p = &(*p)->next_store)
            if (*p == s) {
                *p = s->next_store;
                break;
            }
    }
    pthread_mutex_unlock(&stores_lock);
    if (!last)
        return;
    for (entry *e = s->head.next, *n; e != &s->head; e = n) {
        n = e->next;
        entry_free(e);
    }
    pthread_mutex_destroy(&s->lock);
    free(s->buckets);
    free(s->name);
    free(s);
}

void *mn__cache_locmem_new(const mn_cache_config *cfg, mn_err *err)
{
    locmem *l = calloc(1, sizeof *l);
    if (!l || !(l->st = store_acquire(cfg->LOCATION ? cfg->LOCATION : ""))) {
        free(l);
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    l->max_entries = cfg->MAX_ENTRIES ? (size_t)cfg->MAX_ENTRIES : 300;
    l->cull_frequency = cfg->CULL_FREQUENCY == MN_CACHE_CULL_ALL ? 0 : cfg->CULL_FREQUENCY ? cfg->CULL_FREQUENCY : 3;
    return l;
}

static void locmem_free(void *state)
{
    locmem *l = state;
    store_release(l->st);
    free(l);
}

/* ---- the table (called with the store locked) ---- */

static entry **slot(store *s, mn_str key, uint64_t h)
{
    entry **p = &s->buckets[h & (s->nbuckets - 1)];
    while (*p && ((*p)->hash != h || (*p)->klen != key.len || memcmp((*p)->key, key.ptr, key.len)))
        p = &(*p)->hnext;
    return p;
}

static void unlink_lru(entry *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
}

static void push_front(store *s, entry *e)
{
    e->next = s->head.next;
    e->prev = &s->head;
    s->head.next->prev = e;
    s->head.next = e;
}

static void remove_entry(store *s, entry *e)
{
    entry **p = slot(s, mn_str_make(e->key, e->klen), e->hash);
    *p = e->hnext;
    unlink_lru(e);
    s->len--;
    entry_free(e);
}

static void clear_all(store *s)
{
    for (entry *e = s->head.next, *n; e != &s->head; e = n) {
        n = e->next;
        entry_free(e);
    }
    memset(s->buckets, 0, s->nbuckets * sizeof *s->buckets);
    s->head.next = s->head.prev = &s->head;
    s->len = 0;
}

static void grow(store *s)
{
    size_t nb = s->nbuckets * 2;
    entry **b = calloc(nb, sizeof *b);
    if (!b)
        return; /* longer chains, still correct */
    for (size_t i = 0; i < s->nbuckets; i++)
        for (entry *e = s->buckets[i], *n; e; e = n) {
            n = e->hnext;
            e->hnext = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
        }
    free(s->buckets);
    s->buckets = b;
    s->nbuckets = nb;
}

static bool expired(const entry *e, double now)
{
    return e->expires <= now;
}

/* The live entry of key, or NULL (an expired one is removed). */
static entry *lookup(store *s, mn_str key, uint64_t h)
{
    entry *e = *slot(s, key, h);
    if (e && expired(e, mn__cache_now())) {
        remove_entry(s, e);
        return NULL;
    }
    return e;
}

static double expiry(int64_t timeout)
{
    if (timeout == MN_CACHE_FOREVER)
        return INFINITY;
    return mn__cache_now() + (double)timeout;
}

static void cull(locmem *l)
{
    store *s = l->st;
    if (l->cull_frequency == 0) {
        clear_all(s);
        return;
    }
    size_t count = s->len / (size_t)l->cull_frequency;
    for (size_t i = 0; i < count; i++)
        remove_entry(s, s->head.prev);
}

/* Django's _set: cull when full, then store at the front. */
static int put(locmem *l, mn_str key, uint64_t h, mn_str bytes, int64_t timeout, mn_err *err)
{
    store *s = l->st;
    unsigned char *val = malloc(bytes.len ? bytes.len : 1);
    if (!val)
        return mn_err_set(err, MN_ENOMEM, "cache: out of memory");
    memcpy(val, bytes.ptr, bytes.len);
    if (s->len >= l->max_entries)
        cull(l);
    entry *e = *slot(s, key, h);
    if (e) {
        free(e->val);
        unlink_lru(e);
    } else {
        if (!(e = malloc(sizeof *e + key.len + 1))) {
            free(val);
            return mn_err_set(err, MN_ENOMEM, "cache: out of memory");
        }
        memcpy(e->key, key.ptr, key.len);
        e->key[key.len] = 0;
        e->klen = key.len;
        e->hash = h;
        entry **b = &s->buckets[h & (s->nbuckets - 1)];
        e->hnext = *b;
        *b = e;
        s->len++;
    }
    e->val = val;
    e->vlen = bytes.len;
    e->expires = expiry(timeout);
    push_front(s, e);
    if (s->len > s->nbuckets)
        grow(s);
    return MN_OK;
}

/* ---- operations ---- */

static int lm_get(void *state, mn_str key, mn_arena *arena, mn_str *out, mn_err *err)
{
    locmem *l = state;
    store *s = l->st;
    uint64_t h = mn_str_hash_keyed(key);
    int rc = MN_ENOTFOUND;
    pthread_mutex_lock(&s->lock);
    entry *e = lookup(s, key, h);
    if (e) {
        unlink_lru(e);
        push_front(s, e);
        char *p = mn_arena_memdup(arena, e->val, e->vlen ? e->vlen : 1);
        rc = p ? MN_OK : MN_ENOMEM;
        *out = mn_str_make(p, e->vlen);
    }
    pthread_mutex_unlock(&s->lock);
    if (rc == MN_ENOMEM)
        mn_err_set(err, rc, "cache: out of memory");
    return rc;
}

static int lm_set(void *state, mn_str key, mn_str bytes, int64_t timeout, bool add, mn_err *err)
{
    locmem *l = state;
    store *s = l->st;
    uint64_t h = mn_str_hash_keyed(key);
    pthread_mutex_lock(&s->lock);
    int rc;
    if (add && lookup(s, key, h))
        rc = 0;
    else if ((rc = put(l, key, h, bytes, timeout, err)) == MN_OK)
        rc = add ? 1 : MN_OK;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int lm_del(void *state, mn_str key, mn_err *err)
{
    (void)err;
    locmem *l = state;
    store *s = l->st;
    pthread_mutex_lock(&s->lock);
    entry *e = *slot(s, key, mn_str_hash_keyed(key));
    if (e)
        remove_entry(s, e); /* Django's _delete ignores the expiry */
    pthread_mutex_unlock(&s->lock);
    return e != NULL;
}

static int lm_has(void *state, mn_str key, mn_err *err)
{
    (void)err;
    locmem *l = state;
    store *s = l->st;
    pthread_mutex_lock(&s->lock);
    bool found = lookup(s, key, mn_str_hash_keyed(key)) != NULL;
    pthread_mutex_unlock(&s->lock);
    return found;
}

static int lm_touch(void *state, mn_str key, int64_t timeout, mn_err *err)
{
    (void)err;
    locmem *l = state;
    store *s = l->st;
    pthread_mutex_lock(&s->lock);
    entry *e = *slot(s, key, mn_str_hash_keyed(key));
    /* Django's touch leaves an expired entry in place */
    bool ok = e && !expired(e, mn__cache_now());
    if (ok)
        e->expires = expiry(timeout);
    pthread_mutex_unlock(&s->lock);
    return ok;
}

static int lm_incr(void *state, mn_str key, const char *shown, int64_t delta, int64_t *out, mn_err *err)
{
    (void)shown;
    locmem *l = state;
    store *s = l->st;
    uint64_t h = mn_str_hash_keyed(key);
    int rc = MN_OK;
    pthread_mutex_lock(&s->lock);
    entry *e = lookup(s, key, h);
    if (!e) {
        rc = mn_err_set(err, MN_ENOTFOUND, "Key '%.*s' not found", MN_STR_FMT(key));
        goto out;
    }
    mn_arena *a = mn_arena_new("cache.incr", 0);
    mn_value v;
    if (!a) {
        rc = mn_err_set(err, MN_ENOMEM, "cache: out of memory");
        goto out;
    }
    rc = mn_cache_value_decode(mn_str_make((const char *)e->val, e->vlen), a, &v, err);
    int64_t n = 0;
    if (!rc) {
        if (v.type == MN_VALUE_BOOL)
            v = mn_value_int(v.u.b);
        if (v.type == MN_VALUE_STR || v.type == MN_VALUE_LIST)
            rc = mn_err_set(err, MN_ETYPE, "can only concatenate %s (not \"int\") to %s", mn_value_type_name(v),
                            mn_value_type_name(v));
        else if (v.type != MN_VALUE_INT)
            rc = mn_err_set(err, MN_ETYPE, "unsupported operand type(s) for +: '%s' and 'int'", mn_value_type_name(v));
        else if (__builtin_add_overflow(v.u.i, delta, &n))
            rc = mn_err_set(err, MN_ERANGE, "incr: the value of '%.*s' would overflow", MN_STR_FMT(key));
    }
    mn_arena_free(a);
    if (!rc) {
        char text[24];
        int tl = snprintf(text, sizeof text, "%lld", (long long)n);
        unsigned char *val = malloc((size_t)tl);
        if (!val) {
            rc = mn_err_set(err, MN_ENOMEM, "cache: out of memory");
        } else {
            memcpy(val, text, tl);
            free(e->val);
            e->val = val;
            e->vlen = (size_t)tl;
            unlink_lru(e);
            push_front(s, e);
            *out = n;
        }
    }
out:
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int lm_clear(void *state, mn_err *err)
{
    (void)err;
    locmem *l = state;
    pthread_mutex_lock(&l->st->lock);
    clear_all(l->st);
    pthread_mutex_unlock(&l->st->lock);
    return MN_OK;
}

size_t mn__cache_locmem_len(mn_cache *c)
{
    locmem *l = c->state;
    pthread_mutex_lock(&l->st->lock);
    size_t n = l->st->len;
    pthread_mutex_unlock(&l->st->lock);
    return n;
}

const mn__cache_ops mn__cache_locmem_ops = {
    .name = "locmem",
    .get = lm_get,
    .set = lm_set,
    .del = lm_del,
    .has = lm_has,
    .touch = lm_touch,
    .incr = lm_incr,
    .clear = lm_clear,
    .free = locmem_free,
};
