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

int mn_mig_graph_load(const char *const *apps, const char *const *dirs, size_t napps, mn_arena *a,
                      mn_mig_graph **out, mn_err *err)
{
    mn_mig_graph *g = mn_arena_calloc(a, 1, sizeof *g);
    size_t cap = 16;
    if (!g || !(g->nodes = mn_arena_calloc(a, cap, sizeof *g->nodes)))
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
            if (g->n == cap) {
                g->nodes = mn_arena_realloc(a, g->nodes, cap * sizeof *g->nodes, cap * 2 * sizeof *g->nodes);
                cap *= 2;
                if (!g->nodes)
                    return mn_err_set(err, MN_ENOMEM, "out of memory");
            }
            g->nodes[g->n++] = m;
        }
    }
    size_t n = g->n;
    g->parents = mn_arena_calloc(a, n + 1, sizeof *g->parents);
    g->children = mn_arena_calloc(a, n + 1, sizeof *g->children);
    g->nparents = mn_arena_calloc(a, n + 1, sizeof *g->nparents);
    g->nchildren = mn_arena_calloc(a, n + 1, sizeof *g->nchildren);
    if (!g->parents || !g->children || !g->nparents || !g->nchildren)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mn_migration *m = g->nodes[i];
        g->parents[i] = mn_arena_calloc(a, m->ndeps + 1, sizeof **g->parents);
        if (!g->parents[i])
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        for (size_t k = 0; k < m->ndeps; k++) {
            long p = resolve_dep(g, &m->deps[k], a);
            if (p < 0)
                return mn_err_set(err, MN_EINVAL,
                                  "Migration %s.%s dependencies reference nonexistent parent node ('%s', '%s')",
                                  m->app, m->name, m->deps[k].app, m->deps[k].name);
            if ((size_t)p == i)
                return mn_err_set(err, MN_EINVAL, "Migration %s.%s depends on itself", m->app, m->name);
            g->parents[i][g->nparents[i]++] = (size_t)p;
            g->nchildren[p]++;
        }
    }
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
    if (rc == MN_OK) {
        mn_value p[3] = { mn_value_cstr(m->app), mn_value_cstr(m->name),
                          mn_value_cstr(now_text(a, !sqlite)) };
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
