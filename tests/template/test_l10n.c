/* Localization: LANGUAGE_CODE, USE_L10N and USE_THOUSAND_SEPARATOR for
 * {{ }}, the date and time filters, floatformat, intcomma and the l10n
 * library. Every expectation is python3-django 3.2's output with the same
 * settings (TIME_ZONE America/Chicago). */
#include "helpers.h"

TestSuite(template_l10n, .init = t_setup, .fini = t_teardown);

static const char *render_in(const char *lang, bool l10n, bool sep, const char *src, mn_map *vars)
{
    mn_template_options o = { .language_code = lang, .use_l10n = l10n, .use_thousand_separator = sep };
    mn_template_engine *e = mn_template_engine_new(&o);
    cr_assert(e);
    const char *r = t_render_with(e, src, vars);
    mn_template_engine_free(e);
    return r;
}

static const struct {
    const char *lang;
    bool l10n, sep;
    const char *want;
} DATE_CASES[] = {
    { "en-us", false, false,
      "Feb. 7, 2020|Aug. 15, 2021, 2:05 p.m.|noon|9:30 a.m.|Dec. 1, 2021, midnight|1234.50|Feb. 7, 2020|Friday 7 February 2020, Fri Feb. feb Feb February|p.m. PM 2:05 p.m. 2:05|midnight|noon|a.m. AM 9:30 a.m.|02/07/2020|08/15/2021 2:05 p.m.|February 2020|February 7|Aug. 15, 2021, 2:05 p.m.|Feb. 7, 2020|Feb. 7, 2020|Feb. 7, 2020|Aug. 15, 2021, 2:05 p.m.|1234.50|Sun, 15 Aug 2021 14:05:00 -0500" },
    { "en-us", true, true,
      "Feb. 7, 2020|Aug. 15, 2021, 2:05 p.m.|noon|9:30 a.m.|Dec. 1, 2021, midnight|1,234.50|Feb. 7, 2020|Friday 7 February 2020, Fri Feb. feb Feb February|p.m. PM 2:05 p.m. 2:05|midnight|noon|a.m. AM 9:30 a.m.|02/07/2020|08/15/2021 2:05 p.m.|February 2020|February 7|Aug. 15, 2021, 2:05 p.m.|Feb. 7, 2020|Feb. 7, 2020|Feb. 7, 2020|Aug. 15, 2021, 2:05 p.m.|1234.50|Sun, 15 Aug 2021 14:05:00 -0500" },
    { "fr", true, false,
      "7 f\xc3\xa9""vrier 2020|15 ao\xc3\xbb""t 2021 14:05|12:00|09:30|1 d\xc3\xa9""cembre 2021 00:00|1234,50|7 f\xc3\xa9""vrier 2020|vendredi 7 f\xc3\xa9""vrier 2020, ven f\xc3\xa9""v. f\xc3\xa9""v F\xc3\xa9""v F\xc3\xa9""vrier|apr\xc3\xa8""s-midi Apr\xc3\xa8""s-midi 2:05 apr\xc3\xa8""s-midi 2:05|minuit|12:00|matin Matin 9:30 matin|7 f\xc3\xa9""v. 2020|15 ao\xc3\xbb""t 2021 14:05|f\xc3\xa9""vrier 2020|7 f\xc3\xa9""vrier|15 ao\xc3\xbb""t 2021 14:05|f\xc3\xa9""v. 7, 2020|7 f\xc3\xa9""vrier 2020|f\xc3\xa9""v. 7, 2020|ao\xc3\xbb""t 15, 2021, 2:05 apr\xc3\xa8""s-midi|1234.50|Sun, 15 Aug 2021 14:05:00 -0500" },
    { "fr", false, false,
      "f\xc3\xa9""v. 7, 2020|ao\xc3\xbb""t 15, 2021, 2:05 apr\xc3\xa8""s-midi|midi|9:30 matin|d\xc3\xa9""c. 1, 2021, minuit|1234.50|f\xc3\xa9""v. 7, 2020|vendredi 7 f\xc3\xa9""vrier 2020, ven f\xc3\xa9""v. f\xc3\xa9""v F\xc3\xa9""v F\xc3\xa9""vrier|apr\xc3\xa8""s-midi Apr\xc3\xa8""s-midi 2:05 apr\xc3\xa8""s-midi 2:05|minuit|midi|matin Matin 9:30 matin|02/07/2020|08/15/2021 2:05 apr\xc3\xa8""s-midi|f\xc3\xa9""vrier 2020|f\xc3\xa9""vrier 7|ao\xc3\xbb""t 15, 2021, 2:05 apr\xc3\xa8""s-midi|f\xc3\xa9""v. 7, 2020|7 f\xc3\xa9""vrier 2020|f\xc3\xa9""v. 7, 2020|ao\xc3\xbb""t 15, 2021, 2:05 apr\xc3\xa8""s-midi|1234.50|Sun, 15 Aug 2021 14:05:00 -0500" },
    { "fr", true, true,
      "7 f\xc3\xa9""vrier 2020|15 ao\xc3\xbb""t 2021 14:05|12:00|09:30|1 d\xc3\xa9""cembre 2021 00:00|1\xc2\xa0""234,50|7 f\xc3\xa9""vrier 2020|vendredi 7 f\xc3\xa9""vrier 2020, ven f\xc3\xa9""v. f\xc3\xa9""v F\xc3\xa9""v F\xc3\xa9""vrier|apr\xc3\xa8""s-midi Apr\xc3\xa8""s-midi 2:05 apr\xc3\xa8""s-midi 2:05|minuit|12:00|matin Matin 9:30 matin|7 f\xc3\xa9""v. 2020|15 ao\xc3\xbb""t 2021 14:05|f\xc3\xa9""vrier 2020|7 f\xc3\xa9""vrier|15 ao\xc3\xbb""t 2021 14:05|f\xc3\xa9""v. 7, 2020|7 f\xc3\xa9""vrier 2020|f\xc3\xa9""v. 7, 2020|ao\xc3\xbb""t 15, 2021, 2:05 apr\xc3\xa8""s-midi|1234.50|Sun, 15 Aug 2021 14:05:00 -0500" },
    { "en-gb", true, false,
      "7 Feb 2020|15 Aug 2021, 2:05 p.m.|noon|9:30 a.m.|1 Dec 2021, midnight|1234.50|7 Feb 2020|Friday 7 February 2020, Fri Feb. feb Feb February|p.m. PM 2:05 p.m. 2:05|midnight|noon|a.m. AM 9:30 a.m.|07/02/2020|15/08/2021 2:05 p.m.|February 2020|7 February|15 Aug 2021, 2:05 p.m.|Feb. 7, 2020|7 Feb 2020|Feb. 7, 2020|Aug. 15, 2021, 2:05 p.m.|1234.50|Sun, 15 Aug 2021 14:05:00 -0500" },
};

