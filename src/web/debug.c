/* The DEBUG pages: the technical 404 (patterns tried) and the technical 500
 * (request, settings with secrets masked, backtrace), in the spirit of
 * Django's, written by hand. */
#include <ctype.h>
#include <string.h>
#include "manouche/text.h"
#include "web_internal.h"

void mn__html(mn_buf *b, mn_str s)
{
    mn_html_escape(b, s);
}

static void head(mn_buf *b, const char *title_a, mn_str title_b)
{
    mn_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" "
                   "content=\"text/html; charset=utf-8\">\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n"
                   "  <title>");
    mn_buf_puts(b, title_a);
    mn__html(b, title_b);
    mn_buf_puts(b, "</title>\n  <style>\n"
                   "    html * { padding:0; margin:0; }\n"
                   "    body * { padding:10px 20px; }\n"
                   "    body * * { padding:0; }\n"
                   "    body { font:small sans-serif; background:#eee; color:#000; }\n"
                   "    body>div { border-bottom:1px solid #ddd; }\n"
                   "    h1 { font-weight:normal; margin-bottom:.4em; }\n"
                   "    table { border:none; border-collapse: collapse; width:100%; }\n"
                   "    td, th { vertical-align:top; padding:2px 3px; }\n"
                   "    th { width:12em; text-align:right; color:#666; padding-right:.5em; }\n"
                   "    pre { font-size: 100%; white-space: pre-wrap; }\n"
                   "    #summary { background: #ffc; }\n"
                   "    #explanation { background:#eee; border-bottom: 0px none; }\n"
                   "  </style>\n</head>\n<body>\n");
}

static void explanation(mn_buf *b, const char *what)
{
    mn_buf_printf(b, "<div id=\"explanation\">\n  <p>\n    You're seeing this error because you have "
                     "<code>DEBUG = True</code> in your settings. Change that to <code>False</code>, "
                     "and Manouche will display a standard %s page.\n  </p>\n</div>\n</body>\n</html>\n",
                  what);
}

mn_response *mn__technical_404(mn_request *req, mn_site *site, const char *reason)
{
    mn_arena *a = mn_request_arena(req);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_str path = mn_request_path(req);
    head(&b, "Page not found at ", path);
    mn_buf_puts(&b, "<div id=\"summary\">\n  <h1>Page not found <span>(404)</span></h1>\n  <table class=\"meta\">\n"
                    "    <tr><th>Request Method:</th><td>");
    mn__html(&b, mn_request_method(req));
    mn_buf_puts(&b, "</td></tr>\n    <tr><th>Request URL:</th><td>");
    mn__html(&b, mn_request_build_absolute_uri(req, NULL));
    mn_buf_puts(&b, "</td></tr>\n  </table>\n</div>\n<div id=\"info\">\n");
    if (reason && *reason) {
        mn_buf_puts(&b, "  <p>");
        mn__html(&b, mn_str_from(reason));
        mn_buf_puts(&b, "</p>\n");
    } else {
        const char *name = site->cfg.urlconf_name ? site->cfg.urlconf_name : "urls";
        mn_buf_puts(&b, "  <p>Using the URLconf defined in <code>");
        mn__html(&b, mn_str_from(name));
        mn_buf_puts(&b, "</code>, Manouche tried these URL patterns, in this order:</p>\n  <ol>\n");
        mn_buf patterns;
        mn_buf_init(&patterns, a, 0);
        mn_resolver_describe(site->resolver, &patterns);
        mn_str all = mn_buf_str(&patterns), line;
        size_t pos = 0;
        while (all.len && mn_str_next_field(all, '\n', &pos, &line)) {
            if (!line.len)
                continue;
            mn_buf_puts(&b, "    <li>");
            mn__html(&b, line);
            mn_buf_puts(&b, "</li>\n");
        }
        mn_buf_puts(&b, "  </ol>\n  <p>The current path, <code>");
        mn__html(&b, mn_str_slice(path, 1, path.len));
        mn_buf_puts(&b, "</code>, didn't match any of these.</p>\n");
    }
    mn_buf_puts(&b, "</div>\n");
    explanation(&b, "404");
    if (mn_buf_error(&b))
        return NULL;
    return mn_response_static(req, 404, NULL, mn_buf_str(&b));
}

/* Django's HIDDEN_SETTINGS pattern, applied to header names too. */
static bool sensitive(mn_str name)
{
    static const char *const words[] = { "API", "TOKEN", "KEY", "SECRET", "PASS", "SIGNATURE",
                                         "COOKIE", "AUTHORIZATION" };
    char up[128];
    size_t n = name.len < sizeof up - 1 ? name.len : sizeof up - 1;
    for (size_t i = 0; i < n; i++)
        up[i] = (char)toupper((unsigned char)name.ptr[i]);
    up[n] = 0;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(up, words[i]))
            return true;
    return false;
}

