// Console sessions end after the idle timeout (here `albatross serve` with
// ALBATROSS_CONSOLE_SESSION_IDLE_SECONDS=3), in a real browser: a page left alone signs itself out
// though it keeps polling (polls are not use), a form submitted after the timeout changes nothing
// and asks to sign in again, and the old cookie opens nothing at the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startApi, type AlbatrossApi } from '../helpers/albatross-api.ts';
import { removeTempDirs, repoRoot } from '../helpers/albatross.ts';
import { openBrowser, signInToConsole, type TestBrowser } from '../helpers/browser.ts';
import { delay } from '../helpers/poll.ts';

const IDLE_SECONDS = 3;
const EXPIRED = 'Your session has expired. Sign in again.';

let api: AlbatrossApi;
let browser: TestBrowser;
let page: Page;

before(async () => {
  api = await startApi({ workers: 1, env: { ALBATROSS_CONSOLE_SESSION_IDLE_SECONDS: String(IDLE_SECONDS) } });
  const artifacts = join(repoRoot, 'test-artifacts', 'console-session');
  rmSync(artifacts, { recursive: true, force: true });
  browser = await openBrowser(artifacts);
  page = browser.page;
  page.setDefaultTimeout(10_000);
});

after(async () => {
  await browser?.close();
  await api?.stop();
  await removeTempDirs();
});

async function targetGroupNames(): Promise<string[]> {
  const r = await api.aws(['elbv2', 'describe-target-groups']);
  assert.equal(r.code, 0, r.stderr);
  return (r.json.TargetGroups as Array<{ TargetGroupName: string }>).map((g) => g.TargetGroupName);
}

test('a page left alone past the idle timeout signs itself out, though it polls', async () => {
  await signInToConsole(page, api.endpoint, api.credentials);
  await page.getByRole('heading', { name: 'Target groups' }).waitFor();
  // The list polls every 5 s; nothing else happens on the page.
  await page.getByRole('status').getByText(EXPIRED).waitFor({ timeout: (IDLE_SECONDS + 15) * 1000 });
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  await browser.screenshot('expired-while-idle');
});

test('a form submitted after the idle timeout creates nothing; the old cookie opens nothing', async () => {
  await signInToConsole(page, api.endpoint, api.credentials);
  const [cookie] = await browser.context.cookies();
  assert.ok(cookie !== undefined);
  await page.getByRole('button', { name: 'Create target group', exact: true }).click();
  await page.getByLabel('Target group name', { exact: true }).fill('too-late');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  // Time passes with the form open and no request made: the session's idle timeout runs out.
  await delay((IDLE_SECONDS + 1) * 1000);
  await page.getByRole('button', { name: 'Create target group', exact: true }).click();
  await page.getByRole('status').getByText(EXPIRED).waitFor();
  await browser.screenshot('expired-on-submit');
  assert.deepEqual(await targetGroupNames(), [], 'nothing was created');

  // The cookie the browser still holds names no session any more (401, not 403 for a missing token).
  await browser.context.addCookies([cookie!]);
  const answer = await page.evaluate(async () => {
    const res = await fetch('/console/api/elasticloadbalancing', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeTargetGroups&Version=2015-12-01',
    });
    return { status: res.status, body: await res.text() };
  });
  assert.equal(answer.status, 401);
  assert.match(answer.body, /SessionExpired/);
  assert.deepEqual(browser.pageErrors, []);
});
