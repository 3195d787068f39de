/* The test client: requests through a site with middleware, templates, a
 * database; cookies, redirects, JSON, the assertion messages. */
#include <unistd.h>
#include "web_test.h"

typedef struct note {
    mn_obj mn;
    int64_t id;
    mn_str text;
} note;
static const mn_field note_fields[] = {
    MN_FIELD_BIGAUTO(note, id),
    MN_FIELD_CHAR(note, text, .max_length = 100),
    MN_FIELD_END,
};
static mn_model note_model = MN_MODEL(note, "tc", "Note", note_fields, .meta = { .ordering = MN_NAMES("id") });

static mn_arena *arena;
static mn_db *db;
static mn_settings settings;
static mn_site *site;
static mn_template_engine *engine;
static mn_test_client *client;
static char tpl_dir[32];

static mn_response *list_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    mn_map *ctx = mn_map_new(a, 2);
    mn_value notes;
    if (mn_qs_to_value(mn_qs_all(&note_model, a), &notes, NULL))
        return NULL;
    mn_map_set_cstr(ctx, "notes", notes);
    mn_str q = mn_querydict_get_or(mn_request_query(req), "q", MN_STR(""));
    mn_map_set_cstr(ctx, "q", mn_value_str(q));
    return mn_render(req, "list.html", ctx);
}

static mn_response *add_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_err err = { 0 };
    mn_str text = mn_querydict_get_or(mn_request_post(req), "text", MN_STR(""));
    if (!mn_model_create(&note_model, mn_request_arena(req), &err, "text", mn_value_str(text), NULL))
        return mn_view_fail(req, "%s", err.msg);
    return mn_redirect(req, "/notes/", false);
}
MN_REQUIRE_POST(add, add_view)

static mn_response *json_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_value body;
    mn_err err = { 0 };
    if (mn_request_json(req, &body, &err))
        return mn_response_bad_request(req, mn_str_from(err.msg));
    mn_map *out = mn_map_new(mn_request_arena(req), 1);
    mn_map_set_cstr(out, "got", body);
    return mn_json_response(req, 201, mn_value_map(out));
}

static mn_response *cookie_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_str v;
    mn_response *r = mn_response_new(req, 200);
    if (mn_request_cookie(req, "visits", &v)) {
        mn_response_write_str(r, v);
        int64_t n = 0;
        mn_str_to_i64(v, &n);
        mn_response_set_cookie(r, "visits", mn_str_from(mn_arena_sprintf(mn_request_arena(req), "%lld",
                                                                         (long long)n + 1)), NULL);
    } else {
        mn_response_write_str(r, MN_STR("first"));
        mn_response_set_cookie(r, "visits", MN_STR("1"), NULL);
    }
    return r;
}

static mn_response *logout_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_response *r = mn_response_new(req, 200);
    mn_response_delete_cookie(r, "visits", NULL, NULL, MN_SAMESITE_UNSET);
    return r;
}

static mn_response *loop_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_redirect(req, "/loop/", false);
}

static mn_response *old_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_redirect(req, "http://testserver/notes/?from=old", true);
}

static mn_response *header_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_str v = MN_STR("none");
    mn_request_header(req, "X-Token", &v);
    return mn_response_text(req, 200, "text/plain", v);
}

static mn_response *broken_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_view_fail(req, "the stock service is down");
}

