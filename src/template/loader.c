/* The engine: filesystem and app-directory loaders with a per-engine cache of
 * compiled templates, libraries, context processors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "internal.h"

#define MAX_TEMPLATE_FILE ((size_t)8 << 20)

/* ---- libraries ---- */

mn_template_library *mn_template_library_new(mn_arena *arena, const char *name)
{
    mn_template_library *l = mn_arena_calloc(arena, 1, sizeof *l);
    if (!l)
        return NULL;
    l->name = name ? mn_arena_strdup(arena, name) : "";
    l->arena = arena;
    l->filters = mn_map_new(arena, 16);
    l->tags = mn_map_new(arena, 16);
    if (!l->name || !l->filters || !l->tags)
        return NULL;
    return l;
}

int mn_template_library_add_filter(mn_template_library *lib, const char *name, mn_template_filter_fn fn,
                                   unsigned flags)
{
    mn__filter_def *d = mn_arena_calloc(lib->arena, 1, sizeof *d);
    if (!d)
        return MN_ENOMEM;
    d->name = name;
    d->fn = fn;
    d->flags = flags;
    return mn_map_set_cstr(lib->filters, name, mn_value_object(NULL, d));
}

int mn__tpl_filter_set_render(mn_template_library *lib, const char *name, mn__filter_render_fn render)
{
    mn_value *v = mn_map_find(lib->filters, mn_str_from(name));
    if (!v || v->type != MN_VALUE_OBJECT)
        return MN_ENOTFOUND;
    ((mn__filter_def *)v->u.obj.ptr)->render = render;
    return MN_OK;
}

static mn__tag_def *new_tag(mn_template_library *lib, const char *name, int kind)
{
    mn__tag_def *d = mn_arena_calloc(lib->arena, 1, sizeof *d);
    if (!d)
        return NULL;
    d->name = name;
    d->kind = kind;
    if (mn_map_set_cstr(lib->tags, name, mn_value_object(NULL, d)))
        return NULL;
    return d;
}

int mn_template_library_add_tag(mn_template_library *lib, const char *name, mn_template_compile_fn fn)
{
    mn__tag_def *d = new_tag(lib, name, TAG_COMPILE);
    if (!d)
        return MN_ENOMEM;
    d->compile = fn;
    return MN_OK;
}

int mn_template_library_add_simple_tag(mn_template_library *lib, const char *name, mn_template_simple_fn fn)
{
    mn__tag_def *d = new_tag(lib, name, TAG_SIMPLE);
    if (!d)
        return MN_ENOMEM;
    d->simple = fn;
    return MN_OK;
}

int mn_template_library_add_inclusion_tag(mn_template_library *lib, const char *name, const char *template_name,
                                          mn_template_inclusion_fn fn)
{
    mn__tag_def *d = new_tag(lib, name, TAG_INCLUSION);
    if (!d)
        return MN_ENOMEM;
    d->inclusion = fn;
    d->template_name = mn_arena_strdup(lib->arena, template_name);
    return d->template_name ? MN_OK : MN_ENOMEM;
}

/* ---- engine ---- */

mn_template_engine *mn_template_engine_new(const mn_template_options *opts)
{
    mn_template_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->arena = mn_arena_new("template engine", 0);
    if (!e->arena) {
        free(e);
        return NULL;
    }
    pthread_mutex_init(&e->lock, NULL);
    if (opts)
        e->opts = *opts;
    e->string_if_invalid = e->opts.string_if_invalid ? mn_arena_strdup(e->arena, e->opts.string_if_invalid) : "";
    e->opts.string_if_invalid = e->string_if_invalid;
    if (e->opts.static_url)
        e->opts.static_url = mn_arena_strdup(e->arena, e->opts.static_url);
    if (e->opts.media_url)
        e->opts.media_url = mn_arena_strdup(e->arena, e->opts.media_url);
    e->language = mn_arena_strdup(e->arena, e->opts.language_code ? e->opts.language_code : "en-us");
    e->opts.language_code = e->language;
    e->locale = mn__tpl_locale_of(e->language);
    e->names = mn_date_names_get(e->language);
    e->value_hook = mn__tpl_value_hook;
    e->frag = mn__fragcache_new();
    e->cache = mn_map_new(e->arena, 16);
    e->namecache = mn_map_new(e->arena, 16);
    e->builtins = mn_template_library_new(e->arena, "");
    mn_template_library *humanize = mn_template_library_new(e->arena, "humanize");
    mn_template_library *cache = mn_template_library_new(e->arena, "cache");
    mn_template_library *statics = mn_template_library_new(e->arena, "static");
    mn_template_library *i18n = mn_template_library_new(e->arena, "i18n");
    mn_template_library *l10n = mn_template_library_new(e->arena, "l10n");
    if (!e->frag || !e->cache || !e->namecache || !e->builtins || !humanize || mn__tpl_register_builtin_tags(e->builtins) ||
        mn__tpl_register_builtin_filters(e->builtins) || mn__tpl_register_humanize(humanize) ||
        !cache || mn__tpl_register_cache_tags(cache) || mn_template_engine_add_library(e, cache, false) ||
        !statics || mn__tpl_register_static_tags(statics) || mn_template_engine_add_library(e, statics, false) ||
        !i18n || mn__tpl_register_i18n_tags(i18n) || mn_template_engine_add_library(e, i18n, false) ||
        !l10n || mn__tpl_register_l10n(l10n) || mn_template_engine_add_library(e, l10n, false) ||
        !e->language ||
        mn_template_engine_add_library(e, e->builtins, true) || mn_template_engine_add_library(e, humanize, false)) {
        mn_template_engine_free(e);
        return NULL;
    }
    return e;
}

