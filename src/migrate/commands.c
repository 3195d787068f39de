/* Migrations: the ./manage commands makemigrations, migrate,
 * showmigrations and sqlmigrate. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "manouche/app.h"
#include "manouche/command.h"
#include "migrate_internal.h"

/* ---- the project's apps ---- */

typedef struct proj {
    const mn_project *p;
    const mn_settings *s;
    size_t napps;
    const char **labels;
    const char **dirs;
    mn_mig_graph *g;
} proj;

static int load_graph(mn_command_ctx *ctx, proj *pr, mn_map *applied, unsigned flags)
{
    mn_err err = { 0 };
    if (mn_mig_graph_load_applied(pr->labels, pr->dirs, pr->napps, applied, flags, mn_command_arena(ctx), &pr->g,
                                  &err) != MN_OK)
        return mn_command_error(ctx, "%s", err.msg);
    return 0;
}

static int load_project(mn_command_ctx *ctx, proj *pr, bool need_graph)
{
    mn_arena *a = mn_command_arena(ctx);
    pr->p = mn_manage_project();
    pr->s = mn_manage_settings();
    if (!pr->p || !pr->s)
        return mn_command_error(ctx, "no project is loaded (run this command through ./manage)");
    while (pr->p->apps && pr->p->apps[pr->napps])
        pr->napps++;
    pr->labels = mn_arena_calloc(a, pr->napps + 1, sizeof *pr->labels);
    pr->dirs = mn_arena_calloc(a, pr->napps + 1, sizeof *pr->dirs);
    if (!pr->labels || !pr->dirs)
        return mn_command_error(ctx, "out of memory");
    const char *base = pr->s->BASE_DIR && *pr->s->BASE_DIR ? pr->s->BASE_DIR : NULL;
    for (size_t i = 0; i < pr->napps; i++) {
        const mn_app *app = pr->p->apps[i];
        pr->labels[i] = app->label ? app->label : app->name;
        const char *d = app->migrations_dir ? app->migrations_dir
                                            : mn_arena_sprintf(a, "%s/migrations", pr->labels[i]);
        pr->dirs[i] = d[0] == '/' || !base ? d : mn_arena_sprintf(a, "%s/%s", base, d);
    }
    return need_graph ? load_graph(ctx, pr, NULL, 0) : 0;
}

static long app_index(const proj *pr, const char *label)
{
    for (size_t i = 0; i < pr->napps; i++)
        if (!strcmp(pr->labels[i], label))
            return (long)i;
    return -1;
}

static bool has_migrations(const proj *pr, const char *label)
{
    for (size_t i = 0; i < pr->g->n; i++)
        if (!strcmp(pr->g->nodes[i]->app, label))
            return true;
    return false;
}

static bool label_chosen(const char *label, const char *const *labels, size_t nl)
{
    for (size_t j = 0; j < nl; j++)
        if (!strcmp(labels[j], label))
            return true;
    return nl == 0;
}

/* CommandError for an app with two leaves (among labels, when given). */
static int check_conflicts(mn_command_ctx *ctx, const proj *pr, const char *const *labels, size_t nl)
{
    mn_arena *a = mn_command_arena(ctx);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    for (size_t i = 0; i < pr->napps; i++) {
        if (!label_chosen(pr->labels[i], labels, nl))
            continue;
        size_t *leaves;
        size_t n = mn_mig_graph_leaves(pr->g, pr->labels[i], a, &leaves);
        if (n < 2)
            continue;
        mn_buf_puts(&b, b.len ? "; " : "");
        for (size_t k = 0; k < n; k++)
            mn_buf_printf(&b, "%s%s", k ? ", " : "", pr->g->nodes[leaves[k]]->name);
        mn_buf_printf(&b, " in %s", pr->labels[i]);
    }
    if (!b.len)
        return 0;
    return mn_command_error(ctx,
                            "Conflicting migrations detected; multiple leaf nodes in the migration graph: (%s).\n"
                            "To fix them run './manage makemigrations --merge'",
                            mn_buf_cstr(&b));
}

static mn_db *open_db(mn_command_ctx *ctx, const proj *pr)
{
    mn_err err = { 0 };
    if (pr->s->DATABASE.engine == MN_DB_NONE) {
        mn_command_error(ctx, "settings.DATABASES is improperly configured: set DATABASE_URL");
        return NULL;
    }
    mn_db *db = mn_db_open(&pr->s->DATABASE, &err);
    if (!db)
        mn_command_error(ctx, "%s", err.msg);
    return db;
}

static bool is_applied(const mn_map *applied, const mn_migration *m, mn_arena *a)
{
    return mn_map_has(applied, mn_str_from(mn_arena_sprintf(a, "%s.%s", m->app, m->name)));
}

/* ---- makemigrations ---- */

typedef struct asker {
    bool interactive;
    bool aborted;
    mn_arena *a;
} asker;

static char *read_line(void)
{
    static char line[1024];
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin))
        return NULL;
    line[strcspn(line, "\r\n")] = 0;
    return line;
}

static bool ask_yes(const char *prompt)
{
    for (;;) {
        fputs(prompt, stdout);
        char *l = read_line();
        if (!l)
            return false;
        while (isspace((unsigned char)*l))
            l++;
        if (!*l)
            return false;
        if (*l == 'y' || *l == 'Y')
            return true;
        if (*l == 'n' || *l == 'N')
            return false;
        fputs("Please answer yes or no: ", stdout);
        fputs("\n", stdout);
    }
}

static bool q_rename(void *ctx, const char *model, const char *old_name, const char *new_name, const char *type)
{
    asker *k = ctx;
    if (!k->interactive)
        return false;
    char prompt[512];
    snprintf(prompt, sizeof prompt, "Was %s.%s renamed to %s.%s (a %s)? [y/N] ", model, old_name, model, new_name, type);
    return ask_yes(prompt);
}

static bool q_rename_model(void *ctx, const char *app, const char *old_name, const char *new_name)
{
    asker *k = ctx;
    if (!k->interactive)
        return false;
    char prompt[512];
    snprintf(prompt, sizeof prompt, "Was the model %s.%s renamed to %s? [y/N] ", app, old_name, new_name);
    return ask_yes(prompt);
}

/* Reads the one-off default after the menu; NULL when the user quits. */
static const char *read_default(asker *k)
{
    puts("Please enter the default value now, as text the field converts (0, true, draft, 1.50, 2024-01-05)\n"
         "Type 'exit' to exit this prompt");
    for (;;) {
        fputs(">>> ", stdout);
        char *l = read_line();
        if (!l || !strcmp(l, "exit")) {
            k->aborted = true;
            return NULL;
        }
        if (!*l) {
            puts("Please enter some text, or 'exit' (with no quotes) to exit.");
            continue;
        }
        return mn_arena_strdup(k->a, l);
    }
}

/* The numbered menu: returns the choice (1..n), or 0 at end of input. */
static int choose(int n)
{
    for (;;) {
        fputs("Select an option: ", stdout);
        char *l = read_line();
        if (!l)
            return 0;
        if (l[0] >= '1' && l[0] < '1' + n && !l[1])
            return l[0] - '0';
        puts("Please select a valid option.");
    }
}

