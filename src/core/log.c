/* Logging: hierarchical levels, logfmt lines, one write(2) per line.
 *
 * The configuration (root level and per-prefix levels) is an immutable
 * snapshot published through an atomic pointer and a generation counter.
 * Loggers cache their effective level with the generation it belongs to, so
 * the hot path is one atomic load and a compare. Replaced snapshots are kept
 * on a retired list (configuration changes happen at startup and in tests)
 * and freed by mn_log_reset. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "manouche/log.h"

typedef struct prefix_level {
    char *prefix;
    size_t len;
    int level;
} prefix_level;

typedef struct config {
    int root;
    size_t n;
    prefix_level *items;
    struct config *retired_next;
} config;

typedef struct capture {
    mn_log_capture_fn fn;
    void *ctx;
    struct capture *retired_next;
} capture;

static config default_config = { MN_LOG_WARNING, 0, NULL, NULL };
static _Atomic(config *) g_config = &default_config;
static atomic_uint g_gen = 1;
static atomic_int g_fd = -1; /* -1: standard error */
static atomic_int g_owned_fd = -1;
static _Atomic(capture *) g_capture;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static config *g_retired;
static capture *g_retired_captures;

/* ---- levels ---- */

static int resolve(const config *c, const char *name)
{
    size_t best = 0;
    int level = c->root;
    bool found = false;
    size_t nlen = name ? strlen(name) : 0;
    for (size_t i = 0; i < c->n; i++) {
        const prefix_level *p = &c->items[i];
        if (p->len > nlen || memcmp(name, p->prefix, p->len) != 0)
            continue;
        if (p->len < nlen && name[p->len] != '.')
            continue;
        if (!found || p->len > best) {
            best = p->len;
            level = p->level;
            found = true;
        }
    }
    return level;
}

bool mn_log_enabled(mn_logger *lg, mn_log_level level)
{
    unsigned gen = atomic_load_explicit(&g_gen, memory_order_acquire);
    unsigned long long cache = atomic_load_explicit(&lg->cache, memory_order_relaxed);
    int eff;
    if ((cache >> 8) == gen) {
        eff = (int)(cache & 0xff);
    } else {
        config *c = atomic_load_explicit(&g_config, memory_order_acquire);
        eff = resolve(c, lg->name);
        atomic_store_explicit(&lg->cache, ((unsigned long long)gen << 8) | (unsigned)eff,
                              memory_order_relaxed);
    }
    return (int)level >= eff;
}

mn_log_level mn_log_get_level(const char *name)
{
    config *c = atomic_load_explicit(&g_config, memory_order_acquire);
    return (mn_log_level)resolve(c, name);
}

static bool valid_level(int level)
{
    return level >= 0 && level <= 50;
}

int mn_log_set_level(const char *prefix, mn_log_level level)
{
    if (!valid_level((int)level))
        return MN_EINVAL;
    size_t plen = prefix ? strlen(prefix) : 0;
    pthread_mutex_lock(&g_mu);
    config *old = atomic_load_explicit(&g_config, memory_order_acquire);
    config *c = calloc(1, sizeof *c);
    if (!c)
        goto nomem;
    c->root = old->root;
    c->items = calloc(old->n + 1, sizeof *c->items);
    if (!c->items)
        goto nomem;
    for (size_t i = 0; i < old->n; i++) {
        if (plen && old->items[i].len == plen && memcmp(old->items[i].prefix, prefix, plen) == 0)
            continue; /* replaced below */
        prefix_level *p = &c->items[c->n];
        p->prefix = strdup(old->items[i].prefix);
        if (!p->prefix)
            goto nomem;
        p->len = old->items[i].len;
        p->level = old->items[i].level;
        c->n++;
    }
    if (plen == 0) {
        c->root = level == MN_LOG_NOTSET ? MN_LOG_WARNING : (int)level;
    } else if (level != MN_LOG_NOTSET) {
        prefix_level *p = &c->items[c->n];
        p->prefix = strdup(prefix);
        if (!p->prefix)
            goto nomem;
        p->len = plen;
        p->level = (int)level;
        c->n++;
    }
    atomic_store_explicit(&g_config, c, memory_order_release);
    atomic_fetch_add_explicit(&g_gen, 1, memory_order_acq_rel);
    if (old != &default_config) {
        old->retired_next = g_retired;
        g_retired = old;
    }
    pthread_mutex_unlock(&g_mu);
    return MN_OK;
nomem:
    if (c) {
        for (size_t i = 0; i < c->n; i++)
            free(c->items[i].prefix);
        free(c->items);
        free(c);
    }
    pthread_mutex_unlock(&g_mu);
    return MN_ENOMEM;
}

