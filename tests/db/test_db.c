/* The database layer against SQLite (in memory) or, when MN_TEST_DATABASE_URL
 * is set (tests/integration/db_postgres.sh does), against that database. */
#include <criterion/criterion.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"

static mn_arena *A;
static mn_db *DB;
static mn_db_config CFG;

static void setup(void)
{
    A = mn_arena_new("test", 0);
    const char *url = getenv("MN_TEST_DATABASE_URL");
    mn_err err = { 0 };
    cr_assert_eq(mn_dburl_parse(mn_str_from(url ? url : "sqlite://:memory:"), A, &CFG, &err), MN_OK, "%s", err.msg);
    DB = mn_db_open(&CFG, &err);
    cr_assert_not_null(DB, "%s", err.msg);
    mn_db_execute(DB, "DROP TABLE IF EXISTS t_item", NULL, 0, NULL, &err);
    const char *create = mn_db_engine_of(DB) == MN_DB_POSTGRES
                             ? "CREATE TABLE t_item (id bigserial PRIMARY KEY, name varchar(50) NOT NULL UNIQUE, "
                               "price numeric(10,2), qty integer CHECK (qty >= 0), ratio double precision)"
                             : "CREATE TABLE t_item (id integer PRIMARY KEY AUTOINCREMENT, name varchar(50) NOT NULL UNIQUE, "
                               "price decimal, qty integer CHECK (qty >= 0), ratio real)";
    cr_assert_eq(mn_db_execute(DB, create, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
}

static void teardown(void)
{
    mn_err err = { 0 };
    mn_db_execute(DB, "DROP TABLE IF EXISTS t_item", NULL, 0, NULL, &err);
    mn_db_close(DB);
    mn_arena_free(A);
}

TestSuite(db, .init = setup, .fini = teardown);

static int insert(const char *name, const char *price, int64_t qty, mn_err *err)
{
    mn_value p[] = { mn_value_cstr(name), price ? mn_value_cstr(price) : mn_value_null(), mn_value_int(qty),
                     mn_value_float(0.5) };
    return mn_db_execute(DB, "INSERT INTO t_item (name, price, qty, ratio) VALUES (%s, %s, %s, %s)", p, 4, NULL, err);
}

static int64_t count(void)
{
    mn_value v;
    mn_err err = { 0 };
    cr_assert_eq(mn_db_query_value(DB, "SELECT COUNT(*) FROM t_item", NULL, 0, A, &v, &err), MN_OK, "%s", err.msg);
    return v.u.i;
}

Test(db, insert_select_types)
{
    mn_err err = { 0 };
    cr_assert_eq(insert("lamp", "19.99", 3, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_changes(DB), 1);
    cr_assert_eq(insert("chair", NULL, 0, &err), MN_OK, "%s", err.msg);
    mn_db_rows *rows;
    cr_assert_eq(mn_db_execute(DB, "SELECT id, name, price, qty, ratio FROM t_item ORDER BY name", NULL, 0, &rows, &err),
                 MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_rows_columns(rows), 5);
    cr_assert_str_eq(mn_db_rows_name(rows, 1), "name");
    cr_assert_eq(mn_db_rows_next(rows, &err), MN_OK);
    cr_assert(mn_str_eq_cstr(mn_db_rows_text(rows, 1), "chair"));
    cr_assert(mn_db_rows_is_null(rows, 2));
    mn_value v;
    mn_db_rows_value(rows, 2, A, &v);
    cr_assert(mn_value_is_null(v));
    cr_assert_eq(mn_db_rows_next(rows, &err), MN_OK);
    cr_assert(mn_str_eq_cstr(mn_db_rows_text(rows, 1), "lamp"));
    cr_assert(mn_str_eq_cstr(mn_db_rows_text(rows, 2), "19.99"));
    cr_assert_eq(mn_db_rows_int(rows, 3), 3);
    cr_assert_float_eq(mn_db_rows_float(rows, 4), 0.5, 1e-9);
    mn_db_rows_value(rows, 3, A, &v);
    cr_assert_eq(v.type, MN_VALUE_INT);
    mn_db_rows_value(rows, 4, A, &v);
    cr_assert_eq(v.type, MN_VALUE_FLOAT);
    cr_assert_eq(mn_db_rows_next(rows, &err), MN_ENOTFOUND);
    mn_db_rows_close(rows);
}

Test(db, empty_result_and_percent_literals)
{
    mn_err err = { 0 };
    mn_db_rows *rows;
    cr_assert_eq(mn_db_execute(DB, "SELECT name FROM t_item WHERE name LIKE '%%x'", NULL, 0, &rows, &err), MN_OK, "%s",
                 err.msg);
    cr_assert_eq(mn_db_rows_next(rows, &err), MN_ENOTFOUND);
    mn_db_rows_close(rows);
    cr_assert_eq(mn_db_execute(DB, "SELECT 1 WHERE 1 = %d", NULL, 0, NULL, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "bad placeholder"), "%s", err.msg);
    mn_value one = mn_value_int(1);
    cr_assert_eq(mn_db_execute(DB, "SELECT %s, %s", &one, 1, NULL, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "2 placeholders but 1 parameters"), "%s", err.msg);
}

Test(db, injection_strings_are_data)
{
    mn_err err = { 0 };
    const char *evil[] = { "'; DROP TABLE t_item; --", "x' OR '1'='1", "\\'", "%s", "%%", "Robert'); --", "é\"\\" };
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++)
        cr_assert_eq(insert(evil[i], "1.00", 1, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(count(), 7);
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
        mn_value p = mn_value_cstr(evil[i]), v;
        cr_assert_eq(mn_db_query_value(DB, "SELECT name FROM t_item WHERE name = %s", &p, 1, A, &v, &err), MN_OK);
        cr_assert(mn_str_eq_cstr(v.u.s, evil[i]));
    }
}

Test(db, integrity_errors_are_classified)
{
    mn_err err = { 0 };
    cr_assert_eq(insert("dup", "1", 1, &err), MN_OK);
    cr_assert_eq(insert("dup", "1", 1, &err), MN_EEXIST);
    cr_assert(strstr(err.msg, "INSERT INTO t_item"), "%s", err.msg);
    cr_assert_eq(insert("neg", "1", -1, &err), MN_EPERM, "%s", err.msg);
    cr_assert_eq(mn_db_execute(DB, "SELEC nonsense", NULL, 0, NULL, &err), MN_EDB);
    cr_assert(strstr(err.msg, "SELEC nonsense"), "%s", err.msg);
}

static int calls;
static void bump(void *arg) { calls += (int)(intptr_t)arg; }

Test(db, transactions_savepoints_on_commit)
{
    mn_err err = { 0 };
    calls = 0;
    cr_assert_eq(mn_db_begin(DB, &err), MN_OK, "%s", err.msg);
    insert("a", "1", 1, &err);
    mn_db_on_commit(DB, bump, (void *)1);
    cr_assert_eq(mn_db_begin(DB, &err), MN_OK, "%s", err.msg); /* savepoint */
    cr_assert_eq(mn_db_depth(DB), 2);
    insert("b", "1", 1, &err);
    mn_db_on_commit(DB, bump, (void *)10);
    cr_assert_eq(mn_db_rollback(DB, &err), MN_OK, "%s", err.msg); /* drops b and its callback */
    cr_assert_eq(mn_db_begin(DB, &err), MN_OK);
    insert("c", "1", 1, &err);
    mn_db_on_commit(DB, bump, (void *)100);
    cr_assert_eq(mn_db_commit(DB, &err), MN_OK, "%s", err.msg); /* release */
    cr_assert_eq(calls, 0);
    cr_assert_eq(mn_db_commit(DB, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(calls, 101);
    cr_assert_eq(count(), 2);
    mn_db_on_commit(DB, bump, (void *)1000); /* outside a transaction: at once */
    cr_assert_eq(calls, 1101);
    cr_assert_eq(mn_db_commit(DB, &err), MN_EINVAL);
}

static int body_ok(mn_db *db, void *ctx)
{
    (void)db;
    mn_err err = { 0 };
    return insert((const char *)ctx, "2", 2, &err);
}

static int body_fails(mn_db *db, void *ctx)
{
    (void)db;
    mn_err err = { 0 };
    insert((const char *)ctx, "2", 2, &err);
    return insert((const char *)ctx, "2", 2, &err); /* duplicate: fails */
}

Test(db, atomic)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_db_atomic(DB, body_ok, "ok", &err), MN_OK);
    cr_assert_eq(mn_db_atomic(DB, body_fails, "bad", &err), MN_EEXIST);
    cr_assert_eq(count(), 1);
    cr_assert_eq(mn_db_depth(DB), 0);
}

Test(db, query_log_and_statement_cache)
{
    mn_err err = { 0 };
    mn_db_log_enable(DB, true);
    uint64_t before = mn_db_statement_count(DB);
    for (int i = 0; i < 50; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        cr_assert_eq(insert(name, "1", i, &err), MN_OK, "%s", err.msg);
    }
    cr_assert_eq(mn_db_statement_count(DB) - before, 50);
    cr_assert_eq(mn_db_log_count(DB), 50);
    cr_assert(strstr(mn_db_log_entry(DB, 0)->sql, "INSERT INTO t_item"));
    cr_assert_eq(mn_db_log_entry(DB, 0)->nparams, 4);
    mn_db_log_clear(DB);
    cr_assert_eq(mn_db_log_count(DB), 0);
    cr_assert_eq(count(), 50);
}

Test(db, thread_connection_reused)
{
    mn_err err = { 0 };
    mn_db_config cfg = CFG;
    cfg.conn_max_age = 60;
    mn_db *a = mn_db_for_thread(&cfg, &err);
    cr_assert_not_null(a, "%s", err.msg);
    mn_db_thread_release();
    mn_db *b = mn_db_for_thread(&cfg, &err);
    cr_assert_eq(a, b);
    cfg.conn_max_age = 0;
    mn_db_thread_close();
}

Test(db, bad_connection_is_a_clear_error)
{
    mn_err err = { 0 };
    mn_db_config cfg = { .engine = MN_DB_SQLITE, .name = "/nonexistent-dir/x/db.sqlite3" };
    cr_assert_null(mn_db_open(&cfg, &err));
    cr_assert(strstr(err.msg, "cannot open SQLite database '/nonexistent-dir/x/db.sqlite3'"), "%s", err.msg);
    mn_db_config none = { 0 };
    cr_assert_null(mn_db_open(&none, &err));
    cr_assert(strstr(err.msg, "DATABASE_URL"), "%s", err.msg);
}

/* on_commit callbacks may themselves run a transaction with callbacks: each
 * registered callback runs exactly once, in order (Django pops them one by
 * one, so callbacks added while running are run after). */
static char trace[64];
static size_t ntrace;

static void note(void *arg)
{
    if (ntrace + 1 < sizeof trace)
        trace[ntrace++] = (char)(uintptr_t)arg;
    trace[ntrace] = '\0';
}

static void nested_txn(void *arg)
{
    note(arg);
    mn_err err = { 0 };
    cr_assert_eq(mn_db_begin(DB, &err), MN_OK, "%s", err.msg);
    mn_db_on_commit(DB, note, (void *)'C');
    mn_db_on_commit(DB, note, (void *)'D');
    mn_db_on_commit(DB, note, (void *)'E');
    cr_assert_eq(mn_db_commit(DB, &err), MN_OK, "%s", err.msg);
}

Test(db, on_commit_callbacks_that_commit_transactions)
{
    mn_err err = { 0 };
    ntrace = 0;
    trace[0] = '\0';
    cr_assert_eq(mn_db_begin(DB, &err), MN_OK, "%s", err.msg);
    mn_db_on_commit(DB, nested_txn, (void *)'A');
    mn_db_on_commit(DB, note, (void *)'B');
    cr_assert_eq(mn_db_commit(DB, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(trace, "ACDEB");
    cr_assert_eq(mn_db_depth(DB), 0);
}

/* When COMMIT itself fails (here a deferred foreign key), atomic rolls back
 * as Django's Atomic.__exit__ does: no transaction is left open. */
static int orphan_body(mn_db *db, void *ctx)
{
    (void)ctx;
    mn_err err = { 0 };
    mn_db_on_commit(db, bump, (void *)1);
    return mn_db_execute(db, "INSERT INTO t_child (id, parent_id) VALUES (1, 99)", NULL, 0, NULL, &err);
}

Test(db, atomic_rolls_back_when_commit_fails)
{
    mn_err err = { 0 };
    mn_db_execute(DB, "DROP TABLE IF EXISTS t_child", NULL, 0, NULL, &err);
    mn_db_execute(DB, "DROP TABLE IF EXISTS t_parent", NULL, 0, NULL, &err);
    cr_assert_eq(mn_db_execute(DB, "CREATE TABLE t_parent (id integer PRIMARY KEY)", NULL, 0, NULL, &err), MN_OK,
                 "%s", err.msg);
    cr_assert_eq(mn_db_execute(DB,
                               "CREATE TABLE t_child (id integer PRIMARY KEY, parent_id integer REFERENCES "
                               "t_parent (id) DEFERRABLE INITIALLY DEFERRED)",
                               NULL, 0, NULL, &err),
                 MN_OK, "%s", err.msg);
    calls = 0;
    cr_assert_eq(mn_db_atomic(DB, orphan_body, NULL, &err), MN_EPERM, "%s", err.msg);
    cr_assert_eq(mn_db_depth(DB), 0);
    cr_assert_eq(calls, 0);
    mn_value v;
    cr_assert_eq(mn_db_query_value(DB, "SELECT COUNT(*) FROM t_child", NULL, 0, A, &v, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(v.u.i, 0);
    /* The connection is usable for a new transaction. */
    cr_assert_eq(mn_db_begin(DB, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_execute(DB, "INSERT INTO t_parent (id) VALUES (1)", NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_commit(DB, &err), MN_OK, "%s", err.msg);
    mn_db_execute(DB, "DROP TABLE t_child", NULL, 0, NULL, &err);
    mn_db_execute(DB, "DROP TABLE t_parent", NULL, 0, NULL, &err);
}

/* %s is a placeholder everywhere in the text, inside quoted literals too
 * (as with Django's backends): a literal "%s" is written '%%s'. A
 * placeholder that lands inside a literal gives a clear error on both
 * backends instead of a misleading one. */
Test(db, placeholder_inside_a_literal)
{
    mn_err err = { 0 };
    mn_value x = mn_value_cstr("x");
    mn_value v;
    cr_assert_eq(mn_db_query_value(DB, "SELECT '%%s'", NULL, 0, A, &v, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(v.u.s, "%s"));
    int rc = mn_db_query_value(DB, "SELECT '%s'", &x, 1, A, &v, &err);
    cr_assert_neq(rc, MN_OK);
    if (mn_db_engine_of(DB) == MN_DB_SQLITE) {
        cr_assert_eq(rc, MN_EINVAL);
        cr_assert(strstr(err.msg, "inside a quoted literal"), "%s", err.msg);
    }
    /* The connection still works. */
    cr_assert_eq(mn_db_query_value(DB, "SELECT %s", &x, 1, A, &v, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(v.u.s, "x"));
}

/* A string longer than SQLite's int length must not be truncated at a NUL
 * or read past its end: it is refused as too big. */
Test(db, oversized_string_parameter)
{
    if (mn_db_engine_of(DB) != MN_DB_SQLITE)
        return;
    mn_err err = { 0 };
    static const char small[] = "abc";
    mn_value big = mn_value_str(mn_str_make(small, (size_t)INT32_MAX + 10));
    mn_value v;
    cr_assert_neq(mn_db_query_value(DB, "SELECT %s", &big, 1, A, &v, &err), MN_OK);
    cr_assert(strstr(err.msg, "too big"), "%s", err.msg);
}

/* Non-finite floats come back as floats (PostgreSQL sends them as the
 * words Infinity, -Infinity and NaN). */
Test(db, non_finite_floats_are_read)
{
    mn_err err = { 0 };
    mn_value v;
    bool pg = mn_db_engine_of(DB) == MN_DB_POSTGRES;
    cr_assert_eq(mn_db_query_value(DB, pg ? "SELECT 'Infinity'::float8" : "SELECT 1e999", NULL, 0, A, &v, &err), MN_OK,
                 "%s", err.msg);
    cr_assert_eq(v.type, MN_VALUE_FLOAT);
    cr_assert(isinf(v.u.f) && v.u.f > 0);
    cr_assert_eq(mn_db_query_value(DB, pg ? "SELECT '-Infinity'::float8" : "SELECT -1e999", NULL, 0, A, &v, &err),
                 MN_OK, "%s", err.msg);
    cr_assert(isinf(v.u.f) && v.u.f < 0);
    if (pg) {
        cr_assert_eq(mn_db_query_value(DB, "SELECT 'NaN'::float8", NULL, 0, A, &v, &err), MN_OK, "%s", err.msg);
        cr_assert(isnan(v.u.f));
    }
    /* And they can be sent. */
    mn_value inf = mn_value_float(HUGE_VAL);
    cr_assert_eq(mn_db_query_value(DB, pg ? "SELECT %s::float8" : "SELECT %s", &inf, 1, A, &v, &err), MN_OK, "%s",
                 err.msg);
    cr_assert(isinf(v.u.f) && v.u.f > 0);
}

/* A cached statement must keep working after the table it reads changes
 * shape on the same connection (migrations do this): PostgreSQL refuses a
 * prepared "SELECT *" whose result type changed. */
Test(db, cached_statement_survives_schema_change)
{
    mn_err err = { 0 };
    mn_db_execute(DB, "DROP TABLE IF EXISTS t_shape", NULL, 0, NULL, &err);
    cr_assert_eq(mn_db_execute(DB, "CREATE TABLE t_shape (a integer)", NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_execute(DB, "INSERT INTO t_shape (a) VALUES (1)", NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    for (int round = 0; round < 2; round++) {
        bool in_txn = round == 1;
        if (in_txn)
            cr_assert_eq(mn_db_begin(DB, &err), MN_OK, "%s", err.msg);
        mn_db_rows *rows;
        cr_assert_eq(mn_db_execute(DB, "SELECT * FROM t_shape", NULL, 0, &rows, &err), MN_OK, "%s", err.msg);
        size_t before = mn_db_rows_columns(rows);
        mn_db_rows_close(rows);
        const char *alter = round == 0 ? "ALTER TABLE t_shape ADD COLUMN b integer" : "ALTER TABLE t_shape ADD COLUMN c text";
        cr_assert_eq(mn_db_execute(DB, alter, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
        cr_assert_eq(mn_db_execute(DB, "SELECT * FROM t_shape", NULL, 0, &rows, &err), MN_OK, "round %d: %s", round,
                     err.msg);
        cr_assert_eq(mn_db_rows_columns(rows), before + 1);
        cr_assert_eq(mn_db_rows_next(rows, &err), MN_OK);
        mn_db_rows_close(rows);
        if (in_txn)
            cr_assert_eq(mn_db_commit(DB, &err), MN_OK, "%s", err.msg);
    }
    mn_db_execute(DB, "DROP TABLE t_shape", NULL, 0, NULL, &err);
}

/* The same when another connection (a migration run by another process)
 * changes the table: outside a transaction the statement is prepared again
 * and succeeds; inside one the transaction fails (PostgreSQL aborted it),
 * and the next one works. */
Test(db, cached_statement_survives_schema_change_elsewhere)
{
    if (mn_db_engine_of(DB) != MN_DB_POSTGRES) /* SQLite in memory: one database per connection */
        return;
    mn_err err = { 0 };
    mn_db *other = mn_db_open(&CFG, &err);
    cr_assert_not_null(other, "%s", err.msg);
    mn_db_execute(DB, "DROP TABLE IF EXISTS t_shape2", NULL, 0, NULL, &err);
    cr_assert_eq(mn_db_execute(DB, "CREATE TABLE t_shape2 (a integer)", NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_execute(DB, "INSERT INTO t_shape2 (a) VALUES (1)", NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    mn_db_rows *rows;
    cr_assert_eq(mn_db_execute(DB, "SELECT * FROM t_shape2", NULL, 0, &rows, &err), MN_OK, "%s", err.msg);
    mn_db_rows_close(rows);
    cr_assert_eq(mn_db_execute(other, "ALTER TABLE t_shape2 ADD COLUMN b integer", NULL, 0, NULL, &err), MN_OK, "%s",
                 err.msg);
    cr_assert_eq(mn_db_execute(DB, "SELECT * FROM t_shape2", NULL, 0, &rows, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_rows_columns(rows), 2);
    mn_db_rows_close(rows);
    cr_assert_eq(mn_db_execute(other, "ALTER TABLE t_shape2 ADD COLUMN c integer", NULL, 0, NULL, &err), MN_OK, "%s",
                 err.msg);
    cr_assert_eq(mn_db_begin(DB, &err), MN_OK, "%s", err.msg);
    int rc = mn_db_execute(DB, "SELECT * FROM t_shape2", NULL, 0, &rows, &err);
    if (rc == MN_OK)
        mn_db_rows_close(rows);
    cr_assert_eq(mn_db_rollback(DB, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_execute(DB, "SELECT * FROM t_shape2", NULL, 0, &rows, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_rows_columns(rows), 3);
    mn_db_rows_close(rows);
    mn_db_close(other);
    mn_db_execute(DB, "DROP TABLE t_shape2", NULL, 0, NULL, &err);
}

/* ---- statement observers and the manouche.db.backends log ---- */

static size_t observed;
static char last_sql[256];
static void observe(void *udata, const mn_db *db, const char *sql, size_t nparams, double seconds)
{
    (void)db, (void)seconds;
    *(size_t *)udata += nparams;
    observed++;
    snprintf(last_sql, sizeof last_sql, "%s", sql);
}

Test(db, observers_see_every_statement)
{
    mn_err err = { 0 };
    size_t params = 0;
    mn_db_observer o = { .fn = observe, .udata = &params };
    mn_db_observer_add(&o);
    mn_db_observer_add(&o); /* idempotent */
    cr_assert_eq(insert("a", "1.00", 1, &err), MN_OK, "%s", err.msg);
    cr_expect_eq(count(), 1);
    cr_expect_eq(observed, 2);
    cr_expect_eq(params, 4);
    cr_expect(strstr(last_sql, "COUNT"), "%s", last_sql);
    mn_db_observer_remove(&o);
    mn_db_observer_remove(&o);
    count();
    cr_expect_eq(observed, 2, "removed: not called");
}

static char logged[1024];
static void capture(void *ctx, const mn_log_record *rec)
{
    (void)ctx;
    if (!strcmp(rec->logger, "manouche.db.backends"))
        snprintf(logged, sizeof logged, "%.*s", MN_STR_FMT(rec->line));
}

Test(db, sql_logged_at_debug)
{
    mn_err err = { 0 };
    mn_log_set_capture(capture, NULL);
    cr_assert_eq(insert("quiet", "1.00", 1, &err), MN_OK);
    cr_expect_str_eq(logged, "", "nothing below DEBUG");
    mn_log_set_level("manouche.db.backends", MN_LOG_DEBUG);
    cr_assert_eq(insert("it's", "2.50", 7, &err), MN_OK, "%s", err.msg);
    cr_expect(strstr(logged, "level=DEBUG logger=manouche.db.backends msg=\"INSERT"), "%s", logged);
    cr_expect(strstr(logged, "args=\"(\\\"it's\\\", '2.50', 7, 0.5)\""), "%s", logged);
    cr_expect(strstr(logged, " duration=0.0"), "%s", logged);
    mn_log_reset();
}

static int ext_freed;
static void ext_free(void *p)
{
    ext_freed++;
    free(p);
}

Test(db, hashed_execute_storage_types_and_extension_slot)
{
    mn_err err = { 0 };
    cr_assert_eq(insert("lamp", "19.99", 3, &err), MN_OK, "%s", err.msg);
    const char *sql = "SELECT id, name, qty, ratio, price, NULL FROM t_item WHERE qty >= %s";
    uint64_t h = mn_db_sql_hash(sql);
    cr_assert_eq(h, mn_db_sql_hash(sql));
    cr_assert_neq(h, mn_db_sql_hash("SELECT 1"));
    for (int round = 0; round < 2; round++) {
        mn_value p = mn_value_int(round);
        mn_db_rows *rows;
        cr_assert_eq(mn_db_execute_hashed(DB, sql, h, &p, 1, &rows, &err), MN_OK, "%s", err.msg);
        cr_assert_eq(mn_db_rows_next(rows, &err), MN_OK);
        cr_assert_eq(mn_db_rows_type(rows, 0), MN_VALUE_INT);
        cr_assert_eq(mn_db_rows_type(rows, 1), MN_VALUE_STR);
        cr_assert_eq(mn_db_rows_type(rows, 2), MN_VALUE_INT);
        cr_assert_eq(mn_db_rows_type(rows, 3), MN_VALUE_FLOAT);
        cr_assert_eq(mn_db_rows_type(rows, 5), MN_VALUE_NULL);
        mn_db_cell cell;
        mn_db_rows_cell(rows, 1, &cell);
        cr_assert_eq(cell.type, MN_VALUE_STR);
        cr_assert(mn_str_eq_cstr(cell.s, "lamp"));
        mn_db_rows_cell(rows, 2, &cell);
        cr_assert_eq(cell.type, MN_VALUE_INT);
        cr_assert_eq(cell.i, 3);
        mn_db_rows_cell(rows, 3, &cell);
        cr_assert_eq(cell.type, MN_VALUE_FLOAT);
        cr_assert_float_eq(cell.f, 0.5, 1e-12);
        mn_db_rows_cell(rows, 5, &cell);
        cr_assert_eq(cell.type, MN_VALUE_NULL);
        /* a whole row at once, as cell by cell; past the last column: NULL */
        mn_db_cell cells[7];
        size_t text = mn_db_rows_cells(rows, 0, 7, cells), want = 0;
        for (size_t i = 0; i < 7; i++)
            want += cells[i].type == MN_VALUE_STR ? cells[i].s.len : 0;
        cr_assert_eq(text, want, "the text cells' total length");
        cr_assert_geq(text, 4);
        for (size_t i = 0; i < 6; i++) {
            mn_db_rows_cell(rows, i, &cell);
            cr_assert_eq(cells[i].type, cell.type, "column %zu", i);
            if (cell.type == MN_VALUE_INT)
                cr_assert_eq(cells[i].i, cell.i, "column %zu", i);
            else if (cell.type == MN_VALUE_STR)
                cr_assert(mn_str_eq(cells[i].s, cell.s), "column %zu", i);
        }
        cr_assert(mn_str_eq_cstr(cells[1].s, "lamp"));
        cr_assert_eq(cells[2].i, 3);
        cr_assert_float_eq(cells[3].f, 0.5, 1e-12);
        cr_assert_eq(cells[6].type, MN_VALUE_NULL);
        mn_db_rows_cells(rows, 2, 2, cells);
        cr_assert_eq(cells[0].i, 3);
        cr_assert_eq(cells[1].type, MN_VALUE_FLOAT);
        mn_db_rows_cells(rows, 40, 1, cells);
        cr_assert_eq(cells[0].type, MN_VALUE_NULL);
        mn_db_rows_close(rows);
    }
    /* a wrong parameter count is still an error on the hashed path */
    cr_assert_eq(mn_db_execute_hashed(DB, sql, h, NULL, 0, NULL, &err), MN_EINVAL);

    cr_assert_null(mn_db_ext(DB));
    ext_freed = 0;
    void *one = malloc(8), *two = malloc(8);
    mn_db_set_ext(DB, one, ext_free);
    cr_assert_eq(mn_db_ext(DB), one);
    mn_db_set_ext(DB, one, ext_free);
    cr_assert_eq(ext_freed, 0, "setting the same data again keeps it");
    mn_db_set_ext(DB, two, ext_free);
    cr_assert_eq(ext_freed, 1);
    cr_assert_eq(mn_db_ext(DB), two);
    mn_db_close(DB);
    cr_assert_eq(ext_freed, 2, "closing the connection frees the data");
    DB = mn_db_open(&CFG, &err);
    cr_assert_not_null(DB, "%s", err.msg);
}

/* Two structs a row is stored into (mn_db_rows_store). */
struct stored_a {
    int64_t id;
    mn_str name;
    int32_t qty;
    double ratio;
    bool flag;
    int16_t small;
    int64_t untouched;
};
struct stored_b {
    int64_t i;
    mn_str t;
    int64_t null_int;
};

Test(db, rows_store_into_structs)
{
    mn_err err = { 0 };
    cr_assert_eq(insert("lamp", "19.99", 3, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(insert("desk", NULL, 70000, &err), MN_OK, "%s", err.msg);
    /* columns: 0 id, 1 name, 2 qty, 3 ratio, 4 qty, 5 qty, 6 price, 7 name,
     * 8 qty, 9 NULL, 10 name, 11 ratio, 12 id (skipped), 13 past the end */
    const char *sql = "SELECT id, name, qty, ratio, qty, qty, price, name, qty, NULL, name, ratio, id FROM t_item "
                      "ORDER BY id";
    enum { N = 14 };
    mn_db_store plan[N] = {
        { offsetof(struct stored_a, id), MN_DB_AS_I64, 0, { 0 }, 0 },
        { offsetof(struct stored_a, name), MN_DB_AS_TEXT, 0, { 0 }, 0 },
        { offsetof(struct stored_a, qty), MN_DB_AS_I32, 0, { 0 }, 0 },
        { offsetof(struct stored_a, ratio), MN_DB_AS_F64, 0, { 0 }, 0 },
        { offsetof(struct stored_a, flag), MN_DB_AS_BOOL, 0, { 0 }, 0 },
        { offsetof(struct stored_a, small), MN_DB_AS_I16, 0, { 0 }, 0 },
        { 0, MN_DB_AS_CELL, 1, { 0 }, 0 },                              /* always a cell */
        { offsetof(struct stored_b, i), MN_DB_AS_I64, 1, { 0 }, 0 },    /* a text: a cell */
        { offsetof(struct stored_b, t), MN_DB_AS_TEXT, 1, { 0 }, 0 },   /* an integer: a cell */
        { offsetof(struct stored_b, null_int), MN_DB_AS_I64, 1, { 0 }, 0 }, /* NULL: a cell */
        { offsetof(struct stored_b, t), MN_DB_AS_F64, 1, { 0 }, 0 },    /* a text: a cell */
        { offsetof(struct stored_b, i), MN_DB_AS_I64, 1, { 0 }, 0 },    /* a float: a cell */
        { offsetof(struct stored_a, untouched), MN_DB_AS_SKIP, 0, { 0 }, 0 },
        { offsetof(struct stored_a, untouched), MN_DB_AS_I64, 0, { 0 }, 0 }, /* no such column: NULL */
    };
    mn_db_rows *rows;
    cr_assert_eq(mn_db_execute(DB, sql, NULL, 0, &rows, &err), MN_OK, "%s", err.msg);
    for (int r = 0; r < 2; r++) {
        cr_assert_eq(mn_db_rows_next(rows, &err), MN_OK);
        struct stored_a a = { .untouched = -7 };
        struct stored_b b = { .i = -1, .null_int = -2 };
        void *dst[] = { &a, &b };
        mn_db_cell cells[N];
        mn_db_stored st = { .cells = cells };
        mn_db_rows_store(rows, 0, N, plan, dst, &st);
        cr_assert_eq(a.id, r + 1);
        cr_assert(mn_str_eq_cstr(a.name, r ? "desk" : "lamp"));
        cr_assert_eq(a.qty, r ? 70000 : 3);
        cr_assert_float_eq(a.ratio, 0.5, 1e-12);
        cr_assert(a.flag);
        cr_assert_eq(a.small, r ? (int16_t)70000 : 3, "truncated as a cast does");
        cr_assert_eq(a.untouched, -7);
        cr_assert_eq(b.i, -1, "left to the caller");
        cr_assert_eq(b.null_int, -2, "left to the caller");
        cr_assert_eq(st.texts, UINT64_C(1) << 1);
        cr_assert_eq(st.bytes, a.name.len + 1, "the texts and a NUL each");
        uint64_t rest = 0;
        for (int k = 6; k <= 11; k++)
            rest |= UINT64_C(1) << k;
        cr_assert_eq(st.rest, rest | UINT64_C(1) << 13, "%llx", (unsigned long long)st.rest);
        /* the cells of the rest, as mn_db_rows_cell gives them */
        for (int k = 6; k <= 11; k++) {
            mn_db_cell c;
            mn_db_rows_cell(rows, (size_t)k, &c);
            cr_assert_eq(cells[k].type, c.type, "column %d", k);
            if (c.type == MN_VALUE_INT)
                cr_assert_eq(cells[k].i, c.i, "column %d", k);
            else if (c.type == MN_VALUE_FLOAT)
                cr_assert_float_eq(cells[k].f, c.f, 1e-12, "column %d", k);
            else if (c.type == MN_VALUE_STR)
                cr_assert(mn_str_eq(cells[k].s, c.s), "column %d", k);
        }
        cr_assert_eq(cells[6].type, r ? MN_VALUE_NULL : mn_db_engine_of(DB) == MN_DB_POSTGRES ? MN_VALUE_STR : MN_VALUE_FLOAT);
        cr_assert_eq(cells[7].type, MN_VALUE_STR);
        cr_assert_eq(cells[8].type, MN_VALUE_INT);
        cr_assert_eq(cells[8].i, r ? 70000 : 3);
        cr_assert_eq(cells[9].type, MN_VALUE_NULL);
        cr_assert_eq(cells[11].type, MN_VALUE_FLOAT);
        cr_assert_eq(cells[13].type, MN_VALUE_NULL);
        /* a run from the middle of the row */
        mn_db_rows_store(rows, 8, 2, plan + 8, dst, &st);
        cr_assert_eq(st.rest, 3);
        cr_assert_eq(st.texts, 0);
        cr_assert_eq(st.bytes, 0);
        cr_assert_eq(cells[0].i, r ? 70000 : 3);
        cr_assert_eq(cells[1].type, MN_VALUE_NULL);
    }
    cr_assert_eq(mn_db_rows_next(rows, &err), MN_ENOTFOUND);
    mn_db_rows_close(rows);
}

Test(db, rows_store_texts_and_decimals)
{
    mn_err err = { 0 };
    cr_assert_eq(insert("lamp", "19.99", 3, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(insert("a longer name", "0.125", 70000, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(insert("desk", NULL, 2000000000, &err), MN_OK, "%s", err.msg);
    bool pg = mn_db_engine_of(DB) == MN_DB_POSTGRES;
    struct {
        mn_str name;
        mn_decimal price, qty, ratio;
    } o;
    const mn_db_store plan[] = {
        { offsetof(__typeof__(o), name), MN_DB_AS_TEXT, 0, { 0 }, 0 },
        { offsetof(__typeof__(o), price), MN_DB_AS_DECIMAL, 0, { 0 }, 2 },
        { offsetof(__typeof__(o), qty), MN_DB_AS_DECIMAL, 0, { 0 }, 2 },
        { offsetof(__typeof__(o), ratio), MN_DB_AS_DECIMAL, 0, { 0 }, 0 },
    };
    mn_db_rows *rows;
    cr_assert_eq(mn_db_execute(DB, "SELECT name, price, qty, ratio FROM t_item ORDER BY id", NULL, 0, &rows, &err),
                 MN_OK, "%s", err.msg);
    char room[10];
    size_t used = 0;
    for (int r = 0; r < 3; r++) {
        cr_assert_eq(mn_db_rows_next(rows, &err), MN_OK);
        memset(&o, 0, sizeof o);
        void *dst[] = { &o };
        mn_db_cell cells[4];
        mn_db_stored st = { .cells = cells, .text = room + used, .text_left = sizeof room - used };
        mn_db_rows_store(rows, 0, 4, plan, dst, &st);
        char *s;
        switch (r) {
        case 0: /* "lamp" and its NUL fit in the room: copied there */
            cr_assert_eq(o.name.ptr, room);
            cr_assert_str_eq(o.name.ptr, "lamp");
            cr_assert_eq(st.text, room + 5);
            cr_assert_eq(st.text_left, sizeof room - 5);
            cr_assert_eq(st.texts, 0);
            cr_assert_eq(st.bytes, 0);
            /* SQLite: the REAL 19.99 is 1999e-2; PostgreSQL: numeric text */
            if (pg) {
                cr_assert_eq(st.rest, 2 | 8, "%llx", (unsigned long long)st.rest);
                cr_assert_eq(cells[1].type, MN_VALUE_STR);
            } else {
                s = mn_decimal_to_cstr(A, o.price);
                cr_assert_str_eq(s, "19.99");
                cr_assert_eq(st.rest, 8, "the ratio 0.5 has no integer value: a cell");
            }
            s = mn_decimal_to_cstr(A, o.qty);
            cr_assert_str_eq(s, "3.00", "an INTEGER takes the scale");
            cr_assert_eq(cells[3].type, MN_VALUE_FLOAT);
            break;
        case 1: /* 13 bytes do not fit in the 5 left: borrowed */
            cr_assert_str_eq(mn_str_dup(A, o.name), "a longer name");
            cr_assert(o.name.ptr < room || o.name.ptr >= room + sizeof room);
            cr_assert_eq(st.texts, 1);
            cr_assert_eq(st.bytes, 14);
            cr_assert_eq(st.text_left, sizeof room - 5, "the room is left as it was");
            /* 0.125 has three places: a cell for the caller (the text path) */
            cr_assert(st.rest & 2);
            s = mn_decimal_to_cstr(A, o.qty);
            cr_assert_str_eq(s, "70000.00");
            break;
        default: /* NULL, and an INTEGER of 10^9 or more: cells */
            cr_assert_eq(cells[1].type, MN_VALUE_NULL);
            cr_assert_eq(cells[2].type, MN_VALUE_INT);
            cr_assert_eq(st.rest, 2 | 4 | 8);
            cr_assert_eq(o.name.ptr, room + 5, "\"desk\" fits in the 5 bytes left");
            cr_assert_str_eq(o.name.ptr, "desk");
            cr_assert_eq(st.text_left, 0);
            break;
        }
        used = sizeof room - st.text_left;
    }
    mn_db_rows_close(rows);
}

Test(db, rows_next_store_reads_and_stores_each_row)
{
    mn_err err = { 0 };
    cr_assert_eq(insert("lamp", "19.99", 3, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(insert("desk", NULL, 7, &err), MN_OK, "%s", err.msg);
    struct {
        int64_t id;
        mn_str name;
        int32_t qty;
    } o[3];
    const mn_db_store plan[] = {
        { offsetof(__typeof__(o[0]), id), MN_DB_AS_I64, 0, { 0 }, 0 },
        { offsetof(__typeof__(o[0]), name), MN_DB_AS_TEXT, 0, { 0 }, 0 },
        { offsetof(__typeof__(o[0]), qty), MN_DB_AS_I32, 0, { 0 }, 0 },
    };
    mn_db_rows *rows;
    cr_assert_eq(mn_db_execute(DB, "SELECT id, name, qty FROM t_item ORDER BY id", NULL, 0, &rows, &err), MN_OK, "%s",
                 err.msg);
    char room[64];
    mn_db_cell cells[3];
    mn_db_stored st = { .cells = cells, .text = room, .text_left = sizeof room };
    memset(o, 0, sizeof o);
    for (int r = 0; r < 2; r++) {
        void *dst[] = { &o[r] };
        cr_assert_eq(mn_db_rows_next_store(rows, 3, plan, dst, &st, &err), MN_OK, "%s", err.msg);
        cr_assert_eq(st.rest, 0);
        cr_assert_eq(st.texts, 0);
    }
    void *dst[] = { &o[2] };
    o[2].qty = -5;
    cr_assert_eq(mn_db_rows_next_store(rows, 3, plan, dst, &st, &err), MN_ENOTFOUND);
    cr_assert_eq(o[2].qty, -5, "nothing stored past the last row");
    cr_assert_eq(o[1].id, o[0].id + 1);
    cr_assert_str_eq(o[0].name.ptr, "lamp");
    cr_assert_str_eq(o[1].name.ptr, "desk");
    cr_assert_eq(o[1].name.ptr, room + 5, "both names copied into the room, one after the other");
    cr_assert_eq(o[0].qty, 3);
    cr_assert_eq(o[1].qty, 7);
    mn_db_rows_close(rows);
    cr_assert_eq(mn_db_rows_next_store(NULL, 3, plan, dst, &st, &err), MN_ENOTFOUND, "no rows: the end");
}

Test(db, server_side_cursors)
{
    mn_err err = { 0 };
    if (mn_db_engine_of(DB) != MN_DB_POSTGRES) {
        cr_assert_null(mn_db_cursor_open(DB, "SELECT 1", NULL, 0, &err));
        cr_assert_eq(err.code, MN_EINVAL);
        cr_assert_str_eq(err.msg, "server-side cursors need PostgreSQL");
        return;
    }
    mn_value to = mn_value_int(5);
    mn_db_cursor *a = mn_db_cursor_open(DB, "SELECT g FROM generate_series(1, %s) g", &to, 1, &err);
    cr_assert_not_null(a, "%s", err.msg);
    mn_db_cursor *b = mn_db_cursor_open(DB, "SELECT g FROM generate_series(1, %s) g", &to, 1, &err);
    cr_assert_not_null(b, "%s", err.msg);
    int64_t seen = 0;
    for (int chunk = 0; chunk < 3; chunk++) {
        mn_db_rows *rows;
        cr_assert_eq(mn_db_cursor_fetch(a, 2, &rows, &err), MN_OK, "%s", err.msg);
        size_t got = 0;
        while (mn_db_rows_next(rows, &err) == MN_OK) {
            cr_assert_eq(mn_db_rows_int(rows, 0), ++seen);
            got++;
        }
        mn_db_rows_close(rows);
        cr_assert_eq(got, chunk < 2 ? 2u : 1u);
        cr_assert_eq(count(), 0, "other statements run between fetches");
    }
    mn_db_cursor_close(a);
    mn_db_cursor_close(b);
    /* a bad query fails at open */
    cr_assert_null(mn_db_cursor_open(DB, "SELECT nope FROM t_item", NULL, 0, &err));
    cr_assert_eq(err.code, MN_EDB);
    /* at most 64 at once */
    mn_db_cursor *open[64];
    for (int i = 0; i < 64; i++)
        cr_assert_not_null(open[i] = mn_db_cursor_open(DB, "SELECT 1", NULL, 0, &err), "%s", err.msg);
    cr_assert_null(mn_db_cursor_open(DB, "SELECT 1", NULL, 0, &err));
    cr_assert_eq(err.code, MN_ELIMIT);
    for (int i = 0; i < 64; i++)
        mn_db_cursor_close(open[i]);
    mn_db_cursor_close(NULL);
}

/* ---- mn_db_execute_ref: a statement kept by the caller ---- */

static int64_t ref_query(mn_db *db, const char *sql, mn_db_stmt_ref *ref, int64_t arg, size_t *ncols, mn_err *err)
{
    mn_value p[] = { mn_value_int(arg) };
    mn_db_rows *rows;
    int rc = mn_db_execute_ref(db, sql, mn_db_sql_hash(sql), ref, p, 1, &rows, err);
    if (rc != MN_OK)
        return -1;
    cr_assert_eq(mn_db_rows_next(rows, err), MN_OK, "%s", err->msg);
    int64_t v = mn_db_rows_int(rows, 0);
    if (ncols)
        *ncols = mn_db_rows_columns(rows);
    mn_db_rows_close(rows);
    return v;
}

/* The statement is reused without searching the cache, every run is still
 * logged and observed, and the ref is given up when the cache drops it:
 * DDL (PostgreSQL), overflow, or a ref from another connection. */
Test(db, statement_ref_reuse_and_invalidation)
{
    mn_err err = { 0 };
    const char *sql = "SELECT qty + %s, t_item.* FROM t_item WHERE name = 'a'";
    cr_assert_eq(insert("a", "1", 5, &err), MN_OK, "%s", err.msg);
    mn_db_stmt_ref ref = { 0 };
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    size_t ncols = 0;
    cr_assert_eq(ref_query(DB, sql, &ref, 1, &ncols, &err), 6, "%s", err.msg);
    cr_assert_not_null(ref.stmt);
    mn_db_stmt_ref first = ref;
    for (int i = 2; i < 10; i++)
        cr_assert_eq(ref_query(DB, sql, &ref, i, NULL, &err), 5 + i, "%s", err.msg);
    cr_assert_eq(ref.stmt, first.stmt);
    cr_assert_eq(ref.epoch, first.epoch);
    cr_assert_eq(mn_db_log_count(DB), 9, "every run is logged");
    /* the plain path finds the same statement */
    mn_db_rows *rows;
    cr_assert_eq(mn_db_execute(DB, "SELECT 1", NULL, 0, &rows, &err), MN_OK, "%s", err.msg);
    mn_db_rows_close(rows);
    mn_db_log_enable(DB, false);

    /* a schema change between runs: the new column is read */
    cr_assert_eq(mn_db_execute(DB, "ALTER TABLE t_item ADD COLUMN extra integer", NULL, 0, NULL, &err), MN_OK, "%s",
                 err.msg);
    size_t after = 0;
    cr_assert_eq(ref_query(DB, sql, &ref, 1, &after, &err), 6, "%s", err.msg);
    cr_assert_eq(after, ncols + 1);
    if (mn_db_engine_of(DB) == MN_DB_POSTGRES)
        cr_assert_neq(ref.epoch, first.epoch, "DDL dropped the prepared statements");
    cr_assert_eq(ref_query(DB, sql, &ref, 2, NULL, &err), 7, "%s", err.msg);

    /* the cache overflowing drops every statement, this one too */
    mn_db_stmt_ref before = ref;
    for (int i = 0; i < 600; i++) {
        char text[64];
        snprintf(text, sizeof text, "SELECT %d", i);
        cr_assert_eq(mn_db_execute(DB, text, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    }
    cr_assert_eq(ref_query(DB, sql, &ref, 3, NULL, &err), 8, "%s", err.msg);
    cr_assert_neq(ref.epoch, before.epoch);

    /* another connection never takes this one's statement; a ref from a
     * closed connection is not taken either */
    mn_db *other = mn_db_open(&CFG, &err);
    cr_assert_not_null(other, "%s", err.msg);
    mn_db_stmt_ref mine = ref;
    cr_assert_eq(ref_query(other, "SELECT %s + 40", &ref, 2, NULL, &err), 42, "%s", err.msg);
    cr_assert_neq(ref.epoch, mine.epoch);
    mn_db_stmt_ref theirs = ref;
    mn_db_close(other);
    cr_assert_eq(ref_query(DB, "SELECT %s + 40", &ref, 3, NULL, &err), 43, "%s", err.msg);
    cr_assert_neq(ref.epoch, theirs.epoch);
    cr_assert_eq(ref.epoch, mine.epoch, "back to this connection's cache");
    /* a ref that names a closed connection's statement, epoch and all */
    ref = theirs;
    cr_assert_eq(ref_query(DB, "SELECT %s + 40", &ref, 4, NULL, &err), 44, "%s", err.msg);

    /* a ref found for another text is not taken */
    cr_assert_eq(ref_query(DB, sql, &ref, 1, NULL, &err), 6, "%s", err.msg);
    /* a wrong parameter count is still an error, the ref kept usable */
    mn_db_rows *r2;
    cr_assert_eq(mn_db_execute_ref(DB, sql, mn_db_sql_hash(sql), &ref, NULL, 0, &r2, &err), MN_EINVAL);
    cr_assert_eq(ref_query(DB, sql, &ref, 1, NULL, &err), 6, "%s", err.msg);
}

/* PostgreSQL: the thread's connection reopened after the server ended it
 * has none of the old prepared statements; a ref from before must not
 * name one. */
Test(db, statement_ref_after_reconnect)
{
    if (mn_db_engine_of(DB) != MN_DB_POSTGRES)
        return;
    mn_err err = { 0 };
    mn_db_config cfg = CFG;
    mn_db *t = mn_db_for_thread(&cfg, &err);
    cr_assert_not_null(t, "%s", err.msg);
    mn_db_stmt_ref ref = { 0 };
    cr_assert_eq(ref_query(t, "SELECT %s::integer + 1", &ref, 1, NULL, &err), 2, "%s", err.msg);
    mn_value pid;
    cr_assert_eq(mn_db_query_value(t, "SELECT pg_backend_pid()", NULL, 0, A, &pid, &err), MN_OK, "%s", err.msg);
    mn_value p[] = { pid };
    cr_assert_eq(mn_db_execute(DB, "SELECT pg_terminate_backend(%s)", p, 1, NULL, &err), MN_OK, "%s", err.msg);
    int rc = MN_OK;
    for (int i = 0; i < 50 && rc == MN_OK; i++) { /* the server ends it asynchronously */
        rc = ref_query(t, "SELECT %s::integer + 1", &ref, 1, NULL, &err) == 2 ? MN_OK : MN_EDB;
        if (rc == MN_OK)
            usleep(20000);
    }
    cr_assert_eq(rc, MN_EDB, "the connection was ended");
    mn_db *again = mn_db_for_thread(&cfg, &err);
    cr_assert_eq(again, t, "reopened in place");
    cr_assert_eq(ref_query(t, "SELECT %s::integer + 1", &ref, 41, NULL, &err), 42, "%s", err.msg);
    mn_db_thread_close();
}
