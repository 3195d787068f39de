/* Static and media files: safe resolution (traversal, encoded dots,
 * symlinks), content types, validators, 304, ranges, precompressed
 * variants, and serving through a site in DEBUG. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "web_test.h"

static char root[256], outside[300];
static mn_arena *arena;

static void put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    cr_assert(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    snprintf(root, sizeof root, "/tmp/mn-static-XXXXXX");
    cr_assert(mkdtemp(root));
    char path[512];
    snprintf(path, sizeof path, "%s/sub", root);
    mkdir(path, 0755);
    snprintf(outside, sizeof outside, "%s-secret.txt", root);
    FILE *f = fopen(outside, "w");
    fputs("secret", f);
    fclose(f);
    put("a.txt", "hello static world\n");
    put("sub/b.css", "body { color: red }\n");
    put("app.js", "console.log('plain')\n");
    put("app.js.gz", "GZIPPED");
    put("app.js.br", "BROTLI");
    put("only.css", "x");
    put("only.css.gz", "Z");
    snprintf(path, sizeof path, "%s/escape", root);
    cr_assert_eq(symlink(outside, path), 0);
    snprintf(path, sizeof path, "%s/inside", root);
    cr_assert_eq(symlink("a.txt", path), 0);
    snprintf(path, sizeof path, "%s/escape_dir", root);
    cr_assert_eq(symlink("/etc", path), 0);
    arena = mn_arena_new("test", 0);
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", root, outside);
    cr_assert_eq(system(cmd), 0);
    mn_arena_free(arena);
}

TestSuite(static_files, .init = setup, .fini = teardown);

static int resolve(const char *rel)
{
    const char *out;
    return mn_static_resolve(arena, root, mn_str_from(rel), &out);
}

Test(static_files, resolution_refuses_traversal)
{
    cr_assert_eq(resolve("a.txt"), MN_OK);
    cr_assert_eq(resolve("sub/b.css"), MN_OK);
    cr_assert_eq(resolve("../a.txt"), MN_EPERM);
    cr_assert_eq(resolve("sub/../a.txt"), MN_EPERM);
    cr_assert_eq(resolve("./a.txt"), MN_EPERM);
    cr_assert_eq(resolve(".."), MN_EPERM);
    cr_assert_eq(resolve("/etc/passwd"), MN_EPERM);
    cr_assert_eq(resolve("sub//b.css"), MN_EPERM);
    cr_assert_eq(resolve("sub\\b.css"), MN_EPERM);
    cr_assert_eq(mn_static_resolve(arena, root, mn_str_make("a.txt\0x", 7), &(const char *){ 0 }), MN_EPERM);
}

Test(static_files, resolution_refuses_encoded_dots_and_slashes)
{
    /* What is left after one decoding step of %252e%252e etc. */
    cr_assert_eq(resolve("%2e%2e/a.txt"), MN_EPERM);
    cr_assert_eq(resolve("%2E%2E/a.txt"), MN_EPERM);
    cr_assert_eq(resolve("sub%2f..%2fa.txt"), MN_EPERM);
    cr_assert_eq(resolve("sub%5cb.css"), MN_EPERM);
    cr_assert_eq(resolve("a.txt%00"), MN_EPERM);
}

Test(static_files, resolution_and_symlinks)
{
    cr_assert_eq(resolve("escape"), MN_EPERM, "a symlink out of the root");
    cr_assert_eq(resolve("escape_dir/passwd"), MN_EPERM);
    const char *out;
    cr_assert_eq(mn_static_resolve(arena, root, MN_STR("inside"), &out), MN_OK);
    cr_assert(strstr(out, "/a.txt"), "%s", out);
    cr_assert_eq(resolve("missing.txt"), MN_ENOTFOUND);
    cr_assert_eq(resolve("sub"), MN_ENOTFOUND, "directories are not served");
    cr_assert_eq(resolve("sub/"), MN_ENOTFOUND);
    cr_assert_eq(resolve(""), MN_ENOTFOUND);
    cr_assert_eq(mn_static_resolve(arena, "/nonexistent-root", MN_STR("a.txt"), &out), MN_ENOTFOUND);
}

static mn_response *serve(const char *rel, const char *headers)
{
    mn_request *req = web_request(arena, "GET", "/static/x", headers);
    mn_response *r = mn_static_serve(req, root, mn_str_from(rel));
    cr_assert(r);
    return r;
}

Test(static_files, serves_with_type_and_validators)
{
    mn_response *r = serve("a.txt", NULL);
    cr_assert_eq(mn_response_status(r), 200);
    cr_assert(mn_response_is_streaming(r), "files are sent from disk");
    cr_assert(web_header_is(r, "Content-Type", "text/plain; charset=utf-8"));
    cr_assert(web_has_header(r, "Last-Modified"));
    cr_assert(web_header_is(r, "Accept-Ranges", "bytes"));
    cr_assert(!web_has_header(r, "Content-Encoding"));
    r = serve("sub/b.css", NULL);
    cr_assert(web_header_is(r, "Content-Type", "text/css; charset=utf-8"));
    r = serve("../a.txt", NULL);
    cr_assert_eq(mn_response_status(r), 404);
    r = serve("escape", NULL);
    cr_assert_eq(mn_response_status(r), 404);
}

