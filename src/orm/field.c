/* Model descriptors and field conversions (to_python, get_db_prep_value,
 * from_db_value). */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "manouche/json.h"
#include "orm_internal.h"

static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;

const char *mn__kind_name(mn_field_kind k)
{
    static const char *const names[] = {
        [MN_KIND_AUTO] = "AutoField", [MN_KIND_BIGAUTO] = "BigAutoField",
        [MN_KIND_SMALLINT] = "SmallIntegerField", [MN_KIND_INT] = "IntegerField",
        [MN_KIND_BIGINT] = "BigIntegerField", [MN_KIND_POSSMALLINT] = "PositiveSmallIntegerField",
        [MN_KIND_POSINT] = "PositiveIntegerField", [MN_KIND_POSBIGINT] = "PositiveBigIntegerField",
        [MN_KIND_FLOAT] = "FloatField", [MN_KIND_DECIMAL] = "DecimalField", [MN_KIND_BOOL] = "BooleanField",
        [MN_KIND_CHAR] = "CharField", [MN_KIND_TEXT] = "TextField", [MN_KIND_SLUG] = "SlugField",
        [MN_KIND_EMAIL] = "EmailField", [MN_KIND_URL] = "URLField", [MN_KIND_UUID] = "UUIDField",
        [MN_KIND_IP] = "GenericIPAddressField", [MN_KIND_FILE] = "FileField", [MN_KIND_IMAGE] = "ImageField",
        [MN_KIND_BINARY] = "BinaryField", [MN_KIND_DATE] = "DateField", [MN_KIND_TIME] = "TimeField",
        [MN_KIND_DATETIME] = "DateTimeField", [MN_KIND_DURATION] = "DurationField", [MN_KIND_JSON] = "JSONField",
        [MN_KIND_FOREIGNKEY] = "ForeignKey", [MN_KIND_INHERIT] = "abstract model",
    };
    return (size_t)k < sizeof names / sizeof *names && names[k] ? names[k] : "Field";
}

static int default_max_length(mn_field_kind k)
{
    switch (k) {
    case MN_KIND_SLUG: return 50;
    case MN_KIND_EMAIL: return 254;
    case MN_KIND_URL: return 200;
    case MN_KIND_FILE:
    case MN_KIND_IMAGE: return 100;
    case MN_KIND_IP: return 39;
    case MN_KIND_UUID: return 36;
    default: return 0;
    }
}

static int flatten(struct mn__model_rt *rt, const mn_field *fields, size_t base, int depth)
{
    if (depth > 8)
        return MN_EINVAL;
    for (const mn_field *f = fields; f->name; f++) {
        if (f->kind == MN_KIND_INHERIT) {
            if (!f->related || !f->related->fields || !f->related->meta.abstract) {
                snprintf(rt->errmsg, sizeof rt->errmsg, "field '%s': MN_FIELD_INHERIT needs an abstract model", f->name);
                return MN_EINVAL;
            }
            if (flatten(rt, f->related->fields, base + f->offset, depth + 1) != MN_OK)
                return MN_EINVAL;
            continue;
        }
        if (f->kind <= MN_KIND_END || f->kind > MN_KIND_FOREIGNKEY) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "field '%s': unknown kind %d", f->name, (int)f->kind);
            return MN_EINVAL;
        }
        if (rt->nfields >= MN__MAX_FIELDS) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "more than %d fields", MN__MAX_FIELDS);
            return MN_EINVAL;
        }
        for (size_t i = 0; i < rt->nfields; i++)
            if (!strcmp(rt->fields[i].name, f->name)) {
                snprintf(rt->errmsg, sizeof rt->errmsg, "field '%s' is declared twice", f->name);
                return MN_EINVAL;
            }
        mn_field *g = &rt->fields[rt->nfields];
        *g = *f;
        g->offset = base + f->offset;
        if (!g->max_length)
            g->max_length = default_max_length(g->kind);
        /* SlugField and ForeignKey are indexed unless told MN_NO */
        if (g->db_index == 0 && (g->kind == MN_KIND_SLUG || g->kind == MN_KIND_FOREIGNKEY))
            g->db_index = 1;
        g->db_index = g->db_index > 0;
        if (g->kind == MN_KIND_FOREIGNKEY && !g->related) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "field '%s': a ForeignKey needs a target model", f->name);
            return MN_EINVAL;
        }
        if (g->kind == MN_KIND_CHAR && g->max_length <= 0) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "field '%s': CharFields must define a 'max_length' attribute.",
                     f->name);
            return MN_EINVAL;
        }
        if (g->kind == MN_KIND_DECIMAL && (g->max_digits <= 0 || g->decimal_places < 0 ||
                                           g->decimal_places > g->max_digits || g->max_digits > 38)) {
            snprintf(rt->errmsg, sizeof rt->errmsg,
                     "field '%s': DecimalFields need 0 < max_digits <= 38 and decimal_places <= max_digits", f->name);
            return MN_EINVAL;
        }
        const char *col = g->db_column;
        if (col)
            snprintf(rt->columns[rt->nfields], sizeof rt->columns[0], "%s", col);
        else if (g->kind == MN_KIND_FOREIGNKEY)
            snprintf(rt->columns[rt->nfields], sizeof rt->columns[0], "%s_id", g->name);
        else
            snprintf(rt->columns[rt->nfields], sizeof rt->columns[0], "%s", g->name);
        g->db_column = rt->columns[rt->nfields];
        rt->nfields++;
    }
    return MN_OK;
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static void lower_into(char *dst, size_t cap, const char *a, const char *b)
{
    size_t n = 0;
    for (const char *parts[] = { a, b }, **p = parts; p < parts + 2; p++) {
        if (!*p)
            continue;
        if (p == parts + 1 && n + 1 < cap)
            dst[n++] = '_';
        for (const char *s = *p; *s && n + 1 < cap; s++)
            dst[n++] = (char)tolower((unsigned char)*s);
    }
    dst[n] = '\0';
}

/* Builds the set-up data into *out; it is published only when complete. */
static int setup_locked(mn_model *m, struct mn__model_rt **out)
{
    struct mn__model_rt *rt = calloc(1, sizeof *rt);
    *out = rt;
    if (!rt)
        return MN_ENOMEM;
    rt->pk = -1;
    if (!m->name || !m->fields) {
        snprintf(rt->errmsg, sizeof rt->errmsg, "a model needs a name and fields");
        return rt->error = MN_EINVAL;
    }
    if (flatten(rt, m->fields, 0, 0) != MN_OK)
        return rt->error = MN_EINVAL;
    for (size_t i = 0; i < rt->nfields; i++) {
        if (rt->fields[i].primary_key) {
            if (rt->pk >= 0) {
                snprintf(rt->errmsg, sizeof rt->errmsg, "model %s has more than one primary key", m->name);
                return rt->error = MN_EINVAL;
            }
            rt->pk = (int)i;
        }
    }
    if (m->meta.abstract) {
        /* Abstract models are never queried; they only lend their fields. */
    } else if (rt->pk < 0) {
        snprintf(rt->errmsg, sizeof rt->errmsg, "model %s has no primary key (add MN_FIELD_BIGAUTO(T, id))", m->name);
        return rt->error = MN_EINVAL;
    } else {
        mn_field_kind k = rt->fields[rt->pk].kind;
        if (k != MN_KIND_AUTO && k != MN_KIND_BIGAUTO && k != MN_KIND_BIGINT && k != MN_KIND_INT &&
            k != MN_KIND_CHAR && k != MN_KIND_UUID && k != MN_KIND_SLUG) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "model %s: a %s cannot be the primary key", m->name,
                     mn__kind_name(k));
            return rt->error = MN_EINVAL;
        }
    }
    for (const mn_model_property *p = m->properties; p && (p->name || p->fn); p++) {
        if (!p->name || !p->name[0] || !p->fn) {
            snprintf(rt->errmsg, sizeof rt->errmsg, "model %s: a property needs a name and a function", m->name);
            return rt->error = MN_EINVAL;
        }
        for (size_t i = 0; i < rt->nfields; i++)
            if (!strcmp(rt->fields[i].name, p->name) || !strcmp(rt->columns[i], p->name)) {
                snprintf(rt->errmsg, sizeof rt->errmsg, "model %s: the property '%s' has the name of a field",
                         m->name, p->name);
                return rt->error = MN_EINVAL;
            }
    }
    if (m->meta.db_table)
        snprintf(rt->table, sizeof rt->table, "%s", m->meta.db_table);
    else
        lower_into(rt->table, sizeof rt->table, m->app_label, m->name);
    if (m->meta.verbose_name) {
        snprintf(rt->verbose, sizeof rt->verbose, "%s", m->meta.verbose_name);
    } else {
        /* Django's camel_case_to_spaces: a space before a capital that
         * follows a lowercase letter, then lowercase. */
        size_t n = 0;
        for (const char *s = m->name; *s && n + 2 < sizeof rt->verbose; s++) {
            if (isupper((unsigned char)*s) && s > m->name && islower((unsigned char)s[-1]))
                rt->verbose[n++] = ' ';
            rt->verbose[n++] = (char)tolower((unsigned char)*s);
        }
        rt->verbose[n] = '\0';
    }
    if (m->meta.verbose_name_plural)
        snprintf(rt->verbose_plural, sizeof rt->verbose_plural, "%s", m->meta.verbose_name_plural);
    else
        snprintf(rt->verbose_plural, sizeof rt->verbose_plural, "%ss", rt->verbose);
    const char *names[MN__MAX_FIELDS];
    for (size_t i = 0; i < rt->nfields; i++)
        names[i] = rt->fields[i].name;
    qsort(names, rt->nfields, sizeof *names, cmp_cstr);
    size_t n = 0;
    for (size_t i = 0; i < rt->nfields; i++)
        n += (size_t)snprintf(rt->choices_msg + n, n < sizeof rt->choices_msg ? sizeof rt->choices_msg - n : 0, "%s%s",
                              i ? ", " : "", names[i]);
    if (!m->meta.abstract && mn__rel_setup_locked(m, rt) != MN_OK)
        return rt->error = MN_EINVAL;
    return MN_OK;
}

