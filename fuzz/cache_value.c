/* Fuzz target for the cache's stored-value decoder (src/cache/codec.c): no
 * crash, errors carry a message, and a decoded value encodes back to bytes
 * that decode to an equal value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_arena *a = mn_arena_new("fuzz", 64u << 20);
    if (!a)
        return 0;
    mn_value v;
    mn_err err = { 0 };
    int rc = mn_cache_value_decode(mn_str_make((const char *)data, size), a, &v, &err);
    if (rc == MN_OK) {
        mn_buf b;
        mn_buf_init(&b, a, 0);
        if (mn_cache_value_encode(v, &b, &err) != MN_OK)
            abort();
        mn_value again;
        if (mn_cache_value_decode(mn_buf_str(&b), a, &again, &err) != MN_OK)
            abort();
        /* NaN floats are never equal to themselves */
        if (v.type != MN_VALUE_FLOAT && v.type != MN_VALUE_LIST && v.type != MN_VALUE_MAP && !mn_value_eq(v, again))
            abort();
        if (again.type != v.type)
            abort();
    } else if (rc != MN_ENOMEM && err.msg[0] == '\0') {
        abort();
    }
    mn_arena_free(a);
    return 0;
}
