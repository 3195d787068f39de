/* Private to the drivers (src/db) and the ORM (src/orm): the small pieces of
 * mn_db_rows_store shared by every driver and by the ORM's slow path, kept
 * inline because they run once per column of every row read. */
#ifndef MN_DB_ROWSTORE_H
#define MN_DB_ROWSTORE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "manouche/db.h"
#include "manouche/decimal.h"
#include "db_internal.h"

/* n bytes from s to d, short strings without a call. */
static inline void mn__copy_bytes(char *d, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n < 4) {
        if (n) {
            d[0] = s[0];
            d[n / 2] = s[n / 2];
            d[n - 1] = s[n - 1];
        }
    } else {
        memcpy(d, s, n);
    }
}

/* A text column's len bytes at s (the row's, valid until the next step)
 * into the member at p, column k of the run: copied with a NUL into
 * out->text when it fits, else borrowed and flagged in out->texts for the
 * caller to copy (MN_DB_AS_TEXT). */
static inline void mn__store_text(mn_db_stored *out, char *p, const char *s, size_t len, unsigned k)
{
    mn_str str;
    if (len < out->text_left) {
        char *d = out->text;
        mn__copy_bytes(d, s, len);
        d[len] = '\0';
        out->text = d + len + 1;
        out->text_left -= len + 1;
        str = (mn_str){ d, len };
    } else {
        str = (mn_str){ s ? s : "", len };
        out->texts |= UINT64_C(1) << k;
        out->bytes += len + 1;
    }
    memcpy(p, &str, sizeof str);
}

static const int64_t mn__pow10_9[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000 };

/* The decimal c * 10^-places into the mn_decimal at dst (perhaps
 * unaligned), member by member: a whole struct built first and copied
 * stalls the store (its halves are written apart, then read at once). */
static inline void mn__decimal_put(void *dst, int64_t c, unsigned places)
{
    uint64_t lo = (uint64_t)c;
    int64_t hi = c < 0 ? -1 : 0;
    int32_t scale = (int32_t)places;
    memcpy((char *)dst + offsetof(mn_decimal, lo), &lo, sizeof lo);
    memcpy((char *)dst + offsetof(mn_decimal, hi), &hi, sizeof hi);
    memcpy((char *)dst + offsetof(mn_decimal, scale), &scale, sizeof scale);
}

/* An INTEGER stored in a decimal column of `places` places (0..9) into the
 * mn_decimal at dst: exact while |v| < 10^9. False (nothing written)
 * otherwise. */
static inline bool mn__decimal_from_i64(int64_t v, unsigned places, void *dst)
{
    if (places > 9 || v > INT64_C(999999999) || v < -INT64_C(999999999))
        return false;
    mn__decimal_put(dst, v * mn__pow10_9[places], places);
    return true;
}

/* SQLite keeps a decimal column's values as numbers (NUMERIC affinity):
 * 12.50 is the REAL 12.5. Reading it as text makes SQLite print the double
 * ("%!.15g") for Django's converter (Decimal(text).quantize(places)). When
 * x * 10^places is within rounding noise of an integer r, that converter
 * gives exactly r * 10^-places, so it is built directly. Other values (more
 * places than the field has, magnitudes where a double is not precise
 * enough, NaN) give false, nothing written: the caller takes the text
 * path. The result goes to the mn_decimal at dst. */
static inline bool mn__decimal_from_double(double x, unsigned places, void *dst)
{
    if (places > 9)
        return false;
    x *= (double)mn__pow10_9[places];
    if (!(x > -2147483648.0 && x < 2147483648.0)) /* NaN too */
        return false;
    /* the nearest integer (a tie is 0.5 away: refused below either way) */
    int64_t c = (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
    if (fabs(x - (double)c) > 1e-6)
        return false;
    mn__decimal_put(dst, c, places);
    return true;
}

/* Whether rows can give rows (mn_db_rows_next's own check). */
static inline bool mn__rows_active(const mn_db_rows *rows) { return rows && rows->active; }

/* mn_db_rows_next_store for rows known to be active (a loop that checked
 * once with mn__rows_active): the driver's call without the public
 * function's checks. */
static inline int mn__rows_next_store(mn_db_rows *rows, size_t n, const mn_db_store *plan, void *const *dst,
                                      mn_db_stored *out, mn_err *err)
{
    const mn__db_ops *ops = rows->db->ops;
    if (ops->next_store)
        return ops->next_store(rows, n, plan, dst, out, err);
    int rc = ops->next(rows, err);
    if (rc == MN_OK)
        ops->store(rows, 0, n, plan, dst, out);
    return rc;
}

#endif
