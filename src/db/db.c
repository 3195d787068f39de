/* The database layer: statements cache, placeholders, transactions, logs,
 * per-thread connections. Backends live in sqlite.c and postgres.c. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "db_internal.h"
#include "rowstore.h"
#include "manouche/log.h"
#include "fiber.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Statement-cache epochs, unique in the process: a mn_db_stmt_ref from
 * another connection, or from before a drop, never matches. */
static _Atomic uint64_t epoch_seq;

static uint64_t new_epoch(void) { return atomic_fetch_add(&epoch_seq, 1) + 1; }

mn_db *mn_db_open(const mn_db_config *cfg, mn_err *err)
{
    const mn__db_ops *ops;
    switch (cfg ? cfg->engine : MN_DB_NONE) {
    case MN_DB_SQLITE: ops = &mn__sqlite_ops; break;
    case MN_DB_POSTGRES: ops = &mn__postgres_ops; break;
    default:
        mn_err_set(err, MN_EINVAL, "no database configured (set DATABASE_URL)");
        return NULL;
    }
    mn_db *db = calloc(1, sizeof *db);
    if (!db) {
        mn_err_set(err, MN_ENOMEM, "out of memory opening the database");
        return NULL;
    }
    db->ops = ops;
    db->engine = cfg->engine;
    db->rows.db = db;
    db->opened_at = now_s();
    db->conn_max_age = cfg->conn_max_age;
    db->stmt_epoch = new_epoch();
    if (ops->open(db, cfg, err)) {
        free(db);
        return NULL;
    }
    return db;
}

/* Frees a statement that left the cache (finalize: deallocate it on the
 * server too). One that a suspended fiber is still running is freed when
 * that run ends. */
static void stmt_drop(mn_db *db, mn__stmt *st, bool finalize)
{
    if (st->refs > 0) {
        if (st->dropped != 2)
            st->dropped = finalize ? 1 : 2;
        return;
    }
    if (finalize && db->native)
        db->ops->finalize(db, st);
    else
        free(st->native);
    free(st->sql);
    free(st);
}

static void cache_drop_all(mn_db *db, bool finalize)
{
    db->stmt_epoch = new_epoch();
    for (size_t b = 0; b < MN__STMT_BUCKETS; b++) {
        mn__stmt *st = db->buckets[b];
        while (st) {
            mn__stmt *next = st->next;
            stmt_drop(db, st, finalize);
            st = next;
        }
        db->buckets[b] = NULL;
    }
    db->nstmts = 0;
}

static void cache_clear(mn_db *db) { cache_drop_all(db, true); }

/* The end of a run: a statement dropped from the cache meanwhile goes. */
static void stmt_unref(mn_db *db, mn__stmt *st)
{
    if (--st->refs == 0 && st->dropped) {
        if (db->rows.st == st)
            db->rows.st = NULL;
        stmt_drop(db, st, st->dropped == 1);
    }
}

/* After DDL, prepared plans may no longer fit their tables (PostgreSQL:
 * "cached plan must not change result type"): forget them all. */
static void cache_forget(mn_db *db)
{
    db->stale_stmts = false;
    db->ops->forget_all(db);
    cache_drop_all(db, false);
}

/* What sql does to the transaction: BEGIN / START TRANSACTION start one;
 * COMMIT, END, ABORT and ROLLBACK (not ROLLBACK TO a savepoint) end it. */
