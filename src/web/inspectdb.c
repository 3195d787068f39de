/* ./manage inspectdb: reads the tables of an existing SQLite or PostgreSQL
 * database (one made by Django, or any other) and writes Manouche model
 * code for them: a struct, a field table and an MN_MODEL per table. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"
#include "web_internal.h"

void mn__sql_quote(mn_buf *b, const char *ident)
{
    /* A quoted identifier; '%' doubles too, as the SQL goes through the
     * placeholder rewriting of mn_db_execute. */
    mn_buf_putc(b, '"');
    for (const char *p = ident; *p; p++) {
        if (*p == '"')
            mn_buf_putc(b, '"');
        if (*p == '%')
            mn_buf_putc(b, '%');
        mn_buf_putc(b, *p);
    }
    mn_buf_putc(b, '"');
}

/* Runs sql and collects its first column as strings. */
static int column_list(mn_db *db, const char *sql, const mn_value *params, size_t np, mn_arena *a, mn_list *out,
                       mn_err *err)
{
    mn_db_rows *rows = NULL;
    int rc = mn_db_execute(db, sql, params, np, &rows, err);
    while (rc == MN_OK && (rc = mn_db_rows_next(rows, err)) == MN_OK) {
        mn_str s = mn_str_clone(a, mn_db_rows_text(rows, 0));
        if (!s.ptr || mn_list_push(out, mn_value_str(s))) {
            rc = mn_err_set(err, MN_ENOMEM, "out of memory");
            break;
        }
    }
    mn_db_rows_close(rows);
    return rc == MN_ENOTFOUND ? MN_OK : rc;
}

int mn__db_table_names(mn_db *db, mn_arena *a, mn_list **out, mn_err *err)
{
    *out = mn_list_new(a, 16);
    if (!*out)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    const char *sql = mn_db_engine_of(db) == MN_DB_POSTGRES
                          ? "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
                            "n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() "
                            "ORDER BY c.relname"
                          : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
    return column_list(db, sql, NULL, 0, a, *out, err);
}

/* ---- introspection ---- */

typedef struct column {
    const char *name;
    const char *type;  /* as declared (SQLite) or information_schema's data_type */
    bool null, pk, unique, auto_pk;
    int max_length, max_digits, decimal_places;
    const char *fk_table; /* referenced table, or NULL */
} column;

typedef struct table {
    const char *name;
    column *cols;
    size_t ncols;
    size_t npk;
} table;

static column *add_column(table *t, mn_arena *a)
{
    column *grown = mn_arena_calloc(a, t->ncols + 1, sizeof *grown);
    if (!grown)
        return NULL;
    if (t->ncols)
        memcpy(grown, t->cols, t->ncols * sizeof *grown);
    t->cols = grown;
    return &t->cols[t->ncols++];
}

static column *find_column(table *t, mn_str name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (mn_str_eq_cstr(name, t->cols[i].name))
            return &t->cols[i];
    return NULL;
}

/* "varchar(100)" -> 100; "decimal(10, 2)" -> 10 and 2. */
static void type_params(const char *type, int *a, int *b)
{
    const char *open = strchr(type, '(');
    if (!open)
        return;
    *a = atoi(open + 1);
    const char *comma = strchr(open, ',');
    if (comma)
        *b = atoi(comma + 1);
}

