/* QuerySets: building, the SQL compiler (per dialect), evaluation. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <math.h>
#include <string.h>
#include "manouche/json.h"
#include "fiber.h"
#include "orm_internal.h"

/* ---- REGEXP for SQLite (PCRE2), registered on every new connection ---- */

static void regexp_free(void *p) { pcre2_code_free(p); }

static void regexp_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    /* The compiled pattern is kept by SQLite for the statement's life when
     * the pattern is a constant or a bound parameter. */
    pcre2_code *re = sqlite3_get_auxdata(ctx, 0);
    bool cached = re != NULL;
    if (!re) {
        int code;
        PCRE2_SIZE off;
        re = pcre2_compile(sqlite3_value_text(argv[0]), (PCRE2_SIZE)sqlite3_value_bytes(argv[0]), PCRE2_UTF | PCRE2_UCP,
                           &code, &off, NULL);
        if (!re) {
            char msg[200];
            PCRE2_UCHAR buf[120];
            pcre2_get_error_message(code, buf, sizeof buf);
            snprintf(msg, sizeof msg, "bad regular expression at offset %zu: %s", (size_t)off, (char *)buf);
            sqlite3_result_error(ctx, msg, -1);
            return;
        }
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    if (mc) /* hostile patterns stop instead of running for ever */
        pcre2_set_match_limit(mc, 1000000);
    int r = md ? pcre2_match(re, sqlite3_value_text(argv[1]), (PCRE2_SIZE)sqlite3_value_bytes(argv[1]), 0, 0, md, mc)
               : PCRE2_ERROR_NOMEMORY;
    pcre2_match_context_free(mc);
    pcre2_match_data_free(md);
    if (r < 0 && r != PCRE2_ERROR_NOMATCH)
        sqlite3_result_error(ctx, "regular expression match failed (too complex or invalid UTF-8)", -1);
    else
        sqlite3_result_int(ctx, r >= 0);
    if (!cached)
        sqlite3_set_auxdata(ctx, 0, re, regexp_free);
}

/* mn_localtime(text, zone): a stored UTC datetime read on the wall clock
 * of zone, as text SQLite's date functions understand; NULL when either is
 * NULL or unreadable. */
static void localtime_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    mn_datetime dt, local;
    mn_str text = mn_str_make((const char *)sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0]));
    const mn_tz *zone = mn_tz_get((const char *)sqlite3_value_text(argv[1]), NULL);
    if (!zone || mn_datetime_parse(text, &dt, NULL) != MN_OK) {
        sqlite3_result_null(ctx);
        return;
    }
    if (!dt.tz)
        dt.tz = mn_tz_utc();
    if (mn_datetime_make_naive(dt, zone, &local, NULL) != MN_OK) {
        sqlite3_result_null(ctx);
        return;
    }
    char out[64];
    mn_date d;
    mn_time t;
    mn_datetime_fields(local, &d, &t);
    snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d:%02d.%06d", (int)d.year, d.month, d.day, t.hour, t.minute,
             t.second, (int)t.usec);
    sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* mn_aware(text, zone): a wall-clock datetime of zone as the stored UTC
 * text (datetimes()' truncated local times); a time the zone skips or
 * repeats is an error, as Django's make_aware (pytz, is_dst=None). */
static void aware_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    mn_datetime naive, dt;
    mn_err err = { 0 };
    mn_str text = mn_str_make((const char *)sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0]));
    const mn_tz *zone = mn_tz_get((const char *)sqlite3_value_text(argv[1]), NULL);
    if (!zone || mn_datetime_parse(text, &naive, NULL) != MN_OK) {
        sqlite3_result_null(ctx);
        return;
    }
    if (mn_datetime_make_aware(naive, zone, MN_IS_DST_NONE, &dt, &err) != MN_OK ||
        mn_datetime_make_naive(dt, mn_tz_utc(), &naive, &err) != MN_OK) {
        sqlite3_result_error(ctx, err.msg, -1);
        return;
    }
    char out[64];
    mn_date d;
    mn_time t;
    mn_datetime_fields(naive, &d, &t);
    snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d:%02d", (int)d.year, d.month, d.day, t.hour, t.minute, t.second);
    sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* Date arithmetic for SQLite, which stores dates and datetimes as text and
 * durations as microseconds: Django's own functions, under Django's names
 * so that schemas and queries of either work on the same file.
 * A value is an integer of microseconds (a duration) or text: a date
 * ("2024-01-05", kind 1) or a datetime ("2024-01-05 10:00:00[.ffffff]",
 * kind 2). Returns 0 when unreadable. */
static int temporal_arg(sqlite3_value *v, int64_t *us)
{
    if (sqlite3_value_type(v) == SQLITE_INTEGER) {
        *us = sqlite3_value_int64(v);
        return 3;
    }
    if (sqlite3_value_type(v) != SQLITE_TEXT)
        return 0;
    mn_str t = mn_str_make((const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
    mn_date d;
    if (t.len == 10 && mn_date_parse(t, &d, NULL) == MN_OK) {
        *us = mn_date_to_days(d) * INT64_C(86400000000);
        return 1;
    }
    mn_datetime dt;
    if (mn_datetime_parse(t, &dt, NULL) != MN_OK)
        return 0;
    if (dt.tz && mn_datetime_make_naive(dt, mn_tz_utc(), &dt, NULL) != MN_OK)
        return 0;
    *us = dt.us;
    return 2;
}

/* django_format_dtdelta(op, lhs, rhs): date/datetime +/- microseconds (or
 * microseconds + date/datetime), as text of the same kind (a date moves by
 * whole days, as Python's date + timedelta does); NULL for other mixes. */
static void dtdelta_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *op = sqlite3_value_text(argv[0]);
    int64_t a, b;
    int ka = temporal_arg(argv[1], &a), kb = temporal_arg(argv[2], &b);
    bool minus = op && op[0] == '-';
    if (!op || !ka || !kb || (ka == 3) == (kb == 3) || (minus && ka == 3)) {
        sqlite3_result_null(ctx);
        return;
    }
    int kind = ka == 3 ? kb : ka;
    int64_t base = ka == 3 ? b : a, delta = ka == 3 ? a : b;
    if (minus)
        delta = -delta;
    mn_buf buf;
    mn_buf_init(&buf, NULL, 64);
    if (kind == 1) {
        int64_t days = base / INT64_C(86400000000), dd = delta / INT64_C(86400000000);
        if (delta % INT64_C(86400000000) < 0)
            dd--; /* timedelta(microseconds=-1).days == -1 */
        mn_date_write(&buf, mn_date_from_days(days + dd));
    } else {
        mn_datetime dt = { .us = base + delta, .tz = NULL };
        mn_datetime_write(&buf, dt, ' ');
    }
    if (mn_buf_error(&buf))
        sqlite3_result_null(ctx);
    else
        sqlite3_result_text(ctx, mn_buf_cstr(&buf), (int)buf.len, SQLITE_TRANSIENT);
    mn_buf_free(&buf);
}

/* django_timestamp_diff(lhs, rhs): lhs - rhs in microseconds for two dates
 * or datetimes; NULL otherwise. */
static void timestamp_diff_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int64_t a, b;
    int ka = temporal_arg(argv[0], &a), kb = temporal_arg(argv[1], &b);
    if (!ka || !kb || ka == 3 || kb == 3)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_int64(ctx, a - b);
}

/* mn_iso(part, text): the ISO 8601 "week" or "iso_year" of a date or
 * datetime written as text (already on the wall clock wanted), as Python's
 * date.isocalendar() gives them; NULL when the text is no date. */
static void iso_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *part = (const char *)sqlite3_value_text(argv[0]);
    const char *text = (const char *)sqlite3_value_text(argv[1]);
    mn_date d;
    if (!part || !text || strlen(text) < 10 || mn_date_parse((mn_str){ text, 10 }, &d, NULL) != MN_OK) {
        sqlite3_result_null(ctx);
        return;
    }
    int year, week, wd;
    mn_date_isocalendar(d, &year, &week, &wd);
    sqlite3_result_int(ctx, !strcmp(part, "week") ? week : year);
}

/* mn_time_of(text): the time of a datetime written as text, as Python's
 * str(time) writes it ("10:30:00", "10:30:00.250000"); NULL when the text
 * is no datetime. */
static void time_of_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    mn_datetime dt;
    if (!text || mn_datetime_parse(mn_str_from(text), &dt, NULL) != MN_OK) {
        sqlite3_result_null(ctx);
        return;
    }
    mn_time t;
    mn_datetime_fields(dt, NULL, &t);
    mn_buf b;
    mn_buf_init(&b, NULL, 64);
    mn_time_write(&b, t);
    if (mn_buf_error(&b))
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, mn_buf_cstr(&b), -1, SQLITE_TRANSIENT);
    mn_buf_free(&b);
}

static int regexp_init(sqlite3 *db, char **errmsg, const struct sqlite3_api_routines *api)
{
    (void)errmsg;
    (void)api;
    int rc = sqlite3_create_function_v2(db, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, regexp_fn, NULL,
                                        NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "mn_localtime", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, localtime_fn,
                                        NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "django_format_dtdelta", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                        dtdelta_fn, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "mn_aware", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, aware_fn, NULL,
                                        NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "mn_time_of", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, time_of_fn,
                                        NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "mn_iso", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, iso_fn, NULL, NULL,
                                        NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "django_timestamp_diff", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                        timestamp_diff_fn, NULL, NULL, NULL);
    return rc;
}

void mn__orm_sqlite_init(void)
{
    static int done;
    if (!__atomic_exchange_n(&done, 1, __ATOMIC_ACQ_REL))
        sqlite3_auto_extension((void (*)(void))regexp_init);
}

#ifdef __GNUC__
/* Connections opened before the first ORM call get REGEXP too. */
__attribute__((constructor)) static void orm_load(void) { mn__orm_sqlite_init(); }
#endif

/* ---- Q objects and expressions ---- */

typedef enum { Q_LEAF, Q_AND, Q_OR, Q_NOT } qkind;

struct mn_q {
    qkind kind;
    bool call; /* the root of one filter()/exclude() call: its conditions on a
                * multi-valued relation hold for the same related row */
    mn_arena *arena;
    const char *lookup;
    mn_value v;
    mn_qobj *a, *b;
};

/* A leaf and its lookup's copy in one allocation. */
static mn_qobj *q_leaf(mn_arena *arena, const char *lookup, mn_value v)
{
    if (!lookup)
        lookup = "";
    size_t n = strlen(lookup) + 1;
    mn_qobj *q = arena ? mn_arena_alloc(arena, sizeof *q + n) : NULL;
    if (!q)
        return NULL;
    char *copy = (char *)(q + 1);
    memcpy(copy, lookup, n);
    *q = (mn_qobj){ .kind = Q_LEAF, .arena = arena, .lookup = copy, .v = v };
    return q;
}

mn_qobj *mn_q(mn_arena *arena, const char *lookup, mn_value v) { return q_leaf(arena, lookup, v); }

static mn_qobj *q_node(qkind k, mn_qobj *a, mn_qobj *b)
{
    if (!a || (k != Q_NOT && !b))
        return NULL;
    mn_qobj *q = mn_arena_calloc(a->arena, 1, sizeof *q);
    if (!q)
        return NULL;
    q->kind = k;
    q->arena = a->arena;
    q->a = a;
    q->b = b;
    return q;
}

mn_qobj *mn_q_and(mn_qobj *a, mn_qobj *b) { return q_node(Q_AND, a, b); }
mn_qobj *mn_q_or(mn_qobj *a, mn_qobj *b) { return q_node(Q_OR, a, b); }
mn_qobj *mn_q_not(mn_qobj *a) { return q_node(Q_NOT, a, NULL); }

typedef enum { E_F, E_VALUE, E_BIN, E_AGG } ekind;
typedef enum { AGG_COUNT, AGG_SUM, AGG_AVG, AGG_MAX, AGG_MIN } aggkind;
/* The SQL functions of aggkind, in its order. */
static const char *const agg_fn[] = { "COUNT", "SUM", "AVG", "MAX", "MIN" };

typedef struct expr {
    ekind kind;
    const char *field; /* F, AGG ("*" for Count(*)) */
    mn_value v;        /* VALUE */
    char op;           /* BIN */
    struct expr *l, *r;
    aggkind agg;
    struct expr *arg; /* AGG over an expression instead of a field */
    bool distinct;
    mn_qobj *filter;
} expr;

static int expr_to_str(const void *obj, mn_buf *out)
{
    const expr *e = obj;
    static const char *const names[] = { "Count", "Sum", "Avg", "Max", "Min" };
    switch (e->kind) {
    case E_F: return mn_buf_printf(out, "F(%s)", e->field);
    case E_AGG: return mn_buf_printf(out, "%s(%s)", names[e->agg], e->field);
    case E_BIN:
        mn_buf_putc(out, '(');
        expr_to_str(e->l, out);
        mn_buf_printf(out, " %c ", e->op);
        expr_to_str(e->r, out);
        return mn_buf_putc(out, ')');
    default: return mn_value_repr(e->v, out);
    }
}

const mn_type mn_expr_type = { .name = "Expression", .to_str = expr_to_str };

static bool is_expr(mn_value v) { return v.type == MN_VALUE_OBJECT && v.u.obj.type == &mn_expr_type; }

static mn_value expr_value(expr *e) { return e ? mn_value_object(&mn_expr_type, e) : mn_value_null(); }

mn_value mn_f(mn_arena *arena, const char *field)
{
    expr *e = mn_arena_calloc(arena, 1, sizeof *e);
    if (!e)
        return mn_value_null();
    e->kind = E_F;
    e->field = mn_arena_strdup(arena, field ? field : "");
    return expr_value(e);
}

static expr *as_expr(mn_arena *arena, mn_value v)
{
    if (is_expr(v))
        return v.u.obj.ptr;
    expr *e = mn_arena_calloc(arena, 1, sizeof *e);
    if (e) {
        e->kind = E_VALUE;
        e->v = v;
    }
    return e;
}

static mn_value bin(mn_arena *arena, char op, mn_value a, mn_value b)
{
    expr *e = mn_arena_calloc(arena, 1, sizeof *e);
    if (!e)
        return mn_value_null();
    e->kind = E_BIN;
    e->op = op;
    e->l = as_expr(arena, a);
    e->r = as_expr(arena, b);
    return e->l && e->r ? expr_value(e) : mn_value_null();
}

mn_value mn_expr_add(mn_arena *arena, mn_value a, mn_value b) { return bin(arena, '+', a, b); }
mn_value mn_expr_sub(mn_arena *arena, mn_value a, mn_value b) { return bin(arena, '-', a, b); }
mn_value mn_expr_mul(mn_arena *arena, mn_value a, mn_value b) { return bin(arena, '*', a, b); }
mn_value mn_expr_div(mn_arena *arena, mn_value a, mn_value b) { return bin(arena, '/', a, b); }

static mn_value agg(mn_arena *arena, aggkind k, const char *field)
{
    expr *e = mn_arena_calloc(arena, 1, sizeof *e);
    if (!e)
        return mn_value_null();
    e->kind = E_AGG;
    e->agg = k;
    e->field = mn_arena_strdup(arena, field ? field : "*");
    return expr_value(e);
}

mn_value mn_agg_of(mn_arena *arena, mn_agg_kind kind, mn_value of)
{
    if ((int)kind < 0 || kind > MN_AGG_MIN)
        return mn_value_null();
    mn_value v = agg(arena, (aggkind)kind, "(expression)");
    if (is_expr(v)) {
        expr *e = v.u.obj.ptr;
        e->arg = as_expr(arena, of);
        if (!e->arg)
            return mn_value_null();
    }
    return v;
}

mn_value mn_count(mn_arena *arena, const char *field) { return agg(arena, AGG_COUNT, field); }
mn_value mn_sum(mn_arena *arena, const char *field) { return agg(arena, AGG_SUM, field); }
mn_value mn_avg(mn_arena *arena, const char *field) { return agg(arena, AGG_AVG, field); }
mn_value mn_max(mn_arena *arena, const char *field) { return agg(arena, AGG_MAX, field); }
mn_value mn_min(mn_arena *arena, const char *field) { return agg(arena, AGG_MIN, field); }

mn_value mn_agg_distinct(mn_value v)
{
    if (is_expr(v) && ((expr *)v.u.obj.ptr)->kind == E_AGG)
        ((expr *)v.u.obj.ptr)->distinct = true;
    return v;
}

mn_value mn_agg_filter(mn_value v, mn_qobj *q)
{
    if (is_expr(v) && ((expr *)v.u.obj.ptr)->kind == E_AGG)
        ((expr *)v.u.obj.ptr)->filter = q;
    return v;
}

static bool has_agg(const expr *e)
{
    if (!e)
        return false;
    if (e->kind == E_AGG)
        return true;
    return e->kind == E_BIN && (has_agg(e->l) || has_agg(e->r));
}

/* ---- the QuerySet ---- */

typedef struct annot {
    const char *name;
    expr *e;
} annot;

enum { MODE_OBJECTS = 0, MODE_VALUES, MODE_VALUES_LIST };

struct mn_qs {
    mn_model *m;
    mn_arena *arena;
    mn_db *db;
    mn_qobj *where;
    const char *const *order; /* NULL-terminated; NULL: Meta.ordering */
    bool order_set, reversed, distinct, for_update;
    unsigned sfu_flags;  /* select_for_update(nowait, skip_locked, no_key): MN_SFU_* */
    const char **sfu_of; /* select_for_update(of=(...)) */
    size_t nsfu_of;
    bool none; /* none(): matches nothing */
    int64_t low, high; /* high < 0: no limit */
    int mode;
    unsigned vflags;
    const char **vfields;
    size_t nvfields;
    size_t vannots; /* annotations made before values(): only those named are selected */
    const char **gvals; /* values(a).annotate(Count).values(b): the groups stay a's, as in Django */
    size_t ngvals;
    const char *dates_field; /* dates(field, kind): its one column, "datefield" */
    const char *dates_kind;
    bool dates_dt;           /* datetimes(): truncated datetimes, "datetimefield" */
    uint64_t load; /* only()/defer(): bit i set when field i is loaded */
    bool load_only; /* only() was called: load is its set (else every field but defer()'s) */
    annot *annots;
    size_t nannots;
    const char *raw_sql;
    const mn_value *raw_params;
    size_t nraw;
    const char **related; /* select_related paths; related_all: every non-null key */
    size_t nrelated;
    bool related_all;
    struct prefetch *prefetch; /* prefetch_related lookups */
    size_t nprefetch;
    const mn_err *err; /* the first error of a builder call; NULL: none */
    bool one_row; /* get(): stop after the first row when the filter is unique_exact */
    void *one_item; /* ... and keep that row's instance here */
    mn_db_cursor *cursor; /* iterator() on PostgreSQL: rows come from FETCH on it */
    size_t cursor_chunk;
    bool evaluated;
    void **items;
    size_t len;
    mn_list *rows;
};

static const mn_err qs_nomem = { MN_ENOMEM, "out of memory" };

/* The error is kept apart (in the arena, when there is one) so that the
 * QuerySet copied by every builder call stays small. */
static void qs_set_err(mn_qs *qs, const mn_err *src)
{
    if (qs->err)
        return;
    mn_err *e = mn_arena_memdup(qs->arena, src, sizeof *src);
    qs->err = e ? e : &qs_nomem;
}

static void qs_fail(mn_qs *qs, int code, const char *fmt, ...) MN_PRINTF(3, 4);
static void qs_fail(mn_qs *qs, int code, const char *fmt, ...)
{
    if (qs->err)
        return;
    mn_err e;
    va_list ap;
    va_start(ap, fmt);
    mn_err_setv(&e, code, fmt, ap);
    va_end(ap);
    qs_set_err(qs, &e);
}

mn_qs *mn_qs_all(mn_model *m, mn_arena *arena)
{
    mn_qs *qs = arena ? mn_arena_alloc(arena, sizeof *qs) : NULL;
    if (!qs)
        return NULL;
    *qs = (mn_qs){ .m = m, .arena = arena, .high = -1, .load = ~UINT64_C(0) };
    mn_err e;
    if (mn__model_setup(m, &e) != MN_OK)
        qs_set_err(qs, &e);
    else if (m->meta.abstract)
        qs_fail(qs, MN_EINVAL, "Manager isn't available; '%s' is abstract", m->name);
    return qs;
}

static void clone_into(mn_qs *c, const mn_qs *qs)
{
    *c = *qs;
    c->evaluated = false;
    c->items = NULL;
    c->len = 0;
    c->rows = NULL;
}

static mn_qs *clone(mn_qs *qs)
{
    if (!qs)
        return NULL;
    mn_qs *c = mn_arena_alloc(qs->arena, sizeof *c);
    if (c)
        clone_into(c, qs);
    return c;
}

const mn_err *mn_qs_error(const mn_qs *qs)
{
    static const mn_err ok = { MN_OK, "" };
    return !qs ? &qs_nomem : qs->err ? qs->err : &ok;
}

mn_model *mn_qs_model(const mn_qs *qs) { return qs ? qs->m : NULL; }

mn_qs *mn_qs_using(mn_qs *qs, mn_db *db)
{
    mn_qs *c = clone(qs);
    if (c)
        c->db = db;
    return c;
}

/* Adds q (own: a leaf made for this call, already marked as its root) to
 * c, a copy of the QuerySet. */
static mn_qs *where_into(mn_qs *c, mn_qobj *q, bool own, bool negate)
{
    if (!c)
        return NULL;
    if (!q) {
        qs_fail(c, MN_ENOMEM, "out of memory");
        return c;
    }
    if (c->low || c->high >= 0) {
        qs_fail(c, MN_EINVAL, "Cannot filter a query once a slice has been taken.");
        return c;
    }
    if (!own) {
        /* Mark the call's root on a copy (the caller's Q stays untouched). */
        mn_qobj *root = mn_arena_memdup(c->arena, q, sizeof *q);
        if (!root) {
            qs_fail(c, MN_ENOMEM, "out of memory");
            return c;
        }
        root->call = true;
        q = root;
    }
    if (negate)
        q = mn_q_not(q);
    c->where = c->where ? mn_q_and(c->where, q) : q;
    if (!c->where)
        qs_fail(c, MN_ENOMEM, "out of memory");
    return c;
}

static mn_qs *add_where(mn_qs *qs, mn_qobj *q, bool negate) { return where_into(clone(qs), q, false, negate); }

/* filter(lookup=v) / exclude(): the copy of qs, the leaf and its lookup's
 * text in one allocation. */
static mn_qs *filter_leaf(mn_qs *qs, const char *lookup, mn_value v, bool negate)
{
    if (!qs)
        return NULL;
    if (!lookup)
        lookup = "";
    size_t n = strlen(lookup) + 1;
    mn_qs *c = mn_arena_alloc(qs->arena, sizeof *c + sizeof(mn_qobj) + n);
    if (!c)
        return NULL;
    clone_into(c, qs);
    mn_qobj *q = (mn_qobj *)(void *)(c + 1);
    char *copy = (char *)(q + 1);
    memcpy(copy, lookup, n);
    *q = (mn_qobj){ .kind = Q_LEAF, .call = true, .arena = qs->arena, .lookup = copy, .v = v };
    return where_into(c, q, true, negate);
}

mn_qs *mn_qs_filter(mn_qs *qs, const char *lookup, mn_value v) { return filter_leaf(qs, lookup, v, false); }
mn_qs *mn_qs_exclude(mn_qs *qs, const char *lookup, mn_value v) { return filter_leaf(qs, lookup, v, true); }
mn_qs *mn_qs_filter_q(mn_qs *qs, mn_qobj *q) { return qs ? add_where(qs, q, false) : NULL; }

mn_qs *mn_qs_filter_by(mn_qs *qs, ...)
{
    if (!qs)
        return NULL;
    va_list ap;
    va_start(ap, qs);
    mn_qobj *all = NULL;
    const char *lookup;
    bool oom = false;
    while ((lookup = va_arg(ap, const char *)) != NULL) {
        mn_value v = va_arg(ap, mn_value);
        mn_qobj *leaf = mn_q(qs->arena, lookup, v);
        all = !leaf ? NULL : all ? mn_q_and(all, leaf) : leaf;
        oom |= all == NULL;
    }
    va_end(ap);
    if (oom) {
        mn_qs *c = clone(qs);
        if (c)
            qs_fail(c, MN_ENOMEM, "out of memory");
        return c;
    }
    return all ? add_where(qs, all, false) : clone(qs);
}
mn_qs *mn_qs_exclude_q(mn_qs *qs, mn_qobj *q) { return qs ? add_where(qs, q, true) : NULL; }

/* Copies the NULL-terminated varargs names into the arena. */
static const char **collect_names(mn_arena *a, va_list ap, size_t *n)
{
    const char *tmp[MN__MAX_FIELDS * 2];
    size_t k = 0;
    const char *s;
    while ((s = va_arg(ap, const char *)) != NULL)
        if (k < sizeof tmp / sizeof *tmp)
            tmp[k++] = s;
    const char **out = mn_arena_alloc(a, (k + 1) * sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < k; i++)
        out[i] = mn_arena_strdup(a, tmp[i]);
    out[k] = NULL;
    *n = k;
    return out;
}

mn_qs *mn_qs_order_by(mn_qs *qs, ...)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    if (c->low || c->high >= 0) {
        qs_fail(c, MN_EINVAL, "Cannot reorder a query once a slice has been taken.");
        return c;
    }
    va_list ap;
    va_start(ap, qs);
    size_t n;
    c->order = collect_names(c->arena, ap, &n);
    va_end(ap);
    c->order_set = true; /* reverse() stays in effect, as in Django */
    if (!c->order)
        qs_fail(c, MN_ENOMEM, "out of memory");
    return c;
}

mn_qs *mn_qs_none(mn_qs *qs)
{
    mn_qs *c = clone(qs);
    if (c)
        c->none = true;
    return c;
}

mn_qs *mn_qs_reverse(mn_qs *qs)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    if (c->low || c->high >= 0) {
        qs_fail(c, MN_EINVAL, "Cannot reverse a query once a slice has been taken.");
        return c;
    }
    c->reversed = !c->reversed;
    return c;
}

mn_qs *mn_qs_distinct(mn_qs *qs)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    if (c->low || c->high >= 0) {
        qs_fail(c, MN_EINVAL, "Cannot create distinct fields once a slice has been taken.");
        return c;
    }
    c->distinct = true;
    return c;
}

mn_qs *mn_qs_select_for_update(mn_qs *qs)
{
    mn_qs *c = clone(qs);
    if (c)
        c->for_update = true;
    return c;
}

mn_qs *mn_qs_select_for_update_opts(mn_qs *qs, unsigned flags, ...)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    if ((flags & MN_SFU_NOWAIT) && (flags & MN_SFU_SKIP_LOCKED)) {
        qs_fail(c, MN_EINVAL, "The nowait option cannot be used with skip_locked.");
        return c;
    }
    va_list ap;
    va_start(ap, flags);
    c->sfu_of = collect_names(c->arena, ap, &c->nsfu_of);
    va_end(ap);
    if (!c->sfu_of)
        qs_fail(c, MN_ENOMEM, "out of memory");
    c->for_update = true;
    c->sfu_flags = flags & (MN_SFU_NOWAIT | MN_SFU_SKIP_LOCKED | MN_SFU_NO_KEY);
    return c;
}

mn_qs *mn_qs_slice(mn_qs *qs, int64_t start, int64_t stop)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    if (start < 0 || (stop < 0 && stop != -1)) {
        qs_fail(c, MN_EINVAL, "Negative indexing is not supported.");
        return c;
    }
    int64_t low = c->low + start;
    int64_t high = stop < 0 ? c->high : c->low + stop;
    if (c->high >= 0 && high > c->high)
        high = c->high;
    if (high >= 0 && low > high)
        low = high;
    c->low = low;
    c->high = high;
    return c;
}

static mn_qs *set_values(mn_qs *qs, int mode, unsigned flags, va_list ap)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    bool grouped = false;
    for (size_t i = qs->vannots; qs->mode != MODE_OBJECTS && i < qs->nannots; i++)
        grouped |= has_agg(qs->annots[i].e);
    if (grouped && !qs->ngvals) {
        c->gvals = qs->vfields;
        c->ngvals = qs->nvfields;
    }
    c->mode = mode;
    c->vflags = flags;
    c->vannots = c->nannots;
    c->vfields = collect_names(c->arena, ap, &c->nvfields);
    if (!c->vfields)
        qs_fail(c, MN_ENOMEM, "out of memory");
    if ((flags & MN_QS_FLAT) && (flags & MN_QS_NAMED))
        qs_fail(c, MN_EINVAL, "'flat' and 'named' can't be used together.");
    if ((flags & MN_QS_FLAT) && c->nvfields > 1)
        qs_fail(c, MN_EINVAL, "'flat' is not valid when values_list is called with more than one field.");
    return c;
}

mn_qs *mn_qs_values(mn_qs *qs, ...)
{
    va_list ap;
    va_start(ap, qs);
    mn_qs *c = set_values(qs, MODE_VALUES, 0, ap);
    va_end(ap);
    return c;
}

mn_qs *mn_qs_values_list(mn_qs *qs, unsigned flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mn_qs *c = set_values(qs, MODE_VALUES_LIST, flags, ap);
    va_end(ap);
    return c;
}

static mn_qs *dates_qs(mn_qs *qs, const char *field, const char *kind, const char *order, bool dt)
{
    if (!qs)
        return NULL;
    static const char *const kinds[] = { "year", "month", "week", "day", "hour", "minute", "second", NULL };
    if (!order)
        order = "ASC";
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    bool known = false;
    for (size_t i = 0; kind && kinds[i] && (dt || i < 4) && !known; i++)
        known = !strcmp(kinds[i], kind);
    if (!field || !known) {
        qs_fail(c, MN_EINVAL, dt ? "'kind' must be one of 'year', 'month', 'week', 'day', 'hour', 'minute', or 'second'."
                                 : "'kind' must be one of 'year', 'month', 'week', or 'day'.");
        return c;
    }
    if (strcmp(order, "ASC") != 0 && strcmp(order, "DESC") != 0) {
        qs_fail(c, MN_EINVAL, "'order' must be either 'ASC' or 'DESC'.");
        return c;
    }
    /* Django: annotate(datefield=Trunc(field, kind), plain_field=F(field))
     * .values_list("datefield", flat=True).distinct()
     * .filter(plain_field__isnull=False).order_by(["-"]"datefield") */
    c = mn_qs_filter(c, mn_arena_sprintf(c->arena, "%s__isnull", field), mn_value_bool(false));
    if (!c || c->err)
        return c;
    c->mode = MODE_VALUES_LIST;
    c->vflags = MN_QS_FLAT;
    static const char *datefield[] = { "datefield", NULL }, *datetimefield[] = { "datetimefield", NULL };
    c->vfields = dt ? datetimefield : datefield;
    c->nvfields = 1;
    c->vannots = c->nannots;
    c->gvals = NULL;
    c->ngvals = 0;
    c->dates_field = mn_arena_strdup(c->arena, field);
    c->dates_kind = kind;
    c->dates_dt = dt;
    c->distinct = true;
    const char **ord = mn_arena_alloc(c->arena, 2 * sizeof *ord);
    if (!ord || !c->dates_field) {
        qs_fail(c, MN_ENOMEM, "out of memory");
        return c;
    }
    ord[0] = strcmp(order, "DESC") == 0 ? (dt ? "-datetimefield" : "-datefield") : c->vfields[0];
    ord[1] = NULL;
    c->order = ord;
    c->order_set = true;
    c->reversed = false;
    return c;
}

mn_qs *mn_qs_dates(mn_qs *qs, const char *field, const char *kind, const char *order)
{
    return dates_qs(qs, field, kind, order, false);
}

mn_qs *mn_qs_datetimes(mn_qs *qs, const char *field, const char *kind, const char *order)
{
    return dates_qs(qs, field, kind, order, true);
}

static mn_qs *only_defer(mn_qs *qs, bool only, va_list ap)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    size_t n;
    const char **names = collect_names(c->arena, ap, &n);
    if (!names) {
        qs_fail(c, MN_ENOMEM, "out of memory");
        return c;
    }
    uint64_t mask = 0;
    for (size_t i = 0; i < n; i++) {
        const mn_field *f = mn_model_field_by_name(c->m, names[i]);
        if (!f) {
            qs_fail(c, MN_EINVAL, "%s has no field named '%s'", c->m->name, names[i]);
            return c;
        }
        mask |= UINT64_C(1) << mn_model_field_index(c->m, f);
    }
    /* Django: only() after defer() keeps the deferred fields deferred;
     * after only() it replaces the set; defer() always removes */
    c->load = only ? (c->load_only ? mask : mask & c->load) : (c->load & ~mask);
    c->load_only = c->load_only || only;
    c->load |= UINT64_C(1) << c->m->_rt->pk;
    return c;
}

mn_qs *mn_qs_only(mn_qs *qs, ...)
{
    va_list ap;
    va_start(ap, qs);
    mn_qs *c = only_defer(qs, true, ap);
    va_end(ap);
    return c;
}

mn_qs *mn_qs_defer(mn_qs *qs, ...)
{
    va_list ap;
    va_start(ap, qs);
    mn_qs *c = only_defer(qs, false, ap);
    va_end(ap);
    return c;
}

mn_qs *mn_qs_annotate(mn_qs *qs, ...)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    va_list ap;
    va_start(ap, qs);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        mn_value v = va_arg(ap, mn_value);
        if (mn_model_field_by_name(c->m, name)) {
            qs_fail(c, MN_EINVAL, "The annotation '%s' conflicts with a field on the model.", name);
            break;
        }
        annot *na = mn_arena_alloc(c->arena, (c->nannots + 1) * sizeof *na);
        expr *e = as_expr(c->arena, v);
        if (!na || !e) {
            qs_fail(c, MN_ENOMEM, "out of memory");
            break;
        }
        if (c->nannots)
            memcpy(na, c->annots, c->nannots * sizeof *na);
        na[c->nannots].name = mn_arena_strdup(c->arena, name);
        na[c->nannots].e = e;
        c->annots = na;
        c->nannots++;
    }
    va_end(ap);
    return c;
}

mn_qs *mn_qs_raw(mn_model *m, mn_arena *arena, const char *sql, const mn_value *params, size_t nparams)
{
    mn_qs *qs = mn_qs_all(m, arena);
    if (!qs)
        return NULL;
    qs->raw_sql = mn_arena_strdup(arena, sql ? sql : "");
    if (nparams) {
        mn_value *p = mn_arena_memdup(arena, params, nparams * sizeof *p);
        qs->raw_params = p;
        if (!p)
            qs_fail(qs, MN_ENOMEM, "out of memory");
    }
    qs->nraw = nparams;
    return qs;
}

/* ---- the compiler ---- */

typedef struct comp {
    mn_qs *qs;
    mn_model *m;
    mn_db_engine eng;
    mn_arena *a;
    mn_buf sql;
    mn_value *params;
    size_t np, cap;
    int neg; /* depth of NOT, for exclude()'s NULL handling */
    const mn_value *lp; /* parameters inside the current lookup's left side */
    size_t nlp;
    const mn_qobj **having; /* conditions on aggregates, for HAVING */
    size_t nhaving;
    const char *alias; /* qualifier of this scope's columns (joins, subqueries); NULL: none */
    int depth;         /* subquery nesting: inner tables are aliased U<depth> */
    bool in_aggregate; /* compiling aggregate(): relation aggregates combine per row */
    bool via_rel;      /* the model was reached across a relation of a filter */
    bool agg_over_annots; /* aggregate() reads annotations of a wrapped query */
    bool ord_select;   /* compile_order writes its expressions as select columns ... */
    uint64_t ord_desc; /* ... recording here which are descending */
    size_t nord;
    const char *guard_col; /* a JSON key's column: exclude()'s IS NOT NULL goes on it */
    bool json_text;    /* F() selected as a column: a JSON key's JSON text, a transform's int */
    bool tr_int;       /* an aggregate's F() transform: read back as an int too */
    const struct selcol *sel; /* compile_select: the columns, for ORDER BY a selected JSON key */
    size_t nsel;
    bool joins;        /* run_select: write select_related's joins */
    struct sjoin *sj;  /* those joins */
    size_t nsj;
    struct vjoin *vj;  /* values() over multi-valued paths: LEFT OUTER JOINs */
    size_t nvj;
    const struct comp *outer; /* the scope a relation's subquery sits in: F() names its fields */
    const char *via_name;     /* the relation (its lookup name) that led from outer to this scope */
    bool save_prep;    /* values prepared as a save does (get_db_prep_save: decimals rounded): update(), DDL */
    bool ddl;          /* a condition of DDL: its literals stay as they have always been written */
    mn_err *err;
    int rc;
} comp;

static int cfail(comp *c, int code, const char *fmt, ...) MN_PRINTF(3, 4);
static int cfail(comp *c, int code, const char *fmt, ...)
{
    if (c->rc == MN_OK) {
        va_list ap;
        va_start(ap, fmt);
        mn_err_setv(c->err, code, fmt, ap);
        va_end(ap);
        c->rc = code;
    }
    return c->rc;
}

static void put(comp *c, const char *s) { mn_buf_puts(&c->sql, s); }

static void param(comp *c, mn_value v)
{
    if (c->np == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 8;
        mn_value *p = mn_arena_realloc(c->a, c->params, c->cap * sizeof *p, ncap * sizeof *p);
        if (!p) {
            cfail(c, MN_ENOMEM, "out of memory");
            return;
        }
        c->params = p;
        c->cap = ncap;
    }
    c->params[c->np++] = v;
    put(c, "%s");
}

/* Pushes the left side's parameters again: called right after each place
 * the left side's text is written, so placeholders and values stay in step
 * when a lookup writes its left side twice. */
static void use_lhs(comp *c, int times)
{
    for (int t = 0; t < times; t++)
        for (size_t i = 0; i < c->nlp; i++) {
            size_t len = c->sql.len;
            param(c, c->lp[i]);
            mn_buf_truncate(&c->sql, len); /* the placeholder is already in the text */
        }
}

static void comp_init(comp *c, mn_qs *qs, mn_db_engine eng, mn_err *err)
{
    memset(c, 0, sizeof *c);
    c->qs = qs;
    c->m = qs->m;
    c->eng = eng;
    c->a = qs->arena;
    c->err = err;
    mn_buf_init(&c->sql, qs->arena, 0);
}

static const annot *find_annot(mn_qs *qs, const char *name)
{
    for (size_t i = 0; i < qs->nannots; i++)
        if (!strcmp(qs->annots[i].name, name))
            return &qs->annots[i];
    return NULL;
}

/* Django's "Cannot resolve keyword" with the choices: fields, relations
 * and annotations. */
