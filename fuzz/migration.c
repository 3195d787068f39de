/* Fuzz target: migration files. The parser must accept or refuse any
 * text with a message; what it accepts must write back and parse again to
 * the same text, replay on a project state, and give SQL for both engines
 * in both directions (or a clear error), never crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_arena *a = mn_arena_new("fuzz", (size_t)64 << 20);
    if (!a)
        return 0;
    mn_err err = { 0 };
    mn_migration *m = NULL;
    int rc = mn_migration_parse(a, "shop", "0001_fuzz", "fuzz.json", mn_str_make((const char *)data, size), &m, &err);
    if (rc != MN_OK) {
        if (!err.msg[0] || m)
            abort();
        mn_arena_free(a);
        return 0;
    }
    mn_str text = mn_migration_write(a, m, &err);
    if (!text.ptr)
        abort();
    mn_migration *m2 = NULL;
    if (mn_migration_parse(a, "shop", "0001_fuzz", "rewritten.json", text, &m2, &err) != MN_OK) {
        fprintf(stderr, "rewritten migration does not parse: %s\n%s\n", err.msg, text.ptr);
        abort();
    }
    mn_str again = mn_migration_write(a, m2, &err);
    if (!again.ptr || !mn_str_eq(text, again)) {
        fprintf(stderr, "not stable:\n%s\n---\n%s\n", text.ptr, again.ptr ? again.ptr : "(null)");
        abort();
    }
    mn_mig_state *st = mn_mig_state_new(a);
    for (size_t i = 0; st && i < m->nops; i++) {
        mn_mig_state *next = mn_mig_state_clone(st);
        if (!next || mn_mig_state_apply(next, "shop", &m->ops[i], &err) != MN_OK)
            break;
        for (int eng = 0; eng < 2; eng++) {
            mn_db_engine e = eng ? MN_DB_POSTGRES : MN_DB_SQLITE;
            mn_list *out = mn_list_new(a, 4);
            if (out) {
                mn_mig_op_sql(&m->ops[i], "shop", st, next, e, false, a, out, &err);
                mn_mig_op_sql(&m->ops[i], "shop", next, st, e, true, a, out, &err);
            }
        }
        mn_mig_op_describe(&m->ops[i], a);
        mn_mig_op_fragment(&m->ops[i], a);
        st = next;
    }
    mn_migration_suggest_name(m, a);
    mn_mig_op *opt = NULL, *opt2 = NULL;
    size_t nopt = 0, nopt2 = 0;
    if (mn_mig_optimize(m->ops, m->nops, "shop", a, &opt, &nopt, &err) != MN_OK) {
        if (err.code != MN_ENOMEM)
            abort();
    } else {
        if (nopt > m->nops || mn_mig_optimize(opt, nopt, "shop", a, &opt2, &nopt2, &err) != MN_OK || nopt2 != nopt)
            abort();
        m->ops = opt;
        m->nops = nopt;
        if (!mn_migration_write(a, m, &err).ptr)
            abort();
    }
    mn_arena_free(a);
    return 0;
}
