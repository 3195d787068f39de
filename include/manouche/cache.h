/* Manouche: the cache framework (django.core.cache).
 *
 * A cache is configured once at startup, like Django's CACHES setting, and
 * used from any thread:
 *
 *     static const mn_cache_config caches[] = {
 *         { .alias = "default", .BACKEND = "django.core.cache.backends.redis.RedisCache",
 *           .LOCATION = "redis://127.0.0.1:6379/1", .KEY_PREFIX = "myapp", .TIMEOUT = 300 },
 *     };
 *     mn_caches_configure(caches, 1, &err);
 *     ...
 *     mn_cache *cache = mn_cache_default();
 *     mn_cache_set(cache, "my_key", mn_value_cstr("my_value"), 300, &err);
 *     mn_value v;
 *     if (mn_cache_get(cache, "my_key", mn_value_null(), arena, &v, &err) == MN_OK) ...
 *
 * Without mn_caches_configure, the "default" cache comes from the CACHE_URL
 * setting ("locmem://" unless set; see mn_cache_config_from_url).
 *
 * Backends (BACKEND, Django's dotted names or the short aliases):
 *   django.core.cache.backends.locmem.LocMemCache  "locmem"  per-process LRU
 *   django.core.cache.backends.dummy.DummyCache    "dummy"   caches nothing
 *   django.core.cache.backends.redis.RedisCache    "redis"   a Redis server
 *
 * Values are mn_values (null, bool, int, float, decimal, strings, dates,
 * times, datetimes, durations, lists and maps of those). The cache copies
 * them in and out: a get returns a copy in the caller's arena, never a
 * pointer into the cache's storage. Model instances are cached through
 * mn_cache_obj_to_value / mn_cache_obj_from_value.
 *
 * Values are stored in a documented binary format (docs/caching.md): an
 * integer at the top level is its decimal text (so Redis INCRBY works on
 * it), anything else is the byte 0xC1 followed by the encoded value.
 *
 * Errors: functions return MN_OK (or a documented count/flag) or a negative
 * MN_E* code with a message in err (err may be NULL). All operations are
 * thread-safe. */
#ifndef MANOUCHE_CACHE_H
#define MANOUCHE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/error.h"
#include "manouche/http.h"
#include "manouche/middleware.h"
#include "manouche/model.h"
#include "manouche/settings.h"
#include "manouche/str.h"
#include "manouche/template.h"
#include "manouche/urls.h"
#include "manouche/value.h"

typedef struct mn_cache mn_cache;

/* ---- timeouts ---- */

/* timeout argument: the cache's TIMEOUT (Django's DEFAULT_TIMEOUT). */
#define MN_CACHE_DEFAULT_TIMEOUT INT64_MIN
/* timeout None: never expires. */
#define MN_CACHE_FOREVER INT64_MAX
/* A timeout of 0 or less expires the value at once (Django's timeout=0). In
 * an mn_cache_config, where 0 means "not given", write MN_CACHE_EXPIRE_NOW. */
#define MN_CACHE_EXPIRE_NOW (-1)
/* CULL_FREQUENCY 0 in Django (empty the whole cache when full). */
#define MN_CACHE_CULL_ALL (-1)

/* Django's KEY_FUNCTION: appends the full key made of key, key_prefix and
 * version to out. Returns the buffer's error (MN_OK). The default is
 * "key_prefix:version:key". Must be thread-safe. */
typedef int (*mn_cache_key_fn)(mn_str key, const char *key_prefix, int64_t version, mn_buf *out);

