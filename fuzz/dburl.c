/* Fuzz target for DATABASE_URL parsing: no crash, and a parsed URL is
 * self-consistent (names set, ports in range, options complete). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_arena *a = mn_arena_new("fuzz", 16u << 20);
    if (!a)
        return 0;
    mn_db_config db;
    mn_err err = { 0 };
    int rc = mn_dburl_parse(mn_str_make((const char *)data, size), a, &db, &err);
    if (rc == MN_OK) {
        if (db.engine != MN_DB_SQLITE && db.engine != MN_DB_POSTGRES)
            abort();
        if (!db.name || !*db.name || db.port < 0 || db.port > 65535)
            abort();
        if (db.n_options > MN_DBURL_MAX_OPTIONS)
            abort();
        for (size_t i = 0; i < db.n_options; i++)
            if (!db.options[i].key || !*db.options[i].key || !db.options[i].value ||
                mn_db_config_option(&db, db.options[i].key) != db.options[i].value)
                abort();
    } else if (err.msg[0] == '\0') {
        abort();
    }
    mn_arena_free(a);
    return 0;
}
