/* Percent-encoding with the exact rules of Python's urllib.parse, Django's
 * iri_to_uri and smart_urlquote, and the IDNA 2003 encoding of Python's
 * 'idna' codec. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include "text_internal.h"

static const char HEX[] = "0123456789ABCDEF";

static bool always_safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == '~';
}

static void safe_table(bool tab[256], const char *safe, bool space)
{
    for (int i = 0; i < 256; i++)
        tab[i] = always_safe((unsigned char)i);
    for (const char *p = safe; *p; p++)
        if ((unsigned char)*p < 0x80)
            tab[(unsigned char)*p] = true;
    if (space)
        tab[' '] = true;
}

static int quote_with(mn_buf *out, mn_str s, const bool tab[256], bool plus)
{
    size_t run = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (tab[c] && !(plus && c == ' '))
            continue;
        mn_buf_append(out, s.ptr + run, i - run);
        if (plus && c == ' ') {
            mn_buf_putc(out, '+');
        } else {
            char esc[3] = { '%', HEX[c >> 4], HEX[c & 15] };
            mn_buf_append(out, esc, 3);
        }
        run = i + 1;
    }
    return mn_buf_append(out, s.ptr + run, s.len - run);
}

int mn_url_quote(mn_buf *out, mn_str s, const char *safe)
{
    bool tab[256];
    safe_table(tab, safe ? safe : "/", false);
    return quote_with(out, s, tab, false);
}

int mn_url_quote_plus(mn_buf *out, mn_str s, const char *safe)
{
    bool tab[256];
    /* Python quotes with safe + ' ' and then turns the spaces into '+'. */
    safe_table(tab, safe ? safe : "", true);
    return quote_with(out, s, tab, true);
}

int mn_url_iri_to_uri(mn_buf *out, mn_str s)
{
    return mn_url_quote(out, s, "/#%[]=:;$&()+,!?*@'~");
}

static int unquote_impl(mn_buf *out, mn_str s, bool plus, mn_unquote_mode mode, mn_err *err)
{
    mn_buf raw;
    mn_buf_init(&raw, NULL, 0);
    char *dst = mn_buf_reserve(&raw, s.len);
    if (!dst) {
        mn_buf_free(&raw);
        return mn_err_set(err, MN_ENOMEM, "unquote: out of memory");
    }
    size_t w = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '%' && i + 2 < s.len) {
            int h = mn_hex_value((unsigned char)s.ptr[i + 1]), l = mn_hex_value((unsigned char)s.ptr[i + 2]);
            if (h >= 0 && l >= 0) {
                dst[w++] = (char)(h * 16 + l);
                i += 2;
                continue;
            }
        }
        dst[w++] = (plus && c == '+') ? ' ' : c;
    }
    mn_buf_commit(&raw, w);
    mn_str r = mn_buf_str(&raw);
    int rc;
    size_t bad = 0;
    if (mode == MN_UNQUOTE_STRICT && mn_utf8_check(r, &bad) != MN_OK)
        rc = mn_err_set(err, MN_EPARSE, "percent-decoded text is not valid UTF-8 (byte %zu)", bad);
    else
        rc = mn_utf8_sanitize(out, r);
    mn_buf_free(&raw);
    return rc;
}

int mn_url_unquote(mn_buf *out, mn_str s, mn_unquote_mode mode, mn_err *err)
{
    return unquote_impl(out, s, false, mode, err);
}

int mn_url_unquote_plus(mn_buf *out, mn_str s, mn_unquote_mode mode, mn_err *err)
{
    return unquote_impl(out, s, true, mode, err);
}

/* ---- IDNA 2003 (Python's 'idna' codec) ---- */

static bool in_b1(uint32_t c)
{
    return c == 0xAD || c == 0x34F || c == 0x1806 || (c >= 0x180B && c <= 0x180D) || (c >= 0x200B && c <= 0x200D) ||
           c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
}

