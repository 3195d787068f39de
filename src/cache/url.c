/* CACHE_URL and Redis LOCATION parsing. Messages name the part that is
 * wrong and never quote a password. */
#include <limits.h>
#include <string.h>
#include "cache_internal.h"

static int pct_decode(mn_str s, const char *what, mn_arena *arena, const char **out, mn_err *err)
{
    char *d = mn_arena_alloc(arena, s.len + 1);
    if (!d)
        return mn_err_set(err, MN_ENOMEM, "cache URL: out of memory");
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '%') {
            int h = i + 2 < s.len ? mn_hex_value((unsigned char)s.ptr[i + 1]) : -1;
            int l = i + 2 < s.len ? mn_hex_value((unsigned char)s.ptr[i + 2]) : -1;
            if (h < 0 || l < 0)
                return mn_err_set(err, MN_EPARSE, "cache URL: invalid %%-escape in the %s", what);
            c = (char)(h * 16 + l);
            if (!c)
                return mn_err_set(err, MN_EPARSE, "cache URL: %%00 in the %s", what);
            i += 2;
        }
        d[n++] = c;
    }
    d[n] = 0;
    *out = d;
    return MN_OK;
}

static int parse_int(mn_str s, int64_t min, int64_t max, const char *what, int64_t *out, mn_err *err)
{
    int64_t v;
    if (mn_str_to_i64(s, &v) != MN_OK || v < min || v > max)
        return mn_err_set(err, MN_EPARSE, "cache URL: %s must be an integer from %lld to %lld, not '%.*s'", what,
                          (long long)min, (long long)max, (int)(s.len > 40 ? 40 : s.len), s.ptr);
    *out = v;
    return MN_OK;
}

/* Splits "?a=1&b=2" off url into the query (without '?'). */
static void split_query(mn_str url, mn_str *base, mn_str *query)
{
    ptrdiff_t q = mn_str_find_char(url, '?', 0);
    if (q < 0) {
        *base = url;
        *query = MN_STR_EMPTY;
    } else {
        *base = mn_str_slice(url, 0, (size_t)q);
        *query = mn_str_slice(url, (size_t)q + 1, url.len);
    }
}

