/* django.utils.dateformat (the date and time template filters),
 * django.utils.timesince and humanize's naturaltime and naturalday, with
 * Django 3.2's English strings. */
#include <stdio.h>
#include <string.h>
#include "manouche/datetime.h"
#include "manouche/str.h"
#include "datetime_internal.h"

#define US_PER_SEC INT64_C(1000000)
#define NBSP "\xc2\xa0"

static const char *const weekdays_abbr[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static const mn_date_names names_en = {
    .months = { "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December" },
    .months_3 = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" },
    .months_3_cap = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" },
    .months_ap = { "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec." },
    .months_alt = { "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                    "November", "December" },
    .weekdays = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" },
    .weekdays_abbr = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" },
    .am = "a.m.", .pm = "p.m.", .am_cap = "AM", .pm_cap = "PM", .midnight = "midnight", .noon = "noon",
};

/* Django 3.2's French catalogue (locale/fr/LC_MESSAGES/django.po). */
static const mn_date_names names_fr = {
    .months = { "janvier", "f\xc3\xa9vrier", "mars", "avril", "mai", "juin", "juillet", "ao\xc3\xbbt", "septembre",
                "octobre", "novembre", "d\xc3\xa9" "cembre" },
    .months_3 = { "jan", "f\xc3\xa9v", "mar", "avr", "mai", "jui", "jul", "ao\xc3\xbb", "sep", "oct", "nov",
                  "d\xc3\xa9" "c" },
    .months_3_cap = { "Jan", "F\xc3\xa9v", "Mar", "Avr", "Mai", "Jui", "Jul", "Ao\xc3\xbb", "Sep", "Oct", "Nov",
                      "D\xc3\xa9" "c" },
    .months_ap = { "jan.", "f\xc3\xa9v.", "mars", "avr.", "mai", "juin", "juil.", "ao\xc3\xbbt", "sept.", "oct.",
                   "nov.", "d\xc3\xa9" "c." },
    .months_alt = { "Janvier", "F\xc3\xa9vrier", "Mars", "Avril", "Mai", "Juin", "Juillet", "Ao\xc3\xbbt", "Septembre",
                    "Octobre", "Novembre", "D\xc3\xa9" "cembre" },
    .weekdays = { "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche" },
    .weekdays_abbr = { "lun", "mar", "mer", "jeu", "ven", "sam", "dim" },
    .am = "matin", .pm = "apr\xc3\xa8s-midi", .am_cap = "Matin", .pm_cap = "Apr\xc3\xa8s-midi", .midnight = "minuit",
    .noon = "midi",
};

const mn_date_names *mn_date_names_get(const char *lang)
{
    if (lang && (lang[0] == 'f' || lang[0] == 'F') && (lang[1] == 'r' || lang[1] == 'R') &&
        (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
        return &names_fr;
    return &names_en;
}
static const char *const rfc_months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

const char *mn_dateformat_get(const char *s)
{
    static const struct {
        const char *name, *fmt;
    } named[] = {
        { "DATE_FORMAT", MN_DATE_FORMAT },
        { "DATETIME_FORMAT", MN_DATETIME_FORMAT },
        { "TIME_FORMAT", MN_TIME_FORMAT },
        { "SHORT_DATE_FORMAT", MN_SHORT_DATE_FORMAT },
        { "SHORT_DATETIME_FORMAT", MN_SHORT_DATETIME_FORMAT },
        { "YEAR_MONTH_FORMAT", "F Y" },
        { "MONTH_DAY_FORMAT", "F j" },
    };
    if (!s)
        return MN_DATE_FORMAT;
    /* every setting name ends in "FORMAT" */
    size_t n = strlen(s);
    if (n < 6 || memcmp(s + n - 6, "FORMAT", 6) != 0)
        return s;
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strcmp(s, named[i].name) == 0)
            return named[i].fmt;
    return s;
}

enum { KIND_DATE, KIND_TIME, KIND_DATETIME };
/* Which formatter: DateFormat (every character) or TimeFormat (time
 * characters only, the time filter). */
enum { MODE_DATE, MODE_TIME };

typedef struct fval {
    int kind;
    mn_date d;
    mn_time t;
    mn_datetime dt;
    const mn_tz *tz; /* Django's self.timezone: NULL for dates and times */
    /* Zone facts at this value: state 1 known, 2 ambiguous or imaginary. */
    int state;
    int32_t offset;
    int isdst;
    char abbrev[16];
    const mn_date_names *nm;
} fval;

static void fixed_name(char out[16], int32_t offset)
{
    /* Django's get_fixed_timezone(): "+0530". */
    int32_t m = offset / 60;
    int32_t a = m < 0 ? -m : m;
    snprintf(out, 16, "%c%02d%02d", m < 0 ? '-' : '+', (int)(a / 60 % 100), (int)(a % 60));
}

static void zone_facts(fval *v, const mn_tz *tz, int64_t utc_us)
{
    v->state = 1;
    v->offset = mn_tz_offset_at(tz, utc_us);
    if (tz->kind == MN__TZ_FIXED) {
        v->isdst = 0;
        if (tz == mn_tz_utc())
            memcpy(v->abbrev, "UTC", 4);
        else
            fixed_name(v->abbrev, tz->offset);
        return;
    }
    const mn__tz_type *ty = mn__tz_lookup(tz, mn__floordiv(utc_us, US_PER_SEC));
    v->isdst = ty->isdst;
    memcpy(v->abbrev, ty->abbrev, sizeof v->abbrev);
}

static void init_datetime(fval *v, mn_datetime dt)
{
    memset(v, 0, sizeof *v);
    v->kind = KIND_DATETIME;
    v->dt = dt;
    mn_datetime_fields(dt, &v->d, &v->t);
    if (dt.tz) {
        v->tz = dt.tz;
        zone_facts(v, dt.tz, dt.us);
        return;
    }
    /* A naive datetime is read in the default zone (TIME_ZONE). */
    v->tz = mn_tz_default();
    mn__tz_resolved r;
    mn__tz_resolve(v->tz, mn__floordiv(dt.us, US_PER_SEC), &r);
    if (r.n != 1) {
        v->state = 2;
        return;
    }
    zone_facts(v, v->tz, dt.us - (int64_t)r.off[0] * US_PER_SEC);
}

/* The format characters: 1 for dates, 3 for times too. */
static const unsigned char format_chars[128] = {
    ['a'] = 3, ['A'] = 3, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['D'] = 1, ['e'] = 3, ['E'] = 1, ['f'] = 3, ['F'] = 1,
    ['g'] = 3, ['G'] = 3, ['h'] = 3, ['H'] = 3, ['i'] = 3, ['I'] = 1, ['j'] = 1, ['l'] = 1, ['L'] = 1, ['m'] = 1,
    ['M'] = 1, ['n'] = 1, ['N'] = 1, ['o'] = 1, ['O'] = 3, ['P'] = 3, ['r'] = 1, ['s'] = 3, ['S'] = 1, ['t'] = 1,
    ['T'] = 3, ['u'] = 3, ['U'] = 1, ['w'] = 1, ['W'] = 1, ['y'] = 1, ['Y'] = 1, ['z'] = 1, ['Z'] = 3,
};

static bool is_format_char(char c) { return (unsigned char)c < 128 && format_chars[(unsigned char)c] != 0; }
static bool is_time_char(char c) { return (unsigned char)c < 128 && format_chars[(unsigned char)c] == 3; }

static void put_offset_hhmm(mn_buf *out, int32_t seconds)
{
    /* Django's 'O': sign, hours, minutes (seconds dropped). */
    int32_t a = seconds < 0 ? -seconds : seconds;
    mn_buf_printf(out, "%c%02d%02d", seconds < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60));
}

static int put_rfc5322(mn_buf *out, fval *v, mn_err *err)
{
    mn_datetime dt = v->dt;
    if (!dt.tz) {
        int rc = mn_datetime_make_aware(dt, v->tz, MN_IS_DST_NONE, &dt, err);
        if (rc)
            return rc;
    }
    mn_date d;
    mn_time t;
    mn_datetime_fields(dt, &d, &t);
    int32_t off = mn_tz_offset_at(dt.tz, dt.us);
    int32_t a = off < 0 ? -off : off;
    mn_buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d", weekdays_abbr[mn_date_weekday(d)], d.day,
                  rfc_months[d.month - 1], (int)d.year, t.hour, t.minute, t.second, off < 0 ? '-' : '+',
                  (int)(a / 3600), (int)(a / 60 % 60));
    if (a % 60)
        mn_buf_printf(out, "%02d", (int)(a % 60)); /* strftime("%z") keeps seconds */
    return MN_OK;
}

/* Appends v in decimal, zero-padded to width digits (printf's "%0*d"
 * for the non-negative values dates and times hold). */
static int put_num(mn_buf *out, int v, int width)
{
    if (v < 0)
        return mn_buf_printf(out, "%0*d", width, v);
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    char *dst = mn_buf_reserve(out, (size_t)n);
    if (!dst)
        return mn_buf_error(out);
    for (int k = 0; k < n; k++)
        dst[k] = tmp[n - 1 - k];
    mn_buf_commit(out, (size_t)n);
    return mn_buf_error(out);
}

static int put_char(mn_buf *out, fval *v, char c, mn_err *err)
{
    const mn_date *d = &v->d;
    const mn_time *t = &v->t;
    const mn_date_names *nm = v->nm ? v->nm : &names_en;
    int g = t->hour % 12 ? t->hour % 12 : 12;
    switch (c) {
    case 'a':
        return mn_buf_puts(out, t->hour > 11 ? nm->pm : nm->am);
    case 'A':
        return mn_buf_puts(out, t->hour > 11 ? nm->pm_cap : nm->am_cap);
    case 'b':
        return mn_buf_puts(out, nm->months_3[d->month - 1]);
    case 'c':
        if (v->kind == KIND_DATE)
            return mn_date_write(out, *d);
        return mn_datetime_write(out, v->dt, 'T');
    case 'd':
        return put_num(out, d->day, 2);
    case 'D':
        return mn_buf_puts(out, nm->weekdays_abbr[mn_date_weekday(*d)]);
    case 'e':
        /* The datetime's own tzname(): empty for naive values. */
        if (v->kind != KIND_DATETIME || !v->dt.tz)
            return MN_OK;
        return mn_buf_puts(out, v->abbrev);
    case 'E':
        return mn_buf_puts(out, nm->months_alt[d->month - 1]);
    case 'F':
        return mn_buf_puts(out, nm->months[d->month - 1]);
    case 'f':
        if (t->minute == 0)
            return put_num(out, g, 1);
        return mn_buf_printf(out, "%d:%02d", g, t->minute);
    case 'g':
        return put_num(out, g, 1);
    case 'G':
        return put_num(out, t->hour, 1);
    case 'h':
        return put_num(out, g, 2);
    case 'H':
        return put_num(out, t->hour, 2);
    case 'i':
        return put_num(out, t->minute, 2);
    case 'I':
        if (!v->tz || v->state != 1)
            return MN_OK;
        return mn_buf_puts(out, v->isdst ? "1" : "0");
    case 'j':
        return put_num(out, d->day, 1);
    case 'l':
        return mn_buf_puts(out, nm->weekdays[mn_date_weekday(*d)]);
    case 'L':
        return mn_buf_puts(out, mn_date_days_in_month(d->year, 2) == 29 ? "True" : "False");
    case 'm':
        return put_num(out, d->month, 2);
    case 'M':
        return mn_buf_puts(out, nm->months_3_cap[d->month - 1]);
    case 'n':
        return put_num(out, d->month, 1);
    case 'N':
        return mn_buf_puts(out, nm->months_ap[d->month - 1]);
    case 'o': {
        int iy;
        mn_date_isocalendar(*d, &iy, NULL, NULL);
        return put_num(out, iy, 1);
    }
    case 'O':
        if (!v->tz || v->state != 1)
            return MN_OK;
        put_offset_hhmm(out, v->offset);
        return mn_buf_error(out);
    case 'P':
        if (t->minute == 0 && t->hour == 0)
            return mn_buf_puts(out, nm->midnight);
        if (t->minute == 0 && t->hour == 12)
            return mn_buf_puts(out, nm->noon);
        if (t->minute == 0)
            return mn_buf_printf(out, "%d %s", g, t->hour > 11 ? nm->pm : nm->am);
        return mn_buf_printf(out, "%d:%02d %s", g, t->minute, t->hour > 11 ? nm->pm : nm->am);
    case 'r':
        return put_rfc5322(out, v, err);
    case 's':
        return put_num(out, t->second, 2);
    case 'S': {
        int day = d->day;
        if (day == 11 || day == 12 || day == 13)
            return mn_buf_puts(out, "th");
        int last = day % 10;
        return mn_buf_puts(out, last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th");
    }
    case 't':
        return put_num(out, mn_date_days_in_month(d->year, d->month), 2);
    case 'T':
        /* Ambiguous or imaginary: Django falls back to 'O', itself empty. */
        if (!v->tz || v->state != 1)
            return MN_OK;
        return mn_buf_puts(out, v->abbrev);
    case 'u':
        return put_num(out, (int)t->usec, 6);
    case 'U': {
        mn_datetime x = v->kind == KIND_DATE ? mn_datetime_naive(*d, (mn_time){ 0, 0, 0, 0 }) : v->dt;
        return mn_buf_put_i64(out, mn_datetime_timestamp(x));
    }
    case 'w':
        return put_num(out, (mn_date_weekday(*d) + 1) % 7, 1);
    case 'W': {
        int iw;
        mn_date_isocalendar(*d, NULL, &iw, NULL);
        return put_num(out, iw, 1);
    }
    case 'y':
        return put_num(out, (int)(d->year % 100), 2);
    case 'Y':
        return put_num(out, (int)d->year, 1);
    case 'z':
        return put_num(out, mn_date_day_of_year(*d), 1);
    case 'Z':
        if (!v->tz || v->state != 1)
            return MN_OK;
        return put_num(out, (int)v->offset, 1);
    default:
        return MN_OK;
    }
}

static int run_format(mn_buf *out, fval *v, int mode, const char *fmt, mn_err *err)
{
    if (!fmt)
        return mn_err_set(err, MN_EINVAL, "date format is NULL");
    size_t n = strlen(fmt);
    for (size_t i = 0; i < n; i++) {
        char c = fmt[i];
        /* A format character unless the byte before it is a backslash
         * (Django's (?<!\\) look-behind, on the raw string). */
        if (is_format_char(c) && (i == 0 || fmt[i - 1] != '\\')) {
            if (v->kind == KIND_DATE && (is_time_char(c) || c == 'r'))
                return mn_err_set(err, MN_EINVAL,
                                  "The format for date objects may not contain time-related format specifiers "
                                  "(found '%c').",
                                  c);
            if ((v->kind == KIND_TIME || mode == MODE_TIME) && !is_time_char(c))
                return mn_err_set(err, MN_EINVAL,
                                  "The format for time objects may not contain date-related format specifiers "
                                  "(found '%c').",
                                  c);
            int rc = put_char(out, v, c, err);
            if (rc)
                return rc;
            continue;
        }
        /* Literal text: "\x" gives x (any byte but a newline). */
        if (c == '\\' && i + 1 < n && fmt[i + 1] != '\n') {
            mn_buf_putc(out, fmt[i + 1]);
            i++;
            continue;
        }
        mn_buf_putc(out, c);
    }
    int rc = mn_buf_error(out);
    return rc ? mn_err_set(err, rc, "date format: output buffer %s", mn_strerror(rc)) : MN_OK;
}

int mn_datetime_format_names(mn_buf *out, mn_datetime dt, const char *fmt, const mn_date_names *names, mn_err *err)
{
    fval v;
    init_datetime(&v, dt);
    v.nm = names;
    return run_format(out, &v, MODE_DATE, fmt, err);
}

int mn_datetime_format_time_names(mn_buf *out, mn_datetime dt, const char *fmt, const mn_date_names *names,
                                  mn_err *err)
{
    fval v;
    init_datetime(&v, dt);
    v.nm = names;
    return run_format(out, &v, MODE_TIME, fmt, err);
}

int mn_date_format_names(mn_buf *out, mn_date d, const char *fmt, const mn_date_names *names, mn_err *err)
{
    fval v;
    memset(&v, 0, sizeof v);
    v.kind = KIND_DATE;
    v.d = d;
    v.nm = names;
    return run_format(out, &v, MODE_DATE, fmt, err);
}

int mn_time_format_names(mn_buf *out, mn_time t, const char *fmt, const mn_date_names *names, mn_err *err)
{
    fval v;
    memset(&v, 0, sizeof v);
    v.kind = KIND_TIME;
    v.d = (mn_date){ 1900, 1, 1 };
    v.t = t;
    v.nm = names;
    return run_format(out, &v, MODE_TIME, fmt, err);
}

int mn_datetime_format(mn_buf *out, mn_datetime dt, const char *fmt, mn_err *err)
{
    return mn_datetime_format_names(out, dt, fmt, NULL, err);
}

int mn_datetime_format_time(mn_buf *out, mn_datetime dt, const char *fmt, mn_err *err)
{
    return mn_datetime_format_time_names(out, dt, fmt, NULL, err);
}

int mn_date_format(mn_buf *out, mn_date d, const char *fmt, mn_err *err)
{
    return mn_date_format_names(out, d, fmt, NULL, err);
}

int mn_time_format(mn_buf *out, mn_time t, const char *fmt, mn_err *err)
{
    return mn_time_format_names(out, t, fmt, NULL, err);
}

/* ---- timesince ---- */

static int64_t leapdays(int64_t y1, int64_t y2)
{
    /* calendar.leapdays: leap years in [y1, y2). */
    y1--;
    y2--;
    return (mn__floordiv(y2, 4) - mn__floordiv(y1, 4)) - (mn__floordiv(y2, 100) - mn__floordiv(y1, 100)) +
           (mn__floordiv(y2, 400) - mn__floordiv(y1, 400));
}

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int timesince_impl(mn_buf *out, mn_datetime d, mn_datetime now, bool reversed, int depth, mn_err *err)
{
    if (depth <= 0)
        return mn_err_set(err, MN_EINVAL, "depth must be greater than 0.");
    if ((d.tz == NULL) != (now.tz == NULL))
        return mn_err_set(err, MN_ETYPE, "can't subtract offset-naive and offset-aware datetimes");
    if (reversed) {
        mn_datetime x = d;
        d = now;
        now = x;
    }
    mn_date dd, nd;
    mn_datetime_fields(d, &dd, NULL);
    mn_datetime_fields(now, &nd, NULL);
    int64_t ld = leapdays(dd.year, nd.year);
    if (ld != 0) {
        if (leap(dd.year))
            ld -= 1;
        else if (leap(nd.year))
            ld += 1;
    }
    /* Both are within years 1..9999, so this cannot overflow. */
    int64_t delta = now.us - d.us - ld * 86400 * US_PER_SEC;
    int64_t since = mn__floordiv(delta, US_PER_SEC);
    static const struct {
        int64_t seconds;
        const char *one, *many;
    } chunks[] = {
        { 60 * 60 * 24 * 365, "year", "years" }, { 60 * 60 * 24 * 30, "month", "months" },
        { 60 * 60 * 24 * 7, "week", "weeks" },   { 60 * 60 * 24, "day", "days" },
        { 60 * 60, "hour", "hours" },            { 60, "minute", "minutes" },
    };
    const size_t nchunks = sizeof chunks / sizeof chunks[0];
    size_t i = 0;
    while (since > 0 && i < nchunks && since / chunks[i].seconds == 0)
        i++;
    if (since <= 0 || i == nchunks) {
        mn_buf_puts(out, "0" NBSP "minutes");
        return mn_buf_error(out);
    }
    int shown = 0;
    while (i < nchunks && shown < depth) {
        int64_t count = since / chunks[i].seconds;
        if (count == 0)
            break;
        if (shown)
            mn_buf_puts(out, ", ");
        mn_buf_printf(out, "%lld" NBSP "%s", (long long)count, count == 1 ? chunks[i].one : chunks[i].many);
        since -= chunks[i].seconds * count;
        shown++;
        i++;
    }
    return mn_buf_error(out);
}

int mn_timesince(mn_buf *out, mn_datetime d, mn_datetime now, int depth, mn_err *err)
{
    return timesince_impl(out, d, now, false, depth, err);
}

int mn_timeuntil(mn_buf *out, mn_datetime d, mn_datetime now, int depth, mn_err *err)
{
    return timesince_impl(out, d, now, true, depth, err);
}

/* ---- humanize ---- */

int mn_naturaltime(mn_buf *out, mn_datetime value, mn_datetime now, mn_err *err)
{
    if ((value.tz == NULL) != (now.tz == NULL))
        return mn_err_set(err, MN_ETYPE, "can't compare offset-naive and offset-aware datetimes");
    bool past = value.us < now.us;
    int64_t delta = past ? now.us - value.us : value.us - now.us;
    int64_t total = delta / US_PER_SEC;
    int64_t days = total / 86400, seconds = total % 86400;
    const char *dir = past ? "ago" : "from now";
    if (days != 0) {
        int rc = past ? mn_timesince(out, value, now, 2, err) : mn_timeuntil(out, value, now, 2, err);
        if (rc)
            return rc;
        mn_buf_printf(out, " %s", dir);
    } else if (seconds == 0) {
        mn_buf_puts(out, "now");
    } else if (seconds < 60) {
        if (seconds == 1)
            mn_buf_printf(out, "a second %s", dir);
        else
            mn_buf_printf(out, "%lld" NBSP "seconds %s", (long long)seconds, dir);
    } else if (seconds / 60 < 60) {
        int64_t count = seconds / 60;
        if (count == 1)
            mn_buf_printf(out, "a minute %s", dir);
        else
            mn_buf_printf(out, "%lld" NBSP "minutes %s", (long long)count, dir);
    } else {
        int64_t count = seconds / 3600;
        if (count == 1)
            mn_buf_printf(out, "an hour %s", dir);
        else
            mn_buf_printf(out, "%lld" NBSP "hours %s", (long long)count, dir);
    }
    return mn_buf_error(out);
}

int mn_naturalday(mn_buf *out, mn_date value, mn_date today, const char *fmt, mn_err *err)
{
    int64_t delta = mn_date_to_days(value) - mn_date_to_days(today);
    if (delta == 0)
        return mn_buf_puts(out, "today");
    if (delta == 1)
        return mn_buf_puts(out, "tomorrow");
    if (delta == -1)
        return mn_buf_puts(out, "yesterday");
    return mn_date_format(out, value, mn_dateformat_get(fmt), err);
}
