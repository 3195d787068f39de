#include "helpers.h"

TestSuite(template_render, .init = t_setup, .fini = t_teardown);

typedef struct product {
    const char *name;
    int64_t price;
} product;

static int product_attr(const void *obj, mn_str name, mn_arena *a, mn_value *out)
{
    const product *p = obj;
    if (mn_str_eq_cstr(name, "name"))
        *out = mn_value_cstr(p->name);
    else if (mn_str_eq_cstr(name, "price"))
        *out = mn_value_int(p->price);
    else
        return MN_ENOTFOUND;
    return MN_OK;
}

static const mn_type product_type = { .name = "Product", .get_attr = product_attr };

static int answer(void *ctx, mn_arena *a, mn_value *out)
{
    *out = mn_value_int(42);
    return MN_OK;
}

Test(template_render, lookups)
{
    mn_map *m = t_map(), *inner = t_map();
    mn_map_set_cstr(inner, "k", mn_value_cstr("v"));
    mn_map_set_cstr(m, "d", mn_value_map(inner));
    const char *items[] = { "a", "b" };
    mn_map_set_cstr(m, "l", mn_value_list(t_list_str(items, 2)));
    static product p = { "Lamp", 12 };
    mn_map_set_cstr(m, "p", mn_value_object(&product_type, &p));
    mn_map_set_cstr(m, "f", mn_value_callable(answer, NULL));
    T_EXPECT("{{ d.k }} {{ l.1 }} {{ p.name }} {{ p.price }} {{ f }} [{{ p.nope }}] [{{ l.9 }}]", m,
             "v b Lamp 12 42 [] []");
}

Test(template_render, autoescape_and_safe)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "x", mn_value_cstr("<a href='x'>&</a>"));
    mn_map_set_cstr(m, "s", mn_value_safe(MN_STR("<b>")));
    T_EXPECT("{{ x }}", m, "&lt;a href=&#x27;x&#x27;&gt;&amp;&lt;/a&gt;");
    T_EXPECT("{{ s }} {{ x|safe }}", m, "<b> <a href='x'>&</a>");
    T_EXPECT("{% autoescape off %}{{ x }}{% endautoescape %}", m, "<a href='x'>&</a>");
    T_EXPECT("{{ s|first }}", m, "&lt;");
}

Test(template_render, string_if_invalid)
{
    mn_template_options o = { .string_if_invalid = "INVALID(%s)" };
    mn_template_engine *e = mn_template_engine_new(&o);
    const char *r = t_render_with(e, "{{ a.b }}|{{ a|default:'x' }}", NULL);
    cr_assert_str_eq(r, "INVALID(a.b)|INVALID(a)");
    mn_template_engine_free(e);
}

Test(template_render, output_limit)
{
    mn_template *t = mn_template_engine_from_string(T_engine, MN_STR("{% for a in s %}{% for b in s %}xxxxxxxx{% endfor %}{% endfor %}"), NULL, &T_err);
    cr_assert(t);
    mn_map *m = t_map();
    mn_map_set_cstr(m, "s", mn_value_cstr("0123456789012345678901234567890123456789"));
    mn_template_context *ctx = mn_template_context_new(T_engine, T_arena, m);
    mn_buf out;
    mn_buf_init(&out, T_arena, 1000);
    cr_assert_neq(mn_template_render(t, ctx, &out, &T_err), MN_OK);
    cr_assert(strstr(T_err.msg, "RenderLimitError"), "%s", T_err.msg);
}

Test(template_render, step_limit)
{
    mn_template_options o = { .max_steps = 1000 };
    mn_template_engine *e = mn_template_engine_new(&o);
    mn_map *m = t_map();
    mn_map_set_cstr(m, "s", mn_value_cstr("0123456789"));
    const char *r = t_render_with(e, "{% for a in s %}{% for b in s %}{% for c in s %}{% endfor %}{% endfor %}{% endfor %}", m);
    cr_assert_null(r);
    cr_assert(strstr(T_err.msg, "exceeded"), "%s", T_err.msg);
    mn_template_engine_free(e);
}

Test(template_render, context_api)
{
    mn_template_context *ctx = mn_template_context_new(T_engine, T_arena, NULL);
    cr_assert_eq(mn_template_context_set(ctx, "a", mn_value_int(1)), MN_OK);
    cr_assert_eq(mn_template_context_push(ctx), MN_OK);
    cr_assert_eq(mn_template_context_set(ctx, "a", mn_value_int(2)), MN_OK);
    cr_assert_eq(mn_template_context_find(ctx, MN_STR("a"))->u.i, 2);
    mn_template_context_pop(ctx);
    cr_assert_eq(mn_template_context_find(ctx, MN_STR("a"))->u.i, 1);
    cr_assert_null(mn_template_context_find(ctx, MN_STR("zz")));
    cr_assert(mn_template_context_autoescape(ctx));
}

Test(template_render, floats_as_django_shows_them)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "big", mn_value_float(1e16));
    mn_map_set_cstr(m, "small", mn_value_float(1.5e-7));
    mn_map_set_cstr(m, "f", mn_value_float(0.1));
    T_EXPECT("{{ big }} {{ small }} {{ f }}", m, "10000000000000000 0.00000015 0.1");
}

