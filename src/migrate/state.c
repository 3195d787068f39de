/* Migrations: the project state, operations replayed on it, names and
 * descriptions of operations, the registry of data-migration functions. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "manouche/relation.h"
#include "migrate_internal.h"

/* ---- small helpers ---- */

char *mn__mig_lower(mn_arena *a, const char *s)
{
    char *r = mn_arena_strdup(a, s ? s : "");
    for (char *p = r; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return r;
}

bool mn__mig_streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return !strcmp(a, b);
}

size_t mn__mig_names_len(const char *const *n)
{
    size_t k = 0;
    while (n && n[k])
        k++;
    return k;
}

bool mn__mig_names_eq(const char *const *a, const char *const *b)
{
    size_t na = mn__mig_names_len(a), nb = mn__mig_names_len(b);
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]))
            return false;
    return true;
}

bool mn__mig_conds_eq(const mn_cond *a, const mn_cond *b)
{
    size_t i = 0;
    for (; a && b && a[i].lookup && b[i].lookup; i++)
        if (strcmp(a[i].lookup, b[i].lookup) || !mn__mig_streq(a[i].value, b[i].value))
            return false;
    bool ea = !a || !a[i].lookup, eb = !b || !b[i].lookup;
    return ea && eb;
}

/* An ALL node of one argument is that argument (Q(a) is Q(a) & nothing). */
static const mn_qc *qc_unwrap(const mn_qc *t)
{
    while (t && t->op == MN_QC_ALL && t->args && t->args[0] && !t->args[1])
        t = t->args[0];
    return t;
}

bool mn__mig_qc_eq(const mn_qc *a, const mn_qc *b)
{
    a = qc_unwrap(a);
    b = qc_unwrap(b);
    if (!a || !b)
        return a == b;
    if (a->op != b->op)
        return false;
    if (a->op == MN_QC_LOOKUP)
        return mn__mig_streq(a->lookup, b->lookup) && mn__mig_streq(a->value, b->value) &&
               mn__mig_streq(a->f, b->f);
    size_t i = 0;
    for (; a->args && b->args && a->args[i] && b->args[i]; i++)
        if (!mn__mig_qc_eq(a->args[i], b->args[i]))
            return false;
    return (!a->args || !a->args[i]) && (!b->args || !b->args[i]);
}

/* The model's q (AND list) and qc (tree) as one tree in a: qc alone, or
 * ALL(q leaves..., qc), the order in which the ORM combines them. */
static int qc_merge(mn_arena *a, const mn_cond *q, const mn_qc *qc, const mn_qc **out, mn_err *err)
{
    size_t n = 0;
    while (q && q[n].lookup)
        n++;
    if (!n) {
        *out = qc;
        return MN_OK;
    }
    mn_qc *all = mn_arena_calloc(a, 1, sizeof *all);
    const mn_qc **args = mn_arena_calloc(a, n + 2, sizeof *args);
    mn_qc *leaves = mn_arena_calloc(a, n, sizeof *leaves);
    if (!all || !args || !leaves)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        leaves[i] = (mn_qc){ .op = MN_QC_LOOKUP, .lookup = q[i].lookup, .value = q[i].value };
        args[i] = &leaves[i];
    }
    args[n] = qc;
    all->op = MN_QC_ALL;
    all->args = args;
    *out = all;
    return MN_OK;
}

/* ---- state ---- */

mn_mig_state *mn_mig_state_new(mn_arena *arena)
{
    mn_mig_state *st = mn_arena_calloc(arena, 1, sizeof *st);
    if (st)
        st->arena = arena;
    return st;
}

mn_mig_state *mn_mig_state_clone(const mn_mig_state *st)
{
    mn_mig_state *c = mn_mig_state_new(st->arena);
    if (!c)
        return NULL;
    c->cap = st->nmodels + 4;
    c->models = mn_arena_calloc(st->arena, c->cap, sizeof *c->models);
    if (!c->models)
        return NULL;
    if (st->nmodels)
        memcpy(c->models, st->models, st->nmodels * sizeof *c->models);
    c->nmodels = st->nmodels;
    return c;
}

static long find_index(const mn_mig_state *st, const char *app, const char *name)
{
    for (size_t i = 0; i < st->nmodels; i++)
        if (!strcmp(st->models[i]->app, app) && !strcasecmp(st->models[i]->name, name))
            return (long)i;
    return -1;
}

mn_mig_model *mn_mig_state_find(const mn_mig_state *st, const char *app, const char *name)
{
    if (!st || !app || !name)
        return NULL;
    long i = find_index(st, app, name);
    return i < 0 ? NULL : st->models[i];
}

mn_mig_model *mn_mig_state_resolve(const mn_mig_state *st, const char *ref)
{
    if (!ref)
        return NULL;
    const char *dot = strrchr(ref, '.');
    if (!dot)
        return NULL;
    char app[128];
    size_t n = (size_t)(dot - ref);
    if (n >= sizeof app)
        return NULL;
    memcpy(app, ref, n);
    app[n] = 0;
    return mn_mig_state_find(st, app, dot + 1);
}

