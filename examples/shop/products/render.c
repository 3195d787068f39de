/* The page layout, built with mn_buf and HTML escaping. Templates replace
 * this function with render(request, "base.html", context). */
#include "products/products.h"

mn_response *shop_render_page(mn_request *req, int status, const char *title, mn_str body_html)
{
    const mn_settings *s = mn_request_settings(req);
    const char *static_url = s && s->STATIC_URL ? s->STATIC_URL : "/static/";
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    mn_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    mn_html_escape(&b, mn_str_from(title));
    mn_buf_puts(&b, " | Manouche Shop</title>\n<link rel=\"stylesheet\" href=\"");
    mn_html_escape(&b, mn_str_from(static_url));
    mn_buf_puts(&b, "products/style.css\">\n</head>\n<body>\n<header><a class=\"brand\" href=\"/\">Manouche Shop</a>"
                    "<nav><a href=\"/products/\">Products</a> <a href=\"/api/products/\">API</a></nav></header>\n<main>\n");
    mn_buf_put_str(&b, body_html);
    mn_buf_puts(&b, "</main>\n<footer>Served by Manouche, a web framework in C.</footer>\n</body>\n</html>\n");
    if (mn_buf_error(&b))
        return mn_view_fail(req, "page too large");
    return mn_response_static(req, status, NULL, mn_buf_str(&b));
}
