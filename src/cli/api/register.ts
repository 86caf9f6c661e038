/**
 * `albatross elbv2|iam|ec2 <command>`: the API actions for people without the AWS CLI, built
 * from the command table (commands.ts). Each command has one `--kebab-case` option per
 * parameter (as the AWS CLI names them), `--target-group-name`/`--load-balancer-name` wherever a
 * target group or load balancer ARN is asked for, and the common options: `--output table|json`,
 * `--endpoint-url`, `--profile`, `--region`, `--data-dir`, `--cli-input-json`.
 *
 * Exit codes, as the AWS CLI's where it has one: 0 done; 2 usage (unknown option, bad value,
 * missing parameter); 253 no credentials; 254 the API answered with an error; 255 anything else
 * (endpoint unreachable, unknown profile).
 */
import { Option, type Command, type CommanderError } from 'commander';
import { defaultDataDir } from '../options.ts';
import { apiCommands, inputShape, kebabName, services, type ApiCommandSpec, type ServiceName } from './commands.ts';
import type { QueryClient } from './client.ts';
import { ApiError, EndpointError } from './errors.ts';
import { CredentialsError, resolveCredentials, type ResolvedCredentials } from './credentials.ts';
import { ParamError, readArgument, readInputJson, type JsonObject, type JsonValue } from './shorthand.ts';
import { arr, objs, text } from './render.ts';
import type { Shape } from './shapes.ts';

export const DEFAULT_ENDPOINT_URL = 'http://127.0.0.1:8400';

export const EXIT_USAGE = 2;
export const EXIT_NO_CREDENTIALS = 253;
export const EXIT_API_ERROR = 254;
export const EXIT_OTHER = 255;

/** Where a command writes and what it reads from its surroundings; injectable for tests. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Home directory for `~/.aws` (default: the user's). */
  home?: string;
  /**
   * Told the exit code when a command has run (default: it becomes `process.exitCode`) or could
   * not be parsed (default: `process.exit`; with this set, the parse rejects after the call).
   */
  exit?: (code: number) => void;
}

export const processIo: CommandIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
};

/** The common options, as parsed. */
export interface CommonOptions {
  output: 'table' | 'json';
  endpointUrl: string;
  profile?: string;
  region?: string;
  dataDir: string;
  cliInputJson?: string;
}

/** Thrown for a usage problem found after parsing (a missing parameter, a bad value). */
class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Options of a command

/** How one option maps to the action's input. */
export interface OptionBinding {
  member: string;
  shape: Shape;
  flag: string;
  /** Commander's attribute name. */
  attribute: string;
}

/** Name aliases: an option taking a name, resolved to the ARN a member asks for. */
const nameAliases: Readonly<Record<string, { flag: string; describeAction: string; resultKey: string; arnKey: string; what: string }>> = {
  TargetGroupArn: {
    flag: '--target-group-name',
    describeAction: 'DescribeTargetGroups',
    resultKey: 'TargetGroups',
    arnKey: 'TargetGroupArn',
    what: 'target group',
  },
  LoadBalancerArn: {
    flag: '--load-balancer-name',
    describeAction: 'DescribeLoadBalancers',
    resultKey: 'LoadBalancers',
    arnKey: 'LoadBalancerArn',
    what: 'load balancer',
  },
};

function optionFor(member: string, shape: Shape, doc: string, required: boolean): Option[] {
  const flag = `--${kebabName(member)}`;
  const alias = nameAliases[member];
  const suffix = !required ? '' : alias && shape.type === 'string' ? ` (required, or ${alias.flag})` : ' (required)';
  if (shape.type === 'boolean') {
    return [new Option(flag, `${doc}${suffix}`), new Option(`--no-${kebabName(member)}`, `the opposite of ${flag}`)];
  }
  const arg = shape.type === 'list' ? '<value...>' : shape.type === 'integer' || shape.type === 'long' ? '<integer>' : '<value>';
  return [new Option(`${flag} ${arg}`, `${doc}${suffix}`)];
}

