/* Migrations: the JSON file format, parsing (strict, with clear errors)
 * and writing (readable, round-trips). */
#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

static mn_arena *A;
static void setup(void) { A = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(A); }
TestSuite(migfile, .init = setup, .fini = teardown);

static const char *FULL =
    "{\n"
    "  \"initial\": true,\n"
    "  \"dependencies\": [[\"auth\", \"0001_initial\"]],\n"
    "  \"operations\": [\n"
    "    {\"op\": \"CreateModel\", \"name\": \"Product\", \"fields\": [\n"
    "      {\"name\": \"id\", \"type\": \"BigAutoField\", \"primary_key\": true},\n"
    "      {\"name\": \"name\", \"type\": \"CharField\", \"max_length\": 200, \"verbose_name\": \"Name\"},\n"
    "      {\"name\": \"slug\", \"type\": \"SlugField\", \"unique\": true},\n"
    "      {\"name\": \"price\", \"type\": \"DecimalField\", \"max_digits\": 10, \"decimal_places\": 2, \"default\": \"0\"},\n"
    "      {\"name\": \"owner\", \"type\": \"ForeignKey\", \"to\": \"auth.User\", \"on_delete\": \"SET_NULL\", \"null\": true},\n"
    "      {\"name\": \"status\", \"type\": \"CharField\", \"max_length\": 10, \"choices\": [[\"d\", \"Draft\"], [\"p\", \"Published\"]]},\n"
    "      {\"name\": \"stock\", \"type\": \"IntegerField\", \"default\": 3, \"db_index\": true}\n"
    "    ], \"options\": {\"ordering\": [\"-price\", \"name\"], \"verbose_name\": \"product\", \"db_table\": \"shop_items\",\n"
    "       \"unique_together\": [[\"name\", \"owner\"]],\n"
    "       \"indexes\": [{\"name\": \"price_idx\", \"fields\": [\"-price\"], \"q\": [[\"stock__gt\", \"0\"]]}],\n"
    "       \"constraints\": [{\"type\": \"check\", \"name\": \"price_pos\", \"check\": \"price >= 0\"},\n"
    "                         {\"type\": \"unique\", \"name\": \"one_name\", \"fields\": [\"name\"], \"condition\": \"stock > 0\"}]}},\n"
    "    {\"op\": \"AddField\", \"model_name\": \"product\", \"name\": \"note\", \"field\": {\"type\": \"TextField\", \"default\": \"\"}, \"preserve_default\": false},\n"
    "    {\"op\": \"RenameField\", \"model_name\": \"product\", \"old_name\": \"note\", \"new_name\": \"notes\"},\n"
    "    {\"op\": \"AlterModelTable\", \"name\": \"product\", \"table\": null},\n"
    "    {\"op\": \"AlterModelOptions\", \"name\": \"product\", \"options\": {\"ordering\": [\"name\"]}},\n"
    "    {\"op\": \"AlterUniqueTogether\", \"name\": \"product\", \"unique_together\": []},\n"
    "    {\"op\": \"RunSQL\", \"sql\": [\"UPDATE x SET y = 1\", \"UPDATE x SET z = 2\"], \"reverse_sql\": \"\"},\n"
    "    {\"op\": \"RunC\", \"code\": \"shop.fill\"}\n"
    "  ]\n"
    "}\n";

