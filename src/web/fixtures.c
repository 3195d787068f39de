/* Django's JSON serialization format: writing (dumpdata,
 * serializers.serialize) and reading (loaddata, serializers.deserialize). */
#include <ctype.h>
#include <string.h>
#include "manouche.h"
#include "manouche/fixtures.h"
#include "../orm/orm_internal.h"

/* Fixtures may be large: 1 GiB, nested as deep as JSON fields need. */
#define FIXTURE_MAX_BYTES ((size_t)1 << 30)

/* ---- writing ---- */

void mn_fixture_writer_begin(mn_fixture_writer *fw, mn_buf *out, unsigned indent, mn_arena *scratch)
{
    *fw = (mn_fixture_writer){ .out = out, .indent = indent > 255 ? 255 : indent, .scratch = scratch };
    mn_buf_putc(out, '[');
}

/* datetime.isoformat() cut to milliseconds, "+00:00" as "Z"
 * (DjangoJSONEncoder). Aware values are shown in UTC, as the database
 * returns them. */
static void write_datetime(mn_json_writer *w, mn_datetime dt, mn_arena *a)
{
    mn_buf b;
    mn_buf_init(&b, a, 64);
    if (dt.tz)
        dt.tz = mn_tz_utc();
    mn_datetime_write(&b, dt, 'T');
    mn_str s = mn_buf_str(&b);
    char text[64];
    size_t n = 0;
    /* "YYYY-MM-DDTHH:MM:SS" is 19 characters; ".ffffff" follows when the
     * microseconds are not zero. */
    for (size_t i = 0; i < s.len && n < sizeof text - 1; i++) {
        if (s.len > 19 && s.ptr[19] == '.' && i >= 23 && i < 26)
            continue;
        text[n++] = s.ptr[i];
    }
    text[n] = 0;
    if (n >= 6 && !strcmp(text + n - 6, "+00:00"))
        strcpy(text + n - 6, "Z");
    mn_json_write_cstr(w, text);
}

/* "32 hex digits" -> "8-4-4-4-12", as str(uuid.UUID) prints it. */
static void write_uuid(mn_json_writer *w, mn_str s)
{
    bool hex = s.len == 32;
    for (size_t i = 0; hex && i < 32; i++)
        hex = isxdigit((unsigned char)s.ptr[i]);
    if (!hex) {
        mn_json_write_string(w, s);
        return;
    }
    char out[37];
    size_t n = 0;
    for (size_t i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out[n++] = '-';
        out[n++] = (char)tolower((unsigned char)s.ptr[i]);
    }
    out[n] = 0;
    mn_json_write_cstr(w, out);
}

static int write_value(mn_json_writer *w, const mn_field *f, mn_value v, mn_model *m, mn_arena *a, mn_err *err)
{
    if (v.type == MN_VALUE_NULL)
        return mn_json_write_null(w);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    switch (f->kind) {
    case MN_KIND_DECIMAL:
        if (mn_decimal_format_number(&b, v.u.d, f->max_digits ? f->max_digits : -1, f->decimal_places))
            return mn_err_set(err, MN_EINVAL, "%s.%s: the value does not fit in max_digits=%d, decimal_places=%d",
                              m->name, f->name, f->max_digits, f->decimal_places);
        return mn_json_write_string(w, mn_buf_str(&b));
    case MN_KIND_DATETIME: write_datetime(w, v.u.dt, a); return MN_OK;
    case MN_KIND_DATE: mn_date_write(&b, v.u.date); return mn_json_write_string(w, mn_buf_str(&b));
    case MN_KIND_TIME: {
        mn_time_write(&b, v.u.time);
        mn_str s = mn_buf_str(&b);
        if (v.u.time.usec && s.len > 12)
            s.len = 12; /* "HH:MM:SS.fff" */
        return mn_json_write_string(w, s);
    }
    case MN_KIND_DURATION: mn_duration_write_django(&b, v.u.dur); return mn_json_write_string(w, mn_buf_str(&b));
    case MN_KIND_UUID: write_uuid(w, v.u.s); return MN_OK;
    case MN_KIND_BINARY: {
        mn_str s = mn_base64_encode(a, v.u.s.ptr, v.u.s.len, MN_BASE64_STD, err);
        if (!s.ptr)
            return MN_ENOMEM;
        return mn_json_write_string(w, s);
    }
    case MN_KIND_JSON: return mn_json_write_value(w, v);
    default: break;
    }
    switch (v.type) {
    case MN_VALUE_BOOL: return mn_json_write_bool(w, v.u.b);
    case MN_VALUE_INT: return mn_json_write_int(w, v.u.i);
    case MN_VALUE_FLOAT: return mn_json_write_double(w, v.u.f);
    case MN_VALUE_STR: return mn_json_write_string(w, v.u.s);
    default: return mn_json_write_value(w, v);
    }
}

