#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

/* Tables generated from django.utils.dateparse (Django 3.2): MN_EPARSE where
 * Django returns None, MN_EINVAL where it raises ValueError, MN_ERANGE for
 * OverflowError (and durations past mn_duration's range). */
static const struct { const char *in; int rc; int y, m, d; } date_cases[] = {
    { "2012-04-23", MN_OK, 2012, 4, 23 },
    { "2012-4-9", MN_OK, 2012, 4, 9 },
    { "20120423", MN_EPARSE, 0, 0, 0 },
    { "2012-04-56", MN_EINVAL, 0, 0, 0 },
    { "2012-02-30", MN_EINVAL, 0, 0, 0 },
    { "2012-13-01", MN_EINVAL, 0, 0, 0 },
    { "0000-01-01", MN_EINVAL, 0, 0, 0 },
    { "2012-04-23\x0a""", MN_OK, 2012, 4, 23 },
    { "2012-04-23\x0a""\x0a""", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23 ", MN_EPARSE, 0, 0, 0 },
    { "2012-04-2", MN_OK, 2012, 4, 2 },
    { "2012-04-234", MN_EPARSE, 0, 0, 0 },
    { "12-04-23", MN_EPARSE, 0, 0, 0 },
    { "2012/04/23", MN_EPARSE, 0, 0, 0 },
    { "", MN_EPARSE, 0, 0, 0 },
    { "2012-04-", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T10:00", MN_EPARSE, 0, 0, 0 },
    { "99999-01-01", MN_EPARSE, 0, 0, 0 },
    { "2000-02-29", MN_OK, 2000, 2, 29 },
    { "1900-02-29", MN_EINVAL, 0, 0, 0 },
};
static const struct { const char *in; int rc; int h, mi, s, us; } time_cases[] = {
    { "09:15:00", MN_OK, 9, 15, 0, 0 },
    { "10:10", MN_OK, 10, 10, 0, 0 },
    { "10:20:30.400", MN_OK, 10, 20, 30, 400000 },
    { "10:20:30,400", MN_OK, 10, 20, 30, 400000 },
    { "4:8:16", MN_OK, 4, 8, 16, 0 },
    { "00:05:23+04:00", MN_OK, 0, 5, 23, 0 },
    { "091500", MN_EPARSE, 0, 0, 0, 0 },
    { "09:15:90", MN_EINVAL, 0, 0, 0, 0 },
    { "24:00", MN_EINVAL, 0, 0, 0, 0 },
    { "10:60", MN_EINVAL, 0, 0, 0, 0 },
    { "10:20:30.", MN_OK, 10, 20, 30, 0 },
    { "10:20:30.1234567", MN_OK, 10, 20, 30, 123456 },
    { "10:20:30.1234567890123", MN_OK, 10, 20, 30, 123456 },
    { "10:123", MN_OK, 10, 12, 0, 0 },
    { "1:2", MN_OK, 1, 2, 0, 0 },
    { "10:20:3x", MN_OK, 10, 20, 3, 0 },
    { "abc", MN_EPARSE, 0, 0, 0, 0 },
    { "10", MN_EPARSE, 0, 0, 0, 0 },
    { "10:", MN_EPARSE, 0, 0, 0, 0 },
    { "10:20:", MN_OK, 10, 20, 0, 0 },
    { "7:08:09.000001", MN_OK, 7, 8, 9, 1 },
    { "23:59:59.999999", MN_OK, 23, 59, 59, 999999 },
    { "10:20:30.0000001", MN_OK, 10, 20, 30, 0 },
};
static const struct { const char *in; int rc; long long us; int naive; int off; } datetime_cases[] = {
    { "2012-04-23T09:15:00", MN_OK, 1335172500000000LL, 1, 0 },
    { "2012-4-9 4:8:16", MN_OK, 1333944496000000LL, 1, 0 },
    { "2012-04-23T09:15:00Z", MN_OK, 1335172500000000LL, 0, 0 },
    { "2012-4-9 4:8:16-0320", MN_OK, 1333956496000000LL, 0, -12000 },
    { "2012-04-23T10:20:30.400+02:30", MN_OK, 1335167430400000LL, 0, 9000 },
    { "2012-04-23T10:20:30.400+02", MN_OK, 1335169230400000LL, 0, 7200 },
    { "2012-04-23T10:20:30.400-02", MN_OK, 1335183630400000LL, 0, -7200 },
    { "2012-04-23T10:20:30,400-02", MN_OK, 1335183630400000LL, 0, -7200 },
    { "2012-04-23T10:20:30.400 +0230", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T10:20:30.400 +02:30", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T10:20:30.400 -02", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T10:20:30.400 -02", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T10:20:30.400 -02 ", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T10:20:30.400 02", MN_EPARSE, 0, 0, 0 },
    { "2012-04-56T09:15:90", MN_EINVAL, 0, 0, 0 },
    { "2012-04-23T09:15:00+24:00", MN_EINVAL, 0, 0, 0 },
    { "2012-04-23T09:15:00-23:59", MN_OK, 1335258840000000LL, 0, -86340 },
    { "2012-04-23T09:15:00+02:99", MN_OK, 1335159360000000LL, 0, 13140 },
    { "2012-04-23T09:15:00+023", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T09:15:00+02:3", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T09:15", MN_OK, 1335172500000000LL, 1, 0 },
    { "2012-04-23T9:5", MN_OK, 1335171900000000LL, 1, 0 },
    { "2012-04-23 09:15:00\x0a""", MN_OK, 1335172500000000LL, 1, 0 },
    { "2012-04-23x09:15:00", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T09:15:00.", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T09:15:00.1234567890123", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T09:15:00.123456789012", MN_OK, 1335172500123456LL, 1, 0 },
    { "2012-04-23T09:150", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T25:15:00", MN_EINVAL, 0, 0, 0 },
    { "2012-02-30T09:15:00+01:00", MN_EINVAL, 0, 0, 0 },
    { "2012-04-23T09:15:00+99", MN_EINVAL, 0, 0, 0 },
    { "0001-01-01T00:00:00+01:00", MN_OK, -62135600400000000LL, 0, 3600 },
    { "9999-12-31T23:59:59.999999Z", MN_OK, 253402300799999999LL, 0, 0 },
    { "2012-04-23T09:15:00z", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T09:15:00+05:30", MN_OK, 1335152700000000LL, 0, 19800 },
    { "20120423091500", MN_EPARSE, 0, 0, 0 },
    { "2012-04-23T09:15:00-00:00", MN_OK, 1335172500000000LL, 0, 0 },
    { "2012-04-23T09:15:00+00", MN_OK, 1335172500000000LL, 0, 0 },
    { "2012-04-23 09:15:00.000001-01:30", MN_OK, 1335177900000001LL, 0, -5400 },
    { "2012-04-23T09:15:00+0530\x0a""", MN_OK, 1335152700000000LL, 0, 19800 },
};
static const struct { const char *in; int rc; long long us; } duration_cases[] = {
    { "30", MN_OK, 30000000LL },
    { "15:30", MN_OK, 930000000LL },
    { "10:15:30", MN_OK, 36930000000LL },
    { "1 10:15:30", MN_OK, 123330000000LL },
    { "1 day, 10:15:30", MN_OK, 123330000000LL },
    { "2 days, 10:15:30", MN_OK, 209730000000LL },
    { "-1 day, 23:00:00", MN_OK, -3600000000LL },
    { "-15:30", MN_OK, -930000000LL },
    { "-1 -15:30", MN_OK, -87330000000LL },
    { "10:15:30.1", MN_OK, 36930100000LL },
    { "10:15:30,1", MN_OK, 36930100000LL },
    { "10:15:30.123456", MN_OK, 36930123456LL },
    { "10:15:30.1234567", MN_OK, 36930123456LL },
    { "15:30.000001", MN_OK, 930000001LL },
    { "-15:30.1", MN_OK, -930100000LL },
    { "1 day 10:15:30", MN_OK, 123330000000LL },
    { "3 days 04:05:06", MN_OK, 273906000000LL },
    { "-3 days -04:05:06", MN_OK, -273906000000LL },
    { "3 days +04:05:06.123", MN_OK, 273906123000LL },
    { "3 day 04:05:06", MN_OK, 273906000000LL },
    { "3 days", MN_OK, 259200000000LL },
    { "1 day", MN_OK, 86400000000LL },
    { "04:05:06.1234567", MN_OK, 14706123456LL },
    { "3 days04:05:06", MN_OK, 273906000000LL },
    { "P4Y", MN_EPARSE, 0LL },
    { "P4M", MN_EPARSE, 0LL },
    { "P4W", MN_EPARSE, 0LL },
    { "P4D", MN_OK, 345600000000LL },
    { "P0.5D", MN_OK, 43200000000LL },
    { "P0,5D", MN_OK, 43200000000LL },
    { "PT5H", MN_OK, 18000000000LL },
    { "PT5M", MN_OK, 300000000LL },
    { "PT5S", MN_OK, 5000000LL },
    { "PT0.000005S", MN_OK, 5LL },
    { "PT0.0000005S", MN_OK, 0LL },
    { "PT0.0000015S", MN_OK, 2LL },
    { "P4DT1H15M20S", MN_OK, 350120000000LL },
    { "-P4DT1H", MN_OK, -349200000000LL },
    { "+P4DT1H", MN_OK, 349200000000LL },
    { "-PT0.000001S", MN_OK, -1LL },
    { "P", MN_OK, 0LL },
    { "PT", MN_OK, 0LL },
    { "P1D2D", MN_EINVAL, 0LL },
    { "P1e5D", MN_OK, 8640000000000000LL },
    { "P1_2D", MN_OK, 1036800000000LL },
    { "P1x2D", MN_EINVAL, 0LL },
    { "PT1H2H", MN_EINVAL, 0LL },
    { "PT1.5H", MN_OK, 5400000000LL },
    { "P1.5DT1.5H", MN_OK, 135000000000LL },
    { "-P1.5DT1.5H", MN_OK, -135000000000LL },
    { "PT99999999999999999999H", MN_ERANGE, 0LL },
    { "P999999999D", MN_ERANGE, 0LL },
    { "P100000000D", MN_OK, 8640000000000000000LL },
    { "1e5", MN_EPARSE, 0LL },
    { "", MN_OK, 0LL },
    { "\x0a""", MN_OK, 0LL },
    { "5:3", MN_OK, 303000000LL },
    { "1:2:3:4", MN_EPARSE, 0LL },
    { "1:2:", MN_EPARSE, 0LL },
    { "0:00:00.0000001", MN_OK, 0LL },
    { "1 1", MN_OK, 86401000000LL },
    { "-1", MN_OK, -1000000LL },
    { "4 days, 0:00:00", MN_OK, 345600000000LL },
    { "PT1\xc3""\xa9""2S", MN_EINVAL, 0LL },
    { "-1 day, 23:59:59.999999", MN_OK, -1LL },
    { "+15:30", MN_EPARSE, 0LL },
    { "10:15:30.", MN_EPARSE, 0LL },
    { "0", MN_OK, 0LL },
    { "-172800", MN_OK, -172800000000LL },
    { "-30.1", MN_OK, -30100000LL },
    { "-30,1", MN_OK, -30100000LL },
    { "-00:01:01", MN_OK, -61000000LL },
    { "-01:01", MN_OK, -61000000LL },
    { "-01:-01", MN_EPARSE, 0LL },
    { "1 day 0:00:01", MN_OK, 86401000000LL },
    { "1 day -0:00:01", MN_OK, 86399000000LL },
    { "-1 day -0:00:01", MN_OK, -86401000000LL },
    { "-1 day +0:00:01", MN_OK, -86399000000LL },
    { "4 days 0:15:30.1", MN_OK, 346530100000LL },
    { "4 days 0:15:30.0001", MN_OK, 346530000100LL },
    { "-4 days -15:00:30", MN_OK, -399630000000LL },
    { "-P1D", MN_OK, -86400000000LL },
    { "-P0.5D", MN_OK, -43200000000LL },
    { "-P0,5D", MN_OK, -43200000000LL },
    { "-PT5H", MN_OK, -18000000000LL },
    { "-PT5M", MN_OK, -300000000LL },
    { "-PT5S", MN_OK, -5000000LL },
    { "PT0,000005S", MN_OK, 5LL },
    { "-PT0.000005S", MN_OK, -5LL },
    { "-PT0,000005S", MN_OK, -5LL },
    { "P3(3D", MN_EINVAL, 0LL },
    { "PT3)3H", MN_EINVAL, 0LL },
    { "PT3|3M", MN_EINVAL, 0LL },
    { "PT3/3S", MN_EINVAL, 0LL },
    { "100:200:300", MN_OK, 372300000000LL },
    { "4 15:30", MN_OK, 346530000000LL },
    { "4 10:15:30", MN_OK, 382530000000LL },
    { "15:30.01", MN_OK, 930010000LL },
    { "15:30.001", MN_OK, 930001000LL },
    { "15:30.0001", MN_OK, 930000100LL },
    { "15:30.00001", MN_OK, 930000010LL },
    { "4 days, 0:15:30.100000", MN_OK, 346530100000LL },
    { "-4 days, 0:15:30", MN_OK, -344670000000LL },
    { "1 day, 0:00:00", MN_OK, 86400000000LL },
    { "0:00:30", MN_OK, 30000000LL },
    { "106751990 days, 23:59:59", MN_OK, 9223372022399000000LL },
    { "-106751990 days", MN_OK, -9223371936000000000LL },
    { "1 days, 1:1:1", MN_OK, 90061000000LL },
    { "1 days,1:1:1", MN_EPARSE, 0LL },
    { "P1DT", MN_OK, 86400000000LL },
    { "PT1H1H", MN_EINVAL, 0LL },
    { "P1DT1D", MN_EPARSE, 0LL },
    { "PT1S1M", MN_EINVAL, 0LL },
    { "  1", MN_EPARSE, 0LL },
    { "1 ", MN_EPARSE, 0LL },
    { "P1.D", MN_EPARSE, 0LL },
    { "P.5D", MN_EPARSE, 0LL },
    { "-P-1D", MN_EPARSE, 0LL },
    { "PT-1H", MN_EPARSE, 0LL },
    { "P1,5,5D", MN_EPARSE, 0LL },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

Test(dateparse, dates)
{
    for (size_t i = 0; i < N(date_cases); i++) {
        mn_date d = { 0, 0, 0 };
        mn_err err = { 0 };
        int rc = mn_date_parse(mn_str_from(date_cases[i].in), &d, &err);
        cr_expect_eq(rc, date_cases[i].rc, "'%s': %d (%s)", date_cases[i].in, rc, err.msg);
        if (rc == MN_OK) {
            cr_expect_eq(d.year, date_cases[i].y, "%s", date_cases[i].in);
            cr_expect_eq(d.month, date_cases[i].m, "%s", date_cases[i].in);
            cr_expect_eq(d.day, date_cases[i].d, "%s", date_cases[i].in);
        } else {
            cr_expect_eq(err.code, rc);
        }
    }
}

Test(dateparse, times)
{
    for (size_t i = 0; i < N(time_cases); i++) {
        mn_time t = { 0, 0, 0, 0 };
        mn_err err = { 0 };
        int rc = mn_time_parse(mn_str_from(time_cases[i].in), &t, &err);
        cr_expect_eq(rc, time_cases[i].rc, "'%s': %d (%s)", time_cases[i].in, rc, err.msg);
        if (rc == MN_OK) {
            cr_expect_eq(t.hour, time_cases[i].h, "%s", time_cases[i].in);
            cr_expect_eq(t.minute, time_cases[i].mi, "%s", time_cases[i].in);
            cr_expect_eq(t.second, time_cases[i].s, "%s", time_cases[i].in);
            cr_expect_eq(t.usec, time_cases[i].us, "%s", time_cases[i].in);
        }
    }
}

Test(dateparse, datetimes)
{
    for (size_t i = 0; i < N(datetime_cases); i++) {
        mn_datetime dt = { 0, NULL };
        mn_err err = { 0 };
        int rc = mn_datetime_parse(mn_str_from(datetime_cases[i].in), &dt, &err);
        cr_expect_eq(rc, datetime_cases[i].rc, "'%s': %d (%s)", datetime_cases[i].in, rc, err.msg);
        if (rc != MN_OK)
            continue;
        cr_expect_eq(dt.us, datetime_cases[i].us, "%s: %lld", datetime_cases[i].in, (long long)dt.us);
        if (datetime_cases[i].naive) {
            cr_expect_null(dt.tz, "%s", datetime_cases[i].in);
        } else {
            cr_assert_not_null(dt.tz, "%s", datetime_cases[i].in);
            cr_expect_eq(mn_tz_offset_at(dt.tz, dt.us), datetime_cases[i].off, "%s", datetime_cases[i].in);
        }
    }
}

Test(dateparse, durations)
{
    for (size_t i = 0; i < N(duration_cases); i++) {
        mn_duration d = { 12345 };
        mn_err err = { 0 };
        int rc = mn_duration_parse(mn_str_from(duration_cases[i].in), &d, &err);
        cr_expect_eq(rc, duration_cases[i].rc, "'%s': %d (%s)", duration_cases[i].in, rc, err.msg);
        if (rc == MN_OK)
            cr_expect_eq(d.us, duration_cases[i].us, "%s: %lld", duration_cases[i].in, (long long)d.us);
    }
}

Test(dateparse, messages_and_edges)
{
    mn_err err = { 0 };
    mn_date d;
    cr_assert_eq(mn_date_parse(MN_STR("2012-13-01"), &d, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "month must be in 1..12");
    cr_assert_eq(mn_date_parse(MN_STR("2012-02-30"), &d, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "day is out of range for month");
    cr_assert_eq(mn_date_parse(MN_STR("nope"), &d, &err), MN_EPARSE);
    cr_assert_str_eq(err.msg, "'nope' is not a valid date (YYYY-MM-DD)");
    mn_duration du;
    cr_assert_eq(mn_duration_parse(MN_STR("P1x2D"), &du, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "could not convert string to float: '1x2'") != NULL, "%s", err.msg);
    /* Non-ASCII digits are not digits here (Python's \d accepts them). */
    cr_assert_eq(mn_duration_parse(MN_STR("P\xd9\xa3" "D"), &du, &err), MN_EPARSE);
    /* Slices need no terminator: only the first 10 bytes are read. */
    const char buf[] = "2012-04-239";
    cr_assert_eq(mn_date_parse(mn_str_make(buf, 10), &d, NULL), MN_OK);
    cr_assert_eq(d.day, 23);
    mn_datetime dt;
    cr_assert_eq(mn_datetime_parse(MN_STR("2012-04-23T09:15:00Z"), &dt, NULL), MN_OK);
    cr_assert_eq(dt.tz, mn_tz_utc());
    /* Round trips through the writers. */
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    static const int64_t durs[] = { 0, 1, -1, INT64_C(-3600000000), INT64_C(123456789012345), INT64_C(-98765432101) };
    for (size_t i = 0; i < N(durs); i++) {
        mn_duration x = { durs[i] }, y;
        mn_buf_reset(&b);
        mn_duration_write_django(&b, x);
        cr_assert_eq(mn_duration_parse(mn_buf_str(&b), &y, NULL), MN_OK, "%s", mn_buf_cstr(&b));
        cr_assert_eq(y.us, x.us, "%s", mn_buf_cstr(&b));
        mn_buf_reset(&b);
        mn_duration_write_iso(&b, x);
        cr_assert_eq(mn_duration_parse(mn_buf_str(&b), &y, NULL), MN_OK, "%s", mn_buf_cstr(&b));
        cr_assert_eq(y.us, x.us, "%s", mn_buf_cstr(&b));
        mn_buf_reset(&b);
        mn_duration_write(&b, x);
        cr_assert_eq(mn_duration_parse(mn_buf_str(&b), &y, NULL), MN_OK, "%s", mn_buf_cstr(&b));
        cr_assert_eq(y.us, x.us, "%s", mn_buf_cstr(&b));
    }
    mn_buf_reset(&b);
    mn_datetime_write(&b, (mn_datetime){ INT64_C(1335172500123456), mn_tz_fixed(-12600) }, 'T');
    cr_assert_str_eq(mn_buf_cstr(&b), "2012-04-23T05:45:00.123456-03:30");
    cr_assert_eq(mn_datetime_parse(mn_buf_str(&b), &dt, NULL), MN_OK);
    cr_assert_eq(dt.us, INT64_C(1335172500123456));
    cr_assert_eq(dt.tz, mn_tz_fixed(-12600));
    mn_buf_free(&b);
}
