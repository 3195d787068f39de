"""Checks a running examples/tfb server (run by tfb.sh).

    tfb_check.py BASE_URL DATABASE_URL PG_BIN_DIR

Every response must carry Server, a valid Date and a Content-Length equal to
the body's size; each test type's body must have the benchmark's shape."""
import email.utils
import html
import http.client
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse

base, db_url, pg_bin = sys.argv[1], sys.argv[2], sys.argv[3]
host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
conn = http.client.HTTPConnection(host, port, timeout=30)
failures = []

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
    (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
    (12, "\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1\u30de\u30fc\u30af"),
]


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def get(path, content_type):
    """GET path on the keep-alive connection; checks the common headers."""
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    check(r.status == 200, f"{path}: status {r.status}")
    check(r.getheader("Server") == "Manouche", f"{path}: Server {r.getheader('Server')!r}")
    date = r.getheader("Date")
    check(date is not None and email.utils.parsedate_to_datetime(date) is not None, f"{path}: Date {date!r}")
    check(date is not None and date.endswith(" GMT"), f"{path}: Date not in GMT: {date!r}")
    check(r.getheader("Content-Length") == str(len(body)),
          f"{path}: Content-Length {r.getheader('Content-Length')!r} for {len(body)} bytes")
    check(r.getheader("Content-Type") == content_type, f"{path}: Content-Type {r.getheader('Content-Type')!r}")
    return r, body


def world_ok(path, row):
    check(isinstance(row, dict) and sorted(row) == ["id", "randomNumber"], f"{path}: row keys {row!r}")
    if isinstance(row, dict):
        for k in ("id", "randomNumber"):
            v = row.get(k)
            check(isinstance(v, int) and 1 <= v <= 10000, f"{path}: {k} {v!r}")


def db_rows(ids):
    """{id: randomnumber} read from the database itself."""
    id_list = ",".join(str(int(i)) for i in ids)
    sql = f"SELECT id, randomnumber FROM world WHERE id IN ({id_list})"
    if db_url.startswith("sqlite:///"):
        with sqlite3.connect(db_url[len("sqlite:///"):]) as c:
            return dict(c.execute(sql).fetchall())
    u = urllib.parse.urlsplit(db_url)
    q = urllib.parse.parse_qs(u.query)
    out = subprocess.run([os.path.join(pg_bin, "psql"), "-h", q["host"][0], "-p", q["port"][0], "-U", u.username,
                          "-d", u.path.lstrip("/"), "-At", "-F", " ", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return {int(a): int(b) for a, b in (line.split() for line in out.splitlines() if line)}


# /plaintext and /json
r, body = get("/plaintext", "text/plain")
check(body == b"Hello, World!", f"/plaintext body {body!r}")
r, body = get("/json", "application/json")
check(json.loads(body) == {"message": "Hello, World!"}, f"/json body {body!r}")

# Date is refreshed every second.
first = r.getheader("Date")
time.sleep(1.2)
r, _ = get("/json", "application/json")
check(r.getheader("Date") != first, f"Date not refreshed: {first!r} then {r.getheader('Date')!r}")

# /db: one random row; many requests show different ids.
ids = set()
for _ in range(20):
    r, body = get("/db", "application/json")
    row = json.loads(body)
    world_ok("/db", row)
    ids.add(row.get("id"))
check(len(ids) > 1, f"/db always returns the same row: {ids}")
row = json.loads(body)
check(db_rows([row["id"]]).get(row["id"]) == row["randomNumber"], f"/db row does not match the table: {row}")

# /queries: clamped to 1..500, missing or invalid means 1.
for q, n in (("", 1), ("?queries=", 1), ("?queries=abc", 1), ("?queries=0", 1), ("?queries=-3", 1),
             ("?queries=1", 1), ("?queries=20", 20), ("?queries=500", 500), ("?queries=501", 500),
             ("?queries=99999999999999999999", 500),
             ("?queries=-99999999999999999999", 1), ("?queries=%205%20", 5), ("?queries=5&x=1", 5)):
    path = "/queries" + q
    r, body = get(path, "application/json")
    rows = json.loads(body)
    check(isinstance(rows, list) and len(rows) == n, f"{path}: {len(rows)} rows, expected {n}")
    for row in rows:
        world_ok(path, row)

# /fortunes: byte-exact page, escaped, sorted by message, with the extra fortune.
r, body = get("/fortunes", "text/html; charset=utf-8")
fortunes = sorted(FORTUNES + [(0, "Additional fortune added at request time.")], key=lambda f: f[1])
expected = ("<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>"
            + "".join(f"<tr><td>{i}</td><td>{html.escape(m)}</td></tr>" for i, m in fortunes)
            + "</table></body></html>")
check(body == expected.encode(), f"/fortunes body differs:\n{body.decode(errors='replace')}\n---\n{expected}")
check(b"<tr><td>11</td><td>&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);"
      b"&lt;/script&gt;</td></tr>" in body, "/fortunes: the <script> fortune is not escaped")
check(b"aren&#x27;t" in body, "/fortunes: the apostrophe is not escaped as Django does")

# /updates: new numbers are persisted before the response is sent.
for q, n in (("", 1), ("?queries=abc", 1), ("?queries=0", 1), ("?queries=20", 20), ("?queries=501", 500)):
    path = "/updates" + q
    r, body = get(path, "application/json")
    rows = json.loads(body)
    check(isinstance(rows, list) and len(rows) == n, f"{path}: {len(rows)} rows, expected {n}")
    for row in rows:
        world_ok(path, row)
    stored = db_rows([row["id"] for row in rows])
    # A row drawn twice in one request keeps one of its new numbers.
    for row in rows:
        choices = {x["randomNumber"] for x in rows if x["id"] == row["id"]}
        check(stored.get(row["id"]) in choices,
              f"{path}: id {row['id']} stored {stored.get(row['id'])}, response {sorted(choices)}")
# Updates change the numbers (20 rows all drawing their old value is ~1e-80).
before = db_rows(range(1, 10001))
r, body = get("/updates?queries=20", "application/json")
rows = json.loads(body)
check(any(before[row["id"]] != row["randomNumber"] for row in rows), "/updates: no number changed")

# /cached-queries: ?count= clamped like ?queries=; rows come from the cache
# (filled from the table on a miss) and match the table.
for q, n in (("", 1), ("?count=", 1), ("?count=abc", 1), ("?count=0", 1), ("?count=-3", 1), ("?count=1", 1),
             ("?count=20", 20), ("?count=500", 500), ("?count=501", 500), ("?count=99999999999999999999", 500),
             ("?queries=7", 1)):
    path = "/cached-queries" + q
    r, body = get(path, "application/json")
    rows = json.loads(body)
    check(isinstance(rows, list) and len(rows) == n, f"{path}: {len(rows)} rows, expected {n}")
    for row in rows:
        world_ok(path, row)
r, body = get("/cached-queries?count=100", "application/json")
rows = json.loads(body)
check(len({row["id"] for row in rows}) > 1, "/cached-queries: always the same row")
stored = db_rows([row["id"] for row in rows])
# Nothing updates the table after /updates above, so every cached row matches it.
check(all(stored.get(row["id"]) == row["randomNumber"] for row in rows), "/cached-queries: rows do not match the table")

# Unknown paths are 404, with the common headers too.
conn.request("GET", "/cached-queries/unknown")
r = conn.getresponse()
body = r.read()
check(r.status == 404 and r.getheader("Content-Length") == str(len(body)), f"/cached-queries/unknown: {r.status}")

if failures:
    sys.exit(1)
print("tfb checks: ok")
