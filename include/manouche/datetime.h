/* Manouche: dates, times, datetimes and durations with microseconds, and time
 * zones from the system tz database. */
#ifndef MANOUCHE_DATETIME_H
#define MANOUCHE_DATETIME_H

#include <stdbool.h>
#include <stdint.h>
#include "manouche/error.h"
#include "manouche/str.h"

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
/* The zone named name from the system tz database ("Europe/Paris"), read
 * from $TZDIR/NAME or /usr/share/zoneinfo/NAME the first time it is asked
 * for and cached for the process (thread-safe, lock-free once loaded; the
 * pointer lives for the process). "UTC" gives mn_tz_utc(). Returns NULL with err set on a bad name
 * (MN_EINVAL: empty, absolute, "..", components starting with '.', odd
 * characters), an unknown zone (MN_ENOTFOUND), an unreadable file (MN_EIO)
 * or a malformed one (MN_EPARSE). Leap-second ("right/") zones are refused. */
const mn_tz *mn_tz_get(const char *name, mn_err *err);
/* Sets the process default zone (Django's TIME_ZONE) by name; NULL restores
 * Django's global default "America/Chicago". Returns MN_OK or mn_tz_get's
 * error (the default is then unchanged). Thread-safe. */
int mn_tz_set_default(const char *name, mn_err *err);
/* The default zone: the last one set, else America/Chicago (UTC when the tz
 * database is missing). Never NULL. Thread-safe. */
const mn_tz *mn_tz_default(void);
/* The system check for time zones: MN_OK when the tz database ($TZDIR or
 * /usr/share/zoneinfo, Debian's tzdata package) is present and readable and
 * the default zone loads; otherwise MN_ENOTFOUND/MN_EPARSE/MN_EIO with a
 * message saying what to install. Run it at startup (mn_tz_default()
 * silently falls back to UTC without the database). */
int mn_tz_check(mn_err *err);
/* Activates tz for the calling thread (Django's timezone.activate); NULL
 * deactivates. */
void mn_tz_activate(const mn_tz *tz);
/* The calling thread's active zone, else the default zone. Never NULL. */
const mn_tz *mn_tz_current(void);
/* The zone's name ("UTC", "UTC+05:30", "Europe/Paris"). */
const char *mn_tz_name(const mn_tz *tz);
/* Offset east of UTC in seconds in force at the instant utc_us
 * (microseconds since the epoch). Thread-safe, no allocation. */
int32_t mn_tz_offset_at(const mn_tz *tz, int64_t utc_us);
/* The zone's abbreviation at that instant ("UTC", "CET", "+0530"); the
 * string lives as long as the zone. */
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

/* Django's make_aware(value, tz, is_dst): what to do with a wall-clock
 * reading that happens twice (a fold, clocks going back) or never (a gap,
 * clocks going forward). */
typedef enum mn_is_dst {
    MN_IS_DST_NONE = 0, /* refuse: the error of pytz with is_dst=None */
    MN_IS_DST_FALSE,    /* fold: the standard-time (later) instant; gap:
                           read with the offset before the gap */
    MN_IS_DST_TRUE      /* fold: the DST (earlier) instant; gap: read with
                           the offset after the gap */
} mn_is_dst;

/* The instant that reads naive on the wall clock of tz (NULL: the current
 * zone), shown in tz. An ambiguous reading with MN_IS_DST_NONE is
 * MN_EMULTIPLE (pytz's AmbiguousTimeError), a non-existent one MN_ENOTFOUND
 * (NonExistentTimeError); an aware input is MN_EINVAL, an overflow of the
 * int64 microsecond count MN_ERANGE. In a gap the result
 * is the instant pytz gives, so its reading is moved by the size of the gap
 * (2:30 in a 2:00->3:00 gap reads 3:30 with is_dst false). */
int mn_datetime_make_aware(mn_datetime naive, const mn_tz *tz, mn_is_dst is_dst, mn_datetime *out, mn_err *err);
/* The same instant shown in tz (NULL: the current zone). A naive input is
 * MN_EINVAL, as Django's localtime() raises. */
int mn_datetime_localtime(mn_datetime dt, const mn_tz *tz, mn_datetime *out, mn_err *err);
/* The wall-clock reading of an aware dt in tz (NULL: the current zone), as a
 * naive datetime. A naive input is MN_EINVAL. */
int mn_datetime_make_naive(mn_datetime dt, const mn_tz *tz, mn_datetime *out, mn_err *err);
/* The current instant, aware in UTC, with microseconds (Django's
 * timezone.now() with USE_TZ). */
mn_datetime mn_datetime_now(void);
/* Today's date on the wall clock of tz (NULL: the current zone). */
mn_date mn_date_today(const mn_tz *tz);

/* ---- arithmetic ---- */

/* Lowest and highest datetimes (0001-01-01 00:00 and 9999-12-31
 * 23:59:59.999999), as microseconds. */
#define MN_DATETIME_MIN_US (INT64_C(-62135596800000000))
#define MN_DATETIME_MAX_US (INT64_C(253402300799999999))

