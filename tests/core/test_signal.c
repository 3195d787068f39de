#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"

static mn_arena *A;
static mn_signal order_placed = MN_SIGNAL_INIT("order_placed");
static char trace[256];

static void setup(void)
{
    A = mn_arena_new("test", 0);
    trace[0] = '\0';
}

static void teardown(void)
{
    mn_signal_disconnect_all(&order_placed);
    mn_signal_disconnect_all(&mn_post_save);
    mn_signal_collect();
    mn_arena_free(A);
}

TestSuite(signal, .init = setup, .fini = teardown);

static void note(const char *s)
{
    strncat(trace, s, sizeof trace - strlen(trace) - 1);
}

/* Receivers note their name (call->data) and answer with it. */
static int named(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    note(call->data);
    *response = mn_value_cstr(call->data);
    return MN_OK;
}

static int other(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    note("other");
    return MN_OK;
}

static int failing(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    note("fail");
    return mn_err_set(err, MN_EINVAL, "cannot reserve stock for order %lld",
                      (long long)mn_signal_arg(call, "order").u.i);
}

static int failing_silently(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    return MN_EPERM;
}

static int Product, Category; /* two "senders" */

Test(signal, send_without_receivers)
{
    mn_signal_responses out;
    mn_err err = { 0 };
    cr_assert_eq(mn_signal_send(&order_placed, NULL, NULL, A, &out, &err), MN_OK);
    cr_assert_eq(out.len, 0);
    cr_assert_not(mn_signal_has_listeners(&order_placed, NULL));
    cr_assert_eq(mn_signal_receiver_count(&order_placed), 0);
}

static int handle_order_placed(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    mn_value order = mn_signal_arg(call, "order");
    mn_value user = mn_signal_arg(call, "user");
    cr_assert_eq(call->signal, &order_placed);
    cr_assert_eq(call->sender, &Product);
    cr_assert_eq(order.u.i, 42);
    cr_assert(mn_str_eq_cstr(user.u.s, "alice"));
    cr_assert(mn_value_is_null(mn_signal_arg(call, "missing")));
    *response = mn_value_int(order.u.i * 2);
    return MN_OK;
}

