/* ./manage dbshell: runs the database's command-line client (sqlite3 or
 * psql) with the connection of DATABASE_URL, as Django's dbshell does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"
#include "web_internal.h"

int mn__dbshell_argv(const mn_db_config *cfg, const char *const *params, size_t nparams, mn_arena *a,
                     char ***argv_out, mn_err *err)
{
    char **argv = mn_arena_calloc(a, nparams + 12, sizeof *argv);
    if (!argv)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    size_t n = 0;
    if (cfg->engine == MN_DB_SQLITE) {
        argv[n++] = "sqlite3";
        argv[n++] = (char *)(cfg->name ? cfg->name : ":memory:");
    } else if (cfg->engine == MN_DB_POSTGRES) {
        argv[n++] = "psql";
        if (cfg->user && *cfg->user) {
            argv[n++] = "-U";
            argv[n++] = (char *)cfg->user;
        }
        /* host and port may also come as options (?host=/run/postgresql). */
        const char *host = cfg->host && *cfg->host ? cfg->host : mn_db_config_option(cfg, "host");
        const char *port = cfg->port ? mn_arena_sprintf(a, "%d", cfg->port) : mn_db_config_option(cfg, "port");
        if (host && *host) {
            argv[n++] = "-h";
            argv[n++] = (char *)host;
        }
        if (port && *port) {
            argv[n++] = "-p";
            argv[n++] = (char *)port;
        }
        if (cfg->name && *cfg->name)
            argv[n++] = (char *)cfg->name;
    } else {
        return mn_err_set(err, MN_EINVAL, "DATABASE_URL names no database engine");
    }
    for (size_t i = 0; i < nparams; i++)
        argv[n++] = (char *)params[i];
    argv[n] = NULL;
    *argv_out = argv;
    return MN_OK;
}

static int dbshell_handle(mn_command_ctx *ctx)
{
    const mn_settings *s = mn_manage_settings();
    if (!s)
        return mn_command_error(ctx, "the settings are not loaded");
    const mn_db_config *cfg = &s->DATABASE;
    const char *const *params;
    size_t nparams = mn_command_list(ctx, "parameters", &params);
    char **argv;
    mn_err err = { 0 };
    if (mn__dbshell_argv(cfg, params, nparams, mn_command_arena(ctx), &argv, &err))
        return mn_command_error(ctx, "%s", err.msg);
    if (cfg->engine == MN_DB_POSTGRES) {
        /* The password and TLS options go through psql's environment, never
         * its command line (visible to every user in ps). */
        if (cfg->password && *cfg->password)
            setenv("PGPASSWORD", cfg->password, 1);
        static const char *const env_of[][2] = {
            { "sslmode", "PGSSLMODE" }, { "sslrootcert", "PGSSLROOTCERT" }, { "sslcert", "PGSSLCERT" },
            { "sslkey", "PGSSLKEY" },   { "passfile", "PGPASSFILE" },       { "service", "PGSERVICE" },
        };
        for (size_t i = 0; i < sizeof env_of / sizeof env_of[0]; i++) {
            const char *v = mn_db_config_option(cfg, env_of[i][0]);
            if (v)
                setenv(env_of[i][1], v, 1);
        }
    }
    fflush(stdout);
    fflush(stderr);
    /* The client replaces ./manage: it owns the terminal and its signals. */
    mn_db_thread_close();
    execvp(argv[0], argv);
    if (errno == ENOENT)
        return mn_command_error(ctx, "You appear not to have the '%s' program installed or on your path.", argv[0]);
    return mn_command_error(ctx, "cannot run %s: %s", argv[0], strerror(errno));
}

static const mn_command_arg dbshell_args[] = {
    { .name = "parameters", .type = MN_ARG_STR, .many = true, .optional = true,
      .help = "Additional arguments to the client, after --: ./manage dbshell -- -c 'SELECT 1'" },
    MN_ARG_END
};

const mn_command mn__dbshell_command = {
    .name = "dbshell",
    .help = "Runs the command-line client for specified database, or the default database if none is provided.",
    .args = dbshell_args,
    .handle = dbshell_handle,
};
