/* ./manage collectstatic: copies every app's static files (then the
 * project's) into STATIC_ROOT, as django.contrib.staticfiles does, and can
 * write gzip variants next to compressible files for the static server. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>
#include "web_internal.h"

typedef struct collect {
    mn_command_ctx *ctx;
    mn_arena *arena;
    const char *dest;
    mn_map *seen;      /* relative paths already collected (the first finder wins) */
    bool gzip;
    int copied, unmodified, compressed;
    int failed;
} collect;

static int mkdirs(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0755) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

static bool compressible(const char *name)
{
    static const char *const exts[] = { ".css", ".js", ".mjs", ".svg", ".html", ".htm", ".json",
                                        ".txt", ".xml", ".map", ".csv", ".webmanifest" };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && !strcasecmp(name + n - e, exts[i]))
            return true;
    }
    return false;
}

/* Copies src to dst (through a temporary file renamed into place) and keeps
 * the source's modification time. */
static int copy_file(const char *src, const char *dst, const struct stat *st)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.collecting", dst);
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            rc = -1;
            break;
        }
    if (n < 0)
        rc = -1;
    close(in);
    if (close(out))
        rc = -1;
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    if (rc || utimensat(AT_FDCWD, tmp, times, 0) || rename(tmp, dst)) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Writes dst.gz when it is smaller than dst. Returns 1 when written. */
static int gzip_file(const char *dst, const struct stat *st)
{
    char gz[4200];
    snprintf(gz, sizeof gz, "%s.gz", dst);
    FILE *in = fopen(dst, "rb");
    if (!in)
        return -1;
    gzFile out = gzopen(gz, "wb9");
    if (!out) {
        fclose(in);
        return -1;
    }
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (gzwrite(out, buf, (unsigned)n) != (int)n) {
            rc = -1;
            break;
        }
    fclose(in);
    if (gzclose(out) != Z_OK)
        rc = -1;
    struct stat zs;
    if (rc || stat(gz, &zs)) {
        unlink(gz);
        return -1;
    }
    if (zs.st_size >= st->st_size) {
        unlink(gz);
        return 0;
    }
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    utimensat(AT_FDCWD, gz, times, 0);
    return 1;
}

static void walk(collect *c, const char *root, const char *rel, int depth)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(dir);
    if (!d || depth > 32) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue; /* hidden files and . / .. */
        char *r = *rel ? mn_arena_sprintf(c->arena, "%s/%s", rel, e->d_name) : mn_arena_strdup(c->arena, e->d_name);
        char *src = mn_arena_sprintf(c->arena, "%s/%s", root, r ? r : "");
        struct stat st;
        if (!r || !src || stat(src, &st))
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(c, root, r, depth + 1);
            continue;
        }
        if (!S_ISREG(st.st_mode))
            continue;
        if (mn_map_has(c->seen, mn_str_from(r))) {
            if (mn_command_verbosity(c->ctx) >= 1)
                mn_command_out(c->ctx, MN_STYLE_WARNING,
                               "Found another file with the destination path '%s'. It will be ignored "
                               "since only the first encountered file is collected.", r);
            continue;
        }
        mn_map_set_cstr(c->seen, r, mn_value_bool(true));
        char *dst = mn_arena_sprintf(c->arena, "%s/%s", c->dest, r);
        char *parent = dst ? mn_arena_strdup(c->arena, dst) : NULL;
        char *slash = parent ? strrchr(parent, '/') : NULL;
        if (!dst || !slash)
            continue;
        *slash = 0;
        struct stat ds;
        if (!stat(dst, &ds) && ds.st_size == st.st_size && ds.st_mtime >= st.st_mtime) {
            c->unmodified++;
        } else {
            if (mkdirs(parent) || copy_file(src, dst, &st)) {
                mn_command_err(c->ctx, MN_STYLE_ERROR, "Could not copy '%s' to '%s': %s", src, dst,
                               strerror(errno));
                c->failed++;
                continue;
            }
            if (mn_command_verbosity(c->ctx) >= 2)
                mn_command_out(c->ctx, MN_STYLE_PLAIN, "Copying '%s'", src);
            c->copied++;
        }
        if (c->gzip && compressible(r)) {
            char *gz = mn_arena_sprintf(c->arena, "%s.gz", dst);
            struct stat zs;
            bool fresh = gz && !stat(gz, &zs) && zs.st_mtime == st.st_mtime;
            if (!fresh && gzip_file(dst, &st) == 1)
                c->compressed++;
        }
    }
    closedir(d);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    if (ftw->level == 0)
        return 0; /* keep STATIC_ROOT itself */
    return remove(path) ? -1 : 0;
}

