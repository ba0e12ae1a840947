/** DELETE_COMPLETE from fresh reads of everything the release had (issue 14, defect 2). */
import { describe, expect, it } from 'vitest';
import { judgeDeletion, type ReleaseRemains, type RemainingObject } from '../../../src/status/deletion.js';

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
