/* Manouche: exact decimal numbers for money and DecimalField.
 *
 * A decimal is a signed 128-bit integer coefficient and a scale:
 * value = coef * 10^-scale. The scale is the number of digits after the
 * point and may be negative: Python's Decimal("1E+3") is coef 1, scale -3,
 * and prints "1E+3" as Python does. The coefficient holds at most 38 digits,
 * more than any DecimalField(max_digits) in practice uses, with no allocation
 * and integer-speed arithmetic. See docs/design/decimal.md for the choice.
 *
 * Semantics follow Python's decimal module in its default context
 * (precision 28, ROUND_HALF_EVEN): add, sub, mul and truediv are exact when
 * the result has at most 28 digits and are rounded to 28 digits otherwise,
 * exactly as Python rounds them. Differences from Python, all documented in
 * docs/design/decimal.md: no NaN, no Infinity, no negative zero (-0.00 is
 * 0.00), at most 38 coefficient digits (MN_ERANGE beyond), adjusted
 * exponents within +-MN_DECIMAL_MAX_EXP (MN_ERANGE beyond, where Python
 * would overflow or go subnormal).
 *
 * Every function here is pure and thread-safe; none allocates except into
 * the mn_buf or arena it is given. Functions returning int return MN_OK or
 * a negative MN_E* code and leave *out untouched on error. */
#ifndef MANOUCHE_DECIMAL_H
#define MANOUCHE_DECIMAL_H

#include <stdbool.h>
#include <stdint.h>
#include "manouche/error.h"
#include "manouche/str.h"

/* Most significant digits a decimal holds. */
#define MN_DECIMAL_MAX_DIGITS 38
/* Precision of Python's default context, used by add/sub/mul/truediv and
 * normalize. */
#define MN_DECIMAL_PREC 28
/* Python's default Emax. A non-zero decimal's adjusted exponent (that of
 * its first digit, exponent + digits - 1) lies within +-MN_DECIMAL_MAX_EXP,
 * so |scale| <= MN_DECIMAL_MAX_EXP + 37; a zero's |scale| is at most
 * MN_DECIMAL_MAX_EXP. */
#define MN_DECIMAL_MAX_EXP 999999

typedef struct mn_decimal {
    uint64_t lo;   /* low 64 bits of the two's-complement coefficient */
    int64_t hi;    /* high 64 bits (sign in its top bit) */
    int32_t scale; /* value = coef * 10^-scale; see MN_DECIMAL_MAX_EXP */
} mn_decimal;

/* Rounding modes, Python's names (decimal.ROUND_*). */
typedef enum mn_rounding {
    MN_ROUND_HALF_EVEN = 0, /* Python's default, banker's rounding */
    MN_ROUND_HALF_UP,       /* ties away from zero (Django's floatformat) */
    MN_ROUND_HALF_DOWN,     /* ties toward zero */
    MN_ROUND_DOWN,          /* toward zero (truncate) */
    MN_ROUND_UP,            /* away from zero */
    MN_ROUND_FLOOR,         /* toward -infinity */
    MN_ROUND_CEILING,       /* toward +infinity */
    MN_ROUND_05UP           /* away from zero if the last digit is 0 or 5 */
} mn_rounding;

/* ---- construction and conversion ---- */

/* The decimal equal to the integer v (scale 0). */
mn_decimal mn_decimal_from_i64(int64_t v);

/* coef * 10^-scale: mn_decimal_make(1999, 2) is 19.99. scale is clamped to
 * +-MN_DECIMAL_MAX_EXP. */
mn_decimal mn_decimal_make(int64_t coef, int32_t scale);

/* Parses text as Python's Decimal(str) does: optional sign, digits with an
 * optional point ("12.50", "-0.5", ".5", "5."), optional exponent ("1e3",
 * "1.5E-2"), surrounding Unicode whitespace (UTF-8) ignored, underscores
 * ignored as CPython does ("1_000"). The exponent is kept: "1e3" prints
 * "1E+3", "1.50" keeps its two places. Returns MN_OK; MN_EPARSE for empty
 * text, garbage, NaN, sNaN or Infinity (not allowed here); MN_ERANGE when
 * the number needs more than 38 significant digits or its exponent exceeds
 * MN_DECIMAL_MAX_EXP. err (may be NULL) gets a message quoting the input. */
