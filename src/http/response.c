/* mn_response: Django's HttpResponse, StreamingHttpResponse and
 * FileResponse, and their serialisation on the wire. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "http_internal.h"
#include "manouche/crypto.h"
#include "manouche/json.h"

typedef struct resp_cookie {
    mn_str name;
    mn_str line; /* the Set-Cookie value */
} resp_cookie;

struct mn_response {
    mn_request *req;
    mn_arena *arena;
    int status;
    const char *reason;
    mn_header *headers;
    size_t nh, caph;
    resp_cookie *cookies;
    size_t nc, capc;
    mn__body_kind kind;
    mn_str body;      /* static or copied body */
    mn_buf buf;       /* body built with mn_response_write */
    bool buffered;    /* body lives in buf */
    mn_stream_fn fn;
    void *ctx;
    int fd;
    off_t off, len;
    /* multipart/byteranges: part i is heads[i] then the file's bytes
     * [roff[i], roff[i] + rlen[i]); heads[nranges] closes the body */
    size_t nranges;
    mn_str *heads;
    off_t *roff, *rlen;
};

bool mn__status_no_body(int status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

static bool value_valid(mn_str v)
{
    for (size_t i = 0; i < v.len; i++)
        if (v.ptr[i] == '\r' || v.ptr[i] == '\n' || v.ptr[i] == '\0')
            return false;
    return true;
}

mn_response *mn_response_new(mn_request *req, int status)
{
    if (status < 100 || status > 599) /* Django: "HTTP status code must be ... from 100 to 599." */
        return NULL;
    mn_arena *a = mn_request_arena(req);
    /* One allocation for the response and its first eight headers. */
    char *mem = mn_arena_alloc(a, sizeof(mn_response) + 8 * sizeof(mn_header));
    if (!mem)
        return NULL;
    mn_response *r = (mn_response *)(void *)mem;
    memset(r, 0, sizeof *r);
    r->req = req;
    r->arena = a;
    r->status = status;
    r->fd = -1;
    r->body = MN_STR_EMPTY;
    /* Literals need no copy. */
    r->headers = (mn_header *)(void *)(mem + sizeof(mn_response));
    r->caph = 8;
    r->headers[0] = (mn_header){ MN_STR("Content-Type"), MN_STR("text/html; charset=utf-8") };
    r->nh = 1;
    return r;
}

mn_response *mn_response_static(mn_request *req, int status, const char *content_type, mn_str body)
{
    mn_response *r = mn_response_new(req, status);
    if (!r)
        return NULL;
    if (content_type) {
        /* Replace the default in place: the common path of every view. */
        mn_str ct = mn_str_clone(r->arena, mn_str_from(content_type));
        if (!ct.ptr || !value_valid(ct))
            return NULL;
        r->headers[0].value = ct;
    }
    r->body = body;
    return r;
}

mn_response *mn_response_text(mn_request *req, int status, const char *content_type, mn_str body)
{
    mn_str copy = mn_str_clone(mn_request_arena(req), body);
    if (!copy.ptr)
        return NULL;
    return mn_response_static(req, status, content_type, copy);
}

mn_response *mn_response_json_text(mn_request *req, int status, mn_str json)
{
    mn_str copy = mn_str_clone(mn_request_arena(req), json);
    mn_response *r = copy.ptr ? mn_response_new(req, status) : NULL;
    if (!r)
        return NULL;
    r->headers[0].value = MN_STR("application/json"); /* a literal: no copy */
    r->body = copy;
    return r;
}

mn_response *mn_response_json(mn_request *req, int status, mn_value v, unsigned flags)
{
    mn_response *r = mn_response_new(req, status);
    if (!r || mn_response_set_header(r, "Content-Type", MN_STR("application/json")) || mn_response_write(r, "", 0))
        return NULL;
    /* The writer streams straight into the response body: no intermediate
     * document. */
    mn_json_writer w;
    mn_json_writer_init(&w, &r->buf, flags);
    mn_json_write_value(&w, v);
    if (mn_json_writer_finish(&w, NULL))
        return NULL;
    return r;
}

mn_response *mn_response_redirect(mn_request *req, const char *url, bool permanent)
{
    mn_response *r = mn_response_new(req, permanent ? 301 : 302);
    if (!r || mn_response_set_header_cstr(r, "Location", url))
        return NULL;
    return r;
}

mn_response *mn_response_stream(mn_request *req, int status, const char *content_type,
                                 mn_stream_fn fn, void *ctx)
{
    mn_response *r = mn_response_new(req, status);
    if (!r)
        return NULL;
    if (content_type && mn_response_set_header_cstr(r, "Content-Type", content_type))
        return NULL;
    r->kind = MN__BODY_STREAM;
    r->fn = fn;
    r->ctx = ctx;
    return r;
}

int mn_response_status(const mn_response *resp) { return resp->status; }

mn_str mn_response_reason(const mn_response *resp)
{
    return mn_str_from(resp->reason ? resp->reason : mn_http_reason(resp->status));
}

void mn_response_set_status(mn_response *resp, int status, const char *reason)
{
    if (status < 100 || status > 599)
        return;
    resp->status = status;
    resp->reason = reason && value_valid(mn_str_from(reason)) ? mn_arena_strdup(resp->arena, reason)
                                                               : NULL;
}

int mn_response_add_header(mn_response *resp, const char *name, mn_str value)
{
    mn_str n = mn_str_from(name);
    if (!mn__http_is_token(n) || !value_valid(value))
        return MN_EINVAL;
    if (resp->nh == resp->caph) {
        size_t ncap = resp->caph ? resp->caph * 2 : 8;
        mn_header *nh = mn_arena_realloc(resp->arena, resp->headers, resp->caph * sizeof *nh,
                                         ncap * sizeof *nh);
        if (!nh)
            return MN_ENOMEM;
        resp->headers = nh;
        resp->caph = ncap;
    }
    mn_str nc = mn_str_clone(resp->arena, n), vc = mn_str_clone(resp->arena, value);
    if (!nc.ptr || !vc.ptr)
        return MN_ENOMEM;
    resp->headers[resp->nh++] = (mn_header){ nc, vc };
    return MN_OK;
}

bool mn_response_delete_header(mn_response *resp, const char *name)
{
    mn_str n = mn_str_from(name);
    size_t w = 0;
    for (size_t i = 0; i < resp->nh; i++)
        if (!mn_str_ieq(resp->headers[i].name, n))
            resp->headers[w++] = resp->headers[i];
    bool removed = w != resp->nh;
    resp->nh = w;
    return removed;
}

int mn_response_set_header(mn_response *resp, const char *name, mn_str value)
{
    if (!mn__http_is_token(mn_str_from(name)) || !value_valid(value))
        return MN_EINVAL;
    mn_response_delete_header(resp, name);
    return mn_response_add_header(resp, name, value);
}

int mn_response_set_header_cstr(mn_response *resp, const char *name, const char *value)
{
    return mn_response_set_header(resp, name, mn_str_from(value));
}

bool mn_response_header(const mn_response *resp, const char *name, mn_str *out)
{
    const mn_header *h = mn_http_find_header(resp->headers, resp->nh, mn_str_from(name));
    if (!h)
        return false;
    *out = h->value;
    return true;
}

int mn_response_write(mn_response *resp, const void *data, size_t len)
{
    if (resp->kind != MN__BODY_MEMORY)
        return MN_EINVAL;
    if (!resp->buffered) {
        mn_buf_init(&resp->buf, resp->arena, (size_t)1 << 30);
        resp->buffered = true;
        mn_buf_put_str(&resp->buf, resp->body);
    }
    return mn_buf_append(&resp->buf, data, len);
}

int mn_response_write_str(mn_response *resp, mn_str s)
{
    return mn_response_write(resp, s.ptr, s.len);
}

mn_str mn_response_body(const mn_response *resp)
{
    if (resp->kind != MN__BODY_MEMORY)
        return MN_STR_EMPTY;
    return resp->buffered ? mn_buf_str(&resp->buf) : resp->body;
}

int mn_response_set_body(mn_response *resp, mn_str body)
{
    if (resp->kind != MN__BODY_MEMORY)
        return MN_EINVAL;
    resp->buffered = false;
    resp->body = body;
    return MN_OK;
}

bool mn_response_is_streaming(const mn_response *resp) { return resp->kind != MN__BODY_MEMORY; }

/* ---- cookies ---- */

static int put_cookie(mn_response *resp, const char *name, mn_str value,
                      const mn_cookie_options *opts, const char *expires_text)
{
    mn_str n = mn_str_from(name);
    /* Python refuses keys outside its legal characters. */
    if (!mn__http_is_token(n) || mn_str_find_char(n, '"', 0) >= 0)
        return MN_EINVAL;
    if (opts && ((opts->path && !value_valid(mn_str_from(opts->path))) ||
                 (opts->domain && !value_valid(mn_str_from(opts->domain)))))
        return MN_EINVAL;
    if (!value_valid(value))
        return MN_EINVAL;
    mn_buf b;
    mn_buf_init(&b, resp->arena, 0);
    if (mn__cookie_format(&b, name, value, opts, expires_text))
        return MN_ENOMEM;
    mn_str line = mn_buf_str(&b);
    for (size_t i = 0; i < resp->nc; i++) {
        if (mn_str_eq(resp->cookies[i].name, n)) {
            resp->cookies[i].line = line;
            return MN_OK;
        }
    }
    if (resp->nc == resp->capc) {
        size_t ncap = resp->capc ? resp->capc * 2 : 4;
        resp_cookie *nc = mn_arena_realloc(resp->arena, resp->cookies, resp->capc * sizeof *nc,
                                           ncap * sizeof *nc);
        if (!nc)
            return MN_ENOMEM;
        resp->cookies = nc;
        resp->capc = ncap;
    }
    mn_str nc = mn_str_clone(resp->arena, n);
    if (!nc.ptr)
        return MN_ENOMEM;
    resp->cookies[resp->nc++] = (resp_cookie){ nc, line };
    return MN_OK;
}

int mn_response_set_cookie(mn_response *resp, const char *name, mn_str value,
                           const mn_cookie_options *opts)
{
    return put_cookie(resp, name, value, opts, NULL);
}

int mn_response_delete_cookie(mn_response *resp, const char *name, const char *path,
                              const char *domain, mn_samesite samesite)
{
    mn_cookie_options o = { 0 };
    o.has_max_age = true;
    o.max_age = 0;
    o.path = path;
    o.domain = domain;
    o.samesite = samesite;
    /* Django 3.2: __Secure- and __Host- cookies, and SameSite=None ones,
     * must be deleted with Secure or browsers ignore the deletion. */
    o.secure = !strncmp(name, "__Secure-", 9) || !strncmp(name, "__Host-", 7) ||
               samesite == MN_SAMESITE_NONE;
    return put_cookie(resp, name, MN_STR_EMPTY, &o, "Thu, 01 Jan 1970 00:00:00 GMT");
}

/* ---- files ---- */

static void close_cleanup(void *arg)
{
    close((int)(intptr_t)arg);
}

static const char *guess_type(const char *name)
{
    static const char *const table[][2] = {
        { "html", "text/html" }, { "htm", "text/html" }, { "css", "text/css" },
        { "js", "text/javascript" }, { "mjs", "text/javascript" }, { "json", "application/json" },
        { "txt", "text/plain" }, { "csv", "text/csv" }, { "xml", "text/xml" },
        { "png", "image/png" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
        { "gif", "image/gif" }, { "svg", "image/svg+xml" }, { "ico", "image/vnd.microsoft.icon" },
        { "webp", "image/webp" }, { "pdf", "application/pdf" }, { "zip", "application/zip" },
        { "gz", "application/gzip" }, { "tar", "application/x-tar" }, { "wasm", "application/wasm" },
        { "woff", "font/woff" }, { "woff2", "font/woff2" }, { "mp4", "video/mp4" },
        { "mp3", "audio/mpeg" }, { "webm", "video/webm" },
    };
    const char *dot = strrchr(name, '.');
    if (dot && !strchr(dot, '/')) {
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (!strcasecmp(dot + 1, table[i][0]))
                return table[i][1];
    }
    return "application/octet-stream";
}

/* Parses one range-spec: "first-last" / "first-" / "-suffix". Returns 1
 * with the range, 0 for bad syntax (the whole header is then ignored, as
 * RFC 9110 allows), or -1 when unsatisfiable. */
static int parse_range(mn_str spec, off_t size, off_t *off, off_t *len)
{
    spec = mn_str_trim(spec);
    mn_str a, b;
    if (!mn_str_split_once(spec, '-', &a, &b))
        return 0;
    a = mn_str_trim(a);
    b = mn_str_trim(b);
    /* Compared as unsigned: numbers past off_t must not wrap. */
    uint64_t first = 0, last = 0, usize = (uint64_t)size;
    if (!a.len) {
        if (mn_str_to_u64(b, &last))
            return 0;
        if (last == 0)
            return -1;
        if (last > usize)
            last = usize;
        *off = size - (off_t)last;
        *len = (off_t)last;
        return size ? 1 : -1;
    }
    if (mn_str_to_u64(a, &first) || (b.len && mn_str_to_u64(b, &last)))
        return 0;
    if (b.len && last < first)
        return 0;
    if (first >= usize)
        return -1;
    if (!b.len || last >= usize)
        last = usize - 1;
    *off = (off_t)first;
    *len = (off_t)(last - first + 1);
    return 1;
}

/* Most ranges one request may ask for (more: the whole file is sent). */
#define MAX_RANGES 64

/* Parses a Range header into offs/lens (up to MAX_RANGES, in the order
 * given, unsatisfiable ones dropped). Returns the number of ranges, 0 to
 * ignore the header (other units, bad syntax, too many ranges, or ranges
 * adding up to more than the file, the way nginx refuses overlapping
 * abuse), or -1 when none is satisfiable (416). */
static int parse_ranges(mn_str h, off_t size, off_t *offs, off_t *lens)
{
    if (!mn_str_starts_with(h, MN_STR("bytes=")))
        return 0;
    mn_str set = mn_str_make(h.ptr + 6, h.len - 6);
    size_t pos = 0;
    mn_str spec;
    int n = 0, seen = 0;
    off_t total = 0;
    while (mn_str_next_field(set, ',', &pos, &spec)) {
        if (!mn_str_trim(spec).len)
            continue; /* RFC 9110's #rule allows empty list elements */
        if (++seen > MAX_RANGES)
            return 0;
        off_t off, len;
        int rc = parse_range(spec, size, &off, &len);
        if (rc == 0)
            return 0;
        if (rc < 0)
            continue;
        total += len;
        if (total > size)
            return 0;
        offs[n] = off;
        lens[n] = len;
        n++;
    }
    if (!seen)
        return 0;
    return n ? n : -1;
}

/* If-Range (RFC 9110 13.1.5): true when the Range header applies. An entity
 * tag never matches (file responses carry none); a date must equal
 * Last-Modified exactly. */
static bool if_range_matches(mn_request *req, const char *last_modified)
{
    mn_str v;
    if (!mn_request_header(req, "If-Range", &v))
        return true;
    v = mn_str_trim(v);
    return mn_str_eq_cstr(v, last_modified);
}

/* Turns r into a multipart/byteranges response over n ranges (nginx's
 * layout: each part opens with CRLF, the delimiter, Content-Type and
 * Content-Range; the body closes with CRLF "--boundary--" CRLF). */
static int set_byteranges(mn_response *r, const char *ct, off_t size, const off_t *offs,
                          const off_t *lens, int n)
{
    mn_arena *a = r->arena;
    unsigned char rnd[20];
    char boundary[21];
    if (mn_crypto_random_bytes(rnd, sizeof rnd, NULL))
        return MN_EIO;
    for (size_t i = 0; i < 20; i++)
        boundary[i] = (char)('0' + rnd[i] % 10);
    boundary[20] = '\0';
    r->heads = mn_arena_alloc(a, ((size_t)n + 1) * sizeof *r->heads);
    r->roff = mn_arena_alloc(a, (size_t)n * sizeof *r->roff);
    r->rlen = mn_arena_alloc(a, (size_t)n * sizeof *r->rlen);
    if (!r->heads || !r->roff || !r->rlen)
        return MN_ENOMEM;
    off_t total = 0;
    for (int i = 0; i < n; i++) {
        char *hd = mn_arena_sprintf(a, "\r\n--%s\r\nContent-Type: %s\r\nContent-Range: bytes %lld-%lld/%lld\r\n\r\n",
                                    boundary, ct, (long long)offs[i],
                                    (long long)(offs[i] + lens[i] - 1), (long long)size);
        if (!hd)
            return MN_ENOMEM;
        r->heads[i] = mn_str_from(hd);
        r->roff[i] = offs[i];
        r->rlen[i] = lens[i];
        total += (off_t)r->heads[i].len + lens[i];
    }
    char *tail = mn_arena_sprintf(a, "\r\n--%s--\r\n", boundary);
    char *rct = mn_arena_sprintf(a, "multipart/byteranges; boundary=%s", boundary);
    if (!tail || !rct || mn_response_set_header_cstr(r, "Content-Type", rct))
        return MN_ENOMEM;
    r->heads[n] = mn_str_from(tail);
    r->nranges = (size_t)n;
    r->off = 0;
    r->len = total + (off_t)r->heads[n].len;
    r->status = 206;
    return MN_OK;
}

mn_response *mn_response_file(mn_request *req, const char *path, const mn_file_options *opts)
{
    static const mn_file_options none = { 0 };
    if (!opts)
        opts = &none;
    mn_arena *a = mn_request_arena(req);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return mn_http_404(req);
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
        mn_arena_on_cleanup(a, close_cleanup, (void *)(intptr_t)fd)) {
        close(fd);
        return mn_http_404(req);
    }
    mn_response *r = mn_response_new(req, 200);
    if (!r)
        return NULL;
    r->kind = MN__BODY_FILE;
    r->fd = fd;
    r->off = 0;
    r->len = st.st_size;
    const char *ct = opts->content_type ? opts->content_type : guess_type(path);
    if (mn_response_set_header_cstr(r, "Content-Type", ct))
        return NULL;
    const char *base = opts->filename;
    if (!base) {
        base = strrchr(path, '/');
        base = base ? base + 1 : path;
    }
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_buf_puts(&b, opts->as_attachment ? "attachment" : "inline");
    if (*base) {
        bool ascii = true;
        for (const char *p = base; *p && ascii; p++)
            ascii = (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f;
        if (ascii) {
            mn_buf_puts(&b, "; filename=\"");
            for (const char *p = base; *p; p++) {
                if (*p == '"' || *p == '\\')
                    mn_buf_putc(&b, '\\');
                mn_buf_putc(&b, *p);
            }
            mn_buf_putc(&b, '"');
        } else {
            mn_buf_puts(&b, "; filename*=utf-8''");
            for (const unsigned char *p = (const unsigned char *)base; *p; p++) {
                if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    strchr("-._~/", *p))
                    mn_buf_putc(&b, (char)*p);
                else
                    mn_buf_printf(&b, "%%%02X", *p);
            }
        }
    }
    if (mn_buf_error(&b) || mn_response_set_header(r, "Content-Disposition", mn_buf_str(&b)))
        return NULL;
    char date[32];
    mn_http_date((int64_t)st.st_mtime, date);
    mn_response_set_header_cstr(r, "Last-Modified", date);
    mn_response_set_header_cstr(r, "Accept-Ranges", "bytes");
    mn_str range;
    if (mn_request_header(req, "Range", &range) &&
        (mn_request_is_method(req, "GET") || mn_request_is_method(req, "HEAD")) &&
        if_range_matches(req, date)) {
        off_t offs[MAX_RANGES], lens[MAX_RANGES];
        int rc = parse_ranges(range, st.st_size, offs, lens);
        if (rc > 1) {
            if (set_byteranges(r, ct, st.st_size, offs, lens, rc))
                return NULL;
        } else if (rc == 1) {
            off_t off = offs[0], len = lens[0];
            r->status = 206;
            r->off = off;
            r->len = len;
            char *cr = mn_arena_sprintf(a, "bytes %lld-%lld/%lld", (long long)off,
                                        (long long)(off + len - 1), (long long)st.st_size);
            if (!cr || mn_response_set_header_cstr(r, "Content-Range", cr))
                return NULL;
        } else if (rc < 0) {
            r->status = 416;
            r->len = 0;
            char *cr = mn_arena_sprintf(a, "bytes */%lld", (long long)st.st_size);
            if (!cr || mn_response_set_header_cstr(r, "Content-Range", cr))
                return NULL;
        }
    }
    return r;
}

/* ---- error pages ---- */

mn_response *mn_http_error(mn_request *req, int status)
{
    char title[96];
    const char *details = "";
    switch (status) {
    case 400:
        snprintf(title, sizeof title, "Bad Request (400)");
        break;
    case 403:
        snprintf(title, sizeof title, "403 Forbidden");
        break;
    case 404:
        snprintf(title, sizeof title, "Not Found");
        details = "The requested resource was not found on this server.";
        break;
    case 500:
        snprintf(title, sizeof title, "Server Error (500)");
        break;
    default:
        snprintf(title, sizeof title, "%s (%d)", mn_http_reason(status), status);
        break;
    }
    char *body = mn_arena_sprintf(mn_request_arena(req),
                                  "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>%s</title>\n"
                                  "</head>\n<body>\n  <h1>%s</h1><p>%s</p>\n</body>\n</html>\n",
                                  title, title, details);
    if (!body)
        return NULL;
    return mn_response_static(req, status, NULL, mn_str_from(body));
}

mn_response *mn_http_404(mn_request *req)
{
    return mn_http_error(req, 404);
}

/* ---- serialisation ---- */

mn__body_kind mn__response_kind(const mn_response *resp) { return resp->kind; }

mn_stream_fn mn__response_stream(const mn_response *resp, void **ctx)
{
    *ctx = resp->ctx;
    return resp->fn;
}

int mn__response_file(const mn_response *resp, off_t *offset, off_t *len)
{
    *offset = resp->off;
    *len = resp->nranges ? 0 : resp->len;
    return resp->fd;
}

bool mn__response_file_part(const mn_response *resp, size_t i, mn_str *prefix, off_t *offset,
                            off_t *len)
{
    if (!resp->nranges || i > resp->nranges)
        return false;
    *prefix = resp->heads[i];
    *offset = i < resp->nranges ? resp->roff[i] : 0;
    *len = i < resp->nranges ? resp->rlen[i] : 0;
    return true;
}

static int cookie_cmp(const void *a, const void *b)
{
    return mn_str_cmp(((const resp_cookie *)a)->name, ((const resp_cookie *)b)->name);
}

/* Headers the server writes itself (framing, Date, Server) or drops
 * (Content-Type without a body) are not copied from the response. */
static bool header_skipped(mn_str n, bool server, bool no_body)
{
    switch (n.len) {
    case 4: return mn_str_ieq_cstr(n, "Date");
    case 6: return server && mn_str_ieq_cstr(n, "Server");
    case 10: return mn_str_ieq_cstr(n, "Connection");
    case 12: return no_body && mn_str_ieq_cstr(n, "Content-Type");
    case 14: return mn_str_ieq_cstr(n, "Content-Length");
    case 17: return mn_str_ieq_cstr(n, "Transfer-Encoding");
    default: return false;
    }
}

#define PUT_LIT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) += sizeof(lit) - 1)
#define PUT_MEM(p, s, n) (memcpy((p), (s), (n)), (p) += (n))

int mn__response_serialize_head(mn_response *resp, mn_buf *out, int version_minor,
                                bool keep_alive, bool head_only, const char *date,
                                const char *server)
{
    (void)head_only;
    int status = resp->status;
    bool no_body = mn__status_no_body(status);
    const char *reason = resp->reason ? resp->reason : mn_http_reason(status);
    size_t reason_len = strlen(reason), date_len = date ? strlen(date) : 0,
           server_len = server ? strlen(server) : 0;
    /* One reservation for the whole head: its exact size is bounded by the
     * parts' lengths plus the fixed lines (status line, Content-Length or
     * Transfer-Encoding, Date, Server, Connection: all under 160 bytes). */
    size_t need = reason_len + date_len + server_len + 160;
    for (size_t i = 0; i < resp->nh; i++)
        need += resp->headers[i].name.len + resp->headers[i].value.len + 4;
    for (size_t i = 0; i < resp->nc; i++)
        need += resp->cookies[i].line.len + 14;
    char *start = mn_buf_reserve(out, need);
    if (!start)
        return mn_buf_error(out);
    char *p = start;
    PUT_LIT(p, "HTTP/1.1 ");
    *p++ = (char)('0' + status / 100 % 10);
    *p++ = (char)('0' + status / 10 % 10);
    *p++ = (char)('0' + status % 10);
    *p++ = ' ';
    PUT_MEM(p, reason, reason_len);
    PUT_LIT(p, "\r\n");
    for (size_t i = 0; i < resp->nh; i++) {
        mn_str n = resp->headers[i].name, v = resp->headers[i].value;
        if (header_skipped(n, server != NULL, no_body))
            continue;
        PUT_MEM(p, n.ptr, n.len);
        PUT_LIT(p, ": ");
        PUT_MEM(p, v.ptr, v.len);
        PUT_LIT(p, "\r\n");
    }
    if (resp->nc > 1)
        qsort(resp->cookies, resp->nc, sizeof *resp->cookies, cookie_cmp);
    for (size_t i = 0; i < resp->nc; i++) {
        PUT_LIT(p, "Set-Cookie: ");
        PUT_MEM(p, resp->cookies[i].line.ptr, resp->cookies[i].line.len);
        PUT_LIT(p, "\r\n");
    }
    if (!no_body) {
        if (resp->kind == MN__BODY_MEMORY || resp->kind == MN__BODY_FILE) {
            uint64_t v = resp->kind == MN__BODY_MEMORY ? mn_response_body(resp).len : (uint64_t)resp->len;
            char tmp[24];
            size_t i = sizeof tmp;
            do {
                tmp[--i] = (char)('0' + v % 10);
                v /= 10;
            } while (v);
            PUT_LIT(p, "Content-Length: ");
            PUT_MEM(p, tmp + i, sizeof tmp - i);
            PUT_LIT(p, "\r\n");
        } else if (version_minor == 1) {
            PUT_LIT(p, "Transfer-Encoding: chunked\r\n");
        }
    }
    if (date) {
        PUT_LIT(p, "Date: ");
        PUT_MEM(p, date, date_len);
        PUT_LIT(p, "\r\n");
    }
    if (server) {
        PUT_LIT(p, "Server: ");
        PUT_MEM(p, server, server_len);
        PUT_LIT(p, "\r\n");
    }
    if (!keep_alive)
        PUT_LIT(p, "Connection: close\r\n");
    else if (version_minor == 0)
        PUT_LIT(p, "Connection: keep-alive\r\n");
    PUT_LIT(p, "\r\n");
    mn_buf_commit(out, (size_t)(p - start));
    return mn_buf_error(out);
}
