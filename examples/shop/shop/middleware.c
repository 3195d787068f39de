/* middleware.py: the guide's RequestLoggingMiddleware and
 * CustomHeaderMiddleware. */
#include "shop/shop.h"

static mn_logger request_log = MN_LOGGER_INIT("shop.requests");

/* Log all requests with timing. */
static mn_response *request_logging(mn_request *req, mn_next *next)
{
    double start = mn_request_elapsed(req);
    mn_str method = mn_request_method(req), path = mn_request_path(req);
    mn_logf(&request_log, MN_LOG_INFO, "%.*s %.*s", MN_STR_FMT(method), MN_STR_FMT(path));
    mn_response *resp = mn_next_call(next, req);
    double duration = mn_request_elapsed(req) - start;
    mn_logf(&request_log, MN_LOG_INFO, "Response %d - %.2fs", mn_response_status(resp), duration);
    return resp;
}

const mn_middleware shop_request_logging_middleware = {
    .name = "shop.RequestLoggingMiddleware",
    .call = request_logging,
};

/* Add custom headers to all responses. */
static mn_response *custom_header(mn_request *req, mn_next *next)
{
    mn_response *resp = mn_next_call(next, req);
    mn_response_set_header_cstr(resp, "X-Custom-Header", "My Value");
    mn_response_set_header_cstr(resp, "X-Request-ID", mn_request_id(req));
    return resp;
}

const mn_middleware shop_custom_header_middleware = {
    .name = "shop.CustomHeaderMiddleware",
    .call = custom_header,
};

