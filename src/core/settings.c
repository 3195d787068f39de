/* Settings: the descriptor table, environment overrides, variants, checks. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "manouche/datetime.h"
#include "manouche/log.h"
#include "manouche/settings.h"
#include "manouche/signal.h"

bool mn_strlist_has(mn_strlist list, const char *s)
{
    for (size_t i = 0; i < list.len; i++)
        if (list.items[i] && s && strcmp(list.items[i], s) == 0)
            return true;
    return false;
}

mn_settings mn_settings_defaults(void)
{
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
    mn_settings s = { MN_SETTINGS_DEFAULTS };
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif
    return s;
}

/* ---- the table ---- */

static const char *const xframe_choices[] = { "DENY", "SAMEORIGIN", NULL };
static const char *const samesite_choices[] = { "Lax", "Strict", "None", "", NULL };
static const char *const coop_choices[] = { "same-origin", "same-origin-allow-popups",
                                            "unsafe-none", "", NULL };
static const char *const level_choices[] = { "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL",
                                             NULL };

#define B(n) { #n, MN_SETTING_BOOL, offsetof(mn_settings, n), NULL, 0 }
#define I(n, lo) { #n, MN_SETTING_INT, offsetof(mn_settings, n), NULL, lo }
#define Z(n, lo) { #n, MN_SETTING_SIZE, offsetof(mn_settings, n), NULL, lo }
#define S(n) { #n, MN_SETTING_STR, offsetof(mn_settings, n), NULL, 0 }
#define L(n) { #n, MN_SETTING_LIST, offsetof(mn_settings, n), NULL, 0 }
#define C(n, ch) { #n, MN_SETTING_CHOICE, offsetof(mn_settings, n), ch, 0 }

static const mn_setting_desc table[] = {
    B(DEBUG), S(SECRET_KEY), L(ALLOWED_HOSTS), S(BASE_DIR), S(TIME_ZONE), B(USE_TZ),
    S(LANGUAGE_CODE), B(USE_I18N), S(DEFAULT_CHARSET),
    S(DATABASE_URL), I(CONN_MAX_AGE, -1), B(DATABASE_PIPELINE), Z(FIBER_STACK_SIZE, 0), S(REDIS_URL), S(CACHE_URL), S(EMAIL_URL),
    S(DEFAULT_FROM_EMAIL), S(SERVER_EMAIL),
    S(STATIC_URL), S(STATIC_ROOT), S(MEDIA_URL), S(MEDIA_ROOT), L(FIXTURE_DIRS),
    B(APPEND_SLASH), B(PREPEND_WWW), Z(DATA_UPLOAD_MAX_MEMORY_SIZE, -1),
    I(DATA_UPLOAD_MAX_NUMBER_FIELDS, -1), Z(FILE_UPLOAD_MAX_MEMORY_SIZE, 0),
    B(USE_X_FORWARDED_HOST), B(USE_X_FORWARDED_PORT),
    B(SECURE_SSL_REDIRECT), S(SECURE_SSL_HOST), I(SECURE_HSTS_SECONDS, 0),
    B(SECURE_HSTS_INCLUDE_SUBDOMAINS), B(SECURE_HSTS_PRELOAD), B(SECURE_CONTENT_TYPE_NOSNIFF),
    B(SECURE_BROWSER_XSS_FILTER), S(SECURE_REFERRER_POLICY), L(SECURE_PROXY_SSL_HEADER),
    C(SECURE_CROSS_ORIGIN_OPENER_POLICY, coop_choices), C(X_FRAME_OPTIONS, xframe_choices),
    S(SESSION_COOKIE_NAME), I(SESSION_COOKIE_AGE, 0), S(SESSION_COOKIE_DOMAIN),
    S(SESSION_COOKIE_PATH), B(SESSION_COOKIE_SECURE), B(SESSION_COOKIE_HTTPONLY),
    C(SESSION_COOKIE_SAMESITE, samesite_choices), B(SESSION_EXPIRE_AT_BROWSER_CLOSE),
    B(SESSION_SAVE_EVERY_REQUEST),
    S(CSRF_COOKIE_NAME), I(CSRF_COOKIE_AGE, 0), S(CSRF_COOKIE_DOMAIN), S(CSRF_COOKIE_PATH),
    B(CSRF_COOKIE_SECURE), B(CSRF_COOKIE_HTTPONLY), C(CSRF_COOKIE_SAMESITE, samesite_choices),
    S(CSRF_HEADER_NAME), L(CSRF_TRUSTED_ORIGINS), B(CSRF_USE_SESSIONS),
    S(LOGIN_URL), S(LOGIN_REDIRECT_URL), S(LOGOUT_REDIRECT_URL),
    C(LOG_LEVEL, level_choices), L(LOG_LEVELS), S(LOG_FILE),
    I(NPLUS1_THRESHOLD, -1), B(NPLUS1_RAISE),
};

