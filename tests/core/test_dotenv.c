#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"

static mn_arena *A;
static void setup(void) { A = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(A); }

TestSuite(dotenv, .init = setup, .fini = teardown);

static mn_dotenv parse_ok(const char *text)
{
    mn_dotenv env;
    mn_err err = { 0 };
    int rc = mn_dotenv_parse(mn_str_from(text), A, &env, &err);
    cr_assert_eq(rc, MN_OK, "parse failed: %s", err.msg);
    return env;
}

static const char *get(const mn_dotenv *env, const char *key)
{
    return mn_dotenv_get(env, mn_str_from(key));
}

static mn_err parse_err(const char *text, int want)
{
    mn_dotenv env;
    mn_err err = { 0 };
    int rc = mn_dotenv_parse(mn_str_from(text), A, &env, &err);
    cr_assert_eq(rc, want, "rc %d for %s (%s)", rc, text, err.msg);
    cr_assert_eq(env.len, 0);
    return err;
}

Test(dotenv, basic_lines_comments_export)
{
    mn_dotenv env = parse_ok("# a comment\n"
                             "DEBUG=False\n"
                             "\n"
                             "   \t\n"
                             "SECRET_KEY=your-secret-key-here\n"
                             "export DATABASE_URL=postgresql://user:pass@localhost/dbname\n"
                             "API_KEY = external-api-key   # trailing comment\n"
                             "EMPTY=\n"
                             "HASH=a#b\n"
                             "SPACED= # only a comment\n");
    cr_assert_eq(env.len, 7);
    cr_assert_str_eq(get(&env, "DEBUG"), "False");
    cr_assert_str_eq(get(&env, "SECRET_KEY"), "your-secret-key-here");
    cr_assert_str_eq(get(&env, "DATABASE_URL"), "postgresql://user:pass@localhost/dbname");
    cr_assert_str_eq(get(&env, "API_KEY"), "external-api-key");
    cr_assert_str_eq(get(&env, "EMPTY"), "");
    cr_assert_str_eq(get(&env, "HASH"), "a#b");
    cr_assert_str_eq(get(&env, "SPACED"), "");
    cr_assert_eq(env.entries[0].line, 2);
    cr_assert_eq(env.entries[2].line, 6);
    cr_assert_null(get(&env, "MISSING"));
}

Test(dotenv, quotes_and_escapes)
{
    mn_dotenv env = parse_ok("S='it is $HOME \\n literal'\n"
                             "D=\"tab\\there\\nnew \\\"q\\\" \\\\ \\$HOME\"\n"
                             "M=\"line1\nline2\"\n"
                             "AFTER=1\n"
                             "HASHQ=\"a # not comment\" # comment\n"
                             "SQ='say \"hi\"'\n"
                             "APOS=it's\n"
                             "DOLLAR=$HOME\n"
                             "CRLF=value\r\n"
                             "QCRLF=\"a\r\nb\"\r\n");
    cr_assert_str_eq(get(&env, "S"), "it is $HOME \\n literal");
    cr_assert_str_eq(get(&env, "D"), "tab\there\nnew \"q\" \\ $HOME");
    cr_assert_str_eq(get(&env, "M"), "line1\nline2");
    cr_assert_str_eq(get(&env, "HASHQ"), "a # not comment");
    cr_assert_str_eq(get(&env, "SQ"), "say \"hi\"");
    cr_assert_str_eq(get(&env, "APOS"), "it's");
    cr_assert_str_eq(get(&env, "DOLLAR"), "$HOME");
    cr_assert_str_eq(get(&env, "CRLF"), "value");
    cr_assert_str_eq(get(&env, "QCRLF"), "a\nb");
    /* AFTER is on line 5: the multi-line value counted its newline. */
    for (size_t i = 0; i < env.len; i++)
        if (mn_str_eq_cstr(env.entries[i].key, "AFTER"))
            cr_assert_eq(env.entries[i].line, 5);
}

Test(dotenv, repeated_key_keeps_last)
{
    mn_dotenv env = parse_ok("A=1\nB=2\nA=3\n");
    cr_assert_eq(env.len, 2);
    cr_assert_str_eq(get(&env, "A"), "3");
}

