/*
 * Listener rules as ALB evaluates them: lowest priority first, then the default action; all
 * conditions of a rule must match, any value of a condition may; each field with ALB's case
 * rules, repeated headers tried one by one, query strings percent-decoded, source-ip by CIDR.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRouteTable, routingHost, type RouteRequest, type RouteRule } from '../../src/dataplane/routing/route-table.ts';
import type { RuleCondition } from '../../src/model/index.ts';

function request(over: Partial<RouteRequest> = {}): RouteRequest {
  return { host: 'www.example.com', path: '/', query: '', method: 'GET', rawHeaders: [], clientIp: '192.0.2.10', ...over };
}

/** A table with one rule (priority 1, action 'rule') over the default action 'default'. */
function matches(conditions: RuleCondition[], req: RouteRequest): boolean {
  return compileRouteTable([{ priority: 1, conditions, action: 'rule' }], 'default').match(req) === 'rule';
}

test('rules are tried from the lowest priority, whatever order they come in; the default comes last', () => {
  const rules: RouteRule<string>[] = [
    { priority: 300, conditions: [{ field: 'path-pattern', values: ['*'] }], action: 'catch-all' },
    { priority: 5, conditions: [{ field: 'path-pattern', values: ['/api/*'] }], action: 'api' },
    { priority: 50000, conditions: [{ field: 'host-header', values: ['never.example.com'] }], action: 'never' },
    { priority: 10, conditions: [{ field: 'path-pattern', values: ['/api/v2/*'] }], action: 'api-v2' },
  ];
  const table = compileRouteTable(rules, 'default');
  assert.equal(table.ruleCount, 4);
  assert.equal(table.match(request({ path: '/api/v2/x' })), 'api');
  assert.equal(table.match(request({ path: '/static/a.css' })), 'catch-all');
  const narrow = compileRouteTable(rules.filter((r) => r.action !== 'catch-all'), 'default');
  assert.equal(narrow.match(request({ path: '/static/a.css' })), 'default');
  assert.equal(compileRouteTable([], 'default').match(request()), 'default');
});

test('conditions of a rule must all match; values of one condition are alternatives', () => {
  const conditions: RuleCondition[] = [
    { field: 'host-header', values: ['api.example.com', '*.api.example.com'] },
    { field: 'path-pattern', values: ['/v1/*', '/v2/*'] },
    { field: 'http-request-method', values: ['GET', 'HEAD'] },
  ];
  const cases: Array<[Partial<RouteRequest>, boolean]> = [
    [{ host: 'api.example.com', path: '/v1/users', method: 'GET' }, true],
    [{ host: 'eu.api.example.com', path: '/v2/users', method: 'HEAD' }, true],
    [{ host: 'api.example.com', path: '/v3/users', method: 'GET' }, false],
    [{ host: 'www.example.com', path: '/v1/users', method: 'GET' }, false],
    [{ host: 'api.example.com', path: '/v1/users', method: 'POST' }, false],
  ];
  for (const [over, expected] of cases) assert.equal(matches(conditions, request(over)), expected, JSON.stringify(over));
});

test('host-header ignores case (of the configured value too); routingHost strips the port and lower-cases', () => {
  const cond: RuleCondition[] = [{ field: 'host-header', values: ['*.Example.COM'] }];
  assert.equal(matches(cond, request({ host: routingHost('WWW.EXAMPLE.com:8080') })), true);
  assert.equal(matches(cond, request({ host: routingHost('example.com') })), false);
  const cases: Array<[string, string]> = [
    ['Example.com', 'example.com'],
    ['example.com:80', 'example.com'],
    ['[::1]:8080', '[::1]'],
    ['[2001:DB8::1]', '[2001:db8::1]'],
    ['', ''],
  ];
  for (const [raw, expected] of cases) {
    assert.equal(routingHost(raw), expected, raw);
    assert.equal(routingHost(raw), expected, `${raw} (remembered)`);
  }
});

test('path-pattern is case-sensitive and sees the path only, never the query', () => {
  const cond: RuleCondition[] = [{ field: 'path-pattern', values: ['/Img/*'] }];
  assert.equal(matches(cond, request({ path: '/Img/a.png' })), true);
  assert.equal(matches(cond, request({ path: '/img/a.png' })), false);
  const q: RuleCondition[] = [{ field: 'path-pattern', values: ['*x=1*'] }];
  assert.equal(matches(q, request({ path: '/search', query: 'x=1' })), false);
});

test('http-header: the name and values ignore case; every occurrence of a repeated header is tried', () => {
  const cond: RuleCondition[] = [{ field: 'http-header', httpHeaderName: 'User-Agent', values: ['*Chrome*', '*Safari*'] }];
  const cases: Array<[string[], boolean]> = [
    [['user-agent', 'Mozilla/5.0 chrome/120'], true],
    [['USER-AGENT', 'Mozilla/5.0 SAFARI/17'], true],
    [['User-Agent', 'curl/8.0'], false],
    [[], false],
    [['User-Agent-X', 'Chrome'], false],
    [['x-user-agent', 'Chrome'], false],
  ];
  for (const [raw, expected] of cases) assert.equal(matches(cond, request({ rawHeaders: raw })), expected, JSON.stringify(raw));
  const repeated: RuleCondition[] = [{ field: 'http-header', httpHeaderName: 'x-tenant', values: ['blue'] }];
  assert.equal(matches(repeated, request({ rawHeaders: ['X-Tenant', 'red', 'Accept', '*/*', 'X-Tenant', 'Blue'] })), true);
  // One header with a list is one value: ALB does not split it.
  assert.equal(matches(repeated, request({ rawHeaders: ['X-Tenant', 'red, blue'] })), false);
});

