/*
 * The rules actions run directly against a real SQLite store: create rules with every condition
 * type in both of ALB's forms, describe them (with the default rule last), modify, re-prioritise
 * all-or-nothing and delete them; every error path answers ALB's code and leaves the store as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildLoadBalancer, buildTargetGroup, defaultArnContext, defaultRuleArn, listenerArn, loadBalancerArn, normalizeActions,
  targetGroupArn, type Listener,
} from '../../../src/model/index.ts';
import { harness, list, type Harness } from './store-harness.ts';

const tg1 = targetGroupArn(defaultArnContext, 'tg-one', '1111111111111111');
const tg2 = targetGroupArn(defaultArnContext, 'tg-two', '2222222222222222');
const lbArn = loadBalancerArn(defaultArnContext, 'web', 'aaaaaaaaaaaaaaaa');
const l80 = listenerArn(lbArn, 'bbbbbbbbbbbbbbbb');
const l81 = listenerArn(lbArn, 'cccccccccccccccc');

async function setup(): Promise<Harness> {
  const h = await harness();
  await h.store.transaction(async (tx) => {
    await tx.putTargetGroup(buildTargetGroup({ name: 'tg-one', port: 8080 }, tg1, 1));
    await tx.putTargetGroup(buildTargetGroup({ name: 'tg-two', port: 8081 }, tg2, 1));
    await tx.putLoadBalancer(buildLoadBalancer({ name: 'web' }, lbArn, 1));
    for (const [arn, port] of [[l80, 80], [l81, 81]] as const) {
      const listener: Listener = {
        arn, loadBalancerArn: lbArn, protocol: 'HTTP', port, certificates: [],
        defaultActions: normalizeActions([{ type: 'forward', targetGroupArn: tg1 }]),
      };
      await tx.putListener(listener);
    }
  });
  return h;
}

const forwardTo = (arn: string) => ({ 'Actions.member.1.Type': 'forward', 'Actions.member.1.TargetGroupArn': arn });

async function createRule(h: Harness, priority: number, conditions: Record<string, string>, listener = l80): Promise<string> {
  const out = await h.call('elasticloadbalancing', 'CreateRule', { ListenerArn: listener, Priority: String(priority), ...conditions, ...forwardTo(tg2) });
  return list(out!.Rules)[0]!.RuleArn as string;
}

const pathCondition = (p: string) => ({ 'Conditions.member.1.Field': 'path-pattern', 'Conditions.member.1.Values.member.1': p });

test('CreateRule stores a rule and answers it in ALB shape, both condition forms shown', async () => {
  const h = await setup();
  const out = await h.call('elasticloadbalancing', 'CreateRule', {
    ListenerArn: l80, Priority: '10',
    'Conditions.member.1.Field': 'path-pattern', 'Conditions.member.1.Values.member.1': '/img/*',
    'Conditions.member.2.Field': 'host-header', 'Conditions.member.2.HostHeaderConfig.Values.member.1': '*.Example.com',
    'Conditions.member.3.Field': 'http-header', 'Conditions.member.3.HttpHeaderConfig.HttpHeaderName': 'User-Agent',
    'Conditions.member.3.HttpHeaderConfig.Values.member.1': '*Chrome*',
    ...forwardTo(tg2),
    'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'web',
  });
  const rule = list(out!.Rules)[0]!;
  assert.match(rule.RuleArn as string, /^arn:aws:elasticloadbalancing:local:000000000000:listener-rule\/app\/web\/aaaaaaaaaaaaaaaa\/bbbbbbbbbbbbbbbb\/[0-9a-f]{16}$/);
  assert.equal(rule.Priority, '10');
  assert.equal(rule.IsDefault, false);
  assert.deepEqual(rule.Conditions, [
    { Field: 'path-pattern', Values: ['/img/*'], PathPatternConfig: { Values: ['/img/*'] } },
    { Field: 'host-header', Values: ['*.Example.com'], HostHeaderConfig: { Values: ['*.Example.com'] } },
    { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'User-Agent', Values: ['*Chrome*'] } },
  ]);
  const action = list(rule.Actions)[0]!;
  assert.equal(action.Type, 'forward');
  assert.equal(action.TargetGroupArn, tg2);
  const stored = await h.store.transaction((tx) => tx.getRule(rule.RuleArn as string));
  assert.equal(stored?.priority, 10);
  assert.equal(stored?.listenerArn, l80);
  assert.deepEqual(await h.store.transaction((tx) => tx.getTags(rule.RuleArn as string)), { team: 'web' });
});

test('CreateRule takes query-string, http-request-method and source-ip conditions', async () => {
  const h = await setup();
  const out = await h.call('elasticloadbalancing', 'CreateRule', {
    ListenerArn: l80, Priority: '1',
    'Conditions.member.1.Field': 'query-string',
    'Conditions.member.1.QueryStringConfig.Values.member.1.Key': 'version', 'Conditions.member.1.QueryStringConfig.Values.member.1.Value': 'v1',
    'Conditions.member.1.QueryStringConfig.Values.member.2.Value': '*example*',
    'Conditions.member.2.Field': 'http-request-method', 'Conditions.member.2.HttpRequestMethodConfig.Values.member.1': 'GET',
    'Conditions.member.3.Field': 'source-ip', 'Conditions.member.3.SourceIpConfig.Values.member.1': '192.0.2.0/24',
    'Actions.member.1.Type': 'fixed-response', 'Actions.member.1.FixedResponseConfig.StatusCode': '404',
  });
  const rule = list(out!.Rules)[0]!;
  assert.deepEqual(rule.Conditions, [
    { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'version', Value: 'v1' }, { Key: undefined, Value: '*example*' }] } },
    { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET'] } },
    { Field: 'source-ip', SourceIpConfig: { Values: ['192.0.2.0/24'] } },
  ]);
  assert.equal(list(rule.Actions)[0]!.Type, 'fixed-response');
});

test('CreateRule refuses bad input with ALB codes and changes nothing', async () => {
  const h = await setup();
  await createRule(h, 5, pathCondition('/a'));
  const base = { ListenerArn: l80, Priority: '6', ...forwardTo(tg2) };
  const cond = (n: number, field: string, rest: Record<string, string>) => ({
    [`Conditions.member.${n}.Field`]: field,
    ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [`Conditions.member.${n}.${k}`, v])),
  });
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, Priority: '5', ...pathCondition('/b') }, 'PriorityInUse', /Priority '5'/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, Priority: '0', ...pathCondition('/b') }, 'ValidationError', /1 to 50000/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, Priority: '50001', ...pathCondition('/b') }, 'ValidationError');
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, Priority: 'x', ...pathCondition('/b') }, 'ValidationError');
  await h.fails('elasticloadbalancing', 'CreateRule', { ListenerArn: l80, ...pathCondition('/b'), ...forwardTo(tg2) }, 'MissingParameter');
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ListenerArn: listenerArn(lbArn, 'dddddddddddddddd'), ...pathCondition('/b') }, 'ListenerNotFound');
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ListenerArn: 'not-an-arn', ...pathCondition('/b') }, 'ValidationError');
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...pathCondition('/b'), ...forwardTo(targetGroupArn(defaultArnContext, 'gone', '9999999999999999')) }, 'TargetGroupNotFound');
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base }, 'MissingParameter', /Conditions/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, 'Conditions.member.1.Field': 'cookie', 'Conditions.member.1.Values.member.1': 'x' }, 'ValidationError', /must be one of/);
  // host-header: characters, a '.', only letters after the last '.', at most 128 characters.
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'host-header', { 'Values.member.1': 'exa_mple.com' }) }, 'ValidationError', /can contain only/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'host-header', { 'Values.member.1': 'localhost' }) }, 'ValidationError', /at least one '\.'/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'host-header', { 'Values.member.1': 'example.c0m' }) }, 'ValidationError', /alphabetical/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'host-header', { 'Values.member.1': `${'a'.repeat(125)}.com` }) }, 'ValidationError', /at most 128/);
  // path-pattern characters; Values takes one value; Values and the config are exclusive.
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'path-pattern', { 'Values.member.1': '/a b' }) }, 'ValidationError', /Path pattern/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'path-pattern', { 'Values.member.1': '/a', 'Values.member.2': '/b' }) }, 'ValidationError', /PathPatternConfig/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'path-pattern', { 'Values.member.1': '/a', 'PathPatternConfig.Values.member.1': '/b' }) }, 'ValidationError', /not both/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'path-pattern', { 'HostHeaderConfig.Values.member.1': 'a.com' }) }, 'ValidationError', /does not go with/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'source-ip', { 'Values.member.1': '10.0.0.0/8' }) }, 'ValidationError', /only for host-header and path-pattern/);
  // http-header name: token characters, 40 at most, no wildcards, not Host.
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'http-header', { 'HttpHeaderConfig.HttpHeaderName': 'X Bad', 'HttpHeaderConfig.Values.member.1': 'a' }) }, 'ValidationError', /token characters/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'http-header', { 'HttpHeaderConfig.HttpHeaderName': 'X-*', 'HttpHeaderConfig.Values.member.1': 'a' }) }, 'ValidationError', /wildcards/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'http-header', { 'HttpHeaderConfig.HttpHeaderName': 'x'.repeat(41), 'HttpHeaderConfig.Values.member.1': 'a' }) }, 'ValidationError', /at most 40/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'http-header', { 'HttpHeaderConfig.HttpHeaderName': 'Host', 'HttpHeaderConfig.Values.member.1': 'a.com' }) }, 'ValidationError', /host-header/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'http-header', { 'HttpHeaderConfig.Values.member.1': 'a' }) }, 'ValidationError', /HttpHeaderName is required/);
  // http-request-method: A-Z, '-', '_'.
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'http-request-method', { 'HttpRequestMethodConfig.Values.member.1': 'get' }) }, 'ValidationError', /A-Z/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'http-request-method', { 'HttpRequestMethodConfig.Values.member.1': 'G'.repeat(41) }) }, 'ValidationError', /at most 40/);
  // query-string: Value is required; a pair is at most 128 characters.
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'query-string', { 'QueryStringConfig.Values.member.1.Key': 'k' }) }, 'ValidationError', /Value is required/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'query-string', { 'QueryStringConfig.Values.member.1.Key': 'k'.repeat(64), 'QueryStringConfig.Values.member.1.Value': 'v'.repeat(65) }) }, 'ValidationError', /at most 128/);
  // source-ip: CIDR blocks.
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'source-ip', { 'SourceIpConfig.Values.member.1': '10.0.0.300/8' }) }, 'ValidationError', /malformed/);
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'source-ip', { 'SourceIpConfig.Values.member.1': '10.0.0.1' }) }, 'ValidationError', /malformed/);
  // One host-header / path-pattern / http-request-method / source-ip per rule.
  await h.fails('elasticloadbalancing', 'CreateRule', { ...base, ...cond(1, 'path-pattern', { 'Values.member.1': '/a' }), ...cond(2, 'path-pattern', { 'Values.member.1': '/b' }) }, 'ValidationError', /only one 'path-pattern'/);
  // Limits: 3 values per condition, 5 per rule, 5 wildcards per rule.
  await h.fails('elasticloadbalancing', 'CreateRule', {
    ...base, ...cond(1, 'path-pattern', { 'PathPatternConfig.Values.member.1': '/a', 'PathPatternConfig.Values.member.2': '/b', 'PathPatternConfig.Values.member.3': '/c', 'PathPatternConfig.Values.member.4': '/d' }),
  }, 'TooManyConditionValues', /at most 3 values/);
  await h.fails('elasticloadbalancing', 'CreateRule', {
    ...base,
    ...cond(1, 'path-pattern', { 'PathPatternConfig.Values.member.1': '/a', 'PathPatternConfig.Values.member.2': '/b', 'PathPatternConfig.Values.member.3': '/c' }),
    ...cond(2, 'host-header', { 'HostHeaderConfig.Values.member.1': 'a.com', 'HostHeaderConfig.Values.member.2': 'b.com', 'HostHeaderConfig.Values.member.3': 'c.com' }),
  }, 'TooManyConditionValues', /at most 5 condition values/);
  await h.fails('elasticloadbalancing', 'CreateRule', {
    ...base,
    ...cond(1, 'path-pattern', { 'PathPatternConfig.Values.member.1': '/*/*/*' }),
    ...cond(2, 'host-header', { 'HostHeaderConfig.Values.member.1': '*.?.com', 'HostHeaderConfig.Values.member.2': 'x*.com' }),
  }, 'ValidationError', /at most 5 wildcards/);
  // Actions come from the listeners' shared parser: a type is required.
  await h.fails('elasticloadbalancing', 'CreateRule', { ListenerArn: l80, Priority: '7', ...pathCondition('/b'), 'Actions.member.1.TargetGroupArn': tg2 }, 'ValidationError', /Type is required/);
  // Escaped wildcards in query strings do not count.
  await createRule(h, 8, {
    ...cond(1, 'query-string', { 'QueryStringConfig.Values.member.1.Value': '\\*\\*\\*\\*\\*\\*' }),
    ...cond(2, 'path-pattern', { 'Values.member.1': '/*' }),
  });
});

test('TooManyRules: ALB counts 100 rules per load balancer, across its listeners', async () => {
  const h = await setup();
  for (let i = 1; i <= 99; i++) await createRule(h, i, pathCondition(`/p${i}`));
  await createRule(h, 1, pathCondition('/other'), l81);
  await h.fails('elasticloadbalancing', 'CreateRule', { ListenerArn: l80, Priority: '100', ...pathCondition('/x'), ...forwardTo(tg2) }, 'TooManyRules');
});

test('DescribeRules lists by priority with the default rule last, pages, and finds rules by ARN', async () => {
  const h = await setup();
  const r20 = await createRule(h, 20, pathCondition('/b'));
  const r10 = await createRule(h, 10, pathCondition('/a'));
  await createRule(h, 5, pathCondition('/other'), l81);
  const all = list((await h.call('elasticloadbalancing', 'DescribeRules', { ListenerArn: l80 }))!.Rules);
  assert.deepEqual(all.map((r) => r.Priority), ['10', '20', 'default']);
  const def = all[2]!;
  assert.equal(def.IsDefault, true);
  assert.equal(def.RuleArn, defaultRuleArn(l80));
  assert.deepEqual(def.Conditions, []);
  assert.equal(list(def.Actions)[0]!.TargetGroupArn, tg1);
  // The default rule's ARN is stable and differs per listener.
  assert.notEqual(defaultRuleArn(l80), defaultRuleArn(l81));
  assert.equal(defaultRuleArn(l80), list((await h.call('elasticloadbalancing', 'DescribeRules', { ListenerArn: l80 }))!.Rules)[2]!.RuleArn);

  const page1 = await h.call('elasticloadbalancing', 'DescribeRules', { ListenerArn: l80, PageSize: '2' });
  assert.deepEqual(list(page1!.Rules).map((r) => r.Priority), ['10', '20']);
  const page2 = await h.call('elasticloadbalancing', 'DescribeRules', { ListenerArn: l80, PageSize: '2', Marker: page1!.NextMarker as string });
  assert.deepEqual(list(page2!.Rules).map((r) => r.Priority), ['default']);
  assert.equal(page2!.NextMarker, undefined);

  const byArn = await h.call('elasticloadbalancing', 'DescribeRules', { 'RuleArns.member.1': r20, 'RuleArns.member.2': defaultRuleArn(l81), 'RuleArns.member.3': r10 });
  assert.deepEqual(list(byArn!.Rules).map((r) => [r.RuleArn, r.Priority]), [[r20, '20'], [defaultRuleArn(l81), 'default'], [r10, '10']]);

  await h.fails('elasticloadbalancing', 'DescribeRules', {}, 'ValidationError', /ListenerArn or RuleArns/);
  await h.fails('elasticloadbalancing', 'DescribeRules', { ListenerArn: l80, 'RuleArns.member.1': r10 }, 'ValidationError', /not both/);
  await h.fails('elasticloadbalancing', 'DescribeRules', { ListenerArn: listenerArn(lbArn, 'dddddddddddddddd') }, 'ListenerNotFound');
  await h.fails('elasticloadbalancing', 'DescribeRules', { 'RuleArns.member.1': r10.replace(/[0-9a-f]{16}$/, '0000000000000000') }, 'RuleNotFound');
  await h.fails('elasticloadbalancing', 'DescribeRules', { 'RuleArns.member.1': tg1 }, 'ValidationError');
  await h.fails('elasticloadbalancing', 'DescribeRules', { ListenerArn: l80, PageSize: '401' }, 'ValidationError');
  await h.fails('elasticloadbalancing', 'DescribeRules', { ListenerArn: l80, Marker: 'garbage!' }, 'ValidationError');
});

test('ModifyRule changes conditions and actions; on the default rule it changes the listener default actions', async () => {
  const h = await setup();
  const arn = await createRule(h, 10, pathCondition('/a'));
  const out = await h.call('elasticloadbalancing', 'ModifyRule', {
    RuleArn: arn, 'Conditions.member.1.Field': 'host-header', 'Conditions.member.1.HostHeaderConfig.Values.member.1': 'api.example.com',
  });
  const rule = list(out!.Rules)[0]!;
  assert.deepEqual(rule.Conditions, [{ Field: 'host-header', Values: ['api.example.com'], HostHeaderConfig: { Values: ['api.example.com'] } }]);
  assert.equal(list(rule.Actions)[0]!.TargetGroupArn, tg2, 'actions not given are kept');
  assert.equal(rule.Priority, '10');

  const out2 = await h.call('elasticloadbalancing', 'ModifyRule', { RuleArn: arn, ...forwardTo(tg1) });
  assert.equal(list(list(out2!.Rules)[0]!.Actions)[0]!.TargetGroupArn, tg1);
  assert.equal((await h.store.transaction((tx) => tx.getRule(arn)))!.conditions[0]!.field, 'host-header', 'conditions not given are kept');

  const def = defaultRuleArn(l80);
  const out3 = await h.call('elasticloadbalancing', 'ModifyRule', { RuleArn: def, ...forwardTo(tg2) });
  assert.equal(list(out3!.Rules)[0]!.IsDefault, true);
  const listener = await h.store.transaction((tx) => tx.getListener(l80));
  assert.equal(listener!.defaultActions[0]!.type === 'forward' && listener!.defaultActions[0]!.targetGroupArn, tg2);

  await h.fails('elasticloadbalancing', 'ModifyRule', { RuleArn: def, ...pathCondition('/x') }, 'OperationNotPermitted', /default rule/);
  await h.fails('elasticloadbalancing', 'ModifyRule', { RuleArn: arn, ...forwardTo(targetGroupArn(defaultArnContext, 'gone', '9999999999999999')) }, 'TargetGroupNotFound');
  await h.fails('elasticloadbalancing', 'ModifyRule', { RuleArn: arn, 'Conditions.member.1.Field': 'path-pattern', 'Conditions.member.1.Values.member.1': '/a b' }, 'ValidationError', /Path pattern/);
  await h.fails('elasticloadbalancing', 'ModifyRule', { RuleArn: def.replace(/[0-9a-f]{16}$/, '0123456789abcdef'), ...forwardTo(tg1) }, 'RuleNotFound');
  await h.fails('elasticloadbalancing', 'ModifyRule', {}, 'MissingParameter');
});

test('SetRulePriorities swaps priorities in one go, and is all-or-nothing', async () => {
  const h = await setup();
  const a = await createRule(h, 1, pathCondition('/a'));
  const b = await createRule(h, 2, pathCondition('/b'));
  const c = await createRule(h, 3, pathCondition('/c'));
  const out = await h.call('elasticloadbalancing', 'SetRulePriorities', {
    'RulePriorities.member.1.RuleArn': a, 'RulePriorities.member.1.Priority': '2',
    'RulePriorities.member.2.RuleArn': b, 'RulePriorities.member.2.Priority': '1',
  });
  assert.deepEqual(list(out!.Rules).map((r) => [r.RuleArn, r.Priority]), [[b, '1'], [a, '2']]);
  const listed = list((await h.call('elasticloadbalancing', 'DescribeRules', { ListenerArn: l80 }))!.Rules);
  assert.deepEqual(listed.map((r) => [r.RuleArn, r.Priority]), [[b, '1'], [a, '2'], [c, '3'], [defaultRuleArn(l80), 'default']]);

  // a → 3 clashes with c, which is not moved: nothing changes, not even b → 10.
  await h.fails('elasticloadbalancing', 'SetRulePriorities', {
    'RulePriorities.member.1.RuleArn': b, 'RulePriorities.member.1.Priority': '10',
    'RulePriorities.member.2.RuleArn': a, 'RulePriorities.member.2.Priority': '3',
  }, 'PriorityInUse', /Priority '3'/);
  await h.fails('elasticloadbalancing', 'SetRulePriorities', {
    'RulePriorities.member.1.RuleArn': a, 'RulePriorities.member.1.Priority': '7',
    'RulePriorities.member.2.RuleArn': b, 'RulePriorities.member.2.Priority': '7',
  }, 'PriorityInUse');
  await h.fails('elasticloadbalancing', 'SetRulePriorities', {
    'RulePriorities.member.1.RuleArn': a, 'RulePriorities.member.1.Priority': '7',
    'RulePriorities.member.2.RuleArn': defaultRuleArn(l80), 'RulePriorities.member.2.Priority': '8',
  }, 'OperationNotPermitted');
  await h.fails('elasticloadbalancing', 'SetRulePriorities', {
    'RulePriorities.member.1.RuleArn': a, 'RulePriorities.member.1.Priority': '7',
    'RulePriorities.member.2.RuleArn': a.replace(/[0-9a-f]{16}$/, '0000000000000000'), 'RulePriorities.member.2.Priority': '8',
  }, 'RuleNotFound');
  await h.fails('elasticloadbalancing', 'SetRulePriorities', {
    'RulePriorities.member.1.RuleArn': a, 'RulePriorities.member.1.Priority': '7',
    'RulePriorities.member.2.RuleArn': a, 'RulePriorities.member.2.Priority': '8',
  }, 'ValidationError', /more than once/);
  await h.fails('elasticloadbalancing', 'SetRulePriorities', { 'RulePriorities.member.1.RuleArn': a, 'RulePriorities.member.1.Priority': '50001' }, 'ValidationError');
  await h.fails('elasticloadbalancing', 'SetRulePriorities', {}, 'MissingParameter');
  // A rotation (1→2, 2→3, 3→1) works although every step alone would clash.
  await h.call('elasticloadbalancing', 'SetRulePriorities', {
    'RulePriorities.member.1.RuleArn': b, 'RulePriorities.member.1.Priority': '2',
    'RulePriorities.member.2.RuleArn': a, 'RulePriorities.member.2.Priority': '3',
    'RulePriorities.member.3.RuleArn': c, 'RulePriorities.member.3.Priority': '1',
  });
  const rotated = await h.store.transaction((tx) => tx.listRules(l80));
  assert.deepEqual(rotated.map((r) => [r.arn, r.priority]), [[c, 1], [b, 2], [a, 3]]);
});

test('DeleteRule removes a rule and its tags; the default rule cannot be deleted', async () => {
  const h = await setup();
  const arn = await h.call('elasticloadbalancing', 'CreateRule', {
    ListenerArn: l80, Priority: '4', ...pathCondition('/a'), ...forwardTo(tg2), 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v',
  }).then((o) => list(o!.Rules)[0]!.RuleArn as string);
  await h.fails('elasticloadbalancing', 'DeleteRule', { RuleArn: defaultRuleArn(l80) }, 'OperationNotPermitted', /default rule/);
  assert.deepEqual(await h.call('elasticloadbalancing', 'DeleteRule', { RuleArn: arn }), {});
  assert.equal(await h.store.transaction((tx) => tx.getRule(arn)), undefined);
  assert.deepEqual(await h.store.transaction((tx) => tx.getTags(arn)), {});
  await h.fails('elasticloadbalancing', 'DeleteRule', { RuleArn: arn }, 'RuleNotFound');
  await h.fails('elasticloadbalancing', 'DeleteRule', { RuleArn: 'arn:aws:elasticloadbalancing:local:000000000000:nope' }, 'ValidationError');
  await h.fails('elasticloadbalancing', 'DeleteRule', {}, 'MissingParameter');
  // The priority is free again.
  await createRule(h, 4, pathCondition('/again'));
});
