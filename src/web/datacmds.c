/* ./manage dumpdata, loaddata and flush: the project's data as Django's
 * fixtures, and emptying its tables. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "manouche.h"
#include "manouche/fixtures.h"
#include "web_internal.h"

/* Every model of the installed apps, NULL-terminated, in INSTALLED_APPS
 * order. */
mn_model **mn__project_models(mn_arena *a, size_t *n)
{
    const mn_project *p = mn_manage_project();
    size_t count = 0;
    for (const mn_app *const *app = p ? p->apps : NULL; app && *app; app++)
        for (mn_model *const *m = (*app)->models; m && *m; m++)
            count++;
    mn_model **out = mn_arena_calloc(a, count + 1, sizeof *out);
    if (!out)
        return NULL;
    size_t k = 0;
    for (const mn_app *const *app = p ? p->apps : NULL; app && *app; app++)
        for (mn_model *const *m = (*app)->models; m && *m; m++)
            out[k++] = *m;
    if (n)
        *n = k;
    return out;
}

static const mn_app *find_app(const char *label)
{
    const mn_project *p = mn_manage_project();
    for (const mn_app *const *app = p ? p->apps : NULL; app && *app; app++)
        if ((*app)->label && !strcmp((*app)->label, label))
            return *app;
    return NULL;
}

/* ---- dumpdata ---- */

/* Adds the models named by label ("app" or "app.Model") to sel (a flag per
 * project model). Returns 0 or a command error. */
static int select_label(mn_command_ctx *ctx, const char *label, mn_model **all, bool *sel, bool value)
{
    const char *dot = strchr(label, '.');
    char app_label[128];
    snprintf(app_label, sizeof app_label, "%.*s", (int)(dot ? (size_t)(dot - label) : strlen(label)), label);
    const mn_app *app = find_app(app_label);
    if (!app)
        return mn_command_error(ctx, "No installed app with label '%s'.", app_label);
    bool found = false;
    for (size_t i = 0; all[i]; i++) {
        bool in_app = false;
        for (mn_model *const *m = app->models; m && *m; m++)
            in_app |= *m == all[i];
        if (!in_app || (dot && strcasecmp(all[i]->name, dot + 1)))
            continue;
        sel[i] = value;
        found = true;
    }
    if (dot && !found)
        return mn_command_error(ctx, "Unknown model: %s", label);
    return 0;
}