static int sqlite_table(mn_db *db, table *t, mn_arena *a, mn_err *err)
{
    mn_buf q;
    mn_buf_init(&q, a, 0);
    mn_buf_puts(&q, "PRAGMA table_info(");
    mn__sql_quote(&q, t->name);
    mn_buf_puts(&q, ")");
    mn_db_rows *rows = NULL;
    int rc = mn_db_execute(db, mn_buf_cstr(&q), NULL, 0, &rows, err);
    /* cid, name, type, notnull, dflt_value, pk */
    while (rc == MN_OK && (rc = mn_db_rows_next(rows, err)) == MN_OK) {
        column *c = add_column(t, a);
        if (!c) {
            rc = mn_err_set(err, MN_ENOMEM, "out of memory");
            break;
        }
        c->name = mn_str_dup(a, mn_db_rows_text(rows, 1));
        char *type = mn_str_dup(a, mn_db_rows_text(rows, 2));
        for (char *p = type; p && *p; p++)
            *p = (char)tolower((unsigned char)*p);
        c->type = type ? type : "";
        c->null = !mn_db_rows_int(rows, 3);
        c->pk = mn_db_rows_int(rows, 5) > 0;
        type_params(c->type, &c->max_length, &c->decimal_places);
        if (!strncmp(c->type, "decimal", 7)) {
            c->max_digits = c->max_length;
            c->max_length = 0;
        }
        t->npk += c->pk;
    }
    mn_db_rows_close(rows);
    if (rc != MN_ENOTFOUND)
        return rc;
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].pk && t->npk == 1 && !strncmp(t->cols[i].type, "integer", 7) &&
            !strstr(t->cols[i].type, "unsigned"))
            t->cols[i].auto_pk = true; /* an INTEGER PRIMARY KEY is the rowid */
    /* JSONField: Django's CHECK (JSON_VALID("col") OR "col" IS NULL). */
    mn_value tname = mn_value_cstr(t->name);
    mn_value ddl;
    rc = mn_db_query_value(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", &tname, 1, a,
                           &ddl, err);
    if (rc)
        return rc;
    for (size_t i = 0; ddl.type == MN_VALUE_STR && i < t->ncols; i++) {
        char *needle = mn_arena_sprintf(a, "JSON_VALID(\"%s\")", t->cols[i].name);
        if (needle && mn_str_find(ddl.u.s, mn_str_from(needle), 0) >= 0)
            t->cols[i].type = "json";
    }
    /* Foreign keys: id, seq, table, from, to, ... */
    mn_buf_reset(&q);
    mn_buf_puts(&q, "PRAGMA foreign_key_list(");
    mn__sql_quote(&q, t->name);
    mn_buf_puts(&q, ")");
    rc = mn_db_execute(db, mn_buf_cstr(&q), NULL, 0, &rows, err);
    while (rc == MN_OK && (rc = mn_db_rows_next(rows, err)) == MN_OK) {
        column *c = find_column(t, mn_db_rows_text(rows, 3));
        if (c && mn_db_rows_int(rows, 1) == 0)
            c->fk_table = mn_str_dup(a, mn_db_rows_text(rows, 2));
    }
    mn_db_rows_close(rows);
    if (rc != MN_ENOTFOUND)
        return rc;
    /* Single-column unique indexes: seq, name, unique, origin, partial. */
    mn_list *uniq = mn_list_new(a, 4);
    if (!uniq)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mn_buf_reset(&q);
    mn_buf_puts(&q, "PRAGMA index_list(");
    mn__sql_quote(&q, t->name);
    mn_buf_puts(&q, ")");
    rc = mn_db_execute(db, mn_buf_cstr(&q), NULL, 0, &rows, err);
    while (rc == MN_OK && (rc = mn_db_rows_next(rows, err)) == MN_OK)
        if (mn_db_rows_int(rows, 2) && !mn_db_rows_int(rows, 4))
            mn_list_push(uniq, mn_value_str(mn_str_clone(a, mn_db_rows_text(rows, 1))));
    mn_db_rows_close(rows);
    if (rc != MN_ENOTFOUND)
        return rc;
    for (size_t i = 0; i < mn_list_len(uniq); i++) {
        mn_list *cols = mn_list_new(a, 2);
        mn_buf_reset(&q);
        mn_buf_puts(&q, "SELECT name FROM pragma_index_info(%s)");
        mn_value p = mn_list_get(uniq, i);
        if (!cols || (rc = column_list(db, mn_buf_cstr(&q), &p, 1, a, cols, err)))
            return cols ? rc : mn_err_set(err, MN_ENOMEM, "out of memory");
        if (mn_list_len(cols) == 1) {
            column *c = find_column(t, mn_list_get(cols, 0).u.s);
            if (c && !c->pk)
                c->unique = true;
        }
    }
    return MN_OK;
}

