/* docs/models.md, querysets.md, signals.md, performance.md: the ORM examples
 * of the guide's later chapters (Signals, Security, Performance Optimization,
 * Common Patterns, Celery's cleanup task, the Quick Reference), in C, with
 * what they do asserted. Runs against SQLite in memory (or MN_EXAMPLE_DATABASE_URL). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

static mn_arena *a;
static mn_err err;

static mn_value dec(const char *s)
{
    mn_decimal d;
    mn_decimal_parse_cstr(s, &d, NULL);
    return mn_value_decimal(d);
}

static const char *text(mn_value v)
{
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_value_to_str(v, &b);
    return mn_buf_cstr(&b);
}

/* ---- models ---- */
typedef struct category {
    mn_obj mn;
    int64_t id;
    mn_str name;
    int32_t product_count;
} category;
static const mn_field category_fields[] = {
    MN_FIELD_BIGAUTO(category, id),
    MN_FIELD_CHAR(category, name, .max_length = 100),
    MN_FIELD_INT(category, product_count, .default_value = "0"),
    MN_FIELD_END,
};
static mn_model category_model = MN_MODEL(category, "shop", "Category", category_fields);

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
static mn_model tag_model = MN_MODEL(tag, "shop", "Tag", tag_fields);

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
    mn_str sku;
    int64_t category;
    mn_decimal price;
    int32_t stock;
    int32_t discount;
    bool available;
    bool is_active;
    mn_str description;
    mn_datetime created_at;
    mn_datetime updated_at;
} product;

static mn_model product_model;

/* Slug Auto-Generation: save() { if not self.slug: self.slug = self.generate_unique_slug() } */
static int generate_unique_slug(product *p, mn_err *e)
{
    mn_buf b;
    mn_buf_init(&b, a, 0);
    if (mn_text_slugify(&b, p->name, false) != MN_OK)
        return mn_err_set(e, MN_ENOMEM, "out of memory");
    const char *slug = mn_buf_cstr(&b), *unique_slug = slug;
    for (int num = 1;; num++) {
        /* while Product.objects.filter(slug=unique_slug).exists(): */
        int taken = mn_qs_exists(mn_qs_filter(mn_qs_all(&product_model, a), "slug", mn_value_cstr(unique_slug)), e);
        if (taken < 0)
            return taken;
        if (!taken)
            break;
        unique_slug = mn_arena_sprintf(a, "%s-%d", slug, num);
    }
    p->slug = mn_str_from(unique_slug);
    return MN_OK;
}
static int product_before_save(void *obj, bool adding, mn_err *e)
{
    (void)adding;
    product *p = obj;
    return p->slug.len ? MN_OK : generate_unique_slug(p, e);
}
/* When NOT to Use Signals: save() { super().save(); self.category.update_product_count() } */
static int product_after_save(void *obj, bool created, mn_err *e)
{
    (void)created;
    product *p = obj;
    if (mn_obj_is_null(p, &product_model, "category"))
        return MN_OK;
    mn_qs *cat = mn_qs_filter(mn_qs_all(&category_model, a), "pk", mn_value_int(p->category));
    mn_qs *count = mn_qs_filter(mn_qs_all(&product_model, a), "category", mn_value_int(p->category));
    int64_t n = mn_qs_count(count, e);
    return n < 0 ? (int)n : (int)mn_qs_update(cat, e, "product_count", mn_value_int(n), NULL) < 0 ? e->code : MN_OK;
}
static int product_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const product *)obj)->name); }

