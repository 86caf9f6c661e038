/*
 * Stickiness cookies the data plane cannot honour, in one process against loopback targets:
 * AWSALBAPP-0 naming a target that is draining or no longer registered, AWSALBTG naming a group
 * that was removed from the forward or has weight 0, and expired values of
 * either. Each time the request goes where the balancer (or the weights) send it, with no error,
 * and the response carries a new cookie naming where it went.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { DataPlane } from '../../src/dataplane/index.ts';
import { encodeStickyCookie, stickyGroupId } from '../../src/dataplane/stickiness/lb-cookie.ts';
import type { TargetGroupSnapshot } from '../../src/snapshot/index.ts';
import { applyHealthy, closersAfterAll, listenerSnapshot, snapshot, targetGroupSnapshot } from '../helpers/dataplane.ts';
import { freePort, host } from '../helpers/net.ts';
import { startHttpTarget } from '../helpers/raw-targets.ts';

const closers = closersAfterAll();

const key = randomBytes(32);
const nowSec = (): number => (Date.now() / 1000) | 0;

/** A target answering its name; `/login` also sets the app's SESSIONID cookie. */
async function named(name: string): Promise<number> {
  const t = await startHttpTarget((req, res) => {
    if (req.url === '/login') res.setHeader('set-cookie', 'SESSIONID=s-' + name + '; Path=/');
    res.end(name);
  });
  closers.push(() => t.close());
  return t.port;
}

const group = (name: string, ports: number[], attributes: Record<string, string> = {}, draining: number[] = []): TargetGroupSnapshot =>
  targetGroupSnapshot(`arn:aws:elasticloadbalancing:local:000000000000:targetgroup/${name}/0123456789abcdef`, ports, attributes, { name, draining });

const appSticky = {
  'stickiness.enabled': 'true',
  'stickiness.type': 'app_cookie',
  'stickiness.app_cookie.cookie_name': 'SESSIONID',
  'stickiness.app_cookie.duration_seconds': '3600',
};

/** One data plane, one listener; `apply` swaps in its groups and default action. */
async function plane(): Promise<{ port: number; apply(groups: TargetGroupSnapshot[], forward: Array<{ group: TargetGroupSnapshot; weight: number }>): void }> {
  const port = await freePort();
  const p = new DataPlane(() => undefined);
  closers.push(() => p.close());
  let version = 0;
  const apply = (groups: TargetGroupSnapshot[], forward: Array<{ group: TargetGroupSnapshot; weight: number }>): void =>
    applyHealthy(p, snapshot(groups, [listenerSnapshot({
      port, arn: 'listener',
      defaultActions: [{
        type: 'forward',
        forwardConfig: {
          targetGroups: forward.map((f) => ({ targetGroupArn: f.group.arn, weight: f.weight })),
          targetGroupStickinessConfig: { enabled: true, durationSeconds: 3600 },
        },
      }],
    })], { version: ++version, stickinessKey: key.toString('base64') }));
  return { port, apply };
}

async function waitBound(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.request({ host, port, path: '/', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(true));
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`listener on ${port} did not bind`);
}

