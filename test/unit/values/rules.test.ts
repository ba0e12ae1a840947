/** Field rules: flavors, control plane size, autoscaling bounds, node-group names, storage classes, CNI. */
import { describe, expect, it } from 'vitest';
import { InvalidInput, MagnumRuleViolation } from '../../../src/errors.js';
import type { SpecInput } from '../../../src/magnum/spec.js';
import { at, render, specWith } from './helpers.js';

type NG = NonNullable<SpecInput['nodegroups']>[number];

function worker(s: SpecInput): NG {
  return s.nodegroups!.find((g) => g.role !== 'master' && g.is_default)!;
}

let groups = 0;
function extraGroup(name: string, patch: Partial<NG> = {}): NG {
  return { uuid: `uuid-${++groups}`, name, role: 'worker', node_count: 2, flavor_id: 'm1.medium', labels: {}, is_default: false, ...patch };
}

function expectRule(run: () => unknown, message: string, field: string): void {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(MagnumRuleViolation);
    expect((err as MagnumRuleViolation).message).toBe(message);
    expect((err as MagnumRuleViolation).field).toBe(field);
    return;
  }
  throw new Error('expected a MagnumRuleViolation');
}

describe('flavors', () => {
  it.each([
    ['too little RAM', { ram: 1024, vcpus: 4 }, 'The flavor does not have enough RAM to run Kubernetes. Flavor m1.medium: minimum 2048 MB required.'],
    ['too few vCPUs', { ram: 4096, vcpus: 1 }, 'The flavor does not have enough CPU to run Kubernetes. Flavor m1.medium: minimum 2 vcpus required.'],
  ])('the control plane flavor with %s is refused', (_name, size, message) => {
    const spec = specWith((s) => {
      s.resolved.flavors!['m1.medium'] = { id: '3', name: 'm1.medium', ...size };
    });
    expectRule(() => render(spec), message, 'cluster.master_flavor_id');
  });

  it('limits come from site config', () => {
    expectRule(() => render(specWith(), { limits: { minFlavorRamMb: 8192 } }), 'The flavor does not have enough RAM to run Kubernetes. Flavor m1.medium: minimum 8192 MB required.', 'cluster.master_flavor_id');
  });

  it('a worker group flavor is checked too, and found by id as well as by name', () => {
    const spec = specWith((s) => {
      s.resolved.flavors!.tiny = { id: 't1', name: 'tiny', vcpus: 1, ram: 512 };
      s.nodegroups!.push(extraGroup('small', { flavor_id: 't1' }));
    });
    expectRule(() => render(spec), 'The flavor does not have enough RAM to run Kubernetes. Flavor t1: minimum 2048 MB required.', 'nodegroups.2.flavor_id');
  });

  it('a flavor the shim did not resolve is refused', () => {
    const spec = specWith((s) => {
      s.nodegroups!.push(extraGroup('gpus', { flavor_id: 'g1.huge' }));
    });
    expect(() => render(spec)).toThrow(/was not resolved by the shim\. Flavor g1\.huge:/);
  });
});

describe('control plane size', () => {
  it.each([1, 3, 5])('%i masters are accepted', (n) => {
    expect(at(render(specWith((s) => void (s.cluster.master_count = n))), 'controlPlane.machineCount')).toBe(n);
  });

  it.each([0, 2, 4])('%i masters are refused', (n) => {
    expectRule(() => render(specWith((s) => void (s.cluster.master_count = n))), `master nodegroup size of ${n} is invalid, size cannot be an even number.`, 'cluster.master_count');
  });
});

