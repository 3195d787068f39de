"""Concurrent requests against a 1 worker x 1 thread server whose views share
one pipelined PostgreSQL connection (run by fiber_pg.sh).

    fiber_pg_check.py tfb BASE_URL DATABASE_URL PG_BIN_DIR
    fiber_pg_check.py txn BASE_URL DATABASE_URL PG_BIN_DIR

tfb: many clients at once on /db, /queries, /fortunes (each answer checked
against the database), then /updates (every change persisted).
txn: requests in transactions (mn_db_atomic and raw BEGIN) that commit or
roll back, a request that leaves its transaction open, and failing queries,
all at the same time on the same thread: each request sees only its own
transaction and its own errors."""
import html
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.parse

mode, base, db_url, pg_bin = sys.argv[1:5]
host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
failures = []
lock = threading.Lock()
CLIENTS = 48


def check(cond, what):
    if not cond:
        with lock:
            failures.append(what)
            if len(failures) < 20:
                print("FAIL:", what, file=sys.stderr)


def psql(sql):
    u = urllib.parse.urlsplit(db_url)
    q = urllib.parse.parse_qs(u.query)
    return subprocess.run([os.path.join(pg_bin, "psql"), "-h", q["host"][0], "-p", q["port"][0], "-U", u.username,
                           "-d", u.path.lstrip("/"), "-At", "-F", " ", "-c", sql],
                          check=True, capture_output=True, text=True).stdout


def world():
    return {int(a): int(b) for a, b in (line.split() for line in psql("SELECT id, randomnumber FROM world").splitlines())}


def run_clients(jobs):
    """Runs the (path, checker) jobs from CLIENTS keep-alive connections at
    once; checker(status, body) checks each answer."""
    it = iter(jobs)

    def client():
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while True:
            with lock:
                job = next(it, None)
            if job is None:
                break
            path, checker = job
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                checker(path, r.status, r.read())
            except (OSError, http.client.HTTPException) as e:
                check(False, f"{path}: {e!r}")
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def tfb():
    snap = world()
    fortunes = {int(a): b for a, b in (line.split(" ", 1) for line in psql("SELECT id, message FROM fortune").splitlines())}

    def row_ok(path, row):
        check(snap.get(row.get("id")) == row.get("randomNumber"), f"{path}: {row} but the table has {snap.get(row.get('id'))}")

    def db_check(path, status, body):
        check(status == 200, f"{path}: status {status}")
        if status == 200:
            row_ok(path, json.loads(body))

    def queries_check(path, status, body):
        check(status == 200, f"{path}: status {status}")
        if status == 200:
            rows = json.loads(body)
            check(len(rows) == 20, f"{path}: {len(rows)} rows")
            for row in rows:
                row_ok(path, row)

    def fortunes_check(path, status, body):
        check(status == 200, f"{path}: status {status}")
        cells = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", body.decode())
        got = {int(i): html.unescape(m) for i, m in cells}
        check(len(cells) == len(fortunes) + 1, f"{path}: {len(cells)} rows")
        check(all(got.get(i) == m for i, m in fortunes.items()), f"{path}: a message differs from the table")
        check(got.get(0) == "Additional fortune added at request time.", f"{path}: no request-time fortune")

    jobs = []
    for i in range(300):
        jobs.append(("/db", db_check))
        if i % 3 == 0:
            jobs.append(("/queries?queries=20", queries_check))
        if i % 2 == 0:
            jobs.append(("/fortunes", fortunes_check))
    run_clients(jobs)

    written = {}

    def updates_check(path, status, body):
        check(status == 200, f"{path}: status {status}")
        if status == 200:
            rows = json.loads(body)
            check(len(rows) == 20, f"{path}: {len(rows)} rows")
            with lock:
                for row in rows:
                    written.setdefault(row["id"], set()).add(row["randomNumber"])

    run_clients([("/updates?queries=20", updates_check)] * 200)
    after = world()
    for i, values in written.items():
        # Concurrent updates of one row: the last commit wins, and it is one of them.
        check(after[i] in values, f"/updates: row {i} is {after[i]}, none of the values answered {sorted(values)}")
    for i in set(snap) - set(written):
        check(after[i] == snap[i], f"/updates: row {i} changed without being updated")
    check(len(written) > 100, f"/updates touched only {len(written)} rows")