Test(template_l10n, dates_times_and_decimals)
{
    mn_map *v = t_map();
    mn_decimal x;
    cr_assert_eq(mn_decimal_parse_cstr("1234.50", &x, NULL), MN_OK);
    mn_map_set_cstr(v, "d", mn_value_date((mn_date){ 2020, 2, 7 }));
    mn_map_set_cstr(v, "dt", mn_value_datetime(mn_datetime_naive((mn_date){ 2021, 8, 15 }, (mn_time){ 14, 5, 0, 0 })));
    mn_map_set_cstr(v, "m", mn_value_datetime(mn_datetime_naive((mn_date){ 2021, 12, 1 }, (mn_time){ 0, 0, 0, 0 })));
    mn_map_set_cstr(v, "t", mn_value_time((mn_time){ 12, 0, 0, 0 }));
    mn_map_set_cstr(v, "t2", mn_value_time((mn_time){ 9, 30, 0, 0 }));
    mn_map_set_cstr(v, "x", mn_value_decimal(x));
    const char *src = "{% load l10n %}{{ d }}|{{ dt }}|{{ t }}|{{ t2 }}|{{ m }}|{{ x }}|{{ d|date }}|"
                      "{{ d|date:\"l j F Y, D N b M E\" }}|{{ dt|date:\"a A P f\" }}|{{ m|date:\"P\" }}|{{ t|time }}|"
                      "{{ t2|time:\"a A P\" }}|{{ d|date:\"SHORT_DATE_FORMAT\" }}|{{ dt|date:\"SHORT_DATETIME_FORMAT\" }}|"
                      "{{ d|date:\"YEAR_MONTH_FORMAT\" }}|{{ d|date:\"MONTH_DAY_FORMAT\" }}|"
                      "{{ dt|date:\"DATETIME_FORMAT\" }}|{{ d|unlocalize }}|{{ d|localize }}|"
                      "{% localize off %}{{ d }}|{{ dt }}|{{ x }}{% endlocalize %}|{{ dt|date:\"r\" }}";
    for (size_t i = 0; i < sizeof DATE_CASES / sizeof DATE_CASES[0]; i++) {
        const char *got = render_in(DATE_CASES[i].lang, DATE_CASES[i].l10n, DATE_CASES[i].sep, src, v);
        cr_assert(got, "%s: %s", DATE_CASES[i].lang, T_err.msg);
        cr_assert_str_eq(got, DATE_CASES[i].want, "%s l10n=%d sep=%d", DATE_CASES[i].lang, DATE_CASES[i].l10n,
                         DATE_CASES[i].sep);
    }
}

