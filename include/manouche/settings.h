/* Manouche: settings, Django's settings.py as a typed C struct.
 *
 * A project writes its settings once, with designated initializers, on top of
 * Django's defaults (a misspelt setting is a compile error):
 *
 *     MN_SETTINGS_DEFINE(base_settings,
 *         .SECRET_KEY = "dev-only-key",
 *         .ALLOWED_HOSTS = MN_STRLIST("localhost", "127.0.0.1"),
 *         .DATABASE_URL = "sqlite:///db.sqlite3",
 *     );
 *
 * At startup mn_settings_load copies the base, applies the variant named by
 * MANOUCHE_SETTINGS (Django's DJANGO_SETTINGS_MODULE: development, production,
 * ...), then overrides every setting from the environment variable of the same
 * name or from an optional .env file (a real environment variable wins), and
 * parses DATABASE_URL into DATABASE. Parsing is strict: a bad value stops the
 * program with an error naming the variable.
 *
 * Loaded settings are read-only while the server runs; they may be read from
 * any thread without locking. */
#ifndef MANOUCHE_SETTINGS_H
#define MANOUCHE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/error.h"
#include "manouche/str.h"

/* ---- string lists (ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS) ---- */

typedef struct mn_strlist {
    const char *const *items;
    size_t len;
} mn_strlist;

/* A list for an initializer: .ALLOWED_HOSTS = MN_STRLIST("a.com", "b.com").
 * At file scope the items have static storage. Inside a function the compound
 * literal dies with the block: use MN_STRLIST_OF on a static array there. */
#define MN_STRLIST(...)                                                                          \
    { (const char *const[]){ __VA_ARGS__ },                                                      \
      sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *) }
/* A list over an array: static const char *const hosts[] = {...};
 * s->ALLOWED_HOSTS = MN_STRLIST_OF(hosts); */
#define MN_STRLIST_OF(array) ((mn_strlist){ (array), sizeof(array) / sizeof((array)[0]) })

/* True when list holds s (byte equality). */
bool mn_strlist_has(mn_strlist list, const char *s);

/* ---- database configuration (DATABASES['default']) ---- */

typedef enum mn_db_engine {
    MN_DB_NONE = 0,
    MN_DB_SQLITE,
    MN_DB_POSTGRES
} mn_db_engine;

typedef struct mn_db_option {
    const char *key;   /* "sslmode" */
    const char *value; /* "require" */
} mn_db_option;

/* Limits of DATABASE_URL parsing. */
#define MN_DBURL_MAX_LEN 4096
#define MN_DBURL_MAX_OPTIONS 32

typedef struct mn_db_config {
    mn_db_engine engine;
    /* SQLite: the file path as written (relative to the working directory,
     * or absolute) or ":memory:". PostgreSQL: the database name. */
    const char *name;
    const char *user;     /* NULL when absent; percent-decoded */
    const char *password; /* NULL when absent; percent-decoded */
    const char *host;     /* NULL when absent; brackets of IPv6 removed; may be a socket directory */
    int port;             /* 0: the engine's default */
    const mn_db_option *options; /* query string (?sslmode=require&...) in order */
    size_t n_options;
    int64_t conn_max_age; /* seconds; 0 closes after each request; -1 unlimited */
    bool no_pipeline;     /* DATABASE_PIPELINE = false: no libpq pipeline on server fibers */
} mn_db_config;

/* Parses a database URL into out; strings live in arena.
 *   sqlite:///db.sqlite3       relative path "db.sqlite3"
 *   sqlite:////abs/path.db     absolute path "/abs/path.db"
 *   sqlite://:memory:          (also sqlite:// and sqlite:///:memory:) in memory
 *   postgres://user:pass@host:5432/db?sslmode=require   (postgresql:// too)
 * User, password, host, name and options are percent-decoded. Returns MN_OK,
 * MN_EPARSE (malformed: the message says what, and never contains the
 * password), MN_EINVAL (unsupported scheme), MN_ELIMIT (longer than
 * MN_DBURL_MAX_LEN or too many options) or MN_ENOMEM. conn_max_age is set to
 * 0. Thread-safe. */
int mn_dburl_parse(mn_str url, mn_arena *arena, mn_db_config *out, mn_err *err);

/* The value of option key, or NULL. */
const char *mn_db_config_option(const mn_db_config *db, const char *key);

/* ---- .env files ---- */

typedef struct mn_dotenv_entry {
    mn_str key;
    mn_str value;  /* unquoted and unescaped; NUL-terminated in the arena */
    size_t line;   /* 1-based line of the key */
} mn_dotenv_entry;

