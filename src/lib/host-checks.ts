/**
 * Checks against this machine that neither a config file nor the store can show: whether a
 * port is free, whether a host name resolves. Used by `apply` and by the API before they write.
 */
import { createServer } from 'node:net';
import { lookup } from 'node:dns/promises';

/** Whether something on this host already listens on `port`. */
export type PortProbe = (port: number) => Promise<boolean>;
/** Resolves a host name; rejects (with an errno `code`) when it does not resolve. */
export type HostLookup = (host: string) => Promise<unknown>;

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

/**
 * Why each host name that does not resolve within the timeout fails (absent: it resolves). Each
 * name is looked up once, all at the same time; a slow lookup cannot be cancelled, only abandoned.
 */
export async function unresolvedHosts(
  hosts: Iterable<string>,
  timeoutMs = 3000,
  lookupHost: HostLookup = (host) => lookup(host),
): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  await Promise.all(
    [...new Set(hosts)].map(async (host) => {
      const failure = await resolveWithin(lookupHost, host, timeoutMs);
      if (failure !== undefined) failures.set(host, failure);
    }),
  );
  return failures;
}

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
