/* The Redis backend against the server started by tests/redis.sh
 * (MN_TEST_REDIS_URL, MN_TEST_REDIS_SOCKET); run by
 * tests/integration/cache_redis.sh. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"

static mn_arena *A;
static mn_cache *C;

static mn_cache *open_cache(const char *location, const char *prefix)
{
    mn_err err = { 0 };
    mn_cache_config cfg = { .BACKEND = "django.core.cache.backends.redis.RedisCache", .LOCATION = location,
                            .KEY_PREFIX = prefix };
    mn_cache *c = mn_cache_new(&cfg, &err);
    cr_assert_not_null(c, "%s", err.msg);
    return c;
}

static void setup(void)
{
    const char *url = getenv("MN_TEST_REDIS_URL");
    cr_assert_not_null(url, "run through tests/integration/cache_redis.sh");
    A = mn_arena_new("test", 0);
    C = open_cache(url, "myapp");
    cr_assert_eq(mn_cache_clear(C, NULL), MN_OK);
}

static void teardown(void)
{
    mn_cache_free(C);
    mn_arena_free(A);
}

TestSuite(redis, .init = setup, .fini = teardown);

Test(redis, values_round_trip)
{
    mn_err err = { 0 };
    mn_map *m = mn_map_new(A, 4);
    mn_map_set_cstr(m, "name", mn_value_cstr("Laptop"));
    mn_map_set_cstr(m, "price", mn_value_decimal(mn_decimal_make(99999, 2)));
    mn_map_set_cstr(m, "added", mn_value_date((mn_date){ 2024, 1, 5 }));
    mn_map_set_cstr(m, "none", mn_value_null());
    cr_assert_eq(mn_cache_set(C, "product_1", mn_value_map(m), 300, &err), MN_OK, "%s", err.msg);
    mn_value v;
    cr_assert_eq(mn_cache_get(C, "product_1", mn_value_null(), A, &v, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_value_eq(v, mn_value_map(m)));
    cr_assert_eq(mn_cache_get(C, "nope", mn_value_cstr("d"), A, &v, &err), MN_ENOTFOUND);
    cr_assert(mn_str_eq_cstr(v.u.s, "d"));
    mn_cache_set(C, "none", mn_value_null(), 300, NULL);
    cr_assert_eq(mn_cache_get(C, "none", mn_value_cstr("d"), A, &v, &err), MN_OK);
    cr_assert(mn_value_is_null(v));
    /* binary-safe strings */
    cr_assert_eq(mn_cache_set(C, "bin", mn_value_str(mn_str_make("a\0b\r\n", 5)), 300, &err), MN_OK);
    cr_assert_eq(mn_cache_get(C, "bin", mn_value_null(), A, &v, &err), MN_OK);
    cr_assert_eq(v.u.s.len, 5);
}

Test(redis, add_delete_has_touch)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_add(C, "k", mn_value_int(1), 300, &err), 1);
    cr_assert_eq(mn_cache_add(C, "k", mn_value_int(2), 300, &err), 0);
    cr_assert_eq(mn_cache_has_key(C, "k", &err), 1);
    cr_assert_eq(mn_cache_touch(C, "k", 100, &err), 1);
    cr_assert_eq(mn_cache_touch(C, "k", MN_CACHE_FOREVER, &err), 1);
    cr_assert_eq(mn_cache_touch(C, "k", MN_CACHE_FOREVER, &err), 1, "already without expiry");
    cr_assert_eq(mn_cache_touch(C, "missing", 100, &err), 0);
    cr_assert_eq(mn_cache_delete(C, "k", &err), 1);
    cr_assert_eq(mn_cache_delete(C, "k", &err), 0);
    cr_assert_eq(mn_cache_has_key(C, "k", &err), 0);
    /* timeout 0: not kept */
    cr_assert_eq(mn_cache_set(C, "zero", mn_value_int(1), 0, &err), MN_OK);
    cr_assert_eq(mn_cache_has_key(C, "zero", &err), 0);
    cr_assert_eq(mn_cache_add(C, "zero", mn_value_int(1), 0, &err), 1);
    cr_assert_eq(mn_cache_has_key(C, "zero", &err), 0);
}

Test(redis, expiry)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_set(C, "short", mn_value_int(1), 1, &err), MN_OK);
    cr_assert_eq(mn_cache_has_key(C, "short", &err), 1);
    usleep(2100 * 1000);
    cr_assert_eq(mn_cache_has_key(C, "short", &err), 0);
}

