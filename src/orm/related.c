/* Relations: the registry of reverse relations and through models, the
 * accessor cache, forward/reverse accessors and related managers. */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/nplus1.h"
#include "orm_internal.h"

/* ---- the registry ----
 * Appended under the setup lock (mn__rel_setup_locked), read without a
 * lock: an entry is complete before the count that covers it is
 * published. */

#define MAX_RELS 2048
static mn__rel rels[MAX_RELS];
static size_t nrels;

static size_t rel_count(void) { return __atomic_load_n(&nrels, __ATOMIC_ACQUIRE); }

static int rel_add(const mn__rel *r)
{
    size_t n = nrels;
    if (n == MAX_RELS)
        return MN_ELIMIT;
    rels[n] = *r;
    __atomic_store_n(&nrels, n + 1, __ATOMIC_RELEASE);
    return MN_OK;
}

static char *lower_dup(const char *a, const char *suffix)
{
    size_t n = strlen(a), k = suffix ? strlen(suffix) : 0;
    char *s = malloc(n + k + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        s[i] = (char)tolower((unsigned char)a[i]);
    if (k)
        memcpy(s + n, suffix, k);
    s[n + k] = '\0';
    return s;
}

static bool hidden_name(const char *name) { return name && name[0] && name[strlen(name) - 1] == '+'; }

/* The automatic through model of a many-to-many field. */
typedef struct through_row {
    mn_obj mn;
    int64_t id;
    int64_t src;
    int64_t dst;
} through_row;

typedef struct auto_through {
    mn_model model;
    mn_field fields[4];
    const char *pair[3];
    const char *const *together[2];
} auto_through;

static mn_model *make_through(mn_model *m, struct mn__model_rt *rt, const mn_m2m *mm, mn_err *why)
{
    auto_through *t = calloc(1, sizeof *t);
    if (!t) {
        mn_err_set(why, MN_ENOMEM, "out of memory");
        return NULL;
    }
    bool self = mm->to == m;
    char *src = self ? lower_dup("from_", NULL) : lower_dup(m->name, NULL);
    char *dst = self ? lower_dup("to_", NULL) : lower_dup(mm->to->name, NULL);
    if (self && src && dst) {
        char *a = lower_dup(src, m->name), *b = lower_dup(dst, m->name);
        free(src);
        free(dst);
        for (char *p = a; p && *p; p++)
            *p = (char)tolower((unsigned char)*p);
        for (char *p = b; p && *p; p++)
            *p = (char)tolower((unsigned char)*p);
        src = a;
        dst = b;
    }
    char *name = malloc(strlen(m->name) + strlen(mm->name) + 2);
    char *table = mm->db_table ? strdup(mm->db_table) : malloc(strlen(rt->table) + strlen(mm->name) + 2);
    char *hide = malloc(strlen(m->name) + strlen(mm->name) + 3);
    if (!src || !dst || !name || !table || !hide) {
        free(src), free(dst), free(name), free(table), free(hide), free(t);
        mn_err_set(why, MN_ENOMEM, "out of memory");
        return NULL;
    }
    sprintf(name, "%s_%s", m->name, mm->name);
    if (!mm->db_table)
        sprintf(table, "%s_%s", rt->table, mm->name);
    sprintf(hide, "%s_%s+", m->name, mm->name);
    t->fields[0] = (mn_field){ .name = "id", .kind = MN_KIND_AUTO, .offset = offsetof(through_row, id),
                               .primary_key = true };
    t->fields[1] = (mn_field){ .name = src, .kind = MN_KIND_FOREIGNKEY, .offset = offsetof(through_row, src),
                               .related = m, .on_delete = MN_CASCADE, .related_name = hide };
    t->fields[2] = (mn_field){ .name = dst, .kind = MN_KIND_FOREIGNKEY, .offset = offsetof(through_row, dst),
                               .related = mm->to, .on_delete = MN_CASCADE, .related_name = hide };
    t->fields[3] = (mn_field){ .name = NULL };
    t->pair[0] = src;
    t->pair[1] = dst;
    t->together[0] = t->pair;
    t->model = (mn_model){ .app_label = m->app_label, .name = name, .size = sizeof(through_row),
                           .obj_offset = offsetof(through_row, mn), .fields = t->fields,
                           .meta = { .db_table = table, .unique_together = t->together } };
    return &t->model;
}

static const mn_field *fk_to(mn_model *through, mn_model *target, const char *named, const mn_field *not)
{
    struct mn__model_rt *rt = through->_rt;
    for (size_t i = 0; i < rt->nfields; i++) {
        const mn_field *f = &rt->fields[i];
        if (f->kind != MN_KIND_FOREIGNKEY || f == not)
            continue;
        if (named ? !strcmp(f->name, named) : f->related == target)
            return f;
    }
    return NULL;
}

int mn__rel_setup_locked(mn_model *m, struct mn__model_rt *rt)
{
    for (size_t i = 0; i < rt->nfields; i++) {
        const mn_field *f = &rt->fields[i];
        if (f->kind != MN_KIND_FOREIGNKEY)
            continue;
        mn__rel r = { .owner = f->related, .kind = MN__REL_REVERSE, .model = m, .fk = f, .multiple = !f->one_to_one,
                      .hidden = hidden_name(f->related_name) };
        r.name = f->related_name ? strdup(f->related_name)
                                 : lower_dup(m->name, f->one_to_one ? NULL : "_set");
        r.query_name = f->related_query_name ? strdup(f->related_query_name)
                       : f->related_name     ? strdup(f->related_name)
                                             : lower_dup(m->name, NULL);
        if (!r.name || !r.query_name || rel_add(&r) != MN_OK) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "too many relations");
            return MN_EINVAL;
        }
    }
    for (const mn_m2m *mm = m->many_to_many; mm && mm->name; mm++) {
        if (rt->nm2m == MN__MAX_M2M || !mm->to) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "many-to-many field '%s': %s", mm->name,
                     mm->to ? "too many many-to-many fields" : "a target model is needed");
            return MN_EINVAL;
        }
        mn_err why = { 0 };
        mn_model *t = mm->through ? mm->through : make_through(m, rt, mm, &why);
        if (!t) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "many-to-many field '%.40s': %.180s", mm->name, why.msg);
            return MN_EINVAL;
        }
        int rc = mn__model_setup_locked(t);
        if (rc != MN_OK) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "many-to-many field '%.40s': %.180s", mm->name,
                     t->_rt ? t->_rt->errmsg : "out of memory");
            return MN_EINVAL;
        }
        const mn_field *src = fk_to(t, m, mm->through ? mm->through_fields[0] : t->_rt->fields[1].name, NULL);
        const mn_field *dst = fk_to(t, mm->to, mm->through ? mm->through_fields[1] : t->_rt->fields[2].name, src);
        if (!src || !dst || src->related != m || dst->related != mm->to) {
            snprintf(rt->errmsg, sizeof rt->errmsg,
                     "many-to-many field '%s': the through model %s needs a ForeignKey to %s and one to %s", mm->name,
                     t->name, m->name, mm->to->name);
            return MN_EINVAL;
        }
        rt->through[rt->nm2m++] = t;
        /* symmetrical: Django's ManyToManyField("self") default; the
         * reverse side is then hidden ("<name>_rel_+") */
        bool sym = mm->to == m && mm->symmetrical != MN_ASYMMETRICAL;
        mn__rel fwd = { .owner = m, .name = mm->name, .query_name = mm->name, .kind = MN__REL_M2M, .multiple = true,
                        .model = mm->to, .through = t, .src_fk = src, .dst_fk = dst, .symmetrical = sym };
        mn__rel rev = { .owner = mm->to, .kind = MN__REL_M2M, .multiple = true, .model = m, .through = t,
                        .src_fk = dst, .dst_fk = src, .reverse = true,
                        .hidden = sym || hidden_name(mm->related_name) };
        rev.name = mm->related_name ? strdup(mm->related_name) : lower_dup(m->name, "_set");
        rev.query_name = mm->related_query_name ? strdup(mm->related_query_name)
                         : mm->related_name     ? strdup(mm->related_name)
                                                : lower_dup(m->name, NULL);
        if (!rev.name || !rev.query_name || rel_add(&fwd) != MN_OK || rel_add(&rev) != MN_OK) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "too many relations");
            return MN_EINVAL;
        }
    }
    return MN_OK;
}

