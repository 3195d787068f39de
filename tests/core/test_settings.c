#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"

static mn_arena *A;
static void setup(void) { A = mn_arena_new("test", 0); }
static void teardown(void)
{
    mn_arena_free(A);
    mn_log_reset();
    mn_signal_disconnect_all(&mn_setting_changed);
    mn_signal_collect();
}

TestSuite(settings, .init = setup, .fini = teardown);

MN_SETTINGS_DEFINE(base,
    .SECRET_KEY = "dev-key",
    .ALLOWED_HOSTS = MN_STRLIST("localhost", "127.0.0.1"),
    .DATABASE_URL = "sqlite:///db.sqlite3",
    .APPEND_SLASH = false,
);

static void development(mn_settings *s)
{
    s->DEBUG = true;
}

static void production(mn_settings *s)
{
    static const char *const hosts[] = { "yourdomain.com" };
    s->DEBUG = false;
    s->ALLOWED_HOSTS = MN_STRLIST_OF(hosts);
    s->DATABASE_URL = "postgres://shop@db/shop";
    s->SECURE_SSL_REDIRECT = true;
}

static const mn_settings_variant variants[] = {
    { "development", development, false },
    { "production", production, true },
};

static int load(const char *const *env, const char *env_file, mn_settings *out, mn_err *err)
{
    mn_settings_source src = {
        .base = &base, .variants = variants, .n_variants = 2,
        .env_file = env_file ? env_file : "", .env = env,
    };
    return mn_settings_load(out, &src, A, err);
}

static mn_settings load_ok(const char *const *env)
{
    mn_settings s;
    mn_err err = { 0 };
    cr_assert_eq(load(env, NULL, &s, &err), MN_OK, "%s", err.msg);
    return s;
}

static mn_err load_err(const char *const *env)
{
    mn_settings s;
    mn_err err = { 0 };
    cr_assert_neq(load(env, NULL, &s, &err), MN_OK);
    return err;
}

Test(settings, defaults_are_djangos)
{
    mn_settings d = mn_settings_defaults();
    cr_assert_eq(d.DEBUG, false);
    cr_assert_str_eq(d.TIME_ZONE, "America/Chicago");
    cr_assert_str_eq(d.LANGUAGE_CODE, "en-us");
    cr_assert_eq(d.DATA_UPLOAD_MAX_MEMORY_SIZE, 2621440);
    cr_assert_eq(d.DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000);
    cr_assert_eq(d.FILE_UPLOAD_MAX_MEMORY_SIZE, 2621440);
    cr_assert_eq(d.APPEND_SLASH, true);
    cr_assert_eq(d.SESSION_COOKIE_AGE, 1209600);
    cr_assert_eq(d.CSRF_COOKIE_AGE, 31449600);
    cr_assert_str_eq(d.X_FRAME_OPTIONS, "DENY");
    cr_assert_str_eq(d.SECURE_REFERRER_POLICY, "same-origin");
    cr_assert_str_eq(d.CSRF_HEADER_NAME, "HTTP_X_CSRFTOKEN");
    cr_assert_eq(d.SESSION_COOKIE_HTTPONLY, true);
    cr_assert_eq(d.CSRF_COOKIE_HTTPONLY, false);
    cr_assert_eq(d.ALLOWED_HOSTS.len, 0);
    cr_assert_str_eq(d.SECRET_KEY, "");
}

Test(settings, designated_initializers_override_defaults)
{
    cr_assert_eq(base.APPEND_SLASH, false);
    cr_assert_str_eq(base.TIME_ZONE, "America/Chicago");
    cr_assert_eq(base.ALLOWED_HOSTS.len, 2);
    cr_assert_str_eq(base.ALLOWED_HOSTS.items[1], "127.0.0.1");
    cr_assert(mn_strlist_has(base.ALLOWED_HOSTS, "localhost"));
    cr_assert_not(mn_strlist_has(base.ALLOWED_HOSTS, "example.com"));
}

Test(settings, load_base_parses_database)
{
    mn_settings s = load_ok((const char *const[]){ NULL });
    cr_assert_null(s.variant);
    cr_assert_eq(s.DATABASE.engine, MN_DB_SQLITE);
    cr_assert_str_eq(s.DATABASE.name, "db.sqlite3");
    cr_assert_str_eq(s.SECRET_KEY, "dev-key");
}

