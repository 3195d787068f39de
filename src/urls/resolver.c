/* URL resolver: compiling pattern lists and resolving paths. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/log.h"
#include "manouche/urls.h"
#include "resolver_internal.h"
#include "urls_internal.h"

/* ---- compiling routes to regexes (Django's _route_to_regex) ---- */

static bool is_identifier(mn_str s)
{
    if (s.len == 0 || (s.ptr[0] >= '0' && s.ptr[0] <= '9'))
        return false;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80))
            return false;
    }
    return true;
}

/* Python's re.escape: escapes every character that is special in a regex. */
static void regex_escape(mn_buf *b, mn_str s)
{
    static const char special[] = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c && strchr(special, c))
            mn_buf_putc(b, '\\');
        mn_buf_putc(b, c);
    }
}

static int route_to_regex(mn_arena *a, const char *route, bool endpoint, mn_node *node, mn_err *err)
{
    mn_buf re;
    mn_buf_init(&re, a, 0);
    mn_buf_putc(&re, '^');
    mn_str r = mn_str_from(route);
    size_t pos = 0;
    size_t nconv = 0;
    node->conv_names = mn_arena_calloc(a, r.len / 3 + 1, sizeof(char *));
    node->convs = mn_arena_calloc(a, r.len / 3 + 1, sizeof(mn_url_converter *));
    if (!node->conv_names || !node->convs)
        return mn_err_set(err, MN_ENOMEM, "out of memory compiling URL route '%s'", route);
    while (pos < r.len) {
        ptrdiff_t lt = mn_str_find_char(r, '<', pos);
        ptrdiff_t gt = lt < 0 ? -1 : mn_str_find_char(r, '>', (size_t)lt);
        if (lt < 0 || gt < 0) {
            regex_escape(&re, mn_str_slice(r, pos, r.len));
            break;
        }
        mn_str inner = mn_str_slice(r, (size_t)lt + 1, (size_t)gt);
        regex_escape(&re, mn_str_slice(r, pos, (size_t)lt));
        mn_str conv_name = MN_STR("str"), param = inner;
        ptrdiff_t colon = mn_str_find_char(inner, ':', 0);
        if (colon >= 0) {
            conv_name = mn_str_slice(inner, 0, (size_t)colon);
            param = mn_str_slice(inner, (size_t)colon + 1, inner.len);
        }
        if (!is_identifier(param))
            return mn_err_set(err, MN_EINVAL,
                              "URL route '%s' uses parameter name '%.*s' which isn't a valid Python identifier.",
                              route, MN_STR_FMT(param));
        const mn_url_converter *conv = mn__url_converter_find(conv_name);
        if (!conv)
            return mn_err_set(err, MN_EINVAL, "URL route '%s' uses invalid converter '%.*s'.", route,
                              MN_STR_FMT(conv_name));
        node->conv_names[nconv] = mn_str_dup(a, param);
        node->convs[nconv] = conv;
        nconv++;
        mn_buf_printf(&re, "(?P<%.*s>%s)", MN_STR_FMT(param), conv->regex);
        pos = (size_t)gt + 1;
    }
    if (endpoint)
        mn_buf_puts(&re, "\\Z");
    if (mn_buf_error(&re))
        return mn_err_set(err, MN_ENOMEM, "out of memory compiling URL route '%s'", route);
    node->nconv = nconv;
    node->regex_text = mn_buf_cstr(&re);
    return MN_OK;
}

static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

static bool hex_run(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_hex(p[i]))
            return false;
    return true;
}

/* Python regex syntax to PCRE2's: \Z is \z (PCRE2's \Z also matches before a
 * final newline, Python's does not); \uXXXX and \UXXXXXXXX are \x{...};
 * {,n} and {,} are {0,n} and {0,} (PCRE2 10.42 reads them literally). */
