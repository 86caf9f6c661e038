/*
 * Safe retries and passive ejection, per target group, against scripted targets on loopback:
 * a PUT whose target dies after reading it (or closes the reused keep-alive connection as it
 * arrives) reaches the other target once, with the same bytes; a POST there gets 502 and is not
 * sent twice; a body over `albatross.retry.max_body_bytes` is not kept, so not retried; the
 * knobs `albatross.retry.enabled`, `albatross.outlier_detection.consecutive_5xx` and
 * `albatross.outlier_detection.connection_errors.enabled` do what they say.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { closersAfterAll, forward, listenerSnapshot, snapshot, startDataPlane, targetGroupSnapshot } from '../helpers/dataplane.ts';
import { freePort, host } from '../helpers/net.ts';
import { startHttpTarget } from '../helpers/raw-targets.ts';

const closers = closersAfterAll();

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface Seen {
  method: string;
  bytes: number;
  sha256: string;
}

/** A target that reads each request whole, remembers it, and answers `status` with its name. */
async function recorder(name: string, status = 200): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const t = await startHttpTarget((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, bytes: body.length, sha256: sha(body) });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(name);
    });
  });
  closers.push(() => t.close());
  return { port: t.port, seen };
}

/**
 * A target that fails requests, counting the ones whose bytes reached it:
 * `crash` — reads a request to its end, then resets the connection without a word (it died);
 * `reset` — resets the connection as the first bytes of a request arrive;
 * `close-reused` — answers the first request of each connection (keep-alive), and resets the
 * connection as soon as a second request on it arrives (the keep-alive race).
 */
async function failing(mode: 'crash' | 'reset' | 'close-reused'): Promise<{ port: number; saw: () => number }> {
  let saw = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let served = 0;
    let buffered = Buffer.alloc(0);
    let counted = false;
    socket.on('data', (d: Buffer) => {
      if (!counted) {
        counted = true;
        if (mode !== 'close-reused' || served > 0) saw++;
      }
      if (mode === 'reset' || (mode === 'close-reused' && served > 0)) {
        socket.resetAndDestroy();
        return;
      }
      buffered = Buffer.concat([buffered, d]);
      if (!requestComplete(buffered)) return;
      if (mode === 'crash') {
        socket.resetAndDestroy();
        return;
      }
      served++;
      buffered = Buffer.alloc(0);
      counted = false;
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 7\r\n\r\nfailing');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(() => r(undefined)));
  });
  return { port: (server.address() as net.AddressInfo).port, saw: () => saw };
}

/** True when `buf` holds a whole request (bodiless, by Content-Length, or chunked to its last chunk). */
function requestComplete(buf: Buffer): boolean {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = buf.subarray(0, end).toString('latin1').toLowerCase();
  const body = buf.length - end - 4;
  if (head.includes('\r\ntransfer-encoding: chunked')) return buf.subarray(buf.length - 5).toString('latin1') === '0\r\n\r\n';
  const m = /\r\ncontent-length: (\d+)/.exec(head);
  return body >= (m ? Number(m[1]) : 0);
}

/** Targets the data plane ejected, as `group key result`. */
const ejections: string[] = [];

/** A data plane with one listener forwarding to a group of `ports` (round robin, in that order). */
async function proxyTo(ports: number[], tgAttributes: Record<string, string> = {}, lbAttributes: Record<string, string> = {}): Promise<number> {
  const listenPort = await freePort();
  const tg = targetGroupSnapshot(`tg-${listenPort}`, ports, tgAttributes);
  const listener = listenerSnapshot({ port: listenPort, defaultActions: forward(tg.arn), attributes: lbAttributes });
  await startDataPlane(snapshot([tg], [listener]), closers, { onEject: (group, key, result) => ejections.push(`${group} ${key} ${result}`) });
  return listenPort;
}

/**
 * One request on a fresh client connection. A chunked body goes in `parts` writes 20 ms apart,
 * so the load balancer gets it in several pieces.
 */
