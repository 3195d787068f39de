/* Migrations: the project state, operations replayed on it, compiled
 * models as states, the RunC registry. */
#include "mig_test.h"

TestSuite(state, .init = mig_setup, .fini = mig_teardown);

static const char *INITIAL =
    "{\"operations\": ["
    "{\"op\": \"CreateModel\", \"name\": \"Category\", \"fields\": [{\"name\": \"id\", \"type\": \"BigAutoField\", "
    "\"primary_key\": true}, {\"name\": \"name\", \"type\": \"CharField\", \"max_length\": 100}]},"
    "{\"op\": \"CreateModel\", \"name\": \"Product\", \"fields\": [{\"name\": \"id\", \"type\": \"BigAutoField\", "
    "\"primary_key\": true}, {\"name\": \"title\", \"type\": \"CharField\", \"max_length\": 200}, {\"name\": "
    "\"category\", \"type\": \"ForeignKey\", \"to\": \"shop.category\"}], \"options\": {\"ordering\": [\"-title\"], "
    "\"unique_together\": [[\"title\", \"category\"]], \"indexes\": [{\"name\": \"t_idx\", \"fields\": [\"title\"]}]}}"
    "]}";

Test(state, replays_operations)
{
    mn_migration *m1 = mig("shop", "0001_initial", INITIAL);
    mn_migration *m2 = mig("shop", "0002",
                           "{\"operations\": ["
                           "{\"op\": \"AddField\", \"model_name\": \"product\", \"name\": \"price\", \"field\": "
                           "{\"type\": \"DecimalField\", \"max_digits\": 8, \"decimal_places\": 2, \"default\": \"0\"}, "
                           "\"preserve_default\": false},"
                           "{\"op\": \"RenameField\", \"model_name\": \"product\", \"old_name\": \"title\", "
                           "\"new_name\": \"name\"},"
                           "{\"op\": \"AlterField\", \"model_name\": \"category\", \"name\": \"name\", \"field\": "
                           "{\"type\": \"CharField\", \"max_length\": 150, \"unique\": true}},"
                           "{\"op\": \"RenameModel\", \"old_name\": \"Category\", \"new_name\": \"Section\"},"
                           "{\"op\": \"AlterModelTable\", \"name\": \"product\", \"table\": \"items\"}"
                           "]}");
    mn_migration *ms[] = { m1, m2 };
    mn_mig_state *st = replay(ms, 2);
    cr_assert_eq(st->nmodels, 2);
    mn_mig_model *p = mn_mig_state_find(st, "shop", "PRODUCT");
    cr_assert_not_null(p, "names compare without case");
    cr_assert_str_eq(mn_mig_model_table(p, A), "items");
    mn_mig_field *price = mn_mig_model_field(p, "price");
    cr_assert_not_null(price);
    cr_assert_null(price->default_value, "a one-off default is not kept");
    cr_assert_null(mn_mig_model_field(p, "title"));
    cr_assert_not_null(mn_mig_model_field(p, "name"));
    cr_assert_str_eq(p->ordering[0], "-name", "ordering follows the rename");
    cr_assert_str_eq(p->unique_together[0][0], "name");
    cr_assert_str_eq(p->indexes[0].fields[0], "name");
    cr_assert_str_eq(mn_mig_model_field(p, "category")->to, "shop.section", "references follow a renamed model");
    cr_assert_str_eq(mn_mig_field_column(mn_mig_model_field(p, "category"), A), "category_id");
    mn_mig_model *s = mn_mig_state_find(st, "shop", "section");
    cr_assert_not_null(s);
    cr_assert_null(mn_mig_state_find(st, "shop", "category"));
    cr_assert_str_eq(mn_mig_model_table(s, A), "shop_section");
    cr_assert(mn_mig_model_field(s, "name")->unique);
    cr_assert_eq(mn_mig_model_field(s, "name")->max_length, 150);
    /* Snapshots are not changed by later operations. */
    mn_mig_state *first = replay(ms, 1);
    mn_mig_state *snap = mn_mig_state_clone(first);
    cr_assert_eq(mn_mig_state_apply_migration(first, m2, &(mn_err){ 0 }), MN_OK);
    cr_assert_not_null(mn_mig_model_field(mn_mig_state_find(snap, "shop", "product"), "title"));
    cr_assert_not_null(mn_mig_state_find(snap, "shop", "category"));
}

