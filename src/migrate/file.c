/* Migrations: the JSON file format (strict parser and readable writer). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "manouche/json.h"
#include "migrate_internal.h"

int mn__mig_default_max_length(mn_field_kind k)
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

bool mn__mig_default_db_index(mn_field_kind k) { return k == MN_KIND_SLUG || mn__mig_is_fk(k); }

static const char *const on_delete_names[] = { "CASCADE", "PROTECT", "SET_NULL", "DO_NOTHING",
                                               "RESTRICT", "SET_DEFAULT", "SET" };
#define N_ON_DELETE (sizeof on_delete_names / sizeof *on_delete_names)

/* ---- parsing ---- */

typedef struct pctx {
    mn_arena *a;
    const char *label;
    size_t opno;       /* 1-based; 0 outside operations */
    const char *opname;
    mn_err *err;
} pctx;

static int fail(pctx *c, const char *fmt, ...) MN_PRINTF(2, 3);
static int fail(pctx *c, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->opno)
        return mn_err_set(c->err, MN_EPARSE, "%s: operation %zu (%s): %s", c->label, c->opno,
                          c->opname ? c->opname : "?", msg);
    return mn_err_set(c->err, MN_EPARSE, "%s: %s", c->label, msg);
}

static int check_keys(pctx *c, const mn_map *m, const char *what, const char *const *allowed)
{
    for (size_t i = 0; i < mn_map_len(m); i++) {
        mn_str k = mn_map_key_at(m, i);
        bool ok = false;
        for (size_t j = 0; allowed[j] && !ok; j++)
            ok = mn_str_eq_cstr(k, allowed[j]);
        if (!ok)
            return fail(c, "%s: unknown key '%.*s'", what, MN_STR_FMT(k));
    }
    return MN_OK;
}

