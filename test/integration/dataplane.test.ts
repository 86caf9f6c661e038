/*
 * The data plane in one process against scripted targets on loopback: what a client sees for
 * bodies in both directions, HEAD and 204, responses framed by connection close, informational
 * responses, and each failure of a target (refused, reset, garbage, silence) — including the
 * keep-alive race where a target closes an idle connection just as a request is sent to it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { closersAfterAll, forward, listenerSnapshot, snapshot, startDataPlane, targetGroupSnapshot } from '../helpers/dataplane.ts';
import { freePort } from '../helpers/net.ts';

const closers = closersAfterAll();

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((r) => server.close(() => r(undefined))));
  return (server.address() as net.AddressInfo).port;
}


/** A target that answers by path: /name, /echo (sha256 of the body), /big?mb=N, /nocontent, /early-hints. */
function appTarget(name: string, options: http.ServerOptions = {}): http.Server {
  const server = http.createServer(options, (req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/echo') {
      const hash = createHash('sha256');
      let bytes = 0;
      req.on('data', (c: Buffer) => {
        bytes += c.length;
        hash.update(c);
      });
      req.on('end', () => res.end(JSON.stringify({ name, bytes, sha256: hash.digest('hex'), te: req.headers['transfer-encoding'] ?? null })));
      return;
    }
    if (url.pathname === '/big') {
      const total = Number(url.searchParams.get('mb')) * 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 7);
      let sent = 0;
      res.writeHead(200, { 'content-length': total });
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    if (url.pathname === '/nocontent') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname === '/early-hints') {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.end(`after hints from ${name}`);
      return;
    }
    res.setHeader('x-target', name);
    res.end(`hello from ${name}`);
  });
  closers.push(() => server.closeAllConnections());
  return server;
}

/** A target speaking raw TCP: `onData` decides what happens to each request. */
function rawTarget(onData: (socket: net.Socket, data: Buffer) => void): net.Server {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (d) => onData(socket, d));
  });
  closers.push(() => sockets.forEach((s) => s.destroy()));
  return server;
}

/** Targets the data plane ejected (passive outlier detection), as `group key result`. */
const ejections: string[] = [];

/** A data plane with one listener forwarding to a group of the given target ports. */
async function proxyTo(ports: number[], lbAttributes: Record<string, string> = {}): Promise<number> {
  const listenPort = await freePort();
  const tg = targetGroupSnapshot(`tg-${listenPort}`, ports);
  const listener = listenerSnapshot({ port: listenPort, defaultActions: forward(tg.arn), attributes: lbAttributes });
  await startDataPlane(snapshot([tg], [listener]), closers, { onEject: (group, key, result) => ejections.push(`${group} ${key} ${result}`) });
  return listenPort;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
after(() => agent.destroy());

function request(port: number, path: string, opts: { method?: string; body?: Buffer | string; chunked?: boolean } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.chunked) headers['transfer-encoding'] = 'chunked';
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined && opts.chunked) {
      const b = Buffer.from(opts.body);
      const half = Math.floor(b.length / 2);
      req.write(b.subarray(0, half));
      req.end(b.subarray(half));
    } else {
      req.end(opts.body);
    }
  });
}

test('requests alternate between targets and target headers come back', async () => {
  const a = await listen(appTarget('a'));
  const b = await listen(appTarget('b'));
  const port = await proxyTo([a, b]);
  const names = [];
  for (let i = 0; i < 4; i++) {
    const r = await request(port, '/');
    assert.equal(r.status, 200);
    names.push(r.headers['x-target']);
  }
  assert.deepEqual(names.sort(), ['a', 'a', 'b', 'b']);
});

test('request bodies reach the target intact, with Content-Length or chunked', async () => {
  const port = await proxyTo([await listen(appTarget('a'))]);
  const body = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');
  const expected = createHash('sha256').update(body).digest('hex');
  const fixed = JSON.parse((await request(port, '/echo', { method: 'POST', body })).body.toString());
  assert.equal(fixed.bytes, body.length);
  assert.equal(fixed.sha256, expected);
  const chunked = JSON.parse((await request(port, '/echo', { method: 'PUT', body, chunked: true })).body.toString());
  assert.equal(chunked.bytes, body.length);
  assert.equal(chunked.sha256, expected);
  assert.equal(chunked.te, 'chunked');
});

test('a large response streams through completely', async () => {
  const port = await proxyTo([await listen(appTarget('a'))]);
  const r = await request(port, '/big?mb=64');
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 64 * 1024 * 1024);
});

test('HEAD gets headers without a body, 204 has none, and the connection stays usable', async () => {
  const port = await proxyTo([await listen(appTarget('a'))]);
  const head = await request(port, '/', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  const empty = await request(port, '/nocontent');
  assert.equal(empty.status, 204);
  assert.equal((await request(port, '/')).body.toString(), 'hello from a');
});

test('informational responses before the real one are not passed on as the response', async () => {
  const port = await proxyTo([await listen(appTarget('a'))]);
  const r = await request(port, '/early-hints');
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'after hints from a');
});

test('a response framed by closing the connection is delivered whole', async () => {
  const target = rawTarget((socket) => {
    socket.end('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end');
  });
  const port = await proxyTo([await listen(target)]);
  const r = await request(port, '/');
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'until the end');
});

test('a target that resets gets 502 saying so', async () => {
  const port = await proxyTo([await listen(rawTarget((socket) => socket.resetAndDestroy()))]);
  const r = await request(port, '/');
  assert.equal(r.status, 502);
  assert.match(r.body.toString(), /closed the connection/);
});

