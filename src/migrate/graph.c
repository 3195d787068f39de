/* Migrations: the loader, the dependency graph, django_migrations and the
 * executor. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include "migrate_internal.h"

/* ---- loading ---- */

static int cmp_cstr(const void *x, const void *y) { return strcmp(*(const char *const *)x, *(const char *const *)y); }

static int read_file(mn_arena *a, const char *path, mn_str *out, mn_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mn_err_set(err, MN_EIO, "%s: %s", path, strerror(errno));
    size_t cap = 4096, len = 0, limit = (size_t)4 << 20;
    char *buf = mn_arena_alloc(a, cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap)
            break;
        if (cap >= limit) {
            fclose(f);
            return mn_err_set(err, MN_ELIMIT, "%s: larger than 4 MiB", path);
        }
        buf = mn_arena_realloc(a, buf, cap, cap * 2);
        cap *= 2;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    if (bad)
        return mn_err_set(err, MN_EIO, "%s: read error", path);
    *out = mn_str_make(buf, len);
    return MN_OK;
}

static bool migration_file(const char *n)
{
    size_t l = strlen(n);
    return l > 5 && !strcmp(n + l - 5, ".json") && n[0] != '_' && n[0] != '.';
}

long mn_mig_graph_find(const mn_mig_graph *g, const char *app, const char *name)
{
    for (size_t i = 0; i < g->n; i++)
        if (!strcmp(g->nodes[i]->app, app) && !strcmp(g->nodes[i]->name, name))
            return (long)i;
    return -1;
}

/* Dependency target with __first__ / __latest__ resolved. */
static long resolve_dep(const mn_mig_graph *g, const mn_mig_key *d, mn_arena *a)
{
    if (!strcmp(d->name, "__first__") || !strcmp(d->name, "__latest__")) {
        bool first = d->name[2] == 'f';
        long found = -1;
        for (size_t i = 0; i < g->n; i++) {
            if (strcmp(g->nodes[i]->app, d->app))
                continue;
            if (found < 0 || (first ? strcmp(g->nodes[i]->name, g->nodes[found]->name) < 0
                                    : strcmp(g->nodes[i]->name, g->nodes[found]->name) > 0))
                found = (long)i;
        }
        if (!first && found >= 0) {
            size_t *leaves;
            size_t n = mn_mig_graph_leaves(g, d->app, a, &leaves);
            if (n)
                found = (long)leaves[n - 1];
        }
        return found;
    }
    return mn_mig_graph_find(g, d->app, d->name);
}

/* 0 white, 1 grey (on the stack), 2 black. */
static int cycle_dfs(const mn_mig_graph *g, size_t i, unsigned char *color, mn_err *err)
{
    color[i] = 1;
    for (size_t k = 0; k < g->nparents[i]; k++) {
        size_t p = g->parents[i][k];
        if (color[p] == 1)
            return mn_err_set(err, MN_EINVAL, "Circular dependency between migrations %s.%s and %s.%s",
                              g->nodes[i]->app, g->nodes[i]->name, g->nodes[p]->app, g->nodes[p]->name);
        if (color[p] == 0 && cycle_dfs(g, p, color, err) != MN_OK)
            return MN_EINVAL;
    }
    color[i] = 2;
    return MN_OK;
}