static bool ident_ok(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/* A string member: *out NULL when absent (or JSON null when nullable). */
static int get_str(pctx *c, const mn_map *m, const char *key, bool required, bool nullable, const char **out)
{
    mn_value *v = mn_map_find(m, mn_str_from(key));
    *out = NULL;
    if (!v || (nullable && mn_value_is_null(*v))) {
        if (required)
            return fail(c, "'%s' is required", key);
        return MN_OK;
    }
    if (v->type != MN_VALUE_STR || !v->u.s.len)
        return fail(c, "'%s' must be a non-empty string", key);
    *out = v->u.s.ptr; /* the parser NUL-terminates strings */
    return MN_OK;
}

static int get_ident(pctx *c, const mn_map *m, const char *key, const char **out)
{
    int rc = get_str(c, m, key, true, false, out);
    if (rc == MN_OK && !ident_ok(*out))
        return fail(c, "'%s' must be a name (letters, digits, '_'), not '%s'", key, *out);
    return rc;
}

static int get_bool(pctx *c, const mn_map *m, const char *key, bool dflt, bool *out)
{
    mn_value *v = mn_map_find(m, mn_str_from(key));
    *out = dflt;
    if (!v)
        return MN_OK;
    if (v->type != MN_VALUE_BOOL)
        return fail(c, "'%s' must be true or false", key);
    *out = v->u.b;
    return MN_OK;
}

static int get_int(pctx *c, const mn_map *m, const char *key, int dflt, int *out)
{
    mn_value *v = mn_map_find(m, mn_str_from(key));
    *out = dflt;
    if (!v)
        return MN_OK;
    if (v->type != MN_VALUE_INT || v->u.i < 0 || v->u.i > 1000000000)
        return fail(c, "'%s' must be a non-negative integer", key);
    *out = (int)v->u.i;
    return MN_OK;
}

/* A list of strings as a NULL-terminated array (absent: NULL). names:
 * each must be a field name, optionally with '-' when desc_ok. */
static int str_list(pctx *c, mn_value v, const char *key, bool names, bool desc_ok, const char ***out)
{
    *out = NULL;
    if (v.type != MN_VALUE_LIST)
        return fail(c, "'%s' must be a list of strings", key);
    size_t n = mn_list_len(v.u.list);
    const char **r = mn_arena_calloc(c->a, n + 1, sizeof *r);
    if (!r)
        return mn_err_set(c->err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mn_value e = mn_list_get(v.u.list, i);
        if (e.type != MN_VALUE_STR || !e.u.s.len)
            return fail(c, "'%s' must be a list of non-empty strings", key);
        const char *s = e.u.s.ptr;
        if (names && !ident_ok(desc_ok && s[0] == '-' ? s + 1 : s))
            return fail(c, "'%s': '%s' is not a field name", key, s);
        r[i] = s;
    }
    *out = r;
    return MN_OK;
}

static int get_names(pctx *c, const mn_map *m, const char *key, bool required, bool desc_ok, const char ***out)
{
    mn_value *v = mn_map_find(m, mn_str_from(key));
    *out = NULL;
    if (!v) {
        if (required)
            return fail(c, "'%s' is required", key);
        return MN_OK;
    }
    int rc = str_list(c, *v, key, true, desc_ok, out);
    if (rc == MN_OK && required && !(*out)[0])
        return fail(c, "'%s' must not be empty", key);
    return rc;
}

static int get_obj(pctx *c, const mn_map *m, const char *key, bool required, const mn_map **out)
{
    mn_value *v = mn_map_find(m, mn_str_from(key));
    *out = NULL;
    if (!v) {
        if (required)
            return fail(c, "'%s' is required", key);
        return MN_OK;
    }
    if (v->type != MN_VALUE_MAP)
        return fail(c, "'%s' must be an object", key);
    *out = v->u.map;
    return MN_OK;
}

/* A Q tree, as Django serializes Q: {"connector": "AND"|"OR", "negated":
 * bool, "children": [[lookup, value], {...}, ...]}; a value is a string,
 * null, or {"F": "field"}. A plain AND of one child is that child. */
static int parse_qc(pctx *c, const mn_value *v, int depth, const mn_qc **out)
{
    static const char *const keys[] = { "connector", "negated", "children", NULL };
    if (depth > 32)
        return fail(c, "'q': a condition nested more than 32 levels deep");
    if (v->type != MN_VALUE_MAP)
        return fail(c, "'q': a Q object must be {\"connector\", \"negated\", \"children\"}");
    const mn_map *m = v->u.map;
    int rc = check_keys(c, m, "q", keys);
    if (rc != MN_OK)
        return rc;
    const mn_value *cn = mn_map_find(m, mn_str_from("connector"));
    const mn_value *ng = mn_map_find(m, mn_str_from("negated"));
    const mn_value *ch = mn_map_find(m, mn_str_from("children"));
    if (!cn || cn->type != MN_VALUE_STR || (!mn_str_eq_cstr(cn->u.s, "AND") && !mn_str_eq_cstr(cn->u.s, "OR")))
        return fail(c, "'q': 'connector' must be \"AND\" or \"OR\"");
    if (!ng || ng->type != MN_VALUE_BOOL)
        return fail(c, "'q': 'negated' must be true or false");
    if (!ch || ch->type != MN_VALUE_LIST || !mn_list_len(ch->u.list))
        return fail(c, "'q': 'children' must be a non-empty list");
    bool any = mn_str_eq_cstr(cn->u.s, "OR"), neg = ng->u.b;
    size_t n = mn_list_len(ch->u.list);
    const mn_qc **args = mn_arena_calloc(c->a, n + 1, sizeof *args);
    if (!args)
        return mn_err_set(c->err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mn_value k = mn_list_get(ch->u.list, i);
        if (k.type == MN_VALUE_MAP) {
            if ((rc = parse_qc(c, &k, depth + 1, &args[i])) != MN_OK)
                return rc;
            continue;
        }
        if (k.type != MN_VALUE_LIST || mn_list_len(k.u.list) != 2 || mn_list_get(k.u.list, 0).type != MN_VALUE_STR ||
            !mn_list_get(k.u.list, 0).u.s.len)
            return fail(c, "'q': a child must be a Q object or a [lookup, value] pair");
        mn_qc *leaf = mn_arena_calloc(c->a, 1, sizeof *leaf);
        if (!leaf)
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        leaf->op = MN_QC_LOOKUP;
        leaf->lookup = mn_list_get(k.u.list, 0).u.s.ptr;
        mn_value val = mn_list_get(k.u.list, 1);
        if (val.type == MN_VALUE_STR) {
            leaf->value = val.u.s.ptr;
        } else if (val.type == MN_VALUE_MAP) {
            const mn_value *f = mn_map_find(val.u.map, mn_str_from("F"));
            if (mn_map_len(val.u.map) != 1 || !f || f->type != MN_VALUE_STR || !ident_ok(f->u.s.ptr))
                return fail(c, "'q': lookup %s: a field reference is {\"F\": \"field_name\"}", leaf->lookup);
            leaf->f = f->u.s.ptr;
        } else if (val.type != MN_VALUE_NULL) {
            return fail(c, "'q': lookup %s: the value must be a string, null or {\"F\": \"field\"}", leaf->lookup);
        }
        args[i] = leaf;
    }
    if (!any && !neg && n == 1) {
        *out = args[0];
        return MN_OK;
    }
    mn_qc *node = mn_arena_calloc(c->a, 1, sizeof *node);
    if (!node)
        return mn_err_set(c->err, MN_ENOMEM, "out of memory");
    node->op = neg ? MN_QC_NONE : any ? MN_QC_ANY : MN_QC_ALL;
    node->args = args;
    if (neg && any) { /* ~(a | b): NOT of the OR */
        mn_qc *inner = mn_arena_calloc(c->a, 1, sizeof *inner);
        const mn_qc **one = mn_arena_calloc(c->a, 2, sizeof *one);
        if (!inner || !one)
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        inner->op = MN_QC_ANY;
        inner->args = args;
        one[0] = inner;
        node->args = one;
    }
    *out = node;
    return MN_OK;
}

/* "q": [["price__gte", "0"], ...] (lookups that must all hold) or a Q tree */
static int get_q(pctx *c, const mn_map *m, const mn_cond **out, const mn_qc **tree)
{
    mn_value *v = mn_map_find(m, mn_str_from("q"));
    *out = NULL;
    *tree = NULL;
    if (!v)
        return MN_OK;
    if (v->type == MN_VALUE_MAP)
        return parse_qc(c, v, 0, tree);
    if (v->type != MN_VALUE_LIST || !mn_list_len(v->u.list))
        return fail(c, "'q' must be a non-empty list of [lookup, value] pairs or a Q object");
    size_t n = mn_list_len(v->u.list);
    mn_cond *q = mn_arena_calloc(c->a, n + 1, sizeof *q);
    if (!q)
        return mn_err_set(c->err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mn_value p = mn_list_get(v->u.list, i);
        if (p.type != MN_VALUE_LIST || mn_list_len(p.u.list) != 2 || mn_list_get(p.u.list, 0).type != MN_VALUE_STR ||
            mn_list_get(p.u.list, 1).type != MN_VALUE_STR || !mn_list_get(p.u.list, 0).u.s.len)
            return fail(c, "'q' must be a non-empty list of [lookup, value] pairs of strings");
        q[i].lookup = mn_list_get(p.u.list, 0).u.s.ptr;
        q[i].value = mn_list_get(p.u.list, 1).u.s.ptr;
    }
    *out = q;
    return MN_OK;
}

static mn_field_kind kind_of(const char *type)
{
    for (int k = MN_KIND_AUTO; k <= MN_KIND_FOREIGNKEY; k++)
        if (!strcmp(mn__kind_name((mn_field_kind)k), type))
            return (mn_field_kind)k;
    return MN_KIND_END;
}

static int parse_field(pctx *c, const mn_map *m, bool with_name, mn_mig_field *f)
{
    static const char *const keys[] = { "name", "type", "db_column", "max_length", "max_digits", "decimal_places",
                                        "null", "blank", "unique", "primary_key", "db_index", "editable",
                                        "auto_now", "auto_now_add", "default", "default_callable",
                                        "verbose_name", "help_text", "choices", "to", "on_delete",
                                        "on_delete_value", "related_name", "related_query_name", "through",
                                        "db_table", NULL };
    int rc;
    memset(f, 0, sizeof *f);
    if ((rc = check_keys(c, m, "field", keys + (with_name ? 0 : 1))) != MN_OK)
        return rc;
    if (with_name && (rc = get_ident(c, m, "name", &f->name)) != MN_OK)
        return rc;
    const char *type;
    if ((rc = get_str(c, m, "type", true, false, &type)) != MN_OK)
        return rc;
    f->kind = kind_of(type);
    if (!strcmp(type, "OneToOneField")) {
        f->kind = MN_KIND_FOREIGNKEY;
        f->one_to_one = true;
    } else if (!strcmp(type, "ManyToManyField")) {
        f->kind = MN_MIG_KIND_M2M;
    }
    if (f->kind == MN_KIND_END)
        return fail(c, "field%s%s: unknown type '%s'", f->name ? " " : "", f->name ? f->name : "", type);
    int dflt_len = mn__mig_default_max_length(f->kind);
    bool dbi;
    if ((rc = get_str(c, m, "db_column", false, false, &f->db_column)) || (rc = get_int(c, m, "max_length", dflt_len, &f->max_length)) ||
        (rc = get_int(c, m, "max_digits", 0, &f->max_digits)) ||
        (rc = get_int(c, m, "decimal_places", 0, &f->decimal_places)) || (rc = get_bool(c, m, "null", false, &f->null)) ||
        (rc = get_bool(c, m, "blank", false, &f->blank)) || (rc = get_bool(c, m, "unique", false, &f->unique)) ||
        (rc = get_bool(c, m, "primary_key", false, &f->primary_key)) ||
        (rc = get_bool(c, m, "editable", true, &f->editable)) || (rc = get_bool(c, m, "auto_now", false, &f->auto_now)) ||
        (rc = get_bool(c, m, "auto_now_add", false, &f->auto_now_add)) ||
        (rc = get_bool(c, m, "default_callable", false, &f->default_callable)) ||
        (rc = get_str(c, m, "verbose_name", false, false, &f->verbose_name)) ||
        (rc = get_str(c, m, "help_text", false, false, &f->help_text)))
        return rc;
    if (f->one_to_one)
        f->unique = true;
    if ((rc = get_str(c, m, "related_name", false, false, &f->related_name)) ||
        (rc = get_str(c, m, "related_query_name", false, false, &f->related_query_name)))
        return rc;
    if (f->kind == MN_MIG_KIND_M2M) {
        static const char *const m2m_keys[] = { "name", "type", "to", "through", "db_table", "related_name",
                                                "related_query_name", "blank", "verbose_name", "help_text", NULL };
        if ((rc = check_keys(c, m, "ManyToManyField", m2m_keys + (with_name ? 0 : 1))) ||
            (rc = get_str(c, m, "to", true, false, &f->to)) || (rc = get_str(c, m, "through", false, false, &f->through)) ||
            (rc = get_str(c, m, "db_table", false, false, &f->m2m_db_table)))
            return rc;
        const char *dot = strchr(f->to, '.');
        if (!dot || dot == f->to || !ident_ok(dot + 1))
            return fail(c, "field %s: 'to' must be \"app.model\", not '%s'", f->name ? f->name : "", f->to);
        f->to = mn__mig_lower(c->a, f->to);
        if (f->through) {
            dot = strchr(f->through, '.');
            if (!dot || dot == f->through || !ident_ok(dot + 1))
                return fail(c, "field %s: 'through' must be \"app.model\", not '%s'", f->name ? f->name : "",
                            f->through);
            f->through = mn__mig_lower(c->a, f->through);
            if (f->m2m_db_table)
                return fail(c, "field %s: 'db_table' is for the automatic through table, not with 'through'",
                            f->name ? f->name : "");
        }
        f->max_length = 0;
        return MN_OK;
    }
    if (mn_map_has(m, mn_str_from("through")) || mn_map_has(m, mn_str_from("db_table")))
        return fail(c, "field %s: 'through' and 'db_table' belong to a ManyToManyField", f->name ? f->name : "");
    bool plain = !f->unique && !f->primary_key;
    if ((rc = get_bool(c, m, "db_index", mn__mig_default_db_index(f->kind) && plain, &dbi)) != MN_OK)
        return rc;
    f->db_index = dbi && plain;
    if (f->kind == MN_KIND_CHAR && f->max_length <= 0)
        return fail(c, "field %s: a CharField needs 'max_length'", f->name ? f->name : "");
    if (f->kind == MN_KIND_DECIMAL &&
        (f->max_digits <= 0 || f->max_digits > 38 || f->decimal_places > f->max_digits))
        return fail(c, "field %s: a DecimalField needs 0 < max_digits <= 38 and decimal_places <= max_digits",
                    f->name ? f->name : "");
    mn_value *d = mn_map_find(m, mn_str_from("default"));
    if (d && !mn_value_is_null(*d)) {
        if (d->type == MN_VALUE_STR)
            f->default_value = d->u.s.ptr;
        else if (d->type == MN_VALUE_INT)
            f->default_value = mn_arena_sprintf(c->a, "%lld", (long long)d->u.i);
        else if (d->type == MN_VALUE_BOOL)
            f->default_value = d->u.b ? "true" : "false";
        else
            return fail(c, "field %s: 'default' must be a string, an integer or a boolean", f->name ? f->name : "");
    }
    mn_value *ch = mn_map_find(m, mn_str_from("choices"));
    if (ch) {
        if (ch->type != MN_VALUE_LIST)
            return fail(c, "'choices' must be a list of [value, label] pairs");
        size_t n = mn_list_len(ch->u.list);
        mn_choice *cs = mn_arena_calloc(c->a, n + 1, sizeof *cs);
        if (!cs)
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            mn_value p = mn_list_get(ch->u.list, i);
            if (p.type != MN_VALUE_LIST || mn_list_len(p.u.list) != 2 ||
                mn_list_get(p.u.list, 0).type != MN_VALUE_STR || mn_list_get(p.u.list, 1).type != MN_VALUE_STR)
                return fail(c, "'choices' must be a list of [value, label] pairs of strings");
            cs[i].value = mn_list_get(p.u.list, 0).u.s.ptr;
            cs[i].label = mn_list_get(p.u.list, 1).u.s.ptr;
        }
        f->choices = n ? cs : NULL;
    }
    if (mn__mig_is_fk(f->kind)) {
        if ((rc = get_str(c, m, "to", true, false, &f->to)) != MN_OK)
            return rc;
        const char *dot = strchr(f->to, '.');
        if (!dot || dot == f->to || !ident_ok(dot + 1))
            return fail(c, "field %s: 'to' must be \"app.model\", not '%s'", f->name ? f->name : "", f->to);
        f->to = mn__mig_lower(c->a, f->to);
        const char *od;
        if ((rc = get_str(c, m, "on_delete", false, false, &od)) != MN_OK)
            return rc;
        f->on_delete = MN_CASCADE;
        if (od) {
            size_t i = 0;
            while (i < N_ON_DELETE && strcmp(od, on_delete_names[i]))
                i++;
            if (i == N_ON_DELETE)
                return fail(c,
                            "field %s: unknown on_delete '%s' (CASCADE, PROTECT, SET_NULL, DO_NOTHING, RESTRICT, "
                            "SET_DEFAULT, SET)",
                            f->name ? f->name : "", od);
            f->on_delete = (mn_on_delete)i;
        }
        if ((rc = get_str(c, m, "on_delete_value", false, false, &f->on_delete_value)) != MN_OK)
            return rc;
        if (f->on_delete_value && f->on_delete != MN_SET)
            return fail(c, "field %s: 'on_delete_value' goes with on_delete SET", f->name ? f->name : "");
    } else if (mn_map_has(m, mn_str_from("to")) || mn_map_has(m, mn_str_from("on_delete")) ||
               mn_map_has(m, mn_str_from("on_delete_value")) || f->related_name || f->related_query_name) {
        return fail(c, "field %s: 'to', 'on_delete' and related names belong to a relation", f->name ? f->name : "");
    }
    return MN_OK;
}

