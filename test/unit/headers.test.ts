/*
 * What a target sees of a client's request headers: hop-by-hop headers gone, X-Forwarded-* set
 * according to the load balancer's xff mode, the Host rewritten to the listener's port unless
 * preserve_host_header is on, and a trace id added unless the client sent one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardRequestHeaders, forwardResponseHeaders, requestFlags } from '../../src/dataplane/headers.ts';
import { ListenerRuntime } from '../../src/dataplane/listener-runtime.ts';
import { LoadBalancerStats } from '../../src/dataplane/stats.ts';
import { compileRouteTable } from '../../src/dataplane/routing/route-table.ts';
import { defaultAttributes, loadBalancerAttributeSpecs, readLoadBalancerSettings } from '../../src/model/index.ts';
import type { ListenerSnapshot } from '../../src/snapshot/index.ts';

function listener(port: number, attributes: Record<string, string> = {}): ListenerRuntime {
  const snap: ListenerSnapshot = {
    arn: 'arn:listener',
    loadBalancerArn: 'arn:lb',
    loadBalancerName: 'lb',
    dnsName: 'lb-0123456789.albatross.local',
    protocol: 'HTTP',
    port,
    bindAddress: '127.0.0.1',
    settings: readLoadBalancerSettings({ ...defaultAttributes(loadBalancerAttributeSpecs), ...attributes }),
    defaultActions: [],
    rules: [],
    allowedSources: undefined,
    tls: undefined,
  };
  const action = { kind: 'fixed-response', status: 200, contentType: 'text/plain', body: Buffer.alloc(0) } as const;
  return new ListenerRuntime(snap, compileRouteTable([], action), action, new LoadBalancerStats());
}

/** Header lines as a map of lowercased names to values. */
function asMap(lines: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of lines.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(': ');
    const k = line.slice(0, colon).toLowerCase();
    m.set(k, [...(m.get(k) ?? []), line.slice(colon + 2)]);
  }
  return m;
}

function forwarded(raw: string[], l: ListenerRuntime, ip = '10.0.0.9', port = 5555): Map<string, string[]> {
  return asMap(forwardRequestHeaders(raw, l, ip, port));
}

test('hop-by-hop headers and those named by Connection are not forwarded', () => {
  const h = forwarded(
    ['Host', 'a.example', 'Connection', 'keep-alive, X-Secret', 'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Upgrade', 'h2c',
      'Proxy-Connection', 'close', 'X-Secret', 's', 'Accept', '*/*', 'Trailer', 'x'],
    listener(80),
  );
  for (const gone of ['connection', 'keep-alive', 'te', 'upgrade', 'proxy-connection', 'x-secret', 'trailer']) {
    assert.equal(h.has(gone), false, `${gone} must not reach the target`);
  }
  assert.deepEqual(h.get('accept'), ['*/*']);
});

test('append mode adds the client address to an existing X-Forwarded-For', () => {
  const h = forwarded(['Host', 'a', 'X-Forwarded-For', '203.0.113.7'], listener(8000));
  assert.deepEqual(h.get('x-forwarded-for'), ['203.0.113.7, 10.0.0.9']);
  assert.deepEqual(h.get('x-forwarded-proto'), ['http']);
  assert.deepEqual(h.get('x-forwarded-port'), ['8000']);
  assert.match(h.get('x-amzn-trace-id')![0]!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
});

test('xff_client_port adds the client port; IPv6 addresses are bracketed', () => {
  const h = forwarded(['Host', 'a'], listener(8000, { 'routing.http.xff_client_port.enabled': 'true' }), '2001:db8::1', 4444);
  assert.deepEqual(h.get('x-forwarded-for'), ['[2001:db8::1]:4444']);
});

test('preserve mode passes X-Forwarded-For unchanged and remove mode drops it', () => {
  const preserved = forwarded(['Host', 'a', 'X-Forwarded-For', '203.0.113.7'], listener(80, { 'routing.http.xff_header_processing.mode': 'preserve' }));
  assert.deepEqual(preserved.get('x-forwarded-for'), ['203.0.113.7']);
  const removed = forwarded(['Host', 'a', 'X-Forwarded-For', '203.0.113.7'], listener(80, { 'routing.http.xff_header_processing.mode': 'remove' }));
  assert.equal(removed.has('x-forwarded-for'), false);
});

test('a client trace id is kept, and X-Forwarded-Proto/Port from the client are replaced', () => {
  const h = forwarded(['Host', 'a', 'X-Amzn-Trace-Id', 'Root=1-abc', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Port', '1'], listener(8000));
  assert.deepEqual(h.get('x-amzn-trace-id'), ['Root=1-abc']);
  assert.deepEqual(h.get('x-forwarded-proto'), ['http']);
  assert.deepEqual(h.get('x-forwarded-port'), ['8000']);
});

test('Host carries the listener port unless preserve_host_header is on', () => {
  assert.deepEqual(forwarded(['Host', 'shop.example:9999'], listener(8000)).get('host'), ['shop.example:8000']);
  assert.deepEqual(forwarded(['Host', 'shop.example:8000'], listener(80)).get('host'), ['shop.example']);
  const preserved = forwarded(['Host', 'shop.example:9999'], listener(8000, { 'routing.http.preserve_host_header.enabled': 'true' }));
  assert.deepEqual(preserved.get('host'), ['shop.example:9999']);
});

test('a body is detected from Content-Length or Transfer-Encoding, and two Host headers are refused', () => {
  forwarded(['Host', 'a', 'Content-Length', '0'], listener(80));
  assert.equal(requestFlags.hasBody, false);
  forwarded(['Host', 'a', 'Content-Length', '12'], listener(80));
  assert.equal(requestFlags.hasBody, true);
  assert.equal(requestFlags.chunked, false);
  const chunked = forwarded(['Host', 'a', 'Transfer-Encoding', 'chunked'], listener(80));
  assert.equal(requestFlags.hasBody, true);
  assert.equal(requestFlags.chunked, true);
  assert.deepEqual(chunked.get('transfer-encoding'), ['chunked'], 'the body is re-chunked towards the target');
  forwarded(['Host', 'a', 'Host', 'b'], listener(80));
  assert.equal(requestFlags.badHost, true);
  forwarded(['Host', 'a'], listener(80));
  assert.equal(requestFlags.badHost, false);
});

test('response hop-by-hop headers are dropped and the rest kept in order', () => {
  const raw = ['Content-Type', 'text/plain', 'Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'];
  assert.deepEqual(forwardResponseHeaders(raw), ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
  const clean = ['Content-Type', 'text/plain', 'Content-Length', '2'];
  assert.deepEqual(forwardResponseHeaders(clean), clean);
});

test('a request without Host (HTTP/1.0) gets the load balancer name as Host', () => {
  const h = forwarded([], listener(8000));
  assert.equal(requestFlags.noHost, true);
  assert.deepEqual(h.get('host'), ['lb-0123456789.albatross.local:8000']);
});
