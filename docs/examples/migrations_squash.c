/* Squashing migrations as a library, as in docs/migrations.md: the
 * optimizer folds two migrations' operations into one CreateModel, the
 * writer gives the squashed file with "replaces", and the loader uses it or
 * the old migrations depending on what a database has applied. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "manouche.h"

static const char *m0001 =
    "{\"initial\": true, \"operations\": [{\"op\": \"CreateModel\", \"name\": \"Product\", \"fields\": ["
    "{\"name\": \"id\", \"type\": \"BigAutoField\", \"primary_key\": true},"
    "{\"name\": \"name\", \"type\": \"CharField\", \"max_length\": 200}]}]}";
static const char *m0002 =
    "{\"dependencies\": [[\"products\", \"0001_initial\"]], \"operations\": [{\"op\": \"AddField\", \"model_name\": "
    "\"product\", \"name\": \"slug\", \"field\": {\"type\": \"SlugField\", \"default\": \"\"}}]}";

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    FILE *f = fopen(path, "w");
    assert(f);
    fputs(text, f);
    fclose(f);
}

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    mn_migration *first, *second;
    assert(mn_migration_parse(a, "products", "0001_initial", NULL, mn_str_from(m0001), &first, &err) == MN_OK);
    assert(mn_migration_parse(a, "products", "0002_product_slug", NULL, mn_str_from(m0002), &second, &err) == MN_OK);

    /* squashmigrations products 0002: both migrations' operations,
     * optimized as Django's MigrationOptimizer does. */
    mn_mig_op ops[2] = { first->ops[0], second->ops[0] };
    mn_mig_op *out;
    size_t n;
    assert(mn_mig_optimize(ops, 2, "products", a, &out, &n, &err) == MN_OK);
    assert(n == 1 && out[0].kind == MN_OP_CREATE_MODEL && out[0].model->nfields == 3);

    mn_mig_key replaced[] = { { "products", "0001_initial" }, { "products", "0002_product_slug" } };
    mn_migration squash = { .app = "products", .name = "0001_squashed_0002_product_slug", .initial = true,
                            .atomic = true, .ops = out, .nops = n, .replaces = replaced, .nreplaces = 2 };
    mn_str text = mn_migration_write(a, &squash, &err);
    assert(text.ptr);
    printf("products/migrations/0001_squashed_0002_product_slug.json:\n%s", text.ptr);
    assert(strstr(text.ptr, "\"replaces\": [\n    [\"products\", \"0001_initial\"],"));

    /* The three files side by side, as after the squash. */
    char dir[] = "/tmp/mn-squash-example-XXXXXX";
    assert(mkdtemp(dir));
    write_text(dir, "0001_initial", m0001);
    write_text(dir, "0002_product_slug", m0002);
    write_text(dir, "0001_squashed_0002_product_slug", text.ptr);
    const char *apps[] = { "products" }, *dirs[] = { dir };

    /* A new database (nothing applied): the squash stands for both. */
    mn_mig_graph *g;
    assert(mn_mig_graph_load_applied(apps, dirs, 1, NULL, 0, a, &g, &err) == MN_OK);
    assert(g->n == 1 && !strcmp(g->nodes[0]->name, "0001_squashed_0002_product_slug"));

    /* A database that applied only 0001: the old path, the squash is out. */
    mn_map *applied = mn_map_new(a, 4);
    mn_map_set_cstr(applied, "products.0001_initial", mn_value_cstr("2024-01-05 10:30:00"));
    assert(mn_mig_graph_load_applied(apps, dirs, 1, applied, 0, a, &g, &err) == MN_OK);
    assert(g->n == 2 && mn_mig_graph_find(g, "products", "0001_squashed_0002_product_slug") == -1);

    /* A database that applied both: the squash counts as applied. */
    mn_map_set_cstr(applied, "products.0002_product_slug", mn_value_cstr("2024-01-06 09:00:00"));
    assert(mn_mig_graph_load_applied(apps, dirs, 1, applied, 0, a, &g, &err) == MN_OK);
    assert(g->n == 1 && mn_map_has(applied, mn_str_from("products.0001_squashed_0002_product_slug")));
    printf("squash used: %s (applied)\n", g->nodes[0]->name);

    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert(system(cmd) == 0);
    mn_arena_free(a);
    return 0;
}