static int parse_index(pctx *c, const mn_map *m, mn_mig_index *ix)
{
    static const char *const keys[] = { "name", "fields", "condition", "q", NULL };
    int rc;
    memset(ix, 0, sizeof *ix);
    if ((rc = check_keys(c, m, "index", keys)) || (rc = get_str(c, m, "name", true, false, &ix->name)) ||
        (rc = get_names(c, m, "fields", true, true, (const char ***)&ix->fields)) ||
        (rc = get_str(c, m, "condition", false, false, &ix->condition)) || (rc = get_q(c, m, &ix->q, &ix->qc)))
        return rc;
    if (ix->condition && (ix->q || ix->qc))
        return fail(c, "index %s: give 'condition' or 'q', not both", ix->name);
    return MN_OK;
}

static int parse_constraint(pctx *c, const mn_map *m, mn_mig_constraint *k)
{
    static const char *const keys[] = { "type", "name", "check", "fields", "condition", "q", NULL };
    int rc;
    const char *type;
    memset(k, 0, sizeof *k);
    if ((rc = check_keys(c, m, "constraint", keys)) || (rc = get_str(c, m, "type", true, false, &type)) ||
        (rc = get_str(c, m, "name", true, false, &k->name)) || (rc = get_q(c, m, &k->q, &k->qc)))
        return rc;
    if (!strcmp(type, "check")) {
        k->kind = MN_CONSTRAINT_CHECK;
        if ((rc = get_str(c, m, "check", false, false, &k->check)) != MN_OK)
            return rc;
        if (!k->check == !(k->q || k->qc))
            return fail(c, "constraint %s: a check constraint needs 'check' (SQL) or 'q' (lookups)", k->name);
        if (mn_map_has(m, mn_str_from("fields")) || mn_map_has(m, mn_str_from("condition")))
            return fail(c, "constraint %s: 'fields' and 'condition' belong to a unique constraint", k->name);
    } else if (!strcmp(type, "unique")) {
        k->kind = MN_CONSTRAINT_UNIQUE;
        if ((rc = get_names(c, m, "fields", true, false, (const char ***)&k->fields)) ||
            (rc = get_str(c, m, "condition", false, false, &k->condition)))
            return rc;
        if (mn_map_has(m, mn_str_from("check")))
            return fail(c, "constraint %s: 'check' belongs to a check constraint", k->name);
        if (k->condition && (k->q || k->qc))
            return fail(c, "constraint %s: give 'condition' or 'q', not both", k->name);
    } else {
        return fail(c, "constraint: unknown type '%s' (check or unique)", type);
    }
    return MN_OK;
}

