/* Fuzz target: UTF-8 validation, decoding, sanitising and case mapping.
 * Checks that the decoder agrees with the validator, that every text
 * function returns well-formed UTF-8, and that valid input round-trips. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void check_valid_output(int (*fn)(mn_buf *, mn_str), mn_str s)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    CHECK(fn(&b, s) == MN_OK);
    CHECK(mn_utf8_valid(mn_buf_str(&b)));
    mn_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_str s = mn_str_make((const char *)data, size);
    bool valid = mn_utf8_valid(s);
    size_t bad = 0;
    CHECK((mn_utf8_check(s, &bad) == MN_OK) == valid);
    CHECK(valid || bad < size);

    /* decoding agrees with validation; valid code points re-encode to the
     * same bytes */
    size_t pos = 0, count = 0;
    uint32_t cp;
    bool saw_error = false;
    int rc;
    while ((rc = mn_utf8_next(s, &pos, &cp)) != MN_ENOTFOUND) {
        if (rc == MN_EPARSE) {
            saw_error = true;
            CHECK(cp == MN_UTF8_REPLACEMENT);
        } else {
            char enc[4];
            size_t n = mn_utf8_encode(cp, enc);
            CHECK(n > 0 && n <= pos);
            CHECK(memcmp(enc, data + pos - n, n) == 0);
        }
        count++;
    }
    CHECK(saw_error == !valid);
    CHECK(count == mn_utf8_count(s));
    CHECK(mn_utf8_offset(s, count) == (ptrdiff_t)size);
    CHECK(mn_utf8_offset(s, count + 1) == -1);

    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    CHECK(mn_utf8_sanitize(&b, s) == MN_OK);
    CHECK(mn_utf8_valid(mn_buf_str(&b)));
    CHECK(mn_utf8_count(mn_buf_str(&b)) == count);
    if (valid)
        CHECK(b.len == size && (size == 0 || memcmp(b.data, data, size) == 0));
    mn_buf_free(&b);

    check_valid_output(mn_text_lower, s);
    check_valid_output(mn_text_upper, s);
    check_valid_output(mn_text_title, s);
    check_valid_output(mn_text_capitalize, s);
    check_valid_output(mn_text_django_title, s);
    check_valid_output(mn_text_capfirst, s);

    mn_buf_init(&b, NULL, 0);
    CHECK(mn_text_slugify(&b, s, false) == MN_OK);
    for (size_t i = 0; i < b.len; i++)
        CHECK((unsigned char)b.data[i] < 0x80);
    mn_buf_reset(&b);
    CHECK(mn_text_slugify(&b, s, true) == MN_OK);
    CHECK(mn_utf8_valid(mn_buf_str(&b)));
    mn_buf_free(&b);
    return 0;
}
