#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include "manouche.h"
#include "datetime_internal.h"

/* Expected values from Python's zoneinfo on the same tzdata. */
static const struct {
    const char *zone;
    long long t;
    int offset;
    const char *abbrev;
} offsets[] = {
    { "Europe/Paris", -3786825600LL, 561, "LMT" },
    { "Europe/Paris", -2195942400LL, 561, "PMT" },
    { "Europe/Paris", -870566400LL, 7200, "CEST" },
    { "Europe/Paris", 0LL, 3600, "CET" },
    { "Europe/Paris", 648000000LL, 7200, "CEST" },
    { "Europe/Paris", 946684800LL, 3600, "CET" },
    { "Europe/Paris", 1325152800LL, 3600, "CET" },
    { "Europe/Paris", 1325289600LL, 3600, "CET" },
    { "Europe/Paris", 1710057599LL, 3600, "CET" },
    { "Europe/Paris", 1710057600LL, 3600, "CET" },
    { "Europe/Paris", 1711846799LL, 3600, "CET" },
    { "Europe/Paris", 1711846800LL, 7200, "CEST" },
    { "Europe/Paris", 1719792000LL, 7200, "CEST" },
    { "Europe/Paris", 1728228600LL, 7200, "CEST" },
    { "Europe/Paris", 1730617199LL, 3600, "CET" },
    { "Europe/Paris", 1730617200LL, 3600, "CET" },
    { "Europe/Paris", 2143238400LL, 3600, "CET" },
    { "Europe/Paris", 2224713600LL, 7200, "CEST" },
    { "Europe/Paris", 2368051200LL, 3600, "CET" },
    { "Europe/Paris", 4110220800LL, 7200, "CEST" },
    { "Europe/Paris", 10439884800LL, 3600, "CET" },
    { "Europe/Paris", 253383811200LL, 7200, "CEST" },
    { "America/Chicago", -3786825600LL, -21036, "LMT" },
    { "America/Chicago", -2195942400LL, -21600, "CST" },
    { "America/Chicago", -870566400LL, -18000, "CWT" },
    { "America/Chicago", 0LL, -21600, "CST" },
    { "America/Chicago", 648000000LL, -18000, "CDT" },
    { "America/Chicago", 946684800LL, -21600, "CST" },
    { "America/Chicago", 1325152800LL, -21600, "CST" },
    { "America/Chicago", 1325289600LL, -21600, "CST" },
    { "America/Chicago", 1710057599LL, -21600, "CST" },
    { "America/Chicago", 1710057600LL, -18000, "CDT" },
    { "America/Chicago", 1711846799LL, -18000, "CDT" },
    { "America/Chicago", 1711846800LL, -18000, "CDT" },
    { "America/Chicago", 1719792000LL, -18000, "CDT" },
    { "America/Chicago", 1728228600LL, -18000, "CDT" },
    { "America/Chicago", 1730617199LL, -18000, "CDT" },
    { "America/Chicago", 1730617200LL, -21600, "CST" },
    { "America/Chicago", 2143238400LL, -21600, "CST" },
    { "America/Chicago", 2224713600LL, -18000, "CDT" },
    { "America/Chicago", 2368051200LL, -21600, "CST" },
    { "America/Chicago", 4110220800LL, -18000, "CDT" },
    { "America/Chicago", 10439884800LL, -18000, "CDT" },
    { "America/Chicago", 253383811200LL, -18000, "CDT" },
    { "America/New_York", -3786825600LL, -17762, "LMT" },
    { "America/New_York", -2195942400LL, -18000, "EST" },
    { "America/New_York", -870566400LL, -14400, "EWT" },
    { "America/New_York", 0LL, -18000, "EST" },
    { "America/New_York", 648000000LL, -14400, "EDT" },
    { "America/New_York", 946684800LL, -18000, "EST" },
    { "America/New_York", 1325152800LL, -18000, "EST" },
    { "America/New_York", 1325289600LL, -18000, "EST" },
    { "America/New_York", 1710057599LL, -14400, "EDT" },
    { "America/New_York", 1710057600LL, -14400, "EDT" },
    { "America/New_York", 1711846799LL, -14400, "EDT" },
    { "America/New_York", 1711846800LL, -14400, "EDT" },
    { "America/New_York", 1719792000LL, -14400, "EDT" },
    { "America/New_York", 1728228600LL, -14400, "EDT" },
    { "America/New_York", 1730617199LL, -18000, "EST" },
    { "America/New_York", 1730617200LL, -18000, "EST" },
    { "America/New_York", 2143238400LL, -18000, "EST" },
    { "America/New_York", 2224713600LL, -14400, "EDT" },
    { "America/New_York", 2368051200LL, -18000, "EST" },
    { "America/New_York", 4110220800LL, -14400, "EDT" },
    { "America/New_York", 10439884800LL, -14400, "EDT" },
    { "America/New_York", 253383811200LL, -14400, "EDT" },
    { "Asia/Kolkata", -3786825600LL, 21208, "LMT" },
    { "Asia/Kolkata", -2195942400LL, 19270, "MMT" },
    { "Asia/Kolkata", -870566400LL, 19800, "IST" },
    { "Asia/Kolkata", 0LL, 19800, "IST" },
    { "Asia/Kolkata", 648000000LL, 19800, "IST" },
    { "Asia/Kolkata", 946684800LL, 19800, "IST" },
    { "Asia/Kolkata", 1325152800LL, 19800, "IST" },
    { "Asia/Kolkata", 1325289600LL, 19800, "IST" },
    { "Asia/Kolkata", 1710057599LL, 19800, "IST" },
    { "Asia/Kolkata", 1710057600LL, 19800, "IST" },
    { "Asia/Kolkata", 1711846799LL, 19800, "IST" },
    { "Asia/Kolkata", 1711846800LL, 19800, "IST" },
    { "Asia/Kolkata", 1719792000LL, 19800, "IST" },
    { "Asia/Kolkata", 1728228600LL, 19800, "IST" },
    { "Asia/Kolkata", 1730617199LL, 19800, "IST" },
    { "Asia/Kolkata", 1730617200LL, 19800, "IST" },
    { "Asia/Kolkata", 2143238400LL, 19800, "IST" },
    { "Asia/Kolkata", 2224713600LL, 19800, "IST" },
    { "Asia/Kolkata", 2368051200LL, 19800, "IST" },
    { "Asia/Kolkata", 4110220800LL, 19800, "IST" },
    { "Asia/Kolkata", 10439884800LL, 19800, "IST" },
    { "Asia/Kolkata", 253383811200LL, 19800, "IST" },
    { "Australia/Lord_Howe", -3786825600LL, 38180, "LMT" },
    { "Australia/Lord_Howe", -2195942400LL, 36000, "AEST" },
    { "Australia/Lord_Howe", -870566400LL, 36000, "AEST" },
    { "Australia/Lord_Howe", 0LL, 36000, "AEST" },
    { "Australia/Lord_Howe", 648000000LL, 37800, "+1030" },
    { "Australia/Lord_Howe", 946684800LL, 39600, "+11" },
    { "Australia/Lord_Howe", 1325152800LL, 39600, "+11" },
    { "Australia/Lord_Howe", 1325289600LL, 39600, "+11" },
    { "Australia/Lord_Howe", 1710057599LL, 39600, "+11" },
    { "Australia/Lord_Howe", 1710057600LL, 39600, "+11" },
    { "Australia/Lord_Howe", 1711846799LL, 39600, "+11" },
    { "Australia/Lord_Howe", 1711846800LL, 39600, "+11" },
    { "Australia/Lord_Howe", 1719792000LL, 37800, "+1030" },
    { "Australia/Lord_Howe", 1728228600LL, 39600, "+11" },
    { "Australia/Lord_Howe", 1730617199LL, 39600, "+11" },
    { "Australia/Lord_Howe", 1730617200LL, 39600, "+11" },
    { "Australia/Lord_Howe", 2143238400LL, 39600, "+11" },
    { "Australia/Lord_Howe", 2224713600LL, 37800, "+1030" },
    { "Australia/Lord_Howe", 2368051200LL, 39600, "+11" },
    { "Australia/Lord_Howe", 4110220800LL, 39600, "+11" },
    { "Australia/Lord_Howe", 10439884800LL, 39600, "+11" },
    { "Australia/Lord_Howe", 253383811200LL, 37800, "+1030" },
    { "Pacific/Apia", -3786825600LL, 45184, "LMT" },
    { "Pacific/Apia", -2195942400LL, -41216, "LMT" },
    { "Pacific/Apia", -870566400LL, -41400, "-1130" },
    { "Pacific/Apia", 0LL, -39600, "-11" },
    { "Pacific/Apia", 648000000LL, -39600, "-11" },
    { "Pacific/Apia", 946684800LL, -39600, "-11" },
    { "Pacific/Apia", 1325152800LL, -36000, "-10" },
    { "Pacific/Apia", 1325289600LL, 50400, "+14" },
    { "Pacific/Apia", 1710057599LL, 46800, "+13" },
    { "Pacific/Apia", 1710057600LL, 46800, "+13" },
    { "Pacific/Apia", 1711846799LL, 46800, "+13" },
    { "Pacific/Apia", 1711846800LL, 46800, "+13" },
    { "Pacific/Apia", 1719792000LL, 46800, "+13" },
    { "Pacific/Apia", 1728228600LL, 46800, "+13" },
    { "Pacific/Apia", 1730617199LL, 46800, "+13" },
    { "Pacific/Apia", 1730617200LL, 46800, "+13" },
    { "Pacific/Apia", 2143238400LL, 46800, "+13" },
    { "Pacific/Apia", 2224713600LL, 46800, "+13" },
    { "Pacific/Apia", 2368051200LL, 46800, "+13" },
    { "Pacific/Apia", 4110220800LL, 46800, "+13" },
    { "Pacific/Apia", 10439884800LL, 46800, "+13" },
    { "Pacific/Apia", 253383811200LL, 46800, "+13" },
    { "America/Sao_Paulo", -3786825600LL, -11188, "LMT" },
    { "America/Sao_Paulo", -2195942400LL, -11188, "LMT" },
    { "America/Sao_Paulo", -870566400LL, -10800, "-03" },
    { "America/Sao_Paulo", 0LL, -10800, "-03" },
    { "America/Sao_Paulo", 648000000LL, -10800, "-03" },
    { "America/Sao_Paulo", 946684800LL, -7200, "-02" },
    { "America/Sao_Paulo", 1325152800LL, -7200, "-02" },
    { "America/Sao_Paulo", 1325289600LL, -7200, "-02" },
    { "America/Sao_Paulo", 1710057599LL, -10800, "-03" },
    { "America/Sao_Paulo", 1710057600LL, -10800, "-03" },
    { "America/Sao_Paulo", 1711846799LL, -10800, "-03" },
    { "America/Sao_Paulo", 1711846800LL, -10800, "-03" },
    { "America/Sao_Paulo", 1719792000LL, -10800, "-03" },
    { "America/Sao_Paulo", 1728228600LL, -10800, "-03" },
    { "America/Sao_Paulo", 1730617199LL, -10800, "-03" },
    { "America/Sao_Paulo", 1730617200LL, -10800, "-03" },
    { "America/Sao_Paulo", 2143238400LL, -10800, "-03" },
    { "America/Sao_Paulo", 2224713600LL, -10800, "-03" },
    { "America/Sao_Paulo", 2368051200LL, -10800, "-03" },
    { "America/Sao_Paulo", 4110220800LL, -10800, "-03" },
    { "America/Sao_Paulo", 10439884800LL, -10800, "-03" },
    { "America/Sao_Paulo", 253383811200LL, -10800, "-03" },
    { "Europe/Dublin", -3786825600LL, -1521, "LMT" },
    { "Europe/Dublin", -2195942400LL, -1521, "DMT" },
    { "Europe/Dublin", -870566400LL, 3600, "IST" },
    { "Europe/Dublin", 0LL, 3600, "IST" },
    { "Europe/Dublin", 648000000LL, 3600, "IST" },
    { "Europe/Dublin", 946684800LL, 0, "GMT" },
    { "Europe/Dublin", 1325152800LL, 0, "GMT" },
    { "Europe/Dublin", 1325289600LL, 0, "GMT" },
    { "Europe/Dublin", 1710057599LL, 0, "GMT" },
    { "Europe/Dublin", 1710057600LL, 0, "GMT" },
    { "Europe/Dublin", 1711846799LL, 0, "GMT" },
    { "Europe/Dublin", 1711846800LL, 3600, "IST" },
    { "Europe/Dublin", 1719792000LL, 3600, "IST" },
    { "Europe/Dublin", 1728228600LL, 3600, "IST" },
    { "Europe/Dublin", 1730617199LL, 0, "GMT" },
    { "Europe/Dublin", 1730617200LL, 0, "GMT" },
    { "Europe/Dublin", 2143238400LL, 0, "GMT" },
    { "Europe/Dublin", 2224713600LL, 3600, "IST" },
    { "Europe/Dublin", 2368051200LL, 0, "GMT" },
    { "Europe/Dublin", 4110220800LL, 3600, "IST" },
    { "Europe/Dublin", 10439884800LL, 0, "GMT" },
    { "Europe/Dublin", 253383811200LL, 3600, "IST" },
    { "Africa/Casablanca", -3786825600LL, -1820, "LMT" },
    { "Africa/Casablanca", -2195942400LL, -1820, "LMT" },
    { "Africa/Casablanca", -870566400LL, 3600, "+01" },
    { "Africa/Casablanca", 0LL, 0, "+00" },
    { "Africa/Casablanca", 648000000LL, 0, "+00" },
    { "Africa/Casablanca", 946684800LL, 0, "+00" },
    { "Africa/Casablanca", 1325152800LL, 0, "+00" },
    { "Africa/Casablanca", 1325289600LL, 0, "+00" },
    { "Africa/Casablanca", 1710057599LL, 0, "+00" },
    { "Africa/Casablanca", 1710057600LL, 0, "+00" },
    { "Africa/Casablanca", 1711846799LL, 0, "+00" },
    { "Africa/Casablanca", 1711846800LL, 0, "+00" },
    { "Africa/Casablanca", 1719792000LL, 3600, "+01" },
    { "Africa/Casablanca", 1728228600LL, 3600, "+01" },
    { "Africa/Casablanca", 1730617199LL, 3600, "+01" },
    { "Africa/Casablanca", 1730617200LL, 3600, "+01" },
    { "Africa/Casablanca", 2143238400LL, 0, "+00" },
    { "Africa/Casablanca", 2224713600LL, 0, "+00" },
    { "Africa/Casablanca", 2368051200LL, 0, "+00" },
    { "Africa/Casablanca", 4110220800LL, 0, "+00" },
    { "Africa/Casablanca", 10439884800LL, 0, "+00" },
    { "Africa/Casablanca", 253383811200LL, 0, "+00" },
    { "America/Godthab", -3786825600LL, -12416, "LMT" },
    { "America/Godthab", -2195942400LL, -12416, "LMT" },
    { "America/Godthab", -870566400LL, -10800, "-03" },
    { "America/Godthab", 0LL, -10800, "-03" },
    { "America/Godthab", 648000000LL, -7200, "-02" },
    { "America/Godthab", 946684800LL, -10800, "-03" },
    { "America/Godthab", 1325152800LL, -10800, "-03" },
    { "America/Godthab", 1325289600LL, -10800, "-03" },
    { "America/Godthab", 1710057599LL, -7200, "-02" },
    { "America/Godthab", 1710057600LL, -7200, "-02" },
    { "America/Godthab", 1711846799LL, -7200, "-02" },
    { "America/Godthab", 1711846800LL, -3600, "-01" },
    { "America/Godthab", 1719792000LL, -3600, "-01" },
    { "America/Godthab", 1728228600LL, -3600, "-01" },
    { "America/Godthab", 1730617199LL, -7200, "-02" },
    { "America/Godthab", 1730617200LL, -7200, "-02" },
    { "America/Godthab", 2143238400LL, -7200, "-02" },
    { "America/Godthab", 2224713600LL, -3600, "-01" },
    { "America/Godthab", 2368051200LL, -7200, "-02" },
    { "America/Godthab", 4110220800LL, -3600, "-01" },
    { "America/Godthab", 10439884800LL, -7200, "-02" },
    { "America/Godthab", 253383811200LL, -3600, "-01" },
};

