/* Private structures of the template engine. */
#ifndef MN_TEMPLATE_INTERNAL_H
#define MN_TEMPLATE_INTERNAL_H

#include <pthread.h>
#include "manouche/template.h"
#include "manouche/text.h"

#define MN__TPL_MAX_DEPTH 40        /* nested include/extends/inclusion renders */
#define MN__TPL_MAX_NEST 200        /* nested block tags while parsing */
#define MN__TPL_MAX_SOURCE ((size_t)16 << 20)

/* ---- tokens ---- */
enum { TOK_TEXT, TOK_VAR, TOK_BLOCK, TOK_COMMENT };

typedef struct mn__token {
    uint8_t type;
    mn_str contents; /* stripped contents for tags, raw text for TEXT */
    int line;
    int col;
} mn__token;

/* Splits source into tokens (parser arena). Returns the count or -1. */
ptrdiff_t mn__tpl_tokenize(mn_arena *a, mn_str src, mn__token **out);

/* ---- libraries ---- */
enum { TAG_COMPILE, TAG_SIMPLE, TAG_INCLUSION };

/* Writes a filter's result into out as {{ }} renders it (used when the
 * filter is the last of a {{ }} expression, so that the result needs no
 * buffer of its own). *safe: the text written needs no escaping. Errors as
 * the filter function's. */
typedef int (*mn__filter_render_fn)(const mn_template_filter_call *call, mn_buf *out, bool *safe);

typedef struct mn__filter_def {
    const char *name;
    mn_template_filter_fn fn;
    unsigned flags;
    mn__filter_render_fn render; /* NULL: only fn */
} mn__filter_def;

/* Gives the filter name of lib (registered with fn) a render function. */
int mn__tpl_filter_set_render(mn_template_library *lib, const char *name, mn__filter_render_fn render);

typedef struct mn__tag_def {
    const char *name;
    int kind;
    mn_template_compile_fn compile;
    mn_template_simple_fn simple;
    mn_template_inclusion_fn inclusion;
    const char *template_name;
    bool takes_context;
} mn__tag_def;

struct mn_template_library {
    const char *name;
    mn_arena *arena;
    mn_map *filters; /* name -> object(NULL, mn__filter_def*) */
    mn_map *tags;    /* name -> object(NULL, mn__tag_def*) */
};

/* ---- variables and filter expressions ---- */
typedef struct mn__tvar {
    mn_str text;     /* the source text, for string_if_invalid's %s */
    mn_str *lookups; /* NULL for a literal */
    size_t nlookups;
    /* per lookup, where the key was last found in its map (a guess shared
     * by the threads rendering the template: read and written relaxed) */
    uint32_t *hints;
    /* per lookup, the object type's get_attr_slot cache (NULL: none) */
    uint64_t *slots;
    mn_value literal;
    bool translate;
} mn__tvar;

typedef struct mn__tfilter {
    const mn__filter_def *def;
    bool has_arg;
    bool arg_lookup; /* the argument is a variable resolved at render */
    mn__tvar arg;
} mn__tfilter;

struct mn_template_fexpr {
    mn_str token;
    mn__tvar var;
    bool is_none; /* a constant that failed to resolve */
    size_t nfilters;
    mn__tfilter *filters;
};

/* ---- nodes ---- */
enum { NODE_TEXT, NODE_VAR, NODE_CALL, NODE_EXTENDS, NODE_BLOCK };

struct mn_template_node {
    uint8_t kind;
    int line;
    int col;
    mn_str text;                 /* NODE_TEXT */
    const mn_template_fexpr *fe; /* NODE_VAR */
    mn_template_render_fn render;
    const void *data;
    const struct mn_template *tpl;
};

struct mn_template_nodelist {
    mn_template_node **nodes;
    size_t n;
    size_t cap;
    bool contains_nontext;
};

typedef struct mn__block_node {
    mn_str name;
    mn_template_nodelist *body;
} mn__block_node;

typedef struct mn__extends_node {
    mn_template_fexpr *parent;
    mn_template_nodelist *body;
    mn__block_node **blocks; /* every block of this template */
    size_t nblocks;
} mn__extends_node;

/* ---- templates ---- */
struct mn_template {
    mn_template_engine *engine;
    const char *name;
    const char *origin; /* the file it came from, or NULL */
    mn_str source;
    mn_template_nodelist *nodes;
    mn__block_node **blocks;
    size_t nblocks;
    const mn__extends_node *extends; /* first non-text node when it extends */
};

/* ---- the parser ---- */
struct mn_template_parser {
    mn_template_engine *engine;
    mn_arena *arena;
    mn_template *tpl;
    mn__token *tokens;
    size_t ntokens;
    size_t pos;
    const mn__token *cur; /* the tag being compiled */
    const mn_template_library **libs;
    size_t nlibs, libcap;
    mn__block_node **blocks;
    size_t nblocks, blockcap;
    int depth;
    int nextends;
    mn_map *named_cycles;   /* name -> object(NULL, mn_template_node*) */
    mn_template_node *last_cycle;
    /* command stack for unclosed tag messages */
    const mn__token *stack[MN__TPL_MAX_NEST + 1];
    mn_str stack_cmd[MN__TPL_MAX_NEST + 1];
};

