/* Decimal throughput against Python's decimal module, in the same run.
 * Not a test: build and run with bench/decimal/run.sh [BUILD_DIR].
 * Each operation is timed here over a fixed loop, then the same operation
 * is timed by `python3 -m timeit -p`; both take the best of 5 runs of CPU
 * time. The table shows ns per operation and the ratio (how many times
 * faster Manouche is). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "manouche.h"

static volatile int64_t sink;

/* CPU time of this process: the machine may be shared, and timeit is run
 * with -p (process time) so both sides measure the same thing. */
static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Runs python3 -m timeit and returns ns per loop, or -1. */
static double python_ns(const char *setup, const char *stmt)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 -m timeit -p -s \"%s\" \"%s\" 2>/dev/null", setup, stmt);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    char line[256] = "";
    if (!fgets(line, sizeof line, p))
        line[0] = '\0';
    pclose(p);
    const char *c = strstr(line, ": ");
    if (!c)
        return -1;
    double v;
    char unit[16];
    if (sscanf(c + 2, "%lf %15s", &v, unit) != 2)
        return -1;
    if (strcmp(unit, "nsec") == 0)
        return v;
    if (strcmp(unit, "usec") == 0)
        return v * 1e3;
    if (strcmp(unit, "msec") == 0)
        return v * 1e6;
    return v * 1e9;
}

#define SETUP "from decimal import Decimal as D, ROUND_HALF_UP; a = D('19.99'); b = D('3.25'); c = D('64.9675'); q = D('0.01')"

static mn_decimal A, B, C;
static mn_buf BUF;

static void op_add(long n)
{
    mn_decimal a = A, r;
    for (long i = 0; i < n; i++) {
        a.lo ^= (uint64_t)(i & 1); /* keep the compiler from hoisting the work */
        mn_decimal_add(a, B, &r);
        sink += (int64_t)r.lo;
    }
}

static void op_mul(long n)
{
    mn_decimal a = A, r;
    for (long i = 0; i < n; i++) {
        a.lo ^= (uint64_t)(i & 1);
        mn_decimal_mul(a, B, &r);
        sink += (int64_t)r.lo;
    }
}

static void op_quantize(long n)
{
    mn_decimal c = C, r;
    for (long i = 0; i < n; i++) {
        c.lo ^= (uint64_t)(i & 1);
        mn_decimal_quantize(c, 2, MN_ROUND_HALF_UP, &r);
        sink += (int64_t)r.lo;
    }
}

static void op_format(long n)
{
    mn_decimal c = C;
    for (long i = 0; i < n; i++) {
        c.lo ^= (uint64_t)(i & 1);
        mn_buf_reset(&BUF);
        mn_decimal_write(&BUF, c);
        sink += (int64_t)BUF.len;
    }
}

static void op_parse(long n)
{
    mn_decimal r;
    for (long i = 0; i < n; i++) {
        mn_decimal_parse(MN_STR("12.50"), &r, NULL);
        sink += (int64_t)r.lo;
    }
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    A = mn_decimal_make(1999, 2);
    B = mn_decimal_make(325, 2);
    C = mn_decimal_make(649675, 4);
    mn_buf_init(&BUF, NULL, 0);
    struct { const char *name, *stmt; void (*run)(long); } ops[] = {
        { "add", "a + b", op_add }, { "mul", "a * b", op_mul },
        { "quantize", "c.quantize(q, ROUND_HALF_UP)", op_quantize }, { "format", "str(c)", op_format },
        { "parse", "D('12.50')", op_parse },
    };
    printf("%-10s %14s %14s %10s\n", "operation", "manouche ns", "python ns", "ratio");
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        double best = 1e300;
        for (int rep = 0; rep < 5; rep++) {
            double t = now_ns();
            ops[i].run(n);
            t = (now_ns() - t) / (double)n;
            if (t < best)
                best = t;
        }
        double py = python_ns(SETUP, ops[i].stmt);
        if (py < 0)
            printf("%-10s %14.1f %14s %10s\n", ops[i].name, best, "n/a", "n/a");
        else
            printf("%-10s %14.1f %14.1f %9.1fx\n", ops[i].name, best, py, py / best);
    }
    mn_buf_free(&BUF);
    return 0;
}
