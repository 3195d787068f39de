/* The deletion collector (Django's django.db.models.deletion.Collector):
 * gathers what on_delete cascades to, refuses PROTECT/RESTRICT, then deletes
 * children before parents in one transaction with pre/post_delete for every
 * object. */
#include <stdio.h>
#include <string.h>
#include "orm_internal.h"

#define MAX_MODELS 64
#define MAX_UPDATES 64
#define MAX_BLOCKS 64

typedef struct objset {
    mn_model *m;
    void **items;
    size_t n, cap;
    mn_map *seen; /* str(pk) -> true */
} objset;

typedef struct fupdate {
    mn_model *m;
    const mn_field *f;
    mn_value v;
    mn_list *pks;
} fupdate;

typedef struct block {
    mn_model *parent; /* the model whose deletion is refused */
    mn__rel rel;
    void **items;
    size_t n;
} block;

typedef struct collector {
    mn_arena *a;
    mn_db *db;
    objset sets[MAX_MODELS];
    size_t nsets;
    fupdate ups[MAX_UPDATES];
    size_t nups;
    block protect[MAX_BLOCKS], restrict_[MAX_BLOCKS];
    size_t nprotect, nrestrict;
    mn_err *err;
} collector;

bool mn__collect_needed(mn_model *m)
{
    mn__rel r;
    return mn__rel_reverse(m, &r, 1) > 0 || mn_signal_has_listeners(&mn_pre_delete, m) ||
           mn_signal_has_listeners(&mn_post_delete, m);
}

static objset *set_for(collector *c, mn_model *m)
{
    for (size_t i = 0; i < c->nsets; i++)
        if (c->sets[i].m == m)
            return &c->sets[i];
    if (c->nsets == MAX_MODELS)
        return NULL;
    objset *s = &c->sets[c->nsets++];
    s->m = m;
    s->seen = mn_map_new(c->a, 16);
    return s->seen ? s : NULL;
}

static mn_str pk_key(collector *c, mn_model *m, void *obj)
{
    mn_value pk = mn__member_value(obj, m, (size_t)m->_rt->pk);
    return mn_str_clone(c->a, mn_value_as_str(pk, c->a, NULL));
}

static bool collected(collector *c, mn_model *m, void *obj)
{
    for (size_t i = 0; i < c->nsets; i++)
        if (c->sets[i].m == m)
            return mn_map_get(c->sets[i].seen, pk_key(c, m, obj)).type != MN_VALUE_NULL;
    return false;
}

static int collect(collector *c, mn_model *m, void *const *objs, size_t n, int depth);

/* The value an on_delete update writes into f. */
static int update_value(collector *c, const mn_field *f, mn_value *out)
{
    if (f->on_delete == MN_SET_NULL) {
        *out = mn_value_null();
        if (!f->null)
            return mn_err_set(c->err, MN_EINVAL, "field '%s': on_delete SET_NULL needs null = true", f->name);
        return MN_OK;
    }
    if (f->on_delete == MN_SET_DEFAULT) {
        *out = f->default_value ? mn_value_cstr(f->default_value) : mn_value_null();
        return MN_OK;
    }
    if (f->on_delete_fn)
        return f->on_delete_fn(c->a, out);
    *out = f->on_delete_value ? mn_value_cstr(f->on_delete_value) : mn_value_null();
    return MN_OK;
}

#define BATCH 500 /* keys per IN (...): far below every backend's parameter limit */

