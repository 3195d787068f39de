/* The `manouche template` command. */
#ifndef MN_CLI_TEMPLATE_CMD_H
#define MN_CLI_TEMPLATE_CMD_H
/* Runs `manouche template ARGS` (argv starts after "template"); returns the exit status. */
int mn_cli_template(int argc, char **argv);
#endif