static int dumpdata_handle(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    size_t n = 0;
    mn_model **all = mn__project_models(a, &n);
    bool *sel = all ? mn_arena_calloc(a, n + 1, sizeof *sel) : NULL;
    if (!sel)
        return mn_command_error(ctx, "out of memory");
    const char *format = mn_command_str(ctx, "format");
    if (format && strcmp(format, "json"))
        return mn_command_error(ctx, "Unknown serialization format: %s", format);
    const char *const *labels;
    size_t nlabels = mn_command_list(ctx, "app_label", &labels);
    for (size_t i = 0; i < n; i++)
        sel[i] = nlabels == 0;
    for (size_t i = 0; i < nlabels; i++) {
        int rc = select_label(ctx, labels[i], all, sel, true);
        if (rc)
            return rc;
    }
    const char *const *excludes;
    size_t nexcludes = mn_command_list(ctx, "exclude", &excludes);
    for (size_t i = 0; i < nexcludes; i++) {
        int rc = select_label(ctx, excludes[i], all, sel, false);
        if (rc)
            return rc;
    }
    /* --pks 1,2,3: only with one model, as Django. */
    const char *pks = mn_command_str(ctx, "pks");
    mn_list *pk_list = NULL;
    if (pks) {
        size_t nsel = 0;
        for (size_t i = 0; i < n; i++)
            nsel += sel[i];
        if (nlabels != 1 || !strchr(labels[0], '.') || nsel != 1)
            return mn_command_error(ctx, "You can only use --pks option with one model");
        pk_list = mn_list_new(a, 8);
        mn_str rest = mn_str_from(pks), item;
        size_t pos = 0;
        while (pk_list && mn_str_next_field(rest, ',', &pos, &item)) {
            item = mn_str_trim(item);
            if (item.len && mn_list_push(pk_list, mn_value_str(mn_str_clone(a, item))))
                return mn_command_error(ctx, "out of memory");
        }
        if (!pk_list)
            return mn_command_error(ctx, "out of memory");
    }
    int64_t indent = mn_command_has(ctx, "indent") ? mn_command_int(ctx, "indent") : 0;
    if (indent < 0 || indent > 255)
        return mn_command_error(ctx, "--indent must be between 0 and 255");
    const char *output = mn_command_str(ctx, "output");
    FILE *f = stdout;
    if (output && !(f = fopen(output, "w")))
        return mn_command_error(ctx, "Unable to serialize database: %s: %s", output, strerror(errno));
    mn_err err = { 0 };
    mn_arena *scratch = mn_arena_new("dumpdata", 0);
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    int rc = scratch ? MN_OK : mn_err_set(&err, MN_ENOMEM, "out of memory");
    mn_fixture_writer fw;
    mn_fixture_writer_begin(&fw, &b, (unsigned)indent, scratch);
    for (size_t i = 0; i < n && rc == MN_OK; i++) {
        if (!sel[i])
            continue;
        mn_qs *qs = mn_qs_order_by(mn_qs_all(all[i], a), NULL);
        if (pk_list)
            qs = mn_qs_filter(qs, "pk__in", mn_value_list(pk_list));
        /* Django's progress bar: only when writing a file from a terminal. */
        mn_progress *bar = NULL;
        if (output && isatty(1) && mn_command_verbosity(ctx) > 0) {
            int64_t total = mn_qs_count(qs, &err);
            if (total < 0)
                rc = (int)total;
            else
                bar = mn_progress_start(ctx, (uint64_t)total, all[i]->name);
        }
        mn_qs_iter *it = rc == MN_OK ? mn_qs_iterator(qs, 2000) : NULL;
        void *obj;
        while (rc == MN_OK && (obj = mn_qs_iter_next(it, &err))) {
            rc = mn_fixture_writer_add(&fw, obj, all[i], &err);
            if (bar)
                mn_progress_advance(bar, 1);
            /* Stream: the buffer never holds more than one object. */
            if (fwrite(b.data, 1, b.len, f) != b.len)
                rc = mn_err_set(&err, MN_EIO, "write failed: %s", strerror(errno));
            mn_buf_reset(&b);
        }
        if (rc == MN_OK && err.code)
            rc = err.code;
        if (bar)
            mn_progress_finish(bar);
        mn_qs_iter_close(it);
    }
    if (rc == MN_OK)
        rc = mn_fixture_writer_end(&fw, &err);
    if (rc == MN_OK && fwrite(b.data, 1, b.len, f) != b.len)
        rc = mn_err_set(&err, MN_EIO, "write failed: %s", strerror(errno));
    mn_buf_free(&b);
    mn_arena_free(scratch);
    if (output && fclose(f) && rc == MN_OK)
        rc = mn_err_set(&err, MN_EIO, "%s: %s", output, strerror(errno));
    if (!output)
        fflush(stdout);
    if (rc)
        return mn_command_error(ctx, "Unable to serialize database: %s", err.msg);
    return 0;
}

static const char *const formats[] = { "json", NULL };

static const mn_command_arg dumpdata_args[] = {
    { .name = "app_label", .type = MN_ARG_STR, .many = true, .optional = true, .metavar = "app_label[.ModelName]",
      .help = "Restricts dumped data to the specified app_label or app_label.ModelName." },
    { .name = "--format", .type = MN_ARG_STR, .choices = formats, .default_value = "json",
      .help = "Specifies the output serialization format for fixtures." },
    MN_ARG_OPTION("--indent", MN_ARG_INT, "Specifies the indent level to use when pretty-printing output."),
    { .name = "--exclude", .short_name = 'e', .type = MN_ARG_STR, .many = true,
      .help = "An app_label or app_label.ModelName to exclude (use multiple --exclude to exclude multiple apps/models)." },
    { .name = "--output", .short_name = 'o', .type = MN_ARG_STR,
      .help = "Specifies file to which the output is written." },
    { .name = "--pks", .type = MN_ARG_STR, .metavar = "PRIMARY_KEYS",
      .help = "Only dump objects with given primary keys. Accepts a comma-separated list of keys. This option only "
              "works when you specify one model." },
    MN_ARG_END
};

