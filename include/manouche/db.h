/* Manouche: the database layer under the ORM (SQLite and PostgreSQL).
 *
 * One mn_db is one connection, used by one thread at a time. SQL text uses
 * Django's placeholders: `%s` for each parameter and `%%` for a literal
 * percent sign; the backend rewrites them once per distinct statement
 * (`?NNN` for SQLite, `$N` for PostgreSQL) and keeps the prepared statement
 * in a per-connection cache, so repeated queries skip parsing and planning.
 * Parameters are always bound, never spliced into the text. As with Django's
 * backends, `%s` and `%%` are recognised everywhere in the text, inside
 * quoted literals and comments too: write `LIKE 'a%%'`, and `'%%s'` for the
 * two characters %s. A placeholder left inside a literal is an error
 * (MN_EINVAL on SQLite, MN_EDB from PostgreSQL), never a silent mismatch.
 *
 * Values cross the boundary as mn_values: null, bool (0/1 on SQLite), int,
 * float, string and bytes-as-string go in; results come back as the column's
 * storage type (null, int, float, text); the ORM converts them to field types
 * (decimals, dates, JSON) with the field metadata.
 *
 * Thread safety: a connection is not thread-safe. mn_db_for_thread gives each
 * thread its own persistent connection (Django's CONN_MAX_AGE).
 *
 * Fibers (the server runs each view on one): on PostgreSQL, when the caller
 * is a fiber of the server's loop and DATABASE_PIPELINE is on, statements go
 * through libpq's pipeline mode on the shared connection; the call suspends
 * the fiber until its result is in, so the call still returns its rows as
 * usual. Read them (or close them) before the next statement. A transaction
 * (mn_db_begin, mn_db_atomic, a raw BEGIN) owns the connection until it
 * ends: other fibers' statements wait, and they see mn_db_depth 0. A broken
 * connection fails the statements in flight (MN_EDB, "connection to
 * PostgreSQL lost") and is reopened in place by mn_db_for_thread, so the
 * mn_db pointer stays valid. Elsewhere everything runs synchronously. */
#ifndef MANOUCHE_DB_H
#define MANOUCHE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/error.h"
#include "manouche/settings.h"
#include "manouche/str.h"
#include "manouche/value.h"

typedef struct mn_db mn_db;
typedef struct mn_db_rows mn_db_rows;

/* Opens a connection described by cfg (from DATABASE_URL). SQLite opens with
 * WAL journaling, a busy timeout, and foreign keys enforced. Returns NULL
 * with a message (never containing the password) in err. */
mn_db *mn_db_open(const mn_db_config *cfg, mn_err *err);

/* Closes the connection, finalizing cached statements. NULL is allowed. */
void mn_db_close(mn_db *db);

/* The engine of the connection. */
mn_db_engine mn_db_engine_of(const mn_db *db);

/* Runs one statement with nparams parameters. For statements that return
 * rows, *rows (when rows is not NULL) receives a cursor that must be
 * finished with mn_db_rows_close before the next statement on this
 * connection; pass rows = NULL to discard results. Returns MN_OK, or MN_EDB
 * with the database's message and the SQL in err (MN_EEXIST for a
 * unique-constraint violation, MN_EPERM for a foreign-key or check
 * violation, so callers can tell IntegrityError from others). */
int mn_db_execute(mn_db *db, const char *sql, const mn_value *params, size_t nparams, mn_db_rows **rows,
                  mn_err *err);

/* mn_db_execute for callers that run the same text many times (the ORM's
 * compiled queries): hash is mn_db_sql_hash(sql), computed once and kept,
 * so the statement cache is searched without hashing the text again. */
int mn_db_execute_hashed(mn_db *db, const char *sql, uint64_t hash, const mn_value *params, size_t nparams,
                         mn_db_rows **rows, mn_err *err);
/* A prepared statement remembered by a caller for one connection, so that
 * running the same text again skips the statement cache's search. Zero it
 * ({0}) before the first use. */
typedef struct mn_db_stmt_ref {
    void *stmt;     /* the connection's statement (opaque) */
    uint64_t epoch; /* the connection's statement cache when it was found */
} mn_db_stmt_ref;

