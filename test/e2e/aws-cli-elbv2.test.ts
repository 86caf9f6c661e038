// The elasticloadbalancing API driven by the real AWS CLI v2 (/usr/bin/aws) against a real
// `albatross serve`: the tutorial's sequence with two real Flask instances (requests reach both,
// both turn healthy, stickiness attributes stick), every target group, load balancer, listener and
// tag action checked field by field, each error path the CLI shows with the state unchanged after
// it, and boto3 (Debian's python3-boto3) as a second client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startFlask, python, type FlaskTarget } from '../helpers/flask.ts';
import { freePort, request } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';
import { removeTempDirs } from '../helpers/albatross.ts';
import { AWS_CLI_SERVICE_ERROR, awsErrorCode, startApi, type AlbatrossApi } from '../helpers/albatross-api.ts';
import { makeTestCerts, type TestCerts } from '../helpers/openssl-certs.ts';

/** The health check of the tutorial: ALB's smallest interval, two checks to turn healthy. */
const INTERVAL_S = 5;
const HEALTHY_THRESHOLD = 2;
/** Probe timeout, the status save, CLI start-up: slack on top of interval × threshold. */
const SLACK_MS = 6000;

let api: AlbatrossApi;
let certs: TestCerts;
const flask: FlaskTarget[] = [];

/** What the tutorial created, for the later tests. */
const tutorial = { tg: '', lb: '', listener: '', listenerPort: 0 };

before(async () => {
  api = await startApi({ workers: 1 });
  certs = makeTestCerts();
});

after(async () => {
  for (const f of flask) await f.stop();
  await api?.stop();
  certs?.cleanup();
  await removeTempDirs();
});

/** Runs the CLI and returns its parsed JSON output, failing with its stderr unless it exits 0. */
async function aws(...args: string[]): Promise<any> {
  const r = await api.aws(args);
  assert.equal(r.code, 0, `aws ${args.join(' ')} exited ${r.code}: ${r.stderr}\n${api.server.logs()}`);
  return r.json;
}

/**
 * Everything the elbv2 API shows, read with raw signed Query requests (fast, exact XML): groups,
 * load balancers, their attributes, targets, listeners, certificate lists and tags. Observed
 * health (which moves on its own) and request ids are left out.
 */
async function state(): Promise<string[]> {
  const q = async (action: string, params: Record<string, string> = {}): Promise<string> => {
    const body = new URLSearchParams({ Action: action, Version: '2015-12-01', ...params }).toString();
    const r = await api.request({ body });
    assert.equal(r.status, 200, `${action}: ${r.body}`);
    return r.body.replace(/<RequestId>[^<]*<\/RequestId>/g, '').replace(/<TargetHealth>.*?<\/TargetHealth>/g, '');
  };
  const arns = (xml: string, tag: string) => [...new Set([...xml.matchAll(new RegExp(`<${tag}>([^<]+)</${tag}>`, 'g'))].map((m) => m[1]!))];
  const tgs = await q('DescribeTargetGroups');
  const lbs = await q('DescribeLoadBalancers');
  const out = [tgs, lbs];
  for (const tg of arns(tgs, 'TargetGroupArn')) {
    out.push(await q('DescribeTargetGroupAttributes', { TargetGroupArn: tg }));
    out.push(await q('DescribeTargetHealth', { TargetGroupArn: tg }));
    out.push(await q('DescribeTags', { 'ResourceArns.member.1': tg }));
  }
  for (const lb of arns(lbs, 'LoadBalancerArn')) {
    out.push(await q('DescribeLoadBalancerAttributes', { LoadBalancerArn: lb }));
    out.push(await q('DescribeTags', { 'ResourceArns.member.1': lb }));
    const listeners = await q('DescribeListeners', { LoadBalancerArn: lb });
    out.push(listeners);
    for (const l of arns(listeners, 'ListenerArn')) {
      out.push(await q('DescribeListenerCertificates', { ListenerArn: l }));
      out.push(await q('DescribeTags', { 'ResourceArns.member.1': l }));
    }
  }
  return out;
}

/** Runs the CLI expecting the service error `code` (and `message`), with the state unchanged. */
async function fails(args: string[], code: string, message?: RegExp): Promise<void> {
  const before = await state();
  const r = await api.aws(args);
  assert.equal(r.code, AWS_CLI_SERVICE_ERROR, `aws ${args.join(' ')} should fail with ${code}; exited ${r.code}: ${r.stdout}${r.stderr}`);
  assert.equal(awsErrorCode(r), code, r.stderr);
  if (message) assert.match(r.stderr, message);
  assert.deepEqual(await state(), before, `aws ${args.join(' ')} failed with ${code} but changed the state`);
}

