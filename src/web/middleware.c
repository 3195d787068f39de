/* The built-in middleware: Security, Common, XFrameOptions, GZip and
 * ConditionalGet, following Django's django.middleware.* behaviour. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <openssl/evp.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>
#include "manouche/crypto.h"
#include "web_internal.h"

/* ---- helpers ---- */

static void setdefault(mn_response *r, const char *name, const char *value)
{
    mn_str cur;
    if (!mn_response_header(r, name, &cur))
        mn_response_set_header_cstr(r, name, value);
}

/* patch_vary_headers(response, (name,)) */
static void patch_vary(mn_request *req, mn_response *r, const char *name)
{
    mn_str vary;
    if (!mn_response_header(r, "Vary", &vary)) {
        mn_response_set_header_cstr(r, "Vary", name);
        return;
    }
    size_t pos = 0;
    mn_str item;
    while (mn_str_next_field(vary, ',', &pos, &item)) {
        item = mn_str_trim(item);
        if (mn_str_eq_cstr(item, "*") || mn_str_ieq_cstr(item, name))
            return;
    }
    char *v = mn_arena_sprintf(mn_request_arena(req), "%.*s, %s", MN_STR_FMT(vary), name);
    if (v)
        mn_response_set_header_cstr(r, "Vary", v);
}

static mn_settings default_settings;
static pthread_once_t default_settings_once = PTHREAD_ONCE_INIT;
static void init_default_settings(void) { default_settings = mn_settings_defaults(); }

/* The project's settings, or Django's defaults for a request handled
 * outside a site (middleware called directly). */
static const mn_settings *settings_of(const mn_request *req)
{
    const mn_settings *s = mn_request_settings(req);
    if (s)
        return s;
    pthread_once(&default_settings_once, init_default_settings);
    return &default_settings;
}

/* ---- SecurityMiddleware ---- */

static mn_response *security_call(mn_request *req, mn_next *next)
{
    const mn_settings *s = settings_of(req);
    if (s->SECURE_SSL_REDIRECT && !mn_request_is_secure(req)) {
        mn_str host = MN_STR_EMPTY;
        mn_err err = { 0 };
        if (s->SECURE_SSL_HOST && *s->SECURE_SSL_HOST)
            host = mn_str_from(s->SECURE_SSL_HOST);
        else if (mn_request_get_host(req, &host, &err))
            return mn_http_error(req, 400);
        mn_str full = mn_request_full_path(req);
        char *url = mn_arena_sprintf(mn_request_arena(req), "https://%.*s%.*s", MN_STR_FMT(host),
                                     MN_STR_FMT(full));
        return url ? mn_response_redirect(req, url, true) : NULL;
    }
    mn_response *r = mn_next_call(next, req);
    if (!r)
        return NULL;
    mn_str cur;
    if (s->SECURE_HSTS_SECONDS > 0 && mn_request_is_secure(req) &&
        !mn_response_header(r, "Strict-Transport-Security", &cur)) {
        char v[96];
        snprintf(v, sizeof v, "max-age=%lld%s%s", (long long)s->SECURE_HSTS_SECONDS,
                 s->SECURE_HSTS_INCLUDE_SUBDOMAINS ? "; includeSubDomains" : "",
                 s->SECURE_HSTS_PRELOAD ? "; preload" : "");
        mn_response_set_header_cstr(r, "Strict-Transport-Security", v);
    }
    if (s->SECURE_CONTENT_TYPE_NOSNIFF)
        setdefault(r, "X-Content-Type-Options", "nosniff");
    if (s->SECURE_BROWSER_XSS_FILTER)
        setdefault(r, "X-XSS-Protection", "1; mode=block");
    if (s->SECURE_REFERRER_POLICY && *s->SECURE_REFERRER_POLICY &&
        !mn_response_header(r, "Referrer-Policy", &cur)) {
        /* "a, b" is sent as "a,b", as Django joins the stripped values. */
        mn_buf b;
        mn_buf_init(&b, mn_request_arena(req), 0);
        mn_str all = mn_str_from(s->SECURE_REFERRER_POLICY), item;
        size_t pos = 0;
        bool first = true;
        while (mn_str_next_field(all, ',', &pos, &item)) {
            item = mn_str_trim(item);
            if (!item.len)
                continue;
            if (!first)
                mn_buf_putc(&b, ',');
            mn_buf_put_str(&b, item);
            first = false;
        }
        if (!mn_buf_error(&b))
            mn_response_set_header(r, "Referrer-Policy", mn_buf_str(&b));
    }
    if (s->SECURE_CROSS_ORIGIN_OPENER_POLICY && *s->SECURE_CROSS_ORIGIN_OPENER_POLICY)
        setdefault(r, "Cross-Origin-Opener-Policy", s->SECURE_CROSS_ORIGIN_OPENER_POLICY);
    return r;
}

