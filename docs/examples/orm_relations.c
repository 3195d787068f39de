/* docs/relations.md: the guide's "Relationships Between Models" and
 * "select_related vs prefetch_related" in C. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"

/* class Category(models.Model): name = CharField(max_length=100) */
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

/* class Tag(models.Model): name = CharField(max_length=50) */
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

/* class Product(models.Model):
 *     name = CharField(max_length=200)
 *     price = DecimalField(max_digits=10, decimal_places=2)
 *     category = ForeignKey(Category, on_delete=CASCADE, related_name='products')
 *     tags = ManyToManyField(Tag, related_name='products') */
typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    int64_t category; /* the key: category_id */
} product;
static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2, .default_value = "0"),
    MN_FIELD_FOREIGNKEY(product, category, category_model, .on_delete = MN_CASCADE, .related_name = "products"),
    MN_FIELD_END,
};
static const mn_m2m product_m2m[] = {
    MN_M2M("tags", tag_model, .related_name = "products"),
    MN_M2M_END,
};
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields, .many_to_many = product_m2m);

/* class UserProfile(models.Model):
 *     user = OneToOneField(User, on_delete=CASCADE, related_name='profile')
 *     bio = TextField() */
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
    MN_FIELD_TEXT(userprofile, bio),
    MN_FIELD_END,
};
static mn_model userprofile_model = MN_MODEL(userprofile, "accounts", "UserProfile", userprofile_fields);

static mn_model *const models[] = { &category_model, &tag_model, &product_model, &user_model, &userprofile_model,
                                    NULL };

static mn_value dec(const char *s)
{
    mn_decimal d;
    mn_decimal_parse_cstr(s, &d, NULL);
    return mn_value_decimal(d);
}