/* "app_label.modelname" */
static void write_label(mn_json_writer *w, const mn_model *m)
{
    char label[160];
    snprintf(label, sizeof label, "%s.%s", m->app_label ? m->app_label : "", m->name);
    for (char *p = label; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    mn_json_write_cstr(w, label);
}

int mn_fixture_writer_add(mn_fixture_writer *fw, const void *obj, mn_model *m, mn_err *err)
{
    if (mn__model_setup(m, err))
        return MN_EINVAL;
    mn_buf *out = fw->out;
    if (fw->count++) {
        mn_buf_putc(out, ',');
        if (!fw->indent)
            mn_buf_putc(out, ' ');
    }
    if (fw->indent)
        mn_buf_putc(out, '\n');
    mn_arena *a = fw->scratch;
    mn_arena_mark mark = mn_arena_mark_get(a);
    mn_json_writer w;
    mn_json_writer_init(&w, out, fw->indent ? MN_JSON_INDENT(fw->indent) : MN_JSON_SPACED);
    mn_json_write_begin_object(&w);
    mn_json_write_key_cstr(&w, "model");
    write_label(&w, m);
    mn_json_write_key_cstr(&w, "pk");
    int pk = m->_rt->pk;
    int rc = MN_OK;
    size_t nf = m->_rt->nfields;
    rc = write_value(&w, &m->_rt->fields[pk], mn__member_value(obj, m, (size_t)pk), m, a, err);
    mn_json_write_key_cstr(&w, "fields");
    mn_json_write_begin_object(&w);
    for (size_t i = 0; i < nf && rc == MN_OK; i++) {
        if ((int)i == pk)
            continue;
        const mn_field *f = &m->_rt->fields[i];
        mn_json_write_key_cstr(&w, f->name);
        rc = write_value(&w, f, mn__member_value(obj, m, i), m, a, err);
    }
    /* ManyToManyFields with an automatic through table: the related keys. */
    for (const mn_m2m *mm = m->many_to_many; mm && mm->name && rc == MN_OK; mm++) {
        if (mm->through)
            continue;
        mn_qs *qs = mn_qs_values_list(mn_rel_all((void *)obj, m, mm->name, a), MN_QS_FLAT, "pk", NULL);
        if ((rc = mn_qs_eval(qs, err)))
            break;
        mn_list *keys = mn_qs_rows(qs);
        mn_json_write_key_cstr(&w, mm->name);
        mn_json_write_begin_array(&w);
        for (size_t k = 0; keys && k < mn_list_len(keys); k++)
            mn_json_write_value(&w, mn_list_get(keys, k));
        mn_json_write_end_array(&w);
    }
    mn_json_write_end_object(&w);
    mn_json_write_end_object(&w);
    mn_arena_rewind(a, mark);
    if (rc)
        return rc;
    if (mn_json_writer_finish(&w, err))
        return err->code ? err->code : MN_EINVAL;
    return mn_buf_error(out) ? mn_err_set(err, mn_buf_error(out), "the output is too large") : MN_OK;
}

int mn_fixture_writer_end(mn_fixture_writer *fw, mn_err *err)
{
    if (fw->indent)
        mn_buf_putc(fw->out, '\n');
    mn_buf_putc(fw->out, ']');
    if (fw->indent)
        mn_buf_putc(fw->out, '\n');
    int e = mn_buf_error(fw->out);
    return e ? mn_err_set(err, e, "the output is too large") : MN_OK;
}

int mn_fixture_dumps(mn_model *m, void *const *objs, size_t n, unsigned indent, mn_buf *out, mn_err *err)
{
    mn_arena *scratch = mn_arena_new("fixture", 0);
    if (!scratch)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_fixture_writer fw;
    mn_fixture_writer_begin(&fw, out, indent, scratch);
    int rc = MN_OK;
    for (size_t i = 0; i < n && rc == MN_OK; i++)
        rc = mn_fixture_writer_add(&fw, objs[i], m, err);
    if (rc == MN_OK)
        rc = mn_fixture_writer_end(&fw, err);
    mn_arena_free(scratch);
    return rc;
}

/* ---- reading ---- */

static mn_model *find_model(mn_model *const *models, mn_str label)
{
    for (size_t i = 0; models && models[i]; i++) {
        mn_model *m = models[i];
        const char *app = m->app_label ? m->app_label : "";
        size_t al = strlen(app), nl = strlen(m->name);
        if (label.len != al + 1 + nl || label.ptr[al] != '.')
            continue;
        if (mn_str_ieq(mn_str_make(label.ptr, al), mn_str_from(app)) &&
            mn_str_ieq(mn_str_make(label.ptr + al + 1, nl), mn_str_from(m->name)))
            return m;
    }
    return NULL;
}

/* The "(app.model:pk=N)" part of messages. */
static const char *describe(mn_arena *a, mn_str label, mn_value pk)
{
    mn_buf b;
    mn_buf_init(&b, a, 256);
    mn_buf_put_str(&b, label);
    mn_buf_puts(&b, ":pk=");
    if (pk.type == MN_VALUE_INT)
        mn_buf_put_i64(&b, pk.u.i);
    else if (pk.type == MN_VALUE_STR)
        mn_buf_put_str(&b, mn_str_slice(pk.u.s, 0, 64));
    else
        mn_buf_puts(&b, "None");
    return mn_buf_error(&b) ? "?" : mn_buf_cstr(&b);
}

static int set_field(void *obj, mn_model *m, const mn_field *f, mn_value v, mn_arena *a, mn_err *err)
{
    if (f->kind == MN_KIND_BINARY && v.type == MN_VALUE_STR) {
        /* BinaryField.to_python: text is base64. */
        mn_str raw;
        if (mn_base64_decode(a, v.u.s, MN_BASE64_STD, &raw, err))
            return mn_err_set(err, MN_EINVAL, "'%.*s' is not valid base64", MN_STR_FMT(mn_str_slice(v.u.s, 0, 40)));
        v = mn_value_str(raw);
    }
    return mn_obj_set(obj, m, f->name, v, a, err);
}

int mn_fixture_loads(mn_str text, mn_model *const *models, unsigned flags, mn_arena *arena, mn_fixture_object **objs,
                     size_t *n, mn_err *err)
{
    *objs = NULL;
    *n = 0;
    mn_json_limits limits = { .max_bytes = FIXTURE_MAX_BYTES };
    mn_value doc;
    if (mn_json_loads(arena, text, &limits, &doc, err))
        return err->code;
    if (doc.type != MN_VALUE_LIST)
        return mn_err_set(err, MN_EPARSE, "a fixture is a JSON list of objects, not a JSON %s",
                          doc.type == MN_VALUE_MAP ? "object" : "scalar");
    size_t count = mn_list_len(doc.u.list);
    mn_fixture_object *out = mn_arena_calloc(arena, count ? count : 1, sizeof *out);
    if (!out)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    bool ignore = flags & MN_FIXTURE_IGNORE_NONEXISTENT;
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        mn_value item = mn_list_get(doc.u.list, i);
        if (item.type != MN_VALUE_MAP)
            return mn_err_set(err, MN_EPARSE, "object %zu: expected a JSON object with \"model\" and \"fields\"",
                              i + 1);
        mn_value label = mn_map_get_cstr(item.u.map, "model");
        mn_value pk = mn_map_get_cstr(item.u.map, "pk");
        mn_value fields = mn_map_get_cstr(item.u.map, "fields");
        if (label.type != MN_VALUE_STR)
            return mn_err_set(err, MN_EPARSE, "object %zu: \"model\" is missing or not a string", i + 1);
        mn_model *m = find_model(models, label.u.s);
        if (!m && ignore)
            continue;
        if (!m)
            return mn_err_set(err, MN_ENOTFOUND, "object %zu: Invalid model identifier: '%.*s'", i + 1,
                              MN_STR_FMT(mn_str_slice(label.u.s, 0, 100)));
        const char *where = describe(arena, label.u.s, pk);
        if (fields.type != MN_VALUE_MAP && fields.type != MN_VALUE_NULL)
            return mn_err_set(err, MN_EPARSE, "object %zu (%s): \"fields\" is not a JSON object", i + 1, where);
        mn_err ferr = { 0 };
        void *obj = mn_model_new(m, arena, &ferr);
        if (!obj)
            return mn_err_set(err, ferr.code ? ferr.code : MN_ENOMEM, "object %zu (%s): %s", i + 1, where, ferr.msg);
        const mn_field *pkf = mn_model_pk(m);
        if (pk.type != MN_VALUE_NULL && set_field(obj, m, pkf, pk, arena, &ferr))
            return mn_err_set(err, MN_EINVAL, "object %zu (%s): pk: %s", i + 1, where, ferr.msg);
        mn_map *m2m = NULL;
        for (size_t k = 0; fields.type == MN_VALUE_MAP && k < mn_map_len(fields.u.map); k++) {
            mn_str key = mn_map_key_at(fields.u.map, k);
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(key.len < 127 ? key.len : 127), key.ptr);
            const mn_field *f = key.len < 127 ? mn_model_field_by_name(m, name) : NULL;
            const mn_m2m *mm = NULL;
            for (const mn_m2m *x = f ? NULL : m->many_to_many; x && x->name && !mm; x++)
                if (!strcmp(x->name, name))
                    mm = x;
            if (mm) {
                mn_value keys = mn_map_value_at(fields.u.map, k);
                if (mm->through)
                    return mn_err_set(err, MN_EINVAL,
                                      "object %zu (%s): field '%s': a ManyToManyField with a through model is "
                                      "loaded through the rows of %s",
                                      i + 1, where, name, mm->through->name);
                if (keys.type != MN_VALUE_LIST)
                    return mn_err_set(err, MN_EINVAL, "object %zu (%s): field '%s': expected a list of keys", i + 1,
                                      where, name);
                for (size_t j = 0; j < mn_list_len(keys.u.list); j++) {
                    mn_value kv = mn_list_get(keys.u.list, j);
                    int64_t id;
                    if (kv.type == MN_VALUE_STR && mn_str_to_i64(kv.u.s, &id) == MN_OK)
                        kv = mn_value_int(id);
                    if (kv.type != MN_VALUE_INT)
                        return mn_err_set(err, MN_EINVAL, "object %zu (%s): field '%s': item %zu is not a key", i + 1,
                                          where, name, j + 1);
                    mn_list_set(keys.u.list, j, kv);
                }
                if (!m2m && !(m2m = mn_map_new(arena, 2)))
                    return mn_err_set(err, MN_ENOMEM, "out of memory");
                if (mn_map_set_cstr(m2m, mm->name, keys))
                    return mn_err_set(err, MN_ENOMEM, "out of memory");
                continue;
            }
            if ((!f || f->kind == MN_KIND_INHERIT) && ignore)
                continue;
            if (!f || f->kind == MN_KIND_INHERIT)
                return mn_err_set(err, MN_ENOTFOUND, "object %zu (%s): %s has no field named '%s'", i + 1, where,
                                  m->name, name);
            if (set_field(obj, m, f, mn_map_value_at(fields.u.map, k), arena, &ferr))
                return mn_err_set(err, MN_EINVAL, "object %zu (%s): field '%s': %s", i + 1, where, name, ferr.msg);
        }
        out[kept++] = (mn_fixture_object){
            .model = m, .obj = obj, .has_pk = pk.type != MN_VALUE_NULL, .index = i + 1, .m2m = m2m };
    }
    *objs = out;
    *n = kept;
    return MN_OK;
}

