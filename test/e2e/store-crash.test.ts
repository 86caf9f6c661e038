// The store survives crashes: while `serve` runs, two configurations A and B (different targets,
// health checks and attributes) are applied over and over, concurrently, with some `apply`
// processes SIGKILLed mid-run, and finally the server is SIGKILLed too. The store then passes
// SQLite's integrity check and holds exactly A or exactly B; a bad file applied afterwards changes
// nothing; and `serve` starts again on it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort, freePorts, request } from '../helpers/net.ts';
import { delay } from '../helpers/poll.ts';
import {
  apply,
  applyOk,
  removeTempDirs,
  spawnCli,
  startServer,
  status,
  tempDir,
  writeConfig,
  type CliResult,
} from '../helpers/albatross.ts';
import { stopProcess } from '../helpers/processes.ts';

after(removeTempDirs);

interface Variant {
  targets: number[];
  healthCheckPath: string;
  algorithm: string;
  stickiness: string;
  idleTimeout: string;
}

function file(listenerPort: number, v: Variant): Record<string, unknown> {
  return {
    targetGroups: [
      {
        name: 'crash-tg',
        protocol: 'HTTP',
        port: 8080,
        healthCheckPath: v.healthCheckPath,
        healthCheckIntervalSeconds: 5,
        healthCheckTimeoutSeconds: 2,
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
        attributes: {
          // 0: a deregistered target leaves at once, so the store holds exactly one file's targets.
          'deregistration_delay.timeout_seconds': 0,
          'load_balancing.algorithm.type': v.algorithm,
          'stickiness.enabled': v.stickiness,
        },
        targets: v.targets.map((port) => ({ id: '127.0.0.1', port })),
      },
    ],
    loadBalancers: [
      {
        name: 'crash-alb',
        scheme: 'internal',
        attributes: { 'idle_timeout.timeout_seconds': v.idleTimeout },
        listeners: [{ protocol: 'HTTP', port: listenerPort, defaultActions: [{ type: 'forward', targetGroupName: 'crash-tg' }] }],
      },
    ],
  };
}

/** What the store holds, in the terms of a Variant: read straight from the SQLite file. */
function readDesired(dbFile: string): { variant: Variant; listenerPorts: number[]; configVersion: number; dump: string } {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    assert.deepEqual(integrity, [{ integrity_check: 'ok' }]);
    const tgs = db.prepare('SELECT body FROM target_groups ORDER BY name').all() as Array<{ body: string }>;
    const lbs = db.prepare('SELECT body FROM load_balancers ORDER BY name').all() as Array<{ body: string }>;
    assert.equal(tgs.length, 1);
    assert.equal(lbs.length, 1);
    const tg = JSON.parse(tgs[0]!.body) as { arn: string; healthCheck: { path: string }; attributes: Record<string, string> };
    const lb = JSON.parse(lbs[0]!.body) as { attributes: Record<string, string> };
    const targets = (db.prepare('SELECT body FROM targets WHERE target_group_arn = ? ORDER BY port').all(tg.arn) as Array<{ body: string }>).map(
      (r) => JSON.parse(r.body) as { id: string; port: number; drainUntil?: number },
    );
    for (const t of targets) assert.equal(t.drainUntil, undefined, `target ${t.port} is draining`);
    const listeners = (db.prepare('SELECT body FROM listeners ORDER BY port').all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as { port: number });
    const version = Number((db.prepare(`SELECT value FROM meta WHERE key = 'config_version'`).get() as { value: string }).value);
    // Every table of desired state (all but the observed health the server keeps writing).
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{ name: string }>)
      .map((r) => r.name)
      .filter((name) => name !== 'target_health');
    assert.ok(tables.includes('targets') && tables.includes('meta'), `unexpected tables: ${tables.join(', ')}`);
    const dump = tables
      .map((table) => `${table}: ${(db.prepare(`SELECT * FROM "${table}"`).all() as unknown[]).map((row) => JSON.stringify(row)).sort().join('\n')}`)
      .join('\n');
    return {
      variant: {
        targets: targets.map((t) => t.port),
        healthCheckPath: tg.healthCheck.path,
        algorithm: tg.attributes['load_balancing.algorithm.type']!,
        stickiness: tg.attributes['stickiness.enabled']!,
        idleTimeout: lb.attributes['idle_timeout.timeout_seconds']!,
      },
      listenerPorts: listeners.map((l) => l.port),
      configVersion: version,
      dump,
    };
  } finally {
    db.close();
  }
}