static const char *q_default(void *ctx, const char *model, const char *field)
{
    asker *k = ctx;
    if (!k->interactive) {
        k->aborted = true;
        return NULL;
    }
    printf("You are trying to add a non-nullable field '%s' to %s without a default; we can't do that (the database "
           "needs something to populate existing rows).\nPlease select a fix:\n"
           " 1) Provide a one-off default now (will be set on all existing rows with a null value for this column)\n"
           " 2) Quit, and let me add a default in the model's field table\n",
           field, model);
    if (choose(2) != 1) {
        k->aborted = true;
        return NULL;
    }
    return read_default(k);
}

static const char *q_not_null_alteration(void *ctx, const char *model, const char *field, bool *quit)
{
    asker *k = ctx;
    if (!k->interactive)
        return NULL; /* Django's non-interactive answer: ignore for now */
    printf("You are trying to change the nullable field '%s' on %s to non-nullable without a default; we can't do "
           "that (the database needs something to populate existing rows).\nPlease select a fix:\n"
           " 1) Provide a one-off default now (will be set on all existing rows with a null value for this column)\n"
           " 2) Ignore for now, and let me handle existing rows with NULL myself (e.g. because you added a RunC or "
           "RunSQL operation to handle NULL values in a previous data migration)\n"
           " 3) Quit, and let me add a default in the model's field table\n",
           field, model);
    int c = choose(3);
    if (c == 2)
        return NULL;
    if (c == 1) {
        const char *v = read_default(k);
        *quit = v == NULL;
        return v;
    }
    k->aborted = true;
    *quit = true;
    return NULL;
}

/* The number of a migration name: its leading digits, or for a squash
 * "0001_squashed_0004_x" the number it squashed up to (Django 4.0's
 * parse_number; 3.2 gave 1, and the next migration 0002 again). */
static int leaf_number(const char *name)
{
    const char *sq = NULL;
    for (const char *p = strstr(name, "_squashed_"); p; p = strstr(p + 1, "_squashed_"))
        sq = p;
    if (sq && isdigit((unsigned char)sq[10]))
        name = sq + 10;
    int n = 0;
    for (const char *p = name; isdigit((unsigned char)*p) && n < 100000; p++)
        n = n * 10 + (*p - '0');
    return n;
}

static int mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
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

static int write_file(const char *path, mn_str text)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return -1;
    bool ok = fwrite(text.ptr, 1, text.len, f) == text.len;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path)) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

typedef struct change {
    size_t app;
    mn_migration *m;
    const char *path;
    mn_mig_key *xdeps; /* other apps (name NULL) */
    size_t nxdeps;
} change;

/* makemigrations --merge: for each app with several leaves, the
 * operations of each branch since their common ancestor, a question, and
 * an empty migration depending on every leaf (Django's handle_merge). */
static int handle_merge(mn_command_ctx *ctx, proj *pr, const char *const *labels, size_t nl)
{
    mn_arena *a = mn_command_arena(ctx);
    bool interactive = !mn_command_flag(ctx, "noinput") && !mn_command_flag(ctx, "no-input");
    bool dry = mn_command_flag(ctx, "dry-run");
    int verbosity = mn_command_verbosity(ctx);
    const char *name = mn_command_str(ctx, "name");
    if (name && !valid_name(name))
        return mn_command_error(ctx, "The migration name must be a valid identifier (letters, digits, '_').");
    bool any = false;
    for (size_t i = 0; i < pr->napps; i++) {
        const char *app = pr->labels[i];
        size_t *leaves;
        size_t nleaves = label_chosen(app, labels, nl) ? mn_mig_graph_leaves(pr->g, app, a, &leaves) : 0;
        if (nleaves < 2)
            continue;
        any = true;
        /* Each leaf's ancestry within its app, in plan order. */
        size_t **anc = mn_arena_calloc(a, nleaves, sizeof *anc);
        size_t *nanc = mn_arena_calloc(a, nleaves, sizeof *nanc);
        if (!anc || !nanc)
            return mn_command_error(ctx, "out of memory");
        size_t shortest = SIZE_MAX;
        for (size_t k = 0; k < nleaves; k++) {
            size_t *plan;
            size_t np = mn_mig_graph_forwards(pr->g, leaves[k], a, &plan);
            anc[k] = mn_arena_calloc(a, np + 1, sizeof **anc);
            if (!anc[k])
                return mn_command_error(ctx, "out of memory");
            for (size_t p = 0; p < np; p++)
                if (!strcmp(pr->g->nodes[plan[p]]->app, app))
                    anc[k][nanc[k]++] = plan[p];
            if (nanc[k] < shortest)
                shortest = nanc[k];
        }
        size_t common = 0;
        for (; common < shortest; common++) {
            bool same = true;
            for (size_t k = 1; k < nleaves; k++)
                same = same && anc[k][common] == anc[0][common];
            if (!same)
                break;
        }
        if (!common) {
            mn_buf b;
            mn_buf_init(&b, a, 0);
            for (size_t k = 0; k < nleaves; k++)
                mn_buf_printf(&b, "%s'%s'", k ? ", " : "", pr->g->nodes[leaves[k]]->name);
            return mn_command_error(ctx, "Could not find common ancestor of [%s]", mn_buf_cstr(&b));
        }
        if (verbosity > 0) {
            mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "Merging %s", app);
            for (size_t k = 0; k < nleaves; k++) {
                mn_command_out(ctx, MN_STYLE_MIGRATE_LABEL, "  Branch %s", pr->g->nodes[leaves[k]]->name);
                for (size_t p = common; p < nanc[k]; p++) {
                    const mn_migration *m = pr->g->nodes[anc[k][p]];
                    for (size_t o = 0; o < m->nops; o++)
                        mn_command_out(ctx, MN_STYLE_PLAIN, "    - %s", mn_mig_op_describe(&m->ops[o], a));
                }
            }
        }
        if (interactive &&
            !ask_yes("\nMerging will only work if the operations printed above do not conflict\n"
                     "with each other (working on different fields or models)\n"
                     "Do you want to merge these migration branches? [y/N] "))
            continue;
        /* The name: one past the biggest leaf number, then "merge" and the
         * sorted leaf names (a timestamp when they are long) or --name. */
        int biggest = 0;
        bool numbered = false;
        const char **names = mn_arena_calloc(a, nleaves, sizeof *names);
        if (!names)
            return mn_command_error(ctx, "out of memory");
        for (size_t k = 0; k < nleaves; k++) {
            names[k] = pr->g->nodes[leaves[k]]->name;
            if (isdigit((unsigned char)names[k][0])) {
                numbered = true;
                if (leaf_number(names[k]) > biggest)
                    biggest = leaf_number(names[k]);
            }
        }
        if (!numbered)
            biggest = 1;
        for (size_t k = 1; k < nleaves; k++)
            for (size_t j = k; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
                const char *t = names[j];
                names[j] = names[j - 1];
                names[j - 1] = t;
            }
        mn_buf nb;
        mn_buf_init(&nb, a, 0);
        mn_buf_printf(&nb, "%04d_", biggest + 1);
        if (name) {
            mn_buf_puts(&nb, name);
        } else {
            mn_buf_puts(&nb, "merge_");
            size_t len = 0;
            for (size_t k = 0; k < nleaves; k++)
                len += strlen(names[k]) + (k ? 1 : 0);
            if (len > 47) {
                time_t now = time(NULL);
                struct tm tm;
                char stamp[32];
                localtime_r(&now, &tm);
                strftime(stamp, sizeof stamp, "%Y%m%d_%H%M", &tm);
                mn_buf_puts(&nb, stamp);
            } else {
                for (size_t k = 0; k < nleaves; k++)
                    mn_buf_printf(&nb, "%s%s", k ? "_" : "", names[k]);
            }
        }
        mn_migration *m = mn_arena_calloc(a, 1, sizeof *m);
        if (!m || !(m->deps = mn_arena_calloc(a, nleaves, sizeof *m->deps)))
            return mn_command_error(ctx, "out of memory");
        m->app = app;
        m->name = mn_buf_cstr(&nb);
        m->atomic = true;
        for (size_t k = 0; k < nleaves; k++)
            m->deps[m->ndeps++] = (mn_mig_key){ app, pr->g->nodes[leaves[k]]->name };
        mn_err err = { 0 };
        mn_str text = mn_migration_write(a, m, &err);
        if (!text.ptr)
            return mn_command_error(ctx, "%s", err.msg);
        const char *path = mn_arena_sprintf(a, "%s/%s.json", pr->dirs[i], m->name);
        if (!dry) {
            if (write_file(path, text))
                return mn_command_error(ctx, "cannot write %s: %s", path, strerror(errno));
            if (verbosity > 0)
                mn_command_out(ctx, MN_STYLE_PLAIN, "\nCreated new merge migration %s", path);
        } else if (verbosity == 3) {
            mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "Full merge migrations file '%s.json':", m->name);
            mn_command_out(ctx, MN_STYLE_PLAIN, "%.*s", (int)text.len - 1, text.ptr);
        }
    }
    if (!any)
        mn_command_out(ctx, MN_STYLE_PLAIN, "No conflicts detected to merge.");
    return 0;
}

