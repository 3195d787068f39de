/* Manouche: JSON parsing into mn_value and a streaming JSON writer.
 *
 * Parsing (json_parse.c) uses jansson behind a guard pass of our own that
 * enforces the limits, reports positions exactly, rejects invalid UTF-8 and
 * NUL characters, and keeps integers beyond 64 bits as exact decimals. The
 * result is an mn_value whose strings, lists and maps live in the caller's
 * arena; nothing else stays allocated.
 *
 *   JSON            mn_value
 *   object          MN_VALUE_MAP, keys in document order; a repeated key
 *                   keeps its first position and its last value (Python)
 *   array           MN_VALUE_LIST
 *   string          MN_VALUE_STR (copied into the arena, NUL-terminated)
 *   integer         MN_VALUE_INT when it fits int64, else MN_VALUE_DECIMAL
 *                   (scale 0) up to 38 digits, else an MN_ERANGE error
 *   fraction/exp.   MN_VALUE_FLOAT (overflow to infinity is an error)
 *   true/false      MN_VALUE_BOOL
 *   null            MN_VALUE_NULL
 *
 * Writing (json_write.c) is done by mn_json_writer, which appends to an
 * mn_buf, places commas and indentation itself and remembers its first
 * error. mn_json_write_value serialises any mn_value the way Django REST
 * framework renders it (see docs/json.md for the rules).
 *
 * Nothing here keeps global state: every function is thread-safe as long as
 * each thread uses its own arena, buffer and writer. */
#ifndef MANOUCHE_JSON_H
#define MANOUCHE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/decimal.h"
#include "manouche/error.h"
#include "manouche/str.h"
#include "manouche/value.h"

/* ---- parsing ---- */

/* Default size limit of a document: 16 MiB. */
#define MN_JSON_DEFAULT_MAX_BYTES ((size_t)16 << 20)
/* Default nesting limit (arrays and objects inside each other). */
#define MN_JSON_DEFAULT_MAX_DEPTH 512
/* Highest nesting limit that can be configured (jansson's own bound). */
#define MN_JSON_MAX_DEPTH 2048

/* Limits of a parse. Zero-initialise and set what you need: a zero field
 * takes its default. */
typedef struct mn_json_limits {
    size_t max_bytes;   /* 0: MN_JSON_DEFAULT_MAX_BYTES */
    unsigned max_depth; /* 0: MN_JSON_DEFAULT_MAX_DEPTH; capped at MN_JSON_MAX_DEPTH */
    /* JSON allows "\u0000" in strings. It is rejected unless this is set,
     * because C code and PostgreSQL text columns cut strings at NUL (Django's
     * and DRF's CharField reject it too). Object keys never accept it. */
    bool allow_nul;
} mn_json_limits;

/* Where a parse error was found: 1-based line, 1-based column counted in
 * characters, and 0-based byte offset. For syntax errors this is the last
 * character the parser read, usually the end of the offending token. */
typedef struct mn_json_pos {
    size_t line;
    size_t column;
    size_t offset;
} mn_json_pos;

/* Parses the whole of text (any JSON value, scalars included, with optional
 * surrounding whitespace) into *out. Strings, lists and maps are allocated in
 * arena and live as long as it does. limits may be NULL (defaults); where
 * may be NULL, else it receives the error position (zeroes on success).
 * Returns MN_OK, or:
 *   MN_EPARSE  malformed JSON, invalid UTF-8, a lone surrogate escape, NUL
 *   MN_ERANGE  an integer of more than 38 digits, a number overflowing double
 *   MN_ELIMIT  document larger than max_bytes or nested deeper than max_depth
 *   MN_ENOMEM  the arena (or the heap) is exhausted
 * with err's message "JSON parse error at line 3, column 5: ...". On error
 * *out is null and nothing is left allocated in the arena. */
int mn_json_parse(mn_arena *arena, mn_str text, const mn_json_limits *limits, mn_value *out,
                  mn_json_pos *where, mn_err *err) MN_NODISCARD;

/* mn_json_parse without the position: Python's json.loads. */
int mn_json_loads(mn_arena *arena, mn_str text, const mn_json_limits *limits, mn_value *out,
                  mn_err *err) MN_NODISCARD;

/* ---- writing ---- */

/* Writer flags, or-ed together. The default (0) is compact output encoded
 * as UTF-8, like json.dumps(v, ensure_ascii=False, separators=(',', ':')). */
enum {
    MN_JSON_COMPACT = 0,
    /* ", " and ": " between items, as json.dumps does by default. */
    MN_JSON_SPACED = 1u << 0,
    /* Objects written by mn_json_write_value list their keys sorted by
     * code point (sort_keys=True). */
    MN_JSON_SORT_KEYS = 1u << 1,
    /* Everything beyond ASCII (and DEL) as \uXXXX, with surrogate pairs
     * above U+FFFF: ensure_ascii=True. */
    MN_JSON_ENSURE_ASCII = 1u << 2,
    /* <, > and & as \u003C, \u003E, \u0026, so the output can sit inside a
     * <script> element, as Django's json_script does. */
    MN_JSON_SCRIPT_SAFE = 1u << 3,
    /* U+2028 and U+2029 as \u2028 and \u2029, as DRF's JSONRenderer does
     * (JavaScript before ES2019 treats them as line ends). */
    MN_JSON_ESCAPE_LINE_SEPARATORS = 1u << 4,
    /* Decimals as JSON strings ("1.50"), DRF's COERCE_DECIMAL_TO_STRING.
     * Without it they are exact JSON numbers (1.50). */
    MN_JSON_DECIMAL_AS_STRING = 1u << 5,
};

