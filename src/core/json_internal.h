/* Private to src/core: pieces of the JSON writer exposed for tests. */
#ifndef MN_JSON_INTERNAL_H
#define MN_JSON_INTERNAL_H

#include "manouche/str.h"

/* Appends Python's repr of a finite double: the writer's fast path when it
 * applies, else mn_buf_put_double_repr (same text). Returns the buffer's
 * error. */
int mn__json_put_double(mn_buf *b, double v);

#endif