void mn_template_engine_free(mn_template_engine *e)
{
    if (!e)
        return;
    pthread_mutex_destroy(&e->lock);
    mn__fragcache_free(e->frag);
    mn_arena_free(e->arena);
    free(e);
}

const mn_template_options *mn_template_engine_options(const mn_template_engine *e) { return &e->opts; }

static int grow(mn_arena *a, void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return MN_OK;
    size_t nc = *cap ? *cap * 2 : 4;
    void *na = mn_arena_realloc(a, *arr, *cap * size, nc * size);
    if (!na)
        return MN_ENOMEM;
    *arr = na;
    *cap = nc;
    return MN_OK;
}

int mn_template_engine_add_dir(mn_template_engine *e, const char *dir)
{
    if (grow(e->arena, (void **)&e->dirs, &e->dircap, e->ndirs, sizeof *e->dirs))
        return MN_ENOMEM;
    char *d = mn_arena_strdup(e->arena, dir);
    if (!d)
        return MN_ENOMEM;
    e->dirs[e->ndirs++] = d;
    return MN_OK;
}

int mn_template_engine_add_app_dir(mn_template_engine *e, const char *app_dir)
{
    char *d = mn_arena_sprintf(e->arena, "%s/templates", app_dir);
    return d ? mn_template_engine_add_dir(e, d) : MN_ENOMEM;
}

int mn_template_engine_add_library(mn_template_engine *e, mn_template_library *lib, bool builtin)
{
    size_t cap = e->libcap;
    if (grow(e->arena, (void **)&e->libs, &cap, e->nlibs, sizeof *e->libs))
        return MN_ENOMEM;
    size_t cap2 = e->libcap;
    if (grow(e->arena, (void **)&e->lib_builtin, &cap2, e->nlibs, sizeof *e->lib_builtin))
        return MN_ENOMEM;
    e->libcap = cap;
    e->libs[e->nlibs] = lib;
    e->lib_builtin[e->nlibs] = builtin;
    e->nlibs++;
    return MN_OK;
}

int mn_template_engine_add_processor(mn_template_engine *e, mn_template_processor_fn fn, void *udata)
{
    if (grow(e->arena, (void **)&e->procs, &e->proccap, e->nprocs, sizeof *e->procs))
        return MN_ENOMEM;
    e->procs[e->nprocs].fn = fn;
    e->procs[e->nprocs].udata = udata;
    e->nprocs++;
    return MN_OK;
}

const mn_template_library *mn__tpl_engine_library(mn_template_engine *e, mn_str name)
{
    for (size_t i = 0; i < e->nlibs; i++)
        if (e->libs[i]->name && *e->libs[i]->name && mn_str_eq_cstr(name, e->libs[i]->name))
            return e->libs[i];
    return NULL;
}

/* Django's safe_join: the joined path must stay inside dir. */
static char *join_path(mn_arena *a, const char *dir, const char *name)
{
    if (name[0] == '/')
        return NULL;
    int depth = 0;
    const char *s = name;
    while (*s) {
        const char *slash = strchr(s, '/');
        size_t len = slash ? (size_t)(slash - s) : strlen(s);
        if (len == 2 && s[0] == '.' && s[1] == '.') {
            if (--depth < 0)
                return NULL;
        } else if (len && !(len == 1 && s[0] == '.')) {
            depth++;
        }
        s += len;
        if (*s == '/')
            s++;
    }
    return mn_arena_sprintf(a, "%s/%s", dir, name);
}

