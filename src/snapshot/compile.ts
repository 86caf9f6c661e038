/**
 * Desired state (store) → Snapshot. Pure apart from host-name resolution, which is injected so
 * that tests and other nodes can decide how names resolve.
 */
import { isIP } from 'node:net';
import { X509Certificate } from 'node:crypto';
import {
  DEFAULT_SSL_POLICY,
  bindAddress,
  findSslPolicy,
  nodeCipherList,
  readLoadBalancerSettings,
  readTargetGroupSettings,
  referencedTargetGroups,
  targetKey,
} from '../model/index.ts';
import type { Listener, SecurityGroup } from '../model/index.ts';
import type { StateStore, StoredServerCertificate } from '../store/state-store.ts';
import type { ListenerSnapshot, ListenerTls, Snapshot, TargetGroupSnapshot } from './snapshot.ts';

/** Resolves an `instance` target's host name to an address; undefined when it does not resolve. */
export type Resolve = (host: string) => Promise<string | undefined>;

/** Opens a certificate's sealed private key (the supervisor holds the master key). */
export type OpenPrivateKey = (stored: StoredServerCertificate) => string;

export async function compileSnapshot(store: StateStore, resolve: Resolve, openPrivateKey: OpenPrivateKey): Promise<Snapshot> {
  const { version, lbs, listeners, groups, certificates, rules, securityGroups } = await store.transaction(async (tx) => {
    const groupList = await tx.listTargetGroups();
    const withTargets = [];
    for (const tg of groupList) withTargets.push({ tg, targets: await tx.listTargets(tg.arn) });
    return {
      version: await store.configVersion(),
      lbs: await tx.listLoadBalancers(),
      listeners: await tx.listListeners(),
      groups: withTargets,
      certificates: await tx.listServerCertificates(),
      rules: await tx.listRules(),
      securityGroups: await tx.listSecurityGroups(),
    };
  });
  const certByArn = new Map(certificates.map((c) => [c.certificate.arn, c]));

  const lbByArn = new Map(lbs.map((lb) => [lb.arn, lb]));
  const listenerSnapshots: ListenerSnapshot[] = [];
  for (const l of listeners) {
    const lb = lbByArn.get(l.loadBalancerArn);
    if (!lb) continue;
    const own = rules.filter((r) => r.listenerArn === l.arn);
    listenerSnapshots.push({
      arn: l.arn,
      loadBalancerArn: lb.arn,
      loadBalancerName: lb.name,
      dnsName: lb.dnsName,
      protocol: l.protocol,
      port: l.port,
      bindAddress: bindAddress(lb),
      settings: readLoadBalancerSettings(lb.attributes),
      defaultActions: l.defaultActions,
      rules: own.map((r) => ({ priority: r.priority, conditions: r.conditions, actions: r.actions })),
      allowedSources: allowedSources(lb.securityGroups, securityGroups, l.port),
      tls: l.protocol === 'HTTPS' ? listenerTls(l, certByArn, openPrivateKey) : undefined,
    });
  }

  const used = targetGroupLoadBalancers(listenerSnapshots);
  const names = new Set<string>();
  for (const { targets } of groups) for (const t of targets) if (isIP(t.id) === 0) names.add(t.id);
  const resolved = new Map<string, string | undefined>();
  await Promise.all([...names].map(async (n) => resolved.set(n, await resolve(n))));

  const targetGroups: TargetGroupSnapshot[] = groups.map(({ tg, targets }) => ({
    arn: tg.arn,
    name: tg.name,
    protocol: tg.protocol,
    port: tg.port,
    settings: readTargetGroupSettings(tg.attributes),
    healthCheck: tg.healthCheck,
    inUse: used.has(tg.arn),
    targets: targets.map((t) => ({
      key: targetKey(t.id, t.port),
      id: t.id,
      port: t.port,
      address: isIP(t.id) !== 0 ? t.id : resolved.get(t.id),
      registeredAt: t.registeredAt,
      drainUntil: t.drainUntil,
    })),
  }));

  return { version, listeners: listenerSnapshots, targetGroups, stickinessKey: '', tlsTicketSecret: '' };
}

/** The TLS material of an HTTPS listener; certificates that are gone are skipped. */
function listenerTls(l: Listener, certByArn: ReadonlyMap<string, StoredServerCertificate>, openPrivateKey: OpenPrivateKey): ListenerTls {
  const policy = findSslPolicy(l.sslPolicy ?? DEFAULT_SSL_POLICY) ?? findSslPolicy(DEFAULT_SSL_POLICY)!;
  // OpenSSL 3 refuses TLS 1.0/1.1 handshakes above security level 0; policies that allow them need it.
  const legacy = policy.minVersion === 'TLSv1' || policy.minVersion === 'TLSv1.1';
  const certs = [];
  for (const { certificateArn } of l.certificates) {
    const stored = certByArn.get(certificateArn);
    if (stored === undefined) continue;
    const c = stored.certificate;
    certs.push({
      arn: c.arn,
      names: certificateNames(c.certificateBody),
      cert: c.certificateChain ? `${c.certificateBody.trim()}\n${c.certificateChain.trim()}\n` : c.certificateBody,
      key: openPrivateKey(stored),
    });
  }
  return {
    policyName: policy.name,
    minVersion: policy.minVersion,
    maxVersion: policy.maxVersion,
    ciphers: nodeCipherList(policy) + (legacy ? ':@SECLEVEL=0' : ''),
    certificates: certs,
  };
}

/** DNS names of a certificate: its subject alternative names, else its common name. */
function certificateNames(pem: string): string[] {
  const x509 = new X509Certificate(pem);
  const sans = (x509.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4).toLowerCase());
  if (sans.length > 0) return sans;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(x509.subject);
  return cn ? [cn[1]!.trim().toLowerCase()] : [];
}

/** The CIDRs whose inbound rules (tcp or all protocols) cover `port`; undefined without groups. */
function allowedSources(groupIds: readonly string[], all: readonly SecurityGroup[], port: number): string[] | undefined {
  if (groupIds.length === 0) return undefined;
  const out: string[] = [];
  for (const g of all) {
    if (!groupIds.includes(g.groupId)) continue;
    for (const p of g.ingress) {
      if (p.ipProtocol !== '-1' && p.ipProtocol !== 'tcp' && p.ipProtocol !== '6') continue;
      if (p.ipProtocol !== '-1' && (port < (p.fromPort ?? 0) || port > (p.toPort ?? 65535))) continue;
      for (const r of [...p.ipv4Ranges, ...p.ipv6Ranges]) out.push(r.cidr);
    }
  }
  return out;
}

/** Target group ARN → the load balancers whose listeners forward to it, by default action or rule. */
export function targetGroupLoadBalancers(listeners: readonly ListenerSnapshot[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of listeners) {
    for (const actions of [l.defaultActions, ...l.rules.map((r) => r.actions)]) {
      for (const arn of referencedTargetGroups(actions)) {
        const lbs = out.get(arn) ?? [];
        if (!lbs.includes(l.loadBalancerArn)) lbs.push(l.loadBalancerArn);
        out.set(arn, lbs);
      }
    }
  }
  return out;
}
