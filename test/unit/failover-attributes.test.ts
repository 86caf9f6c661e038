/*
 * Albatross's own target-group attributes for failover (`albatross.retry.*`,
 * `albatross.outlier_detection.*`): their defaults keep the behaviour of a group that never set
 * them, out-of-range values are refused with ValidationError and nothing changed — in the model,
 * in the API (ModifyTargetGroupAttributes / DescribeTargetGroupAttributes) and in a config file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlbatrossError, buildTargetGroup, defaultArnContext, readTargetGroupSettings, targetGroupArn } from '../../src/model/index.ts';
import { parseConfigText } from '../../src/config/config-file.ts';
import { fixture, get } from './controlplane/elbv2-fixture.ts';

const arn = targetGroupArn(defaultArnContext, 'tg', '0123456789abcdef');

function problemsOf(attributes: Record<string, string>): string[] {
  try {
    buildTargetGroup({ name: 'tg', attributes }, arn, 1);
  } catch (err) {
    assert.ok(err instanceof AlbatrossError);
    assert.equal(err.code, 'ValidationError');
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('the attributes were accepted');
}

test('defaults: retry on, bodies up to 64 KiB kept, ejection after 5 5XX in a row and on connection errors', () => {
  const tg = buildTargetGroup({ name: 'tg' }, arn, 1);
  assert.equal(tg.attributes['albatross.retry.enabled'], 'true');
  assert.equal(tg.attributes['albatross.retry.max_body_bytes'], '65536');
  assert.equal(tg.attributes['albatross.outlier_detection.consecutive_5xx'], '5');
  assert.equal(tg.attributes['albatross.outlier_detection.connection_errors.enabled'], 'true');
  const s = readTargetGroupSettings({});
  assert.deepEqual(
    [s.retryEnabled, s.retryMaxBodyBytes, s.outlierConsecutive5xx, s.outlierConnectionErrors],
    [true, 65536, 5, true],
  );
  const off = readTargetGroupSettings({
    'albatross.retry.enabled': 'false',
    'albatross.retry.max_body_bytes': '0',
    'albatross.outlier_detection.consecutive_5xx': '0',
    'albatross.outlier_detection.connection_errors.enabled': 'false',
  });
  assert.deepEqual([off.retryEnabled, off.retryMaxBodyBytes, off.outlierConsecutive5xx, off.outlierConnectionErrors], [false, 0, 0, false]);
});

test('the ranges: 0 to 1048576 body bytes, 0 to 1000 responses, true or false', () => {
  assert.deepEqual(problemsOf({ 'albatross.retry.max_body_bytes': '1048577' }), [
    "targetGroup.attributes.albatross.retry.max_body_bytes: attribute 'albatross.retry.max_body_bytes' must be from 0 to 1048576, got 1048577",
  ]);
  assert.match(problemsOf({ 'albatross.retry.max_body_bytes': '-1' })[0]!, /must be an integer from 0 to 1048576/);
  assert.match(problemsOf({ 'albatross.outlier_detection.consecutive_5xx': '1001' })[0]!, /from 0 to 1000, got 1001/);
  assert.match(problemsOf({ 'albatross.outlier_detection.consecutive_5xx': '2.5' })[0]!, /must be an integer/);
  assert.match(problemsOf({ 'albatross.retry.enabled': 'yes' })[0]!, /must be one of true, false, got 'yes'/);
  assert.match(problemsOf({ 'albatross.outlier_detection.connection_errors.enabled': '1' })[0]!, /must be one of true, false/);
  assert.match(problemsOf({ 'albatross.retry.attempts': '2' })[0]!, /unknown attribute 'albatross.retry.attempts'/);
  // The limits themselves are allowed.
  buildTargetGroup({ name: 'tg', attributes: { 'albatross.retry.max_body_bytes': '1048576', 'albatross.outlier_detection.consecutive_5xx': '1000' } }, arn, 1);
});

test('the API: DescribeTargetGroupAttributes lists them with defaults; ModifyTargetGroupAttributes sets them or refuses with ValidationError', async () => {
  const f = await fixture();
  const tgArn = get(await f.call('CreateTargetGroup', { Name: 'web', Port: 8080 }), 'TargetGroups', 0, 'TargetGroupArn');
  const attrs = (r: unknown): Record<string, string> => Object.fromEntries(get(r, 'Attributes').map((a: { Key: string; Value: string }) => [a.Key, a.Value]));
  const defaults = attrs(await f.call('DescribeTargetGroupAttributes', { TargetGroupArn: tgArn }));
  assert.equal(defaults['albatross.retry.enabled'], 'true');
  assert.equal(defaults['albatross.retry.max_body_bytes'], '65536');
  assert.equal(defaults['albatross.outlier_detection.consecutive_5xx'], '5');
  assert.equal(defaults['albatross.outlier_detection.connection_errors.enabled'], 'true');

  const set = (Key: string, Value: string) => ({ TargetGroupArn: tgArn, Attributes: [{ Key, Value }] });
  await f.call('ModifyTargetGroupAttributes', set('albatross.outlier_detection.consecutive_5xx', '0'));
  await f.call('ModifyTargetGroupAttributes', set('albatross.retry.max_body_bytes', '1024'));
  const changed = attrs(await f.call('DescribeTargetGroupAttributes', { TargetGroupArn: tgArn }));
  assert.equal(changed['albatross.outlier_detection.consecutive_5xx'], '0');
  assert.equal(changed['albatross.retry.max_body_bytes'], '1024');

  await f.fails('ModifyTargetGroupAttributes', set('albatross.retry.max_body_bytes', '2000000'), 'ValidationError', /from 0 to 1048576, got 2000000/);
  await f.fails('ModifyTargetGroupAttributes', set('albatross.outlier_detection.consecutive_5xx', '-3'), 'ValidationError', /integer from 0 to 1000/);
  await f.fails('ModifyTargetGroupAttributes', set('albatross.retry.enabled', 'TRUE'), 'ValidationError', /true, false/);
  await f.fails('ModifyTargetGroupAttributes', set('albatross.outlier_detection.connection_errors.enabled', ''), 'ValidationError');
});

test('a config file: the attributes are accepted, and a bad value is named by its path', () => {
  const file = (value: string) => `
targetGroups:
  - name: web
    attributes:
      albatross.retry.enabled: false
      albatross.outlier_detection.consecutive_5xx: ${value}
loadBalancers: []
`;
  const ok = parseConfigText(file('3'));
  assert.equal(ok.targetGroups[0]!.input.attributes?.['albatross.outlier_detection.consecutive_5xx'], '3');
  assert.equal(ok.targetGroups[0]!.input.attributes?.['albatross.retry.enabled'], 'false');
  try {
    parseConfigText(file('5000'));
    assert.fail('accepted');
  } catch (err) {
    assert.ok(err instanceof AlbatrossError);
    assert.deepEqual(err.problems.map((p) => p.path), ['targetGroups[0].attributes.albatross.outlier_detection.consecutive_5xx']);
    assert.match(err.problems[0]!.message, /from 0 to 1000, got 5000/);
  }
});
