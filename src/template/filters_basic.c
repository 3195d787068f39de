/* Built-in filters that need no text, decimal or date helpers, and the
 * humanize filters ordinal, apnumber and intcomma. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

typedef const mn_template_filter_call fcall;

static mn_str S(fcall *c, mn_value v) { return mn__tpl_str(c->ctx, v); }

static int ret_str(fcall *c, mn_value *out, mn_buf *b)
{
    if (mn_buf_error(b))
        return mn_buf_error(b);
    *out = mn_value_str(mn_buf_str(b));
    return MN_OK;
}

static size_t u8len(mn_str s)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++)
        n += ((unsigned char)s.ptr[i] & 0xc0) != 0x80;
    return n;
}

/* Byte offset of code point k (clamped to the end). */
static size_t u8off(mn_str s, size_t k)
{
    size_t i = 0, n = 0;
    while (i < s.len) {
        if (((unsigned char)s.ptr[i] & 0xc0) != 0x80) {
            if (n == k)
                return i;
            n++;
        }
        i++;
    }
    return s.len;
}

/* A value's length as Python's len(); -1 when it has none. */
static int64_t py_len(fcall *c, mn_value v)
{
    switch (v.type) {
    case MN_VALUE_STR: return (int64_t)u8len(v.u.s);
    case MN_VALUE_LIST: return (int64_t)mn_list_len(v.u.list);
    case MN_VALUE_MAP: return (int64_t)mn_map_len(v.u.map);
    case MN_VALUE_OBJECT: {
        mn_list *l;
        if (v.u.obj.type && v.u.obj.type->to_list && !v.u.obj.type->to_list(v.u.obj.ptr, c->arena, &l))
            return (int64_t)mn_list_len(l);
        return -1;
    }
    default: return -1;
    }
}

/* Items of a sequence value (list, string chars, map keys). */
static mn_list *as_list(fcall *c, mn_value v)
{
    if (v.type == MN_VALUE_NULL)
        return NULL;
    if (v.type != MN_VALUE_LIST && v.type != MN_VALUE_STR && v.type != MN_VALUE_MAP && v.type != MN_VALUE_OBJECT)
        return NULL;
    mn_list *l = NULL;
    if (mn__tpl_iter(c->ctx, v, &l, NULL))
        return NULL;
    return l;
}

static int f_safe(fcall *c, mn_value *out)
{
    mn_value v = c->input;
    if (v.type != MN_VALUE_STR)
        v = mn_value_str(S(c, v));
    v.flags |= MN_VALUE_SAFE;
    *out = v;
    return MN_OK;
}

static int f_escape(fcall *c, mn_value *out)
{
    if (mn_value_is_safe(c->input)) {
        *out = c->input;
        return MN_OK;
    }
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_html_escape(&b, S(c, c->input));
    int rc = ret_str(c, out, &b);
    out->flags |= MN_VALUE_SAFE;
    return rc;
}

static int r_escape(fcall *c, mn_buf *out, bool *safe)
{
    *safe = true;
    if (mn_value_is_safe(c->input))
        return mn_buf_put_str(out, S(c, c->input));
    return mn_html_escape(out, S(c, c->input));
}

static int r_force_escape(fcall *c, mn_buf *out, bool *safe)
{
    *safe = true;
    return mn_html_escape(out, S(c, c->input));
}

static int f_force_escape(fcall *c, mn_value *out)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_html_escape(&b, S(c, c->input));
    int rc = ret_str(c, out, &b);
    out->flags |= MN_VALUE_SAFE;
    return rc;
}

static int f_safeseq(fcall *c, mn_value *out)
{
    mn_list *in = as_list(c, c->input);
    if (!in)
        return mn_err_set(c->err, MN_ETYPE, "TypeError: '%s' object is not iterable", mn_value_type_name(c->input));
    mn_list *l = mn_list_new(c->arena, mn_list_len(in));
    if (!l)
        return MN_ENOMEM;
    for (size_t i = 0; i < mn_list_len(in); i++) {
        mn_value v = mn_list_get(in, i);
        if (v.type != MN_VALUE_STR)
            v = mn_value_str(S(c, v));
        v.flags |= MN_VALUE_SAFE;
        if (mn_list_push(l, v))
            return MN_ENOMEM;
    }
    *out = mn_value_list(l);
    return MN_OK;
}

