/* The template lexer: Django's tag_re split into TEXT, VAR, BLOCK and COMMENT
 * tokens, with line and column, and {% verbatim %} handling. */
#include <string.h>
#include "internal.h"

typedef struct lexer {
    mn_arena *a;
    mn__token *toks;
    size_t n, cap;
    mn_str verbatim; /* the end tag we wait for, or empty */
    const char *src;
} lexer;

static int push(lexer *lx, int type, mn_str contents, int line, int col)
{
    if (lx->n == lx->cap) {
        size_t nc = lx->cap ? lx->cap * 2 : 64;
        mn__token *t = mn_arena_realloc(lx->a, lx->toks, lx->cap * sizeof *t, nc * sizeof *t);
        if (!t)
            return -1;
        lx->toks = t;
        lx->cap = nc;
    }
    lx->toks[lx->n++] = (mn__token){ (uint8_t)type, contents, line, col };
    return 0;
}

/* A tag token string "{%...%}" etc. becomes a token, as Lexer.create_token. */
static int tag_token(lexer *lx, mn_str tok, int line, int col)
{
    mn_str inner = mn_str_trim(mn_str_slice(tok, 2, tok.len - 2));
    if (tok.ptr[1] == '%' && lx->verbatim.len && mn_str_eq(inner, lx->verbatim))
        lx->verbatim = MN_STR_EMPTY;
    if (lx->verbatim.len)
        return push(lx, TOK_TEXT, tok, line, col);
    if (tok.ptr[1] == '{')
        return push(lx, TOK_VAR, inner, line, col);
    if (tok.ptr[1] == '%') {
        if (mn_str_eq_cstr(inner, "verbatim") || mn_str_starts_with(inner, MN_STR("verbatim "))) {
            char *end = mn_arena_sprintf(lx->a, "end%.*s", MN_STR_FMT(inner));
            if (!end)
                return -1;
            lx->verbatim = mn_str_from(end);
        }
        return push(lx, TOK_BLOCK, inner, line, col);
    }
    return push(lx, TOK_COMMENT, MN_STR_EMPTY, line, col);
}

ptrdiff_t mn__tpl_tokenize(mn_arena *a, mn_str src, mn__token **out)
{
    lexer lx = { .a = a, .verbatim = MN_STR_EMPTY, .src = src.ptr };
    size_t i = 0, text_start = 0;
    int line = 1, text_line = 1;
    size_t line_start = 0, text_col0 = 0;
    const char *s = src.ptr;
    size_t n = src.len;
    while (i + 1 < n) {
        char c = s[i];
        if (c == '\n') {
            line++;
            line_start = i + 1;
            i++;
            continue;
        }
        if (c != '{' || (s[i + 1] != '%' && s[i + 1] != '{' && s[i + 1] != '#')) {
            i++;
            continue;
        }
        char close = s[i + 1] == '{' ? '}' : s[i + 1];
        size_t j = i + 2;
        bool found = false;
        while (j + 1 < n && s[j] != '\n') {
            if (s[j] == close && s[j + 1] == '}') {
                found = true;
                break;
            }
            j++;
        }
        if (!found) {
            i++;
            continue;
        }
        if (i > text_start &&
            push(&lx, TOK_TEXT, mn_str_make(s + text_start, i - text_start), text_line,
                 (int)(text_start - text_col0) + 1) < 0)
            return -1;
        if (tag_token(&lx, mn_str_make(s + i, j + 2 - i), line, (int)(i - line_start) + 1) < 0)
            return -1;
        i = j + 2;
        text_start = i;
        text_line = line;
        text_col0 = line_start;
    }
    if (n > text_start &&
        push(&lx, TOK_TEXT, mn_str_make(s + text_start, n - text_start), text_line,
             (int)(text_start - text_col0) + 1) < 0)
        return -1;
    *out = lx.toks;
    return (ptrdiff_t)lx.n;
}
