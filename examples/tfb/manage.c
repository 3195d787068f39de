/* TechEmpower-style benchmark app: /plaintext and /json.
 *   manage runserver [HOST:PORT] [--workers N] [--threads N] [--no-access-log]
 * The benchmark issue completes it (database tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

static mn_response *tfb(mn_request *req, void *ctx)
{
    (void)ctx;
    mn_str path = mn_request_path(req);
    if (mn_str_eq_cstr(path, "/plaintext"))
        return mn_response_static(req, 200, "text/plain", MN_STR("Hello, World!"));
    if (mn_str_eq_cstr(path, "/json")) {
        /* Serialized on every request, as the benchmark's rules require. */
        mn_map *m = mn_map_new(mn_request_arena(req), 1);
        if (!m || mn_map_set_cstr(m, "message", mn_value_cstr("Hello, World!")))
            return NULL;
        return mn_response_json(req, 200, mn_value_map(m), MN_JSON_COMPACT);
    }
    return mn_http_404(req);
}

static int usage(void)
{
    fprintf(stderr, "usage: manage runserver [HOST:PORT] [--workers N] [--threads N] [--no-access-log]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "runserver"))
        return usage();
    static const char *const any_host[] = { "*", NULL };
    const char *bind[2] = { "127.0.0.1:8000", NULL };
    mn_server_config cfg;
    mn_server_config_init(&cfg);
    cfg.handler = tfb;
    cfg.http.allowed_hosts = any_host;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--workers") && i + 1 < argc)
            cfg.workers = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            cfg.threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-access-log"))
            cfg.access_log = false;
        else if (argv[i][0] != '-')
            bind[0] = argv[i];
        else
            return usage();
    }
    cfg.bind = bind;
    mn_err err = { 0 };
    if (mn_server_run(&cfg, &err)) {
        fprintf(stderr, "manage: %s\n", err.msg);
        return 1;
    }
    return 0;
}
