/*
 * The model gives ALB's defaults and refuses what ALB refuses, with AWS's error codes and a
 * message naming the field: the API and the config file both rely on it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AlbatrossError, Problems, buildTargetGroup, buildLoadBalancer, checkActions, checkTargetInput, parseMatcher, matchesCode,
  defaultArnContext, targetGroupArn, loadBalancerArn, listenerArn, arnKind, bindAddress,
} from '../../src/model/index.ts';

const arn = targetGroupArn(defaultArnContext, 'tg', '0123456789abcdef');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AlbatrossError);
    return err.problems.map((p) => `${p.code} ${p.path}: ${p.message}`);
  }
  assert.fail('expected an error');
}

test('a target group gets ALB defaults', () => {
  const tg = buildTargetGroup({ name: 'tutorial-tg', port: 8080 }, arn, 1);
  assert.equal(tg.protocol, 'HTTP');
  assert.equal(tg.protocolVersion, 'HTTP1');
  assert.equal(tg.targetType, 'instance');
  assert.deepEqual(tg.healthCheck, {
    enabled: true, protocol: 'HTTP', port: 'traffic-port', path: '/', intervalSeconds: 30, timeoutSeconds: 5,
    healthyThresholdCount: 5, unhealthyThresholdCount: 2, matcher: '200',
  });
  assert.equal(tg.attributes['deregistration_delay.timeout_seconds'], '300');
  assert.equal(tg.attributes['stickiness.lb_cookie.duration_seconds'], '86400');
  assert.equal(tg.attributes['load_balancing.algorithm.type'], 'round_robin');
});

test('out-of-range health check settings are all reported, each at its field', () => {
  const found = problemsOf(() =>
    buildTargetGroup({ name: 'tg', healthCheckIntervalSeconds: 4, healthCheckTimeoutSeconds: 121, healthyThresholdCount: 11, unhealthyThresholdCount: 1, matcher: '600', healthCheckPath: 'status' }, arn, 1),
  );
  for (const field of ['healthCheckIntervalSeconds', 'healthCheckTimeoutSeconds', 'healthyThresholdCount', 'unhealthyThresholdCount', 'matcher', 'healthCheckPath']) {
    assert.ok(found.some((p) => p.includes(`targetGroup.${field}:`)), `${field} in ${found.join('\n')}`);
  }
  assert.ok(found.every((p) => p.startsWith('ValidationError')));
});

test('the timeout must be below the interval', () => {
  const found = problemsOf(() => buildTargetGroup({ name: 'tg', healthCheckIntervalSeconds: 5, healthCheckTimeoutSeconds: 5 }, arn, 1));
  assert.match(found.join(), /smaller than the interval/);
});

test('names follow ALB rules', () => {
  for (const bad of ['', '-tg', 'tg-', 'a'.repeat(33), 'tg_1', 'internal-tg']) {
    assert.equal(problemsOf(() => buildTargetGroup({ name: bad }, arn, 1)).length, 1, bad);
  }
  assert.equal(buildLoadBalancer({ name: 'tutorial-alb' }, loadBalancerArn(defaultArnContext, 'tutorial-alb', '0123456789abcdef'), 1).scheme, 'internet-facing');
});

test('unknown attributes and bad attribute values are refused', () => {
  const found = problemsOf(() =>
    buildTargetGroup({ name: 'tg', attributes: { 'stickiness.lb_cookie.duration_seconds': '604801', 'slow_start.duration_seconds': '10', 'no.such': 'x' } }, arn, 1),
  );
  assert.equal(found.length, 3, found.join('\n'));
});

test('matchers accept codes, lists and ranges from 200 to 499', () => {
  const ranges = parseMatcher('200,202,300-399')!;
  assert.equal(matchesCode(ranges, 202), true);
  assert.equal(matchesCode(ranges, 350), true);
  assert.equal(matchesCode(ranges, 201), false);
  assert.equal(parseMatcher('500'), undefined);
  assert.equal(parseMatcher('299-200'), undefined);
  assert.equal(parseMatcher('abc'), undefined);
});

test('targets: ip groups take IP literals only; instance groups take host names', () => {
  const p = new Problems();
  checkTargetInput({ id: 'web-1.example' }, 'ip', p, 't[0]');
  checkTargetInput({ id: 'bad host!' }, 'instance', p, 't[1]');
  checkTargetInput({ id: '::1', port: 70000 }, 'ip', p, 't[2]');
  checkTargetInput({ id: 'localhost', port: 8080 }, 'instance', p, 't[3]');
  assert.deepEqual(p.list.map((x) => x.path), ['t[0].id', 't[1].id', 't[2].port']);
  assert.ok(p.list.every((x) => x.code === 'InvalidTarget'));
});

test('actions: group stickiness enabled needs its duration, as ALB', () => {
  const p = new Problems();
  const weighted = (stick: { enabled: boolean; durationSeconds?: number }) => [{
    type: 'forward', forwardConfig: { targetGroups: [{ targetGroupArn: 'arn:a', weight: 1 }, { targetGroupArn: 'arn:b', weight: 1 }], targetGroupStickinessConfig: stick },
  }];
  checkActions(weighted({ enabled: true }), p, 'a', () => true);
  checkActions(weighted({ enabled: true, durationSeconds: 604801 }), p, 'b', () => true);
  checkActions(weighted({ enabled: true, durationSeconds: 60 }), p, 'c', () => true);
  checkActions(weighted({ enabled: false }), p, 'd', () => true);
  assert.deepEqual(p.list.map((x) => `${x.code} ${x.path}`), [
    'ValidationError a[0].forwardConfig.targetGroupStickinessConfig.durationSeconds',
    'ValidationError b[0].forwardConfig.targetGroupStickinessConfig.durationSeconds',
  ]);
});

test('actions: a forward to an unknown group is TargetGroupNotFound; bad fixed responses are refused', () => {
  const p = new Problems();
  checkActions([{ type: 'forward', targetGroupArn: 'arn:missing' }], p, 'a', () => false);
  checkActions([{ type: 'fixed-response', fixedResponseConfig: { statusCode: '302' } }], p, 'b', () => true);
  checkActions([], p, 'c', () => true);
  checkActions([{ type: 'teleport' }], p, 'd', () => true);
  assert.deepEqual(p.list.map((x) => `${x.code} ${x.path}`), [
    'TargetGroupNotFound a[0].targetGroupArn',
    'ValidationError b[0].fixedResponseConfig.statusCode',
    'ValidationError c',
    'ValidationError d[0].type',
  ]);
});

test('ARNs have AWS shapes and listeners embed their load balancer', () => {
  const lb = loadBalancerArn(defaultArnContext, 'alb', '0123456789abcdef');
  assert.equal(lb, 'arn:aws:elasticloadbalancing:local:000000000000:loadbalancer/app/alb/0123456789abcdef');
  const l = listenerArn(lb, 'fedcba9876543210');
  assert.equal(l, 'arn:aws:elasticloadbalancing:local:000000000000:listener/app/alb/0123456789abcdef/fedcba9876543210');
  assert.equal(arnKind(l), 'listener');
  assert.equal(arnKind('arn:aws:s3:::bucket'), undefined);
});

test('internal load balancers bind loopback, internet-facing all addresses', () => {
  assert.equal(bindAddress({ scheme: 'internal', ipAddressType: 'ipv4' }), '127.0.0.1');
  assert.equal(bindAddress({ scheme: 'internet-facing', ipAddressType: 'ipv4' }), '0.0.0.0');
  assert.equal(bindAddress({ scheme: 'internet-facing', ipAddressType: 'dualstack' }), '::');
});