static void expect_fail(const char *json, const char *needle)
{
    mn_migration *m1 = mig("shop", "0001_initial", INITIAL);
    mn_migration *m2 = mig("shop", "0002_bad", json);
    mn_mig_state *st = replay(&m1, 1);
    mn_err err = { 0 };
    cr_assert_neq(mn_mig_state_apply_migration(st, m2, &err), MN_OK, "%s", json);
    cr_assert(strstr(err.msg, needle), "'%s' lacks '%s'", err.msg, needle);
    cr_assert(strstr(err.msg, "shop.0002_bad: operation 1: "), "%s", err.msg);
}

Test(state, refuses_what_does_not_apply)
{
    expect_fail("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"nope\", \"name\": \"x\", \"field\": "
                "{\"type\": \"IntegerField\"}}]}",
                "AddField: no model shop.nope in the migration state");
    expect_fail("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"product\", \"name\": \"title\", \"field\": "
                "{\"type\": \"IntegerField\"}}]}",
                "already has a field 'title'");
    expect_fail("{\"operations\": [{\"op\": \"RemoveField\", \"model_name\": \"product\", \"name\": \"ghost\"}]}",
                "has no field 'ghost'");
    expect_fail("{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"product\", \"fields\": [{\"name\": \"id\", "
                "\"type\": \"AutoField\", \"primary_key\": true}]}]}",
                "already exists");
    expect_fail("{\"operations\": [{\"op\": \"RemoveIndex\", \"model_name\": \"product\", \"name\": \"zz\"}]}",
                "has no index 'zz'");
    expect_fail("{\"operations\": [{\"op\": \"AddIndex\", \"model_name\": \"product\", \"index\": {\"name\": "
                "\"t_idx\", \"fields\": [\"title\"]}}]}",
                "already has an index 't_idx'");
    expect_fail("{\"operations\": [{\"op\": \"AddIndex\", \"model_name\": \"product\", \"index\": {\"name\": "
                "\"x_idx\", \"fields\": [\"nope\"]}}]}",
                "has no field 'nope'");
    expect_fail("{\"operations\": [{\"op\": \"AlterUniqueTogether\", \"name\": \"product\", \"unique_together\": "
                "[[\"title\", \"nope\"]]}]}",
                "has no field 'nope'");
    expect_fail("{\"operations\": [{\"op\": \"RenameModel\", \"old_name\": \"Product\", \"new_name\": \"category\"}]}",
                "already exists");
    expect_fail("{\"operations\": [{\"op\": \"RemoveConstraint\", \"model_name\": \"product\", \"name\": \"c\"}]}",
                "has no constraint 'c'");
}

