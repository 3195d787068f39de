/* Manouche: migrations (Django's django.db.migrations) in C.
 *
 * A migration is one JSON file in an app's migrations directory
 * (products/migrations/0002_product_slug.json) holding its dependencies and
 * a list of declarative operations, named and shaped like Django's:
 *
 *     {
 *       "dependencies": [
 *         ["products", "0001_initial"]
 *       ],
 *       "operations": [
 *         {
 *           "op": "AddField",
 *           "model_name": "product",
 *           "name": "slug",
 *           "field": {"type": "SlugField", "max_length": 50, "default": "x"},
 *           "preserve_default": false
 *         }
 *       ]
 *     }
 *
 * Replaying the operations of every migration gives the project state (the
 * models as the database has them); the autodetector compares it with the
 * models compiled into ./manage (mn_app.models) and writes the difference as
 * a new migration. The executor applies migrations in dependency order, one
 * transaction each, and records them in Django's `django_migrations` table,
 * so a database migrated by Django can be continued here.
 *
 * Everything is allocated in the caller's arena and lives as long as it.
 * Nothing keeps global state except the registry of data-migration
 * functions (mn_migrate_register), which is thread-safe. See
 * docs/migrations.md and docs/design/migrations.md. */
#ifndef MANOUCHE_MIGRATE_H
#define MANOUCHE_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include "manouche/arena.h"
#include "manouche/db.h"
#include "manouche/error.h"
#include "manouche/model.h"
#include "manouche/str.h"
#include "manouche/value.h"

/* ---- state: models as the migrations describe them ---- */

/* A field with every option that migrations track. */
typedef struct mn_mig_field {
    const char *name;
    mn_field_kind kind;
    const char *db_column;     /* explicit column, or NULL for the default */
    int max_length, max_digits, decimal_places;
    bool null, blank, unique, primary_key, db_index;
    bool editable;             /* Django's default: true */
    bool auto_now, auto_now_add;
    const char *default_value; /* default as text, or NULL */
    bool default_callable;     /* the model computes a default per instance */
    const char *verbose_name, *help_text;
    const mn_choice *choices;  /* ends with { NULL, NULL }; NULL: none */
    const char *to;            /* ForeignKey, OneToOneField, ManyToManyField target "app.model" */
    mn_on_delete on_delete;
    const char *on_delete_value; /* MN_SET: the value as text */
    bool one_to_one;           /* OneToOneField (a unique ForeignKey) */
    const char *related_name, *related_query_name;
    /* ManyToManyField (kind MN_MIG_KIND_M2M, no column): a custom through
     * model "app.model" (NULL: the automatic table) and the automatic
     * table's name (NULL: "<table>_<name>"). */
    const char *through;
    const char *m2m_db_table;
} mn_mig_field;

/* The kind of a ManyToManyField in a migration state: not a column but an
 * automatic through table (or a custom through model). */
#define MN_MIG_KIND_M2M ((mn_field_kind)100)

/* Meta.indexes entry: fields ("-name" for descending), a name, and an
 * optional condition: SQL over columns, lookups in q ending with { NULL }
 * (all must hold), or a Q tree in qc (AND/OR/NOT, F() references). A model
 * with both q and qc gets one tree in its state: AND(q..., qc). */
typedef struct mn_mig_index {
    const char *name;
    const char **fields; /* NULL-terminated */
    const char *condition;
    const mn_cond *q;
    const mn_qc *qc;
} mn_mig_index;

typedef struct mn_mig_constraint {
    mn_constraint_kind kind;
    const char *name;
    const char *check;   /* CHECK: SQL over columns */
    const char **fields; /* UNIQUE: NULL-terminated */
    const char *condition;
    const mn_cond *q;
    const mn_qc *qc; /* a Q tree, as in mn_mig_index */
} mn_mig_constraint;

typedef struct mn_mig_model {
    const char *app;  /* "products" */
    const char *name; /* "Product" */
    mn_mig_field *fields;
    size_t nfields;
    /* Options (Meta). */
    const char *db_table;              /* NULL: "<app>_<lower name>" */
    const char **ordering;             /* NULL-terminated, or NULL */
    const char *verbose_name, *verbose_name_plural;
    const char ***unique_together;     /* NULL-terminated lists of names, or NULL */
    mn_mig_index *indexes;
    size_t nindexes;
    mn_mig_constraint *constraints;
    size_t nconstraints;
} mn_mig_model;

/* The project state: every model of every app. Copy-on-write: operations
 * replace the models they change, so a copy made by mn_mig_state_clone is
 * a cheap snapshot. */
