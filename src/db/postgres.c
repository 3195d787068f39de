/* PostgreSQL backend on libpq: prepared statements, text-format results.
 *
 * On a fiber of the server's loop, statements go through libpq's pipeline
 * mode: a fiber sends its statement followed by a Sync (so an error only
 * aborts its own statement, and each statement outside a transaction is
 * its own implicit transaction, as in autocommit), queues itself on the
 * connection's FIFO of pending operations and suspends. The loop watches
 * the socket; results come back in the order the statements were sent and
 * each goes to the fiber at the head of the FIFO, which installs it as the
 * connection's current rows when it runs again. Elsewhere (commands, tests,
 * the thread's own stack) the connection leaves pipeline mode, after
 * finishing what is in flight, and works synchronously as before. */
#include <errno.h>
#include <libpq-fe.h>
#include <math.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "db_internal.h"
#include "rowstore.h"
#include "fiber.h"

/* Results of the statement being read. */
typedef struct pg_cursor {
    PGresult *res;
    int nrows;
} pg_cursor;

/* A statement sent into the pipeline: on its fiber's stack, or on the heap
 * for statements nobody waits for (DEALLOCATE). */
typedef struct pg_op {
    struct pg_op *next;
    mn__fiber *fiber; /* NULL: nobody waits; the result is dropped */
    PGresult *res;    /* the statement's result (NULL: connection lost) */
    bool done;
} pg_op;

typedef struct pg_conn {
    PGconn *conn;
    pg_cursor cur;
    int64_t changes;
    bool may_pipeline; /* DATABASE_PIPELINE */
    bool pipeline;     /* in pipeline mode */
    bool dead;         /* the protocol state is unknown: reconnect */
    mn__watch watch;
    pg_op *head, *tail; /* sent, in order, waiting for their Sync */
} pg_conn;

static int map_sqlstate(const char *state)
{
    if (!state)
        return MN_EDB;
    if (!strcmp(state, "23505"))
        return MN_EEXIST; /* unique_violation */
    if (!strncmp(state, "23", 2))
        return MN_EPERM; /* other integrity errors */
    if (!strcmp(state, "40P01") || !strcmp(state, "55P03") || !strcmp(state, "57014"))
        return MN_ETIMEOUT;
    return MN_EDB;
}

