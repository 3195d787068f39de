/* get_object_or_404 and get_list_or_404 over a real SQLite database. */
#include "web_test.h"

typedef struct widget {
    mn_obj mn;
    int64_t id;
    mn_str name;
    int32_t size;
} widget;

static const mn_field widget_fields[] = {
    MN_FIELD_BIGAUTO(widget, id),
    MN_FIELD_CHAR(widget, name, .max_length = 50),
    MN_FIELD_INT(widget, size, .default_value = "0"),
    MN_FIELD_END,
};
static mn_model widget_model = MN_MODEL(widget, "web", "Widget", widget_fields);

static mn_arena *arena;
static mn_db *db;
static mn_settings settings;
static mn_site *site;

static mn_response *detail(mn_request *req, const mn_url_args *args)
{
    int64_t pk = 0;
    mn_url_arg_int(args, "pk", &pk);
    mn_response *resp;
    mn_qs *qs = mn_qs_filter(mn_qs_all(&widget_model, mn_request_arena(req)), "pk", mn_value_int(pk));
    widget *w = mn_get_object_or_404(req, qs, &resp);
    if (!w)
        return resp;
    return mn_response_text(req, 200, "text/plain", w->name);
}

static mn_response *by_size(mn_request *req, const mn_url_args *args)
{
    int64_t size = 0;
    mn_url_arg_int(args, "size", &size);
    mn_response *resp;
    mn_qs *qs = mn_qs_filter(mn_qs_all(&widget_model, mn_request_arena(req)), "size", mn_value_int(size));
    qs = mn_get_list_or_404(req, qs, &resp);
    if (!qs)
        return resp;
    char *n = mn_arena_sprintf(mn_request_arena(req), "%zu widgets", mn_qs_len(qs));
    return mn_response_text(req, 200, "text/plain", mn_str_from(n));
}

static mn_response *all_named(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_response *resp;
    /* Several rows match: get() fails with MultipleObjectsReturned, a 500. */
    widget *w = mn_get_object_or_404(req, mn_qs_filter(mn_qs_all(&widget_model, mn_request_arena(req)),
                                                        "size", mn_value_int(1)), &resp);
    return w ? mn_response_new(req, 200) : resp;
}

static const mn_url_pattern patterns[] = {
    MN_PATH("w/<int:pk>/", detail, "detail"),
    MN_PATH("size/<int:size>/", by_size, "size"),
    MN_PATH("many/", all_named, "many"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

static void setup(void)
{
    arena = mn_arena_new("test", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(MN_STR("sqlite://:memory:"), arena, &cfg, &err), MN_OK);
    db = mn_db_open(&cfg, &err);
    cr_assert(db, "%s", err.msg);
    mn_orm_use(db);
    cr_assert_eq(mn_model_create_table(&widget_model, db, &err), MN_OK, "%s", err.msg);
    const char *names[] = { "gear", "cog", "sprocket" };
    const int sizes[] = { 1, 1, 3 };
    for (int i = 0; i < 3; i++)
        cr_assert(mn_model_create(&widget_model, arena, &err, "name", mn_value_cstr(names[i]), "size",
                                  mn_value_int(sizes[i]), NULL), "%s", err.msg);
    settings = mn_settings_defaults();
    settings.DEBUG = true;
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
    mn_site_config c = { .settings = &settings, .urlconf = &urls };
    site = mn_site_new(&c, &err);
    cr_assert(site, "%s", err.msg);
}

static void teardown(void)
{
    mn_site_free(site);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(arena);
}

TestSuite(shortcuts_orm, .init = setup, .fini = teardown);

Test(shortcuts_orm, get_object_or_404)
{
    mn_response *r = mn_site_handle(site, web_request(arena, "GET", "/w/2/", NULL));
    cr_assert_eq(mn_response_status(r), 200);
    cr_assert_str_eq(mn_response_body(r).ptr, "cog");
    r = mn_site_handle(site, web_request(arena, "GET", "/w/99/", NULL));
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert(web_body_has(r, "No Widget matches the given query."));
}

Test(shortcuts_orm, multiple_objects_is_a_500)
{
    mn_request *req = web_request(arena, "GET", "/many/", NULL);
    mn_response *r = mn_site_handle(site, req);
    cr_assert_eq(mn_response_status(r), 500);
    cr_assert(strstr(mn_request_failure(req), "get() returned more than one Widget"), "%s",
              mn_request_failure(req));
}

Test(shortcuts_orm, get_list_or_404)
{
    mn_response *r = mn_site_handle(site, web_request(arena, "GET", "/size/1/", NULL));
    cr_assert_eq(mn_response_status(r), 200);
    cr_assert_str_eq(mn_response_body(r).ptr, "2 widgets");
    r = mn_site_handle(site, web_request(arena, "GET", "/size/7/", NULL));
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert(web_body_has(r, "No Widget matches the given query."));
}

Test(shortcuts_orm, null_queryset)
{
    mn_request *req = web_request(arena, "GET", "/", NULL);
    mn_response *resp = (mn_response *)1;
    cr_assert_null(mn_get_object_or_404(req, NULL, &resp));
    cr_assert_null(resp);
    cr_assert_null(mn_get_list_or_404(req, NULL, &resp));
    cr_assert(mn_request_failure(req));
}