static bool word_is(const char *p, const char *w)
{
    size_t n = strlen(w);
    return !strncasecmp(p, w, n) && !((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') || p[n] == '_');
}

static int txn_kind(const char *sql)
{
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
        sql++;
    if (word_is(sql, "BEGIN") || word_is(sql, "START"))
        return MN__TXN_BEGIN;
    if (word_is(sql, "COMMIT") || word_is(sql, "END") || word_is(sql, "ABORT"))
        return MN__TXN_END;
    if (word_is(sql, "ROLLBACK")) {
        for (const char *p = sql + 8; *p; p++)
            if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n') && word_is(p, "TO"))
                return MN__TXN_NONE; /* ROLLBACK [WORK] TO SAVEPOINT */
        return MN__TXN_END;
    }
    return MN__TXN_NONE;
}

/* ---- fibers sharing a connection ----
 * On the server's fibers one connection serves the requests of its thread.
 * A transaction belongs to the fiber that began it: until it ends, other
 * fibers' statements wait here, so nothing runs inside another request's
 * transaction; such fibers see depth 0 (mn_db_depth). */
typedef struct mn__db_waiter {
    struct mn__db_waiter *next;
    mn__fiber *fiber;
} mn__db_waiter;

static bool foreign_txn(const mn_db *db) { return db->txn_owner && db->txn_owner != mn__fiber_current(); }

static void txn_wait(mn_db *db)
{
    mn__fiber *me = mn__fiber_current();
    while (db->txn_owner && db->txn_owner != me) {
        mn__db_waiter w = { NULL, me };
        if (db->blocked_tail)
            db->blocked_tail->next = &w;
        else
            db->blocked_head = &w;
        db->blocked_tail = &w;
        mn__fiber_suspend();
    }
}

static void txn_release(mn_db *db)
{
    db->txn_owner = NULL;
    mn__db_waiter *w = db->blocked_head;
    db->blocked_head = db->blocked_tail = NULL;
    while (w) {
        mn__db_waiter *next = w->next; /* w lives on its fiber's stack */
        mn__fiber_wake(w->fiber);
        w = next;
    }
}

/* A request that ends inside its transaction: rolled back, so the
 * connection is free for the others. */
static void txn_fiber_exit(void *arg)
{
    mn_db *db = arg;
    if (db->txn_owner != mn__fiber_current())
        return;
    mn_err ignore = { 0 };
    while (db->depth > 0)
        mn_db_rollback(db, &ignore);
    if (db->txn_owner == mn__fiber_current()) /* a raw BEGIN */
        mn_db_execute(db, "ROLLBACK", NULL, 0, NULL, &ignore);
    if (db->txn_owner == mn__fiber_current())
        txn_release(db);
}

static void txn_claim(mn_db *db)
{
    db->txn_owner = mn__fiber_current();
    mn__fiber_at_exit(txn_fiber_exit, db);
}

/* True for statements that change table shapes (CREATE, ALTER, DROP),
 * after leading blanks and comments. */
static bool is_ddl(const char *sql)
{
    const char *p = sql;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '(')
            p++;
        if (p[0] == '-' && p[1] == '-') {
            p = strchr(p, '\n');
            if (!p)
                return false;
        } else if (p[0] == '/' && p[1] == '*') {
            p = strstr(p + 2, "*/");
            if (!p)
                return false;
            p += 2;
        } else {
            break;
        }
    }
    static const char *const words[] = { "CREATE", "ALTER", "DROP" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if (!strncasecmp(p, words[i], n) && !((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
                                              (p[n] >= '0' && p[n] <= '9') || p[n] == '_'))
            return true;
    }
    return false;
}

void *mn_db_ext(const mn_db *db) { return db->ext; }

void mn_db_set_ext(mn_db *db, void *data, void (*free_fn)(void *))
{
    if (db->ext_free && db->ext != data)
        db->ext_free(db->ext);
    db->ext = data;
    db->ext_free = free_fn;
}

void mn_db_close(mn_db *db)
{
    if (!db)
        return;
    mn__fiber_at_exit_cancel(txn_fiber_exit, db);
    mn_db_set_ext(db, NULL, NULL);
    mn_db_rows_close(&db->rows);
    cache_clear(db);
    if (db->native)
        db->ops->close(db);
    for (size_t i = 0; i < db->nlog; i++)
        free((char *)db->log[i].sql);
    free(db->log);
    free(db->callbacks);
    free(db);
}

mn_db_engine mn_db_engine_of(const mn_db *db) { return db->engine; }

int64_t mn_db_changes(const mn_db *db) { return db->native ? db->ops->changes(db) : 0; }

/* Rewrites Django placeholders (%s, %%) into the backend's. Returns the
 * number of parameters through *nparams, or -1 on a stray '%'. */
static int translate(mn_db *db, const char *sql, mn_buf *out, size_t *nparams)
{
    size_t n = 0;
    for (const char *p = sql; *p; p++) {
        if (*p != '%') {
            mn_buf_putc(out, *p);
            continue;
        }
        if (p[1] == '%') {
            mn_buf_putc(out, '%');
            p++;
        } else if (p[1] == 's') {
            db->ops->placeholder(out, ++n);
            p++;
        } else {
            return -1;
        }
    }
    *nparams = n;
    return mn_buf_error(out) ? -1 : 0;
}

uint64_t mn_db_sql_hash(const char *sql) { return mn_str_hash(mn_str_from(sql)); }

static mn__stmt *stmt_get(mn_db *db, const char *sql, uint64_t h, mn_err *err)
{
    size_t b = (size_t)h % MN__STMT_BUCKETS;
    for (mn__stmt *st = db->buckets[b]; st; st = st->next)
        if (st->hash == h && !strcmp(st->sql, sql))
            return st;
    if (db->nstmts >= MN__STMT_MAX)
        cache_clear(db);
    mn__stmt *st = calloc(1, sizeof *st);
    if (!st || !(st->sql = strdup(sql))) {
        free(st);
        mn_err_set(err, MN_ENOMEM, "out of memory preparing a statement");
        return NULL;
    }
    st->hash = h;
    st->txn = txn_kind(sql);
    st->ddl = is_ddl(sql);
    mn_buf native;
    mn_buf_init(&native, NULL, 0);
    if (translate(db, sql, &native, &st->nparams)) {
        mn_buf_free(&native);
        free(st->sql);
        free(st);
        mn_err_set(err, MN_EINVAL, "bad placeholder in SQL (use %%s for parameters, %%%% for %%): %s", sql);
        return NULL;
    }
    int rc = db->ops->prepare(db, st, mn_buf_cstr(&native), err);
    mn_buf_free(&native);
    if (rc) {
        free(st->sql);
        free(st);
        return NULL;
    }
    st->next = db->buckets[b];
    db->buckets[b] = st;
    db->nstmts++;
    return st;
}

static void log_statement(mn_db *db, const char *sql, size_t nparams, double seconds)
{
    if (db->nlog == db->caplog) {
        size_t cap = db->caplog ? db->caplog * 2 : 64;
        mn_db_query_log *l = realloc(db->log, cap * sizeof *l);
        if (!l)
            return;
        db->log = l;
        db->caplog = cap;
    }
    char *copy = strdup(sql);
    if (!copy)
        return;
    db->log[db->nlog++] = (mn_db_query_log){ copy, nparams, seconds };
}

/* Per request: follows the request's fiber across switches (fiber.h). */
#define observers (mn__fl.db_observers)

/* django.db.backends: every statement at DEBUG, with its time and
 * parameters (the guide's "Monitoring Query Performance"). */
static mn_logger sql_log = MN_LOGGER_INIT("manouche.db.backends");

static void log_sql(const char *sql, const mn_value *params, size_t nparams, double seconds)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 2048); /* heap, bounded: parameters may be large */
    mn_buf_putc(&b, '(');
    for (size_t i = 0; i < nparams && !mn_buf_error(&b); i++) {
        if (i)
            mn_buf_puts(&b, ", ");
        mn_value_repr(params[i], &b);
    }
    mn_buf_puts(&b, nparams == 1 ? ",)" : ")");
    mn_str args = mn_buf_error(&b) ? MN_STR("(...)") : mn_buf_str(&b);
    char duration[32];
    snprintf(duration, sizeof duration, "%.3f", seconds);
    mn_log_debug(&sql_log, sql, MN_LOG_STR("duration", duration), MN_LOG_SLICE("args", args));
    mn_buf_free(&b);
}

