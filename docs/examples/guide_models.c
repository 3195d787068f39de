/* docs/models.md and docs/relations.md: every example of the guide's chapter
 * "Models", in the guide's order, each checked against what Django 3.2 does.
 * Runs against SQLite in memory (or MN_EXAMPLE_DATABASE_URL). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

static mn_arena *a;
static mn_err err;
static mn_map *errors;

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

/* ==== Basic Model Example ==== */
typedef struct basic_product {
    mn_obj mn;
    int64_t id;
    mn_str name;            /* CharField(max_length=200) */
    mn_str description;     /* TextField() */
    mn_decimal price;       /* DecimalField(max_digits=10, decimal_places=2) */
    int32_t stock;          /* IntegerField(default=0) */
    bool available;         /* BooleanField(default=True) */
    mn_datetime created_at; /* DateTimeField(auto_now_add=True) */
    mn_datetime updated_at; /* DateTimeField(auto_now=True) */
} basic_product;
static const mn_field basic_product_fields[] = {
    MN_FIELD_BIGAUTO(basic_product, id),
    MN_FIELD_CHAR(basic_product, name, .max_length = 200),
    MN_FIELD_TEXT(basic_product, description),
    MN_FIELD_DECIMAL(basic_product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(basic_product, stock, .default_value = "0"),
    MN_FIELD_BOOL(basic_product, available, .default_value = "true"),
    MN_FIELD_DATETIME(basic_product, created_at, .auto_now_add = true),
    MN_FIELD_DATETIME(basic_product, updated_at, .auto_now = true),
    MN_FIELD_END,
};
/* def __str__(self): return self.name */
static int basic_product_str(const void *obj, mn_buf *out)
{
    return mn_buf_put_str(out, ((const basic_product *)obj)->name);
}
static mn_model basic_product_model = MN_MODEL(basic_product, "basic", "Product", basic_product_fields,
                                               .hooks = { .to_str = basic_product_str });

/* ==== Understanding Meta Class ==== */
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
static int category_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const category *)obj)->name); }
static mn_model category_model = MN_MODEL(category, "shop", "Category", category_fields,
                                          .hooks = { .to_str = category_str });

typedef struct meta_product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    int64_t category;
    mn_datetime created_at;
} meta_product;
static const mn_field meta_product_fields[] = {
    MN_FIELD_BIGAUTO(meta_product, id),
    MN_FIELD_CHAR(meta_product, name, .max_length = 200),
    MN_FIELD_DECIMAL(meta_product, price, .max_digits = 10, .decimal_places = 2),
    /* the guide's UniqueConstraint names a category, so the model needs one */
    MN_FIELD_FOREIGNKEY(meta_product, category, category_model, .on_delete = MN_CASCADE, .related_name = "+"),
    MN_FIELD_DATETIME(meta_product, created_at, .auto_now_add = true),
    MN_FIELD_END,
};
static const mn_index meta_product_indexes[] = {
    { .fields = MN_NAMES("name") },                  /* models.Index(fields=['name']) */
    { .fields = MN_NAMES("price", "created_at") },
    { .fields = NULL },
};
static const mn_constraint meta_product_constraints[] = {
    /* models.CheckConstraint(check=models.Q(price__gte=0), name='price_must_be_positive') */
    { .kind = MN_CONSTRAINT_CHECK, .name = "price_must_be_positive",
      .q = (const mn_cond[]){ { "price__gte", "0" }, { NULL, NULL } } },
    /* models.UniqueConstraint(fields=['name', 'category'], name='unique_product_per_category') */
    { .kind = MN_CONSTRAINT_UNIQUE, .name = "unique_product_per_category", .fields = MN_NAMES("name", "category") },
    { 0 },
};
static mn_model meta_product_model = MN_MODEL(meta_product, "meta", "Product", meta_product_fields,
                                              .meta = { .db_table = "products",
                                                        .ordering = MN_NAMES("-created_at"),
                                                        .verbose_name = "Product",
                                                        .verbose_name_plural = "Products",
                                                        .indexes = meta_product_indexes,
                                                        .constraints = meta_product_constraints });

