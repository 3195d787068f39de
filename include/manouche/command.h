/* Manouche: management commands (Django's BaseCommand and manage.py).
 *
 * A command is a static descriptor: its name, help text, typed arguments and
 * a handle function. The runtime parses the command line like argparse does
 * (positional arguments, --options with values, flags, -h/--help generated
 * from the descriptor), and gives the handler typed values and styled output.
 *
 *   static const mn_command_arg cleanup_args[] = {
 *       MN_ARG_POSITIONAL("days", MN_ARG_INT, "Number of days"),
 *       MN_ARG_OPTION("--category", MN_ARG_STR, "Filter by category slug"),
 *       MN_ARG_FLAG("--dry-run", "Show what would be deleted without deleting"),
 *       MN_ARG_END
 *   };
 *   static int cleanup(mn_command_ctx *ctx) {
 *       int64_t days = mn_command_int(ctx, "days");
 *       ...
 *       mn_command_out(ctx, MN_STYLE_SUCCESS, "Successfully deleted %d products", n);
 *       return 0;
 *   }
 *   const mn_command cleanup_products = {
 *       .name = "cleanup_products", .help = "Delete inactive products older than specified days",
 *       .args = cleanup_args, .handle = cleanup };
 */
#ifndef MANOUCHE_COMMAND_H
#define MANOUCHE_COMMAND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "manouche/arena.h"
#include "manouche/error.h"
#include "manouche/str.h"

typedef enum mn_arg_type {
    MN_ARG_STR = 1, /* text */
    MN_ARG_INT,     /* a base-10 integer (argparse type=int) */
    MN_ARG_FLOAT,   /* a number (type=float) */
    MN_ARG_BOOL     /* a flag (action='store_true'); only for options */
} mn_arg_type;

/* One argument. A name starting with "--" is an option; otherwise it is a
 * positional argument. */
typedef struct mn_command_arg {
    const char *name;      /* "days", "--category", "--dry-run" */
    mn_arg_type type;
    const char *help;
    char short_name;       /* 'c' for -c, or 0 */
    bool optional;         /* positional with nargs='?' */
    bool required;         /* an option that must be given */
    const char *default_value; /* text parsed like a command-line value; NULL: none */
    const char *metavar;   /* shown in help; NULL: CATEGORY from --category */
    const char *const *choices; /* NULL-terminated list of allowed values, or NULL */
    /* A positional that takes every remaining positional token: argparse's
     * nargs='*' with optional, nargs='+' without. On an option taking a
     * value: argparse's action='append' (every occurrence is kept; "-e a
     * -e b"). Read with mn_command_list; mn_command_str gives the last. */
    bool many;
} mn_command_arg;

#define MN_ARG_POSITIONAL(name_, type_, help_) { .name = (name_), .type = (type_), .help = (help_) }
#define MN_ARG_OPTION(name_, type_, help_) { .name = (name_), .type = (type_), .help = (help_) }
#define MN_ARG_FLAG(name_, help_) { .name = (name_), .type = MN_ARG_BOOL, .help = (help_) }
#define MN_ARG_END { .name = NULL }

typedef struct mn_command_ctx mn_command_ctx;

/* A command's body: returns the process exit status (0 for success). Use
 * mn_command_error to fail with a message (Django's CommandError). */
typedef int (*mn_command_fn)(mn_command_ctx *ctx);

typedef struct mn_command {
    const char *name;
    const char *help;
    const mn_command_arg *args; /* terminated by MN_ARG_END; may be NULL */
    mn_command_fn handle;
    void *data;                 /* handed to the handler through mn_command_data */
} mn_command;

/* Output styles, as Django's self.style. Colours appear only on a terminal,
 * never when NO_COLOR is set or --no-color given; --force-color forces them. */