static int read_file(mn_arena *a, const char *path, mn_str *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT || errno == ENOTDIR ? MN_ENOTFOUND : MN_EIO;
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        fclose(f);
        return MN_ENOTFOUND;
    }
    if ((size_t)st.st_size > MAX_TEMPLATE_FILE) {
        fclose(f);
        return MN_ELIMIT;
    }
    char *buf = mn_arena_alloc(a, (size_t)st.st_size + 1);
    if (!buf) {
        fclose(f);
        return MN_ENOMEM;
    }
    size_t n = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    /* Python's universal newlines, as Django reads template files:
     * "\r\n" and "\r" become "\n". */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\r') {
            buf[k++] = '\n';
            if (i + 1 < n && buf[i + 1] == '\n')
                i++;
        } else {
            buf[k++] = buf[i];
        }
    }
    buf[k] = 0;
    *out = mn_str_make(buf, k);
    return MN_OK;
}

static mn_template *cache_get(mn_template_engine *e, const char *key)
{
    mn_value *v = mn_map_find(e->cache, mn_str_from(key));
    return v ? v->u.obj.ptr : NULL;
}

/* Finds name in the directories, skipping origins in skip. Called with the lock held. */
static mn_template *find_locked(mn_template_engine *e, const char *name, const char *const *skip, size_t nskip,
                                mn_err *err)
{
    if (!nskip && !e->opts.no_cache) {
        mn_value *v = mn_map_find(e->namecache, mn_str_from(name));
        if (v)
            return v->u.obj.ptr;
    }
    mn_arena *scratch = mn_arena_new("template lookup", 0);
    if (!scratch) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_buf tried;
    mn_buf_init(&tried, scratch, 4096);
    mn_template *result = NULL;
    for (size_t i = 0; i < e->ndirs; i++) {
        char *path = join_path(scratch, e->dirs[i], name);
        if (!path)
            continue;
        bool skipped = false;
        for (size_t k = 0; k < nskip; k++)
            if (skip[k] && !strcmp(skip[k], path))
                skipped = true;
        if (tried.len)
            mn_buf_puts(&tried, ", ");
        mn_buf_puts(&tried, path);
        if (skipped) {
            mn_buf_puts(&tried, " (Skipped to avoid recursion)");
            continue;
        }
        if (!e->opts.no_cache && (result = cache_get(e, path)))
            break;

        mn_str src;
        int rc = read_file(scratch, path, &src);
        if (rc == MN_ENOTFOUND) {
            mn_buf_puts(&tried, " (Source does not exist)");
            continue;
        }
        if (rc) {
            mn_err_set(err, rc, "TemplateDoesNotExist: %s\n  reading %s: %s", name, path, mn_strerror(rc));
            break;
        }
        result = mn__tpl_compile(e, src, name, path, err);
        if (result && !e->opts.no_cache) {
            char *key = mn_arena_strdup(e->arena, path);
            if (key)
                mn_map_set_cstr(e->cache, key, mn_value_object(NULL, result));
        }
        break;
    }
    if (result && !nskip && !e->opts.no_cache) {
        char *key = mn_arena_strdup(e->arena, name);
        if (key)
            mn_map_set_cstr(e->namecache, key, mn_value_object(NULL, result));
    }
    if (!result && err && !err->code) {
        if (tried.len)
            mn_err_set(err, MN_ENOTFOUND, "TemplateDoesNotExist: %s\n  tried: %s", name, mn_buf_cstr(&tried));
        else
            mn_err_set(err, MN_ENOTFOUND, "TemplateDoesNotExist: %s", name);
    }
    mn_arena_free(scratch);
    return result;
}

const mn_template *mn__tpl_find_skipping(mn_template_engine *e, const char *name, const char *const *skip,
                                         size_t nskip, mn_err *err)
{
    pthread_mutex_lock(&e->lock);
    mn_template *t = find_locked(e, name, skip, nskip, err);
    pthread_mutex_unlock(&e->lock);
    return t;
}

mn_template *mn_template_engine_get(mn_template_engine *e, const char *name, mn_err *err)
{
    if (!name) {
        mn_err_set(err, MN_EINVAL, "TemplateDoesNotExist: no template name");
        return NULL;
    }
    pthread_mutex_lock(&e->lock);
    mn_template *t = find_locked(e, name, NULL, 0, err);
    pthread_mutex_unlock(&e->lock);
    return t;
}

