/* The test client: in-process requests through a site, with Django's
 * assertions. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "manouche/json.h"
#include "manouche/queryset.h"
#include "manouche/cache.h"
#include "manouche/relation.h"
#include "manouche/testclient.h"
#include "manouche/text.h"
#include "../http/http_internal.h"
#include "web_internal.h"

#define MAX_REDIRECTS 20

typedef struct cookie {
    char *name, *value;
    struct cookie *next;
} cookie;

typedef struct resp_arena {
    mn_arena *arena;
    struct resp_arena *next;
} resp_arena;

struct mn_test_client {
    mn_site *site;
    mn_arena *arena;    /* the client's own data */
    bool follow;
    const char **headers; /* name, value pairs */
    size_t nheaders;
    cookie *cookies;
    resp_arena *arenas; /* one per request, freed with the client */
    mn_err err;
    /* owned when made by mn_test_client_for_project */
    mn_settings *settings;
    mn_template_engine *templates;
    mn_arena *project_arena;
    bool owns_site;
    mn_http_settings http;
};

/* ---- recording what happens during one request ---- */

typedef struct recorder {
    mn_arena *arena;
    mn_list *templates;
    mn_map *context;
    const mn_template_context *last_ctx;
    mn_list *queries;
    mn_db_observer obs;
} recorder;

static void on_render(void *udata, const mn_template *t, mn_template_context *ctx)
{
    recorder *r = udata;
    mn_list_push(r->templates, mn_value_cstr(mn_arena_strdup(r->arena, mn_template_name(t))));
    if (ctx != r->last_ctx) { /* a new top-level render */
        r->last_ctx = ctx;
        r->context = mn_template_context_flatten(ctx, r->arena);
    }
}

static void on_query(void *udata, const mn_db *db, const char *sql, size_t nparams, double seconds)
{
    recorder *r = udata;
    (void)db, (void)nparams, (void)seconds;
    mn_list_push(r->queries, mn_value_cstr(mn_arena_strdup(r->arena, sql)));
}

/* ---- clients ---- */

mn_test_client *mn_test_client_new(mn_site *site)
{
    mn_test_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->arena = mn_arena_new("test client", 0);
    if (!c->arena) {
        free(c);
        return NULL;
    }
    c->site = site;
    mn_http_settings_init(&c->http);
    static const char *const hosts[] = { "*", NULL };
    c->http.allowed_hosts = hosts; /* Django's test runner allows "testserver" */
    return c;
}

void mn_test_client_free(mn_test_client *c)
{
    if (!c)
        return;
    for (resp_arena *r = c->arenas, *next; r; r = next) {
        next = r->next;
        mn_arena_free(r->arena);
        free(r);
    }
    if (c->owns_site)
        mn_site_free(c->site);
    mn_template_engine_free(c->templates);
    if (c->settings && mn_settings_current() == c->settings)
        mn_settings_set_current(NULL);
    mn_arena_free(c->project_arena);
    mn_arena_free(c->arena);
    free(c);
}

mn_site *mn_test_client_site(const mn_test_client *c) { return c->site; }

static const mn_project *readied[16];

