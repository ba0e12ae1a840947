/**
 * The rule of STYLE item 8 as a property: whatever unrecognised phases and
 * condition values Cluster API reports, a create or update within its
 * deadline is never FAILED unless an addon Failed or a group's
 * MachineDeployment reported phase Failed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Spec, type SpecInput } from '../../../src/magnum/spec.js';
import { computeStatus } from '../../../src/status/cluster.js';
import { minimalSpec } from '../../support/spec.js';
import { RELEASE, addon, cluster, cond, kcp, md, readyObjects } from './builders.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const phase = fc.oneof(fc.constantFrom('Running', 'ScalingUp', 'ScalingDown', 'Unknown', 'Provisioning', ''), fc.string({ maxLength: 12 })).filter((p) => p !== 'Failed');
const addonPhase = fc.oneof(fc.constantFrom('Deployed', 'Installing', 'Upgrading', 'Pending', ''), fc.string({ maxLength: 12 })).filter((p) => p !== 'Failed' && p !== 'Unknown');
const status = fc.constantFrom<'True' | 'False' | 'Unknown'>('True', 'False', 'Unknown');

describe('an unrecognised state never fails an operation', () => {
  it('holds for arbitrary phases and condition values', () => {
    fc.assert(
      fc.property(fc.constantFrom('CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS' as const), phase, addonPhase, status, status, fc.boolean(), (op, mdPhase, aPhase, infra, cp, withKcp) => {
        const s: SpecInput = minimalSpec();
        s.cluster = { ...s.cluster, status: op, stack_id: RELEASE, updated_at: '2026-06-01T11:50:00Z', create_timeout: 60 };
        s.nodegroups = (s.nodegroups ?? []).map((g) => ({ ...g, status: op }));
        const objects = readyObjects({
          cluster: cluster([cond('InfrastructureReady', infra), cond('ControlPlaneReady', cp), cond('Ready', infra === 'True' && cp === 'True' ? 'True' : 'False')]),
          controlPlane: withKcp ? kcp() : undefined,
          machineDeployments: [md('default-worker', mdPhase)],
          addons: [addon('cni', aPhase)],
        });
        const out = computeStatus({ spec: Spec.parse(s), release: RELEASE, objects, now: NOW, absenceConfirmed: false, options: { addonUnknownGraceSeconds: 600, defaultCreateTimeoutMinutes: 60 } });
        expect(out.response.cluster.status.endsWith('_FAILED')).toBe(false);
        for (const g of out.response.nodegroups) expect(g.status.endsWith('_FAILED')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
