/* startproject and startapp: copies a skeleton directory with its
 * variables filled in (see include/manouche/scaffold.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "manouche.h"
#include "manouche/crypto.h"
#include "manouche/scaffold.h"
#include "src/web/scaffold_paths.h"

#define MAX_SKEL_FILES 256
#define MAX_SKEL_FILE_SIZE ((size_t)1 << 20)

static const char *const reserved[] = {
    /* C11 keywords and common macros */
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
    "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
    "volatile", "while", "bool", "true", "false", "asm", "typeof",
    /* names the project itself uses */
    "main", "manage", "manouche", "mn", "test", "tests", "skel", "build", "migrations", "templates",
    "static", NULL,
};

int mn_scaffold_check_name(const char *name, const char *what, mn_err *err)
{
    if (!name || !*name)
        return mn_err_set(err, MN_EINVAL, "you must provide %s %s name", !strcmp(what, "app") ? "an" : "a", what);
    bool ok = isalpha((unsigned char)name[0]) || name[0] == '_';
    for (const char *p = name; ok && *p; p++)
        ok = isalnum((unsigned char)*p) || *p == '_';
    if (!ok || strlen(name) > 64)
        return mn_err_set(err, MN_EINVAL,
                          "'%s' is not a valid %s name. Please make sure the name is a valid identifier.", name, what);
    if (name[0] == '_' || !strncmp(name, "mn_", 3))
        return mn_err_set(err, MN_EINVAL,
                          "'%s' is reserved (names starting with '_' or 'mn_' belong to C and to Manouche) and "
                          "cannot be used as %s %s name. Please try another name.",
                          name, !strcmp(what, "app") ? "an" : "a", what);
    for (const char *const *r = reserved; *r; r++)
        if (!strcmp(*r, name))
            return mn_err_set(err, MN_EINVAL,
                              "'%s' conflicts with the name of a C keyword or of a Manouche file and cannot be "
                              "used as %s %s name. Please try another name.",
                              name, !strcmp(what, "app") ? "an" : "a", what);
    return MN_OK;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int mn_scaffold_skel_dir(const char *kind, char *out, size_t cap, mn_err *err)
{
    char tried[1024] = "";
    size_t tlen = 0;
    char exe[PATH_MAX];
    const char *env = getenv("MANOUCHE_SKEL_DIR");
    const char *bases[4] = { env && *env ? env : NULL, NULL, MN__SKEL_INSTALL_DIR, MN__SKEL_SOURCE_DIR };
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char beside[PATH_MAX + 32];
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(beside, sizeof beside, "%s/../share/manouche/skel", exe);
            bases[1] = beside;
        }
    }
    for (size_t i = 0; i < 4; i++) {
        if (!bases[i])
            continue;
        int w = snprintf(out, cap, "%s/%s", bases[i], kind);
        if (w > 0 && (size_t)w < cap && is_dir(out))
            return MN_OK;
        w = snprintf(tried + tlen, sizeof tried - tlen, "%s%s/%s", tlen ? ", " : "", bases[i], kind);
        if (w > 0 && (size_t)w < sizeof tried - tlen)
            tlen += (size_t)w;
        if (i == 0) /* an explicit MANOUCHE_SKEL_DIR is the only place looked at */
            break;
    }
    return mn_err_set(err, MN_ENOTFOUND, "the %s skeleton was not found (tried %s); set MANOUCHE_SKEL_DIR", kind,
                      tried);
}

/* ---- variables ---- */

typedef struct var {
    const char *name;
    const char *value;
} var;

static const char *lookup(const var *vars, mn_str name)
{
    for (const var *v = vars; v->name; v++)
        if (mn_str_eq_cstr(name, v->name))
            return v->value;
    return NULL;
}

/* Replaces "{{ name }}" of known variables; leaves everything else. */
static int render(mn_str text, const var *vars, mn_buf *out)
{
    size_t i = 0;
    while (i < text.len) {
        ptrdiff_t open = mn_str_find(text, MN_STR("{{"), i);
        if (open < 0) {
            mn_buf_append(out, text.ptr + i, text.len - i);
            break;
        }
        ptrdiff_t close = mn_str_find(text, MN_STR("}}"), (size_t)open + 2);
        const char *value = NULL;
        if (close >= 0)
            value = lookup(vars, mn_str_trim(mn_str_slice(text, (size_t)open + 2, (size_t)close)));
        if (!value) {
            mn_buf_append(out, text.ptr + i, (size_t)open + 2 - i);
            i = (size_t)open + 2;
            continue;
        }
        mn_buf_append(out, text.ptr + i, (size_t)open - i);
        mn_buf_puts(out, value);
        i = (size_t)close + 2;
    }
    return mn_buf_error(out);
}