char *mn__python_to_pcre(mn_arena *a, const char *rx)
{
    mn_buf b;
    mn_buf_init(&b, a, 0);
    bool in_class = false;
    for (const char *p = rx; *p; p++) {
        if (p[0] == '\\' && p[1]) {
            if (p[1] == 'u' && hex_run(p + 2, 4)) {
                mn_buf_printf(&b, "\\x{%.4s}", p + 2);
                p += 5;
            } else if (p[1] == 'U' && hex_run(p + 2, 8)) {
                mn_buf_printf(&b, "\\x{%.8s}", p + 2);
                p += 9;
            } else {
                mn_buf_putc(&b, '\\');
                mn_buf_putc(&b, p[1] == 'Z' && !in_class ? 'z' : p[1]);
                p++;
            }
            continue;
        }
        if (in_class) {
            if (*p == ']')
                in_class = false;
        } else if (*p == '[') {
            in_class = true;
            mn_buf_putc(&b, *p);
            /* A ']' right after '[' or '[^' is a member, not the end. */
            if (p[1] == '^')
                mn_buf_putc(&b, *++p);
            if (p[1] == ']')
                mn_buf_putc(&b, *++p);
            continue;
        } else if (p[0] == '{' && p[1] == ',') {
            size_t d = strspn(p + 2, "0123456789");
            if (p[2 + d] == '}') {
                mn_buf_puts(&b, "{0");
                continue;
            }
        }
        mn_buf_putc(&b, *p);
    }
    return mn_buf_error(&b) ? NULL : (char *)mn_buf_cstr(&b);
}

static void free_code(void *p) { pcre2_code_free(p); }
static void free_mctx(void *p) { pcre2_match_context_free(p); }

static int compile_regex(mn_resolver *r, const char *text, uint32_t options, pcre2_code **out, mn_err *err,
                         const char *what)
{
    char *pat = mn__python_to_pcre(r->arena, text);
    if (!pat)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP | options, &ec, &eo,
                                      NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return mn_err_set(err, MN_EINVAL, "Your URL pattern '%s' is not a valid regular expression: %s at position %zu",
                          what, (const char *)msg, (size_t)eo);
    }
    if (mn_arena_on_cleanup(r->arena, free_code, code)) {
        pcre2_code_free(code);
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter if JIT is unavailable */
    uint32_t groups = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (groups + 1 > r->max_groups)
        r->max_groups = groups + 1;
    *out = code;
    return MN_OK;
}

/* The literal text a pattern's matches must start with, for the index:
 * route text up to the first '<' for path(), and for a regex anchored with
 * '^' its plain characters up to the first special one. Patterns whose
 * prefix has no '/' go to the level's generic list. */
static mn_str literal_prefix(mn_arena *a, const mn_url_pattern *p, bool is_regex)
{
    const char *s = p->route;
    if (!is_regex) {
        const char *lt = strchr(s, '<');
        return mn_str_make(s, lt ? (size_t)(lt - s) : strlen(s));
    }
    if (s[0] != '^' || strchr(s, '|'))
        return MN_STR_EMPTY;
    mn_buf b;
    mn_buf_init(&b, a, 0);
    for (const char *q = s + 1; *q; q++) {
        char c = *q;
        char lit;
        size_t adv = 0;
        if (c == '\\' && q[1] && strchr("./-_~:@!,;=&%", q[1])) {
            lit = q[1];
            adv = 1;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
                   c == '-' || c == '_' || c == '~' || c == ':' || c == '@' || c == '!' || c == ',' ||
                   c == ';' || c == '=' || c == '&' || c == '%') {
            lit = c;
        } else {
            break;
        }
        /* A quantifier after this character makes it optional or repeated. */
        char next = q[adv + 1];
        if (next == '?' || next == '*' || next == '{')
            break;
        mn_buf_putc(&b, lit);
        if (next == '+')
            break;
        q += adv;
    }
    return mn_buf_error(&b) ? MN_STR_EMPTY : mn_buf_str(&b);
}

