/**
 * Node-group labels and taints (Magnum API 1.14): where they land in the
 * values, Magnum's own checks with its messages, and the Kubernetes syntax a
 * kubelet needs to register the node.
 */
import { describe, expect, it } from 'vitest';
import { MagnumRuleViolation } from '../../../src/errors.js';
import type { SpecInput } from '../../../src/magnum/spec.js';
import { at, render, specWith } from './helpers.js';

type Group = NonNullable<SpecInput['nodegroups']>[number];

/** The default fixture plus a worker group `gpu` (index 2) with the given changes. */
function withGpu(change: (g: Group) => void, master: (g: Group) => void = () => {}) {
  return specWith((s) => {
    const base = s.nodegroups![1]!;
    const gpu: Group = { ...base, uuid: '33333333-3333-4333-8333-333333333333', name: 'gpu', is_default: false, labels: {} };
    change(gpu);
    master(s.nodegroups![0]!);
    s.nodegroups!.push(gpu);
  });
}

function refusal(run: () => unknown): MagnumRuleViolation {
  try {
    run();
  } catch (err) {
    if (err instanceof MagnumRuleViolation) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('where labels and taints land', () => {
  it('labels go to the group\'s nodeLabels, taints to its join configuration', () => {
    const values = render(withGpu((g) => {
      g.node_labels = { 'example.com/accelerator': 'nvidia', tier: '' };
      g.node_taints = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }, { key: 'dedicated', effect: 'NoExecute' }];
    }));
    expect(at(values, 'nodeGroups.1')).toMatchObject({
      name: 'gpu',
      nodeLabels: { 'example.com/accelerator': 'nvidia', tier: '' },
      kubeadmConfigSpec: {
        joinConfiguration: {
          nodeRegistration: {
            taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }, { key: 'dedicated', effect: 'NoExecute' }],
          },
        },
      },
    });
  });

  it('a group without them renders neither key', () => {
    const values = render(withGpu((g) => {
      g.node_labels = {};
      g.node_taints = [];
    }));
    expect(Object.keys(at(values, 'nodeGroups.1') as object).sort()).toEqual(['machineCount', 'machineFlavor', 'name']);
    expect(Object.keys(at(values, 'nodeGroups.0') as object).sort()).toEqual(['machineCount', 'machineFlavor', 'name']);
  });

  it('Magnum before 1.14 sends neither field, and null means none', () => {
    const values = render(withGpu((g) => {
      g.node_labels = null;
      g.node_taints = null;
    }));
    expect(at(values, 'nodeGroups.1.nodeLabels')).toBeUndefined();
    expect(at(values, 'nodeGroups.1.kubeadmConfigSpec')).toBeUndefined();
  });

  it.each(['node.kubernetes.io/role', 'kubelet.kubernetes.io/x', 'topology.kubernetes.io/zone', 'kubernetes.io/arch', 'example.com/k8s.io-like', 'k8s.io.example.com/a'])(
    'label %s is allowed: the kubelet may set it',
    (key) => {
      expect(at(render(withGpu((g) => { g.node_labels = { [key]: 'v' }; })), 'nodeGroups.1.nodeLabels')).toEqual({ [key]: 'v' });
    },
  );
});

