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
    const char **items; /* a `many` positional's values */
    size_t nitems;
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

size_t mn_command_list(const mn_command_ctx *ctx, const char *name, const char *const **items)
{
    const parsed *p = find_value(ctx, name);
    *items = p && p->nitems ? (const char *const *)p->items : NULL;
    return p ? p->nitems : 0;
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

/* argparse's formatting width: the terminal width from COLUMNS (80 when
 * unset, as Python's shutil.get_terminal_size off a terminal), minus 2. */
static int help_width(void)
{
    const char *c = getenv("COLUMNS");
    int64_t cols = 0;
    if (!c || mn_str_to_i64(mn_str_from(c), &cols) || cols <= 0 || cols > 10000)
        cols = 80;
    return (int)cols - 2;
}

/* The usage parts of one argument, as argparse's usage wrapping splits
 * them: "[--category CATEGORY]" is one part, a required option's
 * "--name METAVAR" two. Appends NUL-terminated parts to b. */
static void usage_parts(mn_buf *b, const mn_command_arg *a)
{
    char mv[128];
    metavar_of(a, mv, sizeof mv);
    const char *flag = a->name;
    char shortf[4] = { '-', a->short_name, 0, 0 };
    if (a->short_name)
        flag = shortf;
    if (!is_option(a) && a->many)
        mn_buf_printf(b, a->optional ? "[%s [%s ...]]" : "%s [%s ...]", mv, mv);
    else if (!is_option(a))
        mn_buf_printf(b, a->optional ? "[%s]" : "%s", mv);
    else if (a->type == MN_ARG_BOOL)
        mn_buf_printf(b, a->required ? "%s" : "[%s]", flag);
    else if (a->required) {
        mn_buf_puts(b, flag);
        mn_buf_putc(b, '\0');
        mn_buf_puts(b, mv);
    } else
        mn_buf_printf(b, "[%s %s]", flag, mv);
    mn_buf_putc(b, '\0');
}

/* Writes parts (NUL-terminated, one after the other in s) on lines of at
 * most width columns, like argparse's get_lines: a line that is not the
 * first starts with indent spaces; the first continues at column first_col
 * (first_col 0: there is no first line already started). */
static void put_usage_lines(FILE *f, mn_str s, int indent, int first_col, int width)
{
    int line_len = first_col ? first_col - 1 : indent - 1;
    bool empty = true, on_first = first_col != 0;
    for (size_t pos = 0; pos < s.len;) {
        const char *part = s.ptr + pos;
        int plen = (int)strlen(part);
        pos += (size_t)plen + 1;
        if (line_len + 1 + plen > width && !empty) {
            fputc('\n', f);
            line_len = indent - 1;
            empty = true;
            on_first = false;
        }
        if (empty && !on_first)
            fprintf(f, "%*s", indent, "");
        else
            fputc(' ', f);
        fputs(part, f);
        line_len += plen + 1;
        empty = false;
    }
    if (!empty)
        fputc('\n', f);
}

static void put_parts(FILE *f, mn_str s)
{
    for (size_t pos = 0; pos < s.len;) {
        const char *part = s.ptr + pos;
        fprintf(f, " %s", part);
        pos += strlen(part) + 1;
    }
}

static void print_usage(FILE *f, const char *prog, const mn_command *cmd)
{
    mn_buf opts, pos;
    mn_buf_init(&opts, NULL, 0);
    mn_buf_init(&pos, NULL, 0);
    mn_buf_puts(&opts, "[-h]");
    mn_buf_putc(&opts, '\0');
    for (const mn_command_arg *a = cmd->args; a && a->name; a++)
        if (is_option(a))
            usage_parts(&opts, a);
    for (const mn_command_arg *a = common_args; a->name; a++)
        usage_parts(&opts, a);
    for (const mn_command_arg *a = cmd->args; a && a->name; a++)
        if (!is_option(a))
            usage_parts(&pos, a);
    mn_str o = mn_buf_str(&opts), p = mn_buf_str(&pos);
    int width = help_width();
    static const char prefix[] = "usage: ";
    int plen = (int)sizeof prefix - 1;
    int prog_len = (int)(strlen(prog) + 1 + strlen(cmd->name));
    fprintf(f, "%s%s %s", prefix, prog, cmd->name);
    /* Each part is followed by its NUL, which stands for the space before it. */
    if (plen + prog_len + (int)(o.len + p.len) <= width || mn_buf_error(&opts) || mn_buf_error(&pos)) {
        put_parts(f, o);
        put_parts(f, p);
        fputc('\n', f);
    } else if (plen + prog_len <= 0.75 * width) {
        /* A short prog is followed by the options, the positionals aligned
         * under them. */
        int indent = plen + prog_len + 1;
        put_usage_lines(f, o, indent, plen + prog_len + 1, width);
        put_usage_lines(f, p, indent, 0, width);
    } else {
        fputc('\n', f);
        put_usage_lines(f, o, plen, 0, width);
        put_usage_lines(f, p, plen, 0, width);
    }
    mn_buf_free(&opts);
    mn_buf_free(&pos);
}

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* Writes text wrapped as argparse does (textwrap.wrap after collapsing
 * whitespace): lines of at most width - indent characters starting at column
 * indent; a word longer than a whole line is cut to fill the current one.
 * col is the column already reached on the current line (a new line is
 * started when it is past indent). */
static void print_wrapped(FILE *f, const char *text, int indent, int col, int width)
{
    int avail = width - indent;
    if (avail < 11)
        avail = 11;
    if (col > indent) {
        fputc('\n', f);
        col = 0;
    }
    fprintf(f, "%*s", indent - col, "");
    int len = 0;
    const char *p = text;
    for (;;) {
        while (*p && is_ws(*p))
            p++;
        const char *w = p;
        while (*p && !is_ws(*p))
            p++;
        int wl = (int)(p - w);
        if (wl == 0)
            break;
        while (wl > 0) {
            int sep = len ? 1 : 0;
            if (len + sep + wl <= avail) {
                if (sep)
                    fputc(' ', f);
                fwrite(w, 1, (size_t)wl, f);
                len += sep + wl;
                break;
            }
            if (wl > avail && len + sep < avail) {
                /* A word longer than a line fills the rest of this one. */
                int take = avail - len - sep;
                if (sep)
                    fputc(' ', f);
                fwrite(w, 1, (size_t)take, f);
                w += take;
                wl -= take;
            }
            fprintf(f, "\n%*s", indent, "");
            len = 0;
        }
    }
    fputc('\n', f);
}

static void print_arg_help(FILE *f, const mn_command_arg *a, int width)
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
    print_wrapped(f, a->help, 24, col, width);
}

