/* The DEBUG welcome page of a new project (Django's default_urlconf view):
 * shown instead of the technical 404 while the root URLconf is empty, or
 * holds only the admin and "/" is asked for. */
#include <string.h>
#include "manouche.h"
#include "web_internal.h"

bool mn__welcome_applies(const mn_site *site, mn_str path)
{
    const mn_urlconf *root = site->cfg.urlconf;
    if (!root || !root->patterns || root->patterns[0].kind == MN_URL_NONE)
        return true;
    if (!mn_str_eq(path, MN_STR("/")) || root->patterns[1].kind != MN_URL_NONE)
        return false;
    const mn_url_pattern *only = &root->patterns[0];
    if (only->kind != MN_URL_INCLUDE || !only->include)
        return false;
    const char *app = only->include->app_name ? only->include->app_name : "";
    const char *ns = only->namespace ? only->namespace : app;
    return !strcmp(app, "admin") && !strcmp(ns, "admin");
}

static const char welcome_html[] =
    "<!doctype html>\n"
    "<html lang=\"en-us\">\n"
    "<head>\n"
    "  <meta charset=\"utf-8\">\n"
    "  <title>The install worked successfully! Congratulations!</title>\n"
    "  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "  <style>\n"
    "    html { line-height: 1.15; }\n"
    "    body { max-width: 960px; margin: 0 auto; padding: 0 1.5rem; font-family: system-ui, -apple-system,\n"
    "           'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #222; }\n"
    "    header { display: flex; justify-content: space-between; align-items: center;\n"
    "             border-bottom: 1px solid #efefef; padding: 1rem 0; }\n"
    "    .logo { font-weight: 700; font-size: 1.4rem; color: #7a2e1f; }\n"
    "    main { text-align: center; padding: 4rem 0; }\n"
    "    h1 { font-size: 1.4rem; margin: 1.5rem 0 .5rem; }\n"
    "    p { color: #555; line-height: 1.5; }\n"
    "    code { background: #f4f4f4; padding: .1rem .3rem; border-radius: 3px; }\n"
    "    .rocket { font-size: 4rem; }\n"
    "    footer { border-top: 1px solid #efefef; padding: 1.5rem 0; display: grid;\n"
    "             grid-template-columns: repeat(3, 1fr); gap: 1rem; font-size: .95rem; }\n"
    "    footer h2 { font-size: 1rem; margin: 0 0 .3rem; }\n"
    "  </style>\n"
    "</head>\n"
    "<body>\n"
    "  <header>\n"
    "    <span class=\"logo\">manouche</span>\n"
    "    <span>Manouche " MN_VERSION "</span>\n"
    "  </header>\n"
    "  <main>\n"
    "    <div class=\"rocket\" aria-hidden=\"true\">&#x1F680;</div>\n"
    "    <h1>The install worked successfully! Congratulations!</h1>\n"
    "    <p>You are seeing this page because <code>DEBUG = true</code> is in your settings and you\n"
    "       have not configured any URLs.</p>\n"
    "  </main>\n"
    "  <footer>\n"
    "    <div><h2>Add an app</h2><p><code>./manage startapp blog</code> writes one and tells you the\n"
    "      two lines that install it.</p></div>\n"
    "    <div><h2>Route a URL</h2><p>Add <code>MN_PATH(\"\", view, \"home\")</code> or an app's\n"
    "      <code>MN_INCLUDE</code> to the root URLconf in <code>urls.c</code>.</p></div>\n"
    "    <div><h2>Read the guide</h2><p><code>docs/project.md</code> and\n"
    "      <code>docs/management-commands.md</code> in the Manouche sources.</p></div>\n"
    "  </footer>\n"
    "</body>\n"
    "</html>\n";

mn_response *mn__welcome(mn_request *req)
{
    return mn_response_static(req, 200, "text/html; charset=utf-8",
                              (mn_str){ welcome_html, sizeof welcome_html - 1 });
}
