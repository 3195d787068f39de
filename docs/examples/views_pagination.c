/* docs/views.md, "Pagination": Paginator over a QuerySet, get_page() and
 * page() with Django's errors, and the page in a template. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
} product;
static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_END,
};
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields,
                                         .meta = { .ordering = MN_NAMES("name") });

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), a, &cfg, &err);
    mn_db *db = mn_db_open(&cfg, &err);
    assert(db);
    mn_orm_use(db);
    assert(mn_model_create_table(&product_model, db, &err) == MN_OK);
    for (int i = 1; i <= 60; i++) {
        char name[32];
        snprintf(name, sizeof name, "Product %02d", i);
        assert(mn_model_create(&product_model, a, &err, "name", mn_value_cstr(name), NULL));
    }

    /* paginator = Paginator(Product.objects.all(), 25)
     * page_obj = paginator.get_page(request.GET.get('page')) */
    mn_paginator *paginator = mn_paginator_new(a, mn_qs_all(&product_model, a), 25, NULL, &err);
    mn_page *page_obj = mn_paginator_get_page(paginator, mn_value_cstr("2"), &err);
    assert(page_obj && mn_page_number(page_obj) == 2);
    assert(mn_paginator_count(paginator, &err) == 60 && mn_paginator_num_pages(paginator, &err) == 3);
    product *first = mn_page_at(page_obj, 0);
    assert(mn_str_eq_cstr(first->name, "Product 26"));
    assert(mn_page_start_index(page_obj) == 26 && mn_page_end_index(page_obj) == 50);

    /* get_page() never fails on bad input: "abc" is page 1, 99 the last page. */
    assert(mn_page_number(mn_paginator_get_page(paginator, mn_value_cstr("abc"), &err)) == 1);
    assert(mn_page_number(mn_paginator_get_page(paginator, mn_value_cstr("99"), &err)) == 3);

    /* page() reports PageNotAnInteger and EmptyPage, with Django's messages. */
    assert(!mn_paginator_page(paginator, mn_value_cstr("abc"), &err));
    assert(err.code == MN_PAGE_NOT_AN_INTEGER && !strcmp(err.msg, "That page number is not an integer"));
    mn_err_clear(&err);
    assert(!mn_paginator_page(paginator, mn_value_int(99), &err));
    assert(err.code == MN_EMPTY_PAGE && !strcmp(err.msg, "That page contains no results"));
    mn_err_clear(&err);

    /* The guide's pagination controls. */
    mn_template_engine *e = mn_template_engine_new(NULL);
    mn_template *t = mn_template_engine_from_string(e, MN_STR(
        "{% if page_obj.has_previous %}<a href=\"?page={{ page_obj.previous_page_number }}\">Previous</a> {% endif %}"
        "<span>Page {{ page_obj.number }} of {{ page_obj.paginator.num_pages }}</span>"
        "{% if page_obj.has_next %} <a href=\"?page={{ page_obj.next_page_number }}\">Next</a>{% endif %}"),
        "controls", &err);
    mn_map *vars = mn_map_new(a, 1);
    mn_map_set_cstr(vars, "page_obj", mn_page_value(page_obj));
    mn_buf out;
    mn_buf_init(&out, a, 0);
    assert(mn_template_render(t, mn_template_context_new(e, a, vars), &out, &err) == MN_OK);
    printf("%.*s\n", MN_STR_FMT(mn_buf_str(&out)));
    assert(mn_str_eq_cstr(mn_buf_str(&out), "<a href=\"?page=1\">Previous</a> <span>Page 2 of 3</span> "
                                            "<a href=\"?page=3\">Next</a>"));
    mn_template_engine_free(e);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
