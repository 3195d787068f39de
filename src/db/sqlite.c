/* SQLite backend. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include "db_internal.h"
#include "rowstore.h"

static int map_error(sqlite3 *h, int rc)
{
    int ext = sqlite3_extended_errcode(h);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return MN_EEXIST;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return MN_EPERM;
    if ((rc & 0xff) == SQLITE_NOMEM)
        return MN_ENOMEM;
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return MN_ETIMEOUT;
    return MN_EDB;
}

static int sq_open(mn_db *db, const mn_db_config *cfg, mn_err *err)
{
    const char *path = cfg->name && cfg->name[0] ? cfg->name : ":memory:";
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        mn_err_set(err, MN_EDB, "cannot open SQLite database '%s': %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return MN_EDB;
    }
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, 5000);
    /* WAL lets readers run beside a writer; foreign keys as Django expects. */
    const char *setup = strcmp(path, ":memory:") ? "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
                                                 : "PRAGMA foreign_keys=ON;";
    char *msg = NULL;
    if (sqlite3_exec(h, setup, NULL, NULL, &msg) != SQLITE_OK) {
        mn_err_set(err, MN_EDB, "cannot configure SQLite database '%s': %s", path, msg ? msg : "unknown error");
        sqlite3_free(msg);
        sqlite3_close(h);
        return MN_EDB;
    }
    db->native = h;
    return MN_OK;
}

static void sq_close(mn_db *db) { sqlite3_close_v2(db->native); }

static int sq_prepare(mn_db *db, mn__stmt *st, const char *sql, mn_err *err)
{
    sqlite3_stmt *s = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(db->native, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, &tail);
    if (rc != SQLITE_OK)
        return mn_err_set(err, map_error(db->native, rc), "%s (in: %s)", sqlite3_errmsg(db->native), st->sql);
    if (!s) /* only whitespace or a comment */
        return mn_err_set(err, MN_EINVAL, "empty SQL statement");
    if (tail && strspn(tail, " \t\r\n;") != strlen(tail)) {
        sqlite3_finalize(s);
        return mn_err_set(err, MN_EINVAL, "one statement at a time: extra text after the first statement in: %s", st->sql);
    }
    /* Fewer parameters than %s placeholders: one of them was inside a
     * quoted literal or a comment, where it became text. */
    int seen = sqlite3_bind_parameter_count(s);
    if ((size_t)seen != st->nparams) {
        sqlite3_finalize(s);
        return mn_err_set(err, MN_EINVAL,
                          "the statement has %zu %%s placeholders but SQLite sees %d parameters: a %%s inside a quoted "
                          "literal or a comment is still a placeholder (write %%%%s for a literal %%s): %s",
                          st->nparams, seen, st->sql);
    }
    st->native = s;
    return MN_OK;
}

static void sq_finalize(mn_db *db, mn__stmt *st)
{
    (void)db;
    sqlite3_finalize(st->native);
}

static int bind(sqlite3_stmt *s, int i, mn_value v)
{
    switch (v.type) {
    case MN_VALUE_NULL: return sqlite3_bind_null(s, i);
    case MN_VALUE_BOOL: return sqlite3_bind_int(s, i, v.u.b);
    case MN_VALUE_INT: return sqlite3_bind_int64(s, i, v.u.i);
    case MN_VALUE_FLOAT: return sqlite3_bind_double(s, i, v.u.f);
    case MN_VALUE_STR: /* 64-bit length: never truncated to an int */
        return sqlite3_bind_text64(s, i, v.u.s.ptr, (sqlite3_uint64)v.u.s.len, SQLITE_TRANSIENT, SQLITE_UTF8);
    default: return SQLITE_MISMATCH;
    }
}

static int sq_run(mn_db *db, mn__stmt *st, const mn_value *params, size_t nparams, mn_err *err)
{
    sqlite3_stmt *s = st->native;
    if (st->stepped) /* mn_db_rows_close resets a query's statement: not again */
        sqlite3_reset(s);
    st->stepped = true;
    /* Every parameter is bound below (the caller checked the count), so
     * the previous bindings need no clearing. */
    for (size_t i = 0; i < nparams; i++) {
        int rc = bind(s, (int)i + 1, params[i]);
        if (rc == SQLITE_TOOBIG)
            return mn_err_set(err, MN_ELIMIT, "parameter %zu is too big for SQLite (%zu bytes)", i + 1, params[i].u.s.len);
        if (rc == SQLITE_NOMEM)
            return mn_err_set(err, MN_ENOMEM, "out of memory binding parameter %zu", i + 1);
        if (rc != SQLITE_OK)
            return mn_err_set(err, MN_ETYPE, "parameter %zu of type %s cannot be sent to SQLite (convert it first)", i + 1,
                              mn_value_type_name(params[i]));
    }
    /* Step once: statements without rows complete here; for queries the
     * first row is kept for mn_db_rows_next. */
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        db->rows.has_row = true;
        db->rows.row = -1; /* the first next() returns this row */
        return MN_OK;
    }
    db->rows.has_row = false;
    if (rc == SQLITE_DONE)
        return MN_OK;
    int code = map_error(db->native, rc);
    mn_err_set(err, code, "%s (in: %s)", sqlite3_errmsg(db->native), st->sql);
    sqlite3_reset(s);
    st->stepped = false;
    return code;
}