static int makemigrations_handle(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    proj pr = { 0 };
    int rc = load_project(ctx, &pr, true);
    if (rc)
        return rc;
    const char *const *labels = NULL;
    size_t nl = mn_command_list(ctx, "app_label", &labels);
    for (size_t i = 0; i < nl; i++)
        if (app_index(&pr, labels[i]) < 0) {
            mn_command_err(ctx, MN_STYLE_ERROR, "App '%s' could not be found. Is it in INSTALLED_APPS?", labels[i]);
            return 2;
        }
    if (mn_command_flag(ctx, "merge"))
        return handle_merge(ctx, &pr, labels, nl);
    if ((rc = check_conflicts(ctx, &pr, labels, nl)))
        return rc;
    bool dry = mn_command_flag(ctx, "dry-run"), check = mn_command_flag(ctx, "check"),
         empty = mn_command_flag(ctx, "empty");
    const char *name = mn_command_str(ctx, "name");
    if (name && !valid_name(name))
        return mn_command_error(ctx, "The migration name must be a valid identifier (letters, digits, '_').");
    if (empty && !nl)
        return mn_command_error(ctx, "You must supply at least one app label when using --empty.");
    mn_err err = { 0 };
    mn_mig_state *from = mn_mig_graph_full_state(pr.g, a, &err);
    mn_mig_state *to = mn_mig_state_new(a);
    if (!from || !to)
        return mn_command_error(ctx, "%s", err.msg[0] ? err.msg : "out of memory");
    for (size_t i = 0; i < pr.napps; i++)
        if (mn_mig_state_add_models(to, pr.p->apps[i]->models, &err) != MN_OK)
            return mn_command_error(ctx, "%s: %s", pr.labels[i], err.msg);
    asker k = { .interactive = !mn_command_flag(ctx, "noinput") && !mn_command_flag(ctx, "no-input"), .a = a };
    mn_mig_questioner q = { .ask_rename = q_rename, .ask_rename_model = q_rename_model, .ask_default = q_default,
                            .ask_not_null_alteration = q_not_null_alteration, .ctx = &k };
    change *changes = mn_arena_calloc(a, pr.napps + 1, sizeof *changes);
    size_t nch = 0;
    if (!changes)
        return mn_command_error(ctx, "out of memory");
    for (size_t i = 0; i < pr.napps; i++) {
        bool chosen = !nl;
        for (size_t j = 0; j < nl; j++)
            chosen = chosen || !strcmp(labels[j], pr.labels[i]);
        if (!chosen)
            continue;
        mn_mig_op *ops = NULL;
        size_t nops = 0;
        mn_mig_key *xdeps = NULL;
        size_t nx = 0;
        if (!empty &&
            mn_mig_autodetect(from, to, pr.labels[i], &q, a, &ops, &nops, &xdeps, &nx, &err) != MN_OK) {
            if (k.aborted) {
                mn_command_err(ctx, MN_STYLE_ERROR, "%s", err.msg);
                return 3;
            }
            return mn_command_error(ctx, "%s", err.msg);
        }
        if (!nops && !empty)
            continue;
        mn_migration *m = mn_arena_calloc(a, 1, sizeof *m);
        if (!m)
            return mn_command_error(ctx, "out of memory");
        m->app = pr.labels[i];
        m->ops = ops;
        m->nops = nops;
        m->atomic = true;
        m->initial = !has_migrations(&pr, pr.labels[i]);
        changes[nch++] = (change){ .app = i, .m = m, .xdeps = xdeps, .nxdeps = nx };
    }
    if (!nch) {
        if (mn_command_verbosity(ctx) >= 1) {
            if (!nl) {
                mn_command_out(ctx, MN_STYLE_PLAIN, "No changes detected");
            } else if (nl == 1) {
                mn_command_out(ctx, MN_STYLE_PLAIN, "No changes detected in app '%s'", labels[0]);
            } else {
                mn_buf b;
                mn_buf_init(&b, a, 0);
                for (size_t i = 0; i < nl; i++)
                    mn_buf_printf(&b, "%s%s", i ? "', '" : "", labels[i]);
                mn_command_out(ctx, MN_STYLE_PLAIN, "No changes detected in apps '%s'", mn_buf_cstr(&b));
            }
        }
        return 0;
    }
    /* Names, then dependencies (another app's new migration when it has
     * one in this run). */
    for (size_t c = 0; c < nch; c++) {
        mn_migration *m = changes[c].m;
        size_t *leaves;
        size_t nleaves = mn_mig_graph_leaves(pr.g, m->app, a, &leaves);
        int num = 1;
        for (size_t k2 = 0; k2 < nleaves; k2++)
            if (leaf_number(pr.g->nodes[leaves[k2]]->name) + 1 > num)
                num = leaf_number(pr.g->nodes[leaves[k2]]->name) + 1;
        const char *suffix = name ? name : mn_migration_suggest_name(m, a);
        char *mname = mn_arena_sprintf(a, "%04d_%s", num, suffix);
        if (!mname)
            return mn_command_error(ctx, "out of memory");
        if (strlen(mname) > 100)
            mname[100] = 0;
        m->name = mname;
        changes[c].path = mn_arena_sprintf(a, "%s/%s.json", pr.dirs[changes[c].app], m->name);
    }
    for (size_t c = 0; c < nch; c++) {
        mn_migration *m = changes[c].m;
        size_t *leaves;
        size_t nleaves = mn_mig_graph_leaves(pr.g, m->app, a, &leaves);
        m->deps = mn_arena_calloc(a, nleaves + changes[c].nxdeps + 1, sizeof *m->deps);
        if (!m->deps)
            return mn_command_error(ctx, "out of memory");
        for (size_t k2 = 0; k2 < nleaves; k2++)
            m->deps[m->ndeps++] = (mn_mig_key){ m->app, pr.g->nodes[leaves[k2]]->name };
        for (size_t x = 0; x < changes[c].nxdeps; x++) {
            const char *dapp = changes[c].xdeps[x].app;
            const char *dname = NULL;
            for (size_t o = 0; o < nch && !dname; o++)
                if (!strcmp(changes[o].m->app, dapp))
                    dname = changes[o].m->name;
            if (!dname) {
                size_t *dl;
                size_t nd = mn_mig_graph_leaves(pr.g, dapp, a, &dl);
                dname = nd ? pr.g->nodes[dl[nd - 1]]->name : "__first__";
            }
            m->deps[m->ndeps++] = (mn_mig_key){ dapp, dname };
        }
    }
    for (size_t c = 0; c < nch; c++) {
        mn_migration *m = changes[c].m;
        mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "Migrations for '%s':", m->app);
        mn_command_out(ctx, MN_STYLE_MIGRATE_LABEL, "  %s", changes[c].path);
        for (size_t i = 0; i < m->nops; i++)
            mn_command_out(ctx, MN_STYLE_PLAIN, "    - %s", mn_mig_op_describe(&m->ops[i], a));
        mn_str text = mn_migration_write(a, m, &err);
        if (!text.ptr)
            return mn_command_error(ctx, "%s", err.msg);
        if (dry || check) {
            if (mn_command_verbosity(ctx) >= 3) {
                mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "Full migrations file '%s.json':", m->name);
                mn_command_out(ctx, MN_STYLE_PLAIN, "%.*s", (int)text.len - 1, text.ptr);
            }
            continue;
        }
        if (mkdirs(pr.dirs[changes[c].app]))
            return mn_command_error(ctx, "cannot create %s: %s", pr.dirs[changes[c].app], strerror(errno));
        if (write_file(changes[c].path, text))
            return mn_command_error(ctx, "cannot write %s: %s", changes[c].path, strerror(errno));
    }
    return check ? 1 : 0;
}

