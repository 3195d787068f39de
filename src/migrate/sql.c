/* Migrations: the schema editor (SQL of each operation for SQLite and
 * PostgreSQL, with SQLite's table rebuild). */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "migrate_internal.h"
#include "../orm/orm_internal.h"

void mn__mig_md5_hex(const char *const *parts, size_t n, char out[33])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
    for (size_t i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
    ok = ok && EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    if (!ok)
        len = 0;
    memset(md + len, 0, sizeof md - len);
    for (unsigned i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

const char *mn_mig_index_name(const char *table, const char *const *columns, const char *suffix, mn_db_engine eng,
                              mn_arena *a)
{
    const char *parts[66];
    size_t n = 0;
    parts[n++] = table;
    for (size_t i = 0; columns && columns[i] && n < 65; i++)
        parts[n++] = columns[i];
    char digest[33];
    mn__mig_md5_hex(parts, n, digest);
    mn_buf cols;
    mn_buf_init(&cols, a, 0);
    for (size_t i = 0; columns && columns[i]; i++)
        mn_buf_printf(&cols, "%s%s", i ? "_" : "", columns[i]);
    const char *hash = mn_arena_sprintf(a, "%.8s%s", digest, suffix ? suffix : "");
    size_t max = eng == MN_DB_POSTGRES ? 63 : 200;
    char *name = mn_arena_sprintf(a, "%s_%s_%s", table, mn_buf_cstr(&cols), hash);
    if (!name || !hash || strlen(name) <= max)
        return name;
    size_t hl = strlen(hash);
    if (hl > max / 3)
        hl = max / 3;
    size_t other = (max - hl) / 2 - 1;
    name = mn_arena_sprintf(a, "%.*s_%.*s_%.*s", (int)other, table, (int)other, mn_buf_cstr(&cols), (int)hl, hash);
    if (name && (name[0] == '_' || isdigit((unsigned char)name[0]))) {
        name[strlen(name) - 1] = 0;
        name = mn_arena_sprintf(a, "D%s", name);
    }
    return name;
}

/* ---- building blocks ---- */

static void q(mn_buf *b, const char *ident)
{
    mn_buf_putc(b, '"');
    for (const char *s = ident; *s; s++) {
        if (*s == '"')
            mn_buf_putc(b, '"');
        mn_buf_putc(b, *s);
    }
    mn_buf_putc(b, '"');
}

static void lit(mn_buf *b, const char *s)
{
    mn_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            mn_buf_putc(b, '\'');
        mn_buf_putc(b, *s);
    }
    mn_buf_putc(b, '\'');
}

typedef struct ed {
    mn_db_engine eng;
    bool pg;
    mn_arena *a;
    mn_list *out;
    const mn_mig_state *st; /* resolves ForeignKey targets */
    mn_err *err;
    int rc;
} ed;

static void emit(ed *e, mn_buf *b)
{
    if (mn_buf_error(b)) {
        e->rc = MN_ENOMEM;
        return;
    }
    if (mn_list_push(e->out, mn_value_str(mn_buf_str(b))) != MN_OK)
        e->rc = MN_ENOMEM;
}

static void emitf(ed *e, const char *fmt, ...) MN_PRINTF(2, 3);
static void emitf(ed *e, const char *fmt, ...)
{
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    va_list ap;
    va_start(ap, fmt);
    mn_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    emit(e, &b);
}

static const char *qs(ed *e, const char *ident)
{
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    q(&b, ident);
    return mn_buf_cstr(&b);
}

static const char *ls(ed *e, const char *s)
{
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    lit(&b, s);
    return mn_buf_cstr(&b);
}

static int efail(ed *e, int code, const char *fmt, ...) MN_PRINTF(3, 4);
static int efail(ed *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mn_err_setv(e->err, code, fmt, ap);
    va_end(ap);
    return e->rc = code;
}

static const char *table_of(ed *e, const mn_mig_model *m) { return mn_mig_model_table(m, e->a); }
static const char *col_of(ed *e, const mn_mig_field *f) { return mn_mig_field_column(f, e->a); }

static const mn_mig_field *pk_of(const mn_mig_model *m)
{
    for (size_t i = 0; m && i < m->nfields; i++)
        if (m->fields[i].primary_key)
            return &m->fields[i];
    return NULL;
}

static const char *sql_type(ed *e, const mn_mig_field *f, bool for_alter)
{
    if (f->kind != MN_KIND_FOREIGNKEY)
        return mn__kind_sql_type(f->kind, f->max_length, f->max_digits, f->decimal_places, e->pg, for_alter, e->a);
    const mn_mig_field *pk = pk_of(mn_mig_state_resolve(e->st, f->to));
    if (!pk || pk->kind == MN_KIND_BIGAUTO)
        return "bigint";
    if (pk->kind == MN_KIND_AUTO)
        return "integer";
    return sql_type(e, pk, true);
}

static bool is_number(const char *s, bool fraction)
{
    if (*s == '-' || *s == '+')
        s++;
    bool digits = false, dot = false;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s))
            digits = true;
        else if (*s == '.' && fraction && !dot)
            dot = true;
        else
            return false;
    }
    return digits;
}