describe('autoscaling bounds', () => {
  const on = { auto_scaling_enabled: 'true' };
  it.each<[string, (s: SpecInput) => void, { autoscale?: string; machineCountMin?: number; machineCountMax?: number }]>([
    ['default group, Magnum min 1 means unset, no max: fixed size', (s) => Object.assign(worker(s), { node_count: 3, min_node_count: 1, max_node_count: null }), {}],
    ['default group with a max', (s) => Object.assign(worker(s), { node_count: 3, min_node_count: 1, max_node_count: 6 }), { autoscale: 'true', machineCountMin: 3, machineCountMax: 6 }],
    ['default group, labels override min and max', (s) => {
      Object.assign(worker(s), { node_count: 3, min_node_count: 2, max_node_count: 4 });
      s.cluster.labels = { ...on, min_node_count: '1', max_node_count: '9' };
    }, { autoscale: 'true', machineCountMin: 1, machineCountMax: 9 }],
    ['default group with min 2 set by the user', (s) => Object.assign(worker(s), { node_count: 3, min_node_count: 2, max_node_count: 5 }), { autoscale: 'true', machineCountMin: 2, machineCountMax: 5 }],
    ['min equals max: no autoscale key at all', (s) => Object.assign(worker(s), { node_count: 3, min_node_count: 3, max_node_count: 3 }), {}],
    ['default group, labels that make min equal max: fixed size', (s) => {
      Object.assign(worker(s), { node_count: 2, min_node_count: 1, max_node_count: 6 });
      s.cluster.labels = { ...on, min_node_count: '2', max_node_count: '2' };
    }, {}],
    ['default group, a template max label applies when the group has none', (s) => {
      Object.assign(worker(s), { node_count: 2, min_node_count: 1, max_node_count: null });
      s.cluster_template.labels = { max_node_count: '4' };
    }, { autoscale: 'true', machineCountMin: 2, machineCountMax: 4 }],
  ])('%s', (_name, change, expected) => {
    const spec = specWith((s) => {
      s.cluster.labels = on;
      change(s);
    });
    const group = at(render(spec), 'nodeGroups.0') as Record<string, unknown>;
    expect({ autoscale: group.autoscale, machineCountMin: group.machineCountMin, machineCountMax: group.machineCountMax }).toEqual({
      autoscale: expected.autoscale,
      machineCountMin: expected.machineCountMin,
      machineCountMax: expected.machineCountMax,
    });
  });

  it.each<[string, Record<string, string>, { machineCountMin: number; machineCountMax: number }]>([
    ['site defaults bound the default group', {}, { machineCountMin: 2, machineCountMax: 7 }],
    ['cluster labels beat the site defaults', { min_node_count: '1', max_node_count: '5' }, { machineCountMin: 1, machineCountMax: 5 }],
  ])('%s', (_name, labels, expected) => {
    const spec = specWith((s) => {
      s.cluster.labels = { ...on, ...labels };
      Object.assign(worker(s), { node_count: 3, min_node_count: 1, max_node_count: null });
    });
    const site = { labelDefaults: { min_node_count: '2', max_node_count: '7' } };
    expect(at(render(spec, site), 'nodeGroups.0')).toMatchObject({ autoscale: 'true', ...expected });
  });

  it.each<[string, Record<string, string>, string, string]>([
    ['a min label below 1', { min_node_count: '0', max_node_count: '3' }, 'Min node count must be greater than or equal to 1 for all node groups.', 'min_node_count'],
    ['a min label above the node count', { min_node_count: '5', max_node_count: '6' }, 'Min node count must be less than or equal to current node count', 'min_node_count'],
    ['a max label below the min', { max_node_count: '1' }, 'Max node count must be greater than or equal to min node count', 'max_node_count'],
  ])('on the default group, %s is refused with Magnum\'s message', (_name, labels, message, field) => {
    const spec = specWith((s) => {
      s.cluster.labels = { ...on, ...labels };
      Object.assign(worker(s), { node_count: 2, min_node_count: 1, max_node_count: null });
    });
    expectRule(() => render(spec), message, `nodegroups.1.${field}`);
  });

  it.each<[string, Partial<NG>, Record<string, unknown>]>([
    ['no min and no max: fixed size', { node_count: 2, min_node_count: null, max_node_count: null }, { name: 'extra', machineFlavor: 'm1.medium', machineCount: 2 }],
    ['only a max: the min is the node count', { node_count: 2, min_node_count: null, max_node_count: 4 }, { name: 'extra', machineFlavor: 'm1.medium', machineCount: 2, autoscale: 'true', machineCountMin: 2, machineCountMax: 4 }],
  ])('a non-default group with %s', (_name, counts, expected) => {
    const spec = specWith((s) => {
      s.cluster.labels = on;
      s.nodegroups!.push(extraGroup('extra', counts));
    });
    expect(at(render(spec), 'nodeGroups.1')).toEqual(expected);
  });

  it('a non-default group ignores the min/max labels and Magnum\'s min of 1 is real', () => {
    const spec = specWith((s) => {
      s.cluster.labels = { ...on, min_node_count: '2', max_node_count: '8' };
      s.nodegroups!.push(extraGroup('extra', { node_count: 2, min_node_count: 1, max_node_count: 3 }));
    });
    expect(at(render(spec), 'nodeGroups.1')).toMatchObject({ name: 'extra', autoscale: 'true', machineCountMin: 1, machineCountMax: 3 });
  });

  it.each<[string, Partial<NG>, string, string]>([
    ['min below 1', { node_count: 2, min_node_count: 0, max_node_count: 3 }, 'Min node count must be greater than or equal to 1 for all node groups.', 'min_node_count'],
    ['min above the node count', { node_count: 2, min_node_count: 3, max_node_count: 5 }, 'Min node count must be less than or equal to current node count', 'min_node_count'],
    ['max below min', { node_count: 3, min_node_count: 3, max_node_count: 2 }, 'Max node count must be greater than or equal to min node count', 'max_node_count'],
  ])('%s is refused with Magnum\'s message', (_name, counts, message, field) => {
    const spec = specWith((s) => {
      s.cluster.labels = on;
      s.nodegroups!.push(extraGroup('extra', counts));
    });
    expectRule(() => render(spec), message, `nodegroups.2.${field}`);
  });

  it('bounds are not checked while autoscaling is off', () => {
    const spec = specWith((s) => void s.nodegroups!.push(extraGroup('extra', { node_count: 2, min_node_count: 0, max_node_count: 1 })));
    expect(at(render(spec), 'nodeGroups.1')).toEqual({ name: 'extra', machineFlavor: 'm1.medium', machineCount: 2 });
  });
});