void mn_db_observer_add(mn_db_observer *o)
{
    for (mn_db_observer *x = observers; x; x = x->next)
        if (x == o)
            return;
    o->next = observers;
    observers = o;
}

void mn_db_observer_remove(mn_db_observer *o)
{
    for (mn_db_observer **l = &observers; *l; l = &(*l)->next) {
        if (*l == o) {
            *l = o->next;
            o->next = NULL;
            return;
        }
    }
}

static void notify(const mn_db *db, const char *sql, size_t nparams, double seconds)
{
    for (mn_db_observer *o = observers, *next; o; o = next) {
        next = o->next; /* an observer may remove itself */
        o->fn(o->udata, db, sql, nparams, seconds);
    }
}

int mn_db_execute(mn_db *db, const char *sql, const mn_value *params, size_t nparams, mn_db_rows **rows,
                  mn_err *err)
{
    return mn_db_execute_hashed(db, sql, mn_db_sql_hash(sql), params, nparams, rows, err);
}

int mn_db_execute_hashed(mn_db *db, const char *sql, uint64_t hash, const mn_value *params, size_t nparams,
                         mn_db_rows **rows, mn_err *err)
{
    return mn_db_execute_ref(db, sql, hash, NULL, params, nparams, rows, err);
}

int mn_db_execute_ref(mn_db *db, const char *sql, uint64_t hash, mn_db_stmt_ref *ref, const mn_value *params,
                      size_t nparams, mn_db_rows **rows, mn_err *err)
{
    if (rows)
        *rows = NULL;
    mn_db_rows_close(&db->rows);
    /* On a server fiber other requests' statements interleave with ours. */
    bool shared = mn__loop_can_wait();
    bool retried = false;
    char *retry_sql = NULL;
again:
    if (shared && foreign_txn(db)) {
        /* The caller's sql may be freed while this waits (the ORM's cache
         * of compiled queries, changed by another request): a copy. */
        if (!retry_sql) {
            retry_sql = strdup(sql);
            if (!retry_sql)
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            sql = retry_sql;
        }
        txn_wait(db);
    }
    if (!db->native) {
        mn_err_set(err, MN_EDB, "no database connection (reconnecting failed): %s", sql);
        free(retry_sql);
        return MN_EDB;
    }
    if (db->txn_lost) {
        int kind = txn_kind(sql);
        if (kind == MN__TXN_END || (db->depth == 0 && !db->txn_owner)) {
            db->txn_lost = false;
            if (db->txn_owner && db->txn_owner == mn__fiber_current())
                txn_release(db);
        }
        if (kind == MN__TXN_END)
            return word_is(sql, "COMMIT") || word_is(sql, "END")
                       ? mn_err_set(err, MN_EDB, "the connection to the database was lost inside this transaction; "
                                                 "nothing of it was committed: %s", sql)
                       : MN_OK;
        if (db->txn_lost)
            return mn_err_set(err, MN_EDB, "the connection to the database was lost inside this transaction; roll it "
                                           "back: %s", sql);
    }
    if (db->stale_stmts)
        cache_forget(db);
    mn__stmt *st;
    if (ref && ref->stmt && ref->epoch == db->stmt_epoch && ((mn__stmt *)ref->stmt)->hash == hash && !retried) {
        st = ref->stmt; /* still in the cache: nothing left it since */
    } else {
        st = stmt_get(db, sql, hash, err);
        if (ref && st)
            *ref = (mn_db_stmt_ref){ st, db->stmt_epoch };
    }
    if (!st || st->nparams != nparams) {
        int code = st ? mn_err_set(err, MN_EINVAL, "the statement has %zu placeholders but %zu parameters were given: %s",
                                   st->nparams, nparams, st->sql)
                      : err && err->code ? err->code : MN_EDB;
        free(retry_sql);
        return code;
    }
    /* From here sql may be freed by its owner (another fiber replacing a
     * cached query while this one waits): st->sql is the statement's copy. */
    st->refs++;
    if (shared) {
        txn_wait(db); /* preparing may have waited */
        if (!db->txn_owner && st->txn == MN__TXN_BEGIN)
            txn_claim(db);
    }
    bool debug_sql = mn_log_enabled(&sql_log, MN_LOG_DEBUG);
    bool timed = db->logging || observers || debug_sql;
    double t0 = timed ? now_s() : 0;
    db->statements++;
    int rc = db->native ? db->ops->run(db, st, params, nparams, err)
                        : mn_err_set(err, MN_EDB, "no database connection (reconnecting failed): %s", st->sql);
    db->rows.st = st;
    sql = st->sql;
    if (shared && db->txn_owner && db->txn_owner == mn__fiber_current() &&
        (st->txn == MN__TXN_END || (st->txn == MN__TXN_BEGIN && rc != MN_OK)))
        txn_release(db);
    double t1 = timed ? now_s() : 0;
    if (db->logging)
        log_statement(db, sql, nparams, t1 - t0);
    if (observers)
        notify(db, sql, nparams, t1 - t0);
    if (debug_sql)
        log_sql(sql, params, nparams, t1 - t0);
    bool ddl = rc == MN_OK && db->ops->forget_all && db->native && st->ddl;
    if (rc && db->stale_stmts && db->depth == 0 && !retried) {
        /* A stale cached plan, outside a transaction: prepare again and
         * run once more (inside one, the server aborted the transaction;
         * the cache is dropped before the next statement). */
        free(retry_sql);
        retry_sql = strdup(sql);
        stmt_unref(db, st);
        db->rows.st = NULL;
        if (!retry_sql)
            return rc;
        sql = retry_sql;
        hash = mn_db_sql_hash(sql);
        retried = true;
        mn_err_clear(err);
        goto again;
    }
    stmt_unref(db, st);
    if (retry_sql)
        free(retry_sql);
    if (rc) {
        db->rows.st = NULL;
        return rc;
    }
    if (ddl)
        db->stale_stmts = true;
    db->rows.active = true;
    if (rows)
        *rows = &db->rows;
    else
        mn_db_rows_close(&db->rows);
    return MN_OK;
}

