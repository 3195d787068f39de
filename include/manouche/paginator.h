/* Manouche: pagination (django.core.paginator).
 *
 *     mn_paginator *p = mn_paginator_new(arena, products_qs, 25, NULL);
 *     mn_page *page = mn_paginator_get_page(p, mn_value_str(page_param), &err);
 *     ... mn_page_len(page), mn_page_at(page, i) ...
 *     mn_map_set_cstr(ctx, "page_obj", mn_page_value(page));
 *
 * A paginator works over a QuerySet (one COUNT query, then one query per
 * page with LIMIT/OFFSET) or over an mn_list. Numbers and messages are
 * Django's: page() refuses a number that is not an integer
 * (PageNotAnInteger, "That page number is not an integer") with
 * MN_PAGE_NOT_AN_INTEGER, and one out of range (EmptyPage, "That page
 * number is less than 1", "That page contains no results") with
 * MN_EMPTY_PAGE; get_page() turns those into the first and the last page.
 *
 * In templates a page is what Django's is: {% for p in page_obj %},
 * page_obj.has_next, page_obj.next_page_number, page_obj.number,
 * page_obj.paginator.num_pages, page_obj.paginator.page_range,
 * page_obj.start_index... plus page_obj.elided_page_range (Django's
 * paginator.get_elided_page_range(page_obj.number), which templates cannot
 * call with an argument). next_page_number and previous_page_number are
 * None in templates where Django would raise EmptyPage.
 *
 * Everything lives in the arena given to mn_paginator_new (the request's).
 * A paginator and its pages belong to one thread. */
#ifndef MANOUCHE_PAGINATOR_H
#define MANOUCHE_PAGINATOR_H

#include <stdbool.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/error.h"
#include "manouche/queryset.h"
#include "manouche/value.h"

/* PageNotAnInteger and EmptyPage (both InvalidPage in Django). */
#define MN_PAGE_NOT_AN_INTEGER MN_EINVAL
#define MN_EMPTY_PAGE MN_ERANGE

typedef struct mn_paginator mn_paginator;
typedef struct mn_page mn_page;

/* Paginator(object_list, per_page, orphans=0, allow_empty_first_page=True).
 * Zero-initialised options are Django's defaults. */
typedef struct mn_paginator_options {
    int64_t orphans;             /* a last page this short joins the previous one */
    bool disallow_empty_first_page; /* allow_empty_first_page=False */
} mn_paginator_options;

/* A paginator over qs (borrowed; counted with mn_qs_count and sliced per
 * page). per_page below 1 is refused (NULL with err, as Django's division
 * would fail). opts may be NULL. An unordered QuerySet logs Django's
 * UnorderedObjectListWarning ("Pagination may yield inconsistent results
 * with an unordered object_list: <Product> QuerySet."). NULL when the arena
 * is exhausted. */
mn_paginator *mn_paginator_new(mn_arena *arena, mn_qs *qs, int64_t per_page,
                               const mn_paginator_options *opts, mn_err *err);
/* A paginator over a list of values (borrowed). */
mn_paginator *mn_paginator_from_list(mn_arena *arena, mn_list *list, int64_t per_page,
                                     const mn_paginator_options *opts, mn_err *err);

/* paginator.count: the number of objects (one COUNT query, cached).
 * Negative code with err on a database error. */
int64_t mn_paginator_count(mn_paginator *p, mn_err *err);
/* paginator.num_pages (0 only when empty and the empty first page is
 * disallowed). Negative code on a database error. */
int64_t mn_paginator_num_pages(mn_paginator *p, mn_err *err);
/* paginator.page_range: 1..num_pages as a list of ints (arena). NULL on
 * error. */
mn_list *mn_paginator_page_range(mn_paginator *p, mn_err *err);
/* paginator.get_elided_page_range(number, on_each_side=3, on_ends=2): ints
 * and the string "…" (Paginator.ELLIPSIS) where pages are left out. number
 * is validated like page(). NULL with err on a bad number. */
mn_list *mn_paginator_elided_range(mn_paginator *p, int64_t number, int64_t on_each_side,
                                   int64_t on_ends, mn_err *err);
int64_t mn_paginator_per_page(const mn_paginator *p);

/* validate_number(): *out the page number given as an int, a float with an
 * integral value, a decimal or a string holding a base-10 integer (what
 * request.GET gives). Returns MN_OK, MN_PAGE_NOT_AN_INTEGER ("That page
 * number is not an integer") or MN_EMPTY_PAGE ("That page number is less
 * than 1" / "That page contains no results"), or a database error. */
int mn_paginator_validate(mn_paginator *p, mn_value number, int64_t *out, mn_err *err);
/* page(number): the page, or NULL with one of validate's errors in err. */
mn_page *mn_paginator_page(mn_paginator *p, mn_value number, mn_err *err);
/* page(n) for a C integer. */
mn_page *mn_paginator_page_n(mn_paginator *p, int64_t number, mn_err *err);
/* get_page(number): as page(), but a number that is not an integer gives
 * page 1 and one out of range the last page. NULL only on a database error
 * or when the arena is exhausted (err set). */
mn_page *mn_paginator_get_page(mn_paginator *p, mn_value number, mn_err *err);
/* The paginator as a template value (count, num_pages, page_range,
 * per_page, orphans, allow_empty_first_page). */
mn_value mn_paginator_value(mn_paginator *p);

/* ---- pages ---- */

/* page.number and page.paginator. */
int64_t mn_page_number(const mn_page *page);
mn_paginator *mn_page_paginator(const mn_page *page);
/* len(page), evaluating its slice on first use (0 on a database error,
 * reported by mn_page_eval). */
size_t mn_page_len(mn_page *page);
/* Runs the page's query now. MN_OK or the database error. */
int mn_page_eval(mn_page *page, mn_err *err);
/* page[i]: for a QuerySet paginator the instance (model struct pointer),
 * for a list paginator a pointer to the value; NULL out of range. */
void *mn_page_at(mn_page *page, size_t i);
/* page.object_list: the sliced QuerySet (NULL for a list paginator). */
mn_qs *mn_page_qs(const mn_page *page);
/* page.object_list as a value: a list of instance objects or of the
 * paginated values. null on error. */
mn_value mn_page_object_list(mn_page *page);
bool mn_page_has_next(const mn_page *page);
bool mn_page_has_previous(const mn_page *page);
bool mn_page_has_other_pages(const mn_page *page);
/* next_page_number() / previous_page_number(): MN_OK and *out, or
 * MN_EMPTY_PAGE with Django's message when there is none. */
int mn_page_next_page_number(const mn_page *page, int64_t *out, mn_err *err);
int mn_page_previous_page_number(const mn_page *page, int64_t *out, mn_err *err);
/* start_index() / end_index(): 1-based indexes of the page's first and
 * last objects (0 and 0 on an empty first page). */
int64_t mn_page_start_index(const mn_page *page);
int64_t mn_page_end_index(const mn_page *page);
/* The page as a template value: iterable, false when empty, str() is
 * "<Page 2 of 8>", attributes as listed at the top. */
mn_value mn_page_value(mn_page *page);

#endif
