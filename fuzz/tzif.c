/* Fuzz target: arbitrary bytes as a TZif file. A file that parses must
 * answer offset, abbreviation and wall-clock questions without overflow. */
#include <stdint.h>
#include <string.h>
#include "manouche.h"
#include "datetime_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_tz *tz = NULL;
    mn_err err = { 0 };
    if (mn__tzif_parse(data, size, "Fuzz/Zone", &tz, &err) != MN_OK)
        return 0;
    static const int64_t instants[] = { MN_DATETIME_MIN_US, INT64_C(-2208988800000000), 0,
                                        INT64_C(1711846800000000), INT64_C(2224713600000000),
                                        INT64_C(32503680000000000), MN_DATETIME_MAX_US };
    mn_buf b;
    mn_buf_init(&b, NULL, 4096);
    for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++) {
        int32_t off = mn_tz_offset_at(tz, instants[i]);
        if (off < -89999 || off > 93599)
            __builtin_trap();
        const char *ab = mn_tz_abbrev_at(tz, instants[i]);
        if (strlen(ab) > 15)
            __builtin_trap();
        mn_datetime out;
        mn_datetime naive = { instants[i] / 2, NULL };
        for (int k = 0; k < 3; k++)
            if (mn_datetime_make_aware(naive, tz, (mn_is_dst)k, &out, NULL) == MN_OK) {
                mn_buf_reset(&b);
                mn_datetime_format(&b, out, "c r T e O Z I U", NULL);
            }
    }
    mn_buf_free(&b);
    mn__tz_free(tz);
    return 0;
}
