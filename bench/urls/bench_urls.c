/* URL resolution with 1,000 patterns: resolves paths spread over the list
 * and prints resolutions per second. Run by bench/urls/run.sh beside Django. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <manouche.h>

static mn_response *view(mn_request *r, const mn_url_args *a) { (void)r; (void)a; return NULL; }

#define N 1000
static mn_url_pattern pats[N + 1];
static char routes[N][40];
static char names[N][16];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 1000000;
    for (int i = 0; i < N; i++) {
        snprintf(routes[i], sizeof routes[i], "section%d/<int:pk>/<slug:s>/", i);
        snprintf(names[i], sizeof names[i], "s%d", i);
        pats[i] = (mn_url_pattern)MN_PATH(routes[i], view, names[i]);
    }
    pats[N] = (mn_url_pattern)MN_URL_END;
    mn_urlconf conf = { .patterns = pats };
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(&conf, &err);
    if (!r) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    char paths[64][64];
    for (int i = 0; i < 64; i++)
        snprintf(paths[i], sizeof paths[i], "/section%d/%d/item-%d/", (i * 997) % N, i, i);
    mn_arena *a = mn_arena_new("bench", 0);
    mn_url_match m;
    double t0 = now();
    for (long i = 0; i < iters; i++) {
        if (mn_resolver_resolve(r, mn_str_from(paths[i & 63]), a, &m) != MN_OK)
            return 1;
        if ((i & 1023) == 0)
            mn_arena_reset(a);
    }
    double dt = now() - t0;
    printf("manouche %.0f resolves/s (%.0f ns each)\n", iters / dt, dt / iters * 1e9);
    mn_arena_free(a);
    mn_resolver_free(r);
    return 0;
}
