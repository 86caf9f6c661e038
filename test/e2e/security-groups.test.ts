/*
 * Security groups enforced at accept, driven the way a user drives them: the real AWS CLI
 * (/usr/bin/aws) creates a group, authorizes and revokes inbound rules and attaches the group to
 * a load balancer of a real `albatross serve` (two workers) in front of a Flask instance. Clients
 * bind a loopback source address (127.0.0.1, 127.0.0.2, ::1): one no rule allows is closed
 * without an HTTP response and counted as RejectedConnectionCount on /metrics; one a rule allows
 * is served by the instance. Changes apply to new connections within a second or two (polled).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { AWS_CLI_SERVICE_ERROR, awsErrorCode, startApi, type AlbatrossApi } from '../helpers/albatross-api.ts';
import { removeTempDirs } from '../helpers/albatross.ts';
import { startFlask, type FlaskTarget } from '../helpers/flask.ts';
import { freePort, request } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';

let api: AlbatrossApi;
let flask: FlaskTarget;

/** What a client saw: an HTTP response, or a connection closed (or reset) with no byte of one. */
type Outcome = { kind: 'served'; status: number; body: string } | { kind: 'refused' };

/**
 * `GET /` from `localAddress` to `host:port` on a new connection. A connection that could not be
 * made at all (nothing listening) throws: that is not a security-group refusal.
 */