Test(tz, offsets_match_python_zoneinfo)
{
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        mn_err err = { 0 };
        const mn_tz *tz = mn_tz_get(offsets[i].zone, &err);
        cr_assert_not_null(tz, "%s: %s", offsets[i].zone, err.msg);
        cr_assert_str_eq(mn_tz_name(tz), offsets[i].zone);
        int64_t us = (int64_t)offsets[i].t * 1000000;
        cr_expect_eq(mn_tz_offset_at(tz, us), offsets[i].offset, "%s at %lld: %d != %d", offsets[i].zone,
                     offsets[i].t, mn_tz_offset_at(tz, us), offsets[i].offset);
        cr_expect_str_eq(mn_tz_abbrev_at(tz, us), offsets[i].abbrev, "%s at %lld", offsets[i].zone, offsets[i].t);
    }
}

/* Expected values from pytz's localize(), which Django 3.2's make_aware uses. */
static const struct {
    const char *zone;
    mn_date d;
    mn_time t;
    mn_is_dst is_dst;
    int rc;
    long long utc;
} aware[] = {
    { "America/Chicago", {2024,3,10}, {2,30,0,0}, MN_IS_DST_NONE, MN_ENOTFOUND, 0 },
    { "America/Chicago", {2024,3,10}, {2,30,0,0}, MN_IS_DST_TRUE, MN_OK, 1710055800LL },
    { "America/Chicago", {2024,3,10}, {2,30,0,0}, MN_IS_DST_FALSE, MN_OK, 1710059400LL },
    { "America/Chicago", {2024,11,3}, {1,30,0,0}, MN_IS_DST_NONE, MN_EMULTIPLE, 0 },
    { "America/Chicago", {2024,11,3}, {1,30,0,0}, MN_IS_DST_TRUE, MN_OK, 1730615400LL },
    { "America/Chicago", {2024,11,3}, {1,30,0,0}, MN_IS_DST_FALSE, MN_OK, 1730619000LL },
    { "America/Chicago", {2024,7,4}, {12,0,0,0}, MN_IS_DST_NONE, MN_OK, 1720112400LL },
    { "America/Chicago", {2024,7,4}, {12,0,0,0}, MN_IS_DST_TRUE, MN_OK, 1720112400LL },
    { "America/Chicago", {2024,7,4}, {12,0,0,0}, MN_IS_DST_FALSE, MN_OK, 1720112400LL },
    { "Europe/Paris", {2024,3,31}, {2,15,0,0}, MN_IS_DST_NONE, MN_ENOTFOUND, 0 },
    { "Europe/Paris", {2024,3,31}, {2,15,0,0}, MN_IS_DST_TRUE, MN_OK, 1711844100LL },
    { "Europe/Paris", {2024,3,31}, {2,15,0,0}, MN_IS_DST_FALSE, MN_OK, 1711847700LL },
    { "Europe/Paris", {2024,10,27}, {2,15,0,0}, MN_IS_DST_NONE, MN_EMULTIPLE, 0 },
    { "Europe/Paris", {2024,10,27}, {2,15,0,0}, MN_IS_DST_TRUE, MN_OK, 1729988100LL },
    { "Europe/Paris", {2024,10,27}, {2,15,0,0}, MN_IS_DST_FALSE, MN_OK, 1729991700LL },
    { "Europe/Paris", {2024,1,1}, {0,0,0,0}, MN_IS_DST_NONE, MN_OK, 1704063600LL },
    { "Europe/Paris", {2024,1,1}, {0,0,0,0}, MN_IS_DST_TRUE, MN_OK, 1704063600LL },
    { "Europe/Paris", {2024,1,1}, {0,0,0,0}, MN_IS_DST_FALSE, MN_OK, 1704063600LL },
    { "Australia/Lord_Howe", {2024,10,6}, {2,15,0,0}, MN_IS_DST_NONE, MN_ENOTFOUND, 0 },
    { "Australia/Lord_Howe", {2024,10,6}, {2,15,0,0}, MN_IS_DST_TRUE, MN_OK, 1728141300LL },
    { "Australia/Lord_Howe", {2024,10,6}, {2,15,0,0}, MN_IS_DST_FALSE, MN_OK, 1728143100LL },
    { "Australia/Lord_Howe", {2024,4,7}, {1,45,0,0}, MN_IS_DST_NONE, MN_EMULTIPLE, 0 },
    { "Australia/Lord_Howe", {2024,4,7}, {1,45,0,0}, MN_IS_DST_TRUE, MN_OK, 1712414700LL },
    { "Australia/Lord_Howe", {2024,4,7}, {1,45,0,0}, MN_IS_DST_FALSE, MN_OK, 1712416500LL },
    { "Australia/Lord_Howe", {2024,4,7}, {2,0,0,0}, MN_IS_DST_NONE, MN_OK, 1712417400LL },
    { "Australia/Lord_Howe", {2024,4,7}, {2,0,0,0}, MN_IS_DST_TRUE, MN_OK, 1712417400LL },
    { "Australia/Lord_Howe", {2024,4,7}, {2,0,0,0}, MN_IS_DST_FALSE, MN_OK, 1712417400LL },
    { "America/New_York", {2024,3,10}, {2,0,0,0}, MN_IS_DST_NONE, MN_ENOTFOUND, 0 },
    { "America/New_York", {2024,3,10}, {2,0,0,0}, MN_IS_DST_TRUE, MN_OK, 1710050400LL },
    { "America/New_York", {2024,3,10}, {2,0,0,0}, MN_IS_DST_FALSE, MN_OK, 1710054000LL },
    { "America/New_York", {2024,11,3}, {1,0,0,0}, MN_IS_DST_NONE, MN_EMULTIPLE, 0 },
    { "America/New_York", {2024,11,3}, {1,0,0,0}, MN_IS_DST_TRUE, MN_OK, 1730610000LL },
    { "America/New_York", {2024,11,3}, {1,0,0,0}, MN_IS_DST_FALSE, MN_OK, 1730613600LL },
    { "America/New_York", {2024,11,3}, {2,0,0,0}, MN_IS_DST_NONE, MN_OK, 1730617200LL },
    { "America/New_York", {2024,11,3}, {2,0,0,0}, MN_IS_DST_TRUE, MN_OK, 1730617200LL },
    { "America/New_York", {2024,11,3}, {2,0,0,0}, MN_IS_DST_FALSE, MN_OK, 1730617200LL },
    { "Asia/Kolkata", {2024,6,1}, {5,30,0,0}, MN_IS_DST_NONE, MN_OK, 1717200000LL },
    { "Asia/Kolkata", {2024,6,1}, {5,30,0,0}, MN_IS_DST_TRUE, MN_OK, 1717200000LL },
    { "Asia/Kolkata", {2024,6,1}, {5,30,0,0}, MN_IS_DST_FALSE, MN_OK, 1717200000LL },
    { "Pacific/Apia", {2011,12,30}, {12,0,0,0}, MN_IS_DST_NONE, MN_ENOTFOUND, 0 },
    { "Pacific/Apia", {2011,12,30}, {12,0,0,0}, MN_IS_DST_TRUE, MN_OK, 1325196000LL },
    { "Pacific/Apia", {2011,12,30}, {12,0,0,0}, MN_IS_DST_FALSE, MN_OK, 1325282400LL },
    { "Pacific/Apia", {2011,12,29}, {23,59,0,0}, MN_IS_DST_NONE, MN_OK, 1325239140LL },
    { "Pacific/Apia", {2011,12,29}, {23,59,0,0}, MN_IS_DST_TRUE, MN_OK, 1325239140LL },
    { "Pacific/Apia", {2011,12,29}, {23,59,0,0}, MN_IS_DST_FALSE, MN_OK, 1325239140LL },
    { "Pacific/Apia", {2011,12,31}, {0,0,0,0}, MN_IS_DST_NONE, MN_OK, 1325239200LL },
    { "Pacific/Apia", {2011,12,31}, {0,0,0,0}, MN_IS_DST_TRUE, MN_OK, 1325239200LL },
    { "Pacific/Apia", {2011,12,31}, {0,0,0,0}, MN_IS_DST_FALSE, MN_OK, 1325239200LL },
    { "Europe/Moscow", {2014,10,26}, {1,30,0,0}, MN_IS_DST_NONE, MN_EMULTIPLE, 0 },
    { "Europe/Moscow", {2014,10,26}, {1,30,0,0}, MN_IS_DST_TRUE, MN_OK, 1414272600LL },
    { "Europe/Moscow", {2014,10,26}, {1,30,0,0}, MN_IS_DST_FALSE, MN_OK, 1414276200LL },
    { "Europe/Moscow", {2011,3,27}, {2,30,0,0}, MN_IS_DST_NONE, MN_ENOTFOUND, 0 },
    { "Europe/Moscow", {2011,3,27}, {2,30,0,0}, MN_IS_DST_TRUE, MN_OK, 1301178600LL },
    { "Europe/Moscow", {2011,3,27}, {2,30,0,0}, MN_IS_DST_FALSE, MN_OK, 1301182200LL },
    { "Europe/Dublin", {2024,10,27}, {1,30,0,0}, MN_IS_DST_NONE, MN_EMULTIPLE, 0 },
    { "Europe/Dublin", {2024,10,27}, {1,30,0,0}, MN_IS_DST_TRUE, MN_OK, 1729992600LL },
    { "Europe/Dublin", {2024,10,27}, {1,30,0,0}, MN_IS_DST_FALSE, MN_OK, 1729989000LL },
    { "Europe/Dublin", {2024,3,31}, {1,30,0,0}, MN_IS_DST_NONE, MN_ENOTFOUND, 0 },
    { "Europe/Dublin", {2024,3,31}, {1,30,0,0}, MN_IS_DST_TRUE, MN_OK, 1711845000LL },
    { "Europe/Dublin", {2024,3,31}, {1,30,0,0}, MN_IS_DST_FALSE, MN_OK, 1711848600LL },
    { "America/Sao_Paulo", {2018,11,4}, {0,30,0,0}, MN_IS_DST_NONE, MN_ENOTFOUND, 0 },
    { "America/Sao_Paulo", {2018,11,4}, {0,30,0,0}, MN_IS_DST_TRUE, MN_OK, 1541298600LL },
    { "America/Sao_Paulo", {2018,11,4}, {0,30,0,0}, MN_IS_DST_FALSE, MN_OK, 1541302200LL },
    { "America/Sao_Paulo", {2019,2,16}, {23,30,0,0}, MN_IS_DST_NONE, MN_EMULTIPLE, 0 },
    { "America/Sao_Paulo", {2019,2,16}, {23,30,0,0}, MN_IS_DST_TRUE, MN_OK, 1550367000LL },
    { "America/Sao_Paulo", {2019,2,16}, {23,30,0,0}, MN_IS_DST_FALSE, MN_OK, 1550370600LL },
};

