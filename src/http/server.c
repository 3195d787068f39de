/* The HTTP/1.1 server: master process, worker processes, one epoll loop per
 * thread.
 *
 * Connections are level-triggered and owned by one thread for their whole
 * life. A connection's read buffer comes from a per-thread pool and goes
 * back when the connection is idle, so idle keep-alive connections cost a
 * small struct each. Requests are parsed in place in the read buffer; the
 * head is re-parsed (cheaply) whenever more body bytes arrive, so the buffer
 * may move. Small responses are copied into the write buffer and their arena
 * reset at once, which lets a pipelined batch go out in one write; large
 * bodies go out with writev, files with sendfile, streams chunk by chunk,
 * each keeping its arena until done. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "manouche/server.h"
#include "fiber.h"
#include "http_internal.h"

#define RBUF_SIZE 8192
#define POOL_MAX 64
#define SMALL_BODY 16384
#define MAX_EVENTS 256
#define HDR_CAP 256
#define WBUF_HIGH (256 * 1024) /* stop reading while this much output waits */

enum { K_LISTENER = 1, K_CONN, K_WAKE };

typedef struct listener {
    int kind;
    int fd;
    bool is_unix;
    bool paused; /* out of descriptors: retried at the next sweep */
    char host[64];
    int port;
} listener;

/* An address from the config, with one socket per (worker, thread) for TCP
 * (SO_REUSEPORT spreads the accepts) or one shared socket for unix ones. */
typedef struct address {
    bool is_unix;
    struct sockaddr_storage sa;
    socklen_t salen;
    char host[64];
    int port;
    char path[108];
    int *fds;
    int nfds;
} address;

/* S_WAIT: a request's view is suspended on its fiber (waiting for the
 * database); nothing is read or parsed until it returns. */
enum { S_HEAD = 0, S_BODY, S_ACTIVE, S_LINGER, S_WAIT };
enum { T_IDLE = 0, T_HEADER, T_BODY, T_WRITE, T_LINGER };

typedef struct thread_ctx thread_ctx;
typedef struct conn conn;

/* A request whose view runs on a fiber: one per connection at a time (a
 * connection waits while its view is suspended). */
typedef struct job {
    conn *c;
    mn_http_head head; /* strings point into the connection's read buffer */
    mn_request *req;
    mn_response *resp;
    mn_arena *a;
    bool keep;
    size_t end; /* the request's end in the read buffer, relative to rstart */
} job;

struct conn {
    int kind;
    int fd;
    thread_ctx *t;
    struct conn *prev, *next;
    listener *l;
    char remote[48];
    int remote_port;
    char *rbuf;
    size_t rlen, rcap, rstart;
    int state;
    int tkind;
    int64_t deadline;
    /* body in progress (offsets relative to rstart) */
    mn_http_chunked ch;
    size_t body_dec, body_raw;
    bool continue_sent;
    /* a multipart body streamed through the incremental parser: its arena
     * becomes the request's; body bytes are dropped from rbuf once fed */
    mn__mp *mp;
    mn_arena *up_arena;
    uint64_t fed;
    /* output */
    char *wbuf;
    size_t wlen, wcap, woff;
    bool close_after;
    uint32_t events; /* registered epoll events */
    /* long response in flight */
    mn_arena *arena;
    mn_response *resp;
    mn__body_kind akind;
    mn_str big; /* remaining large memory body */
    int file_fd;
    off_t file_off, file_left;
    size_t file_part; /* next part of a multipart/byteranges body */
    mn_stream_fn stream;
    void *stream_ctx;
    bool chunked_out, stream_done;
    bool served; /* has answered a request: idle means keep-alive idle */
    job jb;          /* the request being run */
    job *job;        /* S_WAIT: &jb, whose view is suspended */
    bool gone;       /* S_WAIT: the client went away; closed when the view returns */
    bool muted;      /* S_WAIT: input came; EPOLLIN is off until the view returns */
};

struct thread_ctx {
    int kind; /* K_WAKE: the wake-up eventfd is tagged with the thread */
    int epfd;
    int wakefd;
    const mn_server_config *cfg;
    listener *listeners;
    size_t nlisteners;
    conn head; /* sentinel of the connection list */
    size_t nconns;
    char *pool[POOL_MAX];
    size_t npool;
    mn_arena *arenas[8];
    size_t narenas;
    mn_header hdrs[HDR_CAP];
    char date[32];
    time_t date_sec;
    int64_t now_ms;
    bool stopping;
    int64_t stop_deadline;
    pthread_t tid;
    /* The epoll batch being handled: a watch removed meanwhile (its owner,
     * a database connection, may be freed next) loses its pending events. */
    struct epoll_event *batch;
    int batch_i, batch_n;
};

/* ---- worker-wide state ---- */

static volatile sig_atomic_t g_stop;
/* SIGTERM/SIGINT (shutdown) close idle keep-alive connections at once;
 * SIGUSR1 (the master's reload drain) lets them finish their keep-alive
 * life, answering their next request with Connection: close, so a reload
 * drops no connection. */
static volatile sig_atomic_t g_hard;
static thread_ctx *g_threads;
static int g_nthreads;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void refresh_date(thread_ctx *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    if (ts.tv_sec != t->date_sec) {
        t->date_sec = ts.tv_sec;
        mn_http_date((int64_t)ts.tv_sec, t->date);
    }
    t->now_ms = mono_ms();
}

/* ---- buffers and arenas ---- */

static char *pool_get(thread_ctx *t)
{
    if (t->npool)
        return t->pool[--t->npool];
    return malloc(RBUF_SIZE);
}

static void pool_put(thread_ctx *t, char *p, size_t cap)
{
    if (!p)
        return;
    if (cap == RBUF_SIZE && t->npool < POOL_MAX)
        t->pool[t->npool++] = p;
    else
        free(p);
}

static mn_arena *arena_get(thread_ctx *t)
{
    if (t->narenas)
        return t->arenas[--t->narenas];
    mn_arena *a = mn_arena_new("request", 0);
    /* A pooled request arena keeps at most 1 MiB of blocks between requests
     * (up to 8 pooled a thread, below). */
    if (a)
        mn_arena_set_retain(a, 1u << 20);
    return a;
}

static void arena_put(thread_ctx *t, mn_arena *a)
{
    if (!a)
        return;
    mn_arena_reset(a);
    /* A request that grew its arena big gives the memory back. */
    if (t->narenas < 8 && mn_arena_reserved(a) <= (2u << 20))
        t->arenas[t->narenas++] = a;
    else
        mn_arena_free(a);
}

/* ---- connections ---- */

static void conn_set_timer(conn *c, int kind)
{
    const mn_server_config *cfg = c->t->cfg;
    int ms = kind == T_IDLE     ? cfg->keepalive_timeout_ms
             : kind == T_HEADER ? cfg->header_timeout_ms
             : kind == T_LINGER ? 2000
                                : cfg->body_timeout_ms;
    c->tkind = kind;
    c->deadline = c->t->now_ms + ms;
}