static int index_level(mn_resolver *r, mn_level *lv, mn_err *err)
{
    /* Bucket by the prefix's first segment (up to and including '/'). */
    size_t cap = 16;
    while (cap < lv->n * 2)
        cap *= 2;
    lv->buckets = mn_arena_calloc(r->arena, cap, sizeof *lv->buckets);
    lv->generic = mn_arena_alloc(r->arena, (lv->n + 1) * sizeof(uint32_t));
    if (!lv->buckets || !lv->generic)
        return mn_err_set(err, MN_ENOMEM, "out of memory indexing URL patterns");
    lv->nbuckets = cap;
    lv->ngeneric = 0;
    for (size_t i = 0; i < lv->n; i++) {
        mn_str pre = lv->nodes[i].prefix;
        ptrdiff_t slash = mn_str_find_char(pre, '/', 0);
        if (slash < 0) {
            lv->generic[lv->ngeneric++] = (uint32_t)i;
            continue;
        }
        mn_str key = mn_str_slice(pre, 0, (size_t)slash + 1);
        size_t slot = (size_t)mn_str_hash(key) & (cap - 1);
        while (lv->buckets[slot].items && !mn_str_eq(lv->buckets[slot].key, key))
            slot = (slot + 1) & (cap - 1);
        mn_bucket *bk = &lv->buckets[slot];
        if (!bk->items) {
            bk->key = key;
            bk->items = mn_arena_alloc(r->arena, (lv->n + 1) * sizeof(uint32_t));
            if (!bk->items)
                return mn_err_set(err, MN_ENOMEM, "out of memory indexing URL patterns");
        }
        bk->items[bk->n++] = (uint32_t)i;
    }
    return MN_OK;
}

static int compile_level(mn_resolver *r, const mn_urlconf *conf, mn_level *lv, int depth, mn_err *err);

static int compile_node(mn_resolver *r, const mn_url_pattern *p, mn_node *node, int depth, mn_err *err)
{
    node->pat = p;
    bool is_regex = p->kind == MN_URL_RE_PATH || (p->kind == MN_URL_INCLUDE && p->ctx == (void *)1);
    bool endpoint = p->kind != MN_URL_INCLUDE;
    node->is_regex = is_regex;
    if (!p->route)
        return mn_err_set(err, MN_EINVAL, "a URL pattern has no route");
    if (endpoint && !p->view)
        return mn_err_set(err, MN_EINVAL, "URL pattern '%s' has no view", p->route);
    if (is_regex) {
        node->regex_text = p->route;
    } else {
        int rc = route_to_regex(r->arena, p->route, endpoint, node, err);
        if (rc)
            return rc;
    }
    /* Django 3.2.10+: an endpoint regex ending in '$' must match the whole
     * path (fullmatch), so '$' cannot stop before a trailing newline. */
    size_t tl = strlen(node->regex_text);
    uint32_t options = is_regex && endpoint && tl && node->regex_text[tl - 1] == '$'
                           ? PCRE2_ANCHORED | PCRE2_ENDANCHORED
                           : 0;
    int rc = compile_regex(r, node->regex_text, options, &node->re, err, node->regex_text);
    if (rc)
        return rc;
    node->prefix = literal_prefix(r->arena, p, is_regex);
    node->literal = !is_regex && !strchr(p->route, '<');
    if (p->kind == MN_URL_INCLUDE) {
        if (!p->include || !p->include->patterns)
            return mn_err_set(err, MN_EINVAL, "include('%s') has no URL configuration", p->route);
        if (p->namespace && !p->include->app_name)
            return mn_err_set(err, MN_EINVAL,
                              "Specifying a namespace in include() without providing an app_name is not supported. "
                              "Set the app_name attribute in the included module, or pass a 2-tuple containing "
                              "the list of patterns and app_name instead. (include('%s'))",
                              p->route);
        node->sub = mn_arena_calloc(r->arena, 1, sizeof *node->sub);
        if (!node->sub)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        node->app_name = p->include->app_name;
        node->namespace = p->namespace ? p->namespace : p->include->app_name;
        rc = compile_level(r, p->include, node->sub, depth + 1, err);
        if (rc)
            return mn_err_prefix(err, "in include('%s'): ", p->route);
    } else {
        r->nendpoints++;
    }
    return MN_OK;
}