/* dt + d into *out. Aware datetimes move by elapsed time (their zone is kept
 * and their reading follows it, like pytz's normalize()); naive ones move
 * on the wall clock. MN_ERANGE when the reading leaves years 1..9999 (the
 * result of Python's OverflowError). */
int mn_datetime_add(mn_datetime dt, mn_duration d, mn_datetime *out);
/* a - b into *out. MN_ETYPE when one is aware and the other naive. */
int mn_datetime_diff(mn_datetime a, mn_datetime b, mn_duration *out);
/* d + days into *out; MN_ERANGE outside years 1..9999. */
int mn_date_add_days(mn_date d, int64_t days, mn_date *out);
/* ISO 8601 calendar (Python's date.isocalendar()): the ISO year, week 1..53
 * and weekday 1 (Monday) .. 7 (Sunday). Any pointer may be NULL. */
void mn_date_isocalendar(mn_date d, int *iso_year, int *iso_week, int *iso_weekday);
/* Day of the year, 1..366. */
int mn_date_day_of_year(mn_date d);
/* Days in the month of year y (28..31); 0 for a bad month. */
int mn_date_days_in_month(int32_t year, int month);
/* Whole seconds since the epoch (floor). A naive datetime is read on the
 * wall clock of the default zone, like Python's time.mktime() under Django,
 * which sets TZ to TIME_ZONE (a fold takes its first instant, a gap the
 * offset before it). */
int64_t mn_datetime_timestamp(mn_datetime dt);
/* The aware datetime at seconds + usec/1e6 since the epoch, shown in tz
 * (NULL: UTC). MN_ERANGE outside years 1..9999, MN_EINVAL on usec outside
 * 0..999999. */
int mn_datetime_from_timestamp(int64_t seconds, int32_t usec, const mn_tz *tz, mn_datetime *out);

/* ---- parsing (django.utils.dateparse) ----
 * Like Django, text that does not have the expected shape is MN_EPARSE
 * (Django returns None) and text of the right shape that names an invalid
 * value (month 13, hour 25, an offset past 24 hours) is MN_EINVAL or
 * MN_ERANGE (Django raises ValueError/OverflowError), with Python's message
 * in err. Digits are ASCII only. A single trailing "\n" is accepted where
 * Django's patterns end in '$', as Python's re does. */

/* "YYYY-M[M]-D[D]". */
int mn_date_parse(mn_str s, mn_date *out, mn_err *err);
/* "H[H]:M[M][:S[S][.ffffff]]" (1 to 6 fraction digits are used, up to 6
 * more ignored; ',' works like '.'). As in Django 3.2 the pattern is not
 * anchored at the end: trailing text after a match is ignored. */
int mn_time_parse(mn_str s, mn_time *out, mn_err *err);
/* A date and a time separated by 'T' or ' ', optionally followed by 'Z'
 * (UTC) or an offset "+HH", "+HHMM", "+HH:MM" (a fixed zone from
 * mn_tz_fixed); without one the result is naive. */
int mn_datetime_parse(mn_str s, mn_datetime *out, mn_err *err);
/* Django's "[D [days, ]][[HH:]MM:]SS[.ffffff]" ("3 days, 10:15:30",
 * "-1 day, 23:00:00", "15:30", "30.5"), ISO 8601 "P4DT1H15M20S" /
 * "-P1DT2H" (fractions allowed in each part), or PostgreSQL's
 * "3 days 04:05:06[.ffffff]". Fractional values are computed exactly in
 * decimal and rounded half to even to the microsecond. MN_ERANGE past about
 * 106 751 991 days (the range of mn_duration, narrower than Python's). */
int mn_duration_parse(mn_str s, mn_duration *out, mn_err *err);

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
/* Django's duration_string(): "3 10:15:30.000001", "-1 23:00:00". */
int mn_duration_write_django(struct mn_buf *out, mn_duration d);
/* Django's duration_iso_string(): "P3DT10H15M30.000001S", "-P0DT01H00M00S". */
int mn_duration_write_iso(struct mn_buf *out, mn_duration d);

/* ---- Django's date formats (django.utils.dateformat) ----
 * Format characters of Django 3.2 with English names:
 *   a "a.m."/"p.m."  A "AM"/"PM"  b "jan"  c ISO 8601  d "01"  D "Fri"
 *   e zone name  E "January"  f "1", "1:30"  F "January"  g "1".."12"
 *   G "0".."23"  h "01".."12"  H "00".."23"  i "00".."59"  I DST "1"/"0"
 *   j "1".."31"  l "Friday"  L "True"/"False"  m "01"  M "Jan"  n "1"
 *   N "Jan.", "March", "Sept."  o ISO year  O "+0200"  P "4:30 a.m.",
 *   "noon", "midnight"  r RFC 5322  s "00".."59"  S "st", "nd", "rd", "th"
 *   t "28".."31"  T "CET"  u "000000"  U epoch seconds  w 0 (Sunday)..6
 *   W ISO week  y "99"  Y "1999"  z 1..366  Z offset in seconds
 * A backslash makes the next character literal. Naive datetimes are read in
 * the default zone for e/I/O/T/Z/U/r (as Django does); where the reading is
 * ambiguous or does not exist there, I, O, T and Z are empty and r fails.
 * A fixed-offset zone prints T as Django's get_fixed_timezone names it
 * ("+0530"). */