static int f_add(fcall *c, mn_value *out)
{
    int64_t a, b, r;
    if (!mn_value_to_i64(c->input, &a) && !mn_value_to_i64(c->arg, &b) && c->input.type != MN_VALUE_NULL) {
        if (!__builtin_add_overflow(a, b, &r)) {
            *out = mn_value_int(r);
            return MN_OK;
        }
    }
    mn_value x = c->input, y = c->arg;
    if (x.type == MN_VALUE_STR && y.type == MN_VALUE_STR) {
        mn_buf bb;
        mn_buf_init(&bb, c->arena, 0);
        mn_buf_put_str(&bb, x.u.s);
        mn_buf_put_str(&bb, y.u.s);
        int rc = ret_str(c, out, &bb);
        if (mn_value_is_safe(x) && mn_value_is_safe(y))
            out->flags |= MN_VALUE_SAFE;
        return rc;
    }
    if (x.type == MN_VALUE_LIST && y.type == MN_VALUE_LIST) {
        mn_list *l = mn_list_new(c->arena, mn_list_len(x.u.list) + mn_list_len(y.u.list));
        if (!l)
            return MN_ENOMEM;
        for (size_t i = 0; i < mn_list_len(x.u.list); i++)
            if (mn_list_push(l, mn_list_get(x.u.list, i)))
                return MN_ENOMEM;
        for (size_t i = 0; i < mn_list_len(y.u.list); i++)
            if (mn_list_push(l, mn_list_get(y.u.list, i)))
                return MN_ENOMEM;
        *out = mn_value_list(l);
        return MN_OK;
    }
    if ((x.type == MN_VALUE_FLOAT || x.type == MN_VALUE_INT || x.type == MN_VALUE_BOOL) &&
        (y.type == MN_VALUE_FLOAT || y.type == MN_VALUE_INT || y.type == MN_VALUE_BOOL)) {
        double dx, dy;
        mn_value_to_double(x, &dx);
        mn_value_to_double(y, &dy);
        *out = mn_value_float(dx + dy);
        return MN_OK;
    }
    *out = mn_value_str(MN_STR_EMPTY);
    return MN_OK;
}

static int f_cut(fcall *c, mn_value *out)
{
    if (c->arg.type != MN_VALUE_STR)
        return mn_err_set(c->err, MN_ETYPE, "TypeError: replace() argument 1 must be str, not %s",
                          mn_value_type_name(c->arg));
    mn_str s = c->input.u.s, a = S(c, c->arg);
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    if (!a.len) {
        mn_buf_put_str(&b, s);
    } else {
        size_t i = 0;
        while (i < s.len) {
            if (i + a.len <= s.len && !memcmp(s.ptr + i, a.ptr, a.len)) {
                i += a.len;
                continue;
            }
            mn_buf_putc(&b, s.ptr[i++]);
        }
    }
    int rc = ret_str(c, out, &b);
    if (mn_value_is_safe(c->input) && !mn_str_eq_cstr(a, ";"))
        out->flags |= MN_VALUE_SAFE;
    return rc;
}

static int f_default(fcall *c, mn_value *out)
{
    *out = mn_value_truthy(c->input) ? c->input : c->arg;
    return MN_OK;
}

static int f_default_if_none(fcall *c, mn_value *out)
{
    *out = c->input.type == MN_VALUE_NULL ? c->arg : c->input;
    return MN_OK;
}

/* ---- dictsort ---- */

typedef struct sort_item {
    mn_value key, v;
} sort_item;

static int cmp_items(const sort_item *x, const sort_item *y, bool *error)
{
    int r = 0;
    if (mn_value_cmp(x->key, y->key, &r))
        *error = true;
    return r;
}

/* Stable merge sort (Python's sort is stable); *error is set when two keys
 * do not compare (Python's TypeError). */
static void msort(sort_item *v, sort_item *tmp, size_t n, bool rev, bool *error)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    msort(v, tmp, h, rev, error);
    msort(v + h, tmp, n - h, rev, error);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        int c = cmp_items(&v[j], &v[i], error);
        if (rev)
            c = -c;
        if (c < 0)
            tmp[k++] = v[j++];
        else
            tmp[k++] = v[i++];
    }
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