/* Server notices ("table does not exist, skipping") are not errors. */
static void ignore_notice(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static void add_param(const char **keys, const char **vals, int *n, const char *k, const char *v)
{
    if (!v)
        return;
    keys[*n] = k;
    vals[*n] = v;
    (*n)++;
}

static int pg_open(mn_db *db, const mn_db_config *cfg, mn_err *err)
{
    pg_conn *pc = calloc(1, sizeof *pc);
    if (!pc)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    const char *keys[48], *vals[48];
    int n = 0;
    char port[16];
    add_param(keys, vals, &n, "dbname", cfg->name);
    add_param(keys, vals, &n, "user", cfg->user);
    add_param(keys, vals, &n, "password", cfg->password);
    add_param(keys, vals, &n, "host", cfg->host);
    if (cfg->port) {
        snprintf(port, sizeof port, "%d", cfg->port);
        add_param(keys, vals, &n, "port", port);
    }
    for (size_t i = 0; i < cfg->n_options && n < 44; i++)
        add_param(keys, vals, &n, cfg->options[i].key, cfg->options[i].value);
    add_param(keys, vals, &n, "client_encoding", "UTF8");
    add_param(keys, vals, &n, "application_name", "manouche");
    keys[n] = vals[n] = NULL;
    pc->conn = PQconnectdbParams(keys, vals, 0);
    if (!pc->conn || PQstatus(pc->conn) != CONNECTION_OK) {
        /* libpq's message names host and database, never the password. */
        mn_err_set(err, MN_EDB, "cannot connect to PostgreSQL database '%s': %s", cfg->name ? cfg->name : "",
                   pc->conn ? PQerrorMessage(pc->conn) : "out of memory");
        PQfinish(pc->conn);
        free(pc);
        return MN_EDB;
    }
    PQsetNoticeProcessor(pc->conn, ignore_notice, NULL);
    pc->may_pipeline = !cfg->no_pipeline;
    /* Django's connection setup: UTC, and ISO dates. */
    PGresult *r = PQexec(pc->conn, "SET TIME ZONE 'UTC'; SET datestyle TO 'ISO'");
    PQclear(r);
    db->native = pc;
    return MN_OK;
}

static void cursor_clear(pg_conn *pc)
{
    PQclear(pc->cur.res);
    pc->cur.res = NULL;
    pc->cur.nrows = 0;
}

/* ---- the pipeline ---- */

static pg_conn *watch_conn(mn__watch *w) { return (pg_conn *)((char *)w - offsetof(pg_conn, watch)); }

static void op_finish(pg_op *op)
{
    op->done = true;
    if (op->fiber) {
        mn__fiber_wake(op->fiber);
    } else {
        PQclear(op->res);
        free(op);
    }
}

/* The connection failed: every statement in flight fails (its fiber gets
 * no result and reports the connection's error), none waits forever. */
static void fail_all(pg_conn *pc)
{
    pc->dead = true;
    mn__watch_set(&pc->watch, 0);
    while (pc->head) {
        pg_op *op = pc->head;
        pc->head = op->next;
        PQclear(op->res);
        op->res = NULL;
        op_finish(op);
    }
    pc->tail = NULL;
}

/* Hands out the results that have arrived, in order. */
static void dispatch(pg_conn *pc)
{
    int nulls = 0;
    while (pc->head && !PQisBusy(pc->conn)) {
        PGresult *r = PQgetResult(pc->conn);
        if (!r) { /* the end of one statement's results; its Sync follows */
            if (++nulls > 1)
                break;
            continue;
        }
        nulls = 0;
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            pg_op *op = pc->head;
            pc->head = op->next;
            if (!pc->head)
                pc->tail = NULL;
            op_finish(op);
            continue;
        }
        if (!pc->head->res)
            pc->head->res = r;
        else
            PQclear(r);
    }
    if (PQstatus(pc->conn) != CONNECTION_OK)
        fail_all(pc);
}

/* Sends what libpq has buffered; watches for writability while some is
 * left. False when the connection failed. */
static bool flush_out(pg_conn *pc)
{
    int r = PQflush(pc->conn);
    if (r < 0) {
        fail_all(pc);
        return false;
    }
    if (pc->pipeline)
        mn__watch_set(&pc->watch, EPOLLIN | (r > 0 ? EPOLLOUT : 0));
    return true;
}

/* The loop's callback: the socket is readable or writable. */
static void on_ready(mn__watch *w, uint32_t ev)
{
    pg_conn *pc = watch_conn(w);
    if ((ev & EPOLLOUT) && !flush_out(pc))
        return;
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        if (!PQconsumeInput(pc->conn)) {
            fail_all(pc);
            return;
        }
        dispatch(pc);
    }
}

static bool enter_pipeline(pg_conn *pc)
{
    if (pc->pipeline)
        return true;
    if (pc->dead || PQstatus(pc->conn) != CONNECTION_OK || !PQenterPipelineMode(pc->conn))
        return false;
    PQsetnonblocking(pc->conn, 1);
    pc->pipeline = true;
    pc->watch.fd = PQsocket(pc->conn);
    pc->watch.fn = on_ready;
    if (mn__watch_set(&pc->watch, EPOLLIN) != 0) {
        PQexitPipelineMode(pc->conn);
        PQsetnonblocking(pc->conn, 0);
        pc->pipeline = false;
        return false;
    }
    return true;
}

/* Finishes what is in flight, blocking, and leaves pipeline mode, so a
 * caller that cannot suspend (the thread's own stack, a command) can use
 * the connection synchronously. The fibers whose results arrive are woken
 * as usual. */
