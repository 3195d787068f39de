/* String slices. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <sys/random.h>
#include "manouche/str.h"

/* The external definitions of str.h's inline functions. */
extern mn_str mn_str_from(const char *cstr);
extern mn_str mn_str_make(const char *p, size_t n);
extern bool mn_str_eq(mn_str a, mn_str b);
extern bool mn_str_eq_cstr(mn_str a, const char *b);


static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

bool mn_str_ieq(mn_str a, mn_str b)
{
    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; i++)
        if (ascii_lower((unsigned char)a.ptr[i]) != ascii_lower((unsigned char)b.ptr[i]))
            return false;
    return true;
}

bool mn_str_ieq_cstr(mn_str a, const char *b)
{
    /* One pass, no strlen: b ends at its NUL. */
    size_t i = 0;
    for (; i < a.len; i++)
        if (!b[i] || ascii_lower((unsigned char)a.ptr[i]) != ascii_lower((unsigned char)b[i]))
            return false;
    return !b[i];
}

int mn_str_cmp(mn_str a, mn_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c)
        return c;
    return a.len < b.len ? -1 : a.len > b.len;
}

bool mn_str_starts_with(mn_str s, mn_str prefix)
{
    return s.len >= prefix.len && (prefix.len == 0 || memcmp(s.ptr, prefix.ptr, prefix.len) == 0);
}

bool mn_str_ends_with(mn_str s, mn_str suffix)
{
    return s.len >= suffix.len &&
           (suffix.len == 0 || memcmp(s.ptr + s.len - suffix.len, suffix.ptr, suffix.len) == 0);
}

ptrdiff_t mn_str_find(mn_str s, mn_str needle, size_t from)
{
    if (from > s.len || needle.len > s.len - from)
        return -1;
    if (needle.len == 0)
        return (ptrdiff_t)from;
    const char *p = memmem(s.ptr + from, s.len - from, needle.ptr, needle.len);
    return p ? p - s.ptr : -1;
}

ptrdiff_t mn_str_find_char(mn_str s, char c, size_t from)
{
    if (from >= s.len)
        return -1;
    const char *p = memchr(s.ptr + from, c, s.len - from);
    return p ? p - s.ptr : -1;
}

ptrdiff_t mn_str_rfind_char(mn_str s, char c)
{
    if (s.len == 0)
        return -1;
    const char *p = memrchr(s.ptr, c, s.len);
    return p ? p - s.ptr : -1;
}

mn_str mn_str_slice(mn_str s, size_t start, size_t end)
{
    if (end > s.len)
        end = s.len;
    if (start > end)
        start = end;
    return (mn_str){ s.ptr + start, end - start };
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

mn_str mn_str_trim(mn_str s)
{
    while (s.len && is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && is_space(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

bool mn_str_split_once(mn_str s, char sep, mn_str *head, mn_str *tail)
{
    ptrdiff_t i = mn_str_find_char(s, sep, 0);
    if (i < 0) {
        *head = s;
        *tail = (mn_str){ s.ptr + s.len, 0 };
        return false;
    }
    *head = (mn_str){ s.ptr, (size_t)i };
    *tail = (mn_str){ s.ptr + i + 1, s.len - (size_t)i - 1 };
    return true;
}

bool mn_str_next_field(mn_str s, char sep, size_t *pos, mn_str *field)
{
    /* *pos is one past the end of the previous separator; s.len + 1 means done. */
    if (*pos > s.len)
        return false;
    ptrdiff_t i = mn_str_find_char(s, sep, *pos);
    size_t end = i < 0 ? s.len : (size_t)i;
    *field = (mn_str){ s.ptr + *pos, end - *pos };
    *pos = end + 1;
    return true;
}

int mn_str_to_u64(mn_str s, uint64_t *out)
{
    size_t i = 0;
    if (s.len && s.ptr[0] == '+')
        i = 1;
    if (i == s.len)
        return MN_EPARSE;
    uint64_t v = 0;
    for (; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c < '0' || c > '9')
            return MN_EPARSE;
        if (v > (UINT64_MAX - (c - '0')) / 10)
            return MN_ERANGE;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return MN_OK;
}

int mn_str_to_i64(mn_str s, int64_t *out)
{
    bool neg = false;
    mn_str digits = s;
    if (s.len && (s.ptr[0] == '-' || s.ptr[0] == '+')) {
        neg = s.ptr[0] == '-';
        digits = mn_str_slice(s, 1, s.len);
        if (digits.len && digits.ptr[0] == '+')
            return MN_EPARSE;
    }
    uint64_t u;
    int rc = mn_str_to_u64(digits, &u);
    if (rc)
        return rc;
    if (neg) {
        if (u > (uint64_t)INT64_MAX + 1)
            return MN_ERANGE;
        *out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
    } else {
        if (u > (uint64_t)INT64_MAX)
            return MN_ERANGE;
        *out = (int64_t)u;
    }
    return MN_OK;
}

int mn_str_to_double(mn_str s, double *out)
{
    char small[128];
    if (s.len == 0 || s.len == SIZE_MAX)
        return MN_EPARSE;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
            return MN_EPARSE;
    }
    /* strtod needs a NUL: a stack copy, or a heap one for long spellings
     * (many leading zeros or digits are still a valid number). */
    char *tmp = s.len < sizeof small ? small : malloc(s.len + 1);
    if (!tmp)
        return MN_ENOMEM;
    memcpy(tmp, s.ptr, s.len);
    tmp[s.len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    bool whole = end == tmp + s.len;
    int range = errno == ERANGE;
    if (tmp != small)
        free(tmp);
    if (!whole)
        return MN_EPARSE;
    if (range && (v == HUGE_VAL || v == -HUGE_VAL))
        return MN_ERANGE;
    *out = v;
    return MN_OK;
}

int mn_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *mn_str_dup(mn_arena *a, mn_str s)
{
    return mn_arena_strndup(a, s.ptr, s.len);
}

mn_str mn_str_clone(mn_arena *a, mn_str s)
{
    char *p = mn_arena_strndup(a, s.ptr, s.len);
    if (!p)
        return (mn_str){ NULL, 0 };
    return (mn_str){ p, s.len };
}

uint64_t mn_str_hash(mn_str s)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < s.len; i++) {
        h ^= (unsigned char)s.ptr[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* SipHash-1-3 with a per-process key. */
static uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

#define SIPROUND                                                              \
    do {                                                                      \
        v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);             \
        v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                                \
        v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                                \
        v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);             \
    } while (0)

static uint64_t hash_key[2];
static pthread_once_t hash_key_once = PTHREAD_ONCE_INIT;

static void hash_key_init(void)
{
    unsigned char *p = (unsigned char *)hash_key;
    size_t got = 0;
    while (got < sizeof hash_key) {
        ssize_t n = getrandom(p + got, sizeof hash_key - got, 0);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            /* No entropy source at all: fall back to addresses and time;
             * the table still works, it is only less flood-resistant. */
            hash_key[0] ^= (uint64_t)(uintptr_t)&hash_key ^ (uint64_t)time(NULL);
            hash_key[1] ^= (uint64_t)(uintptr_t)&got * 0x9e3779b97f4a7c15ULL;
            return;
        }
        got += (size_t)n;
    }
}

uint64_t mn_str_hash_keyed(mn_str s)
{
    pthread_once(&hash_key_once, hash_key_init);
    uint64_t k0 = hash_key[0], k1 = hash_key[1];
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t n = s.len, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t m;
        memcpy(&m, p + i, 8);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)n << 56;
    for (size_t j = 0; i + j < n; j++)
        b |= (uint64_t)p[i + j] << (8 * j);
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}