/* Pretty printing with n spaces per level (1..255), like json.dumps(v,
 * indent=n): items end with "," at the end of the line, keys are followed
 * by ": ", and empty containers stay "[]" and "{}". */
#define MN_JSON_INDENT(n) (((unsigned)(n) & 0xffu) << 24)

/* The output of DRF's JSONRenderer (compact, UTF-8, U+2028/9 escaped). */
#define MN_JSON_DRF (MN_JSON_ESCAPE_LINE_SEPARATORS)
/* json.dumps defaults, which Django's JsonResponse uses: ", " and ": "
 * separators, non-ASCII as \uXXXX. */
#define MN_JSON_DJANGO (MN_JSON_SPACED | MN_JSON_ENSURE_ASCII)
/* The JSON inside Django's json_script (json.dumps defaults plus <>&). */
#define MN_JSON_DJANGO_SCRIPT (MN_JSON_SPACED | MN_JSON_ENSURE_ASCII | MN_JSON_SCRIPT_SAFE)

/* A streaming writer. Put it on the stack, start it with mn_json_writer_init
 * and treat the fields as private. It holds no heap memory, so it needs no
 * cleanup. Nesting deeper than MN_JSON_MAX_DEPTH is an error. */
typedef struct mn_json_writer {
    mn_buf *out;
    unsigned flags;
    unsigned indent;
    unsigned depth;
    uint8_t escape_mask; /* byte classes that leave the copy loop */
    bool has_items;      /* current container already holds an item */
    bool after_key;      /* current object has a key waiting for its value */
    bool done;           /* the top-level value is complete */
    uint8_t objects[MN_JSON_MAX_DEPTH / 8]; /* bit set: level is an object */
    mn_err err;          /* first error, sticky */
} mn_json_writer;

/* Starts a writer appending to out (arena- or heap-backed) with flags. */
void mn_json_writer_init(mn_json_writer *w, mn_buf *out, unsigned flags);

/* Finishes the document: returns MN_OK when exactly one complete value was
 * written and the buffer holds it, else the first error (copied into err,
 * which may be NULL): MN_EINVAL for misuse (unclosed container, key without
 * value, two top-level values, nothing written), MN_EPARSE for invalid
 * UTF-8, MN_ERANGE for NaN or infinity, MN_ETYPE for an unserialisable
 * value, MN_ELIMIT or MN_ENOMEM from the buffer. */
int mn_json_writer_finish(mn_json_writer *w, mn_err *err);

/* The first error so far (MN_OK if none); its message is copied into err
 * when err is not NULL. */
int mn_json_writer_error(const mn_json_writer *w, mn_err *err);

/* Each of the following appends one token and returns MN_OK or the sticky
 * first error; after an error they do nothing. A value inside an object
 * must follow mn_json_write_key. */
int mn_json_write_begin_object(mn_json_writer *w);
int mn_json_write_end_object(mn_json_writer *w);
int mn_json_write_begin_array(mn_json_writer *w);
int mn_json_write_end_array(mn_json_writer *w);
/* An object key; s must be valid UTF-8 (it is escaped like a string). */
int mn_json_write_key(mn_json_writer *w, mn_str key);
int mn_json_write_key_cstr(mn_json_writer *w, const char *key);
/* A string value; invalid UTF-8 is an MN_EPARSE error. */
int mn_json_write_string(mn_json_writer *w, mn_str s);
int mn_json_write_cstr(mn_json_writer *w, const char *s);
int mn_json_write_int(mn_json_writer *w, int64_t v);
int mn_json_write_uint(mn_json_writer *w, uint64_t v);
/* Python's repr of the double ("0.1", "1e+16", "1.0"); NaN and infinities
 * are an MN_ERANGE error, as json.dumps(allow_nan=False). */
int mn_json_write_double(mn_json_writer *w, double v);
int mn_json_write_bool(mn_json_writer *w, bool v);
int mn_json_write_null(mn_json_writer *w);
/* The decimal as an exact JSON number ("1.50"), or as a string with
 * MN_JSON_DECIMAL_AS_STRING. */
int mn_json_write_decimal(mn_json_writer *w, mn_decimal d);
/* Pre-encoded JSON inserted as one value, unchecked: the caller vouches
 * that it is one valid JSON value. An empty slice is an MN_EINVAL error. */
int mn_json_write_raw(mn_json_writer *w, mn_str json);

/* Writes any value:
 *   null, bool, int             null, true/false, 42
 *   float                       shortest repr (NaN/infinity: MN_ERANGE)
 *   decimal                     1.50 (or "1.50", MN_JSON_DECIMAL_AS_STRING)
 *   str (safe or not)           "..." escaped per the flags
 *   date, time                  "2024-01-05", "10:30:00.000250"
 *   datetime                    "2024-01-05T10:30:00Z" when its offset is
 *                               zero, "...+05:30" otherwise, no suffix naive
 *   duration                    Django's duration_string: "1 02:03:04.000005"
 *   list, map                   arrays and objects (MN_JSON_SORT_KEYS sorts)
 *   object                      its type's to_list as an array, else its
 *                               to_str as a string, else MN_ETYPE
 *   callable                    MN_ETYPE ("... is not JSON serializable")
 * Lists and maps that contain themselves hit the depth limit (MN_ELIMIT). */
int mn_json_write_value(mn_json_writer *w, mn_value v);

/* ---- convenience ---- */

/* json.dumps: v as a JSON document in arena with the writer flags. Returns
 * the text (NUL-terminated, living as long as arena), or a slice with ptr
 * NULL on error with the reason in err (may be NULL). */
mn_str mn_json_dumps(mn_arena *arena, mn_value v, unsigned flags, mn_err *err);

#endif