typedef struct mn_dotenv {
    mn_dotenv_entry *entries; /* in file order; a repeated key keeps its last value */
    size_t len;
} mn_dotenv;

/* Limits of .env parsing. */
#define MN_DOTENV_MAX_SIZE ((size_t)1 << 20)
#define MN_DOTENV_MAX_ENTRIES 4096
#define MN_DOTENV_MAX_KEY 256

/* Parses .env text: KEY=VALUE lines, blank lines, # comments (whole line, or
 * after whitespace following an unquoted value), an optional `export ` prefix,
 * 'single-quoted' values taken literally, "double-quoted" values with the
 * escapes \\ \" \' \$ \n \r \t, quoted values spanning lines. No shell
 * expansion: $HOME stays "$HOME". Keys are [A-Za-z_][A-Za-z0-9_]*.
 * Results live in arena. Returns MN_OK, MN_EPARSE (message "line N: ...";
 * values are never echoed, they may be secrets), MN_ELIMIT (text over
 * MN_DOTENV_MAX_SIZE, too many entries) or MN_ENOMEM. Thread-safe. */
int mn_dotenv_parse(mn_str text, mn_arena *arena, mn_dotenv *out, mn_err *err);

/* Reads and parses the file at path. Returns MN_ENOTFOUND when it does not
 * exist (out is then empty), MN_EIO when it cannot be read, or the errors of
 * mn_dotenv_parse with the path prefixed to the message. */
int mn_dotenv_read(const char *path, mn_arena *arena, mn_dotenv *out, mn_err *err);

/* The value of key (the last one in the file), or NULL. */
const char *mn_dotenv_get(const mn_dotenv *env, mn_str key);

/* ---- the settings ---- */

