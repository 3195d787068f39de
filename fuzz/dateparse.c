/* Fuzz target: django.utils.dateparse and date format strings. The first
 * byte picks the parser; the rest is the text (or the format). */
#include <stdint.h>
#include <string.h>
#include "manouche.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    mn_str s = mn_str_make((const char *)data + 1, size - 1);
    mn_buf b;
    mn_buf_init(&b, NULL, 1 << 16);
    mn_err err = { 0 };
    switch (data[0] % 5) {
    case 0: {
        mn_date d;
        if (mn_date_parse(s, &d, &err) == MN_OK) {
            if (!mn_date_valid(d.year, d.month, d.day))
                __builtin_trap();
            mn_date_format(&b, d, "c l jS F Y z W o t L U", NULL);
        }
        break;
    }
    case 1: {
        mn_time t;
        if (mn_time_parse(s, &t, &err) == MN_OK)
            mn_time_format(&b, t, "P a A f g G h H i s u", NULL);
        break;
    }
    case 2: {
        mn_datetime dt, back;
        if (mn_datetime_parse(s, &dt, &err) == MN_OK) {
            mn_datetime_write(&b, dt, 'T');
            if (mn_datetime_parse(mn_buf_str(&b), &back, &err) != MN_OK || back.us != dt.us)
                __builtin_trap();
            mn_buf_reset(&b);
            mn_datetime_format(&b, dt, "r c T O Z U e I", NULL);
        }
        break;
    }
    case 3: {
        mn_duration d, back;
        if (mn_duration_parse(s, &d, &err) == MN_OK) {
            mn_duration_write_django(&b, d);
            if (mn_duration_parse(mn_buf_str(&b), &back, &err) != MN_OK || back.us != d.us)
                __builtin_trap();
            mn_buf_reset(&b);
            mn_duration_write_iso(&b, d);
            if (mn_duration_parse(mn_buf_str(&b), &back, &err) != MN_OK || back.us != d.us)
                __builtin_trap();
        }
        break;
    }
    default: {
        /* The text as a date format for a datetime, a date and a time. */
        char fmt[512];
        size_t n = s.len < sizeof fmt - 1 ? s.len : sizeof fmt - 1;
        memcpy(fmt, s.ptr, n);
        fmt[n] = '\0';
        mn_datetime dt = { INT64_C(1720967405000123), mn_tz_get("Europe/Paris", NULL) };
        mn_datetime_format(&b, dt, fmt, NULL);
        mn_buf_reset(&b);
        mn_datetime_format(&b, (mn_datetime){ INT64_C(1730597400000000), NULL }, fmt, NULL);
        mn_buf_reset(&b);
        mn_date_format(&b, (mn_date){ 2024, 2, 29 }, fmt, NULL);
        mn_buf_reset(&b);
        mn_time_format(&b, (mn_time){ 12, 0, 0, 0 }, fmt, NULL);
        break;
    }
    }
    mn_buf_free(&b);
    return 0;
}
