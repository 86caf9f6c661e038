/*
 * What a target sees of a client's request headers: hop-by-hop headers gone, X-Forwarded-* set
 * according to the load balancer's xff mode, the Host rewritten to the listener's port unless
 * preserve_host_header is on, and a trace id added unless the client sent one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardRequestHeaders, forwardResponseHeaders, HAS_BODY, BAD_HOST } from '../../src/dataplane/headers.ts';
import { ListenerRuntime } from '../../src/dataplane/listener-runtime.ts';
import { defaultAttributes, loadBalancerAttributeSpecs, readLoadBalancerSettings } from '../../src/model/index.ts';
import type { ListenerSnapshot } from '../../src/snapshot/index.ts';

function listener(port: number, attributes: Record<string, string> = {}): ListenerRuntime {
  const snap: ListenerSnapshot = {
    arn: 'arn:listener',
    loadBalancerArn: 'arn:lb',
    loadBalancerName: 'lb',
    protocol: 'HTTP',
    port,
    bindAddress: '127.0.0.1',
    settings: readLoadBalancerSettings({ ...defaultAttributes(loadBalancerAttributeSpecs), ...attributes }),
    defaultActions: [],
  };
  return new ListenerRuntime(snap, { kind: 'fixed-response', status: 200, contentType: 'text/plain', body: Buffer.alloc(0) });
}

function asMap(flat: string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (let i = 0; i < flat.length; i += 2) {
    const k = flat[i]!.toLowerCase();
    m.set(k, [...(m.get(k) ?? []), flat[i + 1]!]);
  }
  return m;
}

test('hop-by-hop headers and those named by Connection are not forwarded', () => {
  const out: string[] = [];
  forwardRequestHeaders(
    ['Host', 'a.example', 'Connection', 'keep-alive, X-Secret', 'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Upgrade', 'h2c',
      'Proxy-Connection', 'close', 'X-Secret', 's', 'Accept', '*/*', 'Trailer', 'x'],
    listener(80), '10.0.0.9', 5555, out,
  );
  const h = asMap(out);
  for (const gone of ['connection', 'keep-alive', 'te', 'upgrade', 'proxy-connection', 'x-secret', 'trailer']) {
    assert.equal(h.has(gone), false, `${gone} must not reach the target`);
  }
  assert.deepEqual(h.get('accept'), ['*/*']);
});

test('append mode adds the client address to an existing X-Forwarded-For', () => {
  const out: string[] = [];
  forwardRequestHeaders(['Host', 'a', 'X-Forwarded-For', '203.0.113.7'], listener(8000), '10.0.0.9', 5555, out);
  const h = asMap(out);
  assert.deepEqual(h.get('x-forwarded-for'), ['203.0.113.7, 10.0.0.9']);
  assert.deepEqual(h.get('x-forwarded-proto'), ['http']);
  assert.deepEqual(h.get('x-forwarded-port'), ['8000']);
  assert.match(h.get('x-amzn-trace-id')![0]!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
});

test('xff_client_port adds the client port; IPv6 addresses are bracketed', () => {
  const out: string[] = [];
  forwardRequestHeaders(['Host', 'a'], listener(8000, { 'routing.http.xff_client_port.enabled': 'true' }), '2001:db8::1', 4444, out);
  assert.deepEqual(asMap(out).get('x-forwarded-for'), ['[2001:db8::1]:4444']);
});

test('preserve mode passes X-Forwarded-For unchanged and remove mode drops it', () => {
  const preserved: string[] = [];
  forwardRequestHeaders(['Host', 'a', 'X-Forwarded-For', '203.0.113.7'], listener(80, { 'routing.http.xff_header_processing.mode': 'preserve' }), '10.0.0.9', 1, preserved);
  assert.deepEqual(asMap(preserved).get('x-forwarded-for'), ['203.0.113.7']);
  const removed: string[] = [];
  forwardRequestHeaders(['Host', 'a', 'X-Forwarded-For', '203.0.113.7'], listener(80, { 'routing.http.xff_header_processing.mode': 'remove' }), '10.0.0.9', 1, removed);
  assert.equal(asMap(removed).has('x-forwarded-for'), false);
});

test('a client trace id is kept, and X-Forwarded-Proto/Port from the client are replaced', () => {
  const out: string[] = [];
  forwardRequestHeaders(['Host', 'a', 'X-Amzn-Trace-Id', 'Root=1-abc', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Port', '1'], listener(8000), '10.0.0.9', 1, out);
  const h = asMap(out);
  assert.deepEqual(h.get('x-amzn-trace-id'), ['Root=1-abc']);
  assert.deepEqual(h.get('x-forwarded-proto'), ['http']);
  assert.deepEqual(h.get('x-forwarded-port'), ['8000']);
});

test('Host carries the listener port unless preserve_host_header is on', () => {
  const out: string[] = [];
  forwardRequestHeaders(['Host', 'shop.example:9999'], listener(8000), '10.0.0.9', 1, out);
  assert.deepEqual(asMap(out).get('host'), ['shop.example:8000']);
  const onDefaultPort: string[] = [];
  forwardRequestHeaders(['Host', 'shop.example:8000'], listener(80), '10.0.0.9', 1, onDefaultPort);
  assert.deepEqual(asMap(onDefaultPort).get('host'), ['shop.example']);
  const preserved: string[] = [];
  forwardRequestHeaders(['Host', 'shop.example:9999'], listener(8000, { 'routing.http.preserve_host_header.enabled': 'true' }), '10.0.0.9', 1, preserved);
  assert.deepEqual(asMap(preserved).get('host'), ['shop.example:9999']);
});

test('a body is detected from Content-Length or Transfer-Encoding, and two Host headers are refused', () => {
  assert.equal(forwardRequestHeaders(['Host', 'a', 'Content-Length', '0'], listener(80), '1.1.1.1', 1, []) & HAS_BODY, 0);
  assert.equal(forwardRequestHeaders(['Host', 'a', 'Content-Length', '12'], listener(80), '1.1.1.1', 1, []) & HAS_BODY, HAS_BODY);
  const chunked: string[] = [];
  assert.equal(forwardRequestHeaders(['Host', 'a', 'Transfer-Encoding', 'chunked'], listener(80), '1.1.1.1', 1, chunked) & HAS_BODY, HAS_BODY);
  assert.equal(asMap(chunked).has('transfer-encoding'), false, 'the body is re-framed towards the target');
  assert.equal(forwardRequestHeaders(['Host', 'a', 'Host', 'b'], listener(80), '1.1.1.1', 1, []) & BAD_HOST, BAD_HOST);
});

test('response hop-by-hop headers are dropped and the rest kept in order', () => {
  const raw = ['Content-Type', 'text/plain', 'Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'].map((s) => Buffer.from(s));
  assert.deepEqual(forwardResponseHeaders(raw), ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
});