static int state_put(mn_mig_state *st, mn_mig_model *m)
{
    long i = find_index(st, m->app, m->name);
    if (i >= 0) {
        st->models[i] = m;
        return MN_OK;
    }
    if (st->nmodels == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 8;
        mn_mig_model **nm = mn_arena_calloc(st->arena, cap, sizeof *nm);
        if (!nm)
            return MN_ENOMEM;
        if (st->nmodels)
            memcpy(nm, st->models, st->nmodels * sizeof *nm);
        st->models = nm;
        st->cap = cap;
    }
    st->models[st->nmodels++] = m;
    return MN_OK;
}

static void state_remove(mn_mig_state *st, long i)
{
    memmove(st->models + i, st->models + i + 1, (st->nmodels - (size_t)i - 1) * sizeof *st->models);
    st->nmodels--;
}

mn_mig_field *mn_mig_model_field(const mn_mig_model *m, const char *name)
{
    for (size_t i = 0; m && name && i < m->nfields; i++)
        if (!strcmp(m->fields[i].name, name))
            return &m->fields[i];
    return NULL;
}

const char *mn_mig_model_table(const mn_mig_model *m, mn_arena *arena)
{
    if (m->db_table)
        return m->db_table;
    return mn__mig_lower(arena, mn_arena_sprintf(arena, "%s_%s", m->app, m->name));
}

const char *mn_mig_field_column(const mn_mig_field *f, mn_arena *arena)
{
    if (f->db_column)
        return f->db_column;
    if (mn__mig_is_fk(f->kind))
        return mn_arena_sprintf(arena, "%s_id", f->name);
    return f->name;
}

/* A copy of m whose arrays can be changed (the strings stay shared). */
mn_mig_model *mn__mig_model_copy(mn_arena *a, const mn_mig_model *m)
{
    mn_mig_model *c = mn_arena_alloc(a, sizeof *c);
    if (!c)
        return NULL;
    *c = *m;
    c->fields = mn_arena_calloc(a, m->nfields + 1, sizeof *c->fields);
    c->indexes = mn_arena_calloc(a, m->nindexes + 1, sizeof *c->indexes);
    c->constraints = mn_arena_calloc(a, m->nconstraints + 1, sizeof *c->constraints);
    if (!c->fields || !c->indexes || !c->constraints)
        return NULL;
    if (m->nfields)
        memcpy(c->fields, m->fields, m->nfields * sizeof *c->fields);
    if (m->nindexes)
        memcpy(c->indexes, m->indexes, m->nindexes * sizeof *c->indexes);
    if (m->nconstraints)
        memcpy(c->constraints, m->constraints, m->nconstraints * sizeof *c->constraints);
    return c;
}

/* ---- from compiled models ---- */

