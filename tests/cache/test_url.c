/* CACHE_URL and Redis LOCATION parsing. */
#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

static mn_arena *A;
static void setup(void) { A = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(A); }

TestSuite(cacheurl, .init = setup, .fini = teardown);

static mn_cache_config ok(const char *url)
{
    mn_cache_config c;
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_config_from_url(url, A, &c, &err), MN_OK, "%s: %s", url, err.msg);
    return c;
}

static mn_err bad(const char *url, int want)
{
    mn_cache_config c;
    mn_err err = { 0 };
    int rc = mn_cache_config_from_url(url, A, &c, &err);
    cr_assert_eq(rc, want, "%s: %d %s", url, rc, err.msg);
    return err;
}

Test(cacheurl, locmem_and_dummy)
{
    mn_cache_config c = ok("locmem://");
    cr_assert_str_eq(c.BACKEND, "django.core.cache.backends.locmem.LocMemCache");
    cr_assert_str_eq(c.LOCATION, "");
    cr_assert_str_eq(c.alias, "default");
    c = ok("locmem://unique-snowflake?timeout=60&key_prefix=my%20app&version=2&max_entries=1000&cull_frequency=4");
    cr_assert_str_eq(c.LOCATION, "unique-snowflake");
    cr_assert_eq(c.TIMEOUT, 60);
    cr_assert_str_eq(c.KEY_PREFIX, "my app");
    cr_assert_eq(c.VERSION, 2);
    cr_assert_eq(c.MAX_ENTRIES, 1000);
    cr_assert_eq(c.CULL_FREQUENCY, 4);
    c = ok("locmem://?timeout=none&cull_frequency=0");
    cr_assert_eq(c.TIMEOUT, MN_CACHE_FOREVER);
    cr_assert_eq(c.CULL_FREQUENCY, MN_CACHE_CULL_ALL);
    c = ok("locmem://?timeout=0");
    cr_assert_eq(c.TIMEOUT, MN_CACHE_EXPIRE_NOW);
    c = ok("dummy://");
    cr_assert_str_eq(c.BACKEND, "django.core.cache.backends.dummy.DummyCache");
}

Test(cacheurl, redis)
{
    mn_cache_config c = ok("redis://127.0.0.1:6379/1");
    cr_assert_str_eq(c.BACKEND, "django.core.cache.backends.redis.RedisCache");
    cr_assert_str_eq(c.LOCATION, "redis://127.0.0.1:6379/1");
    c = ok("unix:///run/redis/redis.sock?db=2&timeout=30");
    cr_assert_eq(c.TIMEOUT, 30);
    mn_cache_redis_location loc;
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_redis_location_parse(MN_STR("redis://:s%40cret@cache.example.com:6380/3"), A, &loc, &err),
                 MN_OK);
    cr_assert_str_eq(loc.host, "cache.example.com");
    cr_assert_eq(loc.port, 6380);
    cr_assert_eq(loc.db, 3);
    cr_assert_str_eq(loc.password, "s@cret");
    cr_assert_null(loc.username);
    cr_assert_eq(mn_cache_redis_location_parse(MN_STR("redis://user:pw@[::1]"), A, &loc, &err), MN_OK);
    cr_assert_str_eq(loc.host, "::1");
    cr_assert_eq(loc.port, 6379);
    cr_assert_str_eq(loc.username, "user");
    cr_assert_eq(mn_cache_redis_location_parse(MN_STR("redis://"), A, &loc, &err), MN_OK);
    cr_assert_str_eq(loc.host, "localhost");
    cr_assert_eq(mn_cache_redis_location_parse(MN_STR("unix:///tmp/r.sock?db=4"), A, &loc, &err), MN_OK);
    cr_assert_str_eq(loc.socket, "/tmp/r.sock");
    cr_assert_null(loc.host);
    cr_assert_eq(loc.db, 4);
}

Test(cacheurl, errors_never_show_the_password)
{
    mn_err e = bad("redis://:hunter2@host:99999/0", MN_EPARSE);
    cr_assert(strstr(e.msg, "port"), "%s", e.msg);
    cr_assert_null(strstr(e.msg, "hunter2"));
    e = bad("redis://:hunter2@host/x", MN_EPARSE);
    cr_assert(strstr(e.msg, "database number"), "%s", e.msg);
    cr_assert_null(strstr(e.msg, "hunter2"));
    e = bad("rediss://:hunter2@host", MN_EINVAL);
    cr_assert(strstr(e.msg, "TLS"), "%s", e.msg);
    bad("memcached://127.0.0.1:11211", MN_EINVAL);
    bad("locmem", MN_EPARSE);
    bad("locmem://?timeout=soon", MN_EPARSE);
    bad("locmem://?max_entries=0", MN_EPARSE);
    e = bad("locmem://?colour=blue", MN_EINVAL);
    cr_assert(strstr(e.msg, "unknown option 'colour'"), "%s", e.msg);
    bad("locmem://?db=1", MN_EINVAL);
    bad("unix://relative.sock", MN_EPARSE);
    bad("redis://h:1/%zz", MN_EPARSE);
    bad("redis://[::1/0", MN_EPARSE);
    char big[MN_CACHE_URL_MAX_LEN + 20];
    memset(big, 'a', sizeof big - 1);
    memcpy(big, "locmem://", 9);
    big[sizeof big - 1] = 0;
    bad(big, MN_ELIMIT);
}
