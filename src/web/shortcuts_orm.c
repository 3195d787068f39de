/* get_object_or_404 and get_list_or_404 over QuerySets. */
#include "manouche/queryset.h"
#include "web_internal.h"

static const char *model_name(mn_qs *qs)
{
    mn_model *m = mn_qs_model(qs);
    return m && m->name ? m->name : "object";
}

void *mn_get_object_or_404(mn_request *req, mn_qs *qs, mn_response **resp)
{
    *resp = NULL;
    if (!qs) {
        mn_view_fail(req, "get_object_or_404: out of memory");
        return NULL;
    }
    mn_err err = { 0 };
    void *obj = mn_qs_get(qs, &err);
    if (obj)
        return obj;
    if (err.code == MN_ENOTFOUND)
        *resp = mn_view_not_found(req, "No %s matches the given query.", model_name(qs));
    else
        mn_view_fail(req, "%s", err.msg[0] ? err.msg : mn_strerror(err.code));
    return NULL;
}

mn_qs *mn_get_list_or_404(mn_request *req, mn_qs *qs, mn_response **resp)
{
    *resp = NULL;
    if (!qs) {
        mn_view_fail(req, "get_list_or_404: out of memory");
        return NULL;
    }
    mn_err err = { 0 };
    if (mn_qs_eval(qs, &err)) {
        mn_view_fail(req, "%s", err.msg[0] ? err.msg : mn_strerror(err.code));
        return NULL;
    }
    if (mn_qs_len(qs) == 0) {
        *resp = mn_view_not_found(req, "No %s matches the given query.", model_name(qs));
        return NULL;
    }
    return qs;
}