Test(static_files, not_modified)
{
    mn_response *r = serve("a.txt", NULL);
    mn_str etag, lm;
    cr_assert(mn_response_header(r, "ETag", &etag));
    cr_assert(mn_response_header(r, "Last-Modified", &lm));
    char *h = mn_arena_sprintf(arena, "If-None-Match: %.*s\r\n", MN_STR_FMT(etag));
    cr_assert_eq(mn_response_status(serve("a.txt", h)), 304);
    h = mn_arena_sprintf(arena, "If-Modified-Since: %.*s\r\n", MN_STR_FMT(lm));
    cr_assert_eq(mn_response_status(serve("a.txt", h)), 304);
    cr_assert_eq(mn_response_status(serve("a.txt", "If-Modified-Since: Thu, 01 Jan 1970 00:00:01 GMT\r\n")), 200);
    cr_assert_eq(mn_response_status(serve("a.txt", "If-None-Match: \"stale\"\r\n")), 200);
}

Test(static_files, ranges)
{
    mn_response *r = serve("a.txt", "Range: bytes=6-11\r\n");
    cr_assert_eq(mn_response_status(r), 206);
    cr_assert(web_header_is(r, "Content-Range", "bytes 6-11/19"));
    r = serve("a.txt", "Range: bytes=-5\r\n");
    cr_assert(web_header_is(r, "Content-Range", "bytes 14-18/19"));
    r = serve("a.txt", "Range: bytes=100-200\r\n");
    cr_assert_eq(mn_response_status(r), 416);
    cr_assert(web_header_is(r, "Content-Range", "bytes */19"));
}

Test(static_files, precompressed_variants)
{
    mn_response *r = serve("app.js", NULL);
    cr_assert(!web_has_header(r, "Content-Encoding"));
    cr_assert(web_header_is(r, "Vary", "Accept-Encoding"));
    cr_assert(web_header_is(r, "Content-Type", "text/javascript; charset=utf-8"));
    r = serve("app.js", "Accept-Encoding: gzip\r\n");
    cr_assert(web_header_is(r, "Content-Encoding", "gzip"));
    cr_assert(web_header_is(r, "Content-Type", "text/javascript; charset=utf-8"));
    cr_assert(web_header_is(r, "Content-Disposition", "inline; filename=\"app.js\""));
    mn_str gz_etag;
    cr_assert(mn_response_header(r, "ETag", &gz_etag));
    cr_assert(mn_str_find(gz_etag, MN_STR("gzip"), 0) > 0, "variants have their own ETag");
    r = serve("app.js", "Accept-Encoding: gzip, br\r\n");
    cr_assert(web_header_is(r, "Content-Encoding", "br"));
    r = serve("app.js", "Accept-Encoding: br;q=0, gzip\r\n");
    cr_assert(web_header_is(r, "Content-Encoding", "gzip"));
    r = serve("only.css", "Accept-Encoding: br\r\n");
    cr_assert(!web_has_header(r, "Content-Encoding"));
    r = serve("only.css", "Accept-Encoding: br, gzip\r\n");
    cr_assert(web_header_is(r, "Content-Encoding", "gzip"));
}

static mn_response *home(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_text(req, 200, "text/plain", MN_STR("home"));
}

Test(static_files, site_serves_static_and_media_in_debug)
{
    static const mn_url_pattern p[] = { MN_PATH("", home, NULL), MN_URL_END };
    static const mn_urlconf conf = { .patterns = p };
    mn_settings s = mn_settings_defaults();
    s.DEBUG = true;
    s.STATIC_URL = "static/";
    s.MEDIA_URL = "/media/";
    s.MEDIA_ROOT = root;
    char sub[300];
    snprintf(sub, sizeof sub, "%s/sub", root);
    const char *dirs[] = { sub, root, NULL };
    mn_site_config c = { .settings = &s, .urlconf = &conf, .serve_static = true, .static_dirs = dirs };
    mn_err err = { 0 };
    mn_site *site = mn_site_new(&c, &err);
    mn_response *r = mn_site_handle(site, web_request(arena, "GET", "/static/b.css", NULL));
    cr_assert_eq(mn_response_status(r), 200, "first directory");
    r = mn_site_handle(site, web_request(arena, "GET", "/static/a.txt", NULL));
    cr_assert_eq(mn_response_status(r), 200, "second directory");
    r = mn_site_handle(site, web_request(arena, "GET", "/static/nope.txt", NULL));
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert(web_body_has(r, "could not be found"));
    r = mn_site_handle(site, web_request(arena, "GET", "/static/%2e%2e/x", NULL));
    cr_assert_eq(mn_response_status(r), 404);
    r = mn_site_handle(site, web_request(arena, "GET", "/media/sub/b.css", NULL));
    cr_assert_eq(mn_response_status(r), 200);
    r = mn_site_handle(site, web_request(arena, "GET", "/", NULL));
    cr_assert_str_eq(mn_response_body(r).ptr, "home");
    mn_site_free(site);
}