static int tags_changed(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    (void)response, (void)err;
    int *calls = call->data;
    mn_str action = mn_signal_arg(call, "action").u.s;
    if (mn_str_eq(action, MN_STR("post_add")) || mn_str_eq(action, MN_STR("post_remove")))
        (*calls)++;
    return MN_OK;
}

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), a, &cfg, &err);
    mn_db *db = mn_db_open(&cfg, &err);
    mn_orm_use(db);
    assert(mn_orm_register(models, &err) == MN_OK); /* reverse relations known */
    for (size_t i = 0; models[i]; i++)
        assert(mn_model_create_table(models[i], NULL, &err) == MN_OK);

    category *el = mn_model_create(&category_model, a, &err, "name", mn_value_cstr("Electronics"), NULL);
    category *bk = mn_model_create(&category_model, a, &err, "name", mn_value_cstr("Books"), NULL);
    product *phone = mn_model_create(&product_model, a, &err, "name", mn_value_cstr("iPhone"), "price", dec("999"),
                                     "category", mn_value_int(el->id), NULL);
    /* category.products.create(...) */
    product *cable = mn_rel_create(el, &category_model, "products", a, &err, "name", mn_value_cstr("Cable"), "price",
                                   dec("10"), NULL);
    assert(cable && cable->category == el->id);
    mn_rel_create(bk, &category_model, "products", a, &err, "name", mn_value_cstr("Novel"), "price", dec("15"), NULL);

    /* product = Product.objects.get(id=1); product.category.name */
    product *p = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, a), "id", mn_value_int(phone->id)), &err);
    category *c = MN_REL(category, p, &product_model, "category", a, &err);
    assert(mn_str_eq(c->name, MN_STR("Electronics")));

    /* category.products.all() */
    mn_qs *products = mn_rel_all(el, &category_model, "products", a);
    assert(mn_qs_len(products) == 2);

    /* product.tags.add(tag1, tag2); m2m_changed(sender=Product.tags.through) */
    int changes = 0;
    mn_signal_connect(&mn_m2m_changed, tags_changed,
                      &(mn_receiver_opts){ .sender = mn_m2m_through(&product_model, "tags"), .data = &changes });
    tag *t1 = mn_model_create(&tag_model, a, &err, "name", mn_value_cstr("New"), NULL);
    tag *t2 = mn_model_create(&tag_model, a, &err, "name", mn_value_cstr("Featured"), NULL);
    void *both[] = { t1, t2 };
    assert(mn_rel_add(phone, &product_model, "tags", both, 2, &err) == MN_OK);
    assert(mn_qs_len(mn_rel_all(phone, &product_model, "tags", a)) == 2);
    /* tag.products.all() */
    assert(mn_qs_len(mn_rel_all(t2, &tag_model, "products", a)) == 1);
    void *one[] = { t1 };
    mn_rel_remove(phone, &product_model, "tags", one, 1, &err); /* product.tags.remove(tag1) */
    assert(changes == 2);
    mn_rel_clear(phone, &product_model, "tags", &err); /* product.tags.clear() */
    mn_rel_add(phone, &product_model, "tags", both, 2, &err);

    /* user.profile.bio and profile.user.username */
    user *john = mn_model_create(&user_model, a, &err, "username", mn_value_cstr("john"), NULL);
    mn_model_create(&userprofile_model, a, &err, "user", mn_value_int(john->id), "bio", mn_value_cstr("Hi"), NULL);
    userprofile *prof = MN_REL(userprofile, john, &user_model, "profile", a, &err);
    assert(mn_str_eq(prof->bio, MN_STR("Hi")));
    assert(mn_str_eq(MN_REL(user, prof, &userprofile_model, "user", a, &err)->username, MN_STR("john")));

    /* Lookups across relations, the guide's Q examples */
    mn_qs *qs = mn_qs_filter_q(mn_qs_all(&product_model, a),
                               mn_q_or(mn_q(a, "name__icontains", mn_value_cstr("iphone")),
                                       mn_q(a, "category__name", mn_value_cstr("Books"))));
    assert(mn_qs_len(qs) == 2);
    assert(mn_qs_count(mn_qs_filter(mn_qs_all(&category_model, a), "products__price__gte", mn_value_int(500)),
                       &err) == 1);
    assert(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, a), "tags__name", mn_value_cstr("New")), &err) == 1);

    /* Category.objects.annotate(product_count=Count('products'),
     *                           avg_product_price=Avg('products__price')) */
    mn_qs *cats = mn_qs_order_by(mn_qs_annotate(mn_qs_all(&category_model, a), "product_count",
                                                mn_count(a, "products"), "avg_product_price",
                                                mn_avg(a, "products__price"), NULL),
                                 "name", NULL);
    for (size_t i = 0; i < mn_qs_len(cats); i++) {
        category *cat = mn_qs_at(cats, i);
        printf("%.*s: %lld products\n", (int)cat->name.len, cat->name.ptr,
               (long long)mn_obj_annotation(cat, &category_model, "product_count").u.i);
    }
    assert(mn_obj_annotation(mn_qs_at(cats, 1), &category_model, "product_count").u.i == 2);

    /* select_related: one query with a JOIN */
    uint64_t before = mn_db_statement_count(db);
    mn_qs *sr = mn_qs_select_related(mn_qs_all(&product_model, a), "category", NULL);
    for (size_t i = 0; i < mn_qs_len(sr); i++)
        assert(MN_REL(category, mn_qs_at(sr, i), &product_model, "category", a, &err) != NULL);
    assert(mn_db_statement_count(db) - before == 1);

    /* prefetch_related('tags'): two queries in all */
    before = mn_db_statement_count(db);
    mn_qs *pr = mn_qs_prefetch_related(mn_qs_all(&product_model, a), "tags", NULL);
    size_t ntags = 0;
    for (size_t i = 0; i < mn_qs_len(pr); i++)
        ntags += mn_qs_len(mn_rel_all(mn_qs_at(pr, i), &product_model, "tags", a));
    assert(ntags == 2 && mn_db_statement_count(db) - before == 2);

    /* Prefetch('products', queryset=Product.objects.filter(price__gte=100), to_attr='expensive') */
    mn_qs *pc = mn_qs_prefetch(mn_qs_all(&category_model, a), "products",
                               mn_qs_filter(mn_qs_all(&product_model, a), "price__gte", mn_value_int(100)),
                               "expensive");
    size_t n;
    mn_rel_prefetched(mn_qs_get(mn_qs_filter(pc, "name", mn_value_cstr("Electronics")), &err), &category_model,
                      "expensive", &n);
    assert(n == 1);

    /* on_delete=CASCADE: the category's products (and their tag rows) go too */
    mn_map *counts = NULL;
    int64_t deleted = mn_obj_delete_counts(el, &category_model, NULL, a, &counts, &err);
    assert(deleted == 5); /* 1 category, 2 products, 2 through rows */
    assert(mn_map_get_cstr(counts, "shop.Product").u.i == 2);

    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    mn_signal_disconnect_all(&mn_m2m_changed);
    mn_signal_collect();
    return 0;
}
