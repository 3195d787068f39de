/* Manouche: dates, times, datetimes and durations with microseconds, and time
 * zones from the system tz database. */
#ifndef MANOUCHE_DATETIME_H
#define MANOUCHE_DATETIME_H

#include <stdbool.h>
#include <stdint.h>
#include "manouche/error.h"

/* A time zone loaded from the tz database (or UTC, or a fixed offset).
 * Zones are loaded once and live for the whole process. */
typedef struct mn_tz mn_tz;

/* A calendar date in the proleptic Gregorian calendar, years 1..9999. */
typedef struct mn_date {
    int32_t year;
    int8_t month; /* 1..12 */
    int8_t day;   /* 1..31 */
} mn_date;

/* A time of day with microseconds (naive). */
typedef struct mn_time {
    int8_t hour;   /* 0..23 */
    int8_t minute; /* 0..59 */
    int8_t second; /* 0..59 */
    int32_t usec;  /* 0..999999 */
} mn_time;

/* A point in time. Aware datetimes (tz not NULL) hold microseconds since
 * 1970-01-01T00:00:00Z and the zone they are shown in; naive ones (tz NULL)
 * hold the wall-clock reading as if it were UTC. */
typedef struct mn_datetime {
    int64_t us;
    const mn_tz *tz;
} mn_datetime;

/* A signed duration in microseconds (Django's DurationField, timedelta). */
typedef struct mn_duration {
    int64_t us;
} mn_duration;

/* ---- calendar arithmetic ---- */

/* Days since 1970-01-01 of a date (negative before). */
int64_t mn_date_to_days(mn_date d);
/* The date that is days after 1970-01-01. */
mn_date mn_date_from_days(int64_t days);
/* True when y-m-d names a real date in years 1..9999. */
bool mn_date_valid(int32_t year, int month, int day);
/* Monday = 0 .. Sunday = 6, like Python's date.weekday(). */
int mn_date_weekday(mn_date d);
/* <0, 0, >0. */
int mn_date_cmp(mn_date a, mn_date b);
/* Microseconds since midnight. */
int64_t mn_time_to_us(mn_time t);
int mn_time_cmp(mn_time a, mn_time b);

/* ---- time zones ---- */

/* The UTC zone. Never NULL; lives for the process. */
const mn_tz *mn_tz_utc(void);
/* A zone at a fixed offset east of UTC, in seconds (-86399..86399), named
 * like Python's timezone ("UTC+05:30"). Zones are interned: the same offset
 * gives the same pointer. NULL on an out-of-range offset or out of memory. */
const mn_tz *mn_tz_fixed(int32_t offset_seconds);
/* The zone's name ("UTC", "UTC+05:30", "Europe/Paris"). */
const char *mn_tz_name(const mn_tz *tz);
/* Offset east of UTC in seconds in force at the instant utc_us
 * (microseconds since the epoch). */
int32_t mn_tz_offset_at(const mn_tz *tz, int64_t utc_us);
/* The zone's abbreviation at that instant ("UTC", "CET", "+0530"). */
const char *mn_tz_abbrev_at(const mn_tz *tz, int64_t utc_us);

/* ---- datetimes ---- */

/* Wall-clock fields of dt: in its own zone when aware, as stored when naive. */
void mn_datetime_fields(mn_datetime dt, mn_date *date, mn_time *time);
/* A naive datetime from fields. */
mn_datetime mn_datetime_naive(mn_date date, mn_time time);
/* <0, 0, >0 by instant (aware) or by reading (naive). *result is set and
 * MN_OK returned; comparing an aware with a naive datetime is MN_ETYPE, as
 * Python raises TypeError. */
int mn_datetime_cmp(mn_datetime a, mn_datetime b, int *result);

/* ---- str() as Python prints it ---- */
struct mn_buf;
/* "2024-01-05" */
int mn_date_write(struct mn_buf *out, mn_date d);
/* "10:30:00" or "10:30:00.250000" */
int mn_time_write(struct mn_buf *out, mn_time t);
/* "2024-01-05 10:30:00", aware: "2024-01-05 10:30:00+01:00" (sep ' ').
 * With sep 'T' it is isoformat(). */
int mn_datetime_write(struct mn_buf *out, mn_datetime dt, char sep);
/* Python's str(timedelta): "0:00:01", "1 day, 2:03:04.000005",
 * "-1 day, 23:59:59". */
int mn_duration_write(struct mn_buf *out, mn_duration d);

#endif
