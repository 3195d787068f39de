/* DATABASE_URL parsing (the dj-database-url forms).
 *
 * Messages name the part that is wrong and never quote the URL: it usually
 * holds a password. */
#include <string.h>
#include "manouche/settings.h"

/* Percent-decodes s into a NUL-terminated arena string. plus_space: '+' is a
 * space (query strings). */
static int decode(mn_str s, bool plus_space, const char *what, mn_arena *arena, const char **out,
                  mn_err *err)
{
    char *d = mn_arena_alloc(arena, s.len + 1);
    if (!d)
        return mn_err_set(err, MN_ENOMEM, "DATABASE_URL: out of memory");
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '%') {
            if (i + 2 >= s.len)
                return mn_err_set(err, MN_EPARSE, "DATABASE_URL: truncated %%-escape in the %s",
                                  what);
            int h = mn_hex_value((unsigned char)s.ptr[i + 1]), l = mn_hex_value((unsigned char)s.ptr[i + 2]);
            if (h < 0 || l < 0)
                return mn_err_set(err, MN_EPARSE, "DATABASE_URL: invalid %%-escape in the %s",
                                  what);
            c = (char)(h * 16 + l);
            if (c == '\0')
                return mn_err_set(err, MN_EPARSE, "DATABASE_URL: %%00 in the %s", what);
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        d[n++] = c;
    }
    d[n] = '\0';
    *out = d;
    return MN_OK;
}

static int parse_options(mn_str q, mn_arena *arena, mn_db_config *out, mn_err *err)
{
    size_t count = 1;
    for (size_t i = 0; i < q.len; i++)
        count += q.ptr[i] == '&';
    if (count > MN_DBURL_MAX_OPTIONS)
        return mn_err_set(err, MN_ELIMIT, "DATABASE_URL: more than %d options",
                          MN_DBURL_MAX_OPTIONS);
    mn_db_option *opts = mn_arena_calloc(arena, count, sizeof *opts);
    if (!opts)
        return mn_err_set(err, MN_ENOMEM, "DATABASE_URL: out of memory");
    size_t n = 0, pos = 0;
    mn_str field;
    while (mn_str_next_field(q, '&', &pos, &field)) {
        if (field.len == 0)
            continue;
        mn_str k, v;
        if (!mn_str_split_once(field, '=', &k, &v))
            return mn_err_set(err, MN_EPARSE, "DATABASE_URL: option without '=' (expected key=value)");
        if (k.len == 0)
            return mn_err_set(err, MN_EPARSE, "DATABASE_URL: option with an empty name");
        const char *key, *val;
        int rc = decode(k, true, "option name", arena, &key, err);
        if (rc == MN_OK)
            rc = decode(v, true, "option value", arena, &val, err);
        if (rc != MN_OK)
            return rc;
        size_t j = 0;
        while (j < n && strcmp(opts[j].key, key) != 0)
            j++;
        opts[j] = (mn_db_option){ key, val };
        if (j == n)
            n++;
    }
    out->options = opts;
    out->n_options = n;
    return MN_OK;
}

static int parse_port(mn_str s, int *port, mn_err *err)
{
    uint64_t v;
    if (s.len == 0 || s.len > 5 || s.ptr[0] == '+' || s.ptr[0] == '-' ||
        mn_str_to_u64(s, &v) != MN_OK || v == 0 || v > 65535)
        return mn_err_set(err, MN_EPARSE, "DATABASE_URL: the port must be a number from 1 to 65535");
    *port = (int)v;
    return MN_OK;
}

static int parse_sqlite(mn_str rest, mn_arena *arena, mn_db_config *out, mn_err *err)
{
    mn_str path = rest, query = MN_STR_EMPTY;
    mn_str_split_once(rest, '?', &path, &query);
    if (path.len == 0 || mn_str_eq_cstr(path, ":memory:") || mn_str_eq_cstr(path, "/:memory:")) {
        out->name = ":memory:";
    } else if (path.ptr[0] != '/') {
        return mn_err_set(err, MN_EPARSE,
                          "DATABASE_URL: a sqlite URL takes no host: write sqlite:///relative.db, "
                          "sqlite:////absolute/path.db or sqlite://:memory:");
    } else {
        path = mn_str_slice(path, 1, path.len);
        if (path.len == 0)
            return mn_err_set(err, MN_EPARSE, "DATABASE_URL: empty sqlite path");
        int rc = decode(path, false, "path", arena, &out->name, err);
        if (rc != MN_OK)
            return rc;
    }
    return query.len ? parse_options(query, arena, out, err) : MN_OK;
}

