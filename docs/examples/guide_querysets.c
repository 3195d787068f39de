/* docs/querysets.md: every example of the guide's chapter "QuerySets &
 * Database Queries", in the guide's order, with the results Django 3.2 gives
 * on the same rows asserted. Runs against SQLite in memory (or MN_EXAMPLE_DATABASE_URL). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

/* ---- the models the chapter uses ---- */
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
static mn_model category_model = MN_MODEL(category, "shop", "Category", category_fields);

typedef struct user {
    mn_obj mn;
    int64_t id;
    mn_str username;
} user;
static const mn_field user_fields[] = {
    MN_FIELD_BIGAUTO(user, id),
    MN_FIELD_CHAR(user, username, .max_length = 150),
    MN_FIELD_END,
};
static mn_model user_model = MN_MODEL(user, "auth", "User", user_fields);

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
    mn_str description;
    mn_str slug;
    mn_decimal price;
    int32_t stock;
    int32_t reserved_stock;
    int32_t views;
    int32_t discount;
    bool available;
    int64_t category;
    int64_t created_by;
    mn_datetime created_at;
} product;
static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_TEXT(product, description, .null = true),
    MN_FIELD_SLUG(product, slug, .unique = true, .blank = true),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(product, stock, .default_value = "0"),
    MN_FIELD_INT(product, reserved_stock, .default_value = "0"),
    MN_FIELD_INT(product, views, .default_value = "0"),
    MN_FIELD_INT(product, discount, .default_value = "0"),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_FOREIGNKEY(product, category, category_model, .null = true, .on_delete = MN_CASCADE,
                        .related_name = "products"),
    MN_FIELD_FOREIGNKEY(product, created_by, user_model, .null = true, .on_delete = MN_SET_NULL),
    MN_FIELD_DATETIME(product, created_at),
    MN_FIELD_END,
};
static const mn_m2m product_m2m[] = {
    MN_M2M("tags", tag_model, .related_name = "products"),
    MN_M2M_END,
};
/* class Meta: ordering = ['-created_at'] (first() is the newest) */
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields, .many_to_many = product_m2m,
                                         .meta = { .ordering = MN_NAMES("-created_at") });

typedef struct review {
    mn_obj mn;
    int64_t id;
    int64_t product;
    int32_t rating;
} review;
static const mn_field review_fields[] = {
    MN_FIELD_BIGAUTO(review, id),
    MN_FIELD_FOREIGNKEY(review, product, product_model, .on_delete = MN_CASCADE, .related_name = "reviews"),
    MN_FIELD_INT(review, rating),
    MN_FIELD_END,
};
static mn_model review_model = MN_MODEL(review, "shop", "Review", review_fields);

static mn_model *const models[] = { &category_model, &user_model, &tag_model, &product_model, &review_model, NULL };

static mn_arena *a;
static mn_err err;

static mn_value dec(const char *s)
{
    mn_decimal d;
    mn_decimal_parse_cstr(s, &d, NULL);
    return mn_value_decimal(d);
}

static mn_value at(const char *iso)
{
    mn_datetime dt;
    mn_datetime_parse(mn_str_from(iso), &dt, NULL);
    return mn_value_datetime(dt);
}

static mn_qs *products(void) { return mn_qs_all(&product_model, a); }

/* The names a QuerySet gives, sorted and joined by "|": what the asserts compare. */
static const char *names(mn_qs *qs)
{
    mn_list *rows = mn_qs_rows(mn_qs_values_list(mn_qs_order_by(qs, "name", NULL), MN_QS_FLAT, "name", NULL));
    mn_buf b;
    mn_buf_init(&b, a, 0);
    for (size_t i = 0; rows && i < mn_list_len(rows); i++) {
        if (i)
            mn_buf_putc(&b, '|');
        mn_buf_put_str(&b, mn_list_get(rows, i).u.s);
    }
    return mn_buf_cstr(&b);
}

