/* Case mapping, slugify, truncation, wrapping and line breaks with the exact
 * semantics of Python 3 str methods and Django 3.2 text utilities.
 *
 * Most algorithms work on decoded code point arrays in a scratch arena so
 * that Python's character indexing can be followed literally. */
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>
#include "text_internal.h"

/* ---- a growable code point vector in an arena ---- */

typedef struct u32vec {
    mn_arena *a;
    uint32_t *v;
    size_t len, cap;
    int err;
} u32vec;

static void vec_init(u32vec *w, mn_arena *a, size_t hint)
{
    w->a = a;
    w->len = 0;
    w->cap = hint ? hint : 16;
    w->err = MN_OK;
    w->v = mn_arena_alloc(a, w->cap * sizeof(uint32_t));
    if (!w->v)
        w->err = MN_ENOMEM;
}

static void vec_push(u32vec *w, uint32_t c)
{
    if (w->err)
        return;
    if (w->len == w->cap) {
        uint32_t *nv = mn_arena_realloc(w->a, w->v, w->cap * sizeof(uint32_t), w->cap * 2 * sizeof(uint32_t));
        if (!nv) {
            w->err = MN_ENOMEM;
            return;
        }
        w->v = nv;
        w->cap *= 2;
    }
    w->v[w->len++] = c;
}

static void vec_pushn(u32vec *w, const uint32_t *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vec_push(w, c[i]);
}

/* ---- case mapping ---- */

static bool is_cased(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return uc_is_property_cased(c);
}

static bool is_case_ignorable(uint32_t c)
{
    return uc_is_property_case_ignorable(c);
}

/* Python's handle_capital_sigma: sigma is final when a cased letter comes
 * before it and none after it (case-ignorable characters skipped). */
static bool sigma_is_final(const uint32_t *s, size_t n, size_t i)
{
    size_t j = i;
    uint32_t c = 0;
    bool found = false;
    while (j > 0) {
        c = s[--j];
        if (!is_case_ignorable(c)) {
            found = true;
            break;
        }
    }
    if (!found || !is_cased(c))
        return false;
    for (j = i + 1; j < n; j++) {
        c = s[j];
        if (!is_case_ignorable(c))
            return !is_cased(c);
    }
    return true;
}

typedef uint32_t *(*mapper)(const uint32_t *, size_t, const char *, uninorm_t, uint32_t *, size_t *);

/* Full mapping of one character through a libunistring mapper. */
static void map_one(u32vec *w, uint32_t c, mapper fn)
{
    uint32_t tmp[8];
    size_t n = sizeof tmp / sizeof tmp[0];
    uint32_t *r = fn(&c, 1, NULL, NULL, tmp, &n);
    if (!r) {
        vec_push(w, c);
        return;
    }
    vec_pushn(w, r, n);
    if (r != tmp)
        free(r);
}

/* Python's lower_ucs4 for s[i]. */
static void lower_at(u32vec *w, const uint32_t *s, size_t n, size_t i)
{
    uint32_t c = s[i];
    if (c < 0x80) {
        vec_push(w, (c >= 'A' && c <= 'Z') ? c + 32 : c);
        return;
    }
    if (c == 0x3A3) {
        vec_push(w, sigma_is_final(s, n, i) ? 0x3C2 : 0x3C3);
        return;
    }
    map_one(w, c, u32_tolower);
}

static void title_one(u32vec *w, uint32_t c)
{
    if (c < 0x80) {
        vec_push(w, (c >= 'a' && c <= 'z') ? c - 32 : c);
        return;
    }
    map_one(w, c, u32_totitle);
}

typedef uint8_t *(*u8mapper)(const uint8_t *, size_t, const char *, uninorm_t, uint8_t *, size_t *);