/* mn_db_execute_hashed that starts from *ref: when ref holds the statement
 * this connection prepared for sql and its cache has dropped nothing since
 * (no reconnect, no DDL on PostgreSQL, no overflow), the statement runs
 * without searching the cache. On return *ref holds the statement used (or
 * is unchanged on an error before one was found). A ref is for one sql
 * text (one whose hash differs is not taken). ref lives in the
 * caller's memory and is read and written only during the call; a ref
 * from another connection is never taken (epochs are unique per process).
 * Logging, observers and the query counters see the statement as any
 * other. Same results and errors as mn_db_execute. */
int mn_db_execute_ref(mn_db *db, const char *sql, uint64_t hash, mn_db_stmt_ref *ref, const mn_value *params,
                      size_t nparams, mn_db_rows **rows, mn_err *err);
/* The statement cache's hash of sql. Pure; thread-safe. */
uint64_t mn_db_sql_hash(const char *sql);

/* One slot of per-connection data for the layer above (the ORM keeps its
 * compiled queries there): mn_db_ext returns it (NULL at first);
 * mn_db_set_ext replaces it, calling the previous free_fn on the previous
 * data, and free_fn(data) runs when the connection closes. */
void *mn_db_ext(const mn_db *db);
void mn_db_set_ext(mn_db *db, void *data, void (*free_fn)(void *));

/* Rows changed by the last INSERT/UPDATE/DELETE. */
int64_t mn_db_changes(const mn_db *db);

/* ---- reading rows ---- */

/* Advances to the next row: MN_OK when a row is there, MN_ENOTFOUND at the
 * end, MN_EDB on error (message in err). */
int mn_db_rows_next(mn_db_rows *rows, mn_err *err);
/* Number of columns, and the name of column i (valid until close). */
size_t mn_db_rows_columns(const mn_db_rows *rows);
const char *mn_db_rows_name(const mn_db_rows *rows, size_t i);
/* Column i of the current row. */
bool mn_db_rows_is_null(const mn_db_rows *rows, size_t i);
int64_t mn_db_rows_int(const mn_db_rows *rows, size_t i);
double mn_db_rows_float(const mn_db_rows *rows, size_t i);
/* Text of column i, valid until the next mn_db_rows_next or close. */
mn_str mn_db_rows_text(const mn_db_rows *rows, size_t i);
/* Storage type of column i of the current row: MN_VALUE_NULL, _INT,
 * _FLOAT or _STR (text and blobs). */
mn_vtype mn_db_rows_type(const mn_db_rows *rows, size_t i);
/* Column i of the current row in one call: its storage type and the value
 * of that type (i, f or s; s valid until the next mn_db_rows_next or
 * close). Cheaper than mn_db_rows_is_null followed by a getter, for code
 * that decodes many rows. */
typedef struct mn_db_cell {
    mn_vtype type; /* MN_VALUE_NULL, _INT, _FLOAT or _STR */
    int64_t i;
    double f;
    mn_str s;
} mn_db_cell;
void mn_db_rows_cell(const mn_db_rows *rows, size_t i, mn_db_cell *out);
/* Columns first .. first + n - 1 of the current row into out[0] ..
 * out[n - 1], each as mn_db_rows_cell gives it, in one call: for code that
 * decodes whole rows (the ORM). Text is valid until the next
 * mn_db_rows_next or close. A column past the last reads as NULL. Returns
 * the total length of the text cells (what copying them out takes). */
size_t mn_db_rows_cells(const mn_db_rows *rows, size_t first, size_t n, mn_db_cell *out);

/* Reading a row straight into a struct (the ORM's instances): how
 * mn_db_rows_store stores a column. A column is stored only when its
 * storage type is the one named; any other (NULL, a text in an integer
 * column...) is left to the caller as a cell. */
