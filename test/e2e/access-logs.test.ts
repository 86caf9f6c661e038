// Access logs: with `access_logs.s3.enabled=true` on the load balancer, every request through it
// (forwarded, or answered by the load balancer itself) becomes one line in ALB's access-log format
// under <data-dir>/access-logs/, with the fields a user would grep for: client, target, status
// codes, the request line, the user agent and the trace id.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startFlask, type FlaskTarget } from '../helpers/flask.ts';
import { freePort, request } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';
import { applyOk, config, removeTempDirs, startServer, tempDir, writeConfig, type AlbatrossServer } from '../helpers/albatross.ts';

let server: AlbatrossServer | undefined;
let flask: FlaskTarget | undefined;
after(async () => {
  await server?.stop();
  await flask?.stop();
  await removeTempDirs();
});

function logFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.log')) out.push(p);
    }
  };
  try {
    walk(dir);
  } catch {
    return [];
  }
  return out;
}

/** Splits an access-log line into fields: spaces separate, double quotes group. */
function fields(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

test('one parseable ALB-format line per request, forwarded or answered by the load balancer', async () => {
  flask = await startFlask('instance-a');
  const dataDir = await tempDir();
  const port = await freePort();
  const emptyPort = await freePort();
  const file = await writeConfig(dataDir, 'logs.yaml', config({
    loadBalancer: 'logs-alb',
    lbAttributes: { 'access_logs.s3.enabled': true },
    listeners: [{ port, targetGroup: 'logs-tg' }, { port: emptyPort, targetGroup: 'empty-tg' }],
    targetGroups: [{ name: 'logs-tg', ports: [flask.port] }, { name: 'empty-tg', ports: [] }],
  }));
  await applyOk(file, dataDir);
  server = await startServer({ dataDir, workers: 1 });
  await server.waitForListener(port);
  await server.waitForListener(emptyPort);

  for (let i = 0; i < 5; i++) {
    assert.equal((await request(port, { path: `/?n=${i}`, headers: { 'user-agent': 'log-test/1.0' } })).status, 200);
  }
  assert.equal((await request(emptyPort, { path: '/nothing', headers: { 'user-agent': 'log-test/1.0' } })).status, 503);

  const logDir = join(dataDir, 'access-logs');
  const lines = await pollUntil(() => {
    const all = logFiles(logDir).flatMap((f) => readFileSync(f, 'utf8').trim().split('\n')).filter((l) => l !== '');
    return all.length >= 6 ? all : undefined;
  }, { timeoutMs: 10_000, intervalMs: 200, what: '6 access-log lines' });
  assert.equal(lines.length, 6);
  const forwarded = lines.map(fields).filter((f) => f[8] === '200');
  assert.equal(forwarded.length, 5);
  for (const f of forwarded) {
    assert.equal(f[0], 'http');
    assert.match(f[1]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(f[2]!, /^app\/logs-alb\/[0-9a-f]{16}$/);
    assert.match(f[3]!, /^127\.0\.0\.1:\d+$/);
    assert.equal(f[4], `127.0.0.1:${flask.port}`);
    assert.ok(Number(f[6]) >= 0, 'target processing time');
    assert.equal(f[9], '200', 'target status');
    assert.match(f[12]!, new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/\\?n=\\d HTTP/1\\.1$`));
    assert.equal(f[13], 'log-test/1.0');
    assert.match(f[16]!, /^arn:aws:elasticloadbalancing:.*:targetgroup\/logs-tg\//);
    assert.match(f[17]!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  }
  const own = fields(lines.find((l) => fields(l)[8] === '503')!);
  assert.equal(own[4], '-', 'no target for a 503 the load balancer made');
  assert.equal(own[9], '-');
  assert.equal(own[24], 'NoRegisteredTargets');
});
