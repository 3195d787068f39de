/* Manouche: string slices and bounded builders.
 *
 * mn_str is a {ptr, len} view passed by value. It is never assumed to be
 * NUL-terminated and never owns its bytes: it borrows from whatever holds
 * them (a request buffer, an arena, a literal).
 *
 * mn_buf is a growable byte builder with a size limit. It remembers its first
 * error, so a sequence of appends needs one check at the end. Its bytes live
 * in an arena, or on the heap when created without one (then mn_buf_free). */
#ifndef MANOUCHE_STR_H
#define MANOUCHE_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "manouche/arena.h"
#include "manouche/error.h"

typedef struct mn_str {
    const char *ptr;
    size_t len;
} mn_str;

/* A slice of a string literal: MN_STR("abc"). */
#define MN_STR(lit) ((mn_str){ "" lit, sizeof(lit) - 1 })
/* The empty slice. */
#define MN_STR_EMPTY ((mn_str){ "", 0 })
/* printf helpers: printf("%.*s", MN_STR_FMT(s)). */
#define MN_STR_FMT(s) (int)(s).len, (s).ptr

/* These are inline definitions (C99 inline: str.c holds the external
 * ones), as they sit on every request's path. */

/* A slice over a NUL-terminated string; NULL gives the empty slice. */
inline mn_str mn_str_from(const char *cstr)
{
    if (!cstr)
        return MN_STR_EMPTY;
    return (mn_str){ cstr, strlen(cstr) };
}
/* A slice over n bytes at p (NULL gives the empty slice). */
inline mn_str mn_str_make(const char *p, size_t n)
{
    if (!p)
        return MN_STR_EMPTY;
    return (mn_str){ p, n };
}

/* Byte equality. */
inline bool mn_str_eq(mn_str a, mn_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}
inline bool mn_str_eq_cstr(mn_str a, const char *b)
{
    return mn_str_eq(a, mn_str_from(b));
}
/* ASCII case-insensitive equality (header names, tokens). */
bool mn_str_ieq(mn_str a, mn_str b);
bool mn_str_ieq_cstr(mn_str a, const char *b);
/* Byte-order comparison: <0, 0, >0 like memcmp, shorter prefix first. */
int mn_str_cmp(mn_str a, mn_str b);

bool mn_str_starts_with(mn_str s, mn_str prefix);
bool mn_str_ends_with(mn_str s, mn_str suffix);

/* Index of the first occurrence of needle / c at or after from, or -1. */
ptrdiff_t mn_str_find(mn_str s, mn_str needle, size_t from);
ptrdiff_t mn_str_find_char(mn_str s, char c, size_t from);
/* Index of the last occurrence of c, or -1. */
ptrdiff_t mn_str_rfind_char(mn_str s, char c);

/* Bytes [start, end) of s, clamped to s. */
mn_str mn_str_slice(mn_str s, size_t start, size_t end);
/* s without leading/trailing ASCII whitespace (space, \t, \n, \v, \f, \r). */
mn_str mn_str_trim(mn_str s);

/* Splits s at the first sep: *head gets the part before, *tail the part
 * after. Returns false (and head = s, tail empty) when sep is absent. */
bool mn_str_split_once(mn_str s, char sep, mn_str *head, mn_str *tail);

/* Iterates over the fields of s separated by sep: start with *pos = 0; each
 * call stores the next field in *field and returns true, or returns false
 * when s is exhausted. An empty s yields one empty field. */
bool mn_str_next_field(mn_str s, char sep, size_t *pos, mn_str *field);

/* Parses a whole slice as a base-10 integer with an optional sign, no spaces.
 * Returns MN_OK, MN_EPARSE (empty, stray characters) or MN_ERANGE. */
int mn_str_to_i64(mn_str s, int64_t *out);
int mn_str_to_u64(mn_str s, uint64_t *out);
/* Parses a whole slice as a finite double (strtod syntax, no spaces, no
 * hex, no inf/nan, any length). Returns MN_OK, MN_EPARSE, MN_ERANGE (too
 * large) or MN_ENOMEM. */
int mn_str_to_double(mn_str s, double *out);

/* The value (0..15) of the hexadecimal digit c, or -1 when c is not one. */
int mn_hex_value(int c);

