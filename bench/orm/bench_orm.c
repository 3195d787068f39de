/* ORM benchmark: bulk_create 10,000 rows, filter + iterate, get by pk
 * 10,000 times, through the Manouche ORM and through a raw libsqlite3 loop,
 * on the SQLite file given. Prints "name seconds" lines. Run by
 * bench/orm/run.sh beside Django's ORM on the same file. */
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

#define N 10000

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

static void orm(const char *path)
{
    mn_arena *a = mn_arena_new("bench", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    char *url = mn_arena_sprintf(a, "sqlite:///%s", path);
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
    void **objs = mn_arena_alloc(a, N * sizeof *objs);
    for (int i = 0; i < N; i++) {
        product *p = mn_model_new(&product_model, a, &err);
        p->name = mn_str_from(mn_arena_sprintf(a, "Product %d", i));
        p->price = mn_decimal_make(100 + (i % 50000), 2);
        p->stock = i % 100;
        objs[i] = p;
    }
    if (mn_model_bulk_create(&product_model, objs, N, 0, NULL, &err) != MN_OK)
        die("bulk_create", err.msg);
    printf("orm_bulk_create %.6f\n", now() - t0);

    mn_arena *scratch = mn_arena_new("scratch", 0);
    t0 = now();
    int64_t total = 0;
    for (int r = 0; r < 10; r++) {
        mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, scratch), "stock__gte", mn_value_int(50));
        size_t n;
        void **items = mn_qs_items(qs, &n);
        if (!items && n)
            die("filter", mn_qs_error(qs)->msg);
        for (size_t i = 0; i < n; i++)
            total += ((product *)items[i])->stock;
        mn_arena_reset(scratch);
    }
    printf("orm_filter_iterate %.6f\n", (now() - t0) / 10);
    if (total != 10 * 100 * (50 + 99) * 50 / 2)
        die("filter", "wrong total");

    t0 = now();
    for (int i = 0; i < N; i++) {
        product *p = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, scratch), "pk", mn_value_int(1 + i)), &err);
        if (!p || p->stock != i % 100)
            die("get", err.msg);
        if ((i & 255) == 255)
            mn_arena_reset(scratch);
    }
    printf("orm_get_pk %.6f\n", now() - t0);
    mn_arena_free(scratch);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
}

static void raw(const char *path)
{
    sqlite3 *h;
    if (sqlite3_open(path, &h) != SQLITE_OK)
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

    sqlite3_stmt *sel;
    sqlite3_prepare_v2(h, "SELECT id, name, price, stock, available FROM bench_product WHERE stock >= ?", -1, &sel, NULL);
    t0 = now();
    int64_t total = 0;
    for (int r = 0; r < 10; r++) {
        sqlite3_bind_int(sel, 1, 50);
        while (sqlite3_step(sel) == SQLITE_ROW) {
            /* read every column, as an ORM does */
            volatile const unsigned char *t = sqlite3_column_text(sel, 1);
            volatile const unsigned char *pr = sqlite3_column_text(sel, 2);
            (void)t;
            (void)pr;
            total += sqlite3_column_int(sel, 3);
        }
        sqlite3_reset(sel);
    }
    printf("raw_filter_iterate %.6f\n", (now() - t0) / 10);
    sqlite3_finalize(sel);

    sqlite3_stmt *get;
    sqlite3_prepare_v2(h, "SELECT id, name, price, stock, available FROM bench_product WHERE id = ?", -1, &get, NULL);
    t0 = now();
    for (int i = 0; i < N; i++) {
        sqlite3_bind_int(get, 1, 1 + i);
        if (sqlite3_step(get) != SQLITE_ROW || sqlite3_column_int(get, 3) != i % 100)
            die("get", "row");
        sqlite3_reset(get);
    }
    printf("raw_get_pk %.6f\n", now() - t0);
    sqlite3_finalize(get);
    sqlite3_close(h);
    if (total == 0)
        die("raw", "no rows");
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/tmp/bench_orm.sqlite3";
    raw(path);
    orm(path);
    return 0;
}
