/* HTML helpers: Django's escape, escapejs and urlize, Python's
 * html.unescape. (strip_tags lives in striptags.c.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "text_internal.h"
#include "html_entities.h"

/* Django's escape(): the five characters, each to its entity. Runs of plain
 * text are skipped 8 bytes at a time (a SWAR byte test) and copied whole. */
static const uint8_t escape_class[256] = {
    ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};
static const char *const escape_rep[6] = { "", "&amp;", "&lt;", "&gt;", "&quot;", "&#x27;" };
static const uint8_t escape_len[6] = { 0, 5, 4, 4, 6, 6 };

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
/* True when one of the 8 bytes of w equals c. */
#define HAS_BYTE(w, c) ((((w) ^ (ONES * (c))) - ONES) & ~((w) ^ (ONES * (c))) & HIGHS)

static inline uint64_t swar_hits(uint64_t w)
{
    return HAS_BYTE(w, '&') | HAS_BYTE(w, '<') | HAS_BYTE(w, '>') | HAS_BYTE(w, '"') | HAS_BYTE(w, '\'');
}

#ifdef __SSE2__
static inline unsigned sse_hits(const unsigned char *p)
{
    __m128i w = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('&')), _mm_cmpeq_epi8(w, _mm_set1_epi8('<'))),
                               _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('>')),
                                                         _mm_cmpeq_epi8(w, _mm_set1_epi8('"'))),
                                            _mm_cmpeq_epi8(w, _mm_set1_epi8('\''))));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The index of the first byte escape() changes in p[i, len), or len. The
 * tail shorter than a vector is checked with one overlapping load (the
 * bytes before i are known to be plain). */
static inline size_t span_from(const unsigned char *p, size_t len, size_t i)
{
#ifdef __SSE2__
    if (len - i >= 16) {
        do {
            unsigned m = sse_hits(p + i);
            if (m)
                return i + (size_t)__builtin_ctz(m);
            i += 16;
        } while (len - i >= 16);
        if (i == len)
            return len;
        unsigned m = sse_hits(p + len - 16) >> (i - (len - 16));
        return m ? i + (size_t)__builtin_ctz(m) : len;
    }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* the lowest flagged byte of the SWAR test is exact (borrows only run
     * upwards from a match) */
    if (len - i >= 8) {
        do {
            uint64_t w;
            memcpy(&w, p + i, 8);
            uint64_t m = swar_hits(w);
            if (m)
                return i + (size_t)__builtin_ctzll(m) / 8;
            i += 8;
        } while (len - i >= 8);
        if (i == len)
            return len;
        uint64_t w;
        memcpy(&w, p + len - 8, 8);
        uint64_t m = swar_hits(w) >> (8 * (i - (len - 8)));
        return m ? i + (size_t)__builtin_ctzll(m) / 8 : len;
    }
#endif
    while (i < len && !escape_class[p[i]])
        i++;
    return i;
}

size_t mn_html_escape_span(mn_str s) { return span_from((const unsigned char *)s.ptr, s.len, 0); }

/* The escaper for builders without room for the worst case: plain runs are
 * appended as they end. */
static int escape_runs(mn_buf *out, const unsigned char *p, size_t len, size_t i)
{
    size_t start = 0;
    while (i < len) {
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (HAS_BYTE(w, '&') | HAS_BYTE(w, '<') | HAS_BYTE(w, '>') | HAS_BYTE(w, '"') | HAS_BYTE(w, '\''))
                break;
            i += 8;
        }
        size_t stop = i + 8 < len ? i + 8 : len;
        for (; i < stop; i++) {
            uint8_t c = escape_class[p[i]];
            if (!c)
                continue;
            if (i > start)
                mn_buf_append(out, p + start, i - start);
            mn_buf_append(out, escape_rep[c], escape_len[c]);
            start = i + 1;
        }
    }
    if (len > start)
        return mn_buf_append(out, p + start, len - start);
    return mn_buf_error(out);
}

/* Entities padded to 8 bytes, so one fixed-size copy writes any of them. */
static const char escape_rep8[6][8] = { "", "&amp;", "&lt;", "&gt;", "&quot;", "&#x27;" };