Test(settings, environment_overrides_every_type)
{
    const char *env[] = {
        "DEBUG=yes", "SECRET_KEY=from-env", "ALLOWED_HOSTS= a.com , b.com,,",
        "SECURE_HSTS_SECONDS=31536000", "DATA_UPLOAD_MAX_MEMORY_SIZE=5MB",
        "FILE_UPLOAD_MAX_MEMORY_SIZE=2MiB", "X_FRAME_OPTIONS=sameorigin", "CONN_MAX_AGE=600",
        "DATABASE_URL=postgres://u:p%40ss@db:5432/shop?sslmode=require",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS=-1", "TIME_ZONE=UTC", "OTHER=ignored", NULL,
    };
    mn_settings s = load_ok(env);
    cr_assert_eq(s.DEBUG, true);
    cr_assert_str_eq(s.SECRET_KEY, "from-env");
    cr_assert_eq(s.ALLOWED_HOSTS.len, 2);
    cr_assert_str_eq(s.ALLOWED_HOSTS.items[0], "a.com");
    cr_assert_str_eq(s.ALLOWED_HOSTS.items[1], "b.com");
    cr_assert_eq(s.SECURE_HSTS_SECONDS, 31536000);
    cr_assert_eq(s.DATA_UPLOAD_MAX_MEMORY_SIZE, 5000000);
    cr_assert_eq(s.FILE_UPLOAD_MAX_MEMORY_SIZE, 2097152);
    cr_assert_str_eq(s.X_FRAME_OPTIONS, "SAMEORIGIN");
    cr_assert_eq(s.DATA_UPLOAD_MAX_NUMBER_FIELDS, -1);
    cr_assert_str_eq(s.TIME_ZONE, "UTC");
    cr_assert_eq(s.DATABASE.engine, MN_DB_POSTGRES);
    cr_assert_str_eq(s.DATABASE.password, "p@ss");
    cr_assert_eq(s.DATABASE.port, 5432);
    cr_assert_eq(s.DATABASE.conn_max_age, 600);
    cr_assert_str_eq(mn_settings_getenv(&s, "OTHER"), "ignored");
    /* The base is untouched. */
    cr_assert_eq(base.DEBUG, false);
}

Test(settings, lists_from_the_environment)
{
    mn_settings s = load_ok((const char *const[]){
        "ALLOWED_HOSTS=", "SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO, https",
        "CSRF_TRUSTED_ORIGINS=https://yourdomain.com", NULL });
    cr_assert_eq(s.ALLOWED_HOSTS.len, 0);
    cr_assert_eq(s.SECURE_PROXY_SSL_HEADER.len, 2);
    cr_assert_str_eq(s.SECURE_PROXY_SSL_HEADER.items[0], "HTTP_X_FORWARDED_PROTO");
    cr_assert_str_eq(s.SECURE_PROXY_SSL_HEADER.items[1], "https");
    cr_assert_str_eq(s.CSRF_TRUSTED_ORIGINS.items[0], "https://yourdomain.com");
    s = load_ok((const char *const[]){ "SESSION_COOKIE_SAMESITE=strict", "CSRF_COOKIE_SAMESITE=",
                                       "SESSION_COOKIE_DOMAIN=.example.com", NULL });
    cr_assert_str_eq(s.SESSION_COOKIE_SAMESITE, "Strict");
    cr_assert_str_eq(s.CSRF_COOKIE_SAMESITE, "");
    cr_assert_str_eq(s.SESSION_COOKIE_DOMAIN, ".example.com");
}

Test(settings, booleans_accept_the_documented_spellings)
{
    const char *yes[] = { "True", "true", "1", "yes", "on", "ON", "Yes" };
    const char *no[] = { "False", "false", "0", "no", "off", "OFF", "No" };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        bool b = false;
        cr_assert_eq(mn_settings_parse_bool(yes[i], &b), MN_OK, "%s", yes[i]);
        cr_assert(b);
        cr_assert_eq(mn_settings_parse_bool(no[i], &b), MN_OK, "%s", no[i]);
        cr_assert_not(b);
    }
    const char *badv[] = { "maybe", "", "2", "tru", " true", "true ", "y", "t", "TrUe" };
    for (size_t i = 0; i < sizeof badv / sizeof badv[0]; i++) {
        bool b;
        cr_assert_eq(mn_settings_parse_bool(badv[i], &b), MN_EINVAL, "'%s'", badv[i]);
    }
}

