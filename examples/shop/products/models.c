/* models.py of the products app: the guide's Category, Product, Review,
 * Order and OrderItem, with TimeStampedModel as an abstract base. */
#include <pthread.h>
#include <string.h>
#include "products/products.h"

/* ---- abstract base ---- */

static const mn_field timestamped_fields[] = {
    MN_FIELD_DATETIME(timestamped, created_at, .auto_now_add = true, .editable = MN_NO),
    MN_FIELD_DATETIME(timestamped, updated_at, .auto_now = true),
    MN_FIELD_END,
};
mn_model timestamped_model = MN_ABSTRACT_MODEL(timestamped, "TimeStampedModel", timestamped_fields);

/* ---- Category ---- */

static const mn_field category_fields[] = {
    MN_FIELD_BIGAUTO(category, id),
    MN_FIELD_CHAR(category, name, .max_length = 100),
    MN_FIELD_SLUG(category, slug, .max_length = 100, .unique = true),
    MN_FIELD_TEXT(category, description, .blank = true, .default_value = ""),
    MN_FIELD_END,
};

static int category_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const category *)obj)->name); }

mn_model category_model = MN_MODEL(category, "products", "Category", category_fields,
                                   .meta = { .ordering = MN_NAMES("name"), .verbose_name_plural = "categories" },
                                   .hooks = { .to_str = category_str });

/* ---- Tag ---- */

static const mn_field tag_fields[] = {
    MN_FIELD_BIGAUTO(tag, id),
    MN_FIELD_CHAR(tag, name, .max_length = 50, .unique = true),
    MN_FIELD_SLUG(tag, slug, .max_length = 50, .unique = true),
    MN_FIELD_END,
};
static int tag_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const tag *)obj)->name); }
mn_model tag_model = MN_MODEL(tag, "products", "Tag", tag_fields, .meta = { .ordering = MN_NAMES("name") },
                              .hooks = { .to_str = tag_str });

/* ---- Product ---- */

static const mn_choice status_choices[] = {
    { "draft", "Draft" }, { "published", "Published" }, { "archived", "Archived" }, { NULL, NULL },
};

static int product_before_save(void *obj, bool adding, mn_err *err);
static int product_clean(void *obj, mn_err *err);

static int percent(mn_value v, mn_err *err)
{
    int64_t n = 0;
    if (mn_value_to_i64(v, &n) || n < 0 || n > 100)
        return mn_err_set(err, MN_EINVAL, "Ensure this value is between 0 and 100.");
    return MN_OK;
}
static const mn_validator_fn discount_validators[] = { percent, NULL };

/* default=dict */
static int empty_dict(mn_arena *arena, mn_value *out)
{
    mn_map *m = mn_map_new(arena, 0);
    if (!m)
        return MN_ENOMEM;
    *out = mn_value_map(m);
    return MN_OK;
}

static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_INHERIT(product, ts, timestamped, timestamped_model),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_SLUG(product, slug, .max_length = 220, .unique = true, .blank = true),
    MN_FIELD_TEXT(product, description, .blank = true, .default_value = ""),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(product, discount, .default_value = "0", .validators = discount_validators,
                 .help_text = "Percentage"),
    MN_FIELD_INT(product, stock, .default_value = "0"),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_CHAR(product, sku, .max_length = 50, .db_index = true, .blank = true, .default_value = ""),
    MN_FIELD_CHAR(product, status, .max_length = 20, .choices = status_choices, .default_value = "draft"),
    MN_FIELD_JSON(product, metadata, .default_fn = empty_dict, .blank = true),
    MN_FIELD_FOREIGNKEY(product, category, category_model, .on_delete = MN_CASCADE, .related_name = "products"),
    MN_FIELD_END,
};

static const mn_m2m product_m2m[] = {
    MN_M2M("tags", tag_model, .related_name = "products"),
    MN_M2M_END,
};

static const mn_index product_indexes[] = {
    { .fields = MN_NAMES("name") },
    { .fields = MN_NAMES("price", "created_at") },
    { .fields = MN_NAMES("category", "price") },
    /* Index(fields=['price'], condition=Q(available=True), name='available_products_price_idx') */
    { .fields = MN_NAMES("price"), .q = (const mn_cond[]){ { "available", "true" }, { NULL, NULL } },
      .name = "available_products_price_idx" },
    { .fields = NULL },
};

