/* dbshell's client command lines, as Django's client.settings_to_cmd_args_env. */
#include <criterion/criterion.h>
#include <string.h>
#include <manouche.h>
#include "../../src/web/web_internal.h"

static char *joined(char **argv)
{
    static char buf[512];
    buf[0] = 0;
    for (size_t i = 0; argv[i]; i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, argv[i]);
    }
    return buf;
}

static char *cmd(const char *url, const char *const *params, size_t n)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_db_config cfg;
    mn_err err = { 0 };
    cr_assert_eq(mn_dburl_parse(mn_str_from(url), a, &cfg, &err), MN_OK, "%s", err.msg);
    char **argv;
    cr_assert_eq(mn__dbshell_argv(&cfg, params, n, a, &argv, &err), MN_OK, "%s", err.msg);
    char *out = joined(argv);
    mn_arena_free(a);
    return out;
}

Test(dbshell, sqlite)
{
    cr_assert_str_eq(cmd("sqlite:///db.sqlite3", NULL, 0), "sqlite3 db.sqlite3");
    cr_assert_str_eq(cmd("sqlite:////srv/app/db.sqlite3", NULL, 0), "sqlite3 /srv/app/db.sqlite3");
    const char *const p[] = { "-cmd", ".tables" };
    cr_assert_str_eq(cmd("sqlite:///x.db", p, 2), "sqlite3 x.db -cmd .tables");
}

Test(dbshell, postgresql)
{
    /* The password never appears on the command line. */
    cr_assert_str_eq(cmd("postgres://shop:s3cret@db.example.com:5433/shop", NULL, 0),
                     "psql -U shop -h db.example.com -p 5433 shop");
    cr_assert_str_eq(cmd("postgres://localhost/shop", NULL, 0), "psql -h localhost shop");
    cr_assert_str_eq(cmd("postgres://mn@/mn_test?host=/tmp/pg&port=5999", NULL, 0), "psql -U mn -h /tmp/pg -p 5999 mn_test");
    const char *const p[] = { "-c", "SELECT 1" };
    cr_assert_str_eq(cmd("postgresql://u@h/d", p, 2), "psql -U u -h h d -c SELECT 1");
}

Test(dbshell, no_engine)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_db_config cfg = { 0 };
    mn_err err = { 0 };
    char **argv;
    cr_assert_eq(mn__dbshell_argv(&cfg, NULL, 0, a, &argv, &err), MN_EINVAL);
    mn_arena_free(a);
}
