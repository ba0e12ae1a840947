/**
 * What a release's Lease says about who may write, as a pure function of the
 * Lease and the clock (table-tested). Expiry is judged by the holder's last
 * renewTime against this replica's clock, so replicas need clocks in step
 * (NTP) to well within the lease duration.
 */

/** The Lease fields the decision reads. */
export interface LeaseRecord {
  holder: string | null;
  renewTime: Date | null;
  durationSeconds: number | null;
}

export type LeaseVerdict =
  /** No holder: the last operation released it. */
  | 'free'
  /** A holder that stopped renewing: dead, or cut off; its operation is over as far as the release goes. */
  | 'expired'
  /** Another holder, renewing: its operation is still running. */
  | 'held'
  /** This replica's own name: left by an operation of ours whose release did not reach the API. */
  | 'ours';

export function judgeLease(lease: LeaseRecord, identity: string, now: Date, defaultDurationSeconds: number): LeaseVerdict {
  if (!lease.holder) return 'free';
  if (lease.holder === identity) return 'ours';
  // A holder with no renew time never proved it was alive.
  if (!lease.renewTime || Number.isNaN(lease.renewTime.getTime())) return 'expired';
  const duration = lease.durationSeconds && lease.durationSeconds > 0 ? lease.durationSeconds : defaultDurationSeconds;
  return lease.renewTime.getTime() + duration * 1000 <= now.getTime() ? 'expired' : 'held';
}

/** Seconds until a held lease expires unless renewed, at least 1: what Retry-After can honestly promise. */
export function secondsUntilExpiry(lease: LeaseRecord, now: Date, defaultDurationSeconds: number): number {
  const duration = lease.durationSeconds && lease.durationSeconds > 0 ? lease.durationSeconds : defaultDurationSeconds;
  const renewed = lease.renewTime?.getTime() ?? now.getTime();
  return Math.max(1, Math.ceil((renewed + duration * 1000 - now.getTime()) / 1000));
}

/** Lease name of a release: one per release, in the release's namespace. */
export function leaseNameFor(release: string): string {
  return `mcs-release-${release}`;
}