static inline int step_row(mn_db_rows *rows, mn_err *err)
{
    sqlite3_stmt *s = rows->st->native;
    if (rows->row == -1) {
        rows->row = 0;
        return rows->has_row ? MN_OK : MN_ENOTFOUND;
    }
    if (!rows->has_row)
        return MN_ENOTFOUND;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        rows->row++;
        return MN_OK;
    }
    rows->has_row = false;
    if (rc == SQLITE_DONE)
        return MN_ENOTFOUND;
    return mn_err_set(err, map_error(rows->db->native, rc), "%s", sqlite3_errmsg(rows->db->native));
}

static int sq_next(mn_db_rows *rows, mn_err *err) { return step_row(rows, err); }

static void sq_reset(mn_db_rows *rows)
{
    if (rows->st) {
        sqlite3_reset(rows->st->native);
        rows->st->stepped = false;
    }
}

static size_t sq_columns(const mn_db_rows *rows) { return (size_t)sqlite3_column_count(rows->st->native); }
static const char *sq_column_name(const mn_db_rows *rows, size_t i) { return sqlite3_column_name(rows->st->native, (int)i); }
static bool sq_is_null(const mn_db_rows *rows, size_t i) { return sqlite3_column_type(rows->st->native, (int)i) == SQLITE_NULL; }
static int64_t sq_int(const mn_db_rows *rows, size_t i) { return sqlite3_column_int64(rows->st->native, (int)i); }
static double sq_float(const mn_db_rows *rows, size_t i) { return sqlite3_column_double(rows->st->native, (int)i); }

static mn_str sq_text(const mn_db_rows *rows, size_t i)
{
    const unsigned char *t = sqlite3_column_text(rows->st->native, (int)i);
    int n = sqlite3_column_bytes(rows->st->native, (int)i);
    return t ? mn_str_make((const char *)t, (size_t)n) : MN_STR_EMPTY;
}

static mn_vtype sq_col_type(const mn_db_rows *rows, size_t i)
{
    switch (sqlite3_column_type(rows->st->native, (int)i)) {
    case SQLITE_NULL: return MN_VALUE_NULL;
    case SQLITE_INTEGER: return MN_VALUE_INT;
    case SQLITE_FLOAT: return MN_VALUE_FLOAT;
    default: return MN_VALUE_STR;
    }
}

/* A cell from v, of storage type t: sqlite3_column_value's value is only
 * ever used here, on the connection's thread, before the next step. */
static inline void cell_from(sqlite3_value *v, int t, mn_db_cell *out)
{
    switch (t) {
    case SQLITE_NULL: out->type = MN_VALUE_NULL; return;
    case SQLITE_INTEGER:
        out->type = MN_VALUE_INT;
        out->i = sqlite3_value_int64(v);
        return;
    case SQLITE_FLOAT:
        out->type = MN_VALUE_FLOAT;
        out->f = sqlite3_value_double(v);
        return;
    default: {
        out->type = MN_VALUE_STR;
        const unsigned char *p = sqlite3_value_text(v);
        int n = sqlite3_value_bytes(v);
        out->s = p ? (mn_str){ (const char *)p, (size_t)n } : MN_STR_EMPTY;
        return;
    }
    }
}

/* One API call per column (and one for its type). */
static inline void cell_of(sqlite3_stmt *s, int i, mn_db_cell *out)
{
    sqlite3_value *v = sqlite3_column_value(s, i);
    cell_from(v, sqlite3_value_type(v), out);
}

static void sq_cell(const mn_db_rows *rows, size_t i, mn_db_cell *out) { cell_of(rows->st->native, (int)i, out); }

static size_t sq_cells(const mn_db_rows *rows, size_t first, size_t n, mn_db_cell *out)
{
    sqlite3_stmt *s = rows->st->native;
    size_t bytes = 0;
    for (size_t k = 0; k < n; k++) {
        cell_of(s, (int)(first + k), &out[k]);
        if (out[k].type == MN_VALUE_STR)
            bytes += out[k].s.len;
    }
    return bytes;
}

