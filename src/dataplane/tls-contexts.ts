/**
 * TLS for HTTPS listeners, built once per snapshot: the server options of the default
 * certificate with the security policy's protocol range and ciphers, and an SNI index from host
 * names (exact, then `*.` wildcard one label deep) to secure contexts. A handshake costs one map
 * lookup.
 */
import tls from 'node:tls';
import type { SecureContext, SecureContextOptions } from 'node:tls';
import type { ListenerTls } from '../snapshot/index.ts';

export interface TlsSetup {
  /** Options of the default certificate and policy: for `createSecureServer`/`setSecureContext`. */
  defaults: SecureContextOptions;
  exact: Map<string, SecureContext>;
  wildcard: Map<string, SecureContext>;
  /** Identifies the material, so a snapshot that changed nothing leaves the server alone. */
  fingerprint: string;
}

export function buildTls(t: ListenerTls): TlsSetup {
  const policy = {
    minVersion: t.minVersion,
    maxVersion: t.maxVersion,
    ciphers: t.ciphers,
    honorCipherOrder: true,
  } as const;
  const exact = new Map<string, SecureContext>();
  const wildcard = new Map<string, SecureContext>();
  for (const c of t.certificates) {
    const ctx = tls.createSecureContext({ ...policy, cert: c.cert, key: c.key });
    for (const name of c.names) {
      if (name.startsWith('*.')) {
        if (!wildcard.has(name.slice(2))) wildcard.set(name.slice(2), ctx);
      } else if (!exact.has(name)) {
        exact.set(name, ctx);
      }
    }
  }
  const first = t.certificates[0];
  return {
    defaults: first ? { ...policy, cert: first.cert, key: first.key } : policy,
    exact,
    wildcard,
    fingerprint: [t.policyName, ...t.certificates.map((c) => `${c.arn}\n${c.cert}`)].join('\n'),
  };
}

/** The context for an SNI name; undefined means the default certificate. */
export function contextForName(setup: TlsSetup, servername: string): SecureContext | undefined {
  const name = servername.toLowerCase();
  const exact = setup.exact.get(name);
  if (exact !== undefined) return exact;
  const dot = name.indexOf('.');
  return dot > 0 ? setup.wildcard.get(name.slice(dot + 1)) : undefined;
}
