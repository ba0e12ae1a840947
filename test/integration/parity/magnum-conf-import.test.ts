/**
 * A magnum.conf holding every `[capi_helm]` and `[capi_helm_cluster_labels]`
 * option of magnum-capi-helm 1.4.0, imported with `import-magnum-conf`, makes
 * this driver render a cluster as magnum-capi-helm renders it with that
 * magnum.conf: the values it would send (written by hand from its driver.py,
 * below each case) and ours go through the real chart, and every object comes
 * out the same but the ones named, each with why.
 */
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { createHelmClient } from '../../../src/helm/client.js';
import { Spec, type SpecInput } from '../../../src/magnum/spec.js';
import { configYaml, importMagnumConf } from '../../../src/migrate/magnum-conf.js';
import { createPlanner } from '../../../src/planner.js';
import { chartArchive, chartsOrSkip, REAL_CHART_VERSION } from '../../support/chart-repo.js';
import { fixture } from '../../unit/values/helpers.js';
import { HELM_BINARIES } from '../harness/kube.js';
import { ROOT } from '../harness/service.js';
import { manifestObjects, pythonDefault, RELEASE, storageClass } from './magnum-capi-helm.js';

const CHARTS = chartsOrSkip('test/integration/parity/magnum-conf-import.test.ts (an imported magnum.conf renders as magnum-capi-helm 1.4.0 renders it)');

type Values = Record<string, any>;

/** Every option of magnum-capi-helm 1.4.0's conf.py under its own name, none at its default. */
const CAPI_HELM = `[capi_helm]
kubeconfig_file = /etc/magnum/capi-kubeconfig
namespace_prefix = capi
helm_chart_repo = https://charts.example.test/capi-helm-charts
helm_chart_name = openstack-cluster
default_helm_chart_version = ${REAL_CHART_VERSION}
minimum_flavor_ram = 4096
minimum_flavor_vcpus = 2
csi_cinder_default_volume_type = ssd
# Strings the chart writes verbatim into StorageClass.allowedTopologies, which Kubernetes refuses:
# only the empty list renders a cluster (the import says so for any other).
csi_cinder_allowed_topologies =
app_cred_interface_type = internal
api_resources = {"OpenstackCluster": {"api_version": "infrastructure.cluster.x-k8s.io/v1beta1"}}
k8s_control_plane_resource_conditions = MachinesReady,Ready,EtcdClusterHealthy
`;

const LABELS = `[capi_helm_cluster_labels]
etcd_blockdevice_size = 10
etcd_blockdevice_type = volume
etcd_blockdevice_volume_type = fast
etcd_blockdevice_volume_az = az1
etcd_volume_size = 99
etcd_volume_type = never-read
monitoring_enabled = yes
kube_dashboard_enabled = false
auto_healing_enabled = off
auto_scaling_enabled = true
min_node_count = 1
max_node_count = 5
keystone_auth_enabled = 1
csi_cinder_availability_zone = az2
csi_cinder_reclaim_policy = Delete
csi_cinder_volume_binding_mode = Immediate
csi_cinder_fstype = xfs
csi_cinder_allow_volume_expansion = false
octavia_provider = ovn
octavia_lb_algorithm = LEAST_CONNECTIONS
octavia_lb_healthcheck = false
master_lb_floating_ip_enabled = false
fixed_subnet_cidr = 10.20.0.0/24
api_master_lb_allowed_cidrs = 10.0.0.0/8,192.168.0.0/16
extra_network_names = storage-net backup-net
boot_volume_type = ssd
boot_volume_size = 30
capi_helm_chart_version = 0.26.1
`;

/** The options moved out of [capi_helm] and extra_network_names, under their deprecated spellings. */
const OLD_SPELLINGS = {
  /** Appended to [capi_helm]. */
  capiHelm: `csi_cinder_availability_zone = az2
csi_cinder_reclaim_policy = Delete
csi_cinder_volume_binding_mode = Immediate
csi_cinder_fstype = xfs
csi_cinder_allow_volume_expansion = false
`,
  labels: `${LABELS.replace(/^(csi_cinder_\w+|extra_network_names) = .*\n/gm, '')}extra_network_name = storage-net backup-net\n`,
};

