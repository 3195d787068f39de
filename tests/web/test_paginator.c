/* Paginator and Page, compared with Django 3.2's django.core.paginator
 * (expected values printed by python3-django for the same inputs). */
#include <criterion/criterion.h>
#include <string.h>
#include <manouche.h>

static mn_arena *arena;

static void setup(void) { arena = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(arena); }

TestSuite(paginator, .init = setup, .fini = teardown);

static mn_paginator *numbers(int64_t n, int64_t per_page, int64_t orphans, bool allow_empty)
{
    mn_list *l = mn_list_new(arena, (size_t)n);
    for (int64_t i = 1; i <= n; i++)
        cr_assert_eq(mn_list_push(l, mn_value_int(i)), MN_OK);
    mn_paginator_options o = { .orphans = orphans, .disallow_empty_first_page = !allow_empty };
    mn_err err = { 0 };
    mn_paginator *p = mn_paginator_from_list(arena, l, per_page, &o, &err);
    cr_assert(p, "%s", err.msg);
    return p;
}

/* page(number) gives (number, start_index, end_index, first object) or the
 * error message. */
static void expect_page(mn_paginator *p, mn_value number, int64_t num, int64_t start, int64_t end,
                        int64_t first)
{
    mn_err err = { 0 };
    mn_page *pg = mn_paginator_page(p, number, &err);
    cr_assert(pg, "page: %s", err.msg);
    cr_expect_eq(mn_page_number(pg), num);
    cr_expect_eq(mn_page_start_index(pg), start, "start_index %lld", (long long)mn_page_start_index(pg));
    cr_expect_eq(mn_page_end_index(pg), end, "end_index %lld", (long long)mn_page_end_index(pg));
    if (first) {
        mn_value *v = mn_page_at(pg, 0);
        cr_assert(v);
        cr_expect_eq(v->u.i, first);
        cr_expect_eq((int64_t)mn_page_len(pg), end - start + 1);
    } else {
        cr_expect_eq(mn_page_len(pg), 0);
        cr_expect_null(mn_page_at(pg, 0));
    }
}

static void expect_error(mn_paginator *p, mn_value number, int code, const char *msg)
{
    mn_err err = { 0 };
    cr_expect_null(mn_paginator_page(p, number, &err));
    cr_expect_eq(err.code, code, "code %d for %s", err.code, err.msg);
    cr_expect_str_eq(err.msg, msg);
}

#define NOT_INT "That page number is not an integer"
#define LESS "That page number is less than 1"
#define EMPTY "That page contains no results"

