/**
 * The peers of https-throughput.ts: nginx and Albatross terminating TLS with the same
 * certificate, plain keep-alive HTTP to the same two targets.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  albatrossVersion,
  ready,
  requireAlbatrossCli,
  SkipPeer,
  startAlbatrossServe,
  startNginx,
  waitHealthy,
  type CertFiles,
  type PeerContext,
  type StartedPeer,
} from './peers.ts';
import { HOST, signalGroup, sleep, startServer, tail, waitReady, type ServerProc } from './procs.ts';

export interface HttpsPeerContext extends PeerContext {
  cert: CertFiles;
}

export interface HttpsPeer {
  name: string;
  what: string;
  start(ctx: HttpsPeerContext, port: number): Promise<StartedPeer>;
}

/** The TLS policy of Albatross's listener: TLS 1.2 and 1.3, the console's default. */
export const SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

export const nginxHttps: HttpsPeer = {
  name: 'nginx',
  what: 'Debian nginx, worker_processes 1, TLS 1.2/1.3, no session resumption, upstream keepalive 128',
  start: (ctx, port) => startNginx(ctx, port, { dirName: 'nginx-https', tls: ctx.cert, by: 'bench/https-throughput.ts' }),
};

/** The admin endpoint `serve` prints: "albatross: admin endpoint http://127.0.0.1:PORT/". */
async function adminEndpoint(proc: ServerProc, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exit != null) break;
    let log = '';
    try {
      log = readFileSync(proc.logPath, 'utf8');
    } catch {
      /* not written yet */
    }
    const m = /admin endpoint (http:\/\/[^\s/]+)\//.exec(log);
    if (m) return m[1]!;
    await sleep(100);
  }
  const why = proc.exit != null ? `exited (${proc.exit})` : `printed no admin endpoint within ${timeoutMs / 1000} s`;
  throw new SkipPeer(`albatross serve ${why}\n--- ${proc.logPath} (tail) ---\n${tail(proc.logPath)}`);
}

/**
 * `serve` on an empty data dir, then the same calls a user makes with the CLI against the
 * admin API: upload-server-certificate, create-target-group (health check /status every 5 s,
 * thresholds 2/2), register-targets, create-load-balancer (internal: binds 127.0.0.1) and an
 * HTTPS create-listener with ELBSecurityPolicy-TLS13-1-2-2021-06.
 */
export const albatrossHttps: HttpsPeer = {
  name: 'albatross',
  what: `Albatross \`serve --workers 1\`, HTTPS listener (${SSL_POLICY}) created through the admin API with the albatross CLI`,
  async start(ctx, port) {
    const cli = requireAlbatrossCli(ctx);
    const dir = join(ctx.tmpDir, 'albatross-https');
    const proc = startAlbatrossServe(ctx, dir);
    try {
      const endpoint = await adminEndpoint(proc, 30_000);
      if (!existsSync(join(dir, 'admin-credentials'))) throw new SkipPeer(`${dir}/admin-credentials was not written`);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const call = (...args: string[]): any => {
        try {
          const out = execFileSync(
            process.execPath,
            [cli, ...args, '--endpoint-url', endpoint, '--data-dir', dir, '--output', 'json'],
            { cwd: ctx.repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 },
          );
          return out.trim() === '' ? {} : JSON.parse(out); // register-targets prints nothing
        } catch (err) {
          const e = err as { stdout?: string; stderr?: string; message: string };
          const out = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim() || e.message;
          throw new SkipPeer(`\`albatross ${args.slice(0, 2).join(' ')}\` failed:\n${out.split('\n').slice(-10).join('\n')}`);
        }
      };
      const certArn: string = call(
        'iam', 'upload-server-certificate', '--server-certificate-name', 'bench',
        '--certificate-body', `file://${ctx.cert.certFile}`, '--private-key', `file://${ctx.cert.keyFile}`,
      ).ServerCertificateMetadata.Arn;
      const [t1, t2] = ctx.targets;
      const tgArn: string = call(
        'elbv2', 'create-target-group', '--name', 'bench-tg', '--protocol', 'HTTP', '--port', String(t1!.port),
        '--health-check-path', '/status', '--health-check-interval-seconds', '5', '--health-check-timeout-seconds', '2',
        '--healthy-threshold-count', '2', '--unhealthy-threshold-count', '2',
      ).TargetGroups[0].TargetGroupArn;
      call('elbv2', 'register-targets', '--target-group-arn', tgArn, '--targets',
        `Id=${HOST},Port=${t1!.port}`, `Id=${HOST},Port=${t2!.port}`);
      const lbArn: string = call('elbv2', 'create-load-balancer', '--name', 'bench-alb', '--scheme', 'internal')
        .LoadBalancers[0].LoadBalancerArn;
      call('elbv2', 'create-listener', '--load-balancer-arn', lbArn, '--protocol', 'HTTPS', '--port', String(port),
        '--certificates', `CertificateArn=${certArn}`, '--ssl-policy', SSL_POLICY,
        '--default-actions', `Type=forward,TargetGroupArn=${tgArn}`);
      await ready(proc, port, ctx, 30_000, 'https');
      const note = await waitHealthy(cli, dir, ctx, 25_000);
      return { port, proc, version: albatrossVersion(ctx), note };
    } catch (err) {
      // The caller only learns about the process from a successful start: stop it here.
      signalGroup(proc.pid, 'SIGKILL');
      throw err;
    }
  },
};

/** Not a proxy: Node's TLS ceiling on this machine (see peers/node-tls-peer.mjs). */
export const nodeTls: HttpsPeer = {
  name: 'node',
  what: 'bare node:https answering /status itself (no proxy): the ceiling for a Node TLS server',
  async start(ctx, port) {
    const proc = startServer('node-tls', process.execPath, [join(ctx.benchDir, 'peers/node-tls-peer.mjs'), String(port), ctx.cert.certFile, ctx.cert.keyFile], {
      cpu: ctx.serverCpu,
      logPath: join(ctx.tmpDir, 'node-tls.log'),
    });
    try {
      await waitReady(port, [], 10_000, proc, 'https');
    } catch (err) {
      signalGroup(proc.pid, 'SIGKILL');
      throw new SkipPeer(`${(err as Error).message}\n--- ${proc.logPath} (tail) ---\n${tail(proc.logPath)}`);
    }
    return { port, proc, version: `node ${process.version} node:https, no proxy` };
  },
};

/** Every peer; `defaultHttpsPeers` are measured unless --only says otherwise. */
export const allHttpsPeers: HttpsPeer[] = [nginxHttps, albatrossHttps, nodeTls];
export const defaultHttpsPeers: HttpsPeer[] = [nginxHttps, albatrossHttps];
