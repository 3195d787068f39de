/* PostgreSQL backend on libpq: prepared statements, text-format results. */
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db_internal.h"

/* Results of the statement being read. */
typedef struct pg_cursor {
    PGresult *res;
    int nrows;
} pg_cursor;

typedef struct pg_conn {
    PGconn *conn;
    pg_cursor cur;
    int64_t changes;
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

static void pg_close(mn_db *db)
{
    pg_conn *pc = db->native;
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
    PGresult *r = PQprepare(pc->conn, name, sql, 0, NULL);
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
    if (st->native && PQstatus(pc->conn) == CONNECTION_OK) {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", (const char *)st->native);
        PQclear(PQexec(pc->conn, sql));
    }
    free(st->native);
}

static void pg_forget_all(mn_db *db)
{
    pg_conn *pc = db->native;
    if (PQstatus(pc->conn) == CONNECTION_OK)
        PQclear(PQexec(pc->conn, "DEALLOCATE ALL"));
}

static int pg_run(mn_db *db, mn__stmt *st, const mn_value *params, size_t nparams, mn_err *err)
{
    pg_conn *pc = db->native;
    cursor_clear(pc);
    /* Parameters go as text; numbers are formatted into num, strings copied
     * NUL-terminated (libpq's text parameters are C strings). */
    size_t n = nparams ? nparams : 1;
    const char **vals = calloc(n, sizeof *vals);
    char **owned = calloc(n, sizeof *owned);
    int rc = MN_OK;
    if (!vals || !owned) {
        rc = mn_err_set(err, MN_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nparams && rc == MN_OK; i++) {
        mn_value v = params[i];
        switch (v.type) {
        case MN_VALUE_NULL: vals[i] = NULL; break;
        case MN_VALUE_BOOL: vals[i] = v.u.b ? "true" : "false"; break;
        case MN_VALUE_INT:
        case MN_VALUE_FLOAT:
            owned[i] = malloc(40);
            if (!owned[i]) {
                rc = mn_err_set(err, MN_ENOMEM, "out of memory");
                break;
            }
            if (v.type == MN_VALUE_INT)
                snprintf(owned[i], 40, "%lld", (long long)v.u.i);
            else if (isnan(v.u.f))
                snprintf(owned[i], 40, "NaN");
            else if (isinf(v.u.f))
                snprintf(owned[i], 40, "%s", v.u.f > 0 ? "Infinity" : "-Infinity");
            else
                snprintf(owned[i], 40, "%.17g", v.u.f);
            vals[i] = owned[i];
            break;
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
    PGresult *r = PQexecPrepared(pc->conn, st->native, (int)nparams, vals, NULL, NULL, 0);
    ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        rc = pg_error(db, r, st->sql, err);
        PQclear(r);
        goto done;
    }
    const char *affected = PQcmdTuples(r);
    pc->changes = affected && *affected ? strtoll(affected, NULL, 10) : 0;
    pc->cur.res = r;
    pc->cur.nrows = s == PGRES_TUPLES_OK ? PQntuples(r) : 0;
    db->rows.row = -1;
    db->rows.has_row = pc->cur.nrows > 0;
done:
    if (owned)
        for (size_t i = 0; i < nparams; i++)
            free(owned[i]);
    free(owned);
    free(vals);
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
 * column's type (the same conversions as pg_int, pg_float and pg_text). */
static inline void cell_of(PGresult *r, int row, int i, mn_db_cell *out)
{
    if (PQgetisnull(r, row, i)) {
        out->type = MN_VALUE_NULL;
        return;
    }
    mn_str t = { PQgetvalue(r, row, i), (size_t)PQgetlength(r, row, i) };
    switch (PQftype(r, i)) {
    case OID_BOOL:
        out->type = MN_VALUE_INT;
        out->i = t.len == 1 && t.ptr[0] == 't';
        return;
    case OID_INT8:
    case OID_INT2:
    case OID_INT4:
    case OID_OID:
        out->type = MN_VALUE_INT;
        out->i = 0;
        mn_str_to_i64(t, &out->i);
        return;
    case OID_FLOAT4:
    case OID_FLOAT8:
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
    default: out->type = MN_VALUE_STR; out->s = t; return;
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

static void pg_cells(const mn_db_rows *rows, size_t first, size_t n, mn_db_cell *out)
{
    PGresult *r = cur(rows)->res;
    size_t nf = r ? (size_t)PQnfields(r) : 0;
    int row = (int)rows->row;
    for (size_t k = 0; k < n; k++) {
        if (first + k < nf)
            cell_of(r, row, (int)(first + k), &out[k]);
        else
            out[k].type = MN_VALUE_NULL;
    }
}

static int64_t pg_changes(const mn_db *db) { return ((const pg_conn *)db->native)->changes; }
static bool pg_broken(const mn_db *db) { return PQstatus(((const pg_conn *)db->native)->conn) != CONNECTION_OK; }
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
    .changes = pg_changes,
    .broken = pg_broken,
    .placeholder = pg_placeholder,
};