test('store: SIGKILLed applies and a SIGKILLed server leave a whole state; a bad file changes nothing', async (t) => {
  const dir = await tempDir();
  const dataDir = join(dir, 'data');
  const dbFile = join(dataDir, 'albatross.db');
  const [t1, t2, t3, t4, t5] = (await freePorts(5)).sort((m, n) => m - n) as [number, number, number, number, number];
  const listenerPort = await freePort();
  const A: Variant = { targets: [t1, t2], healthCheckPath: '/status', algorithm: 'round_robin', stickiness: 'false', idleTimeout: '30' };
  const B: Variant = { targets: [t3, t4, t5], healthCheckPath: '/health', algorithm: 'least_outstanding_requests', stickiness: 'true', idleTimeout: '45' };
  const fileA = await writeConfig(dir, 'a.yaml', file(listenerPort, A));
  const fileB = await writeConfig(dir, 'b.yaml', file(listenerPort, B));

  let server = await startServer({ dataDir, workers: 1 });
  t.after(() => server.stop());
  await applyOk(fileA, dataDir);
  await server.waitForListener(listenerPort);

  // Rounds of two concurrent applies (A and B); in some rounds one of them is SIGKILLed after a
  // random moment (before, during or after its transaction).
  const results: Array<CliResult & { file: string; killed: boolean }> = [];
  const rounds = 16;
  for (let round = 0; round < rounds; round++) {
    const pair = round % 2 === 0 ? [fileA, fileB] : [fileB, fileA];
    const runs = pair.map((f) => ({ file: f, run: spawnCli(['apply', '-f', f, '--data-dir', dataDir]), killed: false }));
    if (round % 4 !== 3) {
      const victim = runs[round % 2]!;
      victim.killed = true;
      // An apply takes about a quarter of a second, most of it starting Node.
      void delay(80 + Math.floor(Math.random() * 250)).then(() => stopProcess(victim.run.child, 'SIGKILL', 0));
    }
    for (const r of runs) results.push({ ...(await r.run.done), file: r.file, killed: r.killed });
  }
  // Every apply that was not killed succeeded.
  for (const r of results.filter((x) => !x.killed)) assert.equal(r.code, 0, `${r.file}: ${r.stderr}`);
  const killedMidRun = results.filter((r) => r.killed && r.signal === 'SIGKILL').length;
  t.diagnostic(`${results.length} applies, ${killedMidRun} killed by SIGKILL before they finished`);
  assert.ok(killedMidRun > 0, 'no apply was killed before it finished: the test did not test crashes');

  // Finally, a last apply and the server are both SIGKILLed.
  const last = spawnCli(['apply', '-f', fileB, '--data-dir', dataDir]);
  await delay(100 + Math.floor(Math.random() * 300));
  await server.kill();
  await stopProcess(last.child, 'SIGKILL', 0);
  await last.done;

  // The crashed store: intact, and exactly A or exactly B.
  const crashed = readDesired(dbFile);
  assert.ok(
    JSON.stringify(crashed.variant) === JSON.stringify(A) || JSON.stringify(crashed.variant) === JSON.stringify(B),
    `the store holds neither A nor B: ${JSON.stringify(crashed.variant)}`,
  );
  assert.deepEqual(crashed.listenerPorts, [listenerPort]);
  const which = JSON.stringify(crashed.variant) === JSON.stringify(A) ? A : B;

  // `albatross status` opens it (recovering the WAL) and agrees.
  const groups = await status(dataDir);
  assert.deepEqual(
    groups.map((g) => ({ group: g.targetGroup, ports: g.targets.map((x) => x.port).sort((m, n) => m - n) })),
    [{ group: 'crash-tg', ports: which.targets }],
  );

  // A bad file changes nothing: broken YAML, and a file with bad values next to good changes.
  const before = readDesired(dbFile);
  const brokenYaml = await writeConfig(dir, 'broken.yaml', 'targetGroups:\n  - name: crash-tg\n    targets: [ {id: 127.0.0.1, port: 1\n  loadBalancers: ]\n');
  const r1 = await apply(brokenYaml, dataDir);
  assert.equal(r1.code, 1, r1.stdout + r1.stderr);
  assert.match(r1.stderr, /^error: /m);
  const other = which === A ? B : A;
  const badValues = file(listenerPort, other) as { targetGroups: Array<Record<string, unknown>> };
  badValues.targetGroups[0]!.healthCheckIntervalSeconds = 3;
  (badValues.targetGroups[0]!.attributes as Record<string, unknown>)['deregistration_delay.timeout_seconds'] = 99999;
  const badFile = await writeConfig(dir, 'bad-values.yaml', badValues);
  const r2 = await apply(badFile, dataDir);
  assert.equal(r2.code, 1, r2.stdout + r2.stderr);
  assert.match(r2.stderr, new RegExp(`^error: 2 problems in ${badFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:$`, 'm'));
  assert.match(r2.stderr, /^ {2}targetGroups\[0\]\.healthCheckIntervalSeconds: .+$/m);
  assert.match(r2.stderr, /^ {2}targetGroups\[0\]\.attributes\.deregistration_delay\.timeout_seconds: .+$/m);
  const afterBad = readDesired(dbFile);
  assert.equal(afterBad.dump, before.dump, 'a rejected file changed the store');
  assert.equal(afterBad.configVersion, before.configVersion);

  // And `serve` starts again on the crashed store, serving its listener.
  server = await startServer({ dataDir, workers: 1 });
  await server.waitForListener(listenerPort);
  const res = await request(listenerPort, { path: '/' });
  // Nothing listens on the targets' ports: a 502 from the load balancer itself proves it serves.
  assert.equal(res.status, 502, res.body);
});
