/* Instances: save, delete, refresh, full_clean, schema, signals, atomic. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "manouche/crypto.h"
#include "orm_internal.h"

static _Thread_local mn_db *thread_db;

void mn_orm_use(mn_db *db) { thread_db = db; }
mn_db *mn_orm_db(void) { return mn__db(NULL, NULL); }

mn_db *mn__db(mn_db *db, mn_err *err)
{
    if (db)
        return db;
    if (thread_db)
        return thread_db;
    /* Django's default database: the thread's persistent connection to the
     * published settings' DATABASE_URL. */
    const mn_settings *s = mn_settings_current();
    if (s && s->DATABASE.engine != MN_DB_NONE)
        return mn_db_for_thread(&s->DATABASE, err);
    mn_err_set(err, MN_EINVAL,
               "no database connection: publish settings with a DATABASE_URL, call mn_orm_use(db) on this thread, or "
               "pass one");
    return NULL;
}

/* ---- schema ---- */

const char *mn__kind_sql_type(mn_field_kind kind, int max_length, int max_digits, int decimal_places, bool pg,
                              bool for_alter, mn_arena *arena)
{
    switch (kind) {
    case MN_KIND_AUTO: return pg ? (for_alter ? "integer" : "serial") : "integer";
    case MN_KIND_BIGAUTO: return pg ? (for_alter ? "bigint" : "bigserial") : "integer";
    case MN_KIND_SMALLINT: return "smallint";
    case MN_KIND_INT: return "integer";
    case MN_KIND_BIGINT: return "bigint";
    case MN_KIND_POSSMALLINT: return pg ? "smallint" : "smallint unsigned";
    case MN_KIND_POSINT: return pg ? "integer" : "integer unsigned";
    case MN_KIND_POSBIGINT: return pg ? "bigint" : "bigint unsigned";
    case MN_KIND_FLOAT: return pg ? "double precision" : "real";
    case MN_KIND_DECIMAL:
        return pg ? mn_arena_sprintf(arena, "numeric(%d, %d)", max_digits, decimal_places) : "decimal";
    case MN_KIND_BOOL: return pg ? "boolean" : "bool";
    case MN_KIND_TEXT: return "text";
    case MN_KIND_UUID: return pg ? "uuid" : "char(32)";
    case MN_KIND_IP: return pg ? "inet" : "char(39)";
    case MN_KIND_BINARY: return pg ? "bytea" : "BLOB";
    case MN_KIND_DATE: return "date";
    case MN_KIND_TIME: return "time";
    case MN_KIND_DATETIME: return pg ? "timestamp with time zone" : "datetime";
    case MN_KIND_DURATION: return pg ? "interval" : "bigint";
    case MN_KIND_JSON: return pg ? "jsonb" : "text";
    case MN_KIND_FOREIGNKEY: return NULL;
    default: return mn_arena_sprintf(arena, "varchar(%d)", max_length);
    }
}

const char *mn__sql_type(const mn_field *f, mn_db_engine eng, mn_arena *arena)
{
    bool pg = eng == MN_DB_POSTGRES;
    if (f->kind != MN_KIND_FOREIGNKEY)
        return mn__kind_sql_type(f->kind, f->max_length, f->max_digits, f->decimal_places, pg, false, arena);
    const mn_field *pk = mn_model_pk(f->related);
    if (!pk || pk->kind == MN_KIND_BIGAUTO)
        return "bigint";
    if (pk->kind == MN_KIND_AUTO)
        return "integer";
    return mn__sql_type(pk, eng, arena);
}

static const char *index_name(mn_arena *a, const char *table, const char *cols, const char *suffix)
{
    uint64_t h = mn_str_hash(mn_str_from(cols)) ^ mn_str_hash(mn_str_from(table));
    return mn_arena_sprintf(a, "%.30s_%.20s_%08x_%s", table, cols, (unsigned)(h & 0xffffffffu), suffix);
}

static void put_cols(mn_buf *b, mn_model *m, const char *const *names, bool allow_desc)
{
    for (size_t i = 0; names && names[i]; i++) {
        const char *n = names[i];
        bool desc = allow_desc && n[0] == '-';
        const mn_field *f = mn_model_field_by_name(m, desc ? n + 1 : n);
        if (i)
            mn_buf_puts(b, ", ");
        mn__quote(b, f ? mn_field_column(f) : (desc ? n + 1 : n));
        if (desc)
            mn_buf_puts(b, " DESC");
    }
}

static int check_names(mn_model *m, const char *const *names, const char *what, mn_err *err)
{
    for (size_t i = 0; names && names[i]; i++) {
        const char *n = names[i][0] == '-' ? names[i] + 1 : names[i];
        if (!mn_model_field_by_name(m, n))
            return mn_err_set(err, MN_EINVAL, "%s: '%s' refers to the nonexistent field '%s'.", m->name, what, n);
    }
    return MN_OK;
}

