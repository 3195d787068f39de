/* Fuzz target for the .env parser: any input must parse or fail cleanly, and
 * every parsed entry must be a valid key with a NUL-terminated value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_arena *a = mn_arena_new("fuzz", 64u << 20);
    if (!a)
        return 0;
    mn_dotenv env;
    mn_err err = { 0 };
    int rc = mn_dotenv_parse(mn_str_make((const char *)data, size), a, &env, &err);
    if (rc == MN_OK) {
        for (size_t i = 0; i < env.len; i++) {
            mn_dotenv_entry *e = &env.entries[i];
            if (e->key.len == 0 || e->key.len > MN_DOTENV_MAX_KEY || e->value.ptr[e->value.len] != '\0' ||
                memchr(e->value.ptr, '\0', e->value.len) || e->line == 0)
                abort();
            if (mn_dotenv_get(&env, e->key) != e->value.ptr)
                abort();
        }
    } else if (env.len != 0 || err.msg[0] == '\0') {
        abort();
    }
    mn_arena_free(a);
    return 0;
}