Test(tz, make_aware_matches_pytz)
{
    for (size_t i = 0; i < sizeof aware / sizeof aware[0]; i++) {
        const mn_tz *tz = mn_tz_get(aware[i].zone, NULL);
        cr_assert_not_null(tz);
        mn_datetime out = { 0, NULL };
        mn_err err = { 0 };
        int rc = mn_datetime_make_aware(mn_datetime_naive(aware[i].d, aware[i].t), tz, aware[i].is_dst, &out, &err);
        cr_expect_eq(rc, aware[i].rc, "case %zu (%s): rc %d (%s)", i, aware[i].zone, rc, err.msg);
        if (rc == MN_OK && aware[i].rc == MN_OK) {
            cr_expect_eq(out.us, aware[i].utc * 1000000, "case %zu (%s): %lld != %lld", i, aware[i].zone,
                         (long long)(out.us / 1000000), aware[i].utc);
            cr_expect_eq(out.tz, tz);
        }
        if (rc == MN_EMULTIPLE)
            cr_expect(strstr(err.msg, "ambiguous") != NULL, "%s", err.msg);
        if (rc == MN_ENOTFOUND)
            cr_expect(strstr(err.msg, "does not exist") != NULL, "%s", err.msg);
    }
}

Test(tz, make_naive_localtime_round_trip)
{
    const mn_tz *paris = mn_tz_get("Europe/Paris", NULL);
    const mn_tz *kolkata = mn_tz_get("Asia/Kolkata", NULL);
    cr_assert(paris && kolkata);
    mn_datetime naive = mn_datetime_naive((mn_date){ 2024, 7, 14 }, (mn_time){ 22, 5, 7, 123456 });
    mn_datetime awr, other, back;
    cr_assert_eq(mn_datetime_make_aware(naive, paris, MN_IS_DST_NONE, &awr, NULL), MN_OK);
    cr_assert_eq(mn_datetime_localtime(awr, kolkata, &other, NULL), MN_OK);
    mn_date d;
    mn_time t;
    mn_datetime_fields(other, &d, &t);
    cr_assert_eq(d.day, 15);
    cr_assert_eq(t.hour, 1);
    cr_assert_eq(t.minute, 35);
    cr_assert_eq(t.usec, 123456);
    cr_assert_eq(mn_datetime_make_naive(other, paris, &back, NULL), MN_OK);
    cr_assert_null(back.tz);
    cr_assert_eq(back.us, naive.us);
    mn_err err = { 0 };
    cr_assert_eq(mn_datetime_localtime(naive, paris, &other, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "localtime() cannot be applied to a naive datetime");
    cr_assert_eq(mn_datetime_make_naive(naive, paris, &other, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "make_naive() cannot be applied to a naive datetime");
    cr_assert_eq(mn_datetime_make_aware(awr, paris, MN_IS_DST_NONE, &other, &err), MN_EINVAL);
    /* Fixed zones never fold. */
    cr_assert_eq(mn_datetime_make_aware(naive, mn_tz_fixed(-3600), MN_IS_DST_NONE, &other, NULL), MN_OK);
    cr_assert_eq(other.us, naive.us + INT64_C(3600000000));
}

Test(tz, ambiguous_error_message)
{
    mn_err err = { 0 };
    mn_datetime out;
    const mn_tz *chicago = mn_tz_get("America/Chicago", NULL);
    mn_datetime naive = mn_datetime_naive((mn_date){ 2024, 11, 3 }, (mn_time){ 1, 30, 0, 0 });
    cr_assert_eq(mn_datetime_make_aware(naive, chicago, MN_IS_DST_NONE, &out, &err), MN_EMULTIPLE);
    cr_assert_str_eq(err.msg, "2024-11-03 01:30:00 is ambiguous in America/Chicago (AmbiguousTimeError): pass is_dst");
    cr_assert_eq(mn_datetime_make_aware(naive, chicago, MN_IS_DST_TRUE, &out, NULL), MN_OK);
    cr_assert_str_eq(mn_tz_abbrev_at(chicago, out.us), "CDT");
    cr_assert_eq(mn_datetime_make_aware(naive, chicago, MN_IS_DST_FALSE, &out, NULL), MN_OK);
    cr_assert_str_eq(mn_tz_abbrev_at(chicago, out.us), "CST");
}

Test(tz, footer_rule_past_2037)
{
    /* 2040-07-01 and 2040-12-01 in Paris, New York and Lord Howe (30-minute
     * DST, southern hemisphere), read from the POSIX footer. */
    const mn_tz *paris = mn_tz_get("Europe/Paris", NULL);
    const mn_tz *ny = mn_tz_get("America/New_York", NULL);
    const mn_tz *lh = mn_tz_get("Australia/Lord_Howe", NULL);
    int64_t jul = INT64_C(2224713600) * 1000000, dec = INT64_C(2238019200) * 1000000;
    cr_assert_eq(mn_tz_offset_at(paris, jul), 7200);
    cr_assert_str_eq(mn_tz_abbrev_at(paris, jul), "CEST");
    cr_assert_eq(mn_tz_offset_at(paris, dec), 3600);
    cr_assert_eq(mn_tz_offset_at(ny, jul), -4 * 3600);
    cr_assert_str_eq(mn_tz_abbrev_at(ny, dec), "EST");
    cr_assert_eq(mn_tz_offset_at(lh, jul), 37800);
    cr_assert_eq(mn_tz_offset_at(lh, dec), 39600);
    /* The 2050 spring-forward gap in Paris: 02:30 on the last Sunday of March. */
    mn_datetime out;
    mn_datetime naive = mn_datetime_naive((mn_date){ 2050, 3, 27 }, (mn_time){ 2, 30, 0, 0 });
    cr_assert_eq(mn_date_weekday((mn_date){ 2050, 3, 27 }), 6);
    cr_assert_eq(mn_datetime_make_aware(naive, paris, MN_IS_DST_NONE, &out, NULL), MN_ENOTFOUND);
    naive = mn_datetime_naive((mn_date){ 2050, 10, 30 }, (mn_time){ 2, 30, 0, 0 });
    cr_assert_eq(mn_datetime_make_aware(naive, paris, MN_IS_DST_NONE, &out, NULL), MN_EMULTIPLE);
    naive = mn_datetime_naive((mn_date){ 2050, 10, 30 }, (mn_time){ 3, 30, 0, 0 });
    cr_assert_eq(mn_datetime_make_aware(naive, paris, MN_IS_DST_NONE, &out, NULL), MN_OK);
}

Test(tz, cache_returns_same_pointer_and_utc)
{
    const mn_tz *a = mn_tz_get("Europe/Paris", NULL);
    const mn_tz *b = mn_tz_get("Europe/Paris", NULL);
    cr_assert_not_null(a);
    cr_assert_eq(a, b);
    cr_assert_eq(mn_tz_get("UTC", NULL), mn_tz_utc());
    const mn_tz *etc = mn_tz_get("Etc/UTC", NULL);
    cr_assert_not_null(etc);
    cr_assert_eq(mn_tz_offset_at(etc, 0), 0);
}

Test(tz, bad_names)
{
    static const char *bad[] = { "", "/etc/passwd", "../etc/passwd", "Europe/../../etc/passwd", "Europe//Paris",
                                 "Europe/Paris/", ".hidden", "Europe/Pa ris", "Europe/Paris\n",
                                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mn_err err = { 0 };
        cr_expect_null(mn_tz_get(bad[i], &err), "%s", bad[i]);
        cr_expect_eq(err.code, MN_EINVAL, "%s: %s", bad[i], err.msg);
        cr_expect(strstr(err.msg, "invalid time zone name") != NULL, "%s", err.msg);
    }
    mn_err err = { 0 };
    cr_assert_null(mn_tz_get("Mars/Olympus_Mons", &err));
    cr_assert_eq(err.code, MN_ENOTFOUND);
    cr_assert(strstr(err.msg, "unknown time zone 'Mars/Olympus_Mons'") != NULL, "%s", err.msg);
    cr_assert_null(mn_tz_get("Europe", &err));
    cr_assert_eq(err.code, MN_ENOTFOUND);
    cr_assert_null(mn_tz_get(NULL, &err));
    cr_assert_eq(err.code, MN_EINVAL);
}

Test(tz, tzdir_and_bad_files)
{
    char dir[] = "/tmp/mn_tzdir_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/Bad_Zone", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("TZif2 this is not a zone file", f);
    fclose(f);
    setenv("TZDIR", dir, 1);
    mn_err err = { 0 };
    cr_assert_null(mn_tz_get("Bad_Zone", &err));
    unsetenv("TZDIR");
    cr_assert_eq(err.code, MN_EPARSE);
    cr_assert(strstr(err.msg, "Bad_Zone") != NULL && strstr(err.msg, "truncated header") != NULL, "%s", err.msg);
    remove(path);
    rmdir(dir);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static uint8_t buf[MN__TZIF_MAX_BYTES];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

Test(tz, parser_rejects_truncations_and_bad_counts)
{
    size_t len;
    uint8_t *data = slurp("/usr/share/zoneinfo/Europe/Paris", &len);
    mn_tz *tz = NULL;
    mn_err err = { 0 };
    cr_assert_eq(mn__tzif_parse(data, len, "Europe/Paris", &tz, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(tz->rule.present, 1);
    cr_assert_eq(tz->rule.has_dst, 1);
    cr_assert_str_eq(tz->rule.dst.abbrev, "CEST");
    mn__tz_free(tz);
    /* Every truncation fails cleanly. */
    for (size_t n = 0; n < len; n += (n < 100 ? 1 : 37)) {
        tz = NULL;
        int rc = mn__tzif_parse(data, n, "x", &tz, &err);
        cr_expect_eq(rc, MN_EPARSE, "truncated to %zu", n);
        cr_expect_null(tz);
    }
    uint8_t copy[8192];
    cr_assert(len <= sizeof copy);
    /* Bad magic, bad version, zero types, leap seconds. */
    memcpy(copy, data, len);
    copy[0] = 'X';
    cr_assert_eq(mn__tzif_parse(copy, len, "x", &tz, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "magic") != NULL);
    memcpy(copy, data, len);
    copy[4] = '9';
    cr_assert_eq(mn__tzif_parse(copy, len, "x", &tz, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "version") != NULL);
    memcpy(copy, data, len);
    memset(copy + 36, 0, 4); /* typecnt */
    cr_assert_eq(mn__tzif_parse(copy, len, "x", &tz, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "type count") != NULL, "%s", err.msg);
    memcpy(copy, data, len);
    copy[31] = 1; /* leapcnt */
    cr_assert_eq(mn__tzif_parse(copy, len, "x", &tz, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "leap") != NULL, "%s", err.msg);
    memcpy(copy, data, len);
    copy[33] = 0xff; /* timecnt far too large */
    cr_assert_eq(mn__tzif_parse(copy, len, "x", &tz, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "truncated") != NULL, "%s", err.msg);
    /* A corrupted footer. */
    memcpy(copy, data, len);
    memcpy(copy + len - 10, "!!", 2);
    cr_assert_eq(mn__tzif_parse(copy, len, "x", &tz, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "footer") != NULL, "%s", err.msg);
}

/* A hand-made version 1 file: one transition at t=1000 from type 0 (+1h
 * "ONE") to type 1 (+2h "TWO", DST). */
Test(tz, parser_version1_and_validation)
{
    uint8_t f[44 + 4 + 1 + 12 + 8];
    memset(f, 0, sizeof f);
    memcpy(f, "TZif", 4);
    f[20 + 15] = 1; /* timecnt */
    f[20 + 19] = 2; /* typecnt */
    f[20 + 23] = 8; /* charcnt */
    uint8_t *p = f + 44;
    p[2] = 0x03;
    p[3] = 0xe8; /* 1000 */
    p[4] = 1;
    uint8_t *ti = p + 5;
    ti[2] = 0x0e;
    ti[3] = 0x10; /* 3600 */
    ti[5] = 0;
    ti[6 + 2] = 0x1c;
    ti[6 + 3] = 0x20; /* 7200 */
    ti[6 + 4] = 1;
    ti[6 + 5] = 4;
    memcpy(ti + 12, "ONE\0TWO\0", 8);
    mn_tz *tz = NULL;
    mn_err err = { 0 };
    cr_assert_eq(mn__tzif_parse(f, sizeof f, "Test/V1", &tz, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_tz_offset_at(tz, 999 * INT64_C(1000000)), 3600);
    cr_assert_str_eq(mn_tz_abbrev_at(tz, 999 * INT64_C(1000000)), "ONE");
    cr_assert_eq(mn_tz_offset_at(tz, 1000 * INT64_C(1000000)), 7200);
    cr_assert_str_eq(mn_tz_abbrev_at(tz, INT64_C(1) << 60), "TWO");
    mn__tz_free(tz);
    /* Transition pointing at a missing type. */
    p[4] = 2;
    cr_assert_eq(mn__tzif_parse(f, sizeof f, "x", &tz, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "uses type 2") != NULL, "%s", err.msg);
    p[4] = 1;
    /* Abbreviation index past the table, then unterminated. */
    ti[6 + 5] = 8;
    cr_assert_eq(mn__tzif_parse(f, sizeof f, "x", &tz, &err), MN_EPARSE);
    ti[6 + 5] = 4;
    ti[12 + 7] = 'X';
    cr_assert_eq(mn__tzif_parse(f, sizeof f, "x", &tz, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "not terminated") != NULL, "%s", err.msg);
    ti[12 + 7] = 0;
    /* Offset out of range. */
    ti[0] = 0x7f;
    cr_assert_eq(mn__tzif_parse(f, sizeof f, "x", &tz, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "offset") != NULL, "%s", err.msg);
    ti[0] = 0;
    cr_assert_eq(mn__tzif_parse(f, sizeof f, "x", &tz, &err), MN_OK);
    mn__tz_free(tz);
}

Test(tz, posix_rules)
{
    mn__tz_rule r;
    mn_err err = { 0 };
    cr_assert_eq(mn__tz_rule_parse("CET-1CEST,M3.5.0,M10.5.0/3", 26, &r, &err), MN_OK);
    cr_assert_eq(r.std.offset, 3600);
    cr_assert_eq(r.dst.offset, 7200);
    cr_assert_eq(r.end.time, 3 * 3600);
    const char *lh = "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0";
    cr_assert_eq(mn__tz_rule_parse(lh, strlen(lh), &r, &err), MN_OK);
    cr_assert_str_eq(r.std.abbrev, "+1030");
    cr_assert_eq(r.std.offset, 37800);
    cr_assert_eq(r.dst.offset, 39600);
    const char *v3 = "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1";
    cr_assert_eq(mn__tz_rule_parse(v3, strlen(v3), &r, &err), MN_OK);
    cr_assert_eq(r.start.time, -7200);
    cr_assert_eq(r.dst.offset, -7200);
    cr_assert_eq(mn__tz_rule_parse("EST5EDT", 7, &r, &err), MN_OK);
    cr_assert_eq(r.start.month, 3);
    cr_assert_eq(r.dst.offset, -4 * 3600);
    const char *jr = "XXX3YYY,J60/0,300/25";
    cr_assert_eq(mn__tz_rule_parse(jr, strlen(jr), &r, &err), MN_OK);
    cr_assert_eq(r.start.kind, 'J');
    cr_assert_eq(r.end.kind, 'N');
    cr_assert_eq(r.end.yday, 300);
    static const char *bad[] = { "C-1", "CET", "CET-25", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
                                 "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,J0,J365", "CET-1CEST,M3.5.0", "<CET-1",
                                 "CET-1CEST,M3.5.0,M10.5.0/200", "CET-1CEST,M3.5.0,M10.5.0x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(mn__tz_rule_parse(bad[i], strlen(bad[i]), &r, &err), MN_EPARSE, "%s", bad[i]);
    cr_assert(strstr(err.msg, "bad POSIX TZ string") != NULL);
}

Test(tz, default_and_current_zone)
{
    cr_assert_str_eq(mn_tz_name(mn_tz_default()), "America/Chicago");
    mn_err err = { 0 };
    cr_assert_eq(mn_tz_set_default("Nowhere/Land", &err), MN_ENOTFOUND);
    cr_assert_str_eq(mn_tz_name(mn_tz_default()), "America/Chicago");
    cr_assert_eq(mn_tz_set_default("Europe/Paris", &err), MN_OK);
    cr_assert_str_eq(mn_tz_name(mn_tz_default()), "Europe/Paris");
    cr_assert_str_eq(mn_tz_name(mn_tz_current()), "Europe/Paris");
    mn_tz_activate(mn_tz_get("Asia/Kolkata", NULL));
    cr_assert_str_eq(mn_tz_name(mn_tz_current()), "Asia/Kolkata");
    mn_tz_activate(NULL);
    cr_assert_str_eq(mn_tz_name(mn_tz_current()), "Europe/Paris");
    cr_assert_eq(mn_tz_set_default(NULL, &err), MN_OK);
    cr_assert_str_eq(mn_tz_name(mn_tz_default()), "America/Chicago");
}

static void *load_many(void *arg)
{
    (void)arg;
    static const char *names[] = { "Europe/Berlin", "Asia/Tokyo", "America/Denver", "Africa/Cairo" };
    for (int i = 0; i < 200; i++)
        if (!mn_tz_get(names[i % 4], NULL))
            return (void *)1;
    return NULL;
}

Test(tz, concurrent_loads)
{
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, load_many, NULL);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        cr_assert_null(r);
    }
    cr_assert_eq(mn_tz_get("Asia/Tokyo", NULL), mn_tz_get("Asia/Tokyo", NULL));
}

Test(tz, tzdata_check)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_tz_check(&err), MN_OK, "%s", err.msg);
    setenv("TZDIR", "/nonexistent/zoneinfo", 1);
    cr_assert_eq(mn_tz_check(&err), MN_ENOTFOUND);
    unsetenv("TZDIR");
    cr_assert(strstr(err.msg, "tzdata") != NULL, "%s", err.msg);
}

/* POSIX TZ rules in rule-only TZif files, checked against Python's zoneinfo
 * reading the same bytes (ZoneInfo.from_file), except the rule with a
 * zero-based day "300", which zoneinfo reads one day early: that one comes
 * from glibc (which in turn gets the all-year DST rule "0/0,J365/25" wrong,
 * where zoneinfo and the tz code agree). */
static const struct rule_zone { const char *rule; int stdoff; const char *abbr; } rule_zones[] = {
    { "EST5EDT,M3.2.0,M11.1.0", -18000, "EST" },
    { "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", -10800, "-03" },
    { "EST5EDT,0/0,J365/25", -18000, "EST" },
    { "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 37800, "+1030" },
    { "AAA-2BBB-3,J60/1:30,300/23:59:59", 7200, "AAA" },
    { "NZST-12NZDT,M9.5.0,M4.1.0/3", 43200, "NZST" },
    { "IST-1GMT0,M10.5.0,M3.5.0/1", 3600, "IST" },
    { "<+0530>-5:30", 19800, "+0530" },
    { "XXX3YYY,M2.5.4/49,M11.5.6/-25", -10800, "XXX" },
};
static const long long rule_instants[] = {315532800LL, 315536400LL, 315540000LL, 315543600LL, 315554400LL, 315615600LL, 320630400LL, 320634000LL, 320637600LL, 320641200LL, 320652000LL, 320713200LL, 321494400LL, 321498000LL, 321501600LL, 321505200LL, 321516000LL, 321577200LL, 323308800LL, 323312400LL, 323316000LL, 323319600LL, 323330400LL, 323391600LL, 323827200LL, 323830800LL, 323834400LL, 323838000LL, 323848800LL, 323910000LL, 329875200LL, 329878800LL, 329882400LL, 329886000LL, 329896800LL, 329958000LL, 339033600LL, 339037200LL, 339040800LL, 339044400LL, 339055200LL, 339116400LL, 341452800LL, 341456400LL, 341460000LL, 341463600LL, 341474400LL, 341535600LL, 342057600LL, 342061200LL, 342064800LL, 342068400LL, 342079200LL, 342140400LL, 347068800LL, 347072400LL, 347076000LL, 347079600LL, 347090400LL, 347151600LL, 1704067200LL, 1704070800LL, 1704074400LL, 1704078000LL, 1704088800LL, 1704150000LL, 1709164800LL, 1709168400LL, 1709172000LL, 1709175600LL, 1709186400LL, 1709247600LL, 1710028800LL, 1710032400LL, 1710036000LL, 1710039600LL, 1710050400LL, 1710111600LL, 1711843200LL, 1711846800LL, 1711850400LL, 1711854000LL, 1711864800LL, 1711926000LL, 1712361600LL, 1712365200LL, 1712368800LL, 1712372400LL, 1712383200LL, 1712444400LL, 1718409600LL, 1718413200LL, 1718416800LL, 1718420400LL, 1718431200LL, 1718492400LL, 1727568000LL, 1727571600LL, 1727575200LL, 1727578800LL, 1727589600LL, 1727650800LL, 1729987200LL, 1729990800LL, 1729994400LL, 1729998000LL, 1730008800LL, 1730070000LL, 1730592000LL, 1730595600LL, 1730599200LL, 1730602800LL, 1730613600LL, 1730674800LL, 1735603200LL, 1735606800LL, 1735610400LL, 1735614000LL, 1735624800LL, 1735686000LL, 1735689600LL, 1735693200LL, 1735696800LL, 1735700400LL, 1735711200LL, 1735772400LL, 1740700800LL, 1740704400LL, 1740708000LL, 1740711600LL, 1740722400LL, 1740783600LL, 1741564800LL, 1741568400LL, 1741572000LL, 1741575600LL, 1741586400LL, 1741647600LL, 1743379200LL, 1743382800LL, 1743386400LL, 1743390000LL, 1743400800LL, 1743462000LL, 1743897600LL, 1743901200LL, 1743904800LL, 1743908400LL, 1743919200LL, 1743980400LL, 1749945600LL, 1749949200LL, 1749952800LL, 1749956400LL, 1749967200LL, 1750028400LL, 1759104000LL, 1759107600LL, 1759111200LL, 1759114800LL, 1759125600LL, 1759186800LL, 1761523200LL, 1761526800LL, 1761530400LL, 1761534000LL, 1761544800LL, 1761606000LL, 1762128000LL, 1762131600LL, 1762135200LL, 1762138800LL, 1762149600LL, 1762210800LL, 1767139200LL, 1767142800LL, 1767146400LL, 1767150000LL, 1767160800LL, 1767222000LL, 1830297600LL, 1830301200LL, 1830304800LL, 1830308400LL, 1830319200LL, 1830380400LL, 1835395200LL, 1835398800LL, 1835402400LL, 1835406000LL, 1835416800LL, 1835478000LL, 1836259200LL, 1836262800LL, 1836266400LL, 1836270000LL, 1836280800LL, 1836342000LL, 1838073600LL, 1838077200LL, 1838080800LL, 1838084400LL, 1838095200LL, 1838156400LL, 1838592000LL, 1838595600LL, 1838599200LL, 1838602800LL, 1838613600LL, 1838674800LL, 1844640000LL, 1844643600LL, 1844647200LL, 1844650800LL, 1844661600LL, 1844722800LL, 1853798400LL, 1853802000LL, 1853805600LL, 1853809200LL, 1853820000LL, 1853881200LL, 1856217600LL, 1856221200LL, 1856224800LL, 1856228400LL, 1856239200LL, 1856300400LL, 1856822400LL, 1856826000LL, 1856829600LL, 1856833200LL, 1856844000LL, 1856905200LL, 1861833600LL, 1861837200LL, 1861840800LL, 1861844400LL, 1861855200LL, 1861916400LL, 4102444800LL, 4102448400LL, 4102452000LL, 4102455600LL, 4102466400LL, 4102527600LL, 4107456000LL, 4107459600LL, 4107463200LL, 4107466800LL, 4107477600LL, 4107538800LL, 4108320000LL, 4108323600LL, 4108327200LL, 4108330800LL, 4108341600LL, 4108402800LL, 4110134400LL, 4110138000LL, 4110141600LL, 4110145200LL, 4110156000LL, 4110217200LL, 4110652800LL, 4110656400LL, 4110660000LL, 4110663600LL, 4110674400LL, 4110735600LL, 4116700800LL, 4116704400LL, 4116708000LL, 4116711600LL, 4116722400LL, 4116783600LL, 4125859200LL, 4125862800LL, 4125866400LL, 4125870000LL, 4125880800LL, 4125942000LL, 4128278400LL, 4128282000LL, 4128285600LL, 4128289200LL, 4128300000LL, 4128361200LL, 4128883200LL, 4128886800LL, 4128890400LL, 4128894000LL, 4128904800LL, 4128966000LL, 4133894400LL, 4133898000LL, 4133901600LL, 4133905200LL, 4133916000LL, 4133977200LL, 13569465600LL, 13569469200LL, 13569472800LL, 13569476400LL, 13569487200LL, 13569548400LL, 13574563200LL, 13574566800LL, 13574570400LL, 13574574000LL, 13574584800LL, 13574646000LL, 13575427200LL, 13575430800LL, 13575434400LL, 13575438000LL, 13575448800LL, 13575510000LL, 13577241600LL, 13577245200LL, 13577248800LL, 13577252400LL, 13577263200LL, 13577324400LL, 13577760000LL, 13577763600LL, 13577767200LL, 13577770800LL, 13577781600LL, 13577842800LL, 13583808000LL, 13583811600LL, 13583815200LL, 13583818800LL, 13583829600LL, 13583890800LL, 13592966400LL, 13592970000LL, 13592973600LL, 13592977200LL, 13592988000LL, 13593049200LL, 13595385600LL, 13595389200LL, 13595392800LL, 13595396400LL, 13595407200LL, 13595468400LL, 13595990400LL, 13595994000LL, 13595997600LL, 13596001200LL, 13596012000LL, 13596073200LL, 13601001600LL, 13601005200LL, 13601008800LL, 13601012400LL, 13601023200LL, 13601084400LL};
static const struct rule_expect { int off; const char *abbr; } rule_expected[9][360] = {
    { { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" }, { -18000, "EST" } },
    { { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -7200, "-02" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" }, { -10800, "-03" } },
    { { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" }, { -14400, "EDT" } },
    { { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 37800, "+1030" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" }, { 39600, "+11" } },
    { { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 10800, "BBB" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" }, { 7200, "AAA" } },
    { { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 43200, "NZST" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" }, { 46800, "NZDT" } },
    { { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 3600, "IST" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" }, { 0, "GMT" } },
    { { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" }, { 19800, "+0530" } },
    { { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -7200, "YYY" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" }, { -10800, "XXX" } },
};

/* A version 2 TZif file with one type and no transitions, then the rule. */
static size_t make_rule_tzif(uint8_t *out, const char *rule, int stdoff, const char *abbr)
{
    size_t n = 0, alen = strlen(abbr) + 1;
    for (int part = 0; part < 2; part++) {
        memset(out + n, 0, 44);
        memcpy(out + n, "TZif2", 5);
        out[n + 39] = 1;
        out[n + 43] = (uint8_t)alen;
        n += 44;
        uint32_t u = (uint32_t)stdoff;
        out[n++] = (uint8_t)(u >> 24);
        out[n++] = (uint8_t)(u >> 16);
        out[n++] = (uint8_t)(u >> 8);
        out[n++] = (uint8_t)u;
        out[n++] = 0;
        out[n++] = 0;
        memcpy(out + n, abbr, alen);
        n += alen;
    }
    out[n++] = '\n';
    memcpy(out + n, rule, strlen(rule));
    n += strlen(rule);
    out[n++] = '\n';
    return n;
}

Test(tz, posix_rules_match_zoneinfo)
{
    const size_t ni = sizeof rule_instants / sizeof rule_instants[0];
    for (size_t z = 0; z < sizeof rule_zones / sizeof rule_zones[0]; z++) {
        uint8_t buf[512];
        size_t n = make_rule_tzif(buf, rule_zones[z].rule, rule_zones[z].stdoff, rule_zones[z].abbr);
        mn_tz *tz = NULL;
        mn_err err = { 0 };
        cr_assert_eq(mn__tzif_parse(buf, n, "Rule/Zone", &tz, &err), MN_OK, "%s: %s", rule_zones[z].rule, err.msg);
        for (size_t i = 0; i < ni; i++) {
            int64_t us = (int64_t)rule_instants[i] * 1000000;
            cr_expect_eq(mn_tz_offset_at(tz, us), rule_expected[z][i].off, "%s at %lld: %d", rule_zones[z].rule,
                         rule_instants[i], mn_tz_offset_at(tz, us));
            cr_expect_str_eq(mn_tz_abbrev_at(tz, us), rule_expected[z][i].abbr, "%s at %lld", rule_zones[z].rule,
                             rule_instants[i]);
            /* Every instant's reading maps back onto it (with the DST flag
             * of the instant for the folds). */
            mn_datetime aw = { us, tz }, naive, back;
            cr_assert_eq(mn_datetime_make_naive(aw, tz, &naive, NULL), MN_OK);
            int rc = mn_datetime_make_aware(naive, tz, MN_IS_DST_NONE, &back, NULL);
            if (rc == MN_EMULTIPLE) {
                mn_datetime b1, b2;
                mn_datetime_make_aware(naive, tz, MN_IS_DST_TRUE, &b1, NULL);
                mn_datetime_make_aware(naive, tz, MN_IS_DST_FALSE, &b2, NULL);
                cr_expect(b1.us == us || b2.us == us, "%s at %lld", rule_zones[z].rule, rule_instants[i]);
            } else {
                cr_expect_eq(rc, MN_OK, "%s at %lld", rule_zones[z].rule, rule_instants[i]);
                cr_expect_eq(back.us, us, "%s at %lld", rule_zones[z].rule, rule_instants[i]);
            }
        }
        mn__tz_free(tz);
    }
    /* A DST name without a rule takes the US rules, as the tz code does. */
    uint8_t buf[512];
    size_t n = make_rule_tzif(buf, "CET-1CEST", 3600, "CET");
    mn_tz *tz = NULL;
    cr_assert_eq(mn__tzif_parse(buf, n, "Rule/Default", &tz, NULL), MN_OK);
    cr_assert_eq(mn_tz_offset_at(tz, INT64_C(1720000000) * 1000000), 7200);
    cr_assert_str_eq(mn_tz_abbrev_at(tz, INT64_C(1720000000) * 1000000), "CEST");
    cr_assert_eq(mn_tz_offset_at(tz, INT64_C(1704067200) * 1000000), 3600);
    mn__tz_free(tz);
}
