#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "helpers.h"

TestSuite(template_loader, .init = t_setup, .fini = t_teardown);

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

Test(template_loader, dirs_app_dirs_and_cache)
{
    char d1[] = "/tmp/mn_tpl_d1XXXXXX", app[] = "/tmp/mn_tpl_appXXXXXX";
    cr_assert(mkdtemp(d1) && mkdtemp(app));
    char appt[512];
    snprintf(appt, sizeof appt, "%s/templates", app);
    cr_assert_eq(mkdir(appt, 0700), 0);
    write_file(d1, "page.html", "{% extends 'base.html' %}{% block c %}page{% endblock %}");
    write_file(appt, "base.html", "[{% block c %}{% endblock %}]{% include 'inc.html' %}");
    write_file(appt, "inc.html", "+{{ v }}");
    cr_assert_eq(mn_template_engine_add_dir(T_engine, d1), MN_OK);
    cr_assert_eq(mn_template_engine_add_app_dir(T_engine, app), MN_OK);
    mn_map *m = t_map();
    mn_map_set_cstr(m, "v", mn_value_int(3));
    const char *out = mn_template_render_to_string(T_engine, "page.html", m, T_arena, &T_err);
    cr_assert(out, "%s", T_err.msg);
    cr_assert_str_eq(out, "[page]+3");
    mn_template *a = mn_template_engine_get(T_engine, "page.html", &T_err);
    mn_template *b = mn_template_engine_get(T_engine, "page.html", &T_err);
    cr_assert(a && a == b);
    cr_assert_str_eq(mn_template_name(a), "page.html");

    cr_assert_null(mn_template_engine_get(T_engine, "missing.html", &T_err));
    cr_assert_eq(T_err.code, MN_ENOTFOUND);
    cr_assert(strncmp(T_err.msg, "TemplateDoesNotExist: missing.html", 34) == 0, "%s", T_err.msg);
    cr_assert(strstr(T_err.msg, "tried:"), "%s", T_err.msg);
    cr_assert_null(mn_template_engine_get(T_engine, "../etc/passwd", &T_err));
    cr_assert_null(mn_template_engine_get(T_engine, "/etc/passwd", &T_err));

    char p[600];
    const char *files[] = { "page.html" };
    snprintf(p, sizeof p, "%s/%s", d1, files[0]);
    unlink(p);
    snprintf(p, sizeof p, "%s/base.html", appt);
    unlink(p);
    snprintf(p, sizeof p, "%s/inc.html", appt);
    unlink(p);
    rmdir(appt);
    rmdir(app);
    rmdir(d1);
}

Test(template_loader, processors)
{
    cr_assert_eq(mn_template_engine_add_processor(T_engine, mn_template_processor_request, NULL), MN_OK);
    cr_assert_eq(mn_template_engine_add_processor(T_engine, mn_template_processor_static, "/s/"), MN_OK);
    cr_assert_eq(mn_template_engine_add_processor(T_engine, mn_template_processor_debug, NULL), MN_OK);
    mn_template *t = mn_template_engine_from_string(T_engine, MN_STR("{{ request }} {{ STATIC_URL }} [{{ debug }}]"), NULL, &T_err);
    cr_assert(t);
    mn_template_context *ctx = mn_template_context_new(T_engine, T_arena, NULL);
    mn_template_context_set_request(ctx, mn_value_cstr("GET /"));
    cr_assert_eq(mn_template_context_run_processors(ctx, &T_err), MN_OK);
    mn_buf out;
    mn_buf_init(&out, T_arena, 0);
    cr_assert_eq(mn_template_render(t, ctx, &out, &T_err), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&out), "GET / /s/ []");
}

Test(template_loader, recursive_extends_is_bounded)
{
    char d[] = "/tmp/mn_tpl_recXXXXXX";
    cr_assert(mkdtemp(d));
    write_file(d, "a.html", "{% include 'a.html' %}");
    cr_assert_eq(mn_template_engine_add_dir(T_engine, d), MN_OK);
    cr_assert_null(mn_template_render_to_string(T_engine, "a.html", NULL, T_arena, &T_err));
    cr_assert(strstr(T_err.msg, "RecursionError"), "%s", T_err.msg);
    char p[512];
    snprintf(p, sizeof p, "%s/a.html", d);
    unlink(p);
    rmdir(d);
}

typedef struct thread_job {
    mn_template_engine *e;
    int failures;
} thread_job;

static void *render_many(void *arg)
{
    thread_job *job = arg;
    mn_arena *a = mn_arena_new("thread", 0);
    for (int i = 0; i < 200; i++) {
        mn_arena_reset(a);
        mn_map *m = mn_map_new(a, 1);
        mn_map_set_cstr(m, "n", mn_value_int(i));
        mn_err err = { 0 };
        const char *out = mn_template_render_to_string(job->e, "page.html", m, a, &err);
        char want[64];
        snprintf(want, sizeof want, "[%d]<%d>", i, i);
        if (!out || strcmp(out, want) != 0)
            job->failures++;
    }
    mn_arena_free(a);
    return NULL;
}

Test(template_loader, shared_engine_across_threads)
{
    char d[] = "/tmp/mn_tpl_thrXXXXXX";
    cr_assert(mkdtemp(d));
    write_file(d, "page.html", "[{{ n }}]{% include 'inc.html' %}");
    write_file(d, "inc.html", "<{{ n }}>");
    cr_assert_eq(mn_template_engine_add_dir(T_engine, d), MN_OK);
    pthread_t th[4];
    thread_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (thread_job){ T_engine, 0 };
        cr_assert_eq(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        cr_assert_eq(jobs[i].failures, 0);
    }
    char p[512];
    snprintf(p, sizeof p, "%s/page.html", d);
    unlink(p);
    snprintf(p, sizeof p, "%s/inc.html", d);
    unlink(p);
    rmdir(d);
}
