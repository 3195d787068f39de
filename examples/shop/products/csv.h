/* A small CSV reader (RFC 4180: commas, double-quoted fields with "" for a
 * quote, CRLF or LF line ends) for the import_products command: what
 * Python's csv.DictReader gives the guide's command. */
#ifndef SHOP_CSV_H
#define SHOP_CSV_H

#include <manouche.h>

/* Limits: bigger input is refused with a clear error, never truncated. */
#define CSV_MAX_FIELDS 64
#define CSV_MAX_ROWS 20000

typedef struct csv_row {
    size_t line;        /* 1-based line where the row starts */
    size_t n;
    mn_str fields[CSV_MAX_FIELDS];
} csv_row;

/* Parses text into rows (arena). Returns MN_OK with *rows and *nrows, or
 * MN_EPARSE / MN_ELIMIT with the line in err ("line 3: unterminated quoted
 * field"). A last line without a newline counts; empty lines are skipped. */
int csv_parse(mn_str text, mn_arena *arena, csv_row **rows, size_t *nrows, mn_err *err);

#endif
