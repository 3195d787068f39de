/* The catalogue (a static array until the ORM lands). */
#include "products/products.h"

/* price = cents / 100, exact */
#define PRICE(cents) { .lo = (cents), .hi = 0, .scale = 2 }

const product products[] = {
    { 1, "Espresso Cup", "espresso-cup", "Porcelain cup, 90 ml. Dishwasher safe.", PRICE(1250), 40 },
    { 2, "Moka Pot", "moka-pot", "Six-cup stovetop coffee maker in aluminium.", PRICE(3499), 12 },
    { 3, "Burr Grinder", "burr-grinder", "Conical burrs, 40 grind settings & a timer.", PRICE(12900), 5 },
    { 4, "Coffee Beans <Single Origin>", "beans-single-origin", "250 g of \"washed\" Ethiopian beans.", PRICE(1490), 0 },
    { 5, "Milk Frother", "milk-frother", "Hand-held frother; batteries not included.", PRICE(999), 25 },
};

const size_t n_products = sizeof products / sizeof products[0];

const product *product_find(int64_t id)
{
    for (size_t i = 0; i < n_products; i++)
        if (products[i].id == id)
            return &products[i];
    return NULL;
}
