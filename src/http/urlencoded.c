/* application/x-www-form-urlencoded: percent-decoding, UTF-8 repair and
 * encoding of query components. */
#include <string.h>
#include "http_internal.h"
#include "manouche/text.h"

/* Percent-decoding and UTF-8 repair come from text.h (mn_url_unquote,
 * mn_utf8_sanitize); these wrappers keep the common case, text with nothing
 * to decode or repair, free of copies. */

mn_str mn__utf8_repair(mn_arena *arena, mn_str s)
{
    if (mn_utf8_valid(s))
        return s;
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    if (mn_utf8_sanitize(&b, s))
        return (mn_str){ NULL, 0 };
    return mn_buf_str(&b);
}

mn_str mn__url_decode(mn_arena *arena, mn_str s, bool plus_space, bool strict, int *rc)
{
    *rc = MN_OK;
    bool plain = !memchr(s.ptr, '%', s.len) && !(plus_space && memchr(s.ptr, '+', s.len));
    if (plain) {
        if (mn_utf8_valid(s))
            return s;
        if (strict) {
            *rc = MN_EPARSE;
            return (mn_str){ NULL, 0 };
        }
        return mn__utf8_repair(arena, s);
    }
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn_unquote_mode mode = strict ? MN_UNQUOTE_STRICT : MN_UNQUOTE_REPLACE;
    *rc = plus_space ? mn_url_unquote_plus(&b, s, mode, NULL) : mn_url_unquote(&b, s, mode, NULL);
    if (*rc)
        return (mn_str){ NULL, 0 };
    return mn_buf_str(&b);
}

