/* The products app of the guide's shop: models (models.py), views, URLs,
 * signal receivers, management commands and sample data. */
#ifndef SHOP_PRODUCTS_H
#define SHOP_PRODUCTS_H

#include <manouche.h>
#include <manouche/relation.h>

/* class TimeStampedModel(models.Model): abstract = True */
typedef struct timestamped {
    mn_datetime created_at;
    mn_datetime updated_at;
} timestamped;
extern mn_model timestamped_model;

/* class Category(models.Model) */
typedef struct category {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
    mn_str description;
} category;
extern mn_model category_model;

/* class Tag(models.Model) */
typedef struct tag {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
} tag;
extern mn_model tag_model;

/* class Product(TimeStampedModel): every field of the guide's product;
 * tags = ManyToManyField(Tag, related_name='products'). */
typedef struct product {
    mn_obj mn;
    int64_t id;
    timestamped ts;      /* created_at, updated_at */
    mn_str name;
    mn_str slug;         /* unique; generated from the name when left blank */
    mn_str description;
    mn_decimal price;    /* DecimalField(max_digits=10, decimal_places=2) */
    int32_t discount;    /* percentage */
    int32_t stock;
    bool available;
    mn_str sku;
    mn_str status;       /* draft, published, archived */
    mn_value metadata;   /* JSONField(default=dict) */
    int64_t category;    /* ForeignKey(Category, on_delete=CASCADE, related_name='products') */
} product;
extern mn_model product_model;

/* class Review(models.Model) */
typedef struct review {
    mn_obj mn;
    int64_t id;
    int64_t product;     /* ForeignKey(Product, related_name='reviews') */
    mn_str author;
    int16_t rating;      /* 1..5 */
    mn_str comment;
    mn_datetime created_at;
} review;
extern mn_model review_model;

/* class Order(TimeStampedModel) and class OrderItem(models.Model) */
typedef struct order {
    mn_obj mn;
    int64_t id;
    timestamped ts;
    mn_str customer_name;
    mn_str email;
    mn_str status;       /* pending, paid, shipped, cancelled */
    mn_decimal total;
} order;
extern mn_model order_model;

typedef struct order_item {
    mn_obj mn;
    int64_t id;
    int64_t order;       /* ForeignKey(Order, related_name='items') */
    int64_t product;     /* ForeignKey(Product, on_delete=PROTECT) */
    int32_t quantity;
    mn_decimal price;    /* the unit price when ordered */
} order_item;
extern mn_model order_item_model;

/* Every model of the app, in creation order (NULL-terminated). */
extern mn_model *const products_models[];

/* ---- model methods ---- */

/* discounted_price: price * (1 - discount / 100), to the cent. */
mn_decimal product_discounted_price(const product *p);
/* is_in_stock */
bool product_is_in_stock(const product *p);
/* get_absolute_url(): "/products/<slug>/" in arena. */
const char *product_absolute_url(const product *p, mn_arena *arena);
/* The slug generate_unique_slug() gives name: slugify(name), then "-1",
 * "-2"... until no other product has it. In arena; NULL with err. */
const char *product_unique_slug(mn_str name, int64_t except_id, mn_arena *arena, mn_err *err);
/* The product as a template value: mn_obj_value(p, &product_model), whose
 * attributes include the model's properties (discounted_price,
 * is_in_stock, get_absolute_url). Templates read its relations as in
 * Django (product.category.name, product.tags.all): use
 * select_related("category") and prefetch_related("tags") on lists, or each
 * product costs two queries. arena and err are kept for callers. */
mn_value product_value(product *p, mn_arena *arena, mn_err *err);

/* Creates the app's tables straight from the models, for the unit tests'
 * in-memory databases (./manage migrate makes them everywhere else, from
 * products/migrations). MN_OK or the error. */
int products_create_tables(mn_db *db, mn_err *err);
/* Loads the sample catalogue: categories, 200 products, reviews, orders.
 * Deterministic, with fixed timestamps (products/fixtures/sample.json is
 * its dumpdata). MN_OK or the error. */
int products_seed(mn_db *db, mn_arena *arena, size_t nproducts, mn_err *err);

/* Cache invalidation bookkeeping of the post_save/post_delete receivers:
 * how many times the product caches were invalidated. */
uint64_t products_cache_generation(void);

extern const mn_app products_app;
extern const mn_urlconf products_urls;     /* included at products/ */
extern const mn_urlconf products_api_urls; /* included at api/ */

/* "/": redirects to the product list. */
mn_response *shop_home(mn_request *req, const mn_url_args *args);

#endif
