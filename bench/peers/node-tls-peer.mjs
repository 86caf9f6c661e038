// Node's own TLS ceiling for https-throughput.ts: a bare node:https server that answers
// `GET /status` with "OK" itself (no proxying, no upstream), with the bench's certificate
// and Node's defaults otherwise (TLS 1.2-1.3, session tickets on, as Albatross). What
// Albatross adds per request or per handshake is the distance from this peer.
// Usage: node bench/peers/node-tls-peer.mjs <port> <cert.pem> <key.pem>   (127.0.0.1 only)
import https from 'node:https';
import { readFileSync } from 'node:fs';

const port = Number(process.argv[2]);
const [certFile, keyFile] = process.argv.slice(3);
if (!Number.isInteger(port) || !certFile || !keyFile) {
  console.error('usage: node bench/peers/node-tls-peer.mjs <port> <cert.pem> <key.pem>');
  process.exit(2);
}

const options = { cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2' };
const server = https.createServer(options, (req, res) => {
  if (req.url === '/status') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('OK');
  } else {
    res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 });
    res.end('not found');
  }
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.listen(port, '127.0.0.1', () => console.log(`node-tls listening on 127.0.0.1:${port}`));
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => process.exit(0));