int mn_db_rows_next(mn_db_rows *rows, mn_err *err)
{
    if (!rows || !rows->active)
        return MN_ENOTFOUND;
    return rows->db->ops->next(rows, err);
}

size_t mn_db_rows_columns(const mn_db_rows *rows) { return rows->db->ops->columns(rows); }
const char *mn_db_rows_name(const mn_db_rows *rows, size_t i) { return rows->db->ops->column_name(rows, i); }
bool mn_db_rows_is_null(const mn_db_rows *rows, size_t i) { return rows->db->ops->is_null(rows, i); }
int64_t mn_db_rows_int(const mn_db_rows *rows, size_t i) { return rows->db->ops->get_int(rows, i); }
double mn_db_rows_float(const mn_db_rows *rows, size_t i) { return rows->db->ops->get_float(rows, i); }
mn_str mn_db_rows_text(const mn_db_rows *rows, size_t i) { return rows->db->ops->get_text(rows, i); }

mn_vtype mn_db_rows_type(const mn_db_rows *rows, size_t i) { return rows->db->ops->col_type(rows, i); }

void mn_db_rows_cell(const mn_db_rows *rows, size_t i, mn_db_cell *out)
{
    const mn__db_ops *ops = rows->db->ops;
    if (ops->cell) {
        ops->cell(rows, i, out);
        return;
    }
    out->type = ops->col_type(rows, i);
    switch (out->type) {
    case MN_VALUE_INT: out->i = ops->get_int(rows, i); break;
    case MN_VALUE_FLOAT: out->f = ops->get_float(rows, i); break;
    case MN_VALUE_STR: out->s = ops->get_text(rows, i); break;
    default: break;
    }
}

