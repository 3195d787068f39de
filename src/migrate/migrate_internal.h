/* Private to src/migrate. */
#ifndef MN_MIGRATE_INTERNAL_H
#define MN_MIGRATE_INTERNAL_H

#include "manouche/migrate.h"

/* Lowercased copy in a. */
char *mn__mig_lower(mn_arena *a, const char *s);
/* strcmp equality where NULL equals only NULL. */
bool mn__mig_streq(const char *a, const char *b);
size_t mn__mig_names_len(const char *const *n);
bool mn__mig_names_eq(const char *const *a, const char *const *b);
bool mn__mig_conds_eq(const mn_cond *a, const mn_cond *b);
/* Q trees equal in meaning of structure (an AND of one is its argument;
 * NULL equals only NULL). */
bool mn__mig_qc_eq(const mn_qc *a, const mn_qc *b);
/* A copy of m with its own field, index and constraint arrays. */
mn_mig_model *mn__mig_model_copy(mn_arena *a, const mn_mig_model *m);
/* Django's Index.set_name_with_model. */
const char *mn__mig_auto_index_name(mn_arena *a, const char *table, const char *const *fields);
/* Hex MD5 of the concatenated parts (Django's names_digest). */
void mn__mig_md5_hex(const char *const *parts, size_t n, char out[33]);
/* Kinds that are a relation column ("<name>_id"). */
static inline bool mn__mig_is_fk(mn_field_kind k) { return k == MN_KIND_FOREIGNKEY; }
/* Fields that are a column of the model's table (not ManyToManyFields). */
static inline bool mn__mig_has_column(const mn_mig_field *f) { return f->kind != MN_MIG_KIND_M2M; }
/* Django's class name of a field ("CharField", "OneToOneField", "ManyToManyField"). */
const char *mn__mig_type_name(const mn_mig_field *f);
/* The state of the automatic through table of ManyToManyField f of m, in a. */
mn_mig_model *mn__mig_through_model(mn_arena *a, const mn_mig_model *m, const mn_mig_field *f);
/* The ORM's Django class name of a kind ("CharField"). */
const char *mn__kind_name(mn_field_kind k);
/* The kind's default max_length (0: none). */
int mn__mig_default_max_length(mn_field_kind k);
/* Whether the kind gets an index by default (SlugField, ForeignKey). */
bool mn__mig_default_db_index(mn_field_kind k);

#endif