mn_list *mn_model_schema_sql(mn_model *m, mn_db_engine eng, mn_arena *a, mn_err *err)
{
    if (mn__model_setup(m, err) != MN_OK)
        return NULL;
    if (m->meta.abstract) {
        mn_err_set(err, MN_EINVAL, "%s is abstract and has no table", m->name);
        return NULL;
    }
    bool pg = eng == MN_DB_POSTGRES;
    mn_list *out = mn_list_new(a, 4);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    const char *table = mn_model_table(m);
    mn_buf_puts(&b, "CREATE TABLE ");
    mn__quote(&b, table);
    mn_buf_puts(&b, " (");
    for (size_t i = 0; i < m->_rt->nfields; i++) {
        const mn_field *f = &m->_rt->fields[i];
        const char *col = mn_field_column(f);
        if (i)
            mn_buf_puts(&b, ", ");
        mn__quote(&b, col);
        mn_buf_printf(&b, " %s", mn__sql_type(f, eng, a));
        mn_buf_puts(&b, f->null ? " NULL" : " NOT NULL");
        if (f->primary_key) {
            mn_buf_puts(&b, " PRIMARY KEY");
            if (!pg && (f->kind == MN_KIND_AUTO || f->kind == MN_KIND_BIGAUTO))
                mn_buf_puts(&b, " AUTOINCREMENT");
        } else if (f->unique) {
            mn_buf_puts(&b, " UNIQUE");
        }
        if (f->kind >= MN_KIND_POSSMALLINT && f->kind <= MN_KIND_POSBIGINT) {
            mn_buf_puts(&b, " CHECK (");
            mn__quote(&b, col);
            mn_buf_puts(&b, " >= 0)");
        }
        if (f->kind == MN_KIND_JSON && !pg) {
            mn_buf_puts(&b, " CHECK ((JSON_VALID(");
            mn__quote(&b, col);
            mn_buf_puts(&b, ") OR ");
            mn__quote(&b, col);
            mn_buf_puts(&b, " IS NULL))");
        }
        if (f->kind == MN_KIND_FOREIGNKEY) {
            mn_buf_puts(&b, " REFERENCES ");
            mn__quote(&b, mn_model_table(f->related));
            mn_buf_puts(&b, " (");
            const mn_field *rpk = mn_model_pk(f->related);
            mn__quote(&b, rpk ? mn_field_column(rpk) : "id");
            /* As Django: on_delete is the collector's job, not the database's. */
            mn_buf_puts(&b, ") DEFERRABLE INITIALLY DEFERRED");
        }
    }
    for (const char *const *const *ut = m->meta.unique_together; ut && *ut; ut++) {
        if (check_names(m, *ut, "unique_together", err) != MN_OK)
            return NULL;
        mn_buf_puts(&b, ", UNIQUE (");
        put_cols(&b, m, *ut, false);
        mn_buf_puts(&b, ")");
    }
    for (const mn_constraint *c = m->meta.constraints; c && c->kind; c++) {
        if (!c->name) {
            mn_err_set(err, MN_EINVAL, "%s: constraints need a name", m->name);
            return NULL;
        }
        if (c->kind == MN_CONSTRAINT_CHECK) {
            const char *check = c->check;
            if ((c->q || c->qc) && !(check = mn__cond_sql(m, c->q, c->qc, eng, a, err)))
                return NULL;
            if (!check) {
                mn_err_set(err, MN_EINVAL, "%s: CHECK constraint '%s' needs a condition", m->name, c->name);
                return NULL;
            }
            mn_buf_puts(&b, ", CONSTRAINT ");
            mn__quote(&b, c->name);
            mn_buf_printf(&b, " CHECK (%s)", check);
        } else if (!c->condition && !c->q && !c->qc) {
            if (check_names(m, c->fields, c->name, err) != MN_OK)
                return NULL;
            mn_buf_puts(&b, ", CONSTRAINT ");
            mn__quote(&b, c->name);
            mn_buf_puts(&b, " UNIQUE (");
            put_cols(&b, m, c->fields, false);
            mn_buf_puts(&b, ")");
        }
    }
    mn_buf_puts(&b, ")");
    if (mn_buf_error(&b) || !out) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    mn_list_push(out, mn_value_str(mn_buf_str(&b)));
    /* Indexes: db_index fields (and FKs), Meta.indexes, partial unique constraints. */
    for (size_t i = 0; i < m->_rt->nfields; i++) {
        const mn_field *f = &m->_rt->fields[i];
        if (!f->db_index || f->unique || f->primary_key)
            continue;
        mn_buf_init(&b, a, 0);
        mn_buf_puts(&b, "CREATE INDEX ");
        mn__quote(&b, index_name(a, table, mn_field_column(f), ""));
        mn_buf_puts(&b, " ON ");
        mn__quote(&b, table);
        mn_buf_puts(&b, " (");
        mn__quote(&b, mn_field_column(f));
        mn_buf_puts(&b, ")");
        mn_list_push(out, mn_value_str(mn_buf_str(&b)));
    }
    for (const mn_index *ix = m->meta.indexes; ix && ix->fields; ix++) {
        if (check_names(m, ix->fields, "indexes", err) != MN_OK)
            return NULL;
        mn_buf_init(&b, a, 0);
        mn_buf_puts(&b, "CREATE INDEX ");
        mn__quote(&b, ix->name ? ix->name : index_name(a, table, ix->fields[0], "idx"));
        mn_buf_puts(&b, " ON ");
        mn__quote(&b, table);
        mn_buf_puts(&b, " (");
        put_cols(&b, m, ix->fields, true);
        mn_buf_puts(&b, ")");
        const char *cond = ix->condition;
        if ((ix->q || ix->qc) && !(cond = mn__cond_sql(m, ix->q, ix->qc, eng, a, err)))
            return NULL;
        if (cond)
            mn_buf_printf(&b, " WHERE %s", cond);
        mn_list_push(out, mn_value_str(mn_buf_str(&b)));
    }
    for (const mn_constraint *c = m->meta.constraints; c && c->kind; c++) {
        if (c->kind != MN_CONSTRAINT_UNIQUE || (!c->condition && !c->q && !c->qc))
            continue;
        if (check_names(m, c->fields, c->name, err) != MN_OK)
            return NULL;
        const char *cond = c->condition;
        if ((c->q || c->qc) && !(cond = mn__cond_sql(m, c->q, c->qc, eng, a, err)))
            return NULL;
        mn_buf_init(&b, a, 0);
        mn_buf_puts(&b, "CREATE UNIQUE INDEX ");
        mn__quote(&b, c->name);
        mn_buf_puts(&b, " ON ");
        mn__quote(&b, table);
        mn_buf_puts(&b, " (");
        put_cols(&b, m, c->fields, false);
        mn_buf_printf(&b, ") WHERE %s", cond);
        mn_list_push(out, mn_value_str(mn_buf_str(&b)));
    }
    /* Automatic many-to-many through tables come with the model, as in
     * Django's create_model. */
    for (size_t i = 0; i < m->_rt->nm2m; i++) {
        if (m->many_to_many[i].through)
            continue;
        mn_list *more = mn_model_schema_sql(m->_rt->through[i], eng, a, err);
        if (!more)
            return NULL;
        for (size_t k = 0; k < mn_list_len(more); k++)
            mn_list_push(out, mn_list_get(more, k));
    }
    if (mn_buf_error(&b) || mn_arena_failed(a)) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    return out;
}