int mn_mig_model_from(mn_model *m, mn_arena *a, mn_mig_model **out, mn_err *err)
{
    int rc = mn_model_check(m, err);
    if (rc != MN_OK)
        return rc;
    size_t n = mn_model_nfields(m);
    mn_mig_model *s = mn_arena_calloc(a, 1, sizeof *s);
    if (!s || !(s->fields = mn_arena_calloc(a, n + 1, sizeof *s->fields)))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    s->app = m->app_label;
    s->name = m->name;
    s->db_table = m->meta.db_table;
    s->ordering = (const char **)m->meta.ordering;
    s->verbose_name = m->meta.verbose_name;
    s->verbose_name_plural = m->meta.verbose_name_plural;
    s->unique_together = (const char ***)m->meta.unique_together;
    if (s->unique_together && !s->unique_together[0])
        s->unique_together = NULL;
    if (s->ordering && !s->ordering[0])
        s->ordering = NULL;
    for (size_t i = 0; i < n; i++) {
        const mn_field *f = mn_model_field(m, i);
        mn_mig_field *g = &s->fields[i];
        g->name = f->name;
        g->kind = f->kind;
        const char *defcol = mn__mig_is_fk(f->kind) ? mn_arena_sprintf(a, "%s_id", f->name) : f->name;
        g->db_column = f->db_column && strcmp(f->db_column, defcol) ? f->db_column : NULL;
        g->max_length = f->max_length;
        if (f->kind == MN_KIND_DECIMAL) {
            g->max_digits = f->max_digits;
            g->decimal_places = f->decimal_places;
        }
        g->null = f->null;
        g->blank = f->blank;
        g->unique = f->unique && !f->primary_key;
        g->primary_key = f->primary_key;
        g->db_index = f->db_index > 0 && !g->unique && !g->primary_key;
        g->editable = f->editable != MN_NO;
        g->auto_now = f->auto_now;
        g->auto_now_add = f->auto_now_add;
        g->default_value = f->default_value;
        g->default_callable = f->default_fn != NULL;
        g->verbose_name = f->verbose_name;
        g->help_text = f->help_text;
        g->choices = f->choices && f->choices[0].value ? f->choices : NULL;
        if (mn__mig_is_fk(f->kind)) {
            if (!f->related || !f->related->app_label) {
                mn_err_set(err, MN_EINVAL, "%s.%s: the ForeignKey's target has no app", m->name, f->name);
                return MN_EINVAL;
            }
            g->to = mn__mig_lower(a, mn_arena_sprintf(a, "%s.%s", f->related->app_label, f->related->name));
            g->on_delete = f->on_delete;
            g->on_delete_value = f->on_delete == MN_SET ? f->on_delete_value : NULL;
            g->one_to_one = f->one_to_one;
            g->related_name = f->related_name;
            g->related_query_name = f->related_query_name;
        }
    }
    s->nfields = n;
    size_t nm2m = 0;
    while (m->many_to_many && m->many_to_many[nm2m].name)
        nm2m++;
    if (nm2m) {
        mn_mig_field *all = mn_arena_calloc(a, n + nm2m + 1, sizeof *all);
        if (!all)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        memcpy(all, s->fields, n * sizeof *all);
        for (size_t i = 0; i < nm2m; i++) {
            const mn_m2m *mm = &m->many_to_many[i];
            if (!mm->to || !mm->to->app_label)
                return mn_err_set(err, MN_EINVAL, "%s.%s: the ManyToManyField's target has no app", m->name, mm->name);
            mn_mig_field *g = &all[n + i];
            g->name = mm->name;
            g->kind = MN_MIG_KIND_M2M;
            g->editable = true;
            g->to = mn__mig_lower(a, mn_arena_sprintf(a, "%s.%s", mm->to->app_label, mm->to->name));
            if (mm->through)
                g->through = mn__mig_lower(a, mn_arena_sprintf(a, "%s.%s", mm->through->app_label, mm->through->name));
            g->m2m_db_table = mm->db_table;
            g->related_name = mm->related_name;
            g->related_query_name = mm->related_query_name;
        }
        s->fields = all;
        s->nfields = n + nm2m;
    }
    size_t ni = 0, nc = 0;
    while (m->meta.indexes && m->meta.indexes[ni].fields)
        ni++;
    while (m->meta.constraints && m->meta.constraints[nc].kind)
        nc++;
    s->indexes = mn_arena_calloc(a, ni + 1, sizeof *s->indexes);
    s->constraints = mn_arena_calloc(a, nc + 1, sizeof *s->constraints);
    if (!s->indexes || !s->constraints)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    const char *table = mn_model_table(m);
    for (size_t i = 0; i < ni; i++) {
        const mn_index *ix = &m->meta.indexes[i];
        mn_mig_index *d = &s->indexes[i];
        d->fields = (const char **)ix->fields;
        d->condition = ix->condition;
        d->q = ix->q && ix->q[0].lookup ? ix->q : NULL;
        if (ix->qc) {
            int mrc = qc_merge(a, d->q, ix->qc, &d->qc, err);
            if (mrc != MN_OK)
                return mrc;
            d->q = NULL;
        }
        /* Django requires a name in migrations and sets one from the
         * table and fields (Index.set_name_with_model). */
        if (!ix->name) {
            size_t nf = mn__mig_names_len(ix->fields);
            const char **cols = mn_arena_calloc(a, nf + 1, sizeof *cols);
            if (!cols)
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            for (size_t k = 0; k < nf; k++) {
                bool desc = ix->fields[k][0] == '-';
                const mn_field *f = mn_model_field_by_name(m, ix->fields[k] + desc);
                if (!f)
                    return mn_err_set(err, MN_EINVAL, "%s: 'indexes' refers to the nonexistent field '%s'.", m->name,
                                      ix->fields[k] + desc);
                cols[k] = desc ? mn_arena_sprintf(a, "-%s", mn_field_column(f)) : mn_field_column(f);
            }
            d->name = mn__mig_auto_index_name(a, table, cols);
        } else {
            d->name = ix->name;
        }
    }
    s->nindexes = ni;
    for (size_t i = 0; i < nc; i++) {
        const mn_constraint *c = &m->meta.constraints[i];
        if (!c->name) {
            mn_err_set(err, MN_EINVAL, "%s: constraints need a name", m->name);
            return MN_EINVAL;
        }
        s->constraints[i] = (mn_mig_constraint){ .kind = c->kind, .name = c->name, .check = c->check,
                                                 .fields = (const char **)c->fields, .condition = c->condition,
                                                 .q = c->q && c->q[0].lookup ? c->q : NULL };
        if (c->qc) {
            int mrc = qc_merge(a, s->constraints[i].q, c->qc, &s->constraints[i].qc, err);
            if (mrc != MN_OK)
                return mrc;
            s->constraints[i].q = NULL;
        }
    }
    s->nconstraints = nc;
    *out = s;
    return MN_OK;
}

int mn_mig_state_add_models(mn_mig_state *st, mn_model *const *models, mn_err *err)
{
    for (size_t i = 0; models && models[i]; i++) {
        if (models[i]->meta.abstract)
            continue;
        mn_mig_model *s;
        int rc = mn_mig_model_from(models[i], st->arena, &s, err);
        if (rc != MN_OK)
            return rc;
        if (state_put(st, s) != MN_OK)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
    }
    return MN_OK;
}

