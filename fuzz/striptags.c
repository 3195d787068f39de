/* Fuzz target: strip_tags (Python's html.parser rules). Errors are allowed
 * only as MN_EPARSE (malformed marked section) or MN_ELIMIT (suspicious
 * nesting), with a message; the output is well-formed UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include "manouche.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_str s = mn_str_make((const char *)data, size);
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_err err = { 0 };
    int rc = mn_html_strip_tags(&b, s, &err);
    CHECK(rc == MN_OK || rc == MN_EPARSE || rc == MN_ELIMIT);
    if (rc == MN_OK) {
        CHECK(mn_utf8_valid(mn_buf_str(&b)));
    } else {
        CHECK(err.code == rc && err.msg[0]);
    }
    mn_buf_free(&b);
    return 0;
}
