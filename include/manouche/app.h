/* Manouche: apps, projects, the request handler and ./manage.
 *
 * An app is one static descriptor (Django's AppConfig plus what lives in the
 * app's package); a project lists its apps (INSTALLED_APPS), its root URL
 * configuration, its middleware and its settings. The project's main is one
 * line:
 *
 *     int main(int argc, char **argv) { return mn_manage_main(&shop_project, argc, argv); }
 *
 * and ./manage then runs `runserver`, `check`, `diffsettings`, `help` and
 * every command the apps declare. */
#ifndef MANOUCHE_APP_H
#define MANOUCHE_APP_H

#include <stdbool.h>
#include "manouche/command.h"
#include "manouche/error.h"
#include "manouche/http.h"
#include "manouche/middleware.h"
#include "manouche/settings.h"
#include "manouche/template.h"
#include "manouche/urls.h"

typedef struct mn_app mn_app;

struct mn_app {
    const char *name;  /* "shop.products": the dotted name */
    const char *label; /* "products": unique among the project's apps */
    /* The app's URL patterns (its urls.py); the project includes them from
     * its root configuration with MN_INCLUDE. May be NULL. */
    const mn_urlconf *urls;
    const mn_command *const *commands; /* NULL-terminated; may be NULL */
    /* Directories relative to the settings' BASE_DIR (or absolute):
     * "products/templates", "products/static". May be NULL. */
    const char *templates_dir;
    const char *static_dir;
    /* AppConfig.ready(): connect signal receivers, mark views. Runs once in
     * mn_manage_main after the settings are loaded, in INSTALLED_APPS order.
     * Returns MN_OK or an error with a message (the program stops). */
    int (*ready)(const mn_app *app, mn_err *err);
    /* The app's model descriptors (NULL-terminated; may be NULL): what
     * migrations, dumpdata/loaddata and flush work on. */
    struct mn_model *const *models;
    /* The app's migrations directory, relative to BASE_DIR (or absolute);
     * NULL: "<label>/migrations". */
    const char *migrations_dir;
};

/* handler404 / handler500: error views. message is Django's exception text
 * (the path that did not resolve, or the view's failure message). */
typedef mn_response *(*mn_error_view_fn)(mn_request *req, const char *message);

typedef struct mn_project {
    const char *name;                 /* "shop" */
    const mn_app *const *apps;        /* INSTALLED_APPS, NULL-terminated */
    const mn_urlconf *urlconf;        /* ROOT_URLCONF */
    const char *urlconf_name;         /* shown on the DEBUG 404 page; NULL: "<name>.urls" */
    const mn_middleware *const *middleware; /* MIDDLEWARE in order, NULL-terminated */
    mn_settings_source settings;      /* base settings, variants, .env */
    mn_error_view_fn handler404;      /* NULL: Django's page (DEBUG: the technical 404) */
    mn_error_view_fn handler500;      /* NULL: Django's page (DEBUG: the technical 500) */
    /* runserver's autoreload: the command that rebuilds ./manage (run by
     * /bin/sh in BASE_DIR; NULL: "make"; the MANOUCHE_BUILD_COMMAND
     * environment variable overrides it) and the directories watched
     * recursively (NULL-terminated, relative to BASE_DIR; NULL: BASE_DIR). */
    const char *build_command;
    const char *const *watch_dirs;
    /* TEMPLATES' DIRS: directories searched before the apps' templates_dir
     * (NULL-terminated, relative to BASE_DIR; may be NULL). */
    const char *const *template_dirs;
} mn_project;

/* ---- the request handler ---- */

/* A compiled project: resolver, middleware and settings, shared read-only
 * by every server thread. */
typedef struct mn_site mn_site;

typedef struct mn_site_config {
    const mn_settings *settings;            /* required; must outlive the site */
    const mn_urlconf *urlconf;              /* required */
    const char *urlconf_name;               /* for the DEBUG 404 page; NULL: "urls" */
    const mn_middleware *const *middleware; /* NULL-terminated; NULL: none */
    mn_error_view_fn handler404, handler500;
    /* Serve STATIC_URL from these directories (then STATIC_ROOT) and
     * MEDIA_URL from MEDIA_ROOT, as Django's runserver does in DEBUG.
     * static_dirs is NULL-terminated and may be NULL. */
    bool serve_static;
    const char *const *static_dirs;
    /* The template engine of mn_render (template.h); NULL: rendering fails
     * with a clear message. Borrowed. */
    mn_template_engine *templates;
} mn_site_config;

/* Compiles the URL configuration and keeps the rest of c (borrowed: it must
 * outlive the site). Returns NULL with the resolver's message in err.
 * Call at startup; free with mn_site_free. */
mn_site *mn_site_new(const mn_site_config *c, mn_err *err);
void mn_site_free(mn_site *site);
const mn_resolver *mn_site_resolver(const mn_site *site);

/* Handles one request through the whole path: request_started, the
 * middleware chain, static files, the resolver (APPEND_SLASH is the
 * CommonMiddleware's), process_view, the view, process_exception, deferred
 * rendering, 404/500 handling with DEBUG pages, and request_finished when
 * the request's arena is released (after the response was sent). Returns
 * NULL only when out of memory. Thread-safe: one site serves every thread. */
mn_response *mn_site_handle(mn_site *site, mn_request *req);
/* mn_site_handle as the server's mn_handler (ctx is the site). */
mn_response *mn_site_server_handler(mn_request *req, void *ctx);

/* ---- checks ---- */

/* Django's URL checks over a configuration: urls.W002 (route beginning
 * with '/'), 2_0.W001 (path() with '(?P<', '^' or '$'), urls.W003 (name
 * with ':'), urls.W005 (namespace not unique), urls.E004-like errors when a
 * pattern does not compile. Appends to out (arena memory). Returns MN_OK or
 * MN_ENOMEM. */
int mn_urls_check(const mn_urlconf *root, const mn_settings *s, mn_arena *arena,
                  mn_check_list *out);
/* Every check of a project: settings (mn_settings_check), URLs, and app
 * labels (manouche.E001 duplicate label). */
int mn_project_check(const mn_project *p, const mn_settings *s, bool deploy, mn_arena *arena,
                     mn_check_list *out);
/* Prints checks like Django's `manage check` into b: "System check
 * identified no issues (0 silenced).", or the issues grouped by level and
 * the count. Returns true when an issue is an error (exit status 1). */
bool mn_check_report(const mn_check_list *list, mn_buf *b);

/* ---- ./manage ---- */

/* The project's main: loads the settings (MANOUCHE_SETTINGS variant, .env,
 * environment), configures logging, runs the apps' ready hooks, compiles the
 * URL configuration, sets up the template engine (template_dirs, then each
 * app's templates_dir; {% url %} reverses with the project's resolver;
 * templates are re-read on every render in DEBUG), and dispatches argv to the built-in commands
 * (runserver, check, collectstatic, diffsettings, help) and the apps' commands. Returns the
 * exit status. */
int mn_manage_main(const mn_project *p, int argc, char **argv);

/* The project and settings mn_manage_main loaded (for commands); NULL
 * before. */
const mn_project *mn_manage_project(void);
const mn_settings *mn_manage_settings(void);
mn_site *mn_manage_site(void);

#endif