static int unresolved(comp *c, const char *name)
{
    const char **extra = mn_arena_alloc(c->a, (c->qs->nannots + 1) * sizeof *extra);
    if (!extra)
        return cfail(c, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->qs->nannots; i++)
        extra[i] = c->qs->annots[i].name;
    return cfail(c, MN_EINVAL, "Cannot resolve keyword '%s' into field. Choices are: %s", name,
                 mn__choices(c->m, extra, c->qs->nannots, c->a));
}

/* The field named by the first part of a lookup ("pk", attname of a FK). */
static const mn_field *resolve_field(comp *c, const char *name)
{
    const mn_field *f = mn_model_field_by_name(c->m, name);
    if (f)
        return f;
    size_t n = strlen(name);
    if (n > 3 && !strcmp(name + n - 3, "_id"))
        for (size_t i = 0; i < c->m->_rt->nfields; i++) {
            const mn_field *g = &c->m->_rt->fields[i];
            if (g->kind == MN_KIND_FOREIGNKEY && strlen(g->name) == n - 3 && !strncmp(g->name, name, n - 3))
                return g;
        }
    return NULL;
}

/* A column of this scope, qualified when the scope has an alias. */
static void put_qcol(comp *c, mn_buf *b, const char *col)
{
    if (c->alias) {
        mn__quote(b, c->alias);
        mn_buf_putc(b, '.');
    }
    mn__quote(b, col);
}

static void put_col(comp *c, const mn_field *f) { put_qcol(c, &c->sql, mn_field_column(f)); }

/* alias.column of an aggregate's argument, as REAL when cast (Avg on
 * SQLite, whose integer division would truncate). */
static void put_alias_col(comp *c, const char *al, const mn_field *f, bool cast)
{
    if (cast)
        put(c, "CAST(");
    mn__quote(&c->sql, al);
    put(c, ".");
    mn__quote(&c->sql, mn_field_column(f));
    if (cast)
        put(c, " AS REAL)");
}

static void compile_expr(comp *c, const expr *e, const mn_field *target);
static void values_path_error(comp *c, const char *name);
static void compile_q(comp *c, const mn_qobj *q);
static bool is_rel_path(comp *c, const char *name);
static void rel_agg(comp *c, const expr *e);
static bool rel_agg_expr(comp *c, const expr *e);
static void rel_scalar(comp *c, const char *path);
static const mn_field *path_field(comp *c, const char *name);
static const mn_field *json_key_ref(comp *c, const char *name, char ***parts, size_t *np);
static void put_json_key(comp *c, const mn_field *jf, char **parts, size_t np, bool as_json);

/* A date/time field's transforms named as one value: "created__year",
 * "created__date__year", "product__created__hour" (the field across
 * relations). values(), order_by() and F() take them as filter() does. */
typedef struct tref {
    const mn_field *f;  /* the transformed field */
    const char *path;   /* its relation path ("product__created"), or NULL */
    char **parts;       /* the transforms, in order */
    size_t np;
    mn_field_kind kind; /* what the last one gives (int, date or time) */
} tref;
static bool transform_ref(comp *c, const char *name, tref *t);
static void put_tref(comp *c, const tref *t, const char *al, bool selected);

/* A JSONField key across relations: "category__meta__color". */
typedef struct jref {
    const mn_field *f; /* the JSONField */
    const char *path;  /* its relation path ("category__meta") */
    char **parts;      /* the key's parts */
    size_t np;
} jref;
static bool json_rel_ref(comp *c, const char *name, jref *j);
static void put_json_rel(comp *c, const jref *j, const char *al, bool as_json);

/* A plain value inside an expression: converted for the target field when
 * there is one, else sent as text/number. */
/* A DecimalField's lookup value as Django 3.2 prepares it (get_prep_value,
 * that is to_python): a Decimal as it is, an integer or text read as a
 * Decimal, a float to max_digits significant digits; never rounded to
 * decimal_places (only a save rounds), sent as str(Decimal). False when v
 * is none of these or not a number: the field's conversion then words the
 * error. */
static bool decimal_lookup_value(comp *c, const mn_field *f, mn_value v, mn_value *out)
{
    mn_decimal d;
    if (v.type == MN_VALUE_DECIMAL)
        d = v.u.d;
    else if (v.type == MN_VALUE_INT)
        d = mn_decimal_from_i64(v.u.i);
    else if (v.type == MN_VALUE_FLOAT) {
        int prec = f->max_digits >= 1 && f->max_digits <= 38 ? f->max_digits : 28;
        if (mn_decimal_from_double_prec(v.u.f, prec, &d) != MN_OK)
            return false;
    } else if (v.type == MN_VALUE_STR) {
        if (mn_decimal_parse(v.u.s, &d, NULL) != MN_OK)
            return false;
    } else {
        return false;
    }
    mn_buf b;
    mn_buf_init(&b, c->a, 0);
    if (mn_decimal_write(&b, d) != MN_OK || mn_buf_error(&b))
        return false;
    *out = mn_value_str(mn_buf_str(&b));
    return true;
}

static void expr_param(comp *c, mn_value v, const mn_field *target)
{
    if (target && target->kind == MN_KIND_DECIMAL && v.type == MN_VALUE_DECIMAL && !c->ddl) {
        /* Value(Decimal) in an expression: its DecimalField() output
         * field has no decimal_places, nothing rounds it */
        mn_value out;
        if (decimal_lookup_value(c, target, v, &out))
            param(c, out);
        else
            cfail(c, MN_ENOMEM, "out of memory");
        return;
    }
    if (target && v.type != MN_VALUE_NULL && !(target->kind == MN_KIND_DECIMAL && v.type != MN_VALUE_DECIMAL &&
                                               v.type != MN_VALUE_STR)) {
        mn_value out;
        if (mn__to_db(target, v, c->eng, c->a, &out, c->err) != MN_OK) {
            c->rc = c->err && c->err->code ? c->err->code : MN_EINVAL;
            return;
        }
        param(c, out);
        return;
    }
    if (v.type == MN_VALUE_INT || v.type == MN_VALUE_FLOAT || v.type == MN_VALUE_STR || v.type == MN_VALUE_NULL ||
        v.type == MN_VALUE_BOOL) {
        param(c, v);
        return;
    }
    int e = MN_OK;
    mn_str s = mn_value_as_str(v, c->a, &e);
    if (e)
        cfail(c, MN_ETYPE, "a %s cannot be used in a query", mn_value_type_name(v));
    else
        param(c, mn_value_str(s));
}

static void compile_agg(comp *c, const expr *e)
{
    const mn_field *f = NULL;
    if (e->arg) {
        if (has_agg(e->arg)) {
            cfail(c, MN_EINVAL, "Cannot compute %s of an aggregate", agg_fn[e->agg]);
            return;
        }
        if (rel_agg_expr(c, e))
            return;
        put(c, agg_fn[e->agg]);
        put(c, e->distinct ? "(DISTINCT " : "(");
        if (e->filter) {
            put(c, "CASE WHEN ");
            compile_q(c, e->filter);
            put(c, " THEN ");
        }
        if (e->agg == AGG_AVG && c->eng == MN_DB_SQLITE)
            put(c, "CAST(");
        compile_expr(c, e->arg, NULL);
        if (e->agg == AGG_AVG && c->eng == MN_DB_SQLITE)
            put(c, " AS REAL)");
        if (e->filter)
            put(c, " ELSE NULL END");
        put(c, ")");
        return;
    }
    if (strcmp(e->field, "*") != 0 && !resolve_field(c, e->field) && c->agg_over_annots &&
        find_annot(c->qs, e->field)) {
        /* aggregate() over an annotation: a column of the wrapped query */
        put(c, agg_fn[e->agg]);
        put(c, e->distinct ? "(DISTINCT " : "(");
        if (e->agg == AGG_AVG && c->eng == MN_DB_SQLITE)
            put(c, "CAST(");
        mn__quote(&c->sql, e->field);
        if (e->agg == AGG_AVG && c->eng == MN_DB_SQLITE)
            put(c, " AS REAL)");
        put(c, ")");
        return;
    }
    tref t;
    if (strcmp(e->field, "*") != 0 && strstr(e->field, "__") && !resolve_field(c, e->field) &&
        !find_annot(c->qs, e->field) && transform_ref(c, e->field, &t)) {
        if (t.path) {
            rel_agg(c, e); /* Min("products__created__year") */
            return;
        }
        /* Max("created__year"): the aggregate of F("created__year") */
        expr arg = { .kind = E_F, .field = e->field };
        expr whole = *e;
        whole.arg = &arg;
        bool saved = c->tr_int;
        c->tr_int = true;
        compile_agg(c, &whole);
        c->tr_int = saved;
        return;
    }
    if (strcmp(e->field, "*") != 0 && !resolve_field(c, e->field) && is_rel_path(c, e->field)) {
        rel_agg(c, e);
        return;
    }
    if (strcmp(e->field, "*") != 0) {
        f = resolve_field(c, e->field);
        if (!f) {
            values_path_error(c, e->field);
            return;
        }
    } else if (e->agg != AGG_COUNT) {
        cfail(c, MN_EINVAL, "Star cannot be used with %s", agg_fn[e->agg]);
        return;
    }
    put(c, agg_fn[e->agg]);
    put(c, "(");
    if (e->distinct)
        put(c, "DISTINCT ");
    if (e->filter) {
        put(c, "CASE WHEN ");
        compile_q(c, e->filter);
        put(c, " THEN ");
        if (f)
            put_col(c, f);
        else
            put(c, "1");
        put(c, " ELSE NULL END");
    } else if (f) {
        if (e->agg == AGG_AVG && c->eng == MN_DB_SQLITE)
            put(c, "CAST("), put_col(c, f), put(c, " AS REAL)");
        else
            put_col(c, f);
    } else {
        put(c, "*");
    }
    put(c, ")");
}

/* ---- date and duration arithmetic (Django's DurationExpression and
 * TemporalSubtraction) ---- */

/* The kind of a date, datetime, time or duration operand (its field's, its
 * value's, or what its arithmetic yields), or MN_KIND_END for others. */
static mn_field_kind temporal_kind(comp *c, const expr *e)
{
    switch (e->kind) {
    case E_F: {
        const mn_field *f = resolve_field(c, e->field);
        if (!f) {
            const annot *an = find_annot(c->qs, e->field);
            return an ? temporal_kind(c, an->e) : MN_KIND_END;
        }
        return f->kind == MN_KIND_DATE || f->kind == MN_KIND_DATETIME || f->kind == MN_KIND_TIME ||
                       f->kind == MN_KIND_DURATION
                   ? f->kind
                   : MN_KIND_END;
    }
    case E_VALUE:
        switch (e->v.type) {
        case MN_VALUE_DATE: return MN_KIND_DATE;
        case MN_VALUE_DATETIME: return MN_KIND_DATETIME;
        case MN_VALUE_TIME: return MN_KIND_TIME;
        case MN_VALUE_DURATION: return MN_KIND_DURATION;
        default: return MN_KIND_END;
        }
    case E_BIN: {
        mn_field_kind l = temporal_kind(c, e->l), r = temporal_kind(c, e->r);
        bool lp = l == MN_KIND_DATE || l == MN_KIND_DATETIME, rp = r == MN_KIND_DATE || r == MN_KIND_DATETIME;
        if (lp && rp)
            return MN_KIND_DURATION; /* date - date */
        if (lp || rp)
            return lp ? l : r; /* date +/- duration keeps its kind */
        if (l == MN_KIND_DURATION || r == MN_KIND_DURATION)
            return MN_KIND_DURATION;
        return l != MN_KIND_END ? l : r;
    }
    default: return MN_KIND_END;
    }
}

/* One operand of temporal arithmetic: values are converted as a field of
 * their kind would store them, with PostgreSQL casts (a text parameter
 * next to an interval or a timestamp has no type of its own there). */
static void temporal_operand(comp *c, const expr *e, mn_field_kind k)
{
    if (e->kind != E_VALUE || k == MN_KIND_END) {
        compile_expr(c, e, NULL);
        return;
    }
    mn_field tf = { .name = "expression", .kind = k };
    expr_param(c, e->v, &tf);
    if (c->eng == MN_DB_POSTGRES)
        put(c, k == MN_KIND_DURATION ? "::interval" : k == MN_KIND_DATE ? "::date" : k == MN_KIND_TIME ? "::time" : "::timestamptz");
}

static void compile_temporal(comp *c, const expr *e)
{
    mn_field_kind l = temporal_kind(c, e->l), r = temporal_kind(c, e->r);
    bool pg = c->eng == MN_DB_POSTGRES;
    bool lp = l == MN_KIND_DATE || l == MN_KIND_DATETIME, rp = r == MN_KIND_DATE || r == MN_KIND_DATETIME;
    if (l == MN_KIND_TIME || r == MN_KIND_TIME) {
        cfail(c, MN_EINVAL, "arithmetic on TimeField values is not supported");
        return;
    }
    if (lp && rp && e->op == '-') {
        /* date - date, datetime - datetime: a duration */
        if (!pg) {
            put(c, "django_timestamp_diff(");
            temporal_operand(c, e->l, l);
            put(c, ", ");
            temporal_operand(c, e->r, r);
            put(c, ")");
            return;
        }
        put(c, l == MN_KIND_DATE && r == MN_KIND_DATE ? "(interval '1 day' * (" : "((");
        temporal_operand(c, e->l, l);
        put(c, " - ");
        temporal_operand(c, e->r, r);
        put(c, "))");
        return;
    }
    if ((lp && r == MN_KIND_DURATION && (e->op == '+' || e->op == '-')) ||
        (rp && l == MN_KIND_DURATION && e->op == '+')) {
        /* a date or datetime moved by a duration */
        if (!pg) {
            put(c, e->op == '+' ? "django_format_dtdelta('+', " : "django_format_dtdelta('-', ");
            temporal_operand(c, e->l, l);
            put(c, ", ");
            temporal_operand(c, e->r, r);
            put(c, ")");
            return;
        }
        /* date + interval is a timestamp: a date stays a date, as in Python */
        bool date = l == MN_KIND_DATE || r == MN_KIND_DATE;
        put(c, date ? "(CAST((" : "(");
        temporal_operand(c, e->l, l);
        put(c, e->op == '+' ? " + " : " - ");
        temporal_operand(c, e->r, r);
        put(c, date ? ") AS date))" : ")");
        return;
    }
    if (!lp && !rp && (l == MN_KIND_DURATION || r == MN_KIND_DURATION) &&
        ((l == r && (e->op == '+' || e->op == '-')) || (l != r && (e->op == '*' || e->op == '/')))) {
        /* durations added, or scaled by a number: microseconds on SQLite,
         * intervals on PostgreSQL */
        put(c, "(");
        temporal_operand(c, e->l, l);
        char op[4] = { ' ', e->op, ' ', 0 };
        put(c, op);
        temporal_operand(c, e->r, r);
        put(c, ")");
        return;
    }
    cfail(c, MN_EINVAL, "unsupported operand types for %c: %s and %s", e->op,
          l == MN_KIND_END ? "a number" : mn__kind_name(l), r == MN_KIND_END ? "a number" : mn__kind_name(r));
}

static mn_field_kind expr_kind(comp *c, const expr *e);

static bool int_kind(mn_field_kind k)
{
    return k == MN_KIND_AUTO || k == MN_KIND_BIGAUTO || k == MN_KIND_SMALLINT || k == MN_KIND_INT ||
           k == MN_KIND_BIGINT || k == MN_KIND_POSSMALLINT || k == MN_KIND_POSINT || k == MN_KIND_POSBIGINT;
}

/* The output field of an operand, as Django resolves it (Value(1) is an
 * IntegerField, Value(1.5) a FloatField, Value("x") a CharField);
 * MN_KIND_END for a value Django gives no field of its own. */
static mn_field_kind source_kind(comp *c, const expr *e)
{
    if (e->kind != E_VALUE)
        return expr_kind(c, e);
    switch (e->v.type) {
    case MN_VALUE_INT: return MN_KIND_INT;
    case MN_VALUE_FLOAT: return MN_KIND_FLOAT;
    case MN_VALUE_DECIMAL: return MN_KIND_DECIMAL;
    case MN_VALUE_STR: return MN_KIND_CHAR;
    case MN_VALUE_BOOL: return MN_KIND_BOOL;
    case MN_VALUE_DATE: return MN_KIND_DATE;
    case MN_VALUE_DATETIME: return MN_KIND_DATETIME;
    case MN_VALUE_TIME: return MN_KIND_TIME;
    case MN_VALUE_DURATION: return MN_KIND_DURATION;
    default: return MN_KIND_END;
    }
}

/* Django's text fields (CharField, TextField and CharField's subclasses). */
static bool text_class(mn_field_kind k)
{
    return k == MN_KIND_CHAR || k == MN_KIND_TEXT || k == MN_KIND_SLUG || k == MN_KIND_EMAIL || k == MN_KIND_URL;
}

/* Django's "Expression contains mixed types" for operands no combination
 * rule covers: a decimal with a float, or two different text fields (a
 * subclass on the left is fine, as isinstance() allows). */
static bool mixed_types(comp *c, const expr *e)
{
    mn_field_kind l = source_kind(c, e->l), r = source_kind(c, e->r);
    bool bad = (l == MN_KIND_DECIMAL && r == MN_KIND_FLOAT) || (l == MN_KIND_FLOAT && r == MN_KIND_DECIMAL);
    if (text_class(l) && text_class(r) && l != r && !(r == MN_KIND_CHAR && l != MN_KIND_TEXT))
        bad = true;
    if (bad)
        cfail(c, MN_EINVAL, "Expression contains mixed types: %s, %s. You must set output_field.", mn__kind_name(l),
              mn__kind_name(r));
    return bad;
}

/* An operand of arithmetic: a float or decimal value beside an integer
 * column keeps its type (int * 1.5 is 1.5 times, not times 1). */
static void bin_operand(comp *c, const expr *e, const mn_field *t)
{
    if (e->kind != E_VALUE || !t || !int_kind(t->kind) ||
        (e->v.type != MN_VALUE_FLOAT && e->v.type != MN_VALUE_DECIMAL)) {
        compile_expr(c, e, t);
        return;
    }
    mn_decimal d;
    if (c->eng == MN_DB_POSTGRES && e->v.type == MN_VALUE_FLOAT && mn_decimal_from_double(e->v.u.f, &d) == MN_OK) {
        /* psycopg2 writes a float as its repr, a numeric literal to
         * PostgreSQL: stock + 1.5 is numeric 4.5, which an integer column
         * rounds half away from zero (5) */
        expr_param(c, mn_value_decimal(d), NULL);
        put(c, "::numeric");
        return;
    }
    expr_param(c, e->v, NULL);
    if (c->eng == MN_DB_POSTGRES)
        put(c, e->v.type == MN_VALUE_FLOAT ? "::double precision" : "::numeric");
}

/* Django's class name of an operand's output field, for its messages. */
static const char *operand_class(comp *c, const expr *e)
{
    mn_field_kind k = source_kind(c, e);
    return k == MN_KIND_END ? "Field" : mn__kind_name(k);
}

static void compile_expr(comp *c, const expr *e, const mn_field *target)
{
    switch (e->kind) {
    case E_F: {
        if (c->via_rel && c->outer) {
            /* F("products__stock") inside filter(products__reviews__...):
             * the products row of this same semi-join, as Django's shared
             * join gives: the F()'s path follows the scopes' relations
             * from the query's model */
            const comp *chain[16];
            size_t nc = 0;
            for (const comp *sc = c; sc && nc < 16; sc = sc->via_rel ? sc->outer : NULL)
                chain[nc++] = sc;
            const char *rest = e->field;
            size_t k = nc - 1; /* chain[nc - 1] is the query's own scope */
            while (k > 0 && chain[k - 1]->via_name) {
                size_t l = strlen(chain[k - 1]->via_name);
                if (strncmp(rest, chain[k - 1]->via_name, l) || strncmp(rest + l, "__", 2))
                    break;
                rest += l + 2;
                k--;
            }
            if (k < nc - 1) {
                comp o = *chain[k];
                o.via_rel = false; /* rest is a name of that scope's model */
                o.sql = c->sql, o.params = c->params, o.np = c->np, o.cap = c->cap, o.rc = c->rc;
                o.lp = c->lp, o.nlp = c->nlp, o.err = c->err;
                o.depth = c->depth; /* its own subqueries alias past the current scope */
                expr ef = *e;
                ef.field = rest;
                compile_expr(&o, &ef, target);
                c->sql = o.sql, c->params = o.params, c->np = o.np, c->cap = o.cap, c->rc = o.rc;
                return;
            }
            /* F() inside a lookup across a relation names a field of the
             * query's own model, as in Django: filter(reviews__score__gt=
             * F("stock")) compares with the product's stock */
            comp o = *c->outer;
            if (!o.alias)
                o.alias = o.m->_rt->table;
            o.sql = c->sql, o.params = c->params, o.np = c->np, o.cap = c->cap, o.rc = c->rc;
            o.depth = c->depth, o.lp = c->lp, o.nlp = c->nlp, o.err = c->err;
            compile_expr(&o, e, target);
            c->sql = o.sql, c->params = o.params, c->np = o.np, c->cap = o.cap, c->rc = o.rc;
            return;
        }
        const mn_field *f = resolve_field(c, e->field);
        if (f) {
            put_col(c, f);
            return;
        }
        const annot *an = find_annot(c->qs, e->field);
        if (an) {
            put(c, "(");
            compile_expr(c, an->e, target);
            put(c, ")");
            return;
        }
        char **parts;
        size_t np;
        const mn_field *jf = json_key_ref(c, e->field, &parts, &np);
        if (jf) {
            /* F("tags__size"): the key's value (its JSON text where the
             * SELECT returns it, c->json_text) */
            put_json_key(c, jf, parts, np, c->json_text);
            return;
        }
        tref t;
        if (c->rc == MN_OK && strstr(e->field, "__") && transform_ref(c, e->field, &t)) {
            /* F("created__year"), as Django 3.2 resolves it */
            put_tref(c, &t, NULL, c->json_text || c->tr_int);
            return;
        }
        jref j;
        if (c->rc == MN_OK && strstr(e->field, "__") && json_rel_ref(c, e->field, &j)) {
            put_json_rel(c, &j, NULL, c->json_text); /* F("category__meta__color") */
            return;
        }
        if (c->rc == MN_OK && strstr(e->field, "__")) {
            rel_scalar(c, e->field);
            return;
        }
        unresolved(c, e->field);
        return;
    }
    case E_VALUE: expr_param(c, e->v, target); return;
    case E_BIN: {
        if ((e->l->kind == E_F || e->r->kind == E_F) &&
            (expr_kind(c, e->l) == MN_KIND_JSON) != (expr_kind(c, e->r) == MN_KIND_JSON)) {
            /* F("tags__size") + 1: Django cannot combine a JSONField */
            cfail(c, MN_EINVAL, "Expression contains mixed types: %s, %s. You must set output_field.",
                  operand_class(c, e->l), operand_class(c, e->r));
            return;
        }
        if (temporal_kind(c, e->l) || temporal_kind(c, e->r)) {
            compile_temporal(c, e);
            return;
        }
        /* Django resolves the output field (and refuses mixed types) where the
         * value has no target: an annotation; update() and a lookup's value
         * take the target column's type. */
        if (!target && mixed_types(c, e))
            return;
        /* The column type of an F operand converts plain operands. */
        const mn_field *t = target;
        if (e->l->kind == E_F && resolve_field(c, e->l->field))
            t = resolve_field(c, e->l->field);
        else if (e->r->kind == E_F && resolve_field(c, e->r->field))
            t = resolve_field(c, e->r->field);
        put(c, "(");
        bin_operand(c, e->l, t);
        char op[4] = { ' ', e->op, ' ', 0 };
        put(c, op);
        bin_operand(c, e->r, t);
        put(c, ")");
        return;
    }
    case E_AGG: compile_agg(c, e); return;
    }
}

/* LIKE pattern with %, _ and \ escaped. */
static mn_str like_pattern(comp *c, mn_str s, bool lead, bool trail)
{
    mn_buf b;
    mn_buf_init(&b, c->a, 0);
    if (lead)
        mn_buf_putc(&b, '%');
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] == '%' || s.ptr[i] == '_' || s.ptr[i] == '\\')
            mn_buf_putc(&b, '\\');
        mn_buf_putc(&b, s.ptr[i]);
    }
    if (trail)
        mn_buf_putc(&b, '%');
    if (mn_buf_error(&b))
        cfail(c, MN_ENOMEM, "out of memory");
    return mn_buf_str(&b);
}

static const char *const lookups[] = { "exact", "iexact", "contains", "icontains", "in", "gt", "gte", "lt", "lte",
                                       "startswith", "istartswith", "endswith", "iendswith", "range", "isnull",
                                       "regex", "iregex", "has_key", "has_keys", "has_any_keys", "contained_by",
                                       NULL };
/* Lookups of JSONField only. */
static const char *const json_lookups[] = { "has_key", "has_keys", "has_any_keys", "contained_by", NULL };
static const char *const transforms[] = { "date", "time", "year", "month", "day", "week_day", "iso_week_day", "week",
                                          "iso_year", "quarter", "hour", "minute", "second", NULL };
/* The transforms of a TimeField. */
static const char *const time_transforms[] = { "hour", "minute", "second", NULL };

static bool in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (!strcmp(*l, s))
            return true;
    return false;
}

/* difflib's matching characters of a[alo:ahi] and b[blo:bhi]: the longest
 * common block (the earliest in a, then in b), then the same on each side. */
static size_t match_len(const char *a, size_t alo, size_t ahi, const char *b, size_t blo, size_t bhi, int depth)
{
    size_t bi = alo, bj = blo, best = 0;
    for (size_t i = alo; i < ahi; i++)
        for (size_t j = blo; j < bhi; j++) {
            size_t k = 0; /* the run ending at (i, j) */
            while (i >= alo + k && j >= blo + k && a[i - k] == b[j - k])
                k++;
            if (k > best)
                best = k, bi = i + 1 - k, bj = j + 1 - k;
        }
    if (!best || depth > 32)
        return best;
    return best + match_len(a, alo, bi, b, blo, bj, depth + 1) +
           match_len(a, bi + best, ahi, b, bj + best, bhi, depth + 1);
}

/* The lookups and transforms Django's get_lookups() lists for a field. */
static const char *const base_lookups[] = { "contains", "endswith", "exact", "gt", "gte", "icontains", "iendswith",
                                            "iexact", "in", "iregex", "isnull", "istartswith", "lt", "lte", "range",
                                            "regex", "startswith", NULL };

/* Django's hint after "Unsupported lookup": ", perhaps you meant x or y?"
 * (difflib.get_close_matches: ratio >= 0.6, the best 3), else ".". */
static const char *lookup_hint(comp *c, const char *name, mn_field_kind k)
{
    const char *extra[16];
    size_t ne = 0;
    if (k == MN_KIND_DATE || k == MN_KIND_DATETIME)
        for (const char *const *t = transforms; *t; t++)
            if (k == MN_KIND_DATETIME || (strcmp(*t, "date") && strcmp(*t, "time") && !in_list(time_transforms, *t)))
                extra[ne++] = *t;
    if (k == MN_KIND_TIME)
        for (const char *const *t = time_transforms; *t; t++)
            extra[ne++] = *t;
    if (k == MN_KIND_JSON)
        for (const char *const *t = json_lookups; *t; t++)
            extra[ne++] = *t;
    static const char *const fk_lookups[] = { "exact", "gt", "gte", "in", "isnull", "lt", "lte", NULL };
    const char *const *base = k == MN_KIND_FOREIGNKEY ? fk_lookups : base_lookups;
    struct { double r; const char *s; } best[3];
    size_t nb = 0, ln = strlen(name);
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; pass ? i < ne : base[i] != NULL; i++) {
            const char *x = pass ? extra[i] : base[i];
            size_t lx = strlen(x);
            double r = 2.0 * (double)match_len(x, 0, lx, name, 0, ln, 0) / (double)(lx + ln);
            if (r < 0.6)
                continue;
            /* keep the 3 largest (ratio, then the string, as heapq.nlargest) */
            size_t at = nb;
            while (at > 0 && (r > best[at - 1].r || (r == best[at - 1].r && strcmp(x, best[at - 1].s) > 0)))
                at--;
            if (at >= 3)
                continue;
            if (nb < 3)
                nb++;
            memmove(&best[at + 1], &best[at], (nb - 1 - at) * sizeof best[0]);
            best[at].r = r, best[at].s = x;
        }
    if (!nb)
        return ".";
    mn_buf b;
    mn_buf_init(&b, c->a, 0);
    mn_buf_puts(&b, ", perhaps you meant ");
    for (size_t i = 0; i < nb; i++)
        mn_buf_printf(&b, "%s%s", i ? " or " : "", best[i].s);
    mn_buf_putc(&b, '?');
    const char *out = mn_buf_cstr(&b);
    return out ? out : ".";
}

static bool is_text_kind(mn_field_kind k)
{
    return k == MN_KIND_CHAR || k == MN_KIND_TEXT || k == MN_KIND_SLUG || k == MN_KIND_EMAIL || k == MN_KIND_URL ||
           k == MN_KIND_UUID || k == MN_KIND_IP || k == MN_KIND_FILE || k == MN_KIND_IMAGE;
}

/* The value as text for the pattern lookups. */
static mn_str text_of(comp *c, mn_value v)
{
    int e = MN_OK;
    mn_str s = mn_value_as_str(v, c->a, &e);
    if (e)
        cfail(c, MN_ETYPE, "a %s cannot be used as text in a lookup", mn_value_type_name(v));
    return s;
}

/* Appends the transform of lhs (already in a buffer) for SQLite or PG. */
/* Writes the datetime column lhs read on the wall clock of the current
 * time zone (Django converts to it with USE_TZ before extracting parts):
 * PostgreSQL `lhs AT TIME ZONE %s`, SQLite mn_localtime(lhs, %s), or lhs
 * itself for UTC. */
static void put_local(comp *c, const char *lhs, bool pg)
{
    const char *zone = mn_tz_name(mn_tz_current());
    if (!strcmp(zone, "UTC")) {
        mn_buf_printf(&c->sql, pg ? "%s AT TIME ZONE 'UTC'" : "%s", lhs);
        return;
    }
    mn_buf_printf(&c->sql, pg ? "%s AT TIME ZONE " : "mn_localtime(%s, ", lhs);
    param(c, mn_value_cstr(zone));
    if (!pg)
        put(c, ")");
}

static void put_transform(comp *c, const char *tr, const char *lhs, const mn_field *f)
{
    bool pg = c->eng == MN_DB_POSTGRES;
    bool tz = f->kind == MN_KIND_DATETIME;
    mn_buf_init(&c->sql, c->a, 0);
    if (tz) {
        put_local(c, lhs, pg);
        lhs = mn_str_dup(c->a, mn_buf_str(&c->sql));
        mn_buf_init(&c->sql, c->a, 0);
        if (!lhs) {
            cfail(c, MN_ENOMEM, "out of memory");
            return;
        }
    }
    if (!strncmp(tr, "dttrunc_", 8)) {
        /* datetimes(): the local wall clock truncated, as the UTC instant
         * it names in the zone (read back in the zone: run_select) */
        static const char *const fmt[] = { "year", "%%Y-01-01 00:00:00", "month", "%%Y-%%m-01 00:00:00",
                                           "day", "%%Y-%%m-%%d 00:00:00", "hour", "%%Y-%%m-%%d %%H:00:00",
                                           "minute", "%%Y-%%m-%%d %%H:%%M:00",
                                           "second", "%%Y-%%m-%%d %%H:%%M:%%S", NULL };
        const char *k = tr + 8;
        const char *zone = mn_tz_name(mn_tz_current());
        bool utc = !strcmp(zone, "UTC");
        if (pg) {
            mn_buf_printf(&c->sql, "(DATE_TRUNC('%s', %s) AT TIME ZONE ", k, lhs);
            if (utc)
                put(c, "'UTC'");
            else
                param(c, mn_value_cstr(zone));
            put(c, ")");
            return;
        }
        put(c, utc ? "(" : "mn_aware(");
        if (!strcmp(k, "week")) {
            mn_buf_printf(&c->sql, "date(%s, '-6 days', 'weekday 1') || ' 00:00:00'", lhs);
        } else {
            for (size_t i = 0; fmt[i]; i += 2)
                if (!strcmp(fmt[i], k))
                    mn_buf_printf(&c->sql, "strftime('%s', %s)", fmt[i + 1], lhs);
        }
        if (!utc) {
            put(c, ", ");
            param(c, mn_value_cstr(zone));
        }
        put(c, ")");
        return;
    }
    if (!strncmp(tr, "trunc_", 6)) {
        /* dates(): the first day of the year, month, ISO week (Monday) or
         * the day itself; SQLite moves back 6 days, then on to a Monday */
        const char *k = tr + 6;
        if (pg)
            mn_buf_printf(&c->sql, "CAST(DATE_TRUNC('%s', CAST(%s AS timestamp)) AS date)", k, lhs);
        else if (!strcmp(k, "year"))
            mn_buf_printf(&c->sql, "strftime('%%%%Y-01-01', %s)", lhs);
        else if (!strcmp(k, "month"))
            mn_buf_printf(&c->sql, "strftime('%%%%Y-%%%%m-01', %s)", lhs);
        else if (!strcmp(k, "week"))
            mn_buf_printf(&c->sql, "date(%s, '-6 days', 'weekday 1')", lhs);
        else
            mn_buf_printf(&c->sql, "date(%s)", lhs);
        return;
    }
    if (!strcmp(tr, "date")) {
        if (pg)
            mn_buf_printf(&c->sql, "(%s)::date", lhs);
        else
            mn_buf_printf(&c->sql, "date(%s)", lhs);
        return;
    }
    if (!strcmp(tr, "time")) {
        /* SQLite: the time as Python's str(time) writes it (no fraction when zero) */
        if (pg)
            mn_buf_printf(&c->sql, "(%s)::time", lhs);
        else
            mn_buf_printf(&c->sql, "mn_time_of(%s)", lhs);
        return;
    }
    if (!pg && (!strcmp(tr, "week") || !strcmp(tr, "iso_year"))) {
        mn_buf_printf(&c->sql, "mn_iso('%s', %s)", tr, lhs);
        return;
    }
    static const struct { const char *name, *sq, *pg, *sq_fix; } parts[] = {
        { "year", "%%Y", "YEAR", "" },     { "month", "%%m", "MONTH", "" },   { "day", "%%d", "DAY", "" },
        { "hour", "%%H", "HOUR", "" },     { "minute", "%%M", "MINUTE", "" }, { "second", "%%S", "SECOND", "" },
        { "week_day", "%%w", "DOW", " + 1" }, { "iso_week_day", "%%w", "ISODOW", "" },
        { "quarter", "%%m", "QUARTER", "" }, { "week", NULL, "WEEK", "" }, { "iso_year", NULL, "ISOYEAR", "" },
    };
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (strcmp(parts[i].name, tr) != 0)
            continue;
        bool wd = !strcmp(tr, "week_day");
        if (pg)
            mn_buf_printf(&c->sql, "(EXTRACT(%s FROM %s)%s)", parts[i].pg, lhs, wd ? " + 1" : "");
        else if (!strcmp(tr, "quarter"))
            mn_buf_printf(&c->sql, "((CAST(strftime('%%%%m', %s) AS INTEGER) + 2) / 3)", lhs);
        else if (!strcmp(tr, "iso_week_day")) /* Monday 1 .. Sunday 7 */
            mn_buf_printf(&c->sql, "((CAST(strftime('%%%%w', %s) AS INTEGER) + 6) %%%% 7 + 1)", lhs);
        else
            mn_buf_printf(&c->sql, "(CAST(strftime('%s', %s) AS INTEGER)%s)", parts[i].sq, lhs, parts[i].sq_fix);
        return;
    }
}

static mn_field transform_field(const char *tr)
{
    /* Django's output field of a transform has no name: "Field 'None' ..." */
    (void)tr;
    mn_field g = { .name = "None",
                   .kind = !strcmp(tr, "date") ? MN_KIND_DATE : !strcmp(tr, "time") ? MN_KIND_TIME : MN_KIND_INT };
    return g;
}

/* JSON key path from parts [from, n): SQLite '$."a"."b"' (array indexes
 * as [0]), PostgreSQL '{a,b}'. */
static mn_str json_path(comp *c, char **parts, size_t from, size_t n)
{
    mn_buf b;
    mn_buf_init(&b, c->a, 0);
    if (c->eng == MN_DB_POSTGRES) {
        mn_buf_putc(&b, '{');
        for (size_t i = from; i < n; i++) {
            mn_buf_puts(&b, i > from ? ",\"" : "\"");
            for (const char *s = parts[i]; *s; s++) {
                if (*s == '"' || *s == '\\')
                    mn_buf_putc(&b, '\\');
                mn_buf_putc(&b, *s);
            }
            mn_buf_putc(&b, '"');
        }
        mn_buf_putc(&b, '}');
    } else {
        mn_buf_putc(&b, '$');
        for (size_t i = from; i < n; i++) {
            int64_t idx;
            if (mn_str_to_i64(mn_str_from(parts[i]), &idx) == MN_OK && idx >= 0) {
                mn_buf_printf(&b, "[%lld]", (long long)idx);
                continue;
            }
            mn_buf_puts(&b, ".\"");
            for (const char *s = parts[i]; *s; s++) {
                if (*s == '"' || *s == '\\')
                    mn_buf_putc(&b, '\\');
                mn_buf_putc(&b, *s);
            }
            mn_buf_putc(&b, '"');
        }
    }
    if (mn_buf_error(&b))
        cfail(c, MN_ENOMEM, "out of memory");
    return mn_buf_str(&b);
}

/* "a__b__c" as its parts (in c->a); false when out of memory (recorded). */
static bool split_parts(comp *c, const char *s, char ***parts, size_t *np)
{
    size_t n = 1;
    for (const char *q = s; (q = strstr(q, "__")) != NULL; q += 2)
        n++;
    char *copy = mn_arena_strdup(c->a, s);
    char **p = mn_arena_alloc(c->a, n * sizeof *p);
    if (!copy || !p) {
        cfail(c, MN_ENOMEM, "out of memory");
        return false;
    }
    size_t k = 0;
    for (char *q = copy; q;) {
        char *next = strstr(q, "__");
        if (next)
            *next = '\0';
        p[k++] = q;
        q = next ? next + 2 : NULL;
    }
    *parts = p;
    *np = k;
    return true;
}

/* "tags__dims__h": a key of a JSONField of this scope. Returns the field
 * and the key's parts (*parts in c->a, *np of them), or NULL when name is
 * no such key (nothing recorded). */
static const mn_field *json_key_ref(comp *c, const char *name, char ***parts, size_t *np)
{
    const char *sep = strstr(name, "__");
    if (!sep || !sep[2])
        return NULL;
    char *head = mn_arena_strndup(c->a, name, (size_t)(sep - name));
    const mn_field *jf = head ? resolve_field(c, head) : NULL;
    if (!jf || jf->kind != MN_KIND_JSON)
        return NULL;
    return split_parts(c, sep + 2, parts, np) ? jf : NULL;
}

