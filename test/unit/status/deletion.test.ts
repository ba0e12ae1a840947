/** DELETE_COMPLETE from fresh reads of everything the release had (issue 14, defect 2). */
import { describe, expect, it } from 'vitest';
import { judgeDeletion, teardownWaiting, type ReleaseRemains, type RemainingObject } from '../../../src/status/deletion.js';
import { NO_OBJECTS, type CapiObject, type ClusterObjects } from '../../../src/status/objects.js';

const obj = (kind: string, name: string, extra: Partial<RemainingObject> = {}): RemainingObject => ({ kind, namespace: 'magnum-p', name, owned: false, deleting: false, ...extra });
const nothing: ReleaseRemains = { releasePresent: false, objects: [], unreadable: [] };

describe('judgeDeletion', () => {
  it('is gone only when helm has no record, every kind listed, and nothing is left', () => {
    expect(judgeDeletion(nothing)).toEqual({ gone: true });
  });

  it.each<[string, ReleaseRemains, RegExp, string[]]>([
    ['a kind could not be listed', { ...nothing, unreadable: ['list openstackclusters: HTTP 404'] }, /^deleting: cannot confirm the cluster is gone: list openstackclusters: HTTP 404$/, []],
    ['helm still records the release: it deletes its own objects, none is orphaned yet', { ...nothing, releasePresent: true, objects: [obj('OpenStackCluster', 'r')] }, /^deleting: the helm release is still recorded$/, []],
    ['kept objects without an owner are orphans', { ...nothing, objects: [obj('KubeadmControlPlane', 'r-control-plane'), obj('OpenStackCluster', 'r')] }, /^deleting: waiting for 2 objects of the release to go: KubeadmControlPlane magnum-p\/r-control-plane, OpenStackCluster magnum-p\/r; deleting 2 left without an owner$/, ['r-control-plane', 'r']],
    ['a Machine without an owner is waited for, never deleted (controllers create them; the role may not delete them)', { ...nothing, objects: [obj('Machine', 'm')] }, /Machine magnum-p\/m$/, []],
    ['an owned object waits for its owner', { ...nothing, objects: [obj('Machine', 'm', { owned: true })] }, /^deleting: waiting for 1 objects of the release to go: Machine magnum-p\/m$/, []],
    ['an object already being deleted is not deleted again', { ...nothing, objects: [obj('OpenStackCluster', 'r', { deleting: true })] }, /OpenStackCluster magnum-p\/r \(being deleted\)$/, []],
    ['many objects: five named, the rest counted', { ...nothing, objects: Array.from({ length: 7 }, (_, i) => obj('Machine', `m${i}`, { owned: true })) }, /m4 and 2 more$/, []],
  ])('not gone: %s', (_name, remains, reason, orphans) => {
    const verdict = judgeDeletion(remains);
    expect(verdict.gone).toBe(false);
    if (verdict.gone) return;
    expect(verdict.reason).toMatch(reason);
    expect(verdict.orphans.map((o) => o.name)).toEqual(orphans);
  });
});

describe('teardownWaiting: what Cluster API\'s teardown still has to delete while the Cluster exists', () => {
  const o = (kind: string, name: string, deleting = false, status: Record<string, unknown> = {}): CapiObject => ({ kind, metadata: { name, namespace: 'magnum-p', ...(deleting ? { deletionTimestamp: '2026-06-01T10:00:00Z' } : {}) }, status });
  const machines = [o('Machine', 'r-w-1', true), o('Machine', 'r-w-2')];
  it.each<[string, ClusterObjects, string]>([
    ['workers first, in the controller\'s order', { ...NO_OBJECTS, machines, machineDeployments: [o('MachineDeployment', 'r-w', true)], controlPlane: o('KubeadmControlPlane', 'r-control-plane'), openstackCluster: o('OpenStackCluster', 'r') },
      'Cluster API is removing the cluster: waiting for 2 Machines, 1 MachineDeployment, KubeadmControlPlane magnum-p/r-control-plane, OpenStackCluster magnum-p/r'],
    ['the infrastructure last, held by CAPO', { ...NO_OBJECTS, openstackCluster: o('OpenStackCluster', 'r', true) },
      'Cluster API is removing the cluster: waiting for OpenStackCluster magnum-p/r (being deleted)'],
    ['CAPO\'s failure to delete is named', { ...NO_OBJECTS, openstackCluster: o('OpenStackCluster', 'r', true, { failureReason: 'DeleteError', failureMessage: 'router has ports' }) },
      'Cluster API is removing the cluster: waiting for OpenStackCluster magnum-p/r (being deleted); OpenStackCluster: DeleteError: router has ports'],
    ['only the Cluster left: its finalizer', NO_OBJECTS, 'Cluster API is removing the cluster'],
  ])('%s', (_name, objects, reason) => {
    expect(teardownWaiting(objects)).toBe(reason);
  });
});
