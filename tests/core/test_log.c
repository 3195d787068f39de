#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "manouche.h"

static mn_arena *A;

/* Captured lines, without their time= prefix. */
static char captured[16][1024];
static int n_captured;
static mn_log_level last_level;

static void capture(void *ctx, const mn_log_record *rec)
{
    (void)ctx;
    last_level = rec->level;
    cr_assert(rec->line.len > 0 && rec->line.ptr[rec->line.len - 1] == '\n');
    cr_assert(mn_str_starts_with(rec->line, MN_STR("time=")));
    ptrdiff_t sp = mn_str_find_char(rec->line, ' ', 0);
    cr_assert(sp > 0);
    if (n_captured < 16)
        snprintf(captured[n_captured++], sizeof captured[0], "%.*s",
                 (int)(rec->line.len - (size_t)sp - 2), rec->line.ptr + sp + 1);
}

static void setup(void)
{
    A = mn_arena_new("test", 0);
    n_captured = 0;
    mn_log_set_capture(capture, NULL);
}

static void teardown(void)
{
    mn_log_reset();
    mn_arena_free(A);
}

TestSuite(log, .init = setup, .fini = teardown);

static mn_logger request_log = MN_LOGGER_INIT("manouche.request");
static mn_logger db_log = MN_LOGGER_INIT("manouche.db");
static mn_logger sqlite_log = MN_LOGGER_INIT("manouche.db.sqlite");
static mn_logger dbx_log = MN_LOGGER_INIT("manouche.dbx");
static mn_logger shop_log = MN_LOGGER_INIT("shop.orders");

Test(log, format_with_fields)
{
    mn_log_set_level(NULL, MN_LOG_DEBUG);
    mn_log_info(&request_log, "GET /products/", MN_LOG_STR("method", "GET"),
                MN_LOG_INT("status", 200), MN_LOG_FLOAT("duration", 0.25),
                MN_LOG_BOOL("cached", false), MN_LOG_VALUE("user", mn_value_null()));
    cr_assert_eq(n_captured, 1);
    cr_assert_str_eq(captured[0], "level=INFO logger=manouche.request msg=\"GET /products/\" "
                                  "method=GET status=200 duration=0.25 cached=false user=null");
    mn_log_warning(&shop_log, "low_stock");
    cr_assert_str_eq(captured[1], "level=WARNING logger=shop.orders msg=low_stock");
    cr_assert_eq(last_level, MN_LOG_WARNING);
    mn_decimal price = mn_decimal_from_i64(1990);
    price.scale = 2;
    mn_log_error(&shop_log, "refund", MN_LOG_VALUE("amount", mn_value_decimal(price)),
                 MN_LOG_STR("bad key!", "x"), MN_LOG_STR("", "y"));
    cr_assert_str_eq(captured[2], "level=ERROR logger=shop.orders msg=refund amount=19.90 "
                                  "bad_key_=x _=y");
}

