/* docs/querysets.md and docs/models.md: constraints with OR and NOT, date
 * arithmetic in F() expressions, deferred fields, an instance saved with an
 * expression, iterator(). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"

typedef struct task {
    mn_obj mn;
    int64_t id;
    mn_str title;
    mn_str notes;
    mn_str status;
    int32_t priority;
    mn_datetime created_at;
    mn_date due;
    mn_duration estimate;
} task;

static const mn_field task_fields[] = {
    MN_FIELD_BIGAUTO(task, id),
    MN_FIELD_CHAR(task, title, .max_length = 100),
    MN_FIELD_TEXT(task, notes, .blank = true),
    MN_FIELD_CHAR(task, status, .max_length = 20, .default_value = "open"),
    MN_FIELD_INT(task, priority, .default_value = "1"),
    MN_FIELD_DATETIME(task, created_at),
    MN_FIELD_DATE(task, due),
    MN_FIELD_DURATION(task, estimate, .null = true),
    MN_FIELD_END,
};

/* class Meta:
 *     constraints = [
 *         CheckConstraint(check=Q(priority__gte=1, priority__lte=5) | Q(status="someday"), name="priority_range"),
 *         CheckConstraint(check=~Q(status="done", estimate__isnull=True), name="done_has_estimate"),
 *     ]
 *     indexes = [Index(fields=["due"], condition=~Q(status="done"), name="task_open_due_idx")] */
static const mn_constraint task_constraints[] = {
    { .kind = MN_CONSTRAINT_CHECK, .name = "priority_range",
      .qc = MN_QC_OR(MN_QC_AND(MN_QC("priority__gte", "1"), MN_QC("priority__lte", "5")), MN_QC("status", "someday")) },
    { .kind = MN_CONSTRAINT_CHECK, .name = "done_has_estimate",
      .qc = MN_QC_NOT(MN_QC("status", "done"), MN_QC("estimate__isnull", "true")) },
    { 0 },
};
static const mn_index task_indexes[] = {
    { .fields = MN_NAMES("due"), .name = "task_open_due_idx", .qc = MN_QC_NOT(MN_QC("status", "done")) },
    { .fields = NULL },
};
static mn_model task_model = MN_MODEL(task, "todo", "Task", task_fields,
                                      .meta = { .constraints = task_constraints, .indexes = task_indexes });

static mn_value days(int64_t n) { return mn_value_duration((mn_duration){ n * 86400 * INT64_C(1000000) }); }

