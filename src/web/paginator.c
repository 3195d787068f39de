/* Paginator and Page (django.core.paginator). */
#include <math.h>
#include <string.h>
#include "manouche/log.h"
#include "manouche/paginator.h"

static mn_logger pag_log = MN_LOGGER_INIT("manouche.paginator");

struct mn_paginator {
    mn_arena *arena;
    mn_qs *qs;     /* or */
    mn_list *list;
    int64_t per_page, orphans;
    bool allow_empty_first_page;
    bool counted;
    int64_t count;
};

struct mn_page {
    mn_paginator *p;
    int64_t number;
    int64_t bottom, top;  /* [bottom, top) of the object list */
    mn_qs *qs;            /* the slice, for a QuerySet paginator */
    bool evaluated;
    mn_err err;
};

static mn_paginator *make(mn_arena *arena, mn_qs *qs, mn_list *list, int64_t per_page,
                          const mn_paginator_options *opts, mn_err *err)
{
    if (per_page < 1) {
        mn_err_set(err, MN_EINVAL, "per_page must be at least 1, not %lld", (long long)per_page);
        return NULL;
    }
    if (opts && opts->orphans < 0) {
        mn_err_set(err, MN_EINVAL, "orphans must not be negative");
        return NULL;
    }
    mn_paginator *p = mn_arena_calloc(arena, 1, sizeof *p);
    if (!p) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    p->arena = arena;
    p->qs = qs;
    p->list = list;
    p->per_page = per_page;
    p->orphans = opts ? opts->orphans : 0;
    p->allow_empty_first_page = !(opts && opts->disallow_empty_first_page);
    return p;
}

mn_paginator *mn_paginator_new(mn_arena *arena, mn_qs *qs, int64_t per_page,
                               const mn_paginator_options *opts, mn_err *err)
{
    if (!qs) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_paginator *p = make(arena, qs, NULL, per_page, opts, err);
    if (!p)
        return NULL;
    /* _check_object_list_is_ordered(): Django warns, so do we. */
    mn_err e = { 0 };
    const char *sql = mn_qs_error(qs)->code ? NULL : mn_qs_sql(qs, NULL, &e);
    if (sql && !strstr(sql, " ORDER BY ")) {
        mn_model *m = mn_qs_model(qs);
        mn_logf(&pag_log, MN_LOG_WARNING,
                "Pagination may yield inconsistent results with an unordered object_list: "
                "<class '%s.%s'> QuerySet.", m->app_label ? m->app_label : "", m->name);
    }
    return p;
}

mn_paginator *mn_paginator_from_list(mn_arena *arena, mn_list *list, int64_t per_page,
                                     const mn_paginator_options *opts, mn_err *err)
{
    if (!list) {
        mn_err_set(err, MN_EINVAL, "a paginator needs an object list");
        return NULL;
    }
    return make(arena, NULL, list, per_page, opts, err);
}

int64_t mn_paginator_count(mn_paginator *p, mn_err *err)
{
    if (!p->counted) {
        int64_t n = p->qs ? mn_qs_count(p->qs, err) : (int64_t)mn_list_len(p->list);
        if (n < 0)
            return n;
        p->count = n;
        p->counted = true;
    }
    return p->count;
}

int64_t mn_paginator_num_pages(mn_paginator *p, mn_err *err)
{
    int64_t count = mn_paginator_count(p, err);
    if (count < 0)
        return count;
    if (count == 0 && !p->allow_empty_first_page)
        return 0;
    int64_t hits = count - p->orphans;
    if (hits < 1)
        hits = 1;
    return (hits + p->per_page - 1) / p->per_page;
}

int64_t mn_paginator_per_page(const mn_paginator *p) { return p->per_page; }

mn_list *mn_paginator_page_range(mn_paginator *p, mn_err *err)
{
    int64_t n = mn_paginator_num_pages(p, err);
    if (n < 0)
        return NULL;
    mn_list *l = mn_list_new(p->arena, (size_t)n);
    for (int64_t i = 1; l && i <= n; i++)
        if (mn_list_push(l, mn_value_int(i)))
            l = NULL;
    if (!l)
        mn_err_set(err, MN_ENOMEM, "out of memory");
    return l;
}

/* Python's int() of a page number: MN_OK, MN_PAGE_NOT_AN_INTEGER, or
 * MN_ERANGE with *sign telling which way it overflowed. */
