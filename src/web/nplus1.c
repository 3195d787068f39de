/* N+1 detection: counts SELECT shapes per request through a db observer. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "manouche/db.h"
#include "manouche/nplus1.h"
#include "manouche/str.h"
#include "web_internal.h"
#include "fiber.h"

typedef struct shape {
    uint64_t hash;
    const char *sql;
    const char *relation;
    bool many;
    size_t count;
} shape;

struct mn_nplus1_tracker {
    mn_arena *arena;
    mn_db_observer obs;
    bool active;
    size_t threshold;
    shape *shapes; /* open addressing, cap a power of two */
    size_t n, cap;
    size_t queries;    /* SELECTs */
    size_t statements; /* every statement */
    double seconds;
    mn_nplus1_finding *findings;
};

/* Per request: follow the request's fiber across switches (fiber.h). */
#define pending_relation (mn__fl.nplus1_relation)
#define pending_many (mn__fl.nplus1_many)

void mn_nplus1_lazy_load(const char *relation, bool many)
{
    pending_relation = relation;
    pending_many = many;
}

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static bool is_select(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
        sql++;
    return strncasecmp(sql, "SELECT", 6) == 0;
}

static bool grow(mn_nplus1_tracker *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    shape *s = mn_arena_calloc(t->arena, cap, sizeof *s);
    if (!s)
        return false;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->shapes[i].sql)
            continue;
        size_t j = t->shapes[i].hash & (cap - 1);
        while (s[j].sql)
            j = (j + 1) & (cap - 1);
        s[j] = t->shapes[i];
    }
    t->shapes = s;
    t->cap = cap;
    return true;
}

static void observe(void *udata, const mn_db *db, const char *sql, size_t nparams, double seconds)
{
    mn_nplus1_tracker *t = udata;
    (void)db, (void)nparams;
    const char *relation = pending_relation;
    bool many = pending_many;
    if (!t->active)
        return;
    t->statements++;
    t->seconds += seconds;
    if (!is_select(sql))
        return;
    pending_relation = NULL;
    t->queries++;
    if ((t->n + 1) * 2 > t->cap && !grow(t))
        return;
    uint64_t h = fnv(sql);
    size_t j = h & (t->cap - 1);
    while (t->shapes[j].sql && (t->shapes[j].hash != h || strcmp(t->shapes[j].sql, sql)))
        j = (j + 1) & (t->cap - 1);
    shape *s = &t->shapes[j];
    if (!s->sql) {
        s->sql = mn_arena_strdup(t->arena, sql);
        if (!s->sql)
            return;
        s->hash = h;
        t->n++;
    }
    s->count++;
    if (relation && (!s->relation || strcmp(s->relation, relation))) {
        /* The caller's name only lives during the query. */
        s->relation = mn_arena_strdup(t->arena, relation);
        s->many = many;
    }
}

static void stop_at_cleanup(void *p) { mn_nplus1_stop(p); }

mn_nplus1_tracker *mn_nplus1_start(mn_arena *arena, int64_t threshold)
{
    mn_nplus1_tracker *t = mn_arena_calloc(arena, 1, sizeof *t);
    if (!t)
        return NULL;
    t->arena = arena;
    t->threshold = threshold < 1 ? MN_NPLUS1_DEFAULT_THRESHOLD : (size_t)threshold;
    t->obs.fn = observe;
    t->obs.udata = t;
    if (mn_arena_on_cleanup(arena, stop_at_cleanup, t))
        return NULL;
    t->active = true;
    pending_relation = NULL;
    mn_db_observer_add(&t->obs);
    return t;
}

void mn_nplus1_stop(mn_nplus1_tracker *t)
{
    if (!t || !t->active)
        return;
    t->active = false;
    mn_db_observer_remove(&t->obs);
}

size_t mn_nplus1_queries(const mn_nplus1_tracker *t) { return t ? t->queries : 0; }
size_t mn_nplus1_statements(const mn_nplus1_tracker *t) { return t ? t->statements : 0; }
double mn_nplus1_seconds(const mn_nplus1_tracker *t) { return t ? t->seconds : 0; }

static int by_count(const void *a, const void *b)
{
    const mn_nplus1_finding *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->sql, y->sql);
}

/* The first table named after FROM, without quotes. */
static const char *table_of(mn_arena *a, const char *sql)
{
    const char *p = strstr(sql, " FROM ");
    if (!p)
        return "?";
    p += 6;
    while (*p == ' ' || *p == '(')
        p++;
    char q = *p == '"' || *p == '`' ? *p++ : 0;
    const char *e = p;
    while (*e && (q ? *e != q : (*e != ' ' && *e != ',' && *e != ')')))
        e++;
    char *name = mn_arena_strndup(a, p, (size_t)(e - p));
    return name ? name : "?";
}

size_t mn_nplus1_findings(mn_nplus1_tracker *t, const mn_nplus1_finding **out)
{
    *out = NULL;
    if (!t)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < t->cap; i++)
        n += t->shapes[i].sql && t->shapes[i].count >= t->threshold;
    if (!n)
        return 0;
    mn_nplus1_finding *f = mn_arena_calloc(t->arena, n, sizeof *f);
    if (!f)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < t->cap; i++) {
        shape *s = &t->shapes[i];
        if (!s->sql || s->count < t->threshold)
            continue;
        f[k++] = (mn_nplus1_finding){ .sql = s->sql, .table = table_of(t->arena, s->sql),
                                      .relation = s->relation, .many = s->many, .count = s->count };
    }
    qsort(f, n, sizeof *f, by_count);
    t->findings = f;
    *out = f;
    return n;
}

const char *mn_nplus1_message(mn_nplus1_tracker *t)
{
    const mn_nplus1_finding *f;
    size_t n = mn_nplus1_findings(t, &f);
    if (!n)
        return NULL;
    mn_buf b;
    mn_buf_init(&b, t->arena, 0);
    for (size_t i = 0; i < n; i++) {
        if (i)
            mn_buf_puts(&b, "\n");
        mn_buf_printf(&b, "N+1 queries: %zu runs of one query on \"%s\"", f[i].count, f[i].table);
        if (f[i].relation) {
            const char *dot = strrchr(f[i].relation, '.');
            const char *field = dot ? dot + 1 : f[i].relation;
            mn_buf_printf(&b, " while loading %s lazily, in one request. Load the relation with the list: "
                              ".%s(\"%s\") on the QuerySet.",
                          f[i].relation, f[i].many ? "prefetch_related" : "select_related", field);
        } else {
            mn_buf_puts(&b, ", in one request. If a relation is read for each object of a list, load it "
                            "with the list: select_related() for ForeignKey and OneToOne, "
                            "prefetch_related() for many-to-many and reverse relations.");
        }
        mn_buf_printf(&b, " Query: %s", f[i].sql);
    }
    if (mn_buf_error(&b))
        return NULL;
    return mn_buf_cstr(&b);
}


const char *mn_request_nplus1(const mn_request *req)
{
    mn__web_req *st = mn__web_state(req);
    return st ? st->nplus1_message : NULL;
}