int mn_model_create_table(mn_model *m, mn_db *db, mn_err *err)
{
    db = mn__db(db, err);
    if (!db)
        return MN_EINVAL;
    mn_arena *a = mn_arena_new("schema", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    int rc = MN_OK;
    mn_list *stmts = mn_model_schema_sql(m, mn_db_engine_of(db), a, err);
    if (!stmts)
        rc = err && err->code ? err->code : MN_EINVAL;
    for (size_t i = 0; rc == MN_OK && i < mn_list_len(stmts); i++) {
        /* DDL has no parameters: escape '%' for the placeholder syntax. */
        mn_str s = mn_list_get(stmts, i).u.s;
        mn_buf b;
        mn_buf_init(&b, a, 0);
        for (size_t k = 0; k < s.len; k++) {
            if (s.ptr[k] == '%')
                mn_buf_putc(&b, '%');
            mn_buf_putc(&b, s.ptr[k]);
        }
        rc = mn_db_execute(db, mn_buf_cstr(&b), NULL, 0, NULL, err);
    }
    mn_arena_free(a);
    return rc;
}

/* ---- signals ---- */

int mn__send(mn_signal *sig, mn_model *m, void *obj, mn_arena *arena, bool created, const char *const *update_fields,
             mn_err *err)
{
    if (!mn_signal_has_listeners(sig, m))
        return MN_OK;
    mn_arena_mark mark = mn_arena_mark_get(arena);
    mn_map *kw = mn_map_new(arena, 6);
    if (!kw)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_map_set_cstr(kw, "instance", mn_obj_value(obj, m));
    mn_map_set_cstr(kw, "using", mn_value_cstr("default"));
    if (sig == &mn_pre_save || sig == &mn_post_save) {
        mn_map_set_cstr(kw, "raw", mn_value_bool(false));
        if (sig == &mn_post_save)
            mn_map_set_cstr(kw, "created", mn_value_bool(created));
        mn_value uf = mn_value_null();
        if (update_fields) {
            mn_list *l = mn_list_new(arena, 4);
            for (size_t i = 0; l && update_fields[i]; i++)
                mn_list_push(l, mn_value_cstr(update_fields[i]));
            if (l)
                uf = mn_value_list(l);
        }
        mn_map_set_cstr(kw, "update_fields", uf);
    } else {
        mn_map_set_cstr(kw, "origin", mn_obj_value(obj, m));
    }
    int rc = mn_signal_send(sig, m, kw, arena, NULL, err);
    if (rc == MN_OK)
        mn_arena_rewind(arena, mark);
    return rc;
}

/* ---- save ---- */

static bool listed(const char *const *names, const char *name)
{
    for (size_t i = 0; names && names[i]; i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

/* Is f among names, by its name or (a ForeignKey) its attname? */
static bool listed_field(const char *const *names, const mn_field *f)
{
    if (listed(names, f->name))
        return true;
    size_t n = strlen(f->name);
    for (size_t i = 0; f->kind == MN_KIND_FOREIGNKEY && names && names[i]; i++)
        if (!strncmp(names[i], f->name, n) && !strcmp(names[i] + n, "_id"))
            return true;
    return false;
}

static int do_insert(void *obj, mn_model *m, mn_db *db, mn_arena *a, mn_err *err)
{
    mn_db_engine eng = mn_db_engine_of(db);
    size_t n = m->_rt->nfields;
    int pk = m->_rt->pk;
    const mn_field *pkf = &m->_rt->fields[pk];
    bool auto_pk = (pkf->kind == MN_KIND_AUTO || pkf->kind == MN_KIND_BIGAUTO) && mn_obj_pk(obj, m) == 0;
    mn_value *params = mn_arena_alloc(a, n * sizeof *params);
    if (!params)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_buf_puts(&b, "INSERT INTO ");
    mn__quote(&b, m->_rt->table);
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        if (auto_pk && (int)i == pk)
            continue;
        mn_buf_puts(&b, np ? ", " : " (");
        mn__quote(&b, m->_rt->columns[i]);
        int rc = mn__member_to_db(obj, m, i, eng, a, &params[np], err);
        if (rc != MN_OK)
            return rc;
        np++;
    }
    if (np == 0) {
        mn_buf_puts(&b, eng == MN_DB_POSTGRES ? " DEFAULT VALUES" : " DEFAULT VALUES");
    } else {
        mn_buf_puts(&b, ") VALUES (");
        for (size_t i = 0; i < np; i++)
            mn_buf_puts(&b, i ? ", %s" : "%s");
        mn_buf_puts(&b, ")");
    }
    if (auto_pk) {
        mn_buf_puts(&b, " RETURNING ");
        mn__quote(&b, m->_rt->columns[pk]);
    }
    if (mn_buf_error(&b))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_db_rows *rows = NULL;
    int rc = mn_db_execute(db, mn_buf_cstr(&b), params, np, auto_pk ? &rows : NULL, err);
    if (rc != MN_OK)
        return rc;
    if (auto_pk) {
        rc = mn_db_rows_next(rows, err);
        if (rc == MN_OK) {
            *(int64_t *)((char *)obj + pkf->offset) = mn_db_rows_int(rows, 0);
            /* Run the statement to its end: SQLite checks constraints such
             * as foreign keys there, after the RETURNING row. */
            rc = mn_db_rows_next(rows, err);
            rc = rc == MN_ENOTFOUND ? MN_OK : rc == MN_OK ? mn_err_set(err, MN_EDB, "INSERT returned two rows") : rc;
        } else if (rc == MN_ENOTFOUND) {
            rc = mn_err_set(err, MN_EDB, "INSERT returned no primary key");
        }
        mn_db_rows_close(rows);
        if (pkf->kind == MN_KIND_AUTO) {
            /* AutoField members are int64_t too; nothing more to do. */
        }
    }
    return rc;
}

/* The index in xs of field f, or -1. */
static long xset_find(const mn__xset *xs, const mn_field *f)
{
    for (size_t k = 0; xs && k < xs->n; k++)
        if (!strcmp(xs->names[k], f->name))
            return (long)k;
    return -1;
}

static int do_update(void *obj, mn_model *m, mn_db *db, const char *const *update_fields, const mn__xset *xs,
                     mn_arena *a, int64_t *changed, mn_err *err)
{
    mn_db_engine eng = mn_db_engine_of(db);
    size_t n = m->_rt->nfields;
    int pk = m->_rt->pk;
    /* the expressions' SQL first: their parameters size the array */
    const char *xsql[MN__MAX_FIELDS] = { 0 };
    const mn_value *xparams[MN__MAX_FIELDS] = { 0 };
    size_t xnp[MN__MAX_FIELDS] = { 0 }, extra = 0;
    for (size_t i = 0; xs && i < n; i++) {
        long k = (int)i == pk ? -1 : xset_find(xs, &m->_rt->fields[i]);
        if (k < 0)
            continue;
        int rc = mn__update_expr_sql(m, xs->vals[k], &m->_rt->fields[i], eng, a, &xsql[i], &xparams[i], &xnp[i], err);
        if (rc != MN_OK)
            return rc;
        extra += xnp[i];
    }
    mn_value *params = mn_arena_alloc(a, (n + 1 + extra) * sizeof *params);
    if (!params)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_buf_puts(&b, "UPDATE ");
    mn__quote(&b, m->_rt->table);
    mn_buf_puts(&b, " SET ");
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        if ((int)i == pk || (update_fields && !listed_field(update_fields, &m->_rt->fields[i]) && !xsql[i]))
            continue;
        if (np)
            mn_buf_puts(&b, ", ");
        mn__quote(&b, m->_rt->columns[i]);
        if (xsql[i]) {
            mn_buf_puts(&b, " = ");
            mn_buf_puts(&b, xsql[i]);
            for (size_t k = 0; k < xnp[i]; k++)
                params[np++] = xparams[i][k];
            continue;
        }
        mn_buf_puts(&b, " = %s");
        int rc = mn__member_to_db(obj, m, i, eng, a, &params[np], err);
        if (rc != MN_OK)
            return rc;
        np++;
    }
    if (np == 0 && !extra && !(xs && xs->n)) {
        *changed = 1; /* nothing to write: Django does no query either */
        return MN_OK;
    }
    mn_buf_puts(&b, " WHERE ");
    mn__quote(&b, m->_rt->columns[pk]);
    mn_buf_puts(&b, " = %s");
    int rc = mn__member_to_db(obj, m, (size_t)pk, eng, a, &params[np++], err);
    if (rc != MN_OK)
        return rc;
    if (mn_buf_error(&b))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    rc = mn_db_execute(db, mn_buf_cstr(&b), params, np, NULL, err);
    if (rc == MN_OK)
        *changed = mn_db_changes(db);
    return rc;
}

static void fill_auto_times(void *obj, mn_model *m, bool adding)
{
    mn_datetime now = mn_datetime_now();
    for (size_t i = 0; i < m->_rt->nfields; i++) {
        const mn_field *f = &m->_rt->fields[i];
        if (!(f->auto_now || (f->auto_now_add && adding)))
            continue;
        if (f->kind == MN_KIND_DATETIME) {
            *(mn_datetime *)((char *)obj + f->offset) = now;
        } else if (f->kind == MN_KIND_DATE) {
            mn_date d;
            mn_datetime_fields(now, &d, NULL);
            *(mn_date *)((char *)obj + f->offset) = d;
        } else if (f->kind == MN_KIND_TIME) {
            mn_time t;
            mn_datetime_fields(now, NULL, &t);
            *(mn_time *)((char *)obj + f->offset) = t;
        } else {
            continue;
        }
        mn_obj_header(m, obj)->nulls &= ~(UINT64_C(1) << i);
    }
}

/* A new instance whose primary key was set by hand (and has no default):
 * Django tries an UPDATE first and INSERTs when no row matched. */
static bool pk_given(const void *obj, mn_model *m)
{
    const mn_field *pk = &m->_rt->fields[m->_rt->pk];
    if (pk->default_value || pk->default_fn)
        return false;
    mn_value v = mn__member_value(obj, m, (size_t)m->_rt->pk);
    if (v.type == MN_VALUE_INT)
        return v.u.i != 0;
    return v.type == MN_VALUE_STR && v.u.s.len > 0;
}

int mn_obj_save(void *obj, mn_model *m, mn_db *db, const char *const *update_fields, mn_err *err)
{
    return mn__obj_save(obj, m, db, update_fields, false, err);
}

static int save(void *obj, mn_model *m, mn_db *db, const char *const *update_fields, bool force_insert,
                const mn__xset *xs, mn_err *err);

int mn__obj_save(void *obj, mn_model *m, mn_db *db, const char *const *update_fields, bool force_insert, mn_err *err)
{
    return save(obj, m, db, update_fields, force_insert, NULL, err);
}

int mn__obj_save_exprs(void *obj, mn_model *m, mn_db *db, const mn__xset *xs, mn_err *err)
{
    return save(obj, m, db, NULL, false, xs, err);
}

static int save(void *obj, mn_model *m, mn_db *db, const char *const *update_fields, bool force_insert,
                const mn__xset *xs, mn_err *err)
{
    if (mn__model_setup(m, err) != MN_OK)
        return err ? err->code : MN_EINVAL;
    db = mn__db(db, err);
    if (!db)
        return MN_EINVAL;
    if (update_fields) {
        /* Django accepts the names and attnames of the concrete fields other
         * than the primary key, and names every other one */
        char bad[512];
        size_t nb = 0;
        bad[0] = '\0';
        for (size_t i = 0; update_fields[i]; i++) {
            const char *name = update_fields[i];
            const mn_field *f = strcmp(name, "pk") ? mn_model_field_by_name(m, name) : NULL;
            size_t n = strlen(name);
            if (!f && n > 3 && !strcmp(name + n - 3, "_id"))
                for (size_t j = 0; j < m->_rt->nfields; j++)
                    if (m->_rt->fields[j].kind == MN_KIND_FOREIGNKEY && !strncmp(m->_rt->fields[j].name, name, n - 3) &&
                        !m->_rt->fields[j].name[n - 3])
                        f = &m->_rt->fields[j];
            if (!f || f->primary_key)
                nb += (size_t)snprintf(bad + nb, nb < sizeof bad ? sizeof bad - nb : 0, "%s%s", nb ? ", " : "", name);
        }
        if (nb)
            return mn_err_set(err, MN_EINVAL,
                              "The following fields do not exist in this model, are m2m fields, or are non-concrete "
                              "fields: %s",
                              bad);
    }
    mn_obj *h = mn_obj_header(m, obj);
    bool adding = (h->flags & MN_OBJ_ADDING) != 0;
    if (adding && update_fields)
        return mn_err_set(err, MN_EINVAL, "Cannot force an update in save() with no primary key.");
    if (adding && xs && xs->n)
        return mn_err_set(err, MN_EINVAL, "%s: expressions can only be used to update, not to insert.", m->name);
    int rc;
    const char *loaded[MN__MAX_FIELDS + 1];
    if (h->deferred && h->deferred->mask && !adding) {
        if (update_fields) {
            /* the listed fields are written: load those still deferred */
            for (size_t i = 0; update_fields[i]; i++)
                if ((rc = mn_obj_load_deferred(obj, m, update_fields[i], err)) != MN_OK)
                    return rc;
        } else if (!force_insert) {
            /* Django saves only the loaded fields of a deferred instance */
            size_t k = 0;
            for (size_t i = 0; i < m->_rt->nfields; i++)
                if ((int)i != m->_rt->pk && !(h->deferred->mask >> i & 1))
                    loaded[k++] = m->_rt->fields[i].name;
            loaded[k] = NULL;
            if (k)
                update_fields = loaded;
            else if ((rc = mn_obj_load_deferred(obj, m, NULL, err)) != MN_OK)
                return rc;
        }
    }
    if (m->hooks.before_save && (rc = m->hooks.before_save(obj, adding, err)) != MN_OK)
        return rc;
    fill_auto_times(obj, m, adding);
    mn_arena *a = mn_arena_new("save", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    rc = mn__send(&mn_pre_save, m, obj, a, adding, update_fields, err);
    bool created = adding;
    if (rc == MN_OK) {
        if (adding && (force_insert || !pk_given(obj, m))) {
            rc = do_insert(obj, m, db, a, err);
        } else {
            int64_t changed = 0;
            rc = do_update(obj, m, db, update_fields, xs, a, &changed, err);
            if (rc == MN_OK && changed == 0) {
                if (xs && xs->n)
                    rc = mn_err_set(err, MN_ENOTFOUND, "%s matching query does not exist.", m->name);
                else if (update_fields)
                    rc = mn_err_set(err, MN_ENOTFOUND, "Save with update_fields did not affect any rows.");
                else {
                    created = true;
                    rc = do_insert(obj, m, db, a, err);
                }
            }
        }
    }
    if (rc == MN_OK) {
        h->flags &= ~MN_OBJ_ADDING;
        rc = mn__send(&mn_post_save, m, obj, a, created, update_fields, err);
    }
    mn_arena_free(a);
    if (rc == MN_OK && m->hooks.after_save)
        rc = m->hooks.after_save(obj, created, err);
    return rc;
}

void *mn_model_create(mn_model *m, mn_arena *arena, mn_err *err, ...)
{
    void *obj = mn_model_new(m, arena, err);
    if (!obj)
        return NULL;
    va_list ap;
    va_start(ap, err);
    const char *name;
    int rc = MN_OK;
    while (rc == MN_OK && (name = va_arg(ap, const char *)) != NULL) {
        mn_value v = va_arg(ap, mn_value);
        rc = mn_obj_set(obj, m, name, v, arena, err);
    }
    va_end(ap);
    if (rc == MN_OK)
        rc = mn__obj_save(obj, m, NULL, NULL, true, err); /* create() forces an INSERT */
    return rc == MN_OK ? obj : NULL;
}

static int pk_where(mn_buf *b, void *obj, mn_model *m, mn_db *db, mn_arena *a, mn_value *param, mn_err *err)
{
    int pk = m->_rt->pk;
    mn_buf_puts(b, " WHERE ");
    mn__quote(b, m->_rt->columns[pk]);
    mn_buf_puts(b, " = %s");
    return mn__member_to_db(obj, m, (size_t)pk, mn_db_engine_of(db), a, param, err);
}

int64_t mn_obj_delete(void *obj, mn_model *m, mn_db *db, mn_err *err)
{
    if (mn__model_setup(m, err) != MN_OK)
        return err ? err->code : MN_EINVAL;
    if (m->hooks.delete) {
        if (mn_obj_header(m, obj)->flags & MN_OBJ_ADDING)
            return mn_err_set(err, MN_EINVAL,
                              "%s object can't be deleted because its id attribute is set to None.", m->name);
        int rc = m->hooks.delete(obj, err);
        if (rc != MN_ENOTFOUND)
            return rc == MN_OK ? 1 : rc;
        mn_err_clear(err);
    }
    return mn_obj_delete_row(obj, m, db, err);
}

int64_t mn_obj_delete_row(void *obj, mn_model *m, mn_db *db, mn_err *err)
{
    if (mn__model_setup(m, err) != MN_OK)
        return err ? err->code : MN_EINVAL;
    db = mn__db(db, err);
    if (!db)
        return MN_EINVAL;
    if (mn_obj_header(m, obj)->flags & MN_OBJ_ADDING)
        return mn_err_set(err, MN_EINVAL,
                          "%s object can't be deleted because its id attribute is set to None.", m->name);
    mn_arena *a = mn_arena_new("delete", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    /* The collector follows on_delete, sends the signals and resets the
     * primary key (Django sets it to None). */
    int64_t result = mn__collect_delete(m, &obj, 1, db, a, NULL, err);
    mn_arena_free(a);
    return result;
}

/* ---- deferred fields ---- */

int mn__obj_defer(void *obj, mn_model *m, uint64_t mask, mn_arena *arena, mn_db *db)
{
    if (!mask)
        return MN_OK;
    struct mn__deferred *d = mn_arena_alloc(arena, sizeof *d);
    if (!d)
        return MN_ENOMEM;
    *d = (struct mn__deferred){ .mask = mask, .arena = arena, .db = db };
    mn_obj_header(m, obj)->deferred = d;
    return MN_OK;
}

bool mn_obj_is_deferred(const void *obj, const mn_model *m, const char *field)
{
    const mn_obj *h = mn_obj_header(m, obj);
    if (!h->deferred || !field)
        return false;
    const mn_field *f = mn_model_field_by_name((mn_model *)m, field);
    return f && (h->deferred->mask >> mn_model_field_index((mn_model *)m, f) & 1);
}

const char **mn_obj_deferred_fields(const void *obj, mn_model *m, mn_arena *arena, size_t *n)
{
    if (n)
        *n = 0;
    if (mn__model_setup(m, NULL) != MN_OK)
        return NULL;
    const mn_obj *h = mn_obj_header(m, obj);
    uint64_t mask = h->deferred ? h->deferred->mask : 0;
    size_t k = 0;
    const char **names = mn_arena_alloc(arena, ((size_t)__builtin_popcountll(mask) + 1) * sizeof *names);
    if (!names)
        return NULL;
    for (size_t i = 0; i < m->_rt->nfields; i++) {
        if (!(mask >> i & 1))
            continue;
        const mn_field *f = &m->_rt->fields[i];
        names[k] = f->kind == MN_KIND_FOREIGNKEY ? mn_arena_sprintf(arena, "%s_id", f->name) : f->name;
        if (!names[k++])
            return NULL;
    }
    names[k] = NULL;
    if (n)
        *n = k;
    return names;
}

int mn_obj_load_deferred(void *obj, mn_model *m, const char *field, mn_err *err)
{
    if (mn__model_setup(m, err) != MN_OK)
        return err ? err->code : MN_EINVAL;
    mn_obj *h = mn_obj_header(m, obj);
    uint64_t want;
    if (field) {
        const mn_field *f = mn_model_field_by_name(m, field);
        if (!f)
            return mn_err_set(err, MN_EINVAL, "%s has no field named '%s'", m->name, field);
        want = UINT64_C(1) << mn_model_field_index(m, f);
    } else {
        want = ~UINT64_C(0);
    }
    if (!h->deferred || !(h->deferred->mask & want))
        return MN_OK;
    want &= h->deferred->mask;
    struct mn__deferred *d = h->deferred;
    mn_db *db = mn__db(d->db, err);
    if (!db)
        return MN_EINVAL;
    /* SELECT the fields FROM the table WHERE pk = %s: Django's
     * refresh_from_db(fields=[name]) on attribute access */
    mn_arena *scratch = mn_arena_new("deferred", 0);
    if (!scratch)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_buf b;
    mn_buf_init(&b, scratch, 0);
    mn_buf_puts(&b, "SELECT ");
    size_t k = 0;
    for (size_t i = 0; i < m->_rt->nfields; i++)
        if (want >> i & 1) {
            if (k++)
                mn_buf_puts(&b, ", ");
            mn__quote(&b, m->_rt->columns[i]);
        }
    mn_buf_puts(&b, " FROM ");
    mn__quote(&b, m->_rt->table);
    mn_value p;
    int rc = pk_where(&b, obj, m, db, scratch, &p, err);
    if (rc == MN_OK && mn_buf_error(&b))
        rc = mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_db_rows *rows = NULL;
    if (rc == MN_OK)
        rc = mn_db_execute(db, mn_buf_cstr(&b), &p, 1, &rows, err);
    if (rc == MN_OK) {
        rc = mn_db_rows_next(rows, err);
        if (rc == MN_ENOTFOUND)
            mn_err_set(err, MN_ENOTFOUND, "%s matching query does not exist.", m->name);
        size_t col = 0;
        for (size_t i = 0; rc == MN_OK && i < m->_rt->nfields; i++)
            if (want >> i & 1)
                rc = mn__member_from_row(obj, m, i, rows, col++, mn_db_engine_of(db), d->arena, err);
        mn_db_rows_close(rows);
    }
    mn_arena_free(scratch);
    if (rc == MN_OK)
        d->mask &= ~want;
    return rc;
}

int mn_obj_refresh(void *obj, mn_model *m, mn_db *db, mn_arena *arena, mn_err *err)
{
    return mn_obj_refresh_fields(obj, m, db, NULL, arena, err);
}

int mn_obj_refresh_fields(void *obj, mn_model *m, mn_db *db, const char *const *fields, mn_arena *arena, mn_err *err)
{
    if (mn__model_setup(m, err) != MN_OK)
        return err ? err->code : MN_EINVAL;
    /* the fields to reload: all, or those named (attnames too) */
    int idx[MN__MAX_FIELDS];
    size_t n = 0;
    if (!fields) {
        /* Django: refresh_from_db() of a deferred instance reloads the
         * loaded fields; the deferred ones stay deferred */
        const mn_obj *h = mn_obj_header(m, obj);
        uint64_t deferred = h->deferred ? h->deferred->mask : 0;
        for (size_t i = 0; i < m->_rt->nfields; i++)
            if (!(deferred >> i & 1) || (int)i == m->_rt->pk)
                idx[n++] = (int)i;
    }
    for (size_t k = 0; fields && fields[k] && n < MN__MAX_FIELDS; k++) {
        const mn_field *f = mn_model_field_by_name(m, fields[k]);
        size_t len = strlen(fields[k]);
        if (!f && len > 3 && !strcmp(fields[k] + len - 3, "_id"))
            for (size_t j = 0; j < m->_rt->nfields; j++)
                if (m->_rt->fields[j].kind == MN_KIND_FOREIGNKEY &&
                    !strncmp(m->_rt->fields[j].name, fields[k], len - 3) && !m->_rt->fields[j].name[len - 3])
                    f = &m->_rt->fields[j];
        if (!f)
            return mn_err_set(err, MN_EINVAL, "%s has no field named '%s'", m->name, fields[k]);
        idx[n++] = mn_model_field_index(m, f);
    }
    if (n == 0)
        return MN_OK; /* refresh_from_db(fields=[]) loads nothing */
    db = mn__db(db, err);
    if (!db)
        return MN_EINVAL;
    mn_arena_mark mark = mn_arena_mark_get(arena);
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn_buf_puts(&b, "SELECT ");
    for (size_t i = 0; i < n; i++) {
        if (i)
            mn_buf_puts(&b, ", ");
        mn__quote(&b, m->_rt->columns[idx[i]]);
    }
    mn_buf_puts(&b, " FROM ");
    mn__quote(&b, m->_rt->table);
    mn_value p;
    int rc = pk_where(&b, obj, m, db, arena, &p, err);
    if (rc != MN_OK)
        return rc;
    mn_db_rows *rows;
    /* the SQL text must outlive the rewind below: copy to the stack is not
     * possible for long text, so keep it in the arena and only rewind on
     * failure */
    rc = mn_db_execute(db, mn_buf_cstr(&b), &p, 1, &rows, err);
    if (rc != MN_OK)
        return rc;
    rc = mn_db_rows_next(rows, err);
    if (rc == MN_ENOTFOUND) {
        mn_db_rows_close(rows);
        mn_arena_rewind(arena, mark);
        return mn_err_set(err, MN_ENOTFOUND, "%s matching query does not exist.", m->name);
    }
    mn_db_engine eng = mn_db_engine_of(db);
    for (size_t i = 0; rc == MN_OK && i < n; i++)
        rc = mn__member_from_row(obj, m, (size_t)idx[i], rows, i, eng, arena, err);
    mn_db_rows_close(rows);
    mn_obj *h = mn_obj_header(m, obj);
    if (rc == MN_OK && h->deferred)
        for (size_t i = 0; i < n; i++)
            h->deferred->mask &= ~(UINT64_C(1) << idx[i]); /* loaded now */
    return rc;
}

/* ---- full_clean ---- */

static size_t utf8_len(mn_str s)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++)
        n += ((unsigned char)s.ptr[i] & 0xc0) != 0x80;
    return n;
}

static bool valid_slug(mn_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (!(isalnum(c) || c == '_' || c == '-'))
            return false;
    }
    return s.len > 0;
}

