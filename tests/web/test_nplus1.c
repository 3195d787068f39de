/* N+1 detection: the tracker on its own, then through a site in DEBUG
 * (warning), with NPLUS1_RAISE (a 500 explaining it), without DEBUG (off),
 * and under the test client. */
#include "web_test.h"

typedef struct cat {
    mn_obj mn;
    int64_t id;
    mn_str name;
} cat;
static const mn_field cat_fields[] = {
    MN_FIELD_BIGAUTO(cat, id),
    MN_FIELD_CHAR(cat, name, .max_length = 50),
    MN_FIELD_END,
};
static mn_model cat_model = MN_MODEL(cat, "shop", "Category", cat_fields);

typedef struct prod {
    mn_obj mn;
    int64_t id;
    mn_str name;
    int64_t category;
} prod;
static const mn_field prod_fields[] = {
    MN_FIELD_BIGAUTO(prod, id),
    MN_FIELD_CHAR(prod, name, .max_length = 50),
    MN_FIELD_FOREIGNKEY(prod, category, cat_model),
    MN_FIELD_END,
};
static mn_model prod_model = MN_MODEL(prod, "shop", "Product", prod_fields, .meta = { .ordering = MN_NAMES("id") });

static mn_arena *arena;
static mn_db *db;
static mn_settings settings;
static mn_site *site;

/* What the relations layer does for product.category without select_related. */
static cat *lazy_category(prod *p, mn_arena *a, bool named)
{
    mn_err err = { 0 };
    if (named)
        mn_nplus1_lazy_load("product.category", false);
    return mn_qs_get(mn_qs_filter(mn_qs_all(&cat_model, a), "pk", mn_value_int(p->category)), &err);
}

static mn_response *list(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    mn_qs *qs = mn_qs_all(&prod_model, a);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    bool named = !mn_querydict_has(mn_request_query(req), "anonymous");
    for (size_t i = 0; i < mn_qs_len(qs); i++) {
        prod *p = mn_qs_at(qs, i);
        cat *c = lazy_category(p, a, named);
        mn_buf_printf(&b, "%.*s (%.*s)\n", MN_STR_FMT(p->name), MN_STR_FMT(c->name));
    }
    return mn_response_text(req, 200, "text/plain", mn_buf_str(&b));
}

static mn_response *few(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    mn_qs *qs = mn_qs_slice(mn_qs_all(&prod_model, a), 0, 4); /* 4 lazy loads: under the threshold */
    for (size_t i = 0; i < mn_qs_len(qs); i++)
        lazy_category(mn_qs_at(qs, i), a, true);
    return mn_response_text(req, 200, "text/plain", MN_STR("ok"));
}