/* Maps a whole (sanitised) string with a libunistring function. */
static int map_string(mn_buf *out, mn_str s, u8mapper fn)
{
    mn_buf clean;
    const uint8_t *p = (const uint8_t *)s.ptr;
    size_t n = s.len;
    mn_buf_init(&clean, NULL, 0);
    if (!mn_utf8_valid(s)) {
        if (mn_utf8_sanitize(&clean, s)) {
            mn_buf_free(&clean);
            return MN_ENOMEM;
        }
        p = (const uint8_t *)clean.data;
        n = clean.len;
    }
    size_t rn = 0;
    uint8_t *r = n ? fn(p, n, NULL, NULL, NULL, &rn) : NULL;
    int rc;
    if (n && !r)
        rc = MN_ENOMEM;
    else
        rc = mn_buf_append(out, r, rn);
    free(r);
    mn_buf_free(&clean);
    return rc;
}

/* Defined below: lowercasing needs Python's own final-sigma context. */
static int lower_all(mn_buf *out, mn_str s);

int mn_text_lower(mn_buf *out, mn_str s)
{
    return lower_all(out, s);
}

int mn_text_upper(mn_buf *out, mn_str s)
{
    return map_string(out, s, u8_toupper);
}

/* The shared frame of the code-point algorithms: decode into a scratch
 * arena, run, encode, free the scratch. */
#define WITH_DECODED(s, arena, arr)                                              \
    mn_arena *arena = mn__scratch_new();                                         \
    mn__u32s arr;                                                                \
    if (!arena || mn__utf8_decode_all(arena, s, &arr)) {                          \
        mn_arena_free(arena);                                                    \
        return MN_ENOMEM;                                                        \
    }

static int finish(mn_buf *out, mn_arena *a, const uint32_t *v, size_t n, int err)
{
    int rc = err ? err : mn__utf8_put_u32(out, v, n);
    mn_arena_free(a);
    return rc;
}

static int lower_all(mn_buf *out, mn_str s)
{
    bool ascii = true;
    for (size_t i = 0; i < s.len && ascii; i++)
        ascii = (unsigned char)s.ptr[i] < 0x80;
    if (ascii) {
        char *dst = mn_buf_reserve(out, s.len);
        if (!dst)
            return mn_buf_error(out);
        for (size_t i = 0; i < s.len; i++)
            dst[i] = (char)((s.ptr[i] >= 'A' && s.ptr[i] <= 'Z') ? s.ptr[i] + 32 : s.ptr[i]);
        mn_buf_commit(out, s.len);
        return mn_buf_error(out);
    }
    WITH_DECODED(s, a, t);
    u32vec w;
    vec_init(&w, a, t.len + 1);
    for (size_t i = 0; i < t.len; i++)
        lower_at(&w, t.cp, t.len, i);
    return finish(out, a, w.v, w.len, w.err);
}

static void title_into(u32vec *w, const mn__u32s *t)
{
    bool prev_cased = false;
    for (size_t i = 0; i < t->len; i++) {
        uint32_t c = t->cp[i];
        if (prev_cased)
            lower_at(w, t->cp, t->len, i);
        else
            title_one(w, c);
        prev_cased = is_cased(c);
    }
}

int mn_text_title(mn_buf *out, mn_str s)
{
    WITH_DECODED(s, a, t);
    u32vec w;
    vec_init(&w, a, t.len + 1);
    title_into(&w, &t);
    return finish(out, a, w.v, w.len, w.err);
}

int mn_text_capitalize(mn_buf *out, mn_str s)
{
    WITH_DECODED(s, a, t);
    u32vec w;
    vec_init(&w, a, t.len + 1);
    for (size_t i = 0; i < t.len; i++) {
        if (i == 0)
            title_one(&w, t.cp[0]);
        else
            lower_at(&w, t.cp, t.len, i);
    }
    return finish(out, a, w.v, w.len, w.err);
}

static bool is_ascii_lower(uint32_t c) { return c >= 'a' && c <= 'z'; }
static bool is_ascii_upper(uint32_t c) { return c >= 'A' && c <= 'Z'; }