static void conn_close(conn *c)
{
    thread_ctx *t = c->t;
    epoll_ctl(t->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->prev->next = c->next;
    c->next->prev = c->prev;
    t->nconns--;
    pool_put(t, c->rbuf, c->rcap);
    pool_put(t, c->wbuf, c->wcap);
    if (c->arena)
        arena_put(t, c->arena);
    if (c->up_arena) /* an upload cut short: its temporary files go now */
        arena_put(t, c->up_arena);
    free(c);
}

/* Reads are paused while a long response is in flight or too much output
 * waits (backpressure against clients that send but do not read). */
static void conn_events(conn *c, bool want_out)
{
    bool reading = c->state == S_LINGER ||
                   (c->state != S_ACTIVE && !c->close_after && c->wlen - c->woff < WBUF_HIGH);
    /* While a view waits nothing is read, but EPOLLIN stays registered
     * until input actually comes (conn_wait_event mutes it then): two
     * epoll_ctl calls per waiting request saved. */
    if (c->state == S_WAIT)
        reading = reading && !c->muted && (c->events & EPOLLIN);
    uint32_t ev = (reading ? EPOLLIN : 0) | (want_out ? EPOLLOUT : 0);
    if (ev == c->events)
        return;
    struct epoll_event e = { .events = ev, .data.ptr = c };
    epoll_ctl(c->t->epfd, EPOLL_CTL_MOD, c->fd, &e);
    c->events = ev;
}

/* Queues bytes for the client. When memory runs out part of a response may
 * be missing, so the connection can no longer be framed: it is marked to
 * close once what is queued is sent, and the client sees a short response
 * instead of reading the next one as the rest of this one. */
static int wbuf_oom(conn *c)
{
    c->close_after = true;
    return MN_ENOMEM;
}

static int wbuf_append(conn *c, const void *p, size_t n)
{
    if (c->wlen + n > c->wcap) {
        if (c->woff) { /* drop what is already sent */
            memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
            c->wlen -= c->woff;
            c->woff = 0;
        }
        if (!c->wbuf && n <= RBUF_SIZE) {
            c->wbuf = pool_get(c->t);
            if (!c->wbuf)
                return wbuf_oom(c);
            c->wcap = RBUF_SIZE;
        }
        if (c->wlen + n > c->wcap) {
            size_t ncap = c->wcap ? c->wcap : RBUF_SIZE;
            while (ncap < c->wlen + n)
                ncap *= 2;
            char *nb;
            if (c->wcap == RBUF_SIZE) { /* pooled buffers keep their size */
                nb = malloc(ncap);
                if (nb) {
                    memcpy(nb, c->wbuf, c->wlen);
                    pool_put(c->t, c->wbuf, c->wcap);
                }
            } else {
                nb = realloc(c->wbuf, ncap);
            }
            if (!nb)
                return wbuf_oom(c);
            c->wbuf = nb;
            c->wcap = ncap;
        }
    }
    memcpy(c->wbuf + c->wlen, p, n);
    c->wlen += n;
    return MN_OK;
}

/* A response the server writes itself (errors found before any view). */
static void conn_error(conn *c, int status, const mn_http_head *head, bool close_conn)
{
    const mn_server_config *cfg = c->t->cfg;
    if (c->up_arena) { /* the request ends here: drop its upload */
        arena_put(c->t, c->up_arena);
        c->up_arena = NULL;
        c->mp = NULL;
    }
    char body[160], hdr[512];
    int bl;
    if (status == 400)
        bl = snprintf(body, sizeof body, "<h1>Bad Request (400)</h1>");
    else
        bl = snprintf(body, sizeof body, "<h1>%d %s</h1>", status, mn_http_reason(status));
    int hl = snprintf(hdr, sizeof hdr,
                      "HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\n"
                      "Content-Length: %d\r\nDate: %s\r\n%s%s%s%s\r\n",
                      status, mn_http_reason(status), bl, c->t->date,
                      cfg->server_header ? "Server: " : "", cfg->server_header ? cfg->server_header : "",
                      cfg->server_header ? "\r\n" : "", close_conn ? "Connection: close\r\n" : "");
    wbuf_append(c, hdr, (size_t)hl);
    wbuf_append(c, body, (size_t)bl);
    if (cfg->access_log)
        mn__log_access(cfg->access_log_fd, c->remote, head, status, (uint64_t)bl, c->t->date_sec);
    if (close_conn)
        c->close_after = true;
}

/* True when a multipart/byteranges body has parts left to send. */
static bool file_more(const conn *c)
{
    mn_str prefix;
    off_t o, l;
    return mn__response_file_part(c->resp, c->file_part, &prefix, &o, &l);
}

/* Writes what can be written. Returns 0 when everything queued is out, 1
 * when the socket is full, -1 when the connection is gone. */
static int conn_flush(conn *c)
{
    for (;;) {
        size_t pending = c->wlen - c->woff;
        ssize_t w;
        if (c->state == S_ACTIVE && c->akind == MN__BODY_MEMORY && c->big.len) {
            struct iovec iov[2];
            int n = 0;
            if (pending)
                iov[n++] = (struct iovec){ c->wbuf + c->woff, pending };
            iov[n++] = (struct iovec){ (void *)c->big.ptr, c->big.len };
            w = writev(c->fd, iov, n);
            if (w > 0) {
                size_t k = (size_t)w;
                size_t from_w = k < pending ? k : pending;
                c->woff += from_w;
                k -= from_w;
                c->big.ptr += k;
                c->big.len -= k;
            }
        } else if (pending) {
            w = send(c->fd, c->wbuf + c->woff, pending, MSG_NOSIGNAL);
            if (w > 0)
                c->woff += (size_t)w;
        } else if (c->state == S_ACTIVE && c->akind == MN__BODY_FILE && c->file_left > 0) {
            size_t chunk = c->file_left > (1 << 20) ? (1 << 20) : (size_t)c->file_left;
            w = sendfile(c->fd, c->file_fd, &c->file_off, chunk);
            if (w > 0)
                c->file_left -= w;
            else if (w == 0) /* the file shrank: the response is broken */
                return -1;
        } else if (c->state == S_ACTIVE && c->akind == MN__BODY_FILE && file_more(c)) {
            /* The next part of a multipart/byteranges body: its head goes
             * through the write buffer, its bytes by sendfile. */
            mn_str prefix;
            mn__response_file_part(c->resp, c->file_part++, &prefix, &c->file_off, &c->file_left);
            if (wbuf_append(c, prefix.ptr, prefix.len))
                return -1;
            continue;
        } else if (c->state == S_ACTIVE && c->akind == MN__BODY_STREAM && !c->stream_done) {
            /* Each piece is scratch: copied out, then its memory rewound, so
             * a long stream does not grow the arena. */
            mn_arena_mark mark = mn_arena_mark_get(c->arena);
            mn_buf piece;
            mn_buf_init(&piece, c->arena, 0);
            int rc = c->stream(c->stream_ctx, &piece);
            if (rc < 0 || mn_buf_error(&piece)) {
                mn_arena_rewind(c->arena, mark);
                return -1;
            }
            if (rc == 0) {
                c->stream_done = true;
                if (c->chunked_out)
                    wbuf_append(c, "0\r\n\r\n", 5);
            } else if (piece.len) {
                if (c->chunked_out) {
                    char sz[24];
                    int n = snprintf(sz, sizeof sz, "%zx\r\n", piece.len);
                    wbuf_append(c, sz, (size_t)n);
                }
                wbuf_append(c, piece.data, piece.len);
                if (c->chunked_out)
                    wbuf_append(c, "\r\n", 2);
            }
            mn_arena_rewind(c->arena, mark);
            continue;
        } else {
            if (c->woff == c->wlen)
                c->woff = c->wlen = 0;
            return 0;
        }
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 1;
            if (errno == EINTR)
                continue;
            return -1;
        }
        conn_set_timer(c, T_WRITE);
    }
}

