/*
 * ALB's condition wildcards as the rules compile them: `*` is zero or more characters, `?` one;
 * the whole value must match; case folding only where ALB folds; `\*` and `\?` as literals in
 * query-string values; matching a range of a longer string sees only that range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWildcard, wildcardMatches } from '../../src/dataplane/routing/wildcard.ts';

const exact = { caseInsensitive: false, escapes: false };
const caseless = { caseInsensitive: true, escapes: false };
const query = { caseInsensitive: true, escapes: true };

function matches(pattern: string, input: string, options = exact): boolean {
  return wildcardMatches(compileWildcard(pattern, options), input, 0, input.length);
}

test('each pattern shape matches what ALB would and nothing else', () => {
  const cases: Array<[string, string, boolean]> = [
    // exact
    ['/health', '/health', true],
    ['/health', '/health/', false],
    ['/health', '/healt', false],
    ['/health', '', false],
    // prefix
    ['/img/*', '/img/', true],
    ['/img/*', '/img/a/b.png', true],
    ['/img/*', '/img', false],
    ['/img/*', '/images/a', false],
    // suffix
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.example.com.evil', false],
    // contains
    ['*Chrome*', 'Mozilla Chrome/120', true],
    ['*Chrome*', 'Chrome', true],
    ['*Chrome*', 'Firefox', false],
    // any
    ['*', '', true],
    ['*', 'anything', true],
    ['**', 'x', true],
    // question marks
    ['/v?/x', '/v1/x', true],
    ['/v?/x', '/v10/x', false],
    ['/v?/x', '/v/x', false],
    ['???', 'abc', true],
    ['???', 'ab', false],
    // general globs, with backtracking
    ['/api/*/items/*', '/api/v1/items/7', true],
    ['/api/*/items/*', '/api/v1/things/7', false],
    ['*a*b*c', 'xxaxxbxxc', true],
    ['*a*b*c', 'xxaxxbxxcx', false],
    ['a*b?c', 'aXXbYc', true],
    ['a*b?c', 'abbbc', true],
    ['a*b?c', 'abc', false],
    ['*ab', 'aaab', true],
    ['a*a*a', 'aa', false],
    ['a*a*a', 'aaa', true],
  ];
  for (const [pattern, input, expected] of cases) {
    assert.equal(matches(pattern, input), expected, `${pattern} vs ${JSON.stringify(input)}`);
  }
});

test('case: exact unless the condition folds case (headers and query strings)', () => {
  assert.equal(matches('/Img/*', '/img/a'), false);
  assert.equal(matches('/Img/*', '/Img/a'), true);
  const cases: Array<[string, string]> = [
    ['Mobile', 'mobile'],
    ['*chrome*', 'Mozilla CHROME/1'],
    ['v?-BETA', 'V1-beta'],
    ['ABC*', 'abcdef'],
    ['*.EXAMPLE.com', 'www.example.COM'],
    ['a*B*c', 'A-b-C'],
  ];
  for (const [pattern, input] of cases) {
    assert.equal(matches(pattern, input, caseless), true, `${pattern} vs ${input}`);
    assert.equal(matches(pattern, input, exact), false, `${pattern} vs ${input} with case`);
  }
  // Folding is ASCII letters only: other characters still compare exactly.
  assert.equal(matches('a-b', 'A_B', caseless), false);
});

test('query-string values escape the wildcards with a backslash', () => {
  assert.equal(matches('a\\*b', 'a*b', query), true);
  assert.equal(matches('a\\*b', 'axxb', query), false);
  assert.equal(matches('what\\?', 'what?', query), true);
  assert.equal(matches('what\\?', 'whatx', query), false);
  assert.equal(matches('c:\\\\*', 'c:\\dir', query), true);
  // Without escapes (the other conditions) the backslash is an ordinary character.
  assert.equal(matches('a\\*b', 'a\\xyzb', caseless), true);
  // A backslash before another character is itself.
  assert.equal(matches('a\\b', 'a\\b', query), true);
});

test('a range of a longer string is matched on its own', () => {
  const s = 'k1=alpha&k2=BETA&k3=gamma';
  const cases: Array<[string, number, number, boolean]> = [
    ['alpha', 3, 8, true],
    ['alph', 3, 8, false],
    ['alpha*', 3, 8, true],
    ['*pha', 3, 8, true],
    ['*lph*', 3, 8, true],
    ['beta', 12, 16, true],
    ['*beta', 12, 16, true],
    ['b?ta', 12, 16, true],
    ['*gamma*', 12, 16, false],
    ['*&*', 3, 8, false],
    ['*', 8, 8, true],
  ];
  for (const [pattern, from, to, expected] of cases) {
    assert.equal(wildcardMatches(compileWildcard(pattern, query), s, from, to), expected, `${pattern} in [${from}, ${to})`);
  }
});
