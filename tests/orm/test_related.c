/* Relations: accessors and their cache, reverse managers, one-to-one,
 * many-to-many with m2m_changed, lookups across relations, annotations,
 * select_related and prefetch_related. */
#include "relshop.h"

TestSuite(related, .init = rel_setup, .fini = rel_teardown);

static const char *name_of(mn_model *m, void *obj)
{
    mn_value v;
    cr_assert_eq(mn_obj_get(obj, m, "name", &v), MN_OK);
    return mn_str_dup(A, v.u.s);
}

/* The names of a QuerySet's objects, comma-separated. */
static const char *names(mn_qs *qs)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_qs_eval(qs, &err), MN_OK, "%s", err.msg);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    for (size_t i = 0; i < mn_qs_len(qs); i++)
        mn_buf_printf(&b, "%s%s", i ? "," : "", name_of(mn_qs_model(qs), mn_qs_at(qs, i)));
    return mn_buf_cstr(&b);
}

Test(related, forward_accessor_loads_once_and_caches)
{
    mn_err err = { 0 };
    category *c = mk_category("Electronics");
    product *p = mk_product("Phone", "100", c);
    product *q = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), &err);
    cr_assert_not_null(q);
    int64_t before = queries();
    category *got = MN_REL(category, q, &product_model, "category", A, &err);
    cr_assert_not_null(got, "%s", err.msg);
    cr_assert_str_eq(mn_str_dup(A, got->name), "Electronics");
    cr_assert_eq(MN_REL(category, q, &product_model, "category", A, &err), got, "cached");
    cr_assert_eq(queries() - before, 1);
    /* changing the key reloads */
    category *d = mk_category("Books");
    cr_assert_eq(mn_rel_set(q, &product_model, "category", d, &err), MN_OK);
    cr_assert_eq(q->category, d->id);
    cr_assert_eq(MN_REL(category, q, &product_model, "category", A, &err), d);
    q->category = c->id;
    cr_assert_str_eq(mn_str_dup(A, MN_REL(category, q, &product_model, "category", A, &err)->name), "Electronics");
    /* NULL key: NULL without an error */
    cr_assert_eq(mn_rel_set(q, &product_model, "category", NULL, &err), MN_OK);
    err = (mn_err){ 0 };
    cr_assert_null(mn_rel_get(q, &product_model, "category", A, &err));
    cr_assert_eq(err.code, 0);
    /* bad names: Django's choices, reverse names included */
    cr_assert_null(mn_rel_get(q, &product_model, "categori", A, &err));
    cr_assert_str_eq(err.msg, "Cannot resolve keyword 'categori' into field. Choices are: category, category_id, id, name, price, "
                              "reviews, tags");
    cr_assert_null(mn_rel_get(q, &product_model, "reviews", A, &err));
    cr_assert_eq(err.code, MN_EINVAL);
}

