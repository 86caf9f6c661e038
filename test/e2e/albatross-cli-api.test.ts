/*
 * `albatross elbv2 ...` as a person without the AWS CLI uses it, against a real `albatross serve`
 * and with the key `serve` wrote to <data-dir>/admin-credentials: create a target group, register
 * targets, see them as tables and as JSON (the same JSON as the real AWS CLI prints), a duplicate
 * name (the AWS CLI's message, exit 254, nothing changed), and --help.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { albatrossBin, removeTempDirs, tempDir, type CliResult } from '../helpers/albatross.ts';
import { startApi, type AlbatrossApi } from '../helpers/albatross-api.ts';
import { childEnv, spawnTracked, stopProcess } from '../helpers/processes.ts';

describe('albatross elbv2 against albatross serve', () => {
  let api: AlbatrossApi;
  let home: string;
  let tgArn: string;

  /** Environment without any AWS credentials or profile, and a home without ~/.aws. */
  function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env = childEnv({ HOME: home, ...extra });
    for (const k of Object.keys(env)) if (k.startsWith('AWS_') && !(k in extra)) delete env[k];
    delete env.ALBATROSS_ENDPOINT_URL;
    return env;
  }

  /** `albatross <args> --endpoint-url <admin> --data-dir <dir>`, to completion. */
  async function albatross(args: readonly string[]): Promise<CliResult> {
    const child = spawnTracked(process.execPath, [albatrossBin, ...args, '--endpoint-url', api.endpoint, '--data-dir', api.dataDir], { env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => void stopProcess(child, 'SIGKILL', 0), 30_000);
    try {
      return await new Promise<CliResult>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
      });
    } finally {
      clearTimeout(timer);
    }
  }

  before(async () => {
    home = join(await tempDir('albatross-e2e-home-'), 'home');
    await mkdir(home);
    api = await startApi();
    assert.match(await readFile(api.credentialsFile, 'utf8'), /aws_access_key_id/);
  });

  after(async () => {
    await api?.stop();
    await removeTempDirs();
  });

  test('create-target-group: one line, with the credentials of <data-dir>/admin-credentials', async () => {
    const r = await albatross([
      'elbv2', 'create-target-group', '--name', 'cli-tg', '--protocol', 'HTTP', '--port', '8080',
      '--target-type', 'instance', '--health-check-path', '/status', '--health-check-interval-seconds', '10',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const m = /^created target group cli-tg (arn:aws:elasticloadbalancing:local:000000000000:targetgroup\/cli-tg\/[0-9a-f]{16})\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    tgArn = m[1]!;
  });

  test('register-targets by group name, then describe-target-health as a table', async () => {
    const reg = await albatross(['elbv2', 'register-targets', '--target-group-name', 'cli-tg', '--targets', 'Id=127.0.0.1,Port=8081', 'Id=127.0.0.1,Port=8082']);
    assert.equal(reg.code, 0, reg.stderr);
    assert.equal(reg.stdout, 'registered 2 targets in cli-tg: 127.0.0.1:8081, 127.0.0.1:8082\n');

    const health = await albatross(['elbv2', 'describe-target-health', '--target-group-arn', tgArn]);
    assert.equal(health.code, 0, health.stderr);
    const lines = health.stdout.trimEnd().split('\n');
    assert.match(lines[1]!, /│ target +│ port │ state +│ reason +│ description +│/);
    // No load balancer uses the group, so ALB calls its targets unused.
    assert.match(lines[3]!, /│ 127\.0\.0\.1 │ 8081 │ unused +│ Target\.NotInUse +│ Target group is not configured to receive traffic from the load balancer │/);
    assert.match(lines[4]!, /│ 127\.0\.0\.1 │ 8082 │ unused +│ Target\.NotInUse +│/);
  });

  test('describe-target-groups: a table, and --output json as the AWS CLI prints it', async () => {
    const table = await albatross(['elbv2', 'describe-target-groups']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /│ name +│ protocol:port │ target type │ health check +│ ARN +│/);
    assert.ok(table.stdout.includes(`│ cli-tg │ HTTP:8080     │ instance    │ HTTP /status │ ${tgArn} │`), table.stdout);

    const ours = await albatross(['elbv2', 'describe-target-groups', '--output', 'json']);
    assert.equal(ours.code, 0, ours.stderr);
    const parsed = JSON.parse(ours.stdout) as { TargetGroups: Array<Record<string, unknown>> };
    assert.equal(parsed.TargetGroups.length, 1);
    assert.equal(parsed.TargetGroups[0]!.TargetGroupArn, tgArn);
    assert.equal(parsed.TargetGroups[0]!.Port, 8080);
    assert.equal(parsed.TargetGroups[0]!.HealthCheckIntervalSeconds, 10);
    assert.equal(parsed.TargetGroups[0]!.HealthCheckEnabled, true);
    assert.deepEqual(parsed.TargetGroups[0]!.Matcher, { HttpCode: '200' });
    const theirs = await api.aws(['elbv2', 'describe-target-groups']);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(ours.stdout, theirs.stdout, 'byte for byte what `aws elbv2 describe-target-groups --output json` prints');

    const health = await albatross(['elbv2', 'describe-target-health', '--target-group-name', 'cli-tg', '--output', 'json']);
    const awsHealth = await api.aws(['elbv2', 'describe-target-health', '--target-group-arn', tgArn]);
    assert.equal(health.stdout, awsHealth.stdout);
  });

  test("a duplicate name: the AWS CLI's message on stderr, exit 254, nothing changed", async () => {
    const r = await albatross(['elbv2', 'create-target-group', '--name', 'cli-tg', '--protocol', 'HTTP', '--port', '9090']);
    assert.equal(r.code, 254);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^\nAn error occurred \(DuplicateTargetGroupName\) when calling the CreateTargetGroup operation: .+\n$/);
    const theirs = await api.aws(['elbv2', 'create-target-group', '--name', 'cli-tg', '--protocol', 'HTTP', '--port', '9090']);
    assert.equal(theirs.code, 254);
    // (The helper runs the AWS CLI with AWS_MAX_ATTEMPTS=1, which adds its retry count to the line.)
    assert.equal(r.stderr, theirs.stderr.replace(/ \(reached max retries: \d+\)/, ''), 'the same words as the AWS CLI');

    const after = await albatross(['elbv2', 'describe-target-groups', '--names', 'cli-tg', '--output', 'json']);
    const groups = (JSON.parse(after.stdout) as { TargetGroups: Array<{ Port: number }> }).TargetGroups;
    assert.deepEqual(groups.map((g) => g.Port), [8080]);
  });

  test('--help on a command lists its options with descriptions', async () => {
    const r = await albatross(['elbv2', 'register-targets', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: albatross elbv2 register-targets \[options\]/);
    assert.match(r.stdout, /--target-group-arn <value> +the target group \(its ARN\)/);
    assert.match(r.stdout, /--targets <value\.\.\.> +the targets: Id=host-or-ip,Port=port/);
    assert.match(r.stdout, /--output <format> +table \(for people\) or json/);
  });
});
