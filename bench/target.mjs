// Keep-alive backend for bench/proxy-throughput.ts (the same shape as the reference
// harness in shared/research/performance.md): plain node:http, no framework.
//   GET /status -> 200 "OK"
//   GET /       -> 200 "hello from <name>"
//   anything else -> 404
// Usage: node bench/target.mjs <port> <name>   (listens on 127.0.0.1 only)
import http from 'node:http';

const port = Number(process.argv[2]);
const name = process.argv[3] ?? 'backend';
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node bench/target.mjs <port> <name>');
  process.exit(2);
}

const hello = `hello from ${name}`;
const server = http.createServer((req, res) => {
  if (req.url === '/status') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('OK');
  } else if (req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(hello) });
    res.end(hello);
  } else {
    res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 });
    res.end('not found');
  }
});
// Proxies keep pooled upstream connections idle while other peers are measured; a
// long keep-alive timeout avoids close/reuse races at the start of their next run.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

server.listen(port, '127.0.0.1', () => console.log(`${name} listening on 127.0.0.1:${port}`));
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => process.exit(0));