/** What magnum-capi-helm sends for the default fixture with LABELS as its site defaults (driver.py, `_update_helm_release`). */
function pythonWithLabels(v: Values): void {
  // _get_etcd_config: etcd_blockdevice_size (etcd_volume_size is never read from the conf), type Volume, its type and zone.
  v.etcd = { blockDevice: { size: 10, type: 'Volume', volumeType: 'fast', availabilityZone: 'az1' } };
  v.apiServer = { associateFloatingIP: false, enableLoadBalancer: true, loadBalancerProvider: 'ovn', allowedCidrs: ['10.0.0.0/8', '192.168.0.0/16'] };
  v.clusterNetworking.internalNetwork.nodeCidr = '10.20.0.0/24';
  v.controlPlane.healthCheck.enabled = false;
  v.nodeGroupDefaults.healthCheck.enabled = false;
  // _get_node_counts: the default worker's min_node_count of 1 means unset; the conf's min and max then apply.
  v.nodeGroups = [{ name: 'default-worker', machineFlavor: 'm1.medium', machineCount: 2, autoscale: 'true', machineCountMin: 1, machineCountMax: 5 }];
  // _storageclass_definitions: csi_cinder_default_volume_type is the default class; Cinder's order for the rest.
  const csi = { reclaimPolicy: 'Delete', allowVolumeExpansion: false, volumeBindingMode: 'Immediate', availabilityZone: 'az2', fstype: 'xfs' };
  v.addons.openstack.csiCinder = { defaultStorageClass: storageClass('ssd', 'ssd', csi), additionalStorageClasses: [storageClass('default', '__DEFAULT__', csi)] };
  v.addons.openstack.cloudConfig.LoadBalancer = { 'lb-provider': 'ovn', 'lb-method': 'LEAST_CONNECTIONS', 'create-monitor': false };
  v.addons.monitoring.enabled = true;
  v.addons.kubernetesDashboard.enabled = false;
  v.nodeGroupDefaults.machineNetworking = {
    ports: [{}, { network: { name: 'storage-net' }, securityGroups: [] }, { network: { name: 'backup-net' }, securityGroups: [] }],
  };
  v.authWebhook = 'k8s-keystone-auth';
  v.addons.openstack.k8sKeystoneAuth = { enabled: true, values: { openstackAuthUrl: 'https://keystone.example.test/v3', projectId: '9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b' } };
}

function bootVolume(v: Values, volumeType: string, diskSize: number): void {
  v.controlPlane.machineRootVolume = { volumeType, diskSize };
  v.nodeGroupDefaults.machineRootVolume = { volumeType, diskSize };
}

interface Case {
  name: string;
  conf: string;
  /** What the shim sends of Magnum's own [cinder] settings. */
  cinder?: Pick<SpecInput['resolved'], 'default_boot_volume_type' | 'default_boot_volume_size'>;
  python: (v: Values) => void;
}

const CASES: Case[] = [
  {
    name: 'every option under its own name',
    conf: `${CAPI_HELM}\n${LABELS}`,
    python: (v) => {
      pythonWithLabels(v);
      bootVolume(v, 'ssd', 30);
    },
  },
  {
    name: 'the moved options under their deprecated spellings',
    conf: `${CAPI_HELM}${OLD_SPELLINGS.capiHelm}\n${OLD_SPELLINGS.labels}`,
    python: (v) => {
      pythonWithLabels(v);
      bootVolume(v, 'ssd', 30);
    },
  },
  {
    name: 'no boot volume options: Magnum\'s [cinder] defaults',
    conf: `${CAPI_HELM}\n${LABELS.replace(/^boot_volume_\w+ = .*\n/gm, '')}\n[cinder]\ndefault_boot_volume_type = ceph-ssd\ndefault_boot_volume_size = 50\n`,
    // What facts.py reads from [cinder] and sends.
    cinder: { default_boot_volume_type: 'ceph-ssd', default_boot_volume_size: 50 },
    python: (v) => {
      pythonWithLabels(v);
      // `lconf.boot_volume_type or CONF.cinder.default_boot_volume_type`, and the size likewise.
      bootVolume(v, 'ceph-ssd', 50);
    },
  },
];

