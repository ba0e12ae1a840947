import { describe, expect, it } from 'vitest';
import { judgeLease, leaseNameFor, secondsUntilExpiry, type LeaseRecord, type LeaseVerdict } from '../../../src/kube/lease-state.js';

const NOW = new Date('2026-12-02T01:00:30Z');
const at = (iso: string) => new Date(iso);

describe('judgeLease', () => {
  it.each<[string, LeaseRecord, LeaseVerdict]>([
    ['no holder (released)', { holder: null, renewTime: at('2026-12-02T01:00:29Z'), durationSeconds: 30 }, 'free'],
    ['empty holder', { holder: '', renewTime: null, durationSeconds: 30 }, 'free'],
    ['our own name', { holder: 'me/1', renewTime: at('2026-12-02T01:00:29Z'), durationSeconds: 30 }, 'ours'],
    ['another holder renewing', { holder: 'other/2', renewTime: at('2026-12-02T01:00:20Z'), durationSeconds: 30 }, 'held'],
    ['another holder, one second left', { holder: 'other/2', renewTime: at('2026-12-02T01:00:01Z'), durationSeconds: 30 }, 'held'],
    ['another holder, exactly at expiry', { holder: 'other/2', renewTime: at('2026-12-02T01:00:00Z'), durationSeconds: 30 }, 'expired'],
    ['another holder, long silent', { holder: 'other/2', renewTime: at('2026-12-01T23:00:00Z'), durationSeconds: 30 }, 'expired'],
    ['the holder\'s own duration counts, not ours', { holder: 'other/2', renewTime: at('2026-12-02T01:00:00Z'), durationSeconds: 60 }, 'held'],
    ['no duration: ours counts', { holder: 'other/2', renewTime: at('2026-12-02T01:00:10Z'), durationSeconds: null }, 'held'],
    ['a holder that never renewed', { holder: 'other/2', renewTime: null, durationSeconds: 30 }, 'expired'],
  ])('%s', (_name, lease, verdict) => {
    expect(judgeLease(lease, 'me/1', NOW, 30)).toBe(verdict);
  });
});

describe('secondsUntilExpiry', () => {
  it.each<[LeaseRecord, number]>([
    [{ holder: 'o', renewTime: at('2026-12-02T01:00:20Z'), durationSeconds: 30 }, 20],
    [{ holder: 'o', renewTime: at('2026-12-02T01:00:00Z'), durationSeconds: 30 }, 1],
    [{ holder: 'o', renewTime: null, durationSeconds: 10 }, 10],
  ])('%o → %d', (lease, seconds) => {
    expect(secondsUntilExpiry(lease, NOW, 30)).toBe(seconds);
  });
});

it('names a release lease within the limits of an object name', () => {
  const longest = `${'a'.repeat(40)}-abcdefghijkl`;
  expect(leaseNameFor(longest)).toBe(`mcs-release-${longest}`);
  expect(leaseNameFor(longest).length).toBeLessThanOrEqual(253);
});
