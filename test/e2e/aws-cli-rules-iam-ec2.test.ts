/*
 * The real AWS CLI v2 (/usr/bin/aws) against a real `albatross serve`: listener rules (create,
 * describe, modify, set-rule-priorities, delete), the tutorial's `iam upload-server-certificate`
 * with openssl-made files (get, list, delete, DeleteConflict while an HTTPS listener uses it) and
 * EC2 security groups; every error the CLI shows carries AWS's code and leaves the state as it was.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AWS_CLI_SERVICE_ERROR, awsErrorCode, startApi, type AlbatrossApi, type AwsResult } from '../helpers/albatross-api.ts';
import { removeTempDirs } from '../helpers/albatross.ts';
import { freePort } from '../helpers/net.ts';
import { makeTestCerts, pemBodyLines, type TestCerts } from '../helpers/openssl-certs.ts';

let api: AlbatrossApi;
let certs: TestCerts;
/** Every CLI output of this file, to prove no private key ever appears in one. */
const outputs: string[] = [];

async function aws(args: string[]): Promise<AwsResult> {
  const r = await api.aws(args);
  outputs.push(r.stdout, r.stderr);
  return r;
}

/** Runs a command that must succeed; returns its parsed JSON output. */
async function ok(args: string[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await aws(args);
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

/** Runs a command that the service must refuse with `code`; returns the CLI's error text. */
async function fails(args: string[], code: string, message?: RegExp): Promise<string> {
  const r = await aws(args);
  assert.equal(r.code, AWS_CLI_SERVICE_ERROR, `aws ${args.join(' ')} should fail with ${code}: exit ${r.code}, ${r.stdout}${r.stderr}`);
  assert.equal(awsErrorCode(r), code, r.stderr);
  if (message) assert.match(r.stderr, message);
  return r.stderr;
}

/** Runs `failing` (calls that must all be refused, so they may run at once) and asserts that `state()` reads the same before and after. */
async function unchanged(state: () => Promise<unknown>, failing: () => Promise<unknown>): Promise<void> {
  const before = await state();
  await failing();
  assert.deepEqual(await state(), before, 'a refused call changed the state');
}

describe('AWS CLI: rules, server certificates and security groups', { timeout: 600_000 }, () => {
  let tgA: string;
  let tgB: string;
  let lbArn: string;
  let listenerArn: string;

  before(async () => {
    certs = makeTestCerts();
    api = await startApi();
    tgA = (await ok(['elbv2', 'create-target-group', '--name', 'rules-a', '--protocol', 'HTTP', '--port', '8080', '--target-type', 'instance'])).TargetGroups[0].TargetGroupArn;
    tgB = (await ok(['elbv2', 'create-target-group', '--name', 'rules-b', '--protocol', 'HTTP', '--port', '8081', '--target-type', 'instance'])).TargetGroups[0].TargetGroupArn;
    lbArn = (await ok(['elbv2', 'create-load-balancer', '--name', 'rules-lb', '--scheme', 'internal'])).LoadBalancers[0].LoadBalancerArn;
    const port = await freePort();
    listenerArn = (await ok([
      'elbv2', 'create-listener', '--load-balancer-arn', lbArn, '--protocol', 'HTTP', '--port', String(port),
      '--default-actions', `Type=forward,TargetGroupArn=${tgA}`,
    ])).Listeners[0].ListenerArn;
  });

  after(async () => {
    // No private key in any CLI output or in anything serve printed.
    const everything = [...outputs, api?.server.logs() ?? ''].join('\n');
    const keys = certs ? [certs.tutorial, certs.other, certs.expired, certs.leaf].map((c) => c.key) : [];
    await api?.stop();
    certs?.cleanup();
    await removeTempDirs();
    for (const key of keys) {
      for (const line of pemBodyLines(key)) assert.ok(!everything.includes(line), 'a private key line was printed');
    }
  });

  test('rules: create with every condition type, describe with the default rule, modify, reorder, delete', async () => {
    const describeRules = () => ok(['elbv2', 'describe-rules', '--listener-arn', listenerArn]);
    const r1 = (await ok([
      'elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '10',
      '--conditions', 'Field=path-pattern,Values=/img/*',
      '--actions', `Type=forward,TargetGroupArn=${tgB}`,
    ])).Rules[0];
    assert.match(r1.RuleArn, /^arn:aws:elasticloadbalancing:local:000000000000:listener-rule\/app\/rules-lb\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    assert.equal(r1.Priority, '10');
    assert.equal(r1.IsDefault, false);
    assert.deepEqual(r1.Conditions, [{ Field: 'path-pattern', Values: ['/img/*'], PathPatternConfig: { Values: ['/img/*'] } }]);
    assert.equal(r1.Actions[0].Type, 'forward');
    assert.equal(r1.Actions[0].TargetGroupArn, tgB);

    const conditions = [
      { Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } },
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Env', Values: ['prod*'] } },
      { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '2' }] } },
      { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET'] } },
      { Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8'] } },
    ];
    const r2 = (await ok([
      'elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '20', '--conditions', JSON.stringify(conditions),
      '--actions', JSON.stringify([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no' } }]),
      '--tags', 'Key=team,Value=api',
    ])).Rules[0];
    assert.deepEqual(r2.Conditions, [
      { Field: 'host-header', Values: ['api.example.com'], HostHeaderConfig: { Values: ['api.example.com'] } },
      conditions[1], conditions[2], conditions[3], conditions[4],
    ]);
    assert.deepEqual(r2.Actions, [{ Type: 'fixed-response', Order: 1, FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no' } }]);
    assert.deepEqual((await ok(['elbv2', 'describe-tags', '--resource-arns', r2.RuleArn])).TagDescriptions[0].Tags, [{ Key: 'team', Value: 'api' }]);

    const listed = (await describeRules()).Rules;
    assert.deepEqual(listed.map((r: { Priority: string }) => r.Priority), ['10', '20', 'default']);
    const def = listed[2];
    assert.equal(def.IsDefault, true);
    assert.deepEqual(def.Conditions, []);
    assert.equal(def.Actions[0].TargetGroupArn, tgA);
    assert.equal((await ok(['elbv2', 'describe-rules', '--rule-arns', def.RuleArn, r1.RuleArn])).Rules.length, 2);
    // elbv2's limit key is PageSize itself, so the CLI turns its own paging off: pages by hand.
    const page1 = await ok(['elbv2', 'describe-rules', '--listener-arn', listenerArn, '--page-size', '2']);
    assert.deepEqual(page1.Rules, listed.slice(0, 2));
    const page2 = await ok(['elbv2', 'describe-rules', '--listener-arn', listenerArn, '--page-size', '2', '--marker', page1.NextMarker]);
    assert.deepEqual(page2, { Rules: listed.slice(2) });

    const modified = (await ok([
      'elbv2', 'modify-rule', '--rule-arn', r1.RuleArn, '--conditions', 'Field=path-pattern,PathPatternConfig={Values=[/static/*,/img/*]}',
    ])).Rules[0];
    assert.deepEqual(modified.Conditions[0].Values, ['/static/*', '/img/*']);
    assert.equal(modified.Actions[0].TargetGroupArn, tgB);
    // The default rule's actions are the listener's default actions.
    await ok(['elbv2', 'modify-rule', '--rule-arn', def.RuleArn, '--actions', `Type=forward,TargetGroupArn=${tgB}`]);
    assert.equal((await ok(['elbv2', 'describe-listeners', '--listener-arns', listenerArn])).Listeners[0].DefaultActions[0].TargetGroupArn, tgB);

    const swapped = (await ok([
      'elbv2', 'set-rule-priorities', '--rule-priorities', `RuleArn=${r1.RuleArn},Priority=20`, `RuleArn=${r2.RuleArn},Priority=10`,
    ])).Rules;
    assert.deepEqual(swapped.map((r: { RuleArn: string; Priority: string }) => [r.RuleArn, r.Priority]), [[r2.RuleArn, '10'], [r1.RuleArn, '20']]);

    // Errors the CLI shows, none of which changes anything.
    const other = listenerArn.replace(/[0-9a-f]{16}$/, '0000000000000000');
    const missingRule = r1.RuleArn.replace(/[0-9a-f]{16}$/, '0000000000000000');
    await unchanged(describeRules, () => Promise.all([
      fails(['elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '10', '--conditions', 'Field=path-pattern,Values=/x', '--actions', `Type=forward,TargetGroupArn=${tgA}`], 'PriorityInUse'),
      fails(['elbv2', 'create-rule', '--listener-arn', other, '--priority', '30', '--conditions', 'Field=path-pattern,Values=/x', '--actions', `Type=forward,TargetGroupArn=${tgA}`], 'ListenerNotFound'),
      fails(['elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '30', '--conditions', 'Field=path-pattern,Values=/x', '--actions', `Type=forward,TargetGroupArn=${tgA.replace(/[0-9a-f]{16}$/, '0000000000000000')}`], 'TargetGroupNotFound'),
      fails(['elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '30', '--conditions', 'Field=host-header,Values=localhost', '--actions', `Type=forward,TargetGroupArn=${tgA}`], 'ValidationError', /at least one '\.'/),
      fails(['elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '30', '--conditions', 'Field=path-pattern,PathPatternConfig={Values=[/a,/b,/c,/d]}', '--actions', `Type=forward,TargetGroupArn=${tgA}`], 'TooManyConditionValues'),
      fails(['elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '30', '--conditions', 'Field=source-ip,SourceIpConfig={Values=[10.0.0.0/33]}', '--actions', `Type=forward,TargetGroupArn=${tgA}`], 'ValidationError', /malformed/),
      fails(['elbv2', 'describe-rules', '--listener-arn', other], 'ListenerNotFound'),
      fails(['elbv2', 'describe-rules', '--rule-arns', missingRule], 'RuleNotFound'),
      fails(['elbv2', 'modify-rule', '--rule-arn', missingRule, '--actions', `Type=forward,TargetGroupArn=${tgA}`], 'RuleNotFound'),
      fails(['elbv2', 'modify-rule', '--rule-arn', def.RuleArn, '--conditions', 'Field=path-pattern,Values=/x'], 'OperationNotPermitted'),
      fails(['elbv2', 'set-rule-priorities', '--rule-priorities', `RuleArn=${r1.RuleArn},Priority=10`], 'PriorityInUse'),
      fails(['elbv2', 'set-rule-priorities', '--rule-priorities', `RuleArn=${def.RuleArn},Priority=5`], 'OperationNotPermitted'),
      fails(['elbv2', 'delete-rule', '--rule-arn', def.RuleArn], 'OperationNotPermitted', /default rule/),
      fails(['elbv2', 'delete-rule', '--rule-arn', missingRule], 'RuleNotFound'),
      fails(['elbv2', 'modify-rule', '--rule-arn', def.RuleArn, '--actions', `Type=forward,TargetGroupArn=${tgA}`, '--conditions', 'Field=path-pattern,Values=/y'], 'OperationNotPermitted'),
    ]));
    // A target group that only a rule forwards to is in use.
    await ok(['elbv2', 'modify-rule', '--rule-arn', def.RuleArn, '--actions', `Type=forward,TargetGroupArn=${tgA}`]);
    await unchanged(describeRules, () => fails(['elbv2', 'delete-target-group', '--target-group-arn', tgB], 'ResourceInUse'));

    await ok(['elbv2', 'delete-rule', '--rule-arn', r1.RuleArn]);
    await ok(['elbv2', 'delete-rule', '--rule-arn', r2.RuleArn]);
    assert.deepEqual((await describeRules()).Rules.map((r: { Priority: string }) => r.Priority), ['default']);
    await ok(['elbv2', 'delete-target-group', '--target-group-arn', tgB]);
  });

  test("iam: the tutorial's upload-server-certificate, get, list, delete, and IAM's refusals", async () => {
    const t = certs.tutorial;
    const listAll = () => ok(['iam', 'list-server-certificates']);
    const up = await ok([
      'iam', 'upload-server-certificate', '--server-certificate-name', 'tutorial-cert',
      '--certificate-body', `file://${t.certFile}`, '--private-key', `file://${t.keyFile}`,
    ]);
    const m = up.ServerCertificateMetadata;
    assert.equal(m.Path, '/');
    assert.equal(m.ServerCertificateName, 'tutorial-cert');
    assert.match(m.ServerCertificateId, /^ASCA[A-Z0-9]{17}$/);
    assert.equal(m.Arn, 'arn:aws:iam::000000000000:server-certificate/tutorial-cert');
    const days = (Date.parse(m.Expiration) - Date.parse(m.UploadDate)) / 86_400_000;
    assert.ok(days > 364 && days < 366, `valid for ${days} days`);

    const got = (await ok(['iam', 'get-server-certificate', '--server-certificate-name', 'tutorial-cert'])).ServerCertificate;
    assert.deepEqual(got.ServerCertificateMetadata, m);
    assert.equal(got.CertificateBody, t.cert.trim());
    assert.deepEqual(Object.keys(got).sort(), ['CertificateBody', 'ServerCertificateMetadata']);

    await ok([
      'iam', 'upload-server-certificate', '--server-certificate-name', 'leaf', '--path', '/team/',
      '--certificate-body', `file://${certs.leaf.certFile}`, '--private-key', `file://${certs.leaf.keyFile}`,
      '--certificate-chain', `file://${certs.ca.certFile}`,
    ]);
    assert.deepEqual((await listAll()).ServerCertificateMetadataList.map((c: { ServerCertificateName: string }) => c.ServerCertificateName), ['leaf', 'tutorial-cert']);
    assert.deepEqual((await ok(['iam', 'list-server-certificates', '--path-prefix', '/team/'])).ServerCertificateMetadataList.map((c: { Arn: string }) => c.Arn), ['arn:aws:iam::000000000000:server-certificate/team/leaf']);
    // Pages of one: the CLI follows IsTruncated/Marker to the end; --max-items stops early with a token.
    assert.equal((await ok(['iam', 'list-server-certificates', '--page-size', '1'])).ServerCertificateMetadataList.length, 2);
    const first = await ok(['iam', 'list-server-certificates', '--max-items', '1']);
    assert.equal(first.ServerCertificateMetadataList.length, 1);
    assert.ok(first.NextToken);

    const upload = (name: string, cert: string, key: string) => ['iam', 'upload-server-certificate', '--server-certificate-name', name, '--certificate-body', `file://${cert}`, '--private-key', `file://${key}`];
    await unchanged(listAll, () => Promise.all([
      fails(upload('tutorial-cert', t.certFile, t.keyFile), 'EntityAlreadyExists', /already exists/),
      fails(upload('mismatch', t.certFile, certs.other.keyFile), 'KeyPairMismatch'),
      fails(upload('expired', certs.expired.certFile, certs.expired.keyFile), 'MalformedCertificate', /expired/),
      fails(upload('garbage', certs.tutorial.keyFile, t.keyFile), 'MalformedCertificate'),
      fails([...upload('bad-chain', certs.leaf.certFile, certs.leaf.keyFile), '--certificate-chain', `file://${certs.other.certFile}`], 'MalformedCertificate', /chain/),
      fails(upload('bad name', t.certFile, t.keyFile), 'ValidationError'),
      fails(['iam', 'get-server-certificate', '--server-certificate-name', 'nope'], 'NoSuchEntity'),
      fails(['iam', 'delete-server-certificate', '--server-certificate-name', 'nope'], 'NoSuchEntity'),
    ]));

    // In use by an HTTPS listener: DeleteConflict until the listener is gone.
    const port = await freePort();
    const https = (await ok([
      'elbv2', 'create-listener', '--load-balancer-arn', lbArn, '--protocol', 'HTTPS', '--port', String(port),
      '--certificates', `CertificateArn=${m.Arn}`, '--default-actions', `Type=forward,TargetGroupArn=${tgA}`,
    ])).Listeners[0];
    assert.equal(https.Certificates[0].CertificateArn, m.Arn);
    await unchanged(listAll, () => fails(['iam', 'delete-server-certificate', '--server-certificate-name', 'tutorial-cert'], 'DeleteConflict', /in use/));
    await ok(['elbv2', 'delete-listener', '--listener-arn', https.ListenerArn]);
    await ok(['iam', 'delete-server-certificate', '--server-certificate-name', 'tutorial-cert']);
    await ok(['iam', 'delete-server-certificate', '--server-certificate-name', 'leaf']);
    assert.deepEqual((await listAll()).ServerCertificateMetadataList, []);

    // The key is sealed at rest: no line of it in the data directory's files.
    const stored = readdirSync(api.dataDir).filter((f) => f.startsWith('albatross.db')).map((f) => readFileSync(join(api.dataDir, f)).toString('latin1')).join('');
    assert.ok(existsSync(join(api.dataDir, 'albatross.db')));
    for (const line of pemBodyLines(t.key)) assert.ok(!stored.includes(line), 'a private key line is in the store files');
  });

  test('ec2: security groups created, described, authorized, revoked and deleted; DependencyViolation while in use', async () => {
    const created = await ok(['ec2', 'create-security-group', '--group-name', 'web-sg', '--description', 'Web servers']);
    const id: string = created.GroupId;
    assert.match(id, /^sg-[0-9a-f]{17}$/);
    const describeOne = async () => (await ok(['ec2', 'describe-security-groups', '--group-ids', id])).SecurityGroups[0];
    const describeAll = () => ok(['ec2', 'describe-security-groups']);
    const sg = await describeOne();
    assert.deepEqual(sg, {
      Description: 'Web servers', GroupName: 'web-sg', IpPermissions: [], OwnerId: '000000000000', GroupId: id,
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
      VpcId: 'vpc-local',
    });

    const auth = await ok(['ec2', 'authorize-security-group-ingress', '--group-id', id, '--protocol', 'tcp', '--port', '80', '--cidr', '0.0.0.0/0']);
    assert.equal(auth.Return, true);
    assert.equal(auth.SecurityGroupRules.length, 1);
    assert.match(auth.SecurityGroupRules[0].SecurityGroupRuleId, /^sgr-[0-9a-f]{17}$/);
    assert.deepEqual({ ...auth.SecurityGroupRules[0], SecurityGroupRuleId: 'x' }, {
      SecurityGroupRuleId: 'x', GroupId: id, GroupOwnerId: '000000000000', IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '0.0.0.0/0',
    });
    await ok(['ec2', 'authorize-security-group-ingress', '--group-id', id, '--ip-permissions', JSON.stringify([
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] },
    ])]);
    const withRules = await describeOne();
    assert.deepEqual(withRules.IpPermissions, [
      { FromPort: 80, IpProtocol: 'tcp', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], ToPort: 80, UserIdGroupPairs: [] },
      { FromPort: 443, IpProtocol: 'tcp', IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }], PrefixListIds: [], ToPort: 443, UserIdGroupPairs: [] },
    ]);
    await ok(['ec2', 'create-security-group', '--group-name', 'other-sg', '--description', 'Other']);
    assert.deepEqual((await ok(['ec2', 'describe-security-groups', '--group-names', 'other-sg'])).SecurityGroups.map((g: { GroupName: string }) => g.GroupName), ['other-sg']);
    assert.deepEqual((await ok(['ec2', 'describe-security-groups', '--filters', 'Name=group-name,Values=web-*'])).SecurityGroups.map((g: { GroupId: string }) => g.GroupId), [id]);
    assert.deepEqual((await ok(['ec2', 'describe-security-groups', '--filters', `Name=group-id,Values=${id}`])).SecurityGroups.length, 1);
    assert.equal((await ok(['ec2', 'describe-security-groups'])).SecurityGroups.length, 2);
    // Pages of 5 (EC2's smallest): the CLI follows NextToken through 6 groups.
    const extra = ['p-1', 'p-2', 'p-3', 'p-4'];
    await Promise.all(extra.map((name) => ok(['ec2', 'create-security-group', '--group-name', name, '--description', 'paging'])));
    const paged = (await ok(['ec2', 'describe-security-groups', '--page-size', '5'])).SecurityGroups.map((g: { GroupName: string }) => g.GroupName);
    assert.deepEqual(paged, ['other-sg', 'p-1', 'p-2', 'p-3', 'p-4', 'web-sg']);
    await Promise.all(extra.map((name) => ok(['ec2', 'delete-security-group', '--group-name', name])));

    await unchanged(describeAll, () => Promise.all([
      fails(['ec2', 'create-security-group', '--group-name', 'web-sg', '--description', 'again'], 'InvalidGroup.Duplicate'),
      fails(['ec2', 'create-security-group', '--group-name', 'sg-named', '--description', 'x'], 'InvalidParameterValue', /sg-\*/),
      fails(['ec2', 'describe-security-groups', '--group-ids', 'sg-00000000000000000'], 'InvalidGroup.NotFound'),
      fails(['ec2', 'describe-security-groups', '--group-ids', 'sg-nothex'], 'InvalidGroupId.Malformed'),
      fails(['ec2', 'describe-security-groups', '--group-names', 'nope'], 'InvalidGroup.NotFound'),
      fails(['ec2', 'describe-security-groups', '--filters', 'Name=colour,Values=red'], 'InvalidParameterValue'),
      fails(['ec2', 'authorize-security-group-ingress', '--group-id', id, '--protocol', 'tcp', '--port', '80', '--cidr', '0.0.0.0/0'], 'InvalidPermission.Duplicate'),
      fails(['ec2', 'authorize-security-group-ingress', '--group-id', id, '--protocol', 'tcp', '--port', '90-80', '--cidr', '0.0.0.0/0'], 'InvalidParameterValue'),
      fails(['ec2', 'authorize-security-group-ingress', '--group-id', id, '--protocol', 'tcp', '--port', '22', '--cidr', '10.0.0.1/8'], 'InvalidParameterValue', /malformed/),
      fails(['ec2', 'authorize-security-group-ingress', '--group-id', 'sg-00000000000000000', '--protocol', 'tcp', '--port', '22', '--cidr', '10.0.0.0/8'], 'InvalidGroup.NotFound'),
      fails(['ec2', 'revoke-security-group-ingress', '--group-id', id, '--protocol', 'tcp', '--port', '8080', '--cidr', '0.0.0.0/0'], 'InvalidPermission.NotFound'),
      fails(['ec2', 'delete-security-group', '--group-id', 'sg-00000000000000000'], 'InvalidGroup.NotFound'),
    ]));

    const revoked = await ok(['ec2', 'revoke-security-group-ingress', '--group-id', id, '--protocol', 'tcp', '--port', '80', '--cidr', '0.0.0.0/0']);
    assert.equal(revoked.Return, true);
    assert.deepEqual((await describeOne()).IpPermissions.map((p: { FromPort: number }) => p.FromPort), [443]);

    // In use by a load balancer: DependencyViolation, by id and by name.
    const lb = (await ok(['elbv2', 'create-load-balancer', '--name', 'sg-user', '--scheme', 'internal', '--security-groups', id])).LoadBalancers[0];
    assert.deepEqual(lb.SecurityGroups, [id]);
    await unchanged(describeAll, () => Promise.all([
      fails(['ec2', 'delete-security-group', '--group-id', id], 'DependencyViolation', /dependent object/),
      fails(['ec2', 'delete-security-group', '--group-name', 'web-sg'], 'DependencyViolation'),
    ]));
    await ok(['elbv2', 'delete-load-balancer', '--load-balancer-arn', lb.LoadBalancerArn]);
    const del = await aws(['ec2', 'delete-security-group', '--group-id', id]);
    assert.equal(del.code, 0, del.stderr);
    await ok(['ec2', 'delete-security-group', '--group-name', 'other-sg']);
    assert.deepEqual((await ok(['ec2', 'describe-security-groups'])).SecurityGroups, []);
  });
});
