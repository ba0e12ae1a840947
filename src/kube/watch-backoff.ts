/**
 * How long a broken list/watch waits before trying again: doubling from a
 * base up to a cap, so an API server outage is not met with a request storm
 * from seven kinds at once, and a short blip is retried quickly.
 */
export interface BackoffPolicy {
  /** Wait after the first failure. */
  baseMs: number;
  /** Never wait longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 30_000 };

/** The wait before retry number `failures` (1 = after the first failure in a row). */
export function backoffDelay(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (failures < 1) return 0;
  // Capping the exponent first keeps 2 ** n finite however long an outage lasts.
  const exponent = Math.min(failures - 1, 30);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}