typedef struct mn_settings {
    /* Core */
    bool DEBUG;                 /* False */
    const char *SECRET_KEY;     /* "" (must be set) */
    mn_strlist ALLOWED_HOSTS;   /* [] */
    const char *BASE_DIR;       /* NULL: the working directory */
    const char *TIME_ZONE;      /* "America/Chicago"; checked against the tz database */
    bool USE_TZ;                /* True (Django 5's default and startproject's) */
    const char *LANGUAGE_CODE;  /* "en-us" */
    bool USE_I18N;              /* True */
    const char *DEFAULT_CHARSET; /* "utf-8" */

    /* Services */
    const char *DATABASE_URL;   /* "sqlite:///db.sqlite3"; parsed into DATABASE */
    int64_t CONN_MAX_AGE;       /* 0 (seconds; -1 keeps connections forever) */
    bool DATABASE_PIPELINE;     /* True: PostgreSQL queries of concurrent requests share a pipeline */
    int64_t FIBER_STACK_SIZE;   /* 0: 512 KiB stack per request fiber of the server */
    const char *REDIS_URL;      /* NULL */
    const char *CACHE_URL;      /* "locmem://" */
    const char *EMAIL_URL;      /* "smtp://localhost:25" */
    const char *DEFAULT_FROM_EMAIL; /* "webmaster@localhost" */
    const char *SERVER_EMAIL;   /* "root@localhost" */

    /* Static and media files */
    const char *STATIC_URL;     /* "/static/" */
    const char *STATIC_ROOT;    /* NULL */
    const char *MEDIA_URL;      /* "/media/" */
    const char *MEDIA_ROOT;     /* NULL */
    mn_strlist FIXTURE_DIRS;    /* []: directories loaddata searches after the apps' fixtures/ */

    /* URLs and requests */
    bool APPEND_SLASH;          /* True */
    bool PREPEND_WWW;           /* False */
    int64_t DATA_UPLOAD_MAX_MEMORY_SIZE;   /* 2621440 (2.5 MiB); -1: no limit */
    int64_t DATA_UPLOAD_MAX_NUMBER_FIELDS; /* 1000; -1: no limit */
    int64_t FILE_UPLOAD_MAX_MEMORY_SIZE;   /* 2621440 */
    bool USE_X_FORWARDED_HOST;  /* False */
    bool USE_X_FORWARDED_PORT;  /* False */

    /* Security */
    bool SECURE_SSL_REDIRECT;            /* False */
    const char *SECURE_SSL_HOST;         /* NULL */
    int64_t SECURE_HSTS_SECONDS;         /* 0 */
    bool SECURE_HSTS_INCLUDE_SUBDOMAINS; /* False */
    bool SECURE_HSTS_PRELOAD;            /* False */
    bool SECURE_CONTENT_TYPE_NOSNIFF;    /* True */
    bool SECURE_BROWSER_XSS_FILTER;      /* False (obsolete header, kept for the guide) */
    const char *SECURE_REFERRER_POLICY;  /* "same-origin"; comma-separated policies allowed */
    /* [META name, value], e.g. MN_STRLIST("HTTP_X_FORWARDED_PROTO", "https");
     * empty by default. From the environment: "HTTP_X_FORWARDED_PROTO,https". */
    mn_strlist SECURE_PROXY_SSL_HEADER;
    const char *SECURE_CROSS_ORIGIN_OPENER_POLICY; /* "same-origin" */
    const char *X_FRAME_OPTIONS;         /* "DENY" (or "SAMEORIGIN") */

    /* Sessions */
    const char *SESSION_COOKIE_NAME;     /* "sessionid" */
    int64_t SESSION_COOKIE_AGE;          /* 1209600 (two weeks) */
    const char *SESSION_COOKIE_DOMAIN;   /* NULL */
    const char *SESSION_COOKIE_PATH;     /* "/" */
    bool SESSION_COOKIE_SECURE;          /* False */
    bool SESSION_COOKIE_HTTPONLY;        /* True */
    const char *SESSION_COOKIE_SAMESITE; /* "Lax" ("Strict", "None", or "" for no attribute) */
    bool SESSION_EXPIRE_AT_BROWSER_CLOSE; /* False */
    bool SESSION_SAVE_EVERY_REQUEST;     /* False */

    /* CSRF */
    const char *CSRF_COOKIE_NAME;        /* "csrftoken" */
    int64_t CSRF_COOKIE_AGE;             /* 31449600 (a year) */
    const char *CSRF_COOKIE_DOMAIN;      /* NULL */
    const char *CSRF_COOKIE_PATH;        /* "/" */
    bool CSRF_COOKIE_SECURE;             /* False */
    bool CSRF_COOKIE_HTTPONLY;           /* False */
    const char *CSRF_COOKIE_SAMESITE;    /* "Lax" */
    const char *CSRF_HEADER_NAME;        /* "HTTP_X_CSRFTOKEN" */
    mn_strlist CSRF_TRUSTED_ORIGINS;     /* [] */
    bool CSRF_USE_SESSIONS;              /* False */

    /* Authentication */
    const char *LOGIN_URL;               /* "/accounts/login/" */
    const char *LOGIN_REDIRECT_URL;      /* "/accounts/profile/" */
    const char *LOGOUT_REDIRECT_URL;     /* NULL */

    /* Logging (Django's LOGGING, reduced to what a deployment changes) */
    const char *LOG_LEVEL;      /* "INFO": the root minimum level */
    /* Per-logger levels, "manouche.db=DEBUG,manouche.request=WARNING". */
    mn_strlist LOG_LEVELS;
    const char *LOG_FILE;       /* NULL: standard error */

    /* N+1 query detection (DEBUG and the test client; docs/performance.md) */
    int64_t NPLUS1_THRESHOLD;   /* 0: 5 runs of one SELECT shape in a request; -1: off */
    bool NPLUS1_RAISE;          /* False: log a warning; True: the request fails (a 500) */

    /* ---- filled by mn_settings_load (do not initialise) ---- */
    mn_db_config DATABASE;      /* DATABASE_URL parsed, with CONN_MAX_AGE */
    const char *variant;        /* the variant applied, or NULL */
    bool production;            /* the variant is marked production */
    mn_dotenv dotenv;           /* the .env entries read, for mn_settings_getenv */
    const char *const *env;     /* the environment given to mn_settings_load, or NULL */
} mn_settings;

/* Django's defaults, as designated initializers. */
#define MN_SETTINGS_DEFAULTS                                                                     \
    .SECRET_KEY = "", .TIME_ZONE = "America/Chicago", .USE_TZ = true, .LANGUAGE_CODE = "en-us", \
    .USE_I18N = true, .DEFAULT_CHARSET = "utf-8", .DATABASE_URL = "sqlite:///db.sqlite3",        \
    .DATABASE_PIPELINE = true,                                                                   \
    .CACHE_URL = "locmem://", .EMAIL_URL = "smtp://localhost:25",                                \
    .DEFAULT_FROM_EMAIL = "webmaster@localhost", .SERVER_EMAIL = "root@localhost",              \
    .STATIC_URL = "/static/", .MEDIA_URL = "/media/", .APPEND_SLASH = true,                      \
    .DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440, .DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000,               \
    .FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440, .SECURE_CONTENT_TYPE_NOSNIFF = true,                 \
    .SECURE_REFERRER_POLICY = "same-origin", .SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin", \
    .X_FRAME_OPTIONS = "DENY", .SESSION_COOKIE_NAME = "sessionid",                               \
    .SESSION_COOKIE_AGE = 1209600, .SESSION_COOKIE_PATH = "/", .SESSION_COOKIE_HTTPONLY = true,  \
    .SESSION_COOKIE_SAMESITE = "Lax", .CSRF_COOKIE_NAME = "csrftoken",                           \
    .CSRF_COOKIE_AGE = 31449600, .CSRF_COOKIE_PATH = "/", .CSRF_COOKIE_SAMESITE = "Lax",         \
    .CSRF_HEADER_NAME = "HTTP_X_CSRFTOKEN", .LOGIN_URL = "/accounts/login/",                     \
    .LOGIN_REDIRECT_URL = "/accounts/profile/", .LOG_LEVEL = "INFO"