static int pg_table(mn_db *db, table *t, mn_arena *a, mn_err *err)
{
    mn_value p = mn_value_cstr(t->name);
    mn_db_rows *rows = NULL;
    int rc = mn_db_execute(db,
                           "SELECT column_name, data_type, is_nullable, character_maximum_length, "
                           "numeric_precision, numeric_scale, column_default, is_identity "
                           "FROM information_schema.columns WHERE table_schema = current_schema() "
                           "AND table_name = %s ORDER BY ordinal_position",
                           &p, 1, &rows, err);
    while (rc == MN_OK && (rc = mn_db_rows_next(rows, err)) == MN_OK) {
        column *c = add_column(t, a);
        if (!c) {
            rc = mn_err_set(err, MN_ENOMEM, "out of memory");
            break;
        }
        c->name = mn_str_dup(a, mn_db_rows_text(rows, 0));
        c->type = mn_str_dup(a, mn_db_rows_text(rows, 1));
        c->null = mn_str_eq_cstr(mn_db_rows_text(rows, 2), "YES");
        if (!mn_db_rows_is_null(rows, 3))
            c->max_length = (int)mn_db_rows_int(rows, 3);
        if (!strcmp(c->type, "numeric") && !mn_db_rows_is_null(rows, 4)) {
            c->max_digits = (int)mn_db_rows_int(rows, 4);
            c->decimal_places = (int)mn_db_rows_int(rows, 5);
        }
        mn_str def = mn_db_rows_text(rows, 6);
        c->auto_pk = mn_str_starts_with(def, MN_STR("nextval(")) ||
                     mn_str_eq_cstr(mn_db_rows_text(rows, 7), "YES");
    }
    mn_db_rows_close(rows);
    if (rc != MN_ENOTFOUND)
        return rc;
    /* Primary keys and single-column unique constraints. */
    rc = mn_db_execute(db,
                       "SELECT tc.constraint_type, min(kcu.column_name), count(*) "
                       "FROM information_schema.table_constraints tc "
                       "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name "
                       "AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name "
                       "WHERE tc.table_schema = current_schema() AND tc.table_name = %s "
                       "AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE') "
                       "GROUP BY tc.constraint_name, tc.constraint_type",
                       &p, 1, &rows, err);
    while (rc == MN_OK && (rc = mn_db_rows_next(rows, err)) == MN_OK) {
        bool primary = mn_str_eq_cstr(mn_db_rows_text(rows, 0), "PRIMARY KEY");
        int64_t n = mn_db_rows_int(rows, 2);
        column *c = find_column(t, mn_db_rows_text(rows, 1));
        if (primary)
            t->npk += (size_t)n;
        if (c && n == 1) {
            if (primary)
                c->pk = true;
            else
                c->unique = true;
        }
    }
    mn_db_rows_close(rows);
    if (rc != MN_ENOTFOUND)
        return rc;
    for (size_t i = 0; i < t->ncols; i++)
        if (!t->cols[i].pk || t->npk != 1)
            t->cols[i].auto_pk = false;
    rc = mn_db_execute(db,
                       "SELECT kcu.column_name, ccu.table_name "
                       "FROM information_schema.table_constraints tc "
                       "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name "
                       "AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name "
                       "JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = "
                       "tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema "
                       "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() "
                       "AND tc.table_name = %s",
                       &p, 1, &rows, err);
    while (rc == MN_OK && (rc = mn_db_rows_next(rows, err)) == MN_OK) {
        column *c = find_column(t, mn_db_rows_text(rows, 0));
        if (c)
            c->fk_table = mn_str_dup(a, mn_db_rows_text(rows, 1));
    }
    mn_db_rows_close(rows);
    return rc == MN_ENOTFOUND ? MN_OK : rc;
}

/* ---- code generation ---- */

typedef struct kind_map {
    const char *macro;  /* MN_FIELD_... suffix */
    const char *ctype;
} kind_map;