int mn_orm_register(mn_model *const *models, mn_err *err)
{
    for (size_t i = 0; models && models[i]; i++) {
        int rc = mn__model_setup(models[i], err);
        if (rc != MN_OK)
            return rc;
    }
    return MN_OK;
}

mn_model *mn_m2m_through(mn_model *m, const char *name)
{
    if (!name || mn__model_setup(m, NULL) != MN_OK)
        return NULL;
    size_t i = 0;
    for (const mn_m2m *mm = m->many_to_many; mm && mm->name; mm++, i++)
        if (!strcmp(mm->name, name))
            return i < m->_rt->nm2m ? m->_rt->through[i] : NULL;
    return NULL;
}

bool mn__rel_find(mn_model *m, const char *name, bool query, mn__rel *out)
{
    if (!name || mn__model_setup(m, NULL) != MN_OK)
        return false;
    for (size_t i = 0; i < m->_rt->nfields; i++) {
        const mn_field *f = &m->_rt->fields[i];
        if (f->kind == MN_KIND_FOREIGNKEY && !strcmp(f->name, name)) {
            *out = (mn__rel){ .owner = m, .name = f->name, .query_name = f->name, .kind = MN__REL_FORWARD,
                              .model = f->related, .fk = f };
            return mn__model_setup(f->related, NULL) == MN_OK;
        }
    }
    size_t n = rel_count();
    for (size_t i = 0; i < n; i++) {
        const mn__rel *r = &rels[i];
        if (r->owner == m && !r->hidden && !strcmp(query ? r->query_name : r->name, name)) {
            *out = *r;
            return true;
        }
    }
    return false;
}