const gone = (arn: string) => arn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff');

test('tutorial: target group, two Flask targets, load balancer, listener; requests reach both; both healthy; stickiness', async () => {
  flask.push(await startFlask('instance-a'), await startFlask('instance-b'));
  const [a, b] = flask as [FlaskTarget, FlaskTarget];
  const create = [
    'elbv2', 'create-target-group', '--name', 'tutorial-tg', '--protocol', 'HTTP', '--port', '8080', '--protocol-version', 'HTTP1',
    '--target-type', 'instance', '--health-check-path', '/status', '--health-check-interval-seconds', String(INTERVAL_S),
    '--healthy-threshold-count', String(HEALTHY_THRESHOLD),
  ];
  // As on ALB, an interval of 5 s with the default timeout (5 s) is refused: the timeout must be smaller.
  await fails(create, 'ValidationError', /timeout \(5\) must be smaller than the interval \(5\)/);
  const created = await aws(...create, '--health-check-timeout-seconds', '2');
  const tg = created.TargetGroups[0];
  assert.match(tg.TargetGroupArn, /^arn:aws:elasticloadbalancing:local:000000000000:targetgroup\/tutorial-tg\/[0-9a-f]{16}$/);
  assert.deepEqual(created, {
    TargetGroups: [
      {
        TargetGroupArn: tg.TargetGroupArn,
        TargetGroupName: 'tutorial-tg',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: 'vpc-local',
        HealthCheckProtocol: 'HTTP',
        HealthCheckPort: 'traffic-port',
        HealthCheckEnabled: true,
        HealthCheckIntervalSeconds: 5,
        HealthCheckTimeoutSeconds: 2,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2,
        HealthCheckPath: '/status',
        Matcher: { HttpCode: '200' },
        LoadBalancerArns: [],
        TargetType: 'instance',
        ProtocolVersion: 'HTTP1',
        IpAddressType: 'ipv4',
      },
    ],
  });
  tutorial.tg = tg.TargetGroupArn;

  assert.equal(
    (await api.aws(['elbv2', 'register-targets', '--target-group-arn', tutorial.tg, '--targets', `Id=127.0.0.1,Port=${a.port}`, `Id=127.0.0.1,Port=${b.port}`])).code,
    0,
  );

  const lbOut = await aws('elbv2', 'create-load-balancer', '--name', 'tutorial-alb', '--scheme', 'internet-facing', '--ip-address-type', 'ipv4');
  const lb = lbOut.LoadBalancers[0];
  assert.match(lb.LoadBalancerArn, /^arn:aws:elasticloadbalancing:local:000000000000:loadbalancer\/app\/tutorial-alb\/[0-9a-f]{16}$/);
  assert.ok(Math.abs(Date.parse(lb.CreatedTime) - Date.now()) < 60_000, lb.CreatedTime);
  assert.deepEqual({ ...lb, CreatedTime: undefined }, {
    LoadBalancerArn: lb.LoadBalancerArn,
    DNSName: `tutorial-alb-${lb.LoadBalancerArn.slice(-16, -6)}.albatross.local`,
    CanonicalHostedZoneId: 'ZALBATROSSLOCAL',
    CreatedTime: undefined,
    LoadBalancerName: 'tutorial-alb',
    Scheme: 'internet-facing',
    VpcId: 'vpc-local',
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: [{ ZoneName: 'local', SubnetId: 'subnet-local', LoadBalancerAddresses: [] }],
    SecurityGroups: [],
    IpAddressType: 'ipv4',
  });
  tutorial.lb = lb.LoadBalancerArn;

  tutorial.listenerPort = await freePort();
  const lOut = await aws(
    'elbv2', 'create-listener', '--load-balancer-arn', tutorial.lb, '--protocol', 'HTTP', '--port', String(tutorial.listenerPort),
    '--default-actions', `Type=forward,TargetGroupArn=${tutorial.tg}`,
  );
  const listener = lOut.Listeners[0];
  assert.deepEqual(listener, {
    ListenerArn: listener.ListenerArn,
    LoadBalancerArn: tutorial.lb,
    Port: tutorial.listenerPort,
    Protocol: 'HTTP',
    DefaultActions: [
      {
        Type: 'forward',
        TargetGroupArn: tutorial.tg,
        Order: 1,
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: tutorial.tg, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
      },
    ],
  });
  tutorial.listener = listener.ListenerArn;

  // Requests through the listener reach both instances.
  const seen = new Set<string>();
  await pollUntil(
    async () => {
      const r = await request(tutorial.listenerPort, { path: '/', timeoutMs: 2000 });
      if (r.status === 200) seen.add(r.body.trim());
      return seen.has('hello from instance-a') && seen.has('hello from instance-b');
    },
    { timeoutMs: 10_000, intervalMs: 100, what: 'requests through the listener to reach both instances', context: () => `seen: ${[...seen].join(', ')}\n${api.server.logs()}` },
  );

  // describe-target-health: both healthy within threshold × interval.
  let last: any;
  await pollUntil(
    async () => {
      last = await aws('elbv2', 'describe-target-health', '--target-group-arn', tutorial.tg);
      return last.TargetHealthDescriptions.every((d: any) => d.TargetHealth.State === 'healthy');
    },
    { timeoutMs: INTERVAL_S * 1000 * HEALTHY_THRESHOLD + SLACK_MS, intervalMs: 500, what: 'both targets to be healthy', context: () => JSON.stringify(last) },
  );
  assert.deepEqual(
    last.TargetHealthDescriptions.sort((x: any, y: any) => x.Target.Port - y.Target.Port),
    [a, b].sort((x, y) => x.port - y.port).map((t) => ({
      Target: { Id: '127.0.0.1', Port: t.port, AvailabilityZone: 'local' },
      HealthCheckPort: String(t.port),
      TargetHealth: { State: 'healthy' },
    })),
  );

  // The group now shows the load balancer that uses it.
  assert.deepEqual((await aws('elbv2', 'describe-target-groups', '--names', 'tutorial-tg')).TargetGroups[0].LoadBalancerArns, [tutorial.lb]);

  // Stickiness, as the tutorial's last step sets it.
  const attrs = await aws(
    'elbv2', 'modify-target-group-attributes', '--target-group-arn', tutorial.tg,
    '--attributes', 'Key=stickiness.enabled,Value=true', 'Key=stickiness.type,Value=lb_cookie',
  );
  const asMap = (list: Array<{ Key: string; Value: string }>) => Object.fromEntries(list.map((x) => [x.Key, x.Value]));
  assert.equal(asMap(attrs.Attributes)['stickiness.enabled'], 'true');
  const described = asMap((await aws('elbv2', 'describe-target-group-attributes', '--target-group-arn', tutorial.tg)).Attributes);
  assert.equal(described['stickiness.enabled'], 'true');
  assert.equal(described['stickiness.type'], 'lb_cookie');
  assert.equal(described['stickiness.lb_cookie.duration_seconds'], '86400');
  assert.equal(described['deregistration_delay.timeout_seconds'], '300');
  assert.equal(described['load_balancing.algorithm.type'], 'round_robin');
});

