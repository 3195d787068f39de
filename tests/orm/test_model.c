/* Instances: create, save, update_fields, delete, refresh_from_db,
 * full_clean, hooks, signals, atomic, instances as values. */
#include "shop.h"

TestSuite(model, .init = shop_setup, .fini = shop_teardown);

Test(model, create_fills_defaults_pk_and_timestamps)
{
    mn_datetime before = mn_datetime_now();
    product *p = make_product("Blue Lamp", "19.99", 3);
    cr_assert_gt(p->id, 0);
    cr_assert(p->available);
    cr_assert(mn_str_eq_cstr(p->status, "draft"));
    cr_assert(mn_str_eq_cstr(p->slug, "blue-lamp"), "the save hook made the slug");
    cr_assert_geq(p->created_at.us, before.us);
    cr_assert_eq(p->created_at.us, p->updated_at.us);
    cr_assert(mn_obj_is_null(p, &product_model, "category"));
    cr_assert(mn_obj_is_null(p, &product_model, "metadata"));
    cr_assert_eq(mn_obj_header(&product_model, p)->flags & MN_OBJ_ADDING, 0);
    product *q = make_product("Red Lamp", "5", 0);
    cr_assert_eq(q->id, p->id + 1);
}

Test(model, save_updates_and_update_fields)
{
    mn_err err = { 0 };
    product *p = make_product("Chair", "49.50", 10);
    p->stock = 7;
    p->name = mn_str_from("Armchair");
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    product *r = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), &err);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(r->stock, 7);
    cr_assert(mn_str_eq_cstr(r->name, "Armchair"));
    /* update_fields writes only those columns */
    p->stock = 1;
    p->name = mn_str_from("Stool");
    const char *const only_stock[] = { "stock", NULL };
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, only_stock, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_obj_refresh(p, &product_model, NULL, A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(p->stock, 1);
    cr_assert(mn_str_eq_cstr(p->name, "Armchair"));
    const char *const bad[] = { "stok", NULL };
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, bad, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "stok"));
}

Test(model, decimal_is_exact)
{
    mn_err err = { 0 };
    product *p = make_product("Exact", "0.10", 1);
    p->price = mn_decimal_make(1, 1); /* 0.1 */
    mn_decimal sum;
    mn_decimal_add(p->price, mn_decimal_make(2, 1), &sum);
    p->price = sum; /* 0.3 exactly */
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_obj_refresh(p, &product_model, NULL, A, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(decimal_text(p->price), "0.30");
    /* too many digits for max_digits=10, decimal_places=2 */
    p->price = mn_decimal_make(INT64_C(123456789012), 0);
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_ERANGE);
}

Test(model, delete_and_not_found)
{
    mn_err err = { 0 };
    product *p = make_product("Gone", "1.00", 0);
    int64_t id = p->id;
    cr_assert_eq(mn_obj_delete(p, &product_model, NULL, &err), 1, "%s", err.msg);
    cr_assert_eq(p->id, 0, "Django sets the pk to None");
    cr_assert_null(mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, A), "id", mn_value_int(id)), &err));
    cr_assert_eq(err.code, MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "Product matching query does not exist.");
    cr_assert_eq(mn_obj_delete(p, &product_model, NULL, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Product object can't be deleted because its id attribute is set to None.");
}

Test(model, refresh_from_db_sees_other_writes)
{
    mn_err err = { 0 };
    product *p = make_product("Desk", "100", 2);
    cr_assert_eq(mn_qs_update(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), &err, "stock",
                              mn_value_int(42), NULL),
                 1, "%s", err.msg);
    cr_assert_eq(p->stock, 2);
    cr_assert_eq(mn_obj_refresh(p, &product_model, NULL, A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(p->stock, 42);
    mn_qs_delete(mn_qs_all(&product_model, A), NULL, &err);
    cr_assert_eq(mn_obj_refresh(p, &product_model, NULL, A, &err), MN_ENOTFOUND);
}

Test(model, unique_violation_is_eexist)
{
    mn_err err = { 0 };
    cr_assert_not_null(mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Books"), NULL), "%s", err.msg);
    cr_assert_null(mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Books"), NULL));
    cr_assert_eq(err.code, MN_EEXIST, "%s", err.msg);
}

Test(model, check_constraint_is_eperm)
{
    mn_err err = { 0 };
    cr_assert_null(mn_model_create(&product_model, A, &err, "name", mn_value_cstr("Neg"), "price", dec("-1"), NULL));
    cr_assert_eq(err.code, MN_EPERM, "%s", err.msg);
}

Test(model, conditional_constraints)
{
    mn_err err = { 0 };
    product *a = make_product("Twin", "1", 1);
    product *b = mn_model_create(&product_model, A, &err, "name", mn_value_cstr("Twin"), "slug", mn_value_cstr("twin-2"),
                                 "price", dec("2"), NULL);
    cr_assert_not_null(b, "%s", err.msg);
    cr_assert_neq(a->id, b->id, "drafts may share a name");
    a->status = mn_str_from("published");
    cr_assert_eq(mn_obj_save(a, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    b->status = mn_str_from("published");
    cr_assert_eq(mn_obj_save(b, &product_model, NULL, NULL, &err), MN_EEXIST, "published names are unique");
    b->status = mn_str_from("draft");
    b->rating = 7;
    cr_assert_eq(mn_obj_save(b, &product_model, NULL, NULL, &err), MN_EPERM, "rating_range");
}

Test(model, foreign_key_column)
{
    mn_err err = { 0 };
    category *c = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Lighting"), NULL);
    cr_assert_not_null(c, "%s", err.msg);
    product *p = make_product("Lamp", "10", 1);
    p->category = c->id;
    mn_obj_set_null(p, &product_model, "category", false);
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, A), "category", mn_value_int(c->id));
    cr_assert_eq(mn_qs_count(qs, &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, A), "category_id", mn_value_int(c->id)), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, A), "category__id", mn_value_int(c->id)), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, A), "category__name", mn_value_cstr("x")), &err),
                 0);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, A), "category__name", mn_value_cstr("Lighting")),
                             &err),
                 1);
    /* a category that does not exist: the foreign key refuses at commit */
    p->category = 9999;
    cr_assert_neq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK);
    /* on_delete SET_NULL, carried out by the collector */
    p->category = c->id;
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_obj_delete(c, &category_model, NULL, &err), 1, "%s", err.msg);
    cr_assert_eq(mn_obj_refresh(p, &product_model, NULL, A, &err), MN_OK);
    cr_assert(mn_obj_is_null(p, &product_model, "category"));
}

