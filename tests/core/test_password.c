#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

static mn_arena *A;

static void setup(void)
{
    A = mn_arena_new("test", 0);
    mn_password_set_iterations(1000);
}

static void teardown(void)
{
    mn_password_set_iterations(0);
    mn_arena_free(A);
}

TestSuite(password, .init = setup, .fini = teardown);

/* Known answers computed with Django 3.2's make_password / hasher.encode. */
Test(password, encode_matches_django_default_iterations)
{
    mn_str s = mn_password_encode(A, MN_STR("letmein"), MN_STR("seasalt"), MN_HASH_SHA256, 260000, NULL);
    cr_assert_str_eq(s.ptr, "pbkdf2_sha256$260000$seasalt$94sH6HDeICZwZaQqwNA7vXnS8L/xUKdiLFYi1eDblE8=");
    s = mn_password_encode(A, MN_STR("letmein"), MN_STR("seasalt"), MN_HASH_SHA1, 260000, NULL);
    cr_assert_str_eq(s.ptr, "pbkdf2_sha1$260000$seasalt$zrDjmJzNam+WoKQzDHPbJ8HXc0Y=");
}

Test(password, encode_matches_django_low_iterations)
{
    mn_str s = mn_password_encode(A, MN_STR("letmein"), MN_STR("seasalt"), MN_HASH_SHA256, 1000, NULL);
    cr_assert_str_eq(s.ptr, "pbkdf2_sha256$1000$seasalt$R1/GfWtwog1T8Ev9VndgDjzkiRzbFr8JpmJtL9cMmQU=");
    /* iterations 0 means the current setting (1000 in these tests) */
    mn_str t = mn_password_encode(A, MN_STR("letmein"), MN_STR("seasalt"), MN_HASH_SHA256, 0, NULL);
    cr_assert(mn_str_eq(s, t));
}

Test(password, default_iterations_setting)
{
    cr_assert_eq(mn_password_iterations(), 1000);
    mn_password_set_iterations(0);
    cr_assert_eq(mn_password_iterations(), MN_PASSWORD_DEFAULT_ITERATIONS);
    cr_assert_eq(MN_PASSWORD_DEFAULT_ITERATIONS, 260000);
    mn_password_set_iterations(UINT32_MAX);
    cr_assert_eq(mn_password_iterations(), MN_PASSWORD_MAX_ITERATIONS);
    mn_password_set_iterations(1000);
}

Test(password, check_django_hashes)
{
    bool upd = true;
    /* Made by Django 3.2 at its default 260000 iterations. */
    cr_assert(mn_password_check(MN_STR("letmein"),
                                MN_STR("pbkdf2_sha256$260000$seasalt$94sH6HDeICZwZaQqwNA7vXnS8L/xUKdiLFYi1eDblE8="), &upd));
    /* Salt shorter than 22 characters and iterations != 1000: update. */
    cr_assert(upd);
    cr_assert(mn_password_check(MN_STR("l\xc3\xa8tmein"),
                                MN_STR("pbkdf2_sha256$260000$seasalt2$UCGMhrOoaq1ghQPArIBK5RkI6IZLRxlIwHWA1dMy7y8="), NULL));
    cr_assert(mn_password_check(MN_STR(""),
                                MN_STR("pbkdf2_sha256$260000$seasalt$O2fWBq/Tb/xsu7DZ1jOnLmAmQVccDI4DuGtVaRvu24s="), NULL));
    cr_assert(mn_password_check(MN_STR("letmein"), MN_STR("pbkdf2_sha1$260000$seasalt$zrDjmJzNam+WoKQzDHPbJ8HXc0Y="), &upd));
    cr_assert(upd);
    cr_assert(!mn_password_check(MN_STR("letmeout"), MN_STR("pbkdf2_sha1$260000$seasalt$zrDjmJzNam+WoKQzDHPbJ8HXc0Y="), &upd));
    cr_assert(!upd);
}

