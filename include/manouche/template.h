/* Manouche: the Django Template Language.
 *
 * An engine holds the template directories, the registered tag and filter
 * libraries, the options (autoescape, string_if_invalid, debug) and a cache of
 * compiled templates. Templates compile once into a tree of nodes that lives
 * as long as the engine; rendering appends to an mn_buf and takes every
 * temporary from the render arena, so a render does no malloc per node.
 *
 * Output matches Django 3.2 byte for byte. Dates are shown in the process's
 * default zone (TIME_ZONE, mn_tz_set_default; America/Chicago unless set). Errors are reported in an mn_err
 * whose message reads like Django's: "TemplateSyntaxError: Invalid block tag
 * on line 2: 'foo'. Did you forget to register or load this tag?" followed
 * by a second line naming the template, line and column.
 *
 * Thread safety: an engine may be shared by threads once configured (getting
 * a template locks the cache briefly); a context belongs to one thread. */
#ifndef MANOUCHE_TEMPLATE_H
#define MANOUCHE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/error.h"
#include "manouche/str.h"
#include "manouche/value.h"

typedef struct mn_template_engine mn_template_engine;
typedef struct mn_template mn_template;
typedef struct mn_template_context mn_template_context;
typedef struct mn_template_library mn_template_library;
typedef struct mn_template_parser mn_template_parser;
typedef struct mn_template_node mn_template_node;
typedef struct mn_template_nodelist mn_template_nodelist;
typedef struct mn_template_fexpr mn_template_fexpr;

/* ---- engine ---- */

typedef struct mn_template_options {
    bool no_autoescape;            /* Django's autoescape=False */
    const char *string_if_invalid; /* NULL: "" */
    bool debug;                    /* exposes {% debug %} output and the debug processor */
    bool no_cache;                 /* recompile on every get (development: each compile stays in
                                      the engine's memory until the engine is freed) */
    size_t max_steps;              /* nodes rendered per render before failing (0: 100 million) */
    const char *static_url;        /* STATIC_URL for {% load static %} (NULL: "/static/") */
    const char *media_url;         /* MEDIA_URL for {% get_media_prefix %} (NULL: "/", as Django 3.2 shows an empty one) */
    const char *language_code;     /* LANGUAGE_CODE (NULL: "en-us"): month and day names ("fr": French) and,
                                      with use_l10n, the formats of the language (en, en-gb, en-au, fr) */
    bool use_l10n;                 /* USE_L10N: dates and numbers in the language's formats */
    bool use_thousand_separator;   /* USE_THOUSAND_SEPARATOR: group digits of localized numbers */
} mn_template_options;

/* Creates an engine with the built-in tags and filters (opts may be NULL).
 * Returns NULL when out of memory. Free it with mn_template_engine_free. */
mn_template_engine *mn_template_engine_new(const mn_template_options *opts);
/* Frees the engine, its compiled templates and fragment store. NULL is
 * allowed. No render may be running. */
void mn_template_engine_free(mn_template_engine *e);

/* Adds a directory searched for templates, like an entry of DIRS. The string
 * is copied. Returns MN_OK or MN_ENOMEM. Configuration calls (add_*, set_*)
 * are not thread-safe: make them before the engine is shared. */
int mn_template_engine_add_dir(mn_template_engine *e, const char *dir);
/* Adds an app's "<app_dir>/templates" directory (APP_DIRS); searched after
 * the DIRS entries, in the order added. */
int mn_template_engine_add_app_dir(mn_template_engine *e, const char *app_dir);
/* Registers a library loadable with {% load name %}. builtin true makes its
 * tags and filters available without {% load %}. The library must outlive
 * the engine. Returns MN_OK or MN_ENOMEM. */
int mn_template_engine_add_library(mn_template_engine *e, mn_template_library *lib, bool builtin);

/* A context processor: adds variables to the context of every render that
 * asks for them (mn_template_context_run_processors). Registered processors
 * run in order; udata is passed through. Returns MN_OK or MN_ENOMEM. */
typedef int (*mn_template_processor_fn)(mn_template_context *ctx, void *udata);
int mn_template_engine_add_processor(mn_template_engine *e, mn_template_processor_fn fn, void *udata);

