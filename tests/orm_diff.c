/* Helper of tests/integration/orm_django_diff.sh: the C half of the
 * differential test against Django 3.2's ORM.
 *
 *   orm_diff DATABASE_URL < cases.jsonl > results.jsonl
 *
 * Each input line is one case (JSON; the format is described in
 * tests/integration/orm_django_diff.py, which runs the same cases through
 * Django): a QuerySet built from operations, then one terminal action. Each
 * case runs in a transaction that is rolled back, and prints one JSON line
 * {"n": name, "r": result, "dump": table-after} in the canonical encoding the
 * Python side uses ({"$dec": "1.50"}, {"$dt": isoformat}, {"$f": 1.5}, ...),
 * so the two outputs compare value by value, types included. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

/* ---- the models (the same as the Python script's) ---- */

typedef struct category {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_value meta;
} category;

static const mn_field category_fields[] = {
    MN_FIELD_BIGAUTO(category, id),
    MN_FIELD_CHAR(category, name, .max_length = 50, .unique = true),
    MN_FIELD_JSON(category, meta, .null = true, .blank = true),
    MN_FIELD_END,
};
static mn_model category_model = MN_MODEL(category, "diff", "Category", category_fields,
                                          .meta = { .ordering = MN_NAMES("name"),
                                                    .verbose_name_plural = "categories" });

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
    mn_decimal price;
    int32_t stock;
    double rating;
    bool available;
    mn_str status;
    int64_t category;
    mn_datetime created;
    mn_date released;
    mn_value tags;
    mn_duration took;
    mn_str code;
    mn_str ip;
    mn_str note;
    int16_t weight;
} product;

static const mn_choice status_choices[] = {
    { "draft", "Draft" }, { "published", "Published" }, { "archived", "Archived" }, { NULL, NULL },
};

static int no_nine(mn_value v, mn_err *err)
{
    if (v.type == MN_VALUE_INT && v.u.i == 9)
        return mn_err_set(err, MN_EINVAL, "Nine is not allowed.");
    return MN_OK;
}
static const mn_validator_fn stock_validators[] = { no_nine, NULL };

static mn_model product_model;

static int product_clean(void *obj, mn_err *err)
{
    product *p = obj;
    if (p->status.len == 9 && !memcmp(p->status.ptr, "published", 9) && mn_obj_is_null(p, &product_model, "released"))
        return mn_err_set(err, MN_EINVAL, "A published product needs a release date.");
    return MN_OK;
}

static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 100),
    MN_FIELD_SLUG(product, slug, .max_length = 50, .unique = true),
    MN_FIELD_DECIMAL(product, price, .max_digits = 8, .decimal_places = 2),
    MN_FIELD_INT(product, stock, .default_value = "0", .validators = stock_validators),
    MN_FIELD_FLOAT(product, rating, .null = true, .blank = true),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_CHAR(product, status, .max_length = 10, .choices = status_choices, .default_value = "draft"),
    MN_FIELD_FOREIGNKEY(product, category, category_model, .null = true, .blank = true,
                        .related_name = "products"),
    MN_FIELD_DATETIME(product, created),
    MN_FIELD_DATE(product, released, .null = true, .blank = true),
    MN_FIELD_JSON(product, tags, .null = true, .blank = true),
    MN_FIELD_DURATION(product, took, .null = true, .blank = true),
    MN_FIELD_UUID(product, code, .null = true, .blank = true),
    MN_FIELD_IP(product, ip, .null = true, .blank = true),
    MN_FIELD_TEXT(product, note, .blank = true, .default_value = ""),
    MN_FIELD_POSSMALLINT(product, weight, .default_value = "1"),
    MN_FIELD_END,
};
static mn_model product_model = MN_MODEL(product, "diff", "Product", product_fields,
                                         .meta = { .unique_together = (const char *const *const[]){
                                                       MN_NAMES("name", "category"), NULL } },
                                         .hooks = { .clean = product_clean });

typedef struct review {
    mn_obj mn;
    int64_t id;
    int64_t product;
    int16_t score;
    mn_str body;
} review;

static const mn_field review_fields[] = {
    MN_FIELD_BIGAUTO(review, id),
    MN_FIELD_FOREIGNKEY(review, product, product_model, .related_name = "reviews"),
    MN_FIELD_SMALLINT(review, score),
    MN_FIELD_TEXT(review, body, .blank = true, .default_value = ""),
    MN_FIELD_END,
};
static mn_model review_model = MN_MODEL(review, "diff", "Review", review_fields);

static mn_model *model_named(const char *name)
{
    if (!strcmp(name, "Category"))
        return &category_model;
    if (!strcmp(name, "Product"))
        return &product_model;
    if (!strcmp(name, "Review"))
        return &review_model;
    return NULL;
}

/* ---- case state ---- */

static mn_arena *A;
static mn_db *DB;

/* A case stops at its first error, which becomes its result. */
typedef struct failure {
    int code;
    char msg[MN_ERR_MSG_MAX];
} failure;
static failure F;

static void fail_with(const mn_err *err)
{
    if (F.code)
        return;
    F.code = err->code ? err->code : MN_EINVAL;
    snprintf(F.msg, sizeof F.msg, "%s", err->msg);
}

/* qs's instances into *items and *n; false (the failure recorded) when
 * the QuerySet failed. */
static bool items_of(mn_qs *qs, void ***items, size_t *n)
{
    *items = mn_qs_items(qs, n);
    if (!*items && mn_qs_error(qs)->code) {
        fail_with(mn_qs_error(qs));
        return false;
    }
    return true;
}