static void finish_active(conn *c)
{
    arena_put(c->t, c->arena);
    c->arena = NULL;
    c->resp = NULL;
    c->big = MN_STR_EMPTY;
    c->state = S_HEAD;
}

/* The view part of a request: on the request's fiber, so a view that waits
 * for the database lets the loop serve other connections meanwhile. */
static void run_view(void *arg)
{
    job *j = arg;
    const mn_server_config *cfg = j->c->t->cfg;
    mn_err err; /* code and message are set before use: no 512-byte clear per request */
    err.code = 0;
    err.msg[0] = '\0';
    mn_str host;
    if (mn_request_get_host(j->req, &host, &err)) {
        mn__log_error(cfg->error_log_fd, "[WARNING] %s", err.msg);
        j->resp = mn_http_error(j->req, 400);
        return;
    }
    j->resp = cfg->handler(j->req, cfg->handler_ctx);
    if (!j->resp) {
        mn__log_error(cfg->error_log_fd, "[ERROR] handler returned no response for %.*s %.*s",
                      MN_STR_FMT(j->head.method), MN_STR_FMT(j->head.target));
        j->resp = mn_http_error(j->req, 500);
    }
}

/* Queues the response of a request whose view has returned. */
static void send_response(conn *c, job *j)
{
    thread_ctx *t = c->t;
    const mn_server_config *cfg = t->cfg;
    const mn_http_head *head = &j->head;
    mn_arena *a = j->a;
    mn_response *resp = j->resp;
    bool keep = j->keep;
    if (!resp) {
        conn_error(c, 500, head, true);
        arena_put(t, a);
        return;
    }
    keep = keep && !g_stop; /* a stop signal may have come during the view */
    bool head_only = mn_str_eq_cstr(head->method, "HEAD");
    mn__body_kind kind = mn__response_kind(resp);
    int st = mn_response_status(resp);
    bool no_body = mn__status_no_body(st) || head_only;
    if (kind == MN__BODY_STREAM && head->version_minor == 0 && !no_body)
        keep = false; /* close-delimited */
    mn_buf hb;
    mn_buf_init(&hb, a, 0);
    if (mn__response_serialize_head(resp, &hb, head->version_minor, keep, head_only, t->date,
                                    cfg->server_header)) {
        conn_error(c, 500, head, true);
        arena_put(t, a);
        return;
    }
    wbuf_append(c, hb.data, hb.len);
    uint64_t sent = 0;
    if (!keep)
        c->close_after = true;
    /* The request's arena (which holds j and the header array the access
     * log reads) goes back to the pool after the log line. */
    mn_arena *done = NULL;
    if (kind == MN__BODY_MEMORY) {
        mn_str b = mn_response_body(resp);
        sent = no_body ? 0 : b.len;
        if (no_body || !b.len) {
            done = a;
        } else if (b.len <= SMALL_BODY) {
            wbuf_append(c, b.ptr, b.len);
            done = a;
        } else {
            c->state = S_ACTIVE;
            c->akind = kind;
            c->arena = a;
            c->resp = resp;
            c->big = b;
        }
    } else if (no_body) {
        done = a;
    } else {
        c->state = S_ACTIVE;
        c->akind = kind;
        c->arena = a;
        c->resp = resp;
        if (kind == MN__BODY_FILE) {
            c->file_fd = mn__response_file(resp, &c->file_off, &c->file_left);
            c->file_part = 0;
            sent = (uint64_t)c->file_left;
            mn_str prefix;
            off_t o, l;
            for (size_t i = 0; mn__response_file_part(resp, i, &prefix, &o, &l); i++)
                sent += prefix.len + (uint64_t)l;
        } else {
            c->stream = mn__response_stream(resp, &c->stream_ctx);
            c->stream_done = false;
            c->chunked_out = head->version_minor == 1;
        }
    }
    if (cfg->access_log)
        mn__log_access(cfg->access_log_fd, c->remote, head, st, sent, t->date_sec);
    if (done)
        arena_put(t, done);
}

static void conn_process(conn *c);
static void conn_output(conn *c);

/* A suspended view has returned (on the thread's stack, from the run
 * queue): its response goes out in order, then the requests pipelined
 * behind it run. */
static void job_done(void *arg)
{
    job *j = arg;
    conn *c = j->c;
    size_t end = j->end;
    c->job = NULL;
    c->state = S_HEAD;
    c->muted = false;
    if (c->gone) { /* the client went away while the view ran */
        arena_put(c->t, j->a);
        conn_close(c);
        return;
    }
    send_response(c, j);
    c->rstart += end;
    conn_set_timer(c, c->rstart < c->rlen ? T_HEADER : T_IDLE);
    conn_process(c);
    if (c->state != S_WAIT)
        conn_output(c);
}

/* Runs the handler for one complete request and queues its response.
 * Returns false when the view suspended: the connection then waits
 * (S_WAIT) and job_done finishes the request. */
static bool run_request(conn *c, const mn_http_head *head, mn_str body, size_t end)
{
    thread_ctx *t = c->t;
    const mn_server_config *cfg = t->cfg;
    mn_arena *a = c->up_arena ? c->up_arena : arena_get(t);
    mn__mp *mp = c->mp;
    c->up_arena = NULL;
    c->mp = NULL;
    if (!a) {
        conn_error(c, 500, head, true);
        return true;
    }
    job *j = &c->jb;
    /* Headers live in the read buffer; the request keeps its own array. */
    mn_http_head *h = &j->head;
    *h = *head;
    h->headers = mn_arena_memdup(a, head->headers, head->nheaders * sizeof *head->headers);
    mn__conn_info ci = { .remote_addr = c->remote, .remote_port = c->remote_port,
                         .server_name = c->l->host, .server_port = c->l->port, .tls = false };
    int status = 0;
    bool keep = head->keep_alive && !t->stopping && !g_stop;
    c->served = true;
    mn_request *req = h->headers || !head->nheaders ? mn__request_new(a, h, body, &ci, &cfg->http, &status)
                                                    : NULL;
    if (req && mp && mn__mp_attach(mp, req))
        req = NULL;
    if (!req) {
        arena_put(t, a);
        conn_error(c, status ? status : 500, head, !keep);
        return true;
    }
    j->c = c;
    j->req = req;
    j->resp = NULL;
    j->a = a;
    j->keep = keep;
    j->end = end;
    mn__fiber *f = mn__fiber_new(run_view, j, NULL);
    if (!f) {
        /* No stack for a fiber: run the view here, blocking the loop. */
        run_view(j);
    } else if (!mn__fiber_resume(f)) {
        mn__fiber_set_done(f, job_done, j);
        c->job = j;
        return false;
    }
    send_response(c, j);
    return true;
}