#undef B
#undef I
#undef Z
#undef S
#undef L
#undef C

const mn_setting_desc *mn_settings_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

const mn_setting_desc *mn_settings_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

/* ---- parsing values ---- */

int mn_settings_parse_bool(const char *value, bool *out)
{
    static const char *const yes[] = { "True", "true", "TRUE", "1", "yes", "Yes", "YES", "on", "On", "ON" };
    static const char *const no[] = { "False", "false", "FALSE", "0", "no", "No", "NO", "off", "Off", "OFF" };
    if (!value)
        return MN_EINVAL;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcmp(value, yes[i]) == 0) {
            *out = true;
            return MN_OK;
        }
        if (strcmp(value, no[i]) == 0) {
            *out = false;
            return MN_OK;
        }
    }
    return MN_EINVAL;
}

int mn_settings_parse_size(const char *value, int64_t *out)
{
    static const struct {
        const char *unit;
        int64_t mul;
    } units[] = {
        { "", 1 },         { "B", 1 },
        { "KB", 1000 },    { "MB", 1000000 },         { "GB", 1000000000 },
        { "KiB", 1 << 10 }, { "MiB", (int64_t)1 << 20 }, { "GiB", (int64_t)1 << 30 },
    };
    if (!value)
        return MN_EINVAL;
    mn_str s = mn_str_from(value);
    size_t digits = 0;
    while (digits < s.len && s.ptr[digits] >= '0' && s.ptr[digits] <= '9')
        digits++;
    if (digits == 0)
        return MN_EINVAL;
    mn_str unit = mn_str_slice(s, digits, s.len);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (!mn_str_eq_cstr(unit, units[i].unit))
            continue;
        uint64_t v;
        int rc = mn_str_to_u64(mn_str_slice(s, 0, digits), &v);
        if (rc != MN_OK)
            return rc == MN_ERANGE ? MN_ERANGE : MN_EINVAL;
        if (v > (uint64_t)INT64_MAX / (uint64_t)units[i].mul)
            return MN_ERANGE;
        *out = (int64_t)v * units[i].mul;
        return MN_OK;
    }
    return MN_EINVAL;
}

