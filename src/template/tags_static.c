/* The `static` library: {% static "css/site.css" %}, {% get_static_prefix %}
 * and {% get_media_prefix %} (each with an optional `as var`), with the
 * prefixes of mn_template_options (STATIC_URL and MEDIA_URL). */
#include <string.h>
#include "internal.h"
#include "manouche/text.h"

typedef struct static_node {
    mn_template_fexpr *path; /* NULL: a prefix tag */
    bool media;
    mn_str asvar;
} static_node;

static const char *prefix_of(mn_template_engine *e, bool media)
{
    if (media)
        return e->opts.media_url ? e->opts.media_url : "/";
    return e->opts.static_url ? e->opts.static_url : "/static/";
}

static int static_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const static_node *n = data;
    mn_buf url;
    mn_buf_init(&url, ctx->arena, 0);
    const char *prefix = prefix_of(ctx->engine, n->media);
    if (n->path) {
        mn_value v;
        int rc = mn_template_fexpr_resolve(n->path, ctx, false, &v, err);
        if (rc)
            return rc;
        mn_str path = mn__tpl_str(ctx, v);
        /* urljoin(prefix, quote(path)): a relative path goes under the prefix */
        if (!mn_str_starts_with(path, MN_STR("/")) && mn_str_find(path, MN_STR("://"), 0) < 0)
            mn_buf_puts(&url, prefix);
        mn_url_quote(&url, path, "/");
    } else {
        /* iri_to_uri(prefix) */
        mn_url_iri_to_uri(&url, mn_str_from(prefix));
    }
    if (mn_buf_error(&url))
        return mn_buf_error(&url);
    mn_value s = mn_value_str(mn_buf_str(&url));
    if (n->asvar.len) {
        if (n->path && ctx->autoescape) {
            mn_buf esc;
            mn_buf_init(&esc, ctx->arena, 0);
            mn_html_escape(&esc, s.u.s);
            if (mn_buf_error(&esc))
                return mn_buf_error(&esc);
            s = mn_value_safe(mn_buf_str(&esc));
        }
        return mn_template_context_set_str(ctx, n->asvar, s);
    }
    if (!n->path)
        return mn_buf_put_str(out, s.u.s);
    return mn_template_render_value(ctx, s, out);
}

static mn_template_node *compile(mn_template_parser *p, mn_str contents, mn_err *err, bool prefix, bool media)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    static_node *n = mn_arena_calloc(mn_template_parser_arena(p), 1, sizeof *n);
    if (nb < 0 || !n) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    n->media = media;
    if (prefix) {
        if (nb > 1 && !mn_str_eq_cstr(bits[1], "as")) {
            mn_template_parser_error(p, err, "First argument in '%.*s' must be 'as'", MN_STR_FMT(bits[0]));
            return NULL;
        }
        if (nb == 2) {
            mn_template_parser_error(p, err, "list index out of range");
            return NULL;
        }
        if (nb > 2)
            n->asvar = bits[2];
        return mn_template_node_new(p, static_render, n);
    }
    if (nb < 2) {
        mn_template_parser_error(p, err, "'%.*s' takes at least one argument (path to file)", MN_STR_FMT(bits[0]));
        return NULL;
    }
    if (nb >= 4 && mn_str_eq_cstr(bits[nb - 2], "as"))
        n->asvar = bits[nb - 1];
    if (!(n->path = mn_template_parser_compile_filter(p, bits[1], err)))
        return NULL;
    return mn_template_node_new(p, static_render, n);
}

static mn_template_node *do_static(mn_template_parser *p, mn_str contents, mn_err *err)
{
    return compile(p, contents, err, false, false);
}

static mn_template_node *do_static_prefix(mn_template_parser *p, mn_str contents, mn_err *err)
{
    return compile(p, contents, err, true, false);
}

static mn_template_node *do_media_prefix(mn_template_parser *p, mn_str contents, mn_err *err)
{
    return compile(p, contents, err, true, true);
}

int mn__tpl_register_static_tags(mn_template_library *lib)
{
    if (mn_template_library_add_tag(lib, "static", do_static) ||
        mn_template_library_add_tag(lib, "get_static_prefix", do_static_prefix) ||
        mn_template_library_add_tag(lib, "get_media_prefix", do_media_prefix))
        return MN_ENOMEM;
    return MN_OK;
}
