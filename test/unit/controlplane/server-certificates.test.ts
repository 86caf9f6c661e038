/*
 * The IAM server-certificate actions against a real SQLite store, with certificates made by the
 * real openssl CLI: upload (the key sealed, never in clear in the SQLite files), get (no key),
 * list with PathPrefix and paging, delete (refused while a listener uses it); every refusal
 * (malformed, mismatched, expired, duplicate, missing) answers IAM's code and changes nothing.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  buildLoadBalancer, defaultArnContext, errorStatus, listenerArn, loadBalancerArn, type Listener,
} from '../../../src/model/index.ts';
import { serverCertificateKeyPurpose } from '../../../src/model/index.ts';
import { harness, list, type Harness } from './store-harness.ts';
import { makeTestCerts, pemBodyLines } from '../../helpers/openssl-certs.ts';

const certs = makeTestCerts();
after(() => certs.cleanup());

function upload(h: Harness, name: string, c = certs.tutorial, extra: Record<string, string> = {}) {
  return h.call('iam', 'UploadServerCertificate', { ServerCertificateName: name, CertificateBody: c.cert, PrivateKey: c.key, ...extra });
}

function meta(value: unknown): Record<string, unknown> {
  return value as Record<string, unknown>;
}

/** Every byte SQLite wrote for the store: the database and its write-ahead log. */
function storeBytes(h: Harness): string {
  return [h.dbFile, `${h.dbFile}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
}

test('UploadServerCertificate keeps the certificate and seals the key: no key in clear in the SQLite files', async () => {
  const now = Date.now();
  const h = await harness({ now: () => now });
  const out = await upload(h, 'tutorial-cert', certs.tutorial, { 'Tags.member.1.Key': 'env', 'Tags.member.1.Value': 'test' });
  const m = meta(out!.ServerCertificateMetadata);
  assert.equal(m.Path, '/');
  assert.equal(m.ServerCertificateName, 'tutorial-cert');
  assert.match(m.ServerCertificateId as string, /^ASCA[A-Z0-9]{17}$/);
  assert.equal(m.Arn, 'arn:aws:iam::000000000000:server-certificate/tutorial-cert');
  assert.equal((m.UploadDate as Date).getTime(), now);
  const days = ((m.Expiration as Date).getTime() - now) / 86_400_000;
  assert.ok(days > 364 && days < 366, `expires in ${days} days`);
  assert.deepEqual(out!.Tags, [{ Key: 'env', Value: 'test' }]);

  const stored = await h.store.transaction((tx) => tx.getServerCertificate('tutorial-cert'));
  assert.ok(stored);
  assert.equal(h.masterKey.open(stored.privateKeySealed, serverCertificateKeyPurpose('tutorial-cert')), certs.tutorial.key);
  assert.equal(stored.certificate.certificateBody, certs.tutorial.cert.trim());

  const bytes = storeBytes(h);
  assert.ok(bytes.includes(pemBodyLines(certs.tutorial.cert)[1]!), 'the certificate itself is in the store');
  for (const line of pemBodyLines(certs.tutorial.key)) assert.ok(!bytes.includes(line), 'a line of the private key is in the SQLite files');
  assert.ok(!bytes.includes('PRIVATE KEY'));
});

test('a path, an ECDSA key and a certificate chain are accepted; the chain must sign the certificate', async () => {
  const h = await harness();
  const out = await upload(h, 'leaf', certs.leaf, { Path: '/cloudfront/test/', CertificateChain: certs.ca.cert });
  assert.equal(meta(out!.ServerCertificateMetadata).Arn, 'arn:aws:iam::000000000000:server-certificate/cloudfront/test/leaf');
  const got = meta((await h.call('iam', 'GetServerCertificate', { ServerCertificateName: 'leaf' }))!.ServerCertificate);
  assert.equal(got.CertificateChain, certs.ca.cert.trim());
  await upload(h, 'ec-cert', certs.ec);
  await h.fails('iam', 'UploadServerCertificate', { ServerCertificateName: 'bad-chain', CertificateBody: certs.leaf.cert, PrivateKey: certs.leaf.key, CertificateChain: certs.other.cert }, 'MalformedCertificate', /chain/);
  await h.fails('iam', 'UploadServerCertificate', { ServerCertificateName: 'bad-chain', CertificateBody: certs.leaf.cert, PrivateKey: certs.leaf.key, CertificateChain: 'not a chain' }, 'MalformedCertificate', /chain/);
  await h.fails('iam', 'UploadServerCertificate', {
    ServerCertificateName: 'bad-chain', CertificateBody: certs.leaf.cert, PrivateKey: certs.leaf.key,
    CertificateChain: certs.ca.cert.replace(/^(-----BEGIN CERTIFICATE-----\n)(.{10})/, '$1AAAAAAAAAA'),
  }, 'MalformedCertificate', /chain/);
});

test('UploadServerCertificate refuses what IAM refuses, with its codes, and changes nothing', async () => {
  const h = await harness();
  await upload(h, 'taken');
  const ok = { ServerCertificateName: 'new-cert', CertificateBody: certs.tutorial.cert, PrivateKey: certs.tutorial.key };
  const refusals: Array<[Record<string, string>, string, RegExp]> = [
    [{ ...ok, ServerCertificateName: 'taken' }, 'EntityAlreadyExists', /already exists/],
    [{ ...ok, CertificateBody: 'garbage' }, 'MalformedCertificate', /PEM/],
    [{ ...ok, CertificateBody: certs.tutorial.cert.replace(/\n(.{8})/, '\n!!!!!!!!') }, 'MalformedCertificate', /parse/],
    [{ ...ok, CertificateBody: certs.tutorial.cert + certs.tutorial.key }, 'MalformedCertificate', /only the certificate/],
    [{ ...ok, CertificateBody: certs.tutorial.cert + certs.other.cert }, 'MalformedCertificate', /exactly one/],
    [{ ...ok, PrivateKey: 'garbage' }, 'MalformedCertificate', /private key/],
    [{ ...ok, PrivateKey: certs.tutorial.key.replace(/\n(.{8})/, '\nAAAAAAAA') }, 'MalformedCertificate', /private key/],
    [{ ...ok, PrivateKey: certs.other.key }, 'KeyPairMismatch', /does not match/],
    [{ ...ok, CertificateBody: certs.expired.cert, PrivateKey: certs.expired.key }, 'MalformedCertificate', /expired on 2021-01-01/],
    [{ ...ok, CertificateBody: certs.encrypted.cert, PrivateKey: certs.encrypted.key }, 'MalformedCertificate', /encrypted/],
    [{ ...ok, ServerCertificateName: 'bad name' }, 'ValidationError', /regular expression/],
    [{ ...ok, ServerCertificateName: 'x'.repeat(129) }, 'ValidationError', /128/],
    [{ ...ok, ServerCertificateName: '' }, 'MissingParameter', /ServerCertificateName/],
    [{ ...ok, Path: 'no-slashes' }, 'ValidationError', /path/],
    [{ ...ok, Path: '/a b/' }, 'ValidationError', /path/],
    [{ ServerCertificateName: 'x', CertificateBody: certs.tutorial.cert }, 'MissingParameter', /PrivateKey/],
    [{ ServerCertificateName: 'x', PrivateKey: certs.tutorial.key }, 'MissingParameter', /CertificateBody/],
    [{ ...ok, PrivateKey: 'k'.repeat(16385) }, 'ValidationError', /16384/],
    [{ ...ok, 'Tags.member.1.Key': 'a!b', 'Tags.member.1.Value': 'v' }, 'ValidationError', /Key/],
  ];
  for (const [params, code, message] of refusals) {
    const err = await h.fails('iam', 'UploadServerCertificate', params, code as never, message);
    for (const key of [certs.tutorial.key, certs.other.key, certs.expired.key, certs.encrypted.key]) {
      for (const line of pemBodyLines(key)) assert.ok(!err.message.includes(line), `${code} message quotes a private key`);
    }
  }
  assert.equal(errorStatus.EntityAlreadyExists, 409);
  assert.equal(errorStatus.NoSuchEntity, 404);
  assert.equal(errorStatus.DeleteConflict, 409);
});

test('GetServerCertificate answers the certificate and never the private key', async () => {
  const h = await harness();
  await upload(h, 'web', certs.tutorial, { 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': '1' });
  const out = await h.call('iam', 'GetServerCertificate', { ServerCertificateName: 'web' });
  const sc = meta(out!.ServerCertificate);
  assert.deepEqual(Object.keys(sc), ['ServerCertificateMetadata', 'CertificateBody', 'CertificateChain', 'Tags']);
  assert.equal(sc.CertificateBody, certs.tutorial.cert.trim());
  assert.equal(sc.CertificateChain, undefined);
  assert.deepEqual(sc.Tags, [{ Key: 'a', Value: '1' }]);
  assert.equal(meta(sc.ServerCertificateMetadata).ServerCertificateName, 'web');
  const text = JSON.stringify(out);
  assert.ok(!text.includes('PRIVATE KEY'));
  for (const line of pemBodyLines(certs.tutorial.key)) assert.ok(!text.includes(line));
  await h.fails('iam', 'GetServerCertificate', { ServerCertificateName: 'nope' }, 'NoSuchEntity', /nope cannot be found/);
  await h.fails('iam', 'GetServerCertificate', {}, 'MissingParameter');
  await h.fails('iam', 'GetServerCertificate', { ServerCertificateName: 'a/b' }, 'ValidationError');
});

test('ListServerCertificates filters by PathPrefix and pages with MaxItems / Marker / IsTruncated', async () => {
  const h = await harness();
  await upload(h, 'c-one', certs.tutorial);
  await upload(h, 'a-two', certs.tutorial, { Path: '/team/' });
  await upload(h, 'b-three', certs.tutorial, { Path: '/team/web/' });
  const all = await h.call('iam', 'ListServerCertificates', {});
  assert.deepEqual(list(all!.ServerCertificateMetadataList).map((m) => m.ServerCertificateName), ['a-two', 'b-three', 'c-one']);
  assert.equal(all!.IsTruncated, false);
  assert.equal(all!.Marker, undefined);
  const team = await h.call('iam', 'ListServerCertificates', { PathPrefix: '/team/' });
  assert.deepEqual(list(team!.ServerCertificateMetadataList).map((m) => m.ServerCertificateName), ['a-two', 'b-three']);
  const p1 = await h.call('iam', 'ListServerCertificates', { MaxItems: '2' });
  assert.deepEqual(list(p1!.ServerCertificateMetadataList).map((m) => m.ServerCertificateName), ['a-two', 'b-three']);
  assert.equal(p1!.IsTruncated, true);
  const p2 = await h.call('iam', 'ListServerCertificates', { MaxItems: '2', Marker: p1!.Marker as string });
  assert.deepEqual(list(p2!.ServerCertificateMetadataList).map((m) => m.ServerCertificateName), ['c-one']);
  assert.equal(p2!.IsTruncated, false);
  await h.fails('iam', 'ListServerCertificates', { MaxItems: '0' }, 'ValidationError', /between 1 and 1000/);
  await h.fails('iam', 'ListServerCertificates', { MaxItems: '1001' }, 'ValidationError');
  await h.fails('iam', 'ListServerCertificates', { PathPrefix: 'team' }, 'ValidationError');
  await h.fails('iam', 'ListServerCertificates', { Marker: '!!!' }, 'ValidationError', /Marker/);
});

test('DeleteServerCertificate: NoSuchEntity, DeleteConflict while a listener uses it, then gone', async () => {
  const h = await harness();
  const arn = meta((await upload(h, 'in-use', certs.tutorial, { 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': '1' }))!.ServerCertificateMetadata).Arn as string;
  const lbArn = loadBalancerArn(defaultArnContext, 'web', 'aaaaaaaaaaaaaaaa');
  const listener: Listener = {
    arn: listenerArn(lbArn, 'bbbbbbbbbbbbbbbb'), loadBalancerArn: lbArn, protocol: 'HTTPS', port: 443,
    certificates: [{ certificateArn: arn }], sslPolicy: 'ELBSecurityPolicy-2016-08',
    defaultActions: [{ type: 'fixed-response', order: 1, fixedResponseConfig: { statusCode: '200', contentType: 'text/plain' } }],
  };
  await h.store.transaction(async (tx) => {
    await tx.putLoadBalancer(buildLoadBalancer({ name: 'web' }, lbArn, 1));
    await tx.putListener(listener);
  });
  await h.fails('iam', 'DeleteServerCertificate', { ServerCertificateName: 'in-use' }, 'DeleteConflict', /currently in use by arn:aws:elasticloadbalancing/);
  await h.fails('iam', 'DeleteServerCertificate', { ServerCertificateName: 'nope' }, 'NoSuchEntity');
  await h.store.transaction((tx) => tx.putListener({ ...listener, protocol: 'HTTP', port: 443, certificates: [] }));
  assert.equal(await h.call('iam', 'DeleteServerCertificate', { ServerCertificateName: 'in-use' }), undefined);
  assert.equal(await h.store.transaction((tx) => tx.getServerCertificate('in-use')), undefined);
  assert.deepEqual(await h.store.transaction((tx) => tx.getTags(arn)), {});
  await h.fails('iam', 'DeleteServerCertificate', { ServerCertificateName: 'in-use' }, 'NoSuchEntity');
  // The name can be used again.
  await upload(h, 'in-use', certs.other);
});
