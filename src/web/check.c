/* System checks of a project (manage check): URL patterns, settings, apps,
 * with Django's ids and messages. */
#include <string.h>
#include "web_internal.h"

static int add(mn_arena *a, mn_check_list *out, mn_check_level level, const char *id,
               const char *msg, const char *hint)
{
    if (!msg)
        return MN_ENOMEM;
    mn_check_message *items =
        mn_arena_realloc(a, out->items, out->len * sizeof *items, (out->len + 1) * sizeof *items);
    if (!items)
        return MN_ENOMEM;
    items[out->len++] = (mn_check_message){ .level = level, .id = id, .msg = msg, .hint = hint };
    out->items = items;
    return MN_OK;
}

/* describe(): "'route' [name='x']" */
static char *describe(mn_arena *a, const mn_url_pattern *p)
{
    if (p->name)
        return mn_arena_sprintf(a, "'%s' [name='%s']", p->route, p->name);
    return mn_arena_sprintf(a, "'%s'", p->route);
}

typedef struct ns_seen {
    const char *names[256];
    size_t n;
    const char *reported[256];
    size_t nr;
} ns_seen;

static int walk(const mn_urlconf *conf, const mn_settings *s, mn_arena *a, mn_check_list *out,
                ns_seen *seen, const char *prefix, int depth)
{
    if (depth > 32)
        return add(a, out, MN_CHECK_ERROR, "urls.E004",
                   "The URL configuration includes itself recursively.", NULL);
    for (const mn_url_pattern *p = conf->patterns; p && p->kind != MN_URL_NONE; p++) {
        const char *route = p->route ? p->route : "";
        bool is_re = p->kind == MN_URL_RE_PATH || (p->kind == MN_URL_INCLUDE && p->ctx);
        bool slash = is_re ? (!strncmp(route, "/", 1) || !strncmp(route, "^/", 2) || !strncmp(route, "^\\/", 3))
                           : route[0] == '/';
        size_t rl = strlen(route);
        if (s->APPEND_SLASH && slash && !(rl && route[rl - 1] == '/')) {
            char *d = describe(a, p);
            if (add(a, out, MN_CHECK_WARNING, "urls.W002",
                    d ? mn_arena_sprintf(a,
                                         "Your URL pattern %s has a route beginning with a '/'. Remove "
                                         "this slash as it is unnecessary. If this pattern is targeted "
                                         "in an include(), ensure the include() pattern has a trailing '/'.",
                                         d)
                      : NULL,
                    NULL))
                return MN_ENOMEM;
        }
        if (!is_re && (strstr(route, "(?P<") || route[0] == '^' || (rl && route[rl - 1] == '$'))) {
            char *d = describe(a, p);
            if (add(a, out, MN_CHECK_WARNING, "2_0.W001",
                    d ? mn_arena_sprintf(a,
                                         "Your URL pattern %s has a route that contains '(?P<', begins "
                                         "with a '^', or ends with a '$'. This was likely an oversight "
                                         "when migrating to django.urls.path().",
                                         d)
                      : NULL,
                    NULL))
                return MN_ENOMEM;
        }
        if (p->name && strchr(p->name, ':')) {
            char *d = describe(a, p);
            if (add(a, out, MN_CHECK_WARNING, "urls.W003",
                    d ? mn_arena_sprintf(a,
                                         "Your URL pattern %s has a name including a ':'. Remove the "
                                         "colon, to avoid ambiguous namespace references.",
                                         d)
                      : NULL,
                    NULL))
                return MN_ENOMEM;
        }
        if (p->kind == MN_URL_INCLUDE && p->include) {
            const char *ns = p->namespace ? p->namespace : p->include->app_name;
            const char *full = NULL;
            if (ns)
                full = *prefix ? mn_arena_sprintf(a, "%s:%s", prefix, ns) : ns;
            if (full) {
                bool dup = false, reported = false;
                for (size_t i = 0; i < seen->n; i++)
                    dup = dup || !strcmp(seen->names[i], full);
                for (size_t i = 0; i < seen->nr; i++)
                    reported = reported || !strcmp(seen->reported[i], full);
                if (dup && !reported) {
                    if (seen->nr < 256)
                        seen->reported[seen->nr++] = full;
                    if (add(a, out, MN_CHECK_WARNING, "urls.W005",
                            mn_arena_sprintf(a,
                                             "URL namespace '%s' isn't unique. You may not be able to "
                                             "reverse all URLs in this namespace",
                                             full),
                            NULL))
                        return MN_ENOMEM;
                } else if (!dup && seen->n < 256) {
                    seen->names[seen->n++] = full;
                }
            }
            int rc = walk(p->include, s, a, out, seen, full ? full : prefix, depth + 1);
            if (rc)
                return rc;
        }
    }
    return MN_OK;
}