static bool valid_label(mn_str l)
{
    if (l.len == 0 || l.len > 63 || l.ptr[0] == '-' || l.ptr[l.len - 1] == '-')
        return false;
    for (size_t i = 0; i < l.len; i++) {
        unsigned char c = (unsigned char)l.ptr[i];
        if (!(isalnum(c) || c == '-' || c >= 0x80))
            return false;
    }
    return true;
}

static bool valid_domain(mn_str d)
{
    if (d.len == 0 || d.len > 253 || mn_str_find_char(d, '.', 0) < 0)
        return false;
    size_t pos = 0;
    mn_str label;
    while (mn_str_next_field(d, '.', &pos, &label))
        if (!valid_label(label))
            return false;
    return true;
}

static bool valid_email(mn_str s)
{
    ptrdiff_t at = mn_str_rfind_char(s, '@');
    if (at <= 0 || (size_t)at + 1 >= s.len)
        return false;
    mn_str user = mn_str_slice(s, 0, (size_t)at), dom = mn_str_slice(s, (size_t)at + 1, s.len);
    for (size_t i = 0; i < user.len; i++) {
        unsigned char c = (unsigned char)user.ptr[i];
        if (c <= ' ' || c == '@' || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' || c == '<' ||
            c == '>' || c == '[' || c == '\\' || c == ']')
            return false;
    }
    if (user.ptr[0] == '.' || user.ptr[user.len - 1] == '.' || mn_str_find(user, MN_STR(".."), 0) >= 0)
        return false;
    return valid_domain(dom);
}

