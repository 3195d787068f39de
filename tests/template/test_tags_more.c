#include <stdio.h>
#include <unistd.h>
#include "helpers.h"

TestSuite(template_tags_more, .init = t_setup, .fini = t_teardown);

static int url_fn(void *udata, mn_str name, const mn_value *args, size_t nargs, mn_map *kwargs, mn_buf *out,
                  mn_err *err)
{
    if (!mn_str_eq_cstr(name, "product"))
        return mn_err_set(err, MN_ENOTFOUND, "NoReverseMatch: Reverse for '%.*s' not found.", MN_STR_FMT(name));
    mn_buf_puts(out, "/products/");
    if (nargs)
        mn_value_to_str(args[0], out);
    return mn_buf_puts(out, "/");
}

Test(template_tags_more, url)
{
    T_EXPECT_ERROR("{% url 'x' %}", NULL, "NoReverseMatch: Reverse for 'x' not found.");
    T_EXPECT("{% url 'x' as u %}[{{ u }}]", NULL, "[]");
    mn_template_engine_set_url_resolver(T_engine, url_fn, NULL);
    T_EXPECT("{% url 'product' 7 %}|{% url 'product' 'a<' as u %}{{ u }}", NULL, "/products/7/|/products/a&lt;/");
}

static mn_response *dummy_view(mn_request *req, const mn_url_args *args) { return NULL; }

static const mn_url_pattern shop_patterns[] = {
    MN_PATH("", dummy_view, "list"),
    MN_PATH("<int:pk>/", dummy_view, "detail"),
    MN_URL_END,
};
static const mn_urlconf shop_conf = { .app_name = "shop", .patterns = shop_patterns };
static const mn_url_pattern root_patterns[] = {
    MN_INCLUDE("shop/", &shop_conf, NULL),
    MN_URL_END,
};
static const mn_urlconf root_conf = { .patterns = root_patterns };

Test(template_tags_more, url_with_resolver)
{
    mn_resolver *r = mn_resolver_new(&root_conf, &T_err);
    cr_assert(r, "%s", T_err.msg);
    mn_template_engine_set_url_resolver(T_engine, mn_template_url_reverse, r);
    T_EXPECT("{% url 'shop:list' %}|{% url 'shop:detail' 7 %}|{% url 'shop:detail' pk=8 as u %}{{ u }}", NULL,
             "/shop/|/shop/7/|/shop/8/");
    T_EXPECT_ERROR("{% url 'shop:nope' %}", NULL, "NoReverseMatch: ");
    mn_resolver_free(r);
}

static int greet(mn_template_context *ctx, const mn_value *args, size_t nargs, mn_map *kwargs, mn_value *out,
                 mn_err *err)
{
    mn_buf b;
    mn_buf_init(&b, mn_template_context_arena(ctx), 0);
    mn_buf_puts(&b, "hello ");
    if (nargs)
        mn_value_to_str(args[0], &b);
    mn_value p = mn_map_get_cstr(kwargs, "punct");
    if (p.type == MN_VALUE_STR)
        mn_buf_put_str(&b, p.u.s);
    *out = mn_value_str(mn_buf_str(&b));
    return MN_OK;
}

static int card(mn_template_context *ctx, const mn_value *args, size_t nargs, mn_map *kwargs, mn_map *vars,
                mn_err *err)
{
    return mn_map_set_cstr(vars, "title", nargs ? args[0] : mn_value_null());
}

static mn_template_node *compile_upper(mn_template_parser *p, mn_str contents, mn_err *err);

typedef struct upper_node {
    mn_template_nodelist *body;
} upper_node;

static int render_upper(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const upper_node *u = data;
    size_t start = out->len;
    int rc = mn_template_nodelist_render(u->body, ctx, out, err);
    for (size_t i = start; !rc && i < out->len; i++)
        if (out->data[i] >= 'a' && out->data[i] <= 'z')
            out->data[i] = (char)(out->data[i] - 32);
    return rc;
}

static mn_template_node *compile_upper(mn_template_parser *p, mn_str contents, mn_err *err)
{
    static const char *const ends[] = { "endshout" };
    upper_node *u = mn_arena_calloc(mn_template_parser_arena(p), 1, sizeof *u);
    if (!u)
        return NULL;
    u->body = mn_template_parser_parse(p, ends, 1, NULL, err);
    if (!u->body)
        return NULL;
    mn_template_parser_skip(p);
    return mn_template_node_new(p, render_upper, u);
}

