/** The played kubelet's Node status: what the real Machine controller reads from a Node. */
import { describe, expect, it } from 'vitest';
import { kubeletNodeStatus } from '../../../src/devcluster/player.js';

const NOW = '2026-12-07T10:00:00Z';
const status = kubeletNodeStatus('worker-a', '10.0.0.7', 'v1.31.4', NOW);

describe('kubeletNodeStatus', () => {
  // Cluster API v1.11+ sums these four into the Machine's NodeHealthy; one not reported leaves it Unknown.
  it.each([
    ['Ready', 'True', 'KubeletReady'],
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
  ])('reports %s as %s (%s), as a healthy kubelet does', (type, expected, reason) => {
    const c = status.conditions.find((x) => x.type === type);
    expect(c, `${type} not reported`).toMatchObject({ status: expected, reason, lastHeartbeatTime: NOW, lastTransitionTime: NOW });
  });

  it('carries the address the Machine controller copies and the kubelet version', () => {
    expect(status.addresses).toEqual([{ type: 'InternalIP', address: '10.0.0.7' }, { type: 'Hostname', address: 'worker-a' }]);
    expect(status.nodeInfo.kubeletVersion).toBe('v1.31.4');
  });
});
