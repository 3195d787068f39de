/* Settings: a base struct, development and production variants, overrides
 * from a .env file and the environment, and the deployment checks.
 * The guide's "Settings.py Configuration", "Environment Variables" and
 * "Environment-Specific Settings". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <manouche.h>

/* Checks what the example shows (also in release builds, unlike assert). */
#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

/* settings/base.py */
MN_SETTINGS_DEFINE(base_settings,
    .SECRET_KEY = "",                       /* comes from the environment */
    .DATABASE_URL = "sqlite:///db.sqlite3", /* BASE_DIR / 'db.sqlite3' */
    .STATIC_URL = "/static/",
    .STATIC_ROOT = "staticfiles",
    .MEDIA_URL = "/media/",
    .MEDIA_ROOT = "media",
);

/* settings/development.py */
static void development(mn_settings *s)
{
    static const char *const hosts[] = { "localhost", "127.0.0.1" };
    s->DEBUG = true;
    s->ALLOWED_HOSTS = MN_STRLIST_OF(hosts);
    s->DATABASE_URL = "sqlite:///db.sqlite3";
}

/* settings/production.py */
static void production(mn_settings *s)
{
    static const char *const hosts[] = { "yourdomain.com", "www.yourdomain.com" };
    s->DEBUG = false;
    s->ALLOWED_HOSTS = MN_STRLIST_OF(hosts);
    s->SECURE_SSL_REDIRECT = true;
    s->SESSION_COOKIE_SECURE = true;
    s->CSRF_COOKIE_SECURE = true;
    s->SECURE_HSTS_SECONDS = 31536000; /* 1 year */
    s->SECURE_HSTS_INCLUDE_SUBDOMAINS = true;
    s->SECURE_HSTS_PRELOAD = true;
}

static const mn_settings_variant variants[] = {
    { .name = "development", .apply = development },
    { .name = "production", .apply = production, .production = true },
};

int main(void)
{
    mn_arena *arena = mn_arena_new("settings", 0);
    mn_err err = { 0 };

    /* .env file (never commit to git!) */
    char env_path[] = "/tmp/manouche_example_env_XXXXXX";
    int fd = mkstemp(env_path);
    const char *dotenv = "DEBUG=False\n"
                         "SECRET_KEY=k8#Qz2pW9vN4xL7mR1tB6yH3jF5gD0sA-cE_iO!uP@wS$nX%tV7\n"
                         "DATABASE_URL=postgresql://user:pass@localhost/dbname\n"
                         "API_KEY=external-api-key\n";
    CHECK(fd >= 0 && write(fd, dotenv, strlen(dotenv)) == (ssize_t)strlen(dotenv));
    close(fd);

    /* The real environment: MANOUCHE_SETTINGS picks the variant (Django's
     * DJANGO_SETTINGS_MODULE) and wins over the .env file. */
    const char *environment[] = { "MANOUCHE_SETTINGS=production", "CONN_MAX_AGE=600", NULL };
    mn_settings_source src = {
        .base = &base_settings,
        .variants = variants,
        .n_variants = 2,
        .default_variant = "development",
        .env_file = env_path,
        .env = environment, /* NULL in a real program: the process environment */
    };
    mn_settings settings;
    if (mn_settings_load(&settings, &src, arena, &err) != MN_OK) {
        fprintf(stderr, "settings: %s\n", err.msg);
        return 1;
    }
    mn_settings_set_current(&settings);

    printf("variant %s, DEBUG=%s\n", settings.variant, settings.DEBUG ? "True" : "False");
    printf("database: %s %s@%s/%s, CONN_MAX_AGE=%lld\n",
           settings.DATABASE.engine == MN_DB_POSTGRES ? "postgresql" : "sqlite",
           settings.DATABASE.user, settings.DATABASE.host, settings.DATABASE.name,
           (long long)settings.DATABASE.conn_max_age);
    printf("API_KEY=%s\n", mn_settings_getenv(&settings, "API_KEY"));
    CHECK(strcmp(settings.variant, "production") == 0);
    CHECK(!settings.DEBUG);
    CHECK(settings.DATABASE.engine == MN_DB_POSTGRES);
    CHECK(strcmp(settings.DATABASE.password, "pass") == 0);
    CHECK(settings.DATABASE.conn_max_age == 600);
    CHECK(strcmp(mn_settings_current()->ALLOWED_HOSTS.items[0], "yourdomain.com") == 0);

    /* manage check --deploy: this configuration is clean. */
    mn_check_list problems;
    mn_settings_check(&settings, true, arena, &problems);
    printf("check: %zu issues\n", problems.len);
    CHECK(problems.len == 0);

    /* A bad value stops the program with a clear message. */
    const char *broken[] = { "MANOUCHE_SETTINGS=production", "DEBUG=maybe", NULL };
    src.env = broken;
    CHECK(mn_settings_load(&settings, &src, arena, &err) == MN_EINVAL);
    printf("error: %s\n", err.msg);
    CHECK(strcmp(err.msg, "DEBUG=maybe: expected a boolean (true/false/1/0/yes/no/on/off)") == 0);

    const char *unknown[] = { "MANOUCHE_SETTINGS=staging", NULL };
    src.env = unknown;
    CHECK(mn_settings_load(&settings, &src, arena, &err) == MN_EINVAL);
    printf("error: %s\n", err.msg);

    /* DEBUG left on in production: security.W018. */
    const char *debug_on[] = { "MANOUCHE_SETTINGS=production", "DEBUG=True", NULL };
    src.env = debug_on;
    CHECK(mn_settings_load(&settings, &src, arena, &err) == MN_OK);
    mn_settings_check(&settings, false, arena, &problems);
    mn_buf out;
    mn_buf_init(&out, arena, 0);
    for (size_t i = 0; i < problems.len; i++) {
        mn_check_message_format(&problems.items[i], &out);
        mn_buf_putc(&out, '\n');
    }
    printf("%s", mn_buf_cstr(&out));
    CHECK(strstr(mn_buf_cstr(&out), "?: (security.W018) You should not have DEBUG set to True "
                                     "in deployment.") != NULL);

    unlink(env_path);
    mn_settings_set_current(NULL);
    mn_arena_free(arena);
    return 0;
}
