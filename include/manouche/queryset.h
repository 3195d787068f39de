/* Manouche: QuerySets (Django's Model.objects.filter(...) and friends).
 *
 * A QuerySet is lazy and immutable: every builder call returns a new one
 * (a clone in the same arena), and nothing touches the database until it is
 * evaluated (mn_qs_len, mn_qs_at, mn_qs_items, mn_qs_rows, count, get...).
 * Once evaluated, its results are cached in it.
 *
 *     mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, arena), "price__gte", mn_value_int(100));
 *     qs = mn_qs_order_by(qs, "-created_at", "name", NULL);
 *     for (size_t i = 0; i < mn_qs_len(qs); i++) {
 *         product *p = mn_qs_at(qs, i);
 *         ...
 *     }
 *
 * Lookups are Django's strings ("name__icontains", "created_at__year__gte")
 * resolved against the model's fields; a wrong name gives Django's message
 * ("Cannot resolve keyword 'prise' into field. Choices are: ..."). Errors in
 * builder calls are kept in the QuerySet (mn_qs_error) and returned when it
 * is evaluated; builders never return NULL except when the arena is
 * exhausted (and then every later call on NULL returns NULL too, and
 * evaluation reports MN_ENOMEM).
 *
 * Values are always sent as parameters, never spliced into the SQL.
 * QuerySets belong to one thread (their arena's). */
#ifndef MANOUCHE_QUERYSET_H
#define MANOUCHE_QUERYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/db.h"
#include "manouche/model.h"
#include "manouche/value.h"

typedef struct mn_qs mn_qs;
typedef struct mn_q mn_qobj; /* a Q object (the function mn_q makes one) */

/* ---- Q objects (filters combined with |, & and ~) ---- */

/* A condition: lookup = v. Allocated in arena; combinations allocate in the
 * arena of their first operand. NULL only when the arena is exhausted. */
mn_qobj *mn_q(mn_arena *arena, const char *lookup, mn_value v);
mn_qobj *mn_q_and(mn_qobj *a, mn_qobj *b);
mn_qobj *mn_q_or(mn_qobj *a, mn_qobj *b);
mn_qobj *mn_q_not(mn_qobj *a);

/* ---- expressions: F(), arithmetic, aggregates ----
 * Expressions are mn_values (objects of type mn_expr_type) so they go
 * wherever a value does: filters, updates, annotations. */
extern const mn_type mn_expr_type;
/* F("field") */
mn_value mn_f(mn_arena *arena, const char *field);
/* a + b, a - b, a * b, a / b over expressions and plain values. */
mn_value mn_expr_add(mn_arena *arena, mn_value a, mn_value b);
mn_value mn_expr_sub(mn_arena *arena, mn_value a, mn_value b);
mn_value mn_expr_mul(mn_arena *arena, mn_value a, mn_value b);
mn_value mn_expr_div(mn_arena *arena, mn_value a, mn_value b);
/* Aggregates over a field (or "*" for Count). */
mn_value mn_count(mn_arena *arena, const char *field);
mn_value mn_sum(mn_arena *arena, const char *field);
mn_value mn_avg(mn_arena *arena, const char *field);
mn_value mn_max(mn_arena *arena, const char *field);
mn_value mn_min(mn_arena *arena, const char *field);
/* An aggregate over an expression: Sum(F("price") * F("stock")) is
 * mn_agg_of(a, MN_AGG_SUM, mn_expr_mul(a, mn_f(a, "price"), mn_f(a, "stock"))).
 * The result's type follows Django 3.2: a decimal operand gives a decimal. */
typedef enum mn_agg_kind { MN_AGG_COUNT = 0, MN_AGG_SUM, MN_AGG_AVG, MN_AGG_MAX, MN_AGG_MIN } mn_agg_kind;
mn_value mn_agg_of(mn_arena *arena, mn_agg_kind kind, mn_value of);
/* Count("x", distinct=True) and filter=Q(...): modify an aggregate made
 * above and return it. */
mn_value mn_agg_distinct(mn_value agg);
mn_value mn_agg_filter(mn_value agg, mn_qobj *q);

/* ---- building ---- */

/* Model.objects.all(): results and clones live in arena; uses the thread's
 * ORM connection (mn_orm_use) unless mn_qs_using is given one. */
mn_qs *mn_qs_all(mn_model *m, mn_arena *arena);
mn_qs *mn_qs_using(mn_qs *qs, mn_db *db);
mn_qs *mn_qs_filter(mn_qs *qs, const char *lookup, mn_value v);
mn_qs *mn_qs_exclude(mn_qs *qs, const char *lookup, mn_value v);
mn_qs *mn_qs_filter_q(mn_qs *qs, mn_qobj *q);
/* filter(name="Chair", stock__gt=0): (lookup, value) pairs ending with
 * NULL, all of which must hold. */
