/* application/x-www-form-urlencoded: percent-decoding, UTF-8 repair and
 * encoding of query components. */
#include <string.h>
#include "http_internal.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The private percent-decoder (to be replaced by text.h's mn_url_unquote). */
mn_str mn__percent_decode(mn_arena *arena, mn_str s, bool plus_space)
{
    size_t i = 0;
    for (; i < s.len; i++)
        if (s.ptr[i] == '%' || (plus_space && s.ptr[i] == '+'))
            break;
    if (i == s.len)
        return s;
    char *out = mn_arena_alloc(arena, s.len + 1);
    if (!out)
        return (mn_str){ NULL, 0 };
    memcpy(out, s.ptr, i);
    size_t o = i;
    while (i < s.len) {
        char c = s.ptr[i];
        int hi, lo;
        if (c == '%' && i + 2 < s.len && (hi = hexval(s.ptr[i + 1])) >= 0 && (lo = hexval(s.ptr[i + 2])) >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 3;
        } else if (c == '+' && plus_space) {
            out[o++] = ' ';
            i++;
        } else {
            out[o++] = c;
            i++;
        }
    }
    out[o] = '\0';
    return mn_str_make(out, o);
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
            return 0;
        if (c == 0xe0 && p[1] < 0xa0)
            return 0; /* overlong */
        if (c == 0xed && p[1] >= 0xa0)
            return 0; /* surrogates */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
            return 0;
        if (c == 0xf0 && p[1] < 0x90)
            return 0;
        if (c == 0xf4 && p[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

bool mn__utf8_valid(mn_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t i = 0;
    while (i < s.len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(p + i, s.len - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

/* Python's decoder replaces each maximal invalid subpart with one U+FFFD;
 * here each byte that cannot start a valid sequence becomes one U+FFFD,
 * which matches Python for the common cases (stray bytes, truncations
 * of 2-byte sequences). */
mn_str mn__utf8_repair(mn_arena *arena, mn_str s)
{
    if (mn__utf8_valid(s))
        return s;
    mn_buf b;
    mn_buf_init(&b, arena, s.len * 3 + 1);
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t i = 0;
    while (i < s.len) {
        size_t k = utf8_seq(p + i, s.len - i);
        if (k) {
            mn_buf_append(&b, p + i, k);
            i += k;
            continue;
        }
        mn_buf_append(&b, "\xef\xbf\xbd", 3);
        /* Skip the continuation bytes of a truncated sequence, as Python does. */
        unsigned char c = p[i++];
        size_t want = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : 0;
        while (want-- && i < s.len && (p[i] & 0xc0) == 0x80)
            i++;
    }
    if (mn_buf_error(&b))
        return (mn_str){ NULL, 0 };
    return mn_buf_str(&b);
}

int mn__urlencode_component(mn_buf *out, mn_str s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            mn_buf_putc(out, (char)c);
        } else if (c == ' ') {
            mn_buf_putc(out, '+');
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            mn_buf_append(out, e, 3);
        }
    }
    return mn_buf_error(out);
}
