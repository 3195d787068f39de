#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

static mn_arena *A;
static void setup(void) { A = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(A); }

TestSuite(dburl, .init = setup, .fini = teardown);

static mn_db_config ok(const char *url)
{
    mn_db_config db;
    mn_err err = { 0 };
    int rc = mn_dburl_parse(mn_str_from(url), A, &db, &err);
    cr_assert_eq(rc, MN_OK, "%s: %s", url, err.msg);
    return db;
}

static mn_err bad(const char *url, int want)
{
    mn_db_config db;
    mn_err err = { 0 };
    int rc = mn_dburl_parse(mn_str_from(url), A, &db, &err);
    cr_assert_eq(rc, want, "%s: rc %d (%s)", url, rc, err.msg);
    return err;
}

Test(dburl, sqlite_forms)
{
    mn_db_config db = ok("sqlite:///db.sqlite3");
    cr_assert_eq(db.engine, MN_DB_SQLITE);
    cr_assert_str_eq(db.name, "db.sqlite3");
    cr_assert_null(db.host);
    db = ok("sqlite:////var/lib/shop/db.sqlite3");
    cr_assert_str_eq(db.name, "/var/lib/shop/db.sqlite3");
    db = ok("sqlite://:memory:");
    cr_assert_str_eq(db.name, ":memory:");
    db = ok("sqlite://");
    cr_assert_str_eq(db.name, ":memory:");
    db = ok("sqlite:///:memory:");
    cr_assert_str_eq(db.name, ":memory:");
    db = ok("SQLITE:///data/my%20db.sqlite3?timeout=20");
    cr_assert_str_eq(db.name, "data/my db.sqlite3");
    cr_assert_str_eq(mn_db_config_option(&db, "timeout"), "20");
}

Test(dburl, postgres_full)
{
    mn_db_config db = ok("postgres://user:pass@localhost:5433/dbname?sslmode=require&connect_timeout=10");
    cr_assert_eq(db.engine, MN_DB_POSTGRES);
    cr_assert_str_eq(db.user, "user");
    cr_assert_str_eq(db.password, "pass");
    cr_assert_str_eq(db.host, "localhost");
    cr_assert_eq(db.port, 5433);
    cr_assert_str_eq(db.name, "dbname");
    cr_assert_eq(db.n_options, 2);
    cr_assert_str_eq(db.options[0].key, "sslmode");
    cr_assert_str_eq(mn_db_config_option(&db, "sslmode"), "require");
    cr_assert_str_eq(mn_db_config_option(&db, "connect_timeout"), "10");
    cr_assert_null(mn_db_config_option(&db, "nope"));
    cr_assert_eq(db.conn_max_age, 0);
}

Test(dburl, postgres_variants)
{
    mn_db_config db = ok("postgresql://user:pass@localhost/dbname");
    cr_assert_eq(db.engine, MN_DB_POSTGRES);
    cr_assert_eq(db.port, 0);
    db = ok("postgres://localhost/shop");
    cr_assert_null(db.user);
    cr_assert_null(db.password);
    db = ok("postgres:///shop");
    cr_assert_null(db.host);
    cr_assert_str_eq(db.name, "shop");
    db = ok("postgres://bob@db.internal/shop");
    cr_assert_str_eq(db.user, "bob");
    cr_assert_null(db.password);
    db = ok("postgres://bob:@db/shop");
    cr_assert_str_eq(db.password, "");
    db = ok("postgres://u:p@[::1]:6543/shop");
    cr_assert_str_eq(db.host, "::1");
    cr_assert_eq(db.port, 6543);
    db = ok("postgres://u@%2Fvar%2Frun%2Fpostgresql/shop");
    cr_assert_str_eq(db.host, "/var/run/postgresql");
    db = ok("pgsql://h/d?a=1&a=2&&b=x+y%21");
    cr_assert_eq(db.n_options, 2);
    cr_assert_str_eq(mn_db_config_option(&db, "a"), "2");
    cr_assert_str_eq(mn_db_config_option(&db, "b"), "x y!");
}

Test(dburl, percent_decoded_credentials)
{
    mn_db_config db = ok("postgres://us%40er:p%40ss%3Aw%2Fo%23rd@host/db%2Dname");
    cr_assert_str_eq(db.user, "us@er");
    cr_assert_str_eq(db.password, "p@ss:w/o#rd");
    cr_assert_str_eq(db.name, "db-name");
    /* An unencoded '@' in the password: the last '@' ends the user info. */
    db = ok("postgres://u:p@ss@host/db");
    cr_assert_str_eq(db.password, "p@ss");
    cr_assert_str_eq(db.host, "host");
    /* '+' stays '+' outside the query string. */
    db = ok("postgres://u:a+b@host/db");
    cr_assert_str_eq(db.password, "a+b");
}

Test(dburl, errors)
{
    mn_err e = bad("mysql://u:p@h/db", MN_EINVAL);
    cr_assert_str_eq(e.msg, "DATABASE_URL: unsupported scheme 'mysql' (expected sqlite, postgres "
                            "or postgresql)");
    bad("", MN_EPARSE);
    bad("db.sqlite3", MN_EPARSE);
    bad("://x", MN_EPARSE);
    bad("sql ite://x", MN_EPARSE);
    bad("sqlite://host/db.sqlite3", MN_EPARSE);
    bad("sqlite:///", MN_EPARSE);
    bad("postgres://h", MN_EPARSE);
    bad("postgres://h/", MN_EPARSE);
    bad("postgres://h/a/b", MN_EPARSE);
    bad("postgres://h:0/db", MN_EPARSE);
    bad("postgres://h:65536/db", MN_EPARSE);
    bad("postgres://h:54x/db", MN_EPARSE);
    bad("postgres://h:+5/db", MN_EPARSE);
    bad("postgres://h:/db", MN_EPARSE);
    bad("postgres://[::1/db", MN_EPARSE);
    bad("postgres://[::1]x/db", MN_EPARSE);
    bad("postgres://h/db?novalue", MN_EPARSE);
    bad("postgres://h/db?=v", MN_EPARSE);
    bad("postgres://h/db%2", MN_EPARSE);
    bad("postgres://h/db%zz", MN_EPARSE);
    bad("postgres://h/db%00", MN_EPARSE);
    bad("postgres://h/db#frag", MN_EPARSE);
    bad("postgres://h/db\n", MN_EPARSE);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_buf_puts(&b, "postgres://h/db?");
    for (int i = 0; i < MN_DBURL_MAX_OPTIONS + 1; i++)
        mn_buf_printf(&b, "k%d=v&", i);
    bad(mn_buf_cstr(&b), MN_ELIMIT);
    char *huge = mn_arena_alloc(A, MN_DBURL_MAX_LEN + 20);
    memset(huge, 'a', MN_DBURL_MAX_LEN + 19);
    memcpy(huge, "sqlite:///", 10);
    huge[MN_DBURL_MAX_LEN + 19] = '\0';
    bad(huge, MN_ELIMIT);
}

Test(dburl, errors_hide_the_password)
{
    const char *urls[] = {
        "postgres://user:s3cretpw@h:99999/db",
        "postgres://user:s3cretpw@h/db%zz",
        "postgres://user:s3cretpw%@h/db",
        "postgres://user:s3cretpw@h",
        "postgres://user:s3cretpw@h/db#x",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        mn_err e = bad(urls[i], MN_EPARSE);
        cr_assert_null(strstr(e.msg, "s3cretpw"), "%s", e.msg);
    }
}
