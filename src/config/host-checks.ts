/**
 * Checks of the configuration against this machine, which the file and the store cannot show:
 * whether a new listener's port is free, and whether an instance target's host name resolves.
 * They run before the apply transaction (they take time and must not hold the store's lock).
 */
import type { Problems } from '../model/index.ts';
import { probePort, unresolvedHosts, type HostLookup, type PortProbe } from '../lib/host-checks.ts';

export { probePort, type HostLookup, type PortProbe };

export interface HostCheckOptions {
  probePort?: PortProbe;
  lookupHost?: HostLookup;
  /** How long a host name may take to resolve; default 3000 ms. */
  lookupTimeoutMs?: number;
}

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

/** Reports each host name (at its path) that does not resolve within the timeout. */
export async function checkHostsResolve(
  hosts: ReadonlyArray<{ host: string; path: string }>,
  problems: Problems,
  options: HostCheckOptions = {},
): Promise<void> {
  const failures = await unresolvedHosts(hosts.map((h) => h.host), options.lookupTimeoutMs, options.lookupHost);
  for (const h of hosts) {
    const failure = failures.get(h.host);
    if (failure !== undefined) problems.add(h.path, `target '${h.host}' does not resolve (${failure})`, 'InvalidTarget');
  }
}
