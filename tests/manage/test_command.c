#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

static int last_days;
static char last_category[64];
static bool last_dry;
static int last_verbosity;

static const mn_command_arg cleanup_args[] = {
    MN_ARG_POSITIONAL("days", MN_ARG_INT, "Number of days"),
    MN_ARG_OPTION("--category", MN_ARG_STR, "Filter by category slug"),
    MN_ARG_FLAG("--dry-run", "Show what would be deleted without deleting"),
    MN_ARG_END
};

static int cleanup(mn_command_ctx *ctx)
{
    last_days = (int)mn_command_int(ctx, "days");
    const char *cat = mn_command_str(ctx, "category");
    snprintf(last_category, sizeof last_category, "%s", cat ? cat : "(none)");
    last_dry = mn_command_flag(ctx, "dry_run");
    last_verbosity = mn_command_verbosity(ctx);
    if (last_days < 0)
        return mn_command_error(ctx, "days must be positive, got %d", last_days);
    if (last_dry)
        mn_command_out(ctx, MN_STYLE_WARNING, "Would delete %d products (DRY RUN)", 3);
    else
        mn_command_out(ctx, MN_STYLE_SUCCESS, "Successfully deleted %d products", 3);
    return 0;
}

static const mn_command cleanup_products = {
    .name = "cleanup_products",
    .help = "Delete inactive products older than specified days",
    .args = cleanup_args,
    .handle = cleanup,
};

static const char *const modes[] = { "fast", "safe", NULL };
static const mn_command_arg import_args[] = {
    MN_ARG_POSITIONAL("csv_file", MN_ARG_STR, NULL),
    { .name = "--batch-size", .short_name = 'b', .type = MN_ARG_INT, .default_value = "500", .help = "Rows per insert" },
    { .name = "--mode", .type = MN_ARG_STR, .choices = modes, .help = "Import mode" },
    { .name = "--ratio", .type = MN_ARG_FLOAT, .help = "Sample ratio" },
    MN_ARG_END
};
static int import_fn(mn_command_ctx *ctx)
{
    mn_command_out(ctx, MN_STYLE_PLAIN, "%s batch=%lld mode=%s ratio=%.2f has_ratio=%d", mn_command_str(ctx, "csv_file"),
                   (long long)mn_command_int(ctx, "batch_size"), mn_command_str(ctx, "mode") ? mn_command_str(ctx, "mode") : "-",
                   mn_command_float(ctx, "ratio"), mn_command_has(ctx, "ratio"));
    return 0;
}
static const mn_command import_products = { .name = "import_products", .help = "Import products from CSV file",
                                            .args = import_args, .handle = import_fn };

static const mn_command *const app_cmds[] = { &cleanup_products, &import_products, NULL };
static const mn_command_group app_group = { "products", app_cmds };
static const mn_command_group *const groups[] = { &app_group, NULL };

typedef struct result {
    int rc;
    char out[8192];
    char err[8192];
} result;