#if defined(__GNUC__) || defined(__clang__)
#define MN__SETTINGS_PUSH                                                                        \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Woverride-init\"")
#define MN__SETTINGS_POP _Pragma("GCC diagnostic pop")
#else
#define MN__SETTINGS_PUSH
#define MN__SETTINGS_POP
#endif

/* Defines `static const mn_settings name` holding Django's defaults with the
 * given designated initializers on top (later initializers override the
 * defaults; the compiler's override warning is silenced for this
 * declaration only). Use it at file scope: MN_STRLIST needs static storage. */
#define MN_SETTINGS_DEFINE(name, ...)                                                            \
    MN__SETTINGS_PUSH static const mn_settings name = { MN_SETTINGS_DEFAULTS, __VA_ARGS__ };    \
    MN__SETTINGS_POP

/* Django's defaults as a value (for code that fills settings at run time). */
mn_settings mn_settings_defaults(void);

/* ---- the setting table ---- */

typedef enum mn_setting_type {
    MN_SETTING_BOOL,   /* bool: True/False/true/false/1/0/yes/no/on/off */
    MN_SETTING_INT,    /* int64_t: a base-10 integer */
    MN_SETTING_SIZE,   /* int64_t: bytes, optional unit B, KB, MB, GB (x1000), KiB, MiB, GiB (x1024) */
    MN_SETTING_STR,    /* const char * */
    MN_SETTING_LIST,   /* mn_strlist: comma-separated, items trimmed, empty items dropped */
    MN_SETTING_CHOICE  /* const char * restricted to the descriptor's choices */
} mn_setting_type;

typedef struct mn_setting_desc {
    const char *name;         /* "DEBUG": the member and the environment variable */
    mn_setting_type type;
    size_t offset;            /* offsetof(mn_settings, DEBUG) */
    const char *const *choices; /* MN_SETTING_CHOICE: NULL-terminated allowed values */
    int64_t min;              /* INT and SIZE: smallest value allowed */
} mn_setting_desc;

/* The table of every setting, in struct order; *n receives its length. */
const mn_setting_desc *mn_settings_table(size_t *n);
/* The descriptor of name, or NULL. */
const mn_setting_desc *mn_settings_find(const char *name);

/* Parses value for the setting desc and stores it in s (strings and lists are
 * copied into arena). Returns MN_OK, or MN_EINVAL with a message naming the
 * variable and value: "DEBUG=maybe: expected a boolean
 * (true/false/1/0/yes/no/on/off)". Not thread-safe on s. */
int mn_settings_set_from_str(mn_settings *s, const mn_setting_desc *desc, const char *value,
                             mn_arena *arena, mn_err *err);

/* Parses a boolean the way settings do. Returns MN_OK or MN_EINVAL. */
int mn_settings_parse_bool(const char *value, bool *out);
/* Parses a size ("2621440", "5MB", "2MiB"). Returns MN_OK, MN_EINVAL or MN_ERANGE. */
int mn_settings_parse_size(const char *value, int64_t *out);

/* Appends the value of setting d in s as Python's repr shows it: True,
 * 2621440, 'DENY', ['a.com', 'b.com'], None. With cleanse (error pages),
 * settings whose name contains API, TOKEN, KEY, SECRET, PASS or SIGNATURE
 * become '********************' as in Django, and so does the password inside
 * a URL setting. Returns the buffer's error. */
int mn_settings_format_value(const mn_settings *s, const mn_setting_desc *d, bool cleanse,
                             mn_buf *b);

/* manage diffsettings: appends "NAME = value" lines, sorted by name, for the
 * settings of s that differ from Django's defaults; with all, the others too,
 * prefixed "### ". Returns the buffer's error. */