/** GET with `cookie`: which target answered, and the value of each cookie the response set. */
function get(port: number, path: string, cookie?: string): Promise<{ status: number; body: string; set: Map<string, string> }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path, agent: false, headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const set = new Map<string, string>();
        for (const c of res.headers['set-cookie'] ?? []) {
          const pair = c.split(';')[0]!;
          const eq = pair.indexOf('=');
          set.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        resolve({ status: res.statusCode!, body, set });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const appCookie = (g: TargetGroupSnapshot, port: number, expiresAtSec = nowSec() + 3600): string =>
  encodeStickyCookie(key, 'app', { group: stickyGroupId(g.arn), target: `127.0.0.1:${port}`, expiresAtSec });
const groupCookie = (g: TargetGroupSnapshot, expiresAtSec = nowSec() + 3600): string =>
  encodeStickyCookie(key, 'tg', { group: 0, target: stickyGroupId(g.arn).toString(36), expiresAtSec });

test('AWSALBAPP-0 naming a draining or deregistered target: another target answers, and a new cookie names it', async () => {
  const a = await named('a');
  const b = await named('b');
  const lb = await plane();
  const web = group('web', [a, b], appSticky);
  lb.apply([web], [{ group: web, weight: 1 }]);
  await waitBound(lb.port);

  const login = await get(lb.port, '/login');
  assert.equal(login.set.get('SESSIONID'), 's-' + login.body);
  assert.ok(login.set.has('AWSALBAPP-0'));
  const session = `SESSIONID=${login.set.get('SESSIONID')}; AWSALBAPP-0=${login.set.get('AWSALBAPP-0')}`;
  for (let i = 0; i < 4; i++) assert.equal((await get(lb.port, '/', session)).body, login.body);

  // A valid cookie naming b, with b draining: a answers, with an AWSALBAPP-0 that sticks to a.
  const draining = group('web', [a, b], appSticky, [b]);
  lb.apply([draining], [{ group: draining, weight: 1 }]);
  const toDraining = await get(lb.port, '/', `SESSIONID=x; AWSALBAPP-0=${appCookie(web, b)}`);
  assert.equal(toDraining.status, 200);
  assert.equal(toDraining.body, 'a');
  const renewed = toDraining.set.get('AWSALBAPP-0');
  assert.ok(renewed, 'the session gets a new cookie though the app set none');
  for (let i = 0; i < 4; i++) assert.equal((await get(lb.port, '/', `SESSIONID=x; AWSALBAPP-0=${renewed}`)).body, 'a');

  // b deregistered altogether: the same.
  const gone = group('web', [a], appSticky);
  lb.apply([gone], [{ group: gone, weight: 1 }]);
  const toGone = await get(lb.port, '/', `SESSIONID=x; AWSALBAPP-0=${appCookie(web, b)}`);
  assert.equal(toGone.body, 'a');
  assert.ok(toGone.set.has('AWSALBAPP-0'));

  // An expired value is no session at all: no cookie unless the app sets its own.
  lb.apply([web], [{ group: web, weight: 1 }]);
  const expired = await get(lb.port, '/', `SESSIONID=x; AWSALBAPP-0=${appCookie(web, b, nowSec() - 1)}`);
  assert.equal(expired.status, 200);
  assert.equal(expired.set.has('AWSALBAPP-0'), false);
});

test('AWSALBTG naming a removed group, a group of weight 0, or expired: weighted choice and a new cookie', async () => {
  const a = await named('blue');
  const b = await named('green');
  const lb = await plane();
  const blue = group('blue', [a]);
  const green = group('green', [b]);
  lb.apply([blue, green], [{ group: blue, weight: 1 }, { group: green, weight: 1 }]);
  await waitBound(lb.port);

  // A valid cookie for green keeps a client there.
  for (let i = 0; i < 6; i++) {
    const r = await get(lb.port, '/', `AWSALBTG=${groupCookie(green)}`);
    assert.equal(r.body, 'green');
    assert.ok(r.set.has('AWSALBTG') && r.set.has('AWSALBTGCORS'));
  }

  const lands = async (cookie: string): Promise<{ body: string; next: string }> => {
    const r = await get(lb.port, '/', cookie);
    assert.equal(r.status, 200);
    const next = r.set.get('AWSALBTG');
    assert.ok(next, 'a new AWSALBTG');
    return { body: r.body, next };
  };

  // green's weight 0: blue, and the new cookie keeps the client on blue.
  lb.apply([blue, green], [{ group: blue, weight: 1 }, { group: green, weight: 0 }]);
  const zero = await lands(`AWSALBTG=${groupCookie(green)}`);
  assert.equal(zero.body, 'blue');
  lb.apply([blue, green], [{ group: blue, weight: 1 }, { group: green, weight: 1 }]);
  for (let i = 0; i < 4; i++) assert.equal((await get(lb.port, '/', `AWSALBTG=${zero.next}`)).body, 'blue');

  // green removed from the forward.
  lb.apply([blue, green], [{ group: blue, weight: 1 }]);
  assert.equal((await get(lb.port, '/', `AWSALBTG=${groupCookie(green)}`)).body, 'blue');

  // Expired: ignored, the weighted choice picks (both groups over enough requests).
  lb.apply([blue, green], [{ group: blue, weight: 1 }, { group: green, weight: 1 }]);
  const seen = new Set<string>();
  for (let i = 0; i < 40 && seen.size < 2; i++) seen.add((await lands(`AWSALBTG=${groupCookie(green, nowSec() - 1)}`)).body);
  assert.deepEqual([...seen].sort(), ['blue', 'green']);
});