/* A default or condition value of field f as an SQL literal. */
static int put_literal(ed *e, mn_buf *b, const mn_mig_field *f, const char *v)
{
    switch (f->kind) {
    case MN_KIND_AUTO: case MN_KIND_BIGAUTO: case MN_KIND_SMALLINT: case MN_KIND_INT: case MN_KIND_BIGINT:
    case MN_KIND_POSSMALLINT: case MN_KIND_POSINT: case MN_KIND_POSBIGINT: case MN_KIND_FOREIGNKEY:
        if (!is_number(v, false))
            return efail(e, MN_EINVAL, "'%s' is not an integer (field %s)", v, f->name);
        mn_buf_puts(b, v);
        return MN_OK;
    case MN_KIND_DECIMAL: {
        /* as the ORM sends it: quantized to decimal_places, as text */
        mn_decimal d;
        mn_buf t;
        mn_buf_init(&t, e->a, 0);
        if (!is_number(v, true) || mn_decimal_parse_cstr(v, &d, NULL) != MN_OK)
            return efail(e, MN_EINVAL, "'%s' is not a number (field %s)", v, f->name);
        if (mn_decimal_format_number(&t, d, f->max_digits, f->decimal_places) != MN_OK || mn_buf_error(&t))
            return efail(e, MN_EINVAL, "'%s' does not fit in max_digits=%d, decimal_places=%d (field %s)", v,
                         f->max_digits, f->decimal_places, f->name);
        lit(b, mn_buf_cstr(&t));
        return MN_OK;
    }
    case MN_KIND_FLOAT:
        if (!is_number(v, true))
            return efail(e, MN_EINVAL, "'%s' is not a number (field %s)", v, f->name);
        mn_buf_puts(b, v);
        return MN_OK;
    case MN_KIND_BOOL:
        if (!strcasecmp(v, "true") || !strcmp(v, "1"))
            mn_buf_puts(b, e->pg ? "true" : "1");
        else if (!strcasecmp(v, "false") || !strcmp(v, "0"))
            mn_buf_puts(b, e->pg ? "false" : "0");
        else
            return efail(e, MN_EINVAL, "'%s' is not true or false (field %s)", v, f->name);
        return MN_OK;
    case MN_KIND_DURATION:
        if (!e->pg && is_number(v, false)) {
            mn_buf_puts(b, v);
            return MN_OK;
        }
        lit(b, v);
        return MN_OK;
    default: lit(b, v); return MN_OK;
    }
}

/* One lookup ("price__gte" against "0", or against field fref: F()) as SQL
 * over the columns of m, appended to b. Under an odd number of NOTs a
 * nullable column gets "AND col IS NOT NULL", as the ORM (and Django's
 * exclude()) does, so that NOT keeps rows out whose column is NULL. */
static int leaf_sql(ed *e, const mn_mig_model *m, mn_buf *b, const char *lk, const char *v, const char *fref,
                    bool negated)
{
    const char *sep = strstr(lk, "__");
    char fname[128];
    const char *op = "exact";
    size_t n = sep ? (size_t)(sep - lk) : strlen(lk);
    if (n >= sizeof fname || !n)
        return efail(e, MN_EINVAL, "condition: bad lookup '%s'", lk);
    memcpy(fname, lk, n);
    fname[n] = 0;
    if (sep)
        op = sep + 2;
    const mn_mig_field *f = mn_mig_model_field(m, fname);
    if (!f)
        return efail(e, MN_EINVAL, "condition: %s has no field '%s'", m->name, fname);
    static const char *const ops[][2] = { { "exact", " = " }, { "gt", " > " },  { "gte", " >= " },
                                          { "lt", " < " },    { "lte", " <= " } };
    size_t k = 0;
    while (k < 5 && strcmp(op, ops[k][0]))
        k++;
    if (negated && f->null && strcmp(op, "isnull") && (v || fref)) {
        mn_buf_putc(b, '(');
        int rc = leaf_sql(e, m, b, lk, v, fref, false);
        if (rc != MN_OK)
            return rc;
        mn_buf_puts(b, " AND ");
        q(b, col_of(e, f));
        mn_buf_puts(b, " IS NOT NULL)");
        return MN_OK;
    }
    if (fref) {
        const mn_mig_field *g = mn_mig_model_field(m, fref);
        if (!g)
            return efail(e, MN_EINVAL, "condition: %s has no field '%s' (in F() of '%s')", m->name, fref, lk);
        if (k == 5)
            return efail(e, MN_EINVAL, "condition: lookup '%s' in '%s' cannot compare with F() (exact, gt, gte, lt, lte)",
                         op, lk);
        q(b, col_of(e, f));
        mn_buf_puts(b, ops[k][1]);
        q(b, col_of(e, g));
        return MN_OK;
    }
    if (!v && k == 0) { /* Q(field=None) is IS NULL */
        q(b, col_of(e, f));
        mn_buf_puts(b, " IS NULL");
        return MN_OK;
    }
    if (!v)
        return efail(e, MN_EINVAL, "condition: '%s' cannot compare with null", lk);
    q(b, col_of(e, f));
    if (k < 5) {
        mn_buf_puts(b, ops[k][1]);
        return put_literal(e, b, f, v);
    }
    if (!strcmp(op, "isnull")) {
        bool yes = !strcasecmp(v, "true") || !strcmp(v, "1");
        if (!yes && strcasecmp(v, "false") && strcmp(v, "0"))
            return efail(e, MN_EINVAL, "condition: isnull takes true or false, not '%s'", v);
        mn_buf_puts(b, yes ? " IS NULL" : " IS NOT NULL");
        return MN_OK;
    }
    return efail(e, MN_EINVAL,
                 "condition: unsupported lookup '%s' in '%s' (exact, gt, gte, lt, lte, isnull; or write 'condition' "
                 "in SQL)",
                 op, lk);
}

/* Lookups ("price__gte", "0") as SQL over the columns of m. */
static const char *cond_sql(ed *e, const mn_mig_model *m, const mn_cond *conds)
{
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    for (size_t i = 0; conds[i].lookup; i++) {
        if (i)
            mn_buf_puts(&b, " AND ");
        if (leaf_sql(e, m, &b, conds[i].lookup, conds[i].value ? conds[i].value : "", NULL, false) != MN_OK)
            return NULL;
    }
    return mn_buf_cstr(&b);
}

/* A Q tree as the ORM compiles it: the arguments of AND/OR folded from the
 * left in pairs, each pair in parentheses, NOT (...) around a negation. */
static int tree_sql(ed *e, const mn_mig_model *m, mn_buf *b, const mn_qc *t, int depth, int neg)
{
    if (depth > 32)
        return efail(e, MN_ELIMIT, "condition: nested more than 32 levels deep");
    if (t->op == MN_QC_LOOKUP) {
        if (!t->lookup)
            return efail(e, MN_EINVAL, "condition: a lookup without a name");
        return leaf_sql(e, m, b, t->lookup, t->value, t->f, neg % 2 == 1);
    }
    if ((t->op != MN_QC_ALL && t->op != MN_QC_ANY && t->op != MN_QC_NONE) || !t->args || !t->args[0])
        return efail(e, MN_EINVAL, "condition: needs a lookup, or AND/OR/NOT of at least one condition");
    size_t n = 0;
    while (t->args[n])
        n++;
    if (t->op == MN_QC_NONE)
        mn_buf_puts(b, "NOT (");
    for (size_t i = 1; i < n; i++)
        mn_buf_putc(b, '(');
    for (size_t i = 0; i < n; i++) {
        if (i)
            mn_buf_puts(b, t->op == MN_QC_ANY ? " OR " : " AND ");
        int rc = tree_sql(e, m, b, t->args[i], depth + 1, neg + (t->op == MN_QC_NONE));
        if (rc != MN_OK)
            return rc;
        if (i)
            mn_buf_putc(b, ')');
    }
    if (t->op == MN_QC_NONE)
        mn_buf_putc(b, ')');
    return MN_OK;
}