static const mn_constraint product_constraints[] = {
    { .kind = MN_CONSTRAINT_CHECK, .name = "price_must_be_positive",
      .q = (const mn_cond[]){ { "price__gte", "0" }, { NULL, NULL } } },
    { .kind = MN_CONSTRAINT_UNIQUE, .name = "unique_product_per_category", .fields = MN_NAMES("name", "category") },
    { 0 },
};

static int product_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const product *)obj)->name); }

/* The guide's @property discounted_price, is_in_stock and get_absolute_url(), as templates
 * ({{ product.discounted_price }}) and redirect(product) read them. */
static int prop_discounted_price(const void *obj, mn_arena *arena, mn_value *out)
{
    (void)arena;
    *out = mn_value_decimal(product_discounted_price(obj));
    return MN_OK;
}
static int prop_is_in_stock(const void *obj, mn_arena *arena, mn_value *out)
{
    (void)arena;
    *out = mn_value_bool(product_is_in_stock(obj));
    return MN_OK;
}
static int prop_absolute_url(const void *obj, mn_arena *arena, mn_value *out)
{
    const char *url = product_absolute_url(obj, arena);
    if (!url)
        return MN_ENOMEM;
    *out = mn_value_cstr(url);
    return MN_OK;
}
static const mn_model_property product_properties[] = {
    { "discounted_price", prop_discounted_price },
    { "is_in_stock", prop_is_in_stock },
    { "get_absolute_url", prop_absolute_url },
    { NULL, NULL },
};

/* Meta.ordering is the guide's ['-created_at']; "-id" keeps pages stable
 * when products share a creation time (a bulk import). */
mn_model product_model = MN_MODEL(product, "products", "Product", product_fields,
                                  .meta = { .ordering = MN_NAMES("-created_at", "-id"),
                                            .verbose_name = "Product", .verbose_name_plural = "Products",
                                            .indexes = product_indexes, .constraints = product_constraints },
                                  .hooks = { .before_save = product_before_save, .clean = product_clean,
                                             .to_str = product_str },
                                  .properties = product_properties, .many_to_many = product_m2m);

const char *product_unique_slug(mn_str name, int64_t except_id, mn_arena *arena, mn_err *err)
{
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    if (mn_text_slugify(&b, name, false) || mn_buf_error(&b)) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    const char *base = mn_buf_str(&b).len ? mn_buf_cstr(&b) : "product";
    const char *slug = base;
    for (int num = 1;; num++) {
        mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, arena), "slug", mn_value_cstr(slug));
        if (except_id)
            qs = mn_qs_exclude(qs, "pk", mn_value_int(except_id));
        int taken = mn_qs_exists(qs, err);
        if (taken < 0)
            return NULL;
        if (!taken)
            return slug;
        slug = mn_arena_sprintf(arena, "%s-%d", base, num);
        if (!slug) {
            mn_err_set(err, MN_ENOMEM, "out of memory");
            return NULL;
        }
    }
}

static pthread_key_t slug_key;
static pthread_once_t slug_once = PTHREAD_ONCE_INIT;
static void slug_arena_free(void *a) { mn_arena_free(a); }
static void slug_key_init(void) { pthread_key_create(&slug_key, slug_arena_free); }

static mn_arena *slug_arena(void)
{
    pthread_once(&slug_once, slug_key_init);
    mn_arena *a = pthread_getspecific(slug_key);
    if (!a && (a = mn_arena_new("product slugs", 0)) && pthread_setspecific(slug_key, a)) {
        mn_arena_free(a);
        a = NULL;
    }
    return a;
}

/* def save(self): if not self.slug: self.slug = self.generate_unique_slug() */
static int product_before_save(void *obj, bool adding, mn_err *err)
{
    product *p = obj;
    (void)adding;
    if (p->slug.len)
        return MN_OK;
    /* The hook is not told which arena holds the instance, so generated
     * slugs live in a per-thread arena freed when the thread ends (a few
     * bytes per product created without a slug). */
    mn_arena *slugs = slug_arena();
    if (!slugs)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    const char *slug = product_unique_slug(p->name, p->id, slugs, err);
    if (!slug)
        return err->code ? err->code : MN_ENOMEM;
    p->slug = mn_str_from(slug);
    return MN_OK;
}

static int product_clean(void *obj, mn_err *err)
{
    const product *p = obj;
    if (mn_decimal_is_negative(p->price))
        return mn_err_set(err, MN_EINVAL, "The price cannot be negative.");
    return MN_OK;
}