static bool choices_eq(const mn_choice *a, const mn_choice *b)
{
    size_t i = 0;
    for (; a && b && a[i].value && b[i].value; i++)
        if (strcmp(a[i].value, b[i].value) || !mn__mig_streq(a[i].label, b[i].label))
            return false;
    return (!a || !a[i].value) && (!b || !b[i].value);
}

bool mn_mig_field_equal(const mn_mig_field *a, const mn_mig_field *b)
{
    return mn__mig_streq(a->name, b->name) && a->kind == b->kind && mn__mig_streq(a->db_column, b->db_column) &&
           a->max_length == b->max_length && a->max_digits == b->max_digits &&
           a->decimal_places == b->decimal_places && a->null == b->null && a->blank == b->blank &&
           a->unique == b->unique && a->primary_key == b->primary_key && a->db_index == b->db_index &&
           a->editable == b->editable && a->auto_now == b->auto_now && a->auto_now_add == b->auto_now_add &&
           mn__mig_streq(a->default_value, b->default_value) && a->default_callable == b->default_callable &&
           mn__mig_streq(a->verbose_name, b->verbose_name) && mn__mig_streq(a->help_text, b->help_text) &&
           choices_eq(a->choices, b->choices) && mn__mig_streq(a->to, b->to) &&
           (!mn__mig_is_fk(a->kind) || a->on_delete == b->on_delete) &&
           mn__mig_streq(a->on_delete_value, b->on_delete_value) && a->one_to_one == b->one_to_one &&
           mn__mig_streq(a->related_name, b->related_name) &&
           mn__mig_streq(a->related_query_name, b->related_query_name) && mn__mig_streq(a->through, b->through) &&
           mn__mig_streq(a->m2m_db_table, b->m2m_db_table);
}

const char *mn__mig_type_name(const mn_mig_field *f)
{
    if (f->kind == MN_MIG_KIND_M2M)
        return "ManyToManyField";
    if (f->kind == MN_KIND_FOREIGNKEY && f->one_to_one)
        return "OneToOneField";
    return mn__kind_name(f->kind);
}

/* Django's create_many_to_many_intermediary_model: "<table>_<name>" with
 * an id, "<model>_id" and "<target>_id" ("from_<model>_id" and
 * "to_<model>_id" when the model points at itself), unique together. */
mn_mig_model *mn__mig_through_model(mn_arena *a, const mn_mig_model *m, const mn_mig_field *f)
{
    mn_mig_model *t = mn_arena_calloc(a, 1, sizeof *t);
    mn_mig_field *fs = mn_arena_calloc(a, 4, sizeof *fs);
    const char ***ut = mn_arena_calloc(a, 2, sizeof *ut);
    const char **pair = mn_arena_calloc(a, 3, sizeof *pair);
    t->indexes = mn_arena_calloc(a, 1, sizeof *t->indexes);
    t->constraints = mn_arena_calloc(a, 1, sizeof *t->constraints);
    if (!t || !fs || !ut || !pair || !t->indexes || !t->constraints)
        return NULL;
    const char *self_ref = mn__mig_lower(a, mn_arena_sprintf(a, "%s.%s", m->app, m->name));
    const char *dot = f->to ? strrchr(f->to, '.') : NULL;
    bool self = f->to && !strcmp(f->to, self_ref);
    const char *mlow = mn__mig_lower(a, m->name);
    const char *src = self ? mn_arena_sprintf(a, "from_%s", mlow) : mlow;
    const char *dst = self ? mn_arena_sprintf(a, "to_%s", mlow) : (dot ? dot + 1 : "target");
    t->app = m->app;
    t->name = mn_arena_sprintf(a, "%s_%s", m->name, f->name);
    t->db_table = f->m2m_db_table ? f->m2m_db_table : mn_arena_sprintf(a, "%s_%s", mn_mig_model_table(m, a), f->name);
    fs[0] = (mn_mig_field){ .name = "id", .kind = MN_KIND_AUTO, .primary_key = true, .editable = true };
    fs[1] = (mn_mig_field){ .name = src, .kind = MN_KIND_FOREIGNKEY, .to = self_ref, .db_index = true,
                            .editable = true };
    fs[2] = (mn_mig_field){ .name = dst, .kind = MN_KIND_FOREIGNKEY, .to = f->to, .db_index = true,
                            .editable = true };
    t->fields = fs;
    t->nfields = 3;
    pair[0] = src;
    pair[1] = dst;
    ut[0] = pair;
    t->unique_together = ut;
    return mn_arena_failed(a) ? NULL : t;
}

/* ---- Django's index names ---- */

/* Index.set_name_with_model: "<table[:11]>_<first column[:7]>_<digest 6>_idx"
 * with the digest of the table, the columns ("-price" when descending) and
 * the suffix. */