static int dictsort_impl(fcall *c, mn_value *out, bool rev)
{
    *out = mn_value_str(MN_STR_EMPTY);
    mn_list *in = as_list(c, c->input);
    if (!in)
        return MN_OK;
    mn_str arg = S(c, c->arg);
    double dummy;
    bool numeric = mn_str_to_double(mn_str_trim(arg), &dummy) == MN_OK;
    mn__tvar var;
    if (!numeric) {
        mn_err e = { 0 };
        if (mn__tpl_var_parse(c->arena, arg, &var, &e))
            return MN_OK;
    }
    size_t n = mn_list_len(in);
    sort_item *items = mn_arena_alloc(c->arena, (n + 1) * sizeof *items);
    sort_item *tmp = mn_arena_alloc(c->arena, (n + 1) * sizeof *tmp);
    if (!items || !tmp)
        return MN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        mn_value v = mn_list_get(in, i);
        items[i].v = v;
        if (numeric) {
            if (v.type != MN_VALUE_MAP || !mn_map_find(v.u.map, arg))
                return MN_OK;
            items[i].key = mn_map_get(v.u.map, arg);
            continue;
        }
        if (!var.lookups) {
            items[i].key = var.literal;
            continue;
        }
        /* resolve the lookups against the item itself: Variable(arg).resolve(item) */
        mn_template_context tmpctx = *c->ctx;
        mn_map *scopes[1];
        tmpctx.scopes = scopes;
        tmpctx.nscopes = 1;
        tmpctx.cap = 1;
        mn__tvar v2 = var;
        if (v.type == MN_VALUE_MAP) {
            scopes[0] = v.u.map;
        } else {
            /* bind the item to a name no template can spell, then look up its attributes */
            if (!(scopes[0] = mn_map_new(c->arena, 1)) || mn_map_set(scopes[0], MN_STR("\x01"), v))
                return MN_ENOMEM;
            v2.lookups = mn_arena_alloc(c->arena, (var.nlookups + 1) * sizeof(mn_str));
            v2.hints = mn_arena_calloc(c->arena, var.nlookups + 1, sizeof *v2.hints);
            v2.slots = NULL; /* the lookups moved: var's caches would not match */
            if (!v2.lookups || !v2.hints)
                return MN_ENOMEM;
            v2.lookups[0] = MN_STR("\x01");
            memcpy(v2.lookups + 1, var.lookups, var.nlookups * sizeof(mn_str));
            v2.nlookups = var.nlookups + 1;
        }
        if (mn__tpl_var_resolve(&v2, &tmpctx, &items[i].key, NULL))
            return MN_OK;
    }
    bool sort_error = false;
    msort(items, tmp, n, rev, &sort_error);
    if (sort_error)
        return MN_OK;
    mn_list *l = mn_list_new(c->arena, n);
    if (!l)
        return MN_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (mn_list_push(l, items[i].v))
            return MN_ENOMEM;
    *out = mn_value_list(l);
    return MN_OK;
}

static int f_dictsort(fcall *c, mn_value *out) { return dictsort_impl(c, out, false); }
static int f_dictsortreversed(fcall *c, mn_value *out) { return dictsort_impl(c, out, true); }

static int f_divisibleby(fcall *c, mn_value *out)
{
    int64_t a, b;
    if (mn_value_to_i64(c->input, &a) || mn_value_to_i64(c->arg, &b))
        return mn_err_set(c->err, MN_EINVAL, "ValueError: invalid literal for int() with base 10");
    if (b == 0)
        return mn_err_set(c->err, MN_EINVAL, "ZeroDivisionError: integer modulo by zero");
    *out = mn_value_bool(b == -1 || a % b == 0);
    return MN_OK;
}

static int f_first_last(fcall *c, mn_value *out, bool last)
{
    *out = mn_value_str(MN_STR_EMPTY);
    if (c->input.type == MN_VALUE_STR) {
        mn_str s = c->input.u.s;
        size_t n = u8len(s);
        if (!n)
            return MN_OK;
        size_t k = last ? n - 1 : 0;
        size_t a = u8off(s, k), b = u8off(s, k + 1);
        *out = mn_value_str(mn_str_slice(s, a, b));
        return MN_OK;
    }
    mn_list *l = as_list(c, c->input);
    if (!l) {
        if (c->input.type == MN_VALUE_NULL || c->input.type == MN_VALUE_INT)
            return mn_err_set(c->err, MN_ETYPE, "TypeError: '%s' object is not subscriptable",
                              mn_value_type_name(c->input));
        return MN_OK;
    }
    if (mn_list_len(l))
        *out = mn_list_get(l, last ? mn_list_len(l) - 1 : 0);
    return MN_OK;
}

static int f_first(fcall *c, mn_value *out) { return f_first_last(c, out, false); }
static int f_last(fcall *c, mn_value *out) { return f_first_last(c, out, true); }

static int f_join(fcall *c, mn_value *out)
{
    mn_list *l = as_list(c, c->input);
    if (!l) {
        *out = c->input;
        return MN_OK;
    }
    mn_str sep = S(c, c->arg);
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    for (size_t i = 0; i < mn_list_len(l); i++) {
        mn_value v = mn_list_get(l, i);
        if (!c->autoescape && v.type != MN_VALUE_STR) {
            *out = c->input;
            return MN_OK;
        }
        if (i) {
            if (mn_value_is_safe(c->arg))
                mn_buf_put_str(&b, sep);
            else
                mn_html_escape(&b, sep);
        }
        if (c->autoescape && !mn_value_is_safe(v))
            mn_html_escape(&b, S(c, v));
        else
            mn_buf_put_str(&b, S(c, v));
    }
    int rc = ret_str(c, out, &b);
    out->flags |= MN_VALUE_SAFE;
    return rc;
}

static int f_length(fcall *c, mn_value *out)
{
    int64_t n = py_len(c, c->input);
    *out = mn_value_int(n < 0 ? 0 : n);
    return MN_OK;
}

