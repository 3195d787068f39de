/* Management commands: argument parsing, help, styled output, dispatch. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "manouche/command.h"

/* Parsed value of one argument. */
typedef struct parsed {
    const mn_command_arg *arg;
    const char *text; /* NULL: absent */
    bool given;
    int64_t i;
    double f;
    bool b;
} parsed;

struct mn_command_ctx {
    const mn_command *cmd;
    const char *prog;
    mn_arena *arena;
    parsed *values;
    size_t nvalues;
    int verbosity;
    bool color_out, color_err;
    bool traceback;
    FILE *out, *err;
};

/* The built-in common options every command accepts (Django's). */
static const char *const verbosity_choices[] = { "0", "1", "2", "3", NULL };
static const mn_command_arg common_args[] = {
    { .name = "--verbosity", .short_name = 'v', .type = MN_ARG_INT, .choices = verbosity_choices,
      .default_value = "1",
      .help = "Verbosity level; 0=minimal output, 1=normal output, 2=verbose output, 3=very verbose output" },
    { .name = "--settings", .type = MN_ARG_STR,
      .help = "The settings variant to use (development, production, ...). If this isn't provided, the "
              "MANOUCHE_SETTINGS environment variable will be used." },
    { .name = "--traceback", .type = MN_ARG_BOOL, .help = "Show error details on CommandError" },
    { .name = "--no-color", .type = MN_ARG_BOOL, .help = "Don't colorize the command output." },
    { .name = "--force-color", .type = MN_ARG_BOOL, .help = "Force colorization of the command output." },
    MN_ARG_END
};

static bool is_option(const mn_command_arg *a) { return a->name[0] == '-'; }

/* "--dry-run" -> "dry_run" (argparse's dest). */
static void dest_of(const char *name, char *out, size_t n)
{
    while (*name == '-')
        name++;
    size_t i = 0;
    for (; *name && i + 1 < n; name++)
        out[i++] = *name == '-' ? '_' : *name;
    out[i] = '\0';
}

static bool name_matches(const mn_command_arg *a, const char *name)
{
    char d1[128], d2[128];
    dest_of(a->name, d1, sizeof d1);
    dest_of(name, d2, sizeof d2);
    return !strcmp(d1, d2);
}

static const parsed *find_value(const mn_command_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->nvalues; i++)
        if (name_matches(ctx->values[i].arg, name))
            return &ctx->values[i];
    return NULL;
}

int64_t mn_command_int(const mn_command_ctx *ctx, const char *name)
{
    const parsed *p = find_value(ctx, name);
    return p && p->text ? p->i : 0;
}

double mn_command_float(const mn_command_ctx *ctx, const char *name)
{
    const parsed *p = find_value(ctx, name);
    return p && p->text ? p->f : 0.0;
}

const char *mn_command_str(const mn_command_ctx *ctx, const char *name)
{
    const parsed *p = find_value(ctx, name);
    return p ? p->text : NULL;
}

bool mn_command_flag(const mn_command_ctx *ctx, const char *name)
{
    const parsed *p = find_value(ctx, name);
    return p && p->b;
}

bool mn_command_has(const mn_command_ctx *ctx, const char *name)
{
    const parsed *p = find_value(ctx, name);
    return p && (p->text || p->b);
}

int mn_command_verbosity(const mn_command_ctx *ctx) { return ctx->verbosity; }
mn_arena *mn_command_arena(mn_command_ctx *ctx) { return ctx->arena; }
void *mn_command_data(const mn_command_ctx *ctx) { return ctx->cmd->data; }

/* ---- styles ---- */

static const char *style_code(mn_style s)
{
    switch (s) {
    case MN_STYLE_SUCCESS: return "\033[32;1m";
    case MN_STYLE_WARNING: return "\033[33;1m";
    case MN_STYLE_ERROR: return "\033[31;1m";
    case MN_STYLE_NOTICE: return "\033[31m";
    case MN_STYLE_SQL_FIELD: return "\033[32;1m";
    case MN_STYLE_MIGRATE_HEADING: return "\033[36;1m";
    case MN_STYLE_MIGRATE_LABEL: return "\033[1m";
    case MN_STYLE_HTTP_INFO: return "\033[1m";
    case MN_STYLE_HTTP_NOT_FOUND: return "\033[33m";
    case MN_STYLE_HTTP_SERVER_ERROR: return "\033[35;1m";
    default: return NULL;
    }
}

static void vwrite_styled(FILE *f, bool color, mn_style style, const char *fmt, va_list ap)
{
    const char *code = color ? style_code(style) : NULL;
    if (code)
        fputs(code, f);
    vfprintf(f, fmt, ap);
    if (code)
        fputs("\033[0m", f);
    fputc('\n', f);
    fflush(f);
}