const char *mn__mig_auto_index_name(mn_arena *a, const char *table, const char *const *fields)
{
    const char *parts[67];
    size_t n = 0;
    parts[n++] = table;
    for (size_t i = 0; fields && fields[i] && n < 65; i++)
        parts[n++] = fields[i];
    parts[n++] = "idx";
    char digest[33];
    mn__mig_md5_hex(parts, n, digest);
    const char *first = fields && fields[0] ? fields[0] : "";
    if (first[0] == '-')
        first++;
    return mn_arena_sprintf(a, "%.11s_%.7s_%.6s_idx", table, first, digest);
}

/* ---- operations on the state ---- */

const char *mn_mig_op_name(mn_mig_op_kind k)
{
    static const char *const names[] = {
        [MN_OP_CREATE_MODEL] = "CreateModel",       [MN_OP_DELETE_MODEL] = "DeleteModel",
        [MN_OP_RENAME_MODEL] = "RenameModel",       [MN_OP_ALTER_MODEL_TABLE] = "AlterModelTable",
        [MN_OP_ALTER_MODEL_OPTIONS] = "AlterModelOptions", [MN_OP_ADD_FIELD] = "AddField",
        [MN_OP_REMOVE_FIELD] = "RemoveField",       [MN_OP_ALTER_FIELD] = "AlterField",
        [MN_OP_RENAME_FIELD] = "RenameField",       [MN_OP_ADD_INDEX] = "AddIndex",
        [MN_OP_REMOVE_INDEX] = "RemoveIndex",       [MN_OP_ADD_CONSTRAINT] = "AddConstraint",
        [MN_OP_REMOVE_CONSTRAINT] = "RemoveConstraint", [MN_OP_ALTER_UNIQUE_TOGETHER] = "AlterUniqueTogether",
        [MN_OP_RUN_SQL] = "RunSQL",                 [MN_OP_RUN_C] = "RunC",
    };
    return (size_t)k < sizeof names / sizeof *names && names[k] ? names[k] : "?";
}

/* The model an operation works on, by its Django argument. */
static const char *op_model(const mn_mig_op *op)
{
    switch (op->kind) {
    case MN_OP_CREATE_MODEL: return op->model ? op->model->name : op->name;
    case MN_OP_DELETE_MODEL:
    case MN_OP_ALTER_MODEL_TABLE:
    case MN_OP_ALTER_MODEL_OPTIONS:
    case MN_OP_ALTER_UNIQUE_TOGETHER: return op->name;
    case MN_OP_RENAME_MODEL: return op->old_name;
    default: return op->model_name;
    }
}

/* Replaces every reference "app.old" by "app.new" in FK targets. */
static int retarget(mn_mig_state *st, const char *old_ref, const char *new_ref)
{
    for (size_t i = 0; i < st->nmodels; i++) {
        mn_mig_model *m = st->models[i];
        bool hit = false;
        for (size_t k = 0; k < m->nfields; k++)
            if (m->fields[k].to && !strcasecmp(m->fields[k].to, old_ref))
                hit = true;
        if (!hit)
            continue;
        mn_mig_model *c = mn__mig_model_copy(st->arena, m);
        if (!c)
            return MN_ENOMEM;
        for (size_t k = 0; k < c->nfields; k++)
            if (c->fields[k].to && !strcasecmp(c->fields[k].to, old_ref))
                c->fields[k].to = new_ref;
        st->models[i] = c;
    }
    return MN_OK;
}

static const char **rename_in_names(mn_arena *a, const char **names, const char *old, const char *new_name)
{
    size_t n = mn__mig_names_len(names);
    if (!n)
        return names;
    const char **r = mn_arena_calloc(a, n + 1, sizeof *r);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = names[i];
        bool desc = s[0] == '-';
        if (!strcmp(desc ? s + 1 : s, old))
            s = desc ? mn_arena_sprintf(a, "-%s", new_name) : new_name;
        r[i] = s;
    }
    return r;
}

