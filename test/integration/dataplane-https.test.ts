/*
 * HTTPS listeners in one process: TLS terminated with the listener's certificates (SNI picks
 * among them), the security policy's protocol range enforced on the wire, HTTP/2 and HTTP/1.1
 * by ALPN, a certificate rotated without cutting open connections, and HTTPS to targets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { findSslPolicy, nodeCipherList } from '../../src/model/index.ts';
import type { ListenerSnapshot, ListenerTls } from '../../src/snapshot/index.ts';
import { DataPlane, type ListenerStatus } from '../../src/dataplane/index.ts';
import { applyHealthy, closersAfterAll, fixed, forward, listenerSnapshot, snapshot, startDataPlane, targetGroupSnapshot } from '../helpers/dataplane.ts';
import { makeTestCerts, type CertFiles } from '../helpers/openssl-certs.ts';
import { canConnect, freePort, request } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';

const certs = makeTestCerts();
const closers = closersAfterAll([() => certs.cleanup()]);


/** A target that echoes what it saw: protocol headers and the request body's size. */
async function echoTarget(secure = false): Promise<number> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () =>
      res.end(JSON.stringify({
        proto: req.headers['x-forwarded-proto'], tlsVersion: req.headers['x-amzn-tls-version'] ?? null,
        cipher: req.headers['x-amzn-tls-cipher-suite'] ?? null, host: req.headers.host, bytes, secure,
      })),
    );
  };
  const server = secure ? https.createServer({ key: certs.other.key, cert: certs.other.cert }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.closeAllConnections?.() ?? undefined, () => new Promise((r) => server.close(r)));
  return (server.address() as net.AddressInfo).port;
}

function tlsFor(policyName: string, list: CertFiles[]): ListenerTls {
  const policy = findSslPolicy(policyName)!;
  const legacy = policy.minVersion === 'TLSv1' || policy.minVersion === 'TLSv1.1';
  return {
    policyName,
    minVersion: policy.minVersion,
    maxVersion: policy.maxVersion,
    ciphers: nodeCipherList(policy) + (legacy ? ':@SECLEVEL=0' : ''),
    certificates: list.map((c, i) => ({
      arn: `arn:cert/${i}`,
      names: [/CN=([^\n]+)/.exec(new X509Certificate(c.cert).subject)![1]!],
      cert: c.cert,
      key: c.key,
    })),
  };
}

interface Fixture {
  port: number;
  apply(tls: ListenerTls, attrs?: Record<string, string>): void;
}

async function httpsListener(tlsConfig: ListenerTls, targetPort: number, opts: { attrs?: Record<string, string>; targetProtocol?: 'HTTP' | 'HTTPS' } = {}): Promise<Fixture> {
  const port = await freePort();
  const tg = targetGroupSnapshot(`tg-${port}`, [targetPort], {}, { name: 'tg', protocol: opts.targetProtocol ?? 'HTTP' });
  const at = (t: ListenerTls, attrs: Record<string, string>) =>
    snapshot([tg], [listenerSnapshot({ port, tls: t, attributes: attrs, defaultActions: forward(tg.arn) })]);
  const plane = await startDataPlane(at(tlsConfig, opts.attrs ?? {}), closers);
  const apply = (t: ListenerTls, attrs: Record<string, string> = opts.attrs ?? {}): void => applyHealthy(plane, at(t, attrs));
  return { port, apply };
}

/** The certificate's common name and the protocol a TLS client negotiates. */
function handshake(port: number, options: tls.ConnectionOptions = {}): Promise<{ cn: string; protocol: string | null; alpn: string | false | null }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options }, () => {
      const cn = String(socket.getPeerCertificate().subject?.CN ?? '');
      resolve({ cn, protocol: socket.getProtocol(), alpn: socket.alpnProtocol });
      socket.end();
    });
    socket.on('error', reject);
  });
}

function get(port: number, path = '/', agent?: https.Agent, body?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', rejectUnauthorized: false, agent, servername: 'tutorial.example.com' }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('HTTPS terminates TLS and the target sees X-Forwarded-Proto https', async () => {
  const f = await httpsListener(tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]), await echoTarget());
  const r = await get(f.port);
  assert.equal(r.status, 200);
  assert.equal(r.json.proto, 'https');
  assert.equal(r.json.tlsVersion, null, 'TLS headers only when the attribute is on');
});

test('SNI picks the certificate for the name; unknown names get the default', async () => {
  const f = await httpsListener(tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial, certs.other, certs.ec]), await echoTarget());
  assert.equal((await handshake(f.port, { servername: 'other.example.com' })).cn, 'other.example.com');
  assert.equal((await handshake(f.port, { servername: 'ec.example.com' })).cn, 'ec.example.com');
  assert.equal((await handshake(f.port, { servername: 'nobody.example.com' })).cn, 'tutorial.example.com');
  assert.equal((await handshake(f.port)).cn, 'tutorial.example.com');
});

