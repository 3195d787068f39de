/* The cache API over the backends (django.core.cache.backends.base): keys,
 * versions, timeouts, the CACHES aliases and the model helpers. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cache_internal.h"
#include "manouche/log.h"

static mn_logger cache_log = MN_LOGGER_INIT("manouche.cache");

/* ---- the clock ---- */

static double monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static mn__cache_clock_fn clock_fn = monotonic_now;

void mn__cache_set_clock(mn__cache_clock_fn fn)
{
    clock_fn = fn ? fn : monotonic_now;
}

double mn__cache_now(void)
{
    return clock_fn();
}

/* ---- construction ---- */

static const struct {
    const char *name;
    const char *alias;
    const mn__cache_ops *ops;
} BACKENDS[] = {
    { "django.core.cache.backends.locmem.LocMemCache", "locmem", &mn__cache_locmem_ops },
    { "django.core.cache.backends.dummy.DummyCache", "dummy", &mn__cache_dummy_ops },
    { "django.core.cache.backends.redis.RedisCache", "redis", &mn__cache_redis_ops },
};

static const mn__cache_ops *find_backend(const char *name)
{
    if (!name)
        return &mn__cache_locmem_ops;
    for (size_t i = 0; i < sizeof BACKENDS / sizeof BACKENDS[0]; i++)
        if (!strcmp(name, BACKENDS[i].name) || !strcmp(name, BACKENDS[i].alias))
            return BACKENDS[i].ops;
    return NULL;
}

static char *xstrdup(const char *s)
{
    return strdup(s ? s : "");
}

mn_cache *mn_cache_new(const mn_cache_config *cfg, mn_err *err)
{
    const char *alias = cfg->alias ? cfg->alias : "default";
    const mn__cache_ops *ops = find_backend(cfg->BACKEND);
    if (!ops) {
        mn_err_set(err, MN_EINVAL,
                   "CACHES['%s']: unknown BACKEND '%s' (known: "
                   "django.core.cache.backends.locmem.LocMemCache, "
                   "django.core.cache.backends.dummy.DummyCache, "
                   "django.core.cache.backends.redis.RedisCache, or locmem, dummy, redis)",
                   alias, cfg->BACKEND);
        return NULL;
    }
    if (cfg->MAX_ENTRIES < 0) {
        mn_err_set(err, MN_EINVAL, "CACHES['%s']: MAX_ENTRIES must be positive, not %lld", alias,
                   (long long)cfg->MAX_ENTRIES);
        return NULL;
    }
    if (cfg->CULL_FREQUENCY < 0 && cfg->CULL_FREQUENCY != MN_CACHE_CULL_ALL) {
        mn_err_set(err, MN_EINVAL, "CACHES['%s']: CULL_FREQUENCY must be positive (or MN_CACHE_CULL_ALL), not %lld",
                   alias, (long long)cfg->CULL_FREQUENCY);
        return NULL;
    }
    mn_cache *c = calloc(1, sizeof *c);
    if (!c || !(c->alias = xstrdup(alias)) || !(c->key_prefix = xstrdup(cfg->KEY_PREFIX))) {
        mn_err_set(err, MN_ENOMEM, "CACHES['%s']: out of memory", alias);
        goto fail;
    }
    c->ops = ops;
    c->version = cfg->VERSION ? cfg->VERSION : 1;
    c->timeout = cfg->TIMEOUT ? cfg->TIMEOUT : 300;
    c->key_fn = cfg->KEY_FUNCTION;
    if (ops == &mn__cache_locmem_ops)
        c->state = mn__cache_locmem_new(cfg, err);
    else if (ops == &mn__cache_redis_ops)
        c->state = mn__cache_redis_new(cfg, err);
    else
        c->state = c;
    if (!c->state) {
        mn_err_prefix(err, "CACHES['%s']: ", alias);
        goto fail;
    }
    return c;
fail:
    if (c) {
        free(c->alias);
        free(c->key_prefix);
        free(c);
    }
    return NULL;
}

void mn_cache_free(mn_cache *c)
{
    if (!c || c->view)
        return;
    if (c->ops->free && c->state != c)
        c->ops->free(c->state);
    free(c->alias);
    free(c->key_prefix);
    free(c);
}