/* ==== Field Types Explained ==== */
typedef struct typed_product {
    mn_obj mn;
    int64_t id;
    mn_str name, description, slug;
    mn_decimal price;
    int32_t rating;
    double discount;
    bool available;
    mn_datetime created_at;
    mn_date publish_date;
    mn_time sale_time;
    mn_str image, document; /* the stored file names */
    mn_value metadata;
    mn_str website, email;
} typed_product;
/* JSONField(default=dict): a new empty dict for every instance */
static int empty_dict(mn_arena *arena, mn_value *out)
{
    mn_map *m = mn_map_new(arena, 0);
    if (!m)
        return MN_ENOMEM;
    *out = mn_value_map(m);
    return MN_OK;
}
static const mn_field typed_product_fields[] = {
    MN_FIELD_BIGAUTO(typed_product, id),
    MN_FIELD_CHAR(typed_product, name, .max_length = 100),
    MN_FIELD_TEXT(typed_product, description),
    MN_FIELD_SLUG(typed_product, slug, .unique = true),
    MN_FIELD_DECIMAL(typed_product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(typed_product, rating),
    MN_FIELD_FLOAT(typed_product, discount),
    MN_FIELD_BOOL(typed_product, available, .default_value = "true"),
    MN_FIELD_DATETIME(typed_product, created_at, .auto_now_add = true),
    MN_FIELD_DATE(typed_product, publish_date),
    MN_FIELD_TIME(typed_product, sale_time),
    MN_FIELD_IMAGE(typed_product, image, .max_length = 100),
    MN_FIELD_FILE(typed_product, document, .max_length = 100),
    MN_FIELD_JSON(typed_product, metadata, .default_fn = empty_dict),
    MN_FIELD_URL(typed_product, website, .max_length = 200),
    MN_FIELD_EMAIL(typed_product, email, .max_length = 254),
    MN_FIELD_END,
};
static mn_model typed_product_model = MN_MODEL(typed_product, "typed", "Product", typed_product_fields);

/* ==== Relationships: ForeignKey, ManyToManyField, OneToOneField ==== */
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
static int tag_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const tag *)obj)->name); }
static mn_model tag_model = MN_MODEL(tag, "shop", "Tag", tag_fields, .hooks = { .to_str = tag_str });

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    int64_t category;
} product;
static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    /* ForeignKey(Category, on_delete=models.CASCADE, related_name='products') */
    MN_FIELD_FOREIGNKEY(product, category, category_model, .on_delete = MN_CASCADE, .related_name = "products"),
    MN_FIELD_END,
};
static const mn_m2m product_m2m[] = {
    MN_M2M("tags", tag_model, .related_name = "products"), /* ManyToManyField(Tag, related_name='products') */
    MN_M2M_END,
};
static int product_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const product *)obj)->name); }
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields, .many_to_many = product_m2m,
                                         .hooks = { .to_str = product_str });

/* The other on_delete options of the guide's comment, one key each. */
typedef struct shelf {
    mn_obj mn;
    int64_t id;
    int64_t protected_category, optional_category, fallback_category;
} shelf;
static const mn_field shelf_fields[] = {
    MN_FIELD_BIGAUTO(shelf, id),
    MN_FIELD_FOREIGNKEY(shelf, protected_category, category_model, .on_delete = MN_PROTECT, .related_name = "+"),
    MN_FIELD_FOREIGNKEY(shelf, optional_category, category_model, .on_delete = MN_SET_NULL, .null = true,
                        .related_name = "+"),
    MN_FIELD_FOREIGNKEY(shelf, fallback_category, category_model, .on_delete = MN_SET_DEFAULT, .default_value = "1",
                        .related_name = "+"),
    MN_FIELD_END,
};
static mn_model shelf_model = MN_MODEL(shelf, "shop", "Shelf", shelf_fields);

