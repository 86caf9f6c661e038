// Sticky sessions as the tutorial checks them, against two real Flask instances: with the
// load balancer's cookie (AWSALB) 50 requests reach one instance; without it they alternate; a
// tampered cookie is ignored; the cookie survives a restart of Albatross; when the sticky instance
// dies the next request goes to the other one with a new cookie and no error.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFlask, type FlaskTarget } from '../helpers/flask.ts';
import { freePort, request } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';
import { applyOk, config, removeTempDirs, startServer, status, tempDir, writeConfig, type AlbatrossServer } from '../helpers/albatross.ts';

let server: AlbatrossServer | undefined;
const flask: FlaskTarget[] = [];
after(async () => {
  await server?.stop();
  for (const f of flask) await f.stop();
  await removeTempDirs();
});

/** GET / with an optional Cookie header: which instance answered, and the AWSALB cookie it set. */
async function visit(port: number, cookie?: string): Promise<{ status: number; instance: string; awsalb?: string; cors?: string }> {
  const r = await request(port, { path: '/', headers: cookie ? { cookie } : {} });
  const setCookies = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  const awsalb = setCookies.find((c) => c.startsWith('AWSALB='));
  const cors = setCookies.find((c) => c.startsWith('AWSALBCORS='));
  return { status: r.status, instance: r.body.trim(), ...(awsalb ? { awsalb } : {}), ...(cors ? { cors } : {}) };
}

const cookieOf = (setCookie: string): string => setCookie.split(';')[0]!;

test('AWSALB stickiness: one instance with the cookie, alternation without, failover with a new cookie', async () => {
  for (const name of ['instance-a', 'instance-b']) flask.push(await startFlask(name));
  const dataDir = await tempDir();
  const port = await freePort();
  const file = await writeConfig(dataDir, 'sticky.yaml', config({
    loadBalancer: 'sticky-alb',
    listeners: [{ port, targetGroup: 'sticky-tg' }],
    targetGroups: [{
      name: 'sticky-tg',
      ports: flask.map((f) => f.port),
      attributes: { 'stickiness.enabled': true, 'stickiness.type': 'lb_cookie', 'stickiness.lb_cookie.duration_seconds': 86400 },
    }],
  }));
  await applyOk(file, dataDir);
  server = await startServer({ dataDir, workers: 2 });
  await server.waitForListener(port);
  await pollUntil(async () => (await status(dataDir))[0]?.targets.every((x) => x.state === 'healthy'), { timeoutMs: 20_000, intervalMs: 250, what: 'both healthy' });

  const first = await visit(port);
  assert.ok(first.awsalb, 'the first response sets AWSALB');
  assert.match(first.awsalb!, /^AWSALB=[A-Za-z0-9_-]+; Expires=[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT; Path=\/$/);
  assert.match(first.cors!, /; SameSite=None; Secure$/);
  let jar = cookieOf(first.awsalb!);
  const withJar = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const v = await visit(port, jar);
    withJar.add(v.instance);
    jar = cookieOf(v.awsalb!);
  }
  assert.deepEqual([...withJar], [first.instance], 'with the cookie every request reaches the same instance');

  const withoutJar = new Set<string>();
  for (let i = 0; i < 10; i++) withoutJar.add((await visit(port)).instance);
  assert.equal(withoutJar.size, 2, 'without the cookie requests alternate');

  const tampered = jar.slice(0, -3) + (jar.endsWith('A') ? 'BBB' : 'AAA');
  const t = await visit(port, `${tampered}; other=1`);
  assert.equal(t.status, 200, 'a tampered cookie is ignored, not an error');

  // A restart of Albatross: the cookie still sticks (the key lives in the store).
  await server.stop();
  server = await startServer({ dataDir, workers: 2 });
  await server.waitForListener(port);
  const afterRestart = new Set<string>();
  for (let i = 0; i < 10; i++) afterRestart.add((await visit(port, jar)).instance);
  assert.deepEqual([...afterRestart], [first.instance], 'a cookie issued before the restart still sticks');

  // The sticky instance dies: the next request goes to the other one, with a new cookie.
  const sticky = flask.find((f) => first.instance.endsWith(f.name))!;
  await sticky.kill();
  const moved = await visit(port, jar);
  assert.equal(moved.status, 200);
  assert.notEqual(moved.instance, first.instance);
  assert.ok(moved.awsalb && cookieOf(moved.awsalb) !== jar, 'a new cookie names the new target');
  for (let i = 0; i < 5; i++) assert.equal((await visit(port, cookieOf(moved.awsalb!))).instance, moved.instance);
});
