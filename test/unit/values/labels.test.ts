/**
 * Every label of the DESIGN.md table: its default, a template value, a
 * cluster value overriding the template, and a malformed value refused with
 * 422 naming the label.
 */
import { describe, expect, it } from 'vitest';
import { InvalidLabel } from '../../../src/errors.js';
import { parseConfig } from '../../../src/config.js';
import { planRelease } from '../../../src/values/index.js';
import { at, render, specWith, type LabelRow as Row } from './helpers.js';

/** What a volume type or zone label must look like (the chart writes it into YAML unquoted). */
const PLAIN = 'a plain name (letters, digits, spaces and . _ / -; not a number, boolean or null)';

const rows: Row[] = [
  { label: 'monitoring_enabled', path: 'addons.monitoring.enabled', default: false, template: ['true', true], cluster: ['no', false], malformed: ['maybe', 'boolean'] },
  { label: 'auto_healing_enabled', path: 'controlPlane.healthCheck.enabled', default: true, template: ['false', false], cluster: ['Yes', true], malformed: ['2', 'boolean'] },
  { label: 'auto_healing_enabled', path: 'nodeGroupDefaults.healthCheck.enabled', default: true, template: ['off', false], cluster: ['on', true] },
  { label: 'keystone_auth_enabled', path: 'authWebhook', default: undefined, template: ['true', 'k8s-keystone-auth'], cluster: ['false', undefined], malformed: ['enable', 'boolean'] },
  { label: 'keystone_auth_enabled', path: 'addons.openstack.k8sKeystoneAuth.values.openstackAuthUrl', default: undefined, template: ['1', 'https://keystone.example.test/v3'], cluster: ['0', undefined] },
  { label: 'octavia_provider', path: 'apiServer.loadBalancerProvider', default: 'amphora', template: ['ovn', 'ovn'], cluster: ['amphorav2', 'amphorav2'], malformed: ['ovn; rm -rf /', 'an Octavia provider name such as amphora or ovn'] },
  { label: 'octavia_provider', path: 'addons.openstack.cloudConfig.LoadBalancer.lb-provider', default: 'amphora', template: ['ovn', 'ovn'], cluster: ['amphora', 'amphora'] },
  { label: 'octavia_lb_algorithm', path: 'addons.openstack.cloudConfig.LoadBalancer.lb-method', default: 'ROUND_ROBIN', template: ['SOURCE_IP', 'SOURCE_IP'], cluster: ['least_connections', 'LEAST_CONNECTIONS'], malformed: ['FASTEST', 'one of ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP, SOURCE_IP_PORT'] },
  { label: 'octavia_lb_healthcheck', path: 'addons.openstack.cloudConfig.LoadBalancer.create-monitor', default: true, template: ['false', false], cluster: ['true', true], malformed: ['sometimes', 'boolean'] },
  { label: 'master_lb_floating_ip_enabled', path: 'apiServer.associateFloatingIP', default: true, template: ['false', false], cluster: ['true', true], malformed: ['public', 'boolean'] },
  { label: 'api_master_lb_allowed_cidrs', path: 'apiServer.allowedCIDRs', default: undefined, template: ['10.0.0.0/8', ['10.0.0.0/8']], cluster: ['192.168.0.0/16, 203.0.113.7/32', ['192.168.0.0/16', '203.0.113.7/32']], malformed: ['10.0.0.0/33', 'a comma-separated list of CIDRs'] },
  { label: 'fixed_subnet_cidr', path: 'clusterNetworking.internalNetwork.nodeCidr', default: '10.0.0.0/24', template: ['10.1.0.0/16', '10.1.0.0/16'], cluster: ['172.16.0.0/20', '172.16.0.0/20'], malformed: ['10.0.0/24', 'a CIDR such as 10.0.0.0/24'] },
  { label: 'extra_network_names', path: 'nodeGroupDefaults.machineNetworking.ports', default: undefined, template: ['a', [{}, { network: { name: 'a' }, securityGroups: [] }]], cluster: ['b c', [{}, { network: { name: 'b' }, securityGroups: [] }, { network: { name: 'c' }, securityGroups: [] }]], malformed: ['ok bad\u0001net', 'a space-separated list of names'] },
  { label: 'extra_network_name', path: 'nodeGroupDefaults.machineNetworking.ports.1.network.name', default: undefined, template: ['old', 'old'], cluster: ['older', 'older'], malformed: ['\u007f', 'a space-separated list of names'] },
  { label: 'boot_volume_type', path: 'controlPlane.machineRootVolume.volumeType', default: undefined, template: ['ssd', 'ssd'], cluster: ['nvme', 'nvme'], malformed: ['bad\u0001type', PLAIN] },
  { label: 'boot_volume_type', path: 'nodeGroupDefaults.machineRootVolume.volumeType', default: undefined, template: ['ssd', 'ssd'], cluster: ['nvme', 'nvme'] },
  { label: 'boot_volume_size', path: 'controlPlane.machineRootVolume.diskSize', default: undefined, template: ['20', 20], cluster: ['50', 50], malformed: ['NotANumber', 'integer'] },
  { label: 'boot_volume_size', path: 'nodeGroupDefaults.machineRootVolume.diskSize', default: undefined, template: ['20', 20], cluster: ['50', 50] },
  { label: 'etcd_blockdevice_size', path: 'etcd.blockDevice.size', default: undefined, template: ['10', 10], cluster: ['20', 20], malformed: ['-1', 'integer'] },
  { label: 'etcd_volume_size', path: 'etcd.blockDevice.size', default: undefined, template: ['5', 5], cluster: ['8', 8], malformed: ['big', 'integer'] },
  { label: 'etcd_blockdevice_type', path: 'etcd.blockDevice.type', needs: { etcd_blockdevice_size: '10' }, default: 'Volume', template: ['local', 'Local'], cluster: ['Volume', 'Volume'], malformed: ['ramdisk', 'one of volume, local'] },
  { label: 'etcd_blockdevice_volume_type', path: 'etcd.blockDevice.volumeType', needs: { etcd_blockdevice_size: '10' }, default: undefined, template: ['fast', 'fast'], cluster: ['faster', 'faster'], malformed: ['a\tb', PLAIN] },
  { label: 'etcd_volume_type', path: 'etcd.blockDevice.volumeType', needs: { etcd_blockdevice_size: '10' }, default: undefined, template: ['old-fast', 'old-fast'], cluster: ['old-faster', 'old-faster'], malformed: ['{{ 1 }}', PLAIN] },
  { label: 'etcd_blockdevice_volume_az', path: 'etcd.blockDevice.availabilityZone', needs: { etcd_blockdevice_size: '10' }, default: undefined, template: ['az1', 'az1'], cluster: ['az2', 'az2'], malformed: ['az\n1', PLAIN] },
  { label: 'kube_dashboard_enabled', path: 'addons.kubernetesDashboard.enabled', needs: { capi_helm_chart_version: '0.19.2' }, default: true, template: ['false', false], cluster: ['true', true], malformed: ['visible', 'boolean'] },
  { label: 'csi_cinder_availability_zone', path: 'addons.openstack.csiCinder.defaultStorageClass.availabilityZone', default: 'nova', template: ['az1', 'az1'], cluster: ['az2', 'az2'], malformed: ['{{ 7 * 7 }}', PLAIN] },
  { label: 'csi_cinder_reclaim_policy', path: 'addons.openstack.csiCinder.defaultStorageClass.reclaimPolicy', default: 'Retain', template: ['Delete', 'Delete'], cluster: ['retain', 'Retain'], malformed: ['Recycle', 'one of Retain, Delete'] },
  { label: 'csi_cinder_volume_binding_mode', path: 'addons.openstack.csiCinder.defaultStorageClass.volumeBindingMode', default: 'WaitForFirstConsumer', template: ['Immediate', 'Immediate'], cluster: ['waitforfirstconsumer', 'WaitForFirstConsumer'], malformed: ['Later', 'one of WaitForFirstConsumer, Immediate'] },
  { label: 'csi_cinder_fstype', path: 'addons.openstack.csiCinder.defaultStorageClass.fstype', default: 'ext4', template: ['xfs', 'xfs'], cluster: ['ext3', 'ext3'], malformed: ['ext4 -o x', 'a filesystem type such as ext4 or xfs'] },
  { label: 'csi_cinder_allow_volume_expansion', path: 'addons.openstack.csiCinder.defaultStorageClass.allowVolumeExpansion', default: true, template: ['false', false], cluster: ['true', true], malformed: ['grow', 'boolean'] },
  { label: 'auto_scaling_enabled', path: 'nodeGroups.0.autoscale', default: undefined, template: ['false', undefined], cluster: ['true', 'true'], malformed: ['auto', 'boolean'] },
  { label: 'min_node_count', path: 'nodeGroups.0.machineCountMin', default: undefined, template: ['1', undefined], cluster: ['1', 1], malformed: ['one', 'integer'] },
  { label: 'max_node_count', path: 'nodeGroups.0.machineCountMax', default: undefined, template: ['3', undefined], cluster: ['6', 6], malformed: ['many', 'integer'] },
];

