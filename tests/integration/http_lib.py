"""Helpers for the HTTP integration tests: start the test server on a free
loopback port (it binds port 0 and logs the port it got), talk raw HTTP over
sockets, and always stop the server."""
import os
import re
import signal
import socket
import subprocess
import sys
import time

BUILD = os.environ.get("MN_BUILD", "build")
SERVER = os.path.join(BUILD, "tests", "http_testserver")


class Server:
    def __init__(self, *args, binary=SERVER, addr="127.0.0.1:0", log=None, crashes=False,
                 nofile=None):
        self.crashes = crashes
        self.log_path = log or "/tmp/mn_http_test_%d.log" % os.getpid()
        self.logf = open(self.log_path, "w+")
        def limits():
            if nofile:
                import resource
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        self.proc = subprocess.Popen([binary, addr] + list(args), stdout=subprocess.DEVNULL,
                                     stderr=self.logf, start_new_session=True, preexec_fn=limits)
        self.port = None
        deadline = time.time() + 10
        while time.time() < deadline:
            m = re.search(r"Listening at: http://[^ ]*:(\d+)", self.log())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.port:
            self.stop()
            raise RuntimeError("server did not start:\n" + self.log())
        # The workers bind nothing themselves but need a moment to fork.
        wait_ok(self.port)

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.logf.close()
        # Sanitizer builds: any report from the server processes fails the
        # test (the crash test's deliberate SEGV excepted).
        log = self.log()
        if self.crashes:
            reports = [l for l in log.splitlines()
                       if "runtime error:" in l or "LeakSanitizer" in l
                       or ("ERROR: AddressSanitizer" in l and "SEGV" not in l)]
        else:
            reports = [l for l in log.splitlines() if "Sanitizer" in l or "runtime error:" in l]
        check(not reports, "no sanitizer report from the server (%s)" % reports[:3])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def connect(port, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_response(sock, head_only=False):
    """Reads one response; returns (status, headers dict lower-case, body)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed before a response: %r" % buf)
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        headers.setdefault(k.strip().lower(), v.strip())
    if head_only or status in (100, 204, 304):
        sock._mn_rest = rest
        return status, headers, b""
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(rest) < n:
            chunk = sock.recv(65536)
            if not chunk:
                raise EOFError("short body")
            rest += chunk
        body, extra = rest[:n], rest[n:]
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += sock.recv(65536)
            size_line, rest = rest.split(b"\r\n", 1)
            size = int(size_line, 16)
            while len(rest) < size + 2:
                rest += sock.recv(65536)
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                break
        extra = rest
    else:
        body = rest
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        extra = b""
    sock._mn_rest = extra
    return status, headers, body


class Conn:
    """A connection that keeps bytes read past one response for the next."""

    def __init__(self, port, timeout=5):
        self.sock = connect(port, timeout)
        self.rest = b""

    def send(self, data):
        self.sock.sendall(data)

    def response(self, head_only=False):
        sock = self.sock
        pending = self.rest

        class Wrapped:
            def __init__(self):
                self.pending = pending

            def recv(self, n):
                if self.pending:
                    p, self.pending = self.pending, b""
                    return p
                return sock.recv(n)

        w = Wrapped()
        r = read_response(w, head_only)
        self.rest = w._mn_rest
        return r

    def closed(self, timeout=3):
        """True when the server closed the connection (EOF)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def request(port, raw, timeout=5):
    c = Conn(port, timeout)
    try:
        c.send(raw)
        return c.response()
    finally:
        c.close()


def get(port, path, headers=b""):
    return request(port, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\n" + headers + b"\r\n")


def wait_ok(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            st, _, _ = get(port, "/")
            if st == 200:
                return
        except OSError:
            pass
        except EOFError:
            pass
        time.sleep(0.05)
    raise RuntimeError("server not answering on %d" % port)


failures = []


def check(cond, what):
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        failures.append(what)


def finish():
    if failures:
        print("%d failures" % len(failures))
        sys.exit(1)
    print("all passed")