int mn_mig_state_apply(mn_mig_state *st, const char *app, const mn_mig_op *op, mn_err *err)
{
    mn_arena *a = st->arena;
    const char *what = mn_mig_op_name(op->kind);
    if (op->kind == MN_OP_RUN_SQL || op->kind == MN_OP_RUN_C)
        return MN_OK;
    const char *mname = op_model(op);
    if (!mname)
        return mn_err_set(err, MN_EINVAL, "%s: no model name", what);
    long idx = find_index(st, app, mname);
    if (op->kind == MN_OP_CREATE_MODEL) {
        if (idx >= 0)
            return mn_err_set(err, MN_EINVAL, "%s: model %s.%s already exists", what, app, mname);
        mn_mig_model *m = mn__mig_model_copy(a, op->model);
        if (!m)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        m->app = app;
        return state_put(st, m) == MN_OK ? MN_OK : mn_err_set(err, MN_ENOMEM, "out of memory");
    }
    if (idx < 0)
        return mn_err_set(err, MN_EINVAL, "%s: no model %s.%s in the migration state", what, app, mname);
    mn_mig_model *old = st->models[idx];
    if (op->kind == MN_OP_DELETE_MODEL) {
        state_remove(st, idx);
        return MN_OK;
    }
    mn_mig_model *m = mn__mig_model_copy(a, old);
    if (!m)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_mig_field *f = NULL;
    switch (op->kind) {
    case MN_OP_RENAME_MODEL: {
        if (find_index(st, app, op->new_name) >= 0)
            return mn_err_set(err, MN_EINVAL, "%s: model %s.%s already exists", what, app, op->new_name);
        m->name = op->new_name;
        st->models[idx] = m;
        const char *o = mn__mig_lower(a, mn_arena_sprintf(a, "%s.%s", app, old->name));
        const char *n = mn__mig_lower(a, mn_arena_sprintf(a, "%s.%s", app, op->new_name));
        return retarget(st, o, n) == MN_OK ? MN_OK : mn_err_set(err, MN_ENOMEM, "out of memory");
    }
    case MN_OP_ALTER_MODEL_TABLE: m->db_table = op->table; break;
    case MN_OP_ALTER_MODEL_OPTIONS:
        m->ordering = op->model ? op->model->ordering : NULL;
        m->verbose_name = op->model ? op->model->verbose_name : NULL;
        m->verbose_name_plural = op->model ? op->model->verbose_name_plural : NULL;
        break;
    case MN_OP_ALTER_UNIQUE_TOGETHER:
        for (size_t i = 0; op->unique_together && op->unique_together[i]; i++)
            for (size_t k = 0; op->unique_together[i][k]; k++)
                if (!mn_mig_model_field(m, op->unique_together[i][k]))
                    return mn_err_set(err, MN_EINVAL, "%s: %s.%s has no field '%s'", what, app, m->name,
                                      op->unique_together[i][k]);
        m->unique_together = op->unique_together;
        break;
    case MN_OP_ADD_FIELD: {
        if (mn_mig_model_field(m, op->name))
            return mn_err_set(err, MN_EINVAL, "%s: %s.%s already has a field '%s'", what, app, m->name, op->name);
        mn_mig_field *nf = mn_arena_calloc(a, m->nfields + 2, sizeof *nf);
        if (!nf)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        if (m->nfields)
            memcpy(nf, m->fields, m->nfields * sizeof *nf);
        nf[m->nfields] = op->field;
        nf[m->nfields].name = op->name;
        if (!op->preserve_default)
            nf[m->nfields].default_value = NULL;
        m->fields = nf;
        m->nfields++;
        break;
    }
    case MN_OP_REMOVE_FIELD:
    case MN_OP_ALTER_FIELD:
    case MN_OP_RENAME_FIELD: {
        const char *fname = op->kind == MN_OP_RENAME_FIELD ? op->old_name : op->name;
        f = mn_mig_model_field(m, fname);
        if (!f)
            return mn_err_set(err, MN_EINVAL, "%s: %s.%s has no field '%s'", what, app, m->name, fname);
        if (op->kind == MN_OP_REMOVE_FIELD) {
            size_t i = (size_t)(f - m->fields);
            memmove(m->fields + i, m->fields + i + 1, (m->nfields - i - 1) * sizeof *m->fields);
            m->nfields--;
        } else if (op->kind == MN_OP_ALTER_FIELD) {
            *f = op->field;
            f->name = op->name;
            if (!op->preserve_default)
                f->default_value = NULL;
        } else {
            if (mn_mig_model_field(m, op->new_name))
                return mn_err_set(err, MN_EINVAL, "%s: %s.%s already has a field '%s'", what, app, m->name,
                                  op->new_name);
            f->name = op->new_name;
            /* Options naming the field follow it. */
            for (size_t i = 0; i < m->nindexes; i++)
                m->indexes[i].fields = rename_in_names(a, m->indexes[i].fields, op->old_name, op->new_name);
            for (size_t i = 0; i < m->nconstraints; i++)
                m->constraints[i].fields =
                    rename_in_names(a, m->constraints[i].fields, op->old_name, op->new_name);
            m->ordering = rename_in_names(a, m->ordering, op->old_name, op->new_name);
            size_t nut = 0;
            while (m->unique_together && m->unique_together[nut])
                nut++;
            if (nut) {
                const char ***ut = mn_arena_calloc(a, nut + 1, sizeof *ut);
                for (size_t i = 0; ut && i < nut; i++)
                    ut[i] = rename_in_names(a, m->unique_together[i], op->old_name, op->new_name);
                m->unique_together = ut;
            }
        }
        break;
    }
    case MN_OP_ADD_INDEX:
        for (size_t i = 0; i < m->nindexes; i++)
            if (!strcmp(m->indexes[i].name, op->index.name))
                return mn_err_set(err, MN_EINVAL, "%s: %s.%s already has an index '%s'", what, app, m->name,
                                  op->index.name);
        for (size_t i = 0; op->index.fields && op->index.fields[i]; i++) {
            const char *n = op->index.fields[i];
            if (!mn_mig_model_field(m, n[0] == '-' ? n + 1 : n))
                return mn_err_set(err, MN_EINVAL, "%s: %s.%s has no field '%s'", what, app, m->name, n);
        }
        m->indexes[m->nindexes++] = op->index;
        break;
    case MN_OP_ADD_CONSTRAINT:
        for (size_t i = 0; i < m->nconstraints; i++)
            if (!strcmp(m->constraints[i].name, op->constraint.name))
                return mn_err_set(err, MN_EINVAL, "%s: %s.%s already has a constraint '%s'", what, app, m->name,
                                  op->constraint.name);
        m->constraints[m->nconstraints++] = op->constraint;
        break;
    case MN_OP_REMOVE_INDEX:
    case MN_OP_REMOVE_CONSTRAINT: {
        bool index = op->kind == MN_OP_REMOVE_INDEX;
        size_t n = index ? m->nindexes : m->nconstraints, i = 0;
        for (; i < n; i++)
            if (!strcmp(index ? m->indexes[i].name : m->constraints[i].name, op->name))
                break;
        if (i == n)
            return mn_err_set(err, MN_EINVAL, "%s: %s.%s has no %s '%s'", what, app, m->name,
                              index ? "index" : "constraint", op->name);
        if (index) {
            memmove(m->indexes + i, m->indexes + i + 1, (n - i - 1) * sizeof *m->indexes);
            m->nindexes--;
        } else {
            memmove(m->constraints + i, m->constraints + i + 1, (n - i - 1) * sizeof *m->constraints);
            m->nconstraints--;
        }
        break;
    }
    default: return mn_err_set(err, MN_EINVAL, "unknown operation %d", (int)op->kind);
    }
    if (mn_arena_failed(a))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    st->models[idx] = m;
    return MN_OK;
}