/* The field macro of a column, Django's data_types_reverse. */
static kind_map kind_of(const column *c, bool pg, const char **note)
{
    const char *t = c->type;
    *note = NULL;
    if (c->auto_pk)
        return (kind_map){ !strcmp(t, "bigint") ? "BIGAUTO" : "AUTO", "int64_t" };
    if (pg) {
        if (!strcmp(t, "smallint")) return (kind_map){ "SMALLINT", "int16_t" };
        if (!strcmp(t, "integer")) return (kind_map){ "INT", "int32_t" };
        if (!strcmp(t, "bigint")) return (kind_map){ "BIGINT", "int64_t" };
        if (!strcmp(t, "boolean")) return (kind_map){ "BOOL", "bool" };
        if (!strcmp(t, "character varying") || !strcmp(t, "character")) return (kind_map){ "CHAR", "mn_str" };
        if (!strcmp(t, "text")) return (kind_map){ "TEXT", "mn_str" };
        if (!strcmp(t, "numeric")) return (kind_map){ "DECIMAL", "mn_decimal" };
        if (!strcmp(t, "double precision") || !strcmp(t, "real")) return (kind_map){ "FLOAT", "double" };
        if (!strcmp(t, "date")) return (kind_map){ "DATE", "mn_date" };
        if (!strncmp(t, "timestamp", 9)) return (kind_map){ "DATETIME", "mn_datetime" };
        if (!strncmp(t, "time", 4)) return (kind_map){ "TIME", "mn_time" };
        if (!strcmp(t, "interval")) return (kind_map){ "DURATION", "mn_duration" };
        if (!strcmp(t, "uuid")) return (kind_map){ "UUID", "mn_str" };
        if (!strcmp(t, "jsonb") || !strcmp(t, "json")) return (kind_map){ "JSON", "mn_value" };
        if (!strcmp(t, "bytea")) return (kind_map){ "BINARY", "mn_str" };
        if (!strcmp(t, "inet")) return (kind_map){ "IP", "mn_str" };
    } else {
        /* SQLite's declared types, as Django's FlexibleFieldLookupDict. */
        char base[64];
        size_t n = strcspn(t, "(");
        snprintf(base, sizeof base, "%.*s", (int)(n < 63 ? n : 63), t);
        while (n && base[n - 1] == ' ')
            base[--n] = 0;
        if (!strcmp(base, "bool") || !strcmp(base, "boolean")) return (kind_map){ "BOOL", "bool" };
        if (!strcmp(base, "smallint")) return (kind_map){ "SMALLINT", "int16_t" };
        if (!strcmp(base, "smallint unsigned")) return (kind_map){ "POSSMALLINT", "int16_t" };
        if (!strcmp(base, "integer unsigned")) return (kind_map){ "POSINT", "int32_t" };
        if (!strcmp(base, "bigint unsigned")) return (kind_map){ "POSBIGINT", "int64_t" };
        if (!strcmp(base, "integer") || !strcmp(base, "int")) return (kind_map){ "INT", "int32_t" };
        if (!strcmp(base, "bigint")) return (kind_map){ "BIGINT", "int64_t" };
        if (!strcmp(base, "decimal") || !strcmp(base, "numeric")) return (kind_map){ "DECIMAL", "mn_decimal" };
        if (!strcmp(base, "real") || !strcmp(base, "double") || !strcmp(base, "float"))
            return (kind_map){ "FLOAT", "double" };
        if (!strcmp(base, "text")) return (kind_map){ "TEXT", "mn_str" };
        if (!strcmp(base, "char") || !strcmp(base, "varchar") || !strcmp(base, "character varying"))
            return (kind_map){ "CHAR", "mn_str" };
        if (!strcmp(base, "blob")) return (kind_map){ "BINARY", "mn_str" };
        if (!strcmp(base, "date")) return (kind_map){ "DATE", "mn_date" };
        if (!strcmp(base, "datetime") || !strcmp(base, "timestamp")) return (kind_map){ "DATETIME", "mn_datetime" };
        if (!strcmp(base, "time")) return (kind_map){ "TIME", "mn_time" };
        if (!strcmp(base, "json")) return (kind_map){ "JSON", "mn_value" };
    }
    *note = "This field type is a guess.";
    return (kind_map){ "TEXT", "mn_str" };
}

static const char *const c_keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
    "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
    "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool",
    "true", "false", "mn", "pk", NULL,
};

/* Django's normalize_col_name for C: lower case, non-identifier characters
 * as '_', a digit first gets "number_", keywords get "_field". */