test('http-request-method is exact and case-sensitive', () => {
  const cond: RuleCondition[] = [{ field: 'http-request-method', values: ['POST', 'CUSTOM-METHOD'] }];
  const cases: Array<[string, boolean]> = [['POST', true], ['CUSTOM-METHOD', true], ['post', false], ['GET', false], ['POSTX', false]];
  for (const [method, expected] of cases) assert.equal(matches(cond, request({ method })), expected, method);
});

test('query-string: key/value pairs or values alone, without case, decoded, with wildcards', () => {
  const cond: RuleCondition[] = [{
    field: 'query-string',
    queryStringValues: [{ key: 'version', value: 'v1' }, { value: 'example' }, { key: 'q', value: 'a b*' }],
  }];
  const cases: Array<[string, boolean]> = [
    ['version=v1', true],
    ['a=1&VERSION=V1&b=2', true],
    ['version=v2', false],
    ['v1=version', false],
    ['anything=example', true],
    ['example', false], // a bare key has an empty value
    ['x=EXAMPLE&y', true],
    ['q=a%20b%20c', true],
    ['%71=a%20bc', true],
    ['q=a+b', false], // `+` is not a space outside form encoding
    ['q=a%2', false], // malformed escape: compared as it came
    ['', false],
    ['&&&', false],
    ['version', false],
    ['version=', false],
    ['other=v1', false],
  ];
  for (const [query, expected] of cases) assert.equal(matches(cond, request({ query })), expected, JSON.stringify(query));
  const wild: RuleCondition[] = [{ field: 'query-string', queryStringValues: [{ key: 'id*', value: '1?3' }, { value: 'lit\\*' }] }];
  assert.equal(matches(wild, request({ query: 'idx=123' })), true);
  assert.equal(matches(wild, request({ query: 'idx=1234' })), false);
  assert.equal(matches(wild, request({ query: 'k=lit*' })), true);
  assert.equal(matches(wild, request({ query: 'k=lit%2A' })), true);
  assert.equal(matches(wild, request({ query: 'k=litx' })), false);
});

test('source-ip matches the peer address by CIDR, both families', () => {
  const cond: RuleCondition[] = [{ field: 'source-ip', values: ['192.0.2.0/24', '2001:db8::/32'] }];
  const cases: Array<[string, boolean]> = [
    ['192.0.2.77', true],
    ['::ffff:192.0.2.77', true],
    ['198.51.100.1', false],
    ['2001:db8:1::5', true],
    ['2001:db9::5', false],
    ['', false],
  ];
  for (const [clientIp, expected] of cases) assert.equal(matches(cond, request({ clientIp })), expected, clientIp);
});

test('per-request facts do not leak from one match into the next', () => {
  const table = compileRouteTable([
    { priority: 1, conditions: [{ field: 'query-string', queryStringValues: [{ key: 'a', value: '1' }] }, { field: 'source-ip', values: ['10.0.0.0/8'] }], action: 'both' },
    { priority: 2, conditions: [{ field: 'query-string', queryStringValues: [{ key: 'b', value: '*' }] }], action: 'b' },
    { priority: 3, conditions: [{ field: 'source-ip', values: ['10.0.0.0/8'] }], action: 'ten' },
  ], 'default');
  assert.equal(table.match(request({ query: 'a=1', clientIp: '10.1.1.1' })), 'both');
  assert.equal(table.match(request({ query: 'b=2', clientIp: '192.0.2.1' })), 'b');
  assert.equal(table.match(request({ query: 'a=1', clientIp: '192.0.2.1' })), 'default');
  assert.equal(table.match(request({ query: '', clientIp: '10.9.9.9' })), 'ten');
  assert.equal(table.match(request({ query: 'b=', clientIp: '192.0.2.1' })), 'b');
  assert.equal(table.match(request({ query: 'c=1', clientIp: '192.0.2.1' })), 'default');
});

test('several query-string and http-header conditions in one rule must all match', () => {
  const conditions: RuleCondition[] = [
    { field: 'query-string', queryStringValues: [{ key: 'a', value: '1' }] },
    { field: 'query-string', queryStringValues: [{ key: 'b', value: '2' }] },
    { field: 'http-header', httpHeaderName: 'x-a', values: ['1'] },
    { field: 'http-header', httpHeaderName: 'x-b', values: ['2'] },
  ];
  const headers = ['x-a', '1', 'x-b', '2'];
  assert.equal(matches(conditions, request({ query: 'b=2&a=1', rawHeaders: headers })), true);
  assert.equal(matches(conditions, request({ query: 'a=1', rawHeaders: headers })), false);
  assert.equal(matches(conditions, request({ query: 'b=2&a=1', rawHeaders: ['x-a', '1'] })), false);
});