typedef struct mn_mig_state {
    mn_arena *arena;
    mn_mig_model **models;
    size_t nmodels, cap;
} mn_mig_state;

/* An empty state allocating in arena. NULL when out of memory. */
mn_mig_state *mn_mig_state_new(mn_arena *arena);
/* A snapshot of st (models are shared, never modified in place). */
mn_mig_state *mn_mig_state_clone(const mn_mig_state *st);
/* The model app.name (name compared case-insensitively), or NULL. */
mn_mig_model *mn_mig_state_find(const mn_mig_state *st, const char *app, const char *name);
/* The model an "app.model" reference names, or NULL. */
mn_mig_model *mn_mig_state_resolve(const mn_mig_state *st, const char *ref);
/* The field named name of a model state, or NULL. */
mn_mig_field *mn_mig_model_field(const mn_mig_model *m, const char *name);
/* The table of a model state (db_table or "app_lowername", in arena). */
const char *mn_mig_model_table(const mn_mig_model *m, mn_arena *arena);
/* The column of a field state ("name", "category_id" or db_column). */
const char *mn_mig_field_column(const mn_mig_field *f, mn_arena *arena);

/* The state of a compiled model (fields flattened, defaults made
 * explicit). Returns MN_OK or MN_EINVAL for an invalid model. */
int mn_mig_model_from(mn_model *m, mn_arena *arena, mn_mig_model **out, mn_err *err);
/* Adds the state of each model of a NULL-terminated list to st. */
int mn_mig_state_add_models(mn_mig_state *st, mn_model *const *models, mn_err *err);
/* Whether two field states describe the same field (every option). */
bool mn_mig_field_equal(const mn_mig_field *a, const mn_mig_field *b);

/* ---- operations and migrations ---- */

typedef enum mn_mig_op_kind {
    MN_OP_CREATE_MODEL = 1,
    MN_OP_DELETE_MODEL,
    MN_OP_RENAME_MODEL,
    MN_OP_ALTER_MODEL_TABLE,
    MN_OP_ALTER_MODEL_OPTIONS,
    MN_OP_ADD_FIELD,
    MN_OP_REMOVE_FIELD,
    MN_OP_ALTER_FIELD,
    MN_OP_RENAME_FIELD,
    MN_OP_ADD_INDEX,
    MN_OP_REMOVE_INDEX,
    MN_OP_ADD_CONSTRAINT,
    MN_OP_REMOVE_CONSTRAINT,
    MN_OP_ALTER_UNIQUE_TOGETHER,
    MN_OP_RUN_SQL,
    MN_OP_RUN_C
} mn_mig_op_kind;

/* One operation. Which members are used depends on the kind, with Django's
 * argument names:
 *   CreateModel        model (name, fields, options: ordering, verbose
 *                      names, db_table, unique_together, indexes,
 *                      constraints)
 *   DeleteModel        name
 *   RenameModel        old_name, new_name
 *   AlterModelTable    name, table (NULL: the default table)
 *   AlterModelOptions  name, model (its ordering and verbose names)
 *   AddField           model_name, name, field, preserve_default
 *   RemoveField        model_name, name
 *   AlterField         model_name, name, field, preserve_default (false: the
 *                      field's default only fills the NULLs of a field made
 *                      NOT NULL)
 *   RenameField        model_name, old_name, new_name
 *   AddIndex           model_name, index
 *   RemoveIndex        model_name, name
 *   AddConstraint      model_name, constraint
 *   RemoveConstraint   model_name, name
 *   AlterUniqueTogether name, unique_together
 *   RunSQL             sql, reverse_sql (NULL: irreversible; an empty list:
 *                      nothing to undo)
 *   RunC               code, reverse_code (names given to
 *                      mn_migrate_register; reverse NULL: irreversible) */
typedef struct mn_mig_op {
    mn_mig_op_kind kind;
    const char *model_name;
    const char *name;
    const char *old_name, *new_name;
    const char *table;
    mn_mig_model *model;
    mn_mig_field field;
    bool preserve_default;
    mn_mig_index index;
    mn_mig_constraint constraint;
    const char ***unique_together;
    const char **sql, **reverse_sql;
    const char *code, *reverse_code;
    /* RunSQL, RunC: Django's elidable (the optimizer of squashmigrations
     * drops the operation). */
    bool elidable;
} mn_mig_op;

/* An [app, name] pair. */
typedef struct mn_mig_key {
    const char *app;
    const char *name;
} mn_mig_key;

