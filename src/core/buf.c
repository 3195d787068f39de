/* Bounded byte builders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/str.h"

void mn_buf_init(mn_buf *b, mn_arena *arena, size_t max)
{
    b->arena = arena;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : MN_BUF_DEFAULT_MAX;
    b->err = MN_OK;
}

void mn_buf_free(mn_buf *b)
{
    if (!b->arena)
        free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void mn_buf_reset(mn_buf *b)
{
    b->len = 0;
    b->err = MN_OK;
    if (b->data)
        b->data[0] = '\0';
}

/* grow() when the room is not there yet. */
static int grow_slow(mn_buf *b, size_t n)
{
    if (b->err)
        return b->err;
    if (n > b->max || b->len > b->max - n) {
        b->err = MN_ELIMIT;
        return b->err;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return MN_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (b->max < SIZE_MAX && cap > b->max + 1)
        cap = b->max + 1;
    char *p;
    if (b->arena)
        p = mn_arena_realloc(b->arena, b->data, b->cap, cap);
    else
        p = realloc(b->data, cap);
    if (!p) {
        b->err = MN_ENOMEM;
        return b->err;
    }
    b->data = p;
    b->cap = cap;
    return MN_OK;
}

/* Ensures room for n more bytes plus the NUL. (cap never exceeds max + 1,
 * so room within cap is within the limit.) */
static inline int grow(mn_buf *b, size_t n)
{
    if (!b->err && b->cap - b->len > n)
        return MN_OK;
    return grow_slow(b, n);
}

int mn_buf_grow(mn_buf *b, size_t n) { return grow(b, n); }

/* The external definitions of str.h's inline builders. */
extern int mn_buf_append(mn_buf *b, const void *p, size_t n);
extern int mn_buf_putc(mn_buf *b, char c);
extern int mn_buf_put_str(mn_buf *b, mn_str s);
extern char *mn_buf_reserve(mn_buf *b, size_t n);
extern void mn_buf_commit(mn_buf *b, size_t n);
extern mn_str mn_buf_str(const mn_buf *b);
extern int mn_buf_error(const mn_buf *b);

int mn_buf_puts(mn_buf *b, const char *s)
{
    return mn_buf_append(b, s, strlen(s));
}

int mn_buf_vprintf(mn_buf *b, const char *fmt, va_list ap)
{
    if (b->err)
        return b->err;
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->err = MN_EINVAL;
        return b->err;
    }
    if ((size_t)n < sizeof small)
        return mn_buf_append(b, small, (size_t)n);
    if (grow(b, (size_t)n))
        return b->err;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return MN_OK;
}

int mn_buf_printf(mn_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = mn_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int mn_buf_put_u64(mn_buf *b, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return mn_buf_append(b, tmp + i, sizeof tmp - i);
}

int mn_buf_put_i64(mn_buf *b, int64_t v)
{
    if (v < 0) {
        if (mn_buf_putc(b, '-'))
            return b->err;
        return mn_buf_put_u64(b, (uint64_t)0 - (uint64_t)v);
    }
    return mn_buf_put_u64(b, (uint64_t)v);
}

void mn_buf_truncate(mn_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

const char *mn_buf_cstr(const mn_buf *b)
{
    return b->data ? b->data : "";
}

