#include <criterion/criterion.h>
#include "manouche.h"

Test(datetime, days_round_trip)
{
    cr_assert_eq(mn_date_to_days((mn_date){ 1970, 1, 1 }), 0);
    cr_assert_eq(mn_date_to_days((mn_date){ 2000, 3, 1 }), 11017);
    cr_assert_eq(mn_date_to_days((mn_date){ 1969, 12, 31 }), -1);
    for (int64_t d = -719162; d < 2932897; d += 97) {
        mn_date x = mn_date_from_days(d);
        cr_assert(mn_date_valid(x.year, x.month, x.day));
        cr_assert_eq(mn_date_to_days(x), d);
    }
    mn_date first = mn_date_from_days(-719162);
    cr_assert_eq(first.year, 1);
    cr_assert_eq(first.month, 1);
    cr_assert_eq(first.day, 1);
}

Test(datetime, validity_and_weekday)
{
    cr_assert(mn_date_valid(2024, 2, 29));
    cr_assert(!mn_date_valid(2023, 2, 29));
    cr_assert(!mn_date_valid(1900, 2, 29));
    cr_assert(mn_date_valid(2000, 2, 29));
    cr_assert(!mn_date_valid(0, 1, 1));
    cr_assert(!mn_date_valid(10000, 1, 1));
    cr_assert(!mn_date_valid(2024, 4, 31));
    cr_assert_eq(mn_date_weekday((mn_date){ 2024, 1, 1 }), 0); /* Monday */
    cr_assert_eq(mn_date_weekday((mn_date){ 1970, 1, 1 }), 3);
    cr_assert_eq(mn_date_weekday((mn_date){ 1969, 12, 28 }), 6);
}

Test(datetime, fields_and_zones)
{
    mn_datetime dt = mn_datetime_naive((mn_date){ 1969, 12, 31 }, (mn_time){ 23, 59, 59, 999999 });
    cr_assert_eq(dt.us, -1);
    mn_date d;
    mn_time t;
    mn_datetime_fields(dt, &d, &t);
    cr_assert_eq(d.year, 1969);
    cr_assert_eq(t.usec, 999999);
    dt.tz = mn_tz_fixed(3600);
    mn_datetime_fields(dt, &d, &t);
    cr_assert_eq(d.year, 1970);
    cr_assert_eq(t.hour, 0);
    cr_assert_str_eq(mn_tz_abbrev_at(dt.tz, 0), "UTC+01:00");
    cr_assert_null(mn_tz_fixed(86400));
    cr_assert_eq(mn_tz_fixed(0), mn_tz_utc());
    cr_assert_str_eq(mn_tz_name(mn_tz_fixed(3600 + 61)), "UTC+01:01:01");
    int r;
    mn_datetime a = { 100, mn_tz_utc() }, b = { 100, mn_tz_fixed(7200) };
    cr_assert_eq(mn_datetime_cmp(a, b, &r), MN_OK);
    cr_assert_eq(r, 0);
}

static const struct {
    mn_date d;
    int iy, iw, iwd, yday;
} iso[] = {
    { {2024,1,1}, 2024, 1, 1, 1 },
    { {2021,1,3}, 2020, 53, 7, 3 },
    { {2020,12,31}, 2020, 53, 4, 366 },
    { {2026,12,31}, 2026, 53, 4, 365 },
    { {2027,1,1}, 2026, 53, 5, 1 },
    { {1,1,1}, 1, 1, 1, 1 },
    { {9999,12,31}, 9999, 52, 5, 365 },
    { {2008,12,29}, 2009, 1, 1, 364 },
    { {2010,1,3}, 2009, 53, 7, 3 },
    { {2015,12,31}, 2015, 53, 4, 365 },
    { {2016,2,29}, 2016, 9, 1, 60 },
};

Test(datetime, isocalendar_and_day_of_year)
{
    for (size_t i = 0; i < sizeof iso / sizeof iso[0]; i++) {
        int y, w, wd;
        mn_date_isocalendar(iso[i].d, &y, &w, &wd);
        cr_expect_eq(y, iso[i].iy, "case %zu", i);
        cr_expect_eq(w, iso[i].iw, "case %zu", i);
        cr_expect_eq(wd, iso[i].iwd, "case %zu", i);
        cr_expect_eq(mn_date_day_of_year(iso[i].d), iso[i].yday, "case %zu", i);
    }
    mn_date_isocalendar((mn_date){ 2024, 5, 5 }, NULL, NULL, NULL);
    cr_assert_eq(mn_date_days_in_month(2024, 2), 29);
    cr_assert_eq(mn_date_days_in_month(2023, 2), 28);
    cr_assert_eq(mn_date_days_in_month(2023, 13), 0);
}

