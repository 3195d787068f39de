/* Manouche: logging (Python's logging, as Django configures it, in logfmt).
 *
 * Loggers are named and hierarchical ("manouche.request", "manouche.db",
 * "shop.orders"); a level set on a prefix ("manouche") applies to every logger
 * below it unless a longer prefix says otherwise. Each record is one line of
 * key=value pairs (logfmt):
 *
 *   time=2026-01-05T10:30:00.123Z level=INFO logger=manouche.request msg="GET /products/" status=200
 *
 * Values are quoted when they need it, and quotes, backslashes and control
 * characters (newlines included) are escaped, so a value cannot forge a line.
 * Each line is written with one write(2) on a descriptor opened with O_APPEND:
 * threads and processes sharing the file never interleave lines (on pipes this
 * holds for lines up to PIPE_BUF, 4096 bytes).
 *
 * Thread safety: logging is lock-free (an atomic load of the configuration
 * generation and one write). Configuration calls (levels, output, capture)
 * take a mutex and are meant for startup and tests. */
#ifndef MANOUCHE_LOG_H
#define MANOUCHE_LOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/error.h"
#include "manouche/str.h"
#include "manouche/value.h"

/* Python's numeric levels. */
typedef enum mn_log_level {
    MN_LOG_NOTSET = 0,
    MN_LOG_DEBUG = 10,
    MN_LOG_INFO = 20,
    MN_LOG_WARNING = 30,
    MN_LOG_ERROR = 40,
    MN_LOG_CRITICAL = 50
} mn_log_level;

/* Longest line written; longer lines are cut and end with truncated=true. */
#define MN_LOG_LINE_MAX 8192

/* A logger: define one per module with MN_LOGGER and pass its address.
 * The other members cache the effective level; leave them to the library. */
typedef struct mn_logger {
    const char *name;
    /* Cached effective level (low 8 bits) and the configuration generation
     * it was computed for (the rest); 0 means not computed yet. */
    atomic_ullong cache;
} mn_logger;

/* static mn_logger log = MN_LOGGER_INIT("shop.orders"); */
#define MN_LOGGER_INIT(logger_name) { .name = (logger_name) }

/* One extra field of a record. */
typedef struct mn_log_field {
    const char *key;
    mn_value value;
} mn_log_field;

#define MN_LOG_STR(k, s) ((mn_log_field){ (k), mn_value_cstr(s) })
#define MN_LOG_SLICE(k, s) ((mn_log_field){ (k), mn_value_str(s) })
#define MN_LOG_INT(k, i) ((mn_log_field){ (k), mn_value_int(i) })
#define MN_LOG_FLOAT(k, f) ((mn_log_field){ (k), mn_value_float(f) })
#define MN_LOG_BOOL(k, b) ((mn_log_field){ (k), mn_value_bool(b) })
#define MN_LOG_VALUE(k, v) ((mn_log_field){ (k), (v) })

/* A record as passed to a capture hook. */
typedef struct mn_log_record {
    mn_log_level level;
    const char *logger;
    mn_str msg;
    const mn_log_field *fields;
    size_t n_fields;
    mn_str line; /* the formatted line, with its trailing newline */
} mn_log_record;

/* True when lg would write a record of level. Lock-free. */
bool mn_log_enabled(mn_logger *lg, mn_log_level level);

/* Writes a record when level is enabled for lg: msg and n fields. Strings
 * are borrowed for the call. Thread-safe. */
void mn_log_write(mn_logger *lg, mn_log_level level, mn_str msg, const mn_log_field *fields,
                  size_t n);

/* printf-style message without fields. Thread-safe. */
void mn_logf(mn_logger *lg, mn_log_level level, const char *fmt, ...) MN_PRINTF(3, 4);

/* mn_log_info(&log, "order placed", MN_LOG_INT("order", 42), MN_LOG_STR("user", name));
 * The fields are evaluated only when the level is enabled. */
