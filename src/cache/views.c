/* Per-view and site-wide caching (django.views.decorators.cache and vary,
 * django.utils.cache, django.middleware.cache).
 *
 * A cached page is stored as a map {"status", "reason", "headers": [[name,
 * value], ...], "body"} through the cache's value format, so it works with
 * every backend. */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cache_internal.h"
#include "manouche/log.h"
#include "manouche/views.h"
#include "../http/http_internal.h"
#include "../web/web_internal.h"

static mn_logger views_log = MN_LOGGER_INIT("manouche.cache");

/* ---- Cache-Control and Vary ---- */

/* Splits a header on Django's cc_delim_re (\s*,\s*), trimming the ends. */
static size_t split_delim(mn_str v, mn_str *out, size_t cap)
{
    size_t n = 0, pos = 0;
    mn_str f;
    while (mn_str_next_field(v, ',', &pos, &f)) {
        if (n < cap)
            out[n++] = mn_str_trim(f);
    }
    return n;
}

#define MAX_DIRECTIVES 64

typedef struct directive {
    mn_str name;  /* lower-case */
    mn_str value; /* ptr NULL: True */
    bool multi;   /* no-cache: several values */
} directive;

typedef struct cc_list {
    directive d[MAX_DIRECTIVES];
    size_t n;
} cc_list;

static directive *cc_find(cc_list *cc, mn_str name)
{
    for (size_t i = 0; i < cc->n; i++)
        if (mn_str_eq(cc->d[i].name, name))
            return &cc->d[i];
    return NULL;
}

static void cc_remove(cc_list *cc, directive *d)
{
    size_t i = (size_t)(d - cc->d);
    memmove(&cc->d[i], &cc->d[i + 1], (cc->n - i - 1) * sizeof *d);
    cc->n--;
}

/* Django's dictitem(): "a=b" -> (a lowered, b); "a" -> (a lowered, True). */
static directive parse_item(mn_arena *a, mn_str s, bool kwarg)
{
    directive d = { 0 };
    mn_str name, value;
    if (mn_str_split_once(s, '=', &name, &value))
        d.value = value;
    else
        name = s;
    char *low = mn_arena_strndup(a, name.ptr, name.len);
    for (size_t i = 0; low && i < name.len; i++) {
        low[i] = (char)tolower((unsigned char)low[i]);
        if (kwarg && low[i] == '_')
            low[i] = '-';
    }
    d.name = low ? mn_str_make(low, name.len) : MN_STR_EMPTY;
    return d;
}

/* Adds d in Django's order: replacing keeps the place; no-cache values
 * accumulate (True swallows the others). */
static void cc_put(cc_list *cc, directive d)
{
    directive *e = cc_find(cc, d.name);
    bool nocache = mn_str_eq_cstr(d.name, "no-cache");
    if (e && nocache) {
        if (!e->value.ptr || !d.value.ptr) {
            e->value = (mn_str){ .ptr = NULL, .len = 0 };
            e->multi = false;
            return;
        }
        if (cc->n < MAX_DIRECTIVES) /* another value of no-cache */
            cc->d[cc->n++] = d;
        return;
    }
    if (e) {
        e->value = d.value;
        return;
    }
    if (cc->n < MAX_DIRECTIVES)
        cc->d[cc->n++] = d;
}