static int compile_level(mn_resolver *r, const mn_urlconf *conf, mn_level *lv, int depth, mn_err *err)
{
    if (depth > 32)
        return mn_err_set(err, MN_ELIMIT, "URL includes nest more than 32 deep (an include cycle?)");
    size_t n = 0;
    while (conf->patterns[n].kind != MN_URL_NONE)
        n++;
    lv->conf = conf;
    lv->n = n;
    lv->nodes = mn_arena_calloc(r->arena, n ? n : 1, sizeof(mn_node));
    if (!lv->nodes)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int rc = compile_node(r, &conf->patterns[i], &lv->nodes[i], depth, err);
        if (rc)
            return rc;
    }
    return index_level(r, lv, err);
}

/* Per-thread match data large enough for every pattern. */
static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static void holder_free(void *p);
static void md_init(void) { pthread_key_create(&md_key, holder_free); }

typedef struct md_holder {
    pcre2_match_data *md;
    uint32_t size;
    pcre2_jit_stack *jit_stack;
} md_holder;

static void holder_free(void *p)
{
    md_holder *h = p;
    pcre2_match_data_free(h->md);
    pcre2_jit_stack_free(h->jit_stack);
    free(h);
}

/* JIT's default stack (32 KiB) would make legitimate patterns such as
 * ^((a|b)/)+$ fail on a path of a couple of kilobytes, far below the match
 * limit. Each thread gets a stack that grows up to 4 MiB, handed to PCRE2
 * through the shared match context's callback. NULL (out of memory) makes
 * PCRE2 fall back to its default stack. */
#define JIT_STACK_MAX ((size_t)4 << 20)

static pcre2_jit_stack *thread_jit_stack(void *unused)
{
    (void)unused;
    md_holder *h = pthread_getspecific(md_key);
    if (!h)
        return NULL;
    if (!h->jit_stack)
        h->jit_stack = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
    return h->jit_stack;
}

static pcre2_match_data *thread_match_data(uint32_t groups)
{
    pthread_once(&md_once, md_init);
    md_holder *h = pthread_getspecific(md_key);
    if (h && h->size >= groups)
        return h->md;
    if (!h) {
        h = calloc(1, sizeof *h);
        if (!h)
            return NULL;
    }
    pcre2_match_data *md = pcre2_match_data_create(groups, NULL);
    if (!md) {
        if (!h->md)
            free(h);
        return NULL;
    }
    pcre2_match_data_free(h->md);
    h->md = md;
    h->size = groups;
    pthread_setspecific(md_key, h);
    return md;
}

