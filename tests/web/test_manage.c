/* ./manage: settings loading, ready hooks, the built-in commands and app
 * commands, through mn_manage_main. */
#include <fcntl.h>
#include <unistd.h>
#include "web_test.h"

static int ready_calls;
static int products_ready(const mn_app *app, mn_err *err)
{
    (void)err;
    cr_assert_str_eq(app->label, "products");
    ready_calls++;
    return MN_OK;
}
static int failing_ready(const mn_app *app, mn_err *err)
{
    (void)app;
    return mn_err_set(err, MN_EINVAL, "receivers could not connect");
}

static int hello_cmd(mn_command_ctx *ctx)
{
    const mn_settings *s = mn_manage_settings();
    cr_assert(s);
    cr_assert(mn_manage_project());
    cr_assert(mn_manage_site());
    mn_command_out(ctx, MN_STYLE_SUCCESS, "hello from %s, DEBUG=%d", mn_command_str(ctx, "who"), s->DEBUG);
    return 0;
}
static const mn_command_arg hello_args[] = { MN_ARG_POSITIONAL("who", MN_ARG_STR, "Who"), MN_ARG_END };
static const mn_command hello = { .name = "hello", .help = "Says hello", .args = hello_args, .handle = hello_cmd };
static const mn_command *const cmds[] = { &hello, NULL };

static mn_response *v(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_new(req, 200);
}
static const mn_url_pattern p[] = { MN_PATH("", v, "home"), MN_URL_END };
static const mn_urlconf conf = { .patterns = p };
static const mn_url_pattern badp[] = { MN_PATH("/slash", v, "s"), MN_URL_END };
static const mn_urlconf badconf = { .patterns = badp };

static const mn_app products = { .name = "t.products", .label = "products", .commands = cmds,
                                 .ready = products_ready };
static const mn_app *const apps[] = { &products, NULL };
static const mn_app broken = { .name = "t.broken", .label = "broken", .ready = failing_ready };
static const mn_app *const broken_apps[] = { &broken, NULL };

MN_SETTINGS_DEFINE(base, .SECRET_KEY = "a-long-enough-secret-key-for-the-checks-0123456789-abcdefghijkl",
                   .ALLOWED_HOSTS = MN_STRLIST("localhost"), .LOG_LEVEL = "CRITICAL");
static void dev(mn_settings *s) { s->DEBUG = true; }
static const mn_settings_variant variants[] = { { .name = "development", .apply = dev } };

static mn_project project(const char *const *env)
{
    return (mn_project){ .name = "t", .apps = apps, .urlconf = &conf,
                         .settings = { .base = &base, .variants = variants, .n_variants = 1,
                                       .env_file = "", .env = env } };
}

static char out[8192];
/* Runs mn_manage_main with stdout and stderr captured into out. */
static int run(const mn_project *proj, int argc, const char **argv)
{
    fflush(stdout);
    fflush(stderr);
    char path[] = "/tmp/mn-manage-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    int o = dup(1), e = dup(2);
    dup2(fd, 1);
    dup2(fd, 2);
    int rc = mn_manage_main(proj, argc, (char **)argv);
    fflush(stdout);
    fflush(stderr);
    dup2(o, 1);
    dup2(e, 2);
    close(o);
    close(e);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, out, sizeof out - 1);
    out[n > 0 ? n : 0] = 0;
    close(fd);
    unlink(path);
    return rc;
}

Test(manage, check_passes_and_runs_ready_hooks)
{
    static const char *const env[] = { NULL };
    mn_project proj = project(env);
    const char *argv[] = { "manage", "check", NULL };
    ready_calls = 0;
    cr_assert_eq(run(&proj, 2, argv), 0, "%s", out);
    cr_assert_str_eq(out, "System check identified no issues (0 silenced).\n");
    cr_assert_eq(ready_calls, 1);
}

