/* {% cache %} over the cache framework (django.templatetags.cache) and
 * make_template_fragment_key (django.core.cache.utils). */
#include <openssl/evp.h>
#include <stdio.h>
#include "cache_internal.h"
#include "manouche/log.h"

static mn_logger tpl_log = MN_LOGGER_INIT("manouche.cache");

static int frag_get(void *udata, const char *alias, mn_str key, mn_arena *arena, mn_str *out)
{
    (void)udata;
    mn_cache *c = mn_caches_get(alias ? alias : "default", NULL);
    if (!c)
        return MN_EINVAL;
    char *k = mn_arena_strndup(arena, key.ptr, key.len);
    if (!k)
        return MN_ENOMEM;
    mn_value v;
    mn_err err = { 0 };
    int rc = mn_cache_get(c, k, mn_value_null(), arena, &v, &err);
    if (rc == MN_OK && v.type == MN_VALUE_STR) {
        *out = v.u.s;
        return MN_OK;
    }
    if (rc && rc != MN_ENOTFOUND)
        mn_logf(&tpl_log, MN_LOG_WARNING, "{%% cache %%}: %s", err.msg);
    return MN_ENOTFOUND;
}

static int frag_set(void *udata, const char *alias, mn_str key, mn_str value, int64_t timeout)
{
    (void)udata;
    mn_cache *c = mn_caches_get(alias ? alias : "default", NULL);
    if (!c)
        return MN_EINVAL;
    mn_arena *a = mn_arena_new("cache.fragment", 0);
    char *k = a ? mn_arena_strndup(a, key.ptr, key.len) : NULL;
    int rc = MN_ENOMEM;
    mn_err err = { 0 };
    if (k)
        rc = mn_cache_set(c, k, mn_value_str(value), timeout == MN_TEMPLATE_CACHE_FOREVER ? MN_CACHE_FOREVER
                                                     : timeout == 0 ? MN_CACHE_EXPIRE_NOW : timeout, &err);
    if (rc)
        mn_logf(&tpl_log, MN_LOG_WARNING, "{%% cache %%}: %s", err.code ? err.msg : mn_strerror(rc));
    mn_arena_free(a);
    return rc;
}

void mn_cache_template_install(mn_template_engine *e)
{
    mn_template_engine_set_cache_using(e, frag_get, frag_set, NULL);
}

int mn_cache_fragment_key(const char *fragment_name, const mn_str *vary_on, size_t n, mn_buf *out)
{
    unsigned char dig[16];
    unsigned int dl = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md)
        return MN_ENOMEM;
    EVP_DigestInit_ex(md, EVP_md5(), NULL);
    for (size_t i = 0; i < n; i++) {
        EVP_DigestUpdate(md, vary_on[i].ptr, vary_on[i].len);
        EVP_DigestUpdate(md, ":", 1);
    }
    EVP_DigestFinal_ex(md, dig, &dl);
    EVP_MD_CTX_free(md);
    mn_buf_puts(out, "template.cache.");
    mn_buf_puts(out, fragment_name);
    mn_buf_putc(out, '.');
    for (int i = 0; i < 16; i++)
        mn_buf_printf(out, "%02x", dig[i]);
    return mn_buf_error(out);
}
