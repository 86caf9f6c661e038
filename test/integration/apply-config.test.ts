/*
 * `albatross apply` against a real SQLite store in a temp dir: the tutorial file creates everything,
 * applying it again changes nothing, edits become updates, registrations and drains, --prune
 * removes what the file dropped, and a bad file, a busy port or a host name that does not resolve
 * changes nothing at all (same config version, same contents). A dry run writes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net, { type AddressInfo } from 'node:net';
import { AlbatrossError, type Problem } from '../../src/model/index.ts';
import { SqliteStateStore } from '../../src/store/sqlite/sqlite-state-store.ts';
import { readConfigFile } from '../../src/config/config-file.ts';
import { applyConfig, planConfig, readKnownResources, type ApplyOptions, type Change } from '../../src/config/apply-config.ts';
import { formatChange, runApply } from '../../src/cli/commands/apply.ts';
import { freePorts } from '../helpers/net.ts';

const tutorial = readFileSync(resolve(import.meta.dirname, '../../examples/tutorial.yaml'), 'utf8');
const t0 = 1_700_000_000_000;

interface Fixture {
  dir: string;
  store: SqliteStateStore;
  /** Writes `text` to a file, reads it as `albatross apply` does and applies it. */
  apply(text: string, opts?: ApplyOptions): Promise<Change[]>;
}

function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'albatross-apply-'));
  const store = new SqliteStateStore(join(dir, 'data'));
  test.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let n = 0;
  return {
    dir,
    store,
    async apply(text, opts = {}) {
      const file = join(dir, `config-${n++}.yaml`);
      writeFileSync(file, text);
      const desired = await readConfigFile(file, { existing: await readKnownResources(store), prune: opts.prune ?? false });
      return applyConfig(store, desired, { now: t0, ...opts });
    },
  };
}

/** The tutorial file with its listener on a port that is free here (8000 may not be). */
async function tutorialOnFreePort(): Promise<{ text: string; port: number }> {
  const [port] = await freePorts(1);
  return { text: tutorial.replace('port: 8000', `port: ${port}`), port: port! };
}

/** Everything the store holds, for "nothing changed" comparisons. */
async function dump(store: SqliteStateStore): Promise<unknown> {
  const version = await store.configVersion();
  const contents = await store.transaction(async (tx) => {
    const groups = await tx.listTargetGroups();
    return {
      groups,
      targets: await Promise.all(groups.map((g) => tx.listTargets(g.arn))),
      loadBalancers: await tx.listLoadBalancers(),
      listeners: await tx.listListeners(),
    };
  });
  return { version, contents };
}

async function problemsOf(promise: Promise<unknown>): Promise<Problem[]> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AlbatrossError, `expected an AlbatrossError, got ${String(err)}`);
    return [...err.problems];
  }
  assert.fail('the apply succeeded');
}

const lines = (changes: Change[], dryRun = false): string[] => changes.map((c) => formatChange(c, dryRun));

test('applying the tutorial creates everything, and applying it again changes nothing', async () => {
  const f = fixture();
  const { text, port } = await tutorialOnFreePort();
  const changes = await f.apply(text);
  assert.deepEqual(lines(changes), [
    'created target group tutorial-tg (HTTP:8080, instance)',
    'registered target 127.0.0.1:8081 in tutorial-tg',
    'registered target 127.0.0.1:8082 in tutorial-tg',
    'created load balancer tutorial-alb (internet-facing, ipv4)',
    `created listener HTTP:${port} of tutorial-alb (forward to tutorial-tg)`,
  ]);

  await f.store.transaction(async (tx) => {
    const tg = await tx.findTargetGroupByName('tutorial-tg');
    assert.ok(tg);
    assert.match(tg.arn, /^arn:aws:elasticloadbalancing:local:000000000000:targetgroup\/tutorial-tg\/[0-9a-f]{16}$/);
    assert.equal(tg.healthCheck.path, '/status');
    assert.equal(tg.healthCheck.intervalSeconds, 5);
    assert.equal(tg.healthCheck.timeoutSeconds, 2);
    assert.equal(tg.attributes['deregistration_delay.timeout_seconds'], '30');
    const targets = await tx.listTargets(tg.arn);
    assert.deepEqual(targets.map((t) => [t.id, t.port, t.registeredAt, t.drainUntil]), [
      ['127.0.0.1', 8081, t0, undefined],
      ['127.0.0.1', 8082, t0, undefined],
    ]);
    const lb = await tx.findLoadBalancerByName('tutorial-alb');
    assert.ok(lb);
    assert.equal(lb.scheme, 'internet-facing');
    const [listener, ...more] = await tx.listListeners(lb.arn);
    assert.equal(more.length, 0);
    assert.equal(listener!.port, port);
    assert.equal(listener!.defaultActions[0]!.type, 'forward');
    assert.equal(listener!.defaultActions[0]!.type === 'forward' && listener!.defaultActions[0]!.targetGroupArn, tg.arn);
  });

  const before = await dump(f.store);
  assert.deepEqual(await f.apply(text, { now: t0 + 60_000 }), []);
  assert.deepEqual(await dump(f.store), before, 'an apply without changes writes nothing');
});