test('the security policy sets the protocol range on the wire', async () => {
  const target = await echoTarget();
  const tls13only = await httpsListener(tlsFor('ELBSecurityPolicy-TLS13-1-3-2021-06', [certs.tutorial]), target);
  await assert.rejects(handshake(tls13only.port, { maxVersion: 'TLSv1.2' }));
  assert.equal((await handshake(tls13only.port)).protocol, 'TLSv1.3');
  const from12 = await httpsListener(tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]), target);
  assert.equal((await handshake(from12.port, { maxVersion: 'TLSv1.2' })).protocol, 'TLSv1.2');
  await assert.rejects(handshake(from12.port, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }));
  const legacy = await httpsListener(tlsFor('ELBSecurityPolicy-2016-08', [certs.tutorial]), target);
  assert.equal((await handshake(legacy.port, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' })).protocol, 'TLSv1.1');
});

test('HTTP/2 by ALPN, with a body of unknown length, and HTTP/1.1 on the same port', async () => {
  const f = await httpsListener(tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]), await echoTarget());
  assert.equal((await handshake(f.port, { ALPNProtocols: ['h2', 'http/1.1'] })).alpn, 'h2');
  const session = http2.connect(`https://127.0.0.1:${f.port}`, { rejectUnauthorized: false });
  closers.push(() => session.close());
  const answer = await new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': '/upload' });
    let status = 0;
    let text = '';
    stream.on('response', (h) => (status = Number(h[':status'])));
    stream.on('data', (c) => (text += c));
    stream.on('end', () => resolve({ status, body: JSON.parse(text) }));
    stream.on('error', reject);
    stream.write('x'.repeat(1000));
    stream.end('y'.repeat(500));
  });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.bytes, 1500);
  assert.equal(answer.body.host, `127.0.0.1:${f.port}`);
  assert.equal((await get(f.port)).status, 200);
  const noH2 = await httpsListener(tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]), await echoTarget(), { attrs: { 'routing.http2.enabled': 'false' } });
  assert.equal((await handshake(noH2.port, { ALPNProtocols: ['h2', 'http/1.1'] })).alpn, 'http/1.1');
});

test('a new certificate serves new handshakes; an open connection keeps working', async () => {
  const f = await httpsListener(tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]), await echoTarget());
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  closers.push(() => agent.destroy());
  assert.equal((await get(f.port, '/', agent)).status, 200);
  f.apply(tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.other]));
  assert.equal((await handshake(f.port)).cn, 'other.example.com');
  assert.equal((await get(f.port, '/', agent)).status, 200, 'the kept-alive connection still answers');
});

test('TLS version and cipher headers when the attribute is on; HTTPS to targets', async () => {
  const f = await httpsListener(tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]), await echoTarget(true), {
    attrs: { 'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': 'true' },
    targetProtocol: 'HTTPS',
  });
  const r = await get(f.port);
  assert.equal(r.status, 200);
  assert.equal(r.json.secure, true, 'the target was reached over TLS');
  assert.equal(r.json.tlsVersion, 'TLSv1.3');
  assert.match(String(r.json.cipher), /^TLS_AES_/);
  // OpenSSL's names, as ALB sends them (not the IANA TLS_ECDHE_RSA_WITH_... ones).
  const tls12 = await get(f.port, '/', new https.Agent({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }));
  assert.deepEqual([tls12.json.tlsVersion, tls12.json.cipher], ['TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256']);
});

test('the idle timeout closes a TLS connection that sends no request and an idle HTTP/2 session', async () => {
  const f = await httpsListener(tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]), await echoTarget(), {
    attrs: { 'idle_timeout.timeout_seconds': '1' },
  });
  const silent = tls.connect({ host: '127.0.0.1', port: f.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
  silent.on('error', () => undefined);
  await new Promise<void>((resolve) => silent.once('secureConnect', () => resolve()));
  const silentClosed = new Promise<void>((resolve) => silent.once('close', () => resolve()));

  const session = http2.connect(`https://127.0.0.1:${f.port}`, { rejectUnauthorized: false });
  session.on('error', () => undefined);
  const sessionStatus = await new Promise<number>((resolve, reject) => {
    const stream = session.request({ ':path': '/' });
    stream.on('response', (h) => resolve(Number(h[':status'])));
    stream.on('error', reject);
    stream.resume();
  });
  const sessionClosed = new Promise<void>((resolve) => session.once('close', () => resolve()));

  const limit = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still open after 10 s')), 10_000).unref());
  await Promise.race([Promise.all([silentClosed, sessionClosed]), limit]);
  assert.equal(sessionStatus, 200, 'the session was served before it went idle');
});