enum {
    MN_DB_AS_CELL, /* never stored: always given as a cell */
    MN_DB_AS_I64,  /* an INTEGER, as int64_t */
    MN_DB_AS_I32,  /* an INTEGER, as int32_t (truncated as a cast does) */
    MN_DB_AS_I16,  /* an INTEGER, as int16_t (likewise) */
    MN_DB_AS_BOOL, /* an INTEGER, as bool (nonzero: true) */
    MN_DB_AS_F64,  /* a FLOAT, as double */
    MN_DB_AS_TEXT, /* a text (or blob), as an mn_str: copied with a NUL
                    * into mn_db_stored's text room when it fits, else
                    * borrowing the row's bytes (valid until the next
                    * mn_db_rows_next or close) and flagged in texts */
    MN_DB_AS_SKIP, /* neither stored nor given */
    MN_DB_AS_DECIMAL, /* a number, as an mn_decimal of `scale` places (0..9),
                       * when it is one exactly: an INTEGER under 10^9, a
                       * FLOAT within rounding noise of one (SQLite's
                       * NUMERIC columns); else given as a cell */
};
typedef struct mn_db_store {
    uint32_t offset; /* of the member in its struct */
    uint8_t as;      /* MN_DB_AS_* */
    uint8_t dst;     /* which struct: an index into mn_db_rows_store's dst */
    uint8_t user[2]; /* the caller's own (ignored here) */
    uint8_t scale;   /* MN_DB_AS_DECIMAL: the places */
} mn_db_store;
/* What mn_db_rows_store did, bit k for column first + k. */
typedef struct mn_db_stored {
    mn_db_cell *cells; /* in: room for n cells */
    uint64_t rest;     /* out: given in cells[k] (as mn_db_rows_cell gives
                        * it), not stored */
    uint64_t texts;    /* out: stored as a borrowed text */
    size_t bytes;      /* out: the borrowed texts' total length, plus one
                        * byte for each (room for their NULs) */
    char *text;        /* in/out: room for the texts, advanced past each
                        * text copied there (NULL with text_left 0: none) */
    size_t text_left;  /* in/out: the bytes left at text */
} mn_db_stored;
/* Columns first .. first + n - 1 (n <= 64) of the current row into
 * structs, in one pass: column first + k as plan[k] says, into the struct
 * at dst[plan[k].dst], texts copied into out->text while they fit. The
 * caller then converts the cells of out->rest and copies the borrowed texts
 * of out->texts (out->cells[k] is written for the columns of rest only). A
 * column past the last reads as NULL. */
void mn_db_rows_store(const mn_db_rows *rows, size_t first, size_t n, const mn_db_store *plan, void *const *dst,
                      mn_db_stored *out);
/* mn_db_rows_next, then columns 0 .. n - 1 (n <= 64) of the new row
 * stored as mn_db_rows_store(rows, 0, n, plan, dst, out) stores them: one
 * call a row, for code that reads whole rows. MN_OK (a row, stored),
 * MN_ENOTFOUND (no more rows: nothing stored) or the database's error in
 * err. */
int mn_db_rows_next_store(mn_db_rows *rows, size_t n, const mn_db_store *plan, void *const *dst, mn_db_stored *out,
                          mn_err *err);
/* Column i as an mn_value with its storage type; text is copied into arena. */
int mn_db_rows_value(const mn_db_rows *rows, size_t i, mn_arena *arena, mn_value *out);
/* Ends the cursor (resets the cached statement). NULL is allowed. */
void mn_db_rows_close(mn_db_rows *rows);

/* Convenience: runs a query and returns its first column of its first row
 * as a value in arena (null when there is no row). */
int mn_db_query_value(mn_db *db, const char *sql, const mn_value *params, size_t nparams, mn_arena *arena,
                      mn_value *out, mn_err *err);

/* ---- server-side cursors (PostgreSQL) ----
 * Streams a SELECT's rows in chunks instead of receiving them all at once
 * (Django's server-side cursors for iterator()): DECLARE ... NO SCROLL
 * CURSOR FOR sql, then FETCH FORWARD n per chunk, so the client holds one
 * chunk at a time. Outside a transaction the cursor is WITH HOLD, as
 * Django's is under autocommit: it survives the implicit commit of its
 * DECLARE and the server keeps its rows until it is closed. Inside a
 * transaction it lives as long as the transaction. Other statements may
 * run on the connection between fetches. At most 64 cursors are open per
 * connection; close each before closing the connection. */
typedef struct mn_db_cursor mn_db_cursor;

/* Opens a cursor over sql (a SELECT with %s placeholders). NULL with err:
 * MN_EINVAL on SQLite (no server-side cursors: page with LIMIT instead),
 * MN_ELIMIT when 64 cursors are open, or the database's error. */
