/* Arenas: bump allocation in blocks, cleanups, caps, ASan poisoning. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/arena.h"

#if defined(__SANITIZE_ADDRESS__)
#define MN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MN_ASAN 1
#endif
#endif

#ifdef MN_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
/* A poisoned gap after each allocation so that overruns are caught. */
#define REDZONE MN_ARENA_ALIGN
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#define REDZONE 0
#endif

#define BLOCK_MIN ((size_t)8192)

typedef struct block {
    struct block *prev;
    size_t size; /* usable bytes in data */
    size_t used;
    _Alignas(MN_ARENA_ALIGN) unsigned char data[];
} block;

typedef struct cleanup {
    struct cleanup *prev;
    void (*fn)(void *);
    void *arg;
} cleanup;

struct mn_arena {
    block *cur;
    block *first; /* kept across resets */
    cleanup *cleanups;
    const char *name;
    size_t cap;
    size_t reserved; /* bytes obtained from malloc for blocks */
    size_t used;     /* bytes handed out */
    size_t next_size;
    void *last;      /* last allocation, for in-place realloc */
    block *last_block;
    size_t last_size;
    block *spare;       /* blocks kept by resets and rewinds, for reuse */
    size_t spare_bytes; /* their total, headers included */
    size_t retain;      /* the most spare_bytes may reach */
    int failed;
};

static size_t align_up(size_t n)
{
    return (n + (MN_ARENA_ALIGN - 1)) & ~(size_t)(MN_ARENA_ALIGN - 1);
}

/* Gives kept blocks back until they total at most bytes. */
static void spares_trim(mn_arena *a, size_t bytes)
{
    while (a->spare && a->spare_bytes > bytes) {
        block *b = a->spare;
        a->spare = b->prev;
        a->spare_bytes -= sizeof(block) + b->size;
        a->reserved -= sizeof(block) + b->size;
        UNPOISON(b->data, b->size);
        free(b);
    }
}

/* A block the arena no longer uses: kept for reuse while the spares stay
 * within the retain bound (no page faults when the arena fills again),
 * otherwise given back. */
static void block_release(mn_arena *a, block *b)
{
    size_t total = sizeof(block) + b->size;
    if (total <= a->retain && a->spare_bytes <= a->retain - total) {
        POISON(b->data, b->size);
        b->prev = a->spare;
        a->spare = b;
        a->spare_bytes += total;
        return;
    }
    a->reserved -= total;
    UNPOISON(b->data, b->size);
    free(b);
}

static block *spare_take(mn_arena *a, size_t min)
{
    for (block **pp = &a->spare; *pp; pp = &(*pp)->prev) {
        block *b = *pp;
        if (b->size >= min) {
            *pp = b->prev;
            a->spare_bytes -= sizeof(block) + b->size;
            b->prev = NULL;
            b->used = 0;
            return b;
        }
    }
    return NULL;
}

static block *block_new(mn_arena *a, size_t min)
{
    block *s = spare_take(a, min);
    if (s)
        return s;
    size_t size = a->next_size;
    if (size < min)
        size = min;
    if (size > SIZE_MAX - sizeof(block))
        return NULL;
    size_t total = sizeof(block) + size;
    /* Spares too small for this allocation must not hold it back from the cap. */
    if (a->cap && a->spare && (a->reserved > a->cap || total > a->cap - a->reserved))
        spares_trim(a, 0);
    if (a->cap && (a->reserved > a->cap || total > a->cap - a->reserved)) {
        /* Try the smallest block that fits before giving up. */
        if (min < size && sizeof(block) + min <= a->cap - a->reserved) {
            size = min;
            total = sizeof(block) + size;
        } else {
            return NULL;
        }
    }
    block *b = malloc(total);
    if (!b)
        return NULL;
    b->prev = NULL;
    b->size = size;
    b->used = 0;
    POISON(b->data, size);
    a->reserved += total;
    if (a->next_size < ((size_t)1 << 20))
        a->next_size *= 2;
    return b;
}

mn_arena *mn_arena_new(const char *name, size_t cap)
{
    mn_arena *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->name = name;
    a->cap = cap;
    a->next_size = BLOCK_MIN;
    a->retain = MN_ARENA_RETAIN;
    return a;
}

static void run_cleanups(mn_arena *a, cleanup *stop)
{
    while (a->cleanups && a->cleanups != stop) {
        cleanup *c = a->cleanups;
        a->cleanups = c->prev;
        c->fn(c->arg);
    }
}

static void release_blocks_until(mn_arena *a, block *keep)
{
    while (a->cur && a->cur != keep) {
        block *b = a->cur;
        a->cur = b->prev;
        if (b == a->first)
            a->first = NULL;
        block_release(a, b);
    }
}

void mn_arena_free(mn_arena *a)
{
    if (!a)
        return;
    run_cleanups(a, NULL);
    a->retain = 0;
    release_blocks_until(a, NULL);
    spares_trim(a, 0);
    free(a);
}

void mn_arena_set_retain(mn_arena *a, size_t bytes)
{
    a->retain = bytes;
    spares_trim(a, bytes);
}