static void leave_pipeline(pg_conn *pc)
{
    if (!pc->pipeline)
        return;
    while (pc->head) {
        int fl = PQflush(pc->conn);
        if (fl < 0) {
            fail_all(pc);
            break;
        }
        struct pollfd p = { .fd = PQsocket(pc->conn), .events = POLLIN | (fl > 0 ? POLLOUT : 0) };
        if (poll(&p, 1, -1) < 0 && errno != EINTR) {
            fail_all(pc);
            break;
        }
        if ((p.revents & (POLLIN | POLLERR | POLLHUP)) && !PQconsumeInput(pc->conn)) {
            fail_all(pc);
            break;
        }
        dispatch(pc);
    }
    mn__watch_set(&pc->watch, 0);
    if (!pc->dead && PQpipelineStatus(pc->conn) != PQ_PIPELINE_OFF && !PQexitPipelineMode(pc->conn))
        pc->dead = true;
    PQsetnonblocking(pc->conn, 0);
    pc->pipeline = false;
}

/* True when this call should go through the pipeline. */
static bool use_pipeline(pg_conn *pc)
{
    if (!pc->may_pipeline || pc->dead || !mn__loop_can_wait())
        return false;
    return enter_pipeline(pc);
}

/* Queues op and suspends the calling fiber until its Sync has come back.
 * The statement (and its Sync) must have been sent just before. */
static void await_op(pg_conn *pc, pg_op *op)
{
    op->fiber = mn__fiber_current();
    op->next = NULL;
    if (pc->tail)
        pc->tail->next = op;
    else
        pc->head = op;
    pc->tail = op;
    if (flush_out(pc))
        while (!op->done)
            mn__fiber_suspend();
}

/* A statement whose result nobody needs, sent into the pipeline. */
static void send_forget(pg_conn *pc, const char *sql)
{
    pg_op *op = calloc(1, sizeof *op);
    if (!op)
        return;
    if (!PQsendQueryParams(pc->conn, sql, 0, NULL, NULL, NULL, NULL, 0) || !PQpipelineSync(pc->conn)) {
        free(op);
        fail_all(pc);
        return;
    }
    if (pc->tail)
        pc->tail->next = op;
    else
        pc->head = op;
    pc->tail = op;
    flush_out(pc);
}

static void pg_close(mn_db *db)
{
    pg_conn *pc = db->native;
    fail_all(pc);
    cursor_clear(pc);
    PQfinish(pc->conn);
    free(pc);
}

static int pg_error(mn_db *db, PGresult *r, const char *sql, mn_err *err)
{
    pg_conn *pc = db->native;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(pc->conn);
    int code = map_sqlstate(state);
    /* Another connection changed a table under a cached statement: its
     * plans are stale (the caller prepares again). */
    if (state && !strcmp(state, "0A000") && strstr(msg, "cached plan must not change result type"))
        db->stale_stmts = true;
    /* A statement deallocated (DEALLOCATE ALL after DDL) while another
     * fiber's run of it was waiting: prepare again too. */
    if (state && !strcmp(state, "26000"))
        db->stale_stmts = true;
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        len--;
    mn_err_set(err, code, "%.*s (in: %s)", (int)len, msg, sql);
    return code;
}

static int pg_prepare(mn_db *db, mn__stmt *st, const char *sql, mn_err *err)
{
    pg_conn *pc = db->native;
    char name[32];
    snprintf(name, sizeof name, "mn_%llu", (unsigned long long)++db->stmt_seq);
    PGresult *r;
    if (use_pipeline(pc)) {
        pg_op op = { 0 };
        if (!PQsendPrepare(pc->conn, name, sql, 0, NULL) || !PQpipelineSync(pc->conn)) {
            fail_all(pc);
            return pg_error(db, NULL, st->sql, err);
        }
        await_op(pc, &op);
        r = op.res;
        if (!r)
            return mn_err_set(err, MN_EDB, "connection to PostgreSQL lost (in: %s)", st->sql);
        pc = db->native;
        if (!pc) {
            PQclear(r);
            return mn_err_set(err, MN_EDB, "connection to PostgreSQL lost (in: %s)", st->sql);
        }
    } else {
        leave_pipeline(pc);
        r = PQprepare(pc->conn, name, sql, 0, NULL);
    }
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        int rc = pg_error(db, r, st->sql, err);
        PQclear(r);
        return rc;
    }
    PQclear(r);
    st->native = strdup(name);
    if (!st->native)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    return MN_OK;
}