mn_qs *mn_qs_filter_by(mn_qs *qs, ...);
mn_qs *mn_qs_exclude_q(mn_qs *qs, mn_qobj *q);
/* order_by("-created_at", "name", NULL); "?" orders randomly; no names
 * clears the ordering (also Meta.ordering). */
mn_qs *mn_qs_order_by(mn_qs *qs, ...);
mn_qs *mn_qs_reverse(mn_qs *qs);
/* none(): an empty QuerySet; evaluating it runs no query. */
mn_qs *mn_qs_none(mn_qs *qs);
mn_qs *mn_qs_distinct(mn_qs *qs);
/* qs[start:stop]; stop < 0 means no end. */
mn_qs *mn_qs_slice(mn_qs *qs, int64_t start, int64_t stop);
/* values("name", "price", NULL): rows become maps (no names: every field
 * and annotation). Names may follow relations ("category__name"); over a
 * multi-valued relation ("products__name") there is one row per related
 * row, as in Django (relation.h). */
mn_qs *mn_qs_values(mn_qs *qs, ...);
/* values_list(...): rows become lists; MN_QS_FLAT gives the values
 * themselves (one field only), MN_QS_NAMED maps (named tuples). */
enum { MN_QS_FLAT = 1, MN_QS_NAMED = 2 };
mn_qs *mn_qs_values_list(mn_qs *qs, unsigned flags, ...);
/* dates(field, kind, order): the distinct dates of a DateField or
 * DateTimeField (a relation path may lead to it: "product__created"),
 * each truncated to kind ("year", "month", "week": its Monday, "day") on
 * the current time zone's calendar, null values left out, ordered
 * "ASC" (order NULL) or "DESC". A QuerySet of flat values_list rows
 * (MN_VALUE_DATE); count(), slicing and filter() apply. Errors (recorded
 * in the QuerySet, as Django words them): "'kind' must be one of 'year',
 * 'month', 'week', or 'day'.", "'order' must be either 'ASC' or 'DESC'.",
 * "'name' isn't a DateField, TimeField, or DateTimeField.", an unknown
 * name's "Cannot resolve keyword". Lives in qs's arena; not thread-safe. */
mn_qs *mn_qs_dates(mn_qs *qs, const char *field, const char *kind, const char *order);
/* datetimes(field, kind, order): the same for a DateTimeField, truncated
 * to "year", "month", "week", "day", "hour", "minute" or "second" on the
 * current zone's wall clock; MN_VALUE_DATETIME values in that zone (a
 * truncated time the zone skips or repeats fails, as Django's is_dst=None).
 * Kind error: "'kind' must be one of 'year', 'month', 'week', 'day',
 * 'hour', 'minute', or 'second'."; a DateField: "Cannot truncate DateField
 * 'x' to DateTimeField. ". */
mn_qs *mn_qs_datetimes(mn_qs *qs, const char *field, const char *kind, const char *order);
/* only(...) / defer(...): the other / these fields are not loaded (the
 * primary key always is). They are deferred: the members hold zero until
 * loaded, which mn_obj_get does on access (one query per field, as
 * Django's attribute access); see mn_obj_is_deferred and
 * mn_obj_load_deferred in model.h. */
mn_qs *mn_qs_only(mn_qs *qs, ...);
mn_qs *mn_qs_defer(mn_qs *qs, ...);
/* annotate("name", expr, ..., NULL); read with mn_obj_annotation or as a
 * key of values(). Aggregates group by the model's fields. */
mn_qs *mn_qs_annotate(mn_qs *qs, ...);
/* SELECT ... FOR UPDATE (PostgreSQL; ignored on SQLite, which locks the
 * whole database for a write transaction). */
mn_qs *mn_qs_select_for_update(mn_qs *qs);
/* select_for_update(nowait=, skip_locked=, no_key=, of=(...)): flags
 * (MN_SFU_*), then the `of` names ending with NULL: "self" or paths given
 * to select_related ("category"). On PostgreSQL: FOR [NO KEY] UPDATE
 * [OF "shop_product", "T1"] [NOWAIT | SKIP LOCKED]; a name that is neither
 * gives Django's FieldError message ("Invalid field name(s) given in
 * select_for_update(of=(...)): x. Only relational fields followed in the
 * query are allowed. Choices are: self, category."). NOWAIT with
 * SKIP_LOCKED: MN_EINVAL "The nowait option cannot be used with
 * skip_locked.". Ignored on SQLite, as the plain form. A row NOWAIT finds
 * locked fails the query (MN_ETIMEOUT, PostgreSQL's "could not obtain lock
 * on row ..."). */
