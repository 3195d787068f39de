#include <criterion/criterion.h>
#include <fenv.h>
#include <signal.h>
#include <string.h>
#include "fiber.h"
#include "manouche/datetime.h"

static int steps;

static void count_twice(void *arg)
{
    int *n = arg;
    (*n)++;
    cr_assert_not_null(mn__fiber_current());
    mn__fiber_suspend();
    (*n)++;
}

Test(fiber, resume_suspend_finish)
{
    int n = 0;
    cr_assert_null(mn__fiber_current());
    size_t live = mn__fiber_live();
    mn__fiber *f = mn__fiber_new(count_twice, &n, NULL);
    cr_assert_not_null(f);
    cr_assert_eq(n, 0, "a new fiber does not run before its first resume");
    cr_assert_eq(mn__fiber_live(), live + 1);
    cr_assert_not(mn__fiber_resume(f));
    cr_assert_eq(n, 1);
    cr_assert_null(mn__fiber_current(), "back on the thread's own stack");
    cr_assert(mn__fiber_resume(f));
    cr_assert_eq(n, 2);
    cr_assert_eq(mn__fiber_live(), live);
}

static void no_wait(void *arg) { *(int *)arg = 42; }

Test(fiber, finishing_without_suspending)
{
    int v = 0;
    mn__fiber *f = mn__fiber_new(no_wait, &v, NULL);
    cr_assert(mn__fiber_resume(f));
    cr_assert_eq(v, 42);
}

/* Many fibers interleaved through the run queue: each records its id at
 * every step, and the run queue keeps wake order. */
#define MANY 300
#define ROUNDS 4
static int trace[MANY * ROUNDS + 8];
static size_t ntrace;
static mn__fiber *fibers[MANY];

static void stepper(void *arg)
{
    int id = (int)(intptr_t)arg;
    volatile char pad[512]; /* some stack per fiber */
    memset((char *)pad, id & 0xff, sizeof pad);
    for (int r = 0; r < ROUNDS; r++) {
        trace[ntrace++] = id;
        mn__fiber_suspend();
        cr_assert_eq(pad[r * 7], (char)(id & 0xff), "a fiber's stack is its own");
    }
}

static int finished;
static void on_done(void *arg)
{
    (void)arg;
    finished++;
}

Test(fiber, many_fibers_round_robin)
{
    ntrace = 0;
    finished = 0;
    for (int i = 0; i < MANY; i++) {
        fibers[i] = mn__fiber_new(stepper, (void *)(intptr_t)i, NULL);
        cr_assert_not_null(fibers[i]);
        cr_assert_not(mn__fiber_resume(fibers[i]));
        mn__fiber_set_done(fibers[i], on_done, NULL);
    }
    for (int r = 1; r <= ROUNDS; r++) {
        /* Wake in reverse order: the queue runs them in that order. */
        for (int i = MANY - 1; i >= 0; i--) {
            mn__fiber_wake(fibers[i]);
            mn__fiber_wake(fibers[i]); /* twice is harmless */
        }
        cr_assert(mn__fiber_any_ready());
        cr_assert_eq(mn__fiber_run_ready(), (size_t)MANY);
        cr_assert_not(mn__fiber_any_ready());
        if (r < ROUNDS)
            for (int i = 0; i < MANY; i++)
                cr_assert_eq(trace[(size_t)r * MANY + (size_t)i], MANY - 1 - i);
    }
    cr_assert_eq(finished, MANY, "every fiber finished through the run queue");
    cr_assert_eq(ntrace, (size_t)MANY * ROUNDS);
}

/* ---- fiber-local state ---- */

static void zone_user(void *arg)
{
    const mn_tz *mine = arg;
    mn_tz_activate(mine);
    mn__fl.nplus1_relation = mine == mn_tz_utc() ? "utc" : "other";
    mn__fiber_suspend();
    cr_assert_eq(mn_tz_current(), mine, "the activated zone follows its fiber");
    cr_assert_str_eq(mn__fl.nplus1_relation, mine == mn_tz_utc() ? "utc" : "other");
    mn__fiber_suspend();
    cr_assert_eq(mn_tz_current(), mine);
}