Test(migfile, parses_every_part)
{
    mn_err err = { 0 };
    mn_migration *m;
    cr_assert_eq(mn_migration_parse(A, "shop", "0001_initial", "shop/migrations/0001_initial.json", mn_str_from(FULL),
                                    &m, &err),
                 MN_OK, "%s", err.msg);
    cr_assert(m->initial);
    cr_assert(m->atomic);
    cr_assert_eq(m->ndeps, 1);
    cr_assert_str_eq(m->deps[0].app, "auth");
    cr_assert_eq(m->nops, 8);
    const mn_mig_model *p = m->ops[0].model;
    cr_assert_eq(m->ops[0].kind, MN_OP_CREATE_MODEL);
    cr_assert_eq(p->nfields, 7);
    cr_assert_eq(p->fields[0].kind, MN_KIND_BIGAUTO);
    cr_assert(p->fields[0].primary_key);
    cr_assert_eq(p->fields[2].max_length, 50, "a SlugField's default max_length");
    cr_assert_not(p->fields[2].db_index, "unique fields need no extra index");
    cr_assert_str_eq(p->fields[4].to, "auth.user", "references are lowercased");
    cr_assert_eq(p->fields[4].on_delete, MN_SET_NULL);
    cr_assert(p->fields[4].db_index, "a ForeignKey is indexed by default");
    cr_assert_str_eq(p->fields[5].choices[1].label, "Published");
    cr_assert_str_eq(p->fields[6].default_value, "3", "an integer default is kept as text");
    cr_assert_str_eq(p->ordering[0], "-price");
    cr_assert_str_eq(p->db_table, "shop_items");
    cr_assert_str_eq(p->unique_together[0][1], "owner");
    cr_assert_eq(p->nindexes, 1);
    cr_assert_str_eq(p->indexes[0].q[0].lookup, "stock__gt");
    cr_assert_eq(p->nconstraints, 2);
    cr_assert_eq(p->constraints[1].kind, MN_CONSTRAINT_UNIQUE);
    cr_assert_not(m->ops[1].preserve_default);
    cr_assert_str_eq(m->ops[1].field.default_value, "");
    cr_assert_null(m->ops[3].table);
    cr_assert_null(m->ops[5].unique_together);
    cr_assert_str_eq(m->ops[6].sql[1], "UPDATE x SET z = 2");
    cr_assert_not_null(m->ops[6].reverse_sql, "an empty reverse is reversible");
    cr_assert_null(m->ops[6].reverse_sql[0]);
    cr_assert_str_eq(m->ops[7].code, "shop.fill");
    cr_assert_null(m->ops[7].reverse_code);
}

Test(migfile, round_trips_through_the_writer)
{
    mn_err err = { 0 };
    mn_migration *m, *m2;
    cr_assert_eq(mn_migration_parse(A, "shop", "0001_initial", NULL, mn_str_from(FULL), &m, &err), MN_OK, "%s", err.msg);
    mn_str text = mn_migration_write(A, m, &err);
    cr_assert_not_null(text.ptr, "%s", err.msg);
    cr_assert_eq(mn_migration_parse(A, "shop", "0001_initial", NULL, text, &m2, &err), MN_OK, "%s\n%s", err.msg,
                 text.ptr);
    mn_str again = mn_migration_write(A, m2, &err);
    cr_assert(mn_str_eq(text, again), "%s\n---\n%s", text.ptr, again.ptr);
    /* One field per line, operations spread over lines. */
    cr_assert(strstr(text.ptr, "\n        {\"name\": \"id\", \"type\": \"BigAutoField\", \"primary_key\": true},\n"),
              "%s", text.ptr);
    cr_assert(strstr(text.ptr, "\n      \"op\": \"RunC\",\n"), "%s", text.ptr);
    cr_assert_eq(text.ptr[text.len - 1], '\n');
}

static void expect_error(const char *text, const char *needle)
{
    mn_err err = { 0 };
    mn_migration *m = (void *)1;
    int rc = mn_migration_parse(A, "shop", "0002_x", "shop/migrations/0002_x.json", mn_str_from(text), &m, &err);
    cr_assert_neq(rc, MN_OK, "accepted: %s", text);
    cr_assert_null(m);
    cr_assert(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);
    cr_assert(strstr(err.msg, "shop/migrations/0002_x.json"), "message '%s' names no file", err.msg);
}

