/**
 * Switching a cluster from magnum-capi-helm 1.4.0 to this driver rolls no
 * node: for each representative cluster, the real chart renders the same
 * checksum-named machine templates and bootstrap configs (and the same control
 * plane and machine deployments that point at them) from this driver's values
 * as from the values the Python driver sends for that Magnum cluster
 * (`magnum-capi-helm.ts`). Every other object that differs is named below,
 * with the reason the difference is deliberate.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { createHelmClient } from '../../../src/helm/client.js';
import { Spec, type SpecInput } from '../../../src/magnum/spec.js';
import { createPlanner } from '../../../src/planner.js';
import { chartArchive, chartsOrSkip, REAL_CHART_VERSION } from '../../support/chart-repo.js';
import { fixture } from '../../unit/values/helpers.js';
import { HELM_BINARIES } from '../harness/kube.js';
import { ROOT } from '../harness/service.js';
import { manifestObjects, NAMESPACE, pythonDefault, RELEASE } from './magnum-capi-helm.js';

const CHARTS = chartsOrSkip('test/integration/parity/driver-switch.test.ts (machine templates from this driver and magnum-capi-helm 1.4.0)');

type Values = Record<string, any>;
interface Case {
  name: string;
  /** Cluster labels, as the user set them on the Magnum cluster. */
  labels: Record<string, string>;
  /** Extra node groups beyond the fixture's default master and worker. */
  groups?: SpecInput['nodegroups'];
  /** What magnum-capi-helm 1.4.0 sends for this cluster: its defaults, changed as its source says. */
  python: (v: Values) => void;
  /**
   * Objects (kind/name) rendered differently on purpose, each with why. Value differences
   * the chart renders the same are not listed: this driver sends no `kubernetesDashboard`
   * to 0.27.0 (the addon left the chart in 0.20), `allowedTopologies: null` where magnum-capi-helm
   * sends `[]`, and `cloudName` and `addons.openstack.enabled` at the chart's own defaults.
   */
  differences?: Record<string, string>;
}

const CASES: Case[] = [
  { name: 'default', labels: {}, python: () => {} },
  {
    name: 'etcd volume',
    labels: { etcd_blockdevice_size: '10', etcd_blockdevice_volume_type: 'ssd', etcd_blockdevice_volume_az: 'az1' },
    python: (v) => {
      v.etcd = { blockDevice: { size: 10, type: 'Volume', volumeType: 'ssd', availabilityZone: 'az1' } };
    },
  },
  {
    name: 'boot volume',
    labels: { boot_volume_type: 'ssd', boot_volume_size: '40' },
    python: (v) => {
      v.controlPlane.machineRootVolume = { volumeType: 'ssd', diskSize: 40 };
      v.nodeGroupDefaults.machineRootVolume = { volumeType: 'ssd', diskSize: 40 };
    },
  },
  {
    name: 'extra networks',
    labels: { extra_network_names: 'storage-net backup-net' },
    python: (v) => {
      v.nodeGroupDefaults.machineNetworking = {
        ports: [{}, { network: { name: 'storage-net' }, securityGroups: [] }, { network: { name: 'backup-net' }, securityGroups: [] }],
      };
    },
  },
  {
    name: 'autoscaling',
    labels: { auto_scaling_enabled: 'true', min_node_count: '2', max_node_count: '10' },
    groups: [{ uuid: '33333333-3333-4333-8333-333333333333', name: 'GPU Workers', role: 'worker', node_count: 2, min_node_count: 1, max_node_count: 4, flavor_id: 'm1.large', image_id: 'ubuntu-2204-kube-v1.31.4', labels: {}, is_default: false, status: 'CREATE_COMPLETE' }],
    python: (v) => {
      // The default worker takes min/max from the labels (its min_node_count of 1 means unset); others from the group.
      v.nodeGroups = [
        { name: 'default-worker', machineFlavor: 'm1.medium', machineCount: 2, autoscale: 'true', machineCountMin: 2, machineCountMax: 10 },
        { name: 'gpu-workers', machineFlavor: 'm1.large', machineCount: 2, autoscale: 'true', machineCountMin: 1, machineCountMax: 4 },
      ];
    },
  },
  {
    name: 'keystone auth',
    labels: { keystone_auth_enabled: 'true' },
    python: (v) => {
      v.authWebhook = 'k8s-keystone-auth';
      // context.auth_url and context.project_id of the user's request.
      v.addons.openstack.k8sKeystoneAuth = { enabled: true, values: { openstackAuthUrl: 'https://keystone.example.test/v3', projectId: '9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b' } };
    },
  },
  {
    name: 'monitoring',
    labels: { monitoring_enabled: 'true' },
    python: (v) => {
      v.addons.monitoring.enabled = true;
    },
  },
  {
    name: 'API load balancer CIDRs',
    labels: { api_master_lb_allowed_cidrs: '192.168.0.0/16,10.10.0.0/16' },
    python: (v) => {
      // Sent as `allowedCidrs`, which chart 0.27.0 does not read: the restriction never applied.
      v.apiServer.allowedCidrs = ['192.168.0.0/16', '10.10.0.0/16'];
    },
    differences: {
      [`OpenStackCluster/${RELEASE}`]: 'the allowed CIDRs now apply (apiServerLoadBalancer.allowedCIDRs); magnum-capi-helm sends allowedCidrs, which the chart ignores since 0.24',
    },
  },
];

/** Objects whose change rolls nodes: the checksum-named templates, and what points at them. */
const ROLLING_KINDS = ['OpenStackMachineTemplate', 'KubeadmConfigTemplate', 'KubeadmControlPlane', 'MachineDeployment'];

function specFor(c: Case): SpecInput {
  const s = fixture('default') as SpecInput;
  s.cluster.labels = c.labels;
  s.nodegroups = [...(s.nodegroups ?? []), ...(c.groups ?? [])];
  return s;
}

describe.skipIf(!CHARTS).each(HELM_BINARIES)(`switching from magnum-capi-helm 1.4.0 rolls no node (%s, chart ${REAL_CHART_VERSION})`, (_label, binary) => {
  const chart = { repo: '', name: CHARTS ? chartArchive(CHARTS, REAL_CHART_VERSION) : '', version: REAL_CHART_VERSION };
  const helm = createHelmClient({ binary: join(ROOT, binary), timeoutSeconds: 60 });
  const render = (values: Values) => helm.template({ release: RELEASE, namespace: NAMESPACE, chart, values });

  it.each(CASES)('$name', async (c) => {
    const planner = await createPlanner(parseConfig({ chart: { repo: '', name: chart.name, defaultVersion: REAL_CHART_VERSION } }));
    const plan = planner.plan(Spec.parse(specFor(c)));
    expect(plan.release).toBe(RELEASE);
    const python = pythonDefault();
    c.python(python);
    const ours = manifestObjects(await render(plan.values));
    const theirs = manifestObjects(await render(python));

    const rolling = [...ours.keys()].filter((k) => ROLLING_KINDS.includes(k.split('/')[0]!));
    expect(rolling.length).toBeGreaterThanOrEqual(5);
    for (const key of rolling) expect(ours.get(key), key).toEqual(theirs.get(key));
    expect([...theirs.keys()].filter((k) => ROLLING_KINDS.includes(k.split('/')[0]!)).sort()).toEqual(rolling.sort());

    const differing = [...new Set([...ours.keys(), ...theirs.keys()])].filter((k) => JSON.stringify(ours.get(k)) !== JSON.stringify(theirs.get(k)));
    expect(differing.sort()).toEqual(Object.keys(c.differences ?? {}).sort());
  });
});
