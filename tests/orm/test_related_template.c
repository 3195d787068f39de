/* Relations read from templates (src/orm/related.c, mn__rel_attr through
 * the instance type): product.category, product.category_id, user.profile,
 * product.tags.all, category.products.count, select_related and
 * prefetch_related saving the queries, and Django's silent failures. */
#include "relshop.h"

static mn_template_engine *E;

static void setup(void)
{
    rel_setup();
    E = mn_template_engine_new(&(mn_template_options){ .string_if_invalid = "INVALID" });
    cr_assert_not_null(E);
}

static void teardown(void)
{
    mn_template_engine_free(E);
    rel_teardown();
}

TestSuite(related_template, .init = setup, .fini = teardown);

/* Renders src with one variable; the output, or "ERR:<message>". */
static const char *render(const char *src, const char *var, mn_value v)
{
    mn_err err = { 0 };
    mn_template *t = mn_template_engine_from_string(E, mn_str_from(src), "t", &err);
    cr_assert_not_null(t, "%s", err.msg);
    mn_map *vars = mn_map_new(A, 4);
    mn_map_set_cstr(vars, var, v);
    mn_template_context *ctx = mn_template_context_new(E, A, vars);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    if (mn_template_render(t, ctx, &b, &err) != MN_OK)
        return mn_str_dup(A, mn_str_from(err.msg));
    return mn_buf_cstr(&b);
}

static product *reload(product *p)
{
    mn_err err = { 0 };
    product *q = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), &err);
    cr_assert_not_null(q, "%s", err.msg);
    return q;
}

Test(related_template, forward_key_gives_the_object)
{
    mn_err err = { 0 };
    category *c = mk_category("Books");
    product *p = reload(mk_product("Dune", "9.50", c));
    mn_value v = mn_obj_value(p, &product_model);
    int64_t before = queries();
    cr_assert_str_eq(render("{{ p.category.name }}|{{ p.category }}|{{ p.category.name }}", "p", v),
                     "Books|Category object (1)|Books");
    cr_assert_eq(queries() - before, 1, "one lazy load, then the cache");
    char want[32];
    snprintf(want, sizeof want, "%lld", (long long)c->id);
    cr_assert_str_eq(render("{{ p.category_id }}", "p", v), want);
    /* str() through the model's hook */
    review *r = mn_model_create(&review_model, A, &err, "product", mn_value_int(p->id), "rating", mn_value_int(5),
                                NULL);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_str_eq(render("{{ r.product }} {{ r.product.category.name }} {{ r.rating }}", "r",
                            mn_obj_value(r, &review_model)),
                     "Dune Books 5");
}

