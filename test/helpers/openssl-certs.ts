/**
 * Certificates made at test time with the real `openssl` CLI, the way the tutorial makes them
 * (`genrsa`, `req -new`, `x509 -req -signkey`), plus the awkward ones IAM must refuse: an
 * expired certificate (`openssl ca` with explicit -startdate/-enddate, as OpenSSL 3.0 has no
 * negative -days), an encrypted key, and a CA-signed certificate with its chain.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertFiles {
  dir: string;
  /** Paths, for `file://` arguments of the AWS CLI. */
  keyFile: string;
  certFile: string;
  key: string;
  cert: string;
}

export interface TestCerts {
  root: string;
  /** The tutorial's: `openssl genrsa` 2048, a CSR, self-signed for 365 days. */
  tutorial: CertFiles;
  /** Another key and certificate (its key does not match `tutorial`). */
  other: CertFiles;
  /** Self-signed, valid from 2020-01-01 to 2021-01-01. */
  expired: CertFiles;
  /** An ECDSA P-256 key and its certificate. */
  ec: CertFiles;
  /** RSA 512: it parses and matches, but Node's OpenSSL refuses to serve it (security level 1 wants 1024 bits and more). */
  weak: CertFiles;
  /** Signed by `ca`; the chain is `ca.cert`. */
  leaf: CertFiles;
  ca: CertFiles;
  /** An AES-encrypted private key (passphrase `secret`) and its certificate. */
  encrypted: CertFiles;
  cleanup(): void;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function files(dir: string, keyName = 'private.pem', certName = 'certificate.crt'): CertFiles {
  const keyFile = join(dir, keyName);
  const certFile = join(dir, certName);
  return { dir, keyFile, certFile, key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}

/** The tutorial's three commands in `dir`. */
function tutorialCert(dir: string, cn: string, keyArgs: string[] = ['genrsa', '-out', 'private.pem', '2048']): CertFiles {
  mkdirSync(dir, { recursive: true });
  openssl(dir, keyArgs);
  openssl(dir, ['req', '-new', '-key', 'private.pem', '-out', 'certificate.csr', '-subj', `/CN=${cn}`]);
  openssl(dir, ['x509', '-req', '-days', '365', '-in', 'certificate.csr', '-signkey', 'private.pem', '-out', 'certificate.crt']);
  return files(dir);
}

export function makeTestCerts(): TestCerts {
  const root = mkdtempSync(join(tmpdir(), 'albatross-certs-'));
  const tutorial = tutorialCert(join(root, 'tutorial'), 'tutorial.example.com');
  const other = tutorialCert(join(root, 'other'), 'other.example.com');
  const ec = tutorialCert(join(root, 'ec'), 'ec.example.com', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'private.pem']);
  const weak = tutorialCert(join(root, 'weak'), 'weak.example.com', ['genrsa', '-out', 'private.pem', '512']);

  // Expired: `openssl ca` accepts explicit validity dates.
  const expiredDir = join(root, 'expired');
  mkdirSync(expiredDir);
  openssl(expiredDir, ['genrsa', '-out', 'private.pem', '2048']);
  openssl(expiredDir, ['req', '-new', '-key', 'private.pem', '-out', 'certificate.csr', '-subj', '/CN=expired.example.com']);
  writeFileSync(join(expiredDir, 'index.txt'), '');
  writeFileSync(join(expiredDir, 'serial'), '01\n');
  writeFileSync(
    join(expiredDir, 'ca.cnf'),
    ['[ ca ]', 'default_ca = local', '[ local ]', 'dir = .', 'database = index.txt', 'new_certs_dir = .', 'serial = serial',
      'default_md = sha256', 'policy = any', 'unique_subject = no', '[ any ]', 'commonName = supplied', ''].join('\n'),
  );
  openssl(expiredDir, ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'private.pem', '-in', 'certificate.csr',
    '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-out', 'certificate.crt']);
  const expired = files(expiredDir);

  // A CA and a certificate it signs.
  const caDir = join(root, 'ca');
  mkdirSync(caDir);
  openssl(caDir, ['genrsa', '-out', 'private.pem', '2048']);
  openssl(caDir, ['req', '-x509', '-new', '-key', 'private.pem', '-days', '365', '-subj', '/CN=Albatross Test CA', '-out', 'certificate.crt']);
  const ca = files(caDir);
  const leafDir = join(root, 'leaf');
  mkdirSync(leafDir);
  openssl(leafDir, ['genrsa', '-out', 'private.pem', '2048']);
  openssl(leafDir, ['req', '-new', '-key', 'private.pem', '-out', 'certificate.csr', '-subj', '/CN=leaf.example.com']);
  openssl(leafDir, ['x509', '-req', '-days', '365', '-in', 'certificate.csr', '-CA', join(caDir, 'certificate.crt'), '-CAkey', join(caDir, 'private.pem'),
    '-set_serial', '2', '-out', 'certificate.crt']);
  const leaf = files(leafDir);

  // An encrypted key.
  const encDir = join(root, 'encrypted');
  mkdirSync(encDir);
  openssl(encDir, ['genrsa', '-aes256', '-passout', 'pass:secret', '-out', 'private.pem', '2048']);
  openssl(encDir, ['req', '-new', '-key', 'private.pem', '-passin', 'pass:secret', '-out', 'certificate.csr', '-subj', '/CN=enc.example.com']);
  openssl(encDir, ['x509', '-req', '-days', '365', '-in', 'certificate.csr', '-signkey', 'private.pem', '-passin', 'pass:secret', '-out', 'certificate.crt']);
  const encrypted = files(encDir);

  return { root, tutorial, other, expired, ec, weak, leaf, ca, encrypted, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The base64 lines of a PEM key (what must never appear anywhere in clear). */
export function pemBodyLines(pem: string): string[] {
  return pem.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('-----') && !l.includes(':'));
}