/* The condition of an index or constraint: the tree, else the lookups. */
static const char *any_cond_sql(ed *e, const mn_mig_model *m, const mn_cond *conds, const mn_qc *tree)
{
    if (!tree)
        return conds ? cond_sql(e, m, conds) : NULL;
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    if (tree_sql(e, m, &b, tree, 0, 0) != MN_OK)
        return NULL;
    return mn_buf_cstr(&b);
}

static void put_cols(ed *e, mn_buf *b, const mn_mig_model *m, const char *const *names, bool desc_ok)
{
    for (size_t i = 0; names && names[i]; i++) {
        const char *n = names[i];
        bool desc = desc_ok && n[0] == '-';
        const mn_mig_field *f = mn_mig_model_field(m, desc ? n + 1 : n);
        if (!f) {
            efail(e, MN_EINVAL, "%s has no field '%s'", m->name, desc ? n + 1 : n);
            return;
        }
        if (i)
            mn_buf_puts(b, ", ");
        q(b, col_of(e, f));
        if (desc)
            mn_buf_puts(b, " DESC");
    }
}

static const char **columns_of(ed *e, const mn_mig_model *m, const char *const *names)
{
    size_t n = mn__mig_names_len(names);
    const char **cols = mn_arena_calloc(e->a, n + 1, sizeof *cols);
    for (size_t i = 0; cols && i < n; i++) {
        const mn_mig_field *f = mn_mig_model_field(m, names[i]);
        cols[i] = f ? col_of(e, f) : names[i];
    }
    return cols;
}

static const char *fk_name(ed *e, const char *table, const char *col, const char *to_table, const char *to_col)
{
    const char *cols[] = { col, NULL };
    return mn_mig_index_name(table, cols, mn_arena_sprintf(e->a, "_fk_%s_%s", to_table, to_col), e->eng, e->a);
}

/* The column definition of f in table; default_sql: a literal to add as
 * DEFAULT (or NULL). */
static void column_def(ed *e, mn_buf *b, const char *table, const mn_mig_field *f, const char *default_sql)
{
    const char *col = col_of(e, f);
    q(b, col);
    mn_buf_printf(b, " %s", sql_type(e, f, false));
    if (default_sql)
        mn_buf_printf(b, " DEFAULT %s", default_sql);
    mn_buf_puts(b, f->null ? " NULL" : " NOT NULL");
    if (f->primary_key) {
        mn_buf_puts(b, " PRIMARY KEY");
        if (!e->pg && (f->kind == MN_KIND_AUTO || f->kind == MN_KIND_BIGAUTO))
            mn_buf_puts(b, " AUTOINCREMENT");
    } else if (f->unique) {
        mn_buf_puts(b, " UNIQUE");
    }
    if (f->kind >= MN_KIND_POSSMALLINT && f->kind <= MN_KIND_POSBIGINT) {
        mn_buf_puts(b, " CHECK (");
        q(b, col);
        mn_buf_puts(b, " >= 0)");
    }
    if (f->kind == MN_KIND_JSON && !e->pg) {
        mn_buf_puts(b, " CHECK ((JSON_VALID(");
        q(b, col);
        mn_buf_puts(b, ") OR ");
        q(b, col);
        mn_buf_puts(b, " IS NULL))");
    }
    if (mn__mig_is_fk(f->kind)) {
        const mn_mig_model *to = mn_mig_state_resolve(e->st, f->to);
        if (!to) {
            efail(e, MN_EINVAL, "field %s: the ForeignKey's target %s is not in the migration state", f->name, f->to);
            return;
        }
        const mn_mig_field *pk = pk_of(to);
        const char *to_table = table_of(e, to), *to_col = pk ? col_of(e, pk) : "id";
        if (e->pg) {
            mn_buf_puts(b, " CONSTRAINT ");
            q(b, fk_name(e, table, col, to_table, to_col));
        }
        mn_buf_puts(b, " REFERENCES ");
        q(b, to_table);
        mn_buf_puts(b, " (");
        q(b, to_col);
        /* on_delete is carried out by the ORM's collector, as in Django:
         * the constraint itself has no ON DELETE. */
        mn_buf_puts(b, ") DEFERRABLE INITIALLY DEFERRED");
    }
}

static const char *constraint_check_sql(ed *e, const mn_mig_model *m, const mn_mig_constraint *c)
{
    if (c->q || c->qc)
        return any_cond_sql(e, m, c->q, c->qc);
    return c->check;
}

static bool inline_constraint(const mn_mig_constraint *c)
{
    return c->kind == MN_CONSTRAINT_CHECK || (!c->condition && !c->q && !c->qc);
}

/* CONSTRAINT "name" CHECK (...) / UNIQUE (...) */
static void constraint_def(ed *e, mn_buf *b, const mn_mig_model *m, const mn_mig_constraint *c)
{
    mn_buf_puts(b, "CONSTRAINT ");
    q(b, c->name);
    if (c->kind == MN_CONSTRAINT_CHECK) {
        const char *chk = constraint_check_sql(e, m, c);
        if (chk)
            mn_buf_printf(b, " CHECK (%s)", chk);
    } else {
        mn_buf_puts(b, " UNIQUE (");
        put_cols(e, b, m, c->fields, false);
        mn_buf_puts(b, ")");
    }
}