int mn_cache_redis_location_parse(mn_str url, mn_arena *arena, mn_cache_redis_location *out, mn_err *err)
{
    memset(out, 0, sizeof *out);
    out->port = 6379;
    if (url.len > MN_CACHE_URL_MAX_LEN)
        return mn_err_set(err, MN_ELIMIT, "Redis LOCATION: longer than %d bytes", MN_CACHE_URL_MAX_LEN);
    mn_str base, query;
    split_query(url, &base, &query);
    bool unix_sock = false;
    if (mn_str_starts_with(base, MN_STR("redis://")))
        base = mn_str_slice(base, 8, base.len);
    else if (mn_str_starts_with(base, MN_STR("unix://")))
        base = mn_str_slice(base, 7, base.len), unix_sock = true;
    else if (mn_str_starts_with(base, MN_STR("rediss://")))
        return mn_err_set(err, MN_EINVAL, "Redis LOCATION: rediss:// (TLS) is not supported; use redis:// on a "
                                          "trusted network or a unix:// socket");
    else
        return mn_err_set(err, MN_EINVAL, "Redis LOCATION: expected redis://host:port/db or unix:///path");
    /* userinfo: everything up to the last '@' */
    ptrdiff_t at = -1;
    for (size_t i = 0; i < base.len; i++)
        if (base.ptr[i] == '@')
            at = (ptrdiff_t)i;
    if (at >= 0) {
        mn_str info = mn_str_slice(base, 0, (size_t)at);
        base = mn_str_slice(base, (size_t)at + 1, base.len);
        mn_str user, pass;
        if (mn_str_split_once(info, ':', &user, &pass)) {
            if (pct_decode(pass, "password", arena, &out->password, err))
                return err ? err->code : MN_EPARSE;
        } else {
            user = info;
        }
        if (user.len && pct_decode(user, "user name", arena, &out->username, err))
            return err ? err->code : MN_EPARSE;
    }
    int64_t v;
    if (unix_sock) {
        if (!base.len || base.ptr[0] != '/')
            return mn_err_set(err, MN_EPARSE, "Redis LOCATION: unix:// needs an absolute socket path");
        if (pct_decode(base, "socket path", arena, &out->socket, err))
            return err ? err->code : MN_EPARSE;
    } else {
        mn_str hostport = base, db = MN_STR_EMPTY;
        ptrdiff_t slash = mn_str_find_char(base, '/', 0);
        if (slash >= 0) {
            hostport = mn_str_slice(base, 0, (size_t)slash);
            db = mn_str_slice(base, (size_t)slash + 1, base.len);
        }
        mn_str host = hostport, port = MN_STR_EMPTY;
        if (hostport.len && hostport.ptr[0] == '[') {
            ptrdiff_t close = mn_str_find_char(hostport, ']', 0);
            if (close < 0)
                return mn_err_set(err, MN_EPARSE, "Redis LOCATION: unclosed '[' in the host");
            host = mn_str_slice(hostport, 1, (size_t)close);
            mn_str rest = mn_str_slice(hostport, (size_t)close + 1, hostport.len);
            if (rest.len && rest.ptr[0] != ':')
                return mn_err_set(err, MN_EPARSE, "Redis LOCATION: junk after the host");
            if (rest.len)
                port = mn_str_slice(rest, 1, rest.len);
        } else {
            ptrdiff_t colon = mn_str_rfind_char(hostport, ':');
            if (colon >= 0) {
                host = mn_str_slice(hostport, 0, (size_t)colon);
                port = mn_str_slice(hostport, (size_t)colon + 1, hostport.len);
            }
        }
        if (!host.len)
            host = MN_STR("localhost");
        if (pct_decode(host, "host", arena, &out->host, err))
            return err ? err->code : MN_EPARSE;
        if (port.len) {
            if (parse_int(port, 1, 65535, "the port", &v, err))
                return MN_EPARSE;
            out->port = (int)v;
        }
        if (db.len) {
            if (parse_int(db, 0, INT_MAX, "the database number", &v, err))
                return MN_EPARSE;
            out->db = (int)v;
        }
    }
    size_t pos = 0;
    mn_str field;
    while (mn_str_next_field(query, '&', &pos, &field)) {
        mn_str k, val;
        if (!field.len)
            continue;
        if (!mn_str_split_once(field, '=', &k, &val))
            k = field, val = MN_STR_EMPTY;
        if (mn_str_eq_cstr(k, "db")) {
            if (parse_int(val, 0, INT_MAX, "db", &v, err))
                return MN_EPARSE;
            out->db = (int)v;
        } else if (mn_str_eq_cstr(k, "password")) {
            if (pct_decode(val, "password", arena, &out->password, err))
                return err ? err->code : MN_EPARSE;
        }
        /* other options are the cache's (timeout, key_prefix, ...) */
    }
    return MN_OK;
}