/* A path component of the skeleton -> of the result. */
static const char *rename_component(mn_arena *a, const char *comp, const var *vars)
{
    size_t len = strlen(comp);
    if (len > 4 && !strcmp(comp + len - 4, "-tpl"))
        len -= 4;
    const char *dot = "";
    if (len > 4 && !strncmp(comp, "dot-", 4)) {
        dot = ".";
        comp += 4;
        len -= 4;
    }
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_buf_puts(&b, dot);
    /* "project_name" and "app_name" anywhere in the name. */
    for (size_t i = 0; i < len;) {
        const char *hit = NULL, *value = NULL;
        size_t hl = 0;
        static const char *const keys[] = { "project_name", "app_name" };
        for (size_t k = 0; k < 2 && !hit; k++) {
            size_t kl = strlen(keys[k]);
            if (i + kl <= len && !strncmp(comp + i, keys[k], kl) && (value = lookup(vars, mn_str_from(keys[k])))) {
                hit = keys[k];
                hl = kl;
            }
        }
        if (hit) {
            mn_buf_puts(&b, value);
            i += hl;
        } else {
            mn_buf_putc(&b, comp[i++]);
        }
    }
    return mn_buf_error(&b) ? NULL : mn_buf_cstr(&b);
}

typedef struct entry {
    char *src;  /* absolute path in the skeleton */
    char *dest; /* absolute path in the target */
    bool dir;
} entry;

typedef struct walk {
    mn_arena *a;
    const var *vars;
    entry items[MAX_SKEL_FILES];
    size_t n;
    mn_err *err;
} walk;

static int collect(walk *w, const char *src, const char *dest, int depth)
{
    if (depth > 8)
        return mn_err_set(w->err, MN_ELIMIT, "%s: the skeleton is nested too deeply", src);
    DIR *d = opendir(src);
    if (!d)
        return mn_err_set(w->err, MN_EIO, "%s: %s", src, strerror(errno));
    struct dirent *e;
    int rc = MN_OK;
    /* Sorted output is not needed: files are independent. */
    while (rc == MN_OK && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (w->n >= MAX_SKEL_FILES) {
            rc = mn_err_set(w->err, MN_ELIMIT, "%s: more than %d files in the skeleton", src, MAX_SKEL_FILES);
            break;
        }
        const char *name = rename_component(w->a, e->d_name, w->vars);
        char *s = mn_arena_sprintf(w->a, "%s/%s", src, e->d_name);
        char *t = name ? mn_arena_sprintf(w->a, "%s/%s", dest, name) : NULL;
        if (!s || !t) {
            rc = mn_err_set(w->err, MN_ENOMEM, "out of memory");
            break;
        }
        bool dir = is_dir(s);
        w->items[w->n++] = (entry){ s, t, dir };
        if (dir)
            rc = collect(w, s, t, depth + 1);
    }
    closedir(d);
    return rc;
}

static int read_all(const char *path, mn_arena *a, mn_str *out, mn_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mn_err_set(err, MN_EIO, "%s: %s", path, strerror(errno));
    mn_buf b;
    mn_buf_init(&b, a, MAX_SKEL_FILE_SIZE);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mn_buf_append(&b, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad || mn_buf_error(&b))
        return mn_err_set(err, MN_EIO, "%s: cannot be read", path);
    *out = mn_buf_str(&b);
    return MN_OK;
}

static int write_all(const char *path, mn_str text, mn_err *err)
{
    FILE *f = fopen(path, "wxb"); /* never replace a file */
    if (!f)
        return mn_err_set(err, errno == EEXIST ? MN_EEXIST : MN_EIO, "%s: %s", path, strerror(errno));
    size_t n = fwrite(text.ptr, 1, text.len, f);
    if (fclose(f) || n != text.len)
        return mn_err_set(err, MN_EIO, "%s: write failed", path);
    return MN_OK;
}

/* Copies skeleton kind into top (an existing directory). */
static int copy_skeleton(const char *kind, const char *top, const var *vars, const char *const *extra_dirs,
                         mn_arena *a, mn_err *err)
{
    char skel[PATH_MAX];
    int rc = mn_scaffold_skel_dir(kind, skel, sizeof skel, err);
    if (rc)
        return rc;
    walk *w = mn_arena_calloc(a, 1, sizeof *w);
    if (!w)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    w->a = a;
    w->vars = vars;
    w->err = err;
    rc = collect(w, skel, top, 0);
    if (rc)
        return rc;
    /* Nothing is written when anything would be replaced (Django refuses
     * to overlay a project on conflicting files). */
    for (size_t i = 0; i < w->n; i++) {
        struct stat st;
        if (!w->items[i].dir && lstat(w->items[i].dest, &st) == 0)
            return mn_err_set(err, MN_EEXIST,
                              "%s already exists. Overlaying %s %s into an existing directory won't replace "
                              "conflicting files.",
                              w->items[i].dest, !strcmp(kind, "app") ? "an" : "a", kind);
    }
    /* Directories come before their files in the walk order. */
    for (size_t i = 0; i < w->n; i++) {
        const entry *e = &w->items[i];
        if (e->dir) {
            if (mkdir(e->dest, 0777) && errno != EEXIST)
                return mn_err_set(err, MN_EIO, "%s: %s", e->dest, strerror(errno));
            continue;
        }
        mn_str text = MN_STR_EMPTY;
        if ((rc = read_all(e->src, a, &text, err)))
            return rc;
        mn_buf out;
        mn_buf_init(&out, a, MAX_SKEL_FILE_SIZE * 2);
        if (render(text, vars, &out))
            return mn_err_set(err, MN_ENOMEM, "%s: out of memory", e->src);
        if ((rc = write_all(e->dest, mn_buf_str(&out), err)))
            return rc;
    }
    for (const char *const *d = extra_dirs; d && *d; d++) {
        char *path = mn_arena_sprintf(a, "%s/%s", top, *d);
        if (!path || (mkdir(path, 0777) && errno != EEXIST))
            return mn_err_set(err, MN_EIO, "%s: %s", path ? path : *d, strerror(errno));
    }
    return MN_OK;
}

