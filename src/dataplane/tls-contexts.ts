/**
 * TLS for HTTPS listeners, built once per snapshot: the server options of the default
 * certificate with the security policy's protocol range and ciphers, and an SNI index from host
 * names (exact, then `*.` wildcard one label deep) to secure contexts. A handshake costs one map
 * lookup.
 */
import { createHash, hkdfSync } from 'node:crypto';
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

/** What lets a TLS session resume on any worker: the same ticket keys and session id context. */
export interface TlsSessionKeys {
  ticketKeys: Buffer;
  sessionIdContext: string;
}

/** One listener's session keys, from the node's ticket secret: a session resumes only where it began. */
export function listenerSessionKeys(secret: Buffer, listenerArn: string): TlsSessionKeys {
  return {
    ticketKeys: Buffer.from(hkdfSync('sha256', secret, '', `albatross tls session tickets ${listenerArn}`, 48)),
    sessionIdContext: createHash('sha256').update(listenerArn).digest('hex').slice(0, 32),
  };
}

/** Identifies the material, so a snapshot that changed nothing builds no secure context. */
export function tlsFingerprint(t: ListenerTls, session: TlsSessionKeys | undefined): string {
  return [t.policyName, session?.ticketKeys.toString('hex') ?? '', ...t.certificates.map((c) => `${c.arn}\n${c.cert}`)].join('\n');
}

/** `session` undefined: Node's own keys, random per server (one process, or a test). */
export function buildTls(t: ListenerTls, session?: TlsSessionKeys): TlsSetup {
  const policy = {
    minVersion: t.minVersion,
    maxVersion: t.maxVersion,
    ciphers: t.ciphers,
    honorCipherOrder: true,
    ...session,
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
    fingerprint: tlsFingerprint(t, session),
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