Test(state, compiled_models)
{
    mn_err err = { 0 };
    mn_mig_model *p;
    cr_assert_eq(mn_mig_model_from(&t_product_model, A, &p, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(p->app, "shop");
    cr_assert_eq(p->nfields, 6);
    mn_mig_field *slug = mn_mig_model_field(p, "slug");
    cr_assert_eq(slug->max_length, 50);
    cr_assert(slug->db_index);
    mn_mig_field *fk = mn_mig_model_field(p, "category");
    cr_assert_str_eq(fk->to, "shop.category");
    cr_assert_null(fk->db_column, "the default column is not written out");
    cr_assert(fk->null);
    cr_assert_eq(fk->on_delete, MN_SET_NULL);
    cr_assert_str_eq(mn_mig_model_field(p, "available")->default_value, "true");
    cr_assert(mn_mig_model_field(p, "available")->editable);
    cr_assert_eq(p->nindexes, 1);
    cr_assert_str_eq(p->indexes[0].name, "shop_produc_name_659ce6_idx", "Django's Index.set_name_with_model");
    cr_assert_str_eq(p->ordering[0], "name");
    mn_mig_model *c;
    cr_assert_eq(mn_mig_model_from(&t_category_model, A, &c, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_mig_model_field(c, "name")->unique);
    cr_assert_not(mn_mig_model_field(c, "name")->db_index);
    /* A state of both resolves references. */
    mn_mig_state *st = mn_mig_state_new(A);
    mn_model *models[] = { &t_category_model, &t_product_model, NULL };
    cr_assert_eq(mn_mig_state_add_models(st, models, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_mig_state_resolve(st, "shop.category"), mn_mig_state_find(st, "shop", "Category"));
    cr_assert_null(mn_mig_state_resolve(st, "nodot"));
    /* Field equality looks at every option. */
    mn_mig_field a = *slug, b = *slug;
    cr_assert(mn_mig_field_equal(&a, &b));
    b.help_text = "Used in URLs";
    cr_assert_not(mn_mig_field_equal(&a, &b));
}

static int noop_fn(mn_db *db, mn_arena *arena, mn_err *err)
{
    (void)db, (void)arena, (void)err;
    return MN_OK;
}
static int other_fn(mn_db *db, mn_arena *arena, mn_err *err)
{
    (void)db, (void)arena;
    return mn_err_set(err, MN_EINVAL, "no");
}

Test(state, runc_registry)
{
    cr_assert_null(mn_migrate_lookup("shop.absent"));
    cr_assert_eq(mn_migrate_register("shop.fill", noop_fn), MN_OK);
    cr_assert_eq(mn_migrate_lookup("shop.fill"), noop_fn);
    cr_assert_eq(mn_migrate_register("shop.fill", other_fn), MN_OK, "registering again replaces");
    cr_assert_eq(mn_migrate_lookup("shop.fill"), other_fn);
    cr_assert_eq(mn_migrate_register("", noop_fn), MN_EINVAL);
    cr_assert_eq(mn_migrate_register("x", NULL), MN_EINVAL);
}

typedef struct t_profile {
    mn_obj mn;
    int64_t id;
    int64_t product;
} t_profile;
static const mn_field t_profile_fields[] = {
    MN_FIELD_BIGAUTO(t_profile, id),
    MN_FIELD_ONETOONE(t_profile, product, t_product_model, .on_delete = MN_PROTECT, .related_name = "profile"),
    MN_FIELD_END
};
static const mn_m2m t_profile_m2m[] = { MN_M2M("categories", t_category_model, .related_name = "profiles"),
                                        MN_M2M_END };
static mn_model t_profile_model = MN_MODEL(t_profile, "shop", "Profile", t_profile_fields,
                                           .many_to_many = t_profile_m2m);

Test(state, compiled_relations)
{
    mn_err err = { 0 };
    mn_mig_state *st = mn_mig_state_new(A);
    mn_model *models[] = { &t_category_model, &t_product_model, &t_profile_model, NULL };
    cr_assert_eq(mn_mig_state_add_models(st, models, &err), MN_OK, "%s", err.msg);
    mn_mig_model *p = mn_mig_state_find(st, "shop", "profile");
    cr_assert_eq(p->nfields, 3);
    mn_mig_field *o = mn_mig_model_field(p, "product");
    cr_assert(o->one_to_one);
    cr_assert(o->unique);
    cr_assert_not(o->db_index);
    cr_assert_eq(o->on_delete, MN_PROTECT);
    cr_assert_str_eq(o->related_name, "profile");
    mn_mig_field *m2m = mn_mig_model_field(p, "categories");
    cr_assert_eq(m2m->kind, MN_MIG_KIND_M2M);
    cr_assert_str_eq(m2m->to, "shop.category");
    cr_assert_null(m2m->through);
    /* Detected from nothing, replayed, and the SQL makes the ORM's through table. */
    mn_mig_op *ops;
    size_t n;
    cr_assert_eq(mn_mig_autodetect(mn_mig_state_new(A), st, "shop", &(mn_mig_questioner){ 0 }, A, &ops, &n, NULL,
                                   NULL, &err),
                 MN_OK, "%s", err.msg);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(ops[2].model->name, "Profile", "after the models it points to");
    mn_mig_state *before = mn_mig_state_new(A);
    for (size_t i = 0; i < 2; i++)
        cr_assert_eq(mn_mig_state_apply(before, "shop", &ops[i], &err), MN_OK, "%s", err.msg);
    mn_mig_state *after = mn_mig_state_clone(before);
    cr_assert_eq(mn_mig_state_apply(after, "shop", &ops[2], &err), MN_OK, "%s", err.msg);
    mn_list *sql = mn_list_new(A, 4);
    cr_assert_eq(mn_mig_op_sql(&ops[2], "shop", before, after, MN_DB_SQLITE, false, A, sql, &err), MN_OK, "%s",
                 err.msg);
    bool through = false;
    for (size_t i = 0; i < mn_list_len(sql); i++)
        through = through || strstr(mn_list_get(sql, i).u.s.ptr, "CREATE TABLE \"shop_profile_categories\" (\"id\" "
                                                                 "integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
                                                                 "\"profile_id\" bigint NOT NULL REFERENCES");
    cr_assert(through);
    /* The ORM names the through table the same way. */
    cr_assert_str_eq(mn_model_table(mn_m2m_through(&t_profile_model, "categories")), "shop_profile_categories");
}
