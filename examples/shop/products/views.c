/* views.py of the products app: the product list with search, category
 * filter and pagination, the detail page by slug, the JSON endpoints built
 * from values(), and delete behind require_POST. */
#include <string.h>
#include "products/products.h"

#define PER_PAGE 25

mn_response *product_list(mn_request *req, const mn_url_args *args);
mn_response *product_detail(mn_request *req, const mn_url_args *args);
mn_response *product_delete(mn_request *req, const mn_url_args *args);
mn_response *api_product_list(mn_request *req, const mn_url_args *args);
mn_response *api_product_detail(mn_request *req, const mn_url_args *args);

mn_response *shop_home(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_redirect_to_view(req, "products:list", NULL, NULL, false);
}

/* Every category (a small table), with its number of published products,
 * as template values; *out_cats gets the instances for lookups by id. */
static mn_list *categories(mn_request *req, category ***out_cats, size_t *ncats, mn_err *err)
{
    mn_arena *a = mn_request_arena(req);
    mn_qs *cats = mn_qs_all(&category_model, a);
    if (mn_qs_eval(cats, err))
        return NULL;
    /* Product.objects.values('category').annotate(n=Count('id')) */
    mn_qs *counts = mn_qs_order_by(
        mn_qs_annotate(mn_qs_values(mn_qs_filter(mn_qs_all(&product_model, a), "status", mn_value_cstr("published")),
                                    "category", NULL),
                       "n", mn_count(a, "id"), NULL),
        NULL);
    mn_list *rows = mn_qs_rows(counts);
    if (!rows) {
        *err = *mn_qs_error(counts);
        return NULL;
    }
    *out_cats = (category **)mn_qs_items(cats, ncats);
    mn_list *out = mn_list_new(a, *ncats);
    for (size_t i = 0; out && i < *ncats; i++) {
        category *c = (*out_cats)[i];
        int64_t n = 0;
        for (size_t j = 0; j < mn_list_len(rows); j++) {
            mn_map *row = mn_list_get(rows, j).u.map;
            if (mn_map_get_cstr(row, "category").u.i == c->id)
                n = mn_map_get_cstr(row, "n").u.i;
        }
        mn_obj *h = mn_obj_header(&category_model, c);
        h->extra = mn_map_new(a, 1);
        if (h->extra)
            mn_map_set_cstr(h->extra, "product_count", mn_value_int(n));
        mn_list_push(out, mn_obj_value(c, &category_model));
    }
    return out;
}

static const category *category_by_id(category **cats, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (cats[i]->id == id)
            return cats[i];
    return NULL;
}

/* class ProductListView(ListView): paginate_by = 25, search with ?q=,
 * filter with ?category=<slug>. */
