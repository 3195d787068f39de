/* Migrations: the optimizer of squashmigrations (Django's
 * MigrationOptimizer and the reduce() of each operation).
 *
 * Each operation is compared with every operation after it: reduce(a, b)
 * either gives the operations that replace the pair (possibly none), or
 * says whether b may be moved across a (true) or not (false). The list is
 * rewritten at the first reduction and the whole pass starts again until a
 * pass changes nothing. Whether one operation may be moved across another
 * is Django's references_model / references_field: an operation that might
 * touch the same model (a foreign key to it included) or field blocks. */
#include <string.h>
#include <strings.h>
#include "migrate_internal.h"

typedef enum { RED_FALSE, RED_TRUE, RED_LIST } red_kind;

typedef struct red {
    red_kind kind;
    size_t n;         /* RED_LIST: 0..2 operations */
    mn_mig_op ops[2];
} red;

typedef struct octx {
    mn_arena *a;
    const char *app;
    bool oom;
} octx;

static bool ieq(const char *x, const char *y) { return x && y && !strcasecmp(x, y); }

static bool is_field_op(mn_mig_op_kind k)
{
    return k == MN_OP_ADD_FIELD || k == MN_OP_REMOVE_FIELD || k == MN_OP_ALTER_FIELD || k == MN_OP_RENAME_FIELD;
}

/* FieldOperation.name: RenameField's is its old name. */
static const char *field_op_name(const mn_mig_op *op)
{
    return op->kind == MN_OP_RENAME_FIELD ? op->old_name : op->name;
}

static const char *create_name(const mn_mig_op *op) { return op->model ? op->model->name : op->name; }

/* Whether "app.model" ref names app_label.model (the model case-blind). */
static bool ref_is(const char *ref, const char *app, const char *model)
{
    const char *dot = ref ? strchr(ref, '.') : NULL;
    if (!dot)
        return false;
    size_t al = strlen(app);
    return (size_t)(dot - ref) == al && !strncmp(ref, app, al) && ieq(dot + 1, model);
}

/* Django's field_references without a field name: a relation to the model
 * or through it. Any such relation refers to every field of the model too
 * (to_fields are never given), as Django decides. */
static bool field_refs(const mn_mig_field *f, const char *app, const char *model)
{
    if (!mn__mig_is_fk(f->kind) && f->kind != MN_MIG_KIND_M2M)
        return false;
    return ref_is(f->to, app, model) || ref_is(f->through, app, model);
}

static bool references_model(const mn_mig_op *op, const char *name, const char *app)
{
    switch (op->kind) {
    case MN_OP_CREATE_MODEL:
        if (ieq(name, create_name(op)))
            return true;
        for (size_t i = 0; op->model && i < op->model->nfields; i++)
            if (field_refs(&op->model->fields[i], app, name))
                return true;
        return false;
    case MN_OP_DELETE_MODEL: return true; /* the deleted model's relations */
    case MN_OP_RENAME_MODEL: return ieq(name, op->old_name) || ieq(name, op->new_name);
    case MN_OP_ALTER_MODEL_TABLE:
    case MN_OP_ALTER_MODEL_OPTIONS:
    case MN_OP_ALTER_UNIQUE_TOGETHER: return ieq(name, op->name);
    case MN_OP_ADD_FIELD:
    case MN_OP_ALTER_FIELD: return ieq(name, op->model_name) || field_refs(&op->field, app, name);
    case MN_OP_REMOVE_FIELD:
    case MN_OP_RENAME_FIELD: return ieq(name, op->model_name);
    default: return true; /* indexes, constraints, RunSQL, RunC: in doubt */
    }
}