/* Every migration file of the apps, app by app, in name order. */
static int read_all(const char *const *apps, const char *const *dirs, size_t napps, mn_arena *a, mn_migration ***out,
                    size_t *nout, mn_err *err)
{
    size_t cap = 16, n = 0;
    mn_migration **all = mn_arena_calloc(a, cap, sizeof *all);
    if (!all)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < napps; i++) {
        DIR *d = dirs[i] ? opendir(dirs[i]) : NULL;
        if (!d)
            continue;
        size_t nn = 0, ncap = 16;
        char **names = mn_arena_calloc(a, ncap, sizeof *names);
        struct dirent *de;
        while (names && (de = readdir(d))) {
            if (!migration_file(de->d_name))
                continue;
            if (nn == ncap) {
                names = mn_arena_realloc(a, names, ncap * sizeof *names, ncap * 2 * sizeof *names);
                ncap *= 2;
                if (!names)
                    break;
            }
            names[nn++] = mn_arena_strdup(a, de->d_name);
        }
        closedir(d);
        if (!names)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        qsort(names, nn, sizeof *names, cmp_cstr);
        for (size_t k = 0; k < nn; k++) {
            const char *path = mn_arena_sprintf(a, "%s/%s", dirs[i], names[k]);
            char *mname = mn_arena_strndup(a, names[k], strlen(names[k]) - 5);
            mn_str text;
            int rc = read_file(a, path, &text, err);
            if (rc != MN_OK)
                return rc;
            mn_migration *m;
            if ((rc = mn_migration_parse(a, apps[i], mname, path, text, &m, err)) != MN_OK)
                return rc;
            if (n == cap) {
                all = mn_arena_realloc(a, all, cap * sizeof *all, cap * 2 * sizeof *all);
                cap *= 2;
                if (!all)
                    return mn_err_set(err, MN_ENOMEM, "out of memory");
            }
            all[n++] = m;
        }
    }
    *out = all;
    *nout = n;
    return MN_OK;
}

static long find_in(mn_migration *const *all, size_t n, const char *app, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(all[i]->app, app) && !strcmp(all[i]->name, name))
            return (long)i;
    return -1;
}

static bool key_in(const mn_mig_key *keys, size_t n, const char *app, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i].app, app) && !strcmp(keys[i].name, name))
            return true;
    return false;
}

/* What the loader made of each migration file. */
enum { LIVE, REPLACED, UNUSED_SQUASH };

typedef struct linker {
    mn_migration **all;
    size_t nall;
    unsigned char *fate;     /* per file: LIVE, REPLACED, UNUSED_SQUASH */
    long *by;                /* REPLACED: the squashed migration used instead */
    long *node;              /* per file: index in the graph, or -1 */
    mn_mig_graph *g;
    mn_arena *a;
} linker;

static int add_parent(linker *l, size_t child, size_t parent)
{
    mn_mig_graph *g = l->g;
    if (child == parent)
        return MN_OK; /* a replaced migration's edge to its own squash */
    for (size_t k = 0; k < g->nparents[child]; k++)
        if (g->parents[child][k] == parent)
            return MN_OK;
    size_t *p = mn_arena_realloc(l->a, g->parents[child], (g->nparents[child] + 1) * sizeof *p,
                                 (g->nparents[child] + 2) * sizeof *p);
    if (!p)
        return MN_ENOMEM;
    p[g->nparents[child]++] = parent;
    g->parents[child] = p;
    return MN_OK;
}

/* Links child to the graph nodes standing for file f: itself, the squash
 * that replaced it, or (a squash not used) the newest migrations it
 * replaces. depth bounds chains of squashes. */
static int link_file(linker *l, size_t child, long f, int depth)
{
    if (depth > 16)
        return MN_EINVAL;
    if (l->fate[f] == LIVE)
        return add_parent(l, child, (size_t)l->node[f]);
    if (l->fate[f] == REPLACED)
        return link_file(l, child, l->by[f], depth + 1);
    const mn_migration *r = l->all[f];
    for (size_t i = 0; i < r->nreplaces; i++) {
        long x = find_in(l->all, l->nall, r->replaces[i].app, r->replaces[i].name);
        if (x < 0)
            continue;
        /* Only the newest: a replaced migration others of the set depend on
         * is already reached through them. */
        bool newest = true;
        for (size_t j = 0; j < r->nreplaces && newest; j++) {
            long y = find_in(l->all, l->nall, r->replaces[j].app, r->replaces[j].name);
            if (y >= 0 && y != x && key_in(l->all[y]->deps, l->all[y]->ndeps, l->all[x]->app, l->all[x]->name))
                newest = false;
        }
        if (newest) {
            int rc = link_file(l, child, x, depth + 1);
            if (rc != MN_OK)
                return rc;
        }
    }
    return MN_OK;
}