Test(redis, incr_and_versions)
{
    mn_err err = { 0 };
    int64_t n;
    cr_assert_eq(mn_cache_incr(C, "count", 1, &n, &err), MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "Key 'myapp:1:count' not found");
    mn_cache_set(C, "count", mn_value_int(41), MN_CACHE_FOREVER, NULL);
    cr_assert_eq(mn_cache_incr(C, "count", 1, &n, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(n, 42);
    cr_assert_eq(mn_cache_decr(C, "count", 50, &n, &err), MN_OK);
    cr_assert_eq(n, -8);
    mn_value v;
    cr_assert_eq(mn_cache_get(C, "count", mn_value_null(), A, &v, NULL), MN_OK);
    cr_assert_eq(v.type, MN_VALUE_INT);
    cr_assert_eq(v.u.i, -8);
    mn_cache_set(C, "s", mn_value_cstr("x"), 300, NULL);
    cr_assert_eq(mn_cache_incr(C, "s", 1, &n, &err), MN_ETYPE);
    mn_cache_set(C, "big", mn_value_int(INT64_MAX), 300, NULL);
    cr_assert_eq(mn_cache_incr(C, "big", 1, &n, &err), MN_ERANGE);
    cr_assert_eq(mn_cache_incr_version(C, "count", 1, &n, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_eq(mn_cache_has_key(C, "count", NULL), 0);
    cr_assert_eq(mn_cache_get(mn_cache_with_version(C, 2, A), "count", mn_value_null(), A, &v, NULL), MN_OK);
    cr_assert_eq(v.u.i, -8);
}

Test(redis, many_with_mget)
{
    mn_map *data = mn_map_new(A, 3);
    mn_map_set_cstr(data, "key1", mn_value_cstr("value1"));
    mn_map_set_cstr(data, "key2", mn_value_int(2));
    cr_assert_eq(mn_cache_set_many(C, data, 300, NULL), MN_OK);
    const char *keys[] = { "key1", "key2", "key3" };
    mn_map *got;
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_get_many(C, keys, 3, A, &got, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_map_len(got), 2);
    cr_assert_eq(mn_map_get_cstr(got, "key2").u.i, 2);
    cr_assert_eq(mn_cache_delete_many(C, keys, 3, NULL), MN_OK);
    cr_assert_eq(mn_cache_get_many(C, keys, 3, A, &got, &err), MN_OK);
    cr_assert_eq(mn_map_len(got), 0);
}

Test(redis, clear_only_flushes_its_database)
{
    const char *url = getenv("MN_TEST_REDIS_URL");
    char *db1 = mn_arena_sprintf(A, "%.*s1", (int)strlen(url) - 1, url);
    mn_cache *other = open_cache(db1, "myapp");
    mn_cache_set(C, "k", mn_value_int(1), 300, NULL);
    mn_cache_set(other, "k", mn_value_int(2), 300, NULL);
    mn_value v;
    cr_assert_eq(mn_cache_get(other, "k", mn_value_null(), A, &v, NULL), MN_OK);
    cr_assert_eq(v.u.i, 2, "databases are separate");
    cr_assert_eq(mn_cache_clear(other, NULL), MN_OK);
    cr_assert_eq(mn_cache_has_key(other, "k", NULL), 0);
    cr_assert_eq(mn_cache_has_key(C, "k", NULL), 1);
    mn_cache_free(other);
}

Test(redis, unix_socket_and_url)
{
    const char *sock = getenv("MN_TEST_REDIS_SOCKET");
    cr_assert_not_null(sock);
    mn_cache_config cfg;
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_config_from_url(mn_arena_sprintf(A, "unix://%s?db=0&key_prefix=myapp", sock), A, &cfg, &err),
                 MN_OK, "%s", err.msg);
    mn_cache *u = mn_cache_new(&cfg, &err);
    cr_assert_not_null(u, "%s", err.msg);
    mn_cache_set(C, "shared", mn_value_cstr("tcp"), 300, NULL);
    mn_value v;
    cr_assert_eq(mn_cache_get(u, "shared", mn_value_null(), A, &v, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(v.u.s, "tcp"));
    mn_cache_free(u);
}

Test(redis, connection_failures_are_clear)
{
    mn_cache *dead = open_cache("redis://127.0.0.1:1/0", "");
    mn_err err = { 0 };
    mn_value v;
    cr_assert_eq(mn_cache_get(dead, "k", mn_value_null(), A, &v, &err), MN_EIO);
    cr_assert(strstr(err.msg, "cannot connect to Redis at 127.0.0.1:1/0"), "%s", err.msg);
    cr_assert_eq(mn_cache_set(dead, "k", mn_value_int(1), 10, &err), MN_EIO);
    mn_cache_free(dead);
    mn_cache *badpw = open_cache(mn_arena_sprintf(A, "redis://:wrong@127.0.0.1:%s", strrchr(getenv("MN_TEST_REDIS_URL"), ':') + 1), "");
    cr_assert_lt(mn_cache_get(badpw, "k", mn_value_null(), A, &v, &err), 0);
    cr_assert_null(strstr(err.msg, "wrong"), "%s", err.msg);
    mn_cache_free(badpw);
    /* a closed connection is made again */
    mn_cache_close(C);
    cr_assert_eq(mn_cache_set(C, "after", mn_value_int(1), 10, &err), MN_OK, "%s", err.msg);
}

static void *worker(void *arg)
{
    mn_cache *c = arg;
    mn_arena *a = mn_arena_new("thread", 0);
    long bad = 0;
    for (int i = 0; i < 200; i++) {
        if (mn_cache_incr(c, "hits", 1, NULL, NULL))
            bad++;
        mn_value v;
        if (mn_cache_get(c, "hits", mn_value_null(), a, &v, NULL))
            bad++;
    }
    mn_arena_free(a);
    return (void *)bad;
}

Test(redis, threads_have_their_own_connection)
{
    mn_cache_set(C, "hits", mn_value_int(0), MN_CACHE_FOREVER, NULL);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, C);
    for (int i = 0; i < 4; i++) {
        void *bad;
        pthread_join(t[i], &bad);
        cr_assert_eq((long)bad, 0);
    }
    mn_value v;
    cr_assert_eq(mn_cache_get(C, "hits", mn_value_null(), A, &v, NULL), MN_OK);
    cr_assert_eq(v.u.i, 800);
}
