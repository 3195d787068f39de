/* Access and error log lines, written straight to a descriptor (one write
 * per line, so lines from several threads and processes do not interleave).
 * The project's logging module can take this over later. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "http_internal.h"

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

void mn__log_error(int fd, const char *fmt, ...)
{
    char line[1024];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    size_t n = strftime(line, sizeof line, "[%Y-%m-%d %H:%M:%S +0000]", &tm);
    n += (size_t)snprintf(line + n, sizeof line - n, " [%d] ", (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    va_end(ap);
    n = m < 0 ? n : n + (size_t)m;
    if (n > sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    write_all(fd, line, n);
}

/* Copies s escaping quotes, backslashes and non-printable bytes as \xHH,
 * so a client cannot forge log lines. */
static void put_escaped(mn_buf *b, mn_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == '"' || c == '\\')
            mn_buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            mn_buf_printf(b, "\\x%02x", c);
        else
            mn_buf_putc(b, (char)c);
    }
}

void mn__log_access(int fd, const char *remote, const mn_http_head *head, int status,
                    uint64_t bytes, time_t now)
{
    char stamp[40];
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    mn_buf b;
    mn_buf_init(&b, NULL, 4096);
    mn_buf_printf(&b, "%s - - [%s] \"", remote, stamp);
    if (head && head->method.len) {
        put_escaped(&b, head->method);
        mn_buf_putc(&b, ' ');
        put_escaped(&b, head->target);
        mn_buf_printf(&b, " HTTP/1.%d", head->version_minor);
    } else {
        mn_buf_putc(&b, '-');
    }
    if (bytes)
        mn_buf_printf(&b, "\" %d %llu \"", status, (unsigned long long)bytes);
    else
        mn_buf_printf(&b, "\" %d - \"", status);
    mn_str v = MN_STR("-");
    const mn_header *h = head ? mn_http_find_header(head->headers, head->nheaders, MN_STR("Referer")) : NULL;
    put_escaped(&b, h ? h->value : v);
    mn_buf_puts(&b, "\" \"");
    h = head ? mn_http_find_header(head->headers, head->nheaders, MN_STR("User-Agent")) : NULL;
    put_escaped(&b, h ? h->value : v);
    mn_buf_puts(&b, "\"\n");
    if (mn_buf_error(&b) == MN_OK)
        write_all(fd, b.data, b.len);
    mn_buf_free(&b);
}
