/*
 * Tag actions on load balancers, target groups, listeners and rules, run directly against a real
 * SQLite store: add (overwrites a key), describe, remove; ALB's limits (50 tags, key and value
 * lengths, reserved prefix, duplicate keys) and not-found codes per resource kind; a call naming
 * several resources changes all of them or none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleArn } from '../../../src/model/index.ts';
import { fixture, get } from './elbv2-fixture.ts';

test('AddTags, DescribeTags and RemoveTags on every kind of resource', async () => {
  const f = await fixture();
  const lb = get(await f.call('CreateLoadBalancer', { Name: 'lb' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  const tg = get(await f.call('CreateTargetGroup', { Name: 'tg' }), 'TargetGroups', 0, 'TargetGroupArn');
  const listener = get(await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18200, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }), 'Listeners', 0, 'ListenerArn');
  const rule = ruleArn(listener, '00000000000000aa');
  await f.store.transaction((tx) => tx.putRule({ arn: rule, listenerArn: listener, priority: 10, conditions: [{ field: 'path-pattern', values: ['/x'] }], actions: [] }));

  await f.call('AddTags', { ResourceArns: [lb, tg, listener, rule], Tags: [{ Key: 'env', Value: 'test' }, { Key: 'empty' }] });
  await f.call('AddTags', { ResourceArns: [tg], Tags: [{ Key: 'env', Value: 'prod' }] });
  const r = await f.call('DescribeTags', { ResourceArns: [lb, tg, listener, rule] });
  assert.deepEqual(get(r, 'TagDescriptions'), [
    { ResourceArn: lb, Tags: [{ Key: 'empty', Value: '' }, { Key: 'env', Value: 'test' }] },
    { ResourceArn: tg, Tags: [{ Key: 'empty', Value: '' }, { Key: 'env', Value: 'prod' }] },
    { ResourceArn: listener, Tags: [{ Key: 'empty', Value: '' }, { Key: 'env', Value: 'test' }] },
    { ResourceArn: rule, Tags: [{ Key: 'empty', Value: '' }, { Key: 'env', Value: 'test' }] },
  ]);
  await f.call('RemoveTags', { ResourceArns: [lb, tg], TagKeys: ['env', 'not-there'] });
  assert.deepEqual(get(await f.call('DescribeTags', { ResourceArns: [lb] }), 'TagDescriptions', 0, 'Tags'), [{ Key: 'empty', Value: '' }]);
  assert.deepEqual(get(await f.call('DescribeTags', { ResourceArns: [tg] }), 'TagDescriptions', 0, 'Tags'), [{ Key: 'empty', Value: '' }]);
});

test('tag limits and not-found codes, with the store unchanged', async () => {
  const f = await fixture();
  const lb = get(await f.call('CreateLoadBalancer', { Name: 'lb' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  const tg = get(await f.call('CreateTargetGroup', { Name: 'tg' }), 'TargetGroups', 0, 'TargetGroupArn');
  const listener = get(await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18201, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }), 'Listeners', 0, 'ListenerArn');
  const gone = (arn: string) => arn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff');
  const one = [{ Key: 'k', Value: 'v' }];
  await f.call('AddTags', { ResourceArns: [tg], Tags: Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) });

  await f.fails('AddTags', { ResourceArns: [tg], Tags: [{ Key: 'x1' }, { Key: 'x2' }] }, 'TooManyTags', /at most 50/);
  // All or nothing: lb would be fine, tg is over the limit.
  await f.fails('AddTags', { ResourceArns: [lb, tg], Tags: [{ Key: 'x1' }, { Key: 'x2' }] }, 'TooManyTags');
  await f.fails('AddTags', { ResourceArns: [lb], Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] }, 'DuplicateTagKeys');
  await f.fails('AddTags', { ResourceArns: [lb], Tags: [{ Key: 'k'.repeat(129) }] }, 'ValidationError', /128/);
  await f.fails('AddTags', { ResourceArns: [lb], Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }, 'ValidationError', /256/);
  await f.fails('AddTags', { ResourceArns: [lb], Tags: [{ Key: '', Value: 'v' }] }, 'ValidationError', /Key is required/);
  await f.fails('AddTags', { ResourceArns: [lb], Tags: [{ Key: 'AWS:x' }] }, 'ValidationError', /reserved/);
  await f.fails('AddTags', { ResourceArns: [lb] }, 'MissingParameter', /Tags/);
  await f.fails('AddTags', { Tags: one }, 'MissingParameter', /ResourceArns/);
  await f.fails('AddTags', { ResourceArns: ['arn:aws:s3:::bucket'], Tags: one }, 'ValidationError', /not a valid/);
  await f.fails('AddTags', { ResourceArns: Array.from({ length: 21 }, () => lb), Tags: one }, 'ValidationError', /at most 20/);
  await f.fails('AddTags', { ResourceArns: [lb, gone(tg)], Tags: one }, 'TargetGroupNotFound');
  await f.fails('AddTags', { ResourceArns: [gone(lb)], Tags: one }, 'LoadBalancerNotFound');
  await f.fails('AddTags', { ResourceArns: [gone(listener)], Tags: one }, 'ListenerNotFound');
  await f.fails('AddTags', { ResourceArns: [ruleArn(listener, 'ffffffffffffffff')], Tags: one }, 'RuleNotFound');
  await f.fails('RemoveTags', { ResourceArns: [gone(lb)], TagKeys: ['k'] }, 'LoadBalancerNotFound');
  await f.fails('RemoveTags', { ResourceArns: [lb] }, 'MissingParameter', /TagKeys/);
  await f.fails('DescribeTags', { ResourceArns: [gone(tg)] }, 'TargetGroupNotFound');
  await f.fails('DescribeTags', {}, 'MissingParameter');
});