mn_cache *mn_cache_with_version(mn_cache *c, int64_t version, mn_arena *arena)
{
    mn_cache *v = mn_arena_memdup(arena, c, sizeof *c);
    if (!v)
        return NULL;
    v->version = version;
    v->view = true;
    return v;
}

const char *mn_cache_alias(const mn_cache *c) { return c->alias; }
const char *mn_cache_backend(const mn_cache *c) { return c->ops->name; }
const char *mn_cache_key_prefix(const mn_cache *c) { return c->key_prefix; }
int64_t mn_cache_version(const mn_cache *c) { return c->version; }
int64_t mn_cache_default_timeout(const mn_cache *c) { return c->timeout; }

/* ---- keys ---- */

static int make_key_v(const mn_cache *c, mn_str key, int64_t version, mn_buf *out)
{
    if (c->key_fn)
        return c->key_fn(key, c->key_prefix, version, out);
    mn_buf_puts(out, c->key_prefix);
    mn_buf_putc(out, ':');
    mn_buf_put_i64(out, version);
    mn_buf_putc(out, ':');
    return mn_buf_put_str(out, key);
}

int mn_cache_make_key(const mn_cache *c, const char *key, mn_buf *out)
{
    return make_key_v(c, mn_str_from(key), c->version, out);
}

int mn_cache_key_warnings(mn_str key, mn_buf *out)
{
    int n = 0;
    mn_value kv = mn_value_str(key);
    /* Python's len() counts code points. */
    size_t chars = 0;
    for (size_t i = 0; i < key.len; i++)
        chars += ((unsigned char)key.ptr[i] & 0xC0) != 0x80;
    if (chars > 250) {
        mn_buf_puts(out, "Cache key will cause errors if used with memcached: ");
        mn_value_repr(kv, out);
        mn_buf_puts(out, " (longer than 250)\n");
        n++;
    }
    for (size_t i = 0; i < key.len; i++) {
        unsigned char ch = (unsigned char)key.ptr[i];
        if (ch < 33 || ch == 127) {
            mn_buf_puts(out, "Cache key contains characters that will cause errors if used with memcached: ");
            mn_value_repr(kv, out);
            mn_buf_putc(out, '\n');
            n++;
            break;
        }
    }
    return n;
}

static void validate_key(mn_str full)
{
    bool suspicious = full.len > 250;
    for (size_t i = 0; i < full.len && !suspicious; i++) {
        unsigned char ch = (unsigned char)full.ptr[i];
        suspicious = ch < 33 || ch == 127;
    }
    if (!suspicious || !mn_log_enabled(&cache_log, MN_LOG_WARNING))
        return;
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    if (mn_cache_key_warnings(full, &b) > 0 && !mn_buf_error(&b)) {
        mn_str s = mn_buf_str(&b);
        size_t pos = 0;
        mn_str line;
        while (mn_str_next_field(s, '\n', &pos, &line))
            if (line.len)
                mn_logf(&cache_log, MN_LOG_WARNING, "CacheKeyWarning: %.*s", MN_STR_FMT(line));
    }
    mn_buf_free(&b);
}

/* The full key of key in a small stack buffer or the heap. */
typedef struct fullkey {
    mn_buf b;
    mn_str s;
} fullkey;

static int key_make(const mn_cache *c, const char *key, int64_t version, fullkey *k, mn_err *err)
{
    mn_buf_init(&k->b, NULL, 0);
    int rc = make_key_v(c, mn_str_from(key ? key : ""), version, &k->b);
    if (rc) {
        mn_buf_free(&k->b);
        return mn_err_set(err, rc, "cache key: %s", mn_strerror(rc));
    }
    k->s = mn_buf_str(&k->b);
    validate_key(k->s);
    return MN_OK;
}

static void key_done(fullkey *k)
{
    mn_buf_free(&k->b);
}

/* Django's get_backend_timeout, as seconds for the backends. */
static int64_t resolve_timeout(const mn_cache *c, int64_t timeout)
{
    if (timeout == MN_CACHE_DEFAULT_TIMEOUT)
        timeout = c->timeout;
    else if (timeout == 0)
        timeout = -1;
    return timeout;
}

/* ---- operations ---- */

