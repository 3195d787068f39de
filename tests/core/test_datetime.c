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
