/* Manouche: HTTP/1.1 requests and responses.
 *
 * Three layers:
 *  - the wire parser (mn_http_parse_head, mn_http_chunked_decode): strict
 *    RFC 9112, zero-copy, bounded; slices point into the caller's buffer;
 *  - mn_request, Django's HttpRequest: method, decoded path, query string as
 *    an mn_querydict, headers, META, cookies, body, form data, files, JSON;
 *  - mn_response, Django's HttpResponse: status, headers, cookies, bodies
 *    held in memory, streamed or sent from a file.
 *
 * Everything a request hands out lives in its arena (mn_request_arena) and
 * is released when the request ends. A request and its responses belong to
 * the thread running the handler: none of these functions is thread-safe for
 * one request, and distinct requests never share state. */
#ifndef MANOUCHE_HTTP_H
#define MANOUCHE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "manouche/arena.h"
#include "manouche/error.h"
#include "manouche/str.h"
#include "manouche/value.h"

/* ------------------------------------------------------------------ */
/* Wire parser                                                          */
/* ------------------------------------------------------------------ */

typedef struct mn_header {
    mn_str name;
    mn_str value;
} mn_header;

/* Size limits of a request head. Zero fields take the defaults. */
typedef struct mn_http_limits {
    size_t max_request_line; /* bytes of the request line; over it: 414 (default 8190) */
    size_t max_header_count; /* header fields; over it: 431 (default 100) */
    size_t max_header_size;  /* bytes of the whole head; over it: 431 (default 16384) */
} mn_http_limits;

#define MN_HTTP_DEFAULT_MAX_REQUEST_LINE 8190
#define MN_HTTP_DEFAULT_MAX_HEADER_COUNT 100
#define MN_HTTP_DEFAULT_MAX_HEADER_SIZE 16384

/* A parsed request head. Every slice points into the parsed buffer. */
typedef struct mn_http_head {
    mn_str method;        /* "GET" (case-sensitive token) */
    mn_str target;        /* the request-target as sent */
    mn_str path;          /* raw path of the target ("/a%20b"), "*" for OPTIONS * */
    mn_str query;         /* raw query after '?', without it; empty if none */
    mn_str host;          /* the authority of an absolute-form target, else the Host value */
    int version_minor;    /* 0 or 1 (HTTP/1.0, HTTP/1.1) */
    mn_header *headers;   /* the fields in order, names as sent */
    size_t nheaders;
    int64_t content_length; /* -1 when there is no Content-Length */
    bool chunked;           /* Transfer-Encoding: chunked */
    bool keep_alive;        /* persistent connection after this request */
    bool expect_continue;   /* Expect: 100-continue (HTTP/1.1 only) */
    bool has_host;          /* a Host field (or absolute-form authority) was present */
    size_t head_len;        /* bytes of the head, up to and including the empty line */
} mn_http_head;

/* Parses one request head from buf[0..len) into *out, storing up to hcap
 * fields in hdrs (the header-count limit is min(hcap, limits)).
 * Returns the head length (> 0) when complete, 0 when more bytes are needed,
 * or a negative HTTP status when the request must be rejected and the
 * connection closed: -400 (malformed or ambiguous framing, smuggling
 * vectors), -414 (request line too long), -431 (too many or too large header
 * fields), -417 (unsupported Expect), -505 (unsupported HTTP version).
 * limits may be NULL (defaults). Leading empty lines are skipped.
 * Pure function; thread-safe. */
ptrdiff_t mn_http_parse_head(const char *buf, size_t len, const mn_http_limits *limits,
                             mn_header *hdrs, size_t hcap, mn_http_head *out);

/* State of an in-place chunked-body decoder. Zero-initialise it. */
typedef struct mn_http_chunked {
    int state;
    int ext;              /* position inside a chunk extension */
    uint64_t remaining;   /* bytes left in the current chunk */
    uint64_t total;       /* body bytes decoded so far */
    size_t digits;        /* hex digits read for the current size */
    size_t line_bytes;    /* bytes of the current size or trailer line */
    size_t trailer_bytes; /* bytes of the trailer section */
} mn_http_chunked;

/* Decodes chunked framing in place. buf[*raw..end) holds undecoded bytes;
 * decoded body bytes are written at buf[*decoded] (always <= *raw), both
 * indexes advance. max_body bounds the decoded size (0: no bound).
 * Returns 1 when the body and its trailer section are complete (then *raw is
 * the first byte after the message), 0 when more input is needed, -400 for
 * bad framing (bad chunk size, missing CRLF, invalid trailer) or -413 when
 * the body exceeds max_body. Trailer fields are validated and dropped. */
