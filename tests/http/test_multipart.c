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
