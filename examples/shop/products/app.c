/* apps.py, urls.py, signals.py and management/commands of the products app. */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "products/csv.h"
#include "products/products.h"

mn_response *product_list(mn_request *req, const mn_url_args *args);
mn_response *product_detail(mn_request *req, const mn_url_args *args);
mn_response *product_delete(mn_request *req, const mn_url_args *args);
mn_response *api_product_list(mn_request *req, const mn_url_args *args);
mn_response *api_product_detail(mn_request *req, const mn_url_args *args);

/* ---- urls.py ---- */

static const mn_url_pattern product_patterns[] = {
    MN_PATH("", product_list, "list"),
    MN_PATH("<int:pk>/delete/", product_delete, "delete"),
    MN_PATH("<slug:slug>/", product_detail, "detail"),
    MN_URL_END
};
const mn_urlconf products_urls = { .app_name = "products", .patterns = product_patterns };

static const mn_url_pattern api_patterns[] = {
    MN_PATH("products/", api_product_list, "product-list"),
    MN_PATH("products/<int:pk>/", api_product_detail, "product-detail"),
    MN_URL_END
};
const mn_urlconf products_api_urls = { .app_name = "api", .patterns = api_patterns };

/* ---- signals.py: cache invalidation ---- */

static mn_logger cache_log = MN_LOGGER_INIT("shop.cache");
static _Atomic uint64_t cache_generation;

uint64_t products_cache_generation(void) { return atomic_load(&cache_generation); }

/* @receiver(post_save, sender=Product) and @receiver(post_delete, sender=Product):
 * cache.delete('all_products'); cache.delete(f'product_{instance.id}'), the
 * keys the JSON API (views.c) caches. The generation number counts the
 * invalidations (tests, logs). */
static int product_changed(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    (void)response;
    product *p = mn_obj_from_value(mn_signal_arg(call, "instance"));
    atomic_fetch_add(&cache_generation, 1);
    mn_cache *cache = mn_cache_default();
    char key[40];
    snprintf(key, sizeof key, "product_%lld", (long long)(p ? p->id : 0));
    if (cache && (mn_cache_delete(cache, "all_products", err) < 0 || mn_cache_delete(cache, key, err) < 0))
        return err && err->code ? err->code : MN_EIO;
    mn_log_debug(&cache_log, "cache invalidated", MN_LOG_STR("keys", "all_products"),
                 MN_LOG_INT("product", p ? p->id : 0), MN_LOG_STR("signal", call->signal->name));
    return MN_OK;
}

static int products_ready(const mn_app *app, mn_err *err)
{
    (void)app;
    /* The models' reverse relations (category.products, product.reviews...)
     * are known once every model is set up. */
    int rc = mn_orm_register(products_models, err);
    if (rc)
        return rc;
    rc = mn_signal_connect(&mn_post_save, product_changed,
                               &(mn_receiver_opts){ .sender = &product_model, .dispatch_uid = "product_saved" });
    if (!rc)
        rc = mn_signal_connect(&mn_post_delete, product_changed,
                               &(mn_receiver_opts){ .sender = &product_model, .dispatch_uid = "product_deleted" });
    if (rc)
        return mn_err_set(err, rc, "cannot connect the cache receivers");
    return MN_OK;
}

/* ---- management commands ---- */

static mn_db *command_db(mn_command_ctx *ctx)
{
    mn_err err = { 0 };
    mn_db *db = mn_orm_db();
    if (!db) {
        const mn_settings *s = mn_manage_settings();
        db = s ? mn_db_for_thread(&s->DATABASE, &err) : NULL;
        if (!db)
            mn_command_error(ctx, "no database: %s", err.msg);
    }
    return db;
}

/* seed: the sample catalogue, on tables made by ./manage migrate. The demo
 * loads the same rows from products/fixtures/sample.json (its dumpdata). */
static int seed(mn_command_ctx *ctx)
{
    mn_db *db = command_db(ctx);
    if (!db)
        return 1;
    int64_t n = mn_command_int(ctx, "products");
    if (n < 0 || n > 10000)
        return mn_command_error(ctx, "--products must be between 0 and 10000, not %lld", (long long)n);
    mn_err err = { 0 };
    if (products_seed(db, mn_command_arena(ctx), (size_t)n, &err))
        return mn_command_error(ctx, "%s", err.msg);
    mn_arena *a = mn_command_arena(ctx);
    mn_command_out(ctx, MN_STYLE_SUCCESS, "Loaded %lld categories, %lld products, %lld tags, %lld reviews, %lld orders",
                   (long long)mn_qs_count(mn_qs_all(&category_model, a), &err),
                   (long long)mn_qs_count(mn_qs_all(&product_model, a), &err),
                   (long long)mn_qs_count(mn_qs_all(&tag_model, a), &err),
                   (long long)mn_qs_count(mn_qs_all(&review_model, a), &err),
                   (long long)mn_qs_count(mn_qs_all(&order_model, a), &err));
    return 0;
}
static const mn_command_arg seed_args[] = {
    { .name = "--products", .type = MN_ARG_INT, .help = "Number of products (default 200)", .default_value = "200" },
    MN_ARG_END
};
static const mn_command seed_command = {
    .name = "seed", .help = "Loads the sample catalogue", .args = seed_args, .handle = seed,
};