static int parse_unique_together(pctx *c, const mn_map *m, const char ****out)
{
    mn_value *v = mn_map_find(m, mn_str_from("unique_together"));
    *out = NULL;
    if (!v)
        return MN_OK;
    if (v->type != MN_VALUE_LIST)
        return fail(c, "'unique_together' must be a list of lists of field names");
    size_t n = mn_list_len(v->u.list);
    const char ***r = mn_arena_calloc(c->a, n + 1, sizeof *r);
    if (!r)
        return mn_err_set(c->err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int rc = str_list(c, mn_list_get(v->u.list, i), "unique_together", true, false, &r[i]);
        if (rc != MN_OK)
            return rc;
        if (!r[i][0])
            return fail(c, "'unique_together' must not hold an empty list");
    }
    *out = n ? r : NULL;
    return MN_OK;
}

/* Options of CreateModel (full) or AlterModelOptions (ordering and names). */
static int parse_options(pctx *c, const mn_map *o, mn_mig_model *m, bool full)
{
    static const char *const all[] = { "ordering", "verbose_name", "verbose_name_plural", "db_table",
                                       "unique_together", "indexes", "constraints", NULL };
    int rc;
    if (!o)
        return MN_OK;
    if ((rc = check_keys(c, o, "options", full ? all : (const char *const[]){ "ordering", "verbose_name",
                                                                              "verbose_name_plural", NULL })))
        return rc;
    if ((rc = get_names(c, o, "ordering", false, true, (const char ***)&m->ordering)) ||
        (rc = get_str(c, o, "verbose_name", false, false, &m->verbose_name)) ||
        (rc = get_str(c, o, "verbose_name_plural", false, false, &m->verbose_name_plural)))
        return rc;
    if (m->ordering && !m->ordering[0])
        m->ordering = NULL;
    if (!full)
        return MN_OK;
    if ((rc = get_str(c, o, "db_table", false, false, &m->db_table)) ||
        (rc = parse_unique_together(c, o, (const char ****)&m->unique_together)))
        return rc;
    mn_value *ixs = mn_map_find(o, mn_str_from("indexes"));
    mn_value *cs = mn_map_find(o, mn_str_from("constraints"));
    if ((ixs && ixs->type != MN_VALUE_LIST) || (cs && cs->type != MN_VALUE_LIST))
        return fail(c, "'indexes' and 'constraints' must be lists of objects");
    size_t ni = ixs ? mn_list_len(ixs->u.list) : 0, nc = cs ? mn_list_len(cs->u.list) : 0;
    m->indexes = mn_arena_calloc(c->a, ni + 1, sizeof *m->indexes);
    m->constraints = mn_arena_calloc(c->a, nc + 1, sizeof *m->constraints);
    if (!m->indexes || !m->constraints)
        return mn_err_set(c->err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < ni; i++) {
        mn_value e = mn_list_get(ixs->u.list, i);
        if (e.type != MN_VALUE_MAP)
            return fail(c, "'indexes' must be a list of objects");
        if ((rc = parse_index(c, e.u.map, &m->indexes[i])) != MN_OK)
            return rc;
    }
    for (size_t i = 0; i < nc; i++) {
        mn_value e = mn_list_get(cs->u.list, i);
        if (e.type != MN_VALUE_MAP)
            return fail(c, "'constraints' must be a list of objects");
        if ((rc = parse_constraint(c, e.u.map, &m->constraints[i])) != MN_OK)
            return rc;
    }
    m->nindexes = ni;
    m->nconstraints = nc;
    return MN_OK;
}

static int sql_list(pctx *c, const mn_map *m, const char *key, bool required, const char ***out)
{
    mn_value *v = mn_map_find(m, mn_str_from(key));
    *out = NULL;
    if (!v) {
        if (required)
            return fail(c, "'%s' is required", key);
        return MN_OK;
    }
    if (v->type == MN_VALUE_STR) {
        const char **r = mn_arena_calloc(c->a, 2, sizeof *r);
        if (!r)
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        if (v->u.s.len)
            r[0] = v->u.s.ptr;
        *out = r;
        return MN_OK;
    }
    if (v->type != MN_VALUE_LIST)
        return fail(c, "'%s' must be a string or a list of strings", key);
    return str_list(c, *v, key, false, false, out);
}