static int f_length_is(fcall *c, mn_value *out)
{
    int64_t n = py_len(c, c->input), want;
    if (n < 0 || mn_value_to_i64(c->arg, &want)) {
        *out = mn_value_str(MN_STR_EMPTY);
        return MN_OK;
    }
    *out = mn_value_bool(n == want);
    return MN_OK;
}

static int f_make_list(fcall *c, mn_value *out)
{
    mn_list *l;
    mn_value in = c->input;
    in.flags = 0;
    int rc = mn__tpl_iter(c->ctx, in, &l, NULL);
    if (rc)
        return rc;
    *out = mn_value_list(l);
    return MN_OK;
}

static bool split2(mn_str s, char sep, mn_str *a, mn_str *b, int *count)
{
    *count = 1;
    for (size_t i = 0; i < s.len; i++)
        *count += s.ptr[i] == sep;
    return mn_str_split_once(s, sep, a, b);
}

static int f_pluralize(fcall *c, mn_value *out)
{
    mn_str arg = c->has_arg ? S(c, c->arg) : MN_STR("s");
    mn_str sing = MN_STR_EMPTY, plur = arg;
    int count;
    if (mn_str_find_char(arg, ',', 0) >= 0) {
        split2(arg, ',', &sing, &plur, &count);
        if (count > 2) {
            *out = mn_value_str(MN_STR_EMPTY);
            return MN_OK;
        }
    }
    *out = mn_value_str(MN_STR_EMPTY);
    mn_value v = c->input;
    double d;
    if (v.type == MN_VALUE_STR) {
        if (mn_str_to_double(mn_str_trim(v.u.s), &d) == MN_OK)
            *out = mn_value_str(d == 1 ? sing : plur);
        return MN_OK;
    }
    if (mn_value_is_number(v)) {
        mn_value_to_double(v, &d);
        *out = mn_value_str(d == 1 ? sing : plur);
        return MN_OK;
    }
    int64_t n = py_len(c, v);
    if (n >= 0)
        *out = mn_value_str(n == 1 ? sing : plur);
    return MN_OK;
}

static int f_random(fcall *c, mn_value *out)
{
    mn_list *l = as_list(c, c->input);
    if (!l || !mn_list_len(l))
        return mn_err_set(c->err, MN_EINVAL, "IndexError: Cannot choose from an empty sequence");
    *out = mn_list_get(l, (size_t)random() % mn_list_len(l));
    return MN_OK;
}

/* Python slice index adjustment. */
static void adjust(int64_t len, bool has_start, int64_t start, bool has_stop, int64_t stop, int64_t step,
                   int64_t *ostart, int64_t *ostop)
{
    if (!has_start)
        start = step < 0 ? len - 1 : 0;
    else if (start < 0) {
        start += len;
        if (start < 0)
            start = step < 0 ? -1 : 0;
    } else if (start >= len)
        start = step < 0 ? len - 1 : len;
    if (!has_stop)
        stop = step < 0 ? -1 : len;
    else if (stop < 0) {
        stop += len;
        if (stop < 0)
            stop = step < 0 ? -1 : 0;
    } else if (stop >= len)
        stop = step < 0 ? len - 1 : len;
    *ostart = start;
    *ostop = stop;
}

static int f_slice(fcall *c, mn_value *out)
{
    *out = c->input;
    mn_str arg = S(c, c->arg);
    int64_t vals[3] = { 0, 0, 1 };
    bool has[3] = { false, false, false };
    size_t pos = 0;
    int n = 0;
    mn_str f;
    while (mn_str_next_field(arg, ':', &pos, &f)) {
        if (n == 3)
            return MN_OK;
        if (f.len) {
            int64_t v;
            if (mn_str_to_i64(mn_str_trim(f), &v))
                return MN_OK;
            vals[n] = v;
            has[n] = true;
        }
        n++;
    }
    bool hs, he;
    int64_t st, en, step = 1;
    if (n == 1) {
        hs = false;
        st = 0;
        he = has[0];
        en = vals[0];
    } else {
        hs = has[0];
        st = vals[0];
        he = has[1];
        en = vals[1];
        if (n == 3 && has[2])
            step = vals[2];
    }
    if (step == 0)
        return MN_OK;
    mn_value in = c->input;
    if (in.type == MN_VALUE_STR) {
        int64_t len = (int64_t)u8len(in.u.s);
        int64_t a, b;
        adjust(len, hs, st, he, en, step, &a, &b);
        mn_buf bb;
        mn_buf_init(&bb, c->arena, 0);
        for (int64_t i = a; step > 0 ? i < b : i > b; i += step) {
            size_t o = u8off(in.u.s, (size_t)i), o2 = u8off(in.u.s, (size_t)i + 1);
            mn_buf_append(&bb, in.u.s.ptr + o, o2 - o);
        }
        return ret_str(c, out, &bb);
    }
    mn_list *l = in.type == MN_VALUE_LIST ? in.u.list : NULL;
    if (!l && (in.type == MN_VALUE_OBJECT))
        l = as_list(c, in);
    if (!l)
        return MN_OK;
    int64_t len = (int64_t)mn_list_len(l), a, b;
    adjust(len, hs, st, he, en, step, &a, &b);
    mn_list *r = mn_list_new(c->arena, 4);
    if (!r)
        return MN_ENOMEM;
    for (int64_t i = a; step > 0 ? i < b : i > b; i += step)
        if (mn_list_push(r, mn_list_get(l, (size_t)i)))
            return MN_ENOMEM;
    *out = mn_value_list(r);
    return MN_OK;
}