int mn_html_escape(mn_buf *out, mn_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t len = s.len, i = mn_html_escape_span(s);
    if (i == len)
        return mn_buf_append(out, s.ptr, len);
    /* Something to escape: when the worst case (6 bytes for each byte left,
     * plus the 8-byte stores' slack) is within the builder's limit, reserve
     * it once and write in place; else append run by run, so that output
     * that fits exactly is never refused. */
    if (out->err)
        return out->err;
    size_t rest = len - i;
    if (out->len > out->max || rest > (SIZE_MAX / 8 - len) || len + rest * 5 + 8 > out->max - out->len)
        return escape_runs(out, p, len, i);
    char *d = mn_buf_reserve(out, len + rest * 5 + 8);
    if (!d)
        return out->err;
    memcpy(d, p, i);
    size_t k = i;
    while (i < len) {
        /* p[i] is to escape: write its entity, then the plain run after it */
        uint8_t c = escape_class[p[i]];
        memcpy(d + k, escape_rep8[c], 8);
        k += escape_len[c];
        i++;
        size_t j = i < len && escape_class[p[i]] ? i : span_from(p, len, i);
        memcpy(d + k, p + i, j - i);
        k += j - i;
        i = j;
    }
    mn_buf_commit(out, k);
    return out->err;
}

static bool js_escaped(unsigned char c)
{
    return c < 32 || c == '\\' || c == '\'' || c == '"' || c == '>' || c == '<' || c == '&' || c == '=' ||
           c == '-' || c == ';' || c == '`';
}

int mn_html_escapejs(mn_buf *out, mn_str s)
{
    static const char HEX[] = "0123456789ABCDEF";
    size_t run = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (js_escaped(c)) {
            mn_buf_append(out, s.ptr + run, i - run);
            char e[6] = { '\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15] };
            mn_buf_append(out, e, 6);
            run = i + 1;
        } else if (c == 0xE2 && i + 2 < s.len && (unsigned char)s.ptr[i + 1] == 0x80 &&
                   ((unsigned char)s.ptr[i + 2] == 0xA8 || (unsigned char)s.ptr[i + 2] == 0xA9)) {
            mn_buf_append(out, s.ptr + run, i - run);
            mn_buf_puts(out, (unsigned char)s.ptr[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
            i += 2;
            run = i + 1;
        }
    }
    return mn_buf_append(out, s.ptr + run, s.len - run);
}

/* ---- html.unescape ---- */

static int entity_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const mn__entity *)elem)->name);
}

static const mn__entity *entity_find(const uint32_t *cp, size_t n)
{
    char key[40];
    if (n >= sizeof key)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (cp[i] >= 0x80)
            return NULL;
        key[i] = (char)cp[i];
    }
    key[n] = '\0';
    return bsearch(key, mn__entities, sizeof mn__entities / sizeof mn__entities[0], sizeof mn__entities[0],
                   entity_cmp);
}

