/* Fuzz target: lookups, orderings, values, aggregates, select_related and
 * prefetch_related paths across relations (ForeignKey, reverse, one-to-one,
 * many-to-many) from untrusted text, compiled and run on an in-memory
 * SQLite database. Input lines: "lookup", "value" pairs; a line starting
 * with '!' negates the next condition, '|' ORs it; '>' an ordering; '@' a
 * values() path; '#' an aggregate path (Count); '+' a select_related path;
 * '*' a prefetch_related path. A SQL syntax error would mean text reached
 * the SQL: that aborts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

typedef struct cat {
    mn_obj mn;
    int64_t id;
    mn_str name;
    int64_t parent;
} cat;
static mn_model cat_model;
static const mn_field cat_fields[] = {
    MN_FIELD_BIGAUTO(cat, id),
    MN_FIELD_CHAR(cat, name, .max_length = 50),
    MN_FIELD_FOREIGNKEY(cat, parent, cat_model, .null = true, .related_name = "children"),
    MN_FIELD_END,
};
static mn_model cat_model = MN_MODEL(cat, "fz", "Cat", cat_fields);

typedef struct label {
    mn_obj mn;
    int64_t id;
    mn_str name;
} label;
static const mn_field label_fields[] = {
    MN_FIELD_BIGAUTO(label, id),
    MN_FIELD_CHAR(label, name, .max_length = 50),
    MN_FIELD_END,
};
static mn_model label_model = MN_MODEL(label, "fz", "Label", label_fields);

typedef struct item {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    int64_t cat;
} item;
static const mn_field item_fields[] = {
    MN_FIELD_BIGAUTO(item, id),
    MN_FIELD_CHAR(item, name, .max_length = 50),
    MN_FIELD_DECIMAL(item, price, .max_digits = 8, .decimal_places = 2),
    MN_FIELD_FOREIGNKEY(item, cat, cat_model, .related_name = "items"),
    MN_FIELD_END,
};
static const mn_m2m item_m2m[] = { MN_M2M("labels", label_model, .related_name = "items"), MN_M2M_END };
static mn_model item_model = MN_MODEL(item, "fz", "Item", item_fields, .many_to_many = item_m2m);

typedef struct note {
    mn_obj mn;
    int64_t id;
    int64_t item;
    mn_str text;
} note;
static const mn_field note_fields[] = {
    MN_FIELD_BIGAUTO(note, id),
    MN_FIELD_ONETOONE(note, item, item_model, .related_name = "note"),
    MN_FIELD_TEXT(note, text),
    MN_FIELD_END,
};
static mn_model note_model = MN_MODEL(note, "fz", "Note", note_fields);

static mn_db *db;

static void open_db(void)
{
    mn_err err = { 0 };
    mn_db_config cfg = { .engine = MN_DB_SQLITE, .name = ":memory:" };
    db = mn_db_open(&cfg, &err);
    mn_model *ms[] = { &cat_model, &label_model, &item_model, &note_model, NULL };
    if (!db || mn_orm_register(ms, &err) != MN_OK) {
        fprintf(stderr, "setup: %s\n", err.msg);
        abort();
    }
    for (size_t i = 0; ms[i]; i++)
        if (mn_model_create_table(ms[i], db, &err) != MN_OK) {
            fprintf(stderr, "create: %s\n", err.msg);
            abort();
        }
    const char *rows[] = {
        "INSERT INTO fz_cat (name, parent_id) VALUES ('root', NULL), ('a%%_b', 1)",
        "INSERT INTO fz_label (name) VALUES ('x'), ('y')",
        "INSERT INTO fz_item (name, price, cat_id) VALUES ('i1', 1.5, 1), ('i2', 3, 2)",
        "INSERT INTO fz_item_labels (item_id, label_id) VALUES (1, 1), (1, 2), (2, 2)",
        "INSERT INTO fz_note (item_id, text) VALUES (1, 'n')",
        NULL,
    };
    for (size_t i = 0; rows[i]; i++)
        if (mn_db_execute(db, rows[i], NULL, 0, NULL, &err) != MN_OK) {
            fprintf(stderr, "insert: %s\n", err.msg);
            abort();
        }
}

static void check(mn_err *err, int64_t n)
{
    if (n == MN_EDB && (strstr(err->msg, "syntax error") || strstr(err->msg, "ambiguous"))) {
        fprintf(stderr, "bad SQL from input: %s\n", err->msg);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!db)
        open_db();
    if (size > 4096)
        return 0;
    mn_arena *a = mn_arena_new("fuzz", 1 << 24);
    char *text = mn_arena_strndup(a, (const char *)data, size);
    if (!text) {
        mn_arena_free(a);
        return 0;
    }
    /* the first line picks the model */
    mn_model *models[] = { &item_model, &cat_model, &label_model, &note_model };
    mn_model *m = models[size ? data[0] % 4 : 0];
    mn_qs *qs = mn_qs_using(mn_qs_all(m, a), db);
    mn_qobj *q = NULL;
    bool negate = false, or_next = false;
    char *save = NULL;
    const char *lookup = NULL, *values = NULL, *agg = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        switch (line[0]) {
        case '!': negate = true; continue;
        case '|': or_next = true; continue;
        case '>': qs = mn_qs_order_by(qs, line + 1, NULL); continue;
        case '@': values = line + 1; continue;
        case '#': agg = line + 1; continue;
        case '+': qs = mn_qs_select_related(qs, line + 1, NULL); continue;
        case '*': qs = mn_qs_prefetch_related(qs, line + 1, NULL); continue;
        default: break;
        }
        if (!lookup) {
            lookup = line;
            continue;
        }
        mn_value v = mn_value_cstr(line);
        int64_t iv;
        if (mn_str_to_i64(mn_str_from(line), &iv) == MN_OK)
            v = mn_value_int(iv);
        else if (!strcmp(line, "true") || !strcmp(line, "false"))
            v = mn_value_bool(line[0] == 't');
        else if (line[0] == '=')
            v = mn_f(a, line + 1);
        mn_qobj *leaf = mn_q(a, lookup, v);
        if (negate)
            leaf = mn_q_not(leaf);
        q = !q ? leaf : or_next ? mn_q_or(q, leaf) : mn_q_and(q, leaf);
        negate = or_next = false;
        lookup = NULL;
    }
    if (q)
        qs = mn_qs_filter_q(qs, q);
    if (agg)
        qs = mn_qs_annotate(qs, "n_fz", mn_count(a, agg), NULL);
    mn_err err = { 0 };
    check(&err, mn_qs_count(qs, &err));
    mn_err_clear(&err);
    mn_qs_eval(qs, &err);
    check(&err, err.code);
    mn_err_clear(&err);
    if (values) {
        mn_qs *vq = mn_qs_values(qs, values, NULL);
        mn_qs_eval(vq, &err);
        check(&err, err.code);
        mn_err_clear(&err);
    }
    if (agg) {
        mn_map *r = mn_qs_aggregate(mn_qs_using(mn_qs_all(m, a), db), &err, "n", mn_count(a, agg), NULL);
        if (!r)
            check(&err, err.code);
    }
    mn_arena_free(a);
    return 0;
}
