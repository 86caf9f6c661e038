/*
 * Stickiness cookies: a value round-trips under the shared key (any worker or node reads any
 * other's), and anything else — tampered, truncated, expired, another key, another cookie kind,
 * garbage — is quietly ignored. Cookie headers are scanned for ALB's names exactly, and the
 * Set-Cookie headers have ALB's shape, refreshed with each response.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  StickyCookieDecoder, StickyCookieIssuer, appCookieLifetimeSec, appCookieName, cookieValue, decodeStickyCookie,
  encodeStickyCookie, httpDate, responseSetsCookie, stickyGroupId, type StickyPayload,
} from '../../src/dataplane/stickiness/lb-cookie.ts';

const key = Buffer.alloc(32, 7);
const now = 1_700_000_000;
const payload: StickyPayload = { group: stickyGroupId('arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'), target: 'i-0123456789abcdef0:8080', expiresAtSec: now + 86400 };

test('a value decodes to what was encoded, under the same key, until it expires', () => {
  const value = encodeStickyCookie(key, 'lb', payload);
  assert.match(value, /^[A-Za-z0-9_-]+$/, 'base64url: safe in a cookie without quoting or URL encoding');
  assert.ok(value.length <= 82, `compact: ${value.length} characters`);
  assert.deepEqual(decodeStickyCookie(Buffer.from(key), 'lb', value, now), payload);
  assert.deepEqual(decodeStickyCookie(key, 'lb', value, now + 86399), payload);
  assert.equal(decodeStickyCookie(key, 'lb', value, now + 86400), undefined);
  const unicode = { ...payload, target: 'hôst.example:80' };
  assert.deepEqual(decodeStickyCookie(key, 'app', encodeStickyCookie(key, 'app', unicode), now), unicode);
  // Two encodings of one payload differ (fresh nonce), and both open.
  const again = encodeStickyCookie(key, 'lb', payload);
  assert.notEqual(again, value);
  assert.deepEqual(decodeStickyCookie(key, 'lb', again, now), payload);
});

test('tampered, truncated, foreign and malformed values are ignored, never thrown', () => {
  const value = encodeStickyCookie(key, 'lb', payload);
  const bytes = Buffer.from(value, 'base64url');
  const flipped: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const copy = Buffer.from(bytes);
    copy[i] = copy[i]! ^ 0x01;
    flipped.push(copy.toString('base64url'));
  }
  const bad = [
    ...flipped,
    value.slice(0, -1),
    value.slice(0, 20),
    value + 'AA',
    '',
    'x',
    'not a cookie at all',
    '%%%%',
    'A'.repeat(600),
    bytes.subarray(0, 37).toString('base64url'),
    Buffer.concat([Buffer.from([2]), bytes.subarray(1)]).toString('base64url'), // unknown version
  ];
  for (const v of bad) assert.equal(decodeStickyCookie(key, 'lb', v, now), undefined, v);
  assert.equal(decodeStickyCookie(randomBytes(32), 'lb', value, now), undefined, 'another key');
  assert.equal(decodeStickyCookie(Buffer.alloc(5), 'lb', value, now), undefined, 'a key of the wrong size');
  assert.equal(decodeStickyCookie(key, 'tg', value, now), undefined, 'an AWSALB value offered as AWSALBTG');
  assert.equal(decodeStickyCookie(key, 'app', value, now), undefined, 'an AWSALB value offered as AWSALBAPP');
});

test('random garbage never decodes (seeded)', () => {
  let seed = 12345;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 2000; i++) {
    const len = 30 + (next() % 90);
    const buf = Buffer.alloc(len);
    for (let j = 0; j < len; j++) buf[j] = next() & 0xff;
    buf[0] = 1; // even with our version byte
    assert.equal(decodeStickyCookie(key, 'lb', buf.toString('base64url'), now), undefined);
  }
});

test('the decoder remembers answers, and still refuses what has expired since', () => {
  const decoder = new StickyCookieDecoder(key, 4);
  const short = encodeStickyCookie(key, 'lb', { ...payload, expiresAtSec: now + 10 });
  assert.deepEqual(decoder.decode('lb', short, now), { ...payload, expiresAtSec: now + 10 });
  assert.equal(decoder.decode('lb', short, now)?.target, payload.target, 'from the memo');
  assert.equal(decoder.decode('lb', short, now + 10), undefined, 'expired while remembered');
  assert.equal(decoder.decode('tg', short, now), undefined, 'kinds have their own memo');
  assert.equal(decoder.decode('lb', 'garbage', now), undefined);
  assert.equal(decoder.decode('lb', 'garbage', now), undefined);
  // Filling the memo drops it; answers stay right.
  const values = Array.from({ length: 10 }, (_, i) => encodeStickyCookie(key, 'lb', { ...payload, target: `t${i}:80` }));
  for (let round = 0; round < 2; round++) {
    values.forEach((v, i) => assert.equal(decoder.decode('lb', v, now)?.target, `t${i}:80`));
  }
});

test('cookieValue finds exactly the named cookie in a Cookie header', () => {
  const cases: Array<[string | undefined, string, string | undefined]> = [
    ['AWSALB=abc', 'AWSALB', 'abc'],
    ['a=1; AWSALB=abc; b=2', 'AWSALB', 'abc'],
    ['a=1;AWSALB=abc;b=2', 'AWSALB', 'abc'],
    ['AWSALBCORS=cors; AWSALB=plain', 'AWSALB', 'plain'],
    ['AWSALBCORS=cors', 'AWSALB', undefined],
    ['AWSALBCORS=cors', 'AWSALBCORS', 'cors'],
    ['XAWSALB=x; AWSALBTG=t', 'AWSALB', undefined],
    ['session=AWSALB=inside', 'AWSALB', undefined],
    ['AWSALB="quoted"', 'AWSALB', 'quoted'],
    ['AWSALB=  ; x=1', 'AWSALB', ''],
    ['AWSALB=abc  ', 'AWSALB', 'abc'],
    ['  AWSALBAPP-2=v2; AWSALBAPP-0=v0', appCookieName(0), 'v0'],
    ['AWSALBAPP-10=v', appCookieName(1), undefined],
    ['x=1', 'AWSALB', undefined],
    ['', 'AWSALB', undefined],
    [undefined, 'AWSALB', undefined],
    ['AWSALB', 'AWSALB', undefined],
  ];
  for (const [header, name, expected] of cases) assert.equal(cookieValue(header, name), expected, `${name} in ${String(header)}`);
});

test('responseSetsCookie spots the application cookie among a target response headers', () => {
  assert.equal(responseSetsCookie(['Content-Type', 'text/html', 'Set-Cookie', 'SESSION=1; Path=/'], 'SESSION'), true);
  assert.equal(responseSetsCookie(['set-cookie', 'other=1', 'SET-COOKIE', 'SESSION=2'], 'SESSION'), true);
  assert.equal(responseSetsCookie(['Set-Cookie', 'SESSIONID=1'], 'SESSION'), false);
  assert.equal(responseSetsCookie(['X-Set-Cookie', 'SESSION=1'], 'SESSION'), false);
  assert.equal(responseSetsCookie([], 'SESSION'), false);
});

test('AWSALB and AWSALBCORS have ALB shape, one value, and decode to the target', () => {
  const group = stickyGroupId('arn:tg/web');
  const issuer = new StickyCookieIssuer(key, { kind: 'lb', name: 'AWSALB', corsName: 'AWSALBCORS', group, durationSec: 60 });
  const headers = ['Content-Type', 'text/plain'];
  issuer.appendTo(headers, '10.0.0.1:80', now);
  assert.equal(headers.length, 6);
  assert.equal(headers[2], 'set-cookie');
  const plain = headers[3]!;
  const cors = headers[5]!;
  const expires = new Date((now + 60) * 1000).toUTCString();
  assert.match(plain, new RegExp(`^AWSALB=([A-Za-z0-9_-]+); Expires=${expires}; Path=/$`));
  assert.match(cors, new RegExp(`^AWSALBCORS=([A-Za-z0-9_-]+); Expires=${expires}; Path=/; SameSite=None; Secure$`));
  const value = /^AWSALB=([^;]+)/.exec(plain)![1]!;
  assert.equal(/^AWSALBCORS=([^;]+)/.exec(cors)![1], value);
  assert.deepEqual(decodeStickyCookie(key, 'lb', value, now), { group, target: '10.0.0.1:80', expiresAtSec: now + 60 });
  // Within the second the same header is reused; the next second refreshes the expiry.
  const again: string[] = [];
  issuer.appendTo(again, '10.0.0.1:80', now);
  assert.equal(again[1], plain);
  const later: string[] = [];
  issuer.appendTo(later, '10.0.0.1:80', now + 1);
  assert.notEqual(later[1], plain);
  assert.equal(decodeStickyCookie(key, 'lb', /^AWSALB=([^;]+)/.exec(later[1]!)![1]!, now + 60)?.expiresAtSec, now + 61);
  // Another target has its own value.
  const other: string[] = [];
  issuer.appendTo(other, '10.0.0.2:80', now);
  assert.equal(decodeStickyCookie(key, 'lb', /^AWSALB=([^;]+)/.exec(other[1]!)![1]!, now)?.target, '10.0.0.2:80');
});

test('AWSALBAPP lives 7 days in the browser but routes only for the stickiness duration; no CORS twin', () => {
  const issuer = new StickyCookieIssuer(key, {
    kind: 'app', name: appCookieName(2), corsName: undefined, group: 9, durationSec: 30, lifetimeSec: appCookieLifetimeSec,
  });
  const headers: string[] = [];
  issuer.appendTo(headers, 't:1', now);
  assert.equal(headers.length, 2);
  const m = /^AWSALBAPP-2=([A-Za-z0-9_-]+); Expires=(.+); Path=\/$/.exec(headers[1]!);
  assert.ok(m, headers[1]);
  assert.equal(m[2], httpDate(now + 7 * 86400));
  assert.equal(decodeStickyCookie(key, 'app', m[1]!, now + 29)?.target, 't:1');
  assert.equal(decodeStickyCookie(key, 'app', m[1]!, now + 30), undefined);
  assert.throws(() => new StickyCookieIssuer(Buffer.alloc(16), { kind: 'lb', name: 'AWSALB', corsName: undefined, group: 1, durationSec: 1 }), /32 bytes/);
});

test('group ids are stable and tell target groups apart', () => {
  assert.equal(stickyGroupId('arn:a'), stickyGroupId('arn:a'));
  const ids = new Set(Array.from({ length: 1000 }, (_, i) => stickyGroupId(`arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-${i}/${i.toString(16).padStart(16, '0')}`)));
  assert.equal(ids.size, 1000);
  assert.equal(httpDate(0), 'Thu, 01 Jan 1970 00:00:00 GMT');
});