/** The first value path of each label in the table. */
const PATHS: Record<string, string> = Object.fromEntries([...rows].reverse().map((r) => [r.label, r.path]));

/** Labels that only act with autoscaling on; their rows switch it on at the cluster level. */
const NEEDS_AUTOSCALING = new Set(['min_node_count', 'max_node_count']);

function withLabels(template: Record<string, string>, cluster: Record<string, string>) {
  return specWith((s) => {
    s.cluster_template.labels = template;
    s.cluster.labels = cluster;
  });
}

describe.each(rows)('label $label → $path', (row) => {
  const extra: Record<string, string> = NEEDS_AUTOSCALING.has(row.label) ? { auto_scaling_enabled: 'true' } : {};
  // Bounds that differ from node_count make autoscaling visible in the values.
  if (row.label === 'auto_scaling_enabled') extra.max_node_count = '5';
  const needs = row.needs ?? {};
  const template = (v: string) => ({ ...needs, [row.label]: v });
  const cluster = (v: string) => ({ ...extra, [row.label]: v });

  it('default', () => {
    const base = row.label === 'auto_scaling_enabled' ? {} : extra;
    expect(at(render(withLabels(needs, base)), row.path)).toEqual(row.default);
  });

  it('template value', () => {
    // For min/max rows autoscaling stays off here, so a template bound alone changes nothing.
    const values = render(withLabels(template(row.template[0]), {}));
    expect(at(values, row.path)).toEqual(row.template[1]);
  });

  it('cluster value overrides the template', () => {
    const values = render(withLabels(template(row.template[0]), cluster(row.cluster[0])));
    expect(at(values, row.path)).toEqual(row.cluster[1]);
  });

  it('a site default applies when no label is set', () => {
    const values = render(withLabels(needs, extra), { labelDefaults: { [row.label]: row.cluster[0] } });
    expect(at(values, row.path)).toEqual(row.cluster[1]);
  });

  // With autoscaling off in the template case, min/max rows show nothing; their precedence is in rules.test.ts.
  if (!NEEDS_AUTOSCALING.has(row.label) && row.label !== 'auto_scaling_enabled') {
    it('a template value beats the site default', () => {
      const values = render(withLabels(template(row.template[0]), {}), { labelDefaults: { [row.label]: row.cluster[0] } });
      expect(at(values, row.path)).toEqual(row.template[1]);
    });
  }

  if (row.malformed) {
    const [bad, expected] = row.malformed;
    it(`malformed ${JSON.stringify(bad)} is a 422 naming the label`, () => {
      const run = () => render(withLabels(needs, cluster(bad)));
      expect(run).toThrow(InvalidLabel);
      expect(run).toThrow(`label ${row.label}: expected ${expected}, got ${JSON.stringify(bad)}`);
    });
  }
});

