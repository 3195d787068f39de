/* multipart/form-data bodies (RFC 7578), parsed like Django's
 * MultiPartParser: fields go to POST, parts with a file name to FILES. Files
 * stay in memory while together they fit in FILE_UPLOAD_MAX_MEMORY_SIZE;
 * the others are written to a temporary file that a cleanup on the request
 * arena deletes when the request ends.
 *
 * Two parsers share the interpretation of part headers: a one-shot parser
 * over a complete body (mn_request_from_raw, the test client) and an
 * incremental one the server feeds as the bytes arrive, which streams big
 * files to disk. The fuzz target multipart_stream checks that they agree. */
#include <errno.h>
#include <fcntl.h>
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

/* Bytes of one part's header block (Django reads at most 1024). */
#define MP_HEAD_MAX 8192

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

enum { PART_SKIP = 0, PART_FIELD, PART_FILE };

/* Interprets a part's header block: PART_SKIP (no Content-Disposition, no
 * name, or a file input left empty), PART_FIELD (f->field_name set) or
 * PART_FILE (f's names and types set), or -MN_ENOMEM. Slices may point
 * into heads. */
static int describe_part(mn_arena *a, mn_str heads, mn_uploaded_file *f, mn_err *err)
{
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
        return PART_SKIP;
    mn_str name = disp_param(a, disp, "name");
    mn_str filename = disp_param(a, disp, "filename");
    if (!name.ptr || !filename.ptr)
        return -mn_err_set(err, MN_ENOMEM, "out of memory");
    if (!name.len)
        return PART_SKIP;
    name = mn__utf8_repair(a, name);
    if (!name.ptr)
        return -mn_err_set(err, MN_ENOMEM, "out of memory");
    f->field_name = name;
    bool is_file = false;
    for (size_t i = 0; i + 9 <= disp.len; i++)
        if (!strncasecmp(disp.ptr + i, "filename=", 9) && (i == 0 || disp.ptr[i - 1] == ' ' ||
                                                           disp.ptr[i - 1] == ';' ||
                                                           disp.ptr[i - 1] == '\t'))
            is_file = true;
    if (!is_file)
        return PART_FIELD;
    /* Django keeps only the last path component of the client's name. */
    ptrdiff_t cut = -1;
    for (size_t i = 0; i < filename.len; i++)
        if (filename.ptr[i] == '/' || filename.ptr[i] == '\\')
            cut = (ptrdiff_t)i;
    filename = mn_str_make(filename.ptr + cut + 1, filename.len - (size_t)(cut + 1));
    if (!filename.len)
        return PART_SKIP; /* a file input left empty */
    f->name = mn__utf8_repair(a, filename);
    if (!f->name.ptr)
        return -mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_str ct_main = ctype, ct_rest;
    if (mn_str_split_once(ctype, ';', &ct_main, &ct_rest)) {
        ct_main = mn_str_trim(ct_main);
        size_t p2 = 0;
        mn_str prm;
        while (mn_str_next_field(ct_rest, ';', &p2, &prm)) {
            mn_str pk, pv;
            if (mn_str_split_once(prm, '=', &pk, &pv) && mn_str_ieq_cstr(mn_str_trim(pk), "charset"))
                f->charset = mn_str_trim(pv);
        }
    }
    f->content_type = ct_main.len ? ct_main : MN_STR("application/octet-stream");
    return PART_FILE;
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
    size_t fields = 0, field_bytes = 0, file_mem = 0;
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
            if (heads.len > MP_HEAD_MAX)
                return mn_err_set(err, MN_EPARSE, "multipart part headers are too long");
            pos = (size_t)(hend - body.ptr) + 4;
        }
        next = memmem(body.ptr + pos, body.len - pos, delim, dlen);
        if (!next)
            return mn_err_set(err, MN_EPARSE, "multipart part is not terminated by the boundary");
        mn_str content = mn_str_make(body.ptr + pos, (size_t)(next - (body.ptr + pos)));
        pos = (size_t)(next - body.ptr) + dlen;

        mn_uploaded_file f = { 0 };
        int kind = describe_part(a, heads, &f, err);
        if (kind < 0)
            return -kind;
        if (kind == PART_SKIP)
            continue;
        if (kind == PART_FIELD) {
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
            if (!val.ptr || mn_querydict_append(post, f.field_name, val))
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            continue;
        }
        f.size = content.len;
        f.content = content;
        /* The files held in memory together stay under the limit. */
        if (content.len > s->file_upload_max_memory_size - file_mem) {
            int rc = spill(req, &f, err);
            if (rc)
                return rc;
        } else {
            file_mem += content.len;
        }
        if (mn__request_add_file(req, &f))
            return mn_err_set(err, MN_ENOMEM, "out of memory");
    }
}

