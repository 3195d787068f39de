/* Dates, times, datetimes, durations; UTC and fixed-offset zones. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "manouche/datetime.h"
#include "manouche/str.h"
#include "datetime_internal.h"

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

/* Floor division and modulo for negative microsecond counts. */
int64_t mn__floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t floormod(int64_t a, int64_t b) { return a - mn__floordiv(a, b) * b; }

/* Days from civil (H. Hinnant's well-known algorithm, written out here). */
int64_t mn_date_to_days(mn_date d)
{
    int64_t y = d.year - (d.month <= 2);
    int64_t era = mn__floordiv(y, 400);
    int64_t yoe = y - era * 400;
    int64_t m = d.month;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

mn_date mn_date_from_days(int64_t z)
{
    z += 719468;
    int64_t era = mn__floordiv(z, 146097);
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
    return mn__tz_lookup(tz, mn__floordiv(utc_us, US_PER_SEC))->offset;
}

const char *mn_tz_abbrev_at(const mn_tz *tz, int64_t utc_us)
{
    if (!tz)
        return "";
    if (tz->kind == MN__TZ_FIXED)
        return tz->abbrev;
    return mn__tz_lookup(tz, mn__floordiv(utc_us, US_PER_SEC))->abbrev;
}

/* ---- datetimes ---- */

void mn_datetime_fields(mn_datetime dt, mn_date *date, mn_time *time)
{
    int64_t local = dt.us;
    if (dt.tz)
        local += (int64_t)mn_tz_offset_at(dt.tz, dt.us) * US_PER_SEC;
    int64_t days = mn__floordiv(local, US_PER_DAY);
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
    int64_t days = mn__floordiv(d.us, US_PER_DAY);
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

int mn_duration_write_django(mn_buf *out, mn_duration d)
{
    int64_t days = mn__floordiv(d.us, US_PER_DAY);
    int64_t rest = floormod(d.us, US_PER_DAY);
    int64_t secs = rest / US_PER_SEC, usec = rest % US_PER_SEC;
    if (days)
        mn_buf_printf(out, "%lld ", (long long)days);
    mn_buf_printf(out, "%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    if (usec)
        mn_buf_printf(out, ".%06d", (int)usec);
    return mn_buf_error(out);
}

int mn_duration_write_iso(mn_buf *out, mn_duration d)
{
    /* |INT64_MIN| does not fit: work on the unsigned magnitude. */
    uint64_t mag = d.us < 0 ? (uint64_t)0 - (uint64_t)d.us : (uint64_t)d.us;
    uint64_t days = mag / (uint64_t)US_PER_DAY, rest = mag % (uint64_t)US_PER_DAY;
    uint64_t secs = rest / (uint64_t)US_PER_SEC, usec = rest % (uint64_t)US_PER_SEC;
    mn_buf_printf(out, "%sP%lluDT%02dH%02dM%02d", d.us < 0 ? "-" : "", (unsigned long long)days,
                  (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    if (usec)
        mn_buf_printf(out, ".%06d", (int)usec);
    mn_buf_putc(out, 'S');
    return mn_buf_error(out);
}

/* ---- now and arithmetic ---- */

mn_datetime mn_datetime_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    mn_datetime dt = { (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000, mn_tz_utc() };
    return dt;
}

/* The wall-clock reading of dt in microseconds. */
static int64_t reading_us(mn_datetime dt)
{
    if (!dt.tz)
        return dt.us;
    return dt.us + (int64_t)mn_tz_offset_at(dt.tz, dt.us) * US_PER_SEC;
}

int mn_datetime_add(mn_datetime dt, mn_duration d, mn_datetime *out)
{
    int64_t r;
    if (__builtin_add_overflow(dt.us, d.us, &r))
        return MN_ERANGE;
    mn_datetime res = { r, dt.tz };
    /* Both the instant and the reading must stay within years 1..9999. */
    if (r < MN_DATETIME_MIN_US - US_PER_DAY || r > MN_DATETIME_MAX_US + US_PER_DAY)
        return MN_ERANGE;
    int64_t rd = reading_us(res);
    if (rd < MN_DATETIME_MIN_US || rd > MN_DATETIME_MAX_US)
        return MN_ERANGE;
    *out = res;
    return MN_OK;
}

int mn_datetime_diff(mn_datetime a, mn_datetime b, mn_duration *out)
{
    if ((a.tz == NULL) != (b.tz == NULL))
        return MN_ETYPE;
    int64_t r;
    if (__builtin_sub_overflow(a.us, b.us, &r))
        return MN_ERANGE;
    out->us = r;
    return MN_OK;
}

int mn_date_add_days(mn_date d, int64_t days, mn_date *out)
{
    /* 0001-01-01 .. 9999-12-31 as days since the epoch. */
    const int64_t lo = -719162, hi = 2932896;
    int64_t x = mn_date_to_days(d);
    if (days < lo - hi || days > hi - lo || x + days < lo || x + days > hi)
        return MN_ERANGE;
    *out = mn_date_from_days(x + days);
    return MN_OK;
}

int mn_date_days_in_month(int32_t year, int month)
{
    if (month < 1 || month > 12)
        return 0;
    return days_in_month(year, month);
}

int mn_date_day_of_year(mn_date d)
{
    return (int)(mn_date_to_days(d) - mn_date_to_days((mn_date){ d.year, 1, 1 })) + 1;
}

void mn_date_isocalendar(mn_date d, int *iso_year, int *iso_week, int *iso_weekday)
{
    int wd = mn_date_weekday(d);
    /* The ISO year is the year of the Thursday of the week. */
    mn_date thu = mn_date_from_days(mn_date_to_days(d) - wd + 3);
    if (iso_year)
        *iso_year = thu.year;
    if (iso_week)
        *iso_week = (mn_date_day_of_year(thu) - 1) / 7 + 1;
    if (iso_weekday)
        *iso_weekday = wd + 1;
}

int64_t mn_datetime_timestamp(mn_datetime dt)
{
    int64_t us = dt.us;
    if (!dt.tz) {
        /* mktime(): a fold takes its first instant, a gap the offset in
         * force before it. */
        mn__tz_resolved r;
        mn__tz_resolve(mn_tz_default(), mn__floordiv(dt.us, US_PER_SEC), &r);
        us -= (int64_t)r.off[0] * US_PER_SEC;
    }
    return mn__floordiv(us, US_PER_SEC);
}

int mn_datetime_from_timestamp(int64_t seconds, int32_t usec, const mn_tz *tz, mn_datetime *out)
{
    if (usec < 0 || usec >= US_PER_SEC)
        return MN_EINVAL;
    const int64_t lim = MN_DATETIME_MAX_US / US_PER_SEC + 2 * 86400;
    if (seconds < -lim || seconds > lim)
        return MN_ERANGE;
    mn_datetime dt = { seconds * US_PER_SEC + usec, tz ? tz : mn_tz_utc() };
    int64_t rd = reading_us(dt);
    if (rd < MN_DATETIME_MIN_US || rd > MN_DATETIME_MAX_US)
        return MN_ERANGE;
    *out = dt;
    return MN_OK;
}