describe('label resolution', () => {
  it('site defaults sit under template and cluster labels', () => {
    const site = { labelDefaults: { monitoring_enabled: 'true', boot_volume_size: '30' } };
    expect(at(render(withLabels({}, {}), site), 'addons.monitoring.enabled')).toBe(true);
    expect(at(render(withLabels({ monitoring_enabled: 'false' }, {}), site), 'addons.monitoring.enabled')).toBe(false);
    expect(at(render(withLabels({}, { boot_volume_size: '60' }), site), 'controlPlane.machineRootVolume.diskSize')).toBe(60);
  });

  it.each<[string, string, unknown]>([
    ['monitoring_enabled', 'true', true],
    ['fixed_subnet_cidr', '10.9.0.0/16', '10.9.0.0/16'],
    ['octavia_lb_algorithm', 'SOURCE_IP', 'SOURCE_IP'],
    ['api_master_lb_allowed_cidrs', '10.0.0.0/8', ['10.0.0.0/8']],
    ['boot_volume_size', '40', 40],
    ['etcd_blockdevice_size', '9', 9],
  ])('an empty cluster label %s counts as unset: the template value applies, else the site default', (label, value, expected) => {
    const path = PATHS[label]!;
    expect(at(render(withLabels({ [label]: value }, { [label]: ' ' })), path)).toEqual(expected);
    expect(at(render(withLabels({}, { [label]: '' }), { labelDefaults: { [label]: value } }), path)).toEqual(expected);
    expect(at(render(withLabels({ [label]: '' }, {}), { labelDefaults: { [label]: value } }), path)).toEqual(expected);
  });

  it('new etcd label names win over their old aliases', () => {
    const values = render(withLabels({ etcd_volume_size: '5', etcd_volume_type: 'old' }, { etcd_blockdevice_size: '9', etcd_blockdevice_volume_type: 'new' }));
    expect(at(values, 'etcd.blockDevice')).toEqual({ size: 9, type: 'Volume', volumeType: 'new' });
  });

  it.each([
    ['an old name the template sets beats a site default for the new name', { etcd_volume_size: '5' }, { etcd_blockdevice_size: '7' }, 5],
    ['a site default for the new name applies when no user label is set', {}, { etcd_blockdevice_size: '7', etcd_volume_size: '3' }, 7],
    ['a site default for the old name still works', {}, { etcd_volume_size: '3' }, 3],
  ])('%s', (_name, template, defaults, size) => {
    expect(at(render(withLabels(template, {}), { labelDefaults: defaults }), 'etcd.blockDevice.size')).toBe(size);
  });

  it('a local etcd block device carries no volume settings', () => {
    const values = render(withLabels({ etcd_blockdevice_size: '9', etcd_blockdevice_type: 'local', etcd_blockdevice_volume_type: 'x' }, {}));
    expect(at(values, 'etcd.blockDevice')).toEqual({ size: 9, type: 'Local' });
  });

  it.each<[string, string[] | string]>([
    ['203.0.113.7', ['203.0.113.7/32']],
    ['2001:db8::1, 10.0.0.0/8', ['2001:db8::1/128', '10.0.0.0/8']],
    ['2001:db8::/48', ['2001:db8::/48']],
    ['2001:db8::/129', 'label api_master_lb_allowed_cidrs: expected a comma-separated list of CIDRs, got "2001:db8::/129"'],
    ['256.0.0.1', 'label api_master_lb_allowed_cidrs: expected a comma-separated list of CIDRs, got "256.0.0.1"'],
    [' , ', 'label api_master_lb_allowed_cidrs: expected a comma-separated list of CIDRs, got ","'],
    ['::/0', ['::/0']],
    // Hex words and stray colons are not IPv6 addresses; Octavia would refuse them after the create returned.
    ['dead/16', 'label api_master_lb_allowed_cidrs: expected a comma-separated list of CIDRs, got "dead/16"'],
    ['1:2/64', 'label api_master_lb_allowed_cidrs: expected a comma-separated list of CIDRs, got "1:2/64"'],
    [':::/64', 'label api_master_lb_allowed_cidrs: expected a comma-separated list of CIDRs, got ":::/64"'],
    // A leading zero reads as octal to some parsers and is refused by Go's.
    ['010.0.0.0/8', 'label api_master_lb_allowed_cidrs: expected a comma-separated list of CIDRs, got "010.0.0.0/8"'],
  ])('allowed CIDRs %j → %j', (raw, expected) => {
    const run = () => at(render(withLabels({}, { api_master_lb_allowed_cidrs: raw })), 'apiServer.allowedCIDRs');
    if (typeof expected === 'string') expect(run).toThrow(expected);
    else expect(run()).toEqual(expected);
  });

  it.each(['cafe/16', '10.0.0.0/24/1', '10.0.0.0', '10.0.0.0/'])('fixed_subnet_cidr %j is refused', (raw) => {
    expect(() => render(withLabels({}, { fixed_subnet_cidr: raw }))).toThrow(`label fixed_subnet_cidr: expected a CIDR such as 10.0.0.0/24, got ${JSON.stringify(raw)}`);
  });

  it.each(['min_node_count', 'max_node_count'])('a malformed %s is refused even with autoscaling off', (label) => {
    expect(() => render(withLabels({}, { [label]: 'lots' }))).toThrow(`label ${label}: expected integer, got "lots"`);
  });

  it('ovn changes the default balancing algorithm', () => {
    expect(at(render(withLabels({ octavia_provider: 'ovn' }, {})), 'addons.openstack.cloudConfig.LoadBalancer.lb-method')).toBe('SOURCE_IP_PORT');
  });

  it('a site default algorithm beats the provider-dependent default, as in magnum-capi-helm', () => {
    const values = render(withLabels({ octavia_provider: 'ovn' }, {}), { labelDefaults: { octavia_lb_algorithm: 'SOURCE_IP' } });
    expect(at(values, 'addons.openstack.cloudConfig.LoadBalancer.lb-method')).toBe('SOURCE_IP');
  });

  it('capi_helm_chart_version is read from the template only', () => {
    const spec = withLabels({}, { capi_helm_chart_version: '0.19.0', api_master_lb_allowed_cidrs: '10.0.0.0/8' });
    expect(at(render(spec), 'apiServer.allowedCIDRs')).toEqual(['10.0.0.0/8']);
  });
});