/* The objects whose key r->fk is among pks, fetched in batches. */
static int related_objects(collector *c, const mn__rel *r, mn_list *pks, void ***items, size_t *n)
{
    size_t total = mn_list_len(pks), cap = 0;
    *items = NULL;
    *n = 0;
    for (size_t start = 0; start < total; start += BATCH) {
        size_t end = start + BATCH < total ? start + BATCH : total;
        mn_list *part = mn_list_new(c->a, end - start);
        for (size_t i = start; part && i < end; i++)
            mn_list_push(part, mn_list_get(pks, i));
        if (!part)
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        mn_qs *qs = mn_qs_using(mn_qs_all(r->model, c->a), c->db);
        qs = mn_qs_filter(qs, mn_arena_sprintf(c->a, "%s__in", r->fk->name), mn_value_list(part));
        qs = mn_qs_order_by(qs, NULL);
        int rc = mn_qs_eval(qs, c->err);
        if (rc != MN_OK)
            return rc;
        size_t k;
        void **got = mn_qs_items(qs, &k);
        if (start == 0 && end == total) {
            *items = got;
            *n = k;
            return MN_OK;
        }
        if (*n + k > cap) {
            size_t ncap = (*n + k) * 2;
            void **ni = mn_arena_realloc(c->a, *items, cap * sizeof *ni, ncap * sizeof *ni);
            if (!ni)
                return mn_err_set(c->err, MN_ENOMEM, "out of memory");
            *items = ni;
            cap = ncap;
        }
        if (k)
            memcpy(*items + *n, got, k * sizeof *got);
        *n += k;
    }
    return MN_OK;
}

static int collect(collector *c, mn_model *m, void *const *objs, size_t n, int depth)
{
    if (depth > 32)
        return mn_err_set(c->err, MN_ELIMIT, "deleting %s: cascades nested too deep", m->name);
    objset *s = set_for(c, m);
    if (!s)
        return mn_err_set(c->err, MN_ELIMIT, "deleting %s: too many models in one delete", m->name);
    mn_list *fresh = mn_list_new(c->a, n ? n : 1);
    if (!fresh)
        return mn_err_set(c->err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mn_str key = pk_key(c, m, objs[i]);
        if (!key.ptr)
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        if (mn_map_get(s->seen, key).type != MN_VALUE_NULL)
            continue;
        mn_map_set(s->seen, key, mn_value_bool(true));
        if (s->n == s->cap) {
            size_t ncap = s->cap ? s->cap * 2 : 16;
            void **ni = mn_arena_realloc(c->a, s->items, s->cap * sizeof *ni, ncap * sizeof *ni);
            if (!ni)
                return mn_err_set(c->err, MN_ENOMEM, "out of memory");
            s->items = ni;
            s->cap = ncap;
        }
        s->items[s->n++] = objs[i];
        mn_list_push(fresh, mn__member_value(objs[i], m, (size_t)m->_rt->pk));
    }
    if (!mn_list_len(fresh))
        return MN_OK;
    mn__rel rels[64];
    size_t nr = mn__rel_reverse(m, rels, 64);
    if (nr > 64)
        return mn_err_set(c->err, MN_ELIMIT, "deleting %s: more than 64 relations point at it", m->name);
    for (size_t i = 0; i < nr; i++) {
        const mn__rel *r = &rels[i];
        mn_on_delete how = r->fk->on_delete;
        if (how == MN_DO_NOTHING)
            continue;
        void **items;
        size_t k;
        int rc = related_objects(c, r, fresh, &items, &k);
        if (rc != MN_OK)
            return rc;
        if (!k)
            continue;
        switch (how) {
        case MN_CASCADE:
            if ((rc = collect(c, r->model, items, k, depth + 1)) != MN_OK)
                return rc;
            break;
        case MN_PROTECT:
        case MN_RESTRICT: {
            block *b = how == MN_PROTECT ? c->protect : c->restrict_;
            size_t *nb = how == MN_PROTECT ? &c->nprotect : &c->nrestrict;
            if (*nb < MAX_BLOCKS)
                b[(*nb)++] = (block){ .parent = m, .rel = *r, .items = items, .n = k };
            break;
        }
        default: {
            if (c->nups == MAX_UPDATES)
                return mn_err_set(c->err, MN_ELIMIT, "deleting %s: too many on_delete updates", m->name);
            fupdate *u = &c->ups[c->nups++];
            u->m = r->model;
            u->f = r->fk;
            if ((rc = update_value(c, r->fk, &u->v)) != MN_OK)
                return rc;
            u->pks = mn_list_new(c->a, k);
            for (size_t j = 0; u->pks && j < k; j++)
                mn_list_push(u->pks, mn__member_value(items[j], r->model, (size_t)r->model->_rt->pk));
            if (!u->pks)
                return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        }
        }
    }
    return MN_OK;
}

