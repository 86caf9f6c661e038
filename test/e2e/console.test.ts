// The tutorial through the web console in a real browser (Debian's Chromium, headless): sign in
// with the access key `albatross serve` created; bad target-group input refused with the API's own
// message and nothing created; the target group and the load balancer created with the console's
// wording; both Flask instances healthy and requests reaching both; stickiness turned on (8 days
// refused, 1 day saved) and a cookie-jar client sticking; the health checks edited; a killed
// instance unhealthy with its reason; the tutorial's openssl certificate imported (a mismatched key
// refused) and an HTTPS listener added with it, answering https requests; deleting the certificate
// in use refused; sign out. Screenshots of each step land in test-artifacts/console/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startApi, type AlbatrossApi } from '../helpers/albatross-api.ts';
import { removeTempDirs, repoRoot } from '../helpers/albatross.ts';
import { fieldErrorOf, openBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startFlask, type FlaskTarget } from '../helpers/flask.ts';
import { freePort, getText, request } from '../helpers/net.ts';
import { makeTestCerts, type TestCerts } from '../helpers/openssl-certs.ts';
import { pollUntil } from '../helpers/poll.ts';

/** Health turns within two 5 s intervals; the rest is slack for probes, reloads and the page's 2 s refresh. */
const HEALTH_TIMEOUT_MS = 40_000;
/** The console's first load: all of its JavaScript, compressed. */
const FIRST_LOAD_JS_BUDGET = 300 * 1024;

let api: AlbatrossApi;
let a: FlaskTarget;
let b: FlaskTarget;
let browser: TestBrowser;
let page: Page;
let listenerPort: number;
let httpsPort: number;
let certs: TestCerts;

before(async () => {
  [a, b] = await Promise.all([startFlask('instance-a'), startFlask('instance-b')]);
  api = await startApi({ workers: 1 });
  certs = makeTestCerts();
  const artifacts = join(repoRoot, 'test-artifacts', 'console');
  rmSync(artifacts, { recursive: true, force: true });
  browser = await openBrowser(artifacts);
  page = browser.page;
  page.setDefaultTimeout(10_000);
  [listenerPort, httpsPort] = [await freePort(), await freePort()];
});

after(async () => {
  await browser?.close();
  await api?.stop();
  await a?.stop();
  await b?.stop();
  certs?.cleanup();
  await removeTempDirs();
});

function label(name: string): Locator {
  return page.getByLabel(name, { exact: true });
}

function button(name: string): Locator {
  return page.getByRole('button', { name, exact: true });
}

/** The inline error shown for a field (the last element its aria-describedby names). */
function fieldError(name: string): Promise<string> {
  return fieldErrorOf(label(name));
}

async function targetGroupNames(): Promise<string[]> {
  const r = await api.aws(['elbv2', 'describe-target-groups']);
  assert.equal(r.code, 0, r.stderr);
  return (r.json.TargetGroups as Array<{ TargetGroupName: string }>).map((g) => g.TargetGroupName);
}

async function group(): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await api.aws(['elbv2', 'describe-target-groups', '--names', 'tutorial-tg']);
  assert.equal(r.code, 0, r.stderr);
  return r.json.TargetGroups[0];
}

async function attributes(): Promise<Record<string, string>> {
  const r = await api.aws(['elbv2', 'describe-target-group-attributes', '--target-group-arn', (await group()).TargetGroupArn]);
  assert.equal(r.code, 0, r.stderr);
  return Object.fromEntries((r.json.Attributes as Array<{ Key: string; Value: string }>).map((x) => [x.Key, x.Value]));
}

async function certificateNames(): Promise<string[]> {
  const r = await api.aws(['iam', 'list-server-certificates']);
  assert.equal(r.code, 0, r.stderr);
  return (r.json.ServerCertificateMetadataList as Array<{ ServerCertificateName: string }>).map((c) => c.ServerCertificateName);
}

/** The row of a registered target in the Targets tab. */
function targetRow(port: number): Locator {
  return page.getByRole('table', { name: 'Registered targets' }).getByRole('row').filter({ hasText: String(port) });
}