#define MN__LOG(lg, lvl, msg, ...)                                                               \
    do {                                                                                         \
        mn_logger *mn__lg = (lg);                                                                \
        if (mn_log_enabled(mn__lg, lvl)) {                                                       \
            const mn_log_field mn__f[] = { { .key = NULL }, __VA_ARGS__ };                             \
            mn_log_write(mn__lg, lvl, mn_str_from(msg), mn__f + 1,                               \
                         sizeof mn__f / sizeof mn__f[0] - 1);                                    \
        }                                                                                        \
    } while (0)
#define mn_log_debug(lg, ...) MN__LOG(lg, MN_LOG_DEBUG, __VA_ARGS__)
#define mn_log_info(lg, ...) MN__LOG(lg, MN_LOG_INFO, __VA_ARGS__)
#define mn_log_warning(lg, ...) MN__LOG(lg, MN_LOG_WARNING, __VA_ARGS__)
#define mn_log_error(lg, ...) MN__LOG(lg, MN_LOG_ERROR, __VA_ARGS__)
#define mn_log_critical(lg, ...) MN__LOG(lg, MN_LOG_CRITICAL, __VA_ARGS__)

/* ---- configuration (startup and tests) ---- */

/* Sets the level of a logger prefix: "manouche.db" covers "manouche.db" and
 * "manouche.db.sqlite" but not "manouche.dbx". NULL or "" is the root (the
 * default for every logger; WARNING until configured, like Python).
 * MN_LOG_NOTSET removes a prefix's level. Returns MN_OK, MN_EINVAL (bad
 * level) or MN_ENOMEM. */
int mn_log_set_level(const char *prefix, mn_log_level level);

/* The effective level of a logger name. */
mn_log_level mn_log_get_level(const char *name);

/* Parses "DEBUG", "info", "Warning", "WARN", "ERROR", "CRITICAL" or a number
 * 0-50. Returns MN_OK or MN_EINVAL. */
int mn_log_level_parse(const char *s, mn_log_level *out);

/* The level's name ("WARNING"), or "Level N" like Python. Static string. */
const char *mn_log_level_name(mn_log_level level);

/* Sends lines to the file at path (created 0640 if needed, appended to),
 * opened once. Switching from one file to another is safe while threads log
 * (the new file takes over the same descriptor number); NULL goes back to
 * standard error (startup and tests only). Returns MN_OK, MN_EIO or
 * MN_ENOMEM. */
int mn_log_open_file(const char *path, mn_err *err);

/* Opens the log file again by its path, after logrotate moved it (the
 * server calls it on SIGHUP). Does nothing when logging to standard error or
 * a descriptor. Safe while threads log. Returns MN_OK, MN_EIO or MN_ENOMEM. */
int mn_log_reopen(mn_err *err);

/* Sends lines to fd (not closed by the library; -1 back to standard error). */
void mn_log_set_fd(int fd);

/* A capture hook for tests: while set, records go to fn instead of the
 * output. fn runs on the logging thread and must be thread-safe if threads
 * log. NULL removes it. */
typedef void (*mn_log_capture_fn)(void *ctx, const mn_log_record *rec);
void mn_log_set_capture(mn_log_capture_fn fn, void *ctx);

/* Formats a record as a logfmt line (with its newline) into b, with the
 * current time. Returns the buffer's error. Thread-safe. */
int mn_log_format(mn_buf *b, const char *logger, mn_log_level level, mn_str msg,
                  const mn_log_field *fields, size_t n);

/* Appends one logfmt value to b: bare when it is safe, otherwise quoted with
 * \" \\ \n \r \t and \u00XX escapes (and \xNN for invalid UTF-8). */
int mn_log_put_value(mn_buf *b, mn_str v);

/* Forgets every level, the capture hook and the output (standard error,
 * root WARNING). For tests. */
void mn_log_reset(void);

#endif
