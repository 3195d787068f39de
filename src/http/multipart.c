/* multipart/form-data bodies (RFC 7578), parsed like Django's
 * MultiPartParser: fields go to POST, parts with a file name to FILES. Files
 * larger than FILE_UPLOAD_MAX_MEMORY_SIZE are written to a temporary file
 * that a cleanup on the request arena deletes when the request ends. */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <unistd.h>
#include "http_internal.h"

static void unlink_cleanup(void *arg)
{
    unlink((const char *)arg);
}

/* A Content-Disposition parameter, unquoted (\" and \\ escapes resolved). */
static mn_str disp_param(mn_arena *arena, mn_str v, const char *name)
{
    size_t i = 0, nlen = strlen(name);
    while (i < v.len) {
        /* find next ';' outside quotes */
        while (i < v.len && v.ptr[i] != ';') {
            if (v.ptr[i] == '"') {
                i++;
                while (i < v.len && v.ptr[i] != '"')
                    i += v.ptr[i] == '\\' ? 2 : 1;
            }
            i++;
        }
        if (i >= v.len)
            break;
        i++;
        while (i < v.len && (v.ptr[i] == ' ' || v.ptr[i] == '\t'))
            i++;
        if (i + nlen < v.len && !strncasecmp(v.ptr + i, name, nlen) && v.ptr[i + nlen] == '=') {
            size_t s = i + nlen + 1;
            if (s < v.len && v.ptr[s] == '"') {
                char *out = mn_arena_alloc(arena, v.len - s + 1);
                if (!out)
                    return (mn_str){ NULL, 0 };
                size_t o = 0, k = s + 1;
                while (k < v.len && v.ptr[k] != '"') {
                    if (v.ptr[k] == '\\' && k + 1 < v.len && (v.ptr[k + 1] == '"' || v.ptr[k + 1] == '\\'))
                        k++;
                    out[o++] = v.ptr[k++];
                }
                out[o] = '\0';
                return mn_str_make(out, o);
            }
            size_t e = s;
            while (e < v.len && v.ptr[e] != ';')
                e++;
            return mn_str_trim(mn_str_make(v.ptr + s, e - s));
        }
    }
    return (mn_str){ "", 0 };
}

static bool boundary_valid(mn_str b)
{
    if (!b.len || b.len > 200 || b.ptr[b.len - 1] == ' ')
        return false;
    for (size_t i = 0; i < b.len; i++)
        if (b.ptr[i] < ' ' || b.ptr[i] > '~')
            return false;
    return true;
}

static int spill(mn_request *req, mn_uploaded_file *f, mn_err *err)
{
    const mn_http_settings *s = mn__request_settings(req);
    const char *dir = s->file_upload_temp_dir;
    if (!dir)
        dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    mn_arena *a = mn_request_arena(req);
    char *path = mn_arena_sprintf(a, "%s/mn-upload-XXXXXX", dir);
    if (!path)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    int fd = mkstemp(path);
    if (fd < 0)
        return mn_err_set(err, MN_EIO, "cannot create a temporary upload file in %s: %s", dir,
                          strerror(errno));
    if (mn_arena_on_cleanup(a, unlink_cleanup, path)) {
        close(fd);
        unlink(path);
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    }
    size_t off = 0;
    while (off < f->content.len) {
        ssize_t w = write(fd, f->content.ptr + off, f->content.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            return mn_err_set(err, MN_EIO, "cannot write temporary upload file %s: %s", path,
                              strerror(e));
        }
        off += (size_t)w;
    }
    close(fd);
    f->path = path;
    f->content = MN_STR_EMPTY;
    return MN_OK;
}

