/* A view, exercised the way the test client will: build a request from raw
 * HTTP, call the view, inspect the response. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"

/* def search(request):
 *     q = request.GET.get("q", "")
 *     tags = request.GET.getlist("tag")
 *     resp = HttpResponse(f"{q}: {len(tags)} tags", content_type="text/plain")
 *     resp.set_cookie("last_search", q, max_age=3600, httponly=True)
 *     return resp */
static mn_response *search(mn_request *req, void *ctx)
{
    (void)ctx;
    const mn_querydict *get = mn_request_query(req);
    mn_str q = mn_querydict_get_or(get, "q", MN_STR(""));
    size_t tags = mn_querydict_count(get, "tag");
    char *text = mn_arena_sprintf(mn_request_arena(req), "%.*s: %zu tags", MN_STR_FMT(q), tags);
    mn_response *resp = mn_response_text(req, 200, "text/plain", mn_str_from(text));
    mn_cookie_options o = { .has_max_age = true, .max_age = 3600, .httponly = true };
    mn_response_set_cookie(resp, "last_search", q, &o);
    return resp;
}

/* def upload(request):  request.POST / request.FILES */
static mn_response *upload(mn_request *req, void *ctx)
{
    (void)ctx;
    if (!mn_request_is_method(req, "POST"))
        return mn_http_error(req, 405);
    const mn_uploaded_file *f = mn_request_file(req, "doc");
    mn_str title = mn_querydict_get_or(mn_request_post(req), "title", MN_STR("untitled"));
    if (!f)
        return mn_http_error(req, 400);
    char *text = mn_arena_sprintf(mn_request_arena(req), "%.*s: %.*s (%zu bytes)", MN_STR_FMT(title),
                                  MN_STR_FMT(f->name), f->size);
    return mn_response_text(req, 201, "text/plain", mn_str_from(text));
}

int main(void)
{
    mn_arena *arena = mn_arena_new("example", 0);
    const char *raw = "GET /search?q=django&tag=web&tag=python HTTP/1.1\r\nHost: localhost\r\n\r\n";
    int status = 0;
    mn_request *req = mn_request_from_raw(arena, raw, strlen(raw), "127.0.0.1", NULL, &status, NULL);
    assert(req);
    mn_response *resp = search(req, NULL);
    assert(mn_response_status(resp) == 200);
    assert(mn_str_eq_cstr(mn_response_body(resp), "django: 2 tags"));
    printf("%.*s\n", MN_STR_FMT(mn_response_body(resp)));

    const char *body = "--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nReport\r\n"
                       "--B\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"q3.txt\"\r\n"
                       "Content-Type: text/plain\r\n\r\nnumbers\r\n--B--\r\n";
    char *post = mn_arena_sprintf(arena, "POST /upload HTTP/1.1\r\nHost: localhost\r\n"
                                         "Content-Type: multipart/form-data; boundary=B\r\n"
                                         "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    req = mn_request_from_raw(arena, post, strlen(post), NULL, NULL, &status, NULL);
    resp = upload(req, NULL);
    assert(mn_response_status(resp) == 201);
    assert(mn_str_eq_cstr(mn_response_body(resp), "Report: q3.txt (7 bytes)"));
    printf("%.*s\n", MN_STR_FMT(mn_response_body(resp)));

    /* A smuggling attempt never reaches a view. */
    const char *bad = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert(!mn_request_from_raw(arena, bad, strlen(bad), NULL, NULL, &status, NULL) && status == 400);
    mn_arena_free(arena);
    return 0;
}