def txn():
    psql("UPDATE world SET randomnumber = id WHERE id <= 400")
    snap = world()
    answers = {}

    def expect(want):
        def checker(path, status, body):
            text = body.decode()
            check(status == 200 and text == want, f"{path}: {status} {text!r}, expected {want!r}")
        return checker

    jobs = []
    for i in range(1, 61):
        jobs.append((f"/atomic?id={i}&v=-1&fail=1", expect("rolled back oncommit=0")))
        jobs.append((f"/atomic?id={60 + i}&v={7 * (60 + i)}&fail=0", expect("committed oncommit=1")))
        jobs.append((f"/raw?id={120 + i}&v=-1&fail=1", expect("rolled back")))
        jobs.append((f"/raw?id={180 + i}&v={11 * (180 + i)}&fail=0", expect("committed")))
        jobs.append((f"/leave_open?id={240 + i}&v=-2", expect("left open")))
        jobs.append(("/bad", expect("error then 42")))
        jobs.append(("/depth", expect("0")))
        jobs.append((f"/get?id={300 + i}", expect(str(snap[300 + i]))))
    # Interleave the kinds so that every kind runs beside every other.
    jobs = jobs[::2] + jobs[1::2]
    run_clients(jobs)
    after = world()
    for i in range(1, 61):
        check(after[i] == snap[i], f"atomic that failed: row {i} is {after[i]}, not rolled back")
        check(after[60 + i] == 7 * (60 + i), f"atomic that committed: row {60 + i} is {after[60 + i]}")
        check(after[120 + i] == snap[120 + i], f"raw transaction that failed: row {120 + i} is {after[120 + i]}")
        check(after[180 + i] == 11 * (180 + i), f"raw transaction that committed: row {180 + i} is {after[180 + i]}")
        check(after[240 + i] == snap[240 + i], f"transaction left open: row {240 + i} is {after[240 + i]}")
    # One connection served every request of the thread.
    conns = psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'manouche'").strip()
    check(conns == "1", f"{conns} connections from the server, expected 1 shared connection")


def kill():
    """The server's backend is terminated while requests wait for it: they
    fail with an error or succeed, none hangs, and the next ones reconnect."""
    snap = world()
    errors = []

    def get_check(path, status, body):
        text = body.decode()
        i = int(path.split("=")[1])
        if text.startswith("error:") or text.startswith("no database"):
            with lock:
                errors.append(text)
        else:
            check(status == 200 and text == str(snap[i]), f"{path}: {status} {text!r}")

    done = threading.Event()

    def killer():
        while not done.is_set():
            out = psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE application_name = 'manouche'")
            if out.strip() != "0":
                return
            done.wait(0.01)

    k = threading.Thread(target=killer)
    k.start()
    run_clients([(f"/get?id={i}", get_check) for i in range(1, 1001)] * 2)
    done.set()
    k.join()
    print(f"fiber_pg kill: {len(errors)} requests failed while the backend died")
    for e in errors:
        check("connection" in e or "terminating" in e, f"unclear error after the backend died: {e!r}")
    # The thread's connection is reopened: requests work again.
    conn = http.client.HTTPConnection(host, port, timeout=60)
    answers = []
    for i in range(1, 6):
        conn.request("GET", f"/get?id={i}")
        answers.append((i, conn.getresponse().read().decode()))
    check(all(a == str(snap[i]) for i, a in answers[1:]), f"after the reconnection: {answers}")


def read_responses(sock, n):
    """n HTTP/1.1 responses with Content-Length from sock: [(status, body)]."""
    buf, out = b"", []
    while len(out) < n:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                return out
            buf += chunk
        head, buf = buf.split(b"\r\n\r\n", 1)
        length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
        while len(buf) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return out
            buf += chunk
        out.append((int(head.split()[1]), buf[:length].decode()))
        buf = buf[length:]
    return out


def order():
    """Pipelined requests whose views wait for the database are answered in
    the order they were sent."""
    snap = world()
    paths = [f"/get?id={500 + i}" if i % 3 else "/bad" for i in range(30)]
    want = [str(snap[500 + i]) if i % 3 else "error then 42" for i in range(30)]
    s = socket.create_connection((host, port), timeout=60)
    s.sendall(b"".join(f"GET {p} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode() for p in paths))
    got = read_responses(s, len(paths))
    s.close()
    check([b for _, b in got] == want, f"pipelined answers out of order: {got[:5]}...")
    # A request that arrives while the one before it waits for the database.
    s = socket.create_connection((host, port), timeout=60)
    s.sendall(b"GET /sleep?ms=200 HTTP/1.1\r\nHost: localhost\r\n\r\n")
    for _ in range(1000):
        if psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'").strip() != "0":
            break
    s.sendall(b"GET /get?id=7 HTTP/1.1\r\nHost: localhost\r\n\r\n")
    got = read_responses(s, 2)
    s.close()
    check(got == [(200, "slept"), (200, str(snap[7]))], f"a request sent during a wait: {got}")
    # A client that half-closes right after its request still gets the
    # answer of a view that waits.
    for path, want in (("/sleep?ms=50", "slept"), ("/get?id=8", str(snap[8]))):
        s = socket.create_connection((host, port), timeout=60)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        s.shutdown(socket.SHUT_WR)
        got = read_responses(s, 1)
        s.close()
        check(got == [(200, want)], f"{path} then half-close: {got}")


def drain():
    """SIGTERM while a view waits for the database: its answer still comes."""
    pid = int(sys.argv[5])
    s = socket.create_connection((host, port), timeout=60)
    s.sendall(b"GET /sleep?ms=300 HTTP/1.1\r\nHost: localhost\r\n\r\n")
    for _ in range(1000):
        if psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'").strip() != "0":
            break
    os.kill(pid, signal.SIGTERM)
    got = read_responses(s, 1)
    s.close()
    check(got == [(200, "slept")], f"drain: {got}")


{"tfb": tfb, "txn": txn, "kill": kill, "order": order, "drain": drain}[mode]()
if failures:
    print(f"{len(failures)} failures", file=sys.stderr)
    sys.exit(1)
print(f"fiber_pg {mode}: ok")
