/** A missing or forbidden kind degrades only what needs it (issue 14, defect 6). */
import { describe, expect, it } from 'vitest';
import { Spec } from '../../../src/magnum/spec.js';
import { computeStatus } from '../../../src/status/cluster.js';
import { computeHealth } from '../../../src/status/health.js';
import { observedKinds, type KindState } from '../../../src/status/observed.js';
import { minimalSpec } from '../../support/spec.js';
import { RELEASE, readyObjects } from './builders.js';

const ok = (kind: string): KindState => ({ kind, listed: true, broken: false });
const broken = (kind: string, error = 'HTTP 404: the server could not find the requested resource'): KindState => ({ kind, listed: false, broken: true, error });
const ALL = ['Cluster', 'KubeadmControlPlane', 'MachineDeployment', 'Machine', 'OpenStackCluster', 'OpenStackMachine', 'HelmRelease', 'Manifests'];

describe('observedKinds', () => {
  it.each<[string, KindState[], boolean, RegExp, string[]]>([
    ['every kind listed', ALL.map(ok), true, /^all watches synced$/, []],
    ['the addon Manifests CRD missing: degraded, still answering', [...ALL.filter((k) => k !== 'Manifests').map(ok), broken('Manifests')], true, /^degraded: Manifests not observed: HTTP 404/, ['Manifests']],
    ['a forbidden kind', [...ALL.filter((k) => k !== 'OpenStackMachine').map(ok), broken('OpenStackMachine', 'HTTP 403: forbidden')], true, /OpenStackMachine not observed: HTTP 403/, ['OpenStackMachine']],
    ['the Cluster kind broken: nothing can be answered', [broken('Cluster', 'ECONNREFUSED'), ...ALL.slice(1).map(ok)], false, /Cluster broken: ECONNREFUSED/, ['Cluster']],
    ['a kind still listing at start-up', [{ kind: 'Machine', listed: false, broken: false }, ...ALL.filter((k) => k !== 'Machine').map(ok)], false, /Machine listing/, []],
  ])('%s', (_name, states, answers, reason, unobserved) => {
    const out = observedKinds(states);
    expect(out.ok).toBe(answers);
    expect(out.reason).toMatch(reason);
    expect([...out.unobserved.keys()]).toEqual(unobserved);
  });
});

describe('status and health with a kind not observed', () => {
  const NOW = new Date('2026-06-01T12:00:00Z');
  const spec = (status: 'CREATE_IN_PROGRESS' | 'DELETE_IN_PROGRESS', updated = '2026-06-01T11:30:00') => {
    const s = minimalSpec();
    s.cluster = { ...s.cluster, status, stack_id: RELEASE, updated_at: updated, create_timeout: 60 };
    s.nodegroups = (s.nodegroups ?? []).map((g) => ({ ...g, status }));
    return Spec.parse(s);
  };
  const run = (s: Spec, unobserved: Map<string, string>, objects = readyObjects()) =>
    computeStatus({ spec: s, release: RELEASE, objects, now: NOW, absenceConfirmed: false, options: { addonUnknownGraceSeconds: 600, defaultCreateTimeoutMinutes: 60 }, unobserved });

  it('addon kinds missing do not block completion; the reason says addons are not observed', () => {
    const out = run(spec('CREATE_IN_PROGRESS'), new Map([['Manifests', 'HTTP 404']]), readyObjects({ addons: [] }));
    expect(out.response.cluster).toMatchObject({ status: 'CREATE_COMPLETE', status_reason: 'addons are not observed: Manifests not observed (HTTP 404)' });
  });

  it('a worker kind missing holds the operation, never fails it past the deadline, and destroys no row', () => {
    const out = run(spec('CREATE_IN_PROGRESS', '2026-06-01T08:00:00'), new Map([['MachineDeployment', 'HTTP 403: forbidden']]));
    expect(out.response.cluster.status).toBe('CREATE_IN_PROGRESS');
    expect(out.response.cluster.status_reason).toMatch(/cannot see: MachineDeployment not observed \(HTTP 403: forbidden\)/);
    expect(out.response.nodegroups.find((n) => n.name === 'default-worker')?.status_reason).toMatch(/node group default-worker: MachineDeployment not observed/);
    const deleting = run(spec('DELETE_IN_PROGRESS'), new Map([['MachineDeployment', 'HTTP 404']]), readyObjects({ machineDeployments: [], machines: [] }));
    expect(deleting.response.deleted_nodegroups).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['KubeadmControlPlane', 'controlplane', 'Unknown: KubeadmControlPlane not observed (HTTP 404)'],
    ['MachineDeployment', 'nodegroup', 'Unknown: MachineDeployment not observed (HTTP 404)'],
    ['OpenStackCluster', 'infrastructure', 'Unknown: OpenStackCluster not observed (HTTP 404)'],
  ])('health: %s missing makes only the %s part Unknown', (kind, part, reason) => {
    const health = computeHealth(readyObjects(), undefined, new Map([[kind, 'HTTP 404']]));
    expect(health.health_status).toBe('UNKNOWN');
    expect(health.health_status_reason[part]).toBe(reason);
    const others = Object.entries(health.health_status_reason).filter(([k]) => k !== part);
    expect(others.every(([, v]) => v === 'Ready')).toBe(true);
  });
});