static char *upper(mn_arena *a, const char *s)
{
    char *u = mn_arena_strdup(a, s);
    for (char *p = u; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

/* Python's ''.join(x for x in name.title() if x != '_'). */
static char *camel(mn_arena *a, const char *s)
{
    char *c = mn_arena_strdup(a, s);
    if (!c)
        return NULL;
    size_t j = 0;
    bool start = true;
    for (const char *p = s; *p; p++) {
        if (*p == '_') {
            start = true;
            continue;
        }
        c[j++] = (char)(start ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
        start = !isalpha((unsigned char)*p);
    }
    c[j] = 0;
    return c;
}

/* Resolves the target: dir given (must exist) or base/name (created). */
static int target_dir(const char *name, const char *base, const char *dir, mn_arena *a, char **out, mn_err *err)
{
    if (dir) {
        if (!is_dir(dir))
            return mn_err_set(err, MN_ENOTFOUND, "Destination directory '%s' does not exist, please create it first.",
                              dir);
        *out = mn_arena_strdup(a, dir);
        return *out ? MN_OK : mn_err_set(err, MN_ENOMEM, "out of memory");
    }
    char cwd[PATH_MAX];
    if (!base) {
        if (!getcwd(cwd, sizeof cwd))
            return mn_err_set(err, MN_EIO, "getcwd: %s", strerror(errno));
        base = cwd;
    }
    *out = mn_arena_sprintf(a, "%s/%s", base, name);
    if (!*out)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    if (mkdir(*out, 0777)) {
        if (errno == EEXIST)
            return mn_err_set(err, MN_EEXIST, "'%s' already exists", *out);
        return mn_err_set(err, MN_EIO, "%s: %s", *out, strerror(errno));
    }
    return MN_OK;
}

int mn_scaffold_project(const char *name, const char *dir, mn_err *err)
{
    int rc = mn_scaffold_check_name(name, "project", err);
    if (rc)
        return rc;
    mn_arena *a = mn_arena_new("startproject", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)";
    mn_str key = mn_crypto_random_string(a, 50, (mn_str){ chars, sizeof chars - 1 }, err);
    char *top = NULL;
    if (!key.ptr) {
        rc = err->code ? err->code : mn_err_set(err, MN_ENOMEM, "out of memory");
    } else if (!(rc = target_dir(name, NULL, dir, a, &top, err))) {
        const var vars[] = {
            { "project_name", name },
            { "PROJECT_NAME", upper(a, name) },
            { "secret_key", mn_arena_sprintf(a, "django-insecure-%.*s", MN_STR_FMT(key)) },
            { "manouche_version", MN_VERSION },
            { NULL, NULL },
        };
        rc = copy_skeleton("project", top, vars, NULL, a, err);
    }
    mn_arena_free(a);
    return rc;
}

int mn_scaffold_app(const char *name, const char *project_name, const char *base_dir, const char *dir,
                    mn_err *err)
{
    int rc = mn_scaffold_check_name(name, "app", err);
    if (rc)
        return rc;
    if (project_name && !strcmp(project_name, name))
        return mn_err_set(err, MN_EINVAL,
                          "'%s' conflicts with the name of the project and cannot be used as an app name. "
                          "Please try another name.",
                          name);
    mn_arena *a = mn_arena_new("startapp", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    char *top = NULL;
    if (!(rc = target_dir(name, base_dir, dir, a, &top, err))) {
        const var vars[] = {
            { "app_name", name },
            { "APP_NAME", upper(a, name) },
            { "camel_case_app_name", camel(a, name) },
            { "project_name", project_name ? project_name : "project" },
            { "manouche_version", MN_VERSION },
            { NULL, NULL },
        };
        static const char *const dirs[] = { "migrations", NULL };
        rc = copy_skeleton("app", top, vars, dirs, a, err);
    }
    mn_arena_free(a);
    return rc;
}
