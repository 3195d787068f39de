"""Process model: a crashing view costs only its worker, SIGHUP reloads
without dropping connections, SIGTERM drains in-flight requests, unix
sockets and IPv6 listen."""
import os
import signal
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from http_lib import Conn, Server, check, finish, get, request  # noqa: E402


def crash():
    with Server("--workers", "2", "--threads", "2", crashes=True) as srv:
        port = srv.port
        try:
            get(port, "/crash")
            crashed = False
        except (EOFError, OSError):
            crashed = True
        check(crashed, "crashing view drops its connection")
        ok = 0
        deadline = time.time() + 3
        while time.time() < deadline and ok < 20:
            try:
                if get(port, "/")[0] == 200:
                    ok += 1
            except (EOFError, OSError):
                time.sleep(0.05)
        check(ok == 20, "requests after a crash succeed")
        time.sleep(0.3)
        log = srv.log()
        # Under AddressSanitizer the SEGV handler aborts instead (signal 6).
        check("died: signal 11 (Segmentation fault)" in log or "died: signal 6 (Aborted)" in log,
              "worker death logged with its signal")
        pids = set()
        for _ in range(40):
            pids.add(get(port, "/pid")[2])
        check(len(pids) >= 1, "workers serving after restart (%d pids)" % len(pids))


def reload_and_drain():
    with Server("--workers", "2", "--threads", "1") as srv:
        port = srv.port
        errors = []
        stop = threading.Event()
        count = [0]

        def load():
            while not stop.is_set():
                try:
                    st, _, _ = get(port, "/")
                    if st != 200:
                        errors.append(st)
                    count[0] += 1
                except Exception as e:  # noqa: BLE001
                    errors.append(repr(e))
        def keepalive_load():
            c = None
            while not stop.is_set():
                try:
                    if c is None:
                        c = Conn(port)
                    c.send(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    st, h, _ = c.response()
                    if st != 200:
                        errors.append(st)
                    count[0] += 1
                    if h.get("connection") == "close":
                        c.close()
                        c = None
                except Exception as e:  # noqa: BLE001
                    errors.append("keep-alive: " + repr(e))
                    c = None
            if c:
                c.close()
        ts = [threading.Thread(target=load) for _ in range(3)]
        ts += [threading.Thread(target=keepalive_load) for _ in range(3)]
        for t in ts:
            t.start()
        # An in-flight slow request across the reload.
        slow = Conn(port)
        slow.send(b"GET /sleep?ms=800 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        time.sleep(0.2)
        before = {get(port, "/pid")[2] for _ in range(20)}
        srv.signal(signal.SIGHUP)
        st, _, b = slow.response()
        check(st == 200 and b == b"slept", "in-flight request finishes across SIGHUP")
        slow.close()
        time.sleep(1.0)
        after = {get(port, "/pid")[2] for _ in range(20)}
        stop.set()
        for t in ts:
            t.join()
        check(not errors, "no request failed during SIGHUP reload (%d requests, errors %r)" % (count[0], errors[:3]))
        check(not (before & after), "new workers after SIGHUP")
        # SIGTERM with a request in flight: it completes, then the server exits.
        slow = Conn(port)
        slow.send(b"GET /sleep?ms=700 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        time.sleep(0.2)
        srv.signal(signal.SIGTERM)
        time.sleep(0.1)
        refused = False
        try:
            get(port, "/")
        except (OSError, EOFError):
            refused = True
        st, h, b = slow.response()
        check(st == 200 and b == b"slept" and h.get("connection") == "close",
              "SIGTERM lets the in-flight request finish")
        check(refused, "no new connection accepted after SIGTERM")
        try:
            srv.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001
            pass
        check(srv.proc.returncode == 0, "server exits 0 after SIGTERM")


def unix_and_ipv6():
    path = os.path.join(tempfile.mkdtemp(), "mn.sock")
    # Server() waits for a TCP port; bind TCP too and talk to the unix socket.
    with Server("unix:" + path, "[::1]:0", "--workers", "1", "--threads", "2") as srv:
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        data = b""
        while b"Hello, World!" not in data:
            d = s.recv(4096)
            if not d:
                break
            data += d
        check(data.startswith(b"HTTP/1.1 200") and b"Hello, World!" in data, "unix socket")
        s.close()
        import re
        m = re.search(r"Listening at: http://\[::1\]:(\d+)", srv.log())
        ok = False
        if m:
            s6 = socket.create_connection(("::1", int(m.group(1))))
            s6.sendall(b"GET / HTTP/1.1\r\nHost: [::1]\r\n\r\n")
            ok = s6.recv(4096).startswith(b"HTTP/1.1 200")
            s6.close()
        check(ok, "IPv6 loopback")
    check(not os.path.exists(path), "unix socket removed at exit")


def fd_exhaustion():
    with Server("--workers", "1", "--threads", "1", "--no-access-log", nofile=64) as srv:
        port = srv.port
        socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
        time.sleep(0.5)
        for s in socks[:70]:
            s.close()
        time.sleep(1.5)
        st = get(port, "/")[0]
        check(st == 200, "server recovers after running out of descriptors")
        check("pausing for 1 s" in srv.log(), "descriptor exhaustion logged")
        for s in socks[70:]:
            s.close()


if __name__ == "__main__":
    fd_exhaustion()
    crash()
    reload_and_drain()
    unix_and_ipv6()
    finish()
