/* The local-memory backend: LRU order, culling, expiry on a test clock,
 * shared LOCATIONs, incr, and thread safety. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include "manouche.h"
#include "../../src/cache/cache_internal.h"

static mn_arena *A;
static double fake_now = 1000.0;
static double fake_clock(void) { return fake_now; }

static void setup(void)
{
    A = mn_arena_new("test", 0);
    fake_now = 1000.0;
    mn__cache_set_clock(fake_clock);
}
static void teardown(void)
{
    mn__cache_set_clock(NULL);
    mn_arena_free(A);
}

TestSuite(locmem, .init = setup, .fini = teardown);

static mn_cache *make(const char *location, int64_t max, int64_t cull)
{
    mn_err err = { 0 };
    mn_cache_config cfg = { .BACKEND = "django.core.cache.backends.locmem.LocMemCache", .LOCATION = location,
                            .MAX_ENTRIES = max, .CULL_FREQUENCY = cull };
    mn_cache *c = mn_cache_new(&cfg, &err);
    cr_assert_not_null(c, "%s", err.msg);
    return c;
}

static int has(mn_cache *c, const char *k)
{
    return mn_cache_has_key(c, k, NULL);
}

static void set_int(mn_cache *c, const char *k, int64_t v, int64_t timeout)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_set(c, k, mn_value_int(v), timeout, &err), MN_OK, "%s", err.msg);
}

/* The same sequence as Django 3.2 (checked with python3-django):
 * MAX_ENTRIES 5, CULL_FREQUENCY 2; k0..k4, get k0, set k5 -> k0 k3 k4 k5. */
Test(locmem, lru_cull_as_django)
{
    mn_cache *c = make("lru", 5, 2);
    char k[8];
    for (int i = 0; i < 5; i++) {
        snprintf(k, sizeof k, "k%d", i);
        set_int(c, k, i, MN_CACHE_DEFAULT_TIMEOUT);
    }
    mn_value v;
    cr_assert_eq(mn_cache_get(c, "k0", mn_value_null(), A, &v, NULL), MN_OK);
    set_int(c, "k5", 5, MN_CACHE_DEFAULT_TIMEOUT);
    const char *want[] = { "k0", "k3", "k4", "k5" };
    for (size_t i = 0; i < 4; i++)
        cr_assert(has(c, want[i]), "%s", want[i]);
    cr_assert_not(has(c, "k1"));
    cr_assert_not(has(c, "k2"));
    cr_assert_eq(mn__cache_locmem_len(c), 4);
    /* replacing a key when not full does not cull */
    set_int(c, "k3", 33, MN_CACHE_DEFAULT_TIMEOUT);
    cr_assert_eq(mn__cache_locmem_len(c), 4);
    mn_cache_free(c);
}

Test(locmem, touch_and_has_key_do_not_refresh_recency)
{
    mn_cache *c = make("recency", 3, 3);
    set_int(c, "a", 1, MN_CACHE_DEFAULT_TIMEOUT);
    set_int(c, "b", 2, MN_CACHE_DEFAULT_TIMEOUT);
    set_int(c, "c", 3, MN_CACHE_DEFAULT_TIMEOUT);
    cr_assert_eq(mn_cache_touch(c, "a", 100, NULL), 1);
    cr_assert(has(c, "a"));
    set_int(c, "d", 4, MN_CACHE_DEFAULT_TIMEOUT); /* full: culls 1, the least recent: a */
    cr_assert_not(has(c, "a"));
    cr_assert(has(c, "b") && has(c, "c") && has(c, "d"));
    /* incr moves to the front */
    cr_assert_eq(mn_cache_incr(c, "b", 1, NULL, NULL), MN_OK);
    set_int(c, "e", 5, MN_CACHE_DEFAULT_TIMEOUT); /* culls c */
    cr_assert_not(has(c, "c"));
    cr_assert(has(c, "b"));
    mn_cache_free(c);
}

Test(locmem, cull_all)
{
    mn_cache *c = make("cullall", 3, MN_CACHE_CULL_ALL);
    for (int i = 0; i < 4; i++) {
        char k[8];
        snprintf(k, sizeof k, "k%d", i);
        set_int(c, k, i, MN_CACHE_DEFAULT_TIMEOUT);
    }
    cr_assert_eq(mn__cache_locmem_len(c), 1);
    cr_assert(has(c, "k3"));
    mn_cache_free(c);
}

Test(locmem, expiry_on_the_clock)
{
    mn_cache *c = make("expiry", 0, 0);
    set_int(c, "short", 1, 10);
    set_int(c, "default", 2, MN_CACHE_DEFAULT_TIMEOUT); /* 300 */
    set_int(c, "forever", 3, MN_CACHE_FOREVER);
    set_int(c, "now", 4, 0);
    set_int(c, "past", 5, -5);
    cr_assert_not(has(c, "now"));
    cr_assert_not(has(c, "past"));
    fake_now += 9.9;
    cr_assert(has(c, "short"));
    fake_now += 0.1;
    cr_assert_not(has(c, "short"), "expires at exactly the timeout, as Django (exp <= now)");
    fake_now += 289;
    cr_assert(has(c, "default"));
    cr_assert_eq(mn_cache_touch(c, "default", 1000, NULL), 1);
    fake_now += 500;
    cr_assert(has(c, "default"));
    fake_now += 1e9;
    cr_assert_not(has(c, "default"));
    cr_assert(has(c, "forever"));
    mn_cache_free(c);
}

