/* The server the integration tests drive (tests/integration/http_*.sh).
 *   http_testserver ADDR [ADDR...] [--workers N] [--threads N] [--max-body N]
 *                   [--header-timeout MS] [--keepalive MS] [--no-access-log]
 *                   [--allowed-host H] [--max-fields N] [--file-mem N]
 *                   [--max-upload N]
 * Views: see route() below. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"

static int64_t qint(mn_request *req, const char *k, int64_t def)
{
    mn_str v;
    int64_t n;
    if (!mn_querydict_get(mn_request_query(req), k, &v) || mn_str_to_i64(v, &n))
        return def;
    return n;
}

typedef struct stream_state {
    int left;
    int i;
} stream_state;

static int next_piece(void *ctx, mn_buf *out)
{
    stream_state *s = ctx;
    if (s->left-- <= 0)
        return 0;
    mn_buf_printf(out, "chunk %d\n", s->i++);
    return 1;
}

/* CRC-32 (zlib's) of a file read in pieces, as a view checking an upload
 * would do without holding it in memory. */
static int file_crc32(const mn_uploaded_file *f, uint32_t *out)
{
    static uint32_t table[256];
    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    uint32_t crc = 0xFFFFFFFFu;
    if (!f->path) {
        for (size_t i = 0; i < f->content.len; i++)
            crc = table[(crc ^ (uint8_t)f->content.ptr[i]) & 0xFF] ^ (crc >> 8);
    } else {
        FILE *fp = fopen(f->path, "rb");
        if (!fp)
            return -1;
        static unsigned char piece[65536];
        size_t r;
        while ((r = fread(piece, 1, sizeof piece, fp)) > 0)
            for (size_t i = 0; i < r; i++)
                crc = table[(crc ^ piece[i]) & 0xFF] ^ (crc >> 8);
        fclose(fp);
    }
    *out = crc ^ 0xFFFFFFFFu;
    return 0;
}

static mn_response *route(mn_request *req, void *ctx)
{
    (void)ctx;
    mn_arena *a = mn_request_arena(req);
    mn_str path = mn_request_path(req);
    if (mn_str_eq_cstr(path, "/"))
        return mn_response_static(req, 200, "text/plain", MN_STR("Hello, World!"));
    if (mn_str_eq_cstr(path, "/pid")) {
        char *s = mn_arena_sprintf(a, "%d", (int)getpid());
        return mn_response_text(req, 200, "text/plain", mn_str_from(s));
    }
    if (mn_str_eq_cstr(path, "/crash")) {
        /* The default disposition, so the worker dies by the signal even
         * under AddressSanitizer (whose handler would abort instead). */
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
        return NULL;
    }
    if (mn_str_eq_cstr(path, "/null"))
        return NULL;
    if (mn_str_eq_cstr(path, "/sleep")) {
        usleep((useconds_t)qint(req, "ms", 100) * 1000);
        return mn_response_static(req, 200, "text/plain", MN_STR("slept"));
    }
    if (mn_str_eq_cstr(path, "/upload")) {
        mn_buf b;
        mn_buf_init(&b, a, 0);
        const mn_querydict *p = mn_request_post(req);
        for (size_t i = 0; i < mn_querydict_pairs(p); i++) {
            mn_str k, v;
            mn_querydict_pair_at(p, i, &k, &v);
            mn_buf_printf(&b, "POST %.*s=%.*s\n", MN_STR_FMT(k), MN_STR_FMT(v));
        }
        for (size_t i = 0; i < mn_request_file_count(req); i++) {
            const mn_uploaded_file *f = mn_request_file_at(req, i);
            uint32_t crc = 0;
            int rc = file_crc32(f, &crc);
            mn_buf_printf(&b, "FILE %.*s size=%zu crc=%08x %s\n", MN_STR_FMT(f->field_name), f->size,
                          (unsigned)crc, rc ? "unreadable" : f->path ? "disk" : "memory");
        }
        if (mn_request_error(req))
            mn_buf_printf(&b, "error=%s\n", mn_request_error(req));
        return mn_response_text(req, 200, "text/plain", mn_buf_str(&b));
    }
    if (mn_str_eq_cstr(path, "/body"))
        return mn_response_static(req, 200, "application/octet-stream", mn_request_body(req));
    if (mn_str_eq_cstr(path, "/big")) {
        int64_t n = qint(req, "n", 100000);
        char *p = mn_arena_alloc(a, (size_t)n);
        for (int64_t i = 0; i < n; i++)
            p[i] = (char)('a' + i % 26);
        return mn_response_static(req, 200, "text/plain", mn_str_make(p, (size_t)n));
    }
    if (mn_str_eq_cstr(path, "/stream")) {
        stream_state *s = mn_arena_calloc(a, 1, sizeof *s);
        s->left = (int)qint(req, "n", 3);
        return mn_response_stream(req, 200, "text/plain", next_piece, s);
    }
    if (mn_str_eq_cstr(path, "/file")) {
        mn_str f;
        if (!mn_querydict_get(mn_request_query(req), "path", &f))
            return mn_http_404(req);
        mn_file_options o = { .as_attachment = qint(req, "attach", 0) != 0 };
        return mn_response_file(req, mn_str_dup(a, f), &o);
    }
    if (mn_str_eq_cstr(path, "/cookies")) {
        mn_response *r = mn_response_new(req, 200);
        mn_cookie_options o = { .has_max_age = true, .max_age = 60, .httponly = true,
                                .samesite = MN_SAMESITE_LAX };
        mn_response_set_cookie(r, "b", MN_STR("two words"), &o);
        mn_response_set_cookie(r, "a", MN_STR("1"), NULL);
        mn_str v;
        mn_buf b;
        mn_buf_init(&b, a, 0);
        if (mn_request_cookie(req, "session", &v))
            mn_buf_printf(&b, "session=%.*s", MN_STR_FMT(v));
        mn_response_write(r, b.data ? b.data : "", b.len);
        return r;
    }
    if (mn_str_starts_with(path, MN_STR("/echo"))) {
        /* A line-per-fact summary the tests compare. */
        mn_buf b;
        mn_buf_init(&b, a, 0);
        mn_str v;
        mn_buf_printf(&b, "method=%.*s\npath=%.*s\nfull=%.*s\n", MN_STR_FMT(mn_request_method(req)),
                      MN_STR_FMT(path), MN_STR_FMT(mn_request_full_path(req)));
        const mn_querydict *q = mn_request_query(req);
        for (size_t i = 0; i < mn_querydict_pairs(q); i++) {
            mn_str k;
            mn_querydict_pair_at(q, i, &k, &v);
            mn_buf_printf(&b, "GET %.*s=%.*s\n", MN_STR_FMT(k), MN_STR_FMT(v));
        }
        const mn_querydict *p = mn_request_post(req);
        for (size_t i = 0; i < mn_querydict_pairs(p); i++) {
            mn_str k;
            mn_querydict_pair_at(p, i, &k, &v);
            mn_buf_printf(&b, "POST %.*s=%.*s\n", MN_STR_FMT(k), MN_STR_FMT(v));
        }
        for (size_t i = 0; i < mn_request_file_count(req); i++) {
            const mn_uploaded_file *f = mn_request_file_at(req, i);
            mn_buf_printf(&b, "FILE %.*s=%.*s size=%zu %s\n", MN_STR_FMT(f->field_name),
                          MN_STR_FMT(f->name), f->size, f->path ? "disk" : "memory");
        }
        if (mn_request_error(req))
            mn_buf_printf(&b, "error=%s\n", mn_request_error(req));
        mn_buf_printf(&b, "body=%zu\n", mn_request_body(req).len);
        if (mn_request_meta(req, "REMOTE_ADDR", &v))
            mn_buf_printf(&b, "REMOTE_ADDR=%.*s\n", MN_STR_FMT(v));
        if (mn_request_meta(req, "HTTP_X_TEST", &v))
            mn_buf_printf(&b, "X-Test=%.*s\n", MN_STR_FMT(v));
        mn_buf_printf(&b, "secure=%d\n", mn_request_is_secure(req));
        mn_str uri = mn_request_build_absolute_uri(req, NULL);
        mn_buf_printf(&b, "uri=%.*s\n", MN_STR_FMT(uri));
        return mn_response_text(req, 200, "text/plain; charset=utf-8", mn_buf_str(&b));
    }
    if (mn_str_eq_cstr(path, "/redirect"))
        return mn_response_redirect(req, "/", false);
    if (mn_str_eq_cstr(path, "/json"))
        return mn_response_json_text(req, 200, MN_STR("{\"message\":\"Hello, World!\"}"));
    return mn_http_404(req);
}