static int collectstatic_handle(mn_command_ctx *ctx)
{
    const mn_settings *s = mn_manage_settings();
    const mn_project *p = mn_manage_project();
    mn_arena *a = mn_command_arena(ctx);
    if (!s || !p)
        return mn_command_error(ctx, "collectstatic runs inside ./manage");
    if (!s->STATIC_ROOT || !*s->STATIC_ROOT)
        return mn_command_error(ctx, "You're using the staticfiles app without having set the STATIC_ROOT "
                                     "setting to a filesystem path.");
    const char *base = s->BASE_DIR && *s->BASE_DIR ? s->BASE_DIR : ".";
    const char *dest = s->STATIC_ROOT[0] == '/' ? s->STATIC_ROOT
                                                : mn_arena_sprintf(a, "%s/%s", base, s->STATIC_ROOT);
    if (!dest)
        return mn_command_error(ctx, "out of memory");
    if (!mn_command_flag(ctx, "noinput")) {
        bool clear = mn_command_flag(ctx, "clear");
        printf("\nYou have requested to collect static files at the destination\nlocation as specified in "
               "your settings:\n\n    %s\n\nThis will %s existing files!\nAre you sure you want to do "
               "this?\n\nType 'yes' to continue, or 'no' to cancel: ",
               dest, clear ? "DELETE ALL" : "overwrite");
        fflush(stdout);
        char answer[16] = "";
        if (!fgets(answer, sizeof answer, stdin) || strcmp(answer, "yes\n"))
            return mn_command_error(ctx, "Collecting static files cancelled.");
    }
    if (mkdirs(dest))
        return mn_command_error(ctx, "Cannot create %s: %s", dest, strerror(errno));
    if (mn_command_flag(ctx, "clear") && nftw(dest, remove_entry, 16, FTW_DEPTH | FTW_PHYS))
        return mn_command_error(ctx, "Cannot clear %s: %s", dest, strerror(errno));
    collect c = { .ctx = ctx, .arena = a, .dest = dest, .seen = mn_map_new(a, 64),
                  .gzip = mn_command_flag(ctx, "gzip") };
    if (!c.seen)
        return mn_command_error(ctx, "out of memory");
    for (size_t i = 0; p->apps && p->apps[i]; i++) {
        const char *d = p->apps[i]->static_dir;
        if (!d)
            continue;
        const char *root = d[0] == '/' ? d : mn_arena_sprintf(a, "%s/%s", base, d);
        if (root)
            walk(&c, root, "", 0);
    }
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_buf_printf(&b, "\n%d static file%s copied to '%s'", c.copied, c.copied == 1 ? "" : "s", dest);
    if (c.unmodified)
        mn_buf_printf(&b, ", %d unmodified", c.unmodified);
    if (c.compressed)
        mn_buf_printf(&b, ", %d compressed", c.compressed);
    mn_buf_putc(&b, '.');
    mn_command_out(ctx, MN_STYLE_PLAIN, "%s", mn_buf_cstr(&b));
    return c.failed ? 1 : 0;
}

static const mn_command_arg collectstatic_args[] = {
    MN_ARG_FLAG("--noinput", "Do NOT prompt the user for input of any kind."),
    MN_ARG_FLAG("--clear", "Clear the existing files using the storage before trying to copy or link "
                           "the original file."),
    MN_ARG_FLAG("--gzip", "Also write a .gz variant next to each compressible file when it is "
                          "smaller (served to clients accepting gzip)."),
    MN_ARG_END
};

const mn_command mn__collectstatic_command = {
    .name = "collectstatic",
    .help = "Collect static files in a single location.",
    .args = collectstatic_args,
    .handle = collectstatic_handle,
};