/** The EC2 shortcuts of the AWS CLI for one permission: `--protocol tcp --port 80 --cidr 0.0.0.0/0`. */
const ec2PermissionShortcuts = [
  new Option('--protocol <protocol>', 'shortcut for one rule: tcp, udp, icmp, or all'),
  new Option('--port <port>', 'shortcut for one rule: a port or a range, 80 or 8000-8100 (all: -1)'),
  new Option('--cidr <cidr>', 'shortcut for one rule: the source range, e.g. 0.0.0.0/0'),
  new Option('--source-group <group>', 'shortcut for one rule: the source security group (id or name)'),
  new Option('--group-owner <account>', "shortcut for one rule: the source group's account"),
];

function commonOptions(env: Readonly<Record<string, string | undefined>>): Option[] {
  return [
    new Option('--output <format>', 'table (for people) or json (the result with AWS member names)').choices(['table', 'json']).default('table'),
    new Option('--endpoint-url <url>', 'the admin endpoint of albatross serve').default(env.ALBATROSS_ENDPOINT_URL || DEFAULT_ENDPOINT_URL),
    new Option('--profile <name>', 'use this profile of ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE)'),
    new Option('--region <region>', 'the region to sign for (default: AWS_REGION, the profile, else local)'),
    new Option('--data-dir <dir>', 'the data directory of albatross serve: its admin-credentials are used when nothing else gives a key').default(
      env.ALBATROSS_DATA_DIR || defaultDataDir,
    ),
    new Option('--cli-input-json <json>', 'the parameters as a JSON object with AWS member names (or file://params.json); options given too win'),
  ];
}

// ---------------------------------------------------------------------------------------------
// Registering

/** Adds `elbv2`, `iam` and `ec2` with a subcommand per API action. */
export function registerApiCommands(program: Command, io: CommandIo = processIo): void {
  const usageExit = (err: CommanderError): never => {
    const code = err.exitCode === 0 ? 0 : EXIT_USAGE;
    if (io.exit === undefined) process.exit(code);
    io.exit(code);
    throw err;
  };
  const groups = new Map<ServiceName, Command>();
  for (const [name, info] of Object.entries(services) as Array<[ServiceName, (typeof services)[ServiceName]]>) {
    const group = program.command(name).description(info.description);
    group.exitOverride(usageExit);
    groups.set(name, group);
  }
  for (const spec of apiCommands) {
    const cmd = groups
      .get(spec.service)!
      .command(kebabName(spec.action))
      .summary(spec.description)
      .description(`${spec.description}\n(API action ${spec.action}, ${services[spec.service].signingName} ${services[spec.service].version})`);
    cmd.exitOverride(usageExit);
    const bindings = addOptions(cmd, spec, io.env);
    if (spec.examples !== undefined) {
      const prefix = `albatross ${spec.service} ${kebabName(spec.action)}`;
      cmd.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${prefix}${e === '' ? '' : ` ${e}`}`).join('\n')}`);
    }
    cmd.action(async (opts: Record<string, unknown>) => {
      let code: number;
      try {
        code = await runApiCommand(spec, opts, bindings, io);
      } catch (err) {
        // Not the API's error nor the user's: say what broke, exit as the AWS CLI does.
        io.err(`\n${(err as Error)?.stack ?? String(err)}\n`);
        code = EXIT_OTHER;
      }
      if (io.exit !== undefined) io.exit(code);
      else process.exitCode = code;
    });
  }
}

/** Adds a command's options; returns how they map to the input. */
function addOptions(cmd: Command, spec: ApiCommandSpec, env: Readonly<Record<string, string | undefined>>): OptionBinding[] {
  const bindings: OptionBinding[] = [];
  for (const [member, param] of Object.entries(spec.params)) {
    const options = optionFor(member, param.shape, param.doc, param.required === true);
    for (const o of options) cmd.addOption(o);
    bindings.push({ member, shape: param.shape, flag: options[0]!.long!, attribute: options[0]!.attributeName() });
    const alias = nameAliases[member];
    if (alias && param.shape.type === 'string') {
      const o = new Option(`${alias.flag} <name>`, `the ${alias.what} by name, instead of ${options[0]!.long}`);
      cmd.addOption(o);
    }
  }
  if (spec.action === 'AuthorizeSecurityGroupIngress' || spec.action === 'RevokeSecurityGroupIngress') {
    for (const o of ec2PermissionShortcuts) cmd.addOption(new Option(o.flags, o.description));
  }
  for (const o of commonOptions(env)) cmd.addOption(o);
  return bindings;
}

