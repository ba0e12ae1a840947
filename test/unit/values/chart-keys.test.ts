/**
 * Every key the driver writes must be one the openstack-cluster chart reads.
 * The chart has no values schema and ignores unknown keys silently (a typo
 * such as `allowedCidrs` simply does nothing), so this walks the generated
 * values against the chart's own values.yaml. A key the chart documents only
 * in a comment (e.g. `allowedCIDRs`) counts when its comment is there.
 * The values files are read from the packaged 0.27.0 archive (see
 * test/support/chart-repo.ts); without the packaged charts the suite skips.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { Spec } from '../../../src/magnum/spec.js';
import { loadValueLayers, planRelease } from '../../../src/values/index.js';
import { chartsOrSkip, REAL_CHART_VERSION, unpackChart } from '../../support/chart-repo.js';
import { fixture } from './helpers.js';

const ROOT = join(import.meta.dirname, '../../..');
const CHARTS = chartsOrSkip(`test/unit/values/chart-keys.test.ts (generated keys against the values.yaml of openstack-cluster ${REAL_CHART_VERSION})`);
const unpacked = CHARTS ? unpackChart(CHARTS, REAL_CHART_VERSION) : null;
const chartText = unpacked ? readFileSync(join(unpacked, 'values.yaml'), 'utf8') : '{}';
const addonsText = unpacked ? readFileSync(join(unpacked, 'charts/cluster-addons/values.yaml'), 'utf8') : '{}';
const chart = load(chartText) as Record<string, unknown>;
chart.addons = { ...(chart.addons as object), ...(load(addonsText) as object) };
afterAll(() => {
  if (unpacked) rmSync(dirname(unpacked), { recursive: true, force: true });
});

/** Maps whose keys are data, not chart settings: anything below them is passed through. */
const FREE_FORM = [
  'addons.openstack.cloudConfig',
  'addons.openstack.k8sKeystoneAuth.values',
  'nodeGroupDefaults.machineNetworking.ports',
  // Node labels are data; the Cilium chart's values and storage-class parameters belong to other charts.
  'nodeGroups.nodeLabels',
  'addons.cni.cilium.release.values',
  'addons.openstack.csiManila.defaultStorageClass.parameters',
  'addons.openstack.csiManila.additionalStorageClasses.parameters',
];
/**
 * kubeadm's own fields, which the chart merges into its KubeadmConfig specs
 * without reading them (`mergeConcatMany`): checked against Cluster API's
 * v1beta1 KubeadmConfigSpec instead of the chart's values. A list's entry
 * names the keys of its items. Below `extraArgs` and `kubeletExtraArgs` every
 * key is a component flag.
 */
const NODE_REGISTRATION = ['nodeRegistration'];
const KUBELET_ARGS = ['kubeletExtraArgs'];
const KUBEADM_FIELDS: Record<string, string[]> = {
  'controlPlane.kubeadmConfigSpec': ['files', 'clusterConfiguration', 'initConfiguration', 'joinConfiguration'],
  'controlPlane.kubeadmConfigSpec.files': ['path', 'content', 'owner', 'permissions'],
  'controlPlane.kubeadmConfigSpec.clusterConfiguration': ['apiServer'],
  'controlPlane.kubeadmConfigSpec.clusterConfiguration.apiServer': ['extraArgs', 'extraVolumes'],
  'controlPlane.kubeadmConfigSpec.clusterConfiguration.apiServer.extraVolumes': ['name', 'hostPath', 'mountPath', 'readOnly', 'pathType'],
  'controlPlane.kubeadmConfigSpec.initConfiguration': NODE_REGISTRATION,
  'controlPlane.kubeadmConfigSpec.initConfiguration.nodeRegistration': KUBELET_ARGS,
  'controlPlane.kubeadmConfigSpec.joinConfiguration': NODE_REGISTRATION,
  'controlPlane.kubeadmConfigSpec.joinConfiguration.nodeRegistration': KUBELET_ARGS,
  'nodeGroupDefaults.kubeadmConfigSpec': ['joinConfiguration'],
  'nodeGroupDefaults.kubeadmConfigSpec.joinConfiguration': NODE_REGISTRATION,
  'nodeGroupDefaults.kubeadmConfigSpec.joinConfiguration.nodeRegistration': KUBELET_ARGS,
  'nodeGroups.kubeadmConfigSpec': ['joinConfiguration'],
  'nodeGroups.kubeadmConfigSpec.joinConfiguration': NODE_REGISTRATION,
  'nodeGroups.kubeadmConfigSpec.joinConfiguration.nodeRegistration': ['taints'],
  'nodeGroups.kubeadmConfigSpec.joinConfiguration.nodeRegistration.taints': ['key', 'value', 'effect'],
};
const FLAG_MAPS = ['extraArgs', 'kubeletExtraArgs'];

function kubeadmKeys(values: unknown, path: string, out: string[]): void {
  const fields = KUBEADM_FIELDS[path]!;
  const list = Array.isArray(values);
  for (const item of list ? values : [values]) {
    for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
      const at = `${path}${list ? '[]' : ''}.${k}`;
      if (!fields.includes(k)) out.push(at);
      else if (KUBEADM_FIELDS[`${path}.${k}`]) kubeadmKeys(v, `${path}.${k}`, out);
      else if (!FLAG_MAPS.includes(k) && typeof v === 'object' && v !== null) out.push(`${at} (no schema listed)`);
    }
  }
}