/* Django's ProtectedError / RestrictedError message, then the objects. */
static int refuse(collector *c, block *b, size_t n, const char *kind)
{
    mn_buf msg;
    mn_buf_init(&msg, c->a, 0);
    mn_buf_printf(&msg, "Cannot delete some instances of model '%s' because they are referenced through %s foreign keys: ",
                  b[0].parent->name, kind);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            dup |= b[j].rel.fk == b[i].rel.fk;
        if (dup)
            continue;
        mn_buf_printf(&msg, "%s'%s.%s'", shown++ ? ", " : "", b[i].rel.model->name, b[i].rel.fk->name);
    }
    mn_buf_puts(&msg, ".");
    shown = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < b[i].n; j++) {
            if (kind[0] == 'r' && collected(c, b[i].rel.model, b[i].items[j]))
                continue;
            mn_buf_puts(&msg, shown++ ? ", " : " Objects: ");
            mn_buf_printf(&msg, "<%s: ", b[i].rel.model->name);
            mn_value_to_str(mn_obj_value(b[i].items[j], b[i].rel.model), &msg);
            mn_buf_puts(&msg, ">");
        }
    return mn_err_set(c->err, MN_EPERM, "%s", mn_buf_cstr(&msg));
}

static int delete_set(collector *c, objset *s, int64_t *count)
{
    mn_model *m = s->m;
    *count = 0;
    for (size_t start = 0; start < s->n; start += BATCH) {
        size_t end = start + BATCH < s->n ? start + BATCH : s->n;
        mn_list *ids = mn_list_new(c->a, end - start);
        for (size_t i = start; ids && i < end; i++)
            mn_list_push(ids, mn__member_value(s->items[i], m, (size_t)m->_rt->pk));
        if (!ids)
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        mn_buf b;
        mn_buf_init(&b, c->a, 0);
        mn_buf_puts(&b, "DELETE FROM ");
        mn__quote(&b, m->_rt->table);
        mn_buf_puts(&b, " WHERE ");
        mn__quote(&b, m->_rt->columns[m->_rt->pk]);
        mn_buf_puts(&b, " IN (");
        mn_value *params = mn_arena_alloc(c->a, (end - start) * sizeof *params);
        if (!params)
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        mn_db_engine eng = mn_db_engine_of(c->db);
        for (size_t i = start; i < end; i++) {
            mn_buf_puts(&b, i > start ? ", %s" : "%s");
            int rc = mn__member_to_db(s->items[i], m, (size_t)m->_rt->pk, eng, c->a, &params[i - start], c->err);
            if (rc != MN_OK)
                return rc;
        }
        mn_buf_puts(&b, ")");
        if (mn_buf_error(&b))
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        int rc = mn_db_execute(c->db, mn_buf_cstr(&b), params, end - start, NULL, c->err);
        if (rc != MN_OK)
            return rc;
        *count += mn_db_changes(c->db);
    }
    return MN_OK;
}