static void fail_msg(const char *fmt, ...)
{
    if (F.code)
        return;
    va_list ap;
    va_start(ap, fmt);
    F.code = MN_EINVAL;
    vsnprintf(F.msg, sizeof F.msg, fmt, ap);
    va_end(ap);
}

static const char *cstr(mn_value v)
{
    if (v.type != MN_VALUE_STR)
        return "";
    return mn_str_dup(A, v.u.s);
}

static mn_value key(mn_value map, const char *k) { return map.type == MN_VALUE_MAP ? mn_map_get_cstr(map.u.map, k) : mn_value_null(); }

/* ---- decoding values and Q objects ---- */

static mn_qobj *decode_q(mn_value v);
static mn_qs *build(mn_value spec);

static mn_value decode(mn_value v)
{
    if (v.type == MN_VALUE_LIST) {
        mn_list *out = mn_list_new(A, mn_list_len(v.u.list));
        for (size_t i = 0; i < mn_list_len(v.u.list); i++)
            mn_list_push(out, decode(mn_list_get(v.u.list, i)));
        return mn_value_list(out);
    }
    if (v.type != MN_VALUE_MAP || mn_map_len(v.u.map) == 0)
        return v;
    mn_str k = mn_map_key_at(v.u.map, 0);
    mn_value x = mn_map_value_at(v.u.map, 0);
    mn_err err = { 0 };
    if (mn_str_eq(k, MN_STR("$dec"))) {
        mn_decimal d;
        if (mn_decimal_parse(x.u.s, &d, &err) != MN_OK)
            fail_with(&err);
        return mn_value_decimal(d);
    }
    if (mn_str_eq(k, MN_STR("$date"))) {
        mn_date d;
        if (mn_date_parse(x.u.s, &d, &err) != MN_OK)
            fail_with(&err);
        return mn_value_date(d);
    }
    if (mn_str_eq(k, MN_STR("$time"))) {
        mn_time t;
        if (mn_time_parse(x.u.s, &t, &err) != MN_OK)
            fail_with(&err);
        return mn_value_time(t);
    }
    if (mn_str_eq(k, MN_STR("$dt"))) {
        mn_datetime dt;
        if (mn_datetime_parse(x.u.s, &dt, &err) != MN_OK)
            fail_with(&err);
        return mn_value_datetime(dt);
    }
    if (mn_str_eq(k, MN_STR("$dur")))
        return mn_value_duration((mn_duration){ x.u.i });
    if (mn_str_eq(k, MN_STR("$json")))
        return x;
    if (mn_str_eq(k, MN_STR("$F")))
        return mn_f(A, cstr(x));
    if (mn_str_eq(k, MN_STR("$add")) || mn_str_eq(k, MN_STR("$sub")) || mn_str_eq(k, MN_STR("$mul")) ||
        mn_str_eq(k, MN_STR("$div"))) {
        mn_value a = decode(mn_list_get(x.u.list, 0)), b = decode(mn_list_get(x.u.list, 1));
        switch (k.ptr[1]) {
        case 'a': return mn_expr_add(A, a, b);
        case 's': return mn_expr_sub(A, a, b);
        case 'm': return mn_expr_mul(A, a, b);
        default: return mn_expr_div(A, a, b);
        }
    }
    if (mn_str_eq(k, MN_STR("$agg"))) {
        const char *kind = cstr(x);
        mn_value of = key(v, "of");
        static const char *const kinds[] = { "Count", "Sum", "Avg", "Max", "Min" };
        int ki = -1;
        for (int i = 0; i < 5; i++)
            if (!strcmp(kinds[i], kind))
                ki = i;
        if (ki < 0) {
            fail_msg("harness: aggregate %s", kind);
            return mn_value_null();
        }
        mn_value agg = of.type == MN_VALUE_STR ? (ki == 0   ? mn_count(A, cstr(of))
                                                  : ki == 1 ? mn_sum(A, cstr(of))
                                                  : ki == 2 ? mn_avg(A, cstr(of))
                                                  : ki == 3 ? mn_max(A, cstr(of))
                                                            : mn_min(A, cstr(of)))
                                               : mn_agg_of(A, (mn_agg_kind)ki, decode(of));
        if (key(v, "distinct").type == MN_VALUE_BOOL && key(v, "distinct").u.b)
            agg = mn_agg_distinct(agg);
        if (key(v, "filter").type != MN_VALUE_NULL)
            agg = mn_agg_filter(agg, decode_q(key(v, "filter")));
        return agg;
    }
    if (mn_str_eq(k, MN_STR("$qs"))) {
        mn_value out = mn_value_null();
        if (mn_qs_to_value(build(x), &out, &err) != MN_OK)
            fail_with(&err);
        return out;
    }
    /* a plain map (JSON data) */
    return v;
}

/* {"lookup": v, ...} (the AND of its items), ["and", Q...], ["or", Q...], ["not", Q] */
static mn_qobj *decode_q(mn_value v)
{
    if (v.type == MN_VALUE_MAP) {
        mn_qobj *q = NULL;
        for (size_t i = 0; i < mn_map_len(v.u.map); i++) {
            mn_value val = decode(mn_map_value_at(v.u.map, i));
            mn_qobj *leaf = mn_q(A, mn_str_dup(A, mn_map_key_at(v.u.map, i)), val);
            q = q ? mn_q_and(q, leaf) : leaf;
        }
        return q ? q : mn_q(A, "pk__isnull", mn_value_bool(false));
    }
    const char *op = cstr(mn_list_get(v.u.list, 0));
    size_t n = mn_list_len(v.u.list);
    if (!strcmp(op, "not"))
        return mn_q_not(decode_q(mn_list_get(v.u.list, 1)));
    mn_qobj *q = decode_q(mn_list_get(v.u.list, 1));
    for (size_t i = 2; i < n; i++) {
        mn_qobj *b = decode_q(mn_list_get(v.u.list, i));
        q = !strcmp(op, "or") ? mn_q_or(q, b) : mn_q_and(q, b);
    }
    return q;
}