static int parse_op(pctx *c, const mn_map *m, mn_mig_op *op)
{
    const char *name;
    int rc = get_str(c, m, "op", true, false, &name);
    if (rc != MN_OK)
        return rc;
    c->opname = name;
    for (int k = MN_OP_CREATE_MODEL; k <= MN_OP_RUN_C; k++)
        if (!strcmp(mn_mig_op_name((mn_mig_op_kind)k), name))
            op->kind = (mn_mig_op_kind)k;
    if (!op->kind)
        return fail(c, "unknown operation '%s'", name);
    const mn_map *o;
    switch (op->kind) {
    case MN_OP_CREATE_MODEL: {
        static const char *const keys[] = { "op", "name", "fields", "options", NULL };
        if ((rc = check_keys(c, m, "CreateModel", keys)) || (rc = get_ident(c, m, "name", &op->name)))
            return rc;
        mn_mig_model *md = mn_arena_calloc(c->a, 1, sizeof *md);
        if (!md)
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        md->name = op->name;
        mn_value *fv = mn_map_find(m, mn_str_from("fields"));
        if (!fv || fv->type != MN_VALUE_LIST || !mn_list_len(fv->u.list))
            return fail(c, "'fields' must be a non-empty list of field objects");
        size_t n = mn_list_len(fv->u.list);
        md->fields = mn_arena_calloc(c->a, n + 1, sizeof *md->fields);
        if (!md->fields)
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        size_t npk = 0;
        for (size_t i = 0; i < n; i++) {
            mn_value e = mn_list_get(fv->u.list, i);
            if (e.type != MN_VALUE_MAP)
                return fail(c, "'fields' must be a list of objects");
            if ((rc = parse_field(c, e.u.map, true, &md->fields[i])) != MN_OK)
                return rc;
            for (size_t k = 0; k < i; k++)
                if (!strcmp(md->fields[k].name, md->fields[i].name))
                    return fail(c, "field '%s' is declared twice", md->fields[i].name);
            npk += md->fields[i].primary_key;
        }
        if (npk != 1)
            return fail(c, "model %s needs exactly one primary key field", op->name);
        md->nfields = n;
        if ((rc = get_obj(c, m, "options", false, &o)) || (rc = parse_options(c, o, md, true)))
            return rc;
        if (!md->indexes && !(md->indexes = mn_arena_calloc(c->a, 1, sizeof *md->indexes)))
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        if (!md->constraints && !(md->constraints = mn_arena_calloc(c->a, 1, sizeof *md->constraints)))
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        op->model = md;
        return MN_OK;
    }
    case MN_OP_DELETE_MODEL:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "name", NULL })))
            return rc;
        return get_ident(c, m, "name", &op->name);
    case MN_OP_RENAME_MODEL:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "old_name", "new_name", NULL })))
            return rc;
        if ((rc = get_ident(c, m, "old_name", &op->old_name)))
            return rc;
        return get_ident(c, m, "new_name", &op->new_name);
    case MN_OP_ALTER_MODEL_TABLE:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "name", "table", NULL })) ||
            (rc = get_ident(c, m, "name", &op->name)))
            return rc;
        if (!mn_map_has(m, mn_str_from("table")))
            return fail(c, "'table' is required (null for the default table)");
        return get_str(c, m, "table", false, true, &op->table);
    case MN_OP_ALTER_MODEL_OPTIONS:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "name", "options", NULL })) ||
            (rc = get_ident(c, m, "name", &op->name)) || (rc = get_obj(c, m, "options", true, &o)))
            return rc;
        if (!(op->model = mn_arena_calloc(c->a, 1, sizeof *op->model)))
            return mn_err_set(c->err, MN_ENOMEM, "out of memory");
        op->model->name = op->name;
        return parse_options(c, o, op->model, false);
    case MN_OP_ADD_FIELD:
    case MN_OP_ALTER_FIELD: {
        bool add = op->kind == MN_OP_ADD_FIELD;
        if ((rc = check_keys(c, m, name,
                             (const char *const[]){ "op", "model_name", "name", "field", "preserve_default", NULL })) ||
            (rc = get_ident(c, m, "model_name", &op->model_name)) || (rc = get_ident(c, m, "name", &op->name)) ||
            (rc = get_obj(c, m, "field", true, &o)) || (rc = parse_field(c, o, false, &op->field)) ||
            (rc = get_bool(c, m, "preserve_default", true, &op->preserve_default)))
            return rc;
        op->field.name = op->name;
        if (add && op->field.primary_key)
            return fail(c, "a primary key cannot be added to an existing model");
        return MN_OK;
    }
    case MN_OP_REMOVE_FIELD:
    case MN_OP_REMOVE_INDEX:
    case MN_OP_REMOVE_CONSTRAINT:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "model_name", "name", NULL })) ||
            (rc = get_ident(c, m, "model_name", &op->model_name)))
            return rc;
        return op->kind == MN_OP_REMOVE_FIELD ? get_ident(c, m, "name", &op->name)
                                              : get_str(c, m, "name", true, false, &op->name);
    case MN_OP_RENAME_FIELD:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "model_name", "old_name", "new_name", NULL })) ||
            (rc = get_ident(c, m, "model_name", &op->model_name)) || (rc = get_ident(c, m, "old_name", &op->old_name)))
            return rc;
        return get_ident(c, m, "new_name", &op->new_name);
    case MN_OP_ADD_INDEX:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "model_name", "index", NULL })) ||
            (rc = get_ident(c, m, "model_name", &op->model_name)) || (rc = get_obj(c, m, "index", true, &o)))
            return rc;
        return parse_index(c, o, &op->index);
    case MN_OP_ADD_CONSTRAINT:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "model_name", "constraint", NULL })) ||
            (rc = get_ident(c, m, "model_name", &op->model_name)) || (rc = get_obj(c, m, "constraint", true, &o)))
            return rc;
        return parse_constraint(c, o, &op->constraint);
    case MN_OP_ALTER_UNIQUE_TOGETHER:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "name", "unique_together", NULL })) ||
            (rc = get_ident(c, m, "name", &op->name)))
            return rc;
        if (!mn_map_has(m, mn_str_from("unique_together")))
            return fail(c, "'unique_together' is required");
        return parse_unique_together(c, m, &op->unique_together);
    case MN_OP_RUN_SQL:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "sql", "reverse_sql", "elidable", NULL })) ||
            (rc = sql_list(c, m, "sql", true, &op->sql)) || (rc = get_bool(c, m, "elidable", false, &op->elidable)))
            return rc;
        return sql_list(c, m, "reverse_sql", false, &op->reverse_sql);
    case MN_OP_RUN_C:
        if ((rc = check_keys(c, m, name, (const char *const[]){ "op", "code", "reverse_code", "elidable", NULL })) ||
            (rc = get_str(c, m, "code", true, false, &op->code)) ||
            (rc = get_bool(c, m, "elidable", false, &op->elidable)))
            return rc;
        return get_str(c, m, "reverse_code", false, true, &op->reverse_code);
    }
    return fail(c, "unknown operation '%s'", name);
}