const mn_middleware mn_security_middleware = { .name = "manouche.SecurityMiddleware",
                                               .call = security_call };

/* ---- CommonMiddleware ---- */

static bool ua_disallowed(mn_request *req, const mn_common_options *o)
{
    mn_str ua;
    if (!o || !o->disallowed_user_agents || !mn_request_header(req, "User-Agent", &ua))
        return false;
    for (const char *const *p = o->disallowed_user_agents; *p; p++) {
        int ec;
        PCRE2_SIZE eo;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)*p, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &eo, NULL);
        if (!re) {
            mn_logf(&mn__request_log, MN_LOG_ERROR, "DISALLOWED_USER_AGENTS: bad pattern %s", *p);
            continue;
        }
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
        int rc = md ? pcre2_match(re, (PCRE2_SPTR)ua.ptr, ua.len, 0, 0, md, NULL) : -1;
        pcre2_match_data_free(md);
        pcre2_code_free(re);
        if (rc >= 0)
            return true;
    }
    return false;
}

static bool valid_path(mn_request *req, mn_str path)
{
    const mn_resolver *r = mn_request_resolver(req);
    if (!r)
        return false;
    mn_arena *a = mn_request_arena(req);
    mn_arena_mark mark = mn_arena_mark_get(a);
    mn_url_match m;
    int rc = mn_resolver_resolve(r, path, a, &m);
    mn_arena_rewind(a, mark);
    return rc == MN_OK;
}

static bool should_redirect_with_slash(mn_request *req, const mn_settings *s)
{
    mn_str path = mn_request_path(req);
    if (!s->APPEND_SLASH || !path.len || path.ptr[path.len - 1] == '/')
        return false;
    if (valid_path(req, path))
        return false;
    char *with = mn_arena_sprintf(mn_request_arena(req), "%.*s/", MN_STR_FMT(path));
    return with && valid_path(req, mn_str_from(with));
}

/* request.get_full_path(force_append_slash=True), with a leading "//"
 * escaped so the redirect cannot leave the site. */
static char *full_path_with_slash(mn_request *req)
{
    mn_str full = mn_request_full_path(req), path, query;
    bool has_q = mn_str_split_once(full, '?', &path, &query);
    mn_str lead = MN_STR_EMPTY;
    if (path.len >= 2 && path.ptr[0] == '/' && path.ptr[1] == '/') {
        lead = MN_STR("/%2F");
        path = mn_str_slice(path, 2, path.len);
    }
    return mn_arena_sprintf(mn_request_arena(req), "%.*s%.*s/%s%.*s", MN_STR_FMT(lead),
                            MN_STR_FMT(path), has_q ? "?" : "", MN_STR_FMT(query));
}

static mn_response *slash_redirect(mn_request *req, const mn_settings *s)
{
    if (s->DEBUG && (mn_request_is_method(req, "POST") || mn_request_is_method(req, "PUT") ||
                     mn_request_is_method(req, "PATCH"))) {
        mn_str m = mn_request_method(req);
        mn_str p = mn_request_path(req);
        return mn_view_fail(req,
                            "You called this URL via %.*s, but the URL doesn't end in a slash and "
                            "you have APPEND_SLASH set. Manouche can't redirect to the slash URL "
                            "while maintaining %.*s data. Change your form to point to %.*s/ (note "
                            "the trailing slash), or set APPEND_SLASH=False in your settings.",
                            MN_STR_FMT(m), MN_STR_FMT(m), MN_STR_FMT(p));
    }
    char *url = full_path_with_slash(req);
    return url ? mn_response_redirect(req, url, true) : NULL;
}