static void print_help(FILE *f, const char *prog, const mn_command *cmd)
{
    int width = help_width();
    print_usage(f, prog, cmd);
    if (cmd->help) {
        fputc('\n', f);
        print_wrapped(f, cmd->help, 0, 0, width);
    }
    bool any_pos = false;
    for (const mn_command_arg *a = cmd->args; a && a->name; a++)
        any_pos |= !is_option(a);
    if (any_pos) {
        fprintf(f, "\npositional arguments:\n");
        for (const mn_command_arg *a = cmd->args; a && a->name; a++)
            if (!is_option(a))
                print_arg_help(f, a, width);
    }
    fprintf(f, "\noptions:\n  -h, --help            show this help message and exit\n");
    for (const mn_command_arg *a = cmd->args; a && a->name; a++)
        if (is_option(a))
            print_arg_help(f, a, width);
    for (const mn_command_arg *a = common_args; a->name; a++)
        print_arg_help(f, a, width);
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

/* How argparse reads one token (its _parse_optional): an option given by
 * its exact name, "--name=value" / "-x=value", "-xVALUE", or an unambiguous
 * prefix of a long name (Django's parser allows abbreviations); otherwise a
 * positional (negative numbers and texts with spaces included) or an unknown
 * option. */
enum { TOK_POSITIONAL, TOK_OPTION, TOK_HELP, TOK_UNKNOWN, TOK_AMBIGUOUS };

typedef struct token {
    int kind;
    parsed *p;         /* TOK_OPTION */
    const char *value; /* an explicit value, or NULL */
} token;

static bool is_common(const mn_command_arg *a)
{
    return a >= common_args && a < common_args + sizeof common_args / sizeof common_args[0];
}

/* ^-\d+$|^-\d*\.\d+$ */
static bool negative_number(const char *s)
{
    if (s[0] != '-')
        return false;
    const char *p = s + 1;
    size_t before = strspn(p, "0123456789");
    p += before;
    if (!*p)
        return before > 0;
    if (*p != '.')
        return false;
    p++;
    size_t after = strspn(p, "0123456789");
    return after > 0 && !p[after];
}

/* Visits the option strings in argparse's order (-h, --help, the common
 * options, then the command's): fn returns true to stop. */
typedef bool (*opt_visit)(void *ud, parsed *p, const char *optstr, bool is_short);

static bool visit_options(mn_command_ctx *ctx, opt_visit fn, void *ud)
{
    if (fn(ud, NULL, "-h", true) || fn(ud, NULL, "--help", false))
        return true;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < ctx->nvalues; i++) {
            parsed *p = &ctx->values[i];
            if (!is_option(p->arg) || is_common(p->arg) != (pass == 0))
                continue;
            char shortf[3] = { '-', p->arg->short_name, 0 };
            if (p->arg->short_name && fn(ud, p, shortf, true))
                return true;
            if (fn(ud, p, p->arg->name, false))
                return true;
        }
    return false;
}