static result run(int argc, const char **argv)
{
    result r;
    memset(&r, 0, sizeof r);
    FILE *out = fmemopen(r.out, sizeof r.out - 1, "w");
    FILE *err = fmemopen(r.err, sizeof r.err - 1, "w");
    r.rc = mn_command_run(groups, argc, (char **)argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

#define RUN(...)                                                        \
    ({                                                                  \
        const char *argv_[] = { "./manage", __VA_ARGS__ };              \
        run((int)(sizeof argv_ / sizeof argv_[0]), argv_);              \
    })

Test(command, positional_option_and_flag)
{
    result r = RUN("cleanup_products", "30", "--category", "electronics", "--dry-run");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_eq(last_days, 30);
    cr_assert_str_eq(last_category, "electronics");
    cr_assert(last_dry);
    cr_assert_eq(last_verbosity, 1);
    cr_assert_str_eq(r.out, "Would delete 3 products (DRY RUN)\n");

    r = RUN("cleanup_products", "--category=books", "7", "-v", "2");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_eq(last_days, 7);
    cr_assert_str_eq(last_category, "books");
    cr_assert(!last_dry);
    cr_assert_eq(last_verbosity, 2);
    cr_assert_str_eq(r.out, "Successfully deleted 3 products\n");

    r = RUN("cleanup_products", "-v0", "--", "-5");
    cr_assert_eq(r.rc, 1);
    cr_assert_str_eq(r.err, "CommandError: days must be positive, got -5\n");
}

Test(command, argparse_errors)
{
    result r = RUN("cleanup_products", "abc");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "usage: manage cleanup_products [-h] [--category CATEGORY] [--dry-run]"), "%s", r.err);
    cr_assert(strstr(r.err, "manage cleanup_products: error: argument days: invalid int value: 'abc'\n"), "%s", r.err);

    r = RUN("cleanup_products");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "error: the following arguments are required: days\n"), "%s", r.err);

    r = RUN("cleanup_products", "3", "--category");
    cr_assert(strstr(r.err, "error: argument --category: expected one argument\n"), "%s", r.err);

    r = RUN("cleanup_products", "3", "--bogus");
    cr_assert(strstr(r.err, "error: unrecognized arguments: --bogus\n"), "%s", r.err);

    r = RUN("cleanup_products", "3", "4");
    cr_assert(strstr(r.err, "error: unrecognized arguments: 4\n"), "%s", r.err);

    r = RUN("cleanup_products", "3", "-v", "7");
    cr_assert(strstr(r.err, "error: argument -v/--verbosity: invalid choice: '7' (choose from '0', '1', '2', '3')\n"),
              "%s", r.err);

    r = RUN("import_products", "f.csv", "--mode", "slow");
    cr_assert(strstr(r.err, "argument --mode: invalid choice: 'slow' (choose from 'fast', 'safe')"), "%s", r.err);

    r = RUN("import_products", "f.csv", "--ratio", "x");
    cr_assert(strstr(r.err, "argument --ratio: invalid float value: 'x'"), "%s", r.err);

    r = RUN("cleanup_products", "3", "--dry-run=yes");
    cr_assert(strstr(r.err, "argument --dry-run: ignored explicit argument 'yes'"), "%s", r.err);
}

Test(command, defaults_floats_and_short_options)
{
    result r = RUN("import_products", "data.csv");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "data.csv batch=500 mode=- ratio=0.00 has_ratio=0\n");
    r = RUN("import_products", "-b", "50", "data.csv", "--mode", "safe", "--ratio", "0.25");
    cr_assert_str_eq(r.out, "data.csv batch=50 mode=safe ratio=0.25 has_ratio=1\n");
}

Test(command, help_is_generated)
{
    result r = RUN("cleanup_products", "--help");
    cr_assert_eq(r.rc, 0);
    cr_assert(strstr(r.out, "Delete inactive products older than specified days\n"), "%s", r.out);
    cr_assert(strstr(r.out, "positional arguments:\n  days                  Number of days\n"), "%s", r.out);
    cr_assert(strstr(r.out, "  --category CATEGORY   Filter by category slug\n"), "%s", r.out);
    cr_assert(strstr(r.out, "  --dry-run             Show what would be deleted without deleting\n"), "%s", r.out);
    cr_assert(strstr(r.out, "  -v {0,1,2,3}, --verbosity {0,1,2,3}\n                        Verbosity level;"), "%s", r.out);
    result r2 = RUN("help", "cleanup_products");
    cr_assert_str_eq(r.out, r2.out);
    r = RUN("help");
    cr_assert_eq(r.rc, 0);
    cr_assert(strstr(r.out, "[products]\n    cleanup_products\n    import_products\n"), "%s", r.out);
}

Test(command, unknown_command_suggests)
{
    result r = RUN("cleanup_product", "3");
    cr_assert_eq(r.rc, 1);
    cr_assert_str_eq(r.err, "Unknown command: 'cleanup_product'. Did you mean cleanup_products?\nType 'manage help' for usage.\n");
    r = RUN("zzz");
    cr_assert_str_eq(r.err, "Unknown command: 'zzz'.\nType 'manage help' for usage.\n");
}

Test(command, colors_and_settings_variant)
{
    result r = RUN("cleanup_products", "3", "--force-color");
    cr_assert_str_eq(r.out, "\033[32;1mSuccessfully deleted 3 products\033[0m\n");
    r = RUN("cleanup_products", "3", "--force-color", "--no-color");
    cr_assert_eq(r.rc, 1);
    /* Not a terminal: no colour by default. */
    r = RUN("cleanup_products", "3");
    cr_assert_str_eq(r.out, "Successfully deleted 3 products\n");
    unsetenv("MANOUCHE_SETTINGS");
    r = RUN("cleanup_products", "3", "--settings", "production");
    cr_assert_str_eq(getenv("MANOUCHE_SETTINGS"), "production");
}