/* The id of the category with slug, or 0 after printing a CommandError. */
static int64_t category_id(mn_command_ctx *ctx, const char *slug, int *rc)
{
    mn_err err = { 0 };
    category *c = mn_qs_get(mn_qs_filter(mn_qs_all(&category_model, mn_command_arena(ctx)), "slug",
                                         mn_value_cstr(slug)), &err);
    if (!c) {
        *rc = err.code == MN_ENOTFOUND ? mn_command_error(ctx, "Category \"%s\" does not exist", slug)
                                       : mn_command_error(ctx, "%s", err.msg);
        return 0;
    }
    return c->id;
}

/* cleanup_products DAYS [--category SLUG] [--dry-run] */
static int cleanup_products(mn_command_ctx *ctx)
{
    if (!command_db(ctx))
        return 1;
    mn_arena *a = mn_command_arena(ctx);
    int64_t days = mn_command_int(ctx, "days");
    const char *cat = mn_command_str(ctx, "category");
    bool dry_run = mn_command_flag(ctx, "dry-run");
    if (days < 0)
        return mn_command_error(ctx, "days must not be negative");
    mn_datetime cutoff;
    if (mn_datetime_add(mn_datetime_now(), (mn_duration){ .us = -days * 86400 * INT64_C(1000000) }, &cutoff))
        return mn_command_error(ctx, "days is out of range: %lld", (long long)days);
    /* Inactive products: not available, not updated since the cutoff. */
    mn_qs *products = mn_qs_filter_by(mn_qs_all(&product_model, a), "available", mn_value_bool(false),
                                      "updated_at__lt", mn_value_datetime(cutoff), NULL);
    if (cat) /* products.filter(category__slug=category) */
        products = mn_qs_filter(products, "category__slug", mn_value_cstr(cat));
    mn_err err = { 0 };
    int64_t count = mn_qs_count(products, &err);
    if (count < 0)
        return mn_command_error(ctx, "%s", err.msg);
    if (dry_run) {
        mn_command_out(ctx, MN_STYLE_WARNING, "Would delete %lld products (DRY RUN)", (long long)count);
        mn_qs *first = mn_qs_slice(products, 0, 10);
        for (size_t i = 0; i < mn_qs_len(first); i++) {
            product *p = mn_qs_at(first, i);
            mn_command_out(ctx, MN_STYLE_PLAIN, "  - %.*s", MN_STR_FMT(p->name));
        }
        return 0;
    }
    if (mn_qs_delete(products, NULL, &err) < 0)
        return mn_command_error(ctx, "%s", err.msg);
    mn_command_out(ctx, MN_STYLE_SUCCESS, "Successfully deleted %lld products", (long long)count);
    return 0;
}
static const mn_command_arg cleanup_args[] = {
    MN_ARG_POSITIONAL("days", MN_ARG_INT, "Number of days"),
    MN_ARG_OPTION("--category", MN_ARG_STR, "Filter by category slug"),
    MN_ARG_FLAG("--dry-run", "Show what would be deleted without deleting"),
    MN_ARG_END
};
static const mn_command cleanup_command = {
    .name = "cleanup_products",
    .help = "Delete inactive products older than specified days",
    .args = cleanup_args,
    .handle = cleanup_products,
};

/* The column index of name in the header row, or -1. */
static int column(const csv_row *header, const char *name)
{
    for (size_t i = 0; i < header->n; i++)
        if (mn_str_eq_cstr(mn_str_trim(header->fields[i]), name))
            return (int)i;
    return -1;
}

static mn_str cell(const csv_row *row, int col)
{
    return col >= 0 && (size_t)col < row->n ? mn_str_trim(row->fields[col]) : MN_STR("");
}

/* import_products CSV_FILE [--category SLUG]: columns name, price, stock and
 * optionally category (a slug), description, sku. */
