// The tutorial on one machine: two real Flask instances behind `albatross serve` (the built
// binary, two workers), configured with `albatross apply -f examples/tutorial.yaml`. Both turn
// healthy, requests alternate between them, the targets see X-Forwarded-For/-Proto/-Port and an
// X-Amzn-Trace-Id, and `albatross status` shows what the checker found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startFlask, type FlaskTarget } from '../helpers/flask.ts';
import { freePort, getText, parseRawResponse, rawExchange, request } from '../helpers/net.ts';
import {
  applyOk,
  fastHealthCheck,
  removeTempDirs,
  repoRoot,
  slackMs,
  startServer,
  status,
  tempDir,
  waitForTargetState,
  writeConfig,
  type AlbatrossServer,
} from '../helpers/albatross.ts';

interface TutorialFile {
  targetGroups: Array<{ name: string; targets: Array<{ id: string; port: number }> }>;
  loadBalancers: Array<{ name: string; scheme: string; listeners: Array<{ port: number }> }>;
}

let a: FlaskTarget;
let b: FlaskTarget;
let server: AlbatrossServer;
let dataDir: string;
let file: string;
let listenerPort: number;

before(async () => {
  const dir = await tempDir();
  dataDir = join(dir, 'data');
  a = await startFlask('instance-a');
  b = await startFlask('instance-b');
  server = await startServer({ dataDir, workers: 2 });

  // The project's own tutorial file, with this run's ports (and scheme internal, so the listener
  // binds loopback only).
  listenerPort = await freePort();
  const example = parse(await readFile(join(repoRoot, 'examples', 'tutorial.yaml'), 'utf8')) as TutorialFile;
  const tg = example.targetGroups[0]!;
  assert.equal(tg.name, 'tutorial-tg');
  assert.equal(tg.targets.length, 2);
  tg.targets[0]!.port = a.port;
  tg.targets[1]!.port = b.port;
  const lb = example.loadBalancers[0]!;
  assert.equal(lb.name, 'tutorial-alb');
  lb.scheme = 'internal';
  lb.listeners[0]!.port = listenerPort;
  file = await writeConfig(dir, 'tutorial.yaml', example);
});

after(async () => {
  await server?.stop();
  await a?.stop();
  await b?.stop();
  await removeTempDirs();
});

test('apply creates the tutorial setup and the listener accepts', async () => {
  const applied = await applyOk(file, dataDir);
  assert.match(applied.stdout, /created target group tutorial-tg/);
  assert.match(applied.stdout, new RegExp(`registered target 127\\.0\\.0\\.1:${a.port} in tutorial-tg`));
  assert.match(applied.stdout, new RegExp(`registered target 127\\.0\\.0\\.1:${b.port} in tutorial-tg`));
  assert.match(applied.stdout, new RegExp(`created listener HTTP:${listenerPort} of tutorial-alb`));
  await server.waitForListener(listenerPort);
});

test('both instances turn healthy after the healthy threshold, as status and the admin endpoint show', async () => {
  // The first probe at once, the second one interval later.
  const healthyWithin = fastHealthCheck.healthCheckIntervalSeconds * 1000 * fastHealthCheck.healthyThresholdCount + slackMs;
  for (const target of [a, b]) {
    const row = await waitForTargetState(dataDir, 'tutorial-tg', target.port, 'healthy', { timeoutMs: healthyWithin, server });
    assert.equal(row.reason, null);
    assert.equal(row.lastResult, '200');
    assert.equal(typeof row.lastCheckAt, 'number');
  }
  const groups = await status(dataDir);
  assert.deepEqual(
    groups.map((g) => ({ group: g.targetGroup, targets: g.targets.map((x) => `${x.id}:${x.port} ${x.state}`).sort() })),
    [{ group: 'tutorial-tg', targets: [`127.0.0.1:${a.port} healthy`, `127.0.0.1:${b.port} healthy`].sort() }],
  );

  const adminHealth = await request(server.adminPort, { path: '/health' });
  assert.equal(adminHealth.status, 200);
  const adminStatus = await request(server.adminPort, { path: '/status' });
  assert.equal(adminStatus.status, 200);
  const records = (JSON.parse(adminStatus.body) as { targetHealth: Array<{ port: number; state: string }> }).targetHealth;
  assert.deepEqual(records.map((r) => `${r.port} ${r.state}`).sort(), [`${a.port} healthy`, `${b.port} healthy`].sort());
});

test('requests alternate between the two instances', async (t) => {
  // On one client connection (one worker), round robin alternates strictly.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const names: string[] = [];
  for (let i = 0; i < 10; i++) names.push(await getText(listenerPort, '/', { agent }));
  assert.ok(names.every((n) => n === 'hello from instance-a' || n === 'hello from instance-b'), names.join(', '));
  for (let i = 1; i < names.length; i++) assert.notEqual(names[i], names[i - 1], `requests did not alternate: ${names.join(', ')}`);

  // A new connection per request (any worker): every request answered, both instances used evenly.
  const counts = new Map<string, number>();
  for (let i = 0; i < 20; i++) {
    const body = await getText(listenerPort, '/');
    counts.set(body, (counts.get(body) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), ['hello from instance-a', 'hello from instance-b']);
  for (const n of counts.values()) assert.ok(n >= 5, `uneven split over 20 requests: ${JSON.stringify([...counts])}`);
});

test('the instance receives X-Forwarded-For/-Proto/-Port and X-Amzn-Trace-Id', async () => {
  const res = await request(listenerPort, { path: '/headers' });
  assert.equal(res.status, 200);
  const seen = JSON.parse(res.body) as Record<string, string>;
  assert.ok(seen.name === 'instance-a' || seen.name === 'instance-b');
  assert.equal(seen['x-forwarded-for'], '127.0.0.1');
  assert.equal(seen['x-forwarded-proto'], 'http');
  assert.equal(seen['x-forwarded-port'], String(listenerPort));
  assert.match(seen['x-amzn-trace-id'] ?? '', /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  const epoch = parseInt(seen['x-amzn-trace-id']!.slice(7, 15), 16);
  assert.ok(Math.abs(epoch - Date.now() / 1000) < 60, `trace id epoch ${epoch} is not now`);
  assert.equal(seen.host, `127.0.0.1:${listenerPort}`);

  // An X-Forwarded-For from the client is kept and the client's address appended (mode append).
  const withXff = JSON.parse((await request(listenerPort, { path: '/headers', headers: { 'x-forwarded-for': '203.0.113.7' } })).body) as Record<string, string>;
  assert.equal(withXff['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
});

test('applying the same file again changes nothing', async () => {
  const again = await applyOk(file, dataDir);
  assert.equal(again.stdout.trim(), 'no changes');
});

test('an HTTP/1.0 request without Host reaches the instance with a Host header', async () => {
  // HTTP/1.0 clients may leave out Host; the request the target gets is HTTP/1.1, which must
  // carry one (RFC 9112 §3.2), so the load balancer has to supply it.
  const old = await rawExchange(listenerPort, 'GET /headers HTTP/1.0\r\nUser-Agent: e2e-http10\r\n\r\n');
  const res = parseRawResponse(old.text);
  assert.equal(res.status, 200, old.text);
  const seen = JSON.parse(res.body) as Record<string, string>;
  assert.equal(seen['user-agent'], 'e2e-http10');
  assert.ok(seen.host, `the target got an HTTP/1.1 request without a Host header: ${res.body}`);
});