Test(log, values_are_quoted_and_escaped)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    struct { const char *in, *out; } cases[] = {
        { "plain", "plain" },
        { "", "\"\"" },
        { "two words", "\"two words\"" },
        { "a=b", "\"a=b\"" },
        { "say \"hi\"", "\"say \\\"hi\\\"\"" },
        { "back\\slash", "\"back\\\\slash\"" },
        { "line1\nlevel=CRITICAL msg=forged", "\"line1\\nlevel=CRITICAL msg=forged\"" },
        { "cr\rtab\t", "\"cr\\rtab\\t\"" },
        { "bell\a", "\"bell\\u0007\"" },
        { "del\x7f", "\"del\\u007f\"" },
        { "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
        { "bad\xff", "\"bad\\xff\"" },
        { "surrogate\xed\xa0\x80", "\"surrogate\\xed\\xa0\\x80\"" },
        { "trunc\xe2\x82", "\"trunc\\xe2\\x82\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mn_buf_reset(&b);
        cr_assert_eq(mn_log_put_value(&b, mn_str_from(cases[i].in)), MN_OK);
        cr_assert_str_eq(mn_buf_cstr(&b), cases[i].out, "case %zu", i);
    }
}

Test(log, no_injection_through_messages)
{
    mn_log_set_level(NULL, MN_LOG_INFO);
    mn_log_info(&request_log, "user input\ntime=x level=CRITICAL msg=pwned",
                MN_LOG_STR("path", "/a\r\nb"));
    cr_assert_eq(n_captured, 1);
    cr_assert_null(strchr(captured[0], '\n'));
    cr_assert_null(strchr(captured[0], '\r'));
    cr_assert_str_eq(captured[0], "level=INFO logger=manouche.request "
                                  "msg=\"user input\\ntime=x level=CRITICAL msg=pwned\" "
                                  "path=\"/a\\r\\nb\"");
}

Test(log, hierarchical_levels)
{
    cr_assert_eq(mn_log_get_level("anything"), MN_LOG_WARNING);
    cr_assert_eq(mn_log_set_level("manouche.db", MN_LOG_DEBUG), MN_OK);
    cr_assert_eq(mn_log_set_level("manouche", MN_LOG_ERROR), MN_OK);
    cr_assert(mn_log_enabled(&db_log, MN_LOG_DEBUG));
    cr_assert(mn_log_enabled(&sqlite_log, MN_LOG_DEBUG));
    cr_assert_not(mn_log_enabled(&dbx_log, MN_LOG_WARNING));
    cr_assert(mn_log_enabled(&dbx_log, MN_LOG_ERROR));
    cr_assert_not(mn_log_enabled(&request_log, MN_LOG_INFO));
    cr_assert_not(mn_log_enabled(&shop_log, MN_LOG_INFO));
    cr_assert(mn_log_enabled(&shop_log, MN_LOG_WARNING));

    /* Changing a level is seen by loggers that cached the old one. */
    cr_assert_eq(mn_log_set_level("manouche.db", MN_LOG_NOTSET), MN_OK);
    cr_assert_not(mn_log_enabled(&db_log, MN_LOG_DEBUG));
    cr_assert_eq(mn_log_get_level("manouche.db.sqlite"), MN_LOG_ERROR);
    cr_assert_eq(mn_log_set_level(NULL, MN_LOG_DEBUG), MN_OK);
    cr_assert(mn_log_enabled(&shop_log, MN_LOG_DEBUG));
    cr_assert_eq(mn_log_set_level("x", (mn_log_level)99), MN_EINVAL);

    mn_log_debug(&request_log, "hidden");
    mn_log_error(&request_log, "shown");
    cr_assert_eq(n_captured, 1);
    cr_assert_str_eq(captured[0], "level=ERROR logger=manouche.request msg=shown");
}

static int evaluated;
static const char *side_effect(void)
{
    evaluated++;
    return "v";
}

Test(log, fields_not_evaluated_when_disabled)
{
    mn_log_set_level(NULL, MN_LOG_WARNING);
    mn_log_debug(&shop_log, "x", MN_LOG_STR("k", side_effect()));
    cr_assert_eq(evaluated, 0);
    mn_log_warning(&shop_log, "x", MN_LOG_STR("k", side_effect()));
    cr_assert_eq(evaluated, 1);
}

Test(log, levels_parse_and_name)
{
    mn_log_level l;
    cr_assert_eq(mn_log_level_parse("debug", &l), MN_OK);
    cr_assert_eq(l, MN_LOG_DEBUG);
    cr_assert_eq(mn_log_level_parse("WARN", &l), MN_OK);
    cr_assert_eq(l, MN_LOG_WARNING);
    cr_assert_eq(mn_log_level_parse("Critical", &l), MN_OK);
    cr_assert_eq(l, MN_LOG_CRITICAL);
    cr_assert_eq(mn_log_level_parse("25", &l), MN_OK);
    cr_assert_eq(l, 25);
    cr_assert_eq(mn_log_level_parse("51", &l), MN_EINVAL);
    cr_assert_eq(mn_log_level_parse("-1", &l), MN_EINVAL);
    cr_assert_eq(mn_log_level_parse("loud", &l), MN_EINVAL);
    cr_assert_eq(mn_log_level_parse("", &l), MN_EINVAL);
    cr_assert_str_eq(mn_log_level_name(MN_LOG_CRITICAL), "CRITICAL");
    cr_assert_str_eq(mn_log_level_name((mn_log_level)25), "Level 25");
}

Test(log, logf_and_truncation)
{
    mn_log_set_level(NULL, MN_LOG_INFO);
    mn_logf(&shop_log, MN_LOG_INFO, "order %d placed by %s", 42, "alice");
    cr_assert_str_eq(captured[0], "level=INFO logger=shop.orders msg=\"order 42 placed by alice\"");

    mn_buf b;
    mn_buf_init(&b, A, 0);
    char *huge = mn_arena_alloc(A, 20001);
    memset(huge, 'x', 20000);
    huge[20000] = '\0';
    mn_log_field f = MN_LOG_STR("big", huge);
    cr_assert_eq(mn_log_format(&b, "t", MN_LOG_INFO, MN_STR("m"), &f, 1), MN_OK);
    mn_str line = mn_buf_str(&b);
    cr_assert_leq(line.len, MN_LOG_LINE_MAX);
    cr_assert(mn_str_ends_with(line, MN_STR("x truncated=true\n")));
}

enum { THREADS = 4, LINES = 500 };

static void *log_lines(void *arg)
{
    long id = (long)arg;
    char payload[300];
    memset(payload, 'a' + (int)id, sizeof payload - 1);
    payload[sizeof payload - 1] = '\0';
    for (int i = 0; i < LINES; i++)
        mn_log_info(&shop_log, "tick", MN_LOG_INT("thread", id), MN_LOG_INT("i", i),
                    MN_LOG_STR("payload", payload));
    return NULL;
}

Test(log, file_output_appends_whole_lines_from_threads, .timeout = 60)
{
    mn_log_set_capture(NULL, NULL);
    char path[] = "/tmp/mn_log_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "existing\n", 9), 9);
    close(fd);
    mn_err err = { 0 };
    cr_assert_eq(mn_log_open_file(path, &err), MN_OK, "%s", err.msg);
    mn_log_set_level(NULL, MN_LOG_INFO);

    pthread_t th[THREADS];
    for (long t = 0; t < THREADS; t++)
        cr_assert_eq(pthread_create(&th[t], NULL, log_lines, (void *)t), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    mn_log_open_file(NULL, &err);

    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[2048];
    int count = 0;
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert_str_eq(line, "existing\n");
    while (fgets(line, sizeof line, f)) {
        count++;
        cr_assert(strstr(line, " level=INFO logger=shop.orders msg=tick thread=") != NULL, "%s", line);
        char *p = strstr(line, "payload=");
        cr_assert_not_null(p);
        p += 8;
        char c = *p;
        size_t run = strspn(p, (char[]){ c, 0 });
        cr_assert_eq(run, 299, "interleaved line: %s", line);
        cr_assert_str_eq(p + run, "\n");
    }
    fclose(f);
    cr_assert_eq(count, THREADS * LINES);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600); /* mkstemp's mode is kept */
    unlink(path);
}

Test(log, bad_file_path)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_log_open_file("/nonexistent-dir/app.log", &err), MN_EIO);
    cr_assert(strncmp(err.msg, "LOG_FILE /nonexistent-dir/app.log: ", 35) == 0, "%s", err.msg);
}

