// Application-cookie stickiness and group stickiness, against real Flask instances and the built
// `albatross`: once the app sets its own session cookie the load balancer adds AWSALBAPP-0 and
// the client stays on that instance (without cookies requests alternate; without the app's
// cookie the session is over); the sticky instance killed, the client moves with a new cookie.
// A 50/50 weighted forward with group stickiness keeps a client on one target group with
// AWSALBTG; that group's weight set to 0, the next request goes to the other with a new cookie.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFlask, type FlaskTarget } from '../helpers/flask.ts';
import { freePort, request } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';
import { applyOk, config, removeTempDirs, startServer, status, tempDir, writeConfig, type AlbatrossServer } from '../helpers/albatross.ts';

after(removeTempDirs);

/** A browser's cookie jar, for one site: name → value. */
type Jar = Map<string, string>;

interface Visit {
  status: number;
  instance: string;
  /** `name=value; attributes` of each Set-Cookie, by cookie name. */
  setCookies: Map<string, string>;
}

/** GET `path` with the jar's cookies; the jar takes what the response sets. */
async function visit(port: number, path: string, jar?: Jar): Promise<Visit> {
  const cookie = jar && jar.size > 0 ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  const r = await request(port, { path, headers: cookie ? { cookie } : {} });
  const setCookies = new Map<string, string>();
  for (const c of ([] as string[]).concat(r.headers['set-cookie'] ?? [])) {
    const pair = c.split(';')[0]!;
    const name = pair.slice(0, pair.indexOf('='));
    setCookies.set(name, c);
    jar?.set(name, pair.slice(name.length + 1));
  }
  return { status: r.status, instance: r.body.trim(), setCookies };
}

async function allHealthy(dataDir: string): Promise<void> {
  await pollUntil(async () => (await status(dataDir)).every((g) => g.targets.every((x) => x.state === 'healthy')), {
    timeoutMs: 20_000, intervalMs: 250, what: 'every target healthy',
  });
}

/** The tutorial's two Flask instances (stopped after the test), a data dir and a listener port. */
async function tutorialInstances(t: { after(fn: () => unknown): void }): Promise<{ a: FlaskTarget; b: FlaskTarget; dataDir: string; port: number }> {
  const a = await startFlask('instance-a');
  t.after(() => a.stop());
  const b = await startFlask('instance-b');
  t.after(() => b.stop());
  return { a, b, dataDir: await tempDir(), port: await freePort() };
}

async function serve(t: { after(fn: () => unknown): void }, dataDir: string, port: number): Promise<AlbatrossServer> {
  const server = await startServer({ dataDir, workers: 2 });
  t.after(() => server.stop());
  await server.waitForListener(port);
  return server;
}

