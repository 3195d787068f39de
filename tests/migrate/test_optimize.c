/* The migration optimizer (squashmigrations): each of Django's reductions
 * and the cases where an operation must not be moved across another. The
 * expected results are what Django 3.2's MigrationOptimizer gives for the
 * same lists (tests/integration/squash_optimizer_cases.py checks more of
 * them against Django itself). */
#include "mig_test.h"

TestSuite(migrate_optimize, .init = mig_setup, .fini = mig_teardown);

/* The optimized operations of a JSON list of operations, as
 * "Kind:detail" summaries joined by " | ". */
static const char *opt(const char *ops_json)
{
    char *json = mn_arena_sprintf(A, "{\"operations\": [%s]}", ops_json);
    mn_migration *m = mig("shop", "0001_x", json);
    mn_mig_op *out;
    size_t n;
    mn_err err = { 0 };
    cr_assert_eq(mn_mig_optimize(m->ops, m->nops, "shop", A, &out, &n, &err), MN_OK, "%s", err.msg);
    cr_assert_leq(n, m->nops);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    for (size_t i = 0; i < n; i++) {
        const mn_mig_op *op = &out[i];
        mn_buf_printf(&b, "%s%s", i ? " | " : "", mn_mig_op_name(op->kind));
        switch (op->kind) {
        case MN_OP_CREATE_MODEL:
            mn_buf_printf(&b, ":%s(", op->model->name);
            for (size_t k = 0; k < op->model->nfields; k++)
                mn_buf_printf(&b, "%s%s", k ? "," : "", op->model->fields[k].name);
            mn_buf_putc(&b, ')');
            break;
        case MN_OP_ADD_FIELD:
        case MN_OP_ALTER_FIELD:
        case MN_OP_REMOVE_FIELD: mn_buf_printf(&b, ":%s.%s", op->model_name, op->name); break;
        case MN_OP_RENAME_FIELD: mn_buf_printf(&b, ":%s.%s>%s", op->model_name, op->old_name, op->new_name); break;
        case MN_OP_RENAME_MODEL: mn_buf_printf(&b, ":%s>%s", op->old_name, op->new_name); break;
        case MN_OP_ALTER_MODEL_TABLE: mn_buf_printf(&b, ":%s=%s", op->name, op->table ? op->table : "-"); break;
        default: mn_buf_printf(&b, ":%s", op->name ? op->name : op->model_name ? op->model_name : "");
        }
    }
    return mn_buf_cstr(&b);
}

#define ID "{\"name\": \"id\", \"type\": \"BigAutoField\", \"primary_key\": true}"
#define CHAR(n) "{\"name\": \"" n "\", \"type\": \"CharField\", \"max_length\": 20}"
#define CREATE(m, ...) "{\"op\": \"CreateModel\", \"name\": \"" m "\", \"fields\": [" ID "," __VA_ARGS__ "]}"
#define ADD(m, f) "{\"op\": \"AddField\", \"model_name\": \"" m "\", \"name\": \"" f "\", \"field\": {\"type\": \"CharField\", \"max_length\": 20}}"
#define ALTER(m, f, len) "{\"op\": \"AlterField\", \"model_name\": \"" m "\", \"name\": \"" f "\", \"field\": {\"type\": \"CharField\", \"max_length\": " len "}}"
#define REMOVE(m, f) "{\"op\": \"RemoveField\", \"model_name\": \"" m "\", \"name\": \"" f "\"}"
#define RENAMEF(m, a, b) "{\"op\": \"RenameField\", \"model_name\": \"" m "\", \"old_name\": \"" a "\", \"new_name\": \"" b "\"}"
#define RENAMEM(a, b) "{\"op\": \"RenameModel\", \"old_name\": \"" a "\", \"new_name\": \"" b "\"}"
#define DELETE(m) "{\"op\": \"DeleteModel\", \"name\": \"" m "\"}"
#define FK_FOO "{\"name\": \"foo\", \"type\": \"ForeignKey\", \"to\": \"shop.foo\", \"on_delete\": \"CASCADE\"}"
#define ADD_FK(m) "{\"op\": \"AddField\", \"model_name\": \"" m "\", \"name\": \"foo\", \"field\": {\"type\": \"ForeignKey\", \"to\": \"shop.foo\"}}"

Test(migrate_optimize, create_model_reductions)
{
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," DELETE("Foo")), "");
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," DELETE("foo")), "", "model names are case-blind");
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," ADD("Foo", "b")), "CreateModel:Foo(id,a,b)");
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," REMOVE("Foo", "a")), "CreateModel:Foo(id)");
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," RENAMEF("Foo", "a", "c")), "CreateModel:Foo(id,c)");
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," RENAMEM("Foo", "Bar")), "CreateModel:Bar(id,a)");
    /* AlterModelTable is not folded by Django 3.2. */
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) ",{\"op\": \"AlterModelTable\", \"name\": \"Foo\", \"table\": \"t\"}"),
                     "CreateModel:Foo(id,a) | AlterModelTable:Foo=t");
}

