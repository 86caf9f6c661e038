/*
 * source-ip conditions: client addresses of both families (compressed IPv6, embedded IPv4, zone
 * ids, IPv4-mapped IPv6 as IPv4) against CIDR blocks of every prefix length, and garbage that
 * must never match.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, compileCidr, parseIp } from '../../src/dataplane/routing/source-ip.ts';

const words = new Uint32Array(4);

function inside(cidr: string, ip: string): boolean {
  const family = parseIp(ip, words);
  if (family === 0) return false;
  return cidrContains(compileCidr(cidr), family, words);
}

test('addresses parse to the right family and words', () => {
  const cases: Array<[string, 0 | 4 | 6, number[]]> = [
    ['192.0.2.1', 4, [0xc0000201]],
    ['0.0.0.0', 4, [0]],
    ['255.255.255.255', 4, [0xffffffff]],
    ['::ffff:192.0.2.1', 4, [0xc0000201]],
    ['::FFFF:c000:0201', 4, [0xc0000201]],
    ['::1', 6, [0, 0, 0, 1]],
    ['::', 6, [0, 0, 0, 0]],
    ['2001:db8::1', 6, [0x20010db8, 0, 0, 1]],
    ['2001:DB8:0:0:1:2:3:4', 6, [0x20010db8, 0, 0x00010002, 0x00030004]],
    ['fe80::1%eth0', 6, [0xfe800000, 0, 0, 1]],
    ['1::', 6, [0x00010000, 0, 0, 0]],
    ['1:2:3:4:5:6:7::', 6, [0x00010002, 0x00030004, 0x00050006, 0x00070000]],
    ['::2:3:4:5:6:7:8', 6, [0x00000002, 0x00030004, 0x00050006, 0x00070008]],
    ['64:ff9b::192.0.2.33', 6, [0x0064ff9b, 0, 0, 0xc0000221]],
  ];
  for (const [ip, family, expected] of cases) {
    const out = new Uint32Array(4);
    assert.equal(parseIp(ip, out), family, ip);
    assert.deepEqual([...out.subarray(0, expected.length)], expected, ip);
  }
});

test('malformed addresses are not addresses', () => {
  for (const ip of [
    '', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.4a', '1..2.3', '01234.1.1.1', 'a.b.c.d',
    ':', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::1', '1:2:3:4:5:6:7:8::', 'g::1', '1:', ':1', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4',
  ]) {
    assert.equal(parseIp(ip, words), 0, JSON.stringify(ip));
  }
});

test('CIDR blocks contain exactly their addresses, across word boundaries', () => {
  const cases: Array<[string, string, boolean]> = [
    ['192.0.2.0/24', '192.0.2.0', true],
    ['192.0.2.0/24', '192.0.2.255', true],
    ['192.0.2.0/24', '192.0.3.0', false],
    ['198.51.100.10/32', '198.51.100.10', true],
    ['198.51.100.10/32', '198.51.100.11', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['128.0.0.0/1', '200.1.1.1', true],
    ['128.0.0.0/1', '127.255.255.255', false],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true],
    // Families never mix.
    ['0.0.0.0/0', '::1', false],
    ['::/0', '10.0.0.1', false],
    ['::/0', '2001:db8::1', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::/33', '2001:db8:7fff::', true],
    ['2001:db8::/33', '2001:db8:8000::', false],
    ['2001:db8:1:2::/64', '2001:db8:1:2:ffff:ffff:ffff:ffff', true],
    ['2001:db8:1:2::/64', '2001:db8:1:3::', false],
    ['2001:db8::1/128', '2001:db8::1', true],
    ['2001:db8::1/128', '2001:db8::2', false],
    ['fe80::/10', 'fe80::1%lo', true],
    ['fe80::/10', 'febf::1', true],
    ['fe80::/10', 'fec0::1', false],
  ];
  for (const [cidr, ip, expected] of cases) assert.equal(inside(cidr, ip), expected, `${ip} in ${cidr}`);
});

test('a string that is not a CIDR block does not compile', () => {
  assert.throws(() => compileCidr('10.0.0.0'), /not a CIDR block/);
  assert.throws(() => compileCidr('10.0.0.0/33'), /not a CIDR block/);
});