Test(model, every_field_kind_round_trips)
{
    mn_err err = { 0 };
    sample *s = mn_model_new(&sample_model, A, &err);
    cr_assert_not_null(s, "%s", err.msg);
    s->small = -7;
    s->big = INT64_C(9007199254740993);
    s->pos = 5;
    s->email = mn_str_from("ann@example.com");
    s->url = mn_str_from("https://example.com/a?b=c");
    s->uuid = mn_str_from("12345678-1234-5678-1234-567812345678");
    s->ip = mn_str_from("192.168.0.1");
    s->file = mn_str_from("documents/report.pdf");
    s->image = mn_str_from("products/lamp.png");
    s->blob = mn_str_make("a\0b\xff", 4);
    s->at = (mn_time){ 13, 45, 30, 250000 };
    s->took = (mn_duration){ INT64_C(93784000005) };
    mn_decimal_parse_cstr("12345678901234567890.0123456789", &s->amount, NULL);
    mn_value data;
    cr_assert_eq(mn_json_loads(A, MN_STR("{\"tags\": [\"a\", \"b\"], \"size\": {\"w\": 3}}"), NULL, &data, &err), MN_OK);
    s->data = data;
    s->mn.nulls = 0;
    if (is_pg())
        s->blob = mn_str_make("a\x01" "b\xff", 4);
    cr_assert_eq(mn_obj_save(s, &sample_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(s->id, 1);
    sample *r = mn_qs_get(mn_qs_filter(mn_qs_all(&sample_model, A), "pk", mn_value_int(s->id)), &err);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(r->small, -7);
    cr_assert_eq(r->big, INT64_C(9007199254740993));
    cr_assert(mn_str_eq(r->email, s->email));
    cr_assert(mn_str_eq(r->url, s->url));
    cr_assert(mn_str_eq(r->uuid, s->uuid));
    cr_assert(mn_str_eq(r->ip, s->ip));
    cr_assert(mn_str_eq(r->file, s->file));
    cr_assert(mn_str_eq(r->blob, s->blob), "binary data survives");
    cr_assert_eq(mn_time_cmp(r->at, s->at), 0);
    cr_assert_eq(r->took.us, s->took.us);
    if (!is_pg()) {
        /* SQLite keeps decimals as REAL (15 digits), as Django does there */
        cr_assert_str_eq(decimal_text(r->amount), "12345678901234600000.0000000000");
    } else {
        cr_assert_str_eq(decimal_text(r->amount), "12345678901234567890.0123456789");
    }
    cr_assert(mn_value_eq(r->data, s->data));
    /* NULLs come back as NULLs */
    sample *n = mn_model_new(&sample_model, A, &err);
    cr_assert_eq(mn_obj_save(n, &sample_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_obj_refresh(n, &sample_model, NULL, A, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_obj_is_null(n, &sample_model, "at"));
    cr_assert(mn_obj_is_null(n, &sample_model, "data"));
    mn_value v;
    cr_assert_eq(mn_obj_get(n, &sample_model, "took", &v), MN_OK);
    cr_assert(mn_value_is_null(v));
}

Test(model, full_clean_collects_django_messages)
{
    mn_err err = { 0 };
    product *p = mn_model_new(&product_model, A, &err);
    cr_assert_not_null(p);
    p->status = mn_str_from("deleted");
    p->name = mn_str_from("");
    p->price = mn_decimal_make(1234567890, 1);
    mn_map *errors;
    cr_assert_eq(mn_obj_full_clean(p, &product_model, A, &errors, &err), MN_EINVAL);
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "name").u.list, 0).u.s.ptr, "This field cannot be blank.");
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "status").u.list, 0).u.s.ptr,
                     "Value 'deleted' is not a valid choice.");
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "price").u.list, 0).u.s.ptr,
                     "Ensure that there are no more than 8 digits before the decimal point.");
    cr_assert(!mn_map_has(errors, mn_str_from("slug")), "blank=True");
    char *long_name = mn_arena_alloc(A, 202);
    memset(long_name, 'x', 201);
    long_name[201] = '\0';
    p->name = mn_str_from(long_name);
    p->status = mn_str_from("published");
    p->price = mn_decimal_make(5, 0);
    cr_assert_eq(mn_obj_full_clean(p, &product_model, A, &errors, &err), MN_EINVAL);
    cr_assert(strstr(mn_list_get(mn_map_get_cstr(errors, "name").u.list, 0).u.s.ptr,
                     "Ensure this value has at most 200 characters (it has 201)."));
    p->name = mn_str_from("Fine");
    cr_assert_eq(mn_obj_full_clean(p, &product_model, A, &errors, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_map_len(errors), 0);

    sample *s = mn_model_new(&sample_model, A, &err);
    s->email = mn_str_from("not-an-email");
    s->url = mn_str_from("htp:/nope");
    s->uuid = mn_str_from("xyz");
    mn_obj_set_null(s, &sample_model, "uuid", false);
    s->ip = mn_str_from("300.1.1.1");
    mn_obj_set_null(s, &sample_model, "ip", false);
    s->pos = -1;
    cr_assert_eq(mn_obj_full_clean(s, &sample_model, A, &errors, &err), MN_EINVAL);
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "email").u.list, 0).u.s.ptr, "Enter a valid email address.");
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "url").u.list, 0).u.s.ptr, "Enter a valid URL.");
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "uuid").u.list, 0).u.s.ptr,
                     "\xe2\x80\x9cxyz\xe2\x80\x9d is not a valid UUID.");
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "ip").u.list, 0).u.s.ptr, "Enter a valid IPv4 or IPv6 address.");
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "pos").u.list, 0).u.s.ptr,
                     "Ensure this value is greater than or equal to 0.");
}