static bool references_field(const mn_mig_op *op, const char *model, const char *name, const char *app)
{
    switch (op->kind) {
    case MN_OP_ADD_FIELD:
    case MN_OP_ALTER_FIELD:
    case MN_OP_REMOVE_FIELD:
        if (ieq(model, op->model_name) && !strcmp(name, op->name))
            return true;
        return op->kind != MN_OP_REMOVE_FIELD && field_refs(&op->field, app, model);
    case MN_OP_RENAME_FIELD:
        return references_model(op, model, app) && (ieq(name, op->old_name) || ieq(name, op->new_name));
    case MN_OP_ALTER_UNIQUE_TOGETHER:
        if (!references_model(op, model, app))
            return false;
        if (!op->unique_together || !op->unique_together[0])
            return true;
        for (size_t i = 0; op->unique_together[i]; i++)
            for (size_t k = 0; op->unique_together[i][k]; k++)
                if (!strcmp(op->unique_together[i][k], name))
                    return true;
        return false;
    default: return references_model(op, model, app);
    }
}

static red red_bool(bool b) { return (red){ .kind = b ? RED_TRUE : RED_FALSE }; }

static red red_list0(void) { return (red){ .kind = RED_LIST, .n = 0 }; }

static red red_list1(const mn_mig_op *x)
{
    red r = { .kind = RED_LIST, .n = 1 };
    r.ops[0] = *x;
    return r;
}

/* Operation.reduce: an elidable operation disappears next to another. */
static red base_reduce(const mn_mig_op *self, const mn_mig_op *other)
{
    if (self->elidable)
        return red_list1(other);
    if (other->elidable)
        return red_list1(self);
    return red_bool(false);
}

/* ModelOperation.reduce (name: the model the operation leaves behind). */
static red model_reduce(const mn_mig_op *self, const mn_mig_op *other, const char *name, const char *app)
{
    red r = base_reduce(self, other);
    return r.kind == RED_LIST ? r : red_bool(!references_model(other, name, app));
}

/* FieldOperation.reduce. */
static red field_reduce(const mn_mig_op *self, const mn_mig_op *other, const char *name, const char *app)
{
    red r = base_reduce(self, other);
    return r.kind == RED_LIST ? r : red_bool(!references_field(other, self->model_name, name, app));
}

static bool same_field(const mn_mig_op *self, const mn_mig_op *other)
{
    return is_field_op(other->kind) && ieq(self->model_name, other->model_name) &&
           ieq(field_op_name(self), field_op_name(other));
}

/* A CreateModel of a copy of self's model. */
static mn_mig_op *create_copy(octx *c, const mn_mig_op *self, red *r)
{
    *r = (red){ .kind = RED_LIST, .n = 1 };
    r->ops[0] = *self;
    mn_mig_model *m = mn__mig_model_copy(c->a, self->model);
    if (!m) {
        c->oom = true;
        *r = red_bool(false);
        return NULL;
    }
    r->ops[0].model = m;
    return &r->ops[0];
}

static const char **names_without(mn_arena *a, const char *const *names, const char *drop, bool *oom)
{
    size_t n = mn__mig_names_len(names), k = 0;
    const char **r = mn_arena_calloc(a, n + 1, sizeof *r);
    if (!r) {
        *oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], drop))
            r[k++] = names[i];
    return r;
}

static const char **names_renamed(mn_arena *a, const char *const *names, const char *old, const char *new_name,
                                  bool *oom)
{
    if (!names)
        return NULL;
    size_t n = mn__mig_names_len(names);
    const char **r = mn_arena_calloc(a, n + 1, sizeof *r);
    if (!r) {
        *oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *s = names[i];
        bool desc = s[0] == '-';
        if (!strcmp(desc ? s + 1 : s, old))
            s = desc ? mn_arena_sprintf(a, "-%s", new_name) : new_name;
        if (!s)
            *oom = true;
        r[i] = s;
    }
    return r;
}

/* Whether an index or constraint of m names the field (folding a
 * RemoveField into the CreateModel would leave it dangling). */
