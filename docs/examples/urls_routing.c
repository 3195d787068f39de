/* docs/urls.md: declaring, resolving and reversing URL patterns. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

static mn_response *home(mn_request *req, const mn_url_args *args) { (void)req; (void)args; return NULL; }
static mn_response *product_list(mn_request *req, const mn_url_args *args) { (void)req; (void)args; return NULL; }
static mn_response *product_detail(mn_request *req, const mn_url_args *args) { (void)req; (void)args; return NULL; }
static mn_response *archive(mn_request *req, const mn_url_args *args) { (void)req; (void)args; return NULL; }

static const mn_url_pattern product_urls[] = {
    MN_PATH("", product_list, "list"),
    MN_PATH("<int:pk>/", product_detail, "detail"),
    MN_RE_PATH("^archive/(?P<year>[0-9]{4})/$", archive, "archive"),
    MN_URL_END
};
static const mn_urlconf products_urls = { .app_name = "products", .patterns = product_urls };

static const mn_url_pattern root_urls[] = {
    MN_PATH("", home, "home"),
    MN_INCLUDE("products/", &products_urls, NULL),
    MN_INCLUDE("shop/", &products_urls, "shop"),
    MN_URL_END
};
static const mn_urlconf root = { .patterns = root_urls };

int main(void)
{
    mn_err err = { 0 };
    mn_resolver *urls = mn_resolver_new(&root, &err);
    if (!urls) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    mn_arena *arena = mn_arena_new("request", 0);

    mn_url_match m;
    assert(mn_resolver_resolve(urls, MN_STR("/shop/42/"), arena, &m) == MN_OK);
    int64_t pk = 0;
    assert(m.view == product_detail);
    assert(mn_url_arg_int(&m.args, "pk", &pk) == MN_OK && pk == 42);
    printf("/shop/42/ -> %s:%s (app %s) pk=%lld\n", m.namespace, m.url_name, m.app_name, (long long)pk);
    assert(strcmp(m.namespace, "shop") == 0 && strcmp(m.app_name, "products") == 0);
    assert(mn_resolver_resolve(urls, MN_STR("/nowhere/"), arena, &m) == MN_ENOTFOUND);

    mn_map *kwargs = mn_map_new(arena, 1);
    mn_map_set_cstr(kwargs, "pk", mn_value_int(42));
    mn_str url;
    assert(mn_reverse(urls, "products:detail", NULL, kwargs, NULL, arena, &url, &err) == MN_OK);
    printf("reverse('products:detail', pk=42) = %.*s\n", MN_STR_FMT(url));
    assert(mn_str_eq_cstr(url, "/products/42/"));
    assert(mn_reverse(urls, "shop:detail", NULL, kwargs, NULL, arena, &url, &err) == MN_OK);
    assert(mn_str_eq_cstr(url, "/shop/42/"));

    mn_map_set_cstr(kwargs, "pk", mn_value_cstr("x"));
    assert(mn_reverse(urls, "products:detail", NULL, kwargs, NULL, arena, &url, &err) == MN_ENOTFOUND);
    printf("NoReverseMatch: %s\n", err.msg);

    mn_arena_free(arena);
    mn_resolver_free(urls);
    return 0;
}