/* "category__meta__color": a key of a JSONField reached across relations.
 * true with the field, its path ("category__meta") and the key's parts;
 * false (nothing recorded) when name is none. */
static bool json_rel_ref(comp *c, const char *name, jref *j)
{
    for (const char *sep = strstr(name, "__"); sep && sep[2] && c->rc == MN_OK; sep = strstr(sep + 2, "__")) {
        char *head = mn_arena_strndup(c->a, name, (size_t)(sep - name));
        if (!head) {
            cfail(c, MN_ENOMEM, "out of memory");
            return false;
        }
        if (!strstr(head, "__"))
            continue; /* a field of this scope: json_key_ref */
        const mn_field *f = path_field(c, head);
        if (!f || f->kind != MN_KIND_JSON)
            continue;
        j->f = f;
        j->path = head;
        return split_parts(c, sep + 2, &j->parts, &j->np);
    }
    return false;
}

/* A JSONField key as an SQL expression over col, the field's SQL. as_json:
 * its JSON text, which the field decodes to Django's Python value
 * (PostgreSQL's jsonb `#>`, SQLite's `->`: a string stays a string, true
 * stays a boolean, a missing key is NULL); else a value that compares and
 * sorts as Django's (`#>` again, SQLite's JSON_EXTRACT). */
static void put_json_key_on(comp *c, const char *col, char **parts, size_t np, bool as_json)
{
    bool pg = c->eng == MN_DB_POSTGRES;
    put(c, pg || as_json ? "(" : "JSON_EXTRACT(");
    put(c, col);
    put(c, pg ? " #> " : as_json ? " -> " : ", ");
    param(c, mn_value_str(json_path(c, parts, 0, np)));
    put(c, ")");
}

/* put_json_key_on() for a JSONField of this scope. */
static void put_json_key(comp *c, const mn_field *jf, char **parts, size_t np, bool as_json)
{
    mn_buf col;
    mn_buf_init(&col, c->a, 0);
    put_qcol(c, &col, mn_field_column(jf));
    if (mn_buf_error(&col)) {
        cfail(c, MN_ENOMEM, "out of memory");
        return;
    }
    put_json_key_on(c, mn_buf_cstr(&col), parts, np, as_json);
}

/* A key across relations: the field in the joined table al (a
 * multi-valued path of values()/order_by()), else through a scalar
 * subquery of its single-valued path. */
static void put_json_rel(comp *c, const jref *j, const char *al, bool as_json)
{
    mn_buf saved = c->sql;
    mn_buf_init(&c->sql, c->a, 0);
    if (al) {
        mn__quote(&c->sql, al);
        put(c, ".");
        mn__quote(&c->sql, mn_field_column(j->f));
    } else {
        rel_scalar(c, j->path);
    }
    const char *col = mn_buf_error(&c->sql) ? NULL : mn_str_dup(c->a, mn_buf_str(&c->sql));
    c->sql = saved;
    if (c->rc)
        return;
    if (!col) {
        cfail(c, MN_ENOMEM, "out of memory");
        return;
    }
    put_json_key_on(c, col, j->parts, j->np, as_json);
}

/* Python's repr() of a str, for messages quoting a value as Django does. */
static const char *py_repr(mn_arena *a, mn_str s)
{
    bool sq = memchr(s.ptr, '\'', s.len) != NULL, dq = memchr(s.ptr, '"', s.len) != NULL;
    char q = sq && !dq ? '"' : '\'';
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_buf_putc(&b, q);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char ch = (unsigned char)s.ptr[i];
        if (ch == '\\' || ch == (unsigned char)q)
            mn_buf_printf(&b, "\\%c", ch);
        else if (ch == '\n')
            mn_buf_puts(&b, "\\n");
        else if (ch == '\t')
            mn_buf_puts(&b, "\\t");
        else if (ch == '\r')
            mn_buf_puts(&b, "\\r");
        else if (ch < 0x20 || ch == 0x7f)
            mn_buf_printf(&b, "\\x%02x", ch);
        else
            mn_buf_putc(&b, (char)ch);
    }
    mn_buf_putc(&b, q);
    return mn_buf_error(&b) ? "''" : mn_buf_cstr(&b);
}

/* A lookup's value converted for the database by field f (Django's
 * get_prep_value): a number field given text that is no number says so as
 * Django does ("Field 'stock' expected a number but got 'abc'."; the
 * target of a key is named by its own field, a transform's by None). */
static int lookup_value(comp *c, const mn_field *f, mn_value v, mn_value *out)
{
    bool int_kind = f->kind == MN_KIND_AUTO || f->kind == MN_KIND_BIGAUTO || f->kind == MN_KIND_SMALLINT ||
                    f->kind == MN_KIND_INT || f->kind == MN_KIND_BIGINT || f->kind == MN_KIND_POSSMALLINT ||
                    f->kind == MN_KIND_POSINT || f->kind == MN_KIND_POSBIGINT ||
                    (f->kind == MN_KIND_FOREIGNKEY && f->related && mn_model_nfields(f->related) &&
                     mn_model_pk(f->related)->kind != MN_KIND_UUID && mn_model_pk(f->related)->kind != MN_KIND_CHAR);
    if (f->kind == MN_KIND_UUID && v.type == MN_VALUE_STR) {
        char hex[32];
        if (!mn__uuid_hex(v.u.s, hex))
            return cfail(c, MN_EINVAL, "\xe2\x80\x9c%.*s\xe2\x80\x9d is not a valid UUID.", MN_STR_FMT(v.u.s));
    }
    /* an integer field compares against int(value), as Django's
     * get_prep_value does (compile_lookup rounds gte/lt up first) */
    if (int_kind && v.type == MN_VALUE_FLOAT && isfinite(v.u.f) && fabs(v.u.f) < 9.2e18)
        v = mn_value_int((int64_t)trunc(v.u.f));
    if (f->kind == MN_KIND_DECIMAL && !c->save_prep && decimal_lookup_value(c, f, v, out))
        return MN_OK;
    if (mn__to_db(f, v, c->eng, c->a, out, c->err) == MN_OK)
        return MN_OK;
    bool number = f->kind == MN_KIND_AUTO || f->kind == MN_KIND_BIGAUTO || f->kind == MN_KIND_SMALLINT ||
                  f->kind == MN_KIND_INT || f->kind == MN_KIND_BIGINT || f->kind == MN_KIND_POSSMALLINT ||
                  f->kind == MN_KIND_POSINT || f->kind == MN_KIND_POSBIGINT || f->kind == MN_KIND_FLOAT ||
                  f->kind == MN_KIND_FOREIGNKEY;
    if (number && v.type == MN_VALUE_STR) {
        const char *name = f->name;
        if (f->kind == MN_KIND_FOREIGNKEY && f->related && mn_model_nfields(f->related))
            name = mn_model_pk(f->related)->name;
        return cfail(c, MN_EINVAL, "Field '%s' expected a number but got %s.", name, py_repr(c->a, v.u.s));
    }
    return c->rc = c->err && c->err->code ? c->err->code : MN_EINVAL;
}

static void compile_subquery(comp *c, mn_qs *sub);

/* One condition: lhs_sql is the column (or transformed) SQL, f the field
 * whose type converts the value. */
/* JSONField has_key for one key: `lhs ? key` on PostgreSQL, a JSON_TYPE
 * test of the key's path on SQLite. */
static void has_key_clause(comp *c, const char *lhs, mn_str key)
{
    mn_buf *s = &c->sql;
    if (c->eng == MN_DB_POSTGRES) {
        mn_buf_printf(s, "%s ? ", lhs);
        use_lhs(c, 1);
        param(c, mn_value_str(key));
    } else {
        char *part = mn_str_dup(c->a, key);
        mn_buf_printf(s, "JSON_TYPE(%s, ", lhs);
        use_lhs(c, 1);
        param(c, mn_value_str(json_path(c, &part, 0, 1)));
        put(c, ") IS NOT NULL");
    }
}

/* "fk__id" / "fk__pk": a ForeignKey's own column, read without a join;
 * the ForeignKey field, else NULL. */
static const mn_field *fk_id_path(comp *c, const char *name)
{
    const char *sep = strstr(name, "__");
    if (!sep)
        return NULL;
    char head[96];
    snprintf(head, sizeof head, "%.*s", (int)(sep - name), name);
    const mn_field *fk = mn_model_field_by_name(c->m, head);
    if (!fk || fk->kind != MN_KIND_FOREIGNKEY || !fk->related)
        return NULL;
    const char *tail = sep + 2;
    return !strcmp(tail, "pk") || (mn_model_nfields(fk->related) && !strcmp(tail, mn_model_pk(fk->related)->name))
               ? fk
               : NULL;
}

/* The first F() of e that needs a join (a field across a relation, other
 * than a ForeignKey's id or a JSON key), or NULL. */
static const char *joined_ref(comp *c, const expr *e)
{
    if (!e)
        return NULL;
    if (e->kind == E_BIN) {
        const char *l = joined_ref(c, e->l);
        return l ? l : joined_ref(c, e->r);
    }
    if (e->kind != E_F || !strstr(e->field, "__") || find_annot(c->qs, e->field) || fk_id_path(c, e->field))
        return NULL;
    char **parts;
    size_t np;
    mn_err *saved = c->err;
    mn_err scratch = { 0 };
    c->err = &scratch; /* only a probe: its failure is no error */
    int rc = c->rc;
    const mn_field *jf = json_key_ref(c, e->field, &parts, &np);
    c->rc = rc;
    c->err = saved;
    return jf ? NULL : e->field;
}

/* A plain F() of a nullable column of this query's table: a field, or a
 * ForeignKey's id written across it ("category__id", "category__pk"),
 * which Django reads from the key column without a join. */
static bool f_nullable_col(comp *c, mn_value v)
{
    if (!is_expr(v) || c->via_rel)
        return false;
    const expr *e = v.u.obj.ptr;
    if (e->kind != E_F || find_annot(c->qs, e->field))
        return false;
    const char *sep = strstr(e->field, "__");
    if (!sep) {
        const mn_field *f = resolve_field(c, e->field);
        return f && f->null;
    }
    const mn_field *fk = fk_id_path(c, e->field);
    return fk && fk->null;
}

static void compile_lookup(comp *c, const char *lhs, const mn_field *f, const char *lk, mn_value v, bool nullable,
                           bool json_key)
{
    bool pg = c->eng == MN_DB_POSTGRES;
    mn_buf *s = &c->sql;
    /* Under an odd number of NOTs, a nullable column needs "AND col IS NOT
     * NULL" so NULL rows stay excluded (SQL's three values) - except for
     * isnull and for an exact match against None, which is IS NULL. */
    bool null_exact = !json_key && v.type == MN_VALUE_NULL && (!strcmp(lk, "exact") || !strcmp(lk, "iexact"));
    bool guard = c->neg % 2 == 1 && nullable && strcmp(lk, "isnull") != 0 && !null_exact;
    /* and so does a nullable column on the right (exclude(stock__lt=
     * F("rating")) keeps the rows whose rating is NULL), as in Django */
    bool rguard = c->neg % 2 == 1 && strcmp(lk, "isnull") != 0 && f_nullable_col(c, v);
    if (v.type == MN_VALUE_NULL && !json_key && strcmp(lk, "exact") != 0 && strcmp(lk, "iexact") != 0) {
        cfail(c, MN_EINVAL, "Cannot use None as a query value");
        return;
    }
    if (v.type == MN_VALUE_FLOAT && !json_key && (!strcmp(lk, "gte") || !strcmp(lk, "lt")) && isfinite(v.u.f) &&
        (f->kind == MN_KIND_AUTO || f->kind == MN_KIND_BIGAUTO || f->kind == MN_KIND_SMALLINT ||
         f->kind == MN_KIND_INT || f->kind == MN_KIND_BIGINT || f->kind == MN_KIND_POSSMALLINT ||
         f->kind == MN_KIND_POSINT || f->kind == MN_KIND_POSBIGINT))
        v = mn_value_float(ceil(v.u.f)); /* Django's IntegerFieldFloatRounding: >= 1.5 is >= 2 */
    if (!strcmp(lk, "in") && v.type == MN_VALUE_STR) {
        /* Python iterates a string: its characters are the values */
        mn_list *chars = mn_list_new(c->a, v.u.s.len);
        for (size_t i = 0; i < v.u.s.len;) {
            size_t j = i + 1;
            while (j < v.u.s.len && ((unsigned char)v.u.s.ptr[j] & 0xC0) == 0x80)
                j++;
            mn_list_push(chars, mn_value_str((mn_str){ v.u.s.ptr + i, j - i }));
            i = j;
        }
        v = mn_value_list(chars);
    }
    if (guard || rguard)
        put(c, "(");
    if (!strcmp(lk, "iexact") && v.type == MN_VALUE_NULL && !json_key) {
        { mn_buf_printf(s, "%s IS NULL", lhs); use_lhs(c, 1); }
    } else if (!strcmp(lk, "isnull")) {
        if (v.type != MN_VALUE_BOOL) {
            cfail(c, MN_EINVAL, "The QuerySet value for an isnull lookup must be True or False.");
            return;
        }
        { mn_buf_printf(s, "%s IS %s", lhs, v.u.b ? "NULL" : "NOT NULL"); use_lhs(c, 1); }
    } else if (v.type == MN_VALUE_OBJECT && v.u.obj.type && !strcmp(v.u.obj.type->name, "QuerySet") &&
               (!strcmp(lk, "exact") || !strcmp(lk, "gt") || !strcmp(lk, "gte") || !strcmp(lk, "lt") ||
                !strcmp(lk, "lte"))) {
        /* a QuerySet as one value: its row as a scalar subquery; exact
         * wants it sliced to one row, as Django's Exact.process_rhs does */
        const mn_qs *sub = v.u.obj.ptr;
        if (!strcmp(lk, "exact") && !(sub->high >= 0 && sub->high - sub->low == 1)) {
            cfail(c, MN_EINVAL, "The QuerySet value for an exact lookup must be limited to one result using slicing.");
            return;
        }
        const char *op = !strcmp(lk, "exact") ? "=" : !strcmp(lk, "gt") ? ">" : !strcmp(lk, "gte") ? ">=" : !strcmp(lk, "lt") ? "<" : "<=";
        { mn_buf_printf(s, "%s %s (", lhs, op); use_lhs(c, 1); }
        compile_subquery(c, v.u.obj.ptr);
        put(c, ")");
    } else if (is_expr(v) && (!strcmp(lk, "iexact") || !strcmp(lk, "contains") || !strcmp(lk, "icontains") ||
                              !strcmp(lk, "startswith") || !strcmp(lk, "istartswith") || !strcmp(lk, "endswith") ||
                              !strcmp(lk, "iendswith") || !strcmp(lk, "regex") || !strcmp(lk, "iregex"))) {
        /* a pattern against an expression: compared as text, so the
         * expression's %, _ and \ are no wildcards (Django escapes them) */
        const char *base = lk[0] == 'i' ? lk + 1 : lk;
        const char *up = lk[0] == 'i' ? "UPPER(" : "(";
        const expr *r = v.u.obj.ptr;
#define PAT_L() (put(c, up), put(c, lhs), use_lhs(c, 1), put(c, ")"))
#define PAT_R() (put(c, up), compile_expr(c, r, f), put(c, ")"))
        if (!strcmp(base, "regex")) {
            bool ci = lk[0] == 'i';
            up = "(";
            if (pg)
                put(c, "("), put(c, lhs), use_lhs(c, 1), put(c, ")::text "), put(c, ci ? "~* " : "~ "), PAT_R();
            else
                PAT_L(), put(c, ci ? " REGEXP '(?i)' || " : " REGEXP "), PAT_R();
        } else if (!strcmp(base, "exact")) {
            PAT_L(), put(c, " = "), PAT_R();
        } else if (!strcmp(base, "contains")) {
            put(c, pg ? "strpos(" : "instr("), PAT_L(), put(c, ", "), PAT_R(), put(c, ") > 0");
        } else if (!strcmp(base, "startswith")) {
            put(c, "substr("), PAT_L(), put(c, ", 1, length("), PAT_R(), put(c, ")) = "), PAT_R();
        } else {
            put(c, "(length("), PAT_R(), put(c, ") <= length("), PAT_L(), put(c, ") AND substr("), PAT_L();
            put(c, ", length("), PAT_L(), put(c, ") - length("), PAT_R(), put(c, ") + 1) = "), PAT_R(), put(c, ")");
        }
#undef PAT_L
#undef PAT_R
    } else if (is_expr(v)) {
        static const struct { const char *lk, *op; } ops[] = {
            { "exact", "=" }, { "gt", ">" }, { "gte", ">=" }, { "lt", "<" }, { "lte", "<=" },
        };
        const char *op = NULL;
        for (size_t i = 0; i < 5; i++)
            if (!strcmp(ops[i].lk, lk))
                op = ops[i].op;
        if (!op) {
            cfail(c, MN_EINVAL, "the lookup '%s' does not take an expression", lk);
            return;
        }
        { mn_buf_printf(s, "%s %s ", lhs, op); use_lhs(c, 1); }
        compile_expr(c, v.u.obj.ptr, f);
    } else if (json_key && (!strcmp(lk, "exact") || !strcmp(lk, "gt") || !strcmp(lk, "gte") || !strcmp(lk, "lt") ||
                            !strcmp(lk, "lte"))) {
        const char *op = !strcmp(lk, "exact") ? "=" : !strcmp(lk, "gt") ? ">" : !strcmp(lk, "gte") ? ">=" : !strcmp(lk, "lt") ? "<" : "<=";
        mn_str j = mn_json_dumps(c->a, v, 0, c->err);
        if (!j.ptr) {
            c->rc = MN_EINVAL;
            return;
        }
        if (v.type == MN_VALUE_NULL && !strcmp(lk, "exact")) {
            /* key holds JSON null */
            if (pg)
                { mn_buf_printf(s, "%s = 'null'::jsonb", lhs); use_lhs(c, 1); }
            else /* lhs is JSON_TYPE(col, path) */
                { mn_buf_printf(s, "%s = 'null'", lhs); use_lhs(c, 1); }
            (void)j;
        } else if (pg) {
            { mn_buf_printf(s, "%s %s ", lhs, op); use_lhs(c, 1); }
            param(c, mn_value_str(j));
            put(c, "::jsonb");
        } else {
            { mn_buf_printf(s, "%s %s JSON_EXTRACT(", lhs, op); use_lhs(c, 1); }
            param(c, mn_value_str(j));
            put(c, ", '$')");
        }
    } else if (!strcmp(lk, "exact") || !strcmp(lk, "gt") || !strcmp(lk, "gte") || !strcmp(lk, "lt") ||
               !strcmp(lk, "lte")) {
        if (v.type == MN_VALUE_NULL) {
            if (strcmp(lk, "exact") != 0) {
                cfail(c, MN_EINVAL, "Cannot use None as a query value");
                return;
            }
            /* JSONField(None) means JSON null, as in Django (isnull=True is SQL NULL) */
            if (f->kind == MN_KIND_JSON && pg)
                { mn_buf_printf(s, "%s = 'null'::jsonb", lhs); use_lhs(c, 1); }
            else if (f->kind == MN_KIND_JSON)
                { mn_buf_printf(s, "JSON_TYPE(%s, '$') = 'null'", lhs); use_lhs(c, 1); }
            else
                { mn_buf_printf(s, "%s IS NULL", lhs); use_lhs(c, 1); }
        } else {
            const char *op = !strcmp(lk, "exact") ? "=" : !strcmp(lk, "gt") ? ">" : !strcmp(lk, "gte") ? ">=" : !strcmp(lk, "lt") ? "<" : "<=";
            mn_value p;
            if (lookup_value(c, f, v, &p) != MN_OK)
                return;
            { mn_buf_printf(s, "%s %s ", lhs, op); use_lhs(c, 1); }
            param(c, p);
            if (pg && f->kind == MN_KIND_JSON)
                put(c, "::jsonb");
        }
    } else if (json_key && !strcmp(lk, "in") && v.type == MN_VALUE_LIST) {
        /* each value compared as JSON, as the key's exact lookup does */
        size_t n = mn_list_len(v.u.list), k = 0;
        for (size_t i = 0; i < n; i++) {
            mn_value item = mn_list_get(v.u.list, i);
            if (item.type == MN_VALUE_NULL)
                continue;
            mn_str j = mn_json_dumps(c->a, item, MN_JSON_DJANGO, c->err);
            if (!j.ptr) {
                c->rc = MN_EINVAL;
                return;
            }
            if (k++) {
                put(c, ", ");
            } else {
                mn_buf_printf(s, "%s IN (", lhs);
                use_lhs(c, 1);
            }
            if (pg) {
                param(c, mn_value_str(j));
                put(c, "::jsonb");
            } else {
                put(c, "JSON_EXTRACT(");
                param(c, mn_value_str(j));
                put(c, ", '$')");
            }
        }
        put(c, k ? ")" : "1 = 0");
    } else if (f->kind == MN_KIND_JSON && (!strcmp(lk, "contains") || !strcmp(lk, "contained_by"))) {
        /* on a key too ("tags__color__contains"): Django's JSON containment */
        if (!pg) {
            cfail(c, MN_EINVAL, "%s lookup is not supported on this database backend.", lk);
            return;
        }
        mn_value p;
        if (lookup_value(c, f, v, &p) != MN_OK)
            return;
        { mn_buf_printf(s, "%s %s ", lhs, lk[4] == 'a' ? "@>" : "<@"); use_lhs(c, 1); }
        param(c, p);
        put(c, "::jsonb");
    } else if (!strcmp(lk, "has_keys") || !strcmp(lk, "has_any_keys")) {
        if (f->kind != MN_KIND_JSON || v.type != MN_VALUE_LIST) {
            if (f->kind != MN_KIND_JSON)
                cfail(c, MN_EINVAL, "Unsupported lookup '%s' for %s or join on the field not permitted%s", lk,
                      mn__kind_name(f->kind), lookup_hint(c, lk, f->kind));
            else
                cfail(c, MN_EINVAL, "the '%s' lookup needs a list of keys (%s)", lk, mn__kind_name(f->kind));
            return;
        }
        size_t n = mn_list_len(v.u.list);
        put(c, "(");
        for (size_t i = 0; i < n; i++) {
            if (i)
                put(c, lk[4] == 'k' ? " AND " : " OR ");
            has_key_clause(c, lhs, text_of(c, mn_list_get(v.u.list, i)));
        }
        put(c, n ? ")" : "1 = 1)");
    } else if (!strcmp(lk, "in")) {
        if (v.type == MN_VALUE_OBJECT && v.u.obj.type && !strcmp(v.u.obj.type->name, "QuerySet")) {
            const mn_qs *sub = v.u.obj.ptr;
            if (f->kind == MN_KIND_FOREIGNKEY && f->related && sub->mode == MODE_OBJECTS && sub->m != f->related) {
                /* Django's check_related_objects for a QuerySet of instances */
                cfail(c, MN_EINVAL, "Cannot use QuerySet for \"%s\": Use a QuerySet for \"%s\".", sub->m->name,
                      f->related->name);
                return;
            }
            { mn_buf_printf(s, "%s IN (", lhs); use_lhs(c, 1); }
            compile_subquery(c, v.u.obj.ptr);
            put(c, ")");
        } else if (v.type != MN_VALUE_LIST) {
            /* Python's words for iterating a scalar */
            const char *t = v.type == MN_VALUE_INT ? "int" : v.type == MN_VALUE_FLOAT ? "float"
                          : v.type == MN_VALUE_BOOL ? "bool" : v.type == MN_VALUE_DECIMAL ? "decimal.Decimal"
                          : v.type == MN_VALUE_DATE ? "datetime.date" : v.type == MN_VALUE_DATETIME ? "datetime.datetime"
                          : mn_value_type_name(v);
            cfail(c, MN_ETYPE, "'%s' object is not iterable", t);
            return;
        } else {
            size_t n = mn_list_len(v.u.list), k = 0;
            for (size_t i = 0; i < n; i++) {
                mn_value item = mn_list_get(v.u.list, i), p;
                if (item.type == MN_VALUE_NULL)
                    continue; /* NULL never matches IN; Django drops it */
                if (!is_expr(item) && lookup_value(c, f, item, &p) != MN_OK)
                    return;
                if (k++) {
                    put(c, ", ");
                } else {
                    mn_buf_printf(s, "%s IN (", lhs);
                    use_lhs(c, 1);
                }
                if (is_expr(item))
                    compile_expr(c, item.u.obj.ptr, f); /* in=[F("weight"), 3] */
                else
                    param(c, p);
            }
            if (k == 0)
                put(c, "1 = 0"); /* Django's EmptyResultSet: matches nothing */
            else
                put(c, ")");
        }
    } else if (!strcmp(lk, "range")) {
        if (v.type != MN_VALUE_LIST || mn_list_len(v.u.list) != 2) {
            cfail(c, MN_EINVAL, "the 'range' lookup needs a list of two values");
            return;
        }
        /* each bound a value or an expression (range=(F("weight"), 9)) */
        mn_value b[2] = { mn_list_get(v.u.list, 0), mn_list_get(v.u.list, 1) }, p[2];
        for (int i = 0; i < 2; i++)
            if (!is_expr(b[i]) && lookup_value(c, f, b[i], &p[i]) != MN_OK)
                return;
        { mn_buf_printf(s, "%s BETWEEN ", lhs); use_lhs(c, 1); }
        for (int i = 0; i < 2; i++) {
            if (i)
                put(c, " AND ");
            if (is_expr(b[i]))
                compile_expr(c, b[i].u.obj.ptr, f);
            else
                param(c, p[i]);
        }
    } else if (!strcmp(lk, "regex") || !strcmp(lk, "iregex")) {
        mn_str pat = text_of(c, v);
        bool ci = lk[0] == 'i';
        if (pg) {
            { mn_buf_printf(s, "%s::text %s ", lhs, ci ? "~*" : "~"); use_lhs(c, 1); }
            param(c, mn_value_str(pat));
        } else {
            { mn_buf_printf(s, "%s REGEXP %s", lhs, ci ? "'(?i)' || " : ""); use_lhs(c, 1); }
            param(c, mn_value_str(pat));
        }
    } else if (!strcmp(lk, "has_key")) {
        if (f->kind != MN_KIND_JSON) {
            cfail(c, MN_EINVAL, "Unsupported lookup 'has_key' for %s or join on the field not permitted.",
                  mn__kind_name(f->kind));
            return;
        }
        has_key_clause(c, lhs, text_of(c, v));
    } else {
        /* contains, icontains, iexact, startswith, istartswith, endswith, iendswith */
        bool ci = lk[0] == 'i';
        const char *base = ci ? lk + 1 : lk;
        mn_str t = text_of(c, v);
        if (!pg && f->kind == MN_KIND_UUID && memchr(t.ptr, '-', t.len)) {
            /* Django's UUIDTextMixin: SQLite keeps 32 hex digits, so the
             * value's dashes go (Replace(rhs, "-", "")) */
            char *d = mn_arena_alloc(c->a, t.len + 1);
            size_t k = 0;
            if (!d) {
                cfail(c, MN_ENOMEM, "out of memory");
                return;
            }
            for (size_t j = 0; j < t.len; j++)
                if (t.ptr[j] != '-')
                    d[k++] = t.ptr[j];
            t = (mn_str){ d, k };
        }
        bool lead = !strcmp(base, "contains") || !strcmp(base, "endswith");
        bool trail = !strcmp(base, "contains") || !strcmp(base, "startswith");
        const char *text_lhs = lhs;
        if (pg && f->kind == MN_KIND_IP)
            text_lhs = mn_arena_sprintf(c->a, "HOST(%s)", lhs); /* Django's lookup_cast for inet */
        else if (pg && (!is_text_kind(f->kind) || f->kind == MN_KIND_UUID))
            text_lhs = mn_arena_sprintf(c->a, "%s::text", lhs);
        if (ci) {
            if (pg) {
                { mn_buf_printf(s, "UPPER(%s) LIKE UPPER(", text_lhs); use_lhs(c, 1); }
                param(c, mn_value_str(like_pattern(c, t, lead, trail)));
                put(c, ") ESCAPE '\\'");
            } else {
                { mn_buf_printf(s, "%s LIKE ", lhs); use_lhs(c, 1); }
                param(c, mn_value_str(like_pattern(c, t, lead, trail)));
                put(c, " ESCAPE '\\'");
            }
        } else if (!strcmp(base, "exact")) {
            { mn_buf_printf(s, "%s = ", lhs); use_lhs(c, 1); }
            param(c, mn_value_str(t));
        } else if (pg) {
            { mn_buf_printf(s, "%s LIKE ", text_lhs); use_lhs(c, 1); }
            param(c, mn_value_str(like_pattern(c, t, lead, trail)));
            put(c, " ESCAPE '\\'");
        } else if (!strcmp(base, "contains")) {
            /* SQLite's LIKE ignores case: instr() keeps contains exact. */
            { mn_buf_printf(s, "instr(%s, ", lhs); use_lhs(c, 1); }
            param(c, mn_value_str(t));
            put(c, ") > 0");
        } else if (!strcmp(base, "startswith")) {
            { mn_buf_printf(s, "instr(%s, ", lhs); use_lhs(c, 1); }
            param(c, mn_value_str(t));
            put(c, ") = 1");
        } else {
            { mn_buf_printf(s, "substr(%s, length(%s) - length(", lhs, lhs); use_lhs(c, 2); }
            param(c, mn_value_str(t));
            put(c, ") + 1) = ");
            param(c, mn_value_str(t));
        }
    }
    if (guard && c->guard_col) {
        mn_buf_printf(s, " AND %s IS NOT NULL", c->guard_col);
    } else if (guard) {
        { mn_buf_printf(s, " AND %s IS NOT NULL", lhs); use_lhs(c, 1); }
    }
    if (rguard) {
        put(c, " AND ");
        compile_expr(c, v.u.obj.ptr, f);
        put(c, " IS NOT NULL");
    }
    if (guard || rguard)
        put(c, ")");
}

static void run_lookup(comp *c, size_t np0, const char *lhs, const mn_field *f, const char *lk, mn_value v,
                       bool nullable, bool json_key)
{
    /* Parameters written into the left side move to c->lp; compile_lookup
     * pushes them again wherever it writes the left side. */
    size_t n = c->np - np0;
    mn_value *lp = NULL;
    if (n) {
        lp = mn_arena_memdup(c->a, c->params + np0, n * sizeof *lp);
        if (!lp) {
            cfail(c, MN_ENOMEM, "out of memory");
            return;
        }
    }
    c->np = np0;
    c->lp = lp;
    c->nlp = n;
    compile_lookup(c, lhs, f, lk, v, nullable, json_key);
    c->lp = NULL;
    c->nlp = 0;
}

static size_t conjuncts(const mn_qobj *q, const mn_qobj **out, size_t n, size_t cap);
static void put_related_columns(comp *c);
static void put_joins(comp *c);

/* ---- relations in lookups ----
 * A condition across a relation is a correlated EXISTS (a semi-join):
 * "category__name" is EXISTS(SELECT 1 FROM shop_category U0 WHERE U0.id =
 * shop_product.category_id AND U0.name = %s). Rows are never multiplied,
 * so no DISTINCT is needed, each filter() call gets its own subquery
 * (Django's separate joins for chained calls), and the conditions of one
 * call on the same multi-valued relation share one (the same related row).
 * Values read across relations (values(), order_by(), F()) are scalar
 * subqueries over single-valued paths; aggregates over relations
 * (Count("products")) are correlated aggregate subqueries, which also
 * keeps several of them from multiplying each other. See
 * docs/design/relations.md. */

typedef struct hop {
    mn_model *m;     /* the table of this step */
    const char *lhs; /* its column, */
    const char *rhs; /* equal to this column of the previous step */
    bool single;     /* at most one row per previous row */
} hop;

#define MAX_HOPS 16

/* The steps of relation r from model prev; returns their number. */
static size_t rel_hops(const mn__rel *r, mn_model *prev, hop *out)
{
    if (r->kind == MN__REL_FORWARD) {
        out[0] = (hop){ r->model, r->model->_rt->columns[r->model->_rt->pk], mn_field_column(r->fk), true };
        return 1;
    }
    if (r->kind == MN__REL_REVERSE) {
        out[0] = (hop){ r->model, mn_field_column(r->fk), prev->_rt->columns[prev->_rt->pk], !r->multiple };
        return 1;
    }
    out[0] = (hop){ r->through, mn_field_column(r->src_fk), prev->_rt->columns[prev->_rt->pk], false };
    out[1] = (hop){ r->model, r->model->_rt->columns[r->model->_rt->pk], mn_field_column(r->dst_fk), true };
    return 2;
}

/* The outer reference of a column of this scope: alias or table. */
static void put_ref(comp *c, const char *col)
{
    mn__quote(&c->sql, c->alias ? c->alias : c->m->_rt->table);
    mn_buf_putc(&c->sql, '.');
    mn__quote(&c->sql, col);
}

static const char *hop_alias(comp *c, size_t i) { return mn_arena_sprintf(c->a, "U%d", c->depth + (int)i); }

/* FROM T0 U<d> INNER JOIN T1 U<d+1> ON ... WHERE U<d>.lhs = outer.rhs;
 * correlate false: stops after the joins. */
static void put_hops_from(comp *c, const hop *h, size_t n, bool correlate)
{
    put(c, " FROM ");
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(c, " INNER JOIN ");
        mn__quote(&c->sql, h[i].m->_rt->table);
        put(c, " ");
        mn__quote(&c->sql, hop_alias(c, i));
        if (i) {
            put(c, " ON ");
            mn__quote(&c->sql, hop_alias(c, i));
            put(c, ".");
            mn__quote(&c->sql, h[i].lhs);
            put(c, " = ");
            mn__quote(&c->sql, hop_alias(c, i - 1));
            put(c, ".");
            mn__quote(&c->sql, h[i].rhs);
        }
    }
    if (!correlate)
        return;
    put(c, " WHERE ");
    mn__quote(&c->sql, hop_alias(c, 0));
    put(c, ".");
    mn__quote(&c->sql, h[0].lhs);
    put(c, " = ");
    put_ref(c, h[0].rhs);
}

static void put_hops(comp *c, const hop *h, size_t n) { put_hops_from(c, h, n, true); }

/* A scope for the last step of hops: its columns qualified by its alias. */
static bool inner_scope(comp *c, comp *s, mn_model *m, size_t nhops)
{
    *s = *c;
    s->m = m;
    s->qs = mn_qs_all(m, c->a);
    if (!s->qs) {
        cfail(c, MN_ENOMEM, "out of memory");
        return false;
    }
    s->alias = hop_alias(c, nhops - 1);
    s->depth = c->depth + (int)nhops;
    s->neg = 0;
    s->lp = NULL;
    s->nlp = 0;
    s->having = NULL;
    s->nhaving = 0;
    s->joins = false;
    s->vj = NULL;
    s->nvj = 0;
    s->in_aggregate = false;
    s->via_rel = true;
    s->outer = c;
    return true;
}

static void leave_scope(comp *c, comp *s)
{
    c->sql = s->sql;
    c->params = s->params;
    c->np = s->np;
    c->cap = s->cap;
    c->rc = s->rc;
}

/* EXISTS(SELECT 1 FROM <relation> WHERE <correlation> AND <inner>);
 * inner (conditions on the related model) may be NULL. */
static void rel_exists(comp *c, const mn__rel *r, const mn_qobj *inner)
{
    hop h[2];
    size_t n = rel_hops(r, c->m, h);
    put(c, "EXISTS(SELECT 1");
    put_hops(c, h, n);
    if (inner) {
        comp s;
        if (!inner_scope(c, &s, r->model, n))
            return;
        s.via_name = r->query_name ? r->query_name : r->name;
        put(&s, " AND ");
        compile_q(&s, inner);
        leave_scope(c, &s);
    }
    put(c, ")");
}

/* Is the first part of a lookup a relation to follow? Fills r. */
static bool rel_head(comp *c, char **parts, size_t n, mn__rel *r)
{
    const mn_field *f = resolve_field(c, parts[0]);
    if (f) {
        if (f->kind != MN_KIND_FOREIGNKEY || n < 2 || !strcmp(parts[1], "id") || !strcmp(parts[1], "pk") ||
            in_list(lookups, parts[1]) || strcmp(f->name, parts[0]) != 0)
            return false;
        return mn__rel_find(c->m, parts[0], true, r);
    }
    if (find_annot(c->qs, parts[0]))
        return false;
    return mn__rel_find(c->m, parts[0], true, r);
}

/* The lookup after its first part ("name__icontains"), or "pk". */
static const char *rest_of(comp *c, const char *lookup)
{
    const char *sep = strstr(lookup, "__");
    return sep && sep[2] ? sep + 2 : mn_arena_strdup(c->a, "pk");
}

/* Does a leaf across relation r (parts[0]) hold for a row without any
 * related row? It does when it ends in isnull=True or compares with None
 * (not as a JSON key, where None is JSON's null). */
static bool missing_matches(const mn__rel *r, const mn_qobj *q, char **parts, size_t n)
{
    const char *lastp = parts[n - 1];
    if (n >= 2 && !strcmp(lastp, "isnull"))
        return q->v.type == MN_VALUE_BOOL && q->v.u.b;
    if (q->v.type != MN_VALUE_NULL)
        return false;
    mn_model *cur = r->model;
    for (size_t i = 1; i < n; i++) {
        if (in_list(lookups, parts[i]))
            return i == n - 1 && (!strcmp(parts[i], "exact") || !strcmp(parts[i], "iexact"));
        const mn_field *f = mn_model_field_by_name(cur, parts[i]);
        mn__rel r2;
        if (f && f->kind == MN_KIND_JSON)
            return false;
        if ((f && f->kind == MN_KIND_FOREIGNKEY) || !f) {
            if (!mn__rel_find(cur, parts[i], true, &r2))
                return f != NULL;
            cur = r2.model;
        }
    }
    return true;
}

/* A condition across relation r (the leaf's first part). */
static void rel_leaf(comp *c, const mn__rel *r, const mn_qobj *q, char **parts, size_t n)
{
    if (r->kind != MN__REL_FORWARD && n == 2 && !strcmp(parts[1], "isnull")) {
        if (q->v.type != MN_VALUE_BOOL) {
            cfail(c, MN_EINVAL, "The QuerySet value for an isnull lookup must be True or False.");
            return;
        }
        if (q->v.u.b)
            put(c, "NOT ");
        rel_exists(c, r, NULL);
        return;
    }
    mn_qobj *inner = mn_q(c->a, rest_of(c, q->lookup), q->v);
    if (!inner) {
        cfail(c, MN_ENOMEM, "out of memory");
        return;
    }
    if (!missing_matches(r, q, parts, n)) {
        rel_exists(c, r, inner);
        return;
    }
    /* Django's LEFT OUTER JOIN: a row without a related row matches an
     * isnull=True (or = None) condition on the related row's fields */
    put(c, "(NOT ");
    rel_exists(c, r, NULL);
    put(c, " OR ");
    rel_exists(c, r, inner);
    put(c, ")");
}

