/* docs/models.md: the guide's Product model in C, created, saved, cleaned,
 * soft-deleted, inside transactions. Runs against SQLite in memory. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"

/* ---- class Category(models.Model) ---- */
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
static mn_model category_model = MN_MODEL(category, "shop", "Category", category_fields,
                                          .meta = { .verbose_name_plural = "categories" });

/* ---- class Product(models.Model) with Meta, choices and a save() override ---- */
typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
    mn_decimal price;
    int32_t stock;
    bool available;
    mn_str status;
    int64_t category; /* ForeignKey: the category_id column */
    mn_datetime created_at;
    mn_datetime updated_at;
} product;

static const mn_choice status_choices[] = {
    { "draft", "Draft" }, { "published", "Published" }, { "archived", "Archived" }, { NULL, NULL },
};

static int product_save(void *obj, bool adding, mn_err *err);

static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200, .db_index = true),
    MN_FIELD_SLUG(product, slug, .unique = true, .blank = true),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(product, stock, .default_value = "0"),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_CHAR(product, status, .max_length = 20, .choices = status_choices, .default_value = "draft"),
    MN_FIELD_FOREIGNKEY(product, category, category_model, .null = true, .on_delete = MN_SET_NULL),
    MN_FIELD_DATETIME(product, created_at, .auto_now_add = true),
    MN_FIELD_DATETIME(product, updated_at, .auto_now = true),
    MN_FIELD_END,
};

static const mn_index product_indexes[] = {
    { .fields = MN_NAMES("name") },
    { .fields = MN_NAMES("created_at", "-price") },
    { .fields = MN_NAMES("price"), .condition = "available", .name = "available_products_price_idx" },
    { .fields = NULL },
};
static const mn_constraint product_constraints[] = {
    { .kind = MN_CONSTRAINT_CHECK, .name = "price_must_be_positive", .check = "price >= 0" },
    { .kind = MN_CONSTRAINT_UNIQUE, .name = "unique_product_per_category", .fields = MN_NAMES("name", "category") },
    { 0 },
};

static int product_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const product *)obj)->name); }

static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields,
                                         .meta = { .ordering = MN_NAMES("-created_at"),
                                                   .indexes = product_indexes,
                                                   .constraints = product_constraints },
                                         .hooks = { .before_save = product_save, .to_str = product_str });

static mn_arena *arena;

/* def save(self): if not self.slug: self.slug = slugify(self.name) */
static int product_save(void *obj, bool adding, mn_err *err)
{
    product *p = obj;
    if (p->slug.len == 0) {
        mn_buf b;
        mn_buf_init(&b, arena, 0);
        if (mn_text_slugify(&b, p->name, false) != MN_OK)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        p->slug = mn_buf_str(&b);
    }
    return MN_OK;
}

/* ---- abstract models: TimeStampedModel and SoftDeleteModel ---- */
typedef struct timestamped {
    mn_datetime created_at, updated_at;
} timestamped;
static const mn_field timestamped_fields[] = {
    MN_FIELD_DATETIME(timestamped, created_at, .auto_now_add = true),
    MN_FIELD_DATETIME(timestamped, updated_at, .auto_now = true),
    MN_FIELD_END,
};
static mn_model timestamped_model = MN_ABSTRACT_MODEL(timestamped, "TimeStampedModel", timestamped_fields);

typedef struct softdelete {
    mn_datetime deleted_at;
} softdelete;
static const mn_field softdelete_fields[] = {
    MN_FIELD_DATETIME(softdelete, deleted_at, .null = true, .blank = true),
    MN_FIELD_END,
};
static mn_model softdelete_model = MN_ABSTRACT_MODEL(softdelete, "SoftDeleteModel", softdelete_fields);

typedef struct article {
    mn_obj mn;
    int64_t id;
    timestamped ts; /* class Article(TimeStampedModel, SoftDeleteModel) */
    softdelete sd;
    mn_str title;
} article;

static mn_model article_model;
/* def delete(self): self.deleted_at = timezone.now(); self.save() */
static int article_soft_delete(void *obj, mn_err *err)
{
    article *a = obj;
    a->sd.deleted_at = mn_datetime_now();
    mn_obj_set_null(a, &article_model, "deleted_at", false);
    return mn_obj_save(a, &article_model, NULL, NULL, err);
}
static const mn_field article_fields[] = {
    MN_FIELD_BIGAUTO(article, id),
    MN_FIELD_INHERIT(article, ts, timestamped, timestamped_model),
    MN_FIELD_INHERIT(article, sd, softdelete, softdelete_model),
    MN_FIELD_CHAR(article, title, .max_length = 200),
    MN_FIELD_END,
};
static mn_model article_model = MN_MODEL(article, "blog", "Article", article_fields,
                                         .hooks = { .delete = article_soft_delete });