/* ---- stringformat: Python's "%<spec>" % value ---- */

static int f_stringformat(fcall *c, mn_value *out)
{
    mn_str spec = S(c, c->arg);
    *out = mn_value_str(MN_STR_EMPTY);
    if (!spec.len || spec.len > 30)
        return MN_OK;
    char conv = spec.ptr[spec.len - 1];
    mn_str flags = mn_str_slice(spec, 0, spec.len - 1);
    for (size_t i = 0; i < flags.len; i++)
        if (!strchr("-+ #0123456789.", flags.ptr[i]))
            return MN_OK;
    char fmt[48];
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_value v = c->input;
    switch (conv) {
    case 's':
    case 'r': {
        mn_buf s;
        mn_buf_init(&s, c->arena, 0);
        if (conv == 's')
            mn_value_to_str(v, &s);
        else
            mn_value_repr(v, &s);
        snprintf(fmt, sizeof fmt, "%%%.*ss", MN_STR_FMT(flags));
        mn_buf_printf(&b, fmt, mn_buf_cstr(&s));
        break;
    }
    case 'd':
    case 'i':
    case 'x':
    case 'X':
    case 'o': {
        int64_t i;
        if (v.type == MN_VALUE_STR || v.type == MN_VALUE_NULL || mn_value_to_i64(v, &i))
            return MN_OK;
        char cc = conv == 'i' ? 'd' : conv;
        snprintf(fmt, sizeof fmt, "%%%.*sll%c", MN_STR_FMT(flags), cc);
        if (cc == 'd')
            mn_buf_printf(&b, fmt, (long long)i);
        else if (i < 0) {
            snprintf(fmt, sizeof fmt, "-%%%.*sll%c", MN_STR_FMT(flags), cc);
            mn_buf_printf(&b, fmt, (unsigned long long)-i);
        } else
            mn_buf_printf(&b, fmt, (unsigned long long)i);
        break;
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
        double d;
        if (v.type == MN_VALUE_STR || v.type == MN_VALUE_NULL || mn_value_to_double(v, &d))
            return MN_OK;
        snprintf(fmt, sizeof fmt, "%%%.*s%c", MN_STR_FMT(flags), conv);
        mn_buf_printf(&b, fmt, d);
        break;
    }
    default:
        return MN_OK;
    }
    return ret_str(c, out, &b);
}

static int f_yesno(fcall *c, mn_value *out)
{
    mn_str arg = c->has_arg ? S(c, c->arg) : MN_STR("yes,no,maybe");
    mn_str bits[3];
    int n = 0;
    size_t pos = 0;
    mn_str f;
    int total = 0;
    while (mn_str_next_field(arg, ',', &pos, &f)) {
        if (n < 3)
            bits[n++] = f;
        total++;
    }
    if (total < 2) {
        *out = c->input;
        return MN_OK;
    }
    if (total != 3)
        bits[2] = bits[1];
    mn_str r = c->input.type == MN_VALUE_NULL ? bits[2] : mn_value_truthy(c->input) ? bits[0] : bits[1];
    *out = mn_value_str(r);
    return MN_OK;
}

static int f_get_digit(fcall *c, mn_value *out)
{
    int64_t arg, v;
    *out = c->input;
    if (mn_value_to_i64(c->arg, &arg) || mn_value_to_i64(c->input, &v))
        return MN_OK;
    if (arg < 1)
        return MN_OK;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    if (arg > n) {
        *out = mn_value_int(0);
        return MN_OK;
    }
    char d = buf[n - arg];
    *out = d == '-' ? c->input : mn_value_int(d - '0');
    if (d == '-')
        return mn_err_set(c->err, MN_EINVAL, "ValueError: invalid literal for int() with base 10: '-'");
    return MN_OK;
}