static const mn_command_arg makemigrations_args[] = {
    { .name = "app_label", .type = MN_ARG_STR, .optional = true, .many = true,
      .help = "Specify the app label(s) to create migrations for." },
    MN_ARG_FLAG("--dry-run", "Just show what migrations would be made; don't actually write them."),
    MN_ARG_FLAG("--merge", "Enable fixing of migration conflicts."),
    MN_ARG_FLAG("--empty", "Create an empty migration."),
    { .name = "--noinput", .type = MN_ARG_BOOL, .help = "Tells Manouche to NOT prompt the user for input of any kind." },
    { .name = "--no-input", .type = MN_ARG_BOOL, .help = "Same as --noinput." },
    { .name = "--name", .short_name = 'n', .type = MN_ARG_STR, .help = "Use this name for migration file(s)." },
    MN_ARG_FLAG("--check", "Exit with a non-zero status if model changes are missing migrations (nothing is "
                           "written)."),
    MN_ARG_END
};

static int makemigrations_entry(mn_command_ctx *ctx)
{
    return makemigrations_handle(ctx);
}

const mn_command mn_makemigrations_command = {
    .name = "makemigrations",
    .help = "Creates new migration(s) for apps.",
    .args = makemigrations_args,
    .handle = makemigrations_entry,
};

/* ---- migrate ---- */

typedef struct step {
    size_t node;
    bool back;
} step;

static long find_by_prefix(mn_command_ctx *ctx, const proj *pr, const char *app, const char *prefix, int *rc)
{
    long found = -1;
    *rc = 0;
    for (size_t i = 0; i < pr->g->n; i++) {
        const mn_migration *m = pr->g->nodes[i];
        if (strcmp(m->app, app))
            continue;
        if (!strcmp(m->name, prefix))
            return (long)i;
        if (!strncmp(m->name, prefix, strlen(prefix))) {
            if (found >= 0) {
                *rc = mn_command_error(ctx, "More than one migration matches '%s' in app '%s'. Please be more "
                                            "specific.", prefix, app);
                return -1;
            }
            found = (long)i;
        }
    }
    if (found < 0)
        *rc = mn_command_error(ctx, "Cannot find a migration matching '%s' from app '%s'.", prefix, app);
    return found;
}

static bool in_plan(const step *plan, size_t n, size_t node)
{
    for (size_t i = 0; i < n; i++)
        if (plan[i].node == node)
            return true;
    return false;
}

static void plan_add_back(const proj *pr, size_t from, const mn_map *applied, mn_arena *a, step *plan, size_t *n)
{
    size_t *order;
    size_t k = mn_mig_graph_backwards(pr->g, from, a, &order);
    for (size_t i = 0; i < k; i++)
        if (is_applied(applied, pr->g->nodes[order[i]], a) && !in_plan(plan, *n, order[i]))
            plan[(*n)++] = (step){ order[i], true };
}

static void plan_add_forwards(const proj *pr, size_t to, const mn_map *applied, mn_arena *a, step *plan, size_t *n)
{
    size_t *order;
    size_t k = mn_mig_graph_forwards(pr->g, to, a, &order);
    for (size_t i = 0; i < k; i++)
        if (!is_applied(applied, pr->g->nodes[order[i]], a) && !in_plan(plan, *n, order[i]))
            plan[(*n)++] = (step){ order[i], false };
}

/* Whether the models have changes no migration holds (for the hint after
 * "No migrations to apply."). */
static void hint_missing(mn_command_ctx *ctx, const proj *pr)
{
    mn_arena *a = mn_command_arena(ctx);
    mn_err err = { 0 };
    mn_mig_state *from = mn_mig_graph_full_state(pr->g, a, &err), *to = mn_mig_state_new(a);
    if (!from || !to)
        return;
    for (size_t i = 0; i < pr->napps; i++)
        if (mn_mig_state_add_models(to, pr->p->apps[i]->models, &err) != MN_OK)
            return;
    mn_buf b;
    mn_buf_init(&b, a, 0);
    size_t n = 0;
    for (size_t i = 0; i < pr->napps; i++) {
        mn_mig_op *ops;
        size_t nops;
        mn_mig_questioner q = { 0 };
        if (mn_mig_autodetect(from, to, pr->labels[i], &q, a, &ops, &nops, NULL, NULL, &err) != MN_OK || nops)
            mn_buf_printf(&b, "%s'%s'", n++ ? ", " : "", pr->labels[i]);
    }
    if (!n)
        return;
    mn_command_out(ctx, MN_STYLE_NOTICE,
                   "  Your models in app(s): %s have changes that are not yet reflected in a migration, and so won't "
                   "be applied.",
                   mn_buf_cstr(&b));
    mn_command_out(ctx, MN_STYLE_NOTICE,
                   "  Run 'manage.py makemigrations' to make new migrations, and then re-run 'manage.py migrate' to "
                   "apply them.");
}

