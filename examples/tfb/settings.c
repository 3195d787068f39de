/* settings.py and the root URL configuration of the benchmark project.
 * DATABASE_URL (sqlite:///... or postgres://...) selects the database. */
#include "tfb.h"

MN_SETTINGS_DEFINE(base,
    .BASE_DIR = TFB_SOURCE_DIR,
    .DEBUG = false,
    /* Only for the benchmark: a deployment gives its own in the environment. */
    .SECRET_KEY = "tfb-benchmark-only-0c4f9d2e7b1a5f3e8d6c9b2a1f0e7d4c3b2a19f8e7d6",
    .ALLOWED_HOSTS = MN_STRLIST("*"),
    .DATABASE_URL = "sqlite:///tfb.sqlite3",
    /* Persistent per-thread connections, as a production site runs. */
    .CONN_MAX_AGE = -1,
    .TIME_ZONE = "UTC",
    .LOG_LEVEL = "WARNING",
    /* /cached-queries: a per-process local-memory cache large enough for
     * every CachedWorld, entries kept without expiry. */
    .CACHE_URL = "locmem://tfb-worlds?max_entries=20000&timeout=none",
);

static const mn_app *const installed_apps[] = { &world_app, NULL };

const mn_project tfb_project = {
    .name = "tfb",
    .apps = installed_apps,
    /* ROOT_URLCONF is the app's own urls: six routes need no include(). */
    .urlconf = &world_urls,
    .settings = { .base = &base, .env_file = "" },
};