static char *c_name(mn_arena *a, const char *col, bool is_fk)
{
    size_t n = strlen(col);
    if (is_fk && n > 3 && !strcasecmp(col + n - 3, "_id"))
        n -= 3;
    mn_buf b;
    mn_buf_init(&b, a, 0);
    if (n && isdigit((unsigned char)col[0]))
        mn_buf_puts(&b, "number_");
    char prev = 0;
    for (size_t i = 0; i < n; i++) {
        char c = isalnum((unsigned char)col[i]) ? (char)tolower((unsigned char)col[i]) : '_';
        if (c == '_' && prev == '_')
            continue;
        mn_buf_putc(&b, c);
        prev = c;
    }
    if (!b.len)
        mn_buf_puts(&b, "field");
    for (const char *const *k = c_keywords; *k; k++)
        if (!strcmp(mn_buf_cstr(&b), *k))
            mn_buf_puts(&b, "_field");
    return (char *)mn_buf_cstr(&b);
}

/* Django's table-to-class name: title case, non-alphanumerics dropped. */
static char *class_name(mn_arena *a, const char *tname)
{
    char *out = mn_arena_strdup(a, tname);
    size_t j = 0;
    bool start = true;
    for (const char *p = tname; out && *p; p++) {
        if (!isalnum((unsigned char)*p)) {
            start = true;
            continue;
        }
        out[j++] = (char)(start ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
        start = !isalpha((unsigned char)*p);
    }
    if (out)
        out[j] = 0;
    return out;
}

static void c_string(mn_buf *b, const char *s)
{
    mn_buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            mn_buf_putc(b, '\\');
        mn_buf_putc(b, *p);
    }
    mn_buf_putc(b, '"');
}

static bool selected(const table *tables, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(tables[i].name, name))
            return true;
    return false;
}

/* A foreign key can be MN_FIELD_FOREIGNKEY when its table is inspected
 * and has an integer primary key (the member is int64_t). */
static bool fk_usable(const table *tables, size_t n, const char *target, bool pg)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(tables[i].name, target) || tables[i].npk != 1)
            continue;
        for (size_t k = 0; k < tables[i].ncols; k++) {
            if (!tables[i].cols[k].pk)
                continue;
            const char *note;
            kind_map km = kind_of(&tables[i].cols[k], pg, &note);
            return !strcmp(km.ctype, "int64_t") || !strcmp(km.ctype, "int32_t") || !strcmp(km.ctype, "int16_t");
        }
    }
    return false;
}