static bool options_use_field(const mn_mig_model *m, const char *name)
{
    for (size_t i = 0; i < m->nindexes; i++)
        for (size_t k = 0; m->indexes[i].fields && m->indexes[i].fields[k]; k++) {
            const char *s = m->indexes[i].fields[k];
            if (!strcmp(s[0] == '-' ? s + 1 : s, name))
                return true;
        }
    for (size_t i = 0; i < m->nconstraints; i++)
        for (size_t k = 0; m->constraints[i].fields && m->constraints[i].fields[k]; k++)
            if (!strcmp(m->constraints[i].fields[k], name))
                return true;
    return false;
}

static red reduce_create(octx *c, const mn_mig_op *self, const mn_mig_op *other)
{
    const char *name = create_name(self);
    red r;
    mn_mig_op *n;
    switch (other->kind) {
    case MN_OP_DELETE_MODEL:
        if (ieq(name, other->name))
            return red_list0();
        break;
    case MN_OP_RENAME_MODEL:
        if (ieq(name, other->old_name) && (n = create_copy(c, self, &r))) {
            n->name = n->model->name = other->new_name;
            return r;
        }
        break;
    case MN_OP_ALTER_MODEL_OPTIONS:
        /* Every option AlterModelOptions holds is one of Django's
         * ALTER_OPTION_KEYS: absent ones are removed. */
        if (ieq(name, other->name) && (n = create_copy(c, self, &r))) {
            n->model->ordering = other->model ? other->model->ordering : NULL;
            n->model->verbose_name = other->model ? other->model->verbose_name : NULL;
            n->model->verbose_name_plural = other->model ? other->model->verbose_name_plural : NULL;
            return r;
        }
        break;
    case MN_OP_ALTER_UNIQUE_TOGETHER:
        if (ieq(name, other->name) && (n = create_copy(c, self, &r))) {
            n->model->unique_together = other->unique_together && other->unique_together[0]
                                            ? other->unique_together
                                            : NULL;
            return r;
        }
        break;
    case MN_OP_ADD_FIELD:
    case MN_OP_ALTER_FIELD:
    case MN_OP_REMOVE_FIELD:
    case MN_OP_RENAME_FIELD: {
        if (!ieq(name, other->model_name))
            break;
        if (other->kind == MN_OP_REMOVE_FIELD && options_use_field(self->model, other->name))
            break;
        if (!(n = create_copy(c, self, &r)))
            break;
        mn_mig_model *m = n->model;
        if (other->kind == MN_OP_ADD_FIELD) {
            mn_mig_field *nf = mn_arena_calloc(c->a, m->nfields + 2, sizeof *nf);
            if (!nf) {
                c->oom = true;
                return red_bool(false);
            }
            memcpy(nf, m->fields, m->nfields * sizeof *nf);
            nf[m->nfields] = other->field;
            nf[m->nfields].name = other->name;
            /* A one-off default only filled existing rows: a new table has
             * none, and the state after AddField has no default. */
            if (!other->preserve_default)
                nf[m->nfields].default_value = NULL;
            m->fields = nf;
            m->nfields++;
        } else if (other->kind == MN_OP_ALTER_FIELD) {
            for (size_t i = 0; i < m->nfields; i++)
                if (!strcmp(m->fields[i].name, other->name)) {
                    m->fields[i] = other->field;
                    m->fields[i].name = other->name;
                    if (!other->preserve_default)
                        m->fields[i].default_value = NULL;
                }
        } else if (other->kind == MN_OP_REMOVE_FIELD) {
            size_t k = 0;
            for (size_t i = 0; i < m->nfields; i++)
                if (!ieq(m->fields[i].name, other->name))
                    m->fields[k++] = m->fields[i];
            m->nfields = k;
            /* unique_together loses the field; emptied sets go. */
            size_t nut = 0, kept = 0;
            while (m->unique_together && m->unique_together[nut])
                nut++;
            if (nut) {
                const char ***ut = mn_arena_calloc(c->a, nut + 1, sizeof *ut);
                if (!ut) {
                    c->oom = true;
                    return red_bool(false);
                }
                for (size_t i = 0; i < nut; i++) {
                    const char **s = names_without(c->a, m->unique_together[i], other->name, &c->oom);
                    if (s && s[0])
                        ut[kept++] = s;
                }
                m->unique_together = kept ? ut : NULL;
            }
        } else {
            for (size_t i = 0; i < m->nfields; i++)
                if (!strcmp(m->fields[i].name, other->old_name))
                    m->fields[i].name = other->new_name;
            /* As the state's RenameField: options naming the field follow. */
            size_t nut = 0;
            while (m->unique_together && m->unique_together[nut])
                nut++;
            if (nut) {
                const char ***ut = mn_arena_calloc(c->a, nut + 1, sizeof *ut);
                if (!ut) {
                    c->oom = true;
                    return red_bool(false);
                }
                for (size_t i = 0; i < nut; i++)
                    ut[i] = names_renamed(c->a, m->unique_together[i], other->old_name, other->new_name, &c->oom);
                m->unique_together = ut;
            }
            m->ordering = names_renamed(c->a, m->ordering, other->old_name, other->new_name, &c->oom);
            for (size_t i = 0; i < m->nindexes; i++)
                m->indexes[i].fields =
                    names_renamed(c->a, m->indexes[i].fields, other->old_name, other->new_name, &c->oom);
            for (size_t i = 0; i < m->nconstraints; i++)
                m->constraints[i].fields =
                    names_renamed(c->a, m->constraints[i].fields, other->old_name, other->new_name, &c->oom);
        }
        return c->oom ? red_bool(false) : r;
    }
    default: break;
    }
    return model_reduce(self, other, name, c->app);
}

