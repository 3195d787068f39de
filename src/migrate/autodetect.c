/* Migrations: the autodetector (Django's MigrationAutodetector): the
 * operations that turn the state replayed from the migrations into the
 * models compiled into ./manage. */
#include <string.h>
#include <strings.h>
#include "migrate_internal.h"

typedef struct det {
    mn_arena *a;
    const char *app;
    mn_mig_state *cur; /* from, with the operations generated so far applied */
    const mn_mig_state *to;
    const mn_mig_questioner *q;
    mn_mig_op *ops;
    size_t nops, cap;
    mn_mig_key *deps;
    size_t ndeps, depcap;
    mn_err *err;
} det;

static int add_op(det *d, const mn_mig_op *op)
{
    if (d->nops == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        mn_mig_op *n = mn_arena_calloc(d->a, cap, sizeof *n);
        if (!n)
            return mn_err_set(d->err, MN_ENOMEM, "out of memory");
        if (d->nops)
            memcpy(n, d->ops, d->nops * sizeof *n);
        d->ops = n;
        d->cap = cap;
    }
    d->ops[d->nops++] = *op;
    int rc = mn_mig_state_apply(d->cur, d->app, op, d->err);
    if (rc != MN_OK)
        mn_err_prefix(d->err, "autodetector: ");
    return rc;
}

static int add_dep_app(det *d, const char *ref)
{
    const char *dot = strrchr(ref, '.');
    if (!dot)
        return MN_OK;
    char *app = mn_arena_strndup(d->a, ref, (size_t)(dot - ref));
    if (!app)
        return mn_err_set(d->err, MN_ENOMEM, "out of memory");
    if (!strcmp(app, d->app))
        return MN_OK;
    for (size_t i = 0; i < d->ndeps; i++)
        if (!strcmp(d->deps[i].app, app))
            return MN_OK;
    if (d->ndeps == d->depcap) {
        size_t cap = d->depcap ? d->depcap * 2 : 4;
        mn_mig_key *n = mn_arena_calloc(d->a, cap, sizeof *n);
        if (!n)
            return mn_err_set(d->err, MN_ENOMEM, "out of memory");
        if (d->ndeps)
            memcpy(n, d->deps, d->ndeps * sizeof *n);
        d->deps = n;
        d->depcap = cap;
    }
    d->deps[d->ndeps++] = (mn_mig_key){ app, NULL };
    return MN_OK;
}

static bool same_but_name(const mn_mig_field *a, const mn_mig_field *b)
{
    mn_mig_field x = *a;
    x.name = b->name;
    if (!a->db_column || !b->db_column)
        x.db_column = b->db_column == NULL && a->db_column == NULL ? NULL : a->db_column;
    return mn_mig_field_equal(&x, b);
}

static bool same_fields(const mn_mig_model *a, const mn_mig_model *b)
{
    if (a->nfields != b->nfields)
        return false;
    for (size_t i = 0; i < a->nfields; i++) {
        const mn_mig_field *g = mn_mig_model_field(b, a->fields[i].name);
        if (!g || !mn_mig_field_equal(&a->fields[i], g))
            return false;
    }
    return true;
}

static const char **models_of(det *d, const mn_mig_state *st, size_t *n)
{
    const char **r = mn_arena_calloc(d->a, st->nmodels + 1, sizeof *r);
    *n = 0;
    for (size_t i = 0; r && i < st->nmodels; i++)
        if (!strcmp(st->models[i]->app, d->app))
            r[(*n)++] = st->models[i]->name;
    return r;
}

static bool ut_has(const char *const *const *ut, const char *const *names)
{
    for (size_t i = 0; ut && ut[i]; i++)
        if (mn__mig_names_eq(ut[i], names))
            return true;
    return false;
}

static bool ut_same(const char *const *const *a, const char *const *const *b)
{
    size_t na = 0, nb = 0;
    while (a && a[na])
        na++;
    while (b && b[nb])
        nb++;
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!ut_has(b, a[i]))
            return false;
    return true;
}

static bool index_eq(const mn_mig_index *a, const mn_mig_index *b)
{
    return !strcmp(a->name, b->name) && mn__mig_names_eq(a->fields, b->fields) &&
           mn__mig_streq(a->condition, b->condition) && mn__mig_conds_eq(a->q, b->q) &&
           mn__mig_qc_eq(a->qc, b->qc);
}