static int parse_postgres(mn_str rest, mn_arena *arena, mn_db_config *out, mn_err *err)
{
    size_t i = 0;
    while (i < rest.len && rest.ptr[i] != '/' && rest.ptr[i] != '?')
        i++;
    mn_str netloc = mn_str_slice(rest, 0, i);
    mn_str after = mn_str_slice(rest, i, rest.len);
    mn_str path = after, query = MN_STR_EMPTY;
    mn_str_split_once(after, '?', &path, &query);
    int rc;

    ptrdiff_t at = mn_str_rfind_char(netloc, '@');
    mn_str hostport = netloc;
    if (at >= 0) {
        mn_str userinfo = mn_str_slice(netloc, 0, (size_t)at);
        hostport = mn_str_slice(netloc, (size_t)at + 1, netloc.len);
        mn_str user = userinfo, pass;
        bool has_pass = mn_str_split_once(userinfo, ':', &user, &pass);
        if (user.len) {
            if ((rc = decode(user, false, "user name", arena, &out->user, err)) != MN_OK)
                return rc;
        }
        if (has_pass) {
            if ((rc = decode(pass, false, "password", arena, &out->password, err)) != MN_OK)
                return rc;
        }
    }
    mn_str host = hostport, port = MN_STR_EMPTY;
    bool has_port = false;
    if (hostport.len && hostport.ptr[0] == '[') {
        ptrdiff_t close = mn_str_find_char(hostport, ']', 0);
        if (close < 0)
            return mn_err_set(err, MN_EPARSE, "DATABASE_URL: unclosed '[' in the host");
        host = mn_str_slice(hostport, 1, (size_t)close);
        mn_str tail = mn_str_slice(hostport, (size_t)close + 1, hostport.len);
        if (tail.len) {
            if (tail.ptr[0] != ':')
                return mn_err_set(err, MN_EPARSE, "DATABASE_URL: unexpected text after ']' in the host");
            port = mn_str_slice(tail, 1, tail.len);
            has_port = true;
        }
        if (host.len == 0)
            return mn_err_set(err, MN_EPARSE, "DATABASE_URL: empty IPv6 address");
    } else {
        ptrdiff_t colon = mn_str_rfind_char(hostport, ':');
        if (colon >= 0) {
            host = mn_str_slice(hostport, 0, (size_t)colon);
            port = mn_str_slice(hostport, (size_t)colon + 1, hostport.len);
            has_port = true;
        }
    }
    for (size_t j = 0; j < host.len; j++) {
        char c = host.ptr[j];
        if (c == '[' || c == ']' || c == '@')
            return mn_err_set(err, MN_EPARSE, "DATABASE_URL: invalid character in the host");
    }
    if (host.len && (rc = decode(host, false, "host", arena, &out->host, err)) != MN_OK)
        return rc;
    if (has_port && (rc = parse_port(port, &out->port, err)) != MN_OK)
        return rc;

    if (path.len <= 1)
        return mn_err_set(err, MN_EPARSE, "DATABASE_URL: missing database name "
                                          "(postgres://user:password@host:port/NAME)");
    mn_str name = mn_str_slice(path, 1, path.len);
    if (mn_str_find_char(name, '/', 0) >= 0)
        return mn_err_set(err, MN_EPARSE, "DATABASE_URL: '/' in the database name");
    if ((rc = decode(name, false, "database name", arena, &out->name, err)) != MN_OK)
        return rc;
    return query.len ? parse_options(query, arena, out, err) : MN_OK;
}

int mn_dburl_parse(mn_str url, mn_arena *arena, mn_db_config *out, mn_err *err)
{
    *out = (mn_db_config){ 0 };
    if (url.len > MN_DBURL_MAX_LEN)
        return mn_err_set(err, MN_ELIMIT, "DATABASE_URL: longer than %d bytes", MN_DBURL_MAX_LEN);
    for (size_t i = 0; i < url.len; i++) {
        unsigned char c = (unsigned char)url.ptr[i];
        if (c <= 0x20 || c == 0x7f)
            return mn_err_set(err, MN_EPARSE,
                              "DATABASE_URL: space or control character at offset %zu "
                              "(percent-encode it)", i);
        if (c == '#')
            return mn_err_set(err, MN_EPARSE,
                              "DATABASE_URL: '#' at offset %zu (percent-encode it as %%23)", i);
    }
    ptrdiff_t sep = mn_str_find(url, MN_STR("://"), 0);
    if (sep <= 0)
        return mn_err_set(err, MN_EPARSE,
                          "DATABASE_URL: expected scheme://... such as sqlite:///db.sqlite3 or "
                          "postgres://user:password@host/name");
    mn_str scheme = mn_str_slice(url, 0, (size_t)sep);
    mn_str rest = mn_str_slice(url, (size_t)sep + 3, url.len);
    if (mn_str_ieq_cstr(scheme, "sqlite")) {
        out->engine = MN_DB_SQLITE;
        return parse_sqlite(rest, arena, out, err);
    }
    if (mn_str_ieq_cstr(scheme, "postgres") || mn_str_ieq_cstr(scheme, "postgresql") ||
        mn_str_ieq_cstr(scheme, "pgsql")) {
        out->engine = MN_DB_POSTGRES;
        return parse_postgres(rest, arena, out, err);
    }
    for (size_t i = 0; i < scheme.len; i++) {
        char c = scheme.ptr[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.'))
            return mn_err_set(err, MN_EPARSE, "DATABASE_URL: invalid scheme");
    }
    return mn_err_set(err, MN_EINVAL,
                      "DATABASE_URL: unsupported scheme '%.*s' (expected sqlite, postgres or "
                      "postgresql)", (int)(scheme.len > 32 ? 32 : scheme.len), scheme.ptr);
}

const char *mn_db_config_option(const mn_db_config *db, const char *key)
{
    for (size_t i = 0; i < db->n_options; i++)
        if (strcmp(db->options[i].key, key) == 0)
            return db->options[i].value;
    return NULL;
}