Test(template_render, escape_every_position)
{
    /* a special character at each offset of the 8-byte words, then runs of them */
    static const char specials[] = "&<>\"'";
    for (int pos = 0; pos < 40; pos++) {
        char src[41];
        char want[256];
        memset(src, 'a', 40);
        src[40] = 0;
        src[pos] = specials[pos % 5];
        size_t k = 0;
        for (int i = 0; i < 40; i++) {
            const char *rep = src[i] == '&' ? "&amp;" : src[i] == '<' ? "&lt;" : src[i] == '>' ? "&gt;"
                            : src[i] == '"' ? "&quot;" : src[i] == '\'' ? "&#x27;" : NULL;
            if (rep) {
                memcpy(want + k, rep, strlen(rep));
                k += strlen(rep);
            } else {
                want[k++] = src[i];
            }
        }
        want[k] = 0;
        mn_map *m = t_map();
        mn_map_set_cstr(m, "x", mn_value_cstr(src));
        T_EXPECT("{{ x }}", m, want);
    }
    mn_map *m = t_map();
    mn_map_set_cstr(m, "x", mn_value_cstr("<<<<>>>>&&&&''''\"\"\"\"xyzzy\xc3\xa9<"));
    T_EXPECT("{{ x }}", m,
             "&lt;&lt;&lt;&lt;&gt;&gt;&gt;&gt;&amp;&amp;&amp;&amp;&#x27;&#x27;&#x27;&#x27;&quot;&quot;&quot;&quot;xyzzy"
             "\xc3\xa9&lt;");
}

/* The last filter of {{ }} may write straight into the output (escape,
 * force_escape, urlize, truncatewords, date, floatformat): the result must be
 * what rendering the filter's value gives, escaped or not. Expectations from
 * python3-django 3.2. */
Test(template_render, last_filter_written_in_place)
{
    mn_map *v = t_map();
    mn_map_set_cstr(v, "t", mn_value_cstr("a <b> & c d e"));
    mn_map_set_cstr(v, "s", mn_value_safe(mn_str_from("<i>x</i> y z")));
    mn_map_set_cstr(v, "d", mn_value_date((mn_date){ 2020, 1, 2 }));
    mn_map_set_cstr(v, "f", mn_value_float(1.5));
    mn_map_set_cstr(v, "n", mn_value_float(3.14159));
    mn_map_set_cstr(v, "u", mn_value_cstr("go www.a.com <now>"));
    T_EXPECT("{{ t|truncatewords:2 }}|{{ s|truncatewords:2 }}|{{ t|truncatewords:\"x\" }}|{{ s|truncatewords:\"x\" }}",
             v, "a &lt;b&gt; \xe2\x80\xa6|<i>x</i> y \xe2\x80\xa6|a &lt;b&gt; &amp; c d e|<i>x</i> y z");
    T_EXPECT("{{ d|date:\"<Y>\" }}|{{ d|date }}|{{ missing|date:\"Y\" }}|{{ t|date:\"Y\" }}", v,
             "&lt;2020&gt;|Jan. 2, 2020||");
    T_EXPECT("{{ f|floatformat:\"z\" }}|{{ n|floatformat:2 }}|{{ t|floatformat }}", v, "1.5|3.14|");
    T_EXPECT("{{ u|urlize }}|{{ s|urlize }}|{{ t|escape }}|{{ s|escape }}|{{ t|force_escape }}|{{ s|force_escape }}",
             v,
             "go <a href=\"http://www.a.com\" rel=\"nofollow\">www.a.com</a> &lt;now&gt;|<i>x</i> y z|"
             "a &lt;b&gt; &amp; c d e|<i>x</i> y z|a &lt;b&gt; &amp; c d e|&lt;i&gt;x&lt;/i&gt; y z");
    T_EXPECT("{% autoescape off %}{{ t|truncatewords:2 }}|{{ d|date:\"<Y>\" }}|{{ u|urlize }}|{{ t|escape }}"
             "{% endautoescape %}",
             v, "a <b> \xe2\x80\xa6|<2020>|go <a href=\"http://www.a.com\" rel=\"nofollow\">www.a.com</a> <now>|"
                "a &lt;b&gt; &amp; c d e");
    T_EXPECT("{{ n|escape }}|{{ d|escape }}|{{ t|upper|escape }}|{{ t|safe|truncatewords:1 }}", v,
             "3.14159|2020-01-02|A &lt;B&gt; &amp; C D E|a \xe2\x80\xa6");
    /* string_if_invalid replaces the whole expression, filters unapplied */
    mn_template_options o = { .string_if_invalid = "INV[%s]" };
    mn_template_engine *e = mn_template_engine_new(&o);
    cr_assert_str_eq(t_render_with(e, "{{ missing|date:\"Y\" }}|{{ missing|escape }}|{{ missing|urlize }}", v),
                     "INV[missing]|INV[missing]|INV[missing]");
    mn_template_engine_free(e);
    /* a filter error inside the in-place path leaves nothing behind */
    mn_map_set_cstr(v, "l", mn_value_list(mn_list_new(T_arena, 0)));
    T_EXPECT_ERROR("x{{ d|date:\"Y\"|floatformat:l }}", v, "TypeError");
}
