/*
 * The albatross CLI's API commands without a server: AWS CLI shorthand, JSON and file:// arguments
 * read into an action's shapes, Query serialization, XML responses read back into AWS's JSON, the
 * human tables and one-line summaries, and where the access key comes from (env, profiles, files).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseShorthand, readArgument, readInputJson, ParamError, type JsonObject } from '../../src/cli/api/shorthand.ts';
import { apiCommands, inputShape, kebabName, type ApiCommandSpec } from '../../src/cli/api/commands.ts';
import { Action, Matcher, TargetDescription, list, str } from '../../src/cli/api/shapes.ts';
import { formatTimestamp, readError, readResult, serializeQuery } from '../../src/cli/api/client.ts';
import { resolveCredentials, parseIni, CredentialsError, type CredentialInputs } from '../../src/cli/api/credentials.ts';
import { formatJson } from '../../src/cli/api/register.ts';
import { renderError, renderResult, XML_NAMESPACES } from '../../src/controlplane/api/xml.ts';

function spec(action: string): ApiCommandSpec {
  const found = apiCommands.find((c) => c.action === action);
  assert.ok(found, `no command for ${action}`);
  return found;
}

const TG_ARN = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/tutorial-tg/0123456789abcdef';

describe('command names', () => {
  test('are the AWS CLI names of the actions and members', () => {
    assert.equal(kebabName('CreateTargetGroup'), 'create-target-group');
    assert.equal(kebabName('DescribeSSLPolicies'), 'describe-ssl-policies');
    assert.equal(kebabName('HealthCheckIntervalSeconds'), 'health-check-interval-seconds');
    assert.equal(kebabName('TargetGroupArns'), 'target-group-arns');
    assert.equal(kebabName('IpAddressType'), 'ip-address-type');
    assert.equal(kebabName('DNSName'), 'dns-name');
    assert.equal(kebabName('PrivateIPv4Address'), 'private-i-pv4-address');
  });

  test('every action of the spec has exactly one command', () => {
    const names = apiCommands.map((c) => `${c.service} ${c.action}`);
    assert.equal(new Set(names).size, names.length);
    assert.equal(apiCommands.filter((c) => c.service === 'elbv2').length, 32);
    assert.equal(apiCommands.filter((c) => c.service === 'iam').length, 4);
    assert.equal(apiCommands.filter((c) => c.service === 'ec2').length, 5);
  });
});

describe('shorthand syntax', () => {
  test('key=value pairs, comma lists, explicit lists and nested structures', () => {
    assert.deepEqual(parseShorthand('Id=127.0.0.1,Port=8081'), { Id: '127.0.0.1', Port: '8081' });
    assert.deepEqual(parseShorthand('Key=stickiness.enabled,Value=true'), { Key: 'stickiness.enabled', Value: 'true' });
    assert.deepEqual(parseShorthand('Field=path-pattern,Values=/a,/b'), { Field: 'path-pattern', Values: ['/a', '/b'] });
    assert.deepEqual(parseShorthand('a=b,c,d=e'), { a: ['b', 'c'], d: 'e' });
    assert.deepEqual(parseShorthand('Type=forward,ForwardConfig={TargetGroups=[{TargetGroupArn=arn:x,Weight=1},{TargetGroupArn=arn:y,Weight=2}]}'), {
      Type: 'forward',
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'arn:x', Weight: '1' }, { TargetGroupArn: 'arn:y', Weight: '2' }] },
    });
  });

  test('values may hold = and quoted commas; \\, escapes a comma', () => {
    assert.deepEqual(parseShorthand('Key=k,Value=a=b'), { Key: 'k', Value: 'a=b' });
    assert.deepEqual(parseShorthand(`a="x,y",b='q'`), { a: 'x,y', b: 'q' });
    assert.deepEqual(parseShorthand('a=b\\,c'), { a: 'b,c' });
    assert.deepEqual(parseShorthand('a='), { a: '' });
    assert.deepEqual(parseShorthand('a = b , c = d'), { a: 'b', c: 'd' });
  });

  test('malformed shorthand is refused with where it went wrong', () => {
    assert.throws(() => parseShorthand('Id'), /Expected: '=', received: 'EOF'/);
    assert.throws(() => parseShorthand('Id=a,Id=b'), /Second instance of key "Id"/);
    assert.throws(() => parseShorthand('a={b=c'), /Expected: '[,}]'|received: 'EOF'/);
  });
});

describe('arguments read into shapes', () => {
  const targets = list(TargetDescription);

  test('a list of structures: one shorthand word per element, numbers converted', () => {
    assert.deepEqual(readArgument(['Id=127.0.0.1,Port=8081', 'Id=127.0.0.1,Port=8082'], targets, '--targets', 'Targets'), [
      { Id: '127.0.0.1', Port: 8081 },
      { Id: '127.0.0.1', Port: 8082 },
    ]);
  });

  test('JSON: one array, or one object per word', () => {
    assert.deepEqual(readArgument(['[{"Id":"a","Port":80}]'], targets, '--targets', 'Targets'), [{ Id: 'a', Port: 80 }]);
    assert.deepEqual(readArgument(['{"Id":"a"}', '{"Id":"b","Port":"81"}'], targets, '--targets', 'Targets'), [{ Id: 'a' }, { Id: 'b', Port: 81 }]);
    assert.deepEqual(readArgument('{"HttpCode":"200-299"}', Matcher, '--matcher', 'Matcher'), { HttpCode: '200-299' });
  });

  test('a structure in shorthand; a lone value where a list goes becomes a list', () => {
    assert.deepEqual(readArgument('HttpCode=200,202', Matcher, '--matcher', 'Matcher'), { HttpCode: '200,202' });
    assert.deepEqual(
      readArgument(['Type=forward,ForwardConfig={TargetGroups={TargetGroupArn=arn:x}}'], list(Action), '--default-actions', 'DefaultActions'),
      [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'arn:x' }] } }],
    );
  });

  test('a list of scalars keeps each word whole', () => {
    assert.deepEqual(readArgument(['a,b', 'c'], list(str), '--names', 'Names'), ['a,b', 'c']);
  });

  test('file:// reads the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'albatross-cli-'));
    try {
      writeFileSync(join(dir, 'cert.pem'), '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n');
      writeFileSync(join(dir, 'targets.json'), '[{"Id": "10.0.0.1", "Port": 80}]');
      assert.equal(readArgument(`file://${join(dir, 'cert.pem')}`, str, '--certificate-body', 'CertificateBody'), '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n');
      assert.deepEqual(readArgument([`file://${join(dir, 'targets.json')}`], targets, '--targets', 'Targets'), [{ Id: '10.0.0.1', Port: 80 }]);
      assert.throws(() => readArgument(`file://${join(dir, 'missing.pem')}`, str, '--private-key', 'PrivateKey'), /Unable to load paramfile file:\/\/.*missing\.pem/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad values name the parameter and what is wrong', () => {
    assert.throws(() => readArgument(['Id=a,Port=eighty'], targets, '--targets', 'Targets'), (err: Error) => {
      assert.ok(err instanceof ParamError);
      assert.equal(err.message, `Error parsing parameter '--targets': Invalid value for parameter Targets[0].Port: "eighty" is not an integer`);
      return true;
    });
    assert.throws(() => readArgument(['Id=a,Prot=80'], targets, '--targets', 'Targets'), /Unknown parameter in Targets\[0\]: "Prot", must be one of: Id, Port, AvailabilityZone/);
    assert.throws(() => readArgument(['[{"Id": "a",}]'], targets, '--targets', 'Targets'), /Error parsing parameter '--targets': Invalid JSON/);
    assert.throws(() => readArgument('80x', { type: 'integer' }, '--port', 'Port'), /"80x" is not an integer/);
  });

  test('--cli-input-json gives the parameters by their AWS names', () => {
    const shape = inputShape(spec('RegisterTargets'));
    assert.deepEqual(readInputJson('{"TargetGroupArn": "arn:x", "Targets": [{"Id": "a", "Port": "80"}]}', shape), {
      TargetGroupArn: 'arn:x',
      Targets: [{ Id: 'a', Port: 80 }],
    });
    assert.throws(() => readInputJson('{"TargetGroup": "x"}', shape), /Unknown parameter: "TargetGroup"/);
  });
});

describe('Query serialization', () => {
  test('elasticloadbalancing: .member.N lists, nested structures, booleans, empty lists', () => {
    const pairs = serializeQuery(
      {
        LoadBalancerArn: 'arn:lb',
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'arn:a', Weight: 1 }], TargetGroupStickinessConfig: { Enabled: true } } }],
        Certificates: [],
      },
      inputShape(spec('CreateListener')),
      false,
    );
    assert.deepEqual(pairs, [
      ['LoadBalancerArn', 'arn:lb'],
      ['Protocol', 'HTTP'],
      ['Port', '80'],
      ['Certificates', ''],
      ['DefaultActions.member.1.Type', 'forward'],
      ['DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn', 'arn:a'],
      ['DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight', '1'],
      ['DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled', 'true'],
    ]);
  });

  test("ec2: .N lists and EC2's parameter names", () => {
    assert.deepEqual(serializeQuery({ GroupName: 'web', Description: 'Web traffic', DryRun: false }, inputShape(spec('CreateSecurityGroup')), true), [
      ['GroupDescription', 'Web traffic'],
      ['GroupName', 'web'],
      ['DryRun', 'false'],
    ]);
    assert.deepEqual(
      serializeQuery(
        { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }], UserIdGroupPairs: [{ GroupId: 'sg-2' }] }] },
        inputShape(spec('AuthorizeSecurityGroupIngress')),
        true,
      ),
      [
        ['GroupId', 'sg-1'],
        ['IpPermissions.1.FromPort', '80'],
        ['IpPermissions.1.IpProtocol', 'tcp'],
        ['IpPermissions.1.IpRanges.1.CidrIp', '0.0.0.0/0'],
        ['IpPermissions.1.ToPort', '80'],
        ['IpPermissions.1.Groups.1.GroupId', 'sg-2'],
      ],
    );
    assert.deepEqual(serializeQuery({ GroupIds: ['sg-1', 'sg-2'] }, inputShape(spec('DescribeSecurityGroups')), true), [
      ['GroupId.1', 'sg-1'],
      ['GroupId.2', 'sg-2'],
    ]);
  });
});

describe('XML responses read into JSON', () => {
  const tgXml = renderResult(
    'DescribeTargetGroups',
    XML_NAMESPACES.elasticloadbalancing,
    {
      TargetGroups: [
        {
          TargetGroupArn: TG_ARN, TargetGroupName: 'tutorial-tg', Protocol: 'HTTP', Port: 8080, VpcId: 'vpc-local',
          HealthCheckProtocol: 'HTTP', HealthCheckPort: 'traffic-port', HealthCheckEnabled: true, HealthCheckIntervalSeconds: 30,
          HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, HealthCheckPath: '/status <&>',
          Matcher: { HttpCode: '200' }, LoadBalancerArns: [], TargetType: 'instance', ProtocolVersion: 'HTTP1', IpAddressType: 'ipv4',
          Unmodelled: 'dropped',
        },
      ],
      NextMarker: 'abc',
    },
    'rid-1',
  );

  test("members in the model's order, numbers, booleans, empty lists; unmodelled elements dropped", () => {
    const result = readResult(tgXml, 'DescribeTargetGroups', spec('DescribeTargetGroups').output, false);
    assert.deepEqual(result, {
      TargetGroups: [
        {
          TargetGroupArn: TG_ARN, TargetGroupName: 'tutorial-tg', Protocol: 'HTTP', Port: 8080, VpcId: 'vpc-local',
          HealthCheckProtocol: 'HTTP', HealthCheckPort: 'traffic-port', HealthCheckEnabled: true, HealthCheckIntervalSeconds: 30,
          HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, HealthCheckPath: '/status <&>',
          Matcher: { HttpCode: '200' }, LoadBalancerArns: [], TargetType: 'instance', ProtocolVersion: 'HTTP1', IpAddressType: 'ipv4',
        },
      ],
      NextMarker: 'abc',
    });
    assert.equal(typeof (result.TargetGroups as JsonObject[])[0]!.HealthCheckPort, 'string', 'a string member stays a string even when it could be a number');
  });

  test("ec2's envelope, <item> lists and lowerCamel element names", () => {
    const xml = renderResult('DescribeSecurityGroups', XML_NAMESPACES.ec2, {
      securityGroupInfo: [{
        ownerId: '000000000000', groupId: 'sg-1', groupName: 'web', groupDescription: 'Web\r\ntraffic',
        ipPermissions: [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, groups: [], ipRanges: [{ cidrIp: '0.0.0.0/0' }] }],
        ipPermissionsEgress: [], vpcId: 'vpc-local',
      }],
    }, 'rid-2', { ec2: true });
    assert.deepEqual(readResult(xml, 'DescribeSecurityGroups', spec('DescribeSecurityGroups').output, true), {
      SecurityGroups: [{
        Description: 'Web\r\ntraffic', GroupName: 'web',
        IpPermissions: [{ FromPort: 80, IpProtocol: 'tcp', IpRanges: [{ CidrIp: '0.0.0.0/0' }], ToPort: 80, UserIdGroupPairs: [] }],
        OwnerId: '000000000000', GroupId: 'sg-1', IpPermissionsEgress: [], VpcId: 'vpc-local',
      }],
    });
  });

  test('an action without a result reads as {}', () => {
    const xml = renderResult('DeleteServerCertificate', XML_NAMESPACES.iam, undefined, 'rid-3');
    assert.deepEqual(readResult(xml, 'DeleteServerCertificate', spec('DeleteServerCertificate').output, false), {});
    assert.deepEqual(readResult(renderResult('RegisterTargets', XML_NAMESPACES.elasticloadbalancing, {}, 'r'), 'RegisterTargets', spec('RegisterTargets').output, false), {});
  });

  test('timestamps as the AWS CLI v2 prints them', () => {
    assert.equal(formatTimestamp('2026-11-25T10:15:00.000Z'), '2026-11-25T10:15:00+00:00');
    assert.equal(formatTimestamp('2026-11-25T10:15:00.123Z'), '2026-11-25T10:15:00.123000+00:00');
    assert.equal(formatTimestamp('2026-11-25T10:15:00Z'), '2026-11-25T10:15:00+00:00');
    assert.equal(formatTimestamp('2026-11-25T10:15:00.5+0200'), '2026-11-25T10:15:00.500000+02:00');
  });

  test("errors: the Query ErrorResponse, EC2's Response/Errors, or the HTTP status", () => {
    const q = readError(renderError('DuplicateTargetGroupName', "A target group with the name 'x' already exists", 'rid-4'), 'CreateTargetGroup', 400);
    assert.equal(q.display, "An error occurred (DuplicateTargetGroupName) when calling the CreateTargetGroup operation: A target group with the name 'x' already exists");
    assert.equal(q.requestId, 'rid-4');
    const e = readError(renderError('InvalidGroup.NotFound', "The security group 'x' does not exist", 'rid-5', { ec2: true }), 'DeleteSecurityGroup', 400);
    assert.equal(e.code, 'InvalidGroup.NotFound');
    assert.equal(e.requestId, 'rid-5');
    const h = readError('<html>oops</html', 'DescribeTargetGroups', 502);
    assert.equal(h.display, 'An error occurred (502) when calling the DescribeTargetGroups operation: Bad Gateway');
  });
});

describe('output', () => {
  test('describe-target-groups: name, protocol:port, target type, health check, ARN', () => {
    const result = readResult(
      renderResult('DescribeTargetGroups', XML_NAMESPACES.elasticloadbalancing, {
        TargetGroups: [
          { TargetGroupArn: TG_ARN, TargetGroupName: 'tutorial-tg', Protocol: 'HTTP', Port: 8080, HealthCheckProtocol: 'HTTP', HealthCheckEnabled: true, HealthCheckPath: '/status', TargetType: 'instance' },
          { TargetGroupArn: 'arn:b', TargetGroupName: 'b', Protocol: 'HTTPS', Port: 443, HealthCheckEnabled: false, TargetType: 'ip' },
        ],
      }, 'r'),
      'DescribeTargetGroups',
      spec('DescribeTargetGroups').output,
      false,
    );
    assert.equal(
      spec('DescribeTargetGroups').human(result, {}),
      [
        '┌─────────────┬───────────────┬─────────────┬──────────────┬──────────────────────────────────────────────────────────────────────────────────────────┐',
        '│ name        │ protocol:port │ target type │ health check │ ARN                                                                                      │',
        '├─────────────┼───────────────┼─────────────┼──────────────┼──────────────────────────────────────────────────────────────────────────────────────────┤',
        '│ tutorial-tg │ HTTP:8080     │ instance    │ HTTP /status │ arn:aws:elasticloadbalancing:local:000000000000:targetgroup/tutorial-tg/0123456789abcdef │',
        '│ b           │ HTTPS:443     │ ip          │ disabled     │ arn:b                                                                                    │',
        '└─────────────┴───────────────┴─────────────┴──────────────┴──────────────────────────────────────────────────────────────────────────────────────────┘',
      ].join('\n'),
    );
    assert.equal(spec('DescribeTargetGroups').human({ TargetGroups: [] }, {}), 'no target groups');
  });

  test('describe-target-health: target, port, state, reason, description', () => {
    const out = spec('DescribeTargetHealth').human(
      {
        TargetHealthDescriptions: [
          { Target: { Id: '127.0.0.1', Port: 8081 }, HealthCheckPort: '8081', TargetHealth: { State: 'healthy' } },
          { Target: { Id: '127.0.0.1', Port: 8082 }, HealthCheckPort: '8082', TargetHealth: { State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out' } },
        ],
      },
      {},
    );
    assert.equal(
      out,
      [
        '┌───────────┬──────┬───────────┬────────────────┬───────────────────┐',
        '│ target    │ port │ state     │ reason         │ description       │',
        '├───────────┼──────┼───────────┼────────────────┼───────────────────┤',
        '│ 127.0.0.1 │ 8081 │ healthy   │                │                   │',
        '│ 127.0.0.1 │ 8082 │ unhealthy │ Target.Timeout │ Request timed out │',
        '└───────────┴──────┴───────────┴────────────────┴───────────────────┘',
      ].join('\n'),
    );
  });

  test('listeners and rules say what their actions do', () => {
    const listeners = spec('DescribeListeners').human(
      {
        Listeners: [
          { Protocol: 'HTTP', Port: 80, ListenerArn: 'arn:l1', DefaultActions: [{ Type: 'forward', TargetGroupArn: TG_ARN }] },
          { Protocol: 'HTTPS', Port: 443, ListenerArn: 'arn:l2', SslPolicy: 'ELBSecurityPolicy-2016-08', DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain' } }] },
        ],
      },
      {},
    );
    assert.match(listeners, /│ HTTP:80 +│ forward to tutorial-tg +│ +│ arn:l1 │/);
    assert.match(listeners, /│ HTTPS:443 +│ fixed-response 503 text\/plain +│ ELBSecurityPolicy-2016-08 │ arn:l2 │/);
    const rules = spec('DescribeRules').human(
      {
        Rules: [
          { RuleArn: 'arn:r1', Priority: '10', IsDefault: false, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }], Actions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }] },
          { RuleArn: 'arn:r2', Priority: 'default', IsDefault: true, Conditions: [], Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG_ARN, Weight: 1 }, { TargetGroupArn: 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/b/1', Weight: 3 }] } }] },
        ],
      },
      {},
    );
    assert.match(rules, /│ 10 +│ path-pattern \/api\/\* +│ redirect HTTP_301 to https:\/\/#\{host\}:443\/#\{path\}\?#\{query\} +│ arn:r1 │/);
    assert.match(rules, /│ default +│ \(default\) +│ forward to tutorial-tg \(weight 1\), b \(weight 3\) +│ arn:r2 │/);
  });

  test('a change is one line', () => {
    assert.equal(
      spec('CreateTargetGroup').human({ TargetGroups: [{ TargetGroupName: 'tutorial-tg', TargetGroupArn: TG_ARN }] }, {}),
      `created target group tutorial-tg ${TG_ARN}`,
    );
    assert.equal(
      spec('RegisterTargets').human({}, { TargetGroupArn: TG_ARN, Targets: [{ Id: '127.0.0.1', Port: 8081 }, { Id: '127.0.0.1', Port: 8082 }] }),
      'registered 2 targets in tutorial-tg: 127.0.0.1:8081, 127.0.0.1:8082',
    );
    assert.equal(
      spec('ModifyTargetGroupAttributes').human({}, { TargetGroupArn: TG_ARN, Attributes: [{ Key: 'stickiness.enabled', Value: 'true' }] }),
      'modified target group tutorial-tg: stickiness.enabled=true',
    );
    assert.equal(
      spec('AuthorizeSecurityGroupIngress').human({ Return: true }, { GroupName: 'web', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
      'authorized ingress on web: tcp 80 from 0.0.0.0/0',
    );
  });

  test('--output json: four-space JSON as the AWS CLI prints it; nothing for an empty result', () => {
    assert.equal(formatJson({ TargetGroups: [{ Port: 80, HealthCheckEnabled: true }] }), '{\n    "TargetGroups": [\n        {\n            "Port": 80,\n            "HealthCheckEnabled": true\n        }\n    ]\n}\n');
    assert.equal(formatJson({}), '');
  });
});

describe('credentials', () => {
  let dir: string;
  let home: string;
  let dataDir: string;
  let sharedFile: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'albatross-cli-creds-'));
    home = join(dir, 'home');
    dataDir = join(dir, 'data');
    mkdirSync(join(home, '.aws'), { recursive: true });
    mkdirSync(dataDir);
    writeFileSync(
      join(home, '.aws', 'credentials'),
      '# comment\n[default]\naws_access_key_id = AKIAHOMEDEFAULT00000\naws_secret_access_key = home-default-secret\n\n[ops]\naws_access_key_id=AKIAHOMEOPS000000000\naws_secret_access_key=home-ops-secret\n',
    );
    writeFileSync(
      join(home, '.aws', 'config'),
      '[default]\nregion = eu-west-1\n[profile cfg]\nregion = us-east-2\naws_access_key_id = AKIACONFIGPROFILE000\naws_secret_access_key = config-secret\ns3 =\n  max_concurrent_requests = 10\n[profile ops]\nregion = ap-south-1\n',
    );
    sharedFile = join(dir, 'other-credentials');
    writeFileSync(sharedFile, '[default]\naws_access_key_id = AKIASHAREDFILE000000\naws_secret_access_key = shared-secret\n');
    writeFileSync(join(dataDir, 'admin-credentials'), '[default]\naws_access_key_id = AKIAADMINFILE0000000\naws_secret_access_key = admin-secret\nregion = local\n');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const resolve = (env: Record<string, string>, extra: Partial<CredentialInputs> = {}) =>
    resolveCredentials({ env, home, dataDir, ...extra });
  const envKeys = { AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENT00000', AWS_SECRET_ACCESS_KEY: 'env-secret' };

  test('the environment comes first, then the default profile of ~/.aws/credentials', () => {
    assert.equal(resolve(envKeys).accessKeyId, 'AKIAENVIRONMENT00000');
    assert.equal(resolve(envKeys).source, 'environment');
    const fromHome = resolve({});
    assert.equal(fromHome.accessKeyId, 'AKIAHOMEDEFAULT00000');
    assert.equal(fromHome.secretAccessKey, 'home-default-secret');
    assert.equal(fromHome.region, 'eu-west-1', 'the region of the default profile in ~/.aws/config');
  });

  test('--profile beats the environment; AWS_PROFILE does not', () => {
    assert.equal(resolve(envKeys, { profile: 'ops' }).accessKeyId, 'AKIAHOMEOPS000000000');
    assert.equal(resolve({ ...envKeys, AWS_PROFILE: 'ops' }).accessKeyId, 'AKIAENVIRONMENT00000');
    const ops = resolve({ AWS_PROFILE: 'ops' });
    assert.equal(ops.accessKeyId, 'AKIAHOMEOPS000000000');
    assert.equal(ops.region, 'ap-south-1');
  });

  test('a profile may hold its keys in ~/.aws/config', () => {
    const cfg = resolve({}, { profile: 'cfg' });
    assert.equal(cfg.accessKeyId, 'AKIACONFIGPROFILE000');
    assert.equal(cfg.region, 'us-east-2');
  });

  test('AWS_SHARED_CREDENTIALS_FILE replaces ~/.aws/credentials', () => {
    assert.equal(resolve({ AWS_SHARED_CREDENTIALS_FILE: sharedFile }).accessKeyId, 'AKIASHAREDFILE000000');
  });

  test("then <data-dir>/admin-credentials, with its region", () => {
    const empty = join(dir, 'empty-home');
    mkdirSync(empty, { recursive: true });
    const admin = resolveCredentials({ env: {}, home: empty, dataDir });
    assert.equal(admin.accessKeyId, 'AKIAADMINFILE0000000');
    assert.equal(admin.secretAccessKey, 'admin-secret');
    assert.equal(admin.region, 'local');
    assert.equal(admin.source, join(dataDir, 'admin-credentials'));
  });

  test('the region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile, else local', () => {
    assert.equal(resolve({ AWS_REGION: 'r1', AWS_DEFAULT_REGION: 'r2' }, { region: 'r0' }).region, 'r0');
    assert.equal(resolve({ AWS_REGION: 'r1', AWS_DEFAULT_REGION: 'r2' }).region, 'r1');
    assert.equal(resolve({ AWS_DEFAULT_REGION: 'r2' }).region, 'r2');
    assert.equal(resolve({ AWS_SHARED_CREDENTIALS_FILE: sharedFile, AWS_CONFIG_FILE: join(dir, 'none') }).region, 'local');
  });

  test('an unknown profile, partial environment keys, or nothing at all are errors with the AWS CLI exit codes', () => {
    assert.throws(() => resolve(envKeys, { profile: 'nope' }), (err: Error) => {
      assert.ok(err instanceof CredentialsError);
      assert.equal(err.message, 'The config profile (nope) could not be found');
      assert.equal(err.exitCode, 255);
      return true;
    });
    assert.throws(() => resolve({ AWS_ACCESS_KEY_ID: 'AKIAONLYID0000000000' }), /Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY/);
    const empty = join(dir, 'nothing');
    mkdirSync(empty, { recursive: true });
    assert.throws(() => resolveCredentials({ env: {}, home: empty, dataDir: empty }), (err: Error) => {
      assert.ok(err instanceof CredentialsError);
      assert.equal(err.exitCode, 253);
      assert.match(err.message, /^Unable to locate credentials/);
      return true;
    });
  });

  test('the INI reader: sections, comments, nested settings skipped', () => {
    const ini = parseIni('; c\n[a]\nk = v = w\n  nested = x\n[ b ]\nK2=v2 \n');
    assert.deepEqual([...ini.keys()], ['a', 'b']);
    assert.deepEqual(Object.fromEntries(ini.get('a')!), { k: 'v = w' });
    assert.deepEqual(Object.fromEntries(ini.get('b')!), { k2: 'v2' });
  });
});