/* The multi-valued relation a leaf starts with, for grouping. */
static bool leaf_multi(comp *c, const mn_qobj *q, mn__rel *r)
{
    if (q->kind != Q_LEAF)
        return false;
    const char *sep = strstr(q->lookup, "__");
    char head[128];
    size_t len = sep ? (size_t)(sep - q->lookup) : strlen(q->lookup);
    if (len >= sizeof head)
        return false;
    memcpy(head, q->lookup, len);
    head[len] = '\0';
    if (resolve_field(c, head) || find_annot(c->qs, head))
        return false;
    if (!mn__rel_find(c->m, head, true, r) || !r->multiple)
        return false;
    /* "products__isnull" is about the relation itself */
    return !(sep && !strcmp(sep + 2, "isnull"));
}

/* One filter() call's AND: conditions on the same multi-valued relation
 * are about the same related row, so they share one EXISTS. */
static void compile_call_and(comp *c, const mn_qobj *q)
{
    size_t n = conjuncts(q, NULL, 0, 0);
    const mn_qobj **all = mn_arena_alloc(c->a, n * sizeof *all);
    bool *done = mn_arena_calloc(c->a, n ? n : 1, sizeof *done);
    if (!all || !done) {
        cfail(c, MN_ENOMEM, "out of memory");
        return;
    }
    conjuncts(q, all, 0, n);
    put(c, "(");
    bool first = true;
    for (size_t i = 0; i < n && !c->rc; i++) {
        if (done[i])
            continue;
        put(c, first ? "" : " AND ");
        first = false;
        mn__rel r, r2;
        if (!leaf_multi(c, all[i], &r)) {
            compile_q(c, all[i]);
            continue;
        }
        size_t grouped = 0;
        for (size_t j = i + 1; j < n; j++)
            if (!done[j] && leaf_multi(c, all[j], &r2) && r2.through == r.through && r2.fk == r.fk &&
                r2.model == r.model)
                grouped++;
        if (!grouped) { /* alone: as a single leaf (isnull=True also matches no related row) */
            compile_q(c, all[i]);
            continue;
        }
        mn_qobj *inner = mn_q(c->a, rest_of(c, all[i]->lookup), all[i]->v);
        for (size_t j = i + 1; j < n && inner; j++) {
            if (done[j] || !leaf_multi(c, all[j], &r2) || r2.through != r.through || r2.fk != r.fk ||
                r2.model != r.model)
                continue;
            mn_qobj *more = mn_q(c->a, rest_of(c, all[j]->lookup), all[j]->v);
            inner = more ? mn_q_and(inner, more) : NULL;
            done[j] = true;
        }
        if (!inner) {
            cfail(c, MN_ENOMEM, "out of memory");
            return;
        }
        rel_exists(c, &r, inner);
    }
    put(c, ")");
}

/* Walks "a__b__c": relations become hops, the end is a field (or the
 * primary key of the last model). Returns the end field, or NULL with the
 * error recorded. *last gets the model holding it. */
static const mn_field *walk_path(comp *c, const char *path, hop *h, size_t *nh, mn_model **last, bool quiet)
{
    char *copy = mn_arena_strdup(c->a, path);
    if (!copy) {
        cfail(c, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_model *cur = c->m;
    *nh = 0;
    for (char *p = copy;;) {
        char *sep = strstr(p, "__");
        if (sep)
            *sep = '\0';
        const mn_field *f = mn_model_field_by_name(cur, p);
        mn__rel r;
        bool rel = false;
        if (f && f->kind == MN_KIND_FOREIGNKEY && sep)
            rel = mn__rel_find(cur, p, true, &r);
        else if (!f)
            rel = mn__rel_find(cur, p, true, &r);
        if (!f && !rel) {
            if (!quiet) {
                const char *choices = mn__choices(cur, NULL, 0, c->a);
                cfail(c, MN_EINVAL, "Cannot resolve keyword '%s' into field. Choices are: %s", p, choices);
            }
            return NULL;
        }
        if (!rel) {
            if (sep) {
                if (!quiet) /* Django names the next part only ("year" of "year__gt") */
                    cfail(c, MN_EINVAL, "Cannot resolve keyword '%.*s' into field. Join on '%s' not permitted.",
                          (int)(strstr(sep + 2, "__") ? (size_t)(strstr(sep + 2, "__") - (sep + 2)) : strlen(sep + 2)),
                          sep + 2, p);
                return NULL;
            }
            *last = cur;
            return f;
        }
        if (*nh + 2 > MAX_HOPS) {
            if (!quiet)
                cfail(c, MN_ELIMIT, "'%s' follows too many relations", path);
            return NULL;
        }
        *nh += rel_hops(&r, cur, h + *nh);
        cur = r.model;
        if (!sep) {
            *last = cur;
            return &cur->_rt->fields[cur->_rt->pk];
        }
        p = sep + 2;
    }
}

/* Does a name go across a relation (for values/order/F/aggregates)? */
static bool is_rel_path(comp *c, const char *name)
{
    if (resolve_field(c, name) || find_annot(c->qs, name))
        return false;
    hop h[MAX_HOPS];
    size_t nh;
    mn_model *last;
    return walk_path(c, name, h, &nh, &last, true) && nh > 0;
}

/* The field a relation path ends at (NULL when it is not one). */
static const mn_field *path_field(comp *c, const char *name)
{
    hop h[MAX_HOPS];
    size_t nh;
    mn_model *last;
    const mn_field *f = walk_path(c, name, h, &nh, &last, true);
    return f && nh ? f : NULL;
}

/* (SELECT U<k>.col FROM ... ) over a single-valued path. */
static void rel_scalar(comp *c, const char *path)
{
    hop h[MAX_HOPS];
    size_t nh;
    mn_model *last;
    const mn_field *f = walk_path(c, path, h, &nh, &last, false);
    if (!f)
        return;
    for (size_t i = 0; i < nh; i++)
        if (!h[i].single) {
            cfail(c, MN_EINVAL,
                  "'%s' goes through a multi-valued relation: use an aggregate (mn_count...) or prefetch_related",
                  path);
            return;
        }
    put(c, "(SELECT ");
    mn__quote(&c->sql, hop_alias(c, nh - 1));
    put(c, ".");
    mn__quote(&c->sql, mn_field_column(f));
    put_hops(c, h, nh);
    put(c, ")");
}

/* values("products__name") on categories: as Django, one row per related
 * row through LEFT OUTER JOINs (V1, V2...), shared by the paths of one
 * relation prefix ("products__name", "products__price"). */
typedef struct vjoin {
    const char *key;   /* the relation prefix this join ends ("products") or NULL (inner step) */
    mn_model *m;
    const char *alias, *prev; /* prev: NULL for the base table */
    const char *lhs, *rhs;
} vjoin;

static const char *vjoin_add(comp *c, const char *key, const hop *h, size_t nh, const char *prev)
{
    for (size_t i = 0; i < c->nvj; i++)
        if (c->vj[i].key && !strcmp(c->vj[i].key, key))
            return c->vj[i].alias;
    for (size_t i = 0; i < nh; i++) {
        if (c->nvj % 8 == 0) {
            vjoin *nj = mn_arena_realloc(c->a, c->vj, c->nvj * sizeof *nj, (c->nvj + 8) * sizeof *nj);
            if (!nj) {
                cfail(c, MN_ENOMEM, "out of memory");
                return NULL;
            }
            c->vj = nj;
        }
        vjoin *j = &c->vj[c->nvj];
        j->key = i == nh - 1 ? key : NULL;
        j->m = h[i].m;
        j->alias = mn_arena_sprintf(c->a, "V%zu", c->nvj + 1);
        j->prev = prev;
        j->lhs = h[i].lhs;
        j->rhs = h[i].rhs;
        prev = j->alias;
        c->nvj++;
    }
    return prev;
}

/* Joins a multi-valued values() path; returns the alias holding its field
 * (*f), or NULL when the path is single-valued or not one (no error). */
static const char *vjoin_path(comp *c, const char *path, const mn_field **f)
{
    char *copy = mn_arena_strdup(c->a, path);
    if (!copy)
        return NULL;
    size_t nvj0 = c->nvj;
    mn_model *cur = c->m;
    const char *prev = NULL;
    bool multi = false;
    hop h[MAX_HOPS];
    size_t total = 0;
    for (char *p = copy; p;) {
        char *sep = strstr(p, "__");
        if (sep)
            *sep = '\0';
        const mn_field *g = mn_model_field_by_name(cur, p);
        mn__rel r;
        if (g && (g->kind != MN_KIND_FOREIGNKEY || !sep)) {
            if (sep) {
                c->nvj = nvj0; /* "product__created__year": no path */
                return NULL;
            }
            *f = g;
            break;
        }
        if (!mn__rel_find(cur, p, true, &r)) {
            c->nvj = nvj0;
            return NULL;
        }
        size_t nh = rel_hops(&r, cur, h);
        for (size_t i = 0; i < nh; i++)
            multi |= !h[i].single;
        total += nh;
        if (total > MAX_HOPS) {
            c->nvj = nvj0;
            return NULL;
        }
        size_t keylen = (size_t)(p - copy) + strlen(p);
        prev = vjoin_add(c, mn_arena_strndup(c->a, path, keylen), h, nh, prev);
        if (!prev)
            return NULL;
        cur = r.model;
        if (!sep) {
            *f = &cur->_rt->fields[cur->_rt->pk];
            break;
        }
        p = sep + 2;
    }
    if (!multi) {
        c->nvj = nvj0; /* single-valued: a scalar subquery does it */
        return NULL;
    }
    c->alias = c->m->_rt->table;
    return prev;
}

static void put_vjoins(comp *c)
{
    for (size_t i = 0; i < c->nvj; i++) {
        const vjoin *j = &c->vj[i];
        put(c, " LEFT OUTER JOIN ");
        mn__quote(&c->sql, j->m->_rt->table);
        put(c, " ");
        mn__quote(&c->sql, j->alias);
        put(c, " ON (");
        mn__quote(&c->sql, j->alias);
        put(c, ".");
        mn__quote(&c->sql, j->lhs);
        put(c, " = ");
        mn__quote(&c->sql, j->prev ? j->prev : c->m->_rt->table);
        put(c, ".");
        mn__quote(&c->sql, j->rhs);
        put(c, ")");
    }
}

/* A copy of q with prefix ("products") taken off every lookup
 * ("products__price__gte" -> "price__gte"); NULL with the error recorded
 * when a lookup is about something else. */
static const mn_qobj *strip_prefix(comp *c, const mn_qobj *q, const char *field, size_t plen)
{
    if (!q)
        return NULL;
    mn_qobj *out = mn_arena_memdup(c->a, q, sizeof *q);
    if (!out) {
        cfail(c, MN_ENOMEM, "out of memory");
        return NULL;
    }
    out->arena = c->a;
    if (q->kind != Q_LEAF) {
        out->a = (mn_qobj *)strip_prefix(c, q->a, field, plen);
        if (q->b)
            out->b = (mn_qobj *)strip_prefix(c, q->b, field, plen);
        return out->a && (!q->b || out->b) ? out : NULL;
    }
    if (strncmp(q->lookup, field, plen) != 0 || (q->lookup[plen] && strncmp(q->lookup + plen, "__", 2) != 0)) {
        cfail(c, MN_EINVAL, "the filter of an aggregate over '%.*s' must name its fields ('%.*s__...'), not '%s'",
              (int)plen, field, (int)plen, field, q->lookup);
        return NULL;
    }
    out->lookup = q->lookup[plen] ? q->lookup + plen + 2 : "pk";
    return out;
}

/* filter=Q(products__price__gte=...): " AND <conditions>" on the same
 * relation, their prefix stripped, on the last step. false on failure. */
static bool agg_filter(comp *c, const expr *e, size_t nh, const mn_field *f, mn_model *last)
{
    comp s;
    if (!inner_scope(c, &s, last, nh))
        return false;
    put(&s, " AND ");
    const char *lastsep = NULL;
    for (const char *p = strstr(e->field, "__"); p; p = strstr(p + 2, "__"))
        lastsep = p;
    size_t plen = strlen(e->field);
    if (lastsep && (!strcmp(lastsep + 2, f->name) || !strcmp(lastsep + 2, "pk")))
        plen = (size_t)(lastsep - e->field);
    const mn_qobj *fq = strip_prefix(&s, e->filter, e->field, plen);
    if (fq)
        compile_q(&s, fq);
    leave_scope(c, &s);
    return true;
}

/* Which model fields a values() query selects (indexes into fields, or -1
 * - k - 1 for annotation k). */
typedef struct selcol {
    int field; /* >= 0 a field, else annotation -field-1 */
    const char *key;
    const char *path;   /* a value across relations ("category__name"), or NULL */
    const mn_field *pf; /* its field */
    const char *jalias; /* a multi-valued path: the alias of its joined table */
    char **jparts;      /* a JSONField key ("tags__color"; pf is the field): its parts */
    size_t njparts;
    const struct tref *tr; /* transforms ("created__year"; pf is their output; jalias NULL) */
    const char *tralias;   /* tr's field in a joined table (multi-valued path), or NULL */
    const struct jref *jr; /* a JSON key across relations ("category__meta__color"; pf its field) */
} selcol;
static selcol *select_columns(comp *c, size_t *n);
static void compile_select(comp *c, selcol *cols, size_t n, bool with_order);

/* aggregate(Count("tags__name", distinct=True)): the distinct values over
 * the related rows of every row of the QuerySet, as Django's join gives:
 * MIN((SELECT FN(DISTINCT Uk.col) FROM <hops> WHERE U0.lhs IN (SELECT
 * subquery.rhs FROM (<the QuerySet's rows>) subquery))). */
/* The related column an aggregate subquery reads (al.col), or its
 * transforms when t is set (Min("products__created__year")). */
static void put_rel_agg_col(comp *c, const char *al, const mn_field *f, bool cast, const tref *t)
{
    if (!t) {
        put_alias_col(c, al, f, cast);
        return;
    }
    put(c, cast ? "CAST(" : "");
    put_tref(c, t, al, true);
    put(c, cast ? " AS REAL)" : "");
}

static void rel_agg_distinct(comp *c, const expr *e, const hop *h, size_t nh, const char *al, const mn_field *f,
                             mn_model *last, const tref *t)
{
    bool cast = e->agg == AGG_AVG && c->eng == MN_DB_SQLITE;
    /* the subquery is the same on every outer row: MIN() keeps aggregate()
     * one row (an empty QuerySet: COUNT 0, others NULL, as Django) */
    put(c, e->agg == AGG_COUNT ? "COALESCE(MIN((SELECT " : "MIN((SELECT ");
    put(c, agg_fn[e->agg]);
    put(c, "(DISTINCT ");
    put_rel_agg_col(c, al, f, cast, t);
    put(c, ")");
    put_hops_from(c, h, nh, false);
    put(c, " WHERE ");
    mn__quote(&c->sql, hop_alias(c, 0));
    put(c, ".");
    mn__quote(&c->sql, h[0].lhs);
    put(c, " IN (SELECT ");
    const char *sub = mn_arena_sprintf(c->a, "subquery%d", c->depth + (int)nh);
    mn__quote(&c->sql, sub);
    put(c, ".");
    mn__quote(&c->sql, h[0].rhs);
    put(c, " FROM (");
    mn_qs *inner = mn_arena_memdup(c->a, c->qs, sizeof *c->qs);
    if (!inner || !sub) {
        cfail(c, MN_ENOMEM, "out of memory");
        return;
    }
    inner->mode = MODE_OBJECTS;
    inner->nannots = 0;
    comp ic = *c;
    ic.qs = inner;
    ic.m = inner->m;
    ic.alias = NULL;
    ic.depth = c->depth + (int)nh;
    ic.in_aggregate = false;
    ic.joins = false;
    ic.vj = NULL;
    ic.nvj = 0;
    size_t nc;
    selcol *cols = select_columns(&ic, &nc);
    if (cols)
        compile_select(&ic, cols, nc, true);
    leave_scope(c, &ic);
    put(c, ") ");
    mn__quote(&c->sql, sub);
    put(c, ")");
    if (e->filter && !agg_filter(c, e, nh, f, last))
        return;
    put(c, e->agg == AGG_COUNT ? ")), 0)" : "))");
}

/* The start of pass `pass` of an aggregate k over related rows, one
 * correlated subquery per row: inside aggregate(), first the combination
 * over the rows (AVG: SUM of the sums, then / SUM of the counts; COUNT:
 * COALESCE(SUM(...), 0); else the same function), then "(SELECT FN". The
 * caller writes the argument's "(" and what follows; rel_agg_close ends
 * the combination. Returns the subquery's own aggregate. */
static aggkind rel_agg_open(comp *c, aggkind k, int pass)
{
    if (c->in_aggregate) {
        if (k == AGG_AVG) {
            k = pass == 0 ? AGG_SUM : AGG_COUNT;
            put(c, pass == 0 ? (c->eng == MN_DB_SQLITE ? "(CAST(SUM(" : "(SUM(") : " / SUM(");
        } else if (k == AGG_COUNT) {
            put(c, "COALESCE(SUM(");
        } else {
            put(c, agg_fn[k]);
            put(c, "(");
        }
    }
    put(c, "(SELECT ");
    put(c, agg_fn[k]);
    return k;
}

/* The end of what rel_agg_open(c, k, pass) began, after the subquery. */
static void rel_agg_close(comp *c, aggkind k, int pass)
{
    if (!c->in_aggregate)
        return;
    if (k == AGG_AVG)
        put(c, pass == 0 ? (c->eng == MN_DB_SQLITE ? ") AS REAL)" : ")") : "))");
    else if (k == AGG_COUNT)
        put(c, "), 0)");
    else
        put(c, ")");
}

/* An aggregate over a relation path: a correlated aggregate subquery
 * (annotate), combined over the rows in aggregate(). */
static void rel_agg(comp *c, const expr *e)
{
    hop h[MAX_HOPS];
    size_t nh;
    mn_model *last;
    tref t;
    expr te;
    bool tr = !path_field(c, e->field) && transform_ref(c, e->field, &t) && t.path;
    if (tr) {
        /* the aggregate of the transforms of the path's field */
        te = *e;
        te.field = t.path;
        e = &te;
    }
    const mn_field *f = walk_path(c, e->field, h, &nh, &last, false);
    if (!f)
        return;
    const char *al = hop_alias(c, nh - 1);
    /* one subquery: FN(col) over the related rows of the current row */
    for (int pass = 0; pass < (c->in_aggregate && e->agg == AGG_AVG ? 2 : 1); pass++) {
        if (c->in_aggregate && e->distinct) {
            rel_agg_distinct(c, e, h, nh, al, f, last, tr ? &t : NULL);
            return;
        }
        aggkind k = rel_agg_open(c, e->agg, pass);
        put(c, e->distinct ? "(DISTINCT " : "(");
        bool cast = k == AGG_AVG && c->eng == MN_DB_SQLITE;
        put_rel_agg_col(c, al, f, cast, tr ? &t : NULL);
        put(c, ")");
        put_hops(c, h, nh);
        if (e->filter && !agg_filter(c, e, nh, f, last))
            return;
        put(c, ")");
        rel_agg_close(c, e->agg, pass);
    }
}

/* The relation paths ("products" of "products__stock") of e's F()s, each
 * through a multi-valued relation first, into paths (distinct, at most
 * cap); values may sit beside them. False for anything else. */
static bool rel_expr_paths(comp *c, const expr *e, const char **paths, size_t *n, size_t cap)
{
    if (e->kind == E_VALUE)
        return true;
    if (e->kind == E_BIN)
        return rel_expr_paths(c, e->l, paths, n, cap) && rel_expr_paths(c, e->r, paths, n, cap);
    if (e->kind != E_F || resolve_field(c, e->field) || find_annot(c->qs, e->field))
        return false;
    const char *last = NULL;
    for (const char *p = strstr(e->field, "__"); p; p = strstr(p + 2, "__"))
        last = p;
    if (!last)
        return false;
    char head[128];
    const char *sep = strstr(e->field, "__");
    snprintf(head, sizeof head, "%.*s", (int)(sep - e->field), e->field);
    mn__rel r;
    if (!mn__rel_find(c->m, head, true, &r) || !r.multiple)
        return false;
    size_t len = (size_t)(last - e->field);
    for (size_t i = 0; i < *n; i++)
        if (strlen(paths[i]) == len && !strncmp(paths[i], e->field, len))
            return true;
    if (*n == cap)
        return false;
    paths[(*n)++] = mn_arena_sprintf(c->a, "%.*s", (int)len, e->field);
    return paths[*n - 1] != NULL;
}

/* The name, seen from the model at the end of path deep, of field "p__f"
 * whose path p is deep or a part of it: "f" itself, or back through the
 * reverse ForeignKeys between them ("products__reviews" seen from a review:
 * "products__stock" is "product__stock"). NULL when a step back is no
 * reverse ForeignKey. */
static const char *rel_expr_name(comp *c, const char *deep, const char *field)
{
    const char *last = NULL;
    for (const char *p = strstr(field, "__"); p; p = strstr(p + 2, "__"))
        last = p;
    size_t plen = (size_t)(last - field);
    const char *name = last + 2;
    if (!deep[plen])
        return name;
    /* the steps of deep after the field's path, walked from its model */
    mn_model *cur = c->m;
    char *copy = mn_arena_strdup(c->a, deep);
    if (!copy)
        return NULL;
    const char *back = name;
    size_t pos = 0;
    for (char *p = copy;;) {
        char *sep = strstr(p, "__");
        if (sep)
            *sep = '\0';
        mn__rel r;
        if (!mn__rel_find(cur, p, true, &r))
            return NULL;
        if (pos >= plen) {
            if (r.kind != MN__REL_REVERSE || !r.fk)
                return NULL;
            back = mn_arena_sprintf(c->a, "%s__%s", r.fk->name, back);
            if (!back)
                return NULL;
        }
        cur = r.model;
        if (!sep)
            break;
        pos += strlen(p) + 2;
        p = sep + 2;
    }
    return back;
}

/* A copy of e whose F()s name fields as seen from the end of path deep. */
static expr *rel_expr_strip(comp *c, const expr *e, const char *deep)
{
    expr *x = mn_arena_memdup(c->a, e, sizeof *e);
    if (!x)
        return NULL;
    if (e->kind == E_F && !(x->field = rel_expr_name(c, deep, e->field)))
        return NULL;
    if (e->kind == E_BIN && (!(x->l = rel_expr_strip(c, e->l, deep)) || !(x->r = rel_expr_strip(c, e->r, deep))))
        return NULL;
    return x;
}

/* Sum(F("products__stock") * F("products__weight")): the aggregate of an
 * expression over the related rows, as Django's join computes it, one
 * correlated subquery per row (aggregate(): combined over the rows as
 * rel_agg does). False when e is no such aggregate (nothing written). */
static bool rel_agg_expr(comp *c, const expr *e)
{
    const char *paths[8];
    size_t npaths = 0;
    if (!e->arg || e->distinct || e->filter || !rel_expr_paths(c, e->arg, paths, &npaths, 8) || !npaths)
        return false;
    /* the deepest path; every other one a part of it */
    const char *path = paths[0];
    for (size_t i = 1; i < npaths; i++)
        if (strlen(paths[i]) > strlen(path))
            path = paths[i];
    for (size_t i = 0; i < npaths; i++) {
        size_t l = strlen(paths[i]);
        if (strncmp(path, paths[i], l) || (path[l] && strncmp(path + l, "__", 2)))
            return false;
    }
    expr *arg = rel_expr_strip(c, e->arg, path);
    if (!arg)
        return false; /* a step back that is no reverse ForeignKey */
    hop h[MAX_HOPS];
    size_t nh;
    mn_model *last;
    /* walk to a field of the related model: its pk ends the path */
    if (!walk_path(c, mn_arena_sprintf(c->a, "%s__pk", path), h, &nh, &last, false))
        return true; /* walk_path set the error */
    mn_qs *rq = mn_qs_all(last, c->a);
    if (!rq) {
        cfail(c, MN_ENOMEM, "out of memory");
        return true;
    }
    for (int pass = 0; pass < (c->in_aggregate && e->agg == AGG_AVG ? 2 : 1); pass++) {
        aggkind k = rel_agg_open(c, e->agg, pass);
        put(c, "(");
        bool cast = k == AGG_AVG && c->eng == MN_DB_SQLITE;
        if (cast)
            put(c, "CAST(");
        /* the expression in the scope of the last hop's table */
        comp r = *c;
        r.qs = rq;
        r.m = last;
        r.alias = hop_alias(c, nh - 1);
        r.depth = c->depth + (int)nh; /* subqueries of the expression alias past the hops */
        r.outer = NULL;
        r.via_rel = false;
        r.in_aggregate = false;
        compile_expr(&r, arg, NULL);
        c->sql = r.sql, c->params = r.params, c->np = r.np, c->cap = r.cap, c->rc = r.rc;
        if (cast)
            put(c, " AS REAL)");
        put(c, ")");
        put_hops(c, h, nh);
        put(c, ")");
        rel_agg_close(c, e->agg, pass);
    }
    return true;
}

static void compile_leaf(comp *c, const mn_qobj *q)
{
    size_t np0 = c->np;
    /* Split "a__b__c" into parts. */
    char *copy = mn_arena_strdup(c->a, q->lookup);
    if (!copy) {
        cfail(c, MN_ENOMEM, "out of memory");
        return;
    }
    char *parts[16];
    size_t n = 0;
    for (char *p = copy;;) {
        char *sep = strstr(p, "__");
        if (n == sizeof parts / sizeof *parts) {
            cfail(c, MN_EINVAL, "lookup '%s' has too many parts", q->lookup);
            return;
        }
        parts[n++] = p;
        if (!sep)
            break;
        *sep = '\0';
        p = sep + 2;
    }
    if (!parts[0][0]) {
        cfail(c, MN_EINVAL, "an empty lookup");
        return;
    }
    mn__rel rel;
    if (rel_head(c, parts, n, &rel)) {
        rel_leaf(c, &rel, q, parts, n);
        return;
    }
    const mn_field *f = resolve_field(c, parts[0]);
    mn_buf lhs;
    mn_buf_init(&lhs, c->a, 0);
    mn_field tf;
    if (!f) {
        const annot *an = find_annot(c->qs, parts[0]);
        if (!an && c->via_rel) {
            /* Django tries a name that is no field of the related model as
             * a lookup on the relation */
            cfail(c, MN_EINVAL, "Related Field got invalid lookup: %s", parts[0]);
            return;
        }
        if (!an) {
            unresolved(c, parts[0]);
            return;
        }
        char **jparts;
        size_t njparts;
        if (an->e->kind == E_F && json_key_ref(c, an->e->field, &jparts, &njparts)) {
            /* annotate(x=F("tags__color")).filter(x=...): the key's lookup,
             * as Django's KeyTransform gives */
            mn_qobj kq = *q;
            const char *rest = strstr(q->lookup, "__");
            kq.lookup = mn_arena_sprintf(c->a, "%s%s", an->e->field, rest ? rest : "");
            if (!kq.lookup) {
                cfail(c, MN_ENOMEM, "out of memory");
                return;
            }
            compile_leaf(c, &kq);
            return;
        }
        if (c->rc)
            return;
        /* An annotation: compile its expression as the left side. */
        comp sub = *c;
        mn_buf_init(&sub.sql, c->a, 0);
        compile_expr(&sub, an->e, NULL);
        c->params = sub.params, c->np = sub.np, c->cap = sub.cap, c->rc = sub.rc;
        if (c->rc)
            return;
        mn_buf_printf(&lhs, "(%s)", mn_buf_cstr(&sub.sql));
        tf = (mn_field){ .name = parts[0], .kind = MN_KIND_FLOAT };
        f = &tf;
    } else {
        put_qcol(c, &lhs, mn_field_column(f));
    }
    size_t i = 1;
    bool nullable = f->null;
    const mn_field *conv = f;
    mn_field tfield;
    if (f->kind == MN_KIND_FOREIGNKEY && n > 1 && (!strcmp(parts[1], "id") || !strcmp(parts[1], "pk")))
        i = 2;
    else if (f->kind == MN_KIND_FOREIGNKEY && n > 1 && f != &tf && !c->via_rel) {
        /* a ForeignKey itself ("category", "category_id") takes the
         * related lookups only; "category__id__startswith" is the id's */
        static const char *const related_lookups[] = { "exact", "in", "gt", "gte", "lt", "lte", "isnull", NULL };
        if (n > 2 || !in_list(related_lookups, parts[1])) {
            cfail(c, MN_EINVAL, "Related Field got invalid lookup: %s", parts[1]);
            return;
        }
    }
    if (f->kind == MN_KIND_JSON) {
        size_t end = n;
        if (n > 1 && in_list(lookups, parts[n - 1]))
            end = n - 1;
        if (end > 1) {
            mn_str path = json_path(c, parts, 1, end);
            char *lhs_s = mn_str_dup(c->a, mn_buf_str(&lhs));
            mn_buf_init(&lhs, c->a, 0);
            /* The path is a parameter: compile it into a sub-buffer so its
             * placeholder lands before the value's. */
            const char *lk = end < n ? parts[n - 1] : "exact";
            bool as_text = !(!strcmp(lk, "exact") || !strcmp(lk, "gt") || !strcmp(lk, "gte") || !strcmp(lk, "lt") ||
                             !strcmp(lk, "lte") || !strcmp(lk, "in") || !strcmp(lk, "isnull") ||
                             !strcmp(lk, "contains") || in_list(json_lookups, lk));
            {
                mn_buf saved = c->sql;
                mn_buf_init(&c->sql, c->a, 0);
                if (c->eng == MN_DB_POSTGRES)
                    mn_buf_printf(&c->sql, "(%s %s ", lhs_s, as_text ? "#>>" : "#>");
                else
                    mn_buf_printf(&c->sql, "%s(%s, ",
                                  !strcmp(lk, "isnull") || (!strcmp(lk, "exact") && q->v.type == MN_VALUE_NULL)
                                      ? "JSON_TYPE"
                                      : "JSON_EXTRACT",
                                  lhs_s);
                param(c, mn_value_str(path));
                put(c, ")");
                char *lhs_json = mn_str_dup(c->a, mn_buf_str(&c->sql));
                c->sql = saved;
                if (!lhs_json) {
                    cfail(c, MN_ENOMEM, "out of memory");
                    return;
                }
                /* exclude() guards the column, not the key: Django's
                 * NOT (key = v AND col IS NOT NULL) drops rows without it */
                c->guard_col = lhs_s;
                run_lookup(c, np0, lhs_json, f, lk, q->v, f->null, true);
                c->guard_col = NULL;
                return;
            }
        }
    }
    for (; i < n; i++) {
        const char *part = parts[i];
        if (in_list(transforms, part) && (conv->kind == MN_KIND_DATE || conv->kind == MN_KIND_DATETIME ||
                                          (conv->kind == MN_KIND_TIME && in_list(time_transforms, part)))) {
            if ((!strcmp(part, "date") || !strcmp(part, "time") || in_list(time_transforms, part)) &&
                conv->kind == MN_KIND_DATE) {
                cfail(c, MN_EINVAL, "Unsupported lookup '%s' for %s or join on the field not permitted%s",
                      part, mn__kind_name(conv->kind), lookup_hint(c, part, conv->kind));
                return;
            }
            char *cur = mn_str_dup(c->a, mn_buf_str(&lhs));
            mn_buf saved = c->sql;
            put_transform(c, part, cur, conv);
            lhs = c->sql;
            c->sql = saved;
            tfield = transform_field(part);
            conv = &tfield;
            continue;
        }
        if (i == n - 1 && in_list(lookups, part) && !in_list(json_lookups, part))
            break;
        if (i == n - 1 && in_list(json_lookups, part) && f->kind == MN_KIND_JSON)
            break;
        cfail(c, MN_EINVAL, "Unsupported lookup '%s' for %s or join on the field not permitted%s", part,
              mn__kind_name(conv->kind), lookup_hint(c, part, conv->kind));
        return;
    }
    const char *lk = i < n ? parts[i] : "exact";
    if (mn_buf_error(&lhs)) {
        cfail(c, MN_ENOMEM, "out of memory");
        return;
    }
    run_lookup(c, np0, mn_buf_cstr(&lhs), conv, lk, q->v, nullable, false);
}

static void compile_q(comp *c, const mn_qobj *q)
{
    if (c->rc)
        return;
    switch (q->kind) {
    case Q_LEAF: compile_leaf(c, q); return;
    case Q_NOT:
        put(c, "NOT (");
        c->neg++;
        compile_q(c, q->a);
        c->neg--;
        put(c, ")");
        return;
    default:
        if (q->kind == Q_AND && q->call && c->neg % 2 == 0) {
            compile_call_and(c, q);
            return;
        }
        put(c, "(");
        compile_q(c, q->a);
        put(c, q->kind == Q_AND ? " AND " : " OR ");
        compile_q(c, q->b);
        put(c, ")");
        return;
    }
}

/* Does a condition name an aggregate annotation (so it belongs in HAVING)? */
static bool q_has_agg(mn_qs *qs, const mn_qobj *q)
{
    if (!q)
        return false;
    if (q->kind != Q_LEAF)
        return q_has_agg(qs, q->a) || q_has_agg(qs, q->b);
    const char *sep = strstr(q->lookup, "__");
    size_t n = sep ? (size_t)(sep - q->lookup) : strlen(q->lookup);
    for (size_t i = 0; i < qs->nannots; i++)
        if (strlen(qs->annots[i].name) == n && !strncmp(qs->annots[i].name, q->lookup, n))
            return has_agg(qs->annots[i].e);
    return false;
}

static size_t conjuncts(const mn_qobj *q, const mn_qobj **out, size_t n, size_t cap)
{
    if (q->kind == Q_AND) {
        n = conjuncts(q->a, out, n, cap);
        return conjuncts(q->b, out, n, cap);
    }
    if (n < cap)
        out[n] = q;
    return n + 1;
}

/* WHERE from the filters; the conditions on aggregate annotations are set
 * aside in c->having for compile_select (Django moves them to HAVING). */
static void compile_where(comp *c)
{
    c->having = NULL;
    c->nhaving = 0;
    if (c->qs->none) {
        put(c, " WHERE 1 = 0");
        return;
    }
    if (!c->qs->where)
        return;
    if (!c->qs->nannots || !q_has_agg(c->qs, c->qs->where)) {
        put(c, " WHERE ");
        compile_q(c, c->qs->where);
        return;
    }
    size_t n = conjuncts(c->qs->where, NULL, 0, 0);
    const mn_qobj **all = mn_arena_alloc(c->a, n * sizeof *all);
    const mn_qobj **having = mn_arena_alloc(c->a, n * sizeof *having);
    if (!all || !having) {
        cfail(c, MN_ENOMEM, "out of memory");
        return;
    }
    conjuncts(c->qs->where, all, 0, n);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (q_has_agg(c->qs, all[i])) {
            having[c->nhaving++] = all[i];
            continue;
        }
        put(c, first ? " WHERE " : " AND ");
        first = false;
        compile_q(c, all[i]);
    }
    c->having = having;
}

/* HAVING for what compile_where set aside. */
static void compile_having(comp *c)
{
    for (size_t i = 0; i < c->nhaving; i++) {
        put(c, i ? " AND " : " HAVING ");
        compile_q(c, c->having[i]);
    }
    c->nhaving = 0;
}

/* Statements without GROUP BY cannot filter on aggregates. */
static void no_having(comp *c, const char *what)
{
    if (c->nhaving)
        cfail(c, MN_EINVAL, "%s cannot filter on an aggregate annotation", what);
}

static bool any_agg(mn_qs *qs);

/* The effective ordering: explicit, else Meta.ordering, which (since
 * Django 3.1) does not apply to GROUP BY queries. */
static const char *const *ordering(mn_qs *qs)
{
    if (qs->order_set)
        return qs->order;
    return any_agg(qs) ? NULL : qs->m->meta.ordering;
}

/* The ForeignKey a name ends on ("category", "product__category"; not
 * its attname nor "__id"), or NULL. */
static const mn_field *order_fk(comp *c, const char *name)
{
    const mn_field *f = NULL;
    if (!strstr(name, "__")) {
        f = mn_model_field_by_name(c->m, name);
    } else {
        hop h[MAX_HOPS];
        size_t nh;
        mn_model *last;
        mn_err quiet = { 0 };
        mn_err *saved = c->err;
        int rc = c->rc;
        c->err = &quiet;
        f = walk_path(c, name, h, &nh, &last, true);
        c->err = saved;
        c->rc = rc;
        size_t nl = strlen(name), fl = f ? strlen(f->name) : 0;
        if (f && (nl < fl + 2 || strcmp(name + nl - fl, f->name) != 0 || strncmp(name + nl - fl - 2, "__", 2) != 0))
            f = NULL; /* walked to the key's target ("category__id") */
    }
    return f && f->kind == MN_KIND_FOREIGNKEY && f->related && f->related->meta.ordering ? f : NULL;
}

/* Splits rest ("date__year") into transforms valid one after the other
 * from a field of kind k. false when one is not. */
static bool transform_chain(comp *c, mn_field_kind k, const char *rest, tref *t)
{
    char *copy = mn_arena_strdup(c->a, rest);
    if (!copy)
        return cfail(c, MN_ENOMEM, "out of memory"), false;
    size_t n = 1;
    for (const char *s = rest; (s = strstr(s, "__")) != NULL; s += 2)
        n++;
    char **parts = mn_arena_alloc(c->a, n * sizeof *parts);
    if (!parts)
        return cfail(c, MN_ENOMEM, "out of memory"), false;
    size_t np = 0;
    for (char *q = copy; q;) {
        char *next = strstr(q, "__");
        if (next)
            *next = '\0';
        parts[np++] = q;
        q = next ? next + 2 : NULL;
    }
    for (size_t i = 0; i < np; i++) {
        bool time_part = !strcmp(parts[i], "time") || in_list(time_transforms, parts[i]);
        if (!in_list(transforms, parts[i]) || (k != MN_KIND_DATE && k != MN_KIND_DATETIME && k != MN_KIND_TIME) ||
            (k == MN_KIND_TIME && !in_list(time_transforms, parts[i])) ||
            (k == MN_KIND_DATE && (time_part || !strcmp(parts[i], "date"))))
            return false;
        k = transform_field(parts[i]).kind;
    }
    t->parts = parts;
    t->np = np;
    t->kind = k;
    return true;
}

/* Resolves name as a tref; false (nothing recorded) when it is none. */
static bool transform_ref(comp *c, const char *name, tref *t)
{
    for (const char *sep = strstr(name, "__"); sep && c->rc == MN_OK; sep = strstr(sep + 2, "__")) {
        size_t tl = strcspn(sep + 2, "_");
        char first[16];
        if (tl >= sizeof first)
            continue;
        /* the part after the field must be a transform ("day" of "day__x") */
        snprintf(first, sizeof first, "%s", sep + 2);
        char *u = strstr(first, "__");
        if (u)
            *u = '\0';
        if (!in_list(transforms, first))
            continue;
        char *head = mn_arena_strndup(c->a, name, (size_t)(sep - name));
        if (!head)
            return cfail(c, MN_ENOMEM, "out of memory"), false;
        bool rel = strstr(head, "__") != NULL;
        const mn_field *f = rel ? path_field(c, head) : resolve_field(c, head);
        if (!f || (f->kind != MN_KIND_DATE && f->kind != MN_KIND_DATETIME && f->kind != MN_KIND_TIME))
            continue;
        t->f = f;
        t->path = rel ? head : NULL;
        return transform_chain(c, f->kind, sep + 2, t);
    }
    return false;
}

/* Writes the transforms of t over lhs (the field's SQL), as filter()
 * writes them. selected: a column read back, where PostgreSQL's numeric
 * EXTRACT becomes Django's int (int() of the value: truncated). */
static void put_tref_on(comp *c, const tref *t, const char *lhs, bool selected)
{
    mn_buf saved = c->sql;
    const mn_field *conv = t->f;
    mn_field tf;
    for (size_t i = 0; i < t->np && lhs; i++) {
        put_transform(c, t->parts[i], lhs, conv);
        lhs = mn_str_dup(c->a, mn_buf_str(&c->sql));
        tf = transform_field(t->parts[i]);
        conv = &tf;
    }
    c->sql = saved;
    if (!lhs) {
        cfail(c, MN_ENOMEM, "out of memory");
        return;
    }
    bool cast = selected && c->eng == MN_DB_POSTGRES && t->kind == MN_KIND_INT;
    put(c, cast ? "CAST(TRUNC(" : "");
    put(c, lhs);
    put(c, cast ? ") AS bigint)" : "");
}

/* Writes t: the field's column in this scope, in the joined table al (a
 * multi-valued path of values()/order_by()), or through a scalar subquery
 * across single-valued relations. */
static void put_tref(comp *c, const tref *t, const char *al, bool selected)
{
    mn_buf saved = c->sql;
    mn_buf_init(&c->sql, c->a, 0);
    if (al) {
        mn__quote(&c->sql, al);
        put(c, ".");
        mn__quote(&c->sql, mn_field_column(t->f));
    } else if (t->path) {
        rel_scalar(c, t->path);
    } else {
        put_col(c, t->f);
    }
    const char *lhs = mn_buf_error(&c->sql) ? NULL : mn_str_dup(c->a, mn_buf_str(&c->sql));
    c->sql = saved;
    if (c->rc)
        return;
    put_tref_on(c, t, lhs, selected);
}

/* The alias of the table compile_select joined for path (values() across
 * a relation), or NULL when it joined none (the caller then joins its
 * own). */
static const char *joined_alias(comp *c, const char *path)
{
    if (!c->alias)
        return NULL;
    const mn_field *vf;
    size_t nvj0 = c->nvj;
    const char *al = vjoin_path(c, path, &vf);
    if (c->nvj != nvj0) { /* not joined before: undo the join just made */
        c->nvj = nvj0;
        return NULL;
    }
    return al;
}

/* order_by("created__year"): false (nothing written) when name is no
 * tref. A path already joined by compile_select reads its joined table. */
static bool order_transform(comp *c, const char *name)
{
    tref t;
    if (!transform_ref(c, name, &t))
        return false;
    put_tref(c, &t, t.path ? joined_alias(c, t.path) : NULL, false);
    return true;
}

static void compile_order_item(comp *c, const char *name, bool desc, bool reversed, int depth)
{
    /* A ForeignKey orders by its model's Meta.ordering, as in Django
     * (order_by("category") is by category.name when Category orders so) */
    const mn_field *fk = depth < 4 ? order_fk(c, name) : NULL;
    if (fk) {
        const char *const *rel = fk->related->meta.ordering;
        for (size_t k = 0; rel[k] && c->rc == MN_OK; k++) {
            bool rdesc = rel[k][0] == '-';
            const char *sub = mn_arena_sprintf(c->a, "%s__%s", name, rdesc ? rel[k] + 1 : rel[k]);
            if (!sub) {
                cfail(c, MN_ENOMEM, "out of memory");
                return;
            }
            if (k && !c->ord_select)
                put(c, ", ");
            compile_order_item(c, sub, desc != rdesc, reversed, depth + 1);
        }
        return;
    }
    if (c->ord_select)
        put(c, ", ");
    const mn_field *f = resolve_field(c, name);
    const char *sep = strstr(name, "__");
    char **jparts = NULL;
    size_t njparts = 0;
    const mn_field *jf = !f && sep ? json_key_ref(c, name, &jparts, &njparts) : NULL;
    const selcol *jsel = NULL;
    for (size_t i = 0; jf && c->eng == MN_DB_POSTGRES && !c->ord_select && i < c->nsel; i++)
        if (c->sel[i].jparts && !strcmp(c->sel[i].key, name))
            jsel = &c->sel[i];
    /* values("created__year").order_by("created__year"): the selected
     * column by its name too (PostgreSQL's GROUP BY and DISTINCT) */
    for (size_t i = 0; !f && !jf && !c->ord_select && i < c->nsel; i++)
        if ((c->sel[i].tr || c->sel[i].jr) && !strcmp(c->sel[i].key, name))
            jsel = &c->sel[i];
    jref jr;
    bool jrel = !f && sep && !jf && !jsel && json_rel_ref(c, name, &jr);
    if (jsel) {
        /* values("tags__color").order_by("tags__color"): the selected
         * column by its name, which DISTINCT and GROUP BY require on
         * PostgreSQL (the same expression with another path parameter is
         * another expression there) */
        mn__quote(&c->sql, jsel->key);
    } else if (jf) {
        /* order_by("tags__size"): by the key's JSON value, as Django */
        put_json_key(c, jf, jparts, njparts, false);
    } else if (jrel) {
        /* order_by("category__meta__k"); a path compile_select joined
         * reads its joined table */
        put_json_rel(c, &jr, joined_alias(c, jr.path), false);
    } else if (f) {
        put_col(c, f);
    } else if (sep && order_transform(c, name)) {
        /* order_by("created__year"): written */
    } else if (find_annot(c->qs, name)) {
        mn__quote(&c->sql, name);
    } else if (sep) {
        const mn_field *vf;
        size_t nvj0 = c->nvj;
        const char *al = c->alias ? vjoin_path(c, name, &vf) : NULL;
        if (al && c->nvj == nvj0) { /* joined by compile_select */
            mn__quote(&c->sql, al);
            put(c, ".");
            mn__quote(&c->sql, mn_field_column(vf));
        } else {
            c->nvj = nvj0;
            rel_scalar(c, name);
        }
    } else {
        unresolved(c, name);
        return;
    }
    if (c->ord_select) {
        if (c->nord < 64 && desc != reversed)
            c->ord_desc |= UINT64_C(1) << c->nord;
        c->nord++;
    } else if (desc != reversed) {
        put(c, " DESC");
    } else {
        put(c, " ASC");
    }
}

static void compile_order(comp *c, const char *const *order, bool reversed)
{
    bool first = true;
    for (size_t i = 0; order && order[i] && c->rc == MN_OK; i++) {
        const char *o = order[i];
        if (!c->ord_select)
            put(c, first ? " ORDER BY " : ", ");
        first = false;
        if (!strcmp(o, "?")) {
            if (c->ord_select) {
                put(c, ", RANDOM()");
                c->nord++;
            } else {
                put(c, "RANDOM()");
            }
            continue;
        }
        bool desc = o[0] == '-';
        compile_order_item(c, desc ? o + 1 : o, desc, reversed, 0);
    }
}

static void compile_limit(comp *c, int64_t low, int64_t high)
{
    if (high >= 0)
        mn_buf_printf(&c->sql, " LIMIT %lld", (long long)(high - low));
    else if (low > 0)
        put(c, c->eng == MN_DB_POSTGRES ? " LIMIT ALL" : " LIMIT -1");
    if (low > 0)
        mn_buf_printf(&c->sql, " OFFSET %lld", (long long)low);
}


/* Django's error for a values() name that resolves to nothing: the first
 * unknown part, or, after a reverse relation, a lookup on its key. */
static void values_path_error(comp *c, const char *name)
{
    const char *sep = strstr(name, "__");
    const char *lastsep = NULL;
    for (const char *p = sep; p; p = strstr(p + 2, "__"))
        lastsep = p;
    char head[128];
    size_t hl = sep ? (size_t)(sep - name) : strlen(name);
    if (!sep || hl >= sizeof head) {
        unresolved(c, name);
        return;
    }
    memcpy(head, name, hl);
    head[hl] = '\0';
    mn__rel r;
    if (!resolve_field(c, head) && !find_annot(c->qs, head) && !mn__rel_find(c->m, head, true, &r)) {
        unresolved(c, head);
        return;
    }
    hop h[MAX_HOPS];
    size_t nh;
    mn_model *last;
    char *prefix = mn_arena_sprintf(c->a, "%.*s", (int)(lastsep - name), name);
    const char *lastcomp = prefix;
    for (const char *p = prefix ? strstr(prefix, "__") : NULL; p; p = strstr(p + 2, "__"))
        lastcomp = p + 2;
    const mn_field *f = prefix ? walk_path(c, prefix, h, &nh, &last, true) : NULL;
    if (f && nh > 0 && f == &last->_rt->fields[last->_rt->pk] && !mn_model_field_by_name(last, lastcomp)) {
        const char *lk = lastsep + 2;
        cfail(c, MN_EINVAL, "Unsupported lookup '%s' for %s or join on the field not permitted%s", lk,
              mn__kind_name(f->kind), lookup_hint(c, lk, f->kind));
        return;
    }
    if (!walk_path(c, name, h, &nh, &last, false) && c->rc)
        return;
    unresolved(c, name);
}

/* values("created__year", "products__created__date"): a tref read back
 * as its transform's type, the multi-valued path joined as a field's. */
static bool values_transform(comp *c, const char *name, selcol *col)
{
    tref *t = mn_arena_calloc(c->a, 1, sizeof *t);
    mn_field *out = mn_arena_calloc(c->a, 1, sizeof *out);
    if (!t || !out)
        return cfail(c, MN_ENOMEM, "out of memory"), true;
    if (!transform_ref(c, name, t))
        return c->rc != MN_OK;
    if (t->path) {
        const mn_field *vf;
        col->tralias = vjoin_path(c, t->path, &vf);
    }
    *out = transform_field(t->np ? t->parts[t->np - 1] : "");
    col->field = 0;
    col->path = name;
    col->pf = out;
    col->tr = t;
    return true;
}

/* values("category__meta__color"): the key's JSON, decoded as the field's;
 * over a multi-valued path, from its joined table (tralias). */
static bool values_json_rel(comp *c, const char *name, selcol *col)
{
    jref *j = mn_arena_calloc(c->a, 1, sizeof *j);
    if (!j)
        return cfail(c, MN_ENOMEM, "out of memory"), true;
    if (!json_rel_ref(c, name, j))
        return c->rc != MN_OK;
    const mn_field *vf;
    col->tralias = vjoin_path(c, j->path, &vf);
    col->field = 0;
    col->path = name;
    col->pf = j->f;
    col->jr = j;
    return true;
}

/* dates("created", "month"): the field truncated to the kind's first day
 * (a DateTimeField on the current time zone's calendar), as "datefield". */
static bool dates_column(comp *c, selcol *col)
{
    const char *name = c->qs->dates_field;
    const mn_field *f;
    tref *t = mn_arena_calloc(c->a, 1, sizeof *t);
    mn_field *out = mn_arena_calloc(c->a, 1, sizeof *out);
    char **parts = mn_arena_alloc(c->a, sizeof *parts);
    if (!t || !out || !parts)
        return cfail(c, MN_ENOMEM, "out of memory"), false;
    if (strstr(name, "__")) {
        hop h[MAX_HOPS];
        size_t nh;
        mn_model *last;
        f = walk_path(c, name, h, &nh, &last, false);
        t->path = name;
    } else if (!(f = resolve_field(c, name))) {
        unresolved(c, name);
    }
    if (!f)
        return false;
    if (f->kind != MN_KIND_DATE && f->kind != MN_KIND_DATETIME) {
        /* (Django lets a TimeField through to fail in the database) */
        cfail(c, MN_EINVAL, "'%s' isn't a DateField, TimeField, or DateTimeField.", name);
        return false;
    }
    bool dt = c->qs->dates_dt;
    if (dt && f->kind != MN_KIND_DATETIME) {
        cfail(c, MN_EINVAL, "Cannot truncate DateField '%s' to DateTimeField. ", f->name);
        return false;
    }
    parts[0] = mn_arena_sprintf(c->a, "%s_%s", dt ? "dttrunc" : "trunc", c->qs->dates_kind);
    if (!parts[0])
        return cfail(c, MN_ENOMEM, "out of memory"), false;
    t->f = f;
    t->parts = parts;
    t->np = 1;
    t->kind = dt ? MN_KIND_DATETIME : MN_KIND_DATE;
    if (t->path) {
        const mn_field *vf;
        col->tralias = vjoin_path(c, t->path, &vf);
    }
    *out = (mn_field){ .name = c->qs->vfields[0], .kind = t->kind };
    col->field = 0;
    col->key = col->path = c->qs->vfields[0];
    col->pf = out;
    col->tr = t;
    return true;
}

static selcol *select_columns(comp *c, size_t *n)
{
    mn_qs *qs = c->qs;
    mn_model *m = qs->m;
    size_t cap = m->_rt->nfields + qs->nannots + qs->nvfields + 1;
    selcol *cols = mn_arena_calloc(c->a, cap, sizeof *cols);
    if (!cols) {
        cfail(c, MN_ENOMEM, "out of memory");
        return NULL;
    }
    size_t k = 0;
    if (qs->dates_field) {
        if (!dates_column(c, &cols[0]))
            return NULL;
        *n = 1;
        return cols;
    }
    if (qs->mode == MODE_OBJECTS || qs->nvfields == 0) {
        for (size_t i = 0; i < m->_rt->nfields; i++) {
            if (qs->mode == MODE_OBJECTS && !(qs->load >> i & 1))
                continue;
            cols[k].field = (int)i;
            cols[k++].key = m->_rt->fields[i].kind == MN_KIND_FOREIGNKEY ? m->_rt->columns[i] : m->_rt->fields[i].name;
        }
        for (size_t i = 0; i < qs->nannots; i++) {
            cols[k].field = -(int)i - 1;
            cols[k++].key = qs->annots[i].name;
        }
    } else {
        for (size_t i = 0; i < qs->nvfields; i++) {
            const char *name = qs->vfields[i];
            const mn_field *f = resolve_field(c, name);
            if (f) {
                cols[k].field = mn_model_field_index(m, f);
            } else if (find_annot(qs, name)) {
                cols[k].field = -(int)(find_annot(qs, name) - qs->annots) - 1;
            } else if ((cols[k].pf = json_key_ref(c, name, &cols[k].jparts, &cols[k].njparts)) != NULL) {
                cols[k].field = 0;
                cols[k].path = name;
            } else if (c->rc) {
                return NULL;
            } else if (strstr(name, "__") && (cols[k].jalias = vjoin_path(c, name, &cols[k].pf)) != NULL) {
                cols[k].field = 0;
                cols[k].path = name;
            } else if (strstr(name, "__") && (cols[k].pf = path_field(c, name)) != NULL) {
                cols[k].field = 0;
                cols[k].path = name;
            } else if (strstr(name, "__") && values_json_rel(c, name, &cols[k])) {
                if (c->rc)
                    return NULL;
            } else if (strstr(name, "__") && values_transform(c, name, &cols[k])) {
                if (c->rc)
                    return NULL;
            } else {
                values_path_error(c, name);
                return NULL;
            }
            cols[k++].key = name;
        }
        /* values("x").annotate(n=...): later annotations join the row */
        for (size_t i = qs->vannots; i < qs->nannots; i++) {
            bool named = false;
            for (size_t j = 0; j < qs->nvfields && !named; j++)
                named = !strcmp(qs->vfields[j], qs->annots[i].name);
            if (named)
                continue;
            cols[k].field = -(int)i - 1;
            cols[k++].key = qs->annots[i].name;
        }
    }
    *n = k;
    return cols;
}

static bool any_agg(mn_qs *qs)
{
    for (size_t i = 0; i < qs->nannots; i++)
        if (has_agg(qs->annots[i].e))
            return true;
    return false;
}

/* SELECT ... FROM ... WHERE ... [GROUP BY] ORDER BY ... LIMIT */
/* Is every ordering name a column the SELECT already has (a plain field
 * of an instance query, a selected values() name or annotation)? */
static bool order_selected(comp *c, const selcol *cols, size_t n, const char *const *ord)
{
    for (size_t i = 0; ord[i]; i++) {
        const char *name = ord[i][0] == '-' ? ord[i] + 1 : ord[i];
        if (!strcmp(name, "?"))
            return false;
        const mn_field *f = resolve_field(c, name);
        if (f && f->kind == MN_KIND_FOREIGNKEY && !strcmp(f->name, name) && f->related &&
            f->related->meta.ordering)
            return false; /* follows the related model's ordering */
        bool found = false;
        for (size_t k = 0; k < n && !found; k++) {
            if (f && cols[k].field >= 0 && !cols[k].path && !cols[k].jalias)
                found = cols[k].field == mn_model_field_index(c->m, f);
            else if (!f && cols[k].field < 0)
                found = !strcmp(c->qs->annots[-cols[k].field - 1].name, name);
            else if (!f && cols[k].path)
                found = !strcmp(cols[k].key, name) && !cols[k].jalias;
        }
        if (!found)
            return false;
    }
    return true;
}

static void compile_for_update(comp *c);

static void compile_select(comp *c, selcol *cols, size_t n, bool with_order)
{
    mn_qs *qs = c->qs;
    /* order_by("products__name"): a multi-valued path is joined (rows
     * repeat, as in Django), before anything qualifies columns */
    const char *const *ord = with_order ? ordering(qs) : NULL;
    for (size_t i = 0; ord && ord[i]; i++) {
        const char *name = ord[i][0] == '-' ? ord[i] + 1 : ord[i];
        const mn_field *vf;
        tref t;
        jref j;
        if (strstr(name, "__") && !find_annot(qs, name) && !vjoin_path(c, name, &vf)) {
            if (transform_ref(c, name, &t) && t.path)
                vjoin_path(c, t.path, &vf); /* order_by("products__created__year") */
            else if (json_rel_ref(c, name, &j))
                vjoin_path(c, j.path, &vf); /* order_by("products__tags__color") */
        }
    }
    put(c, qs->distinct ? "SELECT DISTINCT " : "SELECT ");
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(c, ", ");
        if (cols[i].tr) {
            put_tref(c, cols[i].tr, cols[i].tralias, true);
            put(c, " AS ");
            mn__quote(&c->sql, cols[i].key);
        } else if (cols[i].jr) {
            put_json_rel(c, cols[i].jr, cols[i].tralias, c->depth == 0);
            put(c, " AS ");
            mn__quote(&c->sql, cols[i].key);
        } else if (cols[i].jparts) {
            /* the JSON text for rows we decode; a subquery's values compare
             * as Django's JSON_EXTRACT (SQLite: "blue", not '"blue"') */
            put_json_key(c, cols[i].pf, cols[i].jparts, cols[i].njparts, c->depth == 0);
            put(c, " AS ");
            mn__quote(&c->sql, cols[i].key);
        } else if (cols[i].jalias) {
            mn__quote(&c->sql, cols[i].jalias);
            put(c, ".");
            mn__quote(&c->sql, mn_field_column(cols[i].pf));
            put(c, " AS ");
            mn__quote(&c->sql, cols[i].key);
        } else if (cols[i].path) {
            rel_scalar(c, cols[i].path);
            put(c, " AS ");
            mn__quote(&c->sql, cols[i].key);
        } else if (cols[i].field >= 0) {
            put_qcol(c, &c->sql, c->m->_rt->columns[cols[i].field]);
        } else {
            const annot *an = &qs->annots[-cols[i].field - 1];
            c->json_text = an->e->kind == E_F;
            compile_expr(c, an->e, NULL);
            c->json_text = false;
            put(c, " AS ");
            mn__quote(&c->sql, an->name);
        }
    }
    c->sel = cols;
    c->nsel = n;
    /* distinct() ordered by what it does not select: as Django, the
     * ordering joins the selected columns (so it counts for DISTINCT, and
     * PostgreSQL accepts the ORDER BY), which the ORDER BY names by
     * position */
    bool ord_cols = qs->distinct && ord && ord[0] && !c->joins && !any_agg(qs) && !order_selected(c, cols, n, ord);
    size_t nord = 0;
    uint64_t ord_desc = 0;
    if (ord_cols) {
        c->ord_select = true;
        c->nord = 0;
        c->ord_desc = 0;
        compile_order(c, ord, qs->reversed);
        c->ord_select = false;
        nord = c->nord;
        ord_desc = c->ord_desc;
    }
    if (c->joins)
        put_related_columns(c);
    put(c, " FROM ");
    mn__quote(&c->sql, c->m->_rt->table);
    if (c->joins)
        put_joins(c);
    if (c->nvj)
        put_vjoins(c);
    compile_where(c);
    if (any_agg(qs)) {
        /* Group by the selected plain columns (values().annotate()) or by
         * every column of the model. */
        bool first = true;
        /* an aggregate annotated before values() groups by the model's
         * rows, as in Django (annotate(n=Count(..)).values("name")) */
        for (size_t i = 0; qs->mode != MODE_OBJECTS && !qs->ngvals && first && i < qs->vannots && i < qs->nannots; i++)
            if (has_agg(qs->annots[i].e)) {
                put(c, " GROUP BY ");
                put_qcol(c, &c->sql, c->m->_rt->columns[c->m->_rt->pk]);
                first = false;
            }
        /* values("category").annotate(n=Count("pk")).values("name"): still
         * grouped by category (then by what else it selects) */
        for (size_t g = 0; qs->mode != MODE_OBJECTS && g < qs->ngvals && c->rc == MN_OK; g++) {
            put(c, first ? " GROUP BY " : ", ");
            first = false;
            const selcol *sel = NULL;
            for (size_t i = 0; i < n && !sel; i++)
                if (!strcmp(cols[i].key, qs->gvals[g]) && (cols[i].field >= 0 || cols[i].path))
                    sel = &cols[i];
            if (sel && sel->path) {
                mn__quote(&c->sql, sel->key);
                continue;
            }
            if (sel) {
                put_qcol(c, &c->sql, c->m->_rt->columns[sel->field]);
                continue;
            }
            expr ge = { .kind = E_F, .field = qs->gvals[g] };
            compile_expr(c, &ge, NULL);
        }
        for (size_t i = 0; i < n; i++) {
            bool grouped = false;
            for (size_t g = 0; g < qs->ngvals && !grouped; g++)
                grouped = !strcmp(cols[i].key, qs->gvals[g]);
            if (grouped)
                continue;
            if (cols[i].field < 0) {
                if (!has_agg(qs->annots[-cols[i].field - 1].e)) {
                    put(c, first ? " GROUP BY " : ", ");
                    first = false;
                    mn__quote(&c->sql, qs->annots[-cols[i].field - 1].name);
                }
                continue;
            }
            put(c, first ? " GROUP BY " : ", ");
            first = false;
            if (cols[i].path)
                mn__quote(&c->sql, cols[i].key);
            else
                put_qcol(c, &c->sql, c->m->_rt->columns[cols[i].field]);
        }
    }
    compile_having(c);
    if (ord_cols) {
        for (size_t i = 0; i < nord; i++)
            mn_buf_printf(&c->sql, "%s%zu %s", i ? ", " : " ORDER BY ", n + i + 1,
                          i < 64 && (ord_desc >> i & 1) ? "DESC" : "ASC");
    } else if (with_order) {
        compile_order(c, ordering(qs), qs->reversed);
    }
    c->sel = NULL;
    c->nsel = 0;
    compile_limit(c, qs->low, qs->high);
    if (qs->for_update && c->eng == MN_DB_POSTGRES)
        compile_for_update(c);
}

