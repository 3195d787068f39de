/* docs/management-commands.md: Django's fixture format from C, what
 * dumpdata and loaddata use (serializers.serialize / deserialize). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    mn_datetime created;
} product;

static const mn_field product_fields[] = {
    MN_FIELD_AUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 100),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_DATETIME(product, created),
    MN_FIELD_END
};
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields);
static mn_model *const shop_models[] = { &product_model, NULL };

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    assert(mn_dburl_parse(MN_STR("sqlite://:memory:"), a, &cfg, &err) == MN_OK);
    mn_db *db = mn_db_open(&cfg, &err);
    assert(db);
    mn_orm_use(db);
    assert(mn_model_create_table(&product_model, db, &err) == MN_OK);

    /* serializers.deserialize("json", text): instances, not yet saved. */
    const char *fixture =
        "[{\"model\": \"shop.product\", \"pk\": 1, \"fields\": {\"name\": \"Chair\", \"price\": \"12.5\","
        " \"created\": \"2024-01-05T10:30:15.123456Z\"}}]";
    mn_fixture_object *objs;
    size_t n;
    assert(mn_fixture_loads(mn_str_from(fixture), shop_models, 0, a, &objs, &n, &err) == MN_OK);
    assert(n == 1 && objs[0].model == &product_model);
    /* obj.save() as loaddata does it: UPDATE by key, else INSERT. */
    assert(mn_fixture_save(&objs[0], db, a, &err) == MN_OK);

    /* serializers.serialize("json", Product.objects.all()) */
    mn_qs *qs = mn_qs_all(&product_model, a);
    size_t count;
    void **items = mn_qs_items(qs, &count);
    mn_buf out;
    mn_buf_init(&out, a, 0);
    assert(mn_fixture_dumps(&product_model, items, count, 0, &out, &err) == MN_OK);
    printf("%s\n", mn_buf_cstr(&out));
    /* Decimals keep their places, datetimes are cut to milliseconds. */
    assert(!strcmp(mn_buf_cstr(&out),
                   "[{\"model\": \"shop.product\", \"pk\": 1, \"fields\": {\"name\": \"Chair\", \"price\": \"12.50\","
                   " \"created\": \"2024-01-05T10:30:15.123Z\"}}]"));

    /* Bad input names the object and the field. */
    assert(mn_fixture_loads(MN_STR("[{\"model\": \"shop.product\", \"pk\": 2, \"fields\": {\"price\": \"x\"}}]"),
                            shop_models, 0, a, &objs, &n, &err) == MN_EINVAL);
    printf("%s\n", err.msg);
    assert(strstr(err.msg, "object 1 (shop.product:pk=2): field 'price'"));

    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
