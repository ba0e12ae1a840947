/** The two pure steps of a create/update status, each on its own (STYLE item 7). */
import { describe, expect, it } from 'vitest';
import { toMagnumStatus } from '../../../src/status/cluster.js';
import { determineProgress, type GroupOutcome, type Progress } from '../../../src/status/progress.js';
import { NO_OBJECTS, type ClusterObjects } from '../../../src/status/objects.js';
import { cluster, cond, kcp, readyObjects, RELEASE } from './builders.js';

const CLEAR = { failed: null, waiting: null };
const DONE: GroupOutcome[] = [{ status: 'CREATE_COMPLETE', status_reason: null, state: 'Ready' }];

describe('determineProgress', () => {
  it.each<[string, ClusterObjects, GroupOutcome[], { failed: string | null; waiting: string | null }, Progress]>([
    ['no Cluster object', NO_OBJECTS, DONE, CLEAR, { state: 'Absent', reason: 'waiting for the Cluster object to be created' }],
    ['an addon failed, even before the Cluster shows', NO_OBJECTS, DONE, { failed: 'addon x failed', waiting: null }, { state: 'Failed', reason: 'addon x failed' }],
    ['everything ready', readyObjects(), DONE, CLEAR, { state: 'Ready', reason: null }],
    ['ready, with a failed group named', readyObjects(), [...DONE, { status: 'CREATE_FAILED', status_reason: 'node group gpu: quota', state: 'Failed' }], CLEAR, { state: 'Ready', reason: 'node group gpu: quota' }],
    ['a group still in progress', readyObjects(), [{ status: 'UPDATE_IN_PROGRESS', status_reason: 'node group a: 1/3 machines ready', state: 'Pending' }], CLEAR, { state: 'Provisioning', reason: 'node group a: 1/3 machines ready' }],
    ['an addon still installing', readyObjects(), DONE, { failed: null, waiting: 'addon cni: Installing' }, { state: 'Provisioning', reason: 'addon cni: Installing' }],
    ['a Cluster condition not True, with its reason', readyObjects({ cluster: cluster([cond('InfrastructureReady'), cond('ControlPlaneReady', 'Unknown', { reason: 'Bootstrapping' }), cond('Ready', 'False')]) }), DONE, CLEAR, { state: 'Provisioning', reason: 'waiting on ControlPlaneReady (Bootstrapping), Ready' }],
    // Issue 14, defect 3: Magnum leaves a resized group COMPLETE; Cluster API decides.
    ['a group Magnum has COMPLETE that Cluster API has not settled', readyObjects(), [{ status: 'UPDATE_COMPLETE', status_reason: 'node group a: 2/3 machines ready', state: 'Pending' }], CLEAR, { state: 'Provisioning', reason: 'node group a: 2/3 machines ready' }],
    ['a group Magnum has COMPLETE whose MachineDeployment is missing', readyObjects(), [{ status: 'CREATE_COMPLETE', status_reason: 'node group a: MachineDeployment x not found', state: 'Absent' }], CLEAR, { state: 'Provisioning', reason: 'node group a: MachineDeployment x not found' }],
    ['a group being deleted holds the cluster while Magnum has it in progress', readyObjects(), [...DONE, { status: 'DELETE_IN_PROGRESS', status_reason: 'node group gpu: 1 machines remain', state: 'Pending' }], CLEAR, { state: 'Provisioning', reason: 'node group gpu: 1 machines remain' }],
    ['a control plane whose status has not observed its new spec', readyObjects({ controlPlane: { ...kcp(), metadata: { name: `${RELEASE}-control-plane`, generation: 2 }, status: { ...kcp().status, observedGeneration: 1 } } }), DONE, CLEAR, { state: 'Provisioning', reason: expect.stringMatching(/^control plane: 1\/1 machines ready; KubeadmControlPlane has not yet observed generation 2/) }],
    ['a control plane still rolling out, with every Cluster condition True', readyObjects({ controlPlane: kcp({ replicas: 3, ready: 2, updated: 1 }) }), DONE, CLEAR, { state: 'Provisioning', reason: 'control plane: 2/3 machines ready' }],
    ['a control plane with no conditions reported yet', readyObjects({ controlPlane: kcp({ conditions: [] }) }), DONE, CLEAR, { state: 'Provisioning', reason: expect.stringMatching(/MachinesReady \(not reported yet\)/) }],
  ])('%s', (_name, objects, groups, addons, expected) => {
    expect(determineProgress(objects, groups, addons)).toEqual(expected);
  });
});

describe('toMagnumStatus', () => {
  const NOW = new Date('2026-06-01T12:00:00Z');
  const recent = { started: new Date('2026-06-01T11:30:00Z'), minutes: 60 };
  const stale = { started: new Date('2026-06-01T10:30:00Z'), minutes: 60 };
  it.each<[string, 'CREATE' | 'UPDATE', Progress, typeof recent | null, string, RegExp | null]>([
    ['Ready completes a create', 'CREATE', { state: 'Ready', reason: null }, recent, 'CREATE_COMPLETE', null],
    ['Ready completes an update', 'UPDATE', { state: 'Ready', reason: null }, stale, 'UPDATE_COMPLETE', null],
    ['Failed fails at once, before any deadline', 'UPDATE', { state: 'Failed', reason: 'addon x failed' }, recent, 'UPDATE_FAILED', /addon x failed/],
    ['Provisioning within the deadline goes on', 'CREATE', { state: 'Provisioning', reason: 'waiting on Ready' }, recent, 'CREATE_IN_PROGRESS', /waiting on Ready/],
    ['Provisioning past the deadline fails, saying what it waited for', 'CREATE', { state: 'Provisioning', reason: 'waiting on Ready' }, stale, 'CREATE_FAILED', /timed out after 60 minutes without progress; last seen: waiting on Ready/],
    ['Absent past the deadline fails too', 'UPDATE', { state: 'Absent', reason: 'waiting for the Cluster object to be created' }, stale, 'UPDATE_FAILED', /last seen: waiting for the Cluster object/],
    ['no start time: never times out', 'CREATE', { state: 'Provisioning', reason: null }, null, 'CREATE_IN_PROGRESS', /previous/],
  ])('%s', (_name, op, progress, deadline, status, reason) => {
    const out = toMagnumStatus(op, progress, deadline, NOW, 'previous reason');
    expect(out.status).toBe(status);
    if (reason) expect(out.reason).toMatch(reason);
    else expect(out.reason).toBeNull();
  });
});