size_t mn__rel_reverse(mn_model *m, mn__rel *out, size_t cap)
{
    size_t n = rel_count(), k = 0;
    for (size_t i = 0; i < n; i++)
        if (rels[i].owner == m && rels[i].kind == MN__REL_REVERSE) {
            if (k < cap)
                out[k] = rels[i];
            k++;
        }
    return k;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

const char *mn__choices(mn_model *m, const char *const *extra, size_t nextra, mn_arena *arena)
{
    size_t n = rel_count(), cap = 2 * m->_rt->nfields + nextra + 16, k = 0;
    for (size_t i = 0; i < n; i++)
        cap += rels[i].owner == m;
    const char **names = mn_arena_alloc(arena, cap * sizeof *names);
    if (!names)
        return m->_rt->choices_msg;
    for (size_t i = 0; i < m->_rt->nfields; i++) {
        const mn_field *f = &m->_rt->fields[i];
        names[k++] = f->name;
        const char *att = f->kind == MN_KIND_FOREIGNKEY ? mn_arena_sprintf(arena, "%s_id", f->name) : NULL;
        if (att) /* Django lists the attname too: category_id */
            names[k++] = att;
    }
    for (size_t i = 0; i < n; i++)
        if (rels[i].owner == m && !rels[i].hidden && k < cap)
            names[k++] = rels[i].query_name;
    for (size_t i = 0; i < nextra && k < cap; i++)
        names[k++] = extra[i];
    qsort(names, k, sizeof *names, cmp_name);
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    for (size_t i = 0; i < k; i++)
        mn_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    return mn_buf_error(&b) ? m->_rt->choices_msg : mn_buf_cstr(&b);
}

/* ---- the accessor cache ---- */

struct mn__relcache {
    struct mn__relcache *next;
    const char *name;
    int64_t key;
    bool many;
    int fki;            /* with fk: its index in the owner's fields */
    const mn_field *fk; /* a forward key's entry from select_related (see mn_rel_get); else NULL */
    void *obj;
    void **items;
    size_t n;
};

size_t mn__cache_entry_size(void) { return sizeof(struct mn__relcache); }

static struct mn__relcache *cache_find(const void *inst, const mn_model *m, const char *name)
{
    for (struct mn__relcache *c = mn_obj_header(m, inst)->rel; c; c = c->next)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

static struct mn__relcache *cache_entry(void *inst, const mn_model *m, const char *name, mn_arena *arena)
{
    struct mn__relcache *c = cache_find(inst, m, name);
    if (c)
        return c;
    c = mn_arena_calloc(arena, 1, sizeof *c);
    if (!c || !(c->name = mn_arena_strdup(arena, name)))
        return NULL;
    mn_obj *h = mn_obj_header(m, inst);
    c->next = h->rel;
    h->rel = c;
    return c;
}

int mn__cache_put(void *inst, const mn_model *m, const char *name, int64_t key, void *obj, mn_arena *arena)
{
    struct mn__relcache *c = cache_entry(inst, m, name, arena);
    if (!c)
        return MN_ENOMEM;
    c->many = false;
    c->key = key;
    c->obj = obj;
    return MN_OK;
}

void mn__cache_put_fk(void *inst, const mn_model *m, const mn_field *fk, int fki, int64_t key, void *obj, void *mem)
{
    mn_obj *h = (mn_obj *)((char *)inst + m->obj_offset);
    struct mn__relcache *c = h->rel ? cache_find(inst, m, fk->name) : NULL;
    if (!c) {
        c = mem;
        c->name = fk->name;
        c->next = h->rel;
        c->items = NULL;
        c->n = 0;
        h->rel = c;
    }
    c->many = false;
    c->key = key;
    c->obj = obj;
    c->fk = fki >= 0 ? fk : NULL;
    c->fki = fki;
}

int mn__cache_put_many(void *inst, const mn_model *m, const char *name, void **items, size_t n, mn_arena *arena)
{
    struct mn__relcache *c = cache_entry(inst, m, name, arena);
    if (!c)
        return MN_ENOMEM;
    c->many = true;
    c->items = items;
    c->n = n;
    return MN_OK;
}

void **mn_rel_prefetched(void *obj, mn_model *m, const char *name, size_t *n)
{
    struct mn__relcache *c = obj && name ? cache_find(obj, m, name) : NULL;
    if (!c || !c->many) {
        *n = 0;
        return NULL;
    }
    *n = c->n;
    return c->items;
}

/* ---- accessors ---- */

#define KEY(obj, f) (*(int64_t *)((char *)(obj) + (f)->offset))

/* ---- naming lazy loads for N+1 detection ----
 * "product.category": the model's name in lower case, a dot, the accessor.
 * Labels are interned for the process (the detector keeps the pointer
 * beyond the request); relations are finite, so is the table. */

#define MAX_LABELS 1024
typedef struct rel_label_entry {
    const mn_model *owner;
    const char *name; /* the registry's or field descriptor's name: compared by address */
    char *label;
} rel_label_entry;
static pthread_mutex_t labels_lock = PTHREAD_MUTEX_INITIALIZER;
static rel_label_entry labels[MAX_LABELS];
static size_t nlabels;

static const char *rel_label(const mn__rel *r)
{
    const char *found = NULL;
    pthread_mutex_lock(&labels_lock);
    for (size_t i = 0; i < nlabels && !found; i++)
        if (labels[i].owner == r->owner && labels[i].name == r->name)
            found = labels[i].label;
    if (!found && nlabels < MAX_LABELS) {
        char buf[160];
        int k = snprintf(buf, sizeof buf, "%s.%s", r->owner->name, r->name);
        if (k > 0 && (size_t)k < sizeof buf) {
            for (char *p = buf; *p && *p != '.'; p++)
                *p = (char)tolower((unsigned char)*p);
            char *label = strdup(buf);
            if (label) {
                labels[nlabels++] = (rel_label_entry){ r->owner, r->name, label };
                found = label;
            }
        }
    }
    pthread_mutex_unlock(&labels_lock);
    return found;
}

/* Tells the N+1 detector that the next SELECT loads relation r lazily. */
static void note_lazy_load(const mn__rel *r, bool many)
{
    const char *label = rel_label(r);
    if (label)
        mn_nplus1_lazy_load(label, many);
}

static int unknown_rel(mn_model *m, const char *name, mn_arena *arena, mn_err *err)
{
    return mn_err_set(err, MN_EINVAL, "Cannot resolve keyword '%s' into field. Choices are: %s", name ? name : "",
                      mn__choices(m, NULL, 0, arena));
}

static bool key_null(const void *obj, mn_model *m, const mn_field *f)
{
    int i = mn_model_field_index(m, f);
    return i >= 0 && (mn_obj_header(m, obj)->nulls >> i & 1);
}

void *mn_rel_get(void *obj, mn_model *m, const char *name, mn_arena *arena, mn_err *err)
{
    mn__rel r;
    if (!obj || !arena)
        return NULL;
    /* A forward key loaded by select_related: its entry names the field
     * (so the relation is that key), no lookup of the relation needed. */
    const mn_obj *h = (const mn_obj *)((const char *)obj + m->obj_offset);
    for (const struct mn__relcache *c = name && !h->deferred ? h->rel : NULL; c; c = c->next) {
        if (c->name != name && strcmp(c->name, name))
            continue;
        if (c->fk && !c->many) {
            if (h->nulls >> c->fki & 1)
                return NULL;
            if (c->key == KEY(obj, c->fk))
                return c->obj;
        }
        break;
    }
    if (mn__model_setup(m, err) != MN_OK)
        return NULL;
    if (!mn__rel_find(m, name, false, &r)) {
        unknown_rel(m, name, arena, err);
        return NULL;
    }
    if (r.multiple) {
        mn_err_set(err, MN_EINVAL, "'%s' is a related manager: read it with mn_rel_all()", name);
        return NULL;
    }
    if (r.kind == MN__REL_FORWARD) {
        /* only()/defer() left the key unloaded: load it first (Django's
         * deferred attribute, then the related object) */
        if (mn_obj_is_deferred(obj, m, r.fk->name) && mn_obj_load_deferred(obj, m, r.fk->name, err) != MN_OK)
            return NULL;
        if (key_null(obj, m, r.fk))
            return NULL;
        int64_t key = KEY(obj, r.fk);
        struct mn__relcache *c = cache_find(obj, m, name);
        if (c && !c->many && c->key == key)
            return c->obj; /* NULL: a Prefetch queryset left it out, as Django gives None */
        mn_qs *qs = mn_qs_filter(mn_qs_all(r.model, arena), "pk", mn_value_int(key));
        note_lazy_load(&r, false);
        void *target = mn_qs_get(qs, err);
        if (target && mn__cache_put(obj, m, name, key, target, arena) != MN_OK) {
            mn_err_set(err, MN_ENOMEM, "out of memory");
            return NULL;
        }
        return target;
    }
    /* the reverse side of a one-to-one */
    if (mn_obj_header(m, obj)->flags & MN_OBJ_ADDING) {
        mn_err_set(err, MN_EINVAL, "%s instance needs to have a primary key value before this relationship can be used.",
                   m->name);
        return NULL;
    }
    int64_t pk = mn_obj_pk(obj, m);
    struct mn__relcache *c = cache_find(obj, m, name);
    if (!c || c->many || c->key != pk) {
        mn_err e = { 0 };
        mn_qs *qs = mn_qs_filter(mn_qs_all(r.model, arena), r.fk->name, mn_value_int(pk));
        note_lazy_load(&r, false);
        void *found = mn_qs_get(qs, &e);
        if (!found && e.code != MN_ENOTFOUND) {
            if (err)
                *err = e;
            return NULL;
        }
        if (mn__cache_put(obj, m, name, pk, found, arena) != MN_OK) {
            mn_err_set(err, MN_ENOMEM, "out of memory");
            return NULL;
        }
        c = cache_find(obj, m, name);
    }
    if (!c->obj)
        mn_err_set(err, MN_ENOTFOUND, "%s has no %s.", m->name, name);
    return c->obj;
}

int mn_rel_set(void *obj, mn_model *m, const char *name, void *target, mn_err *err)
{
    mn__rel r;
    if (!obj || mn__model_setup(m, err) != MN_OK)
        return MN_EINVAL;
    if (!mn__rel_find(m, name, false, &r) || r.kind != MN__REL_FORWARD)
        return mn_err_set(err, MN_EINVAL, "'%s' is not a ForeignKey or OneToOneField of %s", name ? name : "",
                          m->name);
    if (!target) {
        if (!r.fk->null)
            return mn_err_set(err, MN_EINVAL, "Cannot assign None: \"%s.%s\" does not allow null values.", m->name,
                              name);
        struct mn__relcache *c = cache_find(obj, m, name);
        if (c)
            c->obj = NULL, c->key = 0;
        return mn_obj_set_null(obj, m, name, true);
    }
    if (mn_obj_header(r.model, target)->model != r.model)
        return mn_err_set(err, MN_EINVAL, "Cannot assign: \"%s.%s\" must be a \"%s\" instance.", m->name, name,
                          r.model->name);
    if (mn_obj_header(r.model, target)->flags & MN_OBJ_ADDING)
        return mn_err_set(err, MN_EINVAL, "save() prohibited to prevent data loss due to unsaved related object '%s'.",
                          name);
    int64_t key = mn_obj_pk(target, r.model);
    KEY(obj, r.fk) = key;
    mn_obj_set_null(obj, m, name, false);
    /* The cache entry's arena: reuse the existing entry, else none is
     * allocated (the next mn_rel_get finds the key and loads). */
    struct mn__relcache *c = cache_find(obj, m, name);
    if (c) {
        c->many = false;
        c->key = key;
        c->obj = target;
    }
    return MN_OK;
}

/* ---- managers ---- */

static mn_qs *failed_qs(mn_model *m, mn_arena *arena, int code, const char *msg)
{
    mn_qs *qs = mn_qs_all(m, arena);
    if (qs)
        mn__qs_fail(qs, code, msg);
    return qs;
}

/* The relation for a manager: multi-valued, on a saved instance. */
static int manager_rel(void *obj, mn_model *m, const char *name, mn__rel *r, mn_arena *arena, mn_err *err)
{
    if (!obj || mn__model_setup(m, err) != MN_OK)
        return MN_EINVAL;
    if (!mn__rel_find(m, name, false, r))
        return unknown_rel(m, name, arena, err);
    if (!r->multiple)
        return mn_err_set(err, MN_EINVAL, "'%s' is a single object: read it with mn_rel_get()", name);
    if (mn_obj_header(m, obj)->flags & MN_OBJ_ADDING) {
        if (r->kind == MN__REL_M2M)
            return mn_err_set(err, MN_EINVAL,
                              "\"<%s: %s object (None)>\" needs to have a value for field \"id\" before this "
                              "many-to-many relationship can be used.",
                              m->name, m->name);
        return mn_err_set(err, MN_EINVAL,
                          "'%s' instance needs to have a primary key value before this relationship can be used.",
                          m->name);
    }
    return MN_OK;
}

/* The through rows' target keys of obj, as a flat values_list QuerySet. */
static mn_qs *m2m_targets(const mn__rel *r, int64_t pk, mn_arena *arena)
{
    mn_qs *rows = mn_qs_filter(mn_qs_all(r->through, arena), r->src_fk->name, mn_value_int(pk));
    return mn_qs_values_list(rows, MN_QS_FLAT, r->dst_fk->name, NULL);
}

mn_qs *mn_rel_all(void *obj, mn_model *m, const char *name, mn_arena *arena)
{
    if (!arena)
        return NULL;
    mn__rel r;
    mn_err err = { 0 };
    if (manager_rel(obj, m, name, &r, arena, &err) != MN_OK)
        return failed_qs(m, arena, err.code, err.msg);
    int64_t pk = mn_obj_pk(obj, m);
    mn_qs *qs;
    if (r.kind == MN__REL_REVERSE) {
        qs = mn_qs_filter(mn_qs_all(r.model, arena), r.fk->name, mn_value_int(pk));
    } else {
        mn_value sub;
        if (mn_qs_to_value(m2m_targets(&r, pk, arena), &sub, &err) != MN_OK)
            return failed_qs(m, arena, err.code, err.msg);
        qs = mn_qs_filter(mn_qs_all(r.model, arena), "pk__in", sub);
    }
    struct mn__relcache *c = cache_find(obj, m, name);
    if (qs && c && c->many)
        mn__qs_set_result(qs, c->items, c->n);
    else if (qs)
        note_lazy_load(&r, true); /* the manager's query runs when it is read */
    return qs;
}

static mn_list *pk_list(mn_model *m, void *const *objs, size_t n, mn_arena *arena, mn_err *err)
{
    mn_list *l = mn_list_new(arena, n ? n : 1);
    if (!l) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!objs[i] || mn_obj_header(m, objs[i])->model != m) {
            mn_err_set(err, MN_ETYPE, "'%s' instance expected", m->name);
            return NULL;
        }
        if (mn_obj_header(m, objs[i])->flags & MN_OBJ_ADDING) {
            mn_err_set(err, MN_EINVAL,
                       "<%s: %s object (None)> instance isn't saved. Use bulk=False or save the object first.",
                       m->name, m->name);
            return NULL;
        }
        if (mn_list_push(l, mn_value_int(mn_obj_pk(objs[i], m))) != MN_OK) {
            mn_err_set(err, MN_ENOMEM, "out of memory");
            return NULL;
        }
    }
    return l;
}