/** GET / through the HTTP listener with an optional cookie: which instance answered, and the AWSALB cookie it set. */
async function visit(cookie?: string): Promise<{ instance: string; awsalb?: string }> {
  const r = await request(listenerPort, { path: '/', headers: cookie ? { cookie } : {} });
  assert.equal(r.status, 200, r.body);
  const awsalb = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('AWSALB='));
  return { instance: r.body.trim(), ...(awsalb ? { awsalb: awsalb.split(';')[0]! } : {}) };
}

/** GET / over HTTPS (the certificate is self-signed): status, body and the served certificate's CN. */
function httpsGet(port: number): Promise<{ status: number; body: string; subject: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, servername: 'tutorial.example.com', agent: false }, (res) => {
      const subject = (res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '';
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, subject: String(subject) }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no HTTPS answer within 10 s')));
    req.on('error', reject);
  });
}

test('sign in with the access key; the secret is kept nowhere in the browser', async () => {
  await page.goto(`${api.endpoint}/console`);
  await label('Access key ID').fill(api.credentials.accessKeyId);
  await label('Secret access key').fill('not-the-secret');
  await button('Sign in').click();
  await page.getByRole('alert').getByText('InvalidClientTokenId').waitFor();
  await browser.screenshot('sign-in-refused');

  await label('Secret access key').fill(api.credentials.secretAccessKey);
  await button('Sign in').click();
  await page.getByRole('heading', { name: 'Target groups' }).waitFor();
  await page.getByText(`Signed in as ${api.credentials.accessKeyId}`).waitFor();
  await browser.screenshot('signed-in');

  const storage = await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })');
  assert.ok(!storage.includes(api.credentials.secretAccessKey));
  const cookies = await browser.context.cookies();
  assert.equal(cookies.length, 1);
  assert.ok(!cookies[0]!.value.includes(api.credentials.secretAccessKey));
  assert.equal(cookies[0]!.httpOnly, true);
  assert.equal(cookies[0]!.sameSite, 'Strict');

  // Without the page's CSRF token the session cookie alone does nothing.
  const forged = await page.evaluate(async () => {
    const res = await fetch('/console/api/elasticloadbalancing', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateTargetGroup&Version=2015-12-01&Name=forged&Port=80&Protocol=HTTP',
    });
    return { status: res.status, body: await res.text() };
  });
  assert.equal(forged.status, 403);
  assert.match(forged.body, /InvalidCsrfToken/);
  assert.deepEqual(await targetGroupNames(), []);

  const js = browser.scripts.reduce((sum, s) => sum + s.bytes, 0);
  assert.ok(browser.scripts.length >= 4, 'the app and preact, hooks and htm were loaded');
  assert.ok(browser.scripts.every((s) => s.encoding === 'gzip'), 'scripts are served compressed');
  assert.ok(js < FIRST_LOAD_JS_BUDGET, `first load is ${js} bytes of compressed JavaScript`);
});

