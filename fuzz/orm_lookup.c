/* Fuzz target: QuerySet lookups, Q trees, orderings and values from
 * untrusted text, compiled and run on an in-memory SQLite database. Input:
 * lines "lookup", "value", "ordering" repeated; a line starting with '!'
 * negates the next condition, '|' ORs it with the previous ones. A SQL
 * syntax error would mean text reached the SQL: that aborts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

typedef struct thing {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    int32_t stock;
    mn_datetime at;
    mn_value data;
} thing;

static const mn_field thing_fields[] = {
    MN_FIELD_BIGAUTO(thing, id),
    MN_FIELD_CHAR(thing, name, .max_length = 50),
    MN_FIELD_DECIMAL(thing, price, .max_digits = 8, .decimal_places = 2),
    MN_FIELD_INT(thing, stock),
    MN_FIELD_DATETIME(thing, at, .null = true),
    MN_FIELD_JSON(thing, data, .null = true),
    MN_FIELD_END,
};
static mn_model thing_model = MN_MODEL(thing, "fz", "Thing", thing_fields);

static mn_db *db;

static void open_db(void)
{
    mn_err err = { 0 };
    mn_db_config cfg = { .engine = MN_DB_SQLITE, .name = ":memory:" };
    db = mn_db_open(&cfg, &err);
    if (!db || mn_model_create_table(&thing_model, db, &err) != MN_OK)
        abort();
    mn_db_execute(db, "INSERT INTO fz_thing (name, price, stock, at, data) VALUES ('a%_b', 1.5, 3, "
                      "'2024-01-05 10:00:00', '{\"k\": [1, \"x\"]}')", NULL, 0, NULL, &err);
}

static void check(mn_qs *qs, mn_err *err, int64_t n)
{
    (void)qs;
    if (n == MN_EDB && strstr(err->msg, "syntax error")) {
        fprintf(stderr, "SQL syntax error from input: %s\n", err->msg);
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
    mn_qs *qs = mn_qs_using(mn_qs_all(&thing_model, a), db);
    mn_qobj *q = NULL;
    bool negate = false, or_next = false;
    char *save = NULL;
    int k = 0;
    const char *lookup = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), k++) {
        if (line[0] == '!') {
            negate = true;
            continue;
        }
        if (line[0] == '|') {
            or_next = true;
            continue;
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
        else if (line[0] == '[') {
            mn_list *l = mn_list_new(a, 2);
            mn_list_push(l, mn_value_cstr(line + 1));
            mn_list_push(l, mn_value_int((int64_t)strlen(line)));
            v = mn_value_list(l);
        } else if (line[0] == '=')
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
    if (lookup) /* a trailing line is an ordering */
        qs = mn_qs_order_by(qs, lookup, NULL);
    mn_err err = { 0 };
    check(qs, &err, mn_qs_count(qs, &err));
    mn_err_clear(&err);
    mn_qs_eval(qs, &err);
    check(qs, &err, err.code);
    mn_err_clear(&err);
    mn_map *agg = mn_qs_aggregate(qs, &err, "s", mn_sum(a, "price"), NULL);
    if (!agg)
        check(qs, &err, err.code);
    mn_arena_free(a);
    return 0;
}
