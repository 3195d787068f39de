/* Sample data for the demo and the tests: six categories, 200 products,
 * reviews and a few orders. Deterministic: the same data every time, with
 * fixed timestamps (not the clock), so that dumpdata gives the committed
 * fixture products/fixtures/sample.json byte for byte. */
#include <stdio.h>
#include <string.h>
#include "products/products.h"

typedef struct cat_seed {
    const char *name, *slug, *description;
    const char *const *kinds;    /* product kinds */
    const char *const *variants; /* ... and variants */
    int base_cents;              /* price scale */
} cat_seed;

static const cat_seed cats[] = {
    { "Coffee", "coffee", "Single-origin beans and blends, roasted every week.",
      (const char *const[]){ "Ethiopia Yirgacheffe", "Colombia Huila", "Kenya Nyeri", "Guatemala Antigua",
                             "Brazil Cerrado", "Sumatra Mandheling", "Costa Rica Tarrazu", "Rwanda Nyungwe", NULL },
      (const char *const[]){ "Whole Bean 250 g", "Whole Bean 1 kg", "Espresso Roast", "Filter Roast", NULL }, 1290 },
    { "Tea", "tea", "Loose-leaf teas from small gardens.",
      (const char *const[]){ "Darjeeling", "Assam", "Sencha", "Gyokuro", "Oolong", "Earl Grey", "Chamomile",
                             "Rooibos", NULL },
      (const char *const[]){ "Loose Leaf 100 g", "Tin 250 g", "Sampler", "Cold Brew Bags", NULL }, 890 },
    { "Brewing Gear", "brewing-gear", "Everything to brew at home.",
      (const char *const[]){ "Moka Pot", "French Press", "Pour-Over Dripper", "AeroPress", "Siphon Brewer",
                             "Cold Brew Jar", "Gooseneck Kettle", "Espresso Machine", NULL },
      (const char *const[]){ "3-Cup", "6-Cup", "Stainless", "Glass", "Copper", NULL }, 2490 },
    { "Grinders", "grinders", "Burr and blade grinders for every budget.",
      (const char *const[]){ "Burr Grinder", "Hand Grinder", "Blade Grinder", "Conical Grinder",
                             "Flat Burr Grinder", NULL },
      (const char *const[]){ "Classic", "Pro", "Mini", "Travel", "Deluxe", "Electric", NULL }, 3990 },
    { "Cups & Mugs", "cups-mugs", "Porcelain, stoneware and glass.",
      (const char *const[]){ "Espresso Cup", "Cappuccino Cup", "Latte Mug", "Travel Mug", "Tea Cup",
                             "Double-Wall Glass", NULL },
      (const char *const[]){ "White", "Black", "Speckled", "Blue", "Set of 2", "Set of 4", NULL }, 990 },
    { "Accessories", "accessories", "Scales, tampers, filters and the rest.",
      (const char *const[]){ "Milk Frother", "Tamper", "Scale", "Knock Box", "Filter Papers",
                             "Cleaning Tablets", "Canister", "Thermometer", NULL },
      (const char *const[]){ "Basic", "Pro", "Compact", "XL", NULL }, 790 },
};
/* When the sample rows were "created". */
#define SEED_TIMESTAMP "2026-01-05T09:30:00Z"

#define NCATS (sizeof cats / sizeof cats[0])

static const char *const tag_names[][2] = {
    { "New", "new" }, { "Featured", "featured" }, { "Bestseller", "bestseller" }, { "Organic", "organic" },
    { "Fair Trade", "fair-trade" }, { "Gift Idea", "gift-idea" }, { "Limited Edition", "limited-edition" },
    { "Eco", "eco" },
};
#define NTAGS (sizeof tag_names / sizeof tag_names[0])

static const char *const authors[] = { "Ana", "Bruno", "Chloe", "Django R.", "Emeka", "Fatima", "Giulia", "Hiro" };
static const char *const comments[] = {
    "Exactly as described.", "Good value for the price.", "Arrived quickly and well packed.",
    "Not for me, but well made.", "Excellent: I bought a second one.", "Does the job.",
};

