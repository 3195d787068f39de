/* The request handler: Django's BaseHandler. A request goes through the
 * middleware chain to the core (static files, resolver, process_view, the
 * view, process_exception, deferred rendering); failures become 404 and 500
 * responses as Django makes them. */
#include <execinfo.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "manouche/crypto.h"
#include "manouche/nplus1.h"
#include "manouche/signal.h"
#include "web_internal.h"

mn_logger mn__request_log = MN_LOGGER_INIT("manouche.request");
static mn_logger nplus1_log = MN_LOGGER_INIT("manouche.nplus1");

struct mn_next {
    mn_site *site;
    size_t index;             /* first middleware not yet entered */
    const mn_middleware *mw;  /* the middleware being called (its data) */
};

/* ---- per-request state ---- */

mn__web_req *mn__web_state(const mn_request *req)
{
    return mn_request_attr(req, MN__WEB_ATTR);
}

static void free_backtrace(void *p) { free(p); }

mn__web_req *mn__web_state_get(mn_request *req)
{
    mn__web_req *st = mn__web_state(req);
    if (st)
        return st;
    st = mn_arena_calloc(mn_request_arena(req), 1, sizeof *st);
    if (!st || mn_request_set_attr(req, MN__WEB_ATTR, st))
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &st->start);
    return st;
}

const mn_settings *mn_request_settings(const mn_request *req)
{
    mn__web_req *st = mn__web_state(req);
    return st && st->site ? st->site->cfg.settings : NULL;
}

const mn_resolver *mn_request_resolver(const mn_request *req)
{
    mn__web_req *st = mn__web_state(req);
    return st && st->site ? st->site->resolver : NULL;
}

const char *mn_request_id(const mn_request *req)
{
    mn__web_req *st = mn__web_state(req);
    return st ? st->id : "";
}

double mn_request_elapsed(const mn_request *req)
{
    mn__web_req *st = mn__web_state(req);
    if (!st)
        return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - st->start.tv_sec) + (now.tv_nsec - st->start.tv_nsec) / 1e9;
}

int mn_request_reverse(mn_request *req, const char *viewname, const mn_list *args,
                       const mn_map *kwargs, mn_str *out, mn_err *err)
{
    const mn_resolver *r = mn_request_resolver(req);
    if (!r)
        return mn_err_set(err, MN_EINVAL, "reverse('%s'): the request is not served by a project",
                          viewname);
    const mn_url_match *m = mn_request_match(req);
    const char *current = m && m->namespace && *m->namespace ? m->namespace : NULL;
    return mn_reverse(r, viewname, args, kwargs, current, mn_request_arena(req), out, err);
}

mn_response *mn_view_fail(mn_request *req, const char *fmt, ...)
{
    mn__web_req *st = mn__web_state_get(req);
    if (!st)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    st->failure = mn_arena_vsprintf(mn_request_arena(req), fmt, ap);
    va_end(ap);
    if (!st->backtrace) {
        void *frames[48];
        int n = backtrace(frames, 48);
        char **syms = n > 0 ? backtrace_symbols(frames, n) : NULL;
        if (syms && !mn_arena_on_cleanup(mn_request_arena(req), free_backtrace, syms)) {
            st->backtrace = syms;
            st->backtrace_len = n;
        } else {
            free(syms);
        }
    }
    return NULL;
}

const char *mn_request_failure(const mn_request *req)
{
    mn__web_req *st = mn__web_state(req);
    return st ? st->failure : NULL;
}

/* ---- sites ---- */

mn_site *mn_site_new(const mn_site_config *c, mn_err *err)
{
    if (!c || !c->settings || !c->urlconf) {
        mn_err_set(err, MN_EINVAL, "a site needs settings and a URL configuration");
        return NULL;
    }
    mn_site *s = calloc(1, sizeof *s);
    if (!s) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    s->cfg = *c;
    s->resolver = mn_resolver_new(c->urlconf, err);
    if (!s->resolver) {
        free(s);
        return NULL;
    }
    if (c->middleware)
        while (c->middleware[s->n_middleware])
            s->n_middleware++;
    return s;
}

void mn_site_free(mn_site *site)
{
    if (!site)
        return;
    mn_resolver_free(site->resolver);
    free(site);
}

const mn_resolver *mn_site_resolver(const mn_site *site) { return site->resolver; }

/* ---- 404 and 500 ---- */