/* RFC 3454 tables C.1.2 and C.2.2 to C.9, which nameprep prohibits. */
static bool prohibited(uint32_t c)
{
    if (c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x3000)
        return true; /* C.1.2 */
    if ((c >= 0x80 && c <= 0x9F) || c == 0x6DD || c == 0x70F || c == 0x180E || c == 0x200C || c == 0x200D ||
        c == 0x2028 || c == 0x2029 || (c >= 0x2060 && c <= 0x2063) || (c >= 0x206A && c <= 0x206F) ||
        c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC) || (c >= 0x1D173 && c <= 0x1D17A))
        return true; /* C.2.2 */
    if ((c >= 0xE000 && c <= 0xF8FF) || (c >= 0xF0000 && c <= 0xFFFFD) || (c >= 0x100000 && c <= 0x10FFFD))
        return true; /* C.3 */
    if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE)
        return true; /* C.4 */
    if ((c >= 0xD800 && c <= 0xDFFF) || (c >= 0xFFF9 && c <= 0xFFFD) || (c >= 0x2FF0 && c <= 0x2FFB))
        return true; /* C.5, C.6, C.7 */
    if (c == 0x340 || c == 0x341 || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E))
        return true; /* C.8 */
    return c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F); /* C.9 */
}

/* RFC 3454 D.1. Python uses the Unicode 3.2 tables, where only these
 * blocks held right-to-left characters; later additions (NKo, Arabic
 * Supplement, ...) count as unassigned there. */
static bool is_randal(uint32_t c)
{
    if (!((c >= 0x590 && c <= 0x74F) || (c >= 0x780 && c <= 0x7BF) || (c >= 0xFB1D && c <= 0xFDFF) ||
          (c >= 0xFE70 && c <= 0xFEFF)))
        return false;
    if (uc_is_general_category(c, UC_CATEGORY_Cn))
        return false; /* unassigned: no bidi class in Python's tables */
    int b = uc_bidi_category(c);
    return b == UC_BIDI_R || b == UC_BIDI_AL;
}

/* RFC 3492 Punycode of a label (code points), appended to out. */
static int punycode_encode(mn_buf *out, const uint32_t *cp, size_t n)
{
    enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128 };
    size_t b = 0;
    for (size_t i = 0; i < n; i++)
        if (cp[i] < 0x80) {
            mn_buf_putc(out, (char)cp[i]);
            b++;
        }
    if (b)
        mn_buf_putc(out, '-');
    uint64_t nn = INITIAL_N, delta = 0, bias = INITIAL_BIAS;
    size_t h = b;
    bool first = true;
    while (h < n) {
        uint64_t m = UINT64_MAX;
        for (size_t i = 0; i < n; i++)
            if (cp[i] >= nn && cp[i] < m)
                m = cp[i];
        delta += (m - nn) * (h + 1);
        nn = m;
        for (size_t i = 0; i < n; i++) {
            if (cp[i] < nn)
                delta++;
            if (cp[i] != nn)
                continue;
            uint64_t q = delta;
            for (uint64_t k = BASE;; k += BASE) {
                uint64_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
                if (q < t)
                    break;
                uint64_t d = t + (q - t) % (BASE - t);
                mn_buf_putc(out, (char)(d < 26 ? 'a' + d : '0' + d - 26));
                q = (q - t) / (BASE - t);
            }
            mn_buf_putc(out, (char)(q < 26 ? 'a' + q : '0' + q - 26));
            /* adapt the bias */
            uint64_t dd = first ? delta / DAMP : delta / 2;
            dd += dd / (h + 1);
            uint64_t k = 0;
            while (dd > ((BASE - TMIN) * TMAX) / 2) {
                dd /= BASE - TMIN;
                k += BASE;
            }
            bias = k + (BASE - TMIN + 1) * dd / (dd + SKEW);
            first = false;
            delta = 0;
            h++;
        }
        delta++;
        nn++;
    }
    return mn_buf_error(out);
}

static bool all_ascii(const uint32_t *cp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cp[i] >= 0x80)
            return false;
    return true;
}

static int put_ascii_label(mn_buf *out, const uint32_t *cp, size_t n, mn_err *err)
{
    if (n == 0 || n >= 64)
        return mn_err_set(err, MN_EINVAL, "idna: label empty or too long");
    for (size_t i = 0; i < n; i++)
        mn_buf_putc(out, (char)cp[i]);
    return mn_buf_error(out);
}

