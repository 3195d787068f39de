/* The migration machinery as a library, as in docs/migrations.md: the
 * autodetector compares the migrations' state with compiled models, the
 * writer gives the JSON file, the schema editor its SQL. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
} product;

static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_SLUG(product, slug, .unique = true, .default_value = ""),
    MN_FIELD_END
};
static mn_model product_model = MN_MODEL(product, "products", "Product", product_fields);

/* What the migrations say so far: 0001_initial created Product(id, name). */
static const char *initial =
    "{\"initial\": true, \"operations\": [{\"op\": \"CreateModel\", \"name\": \"Product\", \"fields\": ["
    "{\"name\": \"id\", \"type\": \"BigAutoField\", \"primary_key\": true},"
    "{\"name\": \"name\", \"type\": \"CharField\", \"max_length\": 200}]}]}";

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };

    mn_migration *m1;
    assert(mn_migration_parse(a, "products", "0001_initial", "products/migrations/0001_initial.json",
                              mn_str_from(initial), &m1, &err) == MN_OK);
    mn_mig_state *from = mn_mig_state_new(a);
    assert(mn_mig_state_apply_migration(from, m1, &err) == MN_OK);

    /* The models compiled in. */
    mn_mig_state *to = mn_mig_state_new(a);
    mn_model *models[] = { &product_model, NULL };
    assert(mn_mig_state_add_models(to, models, &err) == MN_OK);

    /* makemigrations: one AddField, named as Django names it. */
    mn_mig_op *ops;
    size_t nops;
    mn_mig_questioner noinput = { 0 };
    assert(mn_mig_autodetect(from, to, "products", &noinput, a, &ops, &nops, NULL, NULL, &err) == MN_OK);
    assert(nops == 1 && ops[0].kind == MN_OP_ADD_FIELD);
    mn_migration m2 = { .app = "products", .ops = ops, .nops = nops, .atomic = true,
                        .deps = (mn_mig_key[]){ { "products", "0001_initial" } }, .ndeps = 1 };
    assert(!strcmp(mn_migration_suggest_name(&m2, a), "product_slug"));
    assert(!strcmp(mn_mig_op_describe(&ops[0], a), "Add field slug to product"));

    mn_str text = mn_migration_write(a, &m2, &err);
    assert(text.ptr);
    printf("products/migrations/0002_product_slug.json:\n%s", text.ptr);
    assert(strstr(text.ptr, "\"field\": {\"type\": \"SlugField\", \"unique\": true, \"default\": \"\"}"));

    /* sqlmigrate, for both engines. */
    mn_mig_state *after = mn_mig_state_clone(from);
    assert(mn_mig_state_apply(after, "products", &ops[0], &err) == MN_OK);
    mn_list *pg = mn_list_new(a, 4);
    assert(mn_mig_op_sql(&ops[0], "products", from, after, MN_DB_POSTGRES, false, a, pg, &err) == MN_OK);
    assert(!strcmp(mn_list_get(pg, 0).u.s.ptr, "ALTER TABLE \"products_product\" ADD COLUMN \"slug\" varchar(50) "
                                                "DEFAULT '' NOT NULL UNIQUE"));
    mn_list *lite = mn_list_new(a, 4);
    assert(mn_mig_op_sql(&ops[0], "products", from, after, MN_DB_SQLITE, false, a, lite, &err) == MN_OK);
    /* SQLite cannot add a UNIQUE column: the table is rebuilt. */
    assert(!strncmp(mn_list_get(lite, 0).u.s.ptr, "CREATE TABLE \"new__products_product\"", 36));
    for (size_t i = 0; i < mn_list_len(lite); i++)
        printf("%s;\n", mn_list_get(lite, i).u.s.ptr);
    mn_arena_free(a);
    return 0;
}