int mn_urls_check(const mn_urlconf *root, const mn_settings *s, mn_arena *arena,
                  mn_check_list *out)
{
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(root, &err);
    if (!r)
        return add(arena, out, MN_CHECK_ERROR, "urls.E004", mn_arena_strdup(arena, err.msg), NULL);
    mn_resolver_free(r);
    ns_seen *seen = mn_arena_calloc(arena, 1, sizeof *seen);
    if (!seen)
        return MN_ENOMEM;
    return walk(root, s, arena, out, seen, "", 0);
}

int mn_project_check(const mn_project *p, const mn_settings *s, bool deploy, mn_arena *arena,
                     mn_check_list *out)
{
    int rc = mn_settings_check(s, deploy, arena, out);
    if (rc)
        return rc;
    if (p->urlconf && (rc = mn_urls_check(p->urlconf, s, arena, out)))
        return rc;
    for (size_t i = 0; p->apps && p->apps[i]; i++) {
        const mn_app *app = p->apps[i];
        if (!app->label || !*app->label) {
            if (add(arena, out, MN_CHECK_ERROR, "manouche.E002",
                    mn_arena_sprintf(arena, "The app '%s' has no label.", app->name ? app->name : "?"),
                    NULL))
                return MN_ENOMEM;
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (p->apps[j]->label && !strcmp(p->apps[j]->label, app->label)) {
                if (add(arena, out, MN_CHECK_ERROR, "manouche.E001",
                        mn_arena_sprintf(arena,
                                         "Application labels aren't unique, duplicates: %s",
                                         app->label),
                        NULL))
                    return MN_ENOMEM;
            }
        }
    }
    return MN_OK;
}

bool mn_check_report(const mn_check_list *list, mn_buf *b)
{
    static const struct {
        mn_check_level level;
        const char *title;
    } groups[] = { { MN_CHECK_CRITICAL, "CRITICALS" }, { MN_CHECK_ERROR, "ERRORS" },
                   { MN_CHECK_WARNING, "WARNINGS" }, { MN_CHECK_INFO, "INFOS" },
                   { MN_CHECK_DEBUG, "DEBUGS" } };
    bool serious = false;
    size_t visible = 0;
    for (size_t i = 0; i < list->len; i++) {
        serious = serious || list->items[i].level >= MN_CHECK_ERROR;
        visible++;
    }
    if (!visible) {
        mn_buf_puts(b, "System check identified no issues (0 silenced).\n");
        return false;
    }
    mn_buf_puts(b, serious ? "SystemCheckError: System check identified some issues:\n"
                           : "System check identified some issues:\n");
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        bool header = false;
        for (size_t i = 0; i < list->len; i++) {
            const mn_check_message *m = &list->items[i];
            mn_check_level lv = m->level >= MN_CHECK_CRITICAL ? MN_CHECK_CRITICAL
                              : m->level >= MN_CHECK_ERROR    ? MN_CHECK_ERROR
                              : m->level >= MN_CHECK_WARNING  ? MN_CHECK_WARNING
                              : m->level >= MN_CHECK_INFO     ? MN_CHECK_INFO
                                                              : MN_CHECK_DEBUG;
            if (lv != groups[g].level)
                continue;
            if (!header) {
                mn_buf_printf(b, "\n%s:\n", groups[g].title);
                header = true;
            }
            mn_check_message_format(m, b);
            mn_buf_putc(b, '\n');
        }
    }
    mn_buf_printf(b, "\nSystem check identified %zu issue%s (0 silenced).\n", visible,
                  visible == 1 ? "" : "s");
    return serious;
}
