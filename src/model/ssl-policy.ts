/**
 * ALB's predefined security policies (spec §5): for each name, the TLS protocol versions and the
 * ciphers (OpenSSL names, in priority order) that DescribeSSLPolicies shows, and the TLS version
 * range a listener's TLS context is built with. Custom policies do not exist on ALB, so none here.
 *
 * Source: the "Security policies for your Application Load Balancer" tables (TLS, FIPS and FS
 * policies). The `-PQ-2025-09` policies add hybrid post-quantum key exchange groups and keep the
 * protocols and ciphers of the policy without `PQ`.
 */

export type TlsProtocol = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface SslCipher {
  /** OpenSSL name (`ECDHE-RSA-AES128-GCM-SHA256`; TLS 1.3 suites keep their IANA names). */
  name: string;
  /** 1 is the most preferred. */
  priority: number;
}

export interface SslPolicy {
  name: string;
  /** As DescribeSSLPolicies lists them, oldest first. */
  sslProtocols: TlsProtocol[];
  ciphers: SslCipher[];
  /** The range for Node's `tls` options (`minVersion` / `maxVersion` take the same names). */
  minVersion: TlsProtocol;
  maxVersion: TlsProtocol;
  fips: boolean;
  postQuantum: boolean;
  supportedLoadBalancerTypes: Array<'application' | 'network'>;
}

/** The policy HTTPS listeners get when CreateListener names none (as the AWS CLI's default). */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';
/** The policy the console suggests. */
export const CONSOLE_DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

// Cipher groups, named after what they add.
const tls13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const tls13Fips = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'];
const ecdheGcm128 = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'];
const ecdheSha256 = ['ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256'];
const ecdheSha128 = ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA'];
const ecdheGcm256 = ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'];
const ecdheSha384 = ['ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384'];
const ecdheSha256Ecdsa = ['ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA'];
const ecdheSha256Rsa = ['ECDHE-RSA-AES256-SHA', 'ECDHE-ECDSA-AES256-SHA'];
const rsaSha2 = ['AES128-GCM-SHA256', 'AES128-SHA256', 'AES256-GCM-SHA384', 'AES256-SHA256'];
const rsaAll = ['AES128-GCM-SHA256', 'AES128-SHA256', 'AES128-SHA', 'AES256-GCM-SHA384', 'AES256-SHA256', 'AES256-SHA'];

/** ECDHE with GCM only (the `Res` policies). */
const ecdheRestricted = [...ecdheGcm128, ...ecdheGcm256];
/** ECDHE with GCM and SHA-2 CBC. */
const ecdheSha2 = [...ecdheGcm128, ...ecdheSha256, ...ecdheGcm256, ...ecdheSha384];
/** Every ECDHE suite, SHA-1 CBC included (the TLS table's order). */
const ecdheAll = [...ecdheGcm128, ...ecdheSha256, ...ecdheSha128, ...ecdheGcm256, ...ecdheSha384, ...ecdheSha256Ecdsa];
/** Every ECDHE suite, in the FIPS and FS tables' order. */
const ecdheAllRsaFirst = [...ecdheGcm128, ...ecdheSha256, ...ecdheSha128, ...ecdheGcm256, ...ecdheSha384, ...ecdheSha256Rsa];
/** What ELBSecurityPolicy-2016-08 and the other legacy TLS 1.2 policies offer. */
const legacy = [...ecdheAll, ...rsaAll];