test('attributes added to Albatross after a resource was saved count as their defaults, not as changes', async () => {
  const f = fixture();
  const { text } = await tutorialOnFreePort();
  await f.apply(text);
  // A store written before these attributes existed lacks their keys.
  await f.store.transaction(async (tx) => {
    const tg = (await tx.findTargetGroupByName('tutorial-tg'))!;
    const { 'albatross.retry.enabled': _retry, ...olderTg } = tg.attributes;
    await tx.putTargetGroup({ ...tg, attributes: olderTg });
    const lb = (await tx.findLoadBalancerByName('tutorial-alb'))!;
    const { 'routing.http2.enabled': _h2, ...olderLb } = lb.attributes;
    await tx.putLoadBalancer({ ...lb, attributes: olderLb });
  });
  assert.deepEqual(lines(await f.apply(text)), []);
  const changed = text.replace('stickiness.enabled: false', 'stickiness.enabled: true');
  assert.deepEqual(lines(await f.apply(changed)), ['updated target group tutorial-tg (attributes: stickiness.enabled false -> true)']);
});

test('a changed attribute or health check setting is an update', async () => {
  const f = fixture();
  const { text } = await tutorialOnFreePort();
  await f.apply(text);
  const edited = text
    .replace('idle_timeout.timeout_seconds: 60', 'idle_timeout.timeout_seconds: 120')
    .replace('healthCheckPath: /status', 'healthCheckPath: /health')
    .replace('stickiness.enabled: false', 'stickiness.enabled: true');
  assert.deepEqual(lines(await f.apply(edited)), [
    'updated target group tutorial-tg (healthCheckPath /status -> /health, attributes: stickiness.enabled false -> true)',
    'updated load balancer tutorial-alb (attributes: idle_timeout.timeout_seconds 60 -> 120)',
  ]);
  await f.store.transaction(async (tx) => {
    assert.equal((await tx.findTargetGroupByName('tutorial-tg'))!.healthCheck.path, '/health');
    assert.equal((await tx.findLoadBalancerByName('tutorial-alb'))!.attributes['idle_timeout.timeout_seconds'], '120');
  });
  assert.deepEqual(await f.apply(edited), []);
});

test('a target missing from the file drains for the deregistration delay; listing it again re-registers it', async () => {
  const f = fixture();
  const { text } = await tutorialOnFreePort();
  await f.apply(text);
  const without8082 = text.replace(/      - id: 127\.0\.0\.1\n        port: 8082\n/, '');
  assert.notEqual(without8082, text);

  assert.deepEqual(lines(await f.apply(without8082, { now: t0 + 1000 })), ['deregistered target 127.0.0.1:8082 from tutorial-tg (draining 30 s)']);
  const drainingTarget = async () =>
    f.store.transaction(async (tx) => (await tx.listTargets((await tx.findTargetGroupByName('tutorial-tg'))!.arn)).find((t) => t.port === 8082));
  assert.equal((await drainingTarget())!.drainUntil, t0 + 1000 + 30_000);
  // Still draining and still not listed: nothing to do.
  assert.deepEqual(await f.apply(without8082, { now: t0 + 2000 }), []);

  assert.deepEqual(lines(await f.apply(text, { now: t0 + 3000 })), ['registered target 127.0.0.1:8082 in tutorial-tg (was draining)']);
  const back = await drainingTarget();
  assert.equal(back!.drainUntil, undefined);
  assert.equal(back!.registeredAt, t0 + 3000);
});