/* ---- saving ---- */

static int save_row(const mn_fixture_object *o, mn_db *db, mn_arena *arena, mn_err *err)
{
    mn_model *m = o->model;
    if (mn__model_setup(m, err))
        return MN_EINVAL;
    if (!(db = mn__db(db, err)))
        return err->code ? err->code : MN_EDB;
    mn_db_engine eng = mn_db_engine_of(db);
    size_t nf = m->_rt->nfields;
    size_t pk = (size_t)m->_rt->pk;
    mn_value *params = mn_arena_calloc(arena, nf + 1, sizeof *params);
    if (!params)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < nf; i++)
        if (mn__member_to_db(o->obj, m, i, eng, arena, &params[i], err))
            return err->code ? err->code : MN_EINVAL;
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    int rc;
    if (o->has_pk) {
        /* UPDATE ... SET every other column WHERE pk; then INSERT when no
         * row matched (Django's _save_table for a raw save). */
        mn_value *up = mn_arena_calloc(arena, nf + 1, sizeof *up);
        if (!up)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        size_t np = 0;
        mn_buf_puts(&b, "UPDATE ");
        mn__quote(&b, m->_rt->table);
        mn_buf_puts(&b, " SET ");
        for (size_t i = 0; i < nf; i++) {
            if (i == pk)
                continue;
            if (np)
                mn_buf_puts(&b, ", ");
            mn__quote(&b, m->_rt->columns[i]);
            mn_buf_puts(&b, " = %s");
            up[np++] = params[i];
        }
        mn_buf_puts(&b, " WHERE ");
        mn__quote(&b, m->_rt->columns[pk]);
        mn_buf_puts(&b, " = %s");
        up[np++] = params[pk];
        if (mn_buf_error(&b))
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        if (np > 1) {
            if ((rc = mn_db_execute(db, mn_buf_cstr(&b), up, np, NULL, err)))
                return rc;
            if (mn_db_changes(db) > 0)
                return MN_OK;
        } else {
            /* Only a key: is the row there? */
            mn_buf_reset(&b);
            mn_buf_puts(&b, "SELECT 1 FROM ");
            mn__quote(&b, m->_rt->table);
            mn_buf_puts(&b, " WHERE ");
            mn__quote(&b, m->_rt->columns[pk]);
            mn_buf_puts(&b, " = %s");
            mn_value found;
            if ((rc = mn_db_query_value(db, mn_buf_cstr(&b), &params[pk], 1, arena, &found, err)))
                return rc;
            if (found.type != MN_VALUE_NULL)
                return MN_OK;
        }
        mn_buf_reset(&b);
    }
    mn_buf_puts(&b, "INSERT INTO ");
    mn__quote(&b, m->_rt->table);
    mn_buf_puts(&b, " (");
    size_t np = 0;
    mn_value *ins = mn_arena_calloc(arena, nf + 1, sizeof *ins);
    if (!ins)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < nf; i++) {
        if (i == pk && !o->has_pk)
            continue;
        if (np)
            mn_buf_puts(&b, ", ");
        mn__quote(&b, m->_rt->columns[i]);
        ins[np++] = params[i];
    }
    if (!np) {
        mn_buf_truncate(&b, b.len - 2);
        mn_buf_puts(&b, " DEFAULT VALUES");
    } else {
        mn_buf_puts(&b, ") VALUES (");
        for (size_t i = 0; i < np; i++)
            mn_buf_puts(&b, i ? ", %s" : "%s");
        mn_buf_puts(&b, ")");
    }
    if (o->has_pk) {
        if (mn_buf_error(&b))
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        return mn_db_execute(db, mn_buf_cstr(&b), ins, np, NULL, err);
    }
    mn_buf_puts(&b, " RETURNING ");
    mn__quote(&b, m->_rt->columns[pk]);
    if (mn_buf_error(&b))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_value id;
    if ((rc = mn_db_query_value(db, mn_buf_cstr(&b), ins, np, arena, &id, err)))
        return rc;
    return mn__set_member(o->obj, m, pk, id, arena, err);
}