/* Up to 8 names from a JSON list for the variadic calls (20 for the
 * harness's own loops), padded with NULL. */
typedef struct names8 {
    const char *n[21];
    size_t len;
} names8;

static names8 names_of(mn_value l)
{
    names8 r = { { 0 }, 0 };
    if (l.type != MN_VALUE_LIST)
        return r;
    for (size_t i = 0; i < mn_list_len(l.u.list) && i < 20; i++)
        r.n[r.len++] = cstr(mn_list_get(l.u.list, i));
    return r;
}
#define N8(x) (x).n[0], (x).n[1], (x).n[2], (x).n[3], (x).n[4], (x).n[5], (x).n[6], (x).n[7], NULL

/* Up to 6 (name, value) pairs from a JSON object, for the variadic calls. */
typedef struct pairs6 {
    const char *k[7];
    mn_value v[7];
} pairs6;

static pairs6 pairs_of(mn_value map)
{
    pairs6 r;
    memset(&r, 0, sizeof r);
    if (map.type != MN_VALUE_MAP)
        return r;
    for (size_t i = 0; i < mn_map_len(map.u.map) && i < 6; i++) {
        r.k[i] = mn_str_dup(A, mn_map_key_at(map.u.map, i));
        r.v[i] = decode(mn_map_value_at(map.u.map, i));
    }
    return r;
}
#define P6(p)                                                                                              \
    (p).k[0], (p).v[0], (p).k[1], (p).v[1], (p).k[2], (p).v[2], (p).k[3], (p).v[3], (p).k[4], (p).v[4], \
        (p).k[5], (p).v[5], NULL

/* ---- building a QuerySet from {"m": model, "q": [ops]} ---- */

static mn_qs *apply(mn_qs *qs, mn_value op)
{
    const char *name = cstr(mn_list_get(op.u.list, 0));
    mn_value a1 = mn_list_len(op.u.list) > 1 ? mn_list_get(op.u.list, 1) : mn_value_null();
    mn_value a2 = mn_list_len(op.u.list) > 2 ? mn_list_get(op.u.list, 2) : mn_value_null();
    if (!strcmp(name, "filter"))
        return mn_qs_filter_q(qs, decode_q(a1));
    if (!strcmp(name, "exclude"))
        return mn_qs_exclude_q(qs, decode_q(a1));
    if (!strcmp(name, "order_by")) {
        names8 n = names_of(a1);
        return mn_qs_order_by(qs, N8(n));
    }
    if (!strcmp(name, "reverse"))
        return mn_qs_reverse(qs);
    if (!strcmp(name, "distinct"))
        return mn_qs_distinct(qs);
    if (!strcmp(name, "none"))
        return mn_qs_none(qs);
    if (!strcmp(name, "select_for_update") && a1.type == MN_VALUE_MAP) {
        /* {"nowait": bool, "skip_locked": bool, "no_key": bool, "of": [names]} */
        mn_value nw = key(a1, "nowait"), sl = key(a1, "skip_locked"), nk = key(a1, "no_key");
        unsigned flags = (nw.type == MN_VALUE_BOOL && nw.u.b ? MN_SFU_NOWAIT : 0) |
                         (sl.type == MN_VALUE_BOOL && sl.u.b ? MN_SFU_SKIP_LOCKED : 0) |
                         (nk.type == MN_VALUE_BOOL && nk.u.b ? MN_SFU_NO_KEY : 0);
        names8 n = names_of(key(a1, "of"));
        return mn_qs_select_for_update_opts(qs, flags, N8(n));
    }
    if (!strcmp(name, "select_for_update"))
        return mn_qs_select_for_update(qs);
    if (!strcmp(name, "select_related")) {
        names8 n = names_of(a1);
        return mn_qs_select_related(qs, N8(n));
    }
    if (!strcmp(name, "slice"))
        return mn_qs_slice(qs, a1.type == MN_VALUE_INT ? a1.u.i : 0, a2.type == MN_VALUE_INT ? a2.u.i : -1);
    if (!strcmp(name, "values")) {
        names8 n = names_of(a1);
        return mn_qs_values(qs, N8(n));
    }
    if (!strcmp(name, "values_list")) {
        names8 n = names_of(a1);
        const char *how = cstr(a2);
        unsigned flags = !strcmp(how, "flat") ? MN_QS_FLAT : !strcmp(how, "named") ? MN_QS_NAMED : 0;
        return mn_qs_values_list(qs, flags, N8(n));
    }
    if (!strcmp(name, "dates") || !strcmp(name, "datetimes")) {
        mn_value a3 = mn_list_len(op.u.list) > 3 ? mn_list_get(op.u.list, 3) : mn_value_null();
        return (name[5] ? mn_qs_datetimes : mn_qs_dates)(qs, cstr(a1), cstr(a2),
                                                          a3.type == MN_VALUE_STR ? cstr(a3) : NULL);
    }
    if (!strcmp(name, "only")) {
        names8 n = names_of(a1);
        return mn_qs_only(qs, N8(n));
    }
    if (!strcmp(name, "defer")) {
        names8 n = names_of(a1);
        return mn_qs_defer(qs, N8(n));
    }
    if (!strcmp(name, "annotate")) {
        for (size_t i = 0; i < mn_map_len(a1.u.map); i++)
            qs = mn_qs_annotate(qs, mn_str_dup(A, mn_map_key_at(a1.u.map, i)),
                                decode(mn_map_value_at(a1.u.map, i)), NULL);
        return qs;
    }
    fail_msg("harness: unknown operation %s", name);
    return qs;
}

