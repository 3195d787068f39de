/* Strict HTTP/1.1 request parser (RFC 9112). Zero-copy: every slice points
 * into the caller's buffer. Anything that could be read two ways by two
 * implementations (request smuggling) is rejected: the connection is then
 * closed by the server. */
#include <strings.h>
#include <string.h>
#include "manouche/http.h"
#include "http_internal.h"

/* Character classes: 1 tchar, 2 target, 4 field-value, 8 host, 16 hex,
 * 32 reg-name (host without '[', ']', '@' and ':'). */
enum { C_TOKEN = 1, C_TARGET = 2, C_VALUE = 4, C_HOST = 8, C_HEX = 16, C_REGNAME = 32 };

const unsigned char mn__http_ctype[256] = {
     0,  0,  0,  0,  0,  0,  0,  0,  0,  4,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     4, 47,  6,  5, 47, 47, 47, 47, 46, 46, 47, 47, 46, 47, 47,  6,
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 14, 46,  6, 46,  6,  6,
     6, 63, 63, 63, 63, 63, 63, 47, 47, 47, 47, 47, 47, 47, 47, 47,
    47, 47, 47, 47, 47, 47, 47, 47, 47, 47, 47, 14,  6, 14,  7, 47,
     7, 63, 63, 63, 63, 63, 63, 47, 47, 47, 47, 47, 47, 47, 47, 47,
    47, 47, 47, 47, 47, 47, 47, 47, 47, 47, 47,  6,  7,  6, 47,  0,
     4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,
     4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,
     4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,
     4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,
     4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,
     4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,
     4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,
     4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,
};

#define IS(c, cls) (mn__http_ctype[(unsigned char)(c)] & (cls))

bool mn__http_is_token(mn_str s)
{
    if (!s.len)
        return false;
    for (size_t i = 0; i < s.len; i++)
        if (!IS(s.ptr[i], C_TOKEN))
            return false;
    return true;
}

/* A field name (a token, already checked) against a lower-case name of the
 * same length: for tokens, c | 0x20 equals a lower-case letter or '-' only
 * when c is that letter in either case, or '-'. */
static inline bool name_is(mn_str name, const char *lower)
{
    for (size_t i = 0; i < name.len; i++)
        if (((unsigned char)name.ptr[i] | 0x20) != (unsigned char)lower[i])
            return false;
    return true;
}

const mn_header *mn_http_find_header(const mn_header *hdrs, size_t n, mn_str name)
{
    for (size_t i = 0; i < n; i++)
        if (mn_str_ieq(hdrs[i].name, name))
            return &hdrs[i];
    return NULL;
}

/* Iterates over the comma-separated elements of a field value, skipping
 * empty elements and trimming OWS. */
static bool next_element(mn_str v, size_t *pos, mn_str *el)
{
    while (*pos < v.len) {
        size_t start = *pos;
        while (*pos < v.len && v.ptr[*pos] != ',')
            (*pos)++;
        mn_str e = mn_str_trim(mn_str_slice(v, start, *pos));
        if (*pos < v.len)
            (*pos)++;
        if (e.len) {
            *el = e;
            return true;
        }
    }
    return false;
}

/* Validates a Host value: uri-host [":" port], where uri-host is a reg-name,
 * IPv4 address or bracketed IP literal. */
static bool host_valid(mn_str h)
{
    size_t i = 0;
    if (h.len && h.ptr[0] == '[') {
        size_t close = 1;
        while (close < h.len && h.ptr[close] != ']') {
            char c = h.ptr[close];
            if (!(IS(c, C_HEX) || c == ':' || c == '.' || c == 'v' || c == 'V'))
                return false;
            close++;
        }
        if (close >= h.len)
            return false;
        i = close + 1;
        if (i < h.len && h.ptr[i] != ':')
            return false;
    } else {
        while (i < h.len && IS(h.ptr[i], C_REGNAME))
            i++;
        if (i < h.len && h.ptr[i] != ':')
            return false;
    }
    if (i < h.len) { /* ":" port */
        for (size_t j = i + 1; j < h.len; j++)
            if (h.ptr[j] < '0' || h.ptr[j] > '9')
                return false;
    }
    return true;
}

