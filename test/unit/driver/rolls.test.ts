/**
 * Which parts an apply would roll, from the objects before and after: a table
 * of the changes Cluster API rolls machines for and of those it applies in
 * place. Objects are built small, with only the fields the decision reads.
 */
import { describe, expect, it } from 'vitest';
import { objectKey, type ManifestObject, type ManifestObjects } from '../../../src/driver/manifest-diff.js';
import { decideRolls } from '../../../src/driver/rolls.js';

const R = 'demo-abcdefghij23';

const template = (kind: string, name: string, spec: Record<string, unknown>): ManifestObject => ({
  apiVersion: kind === 'KubeadmConfigTemplate' ? 'bootstrap.cluster.x-k8s.io/v1beta1' : 'infrastructure.cluster.x-k8s.io/v1beta1',
  kind,
  metadata: { name },
  spec,
});

interface Group {
  name: string;
  replicas?: number;
  machine?: string;
  bootstrap?: string;
  version?: string;
  failureDomain?: string;
  /** false: no node-group label, so the decision falls back to the object's name. */
  labelled?: boolean;
}

const md = (g: Group): ManifestObject => ({
  apiVersion: 'cluster.x-k8s.io/v1beta1',
  kind: 'MachineDeployment',
  metadata: { name: `${R}-${g.name}`, ...(g.labelled === false ? {} : { labels: { 'capi.stackhpc.com/node-group': g.name } }) },
  spec: {
    replicas: g.replicas ?? 2,
    template: {
      spec: {
        version: g.version ?? 'v1.31.4',
        ...(g.failureDomain ? { failureDomain: g.failureDomain } : {}),
        bootstrap: { configRef: { kind: 'KubeadmConfigTemplate', name: g.bootstrap ?? `${R}-${g.name}-b0000001` } },
        infrastructureRef: { kind: 'OpenStackMachineTemplate', name: g.machine ?? `${R}-${g.name}-m0000001` },
      },
    },
  },
});

interface ControlPlane {
  replicas?: number;
  machine?: string;
  version?: string;
  /** Stands for the kubeadm config the chart renders. */
  apiServerArgs?: Record<string, string>;
}

const kcp = (c: ControlPlane = {}): ManifestObject => ({
  apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
  kind: 'KubeadmControlPlane',
  metadata: { name: `${R}-control-plane` },
  spec: {
    version: c.version ?? 'v1.31.4',
    replicas: c.replicas ?? 1,
    machineTemplate: { infrastructureRef: { kind: 'OpenStackMachineTemplate', name: c.machine ?? `${R}-control-plane-c0000001` } },
    kubeadmConfigSpec: { clusterConfiguration: { apiServer: { extraArgs: c.apiServerArgs ?? { v: '2' } } } },
  },
});

const addon = (values: string): ManifestObject => ({ apiVersion: 'addons.stackhpc.com/v1alpha1', kind: 'HelmRelease', metadata: { name: `${R}-monitoring` }, spec: { values } });

const objects = (...list: ManifestObject[]): ManifestObjects => new Map(list.map((o) => [objectKey(o), o]));

/** The default cluster: one control plane node, a default-worker group of two, their templates. */
const base = () => [
  kcp(),
  template('OpenStackMachineTemplate', `${R}-control-plane-c0000001`, { template: { spec: { flavor: 'm1.medium' } } }),
  md({ name: 'default-worker' }),
  template('OpenStackMachineTemplate', `${R}-default-worker-m0000001`, { template: { spec: { flavor: 'm1.medium' } } }),
  template('KubeadmConfigTemplate', `${R}-default-worker-b0000001`, { template: { spec: { files: [] } } }),
];

/** Replaces the objects of `base()` named like those given, and adds the rest. */
function changed(...replacements: ManifestObject[]): ManifestObject[] {
  const out = new Map(base().map((o) => [objectKey(o), o]));
  for (const r of replacements) out.set(objectKey(r), r);
  return [...out.values()];
}

interface Case {
  name: string;
  before?: ManifestObject[];
  after: ManifestObject[];
  rolls: { part: string; name: string; reasons: (string | RegExp)[] }[];
  added?: string[];
  removed?: string[];
  summary: string | RegExp;
}

