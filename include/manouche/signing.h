/* Manouche: cryptographic signing, compatible with django.core.signing
 * (Django 3.2).
 *
 * With the same SECRET_KEY and salt, a value signed by Django unsigns here and
 * the other way round: Signer, TimestampSigner, and dumps/loads (signed,
 * optionally zlib-compressed, URL-safe base64 JSON) produce the same text.
 *
 * dumps/loads here take and return the JSON *text*; serialize with the JSON
 * module. Django's JSONSerializer writes ASCII-only JSON (non-ASCII as \uXXXX
 * escapes) and reads the payload as Latin-1, so produce ASCII JSON for values
 * that Django must read back.
 *
 * Errors: MN_ESIGNATURE (Django's BadSignature) with Django's message,
 * MN_EEXPIRED (SignatureExpired: "Signature age 12.5 > 10 seconds"),
 * MN_EPARSE for a correctly signed payload that does not decode, MN_ELIMIT for
 * a payload that decompresses beyond the limit, MN_EINVAL for a bad
 * configuration (empty key, unsafe separator), MN_ENOMEM.
 *
 * Thread safety: an mn_signer is read-only to these functions; share it
 * between threads freely. Results live in the arena passed in, or are slices
 * of the input when no arena is taken. */
#ifndef MANOUCHE_SIGNING_H
#define MANOUCHE_SIGNING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/crypto.h"
#include "manouche/error.h"
#include "manouche/str.h"
#include "manouche/value.h"

/* Default bound on a decompressed payload in loads (1 MiB). */
#define MN_SIGNING_MAX_DECOMPRESSED ((size_t)1 << 20)

/* Pass as max_age for no age check. */
#define MN_SIGNING_NO_MAX_AGE (-1)

/* The configuration of a signer, written with designated initializers:
 *   mn_signer s = { .key = secret_key, .salt = MN_STR("myapp.invite") };
 * A zero field means Django's default. */
typedef struct mn_signer {
    mn_str key;              /* the secret (SECRET_KEY); must not be empty */
    mn_str salt;             /* namespace; empty: "django.core.signing.Signer",
                                "django.core.signing.TimestampSigner" or, for
                                dumps/loads, "django.core.signing" */
    mn_str sep;              /* separator; empty: ":". Must not consist only of
                                the characters A-z, 0-9, '-', '_', '=' (Django) */
    mn_hash_alg algorithm;   /* zero value: SHA-256, Django 3.2's default */
    bool reject_legacy_sha1; /* Django 3.2 also accepts signatures made with
                                SHA-1 by Django 3.1 and older; true refuses them */
    size_t max_decompressed; /* 0: MN_SIGNING_MAX_DECOMPRESSED */
    double now;              /* 0: the real clock; otherwise the UNIX time
                                to use (tests, replays) */
} mn_signer;

/* Signer.signature(value): the URL-safe base64 (no padding) of
 * salted_hmac(salt + "signer", value, key, algorithm). */
mn_str mn_signer_signature(const mn_signer *s, mn_arena *a, mn_str value, mn_err *err);

/* Signer.sign(value): "value<sep>signature" in arena. */
mn_str mn_signer_sign(const mn_signer *s, mn_arena *a, mn_str value, mn_err *err);

/* Signer.unsign(signed_value): on success *value is the part before the last
 * separator (a slice of signed_value) and MN_OK is returned. Otherwise
 * MN_ESIGNATURE ('No ":" found in value', 'Signature "..." does not match')
 * or MN_EINVAL for a bad configuration. */
int mn_signer_unsign(const mn_signer *s, mn_str signed_value, mn_str *value, mn_err *err);

/* TimestampSigner.sign(value): "value<sep><base62 time><sep>signature". */
mn_str mn_timestamp_signer_sign(const mn_signer *s, mn_arena *a, mn_str value, mn_err *err);

/* TimestampSigner.unsign(signed_value, max_age): checks the signature, then
 * (when max_age >= 0) that the value is at most max_age seconds old:
 * MN_EEXPIRED "Signature age 12.5 > 10 seconds" otherwise. *value is a slice
 * of signed_value; *timestamp (may be NULL) gets the signing time. */
int mn_timestamp_signer_unsign(const mn_signer *s, mn_str signed_value, int64_t max_age, mn_str *value,
                               int64_t *timestamp, mn_err *err);

/* Signer.sign_object(obj) for the JSON text of obj: URL-safe base64 of the
 * text (zlib-compressed and prefixed with '.' when compress is true and that
 * makes it shorter), signed without a timestamp. */
mn_str mn_signer_sign_object_text(const mn_signer *s, mn_arena *a, mn_str json, bool compress,
                                  mn_err *err);

/* Signer.unsign_object(signed): the JSON text in arena (NUL-terminated).
 * Decompression stops with MN_ELIMIT past s->max_decompressed bytes. */
int mn_signer_unsign_object_text(const mn_signer *s, mn_arena *a, mn_str signed_obj, mn_str *json,
                                 mn_err *err);

/* django.core.signing.dumps(obj, key, salt, compress=compress) for the JSON
 * text of obj (a TimestampSigner's sign_object; default salt
 * "django.core.signing"). */
mn_str mn_signing_dumps_text(const mn_signer *s, mn_arena *a, mn_str json, bool compress, mn_err *err);

/* django.core.signing.loads(signed, key, salt, max_age): the JSON text in
 * arena, after the signature and (max_age >= 0) age checks. */
int mn_signing_loads_text(const mn_signer *s, mn_arena *a, mn_str signed_obj, int64_t max_age,
                          mn_str *json, mn_err *err);

/* django.core.signing.dumps(obj, ...) for a value: serializes v with
 * Django's JSONSerializer (compact separators), signs it, and returns the
 * token in arena (the empty slice with ptr NULL and err set on failure:
 * a value JSON cannot hold, or out of memory). */
mn_str mn_signing_dumps(const mn_signer *s, mn_arena *a, mn_value v, bool compress, mn_err *err);

/* django.core.signing.loads(...) to a value: checks the token as
 * mn_signing_loads_text does, then parses the JSON into *out (in arena). */
int mn_signing_loads(const mn_signer *s, mn_arena *a, mn_str signed_obj, int64_t max_age, mn_value *out,
                     mn_err *err);

/* Django's get_cookie_signer(salt): fills *out with a TimestampSigner
 * configuration keyed by "django.http.cookies" + secret_key (the key bytes
 * live in arena) and the given salt (empty: Django's default
 * "django.core.signing.get_cookie_signer"). Django's set_signed_cookie(name, value,
 * salt=x) signs with the salt name + x, and get_signed_cookie checks
 * max_age the same way. Returns MN_OK, MN_EINVAL (empty secret) or
 * MN_ENOMEM. */
int mn_signing_cookie_signer(mn_arena *a, mn_str secret_key, mn_str salt, mn_signer *out, mn_err *err);

#endif