Test(model, full_clean_validates_uniqueness)
{
    mn_err err = { 0 };
    category *c = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Lamps"), NULL);
    product *p = make_product("Desk", "10", 1);
    p->category = c->id;
    mn_obj_set_null(p, &product_model, "category", false);
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    mn_map *errors;
    cr_assert_eq(mn_obj_full_clean(p, &product_model, A, &errors, &err), MN_OK, "an instance does not collide with itself: %s",
                 err.msg);
    product *q = mn_model_new(&product_model, A, &err);
    q->name = mn_str_from("Desk");
    q->slug = mn_str_from("desk");
    q->price = mn_decimal_make(1, 0);
    q->category = c->id;
    mn_obj_set_null(q, &product_model, "category", false);
    cr_assert_eq(mn_obj_full_clean(q, &product_model, A, &errors, &err), MN_EINVAL);
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "slug").u.list, 0).u.s.ptr, "Product with this Slug already exists.");
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "__all__").u.list, 0).u.s.ptr,
                     "Product with this Name and Category already exists.");
    q->slug = mn_str_from("desk-2");
    mn_obj_set_null(q, &product_model, "category", true);
    cr_assert_eq(mn_obj_full_clean(q, &product_model, A, &errors, &err), MN_OK, "NULLs never collide: %s", err.msg);
}

static int no_spam(mn_value v, mn_err *err)
{
    if (v.type == MN_VALUE_STR && mn_str_find(v.u.s, MN_STR("spam"), 0) >= 0)
        return mn_err_set(err, MN_EINVAL, "No spam, please.");
    return MN_OK;
}

static int note_clean(void *obj, mn_err *err);
typedef struct note {
    mn_obj mn;
    int64_t id;
    mn_str text;
    int32_t lo, hi;
} note;
static const mn_field note_fields[] = {
    MN_FIELD_BIGAUTO(note, id),
    MN_FIELD_TEXT(note, text, .validators = (const mn_validator_fn[]){ no_spam, NULL }),
    MN_FIELD_INT(note, lo),
    MN_FIELD_INT(note, hi),
    MN_FIELD_END,
};
static mn_model note_model = MN_MODEL(note, "lab", "Note", note_fields, .hooks = { .clean = note_clean });
static int note_clean(void *obj, mn_err *err)
{
    note *n = obj;
    return n->lo > n->hi ? mn_err_set(err, MN_EINVAL, "lo must not exceed hi.") : MN_OK;
}

Test(model, validators_and_clean_hook)
{
    mn_err err = { 0 };
    note *n = mn_model_new(&note_model, A, &err);
    n->text = mn_str_from("buy spam");
    n->lo = 3;
    n->hi = 1;
    mn_map *errors;
    cr_assert_eq(mn_obj_full_clean(n, &note_model, A, &errors, &err), MN_EINVAL);
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "text").u.list, 0).u.s.ptr, "No spam, please.");
    cr_assert_str_eq(mn_list_get(mn_map_get_cstr(errors, "__all__").u.list, 0).u.s.ptr, "lo must not exceed hi.");
    n->text = mn_str_from("eggs");
    n->hi = 5;
    cr_assert_eq(mn_obj_full_clean(n, &note_model, A, NULL, &err), MN_OK);
}

Test(model, abstract_models_and_soft_delete)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_model_nfields(&item_model), 5);
    cr_assert_str_eq(mn_model_field(&item_model, 1)->name, "created_at");
    cr_assert_str_eq(mn_model_field(&item_model, 3)->name, "deleted_at");
    item *it = mn_model_create(&item_model, A, &err, "name", mn_value_cstr("Widget"), NULL);
    cr_assert_not_null(it, "%s", err.msg);
    cr_assert_gt(it->ts.created_at.us, 0);
    cr_assert(mn_obj_is_null(it, &item_model, "deleted_at"));
    /* delete() is the soft delete: the row stays, deleted_at is set */
    cr_assert_eq(mn_obj_delete(it, &item_model, NULL, &err), 1, "%s", err.msg);
    mn_qs *alive = mn_qs_filter(mn_qs_all(&item_model, A), "deleted_at__isnull", mn_value_bool(true));
    cr_assert_eq(mn_qs_count(alive, &err), 0);
    cr_assert_eq(mn_qs_count(mn_qs_all(&item_model, A), &err), 1);
    /* hard_delete() */
    cr_assert_eq(mn_obj_delete_row(it, &item_model, NULL, &err), 1, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_all(&item_model, A), &err), 0);
    /* an abstract model has no manager */
    cr_assert_eq(mn_qs_count(mn_qs_all(&timestamped_model, A), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Manager isn't available; 'TimeStampedModel' is abstract");
}

static int saves, creations, deletes;
static int on_post_save(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    saves++;
    if (mn_value_truthy(mn_signal_arg(call, "created")))
        creations++;
    product *p = mn_obj_from_value(mn_signal_arg(call, "instance"));
    cr_assert_not_null(p);
    cr_assert_gt(p->id, 0);
    return MN_OK;
}
static int on_pre_delete(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    deletes++;
    return MN_OK;
}
static int refuse_save(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    return mn_err_set(err, MN_EPERM, "read-only");
}

Test(model, signals)
{
    mn_err err = { 0 };
    saves = creations = deletes = 0;
    mn_signal_connect(&mn_post_save, on_post_save, &(mn_receiver_opts){ .sender = &product_model });
    mn_signal_connect(&mn_pre_delete, on_pre_delete, &(mn_receiver_opts){ .sender = &product_model });
    product *p = make_product("Signal", "1", 1);
    p->stock = 2;
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK);
    cr_assert_eq(saves, 2);
    cr_assert_eq(creations, 1);
    make_product("Other", "1", 1);
    cr_assert_eq(mn_obj_delete(p, &product_model, NULL, &err), 1);
    cr_assert_eq(deletes, 1);
    /* QuerySet.delete() sends pre_delete per instance too */
    cr_assert_eq(mn_qs_delete(mn_qs_all(&product_model, A), NULL, &err), 1, "%s", err.msg);
    cr_assert_eq(deletes, 2);
    /* a failing pre_save receiver stops the save */
    mn_signal_connect(&mn_pre_save, refuse_save, &(mn_receiver_opts){ .sender = &product_model });
    cr_assert_null(mn_model_create(&product_model, A, &err, "name", mn_value_cstr("No"), "price", dec("1"), NULL));
    cr_assert_eq(err.code, MN_EPERM);
    cr_assert(strstr(err.msg, "read-only"));
}

/* Ported from Django's signals and get_or_create tests: post_save's
 * created flag through get_or_create/update_or_create, and no save signals
 * from QuerySet.update() or bulk_create(). */
