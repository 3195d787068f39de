/* ORM benchmark: the same operations through the Manouche ORM and through a
 * raw C loop over libsqlite3 or libpq, on the database given:
 *
 *     bench_orm /tmp/bench.sqlite3 [case ...]
 *     bench_orm postgres://user@/db?host=/run/pg [case ...]
 * Cases: bulk_create, filter_iterate, select_related, get_pk,
 * aggregate, update_f (all by default; bulk_create always runs first, as
 * the others read its rows). The sizes are the issue's: BENCH_N products
 * (100,000) bulk-created, filtered (half match) and iterated, aggregated and
 * updated; BENCH_GETS gets by key (10,000); BENCH_RELATED_N items iterated
 * with select_related (10,000);
 * BENCH_ORM_ONLY or BENCH_RAW_ONLY run one side (for profiling), BENCH_REPS
 * sets the repetitions of the averaged cases. Prints
 * "name seconds" lines; run by bench/orm/run.sh beside Django's ORM on the
 * same database.
 *
 * The raw loops are the floor for any ORM: one prepared statement per
 * operation, and every column of a row read (text copied out, as an
 * instance must own its strings), because an ORM returns whole rows. */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <manouche.h>

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    int32_t stock;
    bool available;
} product;

static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(product, stock, .default_value = "0"),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_END,
};
static mn_model product_model = MN_MODEL(product, "bench", "Product", product_fields);

/* select_related: items (a product with its category), joined to the
 * category; their own tables so that the other cases read the same rows. */
typedef struct category {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
} category;

static const mn_field category_fields[] = {
    MN_FIELD_BIGAUTO(category, id),
    MN_FIELD_CHAR(category, name, .max_length = 100),
    MN_FIELD_CHAR(category, slug, .max_length = 100),
    MN_FIELD_END,
};
static mn_model category_model = MN_MODEL(category, "bench", "Category", category_fields);

typedef struct item {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    int32_t stock;
    bool available;
    int64_t category;
} item;

static const mn_field item_fields[] = {
    MN_FIELD_BIGAUTO(item, id),
    MN_FIELD_CHAR(item, name, .max_length = 200),
    MN_FIELD_DECIMAL(item, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(item, stock, .default_value = "0"),
    MN_FIELD_BOOL(item, available, .default_value = "true"),
    MN_FIELD_FOREIGNKEY(item, category, category_model, .related_name = "items"),
    MN_FIELD_END,
};
static mn_model item_model = MN_MODEL(item, "bench", "Item", item_fields);
#define NCATEGORIES 100

static int N = 100000;   /* products */
static int GN = 10000;   /* get() calls */
static int RN = 10000;   /* items of select_related */
/* Repetitions of the cases timed as an average (BENCH_REPS sets them all:
 * runs with two values under callgrind give a loop's instructions without
 * the setup). */
static int FILTER_REPS = 10, RELATED_REPS = 10, AGG_REPS = 20, UPDATE_REPS = 10;
#define PG_BATCH 1000

static const char *const *cases;
static int ncases;

static bool wanted(const char *name)
{
    if (!ncases)
        return true;
    for (int i = 0; i < ncases; i++)
        if (!strcmp(cases[i], name))
            return true;
    return false;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "%s: %s\n", what, msg);
    exit(1);
}

/* The expected sum of stock over rows with stock >= 50, for N rows. */
static int64_t expected_total(void)
{
    int64_t t = 0;
    for (int i = 0; i < N; i++)
        if (i % 100 >= 50)
            t += i % 100;
    return t;
}

/* The expected sum over all items of stock + the length of the category's
 * name ("Category 7"), for RN items over NCATEGORIES categories. */
static int64_t expected_related(void)
{
    int64_t t = 0;
    for (int i = 0; i < RN; i++)
        t += i % 100 + (int)strlen("Category ") + (i % NCATEGORIES >= 10 ? 2 : 1);
    return t;
}

/* ---- Manouche ---- */

