/* UTF-8 validation, decoding and encoding.
 *
 * The decoder follows the Unicode "maximal subpart" practice, which is what
 * Python's UTF-8 codec does with errors='replace': an invalid sequence is
 * replaced by one U+FFFD per maximal prefix of a well-formed sequence. */
#include <string.h>
#include <unictype.h>
#include "text_internal.h"

/* Range of the second byte allowed after a lead byte (Unicode Table 3-7). */
static int second_range(unsigned char lead, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead == 0xE0) {
        *lo = 0xA0;
        return 3;
    }
    if (lead == 0xED) {
        *hi = 0x9F;
        return 3;
    }
    if (lead >= 0xE1 && lead <= 0xEF)
        return 3;
    if (lead == 0xF0) {
        *lo = 0x90;
        return 4;
    }
    if (lead == 0xF4) {
        *hi = 0x8F;
        return 4;
    }
    if (lead >= 0xF1 && lead <= 0xF3)
        return 4;
    return 0;
}

int mn_utf8_next(mn_str s, size_t *pos, uint32_t *cp)
{
    size_t i = *pos;
    if (i >= s.len)
        return MN_ENOTFOUND;
    const unsigned char *p = (const unsigned char *)s.ptr + i;
    size_t left = s.len - i;
    unsigned char c = p[0];
    if (c < 0x80) {
        *cp = c;
        *pos = i + 1;
        return MN_OK;
    }
    unsigned char lo, hi;
    int need = second_range(c, &lo, &hi);
    if (need == 0 || left < 2 || p[1] < lo || p[1] > hi) {
        *cp = MN_UTF8_REPLACEMENT;
        *pos = i + 1;
        return MN_EPARSE;
    }
    uint32_t v = need == 2 ? (c & 0x1Fu) : need == 3 ? (c & 0x0Fu) : (c & 0x07u);
    v = (v << 6) | (p[1] & 0x3Fu);
    for (int k = 2; k < need; k++) {
        if ((size_t)k >= left || (p[k] & 0xC0) != 0x80) {
            *cp = MN_UTF8_REPLACEMENT;
            *pos = i + (size_t)k;
            return MN_EPARSE;
        }
        v = (v << 6) | (p[k] & 0x3Fu);
    }
    *cp = v;
    *pos = i + (size_t)need;
    return MN_OK;
}

int mn_utf8_check(mn_str s, size_t *bad_offset)
{
    size_t pos = 0;
    uint32_t cp;
    while (pos < s.len) {
        unsigned char c = (unsigned char)s.ptr[pos];
        if (c < 0x80) {
            pos++;
            continue;
        }
        size_t at = pos;
        if (mn_utf8_next(s, &pos, &cp) != MN_OK) {
            if (bad_offset)
                *bad_offset = at;
            return MN_EPARSE;
        }
    }
    return MN_OK;
}

bool mn_utf8_valid(mn_str s)
{
    return mn_utf8_check(s, NULL) == MN_OK;
}

size_t mn_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF)
        return 0;
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int mn_utf8_append(mn_buf *b, uint32_t cp)
{
    char tmp[4];
    size_t n = mn_utf8_encode(cp, tmp);
    if (n == 0)
        return MN_EINVAL;
    return mn_buf_append(b, tmp, n);
}

size_t mn_utf8_count(mn_str s)
{
    size_t pos = 0, n = 0;
    uint32_t cp;
    while (pos < s.len) {
        if ((unsigned char)s.ptr[pos] < 0x80)
            pos++;
        else
            mn_utf8_next(s, &pos, &cp);
        n++;
    }
    return n;
}

ptrdiff_t mn_utf8_offset(mn_str s, size_t n)
{
    size_t pos = 0;
    uint32_t cp;
    for (size_t i = 0; i < n; i++) {
        if (mn_utf8_next(s, &pos, &cp) == MN_ENOTFOUND)
            return -1;
    }
    return (ptrdiff_t)pos;
}

int mn_utf8_sanitize(mn_buf *out, mn_str s)
{
    if (s.len == 0)
        return mn_buf_error(out);
    size_t pos = 0, run = 0;
    uint32_t cp;
    while (pos < s.len) {
        size_t at = pos;
        if ((unsigned char)s.ptr[pos] < 0x80) {
            pos++;
            continue;
        }
        if (mn_utf8_next(s, &pos, &cp) == MN_EPARSE) {
            mn_buf_append(out, s.ptr + run, at - run);
            mn_buf_append(out, "\xEF\xBF\xBD", 3);
            run = pos;
        }
    }
    return mn_buf_append(out, s.ptr + run, s.len - run);
}

bool mn_unicode_isspace(uint32_t c)
{
    if (c < 0x80)
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
    switch (c) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

bool mn__unicode_isword(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    return uc_is_general_category(c, UC_CATEGORY_L) || uc_is_general_category(c, UC_CATEGORY_N);
}

int mn__utf8_decode_all(mn_arena *a, mn_str s, mn__u32s *out)
{
    out->len = 0;
    out->cp = mn_arena_alloc(a, (s.len + 1) * sizeof(uint32_t));
    if (!out->cp)
        return MN_ENOMEM;
    size_t pos = 0, n = 0;
    while (pos < s.len) {
        unsigned char c = (unsigned char)s.ptr[pos];
        if (c < 0x80) {
            out->cp[n++] = c;
            pos++;
        } else {
            mn_utf8_next(s, &pos, &out->cp[n++]);
        }
    }
    out->len = n;
    return MN_OK;
}

int mn__utf8_put_u32(mn_buf *b, const uint32_t *cp, size_t n)
{
    size_t room = n * 4;
    if (b->len <= b->max && b->max - b->len < room) {
        /* near the buffer's limit: reserve only what is needed */
        room = 0;
        for (size_t i = 0; i < n; i++)
            room += cp[i] < 0x80 ? 1 : cp[i] < 0x800 ? 2 : cp[i] < 0x10000 || cp[i] > 0x10FFFF ? 3 : 4;
    }
    char *dst = mn_buf_reserve(b, room);
    if (!dst)
        return mn_buf_error(b);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = mn_utf8_encode(cp[i], dst + w);
        if (k == 0)
            k = mn_utf8_encode(MN_UTF8_REPLACEMENT, dst + w);
        w += k;
    }
    mn_buf_commit(b, w);
    return mn_buf_error(b);
}

mn_arena *mn__scratch_new(void)
{
    return mn_arena_new("text scratch", 0);
}
