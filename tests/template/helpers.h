/* Shared helpers for the template unit tests. */
#ifndef MN_TEST_TEMPLATE_HELPERS_H
#define MN_TEST_TEMPLATE_HELPERS_H
#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

static mn_arena *T_arena;
static mn_template_engine *T_engine;
static mn_err T_err;

static inline void t_setup(void)
{
    T_arena = mn_arena_new("test", 0);
    T_engine = mn_template_engine_new(NULL);
    cr_assert(T_arena && T_engine);
    memset(&T_err, 0, sizeof T_err);
}

static inline void t_teardown(void)
{
    mn_template_engine_free(T_engine);
    mn_arena_free(T_arena);
}

/* Renders src with vars; returns the output or NULL (T_err set). */
static inline const char *t_render_with(mn_template_engine *e, const char *src, mn_map *vars)
{
    mn_err_clear(&T_err);
    mn_template *t = mn_template_engine_from_string(e, mn_str_from(src), "test", &T_err);
    if (!t)
        return NULL;
    mn_template_context *ctx = mn_template_context_new(e, T_arena, vars);
    cr_assert(ctx);
    mn_buf out;
    mn_buf_init(&out, T_arena, 0);
    if (mn_template_render(t, ctx, &out, &T_err))
        return NULL;
    return mn_buf_cstr(&out);
}

static inline const char *t_render(const char *src, mn_map *vars) { return t_render_with(T_engine, src, vars); }

static inline mn_map *t_map(void)
{
    mn_map *m = mn_map_new(T_arena, 4);
    cr_assert(m);
    return m;
}

static inline mn_list *t_list_str(const char *const *items, size_t n)
{
    mn_list *l = mn_list_new(T_arena, n);
    for (size_t i = 0; i < n; i++)
        mn_list_push(l, mn_value_cstr(items[i]));
    return l;
}

#define T_EXPECT(src, vars, want)                                                                          \
    do {                                                                                                   \
        const char *got_ = t_render((src), (vars));                                                        \
        cr_assert(got_ != NULL, "render of %s failed: %s", (src), T_err.msg);                              \
        cr_assert_str_eq(got_, (want), "template %s", (src));                                              \
    } while (0)

#define T_EXPECT_ERROR(src, vars, prefix)                                                                  \
    do {                                                                                                   \
        const char *got_ = t_render((src), (vars));                                                        \
        cr_assert(got_ == NULL, "template %s rendered %s, expected an error", (src), got_ ? got_ : "");   \
        cr_assert(strncmp(T_err.msg, (prefix), strlen(prefix)) == 0, "error was: %s", T_err.msg);        \
    } while (0)

#endif