static int migrate_handle(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    proj pr = { 0 };
    int rc = load_project(ctx, &pr, false);
    if (rc)
        return rc;
    const char *app = mn_command_str(ctx, "app_label"), *target = mn_command_str(ctx, "migration_name");
    if (app && app_index(&pr, app) < 0)
        return mn_command_error(ctx, "No installed app with label '%s'.", app);
    bool plan_only = mn_command_flag(ctx, "plan"), fake = mn_command_flag(ctx, "fake");
    mn_db *db = open_db(ctx, &pr);
    if (!db)
        return 1;
    mn_err err = { 0 };
    mn_map *applied;
    if (mn_mig_recorder_applied(db, a, &applied, &err) != MN_OK) {
        mn_db_close(db);
        return mn_command_error(ctx, "%s", err.msg);
    }
    /* Squashed migrations are used or not depending on what is applied. */
    if ((rc = load_graph(ctx, &pr, applied, 0))) {
        mn_db_close(db);
        return rc;
    }
    if (app && !has_migrations(&pr, app)) {
        mn_db_close(db);
        return mn_command_error(ctx, "App '%s' does not have migrations.", app);
    }
    if ((rc = check_conflicts(ctx, &pr, NULL, 0))) {
        mn_db_close(db);
        return rc;
    }
    if (!plan_only && mn_mig_recorder_ensure(db, &err) != MN_OK) {
        mn_db_close(db);
        return mn_command_error(ctx, "%s", err.msg);
    }
    /* InconsistentMigrationHistory */
    for (size_t i = 0; i < pr.g->n; i++) {
        if (!is_applied(applied, pr.g->nodes[i], a))
            continue;
        for (size_t k = 0; k < pr.g->nparents[i]; k++) {
            const mn_migration *p = pr.g->nodes[pr.g->parents[i][k]];
            if (!is_applied(applied, p, a)) {
                mn_db_close(db);
                return mn_command_error(ctx,
                                        "Migration %s.%s is applied before its dependency %s.%s on database "
                                        "'default'.",
                                        pr.g->nodes[i]->app, pr.g->nodes[i]->name, p->app, p->name);
            }
        }
    }
    step *plan = mn_arena_calloc(a, pr.g->n + 1, sizeof *plan);
    size_t np = 0;
    if (!plan) {
        mn_db_close(db);
        return mn_command_error(ctx, "out of memory");
    }
    const char *header_kind = "apply_all";
    long tnode = -1;
    if (app && target && !strcmp(target, "zero")) {
        header_kind = "zero";
        for (size_t i = 0; i < pr.g->n; i++) {
            if (strcmp(pr.g->nodes[i]->app, app))
                continue;
            bool root = true;
            for (size_t k = 0; k < pr.g->nparents[i] && root; k++)
                root = strcmp(pr.g->nodes[pr.g->parents[i][k]]->app, app) != 0;
            if (root)
                plan_add_back(&pr, i, applied, a, plan, &np);
        }
    } else if (app && target) {
        header_kind = "target";
        tnode = find_by_prefix(ctx, &pr, app, target, &rc);
        if (tnode < 0) {
            mn_db_close(db);
            return rc;
        }
        if (is_applied(applied, pr.g->nodes[tnode], a)) {
            for (size_t k = 0; k < pr.g->nchildren[tnode]; k++) {
                size_t c = pr.g->children[tnode][k];
                if (!strcmp(pr.g->nodes[c]->app, app))
                    plan_add_back(&pr, c, applied, a, plan, &np);
            }
        } else {
            plan_add_forwards(&pr, (size_t)tnode, applied, a, plan, &np);
        }
    } else {
        for (size_t i = 0; i < pr.napps; i++) {
            if (app && strcmp(app, pr.labels[i]))
                continue;
            size_t *leaves;
            size_t nleaves = mn_mig_graph_leaves(pr.g, pr.labels[i], a, &leaves);
            for (size_t k = 0; k < nleaves; k++)
                plan_add_forwards(&pr, leaves[k], applied, a, plan, &np);
        }
    }
    if (plan_only) {
        mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "Planned operations:");
        if (!np)
            mn_command_out(ctx, MN_STYLE_PLAIN, "  No planned migration operations.");
        for (size_t i = 0; i < np; i++) {
            const mn_migration *m = pr.g->nodes[plan[i].node];
            mn_command_out(ctx, MN_STYLE_MIGRATE_LABEL, "%s.%s", m->app, m->name);
            for (size_t k = 0; k < m->nops; k++) {
                const mn_mig_op *op = &m->ops[plan[i].back ? m->nops - 1 - k : k];
                bool irreversible = plan[i].back && ((op->kind == MN_OP_RUN_SQL && !op->reverse_sql) ||
                                                     (op->kind == MN_OP_RUN_C && !op->reverse_code));
                mn_command_out(ctx, irreversible ? MN_STYLE_ERROR : MN_STYLE_PLAIN, "    %s%s%s",
                               plan[i].back ? "Undo " : "", mn_mig_op_describe(op, a),
                               irreversible ? " -> IRREVERSIBLE" : "");
            }
        }
        mn_db_close(db);
        return 0;
    }
    mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "Operations to perform:");
    if (!strcmp(header_kind, "zero")) {
        mn_command_out(ctx, MN_STYLE_PLAIN, "  Unapply all migrations: %s", app);
    } else if (!strcmp(header_kind, "target")) {
        mn_command_out(ctx, MN_STYLE_PLAIN, "  Target specific migration: %s, from %s", pr.g->nodes[tnode]->name, app);
    } else {
        mn_buf b;
        mn_buf_init(&b, a, 0);
        /* Django lists the labels sorted. */
        const char **ls = mn_arena_calloc(a, pr.napps + 1, sizeof *ls);
        size_t nls = 0;
        for (size_t i = 0; ls && i < pr.napps; i++)
            if ((!app || !strcmp(app, pr.labels[i])) && has_migrations(&pr, pr.labels[i]))
                ls[nls++] = pr.labels[i];
        for (size_t i = 1; i < nls; i++)
            for (size_t j = i; j > 0 && strcmp(ls[j - 1], ls[j]) > 0; j--) {
                const char *t = ls[j];
                ls[j] = ls[j - 1];
                ls[j - 1] = t;
            }
        for (size_t i = 0; i < nls; i++)
            mn_buf_printf(&b, "%s%s", i ? ", " : "", ls[i]);
        mn_command_out(ctx, MN_STYLE_PLAIN, "  Apply all migrations: %s", nls ? mn_buf_cstr(&b) : "(none)");
    }
    mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "Running migrations:");
    if (!np) {
        mn_command_out(ctx, MN_STYLE_PLAIN, "  No migrations to apply.");
        if (!app || !target)
            hint_missing(ctx, &pr);
        rc = mn_mig_recorder_check_replacements(db, pr.g, a, NULL, &err);
        mn_db_close(db);
        return rc == MN_OK ? 0 : mn_command_error(ctx, "%s", err.msg);
    }
    mn_db *prev = NULL;
    (void)prev;
    mn_orm_use(db);
    for (size_t i = 0; i < np; i++) {
        const mn_migration *m = pr.g->nodes[plan[i].node];
        /* ./manage's commands write to stdout: the line starts before the
         * migration runs and ends with its result, as Django's does. */
        if (mn_command_verbosity(ctx) >= 1) {
            printf("  %s %s.%s...", plan[i].back ? "Unapplying" : "Applying", m->app, m->name);
            fflush(stdout);
        }
        mn_arena_mark mark = mn_arena_mark_get(a);
        rc = mn_mig_execute(db, pr.g, plan[i].node, plan[i].back, fake, a, &err);
        mn_arena_rewind(a, mark);
        if (rc != MN_OK) {
            if (mn_command_verbosity(ctx) >= 1)
                mn_command_out(ctx, MN_STYLE_ERROR, " FAILED");
            mn_orm_use(NULL);
            mn_db_close(db);
            return mn_command_error(ctx, "%s", err.msg);
        }
        if (mn_command_verbosity(ctx) >= 1)
            mn_command_out(ctx, MN_STYLE_SUCCESS, " %s", fake ? "FAKED" : "OK");
    }
    mn_orm_use(NULL);
    /* Squashed migrations whose replaced migrations are now all applied
     * get their own row (Django's check_replacements). */
    rc = mn_mig_recorder_check_replacements(db, pr.g, a, NULL, &err);
    mn_db_close(db);
    return rc == MN_OK ? 0 : mn_command_error(ctx, "%s", err.msg);
}