Test(model, signals_created_flag_and_bulk_paths)
{
    mn_err err = { 0 };
    saves = creations = 0;
    mn_signal_connect(&mn_post_save, on_post_save, &(mn_receiver_opts){ .sender = &product_model });
    mn_qs *lamp = mn_qs_filter(mn_qs_all(&product_model, A), "name", mn_value_cstr("Lamp"));
    bool created = false;
    product *p = mn_qs_get_or_create(lamp, &created, &err, "price", dec("2.50"), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert(created);
    cr_assert_eq(saves, 1);
    cr_assert_eq(creations, 1);
    cr_assert_not_null(mn_qs_get_or_create(lamp, &created, &err, "price", dec("9"), NULL), "%s", err.msg);
    cr_assert_not(created);
    cr_assert_eq(saves, 1, "a get sends nothing");
    p = mn_qs_update_or_create(lamp, &created, &err, "stock", mn_value_int(4), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert_not(created);
    cr_assert_eq(p->stock, 4);
    cr_assert_eq(saves, 2);
    cr_assert_eq(creations, 1, "an update is created=False");
    /* an expression default updates the row and is read back */
    p = mn_qs_update_or_create(lamp, &created, &err, "stock", mn_expr_add(A, mn_f(A, "stock"), mn_value_int(1)), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert_eq(p->stock, 5);
    cr_assert_null(mn_qs_update_or_create(mn_qs_filter(mn_qs_all(&product_model, A), "name", mn_value_cstr("New")),
                                          &created, &err, "stock", mn_f(A, "stock"), NULL));
    cr_assert(strstr(err.msg, "F() expressions can only be used to update, not to insert."), "%s", err.msg);
    int before = saves;
    cr_assert_eq(mn_qs_update(mn_qs_all(&product_model, A), &err, "stock", mn_value_int(7), NULL), 1, "%s", err.msg);
    void *objs[2];
    for (int i = 0; i < 2; i++) {
        objs[i] = mn_model_new(&product_model, A, &err);
        cr_assert_eq(mn_obj_set(objs[i], &product_model, "name", mn_value_cstr(i ? "B2" : "B1"), A, &err), MN_OK);
        cr_assert_eq(mn_obj_set(objs[i], &product_model, "slug", mn_value_cstr(i ? "b2" : "b1"), A, &err), MN_OK);
        cr_assert_eq(mn_obj_set(objs[i], &product_model, "price", dec("1"), A, &err), MN_OK);
    }
    cr_assert_eq(mn_model_bulk_create(&product_model, objs, 2, 0, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(saves, before, "update() and bulk_create() send no save signals");
}

Test(model, instances_as_template_values)
{
    mn_err err = { 0 };
    product *p = make_product("Lamp", "12.50", 4);
    mn_value v = mn_obj_value(p, &product_model);
    mn_value out;
    cr_assert_eq(v.u.obj.type->get_attr(v.u.obj.ptr, MN_STR("price"), A, &out), MN_OK);
    cr_assert_eq(out.type, MN_VALUE_DECIMAL);
    cr_assert_eq(v.u.obj.type->get_attr(v.u.obj.ptr, MN_STR("get_status_display"), A, &out), MN_OK);
    cr_assert(mn_str_eq_cstr(out.u.s, "Draft"));
    cr_assert_eq(v.u.obj.type->get_attr(v.u.obj.ptr, MN_STR("nope"), A, &out), MN_ENOTFOUND);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_value_to_str(v, &b);
    cr_assert_str_eq(mn_buf_cstr(&b), "Lamp");
    category *c = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Desks"), NULL);
    mn_buf_reset(&b);
    mn_value_to_str(mn_obj_value(c, &category_model), &b);
    cr_assert_str_eq(mn_buf_cstr(&b), "Category object (1)");
    cr_assert(mn_str_eq_cstr(mn_obj_display(p, &product_model, "status", A), "Draft"));
}

Test(model, set_converts_like_to_python)
{
    mn_err err = { 0 };
    product *p = mn_model_new(&product_model, A, &err);
    cr_assert_eq(mn_obj_set(p, &product_model, "price", mn_value_cstr("12.50"), A, &err), MN_OK);
    cr_assert_str_eq(decimal_text(p->price), "12.50");
    cr_assert_eq(mn_obj_set(p, &product_model, "price", mn_value_cstr("abc"), A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "\xe2\x80\x9c" "abc\xe2\x80\x9d value must be a decimal number.");
    cr_assert_eq(mn_obj_set(p, &product_model, "stock", mn_value_cstr("x1"), A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "\xe2\x80\x9cx1\xe2\x80\x9d value must be an integer.");
    cr_assert_eq(mn_obj_set(p, &product_model, "stock", mn_value_int(INT64_C(1) << 40), A, &err), MN_ERANGE);
    cr_assert_eq(mn_obj_set(p, &product_model, "available", mn_value_cstr("maybe"), A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "\xe2\x80\x9cmaybe\xe2\x80\x9d value must be either True or False.");
    cr_assert_eq(mn_obj_set(p, &product_model, "publish_date", mn_value_cstr("2024-02-30"), A, &err), MN_EINVAL);
    cr_assert_eq(mn_obj_set(p, &product_model, "publish_date", mn_value_cstr("2024-02-29"), A, &err), MN_OK);
    cr_assert_eq(p->publish_date.day, 29);
    cr_assert(!mn_obj_is_null(p, &product_model, "publish_date"));
    cr_assert_eq(mn_obj_set(p, &product_model, "publish_date", mn_value_null(), A, &err), MN_OK);
    cr_assert(mn_obj_is_null(p, &product_model, "publish_date"));
    cr_assert_eq(mn_obj_set(p, &product_model, "stock", mn_value_null(), A, &err), MN_EINVAL);
    cr_assert_eq(mn_obj_set(p, &product_model, "prise", mn_value_int(1), A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Product() got an unexpected keyword argument 'prise'");
    cr_assert_eq(mn_obj_set_null(p, &product_model, "name", true), MN_EINVAL);
}

static int atomic_body(mn_db *db, void *ctx)
{
    make_product(*(int *)ctx == MN_OK ? "Inside" : "Doomed", "1", 1);
    return *(int *)ctx;
}

static int committed;
static void on_commit_cb(void *arg) { committed += *(int *)arg; }

Test(model, atomic_function_and_scope_forms)
{
    mn_err err = { 0 };
    int ok = MN_OK, fail = MN_EINVAL;
    cr_assert_eq(mn_db_atomic(DB, atomic_body, &ok, &err), MN_OK);
    cr_assert_eq(mn_db_atomic(DB, atomic_body, &fail, &err), MN_EINVAL);
    cr_assert_eq(mn_qs_count(mn_qs_all(&product_model, A), &err), 1, "the failed block rolled back");

    static int one = 1;
    committed = 0;
    mn_atomic_scope outer, inner;
    MN_ATOMIC(&outer, NULL, &err) {
        make_product("Outer", "1", 1);
        mn_db_on_commit(DB, on_commit_cb, &one);
        MN_ATOMIC(&inner, NULL, &err) {
            make_product("Inner", "1", 1);
            mn_db_on_commit(DB, on_commit_cb, &one);
            MN_ATOMIC_FAIL(&inner, MN_EINVAL);
        }
        cr_assert_eq(inner.rc, MN_EINVAL);
        cr_assert_eq(committed, 0, "on_commit waits for the outermost commit");
    }
    cr_assert_eq(outer.rc, MN_OK, "%s", err.msg);
    cr_assert_eq(committed, 1, "the rolled-back savepoint dropped its callback");
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, A), "name", mn_value_cstr("Outer")), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, A), "name", mn_value_cstr("Inner")), &err), 0);
    cr_assert_eq(mn_db_depth(DB), 0);
}

Test(model, schema_sql_sqlite)
{
    mn_err err = { 0 };
    mn_list *sql = mn_model_schema_sql(&product_model, MN_DB_SQLITE, A, &err);
    cr_assert_not_null(sql, "%s", err.msg);
    const char *create = mn_list_get(sql, 0).u.s.ptr;
    cr_assert(strstr(create, "CREATE TABLE \"shop_product\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
                             "\"name\" varchar(200) NOT NULL, \"slug\" varchar(50) NOT NULL UNIQUE"),
              "%s", create);
    cr_assert(strstr(create, "\"category_id\" bigint NULL REFERENCES \"shop_category\" (\"id\") "
                             "DEFERRABLE INITIALLY DEFERRED"),
              "%s", create);
    cr_assert(strstr(create, "CONSTRAINT \"price_must_be_positive\" CHECK (\"price\" >= '0.00')"), "%s", create);
    cr_assert(strstr(create, "CONSTRAINT \"rating_range\" CHECK (rating >= 0 AND rating <= 5)"), "%s", create);
    cr_assert(strstr(create, "CONSTRAINT \"unique_product_per_category\" UNIQUE (\"name\", \"category_id\")"));
    bool partial = false, desc = false, unique_partial = false, fk_index = false;
    for (size_t i = 1; i < mn_list_len(sql); i++) {
        const char *s = mn_list_get(sql, i).u.s.ptr;
        partial |= strstr(s, "CREATE INDEX \"available_products_price_idx\" ON \"shop_product\" (\"price\") WHERE "
                             "\"available\" = 1") != NULL;
        unique_partial |= strstr(s, "CREATE UNIQUE INDEX \"unique_published_name\" ON \"shop_product\" (\"name\") "
                                    "WHERE \"status\" = 'published'") != NULL;
        desc |= strstr(s, "(\"created_at\", \"price\" DESC)") != NULL;
        fk_index |= strstr(s, "ON \"shop_product\" (\"category_id\")") != NULL;
    }
    cr_assert(partial);
    cr_assert(desc);
    cr_assert(unique_partial);
    cr_assert(fk_index, "ForeignKeys are indexed by default");
    mn_list *pg = mn_model_schema_sql(&product_model, MN_DB_POSTGRES, A, &err);
    const char *pcreate = mn_list_get(pg, 0).u.s.ptr;
    cr_assert(strstr(pcreate, "\"id\" bigserial NOT NULL PRIMARY KEY"), "%s", pcreate);
    cr_assert(strstr(pcreate, "\"price\" numeric(10, 2) NOT NULL"));
    cr_assert(strstr(pcreate, "\"metadata\" jsonb NULL"));
    cr_assert(strstr(pcreate, "\"created_at\" timestamp with time zone NOT NULL"));
    bool pg_partial = false;
    for (size_t i = 1; i < mn_list_len(pg); i++)
        pg_partial |= strstr(mn_list_get(pg, i).u.s.ptr, "WHERE \"available\" = true") != NULL;
    cr_assert(pg_partial);
}

Test(model, descriptors)
{
    cr_assert_str_eq(mn_model_table(&product_model), "shop_product");
    cr_assert_str_eq(mn_model_table(&sample_model), "samples");
    cr_assert_str_eq(mn_model_verbose_name(&product_model), "product");
    cr_assert_str_eq(mn_model_verbose_name_plural(&product_model), "products");
    cr_assert_str_eq(mn_model_verbose_name_plural(&category_model), "categories");
    cr_assert_str_eq(mn_field_column(mn_model_field_by_name(&product_model, "category")), "category_id");
    cr_assert_str_eq(mn_model_pk(&product_model)->name, "id");
    cr_assert_eq(mn_model_field_by_name(&product_model, "pk"), mn_model_pk(&product_model));
    cr_assert_null(mn_model_field_by_name(&product_model, "nope"));
    cr_assert_eq(mn_model_pk(&sample_model)->kind, MN_KIND_AUTO);
}

typedef struct bad_model {
    mn_obj mn;
    int64_t id;
    mn_str name;
} bad_model;
static const mn_field no_pk_fields[] = { MN_FIELD_CHAR(bad_model, name, .max_length = 5), MN_FIELD_END };
static const mn_field no_len_fields[] = { MN_FIELD_BIGAUTO(bad_model, id), MN_FIELD_CHAR(bad_model, name), MN_FIELD_END };
static mn_model no_pk_model = MN_MODEL(bad_model, "lab", "NoPk", no_pk_fields);
static mn_model no_len_model = MN_MODEL(bad_model, "lab", "NoLen", no_len_fields);

Test(model, invalid_descriptors_are_refused)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_model_check(&no_pk_model, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "no primary key"));
    cr_assert_null(mn_model_new(&no_pk_model, A, &err));
    cr_assert_eq(mn_model_check(&no_len_model, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "CharFields must define a 'max_length' attribute."));
    cr_assert_eq(mn_model_check(&product_model, &err), MN_OK);
}

Test(model, default_database_from_settings)
{
    mn_err err = { 0 };
    mn_orm_use(NULL);
    cr_assert_null(mn_orm_db());
    cr_assert_null(mn_model_create(&category_model, A, &err, "name", mn_value_cstr("x"), NULL));
    cr_assert(strstr(err.msg, "no database connection"));
    static mn_settings settings = { MN_SETTINGS_DEFAULTS };
    cr_assert_eq(mn_dburl_parse(MN_STR("sqlite://:memory:"), A, &settings.DATABASE, &err), MN_OK);
    mn_settings_set_current(&settings);
    mn_db *db = mn_orm_db();
    cr_assert_not_null(db, "the thread's connection to DATABASE_URL");
    cr_assert_neq(db, DB);
    cr_assert_eq(mn_model_create_table(&category_model, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_not_null(mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Books"), NULL), "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_all(&category_model, A), &err), 1);
    cr_assert_eq(mn_orm_db(), db, "persistent per thread");
    mn_db_thread_close();
    mn_settings_set_current(NULL);
    mn_orm_use(DB);
}

static mn_response *view_ok(mn_request *req, void *ctx)
{
    make_product((const char *)ctx, "1", 1);
    return mn_response_text(req, 200, "text/plain", MN_STR("ok"));
}
static mn_response *view_crash(mn_request *req, void *ctx)
{
    make_product((const char *)ctx, "1", 1);
    return NULL;
}
static mn_response *view_500(mn_request *req, void *ctx)
{
    make_product((const char *)ctx, "1", 1);
    return mn_response_text(req, 503, "text/plain", MN_STR("busy"));
}

Test(model, atomic_requests)
{
    mn_err err = { 0 };
    static const char raw[] = "GET /checkout/ HTTP/1.1\r\nHost: localhost\r\n\r\n";
    int status = 0;
    mn_request *req = mn_request_from_raw(A, raw, sizeof raw - 1, NULL, NULL, &status, &err);
    cr_assert_not_null(req, "%s", err.msg);
    mn_atomic_request ok = { .view = view_ok, .ctx = "Kept" };
    mn_atomic_request crash = { .view = view_crash, .ctx = "Lost" };
    mn_atomic_request busy = { .view = view_500, .ctx = "Also lost" };
    mn_response *r = mn_atomic_request_handler(req, &ok);
    cr_assert_not_null(r);
    cr_assert_eq(mn_response_status(r), 200);
    cr_assert_null(mn_atomic_request_handler(req, &crash));
    r = mn_atomic_request_handler(req, &busy);
    cr_assert_eq(mn_response_status(r), 503);
    cr_assert_eq(mn_db_depth(DB), 0);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, A), "name", mn_value_cstr("Kept")), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_all(&product_model, A), &err), 1, "the failed views rolled back");
}

