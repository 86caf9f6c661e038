/*
 * Hostile requests against a listener with rules on every kind of condition and lb_cookie
 * stickiness: huge and numerous cookies, forged sticky cookies, bad percent-encodings, raw
 * non-ASCII bytes and oversized heads are matched or refused cleanly, and the listener goes on
 * serving (a crash would take the worker's listener with it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { closersAfterAll, fixed, forward, listenerSnapshot, rule, snapshot, startDataPlane, targetGroupSnapshot } from '../helpers/dataplane.ts';
import { freePort } from '../helpers/net.ts';

const closers = closersAfterAll();

async function namedTarget(name: string): Promise<number> {
  // Targets take heads as large as the load balancer passes (Node's own default is 16 KiB).
  const server = http.createServer({ maxHeaderSize: 128 * 1024 }, (req, res) => res.end(`${name} ${req.headers.cookie?.length ?? 0}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return (server.address() as net.AddressInfo).port;
}

const group = (name: string, port: number, attributes: Record<string, string> = {}) => targetGroupSnapshot(`arn:tg/${name}`, [port], attributes, { name });

async function listener(): Promise<number> {
  const web = group('web', await namedTarget('web'), { 'stickiness.enabled': 'true', 'stickiness.type': 'lb_cookie' });
  const api = group('api', await namedTarget('api'));
  const port = await freePort();
  await startDataPlane(snapshot([web, api], [listenerSnapshot({
    port, arn: 'listener', loadBalancerArn: 'arn:lb',
    defaultActions: forward(web.arn),
    rules: [
      rule(10, [{ field: 'http-header', httpHeaderName: 'Cookie', values: ['*beta=1*'] }], fixed('200', 'beta by cookie')),
      rule(20, [{ field: 'query-string', queryStringValues: [{ key: 'q', value: 'caf*' }] }], fixed('200', 'query matched')),
      rule(30, [{ field: 'path-pattern', values: ['/api/*'] }], forward(api.arn)),
      rule(40, [{ field: 'host-header', values: ['*.example.com'] }], fixed('200', 'host matched')),
    ],
  })], { stickinessKey: randomBytes(32).toString('base64') }), closers);
  return port;
}

/**
 * Sends raw bytes on a fresh connection and half-closes it, as some clients do after a request:
 * the answer must still come. Resolves with the status line ('' if none) and the body.
 */
function raw(port: number, bytes: Buffer | string): Promise<{ status: string; body: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(guard);
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: head.split('\r\n')[0] ?? '', body, closed: true });
    });
    // Requests here say `Connection: close`, so the server closes once it has answered.
    const guard = setTimeout(() => reject(new Error(`no answer and no close: ${text.slice(0, 200)}`)), 10_000);
    socket.end(bytes);
  });
}

const request = (head: string): string => `${head}\r\nConnection: close\r\n\r\n`;

test('hostile cookies, encodings and heads are matched or refused cleanly, and the listener keeps serving', async () => {
  const port = await listener();
  const manyCookies = Array.from({ length: 2000 }, (_, i) => `c${i}=${'v'.repeat(10)}`).join('; ');
  const forged = ['AWSALB=' + 'A'.repeat(400), 'AWSALB=!!not-base64!!', 'AWSALB=', 'AWSALBCORS=' + randomBytes(90).toString('base64url'), 'AWSALB=' + 'x'.repeat(60_000)];
  const cases: Array<[string, string, RegExp, RegExp?]> = [
    ['2000 cookies in one header', request(`GET / HTTP/1.1\r\nHost: lb\r\nCookie: ${manyCookies}`), /^HTTP\/1\.1 200/, /^web \d+/],
    ['300 Cookie headers', request(`GET / HTTP/1.1\r\nHost: lb\r\n${Array.from({ length: 300 }, (_, i) => `Cookie: k${i}=v`).join('\r\n')}`), /^HTTP\/1\.1 200/, /^web/],
    ...forged.map((c): [string, string, RegExp, RegExp?] => [`forged sticky cookie ${c.slice(0, 24)}…`, request(`GET / HTTP/1.1\r\nHost: lb\r\nCookie: ${c}`), /^HTTP\/1\.1 200/, /^web/]),
    ['a cookie rule still matches among junk', request(`GET / HTTP/1.1\r\nHost: lb\r\nCookie: ${manyCookies}; beta=1`), /^HTTP\/1\.1 200/, /^beta by cookie$/],
    ['bad percent-encoding in the query', request('GET /?q=%ZZ%C3%28&q=caf%C3%A9 HTTP/1.1\r\nHost: lb'), /^HTTP\/1\.1 200/, /^query matched$/],
    ['a lone % at the end of the query', request('GET /?q=% HTTP/1.1\r\nHost: lb'), /^HTTP\/1\.1 200/, /^web/],
    ['overlong UTF-8 in the path', request('GET /api/%C0%AF%FF/x HTTP/1.1\r\nHost: lb'), /^HTTP\/1\.1 200/, /^api/],
    ['raw non-ASCII bytes in a header value', request('GET / HTTP/1.1\r\nHost: lb\r\nX-Name: caf\xe9\xff'), /^HTTP\/1\.1 200/, /^web/],
    ['a host with a port and odd case still matches', request('GET / HTTP/1.1\r\nHost: WWW.Example.COM:80'), /^HTTP\/1\.1 200/, /^host matched$/],
    ['a host of 10,000 characters', request(`GET / HTTP/1.1\r\nHost: ${'a.'.repeat(5000)}example.com`), /^HTTP\/1\.1 200/, /^host matched$/],
    ['a head over 64 KiB', request(`GET / HTTP/1.1\r\nHost: lb\r\nCookie: ${'z'.repeat(70_000)}`), /^HTTP\/1\.1 431/],
    ['a NUL byte in a header value', request('GET / HTTP/1.1\r\nHost: lb\r\nX-Bad: a\0b'), /^HTTP\/1\.1 400/],
    ['a control character in the path', request('GET /a\x01b HTTP/1.1\r\nHost: lb'), /^HTTP\/1\.1 400/],
  ];
  for (const [what, bytes, status, body] of cases) {
    const r = await raw(port, Buffer.from(bytes, "latin1"));
    if (process.env.DBG) console.log(what, JSON.stringify(r).slice(0, 300));
    assert.match(r.status, status, what);
    if (body) assert.match(r.body, body, what);
    assert.ok(r.closed, `${what}: the connection is closed after the answer`);
  }
  const after = await raw(port, request('GET /api/still HTTP/1.1\r\nHost: lb'));
  assert.match(after.status, /^HTTP\/1\.1 200/, 'the listener still serves');
  assert.match(after.body, /^api/);
});