int mn_mig_graph_load_applied(const char *const *apps, const char *const *dirs, size_t napps, mn_map *applied,
                              unsigned flags, mn_arena *a, mn_mig_graph **out, mn_err *err)
{
    mn_mig_graph *g = mn_arena_calloc(a, 1, sizeof *g);
    if (!g)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    linker l = { .g = g, .a = a };
    int rc = read_all(apps, dirs, napps, a, &l.all, &l.nall, err);
    if (rc != MN_OK)
        return rc;
    size_t nall = l.nall;
    l.fate = mn_arena_calloc(a, nall + 1, 1);
    l.by = mn_arena_calloc(a, nall + 1, sizeof *l.by);
    l.node = mn_arena_calloc(a, nall + 1, sizeof *l.node);
    g->replacements = mn_arena_calloc(a, nall + 1, sizeof *g->replacements);
    if (!l.fate || !l.by || !l.node || !g->replacements)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    /* Django's loader: a squashed migration is used when all or none of
     * the migrations it replaces are applied (it counts as applied with
     * all), and left out when only some are. */
    for (size_t i = 0; i < nall; i++) {
        mn_migration *r = l.all[i];
        if (!r->nreplaces)
            continue;
        g->replacements[g->nreplacements++] = r;
        if (flags & MN_MIG_GRAPH_KEEP_REPLACED)
            continue;
        size_t done = 0;
        mn_value latest = mn_value_null();
        for (size_t k = 0; applied && k < r->nreplaces; k++) {
            char *key = mn_arena_sprintf(a, "%s.%s", r->replaces[k].app, r->replaces[k].name);
            mn_value *at = key ? mn_map_find(applied, mn_str_from(key)) : NULL;
            if (!at)
                continue;
            done++;
            if (at->type == MN_VALUE_STR && (latest.type != MN_VALUE_STR || mn_str_cmp(at->u.s, latest.u.s) > 0))
                latest = *at;
        }
        if (applied) {
            char *key = mn_arena_sprintf(a, "%s.%s", r->app, r->name);
            if (!key)
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            if (done == r->nreplaces) {
                if (!mn_map_has(applied, mn_str_from(key)) && mn_map_set_cstr(applied, key, latest) != MN_OK)
                    return mn_err_set(err, MN_ENOMEM, "out of memory");
            } else {
                mn_map_remove(applied, mn_str_from(key));
            }
        }
        if (done && done < r->nreplaces) {
            l.fate[i] = UNUSED_SQUASH;
            continue;
        }
        for (size_t k = 0; k < r->nreplaces; k++) {
            long x = find_in(l.all, nall, r->replaces[k].app, r->replaces[k].name);
            if (x >= 0 && x != (long)i && l.fate[x] == LIVE) {
                l.fate[x] = REPLACED;
                l.by[x] = (long)i;
            }
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < nall; i++)
        if (l.fate[i] == LIVE)
            n++;
    g->nodes = mn_arena_calloc(a, n + 1, sizeof *g->nodes);
    g->parents = mn_arena_calloc(a, n + 1, sizeof *g->parents);
    g->children = mn_arena_calloc(a, n + 1, sizeof *g->children);
    g->nparents = mn_arena_calloc(a, n + 1, sizeof *g->nparents);
    g->nchildren = mn_arena_calloc(a, n + 1, sizeof *g->nchildren);
    if (!g->nodes || !g->parents || !g->children || !g->nparents || !g->nchildren)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < nall; i++) {
        l.node[i] = -1;
        if (l.fate[i] == LIVE) {
            l.node[i] = (long)g->n;
            g->nodes[g->n++] = l.all[i];
        }
    }
    /* Edges: a dependency on a replaced migration (its file may be gone)
     * points to the squash; a used squash also inherits the dependencies
     * of the migrations it replaces (Django's remove_replaced_nodes). */
    for (size_t f = 0; f < nall; f++) {
        const mn_migration *m = l.all[f];
        long owner = l.fate[f] == LIVE ? l.node[f] : l.fate[f] == REPLACED ? l.node[l.by[f]] : -1;
        if (owner < 0)
            continue;
        for (size_t k = 0; k < m->ndeps; k++) {
            const mn_mig_key *d = &m->deps[k];
            long p = -1;
            if (!strcmp(d->name, "__first__") || !strcmp(d->name, "__latest__")) {
                p = resolve_dep(g, d, a);
                if (p >= 0 && (rc = add_parent(&l, (size_t)owner, (size_t)p)) != MN_OK)
                    return mn_err_set(err, MN_ENOMEM, "out of memory");
            } else if ((p = find_in(l.all, nall, d->app, d->name)) >= 0) {
                if (p == (long)f)
                    return mn_err_set(err, MN_EINVAL, "Migration %s.%s depends on itself", m->app, m->name);
                if ((rc = link_file(&l, (size_t)owner, p, 0)) != MN_OK)
                    return rc == MN_ENOMEM ? mn_err_set(err, rc, "out of memory")
                                           : mn_err_set(err, rc, "Migration %s.%s: squashed migrations replace each "
                                                                 "other in a loop", m->app, m->name);
                continue;
            } else {
                /* A file that is gone: a used squash replacing it stands in. */
                const char *tries = NULL;
                for (size_t r = 0; r < nall && p < 0; r++) {
                    const mn_migration *sq = l.all[r];
                    if (!sq->nreplaces || !key_in(sq->replaces, sq->nreplaces, d->app, d->name))
                        continue;
                    if (l.fate[r] == LIVE)
                        p = l.node[r];
                    else
                        tries = tries ? mn_arena_sprintf(a, "%s, %s.%s", tries, sq->app, sq->name)
                                      : mn_arena_sprintf(a, "%s.%s", sq->app, sq->name);
                }
                if (p >= 0) {
                    if ((rc = add_parent(&l, (size_t)owner, (size_t)p)) != MN_OK)
                        return mn_err_set(err, MN_ENOMEM, "out of memory");
                    continue;
                }
                if (tries)
                    return mn_err_set(err, MN_EINVAL,
                                      "Migration %s.%s depends on nonexistent node ('%s', '%s'). Manouche tried to "
                                      "replace migration %s.%s with any of [%s] but wasn't able to because some of "
                                      "the replaced migrations are already applied.",
                                      m->app, m->name, d->app, d->name, d->app, d->name, tries);
            }
            if (p < 0)
                return mn_err_set(err, MN_EINVAL,
                                  "Migration %s.%s dependencies reference nonexistent parent node ('%s', '%s')",
                                  m->app, m->name, d->app, d->name);
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < g->nparents[i]; k++)
            g->nchildren[g->parents[i][k]]++;
    for (size_t i = 0; i < n; i++) {
        g->children[i] = mn_arena_calloc(a, g->nchildren[i] + 1, sizeof **g->children);
        if (!g->children[i])
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        g->nchildren[i] = 0;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < g->nparents[i]; k++) {
            size_t p = g->parents[i][k];
            g->children[p][g->nchildren[p]++] = i;
        }
    unsigned char *color = mn_arena_calloc(a, n + 1, 1);
    if (!color)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (!color[i] && cycle_dfs(g, i, color, err) != MN_OK)
            return MN_EINVAL;
    *out = g;
    return MN_OK;
}

int mn_mig_graph_load(const char *const *apps, const char *const *dirs, size_t napps, mn_arena *a,
                      mn_mig_graph **out, mn_err *err)
{
    return mn_mig_graph_load_applied(apps, dirs, napps, NULL, 0, a, out, err);
}

size_t mn_mig_graph_leaves(const mn_mig_graph *g, const char *app, mn_arena *a, size_t **out)
{
    size_t *r = mn_arena_calloc(a, g->n + 1, sizeof *r), n = 0;
    *out = r;
    if (!r)
        return 0;
    for (size_t i = 0; i < g->n; i++) {
        if (strcmp(g->nodes[i]->app, app))
            continue;
        bool leaf = true;
        for (size_t k = 0; k < g->nchildren[i] && leaf; k++)
            leaf = strcmp(g->nodes[g->children[i][k]]->app, app) != 0;
        if (leaf)
            r[n++] = i;
    }
    return n;
}

/* Post-order walk over parents (forwards) or children (backwards), in name
 * order so plans are stable. */
static void walk(const mn_mig_graph *g, size_t i, bool up, unsigned char *seen, size_t *out, size_t *n)
{
    if (seen[i])
        return;
    seen[i] = 1;
    size_t cnt = up ? g->nparents[i] : g->nchildren[i];
    const size_t *next = up ? g->parents[i] : g->children[i];
    /* Visit in (app, name) order. */
    unsigned char *done = NULL;
    for (size_t round = 0; round < cnt; round++) {
        long best = -1;
        for (size_t k = 0; k < cnt; k++) {
            size_t c = next[k];
            if (seen[c])
                continue;
            if (best < 0) {
                best = (long)c;
                continue;
            }
            int r = strcmp(g->nodes[c]->app, g->nodes[best]->app);
            if (r < 0 || (r == 0 && strcmp(g->nodes[c]->name, g->nodes[best]->name) < 0))
                best = (long)c;
        }
        if (best < 0)
            break;
        walk(g, (size_t)best, up, seen, out, n);
    }
    (void)done;
    out[(*n)++] = i;
}

size_t mn_mig_graph_forwards(const mn_mig_graph *g, size_t node, mn_arena *a, size_t **out)
{
    unsigned char *seen = mn_arena_calloc(a, g->n + 1, 1);
    size_t *r = mn_arena_calloc(a, g->n + 1, sizeof *r), n = 0;
    *out = r;
    if (!seen || !r)
        return 0;
    walk(g, node, true, seen, r, &n);
    return n;
}

size_t mn_mig_graph_backwards(const mn_mig_graph *g, size_t node, mn_arena *a, size_t **out)
{
    unsigned char *seen = mn_arena_calloc(a, g->n + 1, 1);
    size_t *r = mn_arena_calloc(a, g->n + 1, sizeof *r), n = 0;
    *out = r;
    if (!seen || !r)
        return 0;
    walk(g, node, false, seen, r, &n);
    return n;
}

mn_mig_state *mn_mig_graph_state(const mn_mig_graph *g, long node, bool inclusive, mn_arena *a, mn_err *err)
{
    mn_mig_state *st = mn_mig_state_new(a);
    if (!st) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    if (node < 0)
        return st;
    size_t *order;
    size_t n = mn_mig_graph_forwards(g, (size_t)node, a, &order);
    if (!inclusive && n)
        n--;
    for (size_t i = 0; i < n; i++)
        if (mn_mig_state_apply_migration(st, g->nodes[order[i]], err) != MN_OK)
            return NULL;
    return st;
}

mn_mig_state *mn_mig_graph_full_state(const mn_mig_graph *g, mn_arena *a, mn_err *err)
{
    mn_mig_state *st = mn_mig_state_new(a);
    unsigned char *seen = mn_arena_calloc(a, g->n + 1, 1);
    size_t *order = mn_arena_calloc(a, g->n + 1, sizeof *order), n = 0;
    if (!st || !seen || !order) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < g->n; i++)
        walk(g, i, true, seen, order, &n);
    for (size_t i = 0; i < n; i++)
        if (mn_mig_state_apply_migration(st, g->nodes[order[i]], err) != MN_OK)
            return NULL;
    return st;
}