/* A NUL-terminated arena copy of s. Returns NULL when the arena fails. */
char *mn_str_dup(mn_arena *a, mn_str s);
/* An arena copy of s as a slice (the copy is also NUL-terminated). On
 * failure returns the empty slice with ptr NULL. */
mn_str mn_str_clone(mn_arena *a, mn_str s);

/* FNV-1a hash of the bytes (not for untrusted keys in hash tables that an
 * attacker could flood: use mn_str_hash_keyed for those). */
uint64_t mn_str_hash(mn_str s);
/* A hash seeded by a per-process random key (SipHash-1-3), for tables whose
 * keys come from requests. */
uint64_t mn_str_hash_keyed(mn_str s);

/* ---- builders ---- */

/* Default limit of a builder created with max 0: 64 MiB. */
#define MN_BUF_DEFAULT_MAX ((size_t)64 << 20)

typedef struct mn_buf {
    mn_arena *arena; /* NULL: heap-backed */
    char *data;      /* always NUL-terminated when not NULL */
    size_t len;
    size_t cap;
    size_t max;
    int err; /* first error (MN_ENOMEM or MN_ELIMIT), sticky */
} mn_buf;

/* Starts an empty builder. arena NULL means heap memory released by
 * mn_buf_free. max is the most bytes it may hold (0: MN_BUF_DEFAULT_MAX). */
void mn_buf_init(mn_buf *b, mn_arena *arena, size_t max);
/* Releases a heap-backed builder's memory (no-op for arena builders). */
void mn_buf_free(mn_buf *b);
/* Empties the builder, keeping its memory and clearing its error. */
void mn_buf_reset(mn_buf *b);

/* Makes room for n more bytes (plus the NUL): MN_OK, or the sticky error
 * (MN_ENOMEM, or MN_ELIMIT past max). The appenders below call it only
 * when the room is not there yet. */
int mn_buf_grow(mn_buf *b, size_t n);

/* Appends; each returns MN_OK or the builder's sticky error. After an error
 * later appends do nothing. (append, putc and put_str are inline: their
 * fast path is a bounds check and a copy.) */
inline int mn_buf_append(mn_buf *b, const void *p, size_t n)
{
    if ((b->err || b->cap - b->len <= n) && mn_buf_grow(b, n))
        return b->err;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return MN_OK;
}
int mn_buf_puts(mn_buf *b, const char *s);
inline int mn_buf_putc(mn_buf *b, char c)
{
    if (b->len + 1 < b->cap && !b->err) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return MN_OK;
    }
    return mn_buf_append(b, &c, 1);
}
inline int mn_buf_put_str(mn_buf *b, mn_str s)
{
    return mn_buf_append(b, s.ptr, s.len);
}
int mn_buf_printf(mn_buf *b, const char *fmt, ...) MN_PRINTF(2, 3);
int mn_buf_vprintf(mn_buf *b, const char *fmt, va_list ap);
int mn_buf_put_i64(mn_buf *b, int64_t v);
int mn_buf_put_u64(mn_buf *b, uint64_t v);
/* Makes room for n more bytes and returns a pointer to them (to be committed
 * with mn_buf_commit), or NULL on error. */
inline char *mn_buf_reserve(mn_buf *b, size_t n)
{
    if ((b->err || b->cap - b->len <= n) && mn_buf_grow(b, n))
        return NULL;
    return b->data + b->len;
}
inline void mn_buf_commit(mn_buf *b, size_t n)
{
    if (b->err || !b->data || b->len + n >= b->cap)
        return;
    b->len += n;
    b->data[b->len] = '\0';
}
/* Drops bytes past len (len <= current length). */
void mn_buf_truncate(mn_buf *b, size_t len);

/* The contents as a slice (valid until the next append). */
inline mn_str mn_buf_str(const mn_buf *b)
{
    if (!b->data)
        return MN_STR_EMPTY;
    return (mn_str){ b->data, b->len };
}
/* The contents NUL-terminated ("" when empty; valid until the next append). */
const char *mn_buf_cstr(const mn_buf *b);
/* The sticky error: MN_OK, MN_ENOMEM or MN_ELIMIT. */
inline int mn_buf_error(const mn_buf *b)
{
    return b->err;
}

#endif
