/* docs/core.md: arenas, builders and values working together. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

int main(void)
{
    mn_arena *arena = mn_arena_new("example", 0);

    /* A product as a template would see it. */
    mn_map *product = mn_map_new(arena, 4);
    mn_map_set_cstr(product, "name", mn_value_cstr("Laptop"));
    mn_map_set_cstr(product, "stock", mn_value_int(12));
    mn_decimal price = mn_decimal_from_i64(99999);
    price.scale = 2; /* 999.99 */
    mn_map_set_cstr(product, "price", mn_value_decimal(price));

    mn_list *tags = mn_list_new(arena, 2);
    mn_list_push(tags, mn_value_cstr("electronics"));
    mn_list_push(tags, mn_value_cstr("sale"));
    mn_map_set_cstr(product, "tags", mn_value_list(tags));

    mn_buf out;
    mn_buf_init(&out, arena, 0);
    mn_value_to_str(mn_value_map(product), &out);
    printf("%s\n", mn_buf_cstr(&out));
    assert(strcmp(mn_buf_cstr(&out),
                  "{'name': 'Laptop', 'stock': 12, 'price': Decimal('999.99'), "
                  "'tags': ['electronics', 'sale']}") == 0);

    /* Python truthiness and equality. */
    assert(mn_value_truthy(mn_map_get_cstr(product, "stock")));
    assert(!mn_value_truthy(mn_value_cstr("")));
    assert(mn_value_eq(mn_value_int(1), mn_value_float(1.0)));

    /* Builders are bounded: an error is remembered, not a crash. */
    mn_buf small;
    mn_buf_init(&small, arena, 8);
    mn_buf_puts(&small, "far too long for eight bytes");
    assert(mn_buf_error(&small) == MN_ELIMIT);

    mn_arena_free(arena); /* everything above is released here */
    return 0;
}
