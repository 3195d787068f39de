/* Fuzz target for the JSON parser and writer: parse arbitrary bytes; when
 * they parse, write the value back (with flags derived from the input),
 * re-parse the output and require the same value, and require the writer to
 * be stable (writing the re-parsed value gives the same bytes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned flags_for(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    static const unsigned choices[] = {
        0,
        MN_JSON_SPACED,
        MN_JSON_ENSURE_ASCII,
        MN_JSON_DJANGO_SCRIPT,
        MN_JSON_DRF | MN_JSON_SORT_KEYS,
        MN_JSON_INDENT(2) | MN_JSON_SORT_KEYS,
        MN_JSON_INDENT(1) | MN_JSON_ENSURE_ASCII | MN_JSON_SCRIPT_SAFE,
        MN_JSON_DECIMAL_AS_STRING,
    };
    return choices[h % (sizeof choices / sizeof choices[0])];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_arena *arena = mn_arena_new("fuzz", 0);
    if (!arena)
        return 0;
    mn_json_limits lim = { .allow_nul = size > 0 && (data[0] & 1), .max_depth = 64 };
    mn_value v;
    mn_err err = { 0 };
    mn_json_pos pos;
    int rc = mn_json_parse(arena, mn_str_make((const char *)data, size), &lim, &v, &pos, &err);
    if (rc) {
        /* Errors carry a message and a position inside the input. */
        if (!err.code || !err.msg[0] || pos.offset > size || (rc != MN_ELIMIT && rc != MN_ENOMEM && pos.line == 0))
            abort();
        mn_arena_free(arena);
        return 0;
    }
    unsigned flags = flags_for(data, size);
    mn_str out = mn_json_dumps(arena, v, flags, &err);
    if (!out.ptr)
        abort(); /* everything the parser produces can be written */
    mn_value back;
    if (mn_json_parse(arena, out, &lim, &back, NULL, &err))
        abort();
    if (!(flags & MN_JSON_DECIMAL_AS_STRING)) {
        if (!mn_value_eq(v, back))
            abort();
        mn_str again = mn_json_dumps(arena, back, flags, &err);
        if (!again.ptr || !mn_str_eq(out, again))
            abort();
    }
    mn_arena_free(arena);
    return 0;
}