const mn_command mn__dumpdata_command = {
    .name = "dumpdata",
    .help = "Output the contents of the database as a fixture of the given format (using each model's default "
            "manager unless --all is specified).",
    .args = dumpdata_args,
    .handle = dumpdata_handle,
};

/* ---- loaddata ---- */

static bool is_file(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* One fixture file found for a label. */
typedef struct fixture_file {
    const char *path;  /* the file ("-" for standard input) */
    const char *dir;   /* the directory it was found in (NULL: standard input) */
    const char *name;  /* the label's name part, for messages */
    bool gz;           /* gzip-compressed (.gz) */
} fixture_file;

/* Django's humanize(): "'dir'", or "absolute path". */
static const char *humanize(mn_arena *a, const char *dir)
{
    return dir && *dir ? mn_arena_sprintf(a, "'%s'", dir) : "absolute path";
}

static const char *real_dir(mn_arena *a, const char *dir)
{
    char *r = realpath(*dir ? dir : ".", NULL);
    if (!r)
        return mn_arena_strdup(a, dir); /* os.path.realpath keeps a missing path */
    const char *out = mn_arena_strdup(a, r);
    free(r);
    return out;
}

/* Django's fixture_dirs: each app's fixtures directory that exists (only
 * app_only's with --app), FIXTURE_DIRS, then the current directory, all as
 * real paths. Returns the count (0 with a command error set in *rc). */
static size_t fixture_dirs(mn_command_ctx *ctx, const char *app_only, const char ***out, int *rc)
{
    mn_arena *a = mn_command_arena(ctx);
    const mn_settings *s = mn_manage_settings();
    const char *base = s && s->BASE_DIR && *s->BASE_DIR ? s->BASE_DIR : ".";
    mn_strlist fd = s ? s->FIXTURE_DIRS : (mn_strlist){ 0 };
    for (size_t i = 0; i < fd.len; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(fd.items[i], fd.items[j])) {
                *rc = mn_command_error(ctx, "settings.FIXTURE_DIRS contains duplicates.");
                return 0;
            }
    const mn_project *p = mn_manage_project();
    size_t napps = 0;
    for (const mn_app *const *app = p ? p->apps : NULL; app && *app; app++)
        napps++;
    const char **dirs = mn_arena_calloc(a, napps + fd.len + 2, sizeof *dirs);
    if (!dirs) {
        *rc = mn_command_error(ctx, "out of memory");
        return 0;
    }
    size_t n = 0;
    for (const mn_app *const *app = p ? p->apps : NULL; app && *app; app++) {
        const char *app_dir = mn_arena_sprintf(a, "%s/%s/fixtures", base, (*app)->label);
        const char *app_real = real_dir(a, app_dir);
        for (size_t i = 0; i < fd.len; i++)
            if (!strcmp(fd.items[i], app_dir) || !strcmp(real_dir(a, fd.items[i]), app_real)) {
                *rc = mn_command_error(ctx,
                                       "'%s' is a default fixture directory for the '%s' app and cannot be listed "
                                       "in settings.FIXTURE_DIRS.",
                                       fd.items[i], (*app)->label);
                return 0;
            }
        if (app_only && strcmp((*app)->label, app_only))
            continue;
        struct stat st;
        if (stat(app_dir, &st) == 0 && S_ISDIR(st.st_mode))
            dirs[n++] = app_real;
    }
    for (size_t i = 0; i < fd.len; i++)
        dirs[n++] = real_dir(a, fd.items[i]);
    dirs[n++] = real_dir(a, "");
    *out = dirs;
    return n;
}

/* Django's find_fixtures for one label: "name", "name.json", "name.json.gz",
 * "dir/name" (looked up under every fixture directory), or an absolute path.
 * Every directory holding the fixture contributes its file. Returns the
 * number of files (0 with a command error in *rc). */
static size_t find_fixtures(mn_command_ctx *ctx, const char *label, const char *app_only, fixture_file **out,
                            int *rc)
{
    mn_arena *a = mn_command_arena(ctx);
    int verbosity = mn_command_verbosity(ctx);
    /* parse_name: an optional compression suffix, then a serialization one. */
    char *name = mn_arena_strdup(a, label);
    const char *cmp = NULL, *ser = NULL;
    char *dot = strrchr(name, '.');
    static const char *const compressions[] = { "gz", "zip", "bz2", "lzma", "xz", NULL };
    for (size_t i = 0; dot && compressions[i]; i++)
        if (!strcmp(dot + 1, compressions[i])) {
            cmp = compressions[i];
            *dot = '\0';
            dot = strrchr(name, '.');
            break;
        }
    if (cmp && strcmp(cmp, "gz")) {
        *rc = mn_command_error(ctx, "Problem installing fixture '%s': %s-compressed fixtures are not supported "
                                    "(gz is).", label, cmp);
        return 0;
    }
    if (dot) {
        if (strcmp(dot + 1, "json")) {
            *dot = '\0';
            *rc = mn_command_error(ctx, "Problem installing fixture '%s': %s is not a known serialization format.",
                                   name, dot + 1);
            return 0;
        }
        ser = "json";
        *dot = '\0';
    }
    (void)ser; /* json is the only format: the targets below spell it */
    if (verbosity >= 2)
        mn_command_out(ctx, MN_STYLE_PLAIN, "Loading '%s' fixtures...", name);
    const char **dirs;
    size_t ndirs;
    const char *slash = strrchr(name, '/');
    if (name[0] == '/') {
        dirs = mn_arena_calloc(a, 1, sizeof *dirs);
        if (!dirs) {
            *rc = mn_command_error(ctx, "out of memory");
            return 0;
        }
        dirs[0] = slash == name ? "/" : mn_arena_strndup(a, name, (size_t)(slash - name));
        ndirs = 1;
        name = (char *)slash + 1;
    } else {
        *rc = 0;
        ndirs = fixture_dirs(ctx, app_only, &dirs, rc);
        if (*rc)
            return 0;
        if (slash) {
            for (size_t i = 0; i < ndirs; i++)
                dirs[i] = mn_arena_sprintf(a, "%s/%.*s", dirs[i], (int)(slash - name), name);
            name = (char *)slash + 1;
        }
    }
    /* The targets: name.json, and name.json.gz unless the label chose. */
    const char *targets[2] = { cmp ? NULL : mn_arena_sprintf(a, "%s.json", name),
                               mn_arena_sprintf(a, "%s.json.gz", name) };
    fixture_file *files = mn_arena_calloc(a, 2 * ndirs + 1, sizeof *files);
    if (!files) {
        *rc = mn_command_error(ctx, "out of memory");
        return 0;
    }
    size_t n = 0;
    for (size_t i = 0; i < ndirs; i++) {
        if (verbosity >= 2)
            mn_command_out(ctx, MN_STYLE_PLAIN, "Checking %s for fixtures...", humanize(a, dirs[i]));
        size_t here = 0;
        for (int k = 0; k < 2; k++) {
            const char *path = targets[k] ? mn_arena_sprintf(a, "%s/%s", dirs[i], targets[k]) : NULL;
            if (!is_file(path))
                continue;
            files[n + here++] = (fixture_file){ .path = path, .dir = dirs[i], .name = name, .gz = k == 1 };
        }
        if (verbosity >= 2 && !here)
            mn_command_out(ctx, MN_STYLE_PLAIN, "No fixture '%s' in %s.", name, humanize(a, dirs[i]));
        if (here > 1) {
            *rc = mn_command_error(ctx, "Multiple fixtures named '%s' in %s. Aborting.", name,
                                   humanize(a, dirs[i]));
            return 0;
        }
        n += here;
    }
    if (!n) {
        *rc = mn_command_error(ctx, "No fixture named '%s' found.", name);
        return 0;
    }
    *out = files;
    return n;
}

static int read_file(const char *path, bool gz, mn_buf *out, mn_err *err)
{
    char chunk[65536];
    if (gz) {
        gzFile g = gzopen(path, "rb");
        if (!g)
            return mn_err_set(err, MN_EIO, "%s", errno ? strerror(errno) : "cannot open");
        int n;
        while ((n = gzread(g, chunk, sizeof chunk)) > 0 && !mn_buf_error(out))
            mn_buf_append(out, chunk, (size_t)n);
        int zerr = 0;
        const char *msg = n < 0 ? gzerror(g, &zerr) : NULL;
        if (msg)
            mn_err_set(err, MN_EPARSE, "not a valid gzip file: %s", msg);
        gzclose(g);
        if (msg)
            return MN_EPARSE;
    } else {
        FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
        if (!f)
            return mn_err_set(err, MN_EIO, "%s", strerror(errno));
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && !mn_buf_error(out))
            mn_buf_append(out, chunk, n);
        bool bad = ferror(f);
        if (f != stdin)
            fclose(f);
        if (bad)
            return mn_err_set(err, MN_EIO, "read error");
    }
    if (mn_buf_error(out))
        return mn_err_set(err, MN_ELIMIT, "the fixture is larger than 1 GiB");
    return MN_OK;
}