static size_t count(const char *const *l)
{
    size_t n = 0;
    while (l[n])
        n++;
    return n;
}

static mn_decimal cents(int64_t c) { return (mn_decimal){ .lo = (uint64_t)c, .hi = 0, .scale = 2 }; }

int products_seed(mn_db *db, mn_arena *arena, size_t nproducts, mn_err *err)
{
    mn_atomic_scope tx;
    MN_ATOMIC(&tx, db, err)
    {
        category *cat_objs[NCATS];
        for (size_t i = 0; i < NCATS && tx.rc == MN_OK; i++) {
            cat_objs[i] = mn_model_create(&category_model, arena, err, "name", mn_value_cstr(cats[i].name), "slug",
                                          mn_value_cstr(cats[i].slug), "description",
                                          mn_value_cstr(cats[i].description), NULL);
            if (!cat_objs[i])
                MN_ATOMIC_FAIL(&tx, err->code ? err->code : MN_EDB);
        }
        /* Products round-robin over the categories, so every page mixes them. */
        void **objs = mn_arena_calloc(arena, nproducts ? nproducts : 1, sizeof *objs);
        size_t made = 0, next[NCATS] = { 0 };
        if (!objs && tx.rc == MN_OK)
            MN_ATOMIC_FAIL(&tx, mn_err_set(err, MN_ENOMEM, "out of memory"));
        for (size_t round = 0; tx.rc == MN_OK && made < nproducts; round++) {
            bool any = false;
            for (size_t c = 0; c < NCATS && made < nproducts; c++) {
                size_t nk = count(cats[c].kinds), nv = count(cats[c].variants);
                size_t k = next[c]++;
                if (k >= nk * nv)
                    continue;
                any = true;
                product *p = mn_model_new(&product_model, arena, err);
                if (!p) {
                    MN_ATOMIC_FAIL(&tx, err->code ? err->code : MN_ENOMEM);
                    break;
                }
                const char *kind = cats[c].kinds[k % nk], *variant = cats[c].variants[k / nk];
                const char *name = made == 7 ? "Coffee Beans <Single Origin>"
                                             : mn_arena_sprintf(arena, "%s %s", kind, variant);
                p->name = mn_str_from(name);
                mn_buf slug;
                mn_buf_init(&slug, arena, 0);
                mn_text_slugify(&slug, p->name, false);
                p->slug = mn_buf_str(&slug);
                p->description = mn_str_from(mn_arena_sprintf(
                    arena, "%s from our %s range. %s", name, cats[c].name, cats[c].description));
                uint64_t h = (made * 2654435761u) >> 7;
                p->price = cents(cats[c].base_cents + (int64_t)(h % 40) * 125 + (int64_t)(k % 5) * 100 - 1);
                p->discount = made % 9 == 0 ? 10 : (made % 13 == 0 ? 25 : 0);
                p->stock = (int32_t)((h >> 3) % 60);
                if (made % 11 == 3)
                    p->stock = 0;
                p->available = made % 17 != 5;
                p->sku = mn_str_from(mn_arena_sprintf(arena, "%.3s-%04zu", cats[c].slug, made + 1));
                p->status = mn_str_from(made % 23 == 4 ? "draft" : (made % 29 == 6 ? "archived" : "published"));
                mn_map *meta = mn_map_new(arena, 2);
                mn_map_set_cstr(meta, "range", mn_value_cstr(variant));
                mn_map_set_cstr(meta, "featured", mn_value_bool(made % 10 == 1));
                p->metadata = mn_value_map(meta);
                p->category = cat_objs[c]->id;
                objs[made++] = p;
            }
            if (!any)
                break;
        }
        if (tx.rc == MN_OK && mn_model_bulk_create(&product_model, objs, made, 0, db, err))
            MN_ATOMIC_FAIL(&tx, err->code);
        /* Tags: product.tags.add(...), one to three each. */
        tag *tags[NTAGS];
        for (size_t i = 0; i < NTAGS && tx.rc == MN_OK; i++) {
            tags[i] = mn_model_create(&tag_model, arena, err, "name", mn_value_cstr(tag_names[i][0]), "slug",
                                      mn_value_cstr(tag_names[i][1]), NULL);
            if (!tags[i])
                MN_ATOMIC_FAIL(&tx, err->code ? err->code : MN_EDB);
        }
        for (size_t i = 0; tx.rc == MN_OK && i < made; i++) {
            void *chosen[3];
            size_t n = 1 + (i * 7) % 3;
            for (size_t k = 0; k < n; k++)
                chosen[k] = tags[(i * 5 + k * 3) % NTAGS];
            if (mn_rel_add(objs[i], &product_model, "tags", chosen, n, err))
                MN_ATOMIC_FAIL(&tx, err->code ? err->code : MN_EDB);
        }
        /* Reviews on every third product. */
        for (size_t i = 0; tx.rc == MN_OK && i < made; i += 3) {
            product *p = objs[i];
            for (size_t r = 0; r < 1 + i % 3 && tx.rc == MN_OK; r++) {
                int rating = 5 - (int)((i + r * 7) % 4);
                if (!mn_model_create(&review_model, arena, err, "product", mn_value_int(p->id), "author",
                                     mn_value_cstr(authors[(i + r) % 8]), "rating", mn_value_int(rating),
                                     "comment", mn_value_cstr(comments[(i + r) % 6]), NULL))
                    MN_ATOMIC_FAIL(&tx, err->code ? err->code : MN_EDB);
            }
        }
        /* A few orders. */
        for (size_t o = 0; tx.rc == MN_OK && o < 5 && made > 0; o++) {
            order *ord = mn_model_create(&order_model, arena, err, "customer_name", mn_value_cstr(authors[o]),
                                         "email",
                                         mn_value_cstr(mn_arena_sprintf(arena, "customer%zu@example.com", o + 1)),
                                         "status", mn_value_cstr(o % 2 ? "paid" : "shipped"), NULL);
            if (!ord) {
                MN_ATOMIC_FAIL(&tx, err->code ? err->code : MN_EDB);
                break;
            }
            mn_decimal total = cents(0);
            for (size_t it = 0; it < 1 + o % 3 && tx.rc == MN_OK; it++) {
                product *p = objs[(o * 37 + it * 11) % made];
                int32_t qty = (int32_t)(1 + it);
                if (!mn_model_create(&order_item_model, arena, err, "order", mn_value_int(ord->id), "product",
                                     mn_value_int(p->id), "quantity", mn_value_int(qty), "price",
                                     mn_value_decimal(p->price), NULL))
                    MN_ATOMIC_FAIL(&tx, err->code ? err->code : MN_EDB);
                mn_decimal line;
                mn_decimal_mul(p->price, mn_decimal_from_i64(qty), &line);
                mn_decimal_add(total, line, &total);
            }
            ord->total = total;
            if (tx.rc == MN_OK && mn_obj_save(ord, &order_model, db, MN_NAMES("total"), err))
                MN_ATOMIC_FAIL(&tx, err->code);
        }
        /* auto_now/auto_now_add stamped the rows with the clock: one fixed
         * instant instead (update() leaves auto_now alone, as in Django). */
        mn_datetime when;
        if (tx.rc == MN_OK && mn_datetime_parse(MN_STR(SEED_TIMESTAMP), &when, err))
            MN_ATOMIC_FAIL(&tx, err->code);
        if (tx.rc == MN_OK &&
            (mn_qs_update(mn_qs_all(&product_model, arena), err, "created_at", mn_value_datetime(when), "updated_at",
                          mn_value_datetime(when), NULL) < 0 ||
             mn_qs_update(mn_qs_all(&review_model, arena), err, "created_at", mn_value_datetime(when), NULL) < 0 ||
             mn_qs_update(mn_qs_all(&order_model, arena), err, "created_at", mn_value_datetime(when), "updated_at",
                          mn_value_datetime(when), NULL) < 0))
            MN_ATOMIC_FAIL(&tx, err->code ? err->code : MN_EDB);
    }
    return tx.rc;
}