/* Python's encodings.idna.ToASCII for one label. */
static int idna_label(mn_buf *out, const uint32_t *cp, size_t n, mn_err *err)
{
    if (all_ascii(cp, n))
        return put_ascii_label(out, cp, n, err);
    /* nameprep: B.1 removal, B.2 case folding with NFKC, NFKC */
    uint32_t *tmp = malloc((n + 1) * sizeof(uint32_t));
    if (!tmp)
        return MN_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!in_b1(cp[i]))
            tmp[k++] = cp[i];
    size_t l1 = 0, l2 = 0;
    uint32_t *f1 = u32_casefold(tmp, k, NULL, UNINORM_NFKC, NULL, &l1);
    free(tmp);
    if (!f1)
        return k ? MN_ENOMEM : put_ascii_label(out, cp, 0, err);
    uint32_t *f2 = u32_casefold(f1, l1, NULL, UNINORM_NFKC, NULL, &l2);
    free(f1);
    if (!f2)
        return l1 ? MN_ENOMEM : put_ascii_label(out, cp, 0, err);
    int rc = MN_OK;
    bool any_randal = false, any_l = false;
    for (size_t i = 0; i < l2 && !rc; i++) {
        if (prohibited(f2[i]))
            rc = mn_err_set(err, MN_EINVAL, "idna: invalid character U+%04X", (unsigned)f2[i]);
        if (is_randal(f2[i]))
            any_randal = true;
        if (uc_bidi_category(f2[i]) == UC_BIDI_L)
            any_l = true;
    }
    if (!rc && any_randal && (any_l || !is_randal(f2[0]) || !is_randal(f2[l2 - 1])))
        rc = mn_err_set(err, MN_EINVAL, "idna: violation of BIDI requirement");
    if (!rc && all_ascii(f2, l2)) {
        rc = put_ascii_label(out, f2, l2, err);
    } else if (!rc) {
        if (l2 >= 4 && f2[0] == 'x' && f2[1] == 'n' && f2[2] == '-' && f2[3] == '-') {
            rc = mn_err_set(err, MN_EINVAL, "idna: label starts with ACE prefix");
        } else {
            size_t start = out->len;
            mn_buf_puts(out, "xn--");
            rc = punycode_encode(out, f2, l2);
            if (!rc && out->len - start >= 64) {
                mn_buf_truncate(out, start);
                rc = mn_err_set(err, MN_EINVAL, "idna: label empty or too long");
            }
        }
    }
    free(f2);
    return rc;
}

static bool is_idna_dot(uint32_t c)
{
    return c == '.' || c == 0x3002 || c == 0xFF0E || c == 0xFF61;
}

int mn_url_idna_encode(mn_buf *out, mn_str domain, mn_err *err)
{
    if (domain.len == 0)
        return mn_buf_error(out);
    size_t start = out->len;
    bool ascii = true;
    for (size_t i = 0; i < domain.len; i++)
        if ((unsigned char)domain.ptr[i] >= 0x80)
            ascii = false;
    if (ascii) {
        size_t label = 0;
        for (size_t i = 0; i <= domain.len; i++) {
            if (i < domain.len && domain.ptr[i] != '.')
                continue;
            size_t len = i - label;
            if ((i < domain.len && (len == 0 || len >= 64)) || (i == domain.len && len >= 64))
                return mn_err_set(err, MN_EINVAL, "idna: label empty or too long");
            label = i + 1;
        }
        return mn_buf_put_str(out, domain);
    }
    mn_arena *a = mn__scratch_new();
    mn__u32s t;
    if (!a || mn__utf8_decode_all(a, domain, &t)) {
        mn_arena_free(a);
        return MN_ENOMEM;
    }
    size_t n = t.len;
    bool trailing_dot = n > 0 && is_idna_dot(t.cp[n - 1]);
    if (trailing_dot)
        n--;
    int rc = MN_OK;
    size_t label = 0;
    for (size_t i = 0; i <= n && !rc; i++) {
        if (i < n && !is_idna_dot(t.cp[i]))
            continue;
        if (label > 0)
            mn_buf_putc(out, '.');
        rc = idna_label(out, t.cp + label, i - label, err);
        label = i + 1;
    }
    if (!rc && trailing_dot)
        rc = mn_buf_putc(out, '.');
    mn_arena_free(a);
    if (rc)
        mn_buf_truncate(out, start);
    return rc ? rc : mn_buf_error(out);
}

/* ---- smart_urlquote ---- */

/* unquote, then quote with RFC 3986 sub-delims, gen-delims and '~' safe. */
static int unquote_quote(mn_buf *out, mn_str seg)
{
    mn_buf tmp;
    mn_buf_init(&tmp, NULL, 0);
    int rc = mn_url_unquote(&tmp, seg, MN_UNQUOTE_REPLACE, NULL);
    if (!rc)
        rc = mn_url_quote(out, mn_buf_str(&tmp), "!$&'()*+,;=:/?#[]@~");
    mn_buf_free(&tmp);
    return rc;
}