/* One entry of CACHES. Members left out (zero) take Django's defaults. */
typedef struct mn_cache_config {
    const char *alias;        /* "default" (NULL: "default") */
    const char *BACKEND;      /* dotted name or alias (NULL: locmem) */
    /* locmem: the store's name (caches with the same LOCATION share their
     * entries, as Django's LocMemCache); redis: redis://[:password@]host[:port][/db]
     * or unix:///path/to/socket[?db=N]. */
    const char *LOCATION;
    int64_t TIMEOUT;          /* seconds; 0: 300; MN_CACHE_FOREVER (None); MN_CACHE_EXPIRE_NOW (0) */
    const char *KEY_PREFIX;   /* NULL: "" */
    int64_t VERSION;          /* 0: 1 */
    mn_cache_key_fn KEY_FUNCTION; /* NULL: "prefix:version:key" */
    int64_t MAX_ENTRIES;      /* OPTIONS MAX_ENTRIES (locmem); 0: 300 */
    int64_t CULL_FREQUENCY;   /* OPTIONS CULL_FREQUENCY (locmem); 0: 3; MN_CACHE_CULL_ALL */
    int64_t CONNECT_TIMEOUT_MS; /* redis: connect and I/O timeout; 0: 5000 */
} mn_cache_config;

/* Limits of cache URLs. */
#define MN_CACHE_URL_MAX_LEN 4096

/* Parses a CACHE_URL into out (strings in arena; alias "default"):
 *   locmem://[name]          LocMemCache with LOCATION name
 *   dummy://                 DummyCache
 *   redis://[[user]:password@]host[:port][/db]   RedisCache (LOCATION = the URL)
 *   unix:///path/to/redis.sock[?db=N]            RedisCache over a socket
 * Query options (any scheme): timeout (seconds or "none"), key_prefix,
 * version, max_entries, cull_frequency, connect_timeout_ms; redis URLs keep
 * their query for the backend. Returns MN_OK, MN_EPARSE (malformed; the
 * message never contains a password), MN_EINVAL (unknown scheme or option)
 * or MN_ELIMIT (longer than MN_CACHE_URL_MAX_LEN). Thread-safe. */
int mn_cache_config_from_url(const char *url, mn_arena *arena, mn_cache_config *out, mn_err *err);

/* Where a Redis LOCATION points. Strings in the arena given to the parser. */
typedef struct mn_cache_redis_location {
    const char *host;     /* NULL for a unix socket */
    int port;             /* 6379 when absent */
    const char *socket;   /* unix socket path, or NULL */
    int db;               /* 0 when absent */
    const char *username; /* NULL when absent (percent-decoded) */
    const char *password; /* NULL when absent (percent-decoded) */
} mn_cache_redis_location;

/* Parses a Redis LOCATION (redis://, unix://; "rediss://" is refused with a
 * message: TLS is not supported). db is 0..2147483647. Returns MN_OK,
 * MN_EPARSE or MN_EINVAL with a message that never shows the password.
 * Thread-safe. */
int mn_cache_redis_location_parse(mn_str url, mn_arena *arena, mn_cache_redis_location *out,
                                  mn_err *err);

/* ---- caches: the configured aliases ---- */

/* Replaces the configured caches (closing the previous ones) with configs.
 * An alias may appear once; "default" must be among them (Django's "You
 * must define a 'default' cache in your CACHES setting."). Returns MN_OK or
 * MN_EINVAL naming the alias and the bad setting ("CACHES['x']: unknown
 * BACKEND 'foo'"). Call at startup, before threads. */
int mn_caches_configure(const mn_cache_config *configs, size_t n, mn_err *err);

/* caches[alias]: the configured cache, or NULL with Django's message
 * "Could not find config for 'x' in settings.CACHES" (MN_ENOTFOUND). When
 * nothing was configured, the default cache is created on first use from
 * the current settings' CACHE_URL (mn_settings_current; "locmem://" without
 * settings). Thread-safe. The cache lives until mn_caches_configure or
 * mn_caches_shutdown. */
mn_cache *mn_caches_get(const char *alias, mn_err *err);
/* caches['default'] (django.core.cache.cache); NULL only when CACHE_URL is
 * invalid (the reason is logged). Thread-safe. */
mn_cache *mn_cache_default(void);
/* Frees every configured cache. Call at exit, after the threads stopped. */
void mn_caches_shutdown(void);

