// Fail-open, as ALB does: two Flask instances whose /status answers 503 (they still serve /).
// With one failing, it is unhealthy (Target.ResponseCodeMismatch) and only the other gets
// traffic; with both failing, both are unhealthy and requests go to both rather than nowhere.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, request } from '../helpers/net.ts';
import {
  applyOk,
  config,
  detectionMs,
  removeTempDirs,
  slackMs,
  startTutorialPair,
  status,
  waitForTargetState,
  writeConfig,
} from '../helpers/albatross.ts';

after(removeTempDirs);

async function names(port: number, n: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const res = await request(port, { path: '/' });
    const key = `${res.status} ${res.body}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return seen;
}

test('fail-open: with every target unhealthy, requests still go to all of them', async (t) => {
  const { dir, dataDir, a, b, server } = await startTutorialPair(t);
  await a.setStatus(503);

  const port = await freePort();
  const file = await writeConfig(
    dir,
    'fail-open.yaml',
    config({ loadBalancer: 'open-alb', listeners: [{ port, targetGroup: 'open-tg' }], targetGroups: [{ name: 'open-tg', ports: [a.port, b.port] }] }),
  );
  await applyOk(file, dataDir);
  await server.waitForListener(port);

  // One failing: A unhealthy with the reason, B healthy and the only one used.
  const aRow = await waitForTargetState(dataDir, 'open-tg', a.port, 'unhealthy', {
    reason: 'Target.ResponseCodeMismatch',
    timeoutMs: detectionMs + slackMs,
    server,
  });
  assert.match(aRow.description ?? '', /503/);
  assert.equal(aRow.lastResult, '503');
  await waitForTargetState(dataDir, 'open-tg', b.port, 'healthy', { timeoutMs: detectionMs + slackMs, server });
  assert.deepEqual([...(await names(port, 20))], [['200 hello from instance-b', 20]]);

  // Both failing: both unhealthy, and the load balancer fails open to both.
  await b.setStatus(503);
  await waitForTargetState(dataDir, 'open-tg', b.port, 'unhealthy', {
    reason: 'Target.ResponseCodeMismatch',
    timeoutMs: detectionMs + slackMs,
    server,
  });
  const rows = (await status(dataDir)).find((g) => g.targetGroup === 'open-tg')!.targets;
  assert.deepEqual(
    rows.map((r) => `${r.port} ${r.state} ${r.reason}`).sort(),
    [`${a.port} unhealthy Target.ResponseCodeMismatch`, `${b.port} unhealthy Target.ResponseCodeMismatch`].sort(),
  );
  const seen = await names(port, 20);
  assert.deepEqual([...seen.keys()].sort(), ['200 hello from instance-a', '200 hello from instance-b'], JSON.stringify([...seen]));
});
