/*
 * Authentication of the admin API end to end: a real `albatross serve` creates its first access
 * key and credentials file, and the real AWS CLI v2 signs with it (elbv2, iam, ec2); a wrong
 * secret, a deleted key and an oversized body are refused with AWS's codes; no secret is ever
 * stored in clear; and a wrong master key stops serve with exit code 1 before it serves anything.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { services } from '../../src/controlplane/api/actions/index.ts';
import { MAX_QUERY_BODY_BYTES } from '../../src/controlplane/api/query-protocol.ts';
import { removeTempDirs, runCli } from '../helpers/albatross.ts';
import { AWS_CLI_SERVICE_ERROR, awsErrorCode, credentialsEnv, spawnServe, startApi, type AwsResult } from '../helpers/albatross-api.ts';
import { request } from '../helpers/net.ts';

after(removeTempDirs);

/** `grep -r -F <text> <dir>` (excluding files named in `exclude`): the files that contain it. */
function grepFiles(text: string, dir: string, exclude: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = ['-r', '-l', '-F', ...exclude.map((f) => `--exclude=${f}`), '--', text, dir];
    execFile('grep', args, (err, stdout) => {
      if (err && err.code !== 1) reject(err);
      else resolve(stdout.trim());
    });
  });
}

/**
 * Success with the action's real answer (its list `field` is empty on a new store) once the
 * action exists; until then, past authentication to InvalidAction.
 */
function assertAuthenticated(r: AwsResult, service: keyof typeof services, action: string, field: string): void {
  if (Object.hasOwn(services[service].actions, action)) {
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json?.[field], [], r.stdout);
  } else {
    assert.equal(r.code, AWS_CLI_SERVICE_ERROR, r.stderr);
    assert.equal(awsErrorCode(r), 'InvalidAction', r.stderr);
  }
}

