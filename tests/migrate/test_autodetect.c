/* Migrations: the autodetector. */
#include "mig_test.h"

TestSuite(autodetect, .init = mig_setup, .fini = mig_teardown);

typedef struct answers {
    bool rename, rename_model;
    const char *dflt;
    int asked_rename, asked_model, asked_default;
    char last[256];
} answers;

static bool a_rename(void *ctx, const char *model, const char *o, const char *n, const char *type)
{
    answers *a = ctx;
    a->asked_rename++;
    snprintf(a->last, sizeof a->last, "%s.%s->%s (%s)", model, o, n, type);
    return a->rename;
}
static bool a_rename_model(void *ctx, const char *app, const char *o, const char *n)
{
    answers *a = ctx;
    a->asked_model++;
    snprintf(a->last, sizeof a->last, "%s.%s->%s", app, o, n);
    return a->rename_model;
}
static const char *a_default(void *ctx, const char *model, const char *field)
{
    answers *a = ctx;
    a->asked_default++;
    snprintf(a->last, sizeof a->last, "%s.%s", model, field);
    return a->dflt;
}

static const char *a_alter(void *ctx, const char *model, const char *field, bool *quit)
{
    answers *a = ctx;
    a->asked_default++;
    snprintf(a->last, sizeof a->last, "alter %s.%s", model, field);
    *quit = a->dflt && !strcmp(a->dflt, "QUIT");
    return *quit ? NULL : a->dflt;
}

static mn_mig_op *detect(const mn_mig_state *from, const mn_mig_state *to, answers *ans, size_t *n, int expect_rc)
{
    mn_mig_questioner q = { .ask_rename = a_rename, .ask_rename_model = a_rename_model, .ask_default = a_default,
                            .ask_not_null_alteration = a_alter, .ctx = ans };
    mn_mig_op *ops = NULL;
    mn_err err = { 0 };
    mn_mig_key *deps;
    size_t nd;
    int rc = mn_mig_autodetect(from, to, "shop", &q, A, &ops, n, &deps, &nd, &err);
    cr_assert_eq(rc, expect_rc, "%s", err.msg);
    return ops;
}

static mn_mig_state *state_of(const char *json)
{
    mn_migration *m = mig("shop", "0001_initial", json);
    return replay(&m, 1);
}

#define PK "{\"name\": \"id\", \"type\": \"BigAutoField\", \"primary_key\": true}"

