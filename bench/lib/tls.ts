/** The bench's TLS material and a look at what a listener negotiates, both with the openssl CLI. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HOST } from './procs.ts';
import type { CertFiles } from './peers.ts';

/**
 * A self-signed RSA-2048 certificate, as in the reference runs:
 * `openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=bench.albatross.local`.
 */
export function makeSelfSignedCert(dir: string): CertFiles {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=bench.albatross.local'],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 },
  );
  return { certFile, keyFile };
}

/** What `openssl s_client` negotiates with 127.0.0.1:port by default, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384 X25519". */
export function negotiated(port: number): string {
  const r = spawnSync('openssl', ['s_client', '-connect', `${HOST}:${port}`, '-brief'], {
    input: '',
    encoding: 'utf8',
    timeout: 10_000,
  });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const protocol = /Protocol version:\s*(\S+)/.exec(text)?.[1];
  if (!protocol) return `no TLS handshake (${text.trim().split('\n').slice(-1)[0] ?? 'no output'})`;
  const cipher = /Ciphersuite:\s*(\S+)/.exec(text)?.[1] ?? '?';
  const group = /Server Temp Key:\s*([^,\n]+)/.exec(text)?.[1] ?? '?';
  return `${protocol} ${cipher} ${group}`;
}
