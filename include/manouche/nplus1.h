/* Manouche: N+1 query detection (which Django lacks).
 *
 * A page that lists 25 products and shows each one's category runs one
 * query for the products and then, without select_related, one more per
 * product: 26 queries where 1 would do. Manouche notices: while a request
 * is handled in DEBUG (and always under the test client), every SELECT is
 * reduced to its shape (the SQL text with its %s placeholders, which never
 * hold values) and counted; a shape that runs NPLUS1_THRESHOLD times or more
 * (default 5) in one request is reported:
 *
 *   N+1 queries: 25 runs of one query on "products_category" while loading
 *   product.category lazily, in one request. Load the relation with the
 *   list: .select_related("category") on the QuerySet. Query: SELECT ...
 *
 * as a WARNING of the logger "manouche.nplus1", or, with NPLUS1_RAISE,
 * as the request's failure (a 500 whose DEBUG page explains it; the test
 * client reports it in the response). The relations layer names the
 * relation being loaded with mn_nplus1_lazy_load; without it the message
 * names the table and suggests select_related / prefetch_related.
 *
 * In DEBUG the response also gets a Server-Timing header with the number of
 * statements and their time (`db;dur=1.250;desc="7 queries"`), which the
 * browser's developer tools show with the request, as the Debug Toolbar's
 * SQL panel does.
 *
 * Trackers are per thread; all functions are thread-safe in that sense. */
#ifndef MANOUCHE_NPLUS1_H
#define MANOUCHE_NPLUS1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/error.h"

/* The default NPLUS1_THRESHOLD. */
#define MN_NPLUS1_DEFAULT_THRESHOLD 5

/* For the relations layer: call just before a lazy relation load runs its
 * query. relation is "<model>.<field>" in lower case as the user writes it
 * ("product.category", "product.tags", "category.products"); many is true
 * for many-valued relations (reverse foreign keys, many-to-many), whose fix
 * is prefetch_related, false for forward ForeignKey/OneToOne (select_related).
 * The name is copied by the tracker, so it need only live until the query
 * has run. Applies to the next SELECT this thread runs: report it just
 * before the query (mn_nplus1_lazy_load(NULL, false) clears a name whose
 * query did not run). Cheap when no tracker is active. The relation
 * accessors (mn_rel_get, mn_rel_all) report their loads. */
void mn_nplus1_lazy_load(const char *relation, bool many);

typedef struct mn_nplus1_finding {
    const char *sql;      /* the query shape */
    const char *table;    /* the first table after FROM, unquoted */
    const char *relation; /* from mn_nplus1_lazy_load, or NULL */
    bool many;
    size_t count;         /* runs in the request */
} mn_nplus1_finding;

typedef struct mn_nplus1_tracker mn_nplus1_tracker;

/* Starts counting this thread's SELECTs (on any connection) until
 * mn_nplus1_stop or until arena is reset or freed, whichever comes first.
 * threshold below 1 means MN_NPLUS1_DEFAULT_THRESHOLD. Trackers may nest
 * (each counts on its own). NULL when the arena fails. */
mn_nplus1_tracker *mn_nplus1_start(mn_arena *arena, int64_t threshold);
/* Stops counting (idempotent). Findings stay readable. */
void mn_nplus1_stop(mn_nplus1_tracker *t);
/* Shapes that reached the threshold so far, most frequent first: the count
 * and *out (arena array, valid until the next call). */
size_t mn_nplus1_findings(mn_nplus1_tracker *t, const mn_nplus1_finding **out);
/* SELECTs counted so far; every statement (INSERT, BEGIN... too) and
 * their total time in seconds. */
size_t mn_nplus1_queries(const mn_nplus1_tracker *t);
size_t mn_nplus1_statements(const mn_nplus1_tracker *t);
double mn_nplus1_seconds(const mn_nplus1_tracker *t);
/* The explanation of the findings (one paragraph per finding, as shown
 * above) in the tracker's arena, or NULL when there is none. */
const char *mn_nplus1_message(mn_nplus1_tracker *t);

/* What the detection found while req was handled (the message above), or
 * NULL. */
struct mn_request;
const char *mn_request_nplus1(const struct mn_request *req);

#endif