int mn__model_setup_locked(mn_model *m)
{
    struct mn__model_rt *rt = m->_rt;
    if (!rt) {
        setup_locked(m, &rt);
        if (!rt)
            return MN_ENOMEM;
        __atomic_store_n(&m->_rt, rt, __ATOMIC_RELEASE);
    }
    return rt->error;
}

int mn__model_setup(mn_model *m, mn_err *err)
{
    struct mn__model_rt *rt = __atomic_load_n(&m->_rt, __ATOMIC_ACQUIRE);
    if (!rt) {
        pthread_mutex_lock(&setup_lock);
        int rc = mn__model_setup_locked(m);
        rt = m->_rt;
        pthread_mutex_unlock(&setup_lock);
        if (!rt)
            return mn_err_set(err, rc ? rc : MN_ENOMEM, "out of memory");
    }
    if (rt->error)
        return mn_err_set(err, rt->error, "%s", rt->errmsg);
    return MN_OK;
}

int mn_model_check(mn_model *m, mn_err *err) { return mn__model_setup(m, err); }

size_t mn_model_nfields(mn_model *m) { return mn__model_setup(m, NULL) == MN_OK ? m->_rt->nfields : 0; }

const mn_field *mn_model_field(mn_model *m, size_t i)
{
    return mn__model_setup(m, NULL) == MN_OK && i < m->_rt->nfields ? &m->_rt->fields[i] : NULL;
}

const mn_field *mn_model_field_by_name(mn_model *m, const char *name)
{
    if (!name || mn__model_setup(m, NULL) != MN_OK)
        return NULL;
    if (!strcmp(name, "pk"))
        return m->_rt->pk >= 0 ? &m->_rt->fields[m->_rt->pk] : NULL;
    for (size_t i = 0; i < m->_rt->nfields; i++)
        if (!strcmp(m->_rt->fields[i].name, name))
            return &m->_rt->fields[i];
    return NULL;
}

int mn__model_field_find(mn_model *m, mn_str name)
{
    struct mn__model_rt *rt = __atomic_load_n(&m->_rt, __ATOMIC_ACQUIRE);
    if (!rt || rt->error) {
        if (mn__model_setup(m, NULL) != MN_OK)
            return -1;
        rt = m->_rt;
    }
    if (!name.len)
        return -1;
    if (name.len == 2 && name.ptr[0] == 'p' && name.ptr[1] == 'k')
        return rt->pk;
    for (size_t i = 0; i < rt->nfields; i++) {
        /* Equal bytes and the same length; a name holding a NUL never
         * matches here (the callers' C-string path decides those). */
        const char *f = rt->fields[i].name;
        size_t k = 0;
        while (k < name.len && f[k] && f[k] == name.ptr[k])
            k++;
        if (k == name.len && !f[k])
            return (int)i;
    }
    return -1;
}

int mn_model_field_index(mn_model *m, const mn_field *f)
{
    if (mn__model_setup(m, NULL) != MN_OK || f < m->_rt->fields || f >= m->_rt->fields + m->_rt->nfields)
        return -1;
    return (int)(f - m->_rt->fields);
}

const mn_field *mn_model_pk(mn_model *m)
{
    return mn__model_setup(m, NULL) == MN_OK && m->_rt->pk >= 0 ? &m->_rt->fields[m->_rt->pk] : NULL;
}

const char *mn_model_table(mn_model *m) { return mn__model_setup(m, NULL) == MN_OK ? m->_rt->table : ""; }
const char *mn_field_column(const mn_field *f) { return f->db_column ? f->db_column : f->name; }
const char *mn_model_verbose_name(mn_model *m) { return mn__model_setup(m, NULL) == MN_OK ? m->_rt->verbose : ""; }
const char *mn_model_verbose_name_plural(mn_model *m)
{
    return mn__model_setup(m, NULL) == MN_OK ? m->_rt->verbose_plural : "";
}

void mn__quote(mn_buf *b, const char *ident)
{
    mn_buf_putc(b, '"');
    for (const char *s = ident; *s; s++) {
        if (*s == '"')
            mn_buf_putc(b, '"');
        mn_buf_putc(b, *s);
    }
    mn_buf_putc(b, '"');
}

/* ---- member access ---- */

#define MEMBER(obj, f, T) ((T *)((char *)(obj) + (f)->offset))
#define CMEMBER(obj, f, T) ((const T *)((const char *)(obj) + (f)->offset))

static bool is_int_kind(mn_field_kind k)
{
    return k == MN_KIND_AUTO || k == MN_KIND_BIGAUTO || k == MN_KIND_SMALLINT || k == MN_KIND_INT ||
           k == MN_KIND_BIGINT || k == MN_KIND_POSSMALLINT || k == MN_KIND_POSINT || k == MN_KIND_POSBIGINT ||
           k == MN_KIND_FOREIGNKEY;
}

static bool is_str_kind(mn_field_kind k)
{
    return k == MN_KIND_CHAR || k == MN_KIND_TEXT || k == MN_KIND_SLUG || k == MN_KIND_EMAIL || k == MN_KIND_URL ||
           k == MN_KIND_UUID || k == MN_KIND_IP || k == MN_KIND_FILE || k == MN_KIND_IMAGE || k == MN_KIND_BINARY;
}

mn_obj *mn_obj_header(const mn_model *m, const void *obj) { return (mn_obj *)((char *)obj + m->obj_offset); }

/* The field named name, or whose attname it is ("category_id" for the
 * ForeignKey category, as Django's setattr and Model(**kwargs) take). */
static int field_index_by_name(mn_model *m, const char *name)
{
    const mn_field *f = mn_model_field_by_name(m, name);
    if (f)
        return mn_model_field_index(m, f);
    size_t n = strlen(name);
    if (n > 3 && !strcmp(name + n - 3, "_id") && mn_model_nfields(m))
        for (size_t j = 0; j < m->_rt->nfields; j++)
            if (m->_rt->fields[j].kind == MN_KIND_FOREIGNKEY && !strncmp(m->_rt->fields[j].name, name, n - 3) &&
                !m->_rt->fields[j].name[n - 3])
                return (int)j;
    return -1;
}

