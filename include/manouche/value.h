/* Manouche: mn_value, the tagged dynamic value.
 *
 * Template contexts, JSON documents, form data, serializer output and task
 * arguments are all mn_values. A value is 32 bytes passed by value; strings,
 * lists and maps inside it borrow memory from an arena (usually the request's)
 * and live as long as that arena. Lists and maps keep insertion order.
 *
 * Truthiness, equality, ordering and str() follow Python's rules, because
 * templates written for Django expect them. */
#ifndef MANOUCHE_VALUE_H
#define MANOUCHE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/datetime.h"
#include "manouche/decimal.h"
#include "manouche/error.h"
#include "manouche/str.h"

typedef enum mn_vtype {
    MN_VALUE_NULL = 0,
    MN_VALUE_BOOL,
    MN_VALUE_INT,
    MN_VALUE_FLOAT,
    MN_VALUE_DECIMAL,
    MN_VALUE_STR,
    MN_VALUE_DATE,
    MN_VALUE_TIME,
    MN_VALUE_DATETIME,
    MN_VALUE_DURATION,
    MN_VALUE_LIST,
    MN_VALUE_MAP,
    MN_VALUE_OBJECT,   /* a C object described by an mn_type (model instance, queryset, ...) */
    MN_VALUE_CALLABLE  /* a function called without arguments by templates */
} mn_vtype;

/* Flag on MN_VALUE_STR: the string is safe HTML and is not escaped again. */
#define MN_VALUE_SAFE 0x01

typedef struct mn_value mn_value;
typedef struct mn_list mn_list;
typedef struct mn_map mn_map;

/* A callable value: fn(ctx, arena, out) computes the result into *out and
 * returns MN_OK or an error code. */
typedef int (*mn_value_fn)(void *ctx, mn_arena *arena, mn_value *out);

/* How Manouche sees a C object stored in a value. Every hook may be NULL. */
typedef struct mn_type {
    const char *name; /* "Product", "QuerySet" */
    /* Attribute lookup (templates' `obj.name`): fill *out and return MN_OK,
     * or return MN_ENOTFOUND. Allocate results in arena. */
    int (*get_attr)(const void *obj, mn_str name, mn_arena *arena, mn_value *out);
    /* str(obj) into out. Without it str() gives "<name object>". */
    int (*to_str)(const void *obj, mn_buf *out);
    /* Materialises the object as a list for iteration (querysets). */
    int (*to_list)(const void *obj, mn_arena *arena, mn_list **out);
    /* Truthiness; without it objects are true. */
    bool (*truthy)(const void *obj);
    /* Optional get_attr for a call site that looks one name up again and
     * again (a template variable): same results and errors as get_attr.
     * *slot belongs to the call site, 0 at first; the hook may keep in it
     * what spares the name lookup next time (read and written with relaxed
     * atomics: call sites are shared by threads). */
    int (*get_attr_slot)(const void *obj, mn_str name, uint64_t *slot, mn_arena *arena, mn_value *out);
} mn_type;

struct mn_value {
    uint8_t type;  /* mn_vtype */
    uint8_t flags; /* MN_VALUE_SAFE */
    uint16_t reserved16;
    uint32_t reserved32;
    union {
        bool b;
        int64_t i;
        double f;
        mn_decimal d;
        mn_str s;
        mn_date date;
        mn_time time;
        mn_datetime dt;
        mn_duration dur;
        mn_list *list;
        mn_map *map;
        struct {
            const mn_type *type;
            void *ptr;
        } obj;
        struct {
            mn_value_fn fn;
            void *ctx;
        } call;
    } u;
};

/* ---- constructors (no allocation; strings are borrowed) ---- */
mn_value mn_value_null(void);
mn_value mn_value_bool(bool b);
mn_value mn_value_int(int64_t i);
mn_value mn_value_float(double f);
mn_value mn_value_decimal(mn_decimal d);
/* A string value borrowing s. */
mn_value mn_value_str(mn_str s);
/* A string value borrowing a NUL-terminated string (NULL gives ""). */
mn_value mn_value_cstr(const char *s);
/* A string already safe for HTML (templates do not escape it). */
mn_value mn_value_safe(mn_str s);
mn_value mn_value_date(mn_date d);
mn_value mn_value_time(mn_time t);
mn_value mn_value_datetime(mn_datetime dt);
mn_value mn_value_duration(mn_duration d);
mn_value mn_value_list(mn_list *l);
mn_value mn_value_map(mn_map *m);
mn_value mn_value_object(const mn_type *type, void *ptr);
mn_value mn_value_callable(mn_value_fn fn, void *ctx);

/* ---- inspection ---- */
static inline mn_vtype mn_value_type(mn_value v) { return (mn_vtype)v.type; }
static inline bool mn_value_is_null(mn_value v) { return v.type == MN_VALUE_NULL; }
/* True for a string flagged MN_VALUE_SAFE. */
static inline bool mn_value_is_safe(mn_value v) { return v.type == MN_VALUE_STR && (v.flags & MN_VALUE_SAFE); }
/* True for bool, int, float and decimal. */
bool mn_value_is_number(mn_value v);
/* The type's name as Python would print it ("int", "str", "list", ...). */
const char *mn_value_type_name(mn_value v);