static void orm(const char *url)
{
    mn_arena *a = mn_arena_new("bench", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    if (mn_dburl_parse(mn_str_from(url), a, &cfg, &err) != MN_OK)
        die("url", err.msg);
    mn_db *db = mn_db_open(&cfg, &err);
    if (!db)
        die("open", err.msg);
    mn_orm_use(db);
    mn_db_execute(db, "DROP TABLE IF EXISTS bench_product", NULL, 0, NULL, &err);
    if (mn_model_create_table(&product_model, NULL, &err) != MN_OK)
        die("create", err.msg);

    double t0 = now();
    void **objs = mn_arena_alloc(a, (size_t)N * sizeof *objs);
    for (int i = 0; i < N; i++) {
        product *p = mn_model_new(&product_model, a, &err);
        p->name = mn_str_from(mn_arena_sprintf(a, "Product %d", i));
        p->price = mn_decimal_make(100 + (i % 50000), 2);
        p->stock = i % 100;
        objs[i] = p;
    }
    if (mn_model_bulk_create(&product_model, objs, (size_t)N, 0, NULL, &err) != MN_OK)
        die("bulk_create", err.msg);
    printf("orm_bulk_create %.6f\n", now() - t0);

    mn_arena *scratch = mn_arena_new("scratch", 0);
    if (wanted("filter_iterate")) {
        t0 = now();
        int64_t total = 0;
        for (int r = 0; r < FILTER_REPS; r++) {
            mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, scratch), "stock__gte", mn_value_int(50));
            size_t n;
            void **items = mn_qs_items(qs, &n);
            if (!items && mn_qs_error(qs)->code)
                die("filter", mn_qs_error(qs)->msg);
            for (size_t i = 0; i < n; i++)
                total += ((product *)items[i])->stock;
            mn_arena_reset(scratch);
        }
        printf("orm_filter_iterate %.6f\n", (now() - t0) / FILTER_REPS);
        if (total != FILTER_REPS * expected_total())
            die("filter", "wrong total");
    }

    if (wanted("select_related")) {
        mn_model *models[] = { &category_model, &item_model, NULL };
        if (mn_orm_register(models, &err) != MN_OK)
            die("register", err.msg);
        mn_db_execute(db, "DROP TABLE IF EXISTS bench_item", NULL, 0, NULL, &err);
        mn_db_execute(db, "DROP TABLE IF EXISTS bench_category", NULL, 0, NULL, &err);
        if (mn_model_create_table(&category_model, NULL, &err) != MN_OK ||
            mn_model_create_table(&item_model, NULL, &err) != MN_OK)
            die("create", err.msg);
        void **cats = mn_arena_alloc(a, NCATEGORIES * sizeof *cats);
        for (int i = 0; i < NCATEGORIES; i++) {
            category *c = mn_model_new(&category_model, a, &err);
            c->name = mn_str_from(mn_arena_sprintf(a, "Category %d", i));
            c->slug = mn_str_from(mn_arena_sprintf(a, "category-%d", i));
            cats[i] = c;
        }
        if (mn_model_bulk_create(&category_model, cats, NCATEGORIES, 0, NULL, &err) != MN_OK)
            die("bulk_create", err.msg);
        void **items = mn_arena_alloc(a, (size_t)RN * sizeof *items);
        for (int i = 0; i < RN; i++) {
            item *it = mn_model_new(&item_model, a, &err);
            it->name = mn_str_from(mn_arena_sprintf(a, "Product %d", i));
            it->price = mn_decimal_make(100 + (i % 50000), 2);
            it->stock = i % 100;
            it->category = ((category *)cats[i % NCATEGORIES])->id;
            items[i] = it;
        }
        if (mn_model_bulk_create(&item_model, items, (size_t)RN, 0, NULL, &err) != MN_OK)
            die("bulk_create", err.msg);
        t0 = now();
        int64_t total = 0;
        for (int r = 0; r < RELATED_REPS; r++) {
            mn_qs *qs = mn_qs_select_related(mn_qs_all(&item_model, scratch), "category", NULL);
            size_t n;
            void **got = mn_qs_items(qs, &n);
            if (!got && mn_qs_error(qs)->code)
                die("select_related", mn_qs_error(qs)->msg);
            for (size_t i = 0; i < n; i++) {
                item *it = got[i];
                category *c = MN_REL(category, it, &item_model, "category", scratch, &err);
                if (!c)
                    die("select_related", err.msg);
                total += it->stock + (int64_t)c->name.len;
            }
            mn_arena_reset(scratch);
        }
        printf("orm_select_related %.6f\n", (now() - t0) / RELATED_REPS);
        if (total != RELATED_REPS * expected_related())
            die("select_related", "wrong total");
    }

    if (wanted("get_pk")) {
        t0 = now();
        for (int i = 0; i < GN; i++) {
            product *p = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, scratch), "pk", mn_value_int(1 + i)), &err);
            if (!p || p->stock != i % 100)
                die("get", err.msg);
            if ((i & 255) == 255)
                mn_arena_reset(scratch);
        }
        printf("orm_get_pk %.6f\n", now() - t0);
        mn_arena_reset(scratch);
    }

    if (wanted("aggregate")) {
        t0 = now();
        for (int r = 0; r < AGG_REPS; r++) {
            mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, scratch), "stock__gte", mn_value_int(50));
            mn_map *res = mn_qs_aggregate(qs, &err, "total", mn_sum(scratch, "price"), "avg", mn_avg(scratch, "stock"),
                                          "n", mn_count(scratch, "*"), NULL);
            if (!res)
                die("aggregate", err.msg);
            mn_value n = mn_map_get_cstr(res, "n");
            if (n.type != MN_VALUE_INT || n.u.i != N / 2)
                die("aggregate", "wrong count");
            mn_arena_reset(scratch);
        }
        printf("orm_aggregate %.6f\n", (now() - t0) / AGG_REPS);
    }

    if (wanted("update_f")) {
        t0 = now();
        for (int r = 0; r < UPDATE_REPS; r++) {
            int64_t n = mn_qs_update(mn_qs_all(&product_model, scratch), &err, "stock",
                                     mn_expr_add(scratch, mn_f(scratch, "stock"), mn_value_int(1)), NULL);
            if (n != N)
                die("update", err.msg);
            mn_arena_reset(scratch);
        }
        printf("orm_update_f %.6f\n", (now() - t0) / UPDATE_REPS);
    }
    mn_arena_free(scratch);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
}