size_t mn_db_rows_cells(const mn_db_rows *rows, size_t first, size_t n, mn_db_cell *out)
{
    const mn__db_ops *ops = rows->db->ops;
    if (ops->cells)
        return ops->cells(rows, first, n, out);
    size_t bytes = 0;
    for (size_t k = 0; k < n; k++) {
        mn_db_rows_cell(rows, first + k, &out[k]);
        if (out[k].type == MN_VALUE_STR)
            bytes += out[k].s.len;
    }
    return bytes;
}

void mn_db_rows_store(const mn_db_rows *rows, size_t first, size_t n, const mn_db_store *plan, void *const *dst,
                      mn_db_stored *out)
{
    rows->db->ops->store(rows, first, n, plan, dst, out);
}

int mn_db_rows_next_store(mn_db_rows *rows, size_t n, const mn_db_store *plan, void *const *dst, mn_db_stored *out,
                          mn_err *err)
{
    if (!mn__rows_active(rows))
        return MN_ENOTFOUND;
    return mn__rows_next_store(rows, n, plan, dst, out, err);
}

int mn_db_rows_value(const mn_db_rows *rows, size_t i, mn_arena *arena, mn_value *out)
{
    switch (rows->db->ops->col_type(rows, i)) {
    case MN_VALUE_NULL: *out = mn_value_null(); return MN_OK;
    case MN_VALUE_INT: *out = mn_value_int(mn_db_rows_int(rows, i)); return MN_OK;
    case MN_VALUE_FLOAT: *out = mn_value_float(mn_db_rows_float(rows, i)); return MN_OK;
    default: {
        mn_str s = mn_str_clone(arena, mn_db_rows_text(rows, i));
        if (!s.ptr)
            return MN_ENOMEM;
        *out = mn_value_str(s);
        return MN_OK;
    }
    }
}