void mn_command_out(mn_command_ctx *ctx, mn_style style, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwrite_styled(ctx->out, ctx->color_out, style, fmt, ap);
    va_end(ap);
}

void mn_command_err(mn_command_ctx *ctx, mn_style style, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwrite_styled(ctx->err, ctx->color_err, style, fmt, ap);
    va_end(ap);
}

int mn_command_error(mn_command_ctx *ctx, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mn_command_err(ctx, MN_STYLE_ERROR, "CommandError: %s", msg);
    return 1;
}

/* ---- progress ---- */

struct mn_progress {
    mn_command_ctx *ctx;
    uint64_t total, done;
    const char *label;
    bool tty;
    double last_draw;
    double started;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress_draw(mn_progress *p)
{
    unsigned pct = p->total ? (unsigned)(p->done * 100 / p->total) : 100;
    int width = 30, fill = (int)(pct * (unsigned)width / 100);
    fprintf(p->ctx->err, "\r%s [", p->label);
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', p->ctx->err);
    fprintf(p->ctx->err, "] %3u%% (%llu/%llu)", pct, (unsigned long long)p->done, (unsigned long long)p->total);
    fflush(p->ctx->err);
}

mn_progress *mn_progress_start(mn_command_ctx *ctx, uint64_t total, const char *label)
{
    mn_progress *p = mn_arena_calloc(ctx->arena, 1, sizeof *p);
    if (!p)
        return NULL;
    p->ctx = ctx;
    p->total = total;
    p->label = label ? mn_arena_strdup(ctx->arena, label) : "";
    p->tty = isatty(fileno(ctx->err)) && ctx->verbosity > 0;
    p->started = p->last_draw = now_s();
    if (p->tty)
        progress_draw(p);
    return p;
}

void mn_progress_advance(mn_progress *p, uint64_t n)
{
    if (!p)
        return;
    p->done += n;
    if (p->done > p->total)
        p->done = p->total;
    if (p->tty) {
        double t = now_s();
        if (t - p->last_draw >= 0.1) {
            p->last_draw = t;
            progress_draw(p);
        }
    }
}

void mn_progress_finish(mn_progress *p)
{
    if (!p)
        return;
    p->done = p->total;
    if (p->tty) {
        progress_draw(p);
        fputc('\n', p->ctx->err);
    } else if (p->ctx->verbosity >= 2) {
        fprintf(p->ctx->err, "%s: %llu done in %.1fs\n", p->label, (unsigned long long)p->total,
                now_s() - p->started);
    }
    fflush(p->ctx->err);
}

/* ---- help and usage (argparse's format) ---- */

static void metavar_of(const mn_command_arg *a, char *out, size_t n)
{
    if (a->metavar) {
        snprintf(out, n, "%s", a->metavar);
        return;
    }
    if (a->choices) {
        size_t len = 0;
        out[len++] = '{';
        for (const char *const *c = a->choices; *c && len + 2 < n; c++) {
            int w = snprintf(out + len, n - len, "%s%s", c == a->choices ? "" : ",", *c);
            if (w < 0 || (size_t)w >= n - len)
                break;
            len += (size_t)w;
        }
        if (len + 2 <= n) {
            out[len++] = '}';
            out[len] = '\0';
        }
        return;
    }
    if (!is_option(a)) {
        snprintf(out, n, "%s", a->name);
        return;
    }
    char d[128];
    dest_of(a->name, d, sizeof d);
    size_t i = 0;
    for (; d[i] && i + 1 < n; i++)
        out[i] = (d[i] >= 'a' && d[i] <= 'z') ? (char)(d[i] - 32) : d[i];
    out[i] = '\0';
}

/* The invocation text of one option: "-v {0,1,2,3}, --verbosity {0,1,2,3}". */
static void invocation(const mn_command_arg *a, char *out, size_t n)
{
    char mv[128];
    metavar_of(a, mv, sizeof mv);
    if (!is_option(a))
        snprintf(out, n, "%s", mv);
    else if (a->type == MN_ARG_BOOL && a->short_name)
        snprintf(out, n, "-%c, %s", a->short_name, a->name);
    else if (a->type == MN_ARG_BOOL)
        snprintf(out, n, "%s", a->name);
    else if (a->short_name)
        snprintf(out, n, "-%c %s, %s %s", a->short_name, mv, a->name, mv);
    else
        snprintf(out, n, "%s %s", a->name, mv);
}

static void usage_item(FILE *f, const mn_command_arg *a)
{
    char mv[128];
    metavar_of(a, mv, sizeof mv);
    const char *flag = a->short_name ? NULL : a->name;
    char shortf[4] = { '-', a->short_name, 0, 0 };
    if (a->short_name)
        flag = shortf;
    if (!is_option(a))
        fprintf(f, a->optional ? " [%s]" : " %s", mv);
    else if (a->type == MN_ARG_BOOL)
        fprintf(f, a->required ? " %s" : " [%s]", flag);
    else
        fprintf(f, a->required ? " %s %s" : " [%s %s]", flag, mv);
}

static void print_usage(FILE *f, const char *prog, const mn_command *cmd)
{
    fprintf(f, "usage: %s %s [-h]", prog, cmd->name);
    for (const mn_command_arg *a = cmd->args; a && a->name; a++)
        if (is_option(a))
            usage_item(f, a);
    for (const mn_command_arg *a = common_args; a->name; a++)
        usage_item(f, a);
    for (const mn_command_arg *a = cmd->args; a && a->name; a++)
        if (!is_option(a))
            usage_item(f, a);
    fputc('\n', f);
}

/* Writes help text wrapped at 80 columns, starting at column col. */
static void print_wrapped(FILE *f, const char *text, int indent, int col)
{
    int width = 80;
    const char *p = text;
    if (col > indent) {
        if (col + 2 > indent + 2) {
            fputc('\n', f);
            col = 0;
        }
    }
    bool first = true;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        int wl = (int)(p - word);
        if (wl == 0)
            break;
        if (first) {
            fprintf(f, "%*s", indent - col, "");
            col = indent;
        } else if (col + 1 + wl > width) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", wl, word);
        col += wl;
        first = false;
    }
    fputc('\n', f);
}