static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200, .db_index = true), /* single field index */
    MN_FIELD_SLUG(product, slug, .unique = true, .blank = true),
    MN_FIELD_CHAR(product, sku, .max_length = 50, .blank = true),
    MN_FIELD_FOREIGNKEY(product, category, category_model, .null = true, .on_delete = MN_CASCADE,
                        .related_name = "products"),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(product, stock, .default_value = "0"),
    MN_FIELD_INT(product, discount, .default_value = "0"),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_BOOL(product, is_active, .default_value = "true"),
    MN_FIELD_TEXT(product, description, .blank = true),
    MN_FIELD_DATETIME(product, created_at, .auto_now_add = true),
    MN_FIELD_DATETIME(product, updated_at, .auto_now = true),
    MN_FIELD_END,
};
/* Database Indexes: class Meta: indexes = [...] */
static const mn_index product_indexes[] = {
    { .fields = MN_NAMES("category", "price") },      /* composite */
    { .fields = MN_NAMES("created_at", "-price") },   /* with ordering */
    /* Index(fields=['price'], condition=Q(available=True), name='available_products_price_idx') */
    { .fields = MN_NAMES("price"), .q = (const mn_cond[]){ { "available", "true" }, { NULL, NULL } },
      .name = "available_products_price_idx" },
    { .fields = NULL },
};
static const mn_m2m product_m2m[] = { MN_M2M("tags", tag_model, .related_name = "products"), MN_M2M_END };
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields, .many_to_many = product_m2m,
                                         .meta = { .indexes = product_indexes },
                                         .hooks = { .before_save = product_before_save,
                                                    .after_save = product_after_save, .to_str = product_str });

typedef struct order {
    mn_obj mn;
    int64_t id;
    mn_str user;
    mn_decimal total;
    mn_str status;
} order;
static const mn_field order_fields[] = {
    MN_FIELD_BIGAUTO(order, id),
    MN_FIELD_CHAR(order, user, .max_length = 150),
    MN_FIELD_DECIMAL(order, total, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_CHAR(order, status, .max_length = 20, .default_value = "pending"),
    MN_FIELD_END,
};
static mn_model order_model = MN_MODEL(order, "shop", "Order", order_fields);

typedef struct order_item {
    mn_obj mn;
    int64_t id;
    int64_t order;
    int64_t product;
    int32_t quantity;
    mn_decimal price;
} order_item;
static const mn_field order_item_fields[] = {
    MN_FIELD_BIGAUTO(order_item, id),
    MN_FIELD_FOREIGNKEY(order_item, order, order_model, .on_delete = MN_CASCADE, .related_name = "items"),
    MN_FIELD_FOREIGNKEY(order_item, product, product_model, .on_delete = MN_PROTECT),
    MN_FIELD_INT(order_item, quantity),
    MN_FIELD_DECIMAL(order_item, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_END,
};
static mn_model order_item_model = MN_MODEL(order_item, "shop", "OrderItem", order_item_fields);

static mn_model *const models[] = { &category_model, &tag_model, &product_model, &order_model, &order_item_model,
                                    NULL };

/* ---- Signals: receivers the ORM calls ---- */
static char journal[1024];
static void note(const char *line)
{
    size_t len = strlen(journal), n = strlen(line);
    if (len + n + 2 > sizeof journal)
        return; /* full: the checks below look at the first lines */
    memcpy(journal + len, line, n);
    memcpy(journal + len + n, "\n", 2);
}

/* @receiver(post_save, sender=Product) def product_saved(sender, instance, created, **kwargs) */
static int product_saved(const mn_signal_call *call, mn_value *response, mn_err *e)
{
    (void)response;
    product *p = mn_obj_from_value(mn_signal_arg(call, "instance"));
    char line[160];
    if (mn_value_truthy(mn_signal_arg(call, "created"))) {
        snprintf(line, sizeof line, "New product created: %.*s", MN_STR_FMT(p->name));
    } else {
        snprintf(line, sizeof line, "Product updated: %.*s", MN_STR_FMT(p->name));
        char key[40];
        snprintf(key, sizeof key, "product_%lld", (long long)p->id); /* cache.delete(f'product_{instance.id}') */
        if (mn_cache_delete(mn_cache_default(), key, e) < 0)
            return e->code;
    }
    note(line);
    return MN_OK;
}
/* @receiver(pre_delete, sender=Product) */
static int product_deleting(const mn_signal_call *call, mn_value *response, mn_err *e)
{
    (void)response, (void)e;
    product *p = mn_obj_from_value(mn_signal_arg(call, "instance"));
    char line[160];
    snprintf(line, sizeof line, "Deleting product: %.*s", MN_STR_FMT(p->name));
    note(line);
    return MN_OK;
}
/* Cache Invalidation: @receiver(post_delete, sender=Product) def product_deleted(...) */
static int product_deleted(const mn_signal_call *call, mn_value *response, mn_err *e)
{
    (void)response;
    product *p = mn_obj_from_value(mn_signal_arg(call, "instance"));
    char key[40];
    snprintf(key, sizeof key, "product_%lld", (long long)p->id);
    if (mn_cache_delete(mn_cache_default(), "all_products", e) < 0 || mn_cache_delete(mn_cache_default(), key, e) < 0)
        return e->code;
    return MN_OK;
}
/* @receiver(m2m_changed, sender=Product.tags.through) */
static int tags_changed(const mn_signal_call *call, mn_value *response, mn_err *e)
{
    (void)response, (void)e;
    mn_str action = mn_signal_arg(call, "action").u.s;
    if (mn_str_eq_cstr(action, "post_add") || mn_str_eq_cstr(action, "post_remove")) {
        product *p = mn_obj_from_value(mn_signal_arg(call, "instance"));
        char line[160];
        snprintf(line, sizeof line, "Tags changed for: %.*s", MN_STR_FMT(p->name));
        note(line);
    }
    return MN_OK;
}

/* ---- Service Layer Pattern: OrderService.create_order ---- */
typedef struct item_data {
    int64_t product_id;
    int quantity;
    const char *price;
} item_data;
typedef struct order_request {
    const char *user;
    const item_data *items;
    size_t n;
    order *result;
} order_request;

static void send_confirmation(void *arg) /* OrderService.send_confirmation: after the commit */
{
    order *o = arg;
    char line[160];
    snprintf(line, sizeof line, "Your order #%lld has been received.", (long long)o->id);
    note(line);
}

/* update_inventory(items): product = Product.objects.get(id=...); product.stock -= qty; product.save() */
static int update_inventory(const item_data *items, size_t n, mn_err *e)
{
    for (size_t i = 0; i < n; i++) {
        product *p = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, a), "id", mn_value_int(items[i].product_id)), e);
        if (!p)
            return e->code;
        p->stock -= items[i].quantity;
        int rc = mn_obj_save(p, &product_model, NULL, NULL, e);
        if (rc != MN_OK)
            return rc;
    }
    return MN_OK;
}