/* m2m_data: obj.tags.set(keys) for each ManyToManyField of the fixture. */
static int save_m2m(const mn_fixture_object *o, mn_arena *arena, mn_err *err)
{
    for (size_t i = 0; o->m2m && i < mn_map_len(o->m2m); i++) {
        char name[128];
        mn_str key = mn_map_key_at(o->m2m, i);
        snprintf(name, sizeof name, "%.*s", MN_STR_FMT(key));
        mn_model *to = NULL;
        for (const mn_m2m *mm = o->model->many_to_many; mm && mm->name; mm++)
            if (!strcmp(mm->name, name))
                to = mm->to;
        mn_list *keys = mn_map_value_at(o->m2m, i).u.list;
        size_t n = mn_list_len(keys);
        void **targets = mn_arena_calloc(arena, n + 1, sizeof *targets);
        if (!to || !targets)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        for (size_t k = 0; k < n; k++) {
            /* A stand-in of each target: only its key is read. */
            if (!(targets[k] = mn_model_new(to, arena, err)))
                return err->code ? err->code : MN_ENOMEM;
            if (mn_obj_set(targets[k], to, mn_model_pk(to)->name, mn_list_get(keys, k), arena, err))
                return err->code;
            mn_obj_header(to, targets[k])->flags &= ~MN_OBJ_ADDING;
        }
        int rc = mn_rel_set_all(o->obj, o->model, name, targets, n, err);
        if (rc)
            return mn_err_prefix(err, "%s: ", name);
    }
    return MN_OK;
}

