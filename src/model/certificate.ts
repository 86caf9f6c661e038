/**
 * Server certificates in the IAM-style certificate store: metadata and public material only.
 * The private key never appears in this shape; it is kept sealed beside it in the store.
 *
 * Checking an upload follows IAM: name and path rules, a PEM certificate body that parses (one
 * certificate), a private key that parses, is not encrypted and matches the certificate, an
 * optional chain of PEM certificates that parse and sign each other in order, and a certificate
 * that has not expired. Messages never quote the private key.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { AlbatrossError, Problems } from './errors.ts';

/** OpenSSL's default security level refuses to serve shorter RSA keys, under every policy but the legacy ones. */
const MIN_RSA_BITS = 1024;

export interface ServerCertificate {
  name: string;
  /** IAM's id: `ASCA` followed by 17 upper-case letters and digits. */
  id: string;
  arn: string;
  path: string;
  uploadedAt: number;
  /** Epoch ms at which the certificate stops being valid. */
  expiresAt: number;
  certificateBody: string;
  certificateChain?: string;
}

export function serverCertificateArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:server-certificate${path}${name}`;
}

/** IAM's limits for UploadServerCertificate. */
export const serverCertificateLimits = {
  nameLength: 128,
  pathLength: 512,
  bodyLength: 16384,
  privateKeyLength: 16384,
  chainLength: 2097152,
} as const;

const namePattern = /^[\w+=,.@-]+$/;
/** `/` alone, or `/` + printable ASCII (no space) + `/`. */
const pathPattern = /^(\/|\/[\x21-\x7f]+\/)$/;
/** IAM's characters for PEM parameters: tab, LF, CR and U+0020–U+00FF. */
const pemCharacters = /^[\t\n\r\x20-\xff]+$/;

export function checkServerCertificateName(name: unknown, problems: Problems, path: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    problems.add(path, 'The request must contain the parameter ServerCertificateName', 'MissingParameter');
  } else if (name.length > serverCertificateLimits.nameLength) {
    problems.add(path, `1 validation error detected: Value at 'serverCertificateName' failed to satisfy constraint: Member must have length less than or equal to ${serverCertificateLimits.nameLength}`);
  } else if (!namePattern.test(name)) {
    problems.add(path, `1 validation error detected: Value '${name}' at 'serverCertificateName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
  }
}

export function checkServerCertificatePath(value: unknown, problems: Problems, path: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > serverCertificateLimits.pathLength) {
    problems.add(path, `1 validation error detected: Value at 'path' failed to satisfy constraint: Member must have length between 1 and ${serverCertificateLimits.pathLength}`);
  } else if (!pathPattern.test(value)) {
    problems.add(path, `1 validation error detected: Value '${value}' at 'path' failed to satisfy constraint: Member must begin and end with '/' and contain only printable ASCII characters without spaces`);
  }
}

export interface ServerCertificateMaterial {
  certificateBody: string;
  privateKey: string;
  certificateChain?: string;
}

/** What IAM keeps of an upload: normalised PEM of the certificate and chain, and the validity. */
export interface ParsedServerCertificate {
  certificateBody: string;
  certificateChain?: string;
  notBefore: number;
  expiresAt: number;
  subject: string;
}

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks of a text, by label. */
function pemBlocks(text: string): Array<{ label: string; pem: string }> {
  return [...text.matchAll(pemBlock)].map((m) => ({ label: m[1]!, pem: m[0] }));
}

function malformed(message: string): AlbatrossError {
  return new AlbatrossError('MalformedCertificate', message);
}