describe('node group names', () => {
  it.each([
    ['GPU Workers', 'gpu-workers'],
    ['  under_score  ', 'under-score'],
    ['ünïcode-grp', 'n-code-grp'],
  ])('%j becomes %j', (name, expected) => {
    expect(at(render(specWith((s) => void s.nodegroups!.push(extraGroup(name)))), 'nodeGroups.1.name')).toBe(expected);
  });

  it.each(['ab', '!!', '--x-'])('%j is too short once sanitised', (name) => {
    expect(() => render(specWith((s) => void s.nodegroups!.push(extraGroup(name))))).toThrow(/must have at least 3 letters or digits/);
  });

  it.each<[string, string]>([
    ['1gpu', 'node group name "1gpu" must start with a letter'],
    ['-42-workers', 'node group name "-42-workers" must start with a letter'],
    ['Control Plane', 'node group name "Control Plane" is reserved for the control plane\'s resources'],
    [`w${'x'.repeat(63)}`, `node group name "w${'x'.repeat(63)}" must have at most 63 characters once lower-cased and cleaned (64)`],
  ])('%j is refused: %s', (name, message) => {
    expectRule(() => render(specWith((s) => void s.nodegroups!.push(extraGroup(name)))), message, 'nodegroups.2.name');
  });

  it('a 63-character name is accepted as it is', () => {
    const name = `w${'x'.repeat(62)}`;
    expect(at(render(specWith((s) => void s.nodegroups!.push(extraGroup(name)))), 'nodeGroups.1.name')).toBe(name);
  });

  it('two groups that sanitise alike are refused', () => {
    const spec = specWith((s) => {
      s.nodegroups!.push(extraGroup('GPU workers'), extraGroup('gpu_workers'));
    });
    expectRule(() => render(spec), 'node groups "GPU workers" and "gpu_workers" both become "gpu-workers"; rename one', 'nodegroups.3.name');
  });

  it('two long names that differ only past the 63-character cut are refused', () => {
    const long = `w${'x'.repeat(58)}`;
    const spec = specWith((s) => {
      s.nodegroups!.push(extraGroup(`${long}-a`), extraGroup(`${long}-b`));
    });
    expect(() => render(spec)).toThrow(/both become MachineDeployment k8s-cluster-abcdefghij23-wx+; shorten one/);
  });
});

