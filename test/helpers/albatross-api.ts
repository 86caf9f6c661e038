/**
 * The admin API as a user reaches it: a real `albatross serve` (the build, `npm run build` first)
 * with the access key it creates at its first start, and the real AWS CLI v2 (/usr/bin/aws,
 * Debian's awscli — always that path, another `aws` may come first on PATH) pointed at it.
 *
 *   const api = await startApi();                       // serve, temp data dir, 1 worker
 *   t.after(() => api.stop());
 *   const r = await api.aws(['elbv2', 'describe-load-balancers']);
 *   assert.equal(r.code, 0, r.stderr);
 *   assert.deepEqual(r.json, { LoadBalancers: [] });
 *   const bad = await api.aws(['elbv2', 'delete-target-group', '--target-group-arn', 'arn:...']);
 *   assert.equal(awsErrorCode(bad), 'TargetGroupNotFound');
 *
 * For requests the CLI would never send (oversized bodies, unknown versions), `api.request()`
 * sends one Query request signed with the bootstrap key (or other credentials, or unsigned).
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { signSigV4, type SigningCredentials } from '../../src/controlplane/api/sigv4.ts';
import { AlbatrossServer, albatrossBin, tempDir } from './albatross.ts';
import { request, type HttpResponse } from './net.ts';
import { childEnv, spawnTracked } from './processes.ts';

export const AWS_CLI = '/usr/bin/aws';

/** Exit code of the AWS CLI v2 when the service answered with an error. */
export const AWS_CLI_SERVICE_ERROR = 254;

function requireAwsCli(): void {
  if (!existsSync(AWS_CLI)) throw new Error(`${AWS_CLI} is missing: apt-get install -y awscli`);
}

// ---------------------------------------------------------------------------------------------
// The AWS CLI