static mn_logger inner_log = MN_LOGGER_INIT("inner");
static char outer_line[256], inner_line[256];

static void logging_capture(void *ctx, const mn_log_record *rec)
{
    if (strcmp(rec->logger, "inner") == 0) {
        snprintf(inner_line, sizeof inner_line, "%.*s", MN_STR_FMT(rec->line));
        return;
    }
    mn_log_warning(&inner_log, "from the hook");
    /* The outer record's line is intact after the nested record. */
    snprintf(outer_line, sizeof outer_line, "%.*s", MN_STR_FMT(rec->line));
}

Test(log, capture_hook_that_logs)
{
    mn_log_set_capture(logging_capture, NULL);
    mn_log_warning(&shop_log, "outer");
    cr_assert(strstr(outer_line, "logger=shop.orders msg=outer\n") != NULL, "%s", outer_line);
    cr_assert(strstr(inner_line, "logger=inner msg=\"from the hook\"\n") != NULL, "%s", inner_line);
}

static size_t count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    size_t n = 0;
    int c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

Test(log, reopen_after_logrotate)
{
    mn_log_set_capture(NULL, NULL);
    char dir[] = "/tmp/mn_logrot_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[64], rotated[64];
    snprintf(path, sizeof path, "%s/app.log", dir);
    snprintf(rotated, sizeof rotated, "%s/app.log.1", dir);
    mn_err err = { 0 };
    cr_assert_eq(mn_log_reopen(&err), MN_OK); /* standard error: nothing to do */
    cr_assert_eq(mn_log_open_file(path, &err), MN_OK, "%s", err.msg);
    mn_log_warning(&shop_log, "before");
    cr_assert_eq(rename(path, rotated), 0);
    mn_log_warning(&shop_log, "still the old file");
    cr_assert_eq(mn_log_reopen(&err), MN_OK, "%s", err.msg);
    mn_log_warning(&shop_log, "after");
    mn_log_warning(&shop_log, "after again");
    cr_assert_eq(count_lines(rotated), 2);
    cr_assert_eq(count_lines(path), 2);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    mode_t um = umask(0);
    umask(um);
    cr_assert_eq(st.st_mode & 0777, 0640 & ~um);
    mn_log_open_file(NULL, &err);
    unlink(path);
    unlink(rotated);
    rmdir(dir);
}
