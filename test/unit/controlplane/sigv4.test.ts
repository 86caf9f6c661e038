/*
 * Signature V4 verification accepts what AWS's official SigV4 test suite and the IAM example of
 * AWS's documentation sign, and refuses missing, malformed, unknown-key, wrong-signature, stale
 * and tampered requests with AWS's error codes, messages and HTTP statuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  verifySigV4, credentialScope, signSigV4, canonicalRequest, canonicalUri, canonicalQuery, stringToSign, signingKey,
  sha256Hex, parseAmzDate, formatAmzDate, SIGV4_MESSAGES, type SignedRequest, type SigV4Result,
} from '../../../src/controlplane/api/sigv4.ts';

// The credentials, date and scope of AWS's "Signature Version 4 test suite".
const AKID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_DATE = '20150830T123600Z';
const SUITE_NOW = Date.UTC(2015, 7, 30, 12, 36, 0);
const secretFor = (id: string): string | undefined => (id === AKID ? SECRET : undefined);

function suiteRequest(opts: {
  method?: string; path?: string; query?: string; headers?: Record<string, string | string[]>; body?: string;
  signedHeaders: string; signature: string; service?: string; region?: string;
}): SignedRequest {
  const scope = `${AKID}/20150830/${opts.region ?? 'us-east-1'}/${opts.service ?? 'service'}/aws4_request`;
  return {
    method: opts.method ?? 'GET',
    path: opts.path ?? '/',
    query: opts.query ?? '',
    headers: {
      host: 'example.amazonaws.com',
      'x-amz-date': SUITE_DATE,
      ...opts.headers,
      authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=${opts.signedHeaders}, Signature=${opts.signature}`,
    },
    body: Buffer.from(opts.body ?? ''),
  };
}

function assertOk(result: SigV4Result): asserts result is Extract<SigV4Result, { ok: true }> {
  assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.message}`);
}

function assertFails(result: SigV4Result, code: string, httpStatus: number): string {
  assert.equal(result.ok, false, 'expected a failure');
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.code, code, result.message);
  assert.equal(result.httpStatus, httpStatus);
  return result.message;
}

const suite: Array<{ name: string; req: Parameters<typeof suiteRequest>[0] }> = [
  { name: 'get-vanilla', req: { signedHeaders: 'host;x-amz-date', signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' } },
  {
    name: 'get-vanilla-query-order-key-case',
    req: { query: 'Param2=value2&Param1=value1', signedHeaders: 'host;x-amz-date', signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500' },
  },
  {
    name: 'get-vanilla-query-unreserved',
    req: {
      query: '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
      signedHeaders: 'host;x-amz-date', signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
    },
  },
  {
    name: 'get-vanilla-utf8-query',
    req: { query: '%E1%88%B4=bar', signedHeaders: 'host;x-amz-date', signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04' },
  },
  {
    name: 'get-unreserved',
    req: {
      path: '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
      signedHeaders: 'host;x-amz-date', signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
    },
  },
  { name: 'get-utf8', req: { path: '/\u1234', signedHeaders: 'host;x-amz-date', signature: '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85' } },
  {
    name: 'get-header-value-trim',
    req: {
      headers: { 'my-header1': 'value1', 'my-header2': '"a   b   c"' },
      signedHeaders: 'host;my-header1;my-header2;x-amz-date', signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
    },
  },
  {
    name: 'get-header-key-duplicate (repeated header as an array)',
    req: {
      headers: { 'my-header1': ['value2', 'value2', 'value1'] },
      signedHeaders: 'host;my-header1;x-amz-date', signature: 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea',
    },
  },
  {
    name: 'post-vanilla-query-nonunreserved',
    req: {
      method: 'POST', query: '%40%23%24%25%5E=&%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D',
      signedHeaders: 'host;x-amz-date', signature: '66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e',
    },
  },
  {
    name: 'post-sts-header-before',
    req: {
      method: 'POST',
      headers: {
        'x-amz-security-token':
          'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==',
      },
      signedHeaders: 'host;x-amz-date;x-amz-security-token', signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
    },
  },
  {
    name: 'post-x-www-form-urlencoded',
    req: {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Param1=value1',
      signedHeaders: 'content-type;host;x-amz-date', signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    },
  },
  {
    name: 'post-x-www-form-urlencoded-parameters',
    req: {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf8' }, body: 'Param1=value1',
      signedHeaders: 'content-type;host;x-amz-date', signature: '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe',
    },
  },
];

for (const { name, req } of suite) {
  test(`AWS SigV4 test suite: ${name} verifies`, () => {
    const result = verifySigV4(suiteRequest(req), secretFor, SUITE_NOW);
    assertOk(result);
    assert.deepEqual(result, { ok: true, accessKeyId: AKID, region: 'us-east-1', service: 'service', date: SUITE_DATE });
  });
}

test("AWS documentation's IAM ListUsers example verifies (service iam, Query protocol GET)", () => {
  const req: SignedRequest = {
    method: 'GET', path: '/', query: 'Action=ListUsers&Version=2010-05-08',
    headers: {
      host: 'iam.amazonaws.com',
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-amz-date': SUITE_DATE,
      authorization: `AWS4-HMAC-SHA256 Credential=${AKID}/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7`,
    },
    body: Buffer.alloc(0),
  };
  assert.equal(signingKey(SECRET, '20150830', 'us-east-1', 'iam').toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  const result = verifySigV4(req, secretFor, SUITE_NOW);
  assertOk(result);
  assert.equal(result.service, 'iam');
});

test('canonical URI: normalised, then encoded once more (non-S3 double encoding)', () => {
  assert.equal(canonicalUri('/'), '/');
  assert.equal(canonicalUri(''), '/');
  assert.equal(canonicalUri('/a%20b'), '/a%2520b');
  assert.equal(canonicalUri('/a/./b/../c//d/'), '/a/c/d/');
  assert.equal(canonicalUri('/example space/'), '/example%20space/');
});

test('canonical query: sorted by key then value, normalised to RFC 3986, X-Amz-Signature left out on request', () => {
  assert.equal(canonicalQuery('b=2&a=2&a=1'), 'a=1&a=2&b=2');
  assert.equal(canonicalQuery('k=a+b&s=%7e%2f&e'), 'e=&k=a%2Bb&s=~%2F');
  assert.equal(canonicalQuery('bad=%zz&pct=%'), 'bad=%25zz&pct=%25');
  assert.equal(canonicalQuery('X-Amz-Signature=abc&a=1', ['X-Amz-Signature']), 'a=1');
});

test('X-Amz-Date parsing refuses impossible dates', () => {
  assert.equal(parseAmzDate('20150830T123600Z'), SUITE_NOW);
  assert.equal(parseAmzDate('20150230T123600Z'), undefined);
  assert.equal(parseAmzDate('20150830T243600Z'), undefined);
  assert.equal(parseAmzDate('2015-08-30T12:36:00Z'), undefined);
  assert.equal(formatAmzDate(SUITE_NOW), SUITE_DATE);
});

// --- a realistic Albatross request, signed like the AWS CLI signs elbv2 calls

const NOW = Date.UTC(2026, 10, 25, 10, 15, 0);
const CREDS = { accessKeyId: 'AKIAALBATROSS0000001', secretAccessKey: 'albatross-secret-key/with+chars' };
const keys = (id: string): string | undefined => (id === CREDS.accessKeyId ? CREDS.secretAccessKey : undefined);
const BODY = 'Action=DescribeLoadBalancers&Version=2015-12-01';

function signed(opts: { nowMs?: number; body?: string; contentSha256?: boolean; service?: string } = {}): SignedRequest {
  const body = Buffer.from(opts.body ?? BODY);
  const headers = signSigV4(
    {
      method: 'POST', path: '/', query: '', body,
      headers: { host: '127.0.0.1:8400', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    },
    CREDS,
    { region: 'local', service: opts.service ?? 'elasticloadbalancing', nowMs: opts.nowMs ?? NOW, contentSha256: opts.contentSha256 },
  );
  return { method: 'POST', path: '/', query: '', headers: { ...headers, 'user-agent': 'aws-cli/2', 'content-length': String(body.length) }, body };
}

test('a request signed by signSigV4 verifies and names its scope', () => {
  const req = signed();
  assert.match(String(req.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIAALBATROSS0000001\/20261125\/local\/elasticloadbalancing\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);
  assert.deepEqual(verifySigV4(req, keys, NOW), {
    ok: true, accessKeyId: CREDS.accessKeyId, region: 'local', service: 'elasticloadbalancing', date: '20261125T101500Z',
  });
  assert.deepEqual(credentialScope(req.headers), {
    accessKeyId: CREDS.accessKeyId, date: '20261125', region: 'local', service: 'elasticloadbalancing',
  });
});

test('no Authorization header: MissingAuthenticationToken, 403', () => {
  const req = signed();
  delete req.headers.authorization;
  assert.equal(assertFails(verifySigV4(req, keys, NOW), 'MissingAuthenticationToken', 403), 'Request is missing Authentication Token');
  assert.equal(credentialScope(req.headers), undefined);
});

test('malformed Authorization headers: IncompleteSignature, 400, saying what is wrong', () => {
  const req = signed();
  const auth = String(req.headers.authorization);
  const cases: Array<[string, RegExp]> = [
    ['AWS4-HMAC-SHA256 Credential=AKIAALBATROSS0000001/20261125/local/elasticloadbalancing/aws4_request', /requires 'SignedHeaders' parameter\. .*requires 'Signature' parameter/],
    ['AWS4-HMAC-SHA1 ' + auth.slice('AWS4-HMAC-SHA256 '.length), /Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'/],
    ['Basic dXNlcjpwYXNz', /Unsupported AWS 'algorithm': 'Basic'/],
    [auth.replace('/aws4_request', '/aws5_request'), /valid terminator: 'aws4_request', not 'aws5_request'/],
    [auth.replace('/20261125/local/', '/20261125/'), /Credential must have the form/],
    [auth.replace('/20261125/', '/20261124/'), /Date in Credential scope does not match.*'20261124' != '20261125'/],
    [auth.replace('/local/', '//'), /valid region/],
    [auth.replace('SignedHeaders=content-type;host;x-amz-date', 'SignedHeaders=content-type;x-amz-date'), /'Host' must be a 'SignedHeader'/],
    [auth.replace('SignedHeaders=content-type;host;x-amz-date', 'SignedHeaders=Content-Type;host;x-amz-date'), /SignedHeaders must be lower-case/],
    [auth.replace('SignedHeaders=content-type;host;x-amz-date', 'SignedHeaders=content-type;host;x-amz-date;x-missing'), /'x-missing' is not present/],
    [auth.replace(', SignedHeaders', ', garbage, SignedHeaders'), /malformed element: 'garbage'/],
  ];
  for (const [authorization, message] of cases) {
    const result = verifySigV4({ ...req, headers: { ...req.headers, authorization } }, keys, NOW);
    assert.match(assertFails(result, 'IncompleteSignature', 400), message, authorization);
  }
  const noDate = { ...req.headers };
  delete noDate['x-amz-date'];
  assert.match(assertFails(verifySigV4({ ...req, headers: noDate }, keys, NOW), 'IncompleteSignature', 400), /'X-Amz-Date'/);
  assert.match(
    assertFails(verifySigV4({ ...req, headers: { ...req.headers, 'x-amz-date': '2026-11-25T10:15:00Z' } }, keys, NOW), 'IncompleteSignature', 400),
    /ISO 8601 basic/,
  );
});

test('an unknown access key: InvalidClientTokenId, 403 (even when the signature is also wrong)', () => {
  const req = signed();
  const other = (id: string): string | undefined => (id === 'AKIAOTHER' ? 'x' : undefined);
  assert.equal(assertFails(verifySigV4(req, other, NOW), 'InvalidClientTokenId', 403), 'The security token included in the request is invalid.');
});

test('a wrong secret, a changed body or a changed signed header: SignatureDoesNotMatch, 403', () => {
  const req = signed();
  const wrongSecret = (id: string): string | undefined => (id === CREDS.accessKeyId ? 'not-the-secret' : undefined);
  assert.equal(assertFails(verifySigV4(req, wrongSecret, NOW), 'SignatureDoesNotMatch', 403), SIGV4_MESSAGES.mismatch);
  assert.equal(
    SIGV4_MESSAGES.mismatch,
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );
  const otherBody = { ...req, body: Buffer.from('Action=DeleteLoadBalancer&Version=2015-12-01') };
  assertFails(verifySigV4(otherBody, keys, NOW), 'SignatureDoesNotMatch', 403);
  assertFails(verifySigV4({ ...req, headers: { ...req.headers, host: 'evil:8400' } }, keys, NOW), 'SignatureDoesNotMatch', 403);
  assertFails(verifySigV4({ ...req, query: 'Action=DeleteLoadBalancer' }, keys, NOW), 'SignatureDoesNotMatch', 403);
  assertFails(verifySigV4({ ...req, method: 'PUT' }, keys, NOW), 'SignatureDoesNotMatch', 403);
  // Unsigned headers may change.
  assertOk(verifySigV4({ ...req, headers: { ...req.headers, 'user-agent': 'other' } }, keys, NOW));
  // A signature that is not 64 hex digits is a mismatch too.
  const short = String(req.headers.authorization).replace(/Signature=[0-9a-f]+/, 'Signature=abc');
  assertFails(verifySigV4({ ...req, headers: { ...req.headers, authorization: short } }, keys, NOW), 'SignatureDoesNotMatch', 403);
  // Upper-case hex is the same signature.
  const upper = String(req.headers.authorization).replace(/Signature=([0-9a-f]+)/, (_m, s: string) => `Signature=${s.toUpperCase()}`);
  assertOk(verifySigV4({ ...req, headers: { ...req.headers, authorization: upper } }, keys, NOW));
});

test('X-Amz-Date more than 15 minutes from the clock: RequestExpired, 400, either way', () => {
  const minute = 60_000;
  assertOk(verifySigV4(signed({ nowMs: NOW - 14 * minute }), keys, NOW));
  assertOk(verifySigV4(signed({ nowMs: NOW + 14 * minute }), keys, NOW));
  assert.match(
    assertFails(verifySigV4(signed({ nowMs: NOW - 16 * minute }), keys, NOW), 'RequestExpired', 400),
    /^Signature expired: 20261125T095900Z is now earlier than 20261125T100000Z \(20261125T101500Z - 15 min\.\)$/,
  );
  assert.match(
    assertFails(verifySigV4(signed({ nowMs: NOW + 16 * minute }), keys, NOW), 'RequestExpired', 400),
    /^Signature not yet current: 20261125T103100Z is still later than 20261125T103000Z \(20261125T101500Z \+ 15 min\.\)$/,
  );
  assertOk(verifySigV4(signed({ nowMs: NOW - 16 * minute }), keys, NOW, { maxSkewMs: 20 * minute }));
});

test('X-Amz-Content-Sha256 is signed when sent and must be the hash of the body', () => {
  const req = signed({ contentSha256: true });
  assert.match(String(req.headers.authorization), /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,/);
  assertOk(verifySigV4(req, keys, NOW));
  const lying = { ...req, headers: { ...req.headers, 'x-amz-content-sha256': sha256Hex('other') } };
  assert.match(assertFails(verifySigV4(lying, keys, NOW), 'SignatureDoesNotMatch', 403), /x-amz-content-sha256/);
  const unsigned = { ...req, headers: { ...req.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } };
  assertFails(verifySigV4(unsigned, keys, NOW), 'SignatureDoesNotMatch', 403);
});

test('options.service refuses a credential scoped to another service', () => {
  assertOk(verifySigV4(signed({ service: 'iam' }), keys, NOW, { service: ['elasticloadbalancing', 'iam', 'ec2'] }));
  assert.match(
    assertFails(verifySigV4(signed({ service: 's3' }), keys, NOW, { service: 'elasticloadbalancing' }), 'IncompleteSignature', 400),
    /scoped to correct service: 'elasticloadbalancing'/,
  );
});

// --- the presigned (query-string) form

function presigned(opts: { expires?: number; signedAt?: number; secret?: string } = {}): SignedRequest {
  const signedAt = opts.signedAt ?? NOW;
  const amzDate = formatAmzDate(signedAt);
  const scope = `${amzDate.slice(0, 8)}/local/elasticloadbalancing/aws4_request`;
  const query = [
    'Action=DescribeLoadBalancers', 'Version=2015-12-01', 'X-Amz-Algorithm=AWS4-HMAC-SHA256',
    `X-Amz-Credential=${encodeURIComponent(`${CREDS.accessKeyId}/${scope}`)}`, `X-Amz-Date=${amzDate}`,
    `X-Amz-Expires=${opts.expires ?? 300}`, 'X-Amz-SignedHeaders=host',
  ].join('&');
  const headers = { host: '127.0.0.1:8400' };
  const canonical = canonicalRequest({ method: 'GET', path: '/', query, headers }, ['host'], sha256Hex(''));
  const signature = createHmac('sha256', signingKey(opts.secret ?? CREDS.secretAccessKey, amzDate.slice(0, 8), 'local', 'elasticloadbalancing'))
    .update(stringToSign(amzDate, scope, canonical))
    .digest('hex');
  return { method: 'GET', path: '/', query: `${query}&X-Amz-Signature=${signature}`, headers, body: Buffer.alloc(0) };
}

test('presigned query-string requests verify until X-Amz-Expires has passed', () => {
  const req = presigned();
  assertOk(verifySigV4(req, keys, NOW + 60_000));
  assert.deepEqual(credentialScope(req.headers, req.query), {
    accessKeyId: CREDS.accessKeyId, date: '20261125', region: 'local', service: 'elasticloadbalancing',
  });
  assertFails(verifySigV4(req, keys, NOW + 301_000), 'RequestExpired', 400);
  assertFails(verifySigV4(presigned({ secret: 'wrong' }), keys, NOW), 'SignatureDoesNotMatch', 403);
  assertFails(verifySigV4({ ...req, query: req.query.replace('DescribeLoadBalancers', 'DeleteLoadBalancer') }, keys, NOW), 'SignatureDoesNotMatch', 403);
  assert.match(assertFails(verifySigV4(presigned({ expires: 700_000 }), keys, NOW), 'IncompleteSignature', 400), /X-Amz-Expires/);
  const noSignature = { ...req, query: req.query.replace(/&X-Amz-Signature=[0-9a-f]+/, '') };
  assert.match(assertFails(verifySigV4(noSignature, keys, NOW), 'IncompleteSignature', 400), /'X-Amz-Signature'/);
});