/* ---- the incremental parser ---- */

#define MP_BUF 65536

enum { MP_START = 0, MP_PREAMBLE, MP_AFTER, MP_HEAD, MP_BODY, MP_DONE };

typedef struct mp_tmp {
    char *path;
    int fd;
} mp_tmp;

struct mn__mp {
    mn_arena *arena;
    mn_http_settings s;
    char *delim;
    size_t dlen;
    int state;
    bool after_ws;  /* whitespace may follow a delimiter; then "--" is not the end */
    char *buf;      /* undecided bytes: a possible delimiter prefix, part headers */
    size_t blen;
    size_t fields, field_bytes;
    size_t file_mem; /* bytes of the files kept in memory so far */
    int kind;       /* of the current part */
    mn_uploaded_file cur;
    mn_buf mem;     /* the current field or in-memory file */
    mp_tmp *tmp;    /* the current file's temporary file, once spilled */
    mn_querydict *post;
    mn_uploaded_file *files;
    size_t nfiles, fcap;
    int rc;
    bool too_big; /* the error is DATA_UPLOAD_MAX_MEMORY_SIZE (413) */
    mn_err err;
};

static void tmp_cleanup(void *arg)
{
    mp_tmp *t = arg;
    if (t->fd >= 0)
        close(t->fd);
    unlink(t->path);
}

static int mp_fail(mn__mp *p, int code, const char *msg)
{
    if (!p->rc)
        p->rc = mn_err_set(&p->err, code, "%s", msg);
    return p->rc;
}

mn__mp *mn__mp_new(mn_arena *arena, mn_str boundary, const mn_http_settings *settings)
{
    mn__mp *p = mn_arena_calloc(arena, 1, sizeof *p);
    if (!p)
        return NULL;
    p->arena = arena;
    p->s = *settings;
    p->post = mn_querydict_new(arena);
    p->buf = mn_arena_alloc(arena, MP_BUF);
    if (!p->post || !p->buf)
        return NULL;
    if (!boundary_valid(boundary)) {
        /* Django's words; a missing boundary is Python's None. */
        if (!boundary.len)
            boundary = MN_STR("None");
        p->rc = mn_err_set(&p->err, MN_EPARSE, "Invalid boundary in multipart: %.*s",
                           MN_STR_FMT(boundary));
        return p;
    }
    p->delim = mn_arena_sprintf(arena, "\r\n--%.*s", MN_STR_FMT(boundary));
    if (!p->delim)
        return NULL;
    p->dlen = boundary.len + 4;
    return p;
}

static int mp_spill(mn__mp *p)
{
    const char *dir = p->s.file_upload_temp_dir;
    if (!dir)
        dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    mp_tmp *t = mn_arena_alloc(p->arena, sizeof *t);
    char *path = mn_arena_sprintf(p->arena, "%s/mn-upload-XXXXXX", dir);
    if (!t || !path)
        return mp_fail(p, MN_ENOMEM, "out of memory");
    t->path = path;
    t->fd = mkostemp(path, O_CLOEXEC);
    if (t->fd < 0) {
        p->rc = mn_err_set(&p->err, MN_EIO, "cannot create a temporary upload file in %s: %s", dir,
                           strerror(errno));
        return p->rc;
    }
    if (mn_arena_on_cleanup(p->arena, tmp_cleanup, t)) {
        close(t->fd);
        unlink(path);
        return mp_fail(p, MN_ENOMEM, "out of memory");
    }
    p->tmp = t;
    return MN_OK;
}

static int mp_write(mn__mp *p, const char *d, size_t n)
{
    while (n) {
        ssize_t w = write(p->tmp->fd, d, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            p->rc = mn_err_set(&p->err, MN_EIO, "cannot write temporary upload file %s: %s",
                               p->tmp->path, w < 0 ? strerror(errno) : "no space");
            return p->rc;
        }
        d += w;
        n -= (size_t)w;
    }
    return MN_OK;
}