int mn_http_chunked_decode(mn_http_chunked *st, char *buf, size_t *decoded, size_t *raw,
                           size_t end, size_t max_body);

/* The reason phrase of a status code ("Not Found"), or "Unknown Status Code"
 * (Django's text) for codes it does not know. Static string. */
const char *mn_http_reason(int status);

/* Finds a header by case-insensitive name. Returns a pointer into hdrs or
 * NULL. */
const mn_header *mn_http_find_header(const mn_header *hdrs, size_t n, mn_str name);

/* ------------------------------------------------------------------ */
/* QueryDict                                                            */
/* ------------------------------------------------------------------ */

/* An ordered multi-valued mapping of strings (Django's QueryDict) living in
 * an arena. Keys keep the order of their first appearance; each key's values
 * keep their order. */
typedef struct mn_querydict mn_querydict;

/* An empty QueryDict in arena. NULL when out of memory. */
mn_querydict *mn_querydict_new(mn_arena *arena);

/* Parses application/x-www-form-urlencoded text ('&'-separated, '+' is a
 * space, %XX escapes, blank values kept, pairs without '=' get an empty
 * value, bytes that are not UTF-8 become U+FFFD like Django). max_fields
 * bounds the number of pairs (0: no bound). Returns MN_OK, MN_ENOMEM, or
 * MN_ELIMIT with a message ("The number of GET/POST parameters exceeded
 * settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.") when there are too many fields.
 * Strings are copied into the dict's arena as needed. */
int mn_querydict_parse(mn_querydict *qd, mn_str text, size_t max_fields, mn_err *err);

/* Appends a value for key (Django's appendlist); both are borrowed.
 * Returns MN_OK or MN_ENOMEM. */
int mn_querydict_append(mn_querydict *qd, mn_str key, mn_str value);
/* Replaces all values of key with one (Django's __setitem__). */
int mn_querydict_set(mn_querydict *qd, mn_str key, mn_str value);

/* The last value of key (Django's qd[key] / qd.get(key)) in *out.
 * Returns true when found; *out is untouched otherwise. */
bool mn_querydict_get(const mn_querydict *qd, const char *key, mn_str *out);
/* The last value of key, or def when absent. */
mn_str mn_querydict_get_or(const mn_querydict *qd, const char *key, mn_str def);
/* Number of values of key (0 when absent); the i-th with getlist_at. */
size_t mn_querydict_count(const mn_querydict *qd, const char *key);
/* The i-th value of key (Django's getlist(key)[i]); empty slice when out of
 * range. */
mn_str mn_querydict_getlist_at(const mn_querydict *qd, const char *key, size_t i);
/* All values of key as a new arena list of string values (getlist). NULL
 * only when out of memory; an empty list when absent. */
mn_list *mn_querydict_getlist(const mn_querydict *qd, const char *key);
bool mn_querydict_has(const mn_querydict *qd, const char *key);
/* Number of distinct keys, and the i-th key in order. */
size_t mn_querydict_len(const mn_querydict *qd);
mn_str mn_querydict_key_at(const mn_querydict *qd, size_t i);
/* Number of (key, value) pairs, and the i-th pair in insertion order. */
size_t mn_querydict_pairs(const mn_querydict *qd);
void mn_querydict_pair_at(const mn_querydict *qd, size_t i, mn_str *key, mn_str *value);
/* Appends the dict url-encoded (Django's urlencode()) to out. */
int mn_querydict_urlencode(const mn_querydict *qd, mn_buf *out);

/* ------------------------------------------------------------------ */
/* Requests                                                             */
/* ------------------------------------------------------------------ */

typedef struct mn_request mn_request;
typedef struct mn_response mn_response;

/* A view: returns the response for req (allocated in the request's arena).
 * Returning NULL gives a 500 response. Runs to completion on the server
 * thread; blocking calls (databases) are allowed. */
typedef mn_response *(*mn_handler)(mn_request *req, void *ctx);

/* What a request needs to know of the project's settings. Zero fields take
 * Django's defaults. */
typedef struct mn_http_settings {
    /* NULL-terminated ALLOWED_HOSTS patterns ("example.com", ".example.com"
     * for subdomains, "*"); NULL means Django's DEBUG default
     * {".localhost", "127.0.0.1", "[::1]"}. */
    const char *const *allowed_hosts;
    /* SECURE_PROXY_SSL_HEADER: a header name ("X-Forwarded-Proto") and the
     * value meaning https ("https"); NULL name: not trusted. */
    const char *secure_proxy_ssl_header;
    const char *secure_proxy_ssl_value;
    bool use_x_forwarded_host;            /* USE_X_FORWARDED_HOST */
    size_t data_upload_max_memory_size;   /* 2621440; request bodies over it: 413 */
    size_t data_upload_max_number_fields; /* 1000; over it: 400 */
    size_t file_upload_max_memory_size;   /* 2621440; files in memory stay under it together */
    size_t file_upload_max_size;          /* bound of a multipart body (default 64 MiB) */
    const char *file_upload_temp_dir;     /* NULL: $TMPDIR or /tmp */
} mn_http_settings;