static void compile_subquery(comp *c, mn_qs *sub)
{
    if (sub->err) {
        cfail(c, sub->err->code, "%s", sub->err->msg);
        return;
    }
    comp s = *c;
    s.qs = sub;
    s.m = sub->m;
    s.alias = NULL; /* its own scope: unqualified names resolve to its table */
    s.joins = false;
    s.sj = NULL;
    s.nsj = 0;
    s.vj = NULL;
    s.nvj = 0;
    s.neg = 0;
    s.in_aggregate = false;
    s.depth = c->depth + 8;
    size_t n = 0;
    selcol *cols;
    if (sub->mode != MODE_OBJECTS) {
        cols = select_columns(&s, &n);
        if (!cols) {
            c->rc = s.rc;
            return;
        }
        if (n != 1) {
            cfail(c, MN_ETYPE, "Cannot use multi-field values as a filter value.");
            return;
        }
    } else {
        cols = mn_arena_calloc(c->a, 1, sizeof *cols);
        if (!cols) {
            cfail(c, MN_ENOMEM, "out of memory");
            return;
        }
        cols[0].field = sub->m->_rt->pk;
        n = 1;
    }
    bool ordered = sub->low || sub->high >= 0;
    compile_select(&s, cols, n, ordered);
    c->params = s.params, c->np = s.np, c->cap = s.cap, c->rc = s.rc, c->sql = s.sql;
}

/* ---- running ---- */

static mn_db *qs_db(mn_qs *qs, mn_err *err)
{
    if (qs->db)
        return qs->db;
    return mn__db(NULL, err);
}

static int settle(mn_qs *qs, mn_err *err, int rc, const mn_err *src)
{
    if (rc != MN_OK && src && src != qs->err && !qs->err)
        qs_set_err(qs, src);
    if (rc != MN_OK && err && src && err != src)
        *err = *src;
    return rc;
}

static int check_qs(mn_qs *qs, mn_err *err)
{
    if (!qs)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    if (qs->err) {
        if (err && err != qs->err)
            *err = *qs->err;
        return qs->err->code;
    }
    return MN_OK;
}

static void put_annotation(mn_qs *qs, void *obj, const char *name, mn_value v)
{
    mn_obj *h = mn_obj_header(qs->m, obj);
    if (!h->extra)
        h->extra = mn_map_new(qs->arena, qs->nannots);
    if (h->extra)
        mn_map_set_cstr(h->extra, name, v);
}

/* The type an arithmetic expression yields, as Django 3.2 combines them:
 * a decimal operand makes a decimal, else a float makes a float, else an
 * integer. */
static mn_field_kind expr_kind(comp *c, const expr *e)
{
    switch (e->kind) {
    case E_F: {
        const mn_field *f = resolve_field(c, e->field);
        char **parts;
        size_t np;
        if (!f && strstr(e->field, "__"))
            f = json_key_ref(c, e->field, &parts, &np);
        if (!f && strstr(e->field, "__"))
            f = path_field(c, e->field);
        if (f)
            return f->kind;
        tref t;
        if (strstr(e->field, "__") && transform_ref(c, e->field, &t))
            return t.kind;
        jref j;
        if (strstr(e->field, "__") && json_rel_ref(c, e->field, &j))
            return MN_KIND_JSON;
        const annot *an = find_annot(c->qs, e->field);
        return an ? expr_kind(c, an->e) : MN_KIND_FLOAT;
    }
    case E_VALUE:
        return e->v.type == MN_VALUE_DECIMAL ? MN_KIND_DECIMAL : e->v.type == MN_VALUE_FLOAT ? MN_KIND_FLOAT : MN_KIND_BIGINT;
    case E_BIN: {
        mn_field_kind t = temporal_kind(c, e);
        if (t != MN_KIND_END)
            return t;
        mn_field_kind l = expr_kind(c, e->l), r = expr_kind(c, e->r);
        if (l == MN_KIND_DECIMAL || r == MN_KIND_DECIMAL)
            return MN_KIND_DECIMAL;
        if (l == MN_KIND_FLOAT || r == MN_KIND_FLOAT)
            return MN_KIND_FLOAT;
        return MN_KIND_BIGINT;
    }
    case E_AGG:
        if (e->agg == AGG_COUNT)
            return MN_KIND_BIGINT;
        mn_field_kind k = MN_KIND_FLOAT;
        if (e->arg) {
            k = expr_kind(c, e->arg);
        } else if (e->field && strcmp(e->field, "*") != 0) {
            /* Sum("stock") is an IntegerField, Max("price") a DecimalField */
            const mn_field *f = resolve_field(c, e->field);
            if (!f && strstr(e->field, "__"))
                f = path_field(c, e->field);
            const annot *an = f ? NULL : find_annot(c->qs, e->field);
            k = f ? f->kind : an ? expr_kind(c, an->e) : MN_KIND_FLOAT;
        }
        return e->agg == AGG_AVG && k != MN_KIND_DECIMAL && k != MN_KIND_DURATION ? MN_KIND_FLOAT : k;
    }
    return MN_KIND_FLOAT;
}

static int computed_value(mn_field_kind k, mn_db_rows *rows, size_t col, mn_arena *arena, mn_value *out)
{
    if (mn_db_rows_is_null(rows, col)) {
        *out = mn_value_null();
        return MN_OK;
    }
    if (k == MN_KIND_DECIMAL) {
        mn_decimal d;
        if (mn_decimal_parse(mn_db_rows_text(rows, col), &d, NULL) == MN_OK) {
            *out = mn_value_decimal(d);
            return MN_OK;
        }
    } else if (k == MN_KIND_FLOAT) {
        *out = mn_value_float(mn_db_rows_float(rows, col));
        return MN_OK;
    } else if (k == MN_KIND_BIGINT) {
        *out = mn_value_int(mn_db_rows_int(rows, col));
        return MN_OK;
    }
    return mn_db_rows_value(rows, col, arena, out);
}

/* An aggregate's or expression's value read back with a useful type. */
static int annot_value(comp *c, const expr *e, mn_db_rows *rows, size_t col, mn_value *out, mn_err *err)
{
    /* Avg of a DurationField is a duration (Django's output_field): an
     * interval from PostgreSQL, microseconds as a float from SQLite */
    if (e->kind == E_AGG && e->agg == AGG_AVG && c->eng != MN_DB_POSTGRES && !mn_db_rows_is_null(rows, col)) {
        mn_field_kind k = MN_KIND_END;
        if (e->arg) {
            k = expr_kind(c, e->arg);
        } else if (strcmp(e->field, "*") != 0) {
            const mn_field *f = resolve_field(c, e->field);
            if (!f)
                f = path_field(c, e->field);
            k = f ? f->kind : MN_KIND_END;
        }
        if (k == MN_KIND_DURATION) {
            *out = mn_value_duration((mn_duration){ (int64_t)nearbyint(mn_db_rows_float(rows, col)) });
            return MN_OK;
        }
    }
    if (e->kind == E_BIN || (e->kind == E_AGG && e->arg)) {
        mn_field_kind k = expr_kind(c, e);
        if (k == MN_KIND_DATE || k == MN_KIND_DATETIME || k == MN_KIND_DURATION) {
            mn_field tf = { .name = "expression", .kind = k };
            return mn__value_from_row(&tf, rows, col, c->eng, c->a, out, err);
        }
        return computed_value(k, rows, col, c->a, out);
    }
    if (e->kind == E_AGG && e->agg == AGG_COUNT)
        return computed_value(MN_KIND_BIGINT, rows, col, c->a, out);
    if (e->kind == E_AGG && c->agg_over_annots && !resolve_field(c, e->field) && find_annot(c->qs, e->field)) {
        /* Sum("n") of an annotation: the annotation's type (Avg: float) */
        mn_field_kind k = expr_kind(c, find_annot(c->qs, e->field)->e);
        if (e->agg == AGG_AVG && k != MN_KIND_DECIMAL)
            k = MN_KIND_FLOAT;
        return computed_value(k, rows, col, c->a, out);
    }
    if (e->kind == E_AGG && e->agg != AGG_COUNT && strcmp(e->field, "*") != 0) {
        const mn_field *f = resolve_field(c, e->field);
        if (!f)
            f = path_field(c, e->field);
        tref t;
        mn_field tf;
        if (!f && strstr(e->field, "__") && transform_ref(c, e->field, &t)) {
            tf = (mn_field){ .name = e->field, .kind = t.kind }; /* Max("created__date"): a date */
            f = &tf;
        }
        if (f && (e->agg != AGG_AVG || f->kind == MN_KIND_DURATION))
            return mn__value_from_row(f, rows, col, c->eng, c->a, out, err);
        if (f && e->agg == AGG_AVG && f->kind == MN_KIND_DECIMAL && !mn_db_rows_is_null(rows, col)) {
            mn_decimal d;
            if (mn_decimal_parse(mn_db_rows_text(rows, col), &d, NULL) == MN_OK) {
                *out = mn_value_decimal(d);
                return MN_OK;
            }
        }
        if (e->agg == AGG_AVG && !mn_db_rows_is_null(rows, col)) {
            *out = mn_value_float(mn_db_rows_float(rows, col));
            return MN_OK;
        }
    }
    if (e->kind == E_F) {
        const mn_field *f = resolve_field(c, e->field);
        char **parts;
        size_t np;
        if (!f && strstr(e->field, "__"))
            f = json_key_ref(c, e->field, &parts, &np); /* its JSON text, decoded */
        if (!f && strstr(e->field, "__"))
            f = path_field(c, e->field);
        if (f)
            return mn__value_from_row(f, rows, col, c->eng, c->a, out, err);
        tref t;
        if (strstr(e->field, "__") && transform_ref(c, e->field, &t)) {
            mn_field tf = { .name = e->field, .kind = t.kind };
            return mn__value_from_row(&tf, rows, col, c->eng, c->a, out, err);
        }
        jref j;
        if (strstr(e->field, "__") && json_rel_ref(c, e->field, &j))
            return mn__value_from_row(j.f, rows, col, c->eng, c->a, out, err); /* its JSON text, decoded */
    }
    return mn_db_rows_value(rows, col, c->a, out);
}

/* ---- compiled SELECTs, cached per connection and query shape ----
 * get(pk=...) in a loop would build the same text every time with other
 * values. The SQL of an instance query whose filters are an AND of plain
 * comparisons (field, field__exact, __gt, __gte, __lt, __lte against a
 * value) depends only on its shape: the model, the lookups, the ordering,
 * the slice, the loaded fields and the flags. That text is compiled once
 * per connection; each use converts the values (one parameter per
 * comparison, in order) and runs the cached text, whose prepared statement
 * the connection keeps. Other queries are compiled every time. */

#define QC_SLOTS 64
#define QC_MAX_LEAVES 8

/* A shape: the parts of a QuerySet its SQL depends on, read from it
 * without copying (the lookups and order names stay the QuerySet's). */
typedef struct qc_shape {
    const void *rt; /* the model's setup: never freed, so never reused */
    uint64_t load;
    int64_t low, high;
    int eng;
    unsigned flags; /* distinct, for_update, reversed */
    const char *const *order;
    size_t norder;
    const mn_qobj *leaves[QC_MAX_LEAVES];
    size_t n;
    const mn_field *fields[QC_MAX_LEAVES]; /* each leaf's field: qc_resolve */
    signed char ints[QC_MAX_LEAVES];       /* ... and its integer range: qc_int_range */
    uint64_t hash;
} qc_shape;

typedef struct qc_entry {
    uint64_t hash; /* of the shape; 0: empty slot */
    const void *rt;
    uint64_t load;
    int64_t low, high;
    int eng;
    unsigned flags;
    size_t norder, n;
    char **order;   /* norder names, then n lookups, in one allocation (mem) */
    char **lookups;
    const mn_field **fields;
    signed char ints[QC_MAX_LEAVES];
    void *mem;
    bool unique; /* one exact comparison of a unique field (unique_exact) */
    char *sql;
    uint64_t sql_hash;
    mn_db_stmt_ref stmt; /* the connection's prepared statement for sql */
    mn__coldec *dec; /* how its columns become members (NULL: not yet known) */
    size_t ndec;
} qc_entry;

typedef struct qc_cache {
    qc_entry slots[QC_SLOTS];
} qc_cache;

static void qc_entry_free(qc_entry *e)
{
    free(e->mem);
    free(e->sql);
    free(e->dec);
}

static void qc_free(void *p)
{
    qc_cache *qc = p;
    for (size_t i = 0; i < QC_SLOTS; i++)
        qc_entry_free(&qc->slots[i]);
    free(qc);
}

/* The first "__" of a lookup, or NULL. */
static const char *lookup_sep(const char *s)
{
    for (; *s; s++)
        if (s[0] == '_' && s[1] == '_')
            return s;
    return NULL;
}

static uint64_t qc_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    return h ^ (h >> 32);
}

/* A name into the hash, its terminating NUL too (names stay apart). */
static uint64_t qc_mix_name(uint64_t h, const char *s)
{
    for (;; s++) {
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
        if (!*s)
            return h;
    }
}

/* A value that goes to the database as one parameter (not NULL, which
 * compiles to IS NULL, nor a list, map or object). */
static bool scalar_param(mn_value v)
{
    return v.type != MN_VALUE_NULL && v.type != MN_VALUE_LIST && v.type != MN_VALUE_MAP && v.type != MN_VALUE_OBJECT;
}

/* An AND of leaves, each against a value that is one parameter. */
static bool qc_where(qc_shape *s, const mn_qobj *q, uint64_t *h)
{
    if (q->kind == Q_AND)
        return qc_where(s, q->a, h) && qc_where(s, q->b, h);
    if (q->kind != Q_LEAF || s->n == QC_MAX_LEAVES)
        return false;
    if (!scalar_param(q->v))
        return false;
    s->leaves[s->n++] = q;
    *h = qc_mix_name(*h, q->lookup);
    return true;
}

/* The shape of qs when the cache may take it (qc_resolve decides for a
 * shape not cached yet). Reads qs only: no copies, no field lookups. */