/* Records a TemplateSyntaxError at token t. Returns MN_EPARSE. */
int mn__tpl_syntax_error(mn_template_parser *p, const mn__token *t, mn_err *err, const char *fmt, ...)
    MN_PRINTF(4, 5);
const mn__filter_def *mn__tpl_find_filter(mn_template_parser *p, mn_str name);
mn_template_nodelist *mn__tpl_parse(mn_template_parser *p, const char *const *ends, size_t n, mn_err *err);
int mn__tpl_nodelist_add(mn_template_parser *p, mn_template_nodelist *nl, mn_template_node *node,
                         const mn__token *t, mn_err *err);
/* Parses a variable or literal ("a.b", "'x'", "12", _("x")) as Django's Variable. */
int mn__tpl_var_parse(mn_arena *a, mn_str text, mn__tvar *out, mn_err *err);
mn_template *mn__tpl_compile(mn_template_engine *e, mn_str src, const char *name, const char *origin,
                             mn_err *err);
/* A new node of kind with render function fn. */
mn_template_node *mn__tpl_node(mn_template_parser *p, int kind, mn_template_render_fn fn, const void *data);
/* get_text_list(items, 'or') quoting each item: "'a', 'b' or 'c'". */
char *mn__tpl_text_list(mn_arena *a, const char *const *items, size_t n, bool quote);

/* ---- the default fragment cache ---- */
typedef struct mn__fragcache mn__fragcache;
mn__fragcache *mn__fragcache_new(void);
void mn__fragcache_free(mn__fragcache *c);
int mn__fragcache_get(void *udata, mn_str key, mn_arena *arena, mn_str *out);
int mn__fragcache_set(void *udata, mn_str key, mn_str value, int64_t timeout);

/* ---- localization (l10n.c) ---- */
typedef struct mn__tpl_locale {
    const char *date_format, *datetime_format, *time_format, *year_month_format, *month_day_format,
        *short_date_format, *short_datetime_format;
    const char *decimal_sep, *thousand_sep;
    int grouping; /* NUMBER_GROUPING (0: none) */
    const char *grouping_str, *first_day_of_week; /* as the date filter prints them */
} mn__tpl_locale;

/* The formats module of a language code ("fr", "en-gb"), or NULL when
 * there is none (the global defaults then apply). */
const mn__tpl_locale *mn__tpl_locale_of(const char *lang);
/* The formats in force: the language's when use_l10n is 1 (or -1, "None",
 * with USE_L10N on), else the global settings. */
const mn__tpl_locale *mn__tpl_formats(const mn_template_engine *e, int use_l10n);
/* Django's get_format(name): a date format or separator setting by name,
 * or name itself. */
const char *mn__tpl_get_format(const mn_template_engine *e, const char *name, int use_l10n);
/* numberformat.format: num is "-123.45" text (as str() or '{:f}' gives
 * it); the decimal separator, and the grouping when USE_THOUSAND_SEPARATOR
 * applies or force_grouping. */
int mn__tpl_number_format(const mn_template_engine *e, mn_buf *out, mn_str num, int use_l10n, bool force_grouping);
/* True when numbers render as str() with use_l10n (no separator changes). */
bool mn__tpl_plain_numbers(const mn_template_engine *e, int use_l10n);
/* formats.localize(v, use_l10n) for numbers, dates and times appended to
 * out; MN_ENOTFOUND for other types. */
int mn__tpl_localize(mn_template_context *ctx, mn_value v, int use_l10n, mn_buf *out);
/* Escapes what out holds past start in place, when needed. */
int mn__tpl_escape_from(mn_template_context *ctx, mn_buf *out, size_t start);
int mn__tpl_register_l10n(mn_template_library *lib);

/* ---- the engine ---- */
typedef struct mn__cache_entry {
    char *name;
    mn_template *tpl;
} mn__cache_entry;

struct mn_template_engine {
    mn_template_options opts;
    mn_arena *arena; /* compiled templates, libraries, names */
    pthread_mutex_t lock;
    char **dirs;
    size_t ndirs, dircap;
    mn_template_library **libs;
    bool *lib_builtin;
    size_t nlibs, libcap;
    mn_template_library *builtins;
    struct {
        mn_template_processor_fn fn;
        void *udata;
    } *procs;
    size_t nprocs, proccap;
    mn_map *cache;     /* file path -> object(NULL, mn_template*) */
    mn_map *namecache; /* template name -> object(NULL, mn_template*) */
    mn_template_url_fn url_fn;
    void *url_udata;
    mn_template_cache_get_fn cache_get;
    mn_template_cache_set_fn cache_set;
    void *cache_udata;
    mn_template_cache_get_using_fn cache_get_using;
    mn_template_cache_set_using_fn cache_set_using;
    void *cache_using_udata;
    mn__fragcache *frag; /* the default store of {% cache %} */
    const char *string_if_invalid;
    const char *language;          /* LANGUAGE_CODE */
    const mn__tpl_locale *locale;  /* its formats module, or NULL */
    const mn_date_names *names;    /* its month and day names */
    /* renders dates and times as {{ }} does (localize); MN_ENOTFOUND: not handled */
    int (*value_hook)(mn_template_context *ctx, mn_value v, mn_buf *out);
};