void mn_arena_reset(mn_arena *a)
{
    if (!a)
        return;
    run_cleanups(a, NULL);
    /* Keep the first block: it is the one every request starts in. */
    block *keep = a->first;
    block *b = a->cur;
    while (b) {
        block *prev = b->prev;
        if (b != keep)
            block_release(a, b);
        b = prev;
    }
    if (keep) {
        keep->prev = NULL;
        keep->used = 0;
        POISON(keep->data, keep->size);
    }
    a->cur = keep;
    a->used = 0;
    a->last = NULL;
    a->last_block = NULL;
    a->last_size = 0;
    a->failed = 0;
}

void *mn_arena_alloc(mn_arena *a, size_t n)
{
    if (n > SIZE_MAX / 2) {
        a->failed = 1;
        return NULL;
    }
    size_t need = align_up(n + REDZONE);
    block *b = a->cur;
    if (!b || b->size - b->used < need) {
        block *nb = block_new(a, need);
        if (!nb) {
            a->failed = 1;
            return NULL;
        }
        /* A large allocation gets its own block behind the current one, so
         * the current block's free space is not wasted. */
        if (b && need > b->size / 4 && b->size - b->used >= BLOCK_MIN / 4) {
            nb->prev = b->prev;
            b->prev = nb;
        } else {
            nb->prev = b;
            a->cur = nb;
        }
        if (!a->first)
            a->first = nb;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used += n;
    UNPOISON(p, n);
    a->last = p;
    a->last_block = b;
    a->last_size = n;
    return p;
}

void *mn_arena_calloc(mn_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        a->failed = 1;
        return NULL;
    }
    void *p = mn_arena_alloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *mn_arena_realloc(mn_arena *a, void *p, size_t old_size, size_t new_size)
{
    if (!p)
        return mn_arena_alloc(a, new_size);
    if (p == a->last && old_size == a->last_size) {
        block *b = a->last_block;
        unsigned char *start = p;
        size_t offset = (size_t)(start - b->data);
        size_t need = align_up(new_size + REDZONE);
        if (offset + need <= b->size && new_size <= SIZE_MAX / 2) {
            if (new_size < old_size)
                POISON(start + new_size, old_size - new_size);
            b->used = offset + need;
            a->used = a->used - old_size + new_size;
            UNPOISON(start, new_size);
            a->last_size = new_size;
            return p;
        }
    }
    if (new_size <= old_size)
        return p;
    void *q = mn_arena_alloc(a, new_size);
    if (!q)
        return NULL;
    memcpy(q, p, old_size);
    return q;
}

void *mn_arena_memdup(mn_arena *a, const void *p, size_t n)
{
    void *q = mn_arena_alloc(a, n);
    if (q && n)
        memcpy(q, p, n);
    return q;
}

char *mn_arena_strndup(mn_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *q = mn_arena_alloc(a, n + 1);
    if (!q)
        return NULL;
    if (n)
        memcpy(q, s, n);
    q[n] = '\0';
    return q;
}

char *mn_arena_strdup(mn_arena *a, const char *s)
{
    return s ? mn_arena_strndup(a, s, strlen(s)) : NULL;
}

char *mn_arena_vsprintf(mn_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *q = mn_arena_alloc(a, (size_t)n + 1);
    if (!q)
        return NULL;
    vsnprintf(q, (size_t)n + 1, fmt, ap);
    return q;
}

char *mn_arena_sprintf(mn_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *q = mn_arena_vsprintf(a, fmt, ap);
    va_end(ap);
    return q;
}

int mn_arena_on_cleanup(mn_arena *a, void (*fn)(void *), void *arg)
{
    cleanup *c = mn_arena_alloc(a, sizeof *c);
    if (!c)
        return MN_ENOMEM;
    c->fn = fn;
    c->arg = arg;
    c->prev = a->cleanups;
    a->cleanups = c;
    return MN_OK;
}

size_t mn_arena_used(const mn_arena *a) { return a->used; }
size_t mn_arena_reserved(const mn_arena *a) { return a->reserved; }
int mn_arena_failed(const mn_arena *a) { return a->failed; }
const char *mn_arena_name(const mn_arena *a) { return a->name ? a->name : "arena"; }

mn_arena_mark mn_arena_mark_get(mn_arena *a)
{
    mn_arena_mark m;
    m.block = a->cur;
    m.below = a->cur ? a->cur->prev : NULL;
    m.used = a->cur ? a->cur->used : 0;
    m.total = a->used;
    m.cleanup = a->cleanups;
    return m;
}

void mn_arena_rewind(mn_arena *a, mn_arena_mark m)
{
    run_cleanups(a, m.cleanup);
    /* Blocks made after the mark go: those stacked on top of the mark's
     * block, and large ones slipped in just behind it (between it and the
     * block that was under it at the mark). */
    release_blocks_until(a, m.block);
    if (a->cur) {
        while (a->cur->prev && a->cur->prev != m.below) {
            block *b = a->cur->prev;
            a->cur->prev = b->prev;
            block_release(a, b);
        }
        POISON(a->cur->data + m.used, a->cur->size - m.used);
        a->cur->used = m.used;
    }
    a->used = m.total;
    a->last = NULL;
    a->last_block = NULL;
    a->last_size = 0;
}