mn_response *mn_common_middleware_call(mn_request *req, mn_next *next)
{
    const mn_settings *s = settings_of(req);
    if (ua_disallowed(req, mn_next_data(next))) {
        mn_log_warning(&mn__request_log, "Forbidden (Forbidden user agent)",
                       MN_LOG_SLICE("path", mn_request_path(req)),
                       MN_LOG_STR("request_id", mn_request_id(req)));
        return mn_http_error(req, 403);
    }
    mn_str host = MN_STR_EMPTY;
    mn_err err = { 0 };
    if (s->PREPEND_WWW && !mn_request_get_host(req, &host, &err) && host.len &&
        !mn_str_starts_with(host, MN_STR("www."))) {
        mn_str scheme = mn_request_scheme(req);
        bool slash = should_redirect_with_slash(req, s);
        if (slash && s->DEBUG && !mn_request_is_method(req, "GET") && !mn_request_is_method(req, "HEAD"))
            return slash_redirect(req, s);
        char *path = slash ? full_path_with_slash(req) : NULL;
        mn_str full = path ? mn_str_from(path) : mn_request_full_path(req);
        char *url = mn_arena_sprintf(mn_request_arena(req), "%.*s://www.%.*s%.*s", MN_STR_FMT(scheme),
                                     MN_STR_FMT(host), MN_STR_FMT(full));
        return url ? mn_response_redirect(req, url, true) : NULL;
    }
    if (should_redirect_with_slash(req, s))
        return slash_redirect(req, s);
    mn_response *r = mn_next_call(next, req);
    if (r && mn_response_status(r) == 404 && should_redirect_with_slash(req, s))
        return slash_redirect(req, s);
    return r;
}

const mn_middleware mn_common_middleware = { .name = "manouche.CommonMiddleware",
                                             .call = mn_common_middleware_call };

/* ---- XFrameOptionsMiddleware ---- */

static mn_response *xframe_call(mn_request *req, mn_next *next)
{
    mn_response *r = mn_next_call(next, req);
    mn_str cur;
    if (!r || mn_response_header(r, "X-Frame-Options", &cur) ||
        mn_request_view_has(req, MN_VIEW_XFRAME_EXEMPT))
        return r;
    const char *v = settings_of(req)->X_FRAME_OPTIONS;
    char up[32];
    size_t i = 0;
    for (; v && v[i] && i < sizeof up - 1; i++)
        up[i] = (char)(v[i] >= 'a' && v[i] <= 'z' ? v[i] - 32 : v[i]);
    up[i] = 0;
    mn_response_set_header_cstr(r, "X-Frame-Options", i ? up : "DENY");
    return r;
}

const mn_middleware mn_xframe_options_middleware = { .name = "manouche.XFrameOptionsMiddleware",
                                                     .call = xframe_call };

/* ---- GZipMiddleware ---- */

static bool compressible(mn_str ct)
{
    mn_str type, params;
    mn_str_split_once(ct, ';', &type, &params);
    type = mn_str_trim(type);
    static const char *const ok[] = { "application/json", "application/javascript",
                                      "application/xml", "application/xhtml+xml",
                                      "image/svg+xml", "application/manifest+json",
                                      "application/ld+json", "text/javascript" };
    if (type.len > 5 && !strncasecmp(type.ptr, "text/", 5))
        return true;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (mn_str_ieq_cstr(type, ok[i]))
            return true;
    return mn_str_ends_with(type, MN_STR("+json")) || mn_str_ends_with(type, MN_STR("+xml"));
}

/* \bgzip\b in Accept-Encoding. */
static bool accepts(mn_str ae, const char *coding)
{
    size_t n = strlen(coding);
    for (size_t i = 0; i + n <= ae.len; i++) {
        if (strncasecmp(ae.ptr + i, coding, n))
            continue;
        bool left = i == 0 || !((ae.ptr[i - 1] | 32) >= 'a' && (ae.ptr[i - 1] | 32) <= 'z');
        bool right = i + n == ae.len || !((ae.ptr[i + n] | 32) >= 'a' && (ae.ptr[i + n] | 32) <= 'z');
        if (left && right)
            return true;
    }
    return false;
}

/* gzip with a random-length file name in the header (Django 4.2's BREACH
 * mitigation): the compressed length no longer tracks the content alone. */
static int gzip_compress(mn_arena *a, mn_str in, mn_str *out)
{
    unsigned char pad[101];
    unsigned char nbyte = 0;
    mn_err err = { 0 };
    if (mn_crypto_random_bytes(&nbyte, 1, &err))
        return MN_EIO;
    size_t padlen = nbyte % 101;
    if (padlen) {
        if (mn_crypto_random_bytes(pad, padlen, &err))
            return MN_EIO;
        for (size_t i = 0; i < padlen; i++)
            pad[i] = (unsigned char)('a' + pad[i] % 26);
    }
    pad[padlen] = 0;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return MN_ENOMEM;
    gz_header gh;
    memset(&gh, 0, sizeof gh);
    gh.os = 255;
    gh.name = padlen ? pad : Z_NULL;
    deflateSetHeader(&zs, &gh);
    uLong cap = deflateBound(&zs, (uLong)in.len) + padlen + 16;
    unsigned char *buf = mn_arena_alloc(a, cap);
    if (!buf) {
        deflateEnd(&zs);
        return MN_ENOMEM;
    }
    zs.next_in = (Bytef *)in.ptr;
    zs.avail_in = (uInt)in.len;
    zs.next_out = buf;
    zs.avail_out = (uInt)cap;
    int rc = deflate(&zs, Z_FINISH);
    size_t n = cap - zs.avail_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return MN_EIO;
    *out = mn_str_make((const char *)buf, n);
    return MN_OK;
}

