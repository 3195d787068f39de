/* docs/caching.md: cache_page, vary_on_cookie and a template fragment,
 * through the test client. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <manouche.h>

static int runs;

/* def product_list(request): the whole response is cached */
static mn_response *product_list_impl(mn_request *req, const mn_url_args *args)
{
    (void)args;
    runs++;
    return mn_response_text(req, 200, NULL, MN_STR("<ul><li>Laptop</li></ul>"));
}
/* @cache_page(60 * 15) */
MN_CACHE_PAGE(product_list, product_list_impl, .timeout = 60 * 15)

/* @cache_page(60 * 15) @vary_on_cookie: one page per session cookie */
static mn_response *my_view_impl(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_str session = MN_STR("anonymous");
    mn_request_cookie(req, "sessionid", &session);
    return mn_response_text(req, 200, "text/plain", session);
}
MN_VARY_ON_COOKIE(my_view_vary, my_view_impl)
MN_CACHE_PAGE(my_view, my_view_vary, .timeout = 60 * 15)

static const mn_url_pattern patterns[] = {
    MN_PATH("products/", product_list, "product-list"),
    MN_PATH("mine/", my_view, "mine"),
    MN_URL_END,
};
static const mn_urlconf urls = { .patterns = patterns };

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    static const mn_cache_config caches[] = { { .alias = "default", .BACKEND = "locmem" } };
    assert(mn_caches_configure(caches, 1, &err) == MN_OK);
    mn_settings settings = mn_settings_defaults();
    mn_settings_set_current(&settings);
    mn_site_config sc = { .settings = &settings, .urlconf = &urls };
    mn_site *site = mn_site_new(&sc, &err);
    assert(site);
    mn_test_client *client = mn_test_client_new(site);

    mn_test_response *r = mn_test_get(client, "/products/", NULL);
    assert(r->status == 200 && runs == 1);
    assert(strcmp(mn_test_header(r, "Cache-Control"), "max-age=900") == 0);
    r = mn_test_get(client, "/products/", NULL); /* from the cache: the view does not run */
    assert(r->status == 200 && runs == 1);

    mn_test_client_set_cookie(client, "sessionid", "alice");
    r = mn_test_get(client, "/mine/", NULL);
    assert(mn_str_eq_cstr(r->content, "alice"));
    mn_test_client_set_cookie(client, "sessionid", "bob");
    r = mn_test_get(client, "/mine/", NULL);
    assert(mn_str_eq_cstr(r->content, "bob"));
    assert(strcmp(mn_test_header(r, "Vary"), "Cookie") == 0);

    /* {% load cache %}{% cache 500 sidebar request.user.username %} */
    mn_template_engine *e = mn_template_engine_new(NULL);
    mn_cache_template_install(e);
    mn_template *t = mn_template_engine_from_string(
        e, MN_STR("{% load cache %}{% cache 500 sidebar username %}Hello {{ username }} ({{ n }}){% endcache %}"),
        NULL, &err);
    assert(t);
    const char *out[3];
    const char *users[3] = { "alice", "alice", "bob" };
    for (int i = 0; i < 3; i++) {
        mn_map *vars = mn_map_new(a, 2);
        mn_map_set_cstr(vars, "username", mn_value_cstr(users[i]));
        mn_map_set_cstr(vars, "n", mn_value_int(i));
        mn_buf b;
        mn_buf_init(&b, a, 0);
        assert(mn_template_render(t, mn_template_context_new(e, a, vars), &b, &err) == MN_OK);
        out[i] = mn_buf_cstr(&b);
    }
    assert(strcmp(out[0], "Hello alice (0)") == 0);
    assert(strcmp(out[1], "Hello alice (0)") == 0); /* cached fragment */
    assert(strcmp(out[2], "Hello bob (2)") == 0);   /* another user, another fragment */
    /* make_template_fragment_key('sidebar', ['alice']) to invalidate it */
    mn_buf key;
    mn_buf_init(&key, a, 0);
    mn_str alice = MN_STR("alice");
    mn_cache_fragment_key("sidebar", &alice, 1, &key);
    assert(mn_cache_delete(mn_cache_default(), mn_buf_cstr(&key), &err) == 1);

    mn_template_engine_free(e);
    mn_test_client_free(client);
    mn_site_free(site);
    mn_settings_set_current(NULL);
    mn_caches_shutdown();
    mn_arena_free(a);
    return 0;
}
