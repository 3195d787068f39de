/* ./manage: settings, apps, the resolver and the built-in commands
 * (runserver with autoreload, check, diffsettings). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#include "manouche/migrate.h"
#include "manouche/cache.h"
#include "manouche/relation.h"
#include "manouche/server.h"
#include "web_internal.h"

static const mn_project *g_project;
static mn_settings g_settings;
static bool g_settings_loaded;
static mn_site *g_site;
static mn_err g_site_err;
static mn_template_engine *g_templates;
static mn_arena *g_arena;
static char g_self[PATH_MAX];
static char **g_argv;

const mn_project *mn_manage_project(void) { return g_project; }
const mn_settings *mn_manage_settings(void) { return g_settings_loaded ? &g_settings : NULL; }
mn_site *mn_manage_site(void) { return g_site; }

/* Writes text line by line through the command's styled output. */
static void out_text(mn_command_ctx *ctx, bool to_err, mn_style style, mn_str text)
{
    size_t pos = 0;
    mn_str line;
    while (text.len && text.ptr[text.len - 1] == '\n')
        text.len--;
    while (mn_str_next_field(text, '\n', &pos, &line)) {
        if (to_err)
            mn_command_err(ctx, style, "%.*s", MN_STR_FMT(line));
        else
            mn_command_out(ctx, style, "%.*s", MN_STR_FMT(line));
    }
}

/* ---- check ---- */

static int run_checks(mn_command_ctx *ctx, bool deploy, bool quiet_ok)
{
    mn_arena *a = mn_command_arena(ctx);
    mn_check_list list = { 0 };
    if (mn_project_check(g_project, &g_settings, deploy, a, &list))
        return mn_command_error(ctx, "out of memory while checking");
    mn_buf b;
    mn_buf_init(&b, a, 0);
    bool serious = mn_check_report(&list, &b);
    if (serious) {
        out_text(ctx, true, MN_STYLE_ERROR, mn_buf_str(&b));
        return 1;
    }
    if (!quiet_ok || list.len)
        out_text(ctx, false, list.len ? MN_STYLE_WARNING : MN_STYLE_PLAIN, mn_buf_str(&b));
    return 0;
}

static int check_handle(mn_command_ctx *ctx)
{
    return run_checks(ctx, mn_command_flag(ctx, "deploy") || g_settings.production, false);
}

static const mn_command_arg check_args[] = {
    MN_ARG_FLAG("--deploy", "Check deployment settings."),
    MN_ARG_END
};
static const mn_command check_command = {
    .name = "check",
    .help = "Checks the entire project for potential problems.",
    .args = check_args,
    .handle = check_handle,
};

/* ---- diffsettings ---- */

/* Django's --output unified: "- NAME = default" / "+ NAME = value" for
 * what differs, "  NAME = value" for the rest with --all. */
static int diffsettings_unified(mn_command_ctx *ctx, bool all)
{
    mn_arena *a = mn_command_arena(ctx);
    mn_settings defaults = mn_settings_defaults();
    size_t n = 0;
    const mn_setting_desc *table = mn_settings_table(&n);
    const mn_setting_desc **order = mn_arena_calloc(a, n + 1, sizeof *order);
    if (!order)
        return mn_command_error(ctx, "out of memory");
    for (size_t i = 0; i < n; i++)
        order[i] = &table[i];
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(order[j - 1]->name, order[j]->name) > 0; j--) {
            const mn_setting_desc *t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        mn_buf mine, base;
        mn_buf_init(&mine, a, 0);
        mn_buf_init(&base, a, 0);
        if (mn_settings_format_value(&g_settings, order[i], false, &mine) ||
            mn_settings_format_value(&defaults, order[i], false, &base))
            return mn_command_error(ctx, "out of memory");
        if (!mn_str_eq(mn_buf_str(&mine), mn_buf_str(&base))) {
            mn_command_out(ctx, MN_STYLE_ERROR, "- %s = %s", order[i]->name, mn_buf_cstr(&base));
            mn_command_out(ctx, MN_STYLE_SUCCESS, "+ %s = %s", order[i]->name, mn_buf_cstr(&mine));
        } else if (all) {
            mn_command_out(ctx, MN_STYLE_PLAIN, "  %s = %s", order[i]->name, mn_buf_cstr(&mine));
        }
    }
    return 0;
}

static int diffsettings_handle(mn_command_ctx *ctx)
{
    const char *output = mn_command_str(ctx, "output");
    if (output && !strcmp(output, "unified"))
        return diffsettings_unified(ctx, mn_command_flag(ctx, "all"));
    mn_buf b;
    mn_buf_init(&b, mn_command_arena(ctx), 0);
    if (mn_settings_diff(&g_settings, mn_command_flag(ctx, "all"), &b))
        return mn_command_error(ctx, "out of memory");
    out_text(ctx, false, MN_STYLE_PLAIN, mn_buf_str(&b));
    return 0;
}