int mn_cache_config_from_url(const char *url, mn_arena *arena, mn_cache_config *out, mn_err *err)
{
    memset(out, 0, sizeof *out);
    out->alias = "default";
    mn_str u = mn_str_from(url ? url : "");
    if (u.len > MN_CACHE_URL_MAX_LEN)
        return mn_err_set(err, MN_ELIMIT, "CACHE_URL: longer than %d bytes", MN_CACHE_URL_MAX_LEN);
    mn_str base, query;
    split_query(u, &base, &query);
    ptrdiff_t sep = mn_str_find(base, MN_STR("://"), 0);
    if (sep < 0)
        return mn_err_set(err, MN_EPARSE, "CACHE_URL: expected scheme://... (locmem://, dummy://, redis://, unix://)");
    mn_str scheme = mn_str_slice(base, 0, (size_t)sep);
    mn_str rest = mn_str_slice(base, (size_t)sep + 3, base.len);
    bool is_redis = false;
    if (mn_str_eq_cstr(scheme, "locmem")) {
        out->BACKEND = "django.core.cache.backends.locmem.LocMemCache";
        if (pct_decode(rest, "location", arena, &out->LOCATION, err))
            return err ? err->code : MN_EPARSE;
    } else if (mn_str_eq_cstr(scheme, "dummy")) {
        out->BACKEND = "django.core.cache.backends.dummy.DummyCache";
        out->LOCATION = "";
    } else if (mn_str_eq_cstr(scheme, "redis") || mn_str_eq_cstr(scheme, "rediss") || mn_str_eq_cstr(scheme, "unix")) {
        out->BACKEND = "django.core.cache.backends.redis.RedisCache";
        is_redis = true;
        mn_cache_redis_location loc;
        mn_err e2 = { 0 };
        int rc = mn_cache_redis_location_parse(u, arena, &loc, &e2);
        if (rc)
            return mn_err_set(err, rc, "CACHE_URL: %s", e2.msg);
        if (!(out->LOCATION = mn_str_dup(arena, u)))
            return mn_err_set(err, MN_ENOMEM, "CACHE_URL: out of memory");
    } else {
        return mn_err_set(err, MN_EINVAL, "CACHE_URL: unknown scheme '%.*s' (locmem, dummy, redis, unix)",
                          (int)(scheme.len > 20 ? 20 : scheme.len), scheme.ptr);
    }
    size_t pos = 0;
    mn_str field;
    while (mn_str_next_field(query, '&', &pos, &field)) {
        mn_str k, val;
        int64_t v;
        if (!field.len)
            continue;
        if (!mn_str_split_once(field, '=', &k, &val))
            k = field, val = MN_STR_EMPTY;
        if (mn_str_eq_cstr(k, "timeout")) {
            if (mn_str_ieq_cstr(val, "none"))
                out->TIMEOUT = MN_CACHE_FOREVER;
            else if (parse_int(val, INT64_MIN + 1, INT64_MAX - 1, "timeout", &v, err))
                return MN_EPARSE;
            else
                out->TIMEOUT = v == 0 ? MN_CACHE_EXPIRE_NOW : v;
        } else if (mn_str_eq_cstr(k, "key_prefix")) {
            if (pct_decode(val, "key_prefix", arena, &out->KEY_PREFIX, err))
                return err ? err->code : MN_EPARSE;
        } else if (mn_str_eq_cstr(k, "version")) {
            if (parse_int(val, INT64_MIN, INT64_MAX, "version", &v, err))
                return MN_EPARSE;
            out->VERSION = v;
        } else if (mn_str_eq_cstr(k, "max_entries")) {
            if (parse_int(val, 1, INT64_MAX, "max_entries", &v, err))
                return MN_EPARSE;
            out->MAX_ENTRIES = v;
        } else if (mn_str_eq_cstr(k, "cull_frequency")) {
            if (parse_int(val, 0, INT64_MAX, "cull_frequency", &v, err))
                return MN_EPARSE;
            out->CULL_FREQUENCY = v ? v : MN_CACHE_CULL_ALL;
        } else if (mn_str_eq_cstr(k, "connect_timeout_ms")) {
            if (parse_int(val, 1, 3600000, "connect_timeout_ms", &v, err))
                return MN_EPARSE;
            out->CONNECT_TIMEOUT_MS = v;
        } else if (!(is_redis && (mn_str_eq_cstr(k, "db") || mn_str_eq_cstr(k, "password")))) {
            return mn_err_set(err, MN_EINVAL,
                              "CACHE_URL: unknown option '%.*s' (timeout, key_prefix, version, max_entries, "
                              "cull_frequency, connect_timeout_ms)",
                              (int)(k.len > 40 ? 40 : k.len), k.ptr);
        }
    }
    return MN_OK;
}