mn_decimal product_discounted_price(const product *p)
{
    mn_decimal factor, out;
    mn_decimal d = mn_decimal_from_i64(100 - p->discount);
    if (mn_decimal_div(d, mn_decimal_from_i64(100), 2, MN_ROUND_HALF_EVEN, &factor) ||
        mn_decimal_mul(p->price, factor, &out) || mn_decimal_quantize(out, 2, MN_ROUND_HALF_UP, &out))
        return p->price;
    return out;
}

bool product_is_in_stock(const product *p) { return p->stock > 0; }

const char *product_absolute_url(const product *p, mn_arena *arena)
{
    return mn_arena_sprintf(arena, "/products/%.*s/", MN_STR_FMT(p->slug));
}

mn_value product_value(product *p, mn_arena *arena, mn_err *err)
{
    (void)arena, (void)err;
    return mn_obj_value(p, &product_model); /* the properties come with the model */
}

/* ---- Review ---- */

static int one_to_five(mn_value v, mn_err *err)
{
    int64_t n = 0;
    if (mn_value_to_i64(v, &n) || n < 1 || n > 5)
        return mn_err_set(err, MN_EINVAL, "Ensure this value is between 1 and 5.");
    return MN_OK;
}
static const mn_validator_fn rating_validators[] = { one_to_five, NULL };

static const mn_field review_fields[] = {
    MN_FIELD_BIGAUTO(review, id),
    MN_FIELD_FOREIGNKEY(review, product, product_model, .on_delete = MN_CASCADE, .related_name = "reviews"),
    MN_FIELD_CHAR(review, author, .max_length = 100),
    MN_FIELD_POSSMALLINT(review, rating, .validators = rating_validators),
    MN_FIELD_TEXT(review, comment, .blank = true, .default_value = ""),
    MN_FIELD_DATETIME(review, created_at, .auto_now_add = true),
    MN_FIELD_END,
};

static const mn_constraint review_constraints[] = {
    { .kind = MN_CONSTRAINT_CHECK, .name = "rating_between_1_and_5", .check = "rating >= 1 AND rating <= 5" },
    { 0 },
};

mn_model review_model = MN_MODEL(review, "products", "Review", review_fields,
                                 .meta = { .ordering = MN_NAMES("-created_at", "-id"),
                                           .constraints = review_constraints });

/* ---- Order, OrderItem ---- */

static const mn_choice order_status_choices[] = {
    { "pending", "Pending" }, { "paid", "Paid" }, { "shipped", "Shipped" }, { "cancelled", "Cancelled" },
    { NULL, NULL },
};

static const mn_field order_fields[] = {
    MN_FIELD_BIGAUTO(order, id),
    MN_FIELD_INHERIT(order, ts, timestamped, timestamped_model),
    MN_FIELD_CHAR(order, customer_name, .max_length = 100),
    MN_FIELD_EMAIL(order, email, .max_length = 254),
    MN_FIELD_CHAR(order, status, .max_length = 20, .choices = order_status_choices, .default_value = "pending"),
    MN_FIELD_DECIMAL(order, total, .max_digits = 10, .decimal_places = 2, .default_value = "0"),
    MN_FIELD_END,
};
mn_model order_model = MN_MODEL(order, "products", "Order", order_fields,
                                .meta = { .ordering = MN_NAMES("-created_at", "-id") });

static const mn_field order_item_fields[] = {
    MN_FIELD_BIGAUTO(order_item, id),
    MN_FIELD_FOREIGNKEY(order_item, order, order_model, .on_delete = MN_CASCADE, .related_name = "items"),
    MN_FIELD_FOREIGNKEY(order_item, product, product_model, .on_delete = MN_PROTECT, .related_name = "order_items"),
    MN_FIELD_POSINT(order_item, quantity, .default_value = "1"),
    MN_FIELD_DECIMAL(order_item, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_END,
};
mn_model order_item_model = MN_MODEL(order_item, "products", "OrderItem", order_item_fields);

mn_model *const products_models[] = {
    &category_model, &tag_model, &product_model, &review_model, &order_model, &order_item_model, NULL,
};

int products_create_tables(mn_db *db, mn_err *err)
{
    for (size_t i = 0; products_models[i]; i++) {
        int rc = mn_model_create_table(products_models[i], db, err);
        if (rc)
            return rc;
    }
    return MN_OK;
}