Test(template_tags_more, custom_tags)
{
    mn_template_library *lib = mn_template_library_new(T_arena, "demo");
    cr_assert_eq(mn_template_library_add_simple_tag(lib, "greet", greet), MN_OK);
    cr_assert_eq(mn_template_library_add_tag(lib, "shout", compile_upper), MN_OK);
    cr_assert_eq(mn_template_engine_add_library(T_engine, lib, false), MN_OK);
    T_EXPECT("{% load demo %}{% greet 'ann' punct='!' %}|{% greet '<x>' as g %}{{ g }}", NULL,
             "hello ann!|hello &lt;x&gt;");
    T_EXPECT("{% load demo %}{% shout %}abc{{ 1 }}{% endshout %}", NULL, "ABC1");
    T_EXPECT_ERROR("{% greet %}", NULL, "TemplateSyntaxError: Invalid block tag on line 1: 'greet'");
    T_EXPECT_ERROR("{% load demo %}{% shout %}", NULL, "TemplateSyntaxError: Unclosed tag on line 1: 'shout'");
}

Test(template_tags_more, inclusion_tag)
{
    char dir[] = "/tmp/mn_tpl_incXXXXXX";
    cr_assert(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/card.html", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("<h1>{{ title }}</h1>{{ outside }}", f);
    fclose(f);
    cr_assert_eq(mn_template_engine_add_dir(T_engine, dir), MN_OK);
    mn_template_library *lib = mn_template_library_new(T_arena, "cards");
    cr_assert_eq(mn_template_library_add_inclusion_tag(lib, "card", "card.html", card), MN_OK);
    cr_assert_eq(mn_template_engine_add_library(T_engine, lib, true), MN_OK);
    mn_map *m = t_map();
    mn_map_set_cstr(m, "outside", mn_value_cstr("hidden"));
    mn_map_set_cstr(m, "t", mn_value_cstr("A&B"));
    T_EXPECT("{% card t %}|{% card 'A&B' %}", m, "<h1>A&amp;B</h1>|<h1>A&B</h1>");
    remove(path);
    rmdir(dir);
}

Test(template_tags_more, lorem_and_cache)
{
    T_EXPECT("{% lorem 3 w %}", NULL, "lorem ipsum dolor");
    T_EXPECT_ERROR("{% cache 1 x %}{% endcache %}", NULL, "TemplateSyntaxError: Invalid block tag on line 1: 'cache'");
    T_EXPECT("{% load cache %}{% cache 10 frag 'a' %}body{% endcache %}", NULL, "body");
    mn_map *m = t_map();
    const char *items[] = { "1", "2", "3" };
    mn_map_set_cstr(m, "l", mn_value_list(t_list_str(items, 3)));
    /* the default in-process store keeps the first rendering, as Django's locmem cache does */
    T_EXPECT("{% load cache %}{% for i in l %}{% cache 60 once %}{{ i }}{% endcache %}{% endfor %}", m, "111");
    T_EXPECT("{% load cache %}{% for i in l %}{% cache 60 each i %}{{ i }}{% endcache %}{% endfor %}", m, "123");
    T_EXPECT("{% load cache %}{% for i in l %}{% cache 0 never %}{{ i }}{% endcache %}{% endfor %}", m, "123");
}

Test(template_tags_more, static_library)
{
    T_EXPECT("{% load static %}{% static 'css/a b.css' %}|{% get_static_prefix %}|{% get_media_prefix %}", NULL,
             "/static/css/a%20b.css|/static/|/");
    mn_template_options o = { .static_url = "https://cdn.example.com/s/", .media_url = "/media/" };
    mn_template_engine *e = mn_template_engine_new(&o);
    const char *r = t_render_with(e, "{% load static %}{% static 'x.js' as u %}{{ u }}|{% get_media_prefix %}", NULL);
    cr_assert_str_eq(r, "https://cdn.example.com/s/x.js|/media/");
    mn_template_engine_free(e);
    T_EXPECT_ERROR("{% static 'x' %}", NULL, "TemplateSyntaxError: Invalid block tag on line 1: 'static'");
}

Test(template_tags_more, cache_empty_body_into_empty_output)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "foo", mn_value_cstr("foo"));
    mn_map_set_cstr(m, "bar", mn_value_cstr("with spaces"));
    /* the fragment is the whole template and renders nothing: the output
     * buffer has no storage yet when the empty fragment is stored */
    T_EXPECT("{% load cache %}{% cache 1 foo bar %}{% endcache %}", m, "");
    /* the cached empty fragment is served again, still empty */
    T_EXPECT("{% load cache %}{% cache 1 foo bar %}{% endcache %}", m, "");
    T_EXPECT("{% load cache %}{% cache 1 foo bar %}{% endcache %}|after", m, "|after");
}

