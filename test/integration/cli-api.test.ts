/*
 * The albatross CLI's API commands against AWS's own definitions and a signature-checking server:
 * every command's parameters and result shapes match botocore's service models (as the Debian AWS
 * CLI ships them), its shorthand parser reads like the AWS CLI's, and through commander a command
 * signs requests the server's SigV4 verifier accepts, follows pages, resolves names, and exits
 * with the AWS CLI's codes and messages.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { apiCommands, inputShape, kebabName, services, type ServiceName } from '../../src/cli/api/commands.ts';
import { ec2QueryName, ec2XmlName, type Shape, type StructureShape } from '../../src/cli/api/shapes.ts';
import { parseShorthand } from '../../src/cli/api/shorthand.ts';
import { registerApiCommands, type CommandIo } from '../../src/cli/api/register.ts';
import { verifySigV4, credentialScope } from '../../src/controlplane/api/sigv4.ts';
import { decodeQueryRequest, type QueryStruct } from '../../src/controlplane/api/query-protocol.ts';
import { renderError, renderResult, XML_NAMESPACES, type XmlObject } from '../../src/controlplane/api/xml.ts';

const BOTOCORE = '/usr/lib/python3/dist-packages/awscli/botocore/data';
const PYTHON = '/usr/bin/python3';
const modelDirs: Record<ServiceName, string> = { elbv2: 'elbv2/2015-12-01', iam: 'iam/2010-05-08', ec2: 'ec2/2016-11-15' };

interface BotoMember {
  shape: string;
  locationName?: string;
  queryName?: string;
}
interface BotoShape {
  type: string;
  members?: Record<string, BotoMember>;
  member?: BotoMember;
  required?: string[];
}
interface BotoModel {
  operations: Record<string, { input?: { shape: string }; output?: { shape: string; resultWrapper?: string } }>;
  shapes: Record<string, BotoShape>;
}

function load<T>(service: ServiceName, file: string): T {
  return JSON.parse(readFileSync(join(BOTOCORE, modelDirs[service], file), 'utf8')) as T;
}

const SCALARS: Record<string, string> = { string: 'string', integer: 'integer', long: 'long', boolean: 'boolean', timestamp: 'timestamp' };

/** Differences between one of our shapes and botocore's, at `path`. */
function compare(mine: Shape, model: BotoModel, botoName: string, path: string, ec2: boolean, direction: 'input' | 'output', out: string[]): void {
  const bt = model.shapes[botoName]!;
  if (mine.type === 'list') {
    if (bt.type !== 'list') return void out.push(`${path}: a list here, ${bt.type} in the model`);
    compare(mine.member, model, bt.member!.shape, `${path}[]`, ec2, direction, out);
    return;
  }
  if (mine.type === 'structure') {
    if (bt.type !== 'structure') return void out.push(`${path}: a structure here, ${bt.type} in the model`);
    compareMembers(mine, model, bt, path, ec2, direction, out);
    return;
  }
  if (SCALARS[bt.type] !== mine.type) out.push(`${path}: ${mine.type} here, ${bt.type} in the model`);
}

function compareMembers(mine: StructureShape, model: BotoModel, bt: BotoShape, path: string, ec2: boolean, direction: 'input' | 'output', out: string[]): void {
  const order = Object.keys(bt.members ?? {});
  let last = -1;
  for (const [name, member] of Object.entries(mine.members)) {
    const m = bt.members?.[name];
    const where = path === '' ? name : `${path}.${name}`;
    if (m === undefined) {
      out.push(`${where}: not in the model`);
      continue;
    }
    const index = order.indexOf(name);
    if (index < last) out.push(`${where}: out of the model's order`);
    last = index;
    if (ec2) {
      if (direction === 'input') {
        const expected = m.queryName ?? (m.locationName ? m.locationName[0]!.toUpperCase() + m.locationName.slice(1) : name);
        if (ec2QueryName(name, member) !== expected) out.push(`${where}: sent as ${ec2QueryName(name, member)}, the model says ${expected}`);
      } else {
        const expected = m.locationName ?? name;
        if (ec2XmlName(name, member) !== expected) out.push(`${where}: read from <${ec2XmlName(name, member)}>, the model says <${expected}>`);
      }
    }
    compare(member.shape, model, m.shape, where, ec2, direction, out);
  }
}