int mn_cache_get(mn_cache *c, const char *key, mn_value dflt, mn_arena *arena, mn_value *out, mn_err *err)
{
    fullkey k;
    *out = dflt;
    int rc = key_make(c, key, c->version, &k, err);
    if (rc)
        return rc;
    mn_str bytes;
    rc = c->ops->get(c->state, k.s, arena, &bytes, err);
    key_done(&k);
    if (rc)
        return rc;
    mn_value v;
    if ((rc = mn_cache_value_decode(bytes, arena, &v, err)))
        return rc;
    *out = v;
    return MN_OK;
}

static int store(mn_cache *c, const char *key, int64_t version, mn_value value, int64_t timeout, bool add,
                 mn_err *err)
{
    mn_buf vb;
    mn_buf_init(&vb, NULL, 0);
    int rc = mn_cache_value_encode(value, &vb, err);
    if (rc) {
        mn_buf_free(&vb);
        return rc;
    }
    fullkey k;
    if (!(rc = key_make(c, key, version, &k, err))) {
        rc = c->ops->set(c->state, k.s, mn_buf_str(&vb), resolve_timeout(c, timeout), add, err);
        key_done(&k);
    }
    mn_buf_free(&vb);
    return rc;
}

int mn_cache_set(mn_cache *c, const char *key, mn_value value, int64_t timeout, mn_err *err)
{
    int rc = store(c, key, c->version, value, timeout, false, err);
    return rc < 0 ? rc : MN_OK;
}

int mn_cache_add(mn_cache *c, const char *key, mn_value value, int64_t timeout, mn_err *err)
{
    return store(c, key, c->version, value, timeout, true, err);
}

int mn_cache_get_or_set(mn_cache *c, const char *key, mn_value dflt, int64_t timeout, mn_arena *arena,
                        mn_value *out, mn_err *err)
{
    int rc = mn_cache_get(c, key, mn_value_null(), arena, out, err);
    if (rc != MN_ENOTFOUND)
        return rc;
    if (dflt.type == MN_VALUE_CALLABLE) {
        mn_value computed = mn_value_null();
        if ((rc = dflt.u.call.fn(dflt.u.call.ctx, arena, &computed)))
            return err && err->code ? rc : mn_err_set(err, rc, "get_or_set('%s'): the callable failed: %s", key,
                                                      mn_strerror(rc));
        dflt = computed;
    }
    if ((rc = mn_cache_add(c, key, dflt, timeout, err)) < 0)
        return rc;
    rc = mn_cache_get(c, key, dflt, arena, out, err);
    return rc == MN_ENOTFOUND ? MN_OK : rc;
}

#define KEY_OP(call)                                                                             \
    fullkey k;                                                                                   \
    int rc = key_make(c, key, c->version, &k, err);                                              \
    if (rc)                                                                                      \
        return rc;                                                                               \
    rc = (call);                                                                                 \
    key_done(&k);                                                                                \
    return rc

int mn_cache_delete(mn_cache *c, const char *key, mn_err *err)
{
    KEY_OP(c->ops->del(c->state, k.s, err));
}

int mn_cache_has_key(mn_cache *c, const char *key, mn_err *err)
{
    KEY_OP(c->ops->has(c->state, k.s, err));
}

int mn_cache_touch(mn_cache *c, const char *key, int64_t timeout, mn_err *err)
{
    KEY_OP(c->ops->touch(c->state, k.s, resolve_timeout(c, timeout), err));
}

int mn_cache_incr(mn_cache *c, const char *key, int64_t delta, int64_t *out, mn_err *err)
{
    int64_t tmp;
    KEY_OP(c->ops->incr(c->state, k.s, key, delta, out ? out : &tmp, err));
}

int mn_cache_decr(mn_cache *c, const char *key, int64_t delta, int64_t *out, mn_err *err)
{
    if (delta == INT64_MIN)
        return mn_err_set(err, MN_ERANGE, "decr('%s'): delta out of range", key);
    return mn_cache_incr(c, key, -delta, out, err);
}

