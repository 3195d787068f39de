/* The server tests/integration/fiber_pg.sh drives: views on the thread's
 * PostgreSQL connection (DATABASE_URL, table world from tfb_seed) that use
 * transactions and errors while other requests of the same thread share
 * the pipelined connection.
 *   fiber_pg_server ADDR
 * Views (text/plain answers):
 *   /get?id=N                 the row's randomnumber
 *   /atomic?id=N&v=V&fail=F   mn_db_atomic: UPDATE, a pause, then (F=1) a
 *                             failing query: "committed oncommit=1" or
 *                             "rolled back oncommit=0"
 *   /raw?id=N&v=V&fail=F      the same with raw BEGIN/COMMIT/ROLLBACK
 *   /leave_open?id=N&v=V      mn_db_begin + UPDATE, never committed
 *   /bad                      a failing query, then a good one: "error then 42"
 *   /depth                    mn_db_depth as a new request sees it
 *   /sleep?ms=N               pg_sleep on the server: "slept" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

static mn_db_config g_cfg;

static int64_t qint(mn_request *req, const char *k, int64_t def)
{
    mn_str v;
    int64_t n;
    if (!mn_querydict_get(mn_request_query(req), k, &v) || mn_str_to_i64(v, &n))
        return def;
    return n;
}

static mn_response *text(mn_request *req, const char *fmt, const char *a, const char *b)
{
    char *s = mn_arena_sprintf(mn_request_arena(req), fmt, a, b);
    return mn_response_text(req, 200, "text/plain", mn_str_from(s));
}

typedef struct txn_ctx {
    int64_t id, v;
    bool fail;
    int committed; /* set by the on_commit callback */
    bool depth_ok;
    mn_err err;
} txn_ctx;

static void on_commit(void *arg) { ((txn_ctx *)arg)->committed++; }

static int in_txn(mn_db *db, void *arg)
{
    txn_ctx *t = arg;
    mn_value p[2] = { mn_value_int(t->v), mn_value_int(t->id) };
    t->depth_ok = mn_db_depth(db) == 1;
    int rc = mn_db_execute(db, "UPDATE world SET randomnumber = %s WHERE id = %s", p, 2, NULL, &t->err);
    if (rc)
        return rc;
    mn_db_on_commit(db, on_commit, t);
    /* A pause inside the transaction: other requests arrive meanwhile and
     * must wait for the connection instead of running inside this one. */
    rc = mn_db_execute(db, "SELECT pg_sleep(0.002)", NULL, 0, NULL, &t->err);
    if (rc)
        return rc;
    if (t->fail)
        return mn_db_execute(db, "SELECT * FROM no_such_table", NULL, 0, NULL, &t->err);
    return MN_OK;
}

