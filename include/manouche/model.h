/* Manouche: models (Django's models.Model) in C.
 *
 * A model is a plain C struct plus a descriptor table beside it. The struct
 * starts with (or anywhere holds) an `mn_obj mn;` header: the model pointer,
 * the per-instance NULL bitmap and the annotations of a query. Each field
 * macro checks at compile time that the named member exists and has the C
 * type of the field, so the struct and the table cannot drift:
 *
 *     typedef struct product {
 *         mn_obj mn;
 *         int64_t id;
 *         mn_str name;
 *         mn_decimal price;
 *         int32_t stock;
 *         bool available;
 *         mn_datetime created_at;
 *     } product;
 *
 *     static const mn_field product_fields[] = {
 *         MN_FIELD_BIGAUTO(product, id),
 *         MN_FIELD_CHAR(product, name, .max_length = 200),
 *         MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
 *         MN_FIELD_INT(product, stock, .default_value = "0"),
 *         MN_FIELD_BOOL(product, available, .default_value = "true"),
 *         MN_FIELD_DATETIME(product, created_at, .auto_now_add = true),
 *         MN_FIELD_END
 *     };
 *     mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields,
 *                                       .meta = { .ordering = MN_NAMES("-created_at") });
 *
 * C types of the fields:
 *   AUTO, BIGAUTO, BIGINT, POSBIGINT, FOREIGNKEY (the _id column)  int64_t
 *   INT, POSINT  int32_t        SMALLINT, POSSMALLINT  int16_t
 *   FLOAT  double   DECIMAL  mn_decimal (exact)   BOOL  bool
 *   CHAR, TEXT, SLUG, EMAIL, URL, UUID, IP, FILE, IMAGE, BINARY  mn_str
 *   DATE mn_date  TIME mn_time  DATETIME mn_datetime  DURATION mn_duration
 *   JSON  mn_value
 *
 * Relations (ForeignKey objects, reverse managers, ManyToMany,
 * select_related, prefetch_related) are in manouche/relation.h.
 *
 * NULL: a nullable field's NULL is a bit in the instance's header (see
 * mn_obj_is_null / mn_obj_set_null); the member then holds zero. See
 * docs/design/orm.md.
 *
 * Descriptors are set up lazily on first use (thread-safe) and live for the
 * process. Instances live in the arena they were created in. */
#ifndef MANOUCHE_MODEL_H
#define MANOUCHE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/db.h"
#include "manouche/error.h"
#include "manouche/str.h"
#include "manouche/value.h"

typedef struct mn_model mn_model;
typedef struct mn_field mn_field;

/* Field kinds. */
typedef enum mn_field_kind {
    MN_KIND_END = 0,
    MN_KIND_AUTO,
    MN_KIND_BIGAUTO,
    MN_KIND_SMALLINT,
    MN_KIND_INT,
    MN_KIND_BIGINT,
    MN_KIND_POSSMALLINT,
    MN_KIND_POSINT,
    MN_KIND_POSBIGINT,
    MN_KIND_FLOAT,
    MN_KIND_DECIMAL,
    MN_KIND_BOOL,
    MN_KIND_CHAR,
    MN_KIND_TEXT,
    MN_KIND_SLUG,
    MN_KIND_EMAIL,
    MN_KIND_URL,
    MN_KIND_UUID,
    MN_KIND_IP,
    MN_KIND_FILE,
    MN_KIND_IMAGE,
    MN_KIND_BINARY,
    MN_KIND_DATE,
    MN_KIND_TIME,
    MN_KIND_DATETIME,
    MN_KIND_DURATION,
    MN_KIND_JSON,
    MN_KIND_FOREIGNKEY, /* the `<name>_id` column; relations proper come later */
    MN_KIND_INHERIT     /* not a column: the fields of an abstract model embedded as a member */
} mn_field_kind;

/* Tri-state options whose Django default is true: 0 means the default. */
#define MN_YES 1
#define MN_NO (-1)

/* One entry of `choices`: the stored value as text and its label. */
typedef struct mn_choice {
    const char *value;
    const char *label;
} mn_choice;

/* A validator run by full_clean: MN_OK, or MN_EINVAL with the message in err. */
typedef int (*mn_validator_fn)(mn_value v, mn_err *err);
/* A default computed per instance (Django's default=callable). */
typedef int (*mn_default_fn)(mn_arena *arena, mn_value *out);