Test(related_template, null_key_is_none_and_missing_is_invalid)
{
    product *p = reload(mk_product("Loose", "1", NULL));
    mn_value v = mn_obj_value(p, &product_model);
    cr_assert_str_eq(render("{{ p.category }}|{{ p.category.name }}|{{ p.category_id }}|"
                            "{% if p.category %}y{% else %}n{% endif %}",
                            "p", v),
                     "None|INVALID|None|n");
    /* a dangling key: Django's silent ObjectDoesNotExist */
    mn_err err = { 0 };
    category *c = mk_category("Gone");
    product *q = reload(mk_product("Orphan", "1", c));
    if (mn_db_engine_of(DB) == MN_DB_POSTGRES)
        return; /* PostgreSQL's constraint forbids the dangling key */
    cr_assert_eq(mn_db_execute(DB, "PRAGMA foreign_keys = OFF", NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM shop_category WHERE id = %lld", (long long)c->id);
    cr_assert_eq(mn_db_execute(DB, sql, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(render("[{{ p.category.name }}]", "p", mn_obj_value(q, &product_model)), "[INVALID]");
}

Test(related_template, reverse_one_to_one)
{
    mn_err err = { 0 };
    user *u = mn_model_create(&user_model, A, &err, "username", mn_value_cstr("ann"), NULL);
    user *w = mn_model_create(&user_model, A, &err, "username", mn_value_cstr("bob"), NULL);
    cr_assert_not_null(w, "%s", err.msg);
    cr_assert_not_null(mn_model_create(&userprofile_model, A, &err, "user", mn_value_int(u->id), "bio",
                                       mn_value_cstr("hi"), NULL),
                       "%s", err.msg);
    cr_assert_str_eq(render("{{ u.profile.bio }} {{ u.profile.user.username }}", "u", mn_obj_value(u, &user_model)),
                     "hi ann");
    /* User has no profile: silent */
    cr_assert_str_eq(render("[{{ u.profile.bio }}][{{ u.profile }}]{% if not u.profile %}none{% endif %}", "u",
                            mn_obj_value(w, &user_model)),
                     "[INVALID][INVALID]none");
}

Test(related_template, managers)
{
    mn_err err = { 0 };
    category *c = mk_category("Toys");
    product *a = mk_product("Ball", "2", c), *b = mk_product("Kite", "5", c);
    tag *t1 = mk_tag("red"), *t2 = mk_tag("blue");
    void *tags[] = { t1, t2 };
    cr_assert_eq(mn_rel_add(a, &product_model, "tags", tags, 2, &err), MN_OK, "%s", err.msg);
    mn_model_create(&review_model, A, &err, "product", mn_value_int(a->id), "rating", mn_value_int(4), NULL);
    mn_model_create(&review_model, A, &err, "product", mn_value_int(a->id), "rating", mn_value_int(2), NULL);
    mn_value pa = mn_obj_value(a, &product_model);
    cr_assert_str_eq(render("{% for t in p.tags.all %}{{ t.name }},{% endfor %}", "p", pa), "blue,red,");
    cr_assert_str_eq(render("{{ p.reviews.all|length }} {{ p.reviews.count }} {{ p.tags.exists }} "
                            "{{ p.tags.first.name }} {{ p.tags.last.name }} {{ p.tags.all.count }}",
                            "p", pa),
                     "2 2 True blue red 2");
    cr_assert_str_eq(render("{{ p.tags }}|{{ p.tags.nothing }}", "p", pa), "shop.Tag.None|INVALID");
    mn_value pb = mn_obj_value(b, &product_model);
    cr_assert_str_eq(render("{{ p.tags.count }} {{ p.tags.exists }} [{{ p.tags.first }}]"
                            "{% for t in p.tags.all %}x{% empty %}empty{% endfor %}",
                            "p", pb),
                     "0 False [None]empty");
    cr_assert_str_eq(render("{{ c.products.count }}: {% for p in c.products.all %}{{ p }} {% endfor %}", "c",
                            mn_obj_value(c, &category_model)),
                     "2: Ball Kite ");
    /* a reverse relation of the tag side */
    cr_assert_str_eq(render("{% for p in t.products.all %}{{ p.name }}{% endfor %}", "t",
                            mn_obj_value(t1, &tag_model)),
                     "Ball");
    /* the instance's own fields still win, unknown names stay invalid */
    cr_assert_str_eq(render("{{ p.name }} {{ p.nope }}", "p", pa), "Ball INVALID");
}

Test(related_template, select_and_prefetch_related_save_queries)
{
    mn_err err = { 0 };
    category *c1 = mk_category("A"), *c2 = mk_category("B");
    product *p1 = mk_product("p1", "1", c1), *p2 = mk_product("p2", "1", c2);
    mk_product("p3", "1", c1);
    tag *t = mk_tag("x");
    void *tags[] = { t };
    cr_assert_eq(mn_rel_add(p1, &product_model, "tags", tags, 1, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_rel_add(p2, &product_model, "tags", tags, 1, &err), MN_OK, "%s", err.msg);
    const char *src = "{% for p in ps %}{{ p.name }}:{{ p.category.name }}:"
                      "{% for t in p.tags.all %}{{ t.name }}{% endfor %};{% endfor %}";
    const char *want = "p1:A:x;p2:B:x;p3:A:;";

    /* lazily: 1 + 3 categories + 3 tag lists (the N+1 pattern) */
    mn_value v;
    mn_qs *lazy = mn_qs_order_by(mn_qs_all(&product_model, A), "name", NULL);
    cr_assert_eq(mn_qs_to_value(lazy, &v, &err), MN_OK);
    int64_t before = queries();
    cr_assert_str_eq(render(src, "ps", v), want);
    cr_assert_eq(queries() - before, 7);

    /* select_related: the categories come with the products */
    mn_qs *sel = mn_qs_order_by(mn_qs_select_related(mn_qs_all(&product_model, A), "category", NULL), "name", NULL);
    cr_assert_eq(mn_qs_to_value(sel, &v, &err), MN_OK);
    before = queries();
    cr_assert_str_eq(render(src, "ps", v), want);
    cr_assert_eq(queries() - before, 4);

    /* and prefetch_related: one more query for every tag */
    mn_qs *both = mn_qs_prefetch_related(sel, "tags", NULL);
    cr_assert_eq(mn_qs_to_value(both, &v, &err), MN_OK);
    before = queries();
    cr_assert_str_eq(render(src, "ps", v), want);
    int64_t n = queries() - before;
    cr_assert(n >= 2 && n <= 3, "select + prefetch: %lld queries", (long long)n);
}

Test(related_template, queryset_methods)
{
    mk_category("z");
    mk_category("a");
    mn_value v;
    mn_err err = { 0 };
    cr_assert_eq(mn_qs_to_value(mn_qs_all(&category_model, A), &v, &err), MN_OK);
    cr_assert_str_eq(render("{{ q.count }} {{ q.exists }} {{ q.first.name }} {{ q.last.name }} {{ q.all|length }} "
                            "{{ q.0.name }} [{{ q.bogus }}]",
                            "q", v),
                     "2 True a z 2 a [INVALID]");
}

Test(related_template, nplus1_detector_names_the_template_loads)
{
    mn_err err = { 0 };
    category *c = mk_category("C");
    for (int i = 0; i < 4; i++)
        mk_product(i % 2 ? "odd" : "even", "1", c);
    mn_value v;
    cr_assert_eq(mn_qs_to_value(mn_qs_all(&product_model, A), &v, &err), MN_OK);
    mn_nplus1_tracker *t = mn_nplus1_start(A, 3);
    cr_assert_not_null(t);
    cr_assert_str_eq(render("{% for p in ps %}{{ p.category.name }}{{ p.tags.count }}{% endfor %}", "ps", v),
                     "C0C0C0C0");
    mn_nplus1_stop(t);
    const mn_nplus1_finding *f;
    size_t n = mn_nplus1_findings(t, &f);
    cr_assert_eq(n, 2, "%s", mn_nplus1_message(t));
    bool seen_category = false, seen_tags = false;
    for (size_t i = 0; i < n; i++) {
        cr_assert_not_null(f[i].relation, "%s", f[i].sql);
        cr_assert_eq(f[i].count, 4);
        if (!strcmp(f[i].relation, "product.category"))
            seen_category = !f[i].many;
        if (!strcmp(f[i].relation, "product.tags"))
            seen_tags = f[i].many;
    }
    cr_assert(seen_category && seen_tags, "%s", mn_nplus1_message(t));

    /* with select_related and prefetch_related: nothing to report */
    mn_qs *qs = mn_qs_prefetch_related(mn_qs_select_related(mn_qs_all(&product_model, A), "category", NULL), "tags",
                                       NULL);
    cr_assert_eq(mn_qs_to_value(qs, &v, &err), MN_OK);
    t = mn_nplus1_start(A, 3);
    cr_assert_str_eq(render("{% for p in ps %}{{ p.category.name }}{{ p.tags.count }}{% endfor %}", "ps", v),
                     "C0C0C0C0");
    mn_nplus1_stop(t);
    cr_assert_eq(mn_nplus1_findings(t, &f), 0, "%s", mn_nplus1_message(t));
}

/* One compiled variable looked up on instances of several models in turn:
 * the per-variable cache of the field's index (get_attr_slot) must follow
 * the model, leave relations and unknown names to the full lookup, and
 * still load deferred fields. */
Test(related_template, one_variable_across_models)
{
    mn_err err = { 0 };
    category *c = mk_category("Books");
    product *p = reload(mk_product("Dune", "9.50", c));
    review *r = mn_model_create(&review_model, A, &err, "product", mn_value_int(p->id), "rating", mn_value_int(5),
                                NULL);
    cr_assert_not_null(r, "%s", err.msg);
    product *lazy = mn_qs_get(mn_qs_only(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)),
                                         "id", "category", NULL),
                              &err);
    cr_assert_not_null(lazy, "%s", err.msg);
    cr_assert(mn_obj_is_deferred(lazy, &product_model, "name"));
    mn_list *items = mn_list_new(A, 0);
    mn_value seq[] = { mn_obj_value(p, &product_model), mn_obj_value(c, &category_model),
                       mn_obj_value(lazy, &product_model), mn_obj_value(r, &review_model),
                       mn_obj_value(c, &category_model), mn_obj_value(p, &product_model) };
    for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++)
        cr_assert_eq(mn_list_push(items, seq[i]), MN_OK);
    char want[1024];
    char pw[96], cw[96], rw[96];
    snprintf(pw, sizeof pw, "Dune/%lld/%lld/Category object (%lld)/INVALID;", (long long)p->id, (long long)p->id,
             (long long)c->id);
    snprintf(cw, sizeof cw, "Books/%lld/%lld/INVALID/INVALID;", (long long)c->id, (long long)c->id);
    snprintf(rw, sizeof rw, "INVALID/%lld/%lld/INVALID/5;", (long long)r->id, (long long)r->id);
    snprintf(want, sizeof want, "%s%s%s%s%s%s", pw, cw, pw, rw, cw, pw);
    const char *src = "{% for x in items %}{{ x.name }}/{{ x.pk }}/{{ x.id }}/{{ x.category }}/{{ x.rating }};"
                      "{% endfor %}";
    cr_assert_str_eq(render(src, "items", mn_value_list(items)), want);
    /* the same template again: the caches are warm now */
    cr_assert_str_eq(render(src, "items", mn_value_list(items)), want);
}

/* only("id"): every other field is deferred; templates load each one on
 * access (one query per field, as Django's DeferredAttribute), the
 * ForeignKey included ({{ p.category }} loads category_id, then the
 * category), and so does mn_rel_get from C. */
Test(related_template, deferred_fields_load_on_access)
{
    mn_err err = { 0 };
    category *c = mk_category("Books");
    product *p = mk_product("Dune", "9.50", c);
    mn_qs *only_id = mn_qs_only(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), "id", NULL);
    product *lazy = mn_qs_get(only_id, &err);
    cr_assert_not_null(lazy, "%s", err.msg);
    cr_assert(mn_obj_is_deferred(lazy, &product_model, "name"));
    cr_assert(mn_obj_is_deferred(lazy, &product_model, "category"));
    int64_t before = queries();
    cr_assert_str_eq(render("{{ p.name }}|{{ p.category }}|{{ p.category.name }}|{{ p.name }}", "p",
                            mn_obj_value(lazy, &product_model)),
                     "Dune|Category object (1)|Books|Dune");
    cr_assert_eq(queries() - before, 3, "name, category_id, then the category");
    cr_assert(!mn_obj_is_deferred(lazy, &product_model, "name"));
    cr_assert(!mn_obj_is_deferred(lazy, &product_model, "category"));
    cr_assert(mn_obj_is_deferred(lazy, &product_model, "price"));

    /* {{ p.category_id }} loads the key alone */
    lazy = mn_qs_get(only_id, &err);
    char want[32];
    snprintf(want, sizeof want, "%lld", (long long)c->id);
    cr_assert_str_eq(render("{{ p.category_id }}", "p", mn_obj_value(lazy, &product_model)), want);

    /* C: mn_rel_get loads the deferred key first */
    lazy = mn_qs_get(only_id, &err);
    category *got = mn_rel_get(lazy, &product_model, "category", A, &err);
    cr_assert_not_null(got, "%s", err.msg);
    cr_assert_eq(got->id, c->id);

    /* a deferred row deleted meanwhile: Django raises DoesNotExist on
     * access; the template variable is invalid, as for a failing lookup */
    lazy = mn_qs_get(only_id, &err);
    cr_assert_eq(mn_qs_delete(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), NULL, &err), 1,
                 "%s", err.msg);
    cr_assert_str_eq(render("{{ p.name }}", "p", mn_obj_value(lazy, &product_model)), "INVALID");
}
