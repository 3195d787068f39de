/* Manouche: relations between models (Django's ForeignKey objects, reverse
 * managers, ManyToManyField, OneToOneField, select_related and
 * prefetch_related).
 *
 * A ForeignKey member holds the key (`p->category`, an int64_t); the object
 * it points to is read through mn_rel_get, which loads it once and caches
 * it on the instance (select_related and prefetch_related fill the same
 * cache):
 *
 *     category *c = MN_REL(category, p, &product_model, "category", arena, &err);
 *
 * Reverse relations are named as in Django: related_name ("products"), or
 * "<model>_set" (one-to-one: "<model>"). A model's reverse relations are
 * known once the models pointing at it are set up: list the app's models in
 * mn_app.models (or call mn_orm_register at startup); creating a table or
 * running a query sets a model up too.
 *
 *     mn_qs *qs = mn_rel_all(c, &category_model, "products", arena);   // category.products.all()
 *
 * Lookups follow relations anywhere a field name goes: "category__name",
 * "products__price__gte", "tags__name", F("category__name"),
 * mn_count(a, "products"), order_by("category__name").
 *
 * Names given to these functions are accessor names: a ForeignKey or
 * OneToOneField of the model ("category"), a reverse relation ("products",
 * "profile"), a ManyToManyField ("tags") or the reverse of one on the
 * target ("products" given related_name = "products").
 *
 * All functions use the instance's database: the thread's ORM connection
 * (mn_orm_use). Results live in the arena given. Not thread-safe for one
 * instance (the cache is written without a lock), as instances are not. */
#ifndef MANOUCHE_RELATION_H
#define MANOUCHE_RELATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/model.h"
#include "manouche/queryset.h"

/* ---- ManyToManyField ----
 * Declared beside the fields (it has no column and no member):
 *     static const mn_m2m product_m2m[] = {
 *         MN_M2M("tags", tag_model, .related_name = "products"),
 *         MN_M2M_END,
 *     };
 *     mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields,
 *                                       .many_to_many = product_m2m);
 * Without `through`, the ORM makes the through table as Django does:
 * "<table>_<name>" (shop_product_tags) with columns product_id and tag_id
 * (from_product_id / to_product_id when a model points at itself) and a
 * unique pair; mn_model_create_table creates it after the model's table.
 * With `through`, a model of yours holding a ForeignKey to each side (named
 * by through_fields, or found by target) is the table; add, remove, set and
 * create then need its other fields to have defaults.
 * A relation to the model itself is symmetrical by default, as Django's
 * ManyToManyField("self"): add(b) on a's side writes the rows (a, b) and
 * (b, a), remove/clear/set delete both, m2m_changed is sent once (for obj's
 * side), and there is no reverse accessor. .symmetrical = MN_ASYMMETRICAL
 * opts out (Django's symmetrical=False): the reverse accessor
 * ("<model>_set") exists then. Relations to another model are never
 * symmetrical. */
typedef enum mn_m2m_symmetry {
    MN_SYMMETRY_DEFAULT = 0, /* Django's default: symmetrical when the target is the model itself */
    MN_SYMMETRICAL,          /* symmetrical=True */
    MN_ASYMMETRICAL,         /* symmetrical=False */
} mn_m2m_symmetry;

typedef struct mn_m2m {
    const char *name;               /* the accessor and lookup name: "tags" */
    mn_model *to;                   /* the target model */
    const char *related_name;       /* reverse accessor on the target; default "<model>_set"; "+" none */
    const char *related_query_name; /* reverse lookup name; default related_name, else "<model>" */
    mn_model *through;              /* a custom through model; NULL: automatic */
    const char *through_fields[2];  /* custom through: the FK to this model, the FK to the target */
    const char *db_table;           /* automatic through table name; NULL: "<table>_<name>" */
    mn_m2m_symmetry symmetrical;    /* a relation to the model itself: default symmetrical */
} mn_m2m;

#define MN_M2M(field_name, target, ...) { .name = (field_name), .to = &(target), __VA_ARGS__ }
#define MN_M2M_END { .name = NULL }

/* Sets up the models of a NULL-terminated list (their reverse relations and
 * automatic through tables become known). MN_OK or the first model's
 * error. Thread-safe; meant for startup. */
int mn_orm_register(mn_model *const *models, mn_err *err);

/* The through model of a ManyToManyField (automatic or custom): the sender
 * of m2m_changed (Django's Product.tags.through). NULL when m has no such
 * field. Lives for the process. */
mn_model *mn_m2m_through(mn_model *m, const char *name);

/* ---- single objects: forward ForeignKey/OneToOne, reverse OneToOne ----
 * product.category / profile.user / user.profile: the related instance,
 * loaded (in arena) on first access and cached on obj; later calls return
 * the cached instance while the key is unchanged.
 * A NULL key gives NULL with err->code 0 (so does an object a Prefetch
 * queryset left out, as Django gives None). A missing reverse one-to-one gives
 * NULL with MN_ENOTFOUND and Django's RelatedObjectDoesNotExist message
 * ("User has no profile."); a dangling key gives MN_ENOTFOUND ("Category
 * matching query does not exist."). Other errors: MN_EINVAL (unknown or
 * multi-valued name, with Django's choices), database errors. */
