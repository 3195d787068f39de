/* Fuzz target for environment overrides: each input line is a NAME=VALUE
 * environment entry given to mn_settings_load (booleans, integers, sizes,
 * lists, choices, LOG_LEVELS, DATABASE_URL, MANOUCHE_SETTINGS); loaded
 * settings then go through the checks, diffsettings and cleansed formatting. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

MN_SETTINGS_DEFINE(fuzz_base, .SECRET_KEY = "fuzz", .ALLOWED_HOSTS = MN_STRLIST("localhost"));

static void production(mn_settings *s)
{
    s->DEBUG = false;
    s->SECURE_SSL_REDIRECT = true;
}

static const mn_settings_variant variants[] = {
    { .name = "production", .apply = production, .production = true },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    mn_arena *a = mn_arena_new("fuzz", 32u << 20);
    if (!a)
        return 0;
    char *text = mn_arena_strndup(a, (const char *)data, size);
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    const char **env = mn_arena_calloc(a, lines + 1, sizeof *env);
    if (!text || !env) {
        mn_arena_free(a);
        return 0;
    }
    size_t n = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (strchr(line, '='))
            env[n++] = line;
    }
    env[n] = NULL;
    mn_settings_source src = { .base = &fuzz_base, .variants = variants, .n_variants = 1,
                               .env_file = "", .env = env };
    mn_settings s;
    mn_err err = { 0 };
    int rc = mn_settings_load(&s, &src, a, &err);
    if (rc == MN_OK) {
        mn_check_list checks;
        if (mn_settings_check(&s, true, a, &checks) != MN_OK)
            abort();
        mn_buf b;
        mn_buf_init(&b, a, 0);
        for (size_t i = 0; i < checks.len; i++)
            mn_check_message_format(&checks.items[i], &b);
        mn_settings_diff(&s, true, &b);
        size_t count;
        const mn_setting_desc *t = mn_settings_table(&count);
        for (size_t i = 0; i < count; i++)
            mn_settings_format_value(&s, &t[i], true, &b);
        if (mn_buf_error(&b))
            abort();
    } else if (err.msg[0] == '\0') {
        abort();
    }
    mn_arena_free(a);
    return 0;
}