test('api auth: bootstrap credentials, created and deleted keys, wrong secrets, no secret at rest, wrong master key', async (t) => {
  const api = await startApi();
  t.after(() => api.stop());

  // First start: one key, announced, in a 0600 shared-credentials file with region local.
  assert.match(api.createdAccessKeyId ?? '', /^AKIA[A-Z0-9]{16}$/);
  assert.equal(api.credentials.accessKeyId, api.createdAccessKeyId);
  const announced = api.server.lines.find((l) => l.startsWith('albatross: created access key'));
  assert.equal(
    announced,
    `albatross: created access key ${api.createdAccessKeyId} for the admin API; credentials in ${api.credentialsFile} ` +
      `(AWS_SHARED_CREDENTIALS_FILE=${api.credentialsFile} aws elbv2 describe-load-balancers --endpoint-url ${api.endpoint})`,
  );
  assert.equal(statSync(api.credentialsFile).mode & 0o777, 0o600);
  assert.match(readFileSync(api.credentialsFile, 'utf8'), /^\[default\]\naws_access_key_id = AKIA[A-Z0-9]{16}\naws_secret_access_key = \S{40}\nregion = local\n$/);

  await t.test('the AWS CLI signs with the credentials file for elbv2, iam and ec2', async () => {
    assertAuthenticated(await api.aws(['elbv2', 'describe-load-balancers']), 'elasticloadbalancing', 'DescribeLoadBalancers', 'LoadBalancers');
    assertAuthenticated(await api.aws(['iam', 'list-server-certificates']), 'iam', 'ListServerCertificates', 'ServerCertificateMetadataList');
    assertAuthenticated(await api.aws(['ec2', 'describe-security-groups']), 'ec2', 'DescribeSecurityGroups', 'SecurityGroups');
    // The admin endpoint's own pages are still there.
    assert.equal((await request(api.port, { path: '/health' })).body, 'OK\n');
  });

  await t.test('a wrong secret → SignatureDoesNotMatch; an unknown key → InvalidClientTokenId', async () => {
    const wrong = await api.aws(['elbv2', 'describe-load-balancers'], {
      env: credentialsEnv({ accessKeyId: api.credentials.accessKeyId, secretAccessKey: 'A'.repeat(40) }),
    });
    assert.equal(wrong.code, AWS_CLI_SERVICE_ERROR);
    assert.equal(awsErrorCode(wrong), 'SignatureDoesNotMatch', wrong.stderr);
    const unknown = await api.aws(['iam', 'list-server-certificates'], {
      env: credentialsEnv({ accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: api.credentials.secretAccessKey }),
    });
    assert.equal(awsErrorCode(unknown), 'InvalidClientTokenId', unknown.stderr);
  });

  await t.test('a body over the limit → RequestEntityTooLarge 413', async () => {
    const res = await api.request({ body: `Action=DescribeLoadBalancers&Version=2015-12-01&Pad=${'a'.repeat(MAX_QUERY_BODY_BYTES)}` });
    assert.equal(res.status, 413);
    assert.equal(res.code, 'RequestEntityTooLarge');
    assert.equal(res.headers.connection, 'close');
  });

  await t.test('albatross access-keys create: the key works at once; list never shows a secret; after delete it is InvalidClientTokenId', async () => {
    const created = await runCli(['access-keys', 'create', '--name', 'ci', '--data-dir', api.dataDir, '--output', 'json']);
    assert.equal(created.code, 0, created.stderr);
    const { AccessKey: key } = JSON.parse(created.stdout) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string; Name: string; Status: string } };
    assert.match(key.AccessKeyId, /^AKIA[A-Z0-9]{16}$/);
    assert.match(key.SecretAccessKey, /^[A-Za-z0-9+/]{40}$/);
    assert.equal(key.Name, 'ci');
    assert.equal(key.Status, 'Active');
    const ci = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };

    const withCi = await api.aws(['elbv2', 'describe-load-balancers'], { env: credentialsEnv(ci) });
    assertAuthenticated(withCi, 'elasticloadbalancing', 'DescribeLoadBalancers', 'LoadBalancers');

    const table = await runCli(['access-keys', 'list', '--data-dir', api.dataDir]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`${key.AccessKeyId} +│ ci `));
    assert.match(table.stdout, new RegExp(`${api.credentials.accessKeyId} +│ initial `));
    const listed = await runCli(['access-keys', 'list', '--data-dir', api.dataDir, '--output', 'json']);
    const metadata = (JSON.parse(listed.stdout) as { AccessKeyMetadata: Array<Record<string, string>> }).AccessKeyMetadata;
    assert.deepEqual(metadata.map((m) => [m.AccessKeyId, m.Name, m.Status]), [
      [api.credentials.accessKeyId, 'initial', 'Active'],
      [key.AccessKeyId, 'ci', 'Active'],
    ]);
    for (const out of [table.stdout, listed.stdout]) {
      assert.ok(!out.includes(key.SecretAccessKey) && !out.includes(api.credentials.secretAccessKey), 'list must not show a secret');
    }

    // No secret in clear anywhere in the data dir (the bootstrap one only in admin-credentials).
    assert.equal(await grepFiles(key.SecretAccessKey, api.dataDir), '');
    assert.equal(await grepFiles(api.credentials.secretAccessKey, api.dataDir, ['admin-credentials']), '');

    const deleted = await runCli(['access-keys', 'delete', key.AccessKeyId, '--data-dir', api.dataDir]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, `deleted access key ${key.AccessKeyId} (ci)\n`);
    const after = await api.aws(['elbv2', 'describe-load-balancers'], { env: credentialsEnv(ci) });
    assert.equal(after.code, AWS_CLI_SERVICE_ERROR);
    assert.equal(awsErrorCode(after), 'InvalidClientTokenId', after.stderr);

    const again = await runCli(['access-keys', 'delete', key.AccessKeyId, '--data-dir', api.dataDir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /NoSuchEntity: There is no access key/);
  });

  await t.test('a restart keeps the keys (no new one); a wrong ALBATROSS_MASTER_KEY stops serve with exit code 1 before it serves', async () => {
    await api.stop();
    const restarted = await startApi({ dataDir: api.dataDir });
    assert.equal(restarted.createdAccessKeyId, undefined);
    assertAuthenticated(await restarted.aws(['elbv2', 'describe-load-balancers']), 'elasticloadbalancing', 'DescribeLoadBalancers', 'LoadBalancers');
    await restarted.stop();

    const wrong = await spawnServe({ dataDir: api.dataDir, env: { ALBATROSS_MASTER_KEY: 'not the key this store was sealed with' } });
    const { code } = await wrong.exited();
    assert.equal(code, 1, wrong.logs());
    assert.match(wrong.stderr, /^albatross: error: the master key does not match the one this store was sealed with: check ALBATROSS_MASTER_KEY or <data-dir>\/master\.key\n$/);
    assert.ok(!wrong.lines.some((l) => l.includes('admin endpoint') || l.includes('worker')), wrong.logs());
  });
});
