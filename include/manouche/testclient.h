/* Manouche: the test client (django.test.Client and TestCase's assertions).
 *
 * Requests go in-process through the project's whole stack (middleware,
 * URL resolver, view, templates, N+1 detection) without sockets:
 *
 *     mn_test_client *c = mn_test_client_new(site);
 *     mn_test_response *r = mn_test_get(c, "/products/", NULL);
 *     mn_err err = { 0 };
 *     cr_assert(mn_test_assert_contains(r, "Test Product", -1, 200, &err), "%s", err.msg);
 *     cr_assert(mn_test_assert_template_used(r, "products/product_list.html", &err), "%s", err.msg);
 *     mn_value *product = mn_test_context(r, "product");
 *     mn_test_client_free(c);
 *
 * A response records its status, headers (as they would be sent, Set-Cookie
 * included), content (streamed bodies are drained, files read), the
 * templates rendered (extended and included ones too, in order), the
 * context of the last top-level render (flattened, context processors
 * included), the redirect chain when redirects were followed, the SQL
 * statements run while it was handled, the view's failure message and the
 * N+1 detection's finding (always on under the test client; settings'
 * NPLUS1_RAISE makes it a 500).
 *
 * Cookies set by responses are kept and sent with the next requests, as a
 * browser would (Max-Age=0 / expired ones are dropped). Responses live until
 * the client is freed. The assertion helpers return true, or false with
 * Django's message in err, so they fit any test framework:
 *     cr_assert(mn_test_assert_num_queries(r, 2, &err), "%s", err.msg);
 *
 * A client belongs to one thread (the ORM connection of the views is the
 * thread's, see mn_orm_use). */
#ifndef MANOUCHE_TESTCLIENT_H
#define MANOUCHE_TESTCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include "manouche/app.h"
#include "manouche/error.h"
#include "manouche/http.h"
#include "manouche/settings.h"
#include "manouche/value.h"

typedef struct mn_test_client mn_test_client;

typedef struct mn_test_redirect {
    const char *url; /* the Location followed */
    int status;      /* the redirect's status (301, 302, 303, 307, 308) */
} mn_test_redirect;

typedef struct mn_test_response {
    int status;
    mn_str content;            /* the body */
    mn_request *request;       /* the (last) request */
    mn_response *response;     /* the framework's response: mn_response_header() etc. */
    const mn_header *headers;  /* the head as it would be sent (Set-Cookie included) */
    size_t nheaders;
    const char *const *templates; /* names of the templates rendered, in order */
    size_t ntemplates;
    mn_map *context;           /* the last render's context, or NULL */
    const mn_test_redirect *redirect_chain; /* when following redirects */
    size_t nredirects;
    const char *const *queries; /* SQL of every statement run, in order */
    size_t nqueries;
    const char *failure;       /* the view's failure message (a 500), or NULL */
    const char *nplus1;        /* the N+1 detection's message, or NULL */
} mn_test_response;

/* A client for site (borrowed: it must outlive the client). Never NULL
 * unless out of memory. */
mn_test_client *mn_test_client_new(mn_site *site);
/* A client for a whole project, as ./manage would serve it: its settings
 * (the base and the variant of MANOUCHE_SETTINGS, the environment, .env)
 * adjusted by configure (may be NULL; e.g. turn NPLUS1_RAISE on), its apps'
 * ready hooks (run once per process), templates, middleware and URLs. The
 * settings are published (mn_settings_set_current). The client owns the
 * site and frees it. NULL with err on a configuration error. */
mn_test_client *mn_test_client_for_project(const mn_project *p, void (*configure)(mn_settings *s),
                                           mn_err *err);
/* Frees the client and every response it returned. NULL is allowed. */
void mn_test_client_free(mn_test_client *c);
/* The site the client sends to. */
mn_site *mn_test_client_site(const mn_test_client *c);

/* Follow redirects by default (Client(follow=True) for every request). */
void mn_test_client_set_follow(mn_test_client *c, bool follow);
/* A header sent with every request (Client(HTTP_ACCEPT_LANGUAGE="fr")).
 * Both strings are copied. MN_OK, MN_EINVAL (CR/LF in it) or MN_ENOMEM. */