/* The same names in the QuerySet's own order. */
static const char *names_in_order(mn_qs *qs)
{
    mn_buf b;
    mn_buf_init(&b, a, 0);
    for (size_t i = 0; i < mn_qs_len(qs); i++) {
        if (i)
            mn_buf_putc(&b, '|');
        mn_buf_put_str(&b, ((product *)mn_qs_at(qs, i))->name);
    }
    return mn_buf_cstr(&b);
}

static const char *dec_text(mn_value v)
{
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_value_to_str(v, &b);
    return mn_buf_cstr(&b);
}

static bool dec_is(mn_value v, const char *want)
{
    return v.type == MN_VALUE_DECIMAL && mn_decimal_cmp(v.u.d, dec(want).u.d) == 0;
}

static product *add(const char *name, const char *price, int stock, int reserved, category *c, const char *when,
                    const char *description)
{
    product *p = mn_model_create(&product_model, a, &err, "name", mn_value_cstr(name), "price", dec(price), "stock",
                                 mn_value_int(stock), "reserved_stock", mn_value_int(reserved), "category",
                                 mn_value_int(c->id), "created_at", at(when), "description",
                                 description ? mn_value_cstr(description) : mn_value_null(), NULL);
    assert(p);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_text_slugify(&b, p->name, false);
    p->slug = mn_buf_str(&b);
    assert(mn_obj_save(p, &product_model, NULL, MN_NAMES("slug"), &err) == MN_OK);
    return p;
}

/* @transaction.atomic
 * def transfer_stock(from_product, to_product, quantity): ... */
typedef struct transfer {
    product *from, *to;
    int quantity;
} transfer;

