import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/kube/watch-backoff.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 500, maxMs: 8000 };
  it.each([
    [0, 0], // no failure yet: no wait
    [1, 500], // first failure: the base
    [2, 1000],
    [3, 2000],
    [5, 8000], // reaches the cap
    [6, 8000], // and stays there
    [10_000, 8000], // a very long outage does not overflow
  ])('after %i failures waits %i ms', (failures, ms) => {
    expect(backoffDelay(failures, policy)).toBe(ms);
  });
});
