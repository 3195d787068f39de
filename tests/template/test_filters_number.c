#include "helpers.h"

TestSuite(template_filters_number, .init = t_setup, .fini = t_teardown);

Test(template_filters_number, floatformat)
{
    T_EXPECT("{{ 34.23234|floatformat }} {{ 34.0|floatformat }} {{ 34.26|floatformat }}", NULL, "34.2 34 34.3");
    T_EXPECT("{{ 34.23234|floatformat:3 }} {{ 34.0|floatformat:3 }} {{ 34.26|floatformat:'-3' }}", NULL,
             "34.232 34.000 34.260");
    T_EXPECT("{{ 2.5|floatformat:0 }} {{ -0.01|floatformat }} [{{ 'abc'|floatformat }}] {{ '12.345'|floatformat:2 }}",
             NULL, "3 0.0 [] 12.35");
    T_EXPECT("{{ 1.5|floatformat:'x' }} {{ 66666.666|floatformat:'2g' }}", NULL, "1.5 66666.67");
    T_EXPECT_ERROR("{{ 1.5|floatformat:None }}", NULL, "TypeError");
}

Test(template_filters_number, decimals)
{
    mn_decimal d;
    cr_assert_eq(mn_decimal_parse(MN_STR("1234.50"), &d, NULL), MN_OK);
    mn_map *m = t_map();
    mn_map_set_cstr(m, "d", mn_value_decimal(d));
    T_EXPECT("{{ d }} {{ d|floatformat }} {{ d|floatformat:0 }}", m, "1234.50 1234.5 1235");
    T_EXPECT("{% load humanize %}{{ d|intcomma }}", m, "1,234.50");
}

Test(template_filters_number, intword)
{
    T_EXPECT("{% load humanize %}{{ 999999|intword }} {{ 1000000|intword }} {{ 1290000000|intword }}", NULL,
             "999999 1.0 million 1.3 billion");
}