Test(fiber, locals_follow_their_fiber)
{
    const mn_tz *paris = mn_tz_get("Europe/Paris", NULL);
    cr_assert_not_null(paris);
    mn_tz_activate(NULL);
    const mn_tz *main_zone = mn_tz_current();
    mn__fiber *a = mn__fiber_new(zone_user, (void *)mn_tz_utc(), NULL);
    mn__fiber *b = mn__fiber_new(zone_user, (void *)paris, NULL);
    cr_assert_not(mn__fiber_resume(a));
    cr_assert_eq(mn_tz_current(), main_zone, "the thread's own value is back after a switch");
    cr_assert_null(mn__fl.nplus1_relation);
    cr_assert_not(mn__fiber_resume(b));
    cr_assert_not(mn__fiber_resume(a));
    cr_assert_not(mn__fiber_resume(b));
    cr_assert(mn__fiber_resume(b));
    cr_assert(mn__fiber_resume(a));
    cr_assert_eq(mn_tz_current(), main_zone);
}

static void reads_inherited(void *arg)
{
    *(const mn_tz **)arg = mn_tz_current();
    mn_tz_activate(mn_tz_utc());
}

Test(fiber, new_fiber_starts_with_its_creators_values)
{
    const mn_tz *paris = mn_tz_get("Europe/Paris", NULL);
    mn_tz_activate(paris);
    const mn_tz *seen = NULL;
    mn__fiber *f = mn__fiber_new(reads_inherited, &seen, NULL);
    cr_assert(mn__fiber_resume(f));
    cr_assert_eq(seen, paris);
    cr_assert_eq(mn_tz_current(), paris, "the fiber's activation stayed on the fiber");
    mn_tz_activate(NULL);
}

/* ---- stacks ---- */

static void where(void *arg)
{
    /* The frame's address, not a local's: under ASan a local whose address
     * is taken may live on a fake stack that differs from run to run. */
    *(uintptr_t *)arg = (uintptr_t)__builtin_frame_address(0);
}

Test(fiber, stack_reused_from_the_pool)
{
    uintptr_t first = 0, second = 0;
    mn__fiber *f = mn__fiber_new(where, &first, NULL);
    cr_assert(mn__fiber_resume(f));
    mn__fiber *g = mn__fiber_new(where, &second, NULL);
    cr_assert(mn__fiber_resume(g));
    cr_assert_neq(first, 0);
    cr_assert_eq(first, second, "the second fiber runs on the first one's stack");
    mn__fiber_thread_cleanup();
    uintptr_t third = 0;
    mn__fiber *h = mn__fiber_new(where, &third, NULL);
    cr_assert(mn__fiber_resume(h));
    cr_assert_neq(third, 0);
}

static size_t recurse(size_t depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    frame[1023] = (char)depth;
    if (depth == 0)
        return frame[0] + frame[1023];
    return recurse(depth - 1) + (size_t)frame[0] * 0 + 1;
}

static void deep(void *arg) { *(size_t *)arg = recurse(200); }

