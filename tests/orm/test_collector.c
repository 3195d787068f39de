/* The deletion collector: every on_delete, counts per model, signals. */
#include "relshop.h"

TestSuite(collector, .init = rel_setup, .fini = rel_teardown);

static owner *mk_owner(const char *name)
{
    mn_err err = { 0 };
    owner *o = mn_model_create(&owner_model, A, &err, "name", mn_value_cstr(name), NULL);
    cr_assert_not_null(o, "%s", err.msg);
    return o;
}

static thing *mk_thing(const char *name, const char *field, owner *o)
{
    mn_err err = { 0 };
    /* setdefault's default (owner 1) may be gone: no key unless tested */
    thing *t = mn_model_create(&thing_model, A, &err, "name", mn_value_cstr(name), "setdefault", mn_value_null(), field,
                               mn_value_int(o->id), NULL);
    cr_assert_not_null(t, "%s", err.msg);
    return t;
}

static int64_t count(mn_model *m) { return mn_qs_count(mn_qs_all(m, A), NULL); }

Test(collector, cascade_follows_relations_recursively_with_counts)
{
    mn_err err = { 0 };
    category *c = mk_category("Lighting");
    product *p1 = mk_product("Lamp", "10", c), *p2 = mk_product("Bulb", "2", c);
    mk_product("Chair", "50", NULL);
    for (int i = 0; i < 3; i++)
        cr_assert_not_null(mn_model_create(&review_model, A, &err, "product", mn_value_int(i ? p1->id : p2->id),
                                           "rating", mn_value_int(4), NULL));
    tag *t = mk_tag("new");
    void *tags[] = { t };
    cr_assert_eq(mn_rel_add(p1, &product_model, "tags", tags, 1, &err), MN_OK, "%s", err.msg);
    mn_map *counts = NULL;
    int64_t n = mn_obj_delete_counts(c, &category_model, NULL, A, &counts, &err);
    cr_assert_eq(n, 7, "%lld %s", (long long)n, err.msg); /* 1 category, 2 products, 3 reviews, 1 through row */
    cr_assert_eq(mn_map_get_cstr(counts, "shop.Category").u.i, 1);
    cr_assert_eq(mn_map_get_cstr(counts, "shop.Product").u.i, 2);
    cr_assert_eq(mn_map_get_cstr(counts, "shop.Review").u.i, 3);
    cr_assert_eq(mn_map_get_cstr(counts, "shop.Product_tags").u.i, 1);
    cr_assert_eq(count(&product_model), 1);
    cr_assert_eq(count(&review_model), 0);
    cr_assert_eq(count(&tag_model), 1, "tags survive: the through row goes");
    cr_assert_eq(c->id, 0, "the primary key is reset as Django sets it to None");
}

Test(collector, queryset_delete_cascades_and_counts)
{
    mn_err err = { 0 };
    category *a = mk_category("A"), *b = mk_category("B");
    mk_product("x", "1", a);
    mk_product("y", "1", b);
    mk_product("z", "1", b);
    mn_map *counts = NULL;
    int64_t n = mn_qs_delete(mn_qs_all(&category_model, A), &counts, &err);
    cr_assert_eq(n, 5, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(counts, "shop.Product").u.i, 3);
    cr_assert_eq(mn_map_get_cstr(counts, "shop.Category").u.i, 2);
}

static int pre_n, post_n;
static int on_pre(const mn_signal_call *call, mn_value *resp, mn_err *err)
{
    (void)call, (void)resp, (void)err;
    pre_n++;
    return MN_OK;
}
static int on_post(const mn_signal_call *call, mn_value *resp, mn_err *err)
{
    (void)resp, (void)err;
    cr_assert_not_null(mn_obj_from_value(mn_signal_arg(call, "instance")));
    post_n++;
    return MN_OK;
}

Test(collector, signals_for_every_cascaded_object)
{
    mn_err err = { 0 };
    mn_signal_connect(&mn_pre_delete, on_pre, NULL);
    mn_signal_connect(&mn_post_delete, on_post, &(mn_receiver_opts){ .sender = &product_model });
    category *c = mk_category("Lighting");
    mk_product("Lamp", "10", c);
    mk_product("Bulb", "2", c);
    pre_n = post_n = 0;
    cr_assert_eq(mn_obj_delete(c, &category_model, NULL, &err), 3, "%s", err.msg);
    cr_assert_eq(pre_n, 3);
    cr_assert_eq(post_n, 2, "post_delete for each product");
}

Test(collector, protect_names_the_protected_objects_and_deletes_nothing)
{
    mn_err err = { 0 };
    owner *o = mk_owner("ann");
    mk_thing("lamp", "protect", o);
    mk_thing("desk", "cascade", o);
    cr_assert_eq(mn_obj_delete(o, &owner_model, NULL, &err), MN_EPERM);
    cr_assert(strstr(err.msg, "Cannot delete some instances of model 'Owner' because they are referenced through "
                              "protected foreign keys: 'Thing.protect'."),
              "%s", err.msg);
    cr_assert(strstr(err.msg, "<Thing: lamp>"), "%s", err.msg);
    cr_assert_eq(count(&owner_model), 1);
    cr_assert_eq(count(&thing_model), 2, "the cascade was rolled back");
    cr_assert_neq(o->id, 0);
}

