/* Renders the product list (1,000 rows, an include per row) or the fortunes
 * page N times and prints renders per CPU second of the process; --print
 * shows one render (the run script checks it is byte for byte Django's).
 *   bench_template TEMPLATE_DIR PAGE N [--print] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "manouche.h"

static const char *const FORTUNES[] = {
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. \xe2\x80\x94 Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. \xe2\x80\x94 Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    "<script>alert(\"This should not be displayed in a browser alert box.\");</script>",
    ("\xe3\x83\x95\xe3\x83\xac\xe3\x83\xbc\xe3\x83\xa0\xe3\x83\xaf\xe3\x83\xbc\xe3\x82\xaf\xe3\x81\xae\xe3\x83\x99"
     "\xe3\x83\xb3\xe3\x83\x81\xe3\x83\x9e\xe3\x83\xbc\xe3\x82\xaf"),
    "Additional fortune added at request time.",
};

static int cmp_msg(const void *a, const void *b)
{
    const int *x = a, *y = b;
    return strcmp(FORTUNES[*x], FORTUNES[*y]);
}

static mn_map *products_context(mn_arena *a)
{
    mn_map *vars = mn_map_new(a, 2);
    mn_list *l = mn_list_new(a, 1000);
    for (int i = 0; i < 1000; i++) {
        mn_map *p = mn_map_new(a, 6);
        mn_map_set_cstr(p, "name", mn_value_cstr(mn_arena_sprintf(a, "Product <%d> & co", i)));
        mn_map_set_cstr(p, "added", mn_value_date((mn_date){ 2020 + i % 5, (int8_t)(1 + i % 12), (int8_t)(1 + i % 28) }));
        mn_map_set_cstr(p, "price", mn_value_float(9.99 + i * 1.25));
        mn_map_set_cstr(p, "description",
                        mn_value_cstr(mn_arena_sprintf(
                            a, "A fine product number %d with many words to truncate in the listing page", i)));
        mn_map_set_cstr(p, "url", mn_value_cstr(mn_arena_sprintf(a, "see https://shop.example.com/p/%d for details", i)));
        mn_map_set_cstr(p, "stock", mn_value_int(i % 7));
        mn_list_push(l, mn_value_map(p));
    }
    mn_map_set_cstr(vars, "heading", mn_value_cstr("All <products>"));
    mn_map_set_cstr(vars, "products", mn_value_list(l));
    return vars;
}

static mn_map *fortunes_context(mn_arena *a)
{
    int ids[13];
    for (int i = 0; i < 13; i++)
        ids[i] = i;
    qsort(ids, 13, sizeof ids[0], cmp_msg);
    mn_map *vars = mn_map_new(a, 1);
    mn_list *l = mn_list_new(a, 13);
    for (int k = 0; k < 13; k++) {
        mn_map *f = mn_map_new(a, 2);
        mn_map_set_cstr(f, "id", mn_value_int(ids[k] == 12 ? 0 : ids[k] + 1));
        mn_map_set_cstr(f, "message", mn_value_cstr(FORTUNES[ids[k]]));
        mn_list_push(l, mn_value_map(f));
    }
    mn_map_set_cstr(vars, "fortunes", mn_value_list(l));
    return vars;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_template TEMPLATE_DIR PAGE N [--print]\n");
        return 2;
    }
    const char *page = argv[2];
    long n = atol(argv[3]);
    bool print = argc > 4 && !strcmp(argv[4], "--print");
    mn_template_engine *e = mn_template_engine_new(NULL);
    mn_arena *data = mn_arena_new("data", 0), *req = mn_arena_new("request", 0);
    if (!e || !data || !req || mn_template_engine_add_dir(e, argv[1]))
        return 1;
    bool products = !strcmp(page, "products");
    mn_map *vars = products ? products_context(data) : fortunes_context(data);
    char name[64];
    snprintf(name, sizeof name, "%s.html", page);
    mn_err err = { 0 };
    mn_template *t = mn_template_engine_get(e, name, &err);
    if (!t) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    struct timespec t0, t1;
    size_t bytes = 0;
    /* the output buffer is reused from render to render, as a connection's */
    mn_buf out;
    mn_buf_init(&out, NULL, 0);
    for (long i = -1; i < (print ? 0 : n); i++) {
        if (i == 0)
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        mn_arena_reset(req);
        mn_template_context *ctx = mn_template_context_new(e, req, vars);
        mn_buf_reset(&out);
        if (!ctx || mn_template_render(t, ctx, &out, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        bytes = out.len;
        if (print) {
            fwrite(out.data, 1, out.len, stdout);
            break;
        }
    }
    if (!print) {
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
        double el = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("manouche %.1f renders/s (%zu bytes)\n", (double)n / el, bytes);
    }
    mn_buf_free(&out);
    mn_arena_free(req);
    mn_arena_free(data);
    mn_template_engine_free(e);
    return 0;
}
