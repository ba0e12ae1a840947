/** An operation the shim lost the answer of: helm's own record decides with Cluster API (issue 14). */
import { describe, expect, it } from 'vitest';
import type { StatusAnswer } from '../../../src/status/cluster.js';
import { awaitingOutcome, decideUnknownOutcome, type RecordedRevision } from '../../../src/status/helm-outcome.js';

const rev = (status: string, description = '', unlocked = false): RecordedRevision => ({ revision: 3, status, description, unlocked });

function answer(status: StatusAnswer['cluster']['status'], reason: string | null, groups: StatusAnswer['cluster']['status'] = status): StatusAnswer {
  return {
    cluster: { status, status_reason: reason, api_address: null, coe_version: null, master_addresses: [], node_addresses: [] },
    nodegroups: [
      { name: 'default-worker', status: groups, status_reason: null },
      { name: 'default-master', status: 'CREATE_COMPLETE', status_reason: null },
    ],
    deleted_nodegroups: [],
  };
}

describe('awaitingOutcome', () => {
  it.each<[string | null, string | null, 'CREATE' | 'UPDATE' | null]>([
    ['CREATE_IN_PROGRESS', 'outcome unknown: create: ReadTimeout', 'CREATE'],
    ['UPDATE_IN_PROGRESS', 'outcome unknown: update: ReadTimeout', 'UPDATE'],
    // Only a reason the shim wrote for a lost answer makes a status call ask helm.
    ['CREATE_IN_PROGRESS', '1 of 3 machines ready', null],
    ['CREATE_IN_PROGRESS', null, null],
    ['CREATE_FAILED', 'outcome unknown: create: ReadTimeout', null],
    ['DELETE_IN_PROGRESS', 'outcome unknown: delete: ReadTimeout', null],
  ])('%s with reason %j → %s', (status, reason, expected) => {
    expect(awaitingOutcome(status, reason)).toBe(expected);
  });
});

describe('decideUnknownOutcome', () => {
  it('fails the operation and the groups it waited for, in helm\'s words, when helm recorded the revision failed', () => {
    const out = decideUnknownOutcome(answer('CREATE_IN_PROGRESS', 'waiting for the control plane'), 'CREATE', rev('failed', 'Release "k" failed: admission webhook denied it'));
    expect(out.cluster).toMatchObject({ status: 'CREATE_FAILED', status_reason: 'helm failed the create (revision 3): Release "k" failed: admission webhook denied it' });
    expect(out.nodegroups.map((g) => [g.name, g.status])).toEqual([['default-worker', 'CREATE_FAILED'], ['default-master', 'CREATE_COMPLETE']]);
    expect(out.nodegroups[0]!.status_reason).toContain('helm failed the create');
  });

  it('fails even when Cluster API shows an earlier revision ready: the requested state was not applied', () => {
    const out = decideUnknownOutcome(answer('UPDATE_COMPLETE', null, 'UPDATE_COMPLETE'), 'UPDATE', rev('failed', 'timed out waiting for the condition'));
    expect(out.cluster.status).toBe('UPDATE_FAILED');
  });

  it.each<[string, RecordedRevision | null, RegExp]>([
    ['helm is still applying it', rev('pending-upgrade'), /^outcome unknown: helm's latest revision 3 is pending-upgrade; waiting for the control plane$/],
    ['no release exists yet', null, /^outcome unknown: helm has no release yet; waiting for the control plane$/],
    // A replica unlocked a dead holder's revision: its operation failed nobody; the next one is on its way.
    ['the revision was failed by a replica unlocking it', rev('failed', 'Release unlocked from stale pending-upgrade state', true), /^outcome unknown: helm's latest revision 3 is unlocked; /],
  ])('keeps the outcome unknown, so the next poll asks again, while %s', (_name, latest, reason) => {
    const out = decideUnknownOutcome(answer('UPDATE_IN_PROGRESS', 'waiting for the control plane'), 'UPDATE', latest);
    expect(out.cluster.status).toBe('UPDATE_IN_PROGRESS');
    expect(out.cluster.status_reason).toMatch(reason);
    expect(awaitingOutcome(out.cluster.status, out.cluster.status_reason)).toBe('UPDATE');
  });

  it('leaves the answer to Cluster API once helm deployed the revision: the call was applied', () => {
    const progress = answer('CREATE_IN_PROGRESS', 'waiting for the control plane');
    expect(decideUnknownOutcome(progress, 'CREATE', rev('deployed'))).toEqual(progress);
    const done = answer('CREATE_COMPLETE', null);
    expect(decideUnknownOutcome(done, 'CREATE', rev('deployed'))).toEqual(done);
  });
});