/**
 * Volume types and zones land unquoted in the chart's YAML; the storage-class zone and fstype
 * also inside the csi-cinder Manifests template, which the addon provider renders once more with
 * Jinja2 (not sandboxed) on the management cluster. A value must stay plain text to both: no
 * template syntax, no YAML structure, no word YAML reads as something other than a string.
 */
describe('names the chart writes unquoted', () => {
  const targets: [string, string, Record<string, string>][] = [
    ['csi_cinder_availability_zone', 'addons.openstack.csiCinder.defaultStorageClass.availabilityZone', {}],
    ['boot_volume_type', 'controlPlane.machineRootVolume.volumeType', {}],
    ['etcd_blockdevice_volume_type', 'etcd.blockDevice.volumeType', { etcd_blockdevice_size: '10' }],
    ['etcd_volume_type', 'etcd.blockDevice.volumeType', { etcd_blockdevice_size: '10' }],
    ['etcd_blockdevice_volume_az', 'etcd.blockDevice.availabilityZone', { etcd_blockdevice_size: '10' }],
  ];
  const unsafe = [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    '{% if true %}x{% endif %}',
    '{# hidden #}',
    'zone: a',
    'a #comment',
    '*alias',
    '[a]',
    '- a',
    'true',
    'No',
    'on',
    'null',
    '1',
    '2.5',
    '2024-01-01',
    '0x1F',
    '0b101',
    '0o17',
    '1_000',
  ];
  const safe = ['nova', 'az-1', 'Fast NVMe', '__DEFAULT__', 'ceph/ssd', 'tier.1', '1a'];

  it.each(targets.flatMap(([label, , needs]) => unsafe.map((v) => [label, v, needs] as const)))('%s %j is refused', (label, value, needs) => {
    const run = () => render(withLabels(needs, { [label]: value }));
    expect(run).toThrow(InvalidLabel);
    expect(run).toThrow(`label ${label}: expected ${PLAIN}, got ${JSON.stringify(value)}`);
  });

  it.each(targets.flatMap(([label, path, needs]) => safe.map((v) => [label, v, path, needs] as const)))('%s %j is kept as it is', (label, value, path, needs) => {
    expect(at(render(withLabels(needs, { [label]: value })), path)).toBe(value);
  });

  it.each<[string, string, string]>([
    ['csi_cinder_fstype', 'no', 'a filesystem type such as ext4 or xfs'],
    ['csi_cinder_fstype', '1', 'a filesystem type such as ext4 or xfs'],
    ['octavia_provider', 'true', 'an Octavia provider name such as amphora or ovn'],
    ['octavia_provider', 'OFF', 'an Octavia provider name such as amphora or ovn'],
  ])('%s %j is refused: YAML would read it as something other than a name', (label, value, what) => {
    expect(() => render(withLabels({}, { [label]: value }))).toThrow(`label ${label}: expected ${what}, got ${JSON.stringify(value)}`);
  });
});

