/* Fibers: a hand-written context switch (x86_64 SysV, aarch64; ucontext
 * elsewhere), mmap'd stacks with a guard page, pooled per thread, and a
 * run queue per thread. See fiber.h. */
#include "fiber.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>
#include "manouche/settings.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MN__ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(MN__ASAN)
#define MN__ASAN 1
#endif
#ifdef MN__ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define MN__VALGRIND 1
#endif
#endif

#if defined(__x86_64__) && !defined(MN_FIBER_UCONTEXT)
#define MN__FIBER_ASM 1
#elif defined(__aarch64__) && !defined(MN_FIBER_UCONTEXT)
#define MN__FIBER_ASM 1
#else
#include <ucontext.h>
#endif

#define POOL_MAX 64
#define MAX_AT_EXIT 4

enum { F_NEW, F_RUNNING, F_SUSPENDED, F_READY, F_DONE };

struct mn__fiber {
    void *sp; /* saved stack pointer while switched out (asm) */
#ifndef MN__FIBER_ASM
    ucontext_t uc;
#endif
    mn__fiber_fn fn;
    void *arg;
    int state;
    bool resumed_once; /* has suspended at least once */
    void (*done)(void *);
    void *done_arg;
    struct {
        void (*fn)(void *);
        void *arg;
    } at_exit[MAX_AT_EXIT];
    int nat_exit;
    mn__fiber *next_ready;
    mn__fiber_locals locals; /* saved while switched out */
    char *map;               /* the mapping: guard page, stack, this struct */
    size_t map_len;
    char *stack_lo; /* lowest usable byte of the stack */
    size_t stack_size;
#ifdef MN__ASAN
    void *fake_stack;
#endif
#ifdef MN__VALGRIND
    unsigned vg_id;
#endif
};

typedef struct sched {
    void *main_sp;
#ifndef MN__FIBER_ASM
    ucontext_t main_uc;
#endif
    mn__fiber *cur;
    mn__fiber *ready_head, *ready_tail;
    mn__fiber *pool[POOL_MAX];
    size_t npool;
    size_t live;
    mn__fiber_locals main_locals;
    const mn__loop *loop;
    uint64_t loop_id;
#ifdef MN__ASAN
    const void *main_bottom;
    size_t main_size;
    void *main_fake;
#endif
} sched;

_Thread_local mn__fiber_locals mn__fl;
static _Thread_local sched S;

/* ---- the switch ----
 * mn__fiber_swap(save, to): pushes the callee-saved registers (and the
 * floating-point control words) on the current stack, stores the stack
 * pointer in *save, loads `to` as the stack pointer and pops the same
 * layout from it. A new stack is laid out so that the pop "returns" into
 * the trampoline, which calls entry(fiber). */
#ifdef MN__FIBER_ASM
void mn__fiber_swap(void **save, void *to);
void mn__fiber_trampoline(void);
#if defined(__x86_64__)
__asm__(".text\n"
        ".globl mn__fiber_swap\n"
        ".hidden mn__fiber_swap\n"
        ".type mn__fiber_swap,@function\n"
        ".p2align 4\n"
        "mn__fiber_swap:\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  subq $8, %rsp\n"
        "  stmxcsr (%rsp)\n"
        "  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  ldmxcsr (%rsp)\n"
        "  fldcw 4(%rsp)\n"
        "  addq $8, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size mn__fiber_swap, .-mn__fiber_swap\n"
        ".globl mn__fiber_trampoline\n"
        ".hidden mn__fiber_trampoline\n"
        ".type mn__fiber_trampoline,@function\n"
        "mn__fiber_trampoline:\n"
        "  movq %r12, %rdi\n"
        "  callq *%r13\n"
        "  ud2\n"
        ".size mn__fiber_trampoline, .-mn__fiber_trampoline\n");