static int restock(mn_db *db, void *ctx)
{
    mn_err err = { 0 };
    int64_t n = mn_qs_update(mn_qs_filter(mn_qs_all(&product_model, arena), "stock", mn_value_int(0)), &err, "stock",
                             mn_value_int(10), NULL);
    return n < 0 ? (int)n : MN_OK;
}

int main(void)
{
    arena = mn_arena_new("example", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), arena, &cfg, &err);
    mn_db *db = mn_db_open(&cfg, &err);
    assert(db);
    mn_orm_use(db); /* this thread's default database */

    /* What `migrate` would create: */
    assert(mn_model_create_table(&category_model, NULL, &err) == MN_OK);
    assert(mn_model_create_table(&product_model, NULL, &err) == MN_OK);
    assert(mn_model_create_table(&article_model, NULL, &err) == MN_OK);
    assert(strcmp(mn_model_table(&product_model), "shop_product") == 0);
    assert(strcmp(mn_model_verbose_name_plural(&category_model), "categories") == 0);

    /* Category.objects.create(name="Lighting") */
    category *lighting = mn_model_create(&category_model, arena, &err, "name", mn_value_cstr("Lighting"), NULL);
    assert(lighting && lighting->id == 1);

    /* p = Product(name="Blue Lamp", price=Decimal("19.99")); p.save() */
    product *p = mn_model_new(&product_model, arena, &err);
    p->name = mn_str_from("Blue Lamp");
    mn_decimal_parse_cstr("19.99", &p->price, NULL);
    p->category = lighting->id;
    mn_obj_set_null(p, &product_model, "category", false);
    assert(mn_obj_save(p, &product_model, NULL, NULL, &err) == MN_OK);
    assert(p->id == 1 && p->stock == 0 && p->available);
    assert(mn_str_eq_cstr(p->slug, "blue-lamp"));
    assert(mn_str_eq_cstr(mn_obj_display(p, &product_model, "status", arena), "Draft"));

    /* p.stock = 5; p.save(update_fields=["stock"]) */
    p->stock = 5;
    assert(mn_obj_save(p, &product_model, NULL, MN_NAMES("stock"), &err) == MN_OK);

    /* full_clean() reports Django's messages per field */
    product *bad = mn_model_new(&product_model, arena, &err);
    bad->status = mn_str_from("sold");
    mn_map *errors;
    assert(mn_obj_full_clean(bad, &product_model, arena, &errors, &err) == MN_EINVAL);
    mn_value status_errors = mn_map_get_cstr(errors, "status");
    assert(mn_str_eq_cstr(mn_list_get(status_errors.u.list, 0).u.s, "Value 'sold' is not a valid choice."));
    assert(mn_str_eq_cstr(mn_list_get(mn_map_get_cstr(errors, "name").u.list, 0).u.s, "This field cannot be blank."));

    /* The database refuses what the constraints forbid. */
    assert(!mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Broken"), "price",
                            mn_value_int(-1), NULL));
    assert(err.code == MN_EPERM);

    /* Abstract models and a soft delete */
    article *a = mn_model_create(&article_model, arena, &err, "title", mn_value_cstr("Hello"), NULL);
    assert(a && a->ts.created_at.us > 0);
    assert(mn_obj_delete(a, &article_model, NULL, &err) == 1); /* soft */
    assert(mn_qs_count(mn_qs_filter(mn_qs_all(&article_model, arena), "deleted_at__isnull", mn_value_bool(false)),
                       &err) == 1);
    assert(mn_obj_delete_row(a, &article_model, NULL, &err) == 1); /* hard_delete() */

    /* transaction.atomic as a function ... */
    mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Red Lamp"), "price", mn_value_cstr("24.50"),
                    NULL);
    assert(mn_db_atomic(db, restock, NULL, &err) == MN_OK);
    /* ... and as a block */
    mn_atomic_scope tx;
    MN_ATOMIC(&tx, NULL, &err) {
        mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Ghost"), "price", mn_value_int(1), NULL);
        MN_ATOMIC_FAIL(&tx, MN_EINVAL); /* roll it back */
    }
    assert(tx.rc == MN_EINVAL);
    assert(mn_qs_count(mn_qs_all(&product_model, arena), &err) == 2);

    /* Instances are template values: {{ product.name }}, {{ product }} */
    mn_buf out;
    mn_buf_init(&out, arena, 0);
    mn_value_to_str(mn_obj_value(p, &product_model), &out);
    printf("%s costs ", mn_buf_cstr(&out));
    mn_buf_reset(&out);
    mn_decimal_write(&out, p->price);
    printf("%s\n", mn_buf_cstr(&out));

    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(arena);
    return 0;
}
