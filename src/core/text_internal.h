/* Private helpers shared by utf8.c, text.c, html.c and urlenc.c. */
#ifndef MANOUCHE_TEXT_INTERNAL_H
#define MANOUCHE_TEXT_INTERNAL_H

#include <stdint.h>
#include "manouche/text.h"

/* A decoded string: code points in an arena (or heap) array. */
typedef struct mn__u32s {
    uint32_t *cp;
    size_t len;
} mn__u32s;

/* Decodes s (invalid sequences become U+FFFD) into an array allocated in a.
 * Returns MN_OK or MN_ENOMEM. */
int mn__utf8_decode_all(mn_arena *a, mn_str s, mn__u32s *out);

/* Appends n code points as UTF-8 (surrogates, which cannot occur in decoded
 * text, are written as U+FFFD). */
int mn__utf8_put_u32(mn_buf *b, const uint32_t *cp, size_t n);

/* Python's \w for str patterns: letters, numbers and '_'. */
bool mn__unicode_isword(uint32_t cp);

/* A scratch arena for one call; NULL when out of memory. */
mn_arena *mn__scratch_new(void);

#endif
