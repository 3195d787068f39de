/* Fuzz target for the shop's CSV reader (import_products): no crash, rows
 * within the limits, fields inside the input or the arena, an error always
 * explained. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "products/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_arena *a = mn_arena_new("fuzz", 256u << 20);
    if (!a)
        return 0;
    csv_row *rows = NULL;
    size_t n = 0;
    mn_err err = { 0 };
    int rc = csv_parse(mn_str_make((const char *)data, size), a, &rows, &n, &err);
    if (rc == MN_OK) {
        if (n > CSV_MAX_ROWS)
            abort();
        size_t total = 0;
        for (size_t i = 0; i < n; i++) {
            if (rows[i].n == 0 || rows[i].n > CSV_MAX_FIELDS || rows[i].line == 0)
                abort();
            if (i && rows[i].line < rows[i - 1].line)
                abort();
            for (size_t j = 0; j < rows[i].n; j++)
                total += rows[i].fields[j].len;
        }
        if (total > size) /* fields never hold more than the input */
            abort();
    } else if (err.msg[0] == '\0' || (rc != MN_EPARSE && rc != MN_ELIMIT && rc != MN_ENOMEM)) {
        abort();
    }
    mn_arena_free(a);
    return 0;
}
