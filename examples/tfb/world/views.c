/* views.py of the benchmark app: the seven TechEmpower test types written as
 * ordinary views over the ORM, the template engine and the JSON writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include "tfb.h"

/* ---- randomness: one xorshift64* generator per thread, seeded from the
 * kernel, so views take no lock. */

static _Thread_local uint64_t rng_state;

int32_t tfb_random(int32_t n)
{
    if (!rng_state) {
        if (getrandom(&rng_state, sizeof rng_state, 0) != (ssize_t)sizeof rng_state)
            rng_state = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&rng_state;
        rng_state |= 1;
    }
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    uint64_t r = rng_state * 0x2545F4914F6CDD1DULL;
    return (int32_t)((r >> 33) % (uint64_t)n) + 1;
}

/* ---- helpers ---- */

/* ?queries=N (or ?count=N) as the benchmark defines it (Python's int(),
 * then a clamp): missing or not an integer means 1, and the count is
 * clamped to 1..500, integers too large for 64 bits included. */
static size_t clamped_count(mn_request *req, const char *name)
{
    mn_str s;
    int64_t n;
    if (!mn_querydict_get(mn_request_query(req), name, &s))
        return 1;
    s = mn_str_trim(s);
    int rc = mn_str_to_i64(s, &n);
    if (rc == MN_ERANGE)
        return s.len && s.ptr[0] == '-' ? 1 : 500;
    if (rc != MN_OK || n < 1)
        return 1;
    return n > 500 ? 500 : (size_t)n;
}

/* World.objects.get(pk=random id). */
static world *random_world(mn_arena *a, mn_err *err)
{
    mn_qs *qs = mn_qs_filter(mn_qs_all(&world_model, a), "pk", mn_value_int(tfb_random(TFB_WORLD_ROWS)));
    return mn_qs_get(qs, err);
}

static void write_world(mn_json_writer *w, const world *row)
{
    mn_json_write_begin_object(w);
    mn_json_write_key_cstr(w, "id");
    mn_json_write_int(w, row->id);
    mn_json_write_key_cstr(w, "randomNumber");
    mn_json_write_int(w, row->randomnumber);
    mn_json_write_end_object(w);
}

/* A JSON response from a finished writer, or a 500 naming its error. */
static mn_response *json_reply(mn_request *req, mn_json_writer *w, mn_buf *b)
{
    if (mn_json_writer_finish(w, NULL) != MN_OK) {
        mn_err err;
        mn_json_writer_error(w, &err);
        return mn_view_fail(req, "JSON: %s", err.msg);
    }
    return mn_response_json_text(req, 200, mn_buf_str(b));
}

/* N random worlds, one SELECT each. NULL (with err) on a database error. */
static world **random_worlds(mn_arena *a, size_t n, mn_err *err)
{
    world **rows = mn_arena_alloc(a, n * sizeof *rows);
    if (!rows) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!(rows[i] = random_world(a, err)))
            return NULL;
    return rows;
}

static mn_response *worlds_reply(mn_request *req, world **rows, size_t n)
{
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, MN_JSON_COMPACT);
    mn_json_write_begin_array(&w);
    for (size_t i = 0; i < n; i++)
        write_world(&w, rows[i]);
    mn_json_write_end_array(&w);
    return json_reply(req, &w, &b);
}

/* ---- the test types ---- */

mn_response *tfb_plaintext(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_static(req, 200, "text/plain", MN_STR("Hello, World!"));
}

mn_response *tfb_json(mn_request *req, const mn_url_args *args)
{
    (void)args;
    /* Serialized on every request, as the benchmark's rules require. */
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, MN_JSON_COMPACT);
    mn_json_write_begin_object(&w);
    mn_json_write_key_cstr(&w, "message");
    mn_json_write_cstr(&w, "Hello, World!");
    mn_json_write_end_object(&w);
    return json_reply(req, &w, &b);
}

mn_response *tfb_db(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_err err = { 0 };
    world *row = random_world(mn_request_arena(req), &err);
    if (!row)
        return mn_view_fail(req, "World: %s", err.msg);
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, MN_JSON_COMPACT);
    write_world(&w, row);
    return json_reply(req, &w, &b);
}

mn_response *tfb_queries(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_err err = { 0 };
    size_t n = clamped_count(req, "queries");
    world **rows = random_worlds(mn_request_arena(req), n, &err);
    if (!rows)
        return mn_view_fail(req, "World: %s", err.msg);
    return worlds_reply(req, rows, n);
}

static int by_id(const void *a, const void *b)
{
    int64_t x = (*(world *const *)a)->id, y = (*(world *const *)b)->id;
    return (x > y) - (x < y);
}