static const char *const diff_outputs[] = { "hash", "unified", NULL };
static const mn_command_arg diffsettings_args[] = {
    MN_ARG_FLAG("--all", "Display all settings, regardless of their value. In \"hash\" mode, "
                         "default values are prefixed by \"###\"."),
    { .name = "--output", .type = MN_ARG_STR, .choices = diff_outputs, .default_value = "hash",
      .help = "Selects the output format. 'hash' mode displays each changed setting, with the settings that "
              "don't appear in the defaults followed by ###. 'unified' mode prefixes the default setting with a "
              "minus sign, followed by the changed setting prefixed with a plus sign." },
    MN_ARG_END
};
static const mn_command diffsettings_command = {
    .name = "diffsettings",
    .help = "Displays differences between the current settings and Django's default settings.",
    .args = diffsettings_args,
    .handle = diffsettings_handle,
};

/* ---- runserver ---- */

/* "8000", "0:8000", "127.0.0.1:8000", "[::1]:8000" -> a bind address. */
static const char *parse_addrport(mn_arena *a, const char *s, mn_err *err)
{
    if (!s)
        return "127.0.0.1:8000";
    const char *colon = strrchr(s, ':');
    const char *port = colon ? colon + 1 : s;
    size_t hostlen = colon ? (size_t)(colon - s) : 0;
    char *end;
    errno = 0;
    long p = strtol(port, &end, 10);
    if (!*port || *end || errno || p < 1 || p > 65535) {
        mn_err_set(err, MN_EINVAL, "\"%s\" is not a valid port number or address:port pair.", s);
        return NULL;
    }
    if (!colon)
        return mn_arena_sprintf(a, "127.0.0.1:%ld", p);
    if (hostlen == 1 && s[0] == '0')
        return mn_arena_sprintf(a, "0.0.0.0:%ld", p);
    if (!hostlen) {
        mn_err_set(err, MN_EINVAL, "\"%s\" is not a valid port number or address:port pair.", s);
        return NULL;
    }
    return mn_arena_sprintf(a, "%.*s:%ld", (int)hostlen, s, p);
}

static size_t limit_of(int64_t v)
{
    return v < 0 ? SIZE_MAX : (size_t)v;
}

static int serve(mn_command_ctx *ctx, const char *bind)
{
    mn_arena *a = g_arena;
    mn_server_config cfg;
    mn_server_config_init(&cfg);
    const char **binds = mn_arena_calloc(a, 2, sizeof *binds);
    if (!binds)
        return mn_command_error(ctx, "out of memory");
    binds[0] = bind;
    cfg.bind = binds;
    cfg.workers = mn_command_has(ctx, "workers") ? (int)mn_command_int(ctx, "workers") : 1;
    cfg.threads = mn_command_has(ctx, "threads") ? (int)mn_command_int(ctx, "threads") : 4;
    if (cfg.workers < 1 || cfg.threads < 1)
        return mn_command_error(ctx, "--workers and --threads must be at least 1");
    cfg.handler = mn_site_server_handler;
    cfg.handler_ctx = g_site;
    const mn_settings *s = &g_settings;
    if (s->ALLOWED_HOSTS.len) {
        const char **hosts = mn_arena_calloc(a, s->ALLOWED_HOSTS.len + 1, sizeof *hosts);
        if (!hosts)
            return mn_command_error(ctx, "out of memory");
        for (size_t i = 0; i < s->ALLOWED_HOSTS.len; i++)
            hosts[i] = s->ALLOWED_HOSTS.items[i];
        cfg.http.allowed_hosts = hosts;
    }
    if (s->SECURE_PROXY_SSL_HEADER.len == 2) {
        const char *meta = s->SECURE_PROXY_SSL_HEADER.items[0];
        if (!strncmp(meta, "HTTP_", 5))
            meta += 5;
        char *h = mn_arena_strdup(a, meta);
        for (char *p = h; p && *p; p++)
            if (*p == '_')
                *p = '-';
        cfg.http.secure_proxy_ssl_header = h;
        cfg.http.secure_proxy_ssl_value = s->SECURE_PROXY_SSL_HEADER.items[1];
    }
    cfg.http.use_x_forwarded_host = s->USE_X_FORWARDED_HOST;
    cfg.http.data_upload_max_memory_size = limit_of(s->DATA_UPLOAD_MAX_MEMORY_SIZE);
    cfg.http.data_upload_max_number_fields = limit_of(s->DATA_UPLOAD_MAX_NUMBER_FIELDS);
    cfg.http.file_upload_max_memory_size = limit_of(s->FILE_UPLOAD_MAX_MEMORY_SIZE);
    cfg.graceful_timeout_ms = 3000;
    cfg.access_log = !mn_command_flag(ctx, "no-access-log");
    mn_err err = { 0 };
    if (mn_server_run(&cfg, &err))
        return mn_command_error(ctx, "%s", err.msg);
    return 0;
}