static void print_arg_help(FILE *f, const mn_command_arg *a)
{
    char inv[600];
    invocation(a, inv, sizeof inv);
    fprintf(f, "  %s", inv);
    int col = 2 + (int)strlen(inv);
    if (!a->help) {
        fputc('\n', f);
        return;
    }
    if (col > 22) {
        fputc('\n', f);
        col = 0;
    }
    print_wrapped(f, a->help, 24, col);
}

static void print_help(FILE *f, const char *prog, const mn_command *cmd)
{
    print_usage(f, prog, cmd);
    if (cmd->help) {
        fputc('\n', f);
        fprintf(f, "%s\n", cmd->help);
    }
    bool any_pos = false;
    for (const mn_command_arg *a = cmd->args; a && a->name; a++)
        any_pos |= !is_option(a);
    if (any_pos) {
        fprintf(f, "\npositional arguments:\n");
        for (const mn_command_arg *a = cmd->args; a && a->name; a++)
            if (!is_option(a))
                print_arg_help(f, a);
    }
    fprintf(f, "\noptions:\n  -h, --help            show this help message and exit\n");
    for (const mn_command_arg *a = cmd->args; a && a->name; a++)
        if (is_option(a))
            print_arg_help(f, a);
    for (const mn_command_arg *a = common_args; a->name; a++)
        print_arg_help(f, a);
}

/* ---- parsing ---- */