typedef struct match_state {
    const char *name; /* exact search: the name; prefix search: the prefix */
    size_t len;
    const char *tok;  /* prefix search: the whole token */
    token t;
    size_t nfound;
    mn_buf *names;    /* the candidates, for the ambiguity message */
} match_state;

static bool visit_exact(void *ud, parsed *p, const char *optstr, bool is_short)
{
    (void)is_short;
    match_state *m = ud;
    if (strlen(optstr) != m->len || strncmp(optstr, m->name, m->len))
        return false;
    m->t.kind = p ? TOK_OPTION : TOK_HELP;
    m->t.p = p;
    m->nfound = 1;
    return true;
}

static bool visit_prefix(void *ud, parsed *p, const char *optstr, bool is_short)
{
    match_state *m = ud;
    const char *value = NULL;
    bool hit;
    if (m->tok[1] == '-') {
        hit = !is_short && !strncmp(optstr, m->name, m->len);
        value = m->tok[m->len] == '=' ? m->tok + m->len + 1 : NULL;
    } else if (is_short && !strncmp(optstr, m->tok, 2)) {
        hit = true;
        value = m->tok + 2; /* -xVALUE */
    } else {
        hit = !strncmp(optstr, m->tok, m->len);
    }
    if (!hit)
        return false;
    if (m->nfound++)
        mn_buf_puts(m->names, ", ");
    mn_buf_puts(m->names, optstr);
    m->t.kind = p ? TOK_OPTION : TOK_HELP;
    m->t.p = p;
    m->t.value = value;
    return false;
}

static token classify(mn_command_ctx *ctx, const char *tok, mn_buf *names)
{
    token t = { TOK_POSITIONAL, NULL, NULL };
    if (tok[0] != '-' || !tok[1])
        return t;
    match_state m = { .name = tok, .len = strlen(tok), .tok = tok, .names = names };
    if (visit_options(ctx, visit_exact, &m))
        return m.t;
    const char *eq = strchr(tok, '=');
    if (eq) {
        m.len = (size_t)(eq - tok);
        if (visit_options(ctx, visit_exact, &m)) {
            m.t.value = eq + 1;
            return m.t;
        }
    }
    m.len = tok[1] == '-' && eq ? (size_t)(eq - tok) : strlen(tok);
    m.nfound = 0;
    visit_options(ctx, visit_prefix, &m);
    if (m.nfound > 1) {
        t.kind = TOK_AMBIGUOUS;
        return t;
    }
    if (m.nfound == 1)
        return m.t;
    if (negative_number(tok) || strchr(tok, ' '))
        return t;
    t.kind = TOK_UNKNOWN;
    return t;
}

/* Keeps p's current text as one more of its values (nargs='*'/'+'
 * positionals and action='append' options). */