mn_response *product_list(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    const mn_querydict *get = mn_request_query(req);
    mn_err err = { 0 };
    mn_map *ctx = mn_map_new(a, 12);
    if (!ctx)
        return NULL;

    category **cats = NULL;
    size_t ncats = 0;
    mn_list *cat_values = categories(req, &cats, &ncats, &err);
    if (!cat_values)
        return mn_view_fail(req, "%s", err.msg);

    mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, a), "status", mn_value_cstr("published"));
    mn_str q = mn_str_trim(mn_querydict_get_or(get, "q", MN_STR("")));
    if (q.len)
        qs = mn_qs_filter(qs, "name__icontains", mn_value_str(q));
    mn_str cat_slug = mn_querydict_get_or(get, "category", MN_STR(""));
    const category *current = NULL;
    if (cat_slug.len) {
        for (size_t i = 0; i < ncats && !current; i++)
            if (mn_str_eq(cats[i]->slug, cat_slug))
                current = cats[i];
        if (!current)
            return mn_view_not_found(req, "No category matches the given query.");
        qs = mn_qs_filter(qs, "category", mn_value_int(current->id));
    }

    /* The guide's Pagination Deep Dive: a page that is not a number shows
     * the first page, one out of range the last. */
    mn_paginator *paginator = mn_paginator_new(a, qs, PER_PAGE, NULL, &err);
    if (!paginator)
        return mn_view_fail(req, "%s", err.msg);
    mn_str page = mn_querydict_get_or(get, "page", MN_STR("1"));
    mn_page *page_obj = mn_paginator_page(paginator, mn_value_str(page), &err);
    if (!page_obj && err.code == MN_PAGE_NOT_AN_INTEGER)
        page_obj = mn_paginator_page_n(paginator, 1, &err);
    else if (!page_obj && err.code == MN_EMPTY_PAGE)
        page_obj = mn_paginator_page_n(paginator, mn_paginator_num_pages(paginator, &err), &err);
    if (!page_obj)
        return mn_view_fail(req, "%s", err.msg);

    mn_list *products = mn_list_new(a, PER_PAGE);
    for (size_t i = 0; products && i < mn_page_len(page_obj); i++) {
        product *p = mn_page_at(page_obj, i);
        mn_list_push(products, product_value(p, category_by_id(cats, ncats, p->category), a));
    }
    if (mn_page_eval(page_obj, &err))
        return mn_view_fail(req, "%s", err.msg);

    /* The query string kept by the pagination links. */
    mn_buf keep;
    mn_buf_init(&keep, a, 0);
    if (q.len) {
        mn_buf_puts(&keep, "q=");
        mn_url_quote_plus(&keep, q, "");
        mn_buf_putc(&keep, '&');
    }
    if (current) {
        mn_buf_puts(&keep, "category=");
        mn_url_quote_plus(&keep, current->slug, "");
        mn_buf_putc(&keep, '&');
    }
    int64_t total = mn_qs_count(mn_qs_all(&product_model, a), &err);
    mn_map_set_cstr(ctx, "page_obj", mn_page_value(page_obj));
    mn_map_set_cstr(ctx, "paginator", mn_paginator_value(paginator));
    mn_map_set_cstr(ctx, "is_paginated", mn_value_bool(mn_paginator_num_pages(paginator, &err) > 1));
    mn_map_set_cstr(ctx, "products", products ? mn_value_list(products) : mn_value_null());
    mn_map_set_cstr(ctx, "categories", mn_value_list(cat_values));
    mn_map_set_cstr(ctx, "current_category",
                    current ? mn_obj_value((void *)current, &category_model) : mn_value_null());
    mn_map_set_cstr(ctx, "q", mn_value_str(q));
    mn_map_set_cstr(ctx, "keep", mn_value_str(mn_buf_str(&keep)));
    mn_map_set_cstr(ctx, "total_products", mn_value_int(total < 0 ? 0 : total));
    return mn_render(req, "products/product_list.html", ctx);
}

/* def product_detail(request, slug): get_object_or_404(Product, slug=slug) */
mn_response *product_detail(mn_request *req, const mn_url_args *args)
{
    mn_arena *a = mn_request_arena(req);
    mn_response *resp;
    mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, a), "slug", mn_url_arg(args, "slug"));
    product *p = mn_get_object_or_404(req, qs, &resp);
    if (!p)
        return resp;
    mn_err err = { 0 };
    category *cat = mn_qs_get(mn_qs_filter(mn_qs_all(&category_model, a), "pk", mn_value_int(p->category)), &err);
    if (!cat)
        return mn_view_fail(req, "%s", err.msg);
    mn_qs *reviews = mn_qs_filter(mn_qs_all(&review_model, a), "product", mn_value_int(p->id));
    mn_map *stats = mn_qs_aggregate(reviews, &err, "avg", mn_avg(a, "rating"), "n", mn_count(a, "id"), NULL);
    if (!stats)
        return mn_view_fail(req, "%s", err.msg);
    mn_qs *related = mn_qs_slice(mn_qs_exclude(mn_qs_filter(mn_qs_filter(mn_qs_all(&product_model, a), "category",
                                                                         mn_value_int(p->category)),
                                                            "status", mn_value_cstr("published")),
                                               "pk", mn_value_int(p->id)),
                                 0, 4);
    mn_list *related_values = mn_list_new(a, 4);
    for (size_t i = 0; related_values && i < mn_qs_len(related); i++)
        mn_list_push(related_values, product_value(mn_qs_at(related, i), cat, a));
    mn_value review_list;
    if (mn_qs_to_value(reviews, &review_list, &err) || (mn_qs_eval(related, &err)))
        return mn_view_fail(req, "%s", err.msg);

    mn_map *ctx = mn_map_new(a, 6);
    if (!ctx)
        return NULL;
    mn_map_set_cstr(ctx, "product", product_value(p, cat, a));
    mn_map_set_cstr(ctx, "category", mn_obj_value(cat, &category_model));
    mn_map_set_cstr(ctx, "reviews", review_list);
    mn_map_set_cstr(ctx, "review_count", mn_map_get_cstr(stats, "n"));
    mn_value avg = mn_map_get_cstr(stats, "avg");
    mn_map_set_cstr(ctx, "average_rating", avg);
    mn_map_set_cstr(ctx, "related", related_values ? mn_value_list(related_values) : mn_value_null());
    return mn_render(req, "products/product_detail.html", ctx);
}