int mn_decimal_parse(mn_str s, mn_decimal *out, mn_err *err);

/* Same as mn_decimal_parse for a NUL-terminated string. */
int mn_decimal_parse_cstr(const char *s, mn_decimal *out, mn_err *err);

/* Decimal(repr(v)): the shortest text that reads back as v, with the
 * exponent Python's repr gives it (100.0 -> "100.0", 1e16 -> "1E+16",
 * 0.1 -> "0.1"). This is what a form or JSON float means. -0.0 gives 0.0.
 * Returns MN_OK or MN_EINVAL for NaN and infinities. */
int mn_decimal_from_double(double v, mn_decimal *out);

/* Django's DecimalField.to_python for floats:
 * Context(prec=max_digits).create_decimal_from_float(v): the exact binary
 * value of v, rounded half-even to prec significant digits when it has more
 * (0.1 with prec 5 -> "0.10000"; 0.5 stays "0.5"). prec is 1..38.
 * Returns MN_OK, MN_EINVAL (NaN, infinity, bad prec) or MN_ERANGE. */
int mn_decimal_from_double_prec(double v, int prec, mn_decimal *out);

/* The nearest double, correctly rounded, like float(Decimal): +-HUGE_VAL
 * beyond the double range, 0 below it. */
double mn_decimal_to_double(mn_decimal d);

/* The integer part, truncated toward zero, like Python's int(Decimal).
 * Returns MN_OK or MN_ERANGE when it does not fit in 64 bits. */
int mn_decimal_to_i64(mn_decimal d, int64_t *out);

/* Appends str(Decimal) exactly as Python prints it: keeps the scale
 * ("1.50", "-0.01", "100"), and uses scientific notation where Python does
 * ("1E+3", "1E-7", "1.23E-8"). Returns the buffer's error. */
int mn_decimal_write(mn_buf *out, mn_decimal d);

/* str(d) as a NUL-terminated string in arena a, living until the arena is
 * reset or freed. Returns NULL when the arena fails. */
char *mn_decimal_to_cstr(mn_arena *a, mn_decimal d);

/* Appends '{:f}'.format(d): plain notation, never an exponent ("1E+3" ->
 * "1000", "1E-7" -> "0.0000001"). Returns the buffer's error. */
int mn_decimal_write_fixed(mn_buf *out, mn_decimal d);

/* Appends d as Django's floatformat filter shows it (without localisation),
 * computed exactly: places >= 0 gives exactly that many decimals rounded
 * ROUND_HALF_UP ("34.23234", 3 -> "34.232"; 2.5, 0 -> "3"); places < 0 gives
 * |places| decimals only when d is not a whole number ("34.0", -1 -> "34";
 * "34.26", -1 -> "34.3"). A value that rounds to zero prints without a minus
 * sign. Returns MN_OK, MN_EINVAL (|places| > 1000) or the buffer's error. */
int mn_decimal_format_fixed(mn_buf *out, mn_decimal d, int places);

/* Django's django.db.backends.utils.format_number(value, max_digits,
 * decimal_places), the text a DecimalField sends to the database: with
 * decimal_places >= 0, d quantized half-even to that many places, failing
 * when the result needs more than max_digits digits; with decimal_places
 * < 0 (None), d unchanged, failing when it has more than max_digits digits.
 * max_digits < 0 (None) means 28. Appends '{:f}' text. Returns MN_OK,
 * MN_ERANGE (Python's InvalidOperation / Rounded) or the buffer's error. */
int mn_decimal_format_number(mn_buf *out, mn_decimal d, int max_digits, int decimal_places);

/* ---- inspection ---- */

/* True when d is zero (at any scale). */
bool mn_decimal_is_zero(mn_decimal d);

/* True when d is below zero. */
bool mn_decimal_is_negative(mn_decimal d);

/* -1, 0 or 1. */
int mn_decimal_sign(mn_decimal d);

/* Number of digits of the coefficient, like len(d.as_tuple().digits):
 * 1 for any zero, 3 for "1.50", 1 for "1E+3". */
int mn_decimal_digits(mn_decimal d);

/* The exponent, like d.as_tuple().exponent: -scale. */
int32_t mn_decimal_exponent(mn_decimal d);

