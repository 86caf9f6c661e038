// The Node peer: fastify 5 + @fastify/reply-from 12 (undici 7), the fastest Node proxy
// in shared/research/performance.md. Round robin over the backends: reply-from turns a
// `base` array with more than one entry into an undici BalancedPool.
// Usage: node bench/peers/fastify-peer.mjs <port> <backend-url> [<backend-url> ...]
import Fastify from 'fastify';
import replyFrom from '@fastify/reply-from';

const port = Number(process.argv[2]);
const bases = process.argv.slice(3);
if (!Number.isInteger(port) || bases.length === 0) {
  console.error('usage: node bench/peers/fastify-peer.mjs <port> <backend-url> [...]');
  process.exit(2);
}

const app = Fastify({ logger: false });
// Pass request bodies through untouched instead of parsing them.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_req, _payload, done) => done(null));

await app.register(replyFrom, { base: bases.length === 1 ? bases[0] : bases });

const HOP_BY_HOP = ['connection', 'keep-alive'];

app.all('/*', (request, reply) => {
  reply.from(undefined, {
    rewriteRequestHeaders: (req, headers) => {
      // remoteAddress is undefined once the client has gone away: never put it in a header then.
      const ip = req.socket?.remoteAddress;
      const prior = headers['x-forwarded-for'];
      if (ip) headers['x-forwarded-for'] = prior ? `${prior}, ${ip}` : ip;
      headers['x-forwarded-proto'] = 'http';
      return headers;
    },
    // reply-from copies the upstream's `Connection: keep-alive` to the client; drop hop-by-hop headers.
    rewriteHeaders: (headers) => {
      for (const h of HOP_BY_HOP) delete headers[h];
      return headers;
    },
  });
});

await app.listen({ host: '127.0.0.1', port });
console.log(`fastify-reply-from listening on 127.0.0.1:${port} -> ${bases.join(', ')}`);
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => { app.close().finally(() => process.exit(0)); setTimeout(() => process.exit(0), 1000).unref(); });
