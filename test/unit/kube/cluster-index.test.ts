import { describe, expect, it } from 'vitest';
import type { V1Secret } from '@kubernetes/client-node';
import { MemoryClusterIndex, locationOf } from '../../../src/kube/cluster-index.js';

function secret(name: string, namespace: string, labels: Record<string, string>): V1Secret {
  return { metadata: { name, namespace, labels } };
}

const labels = {
  'magnum.openstack.org/cluster-uuid': 'u-1',
  'magnum.openstack.org/project-id': 'p1',
  'cluster.x-k8s.io/cluster-name': 'demo-abcdefabcdef',
};

describe('cluster index', () => {
  it.each([
    ['the credentials secret', secret('demo-abcdefabcdef-cloud-credentials', 'magnum-p1', labels), { uuid: 'u-1', release: 'demo-abcdefabcdef', namespace: 'magnum-p1', projectId: 'p1' }],
    ['a CA secret of the same cluster', secret('demo-abcdefabcdef-ca', 'magnum-p1', labels), undefined],
    ['a secret without the uuid label', secret('x-cloud-credentials', 'magnum-p1', { 'cluster.x-k8s.io/cluster-name': 'x' }), undefined],
    ['a secret without the release label', secret('x-cloud-credentials', 'magnum-p1', { 'magnum.openstack.org/cluster-uuid': 'u' }), undefined],
  ])('%s → %j', (_name, s, expected) => {
    expect(locationOf(s)).toEqual(expected);
  });

  it('adds, updates and drops clusters as their secrets come and go', () => {
    const index = new MemoryClusterIndex();
    const s = secret('demo-abcdefabcdef-cloud-credentials', 'magnum-p1', labels);
    index.put(s);
    index.put(secret('b-cloud-credentials', 'magnum-p2', { ...labels, 'magnum.openstack.org/cluster-uuid': 'u-2', 'cluster.x-k8s.io/cluster-name': 'b' }));
    expect(index.all().map((l) => l.uuid)).toEqual(['u-1', 'u-2']);
    index.drop(s);
    expect(index.lookup('u-1')).toBeUndefined();
    expect(index.lookup('u-2')?.release).toBe('b');
  });
});