/* ---- django_migrations ---- */

static int table_exists(mn_db *db, mn_arena *a, bool *out, mn_err *err)
{
    const char *sql = mn_db_engine_of(db) == MN_DB_POSTGRES
                          ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                            "AND table_name = 'django_migrations'"
                          : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'";
    mn_value v;
    int rc = mn_db_query_value(db, sql, NULL, 0, a, &v, err);
    if (rc != MN_OK)
        return rc;
    *out = v.type == MN_VALUE_INT && v.u.i > 0;
    return MN_OK;
}

int mn_mig_recorder_ensure(mn_db *db, mn_err *err)
{
    mn_arena *a = mn_arena_new("migrations", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    bool exists = false;
    int rc = table_exists(db, a, &exists, err);
    mn_arena_free(a);
    if (rc != MN_OK || exists)
        return rc;
    /* Django's MigrationRecorder.Migration model, as its schema editor
     * creates it. */
    const char *sql = mn_db_engine_of(db) == MN_DB_POSTGRES
                          ? "CREATE TABLE \"django_migrations\" (\"id\" serial NOT NULL PRIMARY KEY, \"app\" "
                            "varchar(255) NOT NULL, \"name\" varchar(255) NOT NULL, \"applied\" timestamp with time "
                            "zone NOT NULL)"
                          : "CREATE TABLE \"django_migrations\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
                            "\"app\" varchar(255) NOT NULL, \"name\" varchar(255) NOT NULL, \"applied\" datetime NOT "
                            "NULL)";
    return mn_db_execute(db, sql, NULL, 0, NULL, err);
}

int mn_mig_recorder_applied(mn_db *db, mn_arena *a, mn_map **out, mn_err *err)
{
    mn_map *m = mn_map_new(a, 16);
    if (!m)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    *out = m;
    bool exists = false;
    int rc = table_exists(db, a, &exists, err);
    if (rc != MN_OK || !exists)
        return rc;
    mn_db_rows *rows;
    rc = mn_db_execute(db, "SELECT \"app\", \"name\", \"applied\" FROM \"django_migrations\"", NULL, 0, &rows, err);
    if (rc != MN_OK)
        return rc;
    while ((rc = mn_db_rows_next(rows, err)) == MN_OK) {
        mn_str app = mn_db_rows_text(rows, 0), name = mn_db_rows_text(rows, 1), at = mn_db_rows_text(rows, 2);
        char *key = mn_arena_sprintf(a, "%.*s.%.*s", MN_STR_FMT(app), MN_STR_FMT(name));
        if (!key || mn_map_set_cstr(m, key, mn_value_str(mn_str_clone(a, at))) != MN_OK) {
            mn_db_rows_close(rows);
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        }
    }
    mn_db_rows_close(rows);
    return rc == MN_ENOTFOUND ? MN_OK : rc;
}

/* ---- executing ---- */

/* DDL takes no parameters: '%' is doubled for the placeholder syntax. */
static int exec_ddl(mn_db *db, mn_str s, mn_arena *a, mn_err *err)
{
    mn_buf b;
    mn_buf_init(&b, a, 0);
    for (size_t k = 0; k < s.len; k++) {
        if (s.ptr[k] == '%')
            mn_buf_putc(&b, '%');
        mn_buf_putc(&b, s.ptr[k]);
    }
    if (mn_buf_error(&b))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    return mn_db_execute(db, mn_buf_cstr(&b), NULL, 0, NULL, err);
}

static int run_ops(mn_db *db, const mn_migration *m, mn_mig_state *before, bool back, mn_arena *a, mn_err *err)
{
    mn_db_engine eng = mn_db_engine_of(db);
    mn_mig_state **states = mn_arena_calloc(a, m->nops + 1, sizeof *states);
    if (!states)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    states[0] = before;
    for (size_t i = 0; i < m->nops; i++) {
        states[i + 1] = mn_mig_state_clone(states[i]);
        if (!states[i + 1])
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        int rc = mn_mig_state_apply(states[i + 1], m->app, &m->ops[i], err);
        if (rc != MN_OK)
            return mn_err_prefix(err, "%s.%s: operation %zu: ", m->app, m->name, i + 1);
    }
    for (size_t k = 0; k < m->nops; k++) {
        size_t i = back ? m->nops - 1 - k : k;
        const mn_mig_op *op = &m->ops[i];
        int rc = MN_OK;
        if (op->kind == MN_OP_RUN_C) {
            const char *name = back ? op->reverse_code : op->code;
            if (!name) {
                rc = mn_err_set(err, MN_EINVAL, "RunC %s is irreversible (it has no reverse_code)", op->code);
            } else {
                mn_migrate_fn fn = mn_migrate_lookup(name);
                if (!fn)
                    rc = mn_err_set(err, MN_EINVAL,
                                    "RunC: no function registered as '%s' (call mn_migrate_register in the app's "
                                    "ready hook)",
                                    name);
                else
                    rc = fn(db, a, err);
                if (rc != MN_OK && err && !err->code)
                    mn_err_set(err, rc, "RunC %s failed: %s", name, mn_strerror(rc));
            }
        } else {
            mn_list *sql = mn_list_new(a, 8);
            if (!sql)
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            rc = back ? mn_mig_op_sql(op, m->app, states[i + 1], states[i], eng, true, a, sql, err)
                      : mn_mig_op_sql(op, m->app, states[i], states[i + 1], eng, false, a, sql, err);
            for (size_t s = 0; rc == MN_OK && s < mn_list_len(sql); s++)
                rc = exec_ddl(db, mn_list_get(sql, s).u.s, a, err);
        }
        if (rc != MN_OK)
            return mn_err_prefix(err, "%s.%s: operation %zu (%s): ", m->app, m->name, i + 1,
                                 mn_mig_op_name(op->kind));
    }
    return MN_OK;
}

static int fk_check(mn_db *db, mn_err *err)
{
    mn_db_rows *rows;
    int rc = mn_db_execute(db, "PRAGMA foreign_key_check", NULL, 0, &rows, err);
    if (rc != MN_OK)
        return rc;
    rc = mn_db_rows_next(rows, err);
    if (rc == MN_OK) {
        mn_str table = mn_db_rows_text(rows, 0), parent = mn_db_rows_text(rows, 2);
        int64_t rowid = mn_db_rows_int(rows, 1);
        rc = mn_err_set(err, MN_EPERM,
                        "foreign key check failed: row %lld of table %.*s refers to a missing row of %.*s",
                        (long long)rowid, MN_STR_FMT(table), MN_STR_FMT(parent));
    } else if (rc == MN_ENOTFOUND) {
        rc = MN_OK;
    }
    mn_db_rows_close(rows);
    return rc;
}

static const char *now_text(mn_arena *a, bool pg)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    time_t t = tv.tv_sec;
    gmtime_r(&t, &tm);
    char buf[40];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return mn_arena_sprintf(a, "%s.%06ld%s", buf, (long)tv.tv_usec, pg ? "+00:00" : "");
}