/* Compares by value regardless of scale (1.50 == 1.5): <0, 0, >0. */
int mn_decimal_cmp(mn_decimal a, mn_decimal b);

/* Compares d with the exact binary value of x as Python does
 * (Decimal("0.1") < 0.1 is true, Decimal("0.5") == 0.5): <0, 0, >0.
 * x must not be NaN (then the result is 1 and meaningless). */
int mn_decimal_cmp_double(mn_decimal d, double x);

/* ---- arithmetic (Python's default context) ---- */

/* -d and |d|; never fail. */
mn_decimal mn_decimal_neg(mn_decimal d);
mn_decimal mn_decimal_abs(mn_decimal d);

/* a + b, a - b, a * b as Python computes them: exact when the result has at
 * most 28 digits (exponent min(ea, eb) for +/-, ea + eb for *), otherwise
 * rounded half-even to 28 digits. Returns MN_OK or MN_ERANGE (exponent out
 * of range). */
int mn_decimal_add(mn_decimal a, mn_decimal b, mn_decimal *out);
int mn_decimal_sub(mn_decimal a, mn_decimal b, mn_decimal *out);
int mn_decimal_mul(mn_decimal a, mn_decimal b, mn_decimal *out);

/* a / b as Python's `/`: exact quotients keep the exponent closest to
 * ea - eb (10 / 4 = 2.5, 1.00 / 4 = 0.25), others get 28 significant digits
 * rounded half-even (1 / 3 = 0.3333333333333333333333333333). Returns MN_OK,
 * MN_EINVAL for division by zero, MN_ERANGE. */
int mn_decimal_truediv(mn_decimal a, mn_decimal b, mn_decimal *out);

/* Python's divmod(a, b) on Decimals: *q = a // b, the quotient truncated
 * toward zero (unlike ints: -7 // 2 is -3), exponent 0; *r = a % b =
 * a - b * q, with a's sign and exponent min(ea, eb) (-7 % 2 is -1,
 * 7.5 % 2 is 1.5). Either pointer may be NULL. Returns MN_OK, MN_EINVAL for
 * division by zero, MN_ERANGE when the quotient needs more than 28 digits
 * (Python's DivisionImpossible). */
int mn_decimal_divmod(mn_decimal a, mn_decimal b, mn_decimal *q, mn_decimal *r);

/* a / b rounded to `scale` decimal places with the given mode, computed
 * from the exact quotient (10 / 3 at scale 2 -> 3.33). Returns MN_OK,
 * MN_EINVAL for division by zero or a bad mode, MN_ERANGE when the result
 * needs more than 38 digits or scale is out of range. */
int mn_decimal_div(mn_decimal a, mn_decimal b, int32_t scale, mn_rounding mode, mn_decimal *out);

/* ---- rounding ---- */

/* d rounded to `places` decimal places (negative: to tens, hundreds...),
 * like d.quantize(Decimal(1).scaleb(-places), rounding=mode): the result
 * has exactly that scale (2.5 -> "3" with HALF_UP, "2" with HALF_EVEN;
 * 1.5 at 3 places -> "1.500"). Returns MN_OK, MN_EINVAL (bad mode) or
 * MN_ERANGE when the result needs more than 38 digits (Python's limit is
 * 28) or places is out of range. */
int mn_decimal_quantize(mn_decimal d, int32_t places, mn_rounding mode, mn_decimal *out);

/* d.normalize(): rounded to 28 digits if longer, then trailing zeros
 * stripped ("1.2300" -> "1.23", "100" -> "1E+2", any zero -> "0").
 * Returns MN_OK or MN_ERANGE. */
int mn_decimal_normalize(mn_decimal d, mn_decimal *out);

/* ---- Django ---- */

/* Django 3.2's DecimalValidator(max_digits, decimal_places) (either may be
 * negative for None), counting digits as Django does ("0.00" has 2 digits,
 * 2 decimals; "1E+2" has 3 digits). Returns MN_OK or MN_EINVAL with Django's
 * exact message in err, e.g. "Ensure that there are no more than 5 digits
 * in total.", "... no more than 1 decimal place.", "... no more than 3
 * digits before the decimal point.". */
int mn_decimal_validate(mn_decimal d, int max_digits, int decimal_places, mn_err *err);

#endif