Test(migrate_optimize, create_model_absorbs_alterations)
{
    mn_migration *m = mig("shop", "0001_x",
                          "{\"operations\": [" CREATE("Foo", CHAR("a") "," CHAR("b"))
                          ",{\"op\": \"AlterUniqueTogether\", \"name\": \"Foo\", \"unique_together\": [[\"a\", \"b\"]]}"
                          ",{\"op\": \"AlterModelOptions\", \"name\": \"Foo\", \"options\": {\"ordering\": [\"-a\"]}}"
                          "," ALTER("Foo", "a", "50") "," RENAMEF("Foo", "a", "c") "]}");
    mn_mig_op *out;
    size_t n;
    mn_err err = { 0 };
    cr_assert_eq(mn_mig_optimize(m->ops, m->nops, "shop", A, &out, &n, &err), MN_OK);
    cr_assert_eq(n, 1);
    const mn_mig_model *md = out[0].model;
    cr_assert_str_eq(md->fields[1].name, "c");
    cr_assert_eq(md->fields[1].max_length, 50, "AlterField folded");
    cr_assert_str_eq(md->unique_together[0][0], "c", "unique_together follows the rename");
    cr_assert_str_eq(md->unique_together[0][1], "b");
    cr_assert_str_eq(md->ordering[0], "-c", "ordering follows the rename");
    cr_assert_eq(m->ops[0].model->fields[1].max_length, 20, "the input is not modified");
    cr_assert_str_eq(m->ops[0].model->fields[1].name, "a");
    /* RemoveField takes the field out of unique_together; an emptied set goes. */
    m = mig("shop", "0001_x",
            "{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Foo\", \"fields\": [" ID "," CHAR("a") "," CHAR("b")
            "], \"options\": {\"unique_together\": [[\"a\", \"b\"], [\"a\"]]}}," REMOVE("Foo", "a") "]}");
    cr_assert_eq(mn_mig_optimize(m->ops, m->nops, "shop", A, &out, &n, &err), MN_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(out[0].model->unique_together[0][0], "b");
    cr_assert_null(out[0].model->unique_together[0][1]);
    cr_assert_null(out[0].model->unique_together[1]);
    /* A one-off default (preserve_default false) is not kept in a new table. */
    m = mig("shop", "0001_x",
            "{\"operations\": [" CREATE("Foo", CHAR("a")) ",{\"op\": \"AddField\", \"model_name\": \"Foo\", \"name\": "
            "\"s\", \"field\": {\"type\": \"SlugField\", \"default\": \"x\"}, \"preserve_default\": false}]}");
    cr_assert_eq(mn_mig_optimize(m->ops, m->nops, "shop", A, &out, &n, &err), MN_OK);
    cr_assert_eq(n, 1);
    cr_assert_null(out[0].model->fields[2].default_value);
}

Test(migrate_optimize, field_reductions)
{
    cr_assert_str_eq(opt(ADD("Foo", "b") "," ALTER("Foo", "b", "40")), "AddField:Foo.b");
    cr_assert_str_eq(opt(ADD("Foo", "b") "," REMOVE("Foo", "b")), "");
    cr_assert_str_eq(opt(ADD("Foo", "b") "," RENAMEF("Foo", "b", "c")), "AddField:Foo.c");
    cr_assert_str_eq(opt(ALTER("Foo", "b", "30") "," REMOVE("Foo", "b")), "RemoveField:Foo.b");
    cr_assert_str_eq(opt(ALTER("Foo", "b", "30") "," RENAMEF("Foo", "b", "c")), "RenameField:Foo.b>c | AlterField:Foo.c");
    /* Django 3.2 keeps both AlterFields. */
    cr_assert_str_eq(opt(ALTER("Foo", "b", "30") "," ALTER("Foo", "b", "40")), "AlterField:Foo.b | AlterField:Foo.b");
    cr_assert_str_eq(opt(RENAMEF("Foo", "a", "b") "," RENAMEF("Foo", "b", "c")), "RenameField:Foo.a>c");
    cr_assert_str_eq(opt(REMOVE("Foo", "a") "," DELETE("Foo")), "DeleteModel:Foo");
    mn_migration *m = mig("shop", "0001_x", "{\"operations\": [" ADD("Foo", "b") "," ALTER("Foo", "b", "40") "]}");
    mn_mig_op *out;
    size_t n;
    mn_err err = { 0 };
    cr_assert_eq(mn_mig_optimize(m->ops, m->nops, "shop", A, &out, &n, &err), MN_OK);
    cr_assert_eq(out[0].field.max_length, 40, "the AddField has the altered field");
}

Test(migrate_optimize, model_option_reductions)
{
    cr_assert_str_eq(opt(RENAMEM("Foo", "Bar") "," RENAMEM("Bar", "Baz")), "RenameModel:Foo>Baz");
    cr_assert_str_eq(opt("{\"op\": \"AlterModelTable\", \"name\": \"Foo\", \"table\": \"t1\"},"
                         "{\"op\": \"AlterModelTable\", \"name\": \"Foo\", \"table\": \"t2\"}"),
                     "AlterModelTable:Foo=t2");
    cr_assert_str_eq(opt("{\"op\": \"AlterUniqueTogether\", \"name\": \"Foo\", \"unique_together\": [[\"a\"]]},"
                         "{\"op\": \"AlterUniqueTogether\", \"name\": \"Foo\", \"unique_together\": []}"),
                     "AlterUniqueTogether:Foo");
    cr_assert_str_eq(opt("{\"op\": \"AlterModelOptions\", \"name\": \"Foo\", \"options\": {}}," DELETE("Foo")),
                     "DeleteModel:Foo");
}

Test(migrate_optimize, through_and_not_through)
{
    /* Right reduction across an unrelated model. */
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," CREATE("Bar", CHAR("z")) "," ADD("Foo", "b")),
                     "CreateModel:Bar(id,z) | CreateModel:Foo(id,a,b)");
    /* A model with a foreign key to Foo blocks Foo's deletion. */
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," CREATE("Bar", FK_FOO) "," DELETE("Foo")),
                     "CreateModel:Foo(id,a) | CreateModel:Bar(id,foo) | DeleteModel:Foo");
    /* RunSQL, RunC, indexes block; elidable ones disappear. */
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) ",{\"op\": \"RunSQL\", \"sql\": \"SELECT 1\"}," ADD("Foo", "b")),
                     "CreateModel:Foo(id,a) | RunSQL: | AddField:Foo.b");
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) ",{\"op\": \"RunC\", \"code\": \"x.y\"}," ADD("Foo", "b")),
                     "CreateModel:Foo(id,a) | RunC: | AddField:Foo.b");
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) ",{\"op\": \"RunSQL\", \"sql\": \"SELECT 1\", \"elidable\": true},"
                         ADD("Foo", "b")),
                     "CreateModel:Foo(id,a,b)");
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) ",{\"op\": \"AddIndex\", \"model_name\": \"Bar\", \"index\": "
                         "{\"name\": \"i\", \"fields\": [\"z\"]}}," ADD("Foo", "b")),
                     "CreateModel:Foo(id,a) | AddIndex:Bar | AddField:Foo.b");
    /* A left reduction: the foreign key to Foo cannot go before Foo's
     * creation, but the AddField can come back into it. */
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," ADD_FK("Bar") "," ADD("Foo", "z")),
                     "CreateModel:Foo(id,a,z) | AddField:Bar.foo");
    cr_assert_str_eq(opt(ADD("Foo", "x") "," ADD_FK("Bar") "," REMOVE("Foo", "x")), "AddField:Bar.foo");
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," DELETE("Bar") "," ADD("Foo", "b")),
                     "CreateModel:Foo(id,a,b) | DeleteModel:Bar");
    /* unique_together naming the field blocks. */
    cr_assert_str_eq(opt(ADD("Foo", "x") ",{\"op\": \"AlterUniqueTogether\", \"name\": \"Foo\", \"unique_together\": "
                         "[[\"x\", \"y\"]]}," REMOVE("Foo", "x")),
                     "AddField:Foo.x | AlterUniqueTogether:Foo | RemoveField:Foo.x");
    /* An index of the CreateModel naming a removed field: not folded. */
    cr_assert_str_eq(opt("{\"op\": \"CreateModel\", \"name\": \"Foo\", \"fields\": [" ID "," CHAR("a")
                         "], \"options\": {\"indexes\": [{\"name\": \"i\", \"fields\": [\"a\"]}]}}," REMOVE("Foo", "a")),
                     "CreateModel:Foo(id,a) | RemoveField:Foo.a");
}

Test(migrate_optimize, many_passes_and_edges)
{
    cr_assert_str_eq(opt(CREATE("Foo", CHAR("a")) "," ADD("Foo", "b") "," ADD("Foo", "c") "," REMOVE("Foo", "a") ","
                         RENAMEF("Foo", "c", "d")),
                     "CreateModel:Foo(id,b,d)");
    cr_assert_str_eq(opt(""), "");
    cr_assert_str_eq(opt(ADD("Foo", "a")), "AddField:Foo.a");
    mn_mig_op *out;
    size_t n;
    mn_err err = { 0 };
    cr_assert_eq(mn_mig_optimize(NULL, 0, NULL, A, &out, &n, &err), MN_EINVAL);
}
