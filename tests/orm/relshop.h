/* The guide's related models (Category, Product, Tag, Review, UserProfile)
 * and models for every on_delete, shared by the relation tests. They run
 * on MN_TEST_DATABASE_URL (PostgreSQL in tests/integration/orm_postgres.sh)
 * or SQLite in memory. */
#ifndef TEST_ORM_RELSHOP_H
#define TEST_ORM_RELSHOP_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"

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
                                          .meta = { .ordering = MN_NAMES("name") });

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
static mn_model tag_model = MN_MODEL(tag, "shop", "Tag", tag_fields, .meta = { .ordering = MN_NAMES("name") });

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    int64_t category;
} product;
static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2, .default_value = "0"),
    MN_FIELD_FOREIGNKEY(product, category, category_model, .on_delete = MN_CASCADE, .related_name = "products",
                        .null = true),
    MN_FIELD_END,
};
static const mn_m2m product_m2m[] = {
    MN_M2M("tags", tag_model, .related_name = "products"),
    MN_M2M_END,
};
static int product_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const product *)obj)->name); }
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields, .many_to_many = product_m2m,
                                         .hooks = { .to_str = product_str });

typedef struct review {
    mn_obj mn;
    int64_t id;
    int64_t product;
    int32_t rating;
} review;
static const mn_field review_fields[] = {
    MN_FIELD_BIGAUTO(review, id),
    MN_FIELD_FOREIGNKEY(review, product, product_model, .on_delete = MN_CASCADE, .related_name = "reviews"),
    MN_FIELD_INT(review, rating, .default_value = "3"),
    MN_FIELD_END,
};
static mn_model review_model = MN_MODEL(review, "shop", "Review", review_fields);

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

typedef struct userprofile {
    mn_obj mn;
    int64_t id;
    int64_t user;
    mn_str bio;
} userprofile;
static const mn_field userprofile_fields[] = {
    MN_FIELD_BIGAUTO(userprofile, id),
    MN_FIELD_ONETOONE(userprofile, user, user_model, .on_delete = MN_CASCADE, .related_name = "profile"),
    MN_FIELD_TEXT(userprofile, bio, .default_value = ""),
    MN_FIELD_END,
};
static mn_model userprofile_model = MN_MODEL(userprofile, "accounts", "UserProfile", userprofile_fields);

/* Django's docs: a Restaurant is a Place (default reverse name "restaurant"). */
typedef struct place {
    mn_obj mn;
    int64_t id;
    mn_str name;
} place;
static const mn_field place_fields[] = {
    MN_FIELD_BIGAUTO(place, id),
    MN_FIELD_CHAR(place, name, .max_length = 50),
    MN_FIELD_END,
};
static mn_model place_model = MN_MODEL(place, "lab", "Place", place_fields);
typedef struct restaurant {
    mn_obj mn;
    int64_t id;
    int64_t place;
} restaurant;
static const mn_field restaurant_fields[] = {
    MN_FIELD_BIGAUTO(restaurant, id),
    MN_FIELD_ONETOONE(restaurant, place, place_model),
    MN_FIELD_END,
};
static mn_model restaurant_model = MN_MODEL(restaurant, "lab", "Restaurant", restaurant_fields);

/* on_delete: an Owner, Boxes of owners, Things pointing at both. */
typedef struct owner {
    mn_obj mn;
    int64_t id;
    mn_str name;
} owner;
static const mn_field owner_fields[] = {
    MN_FIELD_BIGAUTO(owner, id),
    MN_FIELD_CHAR(owner, name, .max_length = 50),
    MN_FIELD_END,
};
static int owner_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const owner *)obj)->name); }
static mn_model owner_model = MN_MODEL(owner, "lab", "Owner", owner_fields, .hooks = { .to_str = owner_str });

typedef struct box {
    mn_obj mn;
    int64_t id;
    int64_t owner;
} box;
static const mn_field box_fields[] = {
    MN_FIELD_BIGAUTO(box, id),
    MN_FIELD_FOREIGNKEY(box, owner, owner_model, .related_name = "boxes", .related_query_name = "box"),
    MN_FIELD_END,
};
static mn_model box_model = MN_MODEL(box, "lab", "Box", box_fields);

static int64_t SENTINEL_ID;
static int sentinel(mn_arena *arena, mn_value *out)
{
    (void)arena;
    *out = mn_value_int(SENTINEL_ID);
    return MN_OK;
}

typedef struct thing {
    mn_obj mn;
    int64_t id;
    mn_str name;
    int64_t cascade, protect, restricted, setnull, setdefault, set, setnone, nothing, box;
} thing;
static const mn_field thing_fields[] = {
    MN_FIELD_BIGAUTO(thing, id),
    MN_FIELD_CHAR(thing, name, .max_length = 50, .default_value = ""),
    MN_FIELD_FOREIGNKEY(thing, cascade, owner_model, .null = true, .on_delete = MN_CASCADE, .related_name = "t_cascade"),
    MN_FIELD_FOREIGNKEY(thing, protect, owner_model, .null = true, .on_delete = MN_PROTECT, .related_name = "t_protect"),
    MN_FIELD_FOREIGNKEY(thing, restricted, owner_model, .null = true, .on_delete = MN_RESTRICT,
                        .related_name = "t_restrict"),
    MN_FIELD_FOREIGNKEY(thing, setnull, owner_model, .null = true, .on_delete = MN_SET_NULL, .related_name = "t_null"),
    MN_FIELD_FOREIGNKEY(thing, setdefault, owner_model, .null = true, .on_delete = MN_SET_DEFAULT,
                        .default_value = "1", .related_name = "t_default"),
    MN_FIELD_FOREIGNKEY(thing, set, owner_model, .null = true, .on_delete = MN_SET, .on_delete_fn = sentinel,
                        .related_name = "t_set"),
    MN_FIELD_FOREIGNKEY(thing, setnone, owner_model, .null = true, .on_delete = MN_SET, .related_name = "t_setnone"),
    MN_FIELD_FOREIGNKEY(thing, nothing, owner_model, .null = true, .on_delete = MN_DO_NOTHING,
                        .related_name = "t_nothing"),
    MN_FIELD_FOREIGNKEY(thing, box, box_model, .null = true, .on_delete = MN_RESTRICT, .related_name = "things"),
    MN_FIELD_END,
};
static int thing_str(const void *obj, mn_buf *out) { return mn_buf_put_str(out, ((const thing *)obj)->name); }
static mn_model thing_model = MN_MODEL(thing, "lab", "Thing", thing_fields, .hooks = { .to_str = thing_str });