static int loaddata_handle(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    const char *const *labels;
    size_t nlabels = mn_command_list(ctx, "fixture", &labels);
    const char *app_only = mn_command_str(ctx, "app");
    if (app_only && !find_app(app_only))
        return mn_command_error(ctx, "No installed app with label '%s'.", app_only);
    const char *format = mn_command_str(ctx, "format");
    if (format && strcmp(format, "json"))
        return mn_command_error(ctx, "Problem installing fixture '%s': %s is not a known serialization format.",
                                nlabels ? labels[0] : "", format);
    size_t nmodels = 0;
    mn_model **models = mn__project_models(a, &nmodels);
    bool *touched = models ? mn_arena_calloc(a, nmodels + 1, sizeof *touched) : NULL;
    if (!touched)
        return mn_command_error(ctx, "out of memory");
    /* Every label's files, found before anything loads (Django's lru-cached
     * find_fixtures), in label order. */
    fixture_file *files = NULL;
    size_t nfiles = 0;
    for (size_t i = 0; i < nlabels; i++) {
        fixture_file *found;
        size_t nfound;
        fixture_file in = { .path = "-", .name = "-" };
        if (!strcmp(labels[i], "-")) {
            /* Django's READ_STDIN. */
            if (!format)
                return mn_command_error(ctx, "--format must be specified when reading from stdin.");
            found = &in;
            nfound = 1;
        } else {
            int rc = 0;
            nfound = find_fixtures(ctx, labels[i], app_only, &found, &rc);
            if (!nfound)
                return rc;
        }
        fixture_file *grown = mn_arena_alloc(a, (nfiles + nfound) * sizeof *grown);
        if (!grown)
            return mn_command_error(ctx, "out of memory");
        if (nfiles)
            memcpy(grown, files, nfiles * sizeof *grown);
        memcpy(grown + nfiles, found, nfound * sizeof *grown);
        files = grown;
        nfiles += nfound;
    }
    /* -e: objects of an excluded app or model are read and not saved. */
    bool *excluded = mn_arena_calloc(a, nmodels + 1, sizeof *excluded);
    if (!excluded)
        return mn_command_error(ctx, "out of memory");
    const char *const *excludes;
    size_t nexcludes = mn_command_list(ctx, "exclude", &excludes);
    for (size_t i = 0; i < nexcludes; i++) {
        int erc = select_label(ctx, excludes[i], models, excluded, true);
        if (erc)
            return erc;
    }
    unsigned flags = mn_command_flag(ctx, "ignorenonexistent") ? MN_FIXTURE_IGNORE_NONEXISTENT : 0;
    mn_err err = { 0 };
    mn_db *db = mn_orm_db();
    if (!db)
        return mn_command_error(ctx, "no database connection: check DATABASE_URL");
    /* Every fixture in one transaction: all of them load, or nothing. */
    if (mn_db_begin(db, &err))
        return mn_command_error(ctx, "%s", err.msg);
    size_t loaded = 0, read = 0, fixtures = 0;
    int rc = MN_OK;
    const char *failed = NULL;
    mn_arena *fa = mn_arena_new("loaddata", 0);
    for (size_t i = 0; i < nfiles && rc == MN_OK && fa; i++) {
        mn_arena_reset(fa);
        mn_buf text;
        mn_buf_init(&text, fa, ((size_t)1 << 30) + 1);
        failed = strcmp(files[i].path, "-") ? files[i].path : "stdin";
        if (files[i].dir && mn_command_verbosity(ctx) >= 2)
            mn_command_out(ctx, MN_STYLE_PLAIN, "Installing json fixture '%s' from %s.", files[i].name,
                           humanize(a, files[i].dir));
        if ((rc = read_file(files[i].path, files[i].gz, &text, &err)))
            break;
        mn_fixture_object *objs;
        size_t n;
        if ((rc = mn_fixture_loads(mn_buf_str(&text), models, flags, fa, &objs, &n, &err)))
            break;
        size_t saved = 0;
        for (size_t k = 0; k < n && rc == MN_OK; k++) {
            bool skip = false;
            for (size_t j = 0; j < nmodels; j++)
                skip |= excluded[j] && models[j] == objs[k].model;
            if (skip)
                continue;
            saved++;
            mn_err serr = { 0 };
            if ((rc = mn_fixture_save(&objs[k], db, fa, &serr))) {
                mn_err_set(&err, rc, "Could not load %s.%s(pk=%lld): %s", objs[k].model->app_label,
                           objs[k].model->name, (long long)mn_obj_pk(objs[k].obj, objs[k].model), serr.msg);
                break;
            }
            for (size_t j = 0; j < nmodels; j++)
                touched[j] |= models[j] == objs[k].model;
        }
        if (rc)
            break;
        /* Every file counts, an empty one too (Django's fixture_count). */
        fixtures++;
        if (n == 0)
            mn_command_err(ctx, MN_STYLE_WARNING, "No fixture data found for '%s'. (File format may be invalid.)",
                           files[i].name);
        loaded += saved;
        read += n;
        failed = NULL;
    }
    if (!fa)
        rc = mn_err_set(&err, MN_ENOMEM, "out of memory");
    mn_arena_free(fa);
    if (rc == MN_OK) {
        size_t cap = 2 * nmodels + 64;
        mn_model **seq = mn_arena_calloc(a, cap + 1, sizeof *seq);
        size_t ns = 0;
        for (size_t j = 0; seq && j < nmodels; j++) {
            if (!touched[j])
                continue;
            seq[ns++] = models[j];
            /* set() inserted rows into the automatic through tables too. */
            for (const mn_m2m *mm = models[j]->many_to_many; mm && mm->name && ns < cap; mm++) {
                mn_model *through = mm->through ? NULL : mn_m2m_through(models[j], mm->name);
                if (through)
                    seq[ns++] = through;
            }
        }
        rc = seq ? mn_fixture_reset_sequences(seq, ns, db, &err) : mn_err_set(&err, MN_ENOMEM, "out of memory");
        failed = NULL;
    }
    if (rc) {
        mn_err rerr = { 0 };
        mn_db_rollback(db, &rerr);
        if (failed)
            return mn_command_error(ctx, "Problem installing fixture '%s': %s", failed, err.msg);
        return mn_command_error(ctx, "Problem installing fixtures: %s", err.msg);
    }
    /* Deferred foreign keys are checked here. */
    if (mn_db_commit(db, &err)) {
        mn_err rerr = { 0 };
        if (mn_db_depth(db))
            mn_db_rollback(db, &rerr);
        return mn_command_error(ctx, "Problem installing fixtures: %s", err.msg);
    }
    if (mn_command_verbosity(ctx) >= 1 && loaded == read)
        mn_command_out(ctx, MN_STYLE_PLAIN, "Installed %zu object(s) from %zu fixture(s)", loaded, fixtures);
    else if (mn_command_verbosity(ctx) >= 1)
        mn_command_out(ctx, MN_STYLE_PLAIN, "Installed %zu object(s) (of %zu) from %zu fixture(s)", loaded, read,
                       fixtures);
    return 0;
}