Test(signal, named_arguments_and_responses)
{
    cr_assert_eq(mn_signal_connect(&order_placed, handle_order_placed, NULL), MN_OK);
    cr_assert_eq(mn_signal_connect(&order_placed, named, &(mn_receiver_opts){ .data = "b" }), MN_OK);
    mn_map *kw = mn_map_new(A, 2);
    mn_map_set_cstr(kw, "order", mn_value_int(42));
    mn_map_set_cstr(kw, "user", mn_value_cstr("alice"));
    mn_signal_responses out;
    mn_err err = { 0 };
    cr_assert_eq(mn_signal_send(&order_placed, &Product, kw, A, &out, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(out.len, 2);
    cr_assert_eq(out.items[0].receiver, handle_order_placed);
    cr_assert_eq(out.items[0].value.u.i, 84);
    cr_assert_eq(out.items[1].receiver, named);
    cr_assert(mn_str_eq_cstr(out.items[1].value.u.s, "b"));
    /* Without out, no arena is needed. */
    cr_assert_eq(mn_signal_send(&order_placed, &Product, kw, NULL, NULL, &err), MN_OK);
}

Test(signal, sender_filtering)
{
    mn_signal_connect(&mn_post_save, named, &(mn_receiver_opts){ .sender = &Product, .data = "P" });
    mn_signal_connect(&mn_post_save, named, &(mn_receiver_opts){ .sender = &Category, .data = "C" });
    mn_signal_connect(&mn_post_save, named, &(mn_receiver_opts){ .data = "*" });
    mn_err err = { 0 };
    mn_signal_send(&mn_post_save, &Product, NULL, NULL, NULL, &err);
    cr_assert_str_eq(trace, "P*");
    trace[0] = '\0';
    mn_signal_send(&mn_post_save, &Category, NULL, NULL, NULL, &err);
    cr_assert_str_eq(trace, "C*");
    trace[0] = '\0';
    mn_signal_send(&mn_post_save, NULL, NULL, NULL, NULL, &err);
    cr_assert_str_eq(trace, "*");
}

Test(signal, has_listeners_like_django)
{
    mn_signal_connect(&order_placed, other, &(mn_receiver_opts){ .sender = &Product });
    cr_assert(mn_signal_has_listeners(&order_placed, &Product));
    cr_assert_not(mn_signal_has_listeners(&order_placed, &Category));
    cr_assert_not(mn_signal_has_listeners(&order_placed, NULL));
    mn_signal_connect(&order_placed, other, NULL);
    cr_assert(mn_signal_has_listeners(&order_placed, NULL));
    cr_assert(mn_signal_has_listeners(&order_placed, &Category));
    cr_assert_eq(mn_signal_receiver_count(&order_placed), 2);
}

Test(signal, connecting_twice_is_a_no_op)
{
    mn_signal_connect(&order_placed, other, NULL);
    mn_signal_connect(&order_placed, other, NULL);
    cr_assert_eq(mn_signal_receiver_count(&order_placed), 1);
    /* Another sender or other data is another receiver. */
    mn_signal_connect(&order_placed, other, &(mn_receiver_opts){ .sender = &Product });
    mn_signal_connect(&order_placed, other, &(mn_receiver_opts){ .data = "x" });
    cr_assert_eq(mn_signal_receiver_count(&order_placed), 3);
    mn_err err = { 0 };
    mn_signal_send(&order_placed, &Product, NULL, NULL, NULL, &err);
    cr_assert_str_eq(trace, "otherotherother");
}

Test(signal, dispatch_uid)
{
    char uid[32];
    strcpy(uid, "cache-invalidation");
    mn_signal_connect(&order_placed, named, &(mn_receiver_opts){ .dispatch_uid = uid, .data = "1" });
    /* The uid is copied: the caller's buffer may change. */
    strcpy(uid, "changed");
    mn_signal_connect(&order_placed, named,
                      &(mn_receiver_opts){ .dispatch_uid = "cache-invalidation", .data = "2" });
    mn_signal_connect(&order_placed, other, &(mn_receiver_opts){ .dispatch_uid = "cache-invalidation" });
    cr_assert_eq(mn_signal_receiver_count(&order_placed), 1);
    /* The same uid for another sender is another receiver (Django keys by (uid, sender)). */
    mn_signal_connect(&order_placed, named,
                      &(mn_receiver_opts){ .dispatch_uid = "cache-invalidation", .sender = &Product,
                                           .data = "3" });
    /* A uid receiver and the same function without uid are distinct. */
    mn_signal_connect(&order_placed, named, &(mn_receiver_opts){ .data = "1" });
    cr_assert_eq(mn_signal_receiver_count(&order_placed), 3);
    mn_signal_responses out;
    mn_err err = { 0 };
    mn_signal_send(&order_placed, &Product, NULL, A, &out, &err);
    cr_assert_str_eq(trace, "131");
    cr_assert_str_eq(out.items[0].dispatch_uid, "cache-invalidation");
    cr_assert_null(out.items[2].dispatch_uid);

    cr_assert_not(mn_signal_disconnect_uid(&order_placed, "nope", NULL));
    cr_assert_not(mn_signal_disconnect_uid(&order_placed, "cache-invalidation", &Category));
    cr_assert(mn_signal_disconnect_uid(&order_placed, "cache-invalidation", NULL));
    cr_assert_eq(mn_signal_receiver_count(&order_placed), 2);
    cr_assert(mn_signal_disconnect_uid(&order_placed, "cache-invalidation", &Product));
    cr_assert_eq(mn_signal_receiver_count(&order_placed), 1);
}

Test(signal, disconnect_during_startup)
{
    mn_signal_connect(&order_placed, named, &(mn_receiver_opts){ .data = "a" });
    mn_signal_connect(&order_placed, other, NULL);
    mn_signal_connect(&order_placed, named, &(mn_receiver_opts){ .data = "c" });
    cr_assert(mn_signal_disconnect(&order_placed, other, NULL, NULL));
    cr_assert_not(mn_signal_disconnect(&order_placed, other, NULL, NULL));
    cr_assert_not(mn_signal_disconnect(&order_placed, named, "zz", NULL));
    mn_err err = { 0 };
    mn_signal_send(&order_placed, NULL, NULL, NULL, NULL, &err);
    cr_assert_str_eq(trace, "ac");
    /* Reconnecting puts it at the end. */
    mn_signal_connect(&order_placed, other, NULL);
    trace[0] = '\0';
    mn_signal_send(&order_placed, NULL, NULL, NULL, NULL, &err);
    cr_assert_str_eq(trace, "acother");
    /* Disconnecting the last one leaves no array. */
    mn_signal_disconnect_all(&order_placed);
    mn_signal_connect(&order_placed, other, NULL);
    cr_assert(mn_signal_disconnect(&order_placed, other, NULL, NULL));
    cr_assert_eq(mn_signal_receiver_count(&order_placed), 0);
}

static int disconnect_self(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    note("self");
    cr_assert(mn_signal_disconnect((mn_signal *)call->signal, disconnect_self, NULL, NULL));
    return MN_OK;
}

Test(signal, receiver_disconnecting_itself)
{
    mn_signal_connect(&order_placed, disconnect_self, NULL);
    mn_signal_connect(&order_placed, other, NULL);
    mn_err err = { 0 };
    cr_assert_eq(mn_signal_send(&order_placed, NULL, NULL, NULL, NULL, &err), MN_OK);
    cr_assert_str_eq(trace, "selfother");
    trace[0] = '\0';
    mn_signal_send(&order_placed, NULL, NULL, NULL, NULL, &err);
    cr_assert_str_eq(trace, "other");
}

Test(signal, send_stops_at_a_failing_receiver)
{
    mn_signal_connect(&order_placed, named, &(mn_receiver_opts){ .data = "a" });
    mn_signal_connect(&order_placed, failing, NULL);
    mn_signal_connect(&order_placed, named, &(mn_receiver_opts){ .data = "c" });
    mn_map *kw = mn_map_new(A, 1);
    mn_map_set_cstr(kw, "order", mn_value_int(7));
    mn_signal_responses out;
    mn_err err = { 0 };
    cr_assert_eq(mn_signal_send(&order_placed, NULL, kw, A, &out, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "signal order_placed: cannot reserve stock for order 7");
    cr_assert_str_eq(trace, "afail");
    cr_assert_eq(out.len, 1);

    mn_signal_disconnect(&order_placed, failing, NULL, NULL);
    mn_signal_connect(&order_placed, failing_silently, NULL);
    cr_assert_eq(mn_signal_send(&order_placed, NULL, kw, A, NULL, &err), MN_EPERM);
    cr_assert_str_eq(err.msg, "signal order_placed: permission denied");
    cr_assert_eq(mn_signal_send(&order_placed, NULL, kw, NULL, &out, &err), MN_EINVAL);
}

Test(signal, send_robust_collects_errors)
{
    mn_signal_connect(&order_placed, named, &(mn_receiver_opts){ .data = "a" });
    mn_signal_connect(&order_placed, failing, NULL);
    mn_signal_connect(&order_placed, failing_silently, NULL);
    mn_signal_connect(&order_placed, named, &(mn_receiver_opts){ .data = "c" });
    mn_map *kw = mn_map_new(A, 1);
    mn_map_set_cstr(kw, "order", mn_value_int(9));
    mn_signal_responses out;
    cr_assert_eq(mn_signal_send_robust(&order_placed, NULL, kw, A, &out), MN_OK);
    cr_assert_str_eq(trace, "afailc");
    cr_assert_eq(out.len, 4);
    cr_assert_eq(out.items[0].error, MN_OK);
    cr_assert_null(out.items[0].error_msg);
    cr_assert_eq(out.items[1].error, MN_EINVAL);
    cr_assert_str_eq(out.items[1].error_msg, "cannot reserve stock for order 9");
    cr_assert(mn_value_is_null(out.items[1].value));
    cr_assert_eq(out.items[2].error, MN_EPERM);
    cr_assert_str_eq(out.items[2].error_msg, "permission denied");
    cr_assert(mn_str_eq_cstr(out.items[3].value.u.s, "c"));
}

Test(signal, builtin_signals_are_declared)
{
    mn_signal *all[] = { &mn_request_started, &mn_request_finished, &mn_got_request_exception,
                         &mn_setting_changed, &mn_pre_init, &mn_post_init, &mn_pre_save,
                         &mn_post_save, &mn_pre_delete, &mn_post_delete, &mn_m2m_changed,
                         &mn_pre_migrate, &mn_post_migrate, &mn_user_logged_in,
                         &mn_user_logged_out, &mn_user_login_failed };
    cr_assert_str_eq(mn_post_save.name, "post_save");
    cr_assert_str_eq(mn_user_login_failed.name, "user_login_failed");
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        cr_assert_not(mn_signal_has_listeners(all[i], NULL), "%s", all[i]->name);
}

/* Senders on several threads while the main thread connects and disconnects:
 * every send sees a consistent array (ASan would flag a freed one). */
static atomic_int counted;
static atomic_bool stop;

static int count_receiver(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    atomic_fetch_add(&counted, 1);
    return MN_OK;
}

static void *sender_thread(void *arg)
{
    mn_err err = { 0 };
    while (!atomic_load(&stop))
        mn_signal_send(&order_placed, &Product, NULL, NULL, NULL, &err);
    return NULL;
}

Test(signal, concurrent_send_and_connect, .timeout = 60)
{
    mn_signal_connect(&order_placed, count_receiver, NULL);
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, sender_thread, NULL), 0);
    static char names[64][8];
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 64; i++) {
            snprintf(names[i], sizeof names[i], "r%d", i);
            mn_signal_connect(&order_placed, count_receiver,
                              &(mn_receiver_opts){ .dispatch_uid = names[i] });
        }
        for (int i = 0; i < 64; i++)
            cr_assert(mn_signal_disconnect_uid(&order_placed, names[i], NULL));
    }
    atomic_store(&stop, true);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    cr_assert_eq(mn_signal_receiver_count(&order_placed), 1);
    cr_assert_gt(atomic_load(&counted), 0);
}

