// The console's forms beyond the tutorial's happy path, in a real browser (Debian's Chromium,
// headless) against a real `albatross serve` and a Flask instance: an address with no page (a
// malformed escape, an unknown area) says so; "Create load balancer" with bad input (empty name,
// name too long, port 0: the API's message at the field, nothing created), with a security group
// created inline whose inbound rules decide which clients connect (edited on its page, detached in
// the Security tab); load balancer attributes (a bad idle timeout refused; deletion protection
// saved, then a delete refused); listeners with a fixed response, rules added and deleted; an HTTPS
// listener whose certificate is imported on the spot (a mismatched key, a taken port: nothing left
// behind); target group attributes and targets registered and deregistered. Screenshots land in
// test-artifacts/console-forms/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import https from 'node:https';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startApi, type AlbatrossApi } from '../helpers/albatross-api.ts';
import { removeTempDirs, repoRoot } from '../helpers/albatross.ts';
import { fieldErrorOf, openBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startFlask, type FlaskTarget } from '../helpers/flask.ts';
import { freePort, request } from '../helpers/net.ts';
import { makeTestCerts, type TestCerts } from '../helpers/openssl-certs.ts';
import { pollUntil } from '../helpers/poll.ts';

let api: AlbatrossApi;
let flask: FlaskTarget;
let browser: TestBrowser;
let page: Page;
let certs: TestCerts;
let listenerPort: number;
let fixedPort: number;
let httpsPort: number;

before(async () => {
  flask = await startFlask('instance-a');
  api = await startApi({ workers: 1 });
  certs = makeTestCerts();
  const artifacts = join(repoRoot, 'test-artifacts', 'console-forms');
  rmSync(artifacts, { recursive: true, force: true });
  browser = await openBrowser(artifacts);
  page = browser.page;
  page.setDefaultTimeout(10_000);
  [listenerPort, fixedPort, httpsPort] = [await freePort(), await freePort(), await freePort()];
  await aws('elbv2', 'create-target-group', '--name', 'forms-tg', '--protocol', 'HTTP', '--port', String(flask.port), '--health-check-path', '/status');
  await aws('elbv2', 'register-targets', '--target-group-arn', await tgArn(), '--targets', `Id=127.0.0.1,Port=${flask.port}`);
});

after(async () => {
  await browser?.close();
  await api?.stop();
  await flask?.stop();
  certs?.cleanup();
  await removeTempDirs();
});

// ---- helpers ----------------------------------------------------------------------------------

async function aws(...args: string[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await api.aws(args);
  assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.json;
}

async function tgArn(): Promise<string> {
  return (await aws('elbv2', 'describe-target-groups', '--names', 'forms-tg')).TargetGroups[0].TargetGroupArn;
}

async function loadBalancers(): Promise<Array<{ LoadBalancerName: string; LoadBalancerArn: string; SecurityGroups: string[] }>> {
  return (await aws('elbv2', 'describe-load-balancers')).LoadBalancers;
}

async function lbArn(): Promise<string> {
  return (await loadBalancers()).find((lb) => lb.LoadBalancerName === 'forms-alb')!.LoadBalancerArn;
}

async function listenerPorts(): Promise<number[]> {
  return ((await aws('elbv2', 'describe-listeners', '--load-balancer-arn', await lbArn())).Listeners as Array<{ Port: number }>).map((l) => l.Port).sort();
}

async function securityGroupNames(): Promise<string[]> {
  return ((await aws('ec2', 'describe-security-groups')).SecurityGroups as Array<{ GroupName: string }>).map((g) => g.GroupName);
}

async function certificateNames(): Promise<string[]> {
  return ((await aws('iam', 'list-server-certificates')).ServerCertificateMetadataList as Array<{ ServerCertificateName: string }>).map((c) => c.ServerCertificateName);
}

function label(name: string, within: Page | Locator = page): Locator {
  return within.getByLabel(name, { exact: true });
}

function button(name: string, within: Page | Locator = page): Locator {
  return within.getByRole('button', { name, exact: true });
}

function escape(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** A GET / on a new connection: served (with its status and body), or closed without a response. */
function attempt(port: number): Promise<{ kind: 'served'; status: number; body: string } | { kind: 'refused' }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let connected = false;
    const done = (err?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) return reject(err);
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      resolve(m ? { kind: 'served', status: Number(m[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) } : { kind: 'refused' });
    };
    const timer = setTimeout(() => done(new Error(`no answer and no close from port ${port}`)), 5000);
    socket.on('connect', () => {
      connected = true;
      socket.write('GET / HTTP/1.1\r\nHost: forms.test\r\nConnection: close\r\n\r\n');
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => done());
    socket.on('error', (err: NodeJS.ErrnoException) => (connected && err.code === 'ECONNRESET' ? done() : done(err)));
  });
}