static const struct {
    const char *lang;
    bool l10n, sep;
    const char *want;
} NUMBER_CASES[] = {
    { "en-us", false, false,
      "1234.5|1234567|9876543.21|-1234.5|1234.50|9876543.21|1000|1000|1234.500|9,876,543.21|1,234.5|12,345|-1,234.5|abc1234|1|1234.5|1234.5|9876543.21|1234567|1234.5|1234567|1e-05|True|1234.5|9876543.21|0.00001|12345|True|en-us" },
    { "en-us", true, false,
      "1234.5|1234567|9876543.21|-1234.5|1234.50|9,876,543.21|1000|1,000|1234.500|9,876,543.21|1,234.5|12,345|-1,234.5|abc1234|1|1234.5|1234.5|9876543.21|1234567|1234.5|1234567|1e-05|True|1234.5|9876543.21|0.00001|12345|True|en-us" },
    { "en-us", true, true,
      "1,234.5|1,234,567|9,876,543.21|-1,234.5|1,234.50|9,876,543.21|1,000|1,000|1,234.500|9,876,543.21|1,234.5|12,345|-1,234.5|abc1234|1|1,234.5|1234.5|9,876,543.21|1,234,567|1234.5|1234567|1e-05|True|1,234.5|9,876,543.21|0.00001|12345|True|en-us" },
    { "fr", true, false,
      "1234,5|1234567|9876543,21|-1234,5|1234,50|9\xc2\xa0""876\xc2\xa0""543,21|1000|1\xc2\xa0""000|1234,500|9\xc2\xa0""876\xc2\xa0""543,21|1\xc2\xa0""234,5|12\xc2\xa0""345|-1\xc2\xa0""234,5|abc1234|1|1234,5|1234.5|9876543,21|1234567|1234.5|1234567|1e-05|True|1234,5|9876543,21|0,00001|12345|True|fr" },
    { "fr", true, true,
      "1\xc2\xa0""234,5|1\xc2\xa0""234\xc2\xa0""567|9\xc2\xa0""876\xc2\xa0""543,21|-1\xc2\xa0""234,5|1\xc2\xa0""234,50|9\xc2\xa0""876\xc2\xa0""543,21|1\xc2\xa0""000|1\xc2\xa0""000|1\xc2\xa0""234,500|9\xc2\xa0""876\xc2\xa0""543,21|1\xc2\xa0""234,5|12\xc2\xa0""345|-1\xc2\xa0""234,5|abc1234|1|1\xc2\xa0""234,5|1234.5|9\xc2\xa0""876\xc2\xa0""543,21|1\xc2\xa0""234\xc2\xa0""567|1234.5|1234567|1e-05|True|1\xc2\xa0""234,5|9\xc2\xa0""876\xc2\xa0""543,21|0,00001|12345|True|fr" },
    { "fr", false, false,
      "1234.5|1234567|9876543.21|-1234.5|1234.50|9876543.21|1000|1000|1234.500|9\xc2\xa0""876\xc2\xa0""543,21|1\xc2\xa0""234,5|12\xc2\xa0""345|-1\xc2\xa0""234,5|abc1234|1|1234,5|1234.5|9876543,21|1234567|1234.5|1234567|1e-05|True|1234,5|9876543,21|0.00001|12345|True|fr" },
    { "en-gb", true, true,
      "1,234.5|1,234,567|9,876,543.21|-1,234.5|1,234.50|9,876,543.21|1,000|1,000|1,234.500|9,876,543.21|1,234.5|12,345|-1,234.5|abc1234|1|1,234.5|1234.5|9,876,543.21|1,234,567|1234.5|1234567|1e-05|True|1,234.5|9,876,543.21|0.00001|12345|True|en-gb" },
    { "fr-ca", true, true,
      "1\xc2\xa0""234,5|1\xc2\xa0""234\xc2\xa0""567|9\xc2\xa0""876\xc2\xa0""543,21|-1\xc2\xa0""234,5|1\xc2\xa0""234,50|9\xc2\xa0""876\xc2\xa0""543,21|1\xc2\xa0""000|1\xc2\xa0""000|1\xc2\xa0""234,500|9\xc2\xa0""876\xc2\xa0""543,21|1\xc2\xa0""234,5|12\xc2\xa0""345|-1\xc2\xa0""234,5|abc1234|1|1\xc2\xa0""234,5|1234.5|9\xc2\xa0""876\xc2\xa0""543,21|1\xc2\xa0""234\xc2\xa0""567|1234.5|1234567|1e-05|True|1\xc2\xa0""234,5|9\xc2\xa0""876\xc2\xa0""543,21|0,00001|12345|True|fr-ca" },
};