/** Rendered differently on purpose, by every case. */
const DIFFERENCES: Record<string, string> = {
  [`OpenStackCluster/${RELEASE}`]: 'the allowed CIDRs now apply (apiServerLoadBalancer.allowedCIDRs); magnum-capi-helm sends allowedCidrs, which the chart ignores since 0.24',
};

describe('import-magnum-conf: the printed config', () => {
  it('carries every [capi_helm] setting magnum-capi-helm renders with', () => {
    const result = importMagnumConf(CASES[0]!.conf);
    const site = parseConfig(load(configYaml(result, 'magnum.conf')));
    expect(site.chart).toEqual({ repo: 'https://charts.example.test/capi-helm-charts', name: 'openstack-cluster', defaultVersion: REAL_CHART_VERSION });
    expect(site.kubeconfig).toBe('/etc/magnum/capi-kubeconfig');
    expect(site.namespacePrefix).toBe('capi');
    expect(site.limits).toMatchObject({ minFlavorRamMb: 4096, minFlavorVcpus: 2 });
    expect(site.defaultVolumeType).toBe('ssd');
    expect(site.labelDefaults).not.toHaveProperty('etcd_volume_size');
    expect(site.labelDefaults).not.toHaveProperty('etcd_volume_type');
    expect(site.labelDefaults).not.toHaveProperty('capi_helm_chart_version');
  });
});

describe.skipIf(!CHARTS).each(HELM_BINARIES)(`an imported magnum.conf renders as magnum-capi-helm 1.4.0 (%s, chart ${REAL_CHART_VERSION})`, (_label, binary) => {
  const chart = { repo: '', name: CHARTS ? chartArchive(CHARTS, REAL_CHART_VERSION) : '', version: REAL_CHART_VERSION };
  const helm = createHelmClient({ binary: join(ROOT, binary), timeoutSeconds: 60 });

  it.each(CASES)('$name', async (c) => {
    const imported = load(configYaml(importMagnumConf(c.conf), '/etc/magnum/magnum.conf')) as Record<string, any>;
    // The chart archive on loopback stands in for the repository magnum.conf names.
    const site = parseConfig({ ...imported, chart: { ...imported.chart, repo: '', name: chart.name } });
    const spec = fixture('default');
    Object.assign(spec.resolved, c.cinder ?? {});
    const plan = (await createPlanner(site)).plan(Spec.parse(spec));
    // namespace_prefix: magnum-capi-helm's `<prefix>-<project id>`.
    expect(plan.namespace).toBe('capi-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b');
    expect(plan.chart.version).toBe(REAL_CHART_VERSION);

    const python: Values = pythonDefault();
    c.python(python);
    const render = (values: Values) => helm.template({ release: RELEASE, namespace: plan.namespace, chart, values });
    const ours = manifestObjects(await render(plan.values));
    const theirs = manifestObjects(await render(python));
    const differing = [...new Set([...ours.keys(), ...theirs.keys()])].filter((k) => JSON.stringify(ours.get(k)) !== JSON.stringify(theirs.get(k)));
    expect(differing.sort()).toEqual(Object.keys(DIFFERENCES).sort());
    // The options reached the chart: the objects compared are not both at the chart's defaults.
    const machineTemplates = [...ours].filter(([key]) => key.startsWith('OpenStackMachineTemplate/'));
    expect(JSON.stringify(machineTemplates)).toContain(JSON.stringify(python.controlPlane.machineRootVolume.volumeType));
    expect([...ours.keys()]).toContain(`HelmRelease/${RELEASE}-kube-prometheus-stack`);
  });
});