int mn_patch_cache_control(mn_response *resp, const char *const *directives)
{
    mn_arena *a = mn_arena_new("cache-control", 0);
    if (!a)
        return MN_ENOMEM;
    cc_list *cc = mn_arena_calloc(a, 1, sizeof *cc);
    int rc = MN_OK;
    if (!cc) {
        rc = MN_ENOMEM;
        goto out;
    }
    mn_str cur;
    if (mn_response_header(resp, "Cache-Control", &cur) && cur.len) {
        mn_str parts[MAX_DIRECTIVES];
        size_t n = split_delim(cur, parts, MAX_DIRECTIVES);
        for (size_t i = 0; i < n; i++)
            cc_put(cc, parse_item(a, parts[i], false));
    }
    bool has_public = false, has_private = false;
    directive kw[MAX_DIRECTIVES];
    size_t nkw = 0;
    for (size_t i = 0; directives && directives[i] && nkw < MAX_DIRECTIVES; i++) {
        kw[nkw] = parse_item(a, mn_str_from(directives[i]), true);
        has_public |= mn_str_eq_cstr(kw[nkw].name, "public");
        has_private |= mn_str_eq_cstr(kw[nkw].name, "private");
        if (mn_str_eq_cstr(kw[nkw].name, "max-age")) {
            int64_t want;
            if (!kw[nkw].value.ptr || mn_str_to_i64(kw[nkw].value, &want)) {
                rc = MN_EINVAL;
                goto out;
            }
            directive *e = cc_find(cc, kw[nkw].name);
            int64_t have;
            if (e && e->value.ptr && mn_str_to_i64(e->value, &have) == MN_OK && have < want)
                kw[nkw].value = e->value;
        }
        nkw++;
    }
    directive *e;
    if ((e = cc_find(cc, MN_STR("private"))) && has_public)
        cc_remove(cc, e);
    else if ((e = cc_find(cc, MN_STR("public"))) && has_private)
        cc_remove(cc, e);
    for (size_t i = 0; i < nkw; i++)
        cc_put(cc, kw[i]);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    for (size_t i = 0; i < cc->n; i++) {
        if (i)
            mn_buf_puts(&b, ", ");
        mn_buf_put_str(&b, cc->d[i].name);
        if (cc->d[i].value.ptr) {
            mn_buf_putc(&b, '=');
            mn_buf_put_str(&b, cc->d[i].value);
        }
    }
    rc = mn_buf_error(&b);
    if (!rc)
        rc = mn_response_set_header(resp, "Cache-Control", mn_buf_str(&b));
out:
    mn_arena_free(a);
    return rc;
}

int mn_get_max_age(const mn_response *resp, int64_t *out)
{
    mn_str cur;
    if (!mn_response_header(resp, "Cache-Control", &cur))
        return MN_ENOTFOUND;
    mn_str parts[MAX_DIRECTIVES];
    size_t n = split_delim(cur, parts, MAX_DIRECTIVES);
    int rc = MN_ENOTFOUND;
    /* dict(): the last max-age wins */
    for (size_t i = 0; i < n; i++) {
        mn_str name, value;
        if (!mn_str_split_once(parts[i], '=', &name, &value) || !mn_str_ieq_cstr(name, "max-age"))
            continue;
        int64_t v;
        /* Python's int() allows surrounding whitespace */
        rc = mn_str_to_i64(mn_str_trim(value), &v) == MN_OK ? MN_OK : MN_ENOTFOUND;
        if (rc == MN_OK)
            *out = v;
    }
    return rc;
}

int mn_patch_response_headers(mn_response *resp, int64_t timeout)
{
    if (timeout < 0)
        timeout = 0;
    mn_str have;
    if (!mn_response_header(resp, "Expires", &have)) {
        char date[32];
        mn_http_date((int64_t)time(NULL) + timeout, date);
        int rc = mn_response_set_header_cstr(resp, "Expires", date);
        if (rc)
            return rc;
    }
    char ma[40];
    snprintf(ma, sizeof ma, "max_age=%lld", (long long)timeout);
    const char *d[] = { ma, NULL };
    return mn_patch_cache_control(resp, d);
}

int mn_add_never_cache_headers(mn_response *resp)
{
    int rc = mn_patch_response_headers(resp, -1);
    if (rc)
        return rc;
    static const char *const d[] = { "no_cache", "no_store", "must_revalidate", "private", NULL };
    return mn_patch_cache_control(resp, d);
}