int mn_text_django_title(mn_buf *out, mn_str s)
{
    WITH_DECODED(s, a, t);
    u32vec w;
    vec_init(&w, a, t.len + 1);
    title_into(&w, &t);
    if (w.err)
        return finish(out, a, NULL, 0, w.err);
    uint32_t *v = w.v;
    size_t n = w.len;
    /* re.sub("([a-z])'([A-Z])", lower) */
    for (size_t i = 0; i + 2 < n;) {
        if (is_ascii_lower(v[i]) && v[i + 1] == '\'' && is_ascii_upper(v[i + 2])) {
            v[i + 2] += 32;
            i += 3;
        } else {
            i++;
        }
    }
    /* re.sub(r"\d([A-Z])", lower): \d is any Unicode decimal digit */
    for (size_t i = 0; i + 1 < n;) {
        if (uc_is_general_category(v[i], UC_DECIMAL_DIGIT_NUMBER) && is_ascii_upper(v[i + 1])) {
            v[i + 1] += 32;
            i += 2;
        } else {
            i++;
        }
    }
    return finish(out, a, v, n, MN_OK);
}

int mn_text_capfirst(mn_buf *out, mn_str s)
{
    if (s.len == 0)
        return mn_buf_error(out);
    size_t pos = 0;
    uint32_t c;
    mn_utf8_next(s, &pos, &c);
    mn_arena *a = mn__scratch_new();
    if (!a)
        return MN_ENOMEM;
    u32vec w;
    vec_init(&w, a, 4);
    map_one(&w, c, u32_toupper);
    int rc = w.err ? w.err : mn__utf8_put_u32(out, w.v, w.len);
    mn_arena_free(a);
    if (rc)
        return rc;
    return mn_utf8_sanitize(out, mn_str_slice(s, pos, s.len));
}

/* ---- slugify ---- */

/* Normalises (and sanitises) s with libunistring into a malloc'd buffer. */
static uint8_t *normalize(mn_str s, uninorm_t nf, size_t *rn)
{
    mn_buf clean;
    mn_buf_init(&clean, NULL, 0);
    if (mn_utf8_sanitize(&clean, s)) {
        mn_buf_free(&clean);
        return NULL;
    }
    uint8_t *r = u8_normalize(nf, (const uint8_t *)mn_buf_cstr(&clean), clean.len, NULL, rn);
    mn_buf_free(&clean);
    return r;
}

int mn_text_slugify(mn_buf *out, mn_str s, bool allow_unicode)
{
    if (s.len == 0)
        return mn_buf_error(out);
    size_t nn = 0;
    uint8_t *norm = normalize(s, allow_unicode ? UNINORM_NFKC : UNINORM_NFKD, &nn);
    if (!norm)
        return MN_ENOMEM;
    if (!allow_unicode) {
        size_t w = 0;
        for (size_t i = 0; i < nn; i++)
            if (norm[i] < 0x80)
                norm[w++] = norm[i];
        nn = w;
    }
    mn_buf low;
    mn_buf_init(&low, NULL, 0);
    int rc = mn_text_lower(&low, mn_str_make((const char *)norm, nn));
    free(norm);
    if (rc) {
        mn_buf_free(&low);
        return rc;
    }
    mn_arena *a = mn__scratch_new();
    mn__u32s t;
    if (!a || mn__utf8_decode_all(a, mn_buf_str(&low), &t)) {
        mn_buf_free(&low);
        mn_arena_free(a);
        return MN_ENOMEM;
    }
    mn_buf_free(&low);
    /* re.sub(r'[^\w\s-]', '') then re.sub(r'[-\s]+', '-') */
    size_t w = 0;
    bool in_sep = false;
    for (size_t i = 0; i < t.len; i++) {
        uint32_t c = t.cp[i];
        if (c == '-' || mn_unicode_isspace(c)) {
            if (!in_sep)
                t.cp[w++] = '-';
            in_sep = true;
        } else if (mn__unicode_isword(c)) {
            t.cp[w++] = c;
            in_sep = false;
        }
    }
    /* .strip('-_') */
    size_t start = 0, end = w;
    while (start < end && (t.cp[start] == '-' || t.cp[start] == '_'))
        start++;
    while (end > start && (t.cp[end - 1] == '-' || t.cp[end - 1] == '_'))
        end--;
    return finish(out, a, t.cp + start, end - start, MN_OK);
}