Test(manage, check_reports_url_warnings_and_deploy_problems)
{
    static const char *const env[] = { NULL };
    mn_project proj = project(env);
    proj.urlconf = &badconf;
    const char *argv[] = { "manage", "check", NULL };
    cr_assert_eq(run(&proj, 2, argv), 0, "warnings do not fail: %s", out);
    cr_assert(strstr(out, "?: (urls.W002) Your URL pattern '/slash' [name='s'] has a route beginning with a '/'."), "%s", out);
    const char *deploy[] = { "manage", "check", "--deploy", NULL };
    proj.urlconf = &conf;
    cr_assert_eq(run(&proj, 3, deploy), 0, "%s", out);
    cr_assert(strstr(out, "security.W004"), "%s", out);
}

Test(manage, check_fails_on_errors)
{
    static const char *const env[] = { "SECRET_KEY=", NULL };
    mn_project proj = project(env);
    const char *argv[] = { "manage", "check", NULL };
    cr_assert_eq(run(&proj, 2, argv), 1);
    cr_assert(strstr(out, "SystemCheckError"), "%s", out);
    cr_assert(strstr(out, "settings.E001"), "%s", out);
}

Test(manage, variant_and_app_command)
{
    static const char *const env[] = { "MANOUCHE_SETTINGS=development", NULL };
    mn_project proj = project(env);
    const char *argv[] = { "manage", "hello", "world", NULL };
    cr_assert_eq(run(&proj, 3, argv), 0, "%s", out);
    cr_assert_str_eq(out, "hello from world, DEBUG=1\n");
    const char *help[] = { "manage", "help", NULL };
    cr_assert_eq(run(&proj, 2, help), 0);
    cr_assert(strstr(out, "[manouche]") && strstr(out, "runserver") && strstr(out, "[products]") &&
              strstr(out, "hello"), "%s", out);
    const char *unknown[] = { "manage", "helo", NULL };
    cr_assert_neq(run(&proj, 2, unknown), 0);
    cr_assert(strstr(out, "Unknown command: 'helo'"), "%s", out);
}

Test(manage, diffsettings)
{
    static const char *const env[] = { NULL };
    mn_project proj = project(env);
    const char *argv[] = { "manage", "diffsettings", NULL };
    cr_assert_eq(run(&proj, 2, argv), 0);
    cr_assert(strstr(out, "ALLOWED_HOSTS = ['localhost']\n"), "%s", out);
    cr_assert(!strstr(out, "DEBUG ="), "%s", out);
}

Test(manage, errors_stop_the_program)
{
    static const char *const bad_env[] = { "DEBUG=maybe", NULL };
    mn_project proj = project(bad_env);
    const char *argv[] = { "manage", "check", NULL };
    cr_assert_eq(run(&proj, 2, argv), 1);
    cr_assert(strstr(out, "ImproperlyConfigured: DEBUG=maybe"), "%s", out);
    static const char *const env[] = { NULL };
    proj = project(env);
    proj.apps = broken_apps;
    cr_assert_eq(run(&proj, 2, argv), 1);
    cr_assert(strstr(out, "broken: ready() failed: receivers could not connect"), "%s", out);
}

Test(manage, runserver_argument_errors)
{
    static const char *const env[] = { NULL };
    mn_project proj = project(env);
    const char *argv[] = { "manage", "runserver", "127.0.0.1:notaport", NULL };
    cr_assert_eq(run(&proj, 3, argv), 1);
    cr_assert(strstr(out, "\"127.0.0.1:notaport\" is not a valid port number or address:port pair."), "%s", out);
    const char *argv2[] = { "manage", "runserver", "70000", NULL };
    cr_assert_eq(run(&proj, 3, argv2), 1);
    static const char *const nohosts[] = { "ALLOWED_HOSTS=", NULL };
    proj = project(nohosts);
    const char *argv3[] = { "manage", "runserver", "8123", "--noreload", NULL };
    cr_assert_eq(run(&proj, 4, argv3), 1);
    cr_assert(strstr(out, "You must set settings.ALLOWED_HOSTS if DEBUG is False."), "%s", out);
    proj = project(env);
    proj.urlconf = &(const mn_urlconf){ .patterns = (const mn_url_pattern[]){ MN_PATH("<bad:x>/", v, NULL), MN_URL_END } };
    cr_assert_eq(run(&proj, 4, argv3), 1);
    cr_assert(strstr(out, "bad"), "%s", out);
}

