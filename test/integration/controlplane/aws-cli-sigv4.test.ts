/*
 * The real AWS CLI v2 (Debian's awscli, /usr/bin/aws) talks to a bare node:http server that runs
 * verifySigV4, decodeQueryRequest and renderResult/renderError: right keys succeed and parse our
 * XML, a wrong secret or an unknown key fail with AWS's codes, and elbv2/iam/ec2 parameters decode.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { verifySigV4, credentialScope, type CredentialScope, type SigV4Result } from '../../../src/controlplane/api/sigv4.ts';
import { decodeQueryRequest, type QueryStruct } from '../../../src/controlplane/api/query-protocol.ts';
import { renderResult, renderError, XML_NAMESPACES, XML_CONTENT_TYPE, type XmlObject } from '../../../src/controlplane/api/xml.ts';
import { AlbatrossError } from '../../../src/model/errors.ts';

const AWS = '/usr/bin/aws';
const KEY_ID = 'AKIAALBATROSSTEST001';
const SECRET = 'h7Zr2+albatross/secret0000000000000000000';
const TG_ARN = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/tutorial-tg/0123456789abcdef';

interface Seen {
  scope: CredentialScope | undefined;
  verify: SigV4Result;
  params: QueryStruct | undefined;
}

const seen: Seen[] = [];
let server: Server;
let endpoint: string;
let requestCount = 0;

function respond(action: string): { xml: string } | undefined {
  const rid = `rid-${++requestCount}`;
  switch (action) {
    case 'DescribeLoadBalancers':
      return { xml: renderResult(action, XML_NAMESPACES.elasticloadbalancing, { LoadBalancers: [] }, rid) };
    case 'RegisterTargets':
      return { xml: renderResult(action, XML_NAMESPACES.elasticloadbalancing, {}, rid) };
    case 'ListServerCertificates': {
      const list: XmlObject[] = [{
        Path: '/', ServerCertificateName: 'tutorial', ServerCertificateId: 'ASCAALBATROSS0000001',
        Arn: 'arn:aws:iam::000000000000:server-certificate/tutorial',
        UploadDate: new Date(Date.UTC(2026, 10, 25, 10, 15, 0)), Expiration: new Date(Date.UTC(2027, 10, 25, 10, 15, 0)),
      }];
      return { xml: renderResult(action, XML_NAMESPACES.iam, { ServerCertificateMetadataList: list, IsTruncated: false }, rid) };
    }
    case 'DescribeSecurityGroups':
      return {
        xml: renderResult(action, XML_NAMESPACES.ec2, {
          securityGroupInfo: [{
            ownerId: '000000000000', groupId: 'sg-1', groupName: 'web', groupDescription: 'Web <&> traffic',
            ipPermissions: [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, ipRanges: [{ cidrIp: '0.0.0.0/0' }] }],
            ipPermissionsEgress: [],
          }],
        }, rid, { ec2: true }),
      };
    default:
      return undefined;
  }
}

function handle(method: string, url: string, headers: Record<string, string | string[] | undefined>, body: Buffer): { status: number; xml: string } {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const scope = credentialScope(headers, query);
  const ec2 = scope?.service === 'ec2';
  const namespace = scope?.service === 'iam' ? XML_NAMESPACES.iam : XML_NAMESPACES.elasticloadbalancing;
  const verify = verifySigV4({ method, path, query, headers, body }, (id) => (id === KEY_ID ? SECRET : undefined), Date.now());
  let params: QueryStruct | undefined;
  try {
    params = decodeQueryRequest(query, body);
  } catch (err) {
    if (!(err instanceof AlbatrossError)) throw err;
    seen.push({ scope, verify, params });
    return { status: 400, xml: renderError(err.code, err.message, 'rid-bad', { ec2, namespace }) };
  }
  seen.push({ scope, verify, params });
  if (!verify.ok) return { status: verify.httpStatus, xml: renderError(verify.code, verify.message, 'rid-auth', { ec2, namespace }) };
  const answer = respond(String(params.Action));
  if (!answer) return { status: 400, xml: renderError('InvalidAction', `Unknown action ${String(params.Action)}`, 'rid-x', { ec2, namespace }) };
  return { status: 200, xml: answer.xml };
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function aws(args: string[], keyId = KEY_ID, secret = SECRET): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: keyId,
    AWS_SECRET_ACCESS_KEY: secret,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  return new Promise((resolve) => {
    execFile(AWS, [...args, '--endpoint-url', endpoint, '--region', 'local', '--output', 'json'], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const runs: Record<string, CliRun> = {};

describe('the real AWS CLI v2 against the SigV4 verifier, Query decoder and XML writer', { skip: !existsSync(AWS) && `${AWS} is missing: apt-get install -y awscli` }, () => {
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { status, xml } = handle(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks));
        res.writeHead(status, { 'content-type': XML_CONTENT_TYPE });
        res.end(xml);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Each CLI start costs about a second: run them all at once.
    const [good, wrongSecret, unknownKey, register, iam, ec2, ec2Unknown] = await Promise.all([
      aws(['elbv2', 'describe-load-balancers']),
      aws(['elbv2', 'describe-load-balancers'], KEY_ID, 'not-the-secret'),
      aws(['elbv2', 'describe-load-balancers'], 'AKIAUNKNOWN000000000'),
      aws(['elbv2', 'register-targets', '--target-group-arn', TG_ARN, '--targets', 'Id=i-1,Port=80', 'Id=i-2']),
      aws(['iam', 'list-server-certificates']),
      aws(['ec2', 'describe-security-groups', '--group-ids', 'sg-1', 'sg-2']),
      aws(['ec2', 'describe-security-groups', '--group-ids', 'sg-1'], 'AKIAUNKNOWN000000000'),
    ]);
    Object.assign(runs, { good, wrongSecret, unknownKey, register, iam, ec2, ec2Unknown });
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function seenFor(action: string, keyId: string, ok: boolean): Seen {
    const found = seen.find((s) => s.params?.Action === action && s.scope?.accessKeyId === keyId && s.verify.ok === ok);
    assert.ok(found, `no ${ok ? 'verified' : 'refused'} ${action} request from ${keyId}; seen: ${JSON.stringify(seen.map((s) => [s.params?.Action, s.scope, s.verify.ok]))}`);
    return found;
  }

  test('right secret: the CLI exits 0 and prints the parsed empty LoadBalancers list', () => {
    const run = runs.good!;
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { LoadBalancers: [] });
    const s = seenFor('DescribeLoadBalancers', KEY_ID, true);
    assert.deepEqual(s.params, { Action: 'DescribeLoadBalancers', Version: '2015-12-01' });
    assert.deepEqual(s.scope && { region: s.scope.region, service: s.scope.service }, { region: 'local', service: 'elasticloadbalancing' });
  });

  test('wrong secret: SignatureDoesNotMatch, shown by the CLI with its message', () => {
    const run = runs.wrongSecret!;
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /An error occurred \(SignatureDoesNotMatch\) when calling the DescribeLoadBalancers operation(?: \(reached max retries: \d+\))?: The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\./);
    const s = seenFor('DescribeLoadBalancers', KEY_ID, false);
    assert.equal(!s.verify.ok && s.verify.code, 'SignatureDoesNotMatch');
  });

  test('unknown access key: InvalidClientTokenId', () => {
    const run = runs.unknownKey!;
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /An error occurred \(InvalidClientTokenId\) when calling the DescribeLoadBalancers operation(?: \(reached max retries: \d+\))?: The security token included in the request is invalid\./);
  });

  test('register-targets: the list of target structures decodes', () => {
    const run = runs.register!;
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(seenFor('RegisterTargets', KEY_ID, true).params, {
      Action: 'RegisterTargets', Version: '2015-12-01', TargetGroupArn: TG_ARN, Targets: [{ Id: 'i-1', Port: '80' }, { Id: 'i-2' }],
    });
  });

  test('iam list-server-certificates: scoped to service iam, member list and dates parse', () => {
    const run = runs.iam!;
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { ServerCertificateMetadataList: Array<Record<string, string>> };
    assert.equal(out.ServerCertificateMetadataList.length, 1);
    const cert = out.ServerCertificateMetadataList[0]!;
    assert.equal(cert.ServerCertificateName, 'tutorial');
    assert.equal(cert.Arn, 'arn:aws:iam::000000000000:server-certificate/tutorial');
    assert.equal(Date.parse(cert.UploadDate!), Date.UTC(2026, 10, 25, 10, 15, 0));
    const s = seenFor('ListServerCertificates', KEY_ID, true);
    assert.equal(s.scope?.service, 'iam');
    assert.deepEqual(s.params, { Action: 'ListServerCertificates', Version: '2010-05-08' });
  });

  test('ec2 describe-security-groups: GroupId list decodes, the <item> response parses', () => {
    const run = runs.ec2!;
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      SecurityGroups: [{
        OwnerId: '000000000000', GroupId: 'sg-1', GroupName: 'web', Description: 'Web <&> traffic',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        IpPermissionsEgress: [],
      }],
    });
    const s = seenFor('DescribeSecurityGroups', KEY_ID, true);
    assert.equal(s.scope?.service, 'ec2');
    assert.deepEqual(s.params, { Action: 'DescribeSecurityGroups', Version: '2016-11-15', GroupId: ['sg-1', 'sg-2'] });
  });

  test("ec2 errors in EC2's Response/Errors shape are understood by the CLI", () => {
    const run = runs.ec2Unknown!;
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /An error occurred \(InvalidClientTokenId\) when calling the DescribeSecurityGroups operation(?: \(reached max retries: \d+\))?: The security token included in the request is invalid\./);
  });
});