/* ---- truncation ---- */

static const uint32_t ELLIPSIS = 0x2026;

int mn_text_truncate_chars(mn_buf *out, mn_str s, long length)
{
    size_t nn = 0;
    uint8_t *norm = s.len ? normalize(s, UNINORM_NFC, &nn) : NULL;
    if (s.len && !norm)
        return MN_ENOMEM;
    mn_str ns = mn_str_make((const char *)norm, nn);
    mn_arena *a = mn__scratch_new();
    mn__u32s t;
    if (!a || mn__utf8_decode_all(a, ns, &t)) {
        free(norm);
        mn_arena_free(a);
        return MN_ENOMEM;
    }
    free(norm);
    long truncate_len = length - 1;
    long s_len = 0;
    size_t end_index = 0;
    bool have_end = false;
    for (size_t i = 0; i < t.len; i++) {
        if (uc_combining_class(t.cp[i]) != 0)
            continue;
        s_len++;
        if (!have_end && s_len > truncate_len) {
            end_index = i;
            have_end = true;
        }
        if (s_len > length) {
            int rc = mn__utf8_put_u32(out, t.cp, end_index);
            if (!rc)
                rc = mn_utf8_append(out, ELLIPSIS);
            mn_arena_free(a);
            return rc;
        }
    }
    return finish(out, a, t.cp, t.len, MN_OK);
}

static const uint32_t WORDS_TRUNC[2] = { ' ', 0x2026 };

static inline bool ascii_space(unsigned char c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
}

/* Truncator.words on the UTF-8 text itself, for num >= 0: the kept words
 * are copied as they are (the result is never longer than the text plus
 * " …"). false (nothing appended) when a kept word holds invalid UTF-8,
 * which Python reads as U+FFFD: the caller decodes then. */
static bool truncate_words_utf8(mn_buf *out, mn_str s, size_t num)
{
    if (out->len > out->max || out->max - out->len < s.len + 4)
        return false; /* near the buffer's limit: the exact way */
    char *dst = mn_buf_reserve(out, s.len + 4);
    if (!dst)
        return true;
    size_t n = s.len, i = 0, k = 0, w = 0, last = 0;
    const unsigned char *p = (const unsigned char *)s.ptr;
    bool truncated = false;
    for (;;) {
        /* skip whitespace (an invalid sequence is a word character) */
        while (i < n) {
            if (p[i] < 0x80) {
                if (!ascii_space(p[i]))
                    break;
                i++;
            } else {
                size_t pos = i;
                uint32_t cp;
                if (mn_utf8_next(s, &pos, &cp) != MN_OK || !mn_unicode_isspace(cp))
                    break;
                i = pos;
            }
        }
        if (i == n)
            break;
        if (k == num) {
            truncated = true;
            break;
        }
        size_t start = i;
        while (i < n) {
            if (p[i] > 0x20 && p[i] < 0x80) {
                i++; /* printable ASCII, the common case */
            } else if (p[i] < 0x80) {
                if (ascii_space(p[i]))
                    break;
                i++;
            } else {
                size_t pos = i;
                uint32_t cp;
                if (mn_utf8_next(s, &pos, &cp) != MN_OK)
                    return false;
                if (mn_unicode_isspace(cp))
                    break;
                i = pos;
            }
        }
        if (k)
            dst[w++] = ' ';
        last = w;
        memcpy(dst + w, s.ptr + start, i - start);
        w += i - start;
        k++;
    }
    /* add_truncation_text: " …" unless the text already ends with it */
    if (truncated && !(k >= 2 && w - last == 3 && memcmp(dst + last, "\xE2\x80\xA6", 3) == 0)) {
        memcpy(dst + w, " \xE2\x80\xA6", 4);
        w += 4;
    }
    mn_buf_commit(out, w);
    return true;
}