enum { MN_SFU_NOWAIT = 1, MN_SFU_SKIP_LOCKED = 2, MN_SFU_NO_KEY = 4 };
mn_qs *mn_qs_select_for_update_opts(mn_qs *qs, unsigned flags, ...);
/* Model.objects.raw(sql, params): a QuerySet of instances built from the
 * columns of sql (by column name; the primary key is required). */
mn_qs *mn_qs_raw(mn_model *m, mn_arena *arena, const char *sql, const mn_value *params, size_t nparams);

/* The first error recorded in qs (code 0 when none; MN_ENOMEM for a NULL
 * qs, which an exhausted arena produces). */
const mn_err *mn_qs_error(const mn_qs *qs);
mn_model *mn_qs_model(const mn_qs *qs);

/* ---- evaluation ---- */

/* Runs the query (once) and caches the results. MN_OK or the error (also
 * kept in qs). */
int mn_qs_eval(mn_qs *qs, mn_err *err);
/* Number of results (evaluates; 0 on error). */
size_t mn_qs_len(mn_qs *qs);
/* Instance i (evaluates), or NULL out of range / on error. */
void *mn_qs_at(mn_qs *qs, size_t i);
/* The instances as an array (evaluates); *n gets their number. */
void **mn_qs_items(mn_qs *qs, size_t *n);
/* values()/values_list() rows as a list of maps, lists or values
 * (evaluates); NULL on error. */
mn_list *mn_qs_rows(mn_qs *qs);
/* The QuerySet as an mn_value (a list of instance objects or rows) for
 * templates, which also read its argument-less methods as Django calls
 * them: all, count, exists, first and last (the last two for instances). */
int mn_qs_to_value(mn_qs *qs, mn_value *out, mn_err *err);

/* count(): SELECT COUNT(*) (or the cached length). Negative code on error. */
int64_t mn_qs_count(mn_qs *qs, mn_err *err);
/* exists(): 1, 0, or a negative code. */
int mn_qs_exists(mn_qs *qs, mn_err *err);
/* get(): the one matching instance; NULL with MN_ENOTFOUND ("Product
 * matching query does not exist.") or MN_EMULTIPLE ("get() returned more
 * than one Product -- it returned 2!") or another error. */
void *mn_qs_get(mn_qs *qs, mn_err *err);
/* first()/last() (ordered by the primary key when unordered): NULL when
 * there is none (err->code stays 0) or on error (err set). */
void *mn_qs_first(mn_qs *qs, mn_err *err);
void *mn_qs_last(mn_qs *qs, mn_err *err);
/* aggregate(err, "total", mn_sum(a, "price"), ..., NULL): a map name ->
 * value (decimals for decimal fields, null on no rows). NULL on error. */
mn_map *mn_qs_aggregate(mn_qs *qs, mn_err *err, ...);
/* in_bulk(ids): a map str(pk) -> instance object; ids NULL: every row; an
 * empty list (ids not NULL, nids 0) gives an empty map without a query.
 * MN_EINVAL on a sliced QuerySet ("Cannot use 'limit' or 'offset' with
 * in_bulk"). */
mn_map *mn_qs_in_bulk(mn_qs *qs, const mn_value *ids, size_t nids, mn_err *err);
/* in_bulk(ids, field_name=...): the same keyed by str(field value); the
 * field must be unique (MN_EINVAL "in_bulk()'s field_name must be a unique
 * field but 'name' isn't."). field_name NULL or "pk": the primary key. */
mn_map *mn_qs_in_bulk_field(mn_qs *qs, const char *field_name, const mn_value *ids, size_t nids, mn_err *err);
/* explain(): the database's plan as text (in the qs arena): each row's
 * columns joined by spaces, rows by newlines, as Django's (SQLite's
 * "2 0 0 SCAN shop_product"). */
const char *mn_qs_explain(mn_qs *qs, mn_err *err);
/* explain(format=..., analyze=True, ...): format NULL or "json", "text",
 * "xml", "yaml" (any case; PostgreSQL, which returns the plan in it: JSON
 * as text, where Django returns the decoded list's repr), then (name, int)
 * pairs ending with NULL: PostgreSQL's analyze, buffers, costs, settings,
 * summary, timing, verbose, wal, each true or false:
 *     mn_qs_explain_opts(qs, &err, "json", "analyze", 1, "costs", 0, NULL)
 * Names are checked before they reach the SQL. MN_EINVAL with Django's
 * messages: "XML is not a recognized format." (SQLite has none; PostgreSQL
 * adds " Allowed formats: JSON, TEXT, XML, YAML"), "Unknown options:
 * bogus, zz" (sorted, as given; SQLite takes none). analyze runs the query. */