static int mp_data(mn__mp *p, const char *d, size_t n)
{
    if (!n || p->kind == PART_SKIP)
        return MN_OK;
    if (p->kind == PART_FIELD) {
        p->field_bytes += n;
        if (p->field_bytes > p->s.data_upload_max_memory_size) {
            p->too_big = !p->rc;
            return mp_fail(p, MN_ELIMIT, "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.");
        }
        if (mn_buf_append(&p->mem, d, n))
            return mp_fail(p, MN_ENOMEM, "out of memory");
        return MN_OK;
    }
    p->cur.size += n;
    if (!p->tmp && p->cur.size > p->s.file_upload_max_memory_size - p->file_mem) {
        if (mp_spill(p))
            return p->rc;
        mn_str held = mn_buf_str(&p->mem);
        if (mp_write(p, held.ptr, held.len))
            return p->rc;
    }
    if (p->tmp)
        return mp_write(p, d, n);
    if (mn_buf_append(&p->mem, d, n))
        return mp_fail(p, MN_ENOMEM, "out of memory");
    return MN_OK;
}

static int mp_part_start(mn__mp *p, mn_str heads)
{
    /* The headers live in the scratch buffer: keep a copy. */
    char *copy = mn_arena_memdup(p->arena, heads.ptr, heads.len);
    if (heads.len && !copy)
        return mp_fail(p, MN_ENOMEM, "out of memory");
    p->cur = (mn_uploaded_file){ 0 };
    p->tmp = NULL;
    int kind = describe_part(p->arena, mn_str_make(copy ? copy : "", heads.len), &p->cur, &p->err);
    if (kind < 0)
        return p->rc = -kind;
    p->kind = kind;
    if (kind == PART_FIELD && ++p->fields > p->s.data_upload_max_number_fields)
        return mp_fail(p, MN_ELIMIT, "The number of GET/POST parameters exceeded "
                                     "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.");
    mn_buf_init(&p->mem, p->arena,
                (kind == PART_FIELD ? p->s.data_upload_max_memory_size
                                    : p->s.file_upload_max_memory_size) + 1);
    return MN_OK;
}

static int mp_part_end(mn__mp *p)
{
    mn_str held = mn_buf_str(&p->mem);
    if (!held.len)
        held = MN_STR_EMPTY;
    if (p->kind == PART_FIELD) {
        mn_str val = mn__utf8_repair(p->arena, held);
        if (!val.ptr || mn_querydict_append(p->post, p->cur.field_name, val))
            return mp_fail(p, MN_ENOMEM, "out of memory");
    } else if (p->kind == PART_FILE) {
        if (p->tmp) {
            if (close(p->tmp->fd) < 0) {
                p->tmp->fd = -1;
                return mp_fail(p, MN_EIO, "cannot write a temporary upload file");
            }
            p->tmp->fd = -1;
            p->cur.path = p->tmp->path;
            p->cur.content = MN_STR_EMPTY;
            p->tmp = NULL;
        } else {
            p->cur.content = held;
            p->file_mem += held.len;
        }
        if (p->nfiles == p->fcap) {
            size_t ncap = p->fcap ? p->fcap * 2 : 4;
            mn_uploaded_file *nf = mn_arena_realloc(p->arena, p->files, p->fcap * sizeof *nf,
                                                    ncap * sizeof *nf);
            if (!nf)
                return mp_fail(p, MN_ENOMEM, "out of memory");
            p->files = nf;
            p->fcap = ncap;
        }
        p->files[p->nfiles++] = p->cur;
    }
    p->kind = PART_SKIP;
    return MN_OK;
}