int mn_mig_state_apply_migration(mn_mig_state *st, const mn_migration *m, mn_err *err)
{
    for (size_t i = 0; i < m->nops; i++) {
        int rc = mn_mig_state_apply(st, m->app, &m->ops[i], err);
        if (rc != MN_OK)
            return mn_err_prefix(err, "%s.%s: operation %zu: ", m->app, m->name, i + 1);
    }
    return MN_OK;
}

/* ---- descriptions and names ---- */

static const char *join_names(mn_arena *a, const char *const *names)
{
    mn_buf b;
    mn_buf_init(&b, a, 0);
    for (size_t i = 0; names && names[i]; i++)
        mn_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    return mn_buf_cstr(&b);
}

const char *mn_mig_op_describe(const mn_mig_op *op, mn_arena *a)
{
    switch (op->kind) {
    case MN_OP_CREATE_MODEL: return mn_arena_sprintf(a, "Create model %s", op_model(op));
    case MN_OP_DELETE_MODEL: return mn_arena_sprintf(a, "Delete model %s", op->name);
    case MN_OP_RENAME_MODEL: return mn_arena_sprintf(a, "Rename model %s to %s", op->old_name, op->new_name);
    case MN_OP_ALTER_MODEL_TABLE:
        return mn_arena_sprintf(a, "Rename table for %s to %s", op->name, op->table ? op->table : "(default)");
    case MN_OP_ALTER_MODEL_OPTIONS: return mn_arena_sprintf(a, "Change Meta options on %s", op->name);
    case MN_OP_ADD_FIELD: return mn_arena_sprintf(a, "Add field %s to %s", op->name, op->model_name);
    case MN_OP_REMOVE_FIELD: return mn_arena_sprintf(a, "Remove field %s from %s", op->name, op->model_name);
    case MN_OP_ALTER_FIELD: return mn_arena_sprintf(a, "Alter field %s on %s", op->name, op->model_name);
    case MN_OP_RENAME_FIELD:
        return mn_arena_sprintf(a, "Rename field %s on %s to %s", op->old_name, op->model_name, op->new_name);
    case MN_OP_ADD_INDEX:
        if (op->index.condition || op->index.q || op->index.qc)
            return mn_arena_sprintf(a, "Create index %s on field(s) %s of model %s (partial)", op->index.name,
                                    join_names(a, op->index.fields), op->model_name);
        return mn_arena_sprintf(a, "Create index %s on field(s) %s of model %s", op->index.name,
                                join_names(a, op->index.fields), op->model_name);
    case MN_OP_REMOVE_INDEX: return mn_arena_sprintf(a, "Remove index %s from %s", op->name, op->model_name);
    case MN_OP_ADD_CONSTRAINT:
        return mn_arena_sprintf(a, "Create constraint %s on model %s", op->constraint.name, op->model_name);
    case MN_OP_REMOVE_CONSTRAINT:
        return mn_arena_sprintf(a, "Remove constraint %s from model %s", op->name, op->model_name);
    case MN_OP_ALTER_UNIQUE_TOGETHER: {
        size_t n = 0;
        while (op->unique_together && op->unique_together[n])
            n++;
        return mn_arena_sprintf(a, "Alter unique_together for %s (%zu constraint(s))", op->name, n);
    }
    case MN_OP_RUN_SQL: return "Raw SQL operation";
    case MN_OP_RUN_C: return "Raw C operation";
    }
    return "?";
}