static bool is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
static bool is_hex(uint32_t c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static uint32_t hex_value(uint32_t c)
{
    return is_digit(c) ? c - '0' : (c | 32) - 'a' + 10;
}

typedef struct u32out {
    uint32_t *v;
    size_t len;
} u32out;

/* Python's html.unescape over code points; out->v must have room for n
 * code points (unescaping never makes text longer). */
static void unescape_u32(const uint32_t *s, size_t n, u32out *out)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] != '&') {
            out->v[w++] = s[i++];
            continue;
        }
        size_t j = i + 1;
        if (j < n && s[j] == '#') {
            bool hex = j + 2 < n && (s[j + 1] == 'x' || s[j + 1] == 'X') && is_hex(s[j + 2]);
            bool dec = j + 1 < n && is_digit(s[j + 1]);
            if (!hex && !dec) {
                out->v[w++] = s[i++];
                continue;
            }
            size_t k = dec ? j + 1 : j + 2;
            uint64_t num = 0;
            while (k < n && (dec ? is_digit(s[k]) : is_hex(s[k]))) {
                if (num <= 0x10FFFF)
                    num = num * (dec ? 10 : 16) + (dec ? s[k] - '0' : hex_value(s[k]));
                k++;
            }
            if (k < n && s[k] == ';')
                k++;
            i = k;
            for (size_t q = 0; q < sizeof mn__invalid_charrefs / sizeof mn__invalid_charrefs[0]; q++) {
                if (mn__invalid_charrefs[q][0] == num) {
                    out->v[w++] = mn__invalid_charrefs[q][1];
                    goto next;
                }
            }
            if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
                out->v[w++] = 0xFFFD;
                continue;
            }
            for (size_t q = 0; q < sizeof mn__invalid_codepoints / sizeof mn__invalid_codepoints[0]; q++)
                if (mn__invalid_codepoints[q] == num)
                    goto next;
            out->v[w++] = (uint32_t)num;
            continue;
        }
        /* [^\t\n\f <&#;]{1,32};? */
        size_t k = j;
        while (k < n && k - j < 32 && s[k] != '\t' && s[k] != '\n' && s[k] != '\f' && s[k] != ' ' && s[k] != '<' &&
               s[k] != '&' && s[k] != '#' && s[k] != ';')
            k++;
        if (k == j) {
            out->v[w++] = s[i++];
            continue;
        }
        if (k < n && s[k] == ';')
            k++;
        const mn__entity *e = entity_find(s + j, k - j);
        size_t x = k - j;
        if (!e) {
            for (x = k - j - 1; x > 1; x--)
                if ((e = entity_find(s + j, x)))
                    break;
        }
        if (!e) {
            for (size_t q = i; q < k; q++)
                out->v[w++] = s[q];
        } else {
            out->v[w++] = e->cp[0];
            if (e->cp[1])
                out->v[w++] = e->cp[1];
            for (size_t q = j + x; q < k; q++)
                out->v[w++] = s[q];
        }
        i = k;
    next:;
    }
    out->len = w;
}

int mn_html_unescape(mn_buf *out, mn_str s)
{
    if (!memchr(s.ptr ? s.ptr : "", '&', s.len))
        return mn_utf8_sanitize(out, s);
    mn_arena *a = mn__scratch_new();
    mn__u32s t;
    if (!a || mn__utf8_decode_all(a, s, &t)) {
        mn_arena_free(a);
        return MN_ENOMEM;
    }
    u32out u = { mn_arena_alloc(a, (t.len + 1) * sizeof(uint32_t)), 0 };
    int rc = MN_ENOMEM;
    if (u.v) {
        unescape_u32(t.cp, t.len, &u);
        rc = mn__utf8_put_u32(out, u.v, u.len);
    }
    mn_arena_free(a);
    return rc;
}

/* ---- urlize ---- */

#define MAX_URL_LENGTH 2048

/* Python's re.IGNORECASE equality of c with an ASCII lowercase letter,
 * including the non-ASCII equivalences sre knows (ı İ for i, ſ for s,
 * the Kelvin sign for k). */
static bool ci_eq(uint32_t c, char lower)
{
    uint32_t l = (uint32_t)(unsigned char)lower;
    if (c == l || c == l - 32)
        return true;
    if (lower == 'i')
        return c == 0x130 || c == 0x131;
    if (lower == 's')
        return c == 0x17F;
    if (lower == 'k')
        return c == 0x212A;
    return false;
}

static bool ci_prefix(const uint32_t *s, size_t n, const char *p)
{
    size_t l = strlen(p);
    if (n < l)
        return false;
    for (size_t i = 0; i < l; i++)
        if (!ci_eq(s[i], p[i]))
            return false;
    return true;
}

/* ^https?://\[?\w */
static bool simple_url(const uint32_t *s, size_t n)
{
    if (!ci_prefix(s, n, "http"))
        return false;
    size_t i = 4;
    if (i < n && ci_eq(s[i], 's'))
        i++;
    if (n - i < 3 || s[i] != ':' || s[i + 1] != '/' || s[i + 2] != '/')
        return false;
    i += 3;
    if (i < n && s[i] == '[' && i + 1 < n && mn__unicode_isword(s[i + 1]))
        return true;
    return i < n && mn__unicode_isword(s[i]);
}

