/* Helpers of the web tests: requests from raw text and small sites. */
#ifndef WEB_TEST_H
#define WEB_TEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

/* A request for raw HTTP text (Host: localhost added when missing). */
static inline mn_request *web_request(mn_arena *a, const char *method, const char *target,
                                      const char *headers)
{
    char *raw = mn_arena_sprintf(a, "%s %s HTTP/1.1\r\n%s%s\r\n", method, target,
                                 headers && strstr(headers, "Host:") ? "" : "Host: localhost\r\n",
                                 headers ? headers : "");
    cr_assert(raw);
    int status = 0;
    mn_err err = { 0 };
    mn_request *req = mn_request_from_raw(a, raw, strlen(raw), NULL, NULL, &status, &err);
    cr_assert(req, "request: %d %s", status, err.msg);
    return req;
}

static inline bool web_header_is(const mn_response *r, const char *name, const char *value)
{
    mn_str v;
    return mn_response_header(r, name, &v) && mn_str_eq_cstr(v, value);
}

static inline bool web_has_header(const mn_response *r, const char *name)
{
    mn_str v;
    return mn_response_header(r, name, &v);
}

static inline bool web_body_has(const mn_response *r, const char *needle)
{
    mn_str b = mn_response_body(r);
    return mn_str_find(b, mn_str_from(needle), 0) >= 0;
}

#endif
