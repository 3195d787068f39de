/* The CSV reader of import_products: quoting, line ends, limits and bad
 * input. */
#include <criterion/criterion.h>
#include <string.h>
#include <manouche.h>
#include "products/csv.h"

static mn_arena *arena;
static void setup(void) { arena = mn_arena_new("csv", 0); }
static void teardown(void) { mn_arena_free(arena); }
TestSuite(csv, .init = setup, .fini = teardown);

static csv_row *parse(const char *text, size_t *n)
{
    mn_err err = { 0 };
    csv_row *rows = NULL;
    cr_assert_eq(csv_parse(mn_str_from(text), arena, &rows, n, &err), MN_OK, "%s", err.msg);
    return rows;
}

Test(csv, plain_and_quoted)
{
    size_t n;
    csv_row *r = parse("name,price,stock\r\nMug,7.50,3\n\"Cup, \"\"big\"\"\",1,\n\n\"two\nlines\",2,0", &n);
    cr_assert_eq(n, 4);
    cr_expect_eq(r[0].n, 3);
    cr_expect(mn_str_eq_cstr(r[1].fields[0], "Mug"));
    cr_expect(mn_str_eq_cstr(r[2].fields[0], "Cup, \"big\""));
    cr_expect_eq(r[2].n, 3);
    cr_expect(mn_str_eq_cstr(r[2].fields[2], ""), "a trailing empty field");
    cr_expect(mn_str_eq_cstr(r[3].fields[0], "two\nlines"));
    cr_expect_eq(r[3].line, 5);
    cr_expect_eq(r[1].line, 2);
}

Test(csv, empty_input)
{
    size_t n = 7;
    parse("", &n);
    cr_expect_eq(n, 0);
    parse("\n\r\n", &n);
    cr_expect_eq(n, 0);
}

static void bad(const char *text, int code, const char *msg)
{
    mn_err err = { 0 };
    csv_row *rows;
    size_t n;
    cr_expect_eq(csv_parse(mn_str_from(text), arena, &rows, &n, &err), code, "%s", text);
    cr_expect_str_eq(err.msg, msg);
}

Test(csv, bad_input)
{
    bad("a,\"open", MN_EPARSE, "line 1: unterminated quoted field");
    bad("a\nb,\"x\"y", MN_EPARSE, "line 2: 'y' after a closing quote");
    bad("a,b\"c", MN_EPARSE, "line 1: a quote inside an unquoted field");
    char many[CSV_MAX_FIELDS * 2 + 8];
    memset(many, ',', sizeof many - 1);
    many[sizeof many - 1] = 0;
    bad(many, MN_ELIMIT, "line 1: more than 64 fields");
}
