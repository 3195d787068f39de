"""Functional tests of the HTTP server over real sockets."""
import os
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from http_lib import Conn, Server, check, finish, get, request  # noqa: E402

H = b"Host: localhost\r\n"


def main():
    with Server("--workers", "1", "--threads", "2", "--max-body", "100000",
                "--header-timeout", "1500", "--body-timeout", "2000", "--keepalive", "3000", "--file-mem", "1000",
                "--max-fields", "50") as srv:
        port = srv.port
        basics(port)
        keepalive_and_pipelining(port)
        bodies(port)
        limits(port)
        responses(port)
        forms(port)
        concurrency(port)
        slow_clients(port)
        check("Invalid HTTP_HOST header: 'evil.com'. You may need to add 'evil.com' to ALLOWED_HOSTS."
              in srv.log(), "DisallowedHost logged to the error log")


def basics(port):
    st, h, b = get(port, "/")
    check(st == 200 and b == b"Hello, World!", "GET / answers Hello, World!")
    check(h.get("content-length") == "13", "Content-Length set")
    check(h.get("server") == "Manouche", "Server header")
    check(h.get("date", "").endswith("GMT"), "Date header")
    st, h, b = get(port, "/nope")
    check(st == 404 and b"Not Found" in b, "404 page")
    st, h, b = request(port, b"GET /x HTTP/1.1\r\nHost: evil.com\r\n\r\n")
    check(st == 400, "Host not in ALLOWED_HOSTS gives 400")
    st, h, b = request(port, b"GET /echo?a=1&a=2 HTTP/1.0\r\n\r\n")
    check(st == 200 and b"GET a=1\nGET a=2\n" in b, "HTTP/1.0 without Host")
    st, h, b = get(port, "/echo/%C3%A9t%C3%A9")
    check(st == 200 and "path=/echo/été\n".encode() in b, "path is percent-decoded UTF-8")
    st, _, _ = get(port, "/%C3%28")
    check(st == 400, "invalid UTF-8 in the path gives 400")
    st, _, _ = get(port, "/a%00b")
    check(st == 400, "NUL in the path gives 400")
    c = Conn(port)
    c.send(b"HEAD / HTTP/1.1\r\n" + H + b"\r\n")
    st, h, b = c.response(head_only=True)
    check(st == 200 and h.get("content-length") == "13" and b == b"", "HEAD has length, no body")
    c.send(b"GET / HTTP/1.1\r\n" + H + b"\r\n")
    st, _, b = c.response()
    check(st == 200 and b == b"Hello, World!", "request after HEAD on same connection")
    c.close()
    st, h, b = get(port, "/null")
    check(st == 500, "handler returning NULL gives 500")
    st, h, b = get(port, "/redirect")
    check(st == 302 and h.get("location") == "/", "redirect")
    st, h, b = get(port, "/echo", b"X-Forwarded-Proto: https\r\n")
    check(b"secure=0" in b, "proxy header ignored unless configured")