/* {% debug %}: empty unless the engine runs with debug (Django's DEBUG);
 * then pprint.pformat of each context dict, innermost first, and the
 * built-ins, escaped (python3-django 3.2's output up to the blank line,
 * after which Django dumps sys.modules and Manouche the libraries). */
Test(template_tags_more, debug_is_pformat_of_the_context)
{
    mn_map *v = t_map();
    mn_list *k = mn_list_new(T_arena, 25);
    for (int i = 0; i < 25; i++)
        mn_list_push(k, mn_value_int(i));
    mn_map_set_cstr(v, "k", mn_value_list(k));
    mn_map_set_cstr(v, "s", mn_value_cstr("word word word word word word word word word word word word word word "
                                          "word word word word word word "));
    mn_map_set_cstr(v, "n", mn_value_null());
    const char *src = "{% with y=\"<i>\" %}{% debug %}{% endwith %}";
    T_EXPECT(src, v, "");
    mn_template_options o = { .debug = true };
    mn_template_engine *e = mn_template_engine_new(&o);
    const char *got = t_render_with(e, src, v);
    cr_assert(got, "%s", T_err.msg);
    cr_assert_str_eq(got, "{&#x27;y&#x27;: &#x27;&lt;i&gt;&#x27;}{&#x27;k&#x27;: [0,\n"
                          "       1,\n"
                          "       2,\n"
                          "       3,\n"
                          "       4,\n"
                          "       5,\n"
                          "       6,\n"
                          "       7,\n"
                          "       8,\n"
                          "       9,\n"
                          "       10,\n"
                          "       11,\n"
                          "       12,\n"
                          "       13,\n"
                          "       14,\n"
                          "       15,\n"
                          "       16,\n"
                          "       17,\n"
                          "       18,\n"
                          "       19,\n"
                          "       20,\n"
                          "       21,\n"
                          "       22,\n"
                          "       23,\n"
                          "       24],\n"
                          " &#x27;n&#x27;: None,\n"
                          " &#x27;s&#x27;: &#x27;word word word word word word word word word word word word word word &#x27;\n"
                          "      &#x27;word word word word word word &#x27;}{&#x27;False&#x27;: False, &#x27;None&#x27;: None, "
                          "&#x27;True&#x27;: True}\n"
                          "\n"
                          "{&#x27;cache&#x27;: &lt;library &#x27;cache&#x27;&gt;,\n"
                          " &#x27;humanize&#x27;: &lt;library &#x27;humanize&#x27;&gt;,\n"
                          " &#x27;i18n&#x27;: &lt;library &#x27;i18n&#x27;&gt;,\n"
                          " &#x27;l10n&#x27;: &lt;library &#x27;l10n&#x27;&gt;,\n"
                          " &#x27;static&#x27;: &lt;library &#x27;static&#x27;&gt;}");
    /* a forloop shows as the dict Django keeps */
    got = t_render_with(e, "{% for x in 'ab' %}{% if forloop.last %}{% debug %}{% endif %}{% endfor %}", NULL);
    cr_assert(got, "%s", T_err.msg);
    const char *want = "{&#x27;forloop&#x27;: {&#x27;counter&#x27;: 2,\n"
                       "             &#x27;counter0&#x27;: 1,\n"
                       "             &#x27;first&#x27;: False,\n"
                       "             &#x27;last&#x27;: True,\n"
                       "             &#x27;parentloop&#x27;: {},\n"
                       "             &#x27;revcounter&#x27;: 1,\n"
                       "             &#x27;revcounter0&#x27;: 0},\n"
                       " &#x27;x&#x27;: &#x27;b&#x27;}{}{&#x27;False&#x27;: False, &#x27;None&#x27;: None, &#x27;True&#x27;: "
                       "True}\n\n";
    cr_assert(strncmp(got, want, strlen(want)) == 0, "%s", got);
    mn_template_engine_free(e);
}