static int to_int(mn_value v, int64_t *out, int *sign)
{
    *sign = 0;
    switch (mn_value_type(v)) {
    case MN_VALUE_INT:
        *out = v.u.i;
        return MN_OK;
    case MN_VALUE_BOOL:
        *out = v.u.b;
        return MN_OK;
    case MN_VALUE_FLOAT:
        if (v.u.f != v.u.f || isinf(v.u.f) || floor(v.u.f) != v.u.f)
            return MN_PAGE_NOT_AN_INTEGER;
        if (v.u.f >= 9223372036854775808.0 || v.u.f < -9223372036854775808.0) {
            *sign = v.u.f < 0 ? -1 : 1;
            return MN_ERANGE;
        }
        *out = (int64_t)v.u.f;
        return MN_OK;
    case MN_VALUE_DECIMAL:
    case MN_VALUE_STR: {
        mn_str s = v.type == MN_VALUE_STR ? mn_str_trim(v.u.s) : MN_STR("");
        int rc = mn_value_to_i64(v, out);
        if (rc == MN_ERANGE && v.type == MN_VALUE_STR) {
            /* Python has big integers: a long run of digits is a number,
             * only out of any page's range. */
            size_t i = s.len && (s.ptr[0] == '-' || s.ptr[0] == '+') ? 1 : 0;
            bool digits = i < s.len;
            for (size_t j = i; j < s.len; j++)
                digits = digits && s.ptr[j] >= '0' && s.ptr[j] <= '9';
            if (!digits)
                return MN_PAGE_NOT_AN_INTEGER;
            *sign = s.ptr[0] == '-' ? -1 : 1;
            return MN_ERANGE;
        }
        if (rc == MN_ERANGE) {
            *sign = mn_decimal_cmp(v.u.d, mn_decimal_from_i64(0)) < 0 ? -1 : 1;
            return MN_ERANGE;
        }
        return rc ? MN_PAGE_NOT_AN_INTEGER : MN_OK;
    }
    default:
        return MN_PAGE_NOT_AN_INTEGER; /* None and the rest: TypeError */
    }
}

int mn_paginator_validate(mn_paginator *p, mn_value number, int64_t *out, mn_err *err)
{
    int64_t n = 0;
    int sign;
    int rc = to_int(number, &n, &sign);
    if (rc == MN_PAGE_NOT_AN_INTEGER)
        return mn_err_set(err, MN_PAGE_NOT_AN_INTEGER, "That page number is not an integer");
    if (rc == MN_ERANGE)
        n = sign < 0 ? INT64_MIN : INT64_MAX;
    if (n < 1)
        return mn_err_set(err, MN_EMPTY_PAGE, "That page number is less than 1");
    int64_t pages = mn_paginator_num_pages(p, err);
    if (pages < 0)
        return (int)pages;
    if (n > pages && !(n == 1 && p->allow_empty_first_page))
        return mn_err_set(err, MN_EMPTY_PAGE, "That page contains no results");
    *out = n;
    return MN_OK;
}

mn_page *mn_paginator_page(mn_paginator *p, mn_value number, mn_err *err)
{
    int64_t n;
    if (mn_paginator_validate(p, number, &n, err))
        return NULL;
    mn_page *page = mn_arena_calloc(p->arena, 1, sizeof *page);
    if (!page) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    page->p = p;
    page->number = n;
    page->bottom = (n - 1) * p->per_page;
    page->top = page->bottom + p->per_page;
    if (page->top + p->orphans >= p->count)
        page->top = p->count;
    if (page->top < page->bottom)
        page->top = page->bottom;
    if (p->qs) {
        page->qs = mn_qs_slice(p->qs, page->bottom, page->top);
        if (!page->qs) {
            mn_err_set(err, MN_ENOMEM, "out of memory");
            return NULL;
        }
    }
    return page;
}

mn_page *mn_paginator_page_n(mn_paginator *p, int64_t number, mn_err *err)
{
    return mn_paginator_page(p, mn_value_int(number), err);
}

mn_page *mn_paginator_get_page(mn_paginator *p, mn_value number, mn_err *err)
{
    int64_t n;
    mn_err e = { 0 };
    int rc = mn_paginator_validate(p, number, &n, &e);
    if (rc == MN_PAGE_NOT_AN_INTEGER) {
        n = 1;
    } else if (rc == MN_EMPTY_PAGE) {
        n = mn_paginator_num_pages(p, err);
        if (n < 0)
            return NULL;
    } else if (rc) {
        *err = e;
        return NULL;
    }
    return mn_paginator_page_n(p, n, err);
}

static int push_range(mn_list *l, int64_t from, int64_t to) /* [from, to) */
{
    for (int64_t i = from; i < to; i++)
        if (mn_list_push(l, mn_value_int(i)))
            return MN_ENOMEM;
    return MN_OK;
}

