/* Cookies: parsing the Cookie header like Django's parse_cookie, and
 * formatting Set-Cookie values like Python's http.cookies as Django uses it. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "http_internal.h"

/* Python's http.cookies._unquote: strips surrounding double quotes and
 * resolves \ooo octal and \X escapes inside them. */
static mn_str cookie_unquote(mn_arena *arena, mn_str v)
{
    if (v.len < 2 || v.ptr[0] != '"' || v.ptr[v.len - 1] != '"')
        return v;
    mn_str in = mn_str_make(v.ptr + 1, v.len - 2);
    if (mn_str_find_char(in, '\\', 0) < 0)
        return in;
    char *out = mn_arena_alloc(arena, in.len + 1);
    if (!out)
        return (mn_str){ NULL, 0 };
    size_t o = 0, i = 0;
    while (i < in.len) {
        char c = in.ptr[i];
        if (c != '\\' || i + 1 >= in.len) {
            out[o++] = c;
            i++;
            continue;
        }
        if (i + 3 < in.len && in.ptr[i + 1] >= '0' && in.ptr[i + 1] <= '3' &&
            in.ptr[i + 2] >= '0' && in.ptr[i + 2] <= '7' && in.ptr[i + 3] >= '0' &&
            in.ptr[i + 3] <= '7') {
            int code = (in.ptr[i + 1] - '0') * 64 + (in.ptr[i + 2] - '0') * 8 + (in.ptr[i + 3] - '0');
            /* Python yields the code point; write it as UTF-8. */
            if (code < 0x80) {
                out[o++] = (char)code;
            } else { /* 4 escape bytes become 2 UTF-8 bytes */
                out[o++] = (char)(0xc0 | (code >> 6));
                out[o++] = (char)(0x80 | (code & 0x3f));
            }
            i += 4;
        } else {
            out[o++] = in.ptr[i + 1];
            i += 2;
        }
    }
    out[o] = '\0';
    return mn_str_make(out, o);
}

int mn_cookies_parse(mn_arena *arena, mn_str header, mn_map *map)
{
    size_t pos = 0;
    mn_str chunk;
    if (!header.len)
        return MN_OK;
    while (mn_str_next_field(header, ';', &pos, &chunk)) {
        mn_str k, v;
        if (!mn_str_split_once(chunk, '=', &k, &v)) {
            k = MN_STR_EMPTY;
            v = chunk;
        }
        k = mn_str_trim(k);
        v = mn_str_trim(v);
        if (!k.len && !v.len)
            continue;
        v = cookie_unquote(arena, v);
        if (!v.ptr || mn_map_set(map, k, mn_value_str(v)))
            return MN_ENOMEM;
    }
    return MN_OK;
}

/* Python's _LegalChars: values made only of these are not quoted. */
static bool cookie_legal(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~:", c));
}

/* Characters left as they are inside a quoted value. */
static bool cookie_unescaped(unsigned char c)
{
    return cookie_legal(c) || (c && strchr(" ()/<=>?@[]{}", c));
}

/* Python's http.cookies._quote over the value's code points. */
static void cookie_quote(mn_buf *b, mn_str v)
{
    bool legal = v.len > 0;
    for (size_t i = 0; i < v.len && legal; i++)
        legal = cookie_legal((unsigned char)v.ptr[i]);
    if (legal) {
        mn_buf_put_str(b, v);
        return;
    }
    mn_buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)v.ptr;
    for (size_t i = 0; i < v.len;) {
        unsigned char c = p[i];
        unsigned cp = c;
        size_t k = 1;
        if (c >= 0xc2 && c <= 0xc3 && i + 1 < v.len && (p[i + 1] & 0xc0) == 0x80) {
            cp = ((unsigned)(c & 0x1f) << 6) | (p[i + 1] & 0x3f); /* U+0080..U+00FF */
            k = 2;
        } else if (c >= 0x80) {
            /* Code points above U+00FF pass through unescaped. */
            size_t j = i + 1;
            while (j < v.len && (p[j] & 0xc0) == 0x80)
                j++;
            mn_buf_append(b, p + i, j - i);
            i = j;
            continue;
        }
        if (cp == '"')
            mn_buf_puts(b, "\\\"");
        else if (cp == '\\')
            mn_buf_puts(b, "\\\\");
        else if (cp < 0x80 && cookie_unescaped((unsigned char)cp))
            mn_buf_putc(b, (char)cp);
        else
            mn_buf_printf(b, "\\%03o", cp);
        i += k;
    }
    mn_buf_putc(b, '"');
}

size_t mn_http_date(int64_t unix_time, char *buf)
{
    static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    time_t t = (time_t)unix_time;
    struct tm tm;
    gmtime_r(&t, &tm);
    int n = snprintf(buf, 30, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return n > 0 ? (size_t)n : 0;
}

/* Python sorts a morsel's attributes by key: Domain, expires, HttpOnly,
 * Max-Age, Path, SameSite, Secure. */
int mn__cookie_format(mn_buf *b, const char *name, mn_str value, const mn_cookie_options *o,
                      const char *expires_text)
{
    static const mn_cookie_options none = { 0 };
    if (!o)
        o = &none;
    mn_buf_puts(b, name);
    mn_buf_putc(b, '=');
    cookie_quote(b, value);
    if (o->domain) {
        mn_buf_puts(b, "; Domain=");
        mn_buf_puts(b, o->domain);
    }
    char date[32];
    if (expires_text) {
        mn_buf_puts(b, "; expires=");
        mn_buf_puts(b, expires_text);
    } else if (o->has_max_age || o->has_expires) {
        int64_t when = o->has_max_age ? (int64_t)time(NULL) + o->max_age : o->expires;
        mn_http_date(when, date);
        mn_buf_puts(b, "; expires=");
        mn_buf_puts(b, date);
    }
    if (o->httponly)
        mn_buf_puts(b, "; HttpOnly");
    if (o->has_max_age)
        mn_buf_printf(b, "; Max-Age=%lld", (long long)o->max_age);
    mn_buf_puts(b, "; Path=");
    mn_buf_puts(b, o->path ? o->path : "/");
    if (o->samesite == MN_SAMESITE_LAX)
        mn_buf_puts(b, "; SameSite=Lax");
    else if (o->samesite == MN_SAMESITE_STRICT)
        mn_buf_puts(b, "; SameSite=Strict");
    else if (o->samesite == MN_SAMESITE_NONE)
        mn_buf_puts(b, "; SameSite=None");
    if (o->secure)
        mn_buf_puts(b, "; Secure");
    return mn_buf_error(b);
}