/* ^www\.|^(?!http)\w[^@]+\.(com|edu|gov|int|mil|net|org)($|/.*)$ */
static bool simple_url_2(const uint32_t *s, size_t n)
{
    if (ci_prefix(s, n, "www") && n > 3 && s[3] == '.')
        return true;
    if (ci_prefix(s, n, "http") || n == 0 || !mn__unicode_isword(s[0]))
        return false;
    static const char *const tlds[] = { "com", "edu", "gov", "int", "mil", "net", "org" };
    for (size_t p = 2; p < n; p++) {
        if (s[p - 1] == '@')
            return false;
        if (s[p] != '.' || p + 4 > n)
            continue;
        if (!(p + 4 == n || s[p + 4] == '/'))
            continue;
        for (size_t t = 0; t < 7; t++)
            if (ci_prefix(s + p + 1, 3, tlds[t]))
                return true;
    }
    return false;
}

static size_t count_cp(const uint32_t *s, size_t n, uint32_t c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

static bool is_trailing_punct(uint32_t c)
{
    return c == '.' || c == ',' || c == ':' || c == ';' || c == '!';
}

/* A piece of text built by prepending (urlize's trail). */
typedef struct prepend {
    uint32_t *v; /* the text is v[start, cap) */
    size_t start, cap;
} prepend;

/* Puts c in front of the text, growing the array when needed. */
static int prepend_cp(prepend *p, mn_arena *a, uint32_t c)
{
    if (p->start == 0) {
        size_t len = p->cap, ncap = p->cap * 2 + 16;
        uint32_t *nv = mn_arena_alloc(a, ncap * sizeof(uint32_t));
        if (!nv)
            return MN_ENOMEM;
        if (len)
            memcpy(nv + (ncap - len), p->v + p->start, len * sizeof(uint32_t));
        p->v = nv;
        p->start = ncap - len;
        p->cap = ncap;
    }
    p->v[--p->start] = c;
    return MN_OK;
}

typedef struct urlize_ctx {
    mn_arena *a; /* scratch, created on first use (most texts need none) */
    mn_buf *out;
    long limit;
    unsigned flags;
    bool safe_input;
    uint32_t *scratch; /* unescape output, room for the current word */
} urlize_ctx;

static mn_arena *ctx_arena(urlize_ctx *c)
{
    if (!c->a)
        c->a = mn__scratch_new();
    return c->a;
}

/* Appends n code points as UTF-8, with mn_html_escape's replacements when
 * esc. */
static int put_u32_escaped(mn_buf *out, const uint32_t *v, size_t n, bool esc)
{
    if (!esc)
        return mn__utf8_put_u32(out, v, n);
    size_t room = n * 6; /* the longest replacement */
    if (out->max - out->len < room) {
        /* near the buffer's limit: reserve only what is needed */
        room = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t ch = v[i];
            room += ch == '&' ? 5 : ch == '<' || ch == '>' ? 4 : ch == '"' || ch == '\'' ? 6 : ch < 0x80 ? 1
                    : ch < 0x800 ? 2 : ch < 0x10000 || ch > 0x10FFFF ? 3 : 4;
        }
    }
    char *dst = mn_buf_reserve(out, room);
    if (!dst)
        return mn_buf_error(out);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t ch = v[i];
        const char *rep;
        size_t k;
        switch (ch) {
        case '&': rep = "&amp;"; k = 5; break;
        case '<': rep = "&lt;"; k = 4; break;
        case '>': rep = "&gt;"; k = 4; break;
        case '"': rep = "&quot;"; k = 6; break;
        case '\'': rep = "&#x27;"; k = 6; break;
        default:
            if (ch < 0x80) {
                dst[w++] = (char)ch;
            } else {
                k = mn_utf8_encode(ch, dst + w);
                w += k ? k : mn_utf8_encode(MN_UTF8_REPLACEMENT, dst + w);
            }
            continue;
        }
        memcpy(dst + w, rep, k);
        w += k;
    }
    mn_buf_commit(out, w);
    return mn_buf_error(out);
}

