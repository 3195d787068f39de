/* startproject/startapp: names, skeleton lookup, rendering, refusals. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <manouche.h>

static char tmp[64];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/mn-scaffold.XXXXXX");
    cr_assert(mkdtemp(tmp));
    /* A skeleton of our own, to test the rendering rules exactly. */
    char path[256];
    snprintf(path, sizeof path, "%s/skel", tmp);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/skel/project", tmp);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/skel/project/project_name", tmp);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/skel/project/project_name/project_name.h-tpl", tmp);
    FILE *f = fopen(path, "w");
    fputs("#ifndef {{ PROJECT_NAME }}_H\n{{project_name}} {{ unknown }} {{ secret_key }} {{ x", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/skel/project/dot-gitignore-tpl", tmp);
    f = fopen(path, "w");
    fputs("/manage\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/skel/app", tmp);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/skel/app/app_name.h-tpl", tmp);
    f = fopen(path, "w");
    fputs("{{ app_name }} {{ camel_case_app_name }} {{ project_name }}", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/skel", tmp);
    setenv("MANOUCHE_SKEL_DIR", path, 1);
}

static void teardown(void)
{
    unsetenv("MANOUCHE_SKEL_DIR");
    nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(scaffold, .init = setup, .fini = teardown);

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    cr_assert(f, "%s missing", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

Test(scaffold, names)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_scaffold_check_name("mysite", "project", &err), MN_OK);
    cr_assert_eq(mn_scaffold_check_name("blog_posts2", "app", &err), MN_OK);
    cr_assert_eq(mn_scaffold_check_name("my-site", "project", &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "'my-site' is not a valid project name. Please make sure the name is a valid identifier.");
    cr_assert_eq(mn_scaffold_check_name("2blog", "app", &err), MN_EINVAL);
    cr_assert_eq(mn_scaffold_check_name("", "app", &err), MN_EINVAL);
    cr_assert_eq(mn_scaffold_check_name(NULL, "app", &err), MN_EINVAL);
    cr_assert_eq(mn_scaffold_check_name("caf\xc3\xa9", "app", &err), MN_EINVAL);
    cr_assert_eq(mn_scaffold_check_name("static", "app", &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "conflicts with the name of a C keyword"), "%s", err.msg);
    cr_assert_eq(mn_scaffold_check_name("manouche", "project", &err), MN_EINVAL);
    cr_assert_eq(mn_scaffold_check_name("mn_blog", "app", &err), MN_EINVAL);
    cr_assert_eq(mn_scaffold_check_name("_x", "app", &err), MN_EINVAL);
    char longname[80];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    cr_assert_eq(mn_scaffold_check_name(longname, "app", &err), MN_EINVAL);
}

Test(scaffold, project_is_rendered)
{
    mn_err err = { 0 };
    char dir[128];
    snprintf(dir, sizeof dir, "%s/out", tmp);
    mkdir(dir, 0777);
    cr_assert_eq(mn_scaffold_project("shop", dir, &err), MN_OK, "%s", err.msg);
    char path[256];
    snprintf(path, sizeof path, "%s/shop/shop.h", dir);
    char *text = slurp(path);
    cr_assert(!strncmp(text, "#ifndef SHOP_H\nshop {{ unknown }} django-insecure-", 49), "%s", text);
    cr_assert(strstr(text, " {{ x"), "%s", text);
    /* 50 random characters after the prefix. */
    char *key = strstr(text, "django-insecure-") + 16;
    cr_assert_eq(strcspn(key, " "), 50);
    snprintf(path, sizeof path, "%s/.gitignore", dir);
    cr_assert_str_eq(slurp(path), "/manage\n");
    /* A second run would replace files: refused, nothing written. */
    cr_assert_eq(mn_scaffold_project("shop", dir, &err), MN_EEXIST);
    cr_assert(strstr(err.msg, "already exists. Overlaying a project into an existing directory won't replace "
                              "conflicting files."), "%s", err.msg);
    /* The destination must exist when given. */
    snprintf(path, sizeof path, "%s/nowhere", tmp);
    cr_assert_eq(mn_scaffold_project("shop", path, &err), MN_ENOTFOUND);
    cr_assert(strstr(err.msg, "does not exist, please create it first."), "%s", err.msg);
}

Test(scaffold, default_directory_and_app)
{
    mn_err err = { 0 };
    char cwd[512];
    cr_assert(getcwd(cwd, sizeof cwd));
    cr_assert_eq(chdir(tmp), 0);
    cr_assert_eq(mn_scaffold_project("site1", NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_scaffold_project("site1", NULL, &err), MN_EEXIST);
    cr_assert(strstr(err.msg, "site1' already exists"), "%s", err.msg);
    cr_assert_eq(chdir(cwd), 0);
    char base[128], path[256];
    snprintf(base, sizeof base, "%s/site1", tmp);
    cr_assert_eq(mn_scaffold_app("blog_posts", "site1", base, NULL, &err), MN_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/blog_posts/blog_posts.h", base);
    cr_assert_str_eq(slurp(path), "blog_posts BlogPosts site1");
    snprintf(path, sizeof path, "%s/blog_posts/migrations", base);
    struct stat st;
    cr_assert(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    cr_assert_eq(mn_scaffold_app("site1", "site1", base, NULL, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "conflicts with the name of the project"), "%s", err.msg);
    cr_assert_eq(mn_scaffold_app("blog_posts", "site1", base, NULL, &err), MN_EEXIST);
}

Test(scaffold, skeleton_lookup)
{
    mn_err err = { 0 };
    char out[512];
    cr_assert_eq(mn_scaffold_skel_dir("project", out, sizeof out, &err), MN_OK);
    cr_assert(strstr(out, "/skel/project"), "%s", out);
    cr_assert_eq(mn_scaffold_skel_dir("nothing", out, sizeof out, &err), MN_ENOTFOUND);
    cr_assert(strstr(err.msg, "MANOUCHE_SKEL_DIR"), "%s", err.msg);
    /* Without the variable, the source tree's skeletons are found. */
    unsetenv("MANOUCHE_SKEL_DIR");
    cr_assert_eq(mn_scaffold_skel_dir("app", out, sizeof out, &err), MN_OK, "%s", err.msg);
    char path[600];
    snprintf(path, sizeof path, "%s/tests.c-tpl", out);
    cr_assert_eq(access(path, R_OK), 0, "%s", path);
}
