/* docs/management-commands.md: a command with a positional argument, an
 * option and a flag, run through the dispatcher as ./manage would. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

typedef struct product {
    const char *name;
    const char *category;
    int age_days;
} product;

static product catalog[] = {
    { "Old lamp", "home", 400 }, { "Old phone", "electronics", 200 }, { "New phone", "electronics", 2 },
};

static const mn_command_arg cleanup_args[] = {
    MN_ARG_POSITIONAL("days", MN_ARG_INT, "Number of days"),
    MN_ARG_OPTION("--category", MN_ARG_STR, "Filter by category slug"),
    MN_ARG_FLAG("--dry-run", "Show what would be deleted without deleting"),
    MN_ARG_END
};

static int cleanup(mn_command_ctx *ctx)
{
    int64_t days = mn_command_int(ctx, "days");
    const char *category = mn_command_str(ctx, "category");
    if (days < 0)
        return mn_command_error(ctx, "days must not be negative");
    int count = 0;
    for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++)
        if (catalog[i].age_days > days && (!category || !strcmp(category, catalog[i].category)))
            count++;
    if (mn_command_flag(ctx, "dry_run"))
        mn_command_out(ctx, MN_STYLE_WARNING, "Would delete %d products (DRY RUN)", count);
    else
        mn_command_out(ctx, MN_STYLE_SUCCESS, "Successfully deleted %d products", count);
    return 0;
}

static const mn_command cleanup_products = {
    .name = "cleanup_products",
    .help = "Delete inactive products older than specified days",
    .args = cleanup_args,
    .handle = cleanup,
};

static const mn_command *const product_commands[] = { &cleanup_products, NULL };
static const mn_command_group products_group = { "products", product_commands };
static const mn_command_group *const groups[] = { &products_group, NULL };

static int run(const char *expect_out, int argc, const char **argv)
{
    char out[512] = "", err[512] = "";
    FILE *fo = fmemopen(out, sizeof out - 1, "w"), *fe = fmemopen(err, sizeof err - 1, "w");
    int rc = mn_command_run(groups, argc, (char **)argv, fo, fe);
    fclose(fo);
    fclose(fe);
    printf("$ ./manage");
    for (int i = 1; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n%s%s", out, err);
    if (expect_out)
        assert(strcmp(out, expect_out) == 0);
    return rc;
}

int main(void)
{
    const char *a1[] = { "manage", "cleanup_products", "30" };
    assert(run("Successfully deleted 2 products\n", 3, a1) == 0);
    const char *a2[] = { "manage", "cleanup_products", "30", "--category", "electronics", "--dry-run" };
    assert(run("Would delete 1 products (DRY RUN)\n", 6, a2) == 0);
    const char *a3[] = { "manage", "cleanup_products", "abc" };
    assert(run("", 3, a3) == 2); /* argparse's error and usage on stderr */
    return 0;
}
