// Deregistration: a target removed from the file by `albatross apply` drains. Its in-flight slow
// request finishes with 200, `status` shows it draining (Target.DeregistrationInProgress), new
// requests never reach it, and after deregistration_delay.timeout_seconds it is gone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, request, type HttpResponse } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';
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

const delaySeconds = 5;

test('draining: a deregistered target finishes its in-flight request, takes no new ones, then leaves', async (t) => {
  const { dir, dataDir, a, b, server } = await startTutorialPair(t);

  const port = await freePort();
  const spec = (ports: number[]) =>
    config({
      loadBalancer: 'drain-alb',
      listeners: [{ port, targetGroup: 'drain-tg' }],
      targetGroups: [{ name: 'drain-tg', ports, attributes: { 'deregistration_delay.timeout_seconds': delaySeconds } }],
    });
  await applyOk(await writeConfig(dir, 'both.yaml', spec([a.port, b.port])), dataDir);
  await server.waitForListener(port);
  await waitForTargetState(dataDir, 'drain-tg', a.port, 'healthy', { timeoutMs: detectionMs + slackMs, server });
  await waitForTargetState(dataDir, 'drain-tg', b.port, 'healthy', { timeoutMs: detectionMs + slackMs, server });

  // Four slow requests at once: whichever worker takes two or more alternates, so at least one
  // is in flight on A.
  const slow: Array<Promise<HttpResponse & { at: number }>> = [];
  for (let i = 0; i < 4; i++) {
    slow.push(request(port, { path: '/slow?s=4' }).then((r) => ({ ...r, at: Date.now() })));
  }

  // Deregister A while they run.
  const onlyB = await writeConfig(dir, 'only-b.yaml', spec([b.port]));
  const applied = await applyOk(onlyB, dataDir);
  assert.match(applied.stdout, new RegExp(`deregistered target 127\\.0\\.0\\.1:${a.port} from drain-tg`));
  const draining = await waitForTargetState(dataDir, 'drain-tg', a.port, 'draining', {
    reason: 'Target.DeregistrationInProgress',
    timeoutMs: 3000,
    server,
  });
  const drainingSeenAt = Date.now();
  assert.ok(draining.description && draining.description.length > 0);

  // New requests never go to A.
  const fresh: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await request(port, { path: '/' });
    fresh.push(`${res.status} ${res.body}`);
  }
  assert.deepEqual(fresh, Array(20).fill('200 hello from instance-b'));

  // The requests in flight finish normally, A's included, after A started draining.
  const done = await Promise.all(slow);
  assert.deepEqual(done.map((r) => r.status), [200, 200, 200, 200]);
  const fromA = done.filter((r) => r.body === 'slow from instance-a');
  assert.ok(fromA.length >= 1, `no slow request went to A: ${done.map((r) => r.body).join(', ')}`);
  for (const r of fromA) assert.ok(r.at >= drainingSeenAt, 'the slow request on A finished before A was draining: the test did not test draining');

  // After the delay, A is gone from the group and B stays healthy.
  await pollUntil(
    async () => {
      const group = (await status(dataDir)).find((g) => g.targetGroup === 'drain-tg');
      return group && group.targets.length === 1 && group.targets[0]!.port === b.port ? group : undefined;
    },
    { timeoutMs: delaySeconds * 1000 + slackMs, intervalMs: 250, what: `target ${a.port} to leave drain-tg`, context: () => server.logs() },
  );
  assert.equal((await status(dataDir))[0]!.targets[0]!.state, 'healthy');
  const res = await request(port, { path: '/' });
  assert.equal(res.body, 'hello from instance-b');
});