const CASES: Case[] = [
  { name: 'nothing changed', after: base(), rolls: [], summary: 'nothing rolls' },
  { name: 'a node group resized', after: changed(md({ name: 'default-worker', replicas: 5 })), rolls: [], summary: 'nothing rolls' },
  { name: 'the control plane scaled to three', after: changed(kcp({ replicas: 3 })), rolls: [], summary: 'nothing rolls' },
  { name: 'an addon changed', before: [...base(), addon('a: 1')], after: [...base(), addon('a: 2')], rolls: [], summary: 'nothing rolls' },
  {
    name: 'a worker machine template renamed, its spec changed',
    after: changed(
      md({ name: 'default-worker', machine: `${R}-default-worker-m0000002` }),
      template('OpenStackMachineTemplate', `${R}-default-worker-m0000002`, { template: { spec: { flavor: 'm1.medium', rootVolume: { sizeGiB: 50 } } } }),
    ),
    rolls: [{ part: 'node_group', name: 'default-worker', reasons: [`its machine template is renamed ${R}-default-worker-m0000001 → ${R}-default-worker-m0000002 (its spec changed at spec.template.spec.rootVolume)`] }],
    summary: /^Node group default-worker rolls: its machine template is renamed/,
  },
  {
    name: 'a worker bootstrap config renamed',
    after: changed(md({ name: 'default-worker', bootstrap: `${R}-default-worker-b0000002` })),
    rolls: [{ part: 'node_group', name: 'default-worker', reasons: [`its bootstrap config is renamed ${R}-default-worker-b0000001 → ${R}-default-worker-b0000002`] }],
    summary: /^Node group default-worker rolls: its bootstrap config is renamed/,
  },
  {
    name: 'a node group moved to another failure domain',
    after: changed(md({ name: 'default-worker', failureDomain: 'az2' })),
    rolls: [{ part: 'node_group', name: 'default-worker', reasons: ['failure domain unset → az2'] }],
    summary: 'Node group default-worker rolls: failure domain unset → az2.',
  },
  {
    name: 'an upgrade: new version and new templates everywhere',
    after: changed(
      kcp({ version: 'v1.32.2', machine: `${R}-control-plane-c0000002` }),
      md({ name: 'default-worker', version: 'v1.32.2', machine: `${R}-default-worker-m0000002` }),
    ),
    rolls: [
      { part: 'control_plane', name: 'control-plane', reasons: [/^its machine template is renamed .*c0000001 → .*c0000002$/, 'Kubernetes v1.31.4 → v1.32.2'] },
      { part: 'node_group', name: 'default-worker', reasons: [/^its machine template is renamed/, 'Kubernetes v1.31.4 → v1.32.2'] },
    ],
    summary: /^The control plane rolls: .*Kubernetes v1\.31\.4 → v1\.32\.2\. Node group default-worker rolls: /,
  },
  {
    name: 'the control plane kubeadm config changed',
    after: changed(kcp({ apiServerArgs: { v: '2', 'audit-log-path': '/var/log/audit.log' } })),
    rolls: [{ part: 'control_plane', name: 'control-plane', reasons: ['its kubeadm config changed at spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs.audit-log-path'] }],
    summary: /^The control plane rolls: its kubeadm config changed/,
  },
  {
    name: 'a node group added',
    after: [...base(), md({ name: 'gpu' })],
    rolls: [],
    added: ['gpu'],
    summary: 'nothing rolls. Node group gpu is added.',
  },
  {
    name: 'a node group removed',
    before: [...base(), md({ name: 'gpu' })],
    after: base(),
    rolls: [],
    removed: ['gpu'],
    summary: 'nothing rolls. Node group gpu is removed: its machines are deleted.',
  },
  {
    name: 'a group without the node-group label is named by its object',
    before: [md({ name: 'old', labelled: false })],
    after: [md({ name: 'old', labelled: false, machine: 'x' })],
    rolls: [{ part: 'node_group', name: `${R}-old`, reasons: [/^its machine template is renamed/] }],
    summary: new RegExp(`^Node group ${R}-old rolls`),
  },
];

/** A string is the whole text; a pattern, part of it. */
function expectText(got: string | undefined, want: string | RegExp): void {
  if (typeof want === 'string') expect(got).toBe(want);
  else expect(got).toMatch(want);
}

describe('decideRolls', () => {
  it.each(CASES)('$name', (c) => {
    const decision = decideRolls(objects(...(c.before ?? base())), objects(...c.after));
    expect(decision.rolls.map((r) => ({ part: r.part, name: r.name, reasons: r.reasons.length }))).toEqual(
      c.rolls.map((r) => ({ part: r.part, name: r.name, reasons: r.reasons.length })),
    );
    c.rolls.forEach((r, i) => r.reasons.forEach((reason, j) => expectText(decision.rolls[i]!.reasons[j], reason)));
    expect(decision.added).toEqual(c.added ?? []);
    expect(decision.removed).toEqual(c.removed ?? []);
    expectText(decision.summary, c.summary);
  });
});