static mn_qs *build(mn_value spec)
{
    mn_model *m = model_named(cstr(key(spec, "m")));
    if (!m) {
        fail_msg("harness: unknown model");
        return NULL;
    }
    mn_qs *qs = mn_qs_all(m, A);
    mn_value ops = key(spec, "q");
    if (ops.type == MN_VALUE_LIST)
        for (size_t i = 0; i < mn_list_len(ops.u.list); i++)
            qs = apply(qs, mn_list_get(ops.u.list, i));
    return qs;
}

/* ---- encoding results ---- */

static void enc(mn_buf *b, mn_value v);

static void enc_str(mn_buf *b, mn_str s)
{
    mn_err err = { 0 };
    mn_str j = mn_json_dumps(A, mn_value_str(s), 0, &err);
    mn_buf_put_str(b, j);
}

static void enc(mn_buf *b, mn_value v)
{
    switch ((mn_vtype)v.type) {
    case MN_VALUE_NULL: mn_buf_puts(b, "null"); break;
    case MN_VALUE_BOOL: mn_buf_puts(b, v.u.b ? "true" : "false"); break;
    case MN_VALUE_INT: mn_buf_printf(b, "%lld", (long long)v.u.i); break;
    case MN_VALUE_FLOAT: mn_buf_printf(b, "{\"$f\": %.17g}", v.u.f); break;
    case MN_VALUE_DECIMAL:
        mn_buf_puts(b, "{\"$dec\": \"");
        mn_decimal_write(b, v.u.d);
        mn_buf_puts(b, "\"}");
        break;
    case MN_VALUE_STR: enc_str(b, v.u.s); break;
    case MN_VALUE_DATE:
        mn_buf_puts(b, "{\"$date\": \"");
        mn_date_write(b, v.u.date);
        mn_buf_puts(b, "\"}");
        break;
    case MN_VALUE_TIME:
        mn_buf_puts(b, "{\"$time\": \"");
        mn_time_write(b, v.u.time);
        mn_buf_puts(b, "\"}");
        break;
    case MN_VALUE_DATETIME:
        mn_buf_puts(b, "{\"$dt\": \"");
        mn_datetime_write(b, v.u.dt, 'T');
        mn_buf_puts(b, "\"}");
        break;
    case MN_VALUE_DURATION: mn_buf_printf(b, "{\"$dur\": %lld}", (long long)v.u.dur.us); break;
    case MN_VALUE_LIST:
        mn_buf_putc(b, '[');
        for (size_t i = 0; i < mn_list_len(v.u.list); i++) {
            if (i)
                mn_buf_puts(b, ", ");
            enc(b, mn_list_get(v.u.list, i));
        }
        mn_buf_putc(b, ']');
        break;
    case MN_VALUE_MAP:
        mn_buf_putc(b, '{');
        for (size_t i = 0; i < mn_map_len(v.u.map); i++) {
            if (i)
                mn_buf_puts(b, ", ");
            enc_str(b, mn_map_key_at(v.u.map, i));
            mn_buf_puts(b, ": ");
            enc(b, mn_map_value_at(v.u.map, i));
        }
        mn_buf_putc(b, '}');
        break;
    case MN_VALUE_OBJECT: {
        void *obj = mn_obj_from_value(v);
        if (obj) {
            /* every model here keeps its header first */
            const mn_obj *h = obj;
            mn_buf_printf(b, "{\"$obj\": %lld}", (long long)mn_obj_pk(obj, (mn_model *)h->model));
        } else {
            mn_buf_puts(b, "\"<object>\"");
        }
        break;
    }
    default: mn_buf_puts(b, "\"<value>\""); break;
    }
}

static mn_value pk_list(void **items, size_t n, mn_model *m)
{
    mn_list *l = mn_list_new(A, n);
    for (size_t i = 0; i < n; i++)
        mn_list_push(l, mn_value_int(mn_obj_pk(items[i], m)));
    return mn_value_list(l);
}

