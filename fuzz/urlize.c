/* Fuzz target: urlize (with every flag combination picked by the first
 * byte), html.unescape, smart_urlquote and IDNA encoding. Output must be
 * well-formed UTF-8; URL encoders must produce ASCII. */
#include <stdint.h>
#include <stdlib.h>
#include "manouche.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned flags = data[0] & 7;
    long limit = (data[0] >> 3) == 31 ? -1 : (long)(data[0] >> 3);
    mn_str s = mn_str_make((const char *)data + 1, size - 1);
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    CHECK(mn_html_urlize(&b, s, limit, flags) == MN_OK);
    CHECK(mn_utf8_valid(mn_buf_str(&b)));
    mn_buf_reset(&b);
    CHECK(mn_html_unescape(&b, s) == MN_OK);
    CHECK(mn_utf8_valid(mn_buf_str(&b)));
    mn_buf_reset(&b);
    CHECK(mn_url_smart_quote(&b, s) == MN_OK);
    mn_buf_reset(&b);
    int rc = mn_url_idna_encode(&b, s, NULL);
    CHECK(rc == MN_OK || rc == MN_EINVAL);
    if (rc == MN_OK && mn_utf8_valid(s)) {
        for (size_t i = 0; i < b.len; i++)
            CHECK((unsigned char)b.data[i] < 0x80);
    }
    mn_buf_free(&b);
    return 0;
}