Test(migfile, clear_errors)
{
    expect_error("{", "JSON parse error");
    expect_error("[]", "a migration is a JSON object");
    expect_error("{\"operations\": [], \"dependancies\": []}", "unknown key 'dependancies'");
    expect_error("{\"operations\": {}}", "'operations' must be a list");
    expect_error("{\"operations\": [], \"dependencies\": [[\"a\"]]}", "dependency 1: expected [\"app\", \"migration name\"]");
    expect_error("{\"operations\": [1]}", "operation 1 (?): an operation must be an object");
    expect_error("{\"operations\": [{\"op\": \"DropEverything\"}]}", "operation 1 (DropEverything): unknown operation");
    expect_error("{\"operations\": [{\"op\": \"DeleteModel\", \"name\": \"A\"}, {\"op\": \"AddField\", \"model_name\": "
                 "\"a\", \"name\": \"b\", \"field\": 3}]}",
                 "operation 2 (AddField): 'field' must be an object");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"b\", \"field\": "
                 "{\"type\": \"CharField\"}}]}",
                 "a CharField needs 'max_length'");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"b\", \"field\": "
                 "{\"type\": \"StringField\"}}]}",
                 "unknown type 'StringField'");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"b\", \"field\": "
                 "{\"type\": \"IntegerField\", \"nul\": true}}]}",
                 "field: unknown key 'nul'");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"b\", \"field\": "
                 "{\"type\": \"ForeignKey\", \"to\": \"x.y\", \"on_delete\": \"EXPLODE\"}}]}",
                 "unknown on_delete 'EXPLODE'");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"b\", \"field\": "
                 "{\"type\": \"ForeignKey\", \"to\": \"nodot\"}}]}",
                 "'to' must be \"app.model\"");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"b c\", \"field\": "
                 "{\"type\": \"IntegerField\"}}]}",
                 "'name' must be a name");
    expect_error("{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"A\", \"fields\": [{\"name\": \"x\", "
                 "\"type\": \"IntegerField\"}]}]}",
                 "needs exactly one primary key");
    expect_error("{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"A\", \"fields\": [{\"name\": \"id\", "
                 "\"type\": \"AutoField\", \"primary_key\": true}, {\"name\": \"id\", \"type\": \"IntegerField\"}]}]}",
                 "field 'id' is declared twice");
    expect_error("{\"operations\": [{\"op\": \"AddIndex\", \"model_name\": \"a\", \"index\": {\"name\": \"i\", "
                 "\"fields\": []}}]}",
                 "'fields' must not be empty");
    expect_error("{\"operations\": [{\"op\": \"AddConstraint\", \"model_name\": \"a\", \"constraint\": {\"type\": "
                 "\"check\", \"name\": \"c\"}}]}",
                 "needs 'check' (SQL) or 'q' (lookups)");
    expect_error("{\"operations\": [{\"op\": \"AddConstraint\", \"model_name\": \"a\", \"constraint\": {\"type\": "
                 "\"exclusion\", \"name\": \"c\"}}]}",
                 "unknown type 'exclusion'");
    expect_error("{\"operations\": [{\"op\": \"RunSQL\"}]}", "'sql' is required");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"t\", \"field\": "
                 "{\"type\": \"ManyToManyField\", \"to\": \"x.y\", \"null\": true}}]}",
                 "ManyToManyField: unknown key 'null'");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"t\", \"field\": "
                 "{\"type\": \"ManyToManyField\", \"to\": \"x.y\", \"through\": \"x.z\", \"db_table\": \"t\"}}]}",
                 "'db_table' is for the automatic through table");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"t\", \"field\": "
                 "{\"type\": \"IntegerField\", \"through\": \"x.z\"}}]}",
                 "'through' and 'db_table' belong to a ManyToManyField");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"t\", \"field\": "
                 "{\"type\": \"ForeignKey\", \"to\": \"x.y\", \"on_delete_value\": \"1\"}}]}",
                 "'on_delete_value' goes with on_delete SET");
    expect_error("{\"operations\": [{\"op\": \"RunSQL\", \"sql\": 5}]}", "'sql' must be a string or a list");
    expect_error("{\"operations\": [{\"op\": \"RunC\", \"code\": \"\"}]}", "'code' must be a non-empty string");
    expect_error("{\"operations\": [{\"op\": \"AlterModelTable\", \"name\": \"a\"}]}", "'table' is required");
    expect_error("{\"operations\": [{\"op\": \"AlterModelOptions\", \"name\": \"a\", \"options\": {\"db_table\": "
                 "\"x\"}}]}",
                 "options: unknown key 'db_table'");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"id\", \"field\": "
                 "{\"type\": \"AutoField\", \"primary_key\": true}}]}",
                 "a primary key cannot be added");
    expect_error("{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"a\", \"name\": \"d\", \"field\": "
                 "{\"type\": \"DecimalField\", \"max_digits\": 2, \"decimal_places\": 5}}]}",
                 "a DecimalField needs");
}

