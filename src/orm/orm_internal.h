/* Private to src/orm. */
#ifndef MN_ORM_INTERNAL_H
#define MN_ORM_INTERNAL_H

#include "manouche/model.h"
#include "manouche/queryset.h"
#include "manouche/relation.h"
#include "manouche/signal.h"
#include "../db/rowstore.h"

#define MN__MAX_FIELDS 64
#define MN__MAX_M2M 16

struct mn__model_rt {
    mn_field fields[MN__MAX_FIELDS]; /* flattened, absolute offsets */
    char columns[MN__MAX_FIELDS][72];
    size_t nfields;
    int pk;
    char table[128];
    char verbose[128];
    char verbose_plural[136];
    char choices_msg[512]; /* "created_at, id, name, price" */
    int error;
    char errmsg[256];
    mn_model *through[MN__MAX_M2M]; /* the through model of many_to_many[i] */
    size_t nm2m;
};

/* The deferred fields of an instance (mn_obj.deferred). */
struct mn__deferred {
    uint64_t mask;   /* bit i: field i is not loaded */
    mn_arena *arena; /* where loaded strings go: the QuerySet's */
    mn_db *db;       /* the QuerySet's connection; NULL: mn_orm_db() */
};
/* Marks the fields of mask deferred on obj (nothing when mask is 0).
 * MN_OK or MN_ENOMEM. */
int mn__obj_defer(void *obj, mn_model *m, uint64_t mask, mn_arena *arena, mn_db *db);

/* Sets the model up (once, thread-safe). MN_OK or MN_EINVAL. */
int mn__model_setup(mn_model *m, mn_err *err);
/* The index of m's field named name ("pk": the primary key's), or -1 (no
 * such field, or the model is invalid): mn_model_field_by_name for a
 * slice, without its copies (templates' hot path). */
int mn__model_field_find(mn_model *m, mn_str name);
/* mn_obj_get for field index i of a set-up model: loads the field if it is
 * deferred. MN_OK, or the load's error: MN_ENOTFOUND when the row is gone
 * (Django's DoesNotExist, a silent failure in templates). */
int mn__obj_get_at(const void *obj, mn_model *m, int i, mn_value *out);

/* Field value -> database parameter (Django's get_db_prep_value). */
int mn__to_db(const mn_field *f, mn_value v, mn_db_engine eng, mn_arena *arena, mn_value *out, mn_err *err);
/* Instance member -> database parameter. */
int mn__member_to_db(const void *obj, mn_model *m, size_t i, mn_db_engine eng, mn_arena *arena, mn_value *out,
                     mn_err *err);
/* Column `col` of the current row -> instance member i. */
int mn__member_from_row(void *obj, mn_model *m, size_t i, mn_db_rows *rows, size_t col, mn_db_engine eng,
                        mn_arena *arena, mn_err *err);
/* How a selected column becomes a member: chosen once per query by
 * mn__coldec_init (for field i of m, on engine eng), used for every row by
 * mn__row_store. The driver's part is mn_db_store's offset, as and dst (0
 * from mn__coldec_init: the query's instance; a joined instance's index
 * in mn__row_store's objs); user[] holds the ORM's, private to field.c but
 * for MN__DEC_OUTER_PK. */
typedef mn_db_store mn__coldec;
/* In user[0]: the primary key of a LEFT OUTER JOIN's instance. */
#define MN__DEC_OUTER_PK 0x80
void mn__coldec_init(mn_model *m, size_t i, mn_db_engine eng, mn__coldec *out);
/* A column that is no member (an annotation): mn__row_store skips it. */
void mn__coldec_skip(mn__coldec *out);
/* How a query's rows become instances (set up once per query, used by
 * mn__row_store for each row). */
typedef struct mn__rowplan {
    const mn__coldec *plan; /* column k: plan[k] */
    size_t n;               /* the columns */
    const uint16_t *ends;   /* where each run of at most 64 columns ends
                             * (a run holds whole joined instances); NULL:
                             * every 64 columns */
    bool outer;             /* some MN__DEC_OUTER_PK column */
    mn_model *const *models; /* by plan's dst */
    mn_db_engine eng;
    mn_arena *arena; /* where the instances' strings go */
    /* room for the strings of the rows to come, reserved ahead (growing
     * with the rows read, as instances are): start with 0, NULL, 0 */
    size_t rows, text_left;
    char *text;
} mn__rowplan;
/* Decodes the current row of rows, its columns as rp says, into the
 * instances objs[dst] (dst: plan's, of models[dst]), fresh from
 * mn__obj_alloc_many (no NULL bits set), as mn__member_from_row would;
 * strings go to rp->arena. When rp->outer, an instance whose primary key
 * (MN__DEC_OUTER_PK) is NULL, a LEFT OUTER JOIN that found no row, is left
 * untouched and its bit (dst - 1) is set in *gone. MN_OK, or the first
 * error. */