// ---------------------------------------------------------------------------------------------
// Running

/** The input of a command from its parsed options (no network). Throws ParamError/UsageError. */
export function buildInput(spec: ApiCommandSpec, opts: Record<string, unknown>, bindings: readonly OptionBinding[]): JsonObject {
  const shape = inputShape(spec);
  const input: JsonObject = typeof opts.cliInputJson === 'string' ? readInputJson(opts.cliInputJson, shape) : {};
  for (const b of bindings) {
    const raw = opts[b.attribute];
    if (raw === undefined) continue;
    if (b.shape.type === 'boolean') {
      input[b.member] = raw === true;
      continue;
    }
    input[b.member] = readArgument(raw as string | string[], b.shape, b.flag, b.member);
  }
  if (spec.action === 'AuthorizeSecurityGroupIngress' || spec.action === 'RevokeSecurityGroupIngress') {
    const permission = permissionFromShortcuts(opts);
    if (permission !== undefined) {
      if (input.IpPermissions !== undefined) throw new UsageError('--ip-permissions cannot be combined with --protocol/--port/--cidr/--source-group');
      input.IpPermissions = [permission];
    }
  }
  return input;
}

/** `--protocol tcp --port 80 --cidr 0.0.0.0/0` → one IpPermission, as the AWS CLI builds it. */
function permissionFromShortcuts(opts: Record<string, unknown>): JsonObject | undefined {
  const protocol = opts.protocol as string | undefined;
  const port = opts.port as string | undefined;
  const cidr = opts.cidr as string | undefined;
  const sourceGroup = opts.sourceGroup as string | undefined;
  const owner = opts.groupOwner as string | undefined;
  if ([protocol, port, cidr, sourceGroup, owner].every((v) => v === undefined)) return undefined;
  if (protocol === undefined) throw new UsageError('--protocol is required with --port, --cidr or --source-group');
  const permission: JsonObject = { IpProtocol: protocol === 'all' ? '-1' : protocol };
  if (port !== undefined) {
    const m = /^(-?\d+)(?:-(\d+))?$/.exec(port.trim());
    if (!m) throw new UsageError(`--port must be a port or a range such as 8000-8100, not '${port}'`);
    permission.FromPort = Number(m[1]);
    permission.ToPort = Number(m[2] ?? m[1]);
  }
  if (cidr !== undefined) permission.IpRanges = [{ CidrIp: cidr }];
  if (sourceGroup !== undefined) {
    const pair: JsonObject = sourceGroup.startsWith('sg-') ? { GroupId: sourceGroup } : { GroupName: sourceGroup };
    if (owner !== undefined) pair.UserId = owner;
    permission.UserIdGroupPairs = [pair];
  }
  return permission;
}

