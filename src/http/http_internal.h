/* Private interfaces between the HTTP sources. */
#ifndef MN_HTTP_INTERNAL_H
#define MN_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include "manouche/http.h"

extern const unsigned char mn__http_ctype[256];

/* True when s is a non-empty RFC 9110 token. */
bool mn__http_is_token(mn_str s);

/* Percent-decodes s into arena with text.h's unquote ('+' is a space when
 * plus_space). strict: invalid UTF-8 after decoding sets *rc = MN_EPARSE
 * (request paths); otherwise it is repaired with U+FFFD (form fields, as
 * Python's errors="replace"). Returns s itself when there is nothing to
 * decode or repair, or a slice with NULL ptr on error (*rc set). */
mn_str mn__url_decode(mn_arena *arena, mn_str s, bool plus_space, bool strict, int *rc);

/* Replaces invalid UTF-8 sequences with U+FFFD (Python's errors="replace").
 * Returns s itself when it is valid. */
mn_str mn__utf8_repair(mn_arena *arena, mn_str s);


/* Parses a multipart/form-data body into req's POST dict and files.
 * boundary is the Content-Type parameter. Returns MN_OK or an error
 * (MN_EPARSE, MN_ELIMIT, MN_EIO, MN_ENOMEM) with a message in err. */
int mn__multipart_parse(mn_request *req, mn_str body, mn_str boundary, mn_querydict *post,
                        mn_err *err);
/* The incremental multipart parser the server feeds as body bytes arrive.
 * Fields are kept in memory (bounded by DATA_UPLOAD_MAX_MEMORY_SIZE and
 * DATA_UPLOAD_MAX_NUMBER_FIELDS), files in memory while together they fit
 * in FILE_UPLOAD_MAX_MEMORY_SIZE, else written to a temporary file as
 * they arrive (closed and deleted by a cleanup on arena). Everything lives
 * in arena. new: NULL only when out of memory (an invalid boundary gives a
 * parser in the error state). feed: consumes every byte; returns MN_OK or
 * the first error (sticky; later bytes are ignored). finish: the end of the
 * body; MN_EPARSE when it is not at the closing delimiter. status: 0 when
 * the request goes on (no error, or a malformed body the view learns of
 * through mn_request_error), else the status to answer at once: 413 over
 * DATA_UPLOAD_MAX_MEMORY_SIZE, 400 over DATA_UPLOAD_MAX_NUMBER_FIELDS, 500
 * for I/O or memory. attach: gives POST,
 * FILES and the error message (if any) to req. */
typedef struct mn__mp mn__mp;
mn__mp *mn__mp_new(mn_arena *arena, mn_str boundary, const mn_http_settings *settings);
int mn__mp_feed(mn__mp *p, const char *data, size_t len);
int mn__mp_finish(mn__mp *p);
int mn__mp_status(const mn__mp *p);
const char *mn__mp_error(const mn__mp *p);
int mn__mp_attach(mn__mp *p, mn_request *req);
/* True when a Content-Type value is multipart/form-data; *boundary gets its
 * boundary parameter (unquoted; empty when absent). */
bool mn__multipart_boundary(mn_str content_type, mn_str *boundary);
/* Sets POST as already parsed (the server's streamed multipart bodies);
 * error: the parse error message or NULL. */
int mn__request_set_post(mn_request *req, mn_querydict *post, const char *error);
/* Adds an uploaded file to req's FILES. */
int mn__request_add_file(mn_request *req, const mn_uploaded_file *f);
const mn_http_settings *mn__request_settings(const mn_request *req);

/* Fills a request from a parsed head and its complete body (the server's
 * path). Returns 0, or an HTTP status (400) when the path is not valid
 * percent-encoded UTF-8. */
typedef struct mn__conn_info {
    const char *remote_addr; /* "127.0.0.1" */
    int remote_port;
    const char *server_name; /* from the listening address */
    int server_port;
    bool tls;
} mn__conn_info;
mn_request *mn__request_new(mn_arena *arena, const mn_http_head *head, mn_str body,
                            const mn__conn_info *conn, const mn_http_settings *settings,
                            int *status);
/* The parsed head of a request. */
const mn_http_head *mn__request_head(const mn_request *req);

/* Appends a Set-Cookie value formatted like Django; expires_text overrides
 * the computed expiry ("Thu, 01 Jan 1970 00:00:00 GMT"). */
int mn__cookie_format(mn_buf *b, const char *name, mn_str value, const mn_cookie_options *o,
                      const char *expires_text);

/* Response internals used by the server. */
typedef enum mn__body_kind {
    MN__BODY_MEMORY = 0,
    MN__BODY_STREAM,
    MN__BODY_FILE
} mn__body_kind;

mn__body_kind mn__response_kind(const mn_response *resp);
/* Serialises the status line and headers (with Date, Server, Content-Length
 * or Transfer-Encoding, Connection) for the given request into out. For file
 * responses, *file_off and *file_len receive the byte range to send.
 * keep_alive is whether the connection stays open. head_only: HEAD request. */
int mn__response_serialize_head(mn_response *resp, mn_buf *out, int version_minor,
                                bool keep_alive, bool head_only, const char *date,
                                const char *server);
/* For streaming responses, the callback and its context. */
mn_stream_fn mn__response_stream(const mn_response *resp, void **ctx);
/* For file responses, the descriptor and the range to send (len 0 for a
 * multipart/byteranges body, sent by parts). */
int mn__response_file(const mn_response *resp, off_t *offset, off_t *len);
/* Part i of a multipart/byteranges body: prefix (memory) then the file's
 * bytes [offset, offset + len); the last part is the closing delimiter with
 * len 0. False past the end, and for other responses. */
bool mn__response_file_part(const mn_response *resp, size_t i, mn_str *prefix, off_t *offset,
                            off_t *len);
/* True when the status forbids a body (1xx, 204, 304). */
bool mn__status_no_body(int status);

/* Log lines (private until the logging module exists). */
void mn__log_error(int fd, const char *fmt, ...) MN_PRINTF(2, 3);
/* One combined-format access line: remote - - [date] "request" status bytes
 * "referer" "user-agent". head may be NULL for unparsable requests. */
void mn__log_access(int fd, const char *remote, const mn_http_head *head, int status,
                    uint64_t bytes, time_t now);

#endif
