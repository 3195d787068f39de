/* Signing, passwords and tokens: the C side of django.core.signing,
 * django.contrib.auth.hashers and django.utils.crypto. Every value printed
 * here is also checked, and the signed ones are what Django 3.2 produces
 * with the same SECRET_KEY. */
#include <stdio.h>
#include <string.h>
#include "manouche.h"

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            return 1;                                                                  \
        }                                                                              \
    } while (0)

static int run(mn_arena *a)
{
    /* In a project the key comes from settings (the SECRET_KEY variable). */
    mn_str secret = MN_STR("django-insecure-manouche-test-key");
    mn_err err = { 0 };

    /* Signer: value + ":" + signature. */
    mn_signer signer = { .key = secret };
    mn_str signed_value = mn_signer_sign(&signer, a, MN_STR("hello"), &err);
    printf("signed:   %s\n", signed_value.ptr);
    CHECK(mn_str_eq_cstr(signed_value, "hello:O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc"));

    mn_str value;
    CHECK(mn_signer_unsign(&signer, signed_value, &value, &err) == MN_OK);
    CHECK(mn_str_eq_cstr(value, "hello"));

    /* Tampering is caught: BadSignature becomes MN_ESIGNATURE. */
    int rc = mn_signer_unsign(&signer, MN_STR("hellO:O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc"), &value, &err);
    printf("tampered: %s (%s)\n", mn_strerror(rc), err.msg);
    CHECK(rc == MN_ESIGNATURE);

    /* A salt namespaces signatures: one part of the site cannot replay
     * another's values. */
    mn_signer invites = { .key = secret, .salt = MN_STR("invites") };
    CHECK(mn_signer_unsign(&invites, signed_value, &value, NULL) == MN_ESIGNATURE);

    /* TimestampSigner with max_age. .now pins the clock for this example;
     * leave it 0 in real code. */
    mn_signer ts = { .key = secret, .now = 1700000000 };
    mn_str stamped = mn_timestamp_signer_sign(&ts, a, MN_STR("hello"), &err);
    printf("stamped:  %s\n", stamped.ptr);
    CHECK(mn_str_eq_cstr(stamped, "hello:1r31eq:SfMYxQbK8fcW1p7nodl9Yj9MuIHRCSO9jCItRCEn3M4"));
    ts.now += 3600; /* an hour later */
    CHECK(mn_timestamp_signer_unsign(&ts, stamped, 86400, &value, NULL, &err) == MN_OK);
    rc = mn_timestamp_signer_unsign(&ts, stamped, 60, &value, NULL, &err);
    printf("expired:  %s\n", err.msg);
    CHECK(rc == MN_EEXPIRED && strcmp(err.msg, "Signature age 3600.0 > 60 seconds") == 0);

    /* dumps/loads on JSON text, compressed when that is shorter. */
    mn_signer cart = { .key = secret, .now = 1700000000 };
    mn_str token = mn_signing_dumps_text(&cart, a, MN_STR("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]"),
                                         true, &err);
    printf("dumps:    %s\n", token.ptr);
    CHECK(token.ptr && token.ptr[0] == '.');
    mn_str json;
    CHECK(mn_signing_loads_text(&cart, a, token, 300, &json, &err) == MN_OK);
    CHECK(mn_str_eq_cstr(json, "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]"));

    /* Passwords in Django's format; Django's own hashes verify as they are. */
    mn_str encoded = mn_password_make(a, MN_STR("correct horse battery staple"), &err);
    printf("password: %.*s...\n", 40, encoded.ptr);
    CHECK(mn_str_starts_with(encoded, MN_STR("pbkdf2_sha256$260000$")));
    bool must_update;
    CHECK(mn_password_check(MN_STR("correct horse battery staple"), encoded, &must_update) && !must_update);
    CHECK(!mn_password_check(MN_STR("Tr0ub4dor&3"), encoded, NULL));
    CHECK(mn_password_check(MN_STR("letmein"),
                            MN_STR("pbkdf2_sha256$260000$seasalt$94sH6HDeICZwZaQqwNA7vXnS8L/xUKdiLFYi1eDblE8="),
                            &must_update));
    CHECK(must_update); /* a 7-character salt is weaker than 128 bits */
    CHECK(!mn_password_check(MN_STR("x"), mn_password_make_unusable(a, NULL), NULL));

    /* Tokens and random strings. */
    mn_str reset = mn_crypto_token_urlsafe(a, 32, &err);
    mn_str code = mn_crypto_random_string(a, 6, MN_STR("0123456789"), &err);
    printf("token:    %s\ncode:     %s\n", reset.ptr, code.ptr);
    CHECK(reset.len == 43 && code.len == 6);
    CHECK(mn_crypto_equal(code, code));
    return 0;
}

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    if (!a)
        return 1;
    int rc = run(a);
    mn_arena_free(a);
    return rc;
}