Test(paginator, counts_and_ranges)
{
    /* (count, per_page, orphans) -> num_pages, from Django */
    static const struct { int64_t n, per, orph; int64_t pages; } cases[] = {
        { 0, 10, 0, 1 }, { 1, 10, 0, 1 }, { 10, 10, 0, 1 }, { 11, 10, 0, 2 }, { 11, 10, 1, 1 },
        { 12, 10, 1, 2 }, { 200, 25, 0, 8 }, { 23, 10, 3, 2 }, { 24, 10, 3, 3 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mn_paginator *p = numbers(cases[i].n, cases[i].per, cases[i].orph, true);
        mn_err err = { 0 };
        cr_expect_eq(mn_paginator_count(p, &err), cases[i].n);
        cr_expect_eq(mn_paginator_num_pages(p, &err), cases[i].pages, "case %zu", i);
        mn_list *r = mn_paginator_page_range(p, &err);
        cr_assert(r);
        cr_expect_eq((int64_t)mn_list_len(r), cases[i].pages);
        cr_expect_eq(mn_list_get(r, 0).u.i, 1);
    }
    mn_err err = { 0 };
    cr_expect_eq(mn_paginator_num_pages(numbers(0, 10, 0, false), &err), 0);
    cr_expect_eq(mn_list_len(mn_paginator_page_range(numbers(0, 10, 0, false), &err)), 0);
}

Test(paginator, page_numbers_like_django)
{
    mn_paginator *p = numbers(11, 10, 0, true);
    expect_page(p, mn_value_int(1), 1, 1, 10, 1);
    expect_page(p, mn_value_int(2), 2, 11, 11, 11);
    expect_page(p, mn_value_cstr("2"), 2, 11, 11, 11);
    expect_page(p, mn_value_cstr(" 2 "), 2, 11, 11, 11);
    expect_page(p, mn_value_float(2.0), 2, 11, 11, 11);
    expect_error(p, mn_value_int(3), MN_EMPTY_PAGE, EMPTY);
    expect_error(p, mn_value_int(0), MN_EMPTY_PAGE, LESS);
    expect_error(p, mn_value_int(-1), MN_EMPTY_PAGE, LESS);
    expect_error(p, mn_value_cstr("x"), MN_PAGE_NOT_AN_INTEGER, NOT_INT);
    expect_error(p, mn_value_cstr(""), MN_PAGE_NOT_AN_INTEGER, NOT_INT);
    expect_error(p, mn_value_null(), MN_PAGE_NOT_AN_INTEGER, NOT_INT);
    expect_error(p, mn_value_cstr("1.0"), MN_PAGE_NOT_AN_INTEGER, NOT_INT);
    expect_error(p, mn_value_float(2.5), MN_PAGE_NOT_AN_INTEGER, NOT_INT);
    expect_error(p, mn_value_cstr("99999999999999999999999"), MN_EMPTY_PAGE, EMPTY);
    expect_error(p, mn_value_cstr("-99999999999999999999999"), MN_EMPTY_PAGE, LESS);
    expect_error(p, mn_value_cstr("9999999999999999999x"), MN_PAGE_NOT_AN_INTEGER, NOT_INT);
}

Test(paginator, orphans)
{
    mn_paginator *p = numbers(11, 10, 1, true);
    expect_page(p, mn_value_int(1), 1, 1, 11, 1);
    expect_error(p, mn_value_int(2), MN_EMPTY_PAGE, EMPTY);
    p = numbers(24, 10, 3, true);
    expect_page(p, mn_value_int(2), 2, 11, 20, 11);
    expect_page(p, mn_value_int(3), 3, 21, 24, 21);
    p = numbers(23, 10, 3, true);
    expect_page(p, mn_value_int(2), 2, 11, 23, 11);
}

Test(paginator, empty_lists)
{
    mn_paginator *p = numbers(0, 10, 0, true);
    expect_page(p, mn_value_int(1), 1, 0, 0, 0);
    expect_error(p, mn_value_int(2), MN_EMPTY_PAGE, EMPTY);
    mn_err err = { 0 };
    mn_page *pg = mn_paginator_page_n(p, 1, &err);
    cr_expect_not(mn_page_has_next(pg));
    cr_expect_not(mn_page_has_previous(pg));
    cr_expect_not(mn_page_has_other_pages(pg));
    cr_expect_not(mn_value_truthy(mn_page_value(pg)));

    p = numbers(0, 10, 0, false);
    expect_error(p, mn_value_int(1), MN_EMPTY_PAGE, EMPTY);
    /* get_page cannot help either: Django raises EmptyPage. */
    cr_expect_null(mn_paginator_get_page(p, mn_value_cstr("x"), &err));
    cr_expect_str_eq(err.msg, EMPTY);
    mn_err_clear(&err);
    cr_expect_null(mn_paginator_get_page(p, mn_value_int(999), &err));
    cr_expect_str_eq(err.msg, LESS);
}

Test(paginator, get_page_falls_back)
{
    mn_paginator *p = numbers(200, 25, 0, true);
    mn_err err = { 0 };
    cr_expect_eq(mn_page_number(mn_paginator_get_page(p, mn_value_cstr("x"), &err)), 1);
    cr_expect_eq(mn_page_number(mn_paginator_get_page(p, mn_value_null(), &err)), 1);
    cr_expect_eq(mn_page_number(mn_paginator_get_page(p, mn_value_int(0), &err)), 8);
    cr_expect_eq(mn_page_number(mn_paginator_get_page(p, mn_value_cstr("999"), &err)), 8);
    cr_expect_eq(mn_page_number(mn_paginator_get_page(p, mn_value_cstr("3"), &err)), 3);
    cr_expect_eq(err.code, 0);
}

Test(paginator, neighbours)
{
    mn_paginator *p = numbers(200, 25, 0, true);
    mn_err err = { 0 };
    mn_page *pg = mn_paginator_page_n(p, 2, &err);
    int64_t n = 0;
    cr_expect(mn_page_has_next(pg) && mn_page_has_previous(pg) && mn_page_has_other_pages(pg));
    cr_expect_eq(mn_page_next_page_number(pg, &n, &err), MN_OK);
    cr_expect_eq(n, 3);
    cr_expect_eq(mn_page_previous_page_number(pg, &n, &err), MN_OK);
    cr_expect_eq(n, 1);
    pg = mn_paginator_page_n(p, 1, &err);
    cr_expect_eq(mn_page_previous_page_number(pg, &n, &err), MN_EMPTY_PAGE);
    cr_expect_str_eq(err.msg, LESS);
    pg = mn_paginator_page_n(p, 8, &err);
    mn_err_clear(&err);
    cr_expect_eq(mn_page_next_page_number(pg, &n, &err), MN_EMPTY_PAGE);
    cr_expect_str_eq(err.msg, EMPTY);
}

static void expect_elided(mn_paginator *p, int64_t number, int64_t each, int64_t ends, const char *want)
{
    mn_err err = { 0 };
    mn_list *l = mn_paginator_elided_range(p, number, each, ends, &err);
    cr_assert(l, "%s", err.msg);
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn_value_to_str(mn_value_list(l), &b);
    cr_expect(mn_str_eq_cstr(mn_buf_str(&b), want), "elided(%lld): %.*s", (long long)number,
              MN_STR_FMT(mn_buf_str(&b)));
}

Test(paginator, elided_page_range)
{
    mn_paginator *p = numbers(1000, 10, 0, true);
    expect_elided(p, 1, 3, 2, "[1, 2, 3, 4, '\xe2\x80\xa6', 99, 100]");
    expect_elided(p, 5, 3, 2, "[1, 2, 3, 4, 5, 6, 7, 8, '\xe2\x80\xa6', 99, 100]");
    expect_elided(p, 7, 3, 2, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, '\xe2\x80\xa6', 99, 100]");
    expect_elided(p, 50, 3, 2, "[1, 2, '\xe2\x80\xa6', 47, 48, 49, 50, 51, 52, 53, '\xe2\x80\xa6', 99, 100]");
    expect_elided(p, 94, 3, 2, "[1, 2, '\xe2\x80\xa6', 91, 92, 93, 94, 95, 96, 97, 98, 99, 100]");
    expect_elided(p, 100, 3, 2, "[1, 2, '\xe2\x80\xa6', 97, 98, 99, 100]");
    p = numbers(100, 10, 0, true);
    expect_elided(p, 5, 3, 2, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]");
    expect_elided(p, 5, 1, 1, "[1, '\xe2\x80\xa6', 4, 5, 6, '\xe2\x80\xa6', 10]");
    expect_elided(p, 1, 1, 1, "[1, 2, '\xe2\x80\xa6', 10]");
    expect_elided(p, 10, 1, 1, "[1, '\xe2\x80\xa6', 9, 10]");
    mn_err err = { 0 };
    cr_expect_null(mn_paginator_elided_range(p, 11, 3, 2, &err));
    cr_expect_str_eq(err.msg, EMPTY);
}

Test(paginator, bad_construction)
{
    mn_err err = { 0 };
    mn_list *l = mn_list_new(arena, 0);
    cr_expect_null(mn_paginator_from_list(arena, l, 0, NULL, &err));
    cr_expect_eq(err.code, MN_EINVAL);
    mn_err_clear(&err);
    cr_expect_null(mn_paginator_from_list(arena, NULL, 10, NULL, &err));
    cr_expect_eq(err.code, MN_EINVAL);
    mn_err_clear(&err);
    mn_paginator_options o = { .orphans = -1 };
    cr_expect_null(mn_paginator_from_list(arena, l, 10, &o, &err));
    cr_expect_eq(err.code, MN_EINVAL);
}

/* ---- over a QuerySet ---- */

typedef struct item {
    mn_obj mn;
    int64_t id;
    int32_t rank;
} item;

static const mn_field item_fields[] = {
    MN_FIELD_BIGAUTO(item, id),
    MN_FIELD_INT(item, rank),
    MN_FIELD_END,
};
static mn_model item_model = MN_MODEL(item, "pag", "Item", item_fields, .meta = { .ordering = MN_NAMES("rank") });

static mn_db *open_items(int n)
{
    mn_err err = { 0 };
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(MN_STR("sqlite://:memory:"), arena, &cfg, &err), MN_OK);
    mn_db *db = mn_db_open(&cfg, &err);
    cr_assert(db, "%s", err.msg);
    mn_orm_use(db);
    cr_assert_eq(mn_model_create_table(&item_model, db, &err), MN_OK, "%s", err.msg);
    for (int i = n; i >= 1; i--)
        cr_assert(mn_model_create(&item_model, arena, &err, "rank", mn_value_int(i), NULL), "%s", err.msg);
    return db;
}