test('bad target group input shows the API message next to the field and creates nothing', async () => {
  const cases = [
    { name: '', port: '8080', field: 'Target group name', message: 'The request must contain the parameter Name', code: 'MissingParameter' },
    { name: 'x'.repeat(33), port: '8080', field: 'Target group name', message: 'cannot be longer than 32 characters', code: 'ValidationError' },
    { name: 'tutorial-tg', port: '0', field: 'Port', message: 'port must be an integer from 1 to 65535, got 0', code: 'ValidationError' },
  ];
  await page.getByRole('link', { name: 'Target Groups', exact: true }).click();
  await button('Create target group').click();
  for (const c of cases) {
    await label('Target group name').fill(c.name);
    await label('Port').fill(c.port);
    await button('Next').click();
    await page.getByRole('heading', { name: 'Register targets', level: 1 }).waitFor();
    await button('Create target group').click();
    // Back at the first step, the API's code and message in the alert and at the field.
    const alert = page.getByRole('alert');
    await alert.getByText(c.code).waitFor();
    assert.match(await alert.innerText(), new RegExp(c.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(await fieldError(c.field), new RegExp(c.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(await label(c.field).getAttribute('aria-invalid'), 'true');
    await browser.screenshot(`bad-input-${c.code}-${c.field.replace(/ /g, '-').toLowerCase()}`);
    assert.deepEqual(await targetGroupNames(), [], `nothing created after ${c.code}`);
  }
});

test('a target group whose targets are refused is not kept, and the page says so', async () => {
  await page.getByRole('link', { name: 'Target Groups', exact: true }).click();
  await button('Create target group').click();
  await label('Target group name').fill('half-made');
  await button('Next').click();
  await label('Instance').fill('127.0.0.1');
  await label('Ports for the selected instances').fill('0');
  await button('Include as pending below').click();
  await button('Create target group').click();
  const alert = page.getByRole('alert');
  await alert.getByText('Registering the targets failed, so the target group was not kept', { exact: false }).waitFor();
  assert.match(await alert.innerText(), /InvalidTarget: .*port must be an integer from 1 to 65535, got 0/);
  await browser.screenshot('registration-refused-rolled-back');
  assert.deepEqual(await targetGroupNames(), []);
});

test('Create target group: the seed\'s sections and wording, two instances included as pending', async () => {
  await page.getByRole('link', { name: 'Target Groups', exact: true }).click();
  await button('Create target group').click();
  await page.getByRole('heading', { name: 'Basic configuration' }).waitFor();
  await page.getByRole('radio', { name: 'Instance', exact: true }).check();
  await label('Target group name').fill('tutorial-tg');
  assert.equal(await label('Protocol').inputValue(), 'HTTP');
  assert.equal(await label('Port').inputValue(), '8080');
  await page.getByRole('radio', { name: 'HTTP1', exact: true }).check();
  await page.getByRole('heading', { name: 'Health checks' }).waitFor();
  await label('Health check path').fill('/status');
  await page.getByText('Advanced health check settings').click();
  await label('Healthy threshold').fill('2');
  await label('Unhealthy threshold').fill('2');
  await label('Timeout').fill('2');
  await label('Interval').fill('5');
  assert.equal(await label('Success codes').inputValue(), '200');
  await browser.screenshot('create-target-group-details');
  await button('Next').click();

  await page.getByRole('heading', { name: 'Register targets', level: 1 }).waitFor();
  await label('Instance').fill('127.0.0.1');
  await label('Ports for the selected instances').fill(`${a.port}, ${b.port}, 9`);
  await button('Include as pending below').click();
  const pending = page.getByRole('table', { name: 'Pending targets' });
  await pending.getByRole('row').nth(3).waitFor();
  await button('Remove 127.0.0.1:9').click();
  assert.equal(await pending.getByRole('row').count(), 3, 'a header and the two instances');
  await browser.screenshot('register-targets-pending');
  await button('Create target group').click();

  await page.getByRole('heading', { name: 'tutorial-tg' }).waitFor();
  await page.getByText('Target group tutorial-tg created with 2 targets.').waitFor();
  await targetRow(a.port).waitFor();
  await targetRow(b.port).waitFor();
  await browser.screenshot('target-group-created');
  assert.deepEqual(await targetGroupNames(), ['tutorial-tg']);
  const health = await api.aws(['elbv2', 'describe-target-groups', '--names', 'tutorial-tg']);
  assert.equal(health.json.TargetGroups[0].HealthCheckPath, '/status');
  assert.equal(health.json.TargetGroups[0].HealthCheckIntervalSeconds, 5);
  assert.equal(health.json.TargetGroups[0].ProtocolVersion, 'HTTP1');
});

test('Create load balancer: Application Load Balancer with a listener forwarding to the group', async () => {
  await page.getByRole('link', { name: 'Load Balancers', exact: true }).click();
  await button('Create load balancer').click();
  await button('Create Application Load Balancer').click();
  await label('Load balancer name').fill('tutorial-alb');
  // Internal: the listener binds loopback only, as the tests' traffic stays on this machine.
  await page.getByRole('radio', { name: 'Internal', exact: true }).check();
  await page.getByRole('radio', { name: 'IPv4', exact: true }).check();
  await page.getByRole('heading', { name: 'Network mapping' }).waitFor();
  await page.getByRole('heading', { name: 'Listeners and routing' }).waitFor();
  assert.equal(await label('Protocol').inputValue(), 'HTTP');
  assert.equal(await label('Port').inputValue(), '80', 'the default listener accepts HTTP on port 80');
  await label('Port').fill(String(listenerPort));
  await page.getByRole('radio', { name: 'Forward to target groups', exact: true }).check();
  await label('Target group').selectOption({ label: 'tutorial-tg' });
  await page.getByRole('heading', { name: 'Summary' }).waitFor();
  await page.getByText(`HTTP:${listenerPort} → forward to tutorial-tg`).waitFor();
  await browser.screenshot('create-load-balancer');
  await button('Create load balancer').click();

  await page.getByRole('heading', { name: 'tutorial-alb' }).waitFor();
  const listeners = page.getByRole('table', { name: 'Listeners' });
  await listeners.getByRole('row').filter({ hasText: `HTTP:${listenerPort}` }).filter({ hasText: 'Forward to tutorial-tg' }).waitFor();
  await page.getByText('Load balancer tutorial-alb created.').waitFor();
  await browser.screenshot('load-balancer-created');

  await api.server.waitForListener(listenerPort);
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add(await getText(listenerPort, '/'));
  assert.equal(seen.size, 2, `requests alternate between the instances: ${[...seen].join(' | ')}`);
});

test('the Targets tab shows both instances turn healthy', async () => {
  await page.getByRole('link', { name: 'Target Groups', exact: true }).click();
  await page.getByRole('link', { name: 'tutorial-tg' }).click();
  await page.getByRole('tab', { name: 'Targets' }).waitFor();
  await targetRow(a.port).getByText('healthy', { exact: true }).waitFor({ timeout: HEALTH_TIMEOUT_MS });
  await targetRow(b.port).getByText('healthy', { exact: true }).waitFor({ timeout: HEALTH_TIMEOUT_MS });
  await browser.screenshot('targets-healthy');
});

test('Attributes, Edit: stickiness duration of 8 days is refused with the API message, 1 day is saved, and a cookie jar sticks', async () => {
  await page.getByRole('tab', { name: 'Attributes' }).click();
  await button('Edit').click();
  await page.getByRole('checkbox', { name: 'Stickiness', exact: true }).check();
  await page.getByRole('radio', { name: 'Load balancer generated cookie', exact: true }).check();
  await label('Stickiness duration').fill('8');
  await label('Stickiness duration unit').selectOption('days');
  await button('Save changes').click();
  const alert = page.getByRole('alert');
  await alert.getByText('ValidationError').waitFor();
  assert.match(await alert.innerText(), /stickiness\.lb_cookie\.duration_seconds.*604800/);
  assert.match(await fieldError('Stickiness duration'), /604800, got 691200/);
  await browser.screenshot('attributes-refused');
  assert.equal((await attributes())['stickiness.enabled'], 'false', 'nothing changed');

  await label('Stickiness duration').fill('1');
  await button('Save changes').click();
  await page.getByText('Attributes saved.').waitFor();
  const shown = page.getByRole('definition').filter({ hasText: 'Load balancer generated cookie' });
  await shown.waitFor();
  await browser.screenshot('attributes-saved');
  const saved = await attributes();
  assert.equal(saved['stickiness.enabled'], 'true');
  assert.equal(saved['stickiness.type'], 'lb_cookie');
  assert.equal(saved['stickiness.lb_cookie.duration_seconds'], '86400');

  // The tutorial's check: with the cookie every request reaches one instance; without, both answer.
  await pollUntil(async () => (await visit()).awsalb !== undefined, { timeoutMs: 10_000, what: 'the listener to set AWSALB' });
  const first = await visit();
  let jar = first.awsalb!;
  const withJar = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const v = await visit(jar);
    withJar.add(v.instance);
    jar = v.awsalb ?? jar;
  }
  assert.deepEqual([...withJar], [first.instance], 'with the cookie every request reaches the same instance');
  const withoutJar = new Set<string>();
  for (let i = 0; i < 6; i++) withoutJar.add((await visit()).instance);
  assert.equal(withoutJar.size, 2, 'without the cookie both instances answer');
});

test('Health checks, Edit: a timeout not below the interval is refused at its field; the change is saved and visible through the API', async () => {
  await page.getByRole('tab', { name: 'Health checks' }).click();
  await button('Edit').click();
  await page.getByRole('heading', { name: 'Edit health check settings' }).waitFor();
  assert.equal(await label('Health check path').inputValue(), '/status');
  await label('Timeout').fill('10');
  await button('Save changes').click();
  await page.getByRole('alert').getByText('ValidationError').waitFor();
  assert.match(await fieldError('Timeout'), /health check timeout \(10\) must be smaller than the interval \(5\)/);
  await browser.screenshot('health-checks-refused');
  assert.equal((await group()).HealthCheckTimeoutSeconds, 2, 'nothing changed');

  await label('Timeout').fill('3');
  await label('Healthy threshold').fill('3');
  await label('Success codes').fill('200-299');
  await button('Save changes').click();
  await page.getByText('Health check settings saved.').waitFor();
  const settings = page.getByRole('definition');
  await settings.filter({ hasText: '200-299' }).waitFor();
  await browser.screenshot('health-checks-saved');
  const tg = await group();
  assert.equal(tg.HealthCheckTimeoutSeconds, 3);
  assert.equal(tg.HealthyThresholdCount, 3);
  assert.equal(tg.Matcher.HttpCode, '200-299');
  assert.equal(tg.HealthCheckPath, '/status');
  assert.equal(tg.HealthCheckPort, 'traffic-port');
});

test('a killed instance turns unhealthy with its reason in the Targets tab', async () => {
  await page.getByRole('tab', { name: 'Targets' }).click();
  await a.kill();
  await targetRow(a.port).getByText('unhealthy', { exact: true }).waitFor({ timeout: HEALTH_TIMEOUT_MS });
  const details = await targetRow(a.port).locator('td.health-details').innerText();
  assert.match(details, /^Target\.(FailedHealthChecks|Timeout)/, `the reason is shown: ${details}`);
  assert.equal(await targetRow(b.port).locator('td.health-state').innerText(), 'healthy');
  await browser.screenshot('target-unhealthy');

  // The tabs are there for keyboard users too.
  await page.getByRole('tab', { name: 'Targets' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.getByRole('tab', { name: 'Health checks', selected: true }).waitFor();
  await page.getByText('/status', { exact: true }).waitFor();
  await page.keyboard.press('End');
  await page.getByRole('tab', { name: 'Monitoring', selected: true }).waitFor();
});

test('Certificates: a key that does not match is refused at its field; the tutorial\'s certificate is imported from a file', async () => {
  await page.getByRole('link', { name: 'Certificates' }).click();
  await page.getByRole('heading', { name: 'Certificates' }).waitFor();
  await button('Import certificate').click();
  await label('Certificate name').fill('tutorial-cert');
  await label('Certificate body').fill(certs.tutorial.cert);
  await label('Certificate private key').fill(certs.other.key);
  await button('Import').click();
  await page.getByRole('alert').getByText('KeyPairMismatch').waitFor();
  assert.match(await fieldError('Certificate private key'), /The private key does not match the certificate/);
  await browser.screenshot('certificate-key-mismatch');
  assert.deepEqual(await certificateNames(), [], 'nothing imported');

  // The files the tutorial's openssl commands wrote: certificate.crt chosen, private.pem pasted.
  await label('Certificate body').fill('');
  await label('Certificate body: choose file').setInputFiles(certs.tutorial.certFile);
  await pollUntil(async () => (await label('Certificate body').inputValue()) === certs.tutorial.cert, { timeoutMs: 5000, what: 'the chosen file in the text area' });
  await label('Certificate private key').fill(certs.tutorial.key);
  await button('Import').click();
  await page.getByText('Certificate tutorial-cert imported.').waitFor();
  const row = page.getByRole('table', { name: 'Certificates' }).getByRole('row').filter({ hasText: 'tutorial-cert' });
  await row.getByText('tutorial.example.com').waitFor();
  await row.getByText('Not in use').waitFor();
  const expires = new Date(Date.now() + 365 * 86400_000).toISOString().slice(0, 10);
  const dayBefore = new Date(Date.now() + 364 * 86400_000).toISOString().slice(0, 10);
  assert.match(await row.innerText(), new RegExp(`${expires}|${dayBefore}`), 'expiry 365 days out');
  await browser.screenshot('certificate-imported');
  assert.deepEqual(await certificateNames(), ['tutorial-cert']);
});

test('Add listener: HTTPS with the recommended security policy and the certificate from IAM; an https request succeeds', async () => {
  await page.getByRole('link', { name: 'Load Balancers', exact: true }).click();
  await page.getByRole('link', { name: 'tutorial-alb' }).click();
  await page.getByRole('tab', { name: 'Listeners', selected: true }).waitFor();
  await button('Add listener').click();
  const form = page.getByRole('form', { name: 'Add listener' });
  await form.getByLabel('Protocol', { exact: true }).selectOption('HTTPS');
  assert.equal(await form.getByLabel('Port', { exact: true }).inputValue(), '443');
  await form.getByLabel('Port', { exact: true }).fill(String(httpsPort));
  await form.getByRole('radio', { name: 'Forward to target groups' }).check();
  await form.getByLabel('Target group', { exact: true }).selectOption({ label: 'tutorial-tg' });
  assert.equal(await form.getByLabel('Security policy', { exact: true }).inputValue(), 'ELBSecurityPolicy-TLS13-1-2-2021-06', 'the recommended policy is preselected');
  await form.getByRole('radio', { name: 'From IAM' }).check();
  const certificate = form.getByLabel('Certificate', { exact: true });
  await certificate.selectOption((await certificate.locator('option', { hasText: 'tutorial-cert' }).getAttribute('value'))!);
  await browser.screenshot('add-https-listener');
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText(`Listener HTTPS:${httpsPort} added.`).waitFor();
  const row = page.getByRole('table', { name: 'Listeners' }).getByRole('row').filter({ hasText: `HTTPS:${httpsPort}` });
  await row.getByText('ELBSecurityPolicy-TLS13-1-2-2021-06').waitFor();
  await row.getByText('tutorial-cert').waitFor();
  await browser.screenshot('https-listener-added');

  await api.server.waitForListener(httpsPort);
  const res = await httpsGet(httpsPort);
  assert.equal(res.status, 200);
  assert.match(res.body, /instance-b/, 'the healthy instance answers over HTTPS');
  assert.equal(res.subject, 'tutorial.example.com', 'the imported certificate is served');

  await button(`View rules of HTTPS:${httpsPort}`).click();
  const rules = page.getByRole('table', { name: `Rules of HTTPS:${httpsPort}` });
  await rules.getByRole('row').filter({ hasText: 'Default' }).filter({ hasText: 'Forward to tutorial-tg' }).waitFor();
});

test('Certificates: deleting a certificate in use is refused with the DeleteConflict message', async () => {
  await page.getByRole('link', { name: 'Certificates' }).click();
  const row = page.getByRole('table', { name: 'Certificates' }).getByRole('row').filter({ hasText: 'tutorial-cert' });
  await row.getByText(`tutorial-alb HTTPS:${httpsPort}`).waitFor();
  await page.getByRole('radio', { name: 'Select tutorial-cert' }).check();
  await button('Delete').click();
  await page.getByRole('group', { name: 'Delete certificate tutorial-cert?' }).getByRole('button', { name: 'Delete' }).click();
  const alert = page.getByRole('alert');
  await alert.getByText('DeleteConflict').waitFor();
  assert.match(await alert.innerText(), /is currently in use by .*listener/);
  await browser.screenshot('certificate-in-use');
  assert.deepEqual(await certificateNames(), ['tutorial-cert'], 'the certificate is still there');
});

test('sign out ends the session at the server', async () => {
  await button('Sign out').click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await browser.screenshot('signed-out');
  const after = await page.evaluate(async () => (await fetch('/console/session')).status);
  assert.equal(after, 401);
  assert.deepEqual(browser.pageErrors, []);
});