static const mn_command_arg migrate_args[] = {
    { .name = "app_label", .type = MN_ARG_STR, .optional = true,
      .help = "App label of an application to synchronize the state." },
    { .name = "migration_name", .type = MN_ARG_STR, .optional = true,
      .help = "Database state will be brought to the state after that migration. Use the name \"zero\" to unapply "
              "all migrations." },
    { .name = "--noinput", .type = MN_ARG_BOOL, .help = "Tells Manouche to NOT prompt the user for input of any kind." },
    { .name = "--no-input", .type = MN_ARG_BOOL, .help = "Same as --noinput." },
    MN_ARG_FLAG("--fake", "Mark migrations as run without actually running them."),
    MN_ARG_FLAG("--plan", "Shows a list of the migration actions that will be performed."),
    MN_ARG_END
};

const mn_command mn_migrate_command = {
    .name = "migrate",
    .help = "Updates database schema. Manages both apps with migrations and those without.",
    .args = migrate_args,
    .handle = migrate_handle,
};

/* ---- showmigrations ---- */

static int showmigrations_handle(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    proj pr = { 0 };
    int rc = load_project(ctx, &pr, false);
    if (rc)
        return rc;
    const char *const *labels = NULL;
    size_t nl = mn_command_list(ctx, "app_label", &labels);
    for (size_t i = 0; i < nl; i++)
        if (app_index(&pr, labels[i]) < 0)
            return mn_command_error(ctx, "No installed app with label '%s'.", labels[i]);
    mn_db *db = open_db(ctx, &pr);
    if (!db)
        return 1;
    mn_err err = { 0 };
    mn_map *applied;
    if (mn_mig_recorder_applied(db, a, &applied, &err) != MN_OK) {
        mn_db_close(db);
        return mn_command_error(ctx, "%s", err.msg);
    }
    mn_db_close(db);
    if ((rc = load_graph(ctx, &pr, applied, 0)))
        return rc;
    if (mn_command_flag(ctx, "plan")) {
        unsigned char *seen = mn_arena_calloc(a, pr.g->n + 1, 1);
        for (size_t i = 0; seen && i < pr.napps; i++) {
            size_t *leaves;
            size_t nleaves = mn_mig_graph_leaves(pr.g, pr.labels[i], a, &leaves);
            for (size_t k = 0; k < nleaves; k++) {
                size_t *order;
                size_t n = mn_mig_graph_forwards(pr.g, leaves[k], a, &order);
                for (size_t j = 0; j < n; j++) {
                    if (seen[order[j]])
                        continue;
                    seen[order[j]] = 1;
                    const mn_migration *m = pr.g->nodes[order[j]];
                    mn_command_out(ctx, MN_STYLE_PLAIN, "[%s]  %s.%s", is_applied(applied, m, a) ? "X" : " ", m->app,
                                   m->name);
                }
            }
        }
        return 0;
    }
    for (size_t i = 0; i < pr.napps; i++) {
        bool chosen = !nl;
        for (size_t j = 0; j < nl; j++)
            chosen = chosen || !strcmp(labels[j], pr.labels[i]);
        if (!chosen || (!nl && !has_migrations(&pr, pr.labels[i])))
            continue;
        mn_command_out(ctx, MN_STYLE_MIGRATE_LABEL, "%s", pr.labels[i]);
        if (!has_migrations(&pr, pr.labels[i])) {
            mn_command_out(ctx, MN_STYLE_ERROR, " (no migrations)");
            continue;
        }
        unsigned char *seen = mn_arena_calloc(a, pr.g->n + 1, 1);
        size_t *leaves;
        size_t nleaves = mn_mig_graph_leaves(pr.g, pr.labels[i], a, &leaves);
        for (size_t k = 0; seen && k < nleaves; k++) {
            size_t *order;
            size_t n = mn_mig_graph_forwards(pr.g, leaves[k], a, &order);
            for (size_t j = 0; j < n; j++) {
                const mn_migration *m = pr.g->nodes[order[j]];
                if (seen[order[j]] || strcmp(m->app, pr.labels[i]))
                    continue;
                seen[order[j]] = 1;
                bool done = is_applied(applied, m, a);
                /* Django's title of a squashed migration. */
                const char *title = m->nreplaces
                                        ? mn_arena_sprintf(a, "%s (%zu squashed migrations)", m->name, m->nreplaces)
                                        : m->name;
                if (done && mn_command_verbosity(ctx) >= 2) {
                    mn_value at = mn_map_get_cstr(applied, mn_arena_sprintf(a, "%s.%s", m->app, m->name));
                    mn_command_out(ctx, MN_STYLE_PLAIN, " [X] %s (applied at %.*s)", title,
                                   at.type == MN_VALUE_STR ? (int)(at.u.s.len < 19 ? at.u.s.len : 19) : 0,
                                   at.type == MN_VALUE_STR ? at.u.s.ptr : "");
                } else {
                    mn_command_out(ctx, MN_STYLE_PLAIN, " [%s] %s", done ? "X" : " ", title);
                }
            }
        }
    }
    return 0;
}

static const mn_command_arg showmigrations_args[] = {
    { .name = "app_label", .type = MN_ARG_STR, .optional = true, .many = true,
      .help = "App labels of applications to limit the output to." },
    { .name = "--plan", .short_name = 'p', .type = MN_ARG_BOOL,
      .help = "Shows all migrations in the order they will be applied." },
    { .name = "--list", .short_name = 'l', .type = MN_ARG_BOOL,
      .help = "Shows a list of all migrations and which are applied (the default)." },
    MN_ARG_END
};

const mn_command mn_showmigrations_command = {
    .name = "showmigrations",
    .help = "Shows all available migrations for the current project",
    .args = showmigrations_args,
    .handle = showmigrations_handle,
};

