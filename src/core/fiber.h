/* Private: fibers (cooperative user-space coroutines), one scheduler per
 * thread, and the hook through which code on a fiber waits for a file
 * descriptor of the thread's event loop.
 *
 * The server runs each request's view on a fiber. A view that never waits
 * costs two context switches (a few dozen instructions, no system call).
 * A view that waits (a PostgreSQL query sent into the connection's
 * pipeline) suspends its fiber; the loop serves other connections and
 * wakes the fiber when its result is there. Views stay plain synchronous C:
 * the suspension happens inside the framework's calls.
 *
 * Rules: fibers belong to the thread that made them; only the thread's own
 * stack (the scheduler) resumes fibers; a fiber suspends only through
 * mn__fiber_suspend. Per-request state that must follow a request across
 * switches lives in mn__fl (below), saved and restored on every switch. */
#ifndef MN_FIBER_H
#define MN_FIBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/error.h"

typedef struct mn__fiber mn__fiber;
typedef void (*mn__fiber_fn)(void *arg);

/* ---- fiber-local state ----
 * Thread-local variables that describe "the current request" (observers of
 * the database layer, the N+1 detector's pending relation, the activated
 * time zone, the template test hook). The variable is per thread; each
 * switch saves it into the fiber being left and loads the one entered, so
 * each fiber sees its own values. A new fiber starts with a copy of the
 * thread's values at its first resume (those of the code that made it). */
struct mn_db_observer;
struct mn_tz;
struct mn_template;
struct mn_template_context;
typedef struct mn__fiber_locals {
    struct mn_db_observer *db_observers; /* src/db/db.c */
    const char *nplus1_relation;         /* src/web/nplus1.c */
    bool nplus1_many;
    const struct mn_tz *tz; /* src/core/tz.c: the activated zone */
    /* src/template/render.c: mn_template_render_hook */
    void (*render_hook)(void *udata, const struct mn_template *t, struct mn_template_context *ctx);
    void *render_hook_udata;
} mn__fiber_locals;
extern _Thread_local mn__fiber_locals mn__fl;

/* ---- fibers ---- */

/* A fiber that will run fn(arg) on its own stack (taken from the thread's
 * pool, or mapped with a PROT_NONE guard page below it). It does not run
 * until mn__fiber_resume. NULL with err on failure (out of memory or of
 * address space). */
mn__fiber *mn__fiber_new(mn__fiber_fn fn, void *arg, mn_err *err);
/* Switches from the thread's stack to f until f suspends or returns.
 * Returns true when f has finished (its stack is back in the pool and f is
 * no longer valid), false when it suspended. Must be called from the
 * thread's own stack, never from a fiber. */
bool mn__fiber_resume(mn__fiber *f);
/* From a fiber: switches back to the scheduler until someone calls
 * mn__fiber_wake (or mn__fiber_resume) for this fiber. */
void mn__fiber_suspend(void);
/* Marks a suspended fiber ready: mn__fiber_run_ready resumes it. Waking a
 * fiber twice before it runs is harmless. */
void mn__fiber_wake(mn__fiber *f);
/* Resumes every ready fiber (including ones woken meanwhile). A fiber that
 * finishes calls its done callback (mn__fiber_set_done) here, on the
 * thread's stack. Returns the number of fibers resumed. */
size_t mn__fiber_run_ready(void);
/* True when fibers are ready to run. */
bool mn__fiber_any_ready(void);
/* Called on the thread's stack, with arg, when f finishes after having
 * suspended at least once (a fiber that finishes within its first resume
 * reports it through mn__fiber_resume's return value instead). */
void mn__fiber_set_done(mn__fiber *f, void (*fn)(void *arg), void *arg);
/* The running fiber, or NULL on the thread's own stack. */
mn__fiber *mn__fiber_current(void);
/* Fibers of this thread created and not finished. */
size_t mn__fiber_live(void);
/* Registers fn(arg) to run on the current fiber just before it finishes
 * (at most 4; false when full or not on a fiber). Used by the database
 * layer to roll back a transaction a request left open. */
bool mn__fiber_at_exit(void (*fn)(void *arg), void *arg);
/* Forgets the current fiber's exit hook fn(arg) (no-op when absent or not
 * on a fiber). Registering the same hook twice keeps one. */
void mn__fiber_at_exit_cancel(void (*fn)(void *arg), void *arg);
/* Frees the thread's pool of stacks (thread exit). Fibers still alive are
 * not touched. */
void mn__fiber_thread_cleanup(void);
/* Usable stack size of new fibers: FIBER_STACK_SIZE from the published
 * settings when set, else 512 KiB (4x under AddressSanitizer, whose
 * redzones make frames larger). */
size_t mn__fiber_stack_size(void);

/* ---- waiting for file descriptors ----
 * The thread's event loop (the server's epoll loop) registers itself with
 * mn__loop_set; code on a fiber then watches descriptors through it. A
 * watch is embedded in its owner's struct; its callback runs on the thread's
 * stack when the descriptor is ready and typically wakes fibers. */
#define MN__WATCH_KIND 0x5741 /* first int of the epoll data: tells watches apart */
typedef struct mn__watch mn__watch;
struct mn__watch {
    int kind; /* MN__WATCH_KIND */
    int fd;
    uint32_t events;  /* registered epoll events (0: not registered) */
    uint64_t loop_id; /* loop the registration belongs to */
    void (*fn)(mn__watch *w, uint32_t revents);
};
typedef struct mn__loop {
    void *ctx;
    /* Adds, changes or (events 0) removes w's registration. 0 or -1. */
    int (*ctl)(void *ctx, mn__watch *w, int op, uint32_t events);
} mn__loop;
/* Sets (NULL: clears) this thread's loop. Registrations made with a
 * previous loop are forgotten. */
void mn__loop_set(const mn__loop *loop);
/* True when this thread runs a loop and the caller is on one of its
 * fibers: waiting by suspending is possible. */
bool mn__loop_can_wait(void);
/* Watches w->fd for events (EPOLLIN/EPOLLOUT; 0 stops watching). 0, or -1
 * when no loop runs or epoll refused. */
int mn__watch_set(mn__watch *w, uint32_t events);

#endif
