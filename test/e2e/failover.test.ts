// Step 4 of the tutorial: one Flask instance dies (SIGKILL). Within interval × unhealthy
// threshold `albatross status` shows it unhealthy with a reason, and from then on every request
// goes to the survivor; restarted on the same port, it turns healthy after the healthy threshold
// and gets traffic again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, request } from '../helpers/net.ts';
import {
  applyOk,
  config,
  detectionMs,
  fastHealthCheck,
  removeTempDirs,
  slackMs,
  startTutorialPair,
  targetStatus,
  waitForTargetState,
  writeConfig,
} from '../helpers/albatross.ts';

after(removeTempDirs);

const healthyWithinMs = fastHealthCheck.healthCheckIntervalSeconds * 1000 * fastHealthCheck.healthyThresholdCount + slackMs;

test('failover: a killed instance turns unhealthy and gets no traffic; restarted, it comes back', async (t) => {
  const { dir, dataDir, a, b, server } = await startTutorialPair(t);

  const port = await freePort();
  const file = await writeConfig(
    dir,
    'failover.yaml',
    config({ loadBalancer: 'failover-alb', listeners: [{ port, targetGroup: 'failover-tg' }], targetGroups: [{ name: 'failover-tg', ports: [a.port, b.port] }] }),
  );
  await applyOk(file, dataDir);
  await server.waitForListener(port);
  await waitForTargetState(dataDir, 'failover-tg', a.port, 'healthy', { timeoutMs: healthyWithinMs, server });
  await waitForTargetState(dataDir, 'failover-tg', b.port, 'healthy', { timeoutMs: healthyWithinMs, server });

  // Kill instance A. Until the checker notices, a request sent to it is refused; a refused
  // connection reached nothing, so the load balancer tries B instead and the client sees no error.
  await a.kill();
  const killedAt = Date.now();
  const beforeDetection: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await request(port, { path: '/' });
    beforeDetection.push(`${res.status} ${res.body}`);
  }
  assert.deepEqual(beforeDetection, Array(20).fill('200 hello from instance-b'));

  const unhealthy = await waitForTargetState(dataDir, 'failover-tg', a.port, 'unhealthy', {
    reason: 'Target.FailedHealthChecks',
    timeoutMs: detectionMs + slackMs,
    server,
  });
  const detectedMs = Date.now() - killedAt;
  assert.ok(unhealthy.description && unhealthy.description.length > 0, `no description: ${JSON.stringify(unhealthy)}`);
  assert.ok(unhealthy.lastResult && unhealthy.lastResult !== '200', `last result: ${unhealthy.lastResult}`);
  t.diagnostic(`unhealthy ${detectedMs} ms after SIGKILL (protocol: ≤ ${detectionMs} ms): ${unhealthy.description}`);

  // Restart A on the same port at once. It answers again, but stays unhealthy until the healthy
  // threshold is met (at least one interval away), and no request goes to it meanwhile.
  await a.start();
  const whileUnhealthy: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await request(port, { path: '/' });
    whileUnhealthy.push(`${res.status} ${res.body}`);
  }
  assert.deepEqual(whileUnhealthy, Array(20).fill('200 hello from instance-b'));
  assert.equal((await targetStatus(dataDir, 'failover-tg', a.port))?.state, 'unhealthy', 'A turned healthy before its threshold');

  // Healthy after the healthy threshold, then it gets traffic again.
  await waitForTargetState(dataDir, 'failover-tg', a.port, 'healthy', { timeoutMs: healthyWithinMs, server });
  const seen = new Map<string, number>();
  for (let i = 0; i < 20; i++) {
    const res = await request(port, { path: '/' });
    assert.equal(res.status, 200, res.body);
    seen.set(res.body, (seen.get(res.body) ?? 0) + 1);
  }
  assert.deepEqual([...seen.keys()].sort(), ['hello from instance-a', 'hello from instance-b']);
});
