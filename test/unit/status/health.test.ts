import { describe, expect, it } from 'vitest';
import { computeHealth } from '../../../src/status/health.js';
import { determineClusterState } from '../../../src/status/state.js';
import { NO_OBJECTS } from '../../../src/status/objects.js';
import { RELEASE, addon, cluster, cond, kcp, md, osc, readyObjects, v1beta2 } from './builders.js';

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
    ['a condition with its reason and message', readyObjects({ controlPlane: kcp({ conditions: [cond('MachinesReady', 'False', { reason: 'Deleting', message: 'machine x draining' })] }) }), { controlplane: 'Waiting on MachinesReady (Deleting: machine x draining)' }],
    ['infrastructure not ready yet, with CAPO\'s condition', readyObjects({ openstackCluster: osc(false, { conditions: [cond('Ready', 'False', { reason: 'LoadBalancerNotReady', message: 'waiting for Octavia' })] }) }), { infrastructure: 'Infrastructure not ready. Ready (LoadBalancerNotReady: waiting for Octavia)' }],
    ['a v1beta2 Cluster not Available', readyObjects({ cluster: v1beta2(cluster([cond('Available', 'False', { message: 'control plane unavailable' }), cond('Deleting', 'False')])) }), { cluster: 'Waiting on Available (control plane unavailable)' }],
    // Issue 14, defect 4: no conditions at all (a fresh create) is not Ready.
    ['a Cluster with no conditions reported', readyObjects({ cluster: cluster([]) }), { cluster: 'Waiting on conditions (not reported yet)' }],
    ['a Cluster with no status at all', readyObjects({ cluster: { ...cluster(), status: undefined } }), { cluster: 'Waiting on conditions (not reported yet)' }],
    ['a control plane with no conditions reported', readyObjects({ controlPlane: kcp({ conditions: [] }) }), { controlplane: 'Waiting on conditions (not reported yet)' }],
    ['a worker group with no conditions reported', readyObjects({ machineDeployments: [md('default-worker', 'Running', 2, [])] }), { nodegroup: 'default-worker waiting on conditions (not reported yet)' }],
    ['a v1beta2 Cluster with only normally-False conditions', readyObjects({ cluster: v1beta2(cluster([cond('Deleting', 'False'), cond('Paused', 'False')])) }), { cluster: 'Waiting on conditions (not reported yet)' }],
  ])('is UNHEALTHY with %s, naming the cause', (_name, objects, reasons) => {
    const health = computeHealth(objects);
    expect(health.health_status).toBe('UNHEALTHY');
    expect(health.health_status_reason).toMatchObject(reasons);
  });
});

describe('health of v1beta2 objects and known groups', () => {
  it('ignores v1beta2 conditions that are normally False', () => {
    const v2 = v1beta2(cluster([cond('Available'), cond('InfrastructureReady'), cond('ControlPlaneAvailable'), cond('Deleting', 'False'), cond('Paused', 'False'), cond('RollingOut', 'False'), cond('ScalingUp', 'False')]));
    expect(computeHealth(readyObjects({ cluster: v2 })).health_status).toBe('HEALTHY');
  });

  it('prefers the deprecated v1beta1 conditions of a v1beta2 object', () => {
    const v2 = v1beta2(cluster([cond('Available')]));
    v2.status = { ...v2.status, deprecated: { v1beta1: { conditions: [cond('Ready', 'False', { message: 'old view' })] } } };
    expect(computeHealth(readyObjects({ cluster: v2 })).health_status_reason.cluster).toBe('Waiting on Ready (old view)');
  });

  it('names a Magnum worker group whose MachineDeployment is missing, as the Python driver does', () => {
    const groups = [
      { name: 'default-worker', machineDeployment: `${RELEASE}-default-worker` },
      { name: 'gpu', machineDeployment: `${RELEASE}-gpu` },
    ];
    const health = computeHealth(readyObjects(), groups);
    expect(health.health_status).toBe('UNHEALTHY');
    expect(health.health_status_reason.nodegroup).toBe('gpu resource not found.');
    expect(computeHealth(readyObjects(), groups.slice(0, 1)).health_status).toBe('HEALTHY');
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