void *mn_rel_get(void *obj, mn_model *m, const char *name, mn_arena *arena, mn_err *err);
/* Typed form: MN_REL(category, p, &product_model, "category", arena, &err) */
#define MN_REL(T, obj, m, name, arena, err) ((T *)mn_rel_get((obj), (m), (name), (arena), (err)))
/* product.category = c: sets the key from target's primary key (target
 * NULL: NULL, for a nullable key) and caches target. Not saved. MN_OK,
 * MN_EINVAL (not a forward key, unsaved target, NULL for a non-null key). */
int mn_rel_set(void *obj, mn_model *m, const char *name, void *target, mn_err *err);

/* ---- managers: reverse ForeignKey, ManyToMany (both sides) ---- */

/* category.products.all(): a QuerySet of the related objects (filter,
 * count, order_by... on it as on any QuerySet). When prefetch_related
 * loaded the relation, the QuerySet comes evaluated with those objects
 * (no query); chaining a builder queries again, as in Django. NULL only
 * when the arena is exhausted; a bad name is kept as the QuerySet's error. */
mn_qs *mn_rel_all(void *obj, mn_model *m, const char *name, mn_arena *arena);
/* category.products.create(name=..., ...): (name, value) pairs ending with
 * NULL; the key (or the through row) is filled in. NULL with err. */
void *mn_rel_create(void *obj, mn_model *m, const char *name, mn_arena *arena, mn_err *err, ...);
/* add(*objs): reverse FK: sets each object's key to obj and saves it (one
 * UPDATE); many-to-many: inserts the missing through rows, sending
 * m2m_changed pre_add/post_add with the keys actually added. MN_OK or an
 * error (unsaved objects: MN_EINVAL). */
int mn_rel_add(void *obj, mn_model *m, const char *name, void *const *objs, size_t n, mn_err *err);
/* remove(*objs): reverse FK (nullable key only, else MN_EINVAL as Django
 * has no remove then): sets their key to NULL; many-to-many: deletes the
 * through rows (m2m_changed pre_remove/post_remove). */
int mn_rel_remove(void *obj, mn_model *m, const char *name, void *const *objs, size_t n, mn_err *err);
/* clear(): every related object's key to NULL (nullable reverse FK) or
 * every through row of obj deleted (m2m_changed pre_clear/post_clear). */
int mn_rel_clear(void *obj, mn_model *m, const char *name, mn_err *err);
/* set(objs): removes what is not in objs and adds what is missing. */
int mn_rel_set_all(void *obj, mn_model *m, const char *name, void *const *objs, size_t n, mn_err *err);

/* ---- loading relations with the query ---- */

/* select_related("category", "review__product__category", "profile",
 * NULL): ForeignKey/OneToOne paths (forward, or the reverse side of a
 * one-to-one) loaded by the same query through joins (LEFT OUTER JOIN for
 * nullable keys and reverse one-to-ones, INNER JOIN otherwise) into the
 * accessor cache of each instance: mn_rel_get then runs no query (a missing
 * reverse one-to-one is known too). No names: every non-null forward key,
 * followed down to depth 5 (Django's select_related()). Other names are
 * the QuerySet's error (Django's "Invalid field name(s) given in
 * select_related: ... Choices are: ..."). Ignored by values(). */
mn_qs *mn_qs_select_related(mn_qs *qs, ...);
/* prefetch_related("tags", "products", "products__tags", NULL): after the
 * main query, one query per relation and level (ForeignKey forward, reverse
 * ForeignKey, ManyToMany either side, OneToOne), joined in C into the cache:
 * mn_rel_all/mn_rel_get then run no query. */
mn_qs *mn_qs_prefetch_related(mn_qs *qs, ...);
/* Prefetch("reviews", queryset=Review.objects.filter(rating__gte=4),
 * to_attr="good_reviews"): queryset (may be NULL) filters and orders the
 * related objects (its model must be the relation's, else evaluating qs
 * fails with MN_EINVAL); to_attr (may be NULL) stores them under that name
 * instead of the relation's cache (read them with mn_rel_prefetched).
 * Strings are copied into qs's arena. */
mn_qs *mn_qs_prefetch(mn_qs *qs, const char *lookup, mn_qs *queryset, const char *to_attr);
/* The objects prefetched into obj under name (a to_attr or a relation
 * name): an array of *n instances, or NULL (*n = 0) when nothing was
 * prefetched under that name. Lives as long as the QuerySet's arena. */
void **mn_rel_prefetched(void *obj, mn_model *m, const char *name, size_t *n);

/* ---- deleting ---- */

/* delete() with Django's result: deletes obj and what on_delete cascades
 * to (pre/post_delete for every object, SET_NULL/SET_DEFAULT/SET updates,
 * many-to-many through rows) in one transaction. Returns the number of
 * rows deleted, *per_model (may be NULL) receiving {"shop.Product": n, ...}
 * in arena. MN_EPERM with Django's ProtectedError/RestrictedError message
 * followed by the objects that prevent it; nothing is deleted then. */
int64_t mn_obj_delete_counts(void *obj, mn_model *m, mn_db *db, mn_arena *arena, mn_map **per_model, mn_err *err);

#endif