typedef struct user {
    mn_obj mn;
    int64_t id;
    mn_str username;
} user;
static const mn_field user_fields[] = {
    MN_FIELD_BIGAUTO(user, id),
    MN_FIELD_CHAR(user, username, .max_length = 150, .unique = true),
    MN_FIELD_END,
};
static mn_model user_model = MN_MODEL(user, "auth", "User", user_fields);

typedef struct userprofile {
    mn_obj mn;
    int64_t id;
    int64_t user;
    mn_str bio;
    mn_date date_of_birth;
} userprofile;
static mn_model userprofile_model;
/* def __str__(self): return f"{self.user.username}'s profile" */
static int userprofile_str(const void *obj, mn_buf *out)
{
    user *u = MN_REL(user, (void *)obj, &userprofile_model, "user", out->arena ? out->arena : a, &err);
    if (!u)
        return err.code;
    return mn_buf_printf(out, "%.*s's profile", MN_STR_FMT(u->username));
}
static const mn_field userprofile_fields[] = {
    MN_FIELD_BIGAUTO(userprofile, id),
    MN_FIELD_ONETOONE(userprofile, user, user_model, .on_delete = MN_CASCADE, .related_name = "profile"),
    MN_FIELD_TEXT(userprofile, bio),
    MN_FIELD_DATE(userprofile, date_of_birth),
    MN_FIELD_END,
};
static mn_model userprofile_model = MN_MODEL(userprofile, "accounts", "UserProfile", userprofile_fields,
                                             .hooks = { .to_str = userprofile_str });

/* ==== Field Options Explained ==== */
typedef struct option_product {
    mn_obj mn;
    int64_t id;
    mn_str description, subtitle, slug, sku, status;
    bool available;
    int32_t stock;
    mn_datetime created_at;
} option_product;
static const mn_choice status_choices[] = {
    { "draft", "Draft" }, { "published", "Published" }, { "archived", "Archived" }, { NULL, NULL },
};
static const mn_field option_product_fields[] = {
    MN_FIELD_BIGAUTO(option_product, id),
    MN_FIELD_TEXT(option_product, description, .null = true),
    MN_FIELD_CHAR(option_product, subtitle, .max_length = 200, .null = true, .blank = true),
    MN_FIELD_BOOL(option_product, available, .default_value = "true"),
    MN_FIELD_INT(option_product, stock, .default_value = "0"),
    MN_FIELD_SLUG(option_product, slug, .unique = true),
    MN_FIELD_CHAR(option_product, sku, .max_length = 50, .db_index = true),
    MN_FIELD_CHAR(option_product, status, .max_length = 20, .choices = status_choices, .default_value = "draft"),
    MN_FIELD_DATETIME(option_product, created_at, .auto_now_add = true, .editable = MN_NO),
    MN_FIELD_END,
};
static mn_model option_product_model = MN_MODEL(option_product, "options", "Product", option_product_fields);

/* ==== Custom Model Methods ==== */
typedef struct method_product {
    mn_obj mn;
    int64_t id;
    mn_str name, slug;
    mn_decimal price;
    int32_t discount; /* percentage */
    int32_t stock;
} method_product;
static mn_model method_product_model;
static const mn_resolver *urls; /* the project's URLconf, for reverse() */

/* @property def discounted_price(self): return self.price * (1 - self.discount / 100)
 * (exact: Decimal arithmetic, rounded to the cent) */
