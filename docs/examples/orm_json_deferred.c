/* docs/querysets.md and docs/models.md: JSONField keys in values(),
 * values_list(), order_by() and F(); deferred fields read through a
 * template and get_deferred_fields(). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str description;
    int32_t stock;
    mn_value metadata;
} product;

static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 100),
    MN_FIELD_TEXT(product, description, .blank = true),
    MN_FIELD_INT(product, stock, .default_value = "0"),
    MN_FIELD_JSON(product, metadata, .null = true, .blank = true),
    MN_FIELD_END,
};
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields);

static void add(mn_arena *a, const char *name, int stock, const char *json, mn_err *err)
{
    mn_value meta = mn_value_null();
    if (json)
        assert(mn_json_loads(a, mn_str_from(json), NULL, &meta, err) == MN_OK);
    product *p = mn_model_create(&product_model, a, err, "name", mn_value_cstr(name), "stock", mn_value_int(stock),
                                 "description", mn_value_cstr("long text"), "metadata", meta, NULL);
    assert(p);
}

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), a, &cfg, &err);
    mn_db *db = mn_db_open(&cfg, &err);
    mn_orm_use(db);
    assert(mn_model_create_table(&product_model, NULL, &err) == MN_OK);
    add(a, "Lamp", 3, "{\"color\": \"blue\", \"size\": {\"w\": 40}, \"sale\": true}", &err);
    add(a, "Desk", 1, "{\"color\": \"oak\", \"size\": {\"w\": 120}}", &err);
    add(a, "Chair", 12, NULL, &err);

    /* Product.objects.order_by("-metadata__size__w").values("name", "metadata__color") */
    mn_qs *qs = mn_qs_order_by(mn_qs_all(&product_model, a), "-metadata__size__w", NULL);
    mn_list *rows = mn_qs_rows(mn_qs_values(qs, "name", "metadata__color", NULL));
    assert(rows && mn_list_len(rows) == 3);
    mn_value color = mn_map_get_cstr(mn_list_get(rows, 0).u.map, "metadata__color");
    assert(color.type == MN_VALUE_STR && mn_str_eq_cstr(color.u.s, "oak"));
    assert(mn_map_get_cstr(mn_list_get(rows, 2).u.map, "metadata__color").type == MN_VALUE_NULL); /* no JSON */

    /* values_list("metadata__sale", flat=True): JSON values keep their type */
    rows = mn_qs_rows(mn_qs_values_list(mn_qs_order_by(mn_qs_all(&product_model, a), "pk", NULL), MN_QS_FLAT,
                                        "metadata__sale", NULL));
    assert(mn_list_get(rows, 0).type == MN_VALUE_BOOL && mn_list_get(rows, 0).u.b);
    assert(mn_list_get(rows, 1).type == MN_VALUE_NULL); /* missing key */

    /* annotate(width=F("metadata__size__w")) */
    product *lamp = mn_qs_get(mn_qs_annotate(mn_qs_filter(mn_qs_all(&product_model, a), "name", mn_value_cstr("Lamp")),
                                             "width", mn_f(a, "metadata__size__w"), NULL),
                              &err);
    assert(lamp && mn_obj_annotation(lamp, &product_model, "width").u.i == 40);

    /* Product.objects.only("id"): a template loads what it reads, one
     * query per field */
    mn_db_log_enable(db, true);
    product *p = mn_qs_get(mn_qs_only(mn_qs_filter(mn_qs_all(&product_model, a), "name", mn_value_cstr("Desk")),
                                      "id", NULL),
                           &err);
    size_t n;
    const char **deferred = mn_obj_deferred_fields(p, &product_model, a, &n); /* get_deferred_fields() */
    assert(n == 4 && strcmp(deferred[0], "name") == 0);

    mn_template_engine *e = mn_template_engine_new(&(mn_template_options){ 0 });
    mn_template *t = mn_template_engine_from_string(e, MN_STR("{{ p.name }}: {{ p.stock }} left"), "t", &err);
    mn_map *vars = mn_map_new(a, 1);
    mn_map_set_cstr(vars, "p", mn_obj_value(p, &product_model));
    mn_buf out;
    mn_buf_init(&out, a, 0);
    assert(mn_template_render(t, mn_template_context_new(e, a, vars), &out, &err) == MN_OK);
    printf("%s\n", mn_buf_cstr(&out));
    assert(strcmp(mn_buf_cstr(&out), "Desk: 1 left") == 0);
    assert(mn_db_log_count(db) == 3); /* the get(), then name and stock */
    mn_obj_deferred_fields(p, &product_model, a, &n);
    assert(n == 2); /* description and metadata are still deferred */
    mn_db_log_enable(db, false);

    /* explain(format="json", analyze=True): SQLite has no formats, and
     * bad names get Django's errors before anything reaches the SQL */
    mn_err_clear(&err);
    assert(!mn_qs_explain_opts(mn_qs_all(&product_model, a), &err, "json", NULL));
    printf("%s\n", err.msg);
    assert(strcmp(err.msg, "JSON is not a recognized format.") == 0);
    mn_err_clear(&err);
    assert(!mn_qs_explain_opts(mn_qs_all(&product_model, a), &err, NULL, "bogus", 1, NULL));
    assert(strcmp(err.msg, "Unknown options: bogus") == 0);
    mn_err_clear(&err);
    assert(mn_qs_explain(mn_qs_all(&product_model, a), &err) != NULL); /* "2 0 0 SCAN shop_product" */

    /* select_for_update(nowait=True, skip_locked=True): refused everywhere;
     * a valid form is ignored on SQLite, as Django does */
    mn_qs *locked = mn_qs_select_for_update_opts(mn_qs_all(&product_model, a), MN_SFU_NOWAIT | MN_SFU_SKIP_LOCKED, NULL);
    mn_err_clear(&err);
    assert(mn_qs_count(locked, &err) < 0 && err.code == MN_EINVAL);
    assert(strcmp(err.msg, "The nowait option cannot be used with skip_locked.") == 0);
    mn_err_clear(&err);
    locked = mn_qs_select_for_update_opts(mn_qs_all(&product_model, a), MN_SFU_NOWAIT, "self", NULL);
    assert(mn_qs_count(locked, &err) == 3);

    mn_template_engine_free(e);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