/* A printable, shortened copy of a value for an error message. */
static const char *shown(const char *value, char *buf, size_t size)
{
    size_t n = 0;
    for (const char *p = value; *p && n + 4 < size; p++) {
        unsigned char c = (unsigned char)*p;
        buf[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (value[n] && n + 4 >= size) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

static int parse_list(const char *value, mn_arena *arena, mn_strlist *out)
{
    mn_str s = mn_str_from(value);
    size_t count = 1;
    for (size_t i = 0; i < s.len; i++)
        count += s.ptr[i] == ',';
    const char **items = mn_arena_calloc(arena, count, sizeof *items);
    if (!items)
        return MN_ENOMEM;
    size_t n = 0, pos = 0;
    mn_str field;
    while (mn_str_next_field(s, ',', &pos, &field)) {
        field = mn_str_trim(field);
        if (field.len == 0)
            continue;
        items[n] = mn_str_dup(arena, field);
        if (!items[n])
            return MN_ENOMEM;
        n++;
    }
    *out = (mn_strlist){ items, n };
    return MN_OK;
}

static const char *match_choice(const mn_setting_desc *d, const char *value)
{
    for (const char *const *c = d->choices; c && *c; c++)
        if (mn_str_ieq_cstr(mn_str_from(value), *c))
            return *c;
    return NULL;
}

static int choice_error(const mn_setting_desc *d, const char *value, mn_err *err)
{
    char list[256] = "", shown_buf[80];
    size_t n = 0;
    for (const char *const *c = d->choices; c && *c; c++) {
        int w = snprintf(list + n, sizeof list - n, "%s'%s'", n ? ", " : "", *c);
        if (w < 0 || (size_t)w >= sizeof list - n)
            break;
        n += (size_t)w;
    }
    return mn_err_set(err, MN_EINVAL, "%s=%s: expected one of %s", d->name,
                      shown(value, shown_buf, sizeof shown_buf), list);
}

int mn_settings_set_from_str(mn_settings *s, const mn_setting_desc *d, const char *value,
                             mn_arena *arena, mn_err *err)
{
    char buf[80];
    char *field = (char *)s + d->offset;
    if (!value)
        return mn_err_set(err, MN_EINVAL, "%s: no value", d->name);
    switch (d->type) {
    case MN_SETTING_BOOL: {
        bool b;
        if (mn_settings_parse_bool(value, &b) != MN_OK)
            return mn_err_set(err, MN_EINVAL,
                              "%s=%s: expected a boolean (true/false/1/0/yes/no/on/off)", d->name,
                              shown(value, buf, sizeof buf));
        memcpy(field, &b, sizeof b);
        return MN_OK;
    }
    case MN_SETTING_INT:
    case MN_SETTING_SIZE: {
        int64_t v;
        int rc;
        if (d->min < 0 && strcmp(value, "-1") == 0) {
            v = -1;
            rc = MN_OK;
        } else if (d->type == MN_SETTING_INT) {
            mn_str sv = mn_str_from(value);
            rc = (sv.len && sv.ptr[0] == '+') ? MN_EPARSE : mn_str_to_i64(sv, &v);
        } else {
            rc = mn_settings_parse_size(value, &v);
        }
        if (rc == MN_ERANGE)
            return mn_err_set(err, MN_EINVAL, "%s=%s: number out of range", d->name,
                              shown(value, buf, sizeof buf));
        if (rc != MN_OK)
            return mn_err_set(err, MN_EINVAL, "%s=%s: %s", d->name, shown(value, buf, sizeof buf),
                              d->type == MN_SETTING_INT
                                  ? "expected an integer"
                                  : "expected a size in bytes (such as 2621440, 5MB or 2MiB)");
        if (v < d->min)
            return mn_err_set(err, MN_EINVAL, "%s=%s: must be at least %lld", d->name,
                              shown(value, buf, sizeof buf), (long long)d->min);
        memcpy(field, &v, sizeof v);
        return MN_OK;
    }
    case MN_SETTING_STR: {
        const char *copy = mn_arena_strdup(arena, value);
        if (!copy)
            return mn_err_set(err, MN_ENOMEM, "%s: out of memory", d->name);
        memcpy(field, &copy, sizeof copy);
        return MN_OK;
    }
    case MN_SETTING_CHOICE: {
        const char *c = match_choice(d, value);
        if (!c)
            return choice_error(d, value, err);
        memcpy(field, &c, sizeof c);
        return MN_OK;
    }
    case MN_SETTING_LIST: {
        mn_strlist l;
        if (parse_list(value, arena, &l) != MN_OK)
            return mn_err_set(err, MN_ENOMEM, "%s: out of memory", d->name);
        memcpy(field, &l, sizeof l);
        return MN_OK;
    }
    }
    return mn_err_set(err, MN_EINVAL, "%s: unknown setting type", d->name);
}

/* ---- showing values ---- */

#define CLEANSED "********************"

static bool hidden_name(const char *name)
{
    static const char *const words[] = { "API", "TOKEN", "KEY", "SECRET", "PASS", "SIGNATURE" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(name, words[i]))
            return true;
    return false;
}

/* scheme://user:PASSWORD@host... with the password replaced. */
static const char *cleanse_url(const char *url, mn_buf *tmp)
{
    const char *scheme = strstr(url, "://");
    if (!scheme)
        return url;
    const char *auth = scheme + 3;
    size_t netloc = strcspn(auth, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < netloc; i++)
        if (auth[i] == '@')
            at = auth + i;
    if (!at)
        return url;
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    if (!colon)
        return url;
    mn_buf_append(tmp, url, (size_t)(colon + 1 - url));
    mn_buf_puts(tmp, CLEANSED);
    mn_buf_puts(tmp, at);
    return mn_buf_cstr(tmp);
}

int mn_settings_format_value(const mn_settings *s, const mn_setting_desc *d, bool cleanse,
                             mn_buf *b)
{
    const char *field = (const char *)s + d->offset;
    switch (d->type) {
    case MN_SETTING_BOOL: {
        bool v;
        memcpy(&v, field, sizeof v);
        return mn_buf_puts(b, v ? "True" : "False");
    }
    case MN_SETTING_INT:
    case MN_SETTING_SIZE: {
        int64_t v;
        memcpy(&v, field, sizeof v);
        if (v == -1 && d->min < 0 && strcmp(d->name, "CONN_MAX_AGE") != 0)
            return mn_buf_puts(b, "None");
        return mn_buf_put_i64(b, v);
    }
    case MN_SETTING_STR:
    case MN_SETTING_CHOICE: {
        const char *v;
        memcpy(&v, field, sizeof v);
        if (!v)
            return mn_buf_puts(b, "None");
        if (cleanse && hidden_name(d->name))
            return mn_buf_puts(b, "'" CLEANSED "'");
        mn_buf tmp;
        mn_buf_init(&tmp, NULL, 0);
        if (cleanse && strstr(d->name, "_URL"))
            v = cleanse_url(v, &tmp);
        int rc = mn_value_repr(mn_value_cstr(v), b);
        mn_buf_free(&tmp);
        return rc;
    }
    case MN_SETTING_LIST: {
        mn_strlist v;
        memcpy(&v, field, sizeof v);
        if (cleanse && hidden_name(d->name))
            return mn_buf_puts(b, "'" CLEANSED "'");
        mn_buf_putc(b, '[');
        for (size_t i = 0; i < v.len; i++) {
            if (i)
                mn_buf_puts(b, ", ");
            mn_value_repr(mn_value_cstr(v.items[i]), b);
        }
        return mn_buf_putc(b, ']');
    }
    }
    return mn_buf_error(b);
}

static int compare_desc(const void *a, const void *b)
{
    const mn_setting_desc *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

int mn_settings_diff(const mn_settings *s, bool all, mn_buf *out)
{
    mn_settings defaults = mn_settings_defaults();
    enum { N = sizeof table / sizeof table[0] };
    const mn_setting_desc *sorted[N];
    for (size_t i = 0; i < N; i++)
        sorted[i] = &table[i];
    qsort(sorted, N, sizeof sorted[0], compare_desc);
    mn_buf mine, theirs;
    mn_buf_init(&mine, NULL, 0);
    mn_buf_init(&theirs, NULL, 0);
    for (size_t i = 0; i < N; i++) {
        mn_buf_reset(&mine);
        mn_buf_reset(&theirs);
        mn_settings_format_value(s, sorted[i], false, &mine);
        mn_settings_format_value(&defaults, sorted[i], false, &theirs);
        bool differs = strcmp(mn_buf_cstr(&mine), mn_buf_cstr(&theirs)) != 0;
        if (differs)
            mn_buf_printf(out, "%s = %s\n", sorted[i]->name, mn_buf_cstr(&mine));
        else if (all)
            mn_buf_printf(out, "### %s = %s\n", sorted[i]->name, mn_buf_cstr(&mine));
    }
    int rc = mn_buf_error(&mine) ? mn_buf_error(&mine) : mn_buf_error(&theirs);
    mn_buf_free(&mine);
    mn_buf_free(&theirs);
    return rc ? rc : mn_buf_error(out);
}

/* ---- loading ---- */

/* The process environment, or the list given by the source. */
static const char *lookup_env(const char *const *env, const char *name)
{
    if (!env)
        return getenv(name);
    size_t n = strlen(name);
    for (const char *const *e = env; *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

static const char *lookup(const mn_settings *s, const char *name)
{
    const char *v = lookup_env(s->env, name);
    if (v)
        return v;
    return mn_dotenv_get(&s->dotenv, mn_str_from(name));
}

const char *mn_settings_getenv(const mn_settings *s, const char *name)
{
    return lookup(s, name);
}

static int apply_variant(mn_settings *s, const mn_settings_source *src, const char *name,
                         mn_err *err)
{
    for (size_t i = 0; i < src->n_variants; i++) {
        if (src->variants[i].name && strcmp(src->variants[i].name, name) == 0) {
            if (src->variants[i].apply)
                src->variants[i].apply(s);
            s->variant = src->variants[i].name;
            s->production = src->variants[i].production;
            return MN_OK;
        }
    }
    char known[256] = "";
    size_t n = 0;
    for (size_t i = 0; i < src->n_variants; i++) {
        int w = snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "",
                         src->variants[i].name ? src->variants[i].name : "?");
        if (w < 0 || (size_t)w >= sizeof known - n)
            break;
        n += (size_t)w;
    }
    char buf[80];
    return mn_err_set(err, MN_EINVAL, "MANOUCHE_SETTINGS=%s: unknown settings variant (known: %s)",
                      shown(name, buf, sizeof buf), n ? known : "none");
}

/* Splits a LOG_LEVELS item "logger = LEVEL" into a NUL-terminated name and a
 * level. Returns false when it is malformed. */
static bool parse_level_item(const char *item, char *name, size_t cap, mn_log_level *level)
{
    mn_str n, l;
    if (!mn_str_split_once(mn_str_from(item), '=', &n, &l))
        return false;
    n = mn_str_trim(n);
    l = mn_str_trim(l);
    char lvl[32];
    if (n.len == 0 || n.len >= cap || l.len == 0 || l.len >= sizeof lvl)
        return false;
    memcpy(name, n.ptr, n.len);
    name[n.len] = '\0';
    memcpy(lvl, l.ptr, l.len);
    lvl[l.len] = '\0';
    return mn_log_level_parse(lvl, level) == MN_OK;
}

/* Checks values set in code that the environment path validates. */
static int validate(mn_settings *s, mn_err *err)
{
    size_t n;
    const mn_setting_desc *t = mn_settings_table(&n);
    for (size_t i = 0; i < n; i++) {
        const mn_setting_desc *d = &t[i];
        char *field = (char *)s + d->offset;
        if (d->type == MN_SETTING_CHOICE) {
            const char *v;
            memcpy(&v, field, sizeof v);
            if (!v)
                continue;
            const char *c = match_choice(d, v);
            if (!c)
                return choice_error(d, v, err);
            memcpy(field, &c, sizeof c);
        } else if (d->type == MN_SETTING_INT || d->type == MN_SETTING_SIZE) {
            int64_t v;
            memcpy(&v, field, sizeof v);
            if (v < d->min)
                return mn_err_set(err, MN_EINVAL, "%s=%lld: must be at least %lld", d->name,
                                  (long long)v, (long long)d->min);
        }
    }
    for (size_t i = 0; i < s->LOG_LEVELS.len; i++) {
        char name[256], buf[80];
        mn_log_level parsed;
        if (!parse_level_item(s->LOG_LEVELS.items[i], name, sizeof name, &parsed))
            return mn_err_set(err, MN_EINVAL,
                              "LOG_LEVELS: '%s': expected logger=LEVEL (DEBUG, INFO, WARNING, "
                              "ERROR or CRITICAL)", shown(s->LOG_LEVELS.items[i], buf, sizeof buf));
    }
    return MN_OK;
}

/* Django refuses a TIME_ZONE that the tz database does not have (when there
 * is a tz database at all). */
static int check_time_zone(const mn_settings *s, mn_err *err)
{
    if (!s->TIME_ZONE || !*s->TIME_ZONE)
        return MN_OK;
    mn_err tzerr = { 0 };
    if (mn_tz_get(s->TIME_ZONE, &tzerr))
        return MN_OK;
    const char *dir = getenv("TZDIR");
    if (tzerr.code == MN_ENOTFOUND && access(dir && *dir ? dir : "/usr/share/zoneinfo", F_OK) != 0)
        return MN_OK;
    char buf[80];
    return mn_err_set(err, MN_EINVAL, "TIME_ZONE=%s: Incorrect timezone setting (%s)",
                      shown(s->TIME_ZONE, buf, sizeof buf), tzerr.msg);
}

static int load_database(mn_settings *s, mn_arena *arena, mn_err *err)
{
    s->DATABASE = (mn_db_config){ 0 };
    if (!s->DATABASE_URL || !*s->DATABASE_URL)
        return MN_OK; /* no database (MN_DB_NONE) */
    int rc = mn_dburl_parse(mn_str_from(s->DATABASE_URL), arena, &s->DATABASE, err);
    if (rc != MN_OK)
        return rc;
    s->DATABASE.conn_max_age = s->CONN_MAX_AGE;
    s->DATABASE.no_pipeline = !s->DATABASE_PIPELINE;
    if (s->DATABASE.engine == MN_DB_SQLITE && s->BASE_DIR && *s->BASE_DIR &&
        strcmp(s->DATABASE.name, ":memory:") != 0 && s->DATABASE.name[0] != '/') {
        size_t bl = strlen(s->BASE_DIR);
        const char *sep = s->BASE_DIR[bl - 1] == '/' ? "" : "/";
        s->DATABASE.name = mn_arena_sprintf(arena, "%s%s%s", s->BASE_DIR, sep, s->DATABASE.name);
        if (!s->DATABASE.name)
            return mn_err_set(err, MN_ENOMEM, "DATABASE_URL: out of memory");
    }
    return MN_OK;
}

int mn_settings_load(mn_settings *out, const mn_settings_source *src, mn_arena *arena,
                     mn_err *err)
{
    if (!src || !src->base)
        return mn_err_set(err, MN_EINVAL, "settings: no base settings given");
    mn_settings s = *src->base;
    s.variant = NULL;
    s.production = false;
    s.dotenv = (mn_dotenv){ 0 };
    s.env = src->env;
    s.DATABASE = (mn_db_config){ 0 };

    const char *path = src->env_file;
    if (!path && s.BASE_DIR && *s.BASE_DIR)
        path = mn_arena_sprintf(arena, "%s/.env", s.BASE_DIR);
    if (!path)
        path = ".env";
    if (*path) {
        int rc = mn_dotenv_read(path, arena, &s.dotenv, err);
        if (rc == MN_ENOTFOUND)
            mn_err_clear(err);
        else if (rc != MN_OK)
            return rc;
    }

    const char *variant = lookup(&s, "MANOUCHE_SETTINGS");
    if (!variant || !*variant)
        variant = src->default_variant;
    if (variant && *variant) {
        int rc = apply_variant(&s, src, variant, err);
        if (rc != MN_OK)
            return rc;
    }

    size_t n;
    const mn_setting_desc *t = mn_settings_table(&n);
    for (size_t i = 0; i < n; i++) {
        const char *v = lookup(&s, t[i].name);
        if (!v)
            continue;
        int rc = mn_settings_set_from_str(&s, &t[i], v, arena, err);
        if (rc != MN_OK)
            return rc;
    }
    int rc = validate(&s, err);
    if (rc == MN_OK)
        rc = check_time_zone(&s, err);
    if (rc == MN_OK)
        rc = load_database(&s, arena, err);
    if (rc != MN_OK)
        return rc;
    *out = s;
    return MN_OK;
}

/* ---- current settings ---- */

static _Atomic(const mn_settings *) g_current;

void mn_settings_set_current(const mn_settings *s)
{
    atomic_store_explicit(&g_current, s, memory_order_release);
    /* TIME_ZONE was checked by mn_settings_load; a zone that cannot be
     * loaded (no tz database) leaves the default as it is. */
    mn_tz_set_default(s && s->TIME_ZONE && *s->TIME_ZONE ? s->TIME_ZONE : NULL, NULL);
}

const mn_settings *mn_settings_current(void)
{
    return atomic_load_explicit(&g_current, memory_order_acquire);
}

int mn_settings_override(mn_settings *s, const char *name, const char *value, mn_arena *arena,
                         mn_err *err)
{
    const mn_setting_desc *d = mn_settings_find(name);
    if (!d)
        return mn_err_set(err, MN_ENOTFOUND, "%s: no such setting", name ? name : "(null)");
    int rc = mn_settings_set_from_str(s, d, value, arena, err);
    if (rc != MN_OK)
        return rc;
    if (strcmp(name, "DATABASE_URL") == 0 || strcmp(name, "CONN_MAX_AGE") == 0 ||
        strcmp(name, "BASE_DIR") == 0) {
        if ((rc = load_database(s, arena, err)) != MN_OK)
            return rc;
    }
    if (!mn_signal_has_listeners(&mn_setting_changed, NULL))
        return MN_OK;
    mn_map *kw = mn_map_new(arena, 3);
    if (!kw)
        return mn_err_set(err, MN_ENOMEM, "%s: out of memory", name);
    if (mn_map_set_cstr(kw, "setting", mn_value_cstr(d->name)) != MN_OK ||
        mn_map_set_cstr(kw, "value", mn_value_cstr(mn_arena_strdup(arena, value))) != MN_OK ||
        mn_map_set_cstr(kw, "enter", mn_value_bool(true)) != MN_OK)
        return mn_err_set(err, MN_ENOMEM, "%s: out of memory", name);
    return mn_signal_send(&mn_setting_changed, NULL, kw, arena, NULL, err);
}

/* ---- checks ---- */

typedef struct checker {
    mn_arena *arena;
    mn_check_list *out;
    size_t cap;
    int err;
} checker;

static void add(checker *c, mn_check_level level, const char *id, const char *msg,
                const char *hint)
{
    if (c->err)
        return;
    if (c->out->len == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 8;
        mn_check_message *n = mn_arena_realloc(c->arena, c->out->items,
                                               c->cap * sizeof *n, ncap * sizeof *n);
        if (!n) {
            c->err = MN_ENOMEM;
            return;
        }
        c->out->items = n;
        c->cap = ncap;
    }
    c->out->items[c->out->len++] = (mn_check_message){ level, id, msg, hint };
}

static bool referrer_valid(const char *policy)
{
    static const char *const valid[] = {
        "no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
        "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url", NULL,
    };
    mn_str s = mn_str_from(policy);
    size_t pos = 0;
    mn_str field;
    while (mn_str_next_field(s, ',', &pos, &field)) {
        field = mn_str_trim(field);
        bool ok = false;
        for (const char *const *v = valid; *v; v++)
            ok = ok || mn_str_eq_cstr(field, *v);
        if (!ok)
            return false;
    }
    return true;
}

static bool weak_secret(const char *key)
{
    if (!key)
        return true;
    size_t len = strlen(key);
    bool seen[256] = { false };
    int unique = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)key[i];
        if (!seen[ch]) {
            seen[ch] = true;
            unique++;
        }
    }
    return len < 50 || unique < 5 || strncmp(key, "django-insecure-", 16) == 0 ||
           strncmp(key, "manouche-insecure-", 18) == 0;
}

int mn_settings_check(const mn_settings *s, bool deploy, mn_arena *arena, mn_check_list *out)
{
    *out = (mn_check_list){ 0 };
    checker c = { arena, out, 0, MN_OK };
    deploy = deploy || s->production;

    if (!s->SECRET_KEY || !*s->SECRET_KEY)
        add(&c, MN_CHECK_ERROR, "settings.E001", "The SECRET_KEY setting must not be empty.",
            "Set it in the environment: SECRET_KEY=... (50 or more random characters).");
    if (!s->DEBUG && s->ALLOWED_HOSTS.len == 0 && !deploy)
        add(&c, MN_CHECK_ERROR, "settings.E002",
            "ALLOWED_HOSTS must not be empty when DEBUG is False: every request would be "
            "rejected.",
            "Set ALLOWED_HOSTS, for example ALLOWED_HOSTS=example.com,www.example.com.");
    if (s->SECURE_REFERRER_POLICY && *s->SECURE_REFERRER_POLICY &&
        !referrer_valid(s->SECURE_REFERRER_POLICY))
        add(&c, MN_CHECK_ERROR, "security.E023",
            "You have set the SECURE_REFERRER_POLICY setting to an invalid value.",
            "Valid values are: no-referrer, no-referrer-when-downgrade, origin, "
            "origin-when-cross-origin, same-origin, strict-origin, "
            "strict-origin-when-cross-origin, unsafe-url.");
    if (s->SECURE_PROXY_SSL_HEADER.len != 0 && s->SECURE_PROXY_SSL_HEADER.len != 2)
        add(&c, MN_CHECK_ERROR, "settings.E003",
            "The SECURE_PROXY_SSL_HEADER setting must be empty or a (header, value) pair.",
            "For example SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https.");

    if (deploy) {
        if (s->SECURE_HSTS_SECONDS == 0)
            add(&c, MN_CHECK_WARNING, "security.W004",
                "You have not set a value for the SECURE_HSTS_SECONDS setting. If your entire "
                "site is served only over SSL, you may want to consider setting a value and "
                "enabling HTTP Strict Transport Security. Be sure to read the documentation "
                "first; enabling HSTS carelessly can cause serious, irreversible problems.",
                NULL);
        if (s->SECURE_HSTS_SECONDS > 0 && !s->SECURE_HSTS_INCLUDE_SUBDOMAINS)
            add(&c, MN_CHECK_WARNING, "security.W005",
                "You have not set the SECURE_HSTS_INCLUDE_SUBDOMAINS setting to True. Without "
                "this, your site is potentially vulnerable to attack via an insecure connection "
                "to a subdomain. Only set this to True if you are certain that all subdomains of "
                "your domain should be served exclusively via SSL.",
                NULL);
        if (!s->SECURE_CONTENT_TYPE_NOSNIFF)
            add(&c, MN_CHECK_WARNING, "security.W006",
                "Your SECURE_CONTENT_TYPE_NOSNIFF setting is not set to True, so your pages "
                "will not be served with an 'X-Content-Type-Options: nosniff' header. You should "
                "consider enabling this header to prevent the browser from identifying content "
                "types incorrectly.",
                NULL);
        if (!s->SECURE_SSL_REDIRECT)
            add(&c, MN_CHECK_WARNING, "security.W008",
                "Your SECURE_SSL_REDIRECT setting is not set to True. Unless your site should "
                "be available over both SSL and non-SSL connections, you may want to either set "
                "this setting True or configure a load balancer or reverse-proxy server to "
                "redirect all connections to HTTPS.",
                NULL);
        if (s->SECRET_KEY && *s->SECRET_KEY && weak_secret(s->SECRET_KEY))
            add(&c, MN_CHECK_WARNING, "security.W009",
                "Your SECRET_KEY has less than 50 characters, less than 5 unique characters, or "
                "it's prefixed with 'django-insecure-' or 'manouche-insecure-' indicating that "
                "it was generated automatically. Please generate a long and random SECRET_KEY, "
                "otherwise many of the security-critical features will be vulnerable to attack.",
                NULL);
        if (!s->SESSION_COOKIE_SECURE)
            add(&c, MN_CHECK_WARNING, "security.W012",
                "SESSION_COOKIE_SECURE is not set to True. Using a secure-only session cookie "
                "makes it more difficult for network traffic sniffers to hijack user sessions.",
                NULL);
        if (!s->SESSION_COOKIE_HTTPONLY)
            add(&c, MN_CHECK_WARNING, "security.W015",
                "SESSION_COOKIE_HTTPONLY is not set to True. Using an HttpOnly session cookie "
                "makes it more difficult for cross-site scripting attacks to hijack user "
                "sessions.",
                NULL);
        if (!s->CSRF_USE_SESSIONS && !s->CSRF_COOKIE_SECURE)
            add(&c, MN_CHECK_WARNING, "security.W016",
                "You have not set CSRF_COOKIE_SECURE to True. Using a secure-only CSRF cookie "
                "makes it more difficult for network traffic sniffers to steal the CSRF token.",
                NULL);
        if (s->DEBUG)
            add(&c, MN_CHECK_WARNING, "security.W018",
                "You should not have DEBUG set to True in deployment.", NULL);
        if (!s->X_FRAME_OPTIONS || strcmp(s->X_FRAME_OPTIONS, "DENY") != 0)
            add(&c, MN_CHECK_WARNING, "security.W019",
                "X_FRAME_OPTIONS is not set to 'DENY'. Unless there is a good reason for your "
                "site to serve other parts of itself in a frame, you should change it to "
                "'DENY'.",
                NULL);
        if (s->ALLOWED_HOSTS.len == 0)
            add(&c, MN_CHECK_WARNING, "security.W020",
                "ALLOWED_HOSTS must not be empty in deployment.", NULL);
        if (s->SECURE_HSTS_SECONDS > 0 && !s->SECURE_HSTS_PRELOAD)
            add(&c, MN_CHECK_WARNING, "security.W021",
                "You have not set the SECURE_HSTS_PRELOAD setting to True. Without this, your "
                "site cannot be submitted to the browser preload list.",
                NULL);
        if (!s->SECURE_REFERRER_POLICY || !*s->SECURE_REFERRER_POLICY)
            add(&c, MN_CHECK_WARNING, "security.W022",
                "You have not set the SECURE_REFERRER_POLICY setting. Without this, your site "
                "will not send a Referrer-Policy header. You should consider enabling this "
                "header to protect user privacy.",
                NULL);
    }
    return c.err;
}

int mn_check_message_format(const mn_check_message *m, mn_buf *b)
{
    mn_buf_printf(b, "?: (%s) %s", m->id, m->msg);
    if (m->hint)
        mn_buf_printf(b, "\n\tHINT: %s", m->hint);
    return mn_buf_error(b);
}

/* ---- logging ---- */

int mn_settings_configure_logging(const mn_settings *s, mn_err *err)
{
    mn_log_level root = MN_LOG_INFO;
    if (s->LOG_LEVEL && mn_log_level_parse(s->LOG_LEVEL, &root) != MN_OK)
        return mn_err_set(err, MN_EINVAL, "LOG_LEVEL=%s: unknown level", s->LOG_LEVEL);
    int rc = mn_log_set_level(NULL, root);
    for (size_t i = 0; rc == MN_OK && i < s->LOG_LEVELS.len; i++) {
        char name[256];
        mn_log_level lvl;
        if (!parse_level_item(s->LOG_LEVELS.items[i], name, sizeof name, &lvl))
            return mn_err_set(err, MN_EINVAL, "LOG_LEVELS: '%s': expected logger=LEVEL",
                              s->LOG_LEVELS.items[i]);
        rc = mn_log_set_level(name, lvl);
    }
    if (rc != MN_OK)
        return mn_err_set(err, rc, "logging: %s", mn_strerror(rc));
    if (s->LOG_FILE && *s->LOG_FILE)
        return mn_log_open_file(s->LOG_FILE, err);
    return MN_OK;
}