/* Consumes what the scratch buffer allows; keeps the undecided tail. */
static int mp_process(mn__mp *p)
{
    char *b = p->buf;
    size_t n = p->blen, pos = 0, dlen = p->dlen;
    const char *delim = p->delim;
    while (!p->rc && p->state != MP_DONE) {
        if (p->state == MP_START) {
            if (n - pos < dlen - 2)
                break;
            if (!memcmp(b + pos, delim + 2, dlen - 2)) {
                pos += dlen - 2;
                p->state = MP_AFTER;
                p->after_ws = false;
            } else {
                p->state = MP_PREAMBLE;
            }
        } else if (p->state == MP_PREAMBLE) {
            const char *q = memmem(b + pos, n - pos, delim, dlen);
            if (!q) {
                if (n - pos >= dlen)
                    pos = n - (dlen - 1);
                break;
            }
            pos = (size_t)(q - b) + dlen;
            p->state = MP_AFTER;
            p->after_ws = false;
        } else if (p->state == MP_AFTER) {
            if (!p->after_ws) {
                if (n - pos < 2)
                    break;
                if (!memcmp(b + pos, "--", 2)) {
                    p->state = MP_DONE; /* the epilogue is ignored */
                    break;
                }
                p->after_ws = true;
            }
            while (pos < n && (b[pos] == ' ' || b[pos] == '\t'))
                pos++;
            if (n - pos < 2)
                break;
            if (memcmp(b + pos, "\r\n", 2))
                return mp_fail(p, MN_EPARSE, "malformed multipart delimiter");
            pos += 2;
            p->state = MP_HEAD;
        } else if (p->state == MP_HEAD) {
            if (n - pos < 2)
                break;
            mn_str heads;
            if (!memcmp(b + pos, "\r\n", 2)) {
                heads = MN_STR_EMPTY;
                pos += 2;
            } else {
                const char *h = memmem(b + pos, n - pos, "\r\n\r\n", 4);
                if (!h || (size_t)(h - (b + pos)) > MP_HEAD_MAX) {
                    if (h || n - pos >= MP_HEAD_MAX + 4)
                        return mp_fail(p, MN_EPARSE, "multipart part headers are too long");
                    break;
                }
                heads = mn_str_make(b + pos, (size_t)(h - (b + pos)));
                pos = (size_t)(h - b) + 4;
            }
            if (mp_part_start(p, heads))
                break;
            p->state = MP_BODY;
        } else { /* MP_BODY */
            const char *q = memmem(b + pos, n - pos, delim, dlen);
            if (q) {
                if (mp_data(p, b + pos, (size_t)(q - (b + pos))) || mp_part_end(p))
                    break;
                pos = (size_t)(q - b) + dlen;
                p->state = MP_AFTER;
                p->after_ws = false;
                continue;
            }
            /* The last dlen - 1 bytes may begin a delimiter. */
            if (n - pos >= dlen) {
                size_t safe = n - (dlen - 1);
                if (mp_data(p, b + pos, safe - pos))
                    break;
                pos = safe;
            }
            break;
        }
    }
    if (p->state == MP_DONE)
        pos = n;
    memmove(b, b + pos, n - pos);
    p->blen = n - pos;
    return p->rc;
}

int mn__mp_feed(mn__mp *p, const char *data, size_t len)
{
    while (len && !p->rc) {
        if (p->state == MP_DONE)
            return MN_OK;
        size_t k = MP_BUF - p->blen;
        if (k > len)
            k = len;
        memcpy(p->buf + p->blen, data, k);
        p->blen += k;
        data += k;
        len -= k;
        mp_process(p);
    }
    return p->rc;
}

int mn__mp_finish(mn__mp *p)
{
    if (p->rc || p->state == MP_DONE)
        return p->rc;
    static const char *const why[] = {
        [MP_START] = "multipart body has no boundary",
        [MP_PREAMBLE] = "multipart body has no boundary",
        [MP_AFTER] = "malformed multipart delimiter",
        [MP_HEAD] = "multipart part headers are not terminated",
        [MP_BODY] = "multipart part is not terminated by the boundary",
    };
    return mp_fail(p, MN_EPARSE, why[p->state]);
}

int mn__mp_status(const mn__mp *p)
{
    switch (p->rc) {
    case MN_OK:
    case MN_EPARSE: /* the view sees it through mn_request_error */
        return 0;
    case MN_ELIMIT:
        return p->too_big ? 413 : 400;
    default:
        return 500;
    }
}

const char *mn__mp_error(const mn__mp *p)
{
    return p->rc ? p->err.msg : NULL;
}

int mn__mp_attach(mn__mp *p, mn_request *req)
{
    if (p->rc) /* like Django: a broken body gives no form data at all */
        return mn__request_set_post(req, mn_querydict_new(p->arena), p->err.msg);
    for (size_t i = 0; i < p->nfiles; i++)
        if (mn__request_add_file(req, &p->files[i]))
            return MN_ENOMEM;
    return mn__request_set_post(req, p->post, NULL);
}

bool mn__multipart_boundary(mn_str content_type, mn_str *boundary)
{
    mn_str main = content_type, params = MN_STR_EMPTY;
    mn_str_split_once(content_type, ';', &main, &params);
    *boundary = MN_STR_EMPTY;
    if (!mn_str_ieq_cstr(mn_str_trim(main), "multipart/form-data"))
        return false;
    size_t pos = 0;
    mn_str field;
    while (mn_str_next_field(params, ';', &pos, &field)) {
        mn_str k, v;
        if (!mn_str_split_once(field, '=', &k, &v) || !mn_str_ieq_cstr(mn_str_trim(k), "boundary"))
            continue;
        v = mn_str_trim(v);
        if (v.len >= 2 && v.ptr[0] == '"' && v.ptr[v.len - 1] == '"')
            v = mn_str_make(v.ptr + 1, v.len - 2);
        *boundary = v;
        break;
    }
    return true;
}