Test(autodetect, initial_models_in_dependency_order)
{
    mn_err err = { 0 };
    mn_mig_state *to = mn_mig_state_new(A);
    /* Product (with a FK to Category) listed first: Category is created first. */
    mn_model *models[] = { &t_product_model, &t_category_model, NULL };
    cr_assert_eq(mn_mig_state_add_models(to, models, &err), MN_OK, "%s", err.msg);
    answers ans = { 0 };
    size_t n;
    mn_mig_op *ops = detect(mn_mig_state_new(A), to, &ans, &n, MN_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(ops[0].kind, MN_OP_CREATE_MODEL);
    cr_assert_str_eq(ops[0].model->name, "Category");
    cr_assert_str_eq(ops[1].model->name, "Product");
    cr_assert_eq(ops[1].model->nindexes, 1);
    /* Replaying what was detected gives the models: nothing more to do. */
    mn_mig_state *st = mn_mig_state_new(A);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(mn_mig_state_apply(st, "shop", &ops[i], &err), MN_OK, "%s", err.msg);
    detect(st, to, &ans, &n, MN_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(ans.asked_default + ans.asked_rename + ans.asked_model, 0);
}

Test(autodetect, field_changes)
{
    mn_mig_state *from = state_of("{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Item\", \"fields\": [" PK
                                  ", {\"name\": \"title\", \"type\": \"CharField\", \"max_length\": 20}, {\"name\": "
                                  "\"old\", \"type\": \"IntegerField\"}, {\"name\": \"note\", \"type\": \"TextField\"}]}]}");
    mn_mig_state *to = state_of("{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Item\", \"fields\": [" PK
                                ", {\"name\": \"title\", \"type\": \"CharField\", \"max_length\": 80}, {\"name\": "
                                "\"note\", \"type\": \"TextField\", \"null\": true}, {\"name\": \"qty\", \"type\": "
                                "\"IntegerField\", \"default\": \"1\"}, {\"name\": \"code\", \"type\": \"CharField\", "
                                "\"max_length\": 5}, {\"name\": \"label\", \"type\": \"CharField\", \"max_length\": 9, "
                                "\"blank\": true}]}]}");
    answers ans = { .dflt = "AAA" };
    size_t n;
    mn_mig_op *ops = detect(from, to, &ans, &n, MN_OK);
    cr_assert_eq(n, 6);
    cr_assert_eq(ops[0].kind, MN_OP_REMOVE_FIELD);
    cr_assert_str_eq(ops[0].name, "old");
    cr_assert_eq(ops[1].kind, MN_OP_ADD_FIELD);
    cr_assert_str_eq(ops[1].name, "qty");
    cr_assert(ops[1].preserve_default, "a field with a default needs no question");
    cr_assert_eq(ops[2].kind, MN_OP_ADD_FIELD);
    cr_assert_str_eq(ops[2].name, "code");
    cr_assert_not(ops[2].preserve_default);
    cr_assert_str_eq(ops[2].field.default_value, "AAA");
    cr_assert_eq(ans.asked_default, 1, "blank text fields default to '' like Django");
    cr_assert_str_eq(ans.last, "item.code");
    cr_assert_eq(ops[3].kind, MN_OP_ADD_FIELD);
    cr_assert_str_eq(ops[3].name, "label");
    cr_assert_eq(ops[4].kind, MN_OP_ALTER_FIELD);
    cr_assert_str_eq(ops[4].name, "title");
    cr_assert_eq(ops[4].field.max_length, 80);
    cr_assert_eq(ops[5].kind, MN_OP_ALTER_FIELD);
    cr_assert_str_eq(ops[5].name, "note");
    cr_assert_eq(ans.asked_rename, 0, "old (IntegerField) and code (CharField) differ: no rename question");
    /* No default given: Django's explanation, an error. */
    answers none = { 0 };
    mn_mig_questioner q = { .ask_rename = a_rename, .ask_rename_model = a_rename_model, .ask_default = a_default,
                            .ctx = &none };
    mn_err err = { 0 };
    mn_mig_op *o2;
    size_t n2;
    cr_assert_eq(mn_mig_autodetect(from, to, "shop", &q, A, &o2, &n2, NULL, NULL, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Field 'code' on model 'item' not migrated: it is impossible to add a non-nullable "
                              "field without specifying a default.");
}

Test(autodetect, renames_are_asked)
{
    mn_mig_state *from = state_of("{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Item\", \"fields\": [" PK
                                  ", {\"name\": \"title\", \"type\": \"CharField\", \"max_length\": 20}]}]}");
    mn_mig_state *to = state_of("{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Item\", \"fields\": [" PK
                                ", {\"name\": \"name\", \"type\": \"CharField\", \"max_length\": 20}]}]}");
    answers yes = { .rename = true };
    size_t n;
    mn_mig_op *ops = detect(from, to, &yes, &n, MN_OK);
    cr_assert_eq(yes.asked_rename, 1);
    cr_assert_str_eq(yes.last, "item.title->name (CharField)");
    cr_assert_eq(n, 1);
    cr_assert_eq(ops[0].kind, MN_OP_RENAME_FIELD);
    cr_assert_str_eq(ops[0].old_name, "title");
    cr_assert_str_eq(ops[0].new_name, "name");
    answers no = { .rename = false, .dflt = "x" };
    ops = detect(from, to, &no, &n, MN_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(ops[0].kind, MN_OP_REMOVE_FIELD);
    cr_assert_eq(ops[1].kind, MN_OP_ADD_FIELD);
    /* Models. */
    mn_mig_state *to2 = state_of("{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Article\", \"fields\": [" PK
                                 ", {\"name\": \"title\", \"type\": \"CharField\", \"max_length\": 20}]}]}");
    answers ym = { .rename_model = true };
    ops = detect(from, to2, &ym, &n, MN_OK);
    cr_assert_str_eq(ym.last, "shop.Item->Article");
    cr_assert_eq(n, 1);
    cr_assert_eq(ops[0].kind, MN_OP_RENAME_MODEL);
    answers nm = { 0 };
    ops = detect(from, to2, &nm, &n, MN_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(ops[0].kind, MN_OP_CREATE_MODEL);
    cr_assert_eq(ops[1].kind, MN_OP_DELETE_MODEL);
}

Test(autodetect, options_indexes_constraints)
{
    mn_mig_state *from = state_of(
        "{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Item\", \"fields\": [" PK
        ", {\"name\": \"a\", \"type\": \"IntegerField\"}, {\"name\": \"b\", \"type\": \"IntegerField\"}], \"options\": "
        "{\"unique_together\": [[\"a\", \"b\"]], \"indexes\": [{\"name\": \"ia\", \"fields\": [\"a\"]}], "
        "\"constraints\": [{\"type\": \"check\", \"name\": \"pos\", \"check\": \"a > 0\"}]}}]}");
    mn_mig_state *to = state_of(
        "{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Item\", \"fields\": [" PK
        ", {\"name\": \"a\", \"type\": \"IntegerField\"}, {\"name\": \"c\", \"type\": \"IntegerField\", \"null\": "
        "true}], \"options\": {\"ordering\": [\"-a\"], \"db_table\": \"items\", \"unique_together\": [[\"a\", "
        "\"c\"]], \"indexes\": [{\"name\": \"ic\", \"fields\": [\"c\"]}], \"constraints\": [{\"type\": \"check\", "
        "\"name\": \"pos\", \"check\": \"a >= 0\"}]}}]}");
    answers ans = { 0 };
    size_t n;
    mn_mig_op *ops = detect(from, to, &ans, &n, MN_OK);
    mn_mig_op_kind want[] = { MN_OP_REMOVE_CONSTRAINT, MN_OP_REMOVE_INDEX, MN_OP_ALTER_UNIQUE_TOGETHER,
                              MN_OP_REMOVE_FIELD, MN_OP_ADD_FIELD, MN_OP_ALTER_UNIQUE_TOGETHER,
                              MN_OP_ADD_INDEX, MN_OP_ADD_CONSTRAINT, MN_OP_ALTER_MODEL_TABLE,
                              MN_OP_ALTER_MODEL_OPTIONS };
    cr_assert_eq(n, sizeof want / sizeof *want);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(ops[i].kind, want[i], "operation %zu is %s", i, mn_mig_op_name(ops[i].kind));
    cr_assert_null(ops[2].unique_together, "unique_together drops what names b before b goes");
    cr_assert_str_eq(ops[5].unique_together[0][1], "c");
    cr_assert_str_eq(ops[8].table, "items");
    cr_assert_str_eq(ops[9].model->ordering[0], "-a");
}

Test(autodetect, nullable_made_not_null)
{
    mn_mig_state *from = state_of("{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Item\", \"fields\": [" PK
                                  ", {\"name\": \"code\", \"type\": \"CharField\", \"max_length\": 5, \"null\": true}]}]}");
    mn_mig_state *to = state_of("{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Item\", \"fields\": [" PK
                                ", {\"name\": \"code\", \"type\": \"CharField\", \"max_length\": 5}]}]}");
    answers fill = { .dflt = "none" };
    size_t n;
    mn_mig_op *ops = detect(from, to, &fill, &n, MN_OK);
    cr_assert_str_eq(fill.last, "alter item.code");
    cr_assert_eq(n, 1);
    cr_assert_eq(ops[0].kind, MN_OP_ALTER_FIELD);
    cr_assert_str_eq(ops[0].field.default_value, "none");
    cr_assert_not(ops[0].preserve_default);
    answers ignore = { 0 };
    ops = detect(from, to, &ignore, &n, MN_OK);
    cr_assert(ops[0].preserve_default, "ignored: a plain AlterField");
    cr_assert_null(ops[0].field.default_value);
    answers quit = { .dflt = "QUIT" };
    detect(from, to, &quit, &n, MN_EINVAL);
    /* The SQL fills the NULLs first. */
    mn_mig_state *after = mn_mig_state_clone(from);
    mn_err err = { 0 };
    ops = detect(from, to, &fill, &n, MN_OK);
    cr_assert_eq(mn_mig_state_apply(after, "shop", &ops[0], &err), MN_OK, "%s", err.msg);
    cr_assert_null(mn_mig_model_field(mn_mig_state_find(after, "shop", "item"), "code")->default_value);
    mn_list *pg = mn_list_new(A, 4), *lite = mn_list_new(A, 4);
    cr_assert_eq(mn_mig_op_sql(&ops[0], "shop", from, after, MN_DB_POSTGRES, false, A, pg, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(mn_list_get(pg, 0).u.s.ptr, "UPDATE \"shop_item\" SET \"code\" = 'none' WHERE \"code\" IS NULL");
    cr_assert_str_eq(mn_list_get(pg, 1).u.s.ptr, "ALTER TABLE \"shop_item\" ALTER COLUMN \"code\" SET NOT NULL");
    cr_assert_eq(mn_mig_op_sql(&ops[0], "shop", from, after, MN_DB_SQLITE, false, A, lite, &err), MN_OK, "%s", err.msg);
    cr_assert(strstr(mn_list_get(lite, 1).u.s.ptr, "SELECT \"id\", coalesce(\"code\", 'none') FROM"), "%s",
              mn_list_get(lite, 1).u.s.ptr);
}

#define QITEM(ixq, ckq)                                                                                              \
    "{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Item\", \"fields\": [" PK                               \
    ", {\"name\": \"a\", \"type\": \"IntegerField\"}], \"options\": {\"indexes\": [{\"name\": \"ia\", \"fields\": " \
    "[\"a\"], \"q\": " ixq "}], \"constraints\": [{\"type\": \"check\", \"name\": \"pos\", \"q\": " ckq "}]}}]}"

Test(autodetect, changed_q_trees_are_removed_and_added)
{
    const char *or_q = "{\"connector\": \"OR\", \"negated\": false, \"children\": [[\"a__gt\", \"0\"], [\"a\", \"-1\"]]}";
    const char *not_q = "{\"connector\": \"AND\", \"negated\": true, \"children\": [[\"a__gt\", \"0\"], [\"a\", \"-1\"]]}";
    const char *leaf = "{\"connector\": \"AND\", \"negated\": false, \"children\": [[\"a__gt\", {\"F\": \"id\"}]]}";
    answers ans = { 0 };
    size_t n;
    /* the same trees: nothing to do */
    detect(state_of(mn_arena_sprintf(A, QITEM("%s", "%s"), or_q, leaf)),
           state_of(mn_arena_sprintf(A, QITEM("%s", "%s"), or_q, leaf)), &ans, &n, MN_OK);
    cr_assert_eq(n, 0);
    /* a lookup and an AND of just that lookup are the same condition */
    const char *and_leaf = "{\"connector\": \"AND\", \"negated\": false, \"children\": [{\"connector\": \"AND\", "
                           "\"negated\": false, \"children\": [[\"a__gt\", {\"F\": \"id\"}]]}]}";
    detect(state_of(mn_arena_sprintf(A, QITEM("%s", "%s"), or_q, leaf)),
           state_of(mn_arena_sprintf(A, QITEM("%s", "%s"), or_q, and_leaf)), &ans, &n, MN_OK);
    cr_assert_eq(n, 0);
    /* OR became NOT, F() became a value: Remove + Add, as Django does */
    mn_mig_op *ops = detect(state_of(mn_arena_sprintf(A, QITEM("%s", "%s"), or_q, leaf)),
                            state_of(mn_arena_sprintf(A, QITEM("%s", "%s"), not_q,
                                                      "{\"connector\": \"AND\", \"negated\": false, \"children\": "
                                                      "[[\"a__gt\", \"id\"]]}")),
                            &ans, &n, MN_OK);
    mn_mig_op_kind want[] = { MN_OP_REMOVE_CONSTRAINT, MN_OP_REMOVE_INDEX, MN_OP_ADD_INDEX, MN_OP_ADD_CONSTRAINT };
    cr_assert_eq(n, 4);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(ops[i].kind, want[i], "operation %zu is %s", i, mn_mig_op_name(ops[i].kind));
    cr_assert_eq(ops[2].index.qc->op, MN_QC_NONE);
    cr_assert_str_eq(ops[3].constraint.qc->value, "id");
    cr_assert_null(ops[3].constraint.qc->f);
}