/* [pk, field values...] of an instance */
static mn_value field_row(void *obj, mn_model *m, names8 n)
{
    mn_list *row = mn_list_new(A, n.len + 1);
    mn_list_push(row, mn_value_int(mn_obj_pk(obj, m)));
    for (size_t i = 0; i < n.len; i++) {
        mn_value v = mn_value_null();
        mn_err err = { 0 };
        if (mn_obj_get(obj, m, n.n[i], &v) != MN_OK) {
            v = mn_value_null();
            mn_err_set(&err, err.code ? err.code : MN_ENOTFOUND, "%s", err.code ? err.msg : "no such field");
            fail_with(&err);
        }
        mn_list_push(row, v);
    }
    return mn_value_list(row);
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* sorted(obj.get_deferred_fields()) */
static mn_value deferred_sorted(void *obj, mn_model *m)
{
    size_t n = 0;
    const char **names = mn_obj_deferred_fields(obj, m, A, &n);
    mn_list *l = mn_list_new(A, n);
    if (names)
        qsort(names, n, sizeof *names, cmp_cstr);
    for (size_t i = 0; names && i < n; i++)
        mn_list_push(l, mn_value_cstr(names[i]));
    return mn_value_list(l);
}

static void *load(mn_model *m, int64_t pk)
{
    mn_err err = { 0 };
    void *obj = mn_qs_get(mn_qs_filter(mn_qs_all(m, A), "pk", mn_value_int(pk)), &err);
    if (!obj)
        fail_with(&err);
    return obj;
}

/* Sets fields as Django's setattr does. C members hold typed values, so a
 * value Django would only reject in full_clean is refused here: with
 * set_errors, such refusals are collected as full_clean's errors would be
 * ({field: [message]}, without the "Product.price: " context). */
static void set_fields_collect(void *obj, mn_model *m, mn_value fields, mn_map *set_errors)
{
    if (fields.type != MN_VALUE_MAP)
        return;
    for (size_t i = 0; i < mn_map_len(fields.u.map) && !F.code; i++) {
        mn_err err = { 0 };
        const char *name = mn_str_dup(A, mn_map_key_at(fields.u.map, i));
        if (mn_obj_set(obj, m, name, decode(mn_map_value_at(fields.u.map, i)), A, &err) != MN_OK) {
            if (!set_errors || (err.code != MN_EINVAL && err.code != MN_ERANGE)) {
                fail_with(&err);
                continue;
            }
            const char *msg = err.msg;
            const char *ctx = mn_arena_sprintf(A, "%s.%s: ", m->name, name);
            if (!strncmp(msg, ctx, strlen(ctx)))
                msg += strlen(ctx);
            mn_list *l = mn_list_new(A, 1);
            mn_list_push(l, mn_value_cstr(mn_arena_sprintf(A, "%s", msg)));
            const char *key_name = name;
            size_t kl = strlen(name);
            if (kl > 3 && !strcmp(name + kl - 3, "_id"))
                key_name = mn_arena_sprintf(A, "%.*s", (int)(kl - 3), name);
            mn_map_set_cstr(set_errors, key_name, mn_value_list(l));
        }
    }
}

static void set_fields(void *obj, mn_model *m, mn_value fields) { set_fields_collect(obj, m, fields, NULL); }

static void *new_obj(mn_model *m, mn_value fields)
{
    mn_err err = { 0 };
    void *obj = mn_model_new(m, A, &err);
    if (!obj) {
        fail_with(&err);
        return NULL;
    }
    set_fields(obj, m, fields);
    return obj;
}

/* ---- terminal actions ---- */

static mn_value run_terminal(mn_model *m, mn_qs *qs, mn_value act)
{
    mn_err err = { 0 };
    const char *name = act.type == MN_VALUE_STR ? cstr(act) : cstr(mn_list_get(act.u.list, 0));
    mn_value a1 = act.type == MN_VALUE_LIST && mn_list_len(act.u.list) > 1 ? mn_list_get(act.u.list, 1) : mn_value_null();
    mn_value a2 = act.type == MN_VALUE_LIST && mn_list_len(act.u.list) > 2 ? mn_list_get(act.u.list, 2) : mn_value_null();
    mn_value a3 = act.type == MN_VALUE_LIST && mn_list_len(act.u.list) > 3 ? mn_list_get(act.u.list, 3) : mn_value_null();
    if (F.code)
        return mn_value_null();
    if (!strcmp(name, "pks")) {
        size_t n;
        void **items;
        if (!items_of(qs, &items, &n))
            return mn_value_null();
        return pk_list(items, n, m);
    }
    if (!strcmp(name, "rows")) {
        mn_list *rows = mn_qs_rows(qs);
        if (!rows) {
            fail_with(mn_qs_error(qs));
            return mn_value_null();
        }
        return mn_value_list(rows);
    }
    if (!strcmp(name, "fields") || !strcmp(name, "annots")) {
        names8 n = names_of(a1);
        size_t len;
        void **items;
        if (!items_of(qs, &items, &len))
            return mn_value_null();
        mn_list *l = mn_list_new(A, len);
        for (size_t i = 0; i < len; i++) {
            if (name[0] == 'f') {
                mn_list_push(l, field_row(items[i], m, n));
            } else {
                mn_list *row = mn_list_new(A, n.len + 1);
                mn_list_push(row, mn_value_int(mn_obj_pk(items[i], m)));
                for (size_t j = 0; j < n.len; j++)
                    mn_list_push(row, mn_obj_annotation(items[i], m, n.n[j]));
                mn_list_push(l, mn_value_list(row));
            }
        }
        return mn_value_list(l);
    }
    if (!strcmp(name, "count")) {
        int64_t c = mn_qs_count(qs, &err);
        if (c < 0)
            fail_with(&err);
        return mn_value_int(c);
    }
    if (!strcmp(name, "exists")) {
        int r = mn_qs_exists(qs, &err);
        if (r < 0)
            fail_with(&err);
        return mn_value_bool(r == 1);
    }
    if (!strcmp(name, "first") || !strcmp(name, "last") || !strcmp(name, "get")) {
        void *obj = name[0] == 'f' ? mn_qs_first(qs, &err) : name[0] == 'l' ? mn_qs_last(qs, &err) : mn_qs_get(qs, &err);
        if (!obj) {
            if (err.code)
                fail_with(&err);
            return mn_value_null();
        }
        return mn_value_int(mn_obj_pk(obj, m));
    }
    if (!strcmp(name, "aggregate")) {
        pairs6 p = pairs_of(a1);
        mn_map *r = mn_qs_aggregate(qs, &err, P6(p));
        if (!r) {
            fail_with(&err);
            return mn_value_null();
        }
        return mn_value_map(r);
    }
    if (!strcmp(name, "update")) {
        pairs6 p = pairs_of(a1);
        int64_t n = mn_qs_update(qs, &err, P6(p));
        if (n < 0)
            fail_with(&err);
        return mn_value_int(n);
    }
    if (!strcmp(name, "delete")) {
        mn_map *per = NULL;
        int64_t n = mn_qs_delete(qs, &per, &err);
        if (n < 0) {
            fail_with(&err);
            return mn_value_null();
        }
        mn_list *l = mn_list_new(A, 2);
        mn_list_push(l, mn_value_int(n));
        mn_list_push(l, per ? mn_value_map(per) : mn_value_map(mn_map_new(A, 0)));
        return mn_value_list(l);
    }
    if (!strcmp(name, "obj_delete")) {
        void *obj = load(m, a1.u.i);
        if (!obj)
            return mn_value_null();
        mn_map *per = NULL;
        int64_t n = mn_obj_delete_counts(obj, m, NULL, A, &per, &err);
        if (n < 0) {
            fail_with(&err);
            return mn_value_null();
        }
        mn_list *l = mn_list_new(A, 2);
        mn_list_push(l, mn_value_int(n));
        mn_list_push(l, per ? mn_value_map(per) : mn_value_map(mn_map_new(A, 0)));
        return mn_value_list(l);
    }
    if (!strcmp(name, "in_bulk")) {
        static mn_value none[1];
        mn_value *ids = NULL;
        size_t nids = 0;
        if (a1.type == MN_VALUE_LIST) {
            nids = mn_list_len(a1.u.list);
            ids = nids ? mn_list_items(a1.u.list) : none;
        }
        mn_map *r = mn_qs_in_bulk_field(qs, a2.type == MN_VALUE_STR ? cstr(a2) : NULL, ids, nids, &err);
        if (!r) {
            fail_with(&err);
            return mn_value_null();
        }
        return mn_value_map(r);
    }
    if (!strcmp(name, "get_or_create") || !strcmp(name, "update_or_create")) {
        mn_qs *q2 = qs;
        if (a1.type == MN_VALUE_MAP && mn_map_len(a1.u.map))
            q2 = mn_qs_filter_q(qs, decode_q(a1));
        pairs6 p = pairs_of(a2);
        bool created = false;
        void *obj = name[0] == 'g' ? mn_qs_get_or_create(q2, &created, &err, P6(p))
                                   : mn_qs_update_or_create(q2, &created, &err, P6(p));
        if (!obj) {
            fail_with(&err);
            return mn_value_null();
        }
        mn_list *l = mn_list_new(A, 3);
        mn_list_push(l, mn_value_int(mn_obj_pk(obj, m)));
        mn_list_push(l, mn_value_bool(created));
        if (a3.type == MN_VALUE_LIST) { /* the instance's values afterwards */
            mn_list_push(l, field_row(obj, m, names_of(a3)));
        }
        return mn_value_list(l);
    }
    if (!strcmp(name, "create")) {
        pairs6 p = pairs_of(a1);
        void *obj = mn_model_create(m, A, &err, P6(p));
        if (!obj) {
            fail_with(&err);
            return mn_value_null();
        }
        return mn_value_int(mn_obj_pk(obj, m));
    }
    if (!strcmp(name, "bulk_create")) {
        size_t n = mn_list_len(a1.u.list);
        void **objs = mn_arena_alloc(A, (n + 1) * sizeof *objs);
        for (size_t i = 0; i < n; i++)
            objs[i] = new_obj(m, mn_list_get(a1.u.list, i));
        if (F.code)
            return mn_value_null();
        unsigned flags = a3.type == MN_VALUE_BOOL && a3.u.b ? MN_BULK_IGNORE_CONFLICTS : 0;
        if (mn_model_bulk_create_opts(m, objs, n, a2.type == MN_VALUE_INT ? (size_t)a2.u.i : 0, flags, NULL, &err) !=
            MN_OK) {
            fail_with(&err);
            return mn_value_null();
        }
        mn_list *pks = mn_list_new(A, n);
        for (size_t i = 0; i < n; i++) /* a key left unset is None */
            mn_list_push(pks, mn_obj_pk(objs[i], m) ? mn_value_int(mn_obj_pk(objs[i], m)) : mn_value_null());
        return mn_value_list(pks);
    }
    if (!strcmp(name, "bulk_update")) {
        /* [[pk, {changes}], ...], [fields], batch_size */
        size_t n = mn_list_len(a1.u.list);
        void **objs = mn_arena_alloc(A, (n + 1) * sizeof *objs);
        for (size_t i = 0; i < n && !F.code; i++) {
            mn_value it = mn_list_get(a1.u.list, i);
            objs[i] = load(m, mn_list_get(it.u.list, 0).u.i);
            if (objs[i])
                set_fields(objs[i], m, mn_list_get(it.u.list, 1));
        }
        if (F.code)
            return mn_value_null();
        names8 f = names_of(a2);
        if (mn_model_bulk_update(m, objs, n, f.n, a3.type == MN_VALUE_INT ? (size_t)a3.u.i : 0, NULL, &err) < 0)
            fail_with(&err);
        return mn_value_null(); /* Django 3.2's bulk_update returns None */
    }
    if (!strcmp(name, "save")) {
        /* pk (null: a new instance), {changes}, update_fields (null: all) */
        void *obj = a1.type == MN_VALUE_INT ? load(m, a1.u.i) : new_obj(m, mn_value_null());
        if (!obj)
            return mn_value_null();
        pairs6 p = pairs_of(a2);
        bool exprs = false;
        for (size_t i = 0; i < 6; i++)
            exprs |= p.k[i] && p.v[i].type == MN_VALUE_OBJECT && p.v[i].u.obj.type == &mn_expr_type;
        if (exprs && a3.type != MN_VALUE_LIST) { /* p.stock = F("stock") + 1; p.save() */
            if (mn_obj_save_expr(obj, m, NULL, A, &err, P6(p)) != MN_OK) {
                fail_with(&err);
                return mn_value_null();
            }
            return mn_value_int(mn_obj_pk(obj, m));
        }
        set_fields(obj, m, a2);
        if (F.code)
            return mn_value_null();
        names8 f = names_of(a3);
        if (mn_obj_save(obj, m, NULL, a3.type == MN_VALUE_LIST ? f.n : NULL, &err) != MN_OK) {
            fail_with(&err);
            return mn_value_null();
        }
        return mn_value_int(mn_obj_pk(obj, m));
    }
    if (!strcmp(name, "full_clean")) {
        /* {fields}, pk (null: a new instance) */
        void *obj = a2.type == MN_VALUE_INT ? load(m, a2.u.i) : new_obj(m, mn_value_null());
        if (!obj)
            return mn_value_null();
        mn_map *set_errors = mn_map_new(A, 4);
        set_fields_collect(obj, m, a1, set_errors);
        if (F.code)
            return mn_value_null();
        mn_map *errors = NULL;
        int rc = mn_obj_full_clean(obj, m, A, &errors, &err);
        if (rc != MN_OK && rc != MN_EINVAL) {
            fail_with(&err);
            return mn_value_null();
        }
        if (!errors)
            errors = mn_map_new(A, 0);
        /* Django reports the field's to_python error instead of what its
         * (unset) value would give; keep the field order of the model */
        mn_map *merged = mn_map_new(A, 8);
        for (size_t i = 0; i < mn_model_nfields(m); i++) {
            mn_str fname = mn_str_from(mn_model_field(m, i)->name);
            if (mn_map_has(set_errors, fname))
                mn_map_set(merged, fname, mn_map_get(set_errors, fname));
            else if (mn_map_has(errors, fname))
                mn_map_set(merged, fname, mn_map_get(errors, fname));
        }
        for (size_t i = 0; i < mn_map_len(errors); i++)
            if (!mn_map_has(merged, mn_map_key_at(errors, i)))
                mn_map_set(merged, mn_map_key_at(errors, i), mn_map_value_at(errors, i));
        return mn_value_map(merged);
    }
    if (!strcmp(name, "refresh")) {
        /* pk, {changes made in memory}, [fields] (null: all) -> the changed fields after */
        void *obj = load(m, a1.u.i);
        if (!obj)
            return mn_value_null();
        set_fields(obj, m, a2);
        mn_value changed = mn_value_list(mn_list_new(A, 4));
        for (size_t i = 0; i < mn_map_len(a2.u.map); i++)
            mn_list_push(changed.u.list, mn_value_str(mn_map_key_at(a2.u.map, i)));
        names8 f = names_of(a3);
        int rc = mn_obj_refresh_fields(obj, m, NULL, a3.type == MN_VALUE_LIST ? f.n : NULL, A, &err);
        if (rc != MN_OK) {
            fail_with(&err);
            return mn_value_null();
        }
        return field_row(obj, m, names_of(changed));
    }
    if (!strcmp(name, "deferred")) {
        /* per instance: [pk, deferred before, the fields read, after
         * refresh_from_db(fields) when a2 is given ("all": no fields),
         * deferred at the end], deferred lists sorted */
        size_t len;
        void **items;
        if (!items_of(qs, &items, &len))
            return mn_value_null();
        mn_list *l = mn_list_new(A, len);
        for (size_t i = 0; i < len; i++) {
            mn_list *row = mn_list_new(A, 4);
            mn_list_push(row, mn_value_int(mn_obj_pk(items[i], m)));
            mn_list_push(row, deferred_sorted(items[i], m));
            mn_list_push(row, field_row(items[i], m, names_of(a1)));
            if (a2.type != MN_VALUE_NULL) {
                names8 f = names_of(a2);
                int rc = a2.type == MN_VALUE_STR ? mn_obj_refresh(items[i], m, NULL, A, &err)
                                                 : mn_obj_refresh_fields(items[i], m, NULL, f.n, A, &err);
                if (rc != MN_OK) {
                    fail_with(&err);
                    return mn_value_null();
                }
            }
            mn_list_push(row, deferred_sorted(items[i], m));
            mn_list_push(l, mn_value_list(row));
        }
        return mn_value_list(l);
    }
    if (!strcmp(name, "display")) {
        void *obj = load(m, a1.u.i);
        if (!obj)
            return mn_value_null();
        return mn_value_str(mn_obj_display(obj, m, cstr(a2), A));
    }
    if (!strcmp(name, "raw")) {
        mn_list *params = a2.type == MN_VALUE_LIST ? decode(a2).u.list : NULL;
        mn_qs *r = mn_qs_raw(m, A, cstr(a1), params ? mn_list_items(params) : NULL, params ? mn_list_len(params) : 0);
        size_t n;
        void **items = mn_qs_items(r, &n);
        if (!items && mn_qs_error(r)->code) {
            fail_with(mn_qs_error(r));
            return mn_value_null();
        }
        return pk_list(items, n, m);
    }
    if (!strcmp(name, "iterator")) {
        mn_qs_iter *it = mn_qs_iterator(qs, a1.type == MN_VALUE_INT ? (size_t)a1.u.i : 0);
        mn_list *l = mn_list_new(A, 8);
        void *obj;
        while ((obj = mn_qs_iter_next(it, &err)))
            mn_list_push(l, mn_value_int(mn_obj_pk(obj, m)));
        mn_qs_iter_close(it);
        if (err.code) {
            fail_with(&err);
            return mn_value_null();
        }
        return mn_value_list(l);
    }
    if (!strcmp(name, "explain")) {
        /* ["explain", format, {option: bool}] (up to 4 options) */
        const char *on[4] = { 0 };
        int ov[4] = { 0 };
        for (size_t i = 0; a2.type == MN_VALUE_MAP && i < mn_map_len(a2.u.map) && i < 4; i++) {
            on[i] = mn_str_dup(A, mn_map_key_at(a2.u.map, i));
            mn_value v = mn_map_value_at(a2.u.map, i);
            ov[i] = v.type == MN_VALUE_BOOL ? v.u.b : v.type == MN_VALUE_INT ? v.u.i != 0 : 0;
        }
        const char *plan = a1.type == MN_VALUE_NULL && a2.type == MN_VALUE_NULL
                               ? mn_qs_explain(qs, &err)
                               : mn_qs_explain_opts(qs, &err, a1.type == MN_VALUE_STR ? cstr(a1) : NULL, on[0], ov[0],
                                                    on[1], ov[1], on[2], ov[2], on[3], ov[3], NULL);
        if (!plan)
            fail_with(&err);
        return mn_value_bool(plan && *plan);
    }
    if (!strcmp(name, "sql")) {
        const char *sql = mn_qs_sql(qs, NULL, &err);
        if (!sql) {
            fail_with(&err);
            return mn_value_null();
        }
        return mn_value_cstr(sql);
    }
    if (!strcmp(name, "verbose")) {
        mn_list *l = mn_list_new(A, 3);
        mn_list_push(l, mn_value_cstr(mn_model_table(m)));
        mn_list_push(l, mn_value_cstr(mn_model_verbose_name(m)));
        mn_list_push(l, mn_value_cstr(mn_model_verbose_name_plural(m)));
        return mn_value_list(l);
    }
    fail_msg("harness: unknown action %s", name);
    return mn_value_null();
}

static const char *err_class(int code)
{
    switch (code) {
    case MN_ENOTFOUND: return "DoesNotExist";
    case MN_EMULTIPLE: return "MultipleObjectsReturned";
    case MN_EEXIST:
    case MN_EPERM: return "IntegrityError";
    default: return "Error";
    }
}

static void run_case(mn_value c)
{
    memset(&F, 0, sizeof F);
    mn_err err = { 0 };
    mn_buf out;
    mn_buf_init(&out, A, 0);
    mn_buf_puts(&out, "{\"n\": ");
    enc(&out, key(c, "n"));
    if (mn_db_begin(DB, &err) != MN_OK) {
        fprintf(stderr, "orm_diff: begin: %s\n", err.msg);
        exit(1);
    }
    mn_qs *qs = build(c);
    mn_model *m = model_named(cstr(key(c, "m")));
    mn_value r = m ? run_terminal(m, qs, key(c, "do")) : mn_value_null();
    mn_buf_puts(&out, ", \"r\": ");
    if (F.code) {
        mn_buf_printf(&out, "[\"$err\", \"%s\", ", err_class(F.code));
        enc_str(&out, mn_str_from(F.msg));
        mn_buf_putc(&out, ']');
    } else {
        enc(&out, r);
    }
    mn_value dump = key(c, "dump");
    if (dump.type == MN_VALUE_LIST && !F.code) {
        mn_model *dm = model_named(cstr(mn_list_get(dump.u.list, 0)));
        mn_qs *all = mn_qs_order_by(mn_qs_all(dm, A), "pk", NULL);
        size_t n;
        void **items = mn_qs_items(all, &n);
        names8 f = names_of(mn_list_get(dump.u.list, 1));
        mn_list *l = mn_list_new(A, n);
        for (size_t i = 0; items && i < n; i++)
            mn_list_push(l, field_row(items[i], dm, f));
        mn_buf_puts(&out, ", \"dump\": ");
        if (F.code) {
            mn_buf_puts(&out, "[\"$err\", ");
            enc_str(&out, mn_str_from(F.msg));
            mn_buf_putc(&out, ']');
        } else {
            enc(&out, mn_value_list(l));
        }
    }
    mn_buf_putc(&out, '}');
    if (mn_db_depth(DB) > 0)
        mn_db_rollback(DB, &err);
    while (mn_db_depth(DB) > 0)
        mn_db_rollback(DB, &err);
    puts(mn_buf_cstr(&out));
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: orm_diff DATABASE_URL < cases\n");
        return 2;
    }
    mn_err err = { 0 };
    if (mn_tz_set_default(getenv("MN_TIME_ZONE") ? getenv("MN_TIME_ZONE") : "America/Chicago", &err) != MN_OK) {
        fprintf(stderr, "orm_diff: %s\n", err.msg);
        return 1;
    }
    mn_arena *setup = mn_arena_new("orm_diff", 0);
    mn_db_config cfg;
    if (mn_dburl_parse(mn_str_from(argv[1]), setup, &cfg, &err) != MN_OK) {
        fprintf(stderr, "orm_diff: %s\n", err.msg);
        return 1;
    }
    DB = mn_db_open(&cfg, &err);
    if (!DB) {
        fprintf(stderr, "orm_diff: open: %s\n", err.msg);
        return 1;
    }
    mn_orm_use(DB);
    mn_model *const models[] = { &category_model, &product_model, &review_model, NULL };
    if (mn_orm_register(models, &err) != MN_OK) {
        fprintf(stderr, "orm_diff: register: %s\n", err.msg);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        if (len <= 1)
            continue;
        A = mn_arena_new("case", 0);
        mn_value c;
        if (mn_json_loads(A, (mn_str){ line, (size_t)len }, NULL, &c, &err) != MN_OK) {
            fprintf(stderr, "orm_diff: bad case: %s\n", err.msg);
            return 1;
        }
        run_case(c);
        mn_arena_free(A);
    }
    free(line);
    mn_orm_use(NULL);
    mn_db_close(DB);
    mn_arena_free(setup);
    return 0;
}
