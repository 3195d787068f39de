/* Fuzz target: HTML-aware truncation (chars and words), plain truncation,
 * wordwrap and linebreaks. The first byte picks the length. */
#include <stdint.h>
#include <stdlib.h>
#include "manouche.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    long n = (long)(data[0] & 63) - 2;
    mn_str s = mn_str_make((const char *)data + 1, size - 1);
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    CHECK(mn_text_truncate_chars_html(&b, s, n) == MN_OK);
    CHECK(mn_utf8_valid(mn_buf_str(&b)));
    mn_buf_reset(&b);
    CHECK(mn_text_truncate_words_html(&b, s, n) == MN_OK);
    CHECK(mn_utf8_valid(mn_buf_str(&b)));
    mn_buf_reset(&b);
    CHECK(mn_text_truncate_chars(&b, s, n) == MN_OK);
    if (n >= 1)
        CHECK(mn_utf8_count(mn_buf_str(&b)) <= mn_utf8_count(s) + 1);
    mn_buf_reset(&b);
    CHECK(mn_text_truncate_words(&b, s, n) == MN_OK);
    mn_buf_reset(&b);
    CHECK(mn_text_wordwrap(&b, s, n) == (n > 0 ? MN_OK : MN_EINVAL));
    mn_buf_reset(&b);
    CHECK(mn_text_linebreaks(&b, s, n & 1) == MN_OK);
    mn_buf_reset(&b);
    CHECK(mn_text_linebreaksbr(&b, s, n & 1) == MN_OK);
    mn_buf_free(&b);
    return 0;
}