static void create_table(ed *e, const mn_mig_model *m, const char *table)
{
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    mn_buf_puts(&b, "CREATE TABLE ");
    q(&b, table);
    mn_buf_puts(&b, " (");
    size_t ncols = 0;
    for (size_t i = 0; i < m->nfields; i++) {
        if (!mn__mig_has_column(&m->fields[i]))
            continue;
        if (ncols++)
            mn_buf_puts(&b, ", ");
        column_def(e, &b, table_of(e, m), &m->fields[i], NULL);
    }
    /* PostgreSQL names unique_together constraints in the table; SQLite
     * gets unique indexes (as Django does), which can be dropped alone. */
    if (e->pg) {
        for (size_t i = 0; m->unique_together && m->unique_together[i]; i++) {
            mn_buf_puts(&b, ", CONSTRAINT ");
            q(&b, mn_mig_index_name(table_of(e, m), columns_of(e, m, m->unique_together[i]), "_uniq", e->eng, e->a));
            mn_buf_puts(&b, " UNIQUE (");
            put_cols(e, &b, m, m->unique_together[i], false);
            mn_buf_puts(&b, ")");
        }
    }
    for (size_t i = 0; i < m->nconstraints; i++) {
        if (!inline_constraint(&m->constraints[i]))
            continue;
        mn_buf_puts(&b, ", ");
        constraint_def(e, &b, m, &m->constraints[i]);
    }
    mn_buf_puts(&b, ")");
    emit(e, &b);
}

static void field_index(ed *e, const mn_mig_model *m, const mn_mig_field *f)
{
    const char *table = table_of(e, m), *col = col_of(e, f);
    const char *cols[] = { col, NULL };
    emitf(e, "CREATE INDEX %s ON %s (%s)", qs(e, mn_mig_index_name(table, cols, "", e->eng, e->a)), qs(e, table),
          qs(e, col));
}

static void unique_together_index(ed *e, const mn_mig_model *m, const char *const *names)
{
    const char *table = table_of(e, m);
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    const char *name = mn_mig_index_name(table, columns_of(e, m, names), "_uniq", e->eng, e->a);
    if (e->pg) {
        mn_buf_printf(&b, "ALTER TABLE %s ADD CONSTRAINT %s UNIQUE (", qs(e, table), qs(e, name));
    } else {
        mn_buf_printf(&b, "CREATE UNIQUE INDEX %s ON %s (", qs(e, name), qs(e, table));
    }
    put_cols(e, &b, m, names, false);
    mn_buf_puts(&b, ")");
    emit(e, &b);
}

static void drop_unique_together(ed *e, const mn_mig_model *m, const char *const *names)
{
    const char *table = table_of(e, m);
    const char *name = mn_mig_index_name(table, columns_of(e, m, names), "_uniq", e->eng, e->a);
    if (e->pg)
        emitf(e, "ALTER TABLE %s DROP CONSTRAINT %s", qs(e, table), qs(e, name));
    else
        emitf(e, "DROP INDEX %s", qs(e, name));
}

static void add_index(ed *e, const mn_mig_model *m, const mn_mig_index *ix)
{
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    mn_buf_printf(&b, "CREATE INDEX %s ON %s (", qs(e, ix->name), qs(e, table_of(e, m)));
    put_cols(e, &b, m, ix->fields, true);
    mn_buf_puts(&b, ")");
    const char *cond = ix->q || ix->qc ? any_cond_sql(e, m, ix->q, ix->qc) : ix->condition;
    if (cond)
        mn_buf_printf(&b, " WHERE %s", cond);
    emit(e, &b);
}

static void partial_unique(ed *e, const mn_mig_model *m, const mn_mig_constraint *c)
{
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    mn_buf_printf(&b, "CREATE UNIQUE INDEX %s ON %s (", qs(e, c->name), qs(e, table_of(e, m)));
    put_cols(e, &b, m, c->fields, false);
    const char *cond = c->q || c->qc ? any_cond_sql(e, m, c->q, c->qc) : c->condition;
    mn_buf_printf(&b, ") WHERE %s", cond ? cond : "");
    emit(e, &b);
}

/* Indexes made after CREATE TABLE. */
static void model_indexes(ed *e, const mn_mig_model *m)
{
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i].db_index && !m->fields[i].unique && !m->fields[i].primary_key)
            field_index(e, m, &m->fields[i]);
    if (!e->pg)
        for (size_t i = 0; m->unique_together && m->unique_together[i]; i++)
            unique_together_index(e, m, m->unique_together[i]);
    for (size_t i = 0; i < m->nindexes; i++)
        add_index(e, m, &m->indexes[i]);
    for (size_t i = 0; i < m->nconstraints; i++)
        if (!inline_constraint(&m->constraints[i]))
            partial_unique(e, m, &m->constraints[i]);
}

static void create_model(ed *e, const mn_mig_model *m);

/* The automatic through table of ManyToManyField f of m. */
static void create_through(ed *e, const mn_mig_model *m, const mn_mig_field *f)
{
    if (f->through)
        return; /* a model of its own, created by its CreateModel */
    const mn_mig_model *t = mn__mig_through_model(e->a, m, f);
    if (!t) {
        e->rc = MN_ENOMEM;
        return;
    }
    if (!mn_mig_state_resolve(e->st, f->to)) {
        efail(e, MN_EINVAL, "field %s: the ManyToManyField's target %s is not in the migration state", f->name, f->to);
        return;
    }
    create_model(e, t);
}

static void drop_through(ed *e, const mn_mig_model *m, const mn_mig_field *f)
{
    if (f->through)
        return;
    const mn_mig_model *t = mn__mig_through_model(e->a, m, f);
    if (!t) {
        e->rc = MN_ENOMEM;
        return;
    }
    emitf(e, "DROP TABLE %s%s", qs(e, table_of(e, t)), e->pg ? " CASCADE" : "");
}

static void create_model(ed *e, const mn_mig_model *m)
{
    create_table(e, m, table_of(e, m));
    model_indexes(e, m);
    for (size_t i = 0; i < m->nfields; i++)
        if (!mn__mig_has_column(&m->fields[i]))
            create_through(e, m, &m->fields[i]);
}

int mn_mig_create_model_sql(const mn_mig_model *m, const mn_mig_state *st, mn_db_engine eng, mn_arena *a,
                            mn_list *out, mn_err *err)
{
    ed e = { .eng = eng, .pg = eng == MN_DB_POSTGRES, .a = a, .out = out, .st = st, .err = err };
    create_model(&e, m);
    if (e.rc == MN_ENOMEM)
        mn_err_set(err, MN_ENOMEM, "out of memory");
    return e.rc;
}