mn_response *mn__not_found(mn_request *req, mn_site *site, const char *message)
{
    mn_str path = mn_request_path(req);
    mn_log_warning(&mn__request_log, "Not Found", MN_LOG_SLICE("path", path),
                   MN_LOG_INT("status", 404), MN_LOG_STR("request_id", mn_request_id(req)));
    if (!site)
        return mn_http_404(req);
    const mn_settings *s = site->cfg.settings;
    mn_response *r = NULL;
    /* Django's technical_404_response shows default_urlconf instead. */
    if (s->DEBUG && !message && mn__welcome_applies(site, path))
        return mn__welcome(req);
    if (site->cfg.handler404)
        r = site->cfg.handler404(req, message ? message : "");
    else if (s->DEBUG)
        r = mn__technical_404(req, site, message);
    if (!r)
        r = mn_http_404(req);
    return r;
}

static mn_response *server_error(mn_request *req, mn_site *site, const char *message)
{
    const mn_settings *s = site->cfg.settings;
    mn_log_error(&mn__request_log, "Internal Server Error", MN_LOG_SLICE("path", mn_request_path(req)),
                 MN_LOG_INT("status", 500), MN_LOG_STR("error", message),
                 MN_LOG_STR("request_id", mn_request_id(req)));
    mn_response *r = NULL;
    if (s->DEBUG)
        r = mn__technical_500(req, message);
    else if (site->cfg.handler500)
        r = site->cfg.handler500(req, message);
    if (!r)
        r = mn_http_error(req, 500);
    return r;
}

static const char *failure_message(mn_request *req, const char *fallback)
{
    const char *f = mn_request_failure(req);
    return f ? f : fallback;
}

/* A view failed: got_request_exception, then process_exception in reverse. */
static mn_response *view_failed(mn_request *req, mn_site *site, const char *message)
{
    mn_arena *a = mn_request_arena(req);
    mn_map *kw = mn_map_new(a, 2);
    if (kw) {
        mn_map_set_cstr(kw, "request", mn_value_cstr(mn_request_id(req)));
        mn_map_set_cstr(kw, "error", mn_value_cstr(message));
    }
    mn_err err = { 0 };
    if (mn_signal_send(&mn_got_request_exception, NULL, kw, a, NULL, &err))
        mn_logf(&mn__request_log, MN_LOG_ERROR, "%s", err.msg);
    for (size_t i = site->n_middleware; i-- > 0;) {
        const mn_middleware *mw = site->cfg.middleware[i];
        if (!mw->process_exception)
            continue;
        mn_response *r = mw->process_exception(req, message, mw->data);
        if (r)
            return r;
    }
    return server_error(req, site, message);
}

/* ---- static files in development ---- */

static const char *join_base(mn_arena *a, const mn_settings *s, const char *dir)
{
    if (dir[0] == '/' || !s->BASE_DIR || !*s->BASE_DIR)
        return dir;
    return mn_arena_sprintf(a, "%s/%s", s->BASE_DIR, dir);
}

/* Returns the length of the URL prefix if path starts with it, else 0. */
static size_t url_prefix(mn_str path, const char *url)
{
    if (!url || !*url || strstr(url, "://"))
        return 0;
    size_t skip = url[0] == '/' ? 0 : 1; /* "static/" is "/static/" */
    size_t n = strlen(url);
    if (path.len < n + skip || (skip && path.ptr[0] != '/'))
        return 0;
    return memcmp(path.ptr + skip, url, n) ? 0 : n + skip;
}

static mn_response *serve_static(mn_site *site, mn_request *req, mn_str path, bool *handled)
{
    const mn_settings *s = site->cfg.settings;
    mn_arena *a = mn_request_arena(req);
    size_t n = url_prefix(path, s->STATIC_URL);
    *handled = true;
    if (n) {
        mn_str rel = mn_str_slice(path, n, path.len);
        const char *found = NULL;
        for (const char *const *d = site->cfg.static_dirs; d && *d && !found; d++) {
            const char *root = join_base(a, s, *d);
            const char *real;
            if (root && mn_static_resolve(a, root, rel, &real) == MN_OK)
                found = root;
        }
        if (!found && s->STATIC_ROOT) {
            const char *root = join_base(a, s, s->STATIC_ROOT);
            const char *real;
            if (root && mn_static_resolve(a, root, rel, &real) == MN_OK)
                found = root;
        }
        if (found)
            return mn_static_serve(req, found, rel);
        return mn__not_found(req, site, mn_arena_sprintf(a, "'%.*s' could not be found", MN_STR_FMT(rel)));
    }
    n = url_prefix(path, s->MEDIA_URL);
    if (n && s->MEDIA_ROOT) {
        mn_str rel = mn_str_slice(path, n, path.len);
        const char *root = join_base(a, s, s->MEDIA_ROOT);
        const char *real;
        if (root && mn_static_resolve(a, root, rel, &real) == MN_OK)
            return mn_static_serve(req, root, rel);
        return mn__not_found(req, site, mn_arena_sprintf(a, "'%.*s' could not be found", MN_STR_FMT(rel)));
    }
    *handled = false;
    return NULL;
}

