/*
 * The model's rule checks, as ALB: condition fields and their two forms, per-field value rules,
 * once-per-rule fields, 3 values per condition, 5 values and 5 wildcards per rule, priorities;
 * every problem is reported at its place with ALB's code. Also the default rule's derived ARN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Problems, checkRuleConditions, checkRulePriority, defaultRuleArn, listenerArnOfRule, normalizeRuleConditions, ruleArn,
  type RuleConditionInput,
} from '../../src/model/index.ts';

function problems(conditions: RuleConditionInput[] | undefined, required = true): string[] {
  const p = new Problems();
  checkRuleConditions(conditions, p, 'conditions', required);
  return p.list.map((x) => `${x.code} ${x.path}: ${x.message}`);
}

test('valid conditions of every field pass, in either form', () => {
  assert.deepEqual(problems([
    { field: 'host-header', values: ['*.example.com'] },
    { field: 'path-pattern', pathPatternConfig: { values: ['/api/*', "/a_b-c.d$e/~\"'@:+&?"] } },
    { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'X-Custom_Header!#$%&\'+.^`|~', values: ['a b c'] } },
  ]), []);
  assert.deepEqual(problems([
    { field: 'http-request-method', httpRequestMethodConfig: { values: ['GET', 'CUSTOM-METHOD_X'] } },
    { field: 'source-ip', sourceIpConfig: { values: ['10.0.0.0/8', '2001:db8::/32'] } },
  ]), []);
  assert.deepEqual(problems([{ field: 'query-string', queryStringConfig: { values: [{ value: 'x' }, { key: 'k', value: 'v*' }] } }]), []);
  assert.deepEqual(problems([{ field: 'host-header', hostHeaderConfig: { values: ['A.EXAMPLE.COM'] } }]), []);
  assert.deepEqual(problems([], false), [], 'the default rule has no conditions');
});

test('a rule needs conditions; fields and forms are checked', () => {
  assert.deepEqual(problems([]), ['ValidationError conditions: A rule must have at least one condition']);
  assert.match(problems([{ values: ['/a'] }])[0]!, /conditions\[0\]\.Field: Field is required/);
  assert.match(problems([{ field: 'Host-Header', values: ['a.com'] }])[0]!, /must be one of/);
  assert.match(problems([{ field: 'path-pattern' }])[0]!, /needs Values or PathPatternConfig/);
  assert.match(problems([{ field: 'source-ip' }])[0]!, /needs SourceIpConfig/);
  assert.match(problems([{ field: 'path-pattern', values: [] }])[0]!, /needs Values or PathPatternConfig/);
  assert.match(problems([{ field: 'path-pattern', pathPatternConfig: { values: [] } }])[0]!, /conditions\[0\]\.PathPatternConfig\.Values: A 'path-pattern' condition needs at least one value/);
  assert.match(problems([{ field: 'http-request-method', values: ['GET'] }])[0]!, /only for host-header and path-pattern/);
  assert.match(problems([{ field: 'host-header', values: ['a.com'], hostHeaderConfig: { values: ['b.com'] } }])[0]!, /not both/);
  assert.match(problems([{ field: 'host-header', values: ['a.com', 'b.com'] }])[0]!, /single host name/);
  assert.match(problems([{ field: 'host-header', hostHeaderConfig: { values: ['a.com'] }, sourceIpConfig: { values: ['10.0.0.0/8'] } }])[0]!, /SourceIpConfig does not go with the field 'host-header'/);
});

test('each field checks its values as ALB does', () => {
  const one = (c: RuleConditionInput) => problems([c]);
  assert.match(one({ field: 'host-header', values: ['exa mple.com'] })[0]!, /conditions\[0\]\.Values\[0\]: Host header/);
  assert.match(one({ field: 'host-header', values: ['example'] })[0]!, /at least one '\.'/);
  assert.match(one({ field: 'host-header', values: ['example.com1'] })[0]!, /alphabetical/);
  assert.deepEqual(one({ field: 'host-header', values: [`${'a'.repeat(124)}.com`] }), []);
  assert.match(one({ field: 'host-header', values: [`${'a'.repeat(125)}.com`] })[0]!, /at most 128/);
  assert.match(one({ field: 'path-pattern', values: ['/a%20b'] })[0]!, /Path pattern/);
  assert.match(one({ field: 'path-pattern', values: ['/' + 'p'.repeat(128)] })[0]!, /at most 128/);
  assert.match(one({ field: 'http-header', httpHeaderConfig: { httpHeaderName: 'X-A', values: ['\u0001'] } })[0]!, /visible ASCII/);
  assert.match(one({ field: 'http-header', httpHeaderConfig: { httpHeaderName: 'X-A', values: ['v'.repeat(129)] } })[0]!, /at most 128/);
  assert.match(one({ field: 'http-header', httpHeaderConfig: { httpHeaderName: 'X(A)', values: ['v'] } })[0]!, /HttpHeaderName: HTTP header name/);
  assert.deepEqual(one({ field: 'http-header', httpHeaderConfig: { httpHeaderName: 'x'.repeat(40), values: ['v'] } }), []);
  assert.match(one({ field: 'http-header', httpHeaderConfig: { httpHeaderName: 'HOST', values: ['v'] } })[0]!, /host-header/);
  assert.match(one({ field: 'http-request-method', httpRequestMethodConfig: { values: ['Get'] } })[0]!, /A-Z/);
  assert.match(one({ field: 'http-request-method', httpRequestMethodConfig: { values: ['GE*'] } })[0]!, /wildcards are not supported/);
  assert.deepEqual(one({ field: 'http-request-method', httpRequestMethodConfig: { values: ['G'.repeat(40)] } }), []);
  assert.match(one({ field: 'http-request-method', httpRequestMethodConfig: { values: ['G'.repeat(41)] } })[0]!, /at most 40/);
  assert.match(one({ field: 'query-string', queryStringConfig: { values: [{ key: 'k' }] } })[0]!, /Value is required/);
  assert.match(one({ field: 'query-string', queryStringConfig: { values: [{ key: '', value: 'v' }] } })[0]!, /Key, when given, must not be empty/);
  assert.deepEqual(one({ field: 'query-string', queryStringConfig: { values: [{ key: 'k'.repeat(64), value: 'v'.repeat(64) }] } }), []);
  assert.match(one({ field: 'query-string', queryStringConfig: { values: [{ key: 'k'.repeat(64), value: 'v'.repeat(65) }] } })[0]!, /at most 128/);
  assert.match(one({ field: 'query-string', queryStringConfig: { values: [{ value: 'v\u007f' }] } })[0]!, /visible ASCII/);
  assert.match(one({ field: 'source-ip', sourceIpConfig: { values: ['10.0.0.0'] } })[0]!, /ValidationError .*malformed/);
  assert.match(one({ field: 'source-ip', sourceIpConfig: { values: ['10.1.0.0/8'] } })[0]!, /did you mean 10\.0\.0\.0\/8/);
  assert.match(one({ field: 'source-ip', sourceIpConfig: { values: ['fe80::1%eth0/64'] } })[0]!, /malformed/);
});

test('host-header, path-pattern, http-request-method and source-ip at most once; http-header and query-string many times', () => {
  for (const field of ['host-header', 'path-pattern'] as const) {
    assert.match(problems([{ field, values: ['a.com'] }, { field, values: ['b.com'] }]).join('\n'), new RegExp(`conditions\\[1\\]\\.Field: A rule can have only one '${field}' condition`));
  }
  assert.match(problems([{ field: 'source-ip', sourceIpConfig: { values: ['10.0.0.0/8'] } }, { field: 'source-ip', sourceIpConfig: { values: ['11.0.0.0/8'] } }])[0]!, /only one 'source-ip'/);
  assert.match(problems([{ field: 'http-request-method', httpRequestMethodConfig: { values: ['GET'] } }, { field: 'http-request-method', httpRequestMethodConfig: { values: ['PUT'] } }])[0]!, /only one/);
  assert.deepEqual(problems([
    { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'A', values: ['1'] } },
    { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'B', values: ['2'] } },
    { field: 'query-string', queryStringConfig: { values: [{ value: '1' }] } },
    { field: 'query-string', queryStringConfig: { values: [{ value: '2' }] } },
  ]), []);
});

test('limits: 3 values per condition, 5 values and 5 wildcards per rule', () => {
  assert.deepEqual(problems([{ field: 'path-pattern', pathPatternConfig: { values: ['/a', '/b', '/c'] } }]), []);
  assert.deepEqual(problems([{ field: 'path-pattern', pathPatternConfig: { values: ['/a', '/b', '/c', '/d'] } }]), [
    "TooManyConditionValues conditions[0].PathPatternConfig.Values: A condition can have at most 3 values, this 'path-pattern' condition has 4",
  ]);
  const five: RuleConditionInput[] = [
    { field: 'path-pattern', pathPatternConfig: { values: ['/a', '/b', '/c'] } },
    { field: 'query-string', queryStringConfig: { values: [{ value: '1' }, { key: 'k', value: '2' }] } },
  ];
  assert.deepEqual(problems(five), []);
  assert.deepEqual(problems([...five, { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'A', values: ['1'] } }]), [
    'TooManyConditionValues conditions: A rule can have at most 5 condition values in all, this one has 6',
  ]);
  assert.deepEqual(problems([{ field: 'path-pattern', values: ['/*/*/*/*/*'] }]), []);
  assert.deepEqual(problems([{ field: 'path-pattern', values: ['/*/*/*/*/?/'] }, { field: 'host-header', values: ['*.a.com'] }]), [
    "ValidationError conditions: A rule can have at most 5 wildcards ('*' or '?') in its conditions, this one has 6",
  ]);
  // Query-string wildcards count in keys and values; escaped ones are literal.
  assert.match(problems([{ field: 'query-string', queryStringConfig: { values: [{ key: '*?*', value: '?*?' }] } }])[0]!, /has 6/);
  assert.deepEqual(problems([{ field: 'query-string', queryStringConfig: { values: [{ key: '\\*\\?\\*', value: '\\?\\*\\?' }] } }]), []);
});

