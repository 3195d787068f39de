/* Private to src/cache: the backend interface and the clock. */
#ifndef MN_CACHE_INTERNAL_H
#define MN_CACHE_INTERNAL_H

#include "manouche/cache.h"

/* A backend works on full keys (after make_key) and stored bytes. Timeouts
 * given to it are resolved: seconds > 0, MN_CACHE_FOREVER, or <= 0 (expire
 * at once). Every hook is thread-safe. */
typedef struct mn__cache_ops {
    const char *name;
    /* MN_OK with a copy of the bytes in arena, MN_ENOTFOUND, or an error. */
    int (*get)(void *state, mn_str key, mn_arena *arena, mn_str *out, mn_err *err);
    /* add: store only when absent/expired. 1 stored, 0 not, or an error. */
    int (*set)(void *state, mn_str key, mn_str bytes, int64_t timeout, bool add, mn_err *err);
    int (*del)(void *state, mn_str key, mn_err *err);
    int (*has)(void *state, mn_str key, mn_err *err);
    int (*touch)(void *state, mn_str key, int64_t timeout, mn_err *err);
    /* key is the full key; shown is what the not-found message names. */
    int (*incr)(void *state, mn_str key, const char *shown, int64_t delta, int64_t *out, mn_err *err);
    int (*clear)(void *state, mn_err *err);
    /* Optional: outs[i] gets the bytes or .ptr NULL for a miss. */
    int (*get_many)(void *state, const mn_str *keys, size_t n, mn_arena *arena, mn_str *outs, mn_err *err);
    void (*close)(void *state);
    void (*free)(void *state);
} mn__cache_ops;

struct mn_cache {
    const mn__cache_ops *ops;
    void *state;
    char *alias;
    char *key_prefix;
    int64_t version;
    int64_t timeout; /* default: seconds, MN_CACHE_FOREVER, or <= 0 */
    mn_cache_key_fn key_fn;
    bool view;       /* made by mn_cache_with_version: owns nothing */
};

/* Backends' constructors: NULL with err on a bad setting. */
void *mn__cache_locmem_new(const mn_cache_config *cfg, mn_err *err);
void *mn__cache_redis_new(const mn_cache_config *cfg, mn_err *err);
extern const mn__cache_ops mn__cache_locmem_ops;
extern const mn__cache_ops mn__cache_dummy_ops;
extern const mn__cache_ops mn__cache_redis_ops;

/* The clock of expiries (monotonic seconds); tests may replace it (NULL
 * restores the monotonic clock). Not thread-safe to change. */
typedef double (*mn__cache_clock_fn)(void);
void mn__cache_set_clock(mn__cache_clock_fn fn);
double mn__cache_now(void);

/* Number of entries in a locmem cache's store (tests). */
size_t mn__cache_locmem_len(mn_cache *c);

#endif