/* SQLite's way for what ALTER TABLE cannot do (Django's _remake_table):
 * a new table with the new definition, the rows copied, the old table
 * dropped, the new one renamed, its indexes made. Columns of the new model
 * take the column of the same field in the old one, renamed fields
 * (renames: pairs old, new) theirs, new fields their default. */
static void remake(ed *e, const mn_mig_model *from, const mn_mig_model *to, const char *add_field,
                   const char *add_default)
{
    const char *old_table = table_of(e, from), *table = table_of(e, to);
    const char *tmp = mn_arena_sprintf(e->a, "new__%s", table);
    create_table(e, to, tmp);
    mn_buf cols, sel;
    mn_buf_init(&cols, e->a, 0);
    mn_buf_init(&sel, e->a, 0);
    size_t n = 0;
    for (size_t i = 0; i < to->nfields; i++) {
        const mn_mig_field *f = &to->fields[i];
        if (!mn__mig_has_column(f))
            continue;
        const mn_mig_field *old = mn_mig_model_field(from, f->name);
        if (old && !mn__mig_has_column(old))
            old = NULL;
        mn_buf expr;
        mn_buf_init(&expr, e->a, 0);
        if (old) {
            const char *dflt = add_field && !strcmp(add_field, f->name) && add_default ? add_default : f->default_value;
            if (old->null && !f->null && dflt) {
                mn_buf_puts(&expr, "coalesce(");
                q(&expr, col_of(e, old));
                mn_buf_puts(&expr, ", ");
                if (put_literal(e, &expr, f, dflt) != MN_OK)
                    return;
                mn_buf_puts(&expr, ")");
            } else {
                q(&expr, col_of(e, old));
            }
        } else {
            const char *dflt = add_field && !strcmp(add_field, f->name) && add_default ? add_default : f->default_value;
            if (!dflt)
                continue;
            if (put_literal(e, &expr, f, dflt) != MN_OK)
                return;
        }
        if (n++) {
            mn_buf_puts(&cols, ", ");
            mn_buf_puts(&sel, ", ");
        }
        q(&cols, col_of(e, f));
        mn_buf_put_str(&sel, mn_buf_str(&expr));
    }
    if (n)
        emitf(e, "INSERT INTO %s (%s) SELECT %s FROM %s", qs(e, tmp), mn_buf_cstr(&cols), mn_buf_cstr(&sel),
              qs(e, old_table));
    emitf(e, "DROP TABLE %s", qs(e, old_table));
    emitf(e, "ALTER TABLE %s RENAME TO %s", qs(e, tmp), qs(e, table));
    model_indexes(e, to);
}

static void rename_table(ed *e, const mn_mig_model *from, const mn_mig_model *to)
{
    const char *o = table_of(e, from), *n = table_of(e, to);
    if (strcmp(o, n))
        emitf(e, "ALTER TABLE %s RENAME TO %s", qs(e, o), qs(e, n));
}

/* ---- PostgreSQL catalog helpers: constraints and indexes on a column,
 * whatever their names (Django's and ours differ in places) ---- */

static void pg_drop_by_column(ed *e, const char *table, const char *col, const char *contype)
{
    const char *tq = ls(e, qs(e, table));
    emitf(e,
          "DO $$DECLARE r record; BEGIN FOR r IN SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON "
          "a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.conrelid = %s::regclass AND c.contype = '%s' "
          "AND array_length(c.conkey, 1) = 1 AND a.attname = %s LOOP EXECUTE 'ALTER TABLE ' || %s || ' DROP "
          "CONSTRAINT ' || quote_ident(r.conname); END LOOP; END$$",
          tq, contype, ls(e, col), ls(e, qs(e, table)));
}

static void pg_drop_column_index(ed *e, const mn_mig_model *m, const char *col)
{
    const char *table = table_of(e, m);
    mn_buf keep;
    mn_buf_init(&keep, e->a, 0);
    for (size_t i = 0; i < m->nindexes; i++) {
        mn_buf_puts(&keep, " AND i.relname <> ");
        lit(&keep, m->indexes[i].name);
    }
    emitf(e,
          "DO $$DECLARE r record; BEGIN FOR r IN SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = "
          "x.indexrelid JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0] WHERE x.indrelid = "
          "%s::regclass AND x.indnatts = 1 AND NOT x.indisunique AND NOT x.indisprimary AND a.attname = %s%s LOOP "
          "EXECUTE 'DROP INDEX ' || quote_ident(r.relname); END LOOP; END$$",
          ls(e, qs(e, table)), ls(e, col), mn_buf_cstr(&keep));
}

/* ---- operations ---- */

/* The value existing rows get when a field is added (Django's
 * effective_default): its default, "" for a blank text field, now for
 * auto_now(_add) dates. */
static const char *effective_default(ed *e, const mn_mig_field *f, const char *dflt)
{
    if (dflt || f->null)
        return dflt;
    bool text = f->kind == MN_KIND_CHAR || f->kind == MN_KIND_TEXT || f->kind == MN_KIND_SLUG ||
                f->kind == MN_KIND_EMAIL || f->kind == MN_KIND_URL || f->kind == MN_KIND_FILE ||
                f->kind == MN_KIND_IMAGE;
    if (f->blank && text)
        return "";
    if (f->auto_now || f->auto_now_add) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        char buf[40];
        if (f->kind == MN_KIND_DATE)
            strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        else if (f->kind == MN_KIND_TIME)
            strftime(buf, sizeof buf, "%H:%M:%S", &tm);
        else
            strftime(buf, sizeof buf, e->pg ? "%Y-%m-%d %H:%M:%S+00:00" : "%Y-%m-%d %H:%M:%S", &tm);
        return mn_arena_strdup(e->a, buf);
    }
    return NULL;
}