/* ---- the core handler ---- */

static mn_response *render_deferred(mn_request *req, mn_site *site, mn_response *resp)
{
    mn__web_req *st = mn__web_state(req);
    mn__deferred *d = NULL, **link = st ? &st->deferred : NULL;
    for (; link && *link; link = &(*link)->next) {
        if ((*link)->resp == resp) {
            d = *link;
            *link = d->next;
            break;
        }
    }
    if (!d)
        return resp;
    for (size_t i = site->n_middleware; i-- > 0;) {
        const mn_middleware *mw = site->cfg.middleware[i];
        if (!mw->process_template_response)
            continue;
        mn_response *r = mw->process_template_response(req, resp, d->context, mw->data);
        if (!r)
            return view_failed(req, site,
                               failure_message(req, mn_arena_sprintf(mn_request_arena(req),
                                   "%s.process_template_response didn't return a response",
                                   mw->name ? mw->name : "middleware")));
        if (r != resp)
            return r; /* a new response replaces the deferred one, rendered or not */
    }
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    mn_err err = { 0 };
    int rc = d->fn(req, d->context, d->data, &b, &err);
    if (!rc)
        rc = mn_buf_error(&b);
    if (rc)
        return view_failed(req, site, err.code ? mn_arena_strdup(mn_request_arena(req), err.msg)
                                                : mn_strerror(rc));
    mn_response_set_body(resp, mn_buf_str(&b));
    return resp;
}

static mn_response *core(mn_site *site, mn_request *req)
{
    mn_arena *a = mn_request_arena(req);
    mn_str path = mn_request_path(req);
    if (site->cfg.serve_static) {
        bool handled;
        mn_response *r = serve_static(site, req, path, &handled);
        if (handled)
            return r ? r : server_error(req, site, "out of memory");
    }
    mn_url_match *m = mn_arena_calloc(a, 1, sizeof *m);
    if (!m)
        return NULL;
    int rc = mn_resolver_resolve(site->resolver, path, a, m);
    if (rc == MN_ENOTFOUND)
        return mn__not_found(req, site, NULL);
    if (rc)
        return server_error(req, site, mn_strerror(rc));
    mn_request_set_match(req, m);
    for (size_t i = 0; i < site->n_middleware; i++) {
        const mn_middleware *mw = site->cfg.middleware[i];
        if (!mw->process_view)
            continue;
        mn_response *r = mw->process_view(req, m->view, &m->args, mw->data);
        if (r)
            return r;
    }
    mn_response *resp = m->view(req, &m->args);
    if (!resp) {
        const char *msg = failure_message(
            req, mn_arena_sprintf(a, "The view %s%s%s didn't return a response.",
                                  m->url_name ? "'" : "", m->url_name ? m->url_name : m->route,
                                  m->url_name ? "'" : ""));
        resp = view_failed(req, site, msg);
    }
    return resp;
}

/* N+1 detection once the view and its template are done. */
static mn_response *check_nplus1(mn_request *req, mn_site *site, mn_response *resp)
{
    mn__web_req *st = mn__web_state(req);
    if (!st || !st->nplus1)
        return resp;
    const char *msg = mn_nplus1_message(st->nplus1);
    mn_nplus1_stop(st->nplus1);
    size_t n = mn_nplus1_statements(st->nplus1);
    if (n && site->cfg.settings->DEBUG) {
        char timing[96];
        snprintf(timing, sizeof timing, "db;dur=%.3f;desc=\"%zu quer%s\"", mn_nplus1_seconds(st->nplus1) * 1000, n,
                 n == 1 ? "y" : "ies");
        mn_response_add_header(resp, "Server-Timing", mn_str_from(timing));
    }
    if (!msg)
        return resp;
    st->nplus1_message = msg;
    if (site->cfg.settings->NPLUS1_RAISE)
        return server_error(req, site, msg);
    mn_log_warning(&nplus1_log, msg, MN_LOG_SLICE("path", mn_request_path(req)),
                   MN_LOG_STR("request_id", mn_request_id(req)));
    return resp;
}