typedef struct mn_migration {
    const char *app;
    const char *name;  /* "0002_product_slug" */
    const char *path;  /* the file it was read from, or NULL */
    mn_mig_key *deps;
    size_t ndeps;
    /* A squashed migration: the migrations it replaces (Django's
     * replaces); NULL and 0 for an ordinary one. */
    mn_mig_key *replaces;
    size_t nreplaces;
    mn_mig_op *ops;
    size_t nops;
    bool initial;
    bool atomic;       /* one transaction (default true) */
} mn_migration;

/* Django's name of an operation kind ("AddField"), or "?". */
const char *mn_mig_op_name(mn_mig_op_kind kind);
/* Parses the JSON text of migration app.name. label names the file in
 * error messages ("products/migrations/0002_x.json"). Strict: an unknown
 * key, a wrong type or a missing argument is an error naming the file, the
 * operation number and kind ("...: operation 2 (AddField): 'field' must be
 * an object"). Returns MN_OK, MN_EPARSE or MN_ENOMEM. */
int mn_migration_parse(mn_arena *arena, const char *app, const char *name, const char *label, mn_str text,
                       mn_migration **out, mn_err *err);
/* The migration as readable JSON (two-space indent, one field per line),
 * NUL-terminated in arena. A slice with ptr NULL on error. */
mn_str mn_migration_write(mn_arena *arena, const mn_migration *m, mn_err *err);
/* Django's describe() of an operation ("Add field slug to product"), in
 * arena. */
const char *mn_mig_op_describe(const mn_mig_op *op, mn_arena *arena);
/* Django's migration_name_fragment ("product_slug", "remove_product_x"),
 * or NULL for RunSQL and RunC. */
const char *mn_mig_op_fragment(const mn_mig_op *op, mn_arena *arena);
/* Django's suggest_name: "initial", one operation's fragment, the sorted
 * fragments of several CreateModel, else "auto_YYYYMMDD_HHMM" (UTC now). */
const char *mn_migration_suggest_name(const mn_migration *m, mn_arena *arena);

/* Applies one operation of app to the state (Django's state_forwards).
 * MN_OK, or MN_EINVAL naming what is missing ("AddField: no model
 * products.item"). */
int mn_mig_state_apply(mn_mig_state *st, const char *app, const mn_mig_op *op, mn_err *err);
/* Applies every operation of a migration. */
int mn_mig_state_apply_migration(mn_mig_state *st, const mn_migration *m, mn_err *err);

/* ---- SQL ---- */

/* The SQL statements of one operation of app on engine, forwards (from is
 * the state before the operation, to the state after) or backwards (from
 * is the state after, to the state before). Statements are appended to
 * out as strings (in arena) without the final ';'. SQLite gets a table
 * rebuild (CREATE new, INSERT ... SELECT, DROP, RENAME, indexes) where
 * ALTER TABLE cannot do the change. RunC adds nothing. Returns MN_OK,
 * MN_EINVAL (an irreversible operation backwards, a bad condition) or
 * MN_ENOMEM. */
int mn_mig_op_sql(const mn_mig_op *op, const char *app, const mn_mig_state *from, const mn_mig_state *to,
                  mn_db_engine engine, bool backwards, mn_arena *arena, mn_list *out, mn_err *err);
/* The CREATE TABLE and CREATE INDEX statements of a model state. */
int mn_mig_create_model_sql(const mn_mig_model *m, const mn_mig_state *st, mn_db_engine engine, mn_arena *arena,
                            mn_list *out, mn_err *err);
/* Django's BaseDatabaseSchemaEditor._create_index_name: "<table>_<cols>_
 * <md5 digest 8><suffix>", shortened to max_length (63 on PostgreSQL, 200
 * on SQLite) the way Django shortens it. In arena. */
const char *mn_mig_index_name(const char *table, const char *const *columns, const char *suffix,
                              mn_db_engine engine, mn_arena *arena);

/* ---- data migrations (RunC) ---- */

/* A data-migration function: runs inside the migration's transaction on db.
 * Returns MN_OK, or an error (the migration rolls back). */
typedef int (*mn_migrate_fn)(mn_db *db, mn_arena *arena, mn_err *err);
/* Registers fn under name ("products.fill_slugs") for RunC operations;
 * call it from the app's ready hook. Registering a name again replaces it.
 * MN_OK, MN_EINVAL (empty name) or MN_ELIMIT (more than 256 functions).
 * Thread-safe. */