Test(related, reverse_manager_all_filter_count_create)
{
    mn_err err = { 0 };
    category *c = mk_category("Electronics");
    mk_product("Phone", "100", c);
    mk_product("Laptop", "900", c);
    mk_product("Chair", "50", NULL);
    mn_qs *qs = mn_rel_all(c, &category_model, "products", A);
    cr_assert_eq(mn_qs_count(qs, &err), 2);
    cr_assert_str_eq(names(mn_qs_order_by(qs, "name", NULL)), "Laptop,Phone");
    cr_assert_eq(mn_qs_count(mn_qs_filter(qs, "price__gte", mn_value_int(500)), &err), 1);
    product *p = mn_rel_create(c, &category_model, "products", A, &err, "name", mn_value_cstr("Tablet"), "price",
                               dec("300"), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert_eq(p->category, c->id);
    cr_assert_eq(mn_qs_count(mn_rel_all(c, &category_model, "products", A), &err), 3);
    /* unknown name: the QuerySet carries Django's error */
    mn_qs *bad = mn_rel_all(c, &category_model, "prodcts", A);
    cr_assert_eq(mn_qs_eval(bad, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Cannot resolve keyword 'prodcts' into field. Choices are: id, name, products");
    /* unsaved instance */
    category *nc = mn_model_new(&category_model, A, &err);
    cr_assert_eq(mn_qs_eval(mn_rel_all(nc, &category_model, "products", A), &err), MN_EINVAL);
}

Test(related, reverse_manager_add_remove_clear_set_on_a_nullable_key)
{
    mn_err err = { 0 };
    category *c = mk_category("Electronics");
    product *a = mk_product("A", "1", NULL), *b = mk_product("B", "1", NULL), *d = mk_product("D", "1", NULL);
    void *ab[] = { a, b };
    cr_assert_eq(mn_rel_add(c, &category_model, "products", ab, 2, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(a->category, c->id);
    cr_assert_str_eq(names(mn_qs_order_by(mn_rel_all(c, &category_model, "products", A), "name", NULL)), "A,B");
    void *justa[] = { a };
    cr_assert_eq(mn_rel_remove(c, &category_model, "products", justa, 1, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_obj_is_null(a, &product_model, "category"));
    cr_assert_str_eq(names(mn_rel_all(c, &category_model, "products", A)), "B");
    /* removing an object that is not related */
    void *notrel[] = { d };
    cr_assert_eq(mn_rel_remove(c, &category_model, "products", notrel, 1, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "is not related to"), "%s", err.msg);
    void *ad[] = { a, d };
    cr_assert_eq(mn_rel_set_all(c, &category_model, "products", ad, 2, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(names(mn_qs_order_by(mn_rel_all(c, &category_model, "products", A), "name", NULL)), "A,D");
    cr_assert_eq(mn_rel_clear(c, &category_model, "products", &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_rel_all(c, &category_model, "products", A), &err), 0);
    cr_assert_eq(mn_qs_count(mn_qs_all(&product_model, A), &err), 3, "clear() keeps the products");
}

Test(related, reverse_manager_of_a_non_null_key_has_no_remove)
{
    mn_err err = { 0 };
    product *p = mk_product("P", "1", NULL);
    review *r = mn_model_create(&review_model, A, &err, "product", mn_value_int(p->id), NULL);
    cr_assert_not_null(r);
    void *rs[] = { r };
    cr_assert_eq(mn_rel_remove(p, &product_model, "reviews", rs, 1, &err), MN_EINVAL);
    cr_assert_eq(mn_rel_clear(p, &product_model, "reviews", &err), MN_EINVAL);
    cr_assert_eq(mn_qs_count(mn_rel_all(p, &product_model, "reviews", A), &err), 1);
}

Test(related, one_to_one_both_ways)
{
    mn_err err = { 0 };
    user *u = mn_model_create(&user_model, A, &err, "username", mn_value_cstr("john"), NULL);
    cr_assert_not_null(u);
    userprofile *pr = mn_model_create(&userprofile_model, A, &err, "user", mn_value_int(u->id), "bio",
                                      mn_value_cstr("Hello"), NULL);
    cr_assert_not_null(pr, "%s", err.msg);
    /* user.profile.bio */
    userprofile *got = MN_REL(userprofile, u, &user_model, "profile", A, &err);
    cr_assert_not_null(got, "%s", err.msg);
    cr_assert_str_eq(mn_str_dup(A, got->bio), "Hello");
    int64_t before = queries();
    cr_assert_eq(MN_REL(userprofile, u, &user_model, "profile", A, &err), got);
    cr_assert_eq(queries(), before, "cached");
    /* profile.user.username */
    user *back = MN_REL(user, pr, &userprofile_model, "user", A, &err);
    cr_assert_str_eq(mn_str_dup(A, back->username), "john");
    /* a second profile for the same user: unique */
    cr_assert_null(mn_model_create(&userprofile_model, A, &err, "user", mn_value_int(u->id), NULL));
    cr_assert_eq(err.code, MN_EEXIST);
    /* RelatedObjectDoesNotExist */
    place *pl = mn_model_create(&place_model, A, &err, "name", mn_value_cstr("Demon Dogs"), NULL);
    cr_assert_null(mn_rel_get(pl, &place_model, "restaurant", A, &err));
    cr_assert_eq(err.code, MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "Place has no restaurant.");
    /* and lookups through it */
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&user_model, A), "profile__bio", mn_value_cstr("Hello")), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&place_model, A), "restaurant__isnull", mn_value_bool(true)), &err),
                 1);
}

static mn_list *m2m_log;
static int on_m2m(const mn_signal_call *call, mn_value *resp, mn_err *err)
{
    (void)resp, (void)err;
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_value pks = mn_signal_arg(call, "pk_set");
    mn_buf_printf(&b, "%s:%s:", mn_str_dup(A, mn_signal_arg(call, "action").u.s),
                  mn_signal_arg(call, "reverse").u.b ? "rev" : "fwd");
    if (pks.type == MN_VALUE_NULL)
        mn_buf_puts(&b, "None");
    for (size_t i = 0; pks.type == MN_VALUE_LIST && i < mn_list_len(pks.u.list); i++)
        mn_buf_printf(&b, "%s%lld", i ? "," : "", (long long)mn_list_get(pks.u.list, i).u.i);
    mn_list_push(m2m_log, mn_value_str(mn_buf_str(&b)));
    return MN_OK;
}

static const char *log_text(void)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    for (size_t i = 0; i < mn_list_len(m2m_log); i++)
        mn_buf_printf(&b, "%s%s", i ? " " : "", mn_str_dup(A, mn_list_get(m2m_log, i).u.s));
    m2m_log = mn_list_new(A, 8);
    return mn_buf_cstr(&b);
}

Test(related, many_to_many_from_both_sides_with_m2m_changed)
{
    mn_err err = { 0 };
    m2m_log = mn_list_new(A, 8);
    mn_model *through = mn_m2m_through(&product_model, "tags");
    cr_assert_not_null(through);
    cr_assert_str_eq(mn_model_table(through), "shop_product_tags");
    cr_assert_eq(mn_signal_connect(&mn_m2m_changed, on_m2m, &(mn_receiver_opts){ .sender = through }), MN_OK);
    product *p = mk_product("Phone", "100", NULL);
    tag *t1 = mk_tag("New"), *t2 = mk_tag("Featured"), *t3 = mk_tag("Sale");
    void *both[] = { t1, t2 };
    cr_assert_eq(mn_rel_add(p, &product_model, "tags", both, 2, &err), MN_OK, "%s", err.msg);
    char want[128];
    snprintf(want, sizeof want, "pre_add:fwd:%lld,%lld post_add:fwd:%lld,%lld", (long long)t1->id, (long long)t2->id,
             (long long)t1->id, (long long)t2->id);
    cr_assert_str_eq(log_text(), want);
    /* adding again adds nothing */
    cr_assert_eq(mn_rel_add(p, &product_model, "tags", both, 2, &err), MN_OK);
    cr_assert_str_eq(log_text(), "pre_add:fwd: post_add:fwd:");
    cr_assert_str_eq(names(mn_rel_all(p, &product_model, "tags", A)), "Featured,New");
    /* the reverse side: tag.products */
    cr_assert_str_eq(names(mn_rel_all(t1, &tag_model, "products", A)), "Phone");
    product *q = mk_product("Laptop", "900", NULL);
    void *pq[] = { q };
    cr_assert_eq(mn_rel_add(t3, &tag_model, "products", pq, 1, &err), MN_OK, "%s", err.msg);
    snprintf(want, sizeof want, "pre_add:rev:%lld post_add:rev:%lld", (long long)q->id, (long long)q->id);
    cr_assert_str_eq(log_text(), want);
    cr_assert_str_eq(names(mn_rel_all(q, &product_model, "tags", A)), "Sale");
    /* remove, set, clear */
    void *one[] = { t1 };
    cr_assert_eq(mn_rel_remove(p, &product_model, "tags", one, 1, &err), MN_OK, "%s", err.msg);
    snprintf(want, sizeof want, "pre_remove:fwd:%lld post_remove:fwd:%lld", (long long)t1->id, (long long)t1->id);
    cr_assert_str_eq(log_text(), want);
    cr_assert_str_eq(names(mn_rel_all(p, &product_model, "tags", A)), "Featured");
    void *set[] = { t1, t3 };
    cr_assert_eq(mn_rel_set_all(p, &product_model, "tags", set, 2, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(names(mn_rel_all(p, &product_model, "tags", A)), "New,Sale");
    log_text();
    cr_assert_eq(mn_rel_clear(p, &product_model, "tags", &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(log_text(), "pre_clear:fwd:None post_clear:fwd:None");
    cr_assert_eq(mn_qs_count(mn_rel_all(p, &product_model, "tags", A), &err), 0);
    /* create through the manager */
    tag *made = mn_rel_create(p, &product_model, "tags", A, &err, "name", mn_value_cstr("Made"), NULL);
    cr_assert_not_null(made, "%s", err.msg);
    cr_assert_str_eq(names(mn_rel_all(p, &product_model, "tags", A)), "Made");
    /* unsaved objects */
    tag *unsaved = mn_model_new(&tag_model, A, &err);
    void *u[] = { unsaved };
    cr_assert_eq(mn_rel_add(p, &product_model, "tags", u, 1, &err), MN_EINVAL);
}

/* The through rows of person.<name> as Django's sorted values_list:
 * "(1, 2) (2, 1)". */
static const char *person_rows(const char *name)
{
    mn_model *t = mn_m2m_through(&person_model, name);
    cr_assert_not_null(t);
    /* by key: order_by("from_person") would follow Person's Meta.ordering */
    mn_qs *qs = mn_qs_order_by(mn_qs_values_list(mn_qs_all(t, A), 0, "from_person", "to_person", NULL),
                               "from_person_id", "to_person_id", NULL);
    mn_list *rows = mn_qs_rows(qs);
    cr_assert_not_null(rows, "%s", mn_qs_error(qs)->msg);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    for (size_t i = 0; i < mn_list_len(rows); i++) {
        mn_list *r = mn_list_get(rows, i).u.list;
        mn_buf_printf(&b, "%s(%lld, %lld)", i ? " " : "", (long long)mn_list_get(r, 0).u.i,
                      (long long)mn_list_get(r, 1).u.i);
    }
    return mn_buf_cstr(&b);
}

static person *mk_person(const char *name)
{
    mn_err err = { 0 };
    person *p = mn_model_create(&person_model, A, &err, "name", mn_value_cstr(name), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    return p;
}

/* The expected rows and signals are what Django 3.2 gives for
 * friends = ManyToManyField("self") and the same steps. */
Test(related, many_to_many_to_self_is_symmetrical)
{
    mn_err err = { 0 };
    m2m_log = mn_list_new(A, 8);
    mn_model *through = mn_m2m_through(&person_model, "friends");
    cr_assert_str_eq(mn_model_table(through), "lab_person_friends");
    cr_assert_eq(mn_signal_connect(&mn_m2m_changed, on_m2m, &(mn_receiver_opts){ .sender = through }), MN_OK);
    person *x = mk_person("x"), *y = mk_person("y"), *z = mk_person("z");
    cr_assert_eq(x->id, 1);
    void *yz[] = { y, z };
    cr_assert_eq(mn_rel_add(x, &person_model, "friends", yz, 2, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(person_rows("friends"), "(1, 2) (1, 3) (2, 1) (3, 1)");
    cr_assert_str_eq(log_text(), "pre_add:fwd:2,3 post_add:fwd:2,3"); /* once, for x's side */
    cr_assert_str_eq(names(mn_rel_all(y, &person_model, "friends", A)), "x");
    /* a friend of oneself: one row */
    void *self[] = { x };
    cr_assert_eq(mn_rel_add(x, &person_model, "friends", self, 1, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(person_rows("friends"), "(1, 1) (1, 2) (1, 3) (2, 1) (3, 1)");
    cr_assert_str_eq(log_text(), "pre_add:fwd:1 post_add:fwd:1");
    /* removing from the other side removes both rows */
    cr_assert_eq(mn_rel_remove(y, &person_model, "friends", self, 1, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(person_rows("friends"), "(1, 1) (1, 3) (3, 1)");
    cr_assert_str_eq(log_text(), "pre_remove:fwd:1 post_remove:fwd:1");
    /* set: remove what goes, add what is new, both directions */
    void *only_y[] = { y };
    cr_assert_eq(mn_rel_set_all(z, &person_model, "friends", only_y, 1, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(person_rows("friends"), "(1, 1) (2, 3) (3, 2)");
    cr_assert_str_eq(log_text(), "pre_remove:fwd:1 post_remove:fwd:1 pre_add:fwd:2 post_add:fwd:2");
    cr_assert_eq(mn_rel_clear(z, &person_model, "friends", &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(person_rows("friends"), "(1, 1)");
    cr_assert_str_eq(log_text(), "pre_clear:fwd:None post_clear:fwd:None");
    /* create() adds both rows */
    person *w = mn_rel_create(x, &person_model, "friends", A, &err, "name", mn_value_cstr("w"), NULL);
    cr_assert_not_null(w, "%s", err.msg);
    cr_assert_str_eq(person_rows("friends"), "(1, 1) (1, 4) (4, 1)");
    cr_assert_str_eq(log_text(), "pre_add:fwd:4 post_add:fwd:4");
    cr_assert_str_eq(names(mn_rel_all(w, &person_model, "friends", A)), "x");
    /* no reverse accessor: Django hides it ("friends_rel_+") */
    cr_assert_eq(mn_qs_eval(mn_rel_all(x, &person_model, "person_set", A), &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_rel_all(y, &person_model, "person_set", A), &err), 0); /* that is follows' */
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&person_model, A), "friends__name", mn_value_cstr("w")), &err), 1);
    /* prefetch reads the mirror rows as any */
    mn_qs *pf = mn_qs_filter(mn_qs_prefetch_related(mn_qs_all(&person_model, A), "friends", NULL), "name",
                             mn_value_cstr("w"));
    cr_assert_eq(mn_qs_len(pf), 1);
    cr_assert_str_eq(names(mn_rel_all(mn_qs_at(pf, 0), &person_model, "friends", A)), "x");
    /* deleting a person deletes its rows of both directions */
    cr_assert_geq(mn_obj_delete_counts(w, &person_model, NULL, A, NULL, &err), 1, "%s", err.msg);
    cr_assert_str_eq(person_rows("friends"), "(1, 1)");
}

Test(related, many_to_many_to_self_asymmetrical)
{
    mn_err err = { 0 };
    person *x = mk_person("x"), *y = mk_person("y");
    void *one[] = { y };
    cr_assert_eq(mn_rel_add(x, &person_model, "follows", one, 1, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(person_rows("follows"), "(1, 2)");
    /* the reverse accessor exists: y.person_set */
    cr_assert_str_eq(names(mn_rel_all(y, &person_model, "person_set", A)), "x");
    cr_assert_eq(mn_qs_count(mn_rel_all(y, &person_model, "follows", A), &err), 0);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&person_model, A), "person__name", mn_value_cstr("x")), &err), 1);
    void *xs[] = { x };
    cr_assert_eq(mn_rel_remove(y, &person_model, "person_set", xs, 1, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(person_rows("follows"), "");
}

/* Values from Django 3.2: Product.objects.aggregate(n=Count("tags__name",
 * distinct=True), ...) over the same rows. */
Test(related, aggregate_distinct_over_a_relation)
{
    mn_err err = { 0 };
    tag *a = mk_tag("a"), *b = mk_tag("b"), *c = mk_tag("a");
    product *p1 = mk_product("p1", "10", NULL), *p2 = mk_product("p2", "20", NULL);
    mk_product("p3", "30", NULL);
    void *ab[] = { a, b }, *ac[] = { a, c };
    cr_assert_eq(mn_rel_add(p1, &product_model, "tags", ab, 2, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_rel_add(p2, &product_model, "tags", ac, 2, &err), MN_OK, "%s", err.msg);
    mn_map *r = mn_qs_aggregate(mn_qs_all(&product_model, A), &err, "n", mn_agg_distinct(mn_count(A, "tags__name")),
                                "t", mn_agg_distinct(mn_count(A, "tags")), "x", mn_count(A, "tags"), NULL);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(r, "n").u.i, 2);
    cr_assert_eq(mn_map_get_cstr(r, "t").u.i, 3);
    cr_assert_eq(mn_map_get_cstr(r, "x").u.i, 4);
    /* over the QuerySet's rows only */
    r = mn_qs_aggregate(mn_qs_filter(mn_qs_all(&product_model, A), "name", mn_value_cstr("p2")), &err, "n",
                        mn_agg_distinct(mn_count(A, "tags__name")), NULL);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(r, "n").u.i, 1);
    /* no rows: 0 and None */
    r = mn_qs_aggregate(mn_qs_filter(mn_qs_all(&product_model, A), "name", mn_value_cstr("zz")), &err, "n",
                        mn_agg_distinct(mn_count(A, "tags__name")), "s", mn_agg_distinct(mn_sum(A, "tags__id")), NULL);
    cr_assert_not_null(r, "%d %s", err.code, err.msg);
    cr_assert_eq(mn_map_get_cstr(r, "n").u.i, 0);
    cr_assert_eq(mn_map_get_cstr(r, "s").type, MN_VALUE_NULL);
    /* Sum, Avg, and a filter */
    r = mn_qs_aggregate(mn_qs_all(&product_model, A), &err, "s", mn_agg_distinct(mn_sum(A, "tags__id")), "a",
                        mn_agg_distinct(mn_avg(A, "tags__id")), "n",
                        mn_agg_filter(mn_agg_distinct(mn_count(A, "tags__name")), mn_q(A, "tags__id__gt", mn_value_int(1))),
                        NULL);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(r, "s").u.i, 6);
    cr_assert_eq(mn_map_get_cstr(r, "a").type, MN_VALUE_FLOAT);
    cr_assert_float_eq(mn_map_get_cstr(r, "a").u.f, 2.0, 1e-9);
    cr_assert_eq(mn_map_get_cstr(r, "n").u.i, 2);
    /* a sliced QuerySet: its rows, as the subquery Django wraps it in */
    r = mn_qs_aggregate(mn_qs_slice(mn_qs_order_by(mn_qs_all(&product_model, A), "name", NULL), 0, 1), &err, "n",
                        mn_agg_distinct(mn_count(A, "tags__name")), NULL);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(r, "n").u.i, 2);
    /* the reverse side too: tags' distinct product prices */
    r = mn_qs_aggregate(mn_qs_all(&tag_model, A), &err, "n", mn_agg_distinct(mn_count(A, "products__price")), NULL);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(r, "n").u.i, 2);
}

Test(related, lookups_across_relations)
{
    mn_err err = { 0 };
    category *el = mk_category("Electronics"), *bk = mk_category("Books");
    product *phone = mk_product("iPhone", "999", el);
    mk_product("Cable", "10", el);
    product *novel = mk_product("Novel", "15", bk);
    mk_product("Orphan", "5", NULL);
    tag *feat = mk_tag("Featured");
    void *t[] = { feat };
    mn_rel_add(phone, &product_model, "tags", t, 1, &err);
    mn_rel_add(novel, &product_model, "tags", t, 1, &err);
    mn_qs *P = mn_qs_order_by(mn_qs_all(&product_model, A), "name", NULL);
    cr_assert_str_eq(names(mn_qs_filter(P, "category__name", mn_value_cstr("Electronics"))), "Cable,iPhone");
    cr_assert_str_eq(names(mn_qs_filter(P, "category__name__icontains", mn_value_cstr("book"))), "Novel");
    /* the guide's Q examples */
    mn_qobj *q = mn_q_or(mn_q(A, "name__icontains", mn_value_cstr("iPhone")),
                         mn_q(A, "category__name", mn_value_cstr("Books")));
    cr_assert_str_eq(names(mn_qs_filter_q(P, q)), "Novel,iPhone");
    cr_assert_str_eq(names(mn_qs_filter_q(P, mn_q_not(mn_q(A, "category__name", mn_value_cstr("Books"))))),
                     "Cable,Orphan,iPhone");
    cr_assert_str_eq(names(mn_qs_exclude(P, "category__name", mn_value_cstr("Books"))), "Cable,Orphan,iPhone");
    /* reverse and many-to-many */
    mn_qs *C = mn_qs_order_by(mn_qs_all(&category_model, A), "name", NULL);
    cr_assert_str_eq(names(mn_qs_filter(C, "products__price__gte", mn_value_int(500))), "Electronics");
    cr_assert_str_eq(names(mn_qs_filter(C, "products__tags__name", mn_value_cstr("Featured"))), "Books,Electronics");
    cr_assert_str_eq(names(mn_qs_filter(P, "tags__name", mn_value_cstr("Featured"))), "Novel,iPhone");
    cr_assert_str_eq(names(mn_qs_filter(mn_qs_all(&tag_model, A), "products__category__name",
                                        mn_value_cstr("Books"))),
                     "Featured");
    cr_assert_str_eq(names(mn_qs_filter(C, "products__isnull", mn_value_bool(true))), "");
    cr_assert_str_eq(names(mn_qs_exclude(C, "products__name", mn_value_cstr("Novel"))), "Electronics");
    cr_assert_str_eq(names(mn_qs_filter(P, "tags", mn_value_int(feat->id))), "Novel,iPhone");
    /* nested forward: review__product__category__name */
    cr_assert_not_null(mn_model_create(&review_model, A, &err, "product", mn_value_int(novel->id), "rating",
                                       mn_value_int(5), NULL));
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&review_model, A), "product__category__name",
                                          mn_value_cstr("Books")),
                             &err),
                 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&category_model, A), "products__reviews__rating__gte",
                                          mn_value_int(5)),
                             &err),
                 1);
    /* Cannot resolve keyword lists the reverse names */
    cr_assert_eq(mn_qs_eval(mn_qs_filter(C, "prodcts__name", mn_value_cstr("x")), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Cannot resolve keyword 'prodcts' into field. Choices are: id, name, products");
    cr_assert_eq(mn_qs_eval(mn_qs_filter(P, "category__nme", mn_value_cstr("x")), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Related Field got invalid lookup: nme");
    /* update through a relation (the guide's discount example shape) */
    cr_assert_eq(mn_qs_update(mn_qs_filter(mn_qs_all(&product_model, A), "category__name", mn_value_cstr("Books")),
                              &err, "price", dec("12"), NULL),
                 1, "%s", err.msg);
}

Test(related, multi_valued_semantics_of_filter_calls)
{
    mn_err err = { 0 };
    /* Electronics has a cheap phone and an expensive cable; Books an expensive phone book */
    category *el = mk_category("Electronics"), *bk = mk_category("Books");
    mk_product("phone", "10", el);
    mk_product("cable", "900", el);
    mk_product("phone", "900", bk);
    mn_qs *C = mn_qs_order_by(mn_qs_all(&category_model, A), "name", NULL);
    /* one call: the same product is a phone and costs >= 500 */
    cr_assert_str_eq(names(mn_qs_filter_by(C, "products__name", mn_value_cstr("phone"), "products__price__gte",
                                           mn_value_int(500), NULL)),
                     "Books");
    /* chained calls: some product is a phone, some product costs >= 500 */
    cr_assert_str_eq(names(mn_qs_filter(mn_qs_filter(C, "products__name", mn_value_cstr("phone")),
                                        "products__price__gte", mn_value_int(500))),
                     "Books,Electronics");
    /* rows are not repeated (no DISTINCT needed) */
    cr_assert_eq(mn_qs_count(mn_qs_filter(C, "products__price__gte", mn_value_int(0)), &err), 2);
}

Test(related, values_order_by_and_f_across_relations)
{
    mn_err err = { 0 };
    bool is_pg = mn_db_engine_of(DB) == MN_DB_POSTGRES; /* NULLs sort last there, first on SQLite */
    category *el = mk_category("Electronics"), *bk = mk_category("Books");
    mk_product("b-phone", "999", el);
    mk_product("a-novel", "15", bk);
    mk_product("c-orphan", "5", NULL);
    mn_qs *P = mn_qs_all(&product_model, A);
    cr_assert_str_eq(names(mn_qs_order_by(P, "category__name", "name", NULL)),
                     (mn_db_engine_of(DB) == MN_DB_POSTGRES) ? "a-novel,b-phone,c-orphan" : "c-orphan,a-novel,b-phone");
    cr_assert_str_eq(names(mn_qs_order_by(P, "-category__name", "name", NULL)),
                     (mn_db_engine_of(DB) == MN_DB_POSTGRES) ? "c-orphan,b-phone,a-novel" : "b-phone,a-novel,c-orphan");
    mn_list *rows = mn_qs_rows(mn_qs_values(mn_qs_order_by(P, "name", NULL), "name", "category__name", NULL));
    cr_assert_not_null(rows);
    cr_assert_eq(mn_list_len(rows), 3);
    mn_map *r0 = mn_list_get(rows, 0).u.map;
    cr_assert_str_eq(mn_str_dup(A, mn_map_get_cstr(r0, "category__name").u.s), "Books");
    cr_assert_eq(mn_map_get_cstr(mn_list_get(rows, 2).u.map, "category__name").type, MN_VALUE_NULL);
    mn_list *flat = mn_qs_rows(mn_qs_values_list(mn_qs_order_by(P, "name", NULL), MN_QS_FLAT, "category__name", NULL));
    cr_assert_str_eq(mn_str_dup(A, mn_list_get(flat, 1).u.s), "Electronics");
    /* F() across a relation */
    cr_assert_eq(mn_qs_count(mn_qs_filter(P, "name__gt", mn_f(A, "category__name")), &err), 2, "%s", err.msg);
    /* values() over a multi-valued path: one row per related row (LEFT OUTER JOIN), as Django */
    mk_category("Empty");
    mk_product("d-ebook", "3", bk);
    mn_qs *vq = mn_qs_order_by(mn_qs_values(mn_qs_all(&category_model, A), "name", "products__name", NULL), "name",
                               NULL);
    mn_list *vr = mn_qs_rows(vq);
    cr_assert_not_null(vr, "%s", mn_qs_error(vq)->msg);
    cr_assert_eq(mn_list_len(vr), 4);
    cr_assert_eq(mn_qs_count(vq, &err), 4, "%s", err.msg);
    size_t books = 0, empty_null = 0;
    for (size_t i = 0; i < 4; i++) {
        mn_map *r = mn_list_get(vr, i).u.map;
        mn_str cat = mn_map_get_cstr(r, "name").u.s;
        books += mn_str_eq(cat, MN_STR("Books"));
        empty_null += mn_str_eq(cat, MN_STR("Empty")) && mn_map_get_cstr(r, "products__name").type == MN_VALUE_NULL;
    }
    cr_assert_eq(books, 2);
    cr_assert_eq(empty_null, 1);
    /* order_by over a multi-valued path repeats rows, as Django's join does */
    mn_qs *oq = mn_qs_order_by(mn_qs_all(&category_model, A), "products__name", NULL);
    cr_assert_str_eq(names(oq), is_pg ? "Books,Electronics,Books,Empty" : "Empty,Books,Electronics,Books");
    /* two paths of one relation share the join (the same product) */
    mn_list *pr = mn_qs_rows(mn_qs_values_list(mn_qs_filter(mn_qs_all(&category_model, A), "name",
                                                            mn_value_cstr("Electronics")),
                                               0, "products__name", "products__price", NULL));
    cr_assert_eq(mn_list_len(pr), 1);
    cr_assert_str_eq(mn_str_dup(A, mn_list_get(mn_list_get(pr, 0).u.list, 0).u.s), "b-phone");
    /* grouped: values("products__name").annotate(n=Count("id")) */
    mn_list *gr = mn_qs_rows(mn_qs_annotate(mn_qs_values(mn_qs_filter(mn_qs_all(&category_model, A),
                                                                      "products__isnull", mn_value_bool(false)),
                                                         "products__name", NULL),
                                            "n", mn_count(A, "id"), NULL));
    cr_assert_eq(mn_list_len(gr), 3, "%s", gr ? "" : "error");
}

Test(related, annotations_and_aggregates_over_relations)
{
    mn_err err = { 0 };
    category *el = mk_category("Electronics"), *bk = mk_category("Books");
    mk_category("Empty");
    mk_product("phone", "100.00", el);
    mk_product("laptop", "900.00", el);
    mk_product("novel", "15.50", bk);
    /* the guide: Count('products'), Avg('products__price') */
    mn_qs *qs = mn_qs_order_by(mn_qs_annotate(mn_qs_all(&category_model, A), "product_count", mn_count(A, "products"),
                                              "avg_product_price", mn_avg(A, "products__price"), NULL),
                               "name", NULL);
    cr_assert_eq(mn_qs_eval(qs, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_qs_len(qs), 3);
    category *books = mn_qs_at(qs, 0), *el2 = mn_qs_at(qs, 1), *empty = mn_qs_at(qs, 2);
    cr_assert_eq(mn_obj_annotation(books, &category_model, "product_count").u.i, 1);
    cr_assert_eq(mn_obj_annotation(el2, &category_model, "product_count").u.i, 2);
    cr_assert_eq(mn_obj_annotation(empty, &category_model, "product_count").u.i, 0);
    mn_value avg = mn_obj_annotation(el2, &category_model, "avg_product_price");
    cr_assert_eq(avg.type, MN_VALUE_DECIMAL);
    mn_decimal want;
    mn_decimal_parse_cstr("500", &want, NULL);
    cr_assert_eq(mn_decimal_cmp(avg.u.d, want), 0);
    cr_assert_eq(mn_obj_annotation(empty, &category_model, "avg_product_price").type, MN_VALUE_NULL);
    /* filter on the annotation, and a filtered count */
    mn_qs *big = mn_qs_filter(mn_qs_annotate(mn_qs_all(&category_model, A), "n", mn_count(A, "products"), NULL),
                              "n__gt", mn_value_int(1));
    cr_assert_str_eq(names(big), "Electronics");
    mn_value cheap = mn_agg_filter(mn_count(A, "products"), mn_q(A, "products__price__lt", mn_value_int(200)));
    mn_qs *cq = mn_qs_order_by(mn_qs_annotate(mn_qs_all(&category_model, A), "cheap", cheap, NULL), "name", NULL);
    cr_assert_eq(mn_obj_annotation(mn_qs_at(cq, 1), &category_model, "cheap").u.i, 1);
    /* aggregate() over a relation: every related row once */
    mn_map *agg = mn_qs_aggregate(mn_qs_all(&category_model, A), &err, "n", mn_count(A, "products"), "top",
                                  mn_max(A, "products__price"), NULL);
    cr_assert_not_null(agg, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(agg, "n").u.i, 3);
    mn_decimal_parse_cstr("900", &want, NULL);
    cr_assert_eq(mn_decimal_cmp(mn_map_get_cstr(agg, "top").u.d, want), 0);
    /* values().annotate() grouped by a related name */
    mn_list *rows = mn_qs_rows(mn_qs_order_by(mn_qs_annotate(mn_qs_values(mn_qs_filter(mn_qs_all(&product_model, A),
                                                                                        "category__isnull",
                                                                                        mn_value_bool(false)),
                                                                           "category__name", NULL),
                                                             "n", mn_count(A, "id"), NULL),
                                              "category__name", NULL));
    cr_assert_not_null(rows);
    cr_assert_eq(mn_list_len(rows), 2);
    cr_assert_eq(mn_map_get_cstr(mn_list_get(rows, 1).u.map, "n").u.i, 2);
}

Test(related, select_related_joins_and_fills_the_cache)
{
    mn_err err = { 0 };
    category *el = mk_category("Electronics");
    product *p = mk_product("phone", "100", el);
    mk_product("orphan", "1", NULL);
    for (int i = 0; i < 2; i++)
        cr_assert_not_null(mn_model_create(&review_model, A, &err, "product", mn_value_int(p->id), NULL));
    mn_qs *qs = mn_qs_order_by(mn_qs_select_related(mn_qs_all(&product_model, A), "category", NULL), "name", NULL);
    const char *sql = mn_qs_sql(qs, NULL, &err);
    cr_assert(strstr(sql, "LEFT OUTER JOIN \"shop_category\""), "%s", sql);
    int64_t before = queries();
    cr_assert_eq(mn_qs_len(qs), 2);
    product *o = mn_qs_at(qs, 0), *ph = mn_qs_at(qs, 1);
    cr_assert_null(mn_rel_get(o, &product_model, "category", A, &err));
    category *c = MN_REL(category, ph, &product_model, "category", A, &err);
    cr_assert_str_eq(mn_str_dup(A, c->name), "Electronics");
    cr_assert_eq(queries() - before, 1, "one query");
    /* nested: review__product__category, INNER JOIN for the non-null key */
    mn_qs *rq = mn_qs_select_related(mn_qs_all(&review_model, A), "product__category", NULL);
    sql = mn_qs_sql(rq, NULL, &err);
    cr_assert(strstr(sql, "INNER JOIN \"shop_product\""), "%s", sql);
    before = queries();
    cr_assert_eq(mn_qs_len(rq), 2);
    for (size_t i = 0; i < 2; i++) {
        product *rp = MN_REL(product, mn_qs_at(rq, i), &review_model, "product", A, &err);
        category *rc = MN_REL(category, rp, &product_model, "category", A, &err);
        cr_assert_str_eq(mn_str_dup(A, rc->name), "Electronics");
    }
    cr_assert_eq(queries() - before, 1);
    /* filters, ordering and annotations still work with the join */
    mn_qs *fq = mn_qs_order_by(mn_qs_filter(mn_qs_select_related(mn_qs_all(&product_model, A), NULL), "name",
                                            mn_value_cstr("phone")),
                               "-category__name", NULL);
    cr_assert_eq(mn_qs_len(fq), 1, "%s", mn_qs_error(fq)->msg);
    /* a bad name */
    cr_assert_eq(mn_qs_eval(mn_qs_select_related(mn_qs_all(&product_model, A), "tags", NULL), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Invalid field name(s) given in select_related: 'tags'. Choices are: category");
}

Test(related, prefetch_related_one_query_per_relation)
{
    mn_err err = { 0 };
    category *el = mk_category("Electronics"), *bk = mk_category("Books");
    tag *n = mk_tag("New"), *f = mk_tag("Featured");
    for (int i = 0; i < 6; i++) {
        char nm[16];
        snprintf(nm, sizeof nm, "p%d", i);
        product *p = mk_product(nm, "10", i % 2 ? el : bk);
        void *ts[] = { n, f };
        cr_assert_eq(mn_rel_add(p, &product_model, "tags", ts, (size_t)(i % 3), &err), MN_OK, "%s", err.msg);
        cr_assert_not_null(mn_model_create(&review_model, A, &err, "product", mn_value_int(p->id), "rating",
                                           mn_value_int(i), NULL));
    }
    /* the guide: Product.objects.prefetch_related('tags') */
    int64_t before = queries();
    mn_qs *qs = mn_qs_order_by(mn_qs_prefetch_related(mn_qs_all(&product_model, A), "tags", "category", NULL), "name",
                               NULL);
    cr_assert_eq(mn_qs_eval(qs, &err), MN_OK, "%s", err.msg);
    for (size_t i = 0; i < mn_qs_len(qs); i++) {
        mn_qs *tags = mn_rel_all(mn_qs_at(qs, i), &product_model, "tags", A);
        cr_assert_eq(mn_qs_len(tags), i % 3);
        if (i % 3 == 2)
            cr_assert_str_eq(names(tags), "Featured,New");
        cr_assert_not_null(mn_rel_get(mn_qs_at(qs, i), &product_model, "category", A, &err));
    }
    cr_assert_eq(queries() - before, 3, "products, tags, categories");
    /* reverse FK, nested */
    before = queries();
    mn_qs *cq = mn_qs_order_by(mn_qs_prefetch_related(mn_qs_all(&category_model, A), "products__reviews", NULL),
                               "name", NULL);
    cr_assert_eq(mn_qs_eval(cq, &err), MN_OK, "%s", err.msg);
    category *books = mn_qs_at(cq, 0);
    mn_qs *bp = mn_rel_all(books, &category_model, "products", A);
    cr_assert_eq(mn_qs_len(bp), 3);
    cr_assert_eq(mn_qs_len(mn_rel_all(mn_qs_at(bp, 0), &product_model, "reviews", A)), 1);
    cr_assert_eq(queries() - before, 3);
    /* chaining on a prefetched manager queries again */
    cr_assert_eq(mn_qs_count(mn_qs_filter(bp, "name", mn_value_cstr("p0")), &err), 1);
    /* Prefetch('reviews', queryset=Review.objects.filter(rating__gte=4), to_attr='good') */
    mn_qs *good = mn_qs_filter(mn_qs_all(&review_model, A), "rating__gte", mn_value_int(4));
    mn_qs *pq = mn_qs_order_by(mn_qs_prefetch(mn_qs_all(&product_model, A), "reviews", good, "good_reviews"), "name",
                               NULL);
    cr_assert_eq(mn_qs_eval(pq, &err), MN_OK, "%s", err.msg);
    size_t k;
    mn_rel_prefetched(mn_qs_at(pq, 0), &product_model, "good_reviews", &k);
    cr_assert_eq(k, 0);
    void **items = mn_rel_prefetched(mn_qs_at(pq, 5), &product_model, "good_reviews", &k);
    cr_assert_eq(k, 1);
    cr_assert_eq(((review *)items[0])->rating, 5);
    /* M2M with a custom queryset */
    mn_qs *tq = mn_qs_prefetch(mn_qs_order_by(mn_qs_all(&product_model, A), "name", NULL), "tags",
                               mn_qs_filter(mn_qs_all(&tag_model, A), "name", mn_value_cstr("New")), NULL);
    mn_qs *t2 = mn_rel_all(mn_qs_at(tq, 2), &product_model, "tags", A);
    cr_assert_eq(mn_qs_len(t2), 1, "%zu %s / %s", mn_qs_len(t2), mn_qs_error(t2)->msg, mn_qs_error(tq)->msg);
    /* a queryset of the wrong model */
    cr_assert_eq(mn_qs_eval(mn_qs_prefetch(mn_qs_all(&product_model, A), "tags", mn_qs_all(&review_model, A), NULL),
                            &err),
                 MN_EINVAL);
    cr_assert(strstr(err.msg, "the queryset must be one of Tag, not of Review"), "%s", err.msg);
    /* a bad name */
    cr_assert_eq(mn_qs_eval(mn_qs_prefetch_related(mn_qs_all(&product_model, A), "tagz", NULL), &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "'tagz' is an invalid parameter to prefetch_related()"), "%s", err.msg);
}

Test(related, schema_of_the_through_table)
{
    mn_err err = { 0 };
    mn_list *sql = mn_model_schema_sql(&product_model, MN_DB_SQLITE, A, &err);
    cr_assert_not_null(sql, "%s", err.msg);
    bool found = false;
    for (size_t i = 0; i < mn_list_len(sql); i++) {
        const char *s = mn_list_get(sql, i).u.s.ptr;
        if (strstr(s, "CREATE TABLE \"shop_product_tags\"")) {
            found = true;
            cr_assert(strstr(s, "\"product_id\" bigint NOT NULL REFERENCES \"shop_product\" (\"id\") DEFERRABLE "
                                "INITIALLY DEFERRED"),
                      "%s", s);
            cr_assert(strstr(s, "\"tag_id\" bigint NOT NULL REFERENCES \"shop_tag\""), "%s", s);
            cr_assert(strstr(s, "UNIQUE (\"product_id\", \"tag_id\")"), "%s", s);
        }
    }
    cr_assert(found);
}

/* A custom through model: Shelf.labels through Placement (with a field of its own). */
typedef struct label {
    mn_obj mn;
    int64_t id;
    mn_str name;
} label;
static const mn_field label_fields[] = {
    MN_FIELD_BIGAUTO(label, id),
    MN_FIELD_CHAR(label, name, .max_length = 20),
    MN_FIELD_END,
};
static mn_model label_model = MN_MODEL(label, "lab", "Label", label_fields);
typedef struct shelf {
    mn_obj mn;
    int64_t id;
    mn_str name;
} shelf;
static const mn_field shelf_fields[] = {
    MN_FIELD_BIGAUTO(shelf, id),
    MN_FIELD_CHAR(shelf, name, .max_length = 20),
    MN_FIELD_END,
};
static mn_model placement_model;
static const mn_m2m shelf_m2m[] = {
    MN_M2M("labels", label_model, .through = &placement_model, .through_fields = { "shelf", "label" },
           .related_name = "shelves"),
    MN_M2M_END,
};
static mn_model shelf_model = MN_MODEL(shelf, "lab", "Shelf", shelf_fields, .many_to_many = shelf_m2m);
typedef struct placement {
    mn_obj mn;
    int64_t id;
    int64_t shelf;
    int64_t label;
    int32_t position;
} placement;
static const mn_field placement_fields[] = {
    MN_FIELD_BIGAUTO(placement, id),
    MN_FIELD_FOREIGNKEY(placement, shelf, shelf_model),
    MN_FIELD_FOREIGNKEY(placement, label, label_model),
    MN_FIELD_INT(placement, position, .default_value = "1"),
    MN_FIELD_END,
};
static mn_model placement_model = MN_MODEL(placement, "lab", "Placement", placement_fields);

Test(related, custom_through_model)
{
    mn_err err = { 0 };
    mn_model *ms[] = { &label_model, &shelf_model, &placement_model, NULL };
    for (size_t i = 0; ms[i]; i++)
        cr_assert_eq(mn_model_create_table(ms[i], DB, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_m2m_through(&shelf_model, "labels"), &placement_model);
    shelf *s = mn_model_create(&shelf_model, A, &err, "name", mn_value_cstr("top"), NULL);
    label *l1 = mn_model_create(&label_model, A, &err, "name", mn_value_cstr("red"), NULL);
    label *l2 = mn_model_create(&label_model, A, &err, "name", mn_value_cstr("blue"), NULL);
    void *ls[] = { l1, l2 };
    cr_assert_eq(mn_rel_add(s, &shelf_model, "labels", ls, 2, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_rel_all(s, &shelf_model, "labels", A), &err), 2);
    cr_assert_eq(mn_qs_count(mn_rel_all(l1, &label_model, "shelves", A), &err), 1);
    /* the through rows got their default */
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&placement_model, A), "position", mn_value_int(1)), &err), 2);
    /* lookups through it, both ways, and its own reverse name */
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&shelf_model, A), "labels__name", mn_value_cstr("blue")), &err),
                 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&label_model, A), "placement__position", mn_value_int(1)), &err),
                 2);
    /* deleting a label cascades to its placements */
    mn_map *counts;
    cr_assert_eq(mn_obj_delete_counts(l1, &label_model, NULL, A, &counts, &err), 2, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(counts, "lab.Placement").u.i, 1);
    cr_assert_eq(mn_qs_count(mn_rel_all(s, &shelf_model, "labels", A), &err), 1);
    const char *drops[] = { "DROP TABLE lab_placement", "DROP TABLE lab_shelf", "DROP TABLE lab_label", NULL };
    for (size_t i = 0; drops[i]; i++)
        mn_db_execute(DB, drops[i], NULL, 0, NULL, &err);
}