static mn_response *buy_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    make_product("Bought", "1", 1);
    return mn_response_text(req, 201, "text/plain", MN_STR("ok"));
}
static mn_response *broken_buy_view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    make_product("Half-bought", "1", 1);
    return NULL; /* the view fails: a 500, the transaction rolls back */
}
static const mn_url_pattern buy_patterns[] = {
    MN_PATH("buy/", buy_view, "buy"),
    MN_PATH("broken/", broken_buy_view, "broken"),
    MN_URL_END,
};
static const mn_urlconf buy_urls = { .patterns = buy_patterns };

Test(model, atomic_requests_middleware)
{
    mn_err err = { 0 };
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
    static mn_settings settings;
    settings = mn_settings_defaults();
    settings.SECRET_KEY = "super-secret-value-1234";
    const mn_middleware *mw[] = { &mn_atomic_requests_middleware, NULL };
    mn_site_config cfg = { .settings = &settings, .urlconf = &buy_urls, .urlconf_name = "shop.urls", .middleware = mw };
    mn_site *site = mn_site_new(&cfg, &err);
    cr_assert_not_null(site, "%s", err.msg);
    const char *paths[] = { "buy/", "broken/" };
    int expect[] = { 201, 500 };
    for (int i = 0; i < 2; i++) {
        char *raw = mn_arena_sprintf(A, "GET /%s HTTP/1.1\r\nHost: localhost\r\n\r\n", paths[i]);
        int status = 0;
        mn_request *req = mn_request_from_raw(A, raw, strlen(raw), NULL, NULL, &status, &err);
        cr_assert_not_null(req, "%s", err.msg);
        mn_response *r = mn_site_handle(site, req);
        cr_assert_eq(mn_response_status(r), expect[i]);
    }
    cr_assert_eq(mn_db_depth(DB), 0);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, A), "name", mn_value_cstr("Bought")), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, A), "name", mn_value_cstr("Half-bought")), &err), 0);
    mn_site_free(site);
}

