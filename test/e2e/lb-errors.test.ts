// Every error the load balancer answers itself, provoked once through real sockets: 503 for a
// group with no registered target, 502 for a target that refuses, resets or answers garbage, 504
// for one that never answers within the idle timeout and for one that cannot even be connected
// to, and 400 (then the connection closed) for malformed HTTP from a client. Each body says which.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePort, freePorts, parseRawResponse, rawExchange, request } from '../helpers/net.ts';
import { startBlackholeTarget, startRawTarget, type RawTarget } from '../helpers/raw-targets.ts';
import { applyOk, removeTempDirs, startServer, tempDir, writeConfig, type AlbatrossServer } from '../helpers/albatross.ts';

const ports = {} as Record<'empty' | 'refused' | 'reset' | 'garbage' | 'silent' | 'blackhole', number>;
const targets: RawTarget[] = [];
const closers: Array<() => Promise<void>> = [];
/** ALB's timeout for establishing a connection to a target. */
const connectTimeoutMs = 10_000;
let server: AlbatrossServer;

before(async () => {
  const dir = await tempDir();
  const dataDir = join(dir, 'data');
  const reset = await startRawTarget('reset');
  const garbage = await startRawTarget('garbage');
  const silent = await startRawTarget('silent');
  targets.push(reset, garbage, silent);
  const blackhole = await startBlackholeTarget();
  closers.push(() => blackhole.close());
  const nobody = await freePort(); // nothing listens there
  const [empty, refused, resetPort, garbagePort, silentPort, blackholePort] = await freePorts(6);
  Object.assign(ports, { empty, refused, reset: resetPort, garbage: garbagePort, silent: silentPort, blackhole: blackholePort });

  const group = (name: string, targetPorts: number[]) => ({
    name,
    protocol: 'HTTP',
    port: 8080,
    healthCheckPath: '/status',
    healthCheckIntervalSeconds: 5,
    healthCheckTimeoutSeconds: 2,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 2,
    targets: targetPorts.map((port) => ({ id: '127.0.0.1', port })),
  });
  const listener = (port: number, tg: string) => ({ protocol: 'HTTP', port, defaultActions: [{ type: 'forward', targetGroupName: tg }] });
  const file = await writeConfig(dir, 'errors.yaml', {
    targetGroups: [
      group('empty-tg', []),
      group('refused-tg', [nobody]),
      group('reset-tg', [reset.port]),
      group('garbage-tg', [garbage.port]),
      group('silent-tg', [silent.port]),
      group('blackhole-tg', [blackhole.port]),
    ],
    loadBalancers: [
      {
        name: 'errors-alb',
        scheme: 'internal',
        attributes: { 'idle_timeout.timeout_seconds': 1 },
        listeners: [
          listener(empty!, 'empty-tg'),
          listener(refused!, 'refused-tg'),
          listener(resetPort!, 'reset-tg'),
          listener(garbagePort!, 'garbage-tg'),
          listener(silentPort!, 'silent-tg'),
          listener(blackholePort!, 'blackhole-tg'),
        ],
      },
    ],
  });
  server = await startServer({ dataDir, workers: 2 });
  await applyOk(file, dataDir);
  for (const port of Object.values(ports)) await server.waitForListener(port);
});

after(async () => {
  await server?.stop();
  for (const t of targets) await t.close();
  for (const close of closers) await close();
  await removeTempDirs();
});

function assertLocalReply(res: { status: number; headers: Record<string, unknown>; body: string }, status: number, says: RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.body}`);
  assert.match(res.body, says);
  assert.ok(res.body.length < 200, `the body should be short: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
}

test('503 when the target group has no registered targets', async () => {
  const res = await request(ports.empty, { path: '/' });
  assertLocalReply(res, 503, /^503 Service Temporarily Unavailable: .*no registered targets/);
});

test('502 when the only target refuses the connection', async () => {
  const res = await request(ports.refused, { path: '/' });
  assertLocalReply(res, 502, /^502 Bad Gateway: .*refused the connection/);
});

test('502 when the target resets the connection', async () => {
  const res = await request(ports.reset, { path: '/' });
  assertLocalReply(res, 502, /^502 Bad Gateway: .*closed the connection/);
});

test('502 when the target answers garbage', async () => {
  const res = await request(ports.garbage, { path: '/' });
  assertLocalReply(res, 502, /^502 Bad Gateway: .*not valid HTTP/);
});

test('504 when the target does not answer within the idle timeout', async () => {
  const started = Date.now();
  const res = await request(ports.silent, { path: '/', timeoutMs: 15_000 });
  assertLocalReply(res, 504, /^504 Gateway Timeout: .*did not respond within the idle timeout/);
  // idle_timeout.timeout_seconds is 1: the answer comes after about a second, not the default 60.
  assert.ok(Date.now() - started < 10_000);
});

test('504 when the connection to the target cannot be established', async (t) => {
  const started = Date.now();
  const res = await request(ports.blackhole, { path: '/', timeoutMs: 60_000 });
  const elapsed = Date.now() - started;
  t.diagnostic(`504 after ${elapsed} ms (ALB's connection timeout is 10 s)`);
  assertLocalReply(res, 504, /^504 Gateway Timeout: .*connection to the target timed out/);
  // The group has one target: there is no other to try, so the client waits for one connection
  // timeout (ALB's 10 s), not for a second attempt at the same target.
  assert.ok(elapsed < connectTimeoutMs + 5000, `the 504 took ${elapsed} ms: more than one connection timeout (${connectTimeoutMs} ms)`);
});

test('400 and the connection closed for a header line without a colon', async () => {
  const raw = await rawExchange(ports.empty, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nThisIsNotAHeader\r\n\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  assert.ok(raw.closedByServer, `the connection stayed open after: ${JSON.stringify(raw.text)}`);
  const res = parseRawResponse(raw.text);
  assert.equal(res.status, 400);
  assert.match(res.body, /^400 Bad Request: .*malformed/);
  // Nothing after the bad bytes was parsed as another request.
  assert.equal(raw.text.match(/HTTP\/1\.1 \d{3}/g)?.length, 1, raw.text);
});

test('400 and the connection closed for Content-Length together with Transfer-Encoding: chunked', async () => {
  const raw = await rawExchange(
    ports.empty,
    'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
  );
  assert.ok(raw.closedByServer, `the connection stayed open after: ${JSON.stringify(raw.text)}`);
  const res = parseRawResponse(raw.text);
  assert.equal(res.status, 400);
  assert.match(res.body, /^400 Bad Request: .*malformed/);
  assert.equal(raw.text.match(/HTTP\/1\.1 \d{3}/g)?.length, 1, raw.text);
});

test('400 and the connection closed for an HTTP/1.1 request without Host', async () => {
  const raw = await rawExchange(ports.empty, 'GET / HTTP/1.1\r\nUser-Agent: e2e\r\n\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  assert.ok(raw.closedByServer, `the connection stayed open after: ${JSON.stringify(raw.text)}`);
  const res = parseRawResponse(raw.text);
  assert.equal(res.status, 400);
  assert.equal(raw.text.match(/HTTP\/1\.1 \d{3}/g)?.length, 1, raw.text);
  // Like every answer of the load balancer's own, the body says what was wrong.
  assert.match(res.body, /^400 Bad Request: .+/, `the 400 has no body saying why: ${JSON.stringify(raw.text)}`);
});

test('the server keeps serving after all of the above', async () => {
  const res = await request(ports.empty, { path: '/' });
  assert.equal(res.status, 503);
  assert.ok(server.running);
});