/** Runs one command with its parsed options; returns the exit code. */
export async function runApiCommand(
  spec: ApiCommandSpec,
  opts: Record<string, unknown>,
  bindings: readonly OptionBinding[],
  io: CommandIo = processIo,
): Promise<number> {
  const common = opts as unknown as CommonOptions;
  let input: JsonObject;
  try {
    input = buildInput(spec, opts, bindings);
  } catch (err) {
    if (err instanceof ParamError || err instanceof UsageError) {
      io.err(`${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }

  // Names given for ARNs: both at once is a mistake; a missing required one too.
  const pendingNames: Array<[string, string]> = [];
  for (const member of Object.keys(spec.params)) {
    const alias = nameAliases[member];
    if (!alias) continue;
    const name = opts[camel(alias.flag)] as string | undefined;
    if (name === undefined) continue;
    if (input[member] !== undefined) {
      io.err(`error: give ${alias.flag} or --${kebabName(member)}, not both\n`);
      return EXIT_USAGE;
    }
    pendingNames.push([member, name]);
  }
  const missing = Object.entries(spec.params)
    .filter(([member, p]) => p.required === true && input[member] === undefined && !pendingNames.some(([m]) => m === member))
    .map(([member]) => `--${kebabName(member)}`);
  if (missing.length > 0) {
    io.err(`error: the following arguments are required: ${missing.join(', ')}\n`);
    return EXIT_USAGE;
  }

  let credentials: ResolvedCredentials;
  let client: QueryClient;
  try {
    credentials = resolveCredentials({
      env: io.env,
      dataDir: common.dataDir,
      ...(common.profile !== undefined ? { profile: common.profile } : {}),
      ...(common.region !== undefined ? { region: common.region } : {}),
      ...(io.home !== undefined ? { home: io.home } : {}),
    });
    // Loaded here, so that the XML parser is read only by the commands that talk to the API.
    const { QueryClient } = await import('./client.ts');
    client = new QueryClient({ endpoint: common.endpointUrl, credentials, region: credentials.region });
  } catch (err) {
    if (err instanceof CredentialsError) {
      io.err(`\n${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof EndpointError) {
      io.err(`\n${err.message}\n`);
      return EXIT_OTHER;
    }
    throw err;
  }

  try {
    for (const [member, name] of pendingNames) input[member] = await resolveName(client, member, name);
    const result = await callAll(client, spec, input);
    const shown = common.output === 'json' ? formatJson(result) : spec.human(result, input);
    if (shown !== '') io.out(shown.endsWith('\n') ? shown : `${shown}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ApiError) {
      io.err(`\n${err.display}\n`);
      if (err.code === 'InvalidClientTokenId' || err.code === 'SignatureDoesNotMatch') {
        io.err(`(the access key ${credentials.accessKeyId} came from ${credentials.source})\n`);
      }
      return EXIT_API_ERROR;
    }
    if (err instanceof EndpointError) {
      io.err(`\n${err.message}\n`);
      return EXIT_OTHER;
    }
    throw err;
  }
}

function camel(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The ARN of a target group or load balancer by name, through its describe action. */
async function resolveName(client: QueryClient, member: string, name: string): Promise<string> {
  const alias = nameAliases[member]!;
  const spec = apiCommands.find((c) => c.action === alias.describeAction)!;
  const result = await client.call(services[spec.service], spec.action, { Names: [name] }, inputShape(spec), spec.output);
  const found = objs(result[alias.resultKey])[0];
  const arn = found === undefined ? '' : text(found[alias.arnKey]);
  if (arn === '') throw new ApiError('NotFound', `No ${alias.what} is named '${name}'.`, alias.describeAction, 400);
  return arn;
}

/**
 * Calls the action; for a paginated one without a starting marker, follows the markers and
 * returns every page's results together (as the AWS CLI does: only the result list).
 */
export async function callAll(client: QueryClient, spec: ApiCommandSpec, input: JsonObject): Promise<JsonObject> {
  const service = services[spec.service];
  const shape = inputShape(spec);
  const pg = spec.pagination;
  if (pg === undefined || input[pg.inputToken] !== undefined) return client.call(service, spec.action, input, shape, spec.output);
  const all: JsonValue[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const params = token === undefined ? input : { ...input, [pg.inputToken]: token };
    const page = await client.call(service, spec.action, params, shape, spec.output);
    all.push(...arr(page[pg.resultKey]));
    const more = pg.moreResults === undefined || page[pg.moreResults] === true;
    const next = page[pg.outputToken];
    if (!more || typeof next !== 'string' || next === '') break;
    if (seen.has(next)) throw new ApiError('PaginationError', `The same next token was received twice: ${next}`, spec.action, 200);
    seen.add(next);
    token = next;
  }
  return { [pg.resultKey]: all };
}

/** JSON as the AWS CLI prints it (4 spaces, non-ASCII kept); nothing for an empty result. */
export function formatJson(result: JsonObject): string {
  if (Object.keys(result).length === 0) return '';
  return `${JSON.stringify(result, null, 4)}\n`;
}