int mn_patch_vary_headers(mn_response *resp, const char *const *headers)
{
    mn_str cur = MN_STR_EMPTY;
    mn_str parts[MAX_DIRECTIVES];
    size_t n = 0;
    if (mn_response_header(resp, "Vary", &cur))
        n = split_delim(cur, parts, MAX_DIRECTIVES);
    size_t before = n;
    for (size_t i = 0; headers && headers[i]; i++) {
        mn_str h = mn_str_from(headers[i]);
        bool seen = false;
        for (size_t j = 0; j < before && !seen; j++)
            seen = mn_str_ieq(parts[j], h);
        if (!seen && n < MAX_DIRECTIVES)
            parts[n++] = h;
    }
    bool star = false;
    for (size_t i = 0; i < n; i++)
        star |= mn_str_eq_cstr(parts[i], "*");
    if (star)
        return mn_response_set_header_cstr(resp, "Vary", "*");
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    for (size_t i = 0; i < n; i++) {
        if (i)
            mn_buf_puts(&b, ", ");
        mn_buf_put_str(&b, parts[i]);
    }
    int rc = mn_buf_error(&b);
    if (!rc)
        rc = mn_response_set_header(resp, "Vary", mn_buf_str(&b));
    mn_buf_free(&b);
    return rc;
}

bool mn_has_vary_header(const mn_response *resp, const char *name)
{
    mn_str cur;
    if (!mn_response_header(resp, "Vary", &cur))
        return false;
    mn_str parts[MAX_DIRECTIVES];
    size_t n = split_delim(cur, parts, MAX_DIRECTIVES);
    mn_str want = mn_str_trim(mn_str_from(name));
    for (size_t i = 0; i < n; i++)
        if (mn_str_ieq(parts[i], want))
            return true;
    return false;
}

/* ---- decorators ---- */

mn_response *mn_vary_on_headers(mn_request *req, const mn_url_args *args, const char *const *headers,
                                mn_view_fn view)
{
    mn_response *resp = view(req, args);
    if (resp && mn_patch_vary_headers(resp, headers))
        return mn_view_fail(req, "vary_on_headers: out of memory");
    return resp;
}

mn_response *mn_never_cache(mn_request *req, const mn_url_args *args, mn_view_fn view)
{
    mn_response *resp = view(req, args);
    if (resp && mn_add_never_cache_headers(resp))
        return mn_view_fail(req, "never_cache: out of memory");
    return resp;
}

mn_response *mn_cache_control(mn_request *req, const mn_url_args *args, const char *const *directives,
                              mn_view_fn view)
{
    mn_response *resp = view(req, args);
    if (resp && mn_patch_cache_control(resp, directives))
        return mn_view_fail(req, "cache_control: bad directives (max_age must be an integer)");
    return resp;
}

/* ---- keys ---- */

static const mn_settings *settings_of(mn_request *req)
{
    const mn_settings *s = mn_request_settings(req);
    return s ? s : mn_settings_current();
}

static void md5_hex(const EVP_MD_CTX *src, char hex[33])
{
    unsigned char dig[16];
    unsigned int dl = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && EVP_MD_CTX_copy_ex(md, src) && EVP_DigestFinal_ex(md, dig, &dl) && dl == 16) {
        for (int i = 0; i < 16; i++)
            snprintf(hex + 2 * i, 3, "%02x", dig[i]);
    } else {
        hex[0] = 0;
    }
    EVP_MD_CTX_free(md);
}

static void md5_of(mn_str s, char hex[33])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && EVP_DigestInit_ex(md, EVP_md5(), NULL) && EVP_DigestUpdate(md, s.ptr, s.len))
        md5_hex(md, hex);
    else
        hex[0] = 0;
    EVP_MD_CTX_free(md);
}

/* _i18n_cache_key_suffix */
static void i18n_suffix(mn_request *req, mn_buf *b)
{
    const mn_settings *s = settings_of(req);
    bool i18n = s ? s->USE_I18N : true, tz = s ? s->USE_TZ : true;
    if (i18n) {
        const char *lang = mn_request_attr(req, "LANGUAGE_CODE");
        mn_buf_putc(b, '.');
        mn_buf_puts(b, lang ? lang : s && s->LANGUAGE_CODE ? s->LANGUAGE_CODE : "en-us");
    }
    if (tz) {
        mn_buf_putc(b, '.');
        mn_buf_puts(b, mn_tz_name(mn_tz_current()));
    }
}