static int import_products(mn_command_ctx *ctx)
{
    mn_db *db = command_db(ctx);
    if (!db)
        return 1;
    mn_arena *a = mn_command_arena(ctx);
    const char *path = mn_command_str(ctx, "csv_file");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return mn_command_error(ctx, "cannot read %s", path);
    }
    if (st.st_size > 64 * 1024 * 1024) {
        close(fd);
        return mn_command_error(ctx, "%s is larger than 64 MiB", path);
    }
    char *text = mn_arena_alloc(a, (size_t)st.st_size + 1);
    ssize_t got = text ? read(fd, text, (size_t)st.st_size) : -1;
    close(fd);
    if (got != st.st_size)
        return mn_command_error(ctx, "cannot read %s", path);
    mn_err err = { 0 };
    csv_row *rows;
    size_t nrows;
    if (csv_parse((mn_str){ text, (size_t)got }, a, &rows, &nrows, &err))
        return mn_command_error(ctx, "%s: %s", path, err.msg);
    if (nrows == 0)
        return mn_command_error(ctx, "%s: no header row", path);
    int c_name = column(&rows[0], "name"), c_price = column(&rows[0], "price"), c_stock = column(&rows[0], "stock");
    int c_cat = column(&rows[0], "category"), c_desc = column(&rows[0], "description"), c_sku = column(&rows[0], "sku");
    if (c_name < 0 || c_price < 0)
        return mn_command_error(ctx, "%s: the header needs the columns name and price", path);
    int64_t default_cat = 0;
    const char *cat = mn_command_str(ctx, "category");
    if (cat) {
        int rc = 0;
        if (!(default_cat = category_id(ctx, cat, &rc)))
            return rc;
    } else if (c_cat < 0) {
        return mn_command_error(ctx, "%s: no category column: give --category", path);
    }
    void **objs = mn_arena_calloc(a, nrows, sizeof *objs);
    if (!objs)
        return mn_command_error(ctx, "out of memory");
    size_t n = 0, skipped = 0;
    mn_map *slugs = mn_map_new(a, nrows);
    for (size_t r = 1; r < nrows; r++) {
        const csv_row *row = &rows[r];
        product *p = mn_model_new(&product_model, a, &err);
        if (!p || !slugs)
            return mn_command_error(ctx, "out of memory");
        p->name = cell(row, c_name);
        mn_err e = { 0 };
        int64_t cat_id = default_cat;
        mn_str cat_slug = cell(row, c_cat);
        if (cat_slug.len) {
            category *c = mn_qs_get(mn_qs_filter(mn_qs_all(&category_model, a), "slug", mn_value_str(cat_slug)), &e);
            cat_id = c ? c->id : 0;
        }
        if (!p->name.len || !cat_id || mn_obj_set(p, &product_model, "price", mn_value_str(cell(row, c_price)), a, &e) ||
            (c_stock >= 0 && cell(row, c_stock).len &&
             mn_obj_set(p, &product_model, "stock", mn_value_str(cell(row, c_stock)), a, &e))) {
            mn_command_err(ctx, MN_STYLE_WARNING, "Line %zu skipped: %s", row->line,
                           !p->name.len ? "no name" : !cat_id ? "unknown category" : e.msg);
            skipped++;
            continue;
        }
        p->category = cat_id;
        p->description = cell(row, c_desc);
        p->sku = cell(row, c_sku);
        p->status = MN_STR("published");
        /* bulk_create() skips save(): generate the unique slug here. */
        const char *first = product_unique_slug(p->name, 0, a, &e), *slug = first;
        for (int k = 2; slug && mn_map_has(slugs, mn_str_from(slug)); k++) /* twice in the file */
            slug = mn_arena_sprintf(a, "%s-%d", first, k);
        if (!slug)
            return mn_command_error(ctx, "%s", e.msg);
        mn_map_set_cstr(slugs, slug, mn_value_bool(true));
        p->slug = mn_str_from(slug);
        objs[n++] = p;
    }
    /* Bulk create for speed. */
    if (mn_model_bulk_create(&product_model, objs, n, 500, db, &err))
        return mn_command_error(ctx, "%s", err.msg);
    mn_command_out(ctx, MN_STYLE_SUCCESS, "Imported %zu products", n);
    if (skipped)
        mn_command_out(ctx, MN_STYLE_WARNING, "%zu rows skipped", skipped);
    return 0;
}
static const mn_command_arg import_args[] = {
    MN_ARG_POSITIONAL("csv_file", MN_ARG_STR, "The CSV file (columns: name, price, stock, category, ...)"),
    MN_ARG_OPTION("--category", MN_ARG_STR, "Category slug for rows without one"),
    MN_ARG_END
};
static const mn_command import_command = {
    .name = "import_products",
    .help = "Import products from CSV file",
    .args = import_args,
    .handle = import_products,
};

static const mn_command *const commands[] = {
    &seed_command, &cleanup_command, &import_command, NULL,
};

const mn_app products_app = {
    .name = "shop.products",
    .label = "products",
    .urls = &products_urls,
    .commands = commands,
    .static_dir = "products/static",
    .templates_dir = "products/templates",
    .ready = products_ready,
    .models = products_models,
    /* Absolute, so that migrate finds them whatever BASE_DIR and the
     * working directory are (the build directory, a test's BASE_DIR). */
    .migrations_dir = SHOP_SOURCE_DIR "/products/migrations",
};