mn_test_client *mn_test_client_for_project(const mn_project *p, void (*configure)(mn_settings *s), mn_err *err)
{
    mn_arena *a = mn_arena_new("test project", 0);
    mn_settings *s = a ? mn_arena_calloc(a, 1, sizeof *s) : NULL;
    if (!s) {
        mn_arena_free(a);
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    if (mn_settings_load(s, &p->settings, a, err)) {
        mn_err_prefix(err, "ImproperlyConfigured: ");
        mn_arena_free(a);
        return NULL;
    }
    if (configure)
        configure(s);
    mn_settings_set_current(s);
    size_t napps = 0;
    while (p->apps && p->apps[napps])
        napps++;
    bool ready = false;
    for (size_t i = 0; i < 16 && readied[i]; i++)
        ready = ready || readied[i] == p;
    for (size_t i = 0; !ready && i < napps; i++) {
        const mn_app *app = p->apps[i];
        if (mn_orm_register(app->models, err)) {
            mn_err_prefix(err, "%s: invalid model: ", app->label ? app->label : app->name);
            mn_arena_free(a);
            return NULL;
        }
    }
    for (size_t i = 0; !ready && i < napps; i++) {
        const mn_app *app = p->apps[i];
        if (app->ready && app->ready(app, err)) {
            mn_err_prefix(err, "%s: ready() failed: ", app->label ? app->label : app->name);
            mn_arena_free(a);
            return NULL;
        }
    }
    for (size_t i = 0; !ready && i < 16; i++) {
        if (!readied[i]) {
            readied[i] = p;
            break;
        }
    }
    const char *base = s->BASE_DIR && *s->BASE_DIR ? s->BASE_DIR : NULL;
    const char **static_dirs = mn_arena_calloc(a, napps + 1, sizeof *static_dirs);
    mn_template_options topts = { .debug = s->DEBUG, .static_url = s->STATIC_URL, .media_url = s->MEDIA_URL };
    mn_template_engine *e = mn_template_engine_new(&topts);
    mn_test_client *c = e && static_dirs ? mn_test_client_new(NULL) : NULL;
    if (!c) {
        mn_template_engine_free(e);
        mn_arena_free(a);
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    c->project_arena = a;
    c->settings = s;
    c->templates = e;
    size_t ns = 0;
    int rc = MN_OK;
    for (size_t i = 0; !rc && p->template_dirs && p->template_dirs[i]; i++) {
        const char *d = p->template_dirs[i];
        const char *path = d[0] == '/' || !base ? d : mn_arena_sprintf(a, "%s/%s", base, d);
        rc = path ? mn_template_engine_add_dir(e, path) : MN_ENOMEM;
    }
    for (size_t i = 0; !rc && i < napps; i++) {
        const mn_app *app = p->apps[i];
        if (app->static_dir)
            static_dirs[ns++] = app->static_dir;
        if (!app->templates_dir)
            continue;
        const char *d = app->templates_dir;
        const char *path = d[0] == '/' || !base ? d : mn_arena_sprintf(a, "%s/%s", base, d);
        rc = path ? mn_template_engine_add_dir(e, path) : MN_ENOMEM;
    }
    mn_site_config *sc = mn_arena_calloc(a, 1, sizeof *sc);
    if (rc || !sc) {
        mn_test_client_free(c);
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    *sc = (mn_site_config){
        .settings = s,
        .urlconf = p->urlconf,
        .urlconf_name = p->urlconf_name ? p->urlconf_name
                                        : (p->name ? mn_arena_sprintf(a, "%s.urls", p->name) : NULL),
        .middleware = p->middleware,
        .handler404 = p->handler404,
        .handler500 = p->handler500,
        .serve_static = s->DEBUG,
        .static_dirs = static_dirs,
        .templates = e,
    };
    c->site = mn_site_new(sc, err);
    if (!c->site) {
        mn_test_client_free(c);
        return NULL;
    }
    c->owns_site = true;
    mn_template_engine_set_url_resolver(e, mn_template_url_reverse, (void *)mn_site_resolver(c->site));
    mn_cache_template_install(e); /* {% cache %} stores in CACHES */
    return c;
}

void mn_test_client_set_follow(mn_test_client *c, bool follow) { c->follow = follow; }

static bool header_safe(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

int mn_test_client_set_header(mn_test_client *c, const char *name, const char *value)
{
    if (!header_safe(name) || !header_safe(value) || !*name || strchr(name, ':'))
        return MN_EINVAL;
    const char **h = mn_arena_realloc(c->arena, c->headers, c->nheaders * 2 * sizeof *h,
                                      (c->nheaders + 1) * 2 * sizeof *h);
    if (!h)
        return MN_ENOMEM;
    h[2 * c->nheaders] = mn_arena_strdup(c->arena, name);
    h[2 * c->nheaders + 1] = mn_arena_strdup(c->arena, value);
    c->headers = h;
    c->nheaders++;
    return MN_OK;
}

int mn_test_client_set_cookie(mn_test_client *c, const char *name, const char *value)
{
    for (cookie **l = &c->cookies; *l; l = &(*l)->next) {
        if (!strcmp((*l)->name, name)) {
            if (!value) {
                *l = (*l)->next;
                return MN_OK;
            }
            (*l)->value = mn_arena_strdup(c->arena, value);
            return (*l)->value ? MN_OK : MN_ENOMEM;
        }
    }
    if (!value)
        return MN_OK;
    cookie *k = mn_arena_calloc(c->arena, 1, sizeof *k);
    if (!k || !(k->name = mn_arena_strdup(c->arena, name)) || !(k->value = mn_arena_strdup(c->arena, value)))
        return MN_ENOMEM;
    k->next = c->cookies;
    c->cookies = k;
    return MN_OK;
}

const char *mn_test_client_cookie(const mn_test_client *c, const char *name)
{
    for (cookie *k = c->cookies; k; k = k->next)
        if (!strcmp(k->name, name))
            return k->value;
    return NULL;
}

const mn_err *mn_test_client_error(const mn_test_client *c) { return &c->err; }

/* ---- building requests ---- */

static int put_pair(mn_buf *b, mn_str key, mn_value v, mn_arena *a, bool *first)
{
    if (v.type == MN_VALUE_LIST) {
        for (size_t i = 0; i < mn_list_len(v.u.list); i++)
            put_pair(b, key, mn_list_get(v.u.list, i), a, first);
        return mn_buf_error(b);
    }
    int rc = MN_OK;
    mn_str s = mn_value_as_str(v, a, &rc);
    if (rc)
        return rc;
    if (!*first)
        mn_buf_putc(b, '&');
    *first = false;
    mn_url_quote_plus(b, key, "");
    mn_buf_putc(b, '=');
    mn_url_quote_plus(b, s, "");
    return mn_buf_error(b);
}

static int urlencode(mn_buf *b, const mn_map *m, mn_arena *a, bool first)
{
    for (size_t i = 0; m && i < mn_map_len(m); i++) {
        int rc = put_pair(b, mn_map_key_at(m, i), mn_map_value_at(m, i), a, &first);
        if (rc)
            return rc;
    }
    return mn_buf_error(b);
}

/* Set-Cookie: name=value; ...; Max-Age=0 -> the jar. */
static void store_cookie(mn_test_client *c, mn_str line)
{
    ptrdiff_t eq = mn_str_find(line, MN_STR("="), 0);
    if (eq <= 0)
        return;
    mn_str name = mn_str_trim(mn_str_slice(line, 0, (size_t)eq));
    ptrdiff_t semi = mn_str_find(line, MN_STR(";"), (size_t)eq);
    size_t end = semi < 0 ? line.len : (size_t)semi;
    mn_str value = mn_str_slice(line, (size_t)eq + 1, end);
    if (value.len >= 2 && value.ptr[0] == '"' && value.ptr[value.len - 1] == '"')
        value = mn_str_slice(value, 1, value.len - 1);
    mn_str attrs = mn_str_slice(line, end, line.len);
    bool expired = mn_str_find(attrs, MN_STR("Max-Age=0"), 0) >= 0;
    char *n = mn_arena_strndup(c->arena, name.ptr, name.len);
    char *v = mn_arena_strndup(c->arena, value.ptr, value.len);
    if (n && v)
        mn_test_client_set_cookie(c, n, expired ? NULL : v);
}

/* The response's head as it would be sent, parsed into headers. */
static void read_head(mn_test_client *c, mn_test_response *tr, mn_arena *a)
{
    mn_buf head;
    mn_buf_init(&head, a, 0);
    if (mn__response_serialize_head(tr->response, &head, 1, true, false, "Thu, 01 Jan 1970 00:00:00 GMT",
                                    "Manouche"))
        return;
    mn_str s = mn_buf_str(&head);
    size_t cap = 8, n = 0;
    mn_header *h = mn_arena_alloc(a, cap * sizeof *h);
    ptrdiff_t eol = mn_str_find(s, MN_STR("\r\n"), 0); /* skip the status line */
    size_t pos = eol < 0 ? s.len : (size_t)eol + 2;
    while (h && pos < s.len) {
        ptrdiff_t e = mn_str_find(s, MN_STR("\r\n"), pos);
        size_t end = e < 0 ? s.len : (size_t)e;
        mn_str line = mn_str_slice(s, pos, end);
        pos = end + 2;
        ptrdiff_t colon = mn_str_find(line, MN_STR(":"), 0);
        if (!line.len || colon <= 0)
            continue;
        if (n == cap) {
            h = mn_arena_realloc(a, h, cap * sizeof *h, cap * 2 * sizeof *h);
            cap *= 2;
            if (!h)
                break;
        }
        h[n].name = mn_str_slice(line, 0, (size_t)colon);
        h[n].value = mn_str_trim(mn_str_slice(line, (size_t)colon + 1, line.len));
        if (mn_str_ieq_cstr(h[n].name, "Set-Cookie"))
            store_cookie(c, h[n].value);
        n++;
    }
    tr->headers = h;
    tr->nheaders = h ? n : 0;
}

/* The body: in memory, streamed (drained) or a file (read). */
static mn_str read_body(mn_response *resp, mn_arena *a)
{
    if (!mn_response_is_streaming(resp))
        return mn_response_body(resp);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    void *ctx = NULL;
    mn_stream_fn fn = mn__response_stream(resp, &ctx);
    if (fn) {
        while (fn(ctx, &b) > 0 && !mn_buf_error(&b)) {
        }
        return mn_buf_str(&b);
    }
    off_t off = 0, len = 0;
    int fd = mn__response_file(resp, &off, &len);
    if (fd >= 0 && len > 0) {
        char *p = mn_buf_reserve(&b, (size_t)len);
        ssize_t got = p ? pread(fd, p, (size_t)len, off) : -1;
        if (got > 0)
            mn_buf_commit(&b, (size_t)got);
    }
    return mn_buf_str(&b);
}

static mn_arena *request_arena(mn_test_client *c)
{
    resp_arena *r = calloc(1, sizeof *r);
    mn_arena *a = r ? mn_arena_new("test request", 0) : NULL;
    if (!a) {
        free(r);
        return NULL;
    }
    r->arena = a;
    r->next = c->arenas;
    c->arenas = r;
    return a;
}

/* One hop: builds the raw request, handles it, records everything. */
static mn_test_response *send_one(mn_test_client *c, const char *method, const char *target, mn_str body,
                                  const char *content_type, const char *const *headers, mn_err *err)
{
    mn_arena *a = request_arena(c);
    if (!a) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_buf raw;
    mn_buf_init(&raw, a, 0);
    mn_buf_printf(&raw, "%s %s HTTP/1.1\r\nHost: testserver\r\n", method, target);
    for (size_t i = 0; i < c->nheaders; i++)
        mn_buf_printf(&raw, "%s: %s\r\n", c->headers[2 * i], c->headers[2 * i + 1]);
    for (size_t i = 0; headers && headers[i] && headers[i + 1]; i += 2) {
        if (!header_safe(headers[i]) || !header_safe(headers[i + 1])) {
            mn_err_set(err, MN_EINVAL, "header %s: CR or LF in a header", headers[i]);
            return NULL;
        }
        mn_buf_printf(&raw, "%s: %s\r\n", headers[i], headers[i + 1]);
    }
    if (c->cookies) {
        mn_buf_puts(&raw, "Cookie: ");
        for (cookie *k = c->cookies; k; k = k->next)
            mn_buf_printf(&raw, "%s=%s%s", k->name, k->value, k->next ? "; " : "");
        mn_buf_puts(&raw, "\r\n");
    }
    if (content_type)
        mn_buf_printf(&raw, "Content-Type: %s\r\n", content_type);
    mn_buf_printf(&raw, "Content-Length: %zu\r\n\r\n", body.len);
    mn_buf_put_str(&raw, body);
    if (mn_buf_error(&raw)) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_str text = mn_buf_str(&raw);
    int status = 0;
    mn_request *req = mn_request_from_raw(a, text.ptr, text.len, "127.0.0.1", &c->http, &status, err);
    if (!req) {
        mn_err_prefix(err, "the request could not be built (%d): ", status);
        return NULL;
    }
    mn__web_req *st = mn__web_state_get(req);
    mn_test_response *tr = mn_arena_calloc(a, 1, sizeof *tr);
    recorder *rec = mn_arena_calloc(a, 1, sizeof *rec);
    if (!st || !tr || !rec) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    st->nplus1_force = true;
    rec->arena = a;
    rec->templates = mn_list_new(a, 4);
    rec->queries = mn_list_new(a, 8);
    rec->obs = (mn_db_observer){ .fn = on_query, .udata = rec };
    mn_template_render_hook prev_hook;
    void *prev_udata;
    mn_template_set_render_hook(on_render, rec, &prev_hook, &prev_udata);
    mn_db_observer_add(&rec->obs);
    mn_response *resp = mn_site_handle(c->site, req);
    mn_db_observer_remove(&rec->obs);
    mn_template_set_render_hook(prev_hook, prev_udata, NULL, NULL);
    if (!resp) {
        mn_err_set(err, MN_ENOMEM, "out of memory handling %s %s", method, target);
        return NULL;
    }
    tr->status = mn_response_status(resp);
    tr->request = req;
    tr->response = resp;
    tr->content = read_body(resp, a);
    read_head(c, tr, a);
    size_t nt = rec->templates ? mn_list_len(rec->templates) : 0;
    const char **names = mn_arena_calloc(a, nt + 1, sizeof *names);
    for (size_t i = 0; names && i < nt; i++)
        names[i] = mn_list_get(rec->templates, i).u.s.ptr;
    tr->templates = names;
    tr->ntemplates = names ? nt : 0;
    tr->context = rec->context;
    size_t nq = rec->queries ? mn_list_len(rec->queries) : 0;
    const char **qs = mn_arena_calloc(a, nq + 1, sizeof *qs);
    for (size_t i = 0; qs && i < nq; i++)
        qs[i] = mn_list_get(rec->queries, i).u.s.ptr;
    tr->queries = qs;
    tr->nqueries = qs ? nq : 0;
    tr->failure = mn_request_failure(req);
    tr->nplus1 = st->nplus1_message;
    return tr;
}

static bool is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

mn_test_response *mn_test_client_request(mn_test_client *c, const mn_test_request *r, mn_err *err)
{
    mn_err local = { 0 };
    if (!err)
        err = &local;
    mn_err_clear(&c->err);
    const char *method = r->method ? r->method : "GET";
    const char *path = r->path ? r->path : "/";
    if (!header_safe(path) || strchr(path, ' ') || path[0] != '/') {
        mn_err_set(err, MN_EINVAL, "the path must start with '/' and hold no spaces or line breaks: '%s'", path);
        c->err = *err;
        return NULL;
    }
    mn_buf target;
    mn_buf_init(&target, c->arena, 0);
    mn_buf_puts(&target, path);
    if (r->query && mn_map_len(r->query)) {
        mn_buf_putc(&target, strchr(path, '?') ? '&' : '?');
        urlencode(&target, r->query, c->arena, true);
    }
    if (mn_buf_error(&target)) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        c->err = *err;
        return NULL;
    }
    mn_test_response *tr = send_one(c, method, mn_buf_cstr(&target), r->body, r->content_type, r->headers, err);
    bool follow = r->follow ? r->follow > 0 : c->follow;
    mn_test_redirect *chain = NULL;
    size_t n = 0;
    while (tr && follow && is_redirect(tr->status)) {
        const char *loc = mn_test_header(tr, "Location");
        if (!loc)
            break;
        if (n == MAX_REDIRECTS) {
            mn_err_set(err, MN_ELIMIT, "Redirect loop detected.");
            tr = NULL;
            break;
        }
        chain = mn_arena_realloc(c->arena, chain, n * sizeof *chain, (n + 1) * sizeof *chain);
        if (!chain) {
            mn_err_set(err, MN_ENOMEM, "out of memory");
            tr = NULL;
            break;
        }
        chain[n++] = (mn_test_redirect){ .url = loc, .status = tr->status };
        /* Django keeps the method and body for 307/308, else GETs. */
        bool keep = tr->status == 307 || tr->status == 308;
        const char *next = loc;
        const char *scheme = strstr(loc, "://");
        if (scheme) { /* an absolute URL: its path */
            const char *slash = strchr(scheme + 3, '/');
            next = slash ? slash : "/";
        }
        tr = send_one(c, keep ? method : "GET", next, keep ? r->body : MN_STR(""), keep ? r->content_type : NULL,
                      r->headers, err);
    }
    if (tr) {
        tr->redirect_chain = chain;
        tr->nredirects = n;
    } else {
        c->err = *err;
    }
    return tr;
}

mn_test_response *mn_test_get(mn_test_client *c, const char *path, const mn_map *query)
{
    return mn_test_client_request(c, &(mn_test_request){ .path = path, .query = query }, NULL);
}

mn_test_response *mn_test_post(mn_test_client *c, const char *path, const mn_map *form)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    if (urlencode(&b, form, c->arena, true)) {
        mn_err_set(&c->err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    return mn_test_client_request(c, &(mn_test_request){ .method = "POST", .path = path, .body = mn_buf_str(&b),
                                                         .content_type = "application/x-www-form-urlencoded" },
                                  NULL);
}

mn_test_response *mn_test_post_json(mn_test_client *c, const char *path, mn_value json)
{
    mn_err err = { 0 };
    mn_str body = mn_json_dumps(c->arena, json, 0, &err);
    if (err.code) {
        c->err = err;
        return NULL;
    }
    return mn_test_client_request(c, &(mn_test_request){ .method = "POST", .path = path, .body = body,
                                                         .content_type = "application/json" },
                                  NULL);
}

mn_value *mn_test_context(const mn_test_response *r, const char *name)
{
    return r && r->context ? mn_map_find(r->context, mn_str_from(name)) : NULL;
}

const char *mn_test_header(const mn_test_response *r, const char *name)
{
    for (size_t i = 0; r && i < r->nheaders; i++) {
        if (mn_str_ieq_cstr(r->headers[i].name, name)) {
            mn_str v = r->headers[i].value;
            char *copy = mn_arena_strndup(mn_request_arena(r->request), v.ptr ? v.ptr : "", v.len);
            return copy ? copy : "";
        }
    }
    return NULL;
}

/* ---- assertions ---- */

static size_t occurrences(mn_str hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    if (!len)
        return 0;
    for (ptrdiff_t at = mn_str_find(hay, mn_str_from(needle), 0); at >= 0;
         at = mn_str_find(hay, mn_str_from(needle), (size_t)at + len))
        n++;
    return n;
}

static bool status_is(const mn_test_response *r, int status, const char *text, mn_err *err)
{
    if (r->status == status)
        return true;
    mn_err_set(err, MN_EINVAL, "Couldn't retrieve content: Response code was %d (expected %d)%s%s%s%s%s",
               r->status, status, text ? " looking for '" : "", text ? text : "", text ? "'" : "",
               r->failure ? "; the view failed: " : "", r->failure ? r->failure : "");
    return false;
}

bool mn_test_assert_contains(const mn_test_response *r, const char *text, int count, int status, mn_err *err)
{
    if (!r)
        return mn_err_set(err, MN_EINVAL, "no response (the request failed)"), false;
    if (!status_is(r, status, text, err))
        return false;
    size_t n = occurrences(r->content, text);
    if (count >= 0 && n != (size_t)count) {
        mn_err_set(err, MN_EINVAL, "Found %zu instances of '%s' in response (expected %d)", n, text, count);
        return false;
    }
    if (count < 0 && n == 0) {
        mn_err_set(err, MN_EINVAL, "Couldn't find '%s' in response: %.*s", text,
                   (int)(r->content.len > 300 ? 300 : r->content.len), r->content.ptr ? r->content.ptr : "");
        return false;
    }
    return true;
}

bool mn_test_assert_not_contains(const mn_test_response *r, const char *text, int status, mn_err *err)
{
    if (!r)
        return mn_err_set(err, MN_EINVAL, "no response (the request failed)"), false;
    if (!status_is(r, status, text, err))
        return false;
    size_t n = occurrences(r->content, text);
    if (n) {
        mn_err_set(err, MN_EINVAL, "Response should not contain '%s' (found %zu)", text, n);
        return false;
    }
    return true;
}

bool mn_test_assert_redirects(mn_test_client *c, const mn_test_response *r, const char *expected_url, int status,
                              int target_status, mn_err *err)
{
    if (!r)
        return mn_err_set(err, MN_EINVAL, "no response (the request failed)"), false;
    if (r->nredirects) {
        if (r->redirect_chain[0].status != status)
            return mn_err_set(err, MN_EINVAL,
                              "Initial response didn't redirect as expected: Response code was %d (expected %d)",
                              r->redirect_chain[0].status, status), false;
        const char *url = r->redirect_chain[r->nredirects - 1].url;
        if (strcmp(url, expected_url))
            return mn_err_set(err, MN_EINVAL, "Response redirected to '%s', expected '%s'", url, expected_url),
                   false;
        if (r->status != target_status)
            return mn_err_set(err, MN_EINVAL,
                              "Response didn't redirect as expected: Final Response code was %d (expected %d)",
                              r->status, target_status), false;
        return true;
    }
    if (r->status != status)
        return mn_err_set(err, MN_EINVAL,
                          "Response didn't redirect as expected: Response code was %d (expected %d)", r->status,
                          status), false;
    const char *url = mn_test_header(r, "Location");
    if (!url || strcmp(url, expected_url))
        return mn_err_set(err, MN_EINVAL, "Response redirected to '%s', expected '%s'", url ? url : "",
                          expected_url), false;
    mn_test_response *target = mn_test_client_request(c, &(mn_test_request){ .path = expected_url, .follow = -1 },
                                                       err);
    if (!target)
        return false;
    if (target->status != target_status)
        return mn_err_set(err, MN_EINVAL,
                          "Couldn't retrieve redirection page '%s': response code was %d (expected %d)",
                          expected_url, target->status, target_status), false;
    return true;
}

static bool used(const mn_test_response *r, const char *name)
{
    for (size_t i = 0; i < r->ntemplates; i++)
        if (!strcmp(r->templates[i], name))
            return true;
    return false;
}

bool mn_test_assert_template_used(const mn_test_response *r, const char *name, mn_err *err)
{
    if (!r)
        return mn_err_set(err, MN_EINVAL, "no response (the request failed)"), false;
    if (used(r, name))
        return true;
    if (!r->ntemplates)
        return mn_err_set(err, MN_EINVAL, "No templates used to render the response"), false;
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(r->request), 0);
    for (size_t i = 0; i < r->ntemplates; i++)
        mn_buf_printf(&b, "%s%s", i ? ", " : "", r->templates[i]);
    mn_err_set(err, MN_EINVAL, "Template '%s' was not a template used to render the response. Actual template(s) "
                               "used: %s", name, mn_buf_cstr(&b));
    return false;
}

bool mn_test_assert_template_not_used(const mn_test_response *r, const char *name, mn_err *err)
{
    if (!r)
        return mn_err_set(err, MN_EINVAL, "no response (the request failed)"), false;
    if (!used(r, name))
        return true;
    mn_err_set(err, MN_EINVAL, "Template '%s' was used unexpectedly in rendering the response", name);
    return false;
}

static bool num_queries(const char *const *queries, size_t n, size_t expected, mn_arena *a, mn_err *err)
{
    if (n == expected)
        return true;
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_buf_printf(&b, "%zu != %zu : %zu queries executed, %zu expected\nCaptured queries were:", n, expected, n,
                  expected);
    for (size_t i = 0; i < n; i++)
        mn_buf_printf(&b, "\n%zu. %s", i + 1, queries[i]);
    mn_err_set(err, MN_EINVAL, "%s", mn_buf_error(&b) ? "queries" : mn_buf_cstr(&b));
    return false;
}

bool mn_test_assert_num_queries(const mn_test_response *r, size_t expected, mn_err *err)
{
    if (!r)
        return mn_err_set(err, MN_EINVAL, "no response (the request failed)"), false;
    return num_queries(r->queries, r->nqueries, expected, mn_request_arena(r->request), err);
}

bool mn_test_assert_no_nplus1(const mn_test_response *r, mn_err *err)
{
    if (!r)
        return mn_err_set(err, MN_EINVAL, "no response (the request failed)"), false;
    if (!r->nplus1)
        return true;
    mn_err_set(err, MN_EINVAL, "%s", r->nplus1);
    return false;
}

struct mn_test_queries {
    mn_arena *arena;
    mn_list *queries;
    mn_db_observer obs;
    bool active;
};

static void queries_cleanup(void *p)
{
    mn_test_queries *q = p;
    if (q->active)
        mn_db_observer_remove(&q->obs);
    q->active = false;
}

static void count_query(void *udata, const mn_db *db, const char *sql, size_t nparams, double seconds)
{
    mn_test_queries *q = udata;
    (void)db, (void)nparams, (void)seconds;
    mn_list_push(q->queries, mn_value_cstr(mn_arena_strdup(q->arena, sql)));
}

mn_test_queries *mn_test_queries_start(mn_arena *arena)
{
    mn_test_queries *q = mn_arena_calloc(arena, 1, sizeof *q);
    if (!q || !(q->queries = mn_list_new(arena, 8)) || mn_arena_on_cleanup(arena, queries_cleanup, q))
        return NULL;
    q->arena = arena;
    q->obs = (mn_db_observer){ .fn = count_query, .udata = q };
    q->active = true;
    mn_db_observer_add(&q->obs);
    return q;
}

size_t mn_test_queries_count(const mn_test_queries *q) { return q ? mn_list_len(q->queries) : 0; }

bool mn_test_queries_assert(mn_test_queries *q, size_t expected, mn_err *err)
{
    if (!q)
        return mn_err_set(err, MN_ENOMEM, "out of memory"), false;
    queries_cleanup(q);
    size_t n = mn_list_len(q->queries);
    const char **sql = mn_arena_calloc(q->arena, n + 1, sizeof *sql);
    if (!sql)
        return mn_err_set(err, MN_ENOMEM, "out of memory"), false;
    for (size_t i = 0; i < n; i++)
        sql[i] = mn_list_get(q->queries, i).u.s.ptr;
    return num_queries(sql, n, expected, q->arena, err);
}
