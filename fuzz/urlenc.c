/* Fuzz target: percent-encoding round trips. quote() output is ASCII and
 * unquote(quote(x)) gives x back for valid UTF-8 x; strict unquote fails
 * exactly when the decoded bytes are not UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_str s = mn_str_make((const char *)data, size);
    mn_buf q, u;
    mn_buf_init(&q, NULL, 0);
    mn_buf_init(&u, NULL, 0);
    CHECK(mn_url_quote(&q, s, "") == MN_OK);
    for (size_t i = 0; i < q.len; i++)
        CHECK((unsigned char)q.data[i] < 0x80 && q.data[i] != ' ');
    int rc = mn_url_unquote(&u, mn_buf_str(&q), MN_UNQUOTE_STRICT, NULL);
    CHECK((rc == MN_OK) == mn_utf8_valid(s));
    if (rc == MN_OK)
        CHECK(u.len == size && (size == 0 || memcmp(u.data, data, size) == 0));
    mn_buf_reset(&q);
    mn_buf_reset(&u);
    CHECK(mn_url_quote_plus(&q, s, NULL) == MN_OK);
    rc = mn_url_unquote_plus(&u, mn_buf_str(&q), MN_UNQUOTE_REPLACE, NULL);
    CHECK(rc == MN_OK && mn_utf8_valid(mn_buf_str(&u)));
    if (mn_utf8_valid(s))
        CHECK(u.len == size && (size == 0 || memcmp(u.data, data, size) == 0));
    mn_buf_reset(&u);
    CHECK(mn_url_unquote(&u, s, MN_UNQUOTE_REPLACE, NULL) == MN_OK);
    CHECK(mn_utf8_valid(mn_buf_str(&u)));
    mn_buf_reset(&u);
    CHECK(mn_url_iri_to_uri(&u, s) == MN_OK);
    mn_buf_free(&q);
    mn_buf_free(&u);
    return 0;
}
