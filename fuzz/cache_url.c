/* Fuzz target for CACHE_URL and Redis LOCATION parsing: no crash, errors
 * carry a message, parsed values are in range, and a password never shows
 * in a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_arena *a = mn_arena_new("fuzz", 16u << 20);
    if (!a)
        return 0;
    char *url = mn_arena_strndup(a, (const char *)data, size);
    mn_err err = { 0 }, lerr = { 0 };
    mn_cache_config cfg;
    int crc = MN_EINVAL;
    if (url && !memchr(data, 0, size)) {
        crc = mn_cache_config_from_url(url, a, &cfg, &err);
        if (crc == MN_OK) {
            if (!cfg.BACKEND || !cfg.LOCATION || cfg.MAX_ENTRIES < 0)
                abort();
        } else if (err.msg[0] == '\0') {
            abort();
        }
    }
    mn_cache_redis_location loc;
    int rc = mn_cache_redis_location_parse(mn_str_make((const char *)data, size), a, &loc, &lerr);
    if (rc == MN_OK) {
        if ((!loc.host) == (!loc.socket) || loc.port < 1 || loc.port > 65535 || loc.db < 0)
            abort();
        /* A message about the same URL never shows its password (unless
         * the text is repeated where a message quotes it, an option name). */
        const char *q = url ? strchr(url, '?') : NULL;
        if (crc != MN_OK && loc.password && strlen(loc.password) >= 4 && strstr(err.msg, loc.password) &&
            !(q && strstr(q, loc.password)))
            abort();
    } else if (lerr.msg[0] == '\0') {
        abort();
    }
    mn_arena_free(a);
    return 0;
}