static void count_char(size_t cnt[5], uint32_t ch, int d)
{
    if (ch > ']')
        return; /* letters and most punctuation */
    int i = ch == '(' ? 0 : ch == ')' ? 1 : ch == '[' ? 2 : ch == ']' ? 3 : ch == '&' ? 4 : -1;
    if (i >= 0)
        cnt[i] += (size_t)(ptrdiff_t)d;
}

static bool is_email_simple(const uint32_t *s, size_t n)
{
    size_t ats = count_cp(s, n, '@');
    if (ats != 1 || s[0] == '@' || s[n - 1] == '@')
        return false;
    size_t at = 0;
    while (s[at] != '@')
        at++;
    const uint32_t *p2 = s + at + 1;
    size_t n2 = n - at - 1;
    if (n2 > 63)
        return false;
    return count_cp(p2, n2, '.') > 0 && p2[0] != '.';
}

static bool needs_escape(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] <= '>' && (p[i] == '&' || p[i] == '<' || p[i] == '>' || p[i] == '"' || p[i] == '\''))
            return true;
    return false;
}

/* <a href=" and smart_urlquote(url), written straight into the output and
 * then escaped in place when it holds a character escape() replaces. */
static int put_href(urlize_ctx *c, mn_str url)
{
    mn_buf_puts(c->out, "<a href=\"");
    size_t at = c->out->len;
    mn_url_smart_quote(c->out, url);
    if (mn_buf_error(c->out))
        return mn_buf_error(c->out);
    size_t ql = c->out->len - at;
    if (ql && needs_escape(c->out->data + at, ql)) {
        char stack[512];
        char *q = ql <= sizeof stack ? stack : NULL;
        if (!q && (!ctx_arena(c) || !(q = mn_arena_alloc(c->a, ql))))
            return MN_ENOMEM;
        memcpy(q, c->out->data + at, ql);
        mn_buf_truncate(c->out, at);
        mn_html_escape(c->out, mn_str_make(q, ql));
    }
    return mn_buf_error(c->out);
}

static unsigned char ascii_lower(unsigned char b) { return b >= 'A' && b <= 'Z' ? (unsigned char)(b + 32) : b; }
static bool ascii_word(unsigned char b) { return b < 0x80 && mn__unicode_isword(b); }

/* The most common link, written straight from the bytes: an ASCII word
 * that is a whole http(s) URL (^https?://\[?\w) with nothing to trim (no
 * bracket first or last, no trailing punctuation, no '&' that could be an
 * entity) and a link text within the limit. false: not that case, nothing
 * written. */
static bool urlize_plain_ascii(urlize_ctx *c, mn_str w, int *rc)
{
    const unsigned char *p = (const unsigned char *)w.ptr;
    size_t n = w.len;
    if (n < 8 || n > MAX_URL_LENGTH || (c->limit >= 0 && n > (size_t)c->limit))
        return false;
    if (p[0] == '(' || p[0] == '[' || p[n - 1] == ')' || p[n - 1] == ']' || is_trailing_punct(p[n - 1]) ||
        memchr(w.ptr, '&', n))
        return false;
    if (ascii_lower(p[0]) != 'h' || ascii_lower(p[1]) != 't' || ascii_lower(p[2]) != 't' || ascii_lower(p[3]) != 'p')
        return false;
    size_t i = 4;
    if (ascii_lower(p[i]) == 's')
        i++;
    if (n - i < 3 || p[i] != ':' || p[i + 1] != '/' || p[i + 2] != '/')
        return false;
    i += 3;
    if (!(i < n && (ascii_word(p[i]) || (p[i] == '[' && i + 1 < n && ascii_word(p[i + 1])))))
        return false;
    bool esc = (c->flags & MN_URLIZE_AUTOESCAPE) && !c->safe_input;
    *rc = put_href(c, w);
    if (*rc)
        return true;
    mn_buf_puts(c->out, (c->flags & MN_URLIZE_NOFOLLOW) ? "\" rel=\"nofollow\">" : "\">");
    if (esc)
        mn_html_escape(c->out, w);
    else
        mn_buf_put_str(c->out, w);
    *rc = mn_buf_puts(c->out, "</a>");
    return true;
}

/* The end of a link: the rel attribute, the link text (trimmed to the
 * limit) and the trailing punctuation. */
