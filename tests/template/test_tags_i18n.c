#include "helpers.h"

TestSuite(template_tags_i18n, .init = t_setup, .fini = t_teardown);

Test(template_tags_i18n, translate)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "x", mn_value_cstr("<b>"));
    T_EXPECT("{% load i18n %}{% trans 'Hello' %}|{% translate \"50%\" %}|{% trans x %}", m, "Hello|50%|&lt;b&gt;");
    T_EXPECT("{% load i18n %}{% trans 'a' as v %}[{{ v }}]", m, "[a]");
    T_EXPECT_ERROR("{% load i18n %}{% trans 'a' bogus %}", m, "TemplateSyntaxError: Unknown argument for 'trans' tag");
}

Test(template_tags_i18n, blocktranslate)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "name", mn_value_cstr("<Ann>"));
    mn_map_set_cstr(m, "n", mn_value_int(2));
    T_EXPECT("{% load i18n %}{% blocktrans %}Hi {{ name }}, 100% sure{% endblocktrans %}", m,
             "Hi &lt;Ann&gt;, 100% sure");
    T_EXPECT("{% load i18n %}{% blocktranslate count c=n %}{{ c }} item{% plural %}{{ c }} items{% endblocktranslate %}",
             m, "2 items");
    T_EXPECT("{% load i18n %}{% blocktrans trimmed with who=name|upper %}\n  Hi\n  {{ who }} {% endblocktrans %}", m,
             "Hi &lt;ANN&gt;");
    T_EXPECT_ERROR("{% load i18n %}{% blocktrans %}{% if %}{% endblocktrans %}", m,
                   "TemplateSyntaxError: 'blocktrans' doesn't allow other block tags (seen 'if') inside it");
}

Test(template_tags_i18n, current_language)
{
    T_EXPECT("{% load i18n %}{% get_current_language as L %}{{ L }} {% get_current_language_bidi as B %}{{ B }}", NULL,
             "en-us False");
}