Test(migfile, names_and_descriptions)
{
    mn_mig_op add = { .kind = MN_OP_ADD_FIELD, .model_name = "product", .name = "slug" };
    mn_mig_op rm = { .kind = MN_OP_REMOVE_FIELD, .model_name = "product", .name = "X" };
    mn_mig_model pm = { .name = "Product" }, cm = { .name = "Category" };
    mn_mig_op cp = { .kind = MN_OP_CREATE_MODEL, .name = "Product", .model = &pm };
    mn_mig_op cc = { .kind = MN_OP_CREATE_MODEL, .name = "Category", .model = &cm };
    mn_mig_op sql = { .kind = MN_OP_RUN_SQL };
    cr_assert_str_eq(mn_mig_op_fragment(&add, A), "product_slug");
    cr_assert_str_eq(mn_mig_op_fragment(&rm, A), "remove_product_x");
    cr_assert_null(mn_mig_op_fragment(&sql, A));
    cr_assert_str_eq(mn_mig_op_describe(&add, A), "Add field slug to product");
    cr_assert_str_eq(mn_mig_op_describe(&cp, A), "Create model Product");
    cr_assert_str_eq(mn_mig_op_describe(&sql, A), "Raw SQL operation");
    mn_migration m = { .ops = (mn_mig_op[]){ add }, .nops = 1 };
    cr_assert_str_eq(mn_migration_suggest_name(&m, A), "product_slug");
    m.initial = true;
    cr_assert_str_eq(mn_migration_suggest_name(&m, A), "initial");
    mn_migration two = { .ops = (mn_mig_op[]){ cp, cc }, .nops = 2 };
    cr_assert_str_eq(mn_migration_suggest_name(&two, A), "category_product", "sorted, as Django does");
    mn_migration mixed = { .ops = (mn_mig_op[]){ add, rm }, .nops = 2 };
    const char *auto_name = mn_migration_suggest_name(&mixed, A);
    cr_assert(!strncmp(auto_name, "auto_", 5) && strlen(auto_name) == 18, "%s", auto_name);
    mn_migration empty = { 0 };
    cr_assert(!strncmp(mn_migration_suggest_name(&empty, A), "auto_", 5));
}

Test(migfile, relation_fields_round_trip)
{
    const char *text = "{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Profile\", \"fields\": ["
                       "{\"name\": \"id\", \"type\": \"AutoField\", \"primary_key\": true},"
                       "{\"name\": \"user\", \"type\": \"OneToOneField\", \"to\": \"auth.User\", \"on_delete\": \"SET\", "
                       "\"on_delete_value\": \"1\", \"related_name\": \"profile\"},"
                       "{\"name\": \"boss\", \"type\": \"ForeignKey\", \"to\": \"auth.user\", \"on_delete\": \"RESTRICT\", "
                       "\"related_name\": \"+\", \"null\": true},"
                       "{\"name\": \"tags\", \"type\": \"ManyToManyField\", \"to\": \"shop.Tag\", \"related_name\": \"profiles\", "
                       "\"blank\": true},"
                       "{\"name\": \"groups\", \"type\": \"ManyToManyField\", \"to\": \"auth.group\", \"through\": "
                       "\"shop.Membership\"}]}]}";
    mn_err err = { 0 };
    mn_migration *m, *m2;
    cr_assert_eq(mn_migration_parse(A, "shop", "0001_initial", NULL, mn_str_from(text), &m, &err), MN_OK, "%s", err.msg);
    const mn_mig_model *p = m->ops[0].model;
    cr_assert(p->fields[1].one_to_one);
    cr_assert(p->fields[1].unique, "OneToOneField implies unique");
    cr_assert_eq(p->fields[1].on_delete, MN_SET);
    cr_assert_str_eq(p->fields[1].on_delete_value, "1");
    cr_assert_eq(p->fields[2].on_delete, MN_RESTRICT);
    cr_assert_eq(p->fields[3].kind, MN_MIG_KIND_M2M);
    cr_assert_str_eq(p->fields[3].to, "shop.tag");
    cr_assert_str_eq(p->fields[4].through, "shop.membership");
    mn_str out = mn_migration_write(A, m, &err);
    cr_assert_not_null(out.ptr, "%s", err.msg);
    cr_assert(strstr(out.ptr, "{\"name\": \"user\", \"type\": \"OneToOneField\", \"to\": \"auth.user\", \"on_delete\": "
                              "\"SET\", \"on_delete_value\": \"1\", \"related_name\": \"profile\"}"),
              "%s", out.ptr);
    cr_assert_eq(mn_migration_parse(A, "shop", "0001_initial", NULL, out, &m2, &err), MN_OK, "%s", err.msg);
    for (size_t i = 0; i < p->nfields; i++)
        cr_assert(mn_mig_field_equal(&p->fields[i], &m2->ops[0].model->fields[i]), "field %zu", i);
}