Test(password, make_and_check)
{
    mn_str h = mn_password_make(A, MN_STR("correct horse"), NULL);
    cr_assert_not_null(h.ptr);
    cr_assert(mn_str_starts_with(h, MN_STR("pbkdf2_sha256$1000$")), "%s", h.ptr);
    mn_password_info info;
    cr_assert_eq(mn_password_decode(h, &info, NULL), MN_OK);
    cr_assert_eq(info.salt.len, MN_PASSWORD_SALT_LEN);
    cr_assert_eq(info.iterations, 1000);
    cr_assert_eq(info.alg, MN_HASH_SHA256);
    cr_assert(mn_str_eq_cstr(info.algorithm, "pbkdf2_sha256"));
    cr_assert_eq(info.hash.len, 44);
    bool upd = true;
    cr_assert(mn_password_check(MN_STR("correct horse"), h, &upd));
    cr_assert(!upd);
    cr_assert(!mn_password_must_update(h));
    cr_assert(!mn_password_check(MN_STR("correct horse "), h, &upd));
    cr_assert(!mn_password_check(MN_STR(""), h, NULL));
    /* Two hashes of one password differ by their salt. */
    mn_str h2 = mn_password_make(A, MN_STR("correct horse"), NULL);
    cr_assert(!mn_str_eq(h, h2));
}

Test(password, must_update_when_iterations_change)
{
    mn_str h = mn_password_make(A, MN_STR("pw"), NULL);
    cr_assert(!mn_password_must_update(h));
    mn_password_set_iterations(1200);
    cr_assert(mn_password_must_update(h));
    bool upd = false;
    cr_assert(mn_password_check(MN_STR("pw"), h, &upd));
    cr_assert(upd);
    /* A wrong password never asks for an update. */
    cr_assert(!mn_password_check(MN_STR("nope"), h, &upd));
    cr_assert(!upd);
    mn_str sha1 = mn_password_encode(A, MN_STR("pw"), MN_STR("abcdefghijklmnopqrstuv"), MN_HASH_SHA1, 1200, NULL);
    cr_assert(mn_password_must_update(sha1));
    mn_str ok = mn_password_encode(A, MN_STR("pw"), MN_STR("abcdefghijklmnopqrstuv"), MN_HASH_SHA256, 1200, NULL);
    cr_assert(!mn_password_must_update(ok));
    mn_str weak = mn_password_encode(A, MN_STR("pw"), MN_STR("abcdefghijklmnopqrstu"), MN_HASH_SHA256, 1200, NULL);
    cr_assert(mn_password_must_update(weak));
    cr_assert(!mn_password_must_update(MN_STR("garbage")));
}

Test(password, unusable)
{
    mn_str u = mn_password_make_unusable(A, NULL);
    cr_assert_eq(u.len, 41);
    cr_assert_eq(u.ptr[0], '!');
    cr_assert_eq(u.ptr[41], '\0');
    cr_assert(!mn_password_is_usable(u));
    cr_assert(mn_password_is_usable(MN_STR("pbkdf2_sha256$1$a$b")));
    cr_assert(mn_password_is_usable(MN_STR("")));
    cr_assert(!mn_password_check(MN_STR(""), u, NULL));
    cr_assert(!mn_password_check(mn_str_slice(u, 1, u.len), u, NULL));
    mn_err err = { 0 };
    mn_password_info info;
    cr_assert_eq(mn_password_decode(u, &info, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "unusable"), "%s", err.msg);
}

