/* Manouche: views, shortcuts, decorators, error handling and static files
 * (django.shortcuts, django.views.decorators, django.views.static).
 *
 * A view is an mn_view_fn (urls.h): it takes the request and the arguments
 * its URL captured and returns a response allocated in the request's arena:
 *
 *     static mn_response *product_detail(mn_request *req, const mn_url_args *args)
 *     {
 *         int64_t pk;
 *         if (mn_url_arg_int(args, "pk", &pk))
 *             return mn_http_404(req);
 *         ...
 *         return mn_response_text(req, 200, NULL, mn_str_from(html));
 *     }
 *
 * A view that cannot produce a response returns mn_view_fail(req, "..."):
 * the message goes to the middleware's process_exception hooks, the log
 * (with the request id) and, in DEBUG, the technical 500 page.
 *
 * All functions here run on the request's thread and allocate in its arena;
 * none keeps global state except the view-flag registry (mn_view_mark),
 * which is written at startup and read lock-free. */
#ifndef MANOUCHE_VIEWS_H
#define MANOUCHE_VIEWS_H

#include <stdbool.h>
#include <stdint.h>
#include "manouche/error.h"
#include "manouche/http.h"
#include "manouche/settings.h"
#include "manouche/urls.h"
#include "manouche/value.h"

/* ---- what the request handler attaches to a request ---- */

/* The settings of the project serving req (django.conf.settings), or NULL
 * for a request not served by mn_site_handle. */
const mn_settings *mn_request_settings(const mn_request *req);
/* The resolver of the project serving req, or NULL. */
const mn_resolver *mn_request_resolver(const mn_request *req);
/* The request id: 16 hex digits, unique per request, added to every log
 * line about the request. "" outside mn_site_handle. */
const char *mn_request_id(const mn_request *req);
/* Seconds since the handler received the request (monotonic clock). */
double mn_request_elapsed(const mn_request *req);
/* reverse() with the project's resolver and the request's namespace as
 * current_app. Returns MN_OK and *out, or MN_ENOTFOUND with Django's
 * NoReverseMatch message in err (MN_EINVAL outside a project). */
int mn_request_reverse(mn_request *req, const char *viewname, const mn_list *args,
                       const mn_map *kwargs, mn_str *out, mn_err *err);

/* ---- failures (Django's exceptions raised by a view) ---- */

/* Records why the view failed (message formatted like printf) and the
 * current backtrace, and returns NULL, so a view can write
 * `return mn_view_fail(req, "no price for %s", sku);`. */
mn_response *mn_view_fail(mn_request *req, const char *fmt, ...) MN_PRINTF(2, 3);
/* The failure message recorded for req, or NULL. */
const char *mn_request_failure(const mn_request *req);
/* raise Http404(message): the project's 404 response (handler404, in DEBUG
 * the technical page showing the message, else Django's page), logged
 * "Not Found" with the request id. Never NULL unless out of memory. */
mn_response *mn_view_not_found(mn_request *req, const char *fmt, ...) MN_PRINTF(2, 3);

/* ---- the HttpResponse family ---- */

/* A text/html response with a copy of body: HttpResponseNotFound (404),
 * HttpResponseForbidden (403), HttpResponseBadRequest (400),
 * HttpResponseGone (410), HttpResponseServerError (500). NULL when out of
 * memory. */
mn_response *mn_response_not_found(mn_request *req, mn_str body);
mn_response *mn_response_forbidden(mn_request *req, mn_str body);
mn_response *mn_response_bad_request(mn_request *req, mn_str body);
mn_response *mn_response_gone(mn_request *req, mn_str body);
mn_response *mn_response_server_error(mn_request *req, mn_str body);
/* HttpResponseNotAllowed: 405 with Allow: "GET, POST" from the
 * NULL-terminated methods. */
mn_response *mn_response_not_allowed(mn_request *req, const char *const *methods);

/* JsonResponse: data serialised like Django's DjangoJSONEncoder (", " and
 * ": " separators, ASCII output, decimals as strings, dates in ISO 8601),
 * through http.h's mn_response_json. Content-Type application/json. A value
 * that cannot be serialised gives a recorded failure and NULL. */
mn_response *mn_json_response(mn_request *req, int status, mn_value data);

/* ---- redirect() ---- */

/* redirect(url): 302 (or 301 when permanent) to a URL or path. */
mn_response *mn_redirect(mn_request *req, const char *url, bool permanent);
/* redirect('view-name', *args, **kwargs): reverses viewname first. A name
 * that does not reverse is a failure (NULL) with Django's message. */
mn_response *mn_redirect_to_view(mn_request *req, const char *viewname, const mn_list *args,
                                 const mn_map *kwargs, bool permanent);
/* redirect(obj): to obj.get_absolute_url(), read through the object's
 * mn_type get_attr("get_absolute_url") (a string value). Anything else is a
 * failure (NULL). */
mn_response *mn_redirect_to_object(mn_request *req, mn_value obj, bool permanent);

/* ---- decorators ---- */

/* require_http_methods: calls view when req's method is in the
 * NULL-terminated methods, else answers 405 with Allow and logs
 * "Method Not Allowed (M): /path" as Django does. */
mn_response *mn_require_methods(mn_request *req, const mn_url_args *args,
                                const char *const *methods, mn_view_fn view);

/* Defines a view `name` wrapping view with require_http_methods:
 *     MN_REQUIRE_HTTP_METHODS(product_edit, product_edit_impl, "GET", "POST");
 */