#define QIX(q) "{\"operations\": [{\"op\": \"AddIndex\", \"model_name\": \"a\", \"index\": {\"name\": \"i\", " \
               "\"fields\": [\"x\"], \"q\": " q "}}]}"

static mn_migration *parsed(const char *text)
{
    mn_err err = { 0 };
    mn_migration *m = NULL;
    cr_assert_eq(mn_migration_parse(A, "shop", "0002", NULL, mn_str_from(text), &m, &err), MN_OK, "%s\n%s", err.msg,
                 text);
    return m;
}

Test(migfile, q_trees_parse_strictly)
{
    mn_migration *m = parsed(
                          QIX("{\"connector\": \"OR\", \"negated\": true, \"children\": [[\"x__gt\", \"0\"], "
                              "[\"x\", null], {\"connector\": \"AND\", \"negated\": false, \"children\": "
                              "[[\"x__lte\", {\"F\": \"y\"}]]}]}"));
    const mn_qc *t = m->ops[0].index.qc;
    cr_assert_not_null(t);
    cr_assert_null(m->ops[0].index.q);
    cr_assert_eq(t->op, MN_QC_NONE, "~(a | b) is NOT of an OR");
    cr_assert_eq(t->args[0]->op, MN_QC_ANY);
    cr_assert_null(t->args[1]);
    const mn_qc *const *k = t->args[0]->args;
    cr_assert_str_eq(k[0]->lookup, "x__gt");
    cr_assert_str_eq(k[0]->value, "0");
    cr_assert_null(k[1]->value);
    cr_assert_null(k[1]->f);
    cr_assert_eq(k[2]->op, MN_QC_LOOKUP, "a plain AND of one child is the child");
    cr_assert_str_eq(k[2]->f, "y");
    cr_assert_null(k[3]);
    mn_err err = { 0 };
    mn_str text = mn_migration_write(A, m, &err);
    cr_assert_not_null(text.ptr, "%s", err.msg);
    mn_migration *back = parsed(text.ptr);
    cr_assert_str_eq(mn_migration_write(A, back, &err).ptr, text.ptr);

    expect_error(QIX("{\"connector\": \"XOR\", \"negated\": false, \"children\": [[\"x\", \"1\"]]}"),
                 "'connector' must be \"AND\" or \"OR\"");
    expect_error(QIX("{\"connector\": \"AND\", \"negated\": 0, \"children\": [[\"x\", \"1\"]]}"),
                 "'negated' must be true or false");
    expect_error(QIX("{\"connector\": \"AND\", \"negated\": false, \"children\": []}"),
                 "'children' must be a non-empty list");
    expect_error(QIX("{\"connector\": \"AND\", \"negated\": false}"), "'children' must be a non-empty list");
    expect_error(QIX("{\"connector\": \"AND\", \"negated\": false, \"children\": [[\"x\", \"1\"]], \"_negated\": 1}"),
                 "q: unknown key '_negated'");
    expect_error(QIX("{\"connector\": \"AND\", \"negated\": false, \"children\": [[\"x\"]]}"),
                 "a child must be a Q object or a [lookup, value] pair");
    expect_error(QIX("{\"connector\": \"AND\", \"negated\": false, \"children\": [[\"x\", 5]]}"),
                 "the value must be a string, null or {\"F\": \"field\"}");
    expect_error(QIX("{\"connector\": \"AND\", \"negated\": false, \"children\": [[\"x\", {\"F\": \"a b\"}]]}"),
                 "a field reference is {\"F\": \"field_name\"}");
    expect_error(QIX("{\"connector\": \"AND\", \"negated\": false, \"children\": [[\"x\", {\"G\": \"y\"}]]}"),
                 "a field reference is {\"F\": \"field_name\"}");
    expect_error("{\"operations\": [{\"op\": \"AddIndex\", \"model_name\": \"a\", \"index\": {\"name\": \"i\", "
                 "\"fields\": [\"x\"], \"condition\": \"x > 0\", \"q\": {\"connector\": \"AND\", \"negated\": false, "
                 "\"children\": [[\"x\", \"1\"]]}}}]}",
                 "give 'condition' or 'q', not both");
    /* deep nesting is refused (by the JSON reader first), not recursed into */
    mn_buf b;
    mn_buf_init(&b, A, 0);
    for (int i = 0; i < 40; i++)
        mn_buf_puts(&b, "{\"connector\": \"OR\", \"negated\": false, \"children\": [");
    mn_buf_puts(&b, "[\"x\", \"1\"]");
    for (int i = 0; i < 40; i++)
        mn_buf_puts(&b, "]}");
    expect_error(mn_arena_sprintf(A, QIX("%s"), mn_buf_cstr(&b)), "deeper than 32 levels");
}