/* @require_POST def delete_product(request, id) */
static mn_response *product_delete_impl(mn_request *req, const mn_url_args *args)
{
    int64_t pk = 0;
    mn_url_arg_int(args, "pk", &pk);
    mn_response *resp;
    mn_arena *a = mn_request_arena(req);
    product *p = mn_get_object_or_404(req, mn_qs_filter(mn_qs_all(&product_model, a), "pk", mn_value_int(pk)), &resp);
    if (!p)
        return resp;
    mn_err err = { 0 };
    /* OrderItem protects ordered products (on_delete=PROTECT). */
    int ordered = mn_qs_exists(mn_qs_filter(mn_qs_all(&order_item_model, a), "product", mn_value_int(pk)), &err);
    if (ordered < 0)
        return mn_view_fail(req, "%s", err.msg);
    if (ordered) {
        mn_buf b;
        mn_buf_init(&b, a, 0);
        mn_buf_puts(&b, "<h1>Cannot delete</h1><p>");
        mn_html_escape(&b, p->name);
        mn_buf_puts(&b, " has been ordered: orders protect their products.</p>");
        return mn_response_text(req, 409, NULL, mn_buf_str(&b));
    }
    /* Reviews go with the product (on_delete=CASCADE). */
    if (mn_qs_delete(mn_qs_filter(mn_qs_all(&review_model, a), "product", mn_value_int(pk)), NULL, &err) < 0 ||
        mn_obj_delete(p, &product_model, NULL, &err) < 0)
        return mn_view_fail(req, "%s", err.msg);
    return mn_redirect_to_view(req, "products:list", NULL, NULL, false);
}
MN_REQUIRE_POST(product_delete_post, product_delete_impl)
mn_response *product_delete(mn_request *req, const mn_url_args *args) { return product_delete_post(req, args); }

/* def product_api(request): JsonResponse(list(Product.objects.values(...)), safe=False) */
mn_response *api_product_list(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, a), "status", mn_value_cstr("published"));
    mn_str q = mn_str_trim(mn_querydict_get_or(mn_request_query(req), "q", MN_STR("")));
    if (q.len)
        qs = mn_qs_filter(qs, "name__icontains", mn_value_str(q));
    mn_list *rows = mn_qs_rows(mn_qs_values(qs, "id", "name", "slug", "price", "stock", NULL));
    if (!rows)
        return mn_view_fail(req, "%s", mn_qs_error(qs)->msg);
    return mn_json_response(req, 200, mn_value_list(rows));
}

mn_response *api_product_detail(mn_request *req, const mn_url_args *args)
{
    int64_t pk = 0;
    mn_url_arg_int(args, "pk", &pk);
    mn_arena *a = mn_request_arena(req);
    mn_qs *qs = mn_qs_values(mn_qs_filter(mn_qs_all(&product_model, a), "pk", mn_value_int(pk)), "id", "name", "slug",
                             "description", "price", "discount", "stock", "available", "sku", "status", "metadata",
                             "category", "created_at", "updated_at", NULL);
    mn_list *rows = mn_qs_rows(qs);
    if (!rows)
        return mn_view_fail(req, "%s", mn_qs_error(qs)->msg);
    if (!mn_list_len(rows)) {
        mn_map *body = mn_map_new(a, 1);
        if (!body)
            return NULL;
        mn_map_set_cstr(body, "detail", mn_value_cstr("Not found."));
        return mn_json_response(req, 404, mn_value_map(body));
    }
    return mn_json_response(req, 200, mn_list_get(rows, 0));
}