/* ---- raw libsqlite3 ---- */

static char *copy_text(const unsigned char *t, int n)
{
    static char buf[4][256];
    static int k;
    char *b = buf[k++ & 3];
    if (n > 255)
        n = 255;
    memcpy(b, t ? (const char *)t : "", (size_t)n);
    b[n] = 0;
    return b;
}

static void raw_sqlite(const char *path)
{
    sqlite3 *h;
    /* The ORM's connection flags: one thread per connection, so no mutex
     * around each API call (the default, serialized mode, locks one per
     * sqlite3_column_* call). */
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die("open", sqlite3_errmsg(h));
    sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; DROP TABLE IF EXISTS bench_product;"
                    "CREATE TABLE bench_product (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, name varchar(200) NOT "
                    "NULL, price decimal NOT NULL, stock integer NOT NULL, available bool NOT NULL)",
                 NULL, NULL, NULL);
    double t0 = now();
    sqlite3_stmt *ins;
    sqlite3_exec(h, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(h, "INSERT INTO bench_product (name, price, stock, available) VALUES (?, ?, ?, 1)", -1, &ins, NULL);
    char name[32], price[32];
    for (int i = 0; i < N; i++) {
        int nl = snprintf(name, sizeof name, "Product %d", i);
        int v = 100 + (i % 50000);
        int pl = snprintf(price, sizeof price, "%d.%02d", v / 100, v % 100);
        sqlite3_bind_text(ins, 1, name, nl, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, price, pl, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 3, i % 100);
        if (sqlite3_step(ins) != SQLITE_DONE)
            die("insert", sqlite3_errmsg(h));
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    printf("raw_bulk_create %.6f\n", now() - t0);

    if (wanted("filter_iterate")) {
        sqlite3_stmt *sel;
        sqlite3_prepare_v2(h, "SELECT id, name, price, stock, available FROM bench_product WHERE stock >= ?", -1, &sel,
                           NULL);
        t0 = now();
        int64_t total = 0;
        for (int r = 0; r < FILTER_REPS; r++) {
            sqlite3_bind_int(sel, 1, 50);
            while (sqlite3_step(sel) == SQLITE_ROW) {
                volatile int64_t id = sqlite3_column_int64(sel, 0);
                volatile char *t = copy_text(sqlite3_column_text(sel, 1), sqlite3_column_bytes(sel, 1));
                volatile double pr = sqlite3_column_double(sel, 2);
                volatile int av = sqlite3_column_int(sel, 4);
                (void)id, (void)t, (void)pr, (void)av;
                total += sqlite3_column_int(sel, 3);
            }
            sqlite3_reset(sel);
        }
        printf("raw_filter_iterate %.6f\n", (now() - t0) / FILTER_REPS);
        sqlite3_finalize(sel);
        if (total != FILTER_REPS * expected_total())
            die("raw filter", "wrong total");
    }

    if (wanted("select_related")) {
        sqlite3_exec(h, "DROP TABLE IF EXISTS bench_item; DROP TABLE IF EXISTS bench_category;"
                        "CREATE TABLE bench_category (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, name varchar(100) "
                        "NOT NULL, slug varchar(100) NOT NULL);"
                        "CREATE TABLE bench_item (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, name varchar(200) NOT "
                        "NULL, price decimal NOT NULL, stock integer NOT NULL, available bool NOT NULL, category_id "
                        "bigint NOT NULL REFERENCES bench_category (id));"
                        "BEGIN",
                     NULL, NULL, NULL);
        sqlite3_stmt *st;
        sqlite3_prepare_v2(h, "INSERT INTO bench_category (name, slug) VALUES (?, ?)", -1, &st, NULL);
        for (int i = 0; i < NCATEGORIES; i++) {
            int nl = snprintf(name, sizeof name, "Category %d", i);
            int sl = snprintf(price, sizeof price, "category-%d", i);
            sqlite3_bind_text(st, 1, name, nl, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, price, sl, SQLITE_TRANSIENT);
            if (sqlite3_step(st) != SQLITE_DONE)
                die("insert", sqlite3_errmsg(h));
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
        sqlite3_prepare_v2(h, "INSERT INTO bench_item (name, price, stock, available, category_id) VALUES (?, ?, ?, 1, ?)",
                           -1, &st, NULL);
        for (int i = 0; i < RN; i++) {
            int nl = snprintf(name, sizeof name, "Product %d", i);
            int v = 100 + (i % 50000);
            int pl = snprintf(price, sizeof price, "%d.%02d", v / 100, v % 100);
            sqlite3_bind_text(st, 1, name, nl, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, price, pl, SQLITE_TRANSIENT);
            sqlite3_bind_int(st, 3, i % 100);
            sqlite3_bind_int(st, 4, 1 + i % NCATEGORIES);
            if (sqlite3_step(st) != SQLITE_DONE)
                die("insert", sqlite3_errmsg(h));
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
        sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
        sqlite3_prepare_v2(h,
                           "SELECT i.id, i.name, i.price, i.stock, i.available, i.category_id, c.id, c.name, c.slug "
                           "FROM bench_item i INNER JOIN bench_category c ON (i.category_id = c.id)",
                           -1, &st, NULL);
        t0 = now();
        int64_t total = 0;
        for (int r = 0; r < RELATED_REPS; r++) {
            while (sqlite3_step(st) == SQLITE_ROW) {
                volatile int64_t id = sqlite3_column_int64(st, 0);
                volatile char *t = copy_text(sqlite3_column_text(st, 1), sqlite3_column_bytes(st, 1));
                volatile double pr = sqlite3_column_double(st, 2);
                volatile int av = sqlite3_column_int(st, 4);
                volatile int64_t fk = sqlite3_column_int64(st, 5), cid = sqlite3_column_int64(st, 6);
                int cl = sqlite3_column_bytes(st, 7);
                volatile char *cn = copy_text(sqlite3_column_text(st, 7), cl);
                volatile char *cs = copy_text(sqlite3_column_text(st, 8), sqlite3_column_bytes(st, 8));
                (void)id, (void)t, (void)pr, (void)av, (void)fk, (void)cid, (void)cn, (void)cs;
                total += sqlite3_column_int(st, 3) + cl;
            }
            sqlite3_reset(st);
        }
        printf("raw_select_related %.6f\n", (now() - t0) / RELATED_REPS);
        sqlite3_finalize(st);
        if (total != RELATED_REPS * expected_related())
            die("raw select_related", "wrong total");
    }

    if (wanted("get_pk")) {
        sqlite3_stmt *get;
        sqlite3_prepare_v2(h, "SELECT id, name, price, stock, available FROM bench_product WHERE id = ?", -1, &get,
                           NULL);
        t0 = now();
        for (int i = 0; i < GN; i++) {
            sqlite3_bind_int(get, 1, 1 + i);
            if (sqlite3_step(get) != SQLITE_ROW || sqlite3_column_int(get, 3) != i % 100)
                die("get", "row");
            volatile int64_t id = sqlite3_column_int64(get, 0);
            volatile char *t = copy_text(sqlite3_column_text(get, 1), sqlite3_column_bytes(get, 1));
            volatile double pr = sqlite3_column_double(get, 2);
            volatile int av = sqlite3_column_int(get, 4);
            (void)id, (void)t, (void)pr, (void)av;
            sqlite3_reset(get);
        }
        printf("raw_get_pk %.6f\n", now() - t0);
        /* The loop of the first version of this benchmark, which read one
         * column only: kept for comparison with older results. */
        t0 = now();
        for (int i = 0; i < (getenv("BENCH_NO_1COL") ? 0 : GN); i++) {
            sqlite3_bind_int(get, 1, 1 + i);
            if (sqlite3_step(get) != SQLITE_ROW || sqlite3_column_int(get, 3) != i % 100)
                die("get", "row");
            sqlite3_reset(get);
        }
        printf("raw_get_pk_1col %.6f\n", now() - t0);
        sqlite3_finalize(get);
    }

    if (wanted("aggregate")) {
        sqlite3_stmt *st;
        sqlite3_prepare_v2(h,
                           "SELECT SUM(price), AVG(CAST(stock AS REAL)), COUNT(*) FROM bench_product WHERE stock >= ?",
                           -1, &st, NULL);
        t0 = now();
        for (int r = 0; r < AGG_REPS; r++) {
            sqlite3_bind_int(st, 1, 50);
            if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 2) != N / 2)
                die("aggregate", "row");
            volatile char *t = copy_text(sqlite3_column_text(st, 0), sqlite3_column_bytes(st, 0));
            volatile double avg = sqlite3_column_double(st, 1);
            (void)t, (void)avg;
            sqlite3_reset(st);
        }
        printf("raw_aggregate %.6f\n", (now() - t0) / AGG_REPS);
        sqlite3_finalize(st);
    }

    if (wanted("update_f")) {
        sqlite3_stmt *st;
        sqlite3_prepare_v2(h, "UPDATE bench_product SET stock = (stock + ?)", -1, &st, NULL);
        t0 = now();
        for (int r = 0; r < UPDATE_REPS; r++) {
            sqlite3_bind_int(st, 1, 1);
            if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(h) != N)
                die("update", sqlite3_errmsg(h));
            sqlite3_reset(st);
        }
        printf("raw_update_f %.6f\n", (now() - t0) / UPDATE_REPS);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
}

/* ---- raw libpq ---- */

static PGresult *pg_ok(PGconn *c, PGresult *r, const char *what)
{
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        die(what, PQerrorMessage(c));
    return r;
}

static void raw_pg(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        die("connect", PQerrorMessage(c));
    PQclear(PQexec(c, "SET client_min_messages TO warning"));
    PQclear(pg_ok(c, PQexec(c, "DROP TABLE IF EXISTS bench_product"), "drop"));
    PQclear(pg_ok(c,
                  PQexec(c, "CREATE TABLE bench_product (id bigserial PRIMARY KEY, name varchar(200) NOT NULL, price "
                            "numeric(10, 2) NOT NULL, stock integer NOT NULL, available boolean NOT NULL)"),
                  "create"));

    /* bulk insert: multi-row INSERTs of PG_BATCH rows, ids returned (as
     * bulk_create must fill them), in one transaction */
    double t0 = now();
    char *sql = malloc(64 * PG_BATCH + 128), *p = sql;
    p += sprintf(p, "INSERT INTO bench_product (name, price, stock, available) VALUES ");
    for (int i = 0; i < PG_BATCH; i++)
        p += sprintf(p, "%s($%d, $%d, $%d, true)", i ? ", " : "", 3 * i + 1, 3 * i + 2, 3 * i + 3);
    strcpy(p, " RETURNING id");
    PQclear(pg_ok(c, PQprepare(c, "ins", sql, 0, NULL), "prepare"));
    free(sql);
    const char **vals = malloc(3 * PG_BATCH * sizeof *vals);
    char (*bufs)[24] = malloc(3 * PG_BATCH * sizeof *bufs);
    PQclear(pg_ok(c, PQexec(c, "BEGIN"), "begin"));
    for (int base = 0; base < N; base += PG_BATCH) {
        int k = N - base < PG_BATCH ? N - base : PG_BATCH;
        if (k < PG_BATCH) /* the tail: a statement of its own */
            break;
        for (int j = 0; j < k; j++) {
            int i = base + j, v = 100 + (i % 50000);
            snprintf(bufs[3 * j], 24, "Product %d", i);
            snprintf(bufs[3 * j + 1], 24, "%d.%02d", v / 100, v % 100);
            snprintf(bufs[3 * j + 2], 24, "%d", i % 100);
            for (int f = 0; f < 3; f++)
                vals[3 * j + f] = bufs[3 * j + f];
        }
        PGresult *r = pg_ok(c, PQexecPrepared(c, "ins", 3 * k, vals, NULL, NULL, 0), "insert");
        for (int j = 0; j < PQntuples(r); j++) {
            volatile long long id = strtoll(PQgetvalue(r, j, 0), NULL, 10);
            (void)id;
        }
        PQclear(r);
    }
    if (N % PG_BATCH)
        die("raw pg", "BENCH_N must be a multiple of 1000 on PostgreSQL");
    PQclear(pg_ok(c, PQexec(c, "COMMIT"), "commit"));
    free(vals);
    free(bufs);
    printf("raw_bulk_create %.6f\n", now() - t0);

    if (wanted("filter_iterate")) {
        PQclear(pg_ok(c, PQprepare(c, "sel", "SELECT id, name, price, stock, available FROM bench_product WHERE stock >= $1",
                                   0, NULL),
                      "prepare"));
        const char *arg[1] = { "50" };
        t0 = now();
        int64_t total = 0;
        for (int r = 0; r < FILTER_REPS; r++) {
            PGresult *res = pg_ok(c, PQexecPrepared(c, "sel", 1, arg, NULL, NULL, 0), "select");
            for (int j = 0; j < PQntuples(res); j++) {
                volatile long long id = strtoll(PQgetvalue(res, j, 0), NULL, 10);
                volatile char *t = copy_text((const unsigned char *)PQgetvalue(res, j, 1), PQgetlength(res, j, 1));
                volatile double pr = strtod(PQgetvalue(res, j, 2), NULL);
                volatile bool av = PQgetvalue(res, j, 4)[0] == 't';
                (void)id, (void)t, (void)pr, (void)av;
                total += strtol(PQgetvalue(res, j, 3), NULL, 10);
            }
            PQclear(res);
        }
        printf("raw_filter_iterate %.6f\n", (now() - t0) / FILTER_REPS);
        if (total != FILTER_REPS * expected_total())
            die("raw filter", "wrong total");
    }

    if (wanted("select_related")) {
        PQclear(pg_ok(c, PQexec(c, "DROP TABLE IF EXISTS bench_item"), "drop"));
        PQclear(pg_ok(c, PQexec(c, "DROP TABLE IF EXISTS bench_category"), "drop"));
        PQclear(pg_ok(c,
                      PQexec(c, "CREATE TABLE bench_category (id bigserial PRIMARY KEY, name varchar(100) NOT NULL, "
                                "slug varchar(100) NOT NULL)"),
                      "create"));
        PQclear(pg_ok(c,
                      PQexec(c, "CREATE TABLE bench_item (id bigserial PRIMARY KEY, name varchar(200) NOT NULL, price "
                                "numeric(10, 2) NOT NULL, stock integer NOT NULL, available boolean NOT NULL, "
                                "category_id bigint NOT NULL REFERENCES bench_category (id))"),
                      "create"));
        char fill[256];
        snprintf(fill, sizeof fill,
                 "INSERT INTO bench_category (name, slug) SELECT 'Category ' || g, 'category-' || g "
                 "FROM generate_series(0, %d) g ORDER BY g",
                 NCATEGORIES - 1);
        PQclear(pg_ok(c, PQexec(c, fill), "insert"));
        snprintf(fill, sizeof fill,
                 "INSERT INTO bench_item (name, price, stock, available, category_id) SELECT 'Product ' || g, "
                 "(100 + g %% 50000) / 100.0, g %% 100, true, 1 + g %% %d FROM generate_series(0, %d) g ORDER BY g",
                 NCATEGORIES, RN - 1);
        PQclear(pg_ok(c, PQexec(c, fill), "insert"));
        PQclear(pg_ok(c,
                      PQprepare(c, "rel",
                                "SELECT i.id, i.name, i.price, i.stock, i.available, i.category_id, c.id, c.name, "
                                "c.slug FROM bench_item i INNER JOIN bench_category c ON (i.category_id = c.id)",
                                0, NULL),
                      "prepare"));
        t0 = now();
        int64_t total = 0;
        for (int r = 0; r < RELATED_REPS; r++) {
            PGresult *res = pg_ok(c, PQexecPrepared(c, "rel", 0, NULL, NULL, NULL, 0), "select");
            for (int j = 0; j < PQntuples(res); j++) {
                volatile long long id = strtoll(PQgetvalue(res, j, 0), NULL, 10);
                volatile char *t = copy_text((const unsigned char *)PQgetvalue(res, j, 1), PQgetlength(res, j, 1));
                volatile double pr = strtod(PQgetvalue(res, j, 2), NULL);
                volatile bool av = PQgetvalue(res, j, 4)[0] == 't';
                volatile long long fk = strtoll(PQgetvalue(res, j, 5), NULL, 10);
                volatile long long cid = strtoll(PQgetvalue(res, j, 6), NULL, 10);
                int cl = PQgetlength(res, j, 7);
                volatile char *cn = copy_text((const unsigned char *)PQgetvalue(res, j, 7), cl);
                volatile char *cs = copy_text((const unsigned char *)PQgetvalue(res, j, 8), PQgetlength(res, j, 8));
                (void)id, (void)t, (void)pr, (void)av, (void)fk, (void)cid, (void)cn, (void)cs;
                total += strtol(PQgetvalue(res, j, 3), NULL, 10) + cl;
            }
            PQclear(res);
        }
        printf("raw_select_related %.6f\n", (now() - t0) / RELATED_REPS);
        if (total != RELATED_REPS * expected_related())
            die("raw select_related", "wrong total");
    }

    if (wanted("get_pk")) {
        PQclear(pg_ok(c, PQprepare(c, "get", "SELECT id, name, price, stock, available FROM bench_product WHERE id = $1",
                                   0, NULL),
                      "prepare"));
        t0 = now();
        char idbuf[24];
        const char *arg[1] = { idbuf };
        for (int i = 0; i < GN; i++) {
            snprintf(idbuf, sizeof idbuf, "%d", 1 + i);
            PGresult *res = pg_ok(c, PQexecPrepared(c, "get", 1, arg, NULL, NULL, 0), "get");
            if (PQntuples(res) != 1 || strtol(PQgetvalue(res, 0, 3), NULL, 10) != i % 100)
                die("get", "row");
            volatile long long id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
            volatile char *t = copy_text((const unsigned char *)PQgetvalue(res, 0, 1), PQgetlength(res, 0, 1));
            volatile double pr = strtod(PQgetvalue(res, 0, 2), NULL);
            (void)id, (void)t, (void)pr;
            PQclear(res);
        }
        printf("raw_get_pk %.6f\n", now() - t0);
    }

    if (wanted("aggregate")) {
        PQclear(pg_ok(c, PQprepare(c, "agg", "SELECT SUM(price), AVG(stock), COUNT(*) FROM bench_product WHERE stock >= $1",
                                   0, NULL),
                      "prepare"));
        const char *arg[1] = { "50" };
        t0 = now();
        for (int r = 0; r < AGG_REPS; r++) {
            PGresult *res = pg_ok(c, PQexecPrepared(c, "agg", 1, arg, NULL, NULL, 0), "aggregate");
            if (strtol(PQgetvalue(res, 0, 2), NULL, 10) != N / 2)
                die("aggregate", "row");
            PQclear(res);
        }
        printf("raw_aggregate %.6f\n", (now() - t0) / AGG_REPS);
    }

    if (wanted("update_f")) {
        PQclear(pg_ok(c, PQprepare(c, "upd", "UPDATE bench_product SET stock = (stock + $1)", 0, NULL), "prepare"));
        const char *arg[1] = { "1" };
        t0 = now();
        for (int r = 0; r < UPDATE_REPS; r++) {
            PGresult *res = pg_ok(c, PQexecPrepared(c, "upd", 1, arg, NULL, NULL, 0), "update");
            if (strtol(PQcmdTuples(res), NULL, 10) != N)
                die("update", "count");
            PQclear(res);
        }
        printf("raw_update_f %.6f\n", (now() - t0) / UPDATE_REPS);
    }
    PQfinish(c);
}

int main(int argc, char **argv)
{
    const char *target = argc > 1 ? argv[1] : "/tmp/bench_orm.sqlite3";
    cases = (const char *const *)argv + 2;
    ncases = argc > 2 ? argc - 2 : 0;
    const char *n = getenv("BENCH_N");
    if (n && atoi(n) > 0)
        N = atoi(n);
    if ((n = getenv("BENCH_GETS")) && atoi(n) > 0)
        GN = atoi(n);
    if ((n = getenv("BENCH_RELATED_N")) && atoi(n) > 0)
        RN = atoi(n);
    if (GN > N)
        GN = N;
    const char *reps = getenv("BENCH_REPS");
    if (reps && atoi(reps) >= 0)
        FILTER_REPS = RELATED_REPS = AGG_REPS = UPDATE_REPS = atoi(reps);
    if (!strncmp(target, "postgres://", 11) || !strncmp(target, "postgresql://", 13)) {
        if (!getenv("BENCH_ORM_ONLY"))
            raw_pg(target);
        if (!getenv("BENCH_RAW_ONLY"))
            orm(target);
        return 0;
    }
    const char *path = target;
    char url[4096];
    snprintf(url, sizeof url, "sqlite:///%s", path);
    if (!getenv("BENCH_ORM_ONLY"))
        raw_sqlite(path);
    if (!getenv("BENCH_RAW_ONLY"))
        orm(url);
    return 0;
}
