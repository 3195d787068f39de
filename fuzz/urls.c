/* Fuzz target: URL pattern compilation, resolution and reverse.
 * Input: first byte picks the pattern kind, then the route up to the first
 * newline, then the path to resolve. */
#include <stdint.h>
#include <string.h>
#include "manouche.h"

static mn_response *view(mn_request *r, const mn_url_args *a) { (void)r; (void)a; return NULL; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096)
        return 0;
    const char *nl = memchr(data + 1, '\n', size - 1);
    if (!nl)
        return 0;
    mn_arena *a = mn_arena_new("fuzz", 1 << 24);
    size_t rlen = (size_t)(nl - (const char *)data) - 1;
    char *route = mn_arena_strndup(a, (const char *)data + 1, rlen);
    mn_str path = mn_str_make(nl + 1, size - rlen - 2);
    mn_url_pattern inner[] = { MN_PATH("x/<int:pk>/", view, "x"), MN_URL_END };
    mn_urlconf inner_conf = { .app_name = "app", .patterns = inner };
    mn_url_pattern pats[3];
    switch (data[0] % 3) {
    case 0: pats[0] = (mn_url_pattern)MN_PATH(route, view, "target"); break;
    case 1: pats[0] = (mn_url_pattern)MN_RE_PATH(route, view, "target"); break;
    default: pats[0] = (mn_url_pattern)MN_INCLUDE(route, &inner_conf, NULL); break;
    }
    pats[1] = (mn_url_pattern)MN_PATH("<path:rest>", view, "rest");
    pats[2] = (mn_url_pattern)MN_URL_END;
    mn_urlconf conf = { .patterns = pats };
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(&conf, &err);
    if (r) {
        mn_url_match m;
        if (mn_resolver_resolve(r, path, a, &m) == MN_OK && m.args.kwargs) {
            mn_str out;
            mn_reverse(r, m.url_name ? m.url_name : "rest", m.args.args, mn_list_len(m.args.args) ? NULL : m.args.kwargs,
                       NULL, a, &out, &err);
        }
        mn_map *kw = mn_map_new(a, 1);
        mn_map_set_cstr(kw, "pk", mn_value_int(1));
        mn_str out;
        mn_reverse(r, "target", NULL, NULL, NULL, a, &out, &err);
        mn_reverse(r, "app:x", NULL, kw, NULL, a, &out, &err);
        mn_resolver_free(r);
    }
    mn_arena_free(a);
    return 0;
}