mn_db_cursor *mn_db_cursor_open(mn_db *db, const char *sql, const mn_value *params, size_t nparams, mn_err *err);
/* Fetches the next n rows (n > 0) into *rows, read as mn_db_execute's rows
 * are (close them before the next statement); fewer than n rows means the
 * end was reached. MN_OK or the database's error. */
int mn_db_cursor_fetch(mn_db_cursor *cur, size_t n, mn_db_rows **rows, mn_err *err);
/* Closes the cursor on the server when it still exists there (a cursor of
 * a transaction that has ended is gone already) and frees it. Errors are
 * ignored. NULL is allowed. */
void mn_db_cursor_close(mn_db_cursor *cur);

/* ---- transactions ---- */

/* Transaction depth of the connection: 0 outside any transaction (and for
 * a fiber while another fiber's transaction owns the connection). */
int mn_db_depth(const mn_db *db);
/* Starts a transaction (depth 0) or a savepoint (depth > 0). */
int mn_db_begin(mn_db *db, mn_err *err);
/* Commits the transaction or releases the innermost savepoint. When the
 * outermost transaction commits, the on_commit callbacks run in order. */
int mn_db_commit(mn_db *db, mn_err *err);
/* Rolls back the transaction or to the innermost savepoint, dropping the
 * on_commit callbacks registered inside it. */
int mn_db_rollback(mn_db *db, mn_err *err);
/* Registers fn(arg) to run after the outermost transaction commits (Django's
 * transaction.on_commit); outside a transaction it runs at once. */
int mn_db_on_commit(mn_db *db, void (*fn)(void *arg), void *arg);

/* Runs fn(db, ctx) inside a transaction (or savepoint when nested), like
 * `with transaction.atomic():`. fn returns MN_OK to commit; any other code
 * rolls back and is returned. */
int mn_db_atomic(mn_db *db, int (*fn)(mn_db *db, void *ctx), void *ctx, mn_err *err);

/* ---- per-thread connections ---- */

/* The calling thread's persistent connection to cfg, opened on first use
 * and reopened when it is broken or older than cfg->conn_max_age seconds
 * (checked at mn_db_thread_release). Lives until mn_db_thread_close or
 * thread exit. Returns NULL with err on failure. */
mn_db *mn_db_for_thread(const mn_db_config *cfg, mn_err *err);
/* End of a request: closes the thread's connection when CONN_MAX_AGE is 0
 * or exceeded, or when a transaction was left open (it is rolled back). */
void mn_db_thread_release(void);
/* Closes the calling thread's connection now. */
void mn_db_thread_close(void);

/* ---- query log (DEBUG, tests, "Monitoring Query Performance") ---- */

typedef struct mn_db_query_log {
    const char *sql;    /* the statement text (placeholders not filled) */
    size_t nparams;
    double seconds;
} mn_db_query_log;

/* Starts/stops recording every statement of this connection (Django's
 * connection.queries with DEBUG, CaptureQueriesContext in tests). */
void mn_db_log_enable(mn_db *db, bool on);
/* Statements recorded since enabling or the last clear; count and entries
 * (valid until the next clear). */
size_t mn_db_log_count(const mn_db *db);
const mn_db_query_log *mn_db_log_entry(const mn_db *db, size_t i);
void mn_db_log_clear(mn_db *db);
/* Total statements executed by this connection since it opened. */
uint64_t mn_db_statement_count(const mn_db *db);

/* Statement observers: every statement any connection of this thread runs
 * is reported to each observer pushed on this thread (the test client's
 * query counter, N+1 detection), after it ran. sql is the text with its
 * placeholders (valid during the call only); seconds is its run time.
 * Observers are per thread and must stay alive until removed. */
typedef struct mn_db_observer {
    void (*fn)(void *udata, const mn_db *db, const char *sql, size_t nparams, double seconds);
    void *udata;
    struct mn_db_observer *next; /* private */
} mn_db_observer;
/* Adds o to this thread's observers (idempotent). */
void mn_db_observer_add(mn_db_observer *o);
/* Removes o from this thread's observers (no-op when absent). */
void mn_db_observer_remove(mn_db_observer *o);

#endif