static const char *header_key(mn_request *req, const char *key_prefix)
{
    char hex[33];
    md5_of(mn_request_build_absolute_uri(req, NULL), hex);
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    mn_buf_printf(&b, "views.decorators.cache.cache_header.%s.%s", key_prefix ? key_prefix : "", hex);
    i18n_suffix(req, &b);
    return mn_buf_error(&b) ? NULL : mn_buf_cstr(&b);
}

/* _generate_cache_key over the META names of list (a list of strings). */
static const char *page_key(mn_request *req, const char *method, const mn_list *list, const char *key_prefix)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || !EVP_DigestInit_ex(md, EVP_md5(), NULL)) {
        EVP_MD_CTX_free(md);
        return NULL;
    }
    mn_arena *a = mn_request_arena(req);
    for (size_t i = 0; list && i < mn_list_len(list); i++) {
        mn_value h = mn_list_get(list, i);
        mn_str v;
        char *name = h.type == MN_VALUE_STR ? mn_str_dup(a, h.u.s) : NULL;
        if (name && mn_request_meta(req, name, &v))
            EVP_DigestUpdate(md, v.ptr, v.len);
        else
            EVP_DigestUpdate(md, "-,", 2);
    }
    char hdr[33], url[33];
    md5_hex(md, hdr);
    EVP_MD_CTX_free(md);
    md5_of(mn_request_build_absolute_uri(req, NULL), url);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_buf_printf(&b, "views.decorators.cache.cache_page.%s.%s.%s.%s", key_prefix ? key_prefix : "", method, url,
                  hdr);
    i18n_suffix(req, &b);
    return mn_buf_error(&b) ? NULL : mn_buf_cstr(&b);
}

const char *mn_cache_get_page_key(mn_request *req, const char *key_prefix, const char *method, mn_cache *cache,
                                  int *rc)
{
    mn_arena *a = mn_request_arena(req);
    const char *hk = header_key(req, key_prefix);
    if (!hk) {
        *rc = MN_ENOMEM;
        return NULL;
    }
    mn_value list;
    mn_err err = { 0 };
    *rc = mn_cache_get(cache, hk, mn_value_null(), a, &list, &err);
    if (*rc == MN_OK && list.type != MN_VALUE_LIST)
        *rc = MN_ENOTFOUND; /* Django's `is not None`: a stored None is no list */
    if (*rc)
        return NULL;
    const char *k = page_key(req, method, list.u.list, key_prefix);
    if (!k)
        *rc = MN_ENOMEM;
    return k;
}

static int by_str(const void *x, const void *y)
{
    return mn_str_cmp(((const mn_value *)x)->u.s, ((const mn_value *)y)->u.s);
}