static bool constraint_eq(const mn_mig_constraint *a, const mn_mig_constraint *b)
{
    return a->kind == b->kind && !strcmp(a->name, b->name) && mn__mig_streq(a->check, b->check) &&
           mn__mig_names_eq(a->fields, b->fields) && mn__mig_streq(a->condition, b->condition) &&
           mn__mig_conds_eq(a->q, b->q) && mn__mig_qc_eq(a->qc, b->qc);
}

/* Whether adding f to an existing table needs a value for the rows there
 * (Django's preserve_default test). */
static bool needs_default(const mn_mig_field *f)
{
    bool text = f->kind == MN_KIND_CHAR || f->kind == MN_KIND_TEXT || f->kind == MN_KIND_SLUG ||
                f->kind == MN_KIND_EMAIL || f->kind == MN_KIND_URL || f->kind == MN_KIND_FILE ||
                f->kind == MN_KIND_IMAGE;
    return f->kind != MN_MIG_KIND_M2M && !f->null && !f->default_value && !(f->blank && text) && !f->auto_now &&
           !f->auto_now_add && !f->primary_key;
}

static int create_models(det *d, const char **added, size_t nadded)
{
    bool *done = mn_arena_calloc(d->a, nadded + 1, sizeof *done);
    if (!done)
        return mn_err_set(d->err, MN_ENOMEM, "out of memory");
    /* FKs to models created later in a cycle are added afterwards. */
    mn_mig_op *late = mn_arena_calloc(d->a, 64 * (nadded + 1), sizeof *late);
    size_t nlate = 0;
    if (!late)
        return mn_err_set(d->err, MN_ENOMEM, "out of memory");
    for (size_t round = 0; round < nadded; round++) {
        long pick = -1;
        for (size_t i = 0; i < nadded && pick < 0; i++) {
            if (done[i])
                continue;
            const mn_mig_model *m = mn_mig_state_find(d->to, d->app, added[i]);
            bool ready = true;
            for (size_t k = 0; k < m->nfields && ready; k++) {
                const mn_mig_field *f = &m->fields[k];
                if (!mn__mig_is_fk(f->kind) && f->kind != MN_MIG_KIND_M2M)
                    continue;
                const mn_mig_model *t = mn_mig_state_resolve(d->to, f->to);
                ready = !t || t == m || strcmp(t->app, d->app) || mn_mig_state_find(d->cur, d->app, t->name);
            }
            if (ready)
                pick = (long)i;
        }
        bool forced = pick < 0;
        if (forced)
            for (size_t i = 0; i < nadded && pick < 0; i++)
                if (!done[i])
                    pick = (long)i;
        done[pick] = true;
        const mn_mig_model *m = mn_mig_state_find(d->to, d->app, added[pick]);
        mn_mig_model *c = mn__mig_model_copy(d->a, m);
        if (!c)
            return mn_err_set(d->err, MN_ENOMEM, "out of memory");
        size_t keep = 0;
        for (size_t k = 0; k < m->nfields; k++) {
            const mn_mig_field *f = &m->fields[k];
            if (mn__mig_is_fk(f->kind) || f->kind == MN_MIG_KIND_M2M) {
                int rc = add_dep_app(d, f->to);
                if (rc != MN_OK)
                    return rc;
                const mn_mig_model *t = mn_mig_state_resolve(d->to, f->to);
                if (forced && t && t != m && !strcmp(t->app, d->app) && !mn_mig_state_find(d->cur, d->app, t->name) &&
                    nlate < 64 * (nadded + 1)) {
                    late[nlate++] = (mn_mig_op){ .kind = MN_OP_ADD_FIELD, .model_name = mn__mig_lower(d->a, m->name),
                                                 .name = f->name, .field = *f, .preserve_default = true };
                    continue;
                }
            }
            c->fields[keep++] = *f;
        }
        c->nfields = keep;
        if (nlate) {
            /* Options naming a deferred field wait for it too. */
            c->unique_together = NULL;
            c->nindexes = 0;
            c->nconstraints = 0;
        }
        mn_mig_op op = { .kind = MN_OP_CREATE_MODEL, .name = m->name, .model = c };
        int rc = add_op(d, &op);
        if (rc != MN_OK)
            return rc;
    }
    for (size_t i = 0; i < nlate; i++) {
        int rc = add_op(d, &late[i]);
        if (rc != MN_OK)
            return rc;
    }
    return MN_OK;
}