export interface AwsResult {
  /** Exit code: 0 success, 254 the service answered with an error, 252/255 CLI usage or other. */
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (`--output json`); undefined when empty or not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface AwsOptions {
  /** Extra environment; e.g. AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY to sign with another key. */
  env?: Record<string, string>;
  /** Kill the CLI after this long; default 60 s. */
  timeoutMs?: number;
}

export interface AwsTarget {
  /** `http://127.0.0.1:<port>` of the admin endpoint. */
  endpoint: string;
  /** A shared-credentials file (`[default]` profile); '/dev/null' to pass keys in `env` only. */
  credentialsFile: string;
}

/**
 * Runs `/usr/bin/aws <args> --endpoint-url <endpoint> --region local --output json` with
 * AWS_SHARED_CREDENTIALS_FILE=<credentialsFile>, AWS_CONFIG_FILE=/dev/null,
 * AWS_EC2_METADATA_DISABLED=true, AWS_PAGER='' and AWS_MAX_ATTEMPTS=1 (no retries, so a failed
 * call is sent once); AWS_* variables of this process are not passed on. Never throws for a
 * non-zero exit: check `code` and `awsErrorCode()`.
 */
export function runAws(args: readonly string[], opts: AwsOptions & AwsTarget): Promise<AwsResult> {
  requireAwsCli();
  const env = childEnv();
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  Object.assign(env, {
    LANG: 'C.UTF-8',
    AWS_SHARED_CREDENTIALS_FILE: opts.credentialsFile,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    AWS_CLI_AUTO_PROMPT: 'off',
    ...opts.env,
  });
  const argv = [...args, '--endpoint-url', opts.endpoint, '--region', 'local', '--output', 'json'];
  return new Promise((resolve) => {
    execFile(AWS_CLI, argv, { env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      let json: unknown;
      if (stdout.trim() !== '') {
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** The AWS error code the CLI printed (`An error occurred (Code) when calling ...`), if any. */
export function awsErrorCode(r: Pick<AwsResult, 'stderr'>): string | undefined {
  return /An error occurred \(([^)]+)\) when calling/.exec(r.stderr)?.[1];
}

// ---------------------------------------------------------------------------------------------
// Credentials

/** Reads the `[default]` keys of a shared-credentials file (e.g. `<data-dir>/admin-credentials`). */
export function readCredentials(file: string): SigningCredentials {
  const text = readFileSync(file, 'utf8');
  const get = (name: string): string => {
    const m = new RegExp(`^${name}\\s*=\\s*(\\S+)\\s*$`, 'm').exec(text);
    if (!m) throw new Error(`${file} has no ${name}`);
    return m[1]!;
  };
  return { accessKeyId: get('aws_access_key_id'), secretAccessKey: get('aws_secret_access_key') };
}

/** Environment that makes `runAws` sign with `credentials` instead of the credentials file. */
export function credentialsEnv(credentials: SigningCredentials): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey };
}

// ---------------------------------------------------------------------------------------------
// Raw Query requests

export interface QueryRequestOptions {
  /** SigV4 signing name: 'elasticloadbalancing' (default), 'iam', 'ec2'. */
  service?: string;
  /** Form body (e.g. 'Action=DescribeLoadBalancers&Version=2015-12-01'), sent as application/x-www-form-urlencoded. */
  body?: string | Buffer;
  method?: 'GET' | 'POST';
  /** Raw query string without '?'. */
  query?: string;
  /** Signing credentials; `null` sends the request unsigned. */
  credentials?: SigningCredentials | null;
  /** Clock of the signature; default now. */
  nowMs?: number;
  /** Extra headers, signed too. */
  headers?: Record<string, string>;
}

export interface QueryResponse extends HttpResponse {
  /** `<Code>` of an error response, if any. */
  code: string | undefined;
  /** `<RequestId>` (or EC2's `<RequestID>`/`<requestId>`) of the XML. */
  requestId: string | undefined;
}

/** Sends one Query request to `http://127.0.0.1:<port>/`, signed like the AWS CLI signs (header form). */
export async function queryRequest(port: number, credentials: SigningCredentials | null, opts: QueryRequestOptions = {}): Promise<QueryResponse> {
  const method = opts.method ?? 'POST';
  const query = opts.query ?? '';
  const body = opts.body ?? '';
  let headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...opts.headers };
  if (method === 'POST') headers['content-type'] ??= 'application/x-www-form-urlencoded; charset=utf-8';
  if (credentials !== null) {
    headers = signSigV4({ method, path: '/', query, headers, body }, credentials, {
      region: 'local',
      service: opts.service ?? 'elasticloadbalancing',
      nowMs: opts.nowMs ?? Date.now(),
    });
  }
  const res = await request(port, { method, path: query === '' ? '/' : `/?${query}`, headers, body });
  return {
    ...res,
    code: /<Code>([^<]*)<\/Code>/.exec(res.body)?.[1],
    requestId: /<(?:RequestId|RequestID|requestId)>([^<]*)<\//.exec(res.body)?.[1],
  };
}

// ---------------------------------------------------------------------------------------------
// `albatross serve` with its API

export interface ServeApiOptions {
  /** Data directory; default a new temp dir (removed by `removeTempDirs()` of albatross.ts). */
  dataDir?: string;
  /** Data-plane workers; default 1. */
  workers?: number;
  /** Extra environment for serve (e.g. ALBATROSS_MASTER_KEY). */
  env?: Record<string, string>;
}

/** Spawns `albatross serve --admin-listen 127.0.0.1:0` without waiting for anything (see startApi). */
export async function spawnServe(opts: ServeApiOptions = {}): Promise<AlbatrossServer> {
  if (!existsSync(albatrossBin)) throw new Error(`${albatrossBin} is missing: run 'npm run build' first`);
  const dataDir = opts.dataDir ?? join(await tempDir('albatross-api-'), 'data');
  const args = [albatrossBin, 'serve', '--data-dir', dataDir, '--admin-listen', '127.0.0.1:0', '--workers', String(opts.workers ?? 1)];
  return new AlbatrossServer(spawnTracked(process.execPath, args, { background: true, env: childEnv(opts.env ?? {}) }), dataDir);
}

export interface AlbatrossApi {
  server: AlbatrossServer;
  dataDir: string;
  port: number;
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** `<data-dir>/admin-credentials`, written by serve at its first start. */
  credentialsFile: string;
  /** The keys in that file. */
  credentials: SigningCredentials;
  /** The access key id serve printed it created at this start; undefined when the store had keys. */
  createdAccessKeyId: string | undefined;
  /** `runAws` against this server with the admin credentials. */
  aws(args: readonly string[], opts?: AwsOptions): Promise<AwsResult>;
  /** `queryRequest` against this server, signed with the admin credentials unless `credentials` says otherwise. */
  request(opts?: QueryRequestOptions): Promise<QueryResponse>;
  /** SIGTERM, then SIGKILL of the group after 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts `albatross serve` (admin endpoint on a free loopback port, 1 worker by default) and
 * waits until the admin endpoint is up. On a new data dir serve creates the `initial` access key
 * and `<data-dir>/admin-credentials`; on a reused one the file from its first start is used.
 */
export async function startApi(opts: ServeApiOptions = {}): Promise<AlbatrossApi> {
  const server = await spawnServe(opts);
  const m = await server.waitForLine(/^albatross: admin endpoint http:\/\/127\.0\.0\.1:(\d+)\/$/);
  const port = Number(m[1]);
  server.adminPort = port;
  const created = server.lines.map((l) => /^albatross: created access key (AKIA[A-Z0-9]{16}) /.exec(l)?.[1]).find(Boolean);
  const endpoint = `http://127.0.0.1:${port}`;
  const credentialsFile = join(server.dataDir, 'admin-credentials');
  const credentials = readCredentials(credentialsFile);
  return {
    server,
    dataDir: server.dataDir,
    port,
    endpoint,
    credentialsFile,
    credentials,
    createdAccessKeyId: created,
    aws: (args, o = {}) => runAws(args, { ...o, endpoint, credentialsFile }),
    request: (o = {}) => queryRequest(port, o.credentials === undefined ? credentials : o.credentials, o),
    stop: () => server.stop(),
  };
}