static int arg_error(mn_command_ctx *ctx, const char *fmt, ...) MN_PRINTF(2, 3);
static int arg_error(mn_command_ctx *ctx, const char *fmt, ...)
{
    print_usage(ctx->err, ctx->prog, ctx->cmd);
    fprintf(ctx->err, "%s %s: error: ", ctx->prog, ctx->cmd->name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(ctx->err, fmt, ap);
    va_end(ap);
    fputc('\n', ctx->err);
    return 2;
}

static const char *arg_label(const mn_command_arg *a, char *buf, size_t n)
{
    if (!is_option(a))
        return a->name;
    if (a->short_name)
        snprintf(buf, n, "-%c/%s", a->short_name, a->name);
    else
        snprintf(buf, n, "%s", a->name);
    return buf;
}

static int convert(mn_command_ctx *ctx, parsed *p, const char *text)
{
    const mn_command_arg *a = p->arg;
    char label[160];
    if (a->choices) {
        bool ok = false;
        for (const char *const *c = a->choices; *c; c++)
            ok |= !strcmp(*c, text);
        if (!ok) {
            char list[512];
            size_t len = 0;
            for (const char *const *c = a->choices; *c && len < sizeof list - 8; c++) {
                int w = snprintf(list + len, sizeof list - len, "%s'%s'", c == a->choices ? "" : ", ", *c);
                if (w > 0)
                    len += (size_t)w;
            }
            return arg_error(ctx, "argument %s: invalid choice: '%s' (choose from %s)", arg_label(a, label, sizeof label),
                             text, list);
        }
    }
    if (a->type == MN_ARG_INT) {
        int64_t v;
        if (mn_str_to_i64(mn_str_trim(mn_str_from(text)), &v))
            return arg_error(ctx, "argument %s: invalid int value: '%s'", arg_label(a, label, sizeof label), text);
        p->i = v;
    } else if (a->type == MN_ARG_FLOAT) {
        double v;
        if (mn_str_to_double(mn_str_trim(mn_str_from(text)), &v))
            return arg_error(ctx, "argument %s: invalid float value: '%s'", arg_label(a, label, sizeof label), text);
        p->f = v;
    }
    p->text = text;
    return 0;
}

static parsed *find_option(mn_command_ctx *ctx, const char *tok, size_t toklen)
{
    for (size_t i = 0; i < ctx->nvalues; i++) {
        const mn_command_arg *a = ctx->values[i].arg;
        if (!is_option(a))
            continue;
        if (toklen == 2 && tok[0] == '-' && tok[1] == a->short_name && a->short_name)
            return &ctx->values[i];
        if (strlen(a->name) == toklen && !strncmp(a->name, tok, toklen))
            return &ctx->values[i];
    }
    return NULL;
}

static int parse_args(mn_command_ctx *ctx, int argc, char **argv, bool *want_help)
{
    size_t n = 0;
    for (const mn_command_arg *a = ctx->cmd->args; a && a->name; a++)
        n++;
    for (const mn_command_arg *a = common_args; a->name; a++)
        n++;
    ctx->values = mn_arena_calloc(ctx->arena, n + 1, sizeof(parsed));
    if (!ctx->values)
        return 1;
    ctx->nvalues = 0;
    for (const mn_command_arg *a = ctx->cmd->args; a && a->name; a++)
        ctx->values[ctx->nvalues++].arg = a;
    for (const mn_command_arg *a = common_args; a->name; a++)
        ctx->values[ctx->nvalues++].arg = a;

    size_t next_pos = 0;
    bool only_positional = false;
    for (int i = 0; i < argc; i++) {
        const char *tok = argv[i];
        if (!only_positional && !strcmp(tok, "--")) {
            only_positional = true;
            continue;
        }
        if (!only_positional && (!strcmp(tok, "-h") || !strcmp(tok, "--help"))) {
            *want_help = true;
            return 0;
        }
        if (!only_positional && tok[0] == '-' && tok[1] && !(tok[1] >= '0' && tok[1] <= '9')) {
            const char *eq = strchr(tok, '=');
            size_t toklen = eq && tok[1] == '-' ? (size_t)(eq - tok) : strlen(tok);
            const char *inline_val = eq && tok[1] == '-' ? eq + 1 : NULL;
            if (!eq && tok[1] != '-' && strlen(tok) > 2) { /* -v2 */
                toklen = 2;
                inline_val = tok + 2;
            }
            parsed *p = find_option(ctx, tok, toklen);
            if (!p)
                return arg_error(ctx, "unrecognized arguments: %s", tok);
            if (p->arg->type == MN_ARG_BOOL) {
                if (inline_val) {
                    char label[160];
                    return arg_error(ctx, "argument %s: ignored explicit argument '%s'",
                                     arg_label(p->arg, label, sizeof label), inline_val);
                }
                p->b = true;
                p->given = true;
                continue;
            }
            const char *val = inline_val;
            if (!val) {
                if (i + 1 >= argc) {
                    char label[160];
                    return arg_error(ctx, "argument %s: expected one argument", arg_label(p->arg, label, sizeof label));
                }
                val = argv[++i];
            }
            int rc = convert(ctx, p, val);
            if (rc)
                return rc;
            p->given = true;
            continue;
        }
        /* A positional argument. */
        size_t k = 0, seen = 0;
        parsed *target = NULL;
        for (; k < ctx->nvalues; k++) {
            if (is_option(ctx->values[k].arg))
                continue;
            if (seen++ == next_pos) {
                target = &ctx->values[k];
                break;
            }
        }
        if (!target)
            return arg_error(ctx, "unrecognized arguments: %s", tok);
        int rc = convert(ctx, target, tok);
        if (rc)
            return rc;
        target->given = true;
        next_pos++;
    }
    /* Missing required arguments, listed together as argparse does. */
    char missing[512] = "";
    size_t mlen = 0;
    for (size_t k = 0; k < ctx->nvalues; k++) {
        parsed *p = &ctx->values[k];
        bool required = is_option(p->arg) ? p->arg->required : !p->arg->optional;
        if (required && !p->given) {
            char label[160];
            int w = snprintf(missing + mlen, sizeof missing - mlen, "%s%s", mlen ? ", " : "",
                             arg_label(p->arg, label, sizeof label));
            if (w > 0 && (size_t)w < sizeof missing - mlen)
                mlen += (size_t)w;
        }
    }
    if (mlen)
        return arg_error(ctx, "the following arguments are required: %s", missing);
    /* Defaults. */
    for (size_t k = 0; k < ctx->nvalues; k++) {
        parsed *p = &ctx->values[k];
        if (!p->given && p->arg->default_value && p->arg->type != MN_ARG_BOOL) {
            int rc = convert(ctx, p, p->arg->default_value);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- dispatch ---- */

static const mn_command *find_command(const mn_command_group *const *groups, const char *name)
{
    for (const mn_command_group *const *g = groups; g && *g; g++)
        for (const mn_command *const *c = (*g)->commands; c && *c; c++)
            if (!strcmp((*c)->name, name))
                return *c;
    return NULL;
}

/* Levenshtein distance, for "did you mean". */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

static void list_commands(FILE *f, const char *prog, const mn_command_group *const *groups)
{
    fprintf(f, "\nType '%s help <subcommand>' for help on a specific subcommand.\n\nAvailable subcommands:\n", prog);
    for (const mn_command_group *const *g = groups; g && *g; g++) {
        fprintf(f, "\n[%s]\n", (*g)->label);
        for (const mn_command *const *c = (*g)->commands; c && *c; c++)
            fprintf(f, "    %s\n", (*c)->name);
    }
}

static bool want_color(FILE *f, bool no_color, bool force_color)
{
    if (force_color)
        return true;
    if (no_color || getenv("NO_COLOR"))
        return false;
    return isatty(fileno(f));
}

int mn_command_run(const mn_command_group *const *groups, int argc, char **argv, FILE *out, FILE *err)
{
    const char *prog = argc > 0 && argv[0] ? argv[0] : "manage";
    const char *slash = strrchr(prog, '/');
    if (slash)
        prog = slash + 1;
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        if (argc >= 3 && !strcmp(argv[1], "help")) {
            const mn_command *cmd = find_command(groups, argv[2]);
            if (cmd) {
                print_help(out, prog, cmd);
                return 0;
            }
            fprintf(err, "Unknown command: '%s'\nType '%s help' for usage.\n", argv[2], prog);
            return 1;
        }
        list_commands(argc < 2 ? err : out, prog, groups);
        return argc < 2 ? 1 : 0;
    }
    const mn_command *cmd = find_command(groups, argv[1]);
    if (!cmd) {
        const char *best = NULL;
        size_t bestd = 3;
        for (const mn_command_group *const *g = groups; g && *g; g++)
            for (const mn_command *const *c = (*g)->commands; c && *c; c++) {
                size_t d = edit_distance(argv[1], (*c)->name);
                if (d < bestd) {
                    bestd = d;
                    best = (*c)->name;
                }
            }
        fprintf(err, "Unknown command: '%s'.", argv[1]);
        if (best)
            fprintf(err, " Did you mean %s?", best);
        fprintf(err, "\nType '%s help' for usage.\n", prog);
        return 1;
    }
    mn_command_ctx ctx = { 0 };
    ctx.cmd = cmd;
    ctx.prog = prog;
    ctx.out = out;
    ctx.err = err;
    ctx.arena = mn_arena_new("command", 0);
    if (!ctx.arena) {
        fprintf(err, "out of memory\n");
        return 1;
    }
    bool want_help = false;
    int rc = parse_args(&ctx, argc - 2, argv + 2, &want_help);
    if (want_help) {
        print_help(out, prog, cmd);
        rc = 0;
        goto done;
    }
    if (rc)
        goto done;
    ctx.verbosity = (int)mn_command_int(&ctx, "verbosity");
    ctx.traceback = mn_command_flag(&ctx, "traceback");
    bool no_color = mn_command_flag(&ctx, "no_color"), force = mn_command_flag(&ctx, "force_color");
    if (no_color && force) {
        fprintf(err, "CommandError: The --no-color and --force-color options can't be used together.\n");
        rc = 1;
        goto done;
    }
    ctx.color_out = want_color(out, no_color, force);
    ctx.color_err = want_color(err, no_color, force);
    const char *variant = mn_command_str(&ctx, "settings");
    if (variant)
        setenv("MANOUCHE_SETTINGS", variant, 1);
    rc = cmd->handle ? cmd->handle(&ctx) : 0;
done:
    fflush(out);
    fflush(err);
    mn_arena_free(ctx.arena);
    return rc;
}