/* Fills s with Django's defaults. */
void mn_http_settings_init(mn_http_settings *s);

/* An uploaded file (Django's UploadedFile). In memory when path is NULL,
 * otherwise in a temporary file deleted when the request ends. */
typedef struct mn_uploaded_file {
    mn_str field_name;   /* the form field */
    mn_str name;         /* the client's file name (directory parts removed) */
    mn_str content_type; /* "image/png" */
    mn_str charset;      /* from the part's Content-Type, may be empty */
    size_t size;
    mn_str content;      /* the bytes when in memory */
    const char *path;    /* the temporary file, or NULL */
} mn_uploaded_file;

/* Builds a request from a raw HTTP/1.x message (head and complete body), as
 * the server does: used by tests and by the test client. The request and
 * everything it hands out live in arena; raw must outlive it. remote_addr
 * may be NULL ("127.0.0.1"); settings may be NULL (defaults).
 * Returns NULL and sets *status (400, 413, 414, 431, ...) and err when the
 * message is malformed. */
mn_request *mn_request_from_raw(mn_arena *arena, const char *raw, size_t len,
                                const char *remote_addr, const mn_http_settings *settings,
                                int *status, mn_err *err);

/* The request's arena: allocate anything that lives until the request ends. */
mn_arena *mn_request_arena(const mn_request *req);
/* request.method: "GET". */
mn_str mn_request_method(const mn_request *req);
/* True when the method is m ("POST"). */
bool mn_request_is_method(const mn_request *req, const char *m);
/* request.path: percent-decoded, valid UTF-8 (checked before the handler
 * runs: invalid input gets a 400). */
mn_str mn_request_path(const mn_request *req);
/* request.get_full_path(): the path (re-quoted as sent) and '?query' if any. */
mn_str mn_request_full_path(const mn_request *req);
/* request.META['QUERY_STRING'] (raw, empty when absent). */
mn_str mn_request_query_string(const mn_request *req);
/* request.GET, parsed on first use. Never NULL (an empty dict when out of
 * memory or over DATA_UPLOAD_MAX_NUMBER_FIELDS; see mn_request_error). */
const mn_querydict *mn_request_query(mn_request *req);
/* request.POST: the form fields of an application/x-www-form-urlencoded or
 * multipart/form-data body, parsed on first use; empty for other types.
 * Never NULL; a malformed body gives an empty dict and mn_request_error. */
const mn_querydict *mn_request_post(mn_request *req);
/* request.FILES: number of uploaded files and the i-th one; lookup by field
 * (the last one of that field) or NULL. */
size_t mn_request_file_count(mn_request *req);
const mn_uploaded_file *mn_request_file_at(mn_request *req, size_t i);
const mn_uploaded_file *mn_request_file(mn_request *req, const char *field);
/* The message of the last form/JSON parsing error, or NULL. */
const char *mn_request_error(const mn_request *req);

/* A header value by case-insensitive name ("Content-Type"): true and *out
 * when present. Repeated fields are joined with ", " like a proxy would. */
bool mn_request_header(const mn_request *req, const char *name, mn_str *out);
/* The header fields as received (names as sent), and their count. */
const mn_header *mn_request_headers(const mn_request *req, size_t *count);
/* request.META[key]: CONTENT_TYPE, CONTENT_LENGTH, QUERY_STRING,
 * REMOTE_ADDR, REMOTE_PORT, REQUEST_METHOD, PATH_INFO, SERVER_NAME,
 * SERVER_PORT, SERVER_PROTOCOL, and HTTP_<NAME> for every header. True and
 * *out when present. */
bool mn_request_meta(mn_request *req, const char *key, mn_str *out);
/* request.COOKIES[name]: true and *out when present (Django's parsing). */
bool mn_request_cookie(mn_request *req, const char *name, mn_str *out);
/* All cookies as a map of string values (never NULL but when out of memory). */
const mn_map *mn_request_cookies(mn_request *req);
/* request.body: the raw body (chunked framing already removed); empty for
 * the multipart bodies the server parses as they arrive. */
mn_str mn_request_body(const mn_request *req);
/* The body's media type without parameters, lower-cased ("application/json"),
 * and its charset parameter (may be empty). */
