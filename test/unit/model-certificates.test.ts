/*
 * The model's certificate checks with certificates made by the real openssl CLI: a good upload
 * parses (RSA and ECDSA, with a chain), and IAM's refusals come with IAM's codes — unparsable PEM,
 * a key that is not the certificate's, an encrypted key, an expired certificate, a chain that
 * does not sign — with messages that never quote the private key. Names and paths follow IAM.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AlbatrossError, Problems, checkServerCertificateName, checkServerCertificatePath, parseServerCertificate, serverCertificateArn,
  serverCertificateId,
} from '../../src/model/index.ts';
import { makeTestCerts, pemBodyLines } from '../helpers/openssl-certs.ts';

const certs = makeTestCerts();
after(() => certs.cleanup());
const now = Date.now();

function refusal(fn: () => unknown): AlbatrossError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AlbatrossError, String(err));
    for (const key of [certs.tutorial.key, certs.other.key, certs.encrypted.key, certs.expired.key]) {
      for (const line of pemBodyLines(key)) assert.ok(!err.message.includes(line), 'the message quotes a private key');
    }
    return err;
  }
  assert.fail('expected a refusal');
}

test('the tutorial certificate parses: validity from the certificate, PEM normalised', () => {
  const p = parseServerCertificate({ certificateBody: certs.tutorial.cert, privateKey: certs.tutorial.key }, now);
  assert.equal(p.certificateBody, certs.tutorial.cert.trim());
  assert.equal(p.certificateChain, undefined);
  assert.equal(p.subject, 'CN=tutorial.example.com');
  assert.ok(p.notBefore <= now + 1000);
  assert.ok(Math.abs(p.expiresAt - (p.notBefore + 365 * 86_400_000)) < 2000);
  // Text around the PEM block (as `openssl x509 -text` writes) is dropped.
  const withText = parseServerCertificate({ certificateBody: `Certificate:\n  Data: ...\n${certs.tutorial.cert}`, privateKey: certs.tutorial.key }, now);
  assert.equal(withText.certificateBody, certs.tutorial.cert.trim());
});

test('ECDSA keys and chains that sign the certificate are accepted', () => {
  parseServerCertificate({ certificateBody: certs.ec.cert, privateKey: certs.ec.key }, now);
  const p = parseServerCertificate({ certificateBody: certs.leaf.cert, privateKey: certs.leaf.key, certificateChain: certs.ca.cert }, now);
  assert.equal(p.certificateChain, certs.ca.cert.trim());
});

test('IAM refusals: malformed, mismatched, encrypted, too short, expired, bad chains', () => {
  const base = { certificateBody: certs.tutorial.cert, privateKey: certs.tutorial.key };
  const cases: Array<[Parameters<typeof parseServerCertificate>[0], string, RegExp]> = [
    [{ ...base, certificateBody: 'hello' }, 'MalformedCertificate', /Unable to parse certificate/],
    [{ ...base, certificateBody: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }, 'MalformedCertificate', /Unable to parse certificate/],
    [{ ...base, certificateBody: certs.tutorial.key }, 'MalformedCertificate', /Unable to parse certificate/],
    [{ ...base, certificateBody: certs.tutorial.cert + certs.tutorial.key }, 'MalformedCertificate', /only the certificate/],
    [{ ...base, privateKey: certs.tutorial.cert }, 'MalformedCertificate', /private key/],
    [{ ...base, privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }, 'MalformedCertificate', /Unable to parse the private key/],
    [{ ...base, privateKey: certs.other.key }, 'KeyPairMismatch', /does not match/],
    [{ ...base, privateKey: certs.ec.key }, 'KeyPairMismatch', /does not match/],
    [{ certificateBody: certs.encrypted.cert, privateKey: certs.encrypted.key }, 'MalformedCertificate', /encrypted/],
    [{ certificateBody: certs.weak.cert, privateKey: certs.weak.key }, 'MalformedCertificate', /512 bits.*shorter than 1024/],
    [{ certificateBody: certs.expired.cert, privateKey: certs.expired.key }, 'MalformedCertificate', /expired on 2021-01-01T00:00:00\.000Z/],
    [{ ...base, certificateChain: 'chain' }, 'MalformedCertificate', /certificate chain/],
    [{ ...base, certificateChain: certs.tutorial.key }, 'MalformedCertificate', /certificate chain/],
    [{ certificateBody: certs.leaf.cert, privateKey: certs.leaf.key, certificateChain: certs.other.cert }, 'MalformedCertificate', /did not sign the certificate/],
    [{ certificateBody: certs.leaf.cert, privateKey: certs.leaf.key, certificateChain: certs.ca.cert + certs.other.cert }, 'MalformedCertificate', /certificate 2 of the chain did not sign certificate 1/],
    [{ ...base, certificateBody: '' }, 'MissingParameter', /CertificateBody/],
    [{ ...base, privateKey: '' }, 'MissingParameter', /PrivateKey/],
    [{ ...base, privateKey: 'x'.repeat(16385) }, 'ValidationError', /16384/],
    [{ ...base, certificateBody: 'x'.repeat(16385) }, 'ValidationError', /16384/],
    [{ ...base, certificateBody: 'caf\u0100' }, 'ValidationError', /U\+0020 to U\+00FF/],
  ];
  for (const [input, code, message] of cases) {
    const err = refusal(() => parseServerCertificate(input, now));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
  }
  // A certificate that is valid now is refused once its time has passed.
  const p = parseServerCertificate(base, now);
  assert.equal(refusal(() => parseServerCertificate(base, p.expiresAt + 1)).code, 'MalformedCertificate');
});

test('names are 1-128 of [\\w+=,.@-]; paths are / or /.../ of printable ASCII', () => {
  const name = (v: unknown) => {
    const p = new Problems();
    checkServerCertificateName(v, p, 'ServerCertificateName');
    return p.list.map((x) => x.code);
  };
  assert.deepEqual(name('a_B-1+=,.@x'), []);
  assert.deepEqual(name('x'.repeat(128)), []);
  assert.deepEqual(name('x'.repeat(129)), ['ValidationError']);
  assert.deepEqual(name('a b'), ['ValidationError']);
  assert.deepEqual(name('a/b'), ['ValidationError']);
  assert.deepEqual(name(''), ['MissingParameter']);
  const path = (v: unknown) => {
    const p = new Problems();
    checkServerCertificatePath(v, p, 'Path');
    return p.list.length;
  };
  assert.equal(path('/'), 0);
  assert.equal(path('/cloudfront/'), 0);
  assert.equal(path('/a/b/'), 0);
  assert.equal(path('a/'), 1);
  assert.equal(path('/a'), 1);
  assert.equal(path('/a b/'), 1);
  assert.equal(path(`/${'p'.repeat(511)}/`), 1);
  assert.equal(serverCertificateArn('123456789012', '/a/', 'n'), 'arn:aws:iam::123456789012:server-certificate/a/n');
});

test('certificate ids are ASCA plus 17 upper-case letters and digits', () => {
  for (let i = 0; i < 20; i++) {
    assert.match(serverCertificateId((n) => Buffer.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256))).toString('hex')), /^ASCA[A-Z0-9]{17}$/);
  }
});