/* ---- one cache ---- */

/* A cache made from cfg, outside the aliases (tests, tools). NULL with a
 * message in err for a bad setting. Free with mn_cache_free. */
mn_cache *mn_cache_new(const mn_cache_config *cfg, mn_err *err);
/* Frees a cache from mn_cache_new (its connections included). A locmem
 * store is freed with the last cache using its LOCATION. NULL is allowed. */
void mn_cache_free(mn_cache *c);

/* The same cache with another default version (Django's version= argument
 * of every method): operations on the result use version instead of the
 * configured VERSION. The handle lives in arena and shares c's storage; it
 * must not outlive c and is not freed. NULL when out of memory. */
mn_cache *mn_cache_with_version(mn_cache *c, int64_t version, mn_arena *arena);

/* The alias, backend name ("locmem", "dummy", "redis"), KEY_PREFIX, version
 * and default timeout of c (MN_CACHE_FOREVER for None). */
const char *mn_cache_alias(const mn_cache *c);
const char *mn_cache_backend(const mn_cache *c);
const char *mn_cache_key_prefix(const mn_cache *c);
int64_t mn_cache_version(const mn_cache *c);
int64_t mn_cache_default_timeout(const mn_cache *c);

/* make_key(): appends the full key of key to out (KEY_FUNCTION, by default
 * "prefix:version:key"). Returns the buffer's error. */
int mn_cache_make_key(const mn_cache *c, const char *key, mn_buf *out);

/* Django's memcache_key_warnings(): appends the CacheKeyWarning messages of
 * a full key to out, one per line, and returns how many (0, 1 or 2):
 * "Cache key will cause errors if used with memcached: 'k...' (longer than
 * 250)" and "Cache key contains characters that will cause errors if used
 * with memcached: 'a b'". Every operation checks its keys and logs these
 * warnings on the "manouche.cache" logger, as Django warns. */
int mn_cache_key_warnings(mn_str key, mn_buf *out);

/* get(key, default): MN_OK with the stored value (a stored null too) copied
 * into arena; MN_ENOTFOUND on a miss or an expired entry, with *out = dflt
 * (not copied); or an error (MN_EIO for a Redis failure, MN_EPARSE for a
 * stored value that does not decode). */
int mn_cache_get(mn_cache *c, const char *key, mn_value dflt, mn_arena *arena, mn_value *out,
                 mn_err *err);
/* set(key, value, timeout): MN_OK; MN_ETYPE for a value that cannot be
 * cached (an object or callable: convert instances with
 * mn_cache_obj_to_value), MN_EINVAL for a container inside itself. */
int mn_cache_set(mn_cache *c, const char *key, mn_value value, int64_t timeout, mn_err *err);
/* add(): stores value only when key is absent or expired. 1 when stored, 0
 * when not, or a negative error. */
int mn_cache_add(mn_cache *c, const char *key, mn_value value, int64_t timeout, mn_err *err);
/* get_or_set(key, default, timeout): the value of key; on a miss, dflt (or
 * the result of calling it when it is a callable value, mn_value_callable)
 * is added and the value read again, as Django does (another thread may
 * have added first). MN_OK with *out in arena, or the error of the
 * callable, of add or of get. */
int mn_cache_get_or_set(mn_cache *c, const char *key, mn_value dflt, int64_t timeout,
                        mn_arena *arena, mn_value *out, mn_err *err);
/* delete(): 1 when the key existed, 0 when not, or a negative error. */
int mn_cache_delete(mn_cache *c, const char *key, mn_err *err);
/* has_key(): 1 when key is present and unexpired, 0, or a negative error. */
int mn_cache_has_key(mn_cache *c, const char *key, mn_err *err);
/* touch(key, timeout): sets a new expiry. 1 when the key exists, 0, or a
 * negative error. */
