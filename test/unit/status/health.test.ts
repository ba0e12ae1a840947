import { describe, expect, it } from 'vitest';
import { computeHealth } from '../../../src/status/health.js';
import { determineClusterState } from '../../../src/status/state.js';
import { NO_OBJECTS } from '../../../src/status/objects.js';
import { addon, cluster, cond, kcp, md, osc, readyObjects } from './builders.js';

describe('health', () => {
  it('is HEALTHY with every part Ready', () => {
    expect(computeHealth(readyObjects())).toEqual({
      health_status: 'HEALTHY',
      health_status_reason: { cluster: 'Ready', infrastructure: 'Ready', controlplane: 'Ready', nodegroup: 'Ready' },
    });
  });

  it.each([
    ['no objects', NO_OBJECTS, { cluster: 'Cluster resource not found.', infrastructure: 'Infrastructure resource not found.', controlplane: 'Control plane resource not found.', nodegroup: 'Ready' }],
    ['a cluster condition false', readyObjects({ cluster: cluster([cond('Ready', 'False', { message: '1 of 3 machines not ready' })]) }), { cluster: 'Waiting on Ready (1 of 3 machines not ready)' }],
    ['a CAPO failure', readyObjects({ openstackCluster: osc(false, { failureReason: 'UpdateError', failureMessage: 'Neutron 409' }) }), { infrastructure: 'UpdateError: Neutron 409' }],
    ['a control plane condition false', readyObjects({ controlPlane: kcp({ conditions: [cond('EtcdClusterHealthy', 'False')] }) }), { controlplane: 'Waiting on EtcdClusterHealthy' }],
    ['a worker group not ready', readyObjects({ machineDeployments: [md('default-worker', 'ScalingUp', 2, [cond('Ready', 'False')])] }), { nodegroup: 'default-worker waiting on Ready' }],
  ])('is UNHEALTHY with %s, naming the cause', (_name, objects, reasons) => {
    const health = computeHealth(objects);
    expect(health.health_status).toBe('UNHEALTHY');
    expect(health.health_status_reason).toMatchObject(reasons);
  });
});

describe('operator state', () => {
  it.each([
    ['Absent', NO_OBJECTS],
    ['Ready', readyObjects()],
    ['Failed', readyObjects({ addons: [addon('cni', 'Failed')] })],
    ['Deleting', readyObjects({ cluster: cluster(undefined, { metadata: { name: 'x', deletionTimestamp: '2026-01-01T00:00:00Z' } }) })],
    ['Degraded', readyObjects({ controlPlane: kcp({ conditions: [cond('Ready', 'False')] }) })],
    ['Provisioning', readyObjects({ cluster: cluster([cond('InfrastructureReady', 'False')], { status: { phase: 'Provisioning', conditions: [cond('InfrastructureReady', 'False')] } }) })],
  ])('%s', (state, objects) => {
    expect(determineClusterState(objects).state).toBe(state);
  });
});