function httpsStatus(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no HTTPS answer within 10 s')));
    req.on('error', reject);
  });
}

async function openLoadBalancer(tab: string): Promise<void> {
  await page.getByRole('link', { name: 'Load Balancers', exact: true }).click();
  await page.getByRole('link', { name: 'forms-alb' }).click();
  await page.getByRole('tab', { name: tab }).click();
  await page.getByRole('tab', { name: tab, selected: true }).waitFor();
}

// ---- tests ------------------------------------------------------------------------------------

test('sign in with the keyboard alone', async () => {
  await page.goto(`${api.endpoint}/console`);
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.type(api.credentials.accessKeyId);
  await page.keyboard.press('Tab');
  await page.keyboard.type(api.credentials.secretAccessKey);
  await page.keyboard.press('Enter');
  await page.getByText(`Signed in as ${api.credentials.accessKeyId}`).waitFor();
  await page.getByRole('navigation', { name: 'Load Balancing' }).getByRole('link', { name: 'Certificates' }).waitFor();
  await page.getByRole('navigation', { name: 'Load Balancing' }).getByRole('link', { name: 'Security groups' }).waitFor();
});

test('an address the console has no page for (a malformed escape, an unknown area) says "Page not found" and links to Target groups', async () => {
  for (const hash of ['#/target-groups/%E0', '#/nowhere/forms-tg']) {
    await page.goto(`${api.endpoint}/console${hash}`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.getByText(`The console has no page at ${hash}.`).waitFor();
  }
  await browser.screenshot('page-not-found');
  await page.getByRole('link', { name: 'Go to Target groups' }).click();
  await page.getByRole('heading', { name: 'Target groups' }).waitFor();
  await page.getByRole('link', { name: 'forms-tg' }).waitFor();
  assert.deepEqual(browser.pageErrors, []);
});

test('Create load balancer: empty name, name too long and port 0 show the API message at the field; nothing is created', async () => {
  const cases = [
    { name: '', port: String(listenerPort), field: 'Load balancer name', code: 'MissingParameter', message: 'The request must contain the parameter Name' },
    { name: 'x'.repeat(33), port: String(listenerPort), field: 'Load balancer name', code: 'ValidationError', message: 'cannot be longer than 32 characters' },
    { name: 'forms-alb', port: '0', field: 'Port', code: 'ValidationError', message: 'port must be an integer from 1 to 65535, got 0' },
  ];
  await page.getByRole('link', { name: 'Load Balancers', exact: true }).click();
  await button('Create load balancer').click();
  await button('Create Application Load Balancer').click();
  await label('Target group').selectOption({ label: 'forms-tg' });
  for (const c of cases) {
    await label('Load balancer name').fill(c.name);
    await label('Port').fill(c.port);
    await button('Create load balancer').click();
    const alert = page.getByRole('alert').filter({ hasText: 'The load balancer was not created.' });
    await alert.getByText(c.code).waitFor();
    assert.match(await alert.innerText(), escape(c.message));
    assert.match(await fieldErrorOf(label(c.field)), escape(c.message));
    assert.equal(await label(c.field).getAttribute('aria-invalid'), 'true');
    await browser.screenshot(`create-load-balancer-${c.code}-${c.field.replace(/ /g, '-').toLowerCase()}`);
    assert.deepEqual(await loadBalancers(), [], `nothing created after ${c.code} at ${c.field}`);
  }
  assert.match(await page.getByRole('alert').innerText(), /so the load balancer was not kept/);
});

test('Create load balancer: a security group created inline (a bad CIDR refused in its row), attached; its rules refuse this client', async () => {
  await label('Load balancer name').fill('forms-alb');
  await page.getByRole('radio', { name: 'Internal', exact: true }).check();
  await label('Port').fill(String(listenerPort));
  await button('Create new security group').click();
  const sgForm = page.getByRole('group', { name: 'Create security group' });
  await label('Security group name', sgForm).fill('forms-sg');
  await label('Description', sgForm).fill('web clients');
  assert.equal(await label('Port range of rule 1', sgForm).inputValue(), String(listenerPort), 'the rule suggested for the listener port');
  await label('Source of rule 1', sgForm).fill('10.0.0.0/33');
  await button('Create security group', sgForm).click();
  await sgForm.getByRole('alert').getByText('The security group was not created.').waitFor();
  assert.match(await fieldErrorOf(label('Source of rule 1', sgForm)), /10\.0\.0\.0\/33/);
  assert.equal(await label('Source of rule 1', sgForm).getAttribute('aria-invalid'), 'true');
  await browser.screenshot('inline-security-group-refused');
  assert.deepEqual(await securityGroupNames(), [], 'no security group was left behind');

  await label('Source of rule 1', sgForm).fill('10.0.0.0/8');
  await label('Source of rule 1', sgForm).press('Enter');
  const chosen = page.getByRole('checkbox', { name: /^forms-sg sg-/ });
  await chosen.waitFor();
  assert.equal(await chosen.isChecked(), true, 'the new group is selected');
  await page.getByRole('definition').filter({ hasText: 'forms-sg' }).waitFor();
  assert.deepEqual(await loadBalancers(), [], 'Enter in the inline form created the group, not the load balancer');
  await browser.screenshot('inline-security-group-created');
  await button('Create load balancer').click();
  await page.getByText('Load balancer forms-alb created.').waitFor();

  await page.getByRole('tab', { name: 'Security' }).click();
  const attached = page.getByRole('table', { name: 'Security groups' });
  await attached.getByRole('row').filter({ hasText: 'forms-sg' }).filter({ hasText: `TCP ${listenerPort} from 10.0.0.0/8` }).waitFor();
  await browser.screenshot('security-tab');
  await api.server.waitForListener(listenerPort);
  assert.deepEqual(await attempt(listenerPort), { kind: 'refused' }, 'no inbound rule allows 127.0.0.1');
});

test('Security groups: Edit inbound rules lets this client in; deleting the attached group is refused', async () => {
  await page.getByRole('link', { name: 'Security groups' }).click();
  await page.getByRole('link', { name: 'forms-sg' }).click();
  await button('Edit inbound rules').click();
  await button('Add rule').click();
  await label('Port range of rule 2').fill(String(listenerPort));
  await label('Source of rule 2').fill('127.0.0.1/32');
  await label('Description of rule 2').fill('this machine');
  await button('Save rules').click();
  await page.getByText('Inbound rules saved.').waitFor();
  await page.getByRole('table', { name: 'Inbound rules' }).getByRole('row').filter({ hasText: '127.0.0.1/32' }).waitFor();
  await browser.screenshot('inbound-rules-saved');
  const served = await pollUntil(async () => {
    const o = await attempt(listenerPort);
    return o.kind === 'served' ? o : undefined;
  }, { timeoutMs: 10_000, what: 'the new rule to let 127.0.0.1 in' });
  assert.equal(served.status, 200);

  await button('Delete security group').click();
  await page.getByRole('group', { name: /^Delete security group sg-/ }).getByRole('button', { name: 'Delete' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'The security group was not deleted.' });
  await alert.getByText('DependencyViolation').waitFor();
  assert.match(await alert.innerText(), /attached to load balancer forms-alb/);
  assert.deepEqual(await securityGroupNames(), ['forms-sg']);
});

test('Security tab: Edit security groups detaches the group; then it can be deleted', async () => {
  await openLoadBalancer('Security');
  await button('Edit security groups').click();
  await page.getByRole('checkbox', { name: /^forms-sg sg-/ }).uncheck();
  await button('Save changes').click();
  await page.getByText('Security groups saved.').waitFor();
  await page.getByText('No security groups: the load balancer accepts every client.').waitFor();
  assert.deepEqual((await loadBalancers())[0]!.SecurityGroups, []);

  await page.getByRole('link', { name: 'Security groups' }).click();
  await page.getByRole('link', { name: 'forms-sg' }).click();
  await button('Delete security group').click();
  await page.getByRole('group', { name: /^Delete security group sg-/ }).getByRole('button', { name: 'Delete' }).click();
  await page.getByText(/^Security group sg-\w+ deleted\.$/).waitFor();
  assert.deepEqual(await securityGroupNames(), []);
});

test('Security groups page: Create security group with an all-traffic IPv6 rule', async () => {
  await page.getByRole('link', { name: 'Security groups', exact: true }).click();
  await button('Create security group').click();
  const form = page.getByRole('form', { name: 'Create security group' });
  await label('Security group name', form).fill('ipv6-sg');
  await label('Description', form).fill('IPv6 clients');
  await button('Add rule', form).click();
  await label('Type of rule 1', form).selectOption({ label: 'All traffic' });
  assert.equal(await label('Port range of rule 1', form).isDisabled(), true, 'all traffic has no port range');
  await label('Source of rule 1', form).fill('::/0');
  await button('Create security group', form).click();
  await page.getByText(/^Security group ipv6-sg \(sg-\w+\) created\.$/).waitFor();
  const rule = page.getByRole('table', { name: 'Inbound rules' }).getByRole('row').filter({ hasText: '::/0' });
  assert.match(await rule.innerText(), /All traffic\s+All\s+::\/0/);
  await browser.screenshot('security-group-created');
  const [group] = (await aws('ec2', 'describe-security-groups', '--group-names', 'ipv6-sg')).SecurityGroups;
  assert.deepEqual(group.IpPermissions.map((p: { IpProtocol: string; Ipv6Ranges: Array<{ CidrIpv6: string }> }) => [p.IpProtocol, p.Ipv6Ranges.map((r) => r.CidrIpv6)]), [['-1', ['::/0']]]);
});

test('Attributes: an idle timeout of 4001 is refused at its field; deletion protection saved, then deleting the load balancer is refused', async () => {
  await openLoadBalancer('Attributes');
  await button('Edit').click();
  await label('Connection idle timeout').fill('4001');
  await button('Save changes').click();
  await page.getByRole('alert').getByText('ValidationError').waitFor();
  assert.match(await fieldErrorOf(label('Connection idle timeout')), /must be from 1 to 4000, got 4001/);
  await browser.screenshot('lb-attributes-refused');
  const attrs = async (): Promise<Record<string, string>> =>
    Object.fromEntries(((await aws('elbv2', 'describe-load-balancer-attributes', '--load-balancer-arn', await lbArn())).Attributes as Array<{ Key: string; Value: string }>).map((a) => [a.Key, a.Value]));
  assert.equal((await attrs())['idle_timeout.timeout_seconds'], '60', 'nothing changed');

  await label('Connection idle timeout').fill('120');
  await page.getByRole('checkbox', { name: 'Deletion protection' }).check();
  await page.getByLabel('X-Forwarded-For header', { exact: true }).selectOption({ label: 'Preserve' });
  await button('Save changes').click();
  await page.getByText('Attributes saved.').waitFor();
  const shown = page.locator('dl[aria-label="Attributes"]');
  assert.match(await shown.innerText(), /Connection idle timeout\s+120 seconds/);
  assert.match(await shown.innerText(), /Deletion protection\s+On/);
  await browser.screenshot('lb-attributes-saved');
  const saved = await attrs();
  assert.equal(saved['idle_timeout.timeout_seconds'], '120');
  assert.equal(saved['deletion_protection.enabled'], 'true');
  assert.equal(saved['routing.http.xff_header_processing.mode'], 'preserve');

  await button('Delete load balancer').click();
  await page.getByRole('group', { name: 'Delete load balancer forms-alb and its listeners?' }).getByRole('button', { name: 'Delete' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'The load balancer was not deleted.' });
  await alert.getByText('OperationNotPermitted').waitFor();
  assert.match(await alert.innerText(), /deletion protection is enabled/);
  assert.equal((await loadBalancers()).length, 1);
});

test('Listeners: port 0 refused at its field; a fixed-response listener answers; a rule is added, routes, and is deleted; the listener is deleted', async () => {
  await openLoadBalancer('Listeners');
  await button('Add listener').click();
  const form = page.getByRole('form', { name: 'Add listener' });
  await label('Port', form).fill('0');
  await form.getByRole('radio', { name: 'Return fixed response' }).check();
  await label('Response code', form).fill('503');
  await label('Response body', form).fill('maintenance');
  await button('Save', form).click();
  await form.getByRole('alert').getByText('ValidationError').waitFor();
  assert.match(await fieldErrorOf(label('Port', form)), /port must be an integer from 1 to 65535, got 0/);
  assert.deepEqual(await listenerPorts(), [listenerPort], 'nothing created');

  await label('Port', form).fill(String(fixedPort));
  await button('Save', form).click();
  await page.getByText(`Listener HTTP:${fixedPort} added.`).waitFor();
  const row = page.getByRole('table', { name: 'Listeners' }).getByRole('row').filter({ hasText: `HTTP:${fixedPort}` });
  await row.getByText('Return fixed response 503 "maintenance"').waitFor();
  await api.server.waitForListener(fixedPort);
  const fixed = await request(fixedPort, { path: '/' });
  assert.deepEqual([fixed.status, fixed.body], [503, 'maintenance']);

  await button(`View rules of HTTP:${fixedPort}`).click();
  const panel = page.getByRole('region', { name: `Rules of HTTP:${fixedPort}` });
  await button('Add rule', panel).click();
  const ruleForm = page.getByRole('form', { name: 'Add rule' });
  await label('Priority', ruleForm).fill('10');
  await label('Condition', ruleForm).selectOption({ label: 'Path' });
  await label('Condition values', ruleForm).fill('/api/*');
  await ruleForm.getByRole('radio', { name: 'Redirect to URL' }).check();
  assert.equal(await label('Redirect protocol', ruleForm).inputValue(), 'HTTPS');
  await label('Redirect port', ruleForm).fill(String(httpsPort));
  await label('Status code', ruleForm).selectOption('HTTP_302');
  await button('Add rule', ruleForm).click();
  await page.getByText('Rule added.').waitFor();
  const rules = page.getByRole('table', { name: `Rules of HTTP:${fixedPort}` });
  await rules.getByRole('row').filter({ hasText: 'Path is /api/*' }).filter({ hasText: `Redirect to HTTPS://#{host}:${httpsPort}/#{path}?#{query} (302)` }).waitFor();
  await browser.screenshot('rule-added');
  const routed = await pollUntil(async () => {
    const r = await request(fixedPort, { path: '/api/x?y=1', headers: { host: 'forms.test' } });
    return r.status === 302 ? r : undefined;
  }, { timeoutMs: 10_000, what: 'the rule to redirect /api/*' });
  assert.equal(routed.headers.location, `https://forms.test:${httpsPort}/api/x?y=1`);

  await button('Delete rule 10').click();
  await button('Delete rule').click();
  await page.getByText('Rule 10 deleted.').waitFor();
  await rules.getByRole('row').filter({ hasText: 'Path is /api/*' }).waitFor({ state: 'detached' });
  assert.equal(await rules.getByRole('row').count(), 2, 'the header and the default rule');
  await pollUntil(async () => (await request(fixedPort, { path: '/api/x' })).status === 503, { timeoutMs: 10_000, what: 'the default action again' });

  await page.getByRole('radio', { name: `Select HTTP:${fixedPort}` }).check();
  await button('Delete').click();
  await page.getByRole('group', { name: `Delete listener HTTP:${fixedPort}?` }).getByRole('button', { name: 'Delete' }).click();
  await page.getByText(`Listener HTTP:${fixedPort} deleted.`).waitFor();
  assert.deepEqual(await listenerPorts(), [listenerPort]);
});

test('Add listener: HTTPS with a certificate imported on the spot; a mismatched key or a taken port leaves nothing behind', async () => {
  await button('Add listener').click();
  const form = page.getByRole('form', { name: 'Add listener' });
  await label('Protocol', form).selectOption('HTTPS');
  await label('Target group', form).selectOption({ label: 'forms-tg' });
  await form.getByRole('radio', { name: 'Import certificate' }).check();
  await label('Certificate name', form).fill('spot-cert');
  await label('Certificate body: choose file', form).setInputFiles(certs.tutorial.certFile);
  await label('Certificate private key: choose file', form).setInputFiles(certs.other.keyFile);
  await pollUntil(async () => (await label('Certificate private key', form).inputValue()) === certs.other.key, { timeoutMs: 5000, what: 'the key file read' });

  await label('Port', form).fill(String(httpsPort));
  await button('Save', form).click();
  await form.getByRole('alert').getByText('KeyPairMismatch').waitFor();
  assert.match(await fieldErrorOf(label('Certificate private key', form)), /does not match the certificate/);
  await browser.screenshot('https-listener-key-mismatch');
  assert.deepEqual(await certificateNames(), []);

  // The right key, but a port another listener holds: the imported certificate is taken away again.
  await label('Certificate private key: choose file', form).setInputFiles(certs.tutorial.keyFile);
  await pollUntil(async () => (await label('Certificate private key', form).inputValue()) === certs.tutorial.key, { timeoutMs: 5000, what: 'the key file read' });
  await label('Port', form).fill(String(listenerPort));
  await button('Save', form).click();
  await form.getByRole('alert').getByText('DuplicateListener').waitFor();
  assert.match(await fieldErrorOf(label('Port', form)), new RegExp(`A listener already exists on port ${listenerPort}`));
  assert.deepEqual(await certificateNames(), [], 'the certificate imported for the refused listener was removed');
  assert.deepEqual(await listenerPorts(), [listenerPort]);

  await label('Port', form).fill(String(httpsPort));
  await button('Save', form).click();
  await page.getByText(`Listener HTTPS:${httpsPort} added.`).waitFor();
  await browser.screenshot('https-listener-imported-certificate');
  assert.deepEqual(await certificateNames(), ['spot-cert']);
  await api.server.waitForListener(httpsPort);
  assert.equal(await httpsStatus(httpsPort), 200);

  await page.getByRole('link', { name: 'Certificates' }).click();
  await page.getByRole('table', { name: 'Certificates' }).getByRole('row').filter({ hasText: 'spot-cert' }).getByText(`forms-alb HTTPS:${httpsPort}`).waitFor();
});

test('Target group attributes: slow start with least outstanding requests is refused; weighted random, an app cookie and no delay are saved', async () => {
  await page.getByRole('link', { name: 'Target Groups', exact: true }).click();
  await page.getByRole('link', { name: 'forms-tg' }).click();
  await page.getByRole('tab', { name: 'Attributes' }).click();
  await button('Edit').click();
  await label('Load balancing algorithm').selectOption({ label: 'Least outstanding requests' });
  await label('Slow start duration').fill('30');
  await button('Save changes').click();
  await page.getByRole('alert').getByText('ValidationError').waitFor();
  assert.match(await fieldErrorOf(label('Slow start duration')), /You cannot enable both slow start mode and least outstanding requests/);
  const attrs = async (): Promise<Record<string, string>> =>
    Object.fromEntries(((await aws('elbv2', 'describe-target-group-attributes', '--target-group-arn', await tgArn())).Attributes as Array<{ Key: string; Value: string }>).map((a) => [a.Key, a.Value]));
  assert.equal((await attrs())['load_balancing.algorithm.type'], 'round_robin', 'nothing changed');

  await label('Load balancing algorithm').selectOption({ label: 'Weighted random' });
  await page.getByRole('checkbox', { name: 'Anomaly mitigation' }).check();
  await page.getByRole('checkbox', { name: 'Stickiness', exact: true }).check();
  await page.getByRole('radio', { name: 'Application-based cookie' }).check();
  await label('App cookie name').fill('session');
  await label('Stickiness duration').fill('2');
  await label('Stickiness duration unit').selectOption('hours');
  await label('Deregistration delay').fill('0');
  await button('Save changes').click();
  await page.getByText('Attributes saved.').waitFor();
  await page.getByRole('definition').filter({ hasText: '2 hours' }).waitFor();
  await browser.screenshot('target-group-attributes-saved');
  const saved = await attrs();
  assert.equal(saved['load_balancing.algorithm.type'], 'weighted_random');
  assert.equal(saved['load_balancing.algorithm.anomaly_mitigation'], 'on');
  assert.equal(saved['stickiness.enabled'], 'true');
  assert.equal(saved['stickiness.type'], 'app_cookie');
  assert.equal(saved['stickiness.app_cookie.cookie_name'], 'session');
  assert.equal(saved['stickiness.app_cookie.duration_seconds'], '7200');
  assert.equal(saved['deregistration_delay.timeout_seconds'], '0');
  assert.equal(saved['slow_start.duration_seconds'], '30');
});

test('Targets tab: a target registered and deregistered', async () => {
  const other = await freePort();
  await page.getByRole('tab', { name: 'Targets' }).click();
  await label('Instance').fill('127.0.0.1');
  await label('Port').fill(String(other));
  await button('Register').click();
  const row = page.getByRole('table', { name: 'Registered targets' }).getByRole('row').filter({ hasText: String(other) });
  await row.waitFor();
  const ports = async (): Promise<number[]> =>
    ((await aws('elbv2', 'describe-target-health', '--target-group-arn', await tgArn())).TargetHealthDescriptions as Array<{ Target: { Port: number } }>).map((d) => d.Target.Port).sort();
  assert.deepEqual(await ports(), [flask.port, other].sort());

  await page.getByRole('checkbox', { name: `Select 127.0.0.1:${other}` }).check();
  await button('Deregister').click();
  await row.waitFor({ state: 'detached' });
  await browser.screenshot('target-deregistered');
  assert.deepEqual(await ports(), [flask.port], 'gone at once with a deregistration delay of 0');

  await page.getByRole('link', { name: 'Target Groups', exact: true }).click();
  await page.getByRole('radio', { name: 'Select forms-tg' }).check();
  await button('Delete').click();
  await page.getByRole('group', { name: 'Delete target group forms-tg?' }).getByRole('button', { name: 'Delete' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'The target group was not deleted.' });
  await alert.getByText('ResourceInUse').waitFor();
  await browser.screenshot('target-group-in-use');
  assert.equal((await aws('elbv2', 'describe-target-groups')).TargetGroups.length, 1);
  assert.deepEqual(browser.pageErrors, []);
});