int mn_cache_touch(mn_cache *c, const char *key, int64_t timeout, mn_err *err);
/* incr(key, delta) / decr(): adds delta to an integer value (the expiry is
 * kept) and stores the result in *out (may be NULL). MN_ENOTFOUND with
 * Django's ValueError message "Key ':1:k' not found" (locmem and redis
 * name the full key, dummy the key as given), MN_ETYPE when the
 * value is not an integer (a bool counts as 0/1, as in Python), MN_ERANGE
 * on 64-bit overflow. */
int mn_cache_incr(mn_cache *c, const char *key, int64_t delta, int64_t *out, mn_err *err);
int mn_cache_decr(mn_cache *c, const char *key, int64_t delta, int64_t *out, mn_err *err);

/* get_many(keys): a map (in arena) from each key found to its value;
 * missing keys are absent. Redis reads them with one MGET. */
int mn_cache_get_many(mn_cache *c, const char *const *keys, size_t n, mn_arena *arena,
                      mn_map **out, mn_err *err);
/* set_many(data, timeout): sets every key of the map (in order). MN_OK or
 * the first error (the keys before it are set). */
int mn_cache_set_many(mn_cache *c, const mn_map *data, int64_t timeout, mn_err *err);
/* delete_many(keys). MN_OK or the first error. */
int mn_cache_delete_many(mn_cache *c, const char *const *keys, size_t n, mn_err *err);
/* clear(): removes every entry of the store (locmem: of its LOCATION;
 * redis: FLUSHDB on the configured database only). */
int mn_cache_clear(mn_cache *c, mn_err *err);
/* close(): releases the calling thread's connection (redis; a new one is
 * made on next use). Nothing for the other backends. */
void mn_cache_close(mn_cache *c);

/* incr_version(key, delta): moves the value of key from the cache's version
 * to version + delta and stores the new version in *out (may be NULL).
 * MN_ENOTFOUND with "Key 'k' not found" when absent. */
int mn_cache_incr_version(mn_cache *c, const char *key, int64_t delta, int64_t *out, mn_err *err);
int mn_cache_decr_version(mn_cache *c, const char *key, int64_t delta, int64_t *out, mn_err *err);

/* ---- the stored format ---- */

/* Appends the stored form of v to out: the decimal text of a top-level
 * integer, else 0xC1 and the encoded value. MN_OK, MN_ETYPE (object,
 * callable; the message names the type), MN_EINVAL (a container inside
 * itself or nested deeper than 512), or the buffer's error. Thread-safe. */
int mn_cache_value_encode(mn_value v, mn_buf *out, mn_err *err);
/* Decodes a stored form into *out (strings, lists and maps in arena).
 * MN_OK, or MN_EPARSE with a message (truncated or malformed data, an
 * invalid date, nesting deeper than 512, trailing bytes). Never reads past
 * data. Thread-safe. */
int mn_cache_value_decode(mn_str data, mn_arena *arena, mn_value *out, mn_err *err);

/* ---- model instances ---- */

/* A model instance as a cacheable map from field name to value (every
 * concrete field, NULLs as null, deferred fields loaded first). In arena. */
int mn_cache_obj_to_value(void *obj, mn_model *m, mn_arena *arena, mn_value *out, mn_err *err);
/* An instance of m (in arena) from a map made by mn_cache_obj_to_value, as
 * if loaded from the database (saving it updates its row). NULL with
 * MN_ETYPE/MN_EINVAL in err when v is not such a map. */
void *mn_cache_obj_from_value(mn_model *m, mn_value v, mn_arena *arena, mn_err *err);
/* A list of instances (a QuerySet's items) as a list of such maps. */
int mn_cache_objs_to_value(void *const *objs, size_t n, mn_model *m, mn_arena *arena, mn_value *out,
                           mn_err *err);
/* The instances of a list made by mn_cache_objs_to_value: an array (in
 * arena) of *n pointers. NULL with err on a bad value. */
void **mn_cache_objs_from_value(mn_model *m, mn_value v, mn_arena *arena, size_t *n, mn_err *err);