static void pg_finalize(mn_db *db, mn__stmt *st)
{
    pg_conn *pc = db->native;
    if (st->native && PQstatus(pc->conn) == CONNECTION_OK && !pc->dead) {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", (const char *)st->native);
        if (pc->pipeline && mn__fiber_current())
            send_forget(pc, sql);
        else {
            leave_pipeline(pc);
            PQclear(PQexec(pc->conn, sql));
        }
    }
    free(st->native);
}

static void pg_forget_all(mn_db *db)
{
    pg_conn *pc = db->native;
    if (PQstatus(pc->conn) != CONNECTION_OK || pc->dead)
        return;
    if (pc->pipeline && mn__fiber_current()) {
        send_forget(pc, "DEALLOCATE ALL");
    } else {
        leave_pipeline(pc);
        PQclear(PQexec(pc->conn, "DEALLOCATE ALL"));
    }
}

/* v in decimal into buf (at least 21 bytes), NUL-terminated. */
static void format_i64(char *buf, int64_t v)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t k = 0;
    if (v < 0)
        buf[k++] = '-';
    while (n)
        buf[k++] = tmp[--n];
    buf[k] = '\0';
}

/* Parameters kept on the stack up to this many (more: on the heap). */
#define PG_INLINE_PARAMS 16

static int pg_run(mn_db *db, mn__stmt *st, const mn_value *params, size_t nparams, mn_err *err)
{
    pg_conn *pc = db->native;
    /* Parameters go as text; numbers are formatted into num, strings copied
     * NUL-terminated (libpq's text parameters are C strings). */
    const char *vals_inline[PG_INLINE_PARAMS];
    char *owned_inline[PG_INLINE_PARAMS];
    char num[PG_INLINE_PARAMS][40];
    bool inline_params = nparams <= PG_INLINE_PARAMS;
    const char **vals = vals_inline;
    char **owned = owned_inline;
    int rc = MN_OK;
    if (inline_params) {
        memset(owned_inline, 0, nparams * sizeof *owned_inline);
    } else {
        vals = calloc(nparams, sizeof *vals);
        owned = calloc(nparams, sizeof *owned);
        if (!vals || !owned) {
            rc = mn_err_set(err, MN_ENOMEM, "out of memory");
            goto done;
        }
    }
    for (size_t i = 0; i < nparams && rc == MN_OK; i++) {
        mn_value v = params[i];
        switch (v.type) {
        case MN_VALUE_NULL: vals[i] = NULL; break;
        case MN_VALUE_BOOL: vals[i] = v.u.b ? "true" : "false"; break;
        case MN_VALUE_INT:
        case MN_VALUE_FLOAT: {
            char *buf = inline_params ? num[i] : (owned[i] = malloc(40));
            if (!buf) {
                rc = mn_err_set(err, MN_ENOMEM, "out of memory");
                break;
            }
            if (v.type == MN_VALUE_INT)
                format_i64(buf, v.u.i);
            else if (isnan(v.u.f))
                snprintf(buf, 40, "NaN");
            else if (isinf(v.u.f))
                snprintf(buf, 40, "%s", v.u.f > 0 ? "Infinity" : "-Infinity");
            else
                snprintf(buf, 40, "%.17g", v.u.f);
            vals[i] = buf;
            break;
        }
        case MN_VALUE_STR:
            if (memchr(v.u.s.ptr, '\0', v.u.s.len)) {
                rc = mn_err_set(err, MN_EINVAL,
                                "parameter %zu contains a NUL character, which PostgreSQL text cannot hold", i + 1);
                break;
            }
            owned[i] = malloc(v.u.s.len + 1);
            if (!owned[i]) {
                rc = mn_err_set(err, MN_ENOMEM, "out of memory");
                break;
            }
            memcpy(owned[i], v.u.s.ptr, v.u.s.len);
            owned[i][v.u.s.len] = '\0';
            vals[i] = owned[i];
            break;
        default:
            rc = mn_err_set(err, MN_ETYPE, "parameter %zu of type %s cannot be sent to PostgreSQL (convert it first)",
                            i + 1, mn_value_type_name(v));
        }
    }
    if (rc)
        goto done;
    PGresult *r;
    if (use_pipeline(pc)) {
        if (!PQsendQueryPrepared(pc->conn, st->native, (int)nparams, vals, NULL, NULL, 0) ||
            !PQpipelineSync(pc->conn)) {
            rc = mn_err_set(err, MN_EDB, "cannot send to PostgreSQL: %s (in: %s)", PQerrorMessage(pc->conn),
                            st->sql);
            fail_all(pc);
            goto done;
        }
        /* libpq has copied the parameters: free them before waiting. */
        for (size_t i = 0; i < nparams; i++) {
            free(owned[i]);
            owned[i] = NULL;
        }
        pg_op op = { 0 };
        await_op(pc, &op);
        r = op.res;
        pc = db->native; /* the connection may have been reopened meanwhile */
        if (!r || !pc) {
            PQclear(r);
            rc = mn_err_set(err, MN_EDB, "connection to PostgreSQL lost (in: %s)", st->sql);
            goto done;
        }
    } else {
        leave_pipeline(pc);
        r = PQexecPrepared(pc->conn, st->native, (int)nparams, vals, NULL, NULL, 0);
    }
    cursor_clear(pc);
    ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        rc = pg_error(db, r, st->sql, err);
        PQclear(r);
        goto done;
    }
    const char *affected = PQcmdTuples(r);
    int64_t changes = 0;
    for (; affected && *affected >= '0' && *affected <= '9'; affected++)
        changes = changes * 10 + (*affected - '0'); /* a row count: no sign, no overflow */
    pc->changes = changes;
    pc->cur.res = r;
    pc->cur.nrows = s == PGRES_TUPLES_OK ? PQntuples(r) : 0;
    db->rows.row = -1;
    db->rows.has_row = pc->cur.nrows > 0;
