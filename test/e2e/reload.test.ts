// Listeners follow the store while serving: `albatross apply` adds a listener (it accepts within
// a second or so), changes one's default action (the next request sees it) and removes one (it
// refuses connections), with no restart of any process and every in-flight request finishing;
// and SIGTERM stops the server only after the request in flight has been answered, without waiting
// for idle keep-alive connections.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { join } from 'node:path';
import { startFlask } from '../helpers/flask.ts';
import { canConnect, freePorts, request } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';
import { startHttpTarget } from '../helpers/raw-targets.ts';
import { applyOk, config, removeTempDirs, startServer, tempDir, writeConfig, type ListenerSpec } from '../helpers/albatross.ts';

after(removeTempDirs);

/** "Within a second", plus slack for a loaded test machine. */
const liveWithinMs = 3000;

test('reload: listeners added, changed and removed by apply take effect without a restart or a dropped request', async (t) => {
  const dir = await tempDir();
  const dataDir = join(dir, 'data');
  const a = await startFlask('instance-a');
  t.after(() => a.stop());
  const server = await startServer({ dataDir, workers: 2 });
  t.after(() => server.stop());
  const [p1, p2] = (await freePorts(2)) as [number, number];

  let version = 0;
  const applyListeners = async (listeners: ListenerSpec[]) => {
    const file = await writeConfig(dir, `v${++version}.yaml`, config({ loadBalancer: 'reload-alb', listeners, targetGroups: [{ name: 'reload-tg', ports: [a.port] }] }));
    return applyOk(file, dataDir);
  };
  const forward = (port: number): ListenerSpec => ({ port, targetGroup: 'reload-tg' });

  await applyListeners([forward(p1)]);
  await server.waitForListener(p1);
  assert.equal((await request(p1)).body, 'hello from instance-a');
  assert.equal(await canConnect(p2), false);
  const workersBefore = (await server.workerPids()).sort();
  assert.equal(workersBefore.length, 2);

  // Add a listener while a slow request is in flight on the first one.
  const slow1 = request(p1, { path: '/slow?s=3' });
  const added = await applyListeners([forward(p1), forward(p2)]);
  assert.match(added.stdout, new RegExp(`created listener HTTP:${p2} of reload-alb`));
  const appliedAt = Date.now();
  await pollUntil(async () => (await request(p2, { timeoutMs: 1000 })).body === 'hello from instance-a', {
    timeoutMs: liveWithinMs,
    intervalMs: 50,
    what: `the new listener on ${p2} to answer`,
    context: () => server.logs(),
  });
  t.diagnostic(`new listener answered ${Date.now() - appliedAt} ms after apply returned`);
  const r1 = await slow1;
  assert.deepEqual([r1.status, r1.body], [200, 'slow from instance-a']);

  // Change the first listener's default action while a slow request is in flight on it.
  const slow2 = request(p1, { path: '/slow?s=3' });
  const changed = await applyListeners([
    { port: p1, action: { type: 'fixed-response', fixedResponseConfig: { statusCode: '200', contentType: 'text/plain', messageBody: 'maintenance' } } },
    forward(p2),
  ]);
  assert.match(changed.stdout, new RegExp(`updated listener HTTP:${p1} of reload-alb`));
  await pollUntil(async () => (await request(p1, { timeoutMs: 1000 })).body === 'maintenance', {
    timeoutMs: liveWithinMs,
    intervalMs: 50,
    what: `the listener on ${p1} to answer with its new fixed response`,
    context: () => server.logs(),
  });
  const r2 = await slow2;
  assert.deepEqual([r2.status, r2.body], [200, 'slow from instance-a']);
  assert.equal((await request(p2)).body, 'hello from instance-a');

  // Remove the second listener while a slow request is in flight on it: it stops accepting, the
  // request in flight finishes.
  const slow3 = request(p2, { path: '/slow?s=3' });
  const removed = await applyListeners([forward(p1)]);
  assert.match(removed.stdout, new RegExp(`removed listener HTTP:${p2} of reload-alb`));
  await pollUntil(async () => !(await canConnect(p2)), {
    timeoutMs: liveWithinMs,
    intervalMs: 50,
    what: `the removed listener on ${p2} to refuse connections`,
    context: () => server.logs(),
  });
  const r3 = await slow3;
  assert.deepEqual([r3.status, r3.body], [200, 'slow from instance-a']);
  // The first listener is back to forwarding.
  await pollUntil(async () => (await request(p1, { timeoutMs: 1000 })).body === 'hello from instance-a', {
    timeoutMs: liveWithinMs,
    intervalMs: 50,
    what: `the listener on ${p1} to forward again`,
  });

  // A removed port can be added again.
  const linesBefore = server.lines.length;
  await applyListeners([forward(p1), forward(p2)]);
  await server.waitForLine(new RegExp(`^albatross: listener reload-alb HTTP:${p2} accepting on http://127\\.0\\.0\\.1:${p2}/$`), { from: linesBefore, timeoutMs: liveWithinMs });
  await pollUntil(async () => (await request(p2, { timeoutMs: 1000 })).body === 'hello from instance-a', {
    timeoutMs: liveWithinMs,
    intervalMs: 50,
    what: `the re-added listener on ${p2} to answer`,
    context: () => server.logs(),
  });

  // No process was restarted.
  assert.ok(server.running);
  assert.deepEqual((await server.workerPids()).sort(), workersBefore);
  assert.doesNotMatch(server.lines.join('\n'), /exited|cannot bind/);

  // SIGTERM stops it gracefully: a request in flight finishes, then it exits 0. The request goes
  // to a target in this process, so the test knows when it has arrived.
  let arrived: () => void = () => undefined;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  const gate = await startHttpTarget((req, res) => {
    if (req.url !== '/hold') return void res.end('OK');
    arrived();
    setTimeout(() => res.end('held and answered'), 1500);
  });
  t.after(() => gate.close());
  const gateFile = await writeConfig(
    dir,
    'gate.yaml',
    config({ loadBalancer: 'reload-alb', listeners: [{ port: p1, targetGroup: 'gate-tg' }], targetGroups: [{ name: 'gate-tg', ports: [gate.port] }] }),
  );
  await applyOk(gateFile, dataDir);
  await pollUntil(async () => (await request(p1, { timeoutMs: 1000 })).body === 'OK', {
    timeoutMs: liveWithinMs,
    intervalMs: 50,
    what: `the listener on ${p1} to forward to the new group`,
  });
  // A keep-alive connection that has had its answer and now sits idle, as a browser's does.
  const idle = net.connect({ host: '127.0.0.1', port: p1 });
  const idleClosed = new Promise<string>((resolve) => {
    let text = '';
    idle.setEncoding('latin1');
    idle.on('data', (c: string) => (text += c));
    idle.on('close', () => resolve(text));
  });
  idle.write('GET / HTTP/1.1\r\nHost: reload\r\n\r\n');
  const held = request(p1, { path: '/hold' });
  await arrival;
  process.kill(server.pid, 'SIGTERM');
  await server.waitForLine(/^albatross: SIGTERM: stopping/, { timeoutMs: 5000 });
  const r4 = await held;
  assert.deepEqual([r4.status, r4.body], [200, 'held and answered']);
  const exit = await server.exited();
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.match(await idleClosed, /^HTTP\/1\.1 200 /, 'the idle connection had its answer, then was closed by the stop');
  assert.doesNotMatch(server.lines.join('\n'), /killed/, 'every worker finished by itself');
});
