/* Manouche: middleware and the request handler (Django's BaseHandler and
 * MIDDLEWARE).
 *
 * A middleware wraps the rest of the chain, like a Django middleware class
 * wraps get_response: it may change the request, answer early without
 * calling the next handler, and change the response on the way back.
 *
 *     static mn_response *timing(mn_request *req, mn_next *next)
 *     {
 *         double start = mn_request_elapsed(req);
 *         mn_response *resp = mn_next_call(next, req);
 *         mn_logf(&log, MN_LOG_INFO, "Response %d - %.2fs", mn_response_status(resp),
 *                 mn_request_elapsed(req) - start);
 *         return resp;
 *     }
 *     const mn_middleware timing_middleware = { .name = "shop.Timing", .call = timing };
 *
 * The project lists its middleware in order (Django's MIDDLEWARE): the
 * first one sees the request first and the response last. Hooks, all
 * optional, run as in Django:
 *  - process_view before the view (in list order); a response answers early;
 *  - process_exception when the view fails (returns NULL), in reverse order;
 *    the first response returned replaces Django's 500 handling;
 *  - process_template_response for deferred responses (views.h's
 *    mn_deferred_response), in reverse order, before the body is rendered.
 * A middleware (or view) that returns NULL becomes a 500 response at that
 * level, so outer middleware always see a response, as Django's
 * convert_exception_to_response does.
 *
 * Everything here runs on the server thread of the request; middleware
 * descriptors are static and shared by every thread, so they keep no
 * per-request state outside the request (use mn_request_set_attr). */
#ifndef MANOUCHE_MIDDLEWARE_H
#define MANOUCHE_MIDDLEWARE_H

#include <stdbool.h>
#include "manouche/error.h"
#include "manouche/http.h"
#include "manouche/settings.h"
#include "manouche/urls.h"

/* The rest of the chain, handed to a middleware's call. */
typedef struct mn_next mn_next;

typedef struct mn_middleware {
    const char *name; /* "manouche.SecurityMiddleware", for messages */
    /* The wrapper (Django's __call__); NULL: only the hooks below. */
    mn_response *(*call)(mn_request *req, mn_next *next);
    mn_response *(*process_view)(mn_request *req, mn_view_fn view, const mn_url_args *args,
                                 const void *data);
    /* message is the view's failure message (mn_view_fail), never NULL. */
    mn_response *(*process_exception)(mn_request *req, const char *message, const void *data);
    /* May change context (the deferred response's context) or return another
     * response; returning resp keeps it. */
    mn_response *(*process_template_response)(mn_request *req, mn_response *resp, mn_map *context,
                                              const void *data);
    const void *data; /* configuration, see mn_next_data */
} mn_middleware;

/* Calls the rest of the chain (Django's self.get_response(request)).
 * Never returns NULL: failures below become 500 responses (NULL only when
 * even that cannot be allocated). */
mn_response *mn_next_call(mn_next *next, mn_request *req);
/* The data pointer of the middleware being called. */
const void *mn_next_data(const mn_next *next);

/* ---- built-in middleware (django.middleware.*) ---- */

/* SecurityMiddleware: SECURE_SSL_REDIRECT (301 to https, SECURE_SSL_HOST),
 * Strict-Transport-Security on secure requests (SECURE_HSTS_SECONDS,
 * includeSubDomains, preload), X-Content-Type-Options: nosniff,
 * X-XSS-Protection (SECURE_BROWSER_XSS_FILTER), Referrer-Policy and
 * Cross-Origin-Opener-Policy (only when the view did not set them). */
extern const mn_middleware mn_security_middleware;

/* CommonMiddleware options (Django's DISALLOWED_USER_AGENTS setting). */
typedef struct mn_common_options {
    /* NULL-terminated PCRE2 patterns searched in User-Agent; a match is a
     * 403. NULL: none. */
    const char *const *disallowed_user_agents;
} mn_common_options;
/* CommonMiddleware: DISALLOWED_USER_AGENTS (403), PREPEND_WWW (301 to
 * www.), APPEND_SLASH (a 404 whose path + '/' resolves becomes a 301 there;
 * in DEBUG a POST, PUT or PATCH fails instead, as in Django). data: an
 * mn_common_options or NULL. */
mn_response *mn_common_middleware_call(mn_request *req, mn_next *next);
extern const mn_middleware mn_common_middleware;

/* XFrameOptionsMiddleware: X-Frame-Options from X_FRAME_OPTIONS unless the
 * view set it or is marked MN_VIEW_XFRAME_EXEMPT. */
extern const mn_middleware mn_xframe_options_middleware;

/* GZipMiddleware: gzip (zlib) for clients sending Accept-Encoding: gzip,
 * for in-memory bodies of at least 200 bytes with a compressible type
 * (text/\*, JSON, JavaScript, XML, SVG), no Content-Encoding yet, and a view
 * not marked MN_VIEW_GZIP_EXEMPT. Against BREACH it pads the gzip header
 * with 0-100 random bytes (as Django 4.2 does) and never compresses a
 * response the view marked as reflecting secrets (mark views that echo
 * user input next to a CSRF token or other secret). Sets Vary:
 * Accept-Encoding, and weakens a strong ETag. */
extern const mn_middleware mn_gzip_middleware;

/* ConditionalGetMiddleware: on GET, adds an ETag (MD5 of the body, like
 * Django) to in-memory responses without one, then answers 304 when
 * If-None-Match or If-Modified-Since say the client's copy is current, and
 * 412 when If-Match or If-Unmodified-Since fail. */
extern const mn_middleware mn_conditional_get_middleware;

/* Django's get_conditional_response: given the response's ETag and
 * Last-Modified (either may be empty / -1), answers 304 or 412 for req's
 * conditional headers, or returns resp unchanged. Used by static serving too. */
mn_response *mn_conditional_response(mn_request *req, mn_response *resp, mn_str etag,
                                     int64_t last_modified);

#endif