Test(settings, env_errors_name_the_variable)
{
    mn_err e = load_err((const char *const[]){ "DEBUG=maybe", NULL });
    cr_assert_str_eq(e.msg, "DEBUG=maybe: expected a boolean (true/false/1/0/yes/no/on/off)");
    e = load_err((const char *const[]){ "SECURE_HSTS_SECONDS=1y", NULL });
    cr_assert_str_eq(e.msg, "SECURE_HSTS_SECONDS=1y: expected an integer");
    e = load_err((const char *const[]){ "SECURE_HSTS_SECONDS=-5", NULL });
    cr_assert_str_eq(e.msg, "SECURE_HSTS_SECONDS=-5: must be at least 0");
    e = load_err((const char *const[]){ "SECURE_HSTS_SECONDS= 5", NULL });
    cr_assert_str_eq(e.msg, "SECURE_HSTS_SECONDS= 5: expected an integer");
    e = load_err((const char *const[]){ "SESSION_COOKIE_AGE=99999999999999999999", NULL });
    cr_assert_str_eq(e.msg, "SESSION_COOKIE_AGE=99999999999999999999: number out of range");
    e = load_err((const char *const[]){ "DATA_UPLOAD_MAX_MEMORY_SIZE=5XB", NULL });
    cr_assert_str_eq(e.msg, "DATA_UPLOAD_MAX_MEMORY_SIZE=5XB: expected a size in bytes (such as "
                            "2621440, 5MB or 2MiB)");
    e = load_err((const char *const[]){ "FILE_UPLOAD_MAX_MEMORY_SIZE=-1", NULL });
    cr_assert(strstr(e.msg, "FILE_UPLOAD_MAX_MEMORY_SIZE=-1") != NULL, "%s", e.msg);
    e = load_err((const char *const[]){ "X_FRAME_OPTIONS=ALLOWALL", NULL });
    cr_assert_str_eq(e.msg, "X_FRAME_OPTIONS=ALLOWALL: expected one of 'DENY', 'SAMEORIGIN'");
    e = load_err((const char *const[]){ "LOG_LEVEL=LOUD", NULL });
    cr_assert(strncmp(e.msg, "LOG_LEVEL=LOUD: expected one of 'DEBUG'", 39) == 0, "%s", e.msg);
    e = load_err((const char *const[]){ "LOG_LEVELS=manouche.db", NULL });
    cr_assert_str_eq(e.msg, "LOG_LEVELS: 'manouche.db': expected logger=LEVEL (DEBUG, INFO, "
                            "WARNING, ERROR or CRITICAL)");
    e = load_err((const char *const[]){ "LOG_LEVELS=manouche.db=LOUD", NULL });
    cr_assert(strncmp(e.msg, "LOG_LEVELS: 'manouche.db=LOUD'", 30) == 0, "%s", e.msg);
    e = load_err((const char *const[]){ "LOG_LEVELS==DEBUG", NULL });
    cr_assert(strncmp(e.msg, "LOG_LEVELS: '=DEBUG'", 20) == 0, "%s", e.msg);
    e = load_err((const char *const[]){ "DATABASE_URL=mysql://x/y", NULL });
    cr_assert(strncmp(e.msg, "DATABASE_URL: unsupported scheme 'mysql'", 40) == 0, "%s", e.msg);
    e = load_err((const char *const[]){ "TIME_ZONE=Mars/Olympus", NULL });
    cr_assert(strncmp(e.msg, "TIME_ZONE=Mars/Olympus: Incorrect timezone setting (", 52) == 0,
              "%s", e.msg);
    e = load_err((const char *const[]){ "TIME_ZONE=../etc/passwd", NULL });
    cr_assert(strncmp(e.msg, "TIME_ZONE=../etc/passwd: Incorrect timezone setting", 51) == 0,
              "%s", e.msg);
    e = load_err((const char *const[]){ "DEBUG=a\nb", NULL });
    cr_assert_str_eq(e.msg, "DEBUG=a?b: expected a boolean (true/false/1/0/yes/no/on/off)");
}

