"""Opens N keep-alive connections to a server, sends one request on each and
reads the answer (so every connection has been served and now sits idle),
then prints the resident memory of the given process group in kB."""
import os
import selectors
import socket
import sys
import time


def rss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def group_pids(pgid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.getpgid(int(d)) == pgid:
                    out.append(int(d))
            except OSError:
                pass
    return out


def main():
    port, n, pgid, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    before = rss_kb(group_pids(pgid))
    socks = []
    sel = selectors.DefaultSelector()
    req = ("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path).encode()
    for i in range(n):
        s = socket.socket()
        s.setblocking(True)
        s.connect(("127.0.0.1", port))
        s.sendall(req)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        socks.append(s)
    answered = 0
    deadline = time.time() + 60
    while answered < n and time.time() < deadline:
        for key, _ in sel.select(timeout=1):
            data = key.fileobj.recv(4096)
            if data:
                answered += 1
                sel.unregister(key.fileobj)
    time.sleep(1)
    pids = group_pids(pgid)
    after = rss_kb(pids)
    print("connections=%d answered=%d processes=%d rss_before_kb=%d rss_after_kb=%d"
          % (n, answered, len(pids), before, after))
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