Test(collector, restrict_refuses_unless_the_same_delete_cascades_there)
{
    mn_err err = { 0 };
    owner *o = mk_owner("ann");
    mn_err e2 = { 0 };
    box *b = mn_model_create(&box_model, A, &e2, "owner", mn_value_int(o->id), NULL);
    cr_assert_not_null(b, "%s", e2.msg);
    /* the thing is restricted by its box, and cascaded from the owner */
    thing *t = mk_thing("vase", "cascade", o);
    t->box = b->id;
    mn_obj_set_null(t, &thing_model, "box", false);
    cr_assert_eq(mn_obj_save(t, &thing_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    /* deleting the box alone: refused */
    cr_assert_eq(mn_obj_delete(b, &box_model, NULL, &err), MN_EPERM);
    cr_assert(strstr(err.msg, "Cannot delete some instances of model 'Box' because they are referenced through "
                              "restricted foreign keys: 'Thing.box'."),
              "%s", err.msg);
    /* deleting the owner cascades to box and thing: allowed */
    err = (mn_err){ 0 };
    cr_assert_eq(mn_obj_delete(o, &owner_model, NULL, &err), 3, "%s", err.msg);
    cr_assert_eq(count(&thing_model), 0);
    /* a thing restricted to an owner directly */
    owner *o2 = mk_owner("bob");
    mk_thing("cup", "restricted", o2);
    int64_t r2 = mn_obj_delete(o2, &owner_model, NULL, &err);
    cr_assert_eq(r2, MN_EPERM, "%lld %s", (long long)r2, err.msg);
    cr_assert(strstr(err.msg, "'Thing.restricted'"), "%s", err.msg);
}

Test(collector, set_null_set_default_and_set)
{
    mn_err err = { 0 };
    owner *fallback = mk_owner("fallback"); /* id 1: SET_DEFAULT's default */
    cr_assert_eq(fallback->id, 1);
    owner *sent = mk_owner("sentinel");
    SENTINEL_ID = sent->id;
    owner *o = mk_owner("ann");
    thing *a = mk_thing("a", "setnull", o);
    thing *b = mk_thing("b", "setdefault", o);
    thing *c = mk_thing("c", "set", o);
    thing *d = mk_thing("d", "setnone", o);
    mn_map *counts = NULL;
    cr_assert_eq(mn_obj_delete_counts(o, &owner_model, NULL, A, &counts, &err), 1, "%s", err.msg);
    cr_assert_eq(mn_map_len(counts), 1);
    cr_assert_eq(mn_obj_refresh(a, &thing_model, NULL, A, &err), MN_OK);
    cr_assert(mn_obj_is_null(a, &thing_model, "setnull"));
    cr_assert_eq(mn_obj_refresh(b, &thing_model, NULL, A, &err), MN_OK);
    cr_assert_eq(b->setdefault, 1);
    cr_assert_eq(mn_obj_refresh(c, &thing_model, NULL, A, &err), MN_OK);
    cr_assert_eq(c->set, SENTINEL_ID);
    cr_assert_eq(mn_obj_refresh(d, &thing_model, NULL, A, &err), MN_OK);
    cr_assert(mn_obj_is_null(d, &thing_model, "setnone"), "SET(None)");
    cr_assert_eq(count(&thing_model), 4);
}

Test(collector, do_nothing_leaves_it_to_the_database)
{
    mn_err err = { 0 };
    owner *o = mk_owner("ann");
    mk_thing("a", "nothing", o);
    /* the deferred foreign key refuses at commit, as with Django */
    cr_assert_lt(mn_obj_delete(o, &owner_model, NULL, &err), 0);
    cr_assert_eq(count(&owner_model), 1);
}

Test(collector, one_to_one_cascades)
{
    mn_err err = { 0 };
    user *u = mn_model_create(&user_model, A, &err, "username", mn_value_cstr("john"), NULL);
    cr_assert_not_null(u);
    cr_assert_not_null(mn_model_create(&userprofile_model, A, &err, "user", mn_value_int(u->id), NULL));
    mn_map *counts;
    cr_assert_eq(mn_qs_delete(mn_qs_all(&user_model, A), &counts, &err), 2, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(counts, "accounts.UserProfile").u.i, 1);
}

Test(collector, large_cascades_run_in_batches)
{
    mn_err err = { 0 };
    category *c = mk_category("big");
    enum { N = 1234 };
    void **objs = mn_arena_alloc(A, N * sizeof *objs);
    for (size_t i = 0; i < N; i++) {
        product *p = mn_model_new(&product_model, A, &err);
        p->name = MN_STR("p");
        p->category = c->id;
        mn_obj_set_null(p, &product_model, "category", false);
        objs[i] = p;
    }
    cr_assert_eq(mn_model_bulk_create(&product_model, objs, N, 0, NULL, &err), MN_OK, "%s", err.msg);
    mn_map *counts;
    cr_assert_eq(mn_qs_delete(mn_qs_all(&category_model, A), &counts, &err), N + 1, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(counts, "shop.Product").u.i, N);
    cr_assert_eq(count(&product_model), 0);
}