/* Splits a request-target into path and query and, for absolute-form,
 * the authority. Returns 0 or -400. */
static int split_target(mn_str target, mn_str method, mn_http_head *out, mn_str *authority)
{
    const char *p = target.ptr;
    size_t n = target.len;
    *authority = (mn_str){ NULL, 0 };
    if (n == 1 && p[0] == '*') {
        if (!mn_str_eq_cstr(method, "OPTIONS"))
            return -400;
        out->path = target;
        out->query = MN_STR_EMPTY;
        return 0;
    }
    mn_str rest = target;
    if (p[0] != '/') {
        /* absolute-form: http[s]://authority[path-abempty][?query] */
        size_t skip;
        if (n >= 7 && !strncasecmp(p, "http://", 7))
            skip = 7;
        else if (n >= 8 && !strncasecmp(p, "https://", 8))
            skip = 8;
        else
            return -400;
        size_t end = skip;
        while (end < n && p[end] != '/' && p[end] != '?')
            end++;
        *authority = mn_str_make(p + skip, end - skip);
        if (!authority->len || !host_valid(*authority))
            return -400;
        rest = mn_str_make(p + end, n - end);
    }
    ptrdiff_t q = mn_str_find_char(rest, '?', 0);
    if (q >= 0) {
        out->path = mn_str_make(rest.ptr, (size_t)q);
        out->query = mn_str_make(rest.ptr + q + 1, rest.len - (size_t)q - 1);
    } else {
        out->path = rest;
        out->query = MN_STR_EMPTY;
    }
    if (!out->path.len)
        out->path = MN_STR("/");
    return 0;
}

/* Finds the end of a line starting at p: returns the index of '\n' or -1.
 * A CR must come right before it and nowhere else (checked by the callers'
 * character classes, which exclude CR). */
static ptrdiff_t find_lf(const char *buf, size_t from, size_t end)
{
    const char *lf = memchr(buf + from, '\n', end - from);
    return lf ? lf - buf : -1;
}

static int parse_content_length(mn_str v, int64_t *out)
{
    if (!v.len || v.len > 18)
        return -400;
    int64_t n = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.ptr[i] < '0' || v.ptr[i] > '9')
            return -400;
        n = n * 10 + (v.ptr[i] - '0');
    }
    *out = n;
    return 0;
}

