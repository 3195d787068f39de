#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "manouche/http.h"

static mn_request *mk(mn_arena *a, const char *ctype, const char *body, size_t file_mem)
{
    char *raw = mn_arena_sprintf(a, "POST /u HTTP/1.1\r\nHost: localhost\r\nContent-Type: %s\r\n"
                                    "Content-Length: %zu\r\n\r\n%s", ctype, strlen(body), body);
    mn_http_settings s;
    mn_http_settings_init(&s);
    s.file_upload_max_memory_size = file_mem;
    s.data_upload_max_number_fields = 3;
    int st = 0;
    mn_err err = { 0 };
    mn_request *r = mn_request_from_raw(a, raw, strlen(raw), NULL, &s, &st, &err);
    cr_assert_not_null(r, "%d %s", st, err.msg);
    return r;
}

Test(multipart, fields_and_files)
{
    mn_arena *a = mn_arena_new("t", 0);
    const char *body =
        "preamble\r\n--b0\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHello\r\nworld\r\n"
        "--b0\r\ncontent-disposition: form-data; name=\"doc\"; filename=\"C:\\\\tmp\\\\r\\\"e.txt\"\r\n"
        "Content-Type: text/plain; charset=latin-1\r\n\r\n0123456789abcdef\r\n"
        "--b0\r\nContent-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n\r\n\r\n"
        "--b0\r\nContent-Disposition: form-data; name=\"small\"; filename=\"s.bin\"\r\n\r\nxy\r\n"
        "--b0--\r\nepilogue";
    mn_request *r = mk(a, "multipart/form-data; boundary=\"b0\"", body, 8);
    mn_str v;
    cr_assert(mn_querydict_get(mn_request_post(r), "title", &v) && mn_str_eq_cstr(v, "Hello\r\nworld"),
              "%s", mn_request_error(r));
    cr_assert_eq(mn_request_file_count(r), 2, "an empty file input is skipped");
    const mn_uploaded_file *f = mn_request_file(r, "doc");
    cr_assert_not_null(f);
    cr_assert(mn_str_eq_cstr(f->name, "r\"e.txt"), "%.*s", MN_STR_FMT(f->name));
    cr_assert(mn_str_eq_cstr(f->content_type, "text/plain"));
    cr_assert(mn_str_eq_cstr(f->charset, "latin-1"));
    cr_assert_eq(f->size, 16);
    cr_assert_not_null(f->path, "over FILE_UPLOAD_MAX_MEMORY_SIZE: on disk");
    char path[256];
    snprintf(path, sizeof path, "%s", f->path);
    FILE *fp = fopen(path, "rb");
    char buf[32] = { 0 };
    cr_assert_eq(fread(buf, 1, sizeof buf, fp), 16);
    fclose(fp);
    cr_assert_str_eq(buf, "0123456789abcdef");
    const mn_uploaded_file *s = mn_request_file(r, "small");
    cr_assert_null(s->path);
    cr_assert(mn_str_eq_cstr(s->content, "xy"));
    cr_assert(mn_str_eq_cstr(s->content_type, "application/octet-stream"));
    mn_arena_free(a);
    cr_assert_neq(access(path, F_OK), 0, "temporary file deleted with the request");
}

Test(multipart, malformed)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_request *r = mk(a, "multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", 100);
    cr_assert_eq(mn_querydict_pairs(mn_request_post(r)), 0);
    cr_assert_not_null(mn_request_error(r));
    r = mk(a, "multipart/form-data", "--zz--", 100);
    mn_request_post(r);
    cr_assert_str_eq(mn_request_error(r), "Invalid boundary in multipart: None");
    r = mk(a, "multipart/form-data; boundary=q",
           "--q\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--q\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n"
           "--q\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--q\r\nContent-Disposition: form-data; name=\"d\"\r\n\r\n4\r\n--q--", 100);
    mn_request_post(r);
    cr_assert(strstr(mn_request_error(r), "DATA_UPLOAD_MAX_NUMBER_FIELDS") != NULL);
    r = mk(a, "multipart/form-data; boundary=q", "--q\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n", 100);
    mn_request_post(r);
    cr_assert_not_null(mn_request_error(r));
    mn_arena_free(a);
}

/* ---- the incremental parser ---- */

#include "../../src/http/http_internal.h"

static mn__mp *stream_new(mn_arena *a, const char *boundary, size_t file_mem)
{
    mn_http_settings s;
    mn_http_settings_init(&s);
    s.file_upload_max_memory_size = file_mem;
    s.data_upload_max_number_fields = 3;
    s.data_upload_max_memory_size = 64;
    mn__mp *p = mn__mp_new(a, mn_str_from(boundary), &s);
    cr_assert_not_null(p);
    return p;
}