static void generate(mn_buf *b, table *tables, size_t n, const char *app_label, bool pg, const char *source,
                     mn_arena *a)
{
    mn_buf_printf(b,
                  "/* Generated by `./manage inspectdb` (Manouche %s) from the %s database %s.\n"
                  " *\n"
                  " * Review it before use:\n"
                  " *   * Rearrange models as you wish and rename structs, fields and models.\n"
                  " *   * Each model needs exactly one field with a primary key.\n"
                  " *   * Foreign keys have .on_delete = MN_DO_NOTHING: choose what Django's\n"
                  " *     on_delete should be.\n"
                  " * The tables keep their names (Meta.db_table): these models read and write the\n"
                  " * existing data. List the models in the app's `models` array. */\n"
                  "#include <manouche.h>\n\n",
                  MN_VERSION, pg ? "PostgreSQL" : "SQLite", source);
    for (size_t i = 0; i < n; i++)
        if (tables[i].npk == 1)
            mn_buf_printf(b, "extern mn_model %s_model;\n", c_name(a, tables[i].name, false));
    for (size_t i = 0; i < n; i++) {
        table *t = &tables[i];
        const char *sname = c_name(a, t->name, false);
        mn_buf_puts(b, "\n");
        if (t->npk != 1) {
            mn_buf_printf(b,
                          "/* Table \"%s\" is left out: it has %s primary key, and a Manouche model needs a\n"
                          " * single-column one. */\n",
                          t->name, t->npk ? "a composite" : "no");
            continue;
        }
        /* Member names, unique within the struct. */
        const char **names = mn_arena_calloc(a, t->ncols + 1, sizeof *names);
        if (!names)
            return;
        for (size_t k = 0; k < t->ncols; k++) {
            column *c = &t->cols[k];
            bool fk = c->fk_table && fk_usable(tables, n, c->fk_table, pg);
            const char *nm = c_name(a, c->name, fk);
            for (size_t j = 0; j < k; j++)
                if (!strcmp(names[j], nm)) {
                    nm = mn_arena_sprintf(a, "%s_%zu", nm, k);
                    break;
                }
            names[k] = nm;
        }
        mn_buf_printf(b, "typedef struct %s {\n    mn_obj mn;\n", sname);
        for (size_t k = 0; k < t->ncols; k++) {
            const char *note;
            column *c = &t->cols[k];
            bool fk = c->fk_table && fk_usable(tables, n, c->fk_table, pg);
            kind_map km = fk ? (kind_map){ "FOREIGNKEY", "int64_t" } : kind_of(c, pg, &note);
            mn_buf_printf(b, "    %s %s;\n", km.ctype, names[k]);
        }
        mn_buf_printf(b, "} %s;\n\nstatic const mn_field %s_fields[] = {\n", sname, sname);
        for (size_t k = 0; k < t->ncols; k++) {
            column *c = &t->cols[k];
            const char *note = NULL;
            bool fk = c->fk_table && fk_usable(tables, n, c->fk_table, pg);
            kind_map km = fk ? (kind_map){ "FOREIGNKEY", "int64_t" } : kind_of(c, pg, &note);
            if (c->fk_table && !fk)
                note = mn_arena_sprintf(a, "References table \"%s\", which is not inspected or has no integer key.",
                                        c->fk_table);
            mn_buf_printf(b, "    MN_FIELD_%s(%s, %s", km.macro, sname, names[k]);
            if (fk)
                mn_buf_printf(b, ", %s_model", c_name(a, c->fk_table, false));
            mn_buf opts;
            mn_buf_init(&opts, a, 0);
            const char *expected = fk ? mn_arena_sprintf(a, "%s_id", names[k]) : names[k];
            if (strcmp(expected, c->name)) {
                mn_buf_puts(&opts, ", .db_column = ");
                c_string(&opts, c->name);
            }
            if (c->pk && !c->auto_pk)
                mn_buf_puts(&opts, ", .primary_key = true");
            if (!strcmp(km.macro, "CHAR"))
                mn_buf_printf(&opts, ", .max_length = %d", c->max_length > 0 ? c->max_length : 255);
            if (!strcmp(km.macro, "DECIMAL")) {
                if (c->max_digits > 0) {
                    mn_buf_printf(&opts, ", .max_digits = %d, .decimal_places = %d", c->max_digits,
                                  c->decimal_places);
                } else {
                    mn_buf_puts(&opts, ", .max_digits = 10, .decimal_places = 5");
                    note = "max_digits and decimal_places have been guessed, as this database handles decimal "
                           "fields as float";
                }
            }
            if (c->unique)
                mn_buf_puts(&opts, ", .unique = true");
            if (c->null && !c->pk)
                mn_buf_puts(&opts, ", .null = true, .blank = true");
            if (fk)
                mn_buf_puts(&opts, ", .on_delete = MN_DO_NOTHING");
            mn_buf_put_str(b, mn_buf_str(&opts));
            mn_buf_puts(b, "),");
            if (note)
                mn_buf_printf(b, " /* %s */", note);
            mn_buf_putc(b, '\n');
        }
        mn_buf_puts(b, "    MN_FIELD_END\n};\n\n");
        mn_buf_printf(b, "mn_model %s_model = MN_MODEL(%s, ", sname, sname);
        c_string(b, app_label);
        mn_buf_puts(b, ", ");
        c_string(b, class_name(a, t->name));
        mn_buf_printf(b, ", %s_fields,\n                                .meta = { .db_table = ", sname);
        c_string(b, t->name);
        mn_buf_puts(b, " });\n");
    }
    mn_buf_printf(b, "\n/* The models, for the app's descriptor: .models = %s_models. */\nmn_model *const %s_models[] = {\n",
                  c_name(a, app_label, false), c_name(a, app_label, false));
    for (size_t i = 0; i < n; i++)
        if (tables[i].npk == 1)
            mn_buf_printf(b, "    &%s_model,\n", c_name(a, tables[i].name, false));
    mn_buf_puts(b, "    NULL,\n};\n");
}