/* ---- squashmigrations ---- */

static int cmp_key(const void *x, const void *y)
{
    const mn_mig_key *a = x, *b = y;
    int r = strcmp(a->app, b->app);
    return r ? r : strcmp(a->name, b->name);
}

/* The optimized operations must leave the app's models as the original
 * ones do, replayed on the state before the first squashed migration
 * (Django's optimizer can move a RenameModel before a CreateModel whose
 * foreign key names the model's middle name, leaving it dangling). When
 * the original operations cannot be replayed alone (they rely on another
 * app's migrations in between) or leave an inconsistent state, there is
 * nothing to compare with. */
static int check_optimized(mn_command_ctx *ctx, const proj *pr, const char *app, const mn_migration *first,
                           const mn_mig_op *ops, size_t nops, const mn_mig_op *opt, size_t nopt)
{
    mn_arena *a = mn_command_arena(ctx);
    mn_err err = { 0 };
    long node = mn_mig_graph_find(pr->g, app, first->name);
    mn_mig_state *base = node >= 0 ? mn_mig_graph_state(pr->g, node, false, a, &err) : NULL;
    if (!base)
        return 0;
    mn_mig_state *before = mn_mig_state_clone(base), *after = mn_mig_state_clone(base);
    if (!before || !after)
        return mn_command_error(ctx, "out of memory");
    for (size_t i = 0; i < nops; i++)
        if (mn_mig_state_apply(before, app, &ops[i], &err) != MN_OK)
            return 0;
    const char *why = NULL;
    for (size_t i = 0; i < nopt && !why; i++)
        if (mn_mig_state_apply(after, app, &opt[i], &err) != MN_OK)
            why = mn_arena_sprintf(a, "operation %zu: %s", i + 1, err.msg);
    if (!why) {
        mn_mig_op *diff;
        size_t ndiff;
        mn_mig_questioner noinput = { 0 };
        /* An error here comes from a state the original operations left
         * inconsistent (unique_together naming a removed field): nothing
         * to compare with. */
        if (mn_mig_autodetect(after, before, app, &noinput, a, &diff, &ndiff, NULL, NULL, &err) != MN_OK)
            return 0;
        if (ndiff)
            why = mn_arena_sprintf(a, "the squash would need: %s", mn_mig_op_describe(&diff[0], a));
    }
    if (!why)
        return 0;
    return mn_command_error(ctx,
                            "The optimized operations do not give the models the squashed migrations give (%s). "
                            "Squash with --no-optimize, or over a shorter range.",
                            why);
}

static int squashmigrations_handle(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    proj pr = { 0 };
    int rc = load_project(ctx, &pr, false);
    if (rc)
        return rc;
    int verbosity = mn_command_verbosity(ctx);
    bool interactive = !mn_command_flag(ctx, "noinput") && !mn_command_flag(ctx, "no-input");
    const char *app = mn_command_str(ctx, "app_label");
    const char *start_name = mn_command_str(ctx, "start_migration_name");
    const char *end_name = mn_command_str(ctx, "migration_name");
    const char *squashed_name = mn_command_str(ctx, "squashed-name");
    /* argparse fills app_label [start_migration_name] migration_name from
     * the right: with two names given, the one is the end. */
    if (!end_name) {
        if (!start_name) {
            mn_command_err(ctx, MN_STYLE_PLAIN,
                           "squashmigrations: error: the following arguments are required: migration_name");
            return 2;
        }
        end_name = start_name;
        start_name = NULL;
    }
    long ai = app_index(&pr, app);
    if (ai < 0)
        return mn_command_error(ctx, "No installed app with label '%s'.", app);
    if (squashed_name && !valid_name(squashed_name))
        return mn_command_error(ctx, "The migration name must be a valid identifier (letters, digits, '_').");
    /* Every file, squashes beside what they replace (Django finds the
     * names among the files on disk): squashing again what a squash
     * already replaces finds the old migrations, and a squash met on the
     * way is refused. */
    if ((rc = load_graph(ctx, &pr, NULL, MN_MIG_GRAPH_KEEP_REPLACED)))
        return rc;
    if (!has_migrations(&pr, app))
        return mn_command_error(ctx, "App '%s' does not have migrations (so squashmigrations on it makes no sense)",
                                app);
    long end = find_by_prefix(ctx, &pr, app, end_name, &rc);
    if (end < 0)
        return rc;
    size_t *plan;
    size_t np = mn_mig_graph_forwards(pr.g, (size_t)end, a, &plan);
    const mn_migration **chosen = mn_arena_calloc(a, np + 1, sizeof *chosen);
    size_t n = 0;
    if (!chosen)
        return mn_command_error(ctx, "out of memory");
    for (size_t i = 0; i < np; i++)
        if (!strcmp(pr.g->nodes[plan[i]]->app, app))
            chosen[n++] = pr.g->nodes[plan[i]];
    const mn_migration *endm = pr.g->nodes[end], *startm = NULL;
    if (start_name) {
        long st = find_by_prefix(ctx, &pr, app, start_name, &rc);
        if (st < 0)
            return rc;
        startm = pr.g->nodes[st];
        size_t k = 0;
        while (k < n && chosen[k] != startm)
            k++;
        if (k == n)
            return mn_command_error(ctx,
                                    "The migration '%s.%s' cannot be found. Maybe it comes after the migration "
                                    "'%s.%s'?\nHave a look at:\n  ./manage showmigrations %s\nto debug this issue.",
                                    startm->app, startm->name, endm->app, endm->name, app);
        chosen += k;
        n -= k;
    }
    if (verbosity > 0 || interactive) {
        mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "Will squash the following migrations:");
        for (size_t i = 0; i < n; i++)
            mn_command_out(ctx, MN_STYLE_PLAIN, " - %s", chosen[i]->name);
        if (interactive) {
            /* Django's loop: an empty answer is no, anything but y/n asks
             * again. */
            char answer = 0;
            while (!answer || !strchr("yn", answer)) {
                fputs("Do you wish to proceed? [yN] ", stdout);
                char *l = read_line();
                if (!l || !*l) {
                    answer = 'n';
                    break;
                }
                answer = (char)tolower((unsigned char)l[0]);
            }
            if (answer != 'y')
                return 0;
        }
    }
    /* The operations of all, and the dependencies: the first migration's
     * all, the others' on other apps only. */
    size_t nops = 0, ndeps = 0;
    for (size_t i = 0; i < n; i++) {
        if (chosen[i]->nreplaces)
            return mn_command_error(ctx, "You cannot squash squashed migrations! Please transition it to a normal "
                                         "migration first (see \"Squashing migrations\" in docs/migrations.md)");
        nops += chosen[i]->nops;
        ndeps += chosen[i]->ndeps;
    }
    mn_mig_op *ops = mn_arena_calloc(a, nops + 1, sizeof *ops);
    mn_mig_key *deps = mn_arena_calloc(a, ndeps + 1, sizeof *deps);
    mn_mig_key *replaces = mn_arena_calloc(a, n + 1, sizeof *replaces);
    if (!ops || !deps || !replaces)
        return mn_command_error(ctx, "out of memory");
    nops = ndeps = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < chosen[i]->nops; k++)
            ops[nops++] = chosen[i]->ops[k];
        for (size_t k = 0; k < chosen[i]->ndeps; k++) {
            const mn_mig_key *d = &chosen[i]->deps[k];
            if (i && !strcmp(d->app, app))
                continue;
            bool dup = false;
            for (size_t j = 0; j < ndeps && !dup; j++)
                dup = !strcmp(deps[j].app, d->app) && !strcmp(deps[j].name, d->name);
            if (!dup)
                deps[ndeps++] = *d;
        }
        replaces[i] = (mn_mig_key){ chosen[i]->app, chosen[i]->name };
    }
    qsort(deps, ndeps, sizeof *deps, cmp_key);
    mn_mig_op *new_ops = ops;
    size_t new_n = nops;
    mn_err err = { 0 };
    if (mn_command_flag(ctx, "no-optimize")) {
        if (verbosity > 0)
            mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "(Skipping optimization.)");
    } else {
        if (verbosity > 0)
            mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "Optimizing...");
        if (mn_mig_optimize(ops, nops, app, a, &new_ops, &new_n, &err) != MN_OK)
            return mn_command_error(ctx, "%s", err.msg);
        if ((rc = check_optimized(ctx, &pr, app, chosen[0], ops, nops, new_ops, new_n)))
            return rc;
        if (verbosity > 0) {
            if (new_n == nops)
                mn_command_out(ctx, MN_STYLE_PLAIN, "  No optimizations possible.");
            else
                mn_command_out(ctx, MN_STYLE_PLAIN, "  Optimized from %zu operations to %zu operations.", nops, new_n);
        }
    }
    mn_migration *m = mn_arena_calloc(a, 1, sizeof *m);
    if (!m)
        return mn_command_error(ctx, "out of memory");
    m->app = app;
    m->atomic = true;
    m->ops = new_ops;
    m->nops = new_n;
    m->deps = deps;
    m->ndeps = ndeps;
    m->replaces = replaces;
    m->nreplaces = n;
    if (startm) {
        if (squashed_name) {
            const char *us = strchr(startm->name, '_');
            m->name = mn_arena_sprintf(a, "%.*s_%s", us ? (int)(us - startm->name) : (int)strlen(startm->name),
                                       startm->name, squashed_name);
        } else {
            m->name = mn_arena_sprintf(a, "%s_squashed_%s", startm->name, endm->name);
        }
    } else {
        m->name = squashed_name ? mn_arena_sprintf(a, "0001_%s", squashed_name)
                                : mn_arena_sprintf(a, "0001_squashed_%s", endm->name);
        m->initial = true;
    }
    if (!m->name)
        return mn_command_error(ctx, "out of memory");
    mn_str text = mn_migration_write(a, m, &err);
    if (!text.ptr)
        return mn_command_error(ctx, "%s", err.msg);
    const char *path = mn_arena_sprintf(a, "%s/%s.json", pr.dirs[ai], m->name);
    struct stat sb;
    /* Django 4.1 refuses to overwrite a migration; 3.2 silently did. */
    if (!stat(path, &sb))
        return mn_command_error(ctx, "Migration %s already exists. Use a different name.", m->name);
    if (write_file(path, text))
        return mn_command_error(ctx, "cannot write %s: %s", path, strerror(errno));
    if (verbosity > 0) {
        mn_command_out(ctx, MN_STYLE_MIGRATE_HEADING, "Created new squashed migration %s", path);
        mn_command_out(ctx, MN_STYLE_PLAIN,
                       "  You should commit this migration but leave the old ones in place;\n"
                       "  the new migration will be used for new installs. Once you are sure\n"
                       "  all instances of the codebase have applied the migrations you squashed,\n"
                       "  you can delete them.");
    }
    return 0;
}