/* friends = ManyToManyField("self") (symmetrical);
 * follows = ManyToManyField("self", symmetrical=False) */
typedef struct person {
    mn_obj mn;
    int64_t id;
    mn_str name;
} person;
static const mn_field person_fields[] = {
    MN_FIELD_BIGAUTO(person, id),
    MN_FIELD_CHAR(person, name, .max_length = 50),
    MN_FIELD_END,
};
static mn_model person_model;
static const mn_m2m person_m2m[] = {
    MN_M2M("friends", person_model),
    MN_M2M("follows", person_model, .symmetrical = MN_ASYMMETRICAL),
    MN_M2M_END,
};
static mn_model person_model = MN_MODEL(person, "lab", "Person", person_fields, .many_to_many = person_m2m,
                                        .meta = { .ordering = MN_NAMES("name") });

static mn_model *const rel_models[] = {
    &category_model, &tag_model, &product_model, &review_model, &user_model, &userprofile_model, &place_model,
    &restaurant_model, &owner_model, &box_model, &thing_model, &person_model, NULL,
};

static mn_arena *A;
static mn_db *DB;

static void drop_all(void)
{
    static const char *const tables[] = { "shop_review", "shop_product_tags", "shop_product", "shop_tag",
                                          "shop_category", "accounts_userprofile", "auth_user", "lab_restaurant",
                                          "lab_place", "lab_thing", "lab_box", "lab_owner", "lab_person_friends",
                                          "lab_person_follows", "lab_person", NULL };
    mn_err err = { 0 };
    for (size_t i = 0; tables[i]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS \"%s\"%s", tables[i],
                 mn_db_engine_of(DB) == MN_DB_POSTGRES ? " CASCADE" : "");
        mn_db_execute(DB, sql, NULL, 0, NULL, &err);
    }
}

static void rel_setup(void)
{
    A = mn_arena_new("test", 0);
    const char *url = getenv("MN_TEST_DATABASE_URL");
    mn_err err = { 0 };
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(mn_str_from(url ? url : "sqlite://:memory:"), A, &cfg, &err), MN_OK, "%s", err.msg);
    DB = mn_db_open(&cfg, &err);
    cr_assert_not_null(DB, "%s", err.msg);
    mn_orm_use(DB);
    if (mn_db_engine_of(DB) == MN_DB_POSTGRES) {
        char sql[160];
        snprintf(sql, sizeof sql, "CREATE SCHEMA IF NOT EXISTS rel_test_%d", (int)getpid());
        cr_assert_eq(mn_db_execute(DB, sql, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
        snprintf(sql, sizeof sql, "SET search_path TO rel_test_%d", (int)getpid());
        cr_assert_eq(mn_db_execute(DB, sql, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    }
    cr_assert_eq(mn_orm_register(rel_models, &err), MN_OK, "%s", err.msg);
    drop_all();
    for (size_t i = 0; rel_models[i]; i++)
        cr_assert_eq(mn_model_create_table(rel_models[i], DB, &err), MN_OK, "%s: %s", rel_models[i]->name, err.msg);
}

static void rel_teardown(void)
{
    mn_err err = { 0 };
    drop_all();
    if (mn_db_engine_of(DB) == MN_DB_POSTGRES) {
        char sql[160];
        snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS rel_test_%d CASCADE", (int)getpid());
        mn_db_execute(DB, sql, NULL, 0, NULL, &err);
    }
    mn_orm_use(NULL);
    mn_db_close(DB);
    mn_arena_free(A);
    mn_signal_disconnect_all(&mn_pre_delete);
    mn_signal_disconnect_all(&mn_post_delete);
    mn_signal_disconnect_all(&mn_m2m_changed);
    mn_signal_collect();
}

static inline mn_value dec(const char *s)
{
    mn_decimal d;
    cr_assert_eq(mn_decimal_parse_cstr(s, &d, NULL), MN_OK);
    return mn_value_decimal(d);
}

static inline category *mk_category(const char *name)
{
    mn_err err = { 0 };
    category *c = mn_model_create(&category_model, A, &err, "name", mn_value_cstr(name), NULL);
    cr_assert_not_null(c, "%s", err.msg);
    return c;
}

static inline product *mk_product(const char *name, const char *price, category *c)
{
    mn_err err = { 0 };
    product *p = mn_model_create(&product_model, A, &err, "name", mn_value_cstr(name), "price", dec(price),
                                 "category", c ? mn_value_int(c->id) : mn_value_null(), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    return p;
}

static inline tag *mk_tag(const char *name)
{
    mn_err err = { 0 };
    tag *t = mn_model_create(&tag_model, A, &err, "name", mn_value_cstr(name), NULL);
    cr_assert_not_null(t, "%s", err.msg);
    return t;
}

/* Queries run by the thread's connection from now on. */
static inline int64_t queries(void) { return (int64_t)mn_db_statement_count(DB); }

#endif