static bool qc_shape_of(mn_qs *qs, mn_db_engine eng, qc_shape *s)
{
    if (qs->mode != MODE_OBJECTS || qs->nannots || qs->raw_sql || qs->none || qs->sfu_flags || qs->nsfu_of)
        return false;
    s->rt = qs->m->_rt;
    s->load = qs->load;
    s->low = qs->low;
    s->high = qs->high;
    s->eng = (int)eng;
    s->flags = (unsigned)qs->distinct | (unsigned)qs->for_update << 1 | (unsigned)qs->reversed << 2;
    uint64_t h = qc_mix(qc_mix(qc_mix(0x9e3779b97f4a7c15ULL, (uint64_t)(uintptr_t)s->rt), s->load),
                        (uint64_t)s->low ^ (uint64_t)s->high << 20 ^ (uint64_t)s->flags << 56 ^ (uint64_t)s->eng << 60);
    s->order = ordering(qs);
    size_t i = 0;
    for (; s->order && s->order[i]; i++) {
        if (strstr(s->order[i], "__"))
            return false; /* a path may compile to parameters (a JSON key's) */
        h = qc_mix_name(h, s->order[i]);
    }
    s->norder = i;
    h = qc_mix(h, 1);
    s->n = 0;
    if (qs->where && !qc_where(s, qs->where, &h))
        return false;
    s->hash = h ? h : 1;
    return true;
}

/* Integers a field of kind k sends to the database as they are (what
 * mn__to_db does for them): 64 any, 32 or 16 within that many bits, 0 none
 * (the general conversion). */
static signed char qc_int_range(mn_field_kind k)
{
    switch (k) {
    case MN_KIND_AUTO:
    case MN_KIND_BIGAUTO:
    case MN_KIND_BIGINT:
    case MN_KIND_POSBIGINT:
    case MN_KIND_FOREIGNKEY: return 64;
    case MN_KIND_INT:
    case MN_KIND_POSINT: return 32;
    case MN_KIND_SMALLINT:
    case MN_KIND_POSSMALLINT: return 16;
    default: return 0;
    }
}

/* A shape not cached yet: each leaf must be "name" or "name__op" for a
 * comparison op, on a field that is no JSONField. Fills s->fields. */
static bool qc_resolve(qc_shape *s, mn_qs *qs)
{
    for (size_t i = 0; i < s->n; i++) {
        const char *lookup = s->leaves[i]->lookup;
        const char *sep = lookup_sep(lookup);
        size_t nlen = sep ? (size_t)(sep - lookup) : strlen(lookup);
        if (sep) {
            const char *op = sep + 2;
            if (strcmp(op, "exact") && strcmp(op, "gt") && strcmp(op, "gte") && strcmp(op, "lt") && strcmp(op, "lte"))
                return false;
        }
        char name[128];
        if (nlen == 0 || nlen >= sizeof name)
            return false;
        memcpy(name, lookup, nlen);
        name[nlen] = '\0';
        const mn_field *f = mn_model_field_by_name(qs->m, name);
        if (!f) { /* "key_id" */
            comp c = { .qs = qs, .m = qs->m };
            f = resolve_field(&c, name);
        }
        if (!f || f->kind == MN_KIND_JSON)
            return false;
        s->fields[i] = f;
        s->ints[i] = qc_int_range(f->kind);
    }
    return true;
}

static qc_entry *qc_find(mn_db *db, const qc_shape *s)
{
    qc_cache *qc = mn_db_ext(db);
    if (!qc)
        return NULL;
    qc_entry *e = &qc->slots[s->hash % QC_SLOTS];
    if (e->hash != s->hash || e->rt != s->rt || e->load != s->load || e->low != s->low || e->high != s->high ||
        e->eng != s->eng || e->flags != s->flags || e->norder != s->norder || e->n != s->n)
        return NULL;
    for (size_t i = 0; i < s->norder; i++)
        if (strcmp(e->order[i], s->order[i]))
            return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(e->lookups[i], s->leaves[i]->lookup))
            return NULL;
    return e;
}

/* Keeps sql for the shape (resolved: qc_resolve), replacing what had its
 * slot, and returns its entry. Out of memory only means no caching (NULL). */
static qc_entry *qc_store(mn_db *db, const qc_shape *s, const char *sql, bool unique)
{
    qc_cache *qc = mn_db_ext(db);
    if (!qc) {
        qc = calloc(1, sizeof *qc);
        if (!qc)
            return NULL;
        mn_db_set_ext(db, qc, qc_free);
    }
    size_t bytes = (s->norder + s->n) * sizeof(char *) + s->n * sizeof(mn_field *);
    for (size_t i = 0; i < s->norder; i++)
        bytes += strlen(s->order[i]) + 1;
    for (size_t i = 0; i < s->n; i++)
        bytes += strlen(s->leaves[i]->lookup) + 1;
    char *mem = malloc(bytes ? bytes : 1), *text = strdup(sql);
    if (!mem || !text) {
        free(mem);
        free(text);
        return NULL;
    }
    qc_entry *e = &qc->slots[s->hash % QC_SLOTS];
    qc_entry_free(e);
    *e = (qc_entry){ .hash = s->hash, .rt = s->rt, .load = s->load, .low = s->low, .high = s->high,
                     .eng = s->eng, .flags = s->flags, .norder = s->norder, .n = s->n, .mem = mem,
                     .unique = unique, .sql = text, .sql_hash = mn_db_sql_hash(text) };
    e->fields = (const mn_field **)(void *)mem;
    e->order = (char **)(void *)(mem + s->n * sizeof(mn_field *));
    e->lookups = e->order + s->norder;
    char *p = (char *)(e->lookups + s->n);
    for (size_t i = 0; i < s->n; i++) {
        e->fields[i] = s->fields[i];
        e->ints[i] = s->ints[i];
        size_t l = strlen(s->leaves[i]->lookup) + 1;
        e->lookups[i] = memcpy(p, s->leaves[i]->lookup, l);
        p += l;
    }
    for (size_t i = 0; i < s->norder; i++) {
        size_t l = strlen(s->order[i]) + 1;
        e->order[i] = memcpy(p, s->order[i], l);
        p += l;
    }
    return e;
}

/* Keeps the decoder of a stored entry's rows (out of memory: not kept). */
static void qc_store_dec(qc_entry *e, const mn__coldec *dec, size_t n)
{
    if (!e || e->dec || !(e->dec = malloc((n ? n : 1) * sizeof *dec)))
        return;
    memcpy(e->dec, dec, n * sizeof *dec);
    e->ndec = n;
}

/* The parameters of a cached shape: each leaf's value converted by its
 * field, as compile_lookup does. */
/* A hit's parameters into buf (QC_MAX_LEAVES values, read by the
 * statement's run only), c's params. c is set up for qs only when a value
 * needs converting (c->qs != qs: not yet; get()'s fast path leaves it so). */
static int qc_params(comp *c, mn_qs *qs, mn_db_engine eng, mn_err *err, const qc_shape *s, const qc_entry *e,
                     mn_value *buf)
{
    for (size_t i = 0; i < s->n; i++) {
        mn_value v = s->leaves[i]->v;
        int bits = e->ints[i];
        if (v.type == MN_VALUE_INT &&
            (bits == 64 || (bits == 32 && v.u.i >= INT32_MIN && v.u.i <= INT32_MAX) ||
             (bits == 16 && v.u.i >= INT16_MIN && v.u.i <= INT16_MAX))) {
            buf[i] = v; /* as mn__to_db would send it */
            continue;
        }
        if (c->qs != qs)
            comp_init(c, qs, eng, err);
        if (lookup_value(c, e->fields[i], v, &buf[i]) != MN_OK)
            return c->rc;
    }
    c->params = buf;
    c->cap = c->np = s->n;
    return MN_OK;
}

/* ---- select_related and prefetch_related ---- */

typedef struct sjoin {
    int parent;         /* -1: the base table */
    const mn_field *fk; /* the key: in the parent model, or in m when reverse */
    bool reverse;       /* the reverse side of a one-to-one (user.profile) */
    const char *name;   /* the accessor in the parent */
    mn_model *m;
    const char *alias;
    bool outer;
    mn__coldec *dec;   /* how m's columns become members (run_select) */
    int fki;           /* a forward key's index in the parent's fields */
    char *batch;       /* instances of m allocated ahead (see read_joins) */
    char *entries;     /* and as many accessor-cache entries for them, */
    size_t esize;      /* each this size */
    size_t batch_left; /* how many are left in batch */
    size_t batch_done; /* how many were allocated so far */
} sjoin;

struct prefetch {
    const char *lookup;
    mn_qs *qs;
    const char *to_attr;
};

mn_qs *mn_qs_select_related(mn_qs *qs, ...)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    va_list ap;
    va_start(ap, qs);
    size_t n;
    const char **names = collect_names(c->arena, ap, &n);
    va_end(ap);
    if (!names) {
        qs_fail(c, MN_ENOMEM, "out of memory");
        return c;
    }
    if (!n) {
        c->related_all = true;
        return c;
    }
    const char **all = mn_arena_alloc(c->arena, (c->nrelated + n) * sizeof *all);
    if (!all) {
        qs_fail(c, MN_ENOMEM, "out of memory");
        return c;
    }
    if (c->nrelated)
        memcpy(all, c->related, c->nrelated * sizeof *all);
    memcpy(all + c->nrelated, names, n * sizeof *all);
    c->related = all;
    c->nrelated += n;
    return c;
}

static int add_join(comp *c, int parent, const char *name)
{
    mn_model *pm = parent < 0 ? c->m : c->sj[parent].m;
    for (size_t i = 0; i < c->nsj; i++)
        if (c->sj[i].parent == parent && !strcmp(c->sj[i].name, name))
            return (int)i;
    const mn_field *f = mn_model_field_by_name(pm, name);
    mn__rel rev;
    bool reverse = (!f || f->kind != MN_KIND_FOREIGNKEY) && mn__rel_find(pm, name, false, &rev) &&
                   rev.kind == MN__REL_REVERSE && !rev.multiple;
    if (reverse)
        f = rev.fk;
    if (!reverse && (!f || f->kind != MN_KIND_FOREIGNKEY || strcmp(f->name, name) != 0)) {
        mn_buf b;
        mn_buf_init(&b, c->a, 0);
        size_t k = 0;
        for (size_t i = 0; i < pm->_rt->nfields; i++)
            if (pm->_rt->fields[i].kind == MN_KIND_FOREIGNKEY)
                mn_buf_printf(&b, "%s%s", k++ ? ", " : "", pm->_rt->fields[i].name);
        mn__rel rs[32];
        size_t nr = mn__rel_reverse(pm, rs, 32);
        for (size_t i = 0; i < nr && i < 32; i++)
            if (!rs[i].multiple && !rs[i].hidden)
                mn_buf_printf(&b, "%s%s", k++ ? ", " : "", rs[i].name);
        cfail(c, MN_EINVAL, "Invalid field name(s) given in select_related: '%s'. Choices are: %s", name,
              k ? mn_buf_cstr(&b) : "(none)");
        return -1;
    }
    if (mn__model_setup(f->related, c->err) != MN_OK) {
        c->rc = MN_EINVAL;
        return -1;
    }
    if (c->nsj % 8 == 0) {
        sjoin *nj = mn_arena_realloc(c->a, c->sj, c->nsj * sizeof *nj, (c->nsj + 8) * sizeof *nj);
        if (!nj) {
            cfail(c, MN_ENOMEM, "out of memory");
            return -1;
        }
        c->sj = nj;
    }
    sjoin *j = &c->sj[c->nsj];
    j->parent = parent;
    j->fk = f;
    j->reverse = reverse;
    j->name = reverse ? rev.name : f->name;
    j->m = reverse ? rev.model : f->related;
    j->alias = mn_arena_sprintf(c->a, "T%zu", c->nsj + 1);
    j->outer = reverse || f->null || (parent >= 0 && c->sj[parent].outer);
    j->fki = reverse ? -1 : mn_model_field_index(pm, f);
    j->batch = NULL;
    j->batch_left = j->batch_done = 0;
    return (int)c->nsj++;
}

/* select_related() without names: every non-null forward key, followed
 * down to Django's max_depth of 5. */
static void add_all_joins(comp *c, int parent, int depth)
{
    mn_model *pm = parent < 0 ? c->m : c->sj[parent].m;
    for (size_t i = 0; i < pm->_rt->nfields && c->rc == MN_OK; i++) {
        const mn_field *f = &pm->_rt->fields[i];
        if (f->kind != MN_KIND_FOREIGNKEY || f->null)
            continue;
        int j = add_join(c, parent, f->name);
        if (j >= 0 && depth < 5)
            add_all_joins(c, j, depth + 1);
    }
}

/* The joins of select_related for an objects query: columns qualified. */
static void setup_joins(comp *c)
{
    mn_qs *qs = c->qs;
    if (qs->mode != MODE_OBJECTS || qs->raw_sql || (!qs->nrelated && !qs->related_all))
        return;
    if (qs->related_all)
        add_all_joins(c, -1, 1);
    if (c->rc != MN_OK)
        return;
    for (size_t i = 0; i < qs->nrelated; i++) {
        char *copy = mn_arena_strdup(c->a, qs->related[i]);
        int parent = -1;
        for (char *p = copy; p;) {
            char *sep = strstr(p, "__");
            if (sep)
                *sep = '\0';
            parent = add_join(c, parent, p);
            if (parent < 0)
                return;
            p = sep ? sep + 2 : NULL;
        }
    }
    c->joins = c->nsj > 0;
    if (c->joins)
        c->alias = c->m->_rt->table;
}

static void put_related_columns(comp *c)
{
    for (size_t j = 0; j < c->nsj; j++)
        for (size_t i = 0; i < c->sj[j].m->_rt->nfields; i++) {
            put(c, ", ");
            mn__quote(&c->sql, c->sj[j].alias);
            put(c, ".");
            mn__quote(&c->sql, c->sj[j].m->_rt->columns[i]);
        }
}

static void put_joins(comp *c)
{
    for (size_t j = 0; j < c->nsj; j++) {
        const sjoin *s = &c->sj[j];
        put(c, s->outer ? " LEFT OUTER JOIN " : " INNER JOIN ");
        mn__quote(&c->sql, s->m->_rt->table);
        put(c, " ");
        mn__quote(&c->sql, s->alias);
        mn_model *pm = s->parent < 0 ? c->m : c->sj[s->parent].m;
        put(c, " ON (");
        mn__quote(&c->sql, s->alias);
        put(c, ".");
        mn__quote(&c->sql, s->reverse ? mn_field_column(s->fk) : s->m->_rt->columns[s->m->_rt->pk]);
        put(c, " = ");
        mn__quote(&c->sql, s->parent < 0 ? c->m->_rt->table : c->sj[s->parent].alias);
        put(c, ".");
        mn__quote(&c->sql, s->reverse ? pm->_rt->columns[pm->_rt->pk] : mn_field_column(s->fk));
        put(c, ")");
    }
}

/* The select_related path of join j ("category", "category__parent"). */
static const char *join_path(comp *c, size_t j)
{
    const sjoin *s = &c->sj[j];
    if (s->parent < 0)
        return s->name;
    const char *up = join_path(c, (size_t)s->parent);
    return up ? mn_arena_sprintf(c->a, "%s__%s", up, s->name) : NULL;
}

/* FOR [NO KEY] UPDATE [OF ...] [NOWAIT | SKIP LOCKED] (PostgreSQL). of
 * names "self" or a select_related path, as Django checks them. */
static void compile_for_update(comp *c)
{
    mn_qs *qs = c->qs;
    put(c, qs->sfu_flags & MN_SFU_NO_KEY ? " FOR NO KEY UPDATE" : " FOR UPDATE");
    for (size_t i = 0; i < qs->nsfu_of && c->rc == MN_OK; i++) {
        const char *name = qs->sfu_of[i];
        const char *alias = !strcmp(name, "self") ? c->m->_rt->table : NULL;
        for (size_t j = 0; !alias && j < c->nsj; j++) {
            const char *path = join_path(c, j);
            if (!path) {
                cfail(c, MN_ENOMEM, "out of memory");
                return;
            }
            if (!strcmp(path, name))
                alias = c->sj[j].alias;
        }
        if (!alias) {
            mn_buf b;
            mn_buf_init(&b, c->a, 0);
            mn_buf_puts(&b, "self");
            for (size_t j = 0; j < c->nsj; j++)
                mn_buf_printf(&b, ", %s", join_path(c, j));
            cfail(c, MN_EINVAL,
                  "Invalid field name(s) given in select_for_update(of=(...)): %s. Only relational fields followed "
                  "in the query are allowed. Choices are: %s.",
                  name, mn_buf_error(&b) ? "self" : mn_buf_cstr(&b));
            return;
        }
        put(c, i ? ", " : " OF ");
        mn__quote(&c->sql, alias);
    }
    if (qs->sfu_flags & MN_SFU_NOWAIT)
        put(c, " NOWAIT");
    else if (qs->sfu_flags & MN_SFU_SKIP_LOCKED)
        put(c, " SKIP LOCKED");
}

/* The next fresh instance of a join's model and, beside it, an
 * accessor-cache entry for it (at s->entries - s->esize until the next
 * allocation): allocated in batches growing with the rows read (1, 1, 2,
 * 4, ... 64 at a time), as next_instance does. */
static void *join_obj_alloc(comp *c, sjoin *s)
{
    if (!s->batch_left) {
        size_t esize = s->esize = mn__cache_entry_size();
        size_t k = s->batch_done == 0 ? 1 : s->batch_done < 64 ? s->batch_done : 64;
        s->batch = mn__obj_alloc_many(s->m, c->a, k);
        s->entries = s->batch ? mn_arena_alloc(c->a, k * esize) : NULL;
        if (!s->entries)
            return NULL;
        s->batch_left = k;
        s->batch_done += k;
    }
    void *obj = s->batch;
    s->batch += s->m->size;
    s->entries += s->esize;
    s->batch_left--;
    return obj;
}

/* The decoding plan of a select_related row: the query's own columns
 * (dec, n), then each join's, each with the instance it goes to (objs[1 +
 * j] for join j); the runs of at most 64 columns mn__row_store reads,
 * never splitting a joined instance; the models by instance; whether a
 * join is a LEFT OUTER JOIN. NULL when out of memory. */
static mn__coldec *join_plan(comp *c, mn_arena *a, const mn__coldec *dec, size_t n, size_t *nplan, uint16_t **ends,
                             mn_model ***models, bool *outer)
{
    size_t total = n;
    for (size_t j = 0; j < c->nsj; j++)
        total += c->sj[j].m->_rt->nfields;
    mn__coldec *plan = mn_arena_alloc(a, total * sizeof *plan);
    uint16_t *e = mn_arena_alloc(a, (total + 1) * sizeof *e);
    mn_model **ms = mn_arena_alloc(a, (1 + c->nsj) * sizeof *ms);
    if (!plan || !e || !ms)
        return NULL;
    memcpy(plan, dec, n * sizeof *plan);
    ms[0] = c->m;
    size_t ne = 0, start = 0, pos = n;
    while (n - start > 64) {
        start += 64;
        e[ne++] = (uint16_t)start;
    }
    for (size_t j = 0; j < c->nsj; j++) {
        sjoin *s = &c->sj[j];
        size_t nf = s->m->_rt->nfields;
        ms[1 + j] = s->m;
        s->dec = &plan[pos];
        for (size_t i = 0; i < nf; i++) {
            mn__coldec_init(s->m, i, c->eng, &plan[pos + i]);
            plan[pos + i].dst = (uint8_t)(1 + j);
        }
        if (s->outer) {
            plan[pos + (size_t)s->m->_rt->pk].user[0] |= MN__DEC_OUTER_PK;
            *outer = true;
        }
        if (pos + nf - start > 64) {
            start = pos;
            e[ne++] = (uint16_t)start;
        }
        pos += nf;
    }
    e[ne] = (uint16_t)pos;
    *nplan = total;
    *ends = e;
    *models = ms;
    return plan;
}

/* Gives the last instance join_obj_alloc gave back to its batch. */
static void join_obj_unalloc(sjoin *s)
{
    s->batch -= s->m->size;
    s->entries -= s->esize;
    s->batch_left++;
}

/* The joined instances of a row, allocated before it is read: objs[1 + j]
 * for join j (objs[0] is the row's own instance). */
static inline int joins_alloc(comp *c, void **objs, mn_err *e)
{
    for (size_t j = 0; j < c->nsj; j++)
        if (!(objs[1 + j] = join_obj_alloc(c, &c->sj[j])))
            return mn_err_set(e, MN_ENOMEM, "out of memory");
    return MN_OK;
}

/* Puts the joined instances of the row just read into the accessor
 * caches. gone (bit j): join j is a LEFT OUTER JOIN that found no row, and
 * its instance goes back to its batch, untouched. */
static inline int joins_cache(comp *c, void **objs, uint64_t gone, mn_err *e)
{
    for (size_t j = 0; j < c->nsj; j++) {
        sjoin *s = &c->sj[j];
        void *parent = objs[s->parent + 1]; /* NULL: the parent's join found no row */
        mn_model *pm = s->parent < 0 ? c->m : c->sj[s->parent].m;
        void *obj = objs[1 + j];
        if (gone >> j & 1 || !parent) {
            join_obj_unalloc(s);
            objs[1 + j] = NULL;
            /* known to have none: user.profile then fails without a query */
            if (parent && s->reverse && mn__cache_put(parent, pm, s->name, mn_obj_pk(parent, pm), NULL, c->a) != MN_OK)
                return mn_err_set(e, MN_ENOMEM, "out of memory");
        } else if (s->reverse) {
            if (mn__cache_put(parent, pm, s->name, mn_obj_pk(parent, pm), obj, c->a) != MN_OK)
                return mn_err_set(e, MN_ENOMEM, "out of memory");
        } else {
            mn__cache_put_fk(parent, pm, s->fk, s->fki, *(int64_t *)((char *)parent + s->fk->offset), obj,
                             s->entries - s->esize);
        }
    }
    return MN_OK;
}

mn_qs *mn_qs_prefetch(mn_qs *qs, const char *lookup, mn_qs *queryset, const char *to_attr)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    struct prefetch *np = mn_arena_alloc(c->arena, (c->nprefetch + 1) * sizeof *np);
    if (!np || !lookup) {
        qs_fail(c, lookup ? MN_ENOMEM : MN_EINVAL, lookup ? "out of memory" : "prefetch: a lookup is needed");
        return c;
    }
    if (c->nprefetch)
        memcpy(np, c->prefetch, c->nprefetch * sizeof *np);
    np[c->nprefetch].lookup = mn_arena_strdup(c->arena, lookup);
    np[c->nprefetch].qs = queryset;
    np[c->nprefetch].to_attr = to_attr ? mn_arena_strdup(c->arena, to_attr) : NULL;
    if (queryset && queryset->err)
        qs_set_err(c, queryset->err);
    c->prefetch = np;
    c->nprefetch++;
    return c;
}

mn_qs *mn_qs_prefetch_related(mn_qs *qs, ...)
{
    mn_qs *c = clone(qs);
    if (!c)
        return NULL;
    va_list ap;
    va_start(ap, qs);
    const char *name;
    while (c && (name = va_arg(ap, const char *)) != NULL)
        c = mn_qs_prefetch(c, name, NULL, NULL);
    va_end(ap);
    return c;
}

static mn_str pk_text(mn_arena *a, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    return mn_str_clone(a, mn_str_make(buf, (size_t)n));
}

/* Groups children by a key: map str(key) -> index into a list of arrays. */
typedef struct bucket {
    void **items;
    size_t n, cap;
} bucket;

static int bucket_push(mn_arena *a, bucket *b, void *obj)
{
    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 4;
        void **ni = mn_arena_realloc(a, b->items, b->cap * sizeof *ni, ncap * sizeof *ni);
        if (!ni)
            return MN_ENOMEM;
        b->items = ni;
        b->cap = ncap;
    }
    b->items[b->n++] = obj;
    return MN_OK;
}

/* The queryset a prefetch runs: the custom one or the model's. */
static mn_qs *prefetch_base(const struct prefetch *p, bool last, mn_model *m, mn_qs *parent)
{
    mn_qs *q = last && p->qs ? clone(p->qs) : mn_qs_all(m, parent->arena);
    if (q) {
        q->arena = parent->arena;
        if (parent->db && !q->db)
            q->db = parent->db;
    }
    return q;
}

/* Prefetches one level of one lookup over items (instances of m); *out
 * receives every related object loaded (for the next level). */
static int prefetch_level(mn_qs *parent, mn_model *m, void **items, size_t n, const char *name,
                          const struct prefetch *p, bool last, bucket *out, mn_err *err)
{
    mn_arena *a = parent->arena;
    mn__rel r;
    if (!mn__rel_find(m, name, false, &r))
        return mn_err_set(err, MN_EINVAL,
                          "Cannot find '%s' on %s object, '%s' is an invalid parameter to prefetch_related()", name,
                          m->name, p->lookup);
    if (last && p->qs && p->qs->m != r.model)
        return mn_err_set(err, MN_EINVAL, "Prefetch('%s'): the queryset must be one of %s, not of %s", p->lookup,
                          r.model->name, p->qs->m->name);
    const char *store = last && p->to_attr ? p->to_attr : name;
    mn_list *keys = mn_list_new(a, n ? n : 1);
    mn_map *index = mn_map_new(a, n ? n : 1);
    if (!keys || !index)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int64_t k;
        if (r.kind == MN__REL_FORWARD) {
            int fi = mn_model_field_index(m, r.fk);
            if (mn_obj_header(m, items[i])->nulls >> fi & 1)
                continue;
            k = *(int64_t *)((char *)items[i] + r.fk->offset);
        } else {
            k = mn_obj_pk(items[i], m);
        }
        mn_str ks = pk_text(a, k);
        if (mn_map_get(index, ks).type == MN_VALUE_NULL) {
            mn_map_set(index, ks, mn_value_int((int64_t)mn_list_len(keys)));
            mn_list_push(keys, mn_value_int(k));
        }
    }
    size_t nk = mn_list_len(keys);
    bucket *groups = mn_arena_calloc(a, nk ? nk : 1, sizeof *groups);
    if (!groups)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    if (nk) {
        mn_qs *q;
        const mn_field *key_field; /* the member of each loaded row holding the group key */
        if (r.kind == MN__REL_M2M) {
            /* the through rows with their targets joined: one query */
            q = mn_qs_all(r.through, a);
            if (q && parent->db)
                q->db = parent->db;
            q = mn_qs_filter(q, mn_arena_sprintf(a, "%s__in", r.src_fk->name), mn_value_list(keys));
            if (last && p->qs) {
                mn_qs *ids = mn_qs_values_list(clone(p->qs), MN_QS_FLAT, "pk", NULL);
                if (ids)
                    ids->order_set = true, ids->order = NULL;
                mn_value sub;
                if (mn_qs_to_value(ids, &sub, err) != MN_OK)
                    return err->code;
                q = mn_qs_filter(q, mn_arena_sprintf(a, "%s__in", r.dst_fk->name), sub);
            }
            const char *const *ord = last && p->qs && p->qs->order_set ? p->qs->order : r.model->meta.ordering;
            size_t no = 0;
            while (ord && ord[no])
                no++;
            const char **po = mn_arena_calloc(a, no + 2, sizeof *po);
            for (size_t i = 0; po && i < no; i++) {
                bool desc = ord[i][0] == '-';
                po[i] = mn_arena_sprintf(a, "%s%s__%s", desc ? "-" : "", r.dst_fk->name, desc ? ord[i] + 1 : ord[i]);
            }
            if (po)
                po[no] = "pk";
            if (q && po) {
                q = clone(q);
                if (q)
                    q->order = po, q->order_set = true, q->reversed = false;
            }
            q = mn_qs_select_related(q, r.dst_fk->name, NULL);
            key_field = r.src_fk;
        } else {
            mn_model *tm = r.model;
            q = prefetch_base(p, last, tm, parent);
            const char *lk = r.kind == MN__REL_FORWARD ? "pk__in" : mn_arena_sprintf(a, "%s__in", r.fk->name);
            q = mn_qs_filter(q, lk, mn_value_list(keys));
            key_field = r.kind == MN__REL_FORWARD ? &tm->_rt->fields[tm->_rt->pk] : r.fk;
        }
        int rc = mn_qs_eval(q, err);
        if (rc != MN_OK)
            return rc;
        for (size_t i = 0; i < q->len; i++) {
            void *row = q->items[i];
            int64_t k = *(int64_t *)((char *)row + key_field->offset);
            void *obj = row;
            if (r.kind == MN__REL_M2M) {
                obj = mn_rel_get(row, r.through, r.dst_fk->name, a, err);
                if (!obj)
                    return err->code ? err->code : MN_EDB;
            }
            mn_value at = mn_map_get(index, pk_text(a, k));
            if (at.type != MN_VALUE_INT)
                continue;
            if (bucket_push(a, &groups[at.u.i], obj) != MN_OK || bucket_push(a, out, obj) != MN_OK)
                return mn_err_set(err, MN_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < n; i++) {
        int64_t k;
        bool null = false;
        if (r.kind == MN__REL_FORWARD) {
            int fi = mn_model_field_index(m, r.fk);
            null = mn_obj_header(m, items[i])->nulls >> fi & 1;
            k = *(int64_t *)((char *)items[i] + r.fk->offset);
        } else {
            k = mn_obj_pk(items[i], m);
        }
        bucket *g = NULL;
        if (!null) {
            mn_value at = mn_map_get(index, pk_text(a, k));
            g = at.type == MN_VALUE_INT ? &groups[at.u.i] : NULL;
        }
        int rc;
        if (r.multiple || (last && p->to_attr))
            rc = mn__cache_put_many(items[i], m, store, g ? g->items : NULL, g ? g->n : 0, a);
        else if (null)
            rc = MN_OK;
        else
            rc = mn__cache_put(items[i], m, store, k, g && g->n ? g->items[0] : NULL, a);
        if (rc != MN_OK)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
    }
    return MN_OK;
}

static int run_prefetch(mn_qs *qs, mn_err *err)
{
    for (size_t k = 0; k < qs->nprefetch; k++) {
        const struct prefetch *p = &qs->prefetch[k];
        char *copy = mn_arena_strdup(qs->arena, p->lookup);
        if (!copy)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        mn_model *m = qs->m;
        void **items = qs->items;
        size_t n = qs->len;
        for (char *part = copy; part && n;) {
            char *sep = strstr(part, "__");
            if (sep)
                *sep = '\0';
            bucket next = { 0 };
            mn__rel r;
            if (!mn__rel_find(m, part, false, &r))
                return mn_err_set(err, MN_EINVAL,
                                  "Cannot find '%s' on %s object, '%s' is an invalid parameter to prefetch_related()",
                                  part, m->name, p->lookup);
            int rc = prefetch_level(qs, m, items, n, part, p, !sep, &next, err);
            if (rc != MN_OK)
                return rc;
            m = r.model;
            items = next.items;
            n = next.n;
            part = sep ? sep + 2 : NULL;
        }
    }
    return MN_OK;
}

/* ---- hooks for the relations layer ---- */

void mn__qs_fail(mn_qs *qs, int code, const char *msg)
{
    if (qs)
        qs_fail(qs, code ? code : MN_EINVAL, "%s", msg ? msg : "error");
}

void mn__qs_set_result(mn_qs *qs, void **items, size_t n)
{
    if (!qs || qs->err)
        return;
    qs->items = items;
    qs->len = n;
    qs->rows = NULL;
    qs->evaluated = true;
}

mn_arena *mn__qs_arena(const mn_qs *qs) { return qs ? qs->arena : NULL; }
mn_db *mn__qs_db(mn_qs *qs, mn_err *err) { return qs_db(qs, err); }

static bool unique_exact(mn_qs *qs);

/* The statement of a select, run by the cache entry's prepared statement
 * when it is a hit's (from_hit), its reference kept in the entry for the
 * next run. On a server fiber the query may wait for its result while
 * other requests use the connection and replace the shape's slot: the
 * entry is then looked up again (shape non-NULL) before storing into it. */
static int select_run(mn_db *db, const qc_shape *shape, qc_entry *entry, bool from_hit, bool can_wait,
                      const char *sql, uint64_t sql_hash, const comp *c, mn_db_rows **rows, mn_err *e)
{
    mn_db_stmt_ref sref = from_hit ? entry->stmt : (mn_db_stmt_ref){ 0 };
    int rc = mn_db_execute_ref(db, sql, sql_hash, &sref, c->params, c->np, rows, e);
    if (rc == MN_OK && shape && sref.stmt) {
        qc_entry *own = can_wait ? qc_find(db, shape) : entry;
        if (own && own->sql_hash == sql_hash)
            own->stmt = sref;
    }
    return rc;
}

/* A hit's decoder, copied into the QuerySet's arena on a server fiber (the
 * slot may be replaced, freeing it, while the query waits); NULL when the
 * hit has none or out of memory (*n is then 0). */
static mn__coldec *hit_decoder(mn_qs *qs, const qc_entry *hit, bool can_wait, size_t *n)
{
    *n = hit && hit->dec ? hit->ndec : 0;
    if (!*n || !can_wait)
        return *n ? hit->dec : NULL;
    return mn_arena_memdup(qs->arena, hit->dec, hit->ndec * sizeof *hit->dec);
}

/* The fields an instance of qs leaves deferred (only()/defer()): loaded
 * when read, as in Django. */
static uint64_t unloaded_of(const mn_qs *qs)
{
    uint64_t every = qs->m->_rt->nfields >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << qs->m->_rt->nfields) - 1;
    return qs->mode == MODE_OBJECTS ? ~qs->load & every : 0;
}

/* The end of a select: rc MN_ENOTFOUND (the rows' end) publishes the
 * result; anything else is the error. */
static int select_done(mn_qs *qs, int rc, const mn_err *e, mn_err *err, void **items, mn_list *list, size_t len)
{
    if (rc != MN_ENOTFOUND)
        return settle(qs, err, rc == MN_OK ? MN_ENOMEM : rc, e);
    qs->items = items;
    qs->rows = list;
    qs->len = len;
    qs->evaluated = true;
    return MN_OK;
}

/* get() on a compiled query's cache hit whose filter is one exact
 * comparison of a unique field, instances without joins or annotations:
 * the entry's statement and store plan straight into one instance, one
 * row read at most. Results, errors, logging and observers as
 * run_select's general path. */
static int run_get_hit(mn_qs *qs, mn_db *db, mn_db_engine eng, const qc_shape *shape, qc_entry *hit, mn_err *err)
{
    mn_err ebuf; /* only read once set: no need to clear its message buffer */
    mn_err *e = &ebuf;
    e->code = MN_OK;
    e->msg[0] = '\0';
    comp cb, *c = &cb; /* set up only if a parameter needs converting */
    cb.qs = NULL;
    mn_value pbuf[QC_MAX_LEAVES];
    bool can_wait = mn__loop_can_wait();
    size_t n;
    mn__coldec *dec = hit_decoder(qs, hit, can_wait, &n);
    if (!dec)
        return settle(qs, err, mn_err_set(e, MN_ENOMEM, "out of memory"), e);
    const char *sql = hit->sql;
    uint64_t sql_hash = hit->sql_hash;
    if (qc_params(c, qs, eng, e, shape, hit, pbuf) != MN_OK)
        return settle(qs, err, c->rc, e);
    mn_db_rows *rows;
    int rc = select_run(db, shape, hit, true, can_wait, sql, sql_hash, c, &rows, e);
    if (rc != MN_OK)
        return settle(qs, err, rc, e);
    mn_model *m = qs->m;
    mn__rowplan rp = { .plan = dec, .n = n, .models = &m, .eng = eng, .arena = qs->arena };
    size_t len = 0;
    uint64_t unloaded = unloaded_of(qs), gone = 0;
    void *obj = NULL;
    if ((rc = mn_db_rows_next(rows, e)) == MN_OK) {
        obj = mn__obj_alloc_many(m, qs->arena, 1);
        rc = obj ? mn__row_store(&rp, &obj, rows, &gone, e) : mn_err_set(e, MN_ENOMEM, "out of memory");
        if (rc == MN_OK && unloaded && mn__obj_defer(obj, m, unloaded, qs->arena, qs->db) != MN_OK)
            rc = mn_err_set(e, MN_ENOMEM, "out of memory");
        len = rc == MN_OK;
        rc = rc == MN_OK ? MN_ENOTFOUND : rc; /* no second row can exist */
    }
    mn_db_rows_close(rows);
    qs->one_item = obj;
    return select_done(qs, rc, e, err, &qs->one_item, NULL, len);
}

/* The next instance of m for row number len (0: the only one, as for
 * get()), from *batch: instances come in batches of one arena allocation,
 * growing with the rows read (1, 1, 2, 4, ... 64 at a time). NULL when out
 * of memory. */
static inline void *next_instance(mn_model *m, mn_arena *arena, size_t len, char **batch, size_t *batch_left)
{
    if (!*batch_left) {
        size_t k = len == 0 ? 1 : len < 64 ? len : 64;
        if (!(*batch = mn__obj_alloc_many(m, arena, k)))
            return NULL;
        *batch_left = k;
    }
    void *obj = *batch;
    *batch += m->size;
    --*batch_left;
    return obj;
}

/* items, full at *cap, grown to twice the room (NULL when out of memory). */
static void **grow_items(mn_arena *arena, void **items, size_t *cap)
{
    void **ni = mn_arena_realloc(arena, items, *cap * sizeof *items, *cap * 2 * sizeof *items);
    if (ni)
        *cap *= 2;
    return ni;
}

/* What the instance objs[0] of a row just stored takes beyond its columns:
 * its annotations (cols, n: the selected columns), the joined instances
 * objs[1..] put into the accessor caches (gone: as joins_cache's), its
 * deferred fields (unloaded). MN_OK, or the error in e. */
static inline int row_extras(mn_qs *qs, comp *c, const selcol *cols, size_t n, void **objs, uint64_t gone,
                             uint64_t unloaded, mn_db_rows *rows, mn_err *e)
{
    int rc = MN_OK;
    for (size_t i = 0; qs->nannots && rc == MN_OK && i < n; i++) {
        if (cols[i].field < 0) {
            mn_value v;
            rc = annot_value(c, qs->annots[-cols[i].field - 1].e, rows, i, &v, e);
            if (rc == MN_OK)
                put_annotation(qs, objs[0], cols[i].key, v);
        }
    }
    if (rc == MN_OK && c->joins)
        rc = joins_cache(c, objs, gone, e);
    if (rc == MN_OK && unloaded && mn__obj_defer(objs[0], c->m, unloaded, qs->arena, qs->db) != MN_OK)
        rc = mn_err_set(e, MN_ENOMEM, "out of memory");
    return rc;
}