describe('chart versions', () => {
  it.each([
    ['0.23.9', 'allowedCidrs'],
    ['0.24.0', 'allowedCIDRs'],
    ['0.27.0', 'allowedCIDRs'],
    ['1.0.0-rc.1', 'allowedCIDRs'],
  ])('chart %s reads the allowed CIDRs from %s', (version, key) => {
    const values = render(withLabels({ capi_helm_chart_version: version }, { api_master_lb_allowed_cidrs: '10.0.0.0/8' }));
    expect(at(values, `apiServer.${key}`)).toEqual(['10.0.0.0/8']);
    expect(Object.keys(at(values, 'apiServer') as object)).toHaveLength(4);
  });

  it.each([
    ['0.19.2', true],
    ['0.20.0', false],
  ])('chart %s has the dashboard addon: %s', (version, has) => {
    const values = render(withLabels({ capi_helm_chart_version: version }, { kube_dashboard_enabled: 'false' }));
    expect(at(values, 'addons.kubernetesDashboard')).toEqual(has ? { enabled: false } : undefined);
  });

  it('still refuses a malformed dashboard label on charts without the addon', () => {
    expect(() => render(withLabels({}, { kube_dashboard_enabled: 'hmm' }))).toThrow('label kube_dashboard_enabled: expected boolean, got "hmm"');
  });

  it.each([
    [{}, {}, '0.27.0'],
    [{}, { chart: { defaultVersion: '0.26.1' } }, '0.26.1'],
    [{ capi_helm_chart_version: '0.25.0' }, { chart: { defaultVersion: '0.26.1' } }, '0.25.0'],
  ])('template labels %j with site %j install chart %s', (templateLabels, site, version) => {
    const plan = planRelease(withLabels(templateLabels, {}), parseConfig(site), { base: [], overlays: [] });
    expect(plan.chart.version).toBe(version);
  });

  it('refuses a chart version that is not a version', () => {
    expect(() => render(withLabels({ capi_helm_chart_version: '0.27.0; rm -rf /' }, {}))).toThrow(InvalidLabel);
  });
});