#define FRAME_WORDS 8 /* control words, r15, r14, r13, r12, rbx, rbp, return */
#elif defined(__aarch64__)
__asm__(".text\n"
        ".globl mn__fiber_swap\n"
        ".hidden mn__fiber_swap\n"
        ".type mn__fiber_swap,%function\n"
        ".p2align 2\n"
        "mn__fiber_swap:\n"
        "  sub sp, sp, #160\n"
        "  stp x19, x20, [sp, #0]\n"
        "  stp x21, x22, [sp, #16]\n"
        "  stp x23, x24, [sp, #32]\n"
        "  stp x25, x26, [sp, #48]\n"
        "  stp x27, x28, [sp, #64]\n"
        "  stp x29, x30, [sp, #80]\n"
        "  stp d8, d9, [sp, #96]\n"
        "  stp d10, d11, [sp, #112]\n"
        "  stp d12, d13, [sp, #128]\n"
        "  stp d14, d15, [sp, #144]\n"
        "  mov x2, sp\n"
        "  str x2, [x0]\n"
        "  mov sp, x1\n"
        "  ldp x19, x20, [sp, #0]\n"
        "  ldp x21, x22, [sp, #16]\n"
        "  ldp x23, x24, [sp, #32]\n"
        "  ldp x25, x26, [sp, #48]\n"
        "  ldp x27, x28, [sp, #64]\n"
        "  ldp x29, x30, [sp, #80]\n"
        "  ldp d8, d9, [sp, #96]\n"
        "  ldp d10, d11, [sp, #112]\n"
        "  ldp d12, d13, [sp, #128]\n"
        "  ldp d14, d15, [sp, #144]\n"
        "  add sp, sp, #160\n"
        "  ret\n"
        ".size mn__fiber_swap, .-mn__fiber_swap\n"
        ".globl mn__fiber_trampoline\n"
        ".hidden mn__fiber_trampoline\n"
        ".type mn__fiber_trampoline,%function\n"
        "mn__fiber_trampoline:\n"
        "  mov x0, x19\n"
        "  blr x20\n"
        "  brk #0\n"
        ".size mn__fiber_trampoline, .-mn__fiber_trampoline\n");
#define FRAME_WORDS 20 /* x19-x30, d8-d15 */
#endif
#endif

static void fiber_entry(mn__fiber *f);
#ifndef MN__FIBER_ASM
static void fiber_entry_uc(void);
#endif

/* Lays out a fresh stack so that the first switch lands in the trampoline
 * with f in the register it passes on. */
static void stack_init(mn__fiber *f)
{
#ifdef MN__FIBER_ASM
    uintptr_t top = ((uintptr_t)f->stack_lo + f->stack_size) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)top - FRAME_WORDS;
    memset(sp, 0, FRAME_WORDS * sizeof *sp);
#if defined(__x86_64__)
    /* After the pops and the ret the stack pointer is `top`, 16-byte
     * aligned, as a call instruction in the trampoline expects. */
    uint32_t mxcsr = 0x1F80;
    uint16_t fpucw = 0x037F;
    memcpy(&sp[0], &mxcsr, sizeof mxcsr);
    memcpy((char *)&sp[0] + 4, &fpucw, sizeof fpucw);
    sp[4] = (uint64_t)(uintptr_t)f;           /* r12 */
    sp[3] = (uint64_t)(uintptr_t)fiber_entry; /* r13 */
    sp[7] = (uint64_t)(uintptr_t)mn__fiber_trampoline;
#else
    sp[0] = (uint64_t)(uintptr_t)f;           /* x19 */
    sp[1] = (uint64_t)(uintptr_t)fiber_entry; /* x20 */
    sp[11] = (uint64_t)(uintptr_t)mn__fiber_trampoline; /* x30 */
#endif
    f->sp = sp;
#else
    getcontext(&f->uc);
    f->uc.uc_stack.ss_sp = f->stack_lo;
    f->uc.uc_stack.ss_size = f->stack_size;
    f->uc.uc_link = NULL;
    makecontext(&f->uc, (void (*)(void))fiber_entry_uc, 0);
#endif
}

#ifndef MN__FIBER_ASM
static void fiber_entry_uc(void) { fiber_entry(S.cur); }
#endif