int mn__inspectdb(mn_db *db, const char *const *only, size_t nonly, const char *app_label, const char *source,
                  mn_arena *a, mn_buf *out, mn_err *err)
{
    bool pg = mn_db_engine_of(db) == MN_DB_POSTGRES;
    mn_list *names = NULL;
    int rc = mn__db_table_names(db, a, &names, err);
    if (rc)
        return rc;
    size_t n = 0, cap = mn_list_len(names) + nonly;
    table *tables = mn_arena_calloc(a, cap + 1, sizeof *tables);
    if (!tables)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < mn_list_len(names); i++) {
        const char *name = mn_str_dup(a, mn_list_get(names, i).u.s);
        if (!name)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        bool want = nonly == 0;
        for (size_t k = 0; k < nonly; k++)
            want |= !strcmp(only[k], name);
        /* SQLite's own tables are never models. */
        if (!pg && !strncmp(name, "sqlite_", 7))
            want = false;
        if (want)
            tables[n++].name = name;
    }
    for (size_t k = 0; k < nonly; k++)
        if (!selected(tables, n, only[k]))
            return mn_err_set(err, MN_ENOTFOUND, "Unable to inspect table '%s': the table does not exist", only[k]);
    for (size_t i = 0; i < n; i++) {
        rc = pg ? pg_table(db, &tables[i], a, err) : sqlite_table(db, &tables[i], a, err);
        if (rc)
            return mn_err_prefix(err, "Unable to inspect table '%s': ", tables[i].name);
    }
    generate(out, tables, n, app_label, pg, source, a);
    return mn_buf_error(out) ? mn_err_set(err, mn_buf_error(out), "the generated code is too large") : MN_OK;
}

static int inspectdb_handle(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    const char *url = mn_command_str(ctx, "database_url");
    const mn_settings *s = mn_manage_settings();
    mn_err err = { 0 };
    mn_db *db = NULL, *own = NULL;
    const char *source = NULL;
    if (url) {
        mn_db_config cfg;
        if (mn_dburl_parse(mn_str_from(url), a, &cfg, &err))
            return mn_command_error(ctx, "--database-url: %s", err.msg);
        if (!(db = own = mn_db_open(&cfg, &err)))
            return mn_command_error(ctx, "%s", err.msg);
        source = cfg.name;
    } else {
        if (!(db = mn_orm_db()))
            return mn_command_error(ctx, "no database connection: check DATABASE_URL");
        source = s && s->DATABASE.name ? s->DATABASE.name : "default";
    }
    const char *const *only;
    size_t nonly = mn_command_list(ctx, "table", &only);
    const char *label = mn_command_str(ctx, "app_label");
    mn_buf b;
    mn_buf_init(&b, a, 0);
    int rc = mn__inspectdb(db, only, nonly, label ? label : "legacy", source ? source : "", a, &b, &err);
    mn_db_close(own);
    if (rc)
        return mn_command_error(ctx, "%s", err.msg);
    fwrite(b.data, 1, b.len, stdout);
    fflush(stdout);
    return 0;
}

static const mn_command_arg inspectdb_args[] = {
    { .name = "table", .type = MN_ARG_STR, .many = true, .optional = true,
      .help = "Selects what tables or views should be introspected." },
    { .name = "--app-label", .type = MN_ARG_STR,
      .help = "The app label of the generated models (default: legacy)." },
    { .name = "--database-url", .type = MN_ARG_STR, .metavar = "URL",
      .help = "Inspects this database (sqlite:///path, postgres://...) instead of DATABASE_URL." },
    MN_ARG_END
};

const mn_command mn__inspectdb_command = {
    .name = "inspectdb",
    .help = "Introspects the database tables in the given database and outputs a Manouche model module.",
    .args = inspectdb_args,
    .handle = inspectdb_handle,
};