describe('fields', () => {
  it.each([
    ['no kube_version', { kube_version: null }, 'Image 6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a does not have a kube_version property.', 'resolved.image.kube_version'],
    ['a garbled kube_version', { kube_version: 'latest' }, 'Image 6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a has a malformed kube_version property. Expected a version such as v1.31.4, got "latest"', 'resolved.image.kube_version'],
    ['no os_distro', { os_distro: '' }, 'Image 6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a does not have an os_distro property.', 'resolved.image.os_distro'],
  ])('an image with %s is refused', (_name, patch, message, field) => {
    expectRule(() => render(specWith((s) => Object.assign(s.resolved.image, patch))), message, field);
  });

  it.each([
    ['v1.31.4', '1.31.4'],
    ['1.30.0', '1.30.0'],
  ])('kube_version %s becomes kubernetesVersion %s', (raw, expected) => {
    expect(render(specWith((s) => void (s.resolved.image.kube_version = raw))).kubernetesVersion).toBe(expected);
  });

  it('no keypair means null, and the DNS servers come from the template split on commas', () => {
    const values = render(specWith((s) => {
      s.cluster.keypair = '';
      s.cluster_template.dns_nameserver = '1.1.1.1, 8.8.8.8';
    }));
    expect(values.machineSSHKeyName).toBeNull();
    expect(at(values, 'clusterNetworking.dnsNameservers')).toEqual(['1.1.1.1', '8.8.8.8']);
    expect(at(render(specWith((s) => void (s.cluster_template.dns_nameserver = null))), 'clusterNetworking.dnsNameservers')).toBeNull();
  });

  it.each<[string, (s: SpecInput) => void, string, unknown]>([
    ['the resolved external network id wins', () => {}, 'clusterNetworking.externalNetworkId', 'c1c1c1c1-0000-4000-8000-000000000001'],
    ['a template external network that already is an id is used as it is', (s) => {
      s.resolved.external_network_id = null;
      s.cluster_template.external_network_id = 'D1D1D1D1-0000-4000-8000-000000000009';
    }, 'clusterNetworking.externalNetworkId', 'D1D1D1D1-0000-4000-8000-000000000009'],
    ['no external network: the chart detects one', (s) => {
      s.resolved.external_network_id = null;
      s.cluster_template.external_network_id = null;
    }, 'clusterNetworking.externalNetworkId', null],
    ['a cluster fixed network given as an id', (s) => void (s.cluster.fixed_network = 'aaaaaaaa-0000-4000-8000-000000000002'), 'clusterNetworking.internalNetwork.networkFilter', { id: 'aaaaaaaa-0000-4000-8000-000000000002' }],
  ])('networks: %s', (_name, change, path, expected) => {
    expect(at(render(specWith(change)), path)).toEqual(expected);
  });

  it.each<[string, (s: SpecInput) => void, string]>([
    ['external network', (s) => void (s.resolved.external_network_id = null), 'resolved.external_network_id'],
    ['fixed network', (s) => void (s.cluster.fixed_network = 'private'), 'resolved.fixed_network_id'],
    ['fixed subnet', (s) => void (s.cluster.fixed_subnet = 'private-subnet'), 'resolved.fixed_subnet_id'],
  ])('a %s name the shim did not resolve is refused, not replaced by another network', (_what, change, field) => {
    try {
      render(specWith(change));
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInput);
      expect((err as InvalidInput).field).toBe(field);
      expect((err as InvalidInput).message).toMatch(/was not resolved to an id/);
      return;
    }
    throw new Error('expected InvalidInput');
  });

  it('keystone auth needs the Keystone URL', () => {
    const spec = specWith((s) => {
      s.cluster.labels = { keystone_auth_enabled: 'true' };
      s.resolved.auth_url = null;
    });
    expectRule(() => render(spec), 'keystone_auth_enabled needs the Keystone URL: the shim must send resolved.auth_url', 'resolved.auth_url');
  });

  it.each([
    ['calico', 'calico'],
    ['Cilium', 'cilium'],
  ])('network_driver %s selects the %s CNI', (driver, type) => {
    expect(at(render(specWith((s) => void (s.cluster_template.network_driver = driver))), 'addons.cni.type')).toBe(type);
  });

  it('flannel is refused: the chart cannot install it', () => {
    expectRule(
      () => render(specWith((s) => void (s.cluster_template.network_driver = 'flannel'))),
      'The network driver "flannel" cannot be installed by the openstack-cluster chart: use calico or cilium (a template without network_driver gets ' +
        "Magnum's default, flannel: set [cluster_template] kubernetes_default_network_driver = calico and " +
        "kubernetes_allowed_network_drivers = calico,cilium in Magnum's configuration)",
      'cluster_template.network_driver',
    );
  });
});