static bool valid_ip(mn_str s)
{
    char tmp[64];
    unsigned char bin[16];
    if (s.len == 0 || s.len >= sizeof tmp)
        return false;
    memcpy(tmp, s.ptr, s.len);
    tmp[s.len] = '\0';
    return inet_pton(AF_INET, tmp, bin) == 1 || inet_pton(AF_INET6, tmp, bin) == 1;
}

static bool valid_url(mn_str s)
{
    static const char *const schemes[] = { "http://", "https://", "ftp://", "ftps://" };
    for (size_t k = 0; k < 4; k++) {
        mn_str p = mn_str_from(schemes[k]);
        if (s.len > p.len && !strncasecmp(s.ptr, p.ptr, p.len)) {
            mn_str rest = mn_str_slice(s, p.len, s.len);
            size_t end = 0;
            while (end < rest.len && rest.ptr[end] != '/' && rest.ptr[end] != '?' && rest.ptr[end] != '#')
                end++;
            mn_str host = mn_str_slice(rest, 0, end);
            for (size_t i = 0; i < rest.len; i++)
                if ((unsigned char)rest.ptr[i] <= ' ')
                    return false;
            ptrdiff_t at = mn_str_rfind_char(host, '@');
            if (at >= 0)
                host = mn_str_slice(host, (size_t)at + 1, host.len);
            ptrdiff_t colon = mn_str_rfind_char(host, ':');
            if (colon >= 0 && host.ptr[0] != '[') {
                int64_t port;
                if (mn_str_to_i64(mn_str_slice(host, (size_t)colon + 1, host.len), &port) != MN_OK || port < 0 ||
                    port > 65535)
                    return false;
                host = mn_str_slice(host, 0, (size_t)colon);
            }
            if (mn_str_eq_cstr(host, "localhost"))
                return true;
            if (host.len > 2 && host.ptr[0] == '[' && host.ptr[host.len - 1] == ']')
                return valid_ip(mn_str_slice(host, 1, host.len - 1));
            return valid_ip(host) || valid_domain(host);
        }
    }
    return false;
}

