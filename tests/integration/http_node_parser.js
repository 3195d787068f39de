// Feeds raw requests (hex, one per line on stdin) to Node's own HTTP parser
// through an http.Server on a loopback port and prints, per request, a JSON
// line like tests/http/http_parsedump.c does.
'use strict';
const http = require('http');
const net = require('net');

const lines = require('fs').readFileSync(0, 'latin1').split('\n').filter((l) => l.length);
const results = new Map();

// A request is recorded when its head is parsed and completed at 'end';
// a parse error before that end rejects it (a later error belongs to the
// next request on the connection and is ignored).
const server = http.createServer({ insecureHTTPParser: false }, (req, res) => {
  const key = req.socket.remotePort;
  if (results.has(key)) return;
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  const entry = { ok: true, method: req.method, target: req.url, headers, body: '', pending: true };
  Object.defineProperty(entry, 'req', { value: req, enumerable: false });
  results.set(key, entry);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (entry.pending) {
      entry.body = Buffer.concat(chunks).toString('hex');
      delete entry.pending;
    }
    res.end('ok');
  });
});
server.on('clientError', (err, socket) => {
  const key = socket.remotePort;
  const entry = key !== undefined ? results.get(key) : undefined;
  if (key !== undefined && !entry) {
    results.set(key, { ok: false, code: err.code });
  } else if (entry && entry.pending && !entry.req.complete) {
    results.set(key, { ok: false, code: err.code });
  } else if (entry) {
    // The request was complete: the error is the next one's; let the
    // request's 'end' deliver its body first.
    setTimeout(() => socket.destroy(), 50);
    return;
  }
  socket.destroy();
});

function runCase(hex) {
  return new Promise((resolve) => {
    const sock = net.connect(server.address().port, '127.0.0.1');
    let port;
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      setTimeout(() => {
        const r = results.get(port);
        resolve(!r || r.pending ? { incomplete: true } : r);
      }, 20);
    };
    const timer = setTimeout(done, 250);
    sock.on('connect', () => {
      port = sock.localPort;
      // Results are keyed by the client's port, and ports are reused: forget
      // what an earlier connection from the same port left behind.
      results.delete(port);
      sock.write(Buffer.from(hex, 'hex'));
    });
    sock.on('data', (d) => {
      // Node answers some errors itself (a missing Host: 400) without
      // clientError; count those as rejections.
      if (!results.has(port) && /^HTTP\/1\.1 4\d\d/.test(d.toString('latin1'))) {
        results.set(port, { ok: false, code: 'HTTP_' + d.toString('latin1').slice(9, 12) });
      }
      setTimeout(done, 80);
    });
    sock.on('error', () => {});
    sock.on('close', done);
  });
}

server.listen(0, '127.0.0.1', async () => {
  const out = [];
  for (const l of lines) out.push(JSON.stringify(await runCase(l)));
  process.stdout.write(out.join('\n') + '\n');
  server.close();
  process.exit(0);
});
