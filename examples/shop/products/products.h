/* The products app: a catalogue from a static array (the ORM replaces it
 * later), HTML pages rendered from templates/products/ and a JSON API. */
#ifndef SHOP_PRODUCTS_H
#define SHOP_PRODUCTS_H

#include <manouche.h>

typedef struct product {
    int64_t id;
    const char *name;
    const char *slug;
    const char *description;
    mn_decimal price; /* money is exact decimal */
    int stock;
} product;

/* The catalogue: products and their count. */
extern const product products[];
extern const size_t n_products;
/* The product with id, or NULL. */
const product *product_find(int64_t id);

extern const mn_app products_app;
extern const mn_urlconf products_urls;     /* included at products/ */
extern const mn_urlconf products_api_urls; /* included at api/ */

/* The home page (the project's "/"). */
mn_response *shop_home(mn_request *req, const mn_url_args *args);

#endif
