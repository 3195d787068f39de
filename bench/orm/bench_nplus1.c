/* The guide's N+1 example (Performance chapter): 100 products, each with a
 * category and three tags, read with product.category.name and
 * product.tags.all(), first lazily (1 + 100 + 100 queries), then with
 * select_related("category") and prefetch_related("tags") (2 queries).
 * Fills the SQLite file given (bench_category, bench_tag, bench_product,
 * bench_product_tags, as Django names them) and prints
 * "name seconds_per_pass queries_per_pass" lines. Run by
 * bench/orm/nplus1.sh beside Django 3.2 on the same file. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <manouche.h>

typedef struct category {
    mn_obj mn;
    int64_t id;
    mn_str name;
} category;
static const mn_field category_fields[] = {
    MN_FIELD_BIGAUTO(category, id),
    MN_FIELD_CHAR(category, name, .max_length = 100),
    MN_FIELD_END,
};
static mn_model category_model = MN_MODEL(category, "bench", "Category", category_fields);

typedef struct tag {
    mn_obj mn;
    int64_t id;
    mn_str name;
} tag;
static const mn_field tag_fields[] = {
    MN_FIELD_BIGAUTO(tag, id),
    MN_FIELD_CHAR(tag, name, .max_length = 50),
    MN_FIELD_END,
};
static mn_model tag_model = MN_MODEL(tag, "bench", "Tag", tag_fields);

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    int64_t category;
} product;
static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_FOREIGNKEY(product, category, category_model, .related_name = "products"),
    MN_FIELD_END,
};
static const mn_m2m product_m2m[] = { MN_M2M("tags", tag_model, .related_name = "products"), MN_M2M_END };
static mn_model product_model = MN_MODEL(product, "bench", "Product", product_fields, .many_to_many = product_m2m);

#define PASSES 200

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

/* One pass over the products: the sum of name lengths and tag counts, so
 * the work cannot be skipped. */
static size_t pass(mn_arena *a, bool optimized)
{
    mn_err err = { 0 };
    mn_qs *qs = mn_qs_order_by(mn_qs_all(&product_model, a), "id", NULL);
    if (optimized)
        qs = mn_qs_prefetch_related(mn_qs_select_related(qs, "category", NULL), "tags", NULL);
    if (mn_qs_eval(qs, &err) != MN_OK)
        die("products", err.msg);
    size_t total = 0;
    for (size_t i = 0; i < mn_qs_len(qs); i++) {
        product *p = mn_qs_at(qs, i);
        category *c = MN_REL(category, p, &product_model, "category", a, &err);
        if (!c)
            die("category", err.msg);
        total += c->name.len;
        total += mn_qs_len(mn_rel_all(p, &product_model, "tags", a));
    }
    return total;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/tmp/bench_nplus1.sqlite3";
    mn_arena *a = mn_arena_new("bench", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    if (mn_dburl_parse(mn_str_from(mn_arena_sprintf(a, "sqlite:///%s", path)), a, &cfg, &err) != MN_OK)
        die("url", err.msg);
    mn_db *db = mn_db_open(&cfg, &err);
    if (!db)
        die("open", err.msg);
    mn_orm_use(db);
    mn_model *models[] = { &category_model, &tag_model, &product_model, NULL };
    if (mn_orm_register(models, &err) != MN_OK)
        die("register", err.msg);
    const char *drops[] = { "DROP TABLE IF EXISTS bench_product_tags", "DROP TABLE IF EXISTS bench_product",
                            "DROP TABLE IF EXISTS bench_tag", "DROP TABLE IF EXISTS bench_category", NULL };
    for (size_t i = 0; drops[i]; i++)
        mn_db_execute(db, drops[i], NULL, 0, NULL, &err);
    for (size_t i = 0; models[i]; i++)
        if (mn_model_create_table(models[i], NULL, &err) != MN_OK)
            die("create", err.msg);
    category *cats[10];
    tag *tags[20];
    for (int i = 0; i < 10; i++)
        cats[i] = mn_model_create(&category_model, a, &err, "name",
                                  mn_value_str(mn_str_from(mn_arena_sprintf(a, "Category %d", i))), NULL);
    for (int i = 0; i < 20; i++)
        tags[i] = mn_model_create(&tag_model, a, &err, "name",
                                  mn_value_str(mn_str_from(mn_arena_sprintf(a, "tag%d", i))), NULL);
    mn_db_begin(db, &err);
    for (int i = 0; i < 100; i++) {
        product *p = mn_model_create(&product_model, a, &err, "name",
                                     mn_value_str(mn_str_from(mn_arena_sprintf(a, "Product %d", i))), "category",
                                     mn_value_int(cats[i % 10]->id), NULL);
        if (!p)
            die("product", err.msg);
        void *three[] = { tags[i % 20], tags[(i + 7) % 20], tags[(i + 13) % 20] };
        if (mn_rel_add(p, &product_model, "tags", three, 3, &err) != MN_OK)
            die("tags", err.msg);
    }
    if (mn_db_commit(db, &err) != MN_OK)
        die("commit", err.msg);
    mn_arena *pa = mn_arena_new("pass", 0);
    for (int optimized = 0; optimized < 2; optimized++) {
        size_t check = pass(pa, optimized); /* warm the statement cache */
        mn_arena_reset(pa);
        uint64_t q0 = mn_db_statement_count(db);
        double t0 = now();
        for (int r = 0; r < PASSES; r++) {
            if (pass(pa, optimized) != check)
                die("pass", "results differ");
            mn_arena_reset(pa);
        }
        double dt = (now() - t0) / PASSES;
        printf("manouche_%s %.6f %llu\n", optimized ? "optimized" : "naive", dt,
               (unsigned long long)((mn_db_statement_count(db) - q0) / PASSES));
    }
    mn_arena_free(pa);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