int mn_test_client_set_header(mn_test_client *c, const char *name, const char *value);
/* client.cookies[name] = value, and the current value (NULL when none). */
int mn_test_client_set_cookie(mn_test_client *c, const char *name, const char *value);
const char *mn_test_client_cookie(const mn_test_client *c, const char *name);

/* A request in full. Zero fields take the defaults. */
typedef struct mn_test_request {
    const char *method;       /* "GET" */
    const char *path;         /* "/products/" (may carry "?query") */
    const mn_map *query;      /* added to the query string; list values repeat the key */
    mn_str body;
    const char *content_type; /* of body */
    const char *const *headers; /* NULL-terminated name, value pairs */
    int follow;               /* 0: the client's default, 1: follow, -1: do not */
} mn_test_request;

/* Sends r. Returns the response (living until the client is freed), or
 * NULL with err when the request cannot be built (bad path, CR/LF in a
 * header, more than 20 redirects: "Redirect loop detected.") */
mn_test_response *mn_test_client_request(mn_test_client *c, const mn_test_request *r, mn_err *err);
/* client.get(path, data): data's values are strings, numbers or lists. */
mn_test_response *mn_test_get(mn_test_client *c, const char *path, const mn_map *query);
/* client.post(path, data): application/x-www-form-urlencoded. */
mn_test_response *mn_test_post(mn_test_client *c, const char *path, const mn_map *form);
/* client.post(path, data, content_type="application/json"). */
mn_test_response *mn_test_post_json(mn_test_client *c, const char *path, mn_value json);
/* The error of the last request that returned NULL. */
const mn_err *mn_test_client_error(const mn_test_client *c);

/* response.context[name], or NULL. */
mn_value *mn_test_context(const mn_test_response *r, const char *name);
/* A response header (case-insensitive) as sent, or NULL; NUL-terminated copy. */
const char *mn_test_header(const mn_test_response *r, const char *name);

/* ---- assertions (TestCase.assert*) ---- */

/* assertContains(response, text, count=None, status_code=200): the status
 * is status and text occurs count times (count < 0: at least once). */
bool mn_test_assert_contains(const mn_test_response *r, const char *text, int count, int status, mn_err *err);
bool mn_test_assert_not_contains(const mn_test_response *r, const char *text, int status, mn_err *err);
/* assertRedirects(response, expected_url, status_code, target_status_code):
 * for a followed response checks the chain, else the status and Location,
 * then fetches expected_url with c and checks its status. */
bool mn_test_assert_redirects(mn_test_client *c, const mn_test_response *r, const char *expected_url,
                              int status, int target_status, mn_err *err);
/* assertTemplateUsed / assertTemplateNotUsed. */
bool mn_test_assert_template_used(const mn_test_response *r, const char *name, mn_err *err);
bool mn_test_assert_template_not_used(const mn_test_response *r, const char *name, mn_err *err);
/* assertNumQueries for one response: "3 != 2 : 3 queries executed, 2
 * expected" followed by the captured queries. */
bool mn_test_assert_num_queries(const mn_test_response *r, size_t expected, mn_err *err);
/* No N+1 finding while handling r (the finding is the message). */
bool mn_test_assert_no_nplus1(const mn_test_response *r, mn_err *err);

/* assertNumQueries as a block for code outside requests:
 *     mn_test_queries *q = mn_test_queries_start(arena);
 *     ... ORM calls on this thread ...
 *     cr_assert(mn_test_queries_assert(q, 1, &err), "%s", err.msg); */
typedef struct mn_test_queries mn_test_queries;
mn_test_queries *mn_test_queries_start(mn_arena *arena);
/* Statements counted so far. */
size_t mn_test_queries_count(const mn_test_queries *q);
/* Stops counting and compares. */
bool mn_test_queries_assert(mn_test_queries *q, size_t expected, mn_err *err);

#endif
