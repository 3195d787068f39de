/* Manouche: URL routing (Django's path(), re_path(), include(), reverse()).
 *
 * A project declares its URL patterns as static arrays with designated
 * initializers (the urls.py of Manouche) and compiles them once at startup
 * into an mn_resolver. Compilation checks every pattern (unknown converters,
 * bad regexes, duplicate group names) and reports the first problem with the
 * pattern's text; resolving and reversing then never allocate outside the
 * arena they are given and take no lock, so one resolver serves every thread.
 *
 *   static const mn_url_pattern product_urls[] = {
 *       MN_PATH("", product_list, "list"),
 *       MN_PATH("<int:pk>/", product_detail, "detail"),
 *       MN_RE_PATH("^archive/(?P<year>[0-9]{4})/$", archive, "archive"),
 *       MN_URL_END
 *   };
 *   static const mn_urlconf products_urls = { .app_name = "products", .patterns = product_urls };
 *   static const mn_url_pattern root_urls[] = {
 *       MN_INCLUDE("products/", &products_urls, NULL),
 *       MN_URL_END
 *   };
 */
#ifndef MANOUCHE_URLS_H
#define MANOUCHE_URLS_H

#include <stdbool.h>
#include <stddef.h>
#include "manouche/arena.h"
#include "manouche/error.h"
#include "manouche/str.h"
#include "manouche/value.h"

typedef struct mn_request mn_request;
typedef struct mn_response mn_response;
typedef struct mn_url_args mn_url_args;

/* A view: takes the request and the arguments the URL captured (converted by
 * their converters) and returns a response (NULL means an error was recorded
 * on the request and becomes a 500). */
typedef mn_response *(*mn_view_fn)(mn_request *req, const mn_url_args *args);

/* A path converter (Django's register_converter). regex is the PCRE2
 * pattern of the part it matches (no anchors, no capturing groups).
 * to_value turns the matched text into a value; returning an error code
 * means "this pattern does not match", like raising ValueError. to_url turns
 * a value given to reverse() back into text; an error means no match. Both
 * may be NULL (the text is kept as a string / str() of the value is used). */
typedef struct mn_url_converter {
    const char *name;
    const char *regex;
    int (*to_value)(mn_str text, mn_arena *arena, mn_value *out);
    int (*to_url)(mn_value v, mn_arena *arena, mn_str *out);
} mn_url_converter;

typedef struct mn_urlconf mn_urlconf;

typedef enum mn_url_kind { MN_URL_NONE = 0, MN_URL_PATH, MN_URL_RE_PATH, MN_URL_INCLUDE } mn_url_kind;

/* One entry of a pattern list. Use the MN_PATH/MN_RE_PATH/MN_INCLUDE macros. */
typedef struct mn_url_pattern {
    mn_url_kind kind;
    const char *route;         /* "products/<int:pk>/" or a regex */
    mn_view_fn view;           /* MN_URL_PATH, MN_URL_RE_PATH */
    const char *name;          /* may be NULL */
    const mn_urlconf *include; /* MN_URL_INCLUDE */
    const char *namespace;     /* MN_URL_INCLUDE: instance namespace (NULL: app_name) */
    void *ctx;                 /* user data, passed through to the match */
} mn_url_pattern;

/* A pattern list with its application namespace (Django's app_name). */
struct mn_urlconf {
    const char *app_name; /* may be NULL */
    const mn_url_pattern *patterns; /* terminated by MN_URL_END */
};

#define MN_PATH(route_, view_, name_) { .kind = MN_URL_PATH, .route = (route_), .view = (view_), .name = (name_) }
#define MN_RE_PATH(regex_, view_, name_) { .kind = MN_URL_RE_PATH, .route = (regex_), .view = (view_), .name = (name_) }
#define MN_INCLUDE(route_, conf_, namespace_) { .kind = MN_URL_INCLUDE, .route = (route_), .include = (conf_), .namespace = (namespace_) }
/* include() of a regex prefix: Django's re_path('^api/', include(...)). */
#define MN_RE_INCLUDE(regex_, conf_, namespace_) { .kind = MN_URL_INCLUDE, .route = (regex_), .include = (conf_), .namespace = (namespace_), .ctx = (void *)1 }
#define MN_URL_END { .kind = MN_URL_NONE }

/* What a URL captured: keyword arguments (named groups and converters) and
 * positional arguments (unnamed groups of re_path, used only when there are
 * no named groups, as in Django). Lives in the arena given to resolve. */
struct mn_url_args {
    mn_map *kwargs;
    mn_list *args;
};

/* The value of keyword argument name, or null when absent. */
mn_value mn_url_arg(const mn_url_args *args, const char *name);
/* The integer value of keyword argument name (int converter, or a string of
 * digits); returns MN_OK, MN_ENOTFOUND or MN_ETYPE. */
int mn_url_arg_int(const mn_url_args *args, const char *name, int64_t *out);
/* The text of keyword argument name (str() of the value); empty when absent. */
mn_str mn_url_arg_str(const mn_url_args *args, const char *name, mn_arena *arena);

/* The result of resolving a path (Django's ResolverMatch). */
typedef struct mn_url_match {
    mn_view_fn view;
    void *ctx;
    mn_url_args args;
    const char *url_name;   /* NULL when the pattern has no name */
    const char *app_name;   /* "products" or "" ("outer:inner" when nested) */
    const char *namespace;  /* instance namespace path, "" when none */
    const char *route;      /* the joined route text, e.g. "shop/<int:pk>/" */
} mn_url_match;

typedef struct mn_resolver mn_resolver;

/* Registers a custom converter for resolvers compiled afterwards. Call at
 * startup, before any mn_resolver_new; the converter must be static. Returns
 * MN_OK, MN_EEXIST (name taken) or MN_EINVAL (bad name or regex). */
int mn_url_register_converter(const mn_url_converter *conv, mn_err *err);

/* Compiles a URL configuration: every route is checked and compiled once
 * (PCRE2 with JIT). Returns NULL with a message naming the bad pattern in err.
 * The resolver is immutable and thread-safe; free it with mn_resolver_free. */
mn_resolver *mn_resolver_new(const mn_urlconf *root, mn_err *err);
void mn_resolver_free(mn_resolver *r);

/* Number of endpoint patterns (includes flattened). */
size_t mn_resolver_count(const mn_resolver *r);

/* Resolves a decoded path (with its leading '/'). Returns MN_OK and fills
 * *m (results live in arena), or MN_ENOTFOUND when nothing matched, or
 * MN_ENOMEM. Thread-safe. */
int mn_resolver_resolve(const mn_resolver *r, mn_str path, mn_arena *arena, mn_url_match *m);

/* Appends the patterns tried, one per line as Django's debug 404 page lists
 * them ("products/ <int:pk>/ [name='detail']"), to out. */
int mn_resolver_describe(const mn_resolver *r, mn_buf *out);

/* Reverses a view name ("detail", "products:detail", "ns1:ns2:name") with
 * positional args or keyword args (either may be NULL; both non-empty is an
 * error, as in Django). current_app selects the instance namespace like
 * Django's current_app (may be NULL). On success returns MN_OK and *out is
 * the path with its leading '/', percent-encoded as Django's reverse does,
 * in arena. On failure returns MN_ENOTFOUND with Django's NoReverseMatch
 * message in err. */
int mn_reverse(const mn_resolver *r, const char *viewname, const mn_list *args, const mn_map *kwargs,
               const char *current_app, mn_arena *arena, mn_str *out, mn_err *err);

#endif