Test(datetime, arithmetic)
{
    mn_date d;
    cr_assert_eq(mn_date_add_days((mn_date){ 2024, 2, 28 }, 1, &d), MN_OK);
    cr_assert_eq(d.day, 29);
    cr_assert_eq(mn_date_add_days((mn_date){ 2024, 12, 31 }, 1, &d), MN_OK);
    cr_assert_eq(d.year, 2025);
    cr_assert_eq(mn_date_add_days((mn_date){ 9999, 12, 31 }, 1, &d), MN_ERANGE);
    cr_assert_eq(mn_date_add_days((mn_date){ 1, 1, 1 }, -1, &d), MN_ERANGE);
    cr_assert_eq(mn_date_add_days((mn_date){ 1, 1, 1 }, INT64_MAX, &d), MN_ERANGE);
    cr_assert_eq(mn_date_add_days((mn_date){ 1, 1, 1 }, INT64_MIN, &d), MN_ERANGE);

    mn_datetime a = mn_datetime_naive((mn_date){ 2024, 3, 9 }, (mn_time){ 12, 0, 0, 0 }), r;
    mn_duration day = { INT64_C(86400000000) };
    cr_assert_eq(mn_datetime_add(a, day, &r), MN_OK);
    mn_date rd;
    mn_time rt;
    mn_datetime_fields(r, &rd, &rt);
    cr_assert_eq(rd.day, 10);
    cr_assert_eq(rt.hour, 12);
    /* Aware: elapsed time across the Chicago DST change moves the reading. */
    const mn_tz *chi = mn_tz_get("America/Chicago", NULL);
    cr_assert_not_null(chi);
    mn_datetime aw;
    cr_assert_eq(mn_datetime_make_aware(a, chi, MN_IS_DST_NONE, &aw, NULL), MN_OK);
    cr_assert_eq(mn_datetime_add(aw, day, &r), MN_OK);
    mn_datetime_fields(r, &rd, &rt);
    cr_assert_eq(rt.hour, 13);
    mn_duration diff;
    cr_assert_eq(mn_datetime_diff(r, aw, &diff), MN_OK);
    cr_assert_eq(diff.us, day.us);
    cr_assert_eq(mn_datetime_diff(r, a, &diff), MN_ETYPE);
    mn_datetime top = mn_datetime_naive((mn_date){ 9999, 12, 31 }, (mn_time){ 23, 59, 59, 999999 });
    cr_assert_eq(top.us, MN_DATETIME_MAX_US);
    cr_assert_eq(mn_datetime_add(top, (mn_duration){ 1 }, &r), MN_ERANGE);
    cr_assert_eq(mn_datetime_add(top, (mn_duration){ INT64_MAX }, &r), MN_ERANGE);
    cr_assert_eq(mn_datetime_add(top, (mn_duration){ -1 }, &r), MN_OK);
    mn_datetime bottom = mn_datetime_naive((mn_date){ 1, 1, 1 }, (mn_time){ 0, 0, 0, 0 });
    cr_assert_eq(bottom.us, MN_DATETIME_MIN_US);
    cr_assert_eq(mn_datetime_add(bottom, (mn_duration){ -1 }, &r), MN_ERANGE);
    /* An aware instant whose reading would fall in year 0. */
    mn_datetime edge = { MN_DATETIME_MIN_US, mn_tz_fixed(-3600) };
    cr_assert_eq(mn_datetime_add(edge, (mn_duration){ 0 }, &r), MN_ERANGE);
}

Test(datetime, timestamps_and_now)
{
    mn_datetime now = mn_datetime_now();
    cr_assert_eq(now.tz, mn_tz_utc());
    cr_assert_gt(now.us, INT64_C(1700000000000000));
    mn_datetime x = { INT64_C(-1500000), mn_tz_utc() };
    cr_assert_eq(mn_datetime_timestamp(x), -2);
    /* Naive readings use the default zone (America/Chicago), as mktime()
     * does under Django. glibc's mktime picks either instant of a fold
     * depending on earlier calls; we always take the first (CDT). */
    mn_datetime fold = mn_datetime_naive((mn_date){ 2024, 11, 3 }, (mn_time){ 1, 30, 0, 0 });
    cr_assert_eq(mn_datetime_timestamp(fold), 1730615400);
    mn_datetime gap = mn_datetime_naive((mn_date){ 2024, 3, 10 }, (mn_time){ 2, 30, 0, 0 });
    cr_assert_eq(mn_datetime_timestamp(gap), 1710059400);
    mn_datetime y;
    cr_assert_eq(mn_datetime_from_timestamp(1710059400, 5, NULL, &y), MN_OK);
    cr_assert_eq(y.us, INT64_C(1710059400000005));
    cr_assert_eq(mn_datetime_from_timestamp(0, 1000000, NULL, &y), MN_EINVAL);
    cr_assert_eq(mn_datetime_from_timestamp(INT64_MAX, 0, NULL, &y), MN_ERANGE);
    cr_assert_eq(mn_datetime_from_timestamp(253402300800, 0, NULL, &y), MN_ERANGE);
    mn_date today = mn_date_today(mn_tz_utc());
    mn_date nd;
    mn_datetime_fields(mn_datetime_now(), &nd, NULL);
    cr_assert_eq(mn_date_cmp(today, nd), 0);
}

Test(datetime, duration_strings)
{
    static const struct {
        int64_t us;
        const char *django, *iso;
    } cases[] = {
        { 0, "00:00:00", "P0DT00H00M00S" },
        { INT64_C(1000000), "00:00:01", "P0DT00H00M01S" },
        { INT64_C(-3600000000), "-1 23:00:00", "-P0DT01H00M00S" },
        { INT64_C(3) * 86400000000 + INT64_C(36930000001), "3 10:15:30.000001", "P3DT10H15M30.000001S" },
        { -1, "-1 23:59:59.999999", "-P0DT00H00M00.000001S" },
        { INT64_C(86400000000), "1 00:00:00", "P1DT00H00M00S" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mn_buf b;
        mn_buf_init(&b, NULL, 0);
        cr_assert_eq(mn_duration_write_django(&b, (mn_duration){ cases[i].us }), MN_OK);
        cr_expect_str_eq(mn_buf_cstr(&b), cases[i].django);
        mn_buf_reset(&b);
        cr_assert_eq(mn_duration_write_iso(&b, (mn_duration){ cases[i].us }), MN_OK);
        cr_expect_str_eq(mn_buf_cstr(&b), cases[i].iso);
        mn_buf_free(&b);
    }
}