done:
    if (owned)
        for (size_t i = 0; i < nparams; i++)
            if (owned[i])
                free(owned[i]);
    if (!inline_params) {
        free(owned);
        free(vals);
    }
    return rc;
}

static pg_cursor *cur(const mn_db_rows *rows) { return &((pg_conn *)rows->db->native)->cur; }

static int pg_next(mn_db_rows *rows, mn_err *err)
{
    (void)err;
    pg_cursor *c = cur(rows);
    if (rows->row + 1 >= c->nrows)
        return MN_ENOTFOUND;
    rows->row++;
    return MN_OK;
}

static void pg_reset(mn_db_rows *rows) { cursor_clear(rows->db->native); }
static size_t pg_columns(const mn_db_rows *rows) { return cur(rows)->res ? (size_t)PQnfields(cur(rows)->res) : 0; }
static const char *pg_column_name(const mn_db_rows *rows, size_t i) { return PQfname(cur(rows)->res, (int)i); }
static bool pg_is_null(const mn_db_rows *rows, size_t i) { return PQgetisnull(cur(rows)->res, (int)rows->row, (int)i); }

static mn_str pg_text(const mn_db_rows *rows, size_t i)
{
    PGresult *r = cur(rows)->res;
    return mn_str_make(PQgetvalue(r, (int)rows->row, (int)i), (size_t)PQgetlength(r, (int)rows->row, (int)i));
}

static int64_t pg_int(const mn_db_rows *rows, size_t i)
{
    mn_str t = pg_text(rows, i);
    if (t.len && (t.ptr[0] == 't' || t.ptr[0] == 'f') && t.len == 1)
        return t.ptr[0] == 't';
    int64_t v = 0;
    mn_str_to_i64(t, &v);
    return v;
}

