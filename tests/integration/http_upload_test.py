"""Streamed multipart uploads (see http_upload.sh)."""
import os
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from http_lib import Conn, Server, check, finish, get  # noqa: E402

H = b"Host: localhost\r\n"
TMP = os.environ["TMPDIR"]
MB = 1 << 20
BIG = 200 * MB


def uploads():
    return [f for f in os.listdir(TMP) if f.startswith("mn-upload-")]


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def block(i):
    """The i-th MiB of the big file: pseudo-random, different for each i."""
    seed = zlib.crc32(b"%d" % i).to_bytes(4, "little")
    return (seed * (MB // 4))[:MB - 8] + i.to_bytes(8, "little")


def head(length, boundary=b"BoUnDaRy", extra=b""):
    return (b"POST /upload HTTP/1.1\r\n" + H + extra +
            b"Content-Type: multipart/form-data; boundary=" + boundary + b"\r\n"
            b"Content-Length: %d\r\n\r\n" % length)


PRE = (b"--BoUnDaRy\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nholiday\r\n"
       b"--BoUnDaRy\r\nContent-Disposition: form-data; name=\"big\"; filename=\"big.bin\"\r\n"
       b"Content-Type: application/octet-stream\r\n\r\n")
POST = b"\r\n--BoUnDaRy--\r\n"


def big_upload(port, pid):
    base = status_kb(pid, "VmRSS")
    c = Conn(port, timeout=120)
    c.send(head(len(PRE) + BIG + len(POST)) + PRE)
    crc = 0
    seen_on_disk = 0
    for i in range(BIG // MB):
        b = block(i)
        crc = zlib.crc32(b, crc)
        c.send(b)
        if i == 120:
            time.sleep(0.3)  # let the server catch up, then look at the disk
            sizes = [os.path.getsize(os.path.join(TMP, f)) for f in uploads()]
            seen_on_disk = max(sizes) if sizes else 0
    c.send(POST)
    st, _, body = c.response()
    peak = status_kb(pid, "VmHWM")
    c.close()
    check(st == 200, "200 MB upload answered (%d)" % st)
    check(b"POST title=holiday\n" in body, "form field next to the big file")
    want = b"FILE big size=%d crc=%08x disk\n" % (BIG, crc)
    check(want in body, "the file arrived intact, checksum computed by the view (%r)" % body[:200])
    check(seen_on_disk > 50 * MB, "the file is written to disk as it arrives (%d MB after 120 MB sent)"
          % (seen_on_disk // MB))
    grown = (peak - base) // 1024
    check(grown < 40, "the server's resident memory grew by %d MB only (peak %d MB)" % (grown, peak // 1024))
    time.sleep(0.2)
    check(not uploads(), "temporary file deleted at the end of the request")


def aborted(port):
    c = Conn(port, timeout=20)
    c.send(head(len(PRE) + BIG + len(POST)) + PRE)
    for i in range(20):
        c.send(block(i))
    deadline = time.time() + 5
    while not uploads() and time.time() < deadline:
        time.sleep(0.05)
    check(len(uploads()) == 1, "a temporary file exists while the upload runs")
    c.close()
    deadline = time.time() + 5
    while uploads() and time.time() < deadline:
        time.sleep(0.05)
    check(not uploads(), "an aborted upload leaves no temporary file")


def chunked_and_continue(port):
    data = b"".join(block(i) for i in range(5)) + b"tail"
    body = PRE + data + POST
    c = Conn(port, timeout=20)
    c.send(b"POST /upload HTTP/1.1\r\n" + H + b"Expect: 100-continue\r\n"
           b"Content-Type: multipart/form-data; boundary=\"BoUnDaRy\"\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n")
    st, _, _ = c.response(head_only=True)
    check(st == 100, "100 Continue before a streamed body")
    off, n = 0, 1
    while off < len(body):
        piece = body[off:off + n]
        c.send(b"%x;ext=1\r\n" % len(piece) + piece + b"\r\n")
        off += len(piece)
        n = n * 3 + 7 if n < 300000 else 1
    c.send(b"0\r\nX-Trailer: 1\r\n\r\n" + b"GET / HTTP/1.1\r\n" + H + b"\r\n")
    st, _, b = c.response()
    check(st == 200 and b"FILE big size=%d crc=%08x disk\n" % (len(data), zlib.crc32(data)) in b,
          "chunked multipart upload streamed intact (%r)" % b[:200])
    st, _, b = c.response()
    check(st == 200 and b == b"Hello, World!", "pipelined request after a streamed body")
    c.close()


def limits(port):
    field = (b"--BoUnDaRy\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n" + b"x" * 200000 +
             b"\r\n--BoUnDaRy--\r\n")
    c = Conn(port)
    c.send(head(len(field)) + field[:150000])
    st, _, _ = c.response()
    check(st == 413, "a form field over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 before the body ends (%d)" % st)
    check(c.closed(), "and the connection is closed")
    c.close()
    many = b"".join(b"--BoUnDaRy\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n" % i
                    for i in range(6)) + b"--BoUnDaRy--\r\n"
    c = Conn(port)
    c.send(head(len(many)) + many)
    st, _, _ = c.response()
    check(st == 400, "over DATA_UPLOAD_MAX_NUMBER_FIELDS: 400 (%d)" % st)
    c.close()
    files = b"".join(b"--BoUnDaRy\r\nContent-Disposition: form-data; name=\"f%d\"; filename=\"a\"\r\n\r\nv\r\n"
                     % i for i in range(8)) + b"--BoUnDaRy--\r\n"
    c = Conn(port)
    c.send(head(len(files)) + files)
    st, _, b = c.response()
    check(st == 200 and b.count(b"FILE ") == 8, "files do not count as fields")
    c.close()
    bad = b"--BoUnDaRy\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"
    c = Conn(port)
    c.send(head(len(bad)) + bad)
    st, _, b = c.response()
    check(st == 200 and b"error=multipart part is not terminated by the boundary" in b,
          "a malformed body reaches the view as an error (%r)" % b)
    c.close()
    c = Conn(port)
    c.send(b"POST /upload HTTP/1.1\r\n" + H + b"Content-Type: multipart/form-data\r\n"
           b"Content-Length: 5\r\n\r\nabcde")
    st, _, b = c.response()
    check(st == 200 and b == b"error=Invalid boundary in multipart: None\n",
          "no boundary: Django's error, the body still read (%r)" % b)
    c.close()
    c = Conn(port)
    c.send(head(10 * BIG))
    st, _, _ = c.response()
    check(st == 413, "a multipart body over FILE_UPLOAD_MAX_SIZE: 413 at once")
    c.close()


def main():
    with Server("--workers", "1", "--max-body", "100000", "--max-fields", "5",
                "--max-upload", str(BIG + MB), "--body-timeout", "20000") as srv:
        port = srv.port
        st, _, pid = get(port, "/pid")
        pid = int(pid)
        chunked_and_continue(port)
        limits(port)
        aborted(port)
        big_upload(port, pid)
        check(not uploads(), "no temporary upload file left")
    finish()


main()