mn_str mn_request_content_type(mn_request *req);
/* Parses a JSON body into *out (values live in the request arena).
 * Returns MN_OK, or MN_EPARSE with a message in err. */
int mn_request_json(mn_request *req, mn_value *out, mn_err *err);
/* request.scheme: "https" when the proxy header says so, else "http". */
mn_str mn_request_scheme(mn_request *req);
/* request.is_secure() (honours SECURE_PROXY_SSL_HEADER). */
bool mn_request_is_secure(mn_request *req);
/* request.get_host(): the validated host and port ("example.com:8000").
 * Returns MN_OK, or MN_EPERM with Django's DisallowedHost message ("Invalid
 * HTTP_HOST header: 'x'. You may need to add 'x' to ALLOWED_HOSTS.") in err.
 * The server answers 400 itself before the view runs when the host is not
 * allowed, so views can ignore the error. */
int mn_request_get_host(mn_request *req, mn_str *host, mn_err *err);
/* request.build_absolute_uri(location): location resolved against the
 * request's URL ("https://example.com/a/b"); location NULL means the full
 * path. Returns an arena string (empty slice with NULL ptr on failure). */
mn_str mn_request_build_absolute_uri(mn_request *req, const char *location);
/* True for HTTP/1.1 requests. */
bool mn_request_is_http11(const mn_request *req);

/* The URL resolver's match for this request (Django's request.resolver_match),
 * set by the request handler before the view runs; NULL before resolving or
 * when nothing matched. The match must live as long as the request. */
typedef struct mn_url_match mn_url_match;
const mn_url_match *mn_request_match(const mn_request *req);
void mn_request_set_match(mn_request *req, const mn_url_match *match);

/* Per-request user data (Django's request attributes: request.user,
 * request.request_id): key is borrowed (use a literal or arena string),
 * value any pointer living as long as the request. Setting a key again
 * replaces its value. Returns MN_OK or MN_ENOMEM. */
int mn_request_set_attr(mn_request *req, const char *key, void *value);
/* The value stored under key, or NULL. */
void *mn_request_attr(const mn_request *req, const char *key);

/* ------------------------------------------------------------------ */
/* Responses                                                            */
/* ------------------------------------------------------------------ */

/* A streaming body: appends the next piece to out and returns 1, returns 0
 * at the end, or a negative code to abort (the connection is closed). Called
 * from the server thread until it returns 0; ctx lives in the request arena.
 * What a call allocates from the request arena is released once its piece
 * is sent: keep state in ctx. */
typedef int (*mn_stream_fn)(void *ctx, mn_buf *out);

/* A response with status and an empty body, Content-Type
 * "text/html; charset=utf-8" (Django's default). Allocated in the request
 * arena; NULL when out of memory or when status is not within 100..599. */
mn_response *mn_response_new(mn_request *req, int status);
/* A response with the given content type and a copy of body. */
mn_response *mn_response_text(mn_request *req, int status, const char *content_type, mn_str body);
/* A response whose body borrows body (it must live until the request ends,
 * e.g. a literal or arena memory). */
mn_response *mn_response_static(mn_request *req, int status, const char *content_type, mn_str body);
/* JsonResponse(data): v written by the streaming JSON writer (json.h) with
 * its flags (MN_JSON_DJANGO for the bytes Django's JsonResponse sends,
 * MN_JSON_DRF for DRF's renderer, MN_JSON_COMPACT for the smallest body),
 * Content-Type application/json.
 * Returns NULL when v cannot be written as JSON (NaN, a callable, invalid
 * UTF-8), which the framework answers with a 500. */
mn_response *mn_response_json(mn_request *req, int status, mn_value v, unsigned flags);
/* A JSON response with pre-encoded JSON text (Content-Type application/json). */
mn_response *mn_response_json_text(mn_request *req, int status, mn_str json);
/* HttpResponseRedirect (302) or HttpResponsePermanentRedirect (301) to url. */
mn_response *mn_response_redirect(mn_request *req, const char *url, bool permanent);
/* A streaming response (StreamingHttpResponse): no Content-Length, sent
 * chunked to HTTP/1.1 clients and close-delimited to HTTP/1.0 ones. */
mn_response *mn_response_stream(mn_request *req, int status, const char *content_type,
                                 mn_stream_fn fn, void *ctx);

/* Options of a file response. */
typedef struct mn_file_options {
    const char *content_type; /* NULL: guessed from the file name's extension */
    bool as_attachment;       /* Content-Disposition: attachment (else inline) */
    const char *filename;     /* name in Content-Disposition; NULL: the path's base name */
} mn_file_options;