test('the other actions with the CLI: modify, deregister, attributes, subnets, security groups, HTTPS, certificates, policies, tags, delete', async () => {
  assert.ok(tutorial.tg, 'the tutorial test ran first');
  // ModifyTargetGroup.
  const modified = (await aws('elbv2', 'modify-target-group', '--target-group-arn', tutorial.tg, '--matcher', 'HttpCode=200-299', '--unhealthy-threshold-count', '3')).TargetGroups[0];
  assert.deepEqual([modified.Matcher, modified.UnhealthyThresholdCount, modified.HealthCheckPath, modified.LoadBalancerArns], [{ HttpCode: '200-299' }, 3, '/status', [tutorial.lb]]);

  // A second group to deregister from, with a zero delay.
  const spare = (await aws('elbv2', 'create-target-group', '--name', 'spare', '--port', '80', '--tags', 'Key=team,Value=edge')).TargetGroups[0].TargetGroupArn;
  // Creating it again with the same settings returns the same group.
  assert.equal((await aws('elbv2', 'create-target-group', '--name', 'spare', '--port', '80')).TargetGroups[0].TargetGroupArn, spare);
  await aws('elbv2', 'register-targets', '--target-group-arn', spare, '--targets', 'Id=127.0.0.1,Port=9101', 'Id=localhost,Port=9102');
  const unused = await aws('elbv2', 'describe-target-health', '--target-group-arn', spare, '--targets', 'Id=127.0.0.1,Port=9101', 'Id=10.1.2.3,Port=80');
  assert.deepEqual(unused.TargetHealthDescriptions.map((d: any) => [d.Target.Id, d.TargetHealth.State, d.TargetHealth.Reason]), [
    ['127.0.0.1', 'unused', 'Target.NotInUse'],
    ['10.1.2.3', 'unused', 'Target.NotRegistered'],
  ]);
  await aws('elbv2', 'deregister-targets', '--target-group-arn', spare, '--targets', 'Id=127.0.0.1,Port=9101');
  const draining = await aws('elbv2', 'describe-target-health', '--target-group-arn', spare, '--targets', 'Id=127.0.0.1,Port=9101');
  assert.deepEqual(draining.TargetHealthDescriptions[0].TargetHealth, { State: 'draining', Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' });
  await aws('elbv2', 'modify-target-group-attributes', '--target-group-arn', spare, '--attributes', 'Key=deregistration_delay.timeout_seconds,Value=0');
  await aws('elbv2', 'deregister-targets', '--target-group-arn', spare, '--targets', 'Id=localhost,Port=9102');
  assert.deepEqual((await aws('elbv2', 'describe-target-health', '--target-group-arn', spare)).TargetHealthDescriptions.map((d: any) => d.Target.Port), [9101]);

  // Pagination: --page-size is the API's PageSize, so the CLI shows NextMarker and --marker goes on.
  const page1 = await aws('elbv2', 'describe-target-groups', '--page-size', '1');
  assert.deepEqual(page1.TargetGroups.map((t: any) => t.TargetGroupName), ['spare']);
  assert.equal(typeof page1.NextMarker, 'string');
  const page2 = await aws('elbv2', 'describe-target-groups', '--page-size', '1', '--marker', page1.NextMarker);
  assert.deepEqual(page2.TargetGroups.map((t: any) => t.TargetGroupName), ['tutorial-tg']);
  assert.equal(page2.NextMarker, undefined);

  // Load balancer attributes.
  const lbAttrs = await aws('elbv2', 'modify-load-balancer-attributes', '--load-balancer-arn', tutorial.lb, '--attributes', 'Key=idle_timeout.timeout_seconds,Value=120');
  assert.ok(lbAttrs.Attributes.some((x: any) => x.Key === 'idle_timeout.timeout_seconds' && x.Value === '120'));
  const lbDescribed = await aws('elbv2', 'describe-load-balancer-attributes', '--load-balancer-arn', tutorial.lb);
  assert.deepEqual(lbDescribed.Attributes.find((x: any) => x.Key === 'routing.http.desync_mitigation_mode'), { Key: 'routing.http.desync_mitigation_mode', Value: 'defensive' });

  // A second load balancer, internal, on the local node, with a security group.
  const sg = (await aws('ec2', 'create-security-group', '--group-name', 'web', '--description', 'web')).GroupId;
  const second = (await aws('elbv2', 'create-load-balancer', '--name', 'second', '--scheme', 'internal', '--subnets', 'subnet-local', '--security-groups', sg)).LoadBalancers[0];
  assert.deepEqual([second.Scheme, second.SecurityGroups, second.AvailabilityZones], ['internal', [sg], [{ ZoneName: 'local', SubnetId: 'subnet-local', LoadBalancerAddresses: [] }]]);
  assert.deepEqual(await aws('elbv2', 'set-security-groups', '--load-balancer-arn', second.LoadBalancerArn, '--security-groups', sg), { SecurityGroupIds: [sg] });
  assert.deepEqual(await aws('elbv2', 'set-subnets', '--load-balancer-arn', second.LoadBalancerArn, '--subnets', 'subnet-local'), {
    AvailabilityZones: [{ ZoneName: 'local', SubnetId: 'subnet-local', LoadBalancerAddresses: [] }],
    IpAddressType: 'ipv4',
  });
  const lbs = await aws('elbv2', 'describe-load-balancers', '--names', 'second', 'tutorial-alb');
  assert.deepEqual(lbs.LoadBalancers.map((x: any) => x.LoadBalancerName), ['second', 'tutorial-alb']);

  // HTTPS with a certificate uploaded to the certificate store, the CLI's default policy.
  const cert = (await aws('iam', 'upload-server-certificate', '--server-certificate-name', 'tutorial-cert',
    '--certificate-body', `file://${certs.tutorial.certFile}`, '--private-key', `file://${certs.tutorial.keyFile}`)).ServerCertificateMetadata.Arn;
  const other = (await aws('iam', 'upload-server-certificate', '--server-certificate-name', 'other-cert',
    '--certificate-body', `file://${certs.other.certFile}`, '--private-key', `file://${certs.other.keyFile}`)).ServerCertificateMetadata.Arn;
  const httpsPort = await freePort();
  const https = (await aws('elbv2', 'create-listener', '--load-balancer-arn', second.LoadBalancerArn, '--protocol', 'HTTPS', '--port', String(httpsPort),
    '--certificates', `CertificateArn=${cert}`, '--default-actions', 'Type=fixed-response,FixedResponseConfig={StatusCode=200,ContentType=text/plain,MessageBody=hi}')).Listeners[0];
  assert.deepEqual([https.Protocol, https.SslPolicy, https.Certificates], ['HTTPS', 'ELBSecurityPolicy-2016-08', [{ CertificateArn: cert }]]);
  assert.deepEqual(https.DefaultActions, [{ Type: 'fixed-response', Order: 1, FixedResponseConfig: { MessageBody: 'hi', StatusCode: '200', ContentType: 'text/plain' } }]);
  const changed = (await aws('elbv2', 'modify-listener', '--listener-arn', https.ListenerArn, '--ssl-policy', 'ELBSecurityPolicy-TLS13-1-2-2021-06')).Listeners[0];
  assert.equal(changed.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
  assert.deepEqual(await aws('elbv2', 'add-listener-certificates', '--listener-arn', https.ListenerArn, '--certificates', `CertificateArn=${other}`), {
    Certificates: [{ CertificateArn: other, IsDefault: false }],
  });
  assert.deepEqual(await aws('elbv2', 'describe-listener-certificates', '--listener-arn', https.ListenerArn), {
    Certificates: [{ CertificateArn: cert, IsDefault: true }, { CertificateArn: other, IsDefault: false }],
  });
  await fails(['elbv2', 'remove-listener-certificates', '--listener-arn', https.ListenerArn, '--certificates', `CertificateArn=${cert}`], 'OperationNotPermitted', /default certificate/);
  assert.equal((await api.aws(['elbv2', 'remove-listener-certificates', '--listener-arn', https.ListenerArn, '--certificates', `CertificateArn=${other}`])).code, 0);
  assert.deepEqual((await aws('elbv2', 'describe-listener-certificates', '--listener-arn', https.ListenerArn)).Certificates, [{ CertificateArn: cert, IsDefault: true }]);
  const listeners = await aws('elbv2', 'describe-listeners', '--listener-arns', tutorial.listener, https.ListenerArn);
  assert.deepEqual(listeners.Listeners.map((l: any) => l.Port).sort(), [tutorial.listenerPort, httpsPort].sort());

  const policies = await aws('elbv2', 'describe-ssl-policies', '--names', 'ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-2016-08');
  const byName = Object.fromEntries(policies.SslPolicies.map((p: any) => [p.Name, p]));
  assert.deepEqual(byName['ELBSecurityPolicy-TLS13-1-2-2021-06'].SslProtocols, ['TLSv1.2', 'TLSv1.3']);
  assert.deepEqual(byName['ELBSecurityPolicy-TLS13-1-2-2021-06'].Ciphers[0], { Name: 'TLS_AES_128_GCM_SHA256', Priority: 1 });
  assert.deepEqual(byName['ELBSecurityPolicy-2016-08'].SslProtocols, ['TLSv1', 'TLSv1.1', 'TLSv1.2']);
  assert.ok((await aws('elbv2', 'describe-ssl-policies')).SslPolicies.length >= 24);

  // Tags on each kind of resource.
  assert.equal((await api.aws(['elbv2', 'add-tags', '--resource-arns', tutorial.lb, spare, https.ListenerArn, '--tags', 'Key=env,Value=test', 'Key=owner,Value=albatross'])).code, 0);
  const tags = await aws('elbv2', 'describe-tags', '--resource-arns', tutorial.lb, spare, https.ListenerArn);
  assert.deepEqual(tags.TagDescriptions, [
    { ResourceArn: tutorial.lb, Tags: [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'albatross' }] },
    { ResourceArn: spare, Tags: [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'albatross' }, { Key: 'team', Value: 'edge' }] },
    { ResourceArn: https.ListenerArn, Tags: [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'albatross' }] },
  ]);
  assert.equal((await api.aws(['elbv2', 'remove-tags', '--resource-arns', spare, '--tag-keys', 'env', 'team'])).code, 0);
  assert.deepEqual((await aws('elbv2', 'describe-tags', '--resource-arns', spare)).TagDescriptions[0].Tags, [{ Key: 'owner', Value: 'albatross' }]);

  // Deleting: the listener stops accepting within moments; the load balancer takes its listeners along.
  const tempPort = await freePort();
  const temp = (await aws('elbv2', 'create-listener', '--load-balancer-arn', tutorial.lb, '--protocol', 'HTTP', '--port', String(tempPort),
    '--default-actions', `Type=forward,TargetGroupArn=${tutorial.tg}`)).Listeners[0].ListenerArn;
  await pollUntil(async () => (await request(tempPort, { timeoutMs: 2000 })).status === 200, { timeoutMs: 5000, what: `listener ${tempPort} to serve` });
  assert.equal((await api.aws(['elbv2', 'delete-listener', '--listener-arn', temp])).code, 0);
  await pollUntil(
    async () => {
      try {
        await request(tempPort, { timeoutMs: 1000 });
        return false;
      } catch {
        return true;
      }
    },
    { timeoutMs: 5000, what: `listener ${tempPort} to stop accepting` },
  );
  assert.equal((await api.aws(['elbv2', 'delete-load-balancer', '--load-balancer-arn', second.LoadBalancerArn])).code, 0);
  await fails(['elbv2', 'describe-listeners', '--listener-arns', https.ListenerArn], 'ListenerNotFound');
  assert.equal((await api.aws(['elbv2', 'delete-target-group', '--target-group-arn', spare])).code, 0);
  await fails(['elbv2', 'describe-target-groups', '--names', 'spare'], 'TargetGroupNotFound');
  // Deleting what is gone succeeds, as on ALB.
  assert.equal((await api.aws(['elbv2', 'delete-load-balancer', '--load-balancer-arn', second.LoadBalancerArn])).code, 0);
});