const char *mn_cache_learn_page_key(mn_request *req, const mn_response *resp, int64_t timeout,
                                    const char *key_prefix, mn_cache *cache, int *rc)
{
    mn_arena *a = mn_request_arena(req);
    const char *hk = header_key(req, key_prefix);
    mn_list *list = mn_list_new(a, 4);
    if (!hk || !list) {
        *rc = MN_ENOMEM;
        return NULL;
    }
    mn_str vary;
    if (mn_response_header(resp, "Vary", &vary)) {
        const mn_settings *s = settings_of(req);
        bool i18n = s ? s->USE_I18N : true;
        mn_str parts[MAX_DIRECTIVES];
        size_t n = split_delim(vary, parts, MAX_DIRECTIVES);
        for (size_t i = 0; i < n; i++) {
            char *name = mn_arena_alloc(a, parts[i].len + 6);
            if (!name) {
                *rc = MN_ENOMEM;
                return NULL;
            }
            memcpy(name, "HTTP_", 5);
            for (size_t j = 0; j < parts[i].len; j++) {
                char c = (char)toupper((unsigned char)parts[i].ptr[j]);
                name[5 + j] = c == '-' ? '_' : c;
            }
            name[5 + parts[i].len] = 0;
            if (i18n && !strcmp(name, "HTTP_ACCEPT_LANGUAGE"))
                continue;
            if (mn_list_push(list, mn_value_cstr(name))) {
                *rc = MN_ENOMEM;
                return NULL;
            }
        }
        if (mn_list_len(list) > 1)
            qsort(mn_list_items(list), mn_list_len(list), sizeof(mn_value), by_str);
    }
    mn_err err = { 0 };
    if ((*rc = mn_cache_set(cache, hk, mn_value_list(list), timeout, &err)))
        return NULL;
    mn_str method = mn_request_method(req);
    const char *k = page_key(req, mn_str_dup(a, method), list, key_prefix);
    *rc = k ? MN_OK : MN_ENOMEM;
    return k;
}

/* ---- storing and restoring pages ---- */

/* A template response (render()) rendered now, as Django's
 * add_post_render_callback sees it rendered. */
static int render_now(mn_request *req, mn_response *resp)
{
    mn__web_req *st = mn__web_state(req);
    if (!st)
        return MN_OK;
    for (mn__deferred **link = &st->deferred; *link; link = &(*link)->next) {
        mn__deferred *d = *link;
        if (d->resp != resp)
            continue;
        *link = d->next;
        mn_buf b;
        mn_buf_init(&b, mn_request_arena(req), 0);
        mn_err err = { 0 };
        int rc = d->fn(req, d->context, d->data, &b, &err);
        if (!rc)
            rc = mn_buf_error(&b);
        if (rc) {
            mn_view_fail(req, "%s", err.code ? err.msg : mn_strerror(rc));
            return rc;
        }
        return mn_response_set_body(resp, mn_buf_str(&b));
    }
    return MN_OK;
}

/* The response as a cacheable map; *sets_cookie tells whether it sets one. */
static int page_value(mn_request *req, mn_response *resp, mn_value *out, bool *sets_cookie)
{
    mn_arena *a = mn_request_arena(req);
    mn_buf head;
    mn_buf_init(&head, a, 0);
    int rc = mn__response_serialize_head(resp, &head, 1, true, false, NULL, NULL);
    if (rc)
        return rc;
    mn_list *headers = mn_list_new(a, 8);
    mn_map *m = mn_map_new(a, 4);
    if (!headers || !m)
        return MN_ENOMEM;
    *sets_cookie = false;
    mn_str s = mn_buf_str(&head);
    ptrdiff_t eol = mn_str_find(s, MN_STR("\r\n"), 0);
    size_t pos = eol < 0 ? s.len : (size_t)eol + 2;
    while (pos < s.len) {
        ptrdiff_t e = mn_str_find(s, MN_STR("\r\n"), pos);
        size_t end = e < 0 ? s.len : (size_t)e;
        mn_str line = mn_str_slice(s, pos, end);
        pos = end + 2;
        mn_str name, value;
        if (!line.len || !mn_str_split_once(line, ':', &name, &value))
            continue;
        if (mn_str_ieq_cstr(name, "Content-Length") || mn_str_ieq_cstr(name, "Connection"))
            continue;
        *sets_cookie |= mn_str_ieq_cstr(name, "Set-Cookie");
        mn_list *pair = mn_list_new(a, 2);
        if (!pair || mn_list_push(pair, mn_value_str(name)) || mn_list_push(pair, mn_value_str(mn_str_trim(value))) ||
            mn_list_push(headers, mn_value_list(pair)))
            return MN_ENOMEM;
    }
    if (mn_map_set_cstr(m, "status", mn_value_int(mn_response_status(resp))) ||
        mn_map_set_cstr(m, "reason", mn_value_str(mn_response_reason(resp))) ||
        mn_map_set_cstr(m, "headers", mn_value_list(headers)) ||
        mn_map_set_cstr(m, "body", mn_value_str(mn_response_body(resp))))
        return MN_ENOMEM;
    *out = mn_value_map(m);
    return MN_OK;
}