static void zero_member(void *obj, const mn_field *f)
{
    if (is_int_kind(f->kind)) {
        if (f->kind == MN_KIND_INT || f->kind == MN_KIND_POSINT)
            *MEMBER(obj, f, int32_t) = 0;
        else if (f->kind == MN_KIND_SMALLINT || f->kind == MN_KIND_POSSMALLINT)
            *MEMBER(obj, f, int16_t) = 0;
        else
            *MEMBER(obj, f, int64_t) = 0;
        return;
    }
    switch (f->kind) {
    case MN_KIND_FLOAT: *MEMBER(obj, f, double) = 0; break;
    case MN_KIND_DECIMAL: *MEMBER(obj, f, mn_decimal) = mn_decimal_from_i64(0); break;
    case MN_KIND_BOOL: *MEMBER(obj, f, bool) = false; break;
    case MN_KIND_DATE: *MEMBER(obj, f, mn_date) = (mn_date){ 0 }; break;
    case MN_KIND_TIME: *MEMBER(obj, f, mn_time) = (mn_time){ 0 }; break;
    case MN_KIND_DATETIME: *MEMBER(obj, f, mn_datetime) = (mn_datetime){ 0 }; break;
    case MN_KIND_DURATION: *MEMBER(obj, f, mn_duration) = (mn_duration){ 0 }; break;
    case MN_KIND_JSON: *MEMBER(obj, f, mn_value) = mn_value_null(); break;
    default: *MEMBER(obj, f, mn_str) = MN_STR_EMPTY; break;
    }
}

static void set_null_bit(void *obj, mn_model *m, size_t i, bool on)
{
    mn_obj *h = mn_obj_header(m, obj);
    if (on)
        h->nulls |= UINT64_C(1) << i;
    else
        h->nulls &= ~(UINT64_C(1) << i);
}

bool mn_obj_is_null(const void *obj, const mn_model *m, const char *field)
{
    int i = field_index_by_name((mn_model *)m, field);
    return i >= 0 && (mn_obj_header(m, obj)->nulls >> i & 1);
}

int mn_obj_set_null(void *obj, const mn_model *m, const char *field, bool is_null)
{
    int i = field_index_by_name((mn_model *)m, field);
    if (i < 0)
        return MN_EINVAL;
    const mn_field *f = &m->_rt->fields[i];
    if (is_null && !f->null)
        return MN_EINVAL;
    if (is_null)
        zero_member(obj, f);
    set_null_bit(obj, (mn_model *)m, (size_t)i, is_null);
    mn_obj *h = mn_obj_header(m, obj);
    if (h->deferred)
        h->deferred->mask &= ~(UINT64_C(1) << i);
    return MN_OK;
}

mn_value mn_obj_annotation(const void *obj, const mn_model *m, const char *name)
{
    mn_obj *h = mn_obj_header(m, obj);
    return h->extra ? mn_map_get_cstr(h->extra, name) : mn_value_null();
}

static mn_value member_value(const void *obj, const mn_field *f)
{
    switch (f->kind) {
    case MN_KIND_INT:
    case MN_KIND_POSINT: return mn_value_int(*CMEMBER(obj, f, int32_t));
    case MN_KIND_SMALLINT:
    case MN_KIND_POSSMALLINT: return mn_value_int(*CMEMBER(obj, f, int16_t));
    case MN_KIND_FLOAT: return mn_value_float(*CMEMBER(obj, f, double));
    case MN_KIND_DECIMAL: return mn_value_decimal(*CMEMBER(obj, f, mn_decimal));
    case MN_KIND_BOOL: return mn_value_bool(*CMEMBER(obj, f, bool));
    case MN_KIND_DATE: return mn_value_date(*CMEMBER(obj, f, mn_date));
    case MN_KIND_TIME: return mn_value_time(*CMEMBER(obj, f, mn_time));
    case MN_KIND_DATETIME: return mn_value_datetime(*CMEMBER(obj, f, mn_datetime));
    case MN_KIND_DURATION: return mn_value_duration(*CMEMBER(obj, f, mn_duration));
    case MN_KIND_JSON: return *CMEMBER(obj, f, mn_value);
    default:
        if (is_int_kind(f->kind))
            return mn_value_int(*CMEMBER(obj, f, int64_t));
        return mn_value_str(*CMEMBER(obj, f, mn_str));
    }
}

int mn_obj_get(const void *obj, mn_model *m, const char *field, mn_value *out)
{
    int i = field_index_by_name(m, field);
    if (i < 0)
        return MN_ENOTFOUND;
    int rc = mn__obj_get_at(obj, m, i, out);
    return rc == MN_ENOTFOUND ? MN_EDB : rc; /* the row of a deferred field is gone */
}

int mn__obj_get_at(const void *obj, mn_model *m, int i, mn_value *out)
{
    const mn_field *f = &m->_rt->fields[i];
    const mn_obj *h = mn_obj_header(m, obj);
    if (h->deferred && (h->deferred->mask >> i & 1)) {
        /* Django's DeferredAttribute: one query for the field. The
         * instance is filled in place (it is only logically const). */
        mn_err err = { 0 };
        int rc = mn_obj_load_deferred((void *)obj, m, f->name, &err);
        if (rc != MN_OK)
            return rc;
    }
    *out = (h->nulls >> i & 1) ? mn_value_null() : member_value(obj, f);
    return MN_OK;
}

int64_t mn_obj_pk(const void *obj, mn_model *m)
{
    const mn_field *pk = mn_model_pk(m);
    if (!pk)
        return 0;
    mn_value v = member_value(obj, pk);
    return v.type == MN_VALUE_INT ? v.u.i : 0;
}

/* Python's repr of a string for messages: “abc” as Django quotes values. */
static const char *show(mn_value v, char *tmp, size_t cap)
{
    mn_buf b;
    mn_buf_init(&b, NULL, cap);
    mn_value_to_str(v, &b);
    snprintf(tmp, cap, "%s", mn_buf_error(&b) ? "?" : mn_buf_cstr(&b));
    mn_buf_free(&b);
    return tmp;
}

/* With USE_TZ (the default without settings), naive datetimes given to a
 * DateTimeField are wall-clock readings in the default time zone. */
static bool naive_is_local(void)
{
    const mn_settings *st = mn_settings_current();
    return !st || st->USE_TZ;
}

