/* Manouche: arenas, the owners of almost all framework memory.
 *
 * An arena hands out memory that lives until the arena is reset or freed:
 * process, worker, connection, request and scratch lifetimes each get one.
 * User code never frees what an arena returns. Cleanup callbacks registered
 * on an arena run (last registered first) when it is reset or freed.
 *
 * Arenas are not thread-safe: one arena belongs to one thread at a time.
 * Under AddressSanitizer the unused parts of blocks are poisoned and every
 * allocation is followed by a poisoned red zone, so overruns are reported. */
#ifndef MANOUCHE_ARENA_H
#define MANOUCHE_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include "manouche/error.h"

typedef struct mn_arena mn_arena;

/* Alignment of every allocation. */
#define MN_ARENA_ALIGN 16

/* Creates an arena. cap is the most bytes it may hold in total (blocks
 * included); 0 means no cap. name appears in error messages and may be NULL;
 * it must outlive the arena (use a literal). Returns NULL when out of memory. */
mn_arena *mn_arena_new(const char *name, size_t cap);

/* Runs the cleanups and releases all memory. NULL is allowed. */
void mn_arena_free(mn_arena *a);

/* Runs the cleanups and forgets every allocation, keeping the first block for
 * reuse (a request arena is reset between requests on a connection), and
 * the other blocks too while they total at most the retain bound
 * (mn_arena_set_retain), so that filling the arena again reuses memory
 * already mapped instead of faulting fresh pages in. Kept blocks still count
 * in mn_arena_reserved. */
void mn_arena_reset(mn_arena *a);

/* Bytes of blocks (headers included) a reset or rewind keeps by default. */
#define MN_ARENA_RETAIN ((size_t)32 << 20)

/* Sets the most bytes of blocks a reset or a rewind keeps for reuse beyond
 * the first block (default MN_ARENA_RETAIN); 0 gives every other block back
 * to the system at once. Kept blocks beyond a lower bound are given back now. */
void mn_arena_set_retain(mn_arena *a, size_t bytes);

/* Returns n bytes aligned to MN_ARENA_ALIGN, uninitialised, living until the
 * arena is reset or freed. Returns NULL when the cap would be exceeded or
 * memory is out; the arena records the failure (mn_arena_failed). n may be 0. */
void *mn_arena_alloc(mn_arena *a, size_t n);

/* Like mn_arena_alloc for count * size zeroed bytes; NULL on overflow. */
void *mn_arena_calloc(mn_arena *a, size_t count, size_t size);

/* Grows (or shrinks) an allocation of old_size bytes to new_size bytes.
 * Extends in place when p is the last allocation, otherwise copies.
 * p may be NULL (then it is mn_arena_alloc). Returns NULL on failure, leaving
 * p valid. */
void *mn_arena_realloc(mn_arena *a, void *p, size_t old_size, size_t new_size);

/* Copies n bytes into the arena. Returns NULL on failure. */
void *mn_arena_memdup(mn_arena *a, const void *p, size_t n);

/* Copies the first n bytes of s and adds a NUL. Returns NULL on failure. */
char *mn_arena_strndup(mn_arena *a, const char *s, size_t n);

/* Copies a NUL-terminated string. Returns NULL on failure or when s is NULL. */
char *mn_arena_strdup(mn_arena *a, const char *s);

/* printf into a new NUL-terminated arena string. Returns NULL on failure. */
char *mn_arena_sprintf(mn_arena *a, const char *fmt, ...) MN_PRINTF(2, 3);
char *mn_arena_vsprintf(mn_arena *a, const char *fmt, va_list ap);

/* Registers fn(arg) to run when the arena is reset or freed, in reverse order
 * of registration. Returns MN_OK or MN_ENOMEM (then fn is NOT registered, so
 * the caller must clean up itself). */
int mn_arena_on_cleanup(mn_arena *a, void (*fn)(void *arg), void *arg);

/* Bytes handed out since creation or the last reset (excluding overhead). */
size_t mn_arena_used(const mn_arena *a);

/* Bytes of memory the arena holds from the system, blocks included. */
size_t mn_arena_reserved(const mn_arena *a);

/* True when an allocation has failed since creation or the last reset. */
int mn_arena_failed(const mn_arena *a);

/* The name given at creation, or "arena". */
const char *mn_arena_name(const mn_arena *a);

/* A saved position: allocations made after mn_arena_mark can be dropped with
 * mn_arena_rewind (scratch work inside a longer-lived arena). Cleanups
 * registered after the mark run at the rewind. */
typedef struct mn_arena_mark {
    void *block;
    void *below; /* the block under block at the mark (large blocks go between) */
    size_t used;
    size_t total;
    void *cleanup;
} mn_arena_mark;

mn_arena_mark mn_arena_mark_get(mn_arena *a);
void mn_arena_rewind(mn_arena *a, mn_arena_mark mark);

#endif