int mn_text_truncate_words(mn_buf *out, mn_str s, long length)
{
    if (length >= 0 && truncate_words_utf8(out, s, (size_t)length))
        return mn_buf_error(out);
    WITH_DECODED(s, a, t);
    /* split() into word spans */
    size_t nwords = 0;
    size_t *starts = mn_arena_alloc(a, (t.len / 2 + 1) * sizeof(size_t));
    size_t *ends = mn_arena_alloc(a, (t.len / 2 + 1) * sizeof(size_t));
    if (!starts || !ends)
        return finish(out, a, NULL, 0, MN_ENOMEM);
    for (size_t i = 0; i < t.len;) {
        while (i < t.len && mn_unicode_isspace(t.cp[i]))
            i++;
        if (i == t.len)
            break;
        starts[nwords] = i;
        while (i < t.len && !mn_unicode_isspace(t.cp[i]))
            i++;
        ends[nwords++] = i;
    }
    bool truncated = length < 0 || (size_t)length < nwords;
    size_t keep = nwords;
    if (truncated) {
        if (length >= 0) {
            keep = (size_t)length;
        } else {
            long k = (long)nwords + length; /* words[:length] with a negative length */
            keep = k < 0 ? 0 : (size_t)k;
        }
    }
    u32vec w;
    vec_init(&w, a, t.len + 3);
    for (size_t k = 0; k < keep; k++) {
        if (k)
            vec_push(&w, ' ');
        vec_pushn(&w, t.cp + starts[k], ends[k] - starts[k]);
    }
    if (truncated && !(w.len >= 2 && w.v[w.len - 2] == ' ' && w.v[w.len - 1] == 0x2026))
        vec_pushn(&w, WORDS_TRUNC, 2);
    return finish(out, a, w.v, w.len, w.err);
}

#define MAX_LENGTH_HTML 5000000

static const char *const html4_singlets[] = {
    "br", "col", "link", "base", "img", "param", "area", "hr", "input",
};

typedef struct tagname {
    uint32_t *cp;
    size_t len;
} tagname;

/* Python's re_tag, <(/)?(\S+?)(?:(\s*[/])|\s.*?)?> applied with match() to a tag
 * span t[0..n) that starts with '<', ends with '>' and holds no other '>'.
 * Finds the tag name in inner = t[1..n-1). */
static bool tag_parse_name(const uint32_t *s, size_t n, size_t *name_len, bool *self_closing)
{
    for (size_t k = 1; k <= n; k++) {
        if (mn_unicode_isspace(s[k - 1]))
            return false;
        const uint32_t *rem = s + k;
        size_t rn = n - k;
        if (rn == 0) {
            *name_len = k;
            *self_closing = false;
            return true;
        }
        size_t j = 0;
        while (j < rn && mn_unicode_isspace(rem[j]))
            j++;
        if (j + 1 == rn && rem[j] == '/') {
            *name_len = k;
            *self_closing = true;
            return true;
        }
        if (mn_unicode_isspace(rem[0])) {
            *name_len = k;
            *self_closing = false;
            return true;
        }
    }
    return false;
}

static bool tag_match(const uint32_t *t, size_t n, bool *closing, size_t *name_off, size_t *name_len,
                      bool *self_closing)
{
    const uint32_t *inner = t + 1;
    size_t in = n - 2;
    if (in > 0 && inner[0] == '/' && tag_parse_name(inner + 1, in - 1, name_len, self_closing)) {
        *closing = true;
        *name_off = 2;
        return true;
    }
    if (in > 0 && tag_parse_name(inner, in, name_len, self_closing)) {
        *closing = false;
        *name_off = 1;
        return true;
    }
    return false;
}

static bool is_singlet(const tagname *tn)
{
    for (size_t i = 0; i < sizeof html4_singlets / sizeof html4_singlets[0]; i++) {
        const char *s = html4_singlets[i];
        size_t l = strlen(s);
        if (l != tn->len)
            continue;
        size_t k = 0;
        while (k < l && tn->cp[k] == (uint32_t)(unsigned char)s[k])
            k++;
        if (k == l)
            return true;
    }
    return false;
}

static bool tagname_eq(const tagname *x, const tagname *y)
{
    return x->len == y->len && memcmp(x->cp, y->cp, x->len * sizeof(uint32_t)) == 0;
}