static mn_request *attach(mn_arena *a, mn__mp *p)
{
    int st = 0;
    mn_err err = { 0 };
    const char *raw = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    mn_request *r = mn_request_from_raw(a, raw, strlen(raw), NULL, NULL, &st, &err);
    cr_assert_not_null(r);
    cr_assert_eq(mn__mp_attach(p, r), MN_OK);
    return r;
}

static const char SAMPLE[] =
    "preamble --b0 \r\n--b0\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHello\r\n--b"
    "\r\n--b0  \r\nContent-Disposition: form-data; name=\"doc\"; filename=\"d/r.txt\"\r\n"
    "Content-Type: text/plain; charset=latin-1\r\n\r\n0123456789abcdef\r\n-\r\n--b1\r\n"
    "\r\n--b0\r\n\r\nno headers: skipped\r\n"
    "--b0--\r\nepilogue --b0\r\n";

Test(multipart_stream, byte_by_byte_matches_one_shot)
{
    for (size_t step = 1; step <= sizeof SAMPLE; step += step < 8 ? 1 : 13) {
        mn_arena *a = mn_arena_new("t", 0);
        mn__mp *p = stream_new(a, "b0", 8);
        size_t len = strlen(SAMPLE);
        for (size_t off = 0; off < len; off += step)
            cr_assert_eq(mn__mp_feed(p, SAMPLE + off, len - off < step ? len - off : step), MN_OK);
        cr_assert_eq(mn__mp_finish(p), MN_OK, "step %zu: %s", step, mn__mp_error(p));
        mn_request *r = attach(a, p);
        mn_str v;
        cr_assert(mn_querydict_get(mn_request_post(r), "title", &v));
        cr_assert(mn_str_eq_cstr(v, "Hello\r\n--b"), "%.*s", MN_STR_FMT(v));
        cr_assert_eq(mn_request_file_count(r), 1);
        const mn_uploaded_file *f = mn_request_file(r, "doc");
        cr_assert(mn_str_eq_cstr(f->name, "r.txt"));
        cr_assert(mn_str_eq_cstr(f->content_type, "text/plain"));
        cr_assert(mn_str_eq_cstr(f->charset, "latin-1"));
        cr_assert_eq(f->size, 27);
        cr_assert_not_null(f->path, "over 8 bytes: on disk");
        FILE *fp = fopen(f->path, "rb");
        cr_assert_not_null(fp);
        char got[64] = { 0 };
        cr_assert_eq(fread(got, 1, sizeof got, fp), 27);
        fclose(fp);
        cr_assert_str_eq(got, "0123456789abcdef\r\n-\r\n--b1\r\n");
        char *path = strdup(f->path);
        mn_arena_free(a);
        cr_assert_neq(access(path, F_OK), 0, "deleted with the arena");
        free(path);
    }
}

Test(multipart_stream, sample_one_shot_agrees)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_request *r = mk(a, "multipart/form-data; boundary=b0", SAMPLE, 8);
    cr_assert_null(mn_request_error(r));
    cr_assert_eq(mn_request_file_count(r), 1);
    cr_assert_eq(mn_request_file(r, "doc")->size, 27);
    cr_assert_eq(mn_querydict_pairs(mn_request_post(r)), 1);
    mn_arena_free(a);
}

Test(multipart_stream, small_file_stays_in_memory)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn__mp *p = stream_new(a, "x", 100);
    const char *body = "--x\r\nContent-Disposition: form-data; name=f; filename=a.bin\r\n\r\nabc\r\n--x--";
    cr_assert_eq(mn__mp_feed(p, body, strlen(body)), MN_OK);
    cr_assert_eq(mn__mp_finish(p), MN_OK);
    mn_request *r = attach(a, p);
    const mn_uploaded_file *f = mn_request_file(r, "f");
    cr_assert_null(f->path);
    cr_assert(mn_str_eq_cstr(f->content, "abc"));
    cr_assert(mn_str_eq_cstr(f->content_type, "application/octet-stream"));
    mn_arena_free(a);
}

/* Files held in memory together stay under FILE_UPLOAD_MAX_MEMORY_SIZE:
 * many small files cannot add up to a big request in memory. */
