/** IP ranges as numbers: parsing, host bits, and overlap between two ranges of either family. */
import { describe, expect, it } from 'vitest';
import { overlaps, parseCidr } from '../../../src/magnum/cidr.js';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', 4, 10n << 24n, false],
    ['10.0.0.5/24', 4, (10n << 24n), true],
    ['0.0.0.0/0', 4, 0n, false],
    ['255.255.255.255/32', 4, 0xffffffffn, false],
    ['fd00::/8', 6, 0xfdn << 120n, false],
    ['2001:db8::1/64', 6, 0x20010db8n << 96n, true],
    ['::ffff:10.0.0.0/120', 6, (0xffffn << 32n) + (10n << 24n), false],
    ['::/0', 6, 0n, false],
  ])('%s is IPv%i starting at its network address', (text, family, first, hostBitsSet) => {
    expect(parseCidr(text)).toEqual({ family, first, prefix: Number(text.split('/')[1]), hostBitsSet, text });
  });

  it.each(['10.0.0.0', '10.0.0.0/33', '10.0.0/24', '010.0.0.0/8', 'fd00::/129', 'dead/16', '10.0.0.0/8/8', ' 10.0.0.0/8', 'fe80::1%eth0/64'])('%j is refused', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe('overlaps', () => {
  it.each([
    ['10.0.0.0/16', '10.0.128.0/17', true],
    ['10.0.0.0/16', '10.1.0.0/16', false],
    ['172.16.0.0/13', '172.23.255.0/24', true],
    ['172.16.0.0/13', '172.24.0.0/13', false],
    ['0.0.0.0/0', '192.168.0.0/16', true],
    ['10.0.0.0/8', 'fd00::/8', false],
    ['fd00::/64', 'fd00::1:0/112', true],
    ['fd00::/64', 'fd00:0:0:1::/64', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(overlaps(parseCidr(a)!, parseCidr(b)!)).toBe(expected);
    expect(overlaps(parseCidr(b)!, parseCidr(a)!)).toBe(expected);
  });
});