static mn_migration *mig(const char *app, const char *name, const char *json)
{
    mn_err err = { 0 };
    mn_migration *m = NULL;
    cr_assert_eq(mn_migration_parse(A, app, name, name, mn_str_from(json), &m, &err), MN_OK, "%s", err.msg);
    return m;
}

Test(migfile, replaces_and_elidable)
{
    mn_migration *m = mig("shop", "0001_squashed_0003_x",
                          "{\"replaces\": [[\"shop\", \"0001_initial\"], [\"shop\", \"0002_a\"]], \"initial\": true,"
                          " \"dependencies\": [[\"auth\", \"0001_initial\"]], \"operations\": ["
                          "{\"op\": \"RunSQL\", \"sql\": \"SELECT 1\", \"elidable\": true},"
                          "{\"op\": \"RunC\", \"code\": \"shop.f\", \"elidable\": false}]}");
    cr_assert_eq(m->nreplaces, 2);
    cr_assert_str_eq(m->replaces[1].app, "shop");
    cr_assert_str_eq(m->replaces[1].name, "0002_a");
    cr_assert(m->ops[0].elidable);
    cr_assert_not(m->ops[1].elidable);
    mn_err err = { 0 };
    mn_str text = mn_migration_write(A, m, &err);
    cr_assert_not_null(text.ptr, "%s", err.msg);
    cr_assert(strstr(text.ptr, "{\n  \"replaces\": [\n    [\"shop\", \"0001_initial\"],\n    [\"shop\", \"0002_a\"]\n  ],"),
              "%s", text.ptr);
    const char *el = strstr(text.ptr, "\"elidable\": true");
    cr_assert(el && !strstr(el + 1, "\"elidable\""), "one elidable written: %s", text.ptr);
    mn_migration *back = mig("shop", "0001_squashed_0003_x", text.ptr);
    cr_assert_eq(back->nreplaces, 2);
    cr_assert(back->ops[0].elidable);
    cr_assert_not(back->ops[1].elidable);
    /* An ordinary migration writes no "replaces". */
    m = mig("shop", "0002_b", "{\"operations\": []}");
    cr_assert_eq(m->nreplaces, 0);
    text = mn_migration_write(A, m, &err);
    cr_assert_null(strstr(text.ptr, "replaces"));
    expect_error("{\"operations\": [], \"replaces\": {}}", "'replaces' must be a list of [app, name] pairs");
    expect_error("{\"operations\": [], \"replaces\": [[\"shop\"]]}",
                 "replaced migration 1: expected [\"app\", \"migration name\"]");
    expect_error("{\"operations\": [], \"replaces\": [[\"shop\", \"0001_a\"], [\"shop\", 2]]}",
                 "replaced migration 2: expected [\"app\", \"migration name\"]");
    expect_error("{\"operations\": [{\"op\": \"RunSQL\", \"sql\": \"x\", \"elidable\": 1}]}",
                 "'elidable' must be true or false");
    expect_error("{\"operations\": [{\"op\": \"AddIndex\", \"model_name\": \"a\", \"elidable\": true}]}",
                 "unknown key 'elidable'");
    expect_error("{\"operations\": [], \"replaces\": [[\"shop\", \"0002_x\"]]}", "a migration cannot replace itself");
}