/* A list of [app, name] pairs under key (absent: none). */
static int parse_keys(pctx *c, const mn_map *m, const char *key, const char *what, mn_mig_key **out, size_t *nout)
{
    mn_value *v = mn_map_find(m, mn_str_from(key));
    *out = NULL;
    *nout = 0;
    if (!v)
        return MN_OK;
    if (v->type != MN_VALUE_LIST)
        return fail(c, "'%s' must be a list of [app, name] pairs", key);
    size_t n = mn_list_len(v->u.list);
    mn_mig_key *r = mn_arena_calloc(c->a, n + 1, sizeof *r);
    if (!r)
        return mn_err_set(c->err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mn_value p = mn_list_get(v->u.list, i);
        if (p.type != MN_VALUE_LIST || mn_list_len(p.u.list) != 2 || mn_list_get(p.u.list, 0).type != MN_VALUE_STR ||
            mn_list_get(p.u.list, 1).type != MN_VALUE_STR || !ident_ok(mn_list_get(p.u.list, 0).u.s.ptr) ||
            !mn_list_get(p.u.list, 1).u.s.len)
            return fail(c, "%s %zu: expected [\"app\", \"migration name\"]", what, i + 1);
        r[i].app = mn_list_get(p.u.list, 0).u.s.ptr;
        r[i].name = mn_list_get(p.u.list, 1).u.s.ptr;
    }
    *out = r;
    *nout = n;
    return MN_OK;
}

int mn_migration_parse(mn_arena *a, const char *app, const char *name, const char *label, mn_str text,
                       mn_migration **out, mn_err *err)
{
    pctx c = { .a = a, .label = label ? label : name, .err = err };
    *out = NULL;
    mn_value root;
    mn_json_limits lim = { .max_bytes = (size_t)4 << 20, .max_depth = 32 };
    int rc = mn_json_loads(a, text, &lim, &root, err);
    if (rc != MN_OK) {
        mn_err_prefix(err, "%s: ", c.label);
        return rc == MN_ENOMEM ? rc : MN_EPARSE;
    }
    if (root.type != MN_VALUE_MAP)
        return fail(&c, "a migration is a JSON object with \"dependencies\" and \"operations\"");
    const mn_map *m = root.u.map;
    static const char *const keys[] = { "replaces", "dependencies", "operations", "initial", "atomic", NULL };
    if ((rc = check_keys(&c, m, "migration", keys)) != MN_OK)
        return rc;
    mn_migration *mig = mn_arena_calloc(a, 1, sizeof *mig);
    if (!mig)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    mig->app = app;
    mig->name = name;
    mig->path = label;
    if ((rc = get_bool(&c, m, "initial", false, &mig->initial)) || (rc = get_bool(&c, m, "atomic", true, &mig->atomic)))
        return rc;
    if ((rc = parse_keys(&c, m, "dependencies", "dependency", &mig->deps, &mig->ndeps)) ||
        (rc = parse_keys(&c, m, "replaces", "replaced migration", &mig->replaces, &mig->nreplaces)))
        return rc;
    for (size_t i = 0; i < mig->nreplaces; i++)
        if (!strcmp(mig->replaces[i].app, app) && !strcmp(mig->replaces[i].name, name))
            return fail(&c, "a migration cannot replace itself");
    mn_value *ops = mn_map_find(m, mn_str_from("operations"));
    if (!ops || ops->type != MN_VALUE_LIST)
        return fail(&c, "'operations' must be a list of objects");
    size_t n = mn_list_len(ops->u.list);
    mig->ops = mn_arena_calloc(a, n + 1, sizeof *mig->ops);
    if (!mig->ops)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mn_value e = mn_list_get(ops->u.list, i);
        c.opno = i + 1;
        c.opname = NULL;
        if (e.type != MN_VALUE_MAP)
            return fail(&c, "an operation must be an object with an \"op\" key");
        if ((rc = parse_op(&c, e.u.map, &mig->ops[i])) != MN_OK)
            return rc;
    }
    mig->nops = n;
    *out = mig;
    return MN_OK;
}

/* ---- writing ---- */

typedef struct wctx {
    mn_arena *a;
    int rc;
} wctx;

static mn_map *obj(wctx *w)
{
    mn_map *m = mn_map_new(w->a, 8);
    if (!m)
        w->rc = MN_ENOMEM;
    return m;
}

static mn_list *arr(wctx *w)
{
    mn_list *l = mn_list_new(w->a, 4);
    if (!l)
        w->rc = MN_ENOMEM;
    return l;
}

static void put(wctx *w, mn_map *m, const char *k, mn_value v)
{
    if (m && mn_map_set_cstr(m, k, v) != MN_OK)
        w->rc = MN_ENOMEM;
}

static void push(wctx *w, mn_list *l, mn_value v)
{
    if (l && mn_list_push(l, v) != MN_OK)
        w->rc = MN_ENOMEM;
}

static mn_value names_value(wctx *w, const char *const *names)
{
    mn_list *l = arr(w);
    for (size_t i = 0; names && names[i]; i++)
        push(w, l, mn_value_cstr(names[i]));
    return l ? mn_value_list(l) : mn_value_null();
}

static void put_str(wctx *w, mn_map *m, const char *k, const char *v)
{
    if (v)
        put(w, m, k, mn_value_cstr(v));
}