/* ---- autoreload ---- */

static volatile sig_atomic_t g_stop_signal;
static void on_stop(int sig) { g_stop_signal = sig; }

static bool skip_dir(const char *name)
{
    return name[0] == '.' || !strncmp(name, "build", 5) || !strcmp(name, "node_modules") ||
           !strcmp(name, "__pycache__");
}

static void watch_tree(int fd, const char *dir, int depth)
{
    if (depth > 16 || inotify_add_watch(fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE) < 0)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_type != DT_DIR || skip_dir(e->d_name))
            continue;
        char sub[PATH_MAX];
        if (snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) < (int)sizeof sub)
            watch_tree(fd, sub, depth + 1);
    }
    closedir(d);
}

static bool source_name(const char *n)
{
    size_t l = strlen(n);
    return (l > 2 && (!strcmp(n + l - 2, ".c") || !strcmp(n + l - 2, ".h"))) ||
           !strcmp(n, "meson.build") || !strcmp(n, "Makefile") || (l > 3 && !strcmp(n + l - 3, ".mk"));
}

/* Reads pending events; returns true when a source file changed, and
 * copies its name to changed. */
static bool drain_events(int fd, char *changed, size_t cap)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool hit = false;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            return hit;
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            if (ev->len && source_name(ev->name)) {
                if (!hit)
                    snprintf(changed, cap, "%s", ev->name);
                hit = true;
            }
            p += sizeof *ev + ev->len;
        }
    }
}

static pid_t start_child(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        setenv("MANOUCHE_RUN_MAIN", "true", 1);
        execv(g_self, g_argv);
        fprintf(stderr, "cannot run %s: %s\n", g_self, strerror(errno));
        _exit(127);
    }
    return pid;
}