/* FileResponse: sends the file at path with sendfile, answering Range
 * requests (206, multipart/byteranges for several ranges, 416; If-Range
 * honoured; see docs/http.md) and setting Content-Length, Content-Type,
 * Content-Disposition, Last-Modified and Accept-Ranges. Returns a 404
 * response when the file cannot be opened; the descriptor is closed when
 * the request ends. opts may be NULL. */
mn_response *mn_response_file(mn_request *req, const char *path, const mn_file_options *opts);

/* Error responses with Django's bodies: mn_http_error(req, 404) gives
 * "<h1>Not Found</h1><p>...</p>" style pages; never NULL unless out of memory. */
mn_response *mn_http_error(mn_request *req, int status);
mn_response *mn_http_404(mn_request *req);

/* The status code, and the reason phrase (mn_http_reason unless set). */
int mn_response_status(const mn_response *resp);
mn_str mn_response_reason(const mn_response *resp);
/* Sets the status (ignored outside 100..599); reason NULL keeps the
 * standard phrase. */
void mn_response_set_status(mn_response *resp, int status, const char *reason);
/* Sets a header, replacing every field of that name (case-insensitive).
 * The name must be a token and the value free of CR, LF and NUL: otherwise
 * returns MN_EINVAL (Django's BadHeaderError). Both are copied. */
int mn_response_set_header(mn_response *resp, const char *name, mn_str value);
int mn_response_set_header_cstr(mn_response *resp, const char *name, const char *value);
/* Adds a header field even if one of that name exists. */
int mn_response_add_header(mn_response *resp, const char *name, mn_str value);
/* The value of a header (case-insensitive): true and *out when present. */
bool mn_response_header(const mn_response *resp, const char *name, mn_str *out);
/* Removes every field of that name; returns true if one was there. */
bool mn_response_delete_header(mn_response *resp, const char *name);
/* Appends bytes to the body (response.write). Returns MN_OK, MN_ENOMEM, or
 * MN_EINVAL for streaming and file responses. */
int mn_response_write(mn_response *resp, const void *data, size_t len);
int mn_response_write_str(mn_response *resp, mn_str s);
/* The body held in memory (empty for streaming and file responses). */
mn_str mn_response_body(const mn_response *resp);
/* Replaces the body (response.content = ...). body is borrowed: it must live
 * until the request ends (arena memory or a literal). Returns MN_OK, or
 * MN_EINVAL for streaming and file responses. */
int mn_response_set_body(mn_response *resp, mn_str body);
/* True for streaming and file responses (no body in memory). */
bool mn_response_is_streaming(const mn_response *resp);

/* SameSite values for cookies. */
typedef enum mn_samesite {
    MN_SAMESITE_UNSET = 0,
    MN_SAMESITE_LAX,
    MN_SAMESITE_STRICT,
    MN_SAMESITE_NONE
} mn_samesite;

/* set_cookie options. Zero-initialise: no max_age, no expires, path "/". */
typedef struct mn_cookie_options {
    int64_t max_age;     /* seconds; used when has_max_age (also sets expires) */
    bool has_max_age;
    int64_t expires;     /* Unix time; used when has_expires and no max_age */
    bool has_expires;
    const char *path;    /* NULL: "/" */
    const char *domain;  /* NULL: none */
    bool secure;
    bool httponly;
    mn_samesite samesite;
} mn_cookie_options;

/* response.set_cookie(name, value, ...): adds a Set-Cookie field formatted
 * like Django ("name=value; expires=Thu, 01 Jan 1970 00:00:00 GMT;
 * Max-Age=0; Path=/"). Values with characters that need it are quoted like
 * Python's http.cookies. A second cookie of the same name replaces the first.
 * Returns MN_OK, MN_ENOMEM, or MN_EINVAL for an invalid name. opts may be NULL. */
int mn_response_set_cookie(mn_response *resp, const char *name, mn_str value,
                           const mn_cookie_options *opts);
/* response.delete_cookie(name, path, domain, samesite): an expired empty
 * cookie (Max-Age=0, expires in 1970). path NULL means "/". */
int mn_response_delete_cookie(mn_response *resp, const char *name, const char *path,
                              const char *domain, mn_samesite samesite);

/* Parses a Cookie header like Django's parse_cookie into map (values are
 * unquoted like Python's http.cookies). Returns MN_OK or MN_ENOMEM. */
int mn_cookies_parse(mn_arena *arena, mn_str header, mn_map *map);

/* Formats a Unix time as an HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT")
 * into buf (at least 30 bytes). Returns the length (29). Thread-safe. */
size_t mn_http_date(int64_t unix_time, char *buf);

#endif