#define MN_REQUIRE_HTTP_METHODS(name, view, ...)                                                 \
    static mn_response *name(mn_request *mn__req, const mn_url_args *mn__args)                  \
    {                                                                                            \
        static const char *const mn__methods[] = { __VA_ARGS__, NULL };                          \
        return mn_require_methods(mn__req, mn__args, mn__methods, (view));                       \
    }
/* require_GET, require_POST, require_safe (GET and HEAD). */
#define MN_REQUIRE_GET(name, view) MN_REQUIRE_HTTP_METHODS(name, view, "GET")
#define MN_REQUIRE_POST(name, view) MN_REQUIRE_HTTP_METHODS(name, view, "POST")
#define MN_REQUIRE_SAFE(name, view) MN_REQUIRE_HTTP_METHODS(name, view, "GET", "HEAD")

/* Markers read by middleware (Django's attributes set by decorators). */
enum {
    MN_VIEW_CSRF_EXEMPT = 1u << 0,   /* @csrf_exempt: CSRF checks skip the view */
    MN_VIEW_XFRAME_EXEMPT = 1u << 1, /* @xframe_options_exempt */
    MN_VIEW_GZIP_EXEMPT = 1u << 2,   /* never gzip (responses reflecting secrets: BREACH) */
};
/* Adds flags to view. Call at startup (an app's ready hook). Returns MN_OK
 * or MN_ELIMIT (more than 4096 marked views). Thread-safe. */
int mn_view_mark(mn_view_fn view, unsigned flags);
/* The flags of view (0 when unmarked). Lock-free. */
unsigned mn_view_flags(mn_view_fn view);
/* @csrf_exempt. */
static inline int mn_csrf_exempt(mn_view_fn view) { return mn_view_mark(view, MN_VIEW_CSRF_EXEMPT); }
/* True when the view that matched req carries flag. */
bool mn_request_view_has(const mn_request *req, unsigned flag);

/* ---- deferred responses (TemplateResponse) ---- */

/* Renders context into out. Returns MN_OK or an error code (the response
 * then becomes a 500 with the message in err). */
typedef int (*mn_render_fn)(mn_request *req, const mn_map *context, void *data, mn_buf *out,
                            mn_err *err);
/* A response rendered after the middleware's process_template_response
 * hooks had a chance to change context (Django's TemplateResponse; the
 * template engine's render() builds on it). context NULL: an empty map. */
mn_response *mn_deferred_response(mn_request *req, int status, const char *content_type,
                                  mn_render_fn fn, void *data, mn_map *context);
/* The context of a deferred response not rendered yet, or NULL. */
mn_map *mn_response_context(mn_request *req, const mn_response *resp);

/* ---- get_object_or_404, get_list_or_404 ---- */

typedef struct mn_qs mn_qs;

/* get_object_or_404(queryset): the one instance qs matches (queryset.h's
 * mn_qs_get). When none does, returns NULL and *resp is the project's 404
 * ("No Product matches the given query."); on any other error (several
 * objects, the database) returns NULL with the failure recorded and *resp
 * NULL, which the handler makes a 500. Typical use:
 *     product *p = mn_get_object_or_404(req, mn_qs_filter(all, "pk", mn_value_int(pk)), &resp);
 *     if (!p)
 *         return resp; */
void *mn_get_object_or_404(mn_request *req, mn_qs *qs, mn_response **resp);
/* get_list_or_404(queryset): qs evaluated (mn_qs_len > 0), or NULL with
 * *resp the 404 when it is empty, or NULL with a recorded failure and *resp
 * NULL on a database error. */
mn_qs *mn_get_list_or_404(mn_request *req, mn_qs *qs, mn_response **resp);

/* ---- templates ---- */

/* render(request, template_name, context): a deferred response (200,
 * text/html; charset=utf-8) that renders template_name with the project's
 * template engine once the middleware's process_template_response hooks
 * have run. context may be NULL; the context processors run and see the
 * request as `request` (path, method, get_full_path, scheme, is_secure,
 * id). A missing template or a render error becomes a 500 with Django's
 * message (TemplateDoesNotExist, TemplateSyntaxError). Returns NULL (a
 * recorded failure) when the project has no template engine. */
mn_response *mn_render(mn_request *req, const char *template_name, mn_map *context);
/* The request as a template value (what `request` is in templates). */
mn_value mn_request_value(mn_request *req);

/* ---- static and media files (django.views.static.serve) ---- */

/* Serves the file at relpath (the decoded URL path after the prefix) under
 * root: paths with "..", "." or empty segments, backslashes, NUL, encoded
 * dots or slashes that survived decoding, and symlinks leading out of root
 * are refused with 404. Directories are 404. Answers with Content-Type,
 * Content-Length, Last-Modified, ETag (size and mtime), 304 for
 * If-None-Match / If-Modified-Since, Range (206, 416), and a precompressed
 * sibling (file.br, file.gz) when the client accepts it, with
 * Content-Encoding and Vary: Accept-Encoding. Never NULL unless out of
 * memory. */
mn_response *mn_static_serve(mn_request *req, const char *root, mn_str relpath);

/* Resolves relpath under root safely as mn_static_serve does. Returns
 * MN_OK and the real path (arena) in *out, MN_ENOTFOUND when missing or
 * not a regular file, or MN_EPERM for a refused path. */
int mn_static_resolve(mn_arena *arena, const char *root, mn_str relpath, const char **out);

#endif