int mn_settings_diff(const mn_settings *s, bool all, mn_buf *out);

/* ---- variants and loading ---- */

/* A named settings variant (settings/development.py, settings/production.py):
 * apply adjusts a copy of the base settings. Values it stores must outlive
 * the settings (literals, static arrays). */
typedef struct mn_settings_variant {
    const char *name;
    void (*apply)(mn_settings *s);
    bool production; /* deployment checks apply (manage check --deploy) */
} mn_settings_variant;

typedef struct mn_settings_source {
    const mn_settings *base;                /* required */
    const mn_settings_variant *variants;    /* may be NULL */
    size_t n_variants;
    /* Variant used when MANOUCHE_SETTINGS is unset; NULL: the base alone. */
    const char *default_variant;
    /* .env path; NULL: ".env" in the base's BASE_DIR, or in the working
     * directory without one; "": none. A missing file is not an error. */
    const char *env_file;
    /* "NAME=VALUE" strings ending with NULL, in place of the process
     * environment (tests); NULL: the process environment. */
    const char *const *env;
} mn_settings_source;

/* Loads the settings into *out: base, then the variant, then the .env file and
 * environment overrides, then DATABASE_URL into DATABASE. Everything it
 * allocates lives in arena (use the process arena). Returns MN_OK or an
 * error whose message names the culprit: "DEBUG=maybe: expected a boolean
 * ...", "MANOUCHE_SETTINGS=stage: unknown settings variant (known:
 * development, production)", ".env: line 3: ...", "DATABASE_URL: ...".
 * Call once at startup, before threads. */
int mn_settings_load(mn_settings *out, const mn_settings_source *src, mn_arena *arena,
                     mn_err *err);

/* A variable of the environment that mn_settings_load saw, falling back to
 * the .env file it read (like python-decouple's config()). NULL when absent.
 * The result lives as long as the environment and the settings arena. */
const char *mn_settings_getenv(const mn_settings *s, const char *name);

/* ---- the current settings ---- */

/* Publishes s as the process's settings (django.conf.settings) and makes
 * its TIME_ZONE the default zone (mn_tz_set_default). s must stay valid and
 * unchanged while in use. Call at startup. */
void mn_settings_set_current(const mn_settings *s);
/* The published settings; NULL before mn_settings_set_current. Thread-safe. */
const mn_settings *mn_settings_current(void);

/* Sets one setting from a string like mn_settings_set_from_str, then sends
 * mn_setting_changed with {"setting": name, "value": value, "enter": true}
 * (Django's override_settings, for tests). Not thread-safe on s. */
int mn_settings_override(mn_settings *s, const char *name, const char *value, mn_arena *arena,
                         mn_err *err);

/* ---- checks (manage check) ---- */

typedef enum mn_check_level {
    MN_CHECK_DEBUG = 10,
    MN_CHECK_INFO = 20,
    MN_CHECK_WARNING = 30,
    MN_CHECK_ERROR = 40,
    MN_CHECK_CRITICAL = 50
} mn_check_level;

typedef struct mn_check_message {
    mn_check_level level;
    const char *id;   /* "security.W018" */
    const char *msg;
    const char *hint; /* may be NULL */
} mn_check_message;

typedef struct mn_check_list {
    mn_check_message *items;
    size_t len;
} mn_check_list;

/* Checks s for unsafe combinations and returns them in *out (arena memory),
 * with Django's ids and messages where Django has them. Always reported:
 * settings.E001 empty SECRET_KEY, settings.E002 ALLOWED_HOSTS empty with DEBUG
 * off, security.E023 invalid SECURE_REFERRER_POLICY, settings.E003 invalid
 * SECURE_PROXY_SSL_HEADER. With deploy (or a production variant):
 * security.W004, W005, W006, W008, W009, W012, W015, W016, W018, W020, W021,
 * W022. Returns MN_OK or MN_ENOMEM. */
int mn_settings_check(const mn_settings *s, bool deploy, mn_arena *arena, mn_check_list *out);

/* Formats a message as Django prints it: "?: (security.W018) You should not
 * ...\n\tHINT: ..." into b. Returns the buffer's error. */
int mn_check_message_format(const mn_check_message *m, mn_buf *b);

/* Applies LOG_LEVEL, LOG_LEVELS and LOG_FILE to the logging system
 * (mn_log_*). Returns MN_OK, MN_EINVAL (a bad level name) or MN_EIO (the log
 * file cannot be opened). Call at startup. */
int mn_settings_configure_logging(const mn_settings *s, mn_err *err);

#endif
