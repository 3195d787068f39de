/* Signals: receivers in immutable arrays swapped atomically (read-copy-update).
 *
 * connect/disconnect build a new array under a mutex and publish it with a
 * release store; send loads it with an acquire load and walks it without a
 * lock. A replaced array may still be walked by a send on another thread, so
 * it goes to a retired list that mn_signal_collect frees at a quiet moment. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/signal.h"

typedef struct receiver {
    mn_receiver_fn fn;
    void *data;
    const void *sender;
    const char *uid; /* points into the array's own string area */
} receiver;

struct mn__receivers {
    size_t len;
    struct mn__receivers *retired_next;
    receiver items[];
    /* then the uid strings */
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static struct mn__receivers *g_retired;

mn_signal mn_request_started = MN_SIGNAL_INIT("request_started");
mn_signal mn_request_finished = MN_SIGNAL_INIT("request_finished");
mn_signal mn_got_request_exception = MN_SIGNAL_INIT("got_request_exception");
mn_signal mn_setting_changed = MN_SIGNAL_INIT("setting_changed");
mn_signal mn_pre_init = MN_SIGNAL_INIT("pre_init");
mn_signal mn_post_init = MN_SIGNAL_INIT("post_init");
mn_signal mn_pre_save = MN_SIGNAL_INIT("pre_save");
mn_signal mn_post_save = MN_SIGNAL_INIT("post_save");
mn_signal mn_pre_delete = MN_SIGNAL_INIT("pre_delete");
mn_signal mn_post_delete = MN_SIGNAL_INIT("post_delete");
mn_signal mn_m2m_changed = MN_SIGNAL_INIT("m2m_changed");
mn_signal mn_pre_migrate = MN_SIGNAL_INIT("pre_migrate");
mn_signal mn_post_migrate = MN_SIGNAL_INIT("post_migrate");
mn_signal mn_user_logged_in = MN_SIGNAL_INIT("user_logged_in");
mn_signal mn_user_logged_out = MN_SIGNAL_INIT("user_logged_out");
mn_signal mn_user_login_failed = MN_SIGNAL_INIT("user_login_failed");

static bool same_identity(const receiver *r, mn_receiver_fn fn, void *data, const void *sender,
                          const char *uid)
{
    if (r->sender != sender)
        return false;
    if (uid || r->uid)
        return uid && r->uid && strcmp(uid, r->uid) == 0;
    return r->fn == fn && r->data == data;
}

/* A new array holding old's receivers except index skip (SIZE_MAX: none),
 * plus extra when not NULL. Returns NULL when out of memory. */
static struct mn__receivers *rebuild(const struct mn__receivers *old, size_t skip,
                                     const receiver *extra)
{
    size_t n = 0, strings = 0, oldlen = old ? old->len : 0;
    for (size_t i = 0; i < oldlen; i++) {
        if (i == skip)
            continue;
        n++;
        if (old->items[i].uid)
            strings += strlen(old->items[i].uid) + 1;
    }
    if (extra) {
        n++;
        if (extra->uid)
            strings += strlen(extra->uid) + 1;
    }
    struct mn__receivers *r = malloc(sizeof *r + n * sizeof(receiver) + strings);
    if (!r)
        return NULL;
    r->len = 0;
    r->retired_next = NULL;
    char *pool = (char *)(r->items + n);
    for (size_t i = 0; i <= oldlen; i++) {
        const receiver *src;
        if (i < oldlen) {
            if (i == skip)
                continue;
            src = &old->items[i];
        } else if (extra) {
            src = extra;
        } else {
            break;
        }
        receiver *dst = &r->items[r->len++];
        *dst = *src;
        if (src->uid) {
            size_t l = strlen(src->uid) + 1;
            memcpy(pool, src->uid, l);
            dst->uid = pool;
            pool += l;
        }
    }
    return r;
}

/* Publishes next in place of old (under g_mu) and retires old. */
static void publish(mn_signal *sig, struct mn__receivers *old, struct mn__receivers *next)
{
    atomic_store_explicit(&sig->receivers, next, memory_order_release);
    if (old) {
        old->retired_next = g_retired;
        g_retired = old;
    }
}

int mn_signal_connect(mn_signal *sig, mn_receiver_fn fn, const mn_receiver_opts *opts)
{
    if (!sig || !fn)
        return MN_EINVAL;
    mn_receiver_opts o = opts ? *opts : (mn_receiver_opts){ .sender = NULL };
    receiver add = { fn, o.data, o.sender, o.dispatch_uid };
    pthread_mutex_lock(&g_mu);
    struct mn__receivers *old = atomic_load_explicit(&sig->receivers, memory_order_acquire);
    for (size_t i = 0; old && i < old->len; i++) {
        if (same_identity(&old->items[i], fn, o.data, o.sender, o.dispatch_uid)) {
            pthread_mutex_unlock(&g_mu);
            return MN_OK;
        }
    }
    struct mn__receivers *next = rebuild(old, SIZE_MAX, &add);
    if (!next) {
        pthread_mutex_unlock(&g_mu);
        return MN_ENOMEM;
    }
    publish(sig, old, next);
    pthread_mutex_unlock(&g_mu);
    return MN_OK;
}

static bool disconnect(mn_signal *sig, mn_receiver_fn fn, void *data, const void *sender,
                       const char *uid)
{
    if (!sig)
        return false;
    pthread_mutex_lock(&g_mu);
    struct mn__receivers *old = atomic_load_explicit(&sig->receivers, memory_order_acquire);
    size_t found = SIZE_MAX;
    for (size_t i = 0; old && i < old->len; i++) {
        if (same_identity(&old->items[i], fn, data, sender, uid)) {
            found = i;
            break;
        }
    }
    bool removed = false;
    if (found != SIZE_MAX) {
        struct mn__receivers *next = NULL;
        if (old->len > 1)
            next = rebuild(old, found, NULL);
        if (old->len == 1 || next) {
            publish(sig, old, next);
            removed = true;
        }
    }
    pthread_mutex_unlock(&g_mu);
    return removed;
}

bool mn_signal_disconnect(mn_signal *sig, mn_receiver_fn fn, void *data, const void *sender)
{
    if (!fn)
        return false;
    return disconnect(sig, fn, data, sender, NULL);
}

bool mn_signal_disconnect_uid(mn_signal *sig, const char *dispatch_uid, const void *sender)
{
    if (!dispatch_uid)
        return false;
    return disconnect(sig, NULL, NULL, sender, dispatch_uid);
}

void mn_signal_disconnect_all(mn_signal *sig)
{
    pthread_mutex_lock(&g_mu);
    struct mn__receivers *old = atomic_load_explicit(&sig->receivers, memory_order_acquire);
    if (old)
        publish(sig, old, NULL);
    pthread_mutex_unlock(&g_mu);
}

bool mn_signal_has_listeners(const mn_signal *sig, const void *sender)
{
    struct mn__receivers *r =
        atomic_load_explicit(&((mn_signal *)sig)->receivers, memory_order_acquire);
    for (size_t i = 0; r && i < r->len; i++)
        if (r->items[i].sender == NULL || r->items[i].sender == sender)
            return true;
    return false;
}

size_t mn_signal_receiver_count(const mn_signal *sig)
{
    struct mn__receivers *r =
        atomic_load_explicit(&((mn_signal *)sig)->receivers, memory_order_acquire);
    return r ? r->len : 0;
}

static mn_signal_response *alloc_responses(const struct mn__receivers *r, mn_arena *arena)
{
    return mn_arena_calloc(arena, r->len ? r->len : 1, sizeof(mn_signal_response));
}

static void fill_response(mn_signal_response *resp, const receiver *rc, mn_value v)
{
    resp->receiver = rc->fn;
    resp->data = rc->data;
    resp->dispatch_uid = rc->uid;
    resp->value = v;
    resp->error = MN_OK;
    resp->error_msg = NULL;
}

int mn_signal_send(const mn_signal *sig, const void *sender, const mn_map *kwargs,
                   mn_arena *arena, mn_signal_responses *out, mn_err *err)
{
    if (out)
        *out = (mn_signal_responses){ 0 };
    struct mn__receivers *r =
        atomic_load_explicit(&((mn_signal *)sig)->receivers, memory_order_acquire);
    if (!r || r->len == 0)
        return MN_OK;
    mn_signal_response *items = NULL;
    if (out) {
        if (!arena)
            return mn_err_set(err, MN_EINVAL, "signal %s: responses need an arena", sig->name);
        items = alloc_responses(r, arena);
        if (!items)
            return mn_err_set(err, MN_ENOMEM, "signal %s: out of memory", sig->name);
        out->items = items;
    }
    for (size_t i = 0; i < r->len; i++) {
        const receiver *rc = &r->items[i];
        if (rc->sender && rc->sender != sender)
            continue;
        mn_signal_call call = { sig, sender, kwargs, arena, rc->data };
        mn_value v = mn_value_null();
        mn_err local; /* only code and the first byte: it is 516 bytes */
        local.code = MN_OK;
        local.msg[0] = '\0';
        int code = rc->fn(&call, &v, &local);
        if (code != MN_OK) {
            if (!local.msg[0])
                mn_err_set(&local, code, "%s", mn_strerror(code));
            mn_err_set(err, code, "signal %s: %s", sig->name, local.msg);
            return code;
        }
        if (out)
            fill_response(&items[out->len++], rc, v);
    }
    return MN_OK;
}

int mn_signal_send_robust(const mn_signal *sig, const void *sender, const mn_map *kwargs,
                          mn_arena *arena, mn_signal_responses *out)
{
    *out = (mn_signal_responses){ 0 };
    struct mn__receivers *r =
        atomic_load_explicit(&((mn_signal *)sig)->receivers, memory_order_acquire);
    if (!r || r->len == 0)
        return MN_OK;
    if (!arena)
        return MN_EINVAL;
    mn_signal_response *items = alloc_responses(r, arena);
    if (!items)
        return MN_ENOMEM;
    out->items = items;
    for (size_t i = 0; i < r->len; i++) {
        const receiver *rc = &r->items[i];
        if (rc->sender && rc->sender != sender)
            continue;
        mn_signal_call call = { sig, sender, kwargs, arena, rc->data };
        mn_value v = mn_value_null();
        mn_err local; /* only code and the first byte: it is 516 bytes */
        local.code = MN_OK;
        local.msg[0] = '\0';
        int code = rc->fn(&call, &v, &local);
        mn_signal_response *resp = &items[out->len++];
        fill_response(resp, rc, code == MN_OK ? v : mn_value_null());
        if (code != MN_OK) {
            resp->error = code;
            resp->error_msg = mn_arena_strdup(arena, local.msg[0] ? local.msg : mn_strerror(code));
        }
    }
    return MN_OK;
}

int mn_signal_send_kw(const mn_signal *sig, const void *sender, mn_arena *arena,
                      mn_signal_responses *out, mn_err *err, const mn_signal_kwarg *kw, size_t n)
{
    if (out)
        *out = (mn_signal_responses){ 0 };
    if (!mn_signal_has_listeners(sig, sender))
        return MN_OK;
    mn_map *map = NULL;
    if (n > 0) {
        if (!arena)
            return mn_err_set(err, MN_EINVAL, "signal %s: named arguments need an arena",
                              sig->name);
        map = mn_map_new(arena, n);
        if (!map)
            return mn_err_set(err, MN_ENOMEM, "signal %s: out of memory", sig->name);
        for (size_t i = 0; i < n; i++)
            if (mn_map_set_cstr(map, kw[i].name, kw[i].value) != MN_OK)
                return mn_err_set(err, MN_ENOMEM, "signal %s: out of memory", sig->name);
    }
    return mn_signal_send(sig, sender, map, arena, out, err);
}

mn_value mn_signal_arg(const mn_signal_call *call, const char *name)
{
    return mn_map_get_cstr(call->kwargs, name);
}

void mn_signal_collect(void)
{
    pthread_mutex_lock(&g_mu);
    while (g_retired) {
        struct mn__receivers *r = g_retired;
        g_retired = r->retired_next;
        free(r);
    }
    pthread_mutex_unlock(&g_mu);
}