int mn_mig_execute(mn_db *db, const mn_mig_graph *g, size_t node, bool back, bool fake, mn_arena *a, mn_err *err)
{
    const mn_migration *m = g->nodes[node];
    bool sqlite = mn_db_engine_of(db) == MN_DB_SQLITE;
    mn_mig_state *before = NULL;
    if (!fake && !(before = mn_mig_graph_state(g, (long)node, false, a, err)))
        return err && err->code ? err->code : MN_ENOMEM;
    bool atomic = m->atomic;
    /* SQLite's table rebuild drops tables others refer to: foreign keys are
     * off while it runs (this cannot change inside a transaction) and are
     * checked before the commit. */
    bool fk_off = sqlite && !fake && mn_db_depth(db) == 0;
    int rc;
    if (fk_off && (rc = mn_db_execute(db, "PRAGMA foreign_keys = OFF", NULL, 0, NULL, err)) != MN_OK)
        return rc;
    if (atomic && (rc = mn_db_begin(db, err)) != MN_OK)
        goto out;
    rc = fake ? MN_OK : run_ops(db, m, before, back, a, err);
    /* A squashed migration is recorded as the migrations it replaces
     * (mn_mig_recorder_check_replacements adds its own row); backwards,
     * its own row goes too (Django 4.0's fix of ticket #25255). */
    for (size_t k = 0; rc == MN_OK && k < (m->nreplaces ? m->nreplaces : 1) + (back && m->nreplaces); k++) {
        const mn_mig_key self = { m->app, m->name };
        const mn_mig_key *key = k < m->nreplaces ? &m->replaces[k] : &self;
        mn_value p[3] = { mn_value_cstr(key->app), mn_value_cstr(key->name), mn_value_cstr(now_text(a, !sqlite)) };
        rc = back ? mn_db_execute(db, "DELETE FROM \"django_migrations\" WHERE \"app\" = %s AND \"name\" = %s", p, 2,
                                  NULL, err)
                  : mn_db_execute(db,
                                  "INSERT INTO \"django_migrations\" (\"app\", \"name\", \"applied\") VALUES (%s, "
                                  "%s, %s)",
                                  p, 3, NULL, err);
    }
    if (rc == MN_OK && fk_off)
        rc = fk_check(db, err);
    if (atomic) {
        if (rc == MN_OK) {
            rc = mn_db_commit(db, err);
        } else {
            mn_err keep = *err;
            mn_db_rollback(db, NULL);
            *err = keep;
        }
    }
out:
    if (fk_off) {
        mn_err ignore = { 0 };
        mn_db_execute(db, "PRAGMA foreign_keys = ON", NULL, 0, NULL, &ignore);
    }
    return rc;
}

