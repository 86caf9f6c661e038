/**
 * `albatross demo [--failover]`: demo instances behind a load balancer, in one command (see
 * src/demo/demo.ts), and `albatross demo-target`, one demo instance on its own (what the demo
 * starts for each instance; also handy as a target of your own configuration).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { parseConfigText } from '../../config/config-file.ts';
import { applyConfig, readKnownResources } from '../../config/apply-config.ts';
import { SqliteStateStore } from '../../store/sqlite/sqlite-state-store.ts';
import { runDemo, type DemoConfig } from '../../demo/demo.ts';
import { startDemoTarget } from '../../demo/demo-target.ts';

interface DemoCommandOptions {
  instances: number;
  port?: number;
  failover?: boolean;
  duration: number;
  connections: number;
  workers: number;
  dataDir?: string;
  json?: boolean;
  report?: string;
}

function intIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

function instanceName(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) throw new InvalidArgumentError('must be 1 to 64 letters, digits, dots, dashes or underscores');
  return value;
}

/** Writes the demo's configuration into the embedded store, as `albatross apply` would. */
async function configure(dataDir: string, config: DemoConfig): Promise<void> {
  const store = new SqliteStateStore(dataDir);
  try {
    const desired = parseConfigText(JSON.stringify(config), { existing: await readKnownResources(store) });
    await applyConfig(store, desired);
  } finally {
    await store.close();
  }
}

/** Adds `demo` and `demo-target` to the program. */
export function registerDemo(program: Command): void {
  const demo = program
    .command('demo')
    .description('start demo instances behind a load balancer and print the URLs; --failover runs the tutorial\'s failover experiment with a load test')
    .option('--instances <n>', 'how many demo instances', intIn(1, 16), 2)
    .option('--port <port>', 'the listener port (default: a free one)', intIn(1, 65535))
    .option('--failover', 'run a load test; kill one instance at a third of it and restart it at two thirds; print the report')
    .option('--duration <seconds>', 'the load test duration, with --failover', intIn(3, 3600), 45)
    .option('--connections <n>', 'load test connections, with --failover', intIn(1, 1000), 10)
    .option('--workers <n>', 'data-plane workers of the load balancer', intIn(1, 64), 2)
    .option('--data-dir <dir>', 'where the store lives (default: a temporary directory, removed afterwards)')
    .option('--report <file.html>', 'with --failover, also write the HTML report')
    .option('--json', 'with --failover, print the report as one JSON document');
  demo.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  demo.action(async (opts: DemoCommandOptions) => {
    if (opts.failover && opts.instances < 2) {
      process.stderr.write('error: --failover needs at least 2 instances: one is killed, the others carry the load\n');
      process.exit(2);
    }
    try {
      process.exitCode = await runDemo(
        {
          instances: opts.instances,
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          failover: opts.failover ?? false,
          durationSeconds: opts.duration,
          connections: opts.connections,
          workers: opts.workers,
          ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
          json: opts.json ?? false,
          ...(opts.report !== undefined ? { reportFile: opts.report } : {}),
        },
        { cli: { command: process.execPath, args: [...process.execArgv, process.argv[1]!] }, configure },
      );
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });

  program
    .command('demo-target')
    .description('run one demo instance: GET /status answers OK, anything else a page naming the instance (and an x-albatross-target header)')
    .requiredOption('--port <port>', 'the port to listen on', intIn(1, 65535))
    .option('--name <name>', 'the instance name', instanceName, 'demo')
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .action(async (opts: { port: number; name: string; host: string }) => {
      try {
        await startDemoTarget(opts);
      } catch (err) {
        process.stderr.write(`error: cannot listen on ${opts.host}:${opts.port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
        process.exit(1);
      }
      process.stdout.write(`demo target ${opts.name} listening on http://${opts.host}:${opts.port}/\n`);
      if (process.send !== undefined) {
        // Started by `albatross demo`: it decides when this instance stops, and if it goes, this goes.
        process.on('SIGINT', () => undefined);
        process.on('disconnect', () => process.exit(0));
      } else {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
      }
    });
}
