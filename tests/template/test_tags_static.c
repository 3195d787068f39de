#include "helpers.h"

TestSuite(template_tags_static, .init = t_setup, .fini = t_teardown);

Test(template_tags_static, static_urls)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "p", mn_value_cstr("img/a&b.png"));
    T_EXPECT("{% load static %}{% static 'css/site.css' %}|{% static p %}|{% static '/abs.js' %}", m,
             "/static/css/site.css|/static/img/a%26b.png|/abs.js");
    T_EXPECT("{% load static %}{% get_static_prefix as sp %}{{ sp }}|{% get_media_prefix %}", m, "/static/|/");
    T_EXPECT_ERROR("{% load static %}{% static %}", m,
                   "TemplateSyntaxError: 'static' takes at least one argument (path to file)");
    T_EXPECT_ERROR("{% load static %}{% get_static_prefix x %}", m,
                   "TemplateSyntaxError: First argument in 'get_static_prefix' must be 'as'");
}