/** Length and character checks of the three PEM parameters (ValidationError, as IAM's constraints). */
export function checkCertificateMaterialShape(m: Partial<ServerCertificateMaterial>, problems: Problems): void {
  const shape = (value: string | undefined, name: string, max: number, required: boolean): void => {
    if (value === undefined || value === '') {
      if (required) problems.add(name, `The request must contain the parameter ${name}`, 'MissingParameter');
      return;
    }
    if (value.length > max) {
      problems.add(name, `1 validation error detected: Value at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
    } else if (!pemCharacters.test(value)) {
      problems.add(name, `1 validation error detected: Value at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must contain only tab, line feed, carriage return and characters U+0020 to U+00FF`);
    }
  };
  shape(m.certificateBody, 'CertificateBody', serverCertificateLimits.bodyLength, true);
  shape(m.privateKey, 'PrivateKey', serverCertificateLimits.privateKeyLength, true);
  shape(m.certificateChain, 'CertificateChain', serverCertificateLimits.chainLength, false);
}

function parseCertificate(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw malformed(`Unable to parse ${what}. Please ensure the ${what} is in PEM format.`);
  }
}

/**
 * Parses and checks an upload: throws `MalformedCertificate` (unparsable body, key or chain, a
 * chain that does not sign the certificate, an expired certificate) or `KeyPairMismatch`.
 * `now` is epoch ms.
 */
export function parseServerCertificate(m: ServerCertificateMaterial, now: number): ParsedServerCertificate {
  const shapeProblems = new Problems();
  checkCertificateMaterialShape(m, shapeProblems);
  shapeProblems.throwIfAny();

  const bodyBlocks = pemBlocks(m.certificateBody);
  if (bodyBlocks.length === 0 || bodyBlocks[0]!.label !== 'CERTIFICATE') {
    throw malformed('Unable to parse certificate. Please ensure the certificate is in PEM format (-----BEGIN CERTIFICATE-----).');
  }
  if (bodyBlocks.length > 1) {
    throw malformed(
      bodyBlocks.some((b) => b.label !== 'CERTIFICATE')
        ? 'The certificate body must hold only the certificate: put the private key in PrivateKey and intermediate certificates in CertificateChain.'
        : 'The certificate body must hold exactly one certificate: put intermediate certificates in CertificateChain.',
    );
  }
  const cert = parseCertificate(bodyBlocks[0]!.pem, 'certificate');

  let chain: X509Certificate[] | undefined;
  if (m.certificateChain !== undefined && m.certificateChain !== '') {
    const blocks = pemBlocks(m.certificateChain);
    if (blocks.length === 0 || blocks.some((b) => b.label !== 'CERTIFICATE')) {
      throw malformed('Unable to parse certificate chain. Please ensure the chain holds only PEM certificates (-----BEGIN CERTIFICATE-----).');
    }
    chain = blocks.map((b) => parseCertificate(b.pem, 'certificate chain'));
    const all = [cert, ...chain];
    for (let i = 0; i + 1 < all.length; i++) {
      if (!all[i]!.checkIssued(all[i + 1]!) || !all[i]!.verify(all[i + 1]!.publicKey)) {
        throw malformed(
          `Unable to validate certificate chain: certificate ${i + 1} of the chain did not sign ${i === 0 ? 'the certificate' : `certificate ${i} of the chain`}. The chain must start with the certificate that signed the body, followed by any intermediates in order.`,
        );
      }
    }
  }

  const keyBlocks = pemBlocks(m.privateKey);
  if (keyBlocks.some((b) => b.label === 'ENCRYPTED PRIVATE KEY') || /Proc-Type:\s*4,ENCRYPTED/.test(m.privateKey)) {
    throw malformed('The private key is encrypted: IAM needs it without a passphrase (openssl pkey -in key.pem -out plain.pem).');
  }
  if (!keyBlocks.some((b) => /PRIVATE KEY$/.test(b.label))) {
    throw malformed('Unable to parse the private key. Please ensure it is a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: m.privateKey, format: 'pem' });
  } catch {
    // The parser's own message is not passed on: nothing about the key leaves this function.
    throw malformed('Unable to parse the private key. Please ensure it is a PEM private key.');
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') {
    throw malformed(`The private key is of type ${key.asymmetricKeyType ?? 'unknown'}: IAM server certificates need an RSA or ECDSA key.`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType === 'rsa' && bits !== undefined && bits < MIN_RSA_BITS) {
    throw malformed(`The RSA key is ${bits} bits: a load balancer cannot serve keys shorter than ${MIN_RSA_BITS} bits. Make a 2048-bit key (openssl genrsa -out private.pem 2048).`);
  }
  if (!cert.checkPrivateKey(key)) {
    throw new AlbatrossError('KeyPairMismatch', 'The private key does not match the certificate: upload the key the certificate was issued for.');
  }

  const notBefore = Date.parse(cert.validFrom);
  const expiresAt = Date.parse(cert.validTo);
  if (!Number.isFinite(expiresAt) || !Number.isFinite(notBefore)) throw malformed('Unable to read the validity dates of the certificate.');
  if (expiresAt <= now) {
    throw malformed(`The certificate expired on ${new Date(expiresAt).toISOString()}: IAM does not accept expired certificates. Renew it and upload the new one.`);
  }
  return {
    certificateBody: cert.toString().trim(),
    ...(chain ? { certificateChain: chain.map((c) => c.toString().trim()).join('\n') } : {}),
    notBefore,
    expiresAt,
    subject: cert.subject,
  };
}

/**
 * Certificate ids are `ASCA` plus 17 upper-case letters and digits; `randomHex` gives the
 * randomness (each byte picks one of 36 characters).
 */
export function serverCertificateId(randomHex: (bytes: number) => string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const hex = randomHex(17);
  let id = 'ASCA';
  for (let i = 0; i < 17; i++) id += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 36];
  return id;
}

/** The purpose a certificate's private key is sealed for: a key sealed for one name opens for no other. */
export function serverCertificateKeyPurpose(name: string): string {
  return `server-certificate:${name}`;
}