/* Makes room for at least need bytes in the read buffer (from rstart). */
static int rbuf_reserve(conn *c, size_t need)
{
    if (c->rstart) {
        memmove(c->rbuf, c->rbuf + c->rstart, c->rlen - c->rstart);
        c->rlen -= c->rstart;
        c->rstart = 0;
    }
    if (need <= c->rcap)
        return 0;
    size_t ncap = c->rcap;
    while (ncap < need)
        ncap *= 2;
    char *nb;
    if (c->rcap == RBUF_SIZE) { /* pooled buffers keep their size */
        nb = malloc(ncap);
        if (nb) {
            memcpy(nb, c->rbuf, c->rlen);
            pool_put(c->t, c->rbuf, c->rcap);
        }
    } else {
        nb = realloc(c->rbuf, ncap);
    }
    if (!nb)
        return -1;
    c->rbuf = nb;
    c->rcap = ncap;
    return 0;
}

/* True for a multipart/form-data request; *boundary gets its boundary. */
static bool is_multipart(const mn_http_head *h, mn_str *boundary)
{
    const mn_header *ct = mn_http_find_header(h->headers, h->nheaders, MN_STR("Content-Type"));
    *boundary = MN_STR_EMPTY;
    return ct && mn__multipart_boundary(ct->value, boundary);
}

/* Feeds body bytes data[0..len) to the multipart parser, then removes the
 * used input data[0..used) from the read buffer (keep: the bytes after it,
 * moved down). Returns false after answering an error (a limit, or I/O). */
static bool upload_feed(conn *c, const mn_http_head *head, char *data, size_t len, size_t used,
                        size_t keep)
{
    if (len)
        mn__mp_feed(c->mp, data, len);
    c->fed += len;
    if (used) {
        memmove(data, data + used, keep);
        c->rlen -= used;
        /* The body timeout is per stall here: a big upload takes time. */
        conn_set_timer(c, T_BODY);
    }
    int st = mn__mp_status(c->mp);
    if (st) {
        const mn_server_config *cfg = c->t->cfg;
        if (st == 500)
            mn__log_error(cfg->error_log_fd, "[ERROR] upload: %s", mn__mp_error(c->mp));
        conn_error(c, st, head, true);
        return false;
    }
    return true;
}