/* Finds and compiles template name (cached per engine). Returns a template
 * living as long as the engine, or NULL with err set: TemplateDoesNotExist
 * (listing the paths tried, code MN_ENOTFOUND) or TemplateSyntaxError
 * (code MN_EPARSE). */
mn_template *mn_template_engine_get(mn_template_engine *e, const char *name, mn_err *err);

/* Compiles source text (not cached). name is used in errors and may be NULL.
 * The template lives as long as the engine. */
mn_template *mn_template_engine_from_string(mn_template_engine *e, mn_str source, const char *name,
                                            mn_err *err);

/* Reverses a URL pattern name for {% url %}: appends the path to out and
 * returns MN_OK, or MN_ENOTFOUND (NoReverseMatch) with err set. */
typedef int (*mn_template_url_fn)(void *udata, mn_str name, const mn_value *args, size_t nargs, mn_map *kwargs,
                                  mn_buf *out, mn_err *err);
/* Wires {% url %} to the URL resolver. Without one every {% url %} fails
 * with NoReverseMatch (or gives "" with `as var`), as an unknown name does. */
void mn_template_engine_set_url_resolver(mn_template_engine *e, mn_template_url_fn fn, void *udata);
/* An mn_template_url_fn over mn_reverse (urls.h): pass the mn_resolver as
 * udata: mn_template_engine_set_url_resolver(e, mn_template_url_reverse, r). */
int mn_template_url_reverse(void *resolver, mn_str name, const mn_value *args, size_t nargs, mn_map *kwargs,
                            mn_buf *out, mn_err *err);

/* Fragment cache hooks for {% cache %}: get returns MN_OK with *out (in
 * arena) or MN_ENOTFOUND; set stores value for timeout seconds
 * (MN_TEMPLATE_CACHE_FOREVER when the template gave None; 0 or less: do not
 * keep it). Without hooks the engine keeps fragments in its own in-process
 * store, like Django's default local-memory cache (300 entries). */
#define MN_TEMPLATE_CACHE_FOREVER INT64_MIN
typedef int (*mn_template_cache_get_fn)(void *udata, mn_str key, mn_arena *arena, mn_str *out);
typedef int (*mn_template_cache_set_fn)(void *udata, mn_str key, mn_str value, int64_t timeout);
void mn_template_engine_set_cache(mn_template_engine *e, mn_template_cache_get_fn get, mn_template_cache_set_fn set,
                                  void *udata);
/* The same hooks told the tag's using="alias" (NULL without it), as the
 * cache framework installs them (cache.h's mn_cache_template_install); they
 * take precedence over the hooks above. get returns MN_EINVAL for an
 * unknown alias, which the tag reports as Django does: "Invalid cache name
 * specified for cache tag: 'x'". */
typedef int (*mn_template_cache_get_using_fn)(void *udata, const char *alias, mn_str key, mn_arena *arena,
                                              mn_str *out);
typedef int (*mn_template_cache_set_using_fn)(void *udata, const char *alias, mn_str key, mn_str value,
                                              int64_t timeout);
void mn_template_engine_set_cache_using(mn_template_engine *e, mn_template_cache_get_using_fn get,
                                        mn_template_cache_set_using_fn set, void *udata);

/* The engine's options as given at creation. */
const mn_template_options *mn_template_engine_options(const mn_template_engine *e);

/* ---- contexts and rendering ---- */

/* A new context whose temporaries come from arena (the request's): values
 * put in it must live as long as the arena. vars may be NULL. Returns NULL
 * when the arena fails. */
mn_template_context *mn_template_context_new(mn_template_engine *e, mn_arena *arena, mn_map *vars);
/* Sets a variable in the innermost scope. The key is borrowed. Returns
 * MN_OK or MN_ENOMEM. The _str form takes a slice. */
int mn_template_context_set(mn_template_context *ctx, const char *key, mn_value v);
int mn_template_context_set_str(mn_template_context *ctx, mn_str key, mn_value v);
/* Looks a name up through the scopes, innermost first; a pointer valid until
 * the next set, or NULL when absent. */
mn_value *mn_template_context_find(mn_template_context *ctx, mn_str key);
/* Pushes / pops a scope ({% with %}, loops). Push returns MN_OK or MN_ENOMEM;
 * pop never removes the outermost scope. */
