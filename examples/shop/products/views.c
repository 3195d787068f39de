/* views.py of the products app: the product list with search, category
 * filter and pagination, the detail page by slug, the JSON endpoints built
 * from values(), and delete behind require_POST. */
#include <stdio.h>
#include <string.h>
#include "products/products.h"

static mn_logger shop_views_log = MN_LOGGER_INIT("shop.views");

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

/* Category.objects.annotate(product_count=Count('products', filter=Q(products__status='published'))) */
static mn_qs *categories(mn_arena *a)
{
    mn_value count = mn_agg_filter(mn_count(a, "products"), mn_q(a, "products__status", mn_value_cstr("published")));
    return mn_qs_annotate(mn_qs_all(&category_model, a), "product_count", count, NULL);
}

/* class ProductListView(ListView): paginate_by = 25, select_related and
 * prefetch_related, search with ?q=, filters ?category=<slug> and
 * ?tag=<slug>, categories and tags in the context. */
mn_response *product_list(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    const mn_querydict *get = mn_request_query(req);
    mn_err err = { 0 };
    mn_map *ctx = mn_map_new(a, 14);
    if (!ctx)
        return NULL;

    mn_qs *cats = categories(a);
    if (mn_qs_eval(cats, &err))
        return mn_view_fail(req, "%s", err.msg);
    mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, a), "status", mn_value_cstr("published"));
    /* One query for the products and their categories, one for their tags. */
    qs = mn_qs_prefetch_related(mn_qs_select_related(qs, "category", NULL), "tags", NULL);
    mn_str q = mn_str_trim(mn_querydict_get_or(get, "q", MN_STR("")));
    if (q.len)
        qs = mn_qs_filter(qs, "name__icontains", mn_value_str(q));
    mn_str cat_slug = mn_querydict_get_or(get, "category", MN_STR(""));
    category *current = NULL;
    if (cat_slug.len) {
        for (size_t i = 0; i < mn_qs_len(cats) && !current; i++)
            if (mn_str_eq(((category *)mn_qs_at(cats, i))->slug, cat_slug))
                current = mn_qs_at(cats, i);
        if (!current)
            return mn_view_not_found(req, "No category matches the given query.");
        qs = mn_qs_filter(qs, "category__slug", mn_value_str(cat_slug));
    }
    mn_str tag_slug = mn_querydict_get_or(get, "tag", MN_STR(""));
    tag *current_tag = NULL;
    if (tag_slug.len) {
        mn_response *resp;
        current_tag = mn_get_object_or_404(req, mn_qs_filter(mn_qs_all(&tag_model, a), "slug", mn_value_str(tag_slug)),
                                           &resp);
        if (!current_tag)
            return resp;
        qs = mn_qs_filter(qs, "tags__slug", mn_value_str(tag_slug));
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
    if (!page_obj || mn_page_eval(page_obj, &err))
        return mn_view_fail(req, "%s", err.msg);
    mn_err_clear(&err);

    mn_list *products = mn_list_new(a, PER_PAGE);
    for (size_t i = 0; products && i < mn_page_len(page_obj); i++) {
        mn_value v = product_value(mn_page_at(page_obj, i), a, &err);
        if (err.code)
            return mn_view_fail(req, "%s", err.msg);
        mn_list_push(products, v);
    }

    /* The query string kept by the pagination links. */
    mn_buf keep;
    mn_buf_init(&keep, a, 0);
    const char *names[] = { "q", "category", "tag" };
    mn_str values[] = { q, current ? cat_slug : MN_STR(""), current_tag ? tag_slug : MN_STR("") };
    for (int i = 0; i < 3; i++) {
        if (!values[i].len)
            continue;
        mn_buf_printf(&keep, "%s=", names[i]);
        mn_url_quote_plus(&keep, values[i], "");
        mn_buf_putc(&keep, '&');
    }
    mn_value cat_values, tag_values;
    if (mn_qs_to_value(cats, &cat_values, &err) || mn_qs_to_value(mn_qs_all(&tag_model, a), &tag_values, &err))
        return mn_view_fail(req, "%s", err.msg);
    int64_t total = mn_qs_count(mn_qs_all(&product_model, a), &err);
    mn_map_set_cstr(ctx, "page_obj", mn_page_value(page_obj));
    mn_map_set_cstr(ctx, "paginator", mn_paginator_value(paginator));
    mn_map_set_cstr(ctx, "is_paginated", mn_value_bool(mn_paginator_num_pages(paginator, &err) > 1));
    mn_map_set_cstr(ctx, "products", products ? mn_value_list(products) : mn_value_null());
    mn_map_set_cstr(ctx, "categories", cat_values);
    mn_map_set_cstr(ctx, "tags", tag_values);
    mn_map_set_cstr(ctx, "current_category",
                    current ? mn_obj_value(current, &category_model) : mn_value_null());
    mn_map_set_cstr(ctx, "current_tag", current_tag ? mn_obj_value(current_tag, &tag_model) : mn_value_null());
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
    mn_qs *qs = mn_qs_select_related(mn_qs_filter(mn_qs_all(&product_model, a), "slug", mn_url_arg(args, "slug")),
                                     "category", NULL);
    product *p = mn_get_object_or_404(req, qs, &resp);
    if (!p)
        return resp;
    mn_err err = { 0 };
    mn_value pv = product_value(p, a, &err);
    category *cat = MN_REL(category, p, &product_model, "category", a, &err);
    if (!cat)
        return mn_view_fail(req, "%s", err.msg);
    /* product.reviews.all() and their aggregate */
    mn_qs *reviews = mn_rel_all(p, &product_model, "reviews", a);
    mn_map *stats = mn_qs_aggregate(reviews, &err, "avg", mn_avg(a, "rating"), "n", mn_count(a, "id"), NULL);
    if (!stats)
        return mn_view_fail(req, "%s", err.msg);
    /* category.products.filter(status='published').exclude(pk=product.pk)[:4] */
    mn_qs *related = mn_qs_slice(
        mn_qs_exclude(mn_qs_filter(mn_rel_all(cat, &category_model, "products", a), "status",
                                   mn_value_cstr("published")),
                      "pk", mn_value_int(p->id)),
        0, 4);
    related = mn_qs_prefetch_related(mn_qs_select_related(related, "category", NULL), "tags", NULL);
    mn_list *related_values = mn_list_new(a, 4);
    for (size_t i = 0; related_values && i < mn_qs_len(related); i++)
        mn_list_push(related_values, product_value(mn_qs_at(related, i), a, &err));
    mn_value review_list;
    if (err.code || mn_qs_to_value(reviews, &review_list, &err) || mn_qs_eval(related, &err))
        return mn_view_fail(req, "%s", err.msg);

    mn_map *ctx = mn_map_new(a, 6);
    if (!ctx)
        return NULL;
    mn_map_set_cstr(ctx, "product", pv);
    mn_map_set_cstr(ctx, "reviews", review_list);
    mn_map_set_cstr(ctx, "review_count", mn_map_get_cstr(stats, "n"));
    mn_map_set_cstr(ctx, "average_rating", mn_map_get_cstr(stats, "avg"));
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
    /* product.delete(): reviews and tag links go with it (CASCADE); an
     * ordered product is protected (OrderItem.product: PROTECT). */
    if (mn_obj_delete_counts(p, &product_model, NULL, a, NULL, &err) < 0) {
        if (err.code != MN_EPERM)
            return mn_view_fail(req, "%s", err.msg);
        mn_buf b;
        mn_buf_init(&b, a, 0);
        mn_buf_puts(&b, "<h1>Cannot delete</h1><p>");
        mn_html_escape(&b, p->name);
        mn_buf_puts(&b, " has been ordered: orders protect their products.</p><p>");
        mn_html_escape(&b, mn_str_from(err.msg));
        mn_buf_puts(&b, "</p>");
        return mn_response_text(req, 409, NULL, mn_buf_str(&b));
    }
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
    /* The guide's get_products(): the unfiltered list is kept in the cache
     * for 15 minutes under 'all_products'; the post_save/post_delete
     * receivers (app.c) delete it when a product changes. */
    mn_cache *cache = q.len ? NULL : mn_cache_default();
    mn_value cached;
    if (cache && mn_cache_get(cache, "all_products", mn_value_null(), a, &cached, NULL) == MN_OK)
        return mn_json_response(req, 200, cached);
    if (q.len)
        qs = mn_qs_filter(qs, "name__icontains", mn_value_str(q));
    mn_list *rows = mn_qs_rows(mn_qs_values(qs, "id", "name", "slug", "price", "stock", NULL));
    if (!rows)
        return mn_view_fail(req, "%s", mn_qs_error(qs)->msg);
    mn_err err = { 0 };
    if (cache && mn_cache_set(cache, "all_products", mn_value_list(rows), 60 * 15, &err))
        mn_log_warning(&shop_views_log, "cache", MN_LOG_STR("error", err.msg));
    return mn_json_response(req, 200, mn_value_list(rows));
}

mn_response *api_product_detail(mn_request *req, const mn_url_args *args)
{
    int64_t pk = 0;
    mn_url_arg_int(args, "pk", &pk);
    mn_arena *a = mn_request_arena(req);
    /* cache.get(f'product_{id}'), deleted by the receivers too */
    mn_cache *cache = mn_cache_default();
    char key[40];
    snprintf(key, sizeof key, "product_%lld", (long long)pk);
    mn_value cached;
    if (cache && mn_cache_get(cache, key, mn_value_null(), a, &cached, NULL) == MN_OK)
        return mn_json_response(req, 200, cached);
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
    mn_err err = { 0 };
    if (cache && mn_cache_set(cache, key, mn_list_get(rows, 0), 60 * 15, &err))
        mn_log_warning(&shop_views_log, "cache", MN_LOG_STR("error", err.msg));
    return mn_json_response(req, 200, mn_list_get(rows, 0));
}
