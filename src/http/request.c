/* mn_request: Django's HttpRequest over a parsed head and body. Everything
 * derived (GET, POST, FILES, COOKIES, META values) is computed on first use
 * in the request arena. */
#include <stdio.h>
#include <string.h>
#include "http_internal.h"
#include "manouche/json.h"

struct mn_request {
    mn_arena *arena;
    mn_http_settings settings;
    mn_http_head head;
    mn_str path; /* decoded */
    mn_str body;
    mn__conn_info conn;
    char remote_addr[64];
    char server_name[64];
    mn_querydict *get, *post;
    mn_uploaded_file *files;
    size_t nfiles, files_cap;
    bool post_parsed;
    mn_map *cookies;
    bool ct_parsed;
    mn_str content_type, ct_params;
    const char *error;
    const mn_url_match *match;
    struct req_attr *attrs;
};

struct req_attr {
    const char *key;
    void *value;
    struct req_attr *next;
};

const mn_url_match *mn_request_match(const mn_request *req) { return req->match; }

void mn_request_set_match(mn_request *req, const mn_url_match *match) { req->match = match; }

int mn_request_set_attr(mn_request *req, const char *key, void *value)
{
    for (struct req_attr *a = req->attrs; a; a = a->next) {
        if (!strcmp(a->key, key)) {
            a->value = value;
            return MN_OK;
        }
    }
    struct req_attr *a = mn_arena_alloc(req->arena, sizeof *a);
    if (!a)
        return MN_ENOMEM;
    *a = (struct req_attr){ .key = key, .value = value, .next = req->attrs };
    req->attrs = a;
    return MN_OK;
}

void *mn_request_attr(const mn_request *req, const char *key)
{
    for (const struct req_attr *a = req->attrs; a; a = a->next)
        if (a->key == key || !strcmp(a->key, key))
            return a->value;
    return NULL;
}

void mn_http_settings_init(mn_http_settings *s)
{
    memset(s, 0, sizeof *s);
    s->data_upload_max_memory_size = 2621440;
    s->data_upload_max_number_fields = 1000;
    s->file_upload_max_memory_size = 2621440;
    s->file_upload_max_size = (size_t)64 << 20;
}

static void settings_fill(mn_http_settings *dst, const mn_http_settings *src)
{
    mn_http_settings def;
    mn_http_settings_init(&def);
    *dst = src ? *src : def;
    if (!dst->data_upload_max_memory_size)
        dst->data_upload_max_memory_size = def.data_upload_max_memory_size;
    if (!dst->data_upload_max_number_fields)
        dst->data_upload_max_number_fields = def.data_upload_max_number_fields;
    if (!dst->file_upload_max_memory_size)
        dst->file_upload_max_memory_size = def.file_upload_max_memory_size;
    if (!dst->file_upload_max_size)
        dst->file_upload_max_size = def.file_upload_max_size;
}