function send(port: number, method: string, body?: Buffer, opts: { chunked?: boolean; parts?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.chunked) headers['transfer-encoding'] = 'chunked';
    const req = http.request({ host, port, method, path: '/', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined || !opts.chunked) {
      req.end(body);
      return;
    }
    const parts = opts.parts ?? 1;
    const size = Math.ceil(body.length / parts);
    let i = 0;
    const next = (): void => {
      const part = body.subarray(i * size, (i + 1) * size);
      i++;
      if (i >= parts) req.end(part);
      else {
        req.write(part);
        setTimeout(next, 20);
      }
    };
    next();
  });
}

/** A body of `n` bytes that differ from place to place (a misplaced chunk changes its hash). */
function bodyOf(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

test('a PUT on a keep-alive connection the target closes as it arrives goes to the other target once, body intact', async () => {
  const dying = await failing('close-reused');
  const other = await recorder('other');
  const port = await proxyTo([dying.port, other.port]);
  // Round robin: the first GET opens a connection to the failing target, which stays pooled.
  assert.equal((await send(port, 'GET')).body, 'failing');
  assert.equal((await send(port, 'GET')).body, 'other');
  const body = bodyOf(20_000);
  const put = await send(port, 'PUT', body);
  assert.equal(put.status, 200);
  assert.equal(put.body, 'other');
  assert.equal(dying.saw(), 1, 'the PUT went to the failing target first, on its reused connection');
  assert.deepEqual(other.seen.filter((s) => s.method === 'PUT'), [{ method: 'PUT', bytes: body.length, sha256: sha(body) }]);
});

test('a POST on a keep-alive connection the target closes as it arrives gets 502 and is not sent again', async () => {
  const dying = await failing('close-reused');
  const other = await recorder('other');
  const port = await proxyTo([dying.port, other.port]);
  await send(port, 'GET');
  await send(port, 'GET');
  const post = await send(port, 'POST', Buffer.from('order #1'));
  assert.equal(post.status, 502);
  assert.ok(dying.saw() <= 1);
  assert.deepEqual(other.seen.filter((s) => s.method === 'POST'), [], 'the POST was not retried on the other target');
});

test('a chunked PUT whose target dies after reading it reaches the other target once, every byte in order', async () => {
  const dying = await failing('crash');
  const other = await recorder('other');
  const port = await proxyTo([dying.port, other.port]);
  const body = bodyOf(48_000);
  const put = await send(port, 'PUT', body, { chunked: true, parts: 4 });
  assert.equal(put.status, 200);
  assert.equal(put.body, 'other');
  assert.equal(dying.saw(), 1);
  assert.deepEqual(other.seen, [{ method: 'PUT', bytes: body.length, sha256: sha(body) }]);
});

test('a chunked PUT whose target resets while the body is still coming: the other target gets what was kept, then the rest', async () => {
  const dying = await failing('reset');
  const other = await recorder('other');
  const port = await proxyTo([dying.port, other.port]);
  const body = bodyOf(30_000);
  const put = await send(port, 'PUT', body, { chunked: true, parts: 5 });
  assert.equal(put.status, 200);
  assert.equal(dying.saw(), 1);
  assert.deepEqual(other.seen, [{ method: 'PUT', bytes: body.length, sha256: sha(body) }]);
});

test('a POST whose target dies after reading it gets 502; the target saw it once, nobody else', async () => {
  const dying = await failing('crash');
  const other = await recorder('other');
  const port = await proxyTo([dying.port, other.port]);
  const post = await send(port, 'POST', bodyOf(1000));
  assert.equal(post.status, 502);
  assert.equal(dying.saw(), 1);
  assert.deepEqual(other.seen, []);
});

test('a PUT with a body over albatross.retry.max_body_bytes is not kept, so not retried: 502', async () => {
  const dying = await failing('crash');
  const other = await recorder('other');
  const port = await proxyTo([dying.port, other.port], { 'albatross.retry.max_body_bytes': '4096' });
  assert.equal((await send(port, 'PUT', bodyOf(5000))).status, 502, 'Content-Length over the limit');

  const dying2 = await failing('crash');
  const port2 = await proxyTo([dying2.port, other.port], { 'albatross.retry.max_body_bytes': '4096' });
  assert.equal((await send(port2, 'PUT', bodyOf(5000), { chunked: true, parts: 3 })).status, 502, 'a chunked body that grew over the limit');
  assert.equal(dying.saw() + dying2.saw(), 2);
  assert.deepEqual(other.seen, []);

  // At the limit it is kept, and retried.
  const dying3 = await failing('crash');
  const port3 = await proxyTo([dying3.port, other.port], { 'albatross.retry.max_body_bytes': '4096' });
  const atLimit = bodyOf(4096);
  assert.equal((await send(port3, 'PUT', atLimit)).status, 200);
  assert.deepEqual(other.seen, [{ method: 'PUT', bytes: 4096, sha256: sha(atLimit) }]);
});

test('with albatross.retry.enabled=false nothing is sent to another target: PUT, GET and a refused connection get 502', async () => {
  const off = { 'albatross.retry.enabled': 'false' };
  const other = await recorder('other');
  const dying = await failing('crash');
  assert.equal((await send(await proxyTo([dying.port, other.port], off), 'PUT', bodyOf(100))).status, 502);
  const dying2 = await failing('crash');
  assert.equal((await send(await proxyTo([dying2.port, other.port], off), 'GET')).status, 502);
  const refused = await freePort();
  const r = await send(await proxyTo([refused, other.port], off), 'GET');
  assert.equal(r.status, 502);
  assert.match(r.body, /refused/);
  assert.deepEqual(other.seen, []);
});

test('a refused connection sends even a large POST to the other target: no target had seen it', async () => {
  const other = await recorder('other');
  const refused = await freePort();
  const port = await proxyTo([refused, other.port]);
  const body = bodyOf(300_000);
  const post = await send(port, 'POST', body);
  assert.equal(post.status, 200);
  assert.deepEqual(other.seen, [{ method: 'POST', bytes: body.length, sha256: sha(body) }]);
});

test('albatross.outlier_detection.consecutive_5xx: 5 in a row eject the target; 0 keeps sending it its share', async () => {
  const broken = await recorder('broken', 500);
  const fine = await recorder('fine');
  const port = await proxyTo([broken.port, fine.port]);
  for (let i = 0; i < 20; i++) await send(port, 'GET');
  assert.equal(broken.seen.length, 5, 'ejected after the fifth 500');
  assert.equal(fine.seen.length, 15);
  assert.ok(ejections.some((e) => e === `tg-${port} 127.0.0.1:${broken.port} 5x5XX`), ejections.join('\n'));

  const broken2 = await recorder('broken', 500);
  const fine2 = await recorder('fine');
  const port2 = await proxyTo([broken2.port, fine2.port], { 'albatross.outlier_detection.consecutive_5xx': '0' });
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push((await send(port2, 'GET')).status);
  assert.equal(broken2.seen.length, 10);
  assert.equal(fine2.seen.length, 10);
  assert.equal(statuses.filter((s) => s === 500).length, 10, "the target's 500s reach the client as they are");
  assert.ok(!ejections.some((e) => e.startsWith(`tg-${port2} `)), ejections.join('\n'));
});

test('albatross.outlier_detection.connection_errors.enabled=false: a refused target is not ejected, requests still succeed', async () => {
  const fine = await recorder('fine');
  const refused = await freePort();
  const port = await proxyTo([refused, fine.port], { 'albatross.outlier_detection.connection_errors.enabled': 'false' });
  for (let i = 0; i < 6; i++) assert.equal((await send(port, 'GET')).status, 200);
  assert.ok(!ejections.some((e) => e.startsWith(`tg-${port} `)), ejections.join('\n'));
  assert.equal(fine.seen.length, 6);
});

test('a target slower than the idle timeout: 504, the request goes to no other target and the slow one is not ejected', async () => {
  let slowSaw = 0;
  const slow = await startHttpTarget((req, res) => {
    slowSaw++;
    req.resume();
    req.on('end', () => setTimeout(() => res.end('slow'), 2500));
  });
  closers.push(() => slow.close());
  const fast = await recorder('fast');
  const port = await proxyTo([slow.port, fast.port], {}, { 'idle_timeout.timeout_seconds': '1' });
  const before = ejections.length;
  // Round robin: the PUT goes to the slow target first.
  const put = await send(port, 'PUT', bodyOf(1000));
  assert.equal(put.status, 504);
  assert.equal(slowSaw, 1);
  assert.deepEqual(fast.seen, [], 'the fast target never saw the request');
  assert.deepEqual(ejections.slice(before), [], 'a slow target is not ejected');
});