static double pg_float(const mn_db_rows *rows, size_t i)
{
    mn_str t = pg_text(rows, i);
    /* float4/float8 send their non-finite values as words. */
    if (mn_str_eq_cstr(t, "Infinity"))
        return HUGE_VAL;
    if (mn_str_eq_cstr(t, "-Infinity"))
        return -HUGE_VAL;
    if (mn_str_eq_cstr(t, "NaN"))
        return NAN;
    double v = 0;
    mn_str_to_double(t, &v);
    return v;
}

/* PostgreSQL type OIDs of the built-in types we map. */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701

static mn_vtype pg_col_type(const mn_db_rows *rows, size_t i)
{
    if (pg_is_null(rows, i))
        return MN_VALUE_NULL;
    switch (PQftype(cur(rows)->res, (int)i)) {
    case OID_BOOL:
    case OID_INT8:
    case OID_INT2:
    case OID_INT4:
    case OID_OID: return MN_VALUE_INT;
    case OID_FLOAT4:
    case OID_FLOAT8: return MN_VALUE_FLOAT;
    default: return MN_VALUE_STR;
    }
}

/* Column i of row `row` of r in one pass: NULL, then the value by the
 * column's type (the same conversions as pg_int, pg_float and pg_text).
 * libpq's text values are NUL-terminated, and "" for NULL: the text of a
 * number or a boolean is never empty, so only an empty string asks
 * PQgetisnull, and only text asks its length. */
static inline __attribute__((always_inline)) void cell_of(PGresult *r, int row, int i, mn_db_cell *out)
{
    const char *v = PQgetvalue(r, row, i);
    Oid type = PQftype(r, i);
    if (!v || (!*v && (type == OID_BOOL || type == OID_INT8 || type == OID_INT2 || type == OID_INT4 || type == OID_OID ||
                       type == OID_FLOAT4 || type == OID_FLOAT8 || PQgetisnull(r, row, i)))) {
        out->type = MN_VALUE_NULL;
        return;
    }
    switch (type) {
    case OID_BOOL:
        out->type = MN_VALUE_INT;
        out->i = v[0] == 't' && v[1] == '\0';
        return;
    case OID_INT8:
    case OID_INT2:
    case OID_INT4:
    case OID_OID: {
        out->type = MN_VALUE_INT;
        /* up to 18 digits here; longer (or odd) text by mn_str_to_i64 */
        const char *p = v + (*v == '-');
        uint64_t x = 0;
        int n = 0;
        for (; *p >= '0' && *p <= '9' && n < 18; p++, n++)
            x = x * 10 + (uint64_t)(*p - '0');
        if (!*p && n) {
            out->i = *v == '-' ? -(int64_t)x : (int64_t)x;
            return;
        }
        out->i = 0;
        mn_str_to_i64(mn_str_from(v), &out->i);
        return;
    }
    case OID_FLOAT4:
    case OID_FLOAT8: {
        mn_str t = mn_str_from(v);
        out->type = MN_VALUE_FLOAT;
        if (mn_str_eq_cstr(t, "Infinity"))
            out->f = HUGE_VAL;
        else if (mn_str_eq_cstr(t, "-Infinity"))
            out->f = -HUGE_VAL;
        else if (mn_str_eq_cstr(t, "NaN"))
            out->f = NAN;
        else {
            out->f = 0;
            mn_str_to_double(t, &out->f);
        }
        return;
    }
    default:
        out->type = MN_VALUE_STR;
        out->s = (mn_str){ v, *v ? (size_t)PQgetlength(r, row, i) : 0 };
        return;
    }
}

static void pg_cell(const mn_db_rows *rows, size_t i, mn_db_cell *out)
{
    PGresult *r = cur(rows)->res;
    if (!r || i >= (size_t)PQnfields(r)) {
        out->type = MN_VALUE_NULL;
        return;
    }
    cell_of(r, (int)rows->row, (int)i, out);
}

