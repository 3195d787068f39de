/* Table-driven checks shared by the text helper tests. */
#ifndef TEXT_TEST_H
#define TEXT_TEST_H
#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"
#include "text_cases.h"

#define NELEM(t) (sizeof(t) / sizeof((t)[0]))

/* Runs CALL (using `b` and `s`) on every {input, expected} row of TAB. */
#define CHECK_PAIRS(tab, CALL)                                                                  \
    for (size_t i_ = 0; i_ < NELEM(tab); i_++) {                                               \
        mn_buf b;                                                                              \
        mn_buf_init(&b, NULL, 0);                                                              \
        mn_str s = mn_str_from(tab[i_][0]);                                                    \
        cr_assert_eq(CALL, MN_OK, "%s on \"%s\"", #CALL, tab[i_][0]);                           \
        cr_expect_str_eq(mn_buf_cstr(&b), tab[i_][1], "%s on \"%s\"", #CALL, tab[i_][0]);       \
        mn_buf_free(&b);                                                                       \
    }

/* The same for {input, n, expected} rows; CALL may use `n`. */
#define CHECK_TRIPLES(tab, CALL)                                                                \
    for (size_t i_ = 0; i_ < NELEM(tab); i_++) {                                               \
        mn_buf b;                                                                              \
        mn_buf_init(&b, NULL, 0);                                                              \
        mn_str s = mn_str_from(tab[i_].in);                                                    \
        long n = tab[i_].n;                                                                    \
        cr_assert_eq(CALL, MN_OK, "%s on \"%s\" n=%ld", #CALL, tab[i_].in, n);                  \
        cr_expect_str_eq(mn_buf_cstr(&b), tab[i_].out, "%s on \"%s\" n=%ld", #CALL, tab[i_].in, n); \
        mn_buf_free(&b);                                                                       \
    }

/* Applies fn to a literal slice (may hold NULs) and returns a heap copy of
 * the result in *out (caller frees via mn_buf_free). */
#define RUN(fn, lit, ...)                                                                       \
    ({                                                                                          \
        mn_buf b_;                                                                              \
        mn_buf_init(&b_, NULL, 0);                                                              \
        fn(&b_, mn_str_make(lit, sizeof(lit) - 1), ##__VA_ARGS__);                              \
        b_;                                                                                     \
    })
#endif