static const struct {
    const char *name;
    mn_log_level level;
} level_names[] = {
    { "NOTSET", MN_LOG_NOTSET }, { "DEBUG", MN_LOG_DEBUG },     { "INFO", MN_LOG_INFO },
    { "WARNING", MN_LOG_WARNING }, { "WARN", MN_LOG_WARNING }, { "ERROR", MN_LOG_ERROR },
    { "CRITICAL", MN_LOG_CRITICAL }, { "FATAL", MN_LOG_CRITICAL },
};

int mn_log_level_parse(const char *s, mn_log_level *out)
{
    if (!s)
        return MN_EINVAL;
    mn_str str = mn_str_from(s);
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
        if (mn_str_ieq_cstr(str, level_names[i].name)) {
            *out = level_names[i].level;
            return MN_OK;
        }
    }
    int64_t v;
    if (str.len && str.ptr[0] != '+' && str.ptr[0] != '-' && mn_str_to_i64(str, &v) == MN_OK &&
        v >= 0 && v <= 50) {
        *out = (mn_log_level)v;
        return MN_OK;
    }
    return MN_EINVAL;
}

const char *mn_log_level_name(mn_log_level level)
{
    switch (level) {
    case MN_LOG_NOTSET: return "NOTSET";
    case MN_LOG_DEBUG: return "DEBUG";
    case MN_LOG_INFO: return "INFO";
    case MN_LOG_WARNING: return "WARNING";
    case MN_LOG_ERROR: return "ERROR";
    case MN_LOG_CRITICAL: return "CRITICAL";
    }
    static const char *const numbered[] = {
        "Level 0", "Level 1", "Level 2", "Level 3", "Level 4", "Level 5", "Level 6",
        "Level 7", "Level 8", "Level 9", "Level 10", "Level 11", "Level 12", "Level 13",
        "Level 14", "Level 15", "Level 16", "Level 17", "Level 18", "Level 19", "Level 20",
        "Level 21", "Level 22", "Level 23", "Level 24", "Level 25", "Level 26", "Level 27",
        "Level 28", "Level 29", "Level 30", "Level 31", "Level 32", "Level 33", "Level 34",
        "Level 35", "Level 36", "Level 37", "Level 38", "Level 39", "Level 40", "Level 41",
        "Level 42", "Level 43", "Level 44", "Level 45", "Level 46", "Level 47", "Level 48",
        "Level 49", "Level 50",
    };
    if ((int)level >= 0 && (int)level <= 50)
        return numbered[level];
    return "Level ?";
}

/* ---- output ---- */

static char *g_path; /* the file mn_log_reopen opens again */

int mn_log_open_file(const char *path, mn_err *err)
{
    int fd = -1;
    char *copy = NULL;
    if (path) {
        copy = strdup(path);
        if (!copy)
            return mn_err_set(err, MN_ENOMEM, "LOG_FILE: out of memory");
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0) {
            free(copy);
            return mn_err_set(err, MN_EIO, "LOG_FILE %s: %s", path, strerror(errno));
        }
    }
    pthread_mutex_lock(&g_mu);
    int owned = atomic_load(&g_owned_fd);
    free(g_path);
    g_path = copy;
    if (fd >= 0 && owned >= 0) {
        /* Replace the file behind the descriptor number that writers use:
         * a concurrent write goes to the old file or the new one, never to a
         * closed descriptor. */
        dup2(fd, owned);
        close(fd);
        pthread_mutex_unlock(&g_mu);
        return MN_OK;
    }
    atomic_store(&g_fd, fd);
    atomic_store(&g_owned_fd, fd);
    pthread_mutex_unlock(&g_mu);
    /* Back to standard error: done at startup or in tests, when no write can
     * be using the old descriptor. */
    if (owned >= 0)
        close(owned);
    return MN_OK;
}

int mn_log_reopen(mn_err *err)
{
    pthread_mutex_lock(&g_mu);
    char *path = g_path ? strdup(g_path) : NULL;
    bool had_path = g_path != NULL;
    pthread_mutex_unlock(&g_mu);
    if (!had_path)
        return MN_OK;
    if (!path)
        return mn_err_set(err, MN_ENOMEM, "LOG_FILE: out of memory");
    int rc = mn_log_open_file(path, err);
    free(path);
    return rc;
}

void mn_log_set_fd(int fd)
{
    pthread_mutex_lock(&g_mu);
    free(g_path);
    g_path = NULL;
    atomic_store(&g_fd, fd);
    int old = atomic_exchange(&g_owned_fd, -1);
    pthread_mutex_unlock(&g_mu);
    if (old >= 0)
        close(old);
}