const char *mn_mig_op_fragment(const mn_mig_op *op, mn_arena *a)
{
    const char *r = NULL;
    switch (op->kind) {
    case MN_OP_CREATE_MODEL: r = op_model(op); break;
    case MN_OP_DELETE_MODEL: r = mn_arena_sprintf(a, "delete_%s", op->name); break;
    case MN_OP_RENAME_MODEL: r = mn_arena_sprintf(a, "rename_%s_%s", op->old_name, op->new_name); break;
    case MN_OP_ALTER_MODEL_TABLE: r = mn_arena_sprintf(a, "alter_%s_table", op->name); break;
    case MN_OP_ALTER_MODEL_OPTIONS: r = mn_arena_sprintf(a, "alter_%s_options", op->name); break;
    case MN_OP_ALTER_UNIQUE_TOGETHER: r = mn_arena_sprintf(a, "alter_%s_unique_together", op->name); break;
    case MN_OP_ADD_FIELD: r = mn_arena_sprintf(a, "%s_%s", op->model_name, op->name); break;
    case MN_OP_REMOVE_FIELD: r = mn_arena_sprintf(a, "remove_%s_%s", op->model_name, op->name); break;
    case MN_OP_ALTER_FIELD: r = mn_arena_sprintf(a, "alter_%s_%s", op->model_name, op->name); break;
    case MN_OP_RENAME_FIELD:
        r = mn_arena_sprintf(a, "rename_%s_%s_%s", op->old_name, op->model_name, op->new_name);
        break;
    case MN_OP_ADD_INDEX: r = mn_arena_sprintf(a, "%s_%s", op->model_name, op->index.name); break;
    case MN_OP_REMOVE_INDEX: r = mn_arena_sprintf(a, "remove_%s_%s", op->model_name, op->name); break;
    case MN_OP_ADD_CONSTRAINT: r = mn_arena_sprintf(a, "%s_%s", op->model_name, op->constraint.name); break;
    case MN_OP_REMOVE_CONSTRAINT: r = mn_arena_sprintf(a, "remove_%s_%s", op->model_name, op->name); break;
    default: return NULL;
    }
    return r ? mn__mig_lower(a, r) : NULL;
}

static int cmp_cstr(const void *x, const void *y) { return strcmp(*(const char *const *)x, *(const char *const *)y); }

const char *mn_migration_suggest_name(const mn_migration *m, mn_arena *a)
{
    if (m->initial)
        return "initial";
    const char *name = NULL;
    if (m->nops == 1) {
        name = mn_mig_op_fragment(&m->ops[0], a);
    } else if (m->nops > 1) {
        bool all = true;
        for (size_t i = 0; i < m->nops; i++)
            all = all && m->ops[i].kind == MN_OP_CREATE_MODEL;
        if (all) {
            const char **frags = mn_arena_calloc(a, m->nops, sizeof *frags);
            if (frags) {
                for (size_t i = 0; i < m->nops; i++)
                    frags[i] = mn_mig_op_fragment(&m->ops[i], a);
                qsort(frags, m->nops, sizeof *frags, cmp_cstr);
                mn_buf b;
                mn_buf_init(&b, a, 0);
                for (size_t i = 0; i < m->nops; i++)
                    mn_buf_printf(&b, "%s%s", i ? "_" : "", frags[i]);
                name = mn_buf_cstr(&b);
            }
        }
    }
    if (!name) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        char ts[32];
        strftime(ts, sizeof ts, "%Y%m%d_%H%M", &tm);
        name = mn_arena_sprintf(a, "auto_%s", ts);
    }
    return name;
}

/* ---- RunC registry ---- */

#define MAX_FUNCS 256
static struct {
    char name[128];
    mn_migrate_fn fn;
} g_funcs[MAX_FUNCS];
static size_t g_nfuncs;
static pthread_mutex_t g_funcs_lock = PTHREAD_MUTEX_INITIALIZER;

int mn_migrate_register(const char *name, mn_migrate_fn fn)
{
    if (!name || !*name || strlen(name) >= sizeof g_funcs[0].name || !fn)
        return MN_EINVAL;
    pthread_mutex_lock(&g_funcs_lock);
    int rc = MN_OK;
    size_t i = 0;
    for (; i < g_nfuncs; i++)
        if (!strcmp(g_funcs[i].name, name))
            break;
    if (i == g_nfuncs) {
        if (g_nfuncs == MAX_FUNCS) {
            rc = MN_ELIMIT;
        } else {
            snprintf(g_funcs[i].name, sizeof g_funcs[i].name, "%s", name);
            g_nfuncs++;
        }
    }
    if (rc == MN_OK)
        g_funcs[i].fn = fn;
    pthread_mutex_unlock(&g_funcs_lock);
    return rc;
}

mn_migrate_fn mn_migrate_lookup(const char *name)
{
    mn_migrate_fn fn = NULL;
    pthread_mutex_lock(&g_funcs_lock);
    for (size_t i = 0; name && i < g_nfuncs; i++)
        if (!strcmp(g_funcs[i].name, name))
            fn = g_funcs[i].fn;
    pthread_mutex_unlock(&g_funcs_lock);
    return fn;
}