static int transfer_stock(mn_db *db, void *ctx)
{
    transfer *t = ctx;
    t->from->stock -= t->quantity;
    int rc = mn_obj_save(t->from, &product_model, db, NULL, &err);
    if (rc != MN_OK)
        return rc;
    t->to->stock += t->quantity;
    return mn_obj_save(t->to, &product_model, db, NULL, &err); /* fails: the first save rolls back */
}

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
    assert(mn_orm_register(models, &err) == MN_OK);
    for (size_t i = 0; models[i]; i++)
        assert(mn_model_create_table(models[i], NULL, &err) == MN_OK);

    category *el = mn_model_create(&category_model, a, &err, "name", mn_value_cstr("Electronics"), NULL);
    category *bk = mn_model_create(&category_model, a, &err, "name", mn_value_cstr("Books"), NULL);
    product *iphone = add("iPhone 15 Pro", "999.00", 5, 8, el, "2024-12-25T10:00:00+00:00", "Phone");
    add("Android phone", "299.00", 0, 0, el, "2024-03-01T09:00:00+00:00", NULL);
    product *book = add("Django for APIs", "39.99", 12, 2, bk, "2023-06-15T12:00:00+00:00", "Book");
    add("iPad tablet", "599.00", 3, 1, el, "2024-12-01T08:00:00+00:00", NULL);

    /* ---- Basic Queries ---- */
    assert(mn_qs_len(products()) == 4);                                              /* all() */
    assert(!strcmp(names(mn_qs_filter(products(), "available", mn_value_bool(true))),
                    "Android phone|Django for APIs|iPad tablet|iPhone 15 Pro"));
    assert(!strcmp(names(mn_qs_filter(products(), "price__gt", mn_value_int(100))),
                    "Android phone|iPad tablet|iPhone 15 Pro"));
    assert(mn_qs_count(mn_qs_exclude(products(), "stock", mn_value_int(0)), &err) == 3);
    product *p = mn_qs_get(mn_qs_filter(products(), "id", mn_value_int(1)), &err);  /* get(id=1) */
    assert(p && mn_str_eq_cstr(p->name, "iPhone 15 Pro"));
    p = mn_qs_get(mn_qs_filter(products(), "slug", mn_value_cstr("ipad-tablet")), &err);
    assert(p && mn_str_eq_cstr(p->name, "iPad tablet"));
    product *newest = mn_qs_first(products(), &err);                                 /* Meta.ordering */
    product *oldest = mn_qs_last(products(), &err);
    assert(mn_str_eq_cstr(newest->name, "iPhone 15 Pro") && mn_str_eq_cstr(oldest->name, "Django for APIs"));
    assert(mn_qs_exists(mn_qs_filter(products(), "category_id", mn_value_int(1)), &err) == 1);
    assert(mn_qs_count(products(), &err) == 4);

    /* ---- Field Lookups ---- */
    struct { const char *lookup; mn_value v; const char *want; } lookups[] = {
        { "price", mn_value_int(999), "iPhone 15 Pro" },
        { "price__exact", mn_value_int(999), "iPhone 15 Pro" },
        { "price__gt", mn_value_int(299), "iPad tablet|iPhone 15 Pro" },
        { "price__gte", mn_value_int(299), "Android phone|iPad tablet|iPhone 15 Pro" },
        { "price__lt", mn_value_int(299), "Django for APIs" },
        { "price__lte", mn_value_int(299), "Android phone|Django for APIs" },
        /* case-sensitive, as the guide says (and PostgreSQL does; Django on SQLite uses LIKE and also
         * finds "iPhone 15 Pro") */
        { "name__contains", mn_value_cstr("phone"), "Android phone" },
        { "name__icontains", mn_value_cstr("PHONE"), "Android phone|iPhone 15 Pro" },
        { "name__startswith", mn_value_cstr("iPhone"), "iPhone 15 Pro" },
        { "name__endswith", mn_value_cstr("Pro"), "iPhone 15 Pro" },
        { "description__isnull", mn_value_bool(true), "Android phone|iPad tablet" },
        { "description__isnull", mn_value_bool(false), "Django for APIs|iPhone 15 Pro" },
        { "created_at__year", mn_value_int(2024), "Android phone|iPad tablet|iPhone 15 Pro" },
        { "created_at__month", mn_value_int(12), "iPad tablet|iPhone 15 Pro" },
        { "created_at__day", mn_value_int(25), "iPhone 15 Pro" },
    };
    for (size_t i = 0; i < sizeof lookups / sizeof *lookups; i++) {
        const char *got = names(mn_qs_filter(products(), lookups[i].lookup, lookups[i].v));
        if (strcmp(got, lookups[i].want))
            fprintf(stderr, "%s: %s\n", lookups[i].lookup, got);
        assert(!strcmp(got, lookups[i].want));
    }
    /* filter(id__in=[1, 2, 3]) */
    mn_list *ids = mn_list_new(a, 3);
    for (int i = 1; i <= 3; i++)
        mn_list_push(ids, mn_value_int(i));
    assert(!strcmp(names(mn_qs_filter(products(), "id__in", mn_value_list(ids))),
                    "Android phone|Django for APIs|iPhone 15 Pro"));
    /* filter(category__in=['Electronics', 'Books']) compares category ids with names: Django
     * refuses it, and so does Manouche; category__name__in is what the guide means. */
    mn_list *cats = mn_list_new(a, 2);
    mn_list_push(cats, mn_value_cstr("Electronics"));
    mn_list_push(cats, mn_value_cstr("Books"));
    assert(mn_qs_count(mn_qs_filter(products(), "category__in", mn_value_list(cats)), &err) < 0);
    assert(!strcmp(err.msg, "Field 'id' expected a number but got 'Electronics'."));
    assert(mn_qs_count(mn_qs_filter(products(), "category__name__in", mn_value_list(cats)), &err) == 4);
    /* filter(created_at__range=[date(2024, 1, 1), date(2024, 12, 31)]) */
    mn_list *range = mn_list_new(a, 2);
    mn_list_push(range, mn_value_date((mn_date){ .year = 2024, .month = 1, .day = 1 }));
    mn_list_push(range, mn_value_date((mn_date){ .year = 2024, .month = 12, .day = 31 }));
    assert(!strcmp(names(mn_qs_filter(products(), "created_at__range", mn_value_list(range))),
                    "Android phone|iPad tablet|iPhone 15 Pro"));

    /* ---- Complex Queries with Q Objects ---- */
    mn_qobj *q = mn_q_or(mn_q(a, "name__icontains", mn_value_cstr("iPhone")),
                         mn_q(a, "category__name", mn_value_cstr("Electronics")));
    assert(!strcmp(names(mn_qs_filter_q(products(), q)), "Android phone|iPad tablet|iPhone 15 Pro"));
    q = mn_q_and(mn_q(a, "price__gte", mn_value_int(100)), mn_q(a, "price__lte", mn_value_int(500)));
    assert(!strcmp(names(mn_qs_filter_q(products(), q)), "Android phone"));
    q = mn_q_not(mn_q(a, "category__name", mn_value_cstr("Books")));
    assert(!strcmp(names(mn_qs_filter_q(products(), q)), "Android phone|iPad tablet|iPhone 15 Pro"));
    q = mn_q_and(mn_q_or(mn_q(a, "name__icontains", mn_value_cstr("phone")),
                         mn_q(a, "name__icontains", mn_value_cstr("tablet"))),
                 mn_q(a, "price__lt", mn_value_int(1000)));
    assert(!strcmp(names(mn_qs_filter_q(products(), q)), "Android phone|iPad tablet|iPhone 15 Pro"));

    /* ---- select_related: the N+1 problem and its cure, counted ---- */
    uint64_t before = mn_db_statement_count(db);
    mn_qs *all = products();
    for (size_t i = 0; i < mn_qs_len(all); i++)                     /* product.category.name */
        assert(MN_REL(category, mn_qs_at(all, i), &product_model, "category", a, &err));
    assert(mn_db_statement_count(db) - before == 1 + 4);            /* 1 + N queries */
    before = mn_db_statement_count(db);
    mn_qs *joined = mn_qs_select_related(products(), "category", NULL);
    for (size_t i = 0; i < mn_qs_len(joined); i++)
        assert(MN_REL(category, mn_qs_at(joined, i), &product_model, "category", a, &err));
    assert(mn_db_statement_count(db) - before == 1);                 /* one query with a JOIN */
    /* select_related('category', 'created_by'): a nullable key is a LEFT OUTER JOIN */
    const char *sql = mn_qs_sql(mn_qs_select_related(products(), "category", "created_by", NULL), NULL, &err);
    assert(strstr(sql, "LEFT OUTER JOIN \"shop_category\"") && strstr(sql, "LEFT OUTER JOIN \"auth_user\""));
    /* Review.objects.select_related('product__category') */
    mn_model_create(&review_model, a, &err, "product", mn_value_int(iphone->id), "rating", mn_value_int(5), NULL);
    mn_model_create(&review_model, a, &err, "product", mn_value_int(iphone->id), "rating", mn_value_int(2), NULL);
    mn_model_create(&review_model, a, &err, "product", mn_value_int(book->id), "rating", mn_value_int(4), NULL);
    before = mn_db_statement_count(db);
    mn_qs *reviews = mn_qs_select_related(mn_qs_all(&review_model, a), "product__category", NULL);
    for (size_t i = 0; i < mn_qs_len(reviews); i++) {
        product *rp = MN_REL(product, mn_qs_at(reviews, i), &review_model, "product", a, &err);
        assert(MN_REL(category, rp, &product_model, "category", a, &err));
    }
    assert(mn_db_statement_count(db) - before == 1);

    /* ---- prefetch_related ---- */
    tag *fresh = mn_model_create(&tag_model, a, &err, "name", mn_value_cstr("New"), NULL);
    tag *featured = mn_model_create(&tag_model, a, &err, "name", mn_value_cstr("Featured"), NULL);
    void *both[] = { fresh, featured };
    assert(mn_rel_add(iphone, &product_model, "tags", both, 2, &err) == MN_OK);
    before = mn_db_statement_count(db);
    all = products();
    for (size_t i = 0; i < mn_qs_len(all); i++)                     /* product.tags.all(): N queries */
        mn_qs_len(mn_rel_all(mn_qs_at(all, i), &product_model, "tags", a));
    assert(mn_db_statement_count(db) - before == 1 + 4);
    before = mn_db_statement_count(db);
    mn_qs *pre = mn_qs_prefetch_related(products(), "tags", NULL);
    size_t ntags = 0;
    for (size_t i = 0; i < mn_qs_len(pre); i++)
        ntags += mn_qs_len(mn_rel_all(mn_qs_at(pre, i), &product_model, "tags", a));
    assert(ntags == 2 && mn_db_statement_count(db) - before == 2);  /* 2 queries total */
    /* prefetch_related(Prefetch('reviews', queryset=Review.objects.filter(rating__gte=4))) */
    before = mn_db_statement_count(db);
    mn_qs *good = mn_qs_prefetch(products(), "reviews",
                                 mn_qs_filter(mn_qs_all(&review_model, a), "rating__gte", mn_value_int(4)), NULL);
    size_t nreviews = 0;
    for (size_t i = 0; i < mn_qs_len(good); i++)
        nreviews += mn_qs_len(mn_rel_all(mn_qs_at(good, i), &product_model, "reviews", a));
    assert(nreviews == 2 && mn_db_statement_count(db) - before == 2); /* the 2-star review is left out */

    /* ---- F Expressions ---- */
    assert(!strcmp(names(mn_qs_filter(products(), "stock__lt", mn_f(a, "reserved_stock"))), "iPhone 15 Pro"));
    /* Product.objects.filter(id=1).update(views=F('views') + 1) */
    assert(mn_qs_update(mn_qs_filter(products(), "id", mn_value_int(1)), &err, "views",
                        mn_expr_add(a, mn_f(a, "views"), mn_value_int(1)), NULL) == 1);
    assert(((product *)mn_qs_get(mn_qs_filter(products(), "id", mn_value_int(1)), &err))->views == 1);

    /* ---- Aggregation ---- */
    mn_map *stats = mn_qs_aggregate(products(), &err, "total_products", mn_count(a, "id"), "avg_price",
                                    mn_avg(a, "price"), "max_price", mn_max(a, "price"), "min_price",
                                    mn_min(a, "price"), "total_inventory_value",
                                    mn_agg_of(a, MN_AGG_SUM, mn_expr_mul(a, mn_f(a, "price"), mn_f(a, "stock"))),
                                    NULL);
    assert(stats && mn_map_get_cstr(stats, "total_products").u.i == 4);
    assert(dec_is(mn_map_get_cstr(stats, "avg_price"), "484.2475"));
    assert(dec_is(mn_map_get_cstr(stats, "max_price"), "999"));
    assert(dec_is(mn_map_get_cstr(stats, "min_price"), "39.99"));
    assert(dec_is(mn_map_get_cstr(stats, "total_inventory_value"), "7271.88"));
    printf("avg_price %s\n", dec_text(mn_map_get_cstr(stats, "avg_price")));
    /* Category.objects.annotate(product_count=Count('products'), avg_product_price=Avg('products__price')) */
    mn_qs *by_cat = mn_qs_order_by(mn_qs_annotate(mn_qs_all(&category_model, a), "product_count",
                                                  mn_count(a, "products"), "avg_product_price",
                                                  mn_avg(a, "products__price"), NULL),
                                   "name", NULL);
    for (size_t i = 0; i < mn_qs_len(by_cat); i++) {
        category *c = mn_qs_at(by_cat, i);
        printf("%.*s: %lld products\n", MN_STR_FMT(c->name),
               (long long)mn_obj_annotation(c, &category_model, "product_count").u.i);
    }
    assert(mn_obj_annotation(mn_qs_at(by_cat, 0), &category_model, "product_count").u.i == 1); /* Books */
    assert(mn_obj_annotation(mn_qs_at(by_cat, 1), &category_model, "product_count").u.i == 3);
    assert(dec_is(mn_obj_annotation(mn_qs_at(by_cat, 0), &category_model, "avg_product_price"), "39.99"));

    /* ---- Ordering ---- */
    assert(!strcmp(names_in_order(mn_qs_order_by(products(), "price", NULL)),
                   "Django for APIs|Android phone|iPad tablet|iPhone 15 Pro"));
    assert(!strcmp(names_in_order(mn_qs_order_by(products(), "-price", NULL)),
                   "iPhone 15 Pro|iPad tablet|Android phone|Django for APIs"));
    assert(!strcmp(names_in_order(mn_qs_order_by(products(), "category", "-price", NULL)),
                   "iPhone 15 Pro|iPad tablet|Android phone|Django for APIs"));
    assert(mn_qs_len(mn_qs_order_by(products(), "?", NULL)) == 4);   /* random order */

    /* ---- Limiting Results ---- */
    assert(mn_qs_len(mn_qs_slice(products(), 0, 10)) == 4);          /* [:10] */
    assert(!strcmp(names_in_order(mn_qs_slice(products(), 1, 3)), "iPad tablet|Android phone")); /* [1:3] */
    assert(mn_qs_len(mn_qs_slice(products(), 10, 20)) == 0);         /* [10:20]: past the end */

    /* ---- Only/Defer, values(), values_list() ---- */
    product *light = mn_qs_first(mn_qs_only(products(), "name", "price", NULL), &err);
    assert(mn_obj_is_deferred(light, &product_model, "description"));
    assert(!mn_obj_is_deferred(light, &product_model, "price"));
    product *heavy = mn_qs_first(mn_qs_defer(products(), "description", NULL), &err);
    assert(mn_obj_is_deferred(heavy, &product_model, "description") && heavy->stock == 5);
    mn_list *rows = mn_qs_rows(mn_qs_slice(mn_qs_values(products(), "name", "price", NULL), 0, 2));
    mn_map *row0 = mn_list_get(rows, 0).u.map;                       /* {'name': 'iPhone 15 Pro', 'price': ...} */
    assert(mn_map_len(row0) == 2 && mn_str_eq_cstr(mn_map_get_cstr(row0, "name").u.s, "iPhone 15 Pro"));
    assert(dec_is(mn_map_get_cstr(row0, "price"), "999"));
    rows = mn_qs_rows(mn_qs_slice(mn_qs_values_list(products(), 0, "name", "price", NULL), 0, 2));
    mn_list *tuple = mn_list_get(rows, 1).u.list;                     /* ('iPad tablet', Decimal('599.00')) */
    assert(mn_list_len(tuple) == 2 && mn_str_eq_cstr(mn_list_get(tuple, 0).u.s, "iPad tablet"));
    rows = mn_qs_rows(mn_qs_values_list(products(), MN_QS_FLAT, "name", NULL));
    assert(mn_list_len(rows) == 4 && mn_str_eq_cstr(mn_list_get(rows, 3).u.s, "Django for APIs"));

    /* ---- Bulk Operations ---- */
    void *fresh_products[3];
    for (int i = 0; i < 3; i++) {
        product *np = mn_model_new(&product_model, a, &err);
        np->name = mn_str_from(mn_arena_sprintf(a, "Product %d", i + 1));
        np->slug = mn_str_from(mn_arena_sprintf(a, "product-%d", i + 1));
        mn_decimal_parse_cstr(mn_arena_sprintf(a, "%d", (i + 1) * 100), &np->price, NULL);
        np->created_at = mn_datetime_now();
        fresh_products[i] = np;
    }
    assert(mn_model_bulk_create(&product_model, fresh_products, 3, 0, NULL, &err) == MN_OK);
    assert(((product *)fresh_products[2])->id == 7 && mn_qs_count(products(), &err) == 7);
    /* products = Product.objects.all()[:100]; product.price *= 1.1; bulk_update(products, ['price']) */
    size_t n100;
    void **first100 = mn_qs_items(mn_qs_slice(mn_qs_order_by(products(), "id", NULL), 0, 100), &n100);
    mn_decimal factor = dec("1.1").u.d;
    for (size_t i = 0; i < n100; i++) {
        product *bp = first100[i];
        mn_decimal_mul(bp->price, factor, &bp->price);
    }
    assert(mn_model_bulk_update(&product_model, first100, n100, MN_NAMES("price"), 0, NULL, &err) == 7);
    /* saved at the field's 2 places, as Django's DecimalField does: 999.00 * 1.1 and 39.99 * 1.1 = 43.989 */
    product *p1 = mn_qs_get(mn_qs_filter(products(), "pk", mn_value_int(1)), &err);
    product *p3 = mn_qs_get(mn_qs_filter(products(), "pk", mn_value_int(3)), &err);
    assert(!strcmp(dec_text(mn_value_decimal(p1->price)), "1098.90"));
    assert(!strcmp(dec_text(mn_value_decimal(p3->price)), "43.99"));
    /* update(): Product.objects.filter(category__name='Electronics').update(discount=10) */
    assert(mn_qs_update(mn_qs_filter(products(), "category__name", mn_value_cstr("Electronics")), &err, "discount",
                        mn_value_int(10), NULL) == 3);
    /* get_or_create(slug='iphone-15', defaults={'name': 'iPhone 15', 'price': 999}) */
    bool created;
    product *i15 = mn_qs_get_or_create(mn_qs_filter(products(), "slug", mn_value_cstr("iphone-15")), &created, &err,
                                       "name", mn_value_cstr("iPhone 15"), "price", dec("999"), "created_at",
                                       at("2025-01-01T00:00:00+00:00"), NULL);
    assert(i15 && created);
    printf("%s\n", created ? "Created new product" : "Product already existed");
    i15 = mn_qs_get_or_create(mn_qs_filter(products(), "slug", mn_value_cstr("iphone-15")), &created, &err, "name",
                              mn_value_cstr("iPhone 15"), "price", dec("999"), NULL);
    assert(i15 && !created);
    /* update_or_create(slug='iphone-15', defaults={'name': 'iPhone 15 Pro', 'price': 1099}) */
    i15 = mn_qs_update_or_create(mn_qs_filter(products(), "slug", mn_value_cstr("iphone-15")), &created, &err, "name",
                                 mn_value_cstr("iPhone 15 Pro"), "price", dec("1099"), NULL);
    assert(i15 && !created && mn_str_eq_cstr(i15->name, "iPhone 15 Pro") && dec_is(mn_value_decimal(i15->price), "1099"));

    /* ---- Database Transactions ---- */
    /* transfer_stock(): the second save breaks a constraint (a slug taken), so the first rolls back */
    product *from = mn_qs_get(mn_qs_filter(products(), "slug", mn_value_cstr("django-for-apis")), &err);
    product *to = mn_qs_get(mn_qs_filter(products(), "slug", mn_value_cstr("ipad-tablet")), &err);
    to->slug = mn_str_from("iphone-15");
    transfer t = { from, to, 2 };
    assert(mn_db_atomic(db, transfer_stock, &t, &err) == MN_EEXIST);
    mn_obj_refresh(from, &product_model, NULL, a, &err);
    assert(from->stock == 12);                                       /* rolled back */
    to->slug = mn_str_from("ipad-tablet");
    assert(mn_db_atomic(db, transfer_stock, &t, &err) == MN_OK);
    mn_obj_refresh(from, &product_model, NULL, a, &err);
    assert(from->stock == 10);
    /* with transaction.atomic(): one block, all or nothing */
    mn_atomic_scope tx;
    MN_ATOMIC(&tx, NULL, &err) {
        mn_qs *items = mn_qs_order_by(mn_qs_filter(products(), "stock__gt", mn_value_int(0)), "-stock", NULL);
        for (size_t i = 0; i < mn_qs_len(items) && tx.rc == MN_OK; i++) {
            product *item = mn_qs_at(items, i);
            item->stock -= 6;                                        /* 10 -> 4 is saved, then 5 -> -1 */
            if (item->stock < 0)
                MN_ATOMIC_FAIL(&tx, MN_EINVAL);                      /* "raise": everything rolls back */
            else if (mn_obj_save(item, &product_model, NULL, MN_NAMES("stock"), &err) != MN_OK)
                MN_ATOMIC_FAIL(&tx, err.code);
        }
    }
    assert(tx.rc == MN_EINVAL);
    mn_obj_refresh(from, &product_model, NULL, a, &err);
    assert(from->stock == 10);

    puts("guide querysets ok");
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
