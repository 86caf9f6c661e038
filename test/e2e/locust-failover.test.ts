// The tutorial's load test, with the seed's own tool: locust (Debian's python3-locust) headless
// against Albatross in front of two real Flask instances, GETting /status; one instance is killed
// with SIGKILL at second 5 and restarted at second 12 of a 20 s run. Locust must count 0 failures,
// and Albatross must have seen the instance unhealthy and then healthy again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFlask, type FlaskTarget } from '../helpers/flask.ts';
import { freePort } from '../helpers/net.ts';
import { delay, pollUntil } from '../helpers/poll.ts';
import { applyOk, config, removeTempDirs, startServer, status, tempDir, writeConfig, type AlbatrossServer } from '../helpers/albatross.ts';

const LOCUST = '/usr/bin/locust';
let server: AlbatrossServer | undefined;
const flask: FlaskTarget[] = [];
const work = mkdtempSync(join(tmpdir(), 'albatross-locust-'));

after(async () => {
  await server?.stop();
  for (const f of flask) await f.stop();
  rmSync(work, { recursive: true, force: true });
  await removeTempDirs();
});

test('locust sees 0 failures while one instance is killed and restarted', async (t) => {
  for (const name of ['instance-a', 'instance-b']) flask.push(await startFlask(name));
  const [a, b] = flask as [FlaskTarget, FlaskTarget];
  const dataDir = await tempDir();
  const port = await freePort();
  const file = await writeConfig(dataDir, 'tutorial.yaml', config({
    loadBalancer: 'tutorial-alb',
    listeners: [{ port, targetGroup: 'tutorial-tg' }],
    targetGroups: [{ name: 'tutorial-tg', ports: [a.port, b.port] }],
  }));
  await applyOk(file, dataDir);
  server = await startServer({ dataDir, workers: 2 });
  await server.waitForListener(port);
  await pollUntil(async () => (await status(dataDir))[0]?.targets.every((x) => x.state === 'healthy'), {
    timeoutMs: 20_000, intervalMs: 250, what: 'both instances healthy before the load test',
  });

  writeFileSync(join(work, 'locustfile.py'), [
    'from locust import HttpUser, task, constant',
    'class StatusUser(HttpUser):',
    '    wait_time = constant(0.05)',
    '    @task',
    '    def status(self):',
    "        self.client.get('/status')",
    '',
  ].join('\n'));
  const locust = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(LOCUST, ['-f', 'locustfile.py', '--headless', '-u', '20', '-r', '20', '-t', '20s', '--host', `http://127.0.0.1:${port}`,
      '--csv', 'out', '--only-summary', '--exit-code-on-error', '1'], { cwd: work, timeout: 60_000 },
    (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });

  // Record what Albatross reports about instance A during the run.
  const seen = new Set<string>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const target = (await status(dataDir))[0]?.targets.find((x) => x.port === a.port);
      if (target) seen.add(target.state);
      await delay(250);
    }
  })();

  await delay(5000);
  await a.kill();
  await delay(7000);
  await a.start();
  const result = await locust;
  await pollUntil(async () => (await status(dataDir))[0]?.targets.find((x) => x.port === a.port)?.state === 'healthy', {
    timeoutMs: 20_000, intervalMs: 250, what: 'instance A healthy again after its restart',
  });
  seen.add('healthy');
  watching = false;
  await watcher;

  const stats = readFileSync(join(work, 'out_stats.csv'), 'utf8').trim().split('\n');
  const header = stats[0]!.split(',');
  const aggregated = stats.find((l) => l.includes('Aggregated'))!.split(',');
  const requests = Number(aggregated[header.indexOf('Request Count')]);
  const failures = Number(aggregated[header.indexOf('Failure Count')]);
  t.diagnostic(`locust: ${requests} requests, ${failures} failures; instance A seen as ${[...seen].join(' → ')}`);
  assert.ok(requests > 500, `locust made ${requests} requests`);
  assert.equal(failures, 0, `locust failures:\n${readFileSync(join(work, 'out_failures.csv'), 'utf8')}\n${result.stderr.slice(-2000)}`);
  assert.equal(result.code, 0, result.stderr.slice(-2000));
  assert.ok(seen.has('unhealthy'), `instance A was never seen unhealthy: ${[...seen].join(', ')}`);
});
