/* Manouche: Django's JSON serialization format (fixtures, dumpdata,
 * loaddata, serializers.serialize("json", ...)).
 *
 *     [{"model": "shop.product", "pk": 1, "fields": {"name": "Chair", "price": "12.50",
 *       "created": "2024-01-05T10:30:15.123Z", "category": 3}}]
 *
 * Values are written as Django's DjangoJSONEncoder writes them: decimals as
 * strings with the field's decimal places, datetimes in ISO 8601 cut to
 * milliseconds with "Z" for UTC, times cut to milliseconds, durations as
 * Django's duration_string ("1 02:03:04.000005"), binary data as base64,
 * UUIDs with dashes, JSON fields embedded, a ForeignKey as the target's
 * primary key, a ManyToManyField (with the automatic through table) the
 * list of the related keys. The primary key is "pk", never repeated among
 * the fields.
 * The output is byte for byte what Django 3.2 writes (ensure_ascii off).
 *
 * Reading accepts the same format, and what Django's dumpdata writes:
 * a missing "pk" (an automatic key), fields left out (they keep their
 * defaults), and every value Django's to_python accepts. */
#ifndef MANOUCHE_FIXTURES_H
#define MANOUCHE_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include "manouche/db.h"
#include "manouche/model.h"
#include "manouche/str.h"

/* ---- writing ---- */

/* A writer of one JSON array of objects. Put it on the stack; it appends to
 * out (an mn_buf the caller owns, which may be flushed between objects:
 * the writer keeps no pointer into its contents). */
typedef struct mn_fixture_writer {
    mn_buf *out;
    unsigned indent; /* 0: one line with ", " separators (Django without --indent) */
    size_t count;
    mn_arena *scratch; /* per-object temporaries, rewound after each object */
} mn_fixture_writer;

/* Starts the array ("["). scratch (required) is an arena for each
 * object's temporaries: what the writer allocates there is rewound after
 * each object; it must not be out's arena. */
void mn_fixture_writer_begin(mn_fixture_writer *fw, mn_buf *out, unsigned indent, mn_arena *scratch);
/* Appends one instance of m. Returns MN_OK, MN_EINVAL (an invalid model, a
 * value the format cannot hold) or the buffer's error, with err set. */
int mn_fixture_writer_add(mn_fixture_writer *fw, const void *obj, mn_model *m, mn_err *err);
/* Ends the array ("]", or "\n]\n" with indent, as Django). Returns the
 * buffer's error. */
int mn_fixture_writer_end(mn_fixture_writer *fw, mn_err *err);

/* serializers.serialize("json", objs, indent=indent) for n instances of m,
 * appended to out. Returns MN_OK or the first error. */
int mn_fixture_dumps(mn_model *m, void *const *objs, size_t n, unsigned indent, mn_buf *out, mn_err *err);

/* ---- reading ---- */

/* One object of a fixture. */
typedef struct mn_fixture_object {
    mn_model *model;
    void *obj;    /* an instance in the arena given to mn_fixture_loads */
    bool has_pk;  /* "pk" was given (and is not null) */
    size_t index; /* 1-based position in the fixture */
    mn_map *m2m;  /* ManyToManyField name -> list of the target keys; NULL when none */
} mn_fixture_object;

/* Flags of mn_fixture_loads. */
enum {
    /* loaddata --ignorenonexistent: objects of unknown models and fields
     * that do not exist are skipped instead of failing. */
    MN_FIXTURE_IGNORE_NONEXISTENT = 1u << 0,
};

/* serializers.deserialize("json", text): parses text and builds one
 * instance per object, models looked up by "app_label.modelname" (case
 * insensitive) among models (NULL-terminated). flags: MN_FIXTURE_*
 * or 0. Everything lives in arena.
 * Returns MN_OK with *objs and *n, MN_EPARSE (not JSON, or not the format),
 * MN_ENOTFOUND (an unknown model or field) or MN_EINVAL (a bad value), with
 * a message naming the object: "object 2 (shop.product:pk=5): field
 * 'price': “abc” value must be a decimal number." Thread-safe. */
int mn_fixture_loads(mn_str text, mn_model *const *models, unsigned flags, mn_arena *arena, mn_fixture_object **objs,
                     size_t *n, mn_err *err);

/* DeserializedObject.save(): writes the row as loaddata does (Django's raw
 * save): an UPDATE by primary key, then an INSERT when no row matched (or
 * at once without a key, which then fills in the instance). No
 * before_save hook, no auto_now, no save signals. Then each
 * ManyToManyField's relations are set to the fixture's keys (set(), with
 * m2m_changed, as Django; on the thread's ORM connection). db NULL:
 * mn_orm_db(). Returns MN_OK or the database error (MN_EEXIST, MN_EPERM,
 * MN_EDB). */
int mn_fixture_save(const mn_fixture_object *o, mn_db *db, mn_arena *arena, mn_err *err);

/* After rows were written with explicit keys: sets each model's primary
 * key sequence past the largest key (PostgreSQL; SQLite needs nothing), as
 * Django's loaddata does. models holds n descriptors. Returns MN_OK or the
 * database error. */
int mn_fixture_reset_sequences(mn_model *const *models, size_t n, mn_db *db, mn_err *err);

#endif