mn_template *mn_template_engine_from_string(mn_template_engine *e, mn_str source, const char *name, mn_err *err)
{
    pthread_mutex_lock(&e->lock);
    mn_template *t = mn__tpl_compile(e, source, name, NULL, err);
    pthread_mutex_unlock(&e->lock);
    return t;
}

const char *mn_template_name(const mn_template *t) { return t->name; }

static int template_to_str(const void *obj, mn_buf *out)
{
    return mn_buf_printf(out, "<django.template.base.Template object (%s)>", ((const mn_template *)obj)->name);
}

static const mn_type template_type = { .name = "Template", .to_str = template_to_str };

mn_value mn_template_to_value(mn_template *t) { return mn_value_object(&template_type, t); }

const mn_template *mn__tpl_get_for(mn_template_context *ctx, mn_value v, mn_err *err)
{
    mn_err e2 = { 0 };
    const mn_template *t = NULL;
    if (v.type == MN_VALUE_STR && !v.u.s.len) {
        mn_err_set(&e2, MN_ENOTFOUND, "TemplateDoesNotExist: No template names provided");
    } else if (v.type == MN_VALUE_STR) {
        char *name = mn_str_dup(ctx->arena, v.u.s);
        if (!name)
            return NULL;
        t = mn_template_engine_get(ctx->engine, name, &e2);
    } else if (v.type == MN_VALUE_LIST && mn_list_len(v.u.list)) {
        for (size_t i = 0; i < mn_list_len(v.u.list) && !t; i++) {
            mn_value item = mn_list_get(v.u.list, i);
            if (item.type != MN_VALUE_STR)
                continue;
            char *name = mn_str_dup(ctx->arena, item.u.s);
            mn_err_clear(&e2);
            if (name)
                t = mn_template_engine_get(ctx->engine, name, &e2);
            if (!t && e2.code != MN_ENOTFOUND)
                break;
        }
        if (!t && e2.code == MN_ENOTFOUND) {
            mn_buf b;
            mn_buf_init(&b, ctx->arena, 0);
            for (size_t i = 0; i < mn_list_len(v.u.list); i++) {
                if (i)
                    mn_buf_puts(&b, ", ");
                mn_value_to_str(mn_list_get(v.u.list, i), &b);
            }
            mn_err_set(&e2, MN_ENOTFOUND, "TemplateDoesNotExist: %s", mn_buf_cstr(&b));
        }
    } else if (v.type == MN_VALUE_OBJECT && v.u.obj.type == &template_type && v.u.obj.ptr) {
        return v.u.obj.ptr;
    } else {
        mn_err_set(&e2, MN_ENOTFOUND, "TemplateDoesNotExist: No template names provided");
    }
    if (!t) {
        /* keep the lookup message, add the position of the tag */
        const char *nl = strchr(e2.msg, '\n');
        int code = e2.code ? e2.code : MN_ENOTFOUND;
        if (nl)
            mn__tpl_render_error(ctx, err, code, NULL, "%.*s", (int)(nl - e2.msg), e2.msg);
        else
            mn__tpl_render_error(ctx, err, code, NULL, "%s", e2.msg);
    }
    return t;
}

const char *mn_template_render_to_string(mn_template_engine *e, const char *name, mn_map *vars, mn_arena *arena,
                                         mn_err *err)
{
    mn_template *t = mn_template_engine_get(e, name, err);
    if (!t)
        return NULL;
    mn_template_context *ctx = mn_template_context_new(e, arena, vars);
    if (!ctx) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_buf out;
    mn_buf_init(&out, arena, 0);
    if (mn_template_render(t, ctx, &out, err))
        return NULL;
    return mn_buf_cstr(&out);
}

/* ---- context processors ---- */

int mn_template_context_run_processors(mn_template_context *ctx, mn_err *err)
{
    mn_template_engine *e = ctx->engine;
    for (size_t i = 0; i < e->nprocs; i++) {
        int rc = e->procs[i].fn(ctx, e->procs[i].udata);
        if (rc)
            return mn_err_set(err, rc, "context processor %zu failed: %s", i, mn_strerror(rc));
    }
    return MN_OK;
}

int mn_template_processor_request(mn_template_context *ctx, void *udata)
{
    return mn_template_context_set(ctx, "request", ctx->request);
}

int mn_template_processor_debug(mn_template_context *ctx, void *udata)
{
    if (!ctx->engine->opts.debug)
        return MN_OK;
    return mn_template_context_set(ctx, "debug", mn_value_bool(true));
}

int mn_template_processor_static(mn_template_context *ctx, void *udata)
{
    return mn_template_context_set(ctx, "STATIC_URL", mn_value_cstr(udata ? (const char *)udata : "/static/"));
}