/* to_python + assignment: converts v to the field's C type and stores it. */
static int set_member(void *obj, mn_model *m, size_t i, mn_value v, mn_arena *arena, mn_err *err)
{
    const mn_field *f = &m->_rt->fields[i];
    char tmp[128];
    int prc = MN_OK;
    if (v.type == MN_VALUE_NULL && f->kind != MN_KIND_JSON) {
        if (!f->null && f->kind == MN_KIND_BOOL) /* BooleanField.to_python(None) */
            return mn_err_set(err, MN_EINVAL, "%s.%s: \xe2\x80\x9cNone\xe2\x80\x9d value must be either True or False.",
                              m->name, f->name);
        if (!f->null && !is_str_kind(f->kind))
            return mn_err_set(err, MN_EINVAL, "%s.%s: This field cannot be null.", m->name, f->name);
        zero_member(obj, f);
        set_null_bit(obj, m, i, f->null);
        return MN_OK;
    }
    if (is_int_kind(f->kind)) {
        int64_t x;
        if (v.type == MN_VALUE_FLOAT && isfinite(v.u.f) && fabs(v.u.f) < 9.2e18)
            x = (int64_t)trunc(v.u.f); /* to_python's int(value) */
        else if (v.type == MN_VALUE_FLOAT || mn_value_to_i64(v, &x) != MN_OK)
            return mn_err_set(err, MN_EINVAL, "\xe2\x80\x9c%s\xe2\x80\x9d value must be an integer.", show(v, tmp, sizeof tmp));
        /* the member's width is the column's range: Django's validators
         * of that range (PostgreSQL's) word the refusal */
        bool pos = f->kind == MN_KIND_POSINT || f->kind == MN_KIND_POSSMALLINT;
        if (f->kind == MN_KIND_INT || f->kind == MN_KIND_POSINT) {
            if (x < INT32_MIN || x > INT32_MAX)
                return mn_err_set(err, MN_ERANGE, "%s.%s: Ensure this value is %s than or equal to %lld.", m->name,
                                  f->name, x > 0 ? "less" : "greater",
                                  x > 0 ? (long long)INT32_MAX : pos ? 0LL : (long long)INT32_MIN);
            *MEMBER(obj, f, int32_t) = (int32_t)x;
        } else if (f->kind == MN_KIND_SMALLINT || f->kind == MN_KIND_POSSMALLINT) {
            if (x < INT16_MIN || x > INT16_MAX)
                return mn_err_set(err, MN_ERANGE, "%s.%s: Ensure this value is %s than or equal to %lld.", m->name,
                                  f->name, x > 0 ? "less" : "greater",
                                  x > 0 ? (long long)INT16_MAX : pos ? 0LL : (long long)INT16_MIN);
            *MEMBER(obj, f, int16_t) = (int16_t)x;
        } else {
            *MEMBER(obj, f, int64_t) = x;
        }
    } else if (is_str_kind(f->kind)) {
        mn_str s;
        if (v.type == MN_VALUE_STR) {
            s = mn_str_clone(arena, v.u.s);
        } else {
            int e = MN_OK;
            s = mn_str_clone(arena, mn_value_as_str(v, arena, &e));
            if (e)
                return mn_err_set(err, e, "%s.%s: cannot convert a %s to text", m->name, f->name, mn_value_type_name(v));
        }
        if (!s.ptr)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        *MEMBER(obj, f, mn_str) = s;
    } else {
        switch (f->kind) {
        case MN_KIND_FLOAT: {
            double d;
            if (mn_value_to_double(v, &d) != MN_OK)
                return mn_err_set(err, MN_EINVAL, "\xe2\x80\x9c%s\xe2\x80\x9d value must be a float.", show(v, tmp, sizeof tmp));
            *MEMBER(obj, f, double) = d;
            break;
        }
        case MN_KIND_DECIMAL: {
            mn_decimal d;
            int rc = MN_EINVAL;
            if (v.type == MN_VALUE_DECIMAL) {
                d = v.u.d;
                rc = MN_OK;
            } else if (v.type == MN_VALUE_INT || v.type == MN_VALUE_BOOL) {
                d = mn_decimal_from_i64(v.type == MN_VALUE_INT ? v.u.i : v.u.b);
                rc = MN_OK;
            } else if (v.type == MN_VALUE_FLOAT) {
                rc = mn_decimal_from_double_prec(v.u.f, f->max_digits, &d);
            } else if (v.type == MN_VALUE_STR) {
                rc = mn_decimal_parse(v.u.s, &d, NULL);
            }
            if (rc != MN_OK)
                return mn_err_set(err, MN_EINVAL, "\xe2\x80\x9c%s\xe2\x80\x9d value must be a decimal number.",
                                  show(v, tmp, sizeof tmp));
            *MEMBER(obj, f, mn_decimal) = d;
            break;
        }
        case MN_KIND_BOOL: {
            int b = -1;
            if (v.type == MN_VALUE_BOOL)
                b = v.u.b;
            else if (v.type == MN_VALUE_INT && (v.u.i == 0 || v.u.i == 1))
                b = (int)v.u.i;
            else if (v.type == MN_VALUE_STR) {
                const char *t[] = { "t", "True", "1", "true" }, *fl[] = { "f", "False", "0", "false" };
                for (int k = 0; k < 4; k++) {
                    if (mn_str_eq_cstr(v.u.s, t[k]))
                        b = 1;
                    if (mn_str_eq_cstr(v.u.s, fl[k]))
                        b = 0;
                }
            }
            if (b < 0)
                return mn_err_set(err, MN_EINVAL, "\xe2\x80\x9c%s\xe2\x80\x9d value must be either True or False.",
                                  show(v, tmp, sizeof tmp));
            *MEMBER(obj, f, bool) = b;
            break;
        }
        case MN_KIND_DATE: {
            mn_date d;
            mn_datetime local;
            if (v.type == MN_VALUE_DATE)
                d = v.u.date;
            else if (v.type == MN_VALUE_DATETIME && v.u.dt.tz && naive_is_local() &&
                     mn_datetime_localtime(v.u.dt, mn_tz_default(), &local, NULL) == MN_OK)
                mn_datetime_fields(local, &d, NULL); /* Django: the date in the default time zone */
            else if (v.type == MN_VALUE_DATETIME)
                mn_datetime_fields(v.u.dt, &d, NULL);
            else if (v.type != MN_VALUE_STR)
                return mn_err_set(err, MN_EINVAL,
                                  "\xe2\x80\x9c%s\xe2\x80\x9d value has an invalid date format. It must be in YYYY-MM-DD format.",
                                  show(v, tmp, sizeof tmp));
            else if ((prc = mn_date_parse(v.u.s, &d, NULL)) != MN_OK)
                return mn_err_set(err, MN_EINVAL,
                                  prc == MN_EPARSE ? "\xe2\x80\x9c%s\xe2\x80\x9d value has an invalid date format. It must be in "
                                                     "YYYY-MM-DD format."
                                                   : "\xe2\x80\x9c%s\xe2\x80\x9d value has the correct format (YYYY-MM-DD) but "
                                                     "it is an invalid date.",
                                  show(v, tmp, sizeof tmp));
            *MEMBER(obj, f, mn_date) = d;
            break;
        }
        case MN_KIND_TIME: {
            mn_time t;
            if (v.type == MN_VALUE_TIME)
                t = v.u.time;
            else if (v.type != MN_VALUE_STR || (prc = mn_time_parse(v.u.s, &t, NULL)) != MN_OK)
                return mn_err_set(err, MN_EINVAL,
                                  v.type == MN_VALUE_STR && prc != MN_EPARSE
                                      ? "\xe2\x80\x9c%s\xe2\x80\x9d value has the correct format (HH:MM[:ss[.uuuuuu]]) but it "
                                        "is an invalid time."
                                      : "\xe2\x80\x9c%s\xe2\x80\x9d value has an invalid format. It must be in "
                                        "HH:MM[:ss[.uuuuuu]] format.",
                                  show(v, tmp, sizeof tmp));
            *MEMBER(obj, f, mn_time) = t;
            break;
        }
        case MN_KIND_DATETIME: {
            mn_datetime dt;
            if (v.type == MN_VALUE_DATETIME)
                dt = v.u.dt;
            else if (v.type == MN_VALUE_DATE)
                dt = mn_datetime_naive(v.u.date, (mn_time){ 0 });
            else if (v.type == MN_VALUE_STR && (prc = mn_datetime_parse(v.u.s, &dt, NULL)) != MN_OK) {
                /* Django's to_python: a bad date/time of the right shape, else
                 * a plain date (midnight), else the format */
                mn_date dd;
                int drc = prc == MN_EPARSE ? mn_date_parse(v.u.s, &dd, NULL) : MN_EPARSE;
                if (prc != MN_EPARSE)
                    return mn_err_set(err, MN_EINVAL,
                                      "\xe2\x80\x9c%s\xe2\x80\x9d value has the correct format (YYYY-MM-DD "
                                      "HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time.",
                                      show(v, tmp, sizeof tmp));
                if (drc == MN_OK)
                    dt = mn_datetime_naive(dd, (mn_time){ 0 });
                else if (drc != MN_EPARSE)
                    return mn_err_set(err, MN_EINVAL,
                                      "\xe2\x80\x9c%s\xe2\x80\x9d value has the correct format (YYYY-MM-DD) but it is "
                                      "an invalid date.",
                                      show(v, tmp, sizeof tmp));
                else
                    return mn_err_set(err, MN_EINVAL,
                                      "\xe2\x80\x9c%s\xe2\x80\x9d value has an invalid format. It must be in YYYY-MM-DD "
                                      "HH:MM[:ss[.uuuuuu]][TZ] format.",
                                      show(v, tmp, sizeof tmp));
            } else if (v.type != MN_VALUE_STR)
                return mn_err_set(err, MN_EINVAL,
                                  "\xe2\x80\x9c%s\xe2\x80\x9d value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.",
                                  show(v, tmp, sizeof tmp));
            /* USE_TZ: a naive reading is on the wall clock of the default
             * time zone (Django's make_aware(value, get_default_timezone())
             * with its RuntimeWarning); aware values keep their instant and
             * are shown in UTC, as loaded rows are. */
            if (!dt.tz && naive_is_local()) {
                mn_datetime aware;
                mn_err e = { 0 };
                if (mn_datetime_make_aware(dt, mn_tz_default(), MN_IS_DST_NONE, &aware, &e) != MN_OK)
                    return mn_err_set(err, MN_EINVAL, "%s", e.msg);
                dt = aware;
            }
            dt.tz = mn_tz_utc();
            *MEMBER(obj, f, mn_datetime) = dt;
            break;
        }
        case MN_KIND_DURATION: {
            mn_duration d;
            if (v.type == MN_VALUE_DURATION)
                d = v.u.dur;
            else if (v.type == MN_VALUE_INT)
                d.us = v.u.i;
            else if (v.type != MN_VALUE_STR || mn_duration_parse(v.u.s, &d, NULL) != MN_OK)
                return mn_err_set(err, MN_EINVAL,
                                  "\xe2\x80\x9c%s\xe2\x80\x9d value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] format.",
                                  show(v, tmp, sizeof tmp));
            *MEMBER(obj, f, mn_duration) = d;
            break;
        }
        case MN_KIND_JSON: {
            mn_value c;
            if (mn_value_copy(arena, v, &c) != MN_OK)
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            *MEMBER(obj, f, mn_value) = c;
            break;
        }
        default: return mn_err_set(err, MN_EINVAL, "field %s has no value", f->name);
        }
    }
    set_null_bit(obj, m, i, false);
    return MN_OK;
}