test('with a deregistration delay of 0 a removed target goes at once', async () => {
  const f = fixture();
  const { text } = await tutorialOnFreePort();
  const noDelay = text.replace('deregistration_delay.timeout_seconds: 30', 'deregistration_delay.timeout_seconds: 0');
  await f.apply(noDelay);
  const changes = await f.apply(noDelay.replace(/      - id: 127\.0\.0\.1\n        port: 8082\n/, ''));
  assert.deepEqual(lines(changes), ['deregistered target 127.0.0.1:8082 from tutorial-tg (removed at once: deregistration delay is 0)']);
  const ports = await f.store.transaction(async (tx) => (await tx.listTargets((await tx.findTargetGroupByName('tutorial-tg'))!.arn)).map((t) => t.port));
  assert.deepEqual(ports, [8081]);
});

test('listeners are matched by port: a new port is created, a dropped one removed, a changed action updated', async () => {
  const f = fixture();
  const { text, port } = await tutorialOnFreePort();
  await f.apply(text);
  const [other] = await freePorts(1);
  const moved = text
    .replace(`port: ${port}`, `port: ${other}`)
    .replace('targetGroups:\n', 'targetGroups:\n  - name: maintenance-tg\n    port: 9090\n');
  assert.deepEqual(lines(await f.apply(moved)), [
    'created target group maintenance-tg (HTTP:9090, instance)',
    `removed listener HTTP:${port} of tutorial-alb`,
    `created listener HTTP:${other} of tutorial-alb (forward to tutorial-tg)`,
  ]);
  const retargeted = moved.replace('targetGroupName: tutorial-tg', 'targetGroupName: maintenance-tg');
  assert.deepEqual(lines(await f.apply(retargeted)), [`updated listener HTTP:${other} of tutorial-alb (defaultActions: forward to maintenance-tg)`]);
  assert.deepEqual(await f.apply(retargeted), []);
});

test('a bad file leaves the store exactly as it was', async () => {
  const f = fixture();
  const { text } = await tutorialOnFreePort();
  await f.apply(text);
  const before = await dump(f.store);

  // Problems the file shows by itself: several at once, nothing written.
  const bad = text
    .replace('healthCheckIntervalSeconds: 5', 'healthCheckIntervalSeconds: 1')
    .replace('targetGroupName: tutorial-tg', 'targetGroupName: nosuch-tg')
    .replace('scheme: internet-facing', 'scheme: public\n    colour: blue');
  const problems = await problemsOf(f.apply(bad));
  assert.deepEqual(problems.map((p) => p.path).sort(), [
    'loadBalancers[0].colour',
    'loadBalancers[0].listeners[0].defaultActions[0].targetGroupName',
    'loadBalancers[0].scheme',
    'targetGroups[0].healthCheckIntervalSeconds', // out of range, so not also compared with the timeout
  ]);
  assert.deepEqual(await dump(f.store), before);

  // Problems only the store shows (fields ALB cannot modify), next to good changes: still nothing.
  const immutable = text
    .replace('port: 8080', 'port: 9090')
    .replace('protocolVersion: HTTP1', 'protocolVersion: HTTP2')
    .replace('idle_timeout.timeout_seconds: 60', 'idle_timeout.timeout_seconds: 90');
  const immutableProblems = await problemsOf(f.apply(immutable));
  assert.deepEqual(immutableProblems.map((p) => p.path), ['targetGroups[0].port', 'targetGroups[0].protocolVersion']);
  assert.match(immutableProblems[0]!.message, /port 8080, and port cannot be modified: delete the target group first/);
  assert.deepEqual(await dump(f.store), before);
});

test('a new listener port that something else on this host holds is reported, and nothing changes', async () => {
  const f = fixture();
  const holder = net.createServer();
  await new Promise<void>((done) => holder.listen(0, '0.0.0.0', done));
  test.after(() => new Promise<void>((done) => holder.close(() => done())));
  const busy = (holder.address() as AddressInfo).port;

  const before = await dump(f.store);
  const text = tutorial.replace('port: 8000', `port: ${busy}`);
  const problems = await problemsOf(f.apply(text));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, 'loadBalancers[0].listeners[0].port');
  assert.equal(problems[0]!.message, `port ${busy} is already in use on this host`);
  assert.deepEqual(await dump(f.store), before);
});

test('an instance target whose host name does not resolve is reported, and nothing changes', async () => {
  const f = fixture();
  const { text } = await tutorialOnFreePort();
  const before = await dump(f.store);
  const problems = await problemsOf(f.apply(text.replace('- id: 127.0.0.1\n        port: 8082', '- id: nosuch.invalid\n        port: 8082')));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, 'targetGroups[0].targets[1].id');
  assert.match(problems[0]!.message, /^target 'nosuch\.invalid' does not resolve/);
  assert.deepEqual(await dump(f.store), before);
});