Test(password, invalid_formats)
{
    mn_password_info info;
    mn_err err = { 0 };
    static const struct {
        const char *encoded;
        const char *msg;
    } cases[] = {
        { "", "no algorithm" },
        { "nodollar", "no algorithm" },
        { "$1000$salt$hash", "no algorithm" },
        { "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA", "unknown password hashing algorithm 'argon2'" },
        { "md5$$5f4dcc3b5aa765d61d8327deb882cf99", "unknown" },
        { "pbkdf2_sha256$1000$salt", "4 fields" },
        { "pbkdf2_sha256$1000", "4 fields" },
        { "pbkdf2_sha256$abc$salt$hash", "invalid iteration count 'abc'" },
        { "pbkdf2_sha256$01000$salt$hash", "invalid iteration count" },
        { "pbkdf2_sha256$0$salt$hash", "invalid iteration count" },
        { "pbkdf2_sha256$-5$salt$hash", "invalid iteration count" },
        { "pbkdf2_sha256$$salt$hash", "invalid iteration count" },
        { "pbkdf2_sha256$99999999999$salt$hash", "above the limit" },
        { "pbkdf2_sha256$4000000000$salt$hash", "above the limit" },
        { "pbkdf2_sha256$1000$$hash", "empty salt" },
        { "pbkdf2_sha256$1000$salt$", "empty hash" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mn_err_clear(&err);
        cr_assert_eq(mn_password_decode(mn_str_from(cases[i].encoded), &info, &err), MN_EINVAL, "%s", cases[i].encoded);
        cr_assert(strstr(err.msg, cases[i].msg), "%s: %s", cases[i].encoded, err.msg);
        cr_assert(!mn_password_check(MN_STR("x"), mn_str_from(cases[i].encoded), NULL));
    }
    /* A hash field holding '$' belongs to the hash (Django splits 3 times)
     * and simply does not match. */
    cr_assert_eq(mn_password_decode(MN_STR("pbkdf2_sha256$1000$salt$ha$sh"), &info, NULL), MN_OK);
    cr_assert(mn_str_eq_cstr(info.hash, "ha$sh"));
    cr_assert(!mn_password_check(MN_STR("x"), MN_STR("pbkdf2_sha256$1000$salt$ha$sh"), NULL));
}

Test(password, encode_rejects_bad_arguments)
{
    mn_err err = { 0 };
    mn_str s = mn_password_encode(A, MN_STR("pw"), MN_STR(""), MN_HASH_SHA256, 1000, &err);
    cr_assert_null(s.ptr);
    cr_assert_eq(err.code, MN_EINVAL);
    s = mn_password_encode(A, MN_STR("pw"), MN_STR("a$b"), MN_HASH_SHA256, 1000, &err);
    cr_assert_null(s.ptr);
    cr_assert(strstr(err.msg, "'$'"), "%s", err.msg);
    s = mn_password_encode(A, MN_STR("pw"), MN_STR("salt"), MN_HASH_SHA512, 1000, &err);
    cr_assert_null(s.ptr);
    s = mn_password_encode(A, MN_STR("pw"), MN_STR("salt"), MN_HASH_SHA256, MN_PASSWORD_MAX_ITERATIONS + 1, &err);
    cr_assert_null(s.ptr);
    cr_assert(strstr(err.msg, "limit"), "%s", err.msg);
}

Test(password, binary_and_long_passwords)
{
    char big[5000];
    memset(big, 'p', sizeof big);
    mn_str pw = { big, sizeof big };
    mn_str h = mn_password_make(A, pw, NULL);
    cr_assert(mn_password_check(pw, h, NULL));
    pw.len--;
    cr_assert(!mn_password_check(pw, h, NULL));
    mn_str nul = { "a\0b", 3 };
    h = mn_password_make(A, nul, NULL);
    cr_assert(mn_password_check(nul, h, NULL));
    cr_assert(!mn_password_check(MN_STR("a"), h, NULL));
}

Test(password, arena_cap_gives_enomem)
{
    mn_arena *small = mn_arena_new("small", 256);
    mn_err err = { 0 };
    mn_str last = { "", 0 };
    for (int i = 0; i < 10 && last.ptr; i++)
        last = mn_password_make(small, MN_STR("pw"), &err);
    cr_assert_null(last.ptr);
    cr_assert_eq(err.code, MN_ENOMEM);
    mn_arena_free(small);
}