/* refresh_from_db(fields=[...]) and ForeignKey.validate() */
Test(model, refresh_fields_and_foreign_key_validation)
{
    mn_err err = { 0 };
    category *c = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Desks"), NULL);
    cr_assert_not_null(c, "%s", err.msg);
    product *p = make_product("Desk", "10.00", 4);
    product *other = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), &err);
    cr_assert_not_null(other, "%s", err.msg);
    cr_assert_eq(mn_qs_update(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), &err, "stock",
                              mn_value_int(9), "category", mn_value_int(c->id), NULL),
                 1, "%s", err.msg);
    /* only stock is reloaded: the other changes in memory stay */
    p->price = mn_decimal_from_i64(1);
    const char *stock[] = { "stock", NULL };
    cr_assert_eq(mn_obj_refresh_fields(p, &product_model, NULL, stock, A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(p->stock, 9);
    cr_assert_eq(mn_decimal_cmp(p->price, mn_decimal_from_i64(1)), 0);
    cr_assert_eq(p->category, 0);
    const char *attname[] = { "category_id", NULL };
    cr_assert_eq(mn_obj_refresh_fields(p, &product_model, NULL, attname, A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(p->category, c->id);
    const char *none[] = { NULL };
    cr_assert_eq(mn_obj_refresh_fields(p, &product_model, NULL, none, A, &err), MN_OK);
    const char *bad[] = { "stok", NULL };
    cr_assert_eq(mn_obj_refresh_fields(p, &product_model, NULL, bad, A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Product has no field named 'stok'");
    /* full_clean: the category a key points at must exist */
    other->category = c->id + 100;
    mn_obj_set_null(other, &product_model, "category", false);
    mn_map *errors = NULL;
    cr_assert_eq(mn_obj_full_clean(other, &product_model, A, &errors, &err), MN_EINVAL);
    mn_value msgs = mn_map_get_cstr(errors, "category");
    cr_assert_eq(msgs.type, MN_VALUE_LIST);
    char want[96];
    snprintf(want, sizeof want, "category instance with id %lld does not exist.", (long long)(c->id + 100));
    cr_assert(mn_str_eq_cstr(mn_list_get(msgs.u.list, 0).u.s, want));
}

/* ---- computed properties and after_save (the guide's "Custom Model Methods" and "When NOT
 * to use signals") ---- */

typedef struct gadget {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str status;
    int32_t stock;
    int64_t category;
    mn_str note;
} gadget;

static int gadget_in_stock(const void *obj, mn_arena *arena, mn_value *out)
{
    (void)arena;
    *out = mn_value_bool(((const gadget *)obj)->stock > 0);
    return MN_OK;
}
static int gadget_url(const void *obj, mn_arena *arena, mn_value *out)
{
    const gadget *g = obj;
    char *s = mn_arena_sprintf(arena, "/gadgets/%lld/", (long long)g->id);
    if (!s)
        return MN_ENOMEM;
    *out = mn_value_cstr(s);
    return MN_OK;
}
static int gadget_status_display(const void *obj, mn_arena *arena, mn_value *out)
{
    (void)obj, (void)arena;
    *out = mn_value_cstr("overridden");
    return MN_OK;
}
static int gadget_failing(const void *obj, mn_arena *arena, mn_value *out)
{
    (void)obj, (void)arena, (void)out;
    return MN_EINVAL;
}

static mn_model gadget_model;
static int after_calls, after_created, after_fail;
static int64_t after_count;
static int gadget_after_save(void *obj, bool created, mn_err *err)
{
    gadget *g = obj;
    after_calls++;
    after_created += created;
    if (after_fail)
        return mn_err_set(err, MN_EINVAL, "after_save refused %.*s", MN_STR_FMT(g->name));
    /* self.category.update_product_count(): a query on the committed row */
    after_count = mn_qs_count(mn_qs_filter(mn_qs_all(&gadget_model, A), "category", mn_value_int(g->category)), err);
    return after_count < 0 ? (int)after_count : MN_OK;
}

static const mn_choice gadget_status[] = { { "new", "New" }, { NULL, NULL } };
static const mn_field gadget_fields[] = {
    MN_FIELD_BIGAUTO(gadget, id),
    MN_FIELD_CHAR(gadget, name, .max_length = 50),
    MN_FIELD_CHAR(gadget, status, .max_length = 10, .choices = gadget_status, .default_value = "new"),
    MN_FIELD_INT(gadget, stock, .default_value = "0"),
    MN_FIELD_BIGINT(gadget, category, .default_value = "0"),
    MN_FIELD_TEXT(gadget, note, .null = true), /* null=True without blank=True */
    MN_FIELD_END,
};
static const mn_model_property gadget_properties[] = {
    { "is_in_stock", gadget_in_stock },
    { "get_absolute_url", gadget_url },
    { "get_status_display", gadget_status_display },
    { "broken", gadget_failing },
    { NULL, NULL },
};
static mn_model gadget_model = MN_MODEL(gadget, "shop", "Gadget", gadget_fields, .properties = gadget_properties,
                                        .hooks = { .after_save = gadget_after_save });

static const mn_model_property clashing_properties[] = { { "stock", gadget_in_stock }, { NULL, NULL } };
static mn_model clashing_model = MN_MODEL(gadget, "shop", "Clash", gadget_fields, .properties = clashing_properties);
static const mn_model_property nameless_properties[] = { { NULL, gadget_in_stock }, { NULL, NULL } };
static mn_model nameless_model = MN_MODEL(gadget, "shop", "Nameless", gadget_fields,
                                          .properties = nameless_properties);
static const mn_model_property fnless_properties[] = { { "x", NULL }, { NULL, NULL } };
static mn_model fnless_model = MN_MODEL(gadget, "shop", "Fnless", gadget_fields, .properties = fnless_properties);

Test(model, properties_read_like_fields)
{
    mn_err err = { 0 };
    mn_db_execute(DB, "DROP TABLE IF EXISTS shop_gadget", NULL, 0, NULL, &err);
    cr_assert_eq(mn_model_create_table(&gadget_model, DB, &err), MN_OK, "%s", err.msg);
    gadget *g = mn_model_create(&gadget_model, A, &err, "name", mn_value_cstr("Lamp"), "stock", mn_value_int(2), NULL);
    cr_assert_not_null(g, "%s", err.msg);
    mn_value v = mn_obj_value(g, &gadget_model), out;
    const mn_type *t = v.u.obj.type;
    cr_assert_eq(t->get_attr(v.u.obj.ptr, MN_STR("is_in_stock"), A, &out), MN_OK);
    cr_assert(out.type == MN_VALUE_BOOL && out.u.b);
    g->stock = 0; /* computed on each read, from the struct as it is now */
    cr_assert_eq(t->get_attr(v.u.obj.ptr, MN_STR("is_in_stock"), A, &out), MN_OK);
    cr_assert(!out.u.b);
    cr_assert_eq(t->get_attr(v.u.obj.ptr, MN_STR("get_absolute_url"), A, &out), MN_OK);
    cr_assert(mn_str_eq_cstr(out.u.s, "/gadgets/1/"));
    /* a property replaces the automatic get_FOO_display, as a method does in Django */
    cr_assert_eq(t->get_attr(v.u.obj.ptr, MN_STR("get_status_display"), A, &out), MN_OK);
    cr_assert(mn_str_eq_cstr(out.u.s, "overridden"));
    cr_assert(mn_str_eq_cstr(mn_obj_display(g, &gadget_model, "status", A), "New"));
    /* fields still win, errors pass through, unknown names stay unknown */
    cr_assert_eq(t->get_attr(v.u.obj.ptr, MN_STR("name"), A, &out), MN_OK);
    cr_assert(mn_str_eq_cstr(out.u.s, "Lamp"));
    cr_assert_eq(t->get_attr(v.u.obj.ptr, MN_STR("broken"), A, &out), MN_EINVAL);
    cr_assert_eq(t->get_attr(v.u.obj.ptr, MN_STR("is_in_stoc"), A, &out), MN_ENOTFOUND);
    /* a template reads them as attributes */
    mn_template_engine *e = mn_template_engine_new(&(mn_template_options){ 0 });
    cr_assert_not_null(e);
    mn_template *tpl = mn_template_engine_from_string(
        e, MN_STR("{{ g.name }} {{ g.get_absolute_url }} {% if g.is_in_stock %}in{% else %}out{% endif %}"), "t",
        &err);
    cr_assert_not_null(tpl, "%s", err.msg);
    mn_map *vars = mn_map_new(A, 1);
    mn_map_set_cstr(vars, "g", v);
    mn_buf html;
    mn_buf_init(&html, A, 0);
    cr_assert_eq(mn_template_render(tpl, mn_template_context_new(e, A, vars), &html, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(mn_buf_cstr(&html), "Lamp /gadgets/1/ out");
    mn_template_engine_free(e);
}

Test(model, properties_are_checked)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_model_check(&clashing_model, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "model Clash: the property 'stock' has the name of a field");
    cr_assert_eq(mn_model_check(&nameless_model, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "model Nameless: a property needs a name and a function");
    cr_assert_eq(mn_model_check(&fnless_model, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "model Fnless: a property needs a name and a function");
}

Test(model, after_save_runs_after_the_write)
{
    mn_err err = { 0 };
    mn_db_execute(DB, "DROP TABLE IF EXISTS shop_gadget", NULL, 0, NULL, &err);
    cr_assert_eq(mn_model_create_table(&gadget_model, DB, &err), MN_OK, "%s", err.msg);
    after_calls = after_created = after_fail = 0;
    gadget *g = mn_model_create(&gadget_model, A, &err, "name", mn_value_cstr("A"), "category", mn_value_int(7), NULL);
    cr_assert_not_null(g, "%s", err.msg);
    cr_assert_eq(after_calls, 1);
    cr_assert_eq(after_created, 1);
    cr_assert_eq(after_count, 1, "the row is written when after_save runs");
    g->stock = 3;
    cr_assert_eq(mn_obj_save(g, &gadget_model, NULL, MN_NAMES("stock"), &err), MN_OK, "%s", err.msg);
    cr_assert_eq(after_calls, 2);
    cr_assert_eq(after_created, 1, "an UPDATE is not created");
    /* its error is save()'s error; inside atomic the write rolls back with it */
    after_fail = 1;
    gadget *h = mn_model_new(&gadget_model, A, &err);
    h->name = mn_str_from("B");
    h->category = 7;
    mn_atomic_scope tx;
    MN_ATOMIC(&tx, NULL, &err) {
        int rc = mn_obj_save(h, &gadget_model, NULL, NULL, &err);
        if (rc != MN_OK)
            MN_ATOMIC_FAIL(&tx, rc);
    }
    cr_assert_eq(tx.rc, MN_EINVAL);
    cr_assert_str_eq(err.msg, "after_save refused B");
    after_fail = 0;
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&gadget_model, A), "category", mn_value_int(7)), &err), 1);
}

Test(model, full_clean_null_without_blank)
{
    /* Django's Field.validate: None is refused as "null" only where null=False; a null=True field
     * that is not blank=True refuses it as "blank" (the guide: "use both null=True and blank=True
     * for optional fields") */
    mn_err err = { 0 };
    gadget *g = mn_model_new(&gadget_model, A, &err);
    g->name = mn_str_from("Lamp");
    mn_obj_set_null(g, &gadget_model, "note", true);
    mn_map *errors;
    cr_assert_eq(mn_obj_full_clean(g, &gadget_model, A, &errors, &err), MN_EINVAL);
    cr_assert_eq(mn_map_len(errors), 1, "%zu %s", mn_map_len(errors), err.msg);
    cr_assert(mn_str_eq_cstr(mn_list_get(mn_map_get_cstr(errors, "note").u.list, 0).u.s, "This field cannot be blank."));
    g->note = mn_str_from("");
    mn_obj_set_null(g, &gadget_model, "note", false);
    cr_assert_eq(mn_obj_full_clean(g, &gadget_model, A, &errors, &err), MN_EINVAL);
    cr_assert(mn_str_eq_cstr(mn_list_get(mn_map_get_cstr(errors, "note").u.list, 0).u.s, "This field cannot be blank."));
    g->note = mn_str_from("ok");
    cr_assert_eq(mn_obj_full_clean(g, &gadget_model, A, &errors, &err), MN_OK, "%s", err.msg);
}

/* p.stock = F("stock") - 1; p.save(): one UPDATE of every field with the
 * expression as SQL, so a change made meanwhile is not lost; the instance
 * reads the result back. */
Test(model, save_with_expressions)
{
    mn_err err = { 0 };
    product *p = make_product("Lamp", "10.00", 5);
    product *other = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), &err);
    cr_assert_not_null(other, "%s", err.msg);
    /* another copy sells two first */
    cr_assert_eq(mn_qs_update(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), &err, "stock",
                              mn_expr_sub(A, mn_f(A, "stock"), mn_value_int(2)), NULL),
                 1, "%s", err.msg);
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    cr_assert_eq(mn_obj_save_expr(p, &product_model, NULL, A, &err, "stock",
                                  mn_expr_sub(A, mn_f(A, "stock"), mn_value_int(1)), "rating", mn_value_float(4.5), NULL),
                 MN_OK, "%s", err.msg);
    size_t updates = 0;
    for (size_t i = 0; i < mn_db_log_count(DB); i++)
        updates += strncmp(mn_db_log_entry(DB, i)->sql, "UPDATE", 6) == 0;
    mn_db_log_enable(DB, false);
    cr_assert_eq(updates, 1);
    cr_assert_eq(p->stock, 2, "5 - 2 - 1: the other sale is kept");
    cr_assert_float_eq(p->rating, 4.5, 1e-9);
    product *r = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), &err);
    cr_assert_eq(r->stock, 2);
    /* errors: unknown field, across a join, a new instance */
    cr_assert_eq(mn_obj_save_expr(p, &product_model, NULL, A, &err, "stok", mn_f(A, "stock"), NULL), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Product has no field named 'stok'");
    err = (mn_err){ 0 };
    cr_assert_neq(mn_obj_save_expr(p, &product_model, NULL, A, &err, "name", mn_f(A, "category__name"), NULL), MN_OK);
    cr_assert_str_eq(err.msg, "Joined field references are not permitted in this query");
    product *n = mn_model_new(&product_model, A, &err);
    cr_assert_eq(mn_obj_save_expr(n, &product_model, NULL, A, &err, "stock", mn_f(A, "stock"), NULL), MN_EINVAL);
    cr_assert(strstr(err.msg, "F() expressions can only be used to update, not to insert."), "%s", err.msg);
    /* plain values only: a plain save */
    cr_assert_eq(mn_obj_save_expr(p, &product_model, NULL, A, &err, "stock", mn_value_int(9), NULL), MN_OK, "%s",
                 err.msg);
    r = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, A), "pk", mn_value_int(p->id)), &err);
    cr_assert_eq(r->stock, 9);
    (void)other;
}
