/* Signals: the guide's chapter in C. Built-in model signals with a sender
 * filter, a custom order_placed signal with named arguments, registration in
 * a ready hook, dispatch_uid, send_robust. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <manouche.h>

/* Checks what the example shows (also in release builds, unlike assert). */
#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

/* Stand-ins for what the ORM provides: a model descriptor (the sender) and
 * instances. */
typedef struct model { const char *name; } model;
static const model Product = { "Product" }, Order = { "Order" };
typedef struct product { long id; const char *name; } product;

static char journal[512];
static void say(const char *line)
{
    strncat(journal, line, sizeof journal - strlen(journal) - 1);
    strncat(journal, "\n", sizeof journal - strlen(journal) - 1);
    printf("%s\n", line);
}

/* @receiver(post_save, sender=Product) */
static int product_saved(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    const product *p = mn_signal_arg(call, "instance").u.obj.ptr;
    char line[128];
    if (mn_value_truthy(mn_signal_arg(call, "created")))
        snprintf(line, sizeof line, "New product created: %s", p->name);
    else
        snprintf(line, sizeof line, "Product updated: %s (cache product_%ld cleared)", p->name, p->id);
    say(line);
    return MN_OK;
}

/* @receiver(pre_delete, sender=Product) */
static int product_deleting(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    const product *p = mn_signal_arg(call, "instance").u.obj.ptr;
    char line[128];
    snprintf(line, sizeof line, "Deleting product: %s", p->name);
    say(line);
    return MN_OK;
}

/* @receiver(m2m_changed, sender=Product.tags.through) */
static int tags_changed(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    mn_str action = mn_signal_arg(call, "action").u.s;
    if (mn_str_eq_cstr(action, "post_add") || mn_str_eq_cstr(action, "post_remove"))
        say("Tags changed");
    return MN_OK;
}

/* signals.py: order_placed = Signal() */
static mn_signal order_placed = MN_SIGNAL_INIT("order_placed");

/* @receiver(order_placed) */
static int handle_order_placed(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    char line[128];
    mn_str user = mn_signal_arg(call, "user").u.s;
    snprintf(line, sizeof line, "Order %lld placed by %.*s: email sent, inventory updated",
             (long long)mn_signal_arg(call, "order").u.i, MN_STR_FMT(user));
    say(line);
    *response = mn_value_cstr("confirmation queued");
    return MN_OK;
}

static int flaky_analytics(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    return mn_err_set(err, MN_ETIMEOUT, "analytics service did not answer");
}

static const model tags_through = { "Product_tags" };

/* apps.c: the app's ready hook connects the receivers once at startup. */
static int shop_ready(void)
{
    int rc = 0;
    rc |= mn_signal_connect(&mn_post_save, product_saved, &(mn_receiver_opts){ .sender = &Product });
    rc |= mn_signal_connect(&mn_pre_delete, product_deleting, &(mn_receiver_opts){ .sender = &Product });
    rc |= mn_signal_connect(&mn_m2m_changed, tags_changed, &(mn_receiver_opts){ .sender = &tags_through });
    rc |= mn_signal_connect(&order_placed, handle_order_placed,
                            &(mn_receiver_opts){ .dispatch_uid = "shop.order_placed" });
    /* A second ready() call (or a second import) does not connect twice. */
    rc |= mn_signal_connect(&order_placed, handle_order_placed,
                            &(mn_receiver_opts){ .dispatch_uid = "shop.order_placed" });
    return rc;
}

static const mn_type product_type = { .name = "Product" };

int main(void)
{
    mn_arena *arena = mn_arena_new("request", 0);
    mn_err err = { 0 };
    CHECK(shop_ready() == MN_OK);
    CHECK(mn_signal_receiver_count(&order_placed) == 1);

    /* What the ORM does in save(): post_save with instance and created. */
    product keyboard = { 7, "Keyboard" };
    mn_map *kw = mn_map_new(arena, 2);
    mn_map_set_cstr(kw, "instance", mn_value_object(&product_type, &keyboard));
    mn_map_set_cstr(kw, "created", mn_value_bool(true));
    CHECK(mn_signal_send(&mn_post_save, &Product, kw, arena, NULL, &err) == MN_OK);
    mn_map_set_cstr(kw, "created", mn_value_bool(false));
    CHECK(mn_signal_send(&mn_post_save, &Product, kw, arena, NULL, &err) == MN_OK);
    /* Saving an Order does not reach the Product receiver. */
    CHECK(mn_signal_send(&mn_post_save, &Order, kw, arena, NULL, &err) == MN_OK);
    CHECK(mn_signal_send(&mn_pre_delete, &Product, kw, arena, NULL, &err) == MN_OK);

    mn_map *m2m = mn_map_new(arena, 2);
    mn_map_set_cstr(m2m, "instance", mn_value_object(&product_type, &keyboard));
    mn_map_set_cstr(m2m, "action", mn_value_cstr("post_add"));
    CHECK(mn_signal_send(&mn_m2m_changed, &tags_through, m2m, arena, NULL, &err) == MN_OK);

    /* create_order(): order_placed.send(sender=Order, order=order, user=request.user) */
    CHECK(MN_SIGNAL_SEND(&order_placed, &Order, arena, &err, MN_KW("order", mn_value_int(1001)),
                         MN_KW("user", mn_value_cstr("alice"))) == MN_OK);

    /* The same with an explicit map, collecting the receivers' responses. */
    mn_map *args = mn_map_new(arena, 2);
    mn_map_set_cstr(args, "order", mn_value_int(1001));
    mn_map_set_cstr(args, "user", mn_value_cstr("alice"));
    mn_signal_responses responses;
    CHECK(mn_signal_send(&order_placed, &Order, args, arena, &responses, &err) == MN_OK);
    CHECK(responses.len == 1);
    CHECK(mn_str_eq_cstr(responses.items[0].value.u.s, "confirmation queued"));

    /* send_robust: a failing receiver does not stop the others. */
    mn_signal_connect(&order_placed, flaky_analytics, NULL);
    CHECK(mn_signal_send_robust(&order_placed, &Order, args, arena, &responses) == MN_OK);
    CHECK(responses.len == 2 && responses.items[1].error == MN_ETIMEOUT);
    printf("send_robust: receiver 2 failed: %s\n", responses.items[1].error_msg);
    /* send stops at the failure and returns it, like an exception. */
    CHECK(mn_signal_send(&order_placed, &Order, args, arena, NULL, &err) == MN_ETIMEOUT);
    printf("send: %s\n", err.msg);
    CHECK(strcmp(err.msg, "signal order_placed: analytics service did not answer") == 0);

    CHECK(mn_signal_disconnect(&order_placed, flaky_analytics, NULL, NULL));
    CHECK(mn_signal_disconnect_uid(&order_placed, "shop.order_placed", NULL));
    CHECK(!mn_signal_has_listeners(&order_placed, &Order));

    CHECK(strcmp(journal, "New product created: Keyboard\n"
                           "Product updated: Keyboard (cache product_7 cleared)\n"
                           "Deleting product: Keyboard\n"
                           "Tags changed\n"
                           "Order 1001 placed by alice: email sent, inventory updated\n"
                           "Order 1001 placed by alice: email sent, inventory updated\n"
                           "Order 1001 placed by alice: email sent, inventory updated\n"
                           "Order 1001 placed by alice: email sent, inventory updated\n") == 0);
    mn_signal_disconnect_all(&mn_post_save);
    mn_signal_disconnect_all(&mn_pre_delete);
    mn_signal_disconnect_all(&mn_m2m_changed);
    mn_signal_collect();
    mn_arena_free(arena);
    return 0;
}
