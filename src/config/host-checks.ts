/**
 * Checks of the configuration against this machine, which the file and the store cannot show:
 * whether a new listener's port is free, and whether an instance target's host name resolves.
 * They run before the apply transaction (they take time and must not hold the store's lock).
 */
import { createServer } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { Problems } from '../model/index.ts';

/** Whether something on this host already listens on `port`. */
export type PortProbe = (port: number) => Promise<boolean>;
/** Resolves a host name; rejects (with an errno `code`) when it does not resolve. */
export type HostLookup = (host: string) => Promise<unknown>;

export interface HostCheckOptions {
  probePort?: PortProbe;
  lookupHost?: HostLookup;
  /** How long a host name may take to resolve; default 3000 ms. */
  lookupTimeoutMs?: number;
}

/**
 * Tries to bind `port` on all IPv4 addresses, as an internet-facing listener will, and lets go at
 * once. Only EADDRINUSE counts as "in use": EACCES (a port below 1024 for a non-root user) says
 * nothing about what `albatross serve`, perhaps run with more privilege, will be able to do.
 */
export const probePort: PortProbe = (port) =>
  new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE'));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(false)));
  });

/** Reports each port (at its path) that something else on this host already holds. */
export async function checkPortsFree(
  ports: ReadonlyArray<{ port: number; path: string }>,
  problems: Problems,
  probe: PortProbe = probePort,
): Promise<void> {
  const inUse = await Promise.all(ports.map((p) => probe(p.port)));
  ports.forEach((p, i) => {
    if (inUse[i]) problems.add(p.path, `port ${p.port} is already in use on this host`, 'DuplicateListener');
  });
}

/**
 * Reports each host name (at its path) that does not resolve within the timeout. Each name is
 * looked up once, all at the same time. A lookup cannot be cancelled; a slow one is abandoned.
 */
export async function checkHostsResolve(
  hosts: ReadonlyArray<{ host: string; path: string }>,
  problems: Problems,
  options: HostCheckOptions = {},
): Promise<void> {
  const lookupHost = options.lookupHost ?? ((host: string) => lookup(host));
  const timeoutMs = options.lookupTimeoutMs ?? 3000;
  const unique = [...new Set(hosts.map((h) => h.host))];
  const results = new Map<string, string | undefined>();
  await Promise.all(
    unique.map(async (host) => {
      results.set(host, await resolveWithin(lookupHost, host, timeoutMs));
    }),
  );
  for (const h of hosts) {
    const failure = results.get(h.host);
    if (failure !== undefined) problems.add(h.path, `target '${h.host}' does not resolve (${failure})`, 'InvalidTarget');
  }
}

/** Undefined when `host` resolves; otherwise why not. */
async function resolveWithin(lookupHost: HostLookup, host: string, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${Math.round(timeoutMs / 100) / 10} s`), timeoutMs);
    timer.unref();
  });
  const attempt = lookupHost(host).then(
    () => undefined,
    (err: NodeJS.ErrnoException) => err.code ?? err.message,
  );
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
