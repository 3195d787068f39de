/* docs/static-files.md: serving files safely, with validators, ranges and
 * precompressed variants. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <manouche.h>

static mn_request *get(mn_arena *a, const char *headers)
{
    char *raw = mn_arena_sprintf(a, "GET /static/x HTTP/1.1\r\nHost: localhost\r\n%s\r\n", headers);
    int status;
    mn_err err = { 0 };
    mn_request *req = mn_request_from_raw(a, raw, strlen(raw), NULL, NULL, &status, &err);
    assert(req);
    return req;
}

int main(void)
{
    char root[] = "/tmp/mn-static-example-XXXXXX";
    assert(mkdtemp(root));
    char path[128];
    snprintf(path, sizeof path, "%s/site.css", root);
    FILE *f = fopen(path, "w");
    fputs("body { margin: 0 }\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/site.css.gz", root);
    f = fopen(path, "w");
    fputs("(gzip bytes)", f);
    fclose(f);

    mn_log_set_level(NULL, MN_LOG_CRITICAL);
    mn_arena *a = mn_arena_new("requests", 0);
    mn_str v;

    mn_response *r = mn_static_serve(get(a, ""), root, MN_STR("site.css"));
    assert(mn_response_status(r) == 200);
    assert(mn_response_header(r, "Content-Type", &v) && mn_str_eq_cstr(v, "text/css; charset=utf-8"));
    mn_str etag;
    assert(mn_response_header(r, "ETag", &etag));
    printf("200 with ETag %.*s\n", MN_STR_FMT(etag));

    /* The client's copy is current: 304. */
    char *h = mn_arena_sprintf(a, "If-None-Match: %.*s\r\n", MN_STR_FMT(etag));
    assert(mn_response_status(mn_static_serve(get(a, h), root, MN_STR("site.css"))) == 304);

    /* A range. */
    r = mn_static_serve(get(a, "Range: bytes=0-3\r\n"), root, MN_STR("site.css"));
    assert(mn_response_status(r) == 206);
    assert(mn_response_header(r, "Content-Range", &v) && mn_str_eq_cstr(v, "bytes 0-3/19"));

    /* The precompressed variant for a client that accepts gzip. */
    r = mn_static_serve(get(a, "Accept-Encoding: gzip\r\n"), root, MN_STR("site.css"));
    assert(mn_response_header(r, "Content-Encoding", &v) && mn_str_eq_cstr(v, "gzip"));

    /* Traversal attempts are 404s; the resolver says why. */
    assert(mn_response_status(mn_static_serve(get(a, ""), root, MN_STR("../etc/passwd"))) == 404);
    const char *real;
    assert(mn_static_resolve(a, root, MN_STR("%2e%2e/etc/passwd"), &real) == MN_EPERM);
    assert(mn_static_resolve(a, root, MN_STR("missing.css"), &real) == MN_ENOTFOUND);
    puts("traversal refused");

    mn_arena_free(a);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : 1;
}