static mn_response *gzip_call(mn_request *req, mn_next *next)
{
    mn_response *r = mn_next_call(next, req);
    if (!r || mn_response_is_streaming(r))
        return r;
    mn_str body = mn_response_body(r), cur, ct, ae;
    if (body.len < 200 || body.len > UINT32_MAX || mn_response_header(r, "Content-Encoding", &cur))
        return r;
    if (!mn_response_header(r, "Content-Type", &ct) || !compressible(ct) ||
        mn_request_view_has(req, MN_VIEW_GZIP_EXEMPT))
        return r;
    patch_vary(req, r, "Accept-Encoding");
    if (!mn_request_header(req, "Accept-Encoding", &ae) || !accepts(ae, "gzip"))
        return r;
    mn_str z;
    if (gzip_compress(mn_request_arena(req), body, &z) || z.len >= body.len)
        return r;
    mn_response_set_body(r, z);
    mn_str etag;
    if (mn_response_header(r, "ETag", &etag) && etag.len && etag.ptr[0] == '"') {
        char *w = mn_arena_sprintf(mn_request_arena(req), "W/%.*s", MN_STR_FMT(etag));
        if (w)
            mn_response_set_header_cstr(r, "ETag", w);
    }
    mn_response_set_header_cstr(r, "Content-Encoding", "gzip");
    return r;
}

const mn_middleware mn_gzip_middleware = { .name = "manouche.GZipMiddleware", .call = gzip_call };

/* ---- conditional GET ---- */

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* parse_http_date_safe: RFC 1123, RFC 850 and asctime dates; -1 if invalid. */
static int64_t parse_http_date(mn_str s)
{
    char buf[64], mon[4] = { 0 }, wk[16];
    if (!s.len || s.len >= sizeof buf)
        return -1;
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = 0;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int day, year, h, mi, sec, used = 0;
    if (sscanf(buf, "%3s, %2d %3s %4d %2d:%2d:%2d GMT%n", wk, &day, mon, &year, &h, &mi, &sec, &used) == 7 &&
        used == (int)s.len) {
    } else if (sscanf(buf, "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d GMT%n", wk, &day, mon, &year, &h, &mi, &sec,
                      &used) == 7 && used == (int)s.len) {
        /* two-digit years: Python's rule (within 50 years of now) */
        year += year < 70 ? 2000 : 1900;
    } else if (sscanf(buf, "%3s %3s %2d %2d:%2d:%2d %4d%n", wk, mon, &day, &h, &mi, &sec, &year, &used) == 7 &&
               used == (int)s.len) {
    } else {
        return -1;
    }
    int m = -1;
    for (int i = 0; i < 12; i++)
        if (!strcmp(mon, months[i]))
            m = i;
    if (m < 0 || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60 || year < 1900)
        return -1;
    tm.tm_year = year - 1900;
    tm.tm_mon = m;
    tm.tm_mday = day;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return (int64_t)timegm(&tm);
}

/* parse_etags: "*" or a list of quoted (optionally weak) tags. Fills up to
 * cap entries; returns the count, or -1 for "*". */
static int parse_etags(mn_str h, mn_str *out, int cap)
{
    h = mn_str_trim(h);
    if (mn_str_eq_cstr(h, "*"))
        return -1;
    int n = 0;
    size_t i = 0;
    while (i < h.len && n < cap) {
        while (i < h.len && (h.ptr[i] == ' ' || h.ptr[i] == ',' || h.ptr[i] == '\t'))
            i++;
        size_t start = i;
        if (i + 1 < h.len && h.ptr[i] == 'W' && h.ptr[i + 1] == '/')
            i += 2;
        if (i >= h.len || h.ptr[i] != '"')
            break;
        size_t close = i + 1;
        while (close < h.len && h.ptr[close] != '"')
            close++;
        if (close >= h.len)
            break;
        out[n++] = mn_str_make(h.ptr + start, close + 1 - start);
        i = close + 1;
    }
    return n;
}

static mn_str strip_weak(mn_str e)
{
    return mn_str_starts_with(e, MN_STR("W/")) ? mn_str_slice(e, 2, e.len) : e;
}

