/* `manouche template render`: renders a template from directories with a
 * JSON context, printing exactly the output (Django's conformance harness
 * and a tool for users debugging templates). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"
#include "template_cmd.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: manouche template render [--dir DIR]... [--context FILE] [--no-autoescape]\n"
               "                                [--string-if-invalid TEXT] [--static-url URL]\n"
               "                                [--media-url URL] [--language CODE] [--l10n]\n"
               "                                [--thousand-separator] [--debug] NAME\n");
}

/* Context values from JSON (json.h): objects are maps, arrays lists; an
 * object with one of these keys is a typed value: {"__safe__": "x"} a safe
 * string, {"__date__": "2024-01-05"}, {"__time__": "10:30"},
 * {"__datetime__": "2024-01-05T10:30:00+01:00"}, {"__decimal__": "1.50"}. */
static int convert(mn_arena *a, mn_value *v, int depth, mn_err *err)
{
    if (depth > 500)
        return mn_err_set(err, MN_ELIMIT, "context nested too deeply");
    if (v->type == MN_VALUE_LIST) {
        for (size_t i = 0; i < mn_list_len(v->u.list); i++) {
            int rc = convert(a, mn_list_at(v->u.list, i), depth + 1, err);
            if (rc)
                return rc;
        }
        return MN_OK;
    }
    if (v->type != MN_VALUE_MAP)
        return MN_OK;
    mn_map *m = v->u.map;
    if (mn_map_len(m) == 1 && mn_map_value_at(m, 0).type == MN_VALUE_STR) {
        mn_str k = mn_map_key_at(m, 0), s = mn_map_value_at(m, 0).u.s;
        if (mn_str_eq_cstr(k, "__safe__")) {
            *v = mn_value_safe(s);
            return MN_OK;
        }
        if (mn_str_eq_cstr(k, "__date__")) {
            mn_date d;
            if (mn_date_parse(s, &d, err))
                return MN_EPARSE;
            *v = mn_value_date(d);
            return MN_OK;
        }
        if (mn_str_eq_cstr(k, "__time__")) {
            mn_time t;
            if (mn_time_parse(s, &t, err))
                return MN_EPARSE;
            *v = mn_value_time(t);
            return MN_OK;
        }
        if (mn_str_eq_cstr(k, "__datetime__")) {
            mn_datetime dt;
            if (mn_datetime_parse(s, &dt, err))
                return MN_EPARSE;
            *v = mn_value_datetime(dt);
            return MN_OK;
        }
        if (mn_str_eq_cstr(k, "__decimal__")) {
            mn_decimal d;
            if (mn_decimal_parse(s, &d, err))
                return MN_EPARSE;
            *v = mn_value_decimal(d);
            return MN_OK;
        }
    }
    for (size_t i = 0; i < mn_map_len(m); i++) {
        mn_value *item = mn_map_find(m, mn_map_key_at(m, i));
        int rc = convert(a, item, depth + 1, err);
        if (rc)
            return rc;
    }
    return MN_OK;
}

static int load_context(mn_arena *a, const char *path, mn_map **out, mn_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mn_err_set(err, MN_EIO, "cannot open %s", path);
    mn_buf b;
    mn_buf_init(&b, a, (size_t)64 << 20);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mn_buf_append(&b, chunk, n);
    fclose(f);
    if (mn_buf_error(&b))
        return mn_err_set(err, mn_buf_error(&b), "%s is too large", path);
    mn_value v;
    if (mn_json_parse(a, mn_buf_str(&b), NULL, &v, NULL, err))
        return MN_EPARSE;
    if (v.type != MN_VALUE_MAP)
        return mn_err_set(err, MN_ETYPE, "the context must be a JSON object");
    int rc = convert(a, &v, 0, err);
    if (rc)
        return rc;
    *out = v.u.map;
    return MN_OK;
}

static int render(int argc, char **argv)
{
    mn_template_options opts = { 0 };
    const char *ctx_file = NULL, *name = NULL;
    const char *dirs[64];
    int ndirs = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--dir") && i + 1 < argc) {
            if (ndirs == 64) {
                fprintf(stderr, "manouche template: too many --dir options\n");
                return 2;
            }
            dirs[ndirs++] = argv[++i];
        } else if (!strcmp(a, "--context") && i + 1 < argc) {
            ctx_file = argv[++i];
        } else if (!strcmp(a, "--no-autoescape")) {
            opts.no_autoescape = true;
        } else if (!strcmp(a, "--string-if-invalid") && i + 1 < argc) {
            opts.string_if_invalid = argv[++i];
        } else if (!strcmp(a, "--static-url") && i + 1 < argc) {
            opts.static_url = argv[++i];
        } else if (!strcmp(a, "--media-url") && i + 1 < argc) {
            opts.media_url = argv[++i];
        } else if (!strcmp(a, "--language") && i + 1 < argc) {
            opts.language_code = argv[++i];
        } else if (!strcmp(a, "--debug")) {
            opts.debug = true;
        } else if (!strcmp(a, "--l10n")) {
            opts.use_l10n = true;
        } else if (!strcmp(a, "--thousand-separator")) {
            opts.use_thousand_separator = true;
        } else if (a[0] == '-' && a[1]) {
            usage(stderr);
            return 2;
        } else if (!name) {
            name = a;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!name) {
        usage(stderr);
        return 2;
    }
    mn_arena *arena = mn_arena_new("template render", 0);
    mn_template_engine *e = mn_template_engine_new(&opts);
    int status = 1;
    if (!arena || !e) {
        fprintf(stderr, "MemoryError: out of memory\n");
        goto out;
    }
    if (ndirs == 0 && mn_template_engine_add_dir(e, "."))
        goto out;
    for (int i = 0; i < ndirs; i++)
        if (mn_template_engine_add_dir(e, dirs[i]))
            goto out;
    mn_map *vars = NULL;
    if (ctx_file) {
        mn_err cerr = { 0 };
        if (load_context(arena, ctx_file, &vars, &cerr)) {
            fprintf(stderr, "manouche template: %s: %s\n", ctx_file, cerr.msg);
            status = 2;
            goto out;
        }
    }
    mn_err err = { 0 };
    mn_template *t = mn_template_engine_get(e, name, &err);
    if (!t) {
        fprintf(stderr, "%s\n", err.msg);
        goto out;
    }
    mn_template_context *ctx = mn_template_context_new(e, arena, vars);
    mn_buf buf;
    mn_buf_init(&buf, arena, (size_t)1 << 30);
    if (!ctx || mn_template_render(t, ctx, &buf, &err)) {
        fprintf(stderr, "%s\n", ctx ? err.msg : "MemoryError: out of memory");
        goto out;
    }
    fwrite(buf.data ? buf.data : "", 1, buf.len, stdout);
    status = fflush(stdout) ? 1 : 0;
out:
    mn_template_engine_free(e);
    mn_arena_free(arena);
    return status;
}

int mn_cli_template(int argc, char **argv)
{
    if (argc < 1 || !strcmp(argv[0], "help") || !strcmp(argv[0], "--help")) {
        usage(argc < 1 ? stderr : stdout);
        return argc < 1 ? 2 : 0;
    }
    if (!strcmp(argv[0], "render"))
        return render(argc - 1, argv + 1);
    usage(stderr);
    return 2;
}