Test(locmem, expired_entries_and_add_incr_touch)
{
    mn_err err = { 0 };
    mn_cache *c = make("exp2", 0, 0);
    set_int(c, "e", 1, 5);
    fake_now += 6;
    cr_assert_eq(mn_cache_touch(c, "e", 100, NULL), 0);
    cr_assert_eq(mn_cache_incr(c, "e", 1, NULL, &err), MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "Key ':1:e' not found");
    cr_assert_eq(mn_cache_add(c, "e", mn_value_int(7), 10, NULL), 1);
    int64_t n;
    cr_assert_eq(mn_cache_incr(c, "e", 5, &n, NULL), MN_OK);
    cr_assert_eq(n, 12);
    fake_now += 10; /* incr kept the expiry */
    cr_assert_not(has(c, "e"));
    mn_cache_free(c);
}

Test(locmem, shared_location)
{
    mn_cache *a = make("shared", 0, 0), *b = make("shared", 0, 0), *other = make("other", 0, 0);
    set_int(a, "k", 42, MN_CACHE_DEFAULT_TIMEOUT);
    mn_value v;
    cr_assert_eq(mn_cache_get(b, "k", mn_value_null(), A, &v, NULL), MN_OK);
    cr_assert_eq(v.u.i, 42);
    cr_assert_eq(mn_cache_get(other, "k", mn_value_null(), A, &v, NULL), MN_ENOTFOUND);
    mn_cache_free(a);
    cr_assert(has(b, "k"), "the store lives while a cache uses it");
    cr_assert_eq(mn_cache_clear(b, NULL), MN_OK);
    cr_assert_not(has(b, "k"));
    mn_cache_free(b);
    mn_cache_free(other);
}

Test(locmem, incr_type_errors)
{
    mn_err err = { 0 };
    mn_cache *c = make("incrtypes", 0, 0);
    mn_cache_set(c, "s", mn_value_cstr("x"), MN_CACHE_DEFAULT_TIMEOUT, NULL);
    cr_assert_eq(mn_cache_incr(c, "s", 1, NULL, &err), MN_ETYPE);
    cr_assert_str_eq(err.msg, "can only concatenate str (not \"int\") to str");
    mn_cache_set(c, "n", mn_value_null(), MN_CACHE_DEFAULT_TIMEOUT, NULL);
    cr_assert_eq(mn_cache_incr(c, "n", 1, NULL, &err), MN_ETYPE);
    cr_assert_str_eq(err.msg, "unsupported operand type(s) for +: 'NoneType' and 'int'");
    mn_cache_set(c, "b", mn_value_bool(true), MN_CACHE_DEFAULT_TIMEOUT, NULL);
    int64_t n;
    cr_assert_eq(mn_cache_incr(c, "b", 1, &n, NULL), MN_OK);
    cr_assert_eq(n, 2);
    set_int(c, "big", INT64_MAX, MN_CACHE_DEFAULT_TIMEOUT);
    cr_assert_eq(mn_cache_incr(c, "big", 1, NULL, &err), MN_ERANGE);
    cr_assert_eq(mn_cache_decr(c, "big", INT64_MIN, NULL, &err), MN_ERANGE);
    mn_cache_free(c);
}

Test(locmem, many_keys_grow_the_table)
{
    mn_cache *c = make("grow", 5000, 3);
    char k[16];
    for (int i = 0; i < 4000; i++) {
        snprintf(k, sizeof k, "key%d", i);
        set_int(c, k, i, MN_CACHE_DEFAULT_TIMEOUT);
    }
    cr_assert_eq(mn__cache_locmem_len(c), 4000);
    for (int i = 0; i < 4000; i += 97) {
        snprintf(k, sizeof k, "key%d", i);
        mn_value v;
        cr_assert_eq(mn_cache_get(c, k, mn_value_null(), A, &v, NULL), MN_OK);
        cr_assert_eq(v.u.i, i);
    }
    cr_assert_eq(mn_cache_delete(c, "key5", NULL), 1);
    cr_assert_eq(mn_cache_delete(c, "key5", NULL), 0);
    mn_cache_free(c);
}

/* ---- threads ---- */

typedef struct worker {
    mn_cache *c;
    int id;
    int errors;
} worker;

static void *hammer(void *arg)
{
    worker *w = arg;
    mn_arena *a = mn_arena_new("thread", 0);
    char k[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(k, sizeof k, "t%d-%d", w->id, i % 50);
        if (mn_cache_set(w->c, k, mn_value_int(i), MN_CACHE_DEFAULT_TIMEOUT, NULL))
            w->errors++;
        mn_value v;
        int rc = mn_cache_get(w->c, k, mn_value_null(), a, &v, NULL);
        if (rc != MN_OK && rc != MN_ENOTFOUND)
            w->errors++;
        if (mn_cache_incr(w->c, "shared-counter", 1, NULL, NULL))
            w->errors++;
        if (i % 100 == 0)
            mn_arena_reset(a);
    }
    mn_arena_free(a);
    return NULL;
}

Test(locmem, threads)
{
    mn__cache_set_clock(NULL);
    mn_cache *c = make("threads", 100, 3);
    /* the counter must survive culls: keep it in a store of its own */
    mn_cache *counter = make("threads-counter", 0, 0);
    set_int(counter, "shared-counter", 0, MN_CACHE_FOREVER);
    worker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){ .c = counter, .id = i };
        pthread_create(&t[i], NULL, hammer, &w[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    int64_t total;
    cr_assert_eq(mn_cache_incr(counter, "shared-counter", 0, &total, NULL), MN_OK);
    cr_assert_eq(total, 4 * 3000);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(w[i].errors, 0);
    /* and a store that culls all the time */
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){ .c = c, .id = i };
        pthread_create(&t[i], NULL, hammer, &w[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    cr_assert_leq(mn__cache_locmem_len(c), 100);
    mn_cache_free(c);
    mn_cache_free(counter);
}