typedef enum mn_style {
    MN_STYLE_PLAIN = 0,
    MN_STYLE_SUCCESS,   /* green */
    MN_STYLE_WARNING,   /* yellow */
    MN_STYLE_ERROR,     /* red */
    MN_STYLE_NOTICE,    /* red */
    MN_STYLE_SQL_FIELD, /* green bold */
    MN_STYLE_MIGRATE_HEADING, /* cyan bold */
    MN_STYLE_MIGRATE_LABEL,   /* bold */
    MN_STYLE_HTTP_INFO,       /* bold */
    MN_STYLE_HTTP_NOT_FOUND,  /* yellow */
    MN_STYLE_HTTP_SERVER_ERROR /* magenta bold */
} mn_style;

/* ---- inside a handler ---- */

/* Typed values of the parsed arguments, by name without dashes ("days",
 * "category", "dry_run" or "dry-run"). An argument that was not given and
 * has no default gives 0 / empty / false; use mn_command_has to tell. */
int64_t mn_command_int(const mn_command_ctx *ctx, const char *name);
double mn_command_float(const mn_command_ctx *ctx, const char *name);
/* The text value (NUL-terminated; lives as long as the command), or NULL
 * when absent. */
const char *mn_command_str(const mn_command_ctx *ctx, const char *name);
bool mn_command_flag(const mn_command_ctx *ctx, const char *name);
/* The values of a `many` positional or option, in command-line order: returns their
 * number and points *items at them (NUL-terminated strings living as long
 * as the command); 0 with *items NULL when none was given. */
size_t mn_command_list(const mn_command_ctx *ctx, const char *name, const char *const **items);
/* True when the argument was given or has a default. */
bool mn_command_has(const mn_command_ctx *ctx, const char *name);

/* Verbosity from -v/--verbosity (0..3, default 1). */
int mn_command_verbosity(const mn_command_ctx *ctx);
/* The arena of this command run: freed when the command returns. */
mn_arena *mn_command_arena(mn_command_ctx *ctx);
/* The descriptor's data pointer. */
void *mn_command_data(const mn_command_ctx *ctx);

/* Writes one line (a newline is added) in a style to standard output,
 * like self.stdout.write(self.style.SUCCESS(...)). */
void mn_command_out(mn_command_ctx *ctx, mn_style style, const char *fmt, ...) MN_PRINTF(3, 4);
/* The same on standard error. */
void mn_command_err(mn_command_ctx *ctx, mn_style style, const char *fmt, ...) MN_PRINTF(3, 4);
/* Django's CommandError: prints "CommandError: <message>" in the error
 * style on standard error and returns exit status 1, so a handler can
 * `return mn_command_error(ctx, "...")`. */
int mn_command_error(mn_command_ctx *ctx, const char *fmt, ...) MN_PRINTF(2, 3);

/* A progress bar for long work, drawn on standard error when it is a
 * terminal (otherwise silent until done, when one summary line is written
 * at verbosity 2 or more). */
typedef struct mn_progress mn_progress;
/* Starts a bar of total steps with a label. Lives in the command's arena. */
mn_progress *mn_progress_start(mn_command_ctx *ctx, uint64_t total, const char *label);
/* Advances by n steps; redraws at most every 100 ms. */
void mn_progress_advance(mn_progress *p, uint64_t n);
/* Completes the bar (draws 100% and a newline). */
void mn_progress_finish(mn_progress *p);

/* ---- the dispatcher (manage's main) ---- */

/* A named group of commands, as Django lists them by app in `manage help`. */
typedef struct mn_command_group {
    const char *label;                 /* "manouche", "products" */
    const mn_command *const *commands; /* NULL-terminated */
} mn_command_group;

/* Runs argv (argv[0] is the program, argv[1] the command) against the groups
 * (a NULL-terminated array). Handles `help`, `help COMMAND`, `COMMAND -h`,
 * unknown commands (with a "did you mean" suggestion), argument errors
 * (argparse's usage and message, exit 2), the common options -v/--verbosity,
 * --no-color, --force-color, --traceback, --settings. Returns the exit status.
 * out and err are where output goes (stdout/stderr in a real program;
 * tests pass memory streams). */
int mn_command_run(const mn_command_group *const *groups, int argc, char **argv, FILE *out, FILE *err);

#endif