int mn__row_store(mn__rowplan *rp, void *const *objs, mn_db_rows *rows, uint64_t *gone, mn_err *err);
/* What a run of columns (plan pl, from column first) of the current row
 * left to the ORM after the driver stored it (st): the texts it borrowed,
 * copied out, and the cells of st->rest converted; the bit of a LEFT OUTER
 * JOIN's instance without a row set in *g. MN_OK, or the first error. */
int mn__row_finish(mn__rowplan *rp, const mn__coldec *pl, void *const *objs, mn_db_rows *rows, const mn_db_stored *st,
                   size_t first, uint64_t *g, mn_err *err);
/* mn_db_rows_next, then mn__row_store of the new row, in one call to the
 * driver, for active rows and a plan of at most 64 columns (rp->n <= 64):
 * inline, as it runs once a row. MN_OK (a row, stored), MN_ENOTFOUND (no
 * more rows: objs untouched), or the error. */
static inline int mn__row_next(mn__rowplan *rp, void *const *objs, mn_db_rows *rows, uint64_t *gone, mn_err *err)
{
    mn_db_cell cells[64];
    mn_db_stored st;
    st.cells = cells;
    st.text = rp->text;
    st.text_left = rp->text_left;
    int rc = mn__rows_next_store(rows, rp->n, rp->plan, objs, &st, err);
    if (rc != MN_OK)
        return rc;
    rp->text = st.text;
    rp->text_left = st.text_left;
    uint64_t g = 0;
    if ((st.texts | st.rest) && (rc = mn__row_finish(rp, rp->plan, objs, rows, &st, 0, &g, err)) != MN_OK)
        return rc;
    rp->rows++;
    *gone = g;
    return MN_OK;
}
/* Sets member i from a value (to_python); strings copied into arena. */
int mn__set_member(void *obj, mn_model *m, size_t i, mn_value v, mn_arena *arena, mn_err *err);
/* Member i as a value (null when NULL); strings borrowed. */
mn_value mn__member_value(const void *obj, mn_model *m, size_t i);
/* Column of a row -> mn_value of the field's type (values()). */
int mn__value_from_row(const mn_field *f, mn_db_rows *rows, size_t col, mn_db_engine eng, mn_arena *arena,
                       mn_value *out, mn_err *err);
/* The column's SQL type for engine. */
/* The column type of a field kind on SQLite (pg false) or PostgreSQL, as Django
 * writes it; for_alter gives the plain integer type of an auto key. NULL for a
 * foreign key (its type is its target key's). Lives in arena or is static. */
const char *mn__kind_sql_type(mn_field_kind kind, int max_length, int max_digits, int decimal_places, bool pg,
                              bool for_alter, mn_arena *arena);
const char *mn__sql_type(const mn_field *f, mn_db_engine eng, mn_arena *arena);
/* Django's class name of a field kind ("CharField"). */
const char *mn__kind_name(mn_field_kind k);
/* Appends "quoted" identifier. */
void mn__quote(mn_buf *b, const char *ident);
/* The connection to use. */
mn_db *mn__db(mn_db *db, mn_err *err);
/* A new instance with no defaults (rows from the database). */
void *mn__obj_alloc(mn_model *m, mn_arena *arena);
/* k fresh instances in one arena allocation, each as mn__obj_alloc makes
 * it, m->size bytes apart (instance j at (char *)p + j * m->size). NULL when
 * out of memory or k is 0. */
void *mn__obj_alloc_many(mn_model *m, mn_arena *arena, size_t k);
/* Sends a model signal. */
int mn__send(mn_signal *sig, mn_model *m, void *obj, mn_arena *arena, bool created, const char *const *update_fields,
             mn_err *err);
/* A UUID's 32 lowercase hex digits into hex, read as Python's
 * uuid.UUID(hex=s) reads text ("urn:" and "uuid:" dropped, braces stripped
 * from both ends, dashes dropped); false when s is no UUID. */
bool mn__uuid_hex(mn_str s, char hex[32]);
/* save() with Django's force_insert (create(), get_or_create()). */
int mn__obj_save(void *obj, mn_model *m, mn_db *db, const char *const *update_fields, bool force_insert, mn_err *err);
/* Fields of an existing instance's save() that take expressions
 * (update_or_create()'s F() defaults), as Django's save() of an instance
 * holding them: one UPDATE of every field, these written as their SQL, so
 * an F() reads the row as it was before the statement. */
typedef struct mn__xset {
    const char *const *names;
    const mn_value *vals;
    size_t n;
} mn__xset;
/* save() of an existing instance with the expressions of xs (NULL: none).
 * MN_ENOTFOUND when no row was updated (an expression cannot be inserted). */
int mn__obj_save_exprs(void *obj, mn_model *m, mn_db *db, const mn__xset *xs, mn_err *err);
/* The SQL and parameters of expression v written into field f of m in an
 * UPDATE of m's table, in arena a. MN_OK, or an error code with err set. */
int mn__update_expr_sql(mn_model *m, mn_value v, const mn_field *f, mn_db_engine eng, mn_arena *a, const char **sql,
                        const mn_value **params, size_t *np, mn_err *err);