#define MN_DATE_FORMAT "N j, Y"
#define MN_DATETIME_FORMAT "N j, Y, P"
#define MN_TIME_FORMAT "P"
#define MN_SHORT_DATE_FORMAT "m/d/Y"
#define MN_SHORT_DATETIME_FORMAT "m/d/Y P"
/* Django's get_format(): the format of a setting name ("DATE_FORMAT",
 * "DATETIME_FORMAT", "TIME_FORMAT", "SHORT_DATE_FORMAT",
 * "SHORT_DATETIME_FORMAT"), or s itself for any other string. */
const char *mn_dateformat_get(const char *s);
/* Appends dt formatted with fmt (the date filter on a datetime). Errors go
 * to err: MN_EMULTIPLE/MN_ENOTFOUND for 'r' on a naive reading that is
 * ambiguous/non-existent in the default zone; else the buffer's error. */
int mn_datetime_format(struct mn_buf *out, mn_datetime dt, const char *fmt, mn_err *err);
/* The time filter on a datetime (Django's TimeFormat): time characters
 * only, with the zone of dt (e O T Z I work); a date character is
 * MN_EINVAL. */
int mn_datetime_format_time(struct mn_buf *out, mn_datetime dt, const char *fmt, mn_err *err);
/* Appends d formatted with fmt. A time-related character (a A e f g G h H i
 * O P r s T u Z) is MN_EINVAL: "The format for date objects may not contain
 * time-related format specifiers (found 'H')." as Django's TypeError. */
int mn_date_format(struct mn_buf *out, mn_date d, const char *fmt, mn_err *err);
/* Appends t formatted with fmt (the time filter; e O T Z print ""). A
 * date-related character is MN_EINVAL (where Django's time filter gives ""
 * after an AttributeError). */
int mn_time_format(struct mn_buf *out, mn_time t, const char *fmt, mn_err *err);

/* The names the format characters a A b D E F l M N P print, as Django's
 * translations of django.utils.dates give them in a language. */
typedef struct mn_date_names {
    const char *months[12];       /* F */
    const char *months_3[12];     /* b ("jan"); M is it with a capital */
    const char *months_3_cap[12]; /* M */
    const char *months_ap[12];    /* N */
    const char *months_alt[12];   /* E */
    const char *weekdays[7];      /* l, Monday first */
    const char *weekdays_abbr[7]; /* D */
    const char *am, *pm;          /* a, P ("a.m.") */
    const char *am_cap, *pm_cap;  /* A ("AM") */
    const char *midnight, *noon;  /* P */
} mn_date_names;
/* The names of language code lang ("fr", "fr-ca", "en-us"; NULL: English):
 * French or English (every other language). Static, thread-safe. */
const mn_date_names *mn_date_names_get(const char *lang);
/* mn_datetime_format, mn_datetime_format_time, mn_date_format and
 * mn_time_format with the names of a language (NULL: English). 'r' and 'S'
 * stay English, as in Django. */
int mn_datetime_format_names(struct mn_buf *out, mn_datetime dt, const char *fmt, const mn_date_names *names,
                             mn_err *err);
int mn_datetime_format_time_names(struct mn_buf *out, mn_datetime dt, const char *fmt, const mn_date_names *names,
                                  mn_err *err);
int mn_date_format_names(struct mn_buf *out, mn_date d, const char *fmt, const mn_date_names *names, mn_err *err);
int mn_time_format_names(struct mn_buf *out, mn_time t, const char *fmt, const mn_date_names *names, mn_err *err);

/* Django's timesince(d, now, depth): "2\u00a0days, 3\u00a0hours" (UTF-8
 * non-breaking spaces inside each part), "0\u00a0minutes" when d is not
 * before now. Dates are passed as naive datetimes at midnight. MN_ETYPE when
 * one is aware and the other naive; MN_EINVAL when depth <= 0. */
int mn_timesince(struct mn_buf *out, mn_datetime d, mn_datetime now, int depth, mn_err *err);
/* timeuntil: the time from now until d. */
int mn_timeuntil(struct mn_buf *out, mn_datetime d, mn_datetime now, int depth, mn_err *err);
/* humanize's naturaltime against now: "now", "a second ago", "29\u00a0seconds
 * ago", "an hour from now", "1\u00a0day, 2\u00a0hours ago". MN_ETYPE when one
 * is aware and the other naive. */
int mn_naturaltime(struct mn_buf *out, mn_datetime value, mn_datetime now, mn_err *err);
/* humanize's naturalday: "today", "tomorrow" or "yesterday" relative to
 * today, else value formatted with fmt (NULL: DATE_FORMAT; setting names are
 * accepted). For an aware datetime pass its local date and today in its
 * zone (mn_date_today(dt.tz)), as Django does. */
int mn_naturalday(struct mn_buf *out, mn_date value, mn_date today, const char *fmt, mn_err *err);

#endif