int mn_obj_set(void *obj, mn_model *m, const char *field, mn_value v, mn_arena *arena, mn_err *err)
{
    if (mn__model_setup(m, err) != MN_OK)
        return err ? err->code : MN_EINVAL;
    int i = field_index_by_name(m, field);
    if (i < 0)
        return mn_err_set(err, MN_EINVAL, "%s() got an unexpected keyword argument '%s'", m->name, field);
    int rc = set_member(obj, m, (size_t)i, v, arena, err);
    mn_obj *h = mn_obj_header(m, obj);
    if (rc == MN_OK && h->deferred)
        h->deferred->mask &= ~(UINT64_C(1) << i);
    return rc;
}

mn_str mn_obj_display(const void *obj, mn_model *m, const char *field, mn_arena *arena)
{
    mn_value v;
    if (mn_obj_get(obj, m, field, &v) != MN_OK)
        return MN_STR_EMPTY;
    int e = MN_OK;
    mn_str text = v.type == MN_VALUE_NULL ? MN_STR("None") : mn_value_as_str(v, arena, &e);
    const mn_field *f = mn_model_field_by_name(m, field);
    if (f && f->choices)
        for (const mn_choice *c = f->choices; c->value; c++)
            if (mn_str_eq_cstr(text, c->value))
                return mn_str_from(c->label);
    return text;
}

void *mn__obj_alloc(mn_model *m, mn_arena *arena)
{
    void *obj = mn_arena_calloc(arena, 1, m->size);
    if (!obj)
        return NULL;
    mn_obj *h = mn_obj_header(m, obj);
    h->model = m;
    for (size_t i = 0; i < m->_rt->nfields; i++)
        if (m->_rt->fields[i].kind == MN_KIND_DECIMAL)
            zero_member(obj, &m->_rt->fields[i]);
    return obj;
}

void *mn__obj_alloc_many(mn_model *m, mn_arena *arena, size_t k)
{
    if (k == 0 || m->size == 0 || k > SIZE_MAX / 2 / m->size)
        return NULL;
    char *first = mn_arena_alloc(arena, k * m->size);
    if (!first)
        return NULL;
    /* zero bytes are every member's zero (a decimal's too: coefficient 0,
     * scale 0, as mn_decimal_from_i64(0)) */
    memset(first, 0, m->size);
    mn_obj_header(m, first)->model = m;
    /* copies of the first: doubling, so a batch takes log2(k) large
     * copies instead of k small ones */
    for (size_t j = 1; j < k; j *= 2)
        memcpy(first + j * m->size, first, (j < k - j ? j : k - j) * m->size);
    return first;
}

void *mn_model_new(mn_model *m, mn_arena *arena, mn_err *err)
{
    if (mn__model_setup(m, err) != MN_OK)
        return NULL;
    if (m->meta.abstract) {
        mn_err_set(err, MN_EINVAL, "Manager isn't available; '%s' is abstract", m->name);
        return NULL;
    }
    void *obj = mn__obj_alloc(m, arena);
    if (!obj) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_obj_header(m, obj)->flags = MN_OBJ_ADDING;
    for (size_t i = 0; i < m->_rt->nfields; i++) {
        const mn_field *f = &m->_rt->fields[i];
        int rc = MN_OK;
        if (f->default_fn) {
            mn_value v;
            rc = f->default_fn(arena, &v);
            if (rc == MN_OK)
                rc = set_member(obj, m, i, v, arena, err);
            else
                mn_err_set(err, rc, "%s.%s: the default function failed", m->name, f->name);
        } else if (f->default_value) {
            rc = set_member(obj, m, i, mn_value_cstr(f->default_value), arena, err);
        } else if (f->null) {
            set_null_bit(obj, m, i, true);
        }
        if (rc != MN_OK) {
            mn_err_prefix(err, "%s.%s default: ", m->name, f->name);
            return NULL;
        }
    }
    return obj;
}

/* ---- database conversions ---- */

/* Drops every occurrence of word from t (Python's str.replace(word, "")). */
static size_t drop_all(char *t, size_t n, const char *word)
{
    size_t wl = strlen(word), k = 0;
    for (size_t i = 0; i < n;) {
        if (i + wl <= n && !memcmp(t + i, word, wl)) {
            i += wl;
            continue;
        }
        t[k++] = t[i++];
    }
    return k;
}

bool mn__uuid_hex(mn_str s, char hex[32])
{
    char t[128];
    if (s.len >= sizeof t)
        return false;
    memcpy(t, s.ptr, s.len);
    size_t n = drop_all(t, s.len, "urn:");
    n = drop_all(t, n, "uuid:");
    size_t lo = 0;
    while (lo < n && (t[lo] == '{' || t[lo] == '}'))
        lo++;
    while (n > lo && (t[n - 1] == '{' || t[n - 1] == '}'))
        n--;
    size_t k = 0;
    for (size_t i = lo; i < n; i++) {
        char c = t[i];
        if (c == '-')
            continue;
        if (!isxdigit((unsigned char)c) || k == 32)
            return false;
        hex[k++] = (char)tolower((unsigned char)c);
    }
    return k == 32;
}

/* The 32 lowercase hex digits of a UUID (mn__uuid_hex) appended to out;
 * false when s is not a UUID. */
static bool uuid_hex(mn_str s, mn_buf *out)
{
    char hex[32];
    if (!mn__uuid_hex(s, hex))
        return false;
    mn_buf_append(out, hex, 32);
    return true;
}

/* The normal text of an IPv6 address as Python's ipaddress writes it
 * (lowercase, leading zeros dropped, the longest run of two or more zero
 * groups as "::", the first on a tie), IPv4-mapped ones as ::ffff:a.b.c.d
 * (Django's clean_ipv6_address). False when s is no IPv6 address. */
static bool ipv6_normal(mn_str s, mn_buf *b)
{
    char tmp[64];
    unsigned char a[16];
    if (s.len == 0 || s.len >= sizeof tmp)
        return false;
    memcpy(tmp, s.ptr, s.len);
    tmp[s.len] = '\0';
    if (inet_pton(AF_INET6, tmp, a) != 1)
        return false;
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (!memcmp(a, mapped, sizeof mapped)) {
        mn_buf_printf(b, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
        return true;
    }
    unsigned g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (g[i]) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && !g[j])
            j++;
        if (j - i > best_len && j - i >= 2)
            best = i, best_len = j - i;
        i = j;
    }
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            mn_buf_puts(b, i == 0 ? "::" : ":");
            i += best_len - 1;
            continue;
        }
        mn_buf_printf(b, "%x%s", g[i], i < 7 ? ":" : "");
    }
    return true;
}

static int write_datetime_db(mn_buf *b, mn_datetime dt, mn_db_engine eng)
{
    mn_datetime aware;
    if (!dt.tz && naive_is_local() && mn_datetime_make_aware(dt, mn_tz_default(), MN_IS_DST_FALSE, &aware, NULL) == MN_OK)
        dt = aware; /* a naive lookup value, as Django's get_prep_value reads it */
    if (dt.tz) {
        mn_datetime u;
        mn_datetime_localtime(dt, mn_tz_utc(), &u, NULL);
        dt = u;
    }
    mn_date d;
    mn_time t;
    mn_datetime_fields(dt, &d, &t);
    mn_date_write(b, d);
    mn_buf_putc(b, ' ');
    mn_time_write(b, t);
    if (eng == MN_DB_POSTGRES)
        mn_buf_puts(b, "+00:00");
    return mn_buf_error(b);
}

