/* django.utils.html.strip_tags, which runs Python's html.parser.HTMLParser
 * (Python 3.11, convert_charrefs=False) and keeps the text it reports.
 *
 * The parser is followed step by step, including its quirks (what happens
 * to unterminated constructs, the feed()/close() two-pass structure, script
 * and style content), because templates rely on the same output as Django.
 * The regular expressions of html/parser.py are written out by hand; each
 * function names the one it implements. */
#include <string.h>
#include "text_internal.h"

#define MAX_STRIP_TAGS_DEPTH 50

typedef struct hp {
    const uint32_t *raw; /* rawdata */
    size_t n;
    int cdata;           /* 0: none, 1: script, 2: style */
    uint32_t *fed;       /* collected text */
    size_t fed_len, fed_cap;
    mn_arena *a;
    int err;
    mn_err *errp;
} hp;

static void fed_put(hp *p, const uint32_t *s, size_t n)
{
    if (p->err)
        return;
    if (p->fed_len + n > p->fed_cap) {
        size_t nc = (p->fed_cap + n) * 2 + 16;
        uint32_t *nf = mn_arena_realloc(p->a, p->fed, p->fed_cap * sizeof(uint32_t), nc * sizeof(uint32_t));
        if (!nf) {
            p->err = MN_ENOMEM;
            return;
        }
        p->fed = nf;
        p->fed_cap = nc;
    }
    if (n)
        memcpy(p->fed + p->fed_len, s, n * sizeof(uint32_t));
    p->fed_len += n;
}

static void fed_ascii(hp *p, const char *s)
{
    while (*s) {
        uint32_t c = (unsigned char)*s++;
        fed_put(p, &c, 1);
    }
}