int mn__multipart_parse(mn_request *req, mn_str body, mn_str boundary, mn_querydict *post,
                        mn_err *err)
{
    mn_arena *a = mn_request_arena(req);
    const mn_http_settings *s = mn__request_settings(req);
    if (!boundary_valid(boundary))
        return mn_err_set(err, MN_EPARSE, "Invalid boundary in multipart: %.*s",
                          MN_STR_FMT(boundary));
    char *delim = mn_arena_sprintf(a, "\r\n--%.*s", MN_STR_FMT(boundary));
    if (!delim)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    size_t dlen = boundary.len + 4;
    /* The first delimiter may start the body without the leading CRLF. */
    size_t pos;
    if (body.len >= dlen - 2 && !memcmp(body.ptr, delim + 2, dlen - 2)) {
        pos = dlen - 2;
    } else {
        const char *first = memmem(body.ptr, body.len, delim, dlen);
        if (!first)
            return mn_err_set(err, MN_EPARSE, "multipart body has no boundary");
        pos = (size_t)(first - body.ptr) + dlen;
    }
    size_t fields = 0, field_bytes = 0;
    for (;;) {
        /* After a delimiter: "--" ends the body, CRLF starts a part. */
        if (pos + 2 <= body.len && !memcmp(body.ptr + pos, "--", 2))
            return MN_OK;
        while (pos < body.len && (body.ptr[pos] == ' ' || body.ptr[pos] == '\t'))
            pos++;
        if (pos + 2 > body.len || memcmp(body.ptr + pos, "\r\n", 2))
            return mn_err_set(err, MN_EPARSE, "malformed multipart delimiter");
        pos += 2;
        const char *hend = memmem(body.ptr + pos, body.len - pos, "\r\n\r\n", 4);
        const char *next;
        mn_str heads;
        if (body.len - pos >= 2 && !memcmp(body.ptr + pos, "\r\n", 2)) {
            heads = MN_STR_EMPTY; /* part without headers */
            pos += 2;
        } else {
            if (!hend)
                return mn_err_set(err, MN_EPARSE, "multipart part headers are not terminated");
            heads = mn_str_make(body.ptr + pos, (size_t)(hend - (body.ptr + pos)));
            pos = (size_t)(hend - body.ptr) + 4;
        }
        next = memmem(body.ptr + pos, body.len - pos, delim, dlen);
        if (!next)
            return mn_err_set(err, MN_EPARSE, "multipart part is not terminated by the boundary");
        mn_str content = mn_str_make(body.ptr + pos, (size_t)(next - (body.ptr + pos)));
        pos = (size_t)(next - body.ptr) + dlen;

        mn_str disp = MN_STR_EMPTY, ctype = MN_STR_EMPTY;
        bool has_disp = false;
        size_t hp = 0;
        mn_str line;
        while (heads.len && hp < heads.len) {
            size_t e = hp;
            while (e + 1 < heads.len && !(heads.ptr[e] == '\r' && heads.ptr[e + 1] == '\n'))
                e++;
            if (e + 1 >= heads.len)
                e = heads.len;
            line = mn_str_make(heads.ptr + hp, e - hp);
            hp = e + 2;
            mn_str k, v;
            if (!mn_str_split_once(line, ':', &k, &v))
                continue;
            k = mn_str_trim(k);
            v = mn_str_trim(v);
            if (mn_str_ieq_cstr(k, "content-disposition")) {
                disp = v;
                has_disp = true;
            } else if (mn_str_ieq_cstr(k, "content-type")) {
                ctype = v;
            }
        }
        if (!has_disp)
            continue;
        mn_str name = disp_param(a, disp, "name");
        mn_str filename = disp_param(a, disp, "filename");
        if (!name.ptr || !filename.ptr)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        if (!name.len)
            continue;
        name = mn__utf8_repair(a, name);
        bool is_file = false;
        for (size_t i = 0; i < disp.len; i++)
            if (!strncasecmp(disp.ptr + i, "filename=", 9) && (i == 0 || disp.ptr[i - 1] == ' ' ||
                                                               disp.ptr[i - 1] == ';' ||
                                                               disp.ptr[i - 1] == '\t'))
                is_file = true;
        if (!is_file) {
            /* Like Django, only fields count against the limit, not files. */
            if (++fields > s->data_upload_max_number_fields)
                return mn_err_set(err, MN_ELIMIT,
                                  "The number of GET/POST parameters exceeded "
                                  "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.");
            field_bytes += content.len;
            if (field_bytes > s->data_upload_max_memory_size)
                return mn_err_set(err, MN_ELIMIT,
                                  "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.");
            mn_str val = mn__utf8_repair(a, content);
            if (!name.ptr || !val.ptr || mn_querydict_append(post, name, val))
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            continue;
        }
        /* Django keeps only the last path component of the client's name. */
        ptrdiff_t cut = -1;
        for (size_t i = 0; i < filename.len; i++)
            if (filename.ptr[i] == '/' || filename.ptr[i] == '\\')
                cut = (ptrdiff_t)i;
        filename = mn_str_make(filename.ptr + cut + 1, filename.len - (size_t)(cut + 1));
        if (!filename.len)
            continue; /* a file input left empty */
        mn_uploaded_file f = { 0 };
        f.field_name = name;
        f.name = mn__utf8_repair(a, filename);
        mn_str ct_main = ctype, ct_rest;
        if (mn_str_split_once(ctype, ';', &ct_main, &ct_rest)) {
            ct_main = mn_str_trim(ct_main);
            size_t p2 = 0;
            mn_str prm;
            while (mn_str_next_field(ct_rest, ';', &p2, &prm)) {
                mn_str pk, pv;
                if (mn_str_split_once(prm, '=', &pk, &pv) && mn_str_ieq_cstr(mn_str_trim(pk), "charset"))
                    f.charset = mn_str_trim(pv);
            }
        }
        f.content_type = ct_main.len ? ct_main : MN_STR("application/octet-stream");
        f.size = content.len;
        f.content = content;
        if (content.len > s->file_upload_max_memory_size) {
            int rc = spill(req, &f, err);
            if (rc)
                return rc;
        }
        if (mn__request_add_file(req, &f))
            return mn_err_set(err, MN_ENOMEM, "out of memory");
    }
}