/* parse_qsl(keep_blank_values=True), unquote each part once more (as
 * Django does), then urlencode (quote_plus with safe ''). */
static int reencode_query(mn_buf *out, mn_str q)
{
    size_t pos = 0;
    mn_str field;
    bool first = true;
    mn_buf t1, t2;
    mn_buf_init(&t1, NULL, 0);
    mn_buf_init(&t2, NULL, 0);
    int rc = MN_OK;
    while (!rc && mn_str_next_field(q, '&', &pos, &field)) {
        if (field.len == 0)
            continue;
        mn_str parts[2];
        if (!mn_str_split_once(field, '=', &parts[0], &parts[1]))
            parts[1] = MN_STR_EMPTY;
        if (!first)
            mn_buf_putc(out, '&');
        first = false;
        for (int k = 0; k < 2 && !rc; k++) {
            mn_buf_reset(&t1);
            mn_buf_reset(&t2);
            if (k)
                mn_buf_putc(out, '=');
            rc = mn_url_unquote_plus(&t1, parts[k], MN_UNQUOTE_REPLACE, NULL);
            if (!rc)
                rc = mn_url_unquote(&t2, mn_buf_str(&t1), MN_UNQUOTE_REPLACE, NULL);
            if (!rc)
                rc = mn_url_quote_plus(out, mn_buf_str(&t2), "");
        }
    }
    mn_buf_free(&t1);
    mn_buf_free(&t2);
    return rc ? rc : mn_buf_error(out);
}

static bool ipv4_literal(const char *s)
{
    struct in_addr a4;
    return inet_pton(AF_INET, s, &a4) == 1;
}

/* urllib.parse._check_bracketed_host */
static bool bracketed_host_ok(mn_str host)
{
    char buf[128];
    if (host.len >= sizeof buf)
        return false;
    memcpy(buf, host.ptr, host.len);
    buf[host.len] = '\0';
    if (host.len && buf[0] == 'v') {
        size_t i = 1;
        while (i < host.len && mn_hex_value((unsigned char)buf[i]) >= 0)
            i++;
        return i > 1 && i < host.len && buf[i] == '.' && i + 1 < host.len;
    }
    if (ipv4_literal(buf))
        return false;
    char *pct = strchr(buf, '%');
    if (pct) {
        if (pct[1] == '\0')
            return false;
        *pct = '\0';
    }
    struct in6_addr a6;
    return inet_pton(AF_INET6, buf, &a6) == 1;
}

/* urlsplit's checks that raise ValueError for the netloc. */
static bool netloc_ok(mn_str netloc)
{
    bool open = mn_str_find_char(netloc, '[', 0) >= 0, close = mn_str_find_char(netloc, ']', 0) >= 0;
    if (open != close)
        return false;
    if (open) {
        ptrdiff_t at = mn_str_rfind_char(netloc, '@');
        mn_str hp = mn_str_slice(netloc, at < 0 ? 0 : (size_t)at + 1, netloc.len);
        mn_str before, bracketed, host, port;
        if (mn_str_split_once(hp, '[', &before, &bracketed)) {
            if (before.len)
                return false;
            mn_str_split_once(bracketed, ']', &host, &port);
            if (port.len && port.ptr[0] != ':')
                return false;
        } else {
            mn_str_split_once(hp, ':', &host, &port);
        }
        if (!bracketed_host_ok(host))
            return false;
    }
    /* _checknetloc: non-ASCII characters that NFKC-normalise to URL
     * delimiters are refused. */
    bool ascii = true;
    for (size_t i = 0; i < netloc.len; i++)
        if ((unsigned char)netloc.ptr[i] >= 0x80)
            ascii = false;
    if (ascii)
        return true;
    mn_buf n;
    mn_buf_init(&n, NULL, 0);
    for (size_t i = 0; i < netloc.len; i++) {
        char c = netloc.ptr[i];
        if (c != '@' && c != ':' && c != '#' && c != '?')
            mn_buf_putc(&n, c);
    }
    size_t rn = 0;
    uint8_t *r = u8_normalize(UNINORM_NFKC, (const uint8_t *)mn_buf_cstr(&n), n.len, NULL, &rn);
    bool ok = true;
    if (r && (rn != n.len || memcmp(r, n.data, rn) != 0)) {
        for (size_t i = 0; i < rn; i++)
            if (r[i] == '/' || r[i] == '?' || r[i] == '#' || r[i] == '@' || r[i] == ':')
                ok = false;
    }
    free(r);
    mn_buf_free(&n);
    return ok;
}