static const mn_url_pattern patterns[] = {
    MN_PATH("products/", list, "list"),
    MN_PATH("few/", few, "few"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

static int warnings;
static char last_warning[2048];
static void capture(void *ctx, const mn_log_record *rec)
{
    (void)ctx;
    if (rec->level == MN_LOG_WARNING && !strcmp(rec->logger, "manouche.nplus1")) {
        warnings++;
        snprintf(last_warning, sizeof last_warning, "%.*s", MN_STR_FMT(rec->msg));
    }
}

static void setup(void)
{
    arena = mn_arena_new("test", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(MN_STR("sqlite://:memory:"), arena, &cfg, &err), MN_OK);
    db = mn_db_open(&cfg, &err);
    cr_assert(db, "%s", err.msg);
    mn_orm_use(db);
    cr_assert_eq(mn_model_create_table(&cat_model, db, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_model_create_table(&prod_model, db, &err), MN_OK, "%s", err.msg);
    cat *c1 = mn_model_create(&cat_model, arena, &err, "name", mn_value_cstr("Coffee"), NULL);
    cat *c2 = mn_model_create(&cat_model, arena, &err, "name", mn_value_cstr("Tea"), NULL);
    for (int i = 0; i < 8; i++) {
        char name[16];
        snprintf(name, sizeof name, "item %d", i);
        cr_assert(mn_model_create(&prod_model, arena, &err, "name", mn_value_cstr(name), "category",
                                  mn_value_int(i % 2 ? c2->id : c1->id), NULL), "%s", err.msg);
    }
    settings = mn_settings_defaults();
    settings.DEBUG = true;
    mn_site_config c = { .settings = &settings, .urlconf = &urls };
    site = mn_site_new(&c, &err);
    cr_assert(site, "%s", err.msg);
    warnings = 0;
    last_warning[0] = 0;
    mn_log_set_capture(capture, NULL);
}

static void teardown(void)
{
    mn_log_set_capture(NULL, NULL);
    mn_site_free(site);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(arena);
}

TestSuite(nplus1, .init = setup, .fini = teardown);

Test(nplus1, tracker_counts_shapes)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_nplus1_tracker *t = mn_nplus1_start(a, 3);
    cr_assert(t);
    mn_qs *qs = mn_qs_all(&prod_model, a);
    for (size_t i = 0; i < mn_qs_len(qs); i++)
        lazy_category(mn_qs_at(qs, i), a, true);
    mn_err err = { 0 };
    mn_qs_count(mn_qs_all(&cat_model, a), &err);
    mn_model_create(&cat_model, a, &err, "name", mn_value_cstr("not a SELECT"), NULL);
    mn_nplus1_stop(t);
    lazy_category(mn_qs_at(qs, 0), a, true); /* after stop: not counted */
    cr_expect_eq(mn_nplus1_queries(t), 10, "%zu", mn_nplus1_queries(t));
    const mn_nplus1_finding *f;
    cr_assert_eq(mn_nplus1_findings(t, &f), 1);
    cr_expect_eq(f[0].count, 8);
    cr_expect_str_eq(f[0].table, "shop_category");
    cr_expect_str_eq(f[0].relation, "product.category");
    cr_expect_not(f[0].many);
    const char *msg = mn_nplus1_message(t);
    cr_assert(msg);
    cr_expect(strstr(msg, "N+1 queries: 8 runs of one query on \"shop_category\" while loading product.category "
                          "lazily, in one request. Load the relation with the list: "
                          ".select_related(\"category\") on the QuerySet. Query: SELECT "),
              "%s", msg);
    mn_arena_free(a); /* also stops a tracker left running */
}

Test(nplus1, many_valued_and_unnamed)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_nplus1_tracker *t = mn_nplus1_start(a, 0); /* default threshold */
    mn_err err = { 0 };
    for (int i = 0; i < 4; i++)
        mn_qs_count(mn_qs_all(&cat_model, a), &err);
    cr_expect_null(mn_nplus1_message(t), "4 runs stay under the default of 5");
    mn_qs_count(mn_qs_all(&cat_model, a), &err);
    const char *msg = mn_nplus1_message(t);
    cr_assert(msg);
    cr_expect(strstr(msg, "prefetch_related() for many-to-many"), "%s", msg);
    for (int i = 0; i < 5; i++) {
        mn_nplus1_lazy_load("category.products", true);
        mn_qs_len(mn_qs_filter(mn_qs_all(&prod_model, a), "category", mn_value_int(i)));
    }
    msg = mn_nplus1_message(t);
    cr_expect(strstr(msg, "while loading category.products lazily"), "%s", msg);
    cr_expect(strstr(msg, ".prefetch_related(\"products\")"), "%s", msg);
    mn_arena_free(a);
}

static void free_arena(void *a) { mn_arena_free(a); }

static mn_response *get(const char *target)
{
    mn_arena *a = mn_arena_new("req", 0);
    mn_request *req = web_request(a, "GET", target, NULL);
    mn_response *r = mn_site_handle(site, req);
    cr_assert(r);
    /* keep the arena alive with the test arena */
    mn_arena_on_cleanup(arena, free_arena, a);
    return r;
}

Test(nplus1, debug_logs_a_warning)
{
    mn_response *r = get("/products/");
    cr_expect_eq(mn_response_status(r), 200);
    cr_expect_eq(warnings, 1);
    cr_expect(strstr(last_warning, "product.category"), "%s", last_warning);
    cr_expect(web_header_is(r, "Server-Timing", "db;dur=") || web_has_header(r, "Server-Timing"));
    mn_str timing = MN_STR("");
    mn_response_header(r, "Server-Timing", &timing);
    cr_expect(mn_str_find(timing, MN_STR(";desc=\"9 queries\""), 0) > 0, "%.*s", MN_STR_FMT(timing));
    r = get("/few/");
    cr_expect_eq(mn_response_status(r), 200);
    cr_expect_eq(warnings, 1, "under the threshold: no warning");
}

Test(nplus1, raise_makes_a_500_page)
{
    settings.NPLUS1_RAISE = true;
    mn_response *r = get("/products/");
    cr_expect_eq(mn_response_status(r), 500);
    cr_expect(web_body_has(r, "N+1 queries: 8 runs of one query"), "the DEBUG page explains");
    cr_expect(web_body_has(r, "select_related(&quot;category&quot;)"));
    r = get("/few/");
    cr_expect_eq(mn_response_status(r), 200);
}

Test(nplus1, off_without_debug_or_by_setting)
{
    settings.DEBUG = false;
    settings.NPLUS1_RAISE = true;
    mn_response *r = get("/products/");
    cr_expect_eq(mn_response_status(r), 200);
    cr_expect_eq(warnings, 0);
    cr_expect_not(web_has_header(r, "Server-Timing"), "only in DEBUG");
    settings.DEBUG = true;
    settings.NPLUS1_THRESHOLD = -1;
    r = get("/products/");
    cr_expect_eq(mn_response_status(r), 200);
    settings.NPLUS1_THRESHOLD = 9;
    r = get("/products/");
    cr_expect_eq(mn_response_status(r), 200, "8 runs under a threshold of 9");
    settings.NPLUS1_THRESHOLD = 8;
    r = get("/products/");
    cr_expect_eq(mn_response_status(r), 500);
}

Test(nplus1, test_client_reports)
{
    settings.DEBUG = false; /* Django's test runner runs with DEBUG off: detection stays on */
    mn_test_client *c = mn_test_client_new(site);
    mn_test_response *r = mn_test_get(c, "/products/?anonymous=1", NULL);
    cr_assert(r);
    cr_expect_eq(r->status, 200);
    mn_err err = { 0 };
    cr_expect_not(mn_test_assert_no_nplus1(r, &err));
    cr_expect(strstr(err.msg, "N+1 queries: 8 runs of one query on \"shop_category\", in one request."), "%s",
              err.msg);
    cr_expect(mn_test_assert_num_queries(r, 9, &err), "%s", err.msg);
    r = mn_test_get(c, "/few/", NULL);
    cr_expect(mn_test_assert_no_nplus1(r, &err), "%s", err.msg);
    settings.NPLUS1_RAISE = true;
    r = mn_test_get(c, "/products/", NULL);
    cr_expect_eq(r->status, 500);
    cr_expect(r->nplus1 && strstr(r->nplus1, "product.category"));
    mn_test_client_free(c);
}