Test(related, bad_input_is_refused_clearly)
{
    mn_err err = { 0 };
    category *c = mk_category("c");
    product *p = mk_product("p", "1", c);
    /* a forward accessor is not a manager and vice versa */
    cr_assert_eq(mn_qs_eval(mn_rel_all(p, &product_model, "category", A), &err), MN_EINVAL);
    cr_assert_eq(mn_rel_set(c, &category_model, "products", p, &err), MN_EINVAL);
    /* the wrong model, an unsaved target */
    cr_assert_eq(mn_rel_set(p, &product_model, "category", mk_tag("t"), &err), MN_EINVAL);
    category *unsaved = mn_model_new(&category_model, A, &err);
    cr_assert_eq(mn_rel_set(p, &product_model, "category", unsaved, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "unsaved related object 'category'"), "%s", err.msg);
    void *wrong[] = { c };
    cr_assert_eq(mn_rel_add(c, &category_model, "products", wrong, 1, &err), MN_ETYPE);
    cr_assert_null(mn_rel_get(NULL, &product_model, "category", A, &err));
    /* a path through a plain field */
    cr_assert_eq(mn_qs_eval(mn_qs_order_by(mn_qs_all(&product_model, A), "name__category", NULL), &err), MN_EINVAL);
    /* F() over a multi-valued path has no single value */
    cr_assert_eq(mn_qs_eval(mn_qs_filter(mn_qs_all(&category_model, A), "name", mn_f(A, "products__name")), &err),
                 MN_EINVAL);
    cr_assert(strstr(err.msg, "multi-valued"), "%s", err.msg);
    /* aggregate filters must stay on the relation */
    mn_value bad = mn_agg_filter(mn_count(A, "products"), mn_q(A, "name", mn_value_cstr("x")));
    cr_assert_eq(mn_qs_eval(mn_qs_annotate(mn_qs_all(&category_model, A), "n", bad, NULL), &err), MN_EINVAL);
    /* SQL injection through a related lookup stays a parameter */
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, A), "category__name",
                                          mn_value_cstr("x'); DROP TABLE shop_product; --")),
                             &err),
                 0);
    cr_assert_eq(mn_qs_count(mn_qs_all(&product_model, A), &err), 1);
}

