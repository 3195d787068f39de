/* Logging: the guide's RequestLoggingMiddleware lines and the
 * 'django.db.backends' DEBUG logger, in logfmt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <manouche.h>

/* Checks what the example shows (also in release builds, unlike assert). */
#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

/* logger = logging.getLogger(__name__) */
static mn_logger logger = MN_LOGGER_INIT("shop.middleware");
static mn_logger db_log = MN_LOGGER_INIT("manouche.db.backends");

static char lines[8][512];
static int n_lines;

/* A capture hook, as a test would install it. */
static void capture(void *ctx, const mn_log_record *rec)
{
    fwrite(rec->line.ptr, 1, rec->line.len, stdout);
    /* Keep the line without its time= field, which changes every run. */
    const char *after_time = memchr(rec->line.ptr, ' ', rec->line.len) + 1;
    size_t len = rec->line.len - (size_t)(after_time - rec->line.ptr) - 1;
    snprintf(lines[n_lines++], sizeof lines[0], "%.*s", (int)len, after_time);
}

int main(void)
{
    mn_arena *arena = mn_arena_new("settings", 0);
    mn_err err = { 0 };
    MN_SETTINGS_DEFINE(base, .SECRET_KEY = "example", .LOG_LEVEL = "INFO");
    const char *env[] = { "LOG_LEVELS=manouche.db.backends=DEBUG", NULL };
    mn_settings_source src = { .base = &base, .env_file = "", .env = env };
    mn_settings settings;
    CHECK(mn_settings_load(&settings, &src, arena, &err) == MN_OK);
    CHECK(mn_settings_configure_logging(&settings, &err) == MN_OK);
    mn_log_set_capture(capture, NULL);

    /* logger.info(f"{request.method} {request.path}") */
    mn_log_info(&logger, "request", MN_LOG_STR("method", "GET"), MN_LOG_STR("path", "/products/"));
    /* logger.info(f"Response {response.status_code} - {duration:.2f}s") */
    mn_log_info(&logger, "response", MN_LOG_INT("status", 200), MN_LOG_FLOAT("duration", 0.25));
    /* Shows all SQL queries: DEBUG for manouche.db.backends only. */
    mn_log_debug(&db_log, "query", MN_LOG_STR("sql", "SELECT \"id\" FROM \"shop_product\""),
                 MN_LOG_FLOAT("duration", 0.001));
    mn_log_debug(&logger, "not shown: shop.middleware is at INFO");
    /* User input cannot forge a second line. */
    mn_log_warning(&logger, "bad host", MN_LOG_STR("host", "evil\nlevel=CRITICAL msg=forged"));

    CHECK(n_lines == 4);
    CHECK(strcmp(lines[0], "level=INFO logger=shop.middleware msg=request method=GET path=/products/") == 0);
    CHECK(strcmp(lines[1], "level=INFO logger=shop.middleware msg=response status=200 duration=0.25") == 0);
    CHECK(strcmp(lines[2], "level=DEBUG logger=manouche.db.backends msg=query "
                            "sql=\"SELECT \\\"id\\\" FROM \\\"shop_product\\\"\" duration=0.001") == 0);
    CHECK(strcmp(lines[3], "level=WARNING logger=shop.middleware msg=\"bad host\" "
                            "host=\"evil\\nlevel=CRITICAL msg=forged\"") == 0);
    mn_log_reset();
    mn_arena_free(arena);
    return 0;
}
