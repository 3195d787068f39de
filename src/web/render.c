/* render(): deferred responses rendered by the project's template engine. */
#include <string.h>
#include "web_internal.h"

static int request_attr(const void *obj, mn_str name, mn_arena *arena, mn_value *out)
{
    mn_request *req = (mn_request *)obj;
    (void)arena;
    if (mn_str_eq_cstr(name, "path") || mn_str_eq_cstr(name, "path_info"))
        *out = mn_value_str(mn_request_path(req));
    else if (mn_str_eq_cstr(name, "method"))
        *out = mn_value_str(mn_request_method(req));
    else if (mn_str_eq_cstr(name, "get_full_path"))
        *out = mn_value_str(mn_request_full_path(req));
    else if (mn_str_eq_cstr(name, "scheme"))
        *out = mn_value_str(mn_request_scheme(req));
    else if (mn_str_eq_cstr(name, "is_secure"))
        *out = mn_value_bool(mn_request_is_secure(req));
    else if (mn_str_eq_cstr(name, "id"))
        *out = mn_value_cstr(mn_request_id(req));
    else
        return MN_ENOTFOUND;
    return MN_OK;
}

static int request_str(const void *obj, mn_buf *out)
{
    mn_request *req = (mn_request *)obj;
    mn_str m = mn_request_method(req), p = mn_request_full_path(req);
    return mn_buf_printf(out, "<HttpRequest: %.*s '%.*s'>", MN_STR_FMT(m), MN_STR_FMT(p));
}

static const mn_type request_type = { .name = "HttpRequest", .get_attr = request_attr,
                                      .to_str = request_str };

mn_value mn_request_value(mn_request *req)
{
    return mn_value_object(&request_type, req);
}

static int render_template(mn_request *req, const mn_map *context, void *data, mn_buf *out, mn_err *err)
{
    mn__web_req *st = mn__web_state(req);
    mn_template_engine *e = st && st->site ? st->site->cfg.templates : NULL;
    if (!e)
        return mn_err_set(err, MN_EINVAL, "render('%s'): the project has no template engine",
                          (const char *)data);
    mn_template *t = mn_template_engine_get(e, data, err);
    if (!t)
        return err->code ? err->code : MN_ENOTFOUND;
    mn_template_context *ctx = mn_template_context_new(e, mn_request_arena(req), (mn_map *)context);
    if (!ctx)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_value request = mn_request_value(req);
    mn_template_context_set_request(ctx, request);
    /* As with startproject's django.template.context_processors.request. */
    if (!mn_map_has(context, MN_STR("request")) && mn_template_context_set(ctx, "request", request))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    int rc = mn_template_context_run_processors(ctx, err);
    if (rc)
        return rc;
    return mn_template_render(t, ctx, out, err);
}

mn_response *mn_render(mn_request *req, const char *template_name, mn_map *context)
{
    mn__web_req *st = mn__web_state(req);
    if (!st || !st->site || !st->site->cfg.templates)
        return mn_view_fail(req, "render('%s'): the project has no template engine", template_name);
    char *name = mn_arena_strdup(mn_request_arena(req), template_name);
    if (!name)
        return NULL;
    return mn_deferred_response(req, 200, NULL, render_template, name, context);
}
