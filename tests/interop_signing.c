/* Command-line access to Manouche's signing and password functions, for the
 * Django interoperability test (tests/integration/signing_django.sh).
 *
 *   interop_signing sign KEY SALT SEP ALG VALUE
 *   interop_signing unsign KEY SALT SEP ALG SIGNED
 *   interop_signing tsign KEY SALT VALUE
 *   interop_signing tunsign KEY SALT MAX_AGE SIGNED
 *   interop_signing cookie_sign KEY NAME VALUE        (set_signed_cookie)
 *   interop_signing cookie_unsign KEY NAME MAX_AGE SIGNED
 *   interop_signing dumps KEY SALT COMPRESS(0|1) JSON
 *   interop_signing loads KEY SALT MAX_AGE SIGNED
 *   interop_signing salted_hmac ALG KEY_SALT VALUE SECRET
 *   interop_signing make_password PASSWORD ITERATIONS
 *   interop_signing encode_password PASSWORD SALT ALG ITERATIONS
 *   interop_signing check_password PASSWORD ENCODED
 *
 * An empty SALT or SEP means the default; MAX_AGE -1 means none. Results go
 * to stdout followed by a newline; failures print "error CODE: message" to
 * stderr and exit 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

static int fail(const mn_err *err)
{
    fprintf(stderr, "error %d: %s\n", err->code, err->msg);
    return 2;
}

static int put(mn_str s, const mn_err *err)
{
    if (!s.ptr)
        return fail(err);
    fwrite(s.ptr, 1, s.len, stdout);
    putchar('\n');
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: interop_signing COMMAND ARGS... (see the source)\n");
    return 64;
}

/* Parses a hash name into *alg; false (with the error printed) when unknown. */
static bool alg_arg(const char *name, mn_hash_alg *alg)
{
    mn_err err = { 0 };
    if (mn_hash_from_name(mn_str_from(name), alg, &err)) {
        fail(&err);
        return false;
    }
    return true;
}

static int run(mn_arena *a, int argc, char **argv)
{
    mn_err err = { 0 };
    const char *cmd = argv[1];
#define ARGS(n)                                                                                        \
    do {                                                                                               \
        if (argc != (n) + 2)                                                                           \
            return usage();                                                                            \
    } while (0)
    if (!strcmp(cmd, "sign") || !strcmp(cmd, "unsign")) {
        ARGS(5);
        mn_signer s = { .key = mn_str_from(argv[2]), .salt = mn_str_from(argv[3]), .sep = mn_str_from(argv[4]) };
        if (!alg_arg(argv[5], &s.algorithm))
            return 2;
        if (!strcmp(cmd, "sign"))
            return put(mn_signer_sign(&s, a, mn_str_from(argv[6]), &err), &err);
        mn_str v;
        if (mn_signer_unsign(&s, mn_str_from(argv[6]), &v, &err))
            return fail(&err);
        return put(v, &err);
    }
    if (!strcmp(cmd, "tsign")) {
        ARGS(3);
        mn_signer s = { .key = mn_str_from(argv[2]), .salt = mn_str_from(argv[3]) };
        return put(mn_timestamp_signer_sign(&s, a, mn_str_from(argv[4]), &err), &err);
    }
    if (!strcmp(cmd, "tunsign") || !strcmp(cmd, "loads")) {
        ARGS(4);
        mn_signer s = { .key = mn_str_from(argv[2]), .salt = mn_str_from(argv[3]) };
        int64_t max_age;
        if (mn_str_to_i64(mn_str_from(argv[4]), &max_age))
            return usage();
        mn_str v;
        int rc = !strcmp(cmd, "loads")
                     ? mn_signing_loads_text(&s, a, mn_str_from(argv[5]), max_age, &v, &err)
                     : mn_timestamp_signer_unsign(&s, mn_str_from(argv[5]), max_age, &v, NULL, &err);
        return rc ? fail(&err) : put(v, &err);
    }
    if (!strcmp(cmd, "cookie_sign") || !strcmp(cmd, "cookie_unsign")) {
        bool sign = !strcmp(cmd, "cookie_sign");
        ARGS(sign ? 3 : 4);
        mn_signer s;
        if (mn_signing_cookie_signer(a, mn_str_from(argv[2]), mn_str_from(argv[3]), &s, &err))
            return fail(&err);
        if (sign)
            return put(mn_timestamp_signer_sign(&s, a, mn_str_from(argv[4]), &err), &err);
        int64_t max_age;
        if (mn_str_to_i64(mn_str_from(argv[4]), &max_age))
            return usage();
        mn_str v;
        if (mn_timestamp_signer_unsign(&s, mn_str_from(argv[5]), max_age, &v, NULL, &err))
            return fail(&err);
        return put(v, &err);
    }
    if (!strcmp(cmd, "dumps")) {
        ARGS(4);
        mn_signer s = { .key = mn_str_from(argv[2]), .salt = mn_str_from(argv[3]) };
        bool compress = !strcmp(argv[4], "1");
        return put(mn_signing_dumps_text(&s, a, mn_str_from(argv[5]), compress, &err), &err);
    }
    if (!strcmp(cmd, "salted_hmac")) {
        ARGS(4);
        mn_hash_alg alg;
        if (!alg_arg(argv[2], &alg))
            return 2;
        return put(mn_crypto_salted_hmac_hex(a, alg, mn_str_from(argv[3]), mn_str_from(argv[4]),
                                             mn_str_from(argv[5]), &err),
                   &err);
    }
    if (!strcmp(cmd, "make_password")) {
        ARGS(2);
        mn_password_set_iterations((uint32_t)strtoul(argv[3], NULL, 10));
        return put(mn_password_make(a, mn_str_from(argv[2]), &err), &err);
    }
    if (!strcmp(cmd, "encode_password")) {
        ARGS(4);
        mn_hash_alg alg;
        if (!alg_arg(argv[4], &alg))
            return 2;
        return put(mn_password_encode(a, mn_str_from(argv[2]), mn_str_from(argv[3]), alg,
                                      (uint32_t)strtoul(argv[5], NULL, 10), &err),
                   &err);
    }
    if (!strcmp(cmd, "check_password")) {
        ARGS(2);
        bool must_update = false;
        bool ok = mn_password_check(mn_str_from(argv[2]), mn_str_from(argv[3]), &must_update);
        printf("%s %s\n", ok ? "true" : "false", must_update ? "update" : "current");
        return 0;
    }
#undef ARGS
    return usage();
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    mn_arena *a = mn_arena_new("interop", 0);
    if (!a)
        return 1;
    int rc = run(a, argc, argv);
    mn_arena_free(a);
    return rc;
}
