/* Path converters: the built-in ones and the registry of custom ones. */
#include <string.h>
#include "manouche/urls.h"
#include "urls_internal.h"

static int int_to_value(mn_str text, mn_arena *arena, mn_value *out)
{
    (void)arena;
    int64_t v;
    int rc = mn_str_to_i64(text, &v);
    if (rc)
        return rc;
    *out = mn_value_int(v);
    return MN_OK;
}

static int int_to_url(mn_value v, mn_arena *arena, mn_str *out)
{
    int64_t i;
    /* Django's IntConverter.to_url is str(value): any value works, and the
     * pattern check that follows rejects what is not digits. */
    if (v.type == MN_VALUE_INT || v.type == MN_VALUE_BOOL) {
        if (mn_value_to_i64(v, &i))
            return MN_ETYPE;
        char *s = mn_arena_sprintf(arena, "%lld", (long long)i);
        if (!s)
            return MN_ENOMEM;
        *out = mn_str_from(s);
        return MN_OK;
    }
    int err;
    *out = mn_value_as_str(v, arena, &err);
    return err;
}

static const mn_url_converter builtins[] = {
    { "int", "[0-9]+", int_to_value, int_to_url },
    { "str", "[^/]+", NULL, NULL },
    { "slug", "[-a-zA-Z0-9_]+", NULL, NULL },
    { "uuid", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", NULL, NULL },
    { "path", ".+", NULL, NULL },
};

#define MAX_CUSTOM 64
static const mn_url_converter *custom[MAX_CUSTOM];
static size_t ncustom;

const mn_url_converter *mn__url_converter_find(mn_str name)
{
    for (size_t i = 0; i < ncustom; i++)
        if (mn_str_eq_cstr(name, custom[i]->name))
            return custom[i];
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (mn_str_eq_cstr(name, builtins[i].name))
            return &builtins[i];
    return NULL;
}

int mn_url_register_converter(const mn_url_converter *conv, mn_err *err)
{
    if (!conv || !conv->name || !conv->regex || !conv->name[0])
        return mn_err_set(err, MN_EINVAL, "a converter needs a name and a regex");
    for (const char *p = conv->name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return mn_err_set(err, MN_EINVAL, "converter name '%s' is not an identifier", conv->name);
    for (size_t i = 0; i < ncustom; i++)
        if (!strcmp(custom[i]->name, conv->name))
            return mn_err_set(err, MN_EEXIST, "converter '%s' is already registered", conv->name);
    if (ncustom == MAX_CUSTOM)
        return mn_err_set(err, MN_ELIMIT, "too many converters (at most %d)", MAX_CUSTOM);
    /* A custom converter may replace a built-in one, as in Django. */
    custom[ncustom++] = conv;
    return MN_OK;
}