Test(dotenv, no_trailing_newline_and_bom)
{
    mn_dotenv env = parse_ok("\xEF\xBB\xBF" "A=1\nB=\"x\"");
    cr_assert_eq(env.len, 2);
    cr_assert_str_eq(get(&env, "A"), "1");
    cr_assert_str_eq(get(&env, "B"), "x");
    env = parse_ok("");
    cr_assert_eq(env.len, 0);
    env = parse_ok("export=yes\n");
    cr_assert_str_eq(get(&env, "export"), "yes");
}

Test(dotenv, errors_have_line_numbers)
{
    mn_err e = parse_err("A=1\nnot a pair\n", MN_EPARSE);
    cr_assert(strstr(e.msg, "line 2") != NULL, "%s", e.msg);
    e = parse_err("A=1\n\nB=\"open\n", MN_EPARSE);
    cr_assert_str_eq(e.msg, "line 3: unterminated double-quoted value");
    e = parse_err("A='open", MN_EPARSE);
    cr_assert_str_eq(e.msg, "line 1: unterminated single-quoted value");
    e = parse_err("A=\"bad \\q escape\"\n", MN_EPARSE);
    cr_assert(strstr(e.msg, "unknown escape '\\q'") != NULL, "%s", e.msg);
    e = parse_err("A=\"x\" trailing\n", MN_EPARSE);
    cr_assert_str_eq(e.msg, "line 1: unexpected text after the closing quote");
    e = parse_err("1A=x\n", MN_EPARSE);
    cr_assert(strstr(e.msg, "line 1: expected KEY=VALUE") != NULL, "%s", e.msg);
    e = parse_err("KEY\n", MN_EPARSE);
    cr_assert_str_eq(e.msg, "line 1: expected '=' after KEY");
    e = parse_err("export KEY\n", MN_EPARSE);
    cr_assert_str_eq(e.msg, "line 1: expected '=' after KEY");
    e = parse_err("A-B=1\n", MN_EPARSE);
    cr_assert_str_eq(e.msg, "line 1: expected '=' after A");
}

Test(dotenv, errors_never_echo_values)
{
    mn_err e = parse_err("PASSWORD=\"hunter2\\z\"\n", MN_EPARSE);
    cr_assert_null(strstr(e.msg, "hunter2"), "%s", e.msg);
}

Test(dotenv, nul_bytes_and_limits)
{
    mn_dotenv env;
    mn_err err = { 0 };
    const char nul[] = "A=1\nB=x\0y\n";
    cr_assert_eq(mn_dotenv_parse(mn_str_make(nul, sizeof nul - 1), A, &env, &err), MN_EPARSE);
    cr_assert_str_eq(err.msg, "line 2: NUL byte (not a text file?)");

    char *big = mn_arena_alloc(A, MN_DOTENV_MAX_SIZE + 2);
    memset(big, '#', MN_DOTENV_MAX_SIZE + 1);
    cr_assert_eq(mn_dotenv_parse(mn_str_make(big, MN_DOTENV_MAX_SIZE + 1), A, &env, &err),
                 MN_ELIMIT);

    char key[MN_DOTENV_MAX_KEY + 8];
    memset(key, 'K', sizeof key);
    memcpy(key + sizeof key - 3, "=1", 3);
    cr_assert_eq(mn_dotenv_parse(mn_str_from(key), A, &env, &err), MN_ELIMIT);

    mn_buf b;
    mn_buf_init(&b, A, 0);
    for (int i = 0; i <= MN_DOTENV_MAX_ENTRIES; i++)
        mn_buf_printf(&b, "K%d=v\n", i);
    cr_assert_eq(mn_dotenv_parse(mn_buf_str(&b), A, &env, &err), MN_ELIMIT);
    cr_assert(strstr(err.msg, "more than 4096 entries") != NULL, "%s", err.msg);
}

Test(dotenv, read_file)
{
    char path[] = "/tmp/mn_dotenv_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    const char *text = "A=1\nB=\"two\"\nbad line\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    mn_dotenv env;
    mn_err err = { 0 };
    cr_assert_eq(mn_dotenv_read(path, A, &env, &err), MN_EPARSE);
    char want[128];
    snprintf(want, sizeof want, "%s: line 3: expected '=' after bad", path);
    cr_assert(strncmp(err.msg, want, strlen(want)) == 0, "%s", err.msg);
    unlink(path);
    cr_assert_eq(mn_dotenv_read(path, A, &env, &err), MN_ENOTFOUND);
    cr_assert_eq(env.len, 0);
    cr_assert_eq(mn_dotenv_read("/tmp", A, &env, &err), MN_EIO);
}
