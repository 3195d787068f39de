/* render(): templates through the project's engine, the request in the
 * context, process_template_response, {% url %}, and template errors. */
#include <stdlib.h>
#include <sys/stat.h>
#include "web_test.h"

static char dir[64];
static mn_arena *arena;
static mn_settings settings;
static mn_template_engine *engine;

static mn_response *page(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_map *ctx = mn_map_new(mn_request_arena(req), 2);
    mn_map_set_cstr(ctx, "name", mn_value_cstr("<Moka & Pot>"));
    return mn_render(req, "page.html", ctx);
}

static mn_response *missing(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_render(req, "nope.html", NULL);
}

static const mn_url_pattern patterns[] = {
    MN_PATH("page/", page, "page"),
    MN_PATH("missing/", missing, "missing"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/mn-render-XXXXXX");
    cr_assert(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/page.html", dir);
    FILE *f = fopen(path, "w");
    fputs("<h1>{{ name }}</h1> at {{ request.path }} ({{ request.method }}) {% url 'page' %}", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/404.html", dir);
    f = fopen(path, "w");
    fputs("Sorry, {{ request.path }} is not here.", f);
    fclose(f);
    arena = mn_arena_new("test", 0);
    settings = mn_settings_defaults();
    engine = mn_template_engine_new(NULL);
    cr_assert_eq(mn_template_engine_add_dir(engine, dir), MN_OK);
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    mn_template_engine_free(engine);
    mn_arena_free(arena);
}

TestSuite(render, .init = setup, .fini = teardown);

static mn_site *site_with(const mn_middleware *const *mw, mn_template_engine *e)
{
    mn_site_config c = { .settings = &settings, .urlconf = &urls, .middleware = mw, .templates = e };
    mn_err err = { 0 };
    mn_site *s = mn_site_new(&c, &err);
    cr_assert(s, "%s", err.msg);
    if (e)
        mn_template_engine_set_url_resolver(e, mn_template_url_reverse, (void *)mn_site_resolver(s));
    return s;
}

Test(render, renders_with_context_request_and_url)
{
    mn_site *s = site_with(NULL, engine);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/page/", NULL));
    cr_assert_eq(mn_response_status(r), 200);
    cr_assert(web_header_is(r, "Content-Type", "text/html; charset=utf-8"));
    cr_assert_str_eq(mn_response_body(r).ptr, "<h1>&lt;Moka &amp; Pot&gt;</h1> at /page/ (GET) /page/");
    mn_site_free(s);
}

static mn_response *rename_hook(mn_request *req, mn_response *resp, mn_map *ctx, const void *data)
{
    (void)req;
    (void)data;
    mn_map_set_cstr(ctx, "name", mn_value_cstr("changed"));
    return resp;
}

Test(render, process_template_response_sees_the_context)
{
    const mn_middleware m = { .name = "Rename", .process_template_response = rename_hook };
    const mn_middleware *mw[] = { &m, NULL };
    mn_site *s = site_with(mw, engine);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/page/", NULL));
    cr_assert(web_body_has(r, "<h1>changed</h1>"));
    mn_site_free(s);
}

Test(render, missing_template_is_a_500_with_django_message)
{
    settings.DEBUG = true;
    mn_site *s = site_with(NULL, engine);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/missing/", NULL));
    cr_assert_eq(mn_response_status(r), 500);
    cr_assert(web_body_has(r, "TemplateDoesNotExist"), "%s", mn_response_body(r).ptr);
    mn_site_free(s);
}

Test(render, without_an_engine)
{
    mn_site *s = site_with(NULL, NULL);
    mn_request *req = web_request(arena, "GET", "/page/", NULL);
    mn_response *r = mn_site_handle(s, req);
    cr_assert_eq(mn_response_status(r), 500);
    cr_assert(strstr(mn_request_failure(req), "no template engine"));
    mn_site_free(s);
}

Test(render, request_value)
{
    mn_request *req = web_request(arena, "POST", "/a/b/?x=1", "Content-Length: 0\r\n");
    mn_value v = mn_request_value(req);
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn_value_to_str(v, &b);
    cr_assert_str_eq(mn_buf_cstr(&b), "<HttpRequest: POST '/a/b/?x=1'>");
}

static mn_response *page_not_found(mn_request *req, const char *message)
{
    (void)message;
    mn_response *r = mn_render(req, "404.html", NULL);
    if (r)
        mn_response_set_status(r, 404, NULL);
    return r;
}

Test(render, handler404_can_render)
{
    mn_site_config c = { .settings = &settings, .urlconf = &urls, .templates = engine,
                         .handler404 = page_not_found };
    mn_err err = { 0 };
    mn_site *s = mn_site_new(&c, &err);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/nowhere/", NULL));
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert_str_eq(mn_response_body(r).ptr, "Sorry, /nowhere/ is not here.");
    mn_site_free(s);
}