static mn_value field_value(wctx *w, const mn_mig_field *f, bool with_name)
{
    mn_map *m = obj(w);
    if (with_name)
        put_str(w, m, "name", f->name);
    put_str(w, m, "type", mn__mig_type_name(f));
    if (f->kind == MN_MIG_KIND_M2M) {
        put_str(w, m, "to", f->to);
        put_str(w, m, "through", f->through);
        put_str(w, m, "db_table", f->m2m_db_table);
        put_str(w, m, "related_name", f->related_name);
        put_str(w, m, "related_query_name", f->related_query_name);
        if (f->blank)
            put(w, m, "blank", mn_value_bool(true));
        put_str(w, m, "verbose_name", f->verbose_name);
        put_str(w, m, "help_text", f->help_text);
        return m ? mn_value_map(m) : mn_value_null();
    }
    if (mn__mig_is_fk(f->kind)) {
        put_str(w, m, "to", f->to);
        put_str(w, m, "on_delete", on_delete_names[(size_t)f->on_delete < N_ON_DELETE ? f->on_delete : 0]);
        put_str(w, m, "on_delete_value", f->on_delete_value);
        put_str(w, m, "related_name", f->related_name);
        put_str(w, m, "related_query_name", f->related_query_name);
    }
    if (f->primary_key)
        put(w, m, "primary_key", mn_value_bool(true));
    if (f->max_length && f->max_length != mn__mig_default_max_length(f->kind))
        put(w, m, "max_length", mn_value_int(f->max_length));
    if (f->kind == MN_KIND_DECIMAL) {
        put(w, m, "max_digits", mn_value_int(f->max_digits));
        put(w, m, "decimal_places", mn_value_int(f->decimal_places));
    }
    if (f->null)
        put(w, m, "null", mn_value_bool(true));
    if (f->blank)
        put(w, m, "blank", mn_value_bool(true));
    if (f->unique && !f->one_to_one)
        put(w, m, "unique", mn_value_bool(true));
    if (f->db_index != (mn__mig_default_db_index(f->kind) && !f->unique && !f->primary_key))
        put(w, m, "db_index", mn_value_bool(f->db_index));
    put_str(w, m, "db_column", f->db_column);
    put_str(w, m, "default", f->default_value);
    if (f->default_callable)
        put(w, m, "default_callable", mn_value_bool(true));
    if (f->auto_now)
        put(w, m, "auto_now", mn_value_bool(true));
    if (f->auto_now_add)
        put(w, m, "auto_now_add", mn_value_bool(true));
    if (!f->editable)
        put(w, m, "editable", mn_value_bool(false));
    if (f->choices) {
        mn_list *l = arr(w);
        for (size_t i = 0; f->choices[i].value; i++) {
            mn_list *p = arr(w);
            push(w, p, mn_value_cstr(f->choices[i].value));
            push(w, p, mn_value_cstr(f->choices[i].label ? f->choices[i].label : f->choices[i].value));
            if (p)
                push(w, l, mn_value_list(p));
        }
        if (l)
            put(w, m, "choices", mn_value_list(l));
    }
    put_str(w, m, "verbose_name", f->verbose_name);
    put_str(w, m, "help_text", f->help_text);
    return m ? mn_value_map(m) : mn_value_null();
}

static mn_value qc_value(wctx *w, const mn_qc *t)
{
    mn_map *m = obj(w);
    mn_list *ch = arr(w);
    const mn_qc *one[2] = { t, NULL };
    const mn_qc *const *args = t->op == MN_QC_LOOKUP ? one : t->args;
    bool neg = t->op == MN_QC_NONE, any = t->op == MN_QC_ANY;
    put(w, m, "connector", mn_value_cstr(any ? "OR" : "AND"));
    put(w, m, "negated", mn_value_bool(neg));
    for (size_t i = 0; args && args[i]; i++) {
        const mn_qc *k = args[i];
        if (k->op != MN_QC_LOOKUP) {
            push(w, ch, qc_value(w, k));
            continue;
        }
        mn_list *p = arr(w);
        push(w, p, mn_value_cstr(k->lookup ? k->lookup : ""));
        if (k->f) {
            mn_map *f = obj(w);
            put(w, f, "F", mn_value_cstr(k->f));
            push(w, p, f ? mn_value_map(f) : mn_value_null());
        } else {
            push(w, p, k->value ? mn_value_cstr(k->value) : mn_value_null());
        }
        push(w, ch, p ? mn_value_list(p) : mn_value_null());
    }
    put(w, m, "children", ch ? mn_value_list(ch) : mn_value_null());
    return m ? mn_value_map(m) : mn_value_null();
}

static void put_q(wctx *w, mn_map *m, const mn_cond *q, const mn_qc *tree)
{
    if (tree) {
        put(w, m, "q", qc_value(w, tree));
        return;
    }
    if (!q)
        return;
    mn_list *l = arr(w);
    for (size_t i = 0; q[i].lookup; i++) {
        mn_list *p = arr(w);
        push(w, p, mn_value_cstr(q[i].lookup));
        push(w, p, mn_value_cstr(q[i].value ? q[i].value : ""));
        if (p)
            push(w, l, mn_value_list(p));
    }
    if (l)
        put(w, m, "q", mn_value_list(l));
}

static mn_value index_value(wctx *w, const mn_mig_index *ix)
{
    mn_map *m = obj(w);
    put_str(w, m, "name", ix->name);
    put(w, m, "fields", names_value(w, ix->fields));
    put_str(w, m, "condition", ix->condition);
    put_q(w, m, ix->q, ix->qc);
    return m ? mn_value_map(m) : mn_value_null();
}

static mn_value constraint_value(wctx *w, const mn_mig_constraint *k)
{
    mn_map *m = obj(w);
    put_str(w, m, "type", k->kind == MN_CONSTRAINT_CHECK ? "check" : "unique");
    put_str(w, m, "name", k->name);
    put_str(w, m, "check", k->check);
    if (k->kind == MN_CONSTRAINT_UNIQUE)
        put(w, m, "fields", names_value(w, k->fields));
    put_str(w, m, "condition", k->condition);
    put_q(w, m, k->q, k->qc);
    return m ? mn_value_map(m) : mn_value_null();
}

static mn_value ut_value(wctx *w, const char *const *const *ut)
{
    mn_list *l = arr(w);
    for (size_t i = 0; ut && ut[i]; i++)
        push(w, l, names_value(w, ut[i]));
    return l ? mn_value_list(l) : mn_value_null();
}

static mn_map *options_value(wctx *w, const mn_mig_model *md, bool full)
{
    mn_map *m = obj(w);
    if (md->ordering && md->ordering[0])
        put(w, m, "ordering", names_value(w, md->ordering));
    put_str(w, m, "verbose_name", md->verbose_name);
    put_str(w, m, "verbose_name_plural", md->verbose_name_plural);
    if (!full)
        return m;
    put_str(w, m, "db_table", md->db_table);
    if (md->unique_together && md->unique_together[0])
        put(w, m, "unique_together", ut_value(w, (const char *const *const *)md->unique_together));
    if (md->nindexes) {
        mn_list *l = arr(w);
        for (size_t i = 0; i < md->nindexes; i++)
            push(w, l, index_value(w, &md->indexes[i]));
        if (l)
            put(w, m, "indexes", mn_value_list(l));
    }
    if (md->nconstraints) {
        mn_list *l = arr(w);
        for (size_t i = 0; i < md->nconstraints; i++)
            push(w, l, constraint_value(w, &md->constraints[i]));
        if (l)
            put(w, m, "constraints", mn_value_list(l));
    }
    return m;
}

static mn_value sql_value(wctx *w, const char *const *sql)
{
    size_t n = mn__mig_names_len(sql);
    if (n == 1)
        return mn_value_cstr(sql[0]);
    if (!sql)
        return mn_value_cstr("");
    return names_value(w, sql);
}