static int pad_impl(fcall *c, mn_value *out, int mode)
{
    int64_t width;
    if (mn_value_to_i64(c->arg, &width))
        return mn_err_set(c->err, MN_EINVAL, "ValueError: invalid literal for int() with base 10");
    mn_str s = c->input.u.s;
    int64_t len = (int64_t)u8len(s);
    if (width > 1000000)
        width = 1000000;
    if (width <= len) {
        *out = mn_value_str(s);
        return MN_OK;
    }
    int64_t marg = width - len, left;
    if (mode == 0)
        left = marg / 2 + (marg & width & 1);
    else if (mode == 1)
        left = 0;
    else
        left = marg;
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    for (int64_t i = 0; i < left; i++)
        mn_buf_putc(&b, ' ');
    mn_buf_put_str(&b, s);
    for (int64_t i = 0; i < marg - left; i++)
        mn_buf_putc(&b, ' ');
    return ret_str(c, out, &b);
}

static int f_center(fcall *c, mn_value *out) { return pad_impl(c, out, 0); }
static int f_ljust(fcall *c, mn_value *out) { return pad_impl(c, out, 1); }
static int f_rjust(fcall *c, mn_value *out) { return pad_impl(c, out, 2); }

static void size_fmt(mn_buf *b, double v, const char *unit)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.1f", v);
    mn_buf_puts(b, tmp);
    mn_buf_puts(b, "\xc2\xa0");
    mn_buf_puts(b, unit);
}

static int f_filesizeformat(fcall *c, mn_value *out)
{
    double bytes;
    int64_t ib;
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    if (c->input.type == MN_VALUE_FLOAT && isfinite(c->input.u.f) && fabs(c->input.u.f) < 9e18)
        ib = (int64_t)c->input.u.f;
    else if (c->input.type == MN_VALUE_FLOAT || mn_value_to_i64(c->input, &ib))
        ib = INT64_MIN;
    bytes = (double)ib;
    if (ib == INT64_MIN) {
        mn_buf_puts(&b, "0\xc2\xa0" "bytes");
        return ret_str(c, out, &b);
    }
    bool neg = bytes < 0;
    if (neg)
        bytes = -bytes;
    if (neg)
        mn_buf_putc(&b, '-');
    const double KB = 1024.0, MB = KB * 1024, GB = MB * 1024, TB = GB * 1024, PB = TB * 1024;
    if (bytes < KB) {
        long long n = (long long)bytes;
        mn_buf_printf(&b, "%lld\xc2\xa0%s", n, bytes == 1 ? "byte" : "bytes");
    } else if (bytes < MB)
        size_fmt(&b, bytes / KB, "KB");
    else if (bytes < GB)
        size_fmt(&b, bytes / MB, "MB");
    else if (bytes < TB)
        size_fmt(&b, bytes / GB, "GB");
    else if (bytes < PB)
        size_fmt(&b, bytes / TB, "TB");
    else
        size_fmt(&b, bytes / PB, "PB");
    return ret_str(c, out, &b);
}

static int f_phone2numeric(fcall *c, mn_value *out)
{
    static const char map[] = "22233344455566677778889999";
    mn_str s = S(c, c->input);
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    for (size_t i = 0; i < s.len; i++) {
        char ch = s.ptr[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch + 32);
        if (ch >= 'a' && ch <= 'z' && ch != 'q' && ch != 'z')
            mn_buf_putc(&b, map[ch - 'a']);
        else if (ch == 'q')
            mn_buf_putc(&b, '7');
        else if (ch == 'z')
            mn_buf_putc(&b, '9');
        else
            mn_buf_putc(&b, ch);
    }
    return ret_str(c, out, &b);
}

static bool is_seq(mn_value v) { return v.type == MN_VALUE_LIST; }

static int ul_format(fcall *c, mn_buf *b, mn_list *l, int tabs, int depth)
{
    if (depth > 100)
        return mn_err_set(c->err, MN_ELIMIT, "RecursionError: unordered_list nested too deeply");
    size_t n = mn_list_len(l), i = 0;
    bool first = true;
    while (i < n) {
        mn_value item = mn_list_get(l, i);
        mn_list *children = NULL;
        if (i + 1 < n && is_seq(mn_list_get(l, i + 1))) {
            children = mn_list_get(l, i + 1).u.list;
            i += 2;
        } else {
            i += 1;
        }
        if (!first)
            mn_buf_putc(b, '\n');
        first = false;
        for (int t = 0; t < tabs; t++)
            mn_buf_putc(b, '\t');
        mn_buf_puts(b, "<li>");
        if (c->autoescape && !mn_value_is_safe(item))
            mn_html_escape(b, S(c, item));
        else
            mn_buf_put_str(b, S(c, item));
        if (children && mn_list_len(children)) {
            mn_buf_putc(b, '\n');
            for (int t = 0; t < tabs; t++)
                mn_buf_putc(b, '\t');
            mn_buf_puts(b, "<ul>\n");
            int rc = ul_format(c, b, children, tabs + 1, depth + 1);
            if (rc)
                return rc;
            mn_buf_putc(b, '\n');
            for (int t = 0; t < tabs; t++)
                mn_buf_putc(b, '\t');
            mn_buf_puts(b, "</ul>\n");
            for (int t = 0; t < tabs; t++)
                mn_buf_putc(b, '\t');
        }
        mn_buf_puts(b, "</li>");
    }
    return MN_OK;
}