static mn_response *page_response(mn_request *req, mn_value v)
{
    if (v.type != MN_VALUE_MAP)
        return NULL;
    mn_value status = mn_map_get_cstr(v.u.map, "status"), reason = mn_map_get_cstr(v.u.map, "reason");
    mn_value headers = mn_map_get_cstr(v.u.map, "headers"), body = mn_map_get_cstr(v.u.map, "body");
    if (status.type != MN_VALUE_INT || headers.type != MN_VALUE_LIST || body.type != MN_VALUE_STR)
        return NULL;
    mn_response *resp = mn_response_new(req, (int)status.u.i);
    if (!resp || mn_response_set_body(resp, body.u.s))
        return NULL;
    mn_response_delete_header(resp, "Content-Type");
    if (reason.type == MN_VALUE_STR)
        mn_response_set_status(resp, (int)status.u.i, mn_str_dup(mn_request_arena(req), reason.u.s));
    for (size_t i = 0; i < mn_list_len(headers.u.list); i++) {
        mn_value pair = mn_list_get(headers.u.list, i);
        if (pair.type != MN_VALUE_LIST || mn_list_len(pair.u.list) != 2)
            return NULL;
        mn_value n = mn_list_get(pair.u.list, 0), val = mn_list_get(pair.u.list, 1);
        if (n.type != MN_VALUE_STR || val.type != MN_VALUE_STR)
            return NULL;
        char *name = mn_str_dup(mn_request_arena(req), n.u.s);
        if (!name || mn_response_add_header(resp, name, val.u.s))
            return NULL;
    }
    return resp;
}

/* ---- the middleware logic ---- */

typedef struct page_cfg {
    mn_cache *cache;
    const char *key_prefix;
    int64_t page_timeout; /* MN_CACHE_DEFAULT_TIMEOUT: from max-age, else seconds */
    int64_t seconds;
} page_cfg;

#define UPDATE_ATTR "manouche.cache.update"

static void log_cache_error(mn_request *req, const char *what, int rc)
{
    mn_logf(&views_log, MN_LOG_WARNING, "cache %s failed for %.*s: %s", what, MN_STR_FMT(mn_request_path(req)),
            mn_strerror(rc));
}

/* FetchFromCacheMiddleware.process_request: a cached response or NULL. */
static mn_response *fetch(mn_request *req, const page_cfg *c)
{
    static char yes = 1, no = 0;
    if (!mn_request_is_method(req, "GET") && !mn_request_is_method(req, "HEAD")) {
        mn_request_set_attr(req, UPDATE_ATTR, &no);
        return NULL;
    }
    int rc;
    mn_arena *a = mn_request_arena(req);
    const char *key = mn_cache_get_page_key(req, c->key_prefix, "GET", c->cache, &rc);
    mn_value v = mn_value_null();
    if (key)
        rc = mn_cache_get(c->cache, key, mn_value_null(), a, &v, NULL);
    if (rc == MN_ENOTFOUND && key && mn_request_is_method(req, "HEAD")) {
        key = mn_cache_get_page_key(req, c->key_prefix, "HEAD", c->cache, &rc);
        if (key)
            rc = mn_cache_get(c->cache, key, mn_value_null(), a, &v, NULL);
    }
    if (rc && rc != MN_ENOTFOUND)
        log_cache_error(req, "get", rc);
    mn_response *resp = rc == MN_OK ? page_response(req, v) : NULL;
    mn_request_set_attr(req, UPDATE_ATTR, resp ? &no : &yes);
    return resp;
}

