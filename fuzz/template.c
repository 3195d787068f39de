/* Fuzz target for the template engine: compiles arbitrary template text and
 * renders it with a small context, bounded in steps and output. */
#include <stdint.h>
#include <string.h>
#include "manouche.h"

static mn_template_engine *engine;

static int check_cb(void *ctx, mn_arena *a, mn_value *out)
{
    *out = mn_value_cstr("called");
    return MN_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* engines alternate between Django's defaults and a French, localized,
     * debug configuration ({% localize %}, number formats, {% debug %}) */
    static unsigned which;
    mn_template_options o = { .max_steps = 20000 };
    if (which++ % 2 == 0) {
        o.language_code = "fr";
        o.use_l10n = true;
        o.use_thousand_separator = true;
        o.debug = true;
    }
    if (!engine) {
        engine = mn_template_engine_new(&o);
        if (!engine)
            return 0;
    }
    if (size > 64 * 1024)
        return 0;
    mn_arena *a = mn_arena_new("fuzz", (size_t)64 << 20);
    if (!a)
        return 0;
    mn_err err = { 0 };
    /* from_string templates live in the engine arena: use a fresh engine
     * every so often so memory stays bounded */
    static unsigned runs;
    if (++runs % 256 == 0) {
        mn_template_engine_free(engine);
        engine = mn_template_engine_new(&o);
        if (!engine) {
            mn_arena_free(a);
            return 0;
        }
    }
    mn_template *t = mn_template_engine_from_string(engine, mn_str_make((const char *)data, size), "fuzz", &err);
    if (t) {
        mn_map *m = mn_map_new(a, 8);
        mn_list *l = mn_list_new(a, 4);
        mn_map *inner = mn_map_new(a, 2);
        if (m && l && inner) {
            mn_list_push(l, mn_value_int(1));
            mn_list_push(l, mn_value_cstr("<b>two</b>"));
            mn_list_push(l, mn_value_float(3.5));
            mn_map_set_cstr(inner, "name", mn_value_cstr("x&y"));
            mn_map_set_cstr(inner, "n", mn_value_int(-7));
            mn_map_set_cstr(m, "a", mn_value_int(5));
            mn_map_set_cstr(m, "s", mn_value_cstr("hello world"));
            mn_map_set_cstr(m, "l", mn_value_list(l));
            mn_map_set_cstr(m, "d", mn_value_map(inner));
            mn_map_set_cstr(m, "safe", mn_value_safe(MN_STR("<i>")));
            mn_map_set_cstr(m, "none", mn_value_null());
            mn_map_set_cstr(m, "f", mn_value_callable(check_cb, NULL));
            mn_template_context *ctx = mn_template_context_new(engine, a, m);
            if (ctx) {
                mn_buf out;
                mn_buf_init(&out, a, 1 << 20);
                (void)mn_template_render(t, ctx, &out, &err);
            }
        }
    }
    mn_arena_free(a);
    return 0;
}