static void swap_to_fiber(mn__fiber *f, bool fresh)
{
    S.main_locals = mn__fl;
    if (!fresh) /* a fresh fiber starts with its creator's values: already there */
        mn__fl = f->locals;
    S.cur = f;
#ifdef MN__ASAN
    __sanitizer_start_switch_fiber(&S.main_fake, f->stack_lo, f->stack_size);
#endif
#ifdef MN__FIBER_ASM
    mn__fiber_swap(&S.main_sp, f->sp);
#else
    swapcontext(&S.main_uc, &f->uc);
#endif
#ifdef MN__ASAN
    __sanitizer_finish_switch_fiber(S.main_fake, NULL, NULL);
#endif
}

/* From the running fiber to the thread's stack. */
static void swap_to_main(mn__fiber *f)
{
    f->locals = mn__fl;
    mn__fl = S.main_locals;
    S.cur = NULL;
#ifdef MN__ASAN
    __sanitizer_start_switch_fiber(&f->fake_stack, S.main_bottom, S.main_size);
#endif
#ifdef MN__FIBER_ASM
    mn__fiber_swap(&f->sp, S.main_sp);
#else
    swapcontext(&f->uc, &S.main_uc);
#endif
#ifdef MN__ASAN
    __sanitizer_finish_switch_fiber(f->fake_stack, NULL, NULL);
#endif
}

/* A fiber's stack runs this loop for as long as the stack lives: after
 * each function it parks (back in the pool) and the next mn__fiber_new
 * that takes it from the pool gives it the next function, so a request
 * that never waits costs two switches and no stack set-up. */
static void fiber_entry(mn__fiber *f)
{
#ifdef MN__ASAN
    __sanitizer_finish_switch_fiber(NULL, &S.main_bottom, &S.main_size);
#endif
    for (;;) {
        f->fn(f->arg);
        while (f->nat_exit > 0) {
            f->nat_exit--;
            f->at_exit[f->nat_exit].fn(f->at_exit[f->nat_exit].arg);
        }
        f->state = F_DONE;
        swap_to_main(f);
    }
}

/* ---- stacks ---- */

size_t mn__fiber_stack_size(void)
{
    size_t size = 512 * 1024;
    const mn_settings *s = mn_settings_current();
    if (s && s->FIBER_STACK_SIZE > 0)
        size = (size_t)s->FIBER_STACK_SIZE;
#ifdef MN__ASAN
    size *= 4;
#endif
    if (size < 64 * 1024)
        size = 64 * 1024;
    return size;
}

static mn__fiber *fiber_alloc(mn_err *err)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t want = mn__fiber_stack_size();
    size_t stack = (want + page - 1) / page * page;
    size_t tail = (sizeof(mn__fiber) + page - 1) / page * page;
    size_t len = page + stack + tail;
    char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED) {
        mn_err_set(err, MN_ENOMEM, "cannot map a fiber stack of %zu bytes: %s", stack, strerror(errno));
        return NULL;
    }
    /* The guard page: running off the stack faults instead of silently
     * writing over the neighbouring mapping. */
    if (mprotect(map, page, PROT_NONE) != 0) {
        munmap(map, len);
        mn_err_set(err, MN_ENOMEM, "cannot protect a fiber stack's guard page: %s", strerror(errno));
        return NULL;
    }
    mn__fiber *f = (mn__fiber *)(map + page + stack);
    memset(f, 0, sizeof *f);
    f->map = map;
    f->map_len = len;
    f->stack_lo = map + page;
    f->stack_size = stack;
    stack_init(f);
#ifdef MN__VALGRIND
    f->vg_id = VALGRIND_STACK_REGISTER(f->stack_lo, f->stack_lo + stack);
#endif
    return f;
}

static void fiber_unmap(mn__fiber *f)
{
#ifdef MN__VALGRIND
    VALGRIND_STACK_DEREGISTER(f->vg_id);
#endif
    munmap(f->map, f->map_len);
}

mn__fiber *mn__fiber_new(mn__fiber_fn fn, void *arg, mn_err *err)
{
    mn__fiber *f = S.npool ? S.pool[--S.npool] : fiber_alloc(err);
    if (!f)
        return NULL;
    f->fn = fn;
    f->arg = arg;
    f->state = F_NEW;
    f->resumed_once = false;
    f->done = NULL;
    f->done_arg = NULL;
    f->nat_exit = 0;
    f->next_ready = NULL;
    S.live++;
    return f;
}

