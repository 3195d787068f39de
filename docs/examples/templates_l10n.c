/* Localized templates: LANGUAGE_CODE "fr" with USE_L10N and
 * USE_THOUSAND_SEPARATOR, the l10n library, and {% debug %}. */
#include <stdio.h>
#include <string.h>
#include "manouche.h"

static int check(mn_template_engine *e, mn_arena *arena, const char *src, mn_map *vars, const char *want)
{
    mn_err err = { 0 };
    mn_template *t = mn_template_engine_from_string(e, mn_str_from(src), "example", &err);
    mn_template_context *ctx = t ? mn_template_context_new(e, arena, vars) : NULL;
    mn_buf out;
    mn_buf_init(&out, arena, 0);
    if (!ctx || mn_template_render(t, ctx, &out, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("%s\n", mn_buf_cstr(&out));
    if (strcmp(mn_buf_cstr(&out), want) != 0) {
        fprintf(stderr, "expected %s\n", want);
        return 1;
    }
    return 0;
}

int main(void)
{
    /* settings.py: LANGUAGE_CODE = 'fr', USE_L10N = True, USE_THOUSAND_SEPARATOR = True */
    mn_template_options opts = { .language_code = "fr", .use_l10n = true, .use_thousand_separator = true };
    mn_template_engine *e = mn_template_engine_new(&opts);
    mn_arena *arena = mn_arena_new("request", 0);
    if (!e || !arena)
        return 1;
    mn_map *vars = mn_map_new(arena, 4);
    mn_map_set_cstr(vars, "day", mn_value_date((mn_date){ 2024, 2, 7 }));
    mn_map_set_cstr(vars, "price", mn_value_float(1234.5));
    mn_map_set_cstr(vars, "stock", mn_value_int(1500000));
    int rc = 0;
    /* DATE_FORMAT 'j F Y', DECIMAL_SEPARATOR ',', THOUSAND_SEPARATOR '\xa0' (a no-break space) */
    rc |= check(e, arena, "{{ day }} | {{ day|date:\"l j F\" }} | {{ price }} | {{ price|floatformat:2 }} | {{ stock }}",
                vars, "7 f\xc3\xa9vrier 2024 | mercredi 7 f\xc3\xa9vrier | 1\xc2\xa0" "234,5 | 1\xc2\xa0" "234,50 | "
                      "1\xc2\xa0" "500\xc2\xa0" "000");
    /* {% localize off %} and unlocalize: the plain str() of the value */
    rc |= check(e, arena, "{% load l10n %}{% localize off %}{{ price }} {{ stock }}{% endlocalize %} {{ price|unlocalize }}",
                vars, "1234.5 1500000 1234.5");
    mn_template_engine_free(e);

    /* {% debug %} shows the context when the engine runs with debug */
    mn_template_options dbg = { .debug = true };
    e = mn_template_engine_new(&dbg);
    if (!e)
        return 1;
    mn_map *small = mn_map_new(arena, 1);
    mn_map_set_cstr(small, "user", mn_value_cstr("ana"));
    rc |= check(e, arena, "{% with n=2 %}{% debug %}{% endwith %}", small,
                "{&#x27;n&#x27;: 2}{&#x27;user&#x27;: &#x27;ana&#x27;}{&#x27;False&#x27;: False, &#x27;None&#x27;: None, "
                "&#x27;True&#x27;: True}\n\n{&#x27;cache&#x27;: &lt;library &#x27;cache&#x27;&gt;,\n &#x27;humanize&#x27;: "
                "&lt;library &#x27;humanize&#x27;&gt;,\n &#x27;i18n&#x27;: &lt;library &#x27;i18n&#x27;&gt;,\n "
                "&#x27;l10n&#x27;: &lt;library &#x27;l10n&#x27;&gt;,\n &#x27;static&#x27;: &lt;library "
                "&#x27;static&#x27;&gt;}");
    mn_template_engine_free(e);
    mn_arena_free(arena);
    return rc;
}