test('error paths the CLI shows: bad parameter, not found, duplicate, in use; the state is unchanged after each', async () => {
  assert.ok(tutorial.tg, 'the tutorial test ran first');
  const fwd = `Type=forward,TargetGroupArn=${tutorial.tg}`;
  const port = String(await freePort());
  const certArn = 'arn:aws:iam::000000000000:server-certificate/tutorial-cert';

  // Bad parameters.
  await fails(['elbv2', 'create-target-group', '--name', 'bad_name', '--port', '80'], 'ValidationError', /alphanumeric/);
  await fails(['elbv2', 'create-target-group', '--name', 'big-port', '--port', '70000'], 'ValidationError', /1 to 65535/);
  await fails(['elbv2', 'create-target-group', '--name', 'slow', '--health-check-interval-seconds', '301'], 'ValidationError', /5 to 300/);
  await fails(['elbv2', 'create-target-group', '--name', 'codes', '--matcher', 'HttpCode=600'], 'ValidationError', /Matcher/);
  await fails(['elbv2', 'modify-target-group-attributes', '--target-group-arn', tutorial.tg, '--attributes', 'Key=no.such.key,Value=1'], 'ValidationError', /unknown attribute/);
  await fails(['elbv2', 'modify-target-group-attributes', '--target-group-arn', tutorial.tg, '--attributes', 'Key=deregistration_delay.timeout_seconds,Value=99999'], 'ValidationError', /0 to 3600/);
  await fails(['elbv2', 'modify-target-group-attributes', '--target-group-arn', tutorial.tg, '--attributes', 'Key=stickiness.type,Value=source_ip'], 'ValidationError');
  await fails(['elbv2', 'modify-load-balancer-attributes', '--load-balancer-arn', tutorial.lb, '--attributes', 'Key=idle_timeout.timeout_seconds,Value=5000'], 'ValidationError', /1 to 4000/);
  await fails(['elbv2', 'modify-target-group', '--target-group-arn', tutorial.tg, '--health-check-timeout-seconds', '5'], 'ValidationError', /smaller than the interval/);
  await fails(['elbv2', 'describe-target-groups', '--target-group-arns', 'not-an-arn'], 'ValidationError', /not a valid target group ARN/);
  await fails(['elbv2', 'register-targets', '--target-group-arn', tutorial.tg, '--targets', 'Id=not_a_host!,Port=80'], 'InvalidTarget');
  await fails(['elbv2', 'register-targets', '--target-group-arn', tutorial.tg, '--targets', 'Id=127.0.0.1,Port=70000'], 'InvalidTarget');
  await fails(['elbv2', 'create-load-balancer', '--name', 'internal-x'], 'ValidationError', /internal-/);
  await fails(['elbv2', 'create-load-balancer', '--name', 'elsewhere', '--subnets', 'subnet-0abc1234'], 'InvalidSubnet');
  await fails(['elbv2', 'create-load-balancer', '--name', 'guarded', '--security-groups', 'sg-00000000000000000'], 'InvalidSecurityGroup');
  await fails(['elbv2', 'create-listener', '--load-balancer-arn', tutorial.lb, '--protocol', 'HTTPS', '--port', port, '--default-actions', fwd], 'ValidationError', /certificate/);
  await fails(['elbv2', 'create-listener', '--load-balancer-arn', tutorial.lb, '--protocol', 'HTTP', '--port', port, '--default-actions', 'Type=redirect,RedirectConfig={StatusCode=HTTP_307}'], 'ValidationError', /HTTP_301/);
  await fails(['elbv2', 'create-listener', '--load-balancer-arn', tutorial.lb, '--protocol', 'HTTP', '--port', '70000', '--default-actions', fwd], 'ValidationError', /port/);
  await fails(['elbv2', 'add-tags', '--resource-arns', tutorial.lb, '--tags', 'Key=aws:owner,Value=x'], 'ValidationError', /reserved/);

  // Not found.
  await fails(['elbv2', 'describe-target-groups', '--names', 'no-such-group'], 'TargetGroupNotFound', /no-such-group/);
  await fails(['elbv2', 'describe-target-health', '--target-group-arn', gone(tutorial.tg)], 'TargetGroupNotFound');
  await fails(['elbv2', 'modify-target-group', '--target-group-arn', gone(tutorial.tg), '--health-check-path', '/'], 'TargetGroupNotFound');
  await fails(['elbv2', 'register-targets', '--target-group-arn', gone(tutorial.tg), '--targets', 'Id=127.0.0.1,Port=80'], 'TargetGroupNotFound');
  await fails(['elbv2', 'deregister-targets', '--target-group-arn', tutorial.tg, '--targets', 'Id=127.0.0.1,Port=1'], 'InvalidTarget', /not registered/);
  await fails(['elbv2', 'describe-load-balancers', '--names', 'no-such-lb'], 'LoadBalancerNotFound');
  await fails(['elbv2', 'describe-load-balancer-attributes', '--load-balancer-arn', gone(tutorial.lb)], 'LoadBalancerNotFound');
  await fails(['elbv2', 'describe-listeners', '--listener-arns', gone(tutorial.listener)], 'ListenerNotFound');
  await fails(['elbv2', 'delete-listener', '--listener-arn', gone(tutorial.listener)], 'ListenerNotFound');
  await fails(['elbv2', 'create-listener', '--load-balancer-arn', gone(tutorial.lb), '--protocol', 'HTTP', '--port', port, '--default-actions', fwd], 'LoadBalancerNotFound');
  await fails(['elbv2', 'create-listener', '--load-balancer-arn', tutorial.lb, '--protocol', 'HTTP', '--port', port, '--default-actions', `Type=forward,TargetGroupArn=${gone(tutorial.tg)}`], 'TargetGroupNotFound');
  await fails(['elbv2', 'create-listener', '--load-balancer-arn', tutorial.lb, '--protocol', 'HTTPS', '--port', port, '--default-actions', fwd, '--certificates', 'CertificateArn=arn:aws:iam::000000000000:server-certificate/nope'], 'CertificateNotFound');
  await fails(['elbv2', 'create-listener', '--load-balancer-arn', tutorial.lb, '--protocol', 'HTTPS', '--port', port, '--default-actions', fwd, '--certificates', `CertificateArn=${certArn}`, '--ssl-policy', 'ELBSecurityPolicy-Nope'], 'SSLPolicyNotFound');
  await fails(['elbv2', 'describe-ssl-policies', '--names', 'ELBSecurityPolicy-Nope'], 'SSLPolicyNotFound');
  await fails(['elbv2', 'describe-tags', '--resource-arns', gone(tutorial.lb)], 'LoadBalancerNotFound');

  // Duplicates.
  await fails(['elbv2', 'create-target-group', '--name', 'tutorial-tg', '--protocol', 'HTTP', '--port', '9090'], 'DuplicateTargetGroupName');
  await fails(['elbv2', 'create-load-balancer', '--name', 'tutorial-alb', '--scheme', 'internal'], 'DuplicateLoadBalancerName');
  await fails(['elbv2', 'create-listener', '--load-balancer-arn', tutorial.lb, '--protocol', 'HTTP', '--port', String(tutorial.listenerPort), '--default-actions', 'Type=fixed-response,FixedResponseConfig={StatusCode=503}'], 'DuplicateListener');
  await fails(['elbv2', 'add-tags', '--resource-arns', tutorial.tg, '--tags', 'Key=a,Value=1', 'Key=a,Value=2'], 'DuplicateTagKeys');

  // In use, protected.
  await fails(['elbv2', 'delete-target-group', '--target-group-arn', tutorial.tg], 'ResourceInUse', /in use/);
  await aws('elbv2', 'modify-load-balancer-attributes', '--load-balancer-arn', tutorial.lb, '--attributes', 'Key=deletion_protection.enabled,Value=true');
  await fails(['elbv2', 'delete-load-balancer', '--load-balancer-arn', tutorial.lb], 'OperationNotPermitted', /deletion protection/);
  await aws('elbv2', 'modify-load-balancer-attributes', '--load-balancer-arn', tutorial.lb, '--attributes', 'Key=deletion_protection.enabled,Value=false');

  // Through all of it the tutorial kept serving.
  assert.equal((await request(tutorial.listenerPort, { timeoutMs: 5000 })).status, 200);
});