test('a client that half-closes after its request still gets the response, over HTTP/1.1 on TLS', async () => {
  const f = await httpsListener(tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]), await echoTarget());
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: f.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
      socket.end('GET /half-closed HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n');
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 200 /);
  assert.match(answer, /"proto":"https"/);
});

/** A target that tells when a request has arrived, and answers once its body has ended. */
async function heldTarget(): Promise<{ port: number; arrived: () => Promise<void> }> {
  let waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    for (const w of waiters) w();
    waiters = [];
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ proto: req.headers['x-forwarded-proto'] })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.closeAllConnections(), () => new Promise((r) => server.close(r)));
  return { port: (server.address() as net.AddressInfo).port, arrived: () => new Promise<void>((r) => waiters.push(r)) };
}

/** A POST that has sent half its body; `finish` sends the rest and reads the answer. */
function heldPost(port: number, secure: boolean): { finish: () => Promise<{ status: number; proto: string }> } {
  const options = { host: '127.0.0.1', port, method: 'POST', path: '/held', headers: { 'content-length': '4' }, rejectUnauthorized: false, agent: false };
  const req = secure ? https.request(options) : http.request(options);
  closers.push(() => req.destroy()); // before the data plane's close, which waits for it
  const answer = new Promise<{ status: number; proto: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, proto: JSON.parse(text).proto }));
    });
    req.on('error', reject);
  });
  req.write('ab');
  return { finish: () => (req.end('cd'), answer) };
}

test('turning HTTP/2 off, or HTTPS into HTTP, refuses no new client while an old request is in flight', async () => {
  const port = await freePort();
  const target = await heldTarget();
  const tg = targetGroupSnapshot(`tg-${port}`, [target.port], {}, { name: 'tg' });
  const tlsConfig = tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]);
  const at = (l: { tls?: ListenerTls; attributes?: Record<string, string> }) =>
    snapshot([tg], [listenerSnapshot({ port, defaultActions: forward(tg.arn), ...l })]);
  const plane = await startDataPlane(at({ tls: tlsConfig }), closers);
  const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

  let arrived = target.arrived();
  const overH2Listener = heldPost(port, true);
  await arrived;
  applyHealthy(plane, at({ tls: tlsConfig, attributes: { 'routing.http2.enabled': 'false' } }));
  await settled();
  assert.equal((await handshake(port, { ALPNProtocols: ['h2', 'http/1.1'] })).alpn, 'http/1.1', 'a new client is served, without h2');
  assert.deepEqual(await overH2Listener.finish(), { status: 200, proto: 'https' }, 'the request in flight finishes');

  arrived = target.arrived();
  const overHttps = heldPost(port, true);
  await arrived;
  applyHealthy(plane, at({}));
  await settled();
  const plain = await new Promise<{ status: number; proto: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, proto: JSON.parse(text).proto }));
    }).on('error', reject);
  });
  assert.deepEqual(plain, { status: 200, proto: 'http' }, 'the port now speaks plain HTTP');
  assert.deepEqual(await overHttps.finish(), { status: 200, proto: 'https' });
});

/** A handshake that offers `session` (from an earlier one); the session it ends with, and whether it resumed. */
function resume(port: number, session: Buffer | undefined, maxVersion: tls.SecureVersion): Promise<{ reused: boolean; session: Buffer | undefined }> {
  return new Promise((resolve, reject) => {
    let next: Buffer | undefined;
    let reused = false;
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, session, maxVersion, ALPNProtocols: ['http/1.1'] });
    // TLS 1.3 sends its tickets after the handshake: ask for a response so they arrive first.
    socket.on('session', (s: Buffer) => (next = s));
    socket.on('secureConnect', () => {
      reused = socket.isSessionReused();
      socket.end('GET / HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n');
    });
    socket.on('data', () => undefined);
    socket.on('close', () => resolve({ reused, session: next }));
    socket.on('error', reject);
  });
}

test('a TLS session resumes on another worker of the same listener, not on another listener', async () => {
  const target = await echoTarget();
  const tg = targetGroupSnapshot('tg-resume', [target], {}, { name: 'tg' });
  const tlsConfig = tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]);
  const secret = 'c2hhcmVkIGJ5IGV2ZXJ5IHdvcmtlciBvZiB0aGlzIG5vZGUhIQ==';
  // Two data planes given the same snapshot stand for two workers (one port each, so both can bind here).
  const worker = async (arn: string): Promise<number> => {
    const port = await freePort();
    await startDataPlane(snapshot([tg], [listenerSnapshot({ arn, port, tls: tlsConfig, defaultActions: forward(tg.arn) })], { tlsTicketSecret: secret }), closers);
    return port;
  };
  const [first, second, otherListener] = [await worker('arn:listener/web'), await worker('arn:listener/web'), await worker('arn:listener/admin')];
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    const full = await resume(first, undefined, version);
    assert.equal(full.reused, false);
    assert.ok(full.session, `${version}: a session ticket came with the full handshake`);
    assert.equal((await resume(second, full.session, version)).reused, true, `${version}: the other worker resumes the session`);
    assert.equal((await resume(otherListener, full.session, version)).reused, false, `${version}: another listener does not`);
  }
});