test('a target that answers garbage gets 502 saying so', async () => {
  const port = await proxyTo([await listen(rawTarget((socket) => socket.end('SSH-2.0-OpenSSH\r\n\r\n')))]);
  const r = await request(port, '/');
  assert.equal(r.status, 502);
  assert.match(r.body.toString(), /not valid HTTP/);
});

test('a target that never answers gets 504 after the idle timeout', async () => {
  const port = await proxyTo([await listen(rawTarget(() => undefined))], { 'idle_timeout.timeout_seconds': '1' });
  const r = await request(port, '/');
  assert.equal(r.status, 504);
  assert.match(r.body.toString(), /did not respond within the idle timeout/);
});

test('a refused connection is retried on another target: the client sees no error', async () => {
  const alive = await listen(appTarget('alive'));
  const dead = await freePort();
  const port = await proxyTo([dead, alive]);
  for (let i = 0; i < 6; i++) {
    const r = await request(port, '/');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'hello from alive');
  }
});

test('a target closing idle keep-alive connections at once never costs a request', async () => {
  // keepAliveTimeout of 1 ms: every pooled connection is closed by the target right after use.
  const port = await proxyTo([await listen(appTarget('a', { keepAliveTimeout: 1 }))]);
  for (let i = 0; i < 200; i++) {
    const r = await request(port, '/');
    assert.equal(r.status, 200, `request ${i}: ${r.body.toString()}`);
    if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
  }
});

test('a target that refuses is ejected at once and reported for every worker', async () => {
  const alive = await listen(appTarget('alive'));
  const dead = await freePort();
  const port = await proxyTo([dead, alive]);
  for (let i = 0; i < 4; i++) assert.equal((await request(port, '/')).status, 200);
  assert.ok(ejections.some((e) => e.endsWith(`127.0.0.1:${dead} ECONNREFUSED`)), ejections.join('\n'));
});

test('a target dying after the request was sent: GET goes to another target, POST gets 502 and is not sent twice', async () => {
  let dyingSaw = 0;
  const dying = rawTarget((socket, data) => {
    dyingSaw++;
    void data;
    socket.resetAndDestroy();
  });
  const dyingPort = await listen(dying);
  const alive = await listen(appTarget('alive'));
  const port = await proxyTo([dyingPort, alive]);
  // The first request goes to the dying target (round robin starts there) and is retried.
  const get = await request(port, '/');
  assert.equal(get.status, 200);
  assert.equal(get.body.toString(), 'hello from alive');

  const port2 = await proxyTo([await listen(rawTarget((socket) => {
    dyingSaw++;
    socket.resetAndDestroy();
  })), alive]);
  const seenBefore = dyingSaw;
  const post = await request(port2, '/echo', { method: 'POST', body: 'order #1' });
  assert.equal(post.status, 502);
  assert.equal(dyingSaw - seenBefore, 1, 'the POST reached the dying target once and was not retried');
});

/** Resolves with the milliseconds until the server closes `socket`; rejects after `limitMs`. */
function closedWithin(socket: net.Socket, limitMs: number): Promise<number> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`still open after ${limitMs} ms`)), limitMs);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(Date.now() - start);
    });
  });
}

test('the idle timeout closes a client connection that sends nothing, and one idle after its response, but not a busy one', async () => {
  const port = await proxyTo([await listen(appTarget('a'))], { 'idle_timeout.timeout_seconds': '1' });

  const silent = net.connect(port, '127.0.0.1');
  const silentClosed = closedWithin(silent, 10_000);

  const idleAfterResponse = net.connect(port, '127.0.0.1');
  let answered = '';
  idleAfterResponse.on('data', (c: Buffer) => (answered += c.toString('latin1')));
  idleAfterResponse.write('GET / HTTP/1.1\r\nHost: lb\r\n\r\n');
  const idleClosed = closedWithin(idleAfterResponse, 10_000);

  // A connection that sends a request every 300 ms for 2.5 s is never idle for a second.
  const busy = net.connect(port, '127.0.0.1');
  let busyResponses = 0;
  let busyClosed = false;
  busy.on('data', (c: Buffer) => (busyResponses += c.toString('latin1').split('HTTP/1.1 200').length - 1));
  busy.on('close', () => (busyClosed = true));
  for (let i = 0; i < 8; i++) {
    busy.write('GET / HTTP/1.1\r\nHost: lb\r\n\r\n');
    await new Promise((r) => setTimeout(r, 300));
  }

  await silentClosed;
  await idleClosed;
  assert.match(answered, /^HTTP\/1\.1 200 /, 'the idle connection got its response before it was closed');
  assert.equal(busyClosed, false, 'a connection in use is not closed by the idle timeout');
  assert.equal(busyResponses, 8);
  busy.destroy();
});

test('a streamed response reaches the client chunk by chunk, each as the target sends it', async () => {
  // The target sends the next chunk only once the client has the previous one: a proxy that
  // held a chunk back waiting for more would stall here.
  const received: string[] = [];
  let clientGot: (() => void) | undefined;
  const target = http.createServer(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let i = 1; i <= 3; i++) {
      const seen = new Promise<void>((r) => (clientGot = r));
      res.write(`event ${i}\n`);
      await seen;
    }
    res.end('done\n');
  });
  closers.push(() => target.closeAllConnections());
  const port = await proxyTo([await listen(target)]);
  const body = await new Promise<string>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/events', agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        received.push(c);
        clientGot?.();
      });
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  assert.equal(body, 'event 1\nevent 2\nevent 3\ndone\n');
  assert.ok(received.length >= 4, `chunks arrived separately: ${JSON.stringify(received)}`);
});
