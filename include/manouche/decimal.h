/* Manouche: exact decimal numbers for money and DecimalField.
 *
 * A decimal is a signed 128-bit integer coefficient and a scale (digits after
 * the point): value = coef / 10^scale. That holds 38 significant digits, the
 * most any DecimalField(max_digits) in practice uses, with no allocation and
 * integer-speed arithmetic. See docs/design/decimal.md for the choice. */
#ifndef MANOUCHE_DECIMAL_H
#define MANOUCHE_DECIMAL_H

#include <stdbool.h>
#include <stdint.h>
#include "manouche/error.h"

/* Most significant digits a decimal holds. */
#define MN_DECIMAL_MAX_DIGITS 38

typedef struct mn_decimal {
    uint64_t lo;   /* low 64 bits of the two's-complement coefficient */
    int64_t hi;    /* high 64 bits (sign in its top bit) */
    int32_t scale; /* 0..MN_DECIMAL_MAX_DIGITS */
} mn_decimal;

/* The decimal equal to the integer v (scale 0). */
mn_decimal mn_decimal_from_i64(int64_t v);

/* True when d is zero (at any scale). */
bool mn_decimal_is_zero(mn_decimal d);

/* True when d is below zero. */
bool mn_decimal_is_negative(mn_decimal d);

/* Compares by value regardless of scale (1.50 == 1.5): <0, 0, >0. */
int mn_decimal_cmp(mn_decimal a, mn_decimal b);

/* The nearest double (for comparisons with floats and for float()). */
double mn_decimal_to_double(mn_decimal d);

/* The integer part, truncated toward zero, like Python's int(Decimal).
 * Returns MN_OK or MN_ERANGE when it does not fit in 64 bits. */
int mn_decimal_to_i64(mn_decimal d, int64_t *out);

/* Appends str(Decimal) as Python prints it, keeping the scale:
 * "1.50", "-0.01", "100". Returns the buffer's error. */
struct mn_buf;
int mn_decimal_write(struct mn_buf *out, mn_decimal d);

#endif
