/* views.py of the products app and the home page. */
#include "products/products.h"

mn_response *product_list(mn_request *req, const mn_url_args *args);
mn_response *product_detail(mn_request *req, const mn_url_args *args);
mn_response *api_product_list(mn_request *req, const mn_url_args *args);
mn_response *api_product_detail(mn_request *req, const mn_url_args *args);

static void put_price(mn_buf *b, mn_decimal price)
{
    mn_buf_puts(b, "$");
    mn_decimal_format_fixed(b, price, 2);
}

static void put_url(mn_request *req, mn_buf *b, const char *name, int64_t pk)
{
    mn_map *kw = mn_map_new(mn_request_arena(req), 1);
    mn_str url = MN_STR_EMPTY;
    mn_err err = { 0 };
    if (kw && !mn_map_set_cstr(kw, "pk", mn_value_int(pk)))
        mn_request_reverse(req, name, NULL, kw, &url, &err);
    mn_html_escape(b, url);
}

mn_response *shop_home(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    mn_buf_printf(&b, "<h1>Welcome to the Manouche Shop</h1>\n<p>%zu products, served by a web framework "
                      "written in C.</p>\n<p><a class=\"button\" href=\"/products/\">Browse the products</a></p>\n",
                  n_products);
    return shop_render_page(req, 200, "Home", mn_buf_str(&b));
}

mn_response *product_list(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    mn_buf_puts(&b, "<h1>Products</h1>\n<table>\n<tr><th>Product</th><th>Description</th><th>Price</th></tr>\n");
    for (size_t i = 0; i < n_products; i++) {
        const product *p = &products[i];
        mn_buf_puts(&b, "<tr><td><a href=\"");
        put_url(req, &b, "products:detail", p->id);
        mn_buf_puts(&b, "\">");
        mn_html_escape(&b, mn_str_from(p->name));
        mn_buf_puts(&b, "</a>");
        if (!p->stock)
            mn_buf_puts(&b, " <span class=\"out\">(out of stock)</span>");
        mn_buf_puts(&b, "</td><td>");
        mn_html_escape(&b, mn_str_from(p->description));
        mn_buf_puts(&b, "</td><td class=\"price\">");
        put_price(&b, p->price);
        mn_buf_puts(&b, "</td></tr>\n");
    }
    mn_buf_puts(&b, "</table>\n");
    return shop_render_page(req, 200, "Products", mn_buf_str(&b));
}

mn_response *product_detail(mn_request *req, const mn_url_args *args)
{
    int64_t pk = 0;
    mn_url_arg_int(args, "pk", &pk);
    const product *p = product_find(pk);
    if (!p)
        return mn_view_not_found(req, "No product matches the given query.");
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    mn_buf_puts(&b, "<h1>");
    mn_html_escape(&b, mn_str_from(p->name));
    mn_buf_puts(&b, "</h1>\n<p>");
    mn_html_escape(&b, mn_str_from(p->description));
    mn_buf_puts(&b, "</p>\n<p class=\"price\">");
    put_price(&b, p->price);
    mn_buf_printf(&b, "</p>\n<p>%d in stock</p>\n<p><a href=\"/products/\">All products</a></p>\n", p->stock);
    return shop_render_page(req, 200, p->name, mn_buf_str(&b));
}

static mn_value product_json(mn_request *req, const product *p)
{
    mn_map *m = mn_map_new(mn_request_arena(req), 6);
    if (!m)
        return mn_value_null();
    mn_map_set_cstr(m, "id", mn_value_int(p->id));
    mn_map_set_cstr(m, "name", mn_value_cstr(p->name));
    mn_map_set_cstr(m, "slug", mn_value_cstr(p->slug));
    mn_map_set_cstr(m, "price", mn_value_decimal(p->price));
    mn_map_set_cstr(m, "in_stock", mn_value_bool(p->stock > 0));
    return mn_value_map(m);
}

mn_response *api_product_list(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    mn_list *results = mn_list_new(a, n_products);
    mn_map *body = mn_map_new(a, 2);
    if (!results || !body)
        return NULL;
    for (size_t i = 0; i < n_products; i++)
        mn_list_push(results, product_json(req, &products[i]));
    mn_map_set_cstr(body, "count", mn_value_int((int64_t)n_products));
    mn_map_set_cstr(body, "results", mn_value_list(results));
    return mn_json_response(req, 200, mn_value_map(body));
}

mn_response *api_product_detail(mn_request *req, const mn_url_args *args)
{
    int64_t pk = 0;
    mn_url_arg_int(args, "pk", &pk);
    const product *p = product_find(pk);
    if (!p) {
        mn_map *err = mn_map_new(mn_request_arena(req), 1);
        if (!err)
            return NULL;
        mn_map_set_cstr(err, "detail", mn_value_cstr("Not found."));
        return mn_json_response(req, 404, mn_value_map(err));
    }
    return mn_json_response(req, 200, product_json(req, p));
}