describe('refused, with Magnum\'s message and the entry named', () => {
  it.each<[string, (g: Group) => void, string, string]>([
    ['a label in kubernetes.io', (g) => { g.node_labels = { 'node-role.kubernetes.io/worker': '' }; }, "node_labels for gpu is invalid (node label 'node-role.kubernetes.io/worker' is in a restricted Kubernetes namespace; the kubelet will refuse to start.", 'nodegroups.2.node_labels.node-role.kubernetes.io/worker'],
    ['a label in k8s.io', (g) => { g.node_labels = { 'k8s.io/x': 'y' }; }, "node label 'k8s.io/x' is in a restricted Kubernetes namespace", 'nodegroups.2.node_labels.k8s.io/x'],
    ['a label under a kubernetes.io subdomain', (g) => { g.node_labels = { 'foo.kubernetes.io/x': 'y' }; }, "node label 'foo.kubernetes.io/x' is in a restricted", 'nodegroups.2.node_labels.foo.kubernetes.io/x'],
    ['a label name Kubernetes refuses', (g) => { g.node_labels = { 'bad key': 'v' }; }, "node_labels for gpu is invalid (node label key 'bad key' is not a Kubernetes label name", 'nodegroups.2.node_labels.bad key'],
    ['a label value with a comma (the chart joins labels with commas)', (g) => { g.node_labels = { a: 'b,c=d' }; }, "node label 'a' has value 'b,c=d'", 'nodegroups.2.node_labels.a'],
    ['a label value with a quote', (g) => { g.node_labels = { a: 'x"' }; }, "node label 'a' has value 'x\"'", 'nodegroups.2.node_labels.a'],
    ['a label value over 63 characters', (g) => { g.node_labels = { a: 'x'.repeat(64) }; }, "node label 'a' has value", 'nodegroups.2.node_labels.a'],
    ['an upper-case label prefix', (g) => { g.node_labels = { 'Example.com/a': 'b' }; }, "node label key 'Example.com/a'", 'nodegroups.2.node_labels.Example.com/a'],
    ['a taint effect Kubernetes does not know', (g) => { g.node_taints = [{ key: 'a', effect: 'NoWay' }]; }, 'node_taints for gpu is invalid (node_taints[0].effect must be one of NoSchedule, PreferNoSchedule, NoExecute).', 'nodegroups.2.node_taints.0.effect'],
    ['a taint without an effect', (g) => { g.node_taints = [{ key: 'a' }]; }, 'node_taints[0].effect must be one of', 'nodegroups.2.node_taints.0.effect'],
    ['a taint without a key', (g) => { g.node_taints = [{ key: 'ok', effect: 'NoSchedule' }, { value: 'v', effect: 'NoSchedule' }]; }, 'node_taints for gpu is invalid (node_taints[1].key is required).', 'nodegroups.2.node_taints.1.key'],
    ['a taint with an unknown field', (g) => { g.node_taints = [{ key: 'a', effect: 'NoSchedule', operator: 'Exists' }]; }, 'node_taints[0] contains unrecognised field(s) operator; allowed fields are key, value, effect', 'nodegroups.2.node_taints.0'],
    ['a taint key Kubernetes refuses', (g) => { g.node_taints = [{ key: '-a', effect: 'NoSchedule' }]; }, "node_taints[0].key '-a' is not a Kubernetes taint key", 'nodegroups.2.node_taints.0.key'],
    ['a taint value Kubernetes refuses', (g) => { g.node_taints = [{ key: 'a', value: 'x y', effect: 'NoSchedule' }]; }, "node_taints[0].value 'x y' is not a Kubernetes taint value", 'nodegroups.2.node_taints.0.value'],
    ['two taints of one key and effect', (g) => { g.node_taints = [{ key: 'a', value: '1', effect: 'NoSchedule' }, { key: 'a', value: '2', effect: 'NoSchedule' }]; }, "node_taints[1] repeats key 'a' with effect NoSchedule", 'nodegroups.2.node_taints.1'],
  ])('%s', (_what, change, message, field) => {
    const err = refusal(() => render(withGpu(change)));
    expect(err.message).toContain(message);
    expect(err.field).toBe(field);
    expect(err.statusCode).toBe(422);
  });

  it.each<[string, (g: Group) => void, string]>([
    ['node_labels', (g) => { g.node_labels = { a: 'b' }; }, 'node_labels for default-master is invalid (node_labels may not be set on master nodegroups).'],
    ['node_taints', (g) => { g.node_taints = [{ key: 'a', effect: 'NoSchedule' }]; }, 'node_taints for default-master is invalid (node_taints may not be set on master nodegroups).'],
  ])('%s on the control plane', (attr, change, message) => {
    const err = refusal(() => render(withGpu(() => {}, change)));
    expect(err.message).toBe(message);
    expect(err.field).toBe(`nodegroups.0.${attr}`);
  });

  it('the same taint key with two effects is allowed, as Kubernetes allows it', () => {
    const values = render(withGpu((g) => { g.node_taints = [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoExecute' }]; }));
    expect(at(values, 'nodeGroups.1.kubeadmConfigSpec.joinConfiguration.nodeRegistration.taints')).toHaveLength(2);
  });
});
