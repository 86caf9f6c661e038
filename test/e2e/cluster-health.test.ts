// Cluster workers share one view: with `--workers 2`, health is checked once per target of a
// target group by the supervisor, not once per worker (a target sees about one probe per
// interval), and a target that fails its checks gets no request from any worker.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePort, request } from '../helpers/net.ts';
import { delay, pollUntil } from '../helpers/poll.ts';
import { startHttpTarget } from '../helpers/raw-targets.ts';
import {
  applyOk,
  config,
  detectionMs,
  fastHealthCheck,
  removeTempDirs,
  slackMs,
  startServer,
  tempDir,
  waitForTargetState,
  writeConfig,
} from '../helpers/albatross.ts';

after(removeTempDirs);

interface Probe {
  at: number;
  userAgent: string | undefined;
}

async function countingTarget(name: string, statusCode: number) {
  const probes: Probe[] = [];
  const traceIds: string[] = [];
  const target = await startHttpTarget((req, res) => {
    if (req.url === '/status') {
      probes.push({ at: Date.now(), userAgent: req.headers['user-agent'] });
      res.writeHead(statusCode, { 'content-type': 'text/plain' }).end(statusCode === 200 ? 'OK' : 'failing');
      return;
    }
    traceIds.push(String(req.headers['x-amzn-trace-id']));
    res.writeHead(200, { 'content-type': 'text/plain', 'x-trace-id-seen': String(req.headers['x-amzn-trace-id']) }).end(`hello from ${name}`);
  });
  return { ...target, name, probes, traceIds };
}

test('cluster: one health check per target per interval for the node, one view of health in every worker', async (t) => {
  const good = await countingTarget('good', 200);
  t.after(() => good.close());
  const bad = await countingTarget('bad', 503);
  t.after(() => bad.close());

  const dir = await tempDir();
  const dataDir = join(dir, 'data');
  const server = await startServer({ dataDir, workers: 2 });
  t.after(() => server.stop());
  assert.equal((await server.workerPids()).length, 2);
  const port = await freePort();
  await applyOk(
    await writeConfig(dir, 'cluster.yaml', config({ loadBalancer: 'cluster-alb', listeners: [{ port, targetGroup: 'cluster-tg' }], targetGroups: [{ name: 'cluster-tg', ports: [good.port, bad.port] }] })),
    dataDir,
  );
  await server.waitForListener(port);
  await waitForTargetState(dataDir, 'cluster-tg', good.port, 'healthy', { timeoutMs: detectionMs + slackMs, server });
  await waitForTargetState(dataDir, 'cluster-tg', bad.port, 'unhealthy', { reason: 'Target.ResponseCodeMismatch', timeoutMs: detectionMs + slackMs, server });

  // New connections until both workers have forwarded requests (each worker stamps its own
  // trace-id prefix): none of them goes to the unhealthy target.
  const prefixes = new Set<string>();
  const answers = new Map<string, number>();
  await pollUntil(
    async () => {
      const res = await request(port, { path: '/' });
      answers.set(`${res.status} ${res.body}`, (answers.get(`${res.status} ${res.body}`) ?? 0) + 1);
      const trace = /^Root=1-[0-9a-f]{8}-([0-9a-f]{12})[0-9a-f]{12}$/.exec(String(res.headers['x-trace-id-seen']));
      if (trace) prefixes.add(trace[1]!);
      return prefixes.size >= 2;
    },
    { timeoutMs: 20_000, intervalMs: 0, what: 'requests forwarded by both workers', context: () => JSON.stringify([...answers]) },
  );
  assert.deepEqual([...answers.keys()], ['200 hello from good'], JSON.stringify([...answers]));
  t.diagnostic(`both workers forwarded within ${answers.get('200 hello from good')} new connections`);
  assert.equal(bad.traceIds.length, 0);

  // The probe rate is a matter of elapsed time: observe at least 12 s from the first probe.
  const first = Math.min(good.probes[0]!.at, bad.probes[0]!.at);
  const observeMs = 12_000;
  const left = first + observeMs - Date.now();
  if (left > 0) await delay(left);
  const elapsed = Date.now() - first;
  const intervalMs = fastHealthCheck.healthCheckIntervalSeconds * 1000;
  for (const target of [good, bad]) {
    const n = target.probes.length;
    t.diagnostic(`${target.name}: ${n} probes in ${elapsed} ms (interval ${intervalMs} ms, 2 workers)`);
    assert.ok(n <= Math.floor(elapsed / intervalMs) + 2, `${target.name} was probed ${n} times in ${elapsed} ms: more than once per interval`);
    assert.ok(n >= Math.floor(elapsed / intervalMs), `${target.name} was probed only ${n} times in ${elapsed} ms`);
    for (const p of target.probes) assert.equal(p.userAgent, 'ELB-HealthChecker/2.0');
    // Successive probes are an interval apart (not two at a time).
    for (let i = 1; i < n; i++) {
      const gap = target.probes[i]!.at - target.probes[i - 1]!.at;
      assert.ok(gap > intervalMs / 2, `${target.name}: two probes ${gap} ms apart`);
    }
  }
});