static bool list_has(mn_list *l, int64_t v)
{
    for (size_t i = 0; l && i < mn_list_len(l); i++)
        if (mn_list_get(l, i).u.i == v)
            return true;
    return false;
}

/* m2m_changed for one action. pk_set NULL: None (clear). */
static int m2m_send(const mn__rel *r, void *obj, const char *action, mn_list *pk_set, mn_arena *a, mn_err *err)
{
    if (!mn_signal_has_listeners(&mn_m2m_changed, r->through))
        return MN_OK;
    char label[160];
    snprintf(label, sizeof label, "%s.%s", r->model->app_label ? r->model->app_label : "", r->model->name);
    mn_signal_kwarg kw[] = {
        MN_KW("instance", mn_obj_value(obj, r->owner)),
        MN_KW("action", mn_value_cstr(action)),
        MN_KW("reverse", mn_value_bool(r->reverse)),
        MN_KW("model", mn_value_str(mn_str_clone(a, mn_str_from(label)))),
        MN_KW("pk_set", pk_set ? mn_value_list(pk_set) : mn_value_null()),
        MN_KW("using", mn_value_cstr("default")),
    };
    return mn_signal_send_kw(&mn_m2m_changed, r->through, a, NULL, err, kw, sizeof kw / sizeof *kw);
}

