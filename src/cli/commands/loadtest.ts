/**
 * `albatross loadtest <url>`: HTTP load through a listener, with the targets that answered told
 * apart by a response header. Exit codes: 0 every request succeeded, 1 some failed (or the run
 * could not start), 2 usage.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { runLoadTestInConsole } from '../../loadtest/index.ts';

/** The parsed options of `albatross loadtest`. */
interface LoadtestCommandOptions {
  duration: number;
  connections: number;
  rate?: number;
  method: string;
  body?: string;
  header?: string[];
  timeout: number;
  targetHeader: string;
  adminUrl?: string;
  report?: string;
  json?: boolean;
}

function positive(max: number, integer: boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`must be ${integer ? 'an integer' : 'a number'} above 0 and at most ${max}`);
    }
    return n;
  };
}

function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be a URL such as http://127.0.0.1:8000/');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('must be an http:// or https:// URL');
  return url.href;
}

function collectHeader(value: string, previous: string[] | undefined): string[] {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:/.test(value)) throw new InvalidArgumentError('must be "name: value"');
  return [...(previous ?? []), value];
}

/** `["a: 1", "b:2"]` → `{ a: "1", b: "2" }`. */
function parseHeaders(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return out;
}

/** Adds `loadtest <url>` to the program. */
export function registerLoadtest(program: Command): void {
  const cmd = program
    .command('loadtest')
    .description('send HTTP load to a URL and report requests/s, latency, errors by kind and the requests each target answered over time')
    .argument('<url>', 'where to send the requests, usually a listener: http://127.0.0.1:8000/', httpUrl)
    .option('-d, --duration <seconds>', 'how long to run', positive(86_400, false), 10)
    .option('-c, --connections <n>', 'concurrent connections, each with one request at a time', positive(10_000, true), 10)
    .option('-r, --rate <n>', 'at most this many requests per second over all connections (default: as fast as they go)', positive(1_000_000, true))
    .option('-m, --method <method>', 'request method', 'GET')
    .option('-b, --body <text>', 'request body')
    .option('-H, --header <name: value>', 'a request header (repeat for more)', collectHeader)
    .option('--timeout <seconds>', 'a request without a response after this long counts as a timeout', positive(3600, false), 10)
    .option('--target-header <name>', 'the response header naming the target that answered', 'x-albatross-target')
    .option('--admin-url <url>', "the admin endpoint (http://127.0.0.1:8400/): its /status is read for target health changes", httpUrl)
    .option('--report <file.html>', 'also write a self-contained HTML report with charts')
    .option('--json', 'print the report as one JSON document');
  cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  cmd.action(async (url: string, opts: LoadtestCommandOptions) => {
    try {
      const report = await runLoadTestInConsole({
        url,
        durationSeconds: opts.duration,
        connections: opts.connections,
        ...(opts.rate !== undefined ? { rate: opts.rate } : {}),
        method: opts.method.toUpperCase(),
        ...(opts.body !== undefined ? { body: opts.body } : {}),
        headers: parseHeaders(opts.header ?? []),
        timeoutSeconds: opts.timeout,
        targetHeader: opts.targetHeader,
        ...(opts.adminUrl !== undefined ? { adminUrl: opts.adminUrl } : {}),
        json: opts.json ?? false,
        ...(opts.report !== undefined ? { reportFile: opts.report } : {}),
      });
      process.exitCode = report.errors.total > 0 ? 1 : 0;
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });
}