Test(paginator, queryset_counts_once_and_slices)
{
    mn_db *db = open_items(53);
    mn_err err = { 0 };
    mn_db_log_enable(db, true);
    mn_paginator *p = mn_paginator_new(arena, mn_qs_all(&item_model, arena), 25, NULL, &err);
    cr_assert(p, "%s", err.msg);
    mn_page *pg = mn_paginator_get_page(p, mn_value_cstr("3"), &err);
    cr_assert(pg, "%s", err.msg);
    cr_expect_eq(mn_page_number(pg), 3);
    cr_expect_eq(mn_page_len(pg), 3);
    item *it = mn_page_at(pg, 0);
    cr_assert(it);
    cr_expect_eq(it->rank, 51);
    cr_expect_eq(mn_page_start_index(pg), 51);
    cr_expect_eq(mn_page_end_index(pg), 53);
    cr_expect(mn_page_has_previous(pg) && !mn_page_has_next(pg));
    /* One COUNT and one SELECT with LIMIT/OFFSET. */
    cr_expect_eq(mn_db_log_count(db), 2, "%zu queries", mn_db_log_count(db));
    cr_expect(strstr(mn_db_log_entry(db, 0)->sql, "COUNT("));
    cr_expect(strstr(mn_db_log_entry(db, 1)->sql, "LIMIT"));
    mn_page *last = mn_paginator_get_page(p, mn_value_int(99), &err);
    cr_expect_eq(mn_page_number(last), 3);
    cr_expect_eq(mn_db_log_count(db), 2, "the count is cached");
    mn_orm_use(NULL);
    mn_db_close(db);
}