int mn_migrate_register(const char *name, mn_migrate_fn fn);
/* The function registered under name, or NULL. Thread-safe. */
mn_migrate_fn mn_migrate_lookup(const char *name);

/* ---- the autodetector ---- */

/* Questions makemigrations asks; each callback may be NULL (the default
 * answer). */
typedef struct mn_mig_questioner {
    /* "Was product.title renamed to product.name (a CharField)? [y/N]" */
    bool (*ask_rename)(void *ctx, const char *model, const char *old_name, const char *new_name,
                       const char *type_name);
    /* "Was the model products.Item renamed to Article? [y/N]" */
    bool (*ask_rename_model)(void *ctx, const char *app, const char *old_name, const char *new_name);
    /* A NOT NULL field without a default added to an existing model: the
     * one-off default as text, or NULL to give up (the detection then
     * fails with MN_EINVAL and Django's explanation). */
    const char *(*ask_default)(void *ctx, const char *model, const char *field);
    /* A nullable field made NOT NULL without a default: the one-off default
     * for the rows holding NULL, or NULL to leave them to the user (Django's
     * "Ignore for now"); *quit set to true gives up like ask_default. */
    const char *(*ask_not_null_alteration)(void *ctx, const char *model, const char *field, bool *quit);
    void *ctx;
} mn_mig_questioner;

/* The operations that turn app's models in from into those in to (Django's
 * MigrationAutodetector), in an order that applies. *deps receives the
 * other apps' models the operations refer to (as "app" keys, name NULL).
 * Returns MN_OK or an error. */
int mn_mig_autodetect(const mn_mig_state *from, const mn_mig_state *to, const char *app, const mn_mig_questioner *q,
                      mn_arena *arena, mn_mig_op **ops, size_t *nops, mn_mig_key **deps, size_t *ndeps,
                      mn_err *err);

/* ---- the optimizer (squashmigrations) ---- */

/* Django's MigrationOptimizer over the operations of app: pairs on the
 * same model or field are reduced (CreateModel + DeleteModel cancel,
 * CreateModel absorbs AddField, AlterField, RemoveField, RenameField,
 * RenameModel, AlterModelOptions and AlterUniqueTogether, AddField absorbs
 * AlterField and RenameField and cancels with RemoveField, AlterField +
 * RemoveField is the RemoveField, RenameField and RenameModel chains
 * merge, an AlterModelTable, AlterModelOptions or AlterUniqueTogether
 * followed by another of its kind is the last one, elidable RunSQL/RunC
 * disappear), across operations only when Django's references_model /
 * references_field say they do not touch the same model or field (a
 * relation to the model counts; indexes, constraints, RunSQL and RunC
 * block), until nothing changes. *out (in arena) holds *nout <= nops
 * operations; ops is not modified. MN_OK, MN_EINVAL (app NULL) or
 * MN_ENOMEM. */
int mn_mig_optimize(const mn_mig_op *ops, size_t nops, const char *app, mn_arena *arena, mn_mig_op **out,
                    size_t *nout, mn_err *err);

/* ---- the loader and the graph ---- */

/* Every migration of a project, read from the apps' migrations
 * directories. */
typedef struct mn_mig_graph {
    mn_migration **nodes;
    size_t n;
    /* Per node, indexes of its dependencies and of its dependants. */
    size_t **parents, **children;
    size_t *nparents, *nchildren;
    /* Every squashed migration read (Django's loader.replacements), in
     * the graph or not. */
    mn_migration **replacements;
    size_t nreplacements;
} mn_mig_graph;

/* mn_mig_graph_load_applied: keep squashed migrations and the migrations
 * they replace side by side (Django's replace_migrations=False, used by
 * sqlmigrate). */
#define MN_MIG_GRAPH_KEEP_REPLACED 1u

/* Reads the *.json files of each app's directory (dirs[i] for apps[i]; a
 * missing directory means no migrations) and links dependencies; squashed
 * migrations replace the migrations they list (see
 * mn_mig_graph_load_applied). Errors
 * name the file: a parse error, a dependency on an unknown migration
 * ("Migration products.0002_x dependencies reference nonexistent parent
 * node ('products', '0009_y')"), a cycle. */
int mn_mig_graph_load(const char *const *apps, const char *const *dirs, size_t napps, mn_arena *arena,
                      mn_mig_graph **out, mn_err *err);