/* Truncator._truncate_html. */
static int truncate_html(mn_buf *out, mn_str s, long length, bool words, bool nfc)
{
    if (words && length <= 0)
        return mn_buf_error(out);
    uint8_t *norm = NULL;
    size_t nn = 0;
    if (nfc && s.len) {
        norm = normalize(s, UNINORM_NFC, &nn);
        if (!norm)
            return MN_ENOMEM;
        s = mn_str_make((const char *)norm, nn);
    }
    mn_arena *a = mn__scratch_new();
    mn__u32s t;
    if (!a || mn__utf8_decode_all(a, s, &t)) {
        free(norm);
        mn_arena_free(a);
        return MN_ENOMEM;
    }
    free(norm);
    bool size_limited = false;
    if (t.len > MAX_LENGTH_HTML) {
        t.len = MAX_LENGTH_HTML;
        size_limited = true;
    }
    const uint32_t *text = t.cp;
    size_t n = t.len;
    long truncate_len = words ? length : length - 1;
    const uint32_t *trunc = words ? WORDS_TRUNC : &ELLIPSIS;
    size_t trunc_n = words ? 2 : 1;

    tagname *stack = NULL;
    size_t depth = 0, stack_cap = 0;
    size_t pos = 0, end_text_pos = 0;
    long current_len = 0;
    size_t gt = 0; /* index of the first '>' at or after some point, or n */
    bool gt_valid = false;
    int err = MN_OK;

    while (current_len <= length) {
        size_t mstart, mend;
        bool is_word = false;
        if (!words) {
            if (pos >= n)
                break;
            mstart = pos;
            mend = pos + 1;
            is_word = true;
            if (text[pos] == '<' && pos + 1 < n && text[pos + 1] != '>') {
                if (!gt_valid || gt < pos + 1) {
                    gt = pos + 1;
                    while (gt < n && text[gt] != '>')
                        gt++;
                    gt_valid = true;
                }
                if (gt < n) {
                    mend = gt + 1;
                    is_word = false;
                }
            }
        } else {
            size_t i = pos;
            while (i < n && text[i] != '<' && (text[i] == '>' || mn_unicode_isspace(text[i])))
                i++;
            if (i >= n)
                break;
            if (text[i] == '<') {
                if (!gt_valid || gt < i + 1) {
                    gt = i + 1;
                    while (gt < n && text[gt] != '>')
                        gt++;
                    gt_valid = true;
                }
                if (gt < n) {
                    mstart = i;
                    mend = gt + 1;
                } else {
                    /* re_notag.search(text, pos + 1) */
                    i = i + 1;
                    while (i < n && (text[i] == '<' || text[i] == '>' || mn_unicode_isspace(text[i])))
                        i++;
                    if (i >= n)
                        break;
                    mstart = i;
                    is_word = true;
                }
            } else {
                mstart = i;
                is_word = true;
            }
            if (is_word) {
                mend = mstart;
                while (mend < n && text[mend] != '<' && text[mend] != '>' && !mn_unicode_isspace(text[mend]))
                    mend++;
            }
        }
        pos = mend;
        if (is_word) {
            current_len++;
            if (current_len == truncate_len)
                end_text_pos = pos;
            continue;
        }
        bool closing, self_closing;
        size_t name_off, name_len;
        if (current_len >= truncate_len ||
            !tag_match(text + mstart, mend - mstart, &closing, &name_off, &name_len, &self_closing))
            continue;
        u32vec low;
        vec_init(&low, a, name_len + 1);
        for (size_t k = 0; k < name_len; k++)
            lower_at(&low, text + mstart + name_off, name_len, k);
        if (low.err) {
            err = low.err;
            break;
        }
        tagname tn = { low.v, low.len };
        if (self_closing || is_singlet(&tn))
            continue;
        if (closing) {
            if (depth && tagname_eq(&stack[depth - 1], &tn))
                depth--;
        } else {
            if (depth == stack_cap) {
                size_t nc = stack_cap ? stack_cap * 2 : 16;
                tagname *ns = mn_arena_realloc(a, stack, stack_cap * sizeof(tagname), nc * sizeof(tagname));
                if (!ns) {
                    err = MN_ENOMEM;
                    break;
                }
                stack = ns;
                stack_cap = nc;
            }
            stack[depth++] = tn;
        }
    }
    if (err)
        return finish(out, a, NULL, 0, err);
    if (current_len <= length) {
        int rc = mn__utf8_put_u32(out, text, n);
        if (!rc && size_limited)
            rc = mn__utf8_put_u32(out, trunc, trunc_n);
        mn_arena_free(a);
        return rc;
    }
    int rc = mn__utf8_put_u32(out, text, end_text_pos);
    if (!rc)
        rc = mn__utf8_put_u32(out, trunc, trunc_n);
    while (!rc && depth) {
        tagname *tn = &stack[--depth];
        mn_buf_append(out, "</", 2);
        mn__utf8_put_u32(out, tn->cp, tn->len);
        rc = mn_buf_putc(out, '>');
    }
    mn_arena_free(a);
    return rc;
}