static red reduce(octx *c, const mn_mig_op *self, const mn_mig_op *other)
{
    red r;
    switch (self->kind) {
    case MN_OP_CREATE_MODEL: return reduce_create(c, self, other);
    case MN_OP_DELETE_MODEL: return model_reduce(self, other, self->name, c->app);
    case MN_OP_RENAME_MODEL:
        if (other->kind == MN_OP_RENAME_MODEL && ieq(self->new_name, other->old_name)) {
            r = red_list1(self);
            r.ops[0].new_name = other->new_name;
            return r;
        }
        return model_reduce(self, other, self->new_name, c->app);
    case MN_OP_ALTER_MODEL_TABLE:
    case MN_OP_ALTER_MODEL_OPTIONS:
    case MN_OP_ALTER_UNIQUE_TOGETHER:
        if ((other->kind == self->kind || other->kind == MN_OP_DELETE_MODEL) && ieq(self->name, other->name))
            return red_list1(other);
        return model_reduce(self, other, self->name, c->app);
    case MN_OP_ADD_FIELD:
        if (same_field(self, other)) {
            if (other->kind == MN_OP_ALTER_FIELD) {
                r = red_list1(other);
                r.ops[0].kind = MN_OP_ADD_FIELD;
                r.ops[0].model_name = self->model_name;
                /* The added column still needs the one-off default when the
                 * altered field has none. */
                if (!self->preserve_default && !other->field.default_value) {
                    r.ops[0].field.default_value = self->field.default_value;
                    r.ops[0].preserve_default = false;
                }
                return r;
            }
            if (other->kind == MN_OP_REMOVE_FIELD)
                return red_list0();
            if (other->kind == MN_OP_RENAME_FIELD) {
                r = red_list1(self);
                r.ops[0].name = r.ops[0].field.name = other->new_name;
                return r;
            }
        }
        return field_reduce(self, other, self->name, c->app);
    case MN_OP_REMOVE_FIELD:
        if (other->kind == MN_OP_DELETE_MODEL && ieq(other->name, self->model_name))
            return red_list1(other);
        return field_reduce(self, other, self->name, c->app);
    case MN_OP_ALTER_FIELD:
        if (other->kind == MN_OP_REMOVE_FIELD && same_field(self, other))
            return red_list1(other);
        if (other->kind == MN_OP_RENAME_FIELD && same_field(self, other)) {
            r = (red){ .kind = RED_LIST, .n = 2 };
            r.ops[0] = *other;
            r.ops[1] = *self;
            r.ops[1].name = r.ops[1].field.name = other->new_name;
            return r;
        }
        return field_reduce(self, other, self->name, c->app);
    case MN_OP_RENAME_FIELD:
        if (other->kind == MN_OP_RENAME_FIELD && ieq(self->model_name, other->model_name) &&
            ieq(self->new_name, other->old_name)) {
            r = red_list1(self);
            r.ops[0].new_name = other->new_name;
            return r;
        }
        r = base_reduce(self, other);
        return r.kind == RED_LIST ? r : red_bool(!references_field(other, self->model_name, self->new_name, c->app));
    default: return base_reduce(self, other);
    }
}

