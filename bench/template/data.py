"""The benchmark data shared by the Python renderers (the C program builds
the same values)."""
import datetime

FORTUNES = [
    (1, "fortune: No such file or directory"),
    (2, "A computer scientist is someone who fixes things that aren't broken."),
    (3, "After enough decimal places, nobody gives a damn."),
    (4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
    (5, "A computer program does what you tell it to do, not what you want it to do."),
    (6, "Emacs is a nice operating system, but I prefer UNIX. \u2014 Tom Christaensen"),
    (7, "Any program that runs right is obsolete."),
    (8, "A list is only as strong as its weakest link. \u2014 Donald Knuth"),
    (9, "Feature: A bug with seniority."),
    (10, "Computers make very fast, very accurate mistakes."),
    (11, "<script>alert(\"This should not be displayed in a browser alert box.\");</script>"),
    (12, "\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1\u30de\u30fc\u30af"),
    (0, "Additional fortune added at request time."),
]


def products(n=1000):
    out = []
    for i in range(n):
        out.append({
            "name": "Product <%d> & co" % i,
            "added": datetime.date(2020 + i % 5, 1 + i % 12, 1 + i % 28),
            "price": 9.99 + i * 1.25,
            "description": "A fine product number %d with many words to truncate in the listing page" % i,
            "url": "see https://shop.example.com/p/%d for details" % i,
            "stock": i % 7,
        })
    return out


def fortunes():
    items = [{"id": i, "message": m} for i, m in FORTUNES]
    items.sort(key=lambda f: f["message"])
    return items
