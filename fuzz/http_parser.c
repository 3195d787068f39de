/* Fuzz target: the request-head parser, the chunked decoder and the request
 * object built over them (path decoding, query, cookies, forms). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_header hdrs[64];
    mn_http_head head;
    mn_http_limits lim = { 256, 32, 2048 };
    ptrdiff_t n = mn_http_parse_head((const char *)data, size, &lim, hdrs, 64, &head);
    if (n < 0 && n != -400 && n != -414 && n != -431 && n != -417 && n != -505)
        abort();
    if (n > 0) {
        if ((size_t)n > size || head.nheaders > 32)
            abort();
        if (head.chunked) {
            char *copy = malloc(size - (size_t)n + 1);
            memcpy(copy, data + n, size - (size_t)n);
            mn_http_chunked st = { 0 };
            size_t d = 0, r = 0;
            int rc = mn_http_chunked_decode(&st, copy, &d, &r, size - (size_t)n, 4096);
            if (d > r || r > size - (size_t)n || rc > 1)
                abort();
            free(copy);
        }
    }
    mn_arena *a = mn_arena_new("fuzz", 1 << 24);
    int status = 0;
    mn_request *req = mn_request_from_raw(a, (const char *)data, size, NULL, NULL, &status, NULL);
    if (req) {
        mn_request_query(req);
        mn_request_post(req);
        mn_request_cookies(req);
        mn_str s;
        mn_request_get_host(req, &s, NULL);
        mn_request_build_absolute_uri(req, "../x/./y?z");
        mn_request_meta(req, "HTTP_USER_AGENT", &s);
    }
    mn_arena_free(a);
    return 0;
}