int mn__member_to_db(const void *obj, mn_model *m, size_t i, mn_db_engine eng, mn_arena *arena, mn_value *out,
                     mn_err *err)
{
    const mn_field *f = &m->_rt->fields[i];
    if (mn_obj_header(m, obj)->nulls >> i & 1) {
        *out = mn_value_null();
        return MN_OK;
    }
    mn_value v = member_value(obj, f);
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    switch (f->kind) {
    case MN_KIND_DECIMAL: {
        /* Django hands PostgreSQL the Decimal as it is, and numeric(p, s)
         * rounds ties away from zero (1.005 -> 1.01); SQLite gets
         * format_number's text, rounded half to even (1.005 -> 1.00) */
        mn_decimal q;
        if (eng == MN_DB_POSTGRES && f->decimal_places >= 0 &&
            mn_decimal_quantize(v.u.d, f->decimal_places, MN_ROUND_HALF_UP, &q) == MN_OK)
            v.u.d = q;
        if (mn_decimal_format_number(&b, v.u.d, f->max_digits, f->decimal_places) != MN_OK)
            return mn_err_set(err, MN_ERANGE, "%s.%s: %s does not fit in max_digits=%d, decimal_places=%d", m->name,
                              f->name, mn_buf_cstr(&b), f->max_digits, f->decimal_places);
        break;
    }
    case MN_KIND_DATE: mn_date_write(&b, v.u.date); break;
    case MN_KIND_TIME: mn_time_write(&b, v.u.time); break;
    case MN_KIND_DATETIME: write_datetime_db(&b, v.u.dt, eng); break;
    case MN_KIND_DURATION:
        if (eng != MN_DB_POSTGRES) {
            *out = mn_value_int(v.u.dur.us);
            return MN_OK;
        }
        mn_buf_printf(&b, "%lld microseconds", (long long)v.u.dur.us);
        break;
    case MN_KIND_JSON: {
        /* json.dumps' text, as Django writes it: SQLite compares it as text */
        mn_str s = mn_json_dumps(arena, v, MN_JSON_DJANGO, err);
        if (!s.ptr)
            return err && err->code ? err->code : MN_EINVAL;
        *out = mn_value_str(s);
        return MN_OK;
    }
    case MN_KIND_IP:
        /* adapt_ipaddressfield_value: "" is NULL */
        if (v.u.s.len == 0) {
            *out = mn_value_null();
            return MN_OK;
        }
        /* Django's clean_ipv6_address: "2001:0DB8::0001" is "2001:db8::1" */
        if (memchr(v.u.s.ptr, ':', v.u.s.len) && ipv6_normal(v.u.s, &b)) {
            if (mn_buf_error(&b))
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            *out = mn_value_str(mn_buf_str(&b));
            return MN_OK;
        }
        *out = v;
        return MN_OK;
    case MN_KIND_UUID: {
        /* Django's get_db_prep_value reads the text as uuid.UUID() does
         * (refusing what is no UUID), then sends 32 hex digits to SQLite
         * (char(32)) and the 8-4-4-4-12 form to PostgreSQL's uuid */
        char shown[128];
        if (!uuid_hex(v.u.s, &b))
            return mn_err_set(err, MN_EINVAL, "\xe2\x80\x9c%s\xe2\x80\x9d is not a valid UUID.",
                              show(v, shown, sizeof shown));
        if (mn_buf_error(&b))
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        mn_str h = mn_buf_str(&b);
        if (eng == MN_DB_POSTGRES) {
            char *p = mn_arena_sprintf(arena, "%.8s-%.4s-%.4s-%.4s-%.12s", h.ptr, h.ptr + 8, h.ptr + 12, h.ptr + 16,
                                       h.ptr + 20);
            if (!p)
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            *out = mn_value_cstr(p);
            return MN_OK;
        }
        *out = mn_value_str(h);
        return MN_OK;
    }
    case MN_KIND_BINARY:
        if (eng == MN_DB_POSTGRES) {
            mn_buf_puts(&b, "\\x");
            for (size_t k = 0; k < v.u.s.len; k++)
                mn_buf_printf(&b, "%02x", (unsigned char)v.u.s.ptr[k]);
            break;
        }
        *out = v;
        return MN_OK;
    default: *out = v; return MN_OK;
    }
    if (mn_buf_error(&b))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    *out = mn_value_str(mn_buf_str(&b));
    return MN_OK;
}

/* A stand-in instance for converting one value: big enough for any member. */
typedef struct scratch_obj {
    mn_obj mn;
    union {
        int64_t i64;
        mn_value v;
        mn_decimal d;
        mn_datetime dt;
        mn_str s;
    } u;
} scratch_obj;

int mn__to_db(const mn_field *f, mn_value v, mn_db_engine eng, mn_arena *arena, mn_value *out, mn_err *err)
{
    if (v.type == MN_VALUE_NULL) {
        *out = v;
        return MN_OK;
    }
    /* An integer for an integer field (get(pk=...)) within the field's
     * range is sent as it is, as the conversions below would. */
    if (v.type == MN_VALUE_INT && is_int_kind(f->kind)) {
        bool fits = true;
        if (f->kind == MN_KIND_INT || f->kind == MN_KIND_POSINT)
            fits = v.u.i >= INT32_MIN && v.u.i <= INT32_MAX;
        else if (f->kind == MN_KIND_SMALLINT || f->kind == MN_KIND_POSSMALLINT)
            fits = v.u.i >= INT16_MIN && v.u.i <= INT16_MAX;
        if (fits) {
            *out = mn_value_int(v.u.i);
            return MN_OK;
        }
    }
    /* A one-field model over the scratch struct reuses the conversions
     * (thread-local: the set-up data is too big for small stacks). */
    static _Thread_local struct mn__model_rt rt;
    rt.fields[0] = *f;
    rt.fields[0].offset = offsetof(scratch_obj, u);
    rt.fields[0].null = true;
    rt.nfields = 1;
    rt.pk = -1;
    rt.error = 0;
    mn_model m = { .name = "value", .size = sizeof(scratch_obj), .obj_offset = 0, ._rt = &rt };
    scratch_obj o;
    memset(&o, 0, sizeof o);
    int rc = set_member(&o, &m, 0, v, arena, err);
    if (rc != MN_OK)
        return rc;
    return mn__member_to_db(&o, &m, 0, eng, arena, out, err);
}

static int parse_db_datetime(mn_str t, mn_datetime *out)
{
    mn_datetime dt;
    if (mn_datetime_parse(t, &dt, NULL) != MN_OK)
        return MN_EPARSE;
    dt.tz = mn_tz_utc(); /* naive text is UTC; aware text keeps its instant */
    *out = dt;
    return MN_OK;
}