static void fiber_release(mn__fiber *f)
{
    S.live--;
    if (S.npool < POOL_MAX) {
        S.pool[S.npool++] = f;
        return;
    }
    fiber_unmap(f);
}

void mn__fiber_thread_cleanup(void)
{
    while (S.npool)
        fiber_unmap(S.pool[--S.npool]);
}

/* ---- scheduling ---- */

bool mn__fiber_resume(mn__fiber *f)
{
    if (S.cur || f->state == F_DONE || f->state == F_RUNNING)
        abort(); /* resumed from a fiber, or a finished/running one */
    bool fresh = f->state == F_NEW;
    f->state = F_RUNNING;
    swap_to_fiber(f, fresh);
    if (f->state == F_DONE) {
        fiber_release(f);
        return true;
    }
    f->state = F_SUSPENDED;
    f->resumed_once = true;
    return false;
}

void mn__fiber_suspend(void)
{
    mn__fiber *f = S.cur;
    if (!f)
        abort(); /* only a fiber can wait */
    swap_to_main(f);
}

void mn__fiber_wake(mn__fiber *f)
{
    if (f->state != F_SUSPENDED)
        return;
    f->state = F_READY;
    f->next_ready = NULL;
    if (S.ready_tail)
        S.ready_tail->next_ready = f;
    else
        S.ready_head = f;
    S.ready_tail = f;
}

bool mn__fiber_any_ready(void) { return S.ready_head != NULL; }

size_t mn__fiber_run_ready(void)
{
    size_t n = 0;
    while (S.ready_head) {
        mn__fiber *f = S.ready_head;
        S.ready_head = f->next_ready;
        if (!S.ready_head)
            S.ready_tail = NULL;
        void (*done)(void *) = f->done;
        void *done_arg = f->done_arg;
        n++;
        if (mn__fiber_resume(f) && done)
            done(done_arg);
    }
    return n;
}

void mn__fiber_set_done(mn__fiber *f, void (*fn)(void *arg), void *arg)
{
    f->done = fn;
    f->done_arg = arg;
}

mn__fiber *mn__fiber_current(void) { return S.cur; }
size_t mn__fiber_live(void) { return S.live; }

bool mn__fiber_at_exit(void (*fn)(void *arg), void *arg)
{
    mn__fiber *f = S.cur;
    if (!f)
        return false;
    for (int i = 0; i < f->nat_exit; i++)
        if (f->at_exit[i].fn == fn && f->at_exit[i].arg == arg)
            return true;
    if (f->nat_exit == MAX_AT_EXIT)
        return false;
    f->at_exit[f->nat_exit].fn = fn;
    f->at_exit[f->nat_exit].arg = arg;
    f->nat_exit++;
    return true;
}

void mn__fiber_at_exit_cancel(void (*fn)(void *arg), void *arg)
{
    mn__fiber *f = S.cur;
    for (int i = 0; f && i < f->nat_exit; i++) {
        if (f->at_exit[i].fn == fn && f->at_exit[i].arg == arg) {
            memmove(&f->at_exit[i], &f->at_exit[i + 1], (size_t)(f->nat_exit - i - 1) * sizeof f->at_exit[0]);
            f->nat_exit--;
            return;
        }
    }
}

/* ---- the loop hook ---- */

void mn__loop_set(const mn__loop *loop)
{
    S.loop = loop;
    S.loop_id++;
}

bool mn__loop_can_wait(void) { return S.loop && S.cur; }

int mn__watch_set(mn__watch *w, uint32_t events)
{
    w->kind = MN__WATCH_KIND;
    if (w->events && w->loop_id != S.loop_id)
        w->events = 0; /* registered with a loop that is gone */
    if (events == w->events)
        return 0;
    if (!S.loop) {
        w->events = 0;
        return events ? -1 : 0;
    }
    int op = !w->events ? EPOLL_CTL_ADD : events ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
    if (S.loop->ctl(S.loop->ctx, w, op, events) != 0) {
        w->events = 0;
        return events ? -1 : 0;
    }
    w->events = events;
    w->loop_id = S.loop_id;
    return 0;
}