mn_list *mn_paginator_elided_range(mn_paginator *p, int64_t number, int64_t on_each_side,
                                   int64_t on_ends, mn_err *err)
{
    int64_t n;
    if (mn_paginator_validate(p, mn_value_int(number), &n, err))
        return NULL;
    int64_t pages = mn_paginator_num_pages(p, err);
    if (on_each_side < 0)
        on_each_side = 0;
    if (on_ends < 0)
        on_ends = 0;
    mn_list *l = mn_list_new(p->arena, 16);
    if (!l) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_value ellipsis = mn_value_cstr("\xe2\x80\xa6");
    int rc = MN_OK;
    if (pages <= (on_each_side + on_ends) * 2) {
        rc = push_range(l, 1, pages + 1);
    } else {
        if (n > 1 + on_each_side + on_ends + 1) {
            rc = push_range(l, 1, on_ends + 1);
            rc = rc ? rc : mn_list_push(l, ellipsis);
            rc = rc ? rc : push_range(l, n - on_each_side, n + 1);
        } else {
            rc = push_range(l, 1, n + 1);
        }
        if (!rc && n < pages - on_each_side - on_ends - 1) {
            rc = push_range(l, n + 1, n + on_each_side + 1);
            rc = rc ? rc : mn_list_push(l, ellipsis);
            rc = rc ? rc : push_range(l, pages - on_ends + 1, pages + 1);
        } else if (!rc) {
            rc = push_range(l, n + 1, pages + 1);
        }
    }
    if (rc) {
        mn_err_set(err, rc, "out of memory");
        return NULL;
    }
    return l;
}

/* ---- pages ---- */

int64_t mn_page_number(const mn_page *page) { return page->number; }
mn_paginator *mn_page_paginator(const mn_page *page) { return page->p; }
mn_qs *mn_page_qs(const mn_page *page) { return page->qs; }

int mn_page_eval(mn_page *page, mn_err *err)
{
    if (!page->evaluated) {
        page->evaluated = true;
        if (page->qs)
            mn_qs_eval(page->qs, &page->err);
    }
    if (page->err.code && err)
        *err = page->err;
    return page->err.code;
}

size_t mn_page_len(mn_page *page)
{
    if (page->qs)
        return mn_page_eval(page, NULL) ? 0 : mn_qs_len(page->qs);
    return (size_t)(page->top - page->bottom);
}

void *mn_page_at(mn_page *page, size_t i)
{
    if (i >= mn_page_len(page))
        return NULL;
    if (page->qs)
        return mn_qs_at(page->qs, i);
    return mn_list_at(page->p->list, (size_t)page->bottom + i);
}

mn_value mn_page_object_list(mn_page *page)
{
    if (page->qs) {
        mn_value v;
        mn_list *l = NULL;
        if (mn_page_eval(page, NULL) || mn_qs_to_value(page->qs, &v, &page->err))
            return mn_value_null();
        if (v.type != MN_VALUE_OBJECT || !v.u.obj.type->to_list ||
            v.u.obj.type->to_list(v.u.obj.ptr, page->p->arena, &l))
            return mn_value_null();
        return mn_value_list(l);
    }
    mn_list *l = mn_list_new(page->p->arena, (size_t)(page->top - page->bottom));
    for (int64_t i = page->bottom; l && i < page->top; i++)
        if (mn_list_push(l, mn_list_get(page->p->list, (size_t)i)))
            l = NULL;
    return l ? mn_value_list(l) : mn_value_null();
}

static int64_t pages_of(const mn_page *page)
{
    return mn_paginator_num_pages(page->p, NULL); /* counted when the page was made */
}

bool mn_page_has_next(const mn_page *page) { return page->number < pages_of(page); }
bool mn_page_has_previous(const mn_page *page) { return page->number > 1; }
bool mn_page_has_other_pages(const mn_page *page)
{
    return mn_page_has_next(page) || mn_page_has_previous(page);
}

int mn_page_next_page_number(const mn_page *page, int64_t *out, mn_err *err)
{
    return mn_paginator_validate(page->p, mn_value_int(page->number + 1), out, err);
}

int mn_page_previous_page_number(const mn_page *page, int64_t *out, mn_err *err)
{
    return mn_paginator_validate(page->p, mn_value_int(page->number - 1), out, err);
}

int64_t mn_page_start_index(const mn_page *page)
{
    if (page->p->count == 0)
        return 0;
    return page->p->per_page * (page->number - 1) + 1;
}

