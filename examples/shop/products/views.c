/* views.py of the products app and the home page. */
#include "products/products.h"

mn_response *product_list(mn_request *req, const mn_url_args *args);
mn_response *product_detail(mn_request *req, const mn_url_args *args);
mn_response *api_product_list(mn_request *req, const mn_url_args *args);
mn_response *api_product_detail(mn_request *req, const mn_url_args *args);

/* A product as a template value (a map: the ORM's objects replace it). */
static mn_value product_value(mn_request *req, const product *p)
{
    mn_map *m = mn_map_new(mn_request_arena(req), 6);
    if (!m)
        return mn_value_null();
    mn_map_set_cstr(m, "id", mn_value_int(p->id));
    mn_map_set_cstr(m, "name", mn_value_cstr(p->name));
    mn_map_set_cstr(m, "slug", mn_value_cstr(p->slug));
    mn_map_set_cstr(m, "description", mn_value_cstr(p->description));
    mn_map_set_cstr(m, "price", mn_value_decimal(p->price));
    mn_map_set_cstr(m, "stock", mn_value_int(p->stock));
    return mn_value_map(m);
}

mn_response *shop_home(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_map *ctx = mn_map_new(mn_request_arena(req), 1);
    if (!ctx)
        return NULL;
    mn_map_set_cstr(ctx, "product_count", mn_value_int((int64_t)n_products));
    return mn_render(req, "products/home.html", ctx);
}

mn_response *product_list(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    mn_list *list = mn_list_new(a, n_products);
    mn_map *ctx = mn_map_new(a, 1);
    if (!list || !ctx)
        return NULL;
    for (size_t i = 0; i < n_products; i++)
        mn_list_push(list, product_value(req, &products[i]));
    mn_map_set_cstr(ctx, "products", mn_value_list(list));
    return mn_render(req, "products/product_list.html", ctx);
}

mn_response *product_detail(mn_request *req, const mn_url_args *args)
{
    int64_t pk = 0;
    mn_url_arg_int(args, "pk", &pk);
    const product *p = product_find(pk);
    if (!p)
        return mn_view_not_found(req, "No product matches the given query."); /* get_object_or_404 */
    mn_map *ctx = mn_map_new(mn_request_arena(req), 1);
    if (!ctx)
        return NULL;
    mn_map_set_cstr(ctx, "product", product_value(req, p));
    return mn_render(req, "products/product_detail.html", ctx);
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