ptrdiff_t mn_http_parse_head(const char *buf, size_t len, const mn_http_limits *limits,
                             mn_header *hdrs, size_t hcap, mn_http_head *out)
{
    size_t max_line = limits && limits->max_request_line ? limits->max_request_line
                                                          : MN_HTTP_DEFAULT_MAX_REQUEST_LINE;
    size_t max_count = limits && limits->max_header_count ? limits->max_header_count
                                                           : MN_HTTP_DEFAULT_MAX_HEADER_COUNT;
    size_t max_size = limits && limits->max_header_size ? limits->max_header_size
                                                         : MN_HTTP_DEFAULT_MAX_HEADER_SIZE;
    if (max_count > hcap)
        max_count = hcap;
    memset(out, 0, sizeof *out);
    out->content_length = -1;
    out->headers = hdrs;

    /* RFC 9112 2.2: ignore empty lines before the request line. */
    size_t pos = 0;
    while (pos < len && (buf[pos] == '\r' || buf[pos] == '\n')) {
        if (buf[pos] == '\r') {
            if (pos + 1 >= len)
                return 0;
            if (buf[pos + 1] != '\n')
                return -400;
            pos += 2;
        } else {
            return -400; /* bare LF */
        }
        if (pos > 64)
            return -400;
    }
    size_t start = pos;

    /* request-line = method SP request-target SP HTTP-version CRLF */
    size_t scan_end = len < start + max_line + 2 ? len : start + max_line + 2;
    ptrdiff_t lf = find_lf(buf, start, scan_end);
    if (lf < 0) {
        /* A method or target with a forbidden byte fails now, not later. */
        if (len - start >= max_line + 2)
            return -414;
        for (size_t i = start; i < len; i++)
            if (buf[i] == '\0' || (buf[i] == '\r' && i + 1 < len))
                return -400;
        return 0;
    }
    size_t eol = (size_t)lf;
    if (eol == start || buf[eol - 1] != '\r')
        return -400;
    size_t line_end = eol - 1;
    if (line_end - start > max_line)
        return -414;
    size_t i = start;
    while (i < line_end && IS(buf[i], C_TOKEN))
        i++;
    if (i == start || i >= line_end || buf[i] != ' ')
        return -400;
    out->method = mn_str_make(buf + start, i - start);
    size_t t0 = ++i;
    while (i < line_end && IS(buf[i], C_TARGET))
        i++;
    if (i == t0 || i >= line_end || buf[i] != ' ')
        return -400;
    out->target = mn_str_make(buf + t0, i - t0);
    i++;
    if (line_end - i != 8 || memcmp(buf + i, "HTTP/", 5) != 0)
        return -400;
    char major = buf[i + 5], dot = buf[i + 6], minor = buf[i + 7];
    if (major < '0' || major > '9' || dot != '.' || minor < '0' || minor > '9')
        return -400;
    if (major != '1')
        return -505;
    out->version_minor = minor == '0' ? 0 : 1;
    pos = eol + 1;

    /* field-line = field-name ":" OWS field-value OWS CRLF */
    mn_str authority;
    int rc = split_target(out->target, out->method, out, &authority);
    if (rc)
        return rc;
    size_t n = 0;
    const mn_header *host = NULL, *cl = NULL, *te = NULL;
    bool conn_close = false, conn_keep = false;
    for (;;) {
        /* The whole head, up to the final CRLF, fits in max_size bytes:
         * the next line needs two more, and its LF must come before
         * start + max_size. The verdict is the same whichever way the
         * head is split into reads. */
        if (pos - start + 2 > max_size)
            return -431;
        size_t lim = len < start + max_size ? len : start + max_size;
        lf = find_lf(buf, pos, lim > pos ? lim : pos);
        if (lf < 0) {
            if (len - start >= max_size)
                return -431;
            /* Reject what can already be seen as invalid. */
            if (pos < len && (buf[pos] == ' ' || buf[pos] == '\t'))
                return -400;
            return 0;
        }
        eol = (size_t)lf;
        if (eol == pos || buf[eol - 1] != '\r')
            return -400; /* bare LF */
        line_end = eol - 1;
        if (line_end == pos) { /* empty line: end of the head */
            pos = eol + 1;
            break;
        }
        if (buf[pos] == ' ' || buf[pos] == '\t')
            return -400; /* obs-fold or whitespace before the first name */
        size_t k = pos;
        while (k < line_end && IS(buf[k], C_TOKEN))
            k++;
        if (k == pos || k >= line_end || buf[k] != ':')
            return -400; /* empty name, bad character, whitespace before ':' */
        mn_str name = mn_str_make(buf + pos, k - pos);
        k++;
        while (k < line_end && (buf[k] == ' ' || buf[k] == '\t'))
            k++;
        size_t v0 = k, v1 = line_end;
        for (size_t j = v0; j < v1; j++)
            if (!IS(buf[j], C_VALUE))
                return -400; /* NUL, CR, LF, other controls */
        while (v1 > v0 && (buf[v1 - 1] == ' ' || buf[v1 - 1] == '\t'))
            v1--;
        if (n >= max_count)
            return -431;
        hdrs[n].name = name;
        hdrs[n].value = mn_str_make(buf + v0, v1 - v0);
        const mn_header *h = &hdrs[n];
        n++;
        pos = eol + 1;
        switch (name.len) {
        case 4:
            if (name_is(name, "host")) {
                if (host)
                    return -400;
                host = h;
            }
            break;
        case 6:
            if (name_is(name, "expect")) {
                if (!mn_str_ieq_cstr(h->value, "100-continue"))
                    return -417;
                if (out->version_minor == 1)
                    out->expect_continue = true;
            }
            break;
        case 10:
            if (name_is(name, "connection")) {
                size_t p2 = 0;
                mn_str el;
                while (next_element(h->value, &p2, &el)) {
                    if (mn_str_ieq_cstr(el, "close"))
                        conn_close = true;
                    else if (mn_str_ieq_cstr(el, "keep-alive"))
                        conn_keep = true;
                }
            }
            break;
        case 14:
            if (name_is(name, "content-length")) {
                if (cl)
                    return -400;
                cl = h;
            }
            break;
        case 17:
            if (name_is(name, "transfer-encoding")) {
                if (te)
                    return -400;
                te = h;
            }
            break;
        default:
            break;
        }
    }
    out->nheaders = n;
    out->head_len = pos;

    if (te) {
        /* HTTP/1.0 has no transfer codings: faulty framing. In 1.1 only a
         * lone "chunked" is understood; both with Content-Length is the
         * classic smuggling vector. */
        if (cl || out->version_minor == 0 || !mn_str_ieq_cstr(te->value, "chunked"))
            return -400;
        out->chunked = true;
    } else if (cl) {
        if (parse_content_length(cl->value, &out->content_length))
            return -400;
    }
    if (authority.ptr) {
        out->host = authority;
        out->has_host = true;
        if (host && !host_valid(host->value))
            return -400;
    } else if (host) {
        if (!host_valid(host->value))
            return -400;
        out->host = host->value;
        out->has_host = true;
    } else if (out->version_minor == 1) {
        return -400;
    }
    out->keep_alive = out->version_minor == 1 ? !conn_close : (conn_keep && !conn_close);
    return (ptrdiff_t)pos;
}