static int progress_fn(mn_command_ctx *ctx)
{
    mn_progress *p = mn_progress_start(ctx, 1000, "importing");
    for (int i = 0; i < 1000; i++)
        mn_progress_advance(p, 1);
    mn_progress_finish(p);
    return 0;
}

Test(command, progress_bar_is_quiet_off_terminal)
{
    static const mn_command prog_cmd = { .name = "prog", .handle = progress_fn };
    static const mn_command *const cmds[] = { &prog_cmd, NULL };
    static const mn_command_group g = { "x", cmds };
    static const mn_command_group *const gs[] = { &g, NULL };
    char out[256] = "", err[256] = "";
    FILE *fo = fmemopen(out, sizeof out - 1, "w"), *fe = fmemopen(err, sizeof err - 1, "w");
    const char *argv[] = { "manage", "prog", "-v", "2" };
    cr_assert_eq(mn_command_run(gs, 4, (char **)argv, fo, fe), 0);
    fclose(fo);
    fclose(fe);
    cr_assert(strstr(err, "importing: 1000 done in"), "%s", err);
}

/* argparse behaviours checked against Python 3.11's argparse and Django 3.2's
 * BaseCommand parser (allow_abbrev is on there). */
static int64_t wrap_limit;
static bool wrap_dry;
static const mn_command_arg wrap_args[] = {
    MN_ARG_POSITIONAL("target", MN_ARG_STR,
                      "Where to send it: https://example.com/a/very/long/path/that/does/not/fit/on/one/line/at/all/really"),
    MN_ARG_OPTION("--day-limit", MN_ARG_INT,
                  "Days\tand\nnewlines   collapse into single spaces when argparse formats this help text for the terminal"),
    MN_ARG_FLAG("--dry-run", "x"),
    { .name = "--extremely-long-option-name-for-testing", .type = MN_ARG_STR, .required = true,
      .help = "Required option with a long name" },
    MN_ARG_END
};
static int wrap_fn(mn_command_ctx *ctx)
{
    wrap_limit = mn_command_int(ctx, "day_limit");
    wrap_dry = mn_command_flag(ctx, "dry_run");
    mn_command_out(ctx, MN_STYLE_PLAIN, "target=%s long=%s", mn_command_str(ctx, "target"),
                   mn_command_str(ctx, "extremely_long_option_name_for_testing"));
    return 0;
}
static const mn_command wrap_cmd = {
    .name = "wrap_cmd",
    .help = "Wrap test: a command whose help texts are long enough to be wrapped by argparse.",
    .args = wrap_args,
    .handle = wrap_fn,
};
static const mn_command *const wrap_cmds[] = { &wrap_cmd, NULL };
static const mn_command_group wrap_group = { "wrap", wrap_cmds };
static const mn_command_group *const wrap_groups[] = { &wrap_group, NULL };

static result run_wrap(int argc, const char **argv)
{
    result r;
    memset(&r, 0, sizeof r);
    FILE *out = fmemopen(r.out, sizeof r.out - 1, "w");
    FILE *err = fmemopen(r.err, sizeof r.err - 1, "w");
    r.rc = mn_command_run(wrap_groups, argc, (char **)argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}
#define RUN_WRAP(...)                                                   \
    ({                                                                  \
        const char *argv_[] = { "./manage", "wrap_cmd", __VA_ARGS__ };  \
        run_wrap((int)(sizeof argv_ / sizeof argv_[0]), argv_);         \
    })

Test(command, abbreviations_and_option_like_values)
{
    result r = RUN("cleanup_products", "5", "--dry");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert(last_dry);
    r = RUN("cleanup_products", "5", "--cat", "x");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_str_eq(last_category, "x");
    r = RUN("cleanup_products", "5", "--cat=a=b", "--verb", "3");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_str_eq(last_category, "a=b");
    cr_assert_eq(last_verbosity, 3);
    r = RUN("cleanup_products", "5", "-v=2");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_eq(last_verbosity, 2);
    /* A value that looks like an option is not taken as the value. */
    r = RUN("cleanup_products", "5", "--category", "-x");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "error: argument --category: expected one argument\n"), "%s", r.err);
    /* ... but a negative number is. */
    r = RUN("import_products", "f.csv", "--ratio", "-0.5");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert(strstr(r.out, "ratio=-0.50"), "%s", r.out);
    /* Ambiguous prefixes are refused with argparse's message. */
    r = RUN_WRAP("t", "--d", "1", "--ext", "x");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "error: ambiguous option: --d could match --day-limit, --dry-run\n"), "%s", r.err);
    r = RUN_WRAP("t", "--da", "1", "--ext", "x");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_eq(wrap_limit, 1);
    cr_assert_str_eq(r.out, "target=t long=x\n");
    /* --he is --help. */
    r = RUN_WRAP("t", "--dr", "--ext=x", "--he");
    cr_assert_eq(r.rc, 0);
    cr_assert(strstr(r.out, "usage: manage wrap_cmd [-h]"), "%s", r.out);
}