static int f_unordered_list(fcall *c, mn_value *out)
{
    mn_list *l = as_list(c, c->input);
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    if (l) {
        int rc = ul_format(c, &b, l, 1, 0);
        if (rc)
            return rc;
    }
    int rc = ret_str(c, out, &b);
    out->flags |= MN_VALUE_SAFE;
    return rc;
}

static int f_linenumbers(fcall *c, mn_value *out)
{
    mn_str s = c->input.u.s;
    size_t lines = 1;
    for (size_t i = 0; i < s.len; i++)
        lines += s.ptr[i] == '\n';
    int width = snprintf(NULL, 0, "%zu", lines);
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    size_t pos = 0, k = 1;
    mn_str line;
    while (mn_str_next_field(s, '\n', &pos, &line)) {
        if (k > 1)
            mn_buf_putc(&b, '\n');
        mn_buf_printf(&b, "%0*zu. ", width, k++);
        if (c->autoescape && !mn_value_is_safe(c->input))
            mn_html_escape(&b, line);
        else
            mn_buf_put_str(&b, line);
    }
    int rc = ret_str(c, out, &b);
    out->flags |= MN_VALUE_SAFE;
    return rc;
}

/* repr() with dict keys sorted, as pprint.pformat prints values that fit
 * on one line. */
static int pprint_value(mn_buf *b, mn_value v, int depth)
{
    if (depth > 100)
        return mn_buf_puts(b, "...");
    if (v.type == MN_VALUE_LIST) {
        mn_buf_putc(b, '[');
        for (size_t i = 0; i < mn_list_len(v.u.list); i++) {
            if (i)
                mn_buf_puts(b, ", ");
            pprint_value(b, mn_list_get(v.u.list, i), depth + 1);
        }
        return mn_buf_putc(b, ']');
    }
    if (v.type != MN_VALUE_MAP)
        return mn_value_repr(v, b);
    size_t n = mn_map_len(v.u.map);
    size_t order[64];
    if (n > 64)
        return mn_value_repr(v, b);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && mn_str_cmp(mn_map_key_at(v.u.map, order[j - 1]), mn_map_key_at(v.u.map, order[j])) > 0; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    mn_buf_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            mn_buf_puts(b, ", ");
        mn_value_repr(mn_value_str(mn_map_key_at(v.u.map, order[i])), b);
        mn_buf_puts(b, ": ");
        pprint_value(b, mn_map_value_at(v.u.map, order[i]), depth + 1);
    }
    return mn_buf_putc(b, '}');
}

static int f_pprint(fcall *c, mn_value *out)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    pprint_value(&b, c->input, 0);
    return ret_str(c, out, &b);
}

/* ---- humanize ---- */

static int f_ordinal(fcall *c, mn_value *out)
{
    int64_t v;
    if (c->input.type == MN_VALUE_NULL || mn_value_to_i64(c->input, &v)) {
        *out = c->input;
        return MN_OK;
    }
    int64_t m100 = ((v % 100) + 100) % 100, m10 = ((v % 10) + 10) % 10;
    const char *suf = "th";
    if (m100 < 11 || m100 > 13)
        suf = m10 == 1 ? "st" : m10 == 2 ? "nd" : m10 == 3 ? "rd" : "th";
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_buf_printf(&b, "%lld%s", (long long)v, suf);
    int rc = ret_str(c, out, &b);
    out->flags |= MN_VALUE_SAFE;
    return rc;
}

static int f_apnumber(fcall *c, mn_value *out)
{
    static const char *const names[] = { "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" };
    int64_t v;
    if (c->input.type == MN_VALUE_NULL || mn_value_to_i64(c->input, &v)) {
        *out = c->input;
        return MN_OK;
    }
    if (v <= 0 || v >= 10) {
        *out = mn_value_int(v);
        return MN_OK;
    }
    *out = mn_value_cstr(names[v - 1]);
    return MN_OK;
}

/* numberformat with grouping 3 and ',' over str(number). */
static bool all_digits(mn_str s)
{
    if (!s.len)
        return false;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
    return true;
}