Test(template_l10n, numbers)
{
    mn_map *v = t_map();
    mn_map_set_cstr(v, "f", mn_value_float(1234.5));
    mn_map_set_cstr(v, "i", mn_value_int(1234567));
    mn_map_set_cstr(v, "big", mn_value_float(9876543.21));
    mn_map_set_cstr(v, "tiny", mn_value_float(1e-05));
    mn_map_set_cstr(v, "s", mn_value_cstr("12345"));
    mn_map_set_cstr(v, "n", mn_value_float(-1234.5));
    mn_map_set_cstr(v, "w", mn_value_cstr("abc1234"));
    mn_map_set_cstr(v, "r", mn_value_float(1000.0));
    mn_map_set_cstr(v, "b", mn_value_bool(true));
    const char *src =
        "{% load l10n humanize i18n %}{{ f }}|{{ i }}|{{ big }}|{{ n }}|{{ f|floatformat:2 }}|{{ big|floatformat:\"2g\" }}|"
        "{{ r|floatformat:\"-2\" }}|{{ r|floatformat:\"-2g\" }}|{{ f|floatformat:\"-3\" }}|{{ big|intcomma }}|"
        "{{ f|intcomma }}|{{ s|intcomma }}|{{ n|intcomma }}|{{ w|intcomma }}|{{ b|intcomma }}|{{ f|localize }}|"
        "{{ f|unlocalize }}|{{ big|localize }}|{{ i|localize }}|{% localize off %}{{ f }}|{{ i }}|{{ tiny }}|{{ b }}"
        "{% endlocalize %}|{% localize %}{{ f }}{% endlocalize %}|{% localize on %}{{ big }}{% endlocalize %}|"
        "{{ tiny }}|{{ s|localize }}|{{ b }}|{% get_current_language as L %}{{ L }}";
    for (size_t i = 0; i < sizeof NUMBER_CASES / sizeof NUMBER_CASES[0]; i++) {
        const char *got = render_in(NUMBER_CASES[i].lang, NUMBER_CASES[i].l10n, NUMBER_CASES[i].sep, src, v);
        cr_assert(got, "%s: %s", NUMBER_CASES[i].lang, T_err.msg);
        cr_assert_str_eq(got, NUMBER_CASES[i].want, "%s l10n=%d sep=%d", NUMBER_CASES[i].lang, NUMBER_CASES[i].l10n,
                         NUMBER_CASES[i].sep);
    }
}