Test(command, unrecognized_arguments_are_all_listed)
{
    result r = RUN("cleanup_products", "5", "extra", "more");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "error: unrecognized arguments: extra more\n"), "%s", r.err);
    /* An unknown option does not swallow the next token. */
    r = RUN("cleanup_products", "--bogus", "5");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "error: unrecognized arguments: --bogus\n"), "%s", r.err);
    /* Missing required arguments are reported first. */
    r = RUN("cleanup_products", "--bogus");
    cr_assert(strstr(r.err, "error: the following arguments are required: days\n"), "%s", r.err);
}

Test(command, short_option_values)
{
    result r = RUN("import_products", "-b50", "f.csv");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert(strstr(r.out, "batch=50"), "%s", r.out);
    r = RUN("import_products", "-b", "f.csv");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "argument -b/--batch-size: invalid int value: 'f.csv'"), "%s", r.err);
}

/* The whole help of a command with long texts, byte for byte what Python
 * 3.11's argparse prints for the same arguments at 80 columns. */
Test(command, help_wraps_like_argparse)
{
    unsetenv("COLUMNS");
    result r = RUN_WRAP("-h");
    cr_assert_eq(r.rc, 0);
    cr_assert_str_eq(r.out,
        "usage: manage wrap_cmd [-h] [--day-limit DAY_LIMIT] [--dry-run]\n"
        "                       --extremely-long-option-name-for-testing\n"
        "                       EXTREMELY_LONG_OPTION_NAME_FOR_TESTING [-v {0,1,2,3}]\n"
        "                       [--settings SETTINGS] [--traceback] [--no-color]\n"
        "                       [--force-color]\n"
        "                       target\n"
        "\n"
        "Wrap test: a command whose help texts are long enough to be wrapped by\n"
        "argparse.\n"
        "\n"
        "positional arguments:\n"
        "  target                Where to send it: https://example.com/a/very/long/path\n"
        "                        /that/does/not/fit/on/one/line/at/all/really\n"
        "\n"
        "options:\n"
        "  -h, --help            show this help message and exit\n"
        "  --day-limit DAY_LIMIT\n"
        "                        Days and newlines collapse into single spaces when\n"
        "                        argparse formats this help text for the terminal\n"
        "  --dry-run             x\n"
        "  --extremely-long-option-name-for-testing EXTREMELY_LONG_OPTION_NAME_FOR_TESTING\n"
        "                        Required option with a long name\n"
        "  -v {0,1,2,3}, --verbosity {0,1,2,3}\n"
        "                        Verbosity level; 0=minimal output, 1=normal output,\n"
        "                        2=verbose output, 3=very verbose output\n"
        "  --settings SETTINGS   The settings variant to use (development, production,\n"
        "                        ...). If this isn't provided, the MANOUCHE_SETTINGS\n"
        "                        environment variable will be used.\n"
        "  --traceback           Show error details on CommandError\n"
        "  --no-color            Don't colorize the command output.\n"
        "  --force-color         Force colorization of the command output.\n");
    /* A very long argument in an error message is printed whole. */
    char big[3000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    r = RUN("import_products", "f.csv", "--mode", big);
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, big), "long value missing from the message");
}

/* Short flags combine as in argparse ("-nf", "-nfc3"); expectations from
 * Python 3.11's argparse with the same arguments. */
