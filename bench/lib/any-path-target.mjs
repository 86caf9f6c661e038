// bench/target.mjs for paths a listener rule matches (/api/v100/items): every path but `/`
// answers 200 "OK", as `/status` does there, so a rule-matched request costs the target what
// `/status` costs it.
//   GET /      -> 200 "hello from <name>"   (the bench's readiness check)
//   GET <else> -> 200 "OK"
// Usage: node bench/lib/any-path-target.mjs <port> <name>   (listens on 127.0.0.1 only)
import http from 'node:http';

const port = Number(process.argv[2]);
const name = process.argv[3] ?? 'backend';
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node bench/lib/any-path-target.mjs <port> <name>');
  process.exit(2);
}

const hello = `hello from ${name}`;
const server = http.createServer((req, res) => {
  if (req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(hello) });
    res.end(hello);
  } else {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('OK');
  }
});
// As in target.mjs: idle peers keep pooled upstream connections between their runs.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

server.listen(port, '127.0.0.1', () => console.log(`${name} listening on 127.0.0.1:${port}`));
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => process.exit(0));