/* Options deferred by a cycle, for models created in this run. */
static int finish_created(det *d, const char **added, size_t nadded)
{
    for (size_t i = 0; i < nadded; i++) {
        const mn_mig_model *want = mn_mig_state_find(d->to, d->app, added[i]);
        const mn_mig_model *have = mn_mig_state_find(d->cur, d->app, added[i]);
        const char *lname = mn__mig_lower(d->a, want->name);
        if (!ut_same((const char *const *const *)have->unique_together,
                     (const char *const *const *)want->unique_together)) {
            mn_mig_op op = { .kind = MN_OP_ALTER_UNIQUE_TOGETHER, .name = lname,
                             .unique_together = want->unique_together };
            if (add_op(d, &op) != MN_OK)
                return MN_EINVAL;
        }
        if (have->nindexes < want->nindexes)
            for (size_t k = 0; k < want->nindexes; k++) {
                mn_mig_op op = { .kind = MN_OP_ADD_INDEX, .model_name = lname, .index = want->indexes[k] };
                if (add_op(d, &op) != MN_OK)
                    return MN_EINVAL;
            }
        if (have->nconstraints < want->nconstraints)
            for (size_t k = 0; k < want->nconstraints; k++) {
                mn_mig_op op = { .kind = MN_OP_ADD_CONSTRAINT, .model_name = lname,
                                 .constraint = want->constraints[k] };
                if (add_op(d, &op) != MN_OK)
                    return MN_EINVAL;
            }
    }
    return MN_OK;
}