int mn_fixture_save(const mn_fixture_object *o, mn_db *db, mn_arena *arena, mn_err *err)
{
    int rc = save_row(o, db, arena, err);
    if (rc)
        return rc;
    /* The row exists now: the instance is no longer being added. */
    mn_obj_header(o->model, o->obj)->flags &= ~MN_OBJ_ADDING;
    return save_m2m(o, arena, err);
}

int mn_fixture_reset_sequences(mn_model *const *models, size_t n, mn_db *db, mn_err *err)
{
    if (!(db = mn__db(db, err)))
        return err->code ? err->code : MN_EDB;
    if (mn_db_engine_of(db) != MN_DB_POSTGRES)
        return MN_OK;
    mn_arena *a = mn_arena_new("sequences", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    int rc = MN_OK;
    for (size_t i = 0; i < n && rc == MN_OK; i++) {
        mn_model *m = models[i];
        if ((rc = mn__model_setup(m, err)))
            break;
        const mn_field *pk = &m->_rt->fields[m->_rt->pk];
        if (pk->kind != MN_KIND_AUTO && pk->kind != MN_KIND_BIGAUTO)
            continue;
        mn_buf b, t;
        mn_buf_init(&b, a, 0);
        mn_buf_init(&t, a, 0);
        mn__quote(&t, m->_rt->table);
        const char *col = m->_rt->columns[m->_rt->pk];
        /* Django's sequence_reset_sql. */
        mn_buf_puts(&b, "SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max(");
        mn__quote(&b, col);
        mn_buf_puts(&b, "), 1), max(");
        mn__quote(&b, col);
        mn_buf_puts(&b, ") IS NOT null) FROM ");
        mn__quote(&b, m->_rt->table);
        mn_value params[2] = { mn_value_str(mn_buf_str(&t)), mn_value_cstr(col) };
        if (mn_buf_error(&b) || mn_buf_error(&t))
            rc = mn_err_set(err, MN_ENOMEM, "out of memory");
        else
            rc = mn_db_execute(db, mn_buf_cstr(&b), params, 2, NULL, err);
    }
    mn_arena_free(a);
    return rc;
}
