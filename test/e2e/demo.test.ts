// `albatross demo --failover` is the tutorial's failover experiment in one command: two demo
// instances behind a listener, a 15 s load test, demo-1 killed (SIGKILL) at 5 s and restarted at
// 10 s. Its report shows the kill, demo-1's share of the traffic going to demo-2 while it is dead,
// and no failed GET; the HTML report is written, and the demo leaves no process behind.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { removeTempDirs, runCli, tempDir } from '../helpers/albatross.ts';
import type { LoadTestReport } from '../../src/loadtest/report.ts';

after(removeTempDirs);

const durationSeconds = 15;

test('demo --failover: the report shows the kill, the per-target split moving, and 0 errors for GET', async () => {
  const dir = await tempDir();
  const dataDir = join(dir, 'data');
  const html = join(dir, 'report.html');
  const run = await runCli(['demo', '--failover', '--duration', String(durationSeconds), '--json', '--report', html, '--data-dir', dataDir], 90_000);
  const context = `exit ${run.code ?? run.signal}\n--- stderr ---\n${run.stderr}`;
  const report = JSON.parse(run.stdout) as LoadTestReport;

  const [killed, restarted] = report.events;
  assert.equal(killed?.text, 'killed demo-1 (SIGKILL)', context);
  assert.equal(restarted?.text, 'restarted demo-1', context);
  assert.ok(Math.abs(killed.atSeconds - durationSeconds / 3) < 1, `killed at ${killed.atSeconds} s`);
  assert.ok(restarted.atSeconds >= (2 * durationSeconds) / 3, `restarted at ${restarted.atSeconds} s`);

  // Before the kill both instances answer; from the first whole second after it until the
  // restart, demo-1 answers nothing and demo-2 answers everything.
  const before = report.timeline.filter((s) => s.second + 1 <= killed.atSeconds);
  const dead = report.timeline.filter((s) => s.second > killed.atSeconds && s.second + 1 <= restarted.atSeconds);
  assert.ok(before.length >= 3 && dead.length >= 3, context);
  for (const s of before) assert.ok((s.responses['demo-1'] ?? 0) > 0 && (s.responses['demo-2'] ?? 0) > 0, `second ${s.second}: ${JSON.stringify(s.responses)}`);
  for (const s of dead) assert.deepEqual(Object.keys(s.responses), ['demo-2'], `second ${s.second}: ${JSON.stringify(s.responses)}`);

  assert.deepEqual(report.errors, { total: 0, byKind: {} }, `errors during the failover: ${JSON.stringify(report.errors)}`);
  assert.equal(report.requests.completed, report.requests.ok);
  assert.equal(run.code, 0, context);
  assert.deepEqual(report.health.initial.map((m) => [m.name, m.state]), [
    ['demo-1', 'healthy'],
    ['demo-2', 'healthy'],
  ]);

  const page = await readFile(html, 'utf8');
  assert.match(page, /<svg /);
  assert.match(page, /killed demo-1 \(SIGKILL\)/);

  // The demo stopped what it started: no demo instance or server on its data directory is left.
  const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dataDir) || (line.includes('demo-target') && line.includes('--name demo-')));
  assert.deepEqual(left, []);
});