static bool is_c0_or_space(unsigned char c)
{
    return c <= 0x20;
}

/* Characters smart_urlquote passes through untouched: unreserved and the
 * safe delimiters, but not '%' (unquoted first), '?' and '#' (query and
 * fragment handling), '[' and ']' (IPv6 hosts), controls, spaces or
 * non-ASCII. */
/* Bit masks of ASCII characters: bits lo..hi of one 64-character half. */
#define CHAR_RANGE(lo, hi) ((~UINT64_C(0) >> (63 - ((hi) & 63) + ((lo) & 63))) << ((lo) & 63))
#define CHAR_BIT1(c) (UINT64_C(1) << ((c) & 63))
static const uint64_t plain_url_chars[2] = {
    /* ! $ & ' ( ) * + , - . / 0-9 : ; = */
    CHAR_BIT1('!') | CHAR_BIT1('$') | CHAR_RANGE('&', ';') | CHAR_BIT1('='),
    /* @ A-Z _ a-z ~ */
    CHAR_RANGE('@', 'Z') | CHAR_BIT1('_') | CHAR_RANGE('a', 'z') | CHAR_BIT1('~'),
};

static bool plain_url_char(unsigned char c)
{
    return c < 128 && (plain_url_chars[c >> 6] >> (c & 63)) & 1;
}

/* The common case: scheme://host/path made only of plain characters, with
 * a non-empty host. Then unquote/quote change nothing, urlsplit and
 * urlunsplit give the URL back with the scheme in lowercase, and a host
 * IDNA refuses (an empty or 64+ character label) makes Django quote the
 * whole URL, which again changes nothing. false: not that case. */