static mn_value op_value(wctx *w, const mn_mig_op *op)
{
    mn_map *m = obj(w);
    put_str(w, m, "op", mn_mig_op_name(op->kind));
    switch (op->kind) {
    case MN_OP_CREATE_MODEL: {
        put_str(w, m, "name", op->model->name);
        mn_list *l = arr(w);
        for (size_t i = 0; i < op->model->nfields; i++)
            push(w, l, field_value(w, &op->model->fields[i], true));
        if (l)
            put(w, m, "fields", mn_value_list(l));
        mn_map *o = options_value(w, op->model, true);
        if (o && mn_map_len(o))
            put(w, m, "options", mn_value_map(o));
        break;
    }
    case MN_OP_DELETE_MODEL: put_str(w, m, "name", op->name); break;
    case MN_OP_RENAME_MODEL:
    case MN_OP_RENAME_FIELD:
        put_str(w, m, "model_name", op->kind == MN_OP_RENAME_FIELD ? op->model_name : NULL);
        put_str(w, m, "old_name", op->old_name);
        put_str(w, m, "new_name", op->new_name);
        break;
    case MN_OP_ALTER_MODEL_TABLE:
        put_str(w, m, "name", op->name);
        put(w, m, "table", op->table ? mn_value_cstr(op->table) : mn_value_null());
        break;
    case MN_OP_ALTER_MODEL_OPTIONS: {
        put_str(w, m, "name", op->name);
        mn_map *o = options_value(w, op->model, false);
        if (o)
            put(w, m, "options", mn_value_map(o));
        break;
    }
    case MN_OP_ADD_FIELD:
    case MN_OP_ALTER_FIELD:
        put_str(w, m, "model_name", op->model_name);
        put_str(w, m, "name", op->name);
        put(w, m, "field", field_value(w, &op->field, false));
        if (!op->preserve_default)
            put(w, m, "preserve_default", mn_value_bool(false));
        break;
    case MN_OP_REMOVE_FIELD:
    case MN_OP_REMOVE_INDEX:
    case MN_OP_REMOVE_CONSTRAINT:
        put_str(w, m, "model_name", op->model_name);
        put_str(w, m, "name", op->name);
        break;
    case MN_OP_ADD_INDEX:
        put_str(w, m, "model_name", op->model_name);
        put(w, m, "index", index_value(w, &op->index));
        break;
    case MN_OP_ADD_CONSTRAINT:
        put_str(w, m, "model_name", op->model_name);
        put(w, m, "constraint", constraint_value(w, &op->constraint));
        break;
    case MN_OP_ALTER_UNIQUE_TOGETHER:
        put_str(w, m, "name", op->name);
        put(w, m, "unique_together", ut_value(w, (const char *const *const *)op->unique_together));
        break;
    case MN_OP_RUN_SQL:
        put(w, m, "sql", sql_value(w, op->sql));
        if (op->reverse_sql)
            put(w, m, "reverse_sql", sql_value(w, op->reverse_sql));
        if (op->elidable)
            put(w, m, "elidable", mn_value_bool(true));
        break;
    case MN_OP_RUN_C:
        put_str(w, m, "code", op->code);
        put_str(w, m, "reverse_code", op->reverse_code);
        if (op->elidable)
            put(w, m, "elidable", mn_value_bool(true));
        break;
    }
    return m ? mn_value_map(m) : mn_value_null();
}

/* Objects at depths 0 and 2 (the file, each operation) and lists at depths
 * 1 and 3 (dependencies, operations, a model's fields) are spread over
 * lines; everything else stays on one line, so a field reads as one line. */
static void pretty(mn_buf *b, mn_value v, int depth, mn_arena *a, int *rc)
{
    bool expand = (v.type == MN_VALUE_MAP && (depth == 0 || depth == 2)) ||
                  (v.type == MN_VALUE_LIST && (depth == 1 || depth == 3) && mn_list_len(v.u.list));
    if (!expand) {
        mn_err e = { 0 };
        mn_str s = mn_json_dumps(a, v, MN_JSON_SPACED, &e);
        if (!s.ptr)
            *rc = e.code ? e.code : MN_ENOMEM;
        else
            mn_buf_put_str(b, s);
        return;
    }
    bool map = v.type == MN_VALUE_MAP;
    size_t n = map ? mn_map_len(v.u.map) : mn_list_len(v.u.list);
    mn_buf_putc(b, map ? '{' : '[');
    for (size_t i = 0; i < n; i++) {
        mn_buf_printf(b, "%s\n%*s", i ? "," : "", (depth + 1) * 2, "");
        if (map) {
            mn_err e = { 0 };
            mn_str k = mn_json_dumps(a, mn_value_str(mn_map_key_at(v.u.map, i)), 0, &e);
            if (!k.ptr)
                *rc = MN_ENOMEM;
            else
                mn_buf_printf(b, "%.*s: ", MN_STR_FMT(k));
        }
        pretty(b, map ? mn_map_value_at(v.u.map, i) : mn_list_get(v.u.list, i), depth + 1, a, rc);
    }
    mn_buf_printf(b, "\n%*s%c", depth * 2, "", map ? '}' : ']');
}

mn_str mn_migration_write(mn_arena *a, const mn_migration *mig, mn_err *err)
{
    wctx w = { .a = a };
    mn_map *root = obj(&w);
    if (mig->nreplaces) {
        mn_list *rl = arr(&w);
        for (size_t i = 0; i < mig->nreplaces; i++) {
            mn_list *p = arr(&w);
            push(&w, p, mn_value_cstr(mig->replaces[i].app));
            push(&w, p, mn_value_cstr(mig->replaces[i].name));
            if (p)
                push(&w, rl, mn_value_list(p));
        }
        if (rl)
            put(&w, root, "replaces", mn_value_list(rl));
    }
    if (mig->initial)
        put(&w, root, "initial", mn_value_bool(true));
    if (!mig->atomic)
        put(&w, root, "atomic", mn_value_bool(false));
    mn_list *deps = arr(&w);
    for (size_t i = 0; i < mig->ndeps; i++) {
        mn_list *p = arr(&w);
        push(&w, p, mn_value_cstr(mig->deps[i].app));
        push(&w, p, mn_value_cstr(mig->deps[i].name));
        if (p)
            push(&w, deps, mn_value_list(p));
    }
    if (deps)
        put(&w, root, "dependencies", mn_value_list(deps));
    mn_list *ops = arr(&w);
    for (size_t i = 0; i < mig->nops; i++)
        push(&w, ops, op_value(&w, &mig->ops[i]));
    if (ops)
        put(&w, root, "operations", mn_value_list(ops));
    if (w.rc != MN_OK) {
        mn_err_set(err, w.rc, "out of memory");
        return (mn_str){ NULL, 0 };
    }
    mn_buf b;
    mn_buf_init(&b, a, 0);
    int rc = MN_OK;
    pretty(&b, mn_value_map(root), 0, a, &rc);
    mn_buf_putc(&b, '\n');
    if (rc != MN_OK || mn_buf_error(&b)) {
        mn_err_set(err, rc ? rc : MN_ENOMEM, "cannot write the migration: %s", mn_strerror(rc ? rc : MN_ENOMEM));
        return (mn_str){ NULL, 0 };
    }
    return mn_str_make(mn_buf_cstr(&b), mn_buf_str(&b).len);
}