static mn_response *not_modified(mn_response *r)
{
    static const char *const drop[] = { "Content-Type", "Content-Disposition", "Content-Range",
                                        "Content-Encoding", "Content-Language", "Accept-Ranges" };
    mn_response_set_status(r, 304, NULL);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        mn_response_delete_header(r, drop[i]);
    if (!mn_response_is_streaming(r))
        mn_response_set_body(r, MN_STR_EMPTY);
    return r;
}

static mn_response *precondition_failed(mn_request *req)
{
    mn_logf(&mn__request_log, MN_LOG_WARNING, "Precondition Failed: %.*s",
            MN_STR_FMT(mn_request_path(req)));
    return mn_response_new(req, 412);
}

mn_response *mn_conditional_response(mn_request *req, mn_response *resp, mn_str etag,
                                     int64_t last_modified)
{
    int st = mn_response_status(resp);
    if (st < 200 || st >= 300)
        return resp;
    mn_str h, im[32], inm[32];
    int n_im = 0, n_inm = 0;
    bool has_im = mn_request_header(req, "If-Match", &h) && (n_im = parse_etags(h, im, 32)) != 0;
    int64_t ius = mn_request_header(req, "If-Unmodified-Since", &h) ? parse_http_date(h) : -1;
    bool has_inm = mn_request_header(req, "If-None-Match", &h) && (n_inm = parse_etags(h, inm, 32)) != 0;
    int64_t ims = mn_request_header(req, "If-Modified-Since", &h) ? parse_http_date(h) : -1;
    bool safe = mn_request_is_method(req, "GET") || mn_request_is_method(req, "HEAD");

    if (has_im) {
        bool pass = false;
        if (etag.len && n_im == -1)
            pass = true;
        else if (etag.len && !mn_str_starts_with(etag, MN_STR("W/")))
            for (int i = 0; i < n_im && !pass; i++)
                pass = mn_str_eq(im[i], etag);
        if (!pass)
            return precondition_failed(req);
    }
    if (!has_im && ius >= 0 && !(last_modified >= 0 && last_modified <= ius))
        return precondition_failed(req);
    if (has_inm) {
        bool pass = true;
        if (etag.len) {
            if (n_inm == -1)
                pass = false;
            for (int i = 0; i < n_inm && pass; i++)
                pass = !mn_str_eq(strip_weak(inm[i]), strip_weak(etag));
        }
        if (!pass)
            return safe ? not_modified(resp) : precondition_failed(req);
    }
    if (!has_inm && ims >= 0 && safe && !(last_modified < 0 || last_modified > ims))
        return not_modified(resp);
    return resp;
}

static bool no_store(mn_response *r)
{
    mn_str cc, item;
    if (!mn_response_header(r, "Cache-Control", &cc))
        return false;
    size_t pos = 0;
    while (mn_str_next_field(cc, ',', &pos, &item))
        if (mn_str_ieq_cstr(mn_str_trim(item), "no-store"))
            return true;
    return false;
}

static mn_response *conditional_call(mn_request *req, mn_next *next)
{
    mn_response *r = mn_next_call(next, req);
    if (!r || !mn_request_is_method(req, "GET"))
        return r;
    mn_str etag = MN_STR_EMPTY, lm;
    if (!mn_response_header(r, "ETag", &etag) && !no_store(r) && !mn_response_is_streaming(r)) {
        mn_str body = mn_response_body(r);
        if (body.len) {
            unsigned char md[EVP_MAX_MD_SIZE];
            unsigned int mdlen = 0;
            if (EVP_Digest(body.ptr, body.len, md, &mdlen, EVP_md5(), NULL)) {
                char *tag = mn_arena_alloc(mn_request_arena(req), 2 * mdlen + 3);
                if (tag) {
                    tag[0] = '"';
                    for (unsigned i = 0; i < mdlen; i++)
                        snprintf(tag + 1 + 2 * i, 3, "%02x", md[i]);
                    tag[2 * mdlen + 1] = '"';
                    tag[2 * mdlen + 2] = 0;
                    mn_response_set_header_cstr(r, "ETag", tag);
                    etag = mn_str_from(tag);
                }
            }
        }
    }
    int64_t last = mn_response_header(r, "Last-Modified", &lm) ? parse_http_date(lm) : -1;
    if (!etag.len && last < 0)
        return r;
    return mn_conditional_response(req, r, etag, last);
}

const mn_middleware mn_conditional_get_middleware = { .name = "manouche.ConditionalGetMiddleware",
                                                      .call = conditional_call };
