/* Private to src/db: the backend interface and the connection layout. */
#ifndef MN_DB_INTERNAL_H
#define MN_DB_INTERNAL_H

#include <stdint.h>
#include "manouche/db.h"
#include "fiber.h"

/* What a statement does to the transaction state, from its first words. */
enum { MN__TXN_NONE = 0, MN__TXN_BEGIN, MN__TXN_END };

/* A prepared statement kept by a connection. */
typedef struct mn__stmt {
    char *sql;      /* the statement as the caller wrote it (cache key) */
    uint64_t hash;
    void *native;   /* sqlite3_stmt*, or the PostgreSQL statement name */
    size_t nparams; /* placeholders found */
    int txn;        /* MN__TXN_* */
    bool ddl;       /* CREATE, ALTER or DROP (is_ddl) */
    bool stepped;   /* SQLite: stepped since its last reset */
    int refs;       /* runs in flight (a fiber waiting for its result) */
    int dropped;    /* left the cache while in flight: 1 finalize, 2 just free */
    struct mn__stmt *next;
} mn__stmt;

typedef struct mn__db_ops {
    const char *name;
    int (*open)(mn_db *db, const mn_db_config *cfg, mn_err *err);
    void (*close)(mn_db *db);
    /* Prepares translated SQL (placeholders already in native form). */
    int (*prepare)(mn_db *db, mn__stmt *st, const char *native_sql, mn_err *err);
    void (*finalize)(mn_db *db, mn__stmt *st);
    /* Drops every prepared statement on the server at once, when the
     * statements' plans may be stale after DDL (NULL: the engine re-prepares
     * by itself, as SQLite does). Cached entries are then freed without
     * finalize. */
    void (*forget_all)(mn_db *db);
    /* Binds and runs; when the statement returns rows, leaves the cursor at
     * "before first row" in db->rows. */
    int (*run)(mn_db *db, mn__stmt *st, const mn_value *params, size_t nparams, mn_err *err);
    int (*next)(mn_db_rows *rows, mn_err *err);
    void (*reset)(mn_db_rows *rows);
    size_t (*columns)(const mn_db_rows *rows);
    const char *(*column_name)(const mn_db_rows *rows, size_t i);
    bool (*is_null)(const mn_db_rows *rows, size_t i);
    int64_t (*get_int)(const mn_db_rows *rows, size_t i);
    double (*get_float)(const mn_db_rows *rows, size_t i);
    mn_str (*get_text)(const mn_db_rows *rows, size_t i);
    /* Storage type of column i of the current row. */
    mn_vtype (*col_type)(const mn_db_rows *rows, size_t i);
    /* Type and value of column i at once (NULL: built from the above). */
    void (*cell)(const mn_db_rows *rows, size_t i, mn_db_cell *out);
    /* Columns first .. first + n - 1 at once (NULL: cell by cell). */
    size_t (*cells)(const mn_db_rows *rows, size_t first, size_t n, mn_db_cell *out);
    /* mn_db_rows_store (every driver has it). */
    void (*store)(const mn_db_rows *rows, size_t first, size_t n, const mn_db_store *plan, void *const *dst,
                  mn_db_stored *out);
    /* mn_db_rows_next_store (NULL: next, then store). */
    int (*next_store)(mn_db_rows *rows, size_t n, const mn_db_store *plan, void *const *dst, mn_db_stored *out,
                      mn_err *err);
    int64_t (*changes)(const mn_db *db);
    bool (*broken)(const mn_db *db);
    /* Placeholder for parameter i (1-based). */
    void (*placeholder)(mn_buf *out, size_t i);
} mn__db_ops;

struct mn_db_rows {
    mn_db *db;
    mn__stmt *st;
    bool active;
    bool has_row;
    void *native; /* backend cursor state */
    int64_t row;  /* index of the current row (PostgreSQL) */
};

typedef struct on_commit_cb {
    void (*fn)(void *);
    void *arg;
    int depth; /* transaction depth at registration */
} on_commit_cb;

#define MN__STMT_BUCKETS 256
#define MN__STMT_MAX 512

struct mn_db {
    const mn__db_ops *ops;
    mn_db_engine engine;
    void *native; /* sqlite3* or PGconn* */
    mn_db_rows rows;
    mn__stmt *buckets[MN__STMT_BUCKETS];
    size_t nstmts;
    uint64_t stmt_seq;
    uint64_t stmt_epoch; /* changes whenever statements leave the cache (mn_db_stmt_ref) */
    bool stale_stmts; /* DDL ran: drop the cache before the next statement */
    int depth;
    on_commit_cb *callbacks;
    size_t ncallbacks, capcallbacks;
    bool logging;
    mn_db_query_log *log;
    size_t nlog, caplog;
    uint64_t statements;
    double opened_at;
    int64_t conn_max_age;
    uint64_t cursor_slots; /* bit i: server-side cursor mn_cursor_<i> is open */
    void *ext; /* mn_db_set_ext */
    void (*ext_free)(void *);
    /* Fibers sharing the connection (PostgreSQL pipelining): the fiber in
     * a transaction owns the connection; the others' statements wait. */
    mn__fiber *txn_owner;
    struct mn__db_waiter *blocked_head, *blocked_tail;
    bool txn_lost; /* reconnected inside a transaction: it must be rolled back */
};

extern const mn__db_ops mn__sqlite_ops;
extern const mn__db_ops mn__postgres_ops;

#endif