static int run(collector *c, int64_t *total, mn_map *per_model)
{
    int rc = MN_OK;
    for (size_t i = 0; rc == MN_OK && i < c->nsets; i++)
        for (size_t j = 0; rc == MN_OK && j < c->sets[i].n; j++)
            rc = mn__send(&mn_pre_delete, c->sets[i].m, c->sets[i].items[j], c->a, false, NULL, c->err);
    for (size_t i = 0; rc == MN_OK && i < c->nups; i++) {
        fupdate *u = &c->ups[i];
        size_t nk = mn_list_len(u->pks);
        for (size_t start = 0; rc == MN_OK && start < nk; start += BATCH) {
            size_t end = start + BATCH < nk ? start + BATCH : nk;
            mn_list *part = mn_list_new(c->a, end - start);
            for (size_t k = start; part && k < end; k++)
                mn_list_push(part, mn_list_get(u->pks, k));
            if (!part)
                return mn_err_set(c->err, MN_ENOMEM, "out of memory");
            mn_qs *qs = mn_qs_using(mn_qs_filter(mn_qs_all(u->m, c->a), "pk__in", mn_value_list(part)), c->db);
            int64_t n = mn_qs_update(qs, c->err, u->f->name, u->v, NULL);
            if (n < 0)
                rc = (int)n;
        }
    }
    /* Children were collected after their parents: delete in reverse. */
    for (size_t i = c->nsets; rc == MN_OK && i-- > 0;) {
        int64_t n;
        rc = delete_set(c, &c->sets[i], &n);
        if (rc == MN_OK && n) {
            *total += n;
            mn_model *m = c->sets[i].m;
            char *key = mn_arena_sprintf(c->a, "%s.%s", m->app_label ? m->app_label : "", m->name);
            if (per_model && key)
                mn_map_set_cstr(per_model, key, mn_value_int(n));
        }
    }
    for (size_t i = 0; rc == MN_OK && i < c->nsets; i++)
        for (size_t j = 0; rc == MN_OK && j < c->sets[i].n; j++)
            rc = mn__send(&mn_post_delete, c->sets[i].m, c->sets[i].items[j], c->a, false, NULL, c->err);
    return rc;
}

int64_t mn__collect_delete(mn_model *m, void *const *objs, size_t n, mn_db *db, mn_arena *arena, mn_map **per_model,
                           mn_err *err)
{
    collector *c = mn_arena_calloc(arena, 1, sizeof *c);
    if (!c)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    c->a = arena;
    c->db = db;
    c->err = err;
    mn_map *counts = mn_map_new(arena, 4);
    if (!counts)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    int64_t total = 0;
    int rc = mn_db_begin(db, err);
    if (rc != MN_OK)
        return rc;
    rc = collect(c, m, objs, n, 0);
    if (rc == MN_OK && c->nprotect)
        rc = refuse(c, c->protect, c->nprotect, "protected");
    if (rc == MN_OK && c->nrestrict) {
        /* RESTRICT allows what a CASCADE of the same delete removes. */
        size_t bad = 0;
        for (size_t i = 0; i < c->nrestrict; i++)
            for (size_t j = 0; j < c->restrict_[i].n; j++)
                bad += !collected(c, c->restrict_[i].rel.model, c->restrict_[i].items[j]);
        if (bad)
            rc = refuse(c, c->restrict_, c->nrestrict, "restricted");
    }
    if (rc == MN_OK)
        rc = run(c, &total, counts);
    if (rc == MN_OK)
        rc = mn_db_commit(db, err);
    if (rc != MN_OK) {
        /* also after a failed COMMIT (a deferred constraint), which leaves
         * the transaction open */
        mn_db_rollback(db, NULL);
        return rc;
    }
    /* Django sets the primary key of deleted instances to None. */
    for (size_t i = 0; i < c->nsets; i++) {
        mn_model *sm = c->sets[i].m;
        const mn_field *pkf = &sm->_rt->fields[sm->_rt->pk];
        for (size_t j = 0; j < c->sets[i].n; j++) {
            if (pkf->kind == MN_KIND_AUTO || pkf->kind == MN_KIND_BIGAUTO)
                *(int64_t *)((char *)c->sets[i].items[j] + pkf->offset) = 0;
            mn_obj_header(sm, c->sets[i].items[j])->flags |= MN_OBJ_ADDING;
        }
    }
    if (per_model)
        *per_model = counts;
    return total;
}

int64_t mn_obj_delete_counts(void *obj, mn_model *m, mn_db *db, mn_arena *arena, mn_map **per_model, mn_err *err)
{
    if (!obj || !arena || mn__model_setup(m, err) != MN_OK)
        return err && err->code ? err->code : MN_EINVAL;
    db = mn__db(db, err);
    if (!db)
        return MN_EINVAL;
    if (mn_obj_header(m, obj)->flags & MN_OBJ_ADDING)
        return mn_err_set(err, MN_EINVAL, "%s object can't be deleted because its id attribute is set to None.",
                          m->name);
    return mn__collect_delete(m, &obj, 1, db, arena, per_model, err);
}