void mn_db_rows_close(mn_db_rows *rows)
{
    if (!rows || !rows->active)
        return;
    rows->db->ops->reset(rows);
    rows->active = false;
    rows->has_row = false;
    rows->st = NULL;
}

int mn_db_query_value(mn_db *db, const char *sql, const mn_value *params, size_t nparams, mn_arena *arena,
                      mn_value *out, mn_err *err)
{
    mn_db_rows *rows;
    int rc = mn_db_execute(db, sql, params, nparams, &rows, err);
    if (rc)
        return rc;
    *out = mn_value_null();
    rc = mn_db_rows_next(rows, err);
    if (rc == MN_OK && mn_db_rows_columns(rows) > 0)
        rc = mn_db_rows_value(rows, 0, arena, out);
    else if (rc == MN_ENOTFOUND)
        rc = MN_OK;
    mn_db_rows_close(rows);
    return rc;
}

/* ---- server-side cursors ---- */

struct mn_db_cursor {
    mn_db *db;
    int slot;
    bool hold; /* WITH HOLD: declared outside a transaction */
};

mn_db_cursor *mn_db_cursor_open(mn_db *db, const char *sql, const mn_value *params, size_t nparams, mn_err *err)
{
    if (db->engine != MN_DB_POSTGRES) {
        mn_err_set(err, MN_EINVAL, "server-side cursors need PostgreSQL");
        return NULL;
    }
    if (db->cursor_slots == UINT64_MAX) {
        mn_err_set(err, MN_ELIMIT, "too many open server-side cursors (64) on this connection");
        return NULL;
    }
    mn_db_cursor *cur = calloc(1, sizeof *cur);
    if (!cur) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    /* The lowest free slot names the cursor, so the DECLARE of a query
     * keeps one text (and one prepared statement) across uses. */
    while (db->cursor_slots >> cur->slot & 1)
        cur->slot++;
    cur->db = db;
    cur->hold = mn_db_depth(db) == 0;
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_buf_printf(&b, "DECLARE mn_cursor_%d NO SCROLL CURSOR%s FOR %s", cur->slot, cur->hold ? " WITH HOLD" : "", sql);
    int rc = mn_buf_error(&b) ? mn_err_set(err, MN_ENOMEM, "out of memory")
                              : mn_db_execute(db, mn_buf_cstr(&b), params, nparams, NULL, err);
    mn_buf_free(&b);
    if (rc != MN_OK) {
        free(cur);
        return NULL;
    }
    db->cursor_slots |= UINT64_C(1) << cur->slot;
    return cur;
}

int mn_db_cursor_fetch(mn_db_cursor *cur, size_t n, mn_db_rows **rows, mn_err *err)
{
    char sql[80];
    snprintf(sql, sizeof sql, "FETCH FORWARD %zu FROM mn_cursor_%d", n ? n : 1, cur->slot);
    return mn_db_execute(cur->db, sql, NULL, 0, rows, err);
}

void mn_db_cursor_close(mn_db_cursor *cur)
{
    if (!cur)
        return;
    mn_db *db = cur->db;
    char name[32];
    snprintf(name, sizeof name, "mn_cursor_%d", cur->slot);
    mn_err ignore = { 0 };
    bool exists = db->native && !db->ops->broken(db);
    if (exists && mn_db_depth(db) > 0) {
        /* In a transaction a failed CLOSE would abort it: make sure the
         * cursor is still there (its own transaction or savepoint may
         * have ended). */
        mn_value v = mn_value_null(), p = mn_value_cstr(name);
        exists = mn_db_query_value(db, "SELECT 1 FROM pg_cursors WHERE name = %s", &p, 1, NULL, &v, &ignore) == MN_OK &&
                 v.type == MN_VALUE_INT;
    }
    if (exists) {
        char sql[48];
        snprintf(sql, sizeof sql, "CLOSE %s", name);
        mn_db_execute(db, sql, NULL, 0, NULL, &ignore);
    }
    db->cursor_slots &= ~(UINT64_C(1) << cur->slot);
    free(cur);
}