static int urlize_link_text(urlize_ctx *c, const uint32_t *mid, size_t mlen, const uint32_t *tr, size_t trlen,
                            bool nofollow, bool esc)
{
    mn_buf_puts(c->out, nofollow ? "\" rel=\"nofollow\">" : "\">");
    if (c->limit >= 0 && mlen > (size_t)c->limit) {
        size_t keep = c->limit > 1 ? (size_t)c->limit - 1 : 0;
        put_u32_escaped(c->out, mid, keep, esc);
        static const uint32_t ellipsis = 0x2026;
        put_u32_escaped(c->out, &ellipsis, 1, esc);
    } else {
        put_u32_escaped(c->out, mid, mlen, esc);
    }
    mn_buf_puts(c->out, "</a>");
    return put_u32_escaped(c->out, tr, trlen, esc);
}

static int urlize_word(urlize_ctx *c, const uint32_t *word, size_t n)
{
    /* trim_punctuation: lead is word[0, ms); middle is word[ms, me) */
    size_t ms = 0, me = n;
    prepend trail = { NULL, 0, 0 };
    static const uint32_t wrap[2][2] = { { '(', ')' }, { '[', ']' } };
    /* Counts of the brackets and '&' in the middle, kept up to date so
     * that each pass costs O(1) unless entities must be decoded; the
     * decoded middle is cached across bracket trims (brackets are never
     * part of an entity). */
    size_t cnt[5] = { 0, 0, 0, 0, 0 }; /* ( ) [ ] & */
    for (size_t q = 0; q < n; q++)
        count_char(cnt, word[q], 1);
    u32out cache = { c->scratch, 0 };
    bool cached = false;
    bool trimmed = true;
    while (trimmed) {
        trimmed = false;
        for (int k = 0; k < 2; k++) {
            if (me > ms && word[ms] == wrap[k][0]) {
                count_char(cnt, word[ms], -1);
                ms++;
                if (cached) {
                    cache.v++;
                    cache.len--;
                }
                trimmed = true;
            }
            if (me > ms && word[me - 1] == wrap[k][1] && cnt[2 * k + 1] == cnt[2 * k] + 1) {
                me--;
                count_char(cnt, word[me], -1);
                if (cached) {
                    if (cache.len && cache.v[cache.len - 1] == wrap[k][1])
                        cache.len--;
                    else
                        cached = false;
                }
                if (prepend_cp(&trail, ctx_arena(c), wrap[k][1]))
                    return MN_ENOMEM;
                trimmed = true;
            }
        }
        const uint32_t *mid = word + ms;
        size_t mlen = me - ms;
        const uint32_t *un = mid;
        size_t ulen = mlen;
        if (cnt[4]) {
            if (!cached) {
                cache.v = c->scratch;
                unescape_u32(mid, mlen, &cache);
                cached = true;
            }
            un = cache.v;
            ulen = cache.len;
        }
        size_t slen = ulen;
        while (slen > 0 && is_trailing_punct(un[slen - 1]))
            slen--;
        if (slen != ulen) {
            /* trail = middle[len(stripped):] + trail */
            for (size_t q = mlen; q > slen; q--)
                if (prepend_cp(&trail, ctx_arena(c), mid[q - 1]))
                    return MN_ENOMEM;
            /* middle = middle[:len(stripped) - len(unescaped)] */
            size_t drop = ulen - slen;
            size_t new_me = drop >= mlen ? ms : me - drop;
            for (size_t q = new_me; q < me; q++)
                count_char(cnt, word[q], -1);
            me = new_me;
            cached = false;
            trimmed = true;
        }
    }
    const uint32_t *mid = word + ms;
    size_t mlen = me - ms;
    const uint32_t *tr = trail.v ? trail.v + trail.start : word;
    size_t trlen = trail.cap - trail.start;

    bool nofollow = c->flags & MN_URLIZE_NOFOLLOW;
    bool esc = (c->flags & MN_URLIZE_AUTOESCAPE) && !c->safe_input;
    bool s1 = mlen <= MAX_URL_LENGTH && simple_url(mid, mlen);
    bool s2 = !s1 && mlen <= MAX_URL_LENGTH && simple_url_2(mid, mlen);
    if (s1 || s2) {
        /* html.unescape(middle), only needed when it holds a '&' */
        const uint32_t *uv = mid;
        size_t ulen = mlen;
        if (cnt[4]) {
            u32out u = { c->scratch, 0 };
            unescape_u32(mid, mlen, &u);
            uv = u.v;
            ulen = u.len;
        }
        /* the URL as UTF-8, on the stack when it is short */
        char stack[512];
        size_t need = ulen * 4 + 8;
        char *raw = need <= sizeof stack ? stack : NULL;
        if (!raw && (!ctx_arena(c) || !(raw = mn_arena_alloc(c->a, need))))
            return MN_ENOMEM;
        size_t rl = 0;
        if (s2) {
            memcpy(raw, "http://", 7);
            rl = 7;
        }
        for (size_t q = 0; q < ulen; q++) {
            if (uv[q] < 0x80) {
                raw[rl++] = (char)uv[q];
            } else {
                size_t k = mn_utf8_encode(uv[q], raw + rl);
                rl += k ? k : mn_utf8_encode(MN_UTF8_REPLACEMENT, raw + rl);
            }
        }
        put_u32_escaped(c->out, word, ms, esc);
        int rc = put_href(c, mn_str_make(raw, rl));
        return rc ? rc : urlize_link_text(c, mid, mlen, tr, trlen, nofollow, esc);
    }
    if (count_cp(mid, mlen, ':') == 0 && mlen > 0 && is_email_simple(mid, mlen)) {
        size_t at = mlen;
        while (mid[at - 1] != '@')
            at--;
        mn_buf url, dom;
        mn_buf_init(&url, NULL, 0);
        mn_buf_init(&dom, NULL, 0);
        mn__utf8_put_u32(&dom, mid + at, mlen - at);
        mn_buf_puts(&url, "mailto:");
        mn__utf8_put_u32(&url, mid, at);
        int rc = mn_url_idna_encode(&url, mn_buf_str(&dom), NULL);
        mn_buf_free(&dom);
        if (rc == MN_EINVAL) {
            /* Django `continue`s: the word stays as it is, unescaped. */
            mn_buf_free(&url);
            return mn__utf8_put_u32(c->out, word, n);
        }
        put_u32_escaped(c->out, word, ms, esc);
        mn_buf_puts(c->out, "<a href=\"");
        mn_html_escape(c->out, mn_buf_str(&url));
        mn_buf_free(&url);
        return urlize_link_text(c, mid, mlen, tr, trlen, false, esc);
    }
    return put_u32_escaped(c->out, word, n, esc);
}