test('--prune removes what the file no longer names, but not a group a listener still uses', async () => {
  const f = fixture();
  const { text, port } = await tutorialOnFreePort();
  const [extraPort] = await freePorts(1);
  const extra = `${text}
  - name: extra-alb
    listeners:
      - port: ${extraPort}
        defaultActions: [{ type: forward, targetGroupName: extra-tg }]
`.replace('targetGroups:\n', 'targetGroups:\n  - name: extra-tg\n    targets: [{ id: 127.0.0.1, port: 9001 }]\n');
  await f.apply(extra);

  // Without --prune, resources the file does not name are left alone.
  assert.deepEqual(await f.apply(text), []);

  // A listener of the file forwarding to a group --prune would remove: refused, nothing written.
  const before = await dump(f.store);
  const usesExtra = text.replace('targetGroupName: tutorial-tg', 'targetGroupName: extra-tg');
  const problems = await problemsOf(f.apply(usesExtra, { prune: true }));
  assert.deepEqual(problems.map((p) => [p.path, p.code]), [['loadBalancers[0].listeners[0].defaultActions[0].targetGroupName', 'ResourceInUse']]);
  assert.deepEqual(await dump(f.store), before);

  assert.deepEqual(lines(await f.apply(text, { prune: true })), [
    `removed load balancer extra-alb (with listeners HTTP:${extraPort})`,
    'removed target group extra-tg',
  ]);
  await f.store.transaction(async (tx) => {
    assert.deepEqual((await tx.listTargetGroups()).map((g) => g.name), ['tutorial-tg']);
    assert.deepEqual((await tx.listLoadBalancers()).map((lb) => lb.name), ['tutorial-alb']);
    assert.deepEqual((await tx.listListeners()).map((l) => l.port), [port]);
  });
});

test('a dry run reports the plan and writes nothing', async () => {
  const f = fixture();
  const { text } = await tutorialOnFreePort();
  const before = await dump(f.store);
  const changes = await f.apply(text, { dryRun: true });
  assert.equal(lines(changes, true)[0], 'would create target group tutorial-tg (HTTP:8080, instance)');
  assert.equal(changes.length, 5);
  assert.deepEqual(await dump(f.store), before);

  // planConfig is the same plan, read-only.
  const desired = await readConfigFile(join(f.dir, 'config-0.yaml'));
  assert.deepEqual((await planConfig(f.store, desired, { now: t0 })).changes, changes);
  assert.deepEqual(await dump(f.store), before);
});

test('the apply command prints one line per change, or every problem and exit code 1', async () => {
  const f = fixture();
  const { text, port } = await tutorialOnFreePort();
  const file = join(f.dir, 'albatross.yaml');
  writeFileSync(file, text);
  const dataDir = join(f.dir, 'cli-data');
  const run = async (opts: { file: string; dryRun?: boolean }) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runApply({ ...opts, dataDir }, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };

  const dry = await run({ file, dryRun: true });
  assert.equal(dry.code, 0);
  assert.equal(dry.out.length, 5);
  assert.ok(dry.out.every((l) => l.startsWith('would ')));

  const first = await run({ file });
  assert.deepEqual(first, {
    code: 0,
    out: [
      'created target group tutorial-tg (HTTP:8080, instance)',
      'registered target 127.0.0.1:8081 in tutorial-tg',
      'registered target 127.0.0.1:8082 in tutorial-tg',
      'created load balancer tutorial-alb (internet-facing, ipv4)',
      `created listener HTTP:${port} of tutorial-alb (forward to tutorial-tg)`,
    ],
    err: [],
  });
  assert.deepEqual(await run({ file }), { code: 0, out: ['no changes'], err: [] });

  const badFile = join(f.dir, 'bad.yaml');
  writeFileSync(badFile, 'targetGroups:\n  - name: tutorial-tg\n    port: eighty\n    healthyThresholdCount: 11\n');
  const bad = await run({ file: badFile });
  assert.equal(bad.code, 1);
  assert.deepEqual(bad.out, []);
  assert.deepEqual(bad.err, [
    `error: 2 problems in ${badFile}:`,
    '  targetGroups[0].port: must be a number, got "eighty" (line 3)',
    '  targetGroups[0].healthyThresholdCount: healthyThresholdCount must be an integer from 2 to 10, got 11 (line 4)',
  ]);
});