Test(multipart_stream, memory_bounded_across_files)
{
    const char *body = "--x\r\nContent-Disposition: form-data; name=a; filename=a\r\n\r\n0123456789\r\n"
                       "--x\r\nContent-Disposition: form-data; name=b; filename=b\r\n\r\n0123456789\r\n"
                       "--x\r\nContent-Disposition: form-data; name=c; filename=c\r\n\r\n01234\r\n--x--";
    mn_arena *a = mn_arena_new("t", 0);
    mn__mp *p = stream_new(a, "x", 16);
    for (size_t i = 0; body[i]; i++)
        cr_assert_eq(mn__mp_feed(p, body + i, 1), MN_OK);
    cr_assert_eq(mn__mp_finish(p), MN_OK);
    mn_request *r = attach(a, p);
    cr_assert_null(mn_request_file(r, "a")->path, "10 of 16 bytes: memory");
    cr_assert_not_null(mn_request_file(r, "b")->path, "10 more would make 20: disk");
    cr_assert_null(mn_request_file(r, "c")->path, "5 more make 15: memory");
    mn_arena_free(a);
    a = mn_arena_new("t", 0);
    r = mk(a, "multipart/form-data; boundary=x", body, 16);
    cr_assert_null(mn_request_file(r, "a")->path);
    cr_assert_not_null(mn_request_file(r, "b")->path, "the one-shot parser agrees");
    cr_assert_null(mn_request_file(r, "c")->path);
    mn_arena_free(a);
}

Test(multipart_stream, errors)
{
    static const struct {
        const char *body;
        int rc, status;
        const char *msg;
    } cases[] = {
        { "", MN_EPARSE, 0, "multipart body has no boundary" },
        { "--x", MN_EPARSE, 0, "malformed multipart delimiter" },
        { "--xy\r\n", MN_EPARSE, 0, "malformed multipart delimiter" },
        { "--x\r\nContent-Disposition: form-data; name=a\r\n", MN_EPARSE, 0,
          "multipart part headers are not terminated" },
        { "--x\r\n\r\nbody", MN_EPARSE, 0, "multipart part is not terminated by the boundary" },
        { "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n"
          "0123456789012345678901234567890123456789012345678901234567890123456789", MN_ELIMIT, 413,
          "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE." },
        { "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n"
          "--x\r\nContent-Disposition: form-data; name=b\r\n\r\n\r\n"
          "--x\r\nContent-Disposition: form-data; name=c\r\n\r\n\r\n"
          "--x\r\nContent-Disposition: form-data; name=d\r\n\r\n", MN_ELIMIT, 400,
          "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS." },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mn_arena *a = mn_arena_new("t", 0);
        mn__mp *p = stream_new(a, "x", 100);
        mn__mp_feed(p, cases[i].body, strlen(cases[i].body));
        cr_assert_eq(mn__mp_finish(p), cases[i].rc, "case %zu", i);
        cr_assert_eq(mn__mp_status(p), cases[i].status, "case %zu", i);
        cr_assert_str_eq(mn__mp_error(p), cases[i].msg, "case %zu", i);
        mn_request *r = attach(a, p);
        cr_assert_eq(mn_querydict_pairs(mn_request_post(r)), 0, "no form data after an error");
        cr_assert_str_eq(mn_request_error(r), cases[i].msg);
        mn_arena_free(a);
    }
}

Test(multipart_stream, header_block_bounded)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn__mp *p = stream_new(a, "x", 100);
    cr_assert_eq(mn__mp_feed(p, "--x\r\nX-Pad: ", 12), MN_OK);
    char pad[1024];
    memset(pad, 'p', sizeof pad);
    int rc = MN_OK;
    for (int i = 0; i < 9 && rc == MN_OK; i++)
        rc = mn__mp_feed(p, pad, sizeof pad);
    cr_assert_eq(rc, MN_EPARSE, "an endless header block is refused once over 8 KiB");
    cr_assert_str_eq(mn__mp_error(p), "multipart part headers are too long");
    mn_arena_free(a);
    /* An invalid boundary gives a parser in the error state. */
    a = mn_arena_new("t", 0);
    p = stream_new(a, "bad boundary ", 100);
    cr_assert_eq(mn__mp_feed(p, "x", 1), MN_EPARSE);
    cr_assert_str_eq(mn__mp_error(p), "Invalid boundary in multipart: bad boundary ");
    mn_arena_free(a);
    a = mn_arena_new("t", 0);
    p = stream_new(a, "", 100);
    cr_assert_eq(mn__mp_finish(p), MN_EPARSE);
    cr_assert_str_eq(mn__mp_error(p), "Invalid boundary in multipart: None", "as the one-shot path says");
    mn_arena_free(a);
}

Test(multipart_stream, content_type_boundary)
{
    mn_str b;
    cr_assert(mn__multipart_boundary(MN_STR("Multipart/Form-Data ; charset=x; boundary=\"a b\""), &b));
    cr_assert(mn_str_eq_cstr(b, "a b"));
    cr_assert(mn__multipart_boundary(MN_STR("multipart/form-data"), &b));
    cr_assert_eq(b.len, 0);
    cr_assert(!mn__multipart_boundary(MN_STR("multipart/form-datax; boundary=a"), &b));
    cr_assert(!mn__multipart_boundary(MN_STR("text/plain"), &b));
}