static bool is_deferred(mn_request *req, const mn_response *resp)
{
    return mn_response_context(req, resp) != NULL;
}

mn_response *mn_next_call(mn_next *next, mn_request *req)
{
    mn_site *site = next->site;
    size_t i = next->index;
    while (i < site->n_middleware && !site->cfg.middleware[i]->call)
        i++;
    mn_response *resp;
    if (i == site->n_middleware) {
        resp = core(site, req);
        /* A view's render(), or a handler404/handler500 that renders; a
         * failing render may itself produce a rendered error page. */
        for (int round = 0; resp && round < 3 && is_deferred(req, resp); round++)
            resp = render_deferred(req, site, resp);
        if (resp && is_deferred(req, resp))
            resp = mn_http_error(req, 500);
        if (resp)
            resp = check_nplus1(req, site, resp);
        if (!resp)
            resp = server_error(req, site, failure_message(req, "out of memory"));
        return resp;
    }
    const mn_middleware *mw = site->cfg.middleware[i];
    mn_next sub = { .site = site, .index = i + 1, .mw = mw };
    resp = mw->call(req, &sub);
    if (!resp) {
        const char *msg = failure_message(
            req, mn_arena_sprintf(mn_request_arena(req), "%s returned no response",
                                  mw->name ? mw->name : "a middleware"));
        resp = server_error(req, site, msg ? msg : "out of memory");
    }
    return resp;
}

const void *mn_next_data(const mn_next *next) { return next->mw ? next->mw->data : NULL; }

static void request_finished(void *site)
{
    mn_err err;
    mn_err_clear(&err);
    if (mn_signal_send(&mn_request_finished, site, NULL, NULL, NULL, &err))
        mn_logf(&mn__request_log, MN_LOG_ERROR, "%s", err.msg);
}

/* Request ids need to be unique and unguessable enough to tell requests
 * apart in logs, not secret: each thread draws a random key once and then
 * numbers its requests through a bijective mixer (splitmix64's finaliser),
 * so ids never repeat within a thread and no request pays for a call into
 * the CSPRNG (which cost more than the rest of a small request's handling). */
static void make_id(char out[17])
{
    static _Atomic uint64_t threads;
    static _Thread_local uint64_t key, seq;
    /* Two hex digits per byte from a table: half the work of nibbles. */
    static const char hex2[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                               "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                               "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
                               "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
                               "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
                               "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
                               "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
                               "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    if (!key) {
        mn_err err = { 0 };
        if (mn_crypto_random_bytes(&key, sizeof key, &err))
            key = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL);
        /* Distinct threads get distinct odd keys even if the draws collide. */
        key = (key ^ (atomic_fetch_add(&threads, 1) << 1)) | 1;
    }
    uint64_t z = key * ++seq; /* odd key: a bijection of seq */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (int i = 0; i < 8; i++)
        memcpy(out + 2 * i, hex2 + 2 * ((z >> (56 - 8 * i)) & 0xff), 2);
    out[16] = 0;
}

mn_response *mn_site_handle(mn_site *site, mn_request *req)
{
    mn__web_req *st = mn__web_state_get(req);
    if (!st)
        return NULL;
    st->site = site;
    make_id(st->id);
    mn_err err;
    mn_err_clear(&err);
    if (mn_signal_send(&mn_request_started, site, NULL, mn_request_arena(req), NULL, &err))
        mn_logf(&mn__request_log, MN_LOG_ERROR, "%s", err.msg);
    if (mn_arena_on_cleanup(mn_request_arena(req), request_finished, site))
        return NULL;
    const mn_settings *s = site->cfg.settings;
    if ((s->DEBUG || st->nplus1_force) && s->NPLUS1_THRESHOLD >= 0)
        st->nplus1 = mn_nplus1_start(mn_request_arena(req), s->NPLUS1_THRESHOLD);
    mn_next top = { .site = site, .index = 0, .mw = NULL };
    return mn_next_call(&top, req);
}

mn_response *mn_site_server_handler(mn_request *req, void *ctx)
{
    return mn_site_handle(ctx, req);
}