/* Parses and runs every complete request in the read buffer. */
static void conn_process(conn *c)
{
    thread_ctx *t = c->t;
    const mn_server_config *cfg = t->cfg;
    while (!c->close_after && c->state != S_ACTIVE && c->state != S_LINGER && c->state != S_WAIT &&
           c->wlen - c->woff < WBUF_HIGH) {
        size_t avail = c->rlen - c->rstart;
        if (!avail)
            break;
        char *data = c->rbuf + c->rstart;
        mn_http_head head;
        ptrdiff_t n = mn_http_parse_head(data, avail, &cfg->limits, t->hdrs, HDR_CAP, &head);
        if (n < 0) {
            conn_error(c, (int)-n, NULL, true);
            return;
        }
        if (n == 0) {
            if (c->tkind == T_IDLE)
                conn_set_timer(c, T_HEADER);
            /* Grow for a longer head; the parser's limits bound it. */
            if (c->rlen == c->rcap &&
                rbuf_reserve(c, c->rlen - c->rstart == c->rcap ? c->rcap * 2 : c->rcap) < 0)
                conn_error(c, 500, NULL, true);
            break;
        }
        mn_str boundary;
        bool multipart = is_multipart(&head, &boundary);
        size_t max_body = multipart ? cfg->http.file_upload_max_size
                                    : cfg->http.data_upload_max_memory_size;
        if (c->state == S_HEAD) {
            if (head.content_length > 0 && (uint64_t)head.content_length > max_body) {
                conn_error(c, 413, &head, true);
                return;
            }
            c->state = S_BODY;
            c->ch = (mn_http_chunked){ 0 };
            c->body_dec = c->body_raw = (size_t)n;
            c->continue_sent = false;
            conn_set_timer(c, T_BODY);
            if (multipart && (head.chunked || head.content_length > 0)) {
                c->up_arena = arena_get(t);
                c->mp = c->up_arena ? mn__mp_new(c->up_arena, boundary, &cfg->http) : NULL;
                c->fed = 0;
                if (!c->mp) {
                    conn_error(c, 500, &head, true);
                    return;
                }
            }
        }
        size_t end; /* message end, relative to rstart */
        mn_str body;
        if (c->mp) {
            int rc = 1;
            if (head.chunked) {
                rc = mn_http_chunked_decode(&c->ch, data, &c->body_dec, &c->body_raw, avail, max_body);
                if (rc < 0) {
                    conn_error(c, -rc, &head, true);
                    return;
                }
                /* Decoded bytes are fed; the framing bytes they came from go
                 * too, so the buffer holds the head and undecoded input. */
                size_t dec = c->body_dec - (size_t)n, raw = c->body_raw - (size_t)n;
                size_t keep = avail - c->body_raw;
                c->body_dec = c->body_raw = (size_t)n;
                if (!upload_feed(c, &head, data + n, dec, raw, keep))
                    return;
            } else {
                uint64_t cl = (uint64_t)head.content_length;
                size_t have = avail - (size_t)n;
                size_t k = cl - c->fed < have ? (size_t)(cl - c->fed) : have;
                if (!upload_feed(c, &head, data + n, k, k, have - k))
                    return;
                if (c->fed < cl)
                    rc = 0;
            }
            if (rc == 0) {
                if (head.expect_continue && !c->continue_sent) {
                    wbuf_append(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
                    c->continue_sent = true;
                }
                if (c->rlen == c->rcap && rbuf_reserve(c, (c->rlen - c->rstart) + RBUF_SIZE) < 0)
                    conn_error(c, 500, &head, true);
                break;
            }
            mn__mp_finish(c->mp);
            body = MN_STR_EMPTY;
            end = (size_t)n;
        } else if (head.chunked) {
            int rc = mn_http_chunked_decode(&c->ch, data, &c->body_dec, &c->body_raw, avail, max_body);
            if (rc < 0) {
                conn_error(c, -rc, &head, true);
                return;
            }
            if (rc == 0) {
                if (head.expect_continue && !c->continue_sent) {
                    wbuf_append(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
                    c->continue_sent = true;
                }
                if (c->rlen == c->rcap &&
                    rbuf_reserve(c, c->rstart ? c->rcap : c->rcap * 2) < 0)
                    conn_error(c, 500, &head, true);
                break;
            }
            body = mn_str_make(data + n, c->body_dec - (size_t)n);
            end = c->body_raw;
        } else {
            size_t cl = head.content_length > 0 ? (size_t)head.content_length : 0;
            if (avail < (size_t)n + cl) {
                if (head.expect_continue && !c->continue_sent) {
                    wbuf_append(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
                    c->continue_sent = true;
                }
                /* Grow as the bytes arrive, not by the announced length: a
                 * client announcing megabytes and sending nothing costs
                 * nothing. */
                if (c->rlen == c->rcap) {
                    size_t want = (c->rlen - c->rstart) * 2;
                    if (want > (size_t)n + cl)
                        want = (size_t)n + cl;
                    if (rbuf_reserve(c, want < c->rcap ? c->rcap : want) < 0)
                        conn_error(c, 500, &head, true);
                }
                break;
            }
            body = mn_str_make(data + n, cl);
            end = (size_t)n + cl;
        }
        c->state = S_HEAD;
        if (!run_request(c, &head, body, end)) {
            c->state = S_WAIT; /* the read buffer stays as it is until job_done */
            return;
        }
        c->rstart += end;
        conn_set_timer(c, c->rstart < c->rlen ? T_HEADER : T_IDLE);
    }
    if (c->rstart == c->rlen && c->state != S_BODY) {
        c->rstart = c->rlen = 0;
        /* Idle: give the buffer back to the pool. */
        if (c->state == S_HEAD && c->rbuf) {
            pool_put(t, c->rbuf, c->rcap);
            c->rbuf = NULL;
            c->rcap = 0;
        }
    }
}

/* Sends queued output, runs the requests waiting behind it, then either
 * waits for more input or closes. */
static void conn_output(conn *c)
{
    for (;;) {
        int rc = conn_flush(c);
        if (rc < 0) {
            conn_close(c);
            return;
        }
        if (rc > 0) {
            conn_events(c, true);
            return;
        }
        if (c->state == S_ACTIVE) {
            bool done = (c->akind == MN__BODY_MEMORY && !c->big.len) ||
                        (c->akind == MN__BODY_FILE && c->file_left <= 0 && !file_more(c)) ||
                        (c->akind == MN__BODY_STREAM && c->stream_done);
            if (!done)
                continue;
            finish_active(c);
        }
        if (!c->close_after && c->state != S_LINGER && c->rlen > c->rstart) {
            size_t before = c->rstart;
            conn_process(c); /* pipelined requests held back by the output */
            if (c->wlen > c->woff || c->state == S_ACTIVE || c->rstart != before)
                continue;
        }
        break;
    }
    if (c->wbuf && c->wlen == c->woff && c->state == S_HEAD && c->rlen == c->rstart) {
        /* Idle: the write buffer goes back to the pool too. */
        pool_put(c->t, c->wbuf, c->wcap);
        c->wbuf = NULL;
        c->wcap = c->wlen = c->woff = 0;
    }
    if (c->close_after && c->state != S_LINGER) {
        /* Lingering close: the client may still be sending; a plain close
         * would reset the connection and could destroy the response. */
        shutdown(c->fd, SHUT_WR);
        c->state = S_LINGER;
        conn_set_timer(c, T_LINGER);
    }
    conn_events(c, false);
}

static void conn_read(conn *c)
{
    thread_ctx *t = c->t;
    if (c->state == S_LINGER) {
        char sink[4096];
        ssize_t r = recv(c->fd, sink, sizeof sink, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            conn_close(c);
        return;
    }
    if (c->state == S_ACTIVE || c->close_after) {
        conn_events(c, c->wlen > c->woff || c->state == S_ACTIVE);
        return;
    }
    for (;;) {
        if (!c->rbuf) {
            c->rbuf = pool_get(t);
            if (!c->rbuf) {
                conn_close(c);
                return;
            }
            c->rcap = RBUF_SIZE;
        }
        if (c->rlen == c->rcap) {
            conn_process(c);
            if (c->rlen == c->rcap || c->close_after || c->state == S_ACTIVE)
                break;
            continue;
        }
        ssize_t r = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
        if (r > 0) {
            c->rlen += (size_t)r;
            if (c->rlen < c->rcap)
                break;
            continue;
        }
        if (r == 0) {
            /* The client closed its side: answer what it sent (a client may
             * half-close after its request), then close. */
            if (c->rlen > c->rstart)
                conn_process(c);
            if (c->state == S_WAIT) { /* answered, then closed, when the view returns */
                c->close_after = true;
                conn_events(c, c->wlen > c->woff);
                return;
            }
            if (c->wlen > c->woff || c->state == S_ACTIVE) {
                c->close_after = true;
                conn_output(c);
            } else {
                conn_close(c);
            }
            return;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        if (errno == EINTR)
            continue;
        conn_close(c);
        return;
    }
    conn_process(c);
    conn_output(c);
}

/* Events of a connection whose view is suspended: earlier responses may
 * still go out; a client that went away is only forgotten here, because
 * the view's fiber still refers to the connection. */
static void conn_wait_event(conn *c, uint32_t e)
{
    if (!(e & (EPOLLERR | EPOLLHUP))) {
        if (e & EPOLLIN)
            c->muted = true; /* level-triggered: unread input would wake the loop again */
        bool out = c->wlen > c->woff;
        int rc = (e & EPOLLOUT) ? conn_flush(c) : 0;
        if (rc >= 0) {
            conn_events(c, (e & EPOLLOUT) ? rc > 0 : out);
            return;
        }
    }
    epoll_ctl(c->t->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    c->events = 0;
    c->gone = true;
}

static void accept_all(thread_ctx *t, listener *l)
{
    for (int i = 0; i < 64; i++) {
        struct sockaddr_storage sa;
        socklen_t sl = sizeof sa;
        int fd = accept4(l->fd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* The pending connection stays queued; stop polling the
                 * socket for a second instead of spinning on it. */
                mn__log_error(t->cfg->error_log_fd, "[ERROR] accept: %s (pausing for 1 s)",
                              strerror(errno));
                epoll_ctl(t->epfd, EPOLL_CTL_DEL, l->fd, NULL);
                l->paused = true;
            }
            return;
        }
        conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->kind = K_CONN;
        c->fd = fd;
        c->t = t;
        c->l = l;
        c->file_fd = -1;
        if (l->is_unix) {
            snprintf(c->remote, sizeof c->remote, "127.0.0.1");
        } else {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (sa.ss_family == AF_INET) {
                struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;
                inet_ntop(AF_INET, &s4->sin_addr, c->remote, sizeof c->remote);
                c->remote_port = ntohs(s4->sin_port);
            } else {
                struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sa;
                inet_ntop(AF_INET6, &s6->sin6_addr, c->remote, sizeof c->remote);
                c->remote_port = ntohs(s6->sin6_port);
            }
        }
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        c->events = EPOLLIN;
        if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close(fd);
            free(c);
            continue;
        }
        c->next = &t->head;
        c->prev = t->head.prev;
        t->head.prev->next = c;
        t->head.prev = c;
        t->nconns++;
        conn_set_timer(c, T_HEADER);
    }
}

static void sweep(thread_ctx *t)
{
    for (size_t i = 0; i < t->nlisteners && !t->stopping; i++) {
        listener *l = &t->listeners[i];
        if (!l->paused)
            continue;
        struct epoll_event ev = { .events = EPOLLIN | (l->is_unix ? EPOLLEXCLUSIVE : 0), .data.ptr = l };
        if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, l->fd, &ev) == 0)
            l->paused = false;
    }
    conn *c = t->head.next;
    while (c != &t->head) {
        conn *next = c->next;
        if (c->state == S_WAIT) { /* no timer runs while its view waits */
            c = next;
            continue;
        }
        /* A fresh connection gets its first request served even while
         * draining: closing it could lose a request already on the wire. */
        bool idle = c->served && c->state == S_HEAD && c->rlen == c->rstart && c->wlen == c->woff;
        char peek;
        if (t->stopping && g_hard && idle && recv(c->fd, &peek, 1, MSG_PEEK | MSG_DONTWAIT) <= 0) {
            /* Idle with nothing on the wire: safe to close. A request that
             * already arrived is served (with Connection: close) first. */
            conn_close(c);
        } else if (t->now_ms >= c->deadline) {
            if ((c->tkind == T_HEADER || c->tkind == T_BODY) && c->rlen > c->rstart) {
                conn_error(c, 408, NULL, true);
                c->state = S_HEAD;
                conn_output(c);
            } else {
                conn_close(c);
            }
        }
        c = next;
    }
}

static void stop_listening(thread_ctx *t)
{
    for (size_t i = 0; i < t->nlisteners; i++)
        epoll_ctl(t->epfd, EPOLL_CTL_DEL, t->listeners[i].fd, NULL);
}

/* The loop hook of fibers (fiber.h): descriptors their code waits on (the
 * PostgreSQL connection's socket) are watched by this thread's epoll. */
static int loop_ctl(void *ctx, mn__watch *w, int op, uint32_t events)
{
    thread_ctx *t = ctx;
    struct epoll_event e = { .events = events, .data.ptr = w };
    if (op == EPOLL_CTL_DEL)
        for (int j = t->batch_i + 1; j < t->batch_n; j++)
            if (t->batch[j].data.ptr == w)
                t->batch[j].data.ptr = NULL;
    return epoll_ctl(t->epfd, op, w->fd, &e);
}

static void *thread_main(void *arg)
{
    thread_ctx *t = arg;
    struct epoll_event events[MAX_EVENTS];
    int64_t last_sweep = 0;
    mn__loop loop = { .ctx = t, .ctl = loop_ctl };
    mn__loop_set(&loop);
    refresh_date(t);
    for (;;) {
        if (g_stop && !t->stopping) {
            t->stopping = true;
            t->stop_deadline = t->now_ms + t->cfg->graceful_timeout_ms;
            stop_listening(t);
            sweep(t);
        }
        if (t->stopping && (t->nconns == 0 || t->now_ms >= t->stop_deadline))
            break;
        int n = epoll_wait(t->epfd, events, MAX_EVENTS, mn__fiber_any_ready() ? 0 : 1000);
        refresh_date(t);
        t->batch = events;
        t->batch_n = n;
        for (int i = 0; i < n; i++) {
            t->batch_i = i;
            if (!events[i].data.ptr)
                continue; /* a watch removed by an earlier event of this batch */
            int kind = *(int *)events[i].data.ptr;
            if (kind == K_LISTENER) {
                if (!t->stopping)
                    accept_all(t, events[i].data.ptr);
            } else if (kind == K_WAKE) {
                uint64_t v;
                if (read(t->wakefd, &v, sizeof v) < 0 && errno != EAGAIN)
                    break;
            } else if (kind == MN__WATCH_KIND) {
                mn__watch *w = events[i].data.ptr;
                w->fn(w, events[i].events);
            } else {
                conn *c = events[i].data.ptr;
                uint32_t e = events[i].events;
                if (c->state == S_WAIT)
                    conn_wait_event(c, e);
                else if (e & EPOLLOUT)
                    conn_output(c); /* may close c: reads come with the next wait */
                else if (e & (EPOLLIN | EPOLLERR | EPOLLHUP))
                    conn_read(c);
            }
        }
        t->batch_n = 0;
        /* Views whose database results arrived go on (in the order their
         * results came), and finished ones send their responses. */
        mn__fiber_run_ready();
        if (t->now_ms - last_sweep >= 1000 || (t->stopping && n == 0)) {
            last_sweep = t->now_ms;
            sweep(t);
        }
    }
    /* After the graceful timeout, views still suspended are abandoned with
     * their connections (the process exits). */
    mn__loop_set(NULL);
    while (t->head.next != &t->head)
        conn_close(t->head.next);
    mn__fiber_thread_cleanup();
    while (t->npool)
        free(t->pool[--t->npool]);
    while (t->narenas)
        mn_arena_free(t->arenas[--t->narenas]);
    close(t->epfd);
    return NULL;
}

static void on_stop_signal(int sig)
{
    if (sig != SIGUSR1)
        g_hard = 1;
    g_stop = 1;
    uint64_t one = 1;
    for (int i = 0; i < g_nthreads; i++)
        if (write(g_threads[i].wakefd, &one, sizeof one) < 0) {
            /* the loop also polls g_stop every second */
        }
}

/* ---- worker process ---- */

static void worker_main(const mn_server_config *cfg, address *addrs, size_t naddrs, int index)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1)
        _exit(0);
    int nthreads = cfg->threads;
    g_threads = calloc((size_t)nthreads, sizeof *g_threads);
    listener *ls = calloc((size_t)nthreads * naddrs, sizeof *ls);
    if (!g_threads || !ls)
        _exit(3);
    if (cfg->worker_init)
        cfg->worker_init(index, cfg->handler_ctx);
    for (int i = 0; i < nthreads; i++) {
        thread_ctx *t = &g_threads[i];
        t->kind = K_WAKE;
        t->cfg = cfg;
        t->head.next = t->head.prev = &t->head;
        t->epfd = epoll_create1(EPOLL_CLOEXEC);
        t->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (t->epfd < 0 || t->wakefd < 0)
            _exit(3);
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = t };
        epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->wakefd, &ev);
        t->listeners = ls + (size_t)i * naddrs;
        t->nlisteners = naddrs;
        for (size_t k = 0; k < naddrs; k++) {
            listener *l = &t->listeners[k];
            l->kind = K_LISTENER;
            l->is_unix = addrs[k].is_unix;
            l->fd = addrs[k].is_unix ? addrs[k].fds[0] : addrs[k].fds[index * nthreads + i];
            snprintf(l->host, sizeof l->host, "%s", addrs[k].host);
            l->port = addrs[k].port;
            struct epoll_event lev = { .events = EPOLLIN | (l->is_unix ? EPOLLEXCLUSIVE : 0),
                                       .data.ptr = l };
            epoll_ctl(t->epfd, EPOLL_CTL_ADD, l->fd, &lev);
        }
    }
    g_nthreads = nthreads;
    struct sigaction sa = { 0 };
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    /* Threads inherit the mask: only the main thread takes the signals. */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    for (int i = 1; i < nthreads; i++)
        pthread_create(&g_threads[i].tid, NULL, thread_main, &g_threads[i]);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    if (g_stop)
        on_stop_signal(g_hard ? SIGTERM : SIGUSR1);
    thread_main(&g_threads[0]);
    for (int i = 1; i < nthreads; i++)
        pthread_join(g_threads[i].tid, NULL);
    pthread_sigmask(SIG_BLOCK, &block, NULL); /* the handler uses g_threads */
    for (int i = 0; i < nthreads; i++)
        close(g_threads[i].wakefd);
    g_nthreads = 0;
    free(g_threads);
    free(ls);
    /* exit, not _exit: leak checkers and atexit handlers of the project
     * (database connections) run; stdio was flushed before the fork. */
    exit(0);
}

