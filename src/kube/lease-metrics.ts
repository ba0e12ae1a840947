/** The release leases' series, registered on the service's registry (names `mcs_lease_*`). */
import { Counter, Histogram, type Registry } from 'prom-client';

/** How a wait for a release's lease ended. */
export type AcquireOutcome =
  /** The lease was free (or new, or left by this replica). */
  | 'acquired'
  /** The holder had stopped renewing: this replica took the lease over. */
  | 'taken_over'
  /** Still held elsewhere when the wait ran out: the call answered 503 release_busy. */
  | 'busy'
  /** The management API failed while waiting. */
  | 'error';

export interface LeaseMetrics {
  acquired(outcome: AcquireOutcome, waitedSeconds: number): void;
  /** A renewal the API refused or did not answer; `lost` when another holder had taken the lease. */
  renewalFailed(lost: boolean): void;
  /** A pending helm revision marked failed because its holder's lease was free or expired. */
  unlocked(fromStatus: string): void;
}

export function leaseMetrics(registry: Registry): LeaseMetrics {
  const acquisitions = new Counter({
    name: 'mcs_lease_acquisitions_total',
    help: 'waits for a release lease, by outcome (acquired, taken_over, busy, error)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const wait = new Histogram({
    name: 'mcs_lease_wait_seconds',
    help: 'time a mutating call waited for its release lease, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.05, 0.25, 1, 2.5, 5, 10, 20, 30, 50],
    registers: [registry],
  });
  const renewals = new Counter({
    name: 'mcs_lease_renewal_failures_total',
    help: 'lease renewals that failed while an operation ran; lost="true" when another replica had taken the lease',
    labelNames: ['lost'] as const,
    registers: [registry],
  });
  const unlocks = new Counter({
    name: 'mcs_lease_unlocks_total',
    help: 'pending helm revisions marked failed after their holder was gone, by the status they were left in',
    labelNames: ['from'] as const,
    registers: [registry],
  });
  // Every known series starts at 0, so a dashboard shows "none yet" rather than "no data".
  for (const outcome of ['acquired', 'taken_over', 'busy', 'error'] satisfies AcquireOutcome[]) acquisitions.inc({ outcome }, 0);
  for (const lost of ['true', 'false']) renewals.inc({ lost }, 0);
  for (const from of ['pending-install', 'pending-upgrade', 'pending-rollback']) unlocks.inc({ from }, 0);
  return {
    acquired(outcome, waitedSeconds) {
      acquisitions.inc({ outcome });
      wait.observe({ outcome }, waitedSeconds);
    },
    renewalFailed(lost) {
      renewals.inc({ lost: String(lost) });
    },
    unlocked(from) {
      unlocks.inc({ from });
    },
  };
}