/* ---- transactions ---- */

int mn_db_depth(const mn_db *db) { return foreign_txn(db) ? 0 : db->depth; }

static int exec_simple(mn_db *db, const char *sql, mn_err *err)
{
    return mn_db_execute(db, sql, NULL, 0, NULL, err);
}

int mn_db_begin(mn_db *db, mn_err *err)
{
    if (mn__loop_can_wait())
        txn_wait(db); /* another request's transaction ends first */
    char sql[64];
    if (db->depth == 0)
        snprintf(sql, sizeof sql, "BEGIN");
    else
        snprintf(sql, sizeof sql, "SAVEPOINT mn_sp_%d", db->depth);
    int rc = exec_simple(db, sql, err);
    if (rc == MN_OK)
        db->depth++;
    return rc;
}

static void drop_callbacks_above(mn_db *db, int depth)
{
    while (db->ncallbacks && db->callbacks[db->ncallbacks - 1].depth > depth)
        db->ncallbacks--;
}

int mn_db_commit(mn_db *db, mn_err *err)
{
    if (mn_db_depth(db) == 0)
        return mn_err_set(err, MN_EINVAL, "commit without a transaction");
    char sql[64];
    if (db->depth == 1)
        snprintf(sql, sizeof sql, "COMMIT");
    else
        snprintf(sql, sizeof sql, "RELEASE SAVEPOINT mn_sp_%d", db->depth - 1);
    int rc = exec_simple(db, sql, err);
    if (rc)
        return rc;
    db->depth--;
    /* Callbacks of the released savepoint now belong to the enclosing level. */
    for (size_t i = 0; i < db->ncallbacks; i++)
        if (db->callbacks[i].depth > db->depth)
            db->callbacks[i].depth = db->depth;
    if (db->depth == 0) {
        /* Take the list first: a callback may open a transaction and
         * register callbacks of its own, which reuse db->callbacks. */
        on_commit_cb *list = db->callbacks;
        size_t n = db->ncallbacks;
        db->callbacks = NULL;
        db->ncallbacks = db->capcallbacks = 0;
        for (size_t i = 0; i < n; i++)
            list[i].fn(list[i].arg);
        free(list);
    }
    return MN_OK;
}

int mn_db_rollback(mn_db *db, mn_err *err)
{
    if (mn_db_depth(db) == 0)
        return mn_err_set(err, MN_EINVAL, "rollback without a transaction");
    char sql[96];
    int rc;
    if (db->depth == 1) {
        rc = exec_simple(db, "ROLLBACK", err);
    } else {
        snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT mn_sp_%d", db->depth - 1);
        rc = exec_simple(db, sql, err);
        if (rc == MN_OK) {
            snprintf(sql, sizeof sql, "RELEASE SAVEPOINT mn_sp_%d", db->depth - 1);
            rc = exec_simple(db, sql, err);
        }
    }
    db->depth--;
    drop_callbacks_above(db, db->depth);
    return rc;
}

int mn_db_on_commit(mn_db *db, void (*fn)(void *), void *arg)
{
    if (mn_db_depth(db) == 0) {
        fn(arg);
        return MN_OK;
    }
    if (db->ncallbacks == db->capcallbacks) {
        size_t cap = db->capcallbacks ? db->capcallbacks * 2 : 8;
        on_commit_cb *c = realloc(db->callbacks, cap * sizeof *c);
        if (!c)
            return MN_ENOMEM;
        db->callbacks = c;
        db->capcallbacks = cap;
    }
    db->callbacks[db->ncallbacks++] = (on_commit_cb){ fn, arg, db->depth };
    return MN_OK;
}

int mn_db_atomic(mn_db *db, int (*fn)(mn_db *db, void *ctx), void *ctx, mn_err *err)
{
    int rc = mn_db_begin(db, err);
    if (rc)
        return rc;
    int depth = db->depth;
    rc = fn(db, ctx);
    if (rc == MN_OK) {
        rc = mn_db_commit(db, err);
        /* A failed COMMIT or RELEASE leaves the level open: roll it back,
         * as Django's Atomic.__exit__ does, and report the commit error. */
        if (rc == MN_OK || db->depth < depth)
            return rc;
    }
    mn_err keep = { 0 };
    mn_db_rollback(db, &keep);
    return rc;
}