const char *mn_qs_explain_opts(mn_qs *qs, mn_err *err, const char *format, ...);
/* str(qs.query): the SELECT with %s placeholders; *params (may be NULL)
 * receives the parameters. In the qs arena. */
const char *mn_qs_sql(mn_qs *qs, mn_list **params, mn_err *err);

/* iterator(chunk_size): fetches chunk_size rows at a time (0: 2,000); each
 * instance lives until the next chunk is fetched (in the iterator's own
 * arena), so memory stays bounded whatever the number of rows. On
 * PostgreSQL the query runs once through a server-side cursor (see
 * mn_db_cursor_open: WITH HOLD outside a transaction, as Django's) and each
 * chunk is a FETCH; on SQLite each chunk is a query of its own, paged by
 * primary key when the QuerySet is unordered, else by OFFSET. */
typedef struct mn_qs_iter mn_qs_iter;
mn_qs_iter *mn_qs_iterator(mn_qs *qs, size_t chunk_size);
/* The next instance, or NULL at the end (err->code 0) or on error. */
void *mn_qs_iter_next(mn_qs_iter *it, mn_err *err);
/* Closes the server-side cursor if one is still open and frees the
 * iterator's arena. Call it before the connection closes. NULL is
 * allowed. */
void mn_qs_iter_close(mn_qs_iter *it);
/* Bytes the iterator holds for its current chunk (its arena's size). */
size_t mn_qs_iter_memory(const mn_qs_iter *it);

/* ---- writing ---- */

/* update(err, "stock", mn_expr_sub(a, mn_f(a, "stock"), mn_value_int(1)), ..., NULL):
 * one UPDATE; returns the rows matched, or a negative code. */
int64_t mn_qs_update(mn_qs *qs, mn_err *err, ...);
/* delete(): deletes the rows; when relations point at the model or someone
 * listens to pre/post_delete, through the deletion collector (on_delete
 * followed, signals for every object, one transaction), else with one
 * DELETE. Returns the total; *per_model (may be NULL) gets
 * {"shop.Product": n, "shop.Review": m} (models with rows deleted) in the qs
 * arena. Negative code on error (MN_EPERM: PROTECT/RESTRICT). */
int64_t mn_qs_delete(mn_qs *qs, mn_map **per_model, mn_err *err);
/* bulk_create(objs, batch_size): INSERTs in batches (0: one batch, or as
 * many rows as the backend's parameter limit allows), filling each primary
 * key. No save signals, as in Django. Returns MN_OK or the error (the
 * batches run in one transaction). db NULL: mn_orm_db(). */
int mn_model_bulk_create(mn_model *m, void *const *objs, size_t n, size_t batch_size, mn_db *db, mn_err *err);
/* bulk_create(..., ignore_conflicts=True) with MN_BULK_IGNORE_CONFLICTS:
 * rows that break a unique or other constraint are skipped (INSERT OR
 * IGNORE on SQLite, ON CONFLICT DO NOTHING on PostgreSQL) and, as in
 * Django, new primary keys are left unset (0). flags 0 is
 * mn_model_bulk_create. */
enum { MN_BULK_IGNORE_CONFLICTS = 1 };
int mn_model_bulk_create_opts(mn_model *m, void *const *objs, size_t n, size_t batch_size, unsigned flags, mn_db *db,
                              mn_err *err);
/* bulk_update(objs, fields, batch_size): UPDATE ... SET f = CASE pk WHEN ..
 * per batch. Returns rows updated or a negative code. */
int64_t mn_model_bulk_update(mn_model *m, void *const *objs, size_t n, const char *const *fields, size_t batch_size,
                             mn_db *db, mn_err *err);
/* get_or_create(defaults): get() with the QuerySet's exact filters, or
 * create an instance from them plus the (name, value, ..., NULL) defaults.
 * *created tells which. NULL with err on failure. */
void *mn_qs_get_or_create(mn_qs *qs, bool *created, mn_err *err, ...);
/* update_or_create(defaults): updates the match with the defaults and
 * saves it, or creates it. */
void *mn_qs_update_or_create(mn_qs *qs, bool *created, mn_err *err, ...);

#endif
