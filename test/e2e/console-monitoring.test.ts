// The console's live view in a real browser (Debian's Chromium, headless) against a real
// `albatross serve` and the tutorial's two Flask instances: the Monitoring tab of the target group
// shows the requests the test sends (overall and per target) and both hosts healthy; when one
// instance is killed the host chart and the health timeline show it unhealthy with ALB's reason;
// the load balancer's Monitoring tab shows its traffic and its target group's hosts; with ten more
// targets registered, the per-target chart draws the ten busiest. Screenshots land in
// test-artifacts/console-monitoring/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { applyOk, config, detectionMs, removeTempDirs, repoRoot, slackMs, startTutorialPair, waitForTargetState, writeConfig } from '../helpers/albatross.ts';
import { queryRequest, readCredentials } from '../helpers/albatross-api.ts';
import { openBrowser } from '../helpers/browser.ts';
import { signInToConsole } from '../helpers/console-session.ts';
import { freePort, request } from '../helpers/net.ts';

after(removeTempDirs);

/** A sample every 5 s, a refresh every 5 s, then the page: slack for a shared machine. */
const CHART_TIMEOUT_MS = 30_000;
const FIRST_LOAD_JS_BUDGET = 300 * 1024;

/** The legend value of `series` in the chart named `chart`. */
function legendValue(page: Page, chart: string, series: string): Locator {
  return page.getByRole('figure', { name: chart, exact: true }).locator(`.series-value[data-series="${series}"]`);
}

/** Waits until the legend value of a series shows a number other than zero. */
async function waitNonZero(page: Page, chart: string, series: string): Promise<string> {
  const value = legendValue(page, chart, series);
  await value.filter({ hasText: /[1-9]/ }).waitFor({ timeout: CHART_TIMEOUT_MS });
  return value.innerText();
}

