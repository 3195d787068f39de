/* The manouche command: project scaffolding and developer tools. */
#include <stdio.h>
#include <string.h>
#include "manouche.h"
#include "template_cmd.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: manouche COMMAND [ARGS]\n"
            "\n"
            "commands:\n"
            "  startproject   NAME [DIRECTORY]: write a new project\n"
            "  version        print the Manouche version\n"
            "  template       render a template (template render --help)\n"
            "  help           show this help\n");
}

/* manouche startproject NAME [DIRECTORY] (django-admin startproject). */
static int startproject(int argc, char **argv)
{
    if (argc >= 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))) {
        printf("usage: manouche startproject NAME [DIRECTORY]\n\n"
               "Creates a Manouche project directory structure for the given project name in the\n"
               "current directory or optionally in the given directory.\n");
        return 0;
    }
    if (argc < 1 || argc > 2) {
        fprintf(stderr, "usage: manouche startproject NAME [DIRECTORY]\n"
                        "manouche startproject: error: %s\n",
                argc < 1 ? "the following arguments are required: name" : "unrecognized arguments");
        return 2;
    }
    mn_err err = { 0 };
    if (mn_scaffold_project(argv[0], argc > 1 ? argv[1] : NULL, &err)) {
        fprintf(stderr, "CommandError: %s\n", err.msg);
        return 1;
    }
    const char *where = argc > 1 ? argv[1] : argv[0];
    printf("Created project '%s' in %s.\n\n"
           "Next steps:\n"
           "    cd %s\n"
           "    make\n"
           "    ./manage runserver\n",
           argv[0], where, where);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("%s\n", MN_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "startproject"))
        return startproject(argc - 2, argv + 2);
    if (!strcmp(cmd, "template"))
        return mn_cli_template(argc - 2, argv + 2);
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "manouche: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}
