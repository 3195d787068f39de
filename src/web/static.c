/* Static and media files in development (django.views.static.serve), with
 * strict path resolution and precompressed variants. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "web_internal.h"

static bool seg_has_encoded(mn_str seg)
{
    static const char *const bad[] = { "%2e", "%2f", "%5c", "%00" };
    for (size_t i = 0; i + 3 <= seg.len; i++)
        for (size_t k = 0; k < 4; k++)
            if (!strncasecmp(seg.ptr + i, bad[k], 3))
                return true;
    return false;
}

/* Checks the relative path segment by segment. */
static int check_rel(mn_str rel)
{
    if (!rel.len)
        return MN_ENOTFOUND;
    if (rel.ptr[0] == '/' || memchr(rel.ptr, '\\', rel.len) || memchr(rel.ptr, 0, rel.len))
        return MN_EPERM;
    bool dir = rel.ptr[rel.len - 1] == '/';
    if (dir)
        rel.len--; /* a directory: refused below unless the segments are bad */
    size_t pos = 0;
    mn_str seg;
    while (mn_str_next_field(rel, '/', &pos, &seg)) {
        if (!seg.len || mn_str_eq_cstr(seg, ".") || mn_str_eq_cstr(seg, "..") || seg_has_encoded(seg))
            return MN_EPERM;
    }
    return dir ? MN_ENOTFOUND : MN_OK;
}

int mn_static_resolve(mn_arena *arena, const char *root, mn_str relpath, const char **out)
{
    int rc = check_rel(relpath);
    if (rc)
        return rc;
    char rootreal[PATH_MAX], real[PATH_MAX];
    if (!realpath(root, rootreal))
        return MN_ENOTFOUND;
    char *joined = mn_arena_sprintf(arena, "%s/%.*s", rootreal, MN_STR_FMT(relpath));
    if (!joined)
        return MN_ENOMEM;
    if (!realpath(joined, real))
        return MN_ENOTFOUND;
    size_t n = strlen(rootreal);
    /* The real path must stay inside the real root: a symlink may point
     * elsewhere inside it, never out. */
    if (strncmp(real, rootreal, n) || (real[n] != '/' && !(n == 1 && rootreal[0] == '/')))
        return MN_EPERM;
    struct stat st;
    if (stat(real, &st) || !S_ISREG(st.st_mode))
        return MN_ENOTFOUND;
    *out = mn_arena_strdup(arena, real);
    return *out ? MN_OK : MN_ENOMEM;
}

static const struct {
    const char *ext, *type;
} types[] = {
    { "html", "text/html; charset=utf-8" }, { "htm", "text/html; charset=utf-8" },
    { "css", "text/css; charset=utf-8" }, { "js", "text/javascript; charset=utf-8" },
    { "mjs", "text/javascript; charset=utf-8" }, { "json", "application/json" },
    { "map", "application/json" }, { "txt", "text/plain; charset=utf-8" },
    { "csv", "text/csv; charset=utf-8" }, { "xml", "application/xml" },
    { "svg", "image/svg+xml" }, { "png", "image/png" }, { "jpg", "image/jpeg" },
    { "jpeg", "image/jpeg" }, { "gif", "image/gif" }, { "webp", "image/webp" },
    { "avif", "image/avif" }, { "ico", "image/vnd.microsoft.icon" }, { "woff", "font/woff" },
    { "woff2", "font/woff2" }, { "ttf", "font/ttf" }, { "otf", "font/otf" },
    { "pdf", "application/pdf" }, { "wasm", "application/wasm" }, { "mp4", "video/mp4" },
    { "webm", "video/webm" }, { "mp3", "audio/mpeg" }, { "ogg", "audio/ogg" },
    { "zip", "application/zip" }, { "webmanifest", "application/manifest+json" },
};

static const char *content_type(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (!strcasecmp(dot + 1, types[i].ext))
                return types[i].type;
    return "application/octet-stream";
}

static bool accepts(mn_request *req, const char *coding)
{
    mn_str ae, item;
    if (!mn_request_header(req, "Accept-Encoding", &ae))
        return false;
    size_t pos = 0;
    while (mn_str_next_field(ae, ',', &pos, &item)) {
        mn_str name, params;
        mn_str_split_once(item, ';', &name, &params);
        if (!mn_str_ieq_cstr(mn_str_trim(name), coding))
            continue;
        params = mn_str_trim(params);
        /* "gzip;q=0" refuses the coding */
        return !(mn_str_eq_cstr(params, "q=0") || mn_str_eq_cstr(params, "q=0.0") ||
                 mn_str_eq_cstr(params, "q=0.00") || mn_str_eq_cstr(params, "q=0.000"));
    }
    return false;
}

mn_response *mn_static_serve(mn_request *req, const char *root, mn_str relpath)
{
    mn_arena *a = mn_request_arena(req);
    const char *real;
    int rc = mn_static_resolve(a, root, relpath, &real);
    if (rc == MN_ENOMEM)
        return NULL;
    if (rc)
        return mn_view_not_found(req, "\"%.*s\" does not exist", MN_STR_FMT(relpath));
    const char *served = real, *encoding = NULL;
    bool has_variant = false;
    static const struct {
        const char *coding, *suffix;
    } variants[] = { { "br", ".br" }, { "gzip", ".gz" } };
    for (size_t i = 0; i < 2; i++) {
        const char *v;
        char *rel = mn_arena_sprintf(a, "%.*s%s", MN_STR_FMT(relpath), variants[i].suffix);
        if (!rel || mn_static_resolve(a, root, mn_str_from(rel), &v))
            continue;
        has_variant = true;
        if (!encoding && accepts(req, variants[i].coding)) {
            served = v;
            encoding = variants[i].coding;
        }
    }
    struct stat st;
    if (stat(served, &st))
        return mn_view_not_found(req, "\"%.*s\" does not exist", MN_STR_FMT(relpath));
    const char *base = strrchr(real, '/');
    mn_file_options opts = { .content_type = content_type(real), .filename = base ? base + 1 : real };
    mn_response *r = mn_response_file(req, served, &opts);
    if (!r)
        return NULL;
    if (encoding)
        mn_response_set_header_cstr(r, "Content-Encoding", encoding);
    if (has_variant)
        mn_response_set_header_cstr(r, "Vary", "Accept-Encoding");
    char *etag = mn_arena_sprintf(a, "\"%llx-%llx%s%s\"", (unsigned long long)st.st_mtime,
                                  (unsigned long long)st.st_size, encoding ? "-" : "",
                                  encoding ? encoding : "");
    if (!etag || mn_response_set_header_cstr(r, "ETag", etag))
        return NULL;
    return mn_conditional_response(req, r, mn_str_from(etag), (int64_t)st.st_mtime);
}
