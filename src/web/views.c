/* Views: shortcuts (django.shortcuts), the HttpResponse family,
 * decorators, view markers and deferred (template) responses. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include "manouche/json.h"
#include "web_internal.h"

mn_response *mn_view_not_found(mn_request *req, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = mn_arena_vsprintf(mn_request_arena(req), fmt, ap);
    va_end(ap);
    mn__web_req *st = mn__web_state(req);
    return mn__not_found(req, st ? st->site : NULL, msg);
}

/* ---- the HttpResponse family ---- */

mn_response *mn_response_not_found(mn_request *req, mn_str body)
{
    return mn_response_text(req, 404, NULL, body);
}

mn_response *mn_response_forbidden(mn_request *req, mn_str body)
{
    return mn_response_text(req, 403, NULL, body);
}

mn_response *mn_response_bad_request(mn_request *req, mn_str body)
{
    return mn_response_text(req, 400, NULL, body);
}

mn_response *mn_response_gone(mn_request *req, mn_str body)
{
    return mn_response_text(req, 410, NULL, body);
}

mn_response *mn_response_server_error(mn_request *req, mn_str body)
{
    return mn_response_text(req, 500, NULL, body);
}

mn_response *mn_response_not_allowed(mn_request *req, const char *const *methods)
{
    mn_response *r = mn_response_new(req, 405);
    if (!r)
        return NULL;
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    for (size_t i = 0; methods && methods[i]; i++) {
        if (i)
            mn_buf_puts(&b, ", ");
        mn_buf_puts(&b, methods[i]);
    }
    if (mn_buf_error(&b) || mn_response_set_header(r, "Allow", mn_buf_str(&b)))
        return NULL;
    return r;
}

mn_response *mn_json_response(mn_request *req, int status, mn_value data)
{
    mn_response *r = mn_response_json(req, status, data,
                                      MN_JSON_SPACED | MN_JSON_ENSURE_ASCII | MN_JSON_DECIMAL_AS_STRING);
    if (!r)
        return mn_view_fail(req, "JsonResponse: the %s cannot be written as JSON (NaN, infinity, "
                                 "a callable or invalid UTF-8)", mn_value_type_name(data));
    return r;
}

/* ---- redirect() ---- */

mn_response *mn_redirect(mn_request *req, const char *url, bool permanent)
{
    if (!url || !*url)
        return mn_view_fail(req, "redirect(): empty URL");
    return mn_response_redirect(req, url, permanent);
}

mn_response *mn_redirect_to_view(mn_request *req, const char *viewname, const mn_list *args,
                                 const mn_map *kwargs, bool permanent)
{
    mn_str url;
    mn_err err = { 0 };
    if (mn_request_reverse(req, viewname, args, kwargs, &url, &err))
        return mn_view_fail(req, "%s", err.msg);
    return mn_response_redirect(req, url.ptr, permanent);
}

mn_response *mn_redirect_to_object(mn_request *req, mn_value obj, bool permanent)
{
    if (mn_value_type(obj) != MN_VALUE_OBJECT || !obj.u.obj.type ||
        !obj.u.obj.type->get_attr)
        return mn_view_fail(req, "redirect(): a %s has no get_absolute_url", mn_value_type_name(obj));
    mn_value url;
    int rc = obj.u.obj.type->get_attr(obj.u.obj.ptr, MN_STR("get_absolute_url"),
                                          mn_request_arena(req), &url);
    if (rc || mn_value_type(url) != MN_VALUE_STR)
        return mn_view_fail(req, "redirect(): %s has no get_absolute_url", obj.u.obj.type->name);
    char *u = mn_str_dup(mn_request_arena(req), url.u.s);
    return u ? mn_redirect(req, u, permanent) : NULL;
}

/* ---- decorators ---- */

mn_response *mn_require_methods(mn_request *req, const mn_url_args *args,
                                const char *const *methods, mn_view_fn view)
{
    for (size_t i = 0; methods[i]; i++)
        if (mn_request_is_method(req, methods[i]))
            return view(req, args);
    mn_str m = mn_request_method(req);
    mn_str p = mn_request_path(req);
    mn_logf(&mn__request_log, MN_LOG_WARNING, "Method Not Allowed (%.*s): %.*s", MN_STR_FMT(m),
            MN_STR_FMT(p));
    return mn_response_not_allowed(req, methods);
}

/* View markers: an append-only table written at startup. Readers load the
 * count with acquire order and see complete entries. */
#define MAX_MARKED 4096
static struct {
    mn_view_fn view;
    _Atomic unsigned flags;
} marked[MAX_MARKED];
static _Atomic size_t n_marked;
static pthread_mutex_t mark_lock = PTHREAD_MUTEX_INITIALIZER;

int mn_view_mark(mn_view_fn view, unsigned flags)
{
    pthread_mutex_lock(&mark_lock);
    size_t n = atomic_load(&n_marked);
    for (size_t i = 0; i < n; i++) {
        if (marked[i].view == view) {
            atomic_fetch_or(&marked[i].flags, flags);
            pthread_mutex_unlock(&mark_lock);
            return MN_OK;
        }
    }
    if (n == MAX_MARKED) {
        pthread_mutex_unlock(&mark_lock);
        return MN_ELIMIT;
    }
    marked[n].view = view;
    atomic_store(&marked[n].flags, flags);
    atomic_store_explicit(&n_marked, n + 1, memory_order_release);
    pthread_mutex_unlock(&mark_lock);
    return MN_OK;
}

unsigned mn_view_flags(mn_view_fn view)
{
    size_t n = atomic_load_explicit(&n_marked, memory_order_acquire);
    for (size_t i = 0; i < n; i++)
        if (marked[i].view == view)
            return atomic_load(&marked[i].flags);
    return 0;
}

bool mn_request_view_has(const mn_request *req, unsigned flag)
{
    const mn_url_match *m = mn_request_match(req);
    return m && (mn_view_flags(m->view) & flag);
}

/* ---- deferred responses ---- */

mn_response *mn_deferred_response(mn_request *req, int status, const char *content_type,
                                  mn_render_fn fn, void *data, mn_map *context)
{
    mn__web_req *st = mn__web_state_get(req);
    mn_arena *a = mn_request_arena(req);
    if (!st)
        return NULL;
    if (!context && !(context = mn_map_new(a, 4)))
        return NULL;
    mn_response *r = mn_response_new(req, status);
    if (!r || (content_type && mn_response_set_header_cstr(r, "Content-Type", content_type)))
        return NULL;
    mn__deferred *d = mn_arena_alloc(a, sizeof *d);
    if (!d)
        return NULL;
    *d = (mn__deferred){ .resp = r, .fn = fn, .data = data, .context = context, .next = st->deferred };
    st->deferred = d;
    return r;
}

mn_map *mn_response_context(mn_request *req, const mn_response *resp)
{
    mn__web_req *st = mn__web_state(req);
    for (mn__deferred *d = st ? st->deferred : NULL; d; d = d->next)
        if (d->resp == resp)
            return d->context;
    return NULL;
}