/* ---- master ---- */

void mn_server_config_init(mn_server_config *c)
{
    memset(c, 0, sizeof *c);
    c->keepalive_timeout_ms = 15000;
    c->header_timeout_ms = 10000;
    c->body_timeout_ms = 30000;
    c->graceful_timeout_ms = 30000;
    c->access_log = true;
    c->access_log_fd = 1;
    c->error_log_fd = 2;
    c->server_header = "Manouche";
    c->backlog = 1024;
    c->limits.max_request_line = MN_HTTP_DEFAULT_MAX_REQUEST_LINE;
    c->limits.max_header_count = MN_HTTP_DEFAULT_MAX_HEADER_COUNT;
    c->limits.max_header_size = MN_HTTP_DEFAULT_MAX_HEADER_SIZE;
    mn_http_settings_init(&c->http);
}

static int parse_address(const char *spec, address *a, mn_err *err)
{
    memset(a, 0, sizeof *a);
    if (!strncmp(spec, "unix:", 5)) {
        const char *path = spec + 5;
        if (!*path || strlen(path) >= sizeof a->path)
            return mn_err_set(err, MN_EINVAL, "bad unix socket path in '%s'", spec);
        a->is_unix = true;
        snprintf(a->path, sizeof a->path, "%s", path);
        snprintf(a->host, sizeof a->host, "localhost");
        struct sockaddr_un *su = (struct sockaddr_un *)&a->sa;
        su->sun_family = AF_UNIX;
        memcpy(su->sun_path, path, strlen(path) + 1);
        a->salen = sizeof *su;
        return MN_OK;
    }
    const char *colon = strrchr(spec, ':');
    if (!colon)
        return mn_err_set(err, MN_EINVAL, "address '%s' needs HOST:PORT", spec);
    char host[64];
    size_t hl = (size_t)(colon - spec);
    if (hl >= sizeof host)
        return mn_err_set(err, MN_EINVAL, "host too long in '%s'", spec);
    memcpy(host, spec, hl);
    host[hl] = '\0';
    char *endp;
    long port = strtol(colon + 1, &endp, 10);
    if (*endp || port < 0 || port > 65535 || endp == colon + 1)
        return mn_err_set(err, MN_EINVAL, "bad port in '%s'", spec);
    a->port = (int)port;
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        memmove(host, host + 1, hl - 1);
    }
    snprintf(a->host, sizeof a->host, "%s", *host ? host : "0.0.0.0");
    struct sockaddr_in *s4 = (struct sockaddr_in *)&a->sa;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->sa;
    if (!*host) {
        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_any;
        s6->sin6_port = htons((uint16_t)port);
        a->salen = sizeof *s6;
    } else if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        a->salen = sizeof *s4;
    } else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        a->salen = sizeof *s6;
    } else if (!strcmp(host, "localhost")) {
        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        s4->sin_port = htons((uint16_t)port);
        a->salen = sizeof *s4;
    } else {
        return mn_err_set(err, MN_EINVAL, "'%s' is not an IP address", host);
    }
    return MN_OK;
}