describe('storage classes', () => {
  it('one class per Cinder type; the first is the default unless the site names one', () => {
    const types = (site = {}) => {
      const csi = at(render(specWith((s) => void (s.resolved.volume_types = ['__DEFAULT__', 'ssd', 'Fast NVMe'])), site), 'addons.openstack.csiCinder') as {
        defaultStorageClass: { name: string; volumeType: string };
        additionalStorageClasses: { name: string; volumeType: string }[];
      };
      return [csi.defaultStorageClass.volumeType, csi.defaultStorageClass.name, csi.additionalStorageClasses.map((c) => c.name)];
    };
    expect(types()).toEqual(['__DEFAULT__', 'default', ['ssd', 'fast-nvme']]);
    expect(types({ defaultVolumeType: 'ssd' })).toEqual(['ssd', 'ssd', ['default', 'fast-nvme']]);
  });

  it('a configured default that Cinder does not list is refused', () => {
    expectRule(() => render(specWith(), { defaultVolumeType: 'gold' }), 'gold is not a valid Cinder volume type.', 'resolved.volume_types');
  });

  it('types that sanitise alike still get distinct class names', () => {
    const values = render(specWith((s) => void (s.resolved.volume_types = ['ssd', 'SSD', 'ssd!'])));
    const csi = at(values, 'addons.openstack.csiCinder') as { defaultStorageClass: { name: string }; additionalStorageClasses: { name: string }[] };
    expect([csi.defaultStorageClass.name, ...csi.additionalStorageClasses.map((c) => c.name)]).toEqual(['ssd', 'ssd-2', 'ssd-3']);
  });

  it('allowed topologies: none by default (null, so the chart omits them), else the site\'s on every class', () => {
    const classes = (site = {}) => {
      const csi = at(render(specWith((s) => void (s.resolved.volume_types = ['ssd', 'hdd'])), site), 'addons.openstack.csiCinder') as {
        defaultStorageClass: { allowedTopologies: unknown };
        additionalStorageClasses: { allowedTopologies: unknown }[];
      };
      return [csi.defaultStorageClass.allowedTopologies, ...csi.additionalStorageClasses.map((c) => c.allowedTopologies)];
    };
    expect(classes()).toEqual([null, null]);
    const zones = [{ matchLabelExpressions: [{ key: 'topology.cinder.csi.openstack.org/zone', values: ['az1', 'az2'] }] }];
    expect(classes({ csiCinderAllowedTopologies: zones })).toEqual([zones, zones]);
  });

  it('no Cinder types: the chart keeps its own storage class', () => {
    expect(at(render(specWith((s) => void (s.resolved.volume_types = []))), 'addons.openstack.csiCinder')).toBeUndefined();
  });
});