int mn_cache_get_many(mn_cache *c, const char *const *keys, size_t n, mn_arena *arena, mn_map **out, mn_err *err)
{
    mn_map *m = mn_map_new(arena, n);
    if (!m)
        return mn_err_set(err, MN_ENOMEM, "get_many: out of memory");
    *out = m;
    if (!c->ops->get_many) {
        for (size_t i = 0; i < n; i++) {
            mn_value v;
            int rc = mn_cache_get(c, keys[i], mn_value_null(), arena, &v, err);
            if (rc == MN_ENOTFOUND)
                continue;
            if (rc)
                return rc;
            if (mn_map_set_cstr(m, keys[i], v))
                return mn_err_set(err, MN_ENOMEM, "get_many: out of memory");
        }
        return MN_OK;
    }
    mn_str *full = mn_arena_calloc(arena, n ? n : 1, sizeof *full);
    mn_str *vals = mn_arena_calloc(arena, n ? n : 1, sizeof *vals);
    if (!full || !vals)
        return mn_err_set(err, MN_ENOMEM, "get_many: out of memory");
    for (size_t i = 0; i < n; i++) {
        fullkey k;
        int rc = key_make(c, keys[i], c->version, &k, err);
        if (rc)
            return rc;
        full[i] = mn_str_clone(arena, k.s);
        key_done(&k);
        if (!full[i].ptr)
            return mn_err_set(err, MN_ENOMEM, "get_many: out of memory");
    }
    int rc = c->ops->get_many(c->state, full, n, arena, vals, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (!vals[i].ptr)
            continue;
        mn_value v;
        if ((rc = mn_cache_value_decode(vals[i], arena, &v, err)))
            return rc;
        if (mn_map_set_cstr(m, keys[i], v))
            return mn_err_set(err, MN_ENOMEM, "get_many: out of memory");
    }
    return MN_OK;
}

int mn_cache_set_many(mn_cache *c, const mn_map *data, int64_t timeout, mn_err *err)
{
    size_t n = mn_map_len(data);
    for (size_t i = 0; i < n; i++) {
        mn_str key = mn_map_key_at(data, i);
        char small[256];
        char *kz = key.len < sizeof small ? small : malloc(key.len + 1);
        if (!kz)
            return mn_err_set(err, MN_ENOMEM, "set_many: out of memory");
        memcpy(kz, key.ptr, key.len);
        kz[key.len] = 0;
        int rc = mn_cache_set(c, kz, mn_map_value_at(data, i), timeout, err);
        if (kz != small)
            free(kz);
        if (rc)
            return rc;
    }
    return MN_OK;
}

int mn_cache_delete_many(mn_cache *c, const char *const *keys, size_t n, mn_err *err)
{
    for (size_t i = 0; i < n; i++) {
        int rc = mn_cache_delete(c, keys[i], err);
        if (rc < 0)
            return rc;
    }
    return MN_OK;
}

int mn_cache_clear(mn_cache *c, mn_err *err)
{
    return c->ops->clear(c->state, err);
}

void mn_cache_close(mn_cache *c)
{
    if (c && c->ops->close)
        c->ops->close(c->state);
}

int mn_cache_incr_version(mn_cache *c, const char *key, int64_t delta, int64_t *out, mn_err *err)
{
    int64_t version = c->version, next;
    if (__builtin_add_overflow(version, delta, &next))
        return mn_err_set(err, MN_ERANGE, "incr_version('%s'): version out of range", key);
    fullkey k;
    int rc = key_make(c, key, version, &k, err);
    if (rc)
        return rc;
    mn_arena *a = mn_arena_new("cache.incr_version", 0);
    if (!a) {
        key_done(&k);
        return mn_err_set(err, MN_ENOMEM, "incr_version: out of memory");
    }
    mn_str bytes;
    rc = c->ops->get(c->state, k.s, a, &bytes, err);
    if (rc == MN_ENOTFOUND)
        rc = mn_err_set(err, MN_ENOTFOUND, "Key '%s' not found", key);
    mn_value v;
    if (!rc)
        rc = mn_cache_value_decode(bytes, a, &v, err);
    if (!rc)
        rc = store(c, key, next, v, MN_CACHE_DEFAULT_TIMEOUT, false, err);
    if (rc >= 0) {
        rc = c->ops->del(c->state, k.s, err);
        if (rc >= 0) {
            rc = MN_OK;
            if (out)
                *out = next;
        }
    }
    mn_arena_free(a);
    key_done(&k);
    return rc;
}