static mn_response *route(mn_request *req, void *ctx)
{
    (void)ctx;
    mn_str path = mn_request_path(req);
    mn_err err = { 0 };
    mn_db *db = mn_db_for_thread(&g_cfg, &err);
    if (!db)
        return text(req, "no database: %s%s", err.msg, "");
    if (mn_str_eq_cstr(path, "/get")) {
        mn_value p = mn_value_int(qint(req, "id", 1)), out;
        if (mn_db_query_value(db, "SELECT randomnumber FROM world WHERE id = %s", &p, 1, NULL, &out, &err) ||
            out.type != MN_VALUE_INT)
            return text(req, "error: %s%s", err.msg, "");
        return text(req, "%s%s", mn_arena_sprintf(mn_request_arena(req), "%lld", (long long)out.u.i), "");
    }
    if (mn_str_eq_cstr(path, "/atomic")) {
        txn_ctx t = { .id = qint(req, "id", 1), .v = qint(req, "v", 1), .fail = qint(req, "fail", 0) != 0 };
        int rc = mn_db_atomic(db, in_txn, &t, &err);
        if (!t.depth_ok)
            return text(req, "wrong depth inside atomic%s%s", "", "");
        if (mn_db_depth(db) != 0)
            return text(req, "still in a transaction after atomic%s%s", "", "");
        return text(req, "%s oncommit=%s", rc == MN_OK ? "committed" : "rolled back", t.committed ? "1" : "0");
    }
    if (mn_str_eq_cstr(path, "/raw")) {
        txn_ctx t = { .id = qint(req, "id", 1), .v = qint(req, "v", 1), .fail = qint(req, "fail", 0) != 0 };
        if (mn_db_execute(db, "BEGIN", NULL, 0, NULL, &err))
            return text(req, "begin failed: %s%s", err.msg, "");
        mn_value p[2] = { mn_value_int(t.v), mn_value_int(t.id) };
        int rc = mn_db_execute(db, "UPDATE world SET randomnumber = %s WHERE id = %s", p, 2, NULL, &err);
        if (!rc)
            rc = mn_db_execute(db, "SELECT pg_sleep(0.002)", NULL, 0, NULL, &err);
        if (!rc && t.fail)
            rc = mn_db_execute(db, "SELECT * FROM no_such_table", NULL, 0, NULL, &err);
        mn_err e2 = { 0 };
        if (rc) {
            mn_db_execute(db, "ROLLBACK", NULL, 0, NULL, &e2);
            return text(req, "rolled back%s%s", "", "");
        }
        if (mn_db_execute(db, "COMMIT", NULL, 0, NULL, &e2))
            return text(req, "commit failed: %s%s", e2.msg, "");
        return text(req, "committed%s%s", "", "");
    }
    if (mn_str_eq_cstr(path, "/leave_open")) {
        if (mn_db_begin(db, &err))
            return text(req, "begin failed: %s%s", err.msg, "");
        mn_value p[2] = { mn_value_int(qint(req, "v", 1)), mn_value_int(qint(req, "id", 1)) };
        mn_db_execute(db, "UPDATE world SET randomnumber = %s WHERE id = %s", p, 2, NULL, &err);
        return text(req, "left open%s%s", "", "");
    }
    if (mn_str_eq_cstr(path, "/bad")) {
        mn_value out;
        int rc = mn_db_query_value(db, "SELECT 1/0", NULL, 0, NULL, &out, &err);
        if (rc == MN_OK || !strstr(err.msg, "division by zero"))
            return text(req, "no error from 1/0: %s%s", err.msg, "");
        mn_err e2 = { 0 };
        if (mn_db_query_value(db, "SELECT 41 + 1", NULL, 0, NULL, &out, &e2) || out.type != MN_VALUE_INT)
            return text(req, "the next query failed: %s%s", e2.msg, "");
        return text(req, "error then %s%s", mn_arena_sprintf(mn_request_arena(req), "%lld", (long long)out.u.i),
                    "");
    }
    if (mn_str_eq_cstr(path, "/sleep")) {
        mn_value p = mn_value_float((double)qint(req, "ms", 100) / 1000.0);
        if (mn_db_execute(db, "SELECT pg_sleep(%s)", &p, 1, NULL, &err))
            return text(req, "error: %s%s", err.msg, "");
        return text(req, "slept%s%s", "", "");
    }
    if (mn_str_eq_cstr(path, "/depth"))
        return text(req, "%s%s", mn_db_depth(db) ? "in a transaction" : "0", "");
    return mn_response_text(req, 404, "text/plain", MN_STR("not found"));
}

int main(int argc, char **argv)
{
    const char *url = getenv("DATABASE_URL");
    if (argc < 2 || !url) {
        fprintf(stderr, "usage: DATABASE_URL=postgres://... fiber_pg_server ADDR\n");
        return 2;
    }
    mn_arena *a = mn_arena_new("config", 0);
    mn_err err = { 0 };
    if (mn_dburl_parse(mn_str_from(url), a, &g_cfg, &err)) {
        fprintf(stderr, "fiber_pg_server: %s\n", err.msg);
        return 1;
    }
    g_cfg.conn_max_age = -1;
    mn_server_config cfg;
    mn_server_config_init(&cfg);
    const char *binds[2] = { argv[1], NULL };
    cfg.bind = binds;
    cfg.workers = 1;
    cfg.threads = 1;
    cfg.handler = route;
    cfg.access_log = false;
    cfg.graceful_timeout_ms = 5000;
    int rc = mn_server_run(&cfg, &err);
    mn_arena_free(a);
    if (rc) {
        fprintf(stderr, "fiber_pg_server: %s\n", err.msg);
        return 1;
    }
    return 0;
}
