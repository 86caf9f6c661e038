/** `albatross serve`: the supervisor in the primary process, the data plane in each worker. */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { addDataDirOption } from '../options.ts';
import { runSupervisor } from '../../node/supervisor.ts';
import { runWorker } from '../../node/worker.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('must be an integer from 1 to 256');
  return n;
}

function idleSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 43200) throw new InvalidArgumentError('must be a number of seconds from 1 to 43200');
  return n;
}

function hostPort(value: string): string {
  const colon = value.lastIndexOf(':');
  const port = Number(value.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be host:port, e.g. 127.0.0.1:8400');
  }
  return value;
}

export function registerServe(program: Command): void {
  addDataDirOption(
    program
      .command('serve')
      .description('run the load balancer: every listener in the store, health checks, the admin endpoint')
      .option('--workers <n>', 'data-plane worker processes (default: one per available core)', positiveInt)
      .option('--admin-listen <host:port>', 'admin endpoint address', hostPort, process.env.ALBATROSS_ADMIN_LISTEN ?? '127.0.0.1:8400')
      .option('--node <name>', "this node's name (a zone in ALB's terms)", 'local')
      .option(
        '--console-session-idle <seconds>',
        'sign a console session out after this long without use (default 3600; env ALBATROSS_CONSOLE_SESSION_IDLE_SECONDS)',
        idleSeconds,
      ),
  ).action(async (opts: { dataDir: string; workers?: number; adminListen: string; node: string; consoleSessionIdle?: number }) => {
    if (cluster.isWorker) {
      runWorker(opts.dataDir);
      return;
    }
    let consoleSessionIdle = opts.consoleSessionIdle;
    const idleFromEnv = process.env.ALBATROSS_CONSOLE_SESSION_IDLE_SECONDS;
    if (consoleSessionIdle === undefined && idleFromEnv !== undefined) {
      try {
        consoleSessionIdle = idleSeconds(idleFromEnv);
      } catch (err) {
        program.error(`error: ALBATROSS_CONSOLE_SESSION_IDLE_SECONDS ${(err as Error).message}`);
      }
    }
    await runSupervisor({
      dataDir: opts.dataDir,
      workers: opts.workers ?? availableParallelism(),
      adminListen: opts.adminListen,
      node: opts.node,
      ...(consoleSessionIdle !== undefined ? { consoleSessionIdleSeconds: consoleSessionIdle } : {}),
    });
  });
}