Test(settings, sizes)
{
    int64_t v;
    cr_assert_eq(mn_settings_parse_size("0", &v), MN_OK);
    cr_assert_eq(v, 0);
    cr_assert_eq(mn_settings_parse_size("512B", &v), MN_OK);
    cr_assert_eq(v, 512);
    cr_assert_eq(mn_settings_parse_size("3KB", &v), MN_OK);
    cr_assert_eq(v, 3000);
    cr_assert_eq(mn_settings_parse_size("3KiB", &v), MN_OK);
    cr_assert_eq(v, 3072);
    cr_assert_eq(mn_settings_parse_size("1GiB", &v), MN_OK);
    cr_assert_eq(v, 1073741824);
    cr_assert_eq(mn_settings_parse_size("5 MB", &v), MN_EINVAL);
    cr_assert_eq(mn_settings_parse_size("5mb", &v), MN_EINVAL);
    cr_assert_eq(mn_settings_parse_size("-5", &v), MN_EINVAL);
    cr_assert_eq(mn_settings_parse_size("MB", &v), MN_EINVAL);
    cr_assert_eq(mn_settings_parse_size("1.5MB", &v), MN_EINVAL);
    cr_assert_eq(mn_settings_parse_size("99999999999GiB", &v), MN_ERANGE);
    cr_assert_eq(mn_settings_parse_size("99999999999999999999", &v), MN_ERANGE);
}

Test(settings, variants_selected_by_manouche_settings)
{
    mn_settings s = load_ok((const char *const[]){ "MANOUCHE_SETTINGS=production", NULL });
    cr_assert_str_eq(s.variant, "production");
    cr_assert(s.production);
    cr_assert_eq(s.DEBUG, false);
    cr_assert_str_eq(s.ALLOWED_HOSTS.items[0], "yourdomain.com");
    cr_assert_eq(s.DATABASE.engine, MN_DB_POSTGRES);
    cr_assert(s.SECURE_SSL_REDIRECT);

    /* The environment still wins over the variant. */
    s = load_ok((const char *const[]){ "MANOUCHE_SETTINGS=development", "DEBUG=0", NULL });
    cr_assert_str_eq(s.variant, "development");
    cr_assert_eq(s.DEBUG, false);

    mn_err e = load_err((const char *const[]){ "MANOUCHE_SETTINGS=staging", NULL });
    cr_assert_str_eq(e.msg, "MANOUCHE_SETTINGS=staging: unknown settings variant (known: "
                            "development, production)");
}