static bool fl_dry, fl_force;
static int64_t fl_count;
static const mn_command_arg flag_args[] = {
    { .name = "--dry-run", .short_name = 'n', .type = MN_ARG_BOOL, .help = "Dry run" },
    { .name = "--force", .short_name = 'f', .type = MN_ARG_BOOL, .help = "Force" },
    { .name = "--count", .short_name = 'c', .type = MN_ARG_INT, .help = "Count" },
    MN_ARG_END
};
static int flags_fn(mn_command_ctx *ctx)
{
    fl_dry = mn_command_flag(ctx, "dry_run");
    fl_force = mn_command_flag(ctx, "force");
    fl_count = mn_command_int(ctx, "count");
    return 0;
}
static const mn_command flags_cmd = { .name = "flags_cmd", .args = flag_args, .handle = flags_fn };
static const mn_command *const flag_cmds[] = { &flags_cmd, NULL };
static const mn_command_group flag_group = { "flags", flag_cmds };
static const mn_command_group *const flag_groups[] = { &flag_group, NULL };

static result run_flags(int argc, const char **argv)
{
    result r;
    memset(&r, 0, sizeof r);
    fl_dry = fl_force = false;
    fl_count = -1;
    FILE *out = fmemopen(r.out, sizeof r.out - 1, "w");
    FILE *err = fmemopen(r.err, sizeof r.err - 1, "w");
    r.rc = mn_command_run(flag_groups, argc, (char **)argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}
#define RUN_FLAGS(...)                                                  \
    ({                                                                  \
        const char *argv_[] = { "./manage", "flags_cmd", __VA_ARGS__ }; \
        run_flags((int)(sizeof argv_ / sizeof argv_[0]), argv_);        \
    })

Test(command, combined_short_flags)
{
    result r = RUN_FLAGS("-nf");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert(fl_dry && fl_force);
    r = RUN_FLAGS("-nfc3");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert(fl_dry && fl_force && fl_count == 3);
    r = RUN_FLAGS("-nc", "5");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert(fl_dry && !fl_force && fl_count == 5);
    r = RUN_FLAGS("-n=f");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert(fl_dry && fl_force);
    r = RUN_FLAGS("-nx");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "error: argument -n/--dry-run: ignored explicit argument 'x'\n"), "%s", r.err);
    r = RUN_FLAGS("-nfx");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "error: argument -f/--force: ignored explicit argument 'x'\n"), "%s", r.err);
    r = RUN_FLAGS("--dry-run=1");
    cr_assert(strstr(r.err, "error: argument -n/--dry-run: ignored explicit argument '1'\n"), "%s", r.err);
    r = RUN_FLAGS("-nh");
    cr_assert_eq(r.rc, 0);
    cr_assert(strstr(r.out, "usage: manage flags_cmd [-h]"), "%s", r.out);
}

/* nargs='*' and nargs='+': a `many` positional takes the rest. */
static char many_seen[256];
static int many_fn(mn_command_ctx *ctx)
{
    const char *const *items;
    size_t n = mn_command_list(ctx, "labels", &items);
    const char *const *more;
    size_t m = mn_command_list(ctx, "extra", &more);
    int w = snprintf(many_seen, sizeof many_seen, "%zu:", n);
    for (size_t i = 0; i < n; i++)
        w += snprintf(many_seen + w, sizeof many_seen - (size_t)w, "%s,", items[i]);
    const char *first = mn_command_str(ctx, "first");
    snprintf(many_seen + w, sizeof many_seen - (size_t)w, "|%zu|%s|%s", m, first ? first : "-",
             mn_command_has(ctx, "indent") ? "indent" : "-");
    cr_assert((n == 0) == (items == NULL));
    return 0;
}
static const mn_command_arg many_args[] = {
    MN_ARG_POSITIONAL("first", MN_ARG_STR, "The first"),
    { .name = "labels", .type = MN_ARG_STR, .many = true, .optional = true, .metavar = "app_label",
      .help = "Labels" },
    MN_ARG_OPTION("--indent", MN_ARG_INT, "Indent"),
    MN_ARG_END
};
static const mn_command many_cmd = { .name = "many_cmd", .help = "Many", .args = many_args, .handle = many_fn };
static const mn_command_arg plus_args[] = {
    { .name = "extra", .type = MN_ARG_STR, .many = true, .help = "At least one" },
    MN_ARG_END
};
static const mn_command plus_cmd = { .name = "plus_cmd", .help = "Plus", .args = plus_args, .handle = many_fn };
static const mn_command *const many_cmds[] = { &many_cmd, &plus_cmd, NULL };
static const mn_command_group many_group = { "many", many_cmds };
static const mn_command_group *const many_groups[] = { &many_group, NULL };