test('normalised conditions keep one form per field', () => {
  assert.deepEqual(normalizeRuleConditions([
    { field: 'host-header', values: ['a.com'] },
    { field: 'path-pattern', pathPatternConfig: { values: ['/x', '/y'] } },
    { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'X-A', values: ['1'] } },
    { field: 'query-string', queryStringConfig: { values: [{ value: 'v' }, { key: 'k', value: 'w' }] } },
    { field: 'http-request-method', httpRequestMethodConfig: { values: ['GET'] } },
    { field: 'source-ip', sourceIpConfig: { values: ['10.0.0.0/8'] } },
  ]), [
    { field: 'host-header', values: ['a.com'] },
    { field: 'path-pattern', values: ['/x', '/y'] },
    { field: 'http-header', httpHeaderName: 'X-A', values: ['1'] },
    { field: 'query-string', queryStringValues: [{ value: 'v' }, { key: 'k', value: 'w' }] },
    { field: 'http-request-method', values: ['GET'] },
    { field: 'source-ip', values: ['10.0.0.0/8'] },
  ]);
});

test('priorities are 1-50000', () => {
  for (const ok of [1, 50000]) {
    const p = new Problems();
    checkRulePriority(ok, p, 'priority');
    assert.ok(p.empty);
  }
  for (const bad of [0, 50001, 1.5, '3', -1]) {
    const p = new Problems();
    checkRulePriority(bad, p, 'priority');
    assert.equal(p.list.length, 1, String(bad));
  }
});

test('the default rule ARN is derived from the listener, stable and distinct', () => {
  const listener = 'arn:aws:elasticloadbalancing:local:000000000000:listener/app/web/0123456789abcdef/00112233445566ff';
  assert.equal(defaultRuleArn(listener), 'arn:aws:elasticloadbalancing:local:000000000000:listener-rule/app/web/0123456789abcdef/00112233445566ff/ffeeddccbbaa9900');
  assert.equal(listenerArnOfRule(defaultRuleArn(listener)), listener);
  assert.equal(listenerArnOfRule(ruleArn(listener, 'aaaaaaaaaaaaaaaa')), listener);
  assert.equal(listenerArnOfRule(listener), undefined);
  assert.equal(listenerArnOfRule('arn:aws:elasticloadbalancing:local:000000000000:listener-rule/app/web/x'), undefined);
});