/* ForeignKey on_delete, carried out by the ORM's deletion collector (as
 * Django's Collector does; the database constraint has no ON DELETE):
 *   MN_CASCADE      delete the referencing rows too (recursively, with signals)
 *   MN_PROTECT      refuse: MN_EPERM with Django's ProtectedError message
 *   MN_SET_NULL     set the key to NULL (the field must be null = true)
 *   MN_DO_NOTHING   leave the rows (the database constraint then decides)
 *   MN_RESTRICT     refuse unless the referencing rows are deleted by a
 *                   CASCADE of the same delete (RestrictedError)
 *   MN_SET_DEFAULT  set the key to the field's default_value
 *   MN_SET          set the key to on_delete_value, or what on_delete_fn gives */
typedef enum mn_on_delete {
    MN_CASCADE = 0,
    MN_PROTECT,
    MN_SET_NULL,
    MN_DO_NOTHING,
    MN_RESTRICT,
    MN_SET_DEFAULT,
    MN_SET
} mn_on_delete;

struct mn_field {
    const char *name;          /* attribute name */
    mn_field_kind kind;
    size_t offset;             /* offset of the member in the struct */
    /* options (Django's Field arguments) */
    const char *db_column;     /* default: name (FOREIGNKEY: name + "_id") */
    const char *verbose_name;  /* default: name with '_' as ' ' */
    const char *help_text;
    int max_length;            /* CHAR & co.; 0: the kind's default (255 for CHAR needs to be given) */
    int max_digits, decimal_places;
    bool null, blank, unique, primary_key;
    int8_t db_index;           /* true; MN_NO turns off the index SlugField and ForeignKey get by default */
    int8_t editable;           /* MN_NO: not editable */
    bool auto_now, auto_now_add;
    const char *default_value; /* default as text ("0", "true", "draft", "1.50"); NULL: none */
    mn_default_fn default_fn;  /* default computed per instance */
    const mn_choice *choices;  /* ends with { NULL, NULL } */
    const mn_validator_fn *validators; /* ends with NULL */
    mn_model *related;         /* FOREIGNKEY target; INHERIT: the abstract model */
    mn_on_delete on_delete;
    /* relations (FOREIGNKEY) */
    const char *related_name;       /* reverse accessor ("products"); default "<model>_set" (one-to-one:
                                     * "<model>"); ending with '+': no reverse relation */
    const char *related_query_name; /* reverse name in lookups; default: related_name, else "<model>" */
    bool one_to_one;                /* OneToOneField: unique, reverse accessor is single */
    const char *on_delete_value;    /* MN_SET: the value as text (NULL: NULL) */
    mn_default_fn on_delete_fn;     /* MN_SET: a function giving the value (Django's SET(callable)) */
};

/* Compile-time member check: the offset of T.member when it has C type CT,
 * a compile error otherwise. */
#define MN__OFF(T, member, CT) _Generic(((T *)0)->member, CT: offsetof(T, member))