/* ---- templates: {% load cache %}{% cache timeout name [vary ...] [using="alias"] %} ---- */

/* Makes e's {% cache %} tag store fragments in the configured caches: the
 * default one, or caches[alias] with using="alias" (an unknown alias is
 * Django's TemplateSyntaxError "Invalid cache name specified for cache tag:
 * 'x'"). Keys are Django's make_template_fragment_key; a timeout of None
 * keeps the fragment forever, 0 not at all. A failing cache (Redis down)
 * renders the fragment and logs a warning. ./manage and the project test
 * client install it. Call at startup. */
void mn_cache_template_install(mn_template_engine *e);

/* make_template_fragment_key(fragment_name, vary_on): appends
 * "template.cache.<name>.<md5 of the vary values, each followed by ':'>" to
 * out. Returns the buffer's error. */
int mn_cache_fragment_key(const char *fragment_name, const mn_str *vary_on, size_t n, mn_buf *out);

/* ---- views: cache_page, vary_on_*, never_cache, cache_control ----
 * (django.views.decorators.cache/vary, django.utils.cache,
 * django.middleware.cache). All run on the request's thread and allocate in
 * its arena. */

/* cache_page(timeout, cache=alias, key_prefix=prefix). */
typedef struct mn_cache_page_options {
    int64_t timeout;        /* seconds the page is kept (page_timeout) */
    const char *cache;      /* alias; NULL: "default" */
    const char *key_prefix; /* NULL: "" */
} mn_cache_page_options;

/* cache_page: answers GET and HEAD from the cache when the page is there
 * (keys from the absolute URI, the request headers named by the Vary of the
 * cached page, LANGUAGE_CODE with USE_I18N and the time zone with USE_TZ,
 * as Django's get_cache_key), else calls view and, for a 200 that is not
 * streaming, not "private" and not setting cookies with Vary: Cookie, sets
 * Expires and Cache-Control max-age (patch_response_headers) and stores it
 * (learn_cache_key). A template response is rendered first. A cache that
 * fails (Redis down) is logged and the view answers. */
mn_response *mn_cache_page(mn_request *req, const mn_url_args *args, const mn_cache_page_options *opts,
                           mn_view_fn view);
/* Defines a view `name` wrapping view with cache_page:
 *     MN_CACHE_PAGE(product_list, product_list_impl, .timeout = 60 * 15);  */
#define MN_CACHE_PAGE(name, view, ...)                                                           \
    static mn_response *name(mn_request *mn__req, const mn_url_args *mn__args)                  \
    {                                                                                            \
        static const mn_cache_page_options mn__opts = { __VA_ARGS__ };                           \
        return mn_cache_page(mn__req, mn__args, &mn__opts, (view));                              \
    }

/* vary_on_headers(*headers): calls view and adds the NULL-terminated
 * header names to the response's Vary (patch_vary_headers). */
mn_response *mn_vary_on_headers(mn_request *req, const mn_url_args *args, const char *const *headers,
                                mn_view_fn view);
/* MN_VARY_ON_HEADERS(name, view, "Accept-Language", "Cookie"); */
#define MN_VARY_ON_HEADERS(name, view, ...)                                                      \
    static mn_response *name(mn_request *mn__req, const mn_url_args *mn__args)                  \
    {                                                                                            \
        static const char *const mn__h[] = { __VA_ARGS__, NULL };                                \
        return mn_vary_on_headers(mn__req, mn__args, mn__h, (view));                             \
    }
/* vary_on_cookie: Vary: Cookie. */
#define MN_VARY_ON_COOKIE(name, view) MN_VARY_ON_HEADERS(name, view, "Cookie")

/* never_cache: calls view and adds Expires (now) and Cache-Control:
 * max-age=0, no-cache, no-store, must-revalidate, private. */
