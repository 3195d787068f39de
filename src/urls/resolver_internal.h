/* Private to src/urls: the compiled form of URL patterns. */
#ifndef MN_RESOLVER_INTERNAL_H
#define MN_RESOLVER_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include "manouche/urls.h"

typedef struct mn_level mn_level;

typedef struct mn_node {
    const mn_url_pattern *pat;
    const char *regex_text; /* Python-syntax regex, as Django shows it */
    pcre2_code *re;
    bool is_regex;
    /* A path() route without parameters: its regex matches exactly the
     * route's text (the whole path for an endpoint, a prefix for an
     * include), so resolving compares bytes instead of running PCRE2. */
    bool literal;
    mn_str prefix; /* literal prefix for the index */
    /* converters of path() parameters */
    const char **conv_names;
    const mn_url_converter **convs;
    size_t nconv;
    /* includes */
    mn_level *sub;
    const char *app_name;
    const char *namespace;
} mn_node;

typedef struct mn_bucket {
    mn_str key;
    uint32_t *items;
    uint32_t n;
} mn_bucket;

struct mn_level {
    const mn_urlconf *conf;
    mn_node *nodes;
    size_t n;
    mn_bucket *buckets;
    size_t nbuckets;
    uint32_t *generic;
    size_t ngeneric;
};

typedef struct mn_rev_scope mn_rev_scope;

struct mn_resolver {
    mn_arena *arena;
    mn_level root;
    uint32_t max_groups;
    size_t nendpoints;
    mn_rev_scope *rev_root;
    pcre2_match_context *mctx; /* bounds backtracking on hostile paths */
};

/* A Python-syntax regex in PCRE2's syntax, in a (resolver.c). NULL when
 * out of memory. */
char *mn__python_to_pcre(mn_arena *a, const char *rx);

/* Builds the reverse tables (reverse.c). */
int mn__reverse_build(mn_resolver *r, mn_err *err);

/* Logs (warning, logger manouche.urls) a regex match that failed with an
 * error other than no-match, e.g. PCRE2's match limit. */
void mn__urls_log_match_failure(int rc, const char *regex, mn_str text);

#endif