static int open_socket(const mn_server_config *cfg, address *a, mn_err *err)
{
    int fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return mn_err_set(err, MN_EIO, "socket: %s", strerror(errno));
    int one = 1;
    if (!a->is_unix) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        if (a->sa.ss_family == AF_INET6) {
            int v6only = ((struct sockaddr_in6 *)&a->sa)->sin6_addr.s6_addr[0] == 0 &&
                                 !memcmp(&((struct sockaddr_in6 *)&a->sa)->sin6_addr, &in6addr_any,
                                         sizeof in6addr_any)
                             ? 0
                             : 1;
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        }
    } else {
        unlink(a->path);
    }
    if (bind(fd, (struct sockaddr *)&a->sa, a->salen) < 0) {
        int e = errno;
        close(fd);
        return mn_err_set(err, MN_EIO, "cannot bind %s:%d: %s", a->is_unix ? a->path : a->host,
                          a->port, strerror(e));
    }
    if (!a->is_unix && a->port == 0) {
        /* Port 0: every later socket of the group takes the one chosen now. */
        struct sockaddr_storage got;
        socklen_t gl = sizeof got;
        getsockname(fd, (struct sockaddr *)&got, &gl);
        uint16_t p = got.ss_family == AF_INET ? ((struct sockaddr_in *)&got)->sin_port
                                              : ((struct sockaddr_in6 *)&got)->sin6_port;
        a->port = ntohs(p);
        if (a->sa.ss_family == AF_INET)
            ((struct sockaddr_in *)&a->sa)->sin_port = p;
        else
            ((struct sockaddr_in6 *)&a->sa)->sin6_port = p;
    }
    if (listen(fd, cfg->backlog) < 0) {
        int e = errno;
        close(fd);
        return mn_err_set(err, MN_EIO, "listen: %s", strerror(e));
    }
    return fd;
}

typedef struct slot {
    pid_t pid;
    int64_t started;
} slot;

static pid_t spawn(const mn_server_config *cfg, address *addrs, size_t naddrs, int index,
                   const sigset_t *oldmask)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* The master's signals stay blocked until worker_main has its
         * handlers in place; then it unblocks them. */
        (void)oldmask;
        signal(SIGCHLD, SIG_DFL);
        worker_main(cfg, addrs, naddrs, index);
    }
    if (pid < 0)
        mn__log_error(cfg->error_log_fd, "[ERROR] fork: %s", strerror(errno));
    return pid;
}