def keepalive_and_pipelining(port):
    c = Conn(port)
    ok = True
    for i in range(20):
        c.send(b"GET / HTTP/1.1\r\n" + H + b"\r\n")
        st, _, b = c.response()
        ok = ok and st == 200 and b == b"Hello, World!"
    check(ok, "20 requests on one keep-alive connection")
    reqs = b"".join(b"GET /echo?i=%d HTTP/1.1\r\n" % i + H + b"\r\n" for i in range(16))
    c.send(reqs)
    order = []
    for i in range(16):
        st, _, b = c.response()
        order.append(b"GET i=%d\n" % i in b)
    check(all(order), "pipelining 16 deep, responses in order")
    # Pipelined requests split at awkward places.
    blob = reqs
    for k in range(0, len(blob), 7):
        c.send(blob[k:k + 7])
    good = all(b"GET i=%d\n" % i in c.response()[2] for i in range(16))
    check(good, "pipelined requests arriving 7 bytes at a time")
    mixed = (b"GET /big?n=100000 HTTP/1.1\r\n" + H + b"\r\n" + b"GET / HTTP/1.1\r\n" + H + b"\r\n"
             b"GET /stream?n=2 HTTP/1.1\r\n" + H + b"\r\n" + b"GET /echo?last=1 HTTP/1.1\r\n" + H + b"\r\n")
    c.send(mixed)
    r1, r2, r3, r4 = (c.response()[2] for _ in range(4))
    check(len(r1) == 100000 and r2 == b"Hello, World!" and r3 == b"chunk 0\nchunk 1\n" and b"GET last=1" in r4,
          "pipelined large, small, streamed and small responses stay in order")
    c.send(b"GET / HTTP/1.1\r\n" + H + b"Connection: close\r\n\r\n")
    st, h, _ = c.response()
    check(st == 200 and h.get("connection") == "close" and c.closed(), "Connection: close honoured")
    c = Conn(port)
    c.send(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    st, h, _ = c.response()
    check(h.get("connection") == "keep-alive", "HTTP/1.0 keep-alive")
    c.send(b"GET / HTTP/1.0\r\n\r\n")
    st, h, _ = c.response()
    check(st == 200 and c.closed(), "HTTP/1.0 without keep-alive closes")
    c = Conn(port)
    c.send(b"GET /big?n=200000 HTTP/1.1\r\n" + H + b"\r\n")
    c.sock.shutdown(socket.SHUT_WR)
    st, _, b = c.response()
    check(st == 200 and len(b) == 200000, "client half-closing after its request gets the whole response")
    c.close()


def bodies(port):
    st, _, b = request(port, b"POST /body HTTP/1.1\r\n" + H + b"Content-Length: 5\r\n\r\nhello")
    check(b == b"hello", "Content-Length body")
    chunked = (b"POST /body HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n"
               b"5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: x\r\n\r\n")
    st, _, b = request(port, chunked)
    check(st == 200 and b == b"hello world", "chunked request body with extension and trailer")
    c = Conn(port)
    for k in range(0, len(chunked), 3):
        c.send(chunked[k:k + 3])
        time.sleep(0.001)
    st, _, b = c.response()
    check(b == b"hello world", "chunked body arriving 3 bytes at a time")
    big = os.urandom(60000)
    c.send(b"POST /body HTTP/1.1\r\n" + H + b"Content-Length: %d\r\n\r\n" % len(big) + big)
    st, _, b = c.response()
    check(b == big, "60 kB body echoed (writev path)")
    c.close()
    # Expect: 100-continue
    c = Conn(port)
    c.send(b"POST /body HTTP/1.1\r\n" + H + b"Expect: 100-continue\r\nContent-Length: 4\r\n\r\n")
    st, _, _ = c.response(head_only=True)
    check(st == 100, "100 Continue before the body")
    c.send(b"data")
    st, _, b = c.response()
    check(st == 200 and b == b"data", "body after 100 Continue")
    c.send(b"POST /body HTTP/1.1\r\n" + H + b"Expect: 100-continue\r\nContent-Length: 999999\r\n\r\n")
    st, _, _ = c.response()
    check(st == 413, "100-continue with a too large body gets 413 at once")
    c.close()
    st, _, _ = request(port, b"POST /body HTTP/1.1\r\n" + H + b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\nok")
    check(st == 200, "Expect with the body already sent")


def limits(port):
    st, _, _ = request(port, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + H + b"\r\n")
    check(st == 414, "long request line gives 414")
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(150))
    st, _, _ = request(port, b"GET / HTTP/1.1\r\n" + H + many + b"\r\n")
    check(st == 431, "too many headers gives 431")
    st, _, _ = request(port, b"GET / HTTP/1.1\r\n" + H + b"X-Big: " + b"v" * 20000 + b"\r\n\r\n")
    check(st == 431, "too large header section gives 431")
    st, _, _ = request(port, b"POST /body HTTP/1.1\r\n" + H + b"Content-Length: 100001\r\n\r\n")
    check(st == 413, "Content-Length over the limit gives 413")
    c = Conn(port)
    c.send(b"POST /body HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n")
    for _ in range(30):
        try:
            c.send(b"1000\r\n" + b"x" * 4096 + b"\r\n")
        except OSError:
            break
    st, _, _ = c.response()
    check(st == 413, "chunked body over the limit gives 413")
    c.close()
    smuggling = [
        b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: localhost\r\nX: a\r\n b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost : localhost\r\n\r\n",
        b"GET / HTTP/1.1\r\n\r\n",
        b"G@T / HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: localhost\r\nX: a\x00b\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ]
    results = []
    for raw in smuggling:
        c = Conn(port)
        c.send(raw)
        st, h, _ = c.response()
        results.append(st == 400 and h.get("connection") == "close" and c.closed())
        c.close()
    check(all(results), "smuggling vectors get 400 and the connection closed (%s)" % results)
    st, _, _ = request(port, b"GET / HTTP/2.0\r\nHost: localhost\r\n\r\n")
    check(st == 505, "HTTP/2.0 request line gets 505")


def responses(port):
    c = Conn(port)
    c.send(b"GET /stream?n=4 HTTP/1.1\r\n" + H + b"\r\n")
    st, h, b = c.response()
    check(h.get("transfer-encoding") == "chunked" and b == b"chunk 0\nchunk 1\nchunk 2\nchunk 3\n",
          "streaming response is chunked")
    c.send(b"GET / HTTP/1.1\r\n" + H + b"\r\n")
    check(c.response()[2] == b"Hello, World!", "keep-alive after a streaming response")
    c.close()
    st, h, b = request(port, b"GET /stream?n=2 HTTP/1.0\r\n\r\n")
    check(b == b"chunk 0\nchunk 1\n" and "transfer-encoding" not in h, "HTTP/1.0 stream is close-delimited")
    st, h, b = get(port, "/big?n=300000")
    check(st == 200 and len(b) == 300000 and b[:3] == b"abc", "300 kB memory body")
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as f:
        data = bytes(range(256)) * 4000
        f.write(data)
        path = f.name
    try:
        st, h, b = get(port, "/file?path=" + path)
        check(st == 200 and b == data and h.get("content-type") == "text/plain", "file response via sendfile")
        check(h.get("content-disposition", "").startswith('inline; filename="'), "Content-Disposition inline")
        check(h.get("accept-ranges") == "bytes" and "last-modified" in h, "Accept-Ranges and Last-Modified")
        st, h, b = get(port, "/file?path=" + path, b"Range: bytes=10-19\r\n")
        check(st == 206 and b == data[10:20] and h.get("content-range") == "bytes 10-19/%d" % len(data),
              "Range request gives 206")
        st, h, b = get(port, "/file?path=" + path, b"Range: bytes=-5\r\n")
        check(st == 206 and b == data[-5:], "suffix Range")
        st, h, b = get(port, "/file?path=" + path, b"Range: bytes=99999999-\r\n")
        check(st == 416 and h.get("content-range") == "bytes */%d" % len(data), "unsatisfiable Range gives 416")
        byteranges(port, path, data)
        st, h, b = get(port, "/file?path=" + path + "&attach=1")
        check(h.get("content-disposition", "").startswith("attachment;"), "attachment disposition")
        st, _, _ = get(port, "/file?path=/nonexistent/x")
        check(st == 404, "missing file gives 404")
    finally:
        os.unlink(path)
    st, h, b = get(port, "/cookies", b"Cookie: session=abc; other=1\r\n")
    raw = request(port, b"GET /cookies HTTP/1.1\r\n" + H + b"\r\n")
    check(b == b"session=abc", "request cookie read")
    c = Conn(port)
    c.send(b"GET /cookies HTTP/1.1\r\n" + H + b"\r\n")
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += c.sock.recv(4096)
    cookies = [line for line in buf.split(b"\r\n") if line.startswith(b"Set-Cookie:")]
    check(len(cookies) == 2 and cookies[0] == b"Set-Cookie: a=1; Path=/" and
          cookies[1].startswith(b'Set-Cookie: b="two words"; expires=') and
          cookies[1].endswith(b"; HttpOnly; Max-Age=60; Path=/; SameSite=Lax"),
          "Set-Cookie lines sorted and formatted like Django: %r" % cookies)
    c.close()
    del raw


def forms(port):
    body = b"a=1&b=%C3%A9&a=2&c"
    st, _, b = request(port, b"POST /echo HTTP/1.1\r\n" + H +
                       b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    check("POST a=1\nPOST b=é\nPOST a=2\nPOST c=\n".encode() in b, "urlencoded form")
    many = b"&".join(b"f%d=1" % i for i in range(60))
    st, _, b = request(port, b"POST /echo HTTP/1.1\r\n" + H +
                       b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(many) + many)
    check(b"error=The number of GET/POST parameters exceeded" in b, "DATA_UPLOAD_MAX_NUMBER_FIELDS enforced")
    before = {f for f in os.listdir(tempfile.gettempdir()) if f.startswith("mn-upload-")}
    big = b"B" * 5000
    mp = (b"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n"
          b"--XyZ\r\nContent-Disposition: form-data; name=\"small\"; filename=\"a.txt\"\r\n"
          b"Content-Type: text/plain\r\n\r\nsmall file\r\n"
          b"--XyZ\r\nContent-Disposition: form-data; name=\"big\"; filename=\"C:\\\\dir\\\\b.bin\"\r\n"
          b"Content-Type: application/octet-stream\r\n\r\n" + big + b"\r\n--XyZ--\r\n")
    st, _, b = request(port, b"POST /echo HTTP/1.1\r\n" + H +
                       b"Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: %d\r\n\r\n" % len(mp) + mp)
    check(b"POST title=hello\n" in b, "multipart field")
    check(b"FILE small=a.txt size=10 memory\n" in b, "small upload stays in memory")
    check(b"FILE big=b.bin size=5000 disk\n" in b, "large upload spilled to a temporary file")
    leftovers = [f for f in os.listdir(tempfile.gettempdir())
                 if f.startswith("mn-upload-") and f not in before]
    check(not leftovers, "temporary upload files deleted after the request")


def byteranges(port, path, data):
    """Several ranges: multipart/byteranges shaped like nginx's; If-Range."""
    st, h, b = get(port, "/file?path=" + path, b"Range: bytes=0-3, 10-12,-2\r\n")
    ct = h.get("content-type", "")
    check(st == 206 and ct.startswith("multipart/byteranges; boundary="), "several ranges: 206 multipart")
    bd = ct.split("boundary=")[1].encode()
    want = b""
    for a, z in ((0, 3), (10, 12), (len(data) - 2, len(data) - 1)):
        want += (b"\r\n--" + bd + b"\r\nContent-Type: text/plain\r\nContent-Range: bytes %d-%d/%d\r\n\r\n"
                 % (a, z, len(data)) + data[a:z + 1])
    want += b"\r\n--" + bd + b"--\r\n"
    check(b == want and int(h["content-length"]) == len(want) and len(bd) == 20 and bd.isdigit(),
          "multipart/byteranges body in nginx's layout (%r)" % b[:120])
    st, h, b = get(port, "/file?path=" + path, b"Range: bytes=0-3,%d-\r\n" % (len(data) + 5))
    check(st == 206 and b == data[:4] and h.get("content-range") == "bytes 0-3/%d" % len(data),
          "an unsatisfiable range among others is dropped")
    st, h, b = get(port, "/file?path=" + path, b"Range: bytes=0-,0-\r\n")
    check(st == 200 and b == data, "ranges adding up to more than the file: the whole file")
    many = b",".join(b"%d-%d" % (i, i) for i in range(65))
    st, h, b = get(port, "/file?path=" + path, b"Range: bytes=" + many + b"\r\n")
    check(st == 200 and b == data, "more than 64 ranges: the whole file")
    c = Conn(port)
    c.send(b"GET /file?path=" + path.encode() + b" HTTP/1.1\r\n" + H + b"Range: bytes=1-2,4-5\r\n\r\n"
           b"HEAD /file?path=" + path.encode() + b" HTTP/1.1\r\n" + H + b"Range: bytes=1-2,4-5\r\n\r\n"
           b"GET / HTTP/1.1\r\n" + H + b"\r\n")
    st1, h1, b1 = c.response()
    st2, h2, b2 = c.response(head_only=True)
    st3, _, b3 = c.response()
    check(st1 == 206 and b1.endswith(b"--\r\n") and st2 == 206 and
          h2.get("content-length") == h1.get("content-length") and st3 == 200 and b3 == b"Hello, World!",
          "multipart ranges keep the connection in step (GET, HEAD, next request)")
    c.close()
    st, h, _ = get(port, "/file?path=" + path)
    lm = h["last-modified"].encode()
    st, h, b = get(port, "/file?path=" + path, b"Range: bytes=1-2\r\nIf-Range: " + lm + b"\r\n")
    check(st == 206 and b == data[1:3], "If-Range with the current Last-Modified: 206")
    st, h, b = get(port, "/file?path=" + path, b"Range: bytes=1-2\r\nIf-Range: Mon, 01 Jan 2001 00:00:00 GMT\r\n")
    check(st == 200 and b == data, "If-Range with another date: the whole file")
    st, h, b = get(port, "/file?path=" + path, b"Range: bytes=1-2\r\nIf-Range: \"abc\"\r\n")
    check(st == 200 and b == data, "If-Range with an entity tag (none sent): the whole file")


def concurrency(port):
    conns = []
    try:
        for _ in range(2000):
            conns.append(Conn(port, timeout=20))
        for c in conns:
            c.send(b"GET / HTTP/1.1\r\n" + H + b"\r\n")
        ok = sum(1 for c in conns if c.response()[2] == b"Hello, World!")
        check(ok == len(conns), "2000 concurrent keep-alive connections all answered (%d)" % ok)
    finally:
        for c in conns:
            c.close()
    errors = []

    def worker():
        try:
            for _ in range(50):
                st, _, _ = get(port, "/")
                if st != 200:
                    errors.append(st)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
    ts = [threading.Thread(target=worker) for _ in range(20)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(not errors, "20 threads x 50 fresh connections")


def slow_clients(port):
    half = []
    for i in range(100):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: local")  # never finishes
        half.append(s)
    t0 = time.time()
    st, _, _ = get(port, "/")
    dt = time.time() - t0
    check(st == 200 and dt < 0.5, "100 half-open connections do not delay a request (%.3fs)" % dt)
    # Header timeout: the server answers 408 and closes.
    s = half[0]
    s.settimeout(5)
    data = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
    except socket.timeout:
        pass
    check(data.startswith(b"HTTP/1.1 408"), "slow header gets 408 after the header timeout")
    for s in half:
        s.close()
    # A slow body (one byte at a time) also ends at the body timeout only;
    # here it completes in time.
    c = Conn(port)
    c.send(b"POST /body HTTP/1.1\r\n" + H + b"Content-Length: 5\r\n\r\n")
    for ch in b"slow!":
        c.send(bytes([ch]))
        time.sleep(0.05)
    check(c.response()[2] == b"slow!", "slow body within the timeout")
    c.close()
    c = Conn(port)
    c.send(b"POST /body HTTP/1.1\r\n" + H + b"Content-Length: 100\r\n\r\npartial")
    t0 = time.time()
    st, h, _ = c.response()
    check(st == 408 and c.closed() and 1.5 < time.time() - t0 < 4, "stalled body gets 408 at the body timeout")
    c.close()
    st, _, _ = request(port, b"POST /body HTTP/1.1\r\n" + H + b"Expect: tea\r\n\r\n")
    check(st == 417, "unknown Expect gets 417")


if __name__ == "__main__":
    main()
    finish()
