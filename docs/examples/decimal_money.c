/* The guide's prices and discounts with exact decimals: a Product has
 * price = DecimalField(max_digits=10, decimal_places=2) and an integer
 * percentage discount. Checks every value it prints; exits 0 on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

static int failures;

/* Prints str(d) and checks it against what Python prints. */
static void show(const char *label, mn_decimal d, const char *want)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_decimal_write(&b, d);
    printf("%-28s %s\n", label, mn_buf_cstr(&b));
    if (strcmp(mn_buf_cstr(&b), want) != 0) {
        fprintf(stderr, "  expected %s\n", want);
        failures++;
    }
    mn_buf_free(&b);
}

/* discounted_price: price * (100 - discount) / 100, exact, then rounded to
 * cents half-up as shops usually do. (The guide's
 * `price * (1 - discount / 100)` mixes Decimal and float, which Python 3
 * rejects with a TypeError; in integers and decimals it stays exact.) */
static int discounted_price(mn_decimal price, int discount, mn_decimal *out)
{
    mn_decimal factor = mn_decimal_from_i64(100 - discount), r;
    int rc = mn_decimal_mul(price, factor, &r);
    if (rc == MN_OK)
        rc = mn_decimal_div(r, mn_decimal_from_i64(100), 2, MN_ROUND_HALF_UP, out);
    return rc;
}

int main(void)
{
    mn_err err = {0};
    mn_decimal price, r;

    /* A form posts the price as text: parse, then validate like Django. */
    if (mn_decimal_parse(MN_STR(" 12.50 "), &price, &err) != MN_OK ||
        mn_decimal_validate(price, 10, 2, &err) != MN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    show("price", price, "12.50");

    /* 15% off: 10.625 exactly, 10.63 half-up, 10.62 with Python's default */
    mn_decimal exact;
    mn_decimal_mul(price, mn_decimal_from_i64(85), &exact);
    mn_decimal_truediv(exact, mn_decimal_from_i64(100), &exact);
    show("price * 85 / 100", exact, "10.625");
    discounted_price(price, 15, &r);
    show("discounted (HALF_UP)", r, "10.63");
    mn_decimal_quantize(exact, 2, MN_ROUND_HALF_EVEN, &r);
    show("discounted (HALF_EVEN)", r, "10.62");

    /* A cart: 3 x 19.99 + 2 x 4.50 + 10 x 0.99, then 20% VAT. */
    static const struct { const char *price; int qty; } cart[] = { { "19.99", 3 }, { "4.50", 2 }, { "0.99", 10 } };
    mn_decimal total = mn_decimal_make(0, 2);
    for (size_t i = 0; i < sizeof cart / sizeof cart[0]; i++) {
        mn_decimal p, line;
        mn_decimal_parse(mn_str_from(cart[i].price), &p, NULL);
        mn_decimal_mul(p, mn_decimal_from_i64(cart[i].qty), &line);
        mn_decimal_add(total, line, &total);
    }
    show("cart total", total, "78.87");
    mn_decimal vat;
    mn_decimal_mul(total, mn_decimal_make(2, 1), &vat);
    show("VAT 20%", vat, "15.774");
    mn_decimal_quantize(vat, 2, MN_ROUND_HALF_UP, &vat);
    show("VAT rounded", vat, "15.77");

    /* Python's `/` gives 28 significant digits; div() rounds to cents. */
    mn_decimal_truediv(mn_decimal_make(10000, 2), mn_decimal_from_i64(3), &r);
    show("100.00 / 3", r, "33.33333333333333333333333333");
    mn_decimal_div(mn_decimal_make(10000, 2), mn_decimal_from_i64(3), 2, MN_ROUND_DOWN, &r);
    show("100.00 / 3 to cents, down", r, "33.33");

    /* Templates: {{ price|floatformat:2 }}; the database: format_number. */
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_decimal_format_fixed(&b, mn_decimal_make(17991, 3), 2);
    printf("%-28s %s\n", "floatformat:2 of 17.991", mn_buf_cstr(&b));
    failures += strcmp(mn_buf_cstr(&b), "17.99") != 0;
    mn_buf_reset(&b);
    mn_decimal_format_number(&b, mn_decimal_make(1999, 2), 10, 2);
    printf("%-28s %s\n", "sent to the database", mn_buf_cstr(&b));
    failures += strcmp(mn_buf_cstr(&b), "19.99") != 0;
    mn_buf_free(&b);

    /* Bad input gets Django's messages. */
    mn_decimal_parse(MN_STR("12.345"), &r, NULL);
    if (mn_decimal_validate(r, 10, 2, &err) == MN_EINVAL)
        printf("%-28s %s\n", "12.345:", err.msg);
    failures += strcmp(err.msg, "Ensure that there are no more than 2 decimal places.") != 0;
    if (mn_decimal_parse(MN_STR("12,50"), &r, &err) == MN_EPARSE)
        printf("%-28s %s\n", "12,50:", err.msg);
    failures += err.code != MN_EPARSE;

    /* Exact: 0.1 + 0.2 == 0.3, unlike doubles. */
    mn_decimal a, c;
    mn_decimal_parse(MN_STR("0.1"), &a, NULL);
    mn_decimal_parse(MN_STR("0.2"), &c, NULL);
    mn_decimal_add(a, c, &r);
    failures += mn_decimal_cmp(r, mn_decimal_make(3, 1)) != 0;
    show("0.1 + 0.2", r, "0.3");

    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
