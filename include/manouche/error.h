/* Manouche: error codes and error records.
 *
 * Functions that can fail return a negative MN_E* code (0 on success), or
 * NULL for pointer results. The message with context goes into an mn_err that
 * the caller passes (it may pass NULL when it only wants the code). */
#ifndef MANOUCHE_ERROR_H
#define MANOUCHE_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __GNUC__
#define MN_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define MN_NODISCARD __attribute__((warn_unused_result))
#else
#define MN_PRINTF(fmt, args)
#define MN_NODISCARD
#endif

/* Stable error codes; never renumbered. */
enum {
    MN_OK = 0,
    MN_ENOMEM = -1,    /* out of memory or arena cap reached */
    MN_EINVAL = -2,    /* invalid argument or value */
    MN_ERANGE = -3,    /* value out of range */
    MN_ENOTFOUND = -4, /* lookup found nothing */
    MN_EPARSE = -5,    /* malformed input */
    MN_EIO = -6,       /* operating-system I/O error */
    MN_ELIMIT = -7,    /* a configured limit was exceeded */
    MN_EEXIST = -8,    /* already exists */
    MN_ETIMEOUT = -9,  /* timed out */
    MN_EDB = -10,      /* database error */
    MN_EPERM = -11,    /* permission denied */
    MN_ESIGNATURE = -12, /* bad cryptographic signature */
    MN_EEXPIRED = -13, /* signature or token expired */
    MN_ETYPE = -14,    /* value has the wrong type */
    MN_EMULTIPLE = -15 /* more than one result where one was expected */
};

#define MN_ERR_MSG_MAX 512

/* An error record: the code and a message with context. Zero-initialise it
 * (`mn_err err = {0};`); code 0 means no error recorded. */
typedef struct mn_err {
    int code;
    char msg[MN_ERR_MSG_MAX];
} mn_err;

/* Returns a static, human-readable description of an MN_E* code. Never NULL. */
const char *mn_strerror(int code);

/* Records code and a printf-style message into err (if err is not NULL) and
 * returns code, so a caller can write `return mn_err_set(err, MN_EINVAL, ...)`.
 * The message is truncated to MN_ERR_MSG_MAX - 1 bytes. */
int mn_err_set(mn_err *err, int code, const char *fmt, ...) MN_PRINTF(3, 4);

/* Same as mn_err_set with a va_list. */
int mn_err_setv(mn_err *err, int code, const char *fmt, va_list ap);

/* Prefixes the existing message of err with a context string ("settings: ").
 * Does nothing when err is NULL. Returns err->code (or MN_OK when err is NULL). */
int mn_err_prefix(mn_err *err, const char *fmt, ...) MN_PRINTF(2, 3);

/* Clears err (code 0, empty message). */
void mn_err_clear(mn_err *err);

#endif
