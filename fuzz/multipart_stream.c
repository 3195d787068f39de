/* Fuzz target: the incremental multipart parser, fed the body in pieces of
 * random sizes, must agree with the one-shot parse of the whole body (the
 * same verdict, the same fields, the same files with the same bytes).
 * Input: byte 0 seeds the piece sizes, byte 1 gives the boundary length
 * (1..8), then the boundary (mapped to letters and digits), then the body. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "manouche/http.h"
#include "../src/http/http_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes of an uploaded file, in memory or on disk (malloc'd). */
static char *file_bytes(const mn_uploaded_file *f, size_t *len)
{
    char *out = malloc(f->size + 1);
    if (!out)
        abort();
    if (!f->path) {
        if (f->content.len != f->size)
            abort();
        memcpy(out, f->content.ptr, f->size);
        *len = f->size;
        return out;
    }
    int fd = open(f->path, O_RDONLY);
    if (fd < 0)
        abort();
    ssize_t r = read(fd, out, f->size + 1);
    close(fd);
    if (r != (ssize_t)f->size)
        abort();
    *len = (size_t)r;
    return out;
}

static bool str_same(mn_str a, mn_str b)
{
    return a.len == b.len && (!a.len || !memcmp(a.ptr, b.ptr, a.len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned seed = data[0];
    size_t blen = (size_t)(data[1] % 8) + 1;
    if (size < 2 + blen)
        return 0;
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    char boundary[9];
    for (size_t i = 0; i < blen; i++)
        boundary[i] = alnum[data[2 + i] % 62];
    boundary[blen] = '\0';
    const char *body = (const char *)data + 2 + blen;
    size_t len = size - 2 - blen;

    mn_http_settings s;
    mn_http_settings_init(&s);
    s.data_upload_max_number_fields = 20;
    s.data_upload_max_memory_size = 256;
    s.file_upload_max_memory_size = 32;

    mn_arena *a = mn_arena_new("fuzz-oneshot", 0);
    mn_arena *b = mn_arena_new("fuzz-stream", 0);
    char *raw = mn_arena_sprintf(a, "POST / HTTP/1.1\r\nHost: localhost\r\n"
                                    "Content-Type: multipart/form-data; boundary=%s\r\n"
                                    "Content-Length: %zu\r\n\r\n", boundary, len);
    size_t hl = strlen(raw);
    char *msg = mn_arena_alloc(a, hl + len + 1);
    memcpy(msg, raw, hl);
    memcpy(msg + hl, body, len);
    int st = 0;
    mn_err err = { 0 };
    mn_request *req = mn_request_from_raw(a, msg, hl + len, NULL, &s, &st, &err);
    if (!req)
        abort();
    const mn_querydict *post = mn_request_post(req);
    bool one_ok = mn_request_error(req) == NULL;

    mn__mp *p = mn__mp_new(b, mn_str_from(boundary), &s);
    if (!p)
        abort();
    size_t off = 0;
    while (off < len) {
        seed = seed * 1103515245u + 12345u;
        size_t piece = (size_t)((seed >> 8) % 64) + 1;
        if (piece > len - off)
            piece = len - off;
        mn__mp_feed(p, body + off, piece);
        off += piece;
    }
    bool stream_ok = mn__mp_finish(p) == MN_OK;
    if (one_ok != stream_ok)
        abort();
    if (one_ok) {
        int st2 = 0;
        mn_err err2 = { 0 };
        mn_request *req2 = mn_request_from_raw(b, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 35,
                                               NULL, &s, &st2, &err2);
        if (!req2 || mn__mp_attach(p, req2))
            abort();
        const mn_querydict *post2 = mn_request_post(req2);
        if (mn_querydict_pairs(post) != mn_querydict_pairs(post2))
            abort();
        for (size_t i = 0; i < mn_querydict_pairs(post); i++) {
            mn_str k1, v1, k2, v2;
            mn_querydict_pair_at(post, i, &k1, &v1);
            mn_querydict_pair_at(post2, i, &k2, &v2);
            if (!str_same(k1, k2) || !str_same(v1, v2))
                abort();
        }
        if (mn_request_file_count(req) != mn_request_file_count(req2))
            abort();
        for (size_t i = 0; i < mn_request_file_count(req); i++) {
            const mn_uploaded_file *f1 = mn_request_file_at(req, i);
            const mn_uploaded_file *f2 = mn_request_file_at(req2, i);
            if (!str_same(f1->field_name, f2->field_name) || !str_same(f1->name, f2->name) ||
                !str_same(f1->content_type, f2->content_type) ||
                !str_same(f1->charset, f2->charset) || f1->size != f2->size ||
                !f1->path != !f2->path)
                abort();
            size_t l1, l2;
            char *c1 = file_bytes(f1, &l1), *c2 = file_bytes(f2, &l2);
            if (l1 != l2 || memcmp(c1, c2, l1))
                abort();
            free(c1);
            free(c2);
        }
    }
    mn_arena_free(a);
    mn_arena_free(b); /* deletes the temporary files */
    return 0;
}