/* mn_db_rows_store: each column read once, by the getter of the type the
 * plan expects when the value has that storage type (written for few live
 * values across the calls: this is the ORM's loop over every cell). */
static inline __attribute__((always_inline)) void store_row(const mn_db_rows *rows, size_t first, size_t n,
                                                             const mn_db_store *plan, void *const *dst,
                                                             mn_db_stored *out)
{
    sqlite3_stmt *s = rows->st->native;
    const mn_db_store *end = plan + n;
    int col = (int)first;
    out->rest = out->texts = 0;
    out->bytes = 0;
    for (const mn_db_store *pl = plan; pl < end; pl++, col++) {
        sqlite3_value *v = sqlite3_column_value(s, col);
        int t = sqlite3_value_type(v);
        char *p = (char *)dst[pl->dst] + pl->offset;
        switch (pl->as) {
        case MN_DB_AS_I64:
            if (t == SQLITE_INTEGER) {
                int64_t x = sqlite3_value_int64(v);
                memcpy(p, &x, sizeof x);
                continue;
            }
            break;
        case MN_DB_AS_I32:
            if (t == SQLITE_INTEGER) {
                int32_t x = (int32_t)sqlite3_value_int64(v);
                memcpy(p, &x, sizeof x);
                continue;
            }
            break;
        case MN_DB_AS_I16:
            if (t == SQLITE_INTEGER) {
                int16_t x = (int16_t)sqlite3_value_int64(v);
                memcpy(p, &x, sizeof x);
                continue;
            }
            break;
        case MN_DB_AS_BOOL:
            if (t == SQLITE_INTEGER) {
                *(bool *)p = sqlite3_value_int64(v) != 0;
                continue;
            }
            break;
        case MN_DB_AS_F64:
            if (t == SQLITE_FLOAT) {
                double x = sqlite3_value_double(v);
                memcpy(p, &x, sizeof x);
                continue;
            }
            break;
        case MN_DB_AS_TEXT:
            if (t == SQLITE_TEXT || t == SQLITE_BLOB) {
                const char *tx = (const char *)sqlite3_value_text(v);
                size_t len = (size_t)sqlite3_value_bytes(v);
                mn__store_text(out, p, tx, len, (unsigned)(pl - plan));
                continue;
            }
            break;
        case MN_DB_AS_DECIMAL:
            if (t == SQLITE_FLOAT ? mn__decimal_from_double(sqlite3_value_double(v), pl->scale, p)
                                  : t == SQLITE_INTEGER && mn__decimal_from_i64(sqlite3_value_int64(v), pl->scale, p))
                continue;
            break;
        case MN_DB_AS_SKIP: continue;
        default: break;
        }
        cell_from(v, t, &out->cells[pl - plan]);
        out->rest |= UINT64_C(1) << (pl - plan);
    }
}

static void sq_store(const mn_db_rows *rows, size_t first, size_t n, const mn_db_store *plan, void *const *dst,
                     mn_db_stored *out)
{
    store_row(rows, first, n, plan, dst, out);
}

static int sq_next_store(mn_db_rows *rows, size_t n, const mn_db_store *plan, void *const *dst, mn_db_stored *out,
                         mn_err *err)
{
    int rc = step_row(rows, err);
    if (rc == MN_OK)
        store_row(rows, 0, n, plan, dst, out);
    return rc;
}

static int64_t sq_changes(const mn_db *db) { return sqlite3_changes64(db->native); }
static bool sq_broken(const mn_db *db) { (void)db; return false; }
/* Plain "?" (numbered left to right by SQLite, as translate() numbers
 * them): SQLite resolves "?NNN" names with a linear search per parameter,
 * which made wide statements (bulk INSERTs) quadratic. */
static void sq_placeholder(mn_buf *out, size_t i)
{
    (void)i;
    mn_buf_putc(out, '?');
}

const mn__db_ops mn__sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .run = sq_run,
    .next = sq_next,
    .reset = sq_reset,
    .columns = sq_columns,
    .column_name = sq_column_name,
    .is_null = sq_is_null,
    .get_int = sq_int,
    .get_float = sq_float,
    .get_text = sq_text,
    .col_type = sq_col_type,
    .cell = sq_cell,
    .cells = sq_cells,
    .store = sq_store,
    .next_store = sq_next_store,
    .changes = sq_changes,
    .broken = sq_broken,
    .placeholder = sq_placeholder,
};