/* Classes of ASCII bytes for urlize: Django splits on [\s<>"']+
 * (str.isspace() for \s); words holding '.', '@' or ':' may be links. */
enum { U_SPLIT = 1, U_CANDIDATE = 2 };
static const unsigned char urlize_class[128] = {
    [0x09] = U_SPLIT, [0x0A] = U_SPLIT, [0x0B] = U_SPLIT, [0x0C] = U_SPLIT, [0x0D] = U_SPLIT,
    [0x1C] = U_SPLIT, [0x1D] = U_SPLIT, [0x1E] = U_SPLIT, [0x1F] = U_SPLIT, [' '] = U_SPLIT,
    ['<'] = U_SPLIT,  ['>'] = U_SPLIT,  ['"'] = U_SPLIT,  ['\''] = U_SPLIT, ['.'] = U_CANDIDATE,
    ['@'] = U_CANDIDATE, [':'] = U_CANDIDATE,
};

static inline bool ascii_split(unsigned char c) { return urlize_class[c] & U_SPLIT; }

/* The length of the split character at p (valid UTF-8), 0 for a word
 * character. */
static size_t split_char_len(const unsigned char *p, size_t left)
{
    if (p[0] < 0x80)
        return ascii_split(p[0]) ? 1 : 0;
    mn_str s = mn_str_make((const char *)p, left);
    size_t pos = 0;
    uint32_t cp;
    mn_utf8_next(s, &pos, &cp);
    return mn_unicode_isspace(cp) ? pos : 0;
}