Test(paginator, in_templates)
{
    mn_db *db = open_items(60);
    mn_err err = { 0 };
    mn_paginator *p = mn_paginator_new(arena, mn_qs_all(&item_model, arena), 25, NULL, &err);
    mn_page *pg = mn_paginator_get_page(p, mn_value_cstr("2"), &err);
    cr_assert(pg, "%s", err.msg);
    mn_template_engine *e = mn_template_engine_new(NULL);
    const char *src =
        "{% for i in page_obj %}{{ i.rank }}{% if not forloop.last %},{% endif %}{% endfor %}|"
        "{% if page_obj.has_previous %}<a href=\"?page={{ page_obj.previous_page_number }}\">prev</a>{% endif %}"
        "Page {{ page_obj.number }} of {{ page_obj.paginator.num_pages }}"
        "{% if page_obj.has_next %}<a href=\"?page={{ page_obj.next_page_number }}\">next</a>{% endif %}|"
        "{{ page_obj.start_index }}-{{ page_obj.end_index }} of {{ page_obj.paginator.count }}|"
        "{{ page_obj.paginator.page_range|join:',' }}|{{ page_obj }}|{{ page_obj.object_list|length }}|"
        "{{ page_obj.elided_page_range|length }}";
    mn_template *t = mn_template_engine_from_string(e, mn_str_from(src), NULL, &err);
    cr_assert(t, "%s", err.msg);
    mn_map *vars = mn_map_new(arena, 1);
    mn_map_set_cstr(vars, "page_obj", mn_page_value(pg));
    mn_template_context *ctx = mn_template_context_new(e, arena, vars);
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    cr_assert_eq(mn_template_render(t, ctx, &b, &err), MN_OK, "%s", err.msg);
    const char *want = "26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50|"
                       "<a href=\"?page=1\">prev</a>Page 2 of 3<a href=\"?page=3\">next</a>|"
                       "26-50 of 60|1,2,3|&lt;Page 2 of 3&gt;|25|3";
    cr_expect(mn_str_eq_cstr(mn_buf_str(&b), want), "got %.*s", MN_STR_FMT(mn_buf_str(&b)));
    mn_template_engine_free(e);
    mn_orm_use(NULL);
    mn_db_close(db);
}

static char warned[512];
static void capture(void *ctx, const mn_log_record *rec)
{
    (void)ctx;
    if (rec->level == MN_LOG_WARNING)
        snprintf(warned, sizeof warned, "%.*s", MN_STR_FMT(rec->msg));
}

Test(paginator, unordered_queryset_warns)
{
    mn_db *db = open_items(3);
    mn_err err = { 0 };
    mn_log_set_capture(capture, NULL);
    /* ordered by Meta.ordering: quiet */
    cr_assert(mn_paginator_new(arena, mn_qs_all(&item_model, arena), 2, NULL, &err));
    cr_expect_str_eq(warned, "");
    /* order_by() with no names clears the ordering: Django's UnorderedObjectListWarning */
    cr_assert(mn_paginator_new(arena, mn_qs_order_by(mn_qs_all(&item_model, arena), NULL), 2, NULL, &err));
    cr_expect_str_eq(warned, "Pagination may yield inconsistent results with an unordered object_list: "
                             "<class 'pag.Item'> QuerySet.");
    mn_log_set_capture(NULL, NULL);
    mn_orm_use(NULL);
    mn_db_close(db);
}