void mn_log_set_capture(mn_log_capture_fn fn, void *ctx)
{
    capture *c = NULL;
    if (fn) {
        c = calloc(1, sizeof *c);
        if (!c)
            return;
        c->fn = fn;
        c->ctx = ctx;
    }
    pthread_mutex_lock(&g_mu);
    capture *old = atomic_exchange(&g_capture, c);
    if (old) {
        old->retired_next = g_retired_captures;
        g_retired_captures = old;
    }
    pthread_mutex_unlock(&g_mu);
}

void mn_log_reset(void)
{
    pthread_mutex_lock(&g_mu);
    config *cur = atomic_exchange(&g_config, &default_config);
    atomic_fetch_add(&g_gen, 1);
    if (cur != &default_config) {
        cur->retired_next = g_retired;
        g_retired = cur;
    }
    while (g_retired) {
        config *c = g_retired;
        g_retired = c->retired_next;
        for (size_t i = 0; i < c->n; i++)
            free(c->items[i].prefix);
        free(c->items);
        free(c);
    }
    capture *cap = atomic_exchange(&g_capture, NULL);
    free(cap);
    while (g_retired_captures) {
        capture *c = g_retired_captures;
        g_retired_captures = c->retired_next;
        free(c);
    }
    atomic_store(&g_fd, -1);
    int old = atomic_exchange(&g_owned_fd, -1);
    free(g_path);
    g_path = NULL;
    pthread_mutex_unlock(&g_mu);
    if (old >= 0)
        close(old);
}

/* ---- formatting ---- */

static bool needs_quotes(mn_str v)
{
    if (v.len == 0)
        return true;
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.ptr[i];
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f)
            return true;
    }
    return false;
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

/* Appends v, escaped and quoted when needed, using at most budget bytes of
 * value text; sets *cut when it had to stop early. */
static int put_value_limited(mn_buf *b, mn_str v, size_t budget, bool *cut)
{
    static const char hex[] = "0123456789abcdef";
    bool quote = needs_quotes(v);
    size_t start = b->len;
    if (quote)
        mn_buf_putc(b, '"');
    const unsigned char *s = (const unsigned char *)v.ptr;
    for (size_t i = 0; i < v.len;) {
        if (b->len - start >= budget) {
            *cut = true;
            break;
        }
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = { '\\', (char)c };
            mn_buf_append(b, esc, 2);
        } else if (c == '\n') {
            mn_buf_append(b, "\\n", 2);
        } else if (c == '\r') {
            mn_buf_append(b, "\\r", 2);
        } else if (c == '\t') {
            mn_buf_append(b, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            mn_buf_append(b, esc, 6);
        } else if (c >= 0x80) {
            size_t n = utf8_len(s + i, v.len - i);
            if (n == 0) {
                char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
                mn_buf_append(b, esc, 4);
            } else {
                mn_buf_append(b, s + i, n);
                i += n;
                continue;
            }
        } else {
            /* A run of plain ASCII goes in one append. */
            size_t j = i + 1;
            size_t room = budget - (b->len - start);
            while (j < v.len && j - i < room && s[j] >= 0x20 && s[j] < 0x7f && s[j] != '"' &&
                   s[j] != '\\')
                j++;
            mn_buf_append(b, s + i, j - i);
            i = j;
            continue;
        }
        i++;
    }
    if (quote)
        mn_buf_putc(b, '"');
    return mn_buf_error(b);
}

int mn_log_put_value(mn_buf *b, mn_str v)
{
    bool cut = false;
    return put_value_limited(b, v, SIZE_MAX, &cut);
}

static void put_key(mn_buf *b, const char *key)
{
    if (!key || !*key) {
        mn_buf_putc(b, '_');
        return;
    }
    for (const char *k = key; *k; k++) {
        char c = *k;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-' || c == '/';
        mn_buf_putc(b, ok ? c : '_');
    }
}

static size_t budget_left(const mn_buf *b)
{
    /* Room kept for " truncated=true\n". */
    const size_t reserve = 24;
    if (b->len + reserve >= MN_LOG_LINE_MAX)
        return 0;
    return MN_LOG_LINE_MAX - reserve - b->len;
}

