/* The default store of {% cache %} when no cache hooks are set: a small
 * in-process cache like Django's default locmem backend (300 entries, the
 * oldest third culled when full, per-entry timeouts). Thread-safe. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal.h"

#define FRAG_MAX 300

typedef struct frag_entry {
    char *key;
    char *value;
    size_t len;
    double expires; /* monotonic seconds; 0: never */
} frag_entry;

struct mn__fragcache {
    pthread_mutex_t lock;
    frag_entry items[FRAG_MAX];
    size_t n;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

mn__fragcache *mn__fragcache_new(void)
{
    mn__fragcache *c = calloc(1, sizeof *c);
    if (c)
        pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void drop(mn__fragcache *c, size_t i)
{
    free(c->items[i].key);
    free(c->items[i].value);
    memmove(&c->items[i], &c->items[i + 1], (c->n - i - 1) * sizeof c->items[0]);
    c->n--;
}

void mn__fragcache_free(mn__fragcache *c)
{
    if (!c)
        return;
    while (c->n)
        drop(c, c->n - 1);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

int mn__fragcache_get(void *udata, mn_str key, mn_arena *arena, mn_str *out)
{
    mn__fragcache *c = udata;
    int rc = MN_ENOTFOUND;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->n; i++) {
        frag_entry *e = &c->items[i];
        if (strlen(e->key) != key.len || memcmp(e->key, key.ptr, key.len))
            continue;
        if (e->expires && e->expires <= now_s()) {
            drop(c, i);
            break;
        }
        *out = mn_str_clone(arena, mn_str_make(e->value, e->len));
        rc = out->ptr ? MN_OK : MN_ENOMEM;
        break;
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

int mn__fragcache_set(void *udata, mn_str key, mn_str value, int64_t timeout)
{
    mn__fragcache *c = udata;
    if (timeout != MN_TEMPLATE_CACHE_FOREVER && timeout <= 0)
        return MN_OK; /* expires at once, as Django's locmem treats it */
    char *k = malloc(key.len + 1), *v = malloc(value.len + 1);
    if (!k || !v) {
        free(k);
        free(v);
        return MN_ENOMEM;
    }
    memcpy(k, key.ptr, key.len);
    k[key.len] = 0;
    memcpy(v, value.ptr, value.len);
    v[value.len] = 0;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->n; i++) {
        if (!strcmp(c->items[i].key, k)) {
            drop(c, i);
            break;
        }
    }
    if (c->n == FRAG_MAX) {
        size_t cull = FRAG_MAX / 3;
        while (cull--)
            drop(c, 0);
    }
    c->items[c->n++] = (frag_entry){ k, v, value.len,
                                     timeout == MN_TEMPLATE_CACHE_FOREVER ? 0 : now_s() + (double)timeout };
    pthread_mutex_unlock(&c->lock);
    return MN_OK;
}