static int f_intcomma(fcall *c, mn_value *out)
{
    mn_value v = c->input;
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    int64_t i;
    if (v.type == MN_VALUE_FLOAT || v.type == MN_VALUE_DECIMAL) {
        mn_buf num;
        mn_buf_init(&num, c->arena, 0);
        if (v.type == MN_VALUE_FLOAT)
            mn__tpl_put_float(&num, v.u.f);
        else
            mn_decimal_write_fixed(&num, v.u.d);
        if (mn_buf_error(&num))
            return mn_buf_error(&num);
        mn__tpl_number_format(c->ctx->engine, &b, mn_buf_str(&num), 1, true);
        return ret_str(c, out, &b);
    }
    if (v.type != MN_VALUE_NULL && !mn_value_to_i64(v, &i)) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%lld", (long long)i);
        mn__tpl_number_format(c->ctx->engine, &b, mn_str_from(tmp), 1, true);
        return ret_str(c, out, &b);
    }
    /* re.sub(r"^(-?\d+)(\d{3})", r'\g<1>,\g<2>') repeated */
    mn_str s = S(c, v);
    mn_buf_put_str(&b, s);
    for (int guard = 0; guard < 1000; guard++) {
        mn_str cur = mn_buf_str(&b);
        size_t st = cur.len && cur.ptr[0] == '-' ? 1 : 0, e = st;
        while (e < cur.len && cur.ptr[e] >= '0' && cur.ptr[e] <= '9')
            e++;
        if (e - st < 4 || !all_digits(mn_str_slice(cur, st, e)))
            break;
        char *copy = mn_str_dup(c->arena, cur);
        if (!copy)
            return MN_ENOMEM;
        mn_buf_reset(&b);
        mn_buf_append(&b, copy, e - 3);
        mn_buf_putc(&b, ',');
        mn_buf_puts(&b, copy + e - 3);
    }
    return ret_str(c, out, &b);
}

/* ---- registration ---- */

#define ARG MN_FILTER_ARG
#define OPT (MN_FILTER_ARG | MN_FILTER_ARG_OPTIONAL)
#define SAFE MN_FILTER_IS_SAFE
#define STRF MN_FILTER_STRING
#define AUTO MN_FILTER_NEEDS_AUTOESCAPE

int mn__tpl_register_builtin_filters(mn_template_library *lib)
{
    static const struct {
        const char *name;
        mn_template_filter_fn fn;
        unsigned flags;
    } fs[] = {
        { "add", f_add, ARG },
        { "center", f_center, ARG | SAFE | STRF },
        { "cut", f_cut, ARG | STRF },
        { "default", f_default, ARG },
        { "default_if_none", f_default_if_none, ARG },
        { "dictsort", f_dictsort, ARG },
        { "dictsortreversed", f_dictsortreversed, ARG },
        { "divisibleby", f_divisibleby, ARG },
        { "escape", f_escape, STRF | SAFE },
        { "filesizeformat", f_filesizeformat, SAFE },
        { "first", f_first, 0 },
        { "force_escape", f_force_escape, STRF | SAFE },
        { "get_digit", f_get_digit, ARG },
        { "join", f_join, ARG | SAFE | AUTO },
        { "last", f_last, SAFE },
        { "length", f_length, 0 },
        { "length_is", f_length_is, ARG },
        { "linenumbers", f_linenumbers, SAFE | STRF | AUTO },
        { "ljust", f_ljust, ARG | SAFE | STRF },
        { "make_list", f_make_list, STRF },
        { "phone2numeric", f_phone2numeric, SAFE },
        { "pluralize", f_pluralize, OPT },
        { "pprint", f_pprint, SAFE },
        { "random", f_random, SAFE },
        { "rjust", f_rjust, ARG | SAFE | STRF },
        { "safe", f_safe, SAFE | STRF },
        { "safeseq", f_safeseq, SAFE },
        { "slice", f_slice, ARG | SAFE },
        { "stringformat", f_stringformat, ARG | SAFE },
        { "unordered_list", f_unordered_list, SAFE | AUTO },
        { "yesno", f_yesno, OPT },
    };
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++)
        if (mn_template_library_add_filter(lib, fs[i].name, fs[i].fn, fs[i].flags))
            return MN_ENOMEM;
    if (mn__tpl_filter_set_render(lib, "escape", r_escape) ||
        mn__tpl_filter_set_render(lib, "force_escape", r_force_escape))
        return MN_ENOMEM;
    return mn__tpl_register_more_filters(lib);
}

int mn__tpl_register_humanize(mn_template_library *lib)
{
    if (mn_template_library_add_filter(lib, "ordinal", f_ordinal, SAFE) ||
        mn_template_library_add_filter(lib, "apnumber", f_apnumber, SAFE) ||
        mn_template_library_add_filter(lib, "intcomma", f_intcomma, SAFE) ||
        mn__tpl_register_number_humanize(lib) || mn__tpl_register_date_humanize(lib))
        return MN_ENOMEM;
    return MN_OK;
}

int mn__tpl_register_more_filters(mn_template_library *lib)
{
    if (mn__tpl_register_text_filters(lib) || mn__tpl_register_number_filters(lib) ||
        mn__tpl_register_date_filters(lib))
        return MN_ENOMEM;
    return MN_OK;
}