/* Target keys already linked to obj among ids. */
static mn_list *m2m_existing(const mn__rel *r, int64_t pk, mn_list *ids, mn_arena *a, mn_err *err)
{
    mn_qs *qs = m2m_targets(r, pk, a);
    if (ids)
        qs = mn_qs_filter(qs, mn_arena_sprintf(a, "%s__in", r->dst_fk->name), mn_value_list(ids));
    if (mn_qs_eval(qs, err) != MN_OK)
        return NULL;
    return mn_qs_rows(qs);
}

/* Inserts the missing through rows (obj, id); signals: send m2m_changed
 * (Django skips it for the mirror rows of a symmetrical relation). */
static int m2m_add_rows(const mn__rel *r, void *obj, mn_list *ids, bool signals, mn_db *db, mn_arena *a, mn_err *err)
{
    int64_t pk = mn_obj_pk(obj, r->owner);
    mn_list *have = m2m_existing(r, pk, ids, a, err);
    if (!have)
        return err && err->code ? err->code : MN_EDB;
    mn_list *missing = mn_list_new(a, mn_list_len(ids) + 1);
    for (size_t i = 0; missing && i < mn_list_len(ids); i++) {
        int64_t id = mn_list_get(ids, i).u.i;
        if (!list_has(have, id) && !list_has(missing, id))
            mn_list_push(missing, mn_value_int(id));
    }
    if (!missing)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    int rc = signals ? m2m_send(r, obj, "pre_add", missing, a, err) : MN_OK;
    size_t n = mn_list_len(missing);
    void **rows = n ? mn_arena_alloc(a, n * sizeof *rows) : NULL;
    if (n && !rows)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; rc == MN_OK && i < n; i++) {
        rows[i] = mn_model_new(r->through, a, err);
        if (!rows[i])
            return err && err->code ? err->code : MN_ENOMEM;
        KEY(rows[i], r->src_fk) = pk;
        KEY(rows[i], r->dst_fk) = mn_list_get(missing, i).u.i;
    }
    if (rc == MN_OK && n)
        rc = mn_model_bulk_create(r->through, rows, n, 0, db, err);
    if (rc == MN_OK && signals)
        rc = m2m_send(r, obj, "post_add", missing, a, err);
    return rc;
}

