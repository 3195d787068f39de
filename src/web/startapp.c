/* ./manage startapp NAME [DIRECTORY]: writes an app from the skeleton and
 * says which lines install it. */
#include <string.h>
#include "manouche.h"
#include "web_internal.h"

static int startapp_handle(mn_command_ctx *ctx)
{
    const char *name = mn_command_str(ctx, "name");
    const char *dir = mn_command_str(ctx, "directory");
    const mn_project *p = mn_manage_project();
    const mn_settings *s = mn_manage_settings();
    const char *project = p && p->name ? p->name : "project";
    const char *base = s && s->BASE_DIR && *s->BASE_DIR ? s->BASE_DIR : NULL;
    if (p)
        for (const mn_app *const *a = p->apps; a && *a; a++)
            if ((*a)->label && !strcmp((*a)->label, name))
                return mn_command_error(ctx, "'%s' conflicts with the label of an installed app and cannot be used "
                                             "as an app name. Please try another name.", name);
    mn_err err = { 0 };
    if (mn_scaffold_app(name, project, base, dir, &err))
        return mn_command_error(ctx, "%s", err.msg);
    const char *where = dir ? dir : base ? mn_arena_sprintf(mn_command_arena(ctx), "%s/%s", base, name) : name;
    mn_command_out(ctx, MN_STYLE_SUCCESS, "Created app '%s' in %s.", name, where);
    mn_command_out(ctx, MN_STYLE_PLAIN, "\nTo install it:\n");
    mn_command_out(ctx, MN_STYLE_PLAIN, "1. In %s/settings.c, include its header and list it in INSTALLED_APPS:",
                   project);
    mn_command_out(ctx, MN_STYLE_SQL_FIELD, "       #include \"%s/%s.h\"", name, name);
    mn_command_out(ctx, MN_STYLE_SQL_FIELD, "       static const mn_app *const installed_apps[] = {");
    mn_command_out(ctx, MN_STYLE_SQL_FIELD, "           &%s_app,", name);
    mn_command_out(ctx, MN_STYLE_SQL_FIELD, "           NULL,");
    mn_command_out(ctx, MN_STYLE_SQL_FIELD, "       };");
    mn_command_out(ctx, MN_STYLE_PLAIN, "2. In %s/urls.c, include its header and its URLs:", project);
    mn_command_out(ctx, MN_STYLE_SQL_FIELD, "       #include \"%s/%s.h\"", name, name);
    mn_command_out(ctx, MN_STYLE_SQL_FIELD, "       MN_INCLUDE(\"%s/\", &%s_urls, NULL),", name, name);
    mn_command_out(ctx, MN_STYLE_PLAIN, "3. Run `make` (the Makefile compiles every %s/*.c) and open /%s/.", name,
                   name);
    return 0;
}

static const mn_command_arg startapp_args[] = {
    MN_ARG_POSITIONAL("name", MN_ARG_STR, "Name of the application."),
    { .name = "directory", .type = MN_ARG_STR, .optional = true,
      .help = "Optional destination directory" },
    MN_ARG_END
};

const mn_command mn__startapp_command = {
    .name = "startapp",
    .help = "Creates a Manouche app directory structure for the given app name in the project's directory or "
            "optionally in the given directory.",
    .args = startapp_args,
    .handle = startapp_handle,
};