/* The changes inside one model present on both sides. */
static int diff_model(det *d, const char *name, int phase)
{
    const mn_mig_model *want = mn_mig_state_find(d->to, d->app, name);
    const mn_mig_model *have = mn_mig_state_find(d->cur, d->app, name);
    const char *lname = mn__mig_lower(d->a, want->name);
    int rc = MN_OK;
    if (phase == 0) {
        /* Removed indexes and constraints, and unique_together reduced to
         * what stays, before fields go away. */
        for (size_t i = 0; i < have->nconstraints && rc == MN_OK; i++) {
            bool keep = false;
            for (size_t k = 0; k < want->nconstraints && !keep; k++)
                keep = constraint_eq(&have->constraints[i], &want->constraints[k]);
            if (!keep) {
                mn_mig_op op = { .kind = MN_OP_REMOVE_CONSTRAINT, .model_name = lname,
                                 .name = have->constraints[i].name };
                rc = add_op(d, &op);
                have = mn_mig_state_find(d->cur, d->app, name);
                i--;
            }
        }
        for (size_t i = 0; i < have->nindexes && rc == MN_OK; i++) {
            bool keep = false;
            for (size_t k = 0; k < want->nindexes && !keep; k++)
                keep = index_eq(&have->indexes[i], &want->indexes[k]);
            if (!keep) {
                mn_mig_op op = { .kind = MN_OP_REMOVE_INDEX, .model_name = lname, .name = have->indexes[i].name };
                rc = add_op(d, &op);
                have = mn_mig_state_find(d->cur, d->app, name);
                i--;
            }
        }
        if (rc != MN_OK)
            return rc;
        size_t n = 0, kept = 0;
        while (have->unique_together && have->unique_together[n])
            n++;
        const char ***ut = mn_arena_calloc(d->a, n + 1, sizeof *ut);
        if (!ut)
            return mn_err_set(d->err, MN_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            if (ut_has((const char *const *const *)want->unique_together, have->unique_together[i]))
                ut[kept++] = have->unique_together[i];
        if (kept != n) {
            mn_mig_op op = { .kind = MN_OP_ALTER_UNIQUE_TOGETHER, .name = lname, .unique_together = kept ? ut : NULL };
            rc = add_op(d, &op);
        }
        return rc;
    }
    if (phase == 1) {
        /* Renamed fields: one removed and one added with the same
         * definition, confirmed by the questioner. */
        for (size_t i = 0; i < want->nfields && rc == MN_OK; i++) {
            const mn_mig_field *nf = &want->fields[i];
            if (mn_mig_model_field(have, nf->name))
                continue;
            for (size_t k = 0; k < have->nfields; k++) {
                const mn_mig_field *of = &have->fields[k];
                if (mn_mig_model_field(want, of->name) || !same_but_name(of, nf))
                    continue;
                if (!d->q || !d->q->ask_rename ||
                    !d->q->ask_rename(d->q->ctx, lname, of->name, nf->name, mn__kind_name(nf->kind)))
                    continue;
                mn_mig_op op = { .kind = MN_OP_RENAME_FIELD, .model_name = lname, .old_name = of->name,
                                 .new_name = nf->name };
                rc = add_op(d, &op);
                have = mn_mig_state_find(d->cur, d->app, name);
                /* A differing db_column is an AlterField afterwards. */
                break;
            }
        }
        return rc;
    }
    if (phase == 2) {
        for (size_t i = 0; i < have->nfields && rc == MN_OK; i++) {
            if (mn_mig_model_field(want, have->fields[i].name))
                continue;
            mn_mig_op op = { .kind = MN_OP_REMOVE_FIELD, .model_name = lname, .name = have->fields[i].name };
            rc = add_op(d, &op);
            have = mn_mig_state_find(d->cur, d->app, name);
            i--;
        }
        return rc;
    }
    if (phase == 3) {
        for (size_t i = 0; i < want->nfields && rc == MN_OK; i++) {
            const mn_mig_field *nf = &want->fields[i];
            if (mn_mig_model_field(have, nf->name))
                continue;
            mn_mig_op op = { .kind = MN_OP_ADD_FIELD, .model_name = lname, .name = nf->name, .field = *nf,
                             .preserve_default = true };
            if ((mn__mig_is_fk(nf->kind) || nf->kind == MN_MIG_KIND_M2M) && (rc = add_dep_app(d, nf->to)) != MN_OK)
                return rc;
            if (needs_default(nf)) {
                const char *v = d->q && d->q->ask_default ? d->q->ask_default(d->q->ctx, lname, nf->name) : NULL;
                if (!v)
                    return mn_err_set(d->err, MN_EINVAL,
                                      "Field '%s' on model '%s' not migrated: it is impossible to add a "
                                      "non-nullable field without specifying a default.",
                                      nf->name, lname);
                op.field.default_value = mn_arena_strdup(d->a, v);
                op.preserve_default = false;
            }
            rc = add_op(d, &op);
        }
        return rc;
    }
    if (phase == 4) {
        for (size_t i = 0; i < want->nfields && rc == MN_OK; i++) {
            const mn_mig_field *nf = &want->fields[i];
            const mn_mig_field *of = mn_mig_model_field(have, nf->name);
            if (!of || mn_mig_field_equal(of, nf))
                continue;
            if (mn__mig_is_fk(nf->kind) && (rc = add_dep_app(d, nf->to)) != MN_OK)
                return rc;
            mn_mig_op op = { .kind = MN_OP_ALTER_FIELD, .model_name = lname, .name = nf->name, .field = *nf,
                             .preserve_default = true };
            if (of->null && !nf->null && !nf->default_value && !nf->primary_key && d->q &&
                d->q->ask_not_null_alteration) {
                bool quit = false;
                const char *v = d->q->ask_not_null_alteration(d->q->ctx, lname, nf->name, &quit);
                if (quit)
                    return mn_err_set(d->err, MN_EINVAL,
                                      "Field '%s' on model '%s' not migrated: a nullable field cannot become "
                                      "NOT NULL without a value for the rows holding NULL.",
                                      nf->name, lname);
                if (v) {
                    op.field.default_value = mn_arena_strdup(d->a, v);
                    op.preserve_default = false;
                }
            }
            rc = add_op(d, &op);
        }
        return rc;
    }
    /* phase 5: what needs the new fields, then the table and options. */
    if (!ut_same((const char *const *const *)have->unique_together,
                 (const char *const *const *)want->unique_together)) {
        mn_mig_op op = { .kind = MN_OP_ALTER_UNIQUE_TOGETHER, .name = lname,
                         .unique_together = want->unique_together };
        if ((rc = add_op(d, &op)) != MN_OK)
            return rc;
    }
    for (size_t k = 0; k < want->nindexes && rc == MN_OK; k++) {
        bool have_it = false;
        for (size_t i = 0; i < have->nindexes && !have_it; i++)
            have_it = index_eq(&have->indexes[i], &want->indexes[k]);
        if (!have_it) {
            mn_mig_op op = { .kind = MN_OP_ADD_INDEX, .model_name = lname, .index = want->indexes[k] };
            rc = add_op(d, &op);
        }
        have = mn_mig_state_find(d->cur, d->app, name);
    }
    for (size_t k = 0; k < want->nconstraints && rc == MN_OK; k++) {
        bool have_it = false;
        for (size_t i = 0; i < have->nconstraints && !have_it; i++)
            have_it = constraint_eq(&have->constraints[i], &want->constraints[k]);
        if (!have_it) {
            mn_mig_op op = { .kind = MN_OP_ADD_CONSTRAINT, .model_name = lname, .constraint = want->constraints[k] };
            rc = add_op(d, &op);
        }
        have = mn_mig_state_find(d->cur, d->app, name);
    }
    if (rc != MN_OK)
        return rc;
    if (!mn__mig_streq(have->db_table, want->db_table)) {
        mn_mig_op op = { .kind = MN_OP_ALTER_MODEL_TABLE, .name = lname, .table = want->db_table };
        if ((rc = add_op(d, &op)) != MN_OK)
            return rc;
    }
    if (!mn__mig_names_eq(have->ordering, want->ordering) || !mn__mig_streq(have->verbose_name, want->verbose_name) ||
        !mn__mig_streq(have->verbose_name_plural, want->verbose_name_plural)) {
        mn_mig_model *o = mn_arena_calloc(d->a, 1, sizeof *o);
        if (!o)
            return mn_err_set(d->err, MN_ENOMEM, "out of memory");
        o->name = lname;
        o->ordering = want->ordering;
        o->verbose_name = want->verbose_name;
        o->verbose_name_plural = want->verbose_name_plural;
        mn_mig_op op = { .kind = MN_OP_ALTER_MODEL_OPTIONS, .name = lname, .model = o };
        rc = add_op(d, &op);
    }
    return rc;
}

int mn_mig_autodetect(const mn_mig_state *from, const mn_mig_state *to, const char *app, const mn_mig_questioner *q,
                      mn_arena *a, mn_mig_op **ops, size_t *nops, mn_mig_key **deps, size_t *ndeps, mn_err *err)
{
    det d = { .a = a, .app = app, .to = to, .q = q, .err = err };
    *ops = NULL;
    *nops = 0;
    if (deps)
        *deps = NULL;
    if (ndeps)
        *ndeps = 0;
    if (!(d.cur = mn_mig_state_clone(from)))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    size_t nold, nnew;
    const char **old = models_of(&d, from, &nold), **new_models = models_of(&d, to, &nnew);
    const char **added = mn_arena_calloc(a, nnew + 1, sizeof *added), **removed = mn_arena_calloc(a, nold + 1, sizeof *removed),
               **kept = mn_arena_calloc(a, nnew + 1, sizeof *kept);
    if (!old || !new_models || !added || !removed || !kept)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    size_t nadded = 0, nremoved = 0, nkept = 0;
    for (size_t i = 0; i < nnew; i++) {
        if (mn_mig_state_find(from, app, new_models[i]))
            kept[nkept++] = new_models[i];
        else
            added[nadded++] = new_models[i];
    }
    for (size_t i = 0; i < nold; i++)
        if (!mn_mig_state_find(to, app, old[i]))
            removed[nremoved++] = old[i];
    int rc = MN_OK;
    /* Renamed models: same fields, confirmed by the questioner. */
    for (size_t i = 0; i < nadded && rc == MN_OK; i++) {
        const mn_mig_model *nm = mn_mig_state_find(to, app, added[i]);
        for (size_t k = 0; k < nremoved; k++) {
            const mn_mig_model *om = mn_mig_state_find(d.cur, app, removed[k]);
            if (!om || !same_fields(om, nm))
                continue;
            if (!q || !q->ask_rename_model || !q->ask_rename_model(q->ctx, app, om->name, nm->name))
                continue;
            mn_mig_op op = { .kind = MN_OP_RENAME_MODEL, .old_name = om->name, .new_name = nm->name };
            rc = add_op(&d, &op);
            kept[nkept++] = added[i];
            memmove(added + i, added + i + 1, (nadded - i - 1) * sizeof *added);
            nadded--;
            memmove(removed + k, removed + k + 1, (nremoved - k - 1) * sizeof *removed);
            nremoved--;
            i--;
            break;
        }
    }
    if (rc == MN_OK)
        rc = create_models(&d, added, nadded);
    for (int phase = 0; phase <= 5 && rc == MN_OK; phase++)
        for (size_t i = 0; i < nkept && rc == MN_OK; i++)
            rc = diff_model(&d, kept[i], phase);
    if (rc == MN_OK)
        rc = finish_created(&d, added, nadded);
    for (size_t i = 0; i < nremoved && rc == MN_OK; i++) {
        const mn_mig_model *om = mn_mig_state_find(d.cur, app, removed[i]);
        mn_mig_op op = { .kind = MN_OP_DELETE_MODEL, .name = om->name };
        rc = add_op(&d, &op);
    }
    if (rc != MN_OK)
        return rc;
    *ops = d.ops;
    *nops = d.nops;
    if (deps)
        *deps = d.deps;
    if (ndeps)
        *ndeps = d.ndeps;
    return MN_OK;
}