mn_resolver *mn_resolver_new(const mn_urlconf *root, mn_err *err)
{
    pthread_once(&md_once, md_init);
    if (!root || !root->patterns) {
        mn_err_set(err, MN_EINVAL, "the root URL configuration has no patterns");
        return NULL;
    }
    mn_arena *a = mn_arena_new("urls", 0);
    if (!a) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_resolver *r = mn_arena_calloc(a, 1, sizeof *r);
    if (!r) {
        mn_arena_free(a);
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    r->arena = a;
    r->max_groups = 1;
    r->mctx = pcre2_match_context_create(NULL);
    if (!r->mctx || mn_arena_on_cleanup(a, free_mctx, r->mctx)) {
        pcre2_match_context_free(r->mctx);
        mn_arena_free(a);
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    /* A pattern like ^(a+)+$ must not let a crafted path burn the CPU:
     * past these limits the pattern simply does not match. */
    pcre2_set_match_limit(r->mctx, 200000);
    pcre2_set_depth_limit(r->mctx, 10000);
    pcre2_jit_stack_assign(r->mctx, thread_jit_stack, NULL);
    if (compile_level(r, root, &r->root, 0, err) || mn__reverse_build(r, err)) {
        mn_arena_free(a);
        return NULL;
    }
    return r;
}

void mn_resolver_free(mn_resolver *r)
{
    if (r)
        mn_arena_free(r->arena);
}

size_t mn_resolver_count(const mn_resolver *r) { return r->nendpoints; }

/* ---- resolving ---- */

typedef struct partial {
    mn_map *kwargs;
    mn_list *args;
} partial;

static mn_logger urls_log = MN_LOGGER_INIT("manouche.urls");

void mn__urls_log_match_failure(int rc, const char *regex, mn_str text)
{
    /* A pattern that backtracks catastrophically on this path (the match or
     * depth limit was hit): the path does not match it, and the project
     * gets told which pattern to fix instead of a silent 404. */
    PCRE2_UCHAR msg[160];
    if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
        snprintf((char *)msg, sizeof msg, "PCRE2 error %d", rc);
    mn_str shown = text.len > 200 ? mn_str_make(text.ptr, 200) : text;
    mn_log_warning(&urls_log, "URL pattern could not be matched; treated as no match",
                   MN_LOG_STR("pattern", regex ? regex : "?"), MN_LOG_SLICE("path", shown),
                   MN_LOG_STR("reason", (const char *)msg));
}

/* Matches node's regex against text (Python's regex.search semantics: the
 * regexes anchor themselves with '^' when they want to). On a match fills
 * *end and the captures. Returns 1 on match, 0 on no match, <0 on error. */
static int match_node(const mn_resolver *r, const mn_node *node, mn_str text, mn_arena *a, size_t *end, partial *out)
{
    if (node->literal) {
        /* '^' + re.escape(route) (+ '\Z' for an endpoint) matches exactly
         * the route's bytes. (PCRE2 would also refuse a subject that is
         * not UTF-8; such a subject cannot equal the route, nor can
         * anything match its remainder, so the winner is the same.) */
        mn_str lit = node->prefix;
        if (node->pat->kind == MN_URL_INCLUDE ? text.len < lit.len : text.len != lit.len)
            return 0;
        if (lit.len && memcmp(text.ptr, lit.ptr, lit.len))
            return 0;
        *end = lit.len;
        out->kwargs = mn_map_new(a, 0);
        out->args = mn_list_new(a, 0);
        return out->kwargs && out->args ? 1 : MN_ENOMEM;
    }
    pcre2_match_data *md = thread_match_data(r->max_groups);
    if (!md)
        return MN_ENOMEM;
    int rc = pcre2_match(node->re, (PCRE2_SPTR)text.ptr, text.len, 0, 0, md, r->mctx);
    if (rc < 0) {
        if (rc != PCRE2_ERROR_NOMATCH)
            mn__urls_log_match_failure(rc, node->regex_text, text);
        return 0;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    *end = ov[1];
    out->kwargs = mn_map_new(a, 0);
    out->args = mn_list_new(a, 0);
    if (!out->kwargs || !out->args)
        return MN_ENOMEM;
    uint32_t namecount = 0, entry_size = 0, ngroups = 0;
    PCRE2_SPTR table;
    pcre2_pattern_info(node->re, PCRE2_INFO_NAMECOUNT, &namecount);
    pcre2_pattern_info(node->re, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
    pcre2_pattern_info(node->re, PCRE2_INFO_NAMETABLE, &table);
    pcre2_pattern_info(node->re, PCRE2_INFO_CAPTURECOUNT, &ngroups);
    /* Named groups become kwargs, in group order as Python's groupdict
     * (those that did not participate are left out). When the pattern has
     * no named group at all, every group is a positional argument, None
     * (null) for those that did not participate (Django's match.groups()). */
    for (uint32_t g = 1; g <= ngroups; g++) {
        bool unset = g >= (uint32_t)rc || ov[2 * g] == PCRE2_UNSET;
        if (unset && namecount)
            continue;
        if (unset) {
            if (mn_list_push(out->args, mn_value_null()))
                return MN_ENOMEM;
            continue;
        }
        mn_str val = mn_str_make(text.ptr + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
        const char *gname = NULL;
        for (uint32_t i = 0; i < namecount; i++) {
            const unsigned char *e = table + i * entry_size;
            if (((uint32_t)e[0] << 8 | e[1]) == g) {
                gname = (const char *)e + 2;
                break;
            }
        }
        if (!gname) {
            if (mn_list_push(out->args, mn_value_str(mn_str_clone(a, val))))
                return MN_ENOMEM;
            continue;
        }
        mn_value v = mn_value_str(mn_str_clone(a, val));
        for (size_t c = 0; c < node->nconv; c++) {
            if (!strcmp(node->conv_names[c], gname)) {
                if (node->convs[c]->to_value && node->convs[c]->to_value(val, a, &v) != MN_OK)
                    return 0; /* the converter refused: no match */
                break;
            }
        }
        if (mn_map_set(out->kwargs, mn_str_from(gname), v))
            return MN_ENOMEM;
    }
    /* Positional arguments only when the pattern has no named groups. */
    if (namecount)
        out->args = mn_list_new(a, 0);
    if (!out->args)
        return MN_ENOMEM;
    return 1;
}

static const char *join_names(mn_arena *a, const char *outer, const char *inner)
{
    if (!outer || !*outer)
        return inner ? inner : "";
    if (!inner || !*inner)
        return outer;
    return mn_arena_sprintf(a, "%s:%s", outer, inner);
}

static const char *route_text(const mn_node *node) { return node->pat->route; }

static const char *join_route(mn_arena *a, const char *r1, const char *r2)
{
    if (r2[0] == '^')
        r2++;
    return mn_arena_sprintf(a, "%s%s", r1, r2);
}

static int resolve_level(const mn_resolver *r, const mn_level *lv, mn_str path, mn_arena *a, mn_url_match *m);

static int try_node(const mn_resolver *r, const mn_node *node, mn_str path, mn_arena *a, mn_url_match *m)
{
    size_t end;
    partial p;
    int rc = match_node(r, node, path, a, &end, &p);
    if (rc <= 0)
        return rc;
    if (node->pat->kind != MN_URL_INCLUDE) {
        m->view = node->pat->view;
        m->ctx = node->pat->ctx;
        m->args.kwargs = p.kwargs;
        m->args.args = p.args;
        m->url_name = node->pat->name;
        m->app_name = "";
        m->namespace = "";
        m->route = route_text(node);
        return 1;
    }
    mn_url_match sub;
    rc = resolve_level(r, node->sub, mn_str_slice(path, end, path.len), a, &sub);
    if (rc <= 0)
        return rc;
    /* Inner keyword arguments win over outer ones, as in Django. */
    mn_map *kw = p.kwargs;
    for (size_t i = 0; i < mn_map_len(sub.args.kwargs); i++)
        if (mn_map_set(kw, mn_map_key_at(sub.args.kwargs, i), mn_map_value_at(sub.args.kwargs, i)))
            return MN_ENOMEM;
    /* With any keyword argument, the inner match's positional arguments
     * are passed alone; otherwise outer and inner ones are joined. */
    mn_list *args = sub.args.args;
    if (mn_map_len(kw) == 0) {
        args = mn_list_new(a, 0);
        if (!args)
            return MN_ENOMEM;
        for (size_t i = 0; i < mn_list_len(p.args); i++)
            if (mn_list_push(args, mn_list_get(p.args, i)))
                return MN_ENOMEM;
        for (size_t i = 0; i < mn_list_len(sub.args.args); i++)
            if (mn_list_push(args, mn_list_get(sub.args.args, i)))
                return MN_ENOMEM;
    }
    *m = sub;
    m->args.kwargs = kw;
    m->args.args = args;
    m->app_name = join_names(a, node->app_name, sub.app_name);
    m->namespace = join_names(a, node->app_name ? node->namespace : NULL, sub.namespace);
    m->route = join_route(a, route_text(node), sub.route);
    if (!m->app_name || !m->namespace || !m->route)
        return MN_ENOMEM;
    return 1;
}

static int resolve_level(const mn_resolver *r, const mn_level *lv, mn_str path, mn_arena *a, mn_url_match *m)
{
    /* Candidates: the bucket of the path's first segment and the generic
     * list, merged in definition order. */
    const mn_bucket *bk = NULL;
    ptrdiff_t slash = mn_str_find_char(path, '/', 0);
    if (slash >= 0) {
        mn_str key = mn_str_slice(path, 0, (size_t)slash + 1);
        size_t slot = (size_t)mn_str_hash(key) & (lv->nbuckets - 1);
        while (lv->buckets[slot].items) {
            if (mn_str_eq(lv->buckets[slot].key, key)) {
                bk = &lv->buckets[slot];
                break;
            }
            slot = (slot + 1) & (lv->nbuckets - 1);
        }
    }
    size_t i = 0, j = 0, nb = bk ? bk->n : 0;
    while (i < nb || j < lv->ngeneric) {
        uint32_t idx;
        if (j >= lv->ngeneric || (i < nb && bk->items[i] < lv->generic[j]))
            idx = bk->items[i++];
        else
            idx = lv->generic[j++];
        int rc = try_node(r, &lv->nodes[idx], path, a, m);
        if (rc)
            return rc;
    }
    return 0;
}

int mn_resolver_resolve(const mn_resolver *r, mn_str path, mn_arena *arena, mn_url_match *m)
{
    /* The root pattern is '^/' as in Django. */
    if (path.len == 0 || path.ptr[0] != '/')
        return MN_ENOTFOUND;
    memset(m, 0, sizeof *m);
    int rc = resolve_level(r, &r->root, mn_str_slice(path, 1, path.len), arena, m);
    if (rc < 0)
        return rc;
    return rc ? MN_OK : MN_ENOTFOUND;
}

static void describe_level(const mn_level *lv, mn_buf *out, const char *prefix, mn_arena *a)
{
    for (size_t i = 0; i < lv->n; i++) {
        const mn_node *node = &lv->nodes[i];
        const char *route = node->pat->route;
        if (node->pat->kind == MN_URL_INCLUDE) {
            const char *np = mn_arena_sprintf(a, "%s%s ", prefix, route);
            if (np)
                describe_level(node->sub, out, np, a);
            continue;
        }
        mn_buf_printf(out, "%s%s", prefix, route);
        if (node->pat->name)
            mn_buf_printf(out, " [name='%s']", node->pat->name);
        mn_buf_putc(out, '\n');
    }
}

int mn_resolver_describe(const mn_resolver *r, mn_buf *out)
{
    mn_arena *a = mn_arena_new("describe", 0);
    if (!a)
        return MN_ENOMEM;
    describe_level(&r->root, out, "", a);
    mn_arena_free(a);
    return mn_buf_error(out);
}

/* ---- arguments ---- */

mn_value mn_url_arg(const mn_url_args *args, const char *name)
{
    if (!args)
        return mn_value_null();
    return mn_map_get_cstr(args->kwargs, name);
}

int mn_url_arg_int(const mn_url_args *args, const char *name, int64_t *out)
{
    mn_value *v = args ? mn_map_find(args->kwargs, mn_str_from(name)) : NULL;
    if (!v)
        return MN_ENOTFOUND;
    if (v->type == MN_VALUE_INT) {
        *out = v->u.i;
        return MN_OK;
    }
    if (v->type == MN_VALUE_STR && mn_str_to_i64(v->u.s, out) == MN_OK)
        return MN_OK;
    return MN_ETYPE;
}

mn_str mn_url_arg_str(const mn_url_args *args, const char *name, mn_arena *arena)
{
    mn_value *v = args ? mn_map_find(args->kwargs, mn_str_from(name)) : NULL;
    if (!v)
        return MN_STR_EMPTY;
    return mn_value_as_str(*v, arena, NULL);
}
