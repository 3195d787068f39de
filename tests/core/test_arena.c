#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

Test(arena, alloc_aligned_and_counts)
{
    mn_arena *a = mn_arena_new("t", 0);
    cr_assert_not_null(a);
    for (int i = 1; i < 100; i++) {
        char *p = mn_arena_alloc(a, (size_t)i);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p % MN_ARENA_ALIGN, 0);
        memset(p, 'x', (size_t)i);
    }
    cr_assert_eq(mn_arena_used(a), 99 * 100 / 2);
    cr_assert_str_eq(mn_arena_name(a), "t");
    mn_arena_free(a);
}

Test(arena, large_allocations_and_growth)
{
    mn_arena *a = mn_arena_new(NULL, 0);
    char *small = mn_arena_alloc(a, 10);
    char *big = mn_arena_alloc(a, 1 << 20);
    cr_assert_not_null(big);
    memset(big, 1, 1 << 20);
    char *small2 = mn_arena_alloc(a, 10);
    cr_assert_not_null(small2);
    /* The large block went behind the current one: small allocations keep
     * using the first block. */
    cr_assert_lt((size_t)(small2 - small), 8192);
    cr_assert_str_eq(mn_arena_name(a), "arena");
    mn_arena_free(a);
}

Test(arena, cap_is_enforced)
{
    mn_arena *a = mn_arena_new("capped", 16384);
    cr_assert_not_null(mn_arena_alloc(a, 1000));
    cr_assert_null(mn_arena_alloc(a, 100000));
    cr_assert(mn_arena_failed(a));
    cr_assert_leq(mn_arena_reserved(a), 16384);
    mn_arena_reset(a);
    cr_assert(!mn_arena_failed(a));
    cr_assert_not_null(mn_arena_alloc(a, 1000));
    mn_arena_free(a);
}

Test(arena, overflow_is_refused)
{
    mn_arena *a = mn_arena_new("t", 0);
    cr_assert_null(mn_arena_calloc(a, SIZE_MAX / 2, 4));
    cr_assert_null(mn_arena_alloc(a, SIZE_MAX));
    mn_arena_free(a);
}

static int order[8];
static int norder;
static void record(void *arg) { order[norder++] = (int)(intptr_t)arg; }

Test(arena, cleanups_run_in_reverse_on_reset_and_free)
{
    mn_arena *a = mn_arena_new("t", 0);
    norder = 0;
    mn_arena_on_cleanup(a, record, (void *)1);
    mn_arena_on_cleanup(a, record, (void *)2);
    mn_arena_reset(a);
    cr_assert_eq(norder, 2);
    cr_assert_eq(order[0], 2);
    cr_assert_eq(order[1], 1);
    mn_arena_on_cleanup(a, record, (void *)3);
    mn_arena_free(a);
    cr_assert_eq(norder, 3);
    cr_assert_eq(order[2], 3);
}

Test(arena, reset_keeps_first_block)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_arena_set_retain(a, 0);
    for (int i = 0; i < 1000; i++)
        mn_arena_alloc(a, 100);
    size_t before = mn_arena_reserved(a);
    mn_arena_reset(a);
    cr_assert_lt(mn_arena_reserved(a), before);
    cr_assert_gt(mn_arena_reserved(a), 0);
    cr_assert_eq(mn_arena_used(a), 0);
    mn_arena_free(a);
}

/* A reset keeps its blocks (within the retain bound) and the next round
 * reuses them: filling the arena the same way again takes no new memory. */
Test(arena, reset_keeps_blocks_for_reuse)
{
    mn_arena *a = mn_arena_new("t", 0);
    size_t reserved = 0;
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 5000; i++) {
            char *p = mn_arena_alloc(a, 100 + (size_t)(i % 7) * 30);
            cr_assert_not_null(p);
            memset(p, 'x', 100);
        }
        char *big = mn_arena_alloc(a, 300000);
        cr_assert_not_null(big);
        memset(big, 'y', 300000);
        if (round == 0)
            reserved = mn_arena_reserved(a);
        cr_assert_eq(mn_arena_reserved(a), reserved, "round %d: %zu, expected %zu", round, mn_arena_reserved(a),
                     reserved);
        mn_arena_reset(a);
        cr_assert_eq(mn_arena_used(a), 0);
        cr_assert_eq(mn_arena_reserved(a), reserved);
    }
    /* Lowering the bound gives the kept blocks back at once. */
    mn_arena_set_retain(a, 0);
    cr_assert_lt(mn_arena_reserved(a), 20000);
    cr_assert_gt(mn_arena_reserved(a), 0);
    mn_arena_free(a);
}

/* Blocks beyond the retain bound are given back at the reset. */
Test(arena, reset_retains_at_most_the_bound)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_arena_set_retain(a, 100000);
    cr_assert_not_null(mn_arena_alloc(a, 100)); /* the first block: 8 KiB */
    for (int i = 0; i < 10; i++) {
        char *p = mn_arena_alloc(a, 200000);
        cr_assert_not_null(p);
        memset(p, 'z', 200000);
    }
    mn_arena_reset(a);
    cr_assert_leq(mn_arena_reserved(a), 8192 + 100000 + 1024);
    mn_arena_set_retain(a, 4 << 20);
    for (int i = 0; i < 60; i++)
        cr_assert_not_null(mn_arena_alloc(a, 100000));
    cr_assert_gt(mn_arena_reserved(a), 6 << 20);
    mn_arena_reset(a);
    cr_assert_leq(mn_arena_reserved(a), 8192 + (4 << 20) + 1024);
    cr_assert_gt(mn_arena_reserved(a), 2 << 20);
    mn_arena_free(a);
}