static void add_field(ed *e, const mn_mig_model *from, const mn_mig_model *to, const mn_mig_field *f,
                      const char *dflt)
{
    const char *table = table_of(e, to);
    if (!mn__mig_has_column(f)) {
        create_through(e, to, f);
        return;
    }
    if (!e->pg) {
        if (f->null && !dflt && !f->unique && !f->primary_key) {
            mn_buf b;
            mn_buf_init(&b, e->a, 0);
            mn_buf_printf(&b, "ALTER TABLE %s ADD COLUMN ", qs(e, table));
            column_def(e, &b, table, f, NULL);
            emit(e, &b);
            if (f->db_index)
                field_index(e, to, f);
        } else {
            remake(e, from, to, f->name, dflt);
        }
        return;
    }
    const char *dsql = NULL;
    if (dflt) {
        mn_buf d;
        mn_buf_init(&d, e->a, 0);
        if (put_literal(e, &d, f, dflt) != MN_OK)
            return;
        dsql = mn_buf_cstr(&d);
    }
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    mn_buf_printf(&b, "ALTER TABLE %s ADD COLUMN ", qs(e, table));
    column_def(e, &b, table, f, dsql);
    emit(e, &b);
    if (dsql)
        emitf(e, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", qs(e, table), qs(e, col_of(e, f)));
    if (f->db_index)
        field_index(e, to, f);
}

static void remove_field(ed *e, const mn_mig_model *from, const mn_mig_model *to, const mn_mig_field *f)
{
    if (!mn__mig_has_column(f)) {
        drop_through(e, from, f);
        return;
    }
    if (!e->pg) {
        remake(e, from, to, NULL, NULL);
        return;
    }
    emitf(e, "ALTER TABLE %s DROP COLUMN %s CASCADE", qs(e, table_of(e, from)), qs(e, col_of(e, f)));
}

static void rename_column(ed *e, const char *table, const char *old, const char *new_col)
{
    if (strcmp(old, new_col))
        emitf(e, "ALTER TABLE %s RENAME COLUMN %s TO %s", qs(e, table), qs(e, old), qs(e, new_col));
}

/* Whether the database sees no difference between two fields (choices,
 * verbose names, defaults and blank live in the models only). */
static bool db_same(ed *e, const mn_mig_field *o, const mn_mig_field *n)
{
    return !strcmp(sql_type(e, o, true), sql_type(e, n, true)) && !strcmp(col_of(e, o), col_of(e, n)) &&
           o->kind == n->kind && o->null == n->null && o->unique == n->unique && o->primary_key == n->primary_key &&
           o->db_index == n->db_index && mn__mig_streq(o->to, n->to) && o->on_delete == n->on_delete;
}

static void alter_field(ed *e, const mn_mig_model *from, const mn_mig_model *to, const mn_mig_field *o,
                        const mn_mig_field *n, const char *fill)
{
    if (!mn__mig_has_column(o) || !mn__mig_has_column(n)) {
        if (mn__mig_has_column(o) != mn__mig_has_column(n) || !mn__mig_streq(o->through, n->through) ||
            !mn__mig_streq(o->to, n->to)) {
            efail(e, MN_EINVAL,
                  "AlterField %s.%s: a field cannot change to or from a ManyToManyField, nor change its target or "
                  "through model; remove it and add a new one",
                  to->name, n->name);
            return;
        }
        if (!o->through) {
            const mn_mig_model *ot = mn__mig_through_model(e->a, from, o), *nt = mn__mig_through_model(e->a, to, n);
            if (!ot || !nt) {
                e->rc = MN_ENOMEM;
                return;
            }
            rename_table(e, ot, nt);
        }
        return;
    }
    if (db_same(e, o, n))
        return;
    if (!e->pg) {
        const char *oc = col_of(e, o), *nc = col_of(e, n);
        mn_mig_field same = *o;
        same.name = n->name;
        same.db_column = n->db_column;
        if (!strcmp(oc, nc) || !db_same(e, &same, n)) {
            /* A rebuild copies by field name: map the old field onto the
             * new name first. */
            mn_mig_model *src = mn__mig_model_copy(e->a, from);
            if (!src) {
                e->rc = MN_ENOMEM;
                return;
            }
            mn_mig_field *sf = mn_mig_model_field(src, o->name);
            sf->name = n->name;
            remake(e, src, to, n->name, fill);
        } else {
            rename_column(e, table_of(e, to), oc, nc);
        }
        return;
    }
    const char *table = table_of(e, to);
    const char *oc = col_of(e, o), *col = col_of(e, n);
    if (o->primary_key != n->primary_key) {
        efail(e, MN_EINVAL, "AlterField %s.%s: changing the primary key is not supported on PostgreSQL", to->name,
              n->name);
        return;
    }
    rename_column(e, table, oc, col);
    const char *ot = sql_type(e, o, true), *nt = sql_type(e, n, true);
    bool type_change = strcmp(ot, nt) != 0;
    bool fk_change = mn__mig_is_fk(o->kind) &&
                     (!mn__mig_is_fk(n->kind) || !mn__mig_streq(o->to, n->to) || o->on_delete != n->on_delete ||
                      type_change);
    if (fk_change)
        pg_drop_by_column(e, table, col, "f");
    if (o->unique && !n->unique)
        pg_drop_by_column(e, table, col, "u");
    if (o->db_index && !n->db_index)
        pg_drop_column_index(e, from, col);
    if (type_change)
        emitf(e, "ALTER TABLE %s ALTER COLUMN %s TYPE %s USING %s::%s", qs(e, table), qs(e, col), nt, qs(e, col), nt);
    if (o->null && !n->null && (fill || n->default_value)) {
        mn_buf v;
        mn_buf_init(&v, e->a, 0);
        if (put_literal(e, &v, n, fill ? fill : n->default_value) != MN_OK)
            return;
        emitf(e, "UPDATE %s SET %s = %s WHERE %s IS NULL", qs(e, table), qs(e, col), mn_buf_cstr(&v), qs(e, col));
    }
    if (o->null != n->null)
        emitf(e, "ALTER TABLE %s ALTER COLUMN %s %s NOT NULL", qs(e, table), qs(e, col), n->null ? "DROP" : "SET");
    if (!o->unique && n->unique) {
        const char *cols[] = { col, NULL };
        emitf(e, "ALTER TABLE %s ADD CONSTRAINT %s UNIQUE (%s)", qs(e, table),
              qs(e, mn_mig_index_name(table, cols, "_uniq", e->eng, e->a)), qs(e, col));
    }
    if (!o->db_index && n->db_index)
        field_index(e, to, n);
    if (mn__mig_is_fk(n->kind) && (!mn__mig_is_fk(o->kind) || fk_change)) {
        const mn_mig_model *target = mn_mig_state_resolve(e->st, n->to);
        if (!target) {
            efail(e, MN_EINVAL, "field %s: the ForeignKey's target %s is not in the migration state", n->name, n->to);
            return;
        }
        const mn_mig_field *pk = pk_of(target);
        const char *tt = table_of(e, target), *tc = pk ? col_of(e, pk) : "id";
        emitf(e, "ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s)%s DEFERRABLE INITIALLY DEFERRED",
              qs(e, table), qs(e, fk_name(e, table, col, tt, tc)), qs(e, col), qs(e, tt), qs(e, tc),
              n->on_delete == MN_CASCADE ? " ON DELETE CASCADE" : n->on_delete == MN_SET_NULL ? " ON DELETE SET NULL" : "");
    }
}

static void add_constraint(ed *e, const mn_mig_model *from, const mn_mig_model *to, const mn_mig_constraint *c)
{
    if (!inline_constraint(c)) {
        partial_unique(e, to, c);
        return;
    }
    if (!e->pg) {
        remake(e, from, to, NULL, NULL);
        return;
    }
    mn_buf b;
    mn_buf_init(&b, e->a, 0);
    mn_buf_printf(&b, "ALTER TABLE %s ADD ", qs(e, table_of(e, to)));
    constraint_def(e, &b, to, c);
    emit(e, &b);
}

static void remove_constraint(ed *e, const mn_mig_model *from, const mn_mig_model *to, const mn_mig_constraint *c)
{
    if (!inline_constraint(c)) {
        emitf(e, "DROP INDEX %s", qs(e, c->name));
        return;
    }
    if (!e->pg) {
        remake(e, from, to, NULL, NULL);
        return;
    }
    emitf(e, "ALTER TABLE %s DROP CONSTRAINT %s", qs(e, table_of(e, from)), qs(e, c->name));
}

static bool ut_has(const char *const *const *ut, const char *const *names)
{
    for (size_t i = 0; ut && ut[i]; i++)
        if (mn__mig_names_eq(ut[i], names))
            return true;
    return false;
}

static void alter_unique_together(ed *e, const mn_mig_model *from, const mn_mig_model *to)
{
    const char *const *const *o = (const char *const *const *)from->unique_together;
    const char *const *const *n = (const char *const *const *)to->unique_together;
    for (size_t i = 0; o && o[i]; i++)
        if (!ut_has(n, o[i]))
            drop_unique_together(e, from, o[i]);
    for (size_t i = 0; n && n[i]; i++)
        if (!ut_has(o, n[i]))
            unique_together_index(e, to, n[i]);
}

static const mn_mig_index *index_named(const mn_mig_model *m, const char *name)
{
    for (size_t i = 0; m && i < m->nindexes; i++)
        if (!strcmp(m->indexes[i].name, name))
            return &m->indexes[i];
    return NULL;
}

static const mn_mig_constraint *constraint_named(const mn_mig_model *m, const char *name)
{
    for (size_t i = 0; m && i < m->nconstraints; i++)
        if (!strcmp(m->constraints[i].name, name))
            return &m->constraints[i];
    return NULL;
}

static void run_sql(ed *e, const char *const *sql)
{
    for (size_t i = 0; sql && sql[i]; i++) {
        /* One entry may hold several statements; they run as written. */
        mn_buf b;
        mn_buf_init(&b, e->a, 0);
        mn_buf_puts(&b, sql[i]);
        mn_str s = mn_str_trim(mn_buf_str(&b));
        while (s.len && s.ptr[s.len - 1] == ';')
            s = mn_str_trim(mn_str_make(s.ptr, s.len - 1));
        if (s.len && mn_list_push(e->out, mn_value_str(s)) != MN_OK)
            e->rc = MN_ENOMEM;
    }
}

/* A renamed model or table takes its automatic through tables along, and
 * the through columns named after a renamed model follow it (as Django's
 * RenameModel and AlterModelTable do). */
static void rename_throughs(ed *e, const mn_mig_model *fm, const mn_mig_model *tm, const mn_mig_state *to)
{
    const char *oref = mn__mig_lower(e->a, mn_arena_sprintf(e->a, "%s.%s", fm->app, fm->name));
    const char *nref = mn__mig_lower(e->a, mn_arena_sprintf(e->a, "%s.%s", tm->app, tm->name));
    bool renamed = strcmp(oref, nref) != 0;
    for (size_t i = 0; i < tm->nfields; i++) {
        const mn_mig_field *nf = &tm->fields[i];
        const mn_mig_field *of = mn_mig_model_field(fm, nf->name);
        if (mn__mig_has_column(nf) || nf->through || !of || mn__mig_has_column(of))
            continue;
        const mn_mig_model *ot = mn__mig_through_model(e->a, fm, of), *nt = mn__mig_through_model(e->a, tm, nf);
        if (!ot || !nt) {
            e->rc = MN_ENOMEM;
            return;
        }
        rename_table(e, ot, nt);
        for (size_t k = 1; renamed && k < 3; k++)
            rename_column(e, table_of(e, nt), col_of(e, &ot->fields[k]), col_of(e, &nt->fields[k]));
    }
    /* Other models' many-to-many fields pointing at the renamed model. */
    for (size_t m = 0; renamed && m < to->nmodels; m++) {
        const mn_mig_model *om = to->models[m];
        if (om == tm)
            continue;
        for (size_t i = 0; i < om->nfields; i++) {
            const mn_mig_field *f = &om->fields[i];
            if (mn__mig_has_column(f) || f->through || !f->to || strcmp(f->to, nref))
                continue;
            mn_mig_field before = *f;
            before.to = oref;
            const mn_mig_model *ot = mn__mig_through_model(e->a, om, &before), *nt = mn__mig_through_model(e->a, om, f);
            if (!ot || !nt) {
                e->rc = MN_ENOMEM;
                return;
            }
            rename_column(e, table_of(e, nt), col_of(e, &ot->fields[2]), col_of(e, &nt->fields[2]));
        }
    }
}

int mn_mig_op_sql(const mn_mig_op *op, const char *app, const mn_mig_state *from, const mn_mig_state *to,
                  mn_db_engine eng, bool back, mn_arena *a, mn_list *out, mn_err *err)
{
    ed e = { .eng = eng, .pg = eng == MN_DB_POSTGRES, .a = a, .out = out, .st = to, .err = err };
    const char *what = mn_mig_op_name(op->kind);
    const mn_mig_model *fm = NULL, *tm = NULL;
    const char *mn_from = NULL, *mn_to = NULL;
    switch (op->kind) {
    case MN_OP_CREATE_MODEL: mn_from = mn_to = op->model->name; break;
    case MN_OP_RENAME_MODEL:
        mn_from = back ? op->new_name : op->old_name;
        mn_to = back ? op->old_name : op->new_name;
        break;
    case MN_OP_DELETE_MODEL: case MN_OP_ALTER_MODEL_TABLE: case MN_OP_ALTER_MODEL_OPTIONS:
    case MN_OP_ALTER_UNIQUE_TOGETHER:
        mn_from = mn_to = op->name;
        break;
    case MN_OP_RUN_SQL:
        if (back && !op->reverse_sql)
            return mn_err_set(err, MN_EINVAL, "RunSQL is irreversible (it has no reverse_sql)");
        run_sql(&e, (const char *const *)(back ? op->reverse_sql : op->sql));
        return e.rc == MN_ENOMEM ? mn_err_set(err, MN_ENOMEM, "out of memory") : e.rc;
    case MN_OP_RUN_C: return MN_OK;
    default: mn_from = mn_to = op->model_name; break;
    }
    fm = mn_mig_state_find(from, app, mn_from);
    tm = mn_mig_state_find(to, app, mn_to);
    /* Forwards, a created model exists only after; backwards only before
     * (and the reverse for deleted ones). */
    bool need_from = !((op->kind == MN_OP_CREATE_MODEL && !back) || (op->kind == MN_OP_DELETE_MODEL && back));
    bool need_to = !((op->kind == MN_OP_CREATE_MODEL && back) || (op->kind == MN_OP_DELETE_MODEL && !back));
    if ((need_from && !fm) || (need_to && !tm))
        return mn_err_set(err, MN_EINVAL, "%s: no model %s.%s in the migration state", what, app,
                          need_from && !fm ? mn_from : mn_to);
    if (need_from && !need_to)
        e.st = from;
    const char *fname;
    const mn_mig_field *of, *nf;
    switch (op->kind) {
    case MN_OP_CREATE_MODEL:
    case MN_OP_DELETE_MODEL:
        if ((op->kind == MN_OP_CREATE_MODEL) != back) {
            create_model(&e, tm);
        } else {
            for (size_t i = 0; i < fm->nfields; i++)
                if (!mn__mig_has_column(&fm->fields[i]))
                    drop_through(&e, fm, &fm->fields[i]);
            emitf(&e, "DROP TABLE %s%s", qs(&e, table_of(&e, fm)), e.pg ? " CASCADE" : "");
        }
        break;
    case MN_OP_RENAME_MODEL:
    case MN_OP_ALTER_MODEL_TABLE:
        rename_table(&e, fm, tm);
        rename_throughs(&e, fm, tm, to);
        break;
    case MN_OP_ALTER_MODEL_OPTIONS: break;
    case MN_OP_ADD_FIELD:
    case MN_OP_REMOVE_FIELD:
        fname = op->name;
        if ((op->kind == MN_OP_ADD_FIELD) != back) {
            nf = mn_mig_model_field(tm, fname);
            if (!nf)
                return mn_err_set(err, MN_EINVAL, "%s: %s has no field %s", what, tm->name, fname);
            add_field(&e, fm, tm, nf,
                      effective_default(&e, nf, op->kind == MN_OP_ADD_FIELD ? op->field.default_value : nf->default_value));
        } else {
            of = mn_mig_model_field(fm, fname);
            if (!of)
                return mn_err_set(err, MN_EINVAL, "%s: %s has no field %s", what, fm->name, fname);
            remove_field(&e, fm, tm, of);
        }
        break;
    case MN_OP_ALTER_FIELD:
    case MN_OP_RENAME_FIELD: {
        const char *on = op->kind == MN_OP_ALTER_FIELD ? op->name : back ? op->new_name : op->old_name;
        const char *nn = op->kind == MN_OP_ALTER_FIELD ? op->name : back ? op->old_name : op->new_name;
        of = mn_mig_model_field(fm, on);
        nf = mn_mig_model_field(tm, nn);
        if (!of || !nf)
            return mn_err_set(err, MN_EINVAL, "%s: %s has no field %s", what, fm->name, of ? nn : on);
        if (op->kind == MN_OP_RENAME_FIELD)
            rename_column(&e, table_of(&e, tm), col_of(&e, of), col_of(&e, nf));
        else
            alter_field(&e, fm, tm, of, nf, back ? NULL : op->field.default_value);
        break;
    }
    case MN_OP_ADD_INDEX:
    case MN_OP_REMOVE_INDEX: {
        const char *iname = op->kind == MN_OP_ADD_INDEX ? op->index.name : op->name;
        if ((op->kind == MN_OP_ADD_INDEX) != back) {
            const mn_mig_index *ix = index_named(tm, iname);
            if (!ix)
                return mn_err_set(err, MN_EINVAL, "%s: %s has no index %s", what, tm->name, iname);
            add_index(&e, tm, ix);
        } else {
            emitf(&e, "DROP INDEX %s", qs(&e, iname));
        }
        break;
    }
    case MN_OP_ADD_CONSTRAINT:
    case MN_OP_REMOVE_CONSTRAINT: {
        const char *cname = op->kind == MN_OP_ADD_CONSTRAINT ? op->constraint.name : op->name;
        bool adding = (op->kind == MN_OP_ADD_CONSTRAINT) != back;
        const mn_mig_constraint *c = constraint_named(adding ? tm : fm, cname);
        if (!c)
            return mn_err_set(err, MN_EINVAL, "%s: %s has no constraint %s", what, (adding ? tm : fm)->name, cname);
        if (adding)
            add_constraint(&e, fm, tm, c);
        else
            remove_constraint(&e, fm, tm, c);
        break;
    }
    case MN_OP_ALTER_UNIQUE_TOGETHER: alter_unique_together(&e, fm, tm); break;
    default: break;
    }
    if (e.rc == MN_ENOMEM || mn_arena_failed(a))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    if (e.rc != MN_OK)
        mn_err_prefix(err, "%s: ", what);
    return e.rc;
}