mn_response *mn_never_cache(mn_request *req, const mn_url_args *args, mn_view_fn view);
#define MN_NEVER_CACHE(name, view)                                                               \
    static mn_response *name(mn_request *mn__req, const mn_url_args *mn__args)                  \
    {                                                                                            \
        return mn_never_cache(mn__req, mn__args, (view));                                        \
    }

/* cache_control(**kwargs): calls view and patches Cache-Control with the
 * NULL-terminated directives, written as Django's keyword arguments:
 * "max_age=3600", "public", "no_cache" (underscores become hyphens; a bare
 * name is True). */
mn_response *mn_cache_control(mn_request *req, const mn_url_args *args, const char *const *directives,
                              mn_view_fn view);
/* MN_CACHE_CONTROL(name, view, "max_age=3600", "public"); */
#define MN_CACHE_CONTROL(name, view, ...)                                                        \
    static mn_response *name(mn_request *mn__req, const mn_url_args *mn__args)                  \
    {                                                                                            \
        static const char *const mn__d[] = { __VA_ARGS__, NULL };                                \
        return mn_cache_control(mn__req, mn__args, mn__d, (view));                               \
    }

/* patch_vary_headers(response, headers): adds the NULL-terminated names not
 * already there (case-insensitive); "*" makes Vary "*". MN_OK or MN_ENOMEM. */
int mn_patch_vary_headers(mn_response *resp, const char *const *headers);
/* has_vary_header(response, name). */
bool mn_has_vary_header(const mn_response *resp, const char *name);
/* patch_cache_control(response, **kwargs) with directives as for
 * mn_cache_control; order, max-age (the smaller wins), public/private and
 * no-cache merge as Django does. MN_OK, MN_EINVAL (a bad max_age), MN_ENOMEM. */
int mn_patch_cache_control(mn_response *resp, const char *const *directives);
/* get_max_age(response): MN_OK and *out, or MN_ENOTFOUND (no header, no
 * max-age, or not an integer). */
int mn_get_max_age(const mn_response *resp, int64_t *out);
/* patch_response_headers(response, timeout): Expires (now + timeout, when
 * not set) and Cache-Control max-age (negative timeouts count as 0). */
int mn_patch_response_headers(mn_response *resp, int64_t timeout);
/* add_never_cache_headers(response). */
int mn_add_never_cache_headers(mn_response *resp);

/* get_cache_key(request, key_prefix, method, cache): the page key of req
 * (in its arena) from the header list learnt earlier, or NULL with *rc
 * MN_ENOTFOUND when no list is cached (or the cache's error). */
const char *mn_cache_get_page_key(mn_request *req, const char *key_prefix, const char *method, mn_cache *cache,
                                  int *rc);
/* learn_cache_key(request, response, timeout, key_prefix, cache): stores
 * the request headers the response varies on (HTTP_X names, sorted;
 * Accept-Language left out with USE_I18N) and returns the page key (in the
 * request's arena), or NULL with *rc set. */
const char *mn_cache_learn_page_key(mn_request *req, const mn_response *resp, int64_t timeout,
                                    const char *key_prefix, mn_cache *cache, int *rc);

/* The site-wide pair (UpdateCacheMiddleware first in MIDDLEWARE,
 * FetchFromCacheMiddleware last) or CacheMiddleware alone. data: an
 * mn_cache_middleware_options, or NULL for Django's defaults
 * (CACHE_MIDDLEWARE_SECONDS 600, CACHE_MIDDLEWARE_KEY_PREFIX "",
 * CACHE_MIDDLEWARE_ALIAS "default"). The page's own max-age, when set,
 * wins over seconds (0: not cached). */
typedef struct mn_cache_middleware_options {
    int64_t seconds;        /* 0: 600 */
    const char *alias;      /* NULL: "default" */
    const char *key_prefix; /* NULL: "" */
} mn_cache_middleware_options;
extern const mn_middleware mn_update_cache_middleware;
extern const mn_middleware mn_fetch_from_cache_middleware;
extern const mn_middleware mn_cache_middleware;

#endif