/* Python truthiness: None, False, 0, 0.0, Decimal 0, "", [], {}, a zero
 * duration are false; objects ask their type. */
bool mn_value_truthy(mn_value v);

/* Python ==: numbers compare by value across bool/int/float/decimal, strings
 * by bytes, lists and maps element by element, dates and datetimes by time
 * (an aware and a naive datetime are never equal). A list or map equals
 * itself; containers nested more than 512 deep compare unequal (two distinct
 * self-referencing structures, where Python raises RecursionError). */
bool mn_value_eq(mn_value a, mn_value b);

/* Python ordering: stores <0, 0 or >0 in *result and returns MN_OK, or returns
 * MN_ETYPE when Python would raise TypeError (a string against a number,
 * None against anything, lists nested more than 512 deep). Lists compare
 * lexicographically. */
int mn_value_cmp(mn_value a, mn_value b, int *result);

/* Appends Python's str(v) to out: "None", "True", "3", "0.1", "1e+16",
 * "2024-01-05", lists and maps as repr ("[1, 'a']"; a list or map inside
 * itself is "[...]" or "{...}", as in Python). Returns the buffer's
 * error or MN_ETYPE for an object whose to_str failed. */
int mn_value_to_str(mn_value v, mn_buf *out);

/* Appends Python's repr(v): like str() but strings are quoted as Python
 * quotes them ('it''s' is "it's"). */
int mn_value_repr(mn_value v, mn_buf *out);

/* str(v) as a slice in arena: no copy for string values. On error returns the
 * empty slice and sets *err (err may be NULL). */
mn_str mn_value_as_str(mn_value v, mn_arena *arena, int *err);

/* Integer conversion like Python's int(): bool, int, integral-or-truncated
 * float and decimal, and strings holding a base-10 integer (surrounding
 * whitespace allowed). Returns MN_OK, MN_ETYPE, MN_EPARSE or MN_ERANGE. */
int mn_value_to_i64(mn_value v, int64_t *out);
/* Float conversion like Python's float(). Same errors. */
int mn_value_to_double(mn_value v, double *out);

/* Appends Python's repr of a float ("0.1", "1.0", "1e+16", "inf", "nan"). */
int mn_buf_put_double_repr(mn_buf *b, double f);

/* ---- lists ---- */

/* A new empty list in arena with room for hint items. NULL on failure. */
mn_list *mn_list_new(mn_arena *arena, size_t hint);
size_t mn_list_len(const mn_list *l);
/* Item i, or null when out of range. */
mn_value mn_list_get(const mn_list *l, size_t i);
/* Pointer to item i (valid until the next push), or NULL when out of range. */
mn_value *mn_list_at(mn_list *l, size_t i);
/* Appends. Returns MN_OK or MN_ENOMEM. */
int mn_list_push(mn_list *l, mn_value v);
/* Replaces item i. Returns MN_OK or MN_ERANGE. */
int mn_list_set(mn_list *l, size_t i, mn_value v);
/* The items as an array of mn_list_len values (valid until the next push). */
mn_value *mn_list_items(mn_list *l);

/* ---- maps (string keys, insertion order) ---- */

/* A new empty map in arena. NULL on failure. Lookup is by hash once the map
 * holds more than a few keys. */
mn_map *mn_map_new(mn_arena *arena, size_t hint);
size_t mn_map_len(const mn_map *m);
/* Sets key to v, replacing an existing value in place (order unchanged) or
 * appending. The key's bytes are borrowed: they must live as long as the map
 * (copy them with mn_str_clone if needed). Returns MN_OK or MN_ENOMEM. */
int mn_map_set(mn_map *m, mn_str key, mn_value v);
/* Same with a NUL-terminated key. */
int mn_map_set_cstr(mn_map *m, const char *key, mn_value v);
/* Pointer to the value of key (valid until the next set), or NULL. */
mn_value *mn_map_find(const mn_map *m, mn_str key);
/* mn_map_find trying the entry at index *hint first (maps built alike hold
 * their keys at the same places); *hint gets the index where key was found
 * and is left alone when it is absent. Any *hint is valid. */
mn_value *mn_map_find_hinted(const mn_map *m, mn_str key, uint32_t *hint);
/* The value of key, or null when absent. */
mn_value mn_map_get(const mn_map *m, mn_str key);
mn_value mn_map_get_cstr(const mn_map *m, const char *key);
bool mn_map_has(const mn_map *m, mn_str key);
/* Removes key, keeping the order of the rest. Returns true if it was there. */
bool mn_map_remove(mn_map *m, mn_str key);
/* The i-th key and value in insertion order (i < mn_map_len). */
mn_str mn_map_key_at(const mn_map *m, size_t i);
mn_value mn_map_value_at(const mn_map *m, size_t i);

/* Deep copy of v into arena: strings, lists and maps are copied; objects and
 * callables are shared. Returns MN_OK, MN_ENOMEM, or MN_EINVAL for a list or
 * map that contains itself (or is nested more than 512 deep). */
int mn_value_copy(mn_arena *arena, mn_value v, mn_value *out);

#endif
