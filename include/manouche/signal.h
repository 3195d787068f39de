/* Manouche: signals (django.dispatch).
 *
 * A signal lets one part of a program tell others that something happened
 * ("a Product was saved") without knowing who listens. Receivers are plain C
 * functions connected at startup, usually from an app's ready hook:
 *
 *     static int product_saved(const mn_signal_call *call, mn_value *response, mn_err *err)
 *     {
 *         if (mn_value_truthy(mn_signal_arg(call, "created"))) ...
 *         return MN_OK;
 *     }
 *     mn_signal_connect(&mn_post_save, product_saved,
 *                       &(mn_receiver_opts){ .sender = &Product_model });
 *
 * Named arguments travel in an mn_map of mn_values ({"instance": ...,
 * "created": true}); the sender is any pointer that identifies who sends
 * (a model descriptor, a request, NULL).
 *
 * Thread safety: connect and disconnect are serialised by a mutex and publish
 * a new, immutable receiver array with an atomic pointer swap; send and
 * has_listeners take no lock and see either the old or the new array. So:
 *  - connect receivers at startup (ready hooks) before serving requests;
 *    connecting later is safe, but a send already running on another thread
 *    may not see the new receiver, and one running during a disconnect may
 *    still call the receiver being removed (so keep what it uses alive);
 *  - replaced arrays are retired, not freed, because a concurrent send may be
 *    reading them; mn_signal_collect frees them when no send can be running
 *    (after tests, at shutdown);
 *  - a receiver may run on many threads at once and must be thread-safe. */
#ifndef MANOUCHE_SIGNAL_H
#define MANOUCHE_SIGNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include "manouche/arena.h"
#include "manouche/error.h"
#include "manouche/value.h"

typedef struct mn_signal mn_signal;
struct mn__receivers;

struct mn_signal {
    const char *name; /* "post_save", for messages */
    _Atomic(struct mn__receivers *) receivers;
};

/* Defines a signal: mn_signal order_placed = MN_SIGNAL_INIT("order_placed"); */
#define MN_SIGNAL_INIT(signal_name) { .name = (signal_name) }

/* What a receiver is given. */
typedef struct mn_signal_call {
    const mn_signal *signal;
    const void *sender;
    const mn_map *kwargs; /* NULL when sent without arguments (mn_map_get and
                           * mn_map_len treat NULL as an empty map) */
    mn_arena *arena;      /* the sender's arena, for the response; may be NULL */
    void *data;           /* the receiver's data given to connect */
} mn_signal_call;

/* A receiver: returns MN_OK (optionally storing a response, null by default)
 * or an error code with a message in err (Django's raised exception). */
typedef int (*mn_receiver_fn)(const mn_signal_call *call, mn_value *response, mn_err *err);

/* Options of mn_signal_connect (all optional). */
typedef struct mn_receiver_opts {
    const void *sender;       /* only sends from this sender reach the receiver; NULL: all */
    const char *dispatch_uid; /* identifies the receiver instead of (fn, data); copied */
    void *data;               /* passed to the receiver as call->data */
} mn_receiver_opts;

/* Connects fn to sig. A receiver is identified by (dispatch_uid, sender) when
 * it has a uid, otherwise by (fn, data, sender); connecting an identity that
 * is already connected does nothing, as in Django. Receivers run in the order
 * they were connected. opts may be NULL. Returns MN_OK, MN_EINVAL (NULL sig or
 * fn) or MN_ENOMEM.
 * Thread-safe (see above); meant for startup. */
int mn_signal_connect(mn_signal *sig, mn_receiver_fn fn, const mn_receiver_opts *opts);

/* Disconnects the receiver (fn, data) connected for sender. Returns true when
 * one was removed. Thread-safe. */
bool mn_signal_disconnect(mn_signal *sig, mn_receiver_fn fn, void *data, const void *sender);

/* Disconnects the receiver connected with dispatch_uid for sender. Returns
 * true when one was removed. Thread-safe. */
bool mn_signal_disconnect_uid(mn_signal *sig, const char *dispatch_uid, const void *sender);

/* Disconnects every receiver of sig (tests). Thread-safe. */
void mn_signal_disconnect_all(mn_signal *sig);

/* True when a send from sender would reach a receiver: a receiver connected
 * without a sender, or one connected for this very sender. As in Django,
 * has_listeners(NULL) counts only receivers connected without a sender.
 * Lock-free. */
bool mn_signal_has_listeners(const mn_signal *sig, const void *sender);

/* Number of receivers connected (any sender). Lock-free. */
size_t mn_signal_receiver_count(const mn_signal *sig);

/* One receiver's answer. */
typedef struct mn_signal_response {
    mn_receiver_fn receiver;
    void *data;
    const char *dispatch_uid; /* NULL when connected without one */
    mn_value value;           /* the response (null unless the receiver set one) */
    int error;                /* send_robust: the receiver's error code, or MN_OK */
    const char *error_msg;    /* send_robust: its message (arena), or NULL */
} mn_signal_response;