/* urlize on UTF-8 text; MN_EPARSE when it is not valid (the output is
 * then incomplete). */
static int urlize_text(mn_buf *out, mn_str s, long trim_limit, unsigned flags)
{
    urlize_ctx c = { NULL, out, trim_limit < 0 ? -1 : trim_limit, flags, (flags & MN_URLIZE_SAFE_INPUT) != 0, NULL };
    bool esc = !c.safe_input && (flags & MN_URLIZE_AUTOESCAPE);
    const unsigned char *p = (const unsigned char *)s.ptr;
    uint32_t stack[256];
    int rc = MN_OK;
    /* Separators and words without '.', '@' or ':' stay as they are
     * (escaped): they are copied in runs [run, i). */
    size_t run = 0;
    for (size_t i = 0; i < s.len && !rc;) {
        size_t j = i;
        size_t k = split_char_len(p + i, s.len - i);
        if (k) {
            /* separators never hold '.', '@' or ':' */
            do
                j += k;
            while (j < s.len && (k = split_char_len(p + j, s.len - j)) != 0);
            i = j;
            continue;
        }
        bool candidate = false, ascii = true;
        while (j < s.len) {
            unsigned char b = p[j];
            if (b < 0x80) {
                unsigned char cl = urlize_class[b];
                if (cl & U_SPLIT)
                    break;
                candidate |= cl != 0;
                j++;
            } else if (split_char_len(p + j, s.len - j)) {
                break;
            } else {
                ascii = false;
                size_t pos = j;
                uint32_t cp;
                if (mn_utf8_next(s, &pos, &cp) != MN_OK) {
                    rc = MN_EPARSE;
                    break;
                }
                j = pos;
            }
        }
        if (rc)
            break;
        mn_str seg = mn_str_slice(s, i, j);
        if (!candidate) {
            i = j;
            continue;
        }
        if (run < i) {
            mn_str r = mn_str_slice(s, run, i);
            rc = esc ? mn_html_escape(out, r) : mn_buf_put_str(out, r);
            if (rc)
                break;
        }
        i = run = j;
        if (ascii && urlize_plain_ascii(&c, seg, &rc))
            continue;
        /* a possible link: decoded to code points (the word and the
         * unescape scratch on the stack when the word is short) */
        uint32_t *w = stack;
        if (seg.len * 2 + 2 > sizeof stack / sizeof stack[0]) {
            if (!ctx_arena(&c) || !(w = mn_arena_alloc(c.a, (seg.len * 2 + 2) * sizeof(uint32_t)))) {
                rc = MN_ENOMEM;
                break;
            }
        }
        size_t n = 0, pos = 0;
        while (pos < seg.len) {
            if ((unsigned char)seg.ptr[pos] < 0x80)
                w[n++] = (unsigned char)seg.ptr[pos++];
            else
                mn_utf8_next(seg, &pos, &w[n++]);
        }
        c.scratch = w + n + 1;
        mn_arena_mark m = { 0 };
        bool had = c.a != NULL;
        if (had)
            m = mn_arena_mark_get(c.a);
        rc = urlize_word(&c, w, n);
        if (had)
            mn_arena_rewind(c.a, m);
    }
    if (!rc && run < s.len) {
        mn_str r = mn_str_slice(s, run, s.len);
        rc = esc ? mn_html_escape(out, r) : mn_buf_put_str(out, r);
    }
    mn_arena_free(c.a);
    return rc ? rc : mn_buf_error(out);
}

int mn_html_urlize(mn_buf *out, mn_str s, long trim_limit, unsigned flags)
{
    size_t start = out->len;
    int rc = urlize_text(out, s, trim_limit, flags);
    if (rc != MN_EPARSE)
        return rc;
    /* Python reads invalid UTF-8 as U+FFFD (errors='replace'): start over
     * on the text read that way. */
    mn_buf_truncate(out, start);
    mn_buf clean;
    mn_buf_init(&clean, NULL, 0);
    rc = mn_utf8_sanitize(&clean, s);
    if (!rc)
        rc = urlize_text(out, mn_buf_str(&clean), trim_limit, flags);
    mn_buf_free(&clean);
    return rc;
}