int mn_cache_decr_version(mn_cache *c, const char *key, int64_t delta, int64_t *out, mn_err *err)
{
    if (delta == INT64_MIN)
        return mn_err_set(err, MN_ERANGE, "decr_version('%s'): delta out of range", key);
    return mn_cache_incr_version(c, key, -delta, out, err);
}

/* ---- the dummy backend ---- */

static int dummy_get(void *s, mn_str key, mn_arena *arena, mn_str *out, mn_err *err)
{
    (void)s, (void)key, (void)arena, (void)out, (void)err;
    return MN_ENOTFOUND;
}

static int dummy_set(void *s, mn_str key, mn_str bytes, int64_t timeout, bool add, mn_err *err)
{
    (void)s, (void)key, (void)bytes, (void)timeout, (void)err;
    return add ? 1 : MN_OK;
}

static int dummy_zero(void *s, mn_str key, mn_err *err)
{
    (void)s, (void)key, (void)err;
    return 0;
}

static int dummy_touch(void *s, mn_str key, int64_t timeout, mn_err *err)
{
    (void)s, (void)key, (void)timeout, (void)err;
    return 0;
}

static int dummy_incr(void *s, mn_str key, const char *shown, int64_t delta, int64_t *out, mn_err *err)
{
    (void)s, (void)key, (void)delta, (void)out;
    return mn_err_set(err, MN_ENOTFOUND, "Key '%s' not found", shown);
}

static int dummy_clear(void *s, mn_err *err)
{
    (void)s, (void)err;
    return MN_OK;
}

const mn__cache_ops mn__cache_dummy_ops = {
    .name = "dummy",
    .get = dummy_get,
    .set = dummy_set,
    .del = dummy_zero,
    .has = dummy_zero,
    .touch = dummy_touch,
    .incr = dummy_incr,
    .clear = dummy_clear,
};

/* ---- the aliases ---- */

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static mn_cache **registry;
static size_t registry_len;

static void registry_free(mn_cache **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mn_cache_free(list[i]);
    free(list);
}

int mn_caches_configure(const mn_cache_config *configs, size_t n, mn_err *err)
{
    bool has_default = false;
    for (size_t i = 0; i < n; i++) {
        const char *a = configs[i].alias ? configs[i].alias : "default";
        has_default |= !strcmp(a, "default");
        for (size_t j = 0; j < i; j++)
            if (!strcmp(a, configs[j].alias ? configs[j].alias : "default"))
                return mn_err_set(err, MN_EINVAL, "CACHES: the alias '%s' is defined twice", a);
    }
    if (!has_default)
        return mn_err_set(err, MN_EINVAL, "You must define a 'default' cache in your CACHES setting.");
    mn_cache **list = calloc(n, sizeof *list);
    if (!list)
        return mn_err_set(err, MN_ENOMEM, "CACHES: out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!(list[i] = mn_cache_new(&configs[i], err))) {
            registry_free(list, i);
            return err && err->code ? err->code : MN_EINVAL;
        }
    }
    pthread_mutex_lock(&registry_lock);
    mn_cache **old = registry;
    size_t old_len = registry_len;
    __atomic_store_n(&registry_len, 0, __ATOMIC_RELEASE);
    registry = list;
    __atomic_store_n(&registry_len, n, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&registry_lock);
    registry_free(old, old_len);
    return MN_OK;
}

static mn_cache *registry_find(const char *alias)
{
    size_t n = __atomic_load_n(&registry_len, __ATOMIC_ACQUIRE);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(registry[i]->alias, alias))
            return registry[i];
    return NULL;
}

/* The default cache from CACHE_URL, made once on first use. */
static void configure_from_settings(void)
{
    const mn_settings *s = mn_settings_current();
    const char *url = s && s->CACHE_URL ? s->CACHE_URL : "locmem://";
    mn_arena *a = mn_arena_new("cache.settings", 0);
    mn_err err = { 0 };
    mn_cache_config cfg;
    if (!a)
        return;
    if (mn_cache_config_from_url(url, a, &cfg, &err) || mn_caches_configure(&cfg, 1, &err))
        mn_logf(&cache_log, MN_LOG_ERROR, "CACHE_URL: %s", err.msg);
    mn_arena_free(a);
}