int mn_text_truncate_chars_html(mn_buf *out, mn_str s, long num)
{
    return truncate_html(out, s, num, false, true);
}

int mn_text_truncate_words_html(mn_buf *out, mn_str s, long num)
{
    return truncate_html(out, s, num, true, false);
}

/* ---- wordwrap (textwrap.TextWrapper, break_long_words=False,
 * break_on_hyphens=False) ---- */

static bool is_line_break(uint32_t c)
{
    return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E ||
           c == 0x85 || c == 0x2028 || c == 0x2029;
}

typedef struct span {
    size_t start, len;
} span;

static bool all_space(const uint32_t *v, span c)
{
    for (size_t i = 0; i < c.len; i++)
        if (!mn_unicode_isspace(v[c.start + i]))
            return false;
    return true;
}

/* Wraps one line (terminator included) and appends its output lines,
 * separated by '\n' (a '\n' goes before each line when *any is set). */
static int wrap_line(u32vec *w, mn_arena *a, const uint32_t *line, size_t n, size_t width, bool *any)
{
    /* expandtabs(8), then whitespace -> ' ' */
    u32vec e;
    vec_init(&e, a, n + 8);
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = line[i];
        if (c == '\t') {
            size_t inc = 8 - col % 8;
            for (size_t k = 0; k < inc; k++)
                vec_push(&e, ' ');
            col += inc;
            continue;
        }
        col++;
        if (c == '\n' || c == '\r')
            col = 0;
        if (c == '\n' || c == '\r' || c == 0x0B || c == 0x0C)
            c = ' ';
        vec_push(&e, c);
    }
    if (e.err)
        return e.err;
    /* chunks: runs of ' ' and runs of anything else */
    span *chunks = mn_arena_alloc(a, (e.len + 1) * sizeof(span));
    if (!chunks)
        return MN_ENOMEM;
    size_t nc = 0;
    for (size_t i = 0; i < e.len;) {
        size_t j = i;
        bool sp = e.v[i] == ' ';
        while (j < e.len && (e.v[j] == ' ') == sp)
            j++;
        chunks[nc++] = (span){ i, j - i };
        i = j;
    }
    size_t ci = 0;
    bool have_lines = false;
    span *cur = mn_arena_alloc(a, (nc + 1) * sizeof(span));
    if (!cur)
        return MN_ENOMEM;
    while (ci < nc) {
        size_t ncur = 0, cur_len = 0;
        if (all_space(e.v, chunks[ci]) && have_lines)
            ci++;
        while (ci < nc) {
            size_t l = chunks[ci].len;
            if (cur_len + l <= width) {
                cur[ncur++] = chunks[ci++];
                cur_len += l;
            } else {
                break;
            }
        }
        if (ci < nc && chunks[ci].len > width && ncur == 0)
            cur[ncur++] = chunks[ci++];
        if (ncur && all_space(e.v, cur[ncur - 1]))
            ncur--;
        if (ncur) {
            if (*any)
                vec_push(w, '\n');
            for (size_t k = 0; k < ncur; k++)
                vec_pushn(w, e.v + cur[k].start, cur[k].len);
            *any = true;
            have_lines = true;
        }
    }
    return w->err;
}