static bool valid_uuid(mn_str s)
{
    char hex[32];
    return mn__uuid_hex(s, hex);
}

static int add_error(mn_map *errors, mn_arena *a, const char *field, const char *msg, mn_err *err, int *first)
{
    if (!*first) {
        *first = 1;
        mn_err_set(err, MN_EINVAL, "%s: %s", field, msg);
    }
    if (!errors)
        return MN_OK;
    mn_value *slot = mn_map_find(errors, mn_str_from(field));
    mn_list *l;
    if (slot) {
        l = slot->u.list;
    } else {
        l = mn_list_new(a, 1);
        if (!l || mn_map_set_cstr(errors, field, mn_value_list(l)) != MN_OK)
            return MN_ENOMEM;
    }
    char *copy = mn_arena_strdup(a, msg);
    return copy ? mn_list_push(l, mn_value_cstr(copy)) : MN_ENOMEM;
}

/* Django's label of a field in messages: verbose_name or the name with
 * spaces, first letter capitalised. */
static const char *field_label(const mn_field *f, mn_arena *a)
{
    char *s = mn_arena_strdup(a, f->verbose_name ? f->verbose_name : f->name);
    if (!s)
        return f->name;
    for (char *p = s; *p; p++)
        if (*p == '_')
            *p = ' ';
    s[0] = (char)toupper((unsigned char)s[0]);
    return s;
}

