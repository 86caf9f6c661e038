// The tutorial's TLS exercise, verbatim, against a real `albatross serve`: openssl makes the key,
// public key, CSR and self-signed certificate; the real AWS CLI uploads it to the certificate store
// and adds an HTTPS listener with the console's default policy; curl (HTTP/1.1 and HTTP/2) reaches
// the Flask instances; openssl s_client sees the policy enforced and SNI pick the right certificate;
// an HTTP listener redirects to HTTPS; TLS sessions resume whichever of the two workers a client reaches.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFlask, type FlaskTarget } from '../helpers/flask.ts';
import { freePort } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';
import { removeTempDirs } from '../helpers/albatross.ts';
import { startApi, type AlbatrossApi } from '../helpers/albatross-api.ts';

let api: AlbatrossApi;
let dir: string;
const flask: FlaskTarget[] = [];
let httpsPort = 0;
let tgArn = '';
let lbArn = '';
let certArn = '';

function run(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: dir, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

async function aws(...args: string[]): Promise<any> {
  const r = await api.aws(args);
  assert.equal(r.code, 0, `aws ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.json;
}

/** openssl s_client: did the handshake succeed, and which certificate subject came back. */
async function sClient(port: number, ...args: string[]): Promise<{ ok: boolean; subject: string; protocol: string }> {
  const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], 'Q\n');
  const subject = /subject=([^\n]*)/.exec(r.stdout)?.[1] ?? '';
  const protocol = /Protocol\s*:\s*(\S+)/.exec(r.stdout)?.[1] ?? /New, (TLSv[\d.]+)/.exec(r.stdout)?.[1] ?? '';
  return { ok: r.code === 0 && /Cipher is (?!\(NONE\))/.test(r.stdout), subject, protocol };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'albatross-https-'));
  api = await startApi({ workers: 2 });
  for (const name of ['instance-a', 'instance-b']) flask.push(await startFlask(name));
  // The tutorial's four openssl commands (the CSR's subject given on the command line).
  for (const args of [
    ['genrsa', '-out', 'private.pem', '2048'],
    ['rsa', '-in', 'private.pem', '-outform', 'PEM', '-pubout', '-out', 'public.pem'],
    ['req', '-new', '-key', 'private.pem', '-out', 'certificate.csr', '-subj', '/C=US/O=Tutorial/CN=tutorial.example.com'],
    ['x509', '-req', '-days', '365', '-in', 'certificate.csr', '-signkey', 'private.pem', '-out', 'certificate.crt'],
  ]) {
    const r = await run('openssl', args);
    assert.equal(r.code, 0, r.stderr);
  }
  tgArn = (await aws('elbv2', 'create-target-group', '--name', 'tls-tg', '--protocol', 'HTTP', '--port', '8080', '--health-check-path', '/status',
    '--health-check-interval-seconds', '5', '--health-check-timeout-seconds', '2', '--healthy-threshold-count', '2')).TargetGroups[0].TargetGroupArn;
  await aws('elbv2', 'register-targets', '--target-group-arn', tgArn, '--targets', ...flask.map((f) => `Id=127.0.0.1,Port=${f.port}`));
  lbArn = (await aws('elbv2', 'create-load-balancer', '--name', 'tls-alb', '--scheme', 'internal')).LoadBalancers[0].LoadBalancerArn;
});

after(async () => {
  for (const f of flask) await f.stop();
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
  await removeTempDirs();
});

test('upload-server-certificate and an HTTPS listener with the console default policy serve curl -k', async () => {
  const uploaded = await aws('iam', 'upload-server-certificate', '--server-certificate-name', 'tutorial-cert',
    '--certificate-body', `file://${join(dir, 'certificate.crt')}`, '--private-key', `file://${join(dir, 'private.pem')}`);
  certArn = uploaded.ServerCertificateMetadata.Arn;
  assert.match(certArn, /^arn:aws:iam::\d{12}:server-certificate\/tutorial-cert$/);
  httpsPort = await freePort();
  const listener = await aws('elbv2', 'create-listener', '--load-balancer-arn', lbArn, '--protocol', 'HTTPS', '--port', String(httpsPort),
    '--certificates', `CertificateArn=${certArn}`, '--ssl-policy', 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    '--default-actions', `Type=forward,TargetGroupArn=${tgArn}`);
  assert.equal(listener.Listeners[0].Protocol, 'HTTPS');
  assert.equal(listener.Listeners[0].SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
  const names = new Set<string>();
  await pollUntil(async () => {
    const r = await run('curl', ['-sk', '--max-time', '3', `https://127.0.0.1:${httpsPort}/`]);
    if (r.code === 0 && /hello from/.test(r.stdout)) names.add(r.stdout.trim());
    return names.size === 2;
  }, { timeoutMs: 15_000, intervalMs: 100, what: 'curl -k reaching both instances over HTTPS' });
  const headers = await run('curl', ['-sk', `https://127.0.0.1:${httpsPort}/headers`]);
  assert.equal(JSON.parse(headers.stdout)['X-Forwarded-Proto'] ?? JSON.parse(headers.stdout)['x-forwarded-proto'], 'https');
  // serve's log names the listener with the scheme a client uses.
  await api.server.waitForLine(new RegExp(`^albatross: listener .* HTTPS:${httpsPort} accepting on https://127\\.0\\.0\\.1:${httpsPort}/$`), { timeoutMs: 5_000 });
});

test('curl --http2 negotiates h2 and gets the instance', async () => {
  const r = await run('curl', ['-sk', '--http2', '-o', '/dev/null', '-w', '%{http_version} %{http_code}', `https://127.0.0.1:${httpsPort}/`]);
  assert.equal(r.stdout, '2 200');
});

test('the policy is enforced on the wire: TLS 1.1 refused, 1.2 and 1.3 accepted; 1.3-only refuses 1.2', async () => {
  // SECLEVEL=0 lets this openssl offer TLS 1.1 at all, so a refusal is the listener's.
  assert.equal((await sClient(httpsPort, '-tls1_1', '-cipher', 'DEFAULT:@SECLEVEL=0')).ok, false);
  assert.equal((await sClient(httpsPort, '-tls1_2')).ok, true);
  assert.equal((await sClient(httpsPort, '-tls1_3')).ok, true);
  const listeners = await aws('elbv2', 'describe-listeners', '--load-balancer-arn', lbArn);
  const arn = listeners.Listeners.find((l: any) => l.Port === httpsPort).ListenerArn;
  await aws('elbv2', 'modify-listener', '--listener-arn', arn, '--ssl-policy', 'ELBSecurityPolicy-TLS13-1-3-2021-06');
  await pollUntil(async () => !(await sClient(httpsPort, '-tls1_2')).ok, { timeoutMs: 5000, intervalMs: 100, what: 'TLS 1.2 refused under TLS13-1-3' });
  assert.equal((await sClient(httpsPort, '-tls1_3')).ok, true);
  await aws('elbv2', 'modify-listener', '--listener-arn', arn, '--ssl-policy', 'ELBSecurityPolicy-TLS13-1-2-2021-06');
});

test('SNI: a second certificate for another name is chosen by name', async () => {
  for (const args of [
    ['genrsa', '-out', 'b.pem', '2048'],
    ['req', '-new', '-key', 'b.pem', '-out', 'b.csr', '-subj', '/CN=b.example.com'],
    ['x509', '-req', '-days', '365', '-in', 'b.csr', '-signkey', 'b.pem', '-out', 'b.crt'],
  ]) assert.equal((await run('openssl', args)).code, 0);
  const b = await aws('iam', 'upload-server-certificate', '--server-certificate-name', 'b-cert',
    '--certificate-body', `file://${join(dir, 'b.crt')}`, '--private-key', `file://${join(dir, 'b.pem')}`);
  const listeners = await aws('elbv2', 'describe-listeners', '--load-balancer-arn', lbArn);
  const arn = listeners.Listeners.find((l: any) => l.Port === httpsPort).ListenerArn;
  await aws('elbv2', 'add-listener-certificates', '--listener-arn', arn, '--certificates', `CertificateArn=${b.ServerCertificateMetadata.Arn}`);
  await pollUntil(async () => /CN\s*=\s*b\.example\.com/.test((await sClient(httpsPort, '-servername', 'b.example.com')).subject),
    { timeoutMs: 5000, intervalMs: 100, what: 'the b.example.com certificate for SNI b.example.com' });
  assert.match((await sClient(httpsPort, '-servername', 'tutorial.example.com')).subject, /CN\s*=\s*tutorial\.example\.com/);
  assert.match((await sClient(httpsPort, '-servername', 'unknown.example.com')).subject, /CN\s*=\s*tutorial\.example\.com/);
});

test('an HTTP listener redirects everything to HTTPS', async () => {
  const httpPort = await freePort();
  await aws('elbv2', 'create-listener', '--load-balancer-arn', lbArn, '--protocol', 'HTTP', '--port', String(httpPort),
    '--default-actions', `Type=redirect,RedirectConfig={Protocol=HTTPS,Port=${httpsPort},StatusCode=HTTP_301}`);
  const r = await pollUntil(async () => {
    const x = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `http://127.0.0.1:${httpPort}/a/b?x=1`]);
    return x.stdout.startsWith('301') ? x.stdout : undefined;
  }, { timeoutMs: 5000, intervalMs: 100, what: 'the redirect' });
  assert.equal(r, `301 https://127.0.0.1:${httpsPort}/a/b?x=1`);
  const followed = await run('curl', ['-skL', `http://127.0.0.1:${httpPort}/`]);
  assert.match(followed.stdout, /hello from instance-/);
});

