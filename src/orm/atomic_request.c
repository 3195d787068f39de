/* ATOMIC_REQUESTS: a view wrapped in a transaction. */
#include "manouche/http.h"
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