static void put_field_value(mn_buf *b, mn_value v, bool *cut)
{
    switch (mn_value_type(v)) {
    case MN_VALUE_STR:
        put_value_limited(b, v.u.s, budget_left(b), cut);
        return;
    case MN_VALUE_INT:
        mn_buf_put_i64(b, v.u.i);
        return;
    case MN_VALUE_BOOL:
        mn_buf_puts(b, v.u.b ? "true" : "false");
        return;
    case MN_VALUE_NULL:
        mn_buf_puts(b, "null");
        return;
    default:
        break;
    }
    mn_buf tmp;
    mn_buf_init(&tmp, NULL, MN_LOG_LINE_MAX);
    if (mn_value_to_str(v, &tmp) != MN_OK && mn_buf_str(&tmp).len == 0)
        mn_buf_puts(&tmp, "?");
    put_value_limited(b, mn_buf_str(&tmp), budget_left(b), cut);
    mn_buf_free(&tmp);
}

int mn_log_format(mn_buf *b, const char *logger, mn_log_level level, mn_str msg,
                  const mn_log_field *fields, size_t n)
{
    /* The date and time up to the second change once a second: each thread
     * keeps the last one formatted. */
    static _Thread_local time_t cached_sec = -1;
    static _Thread_local char cached[96];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != cached_sec) {
        struct tm tm;
        time_t secs = ts.tv_sec;
        gmtime_r(&secs, &tm);
        snprintf(cached, sizeof cached, "time=%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        cached_sec = ts.tv_sec;
    }
    mn_buf_puts(b, cached);
    long ms = ts.tv_nsec / 1000000;
    char frac[12] = { (char)('0' + ms / 100), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10),
                      'Z', ' ', 'l', 'e', 'v', 'e', 'l', '=' };
    mn_buf_append(b, frac, 11);
    mn_buf_puts(b, mn_log_level_name(level));
    bool cut = false;
    mn_buf_puts(b, " logger=");
    put_value_limited(b, mn_str_from(logger && *logger ? logger : "root"), 256, &cut);
    mn_buf_puts(b, " msg=");
    put_value_limited(b, msg, budget_left(b), &cut);
    for (size_t i = 0; i < n && !cut; i++) {
        if (budget_left(b) < 8) {
            cut = true;
            break;
        }
        mn_buf_putc(b, ' ');
        put_key(b, fields[i].key);
        mn_buf_putc(b, '=');
        put_field_value(b, fields[i].value, &cut);
    }
    if (cut)
        mn_buf_puts(b, " truncated=true");
    mn_buf_putc(b, '\n');
    return mn_buf_error(b);
}

/* ---- writing ---- */

static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static pthread_key_t tls_key;

static void free_tls_buf(void *p)
{
    mn_buf *b = p;
    mn_buf_free(b);
    free(b);
}

static void make_key(void)
{
    pthread_key_create(&tls_key, free_tls_buf);
}

/* A per-thread line buffer, reused from one record to the next. */
static mn_buf *line_buf(void)
{
    pthread_once(&tls_once, make_key);
    mn_buf *b = pthread_getspecific(tls_key);
    if (!b) {
        b = malloc(sizeof *b);
        if (!b)
            return NULL;
        mn_buf_init(b, NULL, MN_LOG_LINE_MAX * 2);
        if (pthread_setspecific(tls_key, b) != 0) {
            free(b);
            return NULL;
        }
    }
    mn_buf_reset(b);
    return b;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* nowhere to report a failing log */
        p += w;
        n -= (size_t)w;
    }
}

void mn_log_write(mn_logger *lg, mn_log_level level, mn_str msg, const mn_log_field *fields,
                  size_t n)
{
    if (!mn_log_enabled(lg, level))
        return;
    /* A capture hook that logs would reuse the per-thread buffer while its
     * record still points into it: nested records get their own buffer. */
    static _Thread_local int depth;
    mn_buf nested, *b;
    if (depth > 0) {
        mn_buf_init(&nested, NULL, MN_LOG_LINE_MAX * 2);
        b = &nested;
    } else {
        b = line_buf();
        if (!b)
            return;
    }
    depth++;
    if (mn_log_format(b, lg->name, level, msg, fields, n) == MN_OK) {
        capture *cap = atomic_load_explicit(&g_capture, memory_order_acquire);
        if (cap) {
            mn_log_record rec = { level, lg->name, msg, fields, n, mn_buf_str(b) };
            cap->fn(cap->ctx, &rec);
        } else {
            int fd = atomic_load_explicit(&g_fd, memory_order_acquire);
            write_all(fd >= 0 ? fd : STDERR_FILENO, b->data, b->len);
        }
    }
    depth--;
    if (b == &nested)
        mn_buf_free(&nested);
}

void mn_logf(mn_logger *lg, mn_log_level level, const char *fmt, ...)
{
    if (!mn_log_enabled(lg, level))
        return;
    char msg[MN_LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    size_t n = (size_t)len < sizeof msg ? (size_t)len : sizeof msg - 1;
    mn_log_write(lg, level, mn_str_make(msg, n), NULL, 0);
}
