/* ATOMIC_REQUESTS: a view wrapped in a transaction. */
#include "manouche/http.h"
#include "manouche/middleware.h"
#include "orm_internal.h"

mn_response *mn_atomic_request_handler(mn_request *req, void *ctx)
{
    const mn_atomic_request *ar = ctx;
    mn_err err = { 0 };
    mn_db *db = mn__db(ar->db, &err);
    if (!db)
        return NULL; /* no database: a 500, as Django fails to connect */
    if (mn_db_begin(db, &err) != MN_OK)
        return NULL;
    mn_response *resp = ar->view(req, ar->ctx);
    /* Django rolls back when the view raises; a Manouche view says so by
     * returning NULL or a server error. */
    if (!resp || mn_response_status(resp) >= 500) {
        mn_db_rollback(db, NULL);
        return resp;
    }
    if (mn_db_commit(db, &err) != MN_OK) {
        mn_db_rollback(db, NULL);
        return NULL;
    }
    return resp;
}

/* The middleware form: everything after it in MIDDLEWARE (and the view)
 * runs in the transaction; mn_next_call turns failures into 500s. */
static mn_response *atomic_requests_call(mn_request *req, mn_next *next)
{
    mn_err err = { 0 };
    mn_db *db = mn__db(NULL, &err);
    if (!db || mn_db_begin(db, &err) != MN_OK)
        return NULL;
    mn_response *resp = mn_next_call(next, req);
    if (!resp || mn_response_status(resp) >= 500) {
        mn_db_rollback(db, NULL);
        return resp;
    }
    if (mn_db_commit(db, &err) != MN_OK) {
        mn_db_rollback(db, NULL);
        return NULL;
    }
    return resp;
}

const mn_middleware mn_atomic_requests_middleware = {
    .name = "manouche.AtomicRequestsMiddleware",
    .call = atomic_requests_call,
};