/* One pass (Django's optimize_inner): rewrites ops into out at the first
 * reduction; returns whether there was one. */
static bool optimize_inner(octx *c, const mn_mig_op *ops, size_t n, mn_mig_op *out, size_t *nout)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool right = true, kept = false;
        for (size_t j = i + 1; j < n && !kept; j++) {
            red r = reduce(c, &ops[i], &ops[j]);
            if (c->oom)
                return false;
            if (r.kind == RED_FALSE) {
                right = false;
                continue;
            }
            if (r.kind == RED_TRUE)
                continue;
            if (right) {
                for (size_t b = i + 1; b < j; b++)
                    out[k++] = ops[b];
                for (size_t b = 0; b < r.n; b++)
                    out[k++] = r.ops[b];
            } else {
                /* A left reduction: only when every operation in between
                 * can be moved across ops[j]. */
                bool through = true;
                for (size_t b = i + 1; b < j && through; b++) {
                    red t = reduce(c, &ops[b], &ops[j]);
                    through = t.kind == RED_TRUE;
                }
                if (c->oom)
                    return false;
                if (!through) {
                    out[k++] = ops[i];
                    kept = true;
                    break;
                }
                for (size_t b = 0; b < r.n; b++)
                    out[k++] = r.ops[b];
                for (size_t b = i + 1; b < j; b++)
                    out[k++] = ops[b];
            }
            for (size_t b = j + 1; b < n; b++)
                out[k++] = ops[b];
            *nout = k;
            return true;
        }
        if (!kept)
            out[k++] = ops[i];
    }
    *nout = k;
    return false;
}

int mn_mig_optimize(const mn_mig_op *ops, size_t nops, const char *app, mn_arena *a, mn_mig_op **out, size_t *nout,
                    mn_err *err)
{
    *out = NULL;
    *nout = 0;
    if (!app)
        return mn_err_set(err, MN_EINVAL, "mn_mig_optimize: app_label must be given");
    /* A pass never lengthens the list (AlterField + RenameField keeps its
     * length), so two buffers of nops + 1 do. */
    mn_mig_op *cur = mn_arena_calloc(a, nops + 1, sizeof *cur), *next = mn_arena_calloc(a, nops + 2, sizeof *next);
    if (!cur || !next)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    if (nops)
        memcpy(cur, ops, nops * sizeof *cur);
    size_t n = nops;
    octx c = { .a = a, .app = app };
    /* Each pass shortens the list or moves a RenameField before an
     * AlterField of the same field, so passes are bounded; the bound only
     * guards against a bug turning into a hang. */
    size_t limit = (nops + 2) * (nops + 2) + 16;
    for (size_t pass = 0;; pass++) {
        if (pass > limit)
            return mn_err_set(err, MN_ELIMIT, "the migration optimizer did not settle after %zu passes", pass);
        size_t m = 0;
        bool changed = optimize_inner(&c, cur, n, next, &m);
        if (c.oom)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        if (!changed)
            break;
        mn_mig_op *t = cur;
        cur = next;
        next = t;
        n = m;
    }
    *out = cur;
    *nout = n;
    return MN_OK;
}