describe("the command table matches botocore's models", () => {
  const models = {} as Record<ServiceName, BotoModel>;
  const paginators = {} as Record<ServiceName, Record<string, Record<string, string>>>;
  let awsNames: Record<string, string>;

  before(() => {
    for (const s of Object.keys(modelDirs) as ServiceName[]) {
      models[s] = load<BotoModel>(s, 'service-2.json');
      paginators[s] = load<{ pagination: Record<string, Record<string, string>> }>(s, 'paginators-1.json').pagination;
    }
    // The AWS CLI's own names for every command and option.
    const names = new Set<string>();
    for (const c of apiCommands) {
      names.add(c.action);
      for (const p of Object.keys(c.params)) names.add(p);
    }
    const script = 'import json,sys\nfrom awscli.botocore import xform_name\nprint(json.dumps({n: xform_name(n, "-") for n in json.load(sys.stdin)}))';
    awsNames = JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify([...names]) }).toString()) as Record<string, string>;
  });

  test('command and option names are the AWS CLI names', () => {
    const wrong: string[] = [];
    for (const c of apiCommands) {
      if (kebabName(c.action) !== awsNames[c.action]) wrong.push(`${c.action}: ${kebabName(c.action)} != ${awsNames[c.action]}`);
      for (const p of Object.keys(c.params)) if (kebabName(p) !== awsNames[p]) wrong.push(`${c.action}.${p}: ${kebabName(p)} != ${awsNames[p]}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('parameters: names, order, types, required, EC2 wire names', () => {
    const wrong: string[] = [];
    for (const c of apiCommands) {
      const model = models[c.service];
      const op = model.operations[c.action];
      if (op === undefined) {
        wrong.push(`${c.action}: not an operation of ${c.service}`);
        continue;
      }
      const bt = model.shapes[op.input!.shape]!;
      compareMembers(inputShape(c), model, bt, c.action, services[c.service].ec2, 'input', wrong);
      const required = Object.entries(c.params).filter(([, p]) => p.required === true).map(([n]) => n).sort();
      // EC2's GroupId/GroupName are each optional in the model, one of them needed in practice.
      assert.deepEqual(required, [...(bt.required ?? [])].sort(), `${c.action}: required parameters`);
      // Albatross leaves out only what it has no use for (e.g. CustomerOwnedIpv4Pool, AuthenticateOidcConfig).
    }
    assert.deepEqual(wrong, []);
  });

  test('results: member names, order and types, where the Query result is', () => {
    const wrong: string[] = [];
    for (const c of apiCommands) {
      const model = models[c.service];
      const op = model.operations[c.action]!;
      if (op.output === undefined) {
        assert.deepEqual(Object.keys(c.output.members), [], `${c.action} has no output`);
        continue;
      }
      if (!services[c.service].ec2) assert.equal(op.output.resultWrapper, `${c.action}Result`, c.action);
      compareMembers(c.output, model, model.shapes[op.output.shape]!, c.action, services[c.service].ec2, 'output', wrong);
    }
    assert.deepEqual(wrong, []);
  });

  test('pagination as the AWS CLI paginates', () => {
    for (const c of apiCommands) {
      const p = paginators[c.service][c.action];
      if (p === undefined) {
        assert.equal(c.pagination, undefined, `${c.action} is not paginated`);
        continue;
      }
      assert.deepEqual(
        c.pagination,
        { inputToken: p.input_token, outputToken: p.output_token, resultKey: p.result_key, ...(p.more_results ? { moreResults: p.more_results } : {}) },
        c.action,
      );
    }
  });
});

test("shorthand reads as the AWS CLI's parser reads it", () => {
  const inputs = [
    'Id=127.0.0.1,Port=8081',
    'Key=stickiness.enabled,Value=true',
    'a=b,c,d=e',
    'a=b,c,d',
    'Key=k,Value=a=b',
    'Type=forward,ForwardConfig={TargetGroups=[{TargetGroupArn=arn:aws:x:1,Weight=1},{TargetGroupArn=arn:aws:y:2,Weight=2}],TargetGroupStickinessConfig={Enabled=true,DurationSeconds=60}}',
    'Field=http-header,HttpHeaderConfig={HttpHeaderName=X-Env,Values=[prod,staging]}',
    `a="x,y",b='q'`,
    'a=b\\,c',
    'a=',
    'a = b , c = d',
    'Values=/api/*,/v2/*',
    'MessageBody="a \\"quoted\\" body",StatusCode=503',
    'Key=ünïcode,Value=✓',
    'a=[],b={}',
    'a=[[x,y],[z]]',
    'Id',
    'Id=a,Id=b',
    'a={b=c',
    'a=[b',
    '=x',
  ];
  const script = [
    'import json,sys',
    'from awscli.shorthand import ShorthandParser',
    'out=[]',
    'for s in json.load(sys.stdin):',
    '  try: out.append({"ok": ShorthandParser().parse(s)})',
    '  except Exception as e: out.append({"error": type(e).__name__})',
    'print(json.dumps(out))',
  ].join('\n');
  const expected = JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(inputs) }).toString()) as Array<{ ok?: unknown; error?: string }>;
  inputs.forEach((input, i) => {
    let ours: { ok?: unknown; error?: string };
    try {
      ours = { ok: parseShorthand(input) };
    } catch {
      ours = { error: 'any' };
    }
    if (expected[i]!.error !== undefined) assert.ok(ours.error !== undefined, `${input}: the AWS CLI refuses it, we read ${JSON.stringify(ours.ok)}`);
    else assert.deepEqual(ours, expected[i], input);
  });
});

// ---------------------------------------------------------------------------------------------
// Through commander, against a server that verifies signatures with the admin endpoint's code

const KEY_ID = 'AKIACLITEST000000001';
const SECRET = 'cli/test+secret0000000000000000000000000';
const tgArn = (name: string): string => `arn:aws:elasticloadbalancing:local:000000000000:targetgroup/${name}/0123456789abcdef`;

describe('commands against a signature-checking server', () => {
  let server: Server;
  let endpoint: string;
  let home: string;
  const seen: Array<{ service: string; params: QueryStruct }> = [];

  const group = (name: string): XmlObject => ({
    TargetGroupArn: tgArn(name), TargetGroupName: name, Protocol: 'HTTP', Port: 80, HealthCheckEnabled: true,
    HealthCheckProtocol: 'HTTP', HealthCheckPath: '/', TargetType: 'instance', LoadBalancerArns: [],
  });
  const groups = ['a', 'b', 'c', 'd', 'e'];

  function answer(service: string, p: QueryStruct): { status: number; xml: string } {
    const ns = XML_NAMESPACES.elasticloadbalancing;
    switch (p.Action) {
      case 'DescribeTargetGroups': {
        if (Array.isArray(p.Names)) {
          const found = groups.filter((g) => (p.Names as string[]).includes(g));
          if (found.length === 0) return { status: 400, xml: renderError('TargetGroupNotFound', 'One or more target groups not found', 'rid') };
          return { status: 200, xml: renderResult('DescribeTargetGroups', ns, { TargetGroups: found.map(group) }, 'rid') };
        }
        const start = p.Marker === undefined ? 0 : Number(p.Marker);
        const size = p.PageSize === undefined ? 2 : Number(p.PageSize);
        const next = start + size < groups.length ? String(start + size) : undefined;
        return { status: 200, xml: renderResult('DescribeTargetGroups', ns, { TargetGroups: groups.slice(start, start + size).map(group), NextMarker: next }, 'rid') };
      }
      case 'CreateTargetGroup':
        if (p.Name === 'a') return { status: 400, xml: renderError('DuplicateTargetGroupName', "A target group with the name 'a' already exists", 'rid') };
        return { status: 200, xml: renderResult('CreateTargetGroup', ns, { TargetGroups: [group(p.Name as string)] }, 'rid') };
      case 'RegisterTargets':
        return { status: 200, xml: renderResult('RegisterTargets', ns, {}, 'rid') };
      case 'DescribeSecurityGroups':
        return { status: 200, xml: renderResult('DescribeSecurityGroups', XML_NAMESPACES.ec2, { securityGroupInfo: [] }, 'rid', { ec2: true }) };
      default:
        return { status: 400, xml: renderError('InvalidAction', `Could not find operation ${String(p.Action)} for ${service}`, 'rid') };
    }
  }

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'albatross-cli-home-'));
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const url = req.url ?? '/';
        const verify = verifySigV4({ method: req.method ?? '', path: url, query: '', headers: req.headers, body }, (id) => (id === KEY_ID ? SECRET : undefined), Date.now());
        const service = credentialScope(req.headers)?.service ?? '';
        let reply: { status: number; xml: string };
        if (!verify.ok) {
          reply = { status: verify.httpStatus, xml: renderError(verify.code, verify.message, 'rid') };
        } else {
          const params = decodeQueryRequest('', body);
          seen.push({ service, params });
          reply = answer(service, params);
        }
        res.writeHead(reply.status, { 'content-type': 'text/xml' }).end(reply.xml);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(home, { recursive: true, force: true });
  });

  /** Runs `albatross <args>` in-process; returns the exit code and what it printed. */
  async function run(args: string[], env: Record<string, string> = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET }) {
    let stdout = '';
    let stderr = '';
    let code: number | undefined;
    const io: CommandIo = { out: (t) => (stdout += t), err: (t) => (stderr += t), env, home, exit: (c) => (code = c) };
    const program = new Command('albatross').configureOutput({ writeOut: (t) => (stdout += t), writeErr: (t) => (stderr += t) });
    registerApiCommands(program, io);
    try {
      await program.parseAsync([...args, '--endpoint-url', endpoint, '--data-dir', home], { from: 'user' });
    } catch {
      // a usage error: io.exit has the code
    }
    return { code, stdout, stderr };
  }

  test('a signed request the verifier accepts; every page fetched; JSON with AWS member names', async () => {
    seen.length = 0;
    const r = await run(['elbv2', 'describe-target-groups', '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { TargetGroups: Array<{ TargetGroupName: string; Port: number; HealthCheckEnabled: boolean }> };
    assert.deepEqual(out.TargetGroups.map((g) => g.TargetGroupName), groups);
    assert.deepEqual(Object.keys(out), ['TargetGroups'], 'no NextMarker once every page is fetched');
    assert.equal(out.TargetGroups[0]!.Port, 80);
    assert.equal(out.TargetGroups[0]!.HealthCheckEnabled, true);
    assert.deepEqual(seen.map((s) => s.params.Marker ?? null), [null, '2', '4']);
    assert.ok(seen.every((s) => s.service === 'elasticloadbalancing' && s.params.Version === '2015-12-01'));
  });

  test('--marker fetches that page only and shows NextMarker', async () => {
    const r = await run(['elbv2', 'describe-target-groups', '--marker', '2', '--page-size', '2', '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { TargetGroups: Array<{ TargetGroupName: string }>; NextMarker: string };
    assert.deepEqual(out.TargetGroups.map((g) => g.TargetGroupName), ['c', 'd']);
    assert.equal(out.NextMarker, '4');
  });

  test('--target-group-name is resolved to the ARN first', async () => {
    seen.length = 0;
    const r = await run(['elbv2', 'register-targets', '--target-group-name', 'b', '--targets', 'Id=127.0.0.1,Port=8081', 'Id=127.0.0.1,Port=8082']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'registered 2 targets in b: 127.0.0.1:8081, 127.0.0.1:8082\n');
    assert.deepEqual(seen.map((s) => s.params.Action), ['DescribeTargetGroups', 'RegisterTargets']);
    assert.deepEqual(seen[1]!.params, {
      Action: 'RegisterTargets', Version: '2015-12-01', TargetGroupArn: tgArn('b'),
      Targets: [{ Id: '127.0.0.1', Port: '8081' }, { Id: '127.0.0.1', Port: '8082' }],
    });
  });

  test("an API error: the AWS CLI's message on stderr, exit 254", async () => {
    const r = await run(['elbv2', 'create-target-group', '--name', 'a', '--protocol', 'HTTP', '--port', '80']);
    assert.equal(r.code, 254);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "\nAn error occurred (DuplicateTargetGroupName) when calling the CreateTargetGroup operation: A target group with the name 'a' already exists\n");
    const missing = await run(['elbv2', 'describe-target-health', '--target-group-name', 'zz']);
    assert.equal(missing.code, 254);
    assert.match(missing.stderr, /An error occurred \(TargetGroupNotFound\) when calling the DescribeTargetGroups operation/);
  });

  test('a wrong secret is refused by the verifier (exit 254, and where the key came from)', async () => {
    const r = await run(['elbv2', 'describe-target-groups'], { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: 'wrong' });
    assert.equal(r.code, 254);
    assert.match(r.stderr, /An error occurred \(SignatureDoesNotMatch\) when calling the DescribeTargetGroups operation/);
    assert.match(r.stderr, /came from environment/);
  });

  test('ec2 commands sign for ec2 and read its envelope', async () => {
    seen.length = 0;
    const r = await run(['ec2', 'describe-security-groups', '--group-ids', 'sg-1', 'sg-2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'no security groups\n');
    assert.equal(seen[0]!.service, 'ec2');
    assert.deepEqual(seen[0]!.params.GroupId, ['sg-1', 'sg-2']);
  });

  test('usage errors exit 2: unknown option, missing parameter, bad shorthand', async () => {
    const unknown = await run(['elbv2', 'describe-target-groups', '--bogus']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--bogus'/);
    const missing = await run(['elbv2', 'register-targets', '--targets', 'Id=a']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the following arguments are required: --target-group-arn/);
    const bad = await run(['elbv2', 'register-targets', '--target-group-arn', 'x', '--targets', 'Id=a,Port=http']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Error parsing parameter '--targets'/);
  });

  test('no credentials: exit 253; an endpoint that refuses: exit 255', async () => {
    const none = await run(['elbv2', 'describe-target-groups'], {});
    assert.equal(none.code, 253);
    assert.match(none.stderr, /Unable to locate credentials/);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    let stderr = '';
    let code: number | undefined;
    const program = new Command('albatross');
    registerApiCommands(program, { out: () => undefined, err: (t) => (stderr += t), env: { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET }, home, exit: (c) => (code = c) });
    await program.parseAsync(['elbv2', 'describe-target-groups', '--endpoint-url', `http://127.0.0.1:${port}`], { from: 'user' });
    assert.equal(code, 255);
    assert.equal(stderr, `\nCould not connect to the endpoint URL: "http://127.0.0.1:${port}/"\n`);
  });

  test('--help lists every option with its description', async () => {
    const r = await run(['elbv2', 'create-target-group', '--help']);
    assert.equal(r.code, 0);
    for (const option of ['--name <value>', '--health-check-path <value>', '--port <integer>', '--matcher <value>', '--no-health-check-enabled', '--output <format>', '--endpoint-url <url>', '--profile <name>']) {
      assert.ok(r.stdout.includes(option), `${option} in:\n${r.stdout}`);
    }
    assert.match(r.stdout, /--health-check-path <value> +the path health checks request \(default: \/\)/);
  });
});
