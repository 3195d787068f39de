/* Manouche: the HTTP/1.1 server.
 *
 * A master process binds the listening sockets, forks the worker processes
 * and restarts any that dies (logging the signal that killed it). Each worker
 * runs threads; each thread owns an epoll loop, its own SO_REUSEPORT
 * listening socket per TCP address and its connections, and runs each
 * handler on a fiber (src/core/fiber.h): a handler whose PostgreSQL query
 * waits is suspended while the loop serves other connections, and goes on
 * when the result is in (queries of one thread share one pipelined
 * connection; see db.h). Blocking calls (SQLite, files) block the thread.
 *
 * Signals to the master: SIGTERM or SIGINT stop accepting, let in-flight
 * requests finish (up to graceful_timeout_ms), close idle keep-alive
 * connections and exit; SIGHUP starts a new generation of workers and lets
 * the old one drain: its keep-alive connections get "Connection: close" on
 * their next request or end at their idle timeout, so a reload drops no
 * connection. */
#ifndef MANOUCHE_SERVER_H
#define MANOUCHE_SERVER_H

#include <stdbool.h>
#include "manouche/error.h"
#include "manouche/http.h"

typedef struct mn_server_config {
    /* NULL-terminated listening addresses: "127.0.0.1:8000", "[::1]:8000",
     * "0.0.0.0:80", ":8000" (all IPv4 and IPv6 interfaces) or
     * "unix:/run/app.sock". NULL: {"127.0.0.1:8000"}. */
    const char *const *bind;
    int workers; /* worker processes; 0: one per core */
    int threads; /* threads per worker; 0: 1 */
    mn_handler handler;
    void *handler_ctx;
    /* Called in each worker process before it serves (open per-worker
     * resources there); may be NULL. */
    void (*worker_init)(int worker_index, void *handler_ctx);
    mn_http_limits limits;  /* request line, header count and size */
    mn_http_settings http;  /* ALLOWED_HOSTS, upload limits, proxy header */
    int keepalive_timeout_ms; /* idle keep-alive connection (default 15000) */
    int header_timeout_ms;    /* whole request head (default 10000) */
    int body_timeout_ms;      /* whole request body (each stall of a streamed multipart
                               * upload), and each write stall (default 30000) */
    int graceful_timeout_ms;  /* draining on SIGTERM/SIGHUP (default 30000) */
    bool access_log;          /* combined-format access log (default true) */
    int access_log_fd;        /* default 1 (stdout) */
    int error_log_fd;         /* default 2 (stderr) */
    const char *server_header; /* Server: value; NULL omits it (default "Manouche") */
    int backlog;              /* listen() backlog (default 1024) */
} mn_server_config;

/* Fills c with the defaults above (handler NULL). */
void mn_server_config_init(mn_server_config *c);

/* Binds, forks the workers and serves until SIGTERM/SIGINT. Returns MN_OK
 * after a clean shutdown, or MN_EINVAL (bad address or config) / MN_EIO
 * (bind or fork failure) with a message in err. Call it from the process's
 * main thread before creating other threads. */
int mn_server_run(const mn_server_config *c, mn_err *err);

#endif
