// `/metrics` on the admin endpoint: after a known number of requests through two workers to two
// real Flask instances, ALB's counters add up exactly across workers — per load balancer, per
// target, by status class — and the LB's own 503s and the health gauges show as well. A target
// deregistered and gone leaves the output; the load balancer's counters do not go back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFlask, type FlaskTarget } from '../helpers/flask.ts';
import { freePort, request } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';
import { applyOk, config, removeTempDirs, startServer, tempDir, writeConfig, type AlbatrossServer } from '../helpers/albatross.ts';

let server: AlbatrossServer;
const flask: FlaskTarget[] = [];
let dir = '';
let port = 0;
let emptyPort = 0;

/** The file's load balancer with `metrics-tg`'s targets on these Flask instances. */
function spec(targets: readonly FlaskTarget[]): Record<string, unknown> {
  return config({
    loadBalancer: 'metrics-alb',
    listeners: [{ port, targetGroup: 'metrics-tg' }, { port: emptyPort, targetGroup: 'empty-tg' }],
    targetGroups: [
      { name: 'metrics-tg', ports: targets.map((f) => f.port), attributes: { 'deregistration_delay.timeout_seconds': 0 } },
      { name: 'empty-tg', ports: [] },
    ],
  });
}

/** Sums the samples of `name` whose labels contain every `match` pair. */
function sample(text: string, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const labels = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(match).every(([k, v]) => labels.includes(`${k}="${v}"`))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function scrape(): Promise<string> {
  const r = await request(server.adminPort, { path: '/metrics' });
  assert.equal(r.status, 200);
  return r.body;
}

before(async () => {
  for (const name of ['instance-a', 'instance-b']) flask.push(await startFlask(name));
  dir = await tempDir();
  port = await freePort();
  emptyPort = await freePort();
  await applyOk(await writeConfig(dir, 'metrics.yaml', spec(flask)), dir);
  server = await startServer({ dataDir: dir, workers: 2 });
  await server.waitForListener(port);
  await server.waitForListener(emptyPort);
});

after(async () => {
  await server?.stop();
  for (const f of flask) await f.stop();
  await removeTempDirs();
});

test('request counts add up across workers, per load balancer and per target', async () => {
  const before = await scrape();
  const lbBefore = sample(before, 'RequestCount', {});
  const n = 40;
  for (let i = 0; i < n; i++) {
    const r = await request(port, { path: '/', agent: false });
    assert.equal(r.status, 200);
  }
  for (let i = 0; i < 3; i++) assert.equal((await request(emptyPort, { path: '/', agent: false })).status, 503);
  const after = await scrape();
  assert.equal(sample(after, 'RequestCount') - lbBefore, n + 3);
  const perTarget = flask.map((f) => sample(after, 'RequestCountPerTarget', { target: `127.0.0.1:${f.port}` }) - sample(before, 'RequestCountPerTarget', { target: `127.0.0.1:${f.port}` }));
  assert.equal(perTarget[0]! + perTarget[1]!, n);
  assert.ok(perTarget.every((c) => c > 0), `both targets got requests: ${perTarget}`);
  assert.equal(sample(after, 'HTTPCode_Target_2XX_Count') - sample(before, 'HTTPCode_Target_2XX_Count'), n);
  assert.equal(sample(after, 'TargetResponseTime_count') - sample(before, 'TargetResponseTime_count'), n);
  assert.equal(sample(after, 'HTTPCode_ELB_5XX_Count') - sample(before, 'HTTPCode_ELB_5XX_Count'), 3);
  assert.ok(sample(after, 'NewConnectionCount') - sample(before, 'NewConnectionCount') >= n + 3);
  assert.match(after, /load_balancer="app\/metrics-alb\/[0-9a-f]{16}"/);
  assert.match(after, /target_group="targetgroup\/metrics-tg\/[0-9a-f]{16}"/);
});

test('HealthyHostCount counts both instances once they pass their checks', async () => {
  await pollUntil(async () => sample(await scrape(), 'HealthyHostCount') === 2, { timeoutMs: 20_000, intervalMs: 500, what: 'HealthyHostCount 2' });
});

test('a deregistered target leaves /metrics once it is gone; the load balancer keeps its counts', async () => {
  for (let i = 0; i < 10; i++) assert.equal((await request(port, { path: '/', agent: false })).status, 200);
  const [kept, gone] = flask.map((f) => ({ target: `127.0.0.1:${f.port}` })) as [{ target: string }, { target: string }];
  const before = await scrape();
  assert.ok(sample(before, 'RequestCountPerTarget', gone) > 0, 'the leaving target has served requests');
  await applyOk(await writeConfig(dir, 'one.yaml', spec([flask[0]!])), dir);
  await pollUntil(async () => !(await scrape()).includes(`target="${gone.target}"`), { timeoutMs: 10_000, intervalMs: 200, what: `${gone.target} to leave /metrics` });
  const after = await scrape();
  assert.equal(sample(after, 'RequestCount'), sample(before, 'RequestCount'));
  assert.equal(sample(after, 'RequestCountPerTarget', kept), sample(before, 'RequestCountPerTarget', kept));
  assert.equal(sample(after, 'TargetResponseTime_count', kept), sample(before, 'TargetResponseTime_count', kept));
});