/* with transaction.atomic(): everything below or nothing */
static int create_order(mn_db *db, void *ctx)
{
    order_request *r = ctx;
    mn_decimal total = mn_decimal_from_i64(0), line;
    for (size_t i = 0; i < r->n; i++) { /* total = sum(item['price'] * item['quantity'] ...) */
        mn_decimal_mul(dec(r->items[i].price).u.d, mn_decimal_from_i64(r->items[i].quantity), &line);
        mn_decimal_add(total, line, &total);
    }
    order *o = mn_model_create(&order_model, a, &err, "user", mn_value_cstr(r->user), "total", mn_value_decimal(total),
                               NULL);
    if (!o)
        return err.code;
    for (size_t i = 0; i < r->n; i++)
        if (!mn_model_create(&order_item_model, a, &err, "order", mn_value_int(o->id), "product",
                             mn_value_int(r->items[i].product_id), "quantity", mn_value_int(r->items[i].quantity),
                             "price", dec(r->items[i].price), NULL))
            return err.code;
    int rc = update_inventory(r->items, r->n, &err);
    if (rc != MN_OK)
        return rc;
    r->result = o;
    return mn_db_on_commit(db, send_confirmation, o); /* the email goes only if the order is committed */
}

/* Custom managers and QuerySet methods: Product.objects.active().in_stock() is a chain of plain
 * functions that take a QuerySet and return one. */
static mn_qs *active(mn_qs *qs) { return mn_qs_filter(qs, "is_active", mn_value_bool(true)); }
static mn_qs *in_stock(mn_qs *qs) { return mn_qs_filter(qs, "stock__gt", mn_value_int(0)); }
/* class ActiveManager(Manager): def get_queryset(self): return super().get_queryset().filter(is_active=True) */
static mn_qs *active_products(mn_arena *arena) { return active(mn_qs_all(&product_model, arena)); }

static const mn_cache_config caches[] = {
    { .alias = "default", .BACKEND = "django.core.cache.backends.locmem.LocMemCache", .LOCATION = "patterns" },
};