static int append_item(mn_command_ctx *ctx, parsed *p)
{
    const char **grown = mn_arena_alloc(ctx->arena, (p->nitems + 1) * sizeof *grown);
    if (!grown)
        return 1;
    if (p->nitems)
        memcpy(grown, p->items, p->nitems * sizeof *grown);
    grown[p->nitems++] = p->text;
    p->items = grown;
    return 0;
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

    /* Unrecognized tokens are collected and reported together at the end,
     * after the missing required arguments (argparse's order). */
    mn_buf extras;
    mn_buf_init(&extras, ctx->arena, 0);
    size_t next_pos = 0;
    bool only_positional = false;
    char label[160];
    for (int i = 0; i < argc; i++) {
        const char *tok = argv[i];
        if (!only_positional && !strcmp(tok, "--")) {
            only_positional = true;
            continue;
        }
        mn_buf names;
        mn_buf_init(&names, ctx->arena, 0);
        token t = { TOK_POSITIONAL, NULL, NULL };
        if (!only_positional)
            t = classify(ctx, tok, &names);
        if (t.kind == TOK_HELP) {
            *want_help = true;
            return 0;
        }
        if (t.kind == TOK_AMBIGUOUS)
            return arg_error(ctx, "ambiguous option: %s could match %s", tok, mn_buf_cstr(&names));
        if (t.kind == TOK_UNKNOWN) {
            if (extras.len)
                mn_buf_putc(&extras, ' ');
            mn_buf_puts(&extras, tok);
            continue;
        }
        if (t.kind == TOK_OPTION) {
            parsed *p = t.p;
            const char *value = t.value;
            /* Single-dash flags combine: "-nf", "-nfc3" (argparse). */
            while (p->arg->type == MN_ARG_BOOL && value) {
                parsed *nx = NULL;
                bool help = value[0] == 'h';
                for (size_t k = 0; k < ctx->nvalues && tok[1] != '-' && value[0] && !help && !nx; k++)
                    if (is_option(ctx->values[k].arg) && ctx->values[k].arg->short_name == value[0])
                        nx = &ctx->values[k];
                if (tok[1] == '-' || !value[0] || (!nx && !help))
                    return arg_error(ctx, "argument %s: ignored explicit argument '%s'",
                                     arg_label(p->arg, label, sizeof label), value);
                p->b = true;
                p->given = true;
                if (help) {
                    *want_help = true;
                    return 0;
                }
                p = nx;
                value = value[1] ? value + 1 : NULL;
            }
            if (p->arg->type == MN_ARG_BOOL) {
                p->b = true;
                p->given = true;
                continue;
            }
            const char *val = value;
            if (!val) {
                /* The next token is the value unless it looks like an option. */
                mn_buf scratch;
                mn_buf_init(&scratch, ctx->arena, 0);
                if (i + 1 >= argc || !strcmp(argv[i + 1], "--") ||
                    classify(ctx, argv[i + 1], &scratch).kind != TOK_POSITIONAL)
                    return arg_error(ctx, "argument %s: expected one argument", arg_label(p->arg, label, sizeof label));
                val = argv[++i];
            }
            int rc = convert(ctx, p, val);
            if (!rc && p->arg->many)
                rc = append_item(ctx, p);
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
        if (!target) {
            if (extras.len)
                mn_buf_putc(&extras, ' ');
            mn_buf_puts(&extras, tok);
            continue;
        }
        int rc = convert(ctx, target, tok);
        if (rc)
            return rc;
        target->given = true;
        if (target->arg->many) {
            /* nargs='*'/'+': keep every value, stay on this argument. */
            if (append_item(ctx, target))
                return 1;
            continue;
        }
        next_pos++;
    }
    /* Missing required arguments, listed together as argparse does. */
    char missing[512] = "";
    size_t mlen = 0;
    for (size_t k = 0; k < ctx->nvalues; k++) {
        parsed *p = &ctx->values[k];
        bool required = is_option(p->arg) ? p->arg->required : !p->arg->optional;
        if (required && !p->given) {
            int w = snprintf(missing + mlen, sizeof missing - mlen, "%s%s", mlen ? ", " : "",
                             arg_label(p->arg, label, sizeof label));
            if (w > 0 && (size_t)w < sizeof missing - mlen)
                mlen += (size_t)w;
        }
    }
    if (mlen)
        return arg_error(ctx, "the following arguments are required: %s", missing);
    if (extras.len)
        return arg_error(ctx, "unrecognized arguments: %s", mn_buf_cstr(&extras));
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