static task *add(mn_arena *a, const char *title, const char *due, int priority, mn_err *err)
{
    task *t = mn_model_new(&task_model, a, err);
    t->title = mn_str_from(title);
    t->notes = mn_str_from("long notes nobody reads in lists");
    t->priority = priority;
    mn_datetime_parse(MN_STR("2024-01-01T09:00:00+00:00"), &t->created_at, NULL);
    mn_date_parse(mn_str_from(due), &t->due, NULL);
    return mn_obj_save(t, &task_model, NULL, NULL, err) == MN_OK ? t : NULL;
}

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), a, &cfg, &err);
    mn_db *db = mn_db_open(&cfg, &err);
    mn_orm_use(db);
    assert(mn_model_create_table(&task_model, NULL, &err) == MN_OK);

    assert(add(a, "Write docs", "2024-01-03", 2, &err));
    assert(add(a, "Fix bug", "2024-01-10", 5, &err));
    /* the CHECK constraints hold in the database */
    assert(!add(a, "Too urgent", "2024-01-02", 9, &err) && err.code == MN_EPERM);
    task *t = mn_model_new(&task_model, a, &err);
    t->title = mn_str_from("Done without estimate");
    t->status = mn_str_from("done");
    mn_date_parse(MN_STR("2024-01-02"), &t->due, NULL);
    assert(mn_obj_save(t, &task_model, NULL, NULL, &err) == MN_EPERM);

    /* Task.objects.filter(due__lt=F("created_at") + timedelta(days=3)) */
    mn_qs *all = mn_qs_all(&task_model, a);
    mn_qs *soon = mn_qs_filter(all, "due__lt", mn_expr_add(a, mn_f(a, "created_at"), days(3)));
    assert(mn_qs_len(soon) == 1);
    assert(mn_str_eq_cstr(((task *)mn_qs_at(soon, 0))->title, "Write docs"));

    /* annotate(lead=F("due") - F("created_at")): a duration */
    mn_qs *lead = mn_qs_annotate(mn_qs_order_by(all, "due", NULL), "lead",
                                 mn_expr_sub(a, mn_f(a, "due"), mn_f(a, "created_at")), NULL);
    mn_value v = mn_obj_annotation(mn_qs_at(lead, 0), &task_model, "lead");
    assert(v.type == MN_VALUE_DURATION && v.u.dur.us == INT64_C(1) * 86400 * 1000000 + INT64_C(15) * 3600 * 1000000);

    /* Task.objects.filter(priority=5).update(due=F("due") + timedelta(days=7)) */
    assert(mn_qs_update(mn_qs_filter(all, "priority", mn_value_int(5)), &err, "due",
                        mn_expr_add(a, mn_f(a, "due"), days(7)), NULL) == 1);
    task *bug = mn_qs_get(mn_qs_filter(all, "title", mn_value_cstr("Fix bug")), &err);
    char due[16];
    snprintf(due, sizeof due, "%04d-%02d-%02d", (int)bug->due.year, bug->due.month, bug->due.day);
    assert(!strcmp(due, "2024-01-17"));

    /* only("title"): the other fields are deferred and load when read */
    task *light = mn_qs_get(mn_qs_only(mn_qs_filter(all, "pk", mn_value_int(bug->id)), "title", NULL), &err);
    assert(mn_obj_is_deferred(light, &task_model, "notes"));
    assert(light->notes.len == 0);                              /* not loaded yet */
    assert(mn_obj_get(light, &task_model, "notes", &v) == MN_OK); /* one query for that field */
    assert(mn_str_eq_cstr(light->notes, "long notes nobody reads in lists"));
    if (mn_obj_is_deferred(light, &task_model, "priority"))     /* code reading members asks */
        assert(mn_obj_load_deferred(light, &task_model, "priority", &err) == MN_OK);
    assert(light->priority == 5);
    /* save() writes only the loaded fields (title, notes, priority) */
    light->title = mn_str_from("Fix the bug");
    assert(mn_obj_save(light, &task_model, NULL, NULL, &err) == MN_OK);
    task *again = mn_qs_get(mn_qs_filter(all, "pk", mn_value_int(bug->id)), &err);
    assert(mn_str_eq_cstr(again->title, "Fix the bug") && again->due.day == 17);

    /* t.priority = F("priority") - 1; t.save(): one UPDATE with the
     * expression as SQL (a change made meanwhile is not lost), the result
     * read back into the member */
    assert(mn_qs_update(mn_qs_filter(all, "pk", mn_value_int(bug->id)), &err, "priority", mn_value_int(4), NULL) == 1);
    assert(again->priority == 5); /* the instance has not seen that update */
    assert(mn_obj_save_expr(again, &task_model, NULL, a, &err, "priority",
                            mn_expr_sub(a, mn_f(a, "priority"), mn_value_int(1)), NULL) == MN_OK);
    assert(again->priority == 3); /* 4 - 1, from the row, not 5 - 1 */
    /* a new instance has no row for the expression to read */
    task *fresh = mn_model_new(&task_model, a, &err);
    assert(mn_obj_save_expr(fresh, &task_model, NULL, a, &err, "priority",
                            mn_expr_add(a, mn_f(a, "priority"), mn_value_int(1)), NULL) == MN_EINVAL);
    printf("save with an expression: %s\n", err.msg);

    /* iterator(chunk_size=1): one chunk in memory at a time */
    mn_err_clear(&err);
    mn_qs_iter *it = mn_qs_iterator(all, 1);
    int n = 0;
    while (mn_qs_iter_next(it, &err))
        n++;
    mn_qs_iter_close(it);
    assert(n == 2 && err.code == 0);

    puts("expressions ok");
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