static int run_select(mn_qs *qs, mn_err *err)
{
    if (qs->none && !qs->raw_sql) { /* Django runs no query for none() */
        qs->items = NULL;
        qs->rows = qs->mode == MODE_OBJECTS ? NULL : mn_list_new(qs->arena, 0);
        qs->len = 0;
        qs->evaluated = true;
        return MN_OK;
    }
    mn_db *db = qs_db(qs, err);
    if (!db)
        return settle(qs, err, MN_EINVAL, err);
    mn_db_engine eng = mn_db_engine_of(db);
    qc_shape shape;
    bool tried = !qs->raw_sql && !qs->cursor && !qs->nrelated && !qs->related_all;
    bool shaped = false; /* shape and hit known before the compiler's set-up */
    qc_entry *hit = NULL, *stored = NULL;
    if (tried) {
        shaped = qc_shape_of(qs, eng, &shape);
        hit = shaped ? qc_find(db, &shape) : NULL;
        if (hit && hit->dec && hit->unique && qs->one_row && qs->mode == MODE_OBJECTS && !qs->nannots &&
            !qs->for_update)
            return run_get_hit(qs, db, eng, &shape, hit, err);
    }
    mn_err e; /* only read once set: no need to clear its message buffer */
    e.code = MN_OK;
    e.msg[0] = '\0';
    comp c;
    comp_init(&c, qs, eng, &e);
    size_t n = 0;
    selcol *cols = NULL;
    mn_value pbuf[QC_MAX_LEAVES];
    bool cacheable = false;
    const char *sql = NULL;
    uint64_t sql_hash = 0;
    if (qs->raw_sql) {
        mn_buf_puts(&c.sql, qs->raw_sql);
        c.params = (mn_value *)qs->raw_params;
        c.np = qs->nraw;
    } else {
        if (qs->nrelated || qs->related_all)
            setup_joins(&c);
        /* select_related's joins change the text beyond the shape's key */
        cacheable = shaped || (!tried && c.rc == MN_OK && !qs->cursor && !c.joins && qc_shape_of(qs, c.eng, &shape));
        if (!shaped)
            hit = cacheable ? qc_find(db, &shape) : NULL;
        if (cacheable && !hit)
            cacheable = qc_resolve(&shape, qs);
        if (hit && hit->dec) /* the columns are the shape's: its loaded fields */
            n = hit->ndec;
        else
            cols = c.rc == MN_OK ? select_columns(&c, &n) : NULL;
        cacheable = cacheable && (cols || hit);
        if (qs->cursor) {
            /* the next chunk of an iterator's server-side cursor */
        } else if (hit) {
            sql = hit->sql;
            sql_hash = hit->sql_hash;
            qc_params(&c, qs, eng, &e, &shape, hit, pbuf);
        } else if (cols) {
            compile_select(&c, cols, n, true);
        }
        if (qs->for_update && c.eng == MN_DB_POSTGRES && mn_db_depth(db) == 0)
            cfail(&c, MN_EINVAL, "select_for_update cannot be used outside of a transaction.");
    }
    if (c.rc == MN_OK && mn_buf_error(&c.sql))
        cfail(&c, MN_ENOMEM, "out of memory");
    if (c.rc != MN_OK)
        return settle(qs, err, c.rc, &e);
    if (!hit && !qs->cursor) {
        sql = mn_buf_cstr(&c.sql);
        sql_hash = mn_db_sql_hash(sql);
        if (cacheable && c.np == shape.n)
            stored = qc_store(db, &shape, sql, unique_exact(qs));
    }
    /* On a server fiber the query may wait for its result while other
     * requests use the same connection and may replace this shape's cache
     * slot (freeing its decoder): see hit_decoder and select_run. */
    bool can_wait = mn__loop_can_wait(); /* on a server fiber: the same for the whole call */
    size_t ndec;
    mn__coldec *hit_dec = hit_decoder(qs, hit, can_wait, &ndec);
    if (ndec && !hit_dec)
        return settle(qs, err, mn_err_set(&e, MN_ENOMEM, "out of memory"), &e);
    /* get() stops after the first row when no second one can exist */
    bool one_row = qs->one_row && (hit ? hit->unique : stored ? stored->unique : unique_exact(qs));
    /* The entry's prepared statement: run without searching the
     * connection's statement cache (kept in the entry for the next run). */
    mn_db_rows *rows;
    int rc = qs->cursor ? mn_db_cursor_fetch(qs->cursor, qs->cursor_chunk, &rows, &e)
                        : select_run(db, cacheable ? &shape : NULL, hit ? hit : stored, hit != NULL, can_wait, sql,
                                     sql_hash, &c, &rows, &e);
    if (rc != MN_OK)
        return settle(qs, err, rc, &e);
    mn_model *m = qs->m;
    /* Raw queries: map columns to fields by name. */
    int rawmap[MN__MAX_FIELDS * 2];
    size_t rawn = 0;
    if (qs->raw_sql) {
        rawn = mn_db_rows_columns(rows);
        if (rawn > sizeof rawmap / sizeof *rawmap)
            rawn = sizeof rawmap / sizeof *rawmap;
        bool has_pk = false;
        for (size_t i = 0; i < rawn; i++) {
            rawmap[i] = -1;
            const char *name = mn_db_rows_name(rows, i);
            for (size_t j = 0; j < m->_rt->nfields; j++)
                if (!strcmp(m->_rt->columns[j], name) || !strcmp(m->_rt->fields[j].name, name)) {
                    rawmap[i] = (int)j;
                    has_pk |= (int)j == m->_rt->pk;
                }
        }
        if (!has_pk) {
            mn_db_rows_close(rows);
            mn_err_set(&e, MN_EINVAL, "Raw query must include the primary key");
            return settle(qs, err, MN_EINVAL, &e);
        }
    }
    /* Fields left out by only()/defer() (or by raw SQL) are deferred:
     * loaded when read, as in Django. */
    uint64_t unloaded = unloaded_of(qs);
    if (qs->raw_sql) {
        unloaded = m->_rt->nfields >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << m->_rt->nfields) - 1;
        for (size_t i = 0; i < rawn; i++)
            if (rawmap[i] >= 0)
                unloaded &= ~(UINT64_C(1) << rawmap[i]);
    }
    size_t cap = 16, len = 0;
    void **items = NULL;
    mn_list *list = NULL;
    if (one_row) { /* get()'s copy of the QuerySet, which lives for the call */
        items = &qs->one_item;
        cap = 1;
    } else if (qs->mode == MODE_OBJECTS)
        items = mn_arena_alloc(qs->arena, cap * sizeof *items);
    else
        list = mn_list_new(qs->arena, 16);
    if (!items && !list) {
        mn_db_rows_close(rows);
        return settle(qs, err, mn_err_set(&e, MN_ENOMEM, "out of memory"), &e);
    }
    char *batch = NULL; /* see next_instance */
    size_t batch_left = 0;
    /* Instance rows are decoded whole: the driver stores a row's columns
     * into the instance in one call, each column's way to its member
     * chosen here once; the row's strings take one allocation. */
    mn__coldec *dec = NULL, *plan = NULL;
    size_t nplan = n;
    uint16_t *ends = NULL;
    mn_model **models = &m;
    void *objbuf[1 + 64], **objs = objbuf;
    bool outer = false;
    if (hit_dec) {
        dec = hit_dec;
    } else if (qs->mode == MODE_OBJECTS && !qs->raw_sql && (dec = mn_arena_alloc(qs->arena, (n + 1) * sizeof *dec))) {
        for (size_t i = 0; i < n; i++) {
            if (cols[i].field >= 0)
                mn__coldec_init(m, (size_t)cols[i].field, c.eng, &dec[i]);
            else
                mn__coldec_skip(&dec[i]);
        }
        if (c.nsj > 64) {
            mn_db_rows_close(rows);
            return settle(qs, err, mn_err_set(&e, MN_ELIMIT, "select_related: at most 64 joins"), &e);
        }
        if (c.nsj && !(plan = join_plan(&c, qs->arena, dec, n, &nplan, &ends, &models, &outer)))
            dec = NULL;
        if (!dec) {
            mn_db_rows_close(rows);
            return settle(qs, err, mn_err_set(&e, MN_ENOMEM, "out of memory"), &e);
        }
        qc_store_dec(can_wait ? (cacheable ? qc_find(db, &shape) : NULL) : hit ? hit : stored, dec, n);
    }
    mn__rowplan rp = { .plan = plan ? plan : dec, .n = nplan, .ends = ends, .outer = outer, .models = models,
                       .eng = c.eng, .arena = qs->arena };
    /* Instances of every object query but raw SQL, get() and rows wider
     * than 64 columns: a row read and stored by one call to the driver
     * (mn__row_next); the general loop below does the others. */
    bool direct = qs->mode == MODE_OBJECTS && !qs->raw_sql && !one_row && nplan <= 64 && mn__rows_active(rows);
    bool extras = qs->nannots || c.joins || unloaded;
    while (direct) {
        /* the instances are taken from their batches once a row filled them */
        void *obj = objs[0] = next_instance(m, qs->arena, len, &batch, &batch_left);
        if (!obj) {
            rc = mn_err_set(&e, MN_ENOMEM, "out of memory");
            break;
        }
        if (c.joins && (rc = joins_alloc(&c, objs, &e)) != MN_OK)
            break;
        uint64_t gone;
        if ((rc = mn__row_next(&rp, objs, rows, &gone, &e)) != MN_OK) {
            batch -= m->size; /* no row: the instances go back */
            batch_left++;
            for (size_t j = 0; c.joins && j < c.nsj; j++)
                join_obj_unalloc(&c.sj[j]);
            break;
        }
        if (extras && (rc = row_extras(qs, &c, cols, n, objs, gone, unloaded, rows, &e)) != MN_OK)
            break;
        if (len == cap && !(items = grow_items(qs->arena, items, &cap))) {
            rc = mn_err_set(&e, MN_ENOMEM, "out of memory");
            break;
        }
        items[len++] = obj;
    }
    while (!direct && (len == 0 || !one_row) && (rc = mn_db_rows_next(rows, &e)) == MN_OK) {
        if (qs->mode == MODE_OBJECTS) {
            void *obj = next_instance(m, qs->arena, one_row ? 0 : len, &batch, &batch_left);
            if (!obj) {
                rc = mn_err_set(&e, MN_ENOMEM, "out of memory");
                break;
            }
            if (qs->raw_sql) {
                for (size_t i = 0; rc == MN_OK && i < rawn; i++) {
                    if (rawmap[i] >= 0) {
                        rc = mn__member_from_row(obj, m, (size_t)rawmap[i], rows, i, c.eng, qs->arena, &e);
                    } else {
                        mn_value v;
                        rc = mn_db_rows_value(rows, i, qs->arena, &v);
                        const char *nm = mn_arena_strdup(qs->arena, mn_db_rows_name(rows, i));
                        if (rc == MN_OK && nm)
                            put_annotation(qs, obj, nm, v);
                    }
                }
                if (rc == MN_OK && unloaded && mn__obj_defer(obj, m, unloaded, qs->arena, qs->db) != MN_OK)
                    rc = mn_err_set(&e, MN_ENOMEM, "out of memory");
            } else {
                uint64_t gone = 0;
                objs[0] = obj;
                if (c.joins)
                    rc = joins_alloc(&c, objs, &e);
                if (rc == MN_OK)
                    rc = mn__row_store(&rp, objs, rows, &gone, &e);
                if (rc == MN_OK)
                    rc = row_extras(qs, &c, cols, n, objs, gone, unloaded, rows, &e);
            }
            if (rc != MN_OK)
                break;
            if (len == cap && !(items = grow_items(qs->arena, items, &cap))) {
                rc = mn_err_set(&e, MN_ENOMEM, "out of memory");
                break;
            }
            items[len++] = obj;
            continue;
        }
        /* values / values_list */
        mn_value row;
        mn_map *map = NULL;
        mn_list *tuple = NULL;
        if (qs->mode == MODE_VALUES || (qs->vflags & MN_QS_NAMED))
            map = mn_map_new(qs->arena, n);
        else if (!(qs->vflags & MN_QS_FLAT))
            tuple = mn_list_new(qs->arena, n);
        for (size_t i = 0; rc == MN_OK && i < n; i++) {
            mn_value v;
            if (cols[i].path)
                rc = mn__value_from_row(cols[i].pf, rows, i, c.eng, qs->arena, &v, &e);
            else if (cols[i].field >= 0)
                rc = mn__value_from_row(&m->_rt->fields[cols[i].field], rows, i, c.eng, qs->arena, &v, &e);
            else
                rc = annot_value(&c, qs->annots[-cols[i].field - 1].e, rows, i, &v, &e);
            if (rc == MN_OK && cols[i].tr && cols[i].pf->kind == MN_KIND_DATETIME && v.type == MN_VALUE_DATETIME)
                rc = mn_datetime_localtime(v.u.dt, mn_tz_current(), &v.u.dt, &e); /* datetimes() */
            if (rc != MN_OK)
                break;
            if (map)
                rc = mn_map_set_cstr(map, cols[i].key, v);
            else if (tuple)
                rc = mn_list_push(tuple, v);
            else
                row = v;
        }
        if (rc != MN_OK)
            break;
        if (map)
            row = mn_value_map(map);
        else if (tuple)
            row = mn_value_list(tuple);
        if ((rc = mn_list_push(list, row)) != MN_OK)
            break;
        len++;
    }
    mn_db_rows_close(rows);
    if (one_row && len == 1 && rc == MN_OK)
        rc = MN_ENOTFOUND; /* stopped after the only possible row */
    return select_done(qs, rc, &e, err, items, list, len);
}

int mn_qs_eval(mn_qs *qs, mn_err *err)
{
    int rc = check_qs(qs, err);
    if (rc != MN_OK || qs->evaluated)
        return rc;
    rc = run_select(qs, err);
    if (rc == MN_OK && qs->nprefetch && qs->mode == MODE_OBJECTS && qs->len) {
        mn_err e = { 0 };
        rc = run_prefetch(qs, &e);
        if (rc != MN_OK) {
            qs->evaluated = false;
            return settle(qs, err, rc, &e);
        }
    }
    return rc;
}

size_t mn_qs_len(mn_qs *qs) { return mn_qs_eval(qs, NULL) == MN_OK ? qs->len : 0; }

void *mn_qs_at(mn_qs *qs, size_t i)
{
    if (mn_qs_eval(qs, NULL) != MN_OK || qs->mode != MODE_OBJECTS || i >= qs->len)
        return NULL;
    return qs->items[i];
}

void **mn_qs_items(mn_qs *qs, size_t *n)
{
    if (mn_qs_eval(qs, NULL) != MN_OK || qs->mode != MODE_OBJECTS) {
        *n = 0;
        return NULL;
    }
    *n = qs->len;
    return qs->items;
}

mn_list *mn_qs_rows(mn_qs *qs)
{
    if (mn_qs_eval(qs, NULL) != MN_OK)
        return NULL;
    if (qs->mode != MODE_OBJECTS)
        return qs->rows;
    mn_list *l = mn_list_new(qs->arena, qs->len);
    for (size_t i = 0; l && i < qs->len; i++)
        mn_list_push(l, mn_obj_value(qs->items[i], qs->m));
    return l;
}

static int qs_to_list(const void *obj, mn_arena *arena, mn_list **out)
{
    (void)arena;
    mn_list *l = mn_qs_rows((mn_qs *)obj);
    if (!l)
        return MN_EDB;
    *out = l;
    return MN_OK;
}

static bool qs_truthy(const void *obj) { return mn_qs_len((mn_qs *)obj) > 0; }

static int qs_to_str(const void *obj, mn_buf *out)
{
    const mn_qs *qs = obj;
    return mn_buf_printf(out, "<QuerySet of %s>", qs->m->name);
}

/* Templates call a QuerySet's argument-less methods as Django does:
 * {{ qs.count }}, {% if qs.exists %}, {{ qs.first.name }}, {% for x in
 * qs.all %}. Errors of the query come back as their code. */
static const mn_type *obj_type_of_qs(void);

static int qs_get_attr(const void *obj, mn_str name, mn_arena *arena, mn_value *out)
{
    (void)arena;
    mn_qs *qs = (mn_qs *)obj;
    mn_err err = { 0 };
    if (mn_str_eq_cstr(name, "all")) {
        *out = mn_value_object(obj_type_of_qs(), qs);
        return MN_OK;
    }
    if (mn_str_eq_cstr(name, "count")) {
        int64_t n = mn_qs_count(qs, &err);
        if (n < 0)
            return (int)n;
        *out = mn_value_int(n);
        return MN_OK;
    }
    if (mn_str_eq_cstr(name, "exists")) {
        int rc = mn_qs_exists(qs, &err);
        if (rc < 0)
            return rc;
        *out = mn_value_bool(rc == 1);
        return MN_OK;
    }
    bool first = mn_str_eq_cstr(name, "first");
    if ((first || mn_str_eq_cstr(name, "last")) && qs->mode == MODE_OBJECTS) {
        void *o = first ? mn_qs_first(qs, &err) : mn_qs_last(qs, &err);
        if (!o && err.code)
            return err.code;
        *out = o ? mn_obj_value(o, qs->m) : mn_value_null();
        return MN_OK;
    }
    return MN_ENOTFOUND;
}

static const mn_type qs_type = { .name = "QuerySet", .get_attr = qs_get_attr, .to_list = qs_to_list,
                                 .truthy = qs_truthy, .to_str = qs_to_str };

static const mn_type *obj_type_of_qs(void) { return &qs_type; }

int mn_qs_to_value(mn_qs *qs, mn_value *out, mn_err *err)
{
    int rc = check_qs(qs, err);
    if (rc == MN_OK)
        *out = mn_value_object(&qs_type, qs);
    return rc;
}

/* Runs "SELECT <what> FROM (inner) subquery" or directly over the table. */
static int scalar_query(mn_qs *qs, const char *what, mn_value *out, mn_err *err)
{
    mn_db *db = qs_db(qs, err);
    if (!db)
        return MN_EINVAL;
    mn_err e = { 0 };
    comp c;
    comp_init(&c, qs, mn_db_engine_of(db), &e);
    /* values() over a multi-valued path counts its joined rows */
    bool vm = false;
    for (size_t i = 0; qs->mode != MODE_OBJECTS && i < qs->nvfields && !vm; i++) {
        hop h[MAX_HOPS];
        size_t nh;
        mn_model *last;
        const char *path = qs->vfields[i];
        tref t;
        jref j;
        /* "products__created__year", "products__tags__color": the path to the field */
        if (strstr(path, "__") && !resolve_field(&c, path) && !walk_path(&c, path, h, &nh, &last, true))
            path = transform_ref(&c, path, &t) && t.path ? t.path : json_rel_ref(&c, path, &j) ? j.path : path;
        if (strstr(path, "__") && !resolve_field(&c, path) && walk_path(&c, path, h, &nh, &last, true))
            for (size_t k = 0; k < nh; k++)
                vm |= !h[k].single;
    }
    if (qs->distinct || qs->low || qs->high >= 0 || any_agg(qs) || vm) {
        size_t n;
        mn_qs inner = *qs;
        /* values().distinct() counts distinct rows of its columns */
        inner.mode = vm || qs->distinct || (qs->mode != MODE_OBJECTS && any_agg(qs)) ? qs->mode : MODE_OBJECTS;
        c.qs = &inner;
        selcol *cols = select_columns(&c, &n);
        mn_buf_printf(&c.sql, "SELECT %s FROM (", what);
        if (cols)
            compile_select(&c, cols, n, false);
        put(&c, ") subquery");
    } else {
        mn_buf_printf(&c.sql, "SELECT %s FROM ", what);
        mn__quote(&c.sql, qs->m->_rt->table);
        compile_where(&c);
        no_having(&c, "count()");
    }
    if (c.rc != MN_OK)
        return settle(qs, err, c.rc, &e);
    int rc = mn_db_query_value(db, mn_buf_cstr(&c.sql), c.params, c.np, qs->arena, out, &e);
    return rc == MN_OK ? MN_OK : settle(qs, err, rc, &e);
}

int64_t mn_qs_count(mn_qs *qs, mn_err *err)
{
    int rc = check_qs(qs, err);
    if (rc != MN_OK)
        return rc;
    if (qs->evaluated)
        return (int64_t)qs->len;
    if (qs->raw_sql) {
        rc = mn_qs_eval(qs, err);
        return rc == MN_OK ? (int64_t)qs->len : rc;
    }
    mn_value v;
    rc = scalar_query(qs, "COUNT(*)", &v, err);
    if (rc != MN_OK)
        return rc;
    return v.type == MN_VALUE_INT ? v.u.i : 0;
}

int mn_qs_exists(mn_qs *qs, mn_err *err)
{
    int rc = check_qs(qs, err);
    if (rc != MN_OK)
        return rc;
    if (qs->evaluated)
        return qs->len > 0;
    mn_qs *one = mn_qs_slice(qs, 0, 1);
    if (!one)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_value v;
    rc = scalar_query(one, "1", &v, err);
    if (rc != MN_OK)
        return rc;
    return v.type != MN_VALUE_NULL;
}

/* Is the filter one exact comparison of a unique field with a value (at
 * most one row can match)? */
static bool unique_exact(mn_qs *qs)
{
    const mn_qobj *q = qs->where;
    if (!q || q->kind != Q_LEAF || qs->nannots)
        return false;
    if (!scalar_param(q->v))
        return false;
    const char *sep = lookup_sep(q->lookup);
    if (sep && strcmp(sep, "__exact") != 0)
        return false;
    size_t n = sep ? (size_t)(sep - q->lookup) : strlen(q->lookup);
    char name[128];
    if (n == 0 || n >= sizeof name)
        return false;
    memcpy(name, q->lookup, n);
    name[n] = '\0';
    const mn_field *f = mn_model_field_by_name(qs->m, name);
    return f && (f->primary_key || f->unique) && f->kind != MN_KIND_JSON;
}

void *mn_qs_get(mn_qs *qs, mn_err *err)
{
    if (check_qs(qs, err) != MN_OK)
        return NULL;
    /* Django fetches at most 21 rows to tell "more than 20", unordered:
     * qs[:21] on a copy that lives for this call (the instance returned
     * lives in the arena). */
    mn_qs *c = qs, local;
    if (!qs->raw_sql && qs->high < 0 && !qs->low) {
        local = *qs;
        c = &local;
        c->evaluated = false;
        c->items = NULL;
        c->len = 0;
        c->rows = NULL;
        c->high = 21;
        c->order = NULL; /* order_by() with no names, on the copy */
        c->order_set = true;
        c->reversed = false;
        c->one_row = true; /* run_select: when the filter is unique_exact */
    }
    if (c->mode != MODE_OBJECTS) {
        mn_err_set(err, MN_EINVAL, "get() returns instances: on values()/values_list() read mn_qs_rows of a filter");
        return NULL;
    }
    if (mn_qs_eval(c, err) != MN_OK)
        return NULL;
    if (c->len == 1)
        return c->items[0];
    if (c->len == 0) {
        mn_err_set(err, MN_ENOTFOUND, "%s matching query does not exist.", qs->m->name);
        return NULL;
    }
    if (c->len > 20 && c != qs)
        mn_err_set(err, MN_EMULTIPLE, "get() returned more than one %s -- it returned more than 20!", qs->m->name);
    else
        mn_err_set(err, MN_EMULTIPLE, "get() returned more than one %s -- it returned %zu!", qs->m->name, c->len);
    return NULL;
}

static void *first_of(mn_qs *qs, bool last, mn_err *err)
{
    if (check_qs(qs, err) != MN_OK)
        return NULL;
    mn_qs *c = qs;
    const char *const *ord = ordering(qs);
    if (!ord || !ord[0]) {
        c = mn_qs_order_by(qs, last ? "-pk" : "pk", NULL);
    } else if (last) {
        c = mn_qs_reverse(qs);
    }
    if (!c) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    if (!c->low && c->high < 0)
        c = mn_qs_slice(c, 0, 1);
    if (mn_qs_eval(c, err) != MN_OK)
        return NULL;
    if (c->len == 0)
        return NULL;
    if (c->mode != MODE_OBJECTS) {
        mn_err_set(err, MN_EINVAL, "first()/last() on values(): use mn_qs_rows on a slice");
        return NULL;
    }
    return c->items[0];
}

void *mn_qs_first(mn_qs *qs, mn_err *err) { return first_of(qs, false, err); }
void *mn_qs_last(mn_qs *qs, mn_err *err) { return first_of(qs, true, err); }

/* The fields of this model that e's aggregates read, added to vf (no
 * duplicates, at most cap). */
static void agg_columns(comp *c, const expr *e, const char **vf, size_t *nv, size_t cap)
{
    if (!e)
        return;
    if (e->kind == E_BIN) {
        agg_columns(c, e->l, vf, nv, cap);
        agg_columns(c, e->r, vf, nv, cap);
        return;
    }
    if (e->kind == E_AGG && e->arg) {
        agg_columns(c, e->arg, vf, nv, cap);
        return;
    }
    if ((e->kind != E_AGG && e->kind != E_F) || !e->field)
        return;
    const mn_field *f = resolve_field(c, e->field);
    if (!f)
        return;
    for (size_t i = 0; i < *nv; i++) {
        const mn_field *g = resolve_field(c, vf[i]);
        if (g == f)
            return;
    }
    if (*nv < cap)
        vf[(*nv)++] = f->name;
}

mn_map *mn_qs_aggregate(mn_qs *qs, mn_err *err, ...)
{
    if (check_qs(qs, err) != MN_OK)
        return NULL;
    mn_db *db = qs_db(qs, err);
    if (!db)
        return NULL;
    mn_err e = { 0 };
    comp c;
    comp_init(&c, qs, mn_db_engine_of(db), &e);
    c.in_aggregate = true;
    const char *names[32];
    expr *exprs[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, err);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        mn_value v = va_arg(ap, mn_value);
        if (n == 32) {
            cfail(&c, MN_ELIMIT, "at most 32 aggregates at once");
            break;
        }
        if (!is_expr(v) || !has_agg(v.u.obj.ptr)) {
            cfail(&c, MN_ETYPE, "%s is not an aggregate expression", name);
            break;
        }
        names[n] = name;
        exprs[n++] = v.u.obj.ptr;
    }
    va_end(ap);
    if (c.rc != MN_OK) {
        settle(qs, err, c.rc, &e);
        return NULL;
    }
    /* Max("n") over annotate(n=Count(...)): Django aggregates over the
     * annotated query as a subquery */
    for (size_t i = 0; i < n; i++)
        if (exprs[i]->kind == E_AGG && !exprs[i]->arg && exprs[i]->field && !resolve_field(&c, exprs[i]->field) &&
            find_annot(qs, exprs[i]->field))
            c.agg_over_annots = true;
    bool wrap = qs->distinct || qs->low || qs->high >= 0 || c.agg_over_annots;
    put(&c, "SELECT ");
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(&c, ", ");
        compile_expr(&c, exprs[i], NULL);
        put(&c, " AS ");
        mn__quote(&c.sql, names[i]);
    }
    put(&c, " FROM ");
    if (wrap) {
        put(&c, "(");
        size_t nc;
        mn_qs inner = *qs;
        /* values("status").annotate(n=Count(..)): aggregate over its groups */
        inner.mode = c.agg_over_annots && qs->mode != MODE_OBJECTS ? qs->mode : MODE_OBJECTS;
        if (!c.agg_over_annots && qs->mode != MODE_OBJECTS && qs->distinct) {
            /* values("status").distinct(): Django's inner query selects the
             * values and the aggregates' columns, DISTINCT over them all */
            const char **vf = mn_arena_alloc(qs->arena, (qs->nvfields + 2 * MN__MAX_FIELDS) * sizeof *vf);
            size_t nv = qs->nvfields;
            if (vf) {
                if (nv)
                    memcpy(vf, qs->vfields, nv * sizeof *vf);
                for (size_t i = 0; i < n; i++)
                    agg_columns(&c, exprs[i], vf, &nv, qs->nvfields + 2 * MN__MAX_FIELDS);
                inner.mode = qs->mode;
                inner.vfields = vf;
                inner.nvfields = nv;
            }
        }
        if (!c.agg_over_annots)
            inner.nannots = 0;
        comp ic = c;
        ic.agg_over_annots = false;
        if (c.agg_over_annots)
            ic.in_aggregate = false; /* the annotations are per row there */
        ic.qs = &inner;
        selcol *cols = select_columns(&ic, &nc);
        if (cols)
            compile_select(&ic, cols, nc, true);
        c.sql = ic.sql, c.params = ic.params, c.np = ic.np, c.cap = ic.cap, c.rc = ic.rc;
        put(&c, ") subquery");
    } else {
        mn__quote(&c.sql, qs->m->_rt->table);
        compile_where(&c);
        no_having(&c, "aggregate()");
    }
    if (c.rc != MN_OK) {
        settle(qs, err, c.rc, &e);
        return NULL;
    }
    mn_db_rows *rows;
    int rc = mn_db_execute(db, mn_buf_cstr(&c.sql), c.params, c.np, &rows, &e);
    if (rc != MN_OK) {
        settle(qs, err, rc, &e);
        return NULL;
    }
    mn_map *out = mn_map_new(qs->arena, n);
    rc = mn_db_rows_next(rows, &e);
    for (size_t i = 0; rc == MN_OK && out && i < n; i++) {
        mn_value v;
        rc = annot_value(&c, exprs[i], rows, i, &v, &e);
        if (rc == MN_OK)
            rc = mn_map_set_cstr(out, names[i], v);
    }
    mn_db_rows_close(rows);
    if (rc != MN_OK || !out) {
        settle(qs, err, rc ? rc : MN_ENOMEM, &e);
        return NULL;
    }
    return out;
}

mn_map *mn_qs_in_bulk(mn_qs *qs, const mn_value *ids, size_t nids, mn_err *err)
{
    return mn_qs_in_bulk_field(qs, NULL, ids, nids, err);
}

mn_map *mn_qs_in_bulk_field(mn_qs *qs, const char *field_name, const mn_value *ids, size_t nids, mn_err *err)
{
    if (check_qs(qs, err) != MN_OK)
        return NULL;
    if (qs->low || qs->high >= 0) {
        mn_err_set(err, MN_EINVAL, "Cannot use 'limit' or 'offset' with in_bulk");
        return NULL;
    }
    if (qs->mode != MODE_OBJECTS) {
        mn_err_set(err, MN_EINVAL, "in_bulk() cannot be used with values() or values_list().");
        return NULL;
    }
    const mn_field *f = mn_model_field_by_name(qs->m, field_name && strcmp(field_name, "pk") ? field_name : "pk");
    if (!f) {
        mn_err_set(err, MN_EINVAL, "%s has no field named '%s'", qs->m->name, field_name);
        return NULL;
    }
    if (!f->primary_key && !f->unique) {
        /* Django also accepts a single-field UniqueConstraint without a condition */
        bool ok = false;
        for (const mn_constraint *k = qs->m->meta.constraints; k && k->kind; k++)
            if (k->kind == MN_CONSTRAINT_UNIQUE && k->fields && k->fields[0] && !k->fields[1] &&
                !strcmp(k->fields[0], f->name) && !k->condition && !k->q && !k->qc)
                ok = true;
        if (!ok) {
            mn_err_set(err, MN_EINVAL, "in_bulk()'s field_name must be a unique field but '%s' isn't.", field_name);
            return NULL;
        }
    }
    mn_map *out = mn_map_new(qs->arena, ids ? nids : 16);
    if (!out) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    if (ids && nids == 0)
        return out; /* Django runs no query */
    mn_qs *c = qs;
    if (ids) {
        mn_list *l = mn_list_new(qs->arena, nids);
        for (size_t i = 0; l && i < nids; i++)
            mn_list_push(l, ids[i]);
        c = mn_qs_filter(qs, mn_arena_sprintf(qs->arena, "%s__in", f->name), l ? mn_value_list(l) : mn_value_null());
    }
    int fi = mn_model_field_index(qs->m, f);
    if (c->mode == MODE_OBJECTS && !(c->load >> fi & 1)) {
        /* only()/defer() left the key field out: Django loads it on each
         * instance as it reads it; one query loads it for all */
        if ((c = clone(c)) == NULL) {
            mn_err_set(err, MN_ENOMEM, "out of memory");
            return NULL;
        }
        c->load |= UINT64_C(1) << fi;
    }
    if (mn_qs_eval(c, err) != MN_OK)
        return NULL;
    for (size_t i = 0; out && i < c->len; i++) {
        mn_value v = mn__member_value(c->items[i], qs->m, (size_t)fi);
        mn_str key = mn_value_as_str(v, qs->arena, NULL);
        key = mn_str_clone(qs->arena, key);
        if (!key.ptr || mn_map_set(out, key, mn_obj_value(c->items[i], qs->m)) != MN_OK)
            out = NULL;
    }
    if (!out)
        mn_err_set(err, MN_ENOMEM, "out of memory");
    return out;
}

const char *mn_qs_sql(mn_qs *qs, mn_list **params, mn_err *err)
{
    if (check_qs(qs, err) != MN_OK)
        return NULL;
    mn_db *db = qs->db ? qs->db : mn_orm_db();
    mn_err e = { 0 };
    comp c;
    comp_init(&c, qs, db ? mn_db_engine_of(db) : MN_DB_SQLITE, &e);
    size_t n;
    setup_joins(&c);
    selcol *cols = c.rc == MN_OK ? select_columns(&c, &n) : NULL;
    if (cols)
        compile_select(&c, cols, n, true);
    if (c.rc != MN_OK || mn_buf_error(&c.sql)) {
        settle(qs, err, c.rc ? c.rc : MN_ENOMEM, &e);
        return NULL;
    }
    if (params) {
        *params = mn_list_new(qs->arena, c.np);
        for (size_t i = 0; *params && i < c.np; i++)
            mn_list_push(*params, c.params[i]);
    }
    return mn_buf_cstr(&c.sql);
}

/* explain()'s options: checked against these names before they reach the
 * SQL (Django 3.2.13's fix of CVE-2022-28347), in Django's order. */