#define MN__FIELD(T, member, CT, K, ...) \
    { .name = #member, .kind = (K), .offset = MN__OFF(T, member, CT), __VA_ARGS__ }

#define MN_FIELD_AUTO(T, m, ...) MN__FIELD(T, m, int64_t, MN_KIND_AUTO, .primary_key = true, __VA_ARGS__)
#define MN_FIELD_BIGAUTO(T, m, ...) MN__FIELD(T, m, int64_t, MN_KIND_BIGAUTO, .primary_key = true, __VA_ARGS__)
#define MN_FIELD_SMALLINT(T, m, ...) MN__FIELD(T, m, int16_t, MN_KIND_SMALLINT, __VA_ARGS__)
#define MN_FIELD_INT(T, m, ...) MN__FIELD(T, m, int32_t, MN_KIND_INT, __VA_ARGS__)
#define MN_FIELD_BIGINT(T, m, ...) MN__FIELD(T, m, int64_t, MN_KIND_BIGINT, __VA_ARGS__)
#define MN_FIELD_POSSMALLINT(T, m, ...) MN__FIELD(T, m, int16_t, MN_KIND_POSSMALLINT, __VA_ARGS__)
#define MN_FIELD_POSINT(T, m, ...) MN__FIELD(T, m, int32_t, MN_KIND_POSINT, __VA_ARGS__)
#define MN_FIELD_POSBIGINT(T, m, ...) MN__FIELD(T, m, int64_t, MN_KIND_POSBIGINT, __VA_ARGS__)
#define MN_FIELD_FLOAT(T, m, ...) MN__FIELD(T, m, double, MN_KIND_FLOAT, __VA_ARGS__)
#define MN_FIELD_DECIMAL(T, m, ...) MN__FIELD(T, m, mn_decimal, MN_KIND_DECIMAL, __VA_ARGS__)
#define MN_FIELD_BOOL(T, m, ...) MN__FIELD(T, m, bool, MN_KIND_BOOL, __VA_ARGS__)
#define MN_FIELD_CHAR(T, m, ...) MN__FIELD(T, m, mn_str, MN_KIND_CHAR, __VA_ARGS__)
#define MN_FIELD_TEXT(T, m, ...) MN__FIELD(T, m, mn_str, MN_KIND_TEXT, __VA_ARGS__)
#define MN_FIELD_SLUG(T, m, ...) MN__FIELD(T, m, mn_str, MN_KIND_SLUG, __VA_ARGS__)
#define MN_FIELD_EMAIL(T, m, ...) MN__FIELD(T, m, mn_str, MN_KIND_EMAIL, __VA_ARGS__)
#define MN_FIELD_URL(T, m, ...) MN__FIELD(T, m, mn_str, MN_KIND_URL, __VA_ARGS__)
#define MN_FIELD_UUID(T, m, ...) MN__FIELD(T, m, mn_str, MN_KIND_UUID, __VA_ARGS__)
#define MN_FIELD_IP(T, m, ...) MN__FIELD(T, m, mn_str, MN_KIND_IP, __VA_ARGS__)
#define MN_FIELD_FILE(T, m, ...) MN__FIELD(T, m, mn_str, MN_KIND_FILE, __VA_ARGS__)
#define MN_FIELD_IMAGE(T, m, ...) MN__FIELD(T, m, mn_str, MN_KIND_IMAGE, __VA_ARGS__)
#define MN_FIELD_BINARY(T, m, ...) MN__FIELD(T, m, mn_str, MN_KIND_BINARY, __VA_ARGS__)
#define MN_FIELD_DATE(T, m, ...) MN__FIELD(T, m, mn_date, MN_KIND_DATE, __VA_ARGS__)
#define MN_FIELD_TIME(T, m, ...) MN__FIELD(T, m, mn_time, MN_KIND_TIME, __VA_ARGS__)
#define MN_FIELD_DATETIME(T, m, ...) MN__FIELD(T, m, mn_datetime, MN_KIND_DATETIME, __VA_ARGS__)
#define MN_FIELD_DURATION(T, m, ...) MN__FIELD(T, m, mn_duration, MN_KIND_DURATION, __VA_ARGS__)
#define MN_FIELD_JSON(T, m, ...) MN__FIELD(T, m, mn_value, MN_KIND_JSON, __VA_ARGS__)
/* A ForeignKey stored as the integer column `<m>_id`: the member is int64_t. */
#define MN_FIELD_FOREIGNKEY(T, m, target, ...) \
    MN__FIELD(T, m, int64_t, MN_KIND_FOREIGNKEY, .related = &(target), __VA_ARGS__)
/* A OneToOneField: a unique ForeignKey whose reverse accessor is one
 * instance (see mn_rel_get in relation.h). */
#define MN_FIELD_ONETOONE(T, m, target, ...) \
    MN__FIELD(T, m, int64_t, MN_KIND_FOREIGNKEY, .related = &(target), .unique = true, .one_to_one = true, \
              __VA_ARGS__)
/* The fields of abstract model `base` (whose struct type is BT) embedded as
 * member m: Django's `class Post(TimeStampedModel)`. */
#define MN_FIELD_INHERIT(T, m, BT, base) \
    { .name = #m, .kind = MN_KIND_INHERIT, .offset = MN__OFF(T, m, BT), .related = &(base) }
#define MN_FIELD_END { .name = NULL, .kind = MN_KIND_END }

/* A NULL-terminated list of names: MN_NAMES("-created_at", "name"). */
#define MN_NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* A condition written as Django lookups, all of which must hold (Q(a) &
 * Q(b)): { "price__gte", "0" }, { "available", "true" }, ending with
 * { NULL }. Values are text converted by the field ("true", "1.50",
 * "2024-01-05"); the compiled condition is portable across backends. */
typedef struct mn_cond {
    const char *lookup;
    const char *value;
} mn_cond;

/* A condition tree: Q objects combined with |, & and ~, for the same
 * places (Meta.constraints, Meta.indexes), written with the macros below.
 * Leaves are Django lookups with a value as text (converted by the field,
 * as in mn_cond; NULL is SQL NULL) or with another field (F()):
 *
 *     // CheckConstraint(check=Q(discount__isnull=True) | (Q(discount__gte=0) & Q(discount__lte=F("price"))))
 *     .qc = MN_QC_OR(MN_QC("discount__isnull", "true"),
 *                    MN_QC_AND(MN_QC("discount__gte", "0"), MN_QC_F("discount__lte", "price"))),
 *     // Index(condition=~Q(status="archived"))
 *     .qc = MN_QC_NOT(MN_QC("status", "archived")),
 *
 * The compound literals have static storage at file scope, so these go in
 * static descriptor tables. */
typedef enum mn_qc_op { MN_QC_LOOKUP = 1, MN_QC_ALL, MN_QC_ANY, MN_QC_NONE } mn_qc_op;
typedef struct mn_qc {
    mn_qc_op op;
    const char *lookup;               /* LOOKUP */
    const char *value;                /* LOOKUP against a value (text; NULL: NULL) */
    const char *f;                    /* LOOKUP against this field (F("start")) */
    const struct mn_qc *const *args;  /* ALL (&), ANY (|), NONE (~, of their AND): ends with NULL */
} mn_qc;
#define MN_QC(lk, val) (&(const mn_qc){ .op = MN_QC_LOOKUP, .lookup = (lk), .value = (val) })
#define MN_QC_F(lk, field) (&(const mn_qc){ .op = MN_QC_LOOKUP, .lookup = (lk), .f = (field) })
#define MN_QC_AND(...) (&(const mn_qc){ .op = MN_QC_ALL, .args = (const mn_qc *const[]){ __VA_ARGS__, NULL } })
#define MN_QC_OR(...) (&(const mn_qc){ .op = MN_QC_ANY, .args = (const mn_qc *const[]){ __VA_ARGS__, NULL } })
#define MN_QC_NOT(...) (&(const mn_qc){ .op = MN_QC_NONE, .args = (const mn_qc *const[]){ __VA_ARGS__, NULL } })

/* Meta.indexes entry: fields ("-name" for descending), an optional name and
 * an optional condition for a partial index: `q` (an AND of lookups), `qc`
 * (a tree with OR and NOT) or `condition` (SQL over column names, no
 * parameters); `q` and `qc` together must both hold. */
typedef struct mn_index {
    const char *const *fields;
    const char *name;
    const char *condition;
    const mn_cond *q;
    const mn_qc *qc;
} mn_index;

/* Meta.constraints entry. CHECK: `q` or `qc` (CheckConstraint(check=Q(...)))
 * or `check` (SQL over column names, "price >= 0"). UNIQUE: fields,
 * optionally with a condition (`q`, `qc` or `condition`) for a partial
 * unique index. */
typedef enum mn_constraint_kind { MN_CONSTRAINT_CHECK = 1, MN_CONSTRAINT_UNIQUE } mn_constraint_kind;
typedef struct mn_constraint {
    mn_constraint_kind kind;
    const char *name;
    const char *check;
    const char *const *fields;
    const char *condition;
    const mn_cond *q;
    const mn_qc *qc;
} mn_constraint;

typedef struct mn_meta {
    const char *db_table;                /* default: app_label + "_" + lower(name) */
    const char *const *ordering;         /* MN_NAMES("-created_at") */
    const char *verbose_name;            /* default: name split at capitals, lowercased */
    const char *verbose_name_plural;     /* default: verbose_name + "s" */
    const mn_index *indexes;             /* ends with { NULL } */
    const mn_constraint *constraints;    /* ends with { 0 } */
    const char *const *const *unique_together; /* ends with NULL */
    bool abstract;
} mn_meta;

/* Hooks: the natural place for Django's overridden save/delete/clean. */
typedef struct mn_model_hooks {
    /* Called before the row is written (Django's overridden save() before
     * super().save()): set a slug, refuse with an error. */
    int (*before_save)(void *obj, bool adding, mn_err *err);
    /* Replaces delete: a soft delete sets a flag and saves, then returns
     * MN_OK; returning MN_ENOTFOUND falls through to the real DELETE. */
    int (*delete)(void *obj, mn_err *err);
    /* Model.clean(): called by full_clean after the field checks. */
    int (*clean)(void *obj, mn_err *err);
    /* __str__ */
    int (*to_str)(const void *obj, mn_buf *out);
    /* Called after the row is written and post_save sent (the code after
     * super().save() in an overridden save()); created tells an INSERT from
     * an UPDATE. An error is save()'s result (the row stays written unless
     * the save runs inside a transaction that then rolls back). Like
     * Django's save(), it is not called by bulk_create, bulk_update or
     * update(). */
    int (*after_save)(void *obj, bool created, mn_err *err);
} mn_model_hooks;

/* A computed attribute: Django's @property, or a method without arguments
 * such as get_absolute_url(). Templates ({{ product.discounted_price }}),
 * signal receivers reading an instance value and redirect(obj) find it by
 * name after the fields, before the query's annotations and the automatic
 * get_FOO_display (which it can replace). fn fills out; strings it makes go
 * in arena. C code calls its own function directly. */
typedef struct mn_model_property {
    const char *name;
    int (*fn)(const void *obj, mn_arena *arena, mn_value *out);
} mn_model_property;

struct mn__model_rt; /* set-up data, private */
struct mn_m2m;       /* a ManyToManyField (relation.h) */

struct mn_model {
    const char *app_label; /* "shop" */
    const char *name;      /* "Product" */
    size_t size;           /* sizeof the struct */
    size_t obj_offset;     /* offset of the mn_obj header */
    const mn_field *fields;
    mn_meta meta;
    mn_model_hooks hooks;
    /* ManyToManyFields (relation.h): { MN_M2M("tags", tag_model), MN_M2M_END } */
    const struct mn_m2m *many_to_many;
    /* Computed attributes: { { "is_in_stock", fn }, { NULL, NULL } } */
    const mn_model_property *properties;
    struct mn__model_rt *_rt; /* private: filled on first use */
};

struct mn__deferred; /* private: which fields only()/defer() left unloaded */

/* The header every model struct holds as a member named `mn`. */
typedef struct mn_obj {
    const mn_model *model;
    uint64_t nulls;  /* bit i: field i (in mn_model_field order) is NULL */
    uint32_t flags;  /* MN_OBJ_ADDING: not saved yet */
    mn_map *extra;   /* annotations of the query that loaded it; may be NULL */
    struct mn__relcache *rel; /* related objects loaded once (relation.h); private, may be NULL */
    struct mn__deferred *deferred; /* NULL unless loaded with only()/defer()/raw() */
} mn_obj;

#define MN_OBJ_ADDING 1u

/* A model descriptor for struct type T. */
#define MN_MODEL(T, app, model_name, field_table, ...)                                                   \
    {                                                                                                    \
        .app_label = (app), .name = (model_name), .size = sizeof(T),                                     \
        .obj_offset = _Generic(((T *)0)->mn, mn_obj: offsetof(T, mn)), .fields = (field_table), __VA_ARGS__ \
    }
/* An abstract model: its fields are embedded into concrete models with
 * MN_FIELD_INHERIT. T needs no header. */
#define MN_ABSTRACT_MODEL(T, model_name, field_table) \
    { .name = (model_name), .size = sizeof(T), .fields = (field_table), .meta = { .abstract = true } }

/* ---- descriptors ---- */

/* Number of concrete fields (inherited ones flattened in), or 0 when the
 * model is invalid (the reason is in mn_model_check). Thread-safe. */
size_t mn_model_nfields(mn_model *m);
/* Field i (0-based, inherited fields flattened, offsets absolute). The
 * returned field lives for the process. */
const mn_field *mn_model_field(mn_model *m, size_t i);
/* The field named name ("pk" gives the primary key), or NULL. */
const mn_field *mn_model_field_by_name(mn_model *m, const char *name);
/* Index of the field, or -1. */
int mn_model_field_index(mn_model *m, const mn_field *f);
/* The primary key field. */
const mn_field *mn_model_pk(mn_model *m);
/* The table: Meta.db_table or "app_model". */
const char *mn_model_table(mn_model *m);
/* The column of a field. */
const char *mn_field_column(const mn_field *f);
/* Meta.verbose_name and verbose_name_plural (defaults as Django makes them). */
const char *mn_model_verbose_name(mn_model *m);
const char *mn_model_verbose_name_plural(mn_model *m);
/* Validates the descriptor (types, a primary key, at most 64 fields,
 * choices of the right shape). MN_OK or MN_EINVAL with the reason. */
int mn_model_check(mn_model *m, mn_err *err);

/* ---- the database the ORM uses on this thread ---- */

/* Sets the connection used by this thread's ORM calls that are not given
 * one; NULL clears it. Without one, the ORM uses Django's default
 * database: mn_db_for_thread() on the DATABASE of the published settings
 * (mn_settings_current). */
void mn_orm_use(mn_db *db);
/* The connection this thread's ORM calls use (see mn_orm_use), or NULL. */
mn_db *mn_orm_db(void);

/* Creates the model's table with its indexes and constraints (Django's
 * schema_editor.create_model), in the dialect of db (NULL: mn_orm_db()).
 * Returns MN_OK or the database error. */
int mn_model_create_table(mn_model *m, mn_db *db, mn_err *err);
/* The CREATE TABLE/INDEX statements for db's engine, one per list item
 * (strings in arena), followed by those of the automatic through tables of
 * its many-to-many fields (relation.h). Foreign keys are REFERENCES ...
 * DEFERRABLE INITIALLY DEFERRED without ON DELETE: on_delete is carried out
 * by the ORM, as in Django. NULL with err on failure. */
mn_list *mn_model_schema_sql(mn_model *m, mn_db_engine engine, mn_arena *arena, mn_err *err);

/* ---- default functions (.default_fn) ---- */

/* default=uuid.uuid4: a random version-4 UUID as text ("8-4-4-4-12"). */
int mn_default_uuid4(mn_arena *arena, mn_value *out);
/* default=timezone.now: the current instant, aware in UTC. */
int mn_default_now(mn_arena *arena, mn_value *out);

/* ---- instances ---- */

/* A new unsaved instance in arena with defaults applied (Django's
 * Model()). NULL when the arena is exhausted or a default function fails
 * (err says which). */
void *mn_model_new(mn_model *m, mn_arena *arena, mn_err *err);

/* The header of an instance. */
mn_obj *mn_obj_header(const mn_model *m, const void *obj);
/* NULL bitmap access by field name; setting NULL also zeroes the member.
 * set_null returns MN_EINVAL for an unknown field or a non-nullable one. */
bool mn_obj_is_null(const void *obj, const mn_model *m, const char *field);
int mn_obj_set_null(void *obj, const mn_model *m, const char *field, bool is_null);
/* The annotation named name of an instance loaded with annotate(), or null. */
mn_value mn_obj_annotation(const void *obj, const mn_model *m, const char *name);

/* Field value as an mn_value (strings borrowed from the instance). A NULL
 * field gives null. A deferred field (see mn_obj_is_deferred) is loaded
 * first, with one query, as Django's attribute access does. Returns MN_OK,
 * MN_ENOTFOUND for an unknown field, or the error of loading a deferred
 * field (MN_EDB, also when the row no longer exists; MN_ENOMEM). */
int mn_obj_get(const void *obj, mn_model *m, const char *field, mn_value *out);

/* ---- deferred fields (only(), defer(), raw() without every column) ----
 * Fields a QuerySet did not load hold their zero value and are marked
 * deferred. mn_obj_get, templates, full_clean and save load them on
 * demand; code that reads struct members directly asks first:
 *     if (mn_obj_is_deferred(p, &product_model, "description"))
 *         mn_obj_load_deferred(p, &product_model, "description", &err);
 * Setting a field with mn_obj_set or mn_obj_set_null clears its mark; a
 * member written directly keeps it (save() would skip the field). save()
 * of an instance with deferred fields and no update_fields writes only the
 * loaded fields, as Django does. */

/* True when field was not loaded (false for unknown names). */
bool mn_obj_is_deferred(const void *obj, const mn_model *m, const char *field);
/* get_deferred_fields(): the attribute names of the fields not loaded
 * ("category_id" for a ForeignKey, as Django's attname), in field order,
 * NULL-terminated, in arena; *n (may be NULL) gets their number. An
 * instance without deferred fields gives an empty list. NULL only when the
 * arena is exhausted or the model is invalid. */
const char **mn_obj_deferred_fields(const void *obj, mn_model *m, mn_arena *arena, size_t *n);
/* Loads the deferred field (every deferred field when field is NULL) with
 * one SELECT by primary key on the connection of the QuerySet that made
 * the instance (the thread's ORM connection when it had none); strings go
 * to that QuerySet's arena. A field that is not deferred is left alone.
 * MN_OK, MN_EINVAL (unknown field), MN_ENOTFOUND with "Product matching
 * query does not exist." when the row was deleted, or the database's
 * error. */
int mn_obj_load_deferred(void *obj, mn_model *m, const char *field, mn_err *err);
/* Sets a field from an mn_value converted as Django's to_python would
 * ("12.50" for a decimal, "2024-01-05" for a date, null for NULL). Strings
 * are copied into arena. MN_EINVAL with Django's message on a bad value. */
int mn_obj_set(void *obj, mn_model *m, const char *field, mn_value v, mn_arena *arena, mn_err *err);
/* get_FOO_display(): the label of the field's value among its choices, or
 * the value as text. In arena. */
mn_str mn_obj_display(const void *obj, mn_model *m, const char *field, mn_arena *arena);
/* The primary key (0 when unsaved). */
int64_t mn_obj_pk(const void *obj, mn_model *m);

/* The mn_type of instances of models (get_attr reads fields by name, then
 * annotations; to_str uses hooks.to_str or "Product object (1)"). */
extern const mn_type mn_model_instance_type;
/* An instance as an mn_value for templates and signals (it points into the
 * instance, which must outlive it). */
mn_value mn_obj_value(void *obj, const mn_model *m);
/* The instance of a value made by mn_obj_value (a signal's "instance"), or
 * NULL for any other value. */
void *mn_obj_from_value(mn_value v);

/* save(): INSERT when the instance is new (its header says adding; a new
 * instance whose primary key was set by hand is UPDATEd first and INSERTed
 * when no row matched, as Django does), else UPDATE of every field (INSERT
 * when the row is gone), or only update_fields (NULL-terminated names, may
 * be NULL). auto_now/auto_now_add are filled, pre_save and post_save sent,
 * hooks.before_save called first. db NULL: mn_orm_db(). MN_OK, MN_EEXIST
 * (unique violation), MN_EPERM (check/foreign key), MN_EDB. */
int mn_obj_save(void *obj, mn_model *m, mn_db *db, const char *const *update_fields, mn_err *err);
/* save() of an existing instance with fields set to expressions, as
 * Django's `p.stock = F("stock") - 1; p.save()`: the (name, value, ...,
 * NULL) pairs are expressions (mn_f, mn_expr_add, ...) or plain values
 * (assigned as mn_obj_set does); one UPDATE writes every field, the
 * expressions as SQL, so F() reads the row as it was (no lost update). The
 * expressions' results are then read back into the instance (strings in
 * arena; Django's attribute keeps the expression until refresh_from_db()).
 * MN_OK; MN_EINVAL for an unknown field, a new instance (an expression
 * cannot be inserted), an aggregate or a field across a join; otherwise as
 * mn_obj_save. Not for one instance from two threads at once. */
int mn_obj_save_expr(void *obj, mn_model *m, mn_db *db, mn_arena *arena, mn_err *err, ...);
/* Model.objects.create(): new instance from (name, value) pairs ending with
 * NULL, INSERTed (an existing key is MN_EEXIST). NULL with err on failure. */
void *mn_model_create(mn_model *m, mn_arena *arena, mn_err *err, ...);
/* delete(): hooks.delete when set, else the deletion collector: the row
 * and what on_delete cascades to (relation.h), with pre_delete/post_delete
 * for each object, in one transaction. Returns the rows deleted (0 when the
 * row was already gone; more with cascades; see mn_obj_delete_counts for
 * the counts per model) or a negative code (MN_EPERM: PROTECT/RESTRICT). */
int64_t mn_obj_delete(void *obj, mn_model *m, mn_db *db, mn_err *err);
/* The delete itself, without hooks.delete (a soft-delete model's
 * hard_delete(), Django's super().delete()). Same results. */
int64_t mn_obj_delete_row(void *obj, mn_model *m, mn_db *db, mn_err *err);
/* refresh_from_db(): reloads every loaded field (strings into arena); as in
 * Django, fields deferred by only()/defer() stay deferred. MN_ENOTFOUND
 * when the row is gone. */
int mn_obj_refresh(void *obj, mn_model *m, mn_db *db, mn_arena *arena, mn_err *err);
/* refresh_from_db(fields=[...]): reloads only the named fields (names or
 * ForeignKey attnames, NULL-terminated; NULL: as mn_obj_refresh, an empty
 * list: none, without a query); named deferred fields become loaded. MN_EINVAL "Product has no field named 'stok'",
 * MN_ENOTFOUND when the row is gone, or the database's error. */
int mn_obj_refresh_fields(void *obj, mn_model *m, mn_db *db, const char *const *fields, mn_arena *arena, mn_err *err);
/* full_clean(): max_length, null/blank, choices, decimal digits,
 * positive integers, email/slug/url/ip/uuid formats, validators, then
 * hooks.clean. Every error is collected: errors (may be NULL) receives a
 * map field -> list of messages (in arena; "__all__" for clean()).
 * Returns MN_OK or MN_EINVAL with the first message in err. */
int mn_obj_full_clean(void *obj, mn_model *m, mn_arena *arena, mn_map **errors, mn_err *err);

/* ---- transactions: the scope form of atomic ----
 *     mn_atomic_scope tx;
 *     MN_ATOMIC(&tx, db, &err) {
 *         ...
 *         if (bad) MN_ATOMIC_FAIL(&tx, code);
 *     }
 *     if (tx.rc != MN_OK) ...
 * The block runs inside a transaction (a savepoint when nested) that
 * commits at its end, or rolls back when MN_ATOMIC_FAIL was called. Leave
 * the block by reaching its end: `return`, `break` or `goto` out of it skip
 * the commit (mn_db_thread_release then rolls the transaction back). */
typedef struct mn_atomic_scope {
    mn_db *db;
    mn_err *err;
    int state; /* 1 inside the block, 2 done */
    int rc;    /* MN_OK, the code given to MN_ATOMIC_FAIL, or the database error */
} mn_atomic_scope;
/* Begins the transaction or savepoint (state 1), or records the error in
 * s->rc (state 2). db NULL: mn_orm_db(). */
void mn_atomic_begin(mn_atomic_scope *s, mn_db *db, mn_err *err);
/* Commits, or rolls back when s->rc is not MN_OK. Returns s->rc. */
int mn_atomic_end(mn_atomic_scope *s);
#define MN_ATOMIC(s, dbp, errp) \
    for (mn_atomic_begin((s), (dbp), (errp)); (s)->state == 1; mn_atomic_end(s))
/* Marks the block failed (it rolls back at its end) with code (non-zero). */
#define MN_ATOMIC_FAIL(s, code) ((s)->rc = (code))

/* ---- ATOMIC_REQUESTS ----
 * A view run inside a transaction, as Django does with ATOMIC_REQUESTS:
 *     static mn_atomic_request checkout_tx = { .view = checkout, .ctx = NULL };
 *     ... handler mn_atomic_request_handler with ctx &checkout_tx ...
 * The transaction commits when the view returns a response below 500 and
 * rolls back when it returns NULL or a 5xx (a Python view would have
 * raised). on_commit callbacks run after the commit. */
struct mn_request;
struct mn_response;
typedef struct mn_atomic_request {
    struct mn_response *(*view)(struct mn_request *req, void *ctx); /* an mn_handler */
    void *ctx;
    mn_db *db; /* NULL: the thread's ORM database */
} mn_atomic_request;
/* An mn_handler whose ctx is an mn_atomic_request. Returns the view's
 * response, or NULL (a 500) when no transaction could be started or the
 * commit failed. */
struct mn_response *mn_atomic_request_handler(struct mn_request *req, void *ctx);
/* The same as a middleware (middleware.h): list it in the project's
 * MIDDLEWARE where the transaction should start (Django's ATOMIC_REQUESTS =
 * True); what follows it, the view included, runs in one transaction on the
 * thread's ORM database. */
struct mn_middleware;
extern const struct mn_middleware mn_atomic_requests_middleware;

#endif