int mn_template_context_push(mn_template_context *ctx);
void mn_template_context_pop(mn_template_context *ctx);
/* The context's arena. */
mn_arena *mn_template_context_arena(mn_template_context *ctx);
/* Whether autoescaping is on at this point of the render. */
bool mn_template_context_autoescape(const mn_template_context *ctx);
/* Stores the request (any value, e.g. an object) seen by the request processor. */
void mn_template_context_set_request(mn_template_context *ctx, mn_value request);
/* Runs the engine's context processors (Django's RequestContext). */
int mn_template_context_run_processors(mn_template_context *ctx, mn_err *err);

/* Renders t with ctx, appending to out. Returns MN_OK, or an error code with
 * err set (render errors such as a missing {% include %} template, or the
 * buffer's error when out hit its limit). */
int mn_template_render(mn_template *t, mn_template_context *ctx, mn_buf *out, mn_err *err);

/* A hook called when any template starts rendering on this thread: the
 * template given to mn_template_render and each {% extends %} parent and
 * {% include %}d template (Django's template_rendered signal, which the test
 * client listens to). */
typedef void (*mn_template_render_hook)(void *udata, const mn_template *t, mn_template_context *ctx);
/* Sets this thread's hook (fn NULL removes it); the previous one goes to
 * *prev and *prev_udata when they are not NULL, so hooks can be nested. */
void mn_template_set_render_hook(mn_template_render_hook fn, void *udata, mn_template_render_hook *prev,
                                 void **prev_udata);
/* Context.flatten(): every variable visible now (inner scopes win) as a new
 * map in arena. NULL when the arena fails. */
mn_map *mn_template_context_flatten(mn_template_context *ctx, mn_arena *arena);

/* Convenience: gets name from e and renders it with vars into a string in
 * arena. Returns the output (NUL-terminated) or NULL with err set. */
const char *mn_template_render_to_string(mn_template_engine *e, const char *name, mn_map *vars,
                                         mn_arena *arena, mn_err *err);
/* A context value holding t, usable where Django accepts a Template object:
 * {% include tpl %} and {% extends tpl %}. t must outlive the render. */
mn_value mn_template_to_value(mn_template *t);
/* The template's name ("<string>" for templates from strings). */
const char *mn_template_name(const mn_template *t);

/* ---- the built-in context processors ---- */

/* `request`: puts the request set with mn_template_context_set_request. */
int mn_template_processor_request(mn_template_context *ctx, void *udata);
/* `debug`: when the engine runs with debug, sets debug=True. */
int mn_template_processor_debug(mn_template_context *ctx, void *udata);
/* `static`: sets STATIC_URL to udata (a NUL-terminated string, "/static/" when NULL). */
int mn_template_processor_static(mn_template_context *ctx, void *udata);

/* ---- custom filters ---- */

/* Filter flags, as Django's decorators set them. */
enum {
    MN_FILTER_ARG = 0x01,          /* takes one argument ({{ x|f:arg }}) */
    MN_FILTER_ARG_OPTIONAL = 0x02, /* the argument may be left out */
    MN_FILTER_IS_SAFE = 0x04,      /* is_safe=True: safe input keeps output safe */
    MN_FILTER_STRING = 0x08,       /* @stringfilter: the input is str()-converted first */
    MN_FILTER_NEEDS_AUTOESCAPE = 0x10, /* the function reads call->autoescape */
};

/* What a filter function receives. Allocate results in arena. To stop the
 * render, record the exception as Django would show it in err, class first
 * ("ValueError: invalid literal for int() with base 10: 'x'"), and return
 * the error code; the engine adds the template, line and column. */
typedef struct mn_template_filter_call {
    mn_value input;
    mn_value arg; /* null when has_arg is false */
    bool has_arg;
    bool autoescape;
    mn_arena *arena;
    mn_template_context *ctx;
    mn_err *err;
} mn_template_filter_call;

/* Computes the filter's result into *out; returns MN_OK or an error. */
typedef int (*mn_template_filter_fn)(const mn_template_filter_call *call, mn_value *out);

/* A new empty library named name (for {% load name %}), living in arena. */
mn_template_library *mn_template_library_new(mn_arena *arena, const char *name);
/* Registers a filter with MN_FILTER_* flags. name is borrowed (use a
 * literal). A later registration of the same name replaces it. Returns
 * MN_OK or MN_ENOMEM. */
int mn_template_library_add_filter(mn_template_library *lib, const char *name, mn_template_filter_fn fn,
                                   unsigned flags);