/* UpdateCacheMiddleware.process_response. */
static mn_response *update(mn_request *req, mn_response *resp, const page_cfg *c)
{
    const char *flag = mn_request_attr(req, UPDATE_ATTR);
    if (!resp || !flag || !*flag)
        return resp;
    int status = mn_response_status(resp);
    if (mn_response_is_streaming(resp) || (status != 200 && status != 304))
        return resp;
    if (render_now(req, resp))
        return NULL;
    mn_value page;
    bool sets_cookie;
    int rc = page_value(req, resp, &page, &sets_cookie);
    if (rc)
        return resp;
    if (sets_cookie && mn_has_vary_header(resp, "Cookie"))
        return resp;
    mn_str cc;
    if (mn_response_header(resp, "Cache-Control", &cc) && mn_str_find(cc, MN_STR("private"), 0) >= 0)
        return resp;
    int64_t timeout = c->page_timeout;
    if (timeout == MN_CACHE_DEFAULT_TIMEOUT) {
        if (mn_get_max_age(resp, &timeout) != MN_OK)
            timeout = c->seconds;
        else if (timeout == 0)
            return resp;
    }
    mn_patch_response_headers(resp, timeout);
    if (timeout && status == 200) {
        const char *key = mn_cache_learn_page_key(req, resp, timeout, c->key_prefix, c->cache, &rc);
        /* the stored page carries the Expires and Cache-Control just set */
        if (key && !(rc = page_value(req, resp, &page, &sets_cookie)))
            rc = mn_cache_set(c->cache, key, page, timeout, NULL);
        if (rc)
            log_cache_error(req, "set", rc);
    }
    return resp;
}

mn_response *mn_cache_page(mn_request *req, const mn_url_args *args, const mn_cache_page_options *opts,
                           mn_view_fn view)
{
    mn_err err = { 0 };
    mn_cache *cache = mn_caches_get(opts->cache ? opts->cache : "default", &err);
    if (!cache)
        return mn_view_fail(req, "cache_page: %s", err.msg);
    page_cfg c = { cache, opts->key_prefix ? opts->key_prefix : "", opts->timeout, 600 };
    mn_response *hit = fetch(req, &c);
    if (hit)
        return hit;
    return update(req, view(req, args), &c);
}

static bool middleware_cfg(mn_request *req, const mn_cache_middleware_options *o, page_cfg *c)
{
    mn_err err = { 0 };
    c->cache = mn_caches_get(o && o->alias ? o->alias : "default", &err);
    if (!c->cache) {
        mn_view_fail(req, "cache middleware: %s", err.msg);
        return false;
    }
    c->key_prefix = o && o->key_prefix ? o->key_prefix : "";
    c->page_timeout = MN_CACHE_DEFAULT_TIMEOUT;
    c->seconds = o && o->seconds ? o->seconds : 600;
    return true;
}

static mn_response *update_call(mn_request *req, mn_next *next)
{
    page_cfg c;
    mn_response *resp = mn_next_call(next, req);
    if (!middleware_cfg(req, mn_next_data(next), &c))
        return NULL;
    return update(req, resp, &c);
}

static mn_response *fetch_call(mn_request *req, mn_next *next)
{
    page_cfg c;
    if (!middleware_cfg(req, mn_next_data(next), &c))
        return NULL;
    mn_response *hit = fetch(req, &c);
    return hit ? hit : mn_next_call(next, req);
}

static mn_response *both_call(mn_request *req, mn_next *next)
{
    page_cfg c;
    if (!middleware_cfg(req, mn_next_data(next), &c))
        return NULL;
    mn_response *hit = fetch(req, &c);
    if (hit)
        return hit;
    return update(req, mn_next_call(next, req), &c);
}

const mn_middleware mn_update_cache_middleware = { .name = "django.middleware.cache.UpdateCacheMiddleware",
                                                   .call = update_call };
const mn_middleware mn_fetch_from_cache_middleware = { .name = "django.middleware.cache.FetchFromCacheMiddleware",
                                                       .call = fetch_call };
const mn_middleware mn_cache_middleware = { .name = "django.middleware.cache.CacheMiddleware", .call = both_call };