/* One uniqueness check: do other rows hold these fields' values? */
static void check_unique(void *obj, mn_model *m, mn_arena *a, const int *idx, size_t n, mn_map *errors, uint64_t failed,
                         mn_err *err, int *first)
{
    mn_db *db = mn_orm_db();
    if (!db || n == 0)
        return;
    mn_qs *qs = mn_qs_all(m, a);
    for (size_t k = 0; k < n; k++) {
        if (failed >> idx[k] & 1)
            return;
        mn_value v = mn__member_value(obj, m, (size_t)idx[k]);
        if (v.type == MN_VALUE_NULL)
            return; /* NULLs never collide */
        qs = mn_qs_filter(qs, m->_rt->fields[idx[k]].name, v);
    }
    if (!(mn_obj_header(m, obj)->flags & MN_OBJ_ADDING))
        qs = mn_qs_exclude(qs, "pk", mn__member_value(obj, m, (size_t)m->_rt->pk));
    mn_err e = { 0 };
    if (mn_qs_exists(qs, &e) != 1)
        return;
    char label[64];
    snprintf(label, sizeof label, "%s", mn_model_verbose_name(m));
    label[0] = (char)toupper((unsigned char)label[0]);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_buf_printf(&b, "%s with this ", label);
    for (size_t k = 0; k < n; k++) {
        if (k)
            mn_buf_puts(&b, k + 1 == n ? " and " : ", ");
        mn_buf_puts(&b, field_label(&m->_rt->fields[idx[k]], a));
    }
    mn_buf_puts(&b, " already exists.");
    add_error(errors, a, n == 1 ? m->_rt->fields[idx[0]].name : "__all__", mn_buf_cstr(&b), err, first);
}

static void unique_names(void *obj, mn_model *m, mn_arena *a, const char *const *names, mn_map *errors,
                         uint64_t failed, mn_err *err, int *first)
{
    int idx[MN__MAX_FIELDS];
    size_t n = 0;
    for (; names && names[n] && n < MN__MAX_FIELDS; n++) {
        const mn_field *f = mn_model_field_by_name(m, names[n]);
        if (!f)
            return;
        idx[n] = mn_model_field_index(m, f);
    }
    check_unique(obj, m, a, idx, n, errors, failed, err, first);
}

/* validate_unique(): unique fields, unique_together and unconditional
 * UniqueConstraints, checked against the thread's database. */
static void validate_unique(void *obj, mn_model *m, mn_arena *a, mn_map *errors, uint64_t failed, mn_err *err,
                            int *first)
{
    for (size_t i = 0; i < m->_rt->nfields; i++) {
        const mn_field *f = &m->_rt->fields[i];
        if (f->unique && !f->primary_key) {
            int idx = (int)i;
            check_unique(obj, m, a, &idx, 1, errors, failed, err, first);
        }
    }
    for (const char *const *const *ut = m->meta.unique_together; ut && *ut; ut++)
        unique_names(obj, m, a, *ut, errors, failed, err, first);
    for (const mn_constraint *c = m->meta.constraints; c && c->kind; c++)
        if (c->kind == MN_CONSTRAINT_UNIQUE && !c->condition && !c->q && !c->qc)
            unique_names(obj, m, a, c->fields, errors, failed, err, first);
}

int mn_obj_full_clean(void *obj, mn_model *m, mn_arena *a, mn_map **errors_out, mn_err *err)
{
    if (mn__model_setup(m, err) != MN_OK)
        return err ? err->code : MN_EINVAL;
    int loaded = mn_obj_load_deferred(obj, m, NULL, err); /* Django reads every field */
    if (loaded != MN_OK)
        return loaded;
    mn_map *errors = errors_out ? mn_map_new(a, 4) : NULL;
    if (errors_out)
        *errors_out = errors;
    int first = 0;
    uint64_t failed = 0;
    char msg[MN_ERR_MSG_MAX];
    for (size_t i = 0; i < m->_rt->nfields; i++) {
        int before = errors ? (int)mn_map_len(errors) : first;
        const mn_field *f = &m->_rt->fields[i];
        bool is_null = mn_obj_header(m, obj)->nulls >> i & 1;
        mn_value v = mn__member_value(obj, m, i);
        bool empty = is_null || (v.type == MN_VALUE_STR && v.u.s.len == 0);
        bool blank_ok = f->blank || f->kind == MN_KIND_AUTO || f->kind == MN_KIND_BIGAUTO || f->auto_now ||
                        f->auto_now_add;
        if (empty && blank_ok)
            continue;
        if (is_null && !f->null) { /* Django: None in a null=True field that is not blank is "blank" */
            add_error(errors, a, f->name, "This field cannot be null.", err, &first);
            failed |= UINT64_C(1) << i;
            continue;
        }
        if (empty) {
            add_error(errors, a, f->name, "This field cannot be blank.", err, &first);
            failed |= UINT64_C(1) << i;
            continue;
        }
        if (f->choices) {
            mn_str text = mn_value_as_str(v, a, NULL);
            bool found = false;
            for (const mn_choice *c = f->choices; c->value && !found; c++)
                found = mn_str_eq_cstr(text, c->value);
            if (!found) {
                mn_buf rb;
                mn_buf_init(&rb, a, 256);
                mn_value_repr(v, &rb);
                snprintf(msg, sizeof msg, "Value %s is not a valid choice.", mn_buf_cstr(&rb));
                add_error(errors, a, f->name, msg, err, &first);
            }
        }
        if (v.type == MN_VALUE_STR && f->max_length > 0 && f->kind != MN_KIND_BINARY && f->kind != MN_KIND_TEXT &&
            f->kind != MN_KIND_UUID && utf8_len(v.u.s) > (size_t)f->max_length) {
            snprintf(msg, sizeof msg, "Ensure this value has at most %d characters (it has %zu).", f->max_length,
                     utf8_len(v.u.s));
            add_error(errors, a, f->name, msg, err, &first);
        }
        const char *bad = NULL;
        switch (f->kind) {
        case MN_KIND_EMAIL: bad = valid_email(v.u.s) ? NULL : "Enter a valid email address."; break;
        case MN_KIND_SLUG:
            bad = valid_slug(v.u.s) ? NULL
                                    : "Enter a valid \xe2\x80\x9cslug\xe2\x80\x9d consisting of letters, numbers, "
                                      "underscores or hyphens.";
            break;
        case MN_KIND_URL: bad = valid_url(v.u.s) ? NULL : "Enter a valid URL."; break;
        case MN_KIND_IP: bad = valid_ip(v.u.s) ? NULL : "Enter a valid IPv4 or IPv6 address."; break;
        case MN_KIND_UUID:
            if (!valid_uuid(v.u.s)) {
                snprintf(msg, sizeof msg, "\xe2\x80\x9c%.*s\xe2\x80\x9d is not a valid UUID.", MN_STR_FMT(v.u.s));
                bad = msg;
            }
            break;
        case MN_KIND_POSSMALLINT:
        case MN_KIND_POSINT:
        case MN_KIND_POSBIGINT:
            bad = v.u.i < 0 ? "Ensure this value is greater than or equal to 0." : NULL;
            break;
        case MN_KIND_DECIMAL: {
            mn_err de = { 0 };
            if (mn_decimal_validate(v.u.d, f->max_digits, f->decimal_places, &de) != MN_OK) {
                snprintf(msg, sizeof msg, "%s", de.msg);
                bad = msg;
            }
            break;
        }
        default: break;
        }
        if (bad)
            add_error(errors, a, f->name, bad, err, &first);
        if (!bad && f->kind == MN_KIND_FOREIGNKEY && f->related && v.type == MN_VALUE_INT && mn_orm_db()) {
            /* ForeignKey.validate(): the row pointed at must exist */
            mn_err fe = { 0 };
            if (mn_qs_exists(mn_qs_filter(mn_qs_all(f->related, a), "pk", v), &fe) == 0) {
                snprintf(msg, sizeof msg, "%s instance with %s %lld does not exist.", mn_model_verbose_name(f->related),
                         mn_model_pk(f->related)->name, (long long)v.u.i);
                add_error(errors, a, f->name, msg, err, &first);
            }
        }
        for (const mn_validator_fn *vf = f->validators; vf && *vf; vf++) {
            mn_err ve = { 0 };
            if ((*vf)(v, &ve) != MN_OK)
                add_error(errors, a, f->name, ve.msg[0] ? ve.msg : "Enter a valid value.", err, &first);
        }
        if ((errors ? (int)mn_map_len(errors) : first) != before)
            failed |= UINT64_C(1) << i;
    }
    validate_unique(obj, m, a, errors, failed, err, &first);
    if (m->hooks.clean) {
        mn_err ce = { 0 };
        if (m->hooks.clean(obj, &ce) != MN_OK)
            add_error(errors, a, "__all__", ce.msg[0] ? ce.msg : "Invalid.", err, &first);
    }
    return first ? MN_EINVAL : MN_OK;
}