static bool smart_quote_plain(mn_buf *out, mn_str url)
{
    const unsigned char *p = (const unsigned char *)url.ptr;
    size_t n = url.len, colon = 0;
    /* scheme: a letter, then letters, digits, '+', '-', '.' */
    if (n == 0 || !((p[0] | 32) >= 'a' && (p[0] | 32) <= 'z'))
        return false;
    while (colon < n && p[colon] != ':') {
        unsigned char c = p[colon];
        if (!(((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
            return false;
        colon++;
    }
    size_t h = colon + 3;
    if (h > n || p[colon + 1] != '/' || p[colon + 2] != '/')
        return false;
    /* host: up to the next '/', with mn_url_idna_encode's checks of an
     * ASCII name (labels of 1 to 63 characters, the last may be empty) */
    bool idna_ok = true;
    size_t e = h, label = h;
    for (; e < n && p[e] != '/'; e++) {
        if (!plain_url_char(p[e]))
            return false;
        if (p[e] == '.') {
            if (e == label || e - label >= 64)
                idna_ok = false;
            label = e + 1;
        }
    }
    if (e == h)
        return false;
    if (e - label >= 64)
        idna_ok = false;
    for (size_t i = e; i < n; i++)
        if (!plain_url_char(p[i]))
            return false;
    char *dst = mn_buf_reserve(out, n);
    if (!dst)
        return true;
    memcpy(dst, url.ptr, n);
    if (idna_ok)
        for (size_t k = 0; k < colon; k++)
            if (dst[k] >= 'A' && dst[k] <= 'Z')
                dst[k] = (char)(dst[k] + 32);
    mn_buf_commit(out, n);
    return true;
}

int mn_url_smart_quote(mn_buf *out, mn_str url)
{
    if (smart_quote_plain(out, url))
        return mn_buf_error(out);
    /* urlsplit */
    mn_buf clean;
    mn_buf_init(&clean, NULL, 0);
    size_t i = 0;
    while (i < url.len && is_c0_or_space((unsigned char)url.ptr[i]))
        i++;
    for (; i < url.len; i++) {
        char c = url.ptr[i];
        if (c != '\t' && c != '\r' && c != '\n')
            mn_buf_putc(&clean, c);
    }
    if (mn_buf_error(&clean)) {
        int e = mn_buf_error(&clean);
        mn_buf_free(&clean);
        return e;
    }
    mn_str u = mn_buf_str(&clean);
    mn_str scheme = MN_STR_EMPTY, netloc = MN_STR_EMPTY, query = MN_STR_EMPTY, fragment = MN_STR_EMPTY;
    ptrdiff_t colon = mn_str_find_char(u, ':', 0);
    if (colon > 0 && ((u.ptr[0] | 32) >= 'a' && (u.ptr[0] | 32) <= 'z')) {
        bool ok = true;
        for (ptrdiff_t k = 0; k < colon; k++) {
            char c = u.ptr[k];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
                  c == '-' || c == '.'))
                ok = false;
        }
        if (ok) {
            scheme = mn_str_slice(u, 0, (size_t)colon);
            u = mn_str_slice(u, (size_t)colon + 1, u.len);
        }
    }
    bool has_netloc = false;
    if (u.len >= 2 && u.ptr[0] == '/' && u.ptr[1] == '/') {
        size_t d = 2;
        while (d < u.len && u.ptr[d] != '/' && u.ptr[d] != '?' && u.ptr[d] != '#')
            d++;
        netloc = mn_str_slice(u, 2, d);
        u = mn_str_slice(u, d, u.len);
        has_netloc = true;
    }
    ptrdiff_t hash = mn_str_find_char(u, '#', 0);
    if (hash >= 0) {
        fragment = mn_str_slice(u, (size_t)hash + 1, u.len);
        u = mn_str_slice(u, 0, (size_t)hash);
    }
    ptrdiff_t qm = mn_str_find_char(u, '?', 0);
    if (qm >= 0) {
        query = mn_str_slice(u, (size_t)qm + 1, u.len);
        u = mn_str_slice(u, 0, (size_t)qm);
    }
    mn_str path = u;
    mn_buf host;
    mn_buf_init(&host, NULL, 0);
    int rc;
    if ((has_netloc && !netloc_ok(netloc)) || mn_url_idna_encode(&host, netloc, NULL) != MN_OK) {
        rc = unquote_quote(out, url);
        mn_buf_free(&host);
        mn_buf_free(&clean);
        return rc;
    }
    /* urlunsplit */
    for (size_t k = 0; k < scheme.len; k++)
        mn_buf_putc(out, (char)((scheme.ptr[k] >= 'A' && scheme.ptr[k] <= 'Z') ? scheme.ptr[k] + 32 : scheme.ptr[k]));
    if (scheme.len)
        mn_buf_putc(out, ':');
    mn_buf qpath;
    mn_buf_init(&qpath, NULL, 0);
    unquote_quote(&qpath, path);
    mn_str p = mn_buf_str(&qpath);
    bool uses_netloc = false;
    static const char *const netloc_schemes[] = { "",     "ftp",   "http", "gopher", "nntp", "telnet", "imap",
                                                  "wais", "file",  "mms",  "https",  "shttp", "snews", "prospero",
                                                  "rtsp", "rtspu", "rsync", "svn",   "svn+ssh", "sftp", "nfs",
                                                  "git",  "git+ssh", "ws", "wss" };
    for (size_t k = 0; k < sizeof netloc_schemes / sizeof netloc_schemes[0]; k++)
        if (scheme.len && mn_str_ieq_cstr(scheme, netloc_schemes[k]))
            uses_netloc = true;
    if (host.len || (scheme.len && uses_netloc && !(p.len >= 2 && p.ptr[0] == '/' && p.ptr[1] == '/'))) {
        mn_buf_puts(out, "//");
        mn_buf_put_str(out, mn_buf_str(&host));
        if (p.len && p.ptr[0] != '/')
            mn_buf_putc(out, '/');
    }
    mn_buf_put_str(out, p);
    mn_buf_free(&qpath);
    if (query.len) {
        mn_buf q;
        mn_buf_init(&q, NULL, 0);
        reencode_query(&q, query);
        if (q.len) {
            mn_buf_putc(out, '?');
            mn_buf_put_str(out, mn_buf_str(&q));
        }
        mn_buf_free(&q);
    }
    if (fragment.len) {
        mn_buf f;
        mn_buf_init(&f, NULL, 0);
        unquote_quote(&f, fragment);
        if (f.len) {
            mn_buf_putc(out, '#');
            mn_buf_put_str(out, mn_buf_str(&f));
        }
        mn_buf_free(&f);
    }
    mn_buf_free(&host);
    mn_buf_free(&clean);
    return mn_buf_error(out);
}