int mn_text_wordwrap(mn_buf *out, mn_str s, long width)
{
    if (width <= 0)
        return MN_EINVAL;
    WITH_DECODED(s, a, t);
    u32vec w;
    vec_init(&w, a, t.len + 16);
    bool any = false;
    int rc = MN_OK;
    for (size_t i = 0; i < t.len && !rc;) {
        size_t j = i;
        while (j < t.len && !is_line_break(t.cp[j]))
            j++;
        if (j < t.len) {
            if (t.cp[j] == '\r' && j + 1 < t.len && t.cp[j + 1] == '\n')
                j++;
            j++;
        }
        rc = wrap_line(&w, a, t.cp + i, j - i, (size_t)width, &any);
        i = j;
    }
    return finish(out, a, w.v, w.len, rc ? rc : w.err);
}

size_t mn_text_wordcount(mn_str s)
{
    size_t pos = 0, n = 0;
    bool in_word = false;
    uint32_t c;
    while (mn_utf8_next(s, &pos, &c) != MN_ENOTFOUND) {
        bool sp = mn_unicode_isspace(c);
        if (!sp && !in_word)
            n++;
        in_word = !sp;
    }
    return n;
}

/* ---- line breaks ---- */

/* Appends s with \r\n and \r normalised to \n, escaped when asked. */
static int put_text(mn_buf *out, mn_str s, bool esc)
{
    return esc ? mn_html_escape(out, s) : mn_buf_put_str(out, s);
}

int mn_text_linebreaksbr(mn_buf *out, mn_str s, bool autoescape)
{
    size_t run = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c != '\n' && c != '\r')
            continue;
        put_text(out, mn_str_slice(s, run, i), autoescape);
        mn_buf_append(out, "<br>", 4);
        if (c == '\r' && i + 1 < s.len && s.ptr[i + 1] == '\n')
            i++;
        run = i + 1;
    }
    return put_text(out, mn_str_slice(s, run, s.len), autoescape);
}

int mn_text_linebreaks(mn_buf *out, mn_str s, bool autoescape)
{
    /* normalize_newlines, then split on \n{2,} */
    mn_buf norm;
    mn_buf_init(&norm, NULL, 0);
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '\r') {
            if (i + 1 < s.len && s.ptr[i + 1] == '\n')
                i++;
            c = '\n';
        }
        mn_buf_putc(&norm, c);
    }
    if (mn_buf_error(&norm)) {
        int e = mn_buf_error(&norm);
        mn_buf_free(&norm);
        return e;
    }
    mn_str t = mn_buf_str(&norm);
    size_t start = 0;
    for (;;) {
        size_t i = start, brk = t.len, next = t.len;
        while (i < t.len) {
            if (t.ptr[i] == '\n' && i + 1 < t.len && t.ptr[i + 1] == '\n') {
                brk = i;
                next = i;
                while (next < t.len && t.ptr[next] == '\n')
                    next++;
                break;
            }
            i++;
        }
        mn_buf_append(out, "<p>", 3);
        mn_str para = mn_str_slice(t, start, brk);
        size_t run = 0;
        for (size_t k = 0; k < para.len; k++) {
            if (para.ptr[k] == '\n') {
                put_text(out, mn_str_slice(para, run, k), autoescape);
                mn_buf_append(out, "<br>", 4);
                run = k + 1;
            }
        }
        put_text(out, mn_str_slice(para, run, para.len), autoescape);
        mn_buf_append(out, "</p>", 4);
        if (brk == t.len)
            break;
        mn_buf_append(out, "\n\n", 2);
        start = next;
    }
    mn_buf_free(&norm);
    return mn_buf_error(out);
}

int mn_text_addslashes(mn_buf *out, mn_str s)
{
    size_t run = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '\\' || c == '"' || c == '\'') {
            mn_buf_append(out, s.ptr + run, i - run);
            mn_buf_putc(out, '\\');
            run = i;
        }
    }
    return mn_buf_append(out, s.ptr + run, s.len - run);
}