static bool ws(uint32_t c) { return mn_unicode_isspace(c); }
static bool alpha(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool digit(uint32_t c) { return c >= '0' && c <= '9'; }
static bool hexd(uint32_t c) { return digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }

static ptrdiff_t find(const hp *p, uint32_t c, size_t from)
{
    for (size_t i = from; i < p->n; i++)
        if (p->raw[i] == c)
            return (ptrdiff_t)i;
    return -1;
}

static bool starts(const hp *p, size_t i, const char *lit)
{
    size_t l = strlen(lit);
    if (i + l > p->n)
        return false;
    for (size_t k = 0; k < l; k++)
        if (p->raw[i + k] != (uint32_t)(unsigned char)lit[k])
            return false;
    return true;
}

/* Python's re.IGNORECASE equality with an ASCII lowercase letter. */
static bool ci_eq(uint32_t c, char lower)
{
    uint32_t l = (uint32_t)(unsigned char)lower;
    if (c == l || c == l - 32)
        return true;
    return (lower == 'i' && (c == 0x130 || c == 0x131)) || (lower == 's' && c == 0x17F) ||
           (lower == 'k' && c == 0x212A);
}

static const char *cdata_name(int cdata)
{
    return cdata == 1 ? "script" : "style";
}

/* tagfind_tolerant: ([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*
 * Returns the end of the match (or 0 when it fails); *name_end gets the
 * end of group 1. */
static size_t tagfind(const hp *p, size_t i, size_t *name_end)
{
    if (i >= p->n || !alpha(p->raw[i]))
        return 0;
    size_t k = i + 1;
    while (k < p->n) {
        uint32_t c = p->raw[k];
        if (c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ' ' || c == '/' || c == '>' || c == 0)
            break;
        k++;
    }
    *name_end = k;
    while (k < p->n && (ws(p->raw[k]) || (p->raw[k] == '/' && !(k + 1 < p->n && p->raw[k + 1] == '>'))))
        k++;
    return k;
}

/* The value part of attrfind / locatestarttagend,
 *   \s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*)
 * at k, following the regex engine's backtracking order. Returns the end
 * of the first way it matches, or -1. */
static ptrdiff_t attr_value(const hp *p, size_t k)
{
    size_t r = k;
    while (r < p->n && ws(p->raw[r]))
        r++;
    size_t e = 0;
    while (r + e < p->n && p->raw[r + e] == '=')
        e++;
    if (e == 0)
        return -1;
    size_t v0 = r + e;
    size_t b = 0;
    while (v0 + b < p->n && ws(p->raw[v0 + b]))
        b++;
    size_t v = v0 + b;
    if (v < p->n && (p->raw[v] == '\'' || p->raw[v] == '"')) {
        ptrdiff_t close = find(p, p->raw[v], v + 1);
        if (close >= 0)
            return close + 1;
        if (b > 0)
            return (ptrdiff_t)(v - 1); /* one less space: an empty bare value */
        if (e > 1) {
            /* one '=' less: a bare value starting with '=' */
            size_t q = v0 - 1;
            while (q < p->n && p->raw[q] != '>' && !ws(p->raw[q]))
                q++;
            return (ptrdiff_t)q;
        }
        return -1;
    }
    while (v < p->n && p->raw[v] != '>' && !ws(p->raw[v]))
        v++;
    return (ptrdiff_t)v;
}

/* One attribute of attrfind_tolerant (with_space: the extra \s* that
 * locatestarttagend_tolerant has after the value). Returns the end or -1. */
static ptrdiff_t attr_match(const hp *p, size_t k, bool with_space)
{
    if (k == 0 || k >= p->n)
        return -1;
    uint32_t prev = p->raw[k - 1];
    if (!(prev == '\'' || prev == '"' || prev == '/' || ws(prev)))
        return -1;
    uint32_t c = p->raw[k];
    if (ws(c) || c == '/' || c == '>')
        return -1;
    size_t q = k + 1;
    while (q < p->n && !ws(p->raw[q]) && p->raw[q] != '/' && p->raw[q] != '=' && p->raw[q] != '>')
        q++;
    ptrdiff_t v = attr_value(p, q);
    if (v >= 0) {
        q = (size_t)v;
        if (with_space)
            while (q < p->n && ws(p->raw[q]))
                q++;
    }
    while (q < p->n && (ws(p->raw[q]) || (p->raw[q] == '/' && !(q + 1 < p->n && p->raw[q + 1] == '>'))))
        q++;
    return (ptrdiff_t)q;
}

/* check_for_whole_start_tag */
static ptrdiff_t whole_start_tag(const hp *p, size_t i)
{
    size_t j = i + 2;
    while (j < p->n) {
        uint32_t c = p->raw[j];
        if (c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ' ' || c == '/' || c == '>' || c == 0)
            break;
        j++;
    }
    while (j < p->n && (ws(p->raw[j]) || p->raw[j] == '/'))
        j++;
    for (;;) {
        ptrdiff_t e = attr_match(p, j, true);
        if (e < 0)
            break;
        j = (size_t)e;
    }
    while (j < p->n && ws(p->raw[j]))
        j++;
    if (j >= p->n)
        return -1;
    uint32_t next = p->raw[j];
    if (next == '>')
        return (ptrdiff_t)j + 1;
    if (next == '/')
        return starts(p, j, "/>") ? (ptrdiff_t)j + 2 : -1;
    if (alpha(next) || next == '=' || next == '/')
        return -1;
    return (ptrdiff_t)j;
}

static void data(hp *p, size_t from, size_t to)
{
    fed_put(p, p->raw + from, to - from);
}

static ptrdiff_t parse_starttag(hp *p, size_t i)
{
    ptrdiff_t endpos = whole_start_tag(p, i);
    if (endpos < 0)
        return endpos;
    size_t name_end;
    size_t k = tagfind(p, i + 1, &name_end);
    while (k < (size_t)endpos) {
        ptrdiff_t m = attr_match(p, k, false);
        if (m < 0)
            break;
        k = (size_t)m;
    }
    /* end = rawdata[k:endpos].strip() */
    size_t s = k, e = (size_t)endpos;
    while (s < e && ws(p->raw[s]))
        s++;
    while (e > s && ws(p->raw[e - 1]))
        e--;
    bool gt = e - s == 1 && p->raw[s] == '>';
    bool slash_gt = e - s == 2 && p->raw[s] == '/' && p->raw[s + 1] == '>';
    if (!gt && !slash_gt) {
        data(p, i, (size_t)endpos);
        return endpos;
    }
    if (gt) {
        size_t nl = name_end - (i + 1);
        const uint32_t *nm = p->raw + i + 1;
        for (int which = 1; which <= 2; which++) {
            const char *want = cdata_name(which);
            size_t wl = strlen(want);
            if (nl != wl)
                continue;
            size_t q = 0;
            while (q < wl && (nm[q] == (uint32_t)want[q] || nm[q] == (uint32_t)want[q] - 32))
                q++;
            if (q == wl)
                p->cdata = which;
        }
    }
    return endpos;
}

/* endtagfind: </\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*> at i. */
static bool endtagfind(const hp *p, size_t i, size_t *ns, size_t *ne)
{
    size_t k = i + 2;
    while (k < p->n && ws(p->raw[k]))
        k++;
    if (k >= p->n || !alpha(p->raw[k]))
        return false;
    *ns = k;
    k++;
    while (k < p->n) {
        uint32_t c = p->raw[k];
        if (!(alpha(c) || digit(c) || c == '-' || c == '.' || c == ':' || c == '_'))
            break;
        k++;
    }
    *ne = k;
    while (k < p->n && ws(p->raw[k]))
        k++;
    return k < p->n && p->raw[k] == '>';
}

static ptrdiff_t parse_bogus_comment(hp *p, size_t i)
{
    ptrdiff_t pos = find(p, '>', i + 2);
    return pos < 0 ? -1 : pos + 1;
}

static ptrdiff_t parse_endtag(hp *p, size_t i)
{
    ptrdiff_t g = find(p, '>', i + 1);
    if (g < 0)
        return -1;
    size_t gtpos = (size_t)g + 1;
    size_t ns, ne;
    if (!endtagfind(p, i, &ns, &ne)) {
        if (p->cdata) {
            data(p, i, gtpos);
            return (ptrdiff_t)gtpos;
        }
        size_t name_end;
        size_t m = tagfind(p, i + 2, &name_end);
        if (m == 0) {
            if (starts(p, i, "</>"))
                return (ptrdiff_t)i + 3;
            return parse_bogus_comment(p, i);
        }
        return find(p, '>', m) + 1;
    }
    if (p->cdata) {
        const char *want = cdata_name(p->cdata);
        size_t wl = strlen(want), q = 0;
        bool same = ne - ns == wl;
        while (same && q < wl) {
            uint32_t c = p->raw[ns + q];
            same = c == (uint32_t)want[q] || c == (uint32_t)want[q] - 32;
            q++;
        }
        if (!same) {
            data(p, i, gtpos);
            return (ptrdiff_t)gtpos;
        }
    }
    p->cdata = 0;
    return (ptrdiff_t)gtpos;
}

/* _markupbase.parse_comment: --\s*> searched from i + 4. */
static ptrdiff_t parse_comment(hp *p, size_t i)
{
    for (size_t k = i + 4; k + 1 < p->n; k++) {
        if (p->raw[k] != '-' || p->raw[k + 1] != '-')
            continue;
        size_t q = k + 2;
        while (q < p->n && ws(p->raw[q]))
            q++;
        if (q < p->n && p->raw[q] == '>')
            return (ptrdiff_t)q + 1;
    }
    return -1;
}

/* _markupbase.parse_marked_section. Python raises AssertionError for an
 * unknown keyword; that becomes MN_EPARSE. */
static ptrdiff_t parse_marked_section(hp *p, size_t i)
{
    size_t k = i + 3;
    if (k >= p->n)
        return -1;
    if (!alpha(p->raw[k])) {
        p->err = mn_err_set(p->errp, MN_EPARSE, "strip_tags: expected name token in marked section");
        return -1;
    }
    size_t e = k + 1;
    while (e < p->n && (alpha(p->raw[e]) || digit(p->raw[e]) || p->raw[e] == '-' || p->raw[e] == '_' ||
                        p->raw[e] == '.'))
        e++;
    size_t after = e;
    while (after < p->n && ws(p->raw[after]))
        after++;
    if (after == p->n)
        return -1;
    char name[8];
    size_t len = e - k;
    bool ms = false, known = false;
    if (len < sizeof name) {
        for (size_t q = 0; q < len; q++)
            name[q] = (char)(p->raw[k + q] | 32);
        name[len] = '\0';
        static const char *const a[] = { "temp", "cdata", "ignore", "include", "rcdata" };
        static const char *const b[] = { "if", "else", "endif" };
        for (size_t q = 0; q < 5; q++)
            known |= strcmp(name, a[q]) == 0;
        for (size_t q = 0; q < 3; q++)
            ms |= strcmp(name, b[q]) == 0;
    }
    if (!known && !ms) {
        p->err = mn_err_set(p->errp, MN_EPARSE, "strip_tags: unknown status keyword in marked section");
        return -1;
    }
    /* ]\s*]\s*> or ]\s*> searched from i + 3 */
    for (size_t q = i + 3; q < p->n; q++) {
        if (p->raw[q] != ']')
            continue;
        size_t r = q + 1;
        while (r < p->n && ws(p->raw[r]))
            r++;
        if (!ms) {
            if (r >= p->n || p->raw[r] != ']')
                continue;
            r++;
            while (r < p->n && ws(p->raw[r]))
                r++;
        }
        if (r < p->n && p->raw[r] == '>')
            return (ptrdiff_t)r + 1;
    }
    return -1;
}

static ptrdiff_t parse_html_declaration(hp *p, size_t i)
{
    if (starts(p, i, "<!--"))
        return parse_comment(p, i);
    if (starts(p, i, "<!["))
        return parse_marked_section(p, i);
    if (i + 9 <= p->n) {
        static const char doctype[] = "doctype";
        bool is = true;
        for (size_t q = 0; q < 7 && is; q++)
            is = ci_eq(p->raw[i + 2 + q], doctype[q]) && p->raw[i + 2 + q] < 0x80;
        if (is) {
            ptrdiff_t g = find(p, '>', i + 9);
            return g < 0 ? -1 : g + 1;
        }
    }
    return parse_bogus_comment(p, i);
}

/* The position of the next </script\s*> (or style) at or after i, as the
 * case-insensitive `interesting` regex of CDATA mode finds it, or -1. */
static ptrdiff_t cdata_end_search(const hp *p, size_t i)
{
    const char *want = cdata_name(p->cdata);
    size_t wl = strlen(want);
    for (size_t k = i; k + 1 < p->n; k++) {
        if (p->raw[k] != '<' || p->raw[k + 1] != '/')
            continue;
        size_t q = k + 2;
        while (q < p->n && ws(p->raw[q]))
            q++;
        size_t m = 0;
        while (m < wl && q + m < p->n && ci_eq(p->raw[q + m], want[m]))
            m++;
        if (m < wl)
            continue;
        q += wl;
        while (q < p->n && ws(p->raw[q]))
            q++;
        if (q < p->n && p->raw[q] == '>')
            return (ptrdiff_t)k;
    }
    return -1;
}

/* HTMLParser.goahead; returns how much of raw it consumed. */
static size_t goahead(hp *p, bool end)
{
    size_t i = 0, n = p->n;
    const uint32_t *raw = p->raw;
    while (i < n && !p->err) {
        size_t j;
        if (p->cdata) {
            ptrdiff_t m = cdata_end_search(p, i);
            if (m < 0)
                break;
            j = (size_t)m;
        } else {
            j = i;
            while (j < n && raw[j] != '<' && raw[j] != '&')
                j++;
        }
        if (i < j)
            data(p, i, j);
        i = j;
        if (i == n)
            break;
        if (raw[i] == '<') {
            ptrdiff_t k;
            if (i + 1 < n && alpha(raw[i + 1]))
                k = parse_starttag(p, i);
            else if (starts(p, i, "</"))
                k = parse_endtag(p, i);
            else if (starts(p, i, "<!--"))
                k = parse_comment(p, i);
            else if (starts(p, i, "<?")) {
                ptrdiff_t g = find(p, '>', i + 2);
                k = g < 0 ? -1 : g + 1;
            } else if (starts(p, i, "<!"))
                k = parse_html_declaration(p, i);
            else if (i + 1 < n) {
                data(p, i, i + 1);
                k = (ptrdiff_t)i + 1;
            } else
                break;
            if (p->err)
                break;
            if (k < 0) {
                if (!end)
                    break;
                k = find(p, '>', i + 1);
                if (k < 0) {
                    k = find(p, '<', i + 1);
                    if (k < 0)
                        k = (ptrdiff_t)i + 1;
                } else {
                    k += 1;
                }
                data(p, i, (size_t)k);
            }
            i = (size_t)k;
        } else if (starts(p, i, "&#")) {
            /* charref: &#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F] */
            size_t k = i + 2, ds = i + 2;
            bool ok = false;
            if (k < n && digit(raw[k])) {
                while (k < n && digit(raw[k]))
                    k++;
                ok = k < n && !hexd(raw[k]);
            }
            if (!ok && i + 3 < n && (raw[i + 2] == 'x' || raw[i + 2] == 'X') && hexd(raw[i + 3])) {
                k = i + 3;
                while (k < n && hexd(raw[k]))
                    k++;
                ok = k < n;
            }
            if (ok) {
                fed_ascii(p, "&#");
                fed_put(p, raw + ds, k - ds);
                fed_ascii(p, ";");
                i = raw[k] == ';' ? k + 1 : k;
                continue;
            }
            if (find(p, ';', i) >= 0) {
                data(p, i, i + 2);
                i += 2;
            }
            break;
        } else {
            /* entityref: &([a-zA-Z][-.a-zA-Z0-9]*)[^a-zA-Z0-9] */
            size_t k = i + 1;
            if (k < n && alpha(raw[k])) {
                k++;
                while (k < n && (alpha(raw[k]) || digit(raw[k]) || raw[k] == '-' || raw[k] == '.'))
                    k++;
                if (k == n) {
                    /* backtrack to the last '-' or '.' of the name, which
                     * then serves as the terminating character */
                    size_t q = n - 1;
                    while (q > i + 1 && raw[q] != '-' && raw[q] != '.')
                        q--;
                    if (q > i + 1)
                        k = q;
                }
                if (k < n) {
                    fed_ascii(p, "&");
                    fed_put(p, raw + i + 1, k - i - 1);
                    fed_ascii(p, ";");
                    i = raw[k] == ';' ? k + 1 : k;
                    continue;
                }
            }
            /* incomplete: &[a-zA-Z#] */
            if (i + 1 < n && (alpha(raw[i + 1]) || raw[i + 1] == '#')) {
                if (end && i + 2 == n)
                    i = i + 1;
                break;
            } else if (i + 1 < n) {
                data(p, i, i + 1);
                i++;
            } else {
                break;
            }
        }
    }
    if (end && i < n && !p->cdata && !p->err) {
        data(p, i, n);
        i = n;
    }
    return i;
}

/* _strip_once: feed() then close(). */
static int strip_once(mn_arena *a, const uint32_t *s, size_t n, mn_err *err, uint32_t **out, size_t *out_len)
{
    hp p = { s, n, 0, NULL, 0, 0, a, MN_OK, err };
    fed_put(&p, s, 0);
    size_t used = goahead(&p, false);
    p.raw = s + used;
    p.n = n - used;
    goahead(&p, true);
    *out = p.fed;
    *out_len = p.fed_len;
    return p.err;
}

static size_t count_lt(const uint32_t *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '<';
    return k;
}

int mn_html_strip_tags(mn_buf *out, mn_str s, mn_err *err)
{
    mn_arena *a = mn__scratch_new();
    mn__u32s t;
    if (!a || mn__utf8_decode_all(a, s, &t)) {
        mn_arena_free(a);
        return mn_err_set(err, MN_ENOMEM, "strip_tags: out of memory");
    }
    /* long_open_tag_without_closing_re: <[a-zA-Z][^>]{1000,} */
    for (size_t i = 0; i + 1 < t.len;) {
        if (t.cp[i] != '<' || !alpha(t.cp[i + 1])) {
            i++;
            continue;
        }
        size_t e = i + 2;
        while (e < t.len && t.cp[e] != '>')
            e++;
        if (e - (i + 2) < 1000) {
            i++;
            continue;
        }
        if (count_lt(t.cp + i, e - i) >= MAX_STRIP_TAGS_DEPTH) {
            mn_arena_free(a);
            return mn_err_set(err, MN_ELIMIT, "strip_tags: too many unclosed tags (suspicious input)");
        }
        i = e;
    }
    const uint32_t *v = t.cp;
    size_t n = t.len;
    int depth = 0, rc = MN_OK;
    for (;;) {
        bool lt = false, gt = false;
        for (size_t i = 0; i < n; i++) {
            lt |= v[i] == '<';
            gt |= v[i] == '>';
        }
        if (!lt || !gt)
            break;
        if (depth >= MAX_STRIP_TAGS_DEPTH) {
            rc = mn_err_set(err, MN_ELIMIT, "strip_tags: tags nested too deeply (suspicious input)");
            break;
        }
        uint32_t *nv;
        size_t nn;
        rc = strip_once(a, v, n, err, &nv, &nn);
        if (rc)
            break;
        if (count_lt(v, n) == count_lt(nv, nn))
            break;
        v = nv;
        n = nn;
        depth++;
    }
    if (!rc)
        rc = mn__utf8_put_u32(out, v, n);
    mn_arena_free(a);
    return rc;
}
