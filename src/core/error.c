/* Error codes and records. */
#include <stdio.h>
#include <string.h>
#include "manouche/error.h"

const char *mn_strerror(int code)
{
    switch (code) {
    case MN_OK: return "success";
    case MN_ENOMEM: return "out of memory";
    case MN_EINVAL: return "invalid value";
    case MN_ERANGE: return "value out of range";
    case MN_ENOTFOUND: return "not found";
    case MN_EPARSE: return "malformed input";
    case MN_EIO: return "input/output error";
    case MN_ELIMIT: return "limit exceeded";
    case MN_EEXIST: return "already exists";
    case MN_ETIMEOUT: return "timed out";
    case MN_EDB: return "database error";
    case MN_EPERM: return "permission denied";
    case MN_ESIGNATURE: return "bad signature";
    case MN_EEXPIRED: return "signature expired";
    case MN_ETYPE: return "wrong type";
    case MN_EMULTIPLE: return "more than one result";
    default: return "unknown error";
    }
}

int mn_err_setv(mn_err *err, int code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    if (!fmt) {
        snprintf(err->msg, sizeof err->msg, "%s", mn_strerror(code));
        return code;
    }
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

int mn_err_set(mn_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mn_err_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int mn_err_prefix(mn_err *err, const char *fmt, ...)
{
    if (!err)
        return MN_OK;
    char prefix[MN_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n < 0)
        return err->code;
    size_t plen = strlen(prefix);
    size_t mlen = strnlen(err->msg, sizeof err->msg - 1);
    if (plen >= sizeof err->msg - 1)
        plen = sizeof err->msg - 1;
    if (plen + mlen > sizeof err->msg - 1)
        mlen = sizeof err->msg - 1 - plen;
    memmove(err->msg + plen, err->msg, mlen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + mlen] = '\0';
    return err->code;
}

void mn_err_clear(mn_err *err)
{
    if (!err)
        return;
    err->code = 0;
    err->msg[0] = '\0';
}