int main(int argc, char **argv)
{
    mn_server_config cfg;
    mn_server_config_init(&cfg);
    const char *binds[8] = { 0 };
    const char *hosts[8] = { 0 };
    int nb = 0, nh = 0;
    cfg.workers = 1;
    cfg.threads = 2;
    cfg.handler = route;
    cfg.graceful_timeout_ms = 5000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : "0";
        if (!strcmp(a, "--workers"))
            cfg.workers = atoi(v), i++;
        else if (!strcmp(a, "--threads"))
            cfg.threads = atoi(v), i++;
        else if (!strcmp(a, "--max-body"))
            cfg.http.data_upload_max_memory_size = (size_t)atol(v), i++;
        else if (!strcmp(a, "--max-fields"))
            cfg.http.data_upload_max_number_fields = (size_t)atol(v), i++;
        else if (!strcmp(a, "--max-upload"))
            cfg.http.file_upload_max_size = (size_t)atol(v), i++;
        else if (!strcmp(a, "--file-mem"))
            cfg.http.file_upload_max_memory_size = (size_t)atol(v), i++;
        else if (!strcmp(a, "--header-timeout"))
            cfg.header_timeout_ms = atoi(v), i++;
        else if (!strcmp(a, "--body-timeout"))
            cfg.body_timeout_ms = atoi(v), i++;
        else if (!strcmp(a, "--keepalive"))
            cfg.keepalive_timeout_ms = atoi(v), i++;
        else if (!strcmp(a, "--allowed-host") && nh < 7)
            hosts[nh++] = v, i++;
        else if (!strcmp(a, "--no-access-log"))
            cfg.access_log = false;
        else if (!strcmp(a, "--proxy-ssl"))
            cfg.http.secure_proxy_ssl_header = "X-Forwarded-Proto", cfg.http.secure_proxy_ssl_value = "https";
        else if (nb < 7)
            binds[nb++] = a;
    }
    if (nb)
        cfg.bind = binds;
    if (nh)
        cfg.http.allowed_hosts = hosts;
    mn_err err = { 0 };
    if (mn_server_run(&cfg, &err)) {
        fprintf(stderr, "http_testserver: %s\n", err.msg);
        return 1;
    }
    return 0;
}