/* ---- collectstatic ---- */

#include <stdlib.h>
#include <sys/stat.h>
#include <zlib.h>

static char tree[64];
static void write_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tree, rel);
    FILE *f = fopen(path, "w");
    cr_assert(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

Test(manage, collectstatic)
{
    snprintf(tree, sizeof tree, "/tmp/mn-collect-XXXXXX");
    cr_assert(mkdtemp(tree));
    char p1[128], p2[128];
    snprintf(p1, sizeof p1, "%s/a/static/shop", tree);
    snprintf(p2, sizeof p2, "%s/b/static/shop", tree);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s' '%s/root/stale'", p1, p2, tree);
    cr_assert_eq(system(cmd), 0);
    char css[2048] = "";
    for (int i = 0; i < 40; i++)
        strcat(css, "body { color: #333; margin: 0 auto; }\n");
    write_file("a/static/shop/site.css", css);
    write_file("a/static/shop/logo.png", "PNGDATA");
    write_file("a/static/.hidden", "x");
    write_file("b/static/shop/site.css", "the second app's copy is ignored");
    write_file("b/static/shop/app.js", "x");
    write_file("root/stale/old.txt", "old");
    char adir[128], bdir[128];
    snprintf(adir, sizeof adir, "%s/a/static", tree);
    snprintf(bdir, sizeof bdir, "%s/b/static", tree);
    const mn_app a = { .name = "a", .label = "a", .static_dir = adir };
    const mn_app b = { .name = "b", .label = "b", .static_dir = bdir };
    const mn_app *const two[] = { &a, &b, NULL };
    char root_env[128];
    snprintf(root_env, sizeof root_env, "STATIC_ROOT=%s/root", tree);
    const char *const env[] = { root_env, NULL };
    mn_project proj = project(env);
    proj.apps = two;
    const char *argv[] = { "manage", "collectstatic", "--noinput", "--gzip", "--clear", NULL };
    cr_assert_eq(run(&proj, 5, argv), 0, "%s", out);
    cr_assert(strstr(out, "Found another file with the destination path 'shop/site.css'."), "%s", out);
    cr_assert(strstr(out, "3 static files copied to '"), "%s", out);
    cr_assert(strstr(out, ", 1 compressed."), "%s", out);

    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/root/stale/old.txt", tree);
    cr_assert_neq(stat(path, &st), 0, "--clear removes old files");
    snprintf(path, sizeof path, "%s/root/.hidden", tree);
    cr_assert_neq(stat(path, &st), 0, "hidden files are skipped");
    snprintf(path, sizeof path, "%s/root/shop/site.css.gz", tree);
    gzFile z = gzopen(path, "rb");
    cr_assert(z);
    char back[4096];
    int n = gzread(z, back, sizeof back - 1);
    gzclose(z);
    cr_assert_eq(n, (int)strlen(css));
    back[n] = 0;
    cr_assert_str_eq(back, css, "the first app's file wins and its .gz matches");
    snprintf(path, sizeof path, "%s/root/shop/app.js.gz", tree);
    cr_assert_neq(stat(path, &st), 0, "no .gz when it would be larger");

    const char *again[] = { "manage", "collectstatic", "--noinput", "--gzip", NULL };
    cr_assert_eq(run(&proj, 4, again), 0, "%s", out);
    cr_assert(strstr(out, "0 static files copied to '") && strstr(out, ", 3 unmodified."), "%s", out);

    static const char *const none[] = { "STATIC_ROOT=", NULL };
    proj.settings.env = none;
    cr_assert_eq(run(&proj, 3, argv), 1);
    cr_assert(strstr(out, "without having set the STATIC_ROOT setting"), "%s", out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tree);
    cr_assert_eq(system(cmd), 0);
}