Test(settings, default_variant)
{
    mn_settings_source src = { .base = &base, .variants = variants, .n_variants = 2,
                               .default_variant = "development", .env_file = "",
                               .env = (const char *const[]){ NULL } };
    mn_settings s;
    mn_err err = { 0 };
    cr_assert_eq(mn_settings_load(&s, &src, A, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(s.variant, "development");
    cr_assert(s.DEBUG);
    src.n_variants = 0;
    cr_assert_eq(mn_settings_load(&s, &src, A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "MANOUCHE_SETTINGS=development: unknown settings variant (known: none)");
}

static char *write_env_file(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/mn_settings_env_XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

Test(settings, dotenv_file_and_real_environment_wins)
{
    char *path = write_env_file("# deployment\n"
                                "DEBUG=False\n"
                                "SECRET_KEY='from .env'\n"
                                "export MANOUCHE_SETTINGS=production\n"
                                "API_KEY=external-api-key\n");
    mn_settings s;
    mn_err err = { 0 };
    const char *env[] = { "SECRET_KEY=from-real-env", NULL };
    cr_assert_eq(load(env, path, &s, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(s.SECRET_KEY, "from-real-env");
    cr_assert_str_eq(s.variant, "production");
    cr_assert_eq(s.DEBUG, false);
    cr_assert_str_eq(mn_settings_getenv(&s, "API_KEY"), "external-api-key");
    cr_assert_str_eq(mn_settings_getenv(&s, "SECRET_KEY"), "from-real-env");
    cr_assert_null(mn_settings_getenv(&s, "NOPE"));
    unlink(path);

    path = write_env_file("DEBUG=True\nBROKEN\n");
    cr_assert_eq(load(env, path, &s, &err), MN_EPARSE);
    char want[128];
    snprintf(want, sizeof want, "%s: line 2: expected '=' after BROKEN", path);
    cr_assert_str_eq(err.msg, want);
    unlink(path);

    /* A missing .env file is fine. */
    cr_assert_eq(load(env, "/nonexistent/.env", &s, &err), MN_OK);
}

Test(settings, process_environment_by_default)
{
    setenv("SECURE_HSTS_PRELOAD", "on", 1);
    mn_settings_source src = { .base = &base, .env_file = "" };
    mn_settings s;
    mn_err err = { 0 };
    cr_assert_eq(mn_settings_load(&s, &src, A, &err), MN_OK, "%s", err.msg);
    cr_assert(s.SECURE_HSTS_PRELOAD);
    unsetenv("SECURE_HSTS_PRELOAD");
}

MN_SETTINGS_DEFINE(bad_choice, .X_FRAME_OPTIONS = "ALLOW-FROM x", .SECRET_KEY = "k");

Test(settings, values_set_in_code_are_validated)
{
    mn_settings_source src = { .base = &bad_choice, .env_file = "",
                               .env = (const char *const[]){ NULL } };
    mn_settings s;
    mn_err err = { 0 };
    cr_assert_eq(mn_settings_load(&s, &src, A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "X_FRAME_OPTIONS=ALLOW-FROM x: expected one of 'DENY', 'SAMEORIGIN'");
}

Test(settings, base_dir_joins_relative_sqlite_paths)
{
    mn_settings s = load_ok((const char *const[]){ "BASE_DIR=/srv/shop", NULL });
    cr_assert_str_eq(s.DATABASE.name, "/srv/shop/db.sqlite3");
    s = load_ok((const char *const[]){ "BASE_DIR=/srv/shop/", "DATABASE_URL=sqlite:////abs.db", NULL });
    cr_assert_str_eq(s.DATABASE.name, "/abs.db");
    s = load_ok((const char *const[]){ "DATABASE_URL=", NULL });
    cr_assert_eq(s.DATABASE.engine, MN_DB_NONE);
}

Test(settings, table_covers_the_struct)
{
    size_t n;
    const mn_setting_desc *t = mn_settings_table(&n);
    cr_assert_gt(n, 60);
    for (size_t i = 1; i < n; i++)
        cr_assert_gt(t[i].offset, t[i - 1].offset, "%s out of order", t[i].name);
    cr_assert_lt(t[n - 1].offset, offsetof(mn_settings, DATABASE));
    cr_assert_eq(mn_settings_find("DEBUG")->offset, offsetof(mn_settings, DEBUG));
    cr_assert_null(mn_settings_find("INSTALLED_APPS"));
}


static bool has_id(mn_check_list l, const char *id)
{
    for (size_t i = 0; i < l.len; i++)
        if (strcmp(l.items[i].id, id) == 0)
            return true;
    return false;
}

Test(settings, checks_development)
{
    mn_settings s = mn_settings_defaults();
    mn_check_list l;
    cr_assert_eq(mn_settings_check(&s, false, A, &l), MN_OK);
    cr_assert_eq(l.len, 2);
    cr_assert_str_eq(l.items[0].id, "settings.E001");
    cr_assert_str_eq(l.items[0].msg, "The SECRET_KEY setting must not be empty.");
    cr_assert_str_eq(l.items[1].id, "settings.E002");
    s.DEBUG = true;
    s.SECRET_KEY = "x";
    cr_assert_eq(mn_settings_check(&s, false, A, &l), MN_OK);
    cr_assert_eq(l.len, 0);
    s.SECURE_REFERRER_POLICY = "same-origin, bogus";
    static const char *const bad_proxy[] = { "HTTP_X_FORWARDED_PROTO" };
    s.SECURE_PROXY_SSL_HEADER = MN_STRLIST_OF(bad_proxy);
    cr_assert_eq(mn_settings_check(&s, false, A, &l), MN_OK);
    cr_assert(has_id(l, "security.E023"));
    cr_assert(has_id(l, "settings.E003"));
    s.SECURE_REFERRER_POLICY = "no-referrer, strict-origin-when-cross-origin";
    s.SECURE_PROXY_SSL_HEADER = (mn_strlist){ 0 };
    cr_assert_eq(mn_settings_check(&s, false, A, &l), MN_OK);
    cr_assert_eq(l.len, 0);
}

Test(settings, checks_deploy)
{
    mn_settings s = load_ok((const char *const[]){ "MANOUCHE_SETTINGS=production", "DEBUG=true", NULL });
    mn_check_list l;
    cr_assert_eq(mn_settings_check(&s, false, A, &l), MN_OK);
    cr_assert(has_id(l, "security.W018"));
    cr_assert(has_id(l, "security.W009")); /* "dev-key" is short */
    cr_assert(has_id(l, "security.W004"));
    cr_assert(has_id(l, "security.W012"));
    cr_assert(has_id(l, "security.W016"));
    cr_assert_not(has_id(l, "security.W008")); /* production sets SSL redirect */
    cr_assert_not(has_id(l, "security.W020"));
    mn_buf b;
    mn_buf_init(&b, A, 0);
    for (size_t i = 0; i < l.len; i++)
        if (strcmp(l.items[i].id, "security.W018") == 0)
            mn_check_message_format(&l.items[i], &b);
    cr_assert_str_eq(mn_buf_cstr(&b),
                     "?: (security.W018) You should not have DEBUG set to True in deployment.");

    /* A hardened configuration passes. */
    const char *env[] = {
        "MANOUCHE_SETTINGS=production",
        "SECRET_KEY=Zq8#kP2vL9xW4mN7bR1tY6uH3jF5gD0sA-cE_iO!pQ@wS$zX%v",
        "SECURE_HSTS_SECONDS=31536000", "SECURE_HSTS_INCLUDE_SUBDOMAINS=1",
        "SECURE_HSTS_PRELOAD=1", "SESSION_COOKIE_SECURE=1", "CSRF_COOKIE_SECURE=1", NULL,
    };
    s = load_ok(env);
    cr_assert_eq(mn_settings_check(&s, false, A, &l), MN_OK);
    cr_assert_eq(l.len, 0, "first: %s", l.len ? l.items[0].id : "");

    s.ALLOWED_HOSTS = (mn_strlist){ 0 };
    s.SECRET_KEY = "django-insecure-Zq8#kP2vL9xW4mN7bR1tY6uH3jF5gD0sA-cE_iO!pQ@wS$zX%v";
    s.SECURE_HSTS_INCLUDE_SUBDOMAINS = false;
    s.SECURE_HSTS_PRELOAD = false;
    s.X_FRAME_OPTIONS = "SAMEORIGIN";
    s.SECURE_REFERRER_POLICY = NULL;
    s.SECURE_CONTENT_TYPE_NOSNIFF = false;
    s.SESSION_COOKIE_HTTPONLY = false;
    cr_assert_eq(mn_settings_check(&s, true, A, &l), MN_OK);
    const char *want[] = { "security.W005", "security.W006", "security.W009", "security.W015",
                           "security.W019", "security.W020", "security.W021", "security.W022" };
    cr_assert_eq(l.len, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < l.len; i++)
        cr_assert_str_eq(l.items[i].id, want[i]);
    cr_assert_not(has_id(l, "settings.E002")); /* W020 says it in deployment */
}

static int changed_count;
static char changed_name[64];
static int on_setting_changed(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    changed_count++;
    mn_str name = mn_signal_arg(call, "setting").u.s;
    snprintf(changed_name, sizeof changed_name, "%.*s", MN_STR_FMT(name));
    cr_assert(mn_value_truthy(mn_signal_arg(call, "enter")));
    return MN_OK;
}

Test(settings, override_sends_setting_changed)
{
    mn_settings s = load_ok((const char *const[]){ NULL });
    s.TIME_ZONE = "Europe/Paris";
    mn_settings_set_current(&s);
    cr_assert_eq(mn_settings_current(), &s);
    cr_assert_str_eq(mn_tz_name(mn_tz_default()), "Europe/Paris");
    cr_assert_eq(mn_signal_connect(&mn_setting_changed, on_setting_changed, NULL), MN_OK);
    mn_err err = { 0 };
    cr_assert_eq(mn_settings_override(&s, "DEBUG", "true", A, &err), MN_OK, "%s", err.msg);
    cr_assert(s.DEBUG);
    cr_assert_eq(changed_count, 1);
    cr_assert_str_eq(changed_name, "DEBUG");
    cr_assert_eq(mn_settings_override(&s, "DATABASE_URL", "sqlite://:memory:", A, &err), MN_OK);
    cr_assert_str_eq(s.DATABASE.name, ":memory:");
    cr_assert_eq(mn_settings_override(&s, "DEBUGG", "true", A, &err), MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "DEBUGG: no such setting");
    cr_assert_eq(mn_settings_override(&s, "DEBUG", "maybe", A, &err), MN_EINVAL);
    cr_assert_eq(changed_count, 2);
    mn_settings_set_current(NULL);
}

Test(settings, configure_logging)
{
    mn_settings s = load_ok((const char *const[]){
        "LOG_LEVEL=warning", "LOG_LEVELS=manouche.db = DEBUG, manouche.request=error", NULL });
    mn_err err = { 0 };
    cr_assert_eq(mn_settings_configure_logging(&s, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_log_get_level("shop"), MN_LOG_WARNING);
    cr_assert_eq(mn_log_get_level("manouche.db.sqlite"), MN_LOG_DEBUG);
    cr_assert_eq(mn_log_get_level("manouche.request"), MN_LOG_ERROR);
    s.LOG_FILE = "/nonexistent-dir/x.log";
    cr_assert_eq(mn_settings_configure_logging(&s, &err), MN_EIO);
    cr_assert(strstr(err.msg, "/nonexistent-dir/x.log") != NULL, "%s", err.msg);
}

Test(settings, format_values_like_python)
{
    mn_settings s = load_ok((const char *const[]){
        "DATABASE_URL=postgres://shop:hunter2@db/shop", "REDIS_URL=redis://:pw@cache:6379/0",
        "SECRET_KEY=it's secret", NULL });
    mn_buf b;
    mn_buf_init(&b, A, 0);
    struct { const char *name; bool cleanse; const char *want; } cases[] = {
        { "DEBUG", false, "False" },
        { "APPEND_SLASH", false, "False" },
        { "DATA_UPLOAD_MAX_MEMORY_SIZE", false, "2621440" },
        { "ALLOWED_HOSTS", false, "['localhost', '127.0.0.1']" },
        { "STATIC_ROOT", false, "None" },
        { "X_FRAME_OPTIONS", false, "'DENY'" },
        { "SECRET_KEY", false, "\"it's secret\"" },
        { "SECRET_KEY", true, "'********************'" },
        { "DATABASE_URL", true, "'postgres://shop:********************@db/shop'" },
        { "REDIS_URL", true, "'redis://:********************@cache:6379/0'" },
        { "CACHE_URL", true, "'locmem://'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mn_buf_reset(&b);
        cr_assert_eq(mn_settings_format_value(&s, mn_settings_find(cases[i].name), cases[i].cleanse,
                                              &b), MN_OK);
        cr_assert_str_eq(mn_buf_cstr(&b), cases[i].want, "%s", cases[i].name);
    }
}

Test(settings, diffsettings)
{
    mn_settings s = load_ok((const char *const[]){ "DEBUG=1", "DATA_UPLOAD_MAX_NUMBER_FIELDS=-1", NULL });
    mn_buf b;
    mn_buf_init(&b, A, 0);
    cr_assert_eq(mn_settings_diff(&s, false, &b), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "ALLOWED_HOSTS = ['localhost', '127.0.0.1']\n"
                                      "APPEND_SLASH = False\n"
                                      "DATA_UPLOAD_MAX_NUMBER_FIELDS = None\n"
                                      "DEBUG = True\n"
                                      "SECRET_KEY = 'dev-key'\n");
    mn_buf_reset(&b);
    cr_assert_eq(mn_settings_diff(&s, true, &b), MN_OK);
    cr_assert(strstr(mn_buf_cstr(&b), "### TIME_ZONE = 'America/Chicago'\n") != NULL);
    cr_assert(strstr(mn_buf_cstr(&b), "DEBUG = True\n") != NULL);
}

Test(settings, dotenv_in_base_dir)
{
    char dir[] = "/tmp/mn_basedir_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/.env", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("SECRET_KEY=from-base-dir\n", f);
    fclose(f);
    mn_settings b = base;
    b.BASE_DIR = dir;
    mn_settings_source src = { .base = &b, .env = (const char *const[]){ NULL } };
    mn_settings s;
    mn_err err = { 0 };
    cr_assert_eq(mn_settings_load(&s, &src, A, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(s.SECRET_KEY, "from-base-dir");
    char want[80];
    snprintf(want, sizeof want, "%s/db.sqlite3", dir);
    cr_assert_str_eq(s.DATABASE.name, want);
    unlink(path);
    rmdir(dir);
}