test('turning HTTP/2 off sends GOAWAY to open sessions; their clients come back over HTTP/1.1', { timeout: 20_000 }, async () => {
  const port = await freePort();
  const tg = targetGroupSnapshot(`tg-${port}`, [await echoTarget()], {}, { name: 'tg' });
  const tlsConfig = tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]);
  const at = (attributes: Record<string, string>) => snapshot([tg], [listenerSnapshot({ port, tls: tlsConfig, attributes, defaultActions: forward(tg.arn) })]);
  const plane = await startDataPlane(at({}), closers);
  const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
  closers.push(() => session.destroy());
  const status = await new Promise<number>((resolve, reject) => {
    const stream = session.request({ ':path': '/' });
    stream.on('response', (h) => resolve(Number(h[':status'])));
    stream.on('error', reject);
    stream.resume();
    stream.end();
  });
  assert.equal(status, 200);
  const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
  applyHealthy(plane, at({ 'routing.http2.enabled': 'false' }));
  await goaway;
  assert.equal((await handshake(port, { ALPNProtocols: ['h2', 'http/1.1'] })).alpn, 'http/1.1');
});

test('an HTTP/1.1 request on an HTTP/2 listener has the same 64 KiB head limit as on HTTP/1.1 ones', async () => {
  const port = await freePort();
  const tlsConfig = tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]);
  await startDataPlane(snapshot([], [listenerSnapshot({ port, tls: tlsConfig, defaultActions: fixed('200', 'ok') })]), closers);
  const status = (size: number): Promise<number> => new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, rejectUnauthorized: false, agent: false, headers: { 'x-big': 'a'.repeat(size) } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject);
  });
  assert.equal(await status(20_000), 200);
  assert.equal(await status(70_000), 431);
});

test('a certificate Node refuses under the policy leaves that listener as it was; every other change still happens', async () => {
  const [secure, fresh, removed] = [await freePort(), await freePort(), await freePort()];
  const statuses: ListenerStatus[] = [];
  const plane = new DataPlane((s) => statuses.push(s));
  closers.push(() => plane.close());
  const policy = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
  const at = (secureCert: CertFiles, listeners: ListenerSnapshot[]) =>
    snapshot([], [listenerSnapshot({ port: secure, tls: tlsFor(policy, [secureCert]), defaultActions: fixed('200', 'secure') }), ...listeners]);
  const bound = (port: number) => pollUntil(() => statuses.some((s) => s.port === port && s.ok), { timeoutMs: 5000, intervalMs: 10, what: `listener ${port} bound` });
  applyHealthy(plane, at(certs.tutorial, [listenerSnapshot({ port: removed, defaultActions: fixed('200', 'removed') })]));
  await bound(secure);
  await bound(removed);

  applyHealthy(plane, at(certs.weak, [listenerSnapshot({ port: fresh, defaultActions: fixed('200', 'fresh') })]));
  const refused = statuses.find((s) => s.port === secure && !s.ok);
  assert.equal(refused?.tlsRefused, true);
  assert.match(refused?.error ?? '', /key too small/);
  await bound(fresh);
  assert.equal((await request(fresh)).body, 'fresh', 'a listener added in the same change is served');
  assert.equal(await canConnect(removed), false, 'a listener removed in the same change is closed');
  assert.equal((await handshake(secure)).cn, 'tutorial.example.com', 'the refused listener keeps its certificate');
});

test('a redirect over HTTP/2 fills #{host} from :authority', async () => {
  const port = await freePort();
  const redirect = [{ type: 'redirect' as const, redirectConfig: { protocol: '#{protocol}', port: '#{port}', host: 'www.#{host}', path: '/#{path}', query: '#{query}', statusCode: 'HTTP_301' as const } }];
  await startDataPlane(snapshot([], [listenerSnapshot({ port, tls: tlsFor('ELBSecurityPolicy-TLS13-1-2-2021-06', [certs.tutorial]), defaultActions: redirect })]), closers);
  const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false, servername: 'tutorial.example.com' });
  closers.push(() => session.destroy());
  const headers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
    const stream = session.request({ ':path': '/a/b?x=1', ':authority': `tutorial.example.com:${port}` });
    stream.on('response', resolve);
    stream.on('error', reject);
    stream.resume();
    stream.end();
  });
  assert.equal(headers[':status'], 301);
  assert.equal(headers.location, `https://www.tutorial.example.com:${port}/a/b?x=1`);
});
