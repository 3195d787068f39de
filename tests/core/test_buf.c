#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

Test(buf, heap_builder)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    cr_assert_str_eq(mn_buf_cstr(&b), "");
    cr_assert_eq(mn_buf_str(&b).len, 0);
    mn_buf_puts(&b, "abc");
    mn_buf_putc(&b, '-');
    mn_buf_printf(&b, "%d/%s", 7, "x");
    mn_buf_put_i64(&b, INT64_MIN);
    mn_buf_putc(&b, ' ');
    mn_buf_put_u64(&b, UINT64_MAX);
    mn_buf_put_str(&b, MN_STR("!"));
    cr_assert_eq(mn_buf_error(&b), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "abc-7/x-9223372036854775808 18446744073709551615!");
    mn_buf_truncate(&b, 3);
    cr_assert_str_eq(mn_buf_cstr(&b), "abc");
    mn_buf_reset(&b);
    cr_assert_str_eq(mn_buf_cstr(&b), "");
    mn_buf_free(&b);
}

Test(buf, arena_builder_grows)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    for (int i = 0; i < 10000; i++)
        mn_buf_putc(&b, (char)('a' + i % 26));
    cr_assert_eq(b.len, 10000);
    cr_assert_eq(b.data[9999], 'a' + 9999 % 26);
    char big[1000];
    memset(big, 'q', sizeof big);
    mn_buf_printf(&b, "%.*s", 1000, big);
    cr_assert_eq(b.len, 11000);
    cr_assert_eq(mn_buf_cstr(&b)[11000], '\0');
    mn_arena_free(a);
}

Test(buf, limit_is_sticky)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 10);
    cr_assert_eq(mn_buf_puts(&b, "0123456789"), MN_OK);
    cr_assert_eq(mn_buf_putc(&b, 'x'), MN_ELIMIT);
    cr_assert_eq(mn_buf_puts(&b, ""), MN_ELIMIT);
    cr_assert_eq(mn_buf_error(&b), MN_ELIMIT);
    cr_assert_str_eq(mn_buf_cstr(&b), "0123456789");
    mn_buf_free(&b);
}

/* The fast path (room already there) keeps the limit and the error. */
Test(buf, limit_with_room_left)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 100);
    cr_assert_eq(mn_buf_puts(&b, "ab"), MN_OK); /* capacity now beyond what is used */
    cr_assert_eq(mn_buf_append(&b, "0123456789", 10), MN_OK);
    cr_assert_eq(b.len, 12);
    char big[89];
    memset(big, 'x', sizeof big);
    cr_assert_eq(mn_buf_append(&b, big, 88), MN_OK); /* exactly the limit */
    cr_assert_eq(b.len, 100);
    cr_assert_eq(mn_buf_append(&b, "y", 1), MN_ELIMIT);
    mn_buf_truncate(&b, 50);
    /* the error stays although there is room now */
    cr_assert_eq(mn_buf_append(&b, "z", 1), MN_ELIMIT);
    cr_assert_eq(b.len, 50);
    cr_assert_eq(mn_buf_reserve(&b, 1), NULL);
    mn_buf_reset(&b);
    cr_assert_eq(mn_buf_append(&b, "z", 1), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "z");
    mn_buf_free(&b);
}

Test(buf, arena_cap_gives_enomem)
{
    mn_arena *a = mn_arena_new("t", 9000);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    char chunk[1000];
    memset(chunk, 'c', sizeof chunk);
    int rc = MN_OK;
    for (int i = 0; i < 20 && !rc; i++)
        rc = mn_buf_append(&b, chunk, sizeof chunk);
    cr_assert_eq(rc, MN_ENOMEM);
    mn_arena_free(a);
}

Test(buf, reserve_and_commit)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    char *p = mn_buf_reserve(&b, 5);
    cr_assert_not_null(p);
    memcpy(p, "hello", 5);
    mn_buf_commit(&b, 5);
    cr_assert_str_eq(mn_buf_cstr(&b), "hello");
    mn_buf_free(&b);
}

/* max = SIZE_MAX means "no limit of our own": the capacity clamp must not
 * wrap around to 0. */
Test(buf, max_size_max_does_not_wrap)
{
    mn_buf b;
    mn_buf_init(&b, NULL, SIZE_MAX);
    char chunk[300];
    memset(chunk, 'z', sizeof chunk);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(mn_buf_append(&b, chunk, sizeof chunk), MN_OK);
    cr_assert_eq(mn_buf_str(&b).len, 3000);
    cr_assert_eq(mn_buf_cstr(&b)[2999], 'z');
    mn_buf_free(&b);

    mn_arena *a = mn_arena_new("t", 0);
    mn_buf_init(&b, a, SIZE_MAX);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(mn_buf_append(&b, chunk, sizeof chunk), MN_OK);
    cr_assert_eq(mn_buf_str(&b).len, 3000);
    mn_arena_free(a);
}