/** List items checked against the chart's template for them. */
const ITEM_TEMPLATES: Record<string, string> = {
  nodeGroups: 'nodeGroupDefaults',
  'addons.openstack.csiCinder.additionalStorageClasses': 'addons.openstack.csiCinder.defaultStorageClass',
  'addons.openstack.csiManila.additionalStorageClasses': 'addons.openstack.csiManila.defaultStorageClass',
};
/** Keys a node group item has beyond the defaults, documented in the chart's nodeGroups example. */
const NODE_GROUP_ITEM_KEYS = ['name', 'machineCount', 'machineCountMin', 'machineCountMax'];

function node(path: string): unknown {
  if (path === '') return chart;
  return path.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], chart);
}

/**
 * Keys the chart documents only in a comment (their parent is empty in values.yaml), by chart
 * path. Listed one by one rather than matched against any comment, so a typo cannot pass by
 * resembling some other commented word; a test below checks each is still in the chart's text.
 */
const COMMENTED = [
  // Deprecated in favour of internalNetwork.dnsNameservers, but 0.27.0's template still reads it, as every older chart does.
  'clusterNetworking.dnsNameservers',
  'apiServer.allowedCIDRs',
  'etcd.blockDevice.size',
  'etcd.blockDevice.type',
  'etcd.blockDevice.volumeType',
  'etcd.blockDevice.availabilityZone',
  'clusterNetworking.internalNetwork.networkFilter.id',
  'clusterNetworking.internalNetwork.subnetFilter.id',
  'controlPlane.machineRootVolume.volumeType',
  'nodeGroupDefaults.machineRootVolume.volumeType',
];
/** Keys the chart's templates read that values.yaml omits (checked against the 0.27.0 templates by hand). */
const TEMPLATE_ONLY = [
  // cluster-addons templates/openstack/k8s-keystone-auth.yaml: `toYaml .Values.openstack.k8sKeystoneAuth.values`
  'addons.openstack.k8sKeystoneAuth.values',
];

function unknownKeys(values: unknown, path: string, chartPath: string, out: string[]): void {
  if (FREE_FORM.includes(path)) return;
  if (KUBEADM_FIELDS[path]) return kubeadmKeys(values, path, out);
  if (Array.isArray(values)) {
    const template = ITEM_TEMPLATES[path];
    if (!template) return;
    for (const item of values) {
      for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
        if (template === 'nodeGroupDefaults' && NODE_GROUP_ITEM_KEYS.includes(k)) continue;
        walkKey(v, `${path}[].${k}`, `${template}.${k}`, k, out);
      }
    }
    return;
  }
  if (typeof values !== 'object' || values === null) return;
  for (const [k, v] of Object.entries(values)) walkKey(v, path ? `${path}.${k}` : k, chartPath ? `${chartPath}.${k}` : k, k, out);
}

function walkKey(value: unknown, path: string, chartPath: string, key: string, out: string[]): void {
  const parent = node(chartPath.split('.').slice(0, -1).join('.'));
  const known = (parent !== null && typeof parent === 'object' && key in parent) || COMMENTED.includes(chartPath) || TEMPLATE_ONLY.includes(chartPath);
  if (!known) out.push(path);
  else unknownKeys(value, path.replace(/\[\]/g, ''), chartPath, out);
}

describe.skipIf(!CHARTS)(`generated keys exist in the chart (${REAL_CHART_VERSION})`, () => {
  it.each(['default', 'addons', 'networking', 'storage', 'autoscaling', 'secure'])('%s', async (name) => {
    const site = parseConfig({});
    const plan = planRelease(Spec.parse(fixture(name)), site, await loadValueLayers(site, ROOT));
    const out: string[] = [];
    unknownKeys(plan.values, '', '', out);
    expect(out).toEqual([] as string[]);
  });

  it('catches a misspelt key (the guard itself works)', () => {
    const out: string[] = [];
    unknownKeys({ apiServer: { allowedCidrs: ['10.0.0.0/8'] }, etcd: { blockDevice: { size: 1, volumeTyp: 'x' } }, nodeGroups: [{ name: 'x', machineFlavour: 'm1' }] }, '', '', out);
    expect(out).toEqual(['apiServer.allowedCidrs', 'etcd.blockDevice.volumeTyp', 'nodeGroups[].machineFlavour']);
  });

  it('catches a misspelt kubeadm field', () => {
    const out: string[] = [];
    unknownKeys({ controlPlane: { kubeadmConfigSpec: { clusterConfiguration: { apiServer: { extraVolume: [] } }, files: [{ path: 'p', contents: 'x' }] } } }, '', '', out);
    expect(out).toEqual(['controlPlane.kubeadmConfigSpec.clusterConfiguration.apiServer.extraVolume', 'controlPlane.kubeadmConfigSpec.files[].contents']);
  });

  it.each(COMMENTED)('%s is still documented in the chart\'s comments', (path) => {
    const key = path.split('.').at(-1)!;
    expect(chartText).toMatch(new RegExp(`^\\s*#(\\s*#)?\\s*${key}\\b`, 'm'));
  });
});
