/**
 * import-magnum-conf: every [capi_helm] and [capi_helm_cluster_labels]
 * option of magnum-capi-helm 1.4.0, under each spelling oslo reads, typed as
 * oslo types it, lands where this driver reads it; what cannot is named.
 */
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { CAPI_HELM_OPTIONS } from '../../../src/migrate/capi-helm-options.js';
import { configYaml, formatNote, importMagnumConf } from '../../../src/migrate/magnum-conf.js';
import { render, specWith } from '../values/helpers.js';

/** What magnum.conf decides when it says nothing: magnum-capi-helm's own [capi_helm] defaults. */
const SEED_SETTINGS = {
  namespacePrefix: 'magnum',
  chart: { repo: 'https://azimuth-cloud.github.io/capi-helm-charts', name: 'openstack-cluster', defaultVersion: '0.10.1' },
  limits: { minFlavorRamMb: 2048, minFlavorVcpus: 2 },
};

const imported = (text: string) => importMagnumConf(text);
const notes = (text: string) => imported(text).notes.map(formatNote);

describe('import-magnum-conf: defaults', () => {
  it('an empty magnum.conf gives magnum-capi-helm\'s defaults, its old chart version named', () => {
    const { config, notes: found } = imported('');
    expect(config).toEqual(SEED_SETTINGS);
    expect(found.map(formatNote)).toEqual([
      expect.stringMatching(/^\[capi_helm\] kubeconfig_file: not carried: magnum-capi-helm used \$KUBECONFIG/),
      expect.stringMatching(/^\[capi_helm\] default_helm_chart_version: not set: magnum-capi-helm's own default 0\.10\.1 is written/),
    ]);
    expect(parseConfig(config).chart.defaultVersion).toBe('0.10.1');
  });

  // No label default is written for an option left unset, so magnum-capi-helm's default must be this driver's own.
  const labelDefaults = CAPI_HELM_OPTIONS.filter((o) => o.carry.to === 'label' && o.default !== null && o.default !== '');
  it.each(labelDefaults.map((o) => [o.name, o.default] as const))('magnum-capi-helm\'s default %s = %j renders as this driver\'s own', (name, dflt) => {
    // The etcd options matter only with a size; the rest with the default fixture (two volume types).
    const spec = specWith((s) => {
      if (name.startsWith('etcd_') && name !== 'etcd_blockdevice_size') s.cluster.labels = { etcd_blockdevice_size: '10' };
    });
    expect(render(spec, { labelDefaults: { [name]: String(dflt) } })).toEqual(render(spec));
  });

  it('the default fixture renders differently when a default changes (the table above can fail)', () => {
    const spec = specWith();
    expect(render(spec, { labelDefaults: { monitoring_enabled: 'true' } })).not.toEqual(render(spec));
  });
});

interface Row {
  what: string;
  conf: string;
  /** Expected config beyond SEED_SETTINGS (merged over it, one level deep). */
  want: Record<string, unknown>;
  /** Expected notes, each matched as a substring, in order; none beyond the defaults' when absent. */
  notes?: string[];
}

const lab = (labels: Record<string, string>) => ({ labelDefaults: labels });

const ROWS: Row[] = [
  // [capi_helm]
  { what: 'kubeconfig_file', conf: '[capi_helm]\nkubeconfig_file = /etc/magnum/kubeconfig\n', want: { kubeconfig: '/etc/magnum/kubeconfig' } },
  { what: 'namespace_prefix', conf: '[capi_helm]\nnamespace_prefix = magnum-b\n', want: { namespacePrefix: 'magnum-b' } },
  { what: 'helm_chart_repo, empty for OCI', conf: '[capi_helm]\nhelm_chart_repo =\nhelm_chart_name = oci://registry.example/charts/openstack-cluster\n', want: { chart: { repo: '', name: 'oci://registry.example/charts/openstack-cluster', defaultVersion: '0.10.1' } } },
  { what: 'default_helm_chart_version', conf: '[capi_helm]\ndefault_helm_chart_version = 0.27.0\n', want: { chart: { ...SEED_SETTINGS.chart, defaultVersion: '0.27.0' } } },
  { what: 'flavor minimums (Integer)', conf: '[capi_helm]\nminimum_flavor_ram = 4096\nminimum_flavor_vcpus = " 4 "\n', want: { limits: { minFlavorRamMb: 4096, minFlavorVcpus: 4 } } },
  // oslo's Integer makes an empty value None, not the default (checked against oslo.config in the shim's tests).
  { what: 'an empty Integer setting', conf: '[capi_helm]\nminimum_flavor_ram =\n', want: { limits: { minFlavorVcpus: 2 } }, notes: ['[capi_helm] minimum_flavor_ram (line 2): not carried: empty, which oslo.config reads as no value at all'] },
  { what: 'csi_cinder_default_volume_type', conf: '[capi_helm]\ncsi_cinder_default_volume_type = ssd\n', want: { defaultVolumeType: 'ssd' } },
  { what: 'an empty csi_cinder_default_volume_type is unset (the first type Cinder lists)', conf: '[capi_helm]\ncsi_cinder_default_volume_type =\n', want: {} },
  { what: 'csi_cinder_allowed_topologies empty', conf: '[capi_helm]\ncsi_cinder_allowed_topologies =\n', want: {} },
  // [capi_helm_cluster_labels], each type
  { what: 'Boolean labels written as true/false', conf: '[capi_helm_cluster_labels]\nmonitoring_enabled = yes\nauto_healing_enabled = Off\nkeystone_auth_enabled = 1\n', want: lab({ monitoring_enabled: 'true', auto_healing_enabled: 'false', keystone_auth_enabled: 'true' }) },
  { what: 'Integer labels', conf: '[capi_helm_cluster_labels]\netcd_blockdevice_size = 20\nmin_node_count = 2\nmax_node_count = 1_0\nboot_volume_size = 40\n', want: lab({ etcd_blockdevice_size: '20', min_node_count: '2', max_node_count: '10', boot_volume_size: '40' }) },
  { what: 'an Integer label set to 0 is written (it stops the [cinder] fallback)', conf: '[capi_helm_cluster_labels]\nboot_volume_size = 0\n', want: lab({ boot_volume_size: '0' }) },
  { what: 'an empty Integer label is unset', conf: '[capi_helm_cluster_labels]\nmin_node_count =\n', want: {} },
  { what: 'String labels with choices', conf: '[capi_helm_cluster_labels]\netcd_blockdevice_type = local\ncsi_cinder_reclaim_policy = Delete\ncsi_cinder_volume_binding_mode = Immediate\n', want: lab({ etcd_blockdevice_type: 'local', csi_cinder_reclaim_policy: 'Delete', csi_cinder_volume_binding_mode: 'Immediate' }) },
  { what: 'an empty String label is unset', conf: '[capi_helm_cluster_labels]\noctavia_lb_algorithm =\nboot_volume_type =\n', want: {} },
  { what: 'String labels as written', conf: '[capi_helm_cluster_labels]\noctavia_provider = ovn\napi_master_lb_allowed_cidrs = 10.0.0.0/8,192.168.0.0/16\nfixed_subnet_cidr = 10.1.0.0/24\nboot_volume_type = ssd\n', want: lab({ octavia_provider: 'ovn', fixed_subnet_cidr: '10.1.0.0/24', api_master_lb_allowed_cidrs: '10.0.0.0/8,192.168.0.0/16', boot_volume_type: 'ssd' }) },
  // Spellings
  { what: 'section names in any case', conf: '[CAPI_HELM_CLUSTER_LABELS]\nmonitoring_enabled = true\n', want: lab({ monitoring_enabled: 'true' }) },
  {
    what: 'a CSI option under its old section [capi_helm]',
    conf: '[capi_helm]\ncsi_cinder_fstype = xfs\n',
    want: lab({ csi_cinder_fstype: 'xfs' }),
    notes: ['[capi_helm] csi_cinder_fstype (line 2): deprecated spelling of [capi_helm_cluster_labels] csi_cinder_fstype'],
  },
  {
    what: 'the new section wins over the old',
    conf: '[capi_helm]\ncsi_cinder_availability_zone = old\n[capi_helm_cluster_labels]\ncsi_cinder_availability_zone = new\n',
    want: lab({ csi_cinder_availability_zone: 'new' }),
    notes: ['[capi_helm] csi_cinder_availability_zone (line 2): not carried: [capi_helm_cluster_labels] csi_cinder_availability_zone is also set and wins'],
  },
  {
    what: 'extra_network_name, the old spelling of extra_network_names',
    conf: '[capi_helm_cluster_labels]\nextra_network_name = storage-net\n',
    want: lab({ extra_network_names: 'storage-net' }),
    notes: ['deprecated spelling of [capi_helm_cluster_labels] extra_network_names', 'the old label extra_network_name now overrides this default'],
  },
  {
    what: 'a repeated key: the last wins',
    conf: '[capi_helm_cluster_labels]\noctavia_provider = amphora\noctavia_provider = ovn\n',
    want: lab({ octavia_provider: 'ovn' }),
    notes: ['[capi_helm_cluster_labels] octavia_provider (line 3): set 2 times: the last one wins'],
  },
  { what: 'a # after a value is part of it', conf: '[capi_helm_cluster_labels]\nfixed_subnet_cidr = 10.1.0.0/24 # nodes\n', want: lab({ fixed_subnet_cidr: '10.1.0.0/24 # nodes' }) },
  // Not carried
  {
    what: 'a Boolean oslo refuses',
    conf: '[capi_helm_cluster_labels]\nmonitoring_enabled = y\n',
    want: {},
    notes: ['[capi_helm_cluster_labels] monitoring_enabled (line 2): not carried: expected a boolean (true, 1, on, yes, false, 0, off, no), got "y"; magnum-capi-helm refuses this value too'],
  },
  { what: 'an Integer oslo refuses', conf: '[capi_helm]\nminimum_flavor_ram = 4096 # MB\n', want: { limits: { minFlavorVcpus: 2 } }, notes: ['[capi_helm] minimum_flavor_ram (line 2): not carried: expected an integer, got "4096 # MB"'] },
  { what: 'a choice oslo refuses', conf: '[capi_helm_cluster_labels]\ncsi_cinder_reclaim_policy = delete\n', want: {}, notes: ['not carried: expected one of Retain, Delete, got "delete"'] },
  { what: 'a value this driver refuses', conf: '[capi_helm]\nnamespace_prefix = Magnum_A\n', want: { namespacePrefix: undefined }, notes: ['[capi_helm] namespace_prefix (line 2): not carried: namespacePrefix: must be a DNS label'] },
  { what: 'a flavor minimum of 0', conf: '[capi_helm]\nminimum_flavor_vcpus = 0\n', want: { limits: { minFlavorRamMb: 2048 } }, notes: ['[capi_helm] minimum_flavor_vcpus (line 2): not carried: limits.minFlavorVcpus:'] },
  { what: 'a substitution', conf: '[capi_helm]\nkubeconfig_file = $state_path/kubeconfig\n', want: {}, notes: ['[capi_helm] kubeconfig_file (line 2): not carried: refers to another option'] },
  { what: 'api_resources', conf: '[capi_helm]\napi_resources = {"OpenstackCluster": {"api_version": "infrastructure.cluster.x-k8s.io/v1beta1"}}\n', want: {}, notes: ['[capi_helm] api_resources (line 2): not carried: this driver reads the Cluster API kinds at fixed API versions'] },
  { what: 'k8s_control_plane_resource_conditions changed', conf: '[capi_helm]\nk8s_control_plane_resource_conditions = Ready\n', want: {}, notes: ['[capi_helm] k8s_control_plane_resource_conditions (line 2): not carried: this driver checks a fixed set'] },
  { what: 'k8s_control_plane_resource_conditions at its default', conf: '[capi_helm]\nk8s_control_plane_resource_conditions = MachinesReady, Ready,EtcdClusterHealthy,ControlPlaneComponentsHealthy\n', want: {}, notes: ['nothing to set here: the value is magnum-capi-helm\'s default'] },
  { what: 'csi_cinder_allowed_topologies as strings', conf: '[capi_helm]\ncsi_cinder_allowed_topologies = zone=a\n', want: {}, notes: ['[capi_helm] csi_cinder_allowed_topologies (line 2): not carried: magnum-capi-helm passes these strings (["zone=a"])'] },
  { what: 'app_cred_interface_type', conf: '[capi_helm]\napp_cred_interface_type = internal\n', want: {}, notes: ['[capi_helm] app_cred_interface_type (line 2): nothing to set here: the shim reads it'] },
  { what: 'etcd_volume_size, which magnum-capi-helm never reads', conf: '[capi_helm_cluster_labels]\netcd_volume_size = 10\n', want: {}, notes: ['[capi_helm_cluster_labels] etcd_volume_size (line 2): not carried: magnum-capi-helm 1.4.0 reads only [capi_helm_cluster_labels] etcd_blockdevice_size'] },
  { what: 'etcd_volume_type in its old section', conf: '[capi_helm]\netcd_volume_type = ssd\n', want: {}, notes: ['[capi_helm] etcd_volume_type (line 2): not carried: magnum-capi-helm 1.4.0 reads only [capi_helm_cluster_labels] etcd_blockdevice_volume_type'] },
  { what: 'capi_helm_chart_version as a site default', conf: '[capi_helm_cluster_labels]\ncapi_helm_chart_version = 0.27.0\n', want: {}, notes: ['not carried: magnum-capi-helm 1.4.0 takes the chart version from the template label'] },
  { what: 'an option magnum-capi-helm does not have', conf: '[capi_helm]\nhelm_chart_version = 0.27.0\n', want: {}, notes: ['[capi_helm] helm_chart_version (line 2): not carried: not an option of magnum-capi-helm 1.4.0'] },
  { what: 'Magnum\'s [cinder] boot volume defaults', conf: '[cinder]\ndefault_boot_volume_type = ssd\ndefault_boot_volume_size = 20\n', want: {}, notes: ['[cinder] default_boot_volume_type (line 2): nothing to set here: the shim reads it', '[cinder] default_boot_volume_size (line 3): nothing to set here: the shim reads it'] },
  { what: 'Magnum\'s [drivers] CA settings', conf: '[drivers]\nverify_ca = false\nopenstack_ca_file = /etc/ssl/ca.pem\n', want: {}, notes: ['[drivers] verify_ca (line 2): nothing to set here', '[drivers] openstack_ca_file (line 3): nothing to set here'] },
];

describe('import-magnum-conf: option spellings, types and what is not carried', () => {
  it.each(ROWS)('$what', ({ conf, want, notes: wanted }) => {
    const result = imported(conf);
    expect(result.config).toEqual({ ...SEED_SETTINGS, ...want });
    // Whatever it prints, this driver loads.
    expect(() => parseConfig(result.config)).not.toThrow();
    const own = result.notes.filter((n) => n.line !== undefined).map(formatNote);
    expect(own).toHaveLength((wanted ?? []).length);
    (wanted ?? []).forEach((w, i) => expect(own[i]).toContain(w));
    // A note says whether its option is in the config printed.
    for (const n of result.notes) expect(n.carried ? n.message : n.message.startsWith('not carried:')).toBeTruthy();
  });
});

describe('import-magnum-conf: the YAML printed', () => {
  it('loads as this driver\'s config, label values quoted as strings', () => {
    const result = imported('[capi_helm]\nkubeconfig_file = /k\n[capi_helm_cluster_labels]\nmonitoring_enabled = on\nboot_volume_size = 40\n');
    const yaml = configYaml(result, '/etc/magnum/magnum.conf');
    expect(yaml.split('\n')[0]).toBe('# magnum-capi-sidecar config imported from /etc/magnum/magnum.conf (magnum-capi-helm 1.4.0 options)');
    const loaded = load(yaml);
    expect(loaded).toEqual(result.config);
    expect(parseConfig(loaded).labelDefaults).toEqual({ monitoring_enabled: 'true', boot_volume_size: '40' });
  });
});

describe('cli import-magnum-conf PATH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcs-import-'));
  const cli = (...args: string[]) =>
    execa(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'import-magnum-conf', ...args], { reject: false, env: { MCS_CONFIG: join(dir, 'absent.yaml') } });

  it('prints the YAML on stdout and the notes on stderr, exit 0, whatever MCS_CONFIG says', async () => {
    const path = join(dir, 'magnum.conf');
    writeFileSync(path, '[capi_helm]\nkubeconfig_file = /etc/magnum/kubeconfig\napi_resources = {}\n[capi_helm_cluster_labels]\nmonitoring_enabled = true\n');
    const result = await cli(path);
    expect(result.exitCode).toBe(0);
    expect(load(result.stdout)).toEqual({ ...SEED_SETTINGS, kubeconfig: '/etc/magnum/kubeconfig', labelDefaults: { monitoring_enabled: 'true' } });
    expect(result.stderr).toMatch(/^\[capi_helm\] api_resources \(line 3\): not carried: this driver reads the Cluster API kinds/m);
  });

  it.each([
    { what: 'a file that cannot be read', args: [join(dir, 'missing.conf')], message: 'cannot read: ENOENT' },
    { what: 'a file oslo.config could not parse', args: ['BAD'], message: 'bad.conf: line 2: expected' },
    { what: 'no path', args: [], message: 'needs exactly one PATH' },
  ])('exits 2 on $what', async ({ args, message }) => {
    writeFileSync(join(dir, 'bad.conf'), '[capi_helm]\nnot an assignment\n');
    const result = await cli(...args.map((a) => (a === 'BAD' ? join(dir, 'bad.conf') : a)));
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });
});
