/* Dates, times and time zones: the Manouche counterpart of
 * django.utils.timezone, dateparse, dateformat and humanize.
 * Build: cc datetime_zones.c $(pkg-config --cflags --libs manouche) */
#include <stdio.h>
#include <string.h>
#include <manouche.h>

static int failures;

static void check(const char *what, const char *got, const char *want)
{
    printf("%-28s %s\n", what, got);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "  expected %s\n", want);
        failures++;
    }
}

int main(void)
{
    mn_arena *arena = mn_arena_new("example", 0);
    mn_buf out;
    mn_buf_init(&out, arena, 0);
    mn_err err = { 0 };

    /* TIME_ZONE = "Europe/Paris" */
    if (mn_tz_set_default("Europe/Paris", &err) != MN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    const mn_tz *paris = mn_tz_default();
    const mn_tz *chicago = mn_tz_get("America/Chicago", &err);
    if (!chicago) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }

    /* parse_datetime() with an offset gives an aware datetime. */
    mn_datetime dt;
    if (mn_datetime_parse(MN_STR("2024-07-14T16:30:00+02:00"), &dt, &err) != MN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }

    /* timezone.localtime(dt, chicago) and the date filter. */
    mn_datetime local;
    mn_datetime_localtime(dt, chicago, &local, NULL);
    mn_datetime_format(&out, local, mn_dateformat_get("DATETIME_FORMAT"), &err);
    check("date:\"DATETIME_FORMAT\"", mn_buf_cstr(&out), "July 14, 2024, 9:30 a.m.");
    mn_buf_reset(&out);
    mn_datetime_format(&out, local, "D, d M Y H:i T (O)", &err);
    check("custom format", mn_buf_cstr(&out), "Sun, 14 Jul 2024 09:30 CDT (-0500)");

    /* make_aware(): 02:30 on 2024-03-31 does not exist in Paris, and
     * 02:30 on 2024-10-27 happens twice. */
    mn_datetime naive = mn_datetime_naive((mn_date){ 2024, 10, 27 }, (mn_time){ 2, 30, 0, 0 });
    int rc = mn_datetime_make_aware(naive, paris, MN_IS_DST_NONE, &dt, &err);
    check("make_aware(fold)", rc == MN_EMULTIPLE ? "MN_EMULTIPLE" : "?", "MN_EMULTIPLE");
    mn_datetime_make_aware(naive, paris, MN_IS_DST_TRUE, &dt, NULL);
    mn_buf_reset(&out);
    mn_datetime_write(&out, dt, 'T');
    check("make_aware(fold, is_dst)", mn_buf_cstr(&out), "2024-10-27T02:30:00+02:00");
    naive = mn_datetime_naive((mn_date){ 2024, 3, 31 }, (mn_time){ 2, 30, 0, 0 });
    rc = mn_datetime_make_aware(naive, paris, MN_IS_DST_NONE, &dt, &err);
    check("make_aware(gap)", rc == MN_ENOTFOUND ? "MN_ENOTFOUND" : "?", "MN_ENOTFOUND");

    /* Dates past 2037 follow the zone's rule. */
    naive = mn_datetime_naive((mn_date){ 2050, 7, 1 }, (mn_time){ 12, 0, 0, 0 });
    mn_datetime_make_aware(naive, paris, MN_IS_DST_NONE, &dt, NULL);
    mn_buf_reset(&out);
    mn_datetime_format(&out, dt, "c e", NULL);
    check("summer 2050", mn_buf_cstr(&out), "2050-07-01T12:00:00+02:00 CEST");

    /* Durations: parse_duration() and duration_string(). */
    mn_duration d;
    mn_duration_parse(MN_STR("P1DT2H30M"), &d, NULL);
    mn_buf_reset(&out);
    mn_duration_write_django(&out, d);
    check("parse_duration(ISO)", mn_buf_cstr(&out), "1 02:30:00");

    /* timesince and naturaltime, with "now" passed in. */
    mn_datetime now = { 0, mn_tz_utc() }, then;
    mn_datetime_parse(MN_STR("2024-03-15 12:00:00Z"), &now, NULL);
    mn_datetime_add(now, (mn_duration){ -INT64_C(3) * 86400000000 - INT64_C(7200000000) }, &then);
    mn_buf_reset(&out);
    mn_timesince(&out, then, now, 2, NULL);
    check("timesince", mn_buf_cstr(&out), "3\xc2\xa0" "days, 2\xc2\xa0" "hours");
    mn_buf_reset(&out);
    mn_naturaltime(&out, then, now, NULL);
    check("naturaltime", mn_buf_cstr(&out), "3\xc2\xa0" "days, 2\xc2\xa0" "hours ago");
    mn_buf_reset(&out);
    mn_naturalday(&out, (mn_date){ 2024, 3, 14 }, (mn_date){ 2024, 3, 15 }, NULL, NULL);
    check("naturalday", mn_buf_cstr(&out), "yesterday");

    mn_arena_free(arena);
    return failures ? 1 : 0;
}