/* Bounded copy (snprintf costs too much on the per-request path). */
static void copy_cstr(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

mn_request *mn__request_new(mn_arena *arena, const mn_http_head *head, mn_str body,
                            const mn__conn_info *conn, const mn_http_settings *settings,
                            int *status)
{
    mn_request *req = mn_arena_calloc(arena, 1, sizeof *req);
    if (!req) {
        *status = 500;
        return NULL;
    }
    req->arena = arena;
    settings_fill(&req->settings, settings);
    req->head = *head;
    req->body = body;
    req->conn = *conn;
    copy_cstr(req->remote_addr, sizeof req->remote_addr, conn->remote_addr ? conn->remote_addr : "127.0.0.1");
    copy_cstr(req->server_name, sizeof req->server_name, conn->server_name ? conn->server_name : "localhost");
    req->conn.remote_addr = req->remote_addr;
    req->conn.server_name = req->server_name;
    if (mn_str_eq_cstr(head->path, "*")) {
        req->path = head->path;
        return req;
    }
    /* The decoded path must be UTF-8 without NUL: views and the URL
     * resolver may treat it as a C string. */
    int drc;
    req->path = mn__url_decode(arena, head->path, false, true, &drc);
    if (!req->path.ptr) {
        *status = drc == MN_EPARSE ? 400 : 500;
        return NULL;
    }
    if (memchr(req->path.ptr, '\0', req->path.len)) {
        *status = 400;
        return NULL;
    }
    return req;
}

mn_request *mn_request_from_raw(mn_arena *arena, const char *raw, size_t len,
                                const char *remote_addr, const mn_http_settings *settings,
                                int *status, mn_err *err)
{
    int dummy;
    if (!status)
        status = &dummy;
    mn_header *hdrs = mn_arena_alloc(arena, MN_HTTP_DEFAULT_MAX_HEADER_COUNT * sizeof *hdrs);
    if (!hdrs) {
        *status = 500;
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_http_head head;
    ptrdiff_t n = mn_http_parse_head(raw, len, NULL, hdrs, MN_HTTP_DEFAULT_MAX_HEADER_COUNT, &head);
    if (n <= 0) {
        *status = n == 0 ? 400 : (int)-n;
        mn_err_set(err, MN_EPARSE, "%s", n == 0 ? "incomplete request head" : mn_http_reason(*status));
        return NULL;
    }
    mn_http_settings s;
    settings_fill(&s, settings);
    mn_str body = MN_STR_EMPTY;
    if (head.chunked) {
        char *copy = mn_arena_memdup(arena, raw + n, len - (size_t)n);
        if (!copy && len > (size_t)n) {
            *status = 500;
            mn_err_set(err, MN_ENOMEM, "out of memory");
            return NULL;
        }
        mn_http_chunked st = { 0 };
        size_t dec = 0, rawpos = 0;
        int rc = mn_http_chunked_decode(&st, copy, &dec, &rawpos, len - (size_t)n,
                                        s.data_upload_max_memory_size);
        if (rc != 1) {
            *status = rc == 0 ? 400 : -rc;
            mn_err_set(err, MN_EPARSE, "bad chunked body");
            return NULL;
        }
        body = mn_str_make(copy ? copy : "", dec);
    } else if (head.content_length > 0) {
        if ((uint64_t)head.content_length > len - (size_t)n) {
            *status = 400;
            mn_err_set(err, MN_EPARSE, "body shorter than Content-Length");
            return NULL;
        }
        body = mn_str_make(raw + n, (size_t)head.content_length);
    }
    mn__conn_info ci = { .remote_addr = remote_addr, .remote_port = 0,
                         .server_name = "testserver", .server_port = 80 };
    mn_request *req = mn__request_new(arena, &head, body, &ci, &s, status);
    if (!req)
        mn_err_set(err, MN_EPARSE, "invalid request path");
    return req;
}

const mn_http_head *mn__request_head(const mn_request *req) { return &req->head; }
const mn_http_settings *mn__request_settings(const mn_request *req) { return &req->settings; }
mn_arena *mn_request_arena(const mn_request *req) { return req->arena; }
mn_str mn_request_method(const mn_request *req) { return req->head.method; }
mn_str mn_request_path(const mn_request *req) { return req->path; }
mn_str mn_request_query_string(const mn_request *req) { return req->head.query; }
mn_str mn_request_body(const mn_request *req) { return req->body; }
const char *mn_request_error(const mn_request *req) { return req->error; }
bool mn_request_is_http11(const mn_request *req) { return req->head.version_minor == 1; }

bool mn_request_is_method(const mn_request *req, const char *m)
{
    return mn_str_eq_cstr(req->head.method, m);
}

const mn_header *mn_request_headers(const mn_request *req, size_t *count)
{
    *count = req->head.nheaders;
    return req->head.headers;
}

mn_str mn_request_full_path(const mn_request *req)
{
    if (!req->head.query.len)
        return req->head.path;
    char *s = mn_arena_sprintf(req->arena, "%.*s?%.*s", MN_STR_FMT(req->head.path),
                               MN_STR_FMT(req->head.query));
    return s ? mn_str_from(s) : req->head.path;
}

static bool header_join(const mn_request *req, mn_str name, const char *sep, mn_str *out)
{
    const mn_header *h = req->head.headers;
    size_t n = req->head.nheaders, found = 0;
    mn_buf b;
    for (size_t i = 0; i < n; i++) {
        if (!mn_str_ieq(h[i].name, name))
            continue;
        if (found == 0) {
            *out = h[i].value;
        } else {
            if (found == 1) {
                mn_buf_init(&b, req->arena, 0);
                mn_buf_put_str(&b, *out);
            }
            mn_buf_puts(&b, sep);
            mn_buf_put_str(&b, h[i].value);
        }
        found++;
    }
    if (found > 1 && !mn_buf_error(&b))
        *out = mn_buf_str(&b);
    return found > 0;
}

bool mn_request_header(const mn_request *req, const char *name, mn_str *out)
{
    return header_join(req, mn_str_from(name), ", ", out);
}

const mn_querydict *mn_request_query(mn_request *req)
{
    if (req->get)
        return req->get;
    req->get = mn_querydict_new(req->arena);
    if (!req->get)
        return NULL;
    mn_err err = { 0 };
    if (mn_querydict_parse(req->get, req->head.query, req->settings.data_upload_max_number_fields,
                           &err)) {
        req->error = mn_arena_strdup(req->arena, err.msg);
        req->get = mn_querydict_new(req->arena);
    }
    return req->get;
}

/* Splits Content-Type into a lower-cased media type and its parameters. */
static void parse_content_type(mn_request *req)
{
    if (req->ct_parsed)
        return;
    req->ct_parsed = true;
    mn_str v;
    req->content_type = MN_STR_EMPTY;
    req->ct_params = MN_STR_EMPTY;
    if (!mn_request_header(req, "Content-Type", &v))
        return;
    mn_str type, params;
    mn_str_split_once(v, ';', &type, &params);
    type = mn_str_trim(type);
    char *lower = mn_arena_alloc(req->arena, type.len + 1);
    if (!lower)
        return;
    for (size_t i = 0; i < type.len; i++) {
        char c = type.ptr[i];
        lower[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    lower[type.len] = '\0';
    req->content_type = mn_str_make(lower, type.len);
    req->ct_params = params;
}

/* The value of a Content-Type parameter (quotes removed), or empty. */
static mn_str ct_param(mn_str params, const char *name)
{
    size_t pos = 0;
    mn_str field;
    while (mn_str_next_field(params, ';', &pos, &field)) {
        mn_str k, v;
        if (!mn_str_split_once(field, '=', &k, &v))
            continue;
        if (!mn_str_ieq_cstr(mn_str_trim(k), name))
            continue;
        v = mn_str_trim(v);
        if (v.len >= 2 && v.ptr[0] == '"' && v.ptr[v.len - 1] == '"')
            v = mn_str_make(v.ptr + 1, v.len - 2);
        return v;
    }
    return MN_STR_EMPTY;
}

mn_str mn_request_content_type(mn_request *req)
{
    parse_content_type(req);
    return req->content_type;
}

int mn__request_add_file(mn_request *req, const mn_uploaded_file *f)
{
    if (req->nfiles == req->files_cap) {
        size_t ncap = req->files_cap ? req->files_cap * 2 : 4;
        mn_uploaded_file *nf = mn_arena_realloc(req->arena, req->files, req->files_cap * sizeof *nf,
                                                ncap * sizeof *nf);
        if (!nf)
            return MN_ENOMEM;
        req->files = nf;
        req->files_cap = ncap;
    }
    req->files[req->nfiles++] = *f;
    return MN_OK;
}

int mn__request_set_post(mn_request *req, mn_querydict *post, const char *error)
{
    req->post_parsed = true;
    req->post = post;
    req->error = error ? mn_arena_strdup(req->arena, error) : NULL;
    return post && (!error || req->error) ? MN_OK : MN_ENOMEM;
}

static void parse_post(mn_request *req)
{
    if (req->post_parsed)
        return;
    req->post_parsed = true;
    req->post = mn_querydict_new(req->arena);
    if (!req->post)
        return;
    parse_content_type(req);
    mn_err err = { 0 };
    int rc = MN_OK;
    if (mn_str_eq_cstr(req->content_type, "application/x-www-form-urlencoded")) {
        rc = mn_querydict_parse(req->post, req->body, req->settings.data_upload_max_number_fields,
                                &err);
    } else if (mn_str_eq_cstr(req->content_type, "multipart/form-data")) {
        mn_str boundary = ct_param(req->ct_params, "boundary");
        if (!boundary.len)
            rc = mn_err_set(&err, MN_EPARSE, "Invalid boundary in multipart: None");
        else
            rc = mn__multipart_parse(req, req->body, boundary, req->post, &err);
    }
    if (rc) {
        req->error = mn_arena_strdup(req->arena, err.msg);
        req->post = mn_querydict_new(req->arena);
    }
}

const mn_querydict *mn_request_post(mn_request *req)
{
    parse_post(req);
    return req->post;
}

size_t mn_request_file_count(mn_request *req)
{
    parse_post(req);
    return req->nfiles;
}

const mn_uploaded_file *mn_request_file_at(mn_request *req, size_t i)
{
    parse_post(req);
    return i < req->nfiles ? &req->files[i] : NULL;
}

const mn_uploaded_file *mn_request_file(mn_request *req, const char *field)
{
    parse_post(req);
    for (size_t i = req->nfiles; i-- > 0;)
        if (mn_str_eq_cstr(req->files[i].field_name, field))
            return &req->files[i];
    return NULL;
}

const mn_map *mn_request_cookies(mn_request *req)
{
    if (req->cookies)
        return req->cookies;
    req->cookies = mn_map_new(req->arena, 4);
    if (!req->cookies)
        return NULL;
    mn_str h;
    if (header_join(req, MN_STR("Cookie"), "; ", &h))
        mn_cookies_parse(req->arena, h, req->cookies);
    return req->cookies;
}

bool mn_request_cookie(mn_request *req, const char *name, mn_str *out)
{
    const mn_map *m = mn_request_cookies(req);
    if (!m)
        return false;
    mn_value *v = mn_map_find(m, mn_str_from(name));
    if (!v)
        return false;
    *out = v->u.s;
    return true;
}

/* META keys for headers: HTTP_ + upper-case name with '-' as '_'. Names with
 * '_' are skipped, as Django's runserver does: they could impersonate a
 * header spelled with '-'. */
static bool meta_header(const mn_request *req, mn_str key, const char *sep, mn_str *out)
{
    for (size_t i = 0; i < req->head.nheaders; i++) {
        mn_str name = req->head.headers[i].name;
        if (name.len != key.len || memchr(name.ptr, '_', name.len))
            continue;
        bool same = true;
        for (size_t j = 0; j < name.len && same; j++) {
            char c = name.ptr[j];
            c = c == '-' ? '_' : (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
            same = c == key.ptr[j];
        }
        if (same)
            return header_join(req, name, sep, out);
    }
    return false;
}

bool mn_request_meta(mn_request *req, const char *key, mn_str *out)
{
    mn_str k = mn_str_from(key);
    char num[24];
    if (mn_str_starts_with(k, MN_STR("HTTP_")))
        return meta_header(req, mn_str_make(k.ptr + 5, k.len - 5),
                           mn_str_eq_cstr(k, "HTTP_COOKIE") ? "; " : ",", out);
    if (!strcmp(key, "CONTENT_TYPE"))
        return mn_request_header(req, "Content-Type", out);
    if (!strcmp(key, "CONTENT_LENGTH"))
        return mn_request_header(req, "Content-Length", out);
    if (!strcmp(key, "QUERY_STRING")) {
        *out = req->head.query;
        return true;
    }
    if (!strcmp(key, "REQUEST_METHOD")) {
        *out = req->head.method;
        return true;
    }
    if (!strcmp(key, "PATH_INFO")) {
        *out = req->path;
        return true;
    }
    if (!strcmp(key, "REMOTE_ADDR")) {
        *out = mn_str_from(req->remote_addr);
        return true;
    }
    if (!strcmp(key, "SERVER_NAME")) {
        *out = mn_str_from(req->server_name);
        return true;
    }
    if (!strcmp(key, "SERVER_PROTOCOL")) {
        *out = req->head.version_minor ? MN_STR("HTTP/1.1") : MN_STR("HTTP/1.0");
        return true;
    }
    if (!strcmp(key, "SCRIPT_NAME")) {
        *out = MN_STR_EMPTY;
        return true;
    }
    int port = -1;
    if (!strcmp(key, "SERVER_PORT"))
        port = req->conn.server_port;
    else if (!strcmp(key, "REMOTE_PORT"))
        port = req->conn.remote_port;
    if (port < 0)
        return false;
    snprintf(num, sizeof num, "%d", port);
    *out = mn_str_clone(req->arena, mn_str_from(num));
    return out->ptr != NULL;
}

mn_str mn_request_scheme(mn_request *req)
{
    const char *h = req->settings.secure_proxy_ssl_header;
    if (h && req->settings.secure_proxy_ssl_value) {
        mn_str v;
        bool found = !strncmp(h, "HTTP_", 5) ? mn_request_meta(req, h, &v)
                                             : mn_request_header(req, h, &v);
        if (found)
            return mn_str_eq_cstr(v, req->settings.secure_proxy_ssl_value) ? MN_STR("https")
                                                                           : MN_STR("http");
    }
    return req->conn.tls ? MN_STR("https") : MN_STR("http");
}

bool mn_request_is_secure(mn_request *req)
{
    return mn_str_eq_cstr(mn_request_scheme(req), "https");
}

/* Django's split_domain_port: lower-cases, validates against
 * ^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9\.:]+\])(:\d+)?$, drops a trailing dot. */
/* host in lower case: host itself when it has no upper-case letter (nearly
 * always), else a copy in arena (NULL when out of memory). */
static const char *lowered(mn_arena *arena, mn_str host, bool upper)
{
    if (!upper)
        return host.ptr;
    char *copy = mn_arena_alloc(arena, host.len + 1);
    if (!copy)
        return NULL;
    for (size_t j = 0; j < host.len; j++) {
        char c = host.ptr[j];
        copy[j] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    copy[host.len] = '\0';
    return copy;
}

static bool split_domain_port(mn_arena *arena, mn_str host, mn_str *domain)
{
    const char *p = host.ptr;
    size_t i = 0, n = host.len;
    bool upper = false;
    if (n && p[0] == '[') {
        for (size_t j = 0; j < n; j++)
            upper |= p[j] >= 'A' && p[j] <= 'Z';
        const char *low = lowered(arena, host, upper);
        if (!low)
            return false;
        i = 1;
        bool colon = false;
        while (i < n && low[i] != ']') {
            char c = low[i];
            if (c == ':')
                colon = true;
            else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c == '.' && colon)))
                return false;
            i++;
        }
        if (i >= n || !colon)
            return false;
        i++;
        if (i == n) {
            *domain = mn_str_make(low, n);
            return true;
        }
    } else {
        /* [a-z0-9.-] once lower-cased */
        for (; i < n; i++) {
            unsigned char c = (unsigned char)p[i];
            if ((unsigned)(c - 'a') < 26 || (unsigned)(c - '0') < 10 || c == '.' || c == '-')
                continue;
            if ((unsigned)(c - 'A') < 26) {
                upper = true;
                continue;
            }
            break;
        }
        if (i == 0)
            return false;
    }
    size_t dlen = i;
    if (i < n) { /* ":" port: no letters, so the case does not matter */
        if (p[i] != ':' || i + 1 == n)
            return false;
        for (size_t j = i + 1; j < n; j++)
            if (p[j] < '0' || p[j] > '9')
                return false;
    }
    const char *low = lowered(arena, host, upper);
    if (!low)
        return false;
    if (dlen && low[dlen - 1] == '.')
        dlen--;
    *domain = mn_str_make(low, dlen);
    return true;
}

static bool host_allowed(mn_str domain, const char *const *allowed)
{
    static const char *const debug_default[] = { ".localhost", "127.0.0.1", "[::1]", NULL };
    if (!allowed)
        allowed = debug_default;
    for (size_t i = 0; allowed[i]; i++) {
        mn_str p = mn_str_from(allowed[i]);
        if (mn_str_eq_cstr(p, "*"))
            return true;
        if (p.len && p.ptr[0] == '.') {
            if (mn_str_ieq(domain, mn_str_make(p.ptr + 1, p.len - 1)))
                return true;
            if (domain.len >= p.len && mn_str_ieq(mn_str_make(domain.ptr + domain.len - p.len, p.len), p))
                return true;
        } else if (mn_str_ieq(domain, p)) {
            return true;
        }
    }
    return false;
}

static mn_str raw_host(mn_request *req)
{
    mn_str h;
    if (req->settings.use_x_forwarded_host && mn_request_header(req, "X-Forwarded-Host", &h))
        return h;
    if (req->head.has_host)
        return req->head.host;
    char *s = mn_arena_sprintf(req->arena, "%s:%d", req->server_name, req->conn.server_port);
    return s ? mn_str_from(s) : MN_STR_EMPTY;
}

int mn_request_get_host(mn_request *req, mn_str *host, mn_err *err)
{
    mn_str h = raw_host(req);
    mn_str domain = MN_STR_EMPTY;
    bool ok = split_domain_port(req->arena, h, &domain);
    if (ok && domain.len && host_allowed(domain, req->settings.allowed_hosts)) {
        *host = h;
        return MN_OK;
    }
    if (ok && domain.len)
        return mn_err_set(err, MN_EPERM,
                          "Invalid HTTP_HOST header: '%.*s'. You may need to add '%.*s' to "
                          "ALLOWED_HOSTS.",
                          MN_STR_FMT(h), MN_STR_FMT(domain));
    return mn_err_set(err, MN_EPERM,
                      "Invalid HTTP_HOST header: '%.*s'. The domain name provided is not valid "
                      "according to RFC 1034/1035.",
                      MN_STR_FMT(h));
}

/* RFC 3986 5.2.4 remove_dot_segments over an absolute path: a stack of
 * segments where "." is dropped and ".." pops; a final "." or ".." leaves a
 * trailing slash. */
static mn_str remove_dots(mn_arena *arena, mn_str path)
{
    if (mn_str_find(path, MN_STR("/."), 0) < 0)
        return path;
    size_t nseg = 1;
    for (size_t i = 0; i < path.len; i++)
        nseg += path.ptr[i] == '/';
    mn_str *segs = mn_arena_alloc(arena, (nseg + 1) * sizeof *segs);
    char *out = mn_arena_alloc(arena, path.len + 2);
    if (!segs || !out)
        return (mn_str){ NULL, 0 };
    size_t top = 0, pos = 1;
    mn_str seg;
    mn_str body = mn_str_make(path.ptr + 1, path.len ? path.len - 1 : 0);
    pos = 0;
    bool dir = false;
    while (mn_str_next_field(body, '/', &pos, &seg)) {
        dir = false;
        if (mn_str_eq_cstr(seg, ".")) {
            dir = true;
        } else if (mn_str_eq_cstr(seg, "..")) {
            if (top)
                top--;
            dir = true;
        } else {
            segs[top++] = seg;
        }
    }
    if (dir)
        segs[top++] = MN_STR_EMPTY;
    size_t o = 0;
    for (size_t i = 0; i < top; i++) {
        out[o++] = '/';
        memcpy(out + o, segs[i].ptr, segs[i].len);
        o += segs[i].len;
    }
    if (!o)
        out[o++] = '/';
    out[o] = '\0';
    return mn_str_make(out, o);
}

/* Percent-encodes bytes outside ASCII and spaces (Django's iri_to_uri for
 * the common cases). */
static mn_str iri_to_uri(mn_arena *arena, mn_str s)
{
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c >= 0x80 || c <= 0x20 || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
            c == '`' || c == '{' || c == '|' || c == '}')
            mn_buf_printf(&b, "%%%02X", c);
        else
            mn_buf_putc(&b, (char)c);
    }
    return mn_buf_error(&b) ? (mn_str){ NULL, 0 } : mn_buf_str(&b);
}

mn_str mn_request_build_absolute_uri(mn_request *req, const char *location)
{
    mn_str host;
    if (mn_request_get_host(req, &host, NULL))
        host = raw_host(req);
    mn_str scheme = mn_request_scheme(req);
    mn_str loc = location ? mn_str_from(location) : mn_request_full_path(req);
    /* Already absolute: scheme "://" */
    ptrdiff_t colon = mn_str_find(loc, MN_STR("://"), 0);
    if (colon > 0) {
        bool scheme_ok = true;
        for (ptrdiff_t i = 0; i < colon && scheme_ok; i++) {
            char c = loc.ptr[i];
            scheme_ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        }
        if (scheme_ok)
            return iri_to_uri(req->arena, loc);
    }
    mn_buf b;
    mn_buf_init(&b, req->arena, 0);
    if (mn_str_starts_with(loc, MN_STR("//"))) {
        mn_buf_printf(&b, "%.*s:%.*s", MN_STR_FMT(scheme), MN_STR_FMT(loc));
        return mn_buf_error(&b) ? (mn_str){ NULL, 0 } : iri_to_uri(req->arena, mn_buf_str(&b));
    }
    mn_str path, rest = MN_STR_EMPTY;
    if (mn_str_starts_with(loc, MN_STR("/"))) {
        path = loc;
    } else if (!loc.len || loc.ptr[0] == '?' || loc.ptr[0] == '#') {
        path = req->head.path;
        rest = loc;
    } else {
        mn_str base = req->head.path;
        ptrdiff_t slash = mn_str_rfind_char(base, '/');
        char *joined = mn_arena_sprintf(req->arena, "%.*s%.*s", (int)(slash + 1), base.ptr,
                                        MN_STR_FMT(loc));
        if (!joined)
            return (mn_str){ NULL, 0 };
        path = mn_str_from(joined);
    }
    /* Keep the query and fragment out of dot-segment removal. */
    ptrdiff_t q = -1;
    for (size_t i = 0; i < path.len; i++)
        if (path.ptr[i] == '?' || path.ptr[i] == '#') {
            q = (ptrdiff_t)i;
            break;
        }
    mn_str tail = rest;
    if (q >= 0) {
        tail = mn_str_make(path.ptr + q, path.len - (size_t)q);
        path = mn_str_make(path.ptr, (size_t)q);
    }
    path = remove_dots(req->arena, path);
    if (!path.ptr)
        return path;
    mn_buf_printf(&b, "%.*s://%.*s%.*s%.*s", MN_STR_FMT(scheme), MN_STR_FMT(host), MN_STR_FMT(path),
                  MN_STR_FMT(tail));
    return mn_buf_error(&b) ? (mn_str){ NULL, 0 } : iri_to_uri(req->arena, mn_buf_str(&b));
}

int mn_request_json(mn_request *req, mn_value *out, mn_err *err)
{
    return mn_json_loads(req->arena, req->body.ptr ? req->body : MN_STR_EMPTY, NULL, out, err);
}
