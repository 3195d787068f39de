/* The Redis backend (django.core.cache.backends.redis.RedisCache) over
 * hiredis: one connection per thread and cache, made on first use (AUTH and
 * SELECT of the configured database), dropped after an I/O error so the next
 * operation reconnects. Timeouts are SET EX seconds; a timeout of 0 or less
 * deletes the key, as Django's backend does. Values are the cache's stored
 * format: integers as decimal text, so INCRBY works on them. */
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cache_internal.h"

typedef struct conn {
    struct conn *next;
    struct rstate *owner;
    redisContext *ctx;
} conn;

typedef struct rstate {
    mn_arena *arena;           /* the parsed location */
    mn_cache_redis_location loc;
    char where[300];           /* "127.0.0.1:6379/1" for messages (no password) */
    int timeout_ms;
    pthread_key_t key;
    pthread_mutex_t lock;      /* guards conns */
    conn *conns;
} rstate;

static void conn_unlink(rstate *s, conn *c)
{
    pthread_mutex_lock(&s->lock);
    for (conn **p = &s->conns; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    pthread_mutex_unlock(&s->lock);
}

static void conn_free(conn *c)
{
    if (c->ctx)
        redisFree(c->ctx);
    free(c);
}

/* A thread ended: its connection goes. */
static void thread_done(void *p)
{
    conn *c = p;
    conn_unlink(c->owner, c);
    conn_free(c);
}

void *mn__cache_redis_new(const mn_cache_config *cfg, mn_err *err)
{
    rstate *s = calloc(1, sizeof *s);
    if (!s || !(s->arena = mn_arena_new("cache.redis", 0))) {
        free(s);
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    const char *location = cfg->LOCATION && *cfg->LOCATION ? cfg->LOCATION : "redis://127.0.0.1:6379/0";
    if (mn_cache_redis_location_parse(mn_str_from(location), s->arena, &s->loc, err)) {
        mn_arena_free(s->arena);
        free(s);
        return NULL;
    }
    if (s->loc.socket)
        snprintf(s->where, sizeof s->where, "%s (db %d)", s->loc.socket, s->loc.db);
    else
        snprintf(s->where, sizeof s->where, "%s:%d/%d", s->loc.host, s->loc.port, s->loc.db);
    s->timeout_ms = cfg->CONNECT_TIMEOUT_MS ? (int)cfg->CONNECT_TIMEOUT_MS : 5000;
    if (pthread_key_create(&s->key, thread_done)) {
        mn_arena_free(s->arena);
        free(s);
        mn_err_set(err, MN_ENOMEM, "no thread-local key left");
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

static void redis_free(void *state)
{
    rstate *s = state;
    pthread_key_delete(s->key);
    for (conn *c = s->conns, *n; c; c = n) {
        n = c->next;
        conn_free(c);
    }
    pthread_mutex_destroy(&s->lock);
    mn_arena_free(s->arena);
    free(s);
}

/* Drops the calling thread's connection (after an error, or close()). */
static void drop(rstate *s)
{
    conn *c = pthread_getspecific(s->key);
    if (!c)
        return;
    pthread_setspecific(s->key, NULL);
    conn_unlink(s, c);
    conn_free(c);
}

static void redis_close(void *state)
{
    drop(state);
}

static int io_error(rstate *s, redisContext *ctx, mn_err *err)
{
    int rc = mn_err_set(err, MN_EIO, "Redis at %s: %s", s->where,
                        ctx && ctx->errstr[0] ? ctx->errstr : "connection lost");
    drop(s);
    return rc;
}

/* Runs a command on a fresh or the thread's connection; the reply is the
 * caller's to free. NULL with err set on an I/O error. */
static redisReply *run(rstate *s, int argc, const char **argv, const size_t *lens, mn_err *err);

static int handshake(rstate *s, redisContext *ctx, mn_err *err)
{
    char db[16];
    snprintf(db, sizeof db, "%d", s->loc.db);
    redisReply *r;
    if (s->loc.password) {
        const char *argv[3] = { "AUTH", s->loc.username ? s->loc.username : s->loc.password, s->loc.password };
        int argc = s->loc.username ? 3 : 2;
        r = redisCommandArgv(ctx, argc, argv, NULL);
        if (!r)
            return mn_err_set(err, MN_EIO, "Redis at %s: %s", s->where, ctx->errstr);
        bool bad = r->type == REDIS_REPLY_ERROR;
        if (bad)
            mn_err_set(err, MN_EPERM, "Redis at %s: AUTH failed: %s", s->where, r->str);
        freeReplyObject(r);
        if (bad)
            return MN_EPERM;
    }
    if (s->loc.db) {
        const char *argv[2] = { "SELECT", db };
        r = redisCommandArgv(ctx, 2, argv, NULL);
        if (!r)
            return mn_err_set(err, MN_EIO, "Redis at %s: %s", s->where, ctx->errstr);
        bool bad = r->type == REDIS_REPLY_ERROR;
        if (bad)
            mn_err_set(err, MN_EINVAL, "Redis at %s: SELECT %d failed: %s", s->where, s->loc.db, r->str);
        freeReplyObject(r);
        if (bad)
            return MN_EINVAL;
    }
    return MN_OK;
}

static redisContext *connection(rstate *s, mn_err *err)
{
    conn *c = pthread_getspecific(s->key);
    if (c)
        return c->ctx;
    struct timeval tv = { s->timeout_ms / 1000, (s->timeout_ms % 1000) * 1000 };
    redisContext *ctx = s->loc.socket ? redisConnectUnixWithTimeout(s->loc.socket, tv)
                                      : redisConnectWithTimeout(s->loc.host, s->loc.port, tv);
    if (!ctx || ctx->err) {
        mn_err_set(err, MN_EIO, "cannot connect to Redis at %s: %s", s->where,
                   ctx ? ctx->errstr : "out of memory");
        if (ctx)
            redisFree(ctx);
        return NULL;
    }
    redisSetTimeout(ctx, tv);
    if (handshake(s, ctx, err)) {
        redisFree(ctx);
        return NULL;
    }
    if (!(c = calloc(1, sizeof *c))) {
        redisFree(ctx);
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    c->ctx = ctx;
    c->owner = s;
    pthread_mutex_lock(&s->lock);
    c->next = s->conns;
    s->conns = c;
    pthread_mutex_unlock(&s->lock);
    pthread_setspecific(s->key, c);
    return ctx;
}

static redisReply *run(rstate *s, int argc, const char **argv, const size_t *lens, mn_err *err)
{
    redisContext *ctx = connection(s, err);
    if (!ctx)
        return NULL;
    redisReply *r = redisCommandArgv(ctx, argc, argv, lens);
    if (!r) {
        io_error(s, ctx, err);
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        int code = strstr(r->str, "not an integer") ? MN_ETYPE : strstr(r->str, "overflow") ? MN_ERANGE : MN_EIO;
        mn_err_set(err, code, "Redis at %s: %s", s->where, r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

#define FAIL_CODE(err) ((err) && (err)->code ? (err)->code : MN_EIO)

static int r_get(void *state, mn_str key, mn_arena *arena, mn_str *out, mn_err *err)
{
    const char *argv[2] = { "GET", key.ptr };
    size_t lens[2] = { 3, key.len };
    mn_err local = { 0 };
    if (!err)
        err = &local;
    redisReply *r = run(state, 2, argv, lens, err);
    if (!r)
        return FAIL_CODE(err);
    int rc = MN_ENOTFOUND;
    if (r->type == REDIS_REPLY_STRING) {
        char *p = mn_arena_memdup(arena, r->str, r->len ? r->len : 1);
        rc = p ? MN_OK : mn_err_set(err, MN_ENOMEM, "out of memory");
        *out = mn_str_make(p, r->len);
    }
    freeReplyObject(r);
    return rc;
}

/* A command whose reply is an integer (DEL, EXISTS, EXPIRE, PERSIST). */
static int int_cmd(rstate *s, int argc, const char **argv, const size_t *lens, long long *out, mn_err *err)
{
    mn_err local = { 0 };
    if (!err)
        err = &local;
    redisReply *r = run(s, argc, argv, lens, err);
    if (!r)
        return FAIL_CODE(err);
    *out = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
    freeReplyObject(r);
    return MN_OK;
}

static int r_del(void *state, mn_str key, mn_err *err)
{
    const char *argv[2] = { "DEL", key.ptr };
    size_t lens[2] = { 3, key.len };
    long long n;
    int rc = int_cmd(state, 2, argv, lens, &n, err);
    return rc ? rc : n > 0;
}

static int r_has(void *state, mn_str key, mn_err *err)
{
    const char *argv[2] = { "EXISTS", key.ptr };
    size_t lens[2] = { 6, key.len };
    long long n;
    int rc = int_cmd(state, 2, argv, lens, &n, err);
    return rc ? rc : n > 0;
}

static int r_set(void *state, mn_str key, mn_str bytes, int64_t timeout, bool add, mn_err *err)
{
    mn_err local = { 0 };
    if (!err)
        err = &local;
    char secs[24];
    const char *argv[6] = { "SET", key.ptr, bytes.ptr ? bytes.ptr : "", NULL, NULL, NULL };
    size_t lens[6] = { 3, key.len, bytes.len, 0, 0, 0 };
    int argc = 3;
    if (add) {
        argv[argc] = "NX";
        lens[argc++] = 2;
    }
    bool now = timeout != MN_CACHE_FOREVER && timeout <= 0;
    if (now && !add) /* Django: a timeout of 0 deletes */
        return r_del(state, key, err) < 0 ? FAIL_CODE(err) : MN_OK;
    if (!now && timeout != MN_CACHE_FOREVER) {
        snprintf(secs, sizeof secs, "%lld", (long long)timeout);
        argv[argc] = "EX";
        lens[argc++] = 2;
        argv[argc] = secs;
        lens[argc++] = strlen(secs);
    }
    redisReply *r = run(state, argc, argv, lens, err);
    if (!r)
        return FAIL_CODE(err);
    bool stored = r->type == REDIS_REPLY_STATUS;
    freeReplyObject(r);
    if (add && stored && now) /* stored, and expired at once */
        r_del(state, key, err);
    return add ? stored : MN_OK;
}

static int r_touch(void *state, mn_str key, int64_t timeout, mn_err *err)
{
    char secs[24];
    long long n;
    int rc;
    if (timeout == MN_CACHE_FOREVER) {
        const char *argv[2] = { "PERSIST", key.ptr };
        size_t lens[2] = { 7, key.len };
        if ((rc = int_cmd(state, 2, argv, lens, &n, err)))
            return rc;
        return n > 0 ? 1 : r_has(state, key, err); /* 0 also for a key without expiry */
    }
    if (timeout <= 0)
        return r_del(state, key, err);
    snprintf(secs, sizeof secs, "%lld", (long long)timeout);
    const char *argv[3] = { "EXPIRE", key.ptr, secs };
    size_t lens[3] = { 6, key.len, strlen(secs) };
    rc = int_cmd(state, 3, argv, lens, &n, err);
    return rc ? rc : n > 0;
}

static int r_incr(void *state, mn_str key, const char *shown, int64_t delta, int64_t *out, mn_err *err)
{
    (void)shown;
    int rc = r_has(state, key, err);
    if (rc < 0)
        return rc;
    if (!rc)
        return mn_err_set(err, MN_ENOTFOUND, "Key '%.*s' not found", MN_STR_FMT(key));
    char d[24];
    snprintf(d, sizeof d, "%lld", (long long)delta);
    const char *argv[3] = { "INCRBY", key.ptr, d };
    size_t lens[3] = { 6, key.len, strlen(d) };
    long long n;
    mn_err local = { 0 };
    if (!err)
        err = &local;
    redisReply *r = run(state, 3, argv, lens, err);
    if (!r) {
        if (err->code == MN_ETYPE) /* as Python's int + on a non-number */
            mn_err_set(err, MN_ETYPE, "the value of '%.*s' is not an integer", MN_STR_FMT(key));
        return FAIL_CODE(err);
    }
    n = r->integer;
    freeReplyObject(r);
    *out = n;
    return MN_OK;
}

static int r_clear(void *state, mn_err *err)
{
    const char *argv[1] = { "FLUSHDB" };
    mn_err local = { 0 };
    if (!err)
        err = &local;
    redisReply *r = run(state, 1, argv, NULL, err);
    if (!r)
        return FAIL_CODE(err);
    freeReplyObject(r);
    return MN_OK;
}

static int r_get_many(void *state, const mn_str *keys, size_t n, mn_arena *arena, mn_str *outs, mn_err *err)
{
    if (!n)
        return MN_OK;
    mn_err local = { 0 };
    if (!err)
        err = &local;
    const char **argv = mn_arena_alloc(arena, (n + 1) * sizeof *argv);
    size_t *lens = mn_arena_alloc(arena, (n + 1) * sizeof *lens);
    if (!argv || !lens)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    argv[0] = "MGET";
    lens[0] = 4;
    for (size_t i = 0; i < n; i++) {
        argv[i + 1] = keys[i].ptr;
        lens[i + 1] = keys[i].len;
    }
    if (n + 1 > (size_t)INT32_MAX)
        return mn_err_set(err, MN_ELIMIT, "get_many: too many keys");
    redisReply *r = run(state, (int)(n + 1), argv, lens, err);
    if (!r)
        return FAIL_CODE(err);
    int rc = MN_OK;
    if (r->type != REDIS_REPLY_ARRAY || r->elements != n) {
        rc = mn_err_set(err, MN_EIO, "Redis: unexpected MGET reply");
    } else {
        for (size_t i = 0; i < n; i++) {
            redisReply *e = r->element[i];
            outs[i] = (mn_str){ NULL, 0 };
            if (e->type != REDIS_REPLY_STRING)
                continue;
            char *p = mn_arena_memdup(arena, e->str, e->len ? e->len : 1);
            if (!p) {
                rc = mn_err_set(err, MN_ENOMEM, "out of memory");
                break;
            }
            outs[i] = mn_str_make(p, e->len);
        }
    }
    freeReplyObject(r);
    return rc;
}

const mn__cache_ops mn__cache_redis_ops = {
    .name = "redis",
    .get = r_get,
    .set = r_set,
    .del = r_del,
    .has = r_has,
    .touch = r_touch,
    .incr = r_incr,
    .clear = r_clear,
    .get_many = r_get_many,
    .close = redis_close,
    .free = redis_free,
};