test('the Monitoring tabs chart live traffic and show a killed target unhealthy with its reason', async (t) => {
  const { dir, dataDir, a, b, server } = await startTutorialPair(t);
  const port = await freePort();
  const file = await writeConfig(dir, 'live.yaml', config({ loadBalancer: 'live-alb', listeners: [{ port, targetGroup: 'live-tg' }], targetGroups: [{ name: 'live-tg', ports: [a.port, b.port] }] }));
  await applyOk(file, dataDir);
  await server.waitForListener(port);
  for (const f of [a, b]) await waitForTargetState(dataDir, 'live-tg', f.port, 'healthy', { timeoutMs: detectionMs + slackMs, server });

  const artifacts = join(repoRoot, 'test-artifacts', 'console-monitoring');
  rmSync(artifacts, { recursive: true, force: true });
  const browser = await openBrowser(artifacts);
  t.after(() => browser.close());
  const page = browser.page;
  page.setDefaultTimeout(15_000);
  await signInToConsole(page, `http://127.0.0.1:${server.adminPort}`, readCredentials(join(dataDir, 'admin-credentials')));
  // The page asks for a session before sign-in (a 401 the browser logs); from here on, no errors.
  const errorsBefore = browser.consoleErrors.length;

  await page.getByRole('link', { name: 'live-tg', exact: true }).click();
  await page.getByRole('tab', { name: 'Monitoring' }).click();
  await page.getByRole('heading', { name: 'Monitoring' }).waitFor();
  await page.getByRole('figure', { name: 'Requests per second', exact: true }).waitFor();
  await browser.screenshot('target-group-monitoring-idle');

  // Traffic from the test, a request every 50 ms, until the chart shows it (bounded).
  let sending = true;
  let sent = 0;
  const traffic = (async () => {
    while (sending && sent < 2000) {
      const r = await request(port, { path: '/' });
      assert.equal(r.status, 200);
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  try {
    const rate = await waitNonZero(page, 'Requests per second', 'All targets');
    assert.match(rate, /^\d+\.\d+ req\/s$/);
    for (const f of [a, b]) await waitNonZero(page, 'Requests per second by target', `127.0.0.1:${f.port}`);
    assert.match(await legendValue(page, 'Target response time', 'p99').innerText(), /^\d+\.\d+ (ms|s)$/);
    await browser.screenshot('target-group-monitoring-traffic');
  } finally {
    sending = false;
    await traffic;
  }
  assert.equal(await legendValue(page, 'Healthy and unhealthy hosts', 'Healthy').innerText(), '2');
  const timeline = page.getByRole('region', { name: 'Target health timeline' });
  await timeline.getByRole('img', { name: new RegExp(`^127\\.0\\.0\\.1:${a.port}: healthy since`) }).waitFor();
  const changes = timeline.getByRole('table', { name: 'Health changes, newest first' });
  await changes.getByRole('row').filter({ hasText: `127.0.0.1:${a.port}` }).filter({ hasText: 'Elb.InitialHealthChecking' }).waitFor();

  // One instance dies: unhealthy, with ALB's reason, in the timeline, its table and the host chart.
  await a.kill();
  const unhealthyRow = changes.getByRole('row').filter({ hasText: `127.0.0.1:${a.port}` }).filter({ hasText: 'unhealthy' });
  await unhealthyRow.waitFor({ timeout: detectionMs + slackMs + CHART_TIMEOUT_MS });
  assert.match(await unhealthyRow.innerText(), /Target\.FailedHealthChecks/);
  assert.match(await unhealthyRow.innerText(), /Health checks failed/);
  await timeline.getByRole('img', { name: new RegExp(`^127\\.0\\.0\\.1:${a.port}: unhealthy \\(Target\\.FailedHealthChecks\\) since`) }).waitFor();
  await waitNonZero(page, 'Healthy and unhealthy hosts', 'Unhealthy');
  await browser.screenshot('target-group-monitoring-unhealthy');

  // The load balancer's view: its traffic, its errors chart, its target group's hosts.
  await page.getByRole('link', { name: 'Load Balancers', exact: true }).click();
  await page.getByRole('link', { name: 'live-alb', exact: true }).click();
  await page.getByRole('tab', { name: 'Monitoring' }).click();
  assert.match(await page.getByRole('figure', { name: 'Requests per second', exact: true }).locator('.series-peak').innerText(), /\(peak [0-9.]*[1-9][0-9.]* req\/s\)/);
  await page.getByRole('figure', { name: 'HTTP 4XX and 5XX responses', exact: true }).waitFor();
  assert.equal(await legendValue(page, 'Healthy and unhealthy hosts by target group', 'live-tg unhealthy').innerText(), '1');
  assert.equal(await legendValue(page, 'Healthy and unhealthy hosts by target group', 'live-tg healthy').innerText(), '1');
  await browser.screenshot('load-balancer-monitoring');

  // Ten more targets, where nothing answers: the per-target chart keeps to the ten busiest of 12.
  const credentials = readCredentials(join(dataDir, 'admin-credentials'));
  const elb = async (params: Record<string, string>): Promise<string> => {
    const r = await queryRequest(server.adminPort, credentials, { body: new URLSearchParams({ Version: '2015-12-01', ...params }).toString() });
    assert.equal(r.status, 200, r.body);
    return r.body;
  };
  const tgArn = /<TargetGroupArn>([^<]+)<\/TargetGroupArn>/.exec(await elb({ Action: 'DescribeTargetGroups', 'Names.member.1': 'live-tg' }))![1]!;
  const extra: Record<string, string> = { Action: 'RegisterTargets', TargetGroupArn: tgArn };
  for (let i = 1; i <= 10; i++) {
    extra[`Targets.member.${i}.Id`] = '127.0.0.1';
    extra[`Targets.member.${i}.Port`] = String(await freePort());
  }
  await elb(extra);
  await page.getByRole('link', { name: 'Target Groups', exact: true }).click();
  await page.getByRole('link', { name: 'live-tg', exact: true }).click();
  await page.getByRole('tab', { name: 'Monitoring' }).click();
  const busiest = page.getByRole('figure', { name: 'Requests per second by target (busiest 10 of 12)', exact: true });
  await busiest.waitFor({ timeout: CHART_TIMEOUT_MS });
  assert.equal(await busiest.locator('.series-label').count(), 10);
  const shown = await busiest.locator('.series-label').allInnerTexts();
  assert.deepEqual(shown.slice(0, 2).sort(), [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`].sort(), 'the two instances that served requests come first');
  await browser.screenshot('target-group-monitoring-busiest');

  // Everything the console loaded, uPlot included, within its first-load budget.
  const js = browser.scripts.reduce((sum, s) => sum + s.bytes, 0);
  assert.ok(browser.scripts.some((s) => s.url.endsWith('/console/vendor/uplot.js')), 'uPlot was loaded');
  assert.ok(js < FIRST_LOAD_JS_BUDGET, `the console loaded ${js} bytes of compressed JavaScript`);
  assert.deepEqual(browser.pageErrors, []);
  assert.deepEqual(browser.consoleErrors.slice(errorsBefore), []);
  assert.ok(b.running);
});