test('app_cookie: AWSALBAPP-0 once the app sets its cookie keeps the client on that instance; failover moves it with a new one', async (t) => {
  const { a, b, dataDir, port } = await tutorialInstances(t);
  await applyOk(await writeConfig(dataDir, 'app.yaml', config({
    loadBalancer: 'app-sticky-alb',
    listeners: [{ port, targetGroup: 'app-sticky-tg' }],
    targetGroups: [{
      name: 'app-sticky-tg',
      ports: [a.port, b.port],
      attributes: {
        'stickiness.enabled': true,
        'stickiness.type': 'app_cookie',
        'stickiness.app_cookie.cookie_name': 'SESSIONID',
        'stickiness.app_cookie.duration_seconds': 3600,
      },
    }],
  })), dataDir);
  await serve(t, dataDir, port);
  await allHealthy(dataDir);

  // Before the app sets its cookie there is no session: requests alternate, no AWSALBAPP.
  const before: string[] = [];
  for (let i = 0; i < 6; i++) {
    const v = await visit(port, '/', new Map());
    assert.equal(v.setCookies.size, 0, 'no cookie before the app sets one');
    before.push(v.instance);
  }
  assert.deepEqual(new Set(before), new Set(['hello from instance-a', 'hello from instance-b']));

  // The app sets SESSIONID: the load balancer adds AWSALBAPP-0 (7 days in the browser), and passes the app's cookie on.
  const jar: Jar = new Map();
  const login = await visit(port, '/login', jar);
  assert.equal(login.status, 200);
  assert.match(login.setCookies.get('SESSIONID')!, /^SESSIONID=[0-9a-f]{16}; Path=\//);
  const app = login.setCookies.get('AWSALBAPP-0');
  assert.ok(app, 'AWSALBAPP-0 is set with the app cookie');
  assert.match(app!, /^AWSALBAPP-0=[A-Za-z0-9_-]+; Expires=[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT; Path=\/$/);
  const expires = Date.parse(/Expires=([^;]+)/.exec(app!)![1]!);
  assert.ok(expires - Date.now() > 6 * 86400_000, `AWSALBAPP lives 7 days whatever the stickiness duration: ${app}`);

  const stuck = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const v = await visit(port, '/', jar);
    assert.equal(v.status, 200);
    stuck.add(v.instance);
  }
  assert.deepEqual([...stuck], [login.instance], 'with both cookies every request reaches the instance that set the session');

  // AWSALBAPP-0 alone (the app's session cookie gone): no stickiness.
  const withoutApp = new Set<string>();
  for (let i = 0; i < 6; i++) withoutApp.add((await visit(port, '/', new Map([['AWSALBAPP-0', jar.get('AWSALBAPP-0')!]]))).instance);
  assert.equal(withoutApp.size, 2, 'without the app cookie requests alternate again');

  // A tampered AWSALBAPP-0 is ignored, never an error.
  const tampered: Jar = new Map([['SESSIONID', jar.get('SESSIONID')!], ['AWSALBAPP-0', jar.get('AWSALBAPP-0')!.slice(0, -4) + 'AAAA']]);
  assert.equal((await visit(port, '/', tampered)).status, 200);

  // The sticky instance dies: the next request goes to the other one, with a new AWSALBAPP-0 naming it.
  const oldValue = jar.get('AWSALBAPP-0');
  await (login.instance.endsWith('instance-a') ? a : b).kill();
  const moved = await visit(port, '/', jar);
  assert.equal(moved.status, 200);
  assert.notEqual(moved.instance, login.instance);
  assert.ok(moved.setCookies.has('AWSALBAPP-0') && jar.get('AWSALBAPP-0') !== oldValue, 'a new AWSALBAPP-0 names the new instance');
  for (let i = 0; i < 5; i++) assert.equal((await visit(port, '/', jar)).instance, moved.instance);
});

test('AWSALBTG: a 50/50 weighted forward keeps a client on one target group; weight 0 moves it with a new cookie', async (t) => {
  const { a, b, dataDir, port } = await tutorialInstances(t);
  const file = (weightA: number, weightB: number) => config({
    loadBalancer: 'group-sticky-alb',
    listeners: [{
      port,
      action: {
        type: 'forward',
        forwardConfig: {
          targetGroups: [{ targetGroupName: 'blue', weight: weightA }, { targetGroupName: 'green', weight: weightB }],
          targetGroupStickinessConfig: { enabled: true, durationSeconds: 3600 },
        },
      },
    }],
    targetGroups: [{ name: 'blue', ports: [a.port] }, { name: 'green', ports: [b.port] }],
  });
  await applyOk(await writeConfig(dataDir, 'groups.yaml', file(50, 50)), dataDir);
  await serve(t, dataDir, port);
  await allHealthy(dataDir);

  const jar: Jar = new Map();
  const first = await visit(port, '/', jar);
  assert.equal(first.status, 200);
  assert.match(first.setCookies.get('AWSALBTG')!, /^AWSALBTG=[A-Za-z0-9_-]+; Expires=[^;]+; Path=\/$/);
  assert.match(first.setCookies.get('AWSALBTGCORS')!, /^AWSALBTGCORS=[A-Za-z0-9_-]+; Expires=[^;]+; Path=\/; SameSite=None; Secure$/);
  const stuck = new Set<string>();
  for (let i = 0; i < 30; i++) stuck.add((await visit(port, '/', jar)).instance);
  assert.deepEqual([...stuck], [first.instance], 'with AWSALBTG every request reaches the same target group');

  // Without the cookie, the weighted choice: both groups within 40 requests (each misses with 2^-40).
  const free = new Set<string>();
  for (let i = 0; i < 40 && free.size < 2; i++) free.add((await visit(port, '/')).instance);
  assert.equal(free.size, 2, 'without the cookie both groups get requests');

  // A tampered AWSALBTG is ignored.
  const tampered: Jar = new Map([['AWSALBTG', jar.get('AWSALBTG')!.slice(0, -4) + 'AAAA']]);
  assert.equal((await visit(port, '/', tampered)).status, 200);

  // The named group's weight goes to 0: the next request goes to the other group, with a new AWSALBTG.
  const stuckOnBlue = first.instance.endsWith('instance-a');
  await applyOk(await writeConfig(dataDir, 'groups-2.yaml', stuckOnBlue ? file(0, 100) : file(100, 0)), dataDir);
  const oldValue = jar.get('AWSALBTG');
  const moved = await pollUntil(async () => {
    const probe: Jar = new Map(jar);
    const v = await visit(port, '/', probe);
    assert.equal(v.status, 200);
    return v.instance !== first.instance ? { v, probe } : undefined;
  }, { timeoutMs: 10_000, intervalMs: 100, what: 'the weight change to reach the data plane' });
  assert.ok(moved.probe.get('AWSALBTG') !== oldValue, 'a new AWSALBTG names the other group');
  for (let i = 0; i < 5; i++) assert.equal((await visit(port, '/', moved.probe)).instance, moved.v.instance);
});