static const mn_url_pattern patterns[] = {
    MN_PATH("notes/", list_view, "list"),
    MN_PATH("notes/add/", add, "add"),
    MN_PATH("json/", json_view, "json"),
    MN_PATH("cookie/", cookie_view, "cookie"),
    MN_PATH("logout/", logout_view, "logout"),
    MN_PATH("loop/", loop_view, "loop"),
    MN_PATH("old/", old_view, "old"),
    MN_PATH("header/", header_view, "header"),
    MN_PATH("broken/", broken_view, "broken"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

static void setup(void)
{
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
    arena = mn_arena_new("test", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(MN_STR("sqlite://:memory:"), arena, &cfg, &err), MN_OK);
    db = mn_db_open(&cfg, &err);
    cr_assert(db, "%s", err.msg);
    mn_orm_use(db);
    cr_assert_eq(mn_model_create_table(&note_model, db, &err), MN_OK, "%s", err.msg);
    settings = mn_settings_defaults();
    engine = mn_template_engine_new(NULL);
    char *dir = tpl_dir;
    snprintf(tpl_dir, sizeof tpl_dir, "/tmp/mn-tc-XXXXXX");
    cr_assert(mkdtemp(dir));
    const char *base = mn_arena_sprintf(arena, "%s/base.html", dir);
    const char *list = mn_arena_sprintf(arena, "%s/list.html", dir);
    const char *row = mn_arena_sprintf(arena, "%s/row.html", dir);
    FILE *f = fopen(base, "w");
    fputs("<main>{% block content %}{% endblock %}</main>", f);
    fclose(f);
    f = fopen(list, "w");
    fputs("{% extends \"base.html\" %}{% block content %}{% for n in notes %}{% include \"row.html\" %}"
          "{% empty %}No notes.{% endfor %}{% endblock %}", f);
    fclose(f);
    f = fopen(row, "w");
    fputs("<p>{{ n.text }}</p>", f);
    fclose(f);
    mn_template_engine_add_dir(engine, dir);
    mn_site_config c = { .settings = &settings, .urlconf = &urls, .templates = engine };
    site = mn_site_new(&c, &err);
    cr_assert(site, "%s", err.msg);
    client = mn_test_client_new(site);
    cr_assert(client);
}

static void teardown(void)
{
    const char *names[] = { "base.html", "list.html", "row.html" };
    for (int i = 0; i < 3; i++)
        unlink(mn_arena_sprintf(arena, "%s/%s", tpl_dir, names[i]));
    rmdir(tpl_dir);
    mn_test_client_free(client);
    mn_site_free(site);
    mn_template_engine_free(engine);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(arena);
}

TestSuite(testclient, .init = setup, .fini = teardown);

Test(testclient, get_renders_templates_and_context)
{
    mn_err err = { 0 };
    mn_model_create(&note_model, arena, &err, "text", mn_value_cstr("milk <2L>"), NULL);
    mn_map *q = mn_map_new(arena, 1);
    mn_map_set_cstr(q, "q", mn_value_cstr("a b&c"));
    mn_test_response *r = mn_test_get(client, "/notes/", q);
    cr_assert(r);
    cr_expect_eq(r->status, 200);
    cr_expect(mn_test_assert_contains(r, "<p>milk &lt;2L&gt;</p>", 1, 200, &err), "%s", err.msg);
    cr_expect(mn_test_assert_not_contains(r, "No notes.", 200, &err), "%s", err.msg);
    cr_expect(mn_test_assert_template_used(r, "list.html", &err), "%s", err.msg);
    cr_expect(mn_test_assert_template_used(r, "base.html", &err), "%s", err.msg);
    cr_expect(mn_test_assert_template_used(r, "row.html", &err), "%s", err.msg);
    cr_expect(mn_test_assert_template_not_used(r, "detail.html", &err), "%s", err.msg);
    cr_expect_eq(r->ntemplates, 3);
    cr_expect_str_eq(r->templates[0], "list.html");
    mn_value *qv = mn_test_context(r, "q");
    cr_assert(qv);
    cr_expect(mn_str_eq_cstr(qv->u.s, "a b&c"), "the query string was encoded and decoded");
    cr_expect(mn_test_context(r, "request"), "context processors' variables are in the context");
    cr_expect(mn_test_context(r, "notes"));
    cr_expect(mn_test_assert_num_queries(r, 1, &err), "%s", err.msg);
    cr_expect_null(r->nplus1);
}

Test(testclient, assertion_messages)
{
    mn_err err = { 0 };
    mn_test_response *r = mn_test_get(client, "/notes/", NULL);
    cr_expect_not(mn_test_assert_contains(r, "zebra", -1, 200, &err));
    cr_expect(strstr(err.msg, "Couldn't find 'zebra' in response"), "%s", err.msg);
    cr_expect_not(mn_test_assert_contains(r, "No notes.", 2, 200, &err));
    cr_expect_str_eq(err.msg, "Found 1 instances of 'No notes.' in response (expected 2)");
    cr_expect_not(mn_test_assert_contains(r, "No notes.", -1, 404, &err));
    cr_expect_str_eq(err.msg, "Couldn't retrieve content: Response code was 200 (expected 404) looking for "
                              "'No notes.'");
    cr_expect_not(mn_test_assert_template_used(r, "detail.html", &err));
    cr_expect_str_eq(err.msg, "Template 'detail.html' was not a template used to render the response. Actual "
                              "template(s) used: list.html, base.html");
    cr_expect_not(mn_test_assert_template_not_used(r, "base.html", &err));
    cr_expect_str_eq(err.msg, "Template 'base.html' was used unexpectedly in rendering the response");
    cr_expect_not(mn_test_assert_num_queries(r, 3, &err));
    cr_expect(!strncmp(err.msg, "1 != 3 : 1 queries executed, 3 expected\nCaptured queries were:\n1. SELECT ", 72),
              "%s", err.msg);
    r = mn_test_get(client, "/cookie/", NULL);
    cr_expect_not(mn_test_assert_template_used(r, "list.html", &err));
    cr_expect_str_eq(err.msg, "No templates used to render the response");
    r = mn_test_get(client, "/broken/", NULL);
    cr_expect_eq(r->status, 500);
    cr_expect_str_eq(r->failure, "the stock service is down");
    cr_expect_not(mn_test_assert_contains(r, "x", -1, 200, &err));
    cr_expect(strstr(err.msg, "the view failed: the stock service is down"), "%s", err.msg);
}

Test(testclient, post_and_redirects)
{
    mn_err err = { 0 };
    mn_map *form = mn_map_new(arena, 1);
    mn_map_set_cstr(form, "text", mn_value_cstr("eggs & ham = 2+2"));
    mn_test_response *r = mn_test_post(client, "/notes/add/", form);
    cr_assert(r);
    cr_expect(mn_test_assert_redirects(client, r, "/notes/", 302, 200, &err), "%s", err.msg);
    note *n = mn_qs_get(mn_qs_all(&note_model, arena), &err);
    cr_assert(n, "%s", err.msg);
    cr_expect(mn_str_eq_cstr(n->text, "eggs & ham = 2+2"));

    /* follow=True: the chain and the final page */
    r = mn_test_client_request(client, &(mn_test_request){ .method = "POST", .path = "/notes/add/",
                                                           .body = MN_STR("text=more"),
                                                           .content_type = "application/x-www-form-urlencoded",
                                                           .follow = 1 }, &err);
    cr_assert(r, "%s", err.msg);
    cr_expect_eq(r->nredirects, 1);
    cr_expect_str_eq(r->redirect_chain[0].url, "/notes/");
    cr_expect_eq(r->redirect_chain[0].status, 302);
    cr_expect(mn_test_assert_contains(r, "<p>more</p>", 1, 200, &err), "%s", err.msg);
    cr_expect(mn_test_assert_redirects(client, r, "/notes/", 302, 200, &err), "%s", err.msg);
    cr_expect_not(mn_test_assert_redirects(client, r, "/elsewhere/", 302, 200, &err));
    cr_expect_str_eq(err.msg, "Response redirected to '/notes/', expected '/elsewhere/'");

    /* GET on a POST-only view: 405 */
    r = mn_test_get(client, "/notes/add/", NULL);
    cr_expect_eq(r->status, 405);
    cr_expect_str_eq(mn_test_header(r, "Allow"), "POST");
    cr_expect_not(mn_test_assert_redirects(client, r, "/notes/", 302, 200, &err));
    cr_expect_str_eq(err.msg, "Response didn't redirect as expected: Response code was 405 (expected 302)");

    /* an absolute Location and a permanent redirect */
    mn_test_client_set_follow(client, true);
    r = mn_test_get(client, "/old/", NULL);
    cr_expect_eq(r->status, 200);
    cr_expect_eq(r->redirect_chain[0].status, 301);
    cr_expect(mn_test_assert_redirects(client, r, "http://testserver/notes/?from=old", 301, 200, &err), "%s",
              err.msg);

    /* a loop stops */
    r = mn_test_get(client, "/loop/", NULL);
    cr_expect_null(r);
    cr_expect_str_eq(mn_test_client_error(client)->msg, "Redirect loop detected.");
}

Test(testclient, json_cookies_headers)
{
    mn_err err = { 0 };
    mn_map *m = mn_map_new(arena, 1);
    mn_map_set_cstr(m, "sku", mn_value_cstr("A-1"));
    mn_test_response *r = mn_test_post_json(client, "/json/", mn_value_map(m));
    cr_assert(r);
    cr_expect_eq(r->status, 201);
    cr_expect(mn_str_eq_cstr(r->content, "{\"got\": {\"sku\": \"A-1\"}}"), "%.*s", MN_STR_FMT(r->content));
    cr_expect_str_eq(mn_test_header(r, "content-type"), "application/json");

    r = mn_test_get(client, "/cookie/", NULL);
    cr_expect(mn_str_eq_cstr(r->content, "first"));
    cr_expect_str_eq(mn_test_client_cookie(client, "visits"), "1");
    r = mn_test_get(client, "/cookie/", NULL);
    cr_expect(mn_str_eq_cstr(r->content, "1"));
    r = mn_test_get(client, "/cookie/", NULL);
    cr_expect(mn_str_eq_cstr(r->content, "2"));
    mn_test_get(client, "/logout/", NULL);
    cr_expect_null(mn_test_client_cookie(client, "visits"), "an expired cookie is dropped");
    cr_expect_eq(mn_test_client_set_cookie(client, "visits", "41"), MN_OK);
    r = mn_test_get(client, "/cookie/", NULL);
    cr_expect(mn_str_eq_cstr(r->content, "41"));

    r = mn_test_get(client, "/header/", NULL);
    cr_expect(mn_str_eq_cstr(r->content, "none"));
    cr_expect_eq(mn_test_client_set_header(client, "X-Token", "abc"), MN_OK);
    r = mn_test_get(client, "/header/", NULL);
    cr_expect(mn_str_eq_cstr(r->content, "abc"));
    r = mn_test_client_request(client, &(mn_test_request){ .path = "/header/",
                                                           .headers = (const char *const[]){ "X-Token", "xyz", NULL } },
                               &err);
    cr_expect(mn_str_eq_cstr(r->content, "abc, xyz"), "%.*s", MN_STR_FMT(r->content));
}

Test(testclient, bad_input)
{
    mn_err err = { 0 };
    cr_expect_eq(mn_test_client_set_header(client, "X-Bad", "a\r\nInjected: 1"), MN_EINVAL);
    cr_expect_eq(mn_test_client_set_header(client, "X:Bad", "a"), MN_EINVAL);
    cr_expect_null(mn_test_client_request(client, &(mn_test_request){ .path = "no-slash" }, &err));
    cr_expect_eq(err.code, MN_EINVAL);
    cr_expect_null(mn_test_client_request(client, &(mn_test_request){ .path = "/a b" }, &err));
    cr_expect_null(mn_test_client_request(
        client, &(mn_test_request){ .path = "/header/", .headers = (const char *const[]){ "X", "a\nb", NULL } },
        &err));
    cr_expect(strstr(err.msg, "CR or LF"), "%s", err.msg);
    mn_test_response *r = mn_test_get(client, "/nowhere/", NULL);
    cr_expect_eq(r->status, 404);
    cr_expect_not(mn_test_assert_contains(NULL, "x", -1, 200, &err));
}

Test(testclient, queries_block)
{
    mn_err err = { 0 };
    mn_test_queries *q = mn_test_queries_start(arena);
    mn_model_create(&note_model, arena, &err, "text", mn_value_cstr("a"), NULL);
    cr_expect_eq(mn_qs_count(mn_qs_all(&note_model, arena), &err), 1);
    cr_expect_eq(mn_test_queries_count(q), 2);
    cr_expect(mn_test_queries_assert(q, 2, &err), "%s", err.msg);
    mn_qs_count(mn_qs_all(&note_model, arena), &err);
    cr_expect(mn_test_queries_assert(q, 2, &err), "stopped: later queries do not count");
    q = mn_test_queries_start(arena);
    cr_expect_not(mn_test_queries_assert(q, 1, &err));
    cr_expect_str_eq(err.msg, "0 != 1 : 0 queries executed, 1 expected\nCaptured queries were:");
}