Test(related, select_related_reverse_one_to_one_and_without_names)
{
    mn_err err = { 0 };
    user *john = mn_model_create(&user_model, A, &err, "username", mn_value_cstr("john"), NULL);
    mn_model_create(&user_model, A, &err, "username", mn_value_cstr("ann"), NULL);
    cr_assert_not_null(mn_model_create(&userprofile_model, A, &err, "user", mn_value_int(john->id), "bio",
                                       mn_value_cstr("Hi"), NULL));
    mn_qs *qs = mn_qs_order_by(mn_qs_select_related(mn_qs_all(&user_model, A), "profile", NULL), "username", NULL);
    int64_t before = queries();
    cr_assert_eq(mn_qs_len(qs), 2, "%s", mn_qs_error(qs)->msg);
    user *ann = mn_qs_at(qs, 0), *j = mn_qs_at(qs, 1);
    cr_assert_null(mn_rel_get(ann, &user_model, "profile", A, &err));
    cr_assert_eq(err.code, MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "User has no profile.");
    cr_assert_str_eq(mn_str_dup(A, MN_REL(userprofile, j, &user_model, "profile", A, &err)->bio), "Hi");
    cr_assert_eq(queries() - before, 1);
    /* select_related() follows non-null keys: review -> product, not product -> category (nullable) */
    category *c = mk_category("c");
    product *p = mk_product("p", "1", c);
    cr_assert_not_null(mn_model_create(&review_model, A, &err, "product", mn_value_int(p->id), NULL));
    mn_qs *rq = mn_qs_select_related(mn_qs_all(&review_model, A), NULL);
    const char *sql = mn_qs_sql(rq, NULL, &err);
    cr_assert(strstr(sql, "INNER JOIN \"shop_product\""), "%s", sql);
    cr_assert_null(strstr(sql, "shop_category"), "%s", sql);
    before = queries();
    cr_assert_not_null(MN_REL(product, mn_qs_at(rq, 0), &review_model, "product", A, &err));
    cr_assert_eq(queries() - before, 1);
    /* the choices name forward keys and reverse one-to-ones */
    cr_assert_eq(mn_qs_eval(mn_qs_select_related(mn_qs_all(&user_model, A), "profil", NULL), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Invalid field name(s) given in select_related: 'profil'. Choices are: profile");
}

Test(related, queryset_delete_filtered_across_a_relation)
{
    mn_err err = { 0 };
    category *c = mk_category("c");
    mk_product("p", "1", c);
    /* the filter is a semi-join; the collector cascades to the product */
    cr_assert_eq(mn_qs_delete(mn_qs_filter(mn_qs_all(&category_model, A), "products__name", mn_value_cstr("p")), NULL,
                              &err),
                 2, "%s", err.msg);
}

Test(related, many_to_many_create_from_the_reverse_side_and_nested_prefetch)
{
    mn_err err = { 0 };
    category *c = mk_category("c");
    tag *t = mk_tag("new");
    /* tag.products.create(...) */
    product *p = mn_rel_create(t, &tag_model, "products", A, &err, "name", mn_value_cstr("made"), "category",
                               mn_value_int(c->id), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert_str_eq(names(mn_rel_all(p, &product_model, "tags", A)), "new");
    mk_product("other", "1", c);
    /* categories -> products -> tags: one query per level */
    int64_t before = queries();
    mn_qs *qs = mn_qs_prefetch_related(mn_qs_all(&category_model, A), "products__tags", NULL);
    cr_assert_eq(mn_qs_len(qs), 1, "%s", mn_qs_error(qs)->msg);
    mn_qs *cached = mn_rel_all(mn_qs_at(qs, 0), &category_model, "products", A);
    size_t total = 0;
    for (size_t i = 0; i < mn_qs_len(cached); i++)
        total += mn_qs_len(mn_rel_all(mn_qs_at(cached, i), &product_model, "tags", A));
    cr_assert_eq(total, 1);
    cr_assert_eq(queries() - before, 3, "categories, products, tags");
    /* Prefetch of a forward key with a custom queryset */
    mn_qs *pq = mn_qs_prefetch(mn_qs_all(&product_model, A), "category",
                               mn_qs_filter(mn_qs_all(&category_model, A), "name", mn_value_cstr("nope")), NULL);
    cr_assert_eq(mn_qs_len(pq), 2);
    before = queries();
    err = (mn_err){ 0 };
    cr_assert_null(mn_rel_get(mn_qs_at(pq, 0), &product_model, "category", A, &err), "filtered out: None");
    cr_assert_eq(err.code, 0);
    cr_assert_eq(queries(), before);
}

Test(related, related_query_name_names_lookups_related_name_the_accessor)
{
    mn_err err = { 0 };
    owner *o = mn_model_create(&owner_model, A, &err, "name", mn_value_cstr("ann"), NULL);
    cr_assert_not_null(o, "%s", err.msg);
    cr_assert_not_null(mn_model_create(&box_model, A, &err, "owner", mn_value_int(o->id), NULL), "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_rel_all(o, &owner_model, "boxes", A), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&owner_model, A), "box__isnull", mn_value_bool(false)), &err), 1);
    cr_assert_eq(mn_qs_eval(mn_qs_filter(mn_qs_all(&owner_model, A), "boxes__isnull", mn_value_bool(false)), &err),
                 MN_EINVAL);
    cr_assert(strstr(err.msg, "Choices are: box, id, name, t_cascade"), "%s", err.msg);
    /* Count over the query name */
    mn_qs *qs = mn_qs_annotate(mn_qs_all(&owner_model, A), "n", mn_count(A, "box"), NULL);
    cr_assert_eq(mn_obj_annotation(mn_qs_at(qs, 0), &owner_model, "n").u.i, 1);
}

/* Lazy loads are named for the N+1 detector: the finding says which
 * relation to select_related / prefetch_related. */
Test(related, lazy_loads_are_named_for_nplus1_detection)
{
    mn_err err = { 0 };
    category *c = mk_category("Garden");
    for (int i = 0; i < 6; i++) {
        char name[16];
        snprintf(name, sizeof name, "Rake %d", i);
        mk_product(name, "10", c);
    }
    mn_nplus1_tracker *t = mn_nplus1_start(A, 5);
    cr_assert_not_null(t);
    mn_qs *qs = mn_qs_all(&product_model, A);
    for (size_t i = 0; i < mn_qs_len(qs); i++) {
        cr_assert_not_null(MN_REL(category, mn_qs_at(qs, i), &product_model, "category", A, &err), "%s", err.msg);
        cr_assert_eq(mn_qs_len(mn_rel_all(mn_qs_at(qs, i), &product_model, "reviews", A)), 0);
    }
    mn_nplus1_stop(t);
    const mn_nplus1_finding *f;
    size_t n = mn_nplus1_findings(t, &f);
    cr_assert_eq(n, 2);
    bool seen_fk = false, seen_rev = false;
    for (size_t i = 0; i < n; i++) {
        cr_assert_not_null(f[i].relation, "%s", f[i].sql);
        if (!strcmp(f[i].relation, "product.category") && !f[i].many)
            seen_fk = true;
        if (!strcmp(f[i].relation, "product.reviews") && f[i].many)
            seen_rev = true;
    }
    cr_assert(seen_fk && seen_rev);
    const char *msg = mn_nplus1_message(t);
    cr_assert(strstr(msg, "product.category") && strstr(msg, "select_related(\"category\")"), "%s", msg);
    cr_assert(strstr(msg, "product.reviews") && strstr(msg, "prefetch_related(\"reviews\")"), "%s", msg);
}

/* An aggregate of an expression over two levels of related rows: each
 * review's rating times its product's price, summed per category. */
Test(related, aggregate_of_an_expression_across_two_levels)
{
    mn_err err = { 0 };
    category *c = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Desks"), NULL);
    cr_assert_not_null(c, "%s", err.msg);
    product *p1 = mn_model_create(&product_model, A, &err, "name", mn_value_cstr("Oak"), "price",
                                  mn_value_cstr("10.50"), "category", mn_value_int(c->id), NULL);
    product *p2 = mn_model_create(&product_model, A, &err, "name", mn_value_cstr("Pine"), "price", mn_value_cstr("2.00"),
                                  "category", mn_value_int(c->id), NULL);
    cr_assert(p1 && p2, "%s", err.msg);
    int ratings[][2] = { { 0, 4 }, { 0, 2 }, { 1, 5 } };
    for (size_t i = 0; i < 3; i++)
        cr_assert_not_null(mn_model_create(&review_model, A, &err, "product", mn_value_int(ratings[i][0] ? p2->id : p1->id),
                                           "rating", mn_value_int(ratings[i][1]), NULL),
                           "%s", err.msg);
    mn_qs *qs = mn_qs_annotate(mn_qs_filter(mn_qs_all(&category_model, A), "pk", mn_value_int(c->id)), "score",
                               mn_agg_of(A, MN_AGG_SUM, mn_expr_mul(A, mn_f(A, "products__price"),
                                                                    mn_f(A, "products__reviews__rating"))),
                               NULL);
    cr_assert_eq(mn_qs_len(qs), 1, "%s", mn_qs_error(qs)->msg);
    mn_value v = mn_obj_annotation(mn_qs_at(qs, 0), &category_model, "score");
    cr_assert_eq(v.type, MN_VALUE_DECIMAL);
    /* 10.50 * 4 + 10.50 * 2 + 2.00 * 5 */
    cr_assert_eq(mn_decimal_cmp(v.u.d, mn_decimal_make(73, 0)), 0);
    mn_map *r = mn_qs_aggregate(mn_qs_all(&category_model, A), &err, "best",
                                mn_agg_of(A, MN_AGG_MAX, mn_expr_mul(A, mn_f(A, "products__price"),
                                                                     mn_f(A, "products__reviews__rating"))),
                                NULL);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(mn_decimal_cmp(mn_map_get_cstr(r, "best").u.d, mn_decimal_make(42, 0)), 0);
}

/* F("products__price") inside filter(products__reviews__...) names the
 * products row of the same semi-join, as Django's shared join does. */
Test(related, f_of_an_outer_step_of_the_same_relation)
{
    mn_err err = { 0 };
    category *c1 = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Cheap"), NULL);
    category *c2 = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Dear"), NULL);
    cr_assert(c1 && c2, "%s", err.msg);
    product *p1 = mn_model_create(&product_model, A, &err, "name", mn_value_cstr("A"), "price", mn_value_cstr("2"),
                                  "category", mn_value_int(c1->id), NULL);
    product *p2 = mn_model_create(&product_model, A, &err, "name", mn_value_cstr("B"), "price", mn_value_cstr("9"),
                                  "category", mn_value_int(c2->id), NULL);
    product *p3 = mn_model_create(&product_model, A, &err, "name", mn_value_cstr("C"), "price", mn_value_cstr("1"),
                                  "category", mn_value_int(c2->id), NULL);
    cr_assert(p1 && p2 && p3, "%s", err.msg);
    /* a rating of 5 on A (price 2) and on B (price 9); C (price 1) has none */
    cr_assert_not_null(mn_model_create(&review_model, A, &err, "product", mn_value_int(p1->id), "rating",
                                       mn_value_int(5), NULL));
    cr_assert_not_null(mn_model_create(&review_model, A, &err, "product", mn_value_int(p2->id), "rating",
                                       mn_value_int(5), NULL));
    mn_qs *qs = mn_qs_filter(mn_qs_all(&category_model, A), "products__reviews__rating__gt", mn_f(A, "products__price"));
    cr_assert_str_eq(names(qs), "Cheap", "Dear's only review is on B, dearer than 5");
}