/* {% localize %} takes nothing, on or off; the tag and the filters need
 * {% load l10n %}. Messages as Django's. */
Test(template_l10n, localize_tag_errors)
{
    T_EXPECT_ERROR("{% load l10n %}{% localize maybe %}x{% endlocalize %}", NULL,
                   "TemplateSyntaxError: 'localize' argument should be 'on' or 'off'");
    T_EXPECT_ERROR("{% load l10n %}{% localize on off %}x{% endlocalize %}", NULL,
                   "TemplateSyntaxError: 'localize' argument should be 'on' or 'off'");
    T_EXPECT_ERROR("{% load l10n %}{% localize %}x", NULL,
                   "TemplateSyntaxError: Unclosed tag on line 1: 'localize'. Looking for one of: endlocalize.");
    T_EXPECT_ERROR("{% localize %}x{% endlocalize %}", NULL, "TemplateSyntaxError: Invalid block tag on line 1: 'localize'");
    T_EXPECT_ERROR("{{ 1|localize }}", NULL, "TemplateSyntaxError: Invalid filter: 'localize'");
    /* nested blocks restore the setting of the enclosing one */
    mn_map *v = t_map();
    mn_map_set_cstr(v, "f", mn_value_float(1.5));
    cr_assert_str_eq(render_in("fr", true, false,
                               "{% load l10n %}{% localize off %}{{ f }}{% localize on %}{{ f }}{% endlocalize %}"
                               "{{ f }}{% endlocalize %}{{ f }}",
                               v),
                     "1.51,51.51,5");
}

/* The date filter reads any format setting by name, and an empty format as
 * DATE_FORMAT (python3-django 3.2, LANGUAGE_CODE 'fr', USE_L10N). */
Test(template_l10n, format_settings_by_name)
{
    mn_map *v = t_map();
    mn_map_set_cstr(v, "d", mn_value_date((mn_date){ 2020, 1, 2 }));
    const char *src = "{{ d|date:\"NUMBER_GROUPING\" }}|{{ d|date:\"FIRST_DAY_OF_WEEK\" }}|"
                      "{{ d|date:\"DECIMAL_SEPARATOR\" }}|{{ d|date:\"THOUSAND_SEPARATOR\" }}|{{ d|date:\"\" }}";
    cr_assert_str_eq(render_in("fr", true, false, src, v), "3|1|,|\xc2\xa0|2 janvier 2020");
    cr_assert_str_eq(render_in("en-us", false, false, src, v), "0|0|.|,|Jan. 2, 2020");
    cr_assert_str_eq(render_in("en-au", true, false, src, v), "3|0|.|,|2 Jan 2020");
    cr_assert_str_eq(render_in("en-gb", true, false, src, v), "3|1|.|,|2 Jan 2020");
}
