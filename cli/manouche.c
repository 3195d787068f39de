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
            "  version        print the Manouche version\n"
            "  template       render a template (template render --help)\n"
            "  help           show this help\n");
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