Test(fiber, deep_recursion_fits_the_default_stack)
{
    cr_assert_geq(mn__fiber_stack_size(), (size_t)512 * 1024);
    size_t r = 0;
    mn__fiber *f = mn__fiber_new(deep, &r, NULL);
    cr_assert(mn__fiber_resume(f));
    cr_assert_eq(r, 200);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#endif
#ifndef UNDER_ASAN
static volatile size_t limit = SIZE_MAX;
static size_t forever(size_t depth)
{
    volatile char frame[4096];
    frame[0] = (char)depth;
    if (depth == limit)
        return 0;
    return forever(depth + 1) + frame[0];
}

static void overflow(void *arg)
{
    (void)arg;
    forever(0);
}

/* Running off the stack hits the guard page: a crash, never a silent
 * write into the neighbouring memory. */
Test(fiber, stack_overflow_hits_the_guard_page, .signal = SIGSEGV)
{
    mn__fiber *f = mn__fiber_new(overflow, NULL, NULL);
    mn__fiber_resume(f);
}
#endif

/* ---- registers ---- */

static void rounding(void *arg)
{
    int *seen = arg;
    fesetround(FE_UPWARD);
    mn__fiber_suspend();
    *seen = fegetround();
}

Test(fiber, floating_point_control_follows_the_fiber)
{
    int seen = -1;
    fesetround(FE_TONEAREST);
    mn__fiber *f = mn__fiber_new(rounding, &seen, NULL);
    cr_assert_not(mn__fiber_resume(f));
    cr_assert_eq(fegetround(), FE_TONEAREST, "the fiber's rounding mode stays on the fiber");
    cr_assert(mn__fiber_resume(f));
    cr_assert_eq(seen, FE_UPWARD);
    cr_assert_eq(fegetround(), FE_TONEAREST);
}

static void callee_saved(void *arg)
{
    (void)arg;
    /* Clobber registers freely, then suspend: the resumer's locals must
     * survive (the compiler keeps them in callee-saved registers). */
    volatile uint64_t x = 0;
    for (int i = 0; i < 100; i++)
        x += (uint64_t)i * 2654435761u;
    mn__fiber_suspend();
    steps += (int)(x & 1) + 1;
}

Test(fiber, registers_survive_switches)
{
    steps = 0;
    uint64_t a = 0x1111, b = 0x2222, c = 0x3333, d = 0x4444, e = 0x5555;
    for (int i = 0; i < 50; i++) {
        mn__fiber *f = mn__fiber_new(callee_saved, NULL, NULL);
        cr_assert_not(mn__fiber_resume(f));
        a += 1;
        b += 2;
        c += 3;
        d += 4;
        e += 5;
        cr_assert(mn__fiber_resume(f));
    }
    cr_assert_eq(a, 0x1111 + 50);
    cr_assert_eq(b, 0x2222 + 100);
    cr_assert_eq(c, 0x3333 + 150);
    cr_assert_eq(d, 0x4444 + 200);
    cr_assert_eq(e, 0x5555 + 250);
    cr_assert_geq(steps, 50);
}

/* ---- exit hooks and the loop hook ---- */

static int hooks[4];
static size_t nhooks;
static void hook(void *arg) { hooks[nhooks++] = (int)(intptr_t)arg; }

static void with_hooks(void *arg)
{
    (void)arg;
    cr_assert(mn__fiber_at_exit(hook, (void *)1));
    cr_assert(mn__fiber_at_exit(hook, (void *)2));
    mn__fiber_suspend();
}

Test(fiber, exit_hooks_run_last_registered_first)
{
    nhooks = 0;
    cr_assert_not(mn__fiber_at_exit(hook, NULL), "no hook outside a fiber");
    mn__fiber *f = mn__fiber_new(with_hooks, NULL, NULL);
    cr_assert_not(mn__fiber_resume(f));
    cr_assert_eq(nhooks, 0);
    cr_assert(mn__fiber_resume(f));
    cr_assert_eq(nhooks, 2);
    cr_assert_eq(hooks[0], 2);
    cr_assert_eq(hooks[1], 1);
}

static int ctl_calls, ctl_last_op;
static int fake_ctl(void *ctx, mn__watch *w, int op, uint32_t events)
{
    (void)ctx;
    (void)w;
    (void)events;
    ctl_calls++;
    ctl_last_op = op;
    return 0;
}

static void can_wait(void *arg) { *(bool *)arg = mn__loop_can_wait(); }

Test(fiber, watches_go_through_the_loop)
{
    mn__watch w = { .fd = 0 };
    cr_assert_eq(mn__watch_set(&w, 1), -1, "no loop: nothing to watch with");
    cr_assert_eq(mn__watch_set(&w, 0), 0);
    mn__loop loop = { .ctx = NULL, .ctl = fake_ctl };
    mn__loop_set(&loop);
    cr_assert_not(mn__loop_can_wait(), "the thread's own stack cannot wait");
    bool in_fiber = false;
    mn__fiber *f = mn__fiber_new(can_wait, &in_fiber, NULL);
    cr_assert(mn__fiber_resume(f));
    cr_assert(in_fiber);
    cr_assert_eq(mn__watch_set(&w, 1), 0);
    cr_assert_eq(w.kind, MN__WATCH_KIND);
    cr_assert_eq(mn__watch_set(&w, 1), 0);
    cr_assert_eq(ctl_calls, 1, "an unchanged registration costs nothing");
    cr_assert_eq(mn__watch_set(&w, 5), 0);
    cr_assert_eq(mn__watch_set(&w, 0), 0);
    cr_assert_eq(ctl_calls, 3);
    cr_assert_eq(mn__watch_set(&w, 1), 0);
    mn__loop_set(NULL);
    cr_assert_eq(mn__watch_set(&w, 0), 0, "a registration of a gone loop is forgotten");
    cr_assert_eq(w.events, 0);
    cr_assert_eq(ctl_calls, 4);
}