static result run_many(int argc, const char **argv)
{
    result r;
    memset(&r, 0, sizeof r);
    FILE *out = fmemopen(r.out, sizeof r.out - 1, "w");
    FILE *err = fmemopen(r.err, sizeof r.err - 1, "w");
    r.rc = mn_command_run(many_groups, argc, (char **)argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}
#define RUN_MANY(...)                                                   \
    ({                                                                  \
        const char *argv_[] = { "./manage", __VA_ARGS__ };              \
        run_many((int)(sizeof argv_ / sizeof argv_[0]), argv_);         \
    })

Test(command, many_positionals)
{
    result r = RUN_MANY("many_cmd", "one", "a", "--indent", "2", "b.C", "c");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_str_eq(many_seen, "3:a,b.C,c,|0|one|indent");
    r = RUN_MANY("many_cmd", "one");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_str_eq(many_seen, "0:|0|one|-");
    /* After --, option-like tokens are values. */
    r = RUN_MANY("many_cmd", "one", "--", "-c", "--x");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_str_eq(many_seen, "2:-c,--x,|0|one|-");
    r = RUN_MANY("plus_cmd", "x", "y");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_str_eq(many_seen, "0:|2|-|-");
    r = RUN_MANY("plus_cmd");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "the following arguments are required: extra"), "%s", r.err);
    r = RUN_MANY("many_cmd", "-h");
    cr_assert_eq(r.rc, 0);
    cr_assert(strstr(r.out, "[app_label [app_label ...]]"), "%s", r.out);
}

/* action='append': an option given several times keeps every value. */
static char append_seen[256];
static int append_fn(mn_command_ctx *ctx)
{
    const char *const *items;
    size_t n = mn_command_list(ctx, "exclude", &items);
    const char *last = mn_command_str(ctx, "exclude");
    int w = snprintf(append_seen, sizeof append_seen, "%zu:", n);
    for (size_t i = 0; i < n; i++)
        w += snprintf(append_seen + w, sizeof append_seen - (size_t)w, "%s,", items[i]);
    snprintf(append_seen + w, sizeof append_seen - (size_t)w, "|%s", last ? last : "-");
    return 0;
}
static const mn_command_arg append_args[] = {
    { .name = "--exclude", .short_name = 'e', .type = MN_ARG_STR, .many = true, .help = "Exclude" },
    MN_ARG_END
};
static const mn_command append_cmd = { .name = "append_cmd", .help = "Append", .args = append_args,
                                       .handle = append_fn };
static const mn_command *const append_cmds[] = { &append_cmd, NULL };
static const mn_command_group append_group = { "append", append_cmds };
static const mn_command_group *const append_groups[] = { &append_group, NULL };

static result run_append(int argc, const char **argv)
{
    result r;
    memset(&r, 0, sizeof r);
    FILE *out = fmemopen(r.out, sizeof r.out - 1, "w");
    FILE *err = fmemopen(r.err, sizeof r.err - 1, "w");
    r.rc = mn_command_run(append_groups, argc, (char **)argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}
#define RUN_APPEND(...)                                                 \
    ({                                                                  \
        const char *argv_[] = { "./manage", "append_cmd", __VA_ARGS__ }; \
        run_append((int)(sizeof argv_ / sizeof argv_[0]), argv_);       \
    })

Test(command, append_option)
{
    result r = RUN_APPEND("-e", "a", "--exclude", "b.C", "-ec", "--exclude=d");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_str_eq(append_seen, "4:a,b.C,c,d,|d");
    r = RUN_APPEND("-v", "1");
    cr_assert_eq(r.rc, 0, "%s", r.err);
    cr_assert_str_eq(append_seen, "0:|-");
    r = RUN_APPEND("-e");
    cr_assert_eq(r.rc, 2);
    cr_assert(strstr(r.err, "error: argument -e/--exclude: expected one argument"), "%s", r.err);
    r = RUN_APPEND("-h");
    cr_assert_eq(r.rc, 0);
    cr_assert(strstr(r.out, "[-e EXCLUDE]"), "%s", r.out);
}