static int unhex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int mn__value_from_row(const mn_field *f, mn_db_rows *rows, size_t col, mn_db_engine eng, mn_arena *arena,
                       mn_value *out, mn_err *err)
{
    if (mn_db_rows_is_null(rows, col)) {
        *out = mn_value_null();
        return MN_OK;
    }
    if (is_int_kind(f->kind)) {
        *out = mn_value_int(mn_db_rows_int(rows, col));
        return MN_OK;
    }
    mn_str t;
    switch (f->kind) {
    case MN_KIND_BOOL: *out = mn_value_bool(mn_db_rows_int(rows, col) != 0); return MN_OK;
    case MN_KIND_FLOAT: *out = mn_value_float(mn_db_rows_float(rows, col)); return MN_OK;
    case MN_KIND_DURATION:
        if (eng != MN_DB_POSTGRES) {
            *out = mn_value_duration((mn_duration){ mn_db_rows_int(rows, col) });
            return MN_OK;
        }
        break;
    default: break;
    }
    t = mn_db_rows_text(rows, col);
    switch (f->kind) {
    case MN_KIND_DECIMAL: {
        mn_decimal d, q;
        if (mn_decimal_parse(t, &d, NULL) != MN_OK)
            return mn_err_set(err, MN_EPARSE, "column %s: '%.*s' is not a decimal", mn_field_column(f), MN_STR_FMT(t));
        if (f->decimal_places >= 0 && mn_decimal_quantize(d, f->decimal_places, MN_ROUND_HALF_EVEN, &q) == MN_OK)
            d = q;
        *out = mn_value_decimal(d);
        return MN_OK;
    }
    case MN_KIND_DATE: {
        mn_date d;
        mn_datetime dt;
        if (mn_date_parse(t, &d, NULL) == MN_OK) {
            *out = mn_value_date(d);
            return MN_OK;
        }
        if (parse_db_datetime(t, &dt) == MN_OK) {
            mn_datetime_fields(dt, &d, NULL);
            *out = mn_value_date(d);
            return MN_OK;
        }
        break;
    }
    case MN_KIND_TIME: {
        mn_time tm;
        if (mn_time_parse(t, &tm, NULL) == MN_OK) {
            *out = mn_value_time(tm);
            return MN_OK;
        }
        break;
    }
    case MN_KIND_DATETIME: {
        mn_datetime dt;
        if (parse_db_datetime(t, &dt) == MN_OK) {
            *out = mn_value_datetime(dt);
            return MN_OK;
        }
        break;
    }
    case MN_KIND_DURATION: {
        mn_duration d;
        if (mn_duration_parse(t, &d, NULL) == MN_OK) {
            *out = mn_value_duration(d);
            return MN_OK;
        }
        break;
    }
    case MN_KIND_JSON: return mn_json_loads(arena, t, NULL, out, err);
    case MN_KIND_UUID: {
        /* canonical 8-4-4-4-12 text whatever the storage */
        mn_buf b;
        mn_buf_init(&b, arena, 40);
        if (uuid_hex(t, &b) && mn_buf_str(&b).len == 32) {
            mn_str h = mn_buf_str(&b);
            char *p = mn_arena_sprintf(arena, "%.8s-%.4s-%.4s-%.4s-%.12s", h.ptr, h.ptr + 8, h.ptr + 12, h.ptr + 16,
                                       h.ptr + 20);
            if (!p)
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            *out = mn_value_cstr(p);
            return MN_OK;
        }
        mn_str c = mn_str_clone(arena, t);
        if (!c.ptr)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        *out = mn_value_str(c);
        return MN_OK;
    }
    case MN_KIND_BINARY:
        if (eng == MN_DB_POSTGRES && t.len >= 2 && t.ptr[0] == '\\' && t.ptr[1] == 'x') {
            size_t n = (t.len - 2) / 2;
            char *p = mn_arena_alloc(arena, n + 1);
            if (!p)
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            for (size_t k = 0; k < n; k++) {
                int hi = unhex(t.ptr[2 + 2 * k]), lo = unhex(t.ptr[3 + 2 * k]);
                if (hi < 0 || lo < 0)
                    return mn_err_set(err, MN_EPARSE, "column %s: bad bytea text", mn_field_column(f));
                p[k] = (char)(hi << 4 | lo);
            }
            p[n] = '\0';
            *out = mn_value_str(mn_str_make(p, n));
            return MN_OK;
        }
        /* fall through */
    default: {
        mn_str c = mn_str_clone(arena, t);
        if (!c.ptr)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        *out = mn_value_str(c);
        return MN_OK;
    }
    }
    return mn_err_set(err, MN_EPARSE, "column %s: cannot read '%.*s' as a %s", mn_field_column(f), MN_STR_FMT(t),
                      mn__kind_name(f->kind));
}

/* A decimal field's number as SQLite keeps it (NUMERIC affinity), see
 * mn__decimal_from_double. True when *out was set. */
static inline bool decimal_from_number(const mn_field *f, const mn_db_cell *cell, mn_decimal *out)
{
    if (f->decimal_places < 0)
        return false;
    if (cell->type == MN_VALUE_INT)
        return mn__decimal_from_i64(cell->i, (unsigned)f->decimal_places, out);
    return cell->type == MN_VALUE_FLOAT && mn__decimal_from_double(cell->f, (unsigned)f->decimal_places, out);
}

/* Member i from cell, the value of column col of rows' current row (read
 * again through rows only when stored as another type than the field's). */
static int member_from_cell(void *obj, mn_model *m, size_t i, const mn_db_cell *cellp, mn_db_rows *rows, size_t col,
                            mn_db_engine eng, mn_arena *arena, mn_err *err)
{
    const mn_field *f = &m->_rt->fields[i];
    /* Fast paths for the common kinds, skipping mn_value round trips: one
     * call gives the storage type and the value; a value stored as another
     * type than expected is converted by the getters. */
    mn_db_cell cell = *cellp;
    if (cell.type == MN_VALUE_NULL) {
        zero_member(obj, f);
        set_null_bit(obj, m, i, true);
        return MN_OK;
    }
    int64_t iv = cell.type == MN_VALUE_INT ? cell.i : 0;
    if (cell.type != MN_VALUE_INT && (is_int_kind(f->kind) || f->kind == MN_KIND_BOOL))
        iv = mn_db_rows_int(rows, col);
    switch (f->kind) {
    case MN_KIND_INT:
    case MN_KIND_POSINT: *MEMBER(obj, f, int32_t) = (int32_t)iv; return MN_OK;
    case MN_KIND_SMALLINT:
    case MN_KIND_POSSMALLINT: *MEMBER(obj, f, int16_t) = (int16_t)iv; return MN_OK;
    case MN_KIND_BOOL: *MEMBER(obj, f, bool) = iv != 0; return MN_OK;
    case MN_KIND_FLOAT:
        *MEMBER(obj, f, double) = cell.type == MN_VALUE_FLOAT ? cell.f : mn_db_rows_float(rows, col);
        return MN_OK;
    default:
        if (is_int_kind(f->kind)) {
            *MEMBER(obj, f, int64_t) = iv;
            return MN_OK;
        }
        break;
    }
    if (is_str_kind(f->kind) && f->kind != MN_KIND_UUID && f->kind != MN_KIND_BINARY) {
        mn_str t = mn_str_clone(arena, cell.type == MN_VALUE_STR ? cell.s : mn_db_rows_text(rows, col));
        if (!t.ptr)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        *MEMBER(obj, f, mn_str) = t;
        set_null_bit(obj, m, i, false);
        return MN_OK;
    }
    if (f->kind == MN_KIND_DECIMAL && eng == MN_DB_SQLITE && decimal_from_number(f, &cell, MEMBER(obj, f, mn_decimal))) {
        set_null_bit(obj, m, i, false);
        return MN_OK;
    }
    mn_value v;
    int rc = mn__value_from_row(f, rows, col, eng, arena, &v, err);
    if (rc != MN_OK)
        return rc;
    switch (f->kind) {
    case MN_KIND_DECIMAL: *MEMBER(obj, f, mn_decimal) = v.u.d; break;
    case MN_KIND_DATE: *MEMBER(obj, f, mn_date) = v.u.date; break;
    case MN_KIND_TIME: *MEMBER(obj, f, mn_time) = v.u.time; break;
    case MN_KIND_DATETIME: *MEMBER(obj, f, mn_datetime) = v.u.dt; break;
    case MN_KIND_DURATION: *MEMBER(obj, f, mn_duration) = v.u.dur; break;
    case MN_KIND_JSON: *MEMBER(obj, f, mn_value) = v; break;
    default: *MEMBER(obj, f, mn_str) = v.u.s; break;
    }
    set_null_bit(obj, m, i, false);
    return MN_OK;
}

/* PostgreSQL's numeric text ("-12.50") with at most 18 digits and no more
 * places than the field's, as mn_decimal_parse then quantizing to the
 * field's places would give it (exactly: only zeros are appended). True
 * when *out was set; other text takes that path. */
static inline bool decimal_from_text(const mn_field *f, mn_str t, mn_decimal *out)
{
    const char *p = t.ptr, *end = t.ptr + t.len;
    int places = f->decimal_places;
    if (places < 0 || places > 9 || p == end)
        return false;
    bool neg = *p == '-';
    p += neg;
    int64_t coef = 0;
    int digits = 0, scale = -1;
    for (; p < end; p++) {
        if (*p >= '0' && *p <= '9') {
            if (++digits > 18)
                return false;
            coef = coef * 10 + (*p - '0');
            scale += scale >= 0;
        } else if (*p == '.' && scale < 0 && digits) {
            scale = 0;
        } else {
            return false;
        }
    }
    if (scale < 0)
        scale = 0;
    else if (scale == 0) /* "12." */
        return false;
    if (!digits || scale > places || digits + places - scale > 18)
        return false;
    coef *= mn__pow10_9[places - scale];
    *out = mn_decimal_make(neg ? -coef : coef, places);
    return true;
}

int mn__member_from_row(void *obj, mn_model *m, size_t i, mn_db_rows *rows, size_t col, mn_db_engine eng,
                        mn_arena *arena, mn_err *err)
{
    mn_db_cell cell;
    mn_db_rows_cell(rows, col, &cell);
    return member_from_cell(obj, m, i, &cell, rows, col, eng, arena, err);
}