int64_t mn_page_end_index(const mn_page *page)
{
    if (page->number == pages_of(page))
        return page->p->count;
    return page->number * page->p->per_page;
}

/* ---- template values ---- */

static int paginator_attr(const void *obj, mn_str name, mn_arena *arena, mn_value *out)
{
    mn_paginator *p = (mn_paginator *)obj;
    (void)arena;
    mn_err err = { 0 };
    if (mn_str_eq_cstr(name, "count")) {
        int64_t n = mn_paginator_count(p, &err);
        if (n < 0)
            return (int)n;
        *out = mn_value_int(n);
    } else if (mn_str_eq_cstr(name, "num_pages")) {
        int64_t n = mn_paginator_num_pages(p, &err);
        if (n < 0)
            return (int)n;
        *out = mn_value_int(n);
    } else if (mn_str_eq_cstr(name, "page_range")) {
        mn_list *l = mn_paginator_page_range(p, &err);
        if (!l)
            return err.code ? err.code : MN_ENOMEM;
        *out = mn_value_list(l);
    } else if (mn_str_eq_cstr(name, "per_page")) {
        *out = mn_value_int(p->per_page);
    } else if (mn_str_eq_cstr(name, "orphans")) {
        *out = mn_value_int(p->orphans);
    } else if (mn_str_eq_cstr(name, "allow_empty_first_page")) {
        *out = mn_value_bool(p->allow_empty_first_page);
    } else {
        return MN_ENOTFOUND;
    }
    return MN_OK;
}

static const mn_type paginator_type = { .name = "Paginator", .get_attr = paginator_attr };

mn_value mn_paginator_value(mn_paginator *p) { return mn_value_object(&paginator_type, p); }

static int page_attr(const void *obj, mn_str name, mn_arena *arena, mn_value *out)
{
    mn_page *page = (mn_page *)obj;
    (void)arena;
    int64_t n;
    if (mn_str_eq_cstr(name, "number")) {
        *out = mn_value_int(page->number);
    } else if (mn_str_eq_cstr(name, "paginator")) {
        *out = mn_paginator_value(page->p);
    } else if (mn_str_eq_cstr(name, "object_list")) {
        *out = mn_page_object_list(page);
        if (page->err.code)
            return page->err.code;
    } else if (mn_str_eq_cstr(name, "has_next")) {
        *out = mn_value_bool(mn_page_has_next(page));
    } else if (mn_str_eq_cstr(name, "has_previous")) {
        *out = mn_value_bool(mn_page_has_previous(page));
    } else if (mn_str_eq_cstr(name, "has_other_pages")) {
        *out = mn_value_bool(mn_page_has_other_pages(page));
    } else if (mn_str_eq_cstr(name, "next_page_number")) {
        *out = mn_page_next_page_number(page, &n, NULL) ? mn_value_null() : mn_value_int(n);
    } else if (mn_str_eq_cstr(name, "previous_page_number")) {
        *out = mn_page_previous_page_number(page, &n, NULL) ? mn_value_null() : mn_value_int(n);
    } else if (mn_str_eq_cstr(name, "start_index")) {
        *out = mn_value_int(mn_page_start_index(page));
    } else if (mn_str_eq_cstr(name, "end_index")) {
        *out = mn_value_int(mn_page_end_index(page));
    } else if (mn_str_eq_cstr(name, "elided_page_range")) {
        mn_err err = { 0 };
        mn_list *l = mn_paginator_elided_range(page->p, page->number, 3, 2, &err);
        if (!l)
            return err.code ? err.code : MN_ENOMEM;
        *out = mn_value_list(l);
    } else {
        return MN_ENOTFOUND;
    }
    return MN_OK;
}

static int page_str(const void *obj, mn_buf *out)
{
    const mn_page *page = obj;
    return mn_buf_printf(out, "<Page %lld of %lld>", (long long)page->number, (long long)pages_of(page));
}

static int page_list(const void *obj, mn_arena *arena, mn_list **out)
{
    mn_page *page = (mn_page *)obj;
    (void)arena;
    mn_value v = mn_page_object_list(page);
    if (v.type != MN_VALUE_LIST)
        return page->err.code ? page->err.code : MN_ENOMEM;
    *out = v.u.list;
    return MN_OK;
}

static bool page_truthy(const void *obj) { return mn_page_len((mn_page *)obj) > 0; }

static const mn_type page_type = { .name = "Page", .get_attr = page_attr, .to_str = page_str,
                                   .to_list = page_list, .truthy = page_truthy };

mn_value mn_page_value(mn_page *page) { return mn_value_object(&page_type, page); }