/* Kept blocks too small for a new allocation must not count against a cap. */
Test(arena, spares_do_not_block_a_capped_arena)
{
    mn_arena *a = mn_arena_new("capped", 200000);
    for (int i = 0; i < 40; i++)
        cr_assert_not_null(mn_arena_alloc(a, 2000));
    mn_arena_reset(a);
    cr_assert_gt(mn_arena_reserved(a), 60000);
    char *p = mn_arena_alloc(a, 150000);
    cr_assert_not_null(p, "reserved %zu", mn_arena_reserved(a));
    memset(p, 1, 150000);
    cr_assert_leq(mn_arena_reserved(a), 200000);
    mn_arena_free(a);
}

Test(arena, realloc_in_place_and_copy)
{
    mn_arena *a = mn_arena_new("t", 0);
    char *p = mn_arena_alloc(a, 8);
    memcpy(p, "abcdefg", 8);
    char *q = mn_arena_realloc(a, p, 8, 64);
    cr_assert_eq(p, q);
    cr_assert_str_eq(q, "abcdefg");
    char *other = mn_arena_alloc(a, 4);
    (void)other;
    char *r = mn_arena_realloc(a, q, 64, 128);
    cr_assert_neq(r, q);
    cr_assert_str_eq(r, "abcdefg");
    cr_assert_not_null(mn_arena_realloc(a, NULL, 0, 16));
    mn_arena_free(a);
}

Test(arena, strings)
{
    mn_arena *a = mn_arena_new("t", 0);
    cr_assert_str_eq(mn_arena_strdup(a, "hello"), "hello");
    cr_assert_str_eq(mn_arena_strndup(a, "hello", 3), "hel");
    cr_assert_null(mn_arena_strdup(a, NULL));
    cr_assert_str_eq(mn_arena_sprintf(a, "%d-%s", 42, "x"), "42-x");
    char big[5000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = 0;
    cr_assert_str_eq(mn_arena_sprintf(a, "%s", big), big);
    int v[3] = { 1, 2, 3 };
    int *c = mn_arena_memdup(a, v, sizeof v);
    cr_assert_eq(c[2], 3);
    mn_arena_free(a);
}

Test(arena, mark_and_rewind)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_arena_alloc(a, 100);
    size_t used = mn_arena_used(a);
    mn_arena_mark m = mn_arena_mark_get(a);
    norder = 0;
    mn_arena_on_cleanup(a, record, (void *)7);
    for (int i = 0; i < 200; i++)
        mn_arena_alloc(a, 1000);
    mn_arena_rewind(a, m);
    cr_assert_eq(mn_arena_used(a), used);
    cr_assert_eq(norder, 1);
    cr_assert_eq(order[0], 7);
    cr_assert_not_null(mn_arena_alloc(a, 10));
    mn_arena_free(a);
}

Test(arena, rewind_to_empty_arena)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_arena_mark m = mn_arena_mark_get(a);
    mn_arena_alloc(a, 100);
    mn_arena_rewind(a, m);
    cr_assert_eq(mn_arena_used(a), 0);
    mn_arena_set_retain(a, 0);
    cr_assert_eq(mn_arena_reserved(a), 0);
    cr_assert_not_null(mn_arena_alloc(a, 10));
    mn_arena_reset(a);
    mn_arena_free(a);
}

/* A large allocation made after a mark gets its own block slipped in behind
 * the current one: the rewind must release it too, or a mark/rewind loop in a
 * long-lived arena grows without bound. */
Test(arena, rewind_frees_large_blocks_behind_current)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_arena_alloc(a, 100);
    size_t first = mn_arena_reserved(a), reserved = 0;
    for (int round = 0; round < 50; round++) {
        mn_arena_mark m = mn_arena_mark_get(a);
        char *big = mn_arena_alloc(a, 100000);
        cr_assert_not_null(big);
        memset(big, 'x', 100000);
        mn_arena_rewind(a, m);
        /* The first round's large block is kept for reuse; later rounds
         * take it again instead of growing. */
        if (round == 0)
            reserved = mn_arena_reserved(a);
        cr_assert_eq(mn_arena_reserved(a), reserved, "round %d: reserved %zu, expected %zu", round,
                     mn_arena_reserved(a), reserved);
    }
    mn_arena_set_retain(a, 0);
    cr_assert_eq(mn_arena_reserved(a), first);
    reserved = first;
    /* Nested marks: the inner rewind keeps the outer mark's large block. */
    mn_arena_mark outer = mn_arena_mark_get(a);
    char *b1 = mn_arena_alloc(a, 50000);
    cr_assert_not_null(b1);
    memset(b1, 'a', 50000);
    mn_arena_mark inner = mn_arena_mark_get(a);
    cr_assert_not_null(mn_arena_alloc(a, 60000));
    mn_arena_rewind(a, inner);
    cr_assert_eq(b1[49999], 'a');
    cr_assert_gt(mn_arena_reserved(a), reserved);
    mn_arena_rewind(a, outer);
    cr_assert_eq(mn_arena_reserved(a), reserved);
    mn_arena_free(a);
}