/* ---- whole rows ----
 * A query decodes every row the same way: each column's way to its member
 * is chosen once (mn__coldec_init), then the driver stores the row's
 * columns straight into the instance in one pass (mn_db_rows_store), and
 * the row's strings are copied into one allocation (mn__rowtext). Values
 * stored as another type than the field's, NULLs and the other kinds come
 * back as cells and take member_from_cell. */

enum {
    DEC_GENERIC,
    DEC_STORED,       /* the driver stores it (mn_db_store.as) */
    DEC_DECIMAL_NUM,  /* SQLite: a number, see decimal_from_number */
    DEC_DECIMAL_TEXT, /* PostgreSQL: numeric text */
};
/* user[0]: the op, and MN__DEC_OUTER_PK; user[1]: the field's index */
#define DEC_OP(d) ((d).user[0] & 3)
#define DEC_FIELD(d) ((d).user[1])

void mn__coldec_skip(mn__coldec *out) { *out = (mn__coldec){ .as = MN_DB_AS_SKIP }; }

void mn__coldec_init(mn_model *m, size_t i, mn_db_engine eng, mn__coldec *out)
{
    const mn_field *f = &m->_rt->fields[i];
    *out = (mn__coldec){ .offset = (uint32_t)f->offset, .as = MN_DB_AS_CELL };
    out->user[0] = DEC_STORED;
    out->user[1] = (uint8_t)i;
    switch (f->kind) {
    case MN_KIND_INT:
    case MN_KIND_POSINT: out->as = MN_DB_AS_I32; break;
    case MN_KIND_SMALLINT:
    case MN_KIND_POSSMALLINT: out->as = MN_DB_AS_I16; break;
    case MN_KIND_BOOL: out->as = MN_DB_AS_BOOL; break;
    case MN_KIND_FLOAT: out->as = MN_DB_AS_F64; break;
    case MN_KIND_DECIMAL:
        if (eng == MN_DB_SQLITE) {
            out->user[0] = DEC_DECIMAL_NUM;
            /* the driver builds the decimals it can (else: a cell) */
            if (f->decimal_places >= 0 && f->decimal_places <= 9) {
                out->as = MN_DB_AS_DECIMAL;
                out->scale = (uint8_t)f->decimal_places;
            }
        } else {
            out->user[0] = DEC_DECIMAL_TEXT;
        }
        break;
    default:
        if (is_int_kind(f->kind))
            out->as = MN_DB_AS_I64;
        else if (is_str_kind(f->kind) && f->kind != MN_KIND_UUID && f->kind != MN_KIND_BINARY)
            out->as = MN_DB_AS_TEXT;
        else
            out->user[0] = DEC_GENERIC;
    }
}

/* A cell left by the driver (NULL, another storage type, a decimal, the
 * other kinds) into member k of obj. */
static int rest_cell(void *obj, mn_model *m, const mn__coldec *d, const mn_db_cell *c, mn_db_rows *rows, size_t col,
                     mn_db_engine eng, mn_arena *arena, mn_err *err)
{
    char *p = (char *)obj + d->offset;
    switch (DEC_OP(*d)) {
    case DEC_DECIMAL_NUM:
        if (decimal_from_number(&m->_rt->fields[DEC_FIELD(*d)], c, (mn_decimal *)p))
            return MN_OK;
        break;
    case DEC_DECIMAL_TEXT:
        if (c->type == MN_VALUE_STR) {
            const mn_field *f = &m->_rt->fields[DEC_FIELD(*d)];
            mn_decimal v, q;
            if (decimal_from_text(f, c->s, (mn_decimal *)p))
                return MN_OK;
            if (mn_decimal_parse(c->s, &v, NULL) == MN_OK) {
                if (f->decimal_places >= 0 && mn_decimal_quantize(v, f->decimal_places, MN_ROUND_HALF_EVEN, &q) == MN_OK)
                    v = q;
                memcpy(p, &v, sizeof v);
                return MN_OK;
            }
        }
        break;
    default: break;
    }
    return member_from_cell(obj, m, DEC_FIELD(*d), c, rows, col, eng, arena, err);
}

/* Room for n bytes of strings: from what rp reserved, else a new
 * reservation for this row and, as the rows read grow, for up to 63 more
 * rows like it (what is left at the end of a query is at most that, as with
 * the instances' batches). */
static inline char *row_text(mn__rowplan *rp, size_t n)
{
    if (n > rp->text_left) {
        size_t k = rp->rows < 64 ? rp->rows + 1 : 64, want = n * k;
        if (want > 16384)
            want = n > 16384 ? n : 16384;
        char *p = mn_arena_alloc(rp->arena, want);
        if (!p)
            return NULL;
        rp->text = p;
        rp->text_left = want;
    }
    char *p = rp->text;
    rp->text += n;
    rp->text_left -= n;
    return p;
}

int mn__row_finish(mn__rowplan *rp, const mn__coldec *pl, void *const *objs, mn_db_rows *rows, const mn_db_stored *st,
                   size_t first, uint64_t *g, mn_err *err)
{
    if (st->texts) {
        /* the strings borrow the row's bytes: copied out */
        char *sp = row_text(rp, st->bytes);
        if (!sp)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        for (uint64_t t = st->texts; t; t &= t - 1) {
            const mn__coldec *d = &pl[__builtin_ctzll(t)];
            mn_str *s = (mn_str *)((char *)objs[d->dst] + d->offset);
            size_t len = s->len;
            mn__copy_bytes(sp, s->ptr, len);
            sp[len] = '\0';
            s->ptr = sp;
            sp += len + 1;
        }
    }
    const mn_db_cell *cells = st->cells;
    if (rp->outer) /* a LEFT OUTER JOIN's object without a row: all NULL */
        for (uint64_t r = st->rest; r; r &= r - 1) {
            size_t k = (size_t)__builtin_ctzll(r);
            if ((pl[k].user[0] & MN__DEC_OUTER_PK) && cells[k].type == MN_VALUE_NULL)
                *g |= UINT64_C(1) << (pl[k].dst - 1);
        }
    for (uint64_t r = st->rest; r; r &= r - 1) {
        size_t k = (size_t)__builtin_ctzll(r);
        unsigned d = pl[k].dst;
        if (d && (*g >> (d - 1) & 1))
            continue;
        /* the decimals the driver left: SQLite's numbers it could not take
         * as they are, PostgreSQL's numeric text */
        if (DEC_OP(pl[k]) == DEC_DECIMAL_NUM &&
            decimal_from_number(&rp->models[d]->_rt->fields[DEC_FIELD(pl[k])], &cells[k],
                                (mn_decimal *)((char *)objs[d] + pl[k].offset)))
            continue;
        if (DEC_OP(pl[k]) == DEC_DECIMAL_TEXT && cells[k].type == MN_VALUE_STR &&
            decimal_from_text(&rp->models[d]->_rt->fields[DEC_FIELD(pl[k])], cells[k].s,
                              (mn_decimal *)((char *)objs[d] + pl[k].offset)))
            continue;
        int rc = rest_cell(objs[d], rp->models[d], &pl[k], &cells[k], rows, first + k, rp->eng, rp->arena, err);
        if (rc != MN_OK)
            return rc;
    }
    return MN_OK;
}

int mn__row_store(mn__rowplan *rp, void *const *objs, mn_db_rows *rows, uint64_t *gone, mn_err *err)
{
    mn_db_cell cells[64];
    mn_db_stored st;
    st.cells = cells;
    uint64_t g = 0;
    const uint16_t *ends = rp->ends;
    size_t n = rp->n;
    for (size_t first = 0, end; first < n; first = end) {
        end = ends ? *ends++ : n - first > 64 ? first + 64 : n;
        const mn__coldec *pl = rp->plan + first;
        st.text = rp->text;
        st.text_left = rp->text_left;
        mn_db_rows_store(rows, first, end - first, pl, objs, &st);
        rp->text = st.text;
        rp->text_left = st.text_left;
        if (st.texts | st.rest) {
            int rc = mn__row_finish(rp, pl, objs, rows, &st, first, &g, err);
            if (rc != MN_OK)
                return rc;
        }
    }
    rp->rows++;
    *gone = g;
    return MN_OK;
}

int mn__set_member(void *obj, mn_model *m, size_t i, mn_value v, mn_arena *arena, mn_err *err)
{
    return set_member(obj, m, i, v, arena, err);
}

mn_value mn__member_value(const void *obj, mn_model *m, size_t i)
{
    if (mn_obj_header(m, obj)->nulls >> i & 1)
        return mn_value_null();
    return member_value(obj, &m->_rt->fields[i]);
}