static const mn_command_arg loaddata_args[] = {
    { .name = "fixture", .type = MN_ARG_STR, .many = true, .metavar = "fixture",
      .help = "Fixture labels (\"-\" reads standard input, with --format)." },
    { .name = "--app", .type = MN_ARG_STR, .metavar = "APP_LABEL",
      .help = "Only look for fixtures in the specified app." },
    { .name = "--ignorenonexistent", .short_name = 'i', .type = MN_ARG_BOOL,
      .help = "Ignores entries in the serialized data for fields that do not currently exist on the model." },
    { .name = "--exclude", .short_name = 'e', .type = MN_ARG_STR, .many = true,
      .help = "An app_label or app_label.ModelName to exclude. Can be used multiple times." },
    { .name = "--format", .type = MN_ARG_STR, .choices = formats,
      .help = "Format of serialized data when reading from stdin." },
    MN_ARG_END
};

const mn_command mn__loaddata_command = {
    .name = "loaddata",
    .help = "Installs the named fixture(s) in the database.",
    .args = loaddata_args,
    .handle = loaddata_handle,
};

/* ---- flush ---- */

static int flush_handle(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    const mn_settings *s = mn_manage_settings();
    mn_err err = { 0 };
    mn_db *db = mn_orm_db();
    if (!db)
        return mn_command_error(ctx, "no database connection: check DATABASE_URL");
    const char *dbname = s && s->DATABASE.name ? s->DATABASE.name : "default";
    if (!mn_command_flag(ctx, "noinput") && !mn_command_flag(ctx, "no_input")) {
        printf("You have requested a flush of the database.\n"
               "This will IRREVERSIBLY DESTROY all data currently in the \"%s\" database,\n"
               "and return each table to an empty state.\n"
               "Are you sure you want to do this?\n\n"
               "    Type 'yes' to continue, or 'no' to cancel: ",
               dbname);
        fflush(stdout);
        char answer[16] = "";
        if (!fgets(answer, sizeof answer, stdin) || strcmp(answer, "yes\n")) {
            mn_command_out(ctx, MN_STYLE_PLAIN, "Flush cancelled.");
            return 0;
        }
    }
    size_t n = 0;
    mn_model **models = mn__project_models(a, &n);
    mn_list *existing = NULL;
    if (!models || mn__db_table_names(db, a, &existing, &err))
        return mn_command_error(ctx, "%s", models ? err.msg : "out of memory");
    mn_buf sql;
    mn_buf_init(&sql, a, 0);
    bool pg = mn_db_engine_of(db) == MN_DB_POSTGRES;
    size_t nt = 0;
    /* The models' tables and their automatic many-to-many tables. */
    size_t ncand = 0;
    const char **cand = mn_arena_calloc(a, 2 * n + 64, sizeof *cand);
    for (size_t i = 0; cand && i < n; i++) {
        cand[ncand++] = mn_model_table(models[i]);
        for (const mn_m2m *mm = models[i]->many_to_many; mm && mm->name && ncand < 2 * n + 63; mm++) {
            mn_model *through = mm->through ? NULL : mn_m2m_through(models[i], mm->name);
            if (through)
                cand[ncand++] = mn_model_table(through);
        }
    }
    const char **tables = cand ? mn_arena_calloc(a, ncand + 1, sizeof *tables) : NULL;
    for (size_t i = 0; tables && i < ncand; i++) {
        const char *t = cand[i];
        bool there = false, dup = false;
        for (size_t k = 0; k < mn_list_len(existing); k++)
            there |= mn_str_eq_cstr(mn_list_get(existing, k).u.s, t);
        for (size_t k = 0; k < nt; k++)
            dup |= !strcmp(tables[k], t);
        if (there && !dup)
            tables[nt++] = t;
    }
    if (!tables)
        return mn_command_error(ctx, "out of memory");
    int rc = mn_db_begin(db, &err);
    if (rc == MN_OK && nt && pg) {
        /* Django's sql_flush with reset_sequences on PostgreSQL. */
        mn_buf_puts(&sql, "TRUNCATE ");
        for (size_t i = 0; i < nt; i++) {
            if (i)
                mn_buf_puts(&sql, ", ");
            mn__sql_quote(&sql, tables[i]);
        }
        mn_buf_puts(&sql, " RESTART IDENTITY");
        rc = mn_db_execute(db, mn_buf_cstr(&sql), NULL, 0, NULL, &err);
    }
    for (size_t i = 0; rc == MN_OK && !pg && i < nt; i++) {
        mn_buf_reset(&sql);
        mn_buf_puts(&sql, "DELETE FROM ");
        mn__sql_quote(&sql, tables[i]);
        rc = mn_db_execute(db, mn_buf_cstr(&sql), NULL, 0, NULL, &err);
    }
    if (rc == MN_OK && !pg && nt) {
        bool seq = false;
        for (size_t k = 0; k < mn_list_len(existing); k++)
            seq |= mn_str_eq_cstr(mn_list_get(existing, k).u.s, "sqlite_sequence");
        if (seq) {
            mn_buf_reset(&sql);
            mn_buf_puts(&sql, "UPDATE \"sqlite_sequence\" SET \"seq\" = 0 WHERE \"name\" IN (");
            mn_value *params = mn_arena_calloc(a, nt, sizeof *params);
            for (size_t i = 0; params && i < nt; i++) {
                mn_buf_puts(&sql, i ? ", %s" : "%s");
                params[i] = mn_value_cstr(tables[i]);
            }
            mn_buf_puts(&sql, ")");
            rc = params ? mn_db_execute(db, mn_buf_cstr(&sql), params, nt, NULL, &err)
                        : mn_err_set(&err, MN_ENOMEM, "out of memory");
        }
    }
    if (rc == MN_OK)
        rc = mn_db_commit(db, &err);
    if (rc) {
        mn_err rerr = { 0 };
        if (mn_db_depth(db))
            mn_db_rollback(db, &rerr);
        return mn_command_error(ctx,
                                "Database %s couldn't be flushed. Possible reasons:\n"
                                "  * The database isn't running or isn't configured correctly.\n"
                                "  * At least one of the expected database tables doesn't exist.\n"
                                "  * The SQL was invalid.\n"
                                "The database said: %s",
                                dbname, err.msg);
    }
    if (mn_command_verbosity(ctx) >= 2)
        mn_command_out(ctx, MN_STYLE_SUCCESS, "Flushed %zu table(s).", nt);
    return 0;
}

static const mn_command_arg flush_args[] = {
    MN_ARG_FLAG("--noinput", "Tells Manouche to NOT prompt the user for input of any kind."),
    MN_ARG_FLAG("--no-input", "Same as --noinput."),
    MN_ARG_END
};

const mn_command mn__flush_command = {
    .name = "flush",
    .help = "Removes ALL DATA from the database, including data added during migrations. Does not achieve a "
            "\"fresh install\" state.",
    .args = flush_args,
    .handle = flush_handle,
};
