/* Templates from C: an engine with a template directory, a context built
 * from mn_values, inheritance, a loop, autoescaping and a custom filter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "manouche.h"

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f)) {
        perror(path);
        exit(1);
    }
}

/* {{ value|shout }}: upper-cases ASCII letters and adds "!". */
static int shout(const mn_template_filter_call *call, mn_value *out)
{
    mn_buf b;
    mn_buf_init(&b, call->arena, 0);
    mn_str s = call->input.u.s; /* MN_FILTER_STRING: the input is a string */
    for (size_t i = 0; i < s.len; i++)
        mn_buf_putc(&b, (s.ptr[i] >= 'a' && s.ptr[i] <= 'z') ? (char)(s.ptr[i] - 32) : s.ptr[i]);
    mn_buf_putc(&b, '!');
    *out = mn_value_str(mn_buf_str(&b));
    return mn_buf_error(&b);
}

int main(void)
{
    char dir[] = "/tmp/mn_templates_XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    write_file(dir, "base.html", "<title>{% block title %}Shop{% endblock %}</title>\n{% block content %}{% endblock %}\n");
    write_file(dir, "products.html",
               "{% extends \"base.html\" %}\n"
               "{% block title %}Products - {{ block.super }}{% endblock %}\n"
               "{% block content %}{% for p in products %}"
               "<li>{{ p.name }}: {{ p.price }}{% if p.price > 10 %} (premium){% endif %}</li>\n"
               "{% empty %}<li>No products.</li>{% endfor %}{{ greeting|shout }}{% endblock %}");

    mn_template_engine *engine = mn_template_engine_new(NULL);
    mn_arena *arena = mn_arena_new("request", 0);
    if (!engine || !arena || mn_template_engine_add_dir(engine, dir))
        return 1;

    mn_template_library *lib = mn_template_library_new(arena, "shop_extras");
    if (!lib || mn_template_library_add_filter(lib, "shout", shout, MN_FILTER_STRING) ||
        mn_template_engine_add_library(engine, lib, true))
        return 1;

    /* The context: products is a list of maps, as a view would build it. */
    mn_map *vars = mn_map_new(arena, 4);
    mn_list *products = mn_list_new(arena, 2);
    const char *names[] = { "Tea <green>", "Coffee" };
    int64_t prices[] = { 4, 12 };
    for (int i = 0; i < 2; i++) {
        mn_map *p = mn_map_new(arena, 2);
        mn_map_set_cstr(p, "name", mn_value_cstr(names[i]));
        mn_map_set_cstr(p, "price", mn_value_int(prices[i]));
        mn_list_push(products, mn_value_map(p));
    }
    mn_map_set_cstr(vars, "products", mn_value_list(products));
    mn_map_set_cstr(vars, "greeting", mn_value_cstr("thanks"));

    mn_err err = { 0 };
    const char *html = mn_template_render_to_string(engine, "products.html", vars, arena, &err);
    if (!html) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    fputs(html, stdout);
    const char *want = "<title>Products - Shop</title>\n"
                       "<li>Tea &lt;green&gt;: 4</li>\n"
                       "<li>Coffee: 12 (premium)</li>\n"
                       "THANKS!\n";
    int status = strcmp(html, want) == 0 ? 0 : 1;

    /* Errors read like Django's, with the template, line and column. */
    mn_template *bad = mn_template_engine_from_string(engine, MN_STR("{% if %}"), "bad.html", &err);
    if (bad || strncmp(err.msg, "TemplateSyntaxError: Unexpected end of expression in if tag.", 60) != 0)
        status = 1;
    printf("%s\n", err.msg);

    char path[512];
    snprintf(path, sizeof path, "%s/base.html", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/products.html", dir);
    unlink(path);
    rmdir(dir);
    mn_arena_free(arena);
    mn_template_engine_free(engine);
    return status;
}
