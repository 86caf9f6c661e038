/*
 * The shared elbv2 shapes: Query actions → the model's action inputs (parseActions) and back to
 * ALB's XML (toXmlAction) for every action type, malformed action structures refused, and the SSL
 * policy table (TLS ranges for Node, ciphers by priority).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlbatrossError, DEFAULT_SSL_POLICY, findSslPolicy, nodeCipherList, normalizeActions, sslPolicies } from '../../../src/model/index.ts';
import { decodeQueryRequest } from '../../../src/controlplane/api/query-protocol.ts';
import { parseActions, toXmlAction } from '../../../src/controlplane/api/actions/elbv2/shapes.ts';
import { form } from './elbv2-fixture.ts';

const tg = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/a/0000000000000001';
const tg2 = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/b/0000000000000002';

function parse(actions: unknown[]): ReturnType<typeof parseActions> {
  return parseActions(decodeQueryRequest('', form({ Actions: actions as never })), 'Actions');
}

test('parseActions reads every action type into the model\'s inputs', () => {
  assert.deepEqual(parse([{ Type: 'forward', TargetGroupArn: tg, Order: 2 }]), [{ type: 'forward', order: 2, targetGroupArn: tg }]);
  assert.deepEqual(
    parse([{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 2 }, { TargetGroupArn: tg2 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 30 } } }]),
    [{ type: 'forward', forwardConfig: { targetGroups: [{ targetGroupArn: tg, weight: 2 }, { targetGroupArn: tg2 }], targetGroupStickinessConfig: { enabled: true, durationSeconds: 30 } } }],
  );
  assert.deepEqual(parse([{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: 'example.com', Path: '/new', Query: 'a=1', StatusCode: 'HTTP_302' } }]), [
    { type: 'redirect', redirectConfig: { protocol: 'HTTPS', port: '443', host: 'example.com', path: '/new', query: 'a=1', statusCode: 'HTTP_302' } },
  ]);
  assert.deepEqual(parse([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'application/json', MessageBody: '{}' } }]), [
    { type: 'fixed-response', fixedResponseConfig: { statusCode: '503', contentType: 'application/json', messageBody: '{}' } },
  ]);
  assert.deepEqual(parseActions(decodeQueryRequest('', ''), 'Actions'), []);
});

test('parseActions refuses malformed structures', () => {
  const refuses = (actions: unknown[], code: string, message: RegExp) =>
    assert.throws(() => parse(actions), (e: unknown) => e instanceof AlbatrossError && e.code === code && message.test(e.message));
  refuses([{ TargetGroupArn: tg }], 'ValidationError', /Actions\.member\.1\.Type is required/);
  refuses([{ Type: 'forward', Order: 'x' }], 'ValidationError', /Order must be an integer/);
  refuses([{ Type: 'forward', ForwardConfig: { TargetGroups: [{ Weight: 1 }] } }], 'ValidationError', /TargetGroupArn is required/);
  refuses([{ Type: 'forward', ForwardConfig: { TargetGroupStickinessConfig: { Enabled: 'maybe' } } }], 'ValidationError', /true or false/);
  refuses([{ Type: 'authenticate-cognito' }], 'InvalidConfigurationRequest', /not supported/);
  assert.throws(() => parseActions(decodeQueryRequest('', 'Actions.member.1=forward'), 'Actions'), AlbatrossError);
});

test('toXmlAction renders the stored actions in ALB\'s shape', () => {
  const [single, weighted, redirect, fixed] = normalizeActions([
    { type: 'forward', targetGroupArn: tg },
    { type: 'forward', forwardConfig: { targetGroups: [{ targetGroupArn: tg, weight: 3 }, { targetGroupArn: tg2 }] } },
    { type: 'redirect', redirectConfig: { statusCode: 'HTTP_301' } },
    { type: 'fixed-response', fixedResponseConfig: { statusCode: '200' } },
  ]);
  assert.deepEqual(toXmlAction(single!), {
    Type: 'forward',
    TargetGroupArn: tg,
    Order: 1,
    ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false, DurationSeconds: undefined } },
  });
  assert.equal(toXmlAction(weighted!).TargetGroupArn, undefined);
  assert.deepEqual(toXmlAction(redirect!), {
    Type: 'redirect',
    Order: 3,
    RedirectConfig: { Protocol: '#{protocol}', Port: '#{port}', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' },
  });
  assert.deepEqual(toXmlAction(fixed!), { Type: 'fixed-response', Order: 4, FixedResponseConfig: { MessageBody: undefined, StatusCode: '200', ContentType: 'text/plain' } });
});

test('SSL policies: the named defaults exist, TLS ranges for Node, ciphers by priority', () => {
  assert.equal(DEFAULT_SSL_POLICY, 'ELBSecurityPolicy-2016-08');
  const names = new Set(sslPolicies.map((p) => p.name));
  assert.equal(names.size, sslPolicies.length, 'names are unique');
  const p13 = findSslPolicy('ELBSecurityPolicy-TLS13-1-3-2021-06')!;
  assert.deepEqual([p13.minVersion, p13.maxVersion], ['TLSv1.3', 'TLSv1.3']);
  const p12 = findSslPolicy('ELBSecurityPolicy-TLS13-1-2-2021-06')!;
  assert.deepEqual([p12.minVersion, p12.maxVersion], ['TLSv1.2', 'TLSv1.3']);
  const legacy = findSslPolicy('ELBSecurityPolicy-2016-08')!;
  assert.deepEqual([legacy.minVersion, legacy.maxVersion], ['TLSv1', 'TLSv1.2']);
  assert.equal(findSslPolicy('ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04')!.fips, true);
  assert.equal(findSslPolicy('nope'), undefined);
  for (const p of sslPolicies) {
    assert.deepEqual(p.ciphers.map((c) => c.priority), p.ciphers.map((_, i) => i + 1), p.name);
    assert.equal(p.sslProtocols.includes('TLSv1.3'), p.ciphers.some((c) => c.name.startsWith('TLS_')), `${p.name}: TLS 1.3 suites iff TLS 1.3`);
    assert.equal(new Set(p.ciphers.map((c) => c.name)).size, p.ciphers.length, `${p.name}: no cipher twice`);
  }
  assert.match(nodeCipherList(p12), /^TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:/);
});