test('a certificate in use cannot be deleted; an HTTPS listener without a certificate is refused', async () => {
  const del = await api.aws(['iam', 'delete-server-certificate', '--server-certificate-name', 'tutorial-cert']);
  assert.notEqual(del.code, 0);
  assert.match(del.stderr, /DeleteConflict/);
  const noCert = await api.aws(['elbv2', 'create-listener', '--load-balancer-arn', lbArn, '--protocol', 'HTTPS', '--port', String(await freePort()),
    '--default-actions', `Type=forward,TargetGroupArn=${tgArn}`]);
  assert.notEqual(noCert.code, 0);
  assert.match(noCert.stderr, /ValidationError|CertificateNotFound/);
});

test('openssl s_client resumes its TLS session on every reconnection, whichever worker it reaches', async () => {
  // TLS 1.2: -reconnect connects five more times with the first session.
  const tls12 = await run('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-tls1_2', '-reconnect']);
  assert.deepEqual([...tls12.stdout.matchAll(/^(New|Reused), TLSv1\.2/gm)].map((m) => m[1]), ['New', ...Array(5).fill('Reused')]);
  // TLS 1.3 sends its tickets after the handshake: each connection makes a request, then saves the session for the next.
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) {
    const resume = i === 0 ? [] : ['-sess_in', 'tls13.session'];
    const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-tls1_3', '-ign_eof', ...resume, '-sess_out', 'tls13.session'],
      'GET /status HTTP/1.1\r\nHost: tutorial.example.com\r\nConnection: close\r\n\r\n');
    seen.push(/^(New|Reused), TLSv1\.3/m.exec(r.stdout)?.[1] ?? r.stdout);
  }
  assert.deepEqual(seen, ['New', ...Array(5).fill('Reused')]);
});