/* Chunked decoder states. */
enum {
    CH_SIZE = 0,    /* reading hex digits */
    CH_EXT,         /* after the size: extensions until CR */
    CH_SIZE_LF,     /* CR seen, LF expected */
    CH_DATA,        /* copying chunk data */
    CH_DATA_CR,     /* CRLF after the data */
    CH_DATA_LF,
    CH_TRAILER,     /* start of a trailer line (or the final empty line) */
    CH_TRAILER_LINE,
    CH_TRAILER_LF,  /* CR seen inside a trailer line */
    CH_END_LF,      /* CR of the final empty line seen */
    CH_DONE
};

/* Sub-states of a chunk extension. */
enum { EXT_NONE = 0, EXT_NAME_START, EXT_NAME, EXT_VALUE_START, EXT_VALUE, EXT_QUOTED, EXT_QESC,
       EXT_AFTER_VALUE };

#define MAX_CHUNK_LINE 4096
#define MAX_TRAILERS 16384

int mn_http_chunked_decode(mn_http_chunked *st, char *buf, size_t *decoded, size_t *raw,
                           size_t end, size_t max_body)
{
    size_t d = *decoded, r = *raw;
    int rc = 0;
    while (r < end && st->state != CH_DONE) {
        unsigned char c = (unsigned char)buf[r];
        switch (st->state) {
        case CH_SIZE:
            if (IS(c, C_HEX)) {
                if (++st->digits > 15) {
                    rc = -400;
                    goto out;
                }
                unsigned v = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
                st->remaining = st->remaining * 16 + v;
                r++;
                break;
            }
            if (!st->digits) {
                rc = -400;
                goto out;
            }
            st->state = CH_EXT;
            break;
        case CH_EXT:
            /* chunk-ext = *( ";" name [ "=" ( token / quoted-string ) ] ),
             * validated strictly and without whitespace: lenient chunk
             * extension parsing is a known smuggling vector. */
            if (++st->line_bytes > MAX_CHUNK_LINE) {
                rc = -400;
                goto out;
            }
            if (st->ext == EXT_QUOTED) {
                if (c == '"')
                    st->ext = EXT_AFTER_VALUE;
                else if (c == '\\')
                    st->ext = EXT_QESC;
                else if (!(c == '\t' || (c >= 0x20 && c != 0x7f))) {
                    rc = -400;
                    goto out;
                }
                r++;
                break;
            }
            if (st->ext == EXT_QESC) {
                if (!(c == '\t' || (c >= 0x20 && c != 0x7f))) {
                    rc = -400;
                    goto out;
                }
                st->ext = EXT_QUOTED;
                r++;
                break;
            }
            if (c == '\r') {
                if (st->ext == EXT_NAME_START || st->ext == EXT_VALUE_START) {
                    rc = -400;
                    goto out;
                }
                st->ext = EXT_NONE;
                st->state = CH_SIZE_LF;
            } else if (c == ';') {
                if (st->ext == EXT_NAME_START || st->ext == EXT_VALUE_START) {
                    rc = -400;
                    goto out;
                }
                st->ext = EXT_NAME_START;
            } else if (c == '=') {
                if (st->ext != EXT_NAME) {
                    rc = -400;
                    goto out;
                }
                st->ext = EXT_VALUE_START;
            } else if (c == '"') {
                if (st->ext != EXT_VALUE_START) {
                    rc = -400;
                    goto out;
                }
                st->ext = EXT_QUOTED;
            } else if (IS(c, C_TOKEN)) {
                if (st->ext == EXT_NAME_START)
                    st->ext = EXT_NAME;
                else if (st->ext == EXT_VALUE_START)
                    st->ext = EXT_VALUE;
                else if (st->ext != EXT_NAME && st->ext != EXT_VALUE) {
                    rc = -400;
                    goto out;
                }
            } else {
                rc = -400;
                goto out;
            }
            r++;
            break;
        case CH_SIZE_LF:
            if (c != '\n') {
                rc = -400;
                goto out;
            }
            r++;
            st->line_bytes = 0;
            st->digits = 0;
            if (st->remaining == 0) {
                st->state = CH_TRAILER;
            } else {
                if (max_body && st->total + st->remaining > max_body) {
                    rc = -413;
                    goto out;
                }
                st->state = CH_DATA;
            }
            break;
        case CH_DATA: {
            size_t avail = end - r;
            size_t take = st->remaining < avail ? (size_t)st->remaining : avail;
            if (d != r)
                memmove(buf + d, buf + r, take);
            d += take;
            r += take;
            st->remaining -= take;
            st->total += take;
            if (!st->remaining)
                st->state = CH_DATA_CR;
            break;
        }
        case CH_DATA_CR:
            if (c != '\r') {
                rc = -400;
                goto out;
            }
            r++;
            st->state = CH_DATA_LF;
            break;
        case CH_DATA_LF:
            if (c != '\n') {
                rc = -400;
                goto out;
            }
            r++;
            st->state = CH_SIZE;
            break;
        case CH_TRAILER:
            if (c == '\r') {
                st->state = CH_END_LF;
                r++;
                break;
            }
            if (!IS(c, C_TOKEN)) { /* no obs-fold, no bare LF, no junk */
                rc = -400;
                goto out;
            }
            st->state = CH_TRAILER_LINE;
            st->line_bytes = 0;
            break;
        case CH_TRAILER_LINE:
            /* name ":" value: the name is a token, the value has no CTLs */
            if (c == '\r') {
                if (!st->digits) { /* no colon seen */
                    rc = -400;
                    goto out;
                }
                st->state = CH_TRAILER_LF;
            } else if (!st->digits) {
                if (c == ':')
                    st->digits = 1;
                else if (!IS(c, C_TOKEN)) {
                    rc = -400;
                    goto out;
                }
            } else if (!IS(c, C_VALUE)) {
                rc = -400;
                goto out;
            }
            r++;
            if (++st->trailer_bytes > MAX_TRAILERS) {
                rc = -400;
                goto out;
            }
            break;
        case CH_TRAILER_LF:
            if (c != '\n') {
                rc = -400;
                goto out;
            }
            r++;
            st->digits = 0;
            st->state = CH_TRAILER;
            break;
        case CH_END_LF:
            if (c != '\n') {
                rc = -400;
                goto out;
            }
            r++;
            st->state = CH_DONE;
            break;
        default:
            rc = -400;
            goto out;
        }
    }
    if (st->state == CH_DONE)
        rc = 1;
out:
    *decoded = d;
    *raw = r;
    return rc;
}

const char *mn_http_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a Teapot";
    case 422: return "Unprocessable Entity";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown Status Code";
    }
}