mn_response *tfb_updates(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    mn_err err = { 0 };
    size_t n = clamped_count(req, "queries");
    world **rows = random_worlds(a, n, &err);
    if (!rows)
        return mn_view_fail(req, "World: %s", err.msg);
    for (size_t i = 0; i < n; i++)
        rows[i]->randomnumber = tfb_random(TFB_WORLD_ROWS);
    /* The update goes in id order (a copy, the response keeps the query
     * order) so concurrent requests lock rows in the same order and never
     * deadlock each other on PostgreSQL. */
    world **sorted = mn_arena_memdup(a, rows, n * sizeof *rows);
    if (!sorted)
        return mn_view_fail(req, "out of memory");
    qsort(sorted, n, sizeof *sorted, by_id);
    static const char *const fields[] = { "randomnumber", NULL };
    if (mn_model_bulk_update(&world_model, (void *const *)sorted, n, fields, 0, NULL, &err) < 0)
        return mn_view_fail(req, "World update: %s", err.msg);
    return worlds_reply(req, rows, n);
}

/* CachedWorld entries: {"id": id, "randomNumber": n} under "CachedWorld:<id>"
 * in the default cache (locmem, see settings.c), read from the database on
 * a miss and kept without expiry. */
static int cached_world(mn_cache *cache, mn_arena *a, int32_t id, mn_value *out, mn_err *err)
{
    char key[32];
    snprintf(key, sizeof key, "CachedWorld:%d", (int)id);
    int rc = mn_cache_get(cache, key, mn_value_null(), a, out, err);
    if (rc != MN_ENOTFOUND)
        return rc;
    mn_qs *qs = mn_qs_filter(mn_qs_all(&world_model, a), "pk", mn_value_int(id));
    world *row = mn_qs_get(qs, err);
    if (!row)
        return err->code ? err->code : MN_EDB;
    mn_map *m = mn_map_new(a, 2);
    if (!m || mn_map_set_cstr(m, "id", mn_value_int(row->id)) ||
        mn_map_set_cstr(m, "randomNumber", mn_value_int(row->randomnumber)))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    *out = mn_value_map(m);
    return mn_cache_set(cache, key, *out, MN_CACHE_FOREVER, err);
}

mn_response *tfb_cached_queries(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    mn_err err = { 0 };
    mn_cache *cache = mn_caches_get("default", &err);
    if (!cache)
        return mn_view_fail(req, "cache: %s", err.msg);
    size_t n = clamped_count(req, "count");
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &b, MN_JSON_COMPACT);
    mn_json_write_begin_array(&w);
    for (size_t i = 0; i < n; i++) {
        mn_value v;
        if (cached_world(cache, a, tfb_random(TFB_WORLD_ROWS), &v, &err))
            return mn_view_fail(req, "CachedWorld: %s", err.msg);
        mn_json_write_begin_object(&w);
        mn_json_write_key_cstr(&w, "id");
        mn_json_write_int(&w, mn_map_get_cstr(v.u.map, "id").u.i);
        mn_json_write_key_cstr(&w, "randomNumber");
        mn_json_write_int(&w, mn_map_get_cstr(v.u.map, "randomNumber").u.i);
        mn_json_write_end_object(&w);
    }
    mn_json_write_end_array(&w);
    return json_reply(req, &w, &b);
}

/* Fortunes sort by message in code point order, which for UTF-8 is byte
 * order. */
static int by_message(const void *a, const void *b)
{
    return mn_str_cmp((*(fortune *const *)a)->message, (*(fortune *const *)b)->message);
}

mn_response *tfb_fortunes(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_arena *a = mn_request_arena(req);
    mn_err err = { 0 };
    mn_qs *qs = mn_qs_all(&fortune_model, a);
    if (mn_qs_eval(qs, &err) != MN_OK)
        return mn_view_fail(req, "Fortune: %s", err.msg);
    size_t n;
    void **items = mn_qs_items(qs, &n);
    fortune **list = mn_arena_alloc(a, (n + 1) * sizeof *list);
    fortune *extra = mn_model_new(&fortune_model, a, &err);
    if (!list || !extra)
        return mn_view_fail(req, "out of memory");
    memcpy(list, items, n * sizeof *list);
    extra->id = 0;
    extra->message = MN_STR("Additional fortune added at request time.");
    list[n++] = extra;
    qsort(list, n, sizeof *list, by_message);
    mn_list *values = mn_list_new(a, n);
    mn_map *context = mn_map_new(a, 1);
    if (!values || !context)
        return mn_view_fail(req, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (mn_list_push(values, mn_obj_value(list[i], &fortune_model)))
            return mn_view_fail(req, "out of memory");
    if (mn_map_set_cstr(context, "fortunes", mn_value_list(values)))
        return mn_view_fail(req, "out of memory");
    return mn_render(req, "fortunes.html", context);
}