int mn_mig_recorder_check_replacements(mn_db *db, const mn_mig_graph *g, mn_arena *a, size_t *recorded, mn_err *err)
{
    if (recorded)
        *recorded = 0;
    if (!g->nreplacements)
        return MN_OK;
    mn_map *applied;
    int rc = mn_mig_recorder_applied(db, a, &applied, err);
    if (rc != MN_OK)
        return rc;
    bool pg = mn_db_engine_of(db) == MN_DB_POSTGRES;
    for (size_t i = 0; i < g->nreplacements; i++) {
        const mn_migration *r = g->replacements[i];
        bool all = true;
        for (size_t k = 0; k < r->nreplaces && all; k++)
            all = mn_map_has(applied,
                             mn_str_from(mn_arena_sprintf(a, "%s.%s", r->replaces[k].app, r->replaces[k].name)));
        if (!all || mn_map_has(applied, mn_str_from(mn_arena_sprintf(a, "%s.%s", r->app, r->name))))
            continue;
        mn_value p[3] = { mn_value_cstr(r->app), mn_value_cstr(r->name), mn_value_cstr(now_text(a, pg)) };
        rc = mn_db_execute(db, "INSERT INTO \"django_migrations\" (\"app\", \"name\", \"applied\") VALUES (%s, %s, %s)",
                           p, 3, NULL, err);
        if (rc != MN_OK)
            return rc;
        if (recorded)
            (*recorded)++;
    }
    return MN_OK;
}