/* mn_mig_graph_load with squashed migrations resolved against the applied
 * migrations (mn_mig_recorder_applied's map; NULL: none applied), as
 * Django's loader does: a squashed migration is used in place of the
 * migrations it replaces when all or none of them are applied, and
 * dependencies on them (files deleted included) point to it; when only
 * some are applied, it is left out and the old migrations are used. With
 * applied given, the map is updated as Django's loader.applied_migrations:
 * a squashed migration whose replaced migrations are all applied is added
 * (with the latest of their applied times), otherwise removed.
 * mn_mig_graph_load is this with applied NULL and flags 0. A dependency on
 * a replaced migration that is gone while its squash is left out is an
 * error saying so. */
int mn_mig_graph_load_applied(const char *const *apps, const char *const *dirs, size_t napps, mn_map *applied,
                              unsigned flags, mn_arena *arena, mn_mig_graph **out, mn_err *err);
/* Index of app.name in the graph, or -1. */
long mn_mig_graph_find(const mn_mig_graph *g, const char *app, const char *name);
/* The leaf migrations of app (those no other migration of app depends
 * on), as indexes in *out; returns their number (0: no migrations). */
size_t mn_mig_graph_leaves(const mn_mig_graph *g, const char *app, mn_arena *arena, size_t **out);
/* The migrations to apply before and including node, dependencies first
 * (Django's forwards_plan). Returns the count; indexes in *out. */
size_t mn_mig_graph_forwards(const mn_mig_graph *g, size_t node, mn_arena *arena, size_t **out);
/* node and everything depending on it, dependants first (backwards_plan). */
size_t mn_mig_graph_backwards(const mn_mig_graph *g, size_t node, mn_arena *arena, size_t **out);
/* The state after replaying every migration node depends on (and node
 * itself when inclusive). NULL with err on failure. */
mn_mig_state *mn_mig_graph_state(const mn_mig_graph *g, long node, bool inclusive, mn_arena *arena, mn_err *err);
/* The state after every migration of the graph. */
mn_mig_state *mn_mig_graph_full_state(const mn_mig_graph *g, mn_arena *arena, mn_err *err);

/* ---- the recorder and the executor ---- */

/* Creates django_migrations when missing, with Django's columns
 * (id, app varchar(255), name varchar(255), applied datetime). */
int mn_mig_recorder_ensure(mn_db *db, mn_err *err);
/* The applied migrations as "app\nname" keys of a map (values: the applied
 * time as text). An absent table gives an empty map. */
int mn_mig_recorder_applied(mn_db *db, mn_arena *arena, mn_map **out, mn_err *err);

/* Django's check_replacements: records each squashed migration of g whose
 * replaced migrations are all recorded and which is not (run it after
 * every migrate, so that a deployment that applied the old migrations
 * gets the squash marked applied). *recorded (may be NULL) gets the number
 * of rows written. Needs django_migrations (mn_mig_recorder_ensure).
 * Returns MN_OK or the database error. */
int mn_mig_recorder_check_replacements(mn_db *db, const mn_mig_graph *g, mn_arena *arena, size_t *recorded,
                                       mn_err *err);

/* Applies (or unapplies, backwards) migration node of g on db inside one
 * transaction, with the django_migrations row written in the same
 * transaction: on failure, schema and record are left as they were.
 * fake: only the record. A squashed migration records the migrations it
 * replaces (as Django's executor; see mn_mig_recorder_check_replacements
 * for its own row) and, backwards, removes those rows and its own.
 * SQLite runs with foreign keys off during the
 * transaction and checks them (PRAGMA foreign_key_check) before the commit.
 * Returns MN_OK or the error of the failing statement. */
int mn_mig_execute(mn_db *db, const mn_mig_graph *g, size_t node, bool backwards, bool fake, mn_arena *arena,
                   mn_err *err);
/* The SQL of a migration for sqlmigrate: BEGIN;, each operation under a
 * "-- Describe" comment, statements ending with ';', COMMIT;. In arena. */
mn_str mn_mig_sql_text(const mn_mig_graph *g, size_t node, bool backwards, mn_db_engine engine, mn_arena *arena,
                       mn_err *err);

/* ---- ./manage commands ---- */

struct mn_command;
/* makemigrations, migrate, showmigrations, sqlmigrate and squashmigrations
 * for ./manage; they work on the project's apps (mn_manage_project). */
extern const struct mn_command mn_makemigrations_command;
extern const struct mn_command mn_migrate_command;
extern const struct mn_command mn_showmigrations_command;
extern const struct mn_command mn_sqlmigrate_command;
extern const struct mn_command mn_squashmigrations_command;

#endif