/* ---- custom tags ---- */

/* A simple tag: fn receives the resolved positional arguments and keyword
 * arguments (map, may be empty) and computes a value that is rendered
 * (escaped when autoescape is on and it is not safe) or stored with
 * `as var`. takes_context makes ctx meaningful. */
typedef int (*mn_template_simple_fn)(mn_template_context *ctx, const mn_value *args, size_t nargs,
                                     mn_map *kwargs, mn_value *out, mn_err *err);
/* Registers a simple tag; returns MN_OK or MN_ENOMEM. */
int mn_template_library_add_simple_tag(mn_template_library *lib, const char *name, mn_template_simple_fn fn);

/* An inclusion tag: fn fills vars (a new map) from the arguments (ctx is the
 * caller's context, as with takes_context); the tag renders template_name
 * with a new context holding only vars (and csrf_token), like Django's. */
typedef int (*mn_template_inclusion_fn)(mn_template_context *ctx, const mn_value *args, size_t nargs,
                                        mn_map *kwargs, mn_map *vars, mn_err *err);
/* Registers an inclusion tag (template_name is copied); MN_OK or MN_ENOMEM. */
int mn_template_library_add_inclusion_tag(mn_template_library *lib, const char *name,
                                          const char *template_name, mn_template_inclusion_fn fn);

/* A block tag compiled by C code with the parser API below, like Django's
 * @register.tag. The compile function returns a node (mn_template_node_new)
 * or NULL with err set (use mn_template_parser_error). */
typedef mn_template_node *(*mn_template_compile_fn)(mn_template_parser *p, mn_str contents, mn_err *err);
/* Registers a block tag's compile function; returns MN_OK or MN_ENOMEM. */
int mn_template_library_add_tag(mn_template_library *lib, const char *name, mn_template_compile_fn fn);

/* The node's render function: append output to out, return MN_OK or an error
 * (with err set). data is what was given to mn_template_node_new. */
typedef int (*mn_template_render_fn)(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err);

/* Splits the tag's contents like Django's token.split_contents(): on spaces
 * outside quotes, with _("...") kept whole. Returns the count, the bits in
 * *bits (parser arena), or -1 when out of memory. */
int mn_template_parser_split(mn_template_parser *p, mn_str contents, mn_str **bits);
/* Parses nodes until a block tag whose first word is one of ends (n of them)
 * and returns them; the end tag's contents go to *end_tag (not consumed:
 * call mn_template_parser_skip). NULL with err set on a syntax error or an
 * unclosed tag. */
mn_template_nodelist *mn_template_parser_parse(mn_template_parser *p, const char *const *ends, size_t n,
                                               mn_str *end_tag, mn_err *err);
/* Consumes the next token (the end tag found by mn_template_parser_parse). */
void mn_template_parser_skip(mn_template_parser *p);
/* Compiles a filter expression ("x.y|default:'z'"); NULL with err set. */
mn_template_fexpr *mn_template_parser_compile_filter(mn_template_parser *p, mn_str expr, mn_err *err);
/* The parser's arena (lives as long as the compiled template). */
mn_arena *mn_template_parser_arena(mn_template_parser *p);
/* Records a TemplateSyntaxError for the current tag; returns MN_EPARSE. */
int mn_template_parser_error(mn_template_parser *p, mn_err *err, const char *fmt, ...) MN_PRINTF(3, 4);
/* A node rendering with fn(data, ...). NULL when out of memory. */
mn_template_node *mn_template_node_new(mn_template_parser *p, mn_template_render_fn fn, const void *data);

/* Renders a node list (the body of a block tag). */
int mn_template_nodelist_render(const mn_template_nodelist *nl, mn_template_context *ctx, mn_buf *out,
                                mn_err *err);
/* Resolves a filter expression; a missing variable gives string_if_invalid
 * (or null when ignore_failures). */
int mn_template_fexpr_resolve(const mn_template_fexpr *fe, mn_template_context *ctx, bool ignore_failures,
                              mn_value *out, mn_err *err);
/* Appends a value as {{ }} would: localize() (numbers, dates and times in the
 * formats of the engine and {% localize %}), then str(), escaped unless safe
 * or autoescape off. */
int mn_template_render_value(mn_template_context *ctx, mn_value v, mn_buf *out);

#endif