mn_str mn_mig_sql_text(const mn_mig_graph *g, size_t node, bool back, mn_db_engine eng, mn_arena *a, mn_err *err)
{
    const mn_migration *m = g->nodes[node];
    mn_str none = { NULL, 0 };
    mn_mig_state *before = mn_mig_graph_state(g, (long)node, false, a, err);
    if (!before)
        return none;
    mn_mig_state **states = mn_arena_calloc(a, m->nops + 1, sizeof *states);
    if (!states) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return none;
    }
    states[0] = before;
    for (size_t i = 0; i < m->nops; i++) {
        if (!(states[i + 1] = mn_mig_state_clone(states[i])) ||
            mn_mig_state_apply(states[i + 1], m->app, &m->ops[i], err) != MN_OK) {
            if (!err || !err->code)
                mn_err_set(err, MN_ENOMEM, "out of memory");
            return none;
        }
    }
    mn_buf b;
    mn_buf_init(&b, a, 0);
    if (m->atomic)
        mn_buf_puts(&b, "BEGIN;\n");
    for (size_t k = 0; k < m->nops; k++) {
        size_t i = back ? m->nops - 1 - k : k;
        const mn_mig_op *op = &m->ops[i];
        mn_buf_printf(&b, "--\n-- %s\n--\n", mn_mig_op_describe(op, a));
        if (op->kind == MN_OP_RUN_C) {
            mn_buf_puts(&b, "-- THIS OPERATION CANNOT BE WRITTEN AS SQL\n");
            continue;
        }
        mn_list *sql = mn_list_new(a, 8);
        int rc = !sql ? mn_err_set(err, MN_ENOMEM, "out of memory")
                 : back ? mn_mig_op_sql(op, m->app, states[i + 1], states[i], eng, true, a, sql, err)
                        : mn_mig_op_sql(op, m->app, states[i], states[i + 1], eng, false, a, sql, err);
        if (rc != MN_OK)
            return none;
        for (size_t s = 0; s < mn_list_len(sql); s++)
            mn_buf_printf(&b, "%.*s;\n", MN_STR_FMT(mn_list_get(sql, s).u.s));
    }
    if (m->atomic)
        mn_buf_puts(&b, "COMMIT;\n");
    if (mn_buf_error(&b)) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return none;
    }
    return mn_buf_str(&b);
}