int mn_server_run(const mn_server_config *user, mn_err *err)
{
    mn_server_config cfg = *user;
    mn_server_config def;
    mn_server_config_init(&def);
    if (!cfg.handler)
        return mn_err_set(err, MN_EINVAL, "server: no handler");
    if (cfg.workers <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        cfg.workers = n > 0 ? (int)n : 1;
    }
    if (cfg.threads <= 0)
        cfg.threads = 1;
    if (cfg.keepalive_timeout_ms <= 0)
        cfg.keepalive_timeout_ms = def.keepalive_timeout_ms;
    if (cfg.header_timeout_ms <= 0)
        cfg.header_timeout_ms = def.header_timeout_ms;
    if (cfg.body_timeout_ms <= 0)
        cfg.body_timeout_ms = def.body_timeout_ms;
    if (cfg.graceful_timeout_ms <= 0)
        cfg.graceful_timeout_ms = def.graceful_timeout_ms;
    if (cfg.backlog <= 0)
        cfg.backlog = def.backlog;
    if (!cfg.limits.max_request_line)
        cfg.limits.max_request_line = def.limits.max_request_line;
    if (!cfg.limits.max_header_count)
        cfg.limits.max_header_count = def.limits.max_header_count;
    if (cfg.limits.max_header_count > HDR_CAP)
        cfg.limits.max_header_count = HDR_CAP;
    if (!cfg.limits.max_header_size)
        cfg.limits.max_header_size = def.limits.max_header_size;
    mn_http_settings hs = cfg.http;
    mn_http_settings_init(&cfg.http);
    cfg.http.allowed_hosts = hs.allowed_hosts;
    cfg.http.secure_proxy_ssl_header = hs.secure_proxy_ssl_header;
    cfg.http.secure_proxy_ssl_value = hs.secure_proxy_ssl_value;
    cfg.http.use_x_forwarded_host = hs.use_x_forwarded_host;
    cfg.http.file_upload_temp_dir = hs.file_upload_temp_dir;
    if (hs.data_upload_max_memory_size)
        cfg.http.data_upload_max_memory_size = hs.data_upload_max_memory_size;
    if (hs.data_upload_max_number_fields)
        cfg.http.data_upload_max_number_fields = hs.data_upload_max_number_fields;
    if (hs.file_upload_max_memory_size)
        cfg.http.file_upload_max_memory_size = hs.file_upload_max_memory_size;
    if (hs.file_upload_max_size)
        cfg.http.file_upload_max_size = hs.file_upload_max_size;

    static const char *const default_bind[] = { "127.0.0.1:8000", NULL };
    const char *const *binds = cfg.bind ? cfg.bind : default_bind;
    size_t naddrs = 0;
    while (binds[naddrs])
        naddrs++;
    if (!naddrs)
        return mn_err_set(err, MN_EINVAL, "server: no address to bind");
    address *addrs = calloc(naddrs, sizeof *addrs);
    if (!addrs)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    int nsock = cfg.workers * cfg.threads;
    int rc = MN_OK;
    for (size_t i = 0; i < naddrs && rc == MN_OK; i++) {
        rc = parse_address(binds[i], &addrs[i], err);
        if (rc)
            break;
        addrs[i].nfds = addrs[i].is_unix ? 1 : nsock;
        addrs[i].fds = calloc((size_t)addrs[i].nfds, sizeof(int));
        if (!addrs[i].fds) {
            rc = mn_err_set(err, MN_ENOMEM, "out of memory");
            break;
        }
        for (int k = 0; k < addrs[i].nfds; k++) {
            int fd = open_socket(&cfg, &addrs[i], err);
            if (fd < 0) {
                rc = fd;
                break;
            }
            addrs[i].fds[k] = fd;
        }
    }
    if (rc) {
        for (size_t i = 0; i < naddrs; i++) {
            for (int k = 0; k < addrs[i].nfds && addrs[i].fds; k++)
                if (addrs[i].fds[k] > 0)
                    close(addrs[i].fds[k]);
            free(addrs[i].fds);
        }
        free(addrs);
        return rc;
    }
    for (size_t i = 0; i < naddrs; i++) {
        if (addrs[i].is_unix)
            mn__log_error(cfg.error_log_fd, "[INFO] Listening at: unix:%s (%d workers, %d threads)",
                          addrs[i].path, cfg.workers, cfg.threads);
        else
            mn__log_error(cfg.error_log_fd, "[INFO] Listening at: http://%s%s%s:%d (%d workers, %d threads)",
                          strchr(addrs[i].host, ':') ? "[" : "", addrs[i].host,
                          strchr(addrs[i].host, ':') ? "]" : "", addrs[i].port, cfg.workers,
                          cfg.threads);
    }

    sigset_t mask, oldmask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGUSR1);
    sigprocmask(SIG_BLOCK, &mask, &oldmask);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    signal(SIGPIPE, SIG_IGN);

    slot *slots = calloc((size_t)cfg.workers, sizeof *slots);
    pid_t *old = NULL; /* draining workers of previous generations */
    size_t nold = 0;
    for (int i = 0; i < cfg.workers; i++) {
        slots[i].pid = spawn(&cfg, addrs, naddrs, i, &oldmask);
        slots[i].started = mono_ms();
    }
    bool stopping = false;
    int64_t stop_deadline = 0;
    for (;;) {
        if (stopping) {
            bool any = false;
            for (int i = 0; i < cfg.workers; i++)
                any |= slots[i].pid > 0;
            for (size_t i = 0; i < nold; i++)
                any |= old[i] > 0;
            if (!any)
                break;
            if (mono_ms() > stop_deadline) {
                for (int i = 0; i < cfg.workers; i++)
                    if (slots[i].pid > 0)
                        kill(slots[i].pid, SIGKILL);
                for (size_t i = 0; i < nold; i++)
                    if (old[i] > 0)
                        kill(old[i], SIGKILL);
            }
        }
        struct signalfd_siginfo si;
        struct pollfd pfd = { .fd = sfd, .events = POLLIN };
        if (poll(&pfd, 1, 200) <= 0)
            continue;
        if (read(sfd, &si, sizeof si) != sizeof si)
            continue;
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            if (!stopping) {
                mn__log_error(cfg.error_log_fd, "[INFO] Shutting down (signal %d)", (int)si.ssi_signo);
                stopping = true;
                stop_deadline = mono_ms() + cfg.graceful_timeout_ms + 1000;
                for (int i = 0; i < cfg.workers; i++)
                    if (slots[i].pid > 0)
                        kill(slots[i].pid, SIGTERM);
                for (size_t i = 0; i < nold; i++)
                    if (old[i] > 0)
                        kill(old[i], SIGTERM);
            }
        } else if (si.ssi_signo == SIGHUP && !stopping) {
            mn__log_error(cfg.error_log_fd, "[INFO] Reloading: starting new workers");
            pid_t *grown = realloc(old, (nold + (size_t)cfg.workers) * sizeof *old);
            if (!grown)
                continue;
            old = grown;
            for (int i = 0; i < cfg.workers; i++) {
                pid_t prev = slots[i].pid;
                slots[i].pid = spawn(&cfg, addrs, naddrs, i, &oldmask);
                slots[i].started = mono_ms();
                if (prev > 0) {
                    old[nold++] = prev;
                    kill(prev, SIGUSR1);
                }
            }
        } else if (si.ssi_signo == SIGCHLD) {
            int status;
            pid_t pid;
            while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
                for (size_t i = 0; i < nold; i++)
                    if (old[i] == pid)
                        old[i] = 0;
                for (int i = 0; i < cfg.workers; i++) {
                    if (slots[i].pid != pid)
                        continue;
                    slots[i].pid = 0;
                    if (stopping && WIFEXITED(status) && WEXITSTATUS(status) == 0)
                        break;
                    if (WIFSIGNALED(status))
                        mn__log_error(cfg.error_log_fd, "[ERROR] Worker %d (pid %d) died: signal %d (%s)",
                                      i, (int)pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
                    else
                        mn__log_error(cfg.error_log_fd, "[ERROR] Worker %d (pid %d) exited with status %d",
                                      i, (int)pid, WEXITSTATUS(status));
                    if (stopping)
                        break;
                    /* A worker that keeps crashing at start must not spin the
                     * master: wait a little before the next try. */
                    if (mono_ms() - slots[i].started < 1000)
                        usleep(100000);
                    slots[i].pid = spawn(&cfg, addrs, naddrs, i, &oldmask);
                    slots[i].started = mono_ms();
                }
            }
        }
    }
    close(sfd);
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    for (size_t i = 0; i < naddrs; i++) {
        for (int k = 0; k < addrs[i].nfds; k++)
            close(addrs[i].fds[k]);
        if (addrs[i].is_unix)
            unlink(addrs[i].path);
        free(addrs[i].fds);
    }
    free(addrs);
    free(slots);
    free(old);
    mn__log_error(cfg.error_log_fd, "[INFO] Stopped");
    return MN_OK;
}