/* ---- defaults ---- */

int mn_default_uuid4(mn_arena *arena, mn_value *out)
{
    unsigned char b[16];
    if (mn_crypto_random_bytes(b, sizeof b, NULL) != MN_OK)
        return MN_EIO;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    char *s = mn_arena_sprintf(arena, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                               b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    if (!s)
        return MN_ENOMEM;
    *out = mn_value_cstr(s);
    return MN_OK;
}

int mn_default_now(mn_arena *arena, mn_value *out)
{
    (void)arena;
    *out = mn_value_datetime(mn_datetime_now());
    return MN_OK;
}

/* ---- instances as values ---- */

static int inst_get_attr(const void *obj, mn_str name, mn_arena *arena, mn_value *out)
{
    const mn_obj *h = obj;
    mn_model *m = (mn_model *)h->model;
    const void *base = (const char *)obj - m->obj_offset;
    char tmp[96];
    if (name.len >= sizeof tmp)
        return MN_ENOTFOUND;
    /* A plain field (the common case, {{ obj.field }}): no copy of the
     * name, one lookup. */
    int i = mn__model_field_find(m, name);
    if (i >= 0 && m->_rt->fields[i].kind != MN_KIND_FOREIGNKEY)
        return mn__obj_get_at(base, m, i, out);
    memcpy(tmp, name.ptr, name.len);
    tmp[name.len] = '\0';
    /* product.category, user.profile, product.tags: the relation, as in
     * Django (the key itself is product.category_id); plain fields first */
    const mn_field *f = mn_model_field_by_name(m, tmp);
    if (!f || f->kind == MN_KIND_FOREIGNKEY) {
        bool is_rel = false;
        int rrc = mn__rel_attr((void *)base, m, tmp, arena, out, &is_rel);
        if (is_rel)
            return rrc;
    }
    int rc = mn_obj_get(base, m, tmp, out);
    if (rc != MN_ENOTFOUND)
        return rc; /* found, or a deferred field failed to load */
    for (const mn_model_property *p = m->properties; p && p->name; p++)
        if (!strcmp(p->name, tmp))
            return p->fn(base, arena, out);
    if (h->extra && mn_map_has(h->extra, name)) {
        *out = mn_map_get(h->extra, name);
        return MN_OK;
    }
    /* get_FOO_display */
    if (name.len > 12 && !strncmp(tmp, "get_", 4) && !strcmp(tmp + name.len - 8, "_display")) {
        tmp[name.len - 8] = '\0';
        if (mn_model_field_by_name(m, tmp + 4)) {
            *out = mn_value_str(mn_obj_display(base, m, tmp + 4, arena));
            return MN_OK;
        }
    }
    return MN_ENOTFOUND;
}

/* get_attr for a template variable: the call site's slot remembers the
 * model and the index of the plain field its name gives (the model's
 * address in the low 48 bits, the index above), so the next instance of
 * that model skips the name lookup. Anything else goes to inst_get_attr. */
#define SLOT_PTR_MASK ((UINT64_C(1) << 48) - 1)

static int inst_get_attr_slot(const void *obj, mn_str name, uint64_t *slot, mn_arena *arena, mn_value *out)
{
    const mn_obj *h = obj;
    mn_model *m = (mn_model *)h->model;
    const void *base = (const char *)obj - m->obj_offset;
    uint64_t mp = (uint64_t)(uintptr_t)m;
    uint64_t c = __atomic_load_n(slot, __ATOMIC_RELAXED);
    if (c && (c & SLOT_PTR_MASK) == mp)
        return mn__obj_get_at(base, m, (int)(c >> 48), out);
    if (name.len < 96 && !(mp & ~SLOT_PTR_MASK)) {
        int i = mn__model_field_find(m, name);
        if (i >= 0 && m->_rt->fields[i].kind != MN_KIND_FOREIGNKEY) {
            __atomic_store_n(slot, mp | (uint64_t)i << 48, __ATOMIC_RELAXED);
            return mn__obj_get_at(base, m, i, out);
        }
    }
    return inst_get_attr(obj, name, arena, out);
}

static int inst_to_str(const void *obj, mn_buf *out)
{
    const mn_obj *h = obj;
    const mn_model *m = h->model;
    const void *base = (const char *)obj - m->obj_offset;
    if (m->hooks.to_str)
        return m->hooks.to_str(base, out);
    if (h->flags & MN_OBJ_ADDING)
        return mn_buf_printf(out, "%s object (None)", m->name);
    mn_value pk = mn__member_value(base, (mn_model *)m, (size_t)m->_rt->pk);
    mn_buf_printf(out, "%s object (", m->name);
    mn_value_to_str(pk, out);
    return mn_buf_putc(out, ')');
}

const mn_type mn_model_instance_type = {
    .name = "Model",
    .get_attr = inst_get_attr,
    .to_str = inst_to_str,
    .get_attr_slot = inst_get_attr_slot,
};

mn_value mn_obj_value(void *obj, const mn_model *m)
{
    /* The value points at the header, which knows its model. */
    return mn_value_object(&mn_model_instance_type, mn_obj_header(m, obj));
}

void *mn_obj_from_value(mn_value v)
{
    if (v.type != MN_VALUE_OBJECT || v.u.obj.type != &mn_model_instance_type)
        return NULL;
    const mn_obj *h = v.u.obj.ptr;
    return (char *)v.u.obj.ptr - h->model->obj_offset;
}

/* ---- atomic scope ---- */

void mn_atomic_begin(mn_atomic_scope *s, mn_db *db, mn_err *err)
{
    s->err = err;
    s->rc = MN_OK;
    s->db = mn__db(db, err);
    if (!s->db) {
        s->rc = MN_EINVAL;
        s->state = 2;
        return;
    }
    s->rc = mn_db_begin(s->db, err);
    s->state = s->rc == MN_OK ? 1 : 2;
}

int mn_atomic_end(mn_atomic_scope *s)
{
    s->state = 2;
    if (s->rc == MN_OK)
        s->rc = mn_db_commit(s->db, s->err);
    else
        mn_db_rollback(s->db, NULL);
    return s->rc;
}