static int kw_receiver(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    char line[64];
    mn_value u = mn_signal_arg(call, "user");
    mn_str user = mn_value_type(u) == MN_VALUE_STR ? u.u.s : MN_STR_EMPTY;
    snprintf(line, sizeof line, "%lld:%.*s;", (long long)mn_signal_arg(call, "order").u.i,
             MN_STR_FMT(user));
    note(line);
    *response = mn_value_int(mn_map_len(call->kwargs));
    return MN_OK;
}

Test(signal, send_with_named_arguments_macro)
{
    mn_err err = { 0 };
    /* Nobody listens: nothing is built, no arena needed. */
    cr_assert_eq(MN_SIGNAL_SEND(&order_placed, &Product, NULL, &err,
                                MN_KW("order", mn_value_int(1))), MN_OK);
    mn_signal_connect(&order_placed, kw_receiver, &(mn_receiver_opts){ .sender = &Product });
    cr_assert_eq(MN_SIGNAL_SEND(&order_placed, &Product, A, &err, MN_KW("order", mn_value_int(42)),
                                MN_KW("user", mn_value_cstr("alice"))), MN_OK, "%s", err.msg);
    cr_assert_eq(MN_SIGNAL_SEND(&order_placed, &Category, A, &err,
                                MN_KW("order", mn_value_int(43))), MN_OK);
    cr_assert_str_eq(trace, "42:alice;");
    cr_assert_eq(MN_SIGNAL_SEND(&order_placed, &Product, NULL, &err,
                                MN_KW("order", mn_value_int(1))), MN_EINVAL);
    mn_signal_kwarg kw[] = { MN_KW("order", mn_value_int(5)), MN_KW("user", mn_value_cstr("bob")) };
    mn_signal_responses out;
    cr_assert_eq(mn_signal_send_kw(&order_placed, &Product, A, &out, &err, kw, 2), MN_OK);
    cr_assert_eq(out.len, 1);
    cr_assert_eq(out.items[0].value.u.i, 2);
    /* No arguments at all. */
    cr_assert_eq(mn_signal_send_kw(&order_placed, &Product, NULL, NULL, &err, NULL, 0), MN_OK);
    cr_assert_str_eq(trace, "42:alice;5:bob;0:;");
}
