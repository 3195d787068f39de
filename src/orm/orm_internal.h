/* Private to src/orm. */
#ifndef MN_ORM_INTERNAL_H
#define MN_ORM_INTERNAL_H

#include "manouche/model.h"
#include "manouche/queryset.h"
#include "manouche/signal.h"

#define MN__MAX_FIELDS 64

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

/* Field value -> database parameter (Django's get_db_prep_value). */
int mn__to_db(const mn_field *f, mn_value v, mn_db_engine eng, mn_arena *arena, mn_value *out, mn_err *err);
/* Instance member -> database parameter. */
int mn__member_to_db(const void *obj, mn_model *m, size_t i, mn_db_engine eng, mn_arena *arena, mn_value *out,
                     mn_err *err);
/* Column `col` of the current row -> instance member i. */
int mn__member_from_row(void *obj, mn_model *m, size_t i, mn_db_rows *rows, size_t col, mn_db_engine eng,
                        mn_arena *arena, mn_err *err);
/* Sets member i from a value (to_python); strings copied into arena. */
int mn__set_member(void *obj, mn_model *m, size_t i, mn_value v, mn_arena *arena, mn_err *err);
/* Member i as a value (null when NULL); strings borrowed. */
mn_value mn__member_value(const void *obj, mn_model *m, size_t i);
/* Column of a row -> mn_value of the field's type (values()). */
int mn__value_from_row(const mn_field *f, mn_db_rows *rows, size_t col, mn_db_engine eng, mn_arena *arena,
                       mn_value *out, mn_err *err);
/* The column's SQL type for engine. */
const char *mn__sql_type(const mn_field *f, mn_db_engine eng, mn_arena *arena);
/* Django's class name of a field kind ("CharField"). */
const char *mn__kind_name(mn_field_kind k);
/* Appends "quoted" identifier. */
void mn__quote(mn_buf *b, const char *ident);
/* The connection to use. */
mn_db *mn__db(mn_db *db, mn_err *err);
/* A new instance with no defaults (rows from the database). */
void *mn__obj_alloc(mn_model *m, mn_arena *arena);
/* Sends a model signal. */
int mn__send(mn_signal *sig, mn_model *m, void *obj, mn_arena *arena, bool created, const char *const *update_fields,
             mn_err *err);
/* save() with Django's force_insert (create(), get_or_create()). */
int mn__obj_save(void *obj, mn_model *m, mn_db *db, const char *const *update_fields, bool force_insert, mn_err *err);
/* The SQL of a condition with the values written as literals (DDL takes no
 * parameters): CHECK constraints, partial indexes. conds (an AND of
 * lookups) and tree (OR/NOT) may each be NULL; when both are given both
 * must hold. In arena; NULL with err on a bad lookup or value. */
const char *mn__cond_sql(mn_model *m, const mn_cond *conds, const mn_qc *tree, mn_db_engine eng, mn_arena *arena,
                         mn_err *err);
/* Registers REGEXP on SQLite connections opened from now on. */
void mn__orm_sqlite_init(void);

#endif
