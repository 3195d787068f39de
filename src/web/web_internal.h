/* Private interfaces between the web sources (request handler, views,
 * middleware, static files, manage). */
#ifndef MN_WEB_INTERNAL_H
#define MN_WEB_INTERNAL_H

#include <stdbool.h>
#include <time.h>
#include "manouche/app.h"
#include "manouche/db.h"
#include "manouche/model.h"
#include "manouche/log.h"
#include "manouche/views.h"

struct mn_site {
    mn_site_config cfg;
    mn_resolver *resolver;
    size_t n_middleware;
};

/* A deferred (template) response waiting for rendering. */
typedef struct mn__deferred {
    const mn_response *resp;
    mn_render_fn fn;
    void *data;
    mn_map *context;
    struct mn__deferred *next;
} mn__deferred;

/* What the handler keeps on each request, under the attribute "manouche.web". */
typedef struct mn__web_req {
    mn_site *site;
    char id[17];
    struct timespec start;
    const char *failure;   /* mn_view_fail message */
    char **backtrace;      /* backtrace_symbols() result (freed by an arena cleanup) */
    int backtrace_len;
    mn__deferred *deferred;
    struct mn_nplus1_tracker *nplus1; /* N+1 detection of this request, or NULL */
    bool nplus1_force;                /* the test client: detect even without DEBUG */
    const char *nplus1_message;       /* what the detection found, or NULL */
} mn__web_req;

#define MN__WEB_ATTR "manouche.web"

/* The request's web state, or NULL outside mn_site_handle. */
mn__web_req *mn__web_state(const mn_request *req);
/* Creates the state on demand (views used outside a site, tests). */
mn__web_req *mn__web_state_get(mn_request *req);

extern mn_logger mn__request_log;

/* ./manage collectstatic (collectstatic.c). */
extern const mn_command mn__collectstatic_command;
/* The project commands: startapp.c, data.c, dbshell.c, inspectdb.c. */
extern const mn_command mn__startapp_command;
extern const mn_command mn__dumpdata_command;
extern const mn_command mn__loaddata_command;
extern const mn_command mn__flush_command;
extern const mn_command mn__dbshell_command;
extern const mn_command mn__inspectdb_command;
/* Every model of the installed apps (NULL-terminated, arena memory); *n
 * gets their number (n may be NULL). NULL when out of memory. */
mn_model **mn__project_models(mn_arena *a, size_t *n);
/* Appends ident as a quoted SQL identifier ('%' doubled for mn_db_execute). */
void mn__sql_quote(mn_buf *b, const char *ident);
/* The tables of the connection's database (its current schema), as a list
 * of strings in a. */
int mn__db_table_names(mn_db *db, mn_arena *a, mn_list **out, mn_err *err);
/* inspectdb: model code for the tables (all, or the nonly named ones)
 * appended to out. */
int mn__inspectdb(mn_db *db, const char *const *only, size_t nonly, const char *app_label, const char *source,
                  mn_arena *a, mn_buf *out, mn_err *err);
/* dbshell: the client's argv for cfg (sqlite3 NAME, or psql -U -h -p NAME)
 * followed by params. */
int mn__dbshell_argv(const mn_db_config *cfg, const char *const *params, size_t nparams, mn_arena *a,
                     char ***argv_out, mn_err *err);

/* The project's 404 response (site may be NULL). */
mn_response *mn__not_found(mn_request *req, mn_site *site, const char *message);

/* The welcome page of a new project (welcome.c): true when the root
 * URLconf is empty, or holds only the admin and path is "/". */
bool mn__welcome_applies(const mn_site *site, mn_str path);
mn_response *mn__welcome(mn_request *req);

/* The DEBUG pages. */
mn_response *mn__technical_404(mn_request *req, mn_site *site, const char *reason);
mn_response *mn__technical_500(mn_request *req, const char *message);

/* Appends s HTML-escaped (never fails silently: the buffer keeps its error). */
void mn__html(mn_buf *b, mn_str s);

#endif