int main(void)
{
    a = mn_arena_new("example", 0);
    mn_db_config cfg;
    /* SQLite in memory; tests/integration/guide_orm_postgres.sh gives a PostgreSQL database */
    const char *db_url = getenv("MN_EXAMPLE_DATABASE_URL");
    assert(mn_dburl_parse(mn_str_from(db_url ? db_url : "sqlite://:memory:"), a, &cfg, &err) == MN_OK);
    mn_db *db = mn_db_open(&cfg, &err);
    assert(db);
    mn_orm_use(db);
    assert(mn_caches_configure(caches, 1, &err) == MN_OK);
    assert(mn_orm_register(models, &err) == MN_OK);
    for (size_t i = 0; models[i]; i++)
        assert(mn_model_create_table(models[i], NULL, &err) == MN_OK);

    /* ==== Signals: Creating Signal Receivers, Registering Signals (the app's ready hook) ==== */
    assert(mn_signal_connect(&mn_post_save, product_saved, &(mn_receiver_opts){ .sender = &product_model }) == MN_OK);
    assert(mn_signal_connect(&mn_pre_delete, product_deleting, &(mn_receiver_opts){ .sender = &product_model }) ==
           MN_OK);
    assert(mn_signal_connect(&mn_post_delete, product_deleted, &(mn_receiver_opts){ .sender = &product_model }) ==
           MN_OK);
    assert(mn_signal_connect(&mn_m2m_changed, tags_changed,
                             &(mn_receiver_opts){ .sender = mn_m2m_through(&product_model, "tags") }) == MN_OK);
    category *books = mn_model_create(&category_model, a, &err, "name", mn_value_cstr("Books"), NULL);
    product *novel = mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Novel"), "price", dec("15"),
                                     "category", mn_value_int(books->id), NULL);
    assert(novel);
    mn_cache_set(mn_cache_default(), "product_1", mn_value_cstr("cached"), 300, &err);
    novel->price = dec("12").u.d;
    assert(mn_obj_save(novel, &product_model, NULL, NULL, &err) == MN_OK);      /* the cache entry goes */
    assert(mn_cache_has_key(mn_cache_default(), "product_1", &err) == 0);
    tag *sale = mn_model_create(&tag_model, a, &err, "name", mn_value_cstr("Sale"), NULL);
    void *tags[] = { sale };
    assert(mn_rel_add(novel, &product_model, "tags", tags, 1, &err) == MN_OK);
    mn_cache_set(mn_cache_default(), "all_products", mn_value_cstr("cached"), 300, &err);
    product *gone = mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Old Map"), "price", dec("3"), NULL);
    assert(mn_obj_delete(gone, &product_model, NULL, &err) == 1);
    assert(mn_cache_has_key(mn_cache_default(), "all_products", &err) == 0);   /* post_delete cleared it */
    assert(!strcmp(journal, "New product created: Novel\n"
                            "Product updated: Novel\n"
                            "Tags changed for: Novel\n"
                            "New product created: Old Map\n"
                            "Deleting product: Old Map\n"));
    journal[0] = '\0';

    /* ==== When NOT to Use Signals: the count is kept by save() itself ==== */
    assert(mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Atlas"), "price", dec("30"), "category",
                           mn_value_int(books->id), NULL));
    mn_obj_refresh(books, &category_model, NULL, a, &err);
    assert(books->product_count == 2);

    /* ==== Slug Auto-Generation: unique slugs ==== */
    const char *want[] = { "blue-lamp", "blue-lamp-1", "blue-lamp-2" };
    for (int i = 0; i < 3; i++) {
        product *lamp = mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Blue Lamp"), "price",
                                        dec("20"), "stock", mn_value_int(10), NULL);
        assert(lamp && mn_str_eq_cstr(lamp->slug, want[i]));
    }

    /* ==== SQL Injection Prevention ==== */
    const char *user_input = "' OR '1'='1";
    assert(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, a), "name", mn_value_cstr(user_input)), &err) == 0);
    /* Product.objects.raw("SELECT * FROM products WHERE name = %s", [user_input]) */
    mn_value params[] = { mn_value_cstr(user_input) };
    assert(mn_qs_len(mn_qs_raw(&product_model, a, "SELECT * FROM shop_product WHERE name = %s", params, 1)) == 0);
    params[0] = mn_value_cstr("Novel");
    mn_qs *raw = mn_qs_raw(&product_model, a, "SELECT * FROM shop_product WHERE name = %s", params, 1);
    assert(mn_qs_len(raw) == 1 && ((product *)mn_qs_at(raw, 0))->id == novel->id);
    /* DANGEROUS, shown once to see why: the text spliced into SQL matches every row */
    const char *spliced = mn_arena_sprintf(a, "SELECT * FROM shop_product WHERE name = '%s'", user_input);
    assert(mn_qs_len(mn_qs_raw(&product_model, a, spliced, NULL, 0)) == 5);

    /* ==== Database Query Optimization ==== */
    mn_qs *all = mn_qs_all(&product_model, a);
    assert(mn_qs_count(all, &err) == 5);                                    /* SELECT COUNT(*), not len() */
    assert(mn_qs_exists(all, &err) == 1);                                   /* SELECT 1 ... LIMIT 1 */
    product *slim = mn_qs_first(mn_qs_only(all, "name", "price", NULL), &err);
    assert(mn_obj_is_deferred(slim, &product_model, "description"));
    slim = mn_qs_first(mn_qs_defer(all, "description", NULL), &err);
    assert(mn_obj_is_deferred(slim, &product_model, "description") && !mn_obj_is_deferred(slim, &product_model, "stock"));
    /* Product.objects.all().update(price=F('price') * 1.1): one query, as Django on SQLite gives it */
    uint64_t before = mn_db_statement_count(db);
    assert(mn_qs_update(all, &err, "price", mn_expr_mul(a, mn_f(a, "price"), mn_value_float(1.1)), NULL) == 5);
    assert(mn_db_statement_count(db) - before == 1);
    product *atlas = mn_qs_get(mn_qs_filter(all, "name", mn_value_cstr("Atlas")), &err);
    assert(!strcmp(text(mn_value_decimal(atlas->price)), "33.00"));       /* 30 * 1.1 */
    /* for product in Product.objects.iterator(chunk_size=1000): process(product) */
    void *many[2500];
    for (int i = 0; i < 2500; i++) {
        product *p = mn_model_new(&product_model, a, &err);
        p->name = mn_str_from("Bulk");
        p->slug = mn_str_from(mn_arena_sprintf(a, "bulk-%d", i));
        p->price = dec("1").u.d;
        many[i] = p;
    }
    assert(mn_model_bulk_create(&product_model, many, 2500, 0, NULL, &err) == MN_OK);
    mn_qs_iter *it = mn_qs_iterator(all, 1000);
    size_t seen = 0;
    while (mn_qs_iter_next(it, &err))
        seen++;
    mn_qs_iter_close(it);
    assert(seen == 2505 && err.code == MN_OK);

    /* ==== Database Indexes: print(queryset.query), queryset.explain() ==== */
    mn_list *ddl = mn_model_schema_sql(&product_model, MN_DB_SQLITE, a, &err);
    mn_buf all_ddl;
    mn_buf_init(&all_ddl, a, 0);
    for (size_t i = 0; i < mn_list_len(ddl); i++)
        mn_buf_printf(&all_ddl, "%.*s;\n", MN_STR_FMT(mn_list_get(ddl, i).u.s));
    const char *schema = mn_buf_cstr(&all_ddl);
    assert(strstr(schema, "ON \"shop_product\" (\"name\")"));
    assert(strstr(schema, "ON \"shop_product\" (\"category_id\", \"price\")"));
    assert(strstr(schema, "ON \"shop_product\" (\"created_at\", \"price\" DESC)"));
    assert(strstr(schema, "CREATE INDEX \"available_products_price_idx\" ON \"shop_product\" (\"price\") WHERE "
                          "\"available\""));
    mn_qs *cheap = mn_qs_filter(mn_qs_filter(all, "category", mn_value_int(books->id)), "price__lt", mn_value_int(20));
    printf("%s\n", mn_qs_sql(cheap, NULL, &err));
    const char *plan = mn_qs_explain(cheap, &err);
    printf("%s\n", plan);
    assert(plan);
    if (mn_db_engine_of(db) == MN_DB_SQLITE)
        assert(strstr(plan, "USING INDEX")); /* PostgreSQL reads a table this small sequentially */

    /* ==== Service Layer Pattern ==== */
    journal[0] = '\0';
    product *lamp = mn_qs_get(mn_qs_filter(all, "slug", mn_value_cstr("blue-lamp")), &err);
    item_data items[] = { { lamp->id, 2, "22.00" }, { atlas->id, 1, "33.00" } };
    order_request r = { "ann", items, 2, NULL };
    assert(mn_db_atomic(db, create_order, &r, &err) == MN_OK);
    assert(r.result && !strcmp(text(mn_value_decimal(r.result->total)), "77.00"));
    mn_obj_refresh(lamp, &product_model, NULL, a, &err);
    assert(lamp->stock == 8);
    assert(!strcmp(journal, "Product updated: Blue Lamp\nProduct updated: Atlas\n"
                            "Your order #1 has been received.\n"));
    journal[0] = '\0';
    /* an unknown product: DoesNotExist inside the block rolls the order and the stock back, no email */
    item_data bad[] = { { lamp->id, 2, "22.00" }, { 9999, 1, "1.00" } };
    order_request r2 = { "bob", bad, 2, NULL };
    assert(mn_db_atomic(db, create_order, &r2, &err) == MN_ENOTFOUND);
    assert(mn_qs_count(mn_qs_all(&order_model, a), &err) == 1);
    mn_obj_refresh(lamp, &product_model, NULL, a, &err);
    assert(lamp->stock == 8 && strstr(journal, "Your order") == NULL);

    /* ==== Custom managers and QuerySet methods ==== */
    mn_qs_update(mn_qs_filter(all, "slug", mn_value_cstr("blue-lamp-2")), &err, "is_active", mn_value_bool(false), NULL);
    assert(mn_qs_count(in_stock(active_products(a)), &err) == 2);           /* blue-lamp, blue-lamp-1 */
    assert(mn_qs_count(in_stock(mn_qs_all(&product_model, a)), &err) == 3);

    /* ==== Celery: cleanup_old_records() ==== */
    mn_qs_update(mn_qs_filter(all, "name", mn_value_cstr("Bulk")), &err, "is_active", mn_value_bool(false),
                 "updated_at", mn_value_cstr("2020-01-01T00:00:00+00:00"), NULL);
    mn_datetime cutoff_date; /* timezone.now() - timedelta(days=30) */
    mn_datetime_add(mn_datetime_now(), (mn_duration){ -INT64_C(30) * 86400 * 1000000 }, &cutoff_date);
    mn_value cutoff = mn_value_datetime(cutoff_date);
    mn_map *per_model;
    int64_t deleted_count = mn_qs_delete(mn_qs_filter_by(all, "is_active", mn_value_bool(false), "updated_at__lt",
                                                         cutoff, NULL),
                                         &per_model, &err);
    assert(deleted_count == 2500);                                          /* .delete()[0] */
    printf("Deleted %lld old records\n", (long long)deleted_count);

    /* ==== Quick Reference: Django Shell Commands ==== */
    product *test = mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Test"), "price", dec("100"), NULL);
    assert(test);
    assert(mn_qs_get(mn_qs_filter(all, "id", mn_value_int(1)), &err));                   /* get(id=1) */
    assert(mn_qs_len(mn_qs_filter(all, "price__gte", mn_value_int(100))) == 1);           /* filter(price__gte=100) */
    assert(mn_qs_update(mn_qs_filter(all, "category_id", mn_value_int(1)), &err, "discount", mn_value_int(10), NULL) ==
           2);                                                                             /* update(discount=10) */
    assert(mn_qs_delete(mn_qs_filter(all, "id", mn_value_int(test->id)), NULL, &err) == 1); /* filter(id=...).delete() */

    puts("guide orm patterns ok");
    mn_signal_disconnect_all(&mn_post_save);
    mn_signal_disconnect_all(&mn_pre_delete);
    mn_signal_disconnect_all(&mn_post_delete);
    mn_signal_disconnect_all(&mn_m2m_changed);
    mn_signal_collect();
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_caches_shutdown();
    mn_arena_free(a);
    return 0;
}