/* Runs the build command in dir; returns its exit status and its output. */
static int run_build(const char *cmd, const char *dir, mn_buf *output)
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC))
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(pfd[1], 1);
        dup2(pfd[1], 2);
        if (dir && chdir(dir))
            _exit(126);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    char chunk[4096];
    ssize_t n;
    while ((n = read(pfd[0], chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            mn_buf_append(output, chunk, (size_t)n);
    close(pfd[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static void stop_child(pid_t child)
{
    kill(child, SIGTERM);
    for (int i = 0; i < 100; i++) {
        if (waitpid(child, NULL, WNOHANG) == child)
            return;
        usleep(50000);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

static int reloader(mn_command_ctx *ctx)
{
    const char *base = g_settings.BASE_DIR && *g_settings.BASE_DIR ? g_settings.BASE_DIR : ".";
    const char *cmd = getenv("MANOUCHE_BUILD_COMMAND");
    if (!cmd || !*cmd)
        cmd = g_project->build_command ? g_project->build_command : "make";
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return mn_command_error(ctx, "inotify: %s", strerror(errno));
    if (g_project->watch_dirs) {
        for (const char *const *d = g_project->watch_dirs; *d; d++) {
            char *path = (*d)[0] == '/' ? (char *)*d : mn_arena_sprintf(g_arena, "%s/%s", base, *d);
            if (path)
                watch_tree(fd, path, 0);
        }
    } else {
        watch_tree(fd, base, 0);
    }
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    mn_command_out(ctx, MN_STYLE_PLAIN, "Watching for file changes with inotify (build command: %s)", cmd);
    pid_t child = start_child();
    if (child < 0)
        return mn_command_error(ctx, "fork: %s", strerror(errno));
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, 250);
        int st;
        if (g_stop_signal) {
            stop_child(child);
            close(fd);
            return 0;
        }
        if (waitpid(child, &st, WNOHANG) == child) {
            close(fd);
            return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
        }
        if (r <= 0)
            continue;
        char changed[256] = "";
        if (!drain_events(fd, changed, sizeof changed))
            continue;
        /* Let an editor finish writing a burst of files. */
        usleep(300000);
        drain_events(fd, changed + strlen(changed), 0);
        mn_command_out(ctx, MN_STYLE_NOTICE, "%s changed, rebuilding with `%s`...", changed, cmd);
        mn_buf out;
        mn_buf_init(&out, NULL, (size_t)4 << 20);
        int rc = run_build(cmd, base, &out);
        if (rc != 0) {
            mn_command_err(ctx, MN_STYLE_ERROR, "Build failed (status %d); still serving the previous binary.", rc);
            out_text(ctx, true, MN_STYLE_PLAIN, mn_buf_str(&out));
            mn_buf_free(&out);
            continue;
        }
        mn_buf_free(&out);
        mn_command_out(ctx, MN_STYLE_SUCCESS, "Build succeeded; restarting.");
        stop_child(child);
        close(fd);
        execv(g_self, g_argv);
        return mn_command_error(ctx, "cannot re-execute %s: %s", g_self, strerror(errno));
    }
}

static int runserver_handle(mn_command_ctx *ctx)
{
    mn_err err = { 0 };
    const char *bind = parse_addrport(g_arena, mn_command_str(ctx, "addrport"), &err);
    if (!bind)
        return mn_command_error(ctx, "%s", err.msg);
    if (!g_site)
        return mn_command_error(ctx, "%s", g_site_err.msg);
    if (!g_settings.DEBUG && !g_settings.ALLOWED_HOSTS.len)
        return mn_command_error(ctx, "You must set settings.ALLOWED_HOSTS if DEBUG is False.");
    const char *run_main = getenv("MANOUCHE_RUN_MAIN");
    bool child = run_main && !strcmp(run_main, "true");
    if (g_settings.DEBUG && !mn_command_flag(ctx, "noreload") && !child)
        return reloader(ctx);
    mn_command_out(ctx, MN_STYLE_PLAIN, "Performing system checks...\n");
    int rc = run_checks(ctx, false, false);
    if (rc)
        return rc;
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(date, sizeof date, "%B %d, %Y - %H:%M:%S", &tm);
    mn_command_out(ctx, MN_STYLE_PLAIN, "%s", date);
    mn_command_out(ctx, MN_STYLE_PLAIN, "Manouche version %s, using settings '%s%s%s'",
                   "0.1.0", g_project->name ? g_project->name : "project",
                   g_settings.variant ? "." : "", g_settings.variant ? g_settings.variant : "");
    const char *shown = bind;
    if (!strncmp(bind, "0.0.0.0:", 8))
        shown = mn_arena_sprintf(g_arena, "0.0.0.0:%s", bind + 8);
    mn_command_out(ctx, MN_STYLE_PLAIN, "Starting development server at http://%s/", shown);
    mn_command_out(ctx, MN_STYLE_PLAIN, "Quit the server with CONTROL-C.");
    fflush(stdout);
    return serve(ctx, bind);
}

static const mn_command_arg runserver_args[] = {
    { .name = "addrport", .type = MN_ARG_STR, .optional = true, .metavar = "ADDRPORT",
      .help = "Optional port number, or ipaddr:port" },
    MN_ARG_OPTION("--workers", MN_ARG_INT, "Worker processes (default 1)."),
    MN_ARG_OPTION("--threads", MN_ARG_INT, "Threads per worker (default 4)."),
    MN_ARG_FLAG("--noreload", "Tells Manouche to NOT use the auto-reloader."),
    MN_ARG_FLAG("--no-access-log", "Do not log each request (benchmarks, or a proxy that logs)."),
    MN_ARG_END
};
static const mn_command runserver_command = {
    .name = "runserver",
    .help = "Starts a lightweight web server for development.",
    .args = runserver_args,
    .handle = runserver_handle,
};

static const mn_command *const builtin_commands[] = {
    &check_command,
    &mn__collectstatic_command,
    &mn__dbshell_command,
    &diffsettings_command,
    &mn__dumpdata_command,
    &mn__flush_command,
    &mn__inspectdb_command,
    &mn__loaddata_command,
    &mn_makemigrations_command,
    &mn_migrate_command,
    &runserver_command,
    &mn_showmigrations_command,
    &mn_sqlmigrate_command,
    &mn_squashmigrations_command,
    &mn__startapp_command,
    NULL
};

/* ---- main ---- */

static int manage_run(const mn_project *p, int argc, char **argv)
{
    mn_err err = { 0 };
    if (mn_settings_load(&g_settings, &p->settings, g_arena, &err)) {
        fprintf(stderr, "ImproperlyConfigured: %s\n", err.msg);
        return 1;
    }
    g_settings_loaded = true;
    mn_settings_set_current(&g_settings);
    if (mn_settings_configure_logging(&g_settings, &err)) {
        fprintf(stderr, "ImproperlyConfigured: %s\n", err.msg);
        return 1;
    }
    size_t napps = 0;
    while (p->apps && p->apps[napps])
        napps++;
    /* Every app's models first: reverse relations are known from here on. */
    for (size_t i = 0; i < napps; i++) {
        const mn_app *app = p->apps[i];
        if (mn_orm_register(app->models, &err)) {
            fprintf(stderr, "%s: invalid model: %s\n", app->label ? app->label : app->name, err.msg);
            return 1;
        }
    }
    for (size_t i = 0; i < napps; i++) {
        const mn_app *app = p->apps[i];
        if (app->ready && app->ready(app, &err)) {
            fprintf(stderr, "%s: ready() failed: %s\n", app->label ? app->label : app->name, err.msg);
            return 1;
        }
    }
    const char **static_dirs = mn_arena_calloc(g_arena, napps + 1, sizeof *static_dirs);
    size_t ns = 0;
    for (size_t i = 0; static_dirs && i < napps; i++)
        if (p->apps[i]->static_dir)
            static_dirs[ns++] = p->apps[i]->static_dir;
    const char *urlconf_name = p->urlconf_name;
    if (!urlconf_name && p->name)
        urlconf_name = mn_arena_sprintf(g_arena, "%s.urls", p->name);
    /* TEMPLATES: the project's DIRS, then each app's templates directory. */
    mn_template_options topts = { .debug = g_settings.DEBUG, .no_cache = g_settings.DEBUG,
                                  .static_url = g_settings.STATIC_URL,
                                  .media_url = g_settings.MEDIA_URL };
    g_templates = mn_template_engine_new(&topts);
    if (!g_templates) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    const char *base = g_settings.BASE_DIR && *g_settings.BASE_DIR ? g_settings.BASE_DIR : NULL;
    for (size_t i = 0; p->template_dirs && p->template_dirs[i]; i++) {
        const char *d = p->template_dirs[i];
        const char *path = d[0] == '/' || !base ? d : mn_arena_sprintf(g_arena, "%s/%s", base, d);
        if (!path || mn_template_engine_add_dir(g_templates, path)) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
    }
    for (size_t i = 0; i < napps; i++) {
        const char *d = p->apps[i]->templates_dir;
        if (!d)
            continue;
        const char *path = d[0] == '/' || !base ? d : mn_arena_sprintf(g_arena, "%s/%s", base, d);
        if (!path || mn_template_engine_add_dir(g_templates, path)) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
    }
    mn_site_config sc = {
        .settings = &g_settings,
        .urlconf = p->urlconf,
        .urlconf_name = urlconf_name,
        .middleware = p->middleware,
        .handler404 = p->handler404,
        .handler500 = p->handler500,
        .serve_static = g_settings.DEBUG,
        .static_dirs = static_dirs,
        .templates = g_templates,
    };
    g_site = mn_site_new(&sc, &g_site_err);
    if (g_site)
        mn_template_engine_set_url_resolver(g_templates, mn_template_url_reverse,
                                            (void *)mn_site_resolver(g_site));
    mn_cache_template_install(g_templates); /* {% cache %} stores in CACHES */

    /* Command groups: the built-ins, then each app's. */
    const mn_command_group **groups = mn_arena_calloc(g_arena, napps + 2, sizeof *groups);
    mn_command_group *storage = mn_arena_calloc(g_arena, napps + 1, sizeof *storage);
    if (!groups || !storage) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    storage[0] = (mn_command_group){ .label = "manouche", .commands = builtin_commands };
    groups[0] = &storage[0];
    size_t ng = 1;
    for (size_t i = 0; i < napps; i++) {
        if (!p->apps[i]->commands)
            continue;
        storage[ng] = (mn_command_group){ .label = p->apps[i]->label, .commands = p->apps[i]->commands };
        groups[ng] = &storage[ng];
        ng++;
    }
    return mn_command_run((const mn_command_group *const *)groups, argc, argv, stdout, stderr);
}

int mn_manage_main(const mn_project *p, int argc, char **argv)
{
    g_project = p;
    g_argv = argv;
    ssize_t n = readlink("/proc/self/exe", g_self, sizeof g_self - 1);
    if (n > 0)
        g_self[n] = 0;
    else
        snprintf(g_self, sizeof g_self, "%s", argv[0]);
    g_arena = mn_arena_new("manage", 0);
    if (!g_arena) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    int rc = manage_run(p, argc, argv);
    mn_site_free(g_site);
    g_site = NULL;
    mn_template_engine_free(g_templates);
    g_templates = NULL;
    mn_arena_free(g_arena);
    g_arena = NULL;
    g_settings_loaded = false;
    g_project = NULL;
    return rc;
}