mn_cache *mn_caches_get(const char *alias, mn_err *err)
{
    if (!alias)
        alias = "default";
    mn_cache *c = registry_find(alias);
    if (c)
        return c;
    if (!__atomic_load_n(&registry_len, __ATOMIC_ACQUIRE)) {
        static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;
        pthread_mutex_lock(&once);
        if (!__atomic_load_n(&registry_len, __ATOMIC_ACQUIRE))
            configure_from_settings();
        pthread_mutex_unlock(&once);
        if ((c = registry_find(alias)))
            return c;
    }
    mn_err_set(err, MN_ENOTFOUND, "Could not find config for '%s' in settings.CACHES", alias);
    return NULL;
}

mn_cache *mn_cache_default(void)
{
    return mn_caches_get("default", NULL);
}

void mn_caches_shutdown(void)
{
    pthread_mutex_lock(&registry_lock);
    mn_cache **old = registry;
    size_t n = registry_len;
    __atomic_store_n(&registry_len, 0, __ATOMIC_RELEASE);
    registry = NULL;
    pthread_mutex_unlock(&registry_lock);
    registry_free(old, n);
}

/* ---- model instances ---- */

int mn_cache_obj_to_value(void *obj, mn_model *m, mn_arena *arena, mn_value *out, mn_err *err)
{
    size_t n = mn_model_nfields(m);
    mn_map *map = mn_map_new(arena, n);
    if (!map)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const mn_field *f = mn_model_field(m, i);
        mn_value v;
        int rc = mn_obj_get(obj, m, f->name, &v);
        if (rc)
            return mn_err_set(err, rc, "%s.%s: %s", m->name, f->name, mn_strerror(rc));
        if (mn_map_set_cstr(map, f->name, v))
            return mn_err_set(err, MN_ENOMEM, "out of memory");
    }
    *out = mn_value_map(map);
    return MN_OK;
}

void *mn_cache_obj_from_value(mn_model *m, mn_value v, mn_arena *arena, mn_err *err)
{
    if (v.type != MN_VALUE_MAP) {
        mn_err_set(err, MN_ETYPE, "a cached %s must be a map of its fields, not %s", m->name, mn_value_type_name(v));
        return NULL;
    }
    void *obj = mn_model_new(m, arena, err);
    if (!obj)
        return NULL;
    size_t n = mn_model_nfields(m);
    for (size_t i = 0; i < n; i++) {
        const mn_field *f = mn_model_field(m, i);
        mn_value *fv = mn_map_find(v.u.map, mn_str_from(f->name));
        if (!fv) {
            mn_err_set(err, MN_EINVAL, "a cached %s lacks the field '%s'", m->name, f->name);
            return NULL;
        }
        if (mn_obj_set(obj, m, f->name, *fv, arena, err))
            return NULL;
    }
    mn_obj_header(m, obj)->flags &= ~MN_OBJ_ADDING;
    return obj;
}

int mn_cache_objs_to_value(void *const *objs, size_t n, mn_model *m, mn_arena *arena, mn_value *out, mn_err *err)
{
    mn_list *l = mn_list_new(arena, n);
    if (!l)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mn_value v;
        int rc = mn_cache_obj_to_value(objs[i], m, arena, &v, err);
        if (rc)
            return rc;
        if (mn_list_push(l, v))
            return mn_err_set(err, MN_ENOMEM, "out of memory");
    }
    *out = mn_value_list(l);
    return MN_OK;
}

void **mn_cache_objs_from_value(mn_model *m, mn_value v, mn_arena *arena, size_t *n, mn_err *err)
{
    if (v.type != MN_VALUE_LIST) {
        mn_err_set(err, MN_ETYPE, "cached %s objects must be a list, not %s", m->name, mn_value_type_name(v));
        return NULL;
    }
    size_t len = mn_list_len(v.u.list);
    void **objs = mn_arena_alloc(arena, (len ? len : 1) * sizeof *objs);
    if (!objs) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < len; i++)
        if (!(objs[i] = mn_cache_obj_from_value(m, mn_list_get(v.u.list, i), arena, err)))
            return NULL;
    *n = len;
    return objs;
}
