/* Dates, times, datetimes, durations; UTC and fixed-offset zones. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/datetime.h"
#include "manouche/str.h"
#include "datetime_internal.h"

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

/* Floor division and modulo for negative microsecond counts. */
static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t floormod(int64_t a, int64_t b) { return a - floordiv(a, b) * b; }

/* Days from civil (H. Hinnant's well-known algorithm, written out here). */
int64_t mn_date_to_days(mn_date d)
{
    int64_t y = d.year - (d.month <= 2);
    int64_t era = floordiv(y, 400);
    int64_t yoe = y - era * 400;
    int64_t m = d.month;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

mn_date mn_date_from_days(int64_t z)
{
    z += 719468;
    int64_t era = floordiv(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    mn_date r;
    r.year = (int32_t)(y + (m <= 2));
    r.month = (int8_t)m;
    r.day = (int8_t)d;
    return r;
}

static int days_in_month(int32_t y, int m)
{
    static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

bool mn_date_valid(int32_t year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= days_in_month(year, month);
}

int mn_date_weekday(mn_date d)
{
    /* 1970-01-01 was a Thursday (3). */
    return (int)floormod(mn_date_to_days(d) + 3, 7);
}

int mn_date_cmp(mn_date a, mn_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

int64_t mn_time_to_us(mn_time t)
{
    return ((int64_t)t.hour * 3600 + t.minute * 60 + t.second) * US_PER_SEC + t.usec;
}

int mn_time_cmp(mn_time a, mn_time b)
{
    int64_t x = mn_time_to_us(a), y = mn_time_to_us(b);
    return x < y ? -1 : x > y;
}

/* ---- zones ---- */

static mn_tz utc_zone = { .kind = MN__TZ_FIXED, .name = "UTC", .abbrev = "UTC", .offset = 0 };

const mn_tz *mn_tz_utc(void) { return &utc_zone; }

/* Fixed-offset zones are interned in a small process-wide table. */
static pthread_mutex_t fixed_lock = PTHREAD_MUTEX_INITIALIZER;
static mn_tz *fixed_zones;

const mn_tz *mn_tz_fixed(int32_t offset)
{
    if (offset <= -86400 || offset >= 86400)
        return NULL;
    if (offset == 0)
        return &utc_zone;
    pthread_mutex_lock(&fixed_lock);
    mn_tz *z = fixed_zones;
    while (z && z->offset != offset)
        z = z->next;
    if (!z) {
        z = calloc(1, sizeof *z);
        if (z) {
            int32_t a = offset < 0 ? -offset : offset;
            char sign = offset < 0 ? '-' : '+';
            z->kind = MN__TZ_FIXED;
            z->offset = offset;
            if (a % 60)
                snprintf(z->name, sizeof z->name, "UTC%c%02d:%02d:%02d", sign, a / 3600, a / 60 % 60, a % 60);
            else
                snprintf(z->name, sizeof z->name, "UTC%c%02d:%02d", sign, a / 3600, a / 60 % 60);
            memcpy(z->abbrev, z->name, sizeof z->abbrev);
            z->next = fixed_zones;
            fixed_zones = z;
        }
    }
    pthread_mutex_unlock(&fixed_lock);
    return z;
}

const char *mn_tz_name(const mn_tz *tz) { return tz ? tz->name : ""; }

int32_t mn_tz_offset_at(const mn_tz *tz, int64_t utc_us)
{
    if (!tz)
        return 0;
    if (tz->kind == MN__TZ_FIXED)
        return tz->offset;
    return mn__tz_lookup(tz, floordiv(utc_us, US_PER_SEC))->offset;
}

const char *mn_tz_abbrev_at(const mn_tz *tz, int64_t utc_us)
{
    if (!tz)
        return "";
    if (tz->kind == MN__TZ_FIXED)
        return tz->abbrev;
    return mn__tz_lookup(tz, floordiv(utc_us, US_PER_SEC))->abbrev;
}

/* ---- datetimes ---- */

void mn_datetime_fields(mn_datetime dt, mn_date *date, mn_time *time)
{
    int64_t local = dt.us;
    if (dt.tz)
        local += (int64_t)mn_tz_offset_at(dt.tz, dt.us) * US_PER_SEC;
    int64_t days = floordiv(local, US_PER_DAY);
    int64_t rest = local - days * US_PER_DAY;
    if (date)
        *date = mn_date_from_days(days);
    if (time) {
        int64_t secs = rest / US_PER_SEC;
        time->hour = (int8_t)(secs / 3600);
        time->minute = (int8_t)(secs / 60 % 60);
        time->second = (int8_t)(secs % 60);
        time->usec = (int32_t)(rest % US_PER_SEC);
    }
}

mn_datetime mn_datetime_naive(mn_date date, mn_time time)
{
    mn_datetime dt;
    dt.us = mn_date_to_days(date) * US_PER_DAY + mn_time_to_us(time);
    dt.tz = NULL;
    return dt;
}

int mn_datetime_cmp(mn_datetime a, mn_datetime b, int *result)
{
    if ((a.tz == NULL) != (b.tz == NULL))
        return MN_ETYPE;
    *result = a.us < b.us ? -1 : a.us > b.us;
    return MN_OK;
}

/* ---- str() ---- */

int mn_date_write(mn_buf *out, mn_date d)
{
    return mn_buf_printf(out, "%04d-%02d-%02d", (int)d.year, (int)d.month, (int)d.day);
}

int mn_time_write(mn_buf *out, mn_time t)
{
    if (t.usec)
        return mn_buf_printf(out, "%02d:%02d:%02d.%06d", t.hour, t.minute, t.second, (int)t.usec);
    return mn_buf_printf(out, "%02d:%02d:%02d", t.hour, t.minute, t.second);
}

static int write_offset(mn_buf *out, int32_t off)
{
    char sign = off < 0 ? '-' : '+';
    int32_t a = off < 0 ? -off : off;
    if (a % 60)
        return mn_buf_printf(out, "%c%02d:%02d:%02d", sign, a / 3600, a / 60 % 60, a % 60);
    return mn_buf_printf(out, "%c%02d:%02d", sign, a / 3600, a / 60 % 60);
}

int mn_datetime_write(mn_buf *out, mn_datetime dt, char sep)
{
    mn_date d;
    mn_time t;
    mn_datetime_fields(dt, &d, &t);
    mn_date_write(out, d);
    mn_buf_putc(out, sep);
    mn_time_write(out, t);
    if (dt.tz)
        write_offset(out, mn_tz_offset_at(dt.tz, dt.us));
    return mn_buf_error(out);
}

int mn_duration_write(mn_buf *out, mn_duration d)
{
    /* Python normalises to days (may be negative) + 0 <= seconds < 86400. */
    int64_t days = floordiv(d.us, US_PER_DAY);
    int64_t rest = floormod(d.us, US_PER_DAY);
    if (days)
        mn_buf_printf(out, "%lld day%s, ", (long long)days, (days == 1 || days == -1) ? "" : "s");
    int64_t secs = rest / US_PER_SEC;
    int64_t usec = rest % US_PER_SEC;
    mn_buf_printf(out, "%d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    if (usec)
        mn_buf_printf(out, ".%06d", (int)usec);
    return mn_buf_error(out);
}

const mn__tz_type *mn__tz_lookup(const mn_tz *tz, int64_t t)
{
    if (tz->ntrans == 0 || t < tz->trans[0])
        return &tz->types[tz->default_type];
    size_t lo = 0, hi = tz->ntrans; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return &tz->types[tz->trans_type[lo]];
}