/* The same relation seen from the other column: the mirror rows of a
 * symmetrical relation are (id, obj). */
static mn__rel mirrored(const mn__rel *r)
{
    mn__rel m = *r;
    m.src_fk = r->dst_fk;
    m.dst_fk = r->src_fk;
    return m;
}

static int m2m_add_ids(const mn__rel *r, void *obj, mn_list *ids, mn_db *db, mn_arena *a, mn_err *err)
{
    int rc = m2m_add_rows(r, obj, ids, true, db, a, err);
    if (rc == MN_OK && r->symmetrical) {
        mn__rel m = mirrored(r);
        rc = m2m_add_rows(&m, obj, ids, false, db, a, err);
    }
    return rc;
}

static int m2m_remove_ids(const mn__rel *r, void *obj, mn_list *ids, mn_db *db, mn_arena *a, mn_err *err)
{
    int64_t pk = mn_obj_pk(obj, r->owner);
    const char *action = ids ? "pre_remove" : "pre_clear";
    int rc = m2m_send(r, obj, action, ids, a, err);
    if (rc != MN_OK)
        return rc;
    mn_qs *rows = mn_qs_using(mn_qs_filter(mn_qs_all(r->through, a), r->src_fk->name, mn_value_int(pk)), db);
    if (ids)
        rows = mn_qs_filter(rows, mn_arena_sprintf(a, "%s__in", r->dst_fk->name), mn_value_list(ids));
    int64_t n = mn_qs_delete(rows, NULL, err);
    if (n >= 0 && r->symmetrical) { /* the mirror rows (id, obj) */
        mn__rel m = mirrored(r);
        rows = mn_qs_using(mn_qs_filter(mn_qs_all(m.through, a), m.src_fk->name, mn_value_int(pk)), db);
        if (ids)
            rows = mn_qs_filter(rows, mn_arena_sprintf(a, "%s__in", m.dst_fk->name), mn_value_list(ids));
        n = mn_qs_delete(rows, NULL, err);
    }
    if (n < 0)
        return (int)n;
    return m2m_send(r, obj, ids ? "post_remove" : "post_clear", ids, a, err);
}

/* Ends the transaction begun for a manager call: commits, or rolls back. */
static int in_tx(mn_db *db, int rc_body, mn_err *err)
{
    if (rc_body == MN_OK)
        rc_body = mn_db_commit(db, err);
    if (rc_body != MN_OK)
        mn_db_rollback(db, NULL); /* also after a failed COMMIT, which leaves it open */
    return rc_body;
}

static int reverse_set_key(const mn__rel *r, mn_list *ids, mn_value key, int64_t owner_pk, mn_db *db, mn_arena *a,
                           mn_err *err)
{
    mn_qs *qs = mn_qs_using(mn_qs_all(r->model, a), db);
    if (ids)
        qs = mn_qs_filter(qs, "pk__in", mn_value_list(ids));
    if (key.type == MN_VALUE_NULL)
        qs = mn_qs_filter(qs, r->fk->name, mn_value_int(owner_pk));
    int64_t n = mn_qs_update(qs, err, r->fk->name, key, NULL);
    return n < 0 ? (int)n : MN_OK;
}

static void set_members(const mn__rel *r, void *const *objs, size_t n, int64_t key, bool null)
{
    for (size_t i = 0; i < n; i++) {
        KEY(objs[i], r->fk) = null ? 0 : key;
        mn_obj_set_null(objs[i], r->model, r->fk->name, null);
    }
}