typedef struct mn_signal_responses {
    mn_signal_response *items;
    size_t len;
} mn_signal_responses;

/* Calls every receiver of sig that listens to sender, in connection order,
 * with kwargs (NULL: no arguments). Stops at the first receiver that fails
 * and returns its code, with err holding "signal NAME: " and its message
 * (Django's exception propagating out of send). When out is not NULL it
 * receives the responses of the receivers that ran, allocated in arena
 * (arena is required then). Returns MN_OK, the receiver's code, or MN_ENOMEM.
 * Lock-free with respect to connect/disconnect. */
int mn_signal_send(const mn_signal *sig, const void *sender, const mn_map *kwargs,
                   mn_arena *arena, mn_signal_responses *out, mn_err *err);

/* Calls every receiver even when some fail; each response records its error
 * code and message (Django's send_robust). arena is required (responses and
 * messages live there). Returns MN_OK, or MN_ENOMEM when the responses could
 * not be allocated (receivers are then not called). */
int mn_signal_send_robust(const mn_signal *sig, const void *sender, const mn_map *kwargs,
                          mn_arena *arena, mn_signal_responses *out);

/* A named argument for mn_signal_send_kw: MN_KW("order", mn_value_int(42)). */
typedef struct mn_signal_kwarg {
    const char *name;
    mn_value value;
} mn_signal_kwarg;
#define MN_KW(kw_name, v) ((mn_signal_kwarg){ (kw_name), (v) })

/* mn_signal_send with the named arguments given as n pairs; the map is only
 * built (in arena) when a receiver listens to sender. arena is required when
 * n > 0 or out is not NULL. Same results as mn_signal_send. */
int mn_signal_send_kw(const mn_signal *sig, const void *sender, mn_arena *arena,
                      mn_signal_responses *out, mn_err *err, const mn_signal_kwarg *kw, size_t n);

/* Django's order_placed.send(sender=Order, order=order, user=user):
 *   MN_SIGNAL_SEND(&order_placed, &Order, arena, &err,
 *                  MN_KW("order", mn_value_int(order->id)), MN_KW("user", user));
 * Evaluates to mn_signal_send_kw's result (responses are not collected). */
#define MN_SIGNAL_SEND(sig, sender, arena, err, ...)                                             \
    mn_signal_send_kw((sig), (sender), (arena), NULL, (err),                                     \
                      (const mn_signal_kwarg[]){ { .name = NULL }, __VA_ARGS__ } + 1,            \
                      sizeof((const mn_signal_kwarg[]){ { .name = NULL }, __VA_ARGS__ }) /       \
                              sizeof(mn_signal_kwarg) - 1)

/* The named argument of a call, or null when absent. */
mn_value mn_signal_arg(const mn_signal_call *call, const char *name);

/* Frees the receiver arrays retired by connect and disconnect. Call only when
 * no send can be running on any thread (shutdown, between tests). */
void mn_signal_collect(void);

/* ---- built-in signals ----
 * Named arguments, as in Django: */

/* sender: the handler (server); {} before a request is handled. */
extern mn_signal mn_request_started;
/* sender: the handler; {} after the response is sent. */
extern mn_signal mn_request_finished;
/* sender: NULL; {"request": object} when a view fails (the error is in "error"). */
extern mn_signal mn_got_request_exception;
/* sender: NULL; {"setting": str, "value": str, "enter": bool} when a test overrides a setting. */
extern mn_signal mn_setting_changed;

/* Model signals, sent by the ORM; sender: the model descriptor. */
/* {"args": list, "kwargs": map} before an instance is built. */
extern mn_signal mn_pre_init;
/* {"instance": object} after an instance is built. */
extern mn_signal mn_post_init;
/* {"instance", "raw": bool, "using": str, "update_fields": list or null} */
extern mn_signal mn_pre_save;
/* {"instance", "created": bool, "raw", "using", "update_fields"} */
extern mn_signal mn_post_save;
/* {"instance", "using", "origin"} */
extern mn_signal mn_pre_delete;
/* {"instance", "using", "origin"} */
extern mn_signal mn_post_delete;
/* sender: the through model; {"instance", "action": "pre_add" | "post_add" |
 * "pre_remove" | "post_remove" | "pre_clear" | "post_clear", "reverse": bool,
 * "model", "pk_set": list or null, "using"} */
extern mn_signal mn_m2m_changed;
/* sender: the app; {"app_config", "verbosity": int, "interactive": bool, "using": str, "plan"} */
extern mn_signal mn_pre_migrate;
extern mn_signal mn_post_migrate;

/* Authentication signals, sent by contrib/auth; sender: the user model. */
/* {"request": object, "user": object} */
extern mn_signal mn_user_logged_in;
/* {"request": object, "user": object or null} */
extern mn_signal mn_user_logged_out;
/* sender: NULL; {"credentials": map without the password, "request": object} */
extern mn_signal mn_user_login_failed;

#endif
