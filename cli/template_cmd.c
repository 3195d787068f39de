/* `manouche template render`: renders a template from directories with a
 * JSON context, printing exactly the output (Django's conformance harness
 * and a tool for users debugging templates). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"
#include "template_cmd.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: manouche template render [--dir DIR]... [--context FILE] [--no-autoescape]\n"
               "                                [--string-if-invalid TEXT] NAME\n");
}

/* JSON to mn_value: objects are maps, arrays lists, {"__safe__": "x"} a safe string. */
static int from_json(mn_arena *a, json_t *j, mn_value *out, int depth)
{
    if (depth > 200)
        return MN_ELIMIT;
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        json_t *safe = json_object_get(j, "__safe__");
        if (safe && json_is_string(safe) && json_object_size(j) == 1) {
            mn_str s = mn_str_clone(a, mn_str_make(json_string_value(safe), json_string_length(safe)));
            if (!s.ptr)
                return MN_ENOMEM;
            *out = mn_value_safe(s);
            return MN_OK;
        }
        mn_map *m = mn_map_new(a, json_object_size(j));
        if (!m)
            return MN_ENOMEM;
        const char *key;
        json_t *v;
        json_object_foreach(j, key, v) {
            mn_value item;
            int rc = from_json(a, v, &item, depth + 1);
            if (rc)
                return rc;
            mn_str k = mn_str_clone(a, mn_str_from(key));
            if (!k.ptr || mn_map_set(m, k, item))
                return MN_ENOMEM;
        }
        *out = mn_value_map(m);
        return MN_OK;
    }
    case JSON_ARRAY: {
        mn_list *l = mn_list_new(a, json_array_size(j));
        if (!l)
            return MN_ENOMEM;
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) {
            mn_value item;
            int rc = from_json(a, v, &item, depth + 1);
            if (rc)
                return rc;
            if (mn_list_push(l, item))
                return MN_ENOMEM;
        }
        *out = mn_value_list(l);
        return MN_OK;
    }
    case JSON_STRING: {
        mn_str s = mn_str_clone(a, mn_str_make(json_string_value(j), json_string_length(j)));
        if (!s.ptr)
            return MN_ENOMEM;
        *out = mn_value_str(s);
        return MN_OK;
    }
    case JSON_INTEGER: *out = mn_value_int(json_integer_value(j)); return MN_OK;
    case JSON_REAL: *out = mn_value_float(json_real_value(j)); return MN_OK;
    case JSON_TRUE: *out = mn_value_bool(true); return MN_OK;
    case JSON_FALSE: *out = mn_value_bool(false); return MN_OK;
    default: *out = mn_value_null(); return MN_OK;
    }
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
        json_error_t jerr;
        json_t *root = json_load_file(ctx_file, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!root) {
            fprintf(stderr, "manouche template: %s: line %d: %s\n", ctx_file, jerr.line, jerr.text);
            status = 2;
            goto out;
        }
        mn_value v;
        int rc = from_json(arena, root, &v, 0);
        json_decref(root);
        if (rc || v.type != MN_VALUE_MAP) {
            fprintf(stderr, "manouche template: %s: the context must be a JSON object\n", ctx_file);
            status = 2;
            goto out;
        }
        vars = v.u.map;
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