int mn_rel_add(void *obj, mn_model *m, const char *name, void *const *objs, size_t n, mn_err *err)
{
    mn_arena *a = mn_arena_new("related", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn__rel r;
    int rc = manager_rel(obj, m, name, &r, a, err);
    mn_list *ids = rc == MN_OK ? pk_list(r.model, objs, n, a, err) : NULL;
    mn_db *db = ids ? mn__db(NULL, err) : NULL;
    if (rc == MN_OK && (!ids || !db))
        rc = err && err->code ? err->code : MN_EINVAL;
    if (rc == MN_OK && n)
        rc = mn_db_begin(db, err);
    if (rc == MN_OK && n) {
        int64_t pk = mn_obj_pk(obj, m);
        int body = r.kind == MN__REL_REVERSE ? reverse_set_key(&r, ids, mn_value_int(pk), pk, db, a, err)
                                              : m2m_add_ids(&r, obj, ids, db, a, err);
        rc = in_tx(db, body, err);
        if (rc == MN_OK && r.kind == MN__REL_REVERSE)
            set_members(&r, objs, n, pk, false);
    }
    mn_arena_free(a);
    return rc;
}

int mn_rel_remove(void *obj, mn_model *m, const char *name, void *const *objs, size_t n, mn_err *err)
{
    mn_arena *a = mn_arena_new("related", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn__rel r;
    int rc = manager_rel(obj, m, name, &r, a, err);
    if (rc == MN_OK && r.kind == MN__REL_REVERSE && !r.fk->null)
        rc = mn_err_set(err, MN_EINVAL, "'%s' has no remove(): %s.%s is not nullable", name, r.model->name,
                        r.fk->name);
    mn_list *ids = rc == MN_OK ? pk_list(r.model, objs, n, a, err) : NULL;
    mn_db *db = ids ? mn__db(NULL, err) : NULL;
    if (rc == MN_OK && (!ids || !db))
        rc = err && err->code ? err->code : MN_EINVAL;
    int64_t pk = rc == MN_OK ? mn_obj_pk(obj, m) : 0;
    if (rc == MN_OK && r.kind == MN__REL_REVERSE) {
        /* Django refuses to remove objects that are not related to obj. */
        for (size_t i = 0; i < n && rc == MN_OK; i++)
            if (key_null(objs[i], r.model, r.fk) || KEY(objs[i], r.fk) != pk) {
                mn_buf b;
                mn_buf_init(&b, a, 0);
                mn_value_to_str(mn_obj_value(objs[i], r.model), &b);
                rc = mn_err_set(err, MN_EINVAL, "<%s: %s> is not related to <%s: %s object (%lld)>.", r.model->name,
                                mn_buf_cstr(&b), m->name, m->name, (long long)pk);
            }
    }
    if (rc == MN_OK && n)
        rc = mn_db_begin(db, err);
    if (rc == MN_OK && n) {
        int body = r.kind == MN__REL_REVERSE ? reverse_set_key(&r, ids, mn_value_null(), pk, db, a, err)
                                              : m2m_remove_ids(&r, obj, ids, db, a, err);
        rc = in_tx(db, body, err);
        if (rc == MN_OK && r.kind == MN__REL_REVERSE)
            set_members(&r, objs, n, 0, true);
    }
    mn_arena_free(a);
    return rc;
}

int mn_rel_clear(void *obj, mn_model *m, const char *name, mn_err *err)
{
    mn_arena *a = mn_arena_new("related", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn__rel r;
    int rc = manager_rel(obj, m, name, &r, a, err);
    if (rc == MN_OK && r.kind == MN__REL_REVERSE && !r.fk->null)
        rc = mn_err_set(err, MN_EINVAL, "'%s' has no clear(): %s.%s is not nullable", name, r.model->name,
                        r.fk->name);
    mn_db *db = rc == MN_OK ? mn__db(NULL, err) : NULL;
    if (rc == MN_OK && !db)
        rc = MN_EINVAL;
    if (rc == MN_OK)
        rc = mn_db_begin(db, err);
    if (rc == MN_OK) {
        int64_t pk = mn_obj_pk(obj, m);
        int body = r.kind == MN__REL_REVERSE ? reverse_set_key(&r, NULL, mn_value_null(), pk, db, a, err)
                                              : m2m_remove_ids(&r, obj, NULL, db, a, err);
        rc = in_tx(db, body, err);
    }
    mn_arena_free(a);
    return rc;
}

int mn_rel_set_all(void *obj, mn_model *m, const char *name, void *const *objs, size_t n, mn_err *err)
{
    mn_arena *a = mn_arena_new("related", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn__rel r;
    int rc = manager_rel(obj, m, name, &r, a, err);
    if (rc == MN_OK && r.kind == MN__REL_REVERSE && !r.fk->null)
        rc = mn_err_set(err, MN_EINVAL, "'%s' has no set(): %s.%s is not nullable", name, r.model->name, r.fk->name);
    mn_list *ids = rc == MN_OK ? pk_list(r.model, objs, n, a, err) : NULL;
    mn_db *db = ids ? mn__db(NULL, err) : NULL;
    if (rc == MN_OK && (!ids || !db))
        rc = err && err->code ? err->code : MN_EINVAL;
    if (rc == MN_OK)
        rc = mn_db_begin(db, err);
    if (rc == MN_OK) {
        int64_t pk = mn_obj_pk(obj, m);
        int body = MN_OK;
        mn_list *old;
        if (r.kind == MN__REL_REVERSE) {
            mn_qs *cur = mn_qs_values_list(mn_qs_filter(mn_qs_all(r.model, a), r.fk->name, mn_value_int(pk)),
                                           MN_QS_FLAT, "pk", NULL);
            old = mn_qs_eval(cur, err) == MN_OK ? mn_qs_rows(cur) : NULL;
        } else {
            old = m2m_existing(&r, pk, NULL, a, err);
        }
        mn_list *gone = mn_list_new(a, 4), *added = mn_list_new(a, 4);
        if (!old || !gone || !added)
            body = err && err->code ? err->code : MN_ENOMEM;
        for (size_t i = 0; body == MN_OK && i < mn_list_len(old); i++)
            if (!list_has(ids, mn_list_get(old, i).u.i))
                mn_list_push(gone, mn_list_get(old, i));
        for (size_t i = 0; body == MN_OK && i < mn_list_len(ids); i++)
            if (!list_has(old, mn_list_get(ids, i).u.i))
                mn_list_push(added, mn_list_get(ids, i));
        if (body == MN_OK && mn_list_len(gone))
            body = r.kind == MN__REL_REVERSE ? reverse_set_key(&r, gone, mn_value_null(), pk, db, a, err)
                                              : m2m_remove_ids(&r, obj, gone, db, a, err);
        if (body == MN_OK && mn_list_len(added))
            body = r.kind == MN__REL_REVERSE ? reverse_set_key(&r, added, mn_value_int(pk), pk, db, a, err)
                                              : m2m_add_ids(&r, obj, added, db, a, err);
        rc = in_tx(db, body, err);
        if (rc == MN_OK && r.kind == MN__REL_REVERSE)
            set_members(&r, objs, n, pk, false);
    }
    mn_arena_free(a);
    return rc;
}

void *mn_rel_create(void *obj, mn_model *m, const char *name, mn_arena *arena, mn_err *err, ...)
{
    mn__rel r;
    if (!arena || manager_rel(obj, m, name, &r, arena, err) != MN_OK)
        return NULL;
    void *child = mn_model_new(r.model, arena, err);
    if (!child)
        return NULL;
    va_list ap;
    va_start(ap, err);
    const char *field;
    int rc = MN_OK;
    while (rc == MN_OK && (field = va_arg(ap, const char *)) != NULL) {
        mn_value v = va_arg(ap, mn_value);
        rc = mn_obj_set(child, r.model, field, v, arena, err);
    }
    va_end(ap);
    if (rc != MN_OK)
        return NULL;
    int64_t pk = mn_obj_pk(obj, m);
    if (r.kind == MN__REL_REVERSE) {
        KEY(child, r.fk) = pk;
        mn_obj_set_null(child, r.model, r.fk->name, false);
        if (mn__obj_save(child, r.model, NULL, NULL, true, err) != MN_OK)
            return NULL;
        return child;
    }
    mn_db *db = mn__db(NULL, err);
    if (!db || mn_db_begin(db, err) != MN_OK)
        return NULL;
    rc = mn__obj_save(child, r.model, db, NULL, true, err);
    if (rc == MN_OK) {
        mn_list *ids = mn_list_new(arena, 1);
        rc = ids ? mn_list_push(ids, mn_value_int(mn_obj_pk(child, r.model))) : MN_ENOMEM;
        if (rc == MN_OK)
            rc = m2m_add_ids(&r, obj, ids, db, arena, err);
    }
    return in_tx(db, rc, err) == MN_OK ? child : NULL;
}

/* ---- relations seen from templates ---- */

typedef struct rel_manager {
    void *obj;
    mn_model *m;
    const char *name; /* interned in the relation table */
    mn_model *target;
} rel_manager;

/* product.tags.all / .count / .exists / .first / .last: the QuerySet of
 * mn_rel_all, read as templates read any QuerySet. */
static int manager_get_attr(const void *p, mn_str name, mn_arena *arena, mn_value *out)
{
    const rel_manager *rm = p;
    if (!mn_str_eq_cstr(name, "all") && !mn_str_eq_cstr(name, "count") && !mn_str_eq_cstr(name, "exists") &&
        !mn_str_eq_cstr(name, "first") && !mn_str_eq_cstr(name, "last"))
        return MN_ENOTFOUND;
    mn_qs *qs = mn_rel_all(rm->obj, rm->m, rm->name, arena);
    if (!qs)
        return MN_ENOMEM;
    mn_value v;
    mn_err err = { 0 };
    int rc = mn_qs_to_value(qs, &v, &err);
    if (rc != MN_OK)
        return rc;
    return v.u.obj.type->get_attr(v.u.obj.ptr, name, arena, out);
}

/* Django's str() of a related manager: "shop.Tag.None". */
static int manager_to_str(const void *p, mn_buf *out)
{
    const rel_manager *rm = p;
    return mn_buf_printf(out, "%s.%s.None", rm->target->app_label ? rm->target->app_label : "", rm->target->name);
}

static const mn_type manager_type = { .name = "RelatedManager", .get_attr = manager_get_attr,
                                      .to_str = manager_to_str };

int mn__rel_attr(void *obj, mn_model *m, const char *name, mn_arena *arena, mn_value *out, bool *is_rel)
{
    mn__rel r;
    *is_rel = mn__rel_find(m, name, false, &r);
    if (!*is_rel)
        return MN_ENOTFOUND;
    if (r.multiple) {
        rel_manager *rm = mn_arena_alloc(arena, sizeof *rm);
        if (!rm)
            return MN_ENOMEM;
        *rm = (rel_manager){ .obj = obj, .m = m, .name = r.name, .target = r.model };
        *out = mn_value_object(&manager_type, rm);
        return MN_OK;
    }
    mn_err err = { 0 };
    void *target = mn_rel_get(obj, m, name, arena, &err);
    if (target) {
        *out = mn_obj_value(target, r.model);
        return MN_OK;
    }
    if (err.code == 0) {
        *out = mn_value_null(); /* a NULL key: None */
        return MN_OK;
    }
    return err.code;
}