const tls13Only: TlsProtocol[] = ['TLSv1.3'];
const from12: TlsProtocol[] = ['TLSv1.2', 'TLSv1.3'];
const from11: TlsProtocol[] = ['TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const from10: TlsProtocol[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** [name, protocols, ciphers] in the docs' order: TLS, FIPS, FS; PQ variants follow. */
const table: ReadonlyArray<readonly [string, readonly TlsProtocol[], readonly string[]]> = [
  ['ELBSecurityPolicy-TLS13-1-3-2021-06', tls13Only, tls13],
  ['ELBSecurityPolicy-TLS13-1-2-2021-06', from12, [...tls13, ...ecdheSha2]],
  ['ELBSecurityPolicy-TLS13-1-2-Res-2021-06', from12, [...tls13, ...ecdheRestricted]],
  ['ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06', from12, [...tls13, ...legacy]],
  ['ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06', from12, [...tls13, ...ecdheSha2, ...rsaSha2]],
  ['ELBSecurityPolicy-TLS13-1-1-2021-06', from11, [...tls13, ...legacy]],
  ['ELBSecurityPolicy-TLS13-1-0-2021-06', from10, [...tls13, ...legacy]],
  ['ELBSecurityPolicy-TLS-1-2-Ext-2018-06', ['TLSv1.2'], legacy],
  ['ELBSecurityPolicy-TLS-1-2-2017-01', ['TLSv1.2'], [...ecdheSha2, ...rsaSha2]],
  ['ELBSecurityPolicy-TLS-1-1-2017-01', ['TLSv1.1', 'TLSv1.2'], legacy],
  ['ELBSecurityPolicy-2016-08', ['TLSv1', 'TLSv1.1', 'TLSv1.2'], legacy],

  ['ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04', tls13Only, tls13Fips],
  ['ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04', from12, [...tls13Fips, ...ecdheSha2]],
  ['ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04', from12, [...tls13Fips, ...ecdheRestricted]],
  ['ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04', from12, [...tls13Fips, ...ecdheAllRsaFirst, ...rsaAll]],
  ['ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04', from12, [...tls13Fips, ...ecdheSha2, ...rsaSha2]],
  ['ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04', from12, [...tls13Fips, ...ecdheAllRsaFirst]],
  ['ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04', from11, [...tls13Fips, ...ecdheAllRsaFirst, ...rsaAll]],
  ['ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04', from10, [...tls13Fips, ...ecdheAllRsaFirst, ...rsaAll]],

  ['ELBSecurityPolicy-FS-1-2-Res-2020-10', ['TLSv1.2'], ecdheRestricted],
  ['ELBSecurityPolicy-FS-1-2-Res-2019-08', ['TLSv1.2'], ecdheSha2],
  ['ELBSecurityPolicy-FS-1-2-2019-08', ['TLSv1.2'], ecdheAllRsaFirst],
  ['ELBSecurityPolicy-FS-1-1-2019-08', ['TLSv1.1', 'TLSv1.2'], ecdheAllRsaFirst],
  ['ELBSecurityPolicy-FS-2018-06', ['TLSv1', 'TLSv1.1', 'TLSv1.2'], ecdheAllRsaFirst],
];

/** The 2025-09 post-quantum variants, each with the policy it mirrors. */
const pqVariants: ReadonlyArray<readonly [string, string]> = [
  ['ELBSecurityPolicy-TLS13-1-3-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-3-2021-06'],
  ['ELBSecurityPolicy-TLS13-1-2-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-2-2021-06'],
  ['ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06'],
  ['ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06'],
  ['ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06'],
  ['ELBSecurityPolicy-TLS13-1-0-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-0-2021-06'],
  ['ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04'],
  ['ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04'],
  ['ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04'],
  ['ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04'],
  ['ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04'],
  ['ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04'],
  ['ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04'],
];

function policy(name: string, protocols: readonly TlsProtocol[], ciphers: readonly string[], postQuantum = false): SslPolicy {
  return {
    name,
    sslProtocols: [...protocols],
    ciphers: ciphers.map((c, i) => ({ name: c, priority: i + 1 })),
    minVersion: protocols[0]!,
    maxVersion: protocols[protocols.length - 1]!,
    fips: name.includes('-FIPS-'),
    postQuantum,
    supportedLoadBalancerTypes: ['application', 'network'],
  };
}

const base = table.map(([name, protocols, ciphers]) => policy(name, protocols, ciphers));
const byBaseName = new Map(base.map((p) => [p.name, p]));

/** Every predefined policy, in the order DescribeSSLPolicies lists them. */
export const sslPolicies: readonly SslPolicy[] = [
  ...base,
  ...pqVariants.map(([name, of]) => {
    const mirrored = byBaseName.get(of)!;
    return policy(name, mirrored.sslProtocols, mirrored.ciphers.map((c) => c.name), true);
  }),
];

const byName = new Map(sslPolicies.map((p) => [p.name, p]));

export function findSslPolicy(name: string): SslPolicy | undefined {
  return byName.get(name);
}

/** Node's `ciphers` option: TLS 1.3 suites and OpenSSL names in priority order, `:`-separated. */
export function nodeCipherList(p: SslPolicy): string {
  return p.ciphers.map((c) => c.name).join(':');
}