/* ---- query log ---- */

void mn_db_log_enable(mn_db *db, bool on) { db->logging = on; }
size_t mn_db_log_count(const mn_db *db) { return db->nlog; }
const mn_db_query_log *mn_db_log_entry(const mn_db *db, size_t i) { return i < db->nlog ? &db->log[i] : NULL; }
uint64_t mn_db_statement_count(const mn_db *db) { return db->statements; }

void mn_db_log_clear(mn_db *db)
{
    for (size_t i = 0; i < db->nlog; i++)
        free((char *)db->log[i].sql);
    db->nlog = 0;
}

/* ---- per-thread connections ---- */

typedef struct thread_conn {
    mn_db *db;
    const mn_db_config *cfg;
} thread_conn;

static pthread_key_t conn_key;
static pthread_once_t conn_once = PTHREAD_ONCE_INIT;

static void thread_conn_free(void *p)
{
    thread_conn *tc = p;
    mn_db_close(tc->db);
    free(tc);
}

static void conn_key_init(void) { pthread_key_create(&conn_key, thread_conn_free); }

static thread_conn *thread_slot(bool create)
{
    pthread_once(&conn_once, conn_key_init);
    thread_conn *tc = pthread_getspecific(conn_key);
    if (!tc && create) {
        tc = calloc(1, sizeof *tc);
        if (tc && pthread_setspecific(conn_key, tc)) {
            free(tc);
            tc = NULL;
        }
    }
    return tc;
}

/* Reconnects a broken connection in place: code holding the mn_db (other
 * requests' fibers, mn_db_atomic) keeps a valid pointer. Statements died
 * with the old connection; a transaction that was open is lost, and its
 * statements fail until it is rolled back. */
static int db_reopen(mn_db *db, const mn_db_config *cfg, mn_err *err)
{
    mn_db_rows_close(&db->rows);
    cache_drop_all(db, false);
    if (db->native)
        db->ops->close(db);
    db->native = NULL;
    db->stale_stmts = false;
    db->cursor_slots = 0;
    if (db->depth > 0 || db->txn_owner)
        db->txn_lost = true;
    db->opened_at = now_s();
    return db->ops->open(db, cfg, err);
}

mn_db *mn_db_for_thread(const mn_db_config *cfg, mn_err *err)
{
    thread_conn *tc = thread_slot(true);
    if (!tc) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    if (tc->db && tc->cfg == cfg && (!tc->db->native || tc->db->ops->broken(tc->db)))
        return db_reopen(tc->db, cfg, err) == MN_OK ? tc->db : NULL;
    if (tc->db && tc->cfg != cfg) {
        mn_db_close(tc->db);
        tc->db = NULL;
    }
    if (!tc->db) {
        tc->db = mn_db_open(cfg, err);
        tc->cfg = cfg;
    }
    return tc->db;
}

void mn_db_thread_release(void)
{
    thread_conn *tc = thread_slot(false);
    if (!tc || !tc->db)
        return;
    mn_db *db = tc->db;
    if (foreign_txn(db)) /* another request's transaction: not this one's to end */
        return;
    bool close = db->depth > 0 || db->conn_max_age == 0 || !db->native ||
                 (db->conn_max_age > 0 && now_s() - db->opened_at > (double)db->conn_max_age) ||
                 db->ops->broken(db);
    /* Other requests' fibers of this thread share the connection and hold
     * pointers to it: it stays (a broken one is reopened in place). */
    if (mn__fiber_live() > (mn__fiber_current() ? 1u : 0u))
        close = false;
    if (db->depth > 0) {
        mn_err ignore = { 0 };
        while (db->depth > 0)
            mn_db_rollback(db, &ignore);
    }
    if (close) {
        mn_db_close(db);
        tc->db = NULL;
    }
}

void mn_db_thread_close(void)
{
    thread_conn *tc = thread_slot(false);
    if (tc && tc->db) {
        mn_db_close(tc->db);
        tc->db = NULL;
    }
}