const mn_template_library *mn__tpl_engine_library(mn_template_engine *e, mn_str name);

/* ---- rendering ---- */
typedef struct mn__rc_entry {
    const void *key;
    void *value;
} mn__rc_entry;

/* One frame of Django's render_context. */
typedef struct mn__rframe {
    struct mn__rframe *prev;
    mn__rc_entry *entries;
    size_t n, cap;
    const mn_template *tpl;
} mn__rframe;

struct mn_template_context {
    mn_template_engine *engine;
    mn_arena *arena;
    mn_map **scopes;
    size_t nscopes, cap;
    bool autoescape;
    int depth;
    mn__rframe *rc;
    mn_value request;
    const mn_template *tpl;
    const mn_template_node *node; /* node being rendered, for error positions */
    int8_t use_l10n;              /* Context.use_l10n: -1 None (USE_L10N), 0 off, 1 on */
    size_t render_scope;          /* the scope mn_template_render pushed (none in Django's Context) */
    bool plain_numbers;           /* numbers render as str() */
    size_t steps, max_steps;
};

/* Render-context storage (per template frame). */
void *mn__rc_get(mn_template_context *ctx, const void *key);
int mn__rc_set(mn_template_context *ctx, const void *key, void *value);
int mn__rc_push(mn_template_context *ctx, mn__rframe *f, const mn_template *tpl, bool isolated);
void mn__rc_pop(mn_template_context *ctx, mn__rframe *f);

/* Resolves a variable; MN_ENOTFOUND when a lookup fails. */
int mn__tpl_var_resolve(const mn__tvar *v, mn_template_context *ctx, mn_value *out, mn_err *err);
/* Records a render error "Class: message" with the current template/line.
 * cls NULL: the message already starts with its class. */
int mn__tpl_render_error(mn_template_context *ctx, mn_err *err, int code, const char *cls, const char *fmt,
                         ...) MN_PRINTF(5, 6);
/* Renders a whole template into out inside a new render-context frame. */
int mn__tpl_render_template(const mn_template *t, mn_template_context *ctx, mn_buf *out, mn_err *err,
                            bool isolated);
/* Gets a template for an include/extends value (a name or a template). */
const mn_template *mn__tpl_get_for(mn_template_context *ctx, mn_value v, mn_err *err);
/* Appends a float as {{ }} shows it (number_format: no exponent). */
int mn__tpl_put_float(mn_buf *out, double f);
/* Appends Django's escape(s). */
/* str(v) as a slice in the context arena. */
mn_str mn__tpl_str(mn_template_context *ctx, mn_value v);
/* Applies a filter definition outside an expression (the {% filter %} tag). */
int mn__tpl_apply_filter(mn_template_context *ctx, const mn__filter_def *def, mn_value in, const mn_value *arg,
                         mn_value *out, mn_err *err);
/* Iterable view of a value for loops: lists, map keys, string characters,
 * objects' to_list. A null or unknown value gives an empty list. */
int mn__tpl_iter(mn_template_context *ctx, mn_value v, mn_list **out, mn_err *err);
/* Python's `in`. */
bool mn__tpl_contains(mn_template_context *ctx, mn_value container, mn_value item, bool *ok);

/* ---- built-in libraries ---- */
int mn__tpl_register_builtin_tags(mn_template_library *lib);
int mn__tpl_register_more_tags(mn_template_library *lib);
int mn__tpl_register_builtin_filters(mn_template_library *lib);
int mn__tpl_register_more_filters(mn_template_library *lib);
int mn__tpl_register_humanize(mn_template_library *lib);
int mn__tpl_register_cache_tags(mn_template_library *lib);
int mn__tpl_register_static_tags(mn_template_library *lib);
int mn__tpl_register_i18n_tags(mn_template_library *lib);
int mn__tpl_register_text_filters(mn_template_library *lib);
int mn__tpl_register_number_filters(mn_template_library *lib);
int mn__tpl_register_number_humanize(mn_template_library *lib);
int mn__tpl_register_date_filters(mn_template_library *lib);
int mn__tpl_register_date_humanize(mn_template_library *lib);
/* {{ }} of dates, times and decimals (Django's localize); MN_ENOTFOUND for other types. */
int mn__tpl_value_hook(mn_template_context *ctx, mn_value v, mn_buf *out);

/* Finds a template, skipping files in skip (extends recursion). */
const mn_template *mn__tpl_find_skipping(mn_template_engine *e, const char *name, const char *const *skip,
                                         size_t nskip, mn_err *err);
/* Compiles a C simple or inclusion tag. */
mn_template_node *mn__tpl_simple_compile(mn_template_parser *p, const mn__tag_def *def, mn_str contents,
                                         mn_err *err);
/* Shared node renderers. */
int mn__tpl_block_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err);
int mn__tpl_extends_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err);

#endif
