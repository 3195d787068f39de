/* Writing a 1,000-item list of maps (a typical DRF list response) with the
 * streaming writer via mn_json_write_value, in DRF's output format. Prints
 * lists per second and output MB/s, then the same for parsing the text
 * back with mn_json_loads. Run by bench/json/run.sh beside Python's
 * DRF's JSONRenderer and json.loads on the same data. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <manouche.h>

#define N 1000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The same items as drf_json.py builds. */
static mn_value build(mn_arena *a)
{
    mn_list *l = mn_list_new(a, N);
    mn_datetime created = mn_datetime_naive((mn_date){ 2024, 1, 5 }, (mn_time){ 10, 30, 0, 0 });
    created.tz = mn_tz_utc();
    for (int i = 0; i < N; i++) {
        mn_map *m = mn_map_new(a, 8);
        mn_map_set_cstr(m, "id", mn_value_int(i));
        mn_map_set_cstr(m, "name", mn_value_cstr(mn_arena_sprintf(a, "Product %d", i)));
        mn_decimal price = mn_decimal_from_i64(1999 + i);
        price.scale = 2;
        mn_map_set_cstr(m, "price", mn_value_decimal(price));
        mn_map_set_cstr(m, "rating", mn_value_float(4.25 + i / 1000.0));
        mn_map_set_cstr(m, "in_stock", mn_value_bool(i % 3 != 0));
        mn_map_set_cstr(m, "description",
                        mn_value_cstr("A fine caf\u00e9 product with \"quotes\" and a line\nbreak"));
        mn_list *tags = mn_list_new(a, 2);
        mn_list_push(tags, mn_value_cstr("kitchen"));
        mn_list_push(tags, mn_value_cstr("sale"));
        mn_map_set_cstr(m, "tags", mn_value_list(tags));
        mn_datetime c = created;
        c.us += (int64_t)i * 1000000;
        mn_map_set_cstr(m, "created", mn_value_datetime(c));
        mn_list_push(l, mn_value_map(m));
    }
    return mn_value_list(l);
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 2000;
    mn_arena *data = mn_arena_new("data", 0);
    mn_value v = build(data);
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    size_t bytes = 0;
    double t0 = now();
    for (long i = 0; i < iters; i++) {
        mn_buf_reset(&b);
        mn_json_writer w;
        mn_json_writer_init(&w, &b, MN_JSON_DRF | MN_JSON_DECIMAL_AS_STRING);
        mn_json_write_value(&w, v);
        mn_err err = { 0 };
        if (mn_json_writer_finish(&w, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        bytes += b.len;
    }
    double dt = now() - t0;
    printf("manouche write %.0f lists/s (%.1f us per 1,000-item list, %.0f MB/s)\n", iters / dt,
           dt / iters * 1e6, bytes / dt / 1e6);

    /* Parsing the same text back (request.data for a bulk upload). */
    mn_arena *scratch = mn_arena_new("parse", 0);
    long piters = iters / 2 ? iters / 2 : 1;
    t0 = now();
    for (long i = 0; i < piters; i++) {
        mn_value back;
        mn_err err = { 0 };
        if (mn_json_loads(scratch, mn_buf_str(&b), NULL, &back, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        mn_arena_reset(scratch);
    }
    dt = now() - t0;
    printf("manouche parse %.0f lists/s (%.1f us per 1,000-item list, %.0f MB/s)\n", piters / dt,
           dt / piters * 1e6, (double)b.len * piters / dt / 1e6);
    mn_arena_free(scratch);
    mn_buf_free(&b);
    mn_arena_free(data);
    return 0;
}