static const mn_command_arg squashmigrations_args[] = {
    MN_ARG_POSITIONAL("app_label", MN_ARG_STR, "App label of the application to squash migrations for."),
    { .name = "start_migration_name", .type = MN_ARG_STR, .optional = true,
      .help = "Migrations will be squashed starting from and including this migration." },
    { .name = "migration_name", .type = MN_ARG_STR, .optional = true,
      .help = "Migrations will be squashed until and including this migration." },
    MN_ARG_FLAG("--no-optimize", "Do not try to optimize the squashed operations."),
    { .name = "--noinput", .type = MN_ARG_BOOL, .help = "Tells Manouche to NOT prompt the user for input of any kind." },
    { .name = "--no-input", .type = MN_ARG_BOOL, .help = "Same as --noinput." },
    MN_ARG_OPTION("--squashed-name", MN_ARG_STR, "Sets the name of the new squashed migration."),
    MN_ARG_END
};

const mn_command mn_squashmigrations_command = {
    .name = "squashmigrations",
    .help = "Squashes an existing set of migrations (from first until specified) into a single new one.",
    .args = squashmigrations_args,
    .handle = squashmigrations_handle,
};

/* ---- sqlmigrate ---- */

static int sqlmigrate_handle(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    proj pr = { 0 };
    /* Squashed and replaced migrations side by side: any can be shown. */
    int rc = load_project(ctx, &pr, false);
    if (!rc)
        rc = load_graph(ctx, &pr, NULL, MN_MIG_GRAPH_KEEP_REPLACED);
    if (rc)
        return rc;
    const char *app = mn_command_str(ctx, "app_label"), *name = mn_command_str(ctx, "migration_name");
    if (app_index(&pr, app) < 0)
        return mn_command_error(ctx, "App '%s' could not be found. Is it in INSTALLED_APPS?", app);
    if (!has_migrations(&pr, app))
        return mn_command_error(ctx, "App '%s' does not have migrations", app);
    long node = find_by_prefix(ctx, &pr, app, name, &rc);
    if (node < 0)
        return rc;
    mn_db_engine eng = pr.s->DATABASE.engine == MN_DB_POSTGRES ? MN_DB_POSTGRES : MN_DB_SQLITE;
    mn_err err = { 0 };
    mn_str text = mn_mig_sql_text(pr.g, (size_t)node, mn_command_flag(ctx, "backwards"), eng, a, &err);
    if (!text.ptr)
        return mn_command_error(ctx, "%s", err.msg);
    if (text.len && text.ptr[text.len - 1] == '\n')
        text.len--;
    size_t pos = 0;
    mn_str line;
    while (mn_str_next_field(text, '\n', &pos, &line))
        mn_command_out(ctx, MN_STYLE_PLAIN, "%.*s", MN_STR_FMT(line));
    return 0;
}

static const mn_command_arg sqlmigrate_args[] = {
    MN_ARG_POSITIONAL("app_label", MN_ARG_STR, "App label of the application containing the migration."),
    MN_ARG_POSITIONAL("migration_name", MN_ARG_STR, "Migration name to print the SQL for."),
    MN_ARG_FLAG("--backwards", "Creates SQL to unapply the migration, rather than to apply it"),
    MN_ARG_END
};

const mn_command mn_sqlmigrate_command = {
    .name = "sqlmigrate",
    .help = "Prints the SQL statements for the named migration.",
    .args = sqlmigrate_args,
    .handle = sqlmigrate_handle,
};