function getFrom(localAddress: string, host: string, port: number, timeoutMs = 5000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, localAddress });
    const chunks: Buffer[] = [];
    let connected = false;
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) return reject(err);
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve({ kind: 'refused' });
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (!m) return reject(new Error(`not an HTTP response from ${host}:${port}: ${JSON.stringify(text.slice(0, 200))}`));
      resolve({ kind: 'served', status: Number(m[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    };
    const timer = setTimeout(() => finish(new Error(`no answer and no close from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => {
      connected = true;
      socket.write(`GET / HTTP/1.1\r\nHost: sg.test\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => finish());
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after the connection was made is how a refused client may see it.
      if (connected && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return finish();
      finish(err);
    });
  });
}

/** Client connections each load balancer refused in this file (the expected RejectedConnectionCount). */
const refusedBy = new Map<string, number>();

/** One GET from `from`; a refusal is tallied for `lb`. */
async function attempt(lb: string, from: string, host: string, port: number): Promise<Outcome> {
  const o = await getFrom(from, host, port);
  if (o.kind === 'refused') refusedBy.set(lb, (refusedBy.get(lb) ?? 0) + 1);
  return o;
}

function describeOutcome(o: Outcome): string {
  return o.kind === 'served' ? `${o.status} ${o.body}` : 'refused';
}

/** Polls until a client from `from` gets `want` (a config change reaches the workers within a second or so). */
async function waitUntil(lb: string, from: string, host: string, port: number, want: 'served' | 'refused'): Promise<Outcome> {
  let last: Outcome | undefined;
  return pollUntil(
    async () => {
      last = await attempt(lb, from, host, port);
      return last.kind === want ? last : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 100, what: `a client from ${from} to be ${want} by ${host}:${port}`, context: () => `last: ${last ? describeOutcome(last) : 'none'}\n${api.server.logs()}` },
  );
}

/** RejectedConnectionCount of one load balancer (`app/<name>/<id>`), summed over workers. */
async function rejectedCount(lbArn: string): Promise<number> {
  const r = await request(api.port, { path: '/metrics' });
  assert.equal(r.status, 200);
  const label = `load_balancer="${lbArn.slice(lbArn.indexOf(':loadbalancer/') + ':loadbalancer/'.length)}"`;
  let total = 0;
  let seen = false;
  for (const line of r.body.split('\n')) {
    if (line.startsWith('RejectedConnectionCount{') && line.includes(label)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
      seen = true;
    }
  }
  assert.ok(seen, `no RejectedConnectionCount for ${label} in /metrics`);
  return total;
}

async function ok(args: string[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await api.aws(args);
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

async function fails(args: string[], code: string, message?: RegExp): Promise<void> {
  const r = await api.aws(args);
  assert.equal(r.code, AWS_CLI_SERVICE_ERROR, `aws ${args.join(' ')} should fail with ${code}: exit ${r.code}, ${r.stdout}${r.stderr}`);
  assert.equal(awsErrorCode(r), code, r.stderr);
  if (message) assert.match(r.stderr, message);
}

/** The machine has ::1 on its loopback interface (IPv6 not disabled). */
const hasIpv6Loopback = Object.values(os.networkInterfaces()).some((addrs) => addrs?.some((a) => a.family === 'IPv6' && a.address === '::1'));

describe('security groups, with the AWS CLI against albatross serve', { timeout: 300_000 }, () => {
  let tgArn: string;
  let lbArn: string;
  let port: number;
  let sgId: string;

  before(async () => {
    flask = await startFlask('instance-a');
    api = await startApi({ workers: 2 });
    tgArn = (await ok(['elbv2', 'create-target-group', '--name', 'sg-tg', '--protocol', 'HTTP', '--port', '8080', '--target-type', 'instance'])).TargetGroups[0].TargetGroupArn;
    await ok(['elbv2', 'register-targets', '--target-group-arn', tgArn, '--targets', `Id=127.0.0.1,Port=${flask.port}`]);
    // internal + ipv4: the listener binds 127.0.0.1, which clients reach from any 127.x source.
    lbArn = (await ok(['elbv2', 'create-load-balancer', '--name', 'sg-lb', '--scheme', 'internal'])).LoadBalancers[0].LoadBalancerArn;
    port = await freePort();
    await ok(['elbv2', 'create-listener', '--load-balancer-arn', lbArn, '--protocol', 'HTTP', '--port', String(port), '--default-actions', `Type=forward,TargetGroupArn=${tgArn}`]);
    await api.server.waitForListener(port);
  });

  after(async () => {
    await api?.stop();
    await flask?.stop();
    await removeTempDirs();
  });

  test('a load balancer with no security group serves every client', async () => {
    for (const from of ['127.0.0.1', '127.0.0.2']) {
      assert.equal(describeOutcome(await attempt(lbArn, from, '127.0.0.1', port)), '200 hello from instance-a', `client from ${from}`);
    }
    assert.equal(await rejectedCount(lbArn), 0);
  });

  test('a rule allowing 127.0.0.2/32 only: 127.0.0.1 is refused at accept and counted, 127.0.0.2 is served', async () => {
    sgId = (await ok(['ec2', 'create-security-group', '--group-name', 'only-127-0-0-2', '--description', 'Only 127.0.0.2'])).GroupId;
    await ok(['ec2', 'authorize-security-group-ingress', '--group-id', sgId, '--protocol', 'tcp', '--port', String(port), '--cidr', '127.0.0.2/32']);
    // Rules that name 127.0.0.1 but not this listener: another port, and UDP on this port.
    await ok(['ec2', 'authorize-security-group-ingress', '--group-id', sgId, '--ip-permissions', JSON.stringify([
      { IpProtocol: 'tcp', FromPort: port + 1, ToPort: port + 10, IpRanges: [{ CidrIp: '127.0.0.1/32' }] },
      { IpProtocol: 'udp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '127.0.0.1/32' }] },
    ])]);
    const set = await ok(['elbv2', 'set-security-groups', '--load-balancer-arn', lbArn, '--security-groups', sgId]);
    assert.deepEqual(set.SecurityGroupIds, [sgId]);
    assert.deepEqual((await ok(['elbv2', 'describe-load-balancers', '--load-balancer-arns', lbArn])).LoadBalancers[0].SecurityGroups, [sgId]);

    await waitUntil(lbArn, '127.0.0.1', '127.0.0.1', port, 'refused');
    for (let i = 0; i < 5; i++) {
      assert.equal(describeOutcome(await attempt(lbArn, '127.0.0.2', '127.0.0.1', port)), '200 hello from instance-a');
      assert.equal(describeOutcome(await attempt(lbArn, '127.0.0.1', '127.0.0.1', port)), 'refused');
    }
    // A refused client's HTTP request never reaches the instance: a keep-alive client sees it too.
    await assert.rejects(request(port, { path: '/', timeoutMs: 5000 }), /ECONNRESET|socket hang up/);
    refusedBy.set(lbArn, (refusedBy.get(lbArn) ?? 0) + 1);
    assert.equal(await rejectedCount(lbArn), refusedBy.get(lbArn));
  });

  test('bad input through the CLI: AWS error codes, and nothing changes', async () => {
    const state = async () => ({
      groups: await ok(['ec2', 'describe-security-groups']),
      lbs: await ok(['elbv2', 'describe-load-balancers']),
    });
    const before = await state();
    await Promise.all([
      fails(['ec2', 'authorize-security-group-ingress', '--group-id', sgId, '--protocol', 'tcp', '--port', String(port), '--cidr', '127.0.0.300/32'], 'InvalidParameterValue', /malformed/),
      fails(['ec2', 'authorize-security-group-ingress', '--group-id', sgId, '--protocol', 'tcp', '--port', String(port), '--cidr', '127.0.0.1'], 'InvalidParameterValue', /malformed/),
      fails(['ec2', 'authorize-security-group-ingress', '--group-id', sgId, '--ip-permissions', JSON.stringify([
        { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '127.0.0.1/32' }], Ipv6Ranges: [{ CidrIpv6: '::1/129' }] },
      ])], 'InvalidParameterValue', /malformed/),
      fails(['ec2', 'authorize-security-group-ingress', '--group-id', 'sg-00000000000000000', '--protocol', 'tcp', '--port', String(port), '--cidr', '127.0.0.1/32'], 'InvalidGroup.NotFound'),
      fails(['ec2', 'revoke-security-group-ingress', '--group-id', 'sg-00000000000000000', '--protocol', 'tcp', '--port', String(port), '--cidr', '127.0.0.2/32'], 'InvalidGroup.NotFound'),
      fails(['elbv2', 'set-security-groups', '--load-balancer-arn', lbArn, '--security-groups', 'sg-00000000000000000'], 'InvalidSecurityGroup'),
      fails(['elbv2', 'set-security-groups', '--load-balancer-arn', lbArn, '--security-groups', sgId, 'sg-00000000000000000'], 'InvalidSecurityGroup'),
    ]);
    assert.deepEqual(await state(), before, 'a refused call changed the state');
    // And the listener still admits exactly what it did.
    assert.equal(describeOutcome(await attempt(lbArn, '127.0.0.2', '127.0.0.1', port)), '200 hello from instance-a');
    assert.equal(describeOutcome(await attempt(lbArn, '127.0.0.1', '127.0.0.1', port)), 'refused');
    assert.equal(await rejectedCount(lbArn), refusedBy.get(lbArn));
  });

  test('revoking the rule refuses both clients', async () => {
    const revoked = await ok(['ec2', 'revoke-security-group-ingress', '--group-id', sgId, '--protocol', 'tcp', '--port', String(port), '--cidr', '127.0.0.2/32']);
    assert.equal(revoked.Return, true);
    await waitUntil(lbArn, '127.0.0.2', '127.0.0.1', port, 'refused');
    for (let i = 0; i < 3; i++) {
      assert.equal(describeOutcome(await attempt(lbArn, '127.0.0.2', '127.0.0.1', port)), 'refused');
      assert.equal(describeOutcome(await attempt(lbArn, '127.0.0.1', '127.0.0.1', port)), 'refused');
    }
    assert.equal(await rejectedCount(lbArn), refusedBy.get(lbArn));
  });

  test('IPv6: a dualstack load balancer refuses ::1 until a rule allows ::1/128', { skip: hasIpv6Loopback ? false : 'this machine has no ::1 on its loopback interface' }, async () => {
    // An internal dualstack load balancer binds ::1 (loopback, IPv6).
    const sg6 = (await ok(['ec2', 'create-security-group', '--group-name', 'loopback-v6', '--description', 'IPv4 loopback, then ::1'])).GroupId;
    await ok(['ec2', 'authorize-security-group-ingress', '--group-id', sg6, '--protocol', 'tcp', '--port', '0-65535', '--cidr', '127.0.0.0/8']);
    const lb6 = (await ok(['elbv2', 'create-load-balancer', '--name', 'sg-lb-v6', '--scheme', 'internal', '--ip-address-type', 'dualstack', '--security-groups', sg6])).LoadBalancers[0].LoadBalancerArn;
    const port6 = await freePort();
    await ok(['elbv2', 'create-listener', '--load-balancer-arn', lb6, '--protocol', 'HTTP', '--port', String(port6), '--default-actions', `Type=forward,TargetGroupArn=${tgArn}`]);
    await api.server.waitForListener(port6);

    // The group was on the load balancer before its listener existed: refused from the first connection.
    assert.equal(describeOutcome(await attempt(lb6, '::1', '::1', port6)), 'refused');
    await ok(['ec2', 'authorize-security-group-ingress', '--group-id', sg6, '--ip-permissions', JSON.stringify([
      { IpProtocol: 'tcp', FromPort: port6, ToPort: port6, Ipv6Ranges: [{ CidrIpv6: '::1/128', Description: 'loopback v6' }] },
    ])]);
    const served = await waitUntil(lb6, '::1', '::1', port6, 'served');
    assert.equal(describeOutcome(served), '200 hello from instance-a');
    const perms = (await ok(['ec2', 'describe-security-groups', '--group-ids', sg6])).SecurityGroups[0].IpPermissions;
    assert.deepEqual(perms.flatMap((p: { Ipv6Ranges: { CidrIpv6: string }[] }) => p.Ipv6Ranges.map((r) => r.CidrIpv6)), ['::1/128']);
    assert.equal(await rejectedCount(lb6), refusedBy.get(lb6));
    // The other load balancer's count is its own.
    assert.equal(await rejectedCount(lbArn), refusedBy.get(lbArn));
  });
});
