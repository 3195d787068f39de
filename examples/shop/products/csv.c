/* The CSV reader of import_products. */
#include <string.h>
#include "products/csv.h"

int csv_parse(mn_str text, mn_arena *arena, csv_row **rows, size_t *nrows, mn_err *err)
{
    size_t cap = 16, n = 0, line = 1, i = 0;
    csv_row *out = mn_arena_alloc(arena, cap * sizeof *out);
    if (!out)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    while (i < text.len) {
        if (text.ptr[i] == '\n' || text.ptr[i] == '\r') { /* empty line */
            if (text.ptr[i] == '\n')
                line++;
            i++;
            continue;
        }
        if (n == CSV_MAX_ROWS)
            return mn_err_set(err, MN_ELIMIT, "line %zu: more than %d rows", line, CSV_MAX_ROWS);
        if (n == cap) {
            csv_row *grown = mn_arena_realloc(arena, out, cap * sizeof *out, cap * 2 * sizeof *out);
            if (!grown)
                return mn_err_set(err, MN_ENOMEM, "out of memory");
            out = grown;
            cap *= 2;
        }
        csv_row *row = &out[n++];
        row->line = line;
        row->n = 0;
        for (;;) { /* one field */
            if (row->n == CSV_MAX_FIELDS)
                return mn_err_set(err, MN_ELIMIT, "line %zu: more than %d fields", line, CSV_MAX_FIELDS);
            mn_str *f = &row->fields[row->n++];
            if (i < text.len && text.ptr[i] == '"') {
                size_t start_line = line;
                mn_buf b;
                mn_buf_init(&b, arena, 0);
                i++;
                for (;;) {
                    if (i >= text.len)
                        return mn_err_set(err, MN_EPARSE, "line %zu: unterminated quoted field", start_line);
                    char c = text.ptr[i++];
                    if (c == '"') {
                        if (i < text.len && text.ptr[i] == '"') {
                            mn_buf_putc(&b, '"');
                            i++;
                            continue;
                        }
                        break;
                    }
                    if (c == '\n')
                        line++;
                    mn_buf_putc(&b, c);
                }
                if (mn_buf_error(&b))
                    return mn_err_set(err, MN_ENOMEM, "out of memory");
                *f = mn_buf_str(&b);
                if (i < text.len && text.ptr[i] != ',' && text.ptr[i] != '\n' && text.ptr[i] != '\r')
                    return mn_err_set(err, MN_EPARSE, "line %zu: '%c' after a closing quote", line, text.ptr[i]);
            } else {
                size_t start = i;
                while (i < text.len && text.ptr[i] != ',' && text.ptr[i] != '\n' && text.ptr[i] != '\r') {
                    if (text.ptr[i] == '"')
                        return mn_err_set(err, MN_EPARSE, "line %zu: a quote inside an unquoted field", line);
                    i++;
                }
                *f = mn_str_slice(text, start, i);
            }
            if (i < text.len && text.ptr[i] == ',') {
                i++;
                continue;
            }
            break; /* end of line or text */
        }
        if (i < text.len && text.ptr[i] == '\r')
            i++;
        if (i < text.len && text.ptr[i] == '\n') {
            i++;
            line++;
        }
    }
    *rows = out;
    *nrows = n;
    return MN_OK;
}