static const char *const explain_formats[] = { "JSON", "TEXT", "XML", "YAML", NULL };
static const char *const explain_options[] = { "ANALYZE", "BUFFERS", "COSTS",   "SETTINGS",
                                               "SUMMARY", "TIMING",  "VERBOSE", "WAL", NULL };

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static const char *explain_v(mn_qs *qs, mn_err *err, const char *format, va_list ap)
{
    if (check_qs(qs, err) != MN_OK)
        return NULL;
    mn_db *db = qs_db(qs, err);
    if (!db)
        return NULL;
    bool pg = mn_db_engine_of(db) == MN_DB_POSTGRES;
    mn_err e = { 0 };
    comp c;
    comp_init(&c, qs, mn_db_engine_of(db), &e);
    /* the options, upper-cased as Django does; unknown ones are refused */
    const char *names[32], *unknown[32];
    bool values[32];
    size_t n = 0, nu = 0;
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        int value = va_arg(ap, int);
        /* Django's check of the names: [\w-]+ without "--" */
        bool ok = *name && !strstr(name, "--");
        for (const char *p = name; ok && *p; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                 *p == '-' || (unsigned char)*p >= 0x80;
        if (!ok) {
            mn_err_set(err, MN_EINVAL, "Invalid option name: %s.", py_repr(c.a, mn_str_from(name)));
            return NULL;
        }
        char *up = mn_arena_strdup(c.a, name);
        if (!up || n == 32) {
            mn_err_set(err, up ? MN_EINVAL : MN_ENOMEM, up ? "too many explain() options" : "out of memory");
            return NULL;
        }
        for (char *p = up; pg && *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        if (pg && in_list(explain_options, up))
            names[n] = up, values[n++] = value != 0;
        else if (nu < 32)
            unknown[nu++] = up;
    }
    if (format) {
        char *up = mn_arena_strdup(c.a, format);
        if (!up) {
            mn_err_set(err, MN_ENOMEM, "out of memory");
            return NULL;
        }
        for (char *p = up; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        if (!pg || !in_list(explain_formats, up)) {
            mn_err_set(err, MN_EINVAL, "%s is not a recognized format.%s", up,
                       pg ? " Allowed formats: JSON, TEXT, XML, YAML" : "");
            return NULL;
        }
        format = up;
    }
    if (nu) {
        qsort(unknown, nu, sizeof *unknown, cmp_cstr);
        mn_buf b;
        mn_buf_init(&b, c.a, 0);
        for (size_t k = 0; k < nu; k++)
            mn_buf_printf(&b, "%s%s", k ? ", " : "", unknown[k]);
        mn_err_set(err, MN_EINVAL, "Unknown options: %s", mn_buf_error(&b) ? "?" : mn_buf_cstr(&b));
        return NULL;
    }
    if (pg) {
        put(&c, "EXPLAIN");
        bool any = false;
        for (size_t k = 0; explain_options[k]; k++)
            for (size_t o = 0; o < n; o++)
                if (!strcmp(names[o], explain_options[k])) {
                    mn_buf_printf(&c.sql, "%s%s %s", any ? ", " : " (", names[o], values[o] ? "true" : "false");
                    any = true;
                }
        if (format)
            mn_buf_printf(&c.sql, "%sFORMAT %s", any ? ", " : " (", format);
        put(&c, any || format ? ") " : " ");
    } else {
        put(&c, "EXPLAIN QUERY PLAN ");
    }
    size_t ncols;
    selcol *cols = select_columns(&c, &ncols);
    if (cols)
        compile_select(&c, cols, ncols, true);
    if (c.rc != MN_OK) {
        settle(qs, err, c.rc, &e);
        return NULL;
    }
    mn_db_rows *rows;
    int rc = mn_db_execute(db, mn_buf_cstr(&c.sql), c.params, c.np, &rows, &e);
    if (rc != MN_OK) {
        settle(qs, err, rc, &e);
        return NULL;
    }
    /* Django: the rows' columns joined by spaces, the rows by newlines
     * (SQLite's "2 0 0 SCAN shop_product"; PostgreSQL's one column) */
    mn_buf out;
    mn_buf_init(&out, qs->arena, 0);
    size_t ncol = mn_db_rows_columns(rows);
    bool first = true;
    while ((rc = mn_db_rows_next(rows, &e)) == MN_OK) {
        if (!first)
            mn_buf_putc(&out, '\n');
        first = false;
        for (size_t k = 0; k < ncol; k++) {
            if (k)
                mn_buf_putc(&out, ' ');
            mn_buf_put_str(&out, mn_db_rows_text(rows, k));
        }
    }
    mn_db_rows_close(rows);
    if (rc != MN_ENOTFOUND) {
        settle(qs, err, rc, &e);
        return NULL;
    }
    if (mn_buf_error(&out)) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    return mn_buf_cstr(&out);
}

const char *mn_qs_explain(mn_qs *qs, mn_err *err) { return mn_qs_explain_opts(qs, err, NULL, NULL); }

const char *mn_qs_explain_opts(mn_qs *qs, mn_err *err, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    const char *r = explain_v(qs, err, format, ap);
    va_end(ap);
    return r;
}

/* ---- iterator ---- */

struct mn_qs_iter {
    mn_qs *base;
    mn_arena *arena;
    size_t chunk, pos;
    int64_t offset;
    bool keyset;  /* chunks by "pk > last" (linear) instead of OFFSET */
    int64_t last; /* keyset: the last primary key returned */
    mn_qs *cur;
    bool done;
    mn_db_cursor *cursor; /* PostgreSQL: the server-side cursor */
};

/* PostgreSQL: iterator() reads through a server-side cursor, as Django's
 * does: the query runs once and each chunk is a FETCH. */
static int iter_open_cursor(mn_qs_iter *it, mn_err *err)
{
    mn_qs *qs = it->base;
    if (qs->raw_sql || qs->none || qs->err)
        return MN_OK; /* run_select reports the error or runs raw SQL once */
    mn_db *db = qs_db(qs, err);
    if (!db)
        return err && err->code ? err->code : MN_EINVAL;
    if (mn_db_engine_of(db) != MN_DB_POSTGRES)
        return MN_OK; /* SQLite: chunks of LIMIT queries */
    mn_err e = { 0 };
    comp c;
    comp_init(&c, qs, mn_db_engine_of(db), &e);
    size_t n;
    setup_joins(&c); /* select_related: the chunks are decoded with the joins */
    selcol *cols = c.rc == MN_OK ? select_columns(&c, &n) : NULL;
    if (cols)
        compile_select(&c, cols, n, true);
    if (c.rc == MN_OK && mn_buf_error(&c.sql))
        cfail(&c, MN_ENOMEM, "out of memory");
    if (c.rc == MN_OK && !(it->cursor = mn_db_cursor_open(db, mn_buf_cstr(&c.sql), c.params, c.np, &e)))
        c.rc = e.code ? e.code : MN_EDB;
    return c.rc == MN_OK ? MN_OK : settle(qs, err, c.rc, &e);
}

mn_qs_iter *mn_qs_iterator(mn_qs *qs, size_t chunk_size)
{
    if (!qs)
        return NULL;
    mn_qs_iter *it = mn_arena_calloc(qs->arena, 1, sizeof *it);
    if (!it)
        return NULL;
    it->base = qs;
    const char *const *ord = ordering(qs);
    if ((!ord || !ord[0]) && !qs->raw_sql && !qs->err) {
        /* Unordered: walk the primary key so chunks are stable; an integer
         * key of an unsliced QuerySet allows keyset paging. */
        it->base = mn_qs_order_by(qs, "pk", NULL);
        if (it->base)
            it->base->reversed = false; /* keyset paging walks the key upwards */
        mn_field_kind k = qs->m->_rt->fields[qs->m->_rt->pk].kind;
        it->keyset = !qs->low && qs->high < 0 && qs->mode == MODE_OBJECTS &&
                     (k == MN_KIND_AUTO || k == MN_KIND_BIGAUTO || k == MN_KIND_BIGINT || k == MN_KIND_INT);
        it->last = INT64_MIN;
    }
    it->chunk = chunk_size ? chunk_size : 2000;
    it->arena = mn_arena_new("iterator", 0);
    return it;
}

void *mn_qs_iter_next(mn_qs_iter *it, mn_err *err)
{
    if (!it || !it->arena || !it->base) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    if (it->cur && it->pos < it->cur->len) {
        void *obj = it->cur->items[it->pos++];
        if (it->keyset)
            it->last = mn_obj_pk(obj, it->base->m);
        return obj;
    }
    if (it->done)
        return NULL;
    if (it->cur && (it->cur->len < it->chunk || it->base->raw_sql)) {
        it->done = true; /* a short chunk was the last; raw SQL runs once */
        return NULL;
    }
    if (!it->cur && iter_open_cursor(it, err) != MN_OK) {
        it->done = true;
        return NULL;
    }
    mn_arena_reset(it->arena);
    mn_qs *c = mn_arena_alloc(it->arena, sizeof *c);
    if (!c) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    *c = *it->base;
    c->arena = it->arena;
    c->evaluated = false;
    if (it->cursor) {
        c->cursor = it->cursor;
        c->cursor_chunk = it->chunk;
    } else if (it->keyset) {
        c->low = 0;
        c->high = (int64_t)it->chunk;
        if (it->last != INT64_MIN) {
            mn_qobj *after = mn_q(it->arena, "pk__gt", mn_value_int(it->last));
            c->where = after && c->where ? q_node(Q_AND, after, c->where) : after;
            if (!c->where) {
                mn_err_set(err, MN_ENOMEM, "out of memory");
                return NULL;
            }
        }
    } else if (!c->raw_sql) {
        int64_t low = it->base->low + it->offset;
        int64_t high = low + (int64_t)it->chunk;
        if (it->base->high >= 0 && high > it->base->high)
            high = it->base->high;
        if (it->base->high >= 0 && low >= it->base->high) {
            it->done = true;
            return NULL;
        }
        c->low = low;
        c->high = high;
    }
    if (run_select(c, err) != MN_OK)
        return NULL;
    it->cur = c;
    it->pos = 0;
    it->offset += (int64_t)c->len;
    if (it->cursor && c->len < it->chunk) {
        /* the last chunk: free the server's side now */
        mn_db_cursor_close(it->cursor);
        it->cursor = NULL;
        it->done = true;
    }
    if (c->len == 0) {
        it->done = true;
        return NULL;
    }
    void *obj = c->items[it->pos++];
    if (it->keyset)
        it->last = mn_obj_pk(obj, it->base->m);
    return obj;
}

void mn_qs_iter_close(mn_qs_iter *it)
{
    if (it) {
        mn_db_cursor_close(it->cursor);
        it->cursor = NULL;
        mn_arena_free(it->arena);
        it->arena = NULL;
    }
}

size_t mn_qs_iter_memory(const mn_qs_iter *it) { return it && it->arena ? mn_arena_reserved(it->arena) : 0; }

/* ---- writing ---- */

/* update()/delete() of a QuerySet filtered on annotations: the rows are
 * those of pk__in=<its primary keys>, as Django's related-updates do. */
static mn_qs *rows_by_pk(mn_qs *qs, mn_err *err)
{
    if (!qs->nannots || !qs->where || qs->mode != MODE_OBJECTS)
        return qs; /* values().annotate() groups: no rows to name */
    mn_qs *ids = mn_qs_values_list(qs, MN_QS_FLAT, "pk", NULL);
    mn_value v;
    if (!ids || mn_qs_to_value(ids, &v, err) != MN_OK)
        return NULL;
    mn_qs *all = mn_qs_all(qs->m, qs->arena);
    if (all && qs->db)
        all = mn_qs_using(all, qs->db);
    return all ? mn_qs_filter(all, "pk__in", v) : NULL;
}

/* Django's repr of an aggregate in an UPDATE's error. */
static const char *agg_repr(comp *c, const expr *e)
{
    static const char *const names[] = { "Count", "Sum", "Avg", "Max", "Min" };
    if (e->kind == E_AGG && e->field && strcmp(e->field, "*") != 0) {
        const mn_field *f = resolve_field(c, e->field);
        if (f)
            return mn_arena_sprintf(c->a, "%s(Col(%s, %s.%s.%s))", names[e->agg], c->m->_rt->table,
                                    c->m->app_label ? c->m->app_label : "", c->m->name, f->name);
    }
    if (e->kind == E_AGG)
        return mn_arena_sprintf(c->a, "%s(%s)", names[e->agg], e->field ? e->field : "");
    return "an expression";
}

int64_t mn_qs_update(mn_qs *qs, mn_err *err, ...)
{
    int rc = check_qs(qs, err);
    if (rc != MN_OK)
        return rc;
    if (qs->low || qs->high >= 0)
        return mn_err_set(err, MN_EINVAL, "Cannot update a query once a slice has been taken.");
    if (qs->none)
        return 0; /* Django runs no query */
    if (!(qs = rows_by_pk(qs, err)))
        return err->code ? err->code : mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_db *db = qs_db(qs, err);
    if (!db)
        return MN_EINVAL;
    mn_err e = { 0 };
    comp c;
    comp_init(&c, qs, mn_db_engine_of(db), &e);
    c.save_prep = true;
    put(&c, "UPDATE ");
    mn__quote(&c.sql, qs->m->_rt->table);
    put(&c, " SET ");
    va_list ap;
    va_start(ap, err);
    const char *name;
    size_t n = 0;
    while (c.rc == MN_OK && (name = va_arg(ap, const char *)) != NULL) {
        mn_value v = va_arg(ap, mn_value);
        const mn_field *f = resolve_field(&c, name);
        if (!f) {
            cfail(&c, MN_EINVAL, "%s has no field named '%s'", qs->m->name, name);
            break;
        }
        if (n++)
            put(&c, ", ");
        put_col(&c, f);
        put(&c, " = ");
        if (is_expr(v) && has_agg(v.u.obj.ptr)) {
            cfail(&c, MN_EINVAL, "Aggregate functions are not allowed in this query (%s=%s).", name,
                  agg_repr(&c, v.u.obj.ptr));
            break;
        }
        if (is_expr(v) && joined_ref(&c, v.u.obj.ptr)) {
            cfail(&c, MN_EINVAL, "Joined field references are not permitted in this query");
            break;
        }
        if (is_expr(v)) {
            compile_expr(&c, v.u.obj.ptr, f);
        } else {
            mn_value p;
            if (v.type == MN_VALUE_NULL && !f->null) {
                cfail(&c, MN_EPERM, "NOT NULL constraint failed: %s.%s", qs->m->_rt->table, mn_field_column(f));
                break;
            }
            /* get_db_prep_save: Django's get_prep_value words and int() */
            if (lookup_value(&c, f, v, &p) != MN_OK)
                break;
            param(&c, p);
        }
    }
    va_end(ap);
    if (c.rc == MN_OK && n == 0)
        return 0; /* update() of no fields: Django runs no query */
    compile_where(&c);
    if (c.nhaving && qs->mode != MODE_OBJECTS && qs->nvfields)
        /* values("category").annotate(n=Count("pk")).filter(n__gt=1): the
         * aggregate is of the groups; Django 3.2 writes it into the
         * UPDATE's WHERE, which the database refuses */
        cfail(&c, MN_EINVAL,
              "update() cannot filter on an aggregate of values().annotate() groups: update the rows whose %s is "
              "in the grouped QuerySet's values(\"%s\") instead",
              qs->vfields[0], qs->vfields[0]);
    no_having(&c, "update()");
    if (c.rc != MN_OK)
        return settle(qs, err, c.rc, &e);
    rc = mn_db_execute(db, mn_buf_cstr(&c.sql), c.params, c.np, NULL, &e);
    if (rc != MN_OK)
        return settle(qs, err, rc, &e);
    return mn_db_changes(db);
}

int mn__update_expr_sql(mn_model *m, mn_value v, const mn_field *f, mn_db_engine eng, mn_arena *a, const char **sql,
                        const mn_value **params, size_t *np, mn_err *err)
{
    mn_qs *qs = mn_qs_all(m, a);
    if (!qs)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    if (!is_expr(v))
        return mn_err_set(err, MN_EINVAL, "%s.%s: not an expression", m->name, f->name);
    mn_err e = { 0 };
    comp c;
    comp_init(&c, qs, eng, &e);
    c.save_prep = true;
    if (has_agg(v.u.obj.ptr))
        cfail(&c, MN_EINVAL, "Aggregate functions are not allowed in this query (%s=%s).", f->name,
              agg_repr(&c, v.u.obj.ptr));
    else if (joined_ref(&c, v.u.obj.ptr))
        cfail(&c, MN_EINVAL, "Joined field references are not permitted in this query");
    else
        compile_expr(&c, v.u.obj.ptr, f);
    if (c.rc == MN_OK && mn_buf_error(&c.sql))
        cfail(&c, MN_ENOMEM, "out of memory");
    if (c.rc != MN_OK) {
        if (err)
            *err = e;
        return c.rc;
    }
    *sql = mn_buf_cstr(&c.sql);
    *params = c.params;
    *np = c.np;
    return MN_OK;
}

int64_t mn_qs_delete(mn_qs *qs, mn_map **per_model, mn_err *err)
{
    int rc = check_qs(qs, err);
    if (rc != MN_OK)
        return rc;
    if (qs->low || qs->high >= 0)
        return mn_err_set(err, MN_EINVAL, "Cannot use 'limit' or 'offset' with delete.");
    if (qs->distinct)
        return mn_err_set(err, MN_EINVAL, "Cannot call delete() after .distinct().");
    if (qs->mode != MODE_OBJECTS)
        return mn_err_set(err, MN_ETYPE, "Cannot call delete() after .values() or .values_list()");
    if (!(qs = rows_by_pk(qs, err)))
        return err->code ? err->code : mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_db *db = qs_db(qs, err);
    if (!db)
        return MN_EINVAL;
    mn_model *m = qs->m;
    int64_t total = 0;
    mn_err e = { 0 };
    if (mn__collect_needed(m)) {
        /* Relations or signals: the collector loads the instances, follows
         * on_delete and deletes by primary key in one transaction. */
        mn_qs *all = clone(qs);
        if (!all)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        all->mode = MODE_OBJECTS;
        all->nannots = 0;
        all->load = ~UINT64_C(0);
        all->order_set = true;
        all->order = NULL;
        if ((rc = mn_qs_eval(all, err)) != MN_OK)
            return rc;
        mn_map *counts = NULL;
        total = mn__collect_delete(m, all->items, all->len, db, qs->arena, &counts, &e);
        if (total < 0)
            return settle(qs, err, (int)total, &e);
        if (per_model)
            *per_model = counts;
        return total;
    } else {
        comp c;
        comp_init(&c, qs, mn_db_engine_of(db), &e);
        put(&c, "DELETE FROM ");
        mn__quote(&c.sql, m->_rt->table);
        compile_where(&c);
        no_having(&c, "delete()");
        if (c.rc != MN_OK)
            return settle(qs, err, c.rc, &e);
        rc = mn_db_execute(db, mn_buf_cstr(&c.sql), c.params, c.np, NULL, &e);
        if (rc != MN_OK)
            return settle(qs, err, rc, &e);
        total = mn_db_changes(db);
    }
    if (per_model) {
        *per_model = mn_map_new(qs->arena, 1);
        char *key = mn_arena_sprintf(qs->arena, "%s.%s", m->app_label ? m->app_label : "", m->name);
        if (*per_model && key && total)
            mn_map_set_cstr(*per_model, key, mn_value_int(total));
    }
    return total;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int mn_model_bulk_create(mn_model *m, void *const *objs, size_t n, size_t batch_size, mn_db *db, mn_err *err)
{
    return mn_model_bulk_create_opts(m, objs, n, batch_size, 0, db, err);
}

int mn_model_bulk_create_opts(mn_model *m, void *const *objs, size_t n, size_t batch_size, unsigned flags, mn_db *db,
                              mn_err *err)
{
    bool ignore = (flags & MN_BULK_IGNORE_CONFLICTS) != 0;
    if (mn__model_setup(m, err) != MN_OK)
        return err ? err->code : MN_EINVAL;
    db = mn__db(db, err);
    if (!db)
        return MN_EINVAL;
    if (n == 0)
        return MN_OK;
    mn_db_engine eng = mn_db_engine_of(db);
    size_t nf = m->_rt->nfields;
    int pk = m->_rt->pk;
    const mn_field *pkf = &m->_rt->fields[pk];
    bool auto_pk = pkf->kind == MN_KIND_AUTO || pkf->kind == MN_KIND_BIGAUTO;
    /* Rows with a primary key already set keep it; Django sends them in
     * their own batches. Keep it simple: either all are new or the pk is
     * written. */
    bool write_pk = !auto_pk;
    for (size_t i = 0; i < n && auto_pk; i++)
        if (mn_obj_pk(objs[i], m) != 0)
            write_pk = true;
    size_t ncols = write_pk ? nf : nf - 1;
    /* The backend's parameter limit caps a batch; without batch_size,
     * SQLite batches stay near Django's 999 parameters, because SQLite
     * parses and plans a wide VALUES list in more than linear time, and
     * PostgreSQL batches hold 1,000 rows: every full batch then runs the
     * same prepared statement, where one statement of all the rows would
     * be parsed and planned for its single use. */
    size_t max_params = eng == MN_DB_POSTGRES ? 65535 : 32766;
    size_t limit = ncols ? max_params / ncols : n;
    if (limit == 0)
        limit = 1;
    if (!batch_size)
        batch_size = !ncols ? limit : eng == MN_DB_POSTGRES ? 1000 : (999 / ncols ? 999 / ncols : 1);
    if (batch_size > limit)
        batch_size = limit;
    mn_arena *a = mn_arena_new("bulk_create", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_datetime now = mn_datetime_now();
    int rc = mn_db_begin(db, err);
    for (size_t start = 0; rc == MN_OK && start < n; start += batch_size) {
        size_t end = start + batch_size < n ? start + batch_size : n;
        mn_arena_reset(a);
        mn_value *params = mn_arena_alloc(a, (end - start) * (ncols ? ncols : 1) * sizeof *params);
        mn_buf b;
        mn_buf_init(&b, a, 0);
        if (!params) {
            rc = mn_err_set(err, MN_ENOMEM, "out of memory");
            break;
        }
        /* ignore_conflicts: rows that break a constraint are skipped */
        mn_buf_puts(&b, ignore && eng != MN_DB_POSTGRES ? "INSERT OR IGNORE INTO " : "INSERT INTO ");
        mn__quote(&b, m->_rt->table);
        mn_buf_puts(&b, " (");
        size_t k = 0;
        for (size_t i = 0; i < nf; i++) {
            if ((int)i == pk && !write_pk)
                continue;
            if (k++)
                mn_buf_puts(&b, ", ");
            mn__quote(&b, m->_rt->columns[i]);
        }
        mn_buf_puts(&b, ") VALUES ");
        size_t np = 0;
        for (size_t r = start; rc == MN_OK && r < end; r++) {
            void *obj = objs[r];
            for (size_t i = 0; i < nf; i++) {
                const mn_field *f = &m->_rt->fields[i];
                if ((f->auto_now || f->auto_now_add) && f->kind == MN_KIND_DATETIME) {
                    *(mn_datetime *)((char *)obj + f->offset) = now;
                    mn_obj_header(m, obj)->nulls &= ~(UINT64_C(1) << i);
                }
            }
            mn_buf_puts(&b, r > start ? ", (" : "(");
            size_t kk = 0;
            for (size_t i = 0; rc == MN_OK && i < nf; i++) {
                if ((int)i == pk && !write_pk)
                    continue;
                mn_buf_puts(&b, kk++ ? ", %s" : "%s");
                rc = mn__member_to_db(obj, m, i, eng, a, &params[np++], err);
            }
            mn_buf_putc(&b, ')');
        }
        if (rc != MN_OK)
            break;
        if (ignore && eng == MN_DB_POSTGRES)
            mn_buf_puts(&b, " ON CONFLICT DO NOTHING");
        bool returning = !write_pk && !ignore; /* which rows went in is not known when ignoring */
        if (returning) {
            mn_buf_puts(&b, " RETURNING ");
            mn__quote(&b, m->_rt->columns[pk]);
        }
        if (mn_buf_error(&b)) {
            rc = mn_err_set(err, MN_ENOMEM, "out of memory");
            break;
        }
        mn_db_rows *rows = NULL;
        rc = mn_db_execute(db, mn_buf_cstr(&b), params, np, returning ? &rows : NULL, err);
        if (rc != MN_OK)
            break;
        if (ignore && !write_pk) {
            /* Django leaves the keys unset */
        } else if (!write_pk) {
            int64_t *ids = mn_arena_alloc(a, (end - start) * sizeof *ids);
            size_t got = 0;
            while (ids && (rc = mn_db_rows_next(rows, err)) == MN_OK && got < end - start)
                ids[got++] = mn_db_rows_int(rows, 0);
            mn_db_rows_close(rows);
            if (rc == MN_ENOTFOUND)
                rc = MN_OK;
            if (rc == MN_OK && got != end - start)
                rc = mn_err_set(err, MN_EDB, "bulk_create: %zu ids returned for %zu rows", got, end - start);
            if (rc != MN_OK)
                break;
            /* Ids of one INSERT grow in row order; RETURNING's order is not
             * promised, so sort them. */
            qsort(ids, got, sizeof *ids, cmp_i64);
            for (size_t r = 0; r < got; r++) {
                *(int64_t *)((char *)objs[start + r] + pkf->offset) = ids[r];
                mn_obj_header(m, objs[start + r])->flags &= ~MN_OBJ_ADDING;
            }
        } else {
            for (size_t r = start; r < end; r++)
                mn_obj_header(m, objs[r])->flags &= ~MN_OBJ_ADDING;
        }
    }
    if (rc == MN_OK)
        rc = mn_db_commit(db, err);
    else
        mn_db_rollback(db, NULL);
    mn_arena_free(a);
    return rc;
}

int64_t mn_model_bulk_update(mn_model *m, void *const *objs, size_t n, const char *const *fields, size_t batch_size,
                             mn_db *db, mn_err *err)
{
    if (mn__model_setup(m, err) != MN_OK)
        return err ? err->code : MN_EINVAL;
    db = mn__db(db, err);
    if (!db)
        return MN_EINVAL;
    if (!fields || !fields[0])
        return mn_err_set(err, MN_EINVAL, "Field names must be given to bulk_update().");
    int idx[MN__MAX_FIELDS];
    size_t nfl = 0;
    for (size_t i = 0; fields[i]; i++) {
        const mn_field *f = mn_model_field_by_name(m, fields[i]);
        size_t fl = strlen(fields[i]);
        for (size_t j = 0; !f && fl > 3 && !strcmp(fields[i] + fl - 3, "_id") && j < m->_rt->nfields; j++)
            if (m->_rt->fields[j].kind == MN_KIND_FOREIGNKEY && strlen(m->_rt->fields[j].name) == fl - 3 &&
                !strncmp(m->_rt->fields[j].name, fields[i], fl - 3))
                f = &m->_rt->fields[j]; /* the attname, as Options.get_field finds it */
        mn__rel r;
        if (!f && mn__rel_find(m, fields[i], true, &r))
            return mn_err_set(err, MN_EINVAL, "bulk_update() can only be used with concrete fields.");
        if (!f)
            return mn_err_set(err, MN_EINVAL, "%s has no field named '%s'", m->name, fields[i]);
        if (f->primary_key)
            return mn_err_set(err, MN_EINVAL, "bulk_update() cannot be used with primary key fields.");
        if (nfl == MN__MAX_FIELDS)
            return mn_err_set(err, MN_ELIMIT, "too many fields");
        idx[nfl++] = mn_model_field_index(m, f);
    }
    for (size_t i = 0; i < n; i++)
        if (mn_obj_header(m, objs[i])->flags & MN_OBJ_ADDING)
            return mn_err_set(err, MN_EINVAL, "All bulk_update() objects must have a primary key set.");
    if (n == 0)
        return 0;
    mn_db_engine eng = mn_db_engine_of(db);
    size_t per = 2 * nfl + 1;
    size_t limit = (eng == MN_DB_POSTGRES ? 65535 : 32766) / per;
    if (!batch_size || batch_size > limit)
        batch_size = limit ? limit : 1;
    mn_arena *a = mn_arena_new("bulk_update", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    int pk = m->_rt->pk;
    int64_t total = 0;
    int rc = mn_db_begin(db, err);
    for (size_t start = 0; rc == MN_OK && start < n; start += batch_size) {
        size_t end = start + batch_size < n ? start + batch_size : n;
        mn_arena_reset(a);
        mn_value *params = mn_arena_alloc(a, (end - start) * per * sizeof *params);
        if (!params) {
            rc = mn_err_set(err, MN_ENOMEM, "out of memory");
            break;
        }
        size_t np = 0;
        mn_buf b;
        mn_buf_init(&b, a, 0);
        mn_buf_puts(&b, "UPDATE ");
        mn__quote(&b, m->_rt->table);
        mn_buf_puts(&b, " SET ");
        for (size_t j = 0; rc == MN_OK && j < nfl; j++) {
            const mn_field *f = &m->_rt->fields[idx[j]];
            if (j)
                mn_buf_puts(&b, ", ");
            mn__quote(&b, m->_rt->columns[idx[j]]);
            mn_buf_puts(&b, " = CASE");
            for (size_t r = start; rc == MN_OK && r < end; r++) {
                mn_buf_puts(&b, " WHEN ");
                mn__quote(&b, m->_rt->columns[pk]);
                mn_buf_puts(&b, " = %s THEN ");
                rc = mn__member_to_db(objs[r], m, (size_t)pk, eng, a, &params[np++], err);
                if (rc == MN_OK)
                    rc = mn__member_to_db(objs[r], m, (size_t)idx[j], eng, a, &params[np++], err);
                if (eng == MN_DB_POSTGRES)
                    mn_buf_printf(&b, "CAST(%%s AS %s)", mn__sql_type(f, eng, a));
                else
                    mn_buf_puts(&b, "%s");
            }
            mn_buf_puts(&b, " ELSE ");
            mn__quote(&b, m->_rt->columns[idx[j]]);
            mn_buf_puts(&b, " END");
        }
        mn_buf_puts(&b, " WHERE ");
        mn__quote(&b, m->_rt->columns[pk]);
        mn_buf_puts(&b, " IN (");
        for (size_t r = start; rc == MN_OK && r < end; r++) {
            mn_buf_puts(&b, r > start ? ", %s" : "%s");
            rc = mn__member_to_db(objs[r], m, (size_t)pk, eng, a, &params[np++], err);
        }
        mn_buf_putc(&b, ')');
        if (rc != MN_OK)
            break;
        if (mn_buf_error(&b)) {
            rc = mn_err_set(err, MN_ENOMEM, "out of memory");
            break;
        }
        rc = mn_db_execute(db, mn_buf_cstr(&b), params, np, NULL, err);
        if (rc == MN_OK)
            total += mn_db_changes(db);
    }
    if (rc == MN_OK)
        rc = mn_db_commit(db, err);
    else
        mn_db_rollback(db, NULL);
    mn_arena_free(a);
    return rc == MN_OK ? total : rc;
}

/* The exact-lookup leaves of an AND-only filter: get_or_create's kwargs. */
static int exact_leaves(const mn_qobj *q, const mn_qobj **out, size_t *n, size_t cap)
{
    if (!q)
        return MN_OK;
    if (q->kind == Q_AND) {
        int rc = exact_leaves(q->a, out, n, cap);
        return rc == MN_OK ? exact_leaves(q->b, out, n, cap) : rc;
    }
    if (q->kind != Q_LEAF)
        return MN_EINVAL;
    const char *sep = strstr(q->lookup, "__");
    if (sep && strcmp(sep, "__exact") != 0)
        return MN_OK; /* other lookups only narrow the get() */
    if (*n == cap)
        return MN_ELIMIT;
    out[(*n)++] = q;
    return MN_OK;
}

/* A field name or a ForeignKey's attname ("category_id"). */
static bool known_field(mn_model *m, const char *name)
{
    if (mn_model_field_by_name(m, name))
        return true;
    size_t n = strlen(name);
    if (n > 3 && !strcmp(name + n - 3, "_id"))
        for (size_t j = 0; j < m->_rt->nfields; j++)
            if (m->_rt->fields[j].kind == MN_KIND_FOREIGNKEY && !strncmp(m->_rt->fields[j].name, name, n - 3) &&
                !m->_rt->fields[j].name[n - 3])
                return true;
    return false;
}

/* Sets the (name, value) defaults; creating, an unknown name is Django's
 * "Invalid field name(s) for model Product: 'prise'." */
static int apply_pairs(void *obj, mn_model *m, mn_arena *a, va_list ap, bool creating, mn_err *err)
{
    const char *name;
    int rc = MN_OK;
    while (rc == MN_OK && (name = va_arg(ap, const char *)) != NULL) {
        mn_value v = va_arg(ap, mn_value);
        if (creating && !known_field(m, name))
            return mn_err_set(err, MN_EINVAL, "Invalid field name(s) for model %s: '%s'.", m->name, name);
        if (creating && is_expr(v)) {
            mn_buf b;
            mn_buf_init(&b, a, 0);
            expr_to_str(v.u.obj.ptr, &b);
            return mn_err_set(err, MN_EINVAL,
                              "Failed to insert expression \"%s\" on %s.%s.%s. F() expressions can only be used to "
                              "update, not to insert.",
                              mn_buf_cstr(&b) ? mn_buf_cstr(&b) : "?", m->app_label ? m->app_label : "", m->name, name);
        }
        rc = mn_obj_set(obj, m, name, v, a, err);
    }
    return rc;
}

static void *create_from(mn_qs *qs, va_list ap, mn_err *err)
{
    const mn_qobj *leaves[MN__MAX_FIELDS];
    size_t n = 0;
    if (exact_leaves(qs->where, leaves, &n, MN__MAX_FIELDS) != MN_OK) {
        mn_err_set(err, MN_EINVAL, "get_or_create() needs plain field=value filters (no Q with | or ~)");
        return NULL;
    }
    void *obj = mn_model_new(qs->m, qs->arena, err);
    if (!obj)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char name[96];
        snprintf(name, sizeof name, "%s", leaves[i]->lookup);
        char *sep = strstr(name, "__");
        if (sep)
            *sep = '\0';
        if (mn_obj_set(obj, qs->m, name, leaves[i]->v, qs->arena, err) != MN_OK)
            return NULL;
    }
    if (apply_pairs(obj, qs->m, qs->arena, ap, true, err) != MN_OK)
        return NULL;
    return obj;
}

/* update_or_create()'s match: the plain defaults are set on the instance,
 * the expressions (F("stock") + 1) cannot live in a member: the one UPDATE
 * of save() writes them as SQL, and the instance reads their results back
 * (Django's instance keeps the expression objects). */
static int update_found(mn_qs *qs, mn_db *db, void *obj, va_list ap, mn_err *err)
{
    const char *xnames[MN__MAX_FIELDS + 1];
    mn_value xvals[MN__MAX_FIELDS];
    size_t nx = 0;
    int rc = MN_OK;
    const char *name;
    while (rc == MN_OK && (name = va_arg(ap, const char *)) != NULL) {
        mn_value v = va_arg(ap, mn_value);
        if (!is_expr(v)) {
            rc = mn_obj_set(obj, qs->m, name, v, qs->arena, err);
            continue;
        }
        const mn_field *f = mn_model_field_by_name(qs->m, name);
        if (!f)
            return mn_err_set(err, MN_EINVAL, "Invalid field name(s) for model %s: '%s'.", qs->m->name, name);
        size_t k = 0;
        while (k < nx && strcmp(xnames[k], f->name))
            k++;
        if (k == MN__MAX_FIELDS)
            return mn_err_set(err, MN_ELIMIT, "%s: more than %d expressions", qs->m->name, MN__MAX_FIELDS);
        xnames[k] = f->name; /* a later default replaces an earlier one, as in a dict */
        xvals[k] = v;
        nx += k == nx;
    }
    if (rc != MN_OK)
        return rc;
    mn__xset xs = { xnames, xvals, nx };
    if ((rc = mn__obj_save_exprs(obj, qs->m, db, &xs, err)) != MN_OK || !nx)
        return rc;
    xnames[nx] = NULL;
    return mn_obj_refresh_fields(obj, qs->m, db, xnames, qs->arena, err);
}

static void *get_or_create(mn_qs *qs, bool *created, mn_err *err, bool update, va_list ap)
{
    *created = false;
    if (check_qs(qs, err) != MN_OK)
        return NULL;
    mn_db *db = qs_db(qs, err);
    if (!db)
        return NULL;
    mn_err e = { 0 };
    void *obj;
    if (update) {
        /* Django: with transaction.atomic(): select_for_update()
         * .get_or_create(), then one save() of the instance it got */
        if (mn_db_begin(db, err) != MN_OK)
            return NULL;
        va_list cp;
        va_copy(cp, ap);
        obj = get_or_create(mn_qs_select_for_update(qs), created, err, false, cp);
        va_end(cp);
        int rc = obj ? MN_OK : err && err->code ? err->code : MN_EINVAL;
        if (obj && !*created) {
            va_copy(cp, ap);
            rc = update_found(qs, db, obj, cp, err);
            va_end(cp);
        }
        if (rc == MN_OK && (rc = mn_db_commit(db, err)) == MN_OK)
            return obj;
        mn_db_rollback(db, NULL);
        *created = false;
        return NULL;
    }
    obj = mn_qs_get(qs, &e);
    if (obj)
        return obj;
    if (e.code != MN_ENOTFOUND) {
        if (err)
            *err = e;
        return NULL;
    }
    va_list cp;
    va_copy(cp, ap);
    obj = create_from(qs, cp, err);
    va_end(cp);
    if (!obj)
        return NULL;
    /* A savepoint lets a concurrent creator win: then we get() its row. */
    int rc = mn_db_begin(db, err);
    if (rc == MN_OK)
        rc = mn__obj_save(obj, qs->m, db, NULL, true, &e);
    if (rc == MN_OK) {
        rc = mn_db_commit(db, err);
        *created = rc == MN_OK;
        return rc == MN_OK ? obj : NULL;
    }
    mn_db_rollback(db, NULL);
    if (e.code == MN_EEXIST) {
        mn_err e2 = { 0 };
        void *again = mn_qs_get(qs, &e2);
        if (again)
            return again;
    }
    if (err)
        *err = e;
    return NULL;
}

void *mn_qs_get_or_create(mn_qs *qs, bool *created, mn_err *err, ...)
{
    va_list ap;
    va_start(ap, err);
    void *obj = get_or_create(qs, created, err, false, ap);
    va_end(ap);
    return obj;
}

void *mn_qs_update_or_create(mn_qs *qs, bool *created, mn_err *err, ...)
{
    va_list ap;
    va_start(ap, err);
    void *obj = get_or_create(qs, created, err, true, ap);
    va_end(ap);
    return obj;
}

/* ---- conditions for DDL ---- */

static void put_literal(mn_buf *b, mn_value v, mn_db_engine eng)
{
    switch (v.type) {
    case MN_VALUE_NULL: mn_buf_puts(b, "NULL"); return;
    case MN_VALUE_BOOL: mn_buf_puts(b, eng == MN_DB_POSTGRES ? (v.u.b ? "true" : "false") : (v.u.b ? "1" : "0")); return;
    case MN_VALUE_INT: mn_buf_put_i64(b, v.u.i); return;
    case MN_VALUE_FLOAT: mn_buf_printf(b, "%.17g", v.u.f); return;
    default: {
        mn_str t = v.type == MN_VALUE_STR ? v.u.s : MN_STR("");
        mn_buf_putc(b, '\'');
        for (size_t i = 0; i < t.len; i++) {
            if (t.ptr[i] == '\'')
                mn_buf_putc(b, '\'');
            mn_buf_putc(b, t.ptr[i]);
        }
        mn_buf_putc(b, '\'');
    }
    }
}

/* The value of a condition leaf: text, NULL, or a bool for __isnull. */
static mn_value cond_value(const char *lookup, const char *value)
{
    size_t n = strlen(lookup);
    if (!value)
        return mn_value_null();
    if (n > 8 && !strcmp(lookup + n - 8, "__isnull"))
        return mn_value_bool(!strcmp(value, "true") || !strcmp(value, "True") || !strcmp(value, "1"));
    return mn_value_cstr(value);
}

/* A condition tree as a Q object (NULL with err for a malformed tree). */
static mn_qobj *qc_tree(const mn_qc *t, mn_model *m, mn_arena *a, int depth, mn_err *err)
{
    if (depth > 32) {
        mn_err_set(err, MN_ELIMIT, "%s: a condition nested more than 32 levels deep", m->name);
        return NULL;
    }
    if (t->op == MN_QC_LOOKUP) {
        if (!t->lookup) {
            mn_err_set(err, MN_EINVAL, "%s: a condition lookup without a name", m->name);
            return NULL;
        }
        mn_qobj *q = mn_q(a, t->lookup, t->f ? mn_f(a, t->f) : cond_value(t->lookup, t->value));
        if (!q)
            mn_err_set(err, MN_ENOMEM, "out of memory");
        return q;
    }
    if ((t->op != MN_QC_ALL && t->op != MN_QC_ANY && t->op != MN_QC_NONE) || !t->args || !t->args[0]) {
        mn_err_set(err, MN_EINVAL, "%s: a condition needs a lookup, or AND/OR/NOT of at least one condition", m->name);
        return NULL;
    }
    mn_qobj *acc = NULL;
    for (size_t i = 0; t->args[i]; i++) {
        mn_qobj *q = qc_tree(t->args[i], m, a, depth + 1, err);
        if (!q)
            return NULL;
        acc = !acc ? q : t->op == MN_QC_ANY ? mn_q_or(acc, q) : mn_q_and(acc, q);
        if (!acc) {
            mn_err_set(err, MN_ENOMEM, "out of memory");
            return NULL;
        }
    }
    if (t->op == MN_QC_NONE && !(acc = mn_q_not(acc)))
        mn_err_set(err, MN_ENOMEM, "out of memory");
    return acc;
}

const char *mn__cond_sql(mn_model *m, const mn_cond *conds, const mn_qc *tree, mn_db_engine eng, mn_arena *arena,
                         mn_err *err)
{
    mn_qs *qs = mn_qs_all(m, arena);
    for (const mn_cond *c = conds; qs && c && c->lookup; c++)
        qs = mn_qs_filter(qs, c->lookup, cond_value(c->lookup, c->value));
    if (qs && tree) {
        mn_err te = { 0 };
        mn_qobj *q = qc_tree(tree, m, arena, 0, &te);
        if (!q) {
            mn_err_set(err, te.code, "%s", te.msg);
            return NULL;
        }
        qs = mn_qs_filter_q(qs, q);
    }
    if (check_qs(qs, err) != MN_OK)
        return NULL;
    if (!qs->where) {
        mn_err_set(err, MN_EINVAL, "%s: an empty condition", m->name);
        return NULL;
    }
    mn_err e = { 0 };
    comp c;
    comp_init(&c, qs, eng, &e);
    c.save_prep = c.ddl = true; /* the literals DDL has always had ('0.00') */
    compile_q(&c, qs->where);
    if (c.rc != MN_OK || mn_buf_error(&c.sql)) {
        mn_err_set(err, c.rc ? c.rc : MN_ENOMEM, "%s: %s", m->name, c.rc ? e.msg : "out of memory");
        return NULL;
    }
    /* Placeholders become literals; "%%" becomes "%". */
    mn_str sql = mn_buf_str(&c.sql);
    mn_buf out;
    mn_buf_init(&out, arena, 0);
    size_t k = 0;
    for (size_t i = 0; i < sql.len; i++) {
        if (sql.ptr[i] == '%' && i + 1 < sql.len && sql.ptr[i + 1] == 's' && k < c.np) {
            put_literal(&out, c.params[k++], eng);
            i++;
        } else if (sql.ptr[i] == '%' && i + 1 < sql.len && sql.ptr[i + 1] == '%') {
            mn_buf_putc(&out, '%');
            i++;
        } else {
            mn_buf_putc(&out, sql.ptr[i]);
        }
    }
    if (mn_buf_error(&out)) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    return mn_buf_cstr(&out);
}
