// Step 4 of the tutorial measured with `albatross loadtest`: two demo instances behind a listener,
// a load test reading target health from the admin endpoint; instance B is killed (SIGKILL) while
// it runs. The live output shows B turn unhealthy and the traffic move to A; Ctrl-C ends the run
// early with the report, which shows the same with 0 errors for GET, and writes the HTML page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePorts, request } from '../helpers/net.ts';
import { pollUntil, StopPolling } from '../helpers/poll.ts';
import { exited, isRunning, signalGroup, spawnTracked, stopProcess } from '../helpers/processes.ts';
import {
  albatrossBin,
  applyOk,
  config,
  detectionMs,
  fastHealthCheck,
  removeTempDirs,
  slackMs,
  spawnCli,
  startServer,
  tempDir,
  waitForTargetState,
  writeConfig,
} from '../helpers/albatross.ts';
import type { LoadTestReport } from '../../src/loadtest/report.ts';

after(removeTempDirs);

const healthyWithinMs = fastHealthCheck.healthCheckIntervalSeconds * 1000 * fastHealthCheck.healthyThresholdCount + slackMs;
/** Off a terminal, `loadtest` prints its progress every 5 s. */
const progressWithinMs = 5000 + slackMs;

/** `albatross demo-target` as a process of its own; resolves once it answers. */
async function startDemoTarget(name: string, port: number): Promise<ChildProcess> {
  const child = spawnTracked(process.execPath, [albatrossBin, 'demo-target', '--name', name, '--port', String(port)], { background: true });
  await pollUntil(
    async () => {
      if (!isRunning(child)) throw new StopPolling(`demo target ${name} exited`);
      return (await request(port, { path: '/status', timeoutMs: 2000 })).status === 200;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `demo target ${name} on port ${port}` },
  );
  return child;
}

test('loadtest: a killed target turns unhealthy, its traffic moves to the other, no GET fails', async (t) => {
  const dir = await tempDir();
  const dataDir = join(dir, 'data');
  const html = join(dir, 'report.html');
  const [portA, portB, listenerPort] = await freePorts(3);
  const a = await startDemoTarget('instance-a', portA!);
  t.after(() => stopProcess(a, 'SIGKILL', 0));
  const b = await startDemoTarget('instance-b', portB!);
  t.after(() => stopProcess(b, 'SIGKILL', 0));
  const server = await startServer({ dataDir, workers: 2 });
  t.after(() => server.stop());

  const file = await writeConfig(
    dir,
    'loadtest.yaml',
    config({ loadBalancer: 'loadtest-alb', listeners: [{ port: listenerPort!, targetGroup: 'loadtest-tg' }], targetGroups: [{ name: 'loadtest-tg', ports: [portA!, portB!] }] }),
  );
  await applyOk(file, dataDir);
  await server.waitForListener(listenerPort!);
  await waitForTargetState(dataDir, 'loadtest-tg', portA!, 'healthy', { timeoutMs: healthyWithinMs, server });
  await waitForTargetState(dataDir, 'loadtest-tg', portB!, 'healthy', { timeoutMs: healthyWithinMs, server });

  const url = `http://127.0.0.1:${listenerPort}/`;
  const adminUrl = `http://127.0.0.1:${server.adminPort}/`;
  const loadtest = spawnCli(['loadtest', url, '--duration', '120', '--connections', '4', '--admin-url', adminUrl, '--json', '--report', html]);
  t.after(() => stopProcess(loadtest.child, 'SIGKILL', 0));
  let stderr = '';
  loadtest.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const waitForStderr = (re: RegExp, from: number, timeoutMs: number, what: string): Promise<number> =>
    pollUntil(
      () => {
        const m = re.exec(stderr.slice(from));
        if (m) return from + m.index + m[0].length;
        if (!isRunning(loadtest.child)) throw new StopPolling('albatross loadtest exited');
        return undefined;
      },
      { timeoutMs, intervalMs: 100, what, context: () => `--- loadtest stderr ---\n${stderr}\n${server.logs()}` },
    );

  // Both instances get traffic (a progress line names both), then B dies.
  let at = await waitForStderr(/^\d+s\/120s .* instance-a [\d,]+ {2}instance-b [\d,]+$/m, 0, progressWithinMs, 'a progress line with traffic to both instances');
  signalGroup(b, 'SIGKILL');
  await exited(b);
  at = await waitForStderr(
    new RegExp(`^[\\d.]+s {2}127\\.0\\.0\\.1:${portB} unhealthy: Target\\.FailedHealthChecks$`, 'm'),
    at,
    detectionMs + slackMs,
    'the load test to report instance B unhealthy',
  );
  // The next progress line: all traffic on A.
  await waitForStderr(/^\d+s\/120s .* 0 errors .* instance-a [\d,]+$/m, at, progressWithinMs, 'a progress line with traffic to instance A only');

  process.kill(loadtest.child.pid!, 'SIGINT');
  const result = await loadtest.done;
  const context = `exit ${result.code ?? result.signal}\n--- stderr ---\n${result.stderr}`;
  const report = JSON.parse(result.stdout) as LoadTestReport;

  assert.ok(report.durationSeconds < 120, `Ctrl-C ended the run early: ${report.durationSeconds} s`);
  const unhealthy = report.health.changes.find((m) => m.target === `127.0.0.1:${portB}` && m.state === 'unhealthy');
  assert.ok(unhealthy, `no unhealthy mark for B: ${JSON.stringify(report.health)}`);
  assert.deepEqual(report.health.initial.map((m) => m.state), ['healthy', 'healthy']);
  const first = report.timeline[1]!;
  assert.ok((first.responses['instance-a'] ?? 0) > 0 && (first.responses['instance-b'] ?? 0) > 0, JSON.stringify(first));
  const afterUnhealthy = report.timeline.filter((s) => s.second > unhealthy.atSeconds && s.second + 1 <= report.durationSeconds);
  assert.ok(afterUnhealthy.length >= 1, context);
  for (const s of afterUnhealthy) assert.deepEqual(Object.keys(s.responses), ['instance-a'], `second ${s.second}: ${JSON.stringify(s.responses)}`);
  assert.deepEqual(report.errors, { total: 0, byKind: {} }, `errors while B died: ${JSON.stringify(report.errors)}`);
  assert.equal(result.code, 0, context);

  const page = await readFile(html, 'utf8');
  assert.match(page, new RegExp(`127\\.0\\.0\\.1:${portB} unhealthy: Target\\.FailedHealthChecks`));
});
