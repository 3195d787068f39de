/* .env files: KEY=VALUE lines, read once at startup.
 *
 * The grammar is the common subset of docker compose, python-dotenv and the
 * shell, minus expansion (a .env file must not run anything or depend on the
 * shell that happens to read it). Error messages give line numbers but never
 * values: a .env file holds secrets. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "manouche/settings.h"

typedef struct parser {
    const char *p;
    const char *end;
    size_t line;
    mn_arena *arena;
    mn_err *err;
} parser;

static bool is_key_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_key_char(char c)
{
    return is_key_start(c) || (c >= '0' && c <= '9');
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void skip_blanks(parser *ps)
{
    while (ps->p < ps->end && is_blank(*ps->p))
        ps->p++;
}

/* At end of line (or a comment after blanks): consume through the newline.
 * Returns false when other characters follow. */
static bool finish_line(parser *ps)
{
    skip_blanks(ps);
    if (ps->p < ps->end && *ps->p == '#') {
        while (ps->p < ps->end && *ps->p != '\n')
            ps->p++;
    }
    if (ps->p < ps->end && *ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n')
        ps->p++;
    if (ps->p >= ps->end)
        return true;
    if (*ps->p != '\n')
        return false;
    ps->p++;
    ps->line++;
    return true;
}

static int parse_error(parser *ps, const char *what)
{
    return mn_err_set(ps->err, MN_EPARSE, "line %zu: %s", ps->line, what);
}

/* A quoted value; ps->p is on the opening quote. */
static int parse_quoted(parser *ps, mn_buf *out)
{
    char q = *ps->p++;
    size_t start_line = ps->line;
    while (ps->p < ps->end) {
        char c = *ps->p++;
        if (c == q)
            return MN_OK;
        if (c == '\r' && ps->p < ps->end && *ps->p == '\n')
            continue; /* CRLF line endings inside a quoted value become LF */
        if (c == '\n')
            ps->line++;
        if (c == '\\' && q == '"') {
            if (ps->p >= ps->end)
                break;
            char e = *ps->p++;
            switch (e) {
            case '\\': case '"': case '\'': case '$': mn_buf_putc(out, e); break;
            case 'n': mn_buf_putc(out, '\n'); break;
            case 'r': mn_buf_putc(out, '\r'); break;
            case 't': mn_buf_putc(out, '\t'); break;
            case '\n':
                /* A backslash-newline continues the line, as in the shell. */
                ps->line++;
                break;
            default:
                return mn_err_set(ps->err, MN_EPARSE,
                                  "line %zu: unknown escape '\\%c' in double-quoted value "
                                  "(use \\\\ for a backslash)",
                                  ps->line, (e >= 0x20 && e < 0x7f) ? e : '?');
            }
            continue;
        }
        mn_buf_putc(out, c);
    }
    ps->line = start_line;
    return parse_error(ps, q == '"' ? "unterminated double-quoted value"
                                    : "unterminated single-quoted value");
}

/* An unquoted value: up to the end of the line or a comment after blanks,
 * trailing blanks trimmed. */
static int parse_bare(parser *ps, mn_buf *out)
{
    const char *start = ps->p;
    const char *last = ps->p; /* one past the last non-blank */
    while (ps->p < ps->end && *ps->p != '\n') {
        char c = *ps->p;
        if (c == '#' && ps->p > start && is_blank(ps->p[-1]))
            break;
        if (c == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n')
            break;
        ps->p++;
        if (!is_blank(c))
            last = ps->p;
    }
    mn_buf_append(out, start, (size_t)(last - start));
    return MN_OK;
}

static int add_entry(parser *ps, mn_dotenv *out, size_t *cap, mn_str key, mn_str value,
                     size_t line)
{
    for (size_t i = 0; i < out->len; i++) {
        if (mn_str_eq(out->entries[i].key, key)) {
            out->entries[i].value = value;
            out->entries[i].line = line;
            return MN_OK;
        }
    }
    if (out->len >= MN_DOTENV_MAX_ENTRIES)
        return mn_err_set(ps->err, MN_ELIMIT, "line %zu: more than %d entries", line,
                          MN_DOTENV_MAX_ENTRIES);
    if (out->len == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        mn_dotenv_entry *n = mn_arena_realloc(ps->arena, out->entries,
                                              *cap * sizeof *n, ncap * sizeof *n);
        if (!n)
            return mn_err_set(ps->err, MN_ENOMEM, "out of memory");
        out->entries = n;
        *cap = ncap;
    }
    out->entries[out->len++] = (mn_dotenv_entry){ key, value, line };
    return MN_OK;
}

static int parse_line(parser *ps, mn_dotenv *out, size_t *cap)
{
    skip_blanks(ps);
    if (ps->p >= ps->end)
        return MN_OK;
    char c = *ps->p;
    if (c == '#' || c == '\n' || c == '\r') {
        if (!finish_line(ps))
            return parse_error(ps, "stray carriage return");
        return MN_OK;
    }
    if ((size_t)(ps->end - ps->p) > 7 && memcmp(ps->p, "export", 6) == 0 && is_blank(ps->p[6])) {
        ps->p += 6;
        skip_blanks(ps);
    }
    size_t line = ps->line;
    const char *k = ps->p;
    if (ps->p >= ps->end || !is_key_start(*ps->p))
        return parse_error(ps, "expected KEY=VALUE (a key starts with a letter or '_')");
    while (ps->p < ps->end && is_key_char(*ps->p))
        ps->p++;
    size_t klen = (size_t)(ps->p - k);
    if (klen > MN_DOTENV_MAX_KEY)
        return mn_err_set(ps->err, MN_ELIMIT, "line %zu: key longer than %d bytes", line,
                          MN_DOTENV_MAX_KEY);
    skip_blanks(ps);
    if (ps->p >= ps->end || *ps->p != '=')
        return mn_err_set(ps->err, MN_EPARSE, "line %zu: expected '=' after %.*s", line,
                          (int)klen, k);
    ps->p++;
    const char *before = ps->p;
    skip_blanks(ps);
    bool spaced = ps->p > before;

    mn_buf value;
    mn_buf_init(&value, ps->arena, MN_DOTENV_MAX_SIZE);
    int rc;
    bool quoted = ps->p < ps->end && (*ps->p == '"' || *ps->p == '\'');
    if (quoted)
        rc = parse_quoted(ps, &value);
    else if (spaced && ps->p < ps->end && *ps->p == '#')
        rc = MN_OK; /* KEY= # comment: an empty value */
    else
        rc = parse_bare(ps, &value);
    if (rc != MN_OK)
        return rc;
    if (mn_buf_error(&value))
        return mn_err_set(ps->err, MN_ENOMEM, "out of memory");
    if (quoted && !finish_line(ps))
        return mn_err_set(ps->err, MN_EPARSE, "line %zu: unexpected text after the closing quote",
                          ps->line);
    if (!quoted && !finish_line(ps))
        return parse_error(ps, "stray carriage return");
    mn_str v = mn_buf_str(&value);
    if (memchr(v.ptr, '\0', v.len))
        return mn_err_set(ps->err, MN_EPARSE, "line %zu: NUL byte in the value of %.*s", line,
                          (int)klen, k);
    mn_str key = mn_str_clone(ps->arena, mn_str_make(k, klen));
    if (!key.ptr)
        return mn_err_set(ps->err, MN_ENOMEM, "out of memory");
    if (v.len == 0)
        v = mn_str_clone(ps->arena, MN_STR_EMPTY);
    if (!v.ptr)
        return mn_err_set(ps->err, MN_ENOMEM, "out of memory");
    return add_entry(ps, out, cap, key, v, line);
}

int mn_dotenv_parse(mn_str text, mn_arena *arena, mn_dotenv *out, mn_err *err)
{
    out->entries = NULL;
    out->len = 0;
    if (text.len > MN_DOTENV_MAX_SIZE)
        return mn_err_set(err, MN_ELIMIT, "larger than %zu bytes", MN_DOTENV_MAX_SIZE);
    if (text.len && memchr(text.ptr, '\0', text.len)) {
        size_t line = 1;
        const char *nul = memchr(text.ptr, '\0', text.len);
        for (const char *q = text.ptr; q < nul; q++)
            line += *q == '\n';
        return mn_err_set(err, MN_EPARSE, "line %zu: NUL byte (not a text file?)", line);
    }
    parser ps = { text.ptr, text.ptr + text.len, 1, arena, err };
    /* A UTF-8 byte order mark is tolerated at the very start. */
    if (text.len >= 3 && memcmp(text.ptr, "\xEF\xBB\xBF", 3) == 0)
        ps.p += 3;
    size_t cap = 0;
    while (ps.p < ps.end) {
        int rc = parse_line(&ps, out, &cap);
        if (rc != MN_OK) {
            out->len = 0;
            return rc;
        }
    }
    return MN_OK;
}

int mn_dotenv_read(const char *path, mn_arena *arena, mn_dotenv *out, mn_err *err)
{
    out->entries = NULL;
    out->len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return mn_err_set(err, MN_ENOTFOUND, "%s: no such file", path);
        return mn_err_set(err, MN_EIO, "%s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return mn_err_set(err, MN_EIO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > MN_DOTENV_MAX_SIZE) {
        close(fd);
        return mn_err_set(err, MN_ELIMIT, "%s: larger than %zu bytes", path, MN_DOTENV_MAX_SIZE);
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = mn_arena_alloc(arena, cap);
    if (!buf) {
        close(fd);
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    }
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return mn_err_set(err, MN_EIO, "%s: %s", path, strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == cap) {
            /* The file grew while being read. */
            close(fd);
            return mn_err_set(err, MN_EIO, "%s: changed while being read", path);
        }
    }
    close(fd);
    int rc = mn_dotenv_parse(mn_str_make(buf, len), arena, out, err);
    if (rc != MN_OK)
        mn_err_prefix(err, "%s: ", path);
    return rc;
}

const char *mn_dotenv_get(const mn_dotenv *env, mn_str key)
{
    if (!env)
        return NULL;
    for (size_t i = 0; i < env->len; i++)
        if (mn_str_eq(env->entries[i].key, key))
            return env->entries[i].value.ptr;
    return NULL;
}