/* The SQL of a condition with the values written as literals (DDL takes no
 * parameters): CHECK constraints, partial indexes. conds (an AND of
 * lookups) and tree (OR/NOT) may each be NULL; when both are given both
 * must hold. In arena; NULL with err on a bad lookup or value. */
const char *mn__cond_sql(mn_model *m, const mn_cond *conds, const mn_qc *tree, mn_db_engine eng, mn_arena *arena,
                         mn_err *err);
/* Registers REGEXP on SQLite connections opened from now on. */
void mn__orm_sqlite_init(void);

/* ---- relations (related.c) ---- */

typedef enum { MN__REL_FORWARD, MN__REL_REVERSE, MN__REL_M2M } mn__relkind;

/* A relation seen from `owner`: what a name on owner leads to. */
typedef struct mn__rel {
    mn_model *owner;
    const char *name;       /* accessor: "category", "products", "tags" */
    const char *query_name; /* lookup name */
    mn__relkind kind;
    bool multiple;          /* reverse ForeignKey, many-to-many */
    bool hidden;            /* related_name ending with '+': only the collector sees it */
    mn_model *model;        /* the related model */
    const mn_field *fk;     /* FORWARD: owner's key; REVERSE: model's key pointing at owner */
    mn_model *through;      /* M2M: the through model, */
    const mn_field *src_fk; /* its key to owner */
    const mn_field *dst_fk; /* and its key to model */
    bool reverse;           /* M2M seen from the target side (m2m_changed's "reverse") */
    bool symmetrical;       /* M2M to the owner itself written both ways (symmetrical=True) */
} mn__rel;

/* Called with the setup lock held when m's descriptor is complete:
 * registers the reverse relations of m's keys and builds the through models
 * of its many-to-many fields. MN_OK or MN_EINVAL with rt->errmsg set. */
int mn__rel_setup_locked(mn_model *m, struct mn__model_rt *rt);
/* Sets up a model while the setup lock is held (through models). */
int mn__model_setup_locked(mn_model *m);
/* The relation named name on m (query: by lookup name, else accessor
 * name). true when found; hidden relations are never found. */
bool mn__rel_find(mn_model *m, const char *name, bool query, mn__rel *out);
/* The reverse relations of m (hidden ones included): up to cap into out;
 * returns their number. */
size_t mn__rel_reverse(mn_model *m, mn__rel *out, size_t cap);
/* Templates' view of a relation on instance obj (model m): a ForeignKey or
 * one-to-one (either side) gives the related instance (None for a NULL
 * key), a multi-valued relation a manager object with all, count, exists,
 * first and last. *is_rel tells whether name is a relation of m; when it
 * is, MN_ENOTFOUND means the related object does not exist (Django's
 * silent ObjectDoesNotExist); other codes are database errors. */
int mn__rel_attr(void *obj, mn_model *m, const char *name, mn_arena *arena, mn_value *out, bool *is_rel);
/* Django's "Choices are: ..." for m: fields, relation names and extra
 * names, sorted, in arena. */
const char *mn__choices(mn_model *m, const char *const *extra, size_t nextra, mn_arena *arena);
/* Caches obj (or many objects) under name on inst (arena: the entries'). */
int mn__cache_put(void *inst, const mn_model *m, const char *name, int64_t key, void *obj, mn_arena *arena);
/* The bytes of one accessor-cache entry, for mn__cache_put_fk. */
size_t mn__cache_entry_size(void);
/* Caches obj under forward key fk (field fki of m; -1: unknown) on inst,
 * as select_related loads it: the entry comes from mem
 * (mn__cache_entry_size bytes in inst's arena, unused when inst already has
 * an entry of that name), and lets mn_rel_get answer without looking the
 * relation up. */
void mn__cache_put_fk(void *inst, const mn_model *m, const mn_field *fk, int fki, int64_t key, void *obj, void *mem);
int mn__cache_put_many(void *inst, const mn_model *m, const char *name, void **items, size_t n, mn_arena *arena);

/* ---- QuerySet hooks for relations (query.c) ---- */

/* Records an error in qs (the first one wins). */
void mn__qs_fail(mn_qs *qs, int code, const char *msg);
/* Marks qs evaluated with these instances (prefetched results). */
void mn__qs_set_result(mn_qs *qs, void **items, size_t n);
/* The arena and database of a QuerySet. */
mn_arena *mn__qs_arena(const mn_qs *qs);
mn_db *mn__qs_db(mn_qs *qs, mn_err *err);

/* ---- deletion (collector.c) ---- */

/* Deletes objs (instances of m) and what their relations cascade to, as
 * Django's Collector. Returns the total, *per_model (may be NULL) set in
 * arena. */
int64_t mn__collect_delete(mn_model *m, void *const *objs, size_t n, mn_db *db, mn_arena *arena, mn_map **per_model,
                           mn_err *err);
/* Does deleting an m need the collector (reverse relations or signals)? */
bool mn__collect_needed(mn_model *m);

#endif