static mn_decimal discounted_price(const method_product *p)
{
    mn_decimal rate, factor, out;
    mn_decimal_div(mn_decimal_from_i64(p->discount), mn_decimal_from_i64(100), 4, MN_ROUND_HALF_EVEN, &rate);
    mn_decimal_sub(mn_decimal_from_i64(1), rate, &factor);
    mn_decimal_mul(p->price, factor, &out);
    mn_decimal_quantize(out, 2, MN_ROUND_HALF_UP, &out);
    return out;
}
/* @property def is_in_stock(self): return self.stock > 0 */
static bool is_in_stock(const method_product *p) { return p->stock > 0; }
/* def apply_discount(self, percentage): self.discount = percentage; self.save() */
static int apply_discount(method_product *p, int percentage, mn_err *e)
{
    p->discount = percentage;
    return mn_obj_save(p, &method_product_model, NULL, NULL, e);
}
/* def get_absolute_url(self): return reverse('product_detail', args=[self.slug]) */
static int get_absolute_url(const method_product *p, mn_arena *arena, mn_str *out, mn_err *e)
{
    mn_list *args = mn_list_new(arena, 1);
    mn_list_push(args, mn_value_str(p->slug));
    return mn_reverse(urls, "product_detail", args, NULL, NULL, arena, out, e);
}
/* The same three as attributes, for templates and redirect(product) */
static int prop_discounted_price(const void *obj, mn_arena *arena, mn_value *out)
{
    (void)arena;
    *out = mn_value_decimal(discounted_price(obj));
    return MN_OK;
}
static int prop_is_in_stock(const void *obj, mn_arena *arena, mn_value *out)
{
    (void)arena;
    *out = mn_value_bool(is_in_stock(obj));
    return MN_OK;
}
static int prop_absolute_url(const void *obj, mn_arena *arena, mn_value *out)
{
    mn_str url;
    mn_err e = { 0 };
    int rc = get_absolute_url(obj, arena, &url, &e);
    *out = mn_value_str(url);
    return rc;
}
static const mn_model_property method_product_properties[] = {
    { "discounted_price", prop_discounted_price },
    { "is_in_stock", prop_is_in_stock },
    { "get_absolute_url", prop_absolute_url },
    { NULL, NULL },
};
/* def save(self): if not self.slug: self.slug = slugify(self.name); super().save() */
static int method_product_before_save(void *obj, bool adding, mn_err *e)
{
    (void)adding;
    method_product *p = obj;
    if (p->slug.len)
        return MN_OK;
    mn_buf b;
    mn_buf_init(&b, a, 0);
    if (mn_text_slugify(&b, p->name, false) != MN_OK)
        return mn_err_set(e, MN_ENOMEM, "out of memory");
    p->slug = mn_buf_str(&b);
    return MN_OK;
}
static const mn_field method_product_fields[] = {
    MN_FIELD_BIGAUTO(method_product, id),
    MN_FIELD_CHAR(method_product, name, .max_length = 200),
    MN_FIELD_SLUG(method_product, slug, .unique = true, .blank = true),
    MN_FIELD_DECIMAL(method_product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(method_product, discount, .default_value = "0"),
    MN_FIELD_INT(method_product, stock, .default_value = "0"),
    MN_FIELD_END,
};
static mn_model method_product_model = MN_MODEL(method_product, "methods", "Product", method_product_fields,
                                                .properties = method_product_properties,
                                                .hooks = { .before_save = method_product_before_save });

static mn_response *product_detail(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_text(req, 200, "text/plain", MN_STR("a product"));
}
static const mn_url_pattern url_patterns[] = {
    MN_PATH("products/<slug:slug>/", product_detail, "product_detail"),
    MN_URL_END,
};
static const mn_urlconf urlconf = { .patterns = url_patterns };

static mn_model *const models[] = { &basic_product_model, &category_model, &meta_product_model,
                                    &typed_product_model, &tag_model, &product_model, &shelf_model,
                                    &user_model, &userprofile_model, &option_product_model,
                                    &method_product_model, NULL };

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

    /* ---- Basic Model Example ---- */
    basic_product *bp = mn_model_create(&basic_product_model, a, &err, "name", mn_value_cstr("Desk Lamp"),
                                        "description", mn_value_cstr("A lamp for a desk"), "price", dec("19.99"),
                                        NULL);
    assert(bp && bp->stock == 0 && bp->available);                     /* the defaults */
    assert(bp->created_at.us > 0 && bp->created_at.us == bp->updated_at.us);
    mn_datetime created = bp->created_at;
    bp->stock = 4;
    assert(mn_obj_save(bp, &basic_product_model, NULL, NULL, &err) == MN_OK);
    assert(bp->created_at.us == created.us && bp->updated_at.us >= created.us); /* auto_now moves, auto_now_add not */
    assert(!strcmp(text(mn_obj_value(bp, &basic_product_model)), "Desk Lamp"));  /* str(product) */

    /* ---- Understanding Meta Class ---- */
    assert(!strcmp(mn_model_table(&meta_product_model), "products"));
    assert(!strcmp(mn_model_verbose_name(&meta_product_model), "Product"));
    assert(!strcmp(mn_model_verbose_name_plural(&meta_product_model), "Products"));
    mn_list *ddl = mn_model_schema_sql(&meta_product_model, MN_DB_SQLITE, a, &err);
    size_t nindexes = 0;
    for (size_t i = 0; i < mn_list_len(ddl); i++) {
        const mn_str s = mn_list_get(ddl, i).u.s;
        if (mn_str_starts_with(s, MN_STR("CREATE INDEX")))
            nindexes++;
    }
    assert(nindexes == 3); /* name, (price, created_at), and the ForeignKey's own index */
    assert(strstr(mn_list_get(ddl, 0).u.s.ptr, "CONSTRAINT \"price_must_be_positive\" CHECK (\"price\" >= '0.00')"));
    assert(strstr(mn_list_get(ddl, 0).u.s.ptr,
                  "CONSTRAINT \"unique_product_per_category\" UNIQUE (\"name\", \"category_id\")"));
    category *lighting = mn_model_create(&category_model, a, &err, "name", mn_value_cstr("Lighting"), NULL);
    assert(mn_model_create(&meta_product_model, a, &err, "name", mn_value_cstr("Lamp"), "price", dec("10"),
                           "category", mn_value_int(lighting->id), NULL));
    assert(mn_model_create(&meta_product_model, a, &err, "name", mn_value_cstr("Bulb"), "price", dec("2"),
                           "category", mn_value_int(lighting->id), NULL));
    /* the database enforces the constraints */
    assert(!mn_model_create(&meta_product_model, a, &err, "name", mn_value_cstr("Free"), "price", dec("-1"),
                            "category", mn_value_int(lighting->id), NULL));
    assert(err.code == MN_EPERM);                                       /* IntegrityError: CHECK */
    assert(!mn_model_create(&meta_product_model, a, &err, "name", mn_value_cstr("Lamp"), "price", dec("12"),
                            "category", mn_value_int(lighting->id), NULL));
    assert(err.code == MN_EEXIST);                                      /* IntegrityError: UNIQUE */
    /* ordering = ['-created_at']: newest first without order_by() */
    meta_product *newest = mn_qs_first(mn_qs_all(&meta_product_model, a), &err);
    assert(mn_str_eq_cstr(newest->name, "Bulb"));

    /* ---- Field Types Explained ---- */
    typed_product *tp = mn_model_new(&typed_product_model, a, &err);
    assert(tp->metadata.type == MN_VALUE_MAP && mn_map_len(tp->metadata.u.map) == 0); /* default=dict */
    tp->name = mn_str_from("Lamp");
    tp->description = mn_str_from("Long text");
    tp->slug = mn_str_from("my-product");
    mn_decimal_parse_cstr("19.99", &tp->price, NULL);
    tp->rating = 4;
    tp->discount = 0.15;
    mn_date_parse(MN_STR("2024-05-01"), &tp->publish_date, NULL);
    mn_time_parse(MN_STR("09:30:00"), &tp->sale_time, NULL);
    tp->image = mn_str_from("products/lamp.jpg");
    tp->document = mn_str_from("documents/manual.pdf");
    mn_map_set_cstr(tp->metadata.u.map, "color", mn_value_cstr("blue"));
    tp->website = mn_str_from("https://example.com/lamp");
    tp->email = mn_str_from("sales@example.com");
    assert(mn_obj_full_clean(tp, &typed_product_model, a, NULL, &err) == MN_OK);
    assert(mn_obj_save(tp, &typed_product_model, NULL, NULL, &err) == MN_OK);
    typed_product *back = mn_qs_get(mn_qs_filter(mn_qs_all(&typed_product_model, a), "pk", mn_value_int(tp->id)), &err);
    assert(back && !strcmp(text(mn_value_decimal(back->price)), "19.99") && back->discount == 0.15);
    assert(back->publish_date.day == 1 && back->sale_time.hour == 9 && back->sale_time.minute == 30);
    assert(mn_str_eq_cstr(mn_map_get_cstr(back->metadata.u.map, "color").u.s, "blue"));
    assert(mn_str_eq_cstr(back->image, "products/lamp.jpg"));
    /* URLField and EmailField validate their format (full_clean, forms) */
    back->website = mn_str_from("not a url");
    back->email = mn_str_from("nobody");
    assert(mn_obj_full_clean(back, &typed_product_model, a, &errors, &err) == MN_EINVAL);
    assert(mn_str_eq_cstr(mn_list_get(mn_map_get_cstr(errors, "website").u.list, 0).u.s, "Enter a valid URL."));
    assert(mn_str_eq_cstr(mn_list_get(mn_map_get_cstr(errors, "email").u.list, 0).u.s,
                          "Enter a valid email address."));

    /* ---- ForeignKey ---- */
    category *el = mn_model_create(&category_model, a, &err, "name", mn_value_cstr("Electronics"), NULL);
    product *phone = mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Phone"), "category",
                                     mn_value_int(el->id), NULL);
    product *p = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, a), "id", mn_value_int(phone->id)), &err);
    assert(mn_str_eq_cstr(MN_REL(category, p, &product_model, "category", a, &err)->name, "Electronics"));
    category *c = mn_qs_get(mn_qs_filter(mn_qs_all(&category_model, a), "id", mn_value_int(el->id)), &err);
    assert(mn_qs_len(mn_rel_all(c, &category_model, "products", a)) == 1); /* category.products.all() */
    /* on_delete: PROTECT refuses, SET_NULL and SET_DEFAULT rewrite the key, CASCADE deletes */
    category *old = mn_model_create(&category_model, a, &err, "name", mn_value_cstr("Old"), NULL);
    shelf *s = mn_model_create(&shelf_model, a, &err, "protected_category", mn_value_int(old->id),
                               "optional_category", mn_value_int(el->id), "fallback_category", mn_value_int(el->id),
                               NULL);
    assert(mn_obj_delete(old, &category_model, NULL, &err) == MN_EPERM);
    assert(strstr(err.msg, "Cannot delete some instances of model 'Category' because they are referenced through "
                           "protected foreign keys: 'Shelf.protected_category'."));
    assert(mn_obj_delete(el, &category_model, NULL, &err) == 2);         /* the category and its product */
    mn_obj_refresh(s, &shelf_model, NULL, a, &err);
    assert(mn_obj_is_null(s, &shelf_model, "optional_category") && s->fallback_category == 1);
    assert(mn_qs_count(mn_qs_all(&product_model, a), &err) == 0);

    /* ---- ManyToManyField ---- */
    product *lamp = mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Lamp"), "category",
                                    mn_value_int(lighting->id), NULL);
    mn_model_create(&tag_model, a, &err, "name", mn_value_cstr("New"), NULL);
    mn_model_create(&tag_model, a, &err, "name", mn_value_cstr("Featured"), NULL);
    tag *tag1 = mn_qs_get(mn_qs_filter(mn_qs_all(&tag_model, a), "name", mn_value_cstr("New")), &err);
    tag *tag2 = mn_qs_get(mn_qs_filter(mn_qs_all(&tag_model, a), "name", mn_value_cstr("Featured")), &err);
    void *both[] = { tag1, tag2 };
    assert(mn_rel_add(lamp, &product_model, "tags", both, 2, &err) == MN_OK);  /* product.tags.add(tag1, tag2) */
    assert(mn_qs_len(mn_rel_all(lamp, &product_model, "tags", a)) == 2);     /* product.tags.all() */
    tag *featured = mn_qs_get(mn_qs_filter(mn_qs_all(&tag_model, a), "name", mn_value_cstr("Featured")), &err);
    assert(mn_qs_len(mn_rel_all(featured, &tag_model, "products", a)) == 1); /* tag.products.all() */
    void *one[] = { tag1 };
    assert(mn_rel_remove(lamp, &product_model, "tags", one, 1, &err) == MN_OK);
    assert(mn_qs_len(mn_rel_all(lamp, &product_model, "tags", a)) == 1);
    assert(mn_rel_clear(lamp, &product_model, "tags", &err) == MN_OK);
    assert(mn_qs_len(mn_rel_all(lamp, &product_model, "tags", a)) == 0);

    /* ---- OneToOneField ---- */
    user *john = mn_model_create(&user_model, a, &err, "username", mn_value_cstr("john"), NULL);
    mn_model_create(&userprofile_model, a, &err, "user", mn_value_int(john->id), "bio", mn_value_cstr("Hi, I'm John"),
                    "date_of_birth", mn_value_cstr("1990-04-01"), NULL);
    user *u = mn_qs_get(mn_qs_filter(mn_qs_all(&user_model, a), "username", mn_value_cstr("john")), &err);
    assert(mn_str_eq_cstr(MN_REL(userprofile, u, &user_model, "profile", a, &err)->bio, "Hi, I'm John"));
    userprofile *profile = mn_qs_get(mn_qs_filter(mn_qs_all(&userprofile_model, a), "id", mn_value_int(1)), &err);
    assert(mn_str_eq_cstr(MN_REL(user, profile, &userprofile_model, "user", a, &err)->username, "john"));
    assert(!strcmp(text(mn_obj_value(profile, &userprofile_model)), "john's profile"));
    /* a second profile for the same user breaks the one-to-one */
    assert(!mn_model_create(&userprofile_model, a, &err, "user", mn_value_int(john->id), "bio", mn_value_cstr("x"),
                            "date_of_birth", mn_value_cstr("1990-04-01"), NULL));
    assert(err.code == MN_EEXIST);

    /* ---- Field Options Explained ---- */
    option_product *op = mn_model_new(&option_product_model, a, &err);
    assert(op->available && op->stock == 0 && mn_str_eq_cstr(op->status, "draft"));          /* default */
    op->slug = mn_str_from("lamp");
    op->sku = mn_str_from("LMP-1");
    mn_obj_set_null(op, &option_product_model, "description", true);                         /* null=True */
    mn_obj_set_null(op, &option_product_model, "subtitle", true);
    /* description has null=True but not blank=True: full_clean (forms) still wants a value, as the guide's
     * note says; subtitle has both and may stay empty */
    assert(mn_obj_full_clean(op, &option_product_model, a, &errors, &err) == MN_EINVAL && mn_map_len(errors) == 1);
    assert(mn_str_eq_cstr(mn_list_get(mn_map_get_cstr(errors, "description").u.list, 0).u.s,
                          "This field cannot be blank."));
    assert(mn_obj_save(op, &option_product_model, NULL, NULL, &err) == MN_OK);
    assert(mn_qs_count(mn_qs_filter(mn_qs_all(&option_product_model, a), "description__isnull", mn_value_bool(true)),
                       &err) == 1);
    assert(!strcmp(text(mn_value_str(mn_obj_display(op, &option_product_model, "status", a))), "Draft"));
    option_product *dup = mn_model_new(&option_product_model, a, &err);
    dup->slug = mn_str_from("lamp");                                                         /* unique=True */
    dup->sku = mn_str_from("LMP-2");
    assert(mn_obj_full_clean(dup, &option_product_model, a, &errors, &err) == MN_EINVAL);
    assert(mn_str_eq_cstr(mn_list_get(mn_map_get_cstr(errors, "slug").u.list, 0).u.s,
                          "Product with this Slug already exists."));
    assert(mn_obj_save(dup, &option_product_model, NULL, NULL, &err) == MN_EEXIST);
    dup->slug = mn_str_from("lamp-2");
    dup->status = mn_str_from("sold");                                                       /* choices */
    assert(mn_obj_full_clean(dup, &option_product_model, a, &errors, &err) == MN_EINVAL);
    assert(mn_str_eq_cstr(mn_list_get(mn_map_get_cstr(errors, "status").u.list, 0).u.s,
                          "Value 'sold' is not a valid choice."));
    assert(mn_model_field_by_name(&option_product_model, "created_at")->editable == MN_NO);  /* editable=False */
    ddl = mn_model_schema_sql(&option_product_model, MN_DB_SQLITE, a, &err);
    bool sku_index = false;                                                                  /* db_index=True */
    for (size_t i = 1; i < mn_list_len(ddl); i++)
        sku_index |= strstr(mn_list_get(ddl, i).u.s.ptr, "(\"sku\")") != NULL;
    assert(sku_index);

    /* ---- Custom Model Methods ---- */
    urls = mn_resolver_new(&(mn_urlconf){ .patterns = urlconf.patterns }, &err);
    assert(urls);
    method_product *mp = mn_model_create(&method_product_model, a, &err, "name", mn_value_cstr("Blue Lamp"), "price",
                                         dec("19.99"), "stock", mn_value_int(3), NULL);
    assert(mp && mn_str_eq_cstr(mp->slug, "blue-lamp"));                 /* save() made the slug */
    assert(is_in_stock(mp));
    assert(apply_discount(mp, 10, &err) == MN_OK);
    assert(!strcmp(text(mn_value_decimal(discounted_price(mp))), "17.99")); /* 19.99 * 0.9 = 17.991 */
    mn_str url;
    assert(get_absolute_url(mp, a, &url, &err) == MN_OK && mn_str_eq_cstr(url, "/products/blue-lamp/"));
    method_product *reloaded = mn_qs_get(mn_qs_all(&method_product_model, a), &err);
    assert(reloaded->discount == 10);                                    /* apply_discount saved */
    /* the properties as a template reads them */
    mn_template_engine *engine = mn_template_engine_new(&(mn_template_options){ 0 });
    mn_template *t = mn_template_engine_from_string(
        engine,
        MN_STR("{{ p.name }}: ${{ p.discounted_price }}{% if p.is_in_stock %}, in stock{% endif %} at "
               "{{ p.get_absolute_url }}"),
        "t", &err);
    assert(t);
    mn_map *vars = mn_map_new(a, 1);
    mn_map_set_cstr(vars, "p", mn_obj_value(reloaded, &method_product_model));
    mn_buf out;
    mn_buf_init(&out, a, 0);
    assert(mn_template_render(t, mn_template_context_new(engine, a, vars), &out, &err) == MN_OK);
    puts(mn_buf_cstr(&out));
    assert(!strcmp(mn_buf_cstr(&out), "Blue Lamp: $17.99, in stock at /products/blue-lamp/"));
    mn_template_engine_free(engine);
    mn_resolver_free((mn_resolver *)urls);

    puts("guide models ok");
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