mn_response *mn__technical_500(mn_request *req, const char *message)
{
    mn_arena *a = mn_request_arena(req);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_str path = mn_request_path(req);
    head(&b, "Server Error at ", path);
    mn_buf_puts(&b, "<div id=\"summary\">\n  <h1>Server Error at ");
    mn__html(&b, path);
    mn_buf_puts(&b, "</h1>\n  <pre class=\"exception_value\">");
    mn__html(&b, mn_str_from(message));
    mn_buf_puts(&b, "</pre>\n  <table class=\"meta\">\n    <tr><th>Request Method:</th><td>");
    mn__html(&b, mn_request_method(req));
    mn_buf_puts(&b, "</td></tr>\n    <tr><th>Request URL:</th><td>");
    /* Without the query string: its values are shown (masked) below. */
    char *p = mn_str_dup(a, path);
    mn__html(&b, p ? mn_request_build_absolute_uri(req, p) : path);
    mn_buf_puts(&b, "</td></tr>\n    <tr><th>Request ID:</th><td>");
    mn__html(&b, mn_str_from(mn_request_id(req)));
    const mn_url_match *m = mn_request_match(req);
    if (m) {
        mn_buf_puts(&b, "</td></tr>\n    <tr><th>Route:</th><td>");
        mn__html(&b, mn_str_from(m->route));
        if (m->url_name) {
            mn_buf_puts(&b, " [name='");
            mn__html(&b, mn_str_from(m->url_name));
            mn_buf_puts(&b, "']");
        }
    }
    mn_buf_puts(&b, "</td></tr>\n  </table>\n</div>\n");

    mn__web_req *st = mn__web_state(req);
    mn_buf_puts(&b, "<div id=\"traceback\">\n  <h2>Backtrace</h2>\n  <pre>");
    if (st && st->backtrace) {
        for (int i = 0; i < st->backtrace_len; i++) {
            mn__html(&b, mn_str_from(st->backtrace[i]));
            mn_buf_putc(&b, '\n');
        }
    } else {
        mn_buf_puts(&b, "(no backtrace: the failure was not recorded with mn_view_fail)\n");
    }
    mn_buf_puts(&b, "</pre>\n</div>\n<div id=\"requestinfo\">\n  <h2>Request information</h2>\n"
                    "  <h3>Headers</h3>\n  <table>\n");
    size_t nh = 0;
    const mn_header *hs = mn_request_headers(req, &nh);
    for (size_t i = 0; i < nh; i++) {
        mn_buf_puts(&b, "    <tr><th>");
        mn__html(&b, hs[i].name);
        mn_buf_puts(&b, "</th><td><pre>");
        if (sensitive(hs[i].name))
            mn_buf_puts(&b, "********************");
        else
            mn__html(&b, hs[i].value);
        mn_buf_puts(&b, "</pre></td></tr>\n");
    }
    mn_buf_puts(&b, "  </table>\n  <h3>GET</h3>\n  <table>\n");
    const mn_querydict *q = mn_request_query(req);
    for (size_t i = 0; i < mn_querydict_pairs(q); i++) {
        mn_str k, v;
        mn_querydict_pair_at(q, i, &k, &v);
        mn_buf_puts(&b, "    <tr><th>");
        mn__html(&b, k);
        mn_buf_puts(&b, "</th><td><pre>");
        if (sensitive(k))
            mn_buf_puts(&b, "********************");
        else
            mn__html(&b, v);
        mn_buf_puts(&b, "</pre></td></tr>\n");
    }
    mn_buf_puts(&b, "  </table>\n");
    const mn_settings *s = mn_request_settings(req);
    if (s) {
        mn_buf_puts(&b, "  <h3>Settings</h3>\n  <table>\n");
        size_t n = 0;
        const mn_setting_desc *t = mn_settings_table(&n);
        mn_buf val;
        mn_buf_init(&val, a, 0);
        for (size_t i = 0; i < n; i++) {
            mn_buf_reset(&val);
            mn_settings_format_value(s, &t[i], true, &val);
            mn_buf_puts(&b, "    <tr><th>");
            mn__html(&b, mn_str_from(t[i].name));
            mn_buf_puts(&b, "</th><td><pre>");
            mn__html(&b, mn_buf_str(&val));
            mn_buf_puts(&b, "</pre></td></tr>\n");
        }
        mn_buf_puts(&b, "  </table>\n");
    }
    mn_buf_puts(&b, "</div>\n");
    explanation(&b, "500");
    if (mn_buf_error(&b))
        return NULL;
    return mn_response_static(req, 500, NULL, mn_buf_str(&b));
}