test('boto3 as a second client: describes, a create and delete, an error code, a paginator', async () => {
  assert.ok(tutorial.tg, 'the tutorial test ran first');
  const script = `
import json, boto3, botocore
c = boto3.client('elbv2', endpoint_url=${JSON.stringify(api.endpoint)}, region_name='local')
out = {}
out['groups'] = [g['TargetGroupName'] for g in c.describe_target_groups()['TargetGroups']]
out['health'] = sorted(d['TargetHealth']['State'] for d in c.describe_target_health(TargetGroupArn=${JSON.stringify(tutorial.tg)})['TargetHealthDescriptions'])
lb = c.describe_load_balancers(Names=['tutorial-alb'])['LoadBalancers'][0]
out['lb'] = [lb['LoadBalancerName'], lb['State']['Code'], lb['CreatedTime'].year > 2000]
made = c.create_target_group(Name='from-boto3', Protocol='HTTP', Port=8088, HealthCheckPath='/status')['TargetGroups'][0]
out['made'] = [made['TargetGroupName'], made['Port'], made['HealthCheckPath'], made['HealthCheckIntervalSeconds']]
pages = c.get_paginator('describe_target_groups').paginate(PaginationConfig={'PageSize': 1})
out['paged'] = [g['TargetGroupName'] for page in pages for g in page['TargetGroups']]
c.delete_target_group(TargetGroupArn=made['TargetGroupArn'])
try:
    c.describe_target_groups(Names=['from-boto3'])
    out['error'] = None
except botocore.exceptions.ClientError as e:
    out['error'] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps(out))
`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k];
  Object.assign(env, { AWS_SHARED_CREDENTIALS_FILE: api.credentialsFile, AWS_CONFIG_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' });
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(python, ['-c', script], { env, timeout: 60_000 }, (err, out, errOut) => {
      if (err) reject(new Error(`boto3 script failed (is python3-boto3 installed? apt-get install -y python3-boto3): ${errOut}`));
      else resolve(out);
    });
  });
  const out = JSON.parse(stdout);
  assert.deepEqual(out.groups, ['tutorial-tg']);
  assert.deepEqual(out.health, ['healthy', 'healthy']);
  assert.deepEqual(out.lb, ['tutorial-alb', 'active', true]);
  assert.deepEqual(out.made, ['from-boto3', 8088, '/status', 30]);
  assert.deepEqual(out.paged, ['from-boto3', 'tutorial-tg']);
  assert.deepEqual(out.error, ['TargetGroupNotFound', 400]);
});