static size_t pg_cells(const mn_db_rows *rows, size_t first, size_t n, mn_db_cell *out)
{
    PGresult *r = cur(rows)->res;
    size_t nf = r ? (size_t)PQnfields(r) : 0, bytes = 0;
    int row = (int)rows->row;
    for (size_t k = 0; k < n; k++) {
        if (first + k < nf)
            cell_of(r, row, (int)(first + k), &out[k]);
        else
            out[k].type = MN_VALUE_NULL;
        if (out[k].type == MN_VALUE_STR)
            bytes += out[k].s.len;
    }
    return bytes;
}

/* mn_db_rows_store: each column's cell as cell_of gives it, stored when
 * its type is the plan's, else left in out->cells. */
static void pg_store(const mn_db_rows *rows, size_t first, size_t n, const mn_db_store *plan, void *const *dst,
                     mn_db_stored *out)
{
    PGresult *r = cur(rows)->res;
    size_t nf = r ? (size_t)PQnfields(r) : 0;
    int row = (int)rows->row;
    out->rest = out->texts = 0;
    out->bytes = 0;
    for (size_t k = 0; k < n; k++) {
        const mn_db_store *pl = &plan[k];
        if (pl->as == MN_DB_AS_SKIP)
            continue;
        mn_db_cell *c = &out->cells[k];
        if (first + k < nf)
            cell_of(r, row, (int)(first + k), c);
        else
            c->type = MN_VALUE_NULL;
        char *p = (char *)dst[pl->dst] + pl->offset;
        switch (pl->as) {
        case MN_DB_AS_I64:
            if (c->type == MN_VALUE_INT) {
                memcpy(p, &c->i, sizeof c->i);
                continue;
            }
            break;
        case MN_DB_AS_I32:
            if (c->type == MN_VALUE_INT) {
                int32_t v = (int32_t)c->i;
                memcpy(p, &v, sizeof v);
                continue;
            }
            break;
        case MN_DB_AS_I16:
            if (c->type == MN_VALUE_INT) {
                int16_t v = (int16_t)c->i;
                memcpy(p, &v, sizeof v);
                continue;
            }
            break;
        case MN_DB_AS_BOOL:
            if (c->type == MN_VALUE_INT) {
                *(bool *)p = c->i != 0;
                continue;
            }
            break;
        case MN_DB_AS_F64:
            if (c->type == MN_VALUE_FLOAT) {
                memcpy(p, &c->f, sizeof c->f);
                continue;
            }
            break;
        case MN_DB_AS_TEXT:
            if (c->type == MN_VALUE_STR) {
                mn__store_text(out, p, c->s.ptr, c->s.len, (unsigned)k);
                continue;
            }
            break;
        case MN_DB_AS_DECIMAL: /* numeric comes as text: a cell */
            if (c->type == MN_VALUE_FLOAT ? mn__decimal_from_double(c->f, pl->scale, p)
                                          : c->type == MN_VALUE_INT && mn__decimal_from_i64(c->i, pl->scale, p))
                continue;
            break;
        default: break;
        }
        out->rest |= UINT64_C(1) << k;
    }
}

static int64_t pg_changes(const mn_db *db) { return ((const pg_conn *)db->native)->changes; }
static bool pg_broken(const mn_db *db)
{
    const pg_conn *pc = db->native;
    return pc->dead || PQstatus(pc->conn) != CONNECTION_OK;
}
static void pg_placeholder(mn_buf *out, size_t i) { mn_buf_printf(out, "$%zu", i); }

const mn__db_ops mn__postgres_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .forget_all = pg_forget_all,
    .run = pg_run,
    .next = pg_next,
    .reset = pg_reset,
    .columns = pg_columns,
    .column_name = pg_column_name,
    .is_null = pg_is_null,
    .get_int = pg_int,
    .get_float = pg_float,
    .get_text = pg_text,
    .col_type = pg_col_type,
    .cell = pg_cell,
    .cells = pg_cells,
    .store = pg_store,
    .changes = pg_changes,
    .broken = pg_broken,
    .placeholder = pg_placeholder,
};
